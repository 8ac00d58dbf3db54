//! The rules. Each lives in its own file with its metadata, docs, examples and logic.

mod fix;
pub mod gke001_workload_metadata_not_hardened;
pub mod gke002_workload_identity_disabled;
pub mod gke005_node_default_service_account;
pub mod gke006_node_service_account_overprivileged;
pub mod gke008_legacy_abac_enabled;
pub mod gke009_basic_auth_enabled;
pub mod gke010_client_certificate_enabled;
pub mod gke033_node_token_chain;

use crate::model::{Cluster, Field, Model, NodePool};
use crate::report::{Severity, Status};
use crate::span::Span;

/// A rule's metadata and docs. Docs are Markdown.
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what a failure means.
    pub title: &'static str,
    /// CIS GKE Benchmark recommendations: (benchmark version, recommendation number).
    pub cis: &'static [(&'static str, &'static str)],
    /// The same check in other tools (Checkov, Trivy/tfsec, KICS, ...).
    pub peers: &'static [&'static str],
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    /// Inputs that show the rule; each runs as a test.
    pub examples: &'static [Example],
    pub check: fn(&Model, &mut Vec<Outcome>),
}

/// An example in a rule's docs: this input gives these statuses for the rule, in order.
pub struct Example {
    pub title: &'static str,
    /// `gcloud-json` or `terraform`.
    pub format: &'static str,
    pub input: &'static str,
    pub expect: &'static [Status],
}

/// All rules, in id order.
pub static RULES: &[&Rule] = &[
    &gke001_workload_metadata_not_hardened::RULE,
    &gke002_workload_identity_disabled::RULE,
    &gke005_node_default_service_account::RULE,
    &gke006_node_service_account_overprivileged::RULE,
    &gke008_legacy_abac_enabled::RULE,
    &gke009_basic_auth_enabled::RULE,
    &gke010_client_certificate_enabled::RULE,
    &gke033_node_token_chain::RULE,
];

pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// What a rule found about one resource, before it is placed in the report.
pub struct Outcome {
    pub rule: &'static Rule,
    pub status: Status,
    pub message: String,
    pub subject: Subject,
    /// Input index and span the finding points at.
    pub at: (usize, Span),
    pub remediation: Option<fix::Draft>,
}

/// Which resource an outcome is about (an index into the model).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Cluster(usize),
    NodePool(usize),
}

pub use fix::{Draft, DraftStep};

/// Whether the cluster has Workload Identity, as far as the input tells.
pub enum Identity<'a> {
    /// Set to this pool (or a template certain to be non-empty), at this span.
    On(Option<&'a str>, Span),
    Off,
    /// Set by an expression gkecheck cannot evaluate.
    Unknown(&'a str, Span),
}

pub fn identity(cluster: &Cluster) -> Identity<'_> {
    match &cluster.workload_pool {
        Field::Known { value, span } if !value.is_empty() => Identity::On(Some(value), *span),
        Field::Unknown {
            nonempty: true,
            span,
            ..
        } => Identity::On(None, *span),
        Field::Unknown { expr, span, .. } => Identity::Unknown(expr, *span),
        _ => Identity::Off,
    }
}

pub fn is_autopilot(cluster: &Cluster) -> bool {
    cluster.autopilot.value() == Some(&true)
}

/// The place a finding about a node pool points at when no setting is there to point at.
pub fn pool_head(pool: &NodePool) -> (usize, Span) {
    (pool.site.input, pool.site.head)
}

/// A verdict about a pool that exists only if an expression gkecheck cannot evaluate allows
/// it: a failure or an unknown becomes unknown, saying why; a pass stays a pass.
pub fn if_pool_exists(pool: &NodePool, status: Status, message: String) -> (Status, String) {
    match (&pool.uncertain, status) {
        (Some((expr, _)), Status::Fail | Status::Unknown) => (
            Status::Unknown,
            format!("{message} But whether this pool exists depends on `{expr}`, which gkecheck cannot evaluate."),
        ),
        _ => (status, message),
    }
}

/// Runs every rule over the model.
pub fn run(model: &Model) -> Vec<Outcome> {
    let mut out = Vec::new();
    for rule in RULES {
        (rule.check)(model, &mut out);
    }
    out
}
