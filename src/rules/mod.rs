//! The rules. Each lives in its own file with its metadata, docs, examples and logic.

/// A rule's examples: in the command line and the tests, where they are docs and run as
/// tests; left out of the WebAssembly engine, where nothing reads them (the page's size budget).
#[cfg(not(target_arch = "wasm32"))]
macro_rules! examples {
    ($($e:expr),* $(,)?) => { &[$($e),*] };
}
#[cfg(target_arch = "wasm32")]
macro_rules! examples {
    ($($e:expr),* $(,)?) => {{
        // Type-checked like the others, then dropped: nothing refers to them.
        let _examples = [$($e),*];
        &[]
    }};
}

mod fix;
pub mod gke001_workload_metadata_not_hardened;
pub mod gke002_workload_identity_disabled;
pub mod gke003_metadata_mode_not_pinned;
pub mod gke004_legacy_metadata_endpoints_enabled;
pub mod gke005_node_default_service_account;
pub mod gke006_node_service_account_overprivileged;
pub mod gke007_node_full_cloud_platform_scope;
pub mod gke008_legacy_abac_enabled;
pub mod gke009_basic_auth_enabled;
pub mod gke010_client_certificate_enabled;
pub mod gke011_network_policy_disabled;
pub mod gke012_private_nodes_disabled;
pub mod gke013_public_control_plane_endpoint;
pub mod gke014_master_authorized_networks_disabled;
pub mod gke015_authorized_network_is_public;
pub mod gke016_shielded_nodes_disabled;
pub mod gke017_secure_boot_disabled;
pub mod gke018_integrity_monitoring_disabled;
pub mod gke019_auto_repair_disabled;
pub mod gke020_auto_upgrade_disabled;
pub mod gke021_non_cos_node_image;
pub mod gke022_release_channel_unset;
pub mod gke023_binary_authorization_disabled;
pub mod gke024_intranode_visibility_disabled;
pub mod gke025_logging_disabled;
pub mod gke026_monitoring_disabled;
pub mod gke027_secrets_not_encrypted_with_kms;
pub mod gke028_kubernetes_dashboard_enabled;
pub mod gke029_alpha_cluster;
pub mod gke030_routes_based_networking;
pub mod gke031_rbac_google_groups_unset;
pub mod gke032_boot_disk_not_cmek;
pub mod gke033_node_token_chain;
pub mod gke034_live_differs_from_terraform;

use crate::model::{Cluster, Field, Model, NodePool, Origin, Value};
use crate::report::{Applicability, Severity, Status};
use crate::span::Span;
use std::borrow::Cow;

/// A rule's metadata and docs. Docs are Markdown.
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The area it belongs to: node-identity, access-control, control-plane, network, nodes,
    /// workloads, observability, encryption or drift.
    pub category: &'static str,
    /// What `gkecheck fix` may do with a failure of this rule: apply it by default (safe),
    /// only when asked (unsafe), or show it and never apply it (display-only).
    pub fix_applicability: Applicability,
    /// One line: what the fix changes and what it costs (node or pool recreation, cluster
    /// recreation, lost access), said with every fix and in the docs.
    pub fix_cost: &'static str,
    /// One line: what a failure means.
    pub title: &'static str,
    /// One line: what a pass means (said of passing results, never a double negative).
    pub pass_title: &'static str,
    /// CIS GKE Benchmark recommendations: (benchmark version, recommendation number).
    pub cis: &'static [(&'static str, &'static str)],
    /// The same check in other tools (Checkov, Trivy/tfsec, KICS, ...).
    pub peers: &'static [&'static str],
    /// One line: where this rule's verdict deliberately differs from what other tools do with
    /// the same input (a default they misread), and the fact behind it; empty when it does not.
    pub differs: &'static str,
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
    &gke003_metadata_mode_not_pinned::RULE,
    &gke004_legacy_metadata_endpoints_enabled::RULE,
    &gke005_node_default_service_account::RULE,
    &gke006_node_service_account_overprivileged::RULE,
    &gke007_node_full_cloud_platform_scope::RULE,
    &gke008_legacy_abac_enabled::RULE,
    &gke009_basic_auth_enabled::RULE,
    &gke010_client_certificate_enabled::RULE,
    &gke011_network_policy_disabled::RULE,
    &gke012_private_nodes_disabled::RULE,
    &gke013_public_control_plane_endpoint::RULE,
    &gke014_master_authorized_networks_disabled::RULE,
    &gke015_authorized_network_is_public::RULE,
    &gke016_shielded_nodes_disabled::RULE,
    &gke017_secure_boot_disabled::RULE,
    &gke018_integrity_monitoring_disabled::RULE,
    &gke019_auto_repair_disabled::RULE,
    &gke020_auto_upgrade_disabled::RULE,
    &gke021_non_cos_node_image::RULE,
    &gke022_release_channel_unset::RULE,
    &gke023_binary_authorization_disabled::RULE,
    &gke024_intranode_visibility_disabled::RULE,
    &gke025_logging_disabled::RULE,
    &gke026_monitoring_disabled::RULE,
    &gke027_secrets_not_encrypted_with_kms::RULE,
    &gke028_kubernetes_dashboard_enabled::RULE,
    &gke029_alpha_cluster::RULE,
    &gke030_routes_based_networking::RULE,
    &gke031_rbac_google_groups_unset::RULE,
    &gke032_boot_disk_not_cmek::RULE,
    &gke033_node_token_chain::RULE,
    &gke034_live_differs_from_terraform::RULE,
];

pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// The rule whose id is exactly `id` (as a report's results name it): a comparison of each
/// id, not of each id and name in either case, as it is looked up for every result written.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    // A finding's id is its rule's own text: found by address first, as the text output
    // asks once a line.
    RULES
        .iter()
        .copied()
        .find(|r| std::ptr::eq(r.id, id))
        .or_else(|| RULES.iter().copied().find(|r| r.id == id))
}

/// What a rule found about one resource, before it is placed in the report.
pub struct Outcome {
    pub rule: &'static Rule,
    pub status: Status,
    pub message: Cow<'static, str>,
    pub subject: Subject,
    /// Input index and span the finding points at.
    pub at: (usize, Span),
    pub remediation: Option<Box<fix::Draft>>,
    /// The remediation to draft when the report is written, instead (`Model::draft_later`).
    pub pending: Option<PendingFix>,
}

/// Which resource an outcome is about (an index into the model).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Cluster(usize),
    NodePool(usize),
}

pub use fix::{has_placeholder, Draft, DraftStep};

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
pub fn if_pool_exists(
    pool: &NodePool,
    status: Status,
    message: Cow<'static, str>,
) -> (Status, Cow<'static, str>) {
    match (&pool.uncertain, status) {
        (Some((expr, _)), Status::Fail | Status::Unknown) => (
            Status::Unknown,
            format!("{message} But whether this pool exists depends on `{expr}`, which gkecheck cannot evaluate.").into(),
        ),
        _ => (status, message),
    }
}

/// A boolean setting as the input states it.
pub enum Flag {
    Is(bool, Span),
    /// Set by an expression gkecheck cannot evaluate, or to something that is not a boolean.
    Unknown(String, Span),
    Absent,
}

pub fn flag(field: &Field<Value>) -> Flag {
    match field {
        Field::Known { span, .. } => match field.flag() {
            Some(b) => Flag::Is(b, *span),
            None => Flag::Unknown(
                format!("{} (not true or false)", field.text().unwrap_or("a value")),
                *span,
            ),
        },
        Field::Unknown { expr, span, .. } => Flag::Unknown(expr.to_string(), *span),
        Field::Absent => Flag::Absent,
    }
}

/// How a rule judges one boolean setting.
pub struct Judge<'a> {
    /// The value that passes.
    pub safe: bool,
    /// What an absent setting means, for live state (the API leaves `false` out) and for
    /// configuration (what GKE or the provider chooses when the resource is created).
    pub absent_live: bool,
    pub absent_config: bool,
    /// One sentence each: the setting is safe; it is not.
    pub good: &'a str,
    pub bad: &'a str,
    /// Said of an absent setting, after the verdict (e.g. "the default since GKE 1.18").
    pub default_note: &'a str,
    /// What the setting is, for the unknown message ("secure boot").
    pub what: &'a str,
}

/// The verdict on one boolean setting: status, message and the setting's place (if written).
pub fn judge(
    field: &Field<Value>,
    origin: Origin,
    j: &Judge<'static>,
) -> (Status, Cow<'static, str>, Option<Span>) {
    match flag(field) {
        Flag::Is(v, span) if v == j.safe => (Status::Pass, j.good.into(), Some(span)),
        Flag::Is(_, span) => (Status::Fail, j.bad.into(), Some(span)),
        Flag::Unknown(expr, span) => (
            Status::Unknown,
            format!(
                "Whether {} is on comes from `{expr}`, which gkecheck cannot evaluate; it must be {}.",
                j.what,
                if j.safe { "on" } else { "off" }
            )
            .into(),
            Some(span),
        ),
        Flag::Absent => {
            let value = match origin {
                Origin::Live => j.absent_live,
                Origin::Config => j.absent_config,
            };
            let (status, text) = if value == j.safe {
                (Status::Pass, j.good)
            } else {
                (Status::Fail, j.bad)
            };
            let note = match origin {
                Origin::Live if j.absent_live != j.absent_config => {
                    "the API leaves a setting out when it is off"
                }
                _ => j.default_note,
            };
            let trimmed = text.trim_end_matches('.');
            let message = if note.is_empty() && trimmed.len() + 1 == text.len() {
                // The sentence as written (it ends with one full stop): borrowed, not copied.
                Cow::Borrowed(text)
            } else if note.is_empty() {
                format!("{trimmed}.").into()
            } else {
                format!("{trimmed} ({note}).").into()
            };
            (status, message, None)
        }
    }
}

/// Which of a verdict's messages its caller reads: all; all but a passing one's (passing
/// results only counted, `Model::passing_counted`); none (a rule asking another's verdict
/// for its status alone). A message no one reads is left empty rather than made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Texts {
    All,
    NotPassing,
    None,
}

impl Texts {
    /// What the report reads of a rule's own outcomes.
    pub fn of(model: &Model) -> Texts {
        if model.passing_counted {
            Texts::NotPassing
        } else {
            Texts::All
        }
    }

    /// The message `make` gives, for a verdict of `status`, when it is read; else an empty one.
    pub fn say(self, status: Status, make: impl FnOnce() -> String) -> Cow<'static, str> {
        match self {
            Texts::All => make().into(),
            Texts::NotPassing if status != Status::Pass => make().into(),
            _ => Cow::Borrowed(""),
        }
    }
}

/// A verdict, before it becomes an outcome.
pub struct Finding {
    pub status: Status,
    /// Borrowed when the rule's text is fixed (most are: 4,402 results of 1.46 MB of
    /// Terraform have 9 texts between them).
    pub message: Cow<'static, str>,
    /// Where it points; the resource's head when `None`.
    pub at: Option<Span>,
}

impl Finding {
    pub fn new(status: Status, message: impl Into<Cow<'static, str>>, at: Option<Span>) -> Finding {
        Finding {
            status,
            message: message.into(),
            at,
        }
    }

    pub fn from(verdict: (Status, Cow<'static, str>, Option<Span>)) -> Finding {
        Finding::new(verdict.0, verdict.1, verdict.2)
    }
}

/// How a cluster rule drafts its fix, given the place it points at. Every cluster that does
/// not pass gets one: a pending fix (`PendingFix`) is a remediation there will be.
pub type ClusterFix = fn(&Cluster, Span) -> Draft;
/// How a node-pool rule drafts its fix, given the pool's cluster and the place; every pool
/// that does not pass gets one.
pub type PoolFix = fn(&NodePool, Option<&Cluster>, Span) -> Draft;

/// How a node-pool rule drafts its fix from the whole model (the pool's cluster, other pools,
/// the IAM policies); every pool that does not pass gets one.
pub type ModelPoolFix = fn(&Model, &NodePool) -> Draft;

/// A fix to draft when the report is written (`Model::draft_later`): the rule's way of
/// drafting it, the cluster or pool (an index into the model) and the place it goes.
#[derive(Clone, Copy)]
pub enum PendingFix {
    Cluster(ClusterFix, usize, Span),
    Pool(PoolFix, usize, Span),
    /// A pool's fix drafted from the model, where the rule's own check drafted it.
    ModelPool(ModelPoolFix, usize),
}

impl PendingFix {
    /// The draft, from the model the outcome was judged on.
    pub fn draft(self, model: &Model) -> Draft {
        match self {
            PendingFix::Cluster(fix, i, at) => fix(&model.clusters[i], at),
            PendingFix::Pool(fix, i, at) => {
                let pool = &model.node_pools[i];
                fix(pool, model.cluster_of(pool), at)
            }
            PendingFix::ModelPool(fix, i) => fix(model, &model.node_pools[i]),
        }
    }

    /// The remediation of an outcome of `status`, as the model asks for it: none (for a pass,
    /// or with `Model::without_remediation`), this left to draft when the report is written
    /// (`Model::draft_later`), or the draft now.
    pub fn settle(self, status: Status, model: &Model) -> (Option<Box<Draft>>, Option<PendingFix>) {
        if status == Status::Pass || model.without_remediation {
            (None, None)
        } else if model.draft_later {
            (None, Some(self))
        } else {
            (Some(Box::new(self.draft(model))), None)
        }
    }

    /// Which resource and place: what tells two apart (a rule drafts one fix for each).
    fn key(&self) -> (u8, usize, Option<Span>) {
        match *self {
            PendingFix::Cluster(_, i, at) => (0, i, Some(at)),
            PendingFix::Pool(_, i, at) => (1, i, Some(at)),
            PendingFix::ModelPool(_, i) => (2, i, None),
        }
    }
}

impl PartialEq for PendingFix {
    fn eq(&self, other: &PendingFix) -> bool {
        self.key() == other.key()
    }
}

impl std::fmt::Debug for PendingFix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PendingFix{:?}", self.key())
    }
}

/// Runs a cluster rule: `judge` gives each cluster's verdict (or none, when the rule does not
/// apply), `fix` the remediation of a cluster that does not pass.
pub fn each_cluster(
    model: &Model,
    out: &mut Vec<Outcome>,
    rule: &'static Rule,
    judge: impl Fn(&Cluster) -> Option<Finding>,
    fix: ClusterFix,
) {
    for (i, cluster) in model.clusters.iter().enumerate() {
        let Some(f) = judge(cluster) else { continue };
        let at = f.at.unwrap_or(cluster.site.head);
        let (remediation, pending) =
            PendingFix::Cluster(fix, i, f.at.unwrap_or(cluster.insert_at)).settle(f.status, model);
        out.push(Outcome {
            rule,
            status: f.status,
            message: f.message,
            subject: Subject::Cluster(i),
            at: (cluster.site.input, at),
            remediation,
            pending,
        });
    }
}

/// Runs a node-pool rule over every pool; pools whose existence is uncertain are handled as
/// in [`if_pool_exists`].
pub fn each_pool(
    model: &Model,
    out: &mut Vec<Outcome>,
    rule: &'static Rule,
    judge: impl Fn(&NodePool, Option<&Cluster>) -> Option<Finding>,
    fix: PoolFix,
) {
    for (i, pool) in model.node_pools.iter().enumerate() {
        let cluster = model.cluster_of(pool);
        let Some(f) = judge(pool, cluster) else {
            continue;
        };
        let (status, message) = if_pool_exists(pool, f.status, f.message);
        let at = f.at.unwrap_or(pool.site.head);
        let place = f.at.or(pool.node_config).unwrap_or(pool.site.span);
        let (remediation, pending) = PendingFix::Pool(fix, i, place).settle(status, model);
        out.push(Outcome {
            rule,
            status,
            message,
            subject: Subject::NodePool(i),
            at: (pool.site.input, at),
            remediation,
            pending,
        });
    }
}

/// A pool of Windows Server nodes (`WINDOWS_LTSC_CONTAINERD` and the like, in any case).
pub fn is_windows(pool: &NodePool) -> bool {
    pool.settings
        .get(crate::model::Key::ImageType)
        .text()
        .is_some_and(|t| t.to_ascii_uppercase().starts_with("WINDOWS"))
}

/// A pool of an Autopilot cluster: GKE manages its nodes.
pub fn autopilot_pool(cluster: Option<&Cluster>) -> bool {
    cluster.is_some_and(is_autopilot)
}

/// Runs every rule over the model, keeping only the outcomes `keep` says (which may lighten
/// what it keeps), rule by rule: what is not kept is never held for the whole model at once.
/// With `threads.count` over 1 and a model of `threads.resources` clusters and pools or
/// more, the rules are shared out among two threads (a check of such a model is otherwise a
/// core's alone); `keep` is called on this thread either way, and the outcomes are the same,
/// their order apart (each rule's own in order, which is all the check's sort keeps of it).
pub fn run_keeping(
    model: &Model,
    threads: crate::Threads,
    keep: &mut dyn FnMut(&mut Outcome) -> bool,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    let mut add = |batch: &mut Vec<Outcome>| {
        batch.retain_mut(|o| keep(o));
        // Grown by what each rule adds, not doubled: the findings are made from it, and an
        // export's list is tens of megabytes.
        out.reserve_exact(batch.len());
        out.append(batch);
    };
    #[cfg(not(target_arch = "wasm32"))]
    if threads.count > 1 && model.clusters.len() + model.node_pools.len() >= threads.resources {
        run_on_two(model, &mut add);
        return out;
    }
    let _ = threads;
    let mut batch = Vec::new();
    for rule in RULES {
        (rule.check)(model, &mut batch);
        add(&mut batch);
    }
    out
}

/// The fewest clusters and node pools whose rules are shared out among threads on the
/// command line (`Threads::resources`): a second
/// thread costs a megabyte or so of its own (its allocator's arena holds what it allocates),
/// which a smaller model does not repay (8,192 resources are about 30 ms of judging on one
/// thread, and a second saves about 12).
pub const SHARED_RESOURCES: usize = 8192;

/// Every rule over the model, each taken by whichever of two threads is free (the costly
/// rules, over every pool, come first in `RULES`); each rule's outcomes given to `add` on
/// this thread, the helper's as soon as this thread is between two rules.
#[cfg(not(target_arch = "wasm32"))]
fn run_on_two(model: &Model, add: &mut dyn FnMut(&mut Vec<Outcome>)) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let take = || RULES.get(next.fetch_add(1, Ordering::Relaxed));
    std::thread::scope(|scope| {
        let (judged, given) = std::sync::mpsc::channel::<Vec<Outcome>>();
        let helper = scope.spawn(move || {
            while let Some(rule) = take() {
                let mut batch = Vec::new();
                (rule.check)(model, &mut batch);
                if judged.send(batch).is_err() {
                    break;
                }
            }
        });
        let mut batch = Vec::new();
        while let Some(rule) = take() {
            (rule.check)(model, &mut batch);
            add(&mut batch);
            while let Ok(mut theirs) = given.try_recv() {
                add(&mut theirs);
            }
        }
        // Until the helper is done (it drops its sender).
        for mut theirs in given {
            add(&mut theirs);
        }
        helper
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
    });
}
