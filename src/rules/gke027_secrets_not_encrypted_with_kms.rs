//! GKE027: Kubernetes Secrets not encrypted with a Cloud KMS key.

use super::fix;
use super::{each_cluster, Example, Finding, Outcome, Rule};
use crate::model::{Field, Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE027",
    name: "secrets-not-encrypted-with-kms",
    severity: Severity::Medium,
    category: "encryption",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Needs a Cloud KMS key the GKE service agent can use; losing the key loses the Secrets.",
    title: "Kubernetes Secrets are not encrypted with a key the project controls",
    pass_title: "Kubernetes Secrets are encrypted with a key the project controls",
    cis: &[("1.4", "5.3.1")],
    peers: &[],
    differs: "",
    what: "Checks application-layer Secrets encryption: `databaseEncryption.state` is `ENCRYPTED` (gcloud) \
or `database_encryption { state = \"ENCRYPTED\" }` (Terraform; GKE requires its `key_name` then, so \
the key itself is not judged). It is off unless asked \
for, so an absent setting fails, and `DECRYPTED` fails.",
    why: "By default, Secrets in etcd are protected only by Google's storage encryption. With a Cloud KMS \
key, reading them also needs that key: access can be audited, and revoked by disabling the key.",
    fix: "`gcloud container clusters update CLUSTER --database-encryption-key=projects/P/locations/L/keyRings/R/cryptoKeys/K` \
(the GKE service agent needs roles/cloudkms.cryptoKeyEncrypterDecrypter on the key); in Terraform, \
`database_encryption { state = \"ENCRYPTED\" key_name = ... }`.",
    examples: examples![
        Example {
            title: "Not encrypted (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "c", "databaseEncryption": {"currentState": "CURRENT_STATE_DECRYPTED", "state": "DECRYPTED"}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Encrypted with a KMS key",
            format: "gcloud-json",
            input: r#"{"name": "c", "databaseEncryption": {"state": "ENCRYPTED", "keyName": "projects/p/locations/us/keyRings/r/cryptoKeys/k"}, "nodePools": []}"#,
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
            let state = c.settings.get(Key::DatabaseEncryption);
            Some(match state {
                Field::Known { span, .. } => {
                    let s = state.text().unwrap_or_default().to_ascii_uppercase();
                    if s == "ENCRYPTED" {
                        Finding::new(Status::Pass, "Secrets are encrypted with a Cloud KMS key.", Some(*span))
                    } else {
                        Finding::new(Status::Fail, format!("Secrets are not encrypted with a Cloud KMS key (state {s}): reading them needs no key the project controls."), Some(*span))
                    }
                }
                Field::Unknown { expr, span, .. } => Finding::new(
                    Status::Unknown,
                    format!("The Secrets encryption state comes from `{expr}`, which gkecheck cannot evaluate; it must be ENCRYPTED."),
                    Some(*span),
                ),
                Field::Absent => Finding::new(Status::Fail, "Secrets are not encrypted with a Cloud KMS key (off unless asked for).", None),
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Encrypt cluster {}'s Secrets with a Cloud KMS key.", c.display_name()),
                    gcloud: (
                        "Encrypt Secrets with a key in the cluster's region (replace KEY with its full name; grant the GKE service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on it first)",
                        "--database-encryption-key=KEY",
                    ),
                    hcl: ("add", "database_encryption {\n  state    = \"ENCRYPTED\"\n  key_name = google_kms_crypto_key.secrets.id\n}"),
                    warning: "If the key is disabled or destroyed, the cluster cannot read its Secrets: protect the key from deletion.",
                    verify: Some(("This prints ENCRYPTED", "databaseEncryption.state")),
                },
            )
        },
    );
}
