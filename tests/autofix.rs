//! `gkecheck fix`: fixes leave everything else byte for byte, are idempotent, and the fixed
//! text passes the rule they fix. Proven over the fixtures, the corpus's Terraform files, and
//! cases that cannot be fixed safely.

use std::path::Path;

use gkecheck::autofix::{FixOptions, FixReport};
use gkecheck::report::Status;
use gkecheck::{check, Input, Options};

/// The identity rules, which most cases here are about; the corpus round trip runs every rule.
const IDENTITY: &[&str] = &["GKE001", "GKE002", "GKE003"];

fn options(select: &[&str]) -> Options {
    Options {
        select: select.iter().map(|s| s.to_string()).collect(),
        ..Options::default()
    }
}

fn fix(inputs: &[Input]) -> FixReport {
    fix_with(inputs, IDENTITY)
}

/// Safe and unsafe fixes (most cases here are about unsafe ones); `defaults.rs`-style
/// tests of what runs by default are in `tests/fix_safety.rs`.
fn fix_with(inputs: &[Input], select: &[&str]) -> FixReport {
    gkecheck::autofix::fix_with(
        inputs,
        &options(select),
        &FixOptions {
            unsafe_fixes: true,
            only: None,
        },
    )
}

fn round_trip(inputs: &[Input]) -> FixReport {
    round_trip_with(inputs, IDENTITY)
}

fn inputs_with(report: &FixReport, inputs: &[Input]) -> Vec<Input> {
    inputs
        .iter()
        .map(|i| match report.files.iter().find(|f| f.name == i.name) {
            Some(f) => Input::new(i.name.clone(), f.text.clone()),
            None => i.clone(),
        })
        .collect()
}

/// Fixes, then checks: every applied fix's rule passes for its resource, a second fix changes
/// nothing, and the text outside the edits is unchanged.
fn round_trip_with(inputs: &[Input], select: &[&str]) -> FixReport {
    let report = fix_with(inputs, select);
    let fixed = inputs_with(&report, inputs);
    // Every rule: a fix that another needs is made whatever `select` says.
    let after = check(&fixed, &Options::default());
    for a in &report.applied {
        let results: Vec<_> = after
            .results
            .iter()
            .filter(|r| r.rule == a.rule && (*r.resource.address == a.address))
            .collect();
        assert!(
            !results.is_empty(),
            "no {} result for {} after the fix",
            a.rule,
            a.address
        );
        for r in results {
            assert_eq!(
                r.status,
                Status::Pass,
                "{} {} after fixing: {}\n{}",
                a.rule,
                a.address,
                r.message,
                report
                    .files
                    .iter()
                    .map(|f| f.diff.as_str())
                    .collect::<String>()
            );
        }
        assert!(!a.consequence.is_empty());
    }
    let again = fix_with(&fixed, select);
    assert!(
        again.files.is_empty(),
        "fixing twice changed: {:?}",
        again.files.iter().map(|f| &f.diff).collect::<Vec<_>>()
    );
    for f in &report.files {
        let before = &inputs.iter().find(|i| i.name == f.name).unwrap().text;
        // Every line of the old text is still there, in order: fixes only add or replace.
        let removed = f
            .diff
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .count();
        let added = f
            .diff
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count();
        assert!(added >= removed, "{}: {}", f.name, f.diff);
        assert!(before.lines().count() + added - removed == f.text.lines().count());
    }
    report
}

fn tf(text: &str) -> Vec<Input> {
    vec![Input::new("main.tf", text)]
}

#[test]
fn adds_and_changes_blocks_in_place() {
    let text = r#"# Shop cluster.
resource "google_container_cluster" "shop" {
  name    = "shop"
  project = "acme"   # the production project

  node_config {
    machine_type = "e2-medium"
  }
}

resource "google_container_node_pool" "a" {
  cluster = google_container_cluster.shop.id
}

resource "google_container_node_pool" "b" {
  cluster = google_container_cluster.shop.id
  node_config {
    workload_metadata_config {
      mode = "GCE_METADATA"
    }
  }
}

resource "google_container_node_pool" "c" {
  cluster = google_container_cluster.shop.id
  node_config {
    workload_metadata_config = []
  }
}
"#;
    let report = round_trip(&tf(text));
    assert_eq!(report.applied.len(), 5, "{:#?}", report.applied);
    // Only GKE005 (no automatic fix) is left, for each pool.
    assert!(
        report
            .skipped
            .iter()
            .all(|s| s.rule == "GKE005" && s.reason.starts_with("no automatic fix")),
        "{:#?}",
        report.skipped
    );
    let fixed = &report.files[0].text;
    assert_eq!(
        fixed,
        r#"# Shop cluster.
resource "google_container_cluster" "shop" {
  name    = "shop"
  project = "acme"   # the production project

  node_config {
    machine_type = "e2-medium"
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
  workload_identity_config {
    workload_pool = "acme.svc.id.goog"
  }
}

resource "google_container_node_pool" "a" {
  cluster = google_container_cluster.shop.id
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

resource "google_container_node_pool" "b" {
  cluster = google_container_cluster.shop.id
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

resource "google_container_node_pool" "c" {
  cluster = google_container_cluster.shop.id
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}
"#
    );
    assert!(report.files[0]
        .diff
        .starts_with("--- a/main.tf\n+++ b/main.tf\n@@ "));
    let modes: Vec<_> = report
        .applied
        .iter()
        .filter(|a| a.rule == "GKE001")
        .collect();
    assert!(modes
        .iter()
        .all(|a| a.consequence.contains("recreates its nodes")));
}

#[test]
fn values_from_variables_and_provider_versions() {
    // The mode comes from a variable with a default: the default is fixed.
    let text = "variable \"mode\" {\n  default = \"GCE_METADATA\"\n}\nresource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n  remove_default_node_pool = true\n  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = google_container_cluster.c.name\n  node_config {\n    workload_metadata_config {\n      mode = var.mode\n    }\n  }\n}\n";
    let report = round_trip(&tf(text));
    assert!(report.files[0].text.contains("default = \"GKE_METADATA\""));
    assert_eq!(report.applied[0].line, 2);

    // Without a default, it cannot be fixed here, and the report says where to.
    let text = text.replace("  default = \"GCE_METADATA\"\n", "");
    let report = fix(&tf(&text));
    assert!(report.files.is_empty());
    let skipped = report.skipped.iter().find(|s| s.rule == "GKE001").unwrap();
    assert!(
        skipped
            .reason
            .contains("no file in the input gives a value"),
        "{}",
        skipped.reason
    );

    // Provider 3 attributes: kept for provider 3, converted where the module pins 4 or later.
    let v3 = "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  workload_identity_config {\n    identity_namespace = \"\"\n  }\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = google_container_cluster.c.name\n  node_config {\n    workload_metadata_config {\n      node_metadata = \"SECURE\"\n    }\n  }\n}\nvariable \"project_id\" {}\n";
    let report = round_trip(&tf(v3));
    assert!(report.files[0]
        .text
        .contains("node_metadata = \"GKE_METADATA_SERVER\""));
    let pinned = format!("terraform {{\n  required_providers {{\n    google = {{\n      source  = \"hashicorp/google\"\n      version = \">= 4.0\"\n    }}\n  }}\n}}\n{}", v3.replace("identity_namespace = \"\"", "identity_namespace = \"acme.svc.id.goog\""));
    let report = round_trip(&tf(&pinned));
    let fixed = &report.files[0].text;
    assert!(fixed.contains("      mode = \"GKE_METADATA\"\n"), "{fixed}");
    assert!(!fixed.contains("node_metadata"));
}

#[test]
fn what_cannot_be_fixed_safely_is_said() {
    let dynamic = "resource \"google_container_node_pool\" \"p\" {\n  cluster = \"x\"\n  node_config {\n    dynamic \"workload_metadata_config\" {\n      for_each = [\"GCE_METADATA\"]\n      content {\n        mode = workload_metadata_config.value\n      }\n    }\n  }\n}\n";
    let report = fix(&tf(dynamic));
    assert!(report.files.is_empty());
    assert!(report
        .skipped
        .iter()
        .find(|s| s.rule == "GKE001")
        .unwrap()
        .reason
        .contains("dynamic block"));

    // No project anywhere: the workload pool is not invented.
    let report = fix(&tf("resource \"google_container_cluster\" \"c\" {\n  enable_autopilot = false\n  remove_default_node_pool = true\n}\n"));
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.rule == "GKE002" && s.reason.contains("names no project")),
        "{:#?}",
        report.skipped
    );

    // A project from a data source or a variable is used as it is written.
    let report = round_trip(&tf("data \"google_project\" \"this\" {}\nresource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n"));
    assert!(report.files[0]
        .text
        .contains("workload_pool = \"${data.google_project.this.project_id}.svc.id.goog\""));
    let report = round_trip(&tf("resource \"google_container_cluster\" \"c\" {\n  project = var.project\n  remove_default_node_pool = true\n}\nvariable \"project\" {}\n"));
    assert!(report.files[0]
        .text
        .contains("workload_pool = \"${var.project}.svc.id.goog\""));

    // A waived pool is an accepted risk: not changed.
    let waived = "# gkecheck:ignore GKE001 legacy jobs\nresource \"google_container_node_pool\" \"p\" {\n  cluster = \"x\"\n}\n";
    assert!(fix(&tf(waived)).files.is_empty());

    // gcloud output is not edited: its fix is the report's commands.
    let report = fix(&[Input::new(
        "c.json",
        "{\"name\": \"c\", \"nodePools\": [{\"name\": \"p\", \"config\": {}}]}",
    )]);
    assert!(report.files.is_empty());
    assert!(report
        .skipped
        .iter()
        .filter(|s| s.rule != "GKE005")
        .all(|s| s.reason.contains("not Terraform configuration")));
}

#[test]
fn fixtures_and_corpus_terraform_round_trip() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sets: Vec<Vec<Input>> = Vec::new();
    let repo = root.join("tests/fixtures/terraform/repo");
    sets.push(
        [
            "main.tf",
            "variables.tf",
            "terraform.tfvars",
            "modules/gke/main.tf",
            "prod.tfvars",
        ]
        .iter()
        .map(|f| {
            Input::new(
                format!("repo/{f}"),
                std::fs::read_to_string(repo.join(f)).unwrap(),
            )
        })
        .collect(),
    );
    sets.push(vec![Input::new(
        "examples/terraform-cluster.tf",
        std::fs::read_to_string(root.join("www/examples/terraform-cluster.tf")).unwrap(),
    )]);
    let corpus = root.join("../shared/corpus");
    for dir in ["terraform", "peers/checkov-CKV_GCP_69"] {
        let Ok(entries) = std::fs::read_dir(corpus.join(dir)) else {
            eprintln!("SKIPPED the corpus part: {} is not here", corpus.display());
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            sets.push(vec![Input::new(
                path.file_name().unwrap().to_string_lossy(),
                std::fs::read_to_string(&path).unwrap(),
            )]);
        }
    }
    let mut applied = 0;
    let mut rules = std::collections::BTreeSet::new();
    for inputs in &sets {
        let report = round_trip_with(inputs, &[]);
        applied += report.applied.len();
        rules.extend(report.applied.iter().map(|a| a.rule));
    }
    eprintln!(
        "autofix: {applied} fixes of {rules:?} over {} inputs, each idempotent and passing",
        sets.len()
    );
    assert!(applied > 10);
    for rule in ["GKE001", "GKE002", "GKE003", "GKE017", "GKE024"] {
        assert!(
            rules.contains(rule),
            "no {rule} fix over the fixtures and corpus: {rules:?}"
        );
    }
}

/// The single-attribute fixes of the rule pack: set where written, added with the blocks on
/// their way where not, a map entry changed in place, and two fixes that both need a new
/// `node_config` made one after the other.
#[test]
fn single_attribute_fixes() {
    let text = r#"resource "google_container_cluster" "c" {
  name                     = "c"
  project                  = "acme"
  remove_default_node_pool = true
  enable_shielded_nodes    = false # was off for a test
  enable_kubernetes_alpha  = true
  logging_config {
    enable_components = []
  }
}

resource "google_container_node_pool" "apps" {
  cluster = google_container_cluster.c.name
  management {
    auto_repair = false
  }
  node_config {
    image_type = "UBUNTU_CONTAINERD"
    metadata = {
      team                     = "shop"
      disable-legacy-endpoints = "false"
    }
  }
}

resource "google_container_node_pool" "bare" {
  cluster = google_container_cluster.c.name
}
"#;
    let rules = &[
        "GKE001", "GKE003", "GKE004", "GKE016", "GKE017", "GKE019", "GKE021", "GKE025", "GKE029",
    ];
    let report = round_trip_with(&tf(text), rules);
    let fixed = &report.files[0].text;
    assert!(
        fixed.contains("  enable_shielded_nodes    = true # was off for a test\n"),
        "{fixed}"
    );
    // Recreating the cluster is never done: the alpha fix is shown, not applied.
    assert!(
        fixed.contains("  enable_kubernetes_alpha  = true\n"),
        "{fixed}"
    );
    assert!(fixed.contains("    auto_repair = true\n"), "{fixed}");
    assert!(
        fixed.contains("    image_type = \"COS_CONTAINERD\"\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains("      disable-legacy-endpoints = \"true\"\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains("      team                     = \"shop\"\n"),
        "{fixed}"
    );
    // Secure boot: the block added inside the existing node_config.
    assert!(
        fixed.contains("    shielded_instance_config {\n      enable_secure_boot = true\n    }\n"),
        "{fixed}"
    );
    // The bare pool gets one node_config holding both the pinned mode (GKE003) and secure
    // boot (GKE017), not two node_config blocks. The mode needs Workload Identity on the
    // cluster: GKE002's fix is made with it.
    let bare = &fixed[fixed.find("\"bare\"").unwrap()..];
    assert_eq!(bare.matches("node_config {").count(), 1, "{bare}");
    assert!(
        bare.contains("enable_secure_boot = true") && bare.contains("mode = \"GKE_METADATA\""),
        "{bare}"
    );
    assert!(
        fixed.contains("workload_pool = \"acme.svc.id.goog\""),
        "{fixed}"
    );
    // Both fixes of the bare pool point at the same place in the original text, though the
    // second was made in a later round, after the first had added lines.
    let lines: Vec<usize> = report
        .applied
        .iter()
        .filter(|a| a.address == "google_container_node_pool.bare")
        .map(|a| a.line)
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], lines[1]);
    assert_eq!(
        lines[0],
        text.lines().count(),
        "the closing brace of the bare pool: {lines:?}"
    );
    // The alpha fix says it replaces the cluster, and is left out.
    let alpha = report.left_out.iter().find(|a| a.rule == "GKE029").unwrap();
    assert!(
        alpha
            .consequence
            .contains("destroys and recreates the cluster"),
        "{}",
        alpha.consequence
    );
    assert_eq!(
        alpha.what,
        "set enable_kubernetes_alpha = false in google_container_cluster.c"
    );
    assert!(report.applied.iter().all(|a| a.rule != "GKE029"));
    // Logging off through an empty component list: not a single attribute to flip.
    let logging = report.skipped.iter().find(|s| s.rule == "GKE025").unwrap();
    assert!(logging.reason.contains("fix by hand"), "{}", logging.reason);

    // Rules whose fix needs a value only a person has say what to do.
    let report = fix_with(&tf(text), &["GKE014", "GKE027", "GKE031"]);
    assert!(report.files.is_empty());
    assert_eq!(report.skipped.len(), 3);
    for s in &report.skipped {
        assert!(s.reason.starts_with("no automatic fix: "), "{}", s.reason);
    }
}

/// A `for_each` pool's instances share one block: its fix says so, and fixes them all.
#[test]
fn instances_share_their_block() {
    let text = "resource \"google_container_node_pool\" \"pools\" {\n  for_each = toset([\"a\", \"b\"])\n  name     = each.key\n  cluster  = \"c\"\n  management {\n    auto_repair = false\n  }\n}\n";
    let report = round_trip_with(&tf(text), &["GKE019"]);
    assert_eq!(report.applied.len(), 1, "{:#?}", report.applied);
    assert!(
        report.applied[0]
            .what
            .ends_with("(the resource block every instance shares)"),
        "{}",
        report.applied[0].what
    );
    let after = gkecheck::check(
        &inputs_with(&report, &tf(text)),
        &Options {
            select: vec!["GKE019".into()],
            ..Options::default()
        },
    );
    assert_eq!(after.results.len(), 2);
    assert!(after.results.iter().all(|r| r.status == Status::Pass));
}

/// Every rule with an automatic fix, on a failing Terraform case: the fix is made, checking
/// the fixed text passes the rule, and fixing again changes nothing (`round_trip_with`).
#[test]
fn every_fixable_rule_round_trips() {
    let pool = |body: &str| {
        format!("resource \"google_container_node_pool\" \"p\" {{\n  cluster = \"c\"\n{body}}}\n")
    };
    let cluster = |body: &str| {
        format!("resource \"google_container_cluster\" \"c\" {{\n  remove_default_node_pool = true\n{body}}}\n")
    };
    let cases: Vec<(&str, String)> = vec![
        ("GKE001", format!("{}{}", cluster("  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n"), pool("  node_config {\n    workload_metadata_config {\n      mode = \"GCE_METADATA\"\n    }\n  }\n").replace("\"c\"", "google_container_cluster.c.name"))),
        ("GKE002", cluster("  project = \"acme\"\n")),
        ("GKE003", format!("{}{}", cluster("  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n"), "resource \"google_container_node_pool\" \"p\" {\n  cluster = google_container_cluster.c.name\n}\n")),
        ("GKE004", pool("  node_config {\n    metadata = {\n      disable-legacy-endpoints = \"false\"\n    }\n  }\n")),
        ("GKE008", cluster("  enable_legacy_abac = true\n")),
        ("GKE010", cluster("  master_auth {\n    client_certificate_config {\n      issue_client_certificate = true\n    }\n  }\n")),
        ("GKE016", cluster("  enable_shielded_nodes = false\n")),
        ("GKE017", pool("")),
        ("GKE018", pool("  node_config {\n    shielded_instance_config {\n      enable_integrity_monitoring = false\n    }\n  }\n")),
        ("GKE019", pool("  management {\n    auto_repair = false\n  }\n")),
        ("GKE020", pool("  management {\n    auto_upgrade = false\n  }\n")),
        ("GKE021", pool("  node_config {\n    image_type = \"UBUNTU_CONTAINERD\"\n  }\n")),
        ("GKE022", cluster("  min_master_version = \"1.30\"\n  release_channel {\n    channel = \"UNSPECIFIED\"\n  }\n")),
        ("GKE024", cluster("")),
        ("GKE025", cluster("  logging_service = \"none\"\n")),
        ("GKE026", cluster("  monitoring_service = \"none\"\n")),
        ("GKE028", cluster("  addons_config {\n    kubernetes_dashboard {\n      disabled = false\n    }\n  }\n")),
        ("GKE029", cluster("  enable_kubernetes_alpha = true\n")),
    ];
    for (rule, text) in &cases {
        let report = round_trip_with(&tf(text), &[rule]);
        let applicability = gkecheck::rules::find(rule).unwrap().fix_applicability;
        if applicability == gkecheck::report::Applicability::DisplayOnly {
            // Shown with what it would write, never applied.
            assert!(report.files.is_empty(), "{rule}");
            assert!(
                report
                    .left_out
                    .iter()
                    .any(|l| l.rule == *rule && l.what.starts_with("set ")),
                "{rule}: {:#?}",
                report.left_out
            );
            continue;
        }
        assert!(
            report.applied.iter().any(|a| a.rule == *rule),
            "{rule}: no fix made: {:#?}\n{text}",
            report.skipped
        );
        assert_eq!(
            report
                .applied
                .iter()
                .find(|a| a.rule == *rule)
                .unwrap()
                .applicability,
            applicability
        );
    }
    // The list above holds every rule the README says `fix` fixes.
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for (rule, _) in &cases {
        assert!(readme.contains(rule), "{rule}");
    }
}

/// A setting that comes from a variable: the variable's default is fixed, or the report says
/// where to fix it.
#[test]
fn settings_from_variables() {
    let text = "variable \"shielded\" {\n  default = false\n}\nresource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  enable_shielded_nodes    = var.shielded\n}\n";
    let report = round_trip_with(&tf(text), &["GKE016"]);
    assert!(
        report.files[0].text.contains("  default = true\n"),
        "{}",
        report.files[0].text
    );
    let without = text.replace("  default = false\n", "");
    let report = fix_with(&tf(&without), &["GKE016"]);
    assert!(report.files.is_empty());
    // Without a default the value is unknown: nothing fails, so nothing is fixed or listed.
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);
    // An expression that is not a plain variable: said, not rewritten.
    let odd = text
        .replace("var.shielded", "!var.shielded")
        .replace("default = false", "default = true");
    let report = fix_with(&tf(&odd), &["GKE016"]);
    assert!(report.files.is_empty());
    assert!(
        report.skipped[0]
            .reason
            .contains("the value is the expression `!var.shielded`"),
        "{:#?}",
        report.skipped
    );
}
