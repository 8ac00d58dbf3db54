//! GKE026: Cloud Monitoring turned off.

use super::fix;
use super::gke025_logging_disabled::service_verdict;
use super::{each_cluster, Example, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE026",
    name: "monitoring-disabled",
    severity: Severity::Medium,
    category: "observability",
    fix_applicability: Applicability::Safe,
    fix_cost: "Updates the cluster in place; metrics beyond the free allotment are billed.",
    title: "The cluster sends no metrics to Cloud Monitoring",
    pass_title: "The cluster sends its metrics to Cloud Monitoring",
    cis: &[("1.4", "5.7.1")],
    peers: &["CKV_GCP_8", "AVD-GCP-0052", "google-gke-enable-stackdriver-monitoring"],
    differs: "Only `none` (or an empty component list) fails: an absent setting is Cloud Monitoring, the default.",
    what: "Checks that monitoring is not turned off: `monitoringService` is not `none` (gcloud), \
`monitoring_service` is not `none` and `monitoring_config { enable_components = [] }` is not written \
(Terraform). Monitoring is on unless turned off, so an absent setting passes.",
    why: "Without metrics, the signs of an attack (a crypto-miner's CPU, unusual egress, crash loops) \
raise no alert, and integrity-monitoring reports (GKE018) go nowhere anyone looks.",
    fix: "`gcloud container clusters update CLUSTER --monitoring=SYSTEM`; in Terraform, remove \
`monitoring_service = \"none\"` (or set `monitoring.googleapis.com/kubernetes`).",
    examples: examples![
        Example {
            title: "Turned off (Terraform)",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  monitoring_service       = \"none\"\n}",
            expect: &[Status::Fail],
        },
        Example {
            title: "Left to the default",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}",
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
            Some(service_verdict(
                c,
                Key::MonitoringService,
                Key::MonitoringComponents,
                "Cloud Monitoring",
            ))
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!(
                        "Send cluster {}'s metrics to Cloud Monitoring.",
                        c.display_name()
                    ),
                    gcloud: (
                        "Turn monitoring on for system components",
                        "--monitoring=SYSTEM",
                    ),
                    hcl: (
                        "set",
                        "monitoring_service = \"monitoring.googleapis.com/kubernetes\"",
                    ),
                    warning:
                        "System metrics are free of charge; workload metrics are billed by volume.",
                    verify: Some((
                        "This prints monitoring.googleapis.com/kubernetes",
                        "monitoringService",
                    )),
                },
            )
        },
    );
}
