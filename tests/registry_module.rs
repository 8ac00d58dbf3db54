//! The registry module most GKE clusters come from (terraform-google-modules/kubernetes-engine,
//! root module, `../shared/corpus/modules/terraform-google-kubernetes-engine/`), called from
//! roots of our own the way its README does, laid out as `terraform init` leaves it: the
//! source in `.terraform/modules/<name>/`, listed in `.terraform/modules/modules.json`. The
//! command line reads the directory as a user would. Each expected verdict is worked out by
//! hand from the module's own code:
//!
//! - `var.node_metadata` (default `GKE_METADATA`) becomes `local.cluster_node_metadata_config`:
//!   `[]` for `UNSPECIFIED`, else one `{mode}` with `GKE_METADATA_SERVER`/`EXPOSE` mapped to
//!   `GKE_METADATA`/`GCE_METADATA` (main.tf). Each pool's `workload_metadata_config` is a dynamic
//!   block over it whose `mode` is the pool's own `node_metadata` key when it has one
//!   (cluster.tf, `google_container_node_pool.pools`); the cluster's inline default pool uses
//!   the module-wide mode alone.
//! - `var.identity_namespace` (default `"enabled"`) gives Workload Identity with the pool
//!   `<project_id>.svc.id.goog`; `null` turns it off; any other string is the pool itself.
//! - Pools are `google_container_node_pool.pools[<name>]`, joined to
//!   `google_container_cluster.primary`, whose `name` is `var.name`.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn module_source() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/modules/terraform-google-kubernetes-engine");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "registry module tests skipped: {} is not here (it comes with ../shared, which CI has)",
            dir.display()
        );
        None
    }
}

/// A root configuration in a fresh directory, with the module where `terraform init` puts it.
/// `key` is the module call's key in the manifest (`gke`, or `platform.gke` for a call
/// inside a local module).
struct Layout {
    dir: PathBuf,
}

impl Layout {
    fn new(name: &str, files: &[(&str, &str)], key: &str, with_init: bool) -> Option<Layout> {
        let source = module_source()?;
        let dir =
            std::env::temp_dir().join(format!("gkecheck-registry-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        if with_init {
            let target = dir.join(".terraform/modules").join(key);
            std::fs::create_dir_all(&target).unwrap();
            for entry in std::fs::read_dir(&source).unwrap().flatten() {
                std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
            }
            // A downloaded repository holds more than the module: examples and test data,
            // which gkecheck must not read as configurations or gcloud output.
            std::fs::create_dir_all(target.join("examples/simple")).unwrap();
            std::fs::write(
                target.join("examples/simple/main.tf"),
                "resource \"google_container_node_pool\" \"example\" {\n  cluster = \"example\"\n}\n",
            )
            .unwrap();
            std::fs::create_dir_all(target.join("test/testdata")).unwrap();
            std::fs::write(
                target.join("test/testdata/cluster.json"),
                r#"{"name": "golden", "nodePools": [{"name": "p", "config": {}}]}"#,
            )
            .unwrap();
            let manifest = format!(
                r#"{{"Modules":[{{"Key":"","Source":"","Dir":"."}},{{"Key":"{key}","Source":"registry.terraform.io/terraform-google-modules/kubernetes-engine/google","Version":"36.0.0","Dir":".terraform/modules/{key}"}}]}}"#
            );
            std::fs::write(dir.join(".terraform/modules/modules.json"), manifest).unwrap();
        }
        Some(Layout { dir })
    }

    fn check(&self) -> Value {
        let out = common::gkecheck(
            &[
                "check",
                self.dir.to_str().unwrap(),
                "--output-format",
                "json",
                "--select",
                "GKE001,GKE002",
                "--show-passing",
            ],
            b"",
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }
}

impl Drop for Layout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The status of `rule` on `address`, with the whole list when it is not there exactly once.
fn status<'r>(report: &'r Value, rule: &str, address: &str) -> &'r Value {
    let found: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == rule && r["resource"]["address"] == address)
        .collect();
    assert_eq!(found.len(), 1, "{rule} {address}: {}", listing(report));
    found[0]
}

fn listing(report: &Value) -> String {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {} ({})\n",
                r["rule"], r["status"], r["resource"]["address"], r["message"]
            )
        })
        .collect()
}

fn notes(report: &Value) -> Vec<String> {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["notes"].as_array().unwrap().iter())
        .map(|n| n["message"].as_str().unwrap().to_string())
        .collect()
}

/// The README's call, with the arguments each case adds and its node pools.
fn root(extra: &str, pools: &str) -> String {
    format!(
        r#"provider "google" {{
  project = "acme-prod"
  region  = "us-central1"
}}

module "gke" {{
  source            = "terraform-google-modules/kubernetes-engine/google"
  version           = "~> 36.0"
  project_id        = "acme-prod"
  name              = "gke-test-1"
  region            = "us-central1"
  zones             = ["us-central1-a", "us-central1-b", "us-central1-f"]
  network           = "vpc-01"
  subnetwork        = "us-central1-01"
  ip_range_pods     = "us-central1-01-gke-01-pods"
  ip_range_services = "us-central1-01-gke-01-services"
{extra}
  node_pools = [
{pools}
  ]
}}
"#
    )
}

const POOLS: &str = r#"    {
      name         = "default-node-pool"
      machine_type = "e2-medium"
    },
    {
      name          = "legacy"
      machine_type  = "e2-medium"
      node_metadata = "GCE_METADATA"
    },
    {
      name          = "pinned"
      machine_type  = "e2-medium"
      node_metadata = "GKE_METADATA"
    },"#;

const POOL: &str = "module.gke.google_container_node_pool.pools";

#[test]
fn pools_that_set_node_metadata_and_pools_that_leave_it_out() {
    let Some(layout) = Layout::new(
        "defaults",
        &[(
            "main.tf",
            &root("  remove_default_node_pool = true\n", POOLS),
        )],
        "gke",
        true,
    ) else {
        return;
    };
    let report = layout.check();
    // Left out: the module-wide GKE_METADATA.
    let default = status(&report, "GKE001", &format!("{POOL}[\"default-node-pool\"]"));
    assert_eq!(default["status"], "pass", "{}", listing(&report));
    assert_eq!(
        status(&report, "GKE001", &format!("{POOL}[\"legacy\"]"))["status"],
        "fail"
    );
    assert_eq!(
        status(&report, "GKE001", &format!("{POOL}[\"pinned\"]"))["status"],
        "pass"
    );
    // identity_namespace = "enabled" (its default): the project's workload pool.
    let cluster = status(
        &report,
        "GKE002",
        "module.gke.google_container_cluster.primary",
    );
    assert_eq!(cluster["status"], "pass");
    assert!(cluster["message"]
        .as_str()
        .unwrap()
        .contains("acme-prod.svc.id.goog"));
    // The default pool is removed: never a failure.
    for r in report["results"].as_array().unwrap() {
        if r["resource"]["address"]
            .as_str()
            .unwrap()
            .starts_with("module.gke.google_container_cluster.primary")
            && r["rule"] == "GKE001"
        {
            assert_ne!(r["status"], "fail", "{r}");
        }
    }
    // Every pool joined its cluster, and is placed in the module's own file.
    for r in report["results"].as_array().unwrap() {
        if r["resource"]["address"].as_str().unwrap().starts_with(POOL) {
            assert_eq!(r["resource"]["cluster"], "gke-test-1", "{r}");
            let input = r["location"]["input"].as_str().unwrap().replace('\\', "/");
            assert!(
                input.ends_with(".terraform/modules/gke/cluster.tf"),
                "{input}"
            );
        }
    }
    // The headline answers for the cluster, by its real name.
    let headline = &report["headline"][0];
    assert_eq!(headline["cluster"], "gke-test-1");
    assert_eq!(headline["pools_total"], 3);
    assert_eq!(headline["pools_exposed"], serde_json::json!(["legacy"]));
    // Nothing unknown, nothing left unread, and the examples and test data of the download
    // were not read.
    assert_eq!(report["summary"]["unknown"], 0, "{}", listing(&report));
    assert!(notes(&report).is_empty(), "{:#?}", notes(&report));
    let names: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("examples") && !n.contains("testdata")),
        "{names:#?}"
    );
}

#[test]
fn unspecified_node_metadata_leaves_pools_to_workload_identity() {
    // UNSPECIFIED: no workload_metadata_config on any pool, whatever the pool's own key says.
    // With Workload Identity GKE gives new pools GKE_METADATA; without it, GCE_METADATA.
    let Some(with_wi) = Layout::new(
        "unspecified-wi",
        &[(
            "main.tf",
            &root(
                "  remove_default_node_pool = true\n  node_metadata = \"UNSPECIFIED\"\n",
                POOLS,
            ),
        )],
        "gke",
        true,
    ) else {
        return;
    };
    let report = with_wi.check();
    for pool in ["default-node-pool", "legacy", "pinned"] {
        let r = status(&report, "GKE001", &format!("{POOL}[\"{pool}\"]"));
        assert_eq!(r["status"], "pass", "{pool}: {}", listing(&report));
        assert!(
            r["message"]
                .as_str()
                .unwrap()
                .contains("No workload_metadata_config"),
            "{r}"
        );
    }
    drop(with_wi);

    let Some(without) = Layout::new(
        "unspecified-no-wi",
        &[(
            "main.tf",
            &root(
                "  remove_default_node_pool = true\n  node_metadata = \"UNSPECIFIED\"\n  identity_namespace = null\n",
                POOLS,
            ),
        )],
        "gke",
        true,
    ) else {
        return;
    };
    let report = without.check();
    assert_eq!(
        status(
            &report,
            "GKE002",
            "module.gke.google_container_cluster.primary"
        )["status"],
        "fail"
    );
    for pool in ["default-node-pool", "legacy", "pinned"] {
        assert_eq!(
            status(&report, "GKE001", &format!("{POOL}[\"{pool}\"]"))["status"],
            "fail",
            "{pool}: {}",
            listing(&report)
        );
    }
}

#[test]
fn expose_module_wide_with_the_default_pool_kept() {
    // EXPOSE maps to GCE_METADATA for every pool without its own node_metadata, and for the
    // cluster's default pool, kept here (remove_default_node_pool = false).
    let Some(layout) = Layout::new(
        "expose",
        &[(
            "main.tf",
            &root(
                "  remove_default_node_pool = false\n  node_metadata = \"EXPOSE\"\n  identity_namespace = \"fleet-host.svc.id.goog\"\n",
                POOLS,
            ),
        )],
        "gke",
        true,
    ) else {
        return;
    };
    let report = layout.check();
    assert_eq!(
        status(&report, "GKE001", &format!("{POOL}[\"default-node-pool\"]"))["status"],
        "fail"
    );
    assert_eq!(
        status(&report, "GKE001", &format!("{POOL}[\"legacy\"]"))["status"],
        "fail"
    );
    assert_eq!(
        status(&report, "GKE001", &format!("{POOL}[\"pinned\"]"))["status"],
        "pass"
    );
    assert_eq!(
        status(
            &report,
            "GKE001",
            "module.gke.google_container_cluster.primary.node_pool[0]"
        )["status"],
        "fail",
        "{}",
        listing(&report)
    );
    // A workload pool given by name.
    let cluster = status(
        &report,
        "GKE002",
        "module.gke.google_container_cluster.primary",
    );
    assert_eq!(cluster["status"], "pass");
    assert!(cluster["message"]
        .as_str()
        .unwrap()
        .contains("fleet-host.svc.id.goog"));
}

#[test]
fn a_local_wrapper_that_calls_the_registry_module() {
    // A team's own module wraps the registry one with typed pools; the manifest's key for
    // the inner call is "platform.gke".
    let wrapper = r#"
variable "env" {
  type = string
}
variable "pools" {
  type = map(object({
    machine_type  = optional(string, "e2-standard-4")
    node_metadata = optional(string)
  }))
  default = {}
}

module "gke" {
  source            = "terraform-google-modules/kubernetes-engine/google"
  project_id        = "acme-${var.env}"
  name              = "platform-${var.env}"
  region            = "europe-west1"
  network           = "vpc"
  subnetwork        = "subnet"
  ip_range_pods     = "pods"
  ip_range_services = "services"
  remove_default_node_pool = true
  node_pools = [
    for name, p in var.pools : merge({ name = name, machine_type = p.machine_type },
      p.node_metadata == null ? {} : { node_metadata = p.node_metadata })
  ]
}

output "cluster_name" {
  value = module.gke.name
}
"#;
    let caller = r#"
module "platform" {
  source = "./modules/platform"
  env    = "prod"
  pools = {
    web   = {}
    batch = { node_metadata = "GCE_METADATA" }
  }
}

resource "google_container_node_pool" "extra" {
  name     = "extra"
  cluster  = module.platform.cluster_name
  location = "europe-west1"
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}
"#;
    let Some(layout) = Layout::new(
        "wrapper",
        &[("main.tf", caller), ("modules/platform/main.tf", wrapper)],
        "platform.gke",
        true,
    ) else {
        return;
    };
    let report = layout.check();
    let inner = "module.platform.module.gke.google_container_node_pool.pools";
    assert_eq!(
        status(&report, "GKE001", &format!("{inner}[\"web\"]"))["status"],
        "pass",
        "{}",
        listing(&report)
    );
    assert_eq!(
        status(&report, "GKE001", &format!("{inner}[\"batch\"]"))["status"],
        "fail"
    );
    // The pool beside the wrapper joins the cluster through the wrapper's output, which
    // passes on the registry module's own `name` output.
    let extra = status(&report, "GKE001", "google_container_node_pool.extra");
    assert_eq!(extra["resource"]["cluster"], "platform-prod", "{extra}");
    for r in report["results"].as_array().unwrap() {
        if r["resource"]["kind"] == "node-pool" {
            assert_eq!(r["resource"]["cluster"], "platform-prod", "{r}");
        }
    }
    assert!(notes(&report).is_empty(), "{:#?}", notes(&report));
}

#[test]
fn without_terraform_init_the_note_says_how_to_make_the_module_checkable() {
    let Some(layout) = Layout::new("no-init", &[("main.tf", &root("", POOLS))], "gke", false)
    else {
        return;
    };
    let report = layout.check();
    let notes = notes(&report);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("module \"gke\"") && n.contains("terraform init")),
        "{notes:#?}"
    );
}

#[test]
fn a_git_wrapper_with_for_each_that_calls_the_registry_module() {
    // The wrapper is downloaded too (a git source), and the registry module it calls has its
    // own directory: the manifest keys are "wrapper" and "wrapper.gke".
    let wrapper = r#"
variable "env" {
  type = string
}
variable "pools" {
  type    = list(object({ name = string, node_metadata = optional(string) }))
  default = [{ name = "apps" }, { name = "legacy", node_metadata = "GCE_METADATA" }]
}
module "gke" {
  source                   = "terraform-google-modules/kubernetes-engine/google"
  project_id               = "acme-${var.env}"
  name                     = "gke-${var.env}"
  region                   = "europe-west1"
  network                  = "vpc"
  subnetwork               = "subnet"
  ip_range_pods            = "pods"
  ip_range_services        = "services"
  remove_default_node_pool = true
  node_pools = [for p in var.pools : p.node_metadata == null ? { name = p.name } : { name = p.name, node_metadata = p.node_metadata }]
}
"#;
    let root = r#"
module "wrapper" {
  source   = "git::https://example.com/acme/gke-wrapper.git?ref=v1"
  for_each = toset(["dev", "prod"])
  env      = each.key
}
"#;
    let Some(layout) = Layout::new(
        "git-wrapper",
        &[
            ("main.tf", root),
            (".terraform/modules/wrapper/main.tf", wrapper),
        ],
        "wrapper.gke",
        true,
    ) else {
        return;
    };
    std::fs::write(
        layout.dir.join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"wrapper","Source":"git::https://example.com/acme/gke-wrapper.git?ref=v1","Dir":".terraform/modules/wrapper"},{"Key":"wrapper.gke","Source":"registry.terraform.io/terraform-google-modules/kubernetes-engine/google","Version":"36.0.0","Dir":".terraform/modules/wrapper.gke"}]}"#,
    )
    .unwrap();
    let report = layout.check();
    for env in ["dev", "prod"] {
        let pools =
            format!("module.wrapper[\"{env}\"].module.gke.google_container_node_pool.pools");
        let apps = status(&report, "GKE001", &format!("{pools}[\"apps\"]"));
        assert_eq!(apps["status"], "pass", "{}", listing(&report));
        assert_eq!(apps["resource"]["cluster"], format!("gke-{env}"));
        let legacy = status(&report, "GKE001", &format!("{pools}[\"legacy\"]"));
        assert_eq!(legacy["status"], "fail");
        let cluster = status(
            &report,
            "GKE002",
            &format!("module.wrapper[\"{env}\"].module.gke.google_container_cluster.primary"),
        );
        assert!(
            cluster["message"]
                .as_str()
                .unwrap()
                .contains(&format!("acme-{env}.svc.id.goog")),
            "{cluster}"
        );
    }
    assert!(notes(&report).is_empty(), "{:#?}", notes(&report));
}
