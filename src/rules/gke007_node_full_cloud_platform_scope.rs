//! GKE007: the default service account with the full cloud-platform scope.

use super::fix;
use super::gke005_node_default_service_account as gke005;
use super::{autopilot_pool, each_pool, Example, Finding, Outcome, Rule, Texts};
use crate::model::{Field, Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE007",
    name: "node-full-cloud-platform-scope",
    severity: Severity::Medium,
    category: "node-identity",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Scopes cannot change in place (Terraform replaces the pool), and the scopes or dedicated account the workloads need are yours to choose.",
    title: "The pool runs as the default service account with the full cloud-platform scope",
    pass_title: "The pool's scopes are limited, or its service account is dedicated",
    cis: &[],
    peers: &[],
    differs: "The cloud-platform scope passes with a dedicated service account: Google recommends it there and lets IAM roles limit the token.",
    what: "Checks that no node pool gives the Compute Engine default service account the \
`https://www.googleapis.com/auth/cloud-platform` scope (`config.oauthScopes` in gcloud output, \
`node_config { oauth_scopes }` in Terraform, where `cloud-platform` alone also means it). Absent scopes \
are GKE's narrow defaults (storage read, logging, monitoring) and pass. With a dedicated service \
account, cloud-platform is what Google recommends (IAM roles limit it), so such pools pass. Autopilot \
pools pass: pods cannot reach the node's token there.",
    why: "Access scopes are the only limit on the default service account's token besides its IAM roles, \
and projects often grant it roles/editor. With cloud-platform, a token taken from the node (GKE001, \
GKE004) can call every Google Cloud API those roles allow.",
    fix: "Give the pool a dedicated, least-privilege service account (GKE005), or narrow its scopes to what \
the nodes need (`--scopes=gke-default`). Scopes and service account cannot change on an existing pool: \
create a replacement pool, move the workloads, delete the old one; Terraform replaces the pool.",
    examples: examples![
        Example {
            title: "Default account, full scope",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"serviceAccount": "default", "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"]}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Dedicated account, full scope: IAM limits it",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"serviceAccount": "nodes@acme.iam.gserviceaccount.com", "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"]}}]}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

fn full(scope: &str) -> bool {
    let s = scope.trim();
    s == "cloud-platform" || s == "https://www.googleapis.com/auth/cloud-platform"
}

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_pool(
        model,
        out,
        &RULE,
        |pool, cluster| {
            if autopilot_pool(cluster) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot node pool: pods cannot reach the node's token.",
                    None,
                ));
            }
            let scopes = pool.settings.get(Key::OauthScopes);
            let (account, _, _) = gke005::judge(&pool.service_account, "Nodes", Texts::None);
            Some(match scopes {
                Field::Unknown { expr, span, .. } => Finding::new(
                    Status::Unknown,
                    format!("The pool's scopes come from `{expr}`, which gkecheck cannot evaluate; with the default service account they must not include cloud-platform."),
                    Some(*span),
                ),
                Field::Known { span, .. } => match scopes.list().and_then(|l| l.iter().find(|(s, _)| full(s))) {
                    None => Finding::new(Status::Pass, "The pool's scopes do not include cloud-platform.", Some(*span)),
                    Some((_, at)) => match account {
                        Status::Fail => Finding::new(
                            Status::Fail,
                            "The nodes run as the Compute Engine default service account with the cloud-platform scope: a token taken from a node can call every Google Cloud API the account's roles allow (often roles/editor).",
                            Some(*at),
                        ),
                        Status::Unknown => Finding::new(
                            Status::Unknown,
                            "The pool has the cloud-platform scope, and its service account is not known: with the default service account, that fails.",
                            Some(*at),
                        ),
                        _ => Finding::new(Status::Pass, "The pool has the cloud-platform scope with a dedicated service account: IAM roles limit what its token can do.", Some(*at)),
                    },
                },
                Field::Absent => Finding::new(Status::Pass, "The pool has GKE's default scopes (no cloud-platform).", None),
            })
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!("Give node pool {} a dedicated service account, or narrow its scopes.", pool.display_name()),
                    gcloud: fix::PoolChange::Replace(
                        "Scopes cannot change on an existing pool (replace NODE_SA with a dedicated service account)",
                        "--service-account=NODE_SA --scopes=cloud-platform",
                    ),
                    hcl: ("in node_config, set a dedicated account (or narrow oauth_scopes)", "service_account = google_service_account.nodes.email"),
                    warning: "The pool is replaced: its nodes are recreated. A dedicated account needs roles/container.defaultNodeServiceAccount (or logging and monitoring writer roles) to run nodes.",
                    verify: Some(("This prints the pool's service account", "config.serviceAccount")),
                },
            )
        },
    );
}
