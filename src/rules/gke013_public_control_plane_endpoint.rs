//! GKE013: the control plane answers on a public address.

use super::fix;
use super::{each_cluster, flag, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE013",
    name: "public-control-plane-endpoint",
    severity: Severity::Medium,
    category: "control-plane",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Clients outside the VPC lose the control plane.",
    title: "The Kubernetes API answers on a public IP address",
    pass_title: "The Kubernetes API answers on no public IP address",
    cis: &[("1.4", "5.6.4")],
    peers: &[],
    differs: "",
    what: "Checks that the control plane has no public IP endpoint: \
`privateClusterConfig.enablePrivateEndpoint: true`, \
`controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint: false`, or IP endpoints turned \
off altogether (`ipEndpointsConfig.enabled: false`, DNS endpoint only) in gcloud output; \
`private_cluster_config { enable_private_endpoint = true }` or `control_plane_endpoints_config { \
ip_endpoints_config { enabled = false } }` in Terraform. A public endpoint is the default, so an absent \
setting fails. Authorized networks (GKE014, GKE015) narrow a public endpoint but do not remove it.",
    why: "A public endpoint can be reached by anyone on the internet who finds its address: every \
Kubernetes API vulnerability and every leaked credential is then one request away.",
    fix: "`gcloud container clusters update CLUSTER --enable-private-endpoint` (reach the API from inside \
the VPC, or through the DNS-based endpoint with IAM); in Terraform, `enable_private_endpoint = true` in \
`private_cluster_config`.",
    examples: examples![
        Example {
            title: "Public endpoint (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "c", "endpoint": "34.71.230.98", "privateClusterConfig": {"enablePrivateNodes": true}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Private endpoint only",
            format: "gcloud-json",
            input: r#"{"name": "c", "privateClusterConfig": {"enablePrivateNodes": true, "enablePrivateEndpoint": true}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
        Example {
            title: "DNS endpoint only (IP endpoints off)",
            format: "gcloud-json",
            input: r#"{"name": "c", "controlPlaneEndpointsConfig": {"ipEndpointsConfig": {"enabled": false}}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

const FAIL: &str = "The Kubernetes API has a public endpoint: anyone on the internet can reach it, limited only by authorized networks and credentials.";

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            let s = &c.settings;
            let private = flag(s.get(Key::PrivateEndpoint));
            let public = flag(s.get(Key::PublicEndpoint));
            let ip = flag(s.get(Key::IpEndpoints));
            Some(match (ip, private, public) {
                (Flag::Is(false, sp), _, _) => Finding::new(Status::Pass, "The control plane has no IP endpoint: it is reached through its DNS endpoint, with IAM.", Some(sp)),
                (_, Flag::Is(true, sp), _) => Finding::new(Status::Pass, "The control plane has a private endpoint only.", Some(sp)),
                (_, _, Flag::Is(false, sp)) => Finding::new(Status::Pass, "The control plane's public endpoint is off.", Some(sp)),
                (Flag::Unknown(e, sp), _, _) | (_, Flag::Unknown(e, sp), _) | (_, _, Flag::Unknown(e, sp)) => Finding::new(
                    Status::Unknown,
                    format!("Whether the control plane has a public endpoint comes from `{e}`, which gkecheck cannot evaluate; enable_private_endpoint must be true."),
                    Some(sp),
                ),
                (_, Flag::Is(false, sp), _) | (_, _, Flag::Is(true, sp)) => Finding::new(Status::Fail, FAIL, Some(sp)),
                _ => Finding::new(
                    Status::Fail,
                    match c.origin {
                        Origin::Live => format!("{} (no enablePrivateEndpoint in the output).", FAIL.trim_end_matches('.')),
                        Origin::Config => format!("{} (the default).", FAIL.trim_end_matches('.')),
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
                    summary: format!("Take cluster {}'s control plane off the internet.", c.display_name()),
                    gcloud: ("Turn the public endpoint off", "--enable-private-endpoint"),
                    hcl: ("in private_cluster_config, set", "enable_private_endpoint = true"),
                    warning: "kubectl, CI and other clients outside the VPC lose the API unless they move to the DNS-based endpoint or a network inside the VPC: move them first.",
                    verify: Some(("This prints True", "privateClusterConfig.enablePrivateEndpoint")),
                },
            )
        },
    );
}
