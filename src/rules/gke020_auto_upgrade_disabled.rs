//! GKE020: node pools without auto-upgrade.

use super::fix;
use super::{autopilot_pool, each_pool, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE020",
    name: "auto-upgrade-disabled",
    severity: Severity::Medium,
    category: "nodes",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Updates the pool in place; GKE then upgrades the nodes (recreating them) in the cluster's maintenance windows, soon when the pool is behind the control plane.",
    title: "This pool's nodes do not receive security upgrades",
    pass_title: "This pool's nodes receive security upgrades",
    cis: &[("1.4", "5.5.3")],
    peers: &["CKV_GCP_10", "AVD-GCP-0058", "google-gke-enable-auto-upgrade"],
    differs: "A Terraform pool without a `management` block passes: auto-upgrade is on for new pools unless turned off.",
    what: "Checks that each node pool upgrades itself: `management.autoUpgrade` (gcloud, API) or \
`management { auto_upgrade = true }` (Terraform). Auto-upgrade is on for new pools unless turned off \
(and cannot be off in a release channel), so only an explicit false fails in Terraform; the API leaves \
it out of its output when it is off, so an absent setting fails in gcloud output. Autopilot upgrades its \
nodes.",
    why: "Node upgrades carry the fixes for kernel and container-runtime vulnerabilities, the ones a \
container escape uses. A pool that is never upgraded keeps them open.",
    fix: "`gcloud container node-pools update POOL --cluster=CLUSTER --enable-autoupgrade`; in Terraform, \
set `auto_upgrade = true` in the pool's `management` block. Use maintenance windows to choose when.",
    examples: examples![
        Example {
            title: "Turned off in Terraform",
            format: "terraform",
            input: "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"prod\"\n  management {\n    auto_upgrade = false\n  }\n}",
            expect: &[Status::Fail],
        },
        Example {
            title: "On (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "management": {"autoRepair": true, "autoUpgrade": true}}]}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_pool(
        model,
        out,
        &RULE,
        |pool, cluster| {
            if autopilot_pool(cluster) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot node pool: GKE upgrades its nodes.",
                    None,
                ));
            }
            Some(Finding::from(judge(
                pool.settings.get(Key::AutoUpgrade),
                pool.origin,
                &Judge {
                    safe: true,
                    absent_live: false,
                    absent_config: true,
                    good: "Auto-upgrade is on.",
                    bad: "Auto-upgrade is off: the nodes do not receive kernel and runtime security fixes.",
                    default_note: "the default for new pools",
                    what: "auto-upgrade",
                },
            )))
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!("Turn on auto-upgrade for node pool {}.", pool.display_name()),
                    gcloud: fix::PoolChange::Update("Turn on auto-upgrade", "--enable-autoupgrade"),
                    hcl: ("in management, set", "auto_upgrade = true"),
                    warning: "Upgrades recreate nodes, a few at a time, in the cluster's maintenance windows: give workloads PodDisruptionBudgets.",
                    verify: Some(("This prints True", "management.autoUpgrade")),
                },
            )
        },
    );
}
