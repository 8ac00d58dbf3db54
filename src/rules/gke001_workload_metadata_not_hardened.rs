//! GKE001: a node pool whose pods can reach the node's metadata server.

use super::fix::{self, Draft, DraftStep};
use super::{
    identity, if_pool_exists, is_autopilot, pool_head, Example, Identity, Outcome, PendingFix,
    Rule, Subject, Texts,
};
use crate::model::{Field, Missing, Model, NodePool, Origin};
use crate::report::{Applicability, Severity, Status};
use std::borrow::Cow;

pub static RULE: Rule = Rule {
    id: "GKE001",
    name: "workload-metadata-not-hardened",
    severity: Severity::High,
    category: "node-identity",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Changing a node pool's metadata mode recreates its nodes (plan it for a maintenance window, with PodDisruptionBudgets), and workloads that used the node's service account lose it unless they are mapped to their own identity first. GKE accepts GKE_METADATA only on a cluster with Workload Identity, so this fix comes with GKE002's.",
    title: "Pods on this node pool can take the node's service-account token from the metadata server",
    pass_title: "Pods on this node pool cannot take the node's token: it runs the GKE metadata server",
    cis: &[("1.2", "6.4.2"), ("1.6", "5.4.2"), ("1.9", "5.4.1")],
    peers: &["CKV_GCP_69", "AVD-GCP-0057", "google-gke-node-metadata-security"],
    differs: "`SECURE` (metadata concealment) fails, since it still hands out the node's token; and a Terraform pool without `workload_metadata_config` is judged by its cluster's Workload Identity, which decides the mode GKE gives it (GKE003 asks for the mode to be written down).",
    what: "Checks that every node pool runs the GKE metadata server: `workloadMetadataConfig.mode` is `GKE_METADATA` \
(gcloud, API) or `workload_metadata_config { mode = \"GKE_METADATA\" }` (Terraform). The deprecated \
`nodeMetadata = GKE_METADATA_SERVER` (gcloud beta, provider v3) counts too when `mode` is not there; when both \
are there, `mode` decides. Autopilot clusters always pass.",
    why: "Every GKE node is a VM whose metadata server (169.254.169.254) hands the node service account's \
token to anyone who asks. Unless the GKE metadata server stands in front of it, any compromised pod, or one \
SSRF bug, can take that token; with the default compute service account and `roles/editor`, that is the whole \
project. `nodeMetadata: SECURE` (metadata concealment) hides kube-env but still hands out the token. \
The API leaves `workloadMetadataConfig` out of a pool that exposes the metadata server, so a missing \
setting fails in gcloud output. In Terraform the block is optional: GKE gives a new pool `GKE_METADATA` \
when its cluster has Workload Identity and `GCE_METADATA` when it has not, so the verdict then follows the \
cluster (and asks you to pin the mode).",
    fix: "Enable Workload Identity on the cluster (`gcloud container clusters update CLUSTER \
--workload-pool=PROJECT_ID.svc.id.goog`), map each workload that calls Google APIs to its own identity, then \
switch every pool: `gcloud container node-pools update POOL --cluster=CLUSTER --workload-metadata=GKE_METADATA`. \
In Terraform, set `workload_metadata_config { mode = \"GKE_METADATA\" }` in each pool's `node_config` and \
`workload_identity_config { workload_pool = ... }` on the cluster. Changing the mode recreates the pool's nodes.",
    examples: examples![
        Example {
            title: "A pool exposing the metadata server (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "prod", "workloadIdentityConfig": {"workloadPool": "acme.svc.id.goog"},
 "nodePools": [{"name": "apps", "config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "A pool with the setting left out: the API omits it when the metadata server is exposed",
            format: "gcloud-json",
            input: r#"{"name": "prod", "nodePools": [{"name": "apps", "config": {}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "A hardened pool (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "prod", "workloadIdentityConfig": {"workloadPool": "acme.svc.id.goog"},
 "nodePools": [{"name": "apps", "config": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}}}]}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "Terraform: the pool pins GKE_METADATA",
            format: "terraform",
            input: r#"resource "google_container_node_pool" "apps" {
  cluster = google_container_cluster.prod.id
  node_config {
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}
resource "google_container_cluster" "prod" {
  remove_default_node_pool = true
  workload_identity_config {
    workload_pool = "acme.svc.id.goog"
  }
}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "Terraform: no block, cluster without Workload Identity: GKE gives GCE_METADATA",
            format: "terraform",
            input: r#"resource "google_container_cluster" "prod" {
  remove_default_node_pool = true
}
resource "google_container_node_pool" "apps" {
  cluster = google_container_cluster.prod.name
}"#,
            expect: &[Status::Fail],
        },
    ],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    let pools = model.pools_by_cluster();
    for (i, cluster) in model.clusters.iter().enumerate() {
        if is_autopilot(cluster) && pools[i].is_empty() {
            out.push(Outcome {
                pending: None,
                rule: &RULE,
                status: Status::Pass,
                message: "Autopilot cluster: every node runs the GKE metadata server.".into(),
                subject: Subject::Cluster(i),
                at: (
                    cluster.site.input,
                    cluster.autopilot.span().unwrap_or(cluster.site.head),
                ),
                remediation: None,
            });
        }
    }
    for (i, pool) in model.node_pools.iter().enumerate() {
        let (status, message, at) = verdict(model, pool, Texts::of(model));
        let (status, message) = if_pool_exists(pool, status, message);
        let (remediation, pending) = PendingFix::ModelPool(remediation, i).settle(status, model);
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
}

/// GKE001's verdict on a pool, with the message `texts` asks for (the commonest are made only
/// then; the others are rare).
pub(crate) fn verdict(
    model: &Model,
    pool: &NodePool,
    texts: Texts,
) -> (Status, Cow<'static, str>, (usize, crate::span::Span)) {
    let input = pool.site.input;
    let cluster = model.cluster_of(pool);
    if let Some(c) = cluster.filter(|c| is_autopilot(c)) {
        let at = (c.site.input, c.autopilot.span().unwrap_or(c.site.head));
        return (
            Status::Pass,
            "Autopilot cluster: every node runs the GKE metadata server.".into(),
            at,
        );
    }
    let field = if pool.mode.is_absent() {
        &pool.node_metadata
    } else {
        &pool.mode
    };
    match field {
        Field::Known { value, span } => {
            let at = (input, *span);
            let (status, message) = match value.as_str() {
                "GKE_METADATA" | "GKE_METADATA_SERVER" => (
                    Status::Pass,
                    texts.say(Status::Pass, || format!("The GKE metadata server is on ({value}): pods cannot take the node's credentials.")),
                ),
                "SECURE" => (
                    Status::Fail,
                    "nodeMetadata SECURE is metadata concealment: it hides kube-env, but any pod can still take the node service account's token from the metadata server.".into(),
                ),
                "GCE_METADATA" | "EXPOSE" => (
                    Status::Fail,
                    texts.say(Status::Fail, || format!("{value} exposes the node's metadata server to every pod: any pod can take the node service account's token.")),
                ),
                "MODE_UNSPECIFIED" | "UNSPECIFIED" | "" => (
                    Status::Fail,
                    format!("The metadata mode is {}: the pool does not run the GKE metadata server, so pods can take the node service account's token.", if value.is_empty() { "empty" } else { value.as_str() }).into(),
                ),
                other => (
                    Status::Fail,
                    format!("The metadata mode is {other:?}, not GKE_METADATA: the pool does not run the GKE metadata server.").into(),
                ),
            };
            (status, message, at)
        }
        Field::Unknown { expr, span, .. } => (
            Status::Unknown,
            format!("The metadata mode comes from `{expr}`, which gkecheck cannot evaluate; it must be GKE_METADATA.").into(),
            (input, *span),
        ),
        Field::Absent => absent(model, pool, texts),
    }
}

/// Neither `mode` nor `nodeMetadata` is set.
fn absent(
    model: &Model,
    pool: &NodePool,
    texts: Texts,
) -> (Status, Cow<'static, str>, (usize, crate::span::Span)) {
    let head = pool_head(pool);
    match (&pool.metadata_config, pool.origin) {
        (Field::Unknown { expr, span, .. }, _) => (
            Status::Unknown,
            format!("The pool's metadata settings come from `{expr}`, which gkecheck cannot evaluate; the mode must be GKE_METADATA.").into(),
            (pool.site.input, *span),
        ),
        (_, Origin::Live) => (
            Status::Fail,
            "The pool has no workloadMetadataConfig: the API leaves it out when the node's metadata server is exposed, so any pod can take the node service account's token.".into(),
            head,
        ),
        (Field::Known { span, .. }, Origin::Config) => (
            Status::Unknown,
            "The workload_metadata_config block sets neither mode nor node_metadata (the provider requires mode); set mode = \"GKE_METADATA\".".into(),
            (pool.site.input, *span),
        ),
        (Field::Absent, Origin::Config) => match model.cluster_of(pool) {
            None => {
                if let Some(Missing { reference: Some(r), module: Some(m), .. }) = pool.cluster.missing() {
                    return (
                        Status::Unknown,
                        format!("No workload_metadata_config, so the mode follows the cluster's Workload Identity, and the cluster comes from `{r}`, an output of module \"{m}\" that gkecheck does not follow. Pin mode = \"GKE_METADATA\".").into(),
                        head,
                    );
                }
                let named = match pool.cluster.missing() {
                    Some(Missing { reference: Some(r), alike, .. }) if *alike > 1 => format!("its cluster (`{r}`) fits {alike} clusters of the input, which its location and project do not tell apart"),
                    Some(Missing { reference: Some(r), elsewhere: 1, .. }) => format!("its cluster (`{r}`) is not in its configuration (a cluster of that name elsewhere in the input, in another root configuration or live output, is not joined to it)"),
                    Some(Missing { reference: Some(r), elsewhere, .. }) if *elsewhere > 1 => format!("its cluster (`{r}`) is not in its configuration ({elsewhere} clusters of that name elsewhere in the input, in other root configurations or live output, are not joined to it)"),
                    Some(Missing { reference: Some(r), .. }) => format!("its cluster (`{r}`) is not in the input"),
                    _ => "it names no cluster in the input".to_string(),
                };
                (
                    Status::Fail,
                    format!("No workload_metadata_config, and {named}: GKE gives a new pool GCE_METADATA unless the cluster has Workload Identity, which gkecheck cannot confirm. Pin mode = \"GKE_METADATA\".").into(),
                    head,
                )
            }
            Some(cluster) => match &cluster.autopilot {
                Field::Unknown { expr, span, .. } => (
                    Status::Unknown,
                    format!("No workload_metadata_config, and whether the cluster is Autopilot depends on `{expr}`, which gkecheck cannot evaluate.").into(),
                    (cluster.site.input, *span),
                ),
                _ => match identity(cluster) {
                    Identity::On(..) => (
                        Status::Pass,
                        texts.say(Status::Pass, || format!("No workload_metadata_config: the pool inherits GKE_METADATA from Workload Identity on {}. Pin mode = \"GKE_METADATA\" so that it cannot drift.", cluster.site.address)),
                        head,
                    ),
                    Identity::Unknown(expr, span) => (
                        Status::Unknown,
                        format!("No workload_metadata_config, so the mode follows the cluster's Workload Identity, which comes from `{expr}`; gkecheck cannot evaluate it.").into(),
                        (cluster.site.input, span),
                    ),
                    Identity::Off => (
                        Status::Fail,
                        format!("No workload_metadata_config, and {} has no Workload Identity: GKE gives the pool GCE_METADATA, so any pod can take the node service account's token.", cluster.site.address).into(),
                        head,
                    ),
                },
            },
        },
    }
}

pub(crate) fn remediation(model: &Model, pool: &NodePool) -> Draft {
    let cluster = model.cluster_of(pool);
    let names = fix::names(cluster, Some(pool));
    let pool_name = pool.command_name();
    let needs_identity = cluster.is_none_or(|c| matches!(identity(c), Identity::Off));
    let mut steps = Vec::new();
    match pool.origin {
        Origin::Live => {
            if needs_identity {
                let mut step = fix::enable_identity_command(&names);
                if cluster.is_none() {
                    step.title.to_mut().push_str(
                        " (if it is not on already: this input does not show the cluster)",
                    );
                }
                steps.push(step);
            }
            steps.push(DraftStep::shell(
                format!("Switch node pool {pool_name} to the GKE metadata server"),
                format!(
                    "gcloud container node-pools update {pool_name} --cluster={} --location={} --project={} --workload-metadata=GKE_METADATA",
                    names.cluster, names.location, names.project
                ),
            ));
        }
        Origin::Config => {
            if let Some(c) = cluster.filter(|_| needs_identity) {
                steps.push(fix::enable_identity_hcl(c));
            }
            let block = "workload_metadata_config {\n  mode = \"GKE_METADATA\"\n}";
            let step = match (
                pool.mode.span().or(pool.node_metadata.span()),
                pool.metadata_config.span(),
                pool.node_config,
            ) {
                (Some(span), ..) => DraftStep::hcl(
                    format!("In {}, set the mode", pool.site.address),
                    "mode = \"GKE_METADATA\"",
                    &pool.site,
                    span,
                ),
                (None, Some(span), _) | (None, None, Some(span)) => DraftStep::hcl(
                    format!("In {}, inside node_config", pool.site.address),
                    block,
                    &pool.site,
                    span,
                ),
                (None, None, None) => DraftStep::hcl(
                    format!("In {}, add", pool.site.address),
                    format!("node_config {{\n  {}\n}}", block.replace('\n', "\n  ")),
                    &pool.site,
                    pool.site.head,
                ),
            };
            steps.push(step);
        }
    }
    let summary = if needs_identity {
        format!("Enable Workload Identity on cluster {}, map workloads to their own identities, then switch node pool {} to GKE_METADATA.", cluster.map_or(names.cluster, |c| c.display_name()), pool.display_name())
    } else {
        format!(
            "Map workloads to their own identities, then switch node pool {} to GKE_METADATA.",
            pool.display_name()
        )
    };
    Draft {
        summary: summary.into(),
        steps,
        warnings: vec![fix::WARN_IDENTITY.into(), fix::WARN_RECREATE.into()],
        verify: fix::verify_steps(pool.origin, &names, &pool_name),
    }
}
