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
    let s = &report.summary;
    let _ = write!(
        out,
        "{} failing, {} passing, {} unknown in {} input{}",
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
    };
    let l = &r.location;
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
