//! Terraform as teams write it: typed variables with optional attributes and defaults, module
//! calls that pass the caller's clusters in and hand outputs back, splats. Each verdict here is
//! what Terraform's own evaluation of the configuration implies.

mod common;

use gkecheck::report::{Report, Status};

fn run(files: &[(&str, &str)]) -> Report {
    common::check_with("GKE001", files)
}

/// (address, cluster, status, message) of each GKE001 result about a pool.
fn pools(report: &Report) -> Vec<(String, Option<String>, Status, String)> {
    let mut out: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.resource.address.contains("node_pool"))
        .map(|r| {
            (
                r.resource.address.to_string(),
                r.resource.cluster.as_deref().map(str::to_string),
                r.status,
                r.message.to_string(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

const PLATFORM: &str = r#"
resource "google_container_cluster" "platform" {
  name                     = "platform"
  location                 = "europe-west1"
  project                  = "acme-prod"
  remove_default_node_pool = true
  initial_node_count       = 1
  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }
}
"#;

const POOLS_MODULE: &str = r#"
variable "cluster" {
  type = string
}
variable "location" {
  type = string
}
variable "pools" {
  type = map(object({
    machine_type  = string
    metadata_mode = optional(string, "GKE_METADATA")
    nodes         = optional(number, 1)
    settings = optional(object({
      hardened = optional(bool, true)
    }), {})
  }))
}

resource "google_container_node_pool" "pool" {
  for_each   = var.pools
  name       = each.key
  cluster    = var.cluster
  location   = var.location
  node_count = each.value.nodes
  node_config {
    machine_type = each.value.machine_type
    workload_metadata_config {
      mode = each.value.settings.hardened ? each.value.metadata_mode : "GCE_METADATA"
    }
  }
}

output "names" {
  value = [for p in google_container_node_pool.pool : p.name]
}
"#;

#[test]
fn optional_attributes_take_their_defaults_and_pools_join_the_callers_cluster() {
    let caller = format!(
        "{PLATFORM}\nmodule \"pools\" {{\n  source   = \"./modules/pools\"\n  cluster  = google_container_cluster.platform.name\n  location = google_container_cluster.platform.location\n  pools = {{\n    web   = {{ machine_type = \"e2-standard-4\" }}\n    batch = {{ machine_type = \"e2-standard-8\", metadata_mode = \"GCE_METADATA\" }}\n    soft  = {{ machine_type = \"e2-small\", settings = {{ hardened = false }} }}\n    unset = {{ machine_type = \"e2-small\", metadata_mode = null }}\n    typed = {{ machine_type = \"e2-small\", nodes = \"3\", settings = {{}} }}\n  }}\n}}\n"
    );
    let report = run(&[
        ("main.tf", &caller),
        ("modules/pools/main.tf", POOLS_MODULE),
    ]);
    let got = pools(&report);
    let status = |key: &str| {
        let address = format!("module.pools.google_container_node_pool.pool[\"{key}\"]");
        got.iter()
            .find(|p| p.0 == address)
            .unwrap_or_else(|| panic!("no result for {address}: {got:#?}"))
    };
    // Left out: optional(string, "GKE_METADATA"); null is a default's cue too.
    for key in ["web", "unset", "typed"] {
        assert_eq!(status(key).2, Status::Pass, "{key}: {}", status(key).3);
    }
    assert_eq!(status("batch").2, Status::Fail);
    // A nested optional object with its own optional attribute: hardened = false.
    assert_eq!(status("soft").2, Status::Fail);
    // Every pool joined the caller's cluster, through `cluster = ...platform.name`.
    for p in &got {
        assert_eq!(p.1.as_deref(), Some("platform"), "{p:?}");
    }
    // The remediation's check names the real cluster and project, not placeholders.
    let batch = report
        .results
        .iter()
        .find(|r| r.resource.address.ends_with("[\"batch\"]"))
        .unwrap();
    let verify: Vec<&str> = batch
        .remediation
        .as_ref()
        .unwrap()
        .verify
        .iter()
        .map(|s| s.code.as_ref())
        .collect();
    assert!(
        verify.iter().any(|c| c.contains(
            "describe batch --cluster=platform --location=europe-west1 --project=acme-prod"
        )),
        "{verify:#?}"
    );
}

#[test]
fn a_value_the_type_cannot_take_is_unknown_naming_why() {
    let caller = format!(
        "{PLATFORM}\nmodule \"pools\" {{\n  source   = \"./modules/pools\"\n  cluster  = google_container_cluster.platform.name\n  location = \"europe-west1\"\n  pools = {{\n    web = {{ metadata_mode = \"GKE_METADATA\" }}\n  }}\n}}\n"
    );
    let report = run(&[
        ("main.tf", &caller),
        ("modules/pools/main.tf", POOLS_MODULE),
    ]);
    let got = pools(&report);
    assert_eq!(got.len(), 1, "{got:#?}");
    // machine_type is required by the type: Terraform refuses the call, so nothing is judged
    // as if it were valid.
    assert_ne!(got[0].2, Status::Pass, "{got:#?}");
}

#[test]
fn nullable_false_turns_null_into_the_default() {
    let module = r#"
variable "mode" {
  type     = string
  default  = "GKE_METADATA"
  nullable = false
}
variable "loose" {
  type    = string
  default = "GKE_METADATA"
}
variable "cluster" {}
resource "google_container_node_pool" "strict" {
  name    = "strict"
  cluster = var.cluster
  node_config {
    workload_metadata_config {
      mode = var.mode
    }
  }
}
resource "google_container_node_pool" "loose" {
  name    = "loose"
  cluster = var.cluster
  node_config {
    workload_metadata_config {
      mode = var.loose
    }
  }
}
"#;
    let caller = format!(
        "{PLATFORM}\nmodule \"np\" {{\n  source  = \"./np\"\n  cluster = google_container_cluster.platform.id\n  mode    = null\n  loose   = null\n}}\n"
    );
    let got = pools(&run(&[("main.tf", &caller), ("np/main.tf", module)]));
    assert_eq!(got.len(), 2, "{got:#?}");
    // Joined by the cluster's id (projects/P/locations/L/clusters/N).
    assert!(
        got.iter().all(|p| p.1.as_deref() == Some("platform")),
        "{got:#?}"
    );
    let strict = got.iter().find(|p| p.0.ends_with("strict")).unwrap();
    let loose = got.iter().find(|p| p.0.ends_with("loose")).unwrap();
    assert_eq!(strict.2, Status::Pass, "{}", strict.3);
    // nullable (the default): null stays null, so the mode is not set.
    assert_ne!(loose.2, Status::Pass, "{}", loose.3);
}

#[test]
fn pools_join_a_cluster_made_in_a_module_through_its_output() {
    let module = r#"
variable "name" {}
resource "google_container_cluster" "this" {
  count                    = 1
  name                     = var.name
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1
  workload_identity_config {
    workload_pool = "acme.svc.id.goog"
  }
}
output "name" {
  value = google_container_cluster.this[0].name
}
output "names" {
  value = google_container_cluster.this[*].name
}
"#;
    let root = r#"
module "gke" {
  source   = "./cluster"
  for_each = toset(["blue", "green"])
  name     = "shop-${each.key}"
}
resource "google_container_node_pool" "apps" {
  for_each = module.gke
  name     = "apps"
  cluster  = each.value.name
  location = "us-central1"
}
resource "google_container_node_pool" "splat" {
  name     = "splat"
  cluster  = module.gke["green"].names[0]
  location = "us-central1"
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}
resource "google_container_node_pool" "elsewhere" {
  name     = "elsewhere"
  cluster  = module.vpc.cluster_name
  location = "us-central1"
}
"#;
    let got = pools(&run(&[("main.tf", root), ("cluster/main.tf", module)]));
    let find = |address: &str| {
        got.iter()
            .find(|p| p.0 == address)
            .unwrap_or_else(|| panic!("no {address}: {got:#?}"))
    };
    // No workload_metadata_config, in a cluster with Workload Identity: GKE gives new pools
    // GKE_METADATA, but the pools are judged by what the configuration states.
    assert_eq!(
        find("google_container_node_pool.apps[\"blue\"]")
            .1
            .as_deref(),
        Some("shop-blue")
    );
    assert_eq!(
        find("google_container_node_pool.apps[\"green\"]")
            .1
            .as_deref(),
        Some("shop-green")
    );
    let splat = find("google_container_node_pool.splat");
    assert_eq!(splat.1.as_deref(), Some("shop-green"));
    assert_eq!(splat.2, Status::Pass);
    // A module that is not in the input: no cluster, and the message says which module.
    let elsewhere = find("google_container_node_pool.elsewhere");
    assert_eq!(elsewhere.1, None);
}

#[test]
fn the_same_cluster_name_in_two_locations_joins_by_location() {
    let root = r#"
module "eu" {
  source   = "./c"
  location = "europe-west1"
  wi       = true
}
module "us" {
  source   = "./c"
  location = "us-central1"
  wi       = false
}
resource "google_container_node_pool" "eu" {
  name     = "eu"
  cluster  = "shared"
  location = "europe-west1"
}
resource "google_container_node_pool" "anywhere" {
  name    = "anywhere"
  cluster = "shared"
}
"#;
    let module = r#"
variable "location" {}
variable "wi" {}
resource "google_container_cluster" "c" {
  name     = "shared"
  location = var.location
  dynamic "workload_identity_config" {
    for_each = var.wi ? [1] : []
    content {
      workload_pool = "acme.svc.id.goog"
    }
  }
}
"#;
    let report = run(&[("main.tf", root), ("c/main.tf", module)]);
    let got = pools(&report);
    let eu = got.iter().find(|p| p.0.ends_with(".eu")).unwrap();
    assert_eq!(eu.1.as_deref(), Some("shared"));
    // Two clusters named "shared" and no location to choose: joined to neither, and not said
    // to be missing.
    let anywhere = got.iter().find(|p| p.0.ends_with(".anywhere")).unwrap();
    assert_ne!(anywhere.2, Status::Pass, "{anywhere:?}");
    assert!(
        anywhere
            .3
            .contains("its cluster (`shared`) fits 2 clusters of the input"),
        "{anywhere:?}"
    );
}

#[test]
fn a_cluster_takes_the_providers_project_and_zone_where_it_sets_none() {
    let root = r#"
provider "google" {
  project = var.project
  zone    = "europe-west4-b"
}
provider "google-beta" {
  project = "beta-project"
}
variable "project" {
  default = "acme-dev"
}
resource "google_container_cluster" "plain" {
  name               = "plain"
  initial_node_count = 1
  node_config {
    workload_metadata_config {
      mode = "GCE_METADATA"
    }
  }
}
resource "google_container_cluster" "beta" {
  provider           = google-beta
  name               = "beta"
  initial_node_count = 1
  node_config {
    workload_metadata_config {
      mode = "GCE_METADATA"
    }
  }
}
"#;
    let report = run(&[("main.tf", root)]);
    let verify = |address: &str| -> String {
        let r = report
            .results
            .iter()
            .find(|r| &*r.resource.address == address)
            .unwrap_or_else(|| panic!("no {address}"));
        r.remediation
            .as_ref()
            .unwrap()
            .verify
            .iter()
            .map(|s| s.code.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let plain = verify("google_container_cluster.plain");
    assert!(
        plain.contains("--cluster=plain --location=europe-west4-b --project=acme-dev"),
        "{plain}"
    );
    // google-beta's defaults are its own block's, which gkecheck does not apply: placeholders.
    let beta = verify("google_container_cluster.beta");
    assert!(
        !beta.contains("acme-dev") && !beta.contains("beta-project"),
        "{beta}"
    );
}

#[test]
fn the_workspace_is_unknown_and_named() {
    let root = format!(
        "{PLATFORM}\nresource \"google_container_node_pool\" \"p\" {{\n  name    = \"p\"\n  cluster = google_container_cluster.platform.name\n  node_config {{\n    workload_metadata_config {{\n      mode = terraform.workspace == \"prod\" ? \"GKE_METADATA\" : \"GCE_METADATA\"\n    }}\n  }}\n}}\n"
    );
    let got = pools(&run(&[("main.tf", &root)]));
    assert_eq!(got[0].2, Status::Unknown, "{got:#?}");
    assert!(got[0].3.contains("terraform.workspace"), "{}", got[0].3);
}

#[test]
fn a_broken_manifest_is_a_located_error_and_the_rest_is_checked() {
    let dir = std::env::temp_dir().join(format!("gkecheck-manifest-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".terraform/modules")).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        "module \"gke\" {\n  source = \"terraform-google-modules/kubernetes-engine/google\"\n}\nresource \"google_container_node_pool\" \"p\" {\n  name    = \"p\"\n  cluster = \"c\"\n}\n",
    )
    .unwrap();
    let manifest = dir.join(".terraform/modules/modules.json");
    for (text, says, column) in [
        (
            r#"{"Modules": [{"Key": "gke"}]}"#,
            "a \"Key\" and a \"Dir\"",
            14,
        ),
        (r#"{"Modules": ["#, "expected a JSON value", 14),
    ] {
        std::fs::write(&manifest, text).unwrap();
        let out = common::gkecheck(&["check", "--select", "GKE001", dir.to_str().unwrap()], b"");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(2), "{stdout}");
        let error = stdout
            .lines()
            .find(|l| l.contains("modules.json"))
            .unwrap_or_else(|| panic!("{stdout}"));
        assert!(
            error.contains(&format!("modules.json:1:{column}: error: ")) && error.contains(says),
            "{error}"
        );
        // The configuration is still checked, and the module call still named.
        assert!(
            stdout.contains("GKE001 [high] fail node pool p"),
            "{stdout}"
        );
        assert!(stdout.contains("module \"gke\""), "{stdout}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_stream_with_a_broken_value_is_an_error_with_nothing_half_read() {
    let stream = "{\"name\":\"a\",\"location\":\"x\",\"nodePools\":[{\"name\":\"p\",\"config\":{}}]}\n{\"name\":\"b\", nodePools}\n";
    let report = gkecheck::check(
        &[gkecheck::Input::new("s.jsonl", stream)],
        &gkecheck::Options::default(),
    );
    let error = report.inputs[0].error.as_ref().expect("an error");
    assert_eq!((error.line, error.column), (2, 14), "{}", error.message);
    // The values before the broken one are not reported as if the input were whole.
    assert!(report.results.is_empty(), "{:#?}", report.results);
}
