//! GKE018: node pools without integrity monitoring.

use super::fix;
use super::{autopilot_pool, each_pool, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE018",
    name: "integrity-monitoring-disabled",
    severity: Severity::Medium,
    category: "nodes",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Terraform replaces the pool (its nodes are recreated).",
    title: "The pool's nodes run without integrity monitoring",
    pass_title: "The pool's nodes run with integrity monitoring",
    cis: &[("1.4", "5.5.6")],
    peers: &["CKV_GCP_72"],
    differs: "An absent `enable_integrity_monitoring` passes in Terraform: it is on unless turned off.",
    what: "Checks that each node pool keeps integrity monitoring: \
`config.shieldedInstanceConfig.enableIntegrityMonitoring` (gcloud, API) or \
`enable_integrity_monitoring` in `shielded_instance_config` (Terraform). It is on unless turned off, so \
only an explicit false fails in Terraform; the API leaves the setting out of its output when it is off, \
so an absent setting fails in gcloud output. Autopilot nodes always have it.",
    why: "Integrity monitoring compares each boot's measurements with a known-good baseline and reports \
changes to Cloud Monitoring: without it, a tampered node boots silently.",
    fix: "It cannot be turned back on for an existing pool: create a pool with \
`--shielded-integrity-monitoring` (the default), move the workloads, delete the old pool. In Terraform, \
remove `enable_integrity_monitoring = false` or set it to true (Terraform replaces the pool).",
    examples: examples![
        Example {
            title: "Turned off",
            format: "terraform",
            input: "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"prod\"\n  node_config {\n    shielded_instance_config {\n      enable_integrity_monitoring = false\n    }\n  }\n}",
            expect: &[Status::Fail],
        },
        Example {
            title: "Left to the default (on)",
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
                    "Autopilot node pool: integrity monitoring is always on.",
                    None,
                ));
            }
            Some(Finding::from(judge(
                pool.settings.get(Key::IntegrityMonitoring),
                pool.origin,
                &Judge {
                    safe: true,
                    absent_live: false,
                    absent_config: true,
                    good: "Integrity monitoring is on.",
                    bad: "Integrity monitoring is off: a node whose boot chain was tampered with would not be reported.",
                    default_note: "the default",
                    what: "integrity monitoring",
                },
            )))
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!(
                        "Give node pool {} integrity monitoring.",
                        pool.display_name()
                    ),
                    gcloud: fix::PoolChange::Replace(
                        "Integrity monitoring cannot be turned on in place",
                        "--shielded-integrity-monitoring",
                    ),
                    hcl: (
                        "in node_config.shielded_instance_config, set",
                        "enable_integrity_monitoring = true",
                    ),
                    warning: "Terraform replaces the pool: its nodes are recreated.",
                    verify: Some((
                        "This prints True",
                        "config.shieldedInstanceConfig.enableIntegrityMonitoring",
                    )),
                },
            )
        },
    );
}
