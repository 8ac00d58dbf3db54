//! GKE005: nodes that run as the Compute Engine default service account.

use super::fix::{self, Draft, DraftStep};
use super::{
    if_pool_exists, is_autopilot, pool_head, Example, Outcome, PendingFix, Rule, Subject, Texts,
};
use crate::model::{Cluster, Field, Model, NodePool, Origin};
use crate::report::{Applicability, Severity, Status};
use crate::span::Span;

pub static RULE: Rule = Rule {
    id: "GKE005",
    name: "node-default-service-account",
    severity: Severity::Medium,
    category: "node-identity",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "A pool's service account cannot change in place: a dedicated account (yours to create and grant) and a replacement pool are needed, and the workloads move to it.",
    title: "Nodes run as the Compute Engine default service account",
    pass_title: "Nodes run as a dedicated service account",
    cis: &[("1.2", "6.2.1"), ("1.7", "5.2.1"), ("2.0", "5.2.1")],
    peers: &["AVD-GCP-0050", "1c8eef02-17b1-4a3e-b01d-dcc3292d2c38", "google-gke-use-service-account"],
    differs: "A `google_service_account.*` reference passes even though its email is known only after apply: it is a dedicated account by construction.",
    what: "Checks that every node pool runs as a dedicated IAM service account: `config.serviceAccount` \
(gcloud, API) or `node_config.service_account` (Terraform) is set, and is neither `default` nor \
`PROJECT_NUMBER-compute@developer.gserviceaccount.com`. Where nodes are auto-provisioned (node \
auto-provisioning, Autopilot), the auto-provisioning defaults' service account is checked too. \
A reference to a `google_service_account` resource is a dedicated account; one to \
`data.google_compute_default_service_account` is the default one.",
    why: "Left unset, GKE runs nodes as the Compute Engine default service account, which projects \
often grant `roles/editor`. That is the identity any pod can take from the node's metadata server \
(GKE001), and it is shared with every VM in the project. A dedicated account needs only \
`roles/container.defaultNodeServiceAccount`, plus what pulling images needs.",
    fix: "Create a service account for the nodes and grant it `roles/container.defaultNodeServiceAccount`. \
A pool's service account cannot be changed in place: create a new pool with \
`--service-account=NAME@PROJECT_ID.iam.gserviceaccount.com`, move the workloads, and delete the old pool. \
In Terraform, set `node_config { service_account = google_service_account.nodes.email }`, which \
recreates the pool, and `cluster_autoscaling { auto_provisioning_defaults { service_account = ... } }` \
for auto-provisioned nodes.",
    examples: examples![
        Example {
            title: "A pool on the default service account (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "prod", "nodePools": [{"name": "apps", "config": {"serviceAccount": "default"}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "A pool on a dedicated service account (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "prod", "nodePools": [{"name": "apps", "config": {"serviceAccount": "gke-nodes@acme.iam.gserviceaccount.com"}}]}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "Terraform: node_config without a service account",
            format: "terraform",
            input: r#"resource "google_container_node_pool" "apps" {
  cluster = "prod"
  node_config {
    machine_type = "e2-standard-4"
  }
}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Terraform: a dedicated service account resource",
            format: "terraform",
            input: r#"resource "google_container_node_pool" "apps" {
  cluster = "prod"
  node_config {
    service_account = google_service_account.nodes.email
  }
}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

/// `123456789012-compute@developer.gserviceaccount.com`
fn is_compute_default(email: &str) -> bool {
    email
        .strip_suffix("-compute@developer.gserviceaccount.com")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The verdict on one service-account setting, and the span to point at when it is set.
pub(crate) fn judge(
    field: &Field<String>,
    whose: &str,
    texts: Texts,
) -> (Status, String, Option<Span>) {
    match field {
        Field::Known { value, span } if value.is_empty() || value == "default" || is_compute_default(value) => (
            Status::Fail,
            format!("{whose} run as the Compute Engine default service account ({}), which projects often grant roles/editor and which any pod can take from the metadata server.", if value.is_empty() { "empty" } else { value }),
            Some(*span),
        ),
        Field::Known { value, span } => (Status::Pass, texts.say(Status::Pass, || format!("{whose} run as a dedicated service account ({value}).")).into_owned(), Some(*span)),
        Field::Unknown { expr, span, .. } if expr.starts_with("google_service_account.") => (
            Status::Pass,
            format!("{whose} run as a dedicated service account ({expr})."),
            Some(*span),
        ),
        Field::Unknown { expr, span, .. } if expr.contains("google_compute_default_service_account") => (
            Status::Fail,
            format!("{whose} run as the Compute Engine default service account ({expr})."),
            Some(*span),
        ),
        Field::Unknown { expr, span, .. } => (
            Status::Unknown,
            format!("{whose}' service account comes from `{expr}`, which gkecheck cannot evaluate; it must not be the Compute Engine default service account."),
            Some(*span),
        ),
        Field::Absent => (
            Status::Fail,
            format!("No service account is set, so {} run as the Compute Engine default service account, which projects often grant roles/editor.", whose.to_ascii_lowercase()),
            None,
        ),
    }
}

fn check(model: &Model, out: &mut Vec<Outcome>) {
    for (i, pool) in model.node_pools.iter().enumerate() {
        let (status, mut message, span) =
            judge(&pool.service_account, "The pool's nodes", Texts::of(model));
        // Findings on one pool agree: where GKE001 passes, no pod reaches the node's token.
        let hidden =
            super::gke001_workload_metadata_not_hardened::verdict(model, pool, Texts::None).0
                == Status::Pass;
        if hidden && status == Status::Fail {
            message = message.replace(
                "and which any pod can take from the metadata server.",
                "and which the nodes themselves hold: the GKE metadata server keeps it from pods, but anything that escapes to a node has it.",
            );
        }
        let (status, message) = if_pool_exists(pool, status, message.into());
        let at = span.map_or(pool_head(pool), |s| (pool.site.input, s));
        let (remediation, pending) = PendingFix::ModelPool(pool_fix, i).settle(status, model);
        out.push(Outcome {
            pending,
            rule: &RULE,
            status,
            message,
            subject: Subject::NodePool(i),
            at,
            remediation,
        });
    }
    for (i, cluster) in model.clusters.iter().enumerate() {
        // Auto-provisioned nodes: node auto-provisioning, and every Autopilot node.
        let provisioned = matches!(
            (&cluster.autoprovisioning, is_autopilot(cluster)),
            (_, true) | (Field::Known { value: true, .. } | Field::Unknown { .. }, _)
        );
        if !provisioned {
            continue;
        }
        let (status, message, span) = judge(
            &cluster.autoprovisioning_service_account,
            "Auto-provisioned nodes",
            Texts::of(model),
        );
        let (status, message) = match (&cluster.autoprovisioning, is_autopilot(cluster), status) {
            (Field::Unknown { expr, .. }, false, Status::Fail) => (
                Status::Unknown,
                format!("{message} But whether node auto-provisioning is on depends on `{expr}`, which gkecheck cannot evaluate."),
            ),
            (_, _, s) => (s, message),
        };
        let at = (cluster.site.input, span.unwrap_or(cluster.site.head));
        let (remediation, pending) =
            PendingFix::Cluster(cluster_fix, i, at.1).settle(status, model);
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

const WARN_NEW_POOL: &str = "A node pool's service account cannot be changed in place: the new pool's nodes replace the old ones. Move the workloads (cordon and drain), then delete the old pool.";

fn pool_fix(model: &Model, pool: &NodePool) -> Draft {
    let cluster = model.cluster_of(pool);
    let names = fix::names(cluster, Some(pool));
    let pool_name = pool.command_name();
    let sa = format!("gke-nodes@{}.iam.gserviceaccount.com", names.project);
    let steps = match pool.origin {
        Origin::Live => vec![
            DraftStep::shell(
                "Create a service account for the nodes, with only the role GKE nodes need",
                format!(
                    "gcloud iam service-accounts create gke-nodes --project={p} --display-name=\"GKE nodes\"\ngcloud projects add-iam-policy-binding {p} --member=\"serviceAccount:{sa}\" --role=roles/container.defaultNodeServiceAccount",
                    p = names.project
                ),
            ),
            DraftStep::shell(
                format!("Create a pool that replaces {pool_name}, running as that account"),
                format!(
                    "gcloud container node-pools create {pool_name}-v2 --cluster={} --location={} --project={} --service-account={sa} --workload-metadata=GKE_METADATA",
                    names.cluster, names.location, names.project
                ),
            ),
        ],
        Origin::Config => vec![DraftStep::hcl(
            format!("In {}, run the nodes as a dedicated account (and grant it roles/container.defaultNodeServiceAccount)", pool.site.address),
            "service_account = google_service_account.nodes.email",
            &pool.site,
            pool.node_config.unwrap_or(pool.site.head),
        )],
    };
    Draft {
        summary: format!("Run node pool {pool_name} as a dedicated, least-privileged service account.").into(),
        steps,
        warnings: vec![WARN_NEW_POOL.into()],
        verify: vec![DraftStep::shell(
            "This prints the pool's service account",
            format!(
                "gcloud container node-pools describe {pool_name} --cluster={} --location={} --project={} --format=\"value(config.serviceAccount)\"",
                names.cluster, names.location, names.project
            ),
        )],
    }
}

fn cluster_fix(cluster: &Cluster, _: Span) -> Draft {
    let names = fix::names(Some(cluster), None);
    Draft {
        summary: format!("Give cluster {}'s auto-provisioned nodes a dedicated, least-privileged service account.", names.cluster).into(),
        steps: vec![match cluster.origin {
            Origin::Config => DraftStep::hcl(
                format!("In {}, inside cluster_autoscaling", cluster.site.address),
                "auto_provisioning_defaults {\n  service_account = google_service_account.nodes.email\n}",
                &cluster.site,
                cluster.insert_at,
            ),
            Origin::Live => DraftStep::shell(
                "Create the account; then set it as the auto-provisioning defaults' service account (for Autopilot, when the cluster is created)",
                format!(
                    "gcloud iam service-accounts create gke-nodes --project={p} --display-name=\"GKE nodes\"\ngcloud projects add-iam-policy-binding {p} --member=\"serviceAccount:gke-nodes@{p}.iam.gserviceaccount.com\" --role=roles/container.defaultNodeServiceAccount",
                    p = names.project
                ),
            ),
        }],
        warnings: vec![],
        verify: vec![DraftStep::shell(
            "This prints the auto-provisioned nodes' service account",
            format!(
                "gcloud container clusters describe {} --location={} --project={} --format=\"value(autoscaling.autoprovisioningNodePoolDefaults.serviceAccount)\"",
                names.cluster, names.location, names.project
            ),
        )],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn compute_default_addresses() {
        assert!(super::is_compute_default(
            "123456789012-compute@developer.gserviceaccount.com"
        ));
        assert!(!super::is_compute_default(
            "gke@acme.iam.gserviceaccount.com"
        ));
        assert!(!super::is_compute_default(
            "-compute@developer.gserviceaccount.com"
        ));
    }
}
