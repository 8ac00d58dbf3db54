//! GKE005 node-default-service-account: gcloud JSON and YAML, Terraform and plans; set, absent
//! (the default), dedicated, unknown, and auto-provisioned (NAP, Autopilot) nodes.

mod common;

use common::result;
use gkecheck::report::{Report, Status};
use gkecheck::{check, Input, Options};

fn run(name: &str, text: &str) -> Report {
    let report = check(&[Input::new(name, text)], &Options::default());
    assert!(
        report.inputs[0].error.is_none(),
        "{:?}",
        report.inputs[0].error
    );
    report
}

fn place(report: &Report, address: &str) -> (Status, usize, usize) {
    let r = result(report, "GKE005", address);
    (r.status, r.location.line, r.location.column)
}

#[test]
fn gcloud_json_and_yaml() {
    let json = r#"{"name": "prod", "nodePools": [
  {"name": "a", "config": {"serviceAccount": "default"}},
  {"name": "b", "config": {"serviceAccount": "123456789012-compute@developer.gserviceaccount.com"}},
  {"name": "c", "config": {"serviceAccount": "gke-nodes@acme.iam.gserviceaccount.com"}},
  {"name": "d", "config": {}}
]}"#;
    let report = run("c.json", json);
    assert_eq!(
        place(&report, "clusters/prod/nodePools/a"),
        (Status::Fail, 2, 46)
    );
    assert_eq!(
        place(&report, "clusters/prod/nodePools/b"),
        (Status::Fail, 3, 46)
    );
    assert_eq!(
        place(&report, "clusters/prod/nodePools/c"),
        (Status::Pass, 4, 46)
    );
    assert_eq!(
        place(&report, "clusters/prod/nodePools/d"),
        (Status::Fail, 5, 4)
    );
    let fix = result(&report, "GKE005", "clusters/prod/nodePools/a")
        .remediation
        .as_ref()
        .unwrap();
    assert!(fix.steps[0]
        .code
        .contains("--role=roles/container.defaultNodeServiceAccount"));
    assert!(fix.steps[1]
        .code
        .starts_with("gcloud container node-pools create a-v2 --cluster=prod"));
    assert!(fix.warnings[0].contains("cannot be changed in place"));

    let yaml = "name: prod\nnodePools:\n- name: a\n  config:\n    serviceAccount: default\n- name: c\n  config:\n    serviceAccount: gke-nodes@acme.iam.gserviceaccount.com\n";
    let report = run("c.yaml", yaml);
    assert_eq!(
        place(&report, "clusters/prod/nodePools/a"),
        (Status::Fail, 5, 21)
    );
    assert_eq!(
        place(&report, "clusters/prod/nodePools/c"),
        (Status::Pass, 8, 21)
    );
}

#[test]
fn auto_provisioned_nodes() {
    // Autopilot without auto-provisioning defaults: nodes run as the default account.
    let report = run(
        "c.json",
        r#"{"name": "ap", "autopilot": {"enabled": true}}"#,
    );
    assert_eq!(place(&report, "clusters/ap"), (Status::Fail, 1, 2));
    let report = run(
        "c.json",
        r#"{"name": "ap", "autopilot": {"enabled": true}, "autoscaling": {"autoprovisioningNodePoolDefaults": {"serviceAccount": "gke-nodes@acme.iam.gserviceaccount.com"}}}"#,
    );
    assert_eq!(
        result(&report, "GKE005", "clusters/ap").status,
        Status::Pass
    );
    // Node auto-provisioning on a Standard cluster; off, no cluster-level result.
    let nap = r#"{"name": "std", "autoscaling": {"enableNodeAutoprovisioning": true, "autoprovisioningNodePoolDefaults": {"serviceAccount": "default"}}, "nodePools": []}"#;
    assert_eq!(
        result(&run("c.json", nap), "GKE005", "clusters/std").status,
        Status::Fail
    );
    let off = run(
        "c.json",
        r#"{"name": "std", "autoscaling": {"enableNodeAutoprovisioning": false}, "nodePools": []}"#,
    );
    assert!(off.results.iter().all(|r| r.rule != "GKE005"));
}

#[test]
fn terraform_and_plans() {
    let tf = r#"resource "google_container_node_pool" "default_sa" {
  cluster = "prod"
  node_config {
    service_account = data.google_compute_default_service_account.default.email
  }
}
resource "google_container_node_pool" "dedicated" {
  cluster = "prod"
  node_config {
    service_account = google_service_account.nodes.email
  }
}
resource "google_container_node_pool" "absent" {
  cluster = "prod"
}
variable "sa" {}
resource "google_container_node_pool" "unknown" {
  cluster = "prod"
  node_config {
    service_account = var.sa
  }
}
resource "google_container_cluster" "ap" {
  enable_autopilot = true
  cluster_autoscaling {
    auto_provisioning_defaults {
      service_account = google_service_account.nodes.email
    }
  }
}
"#;
    let report = run("main.tf", tf);
    assert_eq!(
        place(&report, "google_container_node_pool.default_sa"),
        (Status::Fail, 4, 23)
    );
    assert_eq!(
        place(&report, "google_container_node_pool.dedicated"),
        (Status::Pass, 10, 23)
    );
    assert_eq!(
        place(&report, "google_container_node_pool.absent"),
        (Status::Fail, 13, 1)
    );
    let unknown = result(&report, "GKE005", "google_container_node_pool.unknown");
    assert_eq!(unknown.status, Status::Unknown);
    assert!(unknown.message.contains("var.sa"));
    assert_eq!(
        result(&report, "GKE005", "google_container_cluster.ap").status,
        Status::Pass
    );
    let fix = result(&report, "GKE005", "google_container_node_pool.absent")
        .remediation
        .as_ref()
        .unwrap();
    assert_eq!(
        fix.steps[0].code,
        "service_account = google_service_account.nodes.email"
    );

    // A default pool that exists only if an unknown variable allows it: unknown, saying why.
    let maybe = run("main.tf", "variable \"rm\" {}\nresource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = var.rm\n}\n");
    let r = result(&maybe, "GKE005", "google_container_cluster.c");
    assert_eq!(r.status, Status::Unknown);
    assert!(
        r.message
            .contains("whether this pool exists depends on `var.rm"),
        "{}",
        r.message
    );

    // A plan: the known service account value, and the default when it is absent.
    let plan = r#"{"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
 {"address": "google_container_node_pool.p", "mode": "managed", "type": "google_container_node_pool", "name": "p",
  "values": {"name": "p", "cluster": "x", "node_config": [{"service_account": "default"}]}},
 {"address": "google_container_node_pool.q", "mode": "managed", "type": "google_container_node_pool", "name": "q",
  "values": {"name": "q", "cluster": "x", "node_config": [{"machine_type": "e2-medium"}]}}]}}}"#;
    let report = run("plan.json", plan);
    assert_eq!(
        place(&report, "google_container_node_pool.p"),
        (Status::Fail, 3, 79)
    );
    assert_eq!(
        result(&report, "GKE005", "google_container_node_pool.q").status,
        Status::Fail
    );
}

/// Findings on one pool agree: on a pool that runs the GKE metadata server, GKE005 does not say
/// that any pod can take the default account's token.
#[test]
fn findings_on_one_pool_agree() {
    let text = r#"{"name": "c", "workloadIdentityConfig": {"workloadPool": "p.svc.id.goog"},
 "nodePools": [{"name": "web", "config": {"serviceAccount": "default", "workloadMetadataConfig": {"mode": "GKE_METADATA"}}},
               {"name": "old", "config": {"serviceAccount": "default"}}]}"#;
    let report = gkecheck::check(
        &[gkecheck::Input::new("c.json", text)],
        &gkecheck::Options::default(),
    );
    let message = |name: &str| {
        report
            .results
            .iter()
            .find(|r| r.rule == "GKE005" && &*r.resource.name == name)
            .unwrap()
            .message
            .clone()
    };
    assert!(
        !message("web").contains("any pod can take"),
        "{}",
        message("web")
    );
    assert!(
        message("web").contains("keeps it from pods"),
        "{}",
        message("web")
    );
    assert!(
        message("old").contains("any pod can take"),
        "{}",
        message("old")
    );
}
