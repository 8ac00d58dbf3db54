//! The formats CI systems read: SARIF 2.1.0 validated against the official schema
//! (`../shared/schemas/sarif-schema-2.1.0.json`), JUnit XML, GitHub workflow commands and
//! GitLab's Code Quality report; the same bytes run after run; fingerprints that an unrelated
//! edit leaves alone; `--output FILE`.

mod common;

use std::path::Path;

use serde_json::Value;

fn run(args: &[&str], stdin: &str) -> (String, String, i32) {
    let out = common::gkecheck(args, stdin.as_bytes());
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

const TUTORIAL: &str = "tests/fixtures/terraform/tutorial";
const GCLOUD: &str = "www/examples/vulnerable-cluster.json";

/// `gkecheck check --baseline BEFORE FILE`.
fn with_baseline(before: &Path, file: &Path) -> (String, String, i32) {
    run(
        &[
            "check",
            "--baseline",
            before.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        "",
    )
}

/// A Terraform file with a waived pool, an unknown one and a failing one.
fn waived_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gkecheck-formats-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        r#"resource "google_container_cluster" "c" {
  name = "shop, \"east\""
  remove_default_node_pool = true
  workload_identity_config {
    workload_pool = "p.svc.id.goog"
  }
}

# gkecheck:ignore GKE001 the batch jobs still call the metadata server until=2099-01-01
resource "google_container_node_pool" "batch" {
  name    = "batch"
  cluster = google_container_cluster.c.name
  node_config {
    workload_metadata_config {
      mode = "GCE_METADATA"
    }
  }
}

resource "google_container_node_pool" "odd" {
  name    = "odd"
  cluster = google_container_cluster.c.name
  node_config {
    workload_metadata_config {
      mode = var.mode
    }
  }
}

resource "google_container_node_pool" "web" {
  name    = "web"
  cluster = google_container_cluster.c.name
  node_config {
    workload_metadata_config {
      mode = "GCE_METADATA"
    }
  }
}
"#,
    )
    .unwrap();
    dir
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(schema_text) = std::fs::read_to_string(&schema_path) else {
        eprintln!(
            "SARIF schema test skipped: {} is not here (it comes with ../shared, which CI has)",
            schema_path.display()
        );
        return;
    };
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    // The validator does refuse what the schema forbids.
    let wrong = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]});
    assert!(validator.iter_errors(&wrong).next().is_some());
    let dir = waived_dir("sarif_is_val");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"name\": \"c\", \"nodePools\": [").unwrap();
    for args in [
        vec![TUTORIAL],
        vec![GCLOUD],
        vec![dir.join("main.tf").to_str().unwrap()],
        vec![broken.to_str().unwrap(), GCLOUD],
        vec!["-"],
        vec![
            "--rule-docs-url",
            "https://docs.example.com/gkecheck/rules/{rule}.md",
            GCLOUD,
        ],
    ] {
        let mut all = vec!["check", "--output-format", "sarif"];
        all.extend(args.iter().copied());
        let (out, err, _) = run(
            &all,
            r#"{"name": "piped", "nodePools": [{"name": "p", "config": {}}]}"#,
        );
        let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
        let run0 = &doc["runs"][0];
        assert_eq!(run0["tool"]["driver"]["name"], "gkecheck");
        // Every result names a rule the driver lists, by index too.
        let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
        for r in run0["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
            assert!(rules[i]["properties"]["security-severity"].is_string());
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rules_link_their_docs_where_the_team_keeps_them() {
    // Without an address there is no helpUri (the help text is in each rule); with one, each
    // rule's helpUri is it, with the rule's id in place of {rule}.
    let (out, _, _) = run(&["check", "--output-format", "sarif", GCLOUD], "");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(!rules.is_empty() && rules.iter().all(|r| r.get("helpUri").is_none()));
    let template = "https://github.com/acme/gkecheck/blob/main/docs/rules/{rule}.md";
    let (out, _, _) = run(
        &[
            "check",
            "--output-format",
            "sarif",
            "--rule-docs-url",
            template,
            GCLOUD,
        ],
        "",
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    for r in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        let id = r["id"].as_str().unwrap();
        assert_eq!(r["helpUri"], template.replace("{rule}", id));
        assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("docs/rules/{id}.md"))
            .exists());
    }
    // An address that is not one, or has no place for the id, is a usage error.
    for bad in [
        "docs/rules/{rule}.md",
        "https://example.com/rules",
        "https://example.com/{rule} x",
        "javascript:alert(1)//{rule}",
    ] {
        let (out, err, code) = run(
            &[
                "check",
                "--output-format",
                "sarif",
                "--rule-docs-url",
                bad,
                GCLOUD,
            ],
            "",
        );
        assert_eq!(code, 64, "{bad}: {err}");
        assert!(
            out.is_empty() && err.contains("expected an http(s) address with {rule}"),
            "{err}"
        );
    }
}

#[test]
fn sarif_carries_places_waivers_unknowns_and_input_errors() {
    let dir = waived_dir("sarif_carrie");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"name\": \"c\", \"nodePools\": [").unwrap();
    let (out, _, code) = run(
        &["check", "--output-format", "sarif", dir.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 2, "an input that cannot be read");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let of = |address: &str| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == "GKE001"
                    && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == address
            })
            .unwrap_or_else(|| panic!("no GKE001 result for {address}"))
    };
    let batch = of("google_container_node_pool.batch");
    assert_eq!(batch["suppressions"][0]["kind"], "inSource");
    assert!(batch["suppressions"][0]["justification"]
        .as_str()
        .unwrap()
        .contains("batch jobs"));
    let odd = of("google_container_node_pool.odd");
    assert_eq!(odd["kind"], "review");
    assert!(odd["message"]["text"]
        .as_str()
        .unwrap()
        .contains("var.mode"));
    let web = of("google_container_node_pool.web");
    assert_eq!(web["level"], "error");
    let region = &web["locations"][0]["physicalLocation"]["region"];
    // The place is the setting itself: line 35, `mode = "GCE_METADATA"` of pool web.
    assert_eq!(region["startLine"], 35);
    assert!(
        web["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/main.tf")
    );
    // No passing results: code scanning lists problems.
    assert!(results.iter().all(|r| r["properties"]["status"] != "pass"));
    let notes = &doc["runs"][0]["invocations"][0];
    assert_eq!(notes["executionSuccessful"], false);
    assert!(notes["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("expected"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_same_input_gives_the_same_bytes_and_fingerprints_survive_unrelated_edits() {
    for format in ["sarif", "junit", "github", "gitlab"] {
        let a = run(&["check", "--output-format", format, TUTORIAL, GCLOUD], "").0;
        let b = run(&["check", "--output-format", format, TUTORIAL, GCLOUD], "").0;
        assert_eq!(a, b, "{format}");
        assert!(!a.is_empty(), "{format}");
    }
    let dir = waived_dir("the_same_inp");
    let file = dir.join("main.tf");
    let fingerprints = || {
        let out = run(
            &["check", "--output-format", "sarif", file.to_str().unwrap()],
            "",
        )
        .0;
        let doc: Value = serde_json::from_str(&out).unwrap();
        let mut found: Vec<(String, String, u64)> = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["gkecheckFinding/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let before = fingerprints();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("# the platform team's cluster\n\n{text}")).unwrap();
    let after = fingerprints();
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.1, a.1, "fingerprint of {} moved with the line", b.0);
        assert_eq!(b.2 + 2, a.2, "the line itself moves");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn junit_has_a_suite_per_rule_and_a_case_per_resource() {
    let dir = waived_dir("junit_has_a_");
    let (out, _, _) = run(
        &["check", "--output-format", "junit", dir.to_str().unwrap()],
        "",
    );
    assert!(out
        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gkecheck\""));
    let suite = out
        .split("<testsuite ")
        .find(|s| s.starts_with("name=\"GKE001 "))
        .unwrap();
    assert!(
        suite.contains("tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"1\""),
        "{suite}"
    );
    assert!(
        suite.contains("<failure message=\"GCE_METADATA exposes"),
        "{suite}"
    );
    assert!(suite.contains("type=\"high\""));
    assert!(
        suite.contains("<skipped message=\"waived by gkecheck:ignore: the batch jobs"),
        "{suite}"
    );
    assert!(
        suite.contains("<error message=\"Could not be judged:"),
        "{suite}"
    );
    // Quotes, commas and angle brackets in values are escaped.
    assert!(!out.contains("shop, \"east\"\""));
    // Balanced: each opened suite and case is closed.
    assert_eq!(
        out.matches("<testsuite ").count(),
        out.matches("</testsuite>").count()
    );
    assert_eq!(
        out.matches("<testcase ").count(),
        out.matches("</testcase>").count()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn github_annotations_are_workflow_commands() {
    let (out, _, code) = run(&["check", "--output-format", "github", TUTORIAL], "");
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0]
            .starts_with("::error file=tests/fixtures/terraform/tutorial/gke.tf,line=26,col=1,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains(",title=GKE001 [high] node pool primary_nodes::"),
        "{}",
        lines[0]
    );
    // Low failures and unknown results are warnings.
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::warning ") && l.contains("[low]")));
    for line in &lines {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{line}"
        );
        let (props, _) = line[2..].split_once("::").unwrap();
        // Property values hold no raw comma-separated extras or line breaks.
        for prop in props.split_once(' ').unwrap().1.split(',') {
            assert!(prop.contains('='), "{prop} in {line}");
        }
    }
    // From standard input there is no file to point at: the annotation has none.
    let (out, _, _) = run(
        &["check", "--output-format", "github", "-"],
        r#"{"name": "piped", "nodePools": [{"name": "p", "config": {}}]}"#,
    );
    assert!(out.lines().all(|l| !l.contains("file=")), "{out}");
}

#[test]
fn gitlab_code_quality_issues() {
    let (out, _, _) = run(&["check", "--output-format", "gitlab", TUTORIAL], "");
    let issues: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert!(!issues.is_empty());
    for issue in &issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key}: {issue}");
        }
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&issue["severity"].as_str().unwrap()));
        assert!(issue["location"]["path"]
            .as_str()
            .unwrap()
            .ends_with("gke.tf"));
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let first = &issues[0];
    assert!(first["check_name"].as_str().unwrap().starts_with("GKE001"));
    assert_eq!(first["severity"], "critical");
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn output_goes_to_a_file_and_the_summary_to_standard_output() {
    let file = std::env::temp_dir().join(format!("gkecheck-out-{}.sarif", std::process::id()));
    let (out, _, code) = run(
        &[
            "check",
            "--output-format",
            "sarif",
            "--output",
            file.to_str().unwrap(),
            TUTORIAL,
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(out.contains("failing") && out.lines().count() == 1, "{out}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    std::fs::remove_file(file).unwrap();
    let (_, err, code) = run(
        &["check", "--output", "/nonexistent-dir/x.sarif", TUTORIAL],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot write /nonexistent-dir/x.sarif"),
        "{err}"
    );
}

#[test]
fn sarif_fixes_are_the_edits_gkecheck_fix_makes_and_they_work() {
    let dir = std::env::temp_dir().join(format!("gkecheck-sarif-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gke.tf");
    let original = std::fs::read_to_string(format!("{TUTORIAL}/gke.tf")).unwrap();
    std::fs::write(&file, &original).unwrap();
    let (out, _, _) = run(
        &["check", "--output-format", "sarif", file.to_str().unwrap()],
        "",
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let result = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "GKE001")
        .unwrap();
    let fix = &result["fixes"][0];
    // It says what it changes and what it costs.
    let said = fix["description"]["text"].as_str().unwrap();
    assert!(
        said.contains("GKE_METADATA") && said.contains("Unsafe") && said.contains("recreat"),
        "{said}"
    );
    assert!(
        said.contains("GKE002:google_container_cluster.primary"),
        "it names the fix it needs: {said}"
    );
    // Applied from the end, the replacements give a file where GKE001 and GKE002 pass.
    let change = &fix["artifactChanges"][0];
    let mut text = original.clone().into_bytes();
    let mut replacements: Vec<&Value> = change["replacements"].as_array().unwrap().iter().collect();
    replacements
        .sort_by_key(|r| std::cmp::Reverse(r["deletedRegion"]["byteOffset"].as_u64().unwrap()));
    for r in replacements {
        let at = r["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
        let len = r["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
        let new = r["insertedContent"]["text"].as_str().unwrap().as_bytes();
        text.splice(at..at + len, new.iter().copied());
    }
    std::fs::write(&file, &text).unwrap();
    let (out, _, _) = run(
        &[
            "check",
            "--output-format",
            "json",
            "--select",
            "GKE001,GKE002",
            file.to_str().unwrap(),
        ],
        "",
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    for r in report["results"].as_array().unwrap() {
        assert_eq!(r["status"], "pass", "{r}");
    }
    // Rules without an automatic fix carry none.
    assert!(doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "GKE014")
        .all(|r| r.get("fixes").is_none()));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_baseline_leaves_out_what_an_earlier_report_had() {
    let dir = waived_dir("baseline");
    let file = dir.join("main.tf");
    let before = dir.join("before.json");
    let (out, _, _) = run(
        &["check", "--output-format", "json", file.to_str().unwrap()],
        "",
    );
    std::fs::write(&before, out).unwrap();
    // Unchanged: nothing new, so nothing fails.
    let (out, err, code) = with_baseline(&before, &file);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("already in") && err.contains("--baseline"),
        "{err}"
    );
    // A new pool that exposes the token, and lines moved: only the new pool's findings.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!("# moved down\n{text}\nresource \"google_container_node_pool\" \"new\" {{\n  name    = \"new\"\n  cluster = google_container_cluster.c.name\n  node_config {{\n    workload_metadata_config {{\n      mode = \"GCE_METADATA\"\n    }}\n  }}\n}}\n"),
    )
    .unwrap();
    let (out, _, code) = run(
        &[
            "check",
            "--output-format",
            "json",
            "--baseline",
            before.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    let new: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] != "pass")
        .collect();
    assert!(!new.is_empty());
    for r in &new {
        assert_eq!(
            r["resource"]["address"], "google_container_node_pool.new",
            "{r}"
        );
    }
    assert_eq!(
        report["summary"]["fail"].as_u64().unwrap() as usize,
        new.iter().filter(|r| r["status"] == "fail").count()
    );
    // Not a report: a usage error that says what was expected.
    std::fs::write(&before, "{\"clusters\": []}").unwrap();
    let (_, err, code) = with_baseline(&before, &file);
    assert_eq!(code, 64);
    assert!(err.contains("expected a gkecheck JSON report"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sarif_and_gitlab_written_result_by_result_are_the_same_json_as_one_tree() {
    // The results are written one at a time into the rest of the document: the bytes are
    // what printing the whole document as one tree gives, with results, without, and with an
    // input error.
    let hardened =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gcloud/hardened-cluster.json");
    for format in ["sarif", "gitlab"] {
        let mut counts = Vec::new();
        for args in [
            vec![TUTORIAL],
            vec![GCLOUD],
            vec![hardened.to_str().unwrap(), "--select", "GKE001"],
            vec!["-"],
        ] {
            let mut all = vec!["check", "--output-format", format];
            all.extend(args.iter().copied());
            let (out, _, _) = run(&all, "{\"name\": \"c\", \"nodePools\": [");
            let doc: Value = serde_json::from_str(&out).unwrap();
            let results = match format {
                "sarif" => doc["runs"][0]["results"].as_array().unwrap().len(),
                _ => doc.as_array().unwrap().len(),
            };
            assert_eq!(
                serde_json::to_string_pretty(&doc).unwrap() + "\n",
                out,
                "{format} {args:?} ({results} results)"
            );
            counts.push(results);
        }
        assert!(
            counts.contains(&0) && counts.iter().any(|&n| n > 1),
            "{format}: {counts:?}"
        );
    }
}

#[test]
fn the_json_report_of_version_2_expands_to_version_1_and_serves_as_a_baseline() {
    let missing = "no/such/file.json";
    for args in [vec![TUTORIAL], vec![GCLOUD], vec![GCLOUD, missing]] {
        let with = |extra: &[&str]| {
            let mut all = vec!["check", "--output-format", "json"];
            all.extend(extra);
            all.extend(args.iter().copied());
            let (out, err, code) = run(&all, "");
            (out, err, code)
        };
        let (v1, _, code1) = with(&["--show-passing"]);
        let (v2, _, code2) = with(&["--report-version", "2", "--show-passing"]);
        assert_eq!(code1, code2);
        // Compact: one line.
        assert_eq!(v2.lines().count(), 1, "{args:?}");
        let v1: Value = serde_json::from_str(&v1).unwrap();
        let v2: Value = serde_json::from_str(&v2).unwrap();
        assert_eq!(gkecheck::report::v2::expand(&v2).unwrap(), v1, "{args:?}");
        if args.contains(&missing) {
            let inputs = v2["inputs"].as_array().unwrap();
            assert!(inputs
                .iter()
                .any(|i| i["name"] == missing && i["error"].is_object()));
        }
        // Without --show-passing, version 2 counts passing results and lists none.
        let (counted, _, _) = with(&["--report-version", "2"]);
        let counted: Value = serde_json::from_str(&counted).unwrap();
        assert_eq!(counted["passing_listed"], false);
        assert_eq!(counted["passing"], serde_json::json!([]));
        assert_eq!(counted["summary"], v1["summary"]);
        assert_eq!(counted["results"], v2["results"]);
    }
    // Only for json.
    let (_, err, code) = run(
        &[
            "check",
            "--output-format",
            "sarif",
            "--report-version",
            "2",
            GCLOUD,
        ],
        "",
    );
    assert_eq!(code, 64);
    assert!(
        err.contains("--report-version is for --output-format json"),
        "{err}"
    );

    // A version 2 report as the baseline: nothing new.
    let dir = waived_dir("baseline-v2");
    let file = dir.join("main.tf");
    let before = dir.join("before.json");
    let (out, _, _) = run(
        &[
            "check",
            "--output-format",
            "json",
            "--report-version",
            "2",
            file.to_str().unwrap(),
        ],
        "",
    );
    std::fs::write(&before, &out).unwrap();
    let (out, err, code) = with_baseline(&before, &file);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("already in"), "{err}");
    // One that is broken says so, and where.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&before).unwrap()).unwrap();
    doc["results"][0]["resource"] = 1000.into();
    std::fs::write(&before, doc.to_string()).unwrap();
    let (_, err, code) = with_baseline(&before, &file);
    assert_eq!(code, 64);
    assert!(
        err.contains("version 2") && err.contains("result 1: its resource"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
