//! The report as text for a terminal, with a code frame at each finding.

use std::fmt::Write;

use crate::report::{Finding, Report, Status, Step};
use crate::span::LineIndex;
use crate::Input;

/// The widest part of a source line shown in a code frame.
const FRAME_WIDTH: usize = 100;

/// Renders the report. Passing results get one line each; failing and unknown ones get the
/// place, the explanation and the fix.
pub fn text(report: &Report, inputs: &[Input]) -> String {
    let indexes: Vec<LineIndex> = inputs.iter().map(|i| LineIndex::new(&i.text)).collect();
    let by_name = |name: &str| inputs.iter().position(|i| i.name == name);
    let mut out = String::new();
    for input in &report.inputs {
        for n in &input.notes {
            let _ = writeln!(
                out,
                "note: {}:{}:{}: {}",
                input.name, n.line, n.column, n.message
            );
        }
        if !input.notes.is_empty() {
            out.push('\n');
        }
        if let Some(e) = &input.error {
            let _ = writeln!(
                out,
                "error: {}:{}:{}: {}",
                input.name, e.line, e.column, e.message
            );
            if let Some(i) = by_name(&input.name) {
                frame(
                    &mut out,
                    &indexes[i],
                    e.line,
                    e.column,
                    e.line,
                    e.column + 1,
                );
            }
            out.push('\n');
        }
    }
    for r in &report.results {
        finding(&mut out, r, &|name| by_name(name).map(|i| &indexes[i]));
    }
    for w in &report.waivers {
        let place = w
            .location
            .as_ref()
            .map_or(".gkecheck.toml".to_string(), |l| {
                format!("{}:{}", l.input, l.line)
            });
        let for_ = w
            .resource
            .as_ref()
            .map_or(String::new(), |r| format!(" for {r}"));
        if let Some(problem) = &w.problem {
            let _ = writeln!(
                out,
                "warning: the waiver at {place} ({}{for_}) is not used: {problem}",
                w.source
            );
        } else if !w.used {
            let _ = writeln!(out, "warning: the waiver at {place} ({} {}{for_}) matches no failing or unknown result: remove it", w.source, w.rules.join(","));
        }
    }
    let s = &report.summary;
    let suppressed = if s.suppressed > 0 {
        format!(", {} suppressed", s.suppressed)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "{} failing, {} passing, {} unknown{suppressed} in {} input{}",
        s.fail,
        s.pass,
        s.unknown,
        report.inputs.len(),
        if report.inputs.len() == 1 { "" } else { "s" }
    );
    if s.errors > 0 {
        let _ = write!(out, "; {} could not be read", s.errors);
    }
    out.push('\n');
    out
}

fn finding<'a>(out: &mut String, r: &Finding, index: &dyn Fn(&str) -> Option<&'a LineIndex<'a>>) {
    let what = match (r.resource.kind, &r.resource.cluster) {
        ("node-pool", Some(c)) => format!("node pool {} (cluster {})", r.resource.name, c),
        ("node-pool", None) => format!("node pool {}", r.resource.name),
        (_, _) => format!("cluster {}", r.resource.name),
    };
    let status = match r.status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Unknown => "UNKNOWN",
        Status::Suppressed => "SUPPRESSED",
    };
    let l = &r.location;
    if let Some(s) = &r.suppression {
        let place = s
            .location
            .as_ref()
            .map_or(String::new(), |p| format!(" at {}:{}", p.input, p.line));
        let until = s
            .until
            .as_ref()
            .map_or(String::new(), |u| format!(", until {u}"));
        let _ = writeln!(
            out,
            "{status} {} {}: {what} at {}:{}: waived by {}{place}{until}: {}",
            r.rule, r.name, l.input, l.line, s.source, s.reason
        );
        return;
    }
    if r.status == Status::Pass {
        let _ = writeln!(
            out,
            "{status} {} {}: {what} at {}:{}",
            r.rule, r.name, l.input, l.line
        );
        return;
    }
    let _ = writeln!(
        out,
        "{status} {} {} [{}]: {what}",
        r.rule,
        r.name,
        r.severity.as_str()
    );
    let _ = writeln!(
        out,
        "  --> {}:{}:{} ({})",
        l.input, l.line, l.column, r.resource.address
    );
    if let Some(index) = index(&l.input) {
        frame(out, index, l.line, l.column, l.end_line, l.end_column);
    }
    let _ = writeln!(out, "  {}", r.message);
    if let Some(fix) = &r.remediation {
        let _ = writeln!(out, "  Fix: {}", fix.summary);
        for (n, step) in fix.steps.iter().enumerate() {
            self::step(out, &format!("{}.", n + 1), step);
        }
        for w in &fix.warnings {
            let _ = writeln!(out, "  Warning: {w}");
        }
        if !fix.verify.is_empty() {
            let _ = writeln!(out, "  Verify:");
            for step in &fix.verify {
                self::step(out, "-", step);
            }
        }
    }
    out.push('\n');
}

fn step(out: &mut String, bullet: &str, step: &Step) {
    let place = step
        .location
        .as_ref()
        .map(|l| format!(" ({}:{})", l.input, l.line))
        .unwrap_or_default();
    let _ = writeln!(out, "    {bullet} {}{place}:", step.title);
    for line in step.code.lines() {
        let _ = writeln!(out, "         {line}");
    }
}

/// The source line with the range underlined (first line only for a multi-line range).
fn frame(
    out: &mut String,
    index: &LineIndex,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
) {
    if line == 0 || line > index.line_count() {
        return;
    }
    let text: Vec<char> = index.line_text(line).chars().collect();
    let end = if end_line == line {
        end_column.max(column + 1)
    } else {
        text.len() + 1
    };
    // A window around the range for long lines.
    let from = if text.len() > FRAME_WIDTH && column > FRAME_WIDTH / 2 {
        (column - FRAME_WIDTH / 2).min(text.len().saturating_sub(FRAME_WIDTH))
    } else {
        0
    };
    let to = (from + FRAME_WIDTH).min(text.len());
    let shown: String = text[from..to].iter().collect();
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let marks = (end - column).min(to.saturating_sub(column - 1).max(1));
    let _ = writeln!(out, "  {pad} |");
    let _ = writeln!(
        out,
        "  {number} | {}{shown}{}",
        if from > 0 { "…" } else { "" },
        if to < text.len() { "…" } else { "" }
    );
    let _ = writeln!(
        out,
        "  {pad} | {}{}",
        " ".repeat(column - 1 - from + usize::from(from > 0)),
        "^".repeat(marks.max(1))
    );
}

/// What an applicability means for someone running `gkecheck fix`.
pub fn applicability_words(a: crate::report::Applicability) -> &'static str {
    match a {
        crate::report::Applicability::Safe => "`gkecheck fix` applies it",
        crate::report::Applicability::Unsafe => "`gkecheck fix --unsafe-fixes` applies it",
        crate::report::Applicability::DisplayOnly => "shown, never applied",
    }
}

/// A rule's documentation page (Markdown), generated from the rule's one file: metadata,
/// what, why, how to fix, and the examples (which run as tests).
pub fn rule_doc(rule: &crate::rules::Rule) -> String {
    let mut out = format!("# {} {}\n\n{}\n\n", rule.id, rule.name, rule.title);
    out.push_str(&format!("- Severity: {}\n", rule.severity.as_str()));
    out.push_str(&format!("- Category: {}\n", rule.category));
    out.push_str(&format!(
        "- Fix: {} ({}). {}\n",
        rule.fix_applicability.as_str(),
        applicability_words(rule.fix_applicability),
        rule.fix_cost
    ));
    if !rule.cis.is_empty() {
        let cis: Vec<String> = rule
            .cis
            .iter()
            .map(|(v, n)| format!("{n} (v{v})"))
            .collect();
        out.push_str(&format!("- CIS GKE Benchmark: {}\n", cis.join(", ")));
    }
    if !rule.peers.is_empty() {
        out.push_str(&format!(
            "- The same check elsewhere: {}\n",
            rule.peers.join(", ")
        ));
    }
    if !rule.differs.is_empty() {
        out.push_str(&format!("- Where gkecheck differs: {}\n", rule.differs));
    }
    out.push_str(&format!(
        "\n## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## How to fix\n\n{}\n",
        rule.what, rule.why, rule.fix
    ));
    if !rule.examples.is_empty() {
        out.push_str("\n## Examples\n");
        for e in rule.examples {
            let statuses: Vec<&str> = e.expect.iter().map(|s| s.as_str()).collect();
            let lang = if e.format == "terraform" {
                "hcl"
            } else {
                "json"
            };
            out.push_str(&format!(
                "\n{} ({}):\n\n```{lang}\n{}\n```\n",
                e.title,
                statuses.join(", "),
                e.input
            ));
        }
    }
    out.push_str(&format!(
        "\n_Generated from `src/rules/` by `cargo xtask docs`; `gkecheck explain {}` prints it._\n",
        rule.id
    ));
    out
}

/// The index of the rule docs.
pub fn rules_index() -> String {
    let mut out = String::from(
        "# gkecheck rules\n\n| id | name | severity | category | fails when |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in crate::rules::RULES {
        out.push_str(&format!(
            "| [{}]({}.md) | {} | {} | {} | {} |\n",
            r.id,
            r.id,
            r.name,
            r.severity.as_str(),
            r.category,
            r.title
        ));
    }
    out.push_str("\n_Generated from `src/rules/` by `cargo xtask docs`._\n");
    out
}
