//! GKE016: Shielded GKE Nodes turned off.

use super::fix;
use super::{each_cluster, is_autopilot, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE016",
    name: "shielded-nodes-disabled",
    severity: Severity::Medium,
    category: "nodes",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Turning Shielded GKE Nodes on recreates the cluster's nodes, a few at a time.",
    title: "Shielded GKE Nodes are off: a node's identity can be impersonated",
    pass_title: "Shielded GKE Nodes are on",
    cis: &[("1.4", "5.5.5"), ("1.8", "5.5.5"), ("1.9", "5.5.5")],
    peers: &["CKV_GCP_71", "AVD-GCP-0055", "579a0727-9c29-4d58-8195-fc5802a8bdb4", "google-gke-node-shielding-enabled"],
    differs: "An absent `enable_shielded_nodes` passes in Terraform (on by default since GKE 1.18) but fails in gcloud output, where the API leaves the setting out only when it is off.",
    what: "Checks that Shielded GKE Nodes are on: `shieldedNodes.enabled` (gcloud, API) or \
`enable_shielded_nodes` (Terraform). New clusters have them since GKE 1.18, so an absent Terraform \
setting passes; the API leaves the setting out of its output when it is off, so an absent setting \
in gcloud output fails. Autopilot clusters always have them.",
    why: "Without Shielded GKE Nodes, the control plane cannot verify that a node joining the cluster is a \
VM GKE made: an attacker who takes a pod and the node's bootstrap credentials can pose as a node and \
read the secrets of the pods scheduled to it.",
    fix: "`gcloud container clusters update CLUSTER --enable-shielded-nodes` (the nodes are recreated); \
in Terraform, remove `enable_shielded_nodes = false` or set it to true.",
    examples: examples![
        Example {
            title: "Off (gcloud prints no shieldedNodes.enabled)",
            format: "gcloud-json",
            input: r#"{"name": "c", "shieldedNodes": {}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "On",
            format: "gcloud-json",
            input: r#"{"name": "c", "shieldedNodes": {"enabled": true}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "Terraform: left to the default (on)",
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
            if is_autopilot(c) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot cluster: nodes are always Shielded GKE Nodes.",
                    c.autopilot.span(),
                ));
            }
            Some(Finding::from(judge(
                c.settings.get(Key::ShieldedNodes),
                c.origin,
                &Judge {
                    safe: true,
                    absent_live: false,
                    absent_config: true,
                    good: "Shielded GKE Nodes are on.",
                    bad: "Shielded GKE Nodes are off: the control plane cannot verify that a node is a VM GKE made, so a stolen node credential can pose as a node.",
                    default_note: "the default since GKE 1.18",
                    what: "Shielded GKE Nodes",
                },
            )))
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!(
                        "Turn on Shielded GKE Nodes for cluster {}.",
                        c.display_name()
                    ),
                    gcloud: (
                        "Turn on Shielded GKE Nodes (the nodes are recreated)",
                        "--enable-shielded-nodes",
                    ),
                    hcl: ("set", "enable_shielded_nodes = true"),
                    warning: "Turning Shielded GKE Nodes on recreates the nodes, a few at a time.",
                    verify: Some(("This prints True", "shieldedNodes.enabled")),
                },
            )
        },
    );
}
