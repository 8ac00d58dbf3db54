//! Fixes people can apply without fear. Properties that hold for every Terraform input in the
//! fixtures and the corpus and for generated variations (count/for_each, partial blocks,
//! variables set in tfvars and module calls, provider pins), safe fixes alone and with the
//! unsafe ones: the fixed text parses; fixing again changes nothing; no rule that passed
//! before fails after; nothing reported fixed still fails; no attribute or block appears
//! twice; without `unsafe_fixes` nothing that recreates nodes or a cluster is written. Then one
//! test per defect users met.

use std::collections::BTreeSet;
use std::path::Path;

use gkecheck::autofix::{fix_with, FixOptions, FixReport};
use gkecheck::report::{Applicability, Report, Status};
use gkecheck::{check, Input, Options};

fn safe() -> FixOptions {
    FixOptions::default()
}

fn unsafe_too() -> FixOptions {
    FixOptions {
        unsafe_fixes: true,
        only: None,
    }
}

fn with_files(inputs: &[Input], report: &FixReport) -> Vec<Input> {
    inputs
        .iter()
        .map(|i| match report.files.iter().find(|f| f.name == i.name) {
            Some(f) => Input {
                text: f.text.clone(),
                ..i.clone()
            },
            None => i.clone(),
        })
        .collect()
}

/// Attributes, and blocks Terraform allows once, written twice in one body.
fn repeats(text: &str) -> Vec<String> {
    fn walk(body: &hcl_edit::structure::Body, path: &str, out: &mut Vec<String>) {
        let mut seen = BTreeSet::new();
        for s in body.iter() {
            match s {
                hcl_edit::structure::Structure::Attribute(a) => {
                    if !seen.insert(a.key.as_str().to_string()) {
                        out.push(format!("{path}.{}", a.key.as_str()));
                    }
                }
                hcl_edit::structure::Structure::Block(b) => {
                    let name = b.ident.as_str();
                    if gkecheck::autofix::SINGLE_BLOCKS.contains(&name)
                        && !seen.insert(format!("{name} {{}}"))
                    {
                        out.push(format!("{path}.{name} {{}}"));
                    }
                    walk(&b.body, &format!("{path}.{name}"), out);
                }
            }
        }
    }
    let body = hcl_edit::parser::parse_body(text).expect("parsed above");
    let mut out = Vec::new();
    walk(&body, "", &mut out);
    out
}

fn statuses(report: &Report) -> Vec<(String, String, Status)> {
    report
        .results
        .iter()
        .map(|r| (r.rule.to_string(), r.resource.address.to_string(), r.status))
        .collect()
}

/// Checks every property on one set of inputs with one choice of fixes; returns the report.
fn holds(label: &str, inputs: &[Input], choice: &FixOptions) -> FixReport {
    let options = Options::default();
    let report = fix_with(inputs, &options, choice);
    let fixed = with_files(inputs, &report);
    for f in &report.files {
        // The fixed text parses.
        if let Err(e) = hcl_edit::parser::parse_body(&f.text) {
            panic!(
                "{label}: {} does not parse after fixing: {e}\n{}",
                f.name, f.text
            );
        }
        // Nothing is written twice that was not twice before.
        let before = &inputs.iter().find(|i| i.name == f.name).unwrap().text;
        let (was, now) = (repeats(before).len(), repeats(&f.text));
        assert!(
            now.len() <= was,
            "{label}: {} repeats {now:?}\n{}",
            f.name,
            f.text
        );
    }
    let (before, after) = (check(inputs, &options), check(&fixed, &options));
    assert_eq!(after.summary.errors, before.summary.errors, "{label}");
    // Nothing reported fixed still fails.
    for a in &report.applied {
        for r in after
            .results
            .iter()
            .filter(|r| r.rule == a.rule && *r.resource.address == a.address)
        {
            assert_eq!(
                r.status,
                Status::Pass,
                "{label}: {} reported fixed for {} but: {}",
                a.rule,
                a.address,
                r.message
            );
        }
        if choice.only.is_none() && !choice.unsafe_fixes {
            assert_eq!(
                a.applicability,
                Applicability::Safe,
                "{label}: {} applied without --unsafe-fixes",
                a.id
            );
        }
        assert_ne!(a.applicability, Applicability::DisplayOnly, "{label}");
    }
    // No rule that passed before fails after.
    let after_statuses = statuses(&after);
    for (rule, address, status) in statuses(&before) {
        if status != Status::Pass {
            continue;
        }
        if let Some((_, _, now)) = after_statuses
            .iter()
            .find(|(r, a, _)| *r == rule && *a == address)
        {
            assert_eq!(
                *now,
                Status::Pass,
                "{label}: {rule} {address} passed before"
            );
        }
    }
    // Fixing again changes nothing.
    let again = fix_with(&fixed, &options, choice);
    assert!(
        again.files.is_empty(),
        "{label}: fixing again changed {:?}",
        again.files.iter().map(|f| &f.diff).collect::<Vec<_>>()
    );
    report
}

fn terraform_sets() -> Vec<(String, Vec<Input>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sets = Vec::new();
    let mut dirs = vec![root.join("tests/fixtures/terraform")];
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        dirs.push(corpus.join("terraform"));
        dirs.push(corpus.join("peers"));
    } else {
        eprintln!(
            "SKIPPED the corpus part: {} is not here (a clone without ../shared)",
            corpus.display()
        );
    }
    fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                collect(&p, out);
            } else if p.extension().is_some_and(|x| x == "tf" || x == "tfvars") {
                out.push(p);
            }
        }
    }
    for dir in dirs {
        // Files that stand alone are checked alone; a directory with a module call or a
        // tfvars file is checked whole.
        let mut files = Vec::new();
        collect(&dir, &mut files);
        files.sort();
        let mut groups: std::collections::BTreeMap<std::path::PathBuf, Vec<Input>> =
            Default::default();
        for f in files {
            let rel = f.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
            let top = rel.split('/').next().unwrap().to_string();
            let key = if rel.contains('/') {
                dir.join(top)
            } else {
                f.clone()
            };
            groups
                .entry(key)
                .or_default()
                .push(Input::new(rel, std::fs::read_to_string(&f).unwrap()));
        }
        for (key, inputs) in groups {
            sets.push((key.display().to_string(), inputs));
        }
    }
    sets
}

#[test]
fn fixtures_and_corpus_hold_every_property() {
    let sets = terraform_sets();
    assert!(sets.len() >= 4, "{}", sets.len());
    let mut applied = BTreeSet::new();
    for (label, inputs) in &sets {
        holds(label, inputs, &safe());
        let report = holds(label, inputs, &unsafe_too());
        applied.extend(report.applied.iter().map(|a| a.rule));
    }
    eprintln!(
        "fix properties: {} input sets, rules fixed: {applied:?}",
        sets.len()
    );
    for rule in ["GKE001", "GKE002", "GKE017"] {
        assert!(applied.contains(rule), "{applied:?}");
    }
}

/// Variations on one cluster and pool: how the pool is repeated, which blocks are already
/// written, where the mode's value comes from, and which provider versions are allowed.
#[test]
fn generated_variations_hold_every_property() {
    let wrappers = [
        ("", "\"apps\""),
        ("  count = 2\n", "\"apps-${count.index}\""),
        ("  for_each = toset([\"a\", \"b\"])\n", "each.key"),
    ];
    let partials = [
        "",
        "  node_config {\n    machine_type = \"e2-medium\"\n  }\n",
        "  node_config {\n    workload_metadata_config {\n      mode = MODE\n    }\n    shielded_instance_config {\n      enable_integrity_monitoring = true\n    }\n  }\n",
        "  node_config {\n    workload_metadata_config {\n    }\n  }\n",
        "  node_config { machine_type = \"e2-small\" }\n",
        "  management {\n    auto_upgrade = false\n  }\n",
    ];
    // Where the mode comes from: (the expression, a root variable, a tfvars value).
    let sources = [
        ("\"GCE_METADATA\"", None, None),
        (
            "var.mode",
            Some("variable \"mode\" {\n  default = \"GCE_METADATA\"\n}\n"),
            None,
        ),
        (
            "var.mode",
            Some("variable \"mode\" {\n  default = \"GKE_METADATA\"\n}\n"),
            Some("mode = \"GCE_METADATA\"\n"),
        ),
    ];
    let pins = ["", ">= 4.0", "> 4.0", "~> 5.10", "~> 3.90", ">= 3.5, < 6"];
    let mut cases = 0;
    for (wrapper, name) in wrappers {
        for partial in partials {
            for (expr, variable, tfvars) in sources {
                for pin in pins {
                    for identity in [true, false] {
                        let mut main = String::new();
                        if !pin.is_empty() {
                            main.push_str(&format!("terraform {{\n  required_providers {{\n    google = {{\n      source  = \"hashicorp/google\"\n      version = \"{pin}\"\n    }}\n  }}\n}}\n\n"));
                        }
                        main.push_str("resource \"google_container_cluster\" \"c\" {\n  name                     = \"c\"\n  project                  = \"acme\"\n  remove_default_node_pool = true\n");
                        if identity {
                            main.push_str("  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n");
                        }
                        main.push_str("}\n\n");
                        main.push_str(&format!(
                            "resource \"google_container_node_pool\" \"apps\" {{\n{wrapper}  name    = {name}\n  cluster = google_container_cluster.c.name\n{}}}\n",
                            partial.replace("MODE", expr)
                        ));
                        if let Some(v) = variable {
                            main.push_str(v);
                        }
                        let mut inputs = vec![Input::new("live/main.tf", main)];
                        if let Some(t) = tfvars {
                            inputs.push(Input::new("live/terraform.tfvars", t));
                        }
                        let label = format!(
                            "{wrapper:?} {partial:?} {expr} {tfvars:?} {pin:?} identity={identity}"
                        );
                        holds(&label, &inputs, &safe());
                        let report = holds(&label, &inputs, &unsafe_too());
                        // The pool ends with the GKE metadata server, or the report says why
                        // not.
                        let after = check(&with_files(&inputs, &report), &Options::default());
                        let failing: Vec<_> = after
                            .results
                            .iter()
                            .filter(|r| r.rule == "GKE001" && r.status != Status::Pass)
                            .collect();
                        if !failing.is_empty() {
                            assert!(
                                report.skipped.iter().any(|s| s.rule == "GKE001"),
                                "{label}: GKE001 still fails and nothing says why: {:#?}\n{:#?}",
                                failing.iter().map(|r| &r.message).collect::<Vec<_>>(),
                                report
                            );
                        }
                        cases += 1;
                    }
                }
            }
        }
    }
    eprintln!("fix properties: {cases} generated configurations");
}

/// The variation above, with the mode given by a module call's argument.
#[test]
fn a_value_from_a_module_call_is_fixed_in_the_call() {
    let root = "module \"gke\" {\n  source = \"./modules/gke\"\n  mode   = \"GCE_METADATA\" # chosen long ago\n}\n";
    let child = "variable \"mode\" {\n  default = \"GKE_METADATA\"\n}\nresource \"google_container_cluster\" \"c\" {\n  name                     = \"c\"\n  remove_default_node_pool = true\n  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = google_container_cluster.c.name\n  node_config {\n    workload_metadata_config {\n      mode = var.mode\n    }\n  }\n}\n";
    let inputs = vec![
        Input::new("main.tf", root),
        Input::new("modules/gke/main.tf", child),
    ];
    holds("module call", &inputs, &unsafe_too());
    let options = Options {
        select: vec!["GKE001".into()],
        ..Options::default()
    };
    let report = fix_with(&inputs, &options, &unsafe_too());
    assert_eq!(report.files.len(), 1, "{report:#?}");
    assert_eq!(report.files[0].name, "main.tf");
    assert!(report.files[0]
        .text
        .contains("  mode   = \"GKE_METADATA\" # chosen long ago\n"));
    assert_eq!(
        report.applied[0].address,
        "module.gke.google_container_node_pool.p"
    );
}

// ---------------------------------------------------------------- one test per defect

fn tutorial() -> Vec<Input> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform/tutorial/gke.tf");
    vec![Input::new("gke.tf", std::fs::read_to_string(path).unwrap())]
}

/// The tutorial configuration: no Workload Identity, var.project_id used but declared in a
/// file not given. GKE_METADATA is never written without Workload Identity, which is written
/// from var.project_id; by default nothing that replaces a pool or restarts nodes is made.
#[test]
fn the_tutorial_gets_workload_identity_first_and_nothing_unsafe_by_default() {
    let report = holds("tutorial safe", &tutorial(), &safe());
    let text = &report.files[0].text;
    assert!(text.contains("  workload_identity_config {\n    workload_pool = \"${var.project_id}.svc.id.goog\"\n  }\n"), "{text}");
    assert!(!text.contains("GKE_METADATA"), "{text}");
    assert!(!text.contains("enable_secure_boot"), "{text}");
    assert!(!text.contains("enable_intranode_visibility"), "{text}");
    let applied: Vec<&str> = report.applied.iter().map(|a| a.rule).collect();
    assert_eq!(applied, ["GKE002"]);
    let left: BTreeSet<&str> = report.left_out.iter().map(|l| l.rule).collect();
    assert!(
        left.is_superset(&BTreeSet::from(["GKE001", "GKE017", "GKE024"])),
        "{left:?}"
    );
    let mode = report.left_out.iter().find(|l| l.rule == "GKE001").unwrap();
    assert_eq!(mode.needs, ["GKE002:google_container_cluster.primary"]);
    assert!(mode.reason.contains("--unsafe-fixes"), "{}", mode.reason);

    // With the unsafe fixes, the pool's mode comes with the cluster's Workload Identity.
    let report = holds("tutorial unsafe", &tutorial(), &unsafe_too());
    let text = &report.files[0].text;
    assert!(text.contains("workload_pool = \"${var.project_id}.svc.id.goog\""));
    assert!(text.contains("mode = \"GKE_METADATA\""));
    let after = check(&with_files(&tutorial(), &report), &Options::default());
    assert!(after
        .results
        .iter()
        .filter(|r| matches!(r.rule, "GKE001" | "GKE002"))
        .all(|r| r.status == Status::Pass));
}

/// Without any way to name the project, the pool's mode is not written either.
#[test]
fn the_metadata_server_is_never_written_without_workload_identity() {
    let text = "resource \"google_container_cluster\" \"c\" {\n  name                     = \"c\"\n  remove_default_node_pool = true\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = google_container_cluster.c.name\n}\n";
    let report = holds("no project", &[Input::new("main.tf", text)], &unsafe_too());
    assert!(report
        .files
        .iter()
        .all(|f| !f.text.contains("GKE_METADATA")));
    let pool = report
        .skipped
        .iter()
        .find(|s| s.rule == "GKE001")
        .expect("the pool's fix is not made");
    assert!(
        pool.reason
            .contains("needs GKE002:google_container_cluster.c")
            && pool.reason.contains("names no project"),
        "{}",
        pool.reason
    );
    // A pool whose cluster is not in the input: whether Workload Identity is on is not known.
    let alone = "resource \"google_container_node_pool\" \"p\" {\n  cluster = \"prod\"\n}\n";
    let report = holds("pool alone", &[Input::new("main.tf", alone)], &unsafe_too());
    assert!(report
        .files
        .iter()
        .all(|f| !f.text.contains("GKE_METADATA")));
    assert!(report.skipped.iter().any(|s| s.rule == "GKE001"
        && s.reason
            .contains("needs Workload Identity on the pool's cluster, which is not in the input")));
    // Its cluster in another root configuration: there, but not joined, and so not known.
    let cluster = "resource \"google_container_cluster\" \"prod\" {\n  name = \"prod\"\n}\n";
    let inputs = [
        Input::new("clusters/main.tf", cluster),
        Input::new("pools/main.tf", alone),
    ];
    let report = holds("pool of another root", &inputs, &unsafe_too());
    assert!(report
        .files
        .iter()
        .all(|f| !f.text.contains("GKE_METADATA")));
    assert!(report.skipped.iter().any(|s| s.rule == "GKE001"
        && s.reason.contains("which is elsewhere in the input (another root configuration or live output), not joined to the pool")));
}

/// The page's dialog: only the checked fixes, and a fix whose need is unchecked is not made.
#[test]
fn only_the_chosen_fixes_and_their_needs() {
    let choose = |ids: &[&str]| FixOptions {
        unsafe_fixes: false,
        only: Some(ids.iter().map(|s| s.to_string()).collect()),
    };
    let pool = "GKE001:google_container_node_pool.primary_nodes";
    let cluster = "GKE002:google_container_cluster.primary";
    let report = holds("only the pool", &tutorial(), &choose(&[pool]));
    assert!(report.files.is_empty());
    let left = report.left_out.iter().find(|l| l.id == pool).unwrap();
    assert!(
        left.reason
            .contains("needs GKE002:google_container_cluster.primary")
            && left.reason.contains("apply both or neither"),
        "{}",
        left.reason
    );
    let report = holds("both", &tutorial(), &choose(&[pool, cluster]));
    let made: BTreeSet<&str> = report.applied.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(made, BTreeSet::from([pool, cluster]));
    // Display-only fixes stay unapplied even when chosen.
    let alpha = "resource \"google_container_cluster\" \"c\" {\n  project = \"acme\"\n  enable_kubernetes_alpha = true\n  remove_default_node_pool = true\n}\n";
    let report = holds(
        "alpha",
        &[Input::new("main.tf", alpha)],
        &choose(&["GKE029:google_container_cluster.c"]),
    );
    assert!(report.files.is_empty());
}

/// A release channel needs auto-upgrade and auto-repair on every pool: applied together.
#[test]
fn a_release_channel_comes_with_auto_upgrade() {
    let text = "resource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n  project = \"acme\"\n  remove_default_node_pool = true\n  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n  release_channel {\n    channel = \"UNSPECIFIED\"\n  }\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = google_container_cluster.c.name\n  management {\n    auto_upgrade = false\n  }\n}\n";
    let options = Options {
        select: vec!["GKE022".into()],
        ..Options::default()
    };
    let report = fix_with(&[Input::new("main.tf", text)], &options, &unsafe_too());
    let made: BTreeSet<&str> = report.applied.iter().map(|a| a.rule).collect();
    assert_eq!(made, BTreeSet::from(["GKE020", "GKE022"]), "{report:#?}");
    assert!(report.files[0].text.contains("auto_upgrade = true"));
    assert!(report.files[0].text.contains("channel = \"REGULAR\""));
}

/// A `count` or `for_each` pool whose block already exists: the attribute is written once.
#[test]
fn instances_sharing_a_block_get_one_attribute() {
    for wrapper in ["  count = 3\n", "  for_each = toset([\"a\", \"b\"])\n"] {
        let text = format!("resource \"google_container_cluster\" \"c\" {{\n  name = \"c\"\n  remove_default_node_pool = true\n  workload_identity_config {{\n    workload_pool = \"acme.svc.id.goog\"\n  }}\n}}\nresource \"google_container_node_pool\" \"p\" {{\n{wrapper}  cluster = google_container_cluster.c.name\n  node_config {{\n    shielded_instance_config {{\n      enable_integrity_monitoring = true\n    }}\n    workload_metadata_config {{\n    }}\n  }}\n}}\n");
        let report = holds(
            wrapper,
            &[Input::new("main.tf", text.as_str())],
            &unsafe_too(),
        );
        let fixed = &report.files[0].text;
        assert_eq!(
            fixed.matches("enable_secure_boot = true").count(),
            1,
            "{fixed}"
        );
        assert_eq!(
            fixed.matches("mode = \"GKE_METADATA\"").count(),
            1,
            "{fixed}"
        );
    }
}

/// A value set in a .tfvars file is fixed there, not in the default that it overrides.
#[test]
fn a_value_from_tfvars_is_fixed_in_tfvars() {
    let main = "variable \"shielded\" {\n  default = true\n}\nresource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n  remove_default_node_pool = true\n  enable_shielded_nodes = var.shielded\n}\n";
    let inputs = vec![
        Input::new("live/main.tf", main),
        Input::new("live/terraform.tfvars", "shielded = false # staging\n"),
    ];
    let options = Options {
        select: vec!["GKE016".into()],
        ..Options::default()
    };
    let report = fix_with(&inputs, &options, &unsafe_too());
    assert_eq!(report.files.len(), 1, "{report:#?}");
    assert_eq!(report.files[0].name, "live/terraform.tfvars");
    assert_eq!(report.files[0].text, "shielded = true # staging\n");
    assert_eq!(report.applied[0].input, "live/terraform.tfvars");
    assert_eq!(report.applied[0].line, 1);
    holds("tfvars", &inputs, &unsafe_too());
    // Set with an expression there: said, with the place.
    let inputs = vec![
        Input::new("live/main.tf", main),
        Input::new("live/terraform.tfvars", "shielded = 1 == 2\n"),
    ];
    let report = fix_with(&inputs, &options, &unsafe_too());
    assert!(report.files.is_empty());
    assert!(
        report.skipped[0].reason.contains("live/terraform.tfvars:1"),
        "{:#?}",
        report.skipped
    );
}

/// `> 4.0` allows only provider 4 and later: `mode`, never `node_metadata`. A 3.x pin keeps
/// `node_metadata`.
#[test]
fn provider_pins_decide_the_attribute() {
    let text = |pin: &str| {
        format!("terraform {{\n  required_providers {{\n    google = {{\n      version = \"{pin}\"\n    }}\n  }}\n}}\nresource \"google_container_cluster\" \"c\" {{\n  name = \"c\"\n  remove_default_node_pool = true\n  workload_identity_config {{\n    workload_pool = \"acme.svc.id.goog\"\n  }}\n}}\nresource \"google_container_node_pool\" \"p\" {{\n  cluster = google_container_cluster.c.name\n  node_config {{\n    workload_metadata_config {{\n      node_metadata = \"SECURE\"\n    }}\n  }}\n}}\n")
    };
    for pin in ["> 4.0", ">= 4", "~> 5.0", "6.1.0"] {
        let report = holds(pin, &[Input::new("main.tf", text(pin))], &unsafe_too());
        let fixed = &report.files[0].text;
        assert!(
            fixed.contains("mode = \"GKE_METADATA\"") && !fixed.contains("node_metadata"),
            "{pin}: {fixed}"
        );
    }
    for pin in ["~> 3.90", "< 4.0", "3.87.0"] {
        let report = holds(pin, &[Input::new("main.tf", text(pin))], &unsafe_too());
        let fixed = &report.files[0].text;
        assert!(
            fixed.contains("node_metadata = \"GKE_METADATA_SERVER\""),
            "{pin}: {fixed}"
        );
    }
    // Constraints that allow nothing: nothing is written, and the report says why.
    let report = fix_with(
        &[Input::new("main.tf", text(">= 5, < 4"))],
        &Options::default(),
        &unsafe_too(),
    );
    assert!(report
        .files
        .iter()
        .all(|f| !f.text.contains("GKE_METADATA")));
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.rule == "GKE001" && s.reason.contains("no version")),
        "{:#?}",
        report.skipped
    );
}

/// A block written on one line is opened onto several, and the result parses.
#[test]
fn one_line_blocks_stay_valid() {
    let text = "resource \"google_container_cluster\" \"c\" { name = \"c\" }\nresource \"google_container_node_pool\" \"p\" { cluster = \"c\" }\nresource \"google_container_node_pool\" \"q\" {}\n";
    let report = holds("one line", &[Input::new("main.tf", text)], &unsafe_too());
    let report_all = fix_with(
        &[Input::new("main.tf", text)],
        &Options::default(),
        &unsafe_too(),
    );
    assert_eq!(report.files.len(), report_all.files.len());
    let fixed = &report.files[0].text;
    assert!(
        fixed.contains("resource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n"),
        "{fixed}"
    );
}

/// `cluster = "${google_container_cluster.primary.name}"` (the interpolation-only syntax of
/// older tutorials) joins the pool to its cluster like the bare reference does, so the pool's
/// mode is fixed together with the cluster's Workload Identity.
#[test]
fn an_interpolated_cluster_reference_joins_the_pool() {
    let text = "provider \"google\" {\n  project = var.project_id\n}\nresource \"google_container_cluster\" \"primary\" {\n  name                     = \"${var.project_id}-gke\"\n  remove_default_node_pool = true\n}\nresource \"google_container_node_pool\" \"primary_nodes\" {\n  cluster = \"${google_container_cluster.primary.name}\"\n}\n";
    let inputs = [Input::new("gke.tf", text)];
    let before = check(&inputs, &Options::default());
    let pool = before
        .results
        .iter()
        .find(|r| r.rule == "GKE001")
        .expect("a GKE001 result");
    assert_eq!(pool.resource.cluster.as_deref(), Some("primary"));
    let report = holds("interpolated", &inputs, &unsafe_too());
    let ids: BTreeSet<&str> = report.applied.iter().map(|a| a.id.as_str()).collect();
    assert!(
        ids.contains("GKE001:google_container_node_pool.primary_nodes"),
        "{ids:?}"
    );
    assert!(
        ids.contains("GKE002:google_container_cluster.primary"),
        "{ids:?}"
    );
}

/// The project named only by a .tfvars value: the workload pool is built from that variable.
#[test]
fn a_project_named_in_tfvars_builds_the_workload_pool() {
    let inputs = vec![
        Input::new("live/main.tf", "resource \"google_container_cluster\" \"c\" {\n  name                     = \"c\"\n  remove_default_node_pool = true\n}\n"),
        Input::new("live/terraform.tfvars", "project_id = \"acme-prod\"\n"),
    ];
    let report = holds("tfvars project", &inputs, &safe());
    assert!(report.files[0]
        .text
        .contains("workload_pool = \"${var.project_id}.svc.id.goog\""));
}
