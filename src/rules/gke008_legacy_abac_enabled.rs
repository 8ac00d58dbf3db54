//! GKE008: legacy ABAC authorization turned on.

use super::fix;
use super::{each_cluster, is_autopilot, judge, Example, Finding, Judge, Outcome, Rule};
use crate::model::{Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE008",
    name: "legacy-abac-enabled",
    severity: Severity::High,
    category: "access-control",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "With legacy ABAC off, only RBAC grants access in the cluster: users and workloads that relied on ABAC lose access unless RBAC grants it first.",
    title: "Legacy ABAC authorization is on, granting broad static permissions beside RBAC",
    pass_title: "Legacy ABAC is off: RBAC alone grants access",
    cis: &[("1.7", "5.8.3"), ("2.0", "5.8.3")],
    peers: &["CKV_GCP_7", "AVD-GCP-0062", "5baa92d2-d8ee-4c75-88a4-52d9d8bb8067", "google-gke-use-rbac-permissions"],
    differs: "",
    what: "Checks that legacy authorization (ABAC) is off: `legacyAbac.enabled` (gcloud, API) or \
`enable_legacy_abac` (Terraform) is not true. GKE 1.8 and later leave it off unless asked, so an \
absent setting passes; Autopilot clusters cannot turn it on.",
    why: "In Kubernetes, a request is allowed when any authorizer allows it. The legacy ABAC authorizer \
grants broad, statically defined permissions, so with it on, RBAC no longer limits what identities \
in the cluster (service accounts, nodes, controllers) can do.",
    fix: "Grant what users and workloads need through RBAC first, then `gcloud container clusters update \
CLUSTER --location=LOCATION --no-enable-legacy-authorization`; in Terraform, remove \
`enable_legacy_abac = true` or set it to false.",
    examples: examples![
        Example {
            title: "ABAC on (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "prod", "legacyAbac": {"enabled": true}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "The default: off (gcloud prints an empty legacyAbac)",
            format: "gcloud-json",
            input: r#"{"name": "prod", "legacyAbac": {}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "Terraform: enable_legacy_abac = true",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"prod\" {\n  enable_legacy_abac       = true\n  remove_default_node_pool = true\n}",
            expect: &[Status::Fail],
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
                    "Autopilot cluster: legacy ABAC cannot be turned on.",
                    None,
                ));
            }
            Some(Finding::from(judge(
                c.settings.get(Key::LegacyAbac),
                c.origin,
                &Judge {
                    safe: false,
                    absent_live: false,
                    absent_config: false,
                    good: "Legacy ABAC authorization is off.",
                    bad: "Legacy ABAC authorization is on: it grants broad, static permissions, and RBAC no longer limits what identities in the cluster can do.",
                    default_note: "the default since GKE 1.8",
                    what: "legacy ABAC",
                },
            )))
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Turn legacy ABAC off on cluster {}, once RBAC grants what is needed.", c.display_name()),
                    gcloud: ("Turn legacy ABAC off", "--no-enable-legacy-authorization"),
                    hcl: ("set", "enable_legacy_abac = false"),
                    warning: "With ABAC off, only RBAC grants access: give users and workloads the Roles and RoleBindings they need first.",
                    verify: Some(("This prints False or nothing", "legacyAbac.enabled")),
                },
            )
        },
    );
}
