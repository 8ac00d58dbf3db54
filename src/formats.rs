//! The report in the formats CI systems read: SARIF 2.1.0 (code scanning), JUnit XML (test
//! tabs), GitHub Actions workflow commands (annotations) and GitLab's Code Quality report. Each
//! is written from the same report the other outputs print, and is the same bytes for the same
//! input, run after run: no times, no absolute paths that the input did not give.

use serde_json::{json, Value};

use crate::report::{Finding, Report, Severity, Status};
use crate::rules::{Rule, RULES};

/// An input's name as a relative URI reference (or `file://` for an absolute path): `/`
/// between parts, and what a URI cannot hold percent-encoded.
fn uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let mut out = String::new();
    if name.starts_with('/') {
        out.push_str("file://");
    } else if name.len() > 2 && name.as_bytes()[1] == b':' {
        // C:/path on Windows.
        out.push_str("file:///");
    }
    for b in name.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b'+'
            | b'=' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Whether a result came from standard input, which has no file to point at.
fn from_stdin(r: &Finding) -> bool {
    &*r.location.input == "<stdin>"
}

fn rule_of(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// GitHub's `security-severity`: a CVSS-like score that sorts findings into its own levels
/// (critical at 9.0 and over, high from 7.0, medium from 4.0, low below).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// What a finding says, with why an unknown one could not be judged.
fn text(r: &Finding) -> String {
    match r.status {
        Status::Unknown => format!("Could not be judged: {}", r.message),
        _ => r.message.to_string(),
    }
}

/// At most this many failing findings get a SARIF fix: each is made and checked again on its
/// own, which costs a check per finding.
pub const MAX_SARIF_FIXES: usize = 100;

/// The Terraform fixes of failing findings, by `RULE:ADDRESS`: what `gkecheck fix` would do for
/// that finding alone (with what it needs), as replacements in each file it changes, with what
/// it changes and costs.
fn terraform_fixes(
    report: &Report,
    inputs: &[crate::Input],
    options: &crate::Options,
) -> std::collections::HashMap<String, Value> {
    use crate::autofix::{fix_with, FixOptions};
    let mut out = std::collections::HashMap::new();
    let failing: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail && r.resource.address.contains('.'))
        .map(|r| format!("{}:{}", r.rule, r.resource.address))
        .take(MAX_SARIF_FIXES)
        .collect();
    if failing.is_empty() {
        return out;
    }
    // Which of them have a fix that can be made at all.
    let all = FixOptions {
        unsafe_fixes: true,
        only: None,
    };
    let plan = fix_with(inputs, options, &all);
    type Fixable<'p> = (
        &'p str,
        &'static str,
        crate::report::Applicability,
        &'p [String],
    );
    let fixable: Vec<Fixable> = plan
        .applied
        .iter()
        .map(|a| (a.id.as_str(), a.consequence, a.applicability, &a.needs[..]))
        .chain(
            plan.left_out
                .iter()
                .filter(|l| l.applicability != crate::report::Applicability::DisplayOnly)
                .map(|l| (l.id.as_str(), l.consequence, l.applicability, &l.needs[..])),
        )
        .collect();
    for id in failing {
        let Some(&(_, consequence, applicability, _)) = fixable.iter().find(|f| f.0 == id) else {
            continue;
        };
        // The fix with what it needs (the cluster's Workload Identity for a pool's mode, ...).
        let mut with = vec![id.clone()];
        let mut k = 0;
        while k < with.len() {
            if let Some(f) = fixable.iter().find(|f| f.0 == with[k]) {
                for need in f.3 {
                    if !with.contains(need) {
                        with.push(need.clone());
                    }
                }
            }
            k += 1;
        }
        let one = FixOptions {
            unsafe_fixes: true,
            only: Some(with),
        };
        let made = fix_with(inputs, options, &one);
        let Some(applied) = made.applied.iter().find(|a| a.id == id) else {
            continue;
        };
        let changes: Vec<Value> = made
            .files
            .iter()
            .filter_map(|f| {
                let before = &inputs.iter().find(|i| i.name == f.name)?.text;
                let replacements: Vec<Value> = crate::autofix::replacements(before, &f.text)
                    .into_iter()
                    .map(|(offset, length, text)| {
                        json!({
                            "deletedRegion": {"byteOffset": offset, "byteLength": length},
                            "insertedContent": {"text": text},
                        })
                    })
                    .collect();
                Some(json!({
                    "artifactLocation": {"uri": uri(&f.name)},
                    "replacements": replacements,
                }))
            })
            .collect();
        if changes.is_empty() {
            continue;
        }
        let with = if made.applied.len() > 1 {
            format!(
                " It comes with {}.",
                made.applied
                    .iter()
                    .filter(|a| a.id != id)
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        out.insert(
            id,
            json!({
                "description": {"text": format!(
                    "{}. {}: {}{with}",
                    applied.what,
                    if applicability == crate::report::Applicability::Safe {
                        "Safe (`gkecheck fix` applies it)"
                    } else {
                        "Unsafe (only `gkecheck fix --unsafe-fixes` applies it)"
                    },
                    consequence
                )},
                "artifactChanges": changes,
            }),
        );
    }
    out
}

/// Checks `--rule-docs-url`: an absolute http(s) address holding `{rule}`, with nothing a URI
/// cannot hold as it is.
pub fn rule_docs_url(template: &str) -> Result<String, String> {
    let fits = (template.starts_with("https://") || template.starts_with("http://"))
        && template.contains("{rule}")
        && template.len() <= 2000
        && !template
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'));
    if fits {
        Ok(template.to_string())
    } else {
        Err(format!(
            "expected an http(s) address with {{rule}} where the rule id goes (such as https://example.com/gkecheck/docs/rules/{{rule}}.md), found {}",
            crate::span::quote(&format!("{template:?}"))
        ))
    }
}

/// SARIF 2.1.0: one run, the rules that have results as `tool.driver.rules`, a result for each
/// failing, unknown and waived finding (waived ones with their suppression), and for failing
/// Terraform findings the fix `gkecheck fix` makes, as replacements (see `MAX_SARIF_FIXES`).
///
/// `rule_docs`, where given, is the address of each rule's documentation with `{rule}` for its
/// id (see [`rule_docs_url`]): each rule's `helpUri`.
pub fn sarif(
    report: &Report,
    inputs: &[crate::Input],
    options: &crate::Options,
    version: &str,
    rule_docs: Option<&str>,
) -> String {
    let fixes = terraform_fixes(report, inputs, options);
    let shown: Vec<&Finding> = report
        .results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .collect();
    let mut ids: Vec<&str> = shown.iter().map(|r| r.rule).collect();
    ids.sort_unstable();
    ids.dedup();
    let rules: Vec<Value> = ids
        .iter()
        .filter_map(|id| rule_of(id))
        .map(|rule| {
            let mut tags = vec!["security".to_string(), rule.category.to_string()];
            tags.extend(rule.cis.iter().map(|(v, n)| format!("CIS-GKE-{v}-{n}")));
            let mut descriptor = json!({
                "id": rule.id,
                "name": rule.name,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.what},
                "help": {
                    "text": format!("{}\n\nWhy: {}\n\nFix: {}", rule.what, rule.why, rule.fix),
                    "markdown": format!("**{}**\n\n{}\n\n**Why it matters.** {}\n\n**How to fix.** {}\n\nFix applicability: {}. {}", rule.title, rule.what, rule.why, rule.fix, rule.fix_applicability.as_str(), rule.fix_cost),
                },
                "defaultConfiguration": {"level": sarif_level(rule.severity)},
                "properties": {
                    "security-severity": security_severity(rule.severity),
                    "precision": "very-high",
                    "tags": tags,
                },
            });
            if let Some(template) = rule_docs {
                descriptor["helpUri"] = template.replace("{rule}", rule.id).into();
            }
            descriptor
        })
        .collect();
    // Each result is written as it is made (an organization's export has a hundred thousand):
    // never a tree of all of them.
    let result_of = |r: &&Finding| {
        let mut location = json!({
            "logicalLocations": [{
                "fullyQualifiedName": r.resource.address,
                "name": r.resource.name,
                "kind": "resource",
            }],
        });
        if !from_stdin(r) {
            location["physicalLocation"] = json!({
                "artifactLocation": {"uri": uri(&r.location.input)},
                "region": {
                    "startLine": r.location.line,
                    "startColumn": r.location.column,
                    "endLine": r.location.end_line,
                    "endColumn": r.location.end_column,
                },
            });
        }
        let mut result = json!({
            "ruleId": r.rule,
            "ruleIndex": ids.iter().position(|id| *id == r.rule).unwrap_or(0),
            "kind": if r.status == Status::Unknown { "review" } else { "fail" },
            "level": sarif_level(r.severity),
            "message": {"text": text(r)},
            "locations": [location],
            "partialFingerprints": {"gkecheckFinding/v1": r.fingerprint()},
            "properties": {
                "status": r.status.as_str(),
                "severity": r.severity.as_str(),
                "resourceKind": r.resource.kind,
            },
        });
        if let Some(cluster) = &r.resource.cluster {
            result["properties"]["cluster"] = json!(cluster);
        }
        if let Some(fix) = fixes.get(&format!("{}:{}", r.rule, r.resource.address)) {
            result["fixes"] = json!([fix]);
        }
        if let Some(s) = &r.suppression {
            let in_source = s.location.is_some();
            let mut suppression = json!({
                "kind": if in_source { "inSource" } else { "external" },
                "status": "accepted",
                "justification": match &s.until {
                    Some(until) => format!("{} (until {until}; {})", s.reason, s.source),
                    None => format!("{} ({})", s.reason, s.source),
                },
            });
            if let Some(at) = &s.location {
                suppression["location"] = json!({
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&at.input)},
                        "region": {"startLine": at.line, "startColumn": at.column},
                    },
                });
            }
            result["suppressions"] = json!([suppression]);
        }
        result
    };
    // Inputs that could not be read: the run's notifications, each at its place.
    let notifications: Vec<Value> = report
        .inputs
        .iter()
        .filter_map(|i| i.error.as_ref().map(|e| (i, e)))
        .map(|(i, e)| {
            let mut n = json!({
                "level": "error",
                "message": {"text": e.message},
                "descriptor": {"id": "input-error"},
            });
            if i.name != "<stdin>" {
                n["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&i.name)},
                        "region": {"startLine": e.line, "startColumn": e.column},
                    },
                }]);
            }
            n
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gkecheck",
                "version": version,
                "semanticVersion": version,
                "rules": rules,
            }},
            // Columns count characters, as the rest of the report does.
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": RESULTS_HERE,
        }],
    });
    let skeleton = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let here = serde_json::to_string(RESULTS_HERE).unwrap_or_default();
    let Some(at) = skeleton.find(&here) else {
        return skeleton + "\n";
    };
    // The results as the whole tree would print them: one level deeper than their key.
    let key_indent = skeleton[..at]
        .rsplit('\n')
        .next()
        .map_or(0, |line| line.len() - line.trim_start().len());
    let mut out = String::with_capacity(skeleton.len() + shown.len() * 1_500);
    out.push_str(&skeleton[..at]);
    pretty_list(&mut out, key_indent, shown.iter().map(result_of));
    out.push_str(&skeleton[at + here.len()..]);
    out.push('\n');
    out
}

/// `items` written as `serde_json::to_string_pretty` writes a list whose line is indented
/// `indent` spaces, one item at a time: no tree of every item is held (an organization's
/// export gives a hundred thousand). Each item's own lines are indented one level more (a JSON
/// string holds no line break, so lines are the printer's own).
fn pretty_list(out: &mut String, indent: usize, items: impl Iterator<Item = Value>) {
    let inner = " ".repeat(indent + 2);
    let mut empty = true;
    for item in items {
        out.push_str(if empty { "[\n" } else { ",\n" });
        empty = false;
        let text = serde_json::to_string_pretty(&item).unwrap_or_default();
        for (j, line) in text.split('\n').enumerate() {
            if j > 0 {
                out.push('\n');
            }
            out.push_str(&inner);
            out.push_str(line);
        }
    }
    if empty {
        out.push_str("[]");
    } else {
        out.push('\n');
        out.push_str(&inner[2..]);
        out.push(']');
    }
}

/// Where the results go in the SARIF skeleton (a string no input can make).
const RESULTS_HERE: &str = "\u{0}gkecheck results\u{0}";

/// Text for XML: `&`, `<`, `>`, quotes escaped; characters XML 1.0 cannot hold left out.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: a test suite per rule, a test case per resource it judged. A failure is a
/// `<failure>` with the message and place; an unknown result an `<error>` (it could not be
/// judged); a waived one `<skipped>` with the waiver's reason.
pub fn junit(report: &Report) -> String {
    let mut out = Vec::new();
    junit_to(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the report's texts are UTF-8")
}

/// [`junit`], written to `out` as it is made: JUnit lists every passing result, and the XML of
/// an organization's export is a few hundred megabytes the command line need not hold.
pub fn junit_to<W: std::io::Write>(report: &Report, out: &mut W) -> std::io::Result<()> {
    let mut ids: Vec<&str> = report.results.iter().map(|r| r.rule).collect();
    ids.sort_unstable();
    ids.dedup();
    let count = |s: Status| report.results.iter().filter(|r| r.status == s).count();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gkecheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        report.results.len(),
        count(Status::Fail),
        count(Status::Unknown),
        count(Status::Suppressed)
    )?;
    for id in ids {
        let mut cases: Vec<&Finding> = report.results.iter().filter(|r| r.rule == id).collect();
        cases.sort_by(|a, b| {
            (&a.location.input, a.location.offset, &a.resource.address).cmp(&(
                &b.location.input,
                b.location.offset,
                &b.resource.address,
            ))
        });
        let of = |s: Status| cases.iter().filter(|r| r.status == s).count();
        let title = rule_of(id).map_or("", |r| r.title);
        writeln!(
            out,
            "  <testsuite name=\"{id} {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml(cases.first().map_or("", |r| r.name)),
            cases.len(),
            of(Status::Fail),
            of(Status::Unknown),
            of(Status::Suppressed)
        )?;
        for r in cases {
            write!(
                out,
                "    <testcase classname=\"{id}\" name=\"{}\" file=\"{}\" line=\"{}\">",
                xml(&r.resource.address),
                xml(&r.location.input),
                r.location.line
            )?;
            let body = || {
                format!(
                    "{}:{}:{}: {}\n{}",
                    r.location.input,
                    r.location.line,
                    r.location.column,
                    text(r),
                    title
                )
            };
            match r.status {
                Status::Pass => {}
                Status::Fail => write!(
                    out,
                    "\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    ",
                    xml(&r.message),
                    r.severity.as_str(),
                    xml(&body())
                )?,
                Status::Unknown => write!(
                    out,
                    "\n      <error message=\"{}\" type=\"unknown\">{}</error>\n    ",
                    xml(&text(r)),
                    xml(&body())
                )?,
                Status::Suppressed => {
                    let why = r.suppression.as_ref().map_or(String::new(), |s| {
                        format!("waived by {}: {}", s.source, s.reason)
                    });
                    write!(out, "\n      <skipped message=\"{}\"/>\n    ", xml(&why))?;
                }
            }
            out.write_all(b"</testcase>\n")?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    out.write_all(b"</testsuites>\n")
}

/// A workflow command's data: `%`, CR and LF escaped.
fn command_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn command_property(text: &str) -> String {
    command_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: an annotation for each failing and unknown finding,
/// `::error` for critical, high and medium failures, `::warning` for low ones and for unknown
/// results, worst first (the report's ranking).
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for r in report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Unknown))
    {
        let command = match (r.status, r.severity) {
            (Status::Fail, Severity::Critical | Severity::High | Severity::Medium) => "error",
            _ => "warning",
        };
        let title = format!(
            "{} [{}] {} {}",
            r.rule,
            r.severity.as_str(),
            if r.resource.kind == "cluster" {
                "cluster"
            } else {
                "node pool"
            },
            r.resource.name
        );
        let mut props = Vec::new();
        if !from_stdin(r) {
            props.push(format!("file={}", command_property(&r.location.input)));
            props.push(format!("line={}", r.location.line));
            props.push(format!("col={}", r.location.column));
            props.push(format!("endLine={}", r.location.end_line));
            if r.location.end_line == r.location.line {
                props.push(format!("endColumn={}", r.location.end_column));
            }
        }
        props.push(format!("title={}", command_property(&title)));
        out.push_str(&format!(
            "::{command} {}::{} ({})\n",
            props.join(","),
            command_data(&text(r)),
            command_data(&r.resource.address)
        ));
    }
    out
}

/// GitLab's Code Quality report: an issue for each failing and unknown finding.
pub fn gitlab(report: &Report) -> String {
    let issues = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Unknown))
        .map(|r| {
            let severity = match (r.status, r.severity) {
                (Status::Unknown, _) => "info",
                (_, Severity::Critical) => "blocker",
                (_, Severity::High) => "critical",
                (_, Severity::Medium) => "major",
                (_, Severity::Low) => "minor",
            };
            json!({
                "type": "issue",
                "check_name": format!("{} {}", r.rule, r.name),
                "description": format!("{}: {} ({})", r.rule, text(r), r.resource.address),
                "categories": ["Security"],
                "severity": severity,
                "fingerprint": r.fingerprint(),
                "location": {
                    "path": r.location.input.replace('\\', "/"),
                    "lines": {"begin": r.location.line, "end": r.location.end_line},
                },
            })
        });
    let mut out = String::new();
    pretty_list(&mut out, 0, issues);
    out.push('\n');
    out
}
