//! GKE032: node boot disks without a customer-managed key.

use super::fix;
use super::{each_pool, Example, Finding, Outcome, Rule};
use crate::model::{Field, Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE032",
    name: "boot-disk-not-cmek",
    severity: Severity::Low,
    category: "encryption",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Needs a Cloud KMS key the Compute Engine service agent can use; Terraform replaces the pool.",
    title: "The nodes' boot disks are not encrypted with a key the project controls",
    pass_title: "The nodes' boot disks are encrypted with a key the project controls",
    cis: &[("1.4", "5.9.1")],
    peers: &[],
    differs: "",
    what: "Checks that each node pool's boot disks use a customer-managed Cloud KMS key: \
`config.bootDiskKmsKey` (gcloud) or `node_config { boot_disk_kms_key }` (Terraform). Google-managed keys \
are the default, so an absent setting fails. Autopilot pools are judged the same way.",
    why: "Boot disks hold container images, logs and emptyDir volumes. With a customer-managed key, \
reading them needs that key: access is audited, and disabling the key cuts it off.",
    fix: "The key cannot change on an existing pool: create a pool with `--boot-disk-kms-key=KEY` (the \
Compute Engine service agent needs roles/cloudkms.cryptoKeyEncrypterDecrypter on it), move the \
workloads, delete the old pool. In Terraform, set `boot_disk_kms_key` (Terraform replaces the pool).",
    examples: examples![
        Example {
            title: "Google-managed key (the default)",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"diskType": "pd-balanced"}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Customer-managed key",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"bootDiskKmsKey": "projects/p/locations/us/keyRings/r/cryptoKeys/k"}}]}"#,
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
        |pool, _| {
            let key = pool.settings.get(Key::BootDiskKms);
            Some(match key {
                Field::Known { span, .. } if key.text().is_some_and(|k| !k.is_empty()) => {
                    Finding::new(Status::Pass, "The boot disks use a customer-managed key.", Some(*span))
                }
                Field::Unknown { span, .. } => Finding::new(Status::Pass, "The boot disks use a customer-managed key (set by an expression).", Some(*span)),
                _ => Finding::new(Status::Fail, "The boot disks use Google-managed keys: reading them needs no key the project controls.", key.span()),
            })
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!("Encrypt node pool {}'s boot disks with a Cloud KMS key.", pool.display_name()),
                    gcloud: fix::PoolChange::Replace(
                        "The boot-disk key cannot change on an existing pool (replace KEY with the key's full name; grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on it first)",
                        "--boot-disk-kms-key=KEY",
                    ),
                    hcl: ("in node_config, set", "boot_disk_kms_key = google_kms_crypto_key.nodes.id"),
                    warning: "If the key is disabled or destroyed, the nodes cannot boot: protect it from deletion. Terraform replaces the pool.",
                    verify: Some(("This prints the key", "config.bootDiskKmsKey")),
                },
            )
        },
    );
}
