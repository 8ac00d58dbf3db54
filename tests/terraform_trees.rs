//! Whole Terraform trees: directories, variable files, local and registry modules, `for`
//! expressions, files that do not parse, and `gkecheck check DIR`.

use std::path::Path;
use std::process::Command;

mod common;

use common::result;
use gkecheck::report::Status;
use gkecheck::{check, Input, Options};

const REPO: &str = "tests/fixtures/terraform/repo";

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn repo_inputs(extra: &[&str]) -> Vec<Input> {
    let mut files = vec![
        "main.tf",
        "variables.tf",
        "terraform.tfvars",
        "modules/gke/main.tf",
    ];
    files.extend_from_slice(extra);
    files
        .iter()
        .map(|f| Input::new(format!("{REPO}/{f}"), read(&format!("{REPO}/{f}"))))
        .collect()
}

#[test]
fn local_modules_get_their_callers_arguments_and_addresses() {
    let report = check(&repo_inputs(&[]), &Options::default());
    assert!(report.inputs.iter().all(|i| i.error.is_none()));
    // The default `pools` has one pool; terraform.tfvars sets the project.
    let web = result(
        &report,
        "GKE001",
        "module.gke.google_container_node_pool.pools[\"web\"]",
    );
    assert_eq!(web.status, Status::Pass);
    assert_eq!(web.resource.cluster.as_deref(), Some("shop"));
    assert_eq!(
        &*web.location.input,
        format!("{REPO}/modules/gke/main.tf").as_str()
    );
    let cluster = result(
        &report,
        "GKE002",
        "module.gke.google_container_cluster.this",
    );
    assert_eq!(cluster.status, Status::Pass);
    assert!(
        cluster.message.contains("acme-prod.svc.id.goog"),
        "{}",
        cluster.message
    );
    assert_eq!(
        report
            .results
            .iter()
            .filter(|r| r.rule == "GKE001" && r.resource.address.contains("pools["))
            .count(),
        1
    );
}

#[test]
fn explicit_variable_files_apply_to_root_modules() {
    let report = check(&repo_inputs(&["prod.tfvars"]), &Options::default());
    assert_eq!(report.inputs[4].format, "terraform-vars");
    let batch = result(
        &report,
        "GKE001",
        "module.gke.google_container_node_pool.pools[\"batch\"]",
    );
    assert_eq!(batch.status, Status::Fail);
    assert_eq!((batch.location.line, batch.location.column), (35, 16));
    assert_eq!(
        result(
            &report,
            "GKE001",
            "module.gke.google_container_node_pool.pools[\"web\"]"
        )
        .status,
        Status::Pass
    );
}

#[test]
fn registry_modules_are_named_and_what_flows_through_them_is_unknown() {
    let report = check(&repo_inputs(&[]), &Options::default());
    let extra = result(&report, "GKE001", "google_container_node_pool.legacy_extra");
    assert_eq!(extra.status, Status::Unknown);
    assert!(
        extra.message.contains("module \"legacy\""),
        "{}",
        extra.message
    );
    let notes = &report.inputs[0].notes;
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].line, notes[0].column), (10, 1));
    assert!(notes[0].message.contains("module \"legacy\" (source = \"terraform-google-modules/kubernetes-engine/google\") is not in the input"));
}

#[test]
fn a_module_directory_alone_is_checked_as_a_root() {
    let report = check(
        &[Input::new(
            "gke/main.tf",
            read(&format!("{REPO}/modules/gke/main.tf")),
        )],
        &Options::default(),
    );
    let cluster = result(&report, "GKE002", "google_container_cluster.this");
    // The workload pool is a template with a literal part: set, whatever the project.
    assert_eq!(cluster.status, Status::Pass);
    let pools = result(&report, "GKE001", "google_container_node_pool.pools");
    assert_eq!(pools.status, Status::Unknown);
    assert!(pools.message.contains("var.pools"), "{}", pools.message);
}

#[test]
fn for_expressions_and_functions_modules_use() {
    let text = r#"
variable "pools" {
  default = [
    { name = "a", secure = true },
    { name = "b", secure = false },
  ]
}
locals {
  by_name = { for p in var.pools : p.name => p }
  secure  = [for p in var.pools : p.name if p.secure]
  modes   = { for k, v in local.by_name : k => (v.secure ? "GKE_METADATA" : "GCE_METADATA") }
  grouped = { for p in var.pools : (p.secure ? "yes" : "no") => p.name... }
}
resource "google_container_cluster" "c" {
  remove_default_node_pool = true
}
resource "google_container_node_pool" "p" {
  for_each = local.by_name
  cluster  = google_container_cluster.c.name
  node_config {
    workload_metadata_config {
      mode = contains(local.secure, each.key) && length(local.grouped["yes"]) == 1 ? local.modes[each.key] : "GCE_METADATA"
    }
  }
}
"#;
    let report = check(&[Input::new("main.tf", text)], &Options::default());
    assert_eq!(
        result(&report, "GKE001", "google_container_node_pool.p[\"a\"]").status,
        Status::Pass
    );
    assert_eq!(
        result(&report, "GKE001", "google_container_node_pool.p[\"b\"]").status,
        Status::Fail
    );
}

#[test]
fn a_file_that_does_not_parse_is_located_and_the_others_are_checked() {
    let broken = "resource \"google_container_cluster\" \"c\" {\n  name = \"{{ .Name }}\"\n  node_config {\n    workload_metadata_config {\n      mode = {{ .Mode }}\n    }\n  }\n}\n";
    let good = "resource \"google_container_cluster\" \"ok\" {\n  enable_autopilot = true\n}\n";
    let report = check(
        &[
            Input::new("a/broken.tf", broken),
            Input::new("b/good.tf", good),
        ],
        &Options::default(),
    );
    let e = report.inputs[0].error.as_ref().expect("a located error");
    assert_eq!(e.line, 5);
    assert!(
        e.message.starts_with("expected valid Terraform (HCL)"),
        "{}",
        e.message
    );
    assert_eq!(
        result(&report, "GKE002", "google_container_cluster.ok").status,
        Status::Pass
    );
    assert_eq!(report.exit_code(), 2);
}

#[test]
fn check_dir_reads_a_tree_of_mixed_inputs_and_reports_per_file() {
    let dir = std::env::temp_dir().join(format!("gkecheck-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in [
        ("infra/main.tf", read(&format!("{REPO}/main.tf"))),
        ("infra/variables.tf", read(&format!("{REPO}/variables.tf"))),
        (
            "infra/terraform.tfvars",
            read(&format!("{REPO}/terraform.tfvars")),
        ),
        (
            "infra/modules/gke/main.tf",
            read(&format!("{REPO}/modules/gke/main.tf")),
        ),
        (
            "infra/.terraform/modules/legacy/main.tf",
            "resource \"google_container_cluster\" \"hidden\" {}\n".to_string(),
        ),
        (
            "live/prod.yaml",
            "name: prod\nnodePools:\n- name: apps\n  config: {}\n".to_string(),
        ),
        ("live/package.json", "{\"name\": \"not-gke\"}\n".to_string()),
        (
            "plans/plan.json",
            read("tests/fixtures/plans/module-pools.tfplan.json"),
        ),
    ] {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_gkecheck"))
        .args([
            "check",
            "--format=json",
            "--show-passing",
            dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<String> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["name"]
                .as_str()
                .unwrap()
                .strip_prefix(dir.to_str().unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "/infra/main.tf",
            "/infra/modules/gke/main.tf",
            "/infra/terraform.tfvars",
            "/infra/variables.tf",
            "/live/prod.yaml",
            "/plans/plan.json"
        ]
    );
    let formats: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        [
            "terraform",
            "terraform",
            "terraform-vars",
            "terraform",
            "gcloud-yaml",
            "terraform-plan"
        ]
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("package.json: not a kind of file gkecheck reads"));
    let results = report["results"].as_array().unwrap();
    let status = |address: &str, input: &str| {
        results
            .iter()
            .find(|r| {
                r["rule"] == "GKE001"
                    && r["resource"]["address"] == address
                    && r["location"]["input"].as_str().unwrap().ends_with(input)
            })
            .map(|r| r["status"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no result for {address} in {input}"))
    };
    let web = "module.gke.google_container_node_pool.pools[\"web\"]";
    assert_eq!(status(web, "/infra/modules/gke/main.tf"), "pass");
    assert_eq!(
        status(web, "/plans/plan.json"),
        "fail",
        "the plan's web pool is GCE_METADATA"
    );
    assert_eq!(
        status("clusters/prod/nodePools/apps", "/live/prod.yaml"),
        "fail"
    );
    assert!(results
        .iter()
        .all(|r| r["resource"]["address"] != "google_container_cluster.hidden"));
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
