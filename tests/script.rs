//! The gcloud script (`check --format script`, the page's "Copy all commands") over every
//! gcloud input in the fixtures, the page's examples and the corpus: valid bash that shellcheck
//! accepts, only safe steps live, each unsafe step commented out under its own warning, one
//! replacement pool per pool, sections numbered 1, 2, 3... with none empty.

use std::path::{Path, PathBuf};
use std::process::Command;

use gkecheck::report::Applicability;
use gkecheck::{check, Input, Options};

fn gcloud_inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![
        root.join("tests/fixtures/gcloud"),
        root.join("www/examples"),
    ];
    let corpus = root.join("../shared/corpus/gcloud");
    if corpus.is_dir() {
        dirs.push(corpus);
    } else {
        eprintln!(
            "SKIPPED the corpus part: {} is not here (a clone without ../shared)",
            corpus.display()
        );
    }
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "txt")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// shellcheck, when the machine has it; CI installs it (`cargo xtask ci`) and must not skip.
fn shellcheck() -> Option<&'static str> {
    let found = Command::new("shellcheck").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "shellcheck is missing in CI: cargo xtask ci installs it"
        );
        eprintln!("SKIPPED shellcheck: not installed here (apt-get install shellcheck)");
    }
    found.then_some("shellcheck")
}

fn is_heading(line: &str) -> bool {
    line.strip_prefix("# ")
        .and_then(|r| r.split_once(". "))
        .is_some_and(|(n, _)| n.parse::<usize>().is_ok())
}

/// Checks one script's shape; returns how many commands run as written.
fn shape(label: &str, script: &str, report: &gkecheck::report::Report) -> usize {
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(lines[0], "#!/usr/bin/env bash", "{label}");
    // Sections numbered from 1 without a gap, none empty.
    let mut expected = 1;
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("# ") else {
            continue;
        };
        let Some((number, _)) = rest.split_once(". ") else {
            continue;
        };
        let Ok(n) = number.parse::<usize>() else {
            continue;
        };
        assert_eq!(
            n, expected,
            "{label}: section {n} where {expected} was due\n{script}"
        );
        expected += 1;
        let next = lines[i + 1..]
            .iter()
            .find(|l| !l.starts_with("#    "))
            .copied()
            .unwrap_or("");
        assert!(!next.is_empty(), "{label}: section {n} is empty\n{script}");
    }
    // Live commands: safe fixes only; every commented command has a warning or is by hand.
    let safe_codes: Vec<&str> = report
        .results
        .iter()
        .filter(|r| gkecheck::rules::find(r.rule).unwrap().fix_applicability == Applicability::Safe)
        .filter_map(|r| r.remediation.as_ref())
        .flat_map(|f| f.steps.iter().map(|s| s.code.as_ref()))
        .collect();
    let mut live = 0;
    for line in lines
        .iter()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        if *line == "set -euo pipefail" {
            continue;
        }
        assert!(
            safe_codes.contains(line),
            "{label}: {line} runs but is not a safe fix\n{script}"
        );
        assert!(!gkecheck::rules::has_placeholder(line), "{label}: {line}");
        live += 1;
    }
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with("# gcloud ") {
            continue;
        }
        // Above it, within its group (no blank line, no heading between): its warning.
        let warned = lines[..i]
            .iter()
            .rev()
            .take_while(|l| !l.is_empty() && !is_heading(l))
            .any(|l| l.starts_with("# WARNING: "));
        assert!(warned, "{label}: {line} has no warning above it\n{script}");
    }
    // One replacement pool per pool.
    let mut created: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("# gcloud container node-pools create "))
        .map(|l| l.split_whitespace().take(4).collect::<Vec<_>>())
        .map(|w| {
            let joined = w.join(" ");
            Box::leak(joined.into_boxed_str()) as &str
        })
        .collect();
    let all = created.len();
    created.sort();
    created.dedup();
    assert_eq!(
        created.len(),
        all,
        "{label}: a pool is replaced twice\n{script}"
    );
    live
}

#[test]
fn scripts_are_valid_and_run_only_safe_steps() {
    let dir = std::env::temp_dir().join(format!("gkecheck-scripts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let checker = shellcheck();
    let files = gcloud_inputs();
    assert!(files.len() >= 4, "{files:?}");
    let mut live_total = 0;
    for (n, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let label = path.display().to_string();
        let report = check(&[Input::new(label.clone(), text)], &Options::default());
        let script = gkecheck::script::script(&report);
        live_total += shape(&label, &script, &report);
        let file = dir.join(format!("{n}.sh"));
        std::fs::write(&file, &script).unwrap();
        let syntax = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        assert!(
            syntax.status.success(),
            "{label}: bash -n: {}",
            String::from_utf8_lossy(&syntax.stderr)
        );
        if let Some(sc) = checker {
            let out = Command::new(sc)
                .args(["-s", "bash"])
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{label}: shellcheck:\n{}\n{script}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    assert!(live_total > 0, "no safe step ran in any script");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Terraform alone: nothing to run with gcloud, said in one line.
#[test]
fn terraform_alone_has_nothing_to_run() {
    let report = check(
        &[Input::new(
            "main.tf",
            "resource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n}\n",
        )],
        &Options::default(),
    );
    assert_eq!(
        gkecheck::script::script(&report),
        "#!/usr/bin/env bash\n# gkecheck: nothing to fix with gcloud in these inputs.\n"
    );
}
