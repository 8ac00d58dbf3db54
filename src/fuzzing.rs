//! What the fuzz targets (`fuzz/`) run, here so that the inputs they found are replayed by
//! `cargo test` on the stable toolchain (`tests/fuzz_regressions.rs`). Each function panics
//! only when gkecheck breaks a promise: a panic, a fixed text that does not parse, a second
//! fix that changes something.

use crate::input::Format;
use crate::{check, Input, Options};

/// The input formats, chosen by a byte.
const FORMATS: [Format; 6] = [
    Format::GcloudJson,
    Format::GcloudYaml,
    Format::Terminal,
    Format::Terraform,
    Format::TerraformPlan,
    Format::TerraformVars,
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Both text forms the command line prints, with everything shown and coloured.
fn write_text(report: &crate::report::Report, inputs: &[Input]) {
    let options = crate::render::TextOptions {
        show_passing: true,
        color: true,
    };
    let _ = crate::render::full(report, inputs, &options);
    let _ = crate::render::concise(report, &options);
}

/// `check` on any text, its kind told from the text; the report serialises, and its version
/// 2 expands to version 1 exactly; redaction works.
pub fn check_auto(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let mut report = check(&[Input::new("input", text)], &Options::default());
    let v1: serde_json::Value = serde_json::to_value(&report).expect("the report serialises");
    let v2 = serde_json::to_string(&crate::report::v2::ReportV2::of(&report))
        .expect("version 2 serialises");
    let v2: serde_json::Value = serde_json::from_str(&v2).expect("version 2 is JSON");
    assert_eq!(
        crate::report::v2::expand(&v2).expect("version 2 expands"),
        v1,
        "version 2 expands to version 1"
    );
    // The page's report in parts: every line one JSON value, the results joined the whole.
    let parts = report
        .to_json_parts(1 + text.len() % 4096)
        .expect("the parts serialise");
    let mut lines = parts.split('\n');
    let mut joined: serde_json::Value =
        serde_json::from_str(lines.next().expect("a first line")).expect("the head is JSON");
    let mut results = Vec::new();
    for line in lines {
        match serde_json::from_str(line).expect("each part is JSON") {
            serde_json::Value::Array(list) => results.extend(list),
            other => panic!("a part that is not a list: {other}"),
        }
    }
    joined["results"] = serde_json::Value::Array(results);
    assert_eq!(joined, v1, "the parts join to the report");
    write_text(&report, &[Input::new("input", text)]);
    let _ = crate::script::script(&report);
    let _ = crate::redact::redact("input", text, None);
}

/// `check` with the input's kind forced by the first byte.
pub fn check_format(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text(rest) else { return };
    let input = Input {
        name: "input".into(),
        text: text.into(),
        format: Some(FORMATS[first as usize % FORMATS.len()]),
    };
    let report = check(std::slice::from_ref(&input), &Options::default());
    write_text(&report, &[input]);
}

/// Two inputs checked together, split at the first NUL byte: Terraform with gcloud output,
/// with a tfvars file, or in a module directory with a local module (chosen by the first byte).
pub fn check_pair(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text(rest) else { return };
    let (a, b) = text.split_once('\0').unwrap_or((text, ""));
    let names = match first % 3 {
        0 => ("main.tf", "cluster.json"),
        1 => ("main.tf", "terraform.tfvars"),
        _ => ("main.tf", "modules/gke/main.tf"),
    };
    let inputs = [Input::new(names.0, a), Input::new(names.1, b)];
    let report = check(&inputs, &Options::default());
    write_text(&report, &inputs);
}

/// The JSON and YAML readers alone, and the line index every reader's places go through.
pub fn readers(data: &[u8]) {
    let Some(text) = text(data) else { return };
    // Every character is looked up: on a text of a few marks' spacing (256 bytes) and more,
    // but not so long that the readers' own checks get few runs.
    if text.len() <= 8 * 1024 {
        line_index(text);
    }
    let whole = crate::input::json::parse_stream(text);
    let yaml = crate::input::yaml::parse(text);
    let _ = crate::input::paste::split(text);
    // A plan read keeping GKE's resources only fails where read whole it fails, and spans
    // what it spans.
    let plan = crate::input::json::parse_plan(text).map(|v| v.span);
    assert_eq!(plan, crate::input::json::parse(text).map(|v| v.span));
    // Read item by item, each reader agrees with itself read whole: the same error, or as
    // many top-level values.
    let mut ends = 0;
    let parts = crate::input::json::each_part(text, |p| {
        ends += usize::from(matches!(p, crate::input::json::Part::End { .. }))
    });
    assert_eq!(parts.err(), whole.as_ref().err().cloned());
    assert!(whole.is_err() || whole.as_ref().is_ok_and(|v| v.len() == ends));
    let mut ends = 0;
    let parts = crate::input::yaml::each_part(text, |p| {
        ends += usize::from(matches!(p, crate::input::json::Part::End { .. }))
    });
    match (parts, &yaml) {
        (Ok(repairs), Ok(p)) => assert_eq!((repairs, ends), (p.repairs.clone(), p.documents.len())),
        (Err(a), Err(b)) => assert_eq!(&a, b),
        (a, b) => panic!("read in parts {a:?}, whole {b:?}"),
    }
}

/// The Terraform evaluator on an expression, in every place that decides a verdict: `count`,
/// `for_each`, a `dynamic` block's collection, the mode itself, a local and a variable's
/// default that refer to each other.
pub fn terraform_eval(data: &[u8]) {
    let Some(expr) = text(data) else { return };
    if expr.contains(['\n', '\r']) {
        return;
    }
    let config = format!(
        "variable \"v\" {{\n  default = {expr}\n}}\nlocals {{\n  l = {expr}\n}}\nresource \"google_container_cluster\" \"c\" {{\n  name = \"c\"\n  count = {expr}\n}}\nresource \"google_container_node_pool\" \"p\" {{\n  for_each = {expr}\n  cluster = google_container_cluster.c[0].name\n  node_config {{\n    workload_metadata_config {{\n      mode = {expr}\n    }}\n    dynamic \"guest_accelerator\" {{\n      for_each = {expr}\n      content {{}}\n    }}\n  }}\n}}\n"
    );
    let _ = check(&[Input::new("main.tf", config)], &Options::default());
}

/// `gkecheck fix` with every fix allowed: each fixed text parses, and fixing again changes
/// nothing.
pub fn fix(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let inputs = [Input::new("main.tf", text)];
    let choice = crate::autofix::FixOptions {
        unsafe_fixes: true,
        only: None,
    };
    let options = Options::default();
    let report = crate::autofix::fix_with(&inputs, &options, &choice);
    if report.files.is_empty() {
        return;
    }
    let fixed: Vec<Input> = report
        .files
        .iter()
        .map(|f| Input::new(f.name.clone(), f.text.clone()))
        .collect();
    for f in &fixed {
        if let Err(e) = hcl_edit::parser::parse_body(&crate::input::for_parsers(&f.text)) {
            panic!("the fixed text does not parse: {e}\n{}", f.text);
        }
    }
    let again = crate::autofix::fix_with(&fixed, &options, &choice);
    assert!(
        again.files.is_empty(),
        "fixing again changed: {:?}",
        again.files.iter().map(|f| &f.diff).collect::<Vec<_>>()
    );
}

/// What a target runs on one input.
pub type Target = fn(&[u8]);

/// Every target, by the name of its directory under `fuzz/fuzz_targets` and
/// `tests/fuzz-regressions`.
/// gcloud JSON and YAML read in parts (each related group of values in a part of its own)
/// against the same text read whole: no panic, and when neither reading finds an error in the
/// input, the same report, and the same full output with its code frames drawn from the lines
/// read again.
pub fn stream(data: &[u8]) {
    let Some(text) = text(data) else { return };
    for format in [Format::GcloudJson, Format::GcloudYaml] {
        let options = Options::default();
        let input = Input {
            name: "input".into(),
            text: text.into(),
            format: Some(format),
        };
        let whole = check(std::slice::from_ref(&input), &options);
        let mut streams = [crate::stream::Stream {
            name: "input".into(),
            bytes: crate::stream::Bytes::Memory(data.to_vec()),
            format,
        }];
        let parts = crate::stream::Parts {
            bytes: 1,
            resources: 1,
        };
        let (read_in_parts, _) = crate::stream::check(&[], &mut streams, &options, parts);
        write_text(&read_in_parts, &[]);
        if whole.inputs[0].error.is_none() && read_in_parts.inputs[0].error.is_none() {
            let (a, b) = (
                serde_json::to_string_pretty(&whole).expect("the report serialises"),
                serde_json::to_string_pretty(&read_in_parts).expect("the report serialises"),
            );
            assert!(a == b, "{format:?} read in parts:\n{b}\nread whole:\n{a}");
            // The full output's code frames, from the lines read again: as from the whole text.
            let lines = crate::render::framed_lines(&read_in_parts, "input");
            let sparse = streams[0]
                .lines_for_frames(&lines)
                .expect("bytes in memory are read");
            let options = crate::render::TextOptions {
                show_passing: false,
                color: false,
            };
            let from_lines =
                crate::render::full(&read_in_parts, &[Input::new("input", sparse)], &options);
            let from_whole = crate::render::full(&whole, &[input], &options);
            assert!(
                from_lines == from_whole,
                "{format:?} framed from the lines read again:\n{from_lines}\nfrom the whole text:\n{from_whole}"
            );
        }
    }
}

/// A Terraform file checked split into its top-level blocks (what `check` does) and parsed
/// whole (what `fix` does): the same model, errors and notes.
pub fn terraform_split(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let inputs = [Input::new("main.tf", text)];
    let [split, whole] = [false, true].map(|whole| {
        let a = crate::analyze_keeping(&inputs, &Options::default(), whole, false, &mut |_| true);
        format!("{:#?}\n{:#?}\n{:#?}", a.model, a.problems, a.notes)
    });
    assert!(split == whole, "split:\n{split}\nwhole:\n{whole}");
}

pub const TARGETS: &[(&str, Target)] = &[
    ("check_auto", check_auto),
    ("check_format", check_format),
    ("check_pair", check_pair),
    ("readers", readers),
    ("terraform_eval", terraform_eval),
    ("terraform_split", terraform_split),
    ("fix", fix),
    ("stream", stream),
];

/// Checks `LineIndex` on `text` against counting from the start, a character at a time: every
/// character's position and the way back to it, and every line's text (for tests and the
/// fuzz targets).
pub fn line_index(text: &str) {
    let index = crate::span::LineIndex::new(text);
    let (mut line, mut column, mut utf16) = (1, 1, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let p = index.position(offset);
        assert_eq!(
            (p.line, p.column, p.utf16),
            (line, column, utf16),
            "at {offset}"
        );
        // The way back, except inside a CRLF (the column of its LF is the line's end).
        if !(c == '\n' && text[..offset].ends_with('\r')) {
            assert_eq!(index.byte_at(line, column), offset, "back to {offset}");
        }
        utf16 += c.len_utf16();
        let ends = c == '\n' || (c == '\r' && chars.peek().is_none_or(|(_, n)| *n != '\n'));
        if ends {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    // Every line's text, as splitting at each line end gives it.
    let chunks: Vec<&str> = text.split('\n').collect();
    let expected: Vec<&str> = chunks
        .iter()
        .enumerate()
        .flat_map(|(k, l)| {
            // A CR before a line feed is part of the line end; any other ends a line.
            let l = match k + 1 < chunks.len() {
                true => l.strip_suffix('\r').unwrap_or(l),
                false => l,
            };
            l.split('\r')
        })
        .collect();
    assert_eq!(index.line_count(), expected.len());
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(index.line_text(i + 1), *want, "line {}", i + 1);
    }
}
