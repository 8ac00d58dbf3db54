//! The drop-in CI files: the pre-commit hooks, the GitHub Actions workflow and the GitLab CI job
//! in `examples/ci/`. Each parses as YAML with the keys its system needs, and every gkecheck
//! command in them runs with the options as written (a usage error would exit 64). The hooks
//! themselves are run with pre-commit by `cargo xtask ci`.

mod common;

use serde_json::Value;

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut docs = common::yaml_docs(&text);
    assert_eq!(docs.len(), 1, "{path}: one document");
    docs.remove(0)
}

/// Runs a gkecheck command line from an example (after `gkecheck`), with its variables set to
/// a real Terraform directory and its output file in a temporary place: it must not be a usage
/// error.
fn runs(line: &str, dir: &str) {
    let line = line.split("||").next().unwrap().trim();
    let out_dir = std::env::temp_dir().join(format!("gkecheck-ci-examples-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let words: Vec<String> = line
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches('"'))
        .map(|w| {
            w.replace("$TF_DIR/plan.json", dir)
                .replace("$TF_DIR", dir)
                .replace("gkecheck.sarif", out_dir.join("g.sarif").to_str().unwrap())
                .replace(
                    "gl-code-quality.json",
                    out_dir.join("gl.json").to_str().unwrap(),
                )
                .replace(
                    "gkecheck-junit.xml",
                    out_dir.join("j.xml").to_str().unwrap(),
                )
        })
        .collect();
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    let out = common::gkecheck(&args, b"");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        (0..=1).contains(&code),
        "`{line}` exits {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The gkecheck commands of a script: lines that start with `gkecheck `.
fn commands(script: &str) -> Vec<String> {
    script
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("gkecheck "))
        .map(String::from)
        .collect()
}

const TF: &str = "tests/fixtures/terraform/tutorial";

#[test]
fn pre_commit_hooks_build_and_run_gkecheck() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["gkecheck", "gkecheck-files"]);
    for hook in hooks {
        assert_eq!(hook["language"], "rust", "pre-commit builds it with cargo");
        assert!(hook["name"].is_string() && hook["description"].is_string());
        let entry = hook["entry"].as_str().unwrap();
        assert!(entry.starts_with("gkecheck check"), "{entry}");
        // The entry runs as written (with the files pre-commit passes, for the second).
        let mut line = entry.to_string();
        if hook["pass_filenames"] == true {
            line.push_str(&format!(" {TF}/gke.tf"));
        } else {
            line = line.replace(" .", &format!(" {TF}"));
        }
        runs(&line, TF);
    }
    // The example configuration uses these hooks, with options gkecheck takes.
    let config = load("examples/ci/pre-commit-config.yaml");
    for hook in config["repos"][0]["hooks"].as_array().unwrap() {
        let id = hook["id"].as_str().unwrap();
        assert!(ids.contains(&id), "{id}");
        if let Some(args) = hook["args"].as_array() {
            let args: Vec<&str> = args.iter().map(|a| a.as_str().unwrap()).collect();
            runs(&format!("gkecheck check {TF} {}", args.join(" ")), TF);
        }
    }
}

#[test]
fn the_github_workflow_uploads_sarif_and_gates_on_the_plan() {
    let workflow = load("examples/ci/github-actions.yml");
    assert!(workflow["on"]["pull_request"].is_object());
    assert_eq!(workflow["permissions"]["security-events"], "write");
    let steps = workflow["jobs"]["gkecheck"]["steps"].as_array().unwrap();
    assert!(steps
        .iter()
        .all(|s| s["uses"].is_string() || s["run"].is_string()));
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert_eq!(upload["with"]["sarif_file"], "gkecheck.sarif");
    let script: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let gkecheck = commands(&script);
    assert!(gkecheck
        .iter()
        .any(|c| c.contains("--output-format sarif") && c.contains("--output gkecheck.sarif")));
    assert!(gkecheck
        .iter()
        .any(|c| c.contains("--fail-on high") && c.contains("plan.json")));
    assert!(script.contains("terraform show -json tfplan > plan.json"));
    for c in gkecheck {
        runs(&c, TF);
    }
}

#[test]
fn the_gitlab_job_reports_code_quality_and_junit() {
    let ci = load("examples/ci/gitlab-ci.yml");
    let job = &ci["gkecheck"];
    assert_eq!(
        job["artifacts"]["reports"]["codequality"],
        "gl-code-quality.json"
    );
    assert_eq!(job["artifacts"]["reports"]["junit"], "gkecheck-junit.xml");
    assert_eq!(job["artifacts"]["when"], "always");
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let gkecheck = commands(&script.join("\n"));
    assert_eq!(gkecheck.len(), 2);
    for c in gkecheck {
        runs(&c, TF);
    }
}
