//! GKE014: the control plane accepts connections from any address.

use super::fix;
use super::{each_cluster, flag, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE014",
    name: "master-authorized-networks-disabled",
    severity: Severity::High,
    category: "control-plane",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Only the networks you list reach the control plane: everyone else loses it, and the list is yours to choose.",
    title: "The Kubernetes API accepts connections from any address",
    pass_title: "Only authorized networks reach the Kubernetes API",
    cis: &[("1.4", "5.6.3")],
    peers: &["CKV_GCP_20", "AVD-GCP-0061", "google-gke-enable-master-networks"],
    differs: "A control plane whose IP endpoints are turned off (DNS endpoint only) passes: there is no address for authorized networks to restrict.",
    what: "Checks that control plane authorized networks are on: `masterAuthorizedNetworksConfig.enabled` \
(or `controlPlaneEndpointsConfig.ipEndpointsConfig.authorizedNetworksConfig.enabled`) in gcloud output; a \
`master_authorized_networks_config` block in Terraform (the block turns them on). They are off unless \
asked for, so an absent setting fails. A control plane with no IP endpoint at all (DNS endpoint only) \
passes: there is no address to restrict.",
    why: "Without authorized networks, the API server's IP endpoints accept TLS connections from any \
address: a stolen kubeconfig or token works from anywhere, and every API server vulnerability is exposed \
to the whole internet (or the whole VPC).",
    fix: "`gcloud container clusters update CLUSTER --enable-master-authorized-networks \
--master-authorized-networks=CIDR,...`; in Terraform, a `master_authorized_networks_config` block with \
one `cidr_blocks` block per network.",
    examples: examples![
        Example {
            title: "Off (gcloud prints only gcpPublicCidrsAccessEnabled)",
            format: "gcloud-json",
            input: r#"{"name": "c", "masterAuthorizedNetworksConfig": {"gcpPublicCidrsAccessEnabled": true}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Terraform: the block turns them on",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  master_authorized_networks_config {\n    cidr_blocks {\n      cidr_block = \"10.0.0.0/8\"\n    }\n  }\n}",
            expect: &[Status::Pass],
        },
    ],
    check,
};

const FAIL: &str = "Authorized networks are off: the Kubernetes API accepts connections from any address, so a leaked credential works from anywhere.";

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            let s = &c.settings;
            if let Flag::Is(false, sp) = flag(s.get(Key::IpEndpoints)) {
                return Some(Finding::new(
                    Status::Pass,
                    "The control plane has no IP endpoint to restrict (DNS endpoint only).",
                    Some(sp),
                ));
            }
            Some(match (flag(s.get(Key::AuthorizedNetworks)), flag(s.get(Key::EndpointAuthorizedNetworks))) {
                (Flag::Is(true, sp), _) | (_, Flag::Is(true, sp)) => Finding::new(Status::Pass, "Authorized networks are on.", Some(sp)),
                (Flag::Unknown(e, sp), _) | (_, Flag::Unknown(e, sp)) => Finding::new(
                    Status::Unknown,
                    format!("Whether authorized networks are on comes from `{e}`, which gkecheck cannot evaluate; they must be."),
                    Some(sp),
                ),
                (Flag::Is(false, sp), _) | (_, Flag::Is(false, sp)) => Finding::new(Status::Fail, FAIL, Some(sp)),
                _ => Finding::new(
                    Status::Fail,
                    match c.origin {
                        Origin::Live => format!("{} (the API leaves enabled out when they are off).", FAIL.trim_end_matches('.')),
                        Origin::Config => format!("{} (no master_authorized_networks_config block).", FAIL.trim_end_matches('.')),
                    },
                    None,
                ),
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Limit who can reach cluster {}'s API.", c.display_name()),
                    gcloud: (
                        "Turn authorized networks on (replace CIDR with your networks, comma-separated)",
                        "--enable-master-authorized-networks --master-authorized-networks=CIDR",
                    ),
                    hcl: (
                        "add (one cidr_blocks block per network)",
                        "master_authorized_networks_config {\n  cidr_blocks {\n    cidr_block   = \"CIDR\"\n    display_name = \"office\"\n  }\n}",
                    ),
                    warning: "Clients outside the listed networks (CI runners, laptops, Cloud Build) lose the API: list them first.",
                    verify: Some(("This prints True", "masterAuthorizedNetworksConfig.enabled")),
                },
            )
        },
    );
}
