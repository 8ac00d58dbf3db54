//! Report version 2 (`--report-version 2`) is version 1 written compactly: expanding it gives
//! version 1 back, value for value, for every example, fixture and corpus input, with passing
//! results listed and counted, waivers, severities changed by options, and Terraform
//! remediation that points into the input. And it is smaller: well under the input's size for
//! an estate of many clusters.

use gkecheck::report::v2::{expand, ReportV2};
use gkecheck::report::Report;
use gkecheck::{check, Input, Options};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir` (sorted), named by its path from `base`.
fn files_below(base: &Path, dir: &Path) -> Vec<Input> {
    let mut paths = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p: PathBuf| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some(Input::new(
                p.strip_prefix(base).unwrap().to_string_lossy(),
                text,
            ))
        })
        .collect()
}

fn v1(report: &Report) -> serde_json::Value {
    serde_json::to_value(report).unwrap()
}

/// Version 2 as the command line writes it (compact text), read back.
fn v2_text(report: &Report) -> String {
    serde_json::to_string(&ReportV2::of(report)).unwrap()
}

fn assert_round_trip(what: &str, report: &Report) {
    let text = v2_text(report);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let expanded = expand(&doc).unwrap_or_else(|e| panic!("{what}: {e}"));
    let expected = v1(report);
    if expanded != expected {
        // The first result that differs, for the message.
        let (a, b) = (&expanded["results"], &expected["results"]);
        let n = (0..b.as_array().map_or(0, |r| r.len()))
            .find(|&i| a[i] != b[i])
            .unwrap_or(0);
        panic!(
            "{what}: version 2 does not expand to version 1; result {n}:\n{}\nexpected\n{}",
            a[n], b[n]
        );
    }
}

fn cases() -> Vec<(String, Vec<Input>)> {
    let mut cases = Vec::new();
    let examples = files_below(root(), &root().join("www/examples"));
    for input in &examples {
        cases.push((input.name.clone(), vec![input.clone()]));
    }
    cases.push(("every example together".into(), examples));
    for dir in [
        "tests/fixtures/gcloud",
        "tests/fixtures/plans",
        "tests/fixtures/terraform/tutorial",
        "tests/fixtures/terraform/hardened",
        "tests/fixtures/terraform/repo",
    ] {
        cases.push((dir.into(), files_below(root(), &root().join(dir))));
    }
    cases.push((
        "a waiver, and one that matches nothing".into(),
        vec![Input::new(
            "waived.tf",
            "resource \"google_container_node_pool\" \"p\" {\n  # gkecheck:ignore GKE001 reason: migrating next sprint\n  name    = \"p\"\n  cluster = \"c\"\n}\n# gkecheck:ignore GKE002 reason: none here\n",
        )],
    ));
    cases.push((
        "names that are braces, short words and non-ASCII".into(),
        vec![Input::new(
            "odd.json",
            r#"{"name": "a", "location": "{", "selfLink": "https://container.googleapis.com/v1/projects/é/locations/{/clusters/a",
                "nodePools": [{"name": "{a}", "config": {}}, {"name": "pool 😀", "config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}}]}"#,
        )],
    ));
    let corpus = root().join("../shared/corpus");
    if corpus.is_dir() {
        for kind in ["gcloud", "plans", "terraform", "modules"] {
            for input in files_below(&corpus, &corpus.join(kind)) {
                cases.push((input.name.clone(), vec![input]));
            }
        }
    } else {
        eprintln!(
            "skipped the corpus: {} is not here (CI has it)",
            corpus.display()
        );
    }
    cases
}

#[test]
fn version_2_expands_to_version_1_for_every_input() {
    let options = [
        Options::default(),
        Options {
            passing_counted_only: true,
            ..Options::default()
        },
        Options {
            // A severity that is not the rule's own, as --severity gives.
            severity: vec![("GKE001".into(), gkecheck::report::Severity::Low)],
            ..Options::default()
        },
    ];
    let mut results = 0;
    let mut remediation_with_places = 0;
    for (what, inputs) in cases() {
        for (n, options) in options.iter().enumerate() {
            let report = check(&inputs, options);
            results += report.results.len();
            remediation_with_places += report
                .results
                .iter()
                .filter_map(|r| r.remediation.as_ref())
                .filter(|m| m.steps.iter().any(|s| s.location.is_some()))
                .count();
            assert_round_trip(&format!("{what} (options {n})"), &report);
        }
    }
    // The cases reach what version 2 writes differently.
    assert!(results > 1000, "{results} results");
    assert!(remediation_with_places > 10, "{remediation_with_places}");
}

#[test]
fn suppressed_results_and_severities_keep_what_version_1_says() {
    let inputs = [Input::new(
        "waived.tf",
        "resource \"google_container_node_pool\" \"p\" {\n  # gkecheck:ignore GKE001 reason: migrating next sprint\n  name    = \"p\"\n  cluster = \"c\"\n}\n",
    )];
    let report = check(
        &inputs,
        &Options {
            severity: vec![("GKE003".into(), gkecheck::report::Severity::Critical)],
            ..Options::default()
        },
    );
    let doc: serde_json::Value = serde_json::from_str(&v2_text(&report)).unwrap();
    let suppressed: Vec<_> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "suppressed")
        .collect();
    assert_eq!(suppressed.len(), 1, "{doc}");
    assert!(suppressed[0]["suppression"]["reason"]
        .as_str()
        .unwrap()
        .contains("migrating next sprint"));
    assert_eq!(doc["rules"]["GKE003"]["severity"], "critical");
    assert_eq!(doc["rules"]["GKE001"]["severity"], "high");
    assert_round_trip("waived", &report);
}

/// `count` clusters as `gcloud container clusters list --format=json` prints them: the page's
/// vulnerable and hardened examples by turns, each cluster and project renamed.
fn estate(count: usize) -> String {
    let example =
        |name: &str| std::fs::read_to_string(root().join("www/examples").join(name)).unwrap();
    let (vulnerable, hardened) = (
        example("vulnerable-cluster.json"),
        example("hardened-cluster.json"),
    );
    let clusters: Vec<String> = (0..count)
        .map(|i| {
            let text = if i % 2 == 0 { &vulnerable } else { &hardened };
            text.replace("shop-prod", &format!("shop-prod-{i}"))
                .replace("acme-shop-prod-", &format!("acme-{}-", i % 7))
        })
        .collect();
    format!("[\n{}\n]\n", clusters.join(",\n"))
}

#[test]
fn version_2_of_an_estate_is_well_under_its_input() {
    let text = estate(300);
    let inputs = [Input::new("clusters.json", text.clone())];
    let counted = check(
        &inputs,
        &Options {
            passing_counted_only: true,
            ..Options::default()
        },
    );
    assert!(counted.summary.fail >= 600, "{:?}", counted.summary);
    assert_round_trip("estate", &counted);
    if let Ok(path) = std::env::var("GKECHECK_DUMP") {
        std::fs::write(path, v2_text(&counted)).unwrap();
    }
    let v2 = v2_text(&counted).len();
    let v1 = serde_json::to_string(&counted).unwrap().len();
    assert!(
        v2 * 2 < text.len(),
        "version 2 {v2} bytes for {} bytes of input",
        text.len()
    );
    eprintln!(
        "estate of {} bytes: version 1 {v1} bytes, version 2 {v2}",
        text.len()
    );
    assert!(v2 * 8 < v1, "version 2 {v2} bytes, version 1 {v1}");
    // Passing results listed: still under the input's size.
    let listed = check(&inputs, &Options::default());
    assert_round_trip("estate, passing listed", &listed);
    let v2 = v2_text(&listed).len();
    assert!(v2 < text.len(), "{v2} bytes for {}", text.len());
}

#[test]
fn expanding_what_is_not_version_2_says_where() {
    let report = check(
        &[Input::new(
            "www/examples/vulnerable-cluster.json",
            std::fs::read_to_string(root().join("www/examples/vulnerable-cluster.json")).unwrap(),
        )],
        &Options::default(),
    );
    let good: serde_json::Value = serde_json::from_str(&v2_text(&report)).unwrap();
    let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut doc = good.clone();
        edit(&mut doc);
        expand(&doc).unwrap_err()
    };
    assert!(broken(&|d| d["version"] = 1.into()).contains("version"));
    assert!(
        broken(&|d| d["results"][0]["resource"] = 9999.into()).contains("result 1: its resource")
    );
    assert!(
        broken(&|d| d["results"][1]["location"] = serde_json::json!([0, 1]))
            .contains("result 2: a location is seven numbers")
    );
    assert!(broken(&|d| d["texts"][0] = "{nothing}".into()).contains("{nothing}"));
    assert!(broken(&|d| {
        d.as_object_mut().unwrap().remove("rules");
    })
    .contains("no \"rules\""));
}
