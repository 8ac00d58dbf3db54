//! The gkecheck command line: a thin shell over `gkecheck::check`.

use std::io::Read;
use std::process::ExitCode;

use gkecheck::input::Format;
use gkecheck::stream::{self, Stream};
use gkecheck::{check, render, rules, Input, Options};

/// Writes to standard output. A reader that went away (`gkecheck rules | head`) ends the
/// program quietly instead of with a panic.
fn write_out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        stdout_failed(e);
    }
}

/// Standard output could not be written: a reader that went away ends the run quietly.
fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("gkecheck: cannot write to standard output: {e}");
    std::process::exit(2);
}

macro_rules! out {
    ($($arg:tt)*) => { write_out(&format!($($arg)*)) };
}

macro_rules! outln {
    ($($arg:tt)*) => { write_out(&(format!($($arg)*) + "\n")) };
}

/// What `gkecheck` prints before its commands.
const ABOUT: &str = "Finds GKE node pools that leak the node's credentials, and the other GKE hardening settings left open (GKE001-GKE034: `gkecheck rules` lists them), and says how to fix them.";

const CHECK_HELP: &str =
    "Reads each PATH (a file, or - for standard input; no PATH means standard input) and checks
them together: a node pool in one file is joined to its cluster in another. A DIR is read with
everything below it: .tf files, terraform.tfvars and *.auto.tfvars, and .json, .jsonl, .ndjson,
.yaml, .yml and .txt files that hold gcloud output or a plan (others are skipped, and listed on
standard error).
Hidden directories are skipped, except that from .terraform the manifest terraform init writes
(.terraform/modules/modules.json) and the .tf files of the modules it lists are read. Terraform
files in the same directory are evaluated as one module, with the variable values of the .tfvars
files there and the arguments of the module call that uses it (a local source such as
\"./modules/x\", or a registry or git module that terraform init downloaded). The input kind is
told from the file name and text unless --input-format says it.

Inputs: `gcloud container clusters describe|list` and `gcloud container node-pools
describe|list` output in YAML or JSON, also pasted from a terminal with prompts and messages; the
API's {\"clusters\": [...]} / {\"nodePools\": [...]}; Cloud Asset Inventory exports; a project's
IAM policy (`gcloud projects get-iam-policy PROJECT_ID`) beside the clusters; Terraform (.tf);
Terraform plans (`terraform show -json`).

An input holds at most 32 MiB, except gcloud output in JSON (a stream of values, a list, an API
list, an asset export of a whole organization) or YAML (documents between --- lines), which is
read in parts, up to a million values: each part a few megabytes, a pool listed on its own kept
with its cluster. Such an input is checked on its own, not related to the other inputs (a note
says so). A Terraform plan may hold up to 512 MiB: of its resources, only the clusters and
node pools are kept as it is read.

Waived results have the status suppressed and do not fail the run; an expired waiver fails with
its own message, and a waiver that matches nothing is reported.

--format script writes the gcloud fix commands as a shell script in the order the remediation
needs: workloads mapped to their own identities (a template to fill in), Workload Identity on
each cluster, then each pool. Only safe steps run as written; every unsafe or disruptive step
is commented out with its warning right above it.

Exit status: 0 when nothing fails, 1 when a check fails, 2 when an input cannot be read or parsed
(the other inputs are still checked and reported), 64 for a usage error.";

const FIX_HELP: &str =
    "Edits Terraform files in place so that failing checks pass, and checks the result again.

Every fix has an applicability, said in `gkecheck rules` and `gkecheck explain`:
  safe          in place, no node recreated, nobody loses access: applied by default
                (Workload Identity on a cluster, GKE019 auto-repair, GKE025/GKE026 logging and
                monitoring)
  unsafe        recreates nodes, replaces a pool, or can cut a workload or client off: applied
                only with --unsafe-fixes (the GKE metadata server on a pool, GKE004, GKE008,
                GKE016-GKE018, GKE020-GKE022, GKE024, GKE028)
  display-only  recreates the cluster, or needs a value only a person has: shown, never applied
                (GKE010, GKE029, and the rules without an automatic fix)

Fixes that need another are applied together or not at all: GKE_METADATA on a pool only with
Workload Identity on its cluster (workload_pool built from the project the configuration names:
the cluster's or the provider's project, var.project_id or var.project, data \"google_project\";
never invented); a release channel only with auto-upgrade and auto-repair on the cluster's pools.
A setting that comes from a variable is changed where its value is set: the .tfvars entry, the
module call's argument, or the default when nothing overrides it. The provider version
constraints decide between mode (provider 4 on) and node_metadata (3.x only).

After the edits, the fixed files are parsed and checked again with the same inputs: a fix whose
rule still fails, that makes a rule fail that passed, or whose text would not parse or would write
an attribute or block twice is undone and listed as not fixed with the reason. Everything else
stays byte for byte. Each fix says what it does and what it costs.

Exit status: 0 when every failure was fixed, 1 when something was left (not fixed, unsafe without
--unsafe-fixes, or display-only), 2 when an input cannot be read, 64 for a usage error.";

#[derive(clap::Parser)]
#[command(name = "gkecheck", version, about = ABOUT, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Check GKE configuration: gcloud output, Terraform, plans
    #[command(long_about = CHECK_HELP)]
    Check {
        #[command(flatten)]
        common: Common,
        /// concise: the workload-metadata answer, a line per finding that fails or is unknown,
        /// counts by severity; full: each finding with a code frame, the fix and how to verify;
        /// json: the versioned report (the object the web page renders); script: the gcloud
        /// fix commands as a shell script; sarif (code scanning), junit (CI test tabs), github
        /// (workflow annotations), gitlab (Code Quality report)
        #[arg(
            long = "output-format",
            alias = "format",
            value_enum,
            default_value = "concise",
            value_name = "FORMAT"
        )]
        format: OutputFormat,
        /// Write the output to FILE instead of standard output (which then gets the summary line)
        #[arg(long, value_name = "FILE")]
        output: Option<String>,
        /// For sarif: each rule's helpUri, where your team keeps gkecheck's rule docs, with
        /// {rule} for the rule id (such as https://github.com/ORG/gkecheck/blob/main/docs/rules/{rule}.md)
        #[arg(long, value_name = "URL", value_parser = gkecheck::formats::rule_docs_url)]
        rule_docs_url: Option<String>,
        /// For json: 1 (the default) gives each result in full, the object the web page
        /// renders; 2 is the same report written compactly, each resource, rule and text once
        /// (several times smaller; README, "The JSON report, version 2")
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=2))]
        report_version: Option<u8>,
        /// Report only findings that are not in REPORT, an earlier `--output-format json` report
        /// of either version (the same rule, resource and file with the same status): for
        /// scheduled scans
        #[arg(long, value_name = "REPORT")]
        baseline: Option<String>,
        /// List passing results too (concise, full and json; they are always counted)
        #[arg(long)]
        show_passing: bool,
        /// Print only the summary line (and errors); the exit status says the rest
        #[arg(long, short)]
        quiet: bool,
        /// Colour the status words: auto (on a terminal, unless NO_COLOR is set), always, never
        #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
        color: ColorChoice,
        /// Exit 1 only for failures at LEVEL or more severe (default: any failure)
        #[arg(long, value_name = "LEVEL", value_parser = parse_severity)]
        fail_on: Option<gkecheck::report::Severity>,
        /// Print how long each phase took, and the peak memory, to standard error as one JSON
        /// line (read, parse, rules, report, output in milliseconds; peak_kib): for benchmarks.
        /// An input read in parts parses twice (its first pass, then each part, on every core):
        /// its parse is the first pass and the parts' share of their wall time
        #[arg(long)]
        timings: bool,
        /// Files or directories to read; - (or nothing) reads standard input
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Edit Terraform files so that failing checks pass (safe fixes unless asked for more)
    #[command(long_about = FIX_HELP)]
    Fix {
        #[command(flatten)]
        common: Common,
        /// Print a unified diff instead of writing the files
        #[arg(long)]
        diff: bool,
        /// Apply unsafe fixes too: those that recreate nodes, replace a pool, or can cut a
        /// workload or client off
        #[arg(long)]
        unsafe_fixes: bool,
        /// Terraform files or directories to fix
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<String>,
    },
    /// List the rules
    Rules {
        /// text (a line per rule) or json (metadata and docs)
        #[arg(long, value_enum, default_value = "text", value_name = "FORMAT")]
        format: RulesFormat,
        /// Write the rules' Markdown pages into DIR (used to build docs/rules)
        #[arg(long, value_name = "DIR", hide = true)]
        markdown: Option<String>,
    },
    /// Write GKE custom organization policy constraints that deny what the rules fail
    #[command(long_about = POLICY_HELP)]
    Policy {
        /// yaml (for gcloud org-policies) or terraform
        #[arg(long, value_enum, default_value = "yaml", value_name = "FORMAT")]
        format: PolicyFormat,
        /// The organization the constraints are created in (its numeric id)
        #[arg(long, value_name = "ID", default_value = gkecheck::policy::ORGANIZATION_PLACEHOLDER, value_parser = gkecheck::policy::organization)]
        organization: String,
        /// Where the policies enforce them: organizations/ID, folders/ID or projects/ID
        /// (default: the organization)
        #[arg(long, value_name = "RESOURCE", value_parser = gkecheck::policy::parent)]
        parent: Option<String>,
    },
    /// Show a rule's documentation
    Explain {
        /// A rule id (GKE001) or name (workload-metadata-not-hardened)
        rule: String,
    },
}

#[derive(clap::Args)]
struct Common {
    /// The kind of every PATH given as a file, instead of telling it from the name and text
    #[arg(long, value_enum, default_value = "auto", value_name = "KIND")]
    input_format: InputFormat,
    /// Variable values (.tfvars) for every root module, like terraform -var-file
    #[arg(long, value_name = "FILE")]
    var_file: Vec<String>,
    /// Waivers for any input, as [[ignore]] entries (rule, resource, reason, until); without
    /// it, the first .gkecheck.toml in the inputs' directories or above
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Only these rules (ids or names, comma-separated)
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_rule)]
    select: Vec<String>,
    /// Not these rules (ids or names, comma-separated)
    #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_rule)]
    ignore: Vec<String>,
    /// Report RULE at LEVEL (critical, high, medium, low) instead of its own severity
    #[arg(long, value_name = "RULE=LEVEL", value_parser = parse_severity_override)]
    severity: Vec<(String, gkecheck::report::Severity)>,
    /// Ignore waivers written for other tools (#checkov:skip=, #tfsec:ignore:,
    /// #trivy:ignore:); gkecheck's own (# gkecheck:ignore RULE reason until=DATE) stay
    #[arg(long)]
    no_peer_waivers: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Concise,
    #[value(alias = "text")]
    Full,
    Json,
    Script,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps)
    Sarif,
    /// JUnit XML, for the test tab of CI systems
    Junit,
    /// GitHub Actions workflow commands: annotations on the pull request
    Github,
    /// GitLab's Code Quality report
    Gitlab,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PolicyFormat {
    Yaml,
    Terraform,
}

const POLICY_HELP: &str =
    "Writes GKE custom organization policy constraints, one per rule whose pass condition can be
stated on the v1 Cluster or NodePool resource at CREATE and UPDATE, and the policies that enforce
them: as YAML for `gcloud org-policies set-custom-constraint` and `set-policy` (one document per
file), or as Terraform (google_org_policy_custom_constraint, google_org_policy_policy). Each
constraint's description names its rule, and says where it is stricter than the check (a pool
created without an explicit metadata mode is denied even when Workload Identity would give it
GKE_METADATA). The rules without a constraint are listed at the end, with why.";

#[derive(Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum InputFormat {
    Auto,
    GcloudJson,
    GcloudYaml,
    Terminal,
    Terraform,
    TerraformPlan,
    TerraformVars,
}

impl InputFormat {
    fn format(self) -> Option<Format> {
        match self {
            InputFormat::Auto => None,
            InputFormat::GcloudJson => Some(Format::GcloudJson),
            InputFormat::GcloudYaml => Some(Format::GcloudYaml),
            InputFormat::Terminal => Some(Format::Terminal),
            InputFormat::Terraform => Some(Format::Terraform),
            InputFormat::TerraformPlan => Some(Format::TerraformPlan),
            InputFormat::TerraformVars => Some(Format::TerraformVars),
        }
    }
}

fn parse_rule(name: &str) -> Result<String, String> {
    let name = name.trim();
    rules::find(name)
        .map(|_| name.to_string())
        .ok_or_else(|| format!("no rule is called {name:?}; `gkecheck rules` lists them"))
}

fn parse_severity(level: &str) -> Result<gkecheck::report::Severity, String> {
    gkecheck::report::Severity::parse(level)
        .ok_or_else(|| format!("{level:?} is not critical, high, medium or low"))
}

fn parse_severity_override(v: &str) -> Result<(String, gkecheck::report::Severity), String> {
    let (name, level) = v
        .split_once('=')
        .ok_or("expected RULE=LEVEL, such as GKE002=medium")?;
    Ok((parse_rule(name)?, parse_severity(level)?))
}

fn main() -> ExitCode {
    use clap::Parser;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => 0,
                _ => 64,
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let outcome = run(cli.command);
    for path in SPOOLED.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        let _ = std::fs::remove_file(path);
    }
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("gkecheck: {message}\nRun `gkecheck --help` for usage.");
            ExitCode::from(64)
        }
    }
}

fn run(command: Command) -> Result<u8, String> {
    match command {
        Command::Rules {
            markdown: Some(dir),
            ..
        } => {
            let dir = std::path::Path::new(&dir);
            let write = |file: String, text: String| {
                std::fs::write(dir.join(&file), text).map_err(|e| format!("{file}: {e}"))
            };
            write("README.md".into(), render::rules_index())?;
            for rule in rules::RULES {
                write(format!("{}.md", rule.id), render::rule_doc(rule))?;
            }
            Ok(0)
        }
        Command::Rules {
            format: RulesFormat::Json,
            ..
        } => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&rules_json()).map_err(|e| e.to_string())?
            );
            Ok(0)
        }
        Command::Rules { .. } => {
            for rule in rules::RULES {
                outln!(
                    "{}  {:<36} {:<8} {:<15} {:<12} {}",
                    rule.id,
                    rule.name,
                    rule.severity.as_str(),
                    rule.category,
                    rule.fix_applicability.as_str(),
                    rule.title
                );
            }
            Ok(0)
        }
        Command::Policy {
            format,
            organization,
            parent,
        } => {
            let format = match format {
                PolicyFormat::Yaml => "yaml",
                PolicyFormat::Terraform => "terraform",
            };
            out!(
                "{}",
                gkecheck::policy::write(format, &organization, parent.as_deref())?
            );
            Ok(0)
        }
        Command::Explain { rule } => {
            let found = rules::find(&rule).ok_or_else(|| {
                format!("no rule is called {rule:?}; `gkecheck rules` lists them")
            })?;
            out!("{}", render::rule_doc(found));
            Ok(0)
        }
        Command::Check {
            common,
            format,
            show_passing,
            quiet,
            color,
            fail_on,
            timings,
            output,
            rule_docs_url,
            report_version,
            baseline,
            paths,
        } => {
            let started = std::time::Instant::now();
            if report_version.is_some() && !matches!(format, OutputFormat::Json) {
                return Err("--report-version is for --output-format json".into());
            }
            let known = match &baseline {
                Some(path) => Some(read_baseline(path)?),
                None => None,
            };
            let (inputs, mut streams, unreadable, mut options) = prepare(&common, paths, true)?;
            // What shows only failing, unknown and waived results builds nothing for what passes.
            options.passing_counted_only = match format {
                // JUnit has a test case for each result, passing or not.
                OutputFormat::Junit => false,
                OutputFormat::Json | OutputFormat::Concise | OutputFormat::Full => !show_passing,
                OutputFormat::Script
                | OutputFormat::Sarif
                | OutputFormat::Github
                | OutputFormat::Gitlab => true,
            };
            // Remediation is built only for the outputs that show it.
            options.without_remediation = !matches!(
                format,
                OutputFormat::Json | OutputFormat::Full | OutputFormat::Script
            );
            let read = started.elapsed();
            let color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    use std::io::IsTerminal;
                    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        && std::io::stdout().is_terminal()
                }
            };
            let text = gkecheck::render::TextOptions {
                show_passing,
                color,
            };
            let emit = Emit {
                format,
                quiet,
                text: &text,
                fail_on,
                output: output.as_deref(),
                baseline: known.as_ref().zip(baseline.as_deref()),
                rule_docs: rule_docs_url.as_deref(),
                report_version: report_version.unwrap_or(1),
            };
            let (code, phases, output) =
                run_check(&inputs, &mut streams, &unreadable, &options, &emit)?;
            if timings {
                let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
                let mut line = serde_json::json!({
                    "read_ms": ms(read),
                    "parse_ms": ms(phases.parse),
                    "rules_ms": ms(phases.rules),
                    "report_ms": ms(phases.report),
                    "output_ms": ms(output),
                    "total_ms": ms(started.elapsed()),
                    "input_bytes": inputs.iter().map(|i| i.text.len() as u64).sum::<u64>()
                        + streams.iter().map(|s| s.len()).sum::<u64>(),
                });
                if let Some(kib) = peak_kib() {
                    line["peak_kib"] = kib.into();
                }
                eprintln!("{line}");
            }
            // As with the report: the process ends next.
            std::mem::forget(inputs);
            Ok(code)
        }
        Command::Fix {
            common,
            diff,
            unsafe_fixes,
            paths,
        } => {
            let (inputs, _, unreadable, options) = prepare(&common, paths, false)?;
            run_fix(&inputs, &unreadable, diff, unsafe_fixes, &options)
        }
    }
}

/// The inputs read, the files that could not be read (with why), and the options.
type Prepared = (Vec<Input>, Vec<Stream>, Vec<(String, String)>, Options);

/// Reads the inputs and builds the options both `check` and `fix` take.
/// `streaming`: gcloud JSON and YAML over the page's limit are read in parts (`check`), not
/// refused.
fn prepare(common: &Common, mut paths: Vec<String>, streaming: bool) -> Result<Prepared, String> {
    if paths.is_empty() && common.var_file.is_empty() {
        paths.push("-".into());
    }
    let (inputs, streams, unreadable) = read_inputs(
        &paths,
        common.var_file.clone(),
        common.input_format.format(),
        streaming,
    );
    if inputs.is_empty() && streams.is_empty() && unreadable.is_empty() {
        return Err("no input to check (the directories hold no file gkecheck reads)".into());
    }
    let options = Options {
        today: Some(today()),
        no_peer_waivers: common.no_peer_waivers,
        waivers: waivers(common.config.as_deref(), &paths)?,
        select: common.select.clone(),
        ignore: common.ignore.clone(),
        severity: common.severity.clone(),
        passing_counted_only: false,
        without_remediation: false,
        remediation_on_request: false,
        projects_beside: Vec::new(),
        max_resources: Some(gkecheck::CLI_MAX_RESOURCES),
        max_plan_bytes: Some(gkecheck::CLI_MAX_PLAN_BYTES),
        threads: gkecheck::Threads::machine(),
    };
    Ok((inputs, streams, unreadable, options))
}

/// `gkecheck fix`: writes the fixes into the Terraform files, or prints them as a diff.
fn run_fix(
    inputs: &[Input],
    unreadable: &[(String, String)],
    diff: bool,
    unsafe_fixes: bool,
    options: &Options,
) -> Result<u8, String> {
    for (path, message) in unreadable {
        eprintln!("error: {path}: {message}");
    }
    let choice = gkecheck::autofix::FixOptions {
        unsafe_fixes,
        only: None,
    };
    let report = gkecheck::autofix::fix_with(inputs, options, &choice);
    let checked = check(inputs, options);
    for i in checked.inputs.iter().filter(|i| i.error.is_some()) {
        let e = i.error.as_ref().unwrap_or_else(|| unreachable!());
        eprintln!("error: {}:{}:{}: {}", i.name, e.line, e.column, e.message);
    }
    for file in &report.files {
        if diff {
            out!("{}", file.diff);
        } else {
            std::fs::write(&file.name, &file.text)
                .map_err(|e| format!("cannot write {}: {e}", file.name))?;
        }
    }
    let verb = if diff { "Would fix" } else { "Fixed" };
    for a in &report.applied {
        eprintln!(
            "{verb} {}:{} {} {} ({}): {}",
            a.input,
            a.line,
            a.rule,
            a.address,
            a.applicability.as_str(),
            a.what
        );
        eprintln!("  Consequence: {}", a.consequence);
    }
    for l in &report.left_out {
        eprintln!(
            "Left out {} {} ({}): {}",
            l.rule,
            l.address,
            l.applicability.as_str(),
            l.what
        );
        eprintln!("  Consequence: {}", l.consequence);
        eprintln!("  Why: {}", l.reason);
    }
    for s in &report.skipped {
        eprintln!("Not fixed {} {}: {}", s.rule, s.address, s.reason);
    }
    let unsafe_left = report
        .left_out
        .iter()
        .filter(|l| l.applicability == gkecheck::report::Applicability::Unsafe)
        .count();
    let display_only = report.left_out.len() - unsafe_left;
    let mut summary = format!(
        "{} fix{} {} {} file{}",
        report.applied.len(),
        if report.applied.len() == 1 { "" } else { "es" },
        if diff { "would change" } else { "changed" },
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
    );
    if unsafe_left > 0 {
        summary.push_str(&format!(
            "; {unsafe_left} unsafe fix{} left out (they recreate nodes, replace pools or can cut access: `gkecheck fix --unsafe-fixes` applies them)",
            if unsafe_left == 1 { "" } else { "es" }
        ));
    }
    if display_only > 0 {
        summary.push_str(&format!(
            "; {display_only} display-only (shown above, never applied)"
        ));
    }
    summary.push_str(&format!("; {} not fixed", report.skipped.len()));
    eprintln!("{summary}");
    Ok(if !unreadable.is_empty() || checked.summary.errors > 0 {
        2
    } else if report.skipped.is_empty() && report.left_out.is_empty() {
        0
    } else {
        1
    })
}

/// The rules' metadata and docs, for `rules --format json`.
fn rules_json() -> serde_json::Value {
    rules::RULES
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "name": r.name,
                "severity": r.severity.as_str(),
                "category": r.category,
                "fix_applicability": r.fix_applicability,
                "fix_cost": r.fix_cost,
                "title": r.title,
                "pass_title": r.pass_title,
                "cis": r.cis.iter().map(|(v, n)| serde_json::json!({"version": v, "recommendation": n})).collect::<Vec<_>>(),
                "peers": r.peers,
                "differs": r.differs,
                "what": r.what,
                "why": r.why,
                "fix": r.fix,
            })
        })
        .collect()
}

/// How a check's report is given: its format, where, and what sets the exit status.
struct Emit<'a> {
    format: OutputFormat,
    quiet: bool,
    text: &'a gkecheck::render::TextOptions,
    fail_on: Option<gkecheck::report::Severity>,
    output: Option<&'a str>,
    /// The findings of an earlier report, and its path: only new ones are reported.
    baseline: Option<(&'a Baseline, &'a str)>,
    /// SARIF's helpUri for each rule, `{rule}` for its id.
    rule_docs: Option<&'a str>,
    /// The JSON report's version: 1 or 2.
    report_version: u8,
}

/// The failing, unknown and waived findings of an earlier report: fingerprint and status.
type Baseline = std::collections::HashSet<(String, gkecheck::report::Status)>;

/// Reads an earlier JSON report for `--baseline`.
fn read_baseline(path: &str) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--baseline {path}: cannot read it: {e}"))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!("--baseline {path}: expected a gkecheck JSON report (--output-format json), found text that is not JSON: {e}")
    })?;
    let doc = match doc["version"].as_u64() {
        Some(2) => gkecheck::report::v2::expand(&doc).map_err(|e| {
            format!("--baseline {path}: expected a gkecheck JSON report of version 2: {e}")
        })?,
        _ => doc,
    };
    let results = match (doc["version"].as_u64(), doc["results"].as_array()) {
        (Some(1), Some(results)) => results,
        _ => {
            return Err(format!(
                "--baseline {path}: expected a gkecheck JSON report, version 1 or 2 (--output-format json), with \"version\" and \"results\""
            ))
        }
    };
    let mut known = Baseline::new();
    for r in results {
        let status = serde_json::from_value::<gkecheck::report::Status>(r["status"].clone());
        let (Some(rule), Some(address), Some(input), Ok(status)) = (
            r["rule"].as_str(),
            r["resource"]["address"].as_str(),
            r["location"]["input"].as_str(),
            status,
        ) else {
            return Err(format!(
                "--baseline {path}: expected each result to have rule, status, resource.address and location.input"
            ));
        };
        known.insert((gkecheck::report::fingerprint(rule, address, input), status));
    }
    Ok(known)
}

fn run_check(
    inputs: &[Input],
    streams: &mut [Stream],
    unreadable: &[(String, String)],
    options: &Options,
    emit: &Emit,
) -> Result<(u8, gkecheck::Phases, std::time::Duration), String> {
    // Report version 1 of inputs read whole is written once: each result's remediation is
    // drafted as it is written, not held for the whole report.
    let once = streams.is_empty()
        && matches!(emit.format, OutputFormat::Json)
        && emit.report_version == 1
        && !emit.quiet;
    // `held`: the model and positions the check built, let go of with the process.
    let (mut report, phases, drafts, held) = if once {
        let (report, phases, drafts) = gkecheck::check_drafting_later(inputs, options);
        (report, phases, Some(drafts), None)
    } else if streams.is_empty() {
        let (report, phases, held) = gkecheck::check_holding(inputs, options);
        (report, phases, None, Some(held))
    } else {
        let (report, phases) =
            gkecheck::stream::check(inputs, streams, options, Default::default());
        (report, phases, None, None)
    };
    let started = std::time::Instant::now();
    if let Some((known, path)) = emit.baseline {
        let old = report.retain_new(known);
        if old > 0 {
            eprintln!(
                "gkecheck: {old} finding{} already in {path} not reported (--baseline)",
                if old == 1 { "" } else { "s" }
            );
        }
    }
    if matches!(emit.format, OutputFormat::Json) && !emit.quiet {
        // Files that could not be read at all are inputs with an error in the JSON report.
        for (path, message) in unreadable {
            report.inputs.push(gkecheck::report::InputReport {
                name: path.clone(),
                format: "unknown",
                error: Some(gkecheck::report::InputMessage {
                    message: message.clone(),
                    line: 1,
                    column: 1,
                    offset: 0,
                }),
                notes: Vec::new(),
            });
            report.summary.errors += 1;
        }
    }
    // The full output draws code frames from each input's text; for an input read in parts,
    // from the lines the report points at, read from it again.
    let with_frames;
    let sources = if matches!(emit.format, OutputFormat::Full) && !emit.quiet && !streams.is_empty()
    {
        with_frames = frame_sources(inputs, streams, &report);
        &with_frames[..]
    } else {
        inputs
    };
    let code = write_report(&report, sources, unreadable, options, emit, drafts.as_ref())?;
    // The process ends next: freeing a large report (and the model its remediation was
    // drafted from) piece by piece would only cost time.
    std::mem::forget(report);
    std::mem::forget(drafts);
    std::mem::forget(held);
    Ok((code, phases, started.elapsed()))
}

/// The inputs, and for each input read in parts the lines the full output frames, read from
/// it again, every other line left empty.
fn frame_sources(
    inputs: &[Input],
    streams: &mut [Stream],
    report: &gkecheck::report::Report,
) -> Vec<Input> {
    let mut sources = inputs.to_vec();
    for stream in streams.iter_mut() {
        let lines = render::framed_lines(report, &stream.name);
        match stream.lines_for_frames(&lines) {
            Ok(text) => sources.push(Input::new(stream.name.clone(), text)),
            Err(e) => eprintln!(
                "gkecheck: {}: code frames left out: cannot read it again: {e}",
                stream.name
            ),
        }
    }
    sources
}

/// The peak memory of this process (its high-water resident set), where the system says it.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The output's buffer: reports written as they are made go out in writes of this size, and a
/// text made whole (larger) goes out as it is, not copied into the buffer first (a megabyte
/// buffer held a second copy of a megabyte of text).
const OUTPUT_BUFFER: usize = 64 * 1024;

/// A writer through `fmt::Write` (the text outputs are made so), keeping the first error of
/// the writer beneath.
struct Lines<'w, W> {
    out: &'w mut W,
    error: Option<std::io::Error>,
}

impl<'w, W: std::io::Write> Lines<'w, W> {
    fn new(out: &'w mut W) -> Self {
        Lines { out, error: None }
    }

    /// What writing came to: the writer's own error, if it had one.
    fn result(self, done: std::fmt::Result) -> std::io::Result<()> {
        match (done, self.error) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(e)) => Err(e),
            (Err(_), None) => Err(std::io::Error::other("the output could not be made")),
        }
    }
}

impl<W: std::io::Write> std::fmt::Write for Lines<'_, W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// What an output is: text already made, the concise or full text made as it is written, or
/// the report itself as JSON (of version 1 or 2) serialised as it is written (no tree of
/// values, no copy in memory).
enum Written<'t> {
    Text(String),
    /// The default output, written as it is made.
    Concise(&'t render::TextOptions),
    /// The full text, with code frames from these inputs' texts, written as it is made.
    Full(&'t render::TextOptions, &'t [Input]),
    /// Report version 1 or 2, and the threads version 1's results may be written on.
    Report(u8, gkecheck::Threads),
    /// JUnit XML, written as it is made.
    Junit,
    /// Report version 1, each result's remediation drafted as it is written.
    Drafted(&'t gkecheck::Drafts<'t>),
}

impl Written<'_> {
    /// Writes the output to `out` (a buffered writer, named by its type: the text and JUnit
    /// writers make a call per piece, each a virtual call through `dyn Write` otherwise; the
    /// JSON writer gathers its pieces itself, `report::json`).
    fn write<W: std::io::Write>(
        &self,
        report: &gkecheck::report::Report,
        out: &mut W,
    ) -> std::io::Result<()> {
        match self {
            Written::Text(text) => out.write_all(text.as_bytes())?,
            Written::Concise(options) => {
                let mut lines = Lines::new(&mut *out);
                let done = render::concise_to(report, options, &mut lines);
                lines.result(done)?;
            }
            Written::Full(options, inputs) => {
                let mut lines = Lines::new(&mut *out);
                let done = render::full_to(report, inputs, options, &mut lines);
                lines.result(done)?;
            }
            Written::Drafted(drafts) => {
                let report = drafts.report_shared(report);
                gkecheck::report::json::to_writer_pretty(&mut *out, &report)
                    .map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
            }
            Written::Report(1, threads) => {
                let report = gkecheck::report_shared(report, *threads);
                gkecheck::report::json::to_writer_pretty(&mut *out, &report)
                    .map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
            }
            Written::Report(_, _) => {
                let compact = gkecheck::report::v2::ReportV2::of(report);
                gkecheck::report::json::to_writer(&mut *out, &compact)
                    .map_err(std::io::Error::from)?;
                // As with the report, the process ends next: its tables are not taken apart
                // (a text and a remediation entry per result, several hundred thousand in a
                // large report; a tenth of writing one).
                std::mem::forget(compact);
                out.write_all(b"\n")?;
            }
            Written::Junit => gkecheck::formats::junit_to(report, out)?,
        }
        out.flush()
    }
}

/// Prints the report in the chosen format; returns the exit code.
fn write_report(
    report: &gkecheck::report::Report,
    inputs: &[Input],
    unreadable: &[(String, String)],
    options: &Options,
    emit: &Emit,
    drafts: Option<&gkecheck::Drafts>,
) -> Result<u8, String> {
    let Emit {
        format,
        quiet,
        text,
        fail_on,
        output,
        ..
    } = *emit;
    if quiet {
        for i in report.inputs.iter() {
            if let Some(e) = &i.error {
                eprintln!("error: {}:{}:{}: {}", i.name, e.line, e.column, e.message);
            }
        }
    }
    // Files that could not be read at all: said on standard error, and in the JSON report as
    // inputs with an error.
    if quiet || !matches!(format, OutputFormat::Json) {
        for (path, message) in unreadable {
            eprintln!("error: {path}: {message}");
        }
    }
    let written = if quiet {
        None
    } else {
        Some(match format {
            // Drafts are kept for report version 1 only (`run_check`).
            OutputFormat::Json => match drafts {
                Some(drafts) => Written::Drafted(drafts),
                None => Written::Report(emit.report_version, options.threads),
            },
            OutputFormat::Script => Written::Text(gkecheck::script::script(report)),
            OutputFormat::Full => Written::Full(text, inputs),
            OutputFormat::Concise => Written::Concise(text),
            OutputFormat::Sarif => Written::Text(gkecheck::formats::sarif(
                report,
                inputs,
                options,
                env!("CARGO_PKG_VERSION"),
                emit.rule_docs,
            )),
            OutputFormat::Junit => Written::Junit,
            OutputFormat::Github => Written::Text(gkecheck::formats::github(report)),
            OutputFormat::Gitlab => Written::Text(gkecheck::formats::gitlab(report)),
        })
    };
    match (written, output) {
        (Some(written), Some(path)) => {
            let done = std::fs::File::create(path).and_then(|file| {
                written.write(
                    report,
                    &mut std::io::BufWriter::with_capacity(OUTPUT_BUFFER, file),
                )
            });
            if let Err(e) = done {
                eprintln!("error: cannot write {path}: {e}");
                return Ok(2);
            }
            out!("{}", render::summary_line(report));
        }
        (Some(written), None) => {
            let mut stdout =
                std::io::BufWriter::with_capacity(OUTPUT_BUFFER, std::io::stdout().lock());
            if let Err(e) = written.write(report, &mut stdout) {
                stdout_failed(e);
            }
        }
        (None, _) => out!("{}", render::summary_line(report)),
    }
    Ok(if unreadable.is_empty() {
        report.exit_code_at(fail_on) as u8
    } else {
        2
    })
}

/// Reads the files (and directories) named on the command line. Returns the inputs, and the
/// files that could not be read with why.
fn read_inputs(
    paths: &[String],
    var_files: Vec<String>,
    forced: Option<Format>,
    streaming: bool,
) -> (Vec<Input>, Vec<Stream>, Vec<(String, String)>) {
    let mut skipped = Vec::new();
    let mut files = Vec::new();
    // Directories already read, by their real path: a link back up the tree is read once.
    let mut seen = std::collections::HashSet::new();
    let mut too_many = Vec::new();
    for path in paths {
        if std::path::Path::new(path).is_dir() {
            walk(
                std::path::Path::new(path),
                &mut files,
                &mut skipped,
                &mut seen,
            );
            if files.len() >= MAX_FILES {
                too_many.push(path.clone());
            }
        } else {
            files.push((path.clone(), forced));
        }
    }
    files.extend(
        var_files
            .into_iter()
            .map(|f| (f, Some(Format::TerraformVars))),
    );
    for path in &skipped {
        eprintln!("gkecheck: skipped {path}: not a kind of file gkecheck reads");
    }
    let mut inputs = Vec::new();
    let mut unreadable: Vec<(String, String)> = too_many
        .into_iter()
        .map(|dir| {
            (
                dir,
                format!("expected at most {MAX_FILES} files to read (gkecheck's limit): the files past it were not checked; check a smaller directory"),
            )
        })
        .collect();
    let mut streams = Vec::new();
    for (path, format) in &files {
        let forced = streaming.then_some(*format);
        let text = if path == "-" {
            match read_stdin(forced) {
                Ok(Stdin::Spooled(file, format)) => {
                    streams.push(Stream {
                        name: "<stdin>".into(),
                        bytes: stream::Bytes::File(file),
                        format,
                    });
                    continue;
                }
                Ok(Stdin::Read(buf)) => Ok(buf),
                Err(e) => Err(e),
            }
        } else {
            match opened(path, forced) {
                Ok(Some((file, format))) => {
                    streams.push(Stream {
                        name: path.clone(),
                        bytes: stream::Bytes::File(file),
                        format,
                    });
                    continue;
                }
                Ok(None) => std::fs::read(path),
                Err(e) => Err(e),
            }
        };
        match text {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => inputs.push(Input {
                    name: if path == "-" {
                        "<stdin>".into()
                    } else {
                        path.clone()
                    },
                    text,
                    format: *format,
                }),
                Err(e) => unreadable.push((path.clone(), not_utf8(e.as_bytes(), e.utf8_error()))),
            },
            Err(e) => unreadable.push((path.clone(), format!("cannot read the file: {e}"))),
        }
    }
    (inputs, streams, unreadable)
}

/// Standard input: read, or (gcloud JSON or YAML over the page's limit, see `in_parts`) copied
/// to a file that is read in parts, so that memory follows the parts and not the input.
enum Stdin {
    Read(Vec<u8>),
    Spooled(std::fs::File, Format),
}

/// How an input of `len` bytes that starts with `head` is read in parts, if it is: only when
/// the command reads in parts (`streaming`: `Some`, with the kind --input-format forces), and
/// the input is gcloud JSON or YAML over the page's limit.
fn in_parts(streaming: Option<Option<Format>>, len: u64, head: &[u8]) -> Option<Format> {
    match streaming? {
        None => stream::streams(len, head),
        Some(format @ (Format::GcloudJson | Format::GcloudYaml))
            if len > gkecheck::input::MAX_INPUT_BYTES as u64 =>
        {
            Some(format)
        }
        Some(_) => None,
    }
}

fn read_stdin(streaming: Option<Option<Format>>) -> std::io::Result<Stdin> {
    use std::io::Write;
    let limit = gkecheck::input::MAX_INPUT_BYTES as u64;
    let mut stdin = std::io::stdin().lock();
    let mut buf = Vec::new();
    (&mut stdin).take(limit + 1).read_to_end(&mut buf)?;
    let head = &buf[..buf.len().min(stream::HEAD_BYTES)];
    let Some(format) = in_parts(streaming, buf.len() as u64, head) else {
        stdin.read_to_end(&mut buf)?;
        return Ok(Stdin::Read(buf));
    };
    let (mut file, path) = temp_file()?;
    // Gone from the directory at once where the system allows it; the open file stays.
    let removed = std::fs::remove_file(&path).is_ok();
    let copied = file
        .write_all(&buf)
        .and_then(|()| std::io::copy(&mut stdin, &mut file).map(drop));
    if !removed {
        // Removed when the process ends (a system that keeps open files in place).
        SPOOLED.lock().unwrap_or_else(|e| e.into_inner()).push(path);
    }
    copied?;
    Ok(Stdin::Spooled(file, format))
}

/// Spooled files still to remove when the process ends.
static SPOOLED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A new file in the system's temporary directory, readable and writable.
fn temp_file() -> std::io::Result<(std::fs::File, std::path::PathBuf)> {
    let dir = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for attempt in 0..100 {
        let path = dir.join(format!(
            "gkecheck-stdin-{}-{stamp}-{attempt}.json",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("cannot make a temporary file"))
}

/// A file read in parts (see `in_parts`), opened, with its kind.
fn opened(
    path: &str,
    streaming: Option<Option<Format>>,
) -> std::io::Result<Option<(std::fs::File, Format)>> {
    if streaming.is_none() {
        return Ok(None);
    }
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len <= gkecheck::input::MAX_INPUT_BYTES as u64 {
        return Ok(None);
    }
    let mut first = Vec::with_capacity(stream::HEAD_BYTES);
    (&mut file)
        .take(stream::HEAD_BYTES as u64)
        .read_to_end(&mut first)?;
    Ok(in_parts(streaming, len, &first).map(|format| (file, format)))
}

/// Why bytes are not text gkecheck reads: UTF-16 named as such, with how to convert it.
fn not_utf8(bytes: &[u8], e: std::str::Utf8Error) -> String {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 {
        "expected UTF-8 text, found UTF-16 (it starts with a UTF-16 byte-order mark, as Windows PowerShell's `>` writes): convert it first, e.g. `iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8`, or in PowerShell `Out-File -Encoding utf8`".into()
    } else {
        format!(
            "expected UTF-8 text, found an invalid byte at offset {}",
            e.valid_up_to()
        )
    }
}

/// The most files one check reads from directories.
const MAX_FILES: usize = 10_000;

/// What `terraform init` downloaded into `.terraform/modules`, as Terraform reads it: the
/// manifest (`modules.json`) and the `.tf` files of each directory it lists there, nothing else
/// (a downloaded repository also holds examples and test data, which are not the module).
fn downloaded_modules(dot_terraform: &std::path::Path, files: &mut Vec<(String, Option<Format>)>) {
    let manifest = dot_terraform.join("modules").join("modules.json");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return;
    };
    files.push((manifest.display().to_string(), None));
    let Some(root) = dot_terraform.parent() else {
        return;
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        // The check reports the manifest's error, with its place.
        return;
    };
    let mut dirs: Vec<String> = doc
        .get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("Dir")?.as_str())
        .map(|d| d.replace('\\', "/"))
        .filter(|d| d.starts_with(".terraform/"))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        let mut tf: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tf"))
            .collect();
        tf.sort();
        for path in tf {
            if files.len() >= MAX_FILES {
                return;
            }
            files.push((path.display().to_string(), None));
        }
    }
}

/// Collects the files below `dir` that gkecheck reads, in name order. A directory reached
/// again through a link (a loop, or two links to one place) is read once; a file reached twice
/// the same way is read once too.
fn walk(
    dir: &std::path::Path,
    files: &mut Vec<(String, Option<Format>)>,
    skipped: &mut Vec<String>,
    seen: &mut std::collections::HashSet<std::path::PathBuf>,
) {
    match std::fs::canonicalize(dir) {
        Ok(real) if !seen.insert(real.clone()) => {
            eprintln!(
                "gkecheck: skipped {}: it is {} again, read already",
                dir.display(),
                real.display()
            );
            return;
        }
        _ => {}
    }
    if files.len() >= MAX_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        files.push((dir.display().to_string(), None));
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name == ".terraform" && path.is_dir() {
            downloaded_modules(&path, files);
            continue;
        }
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, skipped, seen);
            continue;
        }
        if files.len() >= MAX_FILES {
            return;
        }
        // A file reached through a link to one read already is not read again.
        if path.is_symlink() {
            if let Ok(real) = std::fs::canonicalize(&path) {
                if !seen.insert(real) {
                    continue;
                }
            }
        }
        let shown = path.display().to_string();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tf") || lower == "terraform.tfvars" || lower.ends_with(".auto.tfvars")
        {
            files.push((shown, None));
        } else if [".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".txt"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            // Only files that look like gcloud output or a plan: a configuration repository
            // holds other JSON and YAML too.
            // Its first megabyte is enough to tell (and an export can be gigabytes).
            let mut head = Vec::new();
            if let Ok(file) = std::fs::File::open(&path) {
                let _ =
                    std::io::Read::read_to_end(&mut std::io::Read::take(file, 1 << 20), &mut head);
            }
            // (Bytes that are not UTF-8 made U+FFFD; a character the megabyte cuts through
            // is left out.)
            let text = match std::str::from_utf8(&head) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(e) if head.len() - e.valid_up_to() < 4 && e.error_len().is_none() => {
                    std::borrow::Cow::Borrowed(
                        std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
                    )
                }
                Err(_) => String::from_utf8_lossy(&head),
            };
            const MARKERS: &[&str] = &[
                "nodePools",
                "node_pools",
                "workloadMetadataConfig",
                "planned_values",
                "container.googleapis.com",
                "currentMasterVersion",
                "\"bindings\"",
                "\nbindings:",
            ];
            if MARKERS.iter().any(|m| text.contains(m)) || gkecheck::input::starts_like_plan(&text)
            {
                files.push((shown, None));
            } else {
                skipped.push(shown);
            }
        }
    }
}

/// Today's date (UTC), for waivers with an end date.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    gkecheck::waiver::date_from_days((secs / 86_400) as i64)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    ignore: Vec<gkecheck::waiver::ConfigWaiver>,
}

/// The `[[ignore]]` entries of `--config FILE`, or of the first `.gkecheck.toml` found in the
/// inputs' directories or above them.
fn waivers(
    config: Option<&str>,
    paths: &[String],
) -> Result<Vec<gkecheck::waiver::ConfigWaiver>, String> {
    let file = match config {
        Some(f) => Some(std::path::PathBuf::from(f)),
        None => paths
            .iter()
            .map(|p| {
                let p = std::path::Path::new(p);
                let start = if p.is_dir() {
                    p.to_path_buf()
                } else {
                    p.parent().map(|d| d.to_path_buf()).unwrap_or_default()
                };
                if p.as_os_str() == "-" || start.as_os_str().is_empty() {
                    std::path::PathBuf::from(".")
                } else {
                    start
                }
            })
            .find_map(|dir| {
                let dir = std::fs::canonicalize(dir).ok()?;
                dir.ancestors()
                    .map(|d| d.join(".gkecheck.toml"))
                    .find(|f| f.is_file())
            }),
    };
    let Some(file) = file else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let parsed: ConfigFile = toml::from_str(&text).map_err(|e| {
        format!(
            "{}: expected [[ignore]] entries with rule, resource, reason and until: {e}",
            file.display()
        )
    })?;
    Ok(parsed.ignore)
}
