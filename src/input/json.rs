//! A JSON parser that keeps the byte span of every value and key.
//!
//! The rules point at the exact place in the text a person pasted, so the parsed tree has to
//! remember where each value came from. Nesting is limited so that hostile input gets a
//! located error instead of exhausting the stack (in the browser as much as in the CLI).

use crate::span::Span;

/// The deepest nesting accepted. Real GKE and Terraform plan output stays below 30.
pub const MAX_DEPTH: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Json,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl Json {
    /// The value of `key` in an object (the last one when a key is repeated, as JavaScript does).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match &self.kind {
            Kind::Object(members) => members
                .iter()
                .rev()
                .find(|m| m.key == key)
                .map(|m| &m.value),
            _ => None,
        }
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            Kind::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    /// Follows a path of object keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Json> {
        keys.iter().try_fold(self, |value, key| value.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// Parses one JSON document (surrounding white space allowed).
pub fn parse(text: &str) -> Result<Json, ParseError> {
    one_document(Parser::new(text))
}

/// The one value a parser's text holds: every value is read, so that what follows the first
/// is placed as the error.
fn one_document(parser: Parser) -> Result<Json, ParseError> {
    let mut values = Vec::new();
    values_of(parser, |v| values.push(v))?;
    match values.len() {
        1 => Ok(values.remove(0)),
        0 => Err(ParseError {
            offset: 0,
            message: "expected a JSON value, found no text".into(),
        }),
        _ => Err(ParseError {
            offset: values[1].span.start(),
            message: "expected the end of the input after the first JSON value".into(),
        }),
    }
}

/// The lists of a Terraform plan that hold resources: the modules' `resources` (in
/// `planned_values`, `prior_state` and `configuration`), `resource_changes` and
/// `resource_drift`.
const RESOURCE_LISTS: [&str; 3] = ["resources", "resource_changes", "resource_drift"];

/// Parses a Terraform plan (one JSON document, as [`parse`] does), keeping of its resource
/// lists ([`RESOURCE_LISTS`]) only the clusters' and node pools' entries: a plan of a large
/// estate is mostly other resources, which no check reads, and each is let go as soon as it
/// is read. Everything is read, so a syntax error is found and placed as [`parse`] finds it;
/// what is kept is what [`parse`] gives, with its places, and lists inside a kept resource
/// are kept whole.
pub fn parse_plan(text: &str) -> Result<Json, ParseError> {
    let mut parser = Parser::new(text);
    parser.gke_only = true;
    one_document(parser)
}

/// Whether a plan's resource entry is some other resource than a GKE cluster or node pool:
/// an object with an `address`, a `mode` and a `type`, of another type (a value inside a
/// resource has never all three).
fn other_resource(entry: &Json) -> bool {
    let text = |key| entry.get(key).and_then(Json::as_str);
    text("address").is_some()
        && matches!(text("mode"), Some("managed" | "data"))
        && text("type").is_some_and(|t| !t.starts_with("google_container_"))
}

/// Reads a stream of JSON values separated by white space, as `jq` prints them, one at a time,
/// handing each to `each` before reading the next: a long stream never holds more than one
/// value's tree.
pub fn each_value(text: &str, each: impl FnMut(Json)) -> Result<(), ParseError> {
    values_of(Parser::new(text), each)
}

/// Every value a parser's text holds, each handed to `each` as it is read.
fn values_of(mut parser: Parser, mut each: impl FnMut(Json)) -> Result<(), ParseError> {
    loop {
        parser.skip_ws();
        if parser.pos >= parser.bytes.len() {
            return Ok(());
        }
        each(parser.value()?);
    }
}

/// What [`each_part`] hands on, in the order of the text.
pub enum Part {
    /// A top-level value begins.
    Start,
    /// An item of a top-level array, or of the `clusters` array of a top-level object, read
    /// on its own.
    Item(Json),
    /// An item of a top-level object's `nodePools` list, held until the rest of the object is
    /// known (a cluster's pools are added after the cluster, whose fields gcloud writes after
    /// `nodePools`): the first items of the list, up to `HELD_POOL_BYTES` of its text.
    Held(Json),
    /// An item of that list past those: read (its syntax is checked) and let go, its place
    /// kept to read it again once the rest of the object is known.
    Later(Span),
    /// A member of the top-level object named as a list whose items went before (`true`:
    /// `clusters`, as `Item`s; `false`: `nodePools`, as `Held`s and `Later`s): a name's last member is its
    /// value, so what those items gave is taken back.
    Repeated { clusters: bool },
    /// The top-level value, with the arrays whose items went as `Item`s or `Later`s left
    /// empty, and how many went as `Item`s.
    End { value: Json, items: usize },
}

/// How much of the text of a top-level object's `nodePools` items is held as their trees
/// until the rest of the object is known (a tree takes about three times its text); the items
/// past it are read again then (see [`Part::Later`]). A cluster of gcloud output takes a few
/// kilobytes a pool: a stream of clusters reads each pool once, and a `describe` of thousands of
/// pools holds the trees of about two hundred.
pub const HELD_POOL_BYTES: usize = 256 * 1024;

/// Reads a stream of JSON values as [`each_value`] does, but hands on the items of the lists
/// gcloud output is made of (a top-level array, as `clusters list` prints; the `clusters` of a
/// top-level object, as the API's list response has them) one at a time, before the next is
/// read: a list of a large project never holds more than one cluster's tree, and a cluster not
/// more than one pool's.
pub fn each_part(text: &str, mut each: impl FnMut(Part)) -> Result<(), ParseError> {
    let mut parser = Parser::new(text);
    loop {
        parser.skip_ws();
        let start = parser.pos;
        let Some(&first) = parser.bytes.get(start) else {
            return Ok(());
        };
        each(Part::Start);
        let (value, items) = match first {
            b'[' | b'{' => {
                parser.depth += 1;
                let read = if first == b'[' {
                    parser
                        .items(&mut |item| each(Part::Item(item)))
                        .map(|items| (Kind::Array(Vec::new()), items))
                } else {
                    parser.object_with(Some(&mut each))
                };
                parser.depth -= 1;
                let (kind, items) = read?;
                let span = Span::new(start, parser.pos);
                (Json { kind, span }, items)
            }
            _ => (parser.value()?, 0),
        };
        each(Part::End { value, items });
    }
}

/// The value at `span` of `text` (a `Part::Later`), its places those of `text`.
pub fn parse_at(text: &str, span: Span) -> Result<Json, ParseError> {
    let mut parser = Parser::new(text);
    parser.pos = span.start();
    parser.value()
}

/// Every value of a stream of JSON values (see `each_value`).
pub fn parse_stream(text: &str) -> Result<Vec<Json>, ParseError> {
    let mut values = Vec::new();
    each_value(text, |v| values.push(v))?;
    Ok(values)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
    /// The members of the objects being read, innermost last: each object's are moved into a
    /// list of its exact size when it ends (lists grown a member at a time, then shrunk, cost
    /// two or three copies of every member).
    members: Vec<Member>,
    /// Room for arrays' items, lent to each array as it is read (see [`gathered`]).
    spare_items: Vec<Json>,
    /// Whether other resources than GKE's are left out of a plan's resource lists (see
    /// [`parse_plan`]).
    gke_only: bool,
}

/// The items `read` pushes onto a list lent from `spare(parser)`, in a list of their exact
/// size: a tree of gcloud output holds thousands of lists, and lists grown an item at a time
/// (then shrunk) cost copies of every item and a quarter of the tree's memory in spare room. A
/// list read inside `read` is lent another; the larger of the two is kept for the next.
pub(super) fn gathered<P, T, R>(
    parser: &mut P,
    spare: fn(&mut P) -> &mut Vec<T>,
    read: impl FnOnce(&mut P, &mut Vec<T>) -> R,
) -> (Vec<T>, R) {
    let mut lent = std::mem::take(spare(parser));
    let base = lent.len();
    let result = read(parser, &mut lent);
    let list = lent.drain(base..).collect();
    let kept = spare(parser);
    if lent.capacity() > kept.capacity() {
        *kept = lent;
    }
    (list, result)
}

/// Where the plain run of a string's text that starts at `at` ends: at its first quote,
/// backslash or control character, or at the end of `bytes`. Eight bytes at a time.
#[inline]
fn plain_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(chunk) = bytes.get(at..at + 8) {
        let found = string_specials(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

/// The high bit of each of the eight bytes of `word` (little-endian: the first byte lowest)
/// that is a control character (below 0x20), a quote or a backslash, and of no other: the
/// bytes a JSON string's plain text ends at, and those a writer escapes. Each byte is tested
/// on its own (no carry crosses a byte), so the lowest bit set is the first such byte.
#[inline(always)]
pub(crate) fn string_specials(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let low = !HIGHS;
    // The high bit of each byte that is zero.
    let zeros = |v: u64| !(((v & low) + low) | v) & HIGHS;
    // Below 0x20: bits 5 and 6 clear, and the high bit too.
    let control = zeros(word & (ONES * 0x60)) & !word;
    control | zeros(word ^ (ONES * u64::from(b'"'))) | zeros(word ^ (ONES * u64::from(b'\\')))
}

impl Parser<'_> {
    fn new(text: &str) -> Parser<'_> {
        Parser {
            bytes: text.as_bytes(),
            text,
            // A byte-order mark is sometimes left at the start of a saved file.
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            depth: 0,
            members: Vec::new(),
            spare_items: Vec::new(),
            gke_only: false,
        }
    }

    fn error<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            offset,
            message: message.into(),
        })
    }

    fn skip_ws(&mut self) {
        // A pretty-printed document's indentation, eight spaces at a time.
        while self.bytes.get(self.pos..self.pos + 8) == Some(b"        ") {
            self.pos += 8;
        }
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn found(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "the end of the input".into(),
            Some(c) => format!("{c:?}"),
        }
    }

    fn value(&mut self) -> Result<Json, ParseError> {
        self.skip_ws();
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            None => return self.error(start, "expected a JSON value, found the end of the input"),
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                return self.error(
                    start,
                    format!("expected a JSON value, found {}", self.found()),
                )
            }
        };
        Ok(Json {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Kind, ParseError>,
    ) -> Result<Kind, ParseError> {
        if self.depth >= MAX_DEPTH {
            return self.error(
                self.pos,
                format!("expected at most {MAX_DEPTH} levels of nested arrays and objects"),
            );
        }
        self.depth += 1;
        let kind = parse(self);
        self.depth -= 1;
        kind
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, ParseError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            self.error(
                self.pos,
                format!("expected a JSON value, found {}", self.found()),
            )
        }
    }

    fn number(&mut self) -> Result<Kind, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while let Some(b'0'..=b'9') = p.bytes.get(p.pos) {
                p.pos += 1;
            }
            p.pos > from
        };
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        if !digits(self) {
            return self.error(
                self.pos,
                format!("expected a digit, found {}", self.found()),
            );
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return self.error(
                    self.pos,
                    format!("expected a digit, found {}", self.found()),
                );
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return self.error(
                    self.pos,
                    format!("expected a digit, found {}", self.found()),
                );
            }
        }
        Ok(Kind::Number(self.text[start..self.pos].to_string()))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.pos = plain_end(self.bytes, open + 1);
        if self.bytes.get(self.pos) == Some(&b'"') {
            // Most strings escape nothing: their text, copied once at its own size.
            self.pos += 1;
            return Ok(self.text[open + 1..self.pos - 1].to_owned());
        }
        let mut out = String::from(&self.text[open + 1..self.pos]);
        loop {
            match self.bytes.get(self.pos) {
                None => {
                    return self.error(open, "expected a closing '\"' for this string, found the end of the input")
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                    let run = self.pos;
                    self.pos = plain_end(self.bytes, self.pos);
                    out.push_str(&self.text[run..self.pos]);
                }
                Some(_) => {
                    return self.error(
                        self.pos,
                        "expected '\\n' or another escape instead of a raw control character or line break inside a string",
                    )
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, ParseError> {
        let at = self.pos - 1;
        let c = match self.bytes.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let high = self.hex4(at)?;
                if (0xD800..0xDC00).contains(&high) && self.text[self.pos..].starts_with("\\u") {
                    self.pos += 2;
                    let low = self.hex4(at)?;
                    if (0xDC00..0xE000).contains(&low) {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    return Ok('\u{fffd}');
                }
                return Ok(char::from_u32(high).unwrap_or('\u{fffd}'));
            }
            _ => {
                return self.error(
                    at,
                    "expected a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                )
            }
        };
        self.pos += 1;
        Ok(c)
    }

    fn hex4(&mut self, at: usize) -> Result<u32, ParseError> {
        let digits = self.text.get(self.pos..self.pos + 4);
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) if digits.is_some_and(|d| d.bytes().all(|b| b.is_ascii_hexdigit())) => {
                self.pos += 4;
                Ok(v)
            }
            _ => self.error(at, "expected four hexadecimal digits after \\u"),
        }
    }

    fn array(&mut self) -> Result<Kind, ParseError> {
        let (list, read) = gathered(
            self,
            |p| &mut p.spare_items,
            |p, list| p.items(&mut |item| list.push(item)),
        );
        read?;
        Ok(Kind::Array(list))
    }

    /// Reads a plan's resource list (at its `[`), keeping only GKE's entries, and each entry
    /// whole: a resource's values are never left out of.
    fn gke_resources(&mut self) -> Result<Kind, ParseError> {
        self.gke_only = false;
        let (list, read) = gathered(
            self,
            |p| &mut p.spare_items,
            |p, list| {
                p.items(&mut |entry| {
                    if !other_resource(&entry) {
                        list.push(entry);
                    }
                })
            },
        );
        self.gke_only = true;
        read?;
        Ok(Kind::Array(list))
    }

    /// Reads an array (at its `[`), handing each item to `each` as it is read; returns how
    /// many there were.
    fn items(&mut self, each: &mut dyn FnMut(Json)) -> Result<usize, ParseError> {
        self.pos += 1;
        let mut count = 0;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(count);
        }
        loop {
            each(self.value()?);
            count += 1;
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(count);
                }
                _ => {
                    return self.error(
                        self.pos,
                        format!(
                            "expected ',' or ']' after an array element, found {}",
                            self.found()
                        ),
                    )
                }
            }
        }
    }

    /// Reads a list (at its `[`) whose items go to `each` as they are read, as `Item`s
    /// (`clusters`, counted in `count`) or as the places of `Later`s; the list is left empty.
    fn list_apart(
        &mut self,
        clusters: bool,
        each: &mut dyn FnMut(Part),
        count: &mut usize,
    ) -> Result<Json, ParseError> {
        let start = self.pos;
        // As deep as the list read whole would be.
        self.depth += 1;
        let read = if clusters {
            self.items(&mut |item| each(Part::Item(item)))
        } else {
            // The first pools are held, the rest read again: held, a large cluster's pools
            // would cost their trees at once; read again, a stream of small clusters would
            // cost its pools' parsing twice.
            let mut held: usize = 0;
            self.items(&mut |item| {
                held = held.saturating_add(item.span.end() - item.span.start());
                if held <= HELD_POOL_BYTES {
                    each(Part::Held(item));
                } else {
                    held = usize::MAX;
                    each(Part::Later(item.span));
                }
            })
            .map(|_| 0)
        };
        self.depth -= 1;
        *count += read?;
        Ok(Json {
            kind: Kind::Array(Vec::new()),
            span: Span::new(start, self.pos),
        })
    }

    fn object(&mut self) -> Result<Kind, ParseError> {
        self.object_with(None).map(|(kind, _)| kind)
    }

    /// Reads an object (at its `{`). With `listed`, the items of a member `clusters` that is
    /// an array go to it as they are read (`Part::Item`), the places of those of a member
    /// `nodePools` too (`Part::Later`), and each such member is left an empty array; the count
    /// is how many items went as items.
    fn object_with(
        &mut self,
        mut listed: Option<&mut dyn FnMut(Part)>,
    ) -> Result<(Kind, usize), ParseError> {
        let mut count = 0;
        // Whether the items of `clusters` and of `nodePools` went.
        let mut went = [false, false];
        self.pos += 1;
        let base = self.members.len();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok((Kind::Object(Vec::new()), count));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return self.error(
                    self.pos,
                    format!("expected a quoted member name, found {}", self.found()),
                );
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return self.error(
                    self.pos,
                    format!(
                        "expected ':' after the member name \"{key}\", found {}",
                        self.found()
                    ),
                );
            }
            self.pos += 1;
            self.skip_ws();
            let list = ["clusters", "nodePools"].iter().position(|k| key == *k);
            let value = match (listed.as_mut(), list) {
                (Some(each), Some(i)) => {
                    if went[i] {
                        went[i] = false;
                        each(Part::Repeated { clusters: i == 0 });
                        if i == 0 {
                            count = 0;
                        }
                    }
                    if self.bytes.get(self.pos) == Some(&b'[') {
                        went[i] = true;
                        self.list_apart(i == 0, &mut **each, &mut count)?
                    } else {
                        self.value()?
                    }
                }
                _ if self.gke_only
                    && self.bytes.get(self.pos) == Some(&b'[')
                    && RESOURCE_LISTS.contains(&key.as_str()) =>
                {
                    let start = self.pos;
                    let kind = self.nested(Self::gke_resources)?;
                    Json {
                        kind,
                        span: Span::new(start, self.pos),
                    }
                }
                _ => self.value()?,
            };
            self.members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    let members = self.members.drain(base..).collect();
                    return Ok((Kind::Object(members), count));
                }
                _ => {
                    return self.error(
                        self.pos,
                        format!(
                            "expected ',' or '}}' after an object member, found {}",
                            self.found()
                        ),
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_values_and_keys() {
        let text = r#"{"a": [1, "x\u00e9\ud83d\ude00"], "b": {"c": true}}"#;
        let v = parse(text).unwrap();
        let a = v.member("a").unwrap();
        assert_eq!(&text[a.key_span.range()], "\"a\"");
        let items = a.value.as_array().unwrap();
        assert_eq!(items[1].as_str(), Some("xé😀"));
        let c = v.path(&["b", "c"]).unwrap();
        assert_eq!(&text[c.span.range()], "true");
        assert_eq!(c.as_bool(), Some(true));
    }

    #[test]
    fn strings_and_indentation_read_eight_bytes_at_a_time_end_where_they_end() {
        // Every special byte (quote, backslash's escape, control character) at every place
        // around an eight-byte word, after text past ASCII and before it, and indentation of
        // every length: each string reads as serde_json reads it, and each run that ends at
        // a raw control character is the error, at that byte.
        for before in 0..19 {
            for (special, escaped) in [
                ("\"", "\\\""),
                ("\\", "\\\\"),
                ("\n", "\\n"),
                ("\u{1}", "\\u0001"),
            ] {
                for prefix in ["", "é", "日本"] {
                    let text = format!("{prefix}{}", "x".repeat(before));
                    let value = format!("{text}{special}é{text}");
                    let indent = " ".repeat(before);
                    let json = format!(
                        "{{\n{indent}\"k{text}\":\n{indent}\"{text}{escaped}é{text}\"\n{indent}}}"
                    );
                    let ours = parse(&json).unwrap();
                    let theirs: serde_json::Value = serde_json::from_str(&json).unwrap();
                    let member = &ours.as_object().unwrap()[0];
                    assert_eq!(member.key, format!("k{text}"));
                    assert_eq!(member.value.as_str(), Some(value.as_str()));
                    assert_eq!(theirs[format!("k{text}")], serde_json::json!(value));
                    assert_eq!(
                        &json[member.value.span.range()],
                        format!("\"{text}{escaped}é{text}\"")
                    );
                    // Raw, the control characters are an error at their place.
                    if special == "\n" || special == "\u{1}" {
                        let raw = format!("[\"{text}{special}\"]");
                        let error = parse(&raw).unwrap_err();
                        assert_eq!(error.offset, 2 + text.len(), "{raw:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn reports_the_offset_of_errors() {
        let e = parse("{\"a\": 1,\n \"b\" 2}").unwrap_err();
        assert_eq!(e.offset, 14);
        assert!(e.message.contains("expected ':'"), "{}", e.message);
        let e = parse("[1, 2").unwrap_err();
        assert!(e.message.contains("expected ',' or ']'"), "{}", e.message);
        let e = parse("{\"a\": \"open").unwrap_err();
        assert_eq!(e.offset, 6);
        assert!(parse("").unwrap_err().message.contains("no text"));
        assert!(parse("1 2")
            .unwrap_err()
            .message
            .contains("end of the input"));
        assert!(parse("-").is_err());
        assert!(parse("tru").is_err());
        assert!(parse("\"\\x\"").is_err());
    }

    #[test]
    fn read_item_by_item_it_fails_where_read_whole_it_does() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for text in [
            format!("{{\"clusters\": {}}}", nested(MAX_DEPTH - 1)),
            format!("{{\"clusters\": {}}}", nested(MAX_DEPTH)),
            nested(MAX_DEPTH),
            nested(MAX_DEPTH + 1),
            "[1, 2".into(),
            "{\"clusters\": [1,}".into(),
            "{\"clusters\": [1]} [2] 3 \"x\"".into(),
        ] {
            let whole = parse_stream(&text).map(|v| v.len());
            let mut ends = 0;
            let parts = each_part(&text, |p| {
                ends += usize::from(matches!(p, Part::End { .. }))
            })
            .map(|()| ends);
            assert_eq!(parts, whole, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(200_000);
        let e = parse(&text).unwrap_err();
        assert_eq!(e.offset, MAX_DEPTH);
        assert!(e.message.contains("at most 256 levels"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn a_plan_keeps_only_gke_resources_of_its_resource_lists() {
        let entry = |address: &str, mode: &str, kind: &str| {
            format!(
                r#"{{"address": "{address}", "mode": "{mode}", "type": "{kind}", "values": {{}}}}"#
            )
        };
        let network = entry(
            "google_compute_network.n",
            "managed",
            "google_compute_network",
        );
        let cluster = entry(
            "google_container_cluster.c",
            "managed",
            "google_container_cluster",
        );
        let pool = entry(
            "module.m.google_container_node_pool.p",
            "managed",
            "google_container_node_pool",
        );
        let read = entry(
            "data.google_container_cluster.d",
            "data",
            "google_container_cluster",
        );
        let client = entry(
            "data.google_client_config.x",
            "data",
            "google_client_config",
        );
        let text = format!(
            r#"{{"format_version": "1.2",
            "planned_values": {{"root_module": {{"resources": [{network}, {cluster}],
                "child_modules": [{{"address": "module.m", "resources": [{client}, {pool}, {read}]}}]}}}},
            "resource_changes": [{network}, {pool}],
            "resource_drift": [{network}],
            "prior_state": {{"values": {{"root_module": {{"resources": [{network}, {cluster}]}}}}}},
            "configuration": {{"root_module": {{"resources": [
                {{"address": "google_compute_network.n", "mode": "managed", "type": "google_compute_network",
                  "expressions": {{"resources": [{client}]}}}},
                {{"address": "google_container_cluster.c", "mode": "managed", "type": "google_container_cluster",
                  "expressions": {{"resources": [{client}]}}}},
                {{"note": "not a resource"}}, 7]}}}}}}"#
        );
        let whole = parse(&text).unwrap();
        let plan = parse_plan(&text).unwrap();
        let types = |doc: &Json, path: &[&str]| -> Vec<String> {
            doc.path(path)
                .and_then(Json::as_array)
                .unwrap()
                .iter()
                .map(|e| match e.get("type").and_then(Json::as_str) {
                    Some(t) => t.to_string(),
                    None => e.type_name().to_string(),
                })
                .collect()
        };
        let gke = ["google_container_cluster", "google_container_node_pool"];
        assert_eq!(
            types(&plan, &["planned_values", "root_module", "resources"]),
            [gke[0]]
        );
        let child = &plan
            .path(&["planned_values", "root_module", "child_modules"])
            .unwrap()
            .as_array()
            .unwrap()[0];
        assert_eq!(types(child, &["resources"]), [gke[1], gke[0]]);
        assert_eq!(types(&plan, &["resource_changes"]), [gke[1]]);
        assert!(types(&plan, &["resource_drift"]).is_empty());
        assert_eq!(
            types(
                &plan,
                &["prior_state", "values", "root_module", "resources"]
            ),
            [gke[0]]
        );
        let config = ["configuration", "root_module", "resources"];
        assert_eq!(types(&plan, &config), [gke[0], "an object", "a number"]);
        // What is kept is what reading it whole gives, places and all, values inside a kept
        // resource untouched (a list named `resources` in it included).
        let kept = &plan.path(&config).unwrap().as_array().unwrap()[0];
        assert_eq!(kept, &whole.path(&config).unwrap().as_array().unwrap()[1]);
        assert_eq!(
            types(kept, &["expressions", "resources"]),
            ["google_client_config"]
        );
        assert_eq!(plan.span, whole.span);
        // Read whole, nothing is left out.
        assert_eq!(types(&whole, &["resource_changes"]).len(), 2);
    }

    #[test]
    fn a_plan_fails_where_read_whole_it_does() {
        let network = r#"{"address": "n", "mode": "managed", "type": "google_compute_network", "values": {"x": tru}}"#;
        for text in [
            String::new(),
            "  ".into(),
            format!(r#"{{"resource_changes": [{network}]}}"#),
            r#"{"resources": [{"address": "n", "mode": "managed", "type": "t"} {}]}"#.into(),
            r#"{"resources": [1, 2"#.into(),
            r#"{"resources": []} {"resources": [}"#.into(),
            r#"{"resources": []} 1"#.into(),
            format!(
                r#"{{"resources": {}{}}}"#,
                "[".repeat(MAX_DEPTH),
                "]".repeat(MAX_DEPTH)
            ),
            format!(
                r#"{{"resources": {}{}}}"#,
                "[".repeat(MAX_DEPTH - 1),
                "]".repeat(MAX_DEPTH - 1)
            ),
        ] {
            let plan = parse_plan(&text).map(|v| v.span);
            assert_eq!(plan, parse(&text).map(|v| v.span), "{text}");
        }
    }

    #[test]
    fn parses_a_stream_of_values() {
        let values = parse_stream("{\"a\":1}\n{\"a\":2}\n\n").unwrap();
        assert_eq!(values.len(), 2);
        assert_eq!(values[1].span, Span::new(8, 15));
    }
}
