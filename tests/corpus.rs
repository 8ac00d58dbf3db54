//! Checks every line of the shared conformance corpus (`../shared/corpus/expected.tsv`):
//! real inputs from public repositories with the verdicts gkecheck must give.

use std::path::{Path, PathBuf};

use gkecheck::report::{Finding, Report, Status};
use gkecheck::{check, Input, Options};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// The resource key the corpus uses for a result.
fn key(file: &str, r: &Finding) -> String {
    if file.starts_with("gcloud/") {
        match r.resource.kind {
            "node-pool" => format!(
                "{}/{}",
                r.resource.cluster.as_deref().unwrap_or("-"),
                r.resource.name
            ),
            _ => r.resource.name.to_string(),
        }
    } else {
        r.resource.address.to_string()
    }
}

/// Whether the report meets one expected line; the error says what it holds instead.
fn meets(
    file: &str,
    report: &Report,
    rule: &str,
    resource: &str,
    status: &str,
) -> Result<(), String> {
    let results: Vec<&Finding> = report.results.iter().filter(|r| r.rule == rule).collect();
    let matching: Vec<&Finding> = if let Some(cluster) = resource.strip_suffix("/*") {
        results
            .iter()
            .copied()
            .filter(|r| {
                r.resource.cluster.as_deref() == Some(cluster)
                    || (r.resource.kind == "cluster" && &*r.resource.name == cluster)
            })
            .collect()
    } else if let Some(pool) = resource.strip_prefix("-/") {
        results
            .iter()
            .copied()
            .filter(|r| r.resource.kind == "node-pool" && &*r.resource.name == pool)
            .collect()
    } else {
        results
            .iter()
            .copied()
            .filter(|r| key(file, r) == resource)
            .collect()
    };
    let statuses: Vec<&str> = matching.iter().map(|r| r.status.as_str()).collect();
    let ok = match status {
        "nofail" => matching.iter().all(|r| r.status == Status::Pass),
        _ if resource.ends_with("/*") => {
            !matching.is_empty() && statuses.iter().all(|s| *s == status)
        }
        _ => statuses.contains(&status),
    };
    if ok {
        Ok(())
    } else {
        let all: Vec<String> = results
            .iter()
            .map(|r| format!("{}={}", key(file, r), r.status.as_str()))
            .collect();
        Err(format!(
            "{file}: {rule} {resource}: expected {status}, found {statuses:?} (all {rule} results: {all:?}; input errors: {:?})",
            report.inputs.iter().filter_map(|i| i.error.as_ref().map(|e| &e.message)).collect::<Vec<_>>()
        ))
    }
}

#[test]
fn corpus_verdicts_hold() {
    let dir = corpus_dir();
    let expected = dir.join("expected.tsv");
    if !expected.exists() {
        eprintln!(
            "SKIPPED: the conformance corpus is not here ({} does not exist); CI provides it",
            expected.display()
        );
        return;
    }
    let table = std::fs::read_to_string(&expected).unwrap();
    let (mut held, mut failures) = (0, Vec::new());
    for (n, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            4,
            "expected.tsv line {}: expected 4 columns: {line:?}",
            n + 1
        );
        let (file, rule, resource, status) = (cols[0], cols[1], cols[2], cols[3]);
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let report = check(&[Input::new(file, text)], &Options::default());
        let outcome = meets(file, &report, rule, resource, status);
        match outcome {
            Ok(()) => held += 1,
            Err(e) => failures.push(e),
        }
    }
    eprintln!("corpus: {held} lines hold, {} fail", failures.len());
    assert!(
        failures.is_empty(),
        "corpus lines that do not hold:\n{}",
        failures.join("\n")
    );
    assert!(held > 0, "no corpus line was checked");
}
