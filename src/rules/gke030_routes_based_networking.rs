//! GKE030: a routes-based cluster.

use super::fix;
use super::{each_cluster, flag, is_autopilot, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Field, Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE030",
    name: "routes-based-networking",
    severity: Severity::Low,
    category: "network",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "A cluster's network mode cannot change: a new VPC-native cluster replaces this one.",
    title: "The cluster is routes-based, not VPC-native",
    pass_title: "The cluster is VPC-native",
    cis: &[("1.4", "5.6.2")],
    peers: &["CKV_GCP_23", "AVD-GCP-0049", "google-gke-enable-ip-aliasing"],
    differs: "A Terraform cluster with neither `networking_mode` nor `ip_allocation_policy` is unknown, not failed: provider 5.0 and later make it VPC-native.",
    what: "Checks that the cluster is VPC-native (alias IPs): `ipAllocationPolicy.useIpAliases` in gcloud \
output (the API leaves it out when false, so its absence fails); in Terraform, `networking_mode = \
\"ROUTES\"` fails, `VPC_NATIVE` or an `ip_allocation_policy` block passes, and neither is unknown: \
provider 5.0 and later create VPC-native clusters by default, earlier providers routes-based ones. \
Autopilot clusters are always VPC-native.",
    why: "In a VPC-native cluster, pod addresses are VPC addresses: firewall rules, flow logs and private \
access to Google services see and control pod traffic. Routes-based pods hide behind their node's \
address, and the cluster cannot use private nodes' newer features or Dataplane V2.",
    fix: "A cluster's network mode cannot change: create a VPC-native cluster (`--enable-ip-alias`, the \
default since GKE 1.21; Terraform `networking_mode = \"VPC_NATIVE\"` with an `ip_allocation_policy` \
block) and move the workloads.",
    examples: examples![
        Example {
            title: "Routes-based (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "c", "ipAllocationPolicy": {}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "VPC-native (Terraform)",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  ip_allocation_policy {}\n}",
            expect: &[Status::Pass],
        },
    ],
    check,
};

const FAIL: &str = "The cluster is routes-based: pod traffic hides behind node addresses, out of reach of VPC firewall rules and flow logs.";

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            if is_autopilot(c) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot cluster: always VPC-native.",
                    c.autopilot.span(),
                ));
            }
            let s = &c.settings;
            if c.origin == Origin::Live {
                return Some(match flag(s.get(Key::IpAliases)) {
                    Flag::Is(true, sp) => {
                        Finding::new(Status::Pass, "The cluster is VPC-native.", Some(sp))
                    }
                    Flag::Is(false, sp) => Finding::new(Status::Fail, FAIL, Some(sp)),
                    Flag::Unknown(e, sp) => Finding::new(
                        Status::Unknown,
                        format!("`{e}` is not a boolean gkecheck can read."),
                        Some(sp),
                    ),
                    Flag::Absent => Finding::new(
                        Status::Fail,
                        format!(
                            "{} (no ipAllocationPolicy.useIpAliases).",
                            FAIL.trim_end_matches('.')
                        ),
                        None,
                    ),
                });
            }
            let mode = s.get(Key::NetworkingMode);
            Some(match (mode, s.get(Key::IpAllocationPolicy)) {
                (Field::Known { span, .. }, _) if mode.text().is_some_and(|m| m.eq_ignore_ascii_case("ROUTES")) => Finding::new(Status::Fail, FAIL, Some(*span)),
                (Field::Known { span, .. }, _) => Finding::new(Status::Pass, "The cluster is VPC-native.", Some(*span)),
                (Field::Unknown { expr, span, .. }, _) => Finding::new(
                    Status::Unknown,
                    format!("The networking mode comes from `{expr}`, which gkecheck cannot evaluate; it must be VPC_NATIVE."),
                    Some(*span),
                ),
                (Field::Absent, Field::Absent) => Finding::new(
                    Status::Unknown,
                    "Neither networking_mode nor ip_allocation_policy is written: Google provider 5.0 and later make the cluster VPC-native, earlier ones routes-based. Write networking_mode = \"VPC_NATIVE\" to say so.",
                    None,
                ),
                (Field::Absent, p) => Finding::new(Status::Pass, "The cluster is VPC-native (ip_allocation_policy).", p.span()),
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Make cluster {} VPC-native.", c.display_name()),
                    gcloud: ("The network mode cannot change: create a VPC-native cluster (--enable-ip-alias), move the workloads, then delete this one", ""),
                    hcl: ("set (with an ip_allocation_policy block; Terraform replaces a routes-based cluster)", "networking_mode = \"VPC_NATIVE\"\nip_allocation_policy {}"),
                    warning: "Replacing the cluster deletes it with everything in it: move workloads and data first.",
                    verify: Some(("This prints True", "ipAllocationPolicy.useIpAliases")),
                },
            )
        },
    );
}
