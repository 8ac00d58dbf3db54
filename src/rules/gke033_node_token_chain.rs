//! GKE033: the whole chain. A pod can take the node's token (GKE001), and that token carries
//! a broad role in the project (GKE006): one finding that tells the story, above all others.

use super::{
    gke001_workload_metadata_not_hardened as gke001,
    gke006_node_service_account_overprivileged as gke006,
};
use super::{Draft, Example, Outcome, PendingFix, Rule, Subject, Texts};
use crate::model::{Model, NodePool};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE033",
    name: "node-token-takes-the-project",
    severity: Severity::Critical,
    category: "node-identity",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "GKE001's fix (the pool's nodes are recreated) and removing the project-wide role from the nodes' account (whatever else uses it may lose access): a person decides the order.",
    title: "Any pod on this pool can act as a service account with a broad role in the project",
    pass_title: "No pod on this pool can act as a service account with a broad role in the project",
    cis: &[],
    peers: &[],
    differs: "",
    what: "Fails a node pool that fails both GKE001 (pods can reach the node's metadata server) and \
GKE006 (the node's service account holds a broad role in the project's IAM policy). It needs the IAM \
policy in the input, and gives a result only where both hold.",
    why: "Each finding alone reads as a medium risk; together they are the whole project. A compromised \
pod, or one SSRF bug in any workload, asks 169.254.169.254 for the node's token and then uses the \
account's role: with roles/editor, it can create VMs, read and change storage and databases, and deploy \
code anywhere in the project.",
    fix: "Break either link, better both: run the pool with the GKE metadata server (GKE001), and take the \
broad role away from the nodes' service account (GKE006), giving the nodes an account of their own \
(GKE005).",
    examples: examples![Example {
        title: "Exposed metadata and roles/editor",
        format: "gcloud-json",
        input: r#"{"name": "prod", "nodePools": [{"name": "apps", "config": {"serviceAccount": "default"}}]}
{"bindings": [{"role": "roles/editor", "members": ["serviceAccount:123456789012-compute@developer.gserviceaccount.com"]}], "etag": "BwX=", "version": 1}"#,
        expect: &[Status::Fail],
    }],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    for (i, pool) in model.node_pools.iter().enumerate() {
        let (status, _, at) = gke001::verdict(model, pool, Texts::None);
        if status != Status::Fail || pool.uncertain.is_some() {
            continue;
        }
        let Some(Ok((email, held))) = gke006::broad_roles(model, pool) else {
            continue;
        };
        if held.is_empty() {
            continue;
        }
        let roles: Vec<&str> = held.iter().map(|(r, _)| *r).collect();
        let message = format!(
            "Any pod on node pool {} can ask the metadata server (169.254.169.254) for the node's token; that token is {email}'s, which holds {} in the project; so one compromised pod, or one SSRF bug in any workload, can {}.",
            pool.display_name(),
            roles.join(" and "),
            held[0].1
        );
        let (remediation, pending) =
            PendingFix::ModelPool(break_chain, i).settle(Status::Fail, model);
        out.push(Outcome {
            pending,
            rule: &RULE,
            status: Status::Fail,
            message: message.into(),
            subject: Subject::NodePool(i),
            at,
            remediation,
        });
    }
}

/// The GKE metadata server on the pool (GKE001's fix), and the broad roles taken from its
/// service account (GKE006's).
fn break_chain(model: &Model, pool: &NodePool) -> Draft {
    let mut fix = gke001::remediation(model, pool);
    // The check found the account and its roles from the same model.
    if let Some(Ok((email, held))) = gke006::broad_roles(model, pool) {
        let unbind = gke006::unbind(model, pool, &email, &held);
        fix.summary = format!("{} And: {}", fix.summary, unbind.summary).into();
        fix.steps.extend(unbind.steps);
        fix.warnings.extend(unbind.warnings);
    }
    fix
}
