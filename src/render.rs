//! The report as text for a terminal, with a code frame at each finding.

use std::borrow::Cow;
use std::fmt::Write;

use crate::report::{Finding, Report, Status, Step};
use crate::span::LineIndex;
use crate::Input;

/// The widest part of a source line shown in a code frame.
const FRAME_WIDTH: usize = 100;

/// How the text forms are written.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// List passing results too (they are always counted).
    pub show_passing: bool,
    /// Colour the status words (a terminal that wants it).
    pub color: bool,
}

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn status_color(status: Status) -> &'static str {
    match status {
        Status::Fail => RED,
        Status::Unknown => YELLOW,
        Status::Pass => GREEN,
        Status::Suppressed => DIM,
    }
}

/// Colours the status word that starts each finding's line (the text is already printable,
/// so the only escapes in it are these).
fn colour_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let word = [
            ("FAIL ", Status::Fail),
            ("UNKNOWN ", Status::Unknown),
            ("PASS ", Status::Pass),
            ("SUPPRESSED ", Status::Suppressed),
        ]
        .into_iter()
        .find(|(w, _)| line.starts_with(w));
        match word {
            Some((w, status)) => {
                let _ = write!(
                    out,
                    "{BOLD}{}{}{RESET} {}",
                    status_color(status),
                    w.trim_end(),
                    &line[w.len()..]
                );
            }
            None => out.push_str(line),
        }
    }
    out
}

/// The default output: the workload-metadata answer first, then one line per finding that
/// fails, is unknown or is waived (passing ones with `show_passing`), worst first, then the
/// counts by severity.
pub fn concise(report: &Report, options: &TextOptions) -> String {
    let mut out = String::new();
    let _ = concise_to(report, options, &mut out);
    out
}

/// [`concise`], written to `out` line by line: the command line writes it to its output as it
/// is made (made whole first, a megabyte of text was held beside the report).
pub fn concise_to(
    report: &Report,
    options: &TextOptions,
    out: &mut impl std::fmt::Write,
) -> std::fmt::Result {
    // The status word, coloured when asked (each line has one: no text is made for it
    // otherwise).
    struct Painted<'w>(Option<Status>, &'w str);
    impl std::fmt::Display for Painted<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self.0 {
                Some(status) => write!(f, "{BOLD}{}{}{RESET}", status_color(status), self.1),
                None => f.write_str(self.1),
            }
        }
    }
    let paint = |status: Status, word| Painted(options.color.then_some(status), word);
    for h in &report.headline {
        writeln!(out, "{}", printable(&h.text))?;
    }
    if !report.headline.is_empty() {
        out.write_char('\n')?;
    }
    for input in &report.inputs {
        if let Some(e) = &input.error {
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                printable(&input.name),
                e.line,
                e.column,
                paint(Status::Fail, "error:"),
                printable(&e.message)
            )?;
        }
        for n in &input.notes {
            writeln!(
                out,
                "{}:{}:{}: note: {}",
                printable(&input.name),
                n.line,
                n.column,
                printable(&n.message)
            )?;
        }
    }
    // Each finding's line is made in one buffer by appending its parts, then written whole:
    // formatted piece by piece through the writer, a line cost about four times as much (an
    // export has hundreds of thousands of lines).
    let mut line = String::new();
    for r in &report.results {
        if r.status == Status::Pass && !options.show_passing {
            continue;
        }
        let rule = crate::rules::by_id(r.rule);
        let title = match r.status {
            Status::Pass => rule.map_or("", |rule| rule.pass_title),
            _ => rule.map_or("", |rule| rule.title),
        };
        let l = &r.location;
        line.clear();
        line.push_str(&printable(&l.input));
        line.push(':');
        line.push_str(itoa::Buffer::new().format(l.line));
        line.push(':');
        line.push_str(itoa::Buffer::new().format(l.column));
        line.push_str(": ");
        line.push_str(r.rule);
        line.push_str(" [");
        line.push_str(r.severity.as_str());
        line.push_str("] ");
        let _ = write!(line, "{}", paint(r.status, r.status.as_str()));
        let cluster = match (r.resource.kind, &r.resource.cluster) {
            ("node-pool", cluster) => {
                line.push_str(" node pool ");
                cluster.as_deref()
            }
            _ => {
                line.push_str(" cluster ");
                None
            }
        };
        line.push_str(&printable(&r.resource.name));
        if let Some(cluster) = cluster {
            line.push_str(" (cluster ");
            line.push_str(&printable(cluster));
            line.push(')');
        }
        line.push_str(": ");
        // Unknown says what could not be evaluated; a waiver, why it was accepted.
        match (r.status, &r.suppression) {
            (Status::Unknown, _) => line.push_str(&printable(&r.message)),
            (_, Some(w)) => {
                line.push_str(title);
                line.push_str(" (waived: ");
                line.push_str(&printable(&w.reason));
                line.push(')');
            }
            _ => line.push_str(title),
        }
        line.push_str(" (");
        line.push_str(&printable(&r.resource.address));
        line.push_str(")\n");
        out.write_str(&line)?;
    }
    out.write_str(&summary_line(report))
}

/// The closing line: counts by status, failures by severity, inputs.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let f = &s.failing;
    let mut line = format!("{} failing", s.fail);
    if s.fail > 0 {
        let by: Vec<String> = [
            ("critical", f.critical),
            ("high", f.high),
            ("medium", f.medium),
            ("low", f.low),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(w, n)| format!("{n} {w}"))
        .collect();
        line.push_str(&format!(" ({})", by.join(", ")));
    }
    line.push_str(&format!(", {} passing, {} unknown", s.pass, s.unknown));
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    line.push_str(&format!(
        " in {} input{}",
        report.inputs.len(),
        if report.inputs.len() == 1 { "" } else { "s" }
    ));
    if s.errors > 0 {
        line.push_str(&format!("; {} could not be read", s.errors));
    }
    line.push('\n');
    line
}

/// Renders the report in full: the headline, then each finding with its place, a code frame,
/// the explanation and the fix (passing results one line each, with `show_passing`).
pub fn full(report: &Report, inputs: &[Input], options: &TextOptions) -> String {
    let mut out = String::new();
    let _ = full_to(report, inputs, options, &mut out);
    out
}

/// [`full`], written to `out` a piece at a time (the headlines, each input's notes and error,
/// each finding, the waivers' warnings, the summary), each made printable and coloured on its
/// own: the command line writes it as it is made (made whole first, the text of a 17 MB input's
/// 28,800 findings was 39 MB held beside the report).
pub fn full_to(
    report: &Report,
    inputs: &[Input],
    options: &TextOptions,
    out: &mut impl std::fmt::Write,
) -> std::fmt::Result {
    let indexes: Vec<LineIndex> = inputs.iter().map(|i| LineIndex::new(&i.text)).collect();
    let by_name = |name: &str| inputs.iter().position(|i| i.name == name);
    // Each piece ends with a line end: escapes and colours apply to whole lines alike,
    // whichever piece holds them.
    let mut piece = String::new();
    let mut put = |piece: &mut String| -> std::fmt::Result {
        let printed = printable(piece);
        let result = if options.color {
            out.write_str(&colour_lines(&printed))
        } else {
            out.write_str(&printed)
        };
        piece.clear();
        result
    };
    for h in &report.headline {
        let _ = writeln!(piece, "{}", h.text);
    }
    if !report.headline.is_empty() {
        piece.push('\n');
    }
    put(&mut piece)?;
    for input in &report.inputs {
        for n in &input.notes {
            let _ = writeln!(
                piece,
                "note: {}:{}:{}: {}",
                input.name, n.line, n.column, n.message
            );
        }
        if !input.notes.is_empty() {
            piece.push('\n');
        }
        if let Some(e) = &input.error {
            let _ = writeln!(
                piece,
                "error: {}:{}:{}: {}",
                input.name, e.line, e.column, e.message
            );
            if let Some(i) = by_name(&input.name) {
                frame(
                    &mut piece,
                    &indexes[i],
                    e.line,
                    e.column,
                    e.line,
                    e.column + 1,
                );
            }
            piece.push('\n');
        }
        put(&mut piece)?;
    }
    for r in &report.results {
        if r.status == Status::Pass && !options.show_passing {
            continue;
        }
        finding(&mut piece, r, &|name| by_name(name).map(|i| &indexes[i]));
        put(&mut piece)?;
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
                piece,
                "warning: the waiver at {place} ({}{for_}) is not used: {problem}",
                w.source
            );
        } else if !w.used {
            let _ = writeln!(piece, "warning: the waiver at {place} ({} {}{for_}) matches no failing or unknown result: remove it", w.source, w.rules.join(","));
        }
    }
    piece.push_str(&summary_line(report));
    put(&mut piece)
}

/// The text with control characters other than line feeds and tabs written as escapes
/// (`\u{0}`, `\u{1b}`): input text never reaches a terminal as raw control codes. Text without
/// one (nearly all) is given back as it is (found by [`has_control`]): the control characters
/// are U+0000 to U+001F, U+007F and U+0080 to U+009F (0xC2 then 0x80 to 0x9F in UTF-8).
pub fn printable(text: &str) -> Cow<'_, str> {
    if !has_control(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `bytes` hold a control character other than a line feed or a tab. Sixteen bytes at a
/// time are tested for a byte that could begin one, without a branch for each byte (the
/// compiler makes it one vector test): every line of the text output passes here, and a byte at
/// a time this was a tenth of writing it.
fn has_control(bytes: &[u8]) -> bool {
    let maybe = |b: u8| b < 0x20 || b == 0x7f || b == 0xc2;
    let control = |i: usize| match bytes[i] {
        b'\n' | b'\t' => false,
        b => b < 0x20 || b == 0x7f || (b == 0xc2 && matches!(bytes.get(i + 1), Some(0x80..=0x9f))),
    };
    let mut start = 0;
    for chunk in bytes.chunks_exact(16) {
        if chunk.iter().fold(false, |any, &b| any | maybe(b)) && (start..start + 16).any(control) {
            return true;
        }
        start += 16;
    }
    (start..bytes.len()).any(control)
}

/// The lines of input `name` that [`full`] draws code frames from (sorted, once each): those of
/// its failing and unknown results and of its error. For an input whose text is not held
/// (one read in parts), a text with these lines and the others empty gives the same output.
pub fn framed_lines(report: &Report, name: &str) -> Vec<usize> {
    let results = report
        .results
        .iter()
        .filter(|r| {
            &*r.location.input == name && matches!(r.status, Status::Fail | Status::Unknown)
        })
        .map(|r| r.location.line);
    let errors = report
        .inputs
        .iter()
        .filter(|i| i.name == name)
        .filter_map(|i| i.error.as_ref().map(|e| e.line));
    let mut lines: Vec<usize> = results.chain(errors).collect();
    lines.sort_unstable();
    lines.dedup();
    lines
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
        let pass = crate::rules::by_id(r.rule).map_or(r.name, |rule| rule.pass_title);
        let _ = writeln!(
            out,
            "{status} {} {what}: {pass} ({}:{})",
            r.rule, l.input, l.line
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
    let at = index.byte_in(line, range.clone(), column);
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
    let mut out = format!(
        "# {} {}\n\n{}\n\nPasses when: {}.\n\n",
        rule.id, rule.name, rule.title, rule.pass_title
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Wherever a control character falls among sixteen-byte chunks, and a two-byte one
    /// across two chunks.
    #[test]
    fn printable_finds_a_control_character_at_every_place() {
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 50] {
            let plain = "a".repeat(len);
            assert!(matches!(printable(&plain), Cow::Borrowed(_)));
            let lines = "\n\t".repeat(len);
            assert!(matches!(printable(&lines), Cow::Borrowed(_)));
            for at in 0..len {
                for c in ['\u{1b}', '\u{7f}', '\u{85}', '\0'] {
                    let text = format!("{}{c}{}", &plain[..at], &plain[at..]);
                    let want = format!("{}\\u{{{:x}}}{}", &plain[..at], c as u32, &plain[at..]);
                    assert_eq!(printable(&text), want, "{len} {at} {c:?}");
                }
                // Not controls: U+00A0 (0xC2 0xA0) and 'é' (0xC3 0xA9).
                for c in ['\u{a0}', 'é'] {
                    let text = format!("{}{c}{}", &plain[..at], &plain[at..]);
                    assert!(matches!(printable(&text), Cow::Borrowed(_)), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn printable_escapes_exactly_the_control_characters() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}é");
            let escaped = c.is_control() && c != '\n' && c != '\t';
            match printable(&text) {
                Cow::Borrowed(same) => assert!(!escaped && same == text, "{c:?}"),
                Cow::Owned(out) => {
                    assert!(escaped, "{c:?}");
                    assert_eq!(out, format!("a\\u{{{:x}}}é", c as u32));
                }
            }
        }
    }
}
