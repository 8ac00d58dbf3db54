//! Remediation built from the input: gcloud commands with the real names, or the Terraform
//! block to write and where.

use crate::model::{Cluster, Field, Missing, NodePool, Origin, Site};
use crate::span::Span;
use std::borrow::Cow;

/// A remediation as a rule drafts it, before its spans become report locations. Texts are
/// borrowed where they are fixed (warnings, most titles): a report of thousands of failing
/// results repeats them for each.
pub struct Draft {
    pub summary: Cow<'static, str>,
    pub steps: Vec<DraftStep>,
    pub warnings: Vec<Cow<'static, str>>,
    pub verify: Vec<DraftStep>,
}

pub struct DraftStep {
    pub title: Cow<'static, str>,
    pub code: Cow<'static, str>,
    pub language: &'static str,
    pub at: Option<(usize, Span)>,
}

impl DraftStep {
    pub fn shell(
        title: impl Into<Cow<'static, str>>,
        code: impl Into<Cow<'static, str>>,
    ) -> DraftStep {
        DraftStep {
            title: title.into(),
            code: code.into(),
            language: "shell",
            at: None,
        }
    }

    /// Terraform to write at `site`'s resource; the place is given when the input is the
    /// configuration itself (a plan only names the resource).
    pub fn hcl(
        title: impl Into<Cow<'static, str>>,
        code: impl Into<Cow<'static, str>>,
        site: &Site,
        at: Span,
    ) -> DraftStep {
        let mut title = title.into();
        if !site.editable {
            title
                .to_mut()
                .push_str(" (in the Terraform configuration this plan was made from)");
        }
        DraftStep {
            title,
            code: code.into(),
            language: "hcl",
            at: site.editable.then_some((site.input, at)),
        }
    }
}

/// The words remediation writes where the input does not give a name or the value is the
/// reader's to choose.
pub const PLACEHOLDERS: &[&str] = &[
    "CLUSTER_NAME",
    "POOL_NAME",
    "LOCATION",
    "PROJECT_ID",
    "CIDR",
    "KEY",
    "YOUR_DOMAIN",
    "NODE_SA",
];

/// Whether a command holds a placeholder: a person must fill it in before it can run.
pub fn has_placeholder(code: &str) -> bool {
    code.split(|c: char| !(c.is_ascii_uppercase() || c == '_'))
        .any(|word| PLACEHOLDERS.contains(&word))
}

pub const WARN_RECREATE: &str = "Changing a node pool's metadata mode recreates its nodes, a few at a time. Give your workloads PodDisruptionBudgets and do it in a maintenance window.";
pub const WARN_IDENTITY: &str = "Pods lose the node's service account when the GKE metadata server is on. First give each workload that calls Google APIs its own identity (a Kubernetes service account bound to an IAM service account with roles/iam.workloadIdentityUser), or it loses access.";

/// The names the commands need, with clear placeholders where the input does not say.
pub struct Names<'a> {
    pub cluster: &'a str,
    pub location: &'a str,
    pub project: &'a str,
    /// True when the project came from the input.
    pub project_known: bool,
}

fn known_or<'a>(field: &'a Field<String>, placeholder: &'static str) -> &'a str {
    match field.as_str() {
        Some(v) if !v.is_empty() => v,
        _ => placeholder,
    }
}

pub fn names<'a>(cluster: Option<&'a Cluster>, pool: Option<&'a NodePool>) -> Names<'a> {
    let cluster_name = match (cluster, pool.and_then(|p| p.cluster.missing())) {
        (Some(c), _) => known_or(&c.name, "CLUSTER_NAME"),
        (None, Some(Missing { name: Some(n), .. })) => n.as_str(),
        _ => "CLUSTER_NAME",
    };
    let (project, location) = match (cluster, pool) {
        (Some(c), _) => (&c.project, &c.location),
        (None, Some(p)) => (&p.project, &p.location),
        (None, None) => (&ABSENT, &ABSENT),
    };
    Names {
        cluster: cluster_name,
        location: known_or(location, "LOCATION"),
        project: known_or(project, "PROJECT_ID"),
        project_known: project.as_str().is_some_and(|p| !p.is_empty()),
    }
}

/// A field that is not there, for a fix of neither cluster nor pool.
static ABSENT: Field<String> = Field::Absent;

/// `gcloud container clusters update ... --workload-pool=...`
pub fn enable_identity_command(n: &Names) -> DraftStep {
    let mut title = format!("Enable Workload Identity on cluster {}", n.cluster);
    if !n.project_known {
        title.push_str(" (replace PROJECT_ID with the cluster's project id)");
    }
    DraftStep::shell(
        title,
        format!(
            "gcloud container clusters update {} --location={} --project={} --workload-pool={}.svc.id.goog",
            n.cluster, n.location, n.project, n.project
        ),
    )
}

/// The `workload_identity_config` block for a Terraform cluster.
pub fn enable_identity_hcl(cluster: &Cluster) -> DraftStep {
    let pool = match cluster.project.as_str() {
        Some(p) if !p.is_empty() => format!("\"{p}.svc.id.goog\""),
        _ => "\"${data.google_project.project.project_id}.svc.id.goog\"".to_string(),
    };
    let mut code = format!("workload_identity_config {{\n  workload_pool = {pool}\n}}");
    if cluster.project.as_str().is_none() {
        code.push_str("\n\n# and, once in the module:\n# data \"google_project\" \"project\" {}");
    }
    DraftStep::hcl(
        format!(
            "Enable Workload Identity: add this inside {}",
            cluster.site.address
        ),
        code,
        &cluster.site,
        cluster.insert_at,
    )
}

pub fn verify_steps(origin: Origin, n: &Names, pool: &str) -> Vec<DraftStep> {
    let mut steps = Vec::new();
    if origin == Origin::Config {
        steps.push(DraftStep::shell(
            "Plan: Terraform shows the change to the pool's node_config (the nodes are recreated)",
            "terraform plan",
        ));
    }
    steps.push(DraftStep::shell(
        "After the update, this prints GKE_METADATA",
        format!(
            "gcloud container node-pools describe {pool} --cluster={} --location={} --project={} --format=\"value(config.workloadMetadataConfig.mode)\"",
            n.cluster, n.location, n.project
        ),
    ));
    steps.push(DraftStep::shell(
        "From a pod on that pool, reading the node's kube-env must now fail (403 or 404, not 200)",
        format!(
            "kubectl run metadata-check --rm -it --restart=Never --image=curlimages/curl \\\n  --overrides='{{\"spec\":{{\"nodeSelector\":{{\"cloud.google.com/gke-nodepool\":\"{pool}\"}}}}}}' -- \\\n  curl -s -o /dev/null -w '%{{http_code}}\\n' -H 'Metadata-Flavor: Google' \\\n  http://169.254.169.254/computeMetadata/v1/instance/attributes/kube-env"
        ),
    ));
    steps
}

/// What to change for a cluster-level setting.
pub struct ClusterSetting {
    pub summary: String,
    /// For gcloud input: the step's title and the flags of `gcloud container clusters update`;
    /// no flags when no command changes the running cluster (the title says what to do).
    pub gcloud: (&'static str, &'static str),
    /// For Terraform: the step's title (after "In ADDRESS, ") and the HCL to write at `at`.
    pub hcl: (&'static str, &'static str),
    pub warning: &'static str,
    /// How to verify: the step's title and the `--format=value(...)` field, when there is one.
    pub verify: Option<(&'static str, &'static str)>,
}

/// The remediation of a cluster-level setting: a `gcloud container clusters update` for
/// live state, or the Terraform to write at `at` for configuration.
pub fn cluster_setting(cluster: &Cluster, at: Span, change: ClusterSetting) -> Draft {
    let n = names(Some(cluster), None);
    let step = match cluster.origin {
        // No flags: nothing changes the running cluster; the title says what to do by hand.
        Origin::Live if change.gcloud.1.is_empty() => DraftStep::shell(
            change.gcloud.0,
            format!("# {}: {}", n.cluster, change.gcloud.0),
        ),
        Origin::Live => DraftStep::shell(
            change.gcloud.0,
            format!(
                "gcloud container clusters update {} --location={} --project={} {}",
                n.cluster, n.location, n.project, change.gcloud.1
            ),
        ),
        Origin::Config => DraftStep::hcl(
            format!("In {}, {}", cluster.site.address, change.hcl.0),
            change.hcl.1,
            &cluster.site,
            at,
        ),
    };
    Draft {
        summary: change.summary.into(),
        steps: vec![step],
        warnings: vec![change.warning.into()],
        verify: change
            .verify
            .map(|(title, field)| {
                DraftStep::shell(
                    title,
                    format!(
                        "gcloud container clusters describe {} --location={} --project={} --format=\"value({field})\"",
                        n.cluster, n.location, n.project
                    ),
                )
            })
            .into_iter()
            .collect(),
    }
}

/// How a running pool gets the change: each with the step's title and the gcloud flags.
pub enum PoolChange {
    /// `gcloud container node-pools update POOL ... FLAGS`.
    Update(&'static str, &'static str),
    /// The setting cannot change on a running pool: `gcloud container node-pools create` a
    /// replacement with FLAGS.
    Replace(&'static str, &'static str),
}

/// What to change for a node-pool setting.
pub struct PoolSetting {
    pub summary: String,
    /// For gcloud input.
    pub gcloud: PoolChange,
    /// For Terraform: the step's title (after "In ADDRESS, ") and the HCL to write at `at`.
    pub hcl: (&'static str, &'static str),
    pub warning: &'static str,
    /// How to verify: the step's title and the `--format=value(...)` field of the pool.
    pub verify: Option<(&'static str, &'static str)>,
}

/// The remediation of a node-pool setting: `gcloud container node-pools update` for live
/// state, or the Terraform to write at `at` for configuration.
pub fn pool_setting(
    cluster: Option<&Cluster>,
    pool: &NodePool,
    at: Span,
    change: PoolSetting,
) -> Draft {
    let n = names(cluster, Some(pool));
    let name = pool.command_name();
    let step = match (pool.origin, change.gcloud) {
        (Origin::Live, PoolChange::Update(title, flags)) => DraftStep::shell(
            title,
            format!(
                "gcloud container node-pools update {name} --cluster={} --location={} --project={} {flags}",
                n.cluster, n.location, n.project
            ),
        ),
        (Origin::Live, PoolChange::Replace(title, flags)) => DraftStep::shell(
            format!(
                "{title}: create a replacement pool with {name}'s other settings (machine type, size, labels, taints) added to this command, move the workloads to it, then delete {name}"
            ),
            format!(
                "gcloud container node-pools create {name}-v2 --cluster={} --location={} --project={} {flags}",
                n.cluster, n.location, n.project
            ),
        ),
        (Origin::Config, _) => DraftStep::hcl(
            format!("In {}, {}", pool.site.address, change.hcl.0),
            change.hcl.1,
            &pool.site,
            at,
        ),
    };
    Draft {
        summary: change.summary.into(),
        steps: vec![step],
        warnings: vec![change.warning.into()],
        verify: change
            .verify
            .map(|(title, field)| {
                DraftStep::shell(
                    title,
                    format!(
                        "gcloud container node-pools describe {name} --cluster={} --location={} --project={} --format=\"value({field})\"",
                        n.cluster, n.location, n.project
                    ),
                )
            })
            .into_iter()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::has_placeholder;

    #[test]
    fn placeholders_are_whole_words() {
        assert!(has_placeholder(
            "gcloud ... --workload-pool=PROJECT_ID.svc.id.goog"
        ));
        assert!(has_placeholder("--master-authorized-networks=CIDR"));
        assert!(has_placeholder(
            "--security-group=gke-security-groups@YOUR_DOMAIN"
        ));
        assert!(!has_placeholder(
            "gcloud container node-pools update apps --cluster=prod --location=europe-west1 --project=acme --workload-metadata=GKE_METADATA"
        ));
        assert!(!has_placeholder(
            "--image-type=COS_CONTAINERD --metadata=KEYS_X"
        ));
    }
}
