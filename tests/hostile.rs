//! Hostile inputs: each gives a located error naming the limit it met, or a result, never a
//! panic, and within bounded memory (the limits are in the README's "Limits"). How long they
//! take is measured by the benchmarks, not here.

mod common;

use common::gkecheck;
use gkecheck::report::{Finding, Report, Status};
use gkecheck::{check, Input, Options};

fn run(inputs: &[Input]) -> Report {
    check(inputs, &Options::default())
}

fn one(name: &str, text: &str) -> Report {
    run(&[Input::new(name, text)])
}

/// The input's error: its message and 1-based line and column.
fn error(report: &Report) -> (String, usize, usize) {
    let e = report.inputs[0]
        .error
        .as_ref()
        .unwrap_or_else(|| panic!("expected an error: {report:#?}"));
    (e.message.clone(), e.line, e.column)
}

#[test]
fn yaml_alias_bombs_are_refused_where_they_start() {
    let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n";
    let (message, line, _) = error(&one("c.yaml", bomb));
    assert!(
        message.contains("anchor") || message.contains("alias"),
        "{message}"
    );
    assert_eq!(line, 1);
}

#[test]
fn deep_nesting_is_refused_with_the_depth() {
    let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (message, line, _) = error(&one("c.json", &json));
    assert!(message.contains("256"), "{message}");
    assert_eq!(line, 1);
    let hcl = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let (message, ..) = error(&one("main.tf", &hcl));
    assert!(message.contains("64"), "{message}");
    let yaml: String = (0..100_000)
        .map(|i| format!("{}a:\n", " ".repeat(i % 2000)))
        .collect();
    let report = one("c.yaml", &yaml);
    assert!(report.inputs[0].error.is_some(), "{:?}", report.summary);
}

#[test]
fn a_thirty_megabyte_string_is_read() {
    let cluster = format!(
        "{{\"name\": \"c\", \"description\": \"{}\", \"nodePools\": [{{\"name\": \"p\", \"config\": {{\"workloadMetadataConfig\": {{\"mode\": \"GKE_METADATA\"}}}}}}]}}",
        "x".repeat(30 << 20)
    );
    let report = one("c.json", &cluster);
    assert!(report.inputs[0].error.is_none());
    let pool = report.results.iter().find(|r| r.rule == "GKE001").unwrap();
    assert_eq!(pool.status, Status::Pass);
}

#[test]
fn twenty_thousand_resources_are_read() {
    let mut tf: String = (0..20_000)
        .map(|i| {
            format!("resource \"google_compute_address\" \"a{i}\" {{\n  name = \"a{i}\"\n}}\n")
        })
        .collect();
    tf.push_str("resource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n}\n");
    let report = one("main.tf", &tf);
    assert!(report.inputs[0].error.is_none());
    assert!(report.results.iter().any(|r| r.rule == "GKE001"));
}

/// The GKE001 results of a large module whose every pool should be judged: as many as
/// expected, each failing (none unknown for want of evaluation work), and no note.
fn every_pool_judged<'r>(report: &'r Report, pools: usize, what: &str) -> Vec<&'r Finding> {
    assert!(
        report.inputs[0].notes.is_empty(),
        "{what}: {:?}",
        report.inputs[0].notes
    );
    let gke001: Vec<&Finding> = report
        .results
        .iter()
        .filter(|r| r.rule == "GKE001")
        .collect();
    assert_eq!(gke001.len(), pools, "{what}");
    for r in &gke001 {
        assert_eq!(
            r.status,
            Status::Fail,
            "{what}: {}: {}",
            r.resource.name,
            r.message
        );
    }
    gke001
}

#[test]
fn a_module_of_many_clusters_whose_pools_name_them_is_read_in_full() {
    // Each pool names its cluster's attributes: a name costs the value it reaches, not every
    // cluster of the module (which ran out of work and left pools unknown).
    let tf: String = (0..1_500)
        .map(|c| {
            format!(
                "resource \"google_container_cluster\" \"c{c}\" {{\n  name     = \"cluster-{c}\"\n  location = \"europe-west1\"\n  project  = \"proj-{p}\"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n}}\n\nresource \"google_container_node_pool\" \"p{c}\" {{\n  name     = \"pool-{c}\"\n  cluster  = google_container_cluster.c{c}.name\n  location = google_container_cluster.c{c}.location\n  project  = google_container_cluster.c{c}.project\n  node_config {{\n    workload_metadata_config {{\n      mode = \"GCE_METADATA\"\n    }}\n  }}\n}}\n\n",
                p = c % 7
            )
        })
        .collect();
    let report = one("main.tf", &tf);
    for r in every_pool_judged(&report, 1_500, "clusters") {
        let c = r.resource.name.strip_prefix("pool-");
        assert!(c.is_some(), "{}: {}", r.resource.name, r.message);
        assert_eq!(
            r.resource.cluster.as_deref(),
            c.map(|c| format!("cluster-{c}")).as_deref()
        );
    }
}

#[test]
fn many_pools_naming_one_large_local_or_variable_are_read_in_full() {
    // A map of 1,500 clusters' settings, in a local or a variable's default, each pool naming
    // its own entry three times: each name costs the entry, not the map.
    let entries: String = (0..1_500)
        .map(|c| format!("    c{c} = {{ name = \"cluster-{c}\", location = \"europe-west1\", mode = \"GCE_METADATA\" }}\n"))
        .collect();
    for (head, root) in [
        (
            format!("locals {{\n  clusters = {{\n{entries}  }}\n}}\n"),
            "local",
        ),
        (
            format!("variable \"clusters\" {{\n  default = {{\n{entries}  }}\n}}\n"),
            "var",
        ),
    ] {
        let pools: String = (0..1_500)
            .map(|c| {
                format!("resource \"google_container_node_pool\" \"p{c}\" {{\n  name     = \"pool-{c}\"\n  cluster  = {root}.clusters.c{c}.name\n  location = {root}.clusters.c{c}.location\n  node_config {{\n    workload_metadata_config {{\n      mode = {root}.clusters.c{c}.mode\n    }}\n  }}\n}}\n")
            })
            .collect();
        let report = one("main.tf", &format!("{head}{pools}"));
        every_pool_judged(&report, 1_500, root);
    }
}

#[test]
fn counted_pools_indexing_large_lists_are_read_in_full() {
    // Four resources of 1,000 pools each, each pool picking its element of two lists of 1,000
    // (`local.names[count.index]`) three times: each pick costs the element, not the list.
    let list = |item: &dyn Fn(usize) -> String| (0..1_000).map(item).collect::<Vec<_>>().join(", ");
    let mut tf = format!(
        "locals {{\n  names = [{}]\n  modes = [{}]\n}}\n",
        list(&|i| format!("\"pool-{i}\"")),
        list(&|_| "\"GCE_METADATA\"".to_string())
    );
    for r in 0..4 {
        tf.push_str(&format!("resource \"google_container_node_pool\" \"p{r}\" {{\n  count   = 1000\n  name    = \"${{local.names[count.index]}}-{r}\"\n  cluster = \"c\"\n  node_config {{\n    machine_type = local.names[count.index]\n    workload_metadata_config {{\n      mode = local.modes[count.index]\n    }}\n  }}\n}}\n"));
    }
    let report = one("main.tf", &tf);
    let gke001 = every_pool_judged(&report, 4_000, "counted pools");
    assert!(gke001.iter().any(|r| &*r.resource.name == "pool-999-3"));
    // A key that names nothing still says why, as before; `try` moves past it.
    let with_mode = |mode: &str| {
        let tf = format!("locals {{\n  modes = [\"GKE_METADATA\"]\n  m = {{ a = \"GKE_METADATA\" }}\n}}\nresource \"google_container_node_pool\" \"p\" {{\n  cluster = \"c\"\n  node_config {{\n    workload_metadata_config {{\n      mode = {mode}\n    }}\n  }}\n}}\n");
        let pool = one("main.tf", &tf)
            .results
            .into_iter()
            .find(|r| r.rule == "GKE001")
            .unwrap();
        (pool.status, pool.message)
    };
    for (mode, why) in [
        ("local.m.b", "`local.m.b (no key \"b\")`"),
        ("local.modes[3]", "`local.modes[3] (no element 3)`"),
    ] {
        let (status, message) = with_mode(mode);
        assert_eq!(status, Status::Unknown, "{message}");
        assert!(message.contains(why), "{message}");
    }
    let (status, message) = with_mode("try(local.modes[3], local.m.b, local.m[\"a\"])");
    assert_eq!(status, Status::Pass, "{message}");
}

#[test]
fn a_large_map_given_whole_to_each_module_instance_is_read_in_full() {
    // 1,000 instances of a module (`for_each` over a local map of 1,000 clusters' settings,
    // 20 of them each), every instance given the whole map, untyped and typed, and its own
    // entry through `lookup`: the map is one value shared by every instance, not a copy each
    // (which ran out of work and left most pools unknown), and converted to the type once.
    let fields: String = (0..20).map(|f| format!(", f{f} = \"v{f}\"")).collect();
    let entries: String = (0..1_000)
        .map(|c| {
            format!(
                "    c{c} = {{ location = \"europe-west1\", mode = \"GCE_METADATA\"{fields} }}\n"
            )
        })
        .collect();
    let root = format!("locals {{\n  clusters = {{\n{entries}  }}\n}}\nmodule \"gke\" {{\n  source   = \"./modules/gke\"\n  for_each = local.clusters\n  name     = each.key\n  all      = local.clusters\n  settings = lookup(local.clusters, each.key)\n}}\n");
    for ty in [
        "",
        "\n  type = map(object({ location = string, mode = string }))\n",
    ] {
        let module = format!("variable \"name\" {{}}\nvariable \"settings\" {{}}\nvariable \"all\" {{{ty}}}\nresource \"google_container_cluster\" \"c\" {{\n  name     = var.name\n  location = var.all[var.name].location\n  project  = \"p\"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n}}\nresource \"google_container_node_pool\" \"p\" {{\n  name     = \"pool-${{var.name}}\"\n  cluster  = google_container_cluster.c.name\n  location = google_container_cluster.c.location\n  project  = \"p\"\n  node_config {{\n    workload_metadata_config {{\n      mode = var.all[var.name].mode == var.settings.mode ? var.settings.mode : \"\"\n    }}\n  }}\n}}\n");
        let report = run(&[
            Input::new("main.tf", root.as_str()),
            Input::new("modules/gke/main.tf", module),
        ]);
        let what = if ty.is_empty() { "untyped" } else { "typed" };
        for r in every_pool_judged(&report, 1_000, what) {
            let c = r.resource.name.strip_prefix("pool-");
            assert_eq!(r.resource.cluster.as_deref(), c, "{what}");
        }
    }
}

#[test]
fn huge_counts_and_collections_name_the_limit() {
    for count in ["1e9", "1e300", "1000000", "-1", "1.5"] {
        let tf = format!("resource \"google_container_node_pool\" \"p\" {{\n  count   = {count}\n  cluster = \"c\"\n}}\n");
        let (message, line, column) = error(&one("main.tf", &tf));
        assert!(
            message.contains("from 0 to 1000 (gkecheck's limit") && message.contains(count),
            "{message}"
        );
        assert_eq!((line, column), (2, 13), "{message}");
    }
    // A for_each over more elements than the limit: the same.
    let items: Vec<String> = (0..1500).map(|i| format!("\"p{i}\"")).collect();
    let tf = format!(
        "resource \"google_container_node_pool\" \"p\" {{\n  for_each = toset([{}])\n  cluster  = \"c\"\n}}\n",
        items.join(", ")
    );
    let (message, line, _) = error(&one("main.tf", &tf));
    assert!(message.contains("for_each over 1500 elements"), "{message}");
    assert_eq!(line, 2);
}

#[test]
fn values_that_double_stop_at_the_limit() {
    let mut tf = String::from("locals {\n  s0 = \"xy\"\n  l0 = [1, 2]\n");
    for i in 1..40 {
        tf.push_str(&format!(
            "  s{i} = \"${{local.s{p}}}${{local.s{p}}}\"\n  l{i} = [local.l{p}, local.l{p}]\n",
            p = i - 1
        ));
    }
    tf.push_str("}\nresource \"google_container_node_pool\" \"p\" {\n  cluster  = \"c\"\n  for_each = local.l39\n  node_config {\n    workload_metadata_config {\n      mode = local.s39\n    }\n  }\n}\n");
    let report = one("main.tf", &tf);
    let pool = report.results.iter().find(|r| r.rule == "GKE001").unwrap();
    assert_eq!(pool.status, Status::Unknown);
    assert!(
        pool.message.contains("gkecheck's limit"),
        "{}",
        pool.message
    );
    // A default that refers to its own variable.
    let tf = "variable \"a\" {\n  default = [var.a, var.a]\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n  node_config {\n    workload_metadata_config {\n      mode = var.a\n    }\n  }\n}\n";
    let pool = one("main.tf", tf)
        .results
        .into_iter()
        .find(|r| r.rule == "GKE001")
        .unwrap();
    assert_eq!(pool.status, Status::Unknown, "{}", pool.message);
}

#[test]
fn values_built_from_large_shared_ones_are_work() {
    // A thousand pools each joining a list of 6,000 to another into a new one: a list named
    // is shared (one step), but one made is work by its size, so the module stops at its
    // limit, naming it, where it would otherwise make a thousand large lists.
    let items: Vec<String> = (0..6_000).map(|i| format!("\"v{i}\"")).collect();
    let tf = format!("locals {{\n  big = [{}]\n}}\nresource \"google_container_node_pool\" \"p\" {{\n  count   = 1000\n  name    = \"p${{count.index}}\"\n  cluster = \"c\"\n  node_config {{\n    workload_metadata_config {{\n      mode = length(concat(local.big, [count.index])) > 0 ? \"GKE_METADATA\" : \"\"\n    }}\n  }}\n}}\n", items.join(", "));
    let report = one("main.tf", &tf);
    let gke001: Vec<&Finding> = report
        .results
        .iter()
        .filter(|r| r.rule == "GKE001")
        .collect();
    assert_eq!(gke001.len(), 1_000);
    let stopped = gke001
        .iter()
        .filter(|r| r.status == Status::Unknown && r.message.contains("gkecheck's limit"))
        .count();
    assert!(
        stopped > 0,
        "every pool judged: the lists made were not work"
    );
    assert!(work_ran_out(&report), "{:?}", report.inputs[0].notes);
}

#[test]
fn work_spent_on_the_arguments_of_module_calls_is_noted() {
    // The module's own clusters and pools are cheap; the arguments of the 100 instances it
    // calls spend the work (the note was looked for before the calls were evaluated).
    let root = "module \"m\" {\n  source   = \"./modules/m\"\n  for_each = toset([for i in range(100) : \"k${i}\"])\n  n        = length([for i in range(100000) : i])\n}\n";
    let report = run(&[
        Input::new("main.tf", root),
        Input::new("modules/m/main.tf", "variable \"n\" {}\n"),
    ]);
    assert!(work_ran_out(&report), "{:?}", report.inputs[0].notes);
}

#[test]
fn an_object_of_too_many_entries_is_refused_at_its_place_and_the_rest_checked() {
    // The parser's time grows with the square of an object's entries (50,000 took 11 s).
    let entries: String = (0..50_000)
        .map(|i| format!("    k{i} = \"v{i}\"\n"))
        .collect();
    let big = format!("locals {{\n  ips = {{\n{entries}  }}\n}}\n");
    let cluster = "resource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n}\n";
    for name in ["big.tf", "big.tfvars"] {
        let text = if name.ends_with(".tfvars") {
            format!("ips = {{\n{entries}}}\n")
        } else {
            big.clone()
        };
        let report = run(&[Input::new(name, text), Input::new("other/main.tf", cluster)]);
        let (message, line, column) = error(&report);
        assert!(
            message.starts_with("expected at most 20000 entries in one object")
                && message.contains("found 50000"),
            "{message}"
        );
        assert_eq!(
            (line, column),
            if name == "big.tf" { (2, 9) } else { (1, 7) }
        );
        assert!(report.inputs[1].error.is_none());
        assert!(report.results.iter().any(|r| r.rule == "GKE002"));
    }
}

#[test]
fn a_module_whose_instances_run_out_of_work_says_so_once() {
    // Each of the three instances makes a thousand lists of 6,001 elements: past the limit.
    let items: Vec<String> = (0..6_000).map(|i| format!("\"v{i}\"")).collect();
    let module = format!("locals {{\n  big = [{}]\n}}\nresource \"google_container_node_pool\" \"p\" {{\n  count   = 1000\n  cluster = \"c\"\n  node_config {{\n    workload_metadata_config {{\n      mode = length(concat(local.big, [count.index])) > 0 ? \"GKE_METADATA\" : \"\"\n    }}\n  }}\n}}\n", items.join(", "));
    let root = "module \"m\" {\n  source = \"./m\"\n  count  = 3\n}\n";
    let report = run(&[
        Input::new("main.tf", root),
        Input::new("m/main.tf", &module),
    ]);
    let notes: Vec<&str> = report.inputs[1]
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .filter(|m| m.contains("steps of work"))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("in 3 of its instances"), "{notes:?}");
}

/// Whether the first input has the note that a module's evaluation ran out of work.
fn work_ran_out(report: &Report) -> bool {
    report.inputs[0]
        .notes
        .iter()
        .any(|n| n.message.contains("stopped after 5000000 steps of work"))
}

#[test]
fn modules_that_call_each_other_stop_at_the_limit() {
    let a = "module \"b\" {\n  source = \"../b\"\n  count  = 4\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n}\n";
    let b = "module \"a\" {\n  source = \"../a\"\n  count  = 4\n}\n";
    let root = "module \"a\" {\n  source = \"./a\"\n}\n";
    let report = run(&[
        Input::new("main.tf", root),
        Input::new("a/main.tf", a),
        Input::new("b/main.tf", b),
    ]);
    let errors: Vec<&str> = report
        .inputs
        .iter()
        .filter_map(|i| i.error.as_ref().map(|e| e.message.as_str()))
        .collect();
    assert!(
        errors
            .iter()
            .any(|m| m.contains("at most 1000 module instances")),
        "{errors:?}"
    );
}

#[test]
fn a_ten_megabyte_value_is_not_echoed() {
    let big = "G".repeat(10 << 20);
    let report = run(&[
        Input::new("live/main.tf", "variable \"mode\" {}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n  node_config {\n    workload_metadata_config {\n      mode = var.mode\n    }\n  }\n}\n"),
        Input::new("live/terraform.tfvars", format!("mode = \"{big}\"\n")),
    ]);
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.len() < 1 << 20, "{} bytes", json.len());
    let pool = report.results.iter().find(|r| r.rule == "GKE001").unwrap();
    assert_eq!(pool.status, Status::Fail);
    assert!(pool.message.contains("bytes"), "{}", pool.message);
}

#[test]
fn line_ends_and_byte_order_marks_are_read() {
    let pool = "resource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n  node_config {\n    workload_metadata_config {\n      mode = \"GCE_METADATA\"\n    }\n  }\n}\n";
    for (label, text) in [
        ("CRLF", pool.replace('\n', "\r\n")),
        ("CR", pool.replace('\n', "\r")),
        ("BOM", format!("\u{feff}{pool}")),
    ] {
        let report = one("main.tf", &text);
        assert!(
            report.inputs[0].error.is_none(),
            "{label}: {:?}",
            report.inputs[0].error
        );
        let r = report.results.iter().find(|r| r.rule == "GKE001").unwrap();
        assert_eq!(r.status, Status::Fail, "{label}");
        assert_eq!(r.location.line, 5, "{label}: the mode's line");
    }
    // gcloud YAML with old Mac line ends too.
    let yaml = "name: c\rnodePools:\r- name: p\r  config:\r    workloadMetadataConfig:\r      mode: GKE_METADATA\r";
    let report = one("c.yaml", yaml);
    assert!(
        report.inputs[0].error.is_none(),
        "{:?}",
        report.inputs[0].error
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let tf =
        "resource \"google_container_node_pool\" \"p\u{0}\u{1b}[2J\" {\n  cluster = \"c\"\n}\n";
    let out = gkecheck(
        &["check", "--input-format", "terraform", "-"],
        tf.as_bytes(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{0}') && !text.contains('\u{1b}'),
        "{text}"
    );
    assert!(text.contains("\\u{0}\\u{1b}[2J"), "{text}");
}

#[test]
fn text_that_is_not_utf8_is_named() {
    let out = gkecheck(&["check", "-"], b"name: \xff\xfe broken\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("expected UTF-8 text, found an invalid byte at offset 6"));
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("name: c\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let out = gkecheck(&["check", "-"], &utf16);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("found UTF-16"));
}

#[cfg(unix)]
#[test]
fn a_directory_that_links_to_itself_is_read_once() {
    let dir = std::env::temp_dir().join(format!("gkecheck-hostile-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("live")).unwrap();
    std::fs::write(
        dir.join("live/main.tf"),
        "resource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(".", dir.join("a")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("b")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("live/up")).unwrap();
    let out = gkecheck(&["check", "--format", "json", dir.to_str().unwrap()], b"");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1, "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fixing_many_pools_stays_bounded() {
    let mut tf = String::from("resource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n  project = \"acme\"\n  remove_default_node_pool = true\n}\n");
    for i in 0..500 {
        tf.push_str(&format!("resource \"google_container_node_pool\" \"p{i}\" {{\n  cluster = google_container_cluster.c.name\n}}\n"));
    }
    let report = gkecheck::autofix::fix_with(
        &[Input::new("main.tf", tf.as_str())],
        &Options {
            select: vec!["GKE001".into(), "GKE002".into(), "GKE003".into()],
            ..Options::default()
        },
        &gkecheck::autofix::FixOptions {
            unsafe_fixes: true,
            only: None,
        },
    );
    assert_eq!(report.files.len(), 1);
    assert_eq!(
        report.files[0]
            .text
            .matches("mode = \"GKE_METADATA\"")
            .count(),
        500
    );
    assert_eq!(
        report.files[0]
            .diff
            .matches("\n+      mode = \"GKE_METADATA\"\n")
            .count(),
        500
    );
}

#[test]
fn the_number_of_resources_is_bounded() {
    let pools: String = (0..gkecheck::MAX_RESOURCES + 5)
        .map(|i| {
            format!("resource \"google_container_node_pool\" \"p{i}\" {{\n  cluster = \"c\"\n}}\n")
        })
        .collect();
    let report = gkecheck::check(
        &[Input::new("main.tf", pools)],
        &Options {
            select: vec!["GKE001".into()],
            ..Options::default()
        },
    );
    let (message, line, _) = error(&report);
    assert!(
        message.contains("at most 20000 clusters and node pools"),
        "{message}"
    );
    assert_eq!(line, gkecheck::MAX_RESOURCES * 3 + 1);
    assert_eq!(report.results.len(), gkecheck::MAX_RESOURCES);
}

#[test]
fn the_command_line_reads_more_resources_than_the_page() {
    // Over the page's 20,000: the command line's limit applies where it is set.
    let pools: String = (0..gkecheck::MAX_RESOURCES + 5)
        .map(|i| format!("{{\"name\": \"p{i}\", \"config\": {{}}}}\n"))
        .collect();
    let options = |max_resources| Options {
        select: vec!["GKE001".into()],
        passing_counted_only: true,
        max_resources,
        ..Options::default()
    };
    let page = gkecheck::check(&[Input::new("pools.json", pools.clone())], &options(None));
    assert!(error(&page).0.contains("at most 20000 clusters"));
    let cli = gkecheck::check(
        &[Input::new("pools.json", pools)],
        &options(Some(gkecheck::CLI_MAX_RESOURCES)),
    );
    assert!(cli.inputs[0].error.is_none());
    assert_eq!(cli.summary.fail, gkecheck::MAX_RESOURCES + 5);
    const { assert!(gkecheck::CLI_MAX_RESOURCES > gkecheck::MAX_RESOURCES) };
}
