//! Inputs over the page's 32 MiB limit, checked by the command line in parts: an
//! organization's asset export, a `clusters list` of a large project, a stream of JSON values.
//!
//! Memory follows the largest cluster, not the file. A first pass scans the bytes for the
//! values the input is made of (each value of a stream, each item of a top-level list or of
//! an API list's `clusters` and `nodePools`), reads each one and notes what it describes: the
//! clusters, the node pools listed apart from their cluster, the IAM policies and projects. A
//! second pass checks the values in parts of a few megabytes, keeping together what the
//! whole-input check relates (a pool listed on its own and the clusters it could belong to;
//! the pools that name the same missing cluster), and maps every place in each part's report
//! back to the input's own line, column and offset. The parts' reports become one.

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Seek, SeekFrom};

use crate::input::{gcloud, json, Format};
use crate::model::{ClusterLink, Model, Origin};
use crate::report::{Headline, InputMessage, InputReport, Location, Report};
use crate::span::LineIndex;
use crate::{Input, Options, Phases};

/// Where an input's bytes are: a file read again by ranges, or standard input held in memory.
pub enum Bytes {
    File(std::fs::File),
    Memory(Vec<u8>),
}

/// An input read in parts.
pub struct Stream {
    /// The file's path, or `<stdin>`.
    pub name: String,
    pub bytes: Bytes,
}

impl Stream {
    /// The input's size in bytes.
    pub fn len(&self) -> u64 {
        match &self.bytes {
            Bytes::File(file) => file.metadata().map_or(0, |m| m.len()),
            Bytes::Memory(bytes) => bytes.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Bytes {
    fn reader(&mut self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(match self {
            Bytes::File(file) => {
                file.seek(SeekFrom::Start(0))?;
                Box::new(std::io::BufReader::with_capacity(1 << 20, file))
            }
            Bytes::Memory(bytes) => Box::new(&bytes[..]),
        })
    }

    /// The bytes `start..end`, appended to `out`.
    fn read(&mut self, start: u64, end: u64, out: &mut Vec<u8>) -> std::io::Result<()> {
        match self {
            Bytes::File(file) => {
                file.seek(SeekFrom::Start(start))?;
                let from = out.len();
                out.resize(from + (end - start) as usize, 0);
                file.read_exact(&mut out[from..])
            }
            Bytes::Memory(bytes) => {
                out.extend_from_slice(&bytes[start as usize..end as usize]);
                Ok(())
            }
        }
    }
}

/// The most values one input read in parts holds: an organization's asset export of every
/// cluster and node pool has tens of thousands.
pub const MAX_VALUES: usize = 1_000_000;

/// The most values that describe nothing noted one by one; the rest are counted in one note.
const SKIPPED_NOTED: usize = 100;

/// How large a part grows before the next one starts.
#[derive(Clone, Copy, Debug)]
pub struct Parts {
    pub bytes: u64,
    /// Clusters and node pools.
    pub resources: usize,
}

impl Default for Parts {
    fn default() -> Parts {
        Parts {
            bytes: 4 << 20,
            resources: 2_000,
        }
    }
}

/// How much of an input's start `streams` looks at.
pub const HEAD_BYTES: usize = 4096;

/// Whether the command line reads an input of this size whose text starts with `head` (its
/// first `HEAD_BYTES`) in parts: JSON over the page's limit, but not a Terraform plan (which
/// names its `format_version` first, and is one value).
pub fn streams(len: u64, head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let plan = head.windows(16).any(|w| w == b"\"format_version\"");
    len > crate::input::MAX_INPUT_BYTES as u64
        && !plan
        && matches!(
            head.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{' | b'[')
        )
}

/// Checks `inputs` together, as `check_timed` does, and each stream on its own, in parts; one
/// report of all of them (the streams' inputs after the others').
pub fn check(
    inputs: &[Input],
    streams: &mut [Stream],
    options: &Options,
    parts: Parts,
) -> (Report, Phases) {
    let (mut report, mut phases) = crate::check_timed(inputs, options);
    let alone = !inputs.is_empty() || streams.len() > 1;
    let mut pass = report.summary.pass;
    for stream in streams.iter_mut() {
        let clock = std::time::Instant::now();
        let checked = check_stream(stream, options, parts, alone);
        phases.parse += checked.phases.parse;
        phases.rules += checked.phases.rules;
        // What the parts' checks did not count: the first pass, mapping places, merging.
        phases.report += clock
            .elapsed()
            .saturating_sub(checked.phases.parse + checked.phases.rules);
        let part = checked.report;
        pass += part.summary.pass;
        report.inputs.extend(part.inputs);
        report.results.extend(part.results);
        report.headline.extend(part.headline);
        for (mine, theirs) in report.waivers.iter_mut().zip(part.waivers) {
            mine.used |= theirs.used;
            mine.expired |= theirs.expired;
        }
    }
    if !streams.is_empty() {
        let names: Vec<String> = report.inputs.iter().map(|i| i.name.clone()).collect();
        crate::rank(&mut report.results, names.iter().map(String::as_str));
        let errors = report.inputs.iter().filter(|i| i.error.is_some()).count();
        report.summary = crate::report::Summary::of(&report.results, errors);
        if !report.passing_listed {
            report.summary.pass = pass;
        }
    }
    (report, phases)
}

/// A stream's report, with how long its parts' checks took.
struct Checked {
    report: Report,
    phases: Phases,
}

/// A place in an input: its byte offset, and its line, column (in characters) and UTF-16
/// offset as reports give them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Start {
    byte: u64,
    line: usize,
    column: usize,
    utf16: usize,
}

impl Start {
    fn message(self, message: impl Into<String>) -> InputMessage {
        InputMessage {
            message: message.into(),
            line: self.line,
            column: self.column,
            offset: self.utf16,
        }
    }
}

/// One value the input is made of, `start.byte..end`. `listed`: an item of a list, which the
/// whole-input check passes over silently when it describes nothing gkecheck reads.
#[derive(Clone, Copy, Debug)]
struct Unit {
    start: Start,
    end: u64,
    listed: bool,
}

/// The keys of an object that make it one value to read whole, rather than a list wrapper
/// (`{"clusters": [...]}`) whose items are read one by one: the keys by which the reader
/// takes an object for a cluster, a node pool, an IAM policy or an asset.
const WHOLE_KEYS: &[&[u8]] = &[b"name", b"bindings", b"assetType"];

/// The list members of a wrapper whose items are values of their own.
const LIST_KEYS: &[&[u8]] = &[b"clusters", b"nodePools", b"node_pools"];

/// A top-level object being scanned.
struct ObjectScan {
    start: Start,
    /// It has a key of `WHOLE_KEYS`.
    whole: bool,
    expect_key: bool,
    reading_key: bool,
    key: Vec<u8>,
    after_colon: bool,
    /// The member's value is a list of `LIST_KEYS`, being split into its items.
    in_list: bool,
    items: Vec<Unit>,
}

enum Top {
    None,
    Scalar,
    List { start: Start, items: usize },
    Object(Box<ObjectScan>),
}

/// The first pass's scanner: where each value starts and ends, with no value built.
struct Scanner {
    next: Start,
    /// A carriage return was the last byte: a line end unless a line feed follows.
    cr: bool,
    /// Bytes of a byte-order mark still to pass over.
    bom: u64,
    in_string: bool,
    escape: bool,
    open: Vec<(u8, Start)>,
    /// Just past the last byte that is not white space.
    last_end: u64,
    /// The value being scanned: a scalar at the top, or an item of a list being split.
    element: Option<Start>,
    top: Top,
    units: Vec<Unit>,
    /// Values found so far (those of a wrapper before it is known to be one too).
    values: usize,
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            next: Start {
                byte: 0,
                line: 1,
                column: 1,
                utf16: 0,
            },
            cr: false,
            bom: 0,
            in_string: false,
            escape: false,
            open: Vec::new(),
            last_end: 0,
            element: None,
            top: Top::None,
            units: Vec::new(),
            values: 0,
        }
    }

    fn bytes(&mut self, bytes: &[u8]) -> Result<(), InputMessage> {
        if self.next.byte == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
            self.bom = 3;
        }
        for &b in bytes {
            if self.cr {
                self.cr = false;
                if b != b'\n' {
                    self.next.line += 1;
                    self.next.column = 1;
                }
            }
            let here = self.next;
            if self.bom > 0 {
                self.bom -= 1;
            } else {
                self.structure(b, here)?;
                if self.values > MAX_VALUES {
                    return Err(here.message(format!(
                        "expected at most {MAX_VALUES} values in one input (gkecheck's limit): split the input"
                    )));
                }
                if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    self.last_end = here.byte + 1;
                }
            }
            if b & 0xC0 != 0x80 {
                self.next.utf16 += if b >= 0xF0 { 2 } else { 1 };
                self.next.column += 1;
            }
            match b {
                b'\n' => {
                    self.next.line += 1;
                    self.next.column = 1;
                }
                b'\r' => self.cr = true,
                _ => {}
            }
            self.next.byte += 1;
        }
        Ok(())
    }

    fn structure(&mut self, b: u8, here: Start) -> Result<(), InputMessage> {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
                if let Top::Object(o) = &mut self.top {
                    if o.reading_key {
                        o.reading_key = false;
                        o.whole |= WHOLE_KEYS.contains(&&o.key[..]);
                    }
                }
                return Ok(());
            }
            if let Top::Object(o) = &mut self.top {
                if o.reading_key {
                    o.key.push(b);
                }
            }
            return Ok(());
        }
        let depth = self.open.len();
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                if depth == 0 {
                    self.end_scalar();
                }
            }
            b'{' | b'[' => {
                self.value_starts(depth, here, b);
                self.open.push((b, here));
            }
            b'}' | b']' => {
                let wanted = if b == b'}' { b'{' } else { b'[' };
                match self.open.pop() {
                    Some((open, _)) if open == wanted => {}
                    Some((open, at)) => {
                        return Err(here.message(format!(
                        "expected `{}` to close the {} opened at line {}, column {}, found `{}`",
                        if open == b'{' { '}' } else { ']' },
                        if open == b'{' { "object" } else { "list" },
                        at.line,
                        at.column,
                        b as char
                    )))
                    }
                    None => {
                        return Err(here.message(format!(
                            "expected a JSON value, found `{}` with nothing open to close",
                            b as char
                        )))
                    }
                }
                self.closed(depth - 1, here, b);
            }
            b',' if depth > 0 => self.comma(depth),
            b':' if depth > 0 => {
                if let (1, Top::Object(o)) = (depth, &mut self.top) {
                    o.after_colon = true;
                }
            }
            b'"' => {
                self.value_starts(depth, here, b);
                self.in_string = true;
            }
            _ => self.value_starts(depth, here, b),
        }
        Ok(())
    }

    fn value_starts(&mut self, depth: usize, here: Start, b: u8) {
        match depth {
            0 => {
                if matches!(b, b'{' | b'[') {
                    self.end_scalar();
                    self.top = if b == b'{' {
                        Top::Object(Box::new(ObjectScan {
                            start: here,
                            whole: false,
                            expect_key: true,
                            reading_key: false,
                            key: Vec::new(),
                            after_colon: false,
                            in_list: false,
                            items: Vec::new(),
                        }))
                    } else {
                        Top::List {
                            start: here,
                            items: 0,
                        }
                    };
                } else if self.element.is_none() {
                    self.element = Some(here);
                    self.top = Top::Scalar;
                }
            }
            1 => match &mut self.top {
                Top::List { .. } => {
                    self.element.get_or_insert(here);
                }
                Top::Object(o) => {
                    if o.expect_key && b == b'"' {
                        o.expect_key = false;
                        o.reading_key = true;
                        o.key.clear();
                    } else if o.after_colon {
                        o.after_colon = false;
                        o.in_list = b == b'[' && LIST_KEYS.contains(&&o.key[..]);
                    }
                }
                _ => {}
            },
            2 => {
                if let Top::Object(o) = &self.top {
                    if o.in_list {
                        self.element.get_or_insert(here);
                    }
                }
            }
            _ => {}
        }
    }

    fn comma(&mut self, depth: usize) {
        let end = self.last_end;
        match (depth, &mut self.top) {
            (1, Top::List { items, .. }) => {
                if let Some(start) = self.element.take() {
                    *items += 1;
                    self.values += 1;
                    self.units.push(Unit {
                        start,
                        end,
                        listed: true,
                    });
                }
            }
            (1, Top::Object(o)) => o.expect_key = true,
            (2, Top::Object(o)) if o.in_list => {
                if let Some(start) = self.element.take() {
                    self.values += 1;
                    o.items.push(Unit {
                        start,
                        end,
                        listed: true,
                    });
                }
            }
            _ => {}
        }
    }

    /// A list or object closed, leaving `depth` open.
    fn closed(&mut self, depth: usize, here: Start, b: u8) {
        let end = self.last_end;
        match depth {
            0 => match std::mem::replace(&mut self.top, Top::None) {
                Top::List { start, mut items } => {
                    if let Some(element) = self.element.take() {
                        items += 1;
                        self.values += 1;
                        self.units.push(Unit {
                            start: element,
                            end,
                            listed: true,
                        });
                    }
                    if items == 0 {
                        // An empty list: read whole, for what the reader says of it.
                        self.values += 1;
                        self.units.push(Unit {
                            start,
                            end: here.byte + 1,
                            listed: false,
                        });
                    }
                }
                Top::Object(o) => {
                    if o.whole || o.items.is_empty() {
                        self.values += 1;
                        self.units.push(Unit {
                            start: o.start,
                            end: here.byte + 1,
                            listed: false,
                        });
                    } else {
                        self.units.extend(o.items);
                    }
                }
                _ => {}
            },
            1 => {
                if let Top::Object(o) = &mut self.top {
                    if o.in_list && b == b']' {
                        o.in_list = false;
                        if let Some(start) = self.element.take() {
                            self.values += 1;
                            o.items.push(Unit {
                                start,
                                end,
                                listed: true,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn end_scalar(&mut self) {
        if let Top::Scalar = self.top {
            if let Some(start) = self.element.take() {
                self.values += 1;
                self.units.push(Unit {
                    start,
                    end: self.last_end,
                    listed: false,
                });
            }
            self.top = Top::None;
        }
    }

    fn finish(mut self) -> Result<Vec<Unit>, InputMessage> {
        if self.cr {
            self.next.line += 1;
            self.next.column = 1;
        }
        let at = self.next;
        if self.in_string {
            return Err(at.message("expected `\"` to end the string, found the end of the input"));
        }
        if let Some((open, start)) = self.open.last() {
            return Err(at.message(format!(
                "expected `{}` to close the {} opened at line {}, column {}, found the end of the input",
                if *open == b'{' { '}' } else { ']' },
                if *open == b'{' { "object" } else { "list" },
                start.line,
                start.column
            )));
        }
        self.end_scalar();
        if self.units.is_empty() {
            return Err(at.message("expected JSON values, found none"));
        }
        Ok(self.units)
    }
}

/// The first pass: the values the input is made of.
fn scan(bytes: &mut Bytes) -> Result<Vec<Unit>, InputMessage> {
    let unreadable =
        |e: std::io::Error| Start::default().message(format!("cannot read the input: {e}"));
    let mut reader = bytes.reader().map_err(unreadable)?;
    let mut scanner = Scanner::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(e)),
        };
        scanner.bytes(&buf[..n])?;
    }
    scanner.finish()
}

/// Reads a unit's text: UTF-8, or the place of its first invalid byte.
fn text_of(bytes: &mut Bytes, unit: &Unit, buf: &mut Vec<u8>) -> Result<String, InputMessage> {
    buf.clear();
    bytes
        .read(unit.start.byte, unit.end, buf)
        .map_err(|e| unit.start.message(format!("cannot read the input: {e}")))?;
    match String::from_utf8(std::mem::take(buf)) {
        Ok(text) => Ok(text),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let at = within(unit.start, &LineIndex::new(prefix), valid);
            Err(at.message("expected UTF-8 text, found an invalid byte"))
        }
    }
}

/// The place of `offset` in a unit that starts at `start`, from the unit's own line index.
fn within(start: Start, index: &LineIndex, offset: usize) -> Start {
    let p = index.position(offset);
    Start {
        byte: start.byte + offset as u64,
        line: start.line + p.line - 1,
        column: if p.line == 1 {
            start.column + p.column - 1
        } else {
            p.column
        },
        utf16: start.utf16 + p.utf16,
    }
}

/// What the first pass learns of one unit.
#[derive(Default)]
struct Facts {
    clusters: usize,
    pools: usize,
    iam: bool,
}

/// A cluster's location and project.
type Key = (Option<String>, Option<String>);

/// Groups units: what the whole-input check relates must be checked in the same part.
struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The earlier unit leads: groups keep the order of their first unit.
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        self.parent[high] = low;
    }

    fn node(&mut self) -> usize {
        self.parent.push(self.parent.len());
        self.parent.len() - 1
    }
}

/// The first pass, then the parts; the stream's report.
fn check_stream(stream: &mut Stream, options: &Options, parts: Parts, alone: bool) -> Checked {
    let mut input = InputReport {
        name: stream.name.clone(),
        format: Format::GcloudJson.as_str(),
        error: None,
        notes: Vec::new(),
    };
    let empty = |input: InputReport| {
        let mut report = crate::check_timed(&[], options).0;
        report.inputs.push(input);
        report.summary.errors = 1;
        Checked {
            report,
            phases: Phases::default(),
        }
    };
    let clock = std::time::Instant::now();
    let units = match scan(&mut stream.bytes) {
        Ok(units) => units,
        Err(e) => {
            input.error = Some(e);
            return empty(input);
        }
    };
    // Read each unit once for what it describes.
    let mut facts: Vec<Facts> = Vec::with_capacity(units.len());
    let mut skipped: Vec<(usize, String)> = Vec::new();
    let mut clusters: HashMap<String, Vec<(usize, Key)>> = HashMap::new();
    let mut pools: Vec<(usize, Option<String>, Key)> = Vec::new();
    let mut projects: BTreeSet<String> = BTreeSet::new();
    let mut buf = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        let text = match text_of(&mut stream.bytes, unit, &mut buf) {
            Ok(text) => text,
            Err(e) => {
                input.error = Some(e);
                return empty(input);
            }
        };
        let plain = crate::input::for_parsers(&text);
        let doc = match json::parse(&plain) {
            Ok(doc) => doc,
            Err(e) => {
                let at = within(unit.start, &LineIndex::new(&text), e.offset);
                input.error = Some(at.message(e.message));
                return empty(input);
            }
        };
        let mut model = Model::default();
        let mut fact = Facts::default();
        match gcloud::load(0, &doc, &mut model) {
            Err(message) => skipped.push((u, message)),
            Ok(()) => {
                let key = |location: &crate::model::Field<String>,
                           project: &crate::model::Field<String>| {
                    (
                        location.as_str().map(str::to_string),
                        project.as_str().map(str::to_string),
                    )
                };
                for c in &model.clusters {
                    if let (Some(name), Origin::Live) = (c.name.as_str(), c.origin) {
                        clusters
                            .entry(name.to_string())
                            .or_default()
                            .push((u, key(&c.location, &c.project)));
                    }
                }
                for p in &model.node_pools {
                    if let ClusterLink::Missing { name, .. } = &p.cluster {
                        pools.push((u, name.clone(), key(&p.location, &p.project)));
                    }
                }
                let names = model.clusters.iter().map(|c| &c.project);
                for p in names.chain(model.node_pools.iter().map(|p| &p.project)) {
                    if let Some(p) = p.as_str().filter(|p| !p.is_empty()) {
                        projects.insert(p.to_string());
                    }
                }
                fact = Facts {
                    clusters: model.clusters.len(),
                    pools: model.node_pools.len(),
                    iam: !model.iam.is_empty(),
                };
            }
        }
        facts.push(fact);
    }
    // As the whole-input check: what describes nothing is noted (an item of a list silently
    // passed over); when nothing describes anything, that is the input's error.
    if skipped.len() == units.len() {
        let (u, message) = skipped.pop().expect("a stream has units");
        input.error = Some(units[u].start.message(message));
        return empty(input);
    }
    let mut unlisted = skipped.iter().filter(|(u, _)| !units[*u].listed);
    for (u, message) in unlisted.by_ref().take(SKIPPED_NOTED) {
        input
            .notes
            .push(units[*u].start.message(format!("skipped: {message}")));
    }
    if let Some((u, _)) = unlisted.next() {
        let more = 1 + unlisted.count();
        input.notes.push(units[*u].start.message(format!(
            "skipped: {more} more values from here on that hold no cluster, node pool or IAM policy"
        )));
    }
    // A pool listed on its own goes with every cluster it could belong to (one: it joins it;
    // several: it joins none, and the check must see them all to know); one that joins none,
    // with the other pools that name the same missing cluster (one headline group).
    let mut groups = Groups {
        parent: (0..units.len()).collect(),
    };
    let mut missing: HashMap<String, usize> = HashMap::new();
    // The first unit with a pool of each missing cluster: where its headline group goes.
    let mut missing_first: HashMap<String, usize> = HashMap::new();
    for (u, name, (location, project)) in &pools {
        let agrees = |mine: &Option<String>, theirs: &Option<String>| match (mine, theirs) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let fits: Vec<usize> = name
            .as_ref()
            .and_then(|n| clusters.get(n))
            .map(|list| {
                list.iter()
                    .filter(|(_, (l, p))| agrees(location, l) && agrees(project, p))
                    .map(|(c, _)| *c)
                    .collect()
            })
            .unwrap_or_default();
        for &c in &fits {
            groups.join(*u, c);
        }
        if fits.len() != 1 {
            let key = name.clone().unwrap_or_default();
            missing_first.entry(key.clone()).or_insert(*u);
            let node = match missing.get(&key) {
                Some(&node) => node,
                None => {
                    let node = groups.node();
                    missing.insert(key, node);
                    node
                }
            };
            groups.join(*u, node);
        }
    }
    // IAM policies apply to every part, when the input's clusters are of one project; of
    // several, the whole-input check cannot tell whose a policy is, and neither can a part.
    let iam: Vec<usize> = (0..units.len()).filter(|&u| facts[u].iam).collect();
    let iam_used = projects.len() <= 1;
    if !iam.is_empty() && !iam_used {
        input.notes.push(units[iam[0]].start.message(format!(
            "the IAM policies in this input were not used (GKE006): it holds clusters of {} projects, and a policy does not say whose it is; check each project's clusters with its own policy",
            projects.len()
        )));
    }
    if alone {
        input.notes.push(units[0].start.message(format!(
            "checked on its own, in parts, as it is over {} MiB: clusters, node pools, IAM policies and Terraform in the other inputs were not related to what it holds",
            crate::input::MAX_INPUT_BYTES >> 20
        )));
    }
    // The groups in the order of their first unit, packed into parts.
    let described: Vec<bool> = facts.iter().map(|f| f.clusters + f.pools > 0).collect();
    let mut order: Vec<usize> = Vec::new();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for u in (0..units.len()).filter(|&u| described[u]) {
        let root = groups.find(u);
        members
            .entry(root)
            .or_insert_with(|| {
                order.push(root);
                Vec::new()
            })
            .push(u);
    }
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let (mut batch, mut size, mut resources) = (Vec::new(), 0u64, 0usize);
    for root in order {
        let group = members.remove(&root).unwrap_or_default();
        let group_size: u64 = group
            .iter()
            .map(|&u| units[u].end - units[u].start.byte)
            .sum();
        let group_resources: usize = group
            .iter()
            .map(|&u| facts[u].clusters + facts[u].pools)
            .sum();
        if !batch.is_empty()
            && (size + group_size > parts.bytes || resources + group_resources > parts.resources)
        {
            batches.push(std::mem::take(&mut batch));
            (size, resources) = (0, 0);
        }
        batch.extend(group);
        size += group_size;
        resources += group_resources;
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    let mut phases = Phases {
        parse: clock.elapsed(),
        ..Phases::default()
    };
    // The parts, each checked as a stream of its units, one per line.
    let mut report: Option<Report> = None;
    // Each headline group with the unit it comes from, to put them in the input's order.
    let mut headline_clusters: Vec<(usize, Headline)> = Vec::new();
    let mut headline_missing: Vec<(usize, Headline)> = Vec::new();
    let mut pass = 0;
    for mut batch in batches {
        if iam_used {
            batch.extend(iam.iter().copied().filter(|u| !described[*u]));
        }
        batch.sort_unstable();
        let mut text = String::new();
        let mut offsets = Vec::with_capacity(batch.len());
        for &u in &batch {
            offsets.push(text.len());
            match text_of(&mut stream.bytes, &units[u], &mut buf) {
                Ok(unit) => text.push_str(&unit),
                Err(e) => {
                    input.error = Some(e);
                    return empty(input);
                }
            }
            text.push('\n');
        }
        let places: Vec<(usize, usize, Start)> = {
            let index = LineIndex::new(&text);
            offsets
                .iter()
                .zip(&batch)
                .map(|(&o, &u)| {
                    let p = index.position(o);
                    (p.line, p.utf16, units[u].start)
                })
                .collect()
        };
        let cluster_units: Vec<usize> = batch
            .iter()
            .flat_map(|&u| std::iter::repeat_n(u, facts[u].clusters))
            .collect();
        let part = Input {
            name: stream.name.clone(),
            text,
            format: Some(Format::GcloudJson),
        };
        let (mut part, part_phases) = crate::check_timed(std::slice::from_ref(&part), options);
        phases.parse += part_phases.parse;
        phases.rules += part_phases.rules;
        map_report(&mut part, &places);
        let mut part_input = part.inputs.pop().expect("one input, one input report");
        if input.error.is_none() {
            input.error = part_input.error.take();
        }
        input.notes.append(&mut part_input.notes);
        pass += part.summary.pass;
        let missing_groups = part
            .headline
            .split_off(cluster_units.len().min(part.headline.len()));
        headline_clusters.extend(cluster_units.iter().copied().zip(part.headline.drain(..)));
        for h in missing_groups {
            let key = h.cluster.clone().unwrap_or_default();
            headline_missing.push((missing_first.get(&key).copied().unwrap_or(usize::MAX), h));
        }
        match &mut report {
            None => report = Some(part),
            Some(report) => {
                report.results.append(&mut part.results);
                for (mine, theirs) in report.waivers.iter_mut().zip(part.waivers) {
                    mine.used |= theirs.used;
                    mine.expired |= theirs.expired;
                }
            }
        }
    }
    let mut report = report.unwrap_or_else(|| crate::check_timed(&[], options).0);
    // A note each part gave (an IAM policy's, in every part) once, in the input's order.
    crate::sort::sort_by_key(&mut input.notes, |n| n.offset);
    input
        .notes
        .dedup_by(|a, b| a.offset == b.offset && a.message == b.message);
    let errors = usize::from(input.error.is_some());
    report.inputs = vec![input];
    crate::sort::sort_by_key(&mut headline_clusters, |h| h.0);
    crate::sort::sort_by_key(&mut headline_missing, |h| h.0);
    report.headline = headline_clusters
        .into_iter()
        .chain(headline_missing)
        .map(|(_, h)| h)
        .collect();
    report.summary = crate::report::Summary::of(&report.results, errors);
    if !report.passing_listed {
        report.summary.pass = pass;
    }
    Checked { report, phases }
}

/// Maps every place in a part's report to the input's own: `places` holds, for each unit of
/// the part, the line and UTF-16 offset it starts at in the part and where it starts in the
/// input.
fn map_report(report: &mut Report, places: &[(usize, usize, Start)]) {
    let map = |line: &mut usize, column: &mut usize, offset: &mut usize| {
        let k = places.partition_point(|p| p.0 <= *line).saturating_sub(1);
        let (part_line, part_utf16, start) = places[k];
        if *line == part_line {
            *column += start.column - 1;
        }
        *line = start.line + (*line - part_line);
        *offset = start.utf16 + (*offset - part_utf16);
    };
    let location = |l: &mut Location| {
        map(&mut l.line, &mut l.column, &mut l.offset);
        map(&mut l.end_line, &mut l.end_column, &mut l.end_offset);
    };
    for input in &mut report.inputs {
        for m in input.notes.iter_mut().chain(input.error.as_mut()) {
            map(&mut m.line, &mut m.column, &mut m.offset);
        }
    }
    for r in &mut report.results {
        location(&mut r.location);
        if let Some(remediation) = &mut r.remediation {
            for step in remediation.steps.iter_mut().chain(&mut remediation.verify) {
                if let Some(l) = &mut step.location {
                    location(l);
                }
            }
        }
        if let Some(l) = r.suppression.as_mut().and_then(|s| s.location.as_mut()) {
            location(l);
        }
    }
}
