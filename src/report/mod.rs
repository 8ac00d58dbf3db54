//! The report: what the CLI prints as JSON and the page renders. Version 1 is documented in
//! the README; fields are only ever added to it. Version 2 (`v2`) writes the same report
//! compactly, for the command line's `--report-version 2`.

use serde::Serialize;

pub mod json;
pub mod v2;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Fail,
    Unknown,
    Pass,
    /// A failing or unknown result that a waiver accepts, on the record.
    Suppressed,
}

impl Status {
    /// Where results with this status come in the report: failing, then unknown, then
    /// suppressed, then passing.
    pub fn rank(self) -> u8 {
        match self {
            Status::Fail => 0,
            Status::Unknown => 1,
            Status::Suppressed => 2,
            Status::Pass => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Suppressed => "suppressed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn parse(name: &str) -> Option<Severity> {
        match name.to_ascii_lowercase().as_str() {
            "critical" => Some(Severity::Critical),
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// What applying a rule's fix risks, as `gkecheck fix` and the page decide what to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// In place: no node is recreated and nobody loses access. Applied by default.
    Safe,
    /// Recreates nodes, replaces a pool, or can cut a workload or a client off. Applied only
    /// when asked for (`--unsafe-fixes`, or checked in the page's fix dialog).
    Unsafe,
    /// Recreates the cluster, or needs a value or decision only a person has: shown, never
    /// applied.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub version: u32,
    /// Whether `results` lists the passing results; when false they are only counted
    /// (`summary.pass`), as outputs that show only what fails ask.
    pub passing_listed: bool,
    pub inputs: Vec<InputReport>,
    pub results: Vec<Finding>,
    /// Every waiver found, whether it matched anything, and why one cannot be used.
    pub waivers: Vec<WaiverReport>,
    /// The workload-metadata answer, cluster by cluster: what the report opens with.
    pub headline: Vec<Headline>,
    pub summary: Summary,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WaiverReport {
    /// `gkecheck:ignore`, `checkov:skip:ID`, `tfsec:ignore:ID`, `trivy:ignore:ID`, `.gkecheck.toml`.
    pub source: String,
    pub rules: Vec<&'static str>,
    pub reason: String,
    pub until: Option<String>,
    /// For a `.gkecheck.toml` entry: the resource it names.
    pub resource: Option<String>,
    /// For a comment: where it is.
    pub location: Option<Location>,
    /// It matched a result (and so waived it, or failed it as expired).
    pub used: bool,
    pub expired: bool,
    /// Why it cannot be used.
    pub problem: Option<String>,
}

/// Why a result is suppressed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suppression {
    pub source: String,
    pub reason: String,
    pub until: Option<String>,
    pub location: Option<Location>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputReport {
    pub name: String,
    /// `gcloud-json`, `gcloud-yaml`, `terminal`, `terraform`, `terraform-plan`,
    /// `terraform-vars` or `terraform-modules`; `unknown` when the kind could not be told.
    pub format: &'static str,
    /// Why reading stopped, and where.
    pub error: Option<InputMessage>,
    /// What was skipped or repaired while reading (a table in a terminal paste, a wrapped
    /// certificate), and where.
    pub notes: Vec<InputMessage>,
}

/// A message about a place in an input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputMessage {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// UTF-16 offset from the start of the input, for browsers and editors.
    pub offset: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub status: Status,
    pub severity: Severity,
    /// Borrowed when it is the rule's own fixed text, as most are.
    pub message: std::borrow::Cow<'static, str>,
    /// Shared by every finding of the resource (a rule each).
    pub resource: std::sync::Arc<Resource>,
    pub location: Location,
    /// Boxed, as most results have none: a report of an organization holds a few hundred
    /// thousand findings.
    pub remediation: Option<Box<Remediation>>,
    /// The finding has a remediation, left out of this report to be asked for when it is
    /// shown (`Options::remediation_on_request`, the page's); written only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub remediation_on_request: bool,
    /// For a suppressed result: the waiver.
    pub suppression: Option<Box<Suppression>>,
    /// The remediation left to be drafted as the report is written (see
    /// `crate::check_drafting_later`); never written itself.
    #[serde(skip)]
    pub pending: Option<Box<crate::rules::PendingFix>>,
}

/// The texts are shared by every finding of the resource (a rule each): with passing results
/// listed, an organization's export has over a million findings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Resource {
    /// `cluster` or `node-pool`.
    pub kind: &'static str,
    pub name: std::sync::Arc<str>,
    /// The cluster's name, for a node pool (when known).
    pub cluster: Option<std::sync::Arc<str>>,
    pub address: std::sync::Arc<str>,
}

/// A range in one input: 1-based lines, 1-based columns counted in characters, and UTF-16
/// offsets from the start of the input (what a browser text area selects by).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Shared by every finding of the input: an export has hundreds of thousands.
    pub input: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub offset: usize,
    pub end_offset: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Remediation {
    pub summary: std::borrow::Cow<'static, str>,
    /// What to do, in order.
    pub steps: Vec<Step>,
    pub warnings: Vec<std::borrow::Cow<'static, str>>,
    /// How to confirm the fix took effect.
    pub verify: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub title: std::borrow::Cow<'static, str>,
    pub code: std::borrow::Cow<'static, str>,
    /// `shell` or `hcl`.
    pub language: &'static str,
    /// For Terraform: where in the input the code goes.
    pub location: Option<Location>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub fail: usize,
    pub pass: usize,
    pub unknown: usize,
    pub suppressed: usize,
    /// Inputs that could not be read or parsed.
    pub errors: usize,
    /// Failing results by severity.
    pub failing: BySeverity,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

/// The workload-metadata answer for one cluster (or for the node pools whose cluster is not
/// in the input): how many node pools run the GKE metadata server, and which expose the
/// node's token.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Headline {
    /// The cluster's name; `None` for node pools whose cluster is not in the input.
    pub cluster: Option<String>,
    pub autopilot: bool,
    pub pools_total: usize,
    /// Pools that run the GKE metadata server (GKE001 passes).
    pub pools_protected: usize,
    /// Pools that expose the node's token (GKE001 fails), waived ones included.
    pub pools_exposed: Vec<String>,
    /// Pools whose metadata mode is not known, with the expression that decides it.
    pub pools_unknown: Vec<String>,
    /// Passing results of this cluster and its pools (of the rules that ran), whether or not
    /// `results` lists them.
    pub passing: usize,
    /// The answer in one line.
    pub text: String,
}

impl Summary {
    /// The counts of these results, with `errors` inputs that could not be read.
    pub fn of(results: &[Finding], errors: usize) -> Summary {
        let count = |s: Status| results.iter().filter(|r| r.status == s).count();
        let failing = |severity: Severity| {
            results
                .iter()
                .filter(|r| r.status == Status::Fail && r.severity == severity)
                .count()
        };
        Summary {
            failing: BySeverity {
                critical: failing(Severity::Critical),
                high: failing(Severity::High),
                medium: failing(Severity::Medium),
                low: failing(Severity::Low),
            },
            fail: count(Status::Fail),
            pass: count(Status::Pass),
            unknown: count(Status::Unknown),
            suppressed: count(Status::Suppressed),
            errors,
        }
    }
}

impl Finding {
    /// A stable fingerprint: the rule, the resource's address and the input's name (with `/`
    /// between its parts), not the line, so that an edit elsewhere in the file leaves it the
    /// same. FNV-1a, 64 bits, in hex.
    pub fn fingerprint(&self) -> String {
        fingerprint(self.rule, &self.resource.address, &self.location.input)
    }
}

/// `Finding::fingerprint` from its parts (as a JSON report gives them).
pub fn fingerprint(rule: &str, address: &str, input: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let input = input.replace('\\', "/");
    for part in [rule, address, &input] {
        for b in part.bytes().chain([0]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

impl Report {
    /// Keeps only the findings that are not in a previous report (`known`: fingerprint and
    /// status of its failing, unknown and waived results); passing results stay. The counts
    /// follow; the headline, which says how things stand, does not change. Returns how many
    /// findings were left out.
    pub fn retain_new(&mut self, known: &std::collections::HashSet<(String, Status)>) -> usize {
        let before = self.results.len();
        self.results
            .retain(|r| r.status == Status::Pass || !known.contains(&(r.fingerprint(), r.status)));
        let pass = self.summary.pass;
        self.summary = Summary::of(&self.results, self.summary.errors);
        // Passing results stay as they were, listed or only counted.
        self.summary.pass = pass;
        before - self.results.len()
    }

    /// The report as JSON lines, for a reader that parses a large report a piece at a time
    /// (the page, which must not block typing for the whole of one): the first line is the
    /// report with `results` empty, and each line after it a JSON array of the results that
    /// follow, in order, starting a new line once one holds `part_bytes` or more. Compact JSON
    /// escapes every line feed inside a string, so each line is one JSON value, and the results
    /// of every line, joined, are the report's `results`.
    pub fn to_json_parts(&mut self, part_bytes: usize) -> json::Result<String> {
        // The report with its results taken out, then each result written after it, into
        // the one text, by the reports' own writer (`json`): nothing is written twice or
        // searched for commas.
        let results = std::mem::take(&mut self.results);
        let head = json::to_vec(Vec::new(), &*self);
        self.results = results;
        let mut out = head?;
        let mut line = 0;
        for (i, result) in self.results.iter().enumerate() {
            if i == 0 || out.len() - line >= part_bytes {
                if i > 0 {
                    out.push(b']');
                }
                out.extend_from_slice(b"\n[");
                line = out.len();
            } else {
                out.push(b',');
            }
            out = json::to_vec(out, result)?;
        }
        if !self.results.is_empty() {
            out.push(b']');
        }
        json::text(out)
    }

    /// The process exit code the CLI uses: 2 when an input could not be read, else 1 when a
    /// check failed, else 0.
    pub fn exit_code(&self) -> i32 {
        self.exit_code_at(None)
    }

    /// The exit code when only failures at least as severe as `fail_on` fail the run.
    pub fn exit_code_at(&self, fail_on: Option<Severity>) -> i32 {
        let failing = self
            .results
            .iter()
            .any(|r| r.status == Status::Fail && fail_on.is_none_or(|at| r.severity <= at));
        if self.summary.errors > 0 {
            2
        } else if failing {
            1
        } else {
            0
        }
    }
}
