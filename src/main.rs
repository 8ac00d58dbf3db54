//! The gkecheck command line: a thin shell over `gkecheck::check`.

use std::io::Read;
use std::process::ExitCode;

use gkecheck::input::Format;
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
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("gkecheck: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

macro_rules! out {
    ($($arg:tt)*) => { write_out(&format!($($arg)*)) };
}

macro_rules! outln {
    ($($arg:tt)*) => { write_out(&(format!($($arg)*) + "\n")) };
}

const HELP: &str =
    "gkecheck: finds GKE node pools that leak the node's credentials, and the other GKE hardening\nsettings left open (GKE001-GKE033: `gkecheck rules` lists them), and says how to fix them.

Usage:
  gkecheck check [--format text|json] [--input-format KIND] [--var-file FILE]... [PATH|DIR|-]...
  gkecheck fix [--diff] [--input-format KIND] [--var-file FILE]... PATH|DIR...
  gkecheck rules [--format json]
  gkecheck explain RULE
  gkecheck --help | --version

check
  Reads each PATH (a file, or - for standard input; no PATH means standard input) and checks
  them together: a node pool in one file is joined to its cluster in another. A DIR is read
  with everything below it: .tf files, terraform.tfvars and *.auto.tfvars, and .json, .yaml,
  .yml and .txt files that hold gcloud output or a plan (others are skipped, and listed on
  standard error). Hidden directories (.terraform) are skipped. Terraform files in the same
  directory are evaluated as one module, with the variable values of the .tfvars files there
  and the arguments of a local module call (source = \"./modules/x\"). The input kind is told
  from the file name and text unless --input-format says it.

  --var-file FILE  variable values (.tfvars) for every root module, like terraform -var-file
  --config FILE    waivers for any input, as [[ignore]] entries (rule, resource, reason, until);
                   without it, the first .gkecheck.toml in the inputs' directories or above
  --select RULES   only these rules (ids or names, comma-separated); --ignore RULES: not these
  --severity RULE=LEVEL  report RULE at LEVEL (critical, high, medium, low) instead
  --fail-on LEVEL  exit 1 only for failures at LEVEL or more severe (default: any failure)
  --no-peer-waivers  ignore waivers written for other tools (#checkov:skip=, #tfsec:ignore:,
                   #trivy:ignore:); gkecheck's own (# gkecheck:ignore RULE reason until=DATE) stay

  Waived results have the status suppressed and do not fail the run; an expired waiver fails
  with its own message, and a waiver that matches nothing is reported.

  Inputs: `gcloud container clusters describe|list` and `gcloud container node-pools
  describe|list` output in YAML or JSON, also pasted from a terminal with prompts and messages;
  the API's {\"clusters\": [...]} / {\"nodePools\": [...]}; Cloud Asset Inventory exports;
  a project's IAM policy (`gcloud projects get-iam-policy PROJECT_ID`) beside the clusters;
  Terraform (.tf); Terraform plans (`terraform show -json`).

  --input-format  auto (default), gcloud-json, gcloud-yaml, terminal, terraform, terraform-plan,
                  terraform-vars

  --format text   findings with a code frame and the fix (default)
  --format json   the versioned report (see the README), the same object the web page renders
  --format script a shell script with the gcloud fix commands, in order (Workload Identity on
                  the cluster, then each pool, then how to verify), warnings as comments

fix
  Edits Terraform files in place so that failing checks pass: adds or changes
  workload_metadata_config { mode = \"GKE_METADATA\" } in the right node_config (a pool, an
  inline pool, the default pool) and workload_identity_config { workload_pool = ... } in the
  cluster, built from the project the configuration names (never invented); the default of a
  variable the mode comes from; provider 3 attributes where the module pins provider >= 4;
  enable_legacy_abac = false (GKE008), issue_client_certificate = false (GKE010), and the
  single-attribute settings of GKE004, GKE016-GKE022, GKE024-GKE026, GKE028 and GKE029.
  Everything else stays byte for byte. Each fix says what it does and its consequence (the
  pool's nodes are recreated). What cannot be fixed safely (a dynamic block, a value from an
  expression, gcloud output) is listed with the reason. --diff prints a unified diff instead of
  writing. Exit status: 0 when everything was fixed, 1 when something was not, 2 when an input
  cannot be read.

check exit status: 0 when nothing fails, 1 when a check fails, 2 when an input cannot be read or
parsed (the other inputs are still checked and reported), 64 for a usage error.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("gkecheck: {message}\nRun `gkecheck --help` for usage.");
            ExitCode::from(64)
        }
    }
}

fn run(args: &[String]) -> Result<u8, String> {
    match args.first().map(String::as_str) {
        None | Some("--help" | "-h" | "help") => {
            out!("{HELP}");
            Ok(0)
        }
        Some("--version" | "-V") => {
            outln!("gkecheck {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
        Some("rules") => match (
            args.get(1).map(String::as_str),
            args.get(2).map(String::as_str),
        ) {
            (None, _) => {
                for rule in rules::RULES {
                    outln!(
                        "{}  {:<36} {:<8} {:<15} {}",
                        rule.id,
                        rule.name,
                        rule.severity.as_str(),
                        rule.category,
                        rule.title
                    );
                }
                Ok(0)
            }
            (Some("--format=json"), _) | (Some("--format"), Some("json")) => {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&rules_json()).map_err(|e| e.to_string())?
                );
                Ok(0)
            }
            (Some("--markdown"), Some(dir)) => {
                let dir = std::path::Path::new(dir);
                let write = |file: String, text: String| {
                    std::fs::write(dir.join(&file), text).map_err(|e| format!("{file}: {e}"))
                };
                write("README.md".into(), render::rules_index())?;
                for rule in rules::RULES {
                    write(format!("{}.md", rule.id), render::rule_doc(rule))?;
                }
                Ok(0)
            }
            (Some(other), _) => Err(format!("rules takes --format json, not {other:?}")),
        },
        Some("explain") => {
            let id = args
                .get(1)
                .ok_or("explain needs a rule id or name, such as GKE001")?;
            let rule = rules::find(id)
                .ok_or_else(|| format!("no rule is called {id:?}; `gkecheck rules` lists them"))?;
            out!("{}", render::rule_doc(rule));
            Ok(0)
        }
        Some("check") => run_check(&args[1..]),
        Some("fix") => run_check(args),
        Some(other) => Err(format!(
            "unknown command {other:?}; expected `check`, `fix`, `rules` or `explain`"
        )),
    }
}

/// `gkecheck fix`: writes the fixes into the Terraform files, or prints them as a diff.
fn run_fix(
    inputs: &[Input],
    unreadable: &[(String, String)],
    diff: bool,
    options: &Options,
) -> Result<u8, String> {
    for (path, message) in unreadable {
        eprintln!("error: {path}: {message}");
    }
    let report = gkecheck::autofix::fix(inputs, options);
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
            "{verb} {}:{} {} {}: {}",
            a.input, a.line, a.rule, a.address, a.what
        );
        eprintln!("  Consequence: {}", a.consequence);
    }
    for s in &report.skipped {
        eprintln!("Not fixed {} {}: {}", s.rule, s.address, s.reason);
    }
    eprintln!(
        "{} fix{} {} {} file{}; {} not fixed",
        report.applied.len(),
        if report.applied.len() == 1 { "" } else { "es" },
        if diff { "would change" } else { "changed" },
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
        report.skipped.len()
    );
    Ok(if !unreadable.is_empty() || checked.summary.errors > 0 {
        2
    } else if report.skipped.is_empty() {
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
                "title": r.title,
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

fn run_check(args: &[String]) -> Result<u8, String> {
    let mut json = false;
    let mut script = false;
    let mut diff = false;
    let fixing = args.first().map(String::as_str) == Some("fix");
    let args = if fixing { &args[1..] } else { args };
    let mut forced: Option<Format> = None;
    let mut config: Option<String> = None;
    let mut select = Vec::new();
    let mut ignore = Vec::new();
    let mut severity = Vec::new();
    let mut fail_on = None;
    let mut no_peer_waivers = false;
    let mut paths = Vec::new();
    let mut var_files = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--format" => match value("--format")?.as_str() {
                "json" => (json, script) = (true, false),
                "text" => (json, script) = (false, false),
                "script" => (json, script) = (false, true),
                other => {
                    return Err(format!(
                        "--format takes text, json or script, not {other:?}"
                    ))
                }
            },
            "--input-format" => {
                let v = value("--input-format")?;
                forced = match v.as_str() {
                    "auto" => None,
                    name => Some(Format::parse(name).ok_or_else(|| {
                        format!("--input-format takes auto, gcloud-json, gcloud-yaml, terminal, terraform, terraform-plan or terraform-vars, not {name:?}")
                    })?),
                };
            }
            "--var-file" => var_files.push(value("--var-file")?),
            "--config" => config = Some(value("--config")?),
            "--select" | "--ignore" => {
                let list = value(flag)?;
                for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    rules::find(name).ok_or_else(|| {
                        format!("{flag}: no rule is called {name:?}; `gkecheck rules` lists them")
                    })?;
                    if flag == "--select" {
                        select.push(name.to_string())
                    } else {
                        ignore.push(name.to_string())
                    }
                }
            }
            "--severity" => {
                let v = value("--severity")?;
                let (name, level) = v
                    .split_once('=')
                    .ok_or("--severity takes RULE=LEVEL, such as GKE002=medium")?;
                rules::find(name)
                    .ok_or_else(|| format!("--severity: no rule is called {name:?}"))?;
                let level = gkecheck::report::Severity::parse(level).ok_or_else(|| {
                    format!("--severity: {level:?} is not critical, high, medium or low")
                })?;
                severity.push((name.to_string(), level));
            }
            "--fail-on" => {
                let v = value("--fail-on")?;
                fail_on = Some(gkecheck::report::Severity::parse(&v).ok_or_else(|| {
                    format!("--fail-on takes critical, high, medium or low, not {v:?}")
                })?);
            }
            "--no-peer-waivers" => no_peer_waivers = true,
            "--diff" if fixing => diff = true,
            "--help" | "-h" => {
                out!("{HELP}");
                return Ok(0);
            }
            _ if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => paths.push(arg.clone()),
        }
    }
    if paths.is_empty() && var_files.is_empty() {
        paths.push("-".into());
    }
    let (inputs, unreadable) = read_inputs(&paths, var_files, forced);
    if inputs.is_empty() && unreadable.is_empty() {
        return Err("no input to check (the directories hold no file gkecheck reads)".into());
    }
    let options = Options {
        today: Some(today()),
        no_peer_waivers,
        waivers: waivers(config.as_deref(), &paths)?,
        select,
        ignore,
        severity,
    };
    if fixing {
        return run_fix(&inputs, &unreadable, diff, &options);
    }
    let report = check(&inputs, &options);
    if script {
        for (path, message) in &unreadable {
            eprintln!("error: {path}: {message}");
        }
        out!("{}", render::script(&report));
    } else if json {
        let mut value = serde_json::to_value(&report).map_err(|e| e.to_string())?;
        // Files that could not be read at all are inputs with an error too.
        if let Some(list) = value["inputs"].as_array_mut() {
            for (path, message) in &unreadable {
                list.push(serde_json::json!({
                    "name": path,
                    "format": "unknown",
                    "error": {"message": message, "line": 1, "column": 1, "offset": 0},
                }));
            }
        }
        if !unreadable.is_empty() {
            value["summary"]["errors"] = (report.summary.errors + unreadable.len()).into();
        }
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
        );
    } else {
        for (path, message) in &unreadable {
            eprintln!("error: {path}: {message}");
        }
        out!("{}", render::text(&report, &inputs));
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
) -> (Vec<Input>, Vec<(String, String)>) {
    let mut skipped = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        if std::path::Path::new(path).is_dir() {
            walk(std::path::Path::new(path), &mut files, &mut skipped);
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
    let mut unreadable = Vec::new();
    for (path, format) in &files {
        let text = if path == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map(|_| buf)
        } else {
            std::fs::read(path)
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
                Err(e) => unreadable.push((
                    path.clone(),
                    format!(
                        "expected UTF-8 text, found an invalid byte at offset {}",
                        e.utf8_error().valid_up_to()
                    ),
                )),
            },
            Err(e) => unreadable.push((path.clone(), format!("cannot read the file: {e}"))),
        }
    }
    (inputs, unreadable)
}

/// Collects the files below `dir` that gkecheck reads, in name order.
fn walk(
    dir: &std::path::Path,
    files: &mut Vec<(String, Option<Format>)>,
    skipped: &mut Vec<String>,
) {
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
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, skipped);
            continue;
        }
        let shown = path.display().to_string();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tf") || lower == "terraform.tfvars" || lower.ends_with(".auto.tfvars")
        {
            files.push((shown, None));
        } else if [".json", ".yaml", ".yml", ".txt"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            // Only files that look like gcloud output or a plan: a configuration repository
            // holds other JSON and YAML too.
            let text = std::fs::read(&path).unwrap_or_default();
            let text = String::from_utf8_lossy(&text[..text.len().min(1 << 20)]);
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
            if MARKERS.iter().any(|m| text.contains(m)) {
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
