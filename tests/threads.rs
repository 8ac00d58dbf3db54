//! A check whose rules are shared out among threads (`Options::threads`, for a model of
//! `Threads::resources` clusters and node pools or more), and a report whose results two
//! threads draft and write (`Drafts::report_shared`, or `report_shared` when the report holds
//! its remediation, for `Threads::results` results or more),
//! are what one thread checks and writes, byte for byte: every example and fixture checked
//! together, beside a list of clusters made from the examples and a list of small clusters,
//! with passing results listed and counted. (The command line's sizes are thousands; the test
//! lowers them, as a check of thousands takes minutes in a test build.)

use std::path::{Path, PathBuf};

mod common;

use common::pretty;
use gkecheck::{check_drafting_later, check_timed, Input, Options, Threads};

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

/// Every example and fixture; a JSON list of `clusters` clusters, the two example clusters in
/// turn, each with a name of its own (and so a place of its own in the report); and a list of
/// `small` clusters of eight pools each, of three metadata modes and two service accounts.
fn inputs(clusters: usize, small: usize) -> Vec<Input> {
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
    let modes = [Some("GKE_METADATA"), Some("GCE_METADATA"), None];
    let small: Vec<serde_json::Value> = (0..small)
        .map(|c| {
            let pools: Vec<serde_json::Value> = (0..8)
                .map(|p| {
                    let mut pool = serde_json::json!({"name": format!("pool-{p}"), "config": {}});
                    if let Some(mode) = modes[(c + p) % 3] {
                        pool["config"]["workloadMetadataConfig"] = serde_json::json!({"mode": mode});
                    }
                    if p % 2 == 0 {
                        pool["config"]["serviceAccount"] = "nodes@p.iam.gserviceaccount.com".into();
                    }
                    pool
                })
                .collect();
            serde_json::json!({
                "name": format!("small-{c}"),
                "location": "europe-west1",
                "selfLink": format!("https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/small-{c}"),
                "nodePools": pools,
            })
        })
        .collect();
    inputs.push(Input::new(
        "small.json",
        serde_json::to_string_pretty(&small).unwrap(),
    ));
    inputs
}

#[test]
fn rules_and_results_shared_out_among_threads_are_what_one_thread_makes() {
    let inputs = inputs(48, 32);
    let sizes = Threads {
        count: 1,
        resources: 256,
        results: 1024,
    };
    for counted in [false, true] {
        let one = Options {
            passing_counted_only: counted,
            threads: sizes,
            ..Options::default()
        };
        let (alone, _) = check_timed(&inputs, &one);
        let resources: std::collections::BTreeSet<_> = alone
            .results
            .iter()
            .map(|r| (r.resource.kind, &r.resource.name, &r.resource.cluster))
            .collect();
        assert!(
            resources.len() >= sizes.resources,
            "{} resources",
            resources.len()
        );
        assert!(
            alone.results.len() >= sizes.results,
            "{} results",
            alone.results.len()
        );
        let expected = pretty(&alone);
        for count in [2, 3] {
            let shared = Options {
                threads: Threads { count, ..sizes },
                ..one.clone()
            };
            let (report, _) = check_timed(&inputs, &shared);
            assert_eq!(
                pretty(&report),
                expected,
                "{count} threads, counted {counted}"
            );
            let (report, _, drafts) = check_drafting_later(&inputs, &shared);
            assert_eq!(
                pretty(&drafts.report(&report)),
                expected,
                "{count} threads, drafted as written, counted {counted}"
            );
            assert_eq!(
                pretty(&drafts.report_shared(&report)),
                expected,
                "{count} threads, drafted and written on two, counted {counted}"
            );
        }
    }
}
