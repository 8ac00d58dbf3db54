//! GKE034: what runs is not what Terraform declares. When one check holds a cluster's Terraform
//! (configuration or plan) and its live output (gcloud, API, asset export), the node pools one
//! side has and the other lacks, and the security settings both state but differently.

use super::fix::{Draft, DraftStep};
use super::{Example, Outcome, Rule, Subject};
use crate::model::{Cluster, Field, Key, Model, NodePool, Origin, PoolKind, Value};
use crate::report::{Applicability, Severity, Status};
use crate::span::Span;

pub static RULE: Rule = Rule {
    id: "GKE034",
    name: "live-differs-from-terraform",
    severity: Severity::Medium,
    category: "drift",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Nothing by itself: a person decides which side is right, then runs terraform apply (which may recreate nodes or a pool) or changes the configuration to match what runs.",
    title: "What runs differs from what Terraform declares",
    pass_title: "What runs matches what Terraform declares",
    cis: &[],
    peers: &[],
    differs: "",
    what: "When the input holds both a cluster's Terraform (configuration or plan) and its live output \
(gcloud, the API, an asset export), with the same name and location (and project where both say it), \
reports a live node pool Terraform does not declare, a declared pool the live cluster does not have, \
and each security setting that both state with different values, with both values. Never reported, \
as expected differences: a setting either side leaves out (Terraform leaves server-side defaults to \
GKE; the API leaves out what is off, and so does a `--format` projection), the master version \
(Terraform names a prefix the server resolves), OAuth scopes written as aliases, pools whose name \
Terraform does not fix (`name_prefix`, an expression gkecheck cannot evaluate: pools being replaced), \
pools of Autopilot clusters and the `nap-` pools node auto-provisioning makes, and pools whose \
existence depends on a value gkecheck cannot evaluate. Declared pools are missed only when the live \
output lists the cluster's pools.",
    why: "A check of the Terraform says what should run; the live cluster is what attackers meet. A \
pool created by hand for a quick test, or a setting switched off in the console during an incident, \
does not show in the configuration review, and the next `terraform apply` may quietly undo it or \
fail on it.",
    fix: "Decide which side is right. If Terraform is: `terraform plan` shows the change, `terraform \
apply` makes it (a pool Terraform does not know stays until you delete it: `gcloud container node-pools \
delete`). If the live cluster is: change the configuration to match, or `terraform import` the pool.",
    examples: examples![Example {
        title: "Terraform alone: nothing to compare",
        format: "terraform",
        input: "resource \"google_container_cluster\" \"c\" {\n  name     = \"c\"\n  location = \"europe-west1\"\n}",
        expect: &[],
    }],
    check,
};

/// The cluster settings compared, with the words for them.
const CLUSTER_SETTINGS: &[(Key, &str)] = &[
    (Key::LegacyAbac, "legacy ABAC"),
    (Key::NetworkPolicy, "network policy enforcement"),
    (Key::DatapathProvider, "the datapath provider"),
    (Key::PrivateNodes, "private nodes"),
    (Key::PrivateEndpoint, "the private endpoint"),
    (Key::ShieldedNodes, "shielded nodes"),
    (Key::ReleaseChannel, "the release channel"),
    (
        Key::BinaryAuthorizationMode,
        "the Binary Authorization mode",
    ),
    (Key::IntranodeVisibility, "intranode visibility"),
    (Key::Dashboard, "the Kubernetes dashboard"),
    (Key::Alpha, "alpha features"),
    (Key::SecurityGroup, "the Google Groups for RBAC"),
];

/// The node pool settings compared.
const POOL_SETTINGS: &[(Key, &str)] = &[
    (Key::LegacyEndpoints, "disable-legacy-endpoints"),
    (Key::SecureBoot, "secure boot"),
    (Key::IntegrityMonitoring, "integrity monitoring"),
    (Key::AutoRepair, "auto-repair"),
    (Key::AutoUpgrade, "auto-upgrade"),
    (Key::ImageType, "the node image"),
    (Key::OauthScopes, "the OAuth scopes"),
];

/// One setting both sides state, differently.
struct Difference {
    what: &'static str,
    terraform: String,
    live: String,
    at: Span,
}

fn shown(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Text(t) => t.clone(),
        Value::List(items) => {
            let mut items: Vec<&str> = items.iter().map(|(s, _)| s.as_str()).collect();
            crate::sort::sort(&mut items);
            format!("[{}]", items.join(", "))
        }
    }
}

/// Whether two stated values say the same; `None` when they cannot be compared (different
/// shapes, scopes written as aliases).
fn same(terraform: &Value, live: &Value) -> Option<bool> {
    match (terraform, live) {
        (Value::Bool(a), Value::Bool(b)) => Some(a == b),
        (Value::Text(a), Value::Text(b)) => Some(a.eq_ignore_ascii_case(b)),
        (Value::Bool(a), Value::Text(b)) | (Value::Text(b), Value::Bool(a)) => {
            Some(b.eq_ignore_ascii_case(&a.to_string()))
        }
        (Value::List(a), Value::List(b)) => {
            let set = |l: &[(String, Span)]| {
                let mut v: Vec<String> = l.iter().map(|(s, _)| s.to_ascii_lowercase()).collect();
                crate::sort::sort(&mut v);
                v.dedup();
                v
            };
            Some(set(a) == set(b))
        }
        _ => None,
    }
}

fn compare(
    terraform: &crate::model::Settings,
    live: &crate::model::Settings,
    keys: &[(Key, &'static str)],
    out: &mut Vec<Difference>,
) {
    for (key, what) in keys {
        let (Field::Known { value: t, span }, Field::Known { value: l, .. }) =
            (terraform.get(*key), live.get(*key))
        else {
            continue;
        };
        if *key == Key::OauthScopes
            && matches!(t, Value::List(items) if items.iter().any(|(s, _)| !s.contains("://")))
        {
            // Aliases (`cloud-platform`): the provider expands them.
            continue;
        }
        if same(t, l) == Some(false) {
            out.push(Difference {
                what,
                terraform: shown(t),
                live: shown(l),
                at: *span,
            });
        }
    }
}

fn text_difference(
    what: &'static str,
    terraform: &Field<String>,
    live: &Field<String>,
    out: &mut Vec<Difference>,
) {
    if let (Field::Known { value: t, span }, Field::Known { value: l, .. }) = (terraform, live) {
        if !t.eq_ignore_ascii_case(l) {
            out.push(Difference {
                what,
                terraform: t.clone(),
                live: l.clone(),
                at: *span,
            });
        }
    }
}

/// The live clusters by name and location.
type LiveIndex<'m> = std::collections::HashMap<(&'m str, &'m str), Vec<usize>>;

fn live_index(model: &Model) -> LiveIndex<'_> {
    let mut index = LiveIndex::new();
    for (i, c) in model.clusters.iter().enumerate() {
        if let (Origin::Live, Some(name), Some(location)) =
            (c.origin, c.name.as_str(), c.location.as_str())
        {
            index.entry((name, location)).or_default().push(i);
        }
    }
    index
}

/// The live cluster a Terraform cluster describes: the one live cluster with its name and
/// location (and project, where both say it).
fn live_of(model: &Model, live: &LiveIndex, config: &Cluster) -> Option<usize> {
    let (name, location) = (config.name.as_str()?, config.location.as_str()?);
    let found: Vec<usize> = live
        .get(&(name, location))?
        .iter()
        .copied()
        .filter(
            |&i| match (model.clusters[i].project.as_str(), config.project.as_str()) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            },
        )
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// A Terraform pool's name in GKE, when the configuration fixes it.
fn gke_name(pool: &NodePool) -> Option<String> {
    match (&pool.name, pool.kind) {
        (Field::Known { value, .. }, _) => Some(value.clone()),
        (Field::Absent, PoolKind::Default) => Some("default-pool".into()),
        _ => None,
    }
}

fn pools_of<'m>(
    model: &'m Model,
    by_cluster: &[Vec<usize>],
    cluster: usize,
) -> Vec<(usize, &'m NodePool)> {
    by_cluster[cluster]
        .iter()
        .map(|&p| (p, &model.node_pools[p]))
        .collect()
}

fn remedy(site: &crate::model::Site, differences: &[Difference], whole: &str) -> Draft {
    Draft {
        summary: format!("Decide which is right for {whole}: Terraform, then apply it; or what runs, then change the configuration to match.").into(),
        steps: differences
            .iter()
            .map(|d| {
                DraftStep::hcl(
                    format!("Terraform states {} here; the live cluster has {}", d.what, d.live),
                    d.terraform.clone(),
                    site,
                    d.at,
                )
            })
            .collect(),
        warnings: vec!["terraform apply puts the cluster back as declared; some of these changes recreate nodes or the pool: read the plan first.".into()],
        verify: vec![DraftStep::shell(
            "Terraform lists what it would change to match the configuration; after the decision, nothing for these settings",
            "terraform plan",
        )],
    }
}

fn check(model: &Model, out: &mut Vec<Outcome>) {
    if !model.clusters.iter().any(|c| c.origin == Origin::Config) {
        return;
    }
    let live_clusters = live_index(model);
    let by_cluster = model.pools_by_cluster();
    for (ci, config) in model.clusters.iter().enumerate() {
        if config.origin != Origin::Config {
            continue;
        }
        let Some(li) = live_of(model, &live_clusters, config) else {
            continue;
        };
        let live = &model.clusters[li];
        let cluster_name = config.display_name();
        // The cluster's own settings.
        let mut differences = Vec::new();
        compare(
            &config.settings,
            &live.settings,
            CLUSTER_SETTINGS,
            &mut differences,
        );
        text_difference(
            "the Workload Identity pool",
            &config.workload_pool,
            &live.workload_pool,
            &mut differences,
        );
        out.push(outcome(
            Subject::Cluster(ci),
            config.site.input,
            &config.site,
            &differences,
            format!("cluster {cluster_name}"),
        ));
        let autopilot = |c: &Cluster| c.autopilot.value() == Some(&true);
        if autopilot(config) || autopilot(live) {
            continue;
        }
        let declared = pools_of(model, &by_cluster, ci);
        let running = pools_of(model, &by_cluster, li);
        let names_fixed = declared
            .iter()
            .all(|(_, p)| p.uncertain.is_none() && gke_name(p).is_some());
        let provisioning = live.autoprovisioning.value() == Some(&true);
        // Live pools Terraform does not declare.
        for (pi, pool) in &running {
            let Some(name) = pool.name.as_str() else {
                continue;
            };
            if !names_fixed || (provisioning && name.starts_with("nap-")) {
                continue;
            }
            if declared
                .iter()
                .any(|(_, d)| gke_name(d).as_deref() == Some(name))
            {
                continue;
            }
            out.push(Outcome {
                pending: None,
                rule: &RULE,
                status: Status::Fail,
                message: format!(
                    "Node pool {name} runs in cluster {cluster_name}, but its Terraform ({}) declares no pool of that name: it was made by hand or by another configuration, and no review of the Terraform sees it.",
                    config.site.address
                ).into(),
                subject: Subject::NodePool(*pi),
                at: (pool.site.input, pool.site.head),
                remediation: Some(Box::new(Draft {
                    summary: format!("Bring node pool {name} under Terraform (terraform import), or delete it if nobody needs it.").into(),
                    steps: vec![DraftStep::shell(
                        "Who made it and when: the pool's creation in the audit log",
                        format!(
                            "gcloud logging read 'protoPayload.methodName=\"google.container.v1.ClusterManager.CreateNodePool\" AND protoPayload.resourceName:\"clusters/{}/nodePools/{name}\"' --project={} --limit=5",
                            cluster_name,
                            live.project.as_str().unwrap_or("PROJECT_ID")
                        ),
                    )],
                    warnings: vec![format!("Deleting node pool {name} deletes its nodes and evicts their pods.").into()],
                    verify: vec![],
                })),
            });
        }
        // Declared pools the live cluster lacks (only when the live output lists pools).
        let listed: Vec<&str> = running
            .iter()
            .filter_map(|(_, p)| p.name.as_str())
            .collect();
        for (pi, pool) in &declared {
            if pool.uncertain.is_some() {
                continue;
            }
            let Some(name) = gke_name(pool) else { continue };
            let Some((_, twin)) = running
                .iter()
                .find(|(_, p)| p.name.as_str() == Some(name.as_str()))
            else {
                if !listed.is_empty() {
                    out.push(Outcome {
                        pending: None,
                        rule: &RULE,
                        status: Status::Fail,
                        message: format!(
                            "Terraform declares node pool {name}, but the live cluster {cluster_name} has no pool of that name (it lists {}): not applied yet, or deleted outside Terraform.",
                            listed.join(", ")
                        ).into(),
                        subject: Subject::NodePool(*pi),
                        at: (pool.site.input, pool.site.head),
                        remediation: Some(Box::new(Draft {
                            summary: format!("Apply the configuration (terraform apply creates node pool {name}), or take the pool out of it if it was deleted on purpose.").into(),
                            steps: vec![],
                            warnings: vec![],
                            verify: vec![DraftStep::shell(
                                "Terraform lists the pool it would create",
                                "terraform plan",
                            )],
                        })),
                    });
                }
                continue;
            };
            let mut differences = Vec::new();
            compare(
                &pool.settings,
                &twin.settings,
                POOL_SETTINGS,
                &mut differences,
            );
            text_difference(
                "the metadata mode",
                &pool.mode,
                &twin.mode,
                &mut differences,
            );
            text_difference(
                "the nodes' service account",
                &pool.service_account,
                &twin.service_account,
                &mut differences,
            );
            out.push(outcome(
                Subject::NodePool(*pi),
                pool.site.input,
                &pool.site,
                &differences,
                format!("node pool {name}"),
            ));
        }
    }
}

fn outcome(
    subject: Subject,
    input: usize,
    site: &crate::model::Site,
    differences: &[Difference],
    whole: String,
) -> Outcome {
    if differences.is_empty() {
        return Outcome {
            pending: None,
            rule: &RULE,
            status: Status::Pass,
            message: format!("The live {whole} has the settings its Terraform states.").into(),
            subject,
            at: (input, site.head),
            remediation: None,
        };
    }
    let said: Vec<String> = differences
        .iter()
        .map(|d| format!("{} (Terraform: {}; live: {})", d.what, d.terraform, d.live))
        .collect();
    Outcome {
        pending: None,
        rule: &RULE,
        status: Status::Fail,
        message: format!(
            "The live {whole} differs from its Terraform: {}.",
            said.join("; ")
        )
        .into(),
        subject,
        at: (input, differences[0].at),
        remediation: Some(Box::new(remedy(site, differences, &whole))),
    }
}
