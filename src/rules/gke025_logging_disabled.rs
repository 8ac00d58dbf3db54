//! GKE025: Cloud Logging turned off.

use super::fix;
use super::{each_cluster, Example, Finding, Outcome, Rule};
use crate::model::{Cluster, Field, Key, Model};
use crate::report::{Applicability, Severity, Status};

pub static RULE: Rule = Rule {
    id: "GKE025",
    name: "logging-disabled",
    severity: Severity::Medium,
    category: "observability",
    fix_applicability: Applicability::Safe,
    fix_cost: "Updates the cluster in place; logs are billed by volume.",
    title: "The cluster sends no logs to Cloud Logging",
    pass_title: "The cluster sends its logs to Cloud Logging",
    cis: &[("1.4", "5.7.1")],
    peers: &["CKV_GCP_1", "AVD-GCP-0060", "google-gke-enable-stackdriver-logging"],
    differs: "Only `none` (or an empty component list) fails: an absent setting is Cloud Logging, the default.",
    what: "Checks that logging is not turned off: `loggingService` is not `none` (gcloud), \
`logging_service` is not `none` and `logging_config { enable_components = [] }` is not written \
(Terraform). Logging is on unless turned off, so an absent setting passes.",
    why: "Without logs, a compromise leaves no trail: no container output, no system component logs, \
nothing to investigate or alert on. (Kubernetes audit logs go to Cloud Audit Logs either way.)",
    fix: "`gcloud container clusters update CLUSTER --logging=SYSTEM,WORKLOAD`; in Terraform, remove \
`logging_service = \"none\"` (or set `logging.googleapis.com/kubernetes`) and list components in \
`logging_config`.",
    examples: examples![
        Example {
            title: "Turned off",
            format: "gcloud-json",
            input: r#"{"name": "c", "loggingService": "none", "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "Cloud Logging",
            format: "gcloud-json",
            input: r#"{"name": "c", "loggingService": "logging.googleapis.com/kubernetes", "nodePools": []}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

/// The verdict for a service that is on unless `service` is "none" or `components` is empty.
pub(crate) fn service_verdict(c: &Cluster, service: Key, components: Key, what: &str) -> Finding {
    let s = c.settings.get(service);
    if let Field::Known { span, .. } = s {
        if s.text().is_some_and(|t| t.eq_ignore_ascii_case("none")) {
            return Finding::new(
                Status::Fail,
                format!("{what} is turned off: the cluster sends nothing to it."),
                Some(*span),
            );
        }
    }
    let list = c.settings.get(components);
    match (s, list) {
        (_, Field::Known { span, .. }) if list.list().is_some_and(<[_]>::is_empty) => {
            Finding::new(Status::Fail, format!("{what} collects no component (an empty enable_components)."), Some(*span))
        }
        (Field::Unknown { expr, span, .. }, _) | (_, Field::Unknown { expr, span, .. }) => Finding::new(
            Status::Unknown,
            format!("Whether {what} is on comes from `{expr}`, which gkecheck cannot evaluate; it must not be \"none\"."),
            Some(*span),
        ),
        (Field::Known { span, .. }, _) => Finding::new(Status::Pass, format!("{what} is on ({}).", s.text().unwrap_or_default()), Some(*span)),
        _ => Finding::new(Status::Pass, format!("{what} is on (the default)."), None),
    }
}

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            Some(service_verdict(
                c,
                Key::LoggingService,
                Key::LoggingComponents,
                "Cloud Logging",
            ))
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("Send cluster {}'s logs to Cloud Logging.", c.display_name()),
                    gcloud: ("Turn logging on for system components and workloads", "--logging=SYSTEM,WORKLOAD"),
                    hcl: ("set", "logging_service = \"logging.googleapis.com/kubernetes\""),
                    warning: "Logging has a cost by volume: use exclusion filters for noisy workloads rather than turning it off.",
                    verify: Some(("This prints logging.googleapis.com/kubernetes", "loggingService")),
                },
            )
        },
    );
}
