//! GKE034: a cluster's Terraform and its live output in one check. A pool made by hand, a pool
//! Terraform declares that does not run, and a setting switched off live are reported, each
//! with both values and places; expected differences never are.

mod common;

use gkecheck::report::{Report, Status};

fn run(inputs: &[(&str, &str)]) -> Report {
    common::check_with("GKE034", inputs)
}

const TERRAFORM: &str = r#"
resource "google_container_cluster" "shop" {
  name                     = "shop"
  location                 = "europe-west1"
  project                  = "acme"
  remove_default_node_pool = true
  initial_node_count       = 1
  network_policy {
    enabled = true
  }
  workload_identity_config {
    workload_pool = "acme.svc.id.goog"
  }
  release_channel {
    channel = "REGULAR"
  }
}

resource "google_container_node_pool" "web" {
  name     = "web"
  cluster  = google_container_cluster.shop.name
  location = "europe-west1"
  management {
    auto_repair  = true
    auto_upgrade = true
  }
  node_config {
    image_type = "COS_CONTAINERD"
    oauth_scopes = ["cloud-platform"]
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

resource "google_container_node_pool" "batch" {
  name     = "batch"
  cluster  = google_container_cluster.shop.name
  location = "europe-west1"
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}
"#;

/// The live cluster: network policy switched off in the console, pool web on GCE_METADATA,
/// a pool made by hand, batch missing; settings Terraform leaves out, and scopes written as
/// aliases in Terraform, are not differences.
const LIVE: &str = r#"{
  "name": "shop", "location": "europe-west1",
  "selfLink": "https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/shop",
  "networkPolicy": {"provider": "CALICO", "enabled": false},
  "workloadIdentityConfig": {"workloadPool": "acme.svc.id.goog"},
  "releaseChannel": {"channel": "REGULAR"},
  "legacyAbac": {},
  "currentMasterVersion": "1.30.5-gke.1014001",
  "nodePools": [
    {"name": "web", "config": {"imageType": "cos_containerd", "workloadMetadataConfig": {"mode": "GCE_METADATA"},
      "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"], "shieldedInstanceConfig": {"enableIntegrityMonitoring": true}},
     "management": {"autoRepair": true, "autoUpgrade": true}},
    {"name": "debug", "config": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}}, "management": {"autoRepair": true, "autoUpgrade": true}}
  ]
}"#;

#[test]
fn a_hand_made_pool_a_missing_pool_and_switched_off_settings() {
    let report = run(&[("infra/main.tf", TERRAFORM), ("live/shop.json", LIVE)]);
    let find = |address: &str| {
        report
            .results
            .iter()
            .find(|r| &*r.resource.address == address)
            .unwrap_or_else(|| panic!("no GKE034 result for {address}: {:#?}", report.results))
    };
    let cluster = find("google_container_cluster.shop");
    assert_eq!(cluster.status, Status::Fail);
    assert!(
        cluster
            .message
            .contains("network policy enforcement (Terraform: true; live: false)"),
        "{}",
        cluster.message
    );
    // Only that: the channel and the workload pool agree; what Terraform leaves out is not
    // compared; the master version never is.
    assert_eq!(
        cluster.message.matches("(Terraform:").count(),
        1,
        "{}",
        cluster.message
    );
    // The place is Terraform's own setting, where a fix would go.
    assert_eq!(&*cluster.location.input, "infra/main.tf");
    assert_eq!(cluster.location.line, 9);

    let web = find("google_container_node_pool.web");
    assert_eq!(web.status, Status::Fail);
    assert!(
        web.message
            .contains("the metadata mode (Terraform: GKE_METADATA; live: GCE_METADATA)"),
        "{}",
        web.message
    );
    // COS_CONTAINERD and cos_containerd are the same image; scopes written as an alias are
    // not compared.
    assert_eq!(
        web.message.matches("(Terraform:").count(),
        1,
        "{}",
        web.message
    );

    let batch = find("google_container_node_pool.batch");
    assert_eq!(batch.status, Status::Fail);
    assert!(
        batch
            .message
            .contains("no pool of that name (it lists web, debug)"),
        "{}",
        batch.message
    );

    let debug = report
        .results
        .iter()
        .find(|r| &*r.resource.name == "debug")
        .expect("the hand-made pool");
    assert_eq!(debug.status, Status::Fail);
    assert_eq!(&*debug.location.input, "live/shop.json");
    assert!(
        debug.message.contains("declares no pool of that name"),
        "{}",
        debug.message
    );
    // Exactly these four.
    assert_eq!(
        report
            .results
            .iter()
            .filter(|r| r.status == Status::Fail)
            .count(),
        4,
        "{:#?}",
        report.results
    );
}

#[test]
fn the_same_cluster_both_ways_agrees() {
    let live = r#"{"name": "shop", "location": "europe-west1",
      "networkPolicy": {"enabled": true}, "workloadIdentityConfig": {"workloadPool": "acme.svc.id.goog"},
      "releaseChannel": {"channel": "REGULAR"},
      "nodePools": [
        {"name": "web", "config": {"imageType": "COS_CONTAINERD", "workloadMetadataConfig": {"mode": "GKE_METADATA"}}, "management": {"autoRepair": true, "autoUpgrade": true}},
        {"name": "batch", "config": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}}}
      ]}"#;
    let report = run(&[("main.tf", TERRAFORM), ("live.json", live)]);
    assert!(!report.results.is_empty());
    for r in &report.results {
        assert_eq!(r.status, Status::Pass, "{r:#?}");
    }
}

#[test]
fn expected_differences_are_never_reported() {
    // Another location: another cluster, nothing compared.
    let elsewhere = LIVE.replace(
        "\"location\": \"europe-west1\"",
        "\"location\": \"us-central1\"",
    );
    assert!(run(&[("main.tf", TERRAFORM), ("live.json", &elsewhere)])
        .results
        .is_empty());
    // Another project (both say theirs): another cluster.
    let other_project = LIVE.replace("projects/acme/", "projects/other/");
    assert!(
        run(&[("main.tf", TERRAFORM), ("live.json", &other_project)])
            .results
            .is_empty()
    );
    // A projection without node pools: no pool is "missing".
    let projection = r#"{"name": "shop", "location": "europe-west1", "workloadIdentityConfig": {"workloadPool": "acme.svc.id.goog"}}"#;
    let report = run(&[("main.tf", TERRAFORM), ("live.json", projection)]);
    assert!(
        report.results.iter().all(|r| r.status == Status::Pass),
        "{:#?}",
        report.results
    );
    // Pools Terraform names with name_prefix (replaced pools get new names): no live pool is
    // called undeclared.
    let prefixed = TERRAFORM.replace("name     = \"batch\"", "name_prefix = \"batch-\"");
    let report = run(&[("main.tf", &prefixed), ("live.json", LIVE)]);
    assert!(
        report.results.iter().all(|r| &*r.resource.name != "debug"),
        "{:#?}",
        report.results
    );
    // Autopilot: GKE manages the pools.
    let autopilot = LIVE.replace(
        "\"legacyAbac\": {},",
        "\"legacyAbac\": {}, \"autopilot\": {\"enabled\": true},",
    );
    let report = run(&[("main.tf", TERRAFORM), ("live.json", &autopilot)]);
    assert!(
        report.results.iter().all(|r| r.resource.kind == "cluster"),
        "{:#?}",
        report.results
    );
}
