//! GKE031: Google Groups for RBAC not configured.

use super::fix;
use super::{each_cluster, Example, Finding, Outcome, Rule};
use crate::model::{Field, Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE031",
    name: "rbac-google-groups-unset",
    severity: Severity::Low,
    category: "access-control",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "The gke-security-groups group is yours to create in your domain.",
    title: "RBAC cannot grant access to Google Groups",
    pass_title: "RBAC can grant access to Google Groups",
    cis: &[("1.4", "5.8.3")],
    peers: &["CKV_GCP_65"],
    differs: "",
    what: "Checks that Google Groups for RBAC is configured: `authenticatorGroupsConfig.securityGroup` \
(gcloud) or `authenticator_groups_config { security_group }` (Terraform) names the \
`gke-security-groups@DOMAIN` group. It is not set unless asked for, so an absent setting fails.",
    why: "Without it, RoleBindings name individual users, who keep their access after they change teams or \
leave unless someone edits every binding; with groups, access follows group membership, managed in \
one place.",
    fix: "Create `gke-security-groups@YOUR_DOMAIN` with your access groups as members, then `gcloud \
container clusters update CLUSTER --security-group=gke-security-groups@YOUR_DOMAIN`; in Terraform, \
`authenticator_groups_config { security_group = \"gke-security-groups@YOUR_DOMAIN\" }`.",
    examples: examples![
        Example {
            title: "Not configured",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Configured",
            format: "gcloud-json",
            input: r#"{"name": "c", "authenticatorGroupsConfig": {"enabled": true, "securityGroup": "gke-security-groups@example.com"}, "nodePools": []}"#,
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
            let group = c.settings.get(Key::SecurityGroup);
            Some(match group {
                Field::Known { span, .. } if group.text().is_some_and(|g| !g.is_empty()) => {
                    Finding::new(Status::Pass, format!("RBAC can grant access to Google Groups ({}).", group.text().unwrap_or_default()), Some(*span))
                }
                Field::Unknown { nonempty: true, span, expr } => Finding::new(Status::Pass, format!("RBAC can grant access to Google Groups ({expr})."), Some(*span)),
                Field::Unknown { expr, span, .. } => Finding::new(
                    Status::Unknown,
                    format!("The security group comes from `{expr}`, which gkecheck cannot evaluate; it must name gke-security-groups@YOUR_DOMAIN."),
                    Some(*span),
                ),
                _ => Finding::new(Status::Fail, "Google Groups for RBAC is not configured: RoleBindings must name individual users, who keep access until each binding is edited.", group.span()),
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Let RBAC on cluster {} grant access to Google Groups.", c.display_name()),
                    gcloud: (
                        "Configure Google Groups for RBAC (create gke-security-groups@YOUR_DOMAIN first, with your access groups as members)",
                        "--security-group=gke-security-groups@YOUR_DOMAIN",
                    ),
                    hcl: ("add", "authenticator_groups_config {\n  security_group = \"gke-security-groups@YOUR_DOMAIN\"\n}"),
                    warning: "Changes nothing for existing bindings: move them to groups afterwards.",
                    verify: Some(("This prints the group", "authenticatorGroupsConfig.securityGroup")),
                },
            )
        },
    );
}
