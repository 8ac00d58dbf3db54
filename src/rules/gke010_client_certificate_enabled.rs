//! GKE010: a client certificate issued for the control plane.

use super::fix;
use super::{is_autopilot, Example, Outcome, Rule, Subject};
use crate::model::{Field, Model};
use crate::report::{Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE010",
    name: "client-certificate-enabled",
    severity: Severity::Medium,
    category: "access-control",
    title: "A client certificate for the Kubernetes API was issued",
    cis: &[],
    peers: &["CKV_GCP_13", "AVD-GCP-0064", "google-gke-no-legacy-authentication"],
    differs: "Absence passes: not issuing a client certificate is the default, so only an issued one fails.",
    what: "Checks that no client certificate is issued: `masterAuth.clientCertificateConfig.issueClientCertificate` \
is not true and `masterAuth.clientCertificate` is empty (gcloud, API), and \
`master_auth { client_certificate_config { issue_client_certificate = true } }` is not set \
(Terraform). Not issuing one is the default, so an absent setting passes.",
    why: "The issued certificate is a long-lived credential for the Kubernetes API that cannot be revoked \
short of rotating the cluster's credentials, and it is shown to anyone who can read the cluster's \
description.",
    fix: "Create the cluster without a client certificate (`--no-issue-client-certificate`, the default), \
or, in Terraform, set `issue_client_certificate = false`, which recreates the cluster. Reach the API \
with Google identities instead.",
    examples: &[
        Example {
            title: "An issued certificate (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "c", "masterAuth": {"clientCertificateConfig": {"issueClientCertificate": true}, "clientCertificate": "LS0tLS1CRUdJTg=="}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "None issued (the default)",
            format: "gcloud-json",
            input: r#"{"name": "c", "masterAuth": {"clientCertificateConfig": {}}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    for (i, cluster) in model.clusters.iter().enumerate() {
        let head = (cluster.site.input, cluster.site.head);
        let (status, message, at) = match (&cluster.client_certificate, is_autopilot(cluster)) {
            (_, true) => (Status::Pass, "Autopilot cluster: no client certificate is issued.".to_string(), head),
            (Field::Known { value: true, span }, _) => (
                Status::Fail,
                "A client certificate for the Kubernetes API was issued: a long-lived credential that cannot be revoked without rotating the cluster's credentials.".to_string(),
                (cluster.site.input, *span),
            ),
            (Field::Unknown { expr, span, .. }, _) => (
                Status::Unknown,
                format!("Whether a client certificate is issued comes from `{expr}`, which gkecheck cannot evaluate; it must not be."),
                (cluster.site.input, *span),
            ),
            (Field::Known { span, .. }, _) => (Status::Pass, "No client certificate is issued.".to_string(), (cluster.site.input, *span)),
            (Field::Absent, _) => (Status::Pass, "No client certificate is issued (the default).".to_string(), head),
        };
        let remediation = (status != Status::Pass).then(|| {
            fix::cluster_setting(
                cluster,
                at.1,
                fix::ClusterSetting {
                    summary: format!("Stop issuing a client certificate for cluster {}; reach the API with Google identities.", cluster.display_name()),
                    gcloud: (
                        "The certificate cannot be withdrawn from a running cluster: rotate the cluster's credentials, which ends the old certificate (the API server restarts)",
                        "--start-credential-rotation",
                    ),
                    hcl: ("in master_auth.client_certificate_config", "issue_client_certificate = false"),
                    warning: "Rotating credentials or recreating the cluster interrupts whatever uses the certificate; move it to a Google identity first.",
                    verify: None,
                },
            )
        });
        out.push(Outcome {
            rule: &RULE,
            status,
            message,
            subject: Subject::Cluster(i),
            at,
            remediation,
        });
    }
}
