//! `cargo xtask bench`: gkecheck timed on generated inputs of every kind and size, natively
//! (the command line's own `--timings`: parse, rules, report and output phases, peak memory)
//! and as the page's Wasm under Node, beside Checkov on the same Terraform when `checkov` is
//! on PATH. Prints a table and writes it as JSON. `--quick` is the small pass CI runs so the
//! harness keeps working: small inputs, the debug build, no timing targets judged.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

use crate::{cargo, root, run};

/// The most the page (and so its engine) reads: larger inputs are not run in Wasm.
const PAGE_LIMIT_BYTES: usize = 32 * 1024 * 1024;

/// One generated input: a name, its files (relative path → text), and its kind.
struct Case {
    name: String,
    kind: &'static str,
    files: Vec<(String, String)>,
}

impl Case {
    fn bytes(&self) -> usize {
        self.files.iter().map(|(_, t)| t.len()).sum()
    }
}

/// One node pool as the GKE API describes it, with the fields real output has.
fn pool(cluster: usize, i: usize) -> Value {
    let mode = if (cluster + i).is_multiple_of(5) {
        "GCE_METADATA"
    } else {
        "GKE_METADATA"
    };
    json!({
        "name": format!("pool-{i}"),
        "config": {
            "machineType": "e2-standard-4",
            "diskSizeGb": 100,
            "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"],
            "serviceAccount": format!("gke-nodes@project-{cluster}.iam.gserviceaccount.com"),
            "metadata": {"disable-legacy-endpoints": "true"},
            "imageType": "COS_CONTAINERD",
            "labels": {"team": format!("team-{}", i % 7), "env": "prod"},
            "diskType": "pd-balanced",
            "workloadMetadataConfig": {"mode": mode},
            "shieldedInstanceConfig": {"enableSecureBoot": true, "enableIntegrityMonitoring": true},
        },
        "initialNodeCount": 3,
        "autoscaling": {"enabled": true, "minNodeCount": 1, "maxNodeCount": 10},
        "management": {"autoUpgrade": true, "autoRepair": true},
        "maxPodsConstraint": {"maxPodsPerNode": "110"},
        "podIpv4CidrSize": 24,
        "locations": ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
        "selfLink": format!("https://container.googleapis.com/v1/projects/project-{cluster}/locations/europe-west1/clusters/cluster-{cluster}/nodePools/pool-{i}"),
        "version": "1.30.5-gke.1014001",
        "instanceGroupUrls": [format!("https://www.googleapis.com/compute/v1/projects/project-{cluster}/zones/europe-west1-b/instanceGroupManagers/gke-cluster-{cluster}-pool-{i}-grp")],
        "status": "RUNNING",
        "upgradeSettings": {"maxSurge": 1, "strategy": "SURGE"},
    })
}

/// One cluster with `pools` node pools.
fn cluster(c: usize, pools: usize) -> Value {
    json!({
        "name": format!("cluster-{c}"),
        "location": "europe-west1",
        "selfLink": format!("https://container.googleapis.com/v1/projects/project-{c}/locations/europe-west1/clusters/cluster-{c}"),
        "nodePools": (0..pools).map(|i| pool(c, i)).collect::<Vec<_>>(),
        "workloadIdentityConfig": {"workloadPool": format!("project-{c}.svc.id.goog")},
        "releaseChannel": {"channel": "REGULAR"},
        "networkPolicy": {"provider": "CALICO", "enabled": true},
        "privateClusterConfig": {"enablePrivateNodes": true, "masterIpv4CidrBlock": "172.16.0.0/28"},
        "masterAuthorizedNetworksConfig": {"enabled": true, "cidrBlocks": [{"cidrBlock": "10.0.0.0/8"}]},
        "legacyAbac": {},
        "shieldedNodes": {"enabled": true},
        "currentMasterVersion": "1.30.5-gke.1014001",
        "status": "RUNNING",
        "endpoint": "34.76.1.1",
    })
}

/// `pools` pools in clusters of seven.
fn clusters(pools: usize) -> Vec<Value> {
    let per = 7;
    (0..pools.div_ceil(per))
        .map(|c| cluster(c, per.min(pools - c * per)))
        .collect()
}

/// JSON as YAML, the way gcloud prints it (block style, plain scalars where they read back
/// as the same string).
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        yaml(v, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        yaml(v, indent, out);
                    }
                    _ => out.push_str(&format!("{pad}{k}: {}\n", scalar(v))),
                }
            }
        }
        Value::Array(items) => {
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
        _ => out.push_str(&format!("{pad}{}\n", scalar(value))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// Terraform for `pools` pools in clusters of seven, in one file or a file per cluster.
fn terraform(pools: usize, split: bool) -> Vec<(String, String)> {
    let per = 7;
    let mut files = Vec::new();
    let mut one = String::new();
    for c in 0..pools.div_ceil(per) {
        let mut text = format!(
            "resource \"google_container_cluster\" \"c{c}\" {{\n  name     = \"cluster-{c}\"\n  location = \"europe-west1\"\n  project  = \"project-{c}\"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n  release_channel {{\n    channel = \"REGULAR\"\n  }}\n  workload_identity_config {{\n    workload_pool = \"project-{c}.svc.id.goog\"\n  }}\n  private_cluster_config {{\n    enable_private_nodes    = true\n    master_ipv4_cidr_block = \"172.16.0.0/28\"\n  }}\n  network_policy {{\n    enabled = true\n  }}\n}}\n\n"
        );
        for i in 0..per.min(pools - c * per) {
            let mode = if (c + i).is_multiple_of(5) {
                "GCE_METADATA"
            } else {
                "GKE_METADATA"
            };
            text.push_str(&format!(
                "resource \"google_container_node_pool\" \"c{c}_p{i}\" {{\n  name     = \"pool-{i}\"\n  cluster  = google_container_cluster.c{c}.name\n  location = \"europe-west1\"\n  autoscaling {{\n    min_node_count = 1\n    max_node_count = 10\n  }}\n  management {{\n    auto_upgrade = true\n    auto_repair  = true\n  }}\n  node_config {{\n    machine_type    = \"e2-standard-4\"\n    service_account = \"gke-nodes@project-{c}.iam.gserviceaccount.com\"\n    oauth_scopes    = [\"https://www.googleapis.com/auth/cloud-platform\"]\n    labels = {{\n      team = \"team-{}\"\n    }}\n    shielded_instance_config {{\n      enable_secure_boot = true\n    }}\n    workload_metadata_config {{\n      mode = \"{mode}\"\n    }}\n  }}\n}}\n\n",
                i % 7
            ));
        }
        if split {
            files.push((format!("cluster-{c}.tf"), text));
        } else {
            one.push_str(&text);
        }
    }
    if !split {
        files.push(("main.tf".into(), one));
    }
    files
}

/// Terraform calling a module for each of `clusters` clusters (`for_each` over a local map of
/// their settings), each call given the whole map and its own entry, as estates configure their
/// clusters from one table: each instance makes a cluster and two node pools.
fn terraform_modules(clusters: usize) -> Vec<(String, String)> {
    let entries: String = (0..clusters)
        .map(|c| {
            let mode = if c.is_multiple_of(5) {
                "GCE_METADATA"
            } else {
                "GKE_METADATA"
            };
            format!("    cluster-{c} = {{ project = \"project-{c}\", location = \"europe-west1\", mode = \"{mode}\", machine_type = \"e2-standard-4\", min_nodes = 1, max_nodes = 10, team = \"team-{}\" }}\n", c % 7)
        })
        .collect();
    let root = format!("locals {{\n  clusters = {{\n{entries}  }}\n}}\n\nmodule \"gke\" {{\n  source   = \"./modules/gke\"\n  for_each = local.clusters\n  name     = each.key\n  all      = local.clusters\n  settings = lookup(local.clusters, each.key)\n}}\n");
    let module = "variable \"name\" {}\nvariable \"settings\" {}\nvariable \"all\" {\n  type = map(object({ project = string, location = string, mode = string, machine_type = string, min_nodes = number, max_nodes = number, team = string }))\n}\n\nresource \"google_container_cluster\" \"c\" {\n  name     = var.name\n  location = var.all[var.name].location\n  project  = var.all[var.name].project\n  remove_default_node_pool = true\n  initial_node_count       = 1\n  release_channel {\n    channel = \"REGULAR\"\n  }\n  workload_identity_config {\n    workload_pool = \"${var.settings.project}.svc.id.goog\"\n  }\n  private_cluster_config {\n    enable_private_nodes    = true\n    master_ipv4_cidr_block = \"172.16.0.0/28\"\n  }\n  network_policy {\n    enabled = true\n  }\n}\n\nresource \"google_container_node_pool\" \"p\" {\n  for_each = toset([\"general\", \"batch\"])\n  name     = each.key\n  cluster  = google_container_cluster.c.name\n  location = google_container_cluster.c.location\n  project  = google_container_cluster.c.project\n  autoscaling {\n    min_node_count = var.settings.min_nodes\n    max_node_count = var.settings.max_nodes\n  }\n  node_config {\n    machine_type    = var.settings.machine_type\n    service_account = \"gke-nodes@${var.settings.project}.iam.gserviceaccount.com\"\n    oauth_scopes    = [\"https://www.googleapis.com/auth/cloud-platform\"]\n    labels = {\n      team = var.all[var.name].team\n    }\n    shielded_instance_config {\n      enable_secure_boot = true\n    }\n    workload_metadata_config {\n      mode = var.all[var.name].mode\n    }\n  }\n}\n";
    vec![
        ("main.tf".into(), root),
        ("modules/gke/main.tf".into(), module.to_string()),
    ]
}

/// Terraform of an estate: the clusters of `terraform(pools, false)` in gke.tf, beside `others`
/// other resources (buckets, instances, service accounts, IAM members) in files of a few
/// thousand each, as a platform team's repository holds them.
fn terraform_estate(pools: usize, others: usize) -> Vec<(String, String)> {
    let mut files = terraform(pools, false);
    files[0].0 = "gke.tf".into();
    let per_file = 3_000;
    for start in (0..others).step_by(per_file) {
        let mut text = String::new();
        for o in start..others.min(start + per_file) {
            let project = format!("project-{}", o % 300);
            text.push_str(&match o % 4 {
                0 => format!("resource \"google_storage_bucket\" \"b{o}\" {{\n  name                        = \"bucket-{o}\"\n  location                    = \"EU\"\n  project                     = \"{project}\"\n  storage_class               = \"STANDARD\"\n  uniform_bucket_level_access = true\n  public_access_prevention    = \"enforced\"\n  labels = {{\n    team = \"team-{}\"\n    env  = \"prod\"\n  }}\n  versioning {{\n    enabled = true\n  }}\n}}\n\n", o % 7),
                1 => format!("resource \"google_compute_instance\" \"vm{o}\" {{\n  name         = \"vm-{o}\"\n  zone         = \"europe-west1-b\"\n  project      = \"{project}\"\n  machine_type = \"e2-medium\"\n  boot_disk {{\n    initialize_params {{\n      image = \"debian-cloud/debian-12\"\n      size  = 20\n    }}\n  }}\n  network_interface {{\n    subnetwork = \"subnet-{}\"\n  }}\n  metadata = {{\n    enable-oslogin = \"TRUE\"\n  }}\n}}\n\n", o % 40),
                2 => format!("resource \"google_service_account\" \"sa{o}\" {{\n  account_id   = \"sa-{o}\"\n  display_name = \"Service account {o}\"\n  project      = \"{project}\"\n}}\n\n"),
                _ => format!("resource \"google_project_iam_member\" \"m{o}\" {{\n  project = \"{project}\"\n  role    = \"roles/storage.objectViewer\"\n  member  = \"serviceAccount:${{google_service_account.sa{}.email}}\"\n}}\n\n", o - 1),
            });
        }
        files.push((format!("resources-{}.tf", start / per_file), text));
    }
    files
}

/// A plan (`terraform show -json`) of an estate: clusters with `pools` node pools among
/// `others` other resources (buckets, instances, service accounts, IAM members), each in
/// `planned_values`, in `resource_changes` (before and after) and in `configuration`, as
/// Terraform writes them.
fn plan(pools: usize, others: usize) -> String {
    let per = 7;
    let mut resources = Vec::new();
    for c in 0..pools.div_ceil(per) {
        resources.push(json!({
            "address": format!("google_container_cluster.c{c}"), "mode": "managed",
            "type": "google_container_cluster", "name": format!("c{c}"),
            "provider_name": "registry.terraform.io/hashicorp/google", "schema_version": 2,
            "values": {"name": format!("cluster-{c}"), "location": "europe-west1", "project": format!("project-{c}"),
                "remove_default_node_pool": true,
                "workload_identity_config": [{"workload_pool": format!("project-{c}.svc.id.goog")}],
                "release_channel": [{"channel": "REGULAR"}]},
        }));
        for i in 0..per.min(pools - c * per) {
            let mode = if (c + i).is_multiple_of(5) {
                "GCE_METADATA"
            } else {
                "GKE_METADATA"
            };
            resources.push(json!({
                "address": format!("google_container_node_pool.c{c}_p{i}"), "mode": "managed",
                "type": "google_container_node_pool", "name": format!("c{c}_p{i}"),
                "provider_name": "registry.terraform.io/hashicorp/google", "schema_version": 1,
                "values": {"name": format!("pool-{i}"), "cluster": format!("cluster-{c}"), "location": "europe-west1",
                    "project": format!("project-{c}"),
                    "node_config": [{"machine_type": "e2-standard-4",
                        "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                        "service_account": format!("gke-nodes@project-{c}.iam.gserviceaccount.com"),
                        "workload_metadata_config": [{"mode": mode}],
                        "shielded_instance_config": [{"enable_secure_boot": true, "enable_integrity_monitoring": true}]}],
                    "management": [{"auto_upgrade": true, "auto_repair": true}]},
            }));
        }
    }
    for o in 0..others {
        let project = format!("project-{}", o % 300);
        let (kind, values) = match o % 4 {
            0 => (
                "google_storage_bucket",
                json!({"name": format!("bucket-{o}"), "location": "EU",
                "project": project, "storage_class": "STANDARD", "uniform_bucket_level_access": true,
                "labels": {"team": format!("team-{}", o % 7), "env": "prod"}, "force_destroy": false,
                "versioning": [{"enabled": true}], "public_access_prevention": "enforced"}),
            ),
            1 => (
                "google_compute_instance",
                json!({"name": format!("vm-{o}"), "zone": "europe-west1-b",
                "project": project, "machine_type": "e2-medium", "can_ip_forward": false,
                "boot_disk": [{"auto_delete": true, "initialize_params": [{"image": "debian-cloud/debian-12", "size": 20}]}],
                "network_interface": [{"network": "default", "subnetwork": format!("subnet-{}", o % 40)}],
                "labels": {"team": format!("team-{}", o % 7)}, "metadata": {"enable-oslogin": "TRUE"}}),
            ),
            2 => (
                "google_service_account",
                json!({"account_id": format!("sa-{o}"),
                "display_name": format!("Service account {o}"), "project": project, "disabled": false}),
            ),
            _ => (
                "google_project_iam_member",
                json!({"project": project, "role": "roles/storage.objectViewer",
                "member": format!("serviceAccount:sa-{}@{project}.iam.gserviceaccount.com", o - 1), "condition": []}),
            ),
        };
        resources.push(json!({
            "address": format!("{kind}.r{o}"), "mode": "managed", "type": kind, "name": format!("r{o}"),
            "provider_name": "registry.terraform.io/hashicorp/google", "schema_version": 0,
            "values": values,
        }));
    }
    let changes: Vec<Value> = resources
        .iter()
        .map(|r| {
            json!({"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"],
                "provider_name": r["provider_name"],
                "change": {"actions": ["no-op"], "before": r["values"], "after": r["values"],
                    "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}})
        })
        .collect();
    let configured: Vec<Value> = resources
        .iter()
        .map(|r| {
            let expressions: serde_json::Map<String, Value> = r["values"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| v.is_string())
                .map(|(k, v)| (k.clone(), json!({"constant_value": v})))
                .collect();
            json!({"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"],
                "provider_config_key": "google", "expressions": expressions, "schema_version": r["schema_version"]})
        })
        .collect();
    // In Terraform's order of the top-level members (a JSON object here would sort them).
    format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{},"resource_changes":{},"configuration":{}}}"#,
        json!({"root_module": {"resources": resources}}),
        Value::Array(changes),
        json!({"provider_config": {"google": {"name": "google", "full_name": "registry.terraform.io/hashicorp/google"}},
            "root_module": {"resources": configured}}),
    )
}

/// A Cloud Asset Inventory export of `clusters` clusters of 3 pools, a line per asset, each
/// pool listed before its cluster as a NodePool asset and again in its cluster.
fn export(clusters: usize) -> String {
    let mut export = String::new();
    for c in 0..clusters {
        let data = cluster(c, 3);
        let name = format!("//container.googleapis.com/projects/project-{c}/locations/europe-west1/clusters/cluster-{c}");
        for pool in data["nodePools"].as_array().unwrap() {
            let asset = json!({
                "name": format!("{name}/nodePools/{}", pool["name"].as_str().unwrap()),
                "assetType": "container.googleapis.com/NodePool",
                "resource": {"version": "v1", "data": pool},
            });
            export.push_str(&format!("{asset}\n"));
        }
        let asset = json!({
            "name": name,
            "assetType": "container.googleapis.com/Cluster",
            "resource": {"version": "v1", "data": data},
        });
        export.push_str(&format!("{asset}\n"));
    }
    export
}

fn cases(quick: bool) -> Vec<Case> {
    let sizes: &[usize] = if quick {
        &[1, 100]
    } else {
        &[1, 100, 2_000, 20_000]
    };
    let mut out = Vec::new();
    for &pools in sizes {
        let list = clusters(pools);
        let doc = json!({ "clusters": list });
        out.push(Case {
            name: format!("gcloud-json-{pools}"),
            kind: "gcloud JSON",
            files: vec![(
                "clusters.json".into(),
                serde_json::to_string_pretty(&doc).unwrap(),
            )],
        });
        let mut text = String::new();
        yaml(&doc, 0, &mut text);
        out.push(Case {
            name: format!("gcloud-yaml-{pools}"),
            kind: "gcloud YAML",
            files: vec![("clusters.yaml".into(), text)],
        });
    }
    // `gcloud container clusters list --format=yaml`: a document per cluster (read in parts
    // past 32 MiB).
    let yaml_pools = if quick { 70 } else { 30_000 };
    let mut documents = String::new();
    for c in clusters(yaml_pools) {
        if !documents.is_empty() {
            documents.push_str("---\n");
        }
        yaml(&c, 0, &mut documents);
    }
    out.push(Case {
        name: format!("yaml-documents-{yaml_pools}"),
        kind: "gcloud YAML documents",
        files: vec![("clusters.yaml".into(), documents)],
    });
    // One line, as `jq -c`, the REST API and exports write it: positions on long lines.
    let big = if quick { 100 } else { 2_100 };
    out.push(Case {
        name: format!("one-line-{big}"),
        kind: "API, one line",
        files: vec![("cluster.json".into(), cluster(0, big).to_string())],
    });
    // A stream of JSON values, one cluster per line.
    let stream_pools = if quick { 70 } else { 14_000 };
    let stream: String = clusters(stream_pools)
        .iter()
        .map(|c| format!("{c}\n"))
        .collect();
    out.push(Case {
        name: format!("stream-{stream_pools}"),
        kind: "JSON stream",
        files: vec![("clusters.jsonl".into(), stream)],
    });
    // An organization's Cloud Asset Inventory export, a line per asset: each cluster with its
    // node pools, and each pool again as a NodePool asset (read in parts past 32 MiB); and a
    // project's, read whole (in the page too).
    let export_clusters = if quick { 10 } else { 10_000 };
    out.push(Case {
        name: format!("asset-export-{export_clusters}"),
        kind: "CAI export",
        files: vec![("assets.json".into(), export(export_clusters))],
    });
    let whole_clusters = if quick { 5 } else { 3_000 };
    out.push(Case {
        name: format!("asset-export-whole-{whole_clusters}"),
        kind: "CAI export",
        files: vec![("assets.json".into(), export(whole_clusters))],
    });
    let tf_pools = if quick { 70 } else { 2_000 };
    out.push(Case {
        name: format!("terraform-{tf_pools}"),
        kind: "Terraform, one file",
        files: terraform(tf_pools, false),
    });
    let split_pools = if quick { 70 } else { 3_500 };
    out.push(Case {
        name: format!("terraform-files-{split_pools}"),
        kind: "Terraform, file per cluster",
        files: terraform(split_pools, true),
    });
    // The most module instances one check reads (see the README's Limits).
    let module_clusters = if quick { 10 } else { 1_000 };
    out.push(Case {
        name: format!("terraform-modules-{module_clusters}"),
        kind: "Terraform, a module per cluster",
        files: terraform_modules(module_clusters),
    });
    // An estate's configuration and its plan: GKE is a small part of what they hold (no
    // Checkov beside it: it would take minutes).
    let (estate_pools, estate_others) = if quick { (70, 100) } else { (2_000, 36_000) };
    out.push(Case {
        name: format!("terraform-estate-{estate_pools}-among-{estate_others}"),
        kind: "Terraform estate",
        files: terraform_estate(estate_pools, estate_others),
    });
    // An estate's plan: GKE is a small part of what a large plan holds.
    let (plan_pools, others) = if quick { (70, 100) } else { (2_000, 36_000) };
    out.push(Case {
        name: format!("plan-{plan_pools}-among-{others}"),
        kind: "Terraform plan",
        files: vec![("plan.json".into(), plan(plan_pools, others))],
    });
    out
}

/// The run of median wall time (a refused one, if any was): one run on this machine moves by
/// a fifth or so.
fn median(mut all: Vec<Value>) -> Value {
    if let Some(i) = all.iter().position(|r| r.get("refused").is_some()) {
        return all.swap_remove(i);
    }
    all.sort_by(|a, b| {
        a["wall_ms"]
            .as_f64()
            .partial_cmp(&b["wall_ms"].as_f64())
            .unwrap()
    });
    all.swap_remove(all.len() / 2)
}

/// One native run with `format` (and its options): wall time, the `--timings` line, the
/// output's size and whether the check ran.
fn native(bin: &Path, dir: &Path, format: &[&str]) -> Result<Value, String> {
    let written = dir.with_extension("out");
    let started = Instant::now();
    let out = Command::new(bin)
        .args(["check", "--timings", "--output-format"])
        .args(format)
        .arg("--output")
        .arg(&written)
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let wall = started.elapsed().as_secs_f64() * 1e3;
    let output_bytes = std::fs::metadata(&written).map(|m| m.len()).ok();
    let _ = std::fs::remove_file(&written);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let timings = stderr.lines().rev().find_map(|l| {
        serde_json::from_str::<Value>(l)
            .ok()
            .filter(|v| v.get("parse_ms").is_some())
    });
    match (out.status.code(), timings) {
        (Some(0..=1), Some(t)) => {
            Ok(json!({"wall_ms": wall, "timings": t, "output_bytes": output_bytes}))
        }
        (code, _) => {
            // Why: the errors a quiet run prints.
            let quiet = Command::new(bin)
                .args(["check", "--quiet"])
                .arg(dir)
                .output()
                .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
            let why: String = String::from_utf8_lossy(&quiet.stderr)
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("")
                .chars()
                .take(300)
                .collect();
            Ok(json!({"wall_ms": wall, "refused": why, "exit": code}))
        }
    }
}

/// The page's engine under Node: the same Wasm builds, called as the page calls them.
fn wasm(dir: &Path, files: &[(String, String)]) -> Result<Value, String> {
    let dist = root().join("dist");
    if !dist.join("pkg-gcloud/gkecheck_bg.wasm").exists() {
        return Ok(json!({"skipped": "dist/ is not built (cargo xtask dist)"}));
    }
    let script = root().join("tests/bench/wasm.mjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(&dist)
        .args(files.iter().map(|(n, _)| dir.join(n)))
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).map_err(|e| {
        format!(
            "the Wasm benchmark printed no result ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The page in Chromium: a paste of each size, timed from the input to results on screen
/// (`tests/bench/page.mjs`). Needs dist/ and the browser tests' driver; skipped without them.
fn page_bench(quick: bool) -> Result<Value, String> {
    let root = root();
    let driver = root.join("tests/browser/node_modules/playwright-core");
    if !root.join("dist/index.html").exists() || !driver.exists() {
        println!("page: skipped (needs cargo xtask dist and npm ci in tests/browser)");
        return Ok(json!({"skipped": "dist/ or the browser driver is missing"}));
    }
    let sizes: &[&str] = if quick {
        &["100000"]
    } else {
        &["100000", "1000000", "8000000"]
    };
    let out = Command::new("node")
        .arg(root.join("tests/bench/page.mjs"))
        .args(sizes)
        .env("GKECHECK_DIST", root.join("dist"))
        .env("GKECHECK_BENCH_RUNS", if quick { "1" } else { "5" })
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the page benchmark failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let rows: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    println!(
        "\n{:<12} {:>10} {:>22} {:>16} {:>14} {:>17} {:>15}",
        "page paste",
        "engine ms",
        "on screen after paste",
        "(fastest-slowest)",
        "all laid out",
        "longest task ms",
        "results, first"
    );
    for r in &rows {
        let range = &r["on_screen_range_ms"];
        println!(
            "{:<12} {:>10.1} {:>22.1} {:>16} {:>14.1} {:>17.1} {:>15}",
            format!("{:.1} MB", r["bytes"].as_f64().unwrap_or(0.0) / 1e6),
            r["engine_ms"].as_f64().unwrap_or(f64::NAN),
            r["on_screen_ms"].as_f64().unwrap_or(f64::NAN),
            format!(
                "{:.0}-{:.0}",
                range[0].as_f64().unwrap_or(f64::NAN),
                range[1].as_f64().unwrap_or(f64::NAN)
            ),
            r["all_laid_out_ms"].as_f64().unwrap_or(f64::NAN),
            r["longest_task_ms"].as_f64().unwrap_or(f64::NAN),
            format!("{}, {}", r["results_shown"], r["results_first"])
        );
    }
    if rows.len() != sizes.len() {
        return Err("the page benchmark printed fewer results than sizes".into());
    }
    Ok(Value::Array(rows))
}

/// Checkov on the same Terraform, when it is installed.
fn checkov(dir: &Path) -> Option<f64> {
    let found = Command::new("checkov").arg("--version").output().ok()?;
    if !found.status.success() {
        return None;
    }
    let started = Instant::now();
    Command::new("checkov")
        .args(["-d"])
        .arg(dir)
        .args([
            "--framework",
            "terraform",
            "--quiet",
            "--compact",
            "-o",
            "json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    Some(started.elapsed().as_secs_f64() * 1e3)
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--quick" | "--keep" => {}
            "--out" | "--only" if rest.next().is_some() => {}
            other => {
                return Err(format!(
                "bench: unexpected {other:?} (expected --quick, --keep, --out FILE, --only NAMES)"
            ))
            }
        }
    }
    let quick = args.iter().any(|a| a == "--quick");
    // `--only gcloud-json,stream,page`: the inputs whose names start with one of these, and
    // the page's bench when `page` is one.
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|names| names.split(',').map(str::to_string).collect());
    let chosen = |name: &str| {
        only.as_ref()
            .is_none_or(|o| o.iter().any(|n| name.starts_with(n.as_str())))
    };
    let keep = args.iter().any(|a| a == "--keep");
    let out_path = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/bench/bench.json"));
    // The command line as users build it (release), or the debug build for the quick pass.
    let profile = if quick { "debug" } else { "release" };
    let mut build = cargo();
    build.args(["build", "--bin", "gkecheck"]);
    if !quick {
        build.arg("--release");
    }
    run(&mut build)?;
    // The Wasm it measures is built afresh too (the quick pass takes CI's own, just built).
    if !quick {
        crate::dist()?;
    }
    let bin = root().join("target").join(profile).join("gkecheck");
    let work = root().join("target/bench/inputs");

    let mut rows = Vec::new();
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "input",
        "MB",
        "parse ms",
        "text ms",
        "json ms",
        "json2 ms",
        "text MB/s",
        "peak MB",
        "json MB",
        "json2 MB",
        "wasm ms",
        "checkov ms"
    );
    for case in cases(quick).into_iter().filter(|c| chosen(&c.name)) {
        let dir = work.join(&case.name);
        // Each input afresh (the others kept, for `--only`).
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in &case.files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| e.to_string())?;
            std::fs::write(&path, text).map_err(|e| e.to_string())?;
        }
        let bytes = case.bytes();
        // The three outputs in turn, run after run, so that a spell of a busier machine
        // weighs on all three alike: their ratios are what the table is read for.
        let runs = if quick { 1 } else { 3 };
        let (mut texts, mut jsons, mut json2s) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            texts.push(native(&bin, &dir, &["concise"])?);
            jsons.push(native(&bin, &dir, &["json"])?);
            json2s.push(native(&bin, &dir, &["json", "--report-version", "2"])?);
        }
        let (text, json_run, json2_run) = (median(texts), median(jsons), median(json2s));
        let wasm_run = if bytes <= PAGE_LIMIT_BYTES {
            wasm(&dir, &case.files)?
        } else {
            json!({"skipped": "over the page's 32 MiB"})
        };
        let checkov_ms = if case.kind.starts_with("Terraform,") {
            checkov(&dir)
        } else {
            None
        };
        let t = &text["timings"];
        let num = |v: &Value| v.as_f64();
        let parse = num(&t["parse_ms"]).map(|p| p + num(&t["read_ms"]).unwrap_or(0.0));
        let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let mb = bytes as f64 / 1e6;
        let wall = |run: &Value| {
            if run.get("refused").is_some() {
                "refused".into()
            } else {
                cell(num(&run["wall_ms"]))
            }
        };
        let written_mb = |run: &Value| cell(num(&run["output_bytes"]).map(|b| b / 1e6));
        println!(
            "{:<26} {:>9.2} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
            case.name,
            mb,
            cell(parse),
            wall(&text),
            wall(&json_run),
            wall(&json2_run),
            cell(
                num(&text["wall_ms"])
                    .filter(|_| text.get("refused").is_none())
                    .map(|ms| mb / (ms / 1e3))
            ),
            cell(num(&t["peak_kib"]).map(|k| k / 1024.0)),
            written_mb(&json_run),
            written_mb(&json2_run),
            cell(num(&wasm_run["check_ms"])),
            cell(checkov_ms),
        );
        rows.push(json!({
            "input": case.name, "kind": case.kind, "bytes": bytes, "files": case.files.len(),
            "text": text, "json": json_run, "json2": json2_run, "wasm": wasm_run,
            "checkov_ms": checkov_ms,
        }));
    }
    let page = if chosen("page") {
        page_bench(quick)?
    } else {
        json!({"skipped": "not chosen (--only)"})
    };
    let report = json!({"profile": profile, "quick": quick, "rows": rows, "page": page});
    if let Some(dir) = out_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(&out_path, serde_json::to_string_pretty(&report).unwrap())
        .map_err(|e| e.to_string())?;
    println!("written to {}", out_path.display());
    // The quick pass checks that every input was read and checked, in every output.
    if quick {
        for row in &rows {
            for mode in ["text", "json", "json2"] {
                if row[mode].get("refused").is_some() {
                    return Err(format!(
                        "{} ({mode}) was not checked: {}",
                        row["input"], row[mode]
                    ));
                }
            }
            if let Some(e) = row["wasm"].get("error") {
                return Err(format!("{} in Wasm: {e}", row["input"]));
            }
        }
    }
    if keep {
        println!("inputs kept in {}", work.display());
    } else {
        // The inputs of this run (those of others kept with --keep stay).
        for row in &rows {
            if let Some(name) = row["input"].as_str() {
                let _ = std::fs::remove_dir_all(work.join(name));
            }
        }
    }
    Ok(())
}
