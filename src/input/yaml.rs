//! A YAML reader for what gcloud prints (block mappings and sequences, flow `{}` / `[]`,
//! plain, quoted and block scalars, several documents separated by `---`), producing the same
//! spanned tree as the JSON parser so the gcloud reader works on both.
//!
//! Anchors, aliases and tags are refused with a located error: gcloud never prints them, and
//! refusing them keeps alias bombs out.

use crate::input::json::{self, Json, Kind, Member, ParseError, Part};
use crate::span::{self, Span};

/// The deepest nesting accepted, as for JSON.
pub const MAX_DEPTH: usize = 256;

/// A line with its indentation and its content, comment removed.
#[derive(Clone, Debug)]
struct Line<'a> {
    /// Byte offset where the content starts.
    at: usize,
    indent: usize,
    text: &'a str,
}

/// Something repaired while reading, for the input's notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug)]
pub struct Parsed {
    pub documents: Vec<Json>,
    pub repairs: Vec<Repair>,
}

/// Parses every document in the text.
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut documents = Vec::new();
    let repairs = read(text, false, &mut |part| {
        if let Part::End { value, .. } = part {
            documents.push(value);
        }
    })?;
    Ok(Parsed { documents, repairs })
}

/// Reads the documents of the text as [`parse`] does, one at a time, handing each on before the
/// next is read, and the items of the lists gcloud output is made of (a top-level list; the
/// `clusters` of a top-level mapping) one at a time too, as `json::each_part` does: a long
/// list never holds more than one cluster's tree. Returns what was repaired.
pub fn each_part(text: &str, mut each: impl FnMut(Part)) -> Result<Vec<Repair>, ParseError> {
    read(text, true, &mut each)
}

/// The documents of `text`, each as `Start`, its list's items when `listed`, `End`.
fn read(text: &str, listed: bool, each: &mut dyn FnMut(Part)) -> Result<Vec<Repair>, ParseError> {
    let mut repairs = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    let mut offset = 0;
    let mut flush = |lines: &mut Vec<Line>, repairs: &mut Vec<Repair>| -> Result<(), ParseError> {
        if lines.iter().any(|l| !l.text.is_empty()) {
            let mut p = Parser {
                lines: std::mem::take(lines),
                pos: 0,
                depth: 0,
                repairs: Vec::new(),
                members: Vec::new(),
                spare_items: Vec::new(),
            };
            each(Part::Start);
            let (value, items) = if listed {
                p.document(Some(&mut *each))?
            } else {
                p.document(None)?
            };
            repairs.extend(p.repairs);
            each(Part::End { value, items });
        }
        lines.clear();
        Ok(())
    };
    for raw in span::lines_inclusive(text) {
        let line_start = offset;
        offset += raw.len();
        // Every line is looked at byte by byte (in the browser's engine, the standard
        // library's searchers for these cost a fifth of reading YAML).
        let ends = raw
            .bytes()
            .rev()
            .take_while(|&b| b == b'\n' || b == b'\r')
            .count();
        let mut body = &raw[..raw.len() - ends];
        let line_start = if line_start == 0 {
            let unmarked = body.trim_start_matches('\u{feff}');
            let shift = body.len() - unmarked.len();
            body = unmarked;
            shift
        } else {
            line_start
        };
        if body == "---" || body.starts_with("--- ") || body == "..." {
            flush(&mut current, &mut repairs).map_err(|e| advise(text, e))?;
            continue;
        }
        if body.as_bytes().first() == Some(&b'%') && current.iter().all(|l| l.text.is_empty()) {
            continue; // a directive such as %YAML 1.2
        }
        let indent = body.bytes().take_while(|&b| b == b' ').count();
        // A tab where the indentation ends (on a line with more than white space).
        if body.as_bytes().get(indent) == Some(&b'\t') && !span::trim(body).is_empty() {
            return Err(ParseError {
                offset: line_start + indent,
                message:
                    "expected spaces for indentation, found a tab (YAML does not allow tabs there)"
                        .into(),
            });
        }
        let content = strip_comment(&body[indent..]);
        current.push(Line {
            at: line_start + indent,
            indent,
            text: span::trim_end(content),
        });
    }
    flush(&mut current, &mut repairs).map_err(|e| advise(text, e))?;
    Ok(repairs)
}

/// Adds advice when the line an error is on looks like a piece of a hard-wrapped base64
/// value (a certificate or key broken over lines by a terminal or a blog).
fn advise(text: &str, mut e: ParseError) -> ParseError {
    let start = text[..crate::span::floor_boundary(text, e.offset)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("").trim();
    if is_base64_run(line) && line.len() >= 16 {
        e.message.push_str(". This line looks like part of a certificate or key that was broken over several lines when it was copied: copy the output again from a wider terminal, or use --format=json");
    }
    e
}

/// The line without a trailing `# comment` (a `#` at the start or after a space, outside quotes).
fn strip_comment(s: &str) -> &str {
    let bytes = s.as_bytes();
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'\\' if double => i += 1,
            b'#' if !single && !double && (i == 0 || bytes[i - 1] == b' ') => return &s[..i],
            _ => {}
        }
        i += 1;
    }
    s
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    depth: usize,
    repairs: Vec<Repair>,
    /// The members of the mappings being read, innermost last: each mapping's are moved into
    /// a list of their exact size when it ends (lists grown one member at a time, and then
    /// shrunk, were a sixth of reading YAML).
    members: Vec<Member>,
    /// Room for sequences' items, lent to each as it is read (see [`json::gathered`]).
    spare_items: Vec<Json>,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        offset,
        message: message.into(),
    })
}

fn is_base64_run(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

impl<'a> Parser<'a> {
    /// The document; with `listed`, the items of a top-level list, or of a top-level
    /// mapping's `clusters` list, go to it as they are read and the list is left empty (the
    /// count is how many went).
    fn document(
        &mut self,
        listed: Option<&mut dyn FnMut(Part)>,
    ) -> Result<(Json, usize), ParseError> {
        self.skip_blank();
        let first = self.lines[self.pos].clone();
        let (value, items) = match listed {
            Some(each) if is_item(first.text) => {
                self.depth += 1;
                let read = self.sequence_items(first.indent, &mut |item| each(Part::Item(item)));
                self.depth -= 1;
                let (span, items) = read?;
                (
                    Json {
                        kind: Kind::Array(Vec::new()),
                        span,
                    },
                    items,
                )
            }
            Some(each) if split_key(first.text).is_some() => {
                self.depth += 1;
                let read = self.mapping_with(first.indent, Some(each));
                self.depth -= 1;
                read?
            }
            _ => (self.block(first.indent)?, 0),
        };
        self.skip_blank();
        if let Some(line) = self.lines.get(self.pos) {
            return err(
                line.at,
                if line.indent > first.indent {
                    "expected this line to be indented like the ones before it (it is indented more than the mapping or list it follows)"
                } else {
                    "expected a `key: value` line or a `- ` list item at this indentation"
                },
            );
        }
        Ok((value, items))
    }

    fn skip_blank(&mut self) {
        while self.lines.get(self.pos).is_some_and(|l| l.text.is_empty()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<Line<'a>> {
        self.skip_blank();
        self.lines.get(self.pos).cloned()
    }

    /// The node starting at the next line, which must be indented at least `min`.
    fn block(&mut self, min: usize) -> Result<Json, ParseError> {
        let Some(line) = self.peek() else {
            return Ok(null_at(self.end_offset()));
        };
        if line.indent < min {
            return Ok(null_at(line.at));
        }
        if self.depth >= MAX_DEPTH {
            return err(
                line.at,
                format!("expected at most {MAX_DEPTH} levels of nesting"),
            );
        }
        self.depth += 1;
        let node = if is_item(line.text) {
            self.sequence(line.indent)
        } else if split_key(line.text).is_some() {
            self.mapping(line.indent)
        } else {
            self.pos += 1;
            self.inline_value(line.text, line.at, line.indent)
        };
        self.depth -= 1;
        node
    }

    fn end_offset(&self) -> usize {
        self.lines.last().map_or(0, |l| l.at + l.text.len())
    }

    fn mapping(&mut self, indent: usize) -> Result<Json, ParseError> {
        self.mapping_with(indent, None).map(|(json, _)| json)
    }

    /// A mapping; with `listed`, the items of its `clusters` list go to it (see `document`),
    /// taken back (`Part::Repeated`) when another `clusters` follows.
    fn mapping_with(
        &mut self,
        indent: usize,
        mut listed: Option<&mut dyn FnMut(Part)>,
    ) -> Result<(Json, usize), ParseError> {
        let mut count = 0;
        let mut went = false;
        let start = self.lines[self.pos].at;
        let base = self.members.len();
        let mut end = start;
        while let Some(line) = self.peek() {
            if line.indent != indent {
                if line.indent > indent {
                    return err(
                        line.at,
                        "expected this line to line up with the keys above it",
                    );
                }
                break;
            }
            if is_item(line.text) {
                break;
            }
            let Some((key_end, colon)) = split_key(line.text) else {
                return err(
                    line.at,
                    format!("expected `key: value`, found {:?}", line.text),
                );
            };
            let key_text = &line.text[..key_end];
            let key = match key_text.as_bytes().first() {
                Some(b'\'') | Some(b'"') => quoted(key_text, line.at)?.0,
                _ => key_text.to_string(),
            };
            let key_span = Span::new(line.at, line.at + key_end);
            let rest = span::trim_start(&line.text[colon + 1..]);
            let rest_at = line.at + line.text.len() - rest.len();
            self.pos += 1;
            // A list below the key, or at its indentation.
            let list_below = |next: &Line| is_item(next.text) && next.indent >= indent;
            if let (Some(each), true) = (listed.as_mut(), went && key == "clusters") {
                each(Part::Repeated { clusters: true });
                (went, count) = (false, 0);
            }
            let value = if rest.is_empty() {
                match (self.peek(), listed.as_mut()) {
                    (Some(next), Some(each)) if key == "clusters" && list_below(&next) => {
                        went = true;
                        self.depth += 1;
                        let read =
                            self.sequence_items(next.indent, &mut |item| each(Part::Item(item)));
                        self.depth -= 1;
                        let (span, items) = read?;
                        count += items;
                        Json {
                            kind: Kind::Array(Vec::new()),
                            span,
                        }
                    }
                    (next, _) => match next {
                        Some(next) if next.indent > indent => self.block(next.indent)?,
                        // A list may sit at the same indentation as its key.
                        Some(next) if next.indent == indent && is_item(next.text) => {
                            self.depth += 1;
                            let seq = self.sequence(indent);
                            self.depth -= 1;
                            seq?
                        }
                        _ => null_at(line.at + colon + 1),
                    },
                }
            } else {
                self.inline_value(rest, rest_at, indent)?
            };
            end = value.span.end().max(key_span.end());
            self.members.push(Member {
                key,
                key_span,
                value,
            });
        }
        let members: Vec<Member> = self.members.drain(base..).collect();
        Ok((
            Json {
                kind: Kind::Object(members),
                span: Span::new(start, end),
            },
            count,
        ))
    }

    fn sequence(&mut self, indent: usize) -> Result<Json, ParseError> {
        let (items, read) = json::gathered(
            self,
            |p| &mut p.spare_items,
            |p, list| p.sequence_items(indent, &mut |item| list.push(item)),
        );
        let (span, _) = read?;
        Ok(Json {
            kind: Kind::Array(items),
            span,
        })
    }

    /// Reads a block sequence, handing each item to `each` as it is read; returns its span
    /// and how many items it had.
    fn sequence_items(
        &mut self,
        indent: usize,
        each: &mut dyn FnMut(Json),
    ) -> Result<(Span, usize), ParseError> {
        let start = self.lines[self.pos].at;
        let mut count = 0;
        let mut end = start;
        while let Some(line) = self.peek() {
            if line.indent != indent || !is_item(line.text) {
                if line.indent > indent {
                    return err(
                        line.at,
                        "expected this line to line up with the `- ` items above it",
                    );
                }
                break;
            }
            let rest = span::trim_start(&line.text[1..]);
            let item = if rest.is_empty() {
                self.pos += 1;
                match self.peek() {
                    Some(next) if next.indent > indent => self.block(next.indent)?,
                    _ => null_at(line.at + 1),
                }
            } else {
                // `- key: value` or `- - x`: the rest of the line starts a node whose
                // indentation is its column.
                let column = line.indent + (line.text.len() - rest.len());
                self.lines[self.pos] = Line {
                    at: line.at + (line.text.len() - rest.len()),
                    indent: column,
                    text: rest,
                };
                self.block(column)?
            };
            end = item.span.end();
            each(item);
            count += 1;
        }
        Ok((Span::new(start, end), count))
    }

    /// A value that starts on a line after `key: ` or `- `: flow collection, quoted or block
    /// scalar, or plain scalar (which may go on over more-indented lines).
    fn inline_value(
        &mut self,
        text: &'a str,
        at: usize,
        parent_indent: usize,
    ) -> Result<Json, ParseError> {
        match text.as_bytes()[0] {
            b'&' | b'*' => err(
                at,
                "expected a plain value: YAML anchors and aliases are not supported",
            ),
            b'!' => err(at, "expected a plain value: YAML tags are not supported"),
            b'{' | b'[' => {
                let (value, used) = Flow {
                    text,
                    at,
                    depth: self.depth,
                }
                .value(0)?;
                if !span::trim(&text[used..]).is_empty() {
                    return err(
                        at + used,
                        format!(
                            "expected the end of the line after the flow value, found {:?}",
                            text[used..].trim()
                        ),
                    );
                }
                Ok(value)
            }
            b'|' | b'>' => self.block_scalar(text, at, parent_indent),
            b'\'' | b'"' => {
                // A quoted scalar may go on over the next lines.
                let mut joined = text.to_string();
                let mut last = (at, text.len());
                // Where each joined line starts: (offset in `joined`, offset in the input), so
                // that a place in the joined text is told in the input's own bytes.
                let mut pieces: Vec<(usize, usize)> = vec![(0, at)];
                let place = |pieces: &[(usize, usize)], offset: usize| -> usize {
                    let i = pieces.partition_point(|p| p.0 <= offset).max(1) - 1;
                    pieces[i].1 + (offset - pieces[i].0)
                };
                loop {
                    let attempt = quoted(&joined, at).map_err(|mut e| {
                        e.offset = place(&pieces, e.offset.saturating_sub(at));
                        e
                    });
                    match attempt {
                        Ok((value, used)) if span::trim(&joined[used..]).is_empty() => {
                            let span = Span::new(at, last.0 + last.1);
                            return Ok(Json {
                                kind: Kind::String(value),
                                span,
                            });
                        }
                        Ok((_, used)) => {
                            return err(
                                place(&pieces, used),
                                "expected the end of the line after the quoted value",
                            )
                        }
                        Err(e) if e.message.contains("closing") => {
                            // Take the following lines up to one with a quote character in it,
                            // then try again.
                            let mut found = false;
                            while let Some(next) = self.lines.get(self.pos) {
                                if !(next.indent > parent_indent || next.text.is_empty()) {
                                    break;
                                }
                                joined.push(' ');
                                pieces.push((joined.len(), next.at));
                                joined.push_str(next.text);
                                last = (next.at, next.text.len());
                                self.pos += 1;
                                if next.text.as_bytes().contains(&text.as_bytes()[0]) {
                                    found = true;
                                    break;
                                }
                            }
                            if !found {
                                return Err(e);
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            _ => {
                let mut value = text.to_string();
                let mut end = at + text.len();
                // Continuation lines of a plain scalar are indented more than its key.
                while let Some(next) = self.lines.get(self.pos) {
                    if next.text.is_empty()
                        || next.indent <= parent_indent
                        || split_key(next.text).is_some()
                        || is_item(next.text)
                    {
                        break;
                    }
                    value.push(' ');
                    value.push_str(next.text);
                    end = next.at + next.text.len();
                    self.pos += 1;
                }
                // A base64 value hard-wrapped by a terminal or a blog: its pieces come at any
                // indentation, and joining them is safe (base64 has no spaces).
                if is_base64_run(&value) && value.len() >= 40 {
                    let mut joined = 0;
                    while let Some(next) = self.lines.get(self.pos) {
                        if !is_base64_run(next.text)
                            || next.text.len() < 4
                            || split_key(next.text).is_some()
                        {
                            break;
                        }
                        value.push_str(next.text);
                        end = next.at + next.text.len();
                        self.pos += 1;
                        joined += 1;
                    }
                    if joined > 0 {
                        self.repairs.push(Repair {
                            offset: at,
                            message: format!("joined a base64 value that was broken over {} lines; if a check looks wrong, copy the output again", joined + 1),
                        });
                    }
                }
                Ok(Json {
                    kind: plain(&value),
                    span: Span::new(at, end),
                })
            }
        }
    }

    /// `|` and `>` block scalars with their chomping indicator.
    fn block_scalar(
        &mut self,
        header: &str,
        at: usize,
        parent_indent: usize,
    ) -> Result<Json, ParseError> {
        let folded = header.starts_with('>');
        let chomp = if header.contains('-') {
            '-'
        } else if header.contains('+') {
            '+'
        } else {
            ' '
        };
        let mut lines: Vec<(usize, &str, usize)> = Vec::new();
        let mut block_indent = None;
        let mut end = at + header.len();
        while let Some(line) = self.lines.get(self.pos) {
            if !line.text.is_empty() {
                if line.indent <= parent_indent {
                    break;
                }
                let indent = *block_indent.get_or_insert(line.indent);
                if line.indent < indent {
                    break;
                }
                end = line.at + line.text.len();
            }
            lines.push((line.indent, line.text, line.at));
            self.pos += 1;
        }
        while lines.last().is_some_and(|l| l.1.is_empty()) {
            lines.pop();
        }
        let base = block_indent.unwrap_or(0);
        let mut out = String::new();
        for (i, (indent, text, _)) in lines.iter().enumerate() {
            let piece = if text.is_empty() {
                String::new()
            } else {
                format!("{}{}", " ".repeat(indent - base), text)
            };
            if i > 0 {
                out.push(
                    if folded && !text.is_empty() && !lines[i - 1].1.is_empty() {
                        ' '
                    } else {
                        '\n'
                    },
                );
            }
            out.push_str(&piece);
        }
        if chomp != '-' && !out.is_empty() {
            out.push('\n');
        }
        Ok(Json {
            kind: Kind::String(out),
            span: Span::new(at, end),
        })
    }
}

fn null_at(offset: usize) -> Json {
    Json {
        kind: Kind::Null,
        span: Span::new(offset, offset),
    }
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Where a `key:` ends: (end of the key, index of the colon).
fn split_key(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    match bytes.first()? {
        b'\'' | b'"' => {
            let (_, used) = quoted(text, 0).ok()?;
            let after = span::trim_start(&text[used..]);
            let colon = text.len() - after.len();
            (after.starts_with(':') && (after.len() == 1 || after.as_bytes()[1] == b' '))
                .then_some((used, colon))
        }
        b'{' | b'[' | b'-' if text.len() == 1 || bytes[0] != b'-' || bytes[1] == b' ' => None,
        // An anchor, alias or tag starts a node, never a plain key: the value reader refuses it
        // where it stands.
        b'&' | b'*' | b'!' => None,
        _ => {
            let mut i = 0;
            while let Some(p) = text[i..].find(':') {
                let colon = i + p;
                if colon + 1 == text.len() || bytes[colon + 1] == b' ' {
                    return Some((span::trim_end(&text[..colon]).len(), colon));
                }
                i = colon + 1;
            }
            None
        }
    }
}

/// A quoted scalar at the start of `text`: its value and the bytes it used.
fn quoted(text: &str, at: usize) -> Result<(String, usize), ParseError> {
    let quote = text.as_bytes()[0];
    // Most quoted values have no escape: their text as it is, in one copy.
    let body = &text.as_bytes()[1..];
    let stop = body
        .iter()
        .position(|&b| b == quote || (quote == b'"' && b == b'\\'));
    if let Some(n) = stop {
        let doubled = quote == b'\'' && body.get(n + 1) == Some(&b'\'');
        if body[n] == quote && !doubled {
            return Ok((text[1..1 + n].to_string(), n + 2));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (b'\'', '\'') => {
                if chars.peek().map(|p| p.1) == Some('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Ok((out, i + 1));
                }
            }
            (b'"', '"') => return Ok((out, i + 1)),
            (b'"', '\\') => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '"' | '\\' | '/' | ' ' => out.push(e),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String =
                            (0..n).filter_map(|_| chars.next().map(|c| c.1)).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) => out.push(c),
                            None => {
                                return err(
                                    at + i,
                                    format!("expected {n} hexadecimal digits after \\{e}"),
                                )
                            }
                        }
                    }
                    other => {
                        return err(at + i, format!("expected a valid escape, found \\{other}"))
                    }
                }
            }
            _ => out.push(c),
        }
    }
    err(
        at,
        format!("expected a closing {} for this quoted value", quote as char),
    )
}

/// The type of a plain scalar, as YAML's core schema resolves it.
fn plain(text: &str) -> Kind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ if is_number(text) => Kind::Number(text.to_string()),
        _ => Kind::String(text.to_string()),
    }
}

fn is_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    !t.is_empty()
        && t.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && t.parse::<f64>().is_ok()
        && !t.contains(['_', 'x', 'o'])
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
}

/// Flow collections on one line: `{}`, `[]`, `{a: 1, b: [x, y]}`.
struct Flow<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Flow<'_> {
    fn skip(&self, mut i: usize) -> usize {
        while self.text.as_bytes().get(i) == Some(&b' ') {
            i += 1;
        }
        i
    }

    fn value(&self, i: usize) -> Result<(Json, usize), ParseError> {
        let i = self.skip(i);
        let bytes = self.text.as_bytes();
        match bytes.get(i) {
            None => err(self.at + i, "expected a value, found the end of the line (flow collections must close on the same line)"),
            Some(b'{') | Some(b'[') => {
                if self.depth + 1 >= MAX_DEPTH {
                    return err(self.at + i, format!("expected at most {MAX_DEPTH} levels of nesting"));
                }
                let inner = Flow { depth: self.depth + 1, ..*self };
                let close = if bytes[i] == b'{' { b'}' } else { b']' };
                let mut j = self.skip(i + 1);
                let mut members = Vec::new();
                let mut items = Vec::new();
                if bytes.get(j) == Some(&close) {
                    j += 1;
                } else {
                    loop {
                        if close == b'}' {
                            let key_start = j;
                            let (key, after_key) = match bytes.get(j) {
                                Some(b'\'' | b'"') => {
                                    let (k, used) = quoted(&self.text[j..], self.at + j)?;
                                    (k, j + used)
                                }
                                _ => {
                                    let end = self.text[j..].find([':', ',', '}']).map_or(self.text.len(), |e| j + e);
                                    (self.text[j..end].trim().to_string(), end)
                                }
                            };
                            let after_key = self.skip(after_key);
                            if bytes.get(after_key) != Some(&b':') {
                                return err(self.at + after_key, "expected ':' after the key in a { } mapping");
                            }
                            let (value, used) = inner.value(after_key + 1)?;
                            members.push(Member {
                                key,
                                key_span: Span::new(self.at + key_start, self.at + key_start + (after_key - key_start)),
                                value,
                            });
                            j = self.skip(used);
                        } else {
                            let (value, used) = inner.value(j)?;
                            items.push(value);
                            j = self.skip(used);
                        }
                        match bytes.get(j) {
                            Some(b',') => j = self.skip(j + 1),
                            Some(&c) if c == close => {
                                j += 1;
                                break;
                            }
                            _ => {
                                return err(
                                    self.at + j,
                                    format!("expected ',' or '{}' in a flow collection", close as char),
                                )
                            }
                        }
                        if bytes.get(j) == Some(&close) {
                            j += 1;
                            break;
                        }
                    }
                }
                let kind = if close == b'}' { Kind::Object(members) } else { Kind::Array(items) };
                Ok((Json { kind, span: Span::new(self.at + i, self.at + j) }, j))
            }
            Some(b'\'' | b'"') => {
                let (s, used) = quoted(&self.text[i..], self.at + i)?;
                Ok((Json { kind: Kind::String(s), span: Span::new(self.at + i, self.at + i + used) }, i + used))
            }
            Some(_) => {
                let end = self.text[i..].find([',', ']', '}']).map_or(self.text.len(), |e| i + e);
                let raw = self.text[i..end].trim_end();
                Ok((Json { kind: plain(raw), span: Span::new(self.at + i, self.at + i + raw.len()) }, end))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Json {
        let mut p = parse(text).unwrap();
        assert_eq!(p.documents.len(), 1);
        p.documents.remove(0)
    }

    #[test]
    fn block_mappings_sequences_and_scalars_with_spans() {
        let text = "name: prod\nautopilot: {}\nnodePools:\n- name: apps\n  config:\n    workloadMetadataConfig:\n      mode: GKE_METADATA\n  maxPods: '110'\n- name: b\nlocations: [a, 'b']\n";
        let doc = one(text);
        assert_eq!(doc.get("name").unwrap().as_str(), Some("prod"));
        assert_eq!(
            doc.get("autopilot").unwrap().as_object().map(|o| o.len()),
            Some(0)
        );
        let pools = doc.get("nodePools").unwrap().as_array().unwrap();
        assert_eq!(pools.len(), 2);
        let mode = pools[0]
            .path(&["config", "workloadMetadataConfig", "mode"])
            .unwrap();
        assert_eq!(mode.as_str(), Some("GKE_METADATA"));
        assert_eq!(&text[mode.span.range()], "GKE_METADATA");
        let max = pools[0].get("maxPods").unwrap();
        assert_eq!(
            (max.as_str(), &text[max.span.range()]),
            (Some("110"), "'110'")
        );
        assert_eq!(pools[1].get("name").unwrap().as_str(), Some("b"));
        let locs = doc.get("locations").unwrap().as_array().unwrap();
        assert_eq!(locs[1].as_str(), Some("b"));
        let key = doc.member("nodePools").unwrap();
        assert_eq!(&text[key.key_span.range()], "nodePools");
    }

    #[test]
    fn scalar_types_quotes_comments_and_block_scalars() {
        let doc = one("a: true # on\nb: 'it''s'\nc: \"x\\ty\"\nd: 12\ne: ~\nf: 1.2.3\ng: |\n  one\n  two\nh: >-\n  folded\n  text\ni: plain\n  continued\n");
        assert_eq!(doc.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(doc.get("b").unwrap().as_str(), Some("it's"));
        assert_eq!(doc.get("c").unwrap().as_str(), Some("x\ty"));
        assert!(matches!(doc.get("d").unwrap().kind, Kind::Number(_)));
        assert!(doc.get("e").unwrap().is_null());
        assert_eq!(doc.get("f").unwrap().as_str(), Some("1.2.3"));
        assert_eq!(doc.get("g").unwrap().as_str(), Some("one\ntwo\n"));
        assert_eq!(doc.get("h").unwrap().as_str(), Some("folded text"));
        assert_eq!(doc.get("i").unwrap().as_str(), Some("plain continued"));
    }

    #[test]
    fn quoted_values_with_and_without_escapes() {
        // (text, value, bytes used): those without an escape are copied as they are.
        for (text, value, used) in [
            ("'plain' # note", "plain", 7),
            ("\"plain\", more", "plain", 7),
            ("''", "", 2),
            ("\"\"", "", 2),
            ("'it''s' x", "it's", 7),
            ("'a\\b'", "a\\b", 5),
            ("\"a\\\"b\"", "a\"b", 6),
            ("\"tab\\there\"", "tab\there", 11),
            ("\"é\"", "é", 4),
        ] {
            assert_eq!(
                quoted(text, 0).unwrap(),
                (value.to_string(), used),
                "{text}"
            );
        }
        for text in ["'open", "\"open", "'open''", "\"open\\\""] {
            assert!(quoted(text, 0).is_err(), "{text}");
        }
    }

    #[test]
    fn several_documents() {
        let p = parse("---\nname: a\n---\nname: b\n...\n").unwrap();
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.documents[1].get("name").unwrap().as_str(), Some("b"));
    }

    #[test]
    fn wrapped_base64_is_joined_and_noted() {
        let text = "masterAuth:\n  clusterCaCertificate: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUVMVENDQXBX\nZ0F3SUJBZ0lSQU1kZ1d3PT0=\nname: prod\n";
        let p = parse(text).unwrap();
        let cert = p.documents[0]
            .path(&["masterAuth", "clusterCaCertificate"])
            .unwrap();
        assert!(cert.as_str().unwrap().ends_with("Z0F3SUJBZ0lSQU1kZ1d3PT0="));
        assert_eq!(p.documents[0].get("name").unwrap().as_str(), Some("prod"));
        assert_eq!(p.repairs.len(), 1);
    }

    #[test]
    fn errors_are_located() {
        let e = parse("a: 1\n\tb: 2\n").unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(e.message.contains("tab"));
        let e = parse("a:\n  b: 1\n   c: 2\n").unwrap_err();
        assert_eq!(e.offset, 13);
        let e = parse("a: *ref\n").unwrap_err();
        assert!(e.message.contains("aliases"));
        let e = parse("a: {b: 1\n").unwrap_err();
        assert!(e.message.contains("expected ',' or '}'"), "{}", e.message);
        let e = parse("a: 'open\nb: 2\n").unwrap_err();
        assert!(e.message.contains("closing '"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let flow = format!("a: {}", "[".repeat(200_000));
        assert!(parse(&flow).unwrap_err().message.contains("at most 256"));
        let deep: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(parse(&deep).unwrap_err().message.contains("at most 256"));
        // A quoted value that never closes, over many lines, is read in linear time.
        let open = format!("a: 'x\n{}", "  y\n".repeat(200_000));
        assert!(parse(&open).unwrap_err().message.contains("closing"));
    }
}
