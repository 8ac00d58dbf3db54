//! GKE004: the legacy metadata endpoints turned back on.

use super::fix;
use super::{autopilot_pool, each_pool, Example, Finding, Outcome, Rule};
use crate::model::{Field, Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE004",
    name: "legacy-metadata-endpoints-enabled",
    severity: Severity::High,
    category: "node-identity",
    fix_applicability: Applicability::Unsafe,
    fix_cost: "Node metadata cannot change in place: Terraform replaces the pool (its nodes are recreated). Anything calling the /0.1/ or /v1beta1/ metadata paths must move to /v1/ first.",
    title: "The pool's nodes serve the legacy metadata endpoints, which need no Metadata-Flavor header",
    pass_title: "The legacy metadata endpoints are off",
    cis: &[],
    peers: &["CKV_GCP_67", "AVD-GCP-0048", "google-gke-metadata-endpoints-disabled"],
    differs: "An absent `disable-legacy-endpoints` passes: GKE 1.12 and later set it to \"true\" on every node unless told otherwise.",
    what: "Checks that no node pool sets the node metadata key `disable-legacy-endpoints` to \"false\" \
(`config.metadata` in gcloud output, `node_config { metadata = {...} }` in Terraform). GKE 1.12 and later \
set it to \"true\" unless told otherwise, so an absent key passes: only an explicit \"false\" fails. \
Autopilot pools pass.",
    why: "The legacy endpoints (`/0.1/` and `/v1beta1/`) answer requests without the `Metadata-Flavor: \
Google` header, the header that stops an SSRF bug in a web application from reading the node's \
metadata, including its service-account token.",
    fix: "Remove the `disable-legacy-endpoints = \"false\"` entry or set it to \"true\". Node metadata \
cannot change on an existing pool: Terraform replaces it; with gcloud, create a pool with \
`--metadata=disable-legacy-endpoints=true` and move the workloads.",
    examples: examples![
        Example {
            title: "Turned back on",
            format: "terraform",
            input: "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    metadata = {\n      disable-legacy-endpoints = \"false\"\n    }\n  }\n}",
            expect: &[Status::Fail],
        },
        Example {
            title: "gcloud: GKE writes \"true\"",
            format: "gcloud-json",
            input: r#"{"name": "c", "nodePools": [{"name": "apps", "config": {"metadata": {"disable-legacy-endpoints": "true"}}}]}"#,
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
            if autopilot_pool(cluster) {
                return Some(Finding::new(
                    Status::Pass,
                    "Autopilot node pool: the legacy endpoints are off.",
                    None,
                ));
            }
            Some(match pool.settings.get(Key::LegacyEndpoints) {
                f @ Field::Known { span, .. } => match f.text().map(str::to_ascii_lowercase).as_deref() {
                    Some("false") => Finding::new(
                        Status::Fail,
                        "disable-legacy-endpoints is \"false\": the nodes answer metadata requests without the Metadata-Flavor header, so an SSRF bug can read the node's token.",
                        Some(*span),
                    ),
                    _ => Finding::new(Status::Pass, "The legacy metadata endpoints are off.", Some(*span)),
                },
                Field::Unknown { expr, span, .. } => Finding::new(
                    Status::Unknown,
                    format!("The node metadata comes from `{expr}`, which gkecheck cannot evaluate; disable-legacy-endpoints must not be \"false\"."),
                    Some(*span),
                ),
                Field::Absent => Finding::new(Status::Pass, "The legacy metadata endpoints are off (the default since GKE 1.12).", None),
            })
        },
        |pool, cluster, at| {
            fix::pool_setting(
                cluster,
                pool,
                at,
                fix::PoolSetting {
                    summary: format!("Turn the legacy metadata endpoints off on node pool {}.", pool.display_name()),
                    gcloud: fix::PoolChange::Replace("Node metadata cannot change on an existing pool", "--metadata=disable-legacy-endpoints=true"),
                    hcl: ("in node_config.metadata, set", "disable-legacy-endpoints = \"true\""),
                    warning: "Terraform replaces the pool (its nodes are recreated). Anything that still calls /0.1/ or /v1beta1/ metadata paths must move to /v1/ with the Metadata-Flavor header.",
                    verify: Some(("This prints true", "config.metadata.disable-legacy-endpoints")),
                },
            )
        },
    );
}
