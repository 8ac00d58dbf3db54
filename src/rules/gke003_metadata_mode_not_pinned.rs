//! GKE003: a Terraform node pool that leaves its metadata mode to be inherited.

use super::fix::{DraftStep, WARN_RECREATE};
use super::{autopilot_pool, each_pool, Draft, Example, Finding, Outcome, Rule};
use crate::model::{Field, Model, Origin};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE003",
    name: "metadata-mode-not-pinned",
    severity: Severity::Low,
    category: "node-identity",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Pinning the mode recreates the pool's nodes when they run another mode today, and needs Workload Identity on the cluster (GKE002's fix comes with it).",
    title: "The pool's metadata mode is not written down: it follows whatever the cluster has when the pool is made",
    pass_title: "The pool's metadata mode is written down",
    cis: &[],
    peers: &[],
    differs: "",
    what: "For Terraform (configuration and plans): checks that each node pool writes its mode, \
`node_config { workload_metadata_config { mode = \"GKE_METADATA\" } }`. Without the block, GKE chooses \
when the pool is created (GKE_METADATA when the cluster has Workload Identity, GCE_METADATA when it has \
not), so GKE001 may pass today while the pool's protection depends on another resource. gcloud output \
shows the mode the nodes run, which GKE001 judges, so this rule gives no verdict there. Autopilot pools \
pass.",
    why: "An inherited setting changes without a diff on the pool: a pool created while Workload \
Identity is being turned off, or moved to another cluster, or recreated by a module, comes back with the \
node's metadata server exposed, and nothing in the pool's own code shows it.",
    fix: "Write `workload_metadata_config { mode = \"GKE_METADATA\" }` in the pool's `node_config` (the cluster \
needs Workload Identity). On an existing pool that already runs GKE_METADATA, this changes nothing on \
the nodes.",
    examples: examples![
        Example {
            title: "Inherited from the cluster's Workload Identity",
            format: "terraform",
            input: "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n}\nresource \"google_container_node_pool\" \"apps\" {\n  cluster = google_container_cluster.c.name\n}",
            expect: &[Status::Fail],
        },
        Example {
            title: "Pinned",
            format: "terraform",
            input: "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    workload_metadata_config {\n      mode = \"GKE_METADATA\"\n    }\n  }\n}",
            expect: &[Status::Pass],
        },
    ],
    check,
};

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_pool(
        model,
        out,
        &RULE,
        |pool, cluster| {
            if pool.origin == Origin::Live {
                return None;
            }
            if autopilot_pool(cluster) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot node pool: GKE sets the metadata mode.",
                    None,
                ));
            }
            Some(match (&pool.metadata_config, &pool.mode, &pool.node_metadata) {
                (Field::Unknown { expr, span, .. }, _, _) => Finding::new(
                    Status::Unknown,
                    format!("The workload_metadata_config block comes from `{expr}`, which gkecheck cannot expand; it must set mode."),
                    Some(*span),
                ),
                (_, Field::Known { span, value }, _) | (_, _, Field::Known { span, value }) => {
                    Finding::new(Status::Pass, format!("The pool writes its metadata mode ({value})."), Some(*span))
                }
                (_, Field::Unknown { expr, span, .. }, _) => Finding::new(
                    Status::Pass,
                    format!("The pool writes its metadata mode, as `{expr}` (GKE001 judges its value)."),
                    Some(*span),
                ),
                (Field::Known { span, .. }, _, _) => Finding::new(
                    Status::Fail,
                    "The workload_metadata_config block sets no mode: GKE chooses it when the pool is created.",
                    Some(*span),
                ),
                _ => Finding::new(
                    Status::Fail,
                    "The pool does not write its metadata mode: GKE chooses it when the pool is created, from whether the cluster has Workload Identity at that moment.",
                    None,
                ),
            })
        },
        |pool, _, at| {
            let code = "workload_metadata_config {\n  mode = \"GKE_METADATA\"\n}";
            let (title, code) = match pool.node_config {
                Some(_) => ("add inside node_config", code.to_string()),
                None => (
                    "add",
                    format!(
                        "node_config {{\n{}\n}}",
                        code.lines()
                            .map(|l| format!("  {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    ),
                ),
            };
            Draft {
                summary: format!("Write node pool {}'s metadata mode down.", pool.display_name()).into(),
                steps: vec![DraftStep::hcl(format!("In {}, {title}", pool.site.address), code, &pool.site, at)],
                warnings: vec![format!("If the pool does not already run GKE_METADATA, this changes it: {WARN_RECREATE}").into()],
                verify: vec![DraftStep::shell("Plan: no change to the pool's nodes when it already runs GKE_METADATA", "terraform plan")],
            }
        },
    );
}
