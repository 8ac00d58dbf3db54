//! A check whose rules the command line shares out among threads (`Options::threads`, for a
//! model of `rules::SHARED_RESOURCES` clusters and node pools or more) reports what a check on
//! one thread reports, byte for byte: every example and fixture checked together, beside a
//! list of hundreds of clusters made from the examples, with passing results listed and
//! counted, and with each result's remediation drafted as the report is written.

use std::path::{Path, PathBuf};

use gkecheck::{check_drafting_later, check_timed, Input, Options};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every example and fixture, and a JSON list of `clusters` clusters: the two example
/// clusters in turn, each with a name of its own (and so a place of its own in the report).
fn inputs(clusters: usize) -> Vec<Input> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    files(&root.join("www/examples"), &mut found);
    files(&root.join("tests/fixtures"), &mut found);
    let mut inputs: Vec<Input> = found
        .iter()
        .filter_map(|p| {
            Some(Input::new(
                p.display().to_string(),
                std::fs::read_to_string(p).ok()?,
            ))
        })
        .collect();
    let examples: Vec<serde_json::Value> = ["vulnerable-cluster.json", "hardened-cluster.json"]
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(root.join("www/examples").join(n)).unwrap();
            serde_json::from_str(&text).unwrap()
        })
        .collect();
    let list: Vec<serde_json::Value> = (0..clusters)
        .map(|i| {
            let mut c = examples[i % 2].clone();
            c["name"] = format!("cluster-{i}").into();
            c["selfLink"] = format!(
                "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/cluster-{i}"
            )
            .into();
            c
        })
        .collect();
    inputs.push(Input::new(
        "clusters.json",
        serde_json::to_string_pretty(&list).unwrap(),
    ));
    inputs
}

fn pretty(value: &impl serde::Serialize) -> String {
    let mut out = Vec::new();
    gkecheck::report::json::to_writer_pretty(&mut out, value).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn rules_shared_out_among_threads_report_what_one_thread_reports() {
    let inputs = inputs(gkecheck::rules::SHARED_RESOURCES);
    for counted in [false, true] {
        let one = Options {
            passing_counted_only: counted,
            threads: 1,
            ..Options::default()
        };
        let (alone, _) = check_timed(&inputs, &one);
        let pools = alone
            .results
            .iter()
            .filter(|r| r.resource.kind == "node-pool")
            .count();
        assert!(
            alone.results.len() > 1000 && pools > 100,
            "{} results, {pools} on pools",
            alone.results.len()
        );
        let expected = pretty(&alone);
        for threads in [2, 3] {
            let shared = Options {
                threads,
                ..one.clone()
            };
            let (report, _) = check_timed(&inputs, &shared);
            assert_eq!(
                pretty(&report),
                expected,
                "{threads} threads, counted {counted}"
            );
            let (report, _, drafts) = check_drafting_later(&inputs, &shared);
            assert_eq!(
                pretty(&drafts.report(&report)),
                expected,
                "{threads} threads, drafted as written, counted {counted}"
            );
        }
    }
}
