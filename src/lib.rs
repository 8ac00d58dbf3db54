//! gkecheck: finds GKE node pools that leak the node's credentials, and says how to fix them.
//!
//! Every input format is parsed into one [`model::Model`]; the [`rules`] read only the model;
//! [`check`] returns the [`report::Report`] that the CLI prints and the page renders.

#[cfg(all(not(feature = "terraform"), not(target_arch = "wasm32")))]
compile_error!("the command line and its tests need the `terraform` feature: only the page's first engine (wasm32) is built without it");

#[cfg(feature = "terraform")]
pub mod autofix;
pub mod exercise;
#[doc(hidden)]
// The formats CI systems read; the page's engine does not carry them.
#[cfg(not(target_arch = "wasm32"))]
pub mod formats;
#[cfg(all(feature = "terraform", not(target_arch = "wasm32")))]
pub mod fuzzing;
pub mod hash;
pub mod input;
pub mod model;
// Organization policy constraints, written by the command line and the page.
pub mod policy;
pub mod redact;
pub mod render;
pub mod report;
pub mod rules;
pub mod script;
pub mod sort;
pub mod span;
// Inputs over the page's limit, read in parts by the command line.
#[cfg(not(target_arch = "wasm32"))]
pub mod stream;
pub mod waiver;
#[cfg(target_arch = "wasm32")]
mod wasm;

use input::{Format, Source};
use report::{
    Finding, InputMessage, InputReport, Location, Remediation, Report, Resource, Step, Summary,
};
use span::{LineIndex, Span};
use std::borrow::Cow;
use std::collections::HashMap;

/// One text to check.
#[derive(Clone, Debug)]
pub struct Input {
    /// A file path or a label such as `input`; Terraform files in the same directory are
    /// evaluated together as one module.
    pub name: String,
    pub text: String,
    /// The kind of input, or `None` to tell it from the name and text.
    pub format: Option<Format>,
}

impl Input {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input {
            name: name.into(),
            text: text.into(),
            format: None,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Today, `YYYY-MM-DD`, for waivers with an end date (none: no waiver has expired).
    pub today: Option<String>,
    /// Ignore what teams wrote for other tools (`#checkov:skip=...` and the like).
    pub no_peer_waivers: bool,
    /// `[[ignore]]` entries of a `.gkecheck.toml`.
    pub waivers: Vec<waiver::ConfigWaiver>,
    /// Only these rules (ids or names); all when empty.
    pub select: Vec<String>,
    /// Not these rules (ids or names).
    pub ignore: Vec<String>,
    /// Severities to use instead of the rules' own: (rule id or name, severity).
    pub severity: Vec<(String, report::Severity)>,
    /// Count passing results (the summary's `pass`) without listing them: for outputs that
    /// show only what fails, which then build nothing for what passes.
    pub passing_counted_only: bool,
    /// Build no remediation for the findings: for outputs that do not show it (the concise
    /// text, SARIF, GitHub, GitLab, JUnit), which then hold a few hundred bytes a finding.
    pub without_remediation: bool,
    /// List no remediation, but mark each finding that has one (`remediation_on_request`):
    /// for the page, which asks for a finding's remediation when a reader opens it (the
    /// remediation is most of a report: 19 MB of the 32 MB report of an 8 MB paste).
    pub remediation_on_request: bool,
    /// Projects of the clusters and node pools of the rest of the check, when this is one part
    /// of it (an input read in parts): what the IAM policies' project is told from.
    pub projects_beside: Vec<String>,
    /// The most clusters and node pools one check reads: `MAX_RESOURCES` (the page's, for the
    /// memory of a browser tab) when none; the command line reads `CLI_MAX_RESOURCES`.
    pub max_resources: Option<usize>,
    /// The largest Terraform plan one check reads, in bytes: `input::MAX_INPUT_BYTES` (the
    /// page's limit for every input) when none; the command line reads `CLI_MAX_PLAN_BYTES`.
    pub max_plan_bytes: Option<usize>,
    /// Whether a large check may use more than the calling thread (the command line's
    /// [`Threads::machine`]; each part of an input read in parts, already checked on a core
    /// of its own, keeps to it). By default, and in the page's engine, it does not.
    pub threads: Threads,
}

/// How many threads a check may use, and from what size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threads {
    /// How many: 0 or 1 is the calling thread alone; more, a second thread beside it (a
    /// check never uses more than two).
    pub count: usize,
    /// The fewest clusters and node pools whose rules are shared out among two threads.
    pub resources: usize,
    /// The fewest results of report version 1 that two threads draft and write
    /// ([`Drafts::report_shared`]).
    pub results: usize,
}

impl Default for Threads {
    /// The calling thread alone (from the command line's sizes, when `count` is raised).
    fn default() -> Self {
        Threads {
            count: 1,
            resources: rules::SHARED_RESOURCES,
            results: SHARED_RESULTS,
        }
    }
}

impl Threads {
    /// As many as the machine has cores, from the command line's sizes.
    pub fn machine() -> Self {
        Threads {
            count: std::thread::available_parallelism().map_or(1, |n| n.get()),
            ..Threads::default()
        }
    }
}

impl Options {
    /// Whether a rule runs under `select` and `ignore`.
    pub(crate) fn runs(&self, rule: &rules::Rule) -> bool {
        let named = |list: &[String]| {
            list.iter()
                .any(|n| n.eq_ignore_ascii_case(rule.id) || n == rule.name)
        };
        (self.select.is_empty() || named(&self.select)) && !named(&self.ignore)
    }

    fn severity_of(&self, rule: &rules::Rule) -> report::Severity {
        self.severity
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(rule.id) || *n == rule.name)
            .map_or(rule.severity, |(_, s)| *s)
    }
}

/// What reading the inputs and running the rules found, before it becomes a report.
pub(crate) struct Analysis {
    pub formats: Vec<Option<Format>>,
    pub model: model::Model,
    pub outcomes: Vec<rules::Outcome>,
    pub problems: std::collections::BTreeMap<usize, input::Problem>,
    pub notes: std::collections::BTreeMap<usize, Vec<input::Problem>>,
    /// The parsed Terraform files, by input index: what fixes edit.
    #[cfg(feature = "terraform")]
    pub bodies: std::collections::BTreeMap<usize, hcl_edit::structure::Body>,
    /// Where each Terraform variable of each module instance gets its value.
    #[cfg(feature = "terraform")]
    pub var_sources: Vec<input::terraform::VarSource>,
    /// How long reading the inputs into the model and running the rules took.
    pub phases: Phases,
}

/// How long each phase of a check took (zero in the browser, whose Wasm has no clock here).
#[derive(Clone, Copy, Debug, Default)]
pub struct Phases {
    /// Telling each input's kind, parsing it and building the model (for an input read in
    /// parts, its first pass and the parts' share of their wall time spent parsing them).
    pub parse: std::time::Duration,
    /// Running the rules.
    pub rules: std::time::Duration,
    /// Building the report from the rules' outcomes (places, remediation, ranking).
    pub report: std::time::Duration,
}

/// A point in time to measure from, where there is a clock.
struct Clock(#[cfg(not(target_arch = "wasm32"))] std::time::Instant);

impl Clock {
    fn start() -> Clock {
        Clock(
            #[cfg(not(target_arch = "wasm32"))]
            std::time::Instant::now(),
        )
    }

    /// The time since the start (zero without a clock).
    fn lap(&self) -> std::time::Duration {
        #[cfg(not(target_arch = "wasm32"))]
        return self.0.elapsed();
        #[cfg(target_arch = "wasm32")]
        std::time::Duration::ZERO
    }
}

/// Reads the inputs and runs the rules, keeping every outcome (what `gkecheck fix` plans on).
#[cfg(feature = "terraform")]
pub(crate) fn analyze(inputs: &[Input]) -> Analysis {
    analyze_keeping(inputs, &Options::default(), true, false, &mut |_| true)
}

/// `analyze`, keeping only the rules' outcomes that `keep` says (of the options, the
/// projects beside and the most resources read count here). `whole_trees`: Terraform files
/// parsed whole, their trees kept for fixes (see `input::load`). `draft_later`: the rules
/// leave their drafts to be made as the report is written (`Model::draft_later`).
fn analyze_keeping(
    inputs: &[Input],
    options: &Options,
    whole_trees: bool,
    draft_later: bool,
    keep: &mut dyn FnMut(&mut rules::Outcome) -> bool,
) -> Analysis {
    let clock = Clock::start();
    let mut formats = Vec::new();
    let mut problems = std::collections::BTreeMap::new();
    let mut sources = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let detected = if let Some(problem) = too_large(input, options) {
            Err(problem)
        } else {
            input
                .format
                .map_or_else(|| input::detect(&input.name, &input.text), Ok)
        };
        formats.push(detected.as_ref().ok().copied());
        match detected {
            Ok(format) => sources.push(Source {
                index,
                name: &input.name,
                text: &input.text,
                format,
            }),
            Err(problem) => {
                problems.insert(index, problem);
            }
        }
    }
    let mut model = model::Model::default();
    let loaded = input::load(&sources, whole_trees, &mut model);
    model.projects_beside = options.projects_beside.clone();
    model.without_remediation = options.without_remediation;
    // A report that lists no remediation, only marks which findings have one, needs no draft
    // of the fixes left pending: a pending fix always drafts one (`rules::PendingFix::draft`),
    // so it is mark enough, and the report lets it go.
    model.draft_later = draft_later || options.remediation_on_request;
    // The one caller that counts passing results (`check_keeping`) lets each passing outcome
    // go as it is given, message unread.
    model.passing_counted = options.passing_counted_only;
    problems.extend(loaded.problems);
    let limit = options.max_resources.unwrap_or(MAX_RESOURCES);
    if let Some((index, problem)) = bound(&mut model, limit) {
        problems.entry(index).or_insert(problem);
    }
    // The model is held to the end: without the room its lists grew into.
    model.clusters.shrink_to_fit();
    model.node_pools.shrink_to_fit();
    let parse = clock.lap();
    let mut outcomes = rules::run_keeping(&model, options.threads, keep);
    // Resource by resource, in the order the input holds them (a cluster before its pools),
    // then by rule.
    sort::sort_by_key(&mut outcomes, |o| {
        let (site, kind) = match o.subject {
            rules::Subject::Cluster(i) => (&model.clusters[i].site, 0),
            rules::Subject::NodePool(i) => (&model.node_pools[i].site, 1),
        };
        (site.input, site.span.start(), kind, o.rule.id)
    });
    Analysis {
        formats,
        model,
        outcomes,
        problems,
        notes: loaded.notes,
        #[cfg(feature = "terraform")]
        bodies: loaded.bodies,
        #[cfg(feature = "terraform")]
        var_sources: loaded.var_sources,
        phases: Phases {
            parse,
            rules: clock.lap() - parse,
            report: std::time::Duration::ZERO,
        },
    }
}

/// Why an input is too large to read, if it is: over 32 MiB, or, for a Terraform plan (of
/// which only the clusters' and node pools' resources are built, `json::parse_plan`), over
/// `options.max_plan_bytes`.
fn too_large(input: &Input, options: &Options) -> Option<input::Problem> {
    let len = input.text.len();
    if len <= input::MAX_INPUT_BYTES {
        return None;
    }
    let plan = match input.format {
        Some(format) => format == Format::TerraformPlan,
        None => input::is_plan(&input.name, &input.text),
    };
    let mib = |bytes: usize| bytes / (1024 * 1024);
    let (limit, advice) = match (plan, options.max_plan_bytes) {
        (false, _) => (
            input::MAX_INPUT_BYTES,
            "split the input (a cluster's describe output is usually well under 1 MiB)".into(),
        ),
        (true, None) => (
            input::MAX_INPUT_BYTES,
            format!(
                "the command line (`gkecheck check PLAN.json`) reads a plan of up to {} MiB",
                mib(CLI_MAX_PLAN_BYTES)
            ),
        ),
        (true, Some(limit)) => (limit, "check the plans of smaller root modules".to_string()),
    };
    (len > limit).then(|| input::Problem {
        offset: 0,
        message: format!(
            "expected at most {} MiB, found {} MiB: {advice}",
            mib(limit),
            mebibytes(len)
        ),
    })
}

/// Bytes as mebibytes with one decimal ("38.3"), in integers: the engine in the page carries
/// no formatting of floating-point numbers to a precision.
pub(crate) fn mebibytes(bytes: usize) -> String {
    let tenths = (bytes as u64 * 10 + (1 << 19)) >> 20;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The most clusters and node pools one check reads in the page: past it, the report itself
/// (sixteen rules a pool) would outgrow the memory of a browser tab.
pub const MAX_RESOURCES: usize = 20_000;

/// The most the command line reads in one check (an input read in parts: in each part), about
/// 400 MB of memory for the whole check at most.
pub const CLI_MAX_RESOURCES: usize = 60_000;

/// The largest Terraform plan the command line reads (the page reads 32 MiB of any input).
pub const CLI_MAX_PLAN_BYTES: usize = 512 * 1024 * 1024;

/// Keeps the model within `limit` resources: those past it are dropped, and the input of the
/// first of them gets an error naming the limit.
fn bound(model: &mut model::Model, limit: usize) -> Option<(usize, input::Problem)> {
    if model.clusters.len() + model.node_pools.len() <= limit {
        return None;
    }
    let first_dropped = if model.clusters.len() > limit {
        model.clusters[limit].site.clone()
    } else {
        model.node_pools[limit - model.clusters.len()].site.clone()
    };
    model.clusters.truncate(limit);
    let clusters = model.clusters.len();
    model.node_pools.retain(|p| match p.cluster {
        model::ClusterLink::Index(c) => c < clusters,
        model::ClusterLink::Missing(_) => true,
    });
    model.node_pools.truncate(limit - clusters);
    Some((
        first_dropped.input,
        input::Problem {
            offset: first_dropped.head.start(),
            message: format!(
                "expected at most {limit} clusters and node pools in one check (gkecheck's limit): this one and those after it were not checked; check fewer inputs at a time"
            ),
        },
    ))
}

/// Checks the inputs together (a node pool in one file may belong to a cluster in another).
pub fn check(inputs: &[Input], options: &Options) -> Report {
    check_timed(inputs, options).0
}

/// `check`, with how long each phase took.
pub fn check_timed(inputs: &[Input], options: &Options) -> (Report, Phases) {
    let (report, phases, _) = check_holding(inputs, options);
    (report, phases)
}

/// `check_timed` for a report that is written once (report version 1, as the command line
/// writes it): most failing results' remediation is left out of the report, to be drafted as
/// each result is written, from the model [`Drafts`] keeps, and let go (`Drafts::report`).
/// The report holds no remediation text for those results, so a check's memory is that of
/// its findings and model, not of every remediation at once.
pub fn check_drafting_later<'a>(
    inputs: &'a [Input],
    options: &Options,
) -> (Report, Phases, Drafts<'a>) {
    check_finished(inputs, options, true)
}

/// `check_timed`, handing back what the check built beside the report (the model and each
/// input's positions) for the caller to let go of when it chooses: the command line, whose
/// process ends once the report is written, does not free it piece by piece.
pub fn check_holding<'a>(inputs: &'a [Input], options: &Options) -> (Report, Phases, Drafts<'a>) {
    check_finished(inputs, options, false)
}

fn check_finished<'a>(
    inputs: &'a [Input],
    options: &Options,
    draft_later: bool,
) -> (Report, Phases, Drafts<'a>) {
    let (mut report, phases, drafts) = check_keeping(inputs, options, draft_later);
    for input in &mut report.inputs {
        collapse_notes(&mut input.notes);
    }
    no_pool_read(&mut report);
    (report, phases, drafts)
}

/// What a report of [`check_drafting_later`] drafts its remediation from: the model and each
/// input's positions.
pub struct Drafts<'a> {
    model: model::Model,
    indexes: Vec<LineIndex<'a>>,
    names: Vec<std::sync::Arc<str>>,
    threads: Threads,
}

impl<'a> Drafts<'a> {
    /// The report as it is written, each result's remediation drafted as it is written
    /// (report version 1: the same bytes as the report with every remediation in it).
    pub fn report<'r>(&'r self, report: &'r Report) -> Drafted<'r, 'a> {
        Drafted {
            report,
            drafts: Some(self),
            threads: None,
        }
    }

    /// `report`, for [`report::json::to_writer_pretty`] alone: with the check's
    /// `options.threads` over 1 and `threads.results` results or more, its results are
    /// drafted and written in runs by two threads, the runs handed to the writer in order
    /// ([`report::json::Ahead`]; see `results_on_two`); the same bytes.
    pub fn report_shared<'r>(&'r self, report: &'r Report) -> Drafted<'r, 'a> {
        Drafted {
            threads: Some(self.threads),
            ..self.report(report)
        }
    }

    /// A result's remediation left to be drafted (none for any other result).
    fn remediation(&self, result: &Finding) -> Option<Box<Remediation>> {
        let draft = result.pending.as_ref()?.draft(&self.model);
        // Written and let go at once (`Drafted`): its texts keep the room they were made with.
        Some(Box::new(remediation_of(
            draft,
            &|at| locate(&self.indexes, &self.names, at),
            false,
        )))
    }

    /// A result as it is written: as it is, or with its remediation drafted.
    fn drafted<'r>(&self, result: &'r Finding) -> Cow<'r, Finding> {
        if result.pending.is_none() {
            return Cow::Borrowed(result);
        }
        Cow::Owned(Finding {
            remediation: self.remediation(result),
            pending: None,
            ..result.clone()
        })
    }
}

/// A report as [`Drafts::report`] writes it (or [`report_shared`]).
pub struct Drafted<'r, 'a> {
    report: &'r Report,
    /// What its results' remediation is drafted from, when it is left for later.
    drafts: Option<&'r Drafts<'a>>,
    /// When its results may be written on two threads.
    threads: Option<Threads>,
}

/// A report that holds its remediation (of an input read in parts), for
/// [`report::json::to_writer_pretty`] alone: with `threads.count` over 1 and
/// `threads.results` results or more, its results are written in runs by two threads, as
/// [`Drafts::report_shared`] writes them; the same bytes.
pub fn report_shared(report: &Report, threads: Threads) -> Drafted<'_, '_> {
    Drafted {
        report,
        drafts: None,
        threads: Some(threads),
    }
}

/// A result as it is written: drafted from `drafts`, or as it is.
fn as_written<'r>(drafts: Option<&Drafts>, result: &'r Finding) -> Cow<'r, Finding> {
    drafts.map_or(Cow::Borrowed(result), |d| d.drafted(result))
}

/// How many results a thread drafts and writes at a time, when two share them out: about a
/// hundred kilobytes of report version 1 (a few such runs are held at once:
/// `results_on_two`).
#[cfg(not(target_arch = "wasm32"))]
const RESULTS_AHEAD: usize = 64;

/// The fewest results two threads draft and write, on the command line: a second thread
/// costs a megabyte or two of its own (its allocator's arena, what it drafts in), which a
/// report of fewer results does not repay (8,192 results are about 16 MB of report version
/// 1, and a second thread saves about 15 ms of writing them).
pub const SHARED_RESULTS: usize = 8192;

/// The depth of a report's results: in its object, in their array.
#[cfg(not(target_arch = "wasm32"))]
const RESULTS_DEPTH: usize = 2;

impl serde::Serialize for Drafted<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeSeq, SerializeStruct};
        // Each result as it is, or drafted, written and let go.
        struct Results<'r, 'a>(&'r [Finding], Option<&'r Drafts<'a>>, Option<Threads>);
        impl serde::Serialize for Results<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let Results(results, drafts, threads) = *self;
                #[cfg(not(target_arch = "wasm32"))]
                if threads.is_some_and(|t| t.count > 1 && results.len() >= t.results) {
                    return results_on_two(results, drafts, s);
                }
                let _ = threads;
                let mut out = s.serialize_seq(Some(results.len()))?;
                for r in results {
                    out.serialize_element(&as_written(drafts, r))?;
                }
                out.end()
            }
        }
        // Report's own fields, in its order (`tests/drafted_later.rs` compares the bytes).
        let Report {
            version,
            passing_listed,
            inputs,
            results,
            waivers,
            headline,
            summary,
        } = self.report;
        let mut out = s.serialize_struct("Report", 7)?;
        out.serialize_field("version", version)?;
        out.serialize_field("passing_listed", passing_listed)?;
        out.serialize_field("inputs", inputs)?;
        out.serialize_field("results", &Results(results, self.drafts, self.threads))?;
        out.serialize_field("waivers", waivers)?;
        out.serialize_field("headline", headline)?;
        out.serialize_field("summary", summary)?;
        out.end()
    }
}

/// A report's results (drafted, when they are left for later) written `RESULTS_AHEAD` at a
/// time by two threads, the runs handed to `s` in order. Each run is taken by the thread that
/// is free: the second thread writes run after run, and this one, which also hands every run
/// on, writes the next when none is ready for it (each thread drafts, writes and lets go of
/// its own). This thread writes ahead of the run due only while it holds fewer than
/// `HELD_RUNS`, and as many wait to be taken from the second.
#[cfg(not(target_arch = "wasm32"))]
fn results_on_two<S: serde::Serializer>(
    results: &[Finding],
    drafts: Option<&Drafts>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::{Error, SerializeSeq};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::TryRecvError;
    const HELD_RUNS: usize = 2;
    let runs: Vec<&[Finding]> = results.chunks(RESULTS_AHEAD).collect();
    let next = AtomicUsize::new(0);
    // The next run no thread has taken, with its index.
    let take = || {
        let i = next.fetch_add(1, Ordering::Relaxed);
        runs.get(i).map(|run| (i, *run))
    };
    // Each thread makes a run's text with room for about its last one's.
    let write = |run: &[Finding], room: &mut usize| {
        let ahead = report::json::ahead(
            run.iter().map(|r| as_written(drafts, r)),
            RESULTS_DEPTH,
            *room,
        )
        .map_err(|e| e.to_string())?;
        *room = ahead.bytes() + ahead.bytes() / 8;
        Ok::<_, String>(ahead)
    };
    std::thread::scope(|scope| {
        let (written, taken) = std::sync::mpsc::sync_channel(HELD_RUNS);
        scope.spawn(move || {
            let mut room = 0;
            while let Some((i, run)) = take() {
                if written.send((i, write(run, &mut room))).is_err() {
                    break;
                }
            }
        });
        let mut out = s.serialize_seq(None)?;
        let mut held: std::collections::BTreeMap<usize, Result<report::json::Ahead, String>> =
            std::collections::BTreeMap::new();
        let mut room = 0;
        let mut due = 0;
        while due < runs.len() {
            if let Some(ahead) = held.remove(&due) {
                out.serialize_element(&ahead.map_err(S::Error::custom)?)?;
                due += 1;
                continue;
            }
            match taken.try_recv() {
                Ok((i, ahead)) => {
                    held.insert(i, ahead);
                    continue;
                }
                Err(TryRecvError::Empty) if held.len() < HELD_RUNS => {
                    if let Some((i, run)) = take() {
                        held.insert(i, write(run, &mut room));
                        continue;
                    }
                }
                _ => {}
            }
            // The run due is the second thread's: wait for it. That thread stops early only
            // if it panicked (which the scope raises again).
            match taken.recv() {
                Ok((i, ahead)) => held.insert(i, ahead),
                Err(_) => return Err(S::Error::custom("the second thread stopped")),
            };
        }
        out.end()
    })
}

/// Where a span of input `input` is, as the report gives it.
fn locate(
    indexes: &[LineIndex],
    names: &[std::sync::Arc<str>],
    (input, span): (usize, Span),
) -> Location {
    let (a, b) = (
        indexes[input].position(span.start()),
        indexes[input].position(span.end()),
    );
    Location {
        input: names[input].clone(),
        line: a.line,
        column: a.column,
        end_line: b.line,
        end_column: b.column,
        offset: a.utf16,
        end_offset: b.utf16,
    }
}

/// A rule's draft as the report gives it: places as locations. `held`: the report holds it,
/// and its texts are given no spare room; otherwise it is written and let go at once, and its
/// texts stay as they were made.
fn remediation_of(
    d: rules::Draft,
    locate: &dyn Fn((usize, Span)) -> Location,
    held: bool,
) -> Remediation {
    let text = |t: Cow<'static, str>| if held { tight_text(t) } else { t };
    let step = |s: rules::DraftStep| Step {
        title: text(s.title),
        code: text(s.code),
        language: s.language,
        location: s.at.map(locate),
    };
    Remediation {
        summary: text(d.summary),
        steps: d.steps.into_iter().map(step).collect(),
        warnings: d.warnings.into_iter().map(text).collect(),
        verify: d.verify.into_iter().map(step).collect(),
    }
}

/// What a headline says of a cluster without node pools.
const NO_POOL: &str = "no node pool in the input.";

/// Where an input stopped at an error, its pools may be in what was not read (a directory's
/// `pools.tf` that does not parse, beside its `clusters.tf`): a cluster without pools does not
/// have none in the input, it has none read.
pub(crate) fn no_pool_read(report: &mut Report) {
    if !report.inputs.iter().any(|i| i.error.is_some()) {
        return;
    }
    for h in &mut report.headline {
        if let Some(start) = h.text.strip_suffix(NO_POOL) {
            h.text = format!("{start}no node pool read (an input stopped at an error).");
        }
    }
}

/// Notes that say the same of many node pools, as an asset export describes each pool twice
/// (tens of thousands in an organization's): the first few as they are, then one that counts
/// the rest, at the place of the first of those. Notes are in the input's order.
pub(crate) fn collapse_notes(notes: &mut Vec<report::InputMessage>) {
    const SHOWN: usize = 3;
    let twice = |n: &report::InputMessage| {
        n.message.starts_with("node pool ") && n.message.contains(input::DESCRIBED_TWICE)
    };
    let total = notes.iter().filter(|n| twice(n)).count();
    if total <= SHOWN + 1 {
        return;
    }
    let mut seen = 0;
    notes.retain_mut(|n| {
        if !twice(n) {
            return true;
        }
        seen += 1;
        if seen == SHOWN + 1 {
            let more = total - SHOWN;
            let what = input::DESCRIBED_TWICE.replacen("is described", "are described", 1);
            n.message = format!("{more} more node pools from here on {what}: each is checked once");
        }
        seen <= SHOWN + 1
    });
}

/// `check_timed` with every note as it was made: each part of an input read in parts (whose
/// notes are collapsed once the parts' are together).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn check_every_note(inputs: &[Input], options: &Options) -> (Report, Phases) {
    let (report, phases, _) = check_keeping(inputs, options, false);
    (report, phases)
}

/// How many outcomes made into findings the outcomes' list lets go of at a time (about 112
/// KB of them).
const RELEASED_OUTCOMES: usize = 1024;

/// `check_every_note`, keeping what the report's remediation left for later (with
/// `draft_later`) is drafted from.
fn check_keeping<'a>(
    inputs: &'a [Input],
    options: &Options,
    draft_later: bool,
) -> (Report, Phases, Drafts<'a>) {
    let counted = options.passing_counted_only;
    // What passes, resource by resource (of the rules that run): each headline says how many
    // passing results it has. Counted only, passing outcomes are dropped as each rule gives
    // them.
    let mut passing = Passing::default();
    // GKE001's verdict on every pool, whatever --select says: the headline answers it always.
    let mut metadata: Vec<(usize, report::Status)> = Vec::new();
    let Analysis {
        formats,
        model,
        mut outcomes,
        problems,
        notes,
        phases,
        ..
    } = analyze_keeping(inputs, options, false, draft_later, &mut |o| {
        if let (true, rules::Subject::NodePool(i)) = (o.rule.id == "GKE001", o.subject) {
            metadata.push((i, o.status));
        }
        if !counted || o.status != report::Status::Pass {
            return true;
        }
        if options.runs(o.rule) {
            passing.add(o.subject);
        }
        false
    });
    // In the order the outcomes are sorted in (`analyze_keeping`): the input's.
    sort::sort_by_key(&mut metadata, |&(i, _)| {
        let site = &model.node_pools[i].site;
        (site.input, site.span.start())
    });
    let clock = Clock::start();
    let mut reports: Vec<InputReport> = inputs
        .iter()
        .zip(&formats)
        .map(|(input, format)| InputReport {
            name: input.name.clone(),
            format: format.map_or("unknown", |f| f.as_str()),
            error: None,
            notes: Vec::new(),
        })
        .collect();
    let indexes: Vec<LineIndex> = inputs.iter().map(|i| LineIndex::new(&i.text)).collect();
    let message = |index: usize, problem: input::Problem| {
        let p = indexes[index].position(problem.offset);
        InputMessage {
            message: problem.message,
            line: p.line,
            column: p.column,
            offset: p.utf16,
        }
    };
    for (index, problem) in problems {
        reports[index].error = Some(message(index, problem));
    }
    for (index, notes) in notes {
        // In the input's order, whatever order they were found in.
        let mut notes = notes;
        sort::sort_by_key(&mut notes, |n| n.offset);
        reports[index].notes = notes.into_iter().map(|n| message(index, n)).collect();
    }
    // Each input's name once, shared by its findings.
    let names: Vec<std::sync::Arc<str>> = inputs.iter().map(|i| i.name.as_str().into()).collect();
    let locate = |at: (usize, Span)| -> Location { locate(&indexes, &names, at) };

    let waivers = collect_waivers(inputs, &formats, options);
    let mut used = vec![false; waivers.len()];
    let waiver_index = WaiverIndex::new(&waivers);
    let mut expired = vec![false; waivers.len()];
    // Kept in place first, so that the findings are made into a list of the exact size: an
    // organization's export has hundreds of thousands, and both lists are held for a moment.
    outcomes.retain(|o| {
        if !options.runs(o.rule) {
            return false;
        }
        if o.status != report::Status::Pass {
            return true;
        }
        if !counted {
            passing.add(o.subject);
        }
        !counted
    });
    let mut results: Vec<Finding> = Vec::with_capacity(outcomes.len());
    let mut resources = Resources::new(&model);
    let mut finding = |mut o: rules::Outcome| {
        let mut suppression = None;
        if o.status != report::Status::Pass {
            if let Some(w) = waiver_index.first_applying(&waivers, &o, &model, inputs) {
                used[w] = true;
                let waiver = &waivers[w];
                let place = waiver.at.map(|at| locate((at.0, Span::new(at.1, at.1))));
                let where_ = place.as_ref().map_or(".gkecheck.toml".to_string(), |l| {
                    format!("{}:{}", l.input, l.line)
                });
                let lapsed = match (&waiver.until, &options.today) {
                    (Some(until), Some(today)) => until < today,
                    _ => false,
                };
                if lapsed {
                    expired[w] = true;
                    o.message = format!(
                        "The waiver at {where_} ended on {}: {}",
                        waiver.until.as_deref().unwrap_or(""),
                        o.message
                    )
                    .into();
                } else {
                    o.status = report::Status::Suppressed;
                    suppression = Some(Box::new(report::Suppression {
                        source: waiver.source.clone(),
                        reason: waiver.reason.clone(),
                        until: waiver.until.clone(),
                        location: place,
                    }));
                }
            }
        }
        let resource = resources.of(o.subject);
        let lists = !options.without_remediation && !options.remediation_on_request;
        Finding {
            rule: o.rule.id,
            name: o.rule.name,
            status: o.status,
            severity: options.severity_of(o.rule),
            message: report_message(o.message),
            resource,
            location: locate(o.at),
            remediation_on_request: options.remediation_on_request
                && !options.without_remediation
                && (o.remediation.is_some() || o.pending.is_some()),
            remediation: o
                .remediation
                .filter(|_| lists)
                .map(|d| Box::new(remediation_of(*d, &locate, true))),
            pending: o.pending.filter(|_| lists).map(Box::new),
            suppression,
        }
    };
    // From the last outcome to the first, letting go of the outcomes' list as it empties while
    // the findings' list fills: the two lists whole at once were a fifth of the peak of a
    // check of Terraform. Each finding is made from its outcome alone; the list is put back
    // in the outcomes' order after.
    while let Some(o) = outcomes.pop() {
        results.push(finding(o));
        if outcomes.capacity() - outcomes.len() >= RELEASED_OUTCOMES {
            outcomes.shrink_to_fit();
        }
    }
    drop(outcomes);
    results.reverse();
    rank(&mut results, inputs.iter().map(|i| i.name.as_str()));
    let mut summary = Summary::of(
        &results,
        reports.iter().filter(|r| r.error.is_some()).count(),
    );
    if counted {
        summary.pass = passing.total();
    }
    let waivers = waivers
        .into_iter()
        .enumerate()
        .map(|(i, w)| report::WaiverReport {
            location: w.at.map(|at| locate((at.0, Span::new(at.1, at.1)))),
            source: w.source,
            rules: w.rules,
            reason: w.reason,
            until: w.until,
            resource: w.resource,
            used: used[i],
            expired: expired[i],
            problem: w.problem,
        })
        .collect();
    let report = Report {
        version: 1,
        passing_listed: !options.passing_counted_only,
        inputs: reports,
        results,
        waivers,
        headline: headlines(&model, &metadata, &passing),
        summary,
    };
    let phases = Phases {
        report: clock.lap(),
        ..phases
    };
    (
        report,
        phases,
        Drafts {
            model,
            indexes,
            names,
            threads: options.threads,
        },
    )
}

/// One ranking everywhere: failing, unknown, suppressed, passing; then by severity (the
/// critical chain first), rule, and place (inputs in the order `names` gives them).
pub(crate) fn rank<'a>(results: &mut Vec<Finding>, names: impl Iterator<Item = &'a str>) {
    let order: HashMap<&str, usize> = names.enumerate().map(|(i, name)| (name, i)).collect();
    // Rules in the order of their ids: a rule's place among them is its number in the key.
    let mut ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
    sort::sort(&mut ids);
    // The input of the result before, and its key: results come input by input, each input's
    // name one text shared by its results, so its place is looked up by name once a run.
    let mut last: Option<(std::sync::Arc<str>, u64)> = None;
    // Each key computed once, in two words: the status, severity, rule and input, then the
    // offset (a report of an organization holds half a million results, and a key of each is
    // held while they are sorted).
    sort::sort_by_cached_key(results, |r| {
        let input = match &last {
            Some((name, key)) if std::sync::Arc::ptr_eq(name, &r.location.input) => *key,
            _ => {
                // An input not named (none is) first.
                let key = order
                    .get(&*r.location.input)
                    .map_or(0, |&i| (i as u64 + 1).min((1 << 44) - 1));
                last = Some((r.location.input.clone(), key));
                key
            }
        };
        rank_key(r, &ids, input)
    });
}

/// The order of results: status, severity, rule id (its place in `ids`, sorted), input (the
/// key `rank` found for it), offset.
fn rank_key(r: &Finding, ids: &[&str], input: u64) -> (u64, u64) {
    let status = u64::from(r.status.rank());
    let severity = r.severity as u64;
    // An id not among the rules (none is) after every rule's.
    let rule = ids
        .binary_search(&r.rule)
        .map_or(0xfff, |i| i as u64)
        .min(0xfff);
    (
        status << 58 | severity << 56 | rule << 44 | input,
        r.location.offset as u64,
    )
}

/// A headline's cluster name, whether it is Autopilot, and its pools (indexes into the model)
/// with GKE001's verdict on each.
type HeadlineGroup = (Option<String>, bool, Vec<(usize, report::Status)>);

/// Passing results counted by resource: what the headlines and the summary say of them (a
/// count per resource, not an entry per result, as an organization's export has millions).
#[derive(Default)]
struct Passing {
    clusters: Vec<u32>,
    pools: Vec<u32>,
}

impl Passing {
    fn total(&self) -> usize {
        self.clusters
            .iter()
            .chain(&self.pools)
            .map(|&n| n as usize)
            .sum()
    }

    fn add(&mut self, subject: rules::Subject) {
        let (counts, i) = match subject {
            rules::Subject::Cluster(i) => (&mut self.clusters, i),
            rules::Subject::NodePool(i) => (&mut self.pools, i),
        };
        if counts.len() <= i {
            counts.resize(i + 1, 0);
        }
        counts[i] += 1;
    }
}

/// The workload-metadata answer, cluster by cluster, from GKE001's outcomes for each pool.
fn headlines(
    model: &model::Model,
    metadata: &[(usize, report::Status)],
    passing: &Passing,
) -> Vec<report::Headline> {
    // Clusters in input order, then the pools whose cluster is not in the input, by the name
    // they give it.
    let mut groups: Vec<HeadlineGroup> = model
        .clusters
        .iter()
        .map(|c| {
            (
                Some(c.display_name().to_string()),
                c.autopilot.value() == Some(&true),
                Vec::new(),
            )
        })
        .collect();
    // The group of each name a pool gives a cluster that is not in the input (none: no name).
    let mut missing: HashMap<Option<&str>, usize> = HashMap::new();
    fn missing_key(name: &Option<String>) -> Option<&str> {
        name.as_deref().filter(|n| !n.is_empty())
    }
    for &(pool, status) in metadata {
        let p = &model.node_pools[pool];
        let entry = (pool, status);
        match &p.cluster {
            model::ClusterLink::Index(c) => groups[*c].2.push(entry),
            model::ClusterLink::Missing(m) => {
                let key = missing_key(&m.name);
                match missing.get(&key) {
                    Some(&g) => groups[g].2.push(entry),
                    None => {
                        missing.insert(key, groups.len());
                        groups.push((key.map(str::to_string), false, vec![entry]));
                    }
                }
            }
        }
    }
    let clusters = model.clusters.len();
    // Each passing result's group: its cluster's, or the group of pools naming a cluster that
    // is not in the input (every pool has one: GKE001 judges every pool).
    let mut passes = vec![0; groups.len()];
    for (c, n) in passing.clusters.iter().enumerate() {
        passes[c] += *n as usize;
    }
    for (p, n) in passing.pools.iter().enumerate().filter(|(_, n)| **n > 0) {
        let group = match &model.node_pools[p].cluster {
            model::ClusterLink::Index(c) => Some(*c),
            model::ClusterLink::Missing(m) => missing.get(&missing_key(&m.name)).copied(),
        };
        if let Some(g) = group {
            passes[g] += *n as usize;
        }
    }
    // For each group of pools of a missing cluster, how many clusters of the input fit the
    // name it gives and were not told apart (the most of any of its pools): that cluster may
    // well be in the input, and the headline says so.
    let mut alike = vec![0; groups.len()];
    // And how many clusters elsewhere in the input (another root configuration, live output)
    // fit it, for pools of configuration, which are joined to their own configuration's only.
    let mut elsewhere = vec![0; groups.len()];
    for (pool, ..) in metadata {
        if let Some(model::Missing {
            name,
            alike: n,
            elsewhere: e,
            ..
        }) = model.node_pools[*pool].cluster.missing()
        {
            if let Some(&g) = missing.get(&missing_key(name)) {
                alike[g] = alike[g].max(*n);
                elsewhere[g] = elsewhere[g].max(*e);
            }
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, (cluster, autopilot, pools))| {
            let protected = pools
                .iter()
                .filter(|p| p.1 == report::Status::Pass)
                .count();
            let exposed: Vec<String> = pools
                .iter()
                // The rule's own verdict, before waivers: a waived pool still exposes it.
                .filter(|p| p.1 == report::Status::Fail)
                .map(|p| model.node_pools[p.0].display_name().to_string())
                .collect();
            let unknown: Vec<String> = pools
                .iter()
                .filter(|p| p.1 == report::Status::Unknown)
                .map(|p| model.node_pools[p.0].display_name().to_string())
                .collect();
            let whose = match (&cluster, i < clusters) {
                (Some(name), true) => format!("cluster {name}"),
                (Some(name), false) if alike[i] > 1 => format!(
                    "cluster {name} ({} clusters of that name in the input fit, not told apart)",
                    alike[i]
                ),
                (Some(name), false) if elsewhere[i] > 0 => format!(
                    "cluster {name} (not in the pools' configuration; {} of that name elsewhere in the input, not joined to them)",
                    match elsewhere[i] {
                        1 => "one".to_string(),
                        n => n.to_string(),
                    }
                ),
                (Some(name), false) => format!("cluster {name} (not in the input)"),
                (None, _) => "node pools whose cluster is not in the input".to_string(),
            };
            let list = |names: &[String]| {
                const SHOWN: usize = 5;
                let mut text = names
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                if names.len() > SHOWN {
                    text.push_str(&format!(" and {} more", names.len() - SHOWN));
                }
                text
            };
            let text = if autopilot {
                format!("Workload metadata, {whose}: Autopilot runs the GKE metadata server on every node; no pod can take the node's token.")
            } else if pools.is_empty() {
                format!("Workload metadata, {whose}: {NO_POOL}")
            } else {
                let mut text = format!(
                    "Workload metadata, {whose}: {protected} of {} node pool{} run{} the GKE metadata server",
                    pools.len(),
                    if pools.len() == 1 { "" } else { "s" },
                    if pools.len() == 1 { "s" } else { "" },
                );
                if !exposed.is_empty() {
                    text.push_str(&format!(
                        "; {} expose{} the node's token: {}",
                        exposed.len(),
                        if exposed.len() == 1 { "s" } else { "" },
                        list(&exposed)
                    ));
                }
                if !unknown.is_empty() {
                    text.push_str(&format!("; {} unknown: {}", unknown.len(), list(&unknown)));
                }
                text.push('.');
                text
            };
            report::Headline {
                cluster,
                autopilot,
                pools_total: pools.len(),
                pools_protected: protected,
                pools_exposed: exposed,
                pools_unknown: unknown,
                passing: passes[i],
                text,
            }
        })
        .collect()
}

/// The waivers that apply to these inputs: comments in Terraform inputs, and the config's
/// entries.
pub(crate) fn collect_waivers(
    inputs: &[Input],
    formats: &[Option<Format>],
    options: &Options,
) -> Vec<waiver::Waiver> {
    let mut waivers: Vec<waiver::Waiver> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        if formats[i] == Some(Format::Terraform) {
            waivers.extend(
                waiver::from_comments(i, &input.text, !options.no_peer_waivers)
                    .into_iter()
                    .filter(|w| !w.rules.is_empty() || w.problem.is_some()),
            );
        }
    }
    waivers.extend(options.waivers.iter().map(waiver::Waiver::from));
    waivers
}

/// Whether an outcome is waived (and the waiver has not lapsed): what `check` reports as
/// suppressed.
#[cfg(feature = "terraform")]
pub(crate) fn is_waived(
    waivers: &[waiver::Waiver],
    o: &rules::Outcome,
    model: &model::Model,
    inputs: &[Input],
    options: &Options,
) -> bool {
    o.status != report::Status::Pass
        && waivers.iter().find(|w| applies(w, o, model, inputs)).is_some_and(|w| {
            !matches!((&w.until, &options.today), (Some(until), Some(today)) if until < today)
        })
}

/// The waivers that could apply to a result, by its rule: those for a resource by the resource
/// they name, those written as comments by the input they stand in. A scheduled scan's waivers
/// of thousands of pools were each tried on every failing result.
struct WaiverIndex<'w> {
    by_resource: HashMap<(&'static str, &'w str), usize>,
    by_input: HashMap<(&'static str, usize), Vec<usize>>,
}

impl<'w> WaiverIndex<'w> {
    fn new(waivers: &'w [waiver::Waiver]) -> Self {
        let mut index = WaiverIndex {
            by_resource: HashMap::new(),
            by_input: HashMap::new(),
        };
        for (i, w) in waivers.iter().enumerate() {
            if w.problem.is_some() {
                continue;
            }
            for &rule in &w.rules {
                match (&w.resource, w.at) {
                    // The first of those for the same resource is the one used.
                    (Some(resource), _) => {
                        index.by_resource.entry((rule, resource)).or_insert(i);
                    }
                    (None, Some((input, _))) => {
                        index.by_input.entry((rule, input)).or_default().push(i)
                    }
                    (None, None) => {}
                }
            }
        }
        index
    }

    /// The first waiver, in their order, that applies to the result (as `applies` says).
    fn first_applying(
        &self,
        waivers: &[waiver::Waiver],
        o: &rules::Outcome,
        model: &model::Model,
        inputs: &[Input],
    ) -> Option<usize> {
        let rule = o.rule.id;
        let (site, name) = match o.subject {
            rules::Subject::Cluster(i) => {
                (&model.clusters[i].site, model.clusters[i].display_name())
            }
            rules::Subject::NodePool(i) => (
                &model.node_pools[i].site,
                model.node_pools[i].display_name(),
            ),
        };
        let mut first = [&*site.address, name]
            .into_iter()
            .filter_map(|r| self.by_resource.get(&(rule, r)).copied())
            .min();
        // Comment waivers stand in the input of the resource (or of an inline pool's cluster).
        let mut inputs_of = vec![site.input];
        if let rules::Subject::NodePool(i) = o.subject {
            if let Some(c) = model.cluster_of(&model.node_pools[i]) {
                inputs_of.push(c.site.input);
            }
        }
        inputs_of.dedup();
        for input in inputs_of {
            let candidates = self.by_input.get(&(rule, input)).into_iter().flatten();
            for &i in candidates {
                if first.is_some_and(|f| i > f) {
                    break;
                }
                if applies(&waivers[i], o, model, inputs) {
                    first = Some(first.map_or(i, |f| f.min(i)));
                    break;
                }
            }
        }
        first
    }
}

/// Whether a waiver is for this outcome: the rule matches, and the waiver stands on or
/// inside the resource's block (a comment) or names the resource (a config entry).
fn applies(w: &waiver::Waiver, o: &rules::Outcome, model: &model::Model, inputs: &[Input]) -> bool {
    if w.problem.is_some() || !w.rules.contains(&o.rule.id) {
        return false;
    }
    let (site, outer) = match o.subject {
        rules::Subject::Cluster(i) => (&model.clusters[i].site, None),
        rules::Subject::NodePool(i) => {
            let pool = &model.node_pools[i];
            // A waiver in the cluster's block covers its inline pools too.
            let outer = matches!(pool.kind, model::PoolKind::Inline(_))
                .then(|| model.cluster_of(pool).map(|c| &c.site))
                .flatten();
            (&pool.site, outer)
        }
    };
    if let Some(resource) = &w.resource {
        let name = match o.subject {
            rules::Subject::Cluster(i) => model.clusters[i].display_name(),
            rules::Subject::NodePool(i) => model.node_pools[i].display_name(),
        };
        return **resource == *site.address || *resource == name;
    }
    let Some((input, offset)) = w.at else {
        return false;
    };
    [Some(site), outer].into_iter().flatten().any(|s| {
        s.input == input
            && (s.span.start() <= offset && offset < s.span.end()
                || just_above(&inputs[input].text, offset, s.span.start()))
    })
}

/// The longest message a finding carries, and the longest run without a space in it: a value
/// of megabytes quoted by a rule is cut, with how much was left out.
const MAX_MESSAGE_BYTES: usize = 4_000;
const MAX_WORD_BYTES: usize = 300;

/// A remediation text as the report holds it: without spare room when owned.
fn tight_text(text: Cow<'static, str>) -> Cow<'static, str> {
    match text {
        Cow::Owned(text) => Cow::Owned(tight(text)),
        borrowed => borrowed,
    }
}

/// A text with no room to grow: a report of an organization holds half a million of them, and
/// `format!` leaves room for about as much again as its literal text.
fn tight(mut text: String) -> String {
    text.shrink_to_fit();
    text
}

/// A result's message as the report holds it: clipped, and without spare room (a rule's fixed
/// text stays borrowed).
fn report_message(message: Cow<'static, str>) -> Cow<'static, str> {
    match message {
        Cow::Borrowed(text) if !needs_clipping(text) => Cow::Borrowed(text),
        message => Cow::Owned(tight(clip_message(message.into_owned()))),
    }
}

fn needs_clipping(message: &str) -> bool {
    // A message no longer than the longest word has no word too long (nearly all of them).
    let long_word = message.len() > MAX_WORD_BYTES
        && message.split_whitespace().any(|w| w.len() > MAX_WORD_BYTES);
    message.len() > MAX_MESSAGE_BYTES || long_word
}

fn clip_message(message: String) -> String {
    if !needs_clipping(&message) {
        return message;
    }
    let mut out = String::new();
    let mut rest = message.as_str();
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        out.push_str(&if word.len() > MAX_WORD_BYTES {
            span::quote(word)
        } else {
            word.to_string()
        });
        let spaces = after.len() - after.trim_start().len();
        out.push_str(&after[..spaces]);
        rest = &after[spaces..];
        if out.len() > MAX_MESSAGE_BYTES {
            let cut = span::floor_boundary(&out, MAX_MESSAGE_BYTES);
            let left = out.len() - cut + rest.len();
            out.truncate(cut);
            out.push_str(&format!("… ({left} bytes more)"));
            break;
        }
    }
    out
}

/// Whether only comments and blank lines stand between the comment at `offset` and `start`.
fn just_above(text: &str, offset: usize, start: usize) -> bool {
    if offset >= start {
        return false;
    }
    let after = text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1);
    after <= start
        && text[after..start].lines().all(|l| {
            let t = l.trim();
            t.is_empty() || t.starts_with('#') || t.starts_with("//")
        })
}

/// Each subject's resource, made once and shared by its findings (a rule each); a pool's
/// cluster name is its cluster's own (an export has tens of thousands of pools).
struct Resources<'m> {
    model: &'m model::Model,
    clusters: Vec<Option<std::sync::Arc<Resource>>>,
    pools: Vec<Option<std::sync::Arc<Resource>>>,
}

impl<'m> Resources<'m> {
    fn new(model: &'m model::Model) -> Self {
        Resources {
            model,
            clusters: vec![None; model.clusters.len()],
            pools: vec![None; model.node_pools.len()],
        }
    }

    fn of(&mut self, subject: rules::Subject) -> std::sync::Arc<Resource> {
        let model = self.model;
        match subject {
            rules::Subject::Cluster(i) => self.clusters[i]
                .get_or_insert_with(|| {
                    let c = &model.clusters[i];
                    Resource {
                        kind: "cluster",
                        name: c.display_name().into(),
                        cluster: None,
                        address: c.site.address.clone(),
                    }
                    .into()
                })
                .clone(),
            rules::Subject::NodePool(i) => {
                if let Some(made) = &self.pools[i] {
                    return made.clone();
                }
                let p = &model.node_pools[i];
                let cluster = match &p.cluster {
                    model::ClusterLink::Index(c) if *c < model.clusters.len() => {
                        Some(self.of(rules::Subject::Cluster(*c)).name.clone())
                    }
                    model::ClusterLink::Index(_) => None,
                    model::ClusterLink::Missing(m) => m.name.as_deref().map(Into::into),
                };
                let made = std::sync::Arc::new(Resource {
                    kind: "node-pool",
                    name: p.display_name().into(),
                    cluster,
                    address: p.site.address.clone(),
                });
                self.pools[i] = Some(made.clone());
                made
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{clip_message, MAX_MESSAGE_BYTES, MAX_WORD_BYTES};
    use crate::report::{Finding, Location, Resource, Severity, Status};

    #[test]
    fn results_rank_by_status_severity_rule_input_and_offset() {
        let statuses = [
            Status::Pass,
            Status::Suppressed,
            Status::Unknown,
            Status::Fail,
        ];
        let severities = [
            Severity::Low,
            Severity::Critical,
            Severity::Medium,
            Severity::High,
        ];
        let inputs = ["b.tf", "a.json", "not-named.yaml"];
        let rules = crate::rules::RULES;
        // Every mix, in an order of their own (a step prime to the count).
        let mut results = Vec::new();
        let n = 4 * 4 * 3 * rules.len() * 3;
        for k in 0..n {
            let i = (k * 7919) % n;
            let rule = rules[i % rules.len()];
            results.push(Finding {
                rule: rule.id,
                name: rule.name,
                status: statuses[i / rules.len() % 4],
                severity: severities[i / (rules.len() * 4) % 4],
                message: format!("result {k}").into(),
                resource: Resource {
                    kind: "cluster",
                    name: "c".into(),
                    cluster: None,
                    address: "c".into(),
                }
                .into(),
                location: Location {
                    input: inputs[i / (rules.len() * 16) % 3].into(),
                    line: 1,
                    column: 1,
                    end_line: 1,
                    end_column: 1,
                    // Offsets past 32 bits too, and equal ones (kept in their order).
                    offset: [0, 5, 1 << 33][i / (rules.len() * 48) % 3] + k % 2,
                    end_offset: 0,
                },
                remediation: None,
                remediation_on_request: false,
                suppression: None,
                pending: None,
            });
        }
        let named = ["a.json", "b.tf"];
        let position = |name: &str| named.iter().position(|n| *n == name);
        let mut expected = results.clone();
        expected.sort_by_key(|r| {
            (
                r.status.rank(),
                r.severity,
                r.rule,
                position(&r.location.input),
                r.location.offset,
            )
        });
        super::rank(&mut results, named.into_iter());
        let messages = |r: &[Finding]| r.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
        assert_eq!(messages(&results), messages(&expected));
    }

    #[test]
    fn messages_keep_their_words_and_lose_only_what_is_too_long() {
        // Short, and as long as a word may be: as they were.
        for message in [
            "Pool p has no GKE_METADATA.".to_string(),
            "w".repeat(MAX_WORD_BYTES),
        ] {
            assert_eq!(clip_message(message.clone()), message);
        }
        // One word too long in a short message: quoted, the rest kept.
        let long = "v".repeat(MAX_WORD_BYTES + 1);
        let clipped = clip_message(format!("value {long} here"));
        assert!(clipped.starts_with("value vvv"), "{clipped}");
        assert!(clipped.ends_with("vvv here"), "{clipped}");
        assert!(
            clipped.contains(&format!("({} bytes)", MAX_WORD_BYTES + 1 - 150)),
            "{clipped}"
        );
        // Many short words past the longest message: cut, saying how much was left out.
        let many = "word ".repeat(MAX_MESSAGE_BYTES);
        let clipped = clip_message(many.clone());
        assert!(clipped.len() < MAX_MESSAGE_BYTES + 40, "{}", clipped.len());
        let kept = clipped.find('…').unwrap();
        assert_eq!(&clipped[..kept], &many[..kept]);
        assert!(
            clipped.ends_with(&format!("({} bytes more)", many.len() - kept)),
            "{clipped}"
        );
    }
}
