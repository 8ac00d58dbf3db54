//! GKE009: basic authentication (a static username and password) on the control plane.

use super::fix::{self, Draft};
use super::{is_autopilot, Example, Outcome, PendingFix, Rule, Subject};
use crate::model::{Cluster, Field, Model};
use crate::report::{Applicability, Severity, Status};
use crate::span::Span;

pub static RULE: Rule = Rule {
    id: "GKE009",
    name: "basic-auth-enabled",
    severity: Severity::High,
    category: "access-control",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Whoever still logs in with the username and password loses access: removing it is yours to schedule.",
    title: "The control plane accepts a static username and password",
    pass_title: "The control plane accepts no static username and password",
    cis: &[],
    peers: &["CKV_GCP_19", "AVD-GCP-0064", "google-gke-no-legacy-authentication"],
    differs: "",
    what: "Checks that the cluster has no basic-authentication credentials: `masterAuth.username` and \
`masterAuth.password` (gcloud, API) or `master_auth { username, password }` (Terraform) are absent \
or empty. Autopilot clusters cannot have them.",
    why: "A static password for the Kubernetes API server cannot be rotated without downtime, is often \
shared and copied, and grants full access to whoever holds it. GKE removed basic authentication in \
version 1.19; a cluster that still shows it predates that, or a configuration still asks for it.",
    fix: "Use Google identities (IAM and RBAC) to reach the API server. Remove `username` and `password` \
from `master_auth` in Terraform (they are gone from the provider since 4.0); for an old cluster, \
`gcloud container clusters update CLUSTER --location=LOCATION --no-enable-basic-auth` where the version \
still supports the flag, else upgrade it.",
    examples: examples![
        Example {
            title: "A cluster with basic authentication (gcloud, 2017)",
            format: "gcloud-json",
            input: r#"{"name": "old", "masterAuth": {"username": "admin", "password": "s3cret"}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "No static credentials",
            format: "gcloud-json",
            input: r#"{"name": "new", "masterAuth": {"clusterCaCertificate": "LS0t"}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    for (i, cluster) in model.clusters.iter().enumerate() {
        let head = (cluster.site.input, cluster.site.head);
        let set = |f: &Field<String>| matches!(f, Field::Known { value, .. } if !value.is_empty());
        let (status, message, at) = if is_autopilot(cluster) {
            (
                Status::Pass,
                "Autopilot cluster: basic authentication is not possible.".to_string(),
                head,
            )
        } else if set(&cluster.basic_auth_username) || set(&cluster.basic_auth_password) {
            let span = cluster
                .basic_auth_username
                .span()
                .or(cluster.basic_auth_password.span())
                .unwrap_or(head.1);
            (
                Status::Fail,
                "The control plane accepts basic authentication: a static username and password that grant full access to the Kubernetes API.".to_string(),
                (cluster.site.input, span),
            )
        } else if let Some((expr, span)) =
            [&cluster.basic_auth_username, &cluster.basic_auth_password]
                .iter()
                .find_map(|f| match f {
                    Field::Unknown { expr, span, .. } => Some((expr.clone(), *span)),
                    _ => None,
                })
        {
            (
                Status::Unknown,
                format!("The basic-authentication credentials come from `{expr}`, which gkecheck cannot evaluate; they must be empty."),
                (cluster.site.input, span),
            )
        } else {
            (
                Status::Pass,
                "No basic-authentication credentials.".to_string(),
                head,
            )
        };
        let (remediation, pending) =
            PendingFix::Cluster(remove_credentials, i, at.1).settle(status, model);
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

fn remove_credentials(cluster: &Cluster, at: Span) -> Draft {
    fix::cluster_setting(
        cluster,
        at,
        fix::ClusterSetting {
            summary: format!("Remove the static credentials from cluster {}; reach the API with Google identities.", cluster.display_name()),
            gcloud: ("Turn basic authentication off (or upgrade the cluster: GKE 1.19 removed it)", "--no-enable-basic-auth"),
            hcl: ("remove username and password from master_auth", "master_auth {\n  # no username, no password\n}"),
            warning: "Whatever logs in with the static password stops working: move it to a Google identity with RBAC first.",
            verify: Some(("This prints nothing", "masterAuth.username")),
        },
    )
}
