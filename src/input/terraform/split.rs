//! The top-level blocks of a Terraform file, found without parsing it: so that a check holds
//! the syntax tree of what its expressions refer to (variables, locals, outputs, module
//! calls, providers) and of one resource at a time, not of the whole file. A file of 1.5 MB
//! parsed whole is a tree of about 30 MB.
//!
//! The scanner knows HCL's strings, templates, heredocs and comments well enough to find where
//! each top-level block ends. It never decides what a file means: every block it finds is
//! parsed by the same parser as a whole file, and when anything does not fit (a block that does
//! not parse alone, an attribute at the top level, a header it does not read) the file is
//! parsed whole instead, as if it had not been split.

use std::cell::Cell;
use std::ops::Range;

use hcl_edit::structure::Body;
use hcl_edit::Decorate;

/// What a top-level block is to the check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Anything expressions can refer to, or that loading reads (variables, locals, outputs,
    /// module calls, providers, `terraform`): parsed once and kept.
    Kept,
    /// A resource or data source of another type: never evaluated, parsed only to check its
    /// syntax.
    Other,
    /// `resource "google_container_cluster" "LABEL"`.
    Cluster(String),
    /// `resource "google_container_node_pool" "LABEL"`.
    Pool(String),
}

/// One top-level block: from its type's first byte to its closing brace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub range: Range<usize>,
    pub kind: Kind,
}

/// The top-level blocks of `text`, in order, and its widest object; `None` when the text is
/// not a sequence of blocks the scanner can follow (which then is parsed whole).
pub fn split(text: &str) -> Option<(Vec<Item>, Widest)> {
    let b = text.as_bytes();
    let mut items = Vec::new();
    let mut widest = Widest::default();
    let mut i = 0;
    loop {
        i = blank(b, i)?;
        if i == b.len() {
            return Some((items, widest));
        }
        let start = i;
        let ident = identifier(b, i)?;
        i = ident.end;
        let mut labels: Vec<Option<&str>> = Vec::new();
        loop {
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            match b.get(i)? {
                b'{' => break,
                b'"' => {
                    let end = string(b, i + 1, &mut widest)?;
                    let inner = &text[i + 1..end - 1];
                    let plain = !inner.contains(['\\', '$', '%']);
                    labels.push(plain.then_some(inner));
                    i = end;
                }
                _ => {
                    let label = identifier(b, i)?;
                    labels.push(Some(&text[label.clone()]));
                    i = label.end;
                }
            }
        }
        let close = expression(b, i + 1, &mut widest)?;
        i = close + 1;
        // Terraform wants a newline after a block; a comment may come first.
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\r')) {
            i += 1;
        }
        match (b.get(i), b.get(i + 1)) {
            (None | Some(b'\n' | b'#'), _) | (Some(b'/'), Some(b'/')) => {}
            _ => return None,
        }
        let kind = match (&text[ident], labels.as_slice()) {
            ("resource", [Some("google_container_cluster"), Some(label)]) => {
                Kind::Cluster(label.to_string())
            }
            ("resource", [Some("google_container_node_pool"), Some(label)]) => {
                Kind::Pool(label.to_string())
            }
            // A label with an escape or a template: kept, to be read as the parser reads it.
            ("resource", [Some("google_container_cluster" | "google_container_node_pool"), ..]) => {
                Kind::Kept
            }
            ("resource" | "data", [Some(_), ..]) => Kind::Other,
            _ => Kind::Kept,
        };
        items.push(Item {
            range: start..close + 1,
            kind,
        });
    }
}

/// The text with every item that is not `Kept` blanked (each byte a space, newlines kept), up
/// to the end of the last kept item: what parses into the kept blocks at their own offsets.
/// `None` when no item is kept.
pub fn kept_text(text: &str, items: &[Item]) -> Option<String> {
    let last = items.iter().rev().find(|item| item.kind == Kind::Kept)?;
    let mut bytes = text.as_bytes()[..last.range.end].to_vec();
    for item in items.iter().filter(|item| item.kind != Kind::Kept) {
        if item.range.end > last.range.end {
            break;
        }
        for byte in &mut bytes[item.range.clone()] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    // Items start and end at ASCII bytes, so whole characters are blanked.
    String::from_utf8(bytes).ok()
}

/// A Terraform file as the check holds it: the tree of its kept blocks (of the whole file when
/// it was parsed whole), and its clusters and node pools, each parsed when it is built.
pub struct Parsed {
    pub body: Body,
    pub deferred: Vec<Deferred>,
}

/// A cluster or node pool resource not parsed yet.
pub struct Deferred {
    pub range: Range<usize>,
    /// A cluster (else a node pool), and its label.
    pub cluster: bool,
    pub label: String,
    /// Whether it was parsed while loading (one never built is parsed once at the end, so that
    /// its syntax is checked as the rest of the file's is).
    pub parsed: Cell<bool>,
}

/// The most entries one object written out may have: the HCL parser looks each new key up
/// among those before it, so its time grows with the square of the entries (natively 20,000
/// take 1.6 s, 40,000 7 s). Real configuration writes objects of hundreds.
pub const MAX_OBJECT_ENTRIES: usize = 20_000;

/// Parses a Terraform file: split into its top-level blocks unless `whole` (what fixes edit),
/// or when the split does not fit (see the module's text). The error is the whole file's, at
/// the parser's offset, or at an object with more than `MAX_OBJECT_ENTRIES` entries.
pub fn parse_file(text: &str, whole: bool) -> Result<Parsed, (usize, String)> {
    let split = if whole { None } else { split(text) };
    let widest = match &split {
        Some((_, widest)) => *widest,
        None => widest_object(text),
    };
    if widest.entries > MAX_OBJECT_ENTRIES {
        return Err((
            widest.at,
            format!(
                "expected at most {MAX_OBJECT_ENTRIES} entries in one object (gkecheck's limit: the HCL parser's time grows with the square of an object's entries), found {}: this file was not checked",
                widest.entries
            ),
        ));
    }
    if let Some(parsed) = split.and_then(|(items, _)| parse_split(text, items)) {
        return Ok(parsed);
    }
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        (
            e.location().offset(),
            format!("expected valid Terraform (HCL): {}", e.message()),
        )
    })?;
    Ok(Parsed {
        body: compact(body),
        deferred: Vec::new(),
    })
}

/// The kept blocks parsed together, the other resources parsed one by one (their syntax checked,
/// their trees let go), clusters and node pools left for later; `None` when a part does not parse.
fn parse_split(text: &str, items: Vec<Item>) -> Option<Parsed> {
    let body = match kept_text(text, &items) {
        Some(kept) => {
            let mut body = compact(hcl_edit::parser::parse_body(&kept).ok()?);
            // A kept block's decor holds what comes before it, blanked resources included
            // (outputs after a megabyte of resources). The check reads no decor: comments
            // are read from the text, and fixes parse files whole.
            for i in 0..body.len() {
                if let Some(structure) = body.get_mut(i) {
                    structure.decor_mut().clear();
                }
            }
            body
        }
        None => Body::default(),
    };
    let mut deferred = Vec::new();
    for item in items {
        let (cluster, label) = match item.kind {
            Kind::Kept => continue,
            Kind::Other => {
                hcl_edit::parser::parse_body(&text[item.range]).ok()?;
                continue;
            }
            Kind::Cluster(label) => (true, label),
            Kind::Pool(label) => (false, label),
        };
        deferred.push(Deferred {
            range: item.range,
            cluster,
            label,
            parsed: Cell::new(false),
        });
    }
    Some(Parsed { body, deferred })
}

/// Parses one deferred resource: a body of one block, its spans counted from `range.start`.
pub fn parse_deferred(text: &str, deferred: &Deferred) -> Option<Body> {
    deferred.parsed.set(true);
    hcl_edit::parser::parse_body(text.get(deferred.range.clone())?).ok()
}

/// The parser's lists grow by doubling, and most of a file's tree is such lists (a block's
/// body, each entry a large value): a copy of each top-level block holds exactly what it needs
/// (3,500 pools in a file per cluster parsed whole: 76 -> 53 MB at the peak).
fn compact(mut body: Body) -> Body {
    for i in 0..body.len() {
        if let Some(structure) = body.get_mut(i) {
            *structure = structure.clone();
        }
    }
    body
}

/// Past spaces, newlines and comments; `None` at a comment that does not end.
fn blank(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        match (b.get(i), b.get(i + 1)) {
            (Some(b' ' | b'\t' | b'\n' | b'\r'), _) => i += 1,
            (Some(b'#'), _) | (Some(b'/'), Some(b'/')) => i = line_end(b, i),
            (Some(b'/'), Some(b'*')) => i = comment_end(b, i + 2)?,
            _ => return Some(i),
        }
    }
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

/// Whether a line ends at `i` (`\n` or `\r\n`).
fn line_ends(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(b'\n') => true,
        Some(b'\r') => b.get(i + 1) == Some(&b'\n'),
        _ => false,
    }
}

/// Past the `*/` of a comment whose text starts at `i`.
fn comment_end(b: &[u8], i: usize) -> Option<usize> {
    b.get(i..)?
        .windows(2)
        .position(|w| w == b"*/")
        .map(|p| i + p + 2)
}

/// An identifier (ASCII letters, digits, `_` and `-`, not starting with a digit or `-`) at `i`.
fn identifier(b: &[u8], i: usize) -> Option<Range<usize>> {
    if !b.get(i)?.is_ascii_alphabetic() && b[i] != b'_' {
        return None;
    }
    let len = b[i..]
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-'))
        .unwrap_or(b.len() - i);
    Some(i..i + len)
}

/// The object written out with the most entries (an entry ends at a comma or a line end), and
/// where its `{` is: the HCL parser's time grows with the square of an object's entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Widest {
    pub entries: usize,
    pub at: usize,
}

/// What an expression's brackets have opened.
enum Open {
    /// An object (`{` after `=`, `:`, `(`, `[`, `,`, `?`, `=>` or another `{`): its entries so
    /// far, and whether one has begun since the last comma or line end.
    Object {
        at: usize,
        entries: usize,
        begun: bool,
    },
    /// A block's body (`{` after its type or a label), a list or parentheses.
    Other,
}

impl Open {
    fn begin(open: &mut [Open]) {
        if let Some(Open::Object { begun, .. }) = open.last_mut() {
            *begun = true;
        }
    }

    fn end_entry(open: &mut [Open], widest: &mut Widest) {
        if let Some(Open::Object { at, entries, begun }) = open.last_mut() {
            if *begun {
                *entries += 1;
                *begun = false;
                if *entries > widest.entries {
                    *widest = Widest {
                        entries: *entries,
                        at: *at,
                    };
                }
            }
        }
    }
}

/// In an expression (a block's body, an interpolation): the offset of the `}` that closes it.
/// Counts the entries of the objects on the way into `widest`.
fn expression(b: &[u8], mut i: usize, widest: &mut Widest) -> Option<usize> {
    let mut open: Vec<Open> = Vec::new();
    // The last byte that is neither blank nor in a comment: what tells an object's `{` from a
    // block's.
    let mut prev = b'{';
    while i < b.len() {
        let c = b[i];
        match (c, b.get(i + 1)) {
            (b' ' | b'\t' | b'\r', _) => {
                i += 1;
                continue;
            }
            (b'#', _) | (b'/', Some(b'/')) => {
                i = line_end(b, i);
                continue;
            }
            (b'/', Some(b'*')) => {
                i = comment_end(b, i + 2)?;
                continue;
            }
            (b'{', _) => {
                Open::begin(&mut open);
                let block =
                    prev == b'"' || prev == b'_' || prev == b'-' || prev.is_ascii_alphanumeric();
                open.push(if block {
                    Open::Other
                } else {
                    Open::Object {
                        at: i,
                        entries: 0,
                        begun: false,
                    }
                });
                i += 1;
            }
            (b'}', _) => {
                Open::end_entry(&mut open, widest);
                if open.pop().is_none() {
                    return Some(i);
                }
                i += 1;
            }
            (b'(' | b'[', _) => {
                Open::begin(&mut open);
                open.push(Open::Other);
                i += 1;
            }
            (b')' | b']', _) => {
                open.pop();
                i += 1;
            }
            (b',' | b'\n', _) => {
                Open::end_entry(&mut open, widest);
                i += 1;
                if c == b'\n' {
                    continue;
                }
            }
            (b'"', _) => {
                Open::begin(&mut open);
                i = string(b, i + 1, widest)?;
            }
            (b'<', Some(b'<')) => {
                Open::begin(&mut open);
                i = heredoc(b, i, widest)?;
            }
            _ => {
                Open::begin(&mut open);
                i += 1;
            }
        }
        prev = c;
    }
    None
}

/// The widest object of a text read whole (a variable file, or a file not split).
pub fn widest_object(text: &str) -> Widest {
    let (b, mut widest, mut i) = (text.as_bytes(), Widest::default(), 0);
    while let Some(close) = expression(b, i, &mut widest) {
        i = close + 1;
    }
    widest
}

/// A quoted template whose text starts at `i`: the offset past its closing quote.
fn string(b: &[u8], mut i: usize, widest: &mut Widest) -> Option<usize> {
    while i < b.len() {
        i = match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'\\', _, _) => i + 2,
            (b'"', _, _) => return Some(i + 1),
            // A quoted string ends on its line; one that does not is not valid HCL.
            (b'\n', _, _) => return None,
            (b'$', Some(b'$'), Some(b'{')) | (b'%', Some(b'%'), Some(b'{')) => i + 3,
            (b'$' | b'%', Some(b'{'), _) => expression(b, i + 2, widest)? + 1,
            _ => i + 1,
        };
    }
    None
}

/// `<<MARKER` or `<<-MARKER` at `i`, then lines up to the one that holds the marker alone:
/// the offset past the marker. Anything else at `<<` is passed over (the parser judges it).
fn heredoc(b: &[u8], i: usize, widest: &mut Widest) -> Option<usize> {
    let mut at = i + 2;
    if b.get(at) == Some(&b'-') {
        at += 1;
    }
    let Some(marker) = identifier(b, at) else {
        return Some(i + 2);
    };
    if !line_ends(b, marker.end) {
        return Some(i + 2);
    }
    let marker = &b[marker];
    let mut line = i;
    // `line` is always at a newline here: the next line starts after it.
    loop {
        let mut at = line + 1;
        let mut first = at;
        while matches!(b.get(first), Some(b' ' | b'\t')) {
            first += 1;
        }
        if b[first..].starts_with(marker) {
            let end = first + marker.len();
            let mut rest = end;
            while matches!(b.get(rest), Some(b' ' | b'\t')) {
                rest += 1;
            }
            if b.get(rest).is_none() || line_ends(b, rest) {
                return Some(end);
            }
        }
        loop {
            match (b.get(at)?, b.get(at + 1), b.get(at + 2)) {
                (b'\n', _, _) => break,
                (b'$', Some(b'$'), Some(b'{')) | (b'%', Some(b'%'), Some(b'{')) => at += 3,
                (b'$' | b'%', Some(b'{'), _) => at = expression(b, at + 2, widest)? + 1,
                _ => at += 1,
            }
        }
        line = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Option<Vec<(String, Kind)>> {
        split(text).map(|(items, _)| {
            items
                .into_iter()
                .map(|item| (text[item.range].to_string(), item.kind))
                .collect()
        })
    }

    #[test]
    fn blocks_are_found_with_their_kinds() {
        let text = "# a comment\nvariable \"x\" {\n  default = \"}\"\n}\n\nresource \"google_container_cluster\" \"main\" {\n  name = \"a\"\n  node_config {\n    labels = { a = \"b\" }\n  }\n} # after\nresource \"google_compute_network\" \"n\" {}\ndata \"google_project\" \"p\" {\n}\n/* block\ncomment */ resource \"google_container_node_pool\" \"p1\" { name = \"x\" }\n// end";
        let found = kinds(text).unwrap();
        let summary: Vec<&Kind> = found.iter().map(|(_, k)| k).collect();
        assert_eq!(
            summary,
            [
                &Kind::Kept,
                &Kind::Cluster("main".into()),
                &Kind::Other,
                &Kind::Other,
                &Kind::Pool("p1".into()),
            ]
        );
        assert_eq!(found[0].0, "variable \"x\" {\n  default = \"}\"\n}");
        assert!(found[1].0.ends_with("  }\n}"));
        assert_eq!(
            found[4].0,
            "resource \"google_container_node_pool\" \"p1\" { name = \"x\" }"
        );
    }

    #[test]
    fn templates_heredocs_and_comments_hide_their_braces() {
        let text = r#"resource "google_container_cluster" "c" {
  a = "${var.x == "}" ? "{" : "}"}"
  b = "$${not an interpolation"
  c = "%{ if true }{%{ endif }"
  # a comment with a brace }
  // another {
  /* and } a block comment */
  d = <<-EOT
    text } with a brace
    ${ { k = "}" }["k"] } EOT
    EOT
  e = <<EOT
}
EOT
}
locals {
  x = 1
}
"#;
        let found = kinds(text).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].1, Kind::Cluster("c".into()));
        assert!(found[0].0.ends_with("EOT\n}"));
        assert_eq!(found[1].0, "locals {\n  x = 1\n}");
    }

    #[test]
    fn what_the_scanner_does_not_follow_is_parsed_whole() {
        for text in [
            // An attribute at the top level (a .tfvars file's shape).
            "x = 1\n",
            // A block that does not end.
            "resource \"a\" \"b\" {\n",
            // Two blocks on one line (Terraform rejects it; the parser says where).
            "locals {} locals {}\n",
            // A stray brace.
            "}\n",
            // A quoted string across lines.
            "locals {\n  a = \"x\n\"\n}\n",
            // A heredoc that does not end.
            "locals {\n  a = <<EOT\nx\n}\n",
            // A comment that does not end.
            "/* x\n",
            // A label that is not a string or identifier.
            "resource 1 {}\n",
        ] {
            assert_eq!(kinds(text), None, "{text:?}");
        }
        // A label with an escape or template is read, and the block kept whole.
        assert_eq!(
            kinds("resource \"google_container_cluster\" \"a\\u0062\" {}\n").unwrap()[0].1,
            Kind::Kept
        );
    }

    #[test]
    fn many_broken_files_each_get_their_error() {
        let broken = "resource \"google_container_node_pool\" \"p\" {\n  cluster = \"c\"\n  node_count = = 1\n}\n";
        let good = "resource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n}\n";
        let mut inputs: Vec<crate::Input> = (0..20)
            .map(|i| crate::Input::new(format!("d{i}/main.tf"), broken))
            .collect();
        inputs.push(crate::Input::new("ok/main.tf", good));
        same(&inputs);
        let a = split_analysis(&inputs);
        assert_eq!(a.problems.len(), 20);
        assert!(a
            .problems
            .values()
            .all(|p| p.offset == broken.find("= 1").unwrap()));
        assert_eq!(a.model.clusters.len(), 1);
        assert!(a.model.node_pools.iter().all(|p| p.site.input == 20));
    }

    #[test]
    fn objects_are_measured_by_their_entries_and_blocks_are_not() {
        let entries = |text: &str| widest_object(text).entries;
        assert_eq!(entries("x = {a = 1, b = 2}\n"), 2);
        // A comma and a line end after one entry end it once; blank lines and comments are
        // no entries.
        assert_eq!(entries("x = {\n  a = 1,\n\n  # c\n  b = 2,\n}\n"), 2);
        // Nested objects each count their own; lists of objects, function arguments and
        // interpolations hold objects too.
        assert_eq!(
            entries("x = {\n  a = { p = 1, q = 2, r = 3 }\n  b = merge({ s = 1 }, [{ t = f(1, 2, 3) }])\n}\n"),
            3
        );
        assert_eq!(
            entries("x = \"${ { a = 1, b = 2, c = 3, d = 4 }[\"a\"] }\"\n"),
            4
        );
        // A block's body is not an object, however many attributes it holds.
        let body = format!("locals {{\n{}}}\n", "  a = 1\n".repeat(50));
        assert_eq!(entries(&body), 0);
        let blocks = "resource \"a\" \"b\" {\n  x = 1\n  y = 2\n  dynamic \"d\" {\n    for_each = {k = 1}\n    content {\n      z = 1\n    }\n  }\n}\n";
        assert_eq!(entries(blocks), 1);
        // The split reads the same.
        assert_eq!(split(blocks).unwrap().1.entries, 1);
        assert_eq!(widest_object("x = {a = 1, b = 2}").at, 4);
    }

    #[test]
    fn an_object_past_the_limit_is_the_files_error_before_it_is_parsed() {
        let n = MAX_OBJECT_ENTRIES + 1;
        let object: String = (0..n).map(|i| format!("    k{i} = {i}\n")).collect();
        let text = format!("locals {{\n  big = {{\n{object}  }}\n}}\n");
        for whole in [false, true] {
            let Err((offset, message)) = parse_file(&text, whole) else {
                panic!("read");
            };
            assert_eq!(offset, text.find("= {").unwrap() + 2);
            assert!(message.contains(&format!("found {n}")), "{message}");
        }
        // A block body of as many attributes is no object: read (in linear time).
        let body: String = (0..n).map(|i| format!("  k{i} = {i}\n")).collect();
        assert!(parse_file(&format!("locals {{\n{body}}}\n"), false).is_ok());
    }

    #[test]
    fn windows_line_ends_are_split_too() {
        let text = "locals {\r\n  doc = <<EOT\r\n}\r\nEOT\r\n}\r\nresource \"google_container_cluster\" \"a\" {\r\n  name = \"a\"\r\n}\r\n";
        let found = kinds(text).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].1, Kind::Cluster("a".into()));
        assert_eq!(parse_file(text, false).unwrap().deferred.len(), 1);
        same(&[crate::Input::new("main.tf", text)]);
    }

    #[test]
    fn kept_blocks_hold_no_blanked_text() {
        let resource = "resource \"google_compute_network\" \"n\" {\n  name = \"n\"\n}\n";
        let text = format!(
            "{}output \"x\" {{\n  value = 1\n}}\n",
            resource.repeat(1000)
        );
        let parsed = parse_file(&text, false).unwrap();
        let output = parsed.body.iter().next().unwrap();
        assert!(output.decor().prefix().is_none());
        assert_eq!(parsed.body.len(), 1);
    }

    #[test]
    fn kept_text_blanks_the_rest_at_the_same_offsets() {
        let text = "resource \"google_container_cluster\" \"é\" {\n  a = 1\n}\nlocals {\n  x = 1\n}\nresource \"x\" \"y\" {}\n";
        let (items, _) = split(text).unwrap();
        let kept = kept_text(text, &items).unwrap();
        let locals = &items[1].range;
        assert_eq!(&kept[locals.clone()], &text[locals.clone()]);
        assert_eq!(kept.len(), locals.end);
        assert_eq!(kept.matches('\n').count(), 5);
        assert!(kept[..items[0].range.end].trim().is_empty());
        assert_eq!(kept_text(text, &items[..1]), None);
    }

    /// A check of `inputs`, its Terraform split or whole, every outcome kept.
    fn analysis(inputs: &[crate::Input], whole: bool) -> crate::Analysis {
        crate::analyze_keeping(
            inputs,
            &crate::Options::default(),
            whole,
            false,
            &mut |_| true,
        )
    }

    fn split_analysis(inputs: &[crate::Input]) -> crate::Analysis {
        analysis(inputs, false)
    }

    /// The model, problems and notes of a check of `inputs`, its Terraform split or whole.
    fn both(inputs: &[crate::Input]) -> [String; 2] {
        [false, true].map(|whole| {
            let a = analysis(inputs, whole);
            format!("{:#?}\n{:#?}\n{:#?}", a.model, a.problems, a.notes)
        })
    }

    fn same(inputs: &[crate::Input]) {
        let [split, whole] = both(inputs);
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        assert!(split == whole, "{names:?}:\n{split}\n---\n{whole}");
    }

    /// The Terraform files below `dir`, named from `dir` up.
    fn tree(dir: &std::path::Path, name: &str, out: &mut Vec<crate::Input>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let file = entry.file_name().to_string_lossy().to_string();
            let path = entry.path();
            if path.is_dir() {
                tree(&path, &format!("{name}/{file}"), out);
            } else if file.ends_with(".tf") || file.ends_with(".tfvars") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push(crate::Input::new(format!("{name}/{file}"), text));
            }
        }
    }

    #[test]
    fn split_and_whole_files_check_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixtures = root.join("tests/fixtures/terraform");
        for entry in std::fs::read_dir(&fixtures).unwrap().flatten() {
            if entry.path().is_dir() {
                let mut inputs = Vec::new();
                let name = entry.file_name().to_string_lossy().to_string();
                tree(&entry.path(), &name, &mut inputs);
                same(&inputs);
            }
        }
        let corpus = root.join("../shared/corpus");
        if !corpus.is_dir() {
            eprintln!("skipped the corpus: ../shared/corpus is not beside this clone");
            return;
        }
        let mut files = Vec::new();
        tree(&corpus.join("terraform"), "terraform", &mut files);
        assert!(!files.is_empty());
        for file in files {
            same(&[file]);
        }
        let mut module = Vec::new();
        tree(&corpus.join("modules"), "modules", &mut module);
        same(&module);
    }

    #[test]
    fn shapes_the_scanner_meets_check_the_same() {
        let cluster = |label: &str, body: &str| {
            format!("resource \"google_container_cluster\" \"{label}\" {{\n  name = \"{label}\"\n  location = \"europe-west1\"\n{body}\n}}\n")
        };
        let texts = [
            // Heredocs, templates with braces, comments between blocks and after them.
            format!(
                "locals {{\n  doc = <<-EOT\n    }} {{ ${{\"}}\"}}\n    EOT\n}}\n# between\n{}/* a */\n{} // after\n",
                cluster("a", "  description = \"${local.doc}}\""),
                cluster("b", "  workload_identity_config {\n    workload_pool = \"p.svc.id.goog\"\n  }"),
            ),
            // A pool before its cluster, and a label with an escape (kept whole).
            format!(
                "resource \"google_container_node_pool\" \"p\" {{\n  cluster = google_container_cluster.a.name\n  node_config {{\n    workload_metadata_config {{ mode = \"GKE_METADATA\" }}\n  }}\n}}\n{}resource \"google_container_cluster\" \"\\u0063\" {{\n  name = \"c\"\n}}\n",
                cluster("a", ""),
            ),
            // Two blocks on one line: the parser's own error.
            format!("{}locals {{}} locals {{}}\n", cluster("a", "")),
        ];
        // The first two are split (the third cannot be: it is parsed whole, to its error).
        let split: Vec<usize> = texts
            .iter()
            .map(|t| parse_file(t, false).map_or(0, |p| p.deferred.len()))
            .collect();
        assert_eq!(split, [2, 2, 0]);
        for text in texts {
            same(&[crate::Input::new("main.tf", text)]);
        }
    }

    #[test]
    fn a_cluster_or_pool_that_does_not_parse_is_the_files_error() {
        let main = "locals {\n  name = \"a\"\n}\nresource \"google_container_cluster\" \"a\" {\n  name = local.name\n}\nresource \"google_container_node_pool\" \"p\" {\n  cluster = google_container_cluster.a.name\n  node_count = = 1\n}\n";
        // Inside a module no instance builds (`count = 0`): its syntax is checked all the same.
        let unused = "resource \"google_container_cluster\" \"b\" {\n  name = [\n}\n";
        let other = "resource \"google_container_cluster\" \"ok\" {\n  name = \"ok\"\n}\nmodule \"m\" {\n  source = \"./m\"\n  count = 0\n}\n";
        let inputs = [
            crate::Input::new("a/main.tf", main),
            crate::Input::new("b/main.tf", other),
            crate::Input::new("b/m/main.tf", unused),
        ];
        same(&inputs);
        let a = split_analysis(&inputs);
        let problem = &a.problems[&0];
        assert_eq!(problem.offset, main.find("= 1").unwrap(), "{problem:?}");
        assert!(problem
            .message
            .starts_with("expected valid Terraform (HCL)"));
        assert!(a.problems[&2]
            .message
            .starts_with("expected valid Terraform (HCL)"));
        // The other directory is still checked, and nothing of the broken files is.
        let names: Vec<_> = a
            .model
            .clusters
            .iter()
            .map(|c| c.site.address.to_string())
            .collect();
        assert_eq!(names, ["google_container_cluster.ok"]);
        assert!(a.model.node_pools.iter().all(|p| p.site.input == 1));
    }
}
