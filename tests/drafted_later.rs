//! Report version 1 written with each result's remediation drafted as it is written
//! (`check_drafting_later`, what `gkecheck check --format json` does for inputs read whole) is
//! the report written with every remediation made by the check, byte for byte: on every
//! example, fixture and (when `../shared/corpus` is there) corpus input, with passing results
//! listed and counted, and with a waiver. And the command line's JSON writer
//! (`gkecheck::report::json`) writes serde_json's bytes for every such report, version 1 and 2.

use std::path::{Path, PathBuf};

mod common;

use common::pretty;
use gkecheck::{check_drafting_later, check_timed, Input, Options};

/// Every file under `dir`, sorted, leaving out what `terraform init` writes.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != ".terraform") {
                files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// The checks: each file alone, and each directory's Terraform files together.
fn cases(roots: &[PathBuf]) -> Vec<(String, Vec<Input>)> {
    let mut found = Vec::new();
    for root in roots {
        files(root, &mut found);
    }
    let mut cases = Vec::new();
    let mut directories: std::collections::BTreeMap<PathBuf, Vec<Input>> = Default::default();
    for (path, text) in found
        .iter()
        .filter_map(|p| Some((p, std::fs::read_to_string(p).ok()?)))
    {
        let name = path.display().to_string();
        if path.extension().is_some_and(|e| e == "tf") {
            let dir = path.parent().unwrap().to_path_buf();
            directories
                .entry(dir)
                .or_default()
                .push(Input::new(name.clone(), text.clone()));
        }
        cases.push((name.clone(), vec![Input::new(name, text)]));
    }
    for (dir, inputs) in directories {
        cases.push((dir.display().to_string(), inputs));
    }
    cases
}

fn compact(value: &impl serde::Serialize) -> String {
    let mut out = Vec::new();
    gkecheck::report::json::to_writer(&mut out, value).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_report_drafted_as_it_is_written_is_the_report_drafted_whole() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("www/examples"), root.join("tests/fixtures")];
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        roots.push(corpus);
    } else {
        eprintln!("../shared/corpus is not here: checking the examples and fixtures only");
    }
    let cases = cases(&roots);
    assert!(cases.len() > 20, "{} cases", cases.len());
    let waived = Options {
        waivers: vec![gkecheck::waiver::ConfigWaiver {
            rule: "GKE032".into(),
            resource: "default-pool".into(),
            reason: "keys are managed elsewhere".into(),
            until: None,
        }],
        ..Options::default()
    };
    let listed = Options {
        passing_counted_only: false,
        ..Options::default()
    };
    let counted = Options {
        passing_counted_only: true,
        ..Options::default()
    };
    let (mut later, mut results) = (0, 0);
    for (name, inputs) in &cases {
        for options in [&listed, &counted, &waived] {
            let (whole, _) = check_timed(inputs, options);
            let (report, _, drafts) = check_drafting_later(inputs, options);
            // What is left for later is not in the report until it is written.
            for r in &report.results {
                if r.pending.is_some() {
                    assert!(r.remediation.is_none(), "{name}: {} holds both", r.rule);
                    later += 1;
                }
            }
            results += report.results.len();
            let written = pretty(&whole);
            assert_eq!(
                pretty(&drafts.report(&report)),
                written,
                "{name}: the report drafted as it is written differs"
            );
            assert_eq!(
                written,
                serde_json::to_string_pretty(&whole).unwrap(),
                "{name}: report version 1 is not serde_json's bytes"
            );
            let v2 = gkecheck::report::v2::ReportV2::of(&whole);
            assert_eq!(
                compact(&v2),
                serde_json::to_string(&v2).unwrap(),
                "{name}: report version 2 is not serde_json's bytes"
            );
        }
    }
    // Most failing results' remediation is left for later: the test compares drafts.
    eprintln!(
        "{} checks: {later} of {results} results drafted as written",
        cases.len() * 3
    );
    assert!(later > 200 && later * 10 > results, "{later} of {results}");
}
