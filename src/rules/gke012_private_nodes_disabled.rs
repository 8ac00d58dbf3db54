//! GKE012: nodes with public IP addresses.

use super::fix;
use super::{each_cluster, each_pool, flag, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Cluster, Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};
use crate::span::Span;

pub static RULE: Rule = Rule {
    id: "GKE012",
    name: "private-nodes-disabled",
    severity: Severity::Medium,
    category: "network",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Private nodes lose direct internet egress (Cloud NAT is needed first), and the change recreates nodes.",
    title: "The nodes have public IP addresses",
    pass_title: "The nodes have internal addresses only",
    cis: &[("1.4", "5.6.5")],
    peers: &["CKV_GCP_25", "AVD-GCP-0059", "google-gke-enable-private-cluster"],
    differs: "A `private_cluster_config` block is not enough: its `enable_private_nodes` value is read, so a block that sets only other fields fails.",
    what: "Checks that nodes get only internal addresses. The cluster's default is \
`privateClusterConfig.enablePrivateNodes` or the newer `networkConfig.defaultEnablePrivateNodes` (gcloud, \
API), `private_cluster_config { enable_private_nodes = true }` (Terraform): their values are read, not \
the block's presence, so a `private_cluster_config` that sets only other fields still fails. A pool can \
override the default (`networkConfig.enablePrivateNodes`, Terraform `network_config { \
enable_private_nodes }`): such a pool gets its own verdict. Public nodes are the default, so an absent \
setting fails; Autopilot clusters can have public nodes too, so they are judged the same way.",
    why: "A node with a public IP address can be reached from the internet on any port its firewall rules \
leave open (NodePort services, the kubelet if a rule is too wide), and its pods' egress needs no NAT a \
team controls.",
    fix: "Make pools private: `gcloud container node-pools update POOL --cluster=CLUSTER \
--enable-private-nodes` (GKE 1.29 and later; the nodes are recreated) with Cloud NAT for egress, or set \
`enable_private_nodes = true` in Terraform's `private_cluster_config` (or the pool's `network_config`).",
    examples: examples![
        Example {
            title: "Public nodes (gcloud prints no enablePrivateNodes)",
            format: "gcloud-json",
            input: r#"{"name": "c", "privateClusterConfig": {"privateEndpoint": "10.0.0.2"}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Private nodes",
            format: "gcloud-json",
            input: r#"{"name": "c", "privateClusterConfig": {"enablePrivateNodes": true}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "Terraform: the block is there, but enable_private_nodes is false",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  private_cluster_config {\n    enable_private_nodes    = false\n    enable_private_endpoint = false\n  }\n}",
            expect: &[Status::Fail],
        },
    ],
    check,
};

/// The cluster's default for its nodes: private or not, and where it is said.
fn default(c: &Cluster) -> Flag {
    match (
        flag(c.settings.get(Key::PrivateNodes)),
        flag(c.settings.get(Key::DefaultPrivateNodes)),
    ) {
        (Flag::Is(true, s), _) | (_, Flag::Is(true, s)) => Flag::Is(true, s),
        (Flag::Unknown(e, s), _) | (_, Flag::Unknown(e, s)) => Flag::Unknown(e, s),
        (Flag::Is(false, s), _) | (_, Flag::Is(false, s)) => Flag::Is(false, s),
        _ => Flag::Absent,
    }
}

const FAIL: &str = "The nodes have public IP addresses: they can be reached from the internet wherever firewall rules allow.";

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            Some(match default(c) {
                Flag::Is(true, s) => Finding::new(Status::Pass, "Nodes are private by default: they have internal addresses only.", Some(s)),
                Flag::Unknown(expr, s) => Finding::new(
                    Status::Unknown,
                    format!("Whether the nodes are private comes from `{expr}`, which gkecheck cannot evaluate; enable_private_nodes must be true."),
                    Some(s),
                ),
                Flag::Is(false, s) => Finding::new(Status::Fail, FAIL, Some(s)),
                Flag::Absent => Finding::new(
                    Status::Fail,
                    match c.origin {
                        Origin::Live => format!("{} (the API leaves enablePrivateNodes out when it is off).", FAIL.trim_end_matches('.')),
                        Origin::Config => format!("{} (public nodes are the default).", FAIL.trim_end_matches('.')),
                    },
                    None,
                ),
            })
        },
        remedy_cluster,
    );
    // A pool that overrides its cluster's default gets its own verdict.
    each_pool(
        model,
        out,
        &RULE,
        |pool, cluster| {
            let own = flag(pool.settings.get(Key::PoolPrivateNodes));
            let inherited = cluster.map(default);
            match (own, inherited) {
                (Flag::Is(mine, _), Some(Flag::Is(theirs, _))) if mine == theirs => None,
                (Flag::Is(false, _), Some(Flag::Absent)) => None,
                (Flag::Is(true, s), _) => Some(Finding::new(Status::Pass, "This pool's nodes are private.", Some(s))),
                (Flag::Is(false, s), Some(_)) => Some(Finding::new(Status::Fail, format!("This pool overrides its cluster's default: {}", lower_first(FAIL)), Some(s))),
                (Flag::Is(false, s), None) => Some(Finding::new(Status::Fail, format!("This pool's nodes have public IP addresses: {}", FAIL.split_once(": ").map_or(FAIL, |(_, why)| why)), Some(s))),
                (Flag::Unknown(expr, s), _) => Some(Finding::new(
                    Status::Unknown,
                    format!("Whether this pool's nodes are private comes from `{expr}`, which gkecheck cannot evaluate."),
                    Some(s),
                )),
                (Flag::Absent, _) => None,
            }
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!("Make node pool {}'s nodes private.", pool.display_name()),
                    gcloud: fix::PoolChange::Update("Make the nodes private (GKE 1.29 and later; the nodes are recreated)", "--enable-private-nodes"),
                    hcl: ("in network_config, set", "enable_private_nodes = true"),
                    warning: "Private nodes reach the internet only through Cloud NAT: set it up first, or image pulls from outside Google fail.",
                    verify: Some(("This prints True", "networkConfig.enablePrivateNodes")),
                },
            )
        },
    );
}

fn remedy_cluster(c: &Cluster, at: Span) -> fix::Draft {
    fix::cluster_setting(
        c,
        at,
        fix::ClusterSetting {
            summary: format!("Give cluster {}'s nodes internal addresses only.", c.display_name()),
            gcloud: ("Make new and existing pools private by default (GKE 1.29 and later; the nodes are recreated)", "--enable-private-nodes"),
            hcl: ("in private_cluster_config, set", "enable_private_nodes = true"),
            warning: "Private nodes reach the internet only through Cloud NAT: set it up first, or image pulls from outside Google fail.",
            verify: Some(("This prints True", "privateClusterConfig.enablePrivateNodes")),
        },
    )
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => std::iter::once(f.to_ascii_lowercase()).chain(c).collect(),
        None => String::new(),
    }
}
