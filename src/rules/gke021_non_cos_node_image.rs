//! GKE021: nodes that do not run Container-Optimized OS.

use super::fix::{self, DraftStep};
use super::{autopilot_pool, each_pool, is_windows, Draft, Example, Finding, Outcome, Rule, Texts};
use crate::model::{Field, Key, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE021",
    name: "non-cos-node-image",
    severity: Severity::Low,
    category: "nodes",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Changing the image recreates the pool's nodes; workloads that install host packages need changing first.",
    title: "The pool's nodes do not run Container-Optimized OS",
    pass_title: "The pool's nodes run Container-Optimized OS",
    cis: &[("1.4", "5.5.1"), ("1.6", "5.5.1"), ("1.9", "5.5.1")],
    peers: &["CKV_GCP_22", "AVD-GCP-0054", "google-gke-node-pool-uses-cos"],
    differs: "An absent `image_type` passes (GKE's default is COS_CONTAINERD), and Windows pools are exempt.",
    what: "Checks that each node pool runs Container-Optimized OS: `config.imageType` (gcloud) or \
`node_config { image_type }` (Terraform) starts with `COS` (any case). An absent image type is \
COS_CONTAINERD, GKE's default, and passes. Windows pools are exempt (they cannot run COS); Autopilot pools \
pass.",
    why: "Container-Optimized OS has a read-only root file system, a minimal package set, and security \
patches that arrive with GKE's node upgrades; general-purpose images (Ubuntu) leave more to attack and \
more to patch.",
    fix: "`gcloud container clusters upgrade CLUSTER --node-pool=POOL --image-type=COS_CONTAINERD` (the \
nodes are recreated); in Terraform, `image_type = \"COS_CONTAINERD\"` or remove the argument.",
    examples: examples![
        Example {
            title: "Ubuntu",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"imageType": "UBUNTU_CONTAINERD"}}]}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "A Windows pool is exempt",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "win", "config": {"imageType": "WINDOWS_LTSC_CONTAINERD"}}]}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    let texts = Texts::of(model);
    each_pool(
        model,
        out,
        &RULE,
        |pool, cluster| {
            if autopilot_pool(cluster) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot node pool: GKE chooses the node image.",
                    None,
                ));
            }
            let image = pool.settings.get(Key::ImageType);
            Some(match image {
                Field::Known { span, .. } => {
                    let name = image.text().unwrap_or_default().to_ascii_uppercase();
                    if name.starts_with("COS") {
                        Finding::new(Status::Pass, texts.say(Status::Pass, || format!("The nodes run Container-Optimized OS ({name}).")), Some(*span))
                    } else if is_windows(pool) {
                        Finding::new(Status::Pass, texts.say(Status::Pass, || format!("A Windows pool ({name}): Container-Optimized OS does not apply.")), Some(*span))
                    } else {
                        Finding::new(
                            Status::Fail,
                            format!("The nodes run {name}, not Container-Optimized OS: a writable root file system and a larger package set to attack and to patch."),
                            Some(*span),
                        )
                    }
                }
                Field::Unknown { expr, span, .. } => Finding::new(
                    Status::Unknown,
                    format!("The image type comes from `{expr}`, which gkecheck cannot evaluate; it should be COS_CONTAINERD."),
                    Some(*span),
                ),
                Field::Absent => Finding::new(Status::Pass, "The nodes run Container-Optimized OS (COS_CONTAINERD, the default).", None),
            })
        },
        |pool, cluster, at| {
            let n = fix::names(cluster, Some(pool));
            let name = pool.command_name();
            let step = match pool.origin {
                Origin::Live => DraftStep::shell(
                    "Move the pool to Container-Optimized OS (the nodes are recreated)",
                    format!(
                        "gcloud container clusters upgrade {} --location={} --project={} --node-pool={name} --image-type=COS_CONTAINERD",
                        n.cluster, n.location, n.project
                    ),
                ),
                Origin::Config => DraftStep::hcl(format!("In {}, set", pool.site.address), "image_type = \"COS_CONTAINERD\"", &pool.site, at),
            };
            Draft {
                summary: format!("Run node pool {name} on Container-Optimized OS.").into(),
                steps: vec![step],
                warnings: vec!["Changing the image recreates the nodes. Workloads that install host packages or rely on a writable root file system need changing first.".into()],
                verify: vec![DraftStep::shell(
                    "This prints COS_CONTAINERD",
                    format!(
                        "gcloud container node-pools describe {name} --cluster={} --location={} --project={} --format=\"value(config.imageType)\"",
                        n.cluster, n.location, n.project
                    ),
                )],
            }
        },
    );
}
