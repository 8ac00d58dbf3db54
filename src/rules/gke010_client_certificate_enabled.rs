//! GKE010: a client certificate issued for the control plane.

use super::fix;
use super::{each_cluster, is_autopilot, Example, Finding, Outcome, Rule};
use crate::model::{Field, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE010",
    name: "client-certificate-enabled",
    severity: Severity::Medium,
    category: "access-control",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Changing issue_client_certificate recreates the cluster in Terraform; whatever used the certificate must use a Google identity first.",
    title: "A client certificate for the Kubernetes API was issued",
    pass_title: "No client certificate was issued",
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
    examples: examples![
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
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            Some(match (&c.client_certificate, is_autopilot(c)) {
                (_, true) => Finding::new(Status::Pass, "Autopilot cluster: no client certificate is issued.", None),
                (Field::Known { value: true, span }, _) => Finding::new(
                    Status::Fail,
                    "A client certificate for the Kubernetes API was issued: a long-lived credential that cannot be revoked without rotating the cluster's credentials.",
                    Some(*span),
                ),
                (Field::Unknown { expr, span, .. }, _) => Finding::new(
                    Status::Unknown,
                    format!("Whether a client certificate is issued comes from `{expr}`, which gkecheck cannot evaluate; it must not be."),
                    Some(*span),
                ),
                (Field::Known { span, .. }, _) => Finding::new(Status::Pass, "No client certificate is issued.", Some(*span)),
                (Field::Absent, _) => Finding::new(Status::Pass, "No client certificate is issued (the default).", None),
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Stop issuing a client certificate for cluster {}; reach the API with Google identities.", c.display_name()),
                    gcloud: (
                        "The certificate cannot be withdrawn from a running cluster: rotate the cluster's credentials, which ends the old certificate (the API server restarts)",
                        "--start-credential-rotation",
                    ),
                    hcl: ("in master_auth.client_certificate_config", "issue_client_certificate = false"),
                    warning: "Rotating credentials or recreating the cluster interrupts whatever uses the certificate; move it to a Google identity first.",
                    verify: None,
                },
            )
        },
    );
}
