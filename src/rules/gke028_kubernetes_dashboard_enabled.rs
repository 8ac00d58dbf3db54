//! GKE028: the Kubernetes Dashboard add-on.

use super::fix;
use super::{each_cluster, flag, is_autopilot, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Cluster, Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE028",
    name: "kubernetes-dashboard-enabled",
    severity: Severity::High,
    category: "workloads",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Removes the dashboard add-on in place; its users lose it.",
    title: "The Kubernetes Dashboard add-on runs in the cluster",
    pass_title: "The Kubernetes Dashboard add-on does not run",
    cis: &[],
    peers: &[],
    differs: "In Terraform only an explicit `disabled = false` fails: the add-on is not installed since GKE 1.10 and was removed in 1.15.",
    what: "Checks that the Kubernetes Dashboard add-on is off: `addonsConfig.kubernetesDashboard.disabled` \
(gcloud) or `addons_config { kubernetes_dashboard { disabled } }` (Terraform, provider 3.x). GKE stopped \
installing it by default in 1.10 and removed it in 1.15, so in Terraform only an explicit \
`disabled = false` fails. In gcloud output the API leaves `disabled` out when it is false, so a cluster \
older than 1.15 (`currentMasterVersion`) that does not say `disabled: true` fails, a newer one passes, and \
one whose version the input does not give is unknown. Autopilot clusters pass.",
    why: "The dashboard ran with a powerful service account and was reachable from inside the cluster: \
a compromised pod, or a misconfigured proxy, could use it to read Secrets and create workloads.",
    fix: "`gcloud container clusters update CLUSTER --update-addons=KubernetesDashboard=DISABLED`, then \
upgrade past 1.15; in Terraform, `kubernetes_dashboard { disabled = true }` or remove the block.",
    examples: examples![
        Example {
            title: "A 1.9 cluster whose dashboard is not disabled",
            format: "gcloud-json",
            input: r#"{"name": "c", "currentMasterVersion": "1.9.7-gke.11", "addonsConfig": {"kubernetesDashboard": {}}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "A current cluster: the add-on no longer exists",
            format: "gcloud-json",
            input: r#"{"name": "c", "currentMasterVersion": "1.30.5-gke.1014001", "addonsConfig": {}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

/// The minor version of a `1.X.Y-gke.N` version.
fn minor(version: &str) -> Option<u32> {
    let mut parts = version.trim().trim_start_matches('v').split('.');
    match (
        parts.next()?.parse::<u32>().ok()?,
        parts.next()?.parse::<u32>().ok()?,
    ) {
        (1, m) => Some(m),
        (_, _) => Some(u32::MAX),
    }
}

const FAIL: &str = "The Kubernetes Dashboard add-on is on: it runs with broad permissions and can be used from inside the cluster to read Secrets and start workloads.";

fn verdict(c: &Cluster) -> Finding {
    if is_autopilot(c) {
        return Finding::new(
            Status::Pass,
            "Autopilot cluster: the dashboard add-on does not exist.",
            c.autopilot.span(),
        );
    }
    match flag(c.settings.get(Key::Dashboard)) {
        Flag::Is(true, s) => return Finding::new(Status::Pass, "The Kubernetes Dashboard add-on is disabled.", Some(s)),
        Flag::Is(false, s) => return Finding::new(Status::Fail, FAIL, Some(s)),
        Flag::Unknown(e, s) => {
            return Finding::new(
                Status::Unknown,
                format!("Whether the dashboard is disabled comes from `{e}`, which gkecheck cannot evaluate; it must be."),
                Some(s),
            )
        }
        Flag::Absent => {}
    }
    if c.origin == Origin::Config {
        return Finding::new(Status::Pass, "The Kubernetes Dashboard add-on is off (not installed since GKE 1.10, removed in 1.15).", None);
    }
    let version = c.settings.get(Key::MasterVersion);
    match version.text().and_then(minor) {
        Some(m) if m >= 15 => Finding::new(Status::Pass, "The Kubernetes Dashboard add-on does not exist in this GKE version (removed in 1.15).", version.span()),
        Some(_) => Finding::new(Status::Fail, format!("{} (GKE {} does not say disabled: true).", FAIL.trim_end_matches('.'), version.text().unwrap_or_default()), version.span()),
        None => Finding::new(
            Status::Unknown,
            "The output neither says the dashboard is disabled nor gives the GKE version (currentMasterVersion): before 1.15, a dashboard that is not disabled runs.",
            None,
        ),
    }
}

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| Some(verdict(c)),
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Remove the Kubernetes Dashboard from cluster {}.", c.display_name()),
                    gcloud: ("Disable the dashboard add-on", "--update-addons=KubernetesDashboard=DISABLED"),
                    hcl: ("in addons_config.kubernetes_dashboard, set", "disabled = true"),
                    warning: "People who use the dashboard lose it: the Google Cloud console's workload pages show the same, with IAM.",
                    verify: Some(("This prints True", "addonsConfig.kubernetesDashboard.disabled")),
                },
            )
        },
    );
}
