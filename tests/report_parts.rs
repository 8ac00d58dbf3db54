//! The report in parts (`Report::to_json_parts`), which the page asks for so that a large
//! report is parsed a piece at a time: each line is one JSON value, the first the report with
//! no results, the others arrays whose results, joined in order, are the report's; a line
//! ends once it holds the part size, so every line but the last holds at least that.

use gkecheck::{check, Input, Options};
use serde_json::Value;

fn example_inputs() -> Vec<Input> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/examples");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            Input::new(name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The report read back from its parts, with each line's length.
fn joined(parts: &str) -> (Value, Vec<usize>) {
    let mut lines = parts.split('\n');
    let mut report: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(report["results"], Value::Array(Vec::new()));
    let mut lengths = Vec::new();
    let mut results = Vec::new();
    for line in lines {
        lengths.push(line.len());
        match serde_json::from_str(line).unwrap() {
            Value::Array(list) => {
                assert!(!list.is_empty(), "an empty part");
                results.extend(list);
            }
            other => panic!("a part that is not a list: {other}"),
        }
    }
    report["results"] = Value::Array(results);
    (report, lengths)
}

/// The whole report's text put back from its parts: the results' arrays joined into the
/// first line's empty `results`. Compact JSON escapes every quote inside a string, so
/// `"results":[]` is the key and its empty list.
fn rebuilt(parts: &str) -> String {
    let mut lines = parts.split('\n');
    let head = lines.next().unwrap();
    let results: Vec<&str> = lines
        .map(|l| l.strip_prefix('[').unwrap().strip_suffix(']').unwrap())
        .collect();
    assert_eq!(head.matches("\"results\":[]").count(), 1, "{head}");
    head.replacen(
        "\"results\":[]",
        &format!("\"results\":[{}]", results.join(",")),
        1,
    )
}

#[test]
fn parts_join_to_the_whole_report() {
    let inputs = example_inputs();
    for passing_counted_only in [false, true] {
        let options = Options {
            passing_counted_only,
            ..Options::default()
        };
        let mut report = check(&inputs, &options);
        let whole: Value = serde_json::to_value(&report).unwrap();
        let results = report.results.len();
        assert!(results > 20, "the examples give {results} results");
        let all = serde_json::to_string(&report.results).unwrap().len();
        for part_bytes in [1, all / 5, all] {
            let parts = report.to_json_parts(part_bytes).unwrap();
            let (back, lengths) = joined(&parts);
            assert_eq!(back, whole, "part size {part_bytes}");
            // Byte for byte the report `to_string` writes, cut between results.
            assert_eq!(
                rebuilt(&parts),
                serde_json::to_string(&report).unwrap(),
                "part size {part_bytes}"
            );
            // Each line but the last holds the part size, and one result less would not.
            for (line, &length) in parts.split('\n').skip(1).zip(&lengths[..lengths.len() - 1]) {
                assert!(
                    length >= part_bytes,
                    "a part of {length} bytes, size {part_bytes}"
                );
                // Its content without its last result (and that result's comma) is short of it.
                let list: Vec<Value> = serde_json::from_str(line).unwrap();
                if list.len() > 1 {
                    let last = serde_json::to_string(list.last().unwrap()).unwrap().len();
                    let content = length - 2;
                    assert!(
                        content - last - 1 < part_bytes,
                        "a part that would have held the size without its last result, size {part_bytes}"
                    );
                }
            }
            let expected = match part_bytes {
                1 => results..=results,
                p if p == all => 1..=1,
                // Each line at least a fifth of the whole, and the last may hold one result.
                _ => 2..=6,
            };
            assert!(
                expected.contains(&lengths.len()),
                "{} lines of {part_bytes} bytes",
                lengths.len()
            );
        }
    }
}

#[test]
fn a_report_without_results_is_one_line() {
    let mut report = check(&[Input::new("empty.json", "{}")], &Options::default());
    assert!(report.results.is_empty());
    let whole = serde_json::to_string(&report).unwrap();
    assert_eq!(report.to_json_parts(100).unwrap(), whole);
}

#[test]
fn texts_that_look_like_the_report_stay_inside_their_result() {
    // Names with a line feed, brackets, quotes, backslashes and the results' own key: JSON
    // escapes them, and the parts are still cut between results only.
    for name in [
        "a\\nb",
        "x\\\"],\\\"results\\\":[{\\\\",
        "\\\\\\\"}]{[,",
        "p,q\\\\",
    ] {
        let text = format!(
            "{{\"name\": \"{name}\", \"nodePools\": [{{\"name\": \"{name}\", \"config\": {{}}}}, {{\"name\": \"two\", \"config\": {{}}}}]}}"
        );
        let mut report = check(&[Input::new("in.json", text.as_str())], &Options::default());
        assert!(
            report.results.len() > 4,
            "{name}: {} results",
            report.results.len()
        );
        let whole: Value = serde_json::to_value(&report).unwrap();
        for part_bytes in [1, 300, 100_000] {
            let parts = report.to_json_parts(part_bytes).unwrap();
            let (back, _) = joined(&parts);
            assert_eq!(back, whole, "{name}, part size {part_bytes}");
            assert_eq!(rebuilt(&parts), serde_json::to_string(&report).unwrap());
        }
    }
}
