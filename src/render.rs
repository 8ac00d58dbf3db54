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
    printable(&out)
}

/// The text with control characters other than line feeds and tabs written as escapes
/// (`\u{0}`, `\u{1b}`): input text never reaches a terminal as raw control codes.
pub fn printable(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
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
    // Only a window of the line is read: a one-line input of megabytes costs no more.
    let text = index.text();
    let range = index.line_range(line);
    let at = index.byte_at(line, column);
    let back = |from: usize, n: usize| {
        text[range.start..from]
            .char_indices()
            .rev()
            .take(n)
            .last()
            .map_or(from, |(i, _)| range.start + i)
    };
    let forward = |from: usize, n: usize| {
        text[from..range.end]
            .char_indices()
            .nth(n)
            .map_or(range.end, |(i, _)| from + i)
    };
    let mut from = back(at, FRAME_WIDTH / 2);
    let to = forward(from, FRAME_WIDTH);
    let shown_chars = text[from..to].chars().count();
    if to == range.end && shown_chars < FRAME_WIDTH {
        from = back(from, FRAME_WIDTH - shown_chars);
    }
    let shown = &text[from..to];
    let before = text[from..at].chars().count();
    let marks = if end_line == line {
        end_column.saturating_sub(column).max(1)
    } else {
        text[at..range.end].chars().count().max(1)
    }
    .min(text[at..to].chars().count().max(1));
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let (open, close) = (from > range.start, to < range.end);
    let _ = writeln!(out, "  {pad} |");
    let _ = writeln!(
        out,
        "  {number} | {}{shown}{}",
        if open { "…" } else { "" },
        if close { "…" } else { "" }
    );
    let _ = writeln!(
        out,
        "  {pad} | {}{}",
        " ".repeat(before + usize::from(open)),
        "^".repeat(marks)
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
