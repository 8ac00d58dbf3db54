//! GKE029: a Kubernetes alpha cluster.

use super::fix;
use super::{each_cluster, is_autopilot, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE029",
    name: "alpha-cluster",
    severity: Severity::Medium,
    category: "workloads",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Terraform destroys and recreates the cluster, with everything in it: move workloads and data first.",
    title: "The cluster runs Kubernetes alpha features",
    pass_title: "The cluster runs no alpha features",
    cis: &[],
    peers: &[],
    differs: "",
    what: "Checks that the cluster is not an alpha cluster: `enableKubernetesAlpha` (gcloud) or \
`enable_kubernetes_alpha` (Terraform) is not true. Off is the default, so an absent setting passes; \
Autopilot clusters cannot be alpha clusters.",
    why: "Alpha features are untested for security, alpha clusters get no upgrades or repairs, and are \
deleted after 30 days: they have no place holding real workloads or credentials.",
    fix: "An alpha cluster cannot be turned into a normal one: create a new cluster without \
`--enable-kubernetes-alpha` and move the workloads. In Terraform, remove `enable_kubernetes_alpha = true` \
(Terraform replaces the cluster).",
    examples: examples![
        Example {
            title: "Alpha cluster",
            format: "gcloud-json",
            input: r#"{"name": "c", "enableKubernetesAlpha": true, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "A normal cluster",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": []}"#,
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
            if is_autopilot(c) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot cluster: alpha features cannot be turned on.",
                    c.autopilot.span(),
                ));
            }
            Some(Finding::from(judge(
                c.settings.get(Key::Alpha),
                c.origin,
                &Judge {
                    safe: false,
                    absent_live: false,
                    absent_config: false,
                    good: "Not an alpha cluster.",
                    bad: "This is an alpha cluster: alpha features are untested for security, and the cluster gets no upgrades and is deleted after 30 days.",
                    default_note: "the default",
                    what: "Kubernetes alpha",
                },
            )))
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Replace alpha cluster {} with a normal cluster.", c.display_name()),
                    gcloud: (
                        "An alpha cluster cannot be changed: create a replacement cluster without --enable-kubernetes-alpha, move the workloads, then delete this one",
                        "",
                    ),
                    hcl: ("set (Terraform replaces the cluster)", "enable_kubernetes_alpha = false"),
                    warning: "Replacing the cluster deletes it with everything in it: move workloads and data first.",
                    verify: Some(("This prints nothing or False", "enableKubernetesAlpha")),
                },
            )
        },
    );
}
