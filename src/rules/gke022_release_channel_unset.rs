//! GKE022: a cluster outside the release channels.

use super::fix;
use super::{each_cluster, is_autopilot, Example, Finding, Outcome, Rule};
use crate::model::{Field, Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE022",
    name: "release-channel-unset",
    severity: Severity::Low,
    category: "nodes",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "In a channel, GKE upgrades the control plane and nodes on its schedule (set maintenance windows to choose when), and every pool must keep auto-upgrade and auto-repair on: GKE020's and GKE019's fixes come with it.",
    title: "The cluster is not enrolled in a release channel",
    pass_title: "The cluster is enrolled in a release channel",
    cis: &[("1.4", "5.5.4"), ("1.6", "5.5.4"), ("1.9", "5.5.4")],
    peers: &["CKV_GCP_70"],
    differs: "An absent `release_channel` passes in Terraform when no version is pinned: GKE enrolls a new cluster in the REGULAR channel.",
    what: "Checks that the cluster follows a release channel: `releaseChannel.channel` (gcloud) or \
`release_channel { channel }` (Terraform) is RAPID, REGULAR, STABLE or EXTENDED. `UNSPECIFIED`, or no \
channel in gcloud output, fails. In Terraform, an absent block passes when no version is pinned (GKE \
enrolls a new cluster in REGULAR) and is unknown when `min_master_version` is set (a pinned version can \
leave the cluster out of the channels). Autopilot clusters are always in a channel.",
    why: "Outside a channel, the control plane and nodes are upgraded only when a person does it or the \
version reaches end of life: security fixes wait for someone to remember.",
    fix: "`gcloud container clusters update CLUSTER --release-channel=regular`; in Terraform, \
`release_channel { channel = \"REGULAR\" }`.",
    examples: examples![
        Example {
            title: "No channel (gcloud)",
            format: "gcloud-json",
            input: r#"{"name": "c", "releaseChannel": {}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Regular channel",
            format: "gcloud-json",
            input: r#"{"name": "c", "releaseChannel": {"channel": "REGULAR"}, "nodePools": []}"#,
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
            if is_autopilot(c) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot cluster: always in a release channel.",
                    c.autopilot.span(),
                ));
            }
            let channel = c.settings.get(Key::ReleaseChannel);
            Some(match channel {
                Field::Known { span, .. } => {
                    let name = channel.text().unwrap_or_default().to_ascii_uppercase();
                    if name.is_empty() || name == "UNSPECIFIED" {
                        Finding::new(Status::Fail, "The cluster is in no release channel: upgrades, and the security fixes they carry, wait for a person.", Some(*span))
                    } else {
                        Finding::new(Status::Pass, format!("The cluster follows the {name} release channel."), Some(*span))
                    }
                }
                Field::Unknown { expr, span, .. } => Finding::new(
                    Status::Unknown,
                    format!("The release channel comes from `{expr}`, which gkecheck cannot evaluate; it must not be UNSPECIFIED."),
                    Some(*span),
                ),
                Field::Absent => match (c.origin, c.settings.get(Key::MasterVersion)) {
                    (Origin::Live, _) => Finding::new(Status::Fail, "The cluster is in no release channel (no releaseChannel.channel in the output): upgrades wait for a person.", None),
                    (Origin::Config, Field::Absent) => Finding::new(Status::Pass, "No release_channel block and no pinned version: GKE enrolls the new cluster in the REGULAR channel.", None),
                    (Origin::Config, v) => Finding::new(
                        Status::Unknown,
                        "No release_channel block, and min_master_version pins a version: whether GKE enrolls the cluster in a channel depends on that version. Write release_channel { channel = \"REGULAR\" } to say so.",
                        v.span(),
                    ),
                },
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Enroll cluster {} in a release channel.", c.display_name()),
                    gcloud: ("Enroll the cluster in the REGULAR channel", "--release-channel=regular"),
                    hcl: ("add", "release_channel {\n  channel = \"REGULAR\"\n}"),
                    warning: "In a channel, GKE upgrades the control plane and nodes on its schedule: set maintenance windows and exclusions to choose when.",
                    verify: Some(("This prints REGULAR", "releaseChannel.channel")),
                },
            )
        },
    );
}
