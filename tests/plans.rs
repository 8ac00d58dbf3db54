//! Terraform plans (`terraform show -json`): module addresses, instances, values known only
//! after apply, joins through the configuration's references, and exact locations.

mod common;

use common::result;
use gkecheck::report::{Finding, Report, Status};
use gkecheck::{check, Input, Options};

fn plan(name: &str) -> (String, Report) {
    let path = format!("{}/tests/fixtures/plans/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let report = check(&[Input::new(name, text.clone())], &Options::default());
    assert_eq!(report.inputs[0].format, "terraform-plan");
    assert!(
        report.inputs[0].error.is_none(),
        "{:?}",
        report.inputs[0].error
    );
    (text, report)
}

/// The text a location covers.
fn covered<'t>(text: &'t str, r: &Finding) -> &'t str {
    let line = text.lines().nth(r.location.line - 1).unwrap();
    let start = line.char_indices().nth(r.location.column - 1).unwrap().0;
    let end = line
        .char_indices()
        .nth(r.location.end_column - 1)
        .map_or(line.len(), |c| c.0);
    assert_eq!(r.location.line, r.location.end_line);
    &line[start..end]
}

#[test]
fn module_instances_after_unknown_and_locations() {
    let (text, report) = plan("module-pools.tfplan.json");

    let web = result(
        &report,
        "GKE001",
        "module.gke.google_container_node_pool.pools[\"web\"]",
    );
    assert_eq!(web.status, Status::Fail);
    assert_eq!((web.location.line, web.location.column), (46, 33));
    assert_eq!(covered(&text, web), "\"GCE_METADATA\"");
    // The pool's cluster is known only after apply: joined through the configuration.
    assert_eq!(web.resource.cluster.as_deref(), Some("shop-prod"));
    assert_eq!(&*web.resource.name, "web");
    let fix = web.remediation.as_ref().unwrap();
    assert_eq!(
        fix.steps.len(),
        1,
        "Workload Identity is on: only the pool changes"
    );
    assert!(fix.steps[0]
        .title
        .contains("in the Terraform configuration this plan was made from"));
    assert!(
        fix.steps[0].location.is_none(),
        "a plan is not the text to edit"
    );

    // `workload_metadata_config = []`: absent, so it follows the cluster's Workload Identity.
    let batch = result(
        &report,
        "GKE001",
        "module.gke.google_container_node_pool.pools[\"batch\"]",
    );
    assert_eq!(batch.status, Status::Pass);
    assert!(
        batch.message.contains("inherits GKE_METADATA"),
        "{}",
        batch.message
    );

    // A configured mode known only after apply is unknown, naming the expression.
    let gpu = result(
        &report,
        "GKE001",
        "module.gke.google_container_node_pool.pools[\"gpu\"]",
    );
    assert_eq!(gpu.status, Status::Unknown);
    assert!(
        gpu.message
            .contains("each.value.metadata_mode (known after apply)"),
        "{}",
        gpu.message
    );

    let cluster = result(
        &report,
        "GKE002",
        "module.gke.google_container_cluster.primary",
    );
    assert_eq!(cluster.status, Status::Pass);
    assert_eq!(covered(&text, cluster), "\"acme-shop-prod.svc.id.goog\"");
    // The default pool is removed: no verdict for it.
    assert!(report.results.iter().all(|r| !(r.rule == "GKE001"
        && &*r.resource.address == "module.gke.google_container_cluster.primary")));
}

#[test]
fn computed_blocks_not_in_the_configuration_follow_the_absent_logic() {
    let text = r#"{"format_version": "1.2", "terraform_version": "1.9.5",
 "planned_values": {"root_module": {"resources": [
  {"address": "google_container_cluster.c", "mode": "managed", "type": "google_container_cluster", "name": "c",
   "provider_name": "registry.terraform.io/hashicorp/google",
   "values": {"name": "c", "node_config": [{"machine_type": "e2-medium"}]}}]}},
 "resource_changes": [{"address": "google_container_cluster.c", "change": {"actions": ["create"],
   "after_unknown": {"workload_identity_config": true, "node_config": [{"workload_metadata_config": true}]}}}],
 "configuration": {"root_module": {"resources": [{"address": "google_container_cluster.c", "mode": "managed",
   "type": "google_container_cluster", "name": "c", "expressions": {"name": {"constant_value": "c"}}}]}}}"#;
    let report = check(&[Input::new("plan.json", text)], &Options::default());
    assert_eq!(
        result(&report, "GKE002", "google_container_cluster.c").status,
        Status::Fail
    );
    assert_eq!(
        result(&report, "GKE001", "google_container_cluster.c").status,
        Status::Fail
    );

    // The same, with workload_identity_config written in the configuration: unknown.
    let configured = text.replace(
        r#""expressions": {"name": {"constant_value": "c"}}"#,
        r#""expressions": {"name": {"constant_value": "c"}, "workload_identity_config": [{"workload_pool": {"references": ["var.pool"]}}]}"#,
    );
    let report = check(&[Input::new("plan.json", configured)], &Options::default());
    let r = result(&report, "GKE002", "google_container_cluster.c");
    assert_eq!(r.status, Status::Unknown);
    assert!(r.message.contains("known after apply"), "{}", r.message);
}

#[test]
fn a_json_document_that_is_not_a_plan_is_told_apart() {
    let report = check(
        &[Input {
            name: "x.json".into(),
            text: r#"{"format_version": "1.0", "values": {}}"#.into(),
            format: Some(gkecheck::input::Format::TerraformPlan),
        }],
        &Options::default(),
    );
    let e = report.inputs[0].error.as_ref().unwrap();
    assert!(
        e.message.contains("expected a Terraform plan"),
        "{}",
        e.message
    );
}
