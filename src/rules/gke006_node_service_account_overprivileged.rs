//! GKE006: a node pool's service account holds a broad role in the project (needs the
//! project's IAM policy in the input).

use super::fix::{self, Draft, DraftStep};
use super::{pool_head, Example, Outcome, Rule, Subject};
use crate::model::{Field, Model, NodePool};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE006",
    name: "node-service-account-overprivileged",
    severity: Severity::High,
    category: "node-identity",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Removing the binding can cut off whatever else runs as that account: which roles it keeps is yours to decide.",
    title: "The nodes' service account holds a broad role in the project",
    pass_title: "The nodes' service account holds no broad role in the project",
    cis: &[],
    peers: &[],
    differs: "",
    what: "With the project's IAM policy in the input (`gcloud projects get-iam-policy PROJECT_ID \
--format=json` or YAML, as a second file or a second document), checks the role bindings of each \
node pool's service account: the account it names, or for `default` (and no account) the project's \
Compute Engine default service account, `PROJECT_NUMBER-compute@developer.gserviceaccount.com`. \
Broad roles: roles/owner, roles/editor, roles/resourcemanager.projectIamAdmin, roles/iam.securityAdmin, \
roles/iam.serviceAccountAdmin, roles/iam.serviceAccountTokenCreator, roles/iam.serviceAccountKeyAdmin, \
roles/container.admin, roles/compute.admin, roles/storage.admin. Without an IAM policy in the input, \
this rule gives no result. The policy output does not name its project, so it is taken to be the \
clusters' project; with clusters of several projects in the input, the verdict is unknown.",
    why: "Whatever the node's service account may do, a pod that reaches the metadata server (GKE001) may \
do too. The Compute Engine default service account holds roles/editor in many projects, so one \
compromised pod can change almost everything in the project.",
    fix: "Give the nodes a dedicated service account with only `roles/container.defaultNodeServiceAccount` \
(GKE005), and remove the broad role: `gcloud projects remove-iam-policy-binding PROJECT_ID \
--member=serviceAccount:EMAIL --role=ROLE`. Check first what else runs as that account: the default \
Compute Engine account is also used by VMs.",
    examples: examples![Example {
        title: "The default service account with roles/editor",
        format: "gcloud-json",
        input: r#"{"name": "prod", "nodePools": [{"name": "apps", "config": {"serviceAccount": "default"}}]}
{"bindings": [{"role": "roles/editor", "members": ["serviceAccount:123456789012-compute@developer.gserviceaccount.com"]}], "etag": "BwX=", "version": 1}"#,
        expect: &[Status::Fail],
    }],
    check,
};

/// Broad roles, and what a holder can do with them.
const BROAD: &[(&str, &str)] = &[
    (
        "roles/owner",
        "do anything in the project, granting itself more included",
    ),
    (
        "roles/editor",
        "change almost every resource in the project: VMs, storage, databases, deployments",
    ),
    (
        "roles/resourcemanager.projectIamAdmin",
        "grant any role in the project to anyone, itself included",
    ),
    (
        "roles/iam.securityAdmin",
        "grant roles and read every IAM policy in the project",
    ),
    (
        "roles/iam.serviceAccountAdmin",
        "create service accounts and change who may act as them",
    ),
    (
        "roles/iam.serviceAccountTokenCreator",
        "mint tokens for other service accounts and act as them",
    ),
    (
        "roles/iam.serviceAccountKeyAdmin",
        "create keys for other service accounts",
    ),
    (
        "roles/container.admin",
        "control every GKE cluster in the project and the workloads in them",
    ),
    (
        "roles/compute.admin",
        "control every VM, disk and network in the project",
    ),
    (
        "roles/storage.admin",
        "read, change and delete every Cloud Storage bucket in the project",
    ),
];

/// The account's email and the broad roles it holds (role, what it allows).
type Held = (String, Vec<(&'static str, &'static str)>);

/// Why the roles of a pool's account cannot be looked up.
pub(crate) enum NotKnown {
    /// The account comes from an expression gkecheck cannot evaluate.
    Account(String),
    /// The input holds clusters of several projects, and an IAM policy does not say whose
    /// it is.
    Projects(Vec<String>),
}

/// What the IAM policy says of a pool's service account: `None` without a policy in the
/// input; else the account and the broad roles it holds, or why they are not known.
pub(crate) fn broad_roles(model: &Model, pool: &NodePool) -> Option<Result<Held, NotKnown>> {
    if model.iam.is_empty() {
        return None;
    }
    let projects: std::collections::BTreeSet<&str> = model
        .clusters
        .iter()
        .map(|c| &c.project)
        .chain(model.node_pools.iter().map(|p| &p.project))
        .filter_map(|p| p.as_str())
        .chain(model.projects_beside.iter().map(String::as_str))
        .filter(|p| !p.is_empty())
        .collect();
    if projects.len() > 1 {
        return Some(Err(NotKnown::Projects(
            projects.into_iter().map(str::to_string).collect(),
        )));
    }
    let members: Vec<(&str, &str)> = model
        .iam
        .iter()
        .flat_map(|p| p.bindings.iter())
        .flat_map(|b| b.members.iter().map(move |m| (m.as_str(), b.role.as_str())))
        .collect();
    let compute_default = || {
        members
            .iter()
            .find_map(|(m, _)| {
                m.strip_prefix("serviceAccount:")
                    .filter(|e| e.ends_with("-compute@developer.gserviceaccount.com"))
            })
            .map(str::to_string)
    };
    let email = match &pool.service_account {
        Field::Known { value, .. } if !value.is_empty() && value != "default" => value.clone(),
        Field::Unknown { expr, .. } => return Some(Err(NotKnown::Account(expr.to_string()))),
        _ => {
            compute_default().unwrap_or_else(|| "the Compute Engine default service account".into())
        }
    };
    let member = format!("serviceAccount:{email}");
    let held: Vec<(&str, &str)> = BROAD
        .iter()
        .filter(|(role, _)| members.iter().any(|(m, r)| *m == member && r == role))
        .copied()
        .collect();
    Some(Ok((email, held)))
}

fn check(model: &Model, out: &mut Vec<Outcome>) {
    for (i, pool) in model.node_pools.iter().enumerate() {
        let Some(found) = broad_roles(model, pool) else {
            continue;
        };
        let at = pool
            .service_account
            .span()
            .map_or(pool_head(pool), |s| (pool.site.input, s));
        let (status, message) = match &found {
            Err(NotKnown::Account(expr)) => (
                Status::Unknown,
                format!("The pool's service account comes from `{expr}`, which gkecheck cannot evaluate, so its roles cannot be looked up in the IAM policy."),
            ),
            Err(NotKnown::Projects(projects)) => (
                Status::Unknown,
                format!(
                    "The input holds clusters of the projects {}, and an IAM policy does not say which project it is: check each project's clusters with that project's policy.",
                    projects.join(", ")
                ),
            ),
            Ok((email, held)) if held.is_empty() => (Status::Pass, format!("The pool's service account ({email}) holds none of the broad roles in the IAM policy.")),
            Ok((email, held)) => (
                Status::Fail,
                format!(
                    "The pool's service account ({email}) holds {}: with it, anyone who gets the node's token can {}.",
                    held.iter().map(|(r, _)| *r).collect::<Vec<_>>().join(" and "),
                    held[0].1
                ),
            ),
        };
        let remediation = match (&found, status) {
            _ if model.without_remediation => None,
            (Ok((email, held)), Status::Fail) => Some(unbind(model, pool, email, held)),
            _ => None,
        };
        out.push(Outcome {
            pending: None,
            rule: &RULE,
            status,
            message: message.into(),
            subject: Subject::NodePool(i),
            at,
            remediation: remediation.map(Box::new),
        });
    }
}

/// Removing the broad roles from the account, and what to check first.
pub(crate) fn unbind(model: &Model, pool: &NodePool, email: &str, held: &[(&str, &str)]) -> Draft {
    let names = fix::names(model.cluster_of(pool), Some(pool));
    let commands: Vec<String> = held
        .iter()
        .map(|(role, _)| format!("gcloud projects remove-iam-policy-binding {} --member=\"serviceAccount:{email}\" --role={role}", names.project))
        .collect();
    Draft {
        summary: format!("Take the broad role{} away from {email}, and give the nodes an account of their own.", if held.len() == 1 { "" } else { "s" }).into(),
        steps: vec![DraftStep::shell(format!("Remove {} from the nodes' service account", held.iter().map(|(r, _)| *r).collect::<Vec<_>>().join(", ")), commands.join("\n"))],
        warnings: vec![format!("Check first what else runs as {email}: the Compute Engine default service account is also used by VMs, which may need some of these permissions.").into()],
        verify: vec![DraftStep::shell(
            "This lists the roles the account still holds",
            format!("gcloud projects get-iam-policy {} --flatten=\"bindings[].members\" --filter=\"bindings.members:serviceAccount:{email}\" --format=\"value(bindings.role)\"", names.project),
        )],
    }
}
