//! Terminal pastes: prompt lines with commands, gcloud's WARNING/ERROR lines, tables, and the
//! JSON or YAML output between them. Finds the documents inside and says what was skipped.

use std::ops::Range;

/// A run of lines holding one command's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub range: Range<usize>,
    pub json: bool,
}

/// What was not read, and why, at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Paste {
    pub parts: Vec<Part>,
    pub notes: Vec<Note>,
}

const COMMANDS: &[&str; 6] = &[
    "gcloud ",
    "kubectl ",
    "terraform ",
    "jq ",
    "cat ",
    "gsutil ",
];
const PROMPT_ENDS: &[&str] = &["$ ", "# ", "% ", "❯ ", "> ", "➜ ", "λ "];
const MESSAGES: &[&str] = &[
    "WARNING:",
    "ERROR:",
    "INFO:",
    "NOTE:",
    "DEPRECATION:",
    "Updated property",
    "Fetching cluster endpoint",
    "kubeconfig entry generated",
    "Listed 0 items",
    "To take a quick anonymous survey",
    "Your active configuration",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Prompt,
    Message,
    TableHeader,
    Data,
    Blank,
}

fn classify(line: &str) -> Class {
    let t = crate::span::trim_start(line);
    let Some(&first) = t.as_bytes().first() else {
        return Class::Blank;
    };
    if MESSAGES
        .iter()
        .any(|m| m.as_bytes()[0] == first && t.starts_with(m))
    {
        return Class::Message;
    }
    // A command at the very start of an unindented line, with no YAML `: ` in it.
    if line.len() == t.len() && COMMANDS.iter().any(|c| t.starts_with(c)) && !colon_space(t) {
        return Class::Prompt;
    }
    // Any other prompt ends with `$`, `#`, `%`, `>` or a character past ASCII: a line with none
    // of them (nearly every line of YAML) is not searched for commands.
    let marked = t
        .bytes()
        .any(|b| matches!(b, b'$' | b'#' | b'%' | b'>') || b >= 0x80);
    if marked {
        for i in first_places(t, COMMANDS).into_iter().flatten() {
            if PROMPT_ENDS.iter().any(|p| t[..i].ends_with(p)) && i < 120 {
                return Class::Prompt;
            }
        }
        if is_bare_prompt(t) {
            return Class::Prompt;
        }
    }
    if is_table_header(t) {
        return Class::TableHeader;
    }
    Class::Data
}

/// Where each of `words` first occurs in `text`, found in one pass over its bytes: every line
/// of a paste is looked at, and a searcher set up per word and line cost more than reading the
/// line as YAML (in the page's engine, most of a check of 140 KB).
fn first_places<const N: usize>(text: &str, words: &[&str; N]) -> [Option<usize>; N] {
    let mut found = [None; N];
    let mut left = N;
    // The words' first bytes (ASCII), as bits: most bytes start none of them. Two words of 64
    // bits, not one of 128, whose shifts are calls in the browser's engine.
    let mut firsts = [0u64; 2];
    for w in words {
        let b = w.as_bytes()[0] & 0x7f;
        firsts[usize::from(b >> 6)] |= 1 << (b & 63);
    }
    for (i, b) in text.bytes().enumerate() {
        if b >= 0x80 || firsts[usize::from(b >> 6)] >> (b & 63) & 1 == 0 {
            continue;
        }
        for (w, word) in words.iter().enumerate() {
            if found[w].is_none()
                && word.as_bytes()[0] == b
                && text.as_bytes()[i..].starts_with(word.as_bytes())
            {
                found[w] = Some(i);
                left -= 1;
            }
        }
        if left == 0 {
            break;
        }
    }
    found
}

/// Whether `text` holds `: ` (a YAML mapping's key and value).
fn colon_space(text: &str) -> bool {
    text.as_bytes().windows(2).any(|w| w == b": ")
}

/// A prompt with no command after it, as a paste ends (or pauses) with: `$`, `%`, `❯`,
/// `alex@cloudshell:~ (proj)$`, `root@host:~#`, `PS C:\Users\kim>`. Never a YAML line: those
/// hold `: ` or start with `- ` or `#`.
fn is_bare_prompt(line: &str) -> bool {
    let t = crate::span::trim(line);
    if t.is_empty() || t.len() > 120 || colon_space(t) || t.starts_with("- ") || t.starts_with('#')
    {
        return false;
    }
    if matches!(t, "$" | "%" | "❯" | "➜" | "λ" | ">" | "»") {
        return true;
    }
    let shell_like = t.contains('@') || t.contains('~') || t.contains(':') || t.contains('/');
    (shell_like && (t.ends_with('$') || t.ends_with('#') || t.ends_with('%')))
        || (t.starts_with("PS ") && t.ends_with('>'))
        || ((t.contains('@') || t.contains('~')) && t.ends_with('>'))
        || t.ends_with(" ❯")
        || t.ends_with(" ➜")
}

/// `NAME  LOCATION  MASTER_VERSION ...`: upper-case column names two or more spaces apart.
fn is_table_header(t: &str) -> bool {
    let column_byte = |b: u8| {
        b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'_' | b'(' | b')' | b' ')
    };
    // Every byte of the line is in a column or is space around one: a line with another
    // ASCII byte, or that starts otherwise than with a capital (nearly every line), is not a
    // header. Other bytes are left to the columns' own test below.
    let possible = |b: u8| b >= 0x80 || column_byte(b) || b.is_ascii_whitespace() || b == 0x0b;
    if !t.bytes().next().is_some_and(|b| b.is_ascii_uppercase()) || !t.bytes().all(possible) {
        return false;
    }
    let columns: Vec<&str> = t
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    columns.len() >= 3
        && columns.iter().all(|c| {
            c.bytes().all(|b| {
                b.is_ascii_uppercase()
                    || b == b'_'
                    || b == b'('
                    || b == b')'
                    || b == b' '
                    || b.is_ascii_digit()
            }) && c.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        })
}

fn table_note(header: &str) -> String {
    let has = |c: &str| header.split_whitespace().any(|w| w == c);
    if has("MASTER_VERSION") || (has("LOCATION") && has("NUM_NODES")) {
        "skipped the table of `gcloud container clusters list`: it shows no security settings. Run `gcloud container clusters list --format=json` (or `gcloud container clusters describe CLUSTER --location=LOCATION --format=json`) and paste that".into()
    } else if has("MACHINE_TYPE") && has("DISK_SIZE_GB") {
        "skipped the table of `gcloud container node-pools list`: it shows no security settings. Run `gcloud container node-pools list --cluster=CLUSTER --location=LOCATION --format=json` and paste that".into()
    } else if has("ROLES") && has("STATUS") {
        "skipped `kubectl get nodes` output: gkecheck reads gcloud output and Terraform".into()
    } else {
        "skipped a table: gkecheck reads gcloud output in JSON or YAML".into()
    }
}

/// Whether the text holds anything other than one document: prompts, messages or tables.
pub fn is_terminal_paste(text: &str) -> bool {
    crate::span::lines(text).take(5000).any(|l| {
        matches!(
            classify(l),
            Class::Prompt | Class::Message | Class::TableHeader
        )
    })
}

/// Splits a terminal paste into the outputs it holds.
pub fn split(text: &str) -> Paste {
    let mut paste = Paste::default();
    let mut offset = 0;
    let mut run: Option<Range<usize>> = None;
    let mut in_table = false;
    let close = |run: &mut Option<Range<usize>>, paste: &mut Paste| {
        if let Some(r) = run.take() {
            let body = text[r.clone()].trim_start();
            let start = r.end - text[r.start..r.end].trim_start().len();
            match body.as_bytes().first() {
                Some(b'{' | b'[') => paste.parts.push(Part {
                    range: start..r.end,
                    json: true,
                }),
                Some(_)
                    if body.lines().any(|l| {
                        l.contains(": ") || l.trim_end().ends_with(':') || l.starts_with("- ")
                    }) =>
                {
                    paste.parts.push(Part {
                        range: start..r.end,
                        json: false,
                    })
                }
                Some(_) => paste.notes.push(Note {
                    offset: start,
                    message: format!(
                        "skipped {} line(s) that are neither gcloud JSON nor YAML",
                        body.lines().count()
                    ),
                }),
                None => {}
            }
        }
    };
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let class = classify(line);
        if in_table {
            if class == Class::Data {
                continue;
            }
            in_table = false;
        }
        match class {
            Class::Prompt => close(&mut run, &mut paste),
            Class::Message => {
                close(&mut run, &mut paste);
                let t = line.trim();
                if t.starts_with("ERROR:") {
                    paste.notes.push(Note {
                        offset: start,
                        message: format!(
                            "gcloud reported an error here: {}",
                            t.chars().take(200).collect::<String>()
                        ),
                    });
                }
            }
            Class::TableHeader => {
                close(&mut run, &mut paste);
                paste.notes.push(Note {
                    offset: start,
                    message: table_note(line),
                });
                in_table = true;
            }
            Class::Blank | Class::Data => {
                // A blank line inside YAML or JSON belongs to it; one after a table ends it.
                match &mut run {
                    Some(r) => r.end = offset,
                    None if class == Class::Data => run = Some(start..offset),
                    None => {}
                }
            }
        }
    }
    close(&mut run, &mut paste);
    paste
}

/// The text with everything outside `range` replaced by spaces (line breaks kept), so that a
/// parser's byte offsets are offsets in the whole paste.
pub fn masked(text: &str, range: &Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if range.contains(&i) || c == '\n' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `classify` as it was written first, each word searched for on its own.
    fn classify_by_searching(line: &str) -> Class {
        let t = line.trim_start();
        if t.is_empty() {
            return Class::Blank;
        }
        if MESSAGES.iter().any(|m| t.starts_with(m)) {
            return Class::Message;
        }
        for command in COMMANDS {
            if let Some(i) = t.find(command) {
                let prefix = &t[..i];
                if (prefix.is_empty() && line.len() == t.len() && !t.contains(": "))
                    || (PROMPT_ENDS.iter().any(|p| prefix.ends_with(p)) && prefix.len() < 120)
                {
                    return Class::Prompt;
                }
            }
        }
        if is_bare_prompt(t) {
            return Class::Prompt;
        }
        let columns: Vec<&str> = t
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let header = columns.len() >= 3
            && columns.iter().all(|c| {
                c.bytes().all(|b| {
                    b.is_ascii_uppercase()
                        || matches!(b, b'_' | b'(' | b')' | b' ')
                        || b.is_ascii_digit()
                }) && c.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            });
        if header {
            return Class::TableHeader;
        }
        Class::Data
    }

    #[test]
    fn classify_agrees_with_searching_word_by_word() {
        let pieces = [
            "gcloud ",
            "kubectl ",
            "cat ",
            "jq ",
            "$ ",
            "# ",
            "❯ ",
            "> ",
            ": ",
            "- ",
            "NAME",
            "  ",
            "STATUS",
            "\t",
            "\r",
            "\u{a0}",
            "x",
            "gcloudx ",
            "user@host:~",
            "$",
            "(",
            "_",
            "1",
            "WARNING:",
            "é",
            "terraform ",
            " ",
        ];
        // Every line of up to four pieces, and some longer ones.
        let mut lines = vec![String::new()];
        for _ in 0..4 {
            let mut longer = Vec::new();
            for line in &lines {
                for piece in pieces {
                    longer.push(format!("{line}{piece}"));
                }
            }
            lines.extend(longer);
        }
        lines.push("NAME  LOCATION  MASTER_VERSION  NUM_NODES\n".into());
        lines.push("prompt text $ gcloud container clusters list".into());
        lines.push(format!("{} $ gcloud x", "p".repeat(130)));
        for line in &lines {
            assert_eq!(classify(line), classify_by_searching(line), "{line:?}");
        }
    }

    #[test]
    fn finds_outputs_between_prompts_and_notes_what_it_skips() {
        let text = "❯ gcloud container clusters list\nNAME  LOCATION  MASTER_VERSION  MASTER_IP  MACHINE_TYPE  NODE_VERSION  NUM_NODES  STATUS\nprod  europe-west1  1.31.5  34.1.2.3  e2-standard-4  1.31.5  3  RUNNING\n\n$ gcloud container clusters describe prod --location=europe-west1\nWARNING: something\nname: prod\nnodePools:\n- name: apps\n\nuser@host:~$ gcloud container node-pools describe apps --cluster=prod --format=json\n{\"name\": \"apps\"}\n$ kubectl get nodes\nNAME   STATUS   ROLES    AGE   VERSION\ngke-prod-apps-1   Ready    <none>   5d    v1.31.5\n";
        let paste = split(text);
        assert_eq!(paste.parts.len(), 2, "{paste:?}");
        assert!(!paste.parts[0].json);
        assert!(text[paste.parts[0].range.clone()].starts_with("name: prod"));
        assert!(paste.parts[1].json);
        assert_eq!(
            text[paste.parts[1].range.clone()].trim(),
            "{\"name\": \"apps\"}"
        );
        assert_eq!(paste.notes.len(), 2, "{:?}", paste.notes);
        assert!(
            paste.notes[0]
                .message
                .contains("gcloud container clusters list --format=json"),
            "{:?}",
            paste.notes
        );
        assert!(paste.notes[1].message.contains("kubectl get nodes"));
        assert!(is_terminal_paste(text));
        assert!(!is_terminal_paste("name: prod\nnodePools: []\n"));
    }

    #[test]
    fn masking_keeps_offsets() {
        let text = "$ x\né: 1\n";
        let m = masked(text, &(4..text.len()));
        assert_eq!(m.len(), text.len());
        assert_eq!(&m[4..], "é: 1\n");
        assert_eq!(&m[..4], "   \n");
    }
}
