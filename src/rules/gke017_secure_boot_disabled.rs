//! GKE017: node pools without secure boot.

use super::fix;
use super::{autopilot_pool, each_pool, is_windows, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE017",
    name: "secure-boot-disabled",
    severity: Severity::Medium,
    category: "nodes",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Terraform replaces the pool (its nodes are recreated); unsigned third-party kernel modules stop loading.",
    title: "The pool's nodes boot without secure boot",
    pass_title: "The pool's nodes boot with secure boot",
    cis: &[("1.4", "5.5.7")],
    peers: &["CKV_GCP_68"],
    differs: "",
    what: "Checks that each node pool has secure boot: `config.shieldedInstanceConfig.enableSecureBoot` \
(gcloud, API) or `node_config { shielded_instance_config { enable_secure_boot = true } }` (Terraform). \
Secure boot is off unless asked for, so an absent setting fails. Autopilot nodes always have it. \
A Windows pool without it is unknown: the CIS GKE Benchmark says Shielded GKE Nodes features need \
Container-Optimized OS or Ubuntu images.",
    why: "Secure boot checks the signature of every boot component, so a rootkit or bootkit planted on a \
node (after a container escape, say) does not survive a reboot unnoticed.",
    fix: "Secure boot cannot be turned on for an existing pool: create a pool with `--shielded-secure-boot`, \
move the workloads, delete the old one. In Terraform, set `enable_secure_boot = true` in the pool's \
`shielded_instance_config` (Terraform replaces the pool).",
    examples: examples![
        Example {
            title: "Left out: secure boot is off by default",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"shieldedInstanceConfig": {"enableIntegrityMonitoring": true}}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "On",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"shieldedInstanceConfig": {"enableSecureBoot": true}}}]}"#,
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
                    "Autopilot node pool: secure boot is always on.",
                    None,
                ));
            }
            let verdict = judge(
                pool.settings.get(Key::SecureBoot),
                pool.origin,
                &Judge {
                    safe: true,
                    absent_live: false,
                    absent_config: false,
                    good: "Secure boot is on.",
                    bad: "Secure boot is off: the nodes would run a tampered boot chain (a rootkit planted after a container escape) without noticing.",
                    default_note: "off unless asked for",
                    what: "secure boot",
                },
            );
            if is_windows(pool) && verdict.0 == Status::Fail {
                return Some(Finding::new(
                    Status::Unknown,
                    "A Windows node pool without secure boot: the CIS GKE Benchmark says Shielded GKE Nodes features need Container-Optimized OS or Ubuntu images, so whether this pool can have secure boot depends on its GKE version; turn it on where GKE allows it.",
                    verdict.2,
                ));
            }
            Some(Finding::from(verdict))
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!("Give node pool {} secure boot.", pool.display_name()),
                    gcloud: fix::PoolChange::Replace("Secure boot cannot be turned on in place", "--shielded-secure-boot"),
                    hcl: ("in node_config.shielded_instance_config, set", "enable_secure_boot = true"),
                    warning: "Secure boot needs signed kernel modules: third-party unsigned drivers stop loading. Terraform replaces the pool.",
                    verify: Some(("This prints True", "config.shieldedInstanceConfig.enableSecureBoot")),
                },
            )
        },
    );
}
