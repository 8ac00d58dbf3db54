//! GKE023: no Binary Authorization.

use super::fix;
use super::{each_cluster, flag, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Field, Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE023",
    name: "binary-authorization-disabled",
    severity: Severity::Low,
    category: "workloads",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Enforcement blocks every image the policy does not allow; a project policy is needed first.",
    title: "Any container image can run: Binary Authorization is off",
    pass_title: "Binary Authorization enforces a policy",
    cis: &[("1.4", "5.10.5")],
    peers: &["CKV_GCP_66"],
    differs: "",
    what: "Checks that Binary Authorization enforces a policy: `binaryAuthorization.evaluationMode` is \
`PROJECT_SINGLETON_POLICY_ENFORCE` or a `POLICY_BINDINGS` mode (or the older `enabled: true`) in gcloud \
output; `binary_authorization { evaluation_mode }` (or `enabled`, or the older \
`enable_binary_authorization`) in Terraform. It is off unless asked for, so an absent setting fails; \
`DISABLED` fails.",
    why: "Without it, anyone who can create a pod can run any image from any registry, including one an \
attacker built; Binary Authorization admits only images that meet the project's policy (signed, from \
the organisation's registries).",
    fix: "`gcloud container clusters update CLUSTER --binauthz-evaluation-mode=PROJECT_SINGLETON_POLICY_ENFORCE` \
after writing the project's policy; in Terraform, `binary_authorization { evaluation_mode = \
\"PROJECT_SINGLETON_POLICY_ENFORCE\" }`.",
    examples: examples![
        Example {
            title: "Off (gcloud prints an empty binaryAuthorization)",
            format: "gcloud-json",
            input: r#"{"name": "c", "binaryAuthorization": {}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Enforcing the project's policy",
            format: "gcloud-json",
            input: r#"{"name": "c", "binaryAuthorization": {"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

const FAIL: &str =
    "Binary Authorization is off: any image from any registry can run in the cluster.";

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            let mode = c.settings.get(Key::BinaryAuthorizationMode);
            Some(match mode {
                Field::Known { span, .. } => {
                    let m = mode.text().unwrap_or_default().to_ascii_uppercase();
                    if m.contains("ENFORCE") || m.starts_with("POLICY_BINDINGS") {
                        Finding::new(Status::Pass, format!("Binary Authorization evaluates images ({m})."), Some(*span))
                    } else if m == "EVALUATION_MODE_UNSPECIFIED" || m.is_empty() {
                        legacy(c)
                    } else {
                        Finding::new(Status::Fail, FAIL, Some(*span))
                    }
                }
                Field::Unknown { expr, span, .. } => Finding::new(
                    Status::Unknown,
                    format!("The Binary Authorization mode comes from `{expr}`, which gkecheck cannot evaluate; it must not be DISABLED."),
                    Some(*span),
                ),
                Field::Absent => legacy(c),
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Enforce a Binary Authorization policy on cluster {}.", c.display_name()),
                    gcloud: ("Enforce the project's Binary Authorization policy (write the policy first)", "--binauthz-evaluation-mode=PROJECT_SINGLETON_POLICY_ENFORCE"),
                    hcl: ("add", "binary_authorization {\n  evaluation_mode = \"PROJECT_SINGLETON_POLICY_ENFORCE\"\n}"),
                    warning: "With enforcement on, pods whose images do not meet the policy are refused: start the policy in dry-run mode and read its audit logs first.",
                    verify: Some(("This prints PROJECT_SINGLETON_POLICY_ENFORCE", "binaryAuthorization.evaluationMode")),
                },
            )
        },
    );
}

/// The older boolean, when there is no evaluation mode.
fn legacy(c: &crate::model::Cluster) -> Finding {
    match flag(c.settings.get(Key::BinaryAuthorization)) {
        Flag::Is(true, s) => Finding::new(Status::Pass, "Binary Authorization is on.", Some(s)),
        Flag::Is(false, s) => Finding::new(Status::Fail, FAIL, Some(s)),
        Flag::Unknown(e, s) => Finding::new(
            Status::Unknown,
            format!("Whether Binary Authorization is on comes from `{e}`, which gkecheck cannot evaluate; it must be."),
            Some(s),
        ),
        Flag::Absent => Finding::new(Status::Fail, format!("{} (off unless asked for).", FAIL.trim_end_matches('.')), None),
    }
}
