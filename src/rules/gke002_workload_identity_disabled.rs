//! GKE002: a cluster without Workload Identity.

use super::fix::{self, Draft};
use super::{identity, Example, Identity, Outcome, PendingFix, Rule, Subject};
use crate::model::{Cluster, Field, Model, Origin};
use crate::report::{Applicability, Severity, Status};
use crate::span::Span;

pub static RULE: Rule = Rule {
    id: "GKE002",
    name: "workload-identity-disabled",
    severity: Severity::High,
    category: "node-identity",
    fix_applicability: Applicability::Safe,
    fix_cost: "Turning on Workload Identity updates the cluster in place; no node is recreated and existing pools keep their metadata mode until GKE001's fix changes it.",
    title: "The cluster has no Workload Identity, so no node pool can run the GKE metadata server",
    pass_title: "The cluster has Workload Identity",
    cis: &[("1.2", "6.2.2"), ("1.6", "5.2.2")],
    peers: &[],
    differs: "",
    what: "Checks that the cluster has Workload Identity: `workloadIdentityConfig.workloadPool` (gcloud, API; \
`identityNamespace` in older output) or `workload_identity_config { workload_pool = ... }` (Terraform; \
`identity_namespace` before provider 4.0). A template such as \
`\"${data.google_project.p.project_id}.svc.id.goog\"` counts as set. Autopilot clusters always pass.",
    why: "Without Workload Identity, pods that call Google APIs use the node's service account, and node pools \
cannot run the GKE metadata server (GKE001), so every pod can take the node's credentials.",
    fix: "`gcloud container clusters update CLUSTER --location=LOCATION --workload-pool=PROJECT_ID.svc.id.goog`, \
or in Terraform `workload_identity_config { workload_pool = \"PROJECT_ID.svc.id.goog\" }`. Then switch each \
node pool to GKE_METADATA (GKE001).",
    examples: examples![
        Example {
            title: "No Workload Identity",
            format: "gcloud-json",
            input: r#"{"name": "prod", "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Workload Identity from a template (Terraform)",
            format: "terraform",
            input: r#"resource "google_container_cluster" "prod" {
  remove_default_node_pool = true
  workload_identity_config {
    workload_pool = "${data.google_project.project.project_id}.svc.id.goog"
  }
}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    for (i, cluster) in model.clusters.iter().enumerate() {
        let head = (cluster.site.input, cluster.site.head);
        let (status, message, at) = match (&cluster.autopilot, identity(cluster)) {
            (Field::Known { value: true, span }, _) => (
                Status::Pass,
                "Autopilot cluster: Workload Identity is always on.".to_string(),
                (cluster.site.input, *span),
            ),
            (_, Identity::On(Some(pool), span)) => (
                Status::Pass,
                format!("Workload Identity is on (workload pool {pool})."),
                (cluster.site.input, span),
            ),
            (_, Identity::On(None, span)) => (
                Status::Pass,
                "Workload Identity is on (the workload pool is set from a template).".to_string(),
                (cluster.site.input, span),
            ),
            (_, Identity::Unknown(expr, span)) => (
                Status::Unknown,
                format!("The workload pool comes from `{expr}`, which gkecheck cannot evaluate."),
                (cluster.site.input, span),
            ),
            (Field::Unknown { expr, span, .. }, Identity::Off) => (
                Status::Unknown,
                format!("No Workload Identity, but whether the cluster is Autopilot depends on `{expr}`, which gkecheck cannot evaluate."),
                (cluster.site.input, *span),
            ),
            (_, Identity::Off) => (
                Status::Fail,
                "The cluster has no Workload Identity: pods use the node's service account, and no node pool can run the GKE metadata server.".to_string(),
                cluster.workload_pool.span().map_or(head, |s| (cluster.site.input, s)),
            ),
        };
        let (remediation, pending) = match status {
            // An unknown one gets none: whether it needs one depends on an expression.
            Status::Fail => PendingFix::Cluster(enable_identity, i, at.1).settle(status, model),
            _ => (None, None),
        };
        out.push(Outcome {
            pending,
            rule: &RULE,
            status,
            message: message.into(),
            subject: Subject::Cluster(i),
            at,
            remediation,
        });
    }
}

fn enable_identity(cluster: &Cluster, _: Span) -> Draft {
    let names = fix::names(Some(cluster), None);
    let step = match cluster.origin {
        Origin::Live => fix::enable_identity_command(&names),
        Origin::Config => fix::enable_identity_hcl(cluster),
    };
    Draft {
        summary: format!("Enable Workload Identity on cluster {}, then switch each node pool to GKE_METADATA (GKE001).", names.cluster).into(),
        steps: vec![step],
        warnings: vec![fix::WARN_IDENTITY.into()],
        verify: vec![fix::DraftStep::shell(
            "This prints the workload pool",
            format!(
                "gcloud container clusters describe {} --location={} --project={} --format=\"value(workloadIdentityConfig.workloadPool)\"",
                names.cluster, names.location, names.project
            ),
        )],
    }
}
