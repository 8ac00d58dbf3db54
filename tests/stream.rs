//! Inputs over the page's limit, read in parts by the command line (`gkecheck::stream`): the
//! report of an input read in parts is the report of the same input read whole, place for
//! place, whatever the parts (one group of related values per part, or a few megabytes).

use gkecheck::input::Format;
use gkecheck::report::{Report, Status};
use gkecheck::stream::{self, Bytes, Parts, Stream};
use gkecheck::{check, Input, Options};
use serde_json::{json, Value};

/// Every related group in a part of its own, and the default parts.
const PARTS: [Parts; 2] = [
    Parts {
        bytes: 1,
        resources: 1,
    },
    Parts {
        bytes: 4 << 20,
        resources: 2_000,
    },
];

fn options(counted: bool) -> Options {
    Options {
        passing_counted_only: counted,
        ..Options::default()
    }
}

/// The kind of a test input: YAML when its name says so.
fn format_of(name: &str) -> Format {
    if name.ends_with(".yaml") {
        Format::GcloudYaml
    } else {
        Format::GcloudJson
    }
}

fn whole(name: &str, text: &str, options: &Options) -> Report {
    let input = Input {
        name: name.into(),
        text: text.into(),
        format: Some(format_of(name)),
    };
    check(&[input], options)
}

fn in_parts(name: &str, text: &str, options: &Options, parts: Parts) -> Report {
    let mut streams = [Stream {
        name: name.into(),
        bytes: Bytes::Memory(text.as_bytes().to_vec()),
        format: format_of(name),
    }];
    stream::check(&[], &mut streams, options, parts).0
}

/// The full output (code frames) of a report read in parts, its frames drawn from the lines
/// `Stream::lines_for_frames` reads again: the full output of the same input read whole.
fn assert_same_frames(name: &str, text: &str) {
    let options = options(false);
    let text_options = gkecheck::render::TextOptions {
        show_passing: true,
        color: false,
    };
    let input = Input {
        name: name.into(),
        text: text.into(),
        format: Some(format_of(name)),
    };
    let expected = gkecheck::render::full(&whole(name, text, &options), &[input], &text_options);
    let report = in_parts(name, text, &options, PARTS[0]);
    let mut stream = Stream {
        name: name.into(),
        bytes: Bytes::Memory(text.as_bytes().to_vec()),
        format: format_of(name),
    };
    let lines = gkecheck::render::framed_lines(&report, name);
    let sparse = stream.lines_for_frames(&lines).unwrap();
    // Only what is framed is held: every other line is empty.
    let held = sparse.lines().filter(|l| !l.is_empty()).count();
    assert!(
        held <= lines.len(),
        "{name}: {held} lines held for {} framed",
        lines.len()
    );
    let got = gkecheck::render::full(&report, &[Input::new(name, sparse)], &text_options);
    assert_eq!(got, expected, "{name}: the full output read in parts");
}

/// The two reports as JSON, equal; and their full outputs.
fn assert_same(name: &str, text: &str) {
    assert_same_frames(name, text);
    for counted in [false, true] {
        let options = options(counted);
        let expected = serde_json::to_string_pretty(&whole(name, text, &options)).unwrap();
        for parts in PARTS {
            let got = serde_json::to_string_pretty(&in_parts(name, text, &options, parts)).unwrap();
            if got != expected {
                let line = expected
                    .lines()
                    .zip(got.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                panic!(
                    "{name} ({parts:?}, passing counted: {counted}): the report read in parts differs from line {} of the whole one:\n--- whole\n{}\n--- in parts\n{}",
                    line + 1,
                    expected.lines().skip(line.saturating_sub(8)).take(24).collect::<Vec<_>>().join("\n"),
                    got.lines().skip(line.saturating_sub(8)).take(24).collect::<Vec<_>>().join("\n"),
                );
            }
        }
    }
}

const API: &str = "https://container.googleapis.com/v1";

fn pool(project: &str, location: &str, cluster: &str, name: &str, mode: Option<&str>) -> Value {
    let mut config = json!({
        "machineType": "e2-standard-4",
        "imageType": "COS_CONTAINERD",
        "serviceAccount": "default",
        "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"],
    });
    if let Some(mode) = mode {
        config["workloadMetadataConfig"] = json!({ "mode": mode });
    }
    json!({
        "name": name,
        "config": config,
        "initialNodeCount": 1,
        "management": {"autoUpgrade": true, "autoRepair": name.len() % 2 == 0},
        "selfLink": format!("{API}/projects/{project}/locations/{location}/clusters/{cluster}/nodePools/{name}"),
    })
}

fn cluster(project: &str, location: &str, name: &str, pools: &[(&str, Option<&str>)]) -> Value {
    let mut c = json!({
        "name": name,
        "location": location,
        "selfLink": format!("{API}/projects/{project}/locations/{location}/clusters/{name}"),
        "currentMasterVersion": "1.30.5-gke.1014001",
        "description": "Zürich 🚀 cluster",
        "nodePools": pools.iter().map(|(p, mode)| pool(project, location, name, p, *mode)).collect::<Vec<_>>(),
    });
    if name.ends_with('i') {
        c["workloadIdentityConfig"] = json!({"workloadPool": format!("{project}.svc.id.goog")});
    }
    c
}

fn asset(data: Value, kind: &str) -> Value {
    json!({
        "name": format!("//container.googleapis.com/{}", data["selfLink"].as_str().unwrap().trim_start_matches(API)),
        "assetType": format!("container.googleapis.com/{kind}"),
        "resource": {"version": "v1", "data": data},
    })
}

/// Clusters of two projects, two of them named alike; pools listed again on their own
/// (before and after their cluster), pools of a missing cluster far apart, a pool that could
/// belong to either of two clusters, one whose cluster is not named.
fn estate() -> Vec<Value> {
    let mut values = vec![asset(
        pool("acme", "europe-west1", "apps", "early", None),
        "NodePool",
    )];
    for (project, location, name) in [
        ("acme", "europe-west1", "prod"),
        ("acme", "europe-west1", "apps"),
        ("beta", "us-central1", "prod"),
        ("beta", "us-central1", "edge-wi"),
        ("acme", "us-east1", "batch-wi"),
    ] {
        let pools: Vec<(&str, Option<&str>)> = vec![
            ("default-pool", None),
            ("hardened", Some("GKE_METADATA")),
            ("legacy", Some("GCE_METADATA")),
        ];
        let mut c = cluster(project, location, name, &pools);
        if name == "apps" {
            c["nodePools"]
                .as_array_mut()
                .unwrap()
                .push(pool(project, location, name, "early", None));
        }
        values.push(asset(c, "Cluster"));
        values.push(asset(
            pool(project, location, name, "hardened", Some("GKE_METADATA")),
            "NodePool",
        ));
    }
    values.push(pool("acme", "asia-east1", "gone", "orphan-a", None));
    values.push(json!({"kind": "something else"}));
    // Either prod: no project to choose by.
    let mut either = pool("acme", "x", "prod", "either", None);
    either["selfLink"] = json!("clusters/prod/nodePools/either");
    values.push(json!({"name": "either", "config": {}, "selfLink": format!("{API}/projects/x/locations/y/clusters/prod/nodePools/either")}));
    values.push(either);
    values.push(
        json!({"name": "nameless", "config": {"machineType": "e2-small"}, "initialNodeCount": 1}),
    );
    values.push(pool(
        "acme",
        "asia-east1",
        "gone",
        "orphan-b",
        Some("GKE_METADATA"),
    ));
    values
}

#[test]
fn a_stream_of_values_reads_the_same_in_parts() {
    let values = estate();
    let compact: String = values.iter().map(|v| format!("{v}\n")).collect();
    assert_same("stream.json", &compact);
    // What the estate is made to hold, so that the parts have something to keep together.
    let report = in_parts("stream.json", &compact, &options(true), PARTS[0]);
    let said = |what: &str| {
        report.inputs[0]
            .notes
            .iter()
            .filter(|n| n.message.contains(what))
            .count()
    };
    // Six pools described twice: three noted, then the rest counted in one note.
    assert_eq!(said("is described twice in the input"), 3);
    assert_eq!(
        said("3 more node pools from here on are described twice"),
        1
    );
    assert_eq!(
        said("skipped: "),
        1,
        "a value of a stream that describes nothing is noted"
    );
    let missing: Vec<_> = report
        .headline
        .iter()
        .filter(|h| h.text.contains("not in the input") || h.text.contains("not told apart"))
        .map(|h| (h.cluster.as_deref(), h.pools_total))
        .collect();
    assert_eq!(missing, [(Some("gone"), 2), (Some("prod"), 2), (None, 1)]);
    // The pools that could be either prod's do not say it is missing: two are here.
    assert!(report.headline.iter().any(|h| h
        .text
        .starts_with("Workload metadata, cluster prod (2 clusters of that name in the input fit, not told apart): ")));
    assert_eq!(report.headline.len(), 8);
    let pretty: String = values
        .iter()
        .map(|v| format!("{}\n", serde_json::to_string_pretty(v).unwrap()))
        .collect();
    assert_same("pretty.json", &pretty);
}

#[test]
fn a_list_reads_the_same_in_parts() {
    let values = estate();
    let list = serde_json::to_string_pretty(&Value::Array(values.clone())).unwrap();
    assert_same("list.json", &list);
    let report = in_parts("list.json", &list, &options(true), PARTS[0]);
    assert!(
        !report.inputs[0]
            .notes
            .iter()
            .any(|n| n.message.starts_with("skipped: ")),
        "an item of a list that describes nothing is passed over silently"
    );
    assert_same("compact-list.json", &Value::Array(values).to_string());
}

#[test]
fn an_api_list_reads_the_same_in_parts() {
    let clusters: Vec<Value> = estate()
        .into_iter()
        .filter_map(|v| {
            v["resource"]["data"]
                .get("nodePools")
                .map(|_| v["resource"]["data"].clone())
        })
        .collect();
    let list = json!({"clusters": clusters, "missingZones": []});
    let text = serde_json::to_string_pretty(&list).unwrap();
    assert_same("api.json", &text);
    // Windows line ends, a byte-order mark, several values on one line, and characters
    // beyond ASCII before each finding: lines, columns and UTF-16 offsets all map back.
    let crlf = format!("\u{feff}{}\r\n", text.replace('\n', "\r\n"));
    assert_same("crlf.json", &crlf);
    let one_line = format!("{list} {list}\n");
    assert_same("one-line.json", &one_line);
    // Pools of a cluster's API list, and a wrapper that is a resource of its own.
    let pools = json!({"nodePools": [pool("acme", "eu", "c", "a", None), pool("acme", "eu", "c", "b", Some("GKE_METADATA"))]});
    assert_same("pools.json", &pools.to_string());
    assert_same(
        "named.json",
        &json!({"name": "c", "currentMasterVersion": "1.30", "clusters": [], "nodePools": [pool("acme", "eu", "c", "a", None)]}).to_string(),
    );
}

#[test]
fn an_iam_policy_of_the_one_project_applies_to_every_part() {
    let mut values = vec![json!({
        "bindings": [{"role": "roles/editor", "members": ["serviceAccount:123-compute@developer.gserviceaccount.com"]}],
        "etag": "BwX",
        "version": 1,
    })];
    for name in ["a", "b", "c"] {
        values.push(cluster("acme", "eu", name, &[("p", None)]));
    }
    let text: String = values.iter().map(|v| format!("{v}\n")).collect();
    assert_same("iam.json", &text);
    let report = in_parts("iam.json", &text, &options(true), PARTS[0]);
    let gke006 = report.results.iter().filter(|r| r.rule == "GKE006").count();
    assert_eq!(gke006, 3, "each part judged its pool by the policy");
}

#[test]
fn an_iam_policy_among_several_projects_is_unknown_in_every_part() {
    let mut values = vec![
        json!({"bindings": [{"role": "roles/owner", "members": ["serviceAccount:x@p.iam.gserviceaccount.com"]}]}),
    ];
    values.push(cluster("acme", "eu", "a", &[("p", None)]));
    values.push(cluster("beta", "eu", "b", &[("p", None)]));
    let text: String = values.iter().map(|v| format!("{v}\n")).collect();
    assert_same("iam.json", &text);
    // Each part holds one project's cluster, but the policy's project is not known: the
    // input's clusters are of two.
    let report = in_parts("iam.json", &text, &options(false), PARTS[0]);
    let gke006: Vec<(Status, bool)> = report
        .results
        .iter()
        .filter(|r| r.rule == "GKE006")
        .map(|r| {
            (
                r.status,
                r.message.contains("acme") && r.message.contains("beta"),
            )
        })
        .collect();
    assert_eq!(gke006, [(Status::Unknown, true), (Status::Unknown, true)]);
}

#[test]
fn the_lines_read_again_for_frames_keep_the_inputs_line_numbers() {
    let lines_of = |text: &str, wanted: &[usize]| {
        let mut stream = Stream {
            name: "x".into(),
            bytes: Bytes::Memory(text.as_bytes().to_vec()),
            format: Format::GcloudJson,
        };
        stream.lines_for_frames(wanted).unwrap()
    };
    // LF, CRLF and a lone CR each end a line, as the engine reads them; a lone CR before a
    // line left empty stays two line ends.
    assert_eq!(lines_of("a\r\nb\rc\nd\r", &[2, 4]), "\nb\n\nd\n");
    assert_eq!(lines_of("a\r\nb\rc\nd\r", &[1, 3, 5]), "a\n\nc\n\n");
    assert_eq!(lines_of("é😀\n\nü", &[1, 3]), "é😀\n\nü");
    assert_eq!(lines_of("", &[1]), "");
    // Across the megabytes it is read in, with a CR at the end of one and its LF at the
    // start of the next.
    let long = "x".repeat((1 << 20) - 1);
    let text = format!("{long}\r\nsecond\rthird\n");
    let got = lines_of(&text, &[2, 3]);
    assert_eq!(got, "\nsecond\nthird\n");
    let index = gkecheck::span::LineIndex::new(&got);
    assert_eq!(
        index.line_count(),
        gkecheck::span::LineIndex::new(&text).line_count()
    );
}

#[test]
fn the_examples_and_the_corpus_read_the_same_in_parts() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("www/examples/vulnerable-cluster.json"),
        root.join("www/examples/hardened-cluster.json"),
        root.join("tests/fixtures/gcloud/hardened-cluster.json"),
    ];
    let corpus = root.join("../shared/corpus/gcloud");
    match std::fs::read_dir(&corpus) {
        Ok(dir) => {
            let mut found: Vec<_> = dir
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            assert!(!found.is_empty(), "the corpus has gcloud JSON");
            files.extend(found);
        }
        Err(_) => eprintln!(
            "skipped the corpus's gcloud JSON: {} is not here (CI has it)",
            corpus.display()
        ),
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert_same(&file.file_name().unwrap().to_string_lossy(), &text);
    }
}

#[test]
fn a_list_that_describes_nothing_is_noted_as_read_whole() {
    let good = cluster("acme", "eu", "a", &[("p", None)]).to_string();
    for text in [
        format!("[1, 2]\n{good}\n"),
        format!("{good}\n{{\"clusters\": [{{\"kind\": \"x\"}}], \"missingZones\": [], \"nextPageToken\": \"t\"}}\n"),
        format!("[{good}, 3]\n[4]\n\"five\"\n"),
    ] {
        assert_same("lists.json", &text);
        let report = in_parts("lists.json", &text, &options(true), PARTS[0]);
        assert!(
            report.inputs[0].notes.iter().any(|n| n.message.starts_with("skipped: ")),
            "{text}"
        );
    }
}

#[test]
fn errors_name_the_same_place() {
    let good = cluster("acme", "eu", "a", &[("p", None)]).to_string();
    for (text, expected) in [
        // Inside a value: the reader's own message, at the same place.
        (format!("{good}\n{good}\n{{\"name\": \"b\" \"x\": 1}}\n"), None),
        (format!("[\n{good},\n  {{\"name\": tru}}\n]"), None),
        ("[]".to_string(), None),
        ("[1, {\"kind\": \"x\"}]".to_string(), None),
        ("{\"clusters\": [{\"kind\": \"x\"}], \"nextPageToken\": \"t\"}\n[2]".to_string(), None),
        ("\n  [ ]  \n".to_string(), None),
        ("{\"kind\": \"x\"}\n{\"kind\": \"y\"}".to_string(), None),
        // The structure itself: the scanner's message.
        (format!("{good}\n[{good}}}"), Some((2, good.chars().count() + 2, "expected `]` to close the list opened at line 2, column 1, found `}`"))),
        (format!("{good}\n{{\"name\": \"b\""), Some((2, 13, "expected `}` to close the object opened at line 2, column 1, found the end of the input"))),
        (format!("{good}\n\"open"), Some((2, 6, "expected `\"` to end the string, found the end of the input"))),
        (format!("{good}\n]"), Some((2, 1, "expected a JSON value, found `]` with nothing open to close"))),
    ] {
        let options = options(true);
        let read_whole = whole("bad.json", &text, &options);
        let whole_error = read_whole.inputs[0].error.as_ref().expect("an error");
        for parts in PARTS {
            let report = in_parts("bad.json", &text, &options, parts);
            let error = report.inputs[0].error.as_ref().unwrap_or_else(|| panic!("{text}: no error"));
            assert!(report.results.is_empty(), "nothing of a broken input is checked");
            assert_eq!(report.summary.errors, 1);
            match expected {
                None => assert_eq!(error, whole_error, "{text}"),
                Some((line, column, message)) => {
                    assert_eq!((error.line, error.column, error.message.as_str()), (line, column, message), "{text}");
                }
            }
        }
    }
}

#[test]
fn other_inputs_are_checked_beside_a_stream_with_a_note() {
    let text: String = estate().iter().map(|v| format!("{v}\n")).collect();
    let other = Input::new(
        "www/examples/vulnerable-cluster.json",
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/www/examples/vulnerable-cluster.json"
        ))
        .unwrap(),
    );
    let options = options(true);
    let mut streams = [Stream {
        name: "big.json".into(),
        bytes: Bytes::Memory(text.clone().into_bytes()),
        format: Format::GcloudJson,
    }];
    let (report, _) = stream::check(
        std::slice::from_ref(&other),
        &mut streams,
        &options,
        PARTS[0],
    );
    let alone = check(std::slice::from_ref(&other), &options);
    let big = whole("big.json", &text, &options);
    let names: Vec<&str> = report.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, [other.name.as_str(), "big.json"]);
    assert!(report.inputs[1].notes.iter().any(|n| n
        .message
        .starts_with("checked on its own, in parts, as it is over 32 MiB")));
    assert_eq!(
        report.results.len(),
        alone.results.len() + big.results.len()
    );
    assert_eq!(
        report.headline.len(),
        alone.headline.len() + big.headline.len()
    );
    assert_eq!(report.summary.pass, alone.summary.pass + big.summary.pass);
    assert_eq!(report.summary.fail, alone.summary.fail + big.summary.fail);
    // One ranking over both: the worst first.
    assert!(report
        .results
        .windows(2)
        .all(|w| (w[0].status.rank(), w[0].severity) <= (w[1].status.rank(), w[1].severity)));
}

#[test]
fn only_gcloud_json_and_yaml_over_the_limit_are_read_in_parts() {
    let limit = gkecheck::input::MAX_INPUT_BYTES as u64;
    let json = Some(Format::GcloudJson);
    let yaml = Some(Format::GcloudYaml);
    assert_eq!(stream::streams(limit + 1, b"  [\n"), json);
    assert_eq!(
        stream::streams(limit + 1, b"\xEF\xBB\xBF{\"clusters\""),
        json
    );
    assert_eq!(stream::streams(limit, b"["), None);
    assert_eq!(
        stream::streams(limit + 1, b"---\nname: a\nnodePools:\n- name: p\n"),
        yaml
    );
    assert_eq!(stream::streams(limit + 1, b"clusters:\n- name: a"), yaml);
    assert_eq!(stream::streams(limit, b"---\nname: a\n"), None);
    assert_eq!(
        stream::streams(
            limit + 1,
            b"{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\""
        ),
        None
    );
    // A plan whose keys were sorted (`jq -S`): another of its own members first.
    assert_eq!(
        stream::streams(
            limit + 1,
            b"{\n  \"configuration\": {\n    \"root_module\": {"
        ),
        None
    );
    assert_eq!(
        stream::streams(limit + 1, b"resource \"google_container_cluster\" \"c\" {"),
        None
    );
    assert_eq!(
        stream::streams(
            limit + 1,
            b"$ gcloud container clusters describe c\nname: c\n"
        ),
        None
    );
}

/// JSON as gcloud writes YAML: block style, strings quoted where plain would read otherwise.
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                out.push_str(&format!("{pad}{k}:"));
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push('\n');
                        yaml(v, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        yaml(v, indent, out);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(v));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        yaml(item, indent + 2, &mut inner);
                        out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", scalar(item))),
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        Value::String(s) => serde_json::to_string(s).unwrap(),
        other => other.to_string(),
    }
}

#[test]
fn yaml_documents_read_the_same_in_parts() {
    let docs: Vec<String> = estate()
        .iter()
        .map(|v| {
            let mut out = String::new();
            yaml(v, 0, &mut out);
            out
        })
        .collect();
    // As `gcloud ... --format=yaml` lists: a marker line before each document but the first.
    assert_same("list.yaml", &docs.join("---\n"));
    // A marker before each, comments, blank documents, `...` ends, `--- ` with text after it,
    // Windows line ends and a byte-order mark.
    let mut text = String::from("\u{feff}# gcloud container clusters list\n");
    for (i, doc) in docs.iter().enumerate() {
        text.push_str(if i % 3 == 0 { "--- # next\n" } else { "---\n" });
        if i % 4 == 1 {
            text.push_str("# nothing here\n---\n\n");
        }
        text.push_str(doc);
        if i % 5 == 2 {
            text.push_str("...\n");
        }
    }
    assert_same("markers.yaml", &text);
    assert_same("crlf.yaml", &text.replace('\n', "\r\n"));
    for (name, text) in [
        ("list.yaml", docs.join("---\n")),
        ("markers.yaml", text.clone()),
    ] {
        let read = whole(name, &text, &options(true));
        assert!(
            read.inputs[0].error.is_none(),
            "{name}: {:?}",
            read.inputs[0].error
        );
        assert!(read.summary.fail > 20, "{name}: {:?}", read.summary);
    }
    let report = in_parts("markers.yaml", &text, &options(true), PARTS[0]);
    assert_eq!(report.inputs[0].format, "gcloud-yaml");
    assert!(report.headline.len() >= 5, "{:?}", report.headline);
    // The corpus's YAML, and errors at the same place.
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gcloud");
    if let Ok(dir) = std::fs::read_dir(&corpus) {
        for file in dir.flatten().map(|e| e.path()) {
            if file.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&file).unwrap();
                assert_same(&file.file_name().unwrap().to_string_lossy(), &text);
            }
        }
    }
    for broken in [
        format!("{}---\nname: c\n\tnodePools: []\n", docs[1]),
        format!("{}---\nname: [\n", docs[2]),
        "# only a comment\n---\n".to_string(),
    ] {
        let options = options(true);
        let expected = whole("broken.yaml", &broken, &options);
        for parts in PARTS {
            let got = in_parts("broken.yaml", &broken, &options, parts);
            assert_eq!(got.inputs, expected.inputs, "{broken}");
            assert_eq!(got.results.len(), expected.results.len(), "{broken}");
        }
    }
}

#[test]
fn a_value_over_the_limit_is_refused_unread_and_the_others_are_checked() {
    let good = |name: &str| cluster("acme", "eu", name, &[("p", None)]);
    let mut big_yaml = String::from("clusters:\n- name: big\n");
    // Not even YAML: the value is refused for its size before anything reads it.
    while big_yaml.len() <= 33 << 20 {
        big_yaml.push_str("  : [ {{ not yaml\n");
    }
    let mut a = String::new();
    yaml(&good("a"), 0, &mut a);
    let mut c = String::new();
    yaml(&good("c"), 0, &mut c);
    let yaml_text = format!("{a}---\n{big_yaml}---\n{c}");
    let big_json = json!({"name": "big", "description": "x".repeat(33 << 20)});
    let json_text = format!("[{},\n{big_json},\n{}]\n", good("a"), good("c"));
    for (name, text, line, column, how) in [
        (
            "big.yaml",
            &yaml_text,
            a.lines().count() + 2,
            1,
            "as YAML documents",
        ),
        ("big.json", &json_text, 2, 1, "as a JSON list"),
    ] {
        let report = in_parts(name, text, &options(true), PARTS[1]);
        let error = report.inputs[0].error.as_ref().expect("an error");
        assert_eq!((error.line, error.column), (line, column), "{name}");
        assert!(
            error
                .message
                .starts_with("expected at most 32 MiB in one value, found 33.0 MiB:"),
            "{name}: {}",
            error.message
        );
        assert!(error.message.contains(how), "{name}: {}", error.message);
        assert_eq!(report.summary.errors, 1);
        let clusters: std::collections::BTreeSet<&str> = report
            .results
            .iter()
            .filter_map(|r| r.resource.cluster.as_deref())
            .collect();
        assert_eq!(
            clusters,
            ["a", "c"].into(),
            "{name}: the other values are checked"
        );
    }
}
