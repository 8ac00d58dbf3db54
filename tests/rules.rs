//! Fixture tests for GKE001 and GKE002: every verdict the rules promise, for gcloud JSON and
//! Terraform, with exact locations where the place matters.

mod common;

use common::result;
use gkecheck::report::{Report, Status};
use gkecheck::rules::RULES;
use gkecheck::{check, Input, Options};

fn run(files: &[(&str, &str)]) -> Report {
    let inputs: Vec<Input> = files.iter().map(|(n, t)| Input::new(*n, *t)).collect();
    let report = check(&inputs, &Options::default());
    for input in &report.inputs {
        assert!(input.error.is_none(), "{}: {:?}", input.name, input.error);
    }
    report
}

fn gcloud(text: &str) -> Report {
    run(&[("cluster.json", text)])
}

fn tf(text: &str) -> Report {
    run(&[("main.tf", text)])
}

fn assert_status(report: &Report, rule: &str, address: &str, status: Status, message_part: &str) {
    let r = result(report, rule, address);
    assert_eq!(r.status, status, "{rule} {address}: {}", r.message);
    assert!(
        r.message.contains(message_part),
        "{rule} {address}: message {:?} does not say {message_part:?}",
        r.message
    );
}

// ---------------------------------------------------------------- gcloud / API (live state)

fn pool_with(wmc: &str) -> String {
    format!(
        r#"{{"name": "prod", "location": "europe-west1",
  "selfLink": "https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/prod",
  "workloadIdentityConfig": {{"workloadPool": "acme.svc.id.goog"}},
  "nodePools": [{{"name": "apps", "config": {{"machineType": "e2-medium"{wmc}}}}}]}}"#
    )
}

const POOL: &str = "projects/acme/locations/europe-west1/clusters/prod/nodePools/apps";

#[test]
fn gcloud_mode_decides() {
    let cases = [
        (
            r#", "workloadMetadataConfig": {"mode": "GKE_METADATA"}"#,
            Status::Pass,
            "GKE metadata server is on",
        ),
        (
            r#", "workloadMetadataConfig": {"mode": "GCE_METADATA"}"#,
            Status::Fail,
            "exposes the node's metadata server",
        ),
        (
            r#", "workloadMetadataConfig": {"mode": "MODE_UNSPECIFIED"}"#,
            Status::Fail,
            "MODE_UNSPECIFIED",
        ),
        ("", Status::Fail, "no workloadMetadataConfig"),
        (
            r#", "workloadMetadataConfig": {}"#,
            Status::Fail,
            "no workloadMetadataConfig",
        ),
        (
            r#", "workloadMetadataConfig": {"nodeMetadata": "GKE_METADATA_SERVER"}"#,
            Status::Pass,
            "GKE_METADATA_SERVER",
        ),
        (
            r#", "workloadMetadataConfig": {"nodeMetadata": "SECURE"}"#,
            Status::Fail,
            "metadata concealment",
        ),
        (
            r#", "workloadMetadataConfig": {"nodeMetadata": "EXPOSE"}"#,
            Status::Fail,
            "EXPOSE exposes",
        ),
        (
            r#", "workloadMetadataConfig": {"nodeMetadata": "UNSPECIFIED"}"#,
            Status::Fail,
            "UNSPECIFIED",
        ),
        // With both present (gcloud beta), mode decides.
        (
            r#", "workloadMetadataConfig": {"nodeMetadata": "GKE_METADATA_SERVER", "mode": "GCE_METADATA"}"#,
            Status::Fail,
            "GCE_METADATA",
        ),
        (
            r#", "workloadMetadataConfig": {"mode": "GKE_METADATA", "nodeMetadata": "SECURE"}"#,
            Status::Pass,
            "GKE_METADATA",
        ),
    ];
    for (wmc, status, says) in cases {
        let report = gcloud(&pool_with(wmc));
        assert_status(&report, "GKE001", POOL, status, says);
    }
}

#[test]
fn gcloud_location_points_at_the_mode_value_or_the_pool() {
    let text = pool_with(r#", "workloadMetadataConfig": {"mode": "GCE_METADATA"}"#);
    let report = gcloud(&text);
    let l = &result(&report, "GKE001", POOL).location;
    assert_eq!(
        (l.line, l.column, l.end_line, l.end_column),
        (4, 108, 4, 122)
    );
    let at = text
        .lines()
        .nth(3)
        .unwrap()
        .chars()
        .skip(107)
        .take(14)
        .collect::<String>();
    assert_eq!(at, "\"GCE_METADATA\"");

    let report = gcloud(&pool_with(""));
    let l = &result(&report, "GKE001", POOL).location;
    assert_eq!((l.line, l.column, l.end_line, l.end_column), (4, 18, 4, 32));
}

#[test]
fn gcloud_remediation_is_personalised() {
    let report = gcloud(&pool_with(""));
    let fix = result(&report, "GKE001", POOL)
        .remediation
        .as_ref()
        .unwrap();
    // Workload Identity is on: only the pool command.
    assert_eq!(fix.steps.len(), 1);
    assert_eq!(
        fix.steps[0].code,
        "gcloud container node-pools update apps --cluster=prod --location=europe-west1 --project=acme --workload-metadata=GKE_METADATA"
    );
    assert!(fix
        .warnings
        .iter()
        .any(|w| w.contains("PodDisruptionBudgets")));
    assert!(fix.warnings.iter().any(|w| w.contains("own identity")));
    assert!(fix
        .verify
        .iter()
        .any(|s| s.code.contains("value(config.workloadMetadataConfig.mode)")));
    assert!(fix
        .verify
        .iter()
        .any(|s| s.code.contains("169.254.169.254")));

    // Without Workload Identity and without a selfLink: cluster first, with a placeholder.
    let report = gcloud(
        r#"{"name": "prod", "location": "us-east1", "nodePools": [{"name": "apps", "config": {}}]}"#,
    );
    let r = result(
        &report,
        "GKE001",
        "locations/us-east1/clusters/prod/nodePools/apps",
    );
    let fix = r.remediation.as_ref().unwrap();
    assert_eq!(
        fix.steps[0].code,
        "gcloud container clusters update prod --location=us-east1 --project=PROJECT_ID --workload-pool=PROJECT_ID.svc.id.goog"
    );
    assert!(fix.steps[0].title.contains("replace PROJECT_ID"));
    assert!(fix.steps[1]
        .code
        .contains("--workload-metadata=GKE_METADATA"));
}

#[test]
fn gcloud_judges_node_pools_not_the_cluster_node_config_copy() {
    let report = gcloud(
        r#"{"name": "prod", "nodeConfig": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}},
 "nodePools": [{"name": "a", "config": {}}, {"name": "b", "config": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}}}]}"#,
    );
    let gke001: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.rule == "GKE001")
        .collect();
    assert_eq!(gke001.len(), 2);
    assert_status(
        &report,
        "GKE001",
        "clusters/prod/nodePools/a",
        Status::Fail,
        "no workloadMetadataConfig",
    );
    assert_status(
        &report,
        "GKE001",
        "clusters/prod/nodePools/b",
        Status::Pass,
        "",
    );
}

#[test]
fn gcloud_autopilot_passes_with_or_without_pools() {
    let report = gcloud(r#"{"name": "ap", "autopilot": {"enabled": true}}"#);
    assert_status(&report, "GKE001", "clusters/ap", Status::Pass, "Autopilot");
    assert_status(&report, "GKE002", "clusters/ap", Status::Pass, "Autopilot");
    let report = gcloud(
        r#"{"name": "ap", "autopilot": {"enabled": true}, "nodePools": [{"name": "pool-1", "config": {}}]}"#,
    );
    assert_status(
        &report,
        "GKE001",
        "clusters/ap/nodePools/pool-1",
        Status::Pass,
        "Autopilot",
    );
    // `autopilot: {}` is a Standard cluster.
    let report =
        gcloud(r#"{"name": "std", "autopilot": {}, "nodePools": [{"name": "p", "config": {}}]}"#);
    assert_status(
        &report,
        "GKE001",
        "clusters/std/nodePools/p",
        Status::Fail,
        "",
    );
}

#[test]
fn gcloud_lists_wrappers_and_single_pools() {
    let cluster = |name: &str| {
        format!(
            r#"{{"nodePools": [{{"config": {{}}, "name": "p"}}], "unknownKey": [1, {{}}], "name": "{name}"}}"#
        )
    };
    let shapes = [
        format!("[{}, {}]", cluster("c1"), cluster("c2")),
        format!(r#"{{"clusters": [{}, {}]}}"#, cluster("c1"), cluster("c2")),
    ];
    for text in shapes {
        let report = gcloud(&text);
        assert_status(
            &report,
            "GKE001",
            "clusters/c1/nodePools/p",
            Status::Fail,
            "",
        );
        assert_status(
            &report,
            "GKE001",
            "clusters/c2/nodePools/p",
            Status::Fail,
            "",
        );
        assert_status(
            &report,
            "GKE002",
            "clusters/c2",
            Status::Fail,
            "no Workload Identity",
        );
    }
    let pool = |name: &str, mode: &str| {
        format!(
            r#"{{"name": "{name}", "config": {{"workloadMetadataConfig": {{"mode": "{mode}"}}}},
   "selfLink": "https://container.googleapis.com/v1/projects/acme/zones/us-central1-a/clusters/prod/nodePools/{name}"}}"#
        )
    };
    for text in [
        pool("a", "GKE_METADATA"),
        format!(
            "[{}, {}]",
            pool("a", "GKE_METADATA"),
            pool("b", "GCE_METADATA")
        ),
        format!(
            r#"{{"nodePools": [{}, {}]}}"#,
            pool("a", "GKE_METADATA"),
            pool("b", "GCE_METADATA")
        ),
    ] {
        let report = gcloud(&text);
        let r = result(
            &report,
            "GKE001",
            "projects/acme/locations/us-central1-a/clusters/prod/nodePools/a",
        );
        assert_eq!(r.status, Status::Pass);
        assert_eq!(r.resource.cluster.as_deref(), Some("prod"));
        // A pool alone says nothing of the cluster's Workload Identity.
        assert!(report.results.iter().all(|r| r.rule != "GKE002"));
    }
    let report = gcloud(&format!("[{}]", pool("b", "GCE_METADATA")));
    let gke001 = report.results.iter().find(|r| r.rule == "GKE001").unwrap();
    let fix = gke001.remediation.as_ref().unwrap();
    assert!(
        fix.steps[0].title.contains("does not show the cluster"),
        "{}",
        fix.steps[0].title
    );
    assert!(fix.steps[1]
        .code
        .contains("--cluster=prod --location=us-central1-a --project=acme"));
}

#[test]
fn gcloud_workload_identity() {
    let with = |wi: &str| gcloud(&format!(r#"{{"name": "c", "nodePools": [], {wi}}}"#));
    assert_status(
        &with(r#""workloadIdentityConfig": {"workloadPool": "p.svc.id.goog"}"#),
        "GKE002",
        "clusters/c",
        Status::Pass,
        "p.svc.id.goog",
    );
    assert_status(
        &with(r#""workloadIdentityConfig": {"identityNamespace": "p.svc.id.goog"}"#),
        "GKE002",
        "clusters/c",
        Status::Pass,
        "",
    );
    assert_status(
        &with(r#""workloadIdentityConfig": {"workloadPool": ""}"#),
        "GKE002",
        "clusters/c",
        Status::Fail,
        "",
    );
    assert_status(
        &with(r#""workloadIdentityConfig": {}"#),
        "GKE002",
        "clusters/c",
        Status::Fail,
        "",
    );
    assert_status(
        &with(r#""endpoint": "1.2.3.4""#),
        "GKE002",
        "clusters/c",
        Status::Fail,
        "",
    );
}

// ---------------------------------------------------------------- Terraform (configuration)

const CLUSTER_WI: &str = r#"
resource "google_container_cluster" "prod" {
  name     = "prod"
  location = "europe-west1"
  project  = "acme"
  remove_default_node_pool = true
  initial_node_count       = 1
  workload_identity_config {
    workload_pool = "acme.svc.id.goog"
  }
}
"#;

const CLUSTER_NO_WI: &str = r#"
resource "google_container_cluster" "prod" {
  name     = "prod"
  location = "europe-west1"
  remove_default_node_pool = true
}
"#;

fn tf_pool(node_config: &str) -> String {
    format!(
        "resource \"google_container_node_pool\" \"apps\" {{\n  name    = \"apps\"\n  cluster = google_container_cluster.prod.id\n{node_config}}}\n"
    )
}

const APPS: &str = "google_container_node_pool.apps";

#[test]
fn terraform_explicit_modes() {
    let cases = [
        ("mode = \"GKE_METADATA\"", Status::Pass),
        ("node_metadata = \"GKE_METADATA_SERVER\"", Status::Pass),
        ("mode = \"GCE_METADATA\"", Status::Fail),
        ("mode = \"MODE_UNSPECIFIED\"", Status::Fail),
        ("node_metadata = \"SECURE\"", Status::Fail),
        ("node_metadata = \"EXPOSE\"", Status::Fail),
        ("node_metadata = \"UNSPECIFIED\"", Status::Fail),
    ];
    for cluster in [CLUSTER_WI, CLUSTER_NO_WI] {
        for (setting, status) in cases {
            let pool = tf_pool(&format!("  node_config {{\n    workload_metadata_config {{\n      {setting}\n    }}\n  }}\n"));
            let report = tf(&format!("{cluster}{pool}"));
            assert_status(&report, "GKE001", APPS, status, "");
        }
    }
}

#[test]
fn terraform_location_points_at_the_mode() {
    let pool = tf_pool("  node_config {\n    workload_metadata_config {\n      mode = \"GCE_METADATA\"\n    }\n  }\n");
    let report = tf(&pool);
    let l = &result(&report, "GKE001", APPS).location;
    assert_eq!((l.line, l.column, l.end_line, l.end_column), (6, 14, 6, 28));
    assert_eq!(&*l.input, "main.tf");
}

#[test]
fn terraform_absent_block_follows_the_cluster() {
    let pool = tf_pool("  node_config {\n    machine_type = \"e2-medium\"\n  }\n");
    let report = tf(&format!("{CLUSTER_WI}{pool}"));
    assert_status(
        &report,
        "GKE001",
        APPS,
        Status::Pass,
        "inherits GKE_METADATA",
    );
    assert!(result(&report, "GKE001", APPS).message.contains("Pin mode"));

    let report = tf(&format!("{CLUSTER_NO_WI}{pool}"));
    assert_status(
        &report,
        "GKE001",
        APPS,
        Status::Fail,
        "has no Workload Identity",
    );
    let fix = result(&report, "GKE001", APPS)
        .remediation
        .as_ref()
        .unwrap();
    assert_eq!(fix.steps.len(), 2);
    assert!(fix.steps[0].code.starts_with("workload_identity_config {"));
    assert_eq!(fix.steps[0].location.as_ref().unwrap().line, 2);
    assert_eq!(
        fix.steps[1].code,
        "workload_metadata_config {\n  mode = \"GKE_METADATA\"\n}"
    );
    assert_eq!(fix.steps[1].location.as_ref().unwrap().line, 10);

    // The cluster is not in the input.
    let report = tf(&pool);
    assert_status(
        &report,
        "GKE001",
        APPS,
        Status::Fail,
        "(`google_container_cluster.prod.id`) is not in the input",
    );

    // A template with unknown parts still sets the workload pool.
    let cluster = r#"resource "google_container_cluster" "prod" {
  remove_default_node_pool = true
  workload_identity_config {
    workload_pool = "${data.google_project.project.project_id}.svc.id.goog"
  }
}
"#;
    let report = tf(&format!("{cluster}{pool}"));
    assert_status(&report, "GKE001", APPS, Status::Pass, "inherits");
    assert_status(
        &report,
        "GKE002",
        "google_container_cluster.prod",
        Status::Pass,
        "template",
    );

    // Provider v3: identity_namespace.
    let cluster = "resource \"google_container_cluster\" \"prod\" {\n  remove_default_node_pool = true\n  workload_identity_config {\n    identity_namespace = \"acme.svc.id.goog\"\n  }\n}\n";
    let report = tf(&format!("{cluster}{pool}"));
    assert_status(&report, "GKE001", APPS, Status::Pass, "inherits");
    assert_status(
        &report,
        "GKE002",
        "google_container_cluster.prod",
        Status::Pass,
        "acme.svc.id.goog",
    );
}

#[test]
fn terraform_empty_block_attribute_is_absent() {
    let pool = tf_pool("  node_config {\n    workload_metadata_config = []\n  }\n");
    assert_status(
        &tf(&format!("{CLUSTER_NO_WI}{pool}")),
        "GKE001",
        APPS,
        Status::Fail,
        "No workload_metadata_config",
    );
    assert_status(
        &tf(&format!("{CLUSTER_WI}{pool}")),
        "GKE001",
        APPS,
        Status::Pass,
        "inherits",
    );
    let pool = tf_pool(
        "  node_config {\n    workload_metadata_config = [{ mode = \"GKE_METADATA\" }]\n  }\n",
    );
    assert_status(
        &tf(&format!("{CLUSTER_NO_WI}{pool}")),
        "GKE001",
        APPS,
        Status::Pass,
        "",
    );
}

#[test]
fn terraform_unknown_values_are_named_never_guessed() {
    let cases = [
        (
            "variable \"mode\" {}\n",
            "var.mode",
            "var.mode (a variable without a default)",
        ),
        (
            "",
            "data.external.cfg.result.mode",
            "data.external.cfg.result.mode",
        ),
        (
            "",
            "google_compute_instance.x.name",
            "google_compute_instance.x.name",
        ),
        (
            "",
            "upper(base64decode(\"R0tFX01FVEFEQVRB\"))",
            "base64decode",
        ),
        ("variable \"m\" {}\n", "\"${var.m}\"", "var.m"),
    ];
    for (decl, expr, named) in cases {
        let pool = tf_pool(&format!("  node_config {{\n    workload_metadata_config {{\n      mode = {expr}\n    }}\n  }}\n"));
        let report = tf(&format!("{decl}{CLUSTER_NO_WI}{pool}"));
        assert_status(&report, "GKE001", APPS, Status::Unknown, named);
        assert!(result(&report, "GKE001", APPS).remediation.is_some());
    }
    let cluster = "variable \"pool\" {}\nresource \"google_container_cluster\" \"prod\" {\n  workload_identity_config {\n    workload_pool = var.pool\n  }\n}\n";
    let report = tf(cluster);
    assert_status(
        &report,
        "GKE002",
        "google_container_cluster.prod",
        Status::Unknown,
        "var.pool",
    );
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.prod",
        Status::Unknown,
        "var.pool",
    );
}

#[test]
fn terraform_evaluates_variables_locals_templates_conditionals_and_lookups() {
    let decls = r#"
variable "hardened" {
  default = true
}
variable "modes" {
  type = map(string)
  default = {
    apps  = "GKE_METADATA"
    batch = "GCE_METADATA"
  }
}
locals {
  cfg    = { mode = "GKE_METADATA", suffix = "METADATA" }
  prefix = "GKE"
}
"#;
    let cases = [
        (
            "var.hardened ? \"GKE_METADATA\" : \"GCE_METADATA\"",
            Status::Pass,
        ),
        (
            "!var.hardened ? \"GKE_METADATA\" : \"GCE_METADATA\"",
            Status::Fail,
        ),
        ("var.modes[\"apps\"]", Status::Pass),
        ("var.modes.batch", Status::Fail),
        (
            "lookup(var.modes, \"apps\", \"GCE_METADATA\")",
            Status::Pass,
        ),
        (
            "lookup(var.modes, \"other\", \"GCE_METADATA\")",
            Status::Fail,
        ),
        ("local.cfg.mode", Status::Pass),
        ("\"${local.prefix}_${local.cfg.suffix}\"", Status::Pass),
        ("format(\"%s_METADATA\", local.prefix)", Status::Pass),
        ("try(var.modes.missing, \"GCE_METADATA\")", Status::Fail),
        ("coalesce(\"\", var.modes.apps)", Status::Pass),
        (
            "var.hardened && length(var.modes) == 2 ? upper(\"gke_metadata\") : \"GCE_METADATA\"",
            Status::Pass,
        ),
    ];
    for (expr, status) in cases {
        let pool = tf_pool(&format!("  node_config {{\n    workload_metadata_config {{\n      mode = {expr}\n    }}\n  }}\n"));
        let report = tf(&format!("{decls}{CLUSTER_NO_WI}{pool}"));
        assert_status(&report, "GKE001", APPS, status, "");
    }
}

#[test]
fn terraform_autopilot_removed_default_and_inline_pools() {
    let report =
        tf("resource \"google_container_cluster\" \"ap\" {\n  enable_autopilot = true\n}\n");
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.ap",
        Status::Pass,
        "Autopilot",
    );
    assert_status(
        &report,
        "GKE002",
        "google_container_cluster.ap",
        Status::Pass,
        "Autopilot",
    );

    // The default pool is deleted: no verdict for it.
    let report = tf(CLUSTER_NO_WI);
    assert!(
        report.results.iter().all(|r| r.rule != "GKE001"),
        "{:?}",
        report.results
    );

    // The default pool is built from the cluster's node_config.
    let report = tf("resource \"google_container_cluster\" \"c\" {\n  node_config {\n    workload_metadata_config {\n      mode = \"GKE_METADATA\"\n    }\n  }\n}\n");
    let r = result(&report, "GKE001", "google_container_cluster.c");
    assert_eq!(
        (r.status, &*r.resource.name, r.resource.kind),
        (Status::Pass, "default-pool", "node-pool")
    );

    // Inline pools are judged one by one, and no default pool is made.
    let report = tf(r#"resource "google_container_cluster" "c" {
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
  node_pool {
    name = "a"
  }
  node_pool {
    name = "b"
    node_config {
      workload_metadata_config {
        mode = "GKE_METADATA"
      }
    }
  }
}
"#);
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.c.node_pool[0]",
        Status::Fail,
        "",
    );
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.c.node_pool[1]",
        Status::Pass,
        "",
    );
    assert_eq!(
        report.results.iter().filter(|r| r.rule == "GKE001").count(),
        2
    );
    assert_eq!(
        result(&report, "GKE001", "google_container_cluster.c.node_pool[0]")
            .resource
            .name
            .as_ref(),
        "a"
    );

    // An inline pool named "default-pool" is deleted by remove_default_node_pool, as the
    // provider deletes the pool of that name once the cluster is made.
    let inline_default = |remove: &str| {
        format!("variable \"rm\" {{}}\nresource \"google_container_cluster\" \"c\" {{\n  remove_default_node_pool = {remove}\n  node_pool {{\n    name = \"default-pool\"\n  }}\n  node_pool {{\n    name = \"apps\"\n  }}\n}}\n")
    };
    let report = tf(&inline_default("true"));
    assert!(report
        .results
        .iter()
        .all(|r| &*r.resource.address != "google_container_cluster.c.node_pool[0]"));
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.c.node_pool[1]",
        Status::Fail,
        "",
    );
    let report = tf(&inline_default("var.rm"));
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.c.node_pool[0]",
        Status::Unknown,
        "var.rm",
    );
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.c.node_pool[1]",
        Status::Fail,
        "",
    );
    assert_status(
        &tf(&inline_default("false")),
        "GKE001",
        "google_container_cluster.c.node_pool[0]",
        Status::Fail,
        "",
    );

    // remove_default_node_pool from a variable without a default: the pool may not exist.
    let report = tf("variable \"rm\" {}\nresource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = var.rm\n}\n");
    assert_status(
        &report,
        "GKE001",
        "google_container_cluster.c",
        Status::Unknown,
        "var.rm",
    );
}

#[test]
fn terraform_dynamic_blocks_count_and_for_each() {
    let report = tf(r#"
variable "pools" {
  default = {
    a = "GKE_METADATA"
    b = "GCE_METADATA"
  }
}
resource "google_container_cluster" "c" {
  remove_default_node_pool = true
}
resource "google_container_node_pool" "p" {
  for_each = var.pools
  name     = each.key
  cluster  = google_container_cluster.c.name
  node_config {
    dynamic "workload_metadata_config" {
      for_each = [each.value]
      content {
        mode = workload_metadata_config.value
      }
    }
  }
}
resource "google_container_node_pool" "n" {
  count   = 2
  name    = "n-${count.index}"
  cluster = google_container_cluster.c.name
  node_config {
    dynamic "workload_metadata_config" {
      for_each = count.index == 0 ? ["x"] : []
      iterator = w
      content {
        mode = "GKE_METADATA"
      }
    }
  }
}
variable "unknown_list" {}
resource "google_container_node_pool" "u" {
  cluster = google_container_cluster.c.name
  node_config {
    dynamic "workload_metadata_config" {
      for_each = var.unknown_list
      content {
        mode = "GCE_METADATA"
      }
    }
  }
}
"#);
    assert_status(
        &report,
        "GKE001",
        "google_container_node_pool.p[\"a\"]",
        Status::Pass,
        "",
    );
    assert_status(
        &report,
        "GKE001",
        "google_container_node_pool.p[\"b\"]",
        Status::Fail,
        "",
    );
    assert_status(
        &report,
        "GKE001",
        "google_container_node_pool.n[0]",
        Status::Pass,
        "",
    );
    assert_status(
        &report,
        "GKE001",
        "google_container_node_pool.n[1]",
        Status::Fail,
        "no Workload Identity",
    );
    assert_eq!(
        result(&report, "GKE001", "google_container_node_pool.n[1]")
            .resource
            .name
            .as_ref(),
        "n-1"
    );
    assert_status(
        &report,
        "GKE001",
        "google_container_node_pool.u",
        Status::Unknown,
        "var.unknown_list",
    );
}

#[test]
fn terraform_files_of_one_directory_form_one_module() {
    let pool = tf_pool("");
    let report = run(&[("infra/cluster.tf", CLUSTER_WI), ("infra/pools.tf", &pool)]);
    let r = result(&report, "GKE001", APPS);
    assert_eq!(r.status, Status::Pass);
    assert_eq!(r.resource.cluster.as_deref(), Some("prod"));
    assert_eq!(&*r.location.input, "infra/pools.tf");
    // Another directory is another module: the cluster is not there.
    let report = run(&[("a/cluster.tf", CLUSTER_WI), ("b/pools.tf", &pool)]);
    assert_status(&report, "GKE001", APPS, Status::Fail, "not in the input");
    // A variable declared in one file is used in another.
    let report = run(&[
        ("m/vars.tf", "variable \"mode\" {\n  default = \"GKE_METADATA\"\n}\n"),
        ("m/pool.tf", &tf_pool("  node_config {\n    workload_metadata_config {\n      mode = var.mode\n    }\n  }\n")),
    ]);
    assert_status(&report, "GKE001", APPS, Status::Pass, "");
}

#[test]
fn terraform_joins_pools_by_cluster_name_or_id() {
    for reference in [
        "\"prod\"",
        "\"projects/acme/locations/europe-west1/clusters/prod\"",
        "google_container_cluster.prod.name",
        "google_container_cluster.prod.self_link",
    ] {
        let pool = format!(
            "resource \"google_container_node_pool\" \"apps\" {{\n  cluster = {reference}\n}}\n"
        );
        let report = tf(&format!("{CLUSTER_WI}{pool}"));
        assert_status(&report, "GKE001", APPS, Status::Pass, "inherits");
    }
}

#[test]
fn terraform_names_and_addresses() {
    let report = tf(&format!("{CLUSTER_WI}{}", tf_pool("")));
    let r = result(&report, "GKE001", APPS);
    assert_eq!(&*r.resource.name, "apps");
    assert_eq!(r.resource.kind, "node-pool");
    let r = result(&report, "GKE002", "google_container_cluster.prod");
    assert_eq!((&*r.resource.name, r.resource.kind), ("prod", "cluster"));
    // The label when the name is not known.
    let report = tf("resource \"google_container_cluster\" \"primary\" {\n  name = var.n\n}\n");
    assert_eq!(
        result(&report, "GKE002", "google_container_cluster.primary")
            .resource
            .name
            .as_ref(),
        "primary"
    );
}

// ---------------------------------------------------------------- the rules' own examples

#[test]
fn rule_doc_examples_hold() {
    for rule in RULES {
        assert!(!rule.examples.is_empty(), "{} has no examples", rule.id);
        for example in rule.examples {
            let name = if example.format == "terraform" {
                "example.tf"
            } else {
                "example.json"
            };
            let report = run(&[(name, example.input)]);
            let statuses: Vec<Status> = report
                .results
                .iter()
                .filter(|r| r.rule == rule.id)
                .map(|r| r.status)
                .collect();
            assert_eq!(
                statuses, example.expect,
                "{} example {:?}",
                rule.id, example.title
            );
        }
    }
}
