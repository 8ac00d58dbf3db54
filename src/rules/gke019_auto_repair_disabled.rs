//! GKE019: node pools without auto-repair.

use super::fix;
use super::{autopilot_pool, each_pool, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE019",
    name: "auto-repair-disabled",
    severity: Severity::Medium,
    category: "nodes",
    fix_applicability: Applicability::Safe,
    fix_cost: "Updates the pool in place; from then on, unhealthy nodes are drained and recreated.",
    title: "Broken nodes in this pool are not repaired",
    pass_title: "Broken nodes in this pool are repaired",
    cis: &[("1.4", "5.5.2"), ("1.7", "5.5.2")],
    peers: &["CKV_GCP_9", "AVD-GCP-0063", "acfdbec6-4a17-471f-b412-169d77553332", "google-gke-enable-auto-repair"],
    differs: "A Terraform pool without a `management` block passes: auto-repair is on for new pools unless turned off.",
    what: "Checks that each node pool repairs its nodes: `management.autoRepair` (gcloud, API) or \
`management { auto_repair = true }` (Terraform). Auto-repair is on for new pools unless turned off, so \
only an explicit false fails in Terraform; the API leaves it out of its output when it is off, so an \
absent setting fails in gcloud output. Autopilot manages its nodes.",
    why: "A node that stops reporting healthy keeps running whatever state it reached, including one an \
attacker or a failing kernel left behind; auto-repair drains and recreates it.",
    fix: "`gcloud container node-pools update POOL --cluster=CLUSTER --enable-autorepair`; in Terraform, \
set `auto_repair = true` in the pool's `management` block.",
    examples: examples![
        Example {
            title: "Off (gcloud prints management without autoRepair)",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "management": {"autoUpgrade": true}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Terraform: left to the default (on)",
            format: "terraform",
            input: "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"prod\"\n}",
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
                    "Autopilot node pool: GKE repairs its nodes.",
                    None,
                ));
            }
            Some(Finding::from(judge(
                pool.settings.get(Key::AutoRepair),
                pool.origin,
                &Judge {
                    safe: true,
                    absent_live: false,
                    absent_config: true,
                    good: "Auto-repair is on.",
                    bad: "Auto-repair is off: unhealthy nodes keep running in whatever state they reached.",
                    default_note: "the default for new pools",
                    what: "auto-repair",
                },
            )))
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!("Turn on auto-repair for node pool {}.", pool.display_name()),
                    gcloud: fix::PoolChange::Update("Turn on auto-repair", "--enable-autorepair"),
                    hcl: ("in management, set", "auto_repair = true"),
                    warning: "Repairs drain and recreate unhealthy nodes: give workloads PodDisruptionBudgets.",
                    verify: Some(("This prints True", "management.autoRepair")),
                },
            )
        },
    );
}
