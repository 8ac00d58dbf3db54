//! GKE024: pod-to-pod traffic on a node that VPC flow logs do not see.

use super::fix;
use super::{each_cluster, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE024",
    name: "intranode-visibility-disabled",
    severity: Severity::Low,
    category: "network",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Updates the cluster in place and restarts the nodes' networking; flow-log volume grows.",
    title: "Traffic between pods on the same node is invisible to VPC flow logs and firewall rules",
    pass_title: "Traffic between pods on the same node is visible to flow logs and firewall rules",
    cis: &[("1.4", "5.6.1")],
    peers: &["CKV_GCP_61"],
    differs: "",
    what: "Checks that intranode visibility is on: `networkConfig.enableIntraNodeVisibility` (gcloud) or \
`enable_intranode_visibility` (Terraform). It is off unless asked for, so an absent setting fails. \
Autopilot clusters are judged the same way.",
    why: "Without it, packets between two pods on one node never reach the VPC: flow logs, packet \
mirroring and VPC firewall rules miss them, so lateral movement between co-located pods leaves no trace.",
    fix: "`gcloud container clusters update CLUSTER --enable-intra-node-visibility` (the nodes are \
restarted); in Terraform, `enable_intranode_visibility = true`.",
    examples: examples![
        Example {
            title: "Off",
            format: "gcloud-json",
            input: r#"{"name": "c", "networkConfig": {"network": "default"}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "On",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool    = true\n  enable_intranode_visibility = true\n}",
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
            Some(Finding::from(judge(
                c.settings.get(Key::IntranodeVisibility),
                c.origin,
                &Judge {
                    safe: true,
                    absent_live: false,
                    absent_config: false,
                    good: "Intranode visibility is on.",
                    bad: "Intranode visibility is off: traffic between pods on the same node bypasses VPC flow logs and firewall rules.",
                    default_note: "off unless asked for",
                    what: "intranode visibility",
                },
            )))
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Turn on intranode visibility for cluster {}.", c.display_name()),
                    gcloud: ("Turn on intranode visibility (the nodes are restarted)", "--enable-intra-node-visibility"),
                    hcl: ("set", "enable_intranode_visibility = true"),
                    warning: "Turning it on restarts the nodes' networking and raises flow-log volume (and cost) when flow logs are on.",
                    verify: Some(("This prints True", "networkConfig.enableIntraNodeVisibility")),
                },
            )
        },
    );
}
