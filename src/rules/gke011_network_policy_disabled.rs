//! GKE011: no network policy enforcement.

use super::fix;
use super::{each_cluster, flag, is_autopilot, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Field, Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE011",
    name: "network-policy-disabled",
    severity: Severity::Medium,
    category: "network",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Enforcement applies every NetworkPolicy at once and recreates the nodes: traffic the policies do not allow stops.",
    title: "NetworkPolicy objects are not enforced: every pod can reach every other pod",
    pass_title: "NetworkPolicy objects are enforced",
    cis: &[("1.4", "5.6.7")],
    peers: &["CKV_GCP_12", "AVD-GCP-0056", "google-gke-enable-network-policy"],
    differs: "Dataplane V2 (`ADVANCED_DATAPATH`) and Autopilot clusters pass without `network_policy`: Dataplane V2 enforces NetworkPolicy itself.",
    what: "Checks that the cluster enforces Kubernetes NetworkPolicy: `networkPolicy.enabled` or \
GKE Dataplane V2 (`networkConfig.datapathProvider: ADVANCED_DATAPATH`, which always enforces it) in \
gcloud output; `network_policy { enabled = true }` or `datapath_provider = \"ADVANCED_DATAPATH\"` in \
Terraform. Enforcement is off unless asked for, so an absent setting fails. Autopilot clusters use \
Dataplane V2 and pass.",
    why: "Without enforcement, NetworkPolicy objects are accepted and silently ignored: a compromised pod \
can reach every other pod and service in the cluster, and a default-deny policy protects nothing.",
    fix: "Create new clusters with Dataplane V2 (`--enable-dataplane-v2`, Terraform `datapath_provider = \
\"ADVANCED_DATAPATH\"`). On an existing cluster: `gcloud container clusters update CLUSTER \
--update-addons=NetworkPolicy=ENABLED`, then `--enable-network-policy` (the nodes are recreated); in \
Terraform, `network_policy { enabled = true }` with `addons_config { network_policy_config { disabled = \
false } }`.",
    examples: examples![
        Example {
            title: "No enforcement (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "c", "addonsConfig": {"networkPolicyConfig": {"disabled": true}}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Dataplane V2 enforces it",
            format: "gcloud-json",
            input: r#"{"name": "c", "networkConfig": {"datapathProvider": "ADVANCED_DATAPATH"}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "Terraform: Calico network policy on",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  network_policy {\n    enabled = true\n  }\n}",
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
                    "Autopilot cluster: Dataplane V2 enforces NetworkPolicy.",
                    c.autopilot.span(),
                ));
            }
            let datapath = c.settings.get(Key::DatapathProvider);
            if let Field::Known { span, .. } = datapath {
                if datapath.text() == Some("ADVANCED_DATAPATH") {
                    return Some(Finding::new(
                        Status::Pass,
                        "Dataplane V2 enforces NetworkPolicy.",
                        Some(*span),
                    ));
                }
            }
            Some(match (flag(c.settings.get(Key::NetworkPolicy)), datapath) {
                (Flag::Is(true, span), _) => Finding::new(Status::Pass, "Network policy enforcement is on.", Some(span)),
                (_, Field::Unknown { expr, span, .. }) => Finding::new(
                    Status::Unknown,
                    format!("The datapath provider comes from `{expr}`, which gkecheck cannot evaluate; without ADVANCED_DATAPATH, network_policy must be enabled."),
                    Some(*span),
                ),
                (Flag::Unknown(expr, span), _) => Finding::new(
                    Status::Unknown,
                    format!("Whether network policy is enforced comes from `{expr}`, which gkecheck cannot evaluate; it must be on."),
                    Some(span),
                ),
                (Flag::Is(false, span), _) => Finding::new(Status::Fail, FAIL, Some(span)),
                _ => Finding::new(
                    Status::Fail,
                    match c.origin {
                        Origin::Live => format!("{FAIL} (no networkPolicy.enabled, and not Dataplane V2)"),
                        Origin::Config => format!("{FAIL} (off unless network_policy or Dataplane V2 is set)"),
                    },
                    None,
                ),
            })
        },
        |c, at| {
            let mut draft = fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Enforce NetworkPolicy on cluster {}.", c.display_name()),
                    gcloud: ("Enable the network policy add-on", "--update-addons=NetworkPolicy=ENABLED"),
                    hcl: (
                        "add (or, for a new cluster, use datapath_provider = \"ADVANCED_DATAPATH\" instead)",
                        "network_policy {\n  enabled = true\n}\naddons_config {\n  network_policy_config {\n    disabled = false\n  }\n}",
                    ),
                    warning: "Turning enforcement on recreates the nodes; existing NetworkPolicy objects start to apply, so check them first.",
                    verify: Some(("This prints True", "networkPolicy.enabled")),
                },
            );
            if c.origin == Origin::Live {
                let n = fix::names(Some(c), None);
                draft.steps.push(fix::DraftStep::shell(
                    "Then turn enforcement on (the nodes are recreated)",
                    format!(
                        "gcloud container clusters update {} --location={} --project={} --enable-network-policy",
                        n.cluster, n.location, n.project
                    ),
                ));
            }
            draft
        },
    );
}

const FAIL: &str = "Network policy is not enforced: NetworkPolicy objects are ignored and every pod can reach every other pod.";
