//! Inputs over the page's 32 MiB limit, checked by the command line in parts: an
//! organization's asset export, a `clusters list` of a large project (JSON or YAML), a stream
//! of JSON values.
//!
//! Memory follows the parts and the findings, not the file. A first pass scans the bytes for
//! the values the input is made of (each value of a stream, each item of a top-level list or of
//! an API list's `clusters` and `nodePools`; each YAML document), reads each one and notes what
//! it describes: the clusters, the node pools listed apart from their cluster, the IAM policies
//! and projects. A second pass checks the values in parts of a few megabytes, keeping together what the
//! whole-input check relates (a pool listed on its own and the clusters it could belong to;
//! the pools that name the same missing cluster; every IAM policy, with the projects of the
//! whole input), and maps every place in each part's report back to the input's own line,
//! column and offset. Both passes run on every core. The parts' reports become one: the report
//! of the input read whole (`tests/stream.rs`, and the `stream` fuzz target, compare them).

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Seek, SeekFrom};

use crate::input::{gcloud, json, Format};
use crate::model::{Model, Origin};
use crate::report::{Headline, InputMessage, InputReport, Location, Report};
use crate::span::LineIndex;
use crate::{Input, Options, Phases};

/// Where an input's bytes are: a file (standard input is copied to one first), read again at
/// offsets; or bytes in memory.
pub enum Bytes {
    File(std::fs::File),
    Memory(Vec<u8>),
}

/// An input read in parts.
pub struct Stream {
    /// The file's path, or `<stdin>`.
    pub name: String,
    pub bytes: Bytes,
    /// `GcloudJson` or `GcloudYaml`.
    pub format: Format,
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

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
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

    /// Reads the input from its start to its end a megabyte at a time, handing each piece to
    /// `each`; stops at the first error, `each`'s or a read error made by `unreadable`.
    fn each_piece<E>(
        &mut self,
        unreadable: impl Fn(std::io::Error) -> E,
        mut each: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut reader = self.reader().map_err(&unreadable)?;
        let mut buf = vec![0; 1 << 20];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(unreadable(e)),
            };
            each(&buf[..n])?;
        }
    }

    /// The bytes `start..end`, appended to `out`; from any thread (a file is read at an
    /// offset, not from a shared position).
    fn read(&self, start: u64, end: u64, out: &mut Vec<u8>) -> std::io::Result<()> {
        match self {
            Bytes::File(file) => {
                let from = out.len();
                out.resize(from + (end - start) as usize, 0);
                read_at(file, &mut out[from..], start)
            }
            Bytes::Memory(bytes) => {
                out.extend_from_slice(&bytes[start as usize..end as usize]);
                Ok(())
            }
        }
    }
}

impl Stream {
    /// The text code frames are drawn from (`--format full`): the lines of the input that
    /// `lines` names (1-based, sorted), each whole, and every other line left empty, so that
    /// each line number and column is the input's own. Lines end where the engine ends them
    /// (at LF, CRLF or a lone CR), each written as LF. Read in one pass, a megabyte at a time;
    /// the result holds the named lines and one line end per line of the input.
    pub fn lines_for_frames(&mut self, lines: &[usize]) -> std::io::Result<String> {
        let mut out = Vec::new();
        let mut wanted = lines.iter().copied().peekable();
        let mut line = 1;
        let mut keep = wanted.next_if_eq(&1).is_some();
        let mut cr = false;
        self.bytes.each_piece(
            |e| e,
            |piece| {
                // Every line end is written as LF: a lone CR written as it is could meet the
                // LF of the next (empty) line and make one line end of two.
                let mut ends = |out: &mut Vec<u8>, keep: &mut bool, line: &mut usize| {
                    out.push(b'\n');
                    *line += 1;
                    while wanted.next_if(|&l| l < *line).is_some() {}
                    *keep = wanted.next_if_eq(line).is_some();
                };
                for &b in piece {
                    if cr {
                        cr = false;
                        ends(&mut out, &mut keep, &mut line);
                        if b == b'\n' {
                            continue;
                        }
                    }
                    match b {
                        b'\r' => cr = true,
                        b'\n' => ends(&mut out, &mut keep, &mut line),
                        _ if keep => out.push(b),
                        _ => {}
                    }
                }
                Ok(())
            },
        )?;
        if cr {
            out.push(b'\n');
        }
        Ok(match String::from_utf8(out) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
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

/// How the command line reads an input of this size whose text starts with `head` (its first
/// `HEAD_BYTES`) in parts, if it does: gcloud JSON or YAML over the page's limit, but not a
/// Terraform plan (which names its `format_version` first, and is one value).
pub fn streams(len: u64, head: &[u8]) -> Option<Format> {
    if len <= crate::input::MAX_INPUT_BYTES as u64 {
        return None;
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // Cut inside a character, or not UTF-8 (which the reading then says).
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    match crate::input::detect("", text) {
        Ok(Format::GcloudJson)
            if !text.contains("\"format_version\"") && !crate::input::starts_like_plan(text) =>
        {
            Some(Format::GcloudJson)
        }
        Ok(Format::GcloudYaml) => Some(Format::GcloudYaml),
        _ => None,
    }
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
        // The parts' reports, and merging them after the first pass and the parts.
        phases.report += clock
            .elapsed()
            .saturating_sub(checked.phases.parse + checked.phases.rules);
        let part = checked.report;
        pass += part.summary.pass;
        report.inputs.extend(part.inputs);
        // Moved, not copied, when the stream is the only input (its results are most of the
        // memory of a large check: 104 MB for an organization's export, listing every result).
        if report.results.is_empty() {
            report.results = part.results;
        } else {
            report.results.extend(part.results);
        }
        report.headline.extend(part.headline);
        merge_waivers(&mut report, part.waivers);
    }
    if !streams.is_empty() {
        let names: Vec<String> = report.inputs.iter().map(|i| i.name.clone()).collect();
        crate::rank(&mut report.results, names.iter().map(String::as_str));
        count(&mut report, pass);
    }
    (report, phases)
}

/// The same waivers as another part's report gave: used or expired in either.
fn merge_waivers(report: &mut Report, theirs: Vec<crate::report::WaiverReport>) {
    for (mine, theirs) in report.waivers.iter_mut().zip(theirs) {
        mine.used |= theirs.used;
        mine.expired |= theirs.expired;
    }
}

/// The summary of a report made of parts: counted from its results and inputs, with `pass`
/// passing results when they are only counted.
fn count(report: &mut Report, pass: usize) {
    let errors = report.inputs.iter().filter(|i| i.error.is_some()).count();
    report.summary = crate::report::Summary::of(&report.results, errors);
    if !report.passing_listed {
        report.summary.pass = pass;
    }
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

/// One value the input is made of, `start.byte..end`.
#[derive(Clone, Copy, Debug)]
struct Unit {
    start: Start,
    end: u64,
    /// The list (or API list) it is an item of, in `Scanned::lists`: the whole-input check
    /// reads the list as one document, passing over silently an item that describes nothing.
    list: Option<usize>,
}

/// A top-level list, or an API list's object, whose items are read as values of their own.
struct List {
    start: Start,
    /// An object's first keys (what the reader names when none of its items describes
    /// anything); none for a list.
    keys: Vec<String>,
}

/// What the scanner finds: the values, and the lists they are items of.
struct Scanned {
    units: Vec<Unit>,
    lists: Vec<List>,
}

/// The keys of an object that make it one value to read whole, rather than a list wrapper
/// (`{"clusters": [...]}`) whose items are read one by one: the keys by which the reader
/// takes an object for a cluster, a node pool, an IAM policy or an asset.
const WHOLE_KEYS: &[&[u8]] = &[b"name", b"bindings", b"assetType"];

/// How many keys the reader's description of an object names.
const DESCRIBED_KEYS: usize = 6;

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
    /// The first keys, as the reader's description of an object names them.
    keys: Vec<String>,
}

enum Top {
    None,
    Scalar,
    /// `first`: the index its first item gets in `units`.
    List {
        start: Start,
        items: usize,
        first: usize,
    },
    Object(Box<ObjectScan>),
}

/// Where the next byte is, counted byte by byte as the report counts places.
struct Position {
    next: Start,
    /// A carriage return was the last byte: a line end unless a line feed follows.
    cr: bool,
}

impl Position {
    fn new() -> Position {
        Position {
            next: Start {
                byte: 0,
                line: 1,
                column: 1,
                utf16: 0,
            },
            cr: false,
        }
    }

    /// The place of byte `b`, about to be read (a carriage return before it that no line
    /// feed follows ended a line).
    fn at(&mut self, b: u8) -> Start {
        if self.cr {
            self.cr = false;
            if b != b'\n' {
                self.next.line += 1;
                self.next.column = 1;
            }
        }
        self.next
    }

    /// Past byte `b`.
    fn past(&mut self, b: u8) {
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

    /// Past `run`, which holds no carriage return, when none is pending: as `past` for each
    /// byte, counted over the whole run at once.
    fn skip(&mut self, run: &[u8]) {
        debug_assert!(!self.cr && !run.contains(&b'\r'));
        let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        let all = chars(run);
        match run.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.next.line += run.iter().filter(|&&b| b == b'\n').count();
                self.next.column = 1 + chars(&run[last + 1..]);
            }
            None => self.next.column += all,
        }
        self.next.utf16 += all + run.iter().filter(|&&b| b >= 0xF0).count();
        self.next.byte += run.len() as u64;
    }

    /// The end of the input (a carriage return last ended a line).
    fn end(&mut self) -> Start {
        if self.cr {
            self.cr = false;
            self.next.line += 1;
            self.next.column = 1;
        }
        self.next
    }
}

/// The first pass's scanner: where each value starts and ends, with no value built.
struct Scanner {
    position: Position,
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
    lists: Vec<List>,
    /// Values found so far (those of a wrapper before it is known to be one too).
    values: usize,
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            position: Position::new(),
            bom: 0,
            in_string: false,
            escape: false,
            open: Vec::new(),
            last_end: 0,
            element: None,
            top: Top::None,
            units: Vec::new(),
            lists: Vec::new(),
            values: 0,
        }
    }

    fn bytes(&mut self, bytes: &[u8]) -> Result<(), InputMessage> {
        if self.position.next.byte == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
            self.bom = 3;
        }
        let mut i = 0;
        while i < bytes.len() {
            // A run of bytes the structure does not look at is passed over at once (most of a
            // large input: the inside of strings, and the indentation within values): the
            // counting byte by byte took a quarter of checking 40 MB read in parts.
            let run = self.run(&bytes[i..]);
            if run > 1 {
                self.pass(&bytes[i..i + run]);
                i += run;
                continue;
            }
            let b = bytes[i];
            i += 1;
            let here = self.position.at(b);
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
            self.position.past(b);
        }
        Ok(())
    }

    /// How many of the bytes at the start of `rest` the structure would pass over one by one,
    /// changing nothing but the place (and, in a string, the end of the last byte that is not
    /// white space): the inside of a string up to its next quote, backslash or carriage return
    /// (not a key being read, whose bytes are kept), or white space inside a value.
    fn run(&self, rest: &[u8]) -> usize {
        if self.bom > 0 || self.position.cr {
            return 0;
        }
        if self.in_string {
            let reading_key = matches!(&self.top, Top::Object(o) if o.reading_key);
            if self.escape || reading_key {
                return 0;
            }
            return rest
                .iter()
                .position(|&c| matches!(c, b'"' | b'\\' | b'\r'))
                .unwrap_or(rest.len());
        }
        if self.open.is_empty() {
            return 0;
        }
        rest.iter()
            .position(|&c| !matches!(c, b' ' | b'\t' | b'\n'))
            .unwrap_or(rest.len())
    }

    /// Passes over `run` (see `run`).
    fn pass(&mut self, run: &[u8]) {
        if self.in_string {
            if let Some(k) = run
                .iter()
                .rposition(|&c| !matches!(c, b' ' | b'\t' | b'\n'))
            {
                self.last_end = self.position.next.byte + k as u64 + 1;
            }
        }
        self.position.skip(run);
    }

    fn structure(&mut self, b: u8, here: Start) -> Result<(), InputMessage> {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
                if self.open.is_empty() {
                    // A string at the top is a value of its own, whatever follows it.
                    self.last_end = here.byte + 1;
                    self.end_scalar();
                }
                if let Top::Object(o) = &mut self.top {
                    if o.reading_key {
                        o.reading_key = false;
                        o.whole |= WHOLE_KEYS.contains(&&o.key[..]);
                        if o.keys.len() < DESCRIBED_KEYS {
                            o.keys.push(String::from_utf8_lossy(&o.key).into_owned());
                        }
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
                if depth == 0 {
                    self.end_scalar();
                }
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
                            keys: Vec::new(),
                        }))
                    } else {
                        Top::List {
                            start: here,
                            items: 0,
                            first: self.units.len(),
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
                if let Some(unit) = item(&mut self.element, &mut self.values, end) {
                    *items += 1;
                    self.units.push(unit);
                }
            }
            (1, Top::Object(o)) => o.expect_key = true,
            (2, Top::Object(o)) if o.in_list => {
                o.items
                    .extend(item(&mut self.element, &mut self.values, end));
            }
            _ => {}
        }
    }

    /// A list or object closed, leaving `depth` open.
    fn closed(&mut self, depth: usize, here: Start, b: u8) {
        let end = self.last_end;
        match depth {
            0 => match std::mem::replace(&mut self.top, Top::None) {
                Top::List {
                    start,
                    mut items,
                    first,
                } => {
                    if let Some(unit) = item(&mut self.element, &mut self.values, end) {
                        items += 1;
                        self.units.push(unit);
                    }
                    if items > 0 {
                        for unit in &mut self.units[first..] {
                            unit.list = Some(self.lists.len());
                        }
                        self.lists.push(List {
                            start,
                            keys: Vec::new(),
                        });
                    } else {
                        // An empty list: read whole, for what the reader says of it.
                        self.whole(start, here.byte + 1);
                    }
                }
                Top::Object(o) => {
                    if o.whole || o.items.is_empty() {
                        self.whole(o.start, here.byte + 1);
                    } else {
                        let list = self.lists.len();
                        self.units.extend(o.items.into_iter().map(|u| Unit {
                            list: Some(list),
                            ..u
                        }));
                        self.lists.push(List {
                            start: o.start,
                            keys: o.keys,
                        });
                    }
                }
                _ => {}
            },
            1 => {
                if let Top::Object(o) = &mut self.top {
                    if o.in_list && b == b']' {
                        o.in_list = false;
                        o.items
                            .extend(item(&mut self.element, &mut self.values, end));
                    }
                }
            }
            _ => {}
        }
    }

    fn end_scalar(&mut self) {
        if let Top::Scalar = self.top {
            let end = self.last_end;
            self.units
                .extend(item(&mut self.element, &mut self.values, end));
            self.top = Top::None;
        }
    }

    /// A value read whole, `start..end`.
    fn whole(&mut self, start: Start, end: u64) {
        self.values += 1;
        self.units.push(Unit {
            start,
            end,
            list: None,
        });
    }

    fn finish(mut self) -> Result<Scanned, InputMessage> {
        let at = self.position.end();
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
        Ok(Scanned {
            units: self.units,
            lists: self.lists,
        })
    }
}

/// The value being scanned, ended at `end`: a unit (counted in `values`).
fn item(element: &mut Option<Start>, values: &mut usize, end: u64) -> Option<Unit> {
    let start = element.take()?;
    *values += 1;
    Some(Unit {
        start,
        end,
        list: None,
    })
}

/// The first pass: the values the input is made of.
fn scan(bytes: &mut Bytes, format: Format) -> Result<Scanned, InputMessage> {
    let unreadable =
        |e: std::io::Error| Start::default().message(format!("cannot read the input: {e}"));
    let mut json = Scanner::new();
    let mut yaml = Documents::new();
    bytes.each_piece(unreadable, |piece| match format {
        Format::GcloudYaml => yaml.bytes(piece),
        _ => json.bytes(piece),
    })?;
    match format {
        Format::GcloudYaml => yaml.finish(),
        _ => json.finish(),
    }
}

/// The YAML scanner: the documents, split at the lines the reader splits them at (`---`,
/// `--- ...`, `...`), each a unit (the reader reads each document on its own, so a unit reads
/// as it would in the whole input).
struct Documents {
    position: Position,
    /// The current line: where it starts, its first bytes, its length (line end left out),
    /// and whether it holds more than white space.
    line: Start,
    head: [u8; 4],
    length: usize,
    content: bool,
    /// The current unit: where it starts (`None` until a line after a marker starts), and
    /// whether a line of it holds more than white space.
    unit: Option<Start>,
    unit_content: bool,
    /// A byte-order mark still to pass over.
    bom: u64,
    units: Vec<Unit>,
}

impl Documents {
    fn new() -> Documents {
        Documents {
            position: Position::new(),
            line: Start::default(),
            head: [0; 4],
            length: 0,
            content: false,
            unit: None,
            unit_content: false,
            bom: 0,
            units: Vec::new(),
        }
    }

    fn bytes(&mut self, bytes: &[u8]) -> Result<(), InputMessage> {
        if self.position.next.byte == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
            self.bom = 3;
        }
        let mut i = 0;
        while i < bytes.len() {
            // The rest of a line whose first bytes are read changes nothing but its length,
            // whether it holds more than white space, and the place: passed over at once.
            if self.bom == 0 && !self.position.cr && self.unit.is_some() && self.length >= 4 {
                let rest = &bytes[i..];
                let run = rest
                    .iter()
                    .position(|&c| c == b'\n' || c == b'\r')
                    .unwrap_or(rest.len());
                if run > 1 {
                    let run = &rest[..run];
                    self.length += run.len();
                    self.content |= run.iter().any(|&c| !matches!(c, b' ' | b'\t'));
                    self.position.skip(run);
                    i += run.len();
                    continue;
                }
            }
            let b = bytes[i];
            i += 1;
            let cr = self.position.cr;
            let here = self.position.at(b);
            if cr && b != b'\n' {
                // A carriage return alone ended the line before this byte.
                self.end_line()?;
            }
            // The first byte after a marker line (or of the input) starts a unit.
            self.unit.get_or_insert(here);
            if self.bom > 0 {
                self.bom -= 1;
            } else {
                match b {
                    b'\n' => self.end_line()?,
                    b'\r' => {}
                    _ => {
                        if self.length == 0 {
                            self.line = here;
                        }
                        if self.length < 4 {
                            self.head[self.length] = b;
                        }
                        self.length += 1;
                        self.content |= !matches!(b, b' ' | b'\t');
                    }
                }
            }
            self.position.past(b);
        }
        Ok(())
    }

    /// A line ended: a marker line ends the unit before it (one with content: the reader
    /// passes over a document of blank lines).
    fn end_line(&mut self) -> Result<(), InputMessage> {
        let head = &self.head[..self.length.min(4)];
        let marker = (self.length == 3 && (head == b"---" || head == b"..."))
            || (self.length >= 4 && head == b"--- ");
        if marker {
            self.end_unit(self.line.byte)?;
        } else {
            self.unit_content |= self.content;
        }
        self.length = 0;
        self.content = false;
        Ok(())
    }

    fn end_unit(&mut self, end: u64) -> Result<(), InputMessage> {
        if let Some(start) = self.unit.take() {
            if self.unit_content {
                self.units.push(Unit {
                    start,
                    end,
                    list: None,
                });
                if self.units.len() > MAX_VALUES {
                    return Err(start.message(format!(
                        "expected at most {MAX_VALUES} values in one input (gkecheck's limit): split the input"
                    )));
                }
            }
        }
        self.unit_content = false;
        Ok(())
    }

    fn finish(mut self) -> Result<Scanned, InputMessage> {
        let at = self.position.end();
        if self.length > 0 {
            self.end_line()?;
        }
        self.end_unit(at.byte)?;
        if self.units.is_empty() {
            return Err(at.message("expected YAML documents, found none"));
        }
        Ok(Scanned {
            units: self.units,
            lists: Vec::new(),
        })
    }
}

/// Reads a unit's text: UTF-8, or the place of its first invalid byte.
fn text_of(bytes: &Bytes, unit: &Unit, buf: &mut Vec<u8>) -> Result<String, InputMessage> {
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
    /// Documents, as the whole input's reading counts them (an item of a list: none, its list
    /// is one; a YAML unit of blank lines and comments: none).
    documents: usize,
    clusters: usize,
    pools: usize,
    iam: bool,
    /// Over the limit of one check (32 MiB): not read, and refused in a part of its own.
    oversized: bool,
}

impl Facts {
    /// It holds a cluster or a node pool, or is too large to read (and so belongs to a part,
    /// where it is refused).
    fn described(&self) -> bool {
        self.clusters + self.pools > 0 || self.oversized
    }
}

/// A unit over the limit of one check: each part is checked as one input, at most 32 MiB.
fn oversized(unit: &Unit) -> bool {
    unit.end - unit.start.byte > crate::input::MAX_INPUT_BYTES as u64
}

/// A cluster's location and project.
type Key = (Option<String>, Option<String>);

/// What the first pass learns of a stream.
struct Survey {
    units: Vec<Unit>,
    lists: Vec<List>,
    facts: Vec<Facts>,
    /// Documents that describe nothing: their unit, their place, what the reader says of them.
    skipped: Vec<(usize, Start, String)>,
    /// Clusters by name: their unit, location and project.
    clusters: HashMap<String, Vec<(usize, Key)>>,
    /// Node pools listed apart from their cluster: their unit, the cluster they name, their
    /// location and project.
    pools: Vec<(usize, Option<String>, Key)>,
    projects: BTreeSet<String>,
}

/// The first pass: the values, each read once for what it describes, on every core. An error
/// anywhere is the input's (nothing of it is checked, as when it is read whole).
fn survey(bytes: &mut Bytes, format: Format) -> Result<Survey, InputMessage> {
    let Scanned { units, lists } = scan(bytes, format)?;
    let bytes = &*bytes;
    let threads = cores().min(units.len().div_ceil(64)).max(1);
    let per = units.len().div_ceil(threads);
    let pieces: Vec<Result<Survey, InputMessage>> = std::thread::scope(|scope| {
        let running: Vec<_> = (0..threads)
            .map(|t| {
                let units = &units;
                scope.spawn(move || {
                    let first = t * per;
                    survey_units(bytes, format, units, first..units.len().min(first + per))
                })
            })
            .collect();
        running
            .into_iter()
            .map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut survey = Survey {
        facts: Vec::with_capacity(units.len()),
        units: Vec::new(),
        lists,
        skipped: Vec::new(),
        clusters: HashMap::new(),
        pools: Vec::new(),
        projects: BTreeSet::new(),
    };
    // In the input's order: the first error is that of the first piece with one.
    for piece in pieces {
        let piece = piece?;
        survey.facts.extend(piece.facts);
        survey.skipped.extend(piece.skipped);
        for (name, mut found) in piece.clusters {
            survey.clusters.entry(name).or_default().append(&mut found);
        }
        survey.pools.extend(piece.pools);
        survey.projects.extend(piece.projects);
    }
    survey.units = units;
    Ok(survey)
}

/// How many threads the command line checks with.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The first pass over `range` of the units (a survey of those, with no units or lists).
fn survey_units(
    bytes: &Bytes,
    format: Format,
    units: &[Unit],
    range: std::ops::Range<usize>,
) -> Result<Survey, InputMessage> {
    let mut survey = Survey {
        facts: Vec::with_capacity(range.len()),
        units: Vec::new(),
        lists: Vec::new(),
        skipped: Vec::new(),
        clusters: HashMap::new(),
        pools: Vec::new(),
        projects: BTreeSet::new(),
    };
    let mut buf = Vec::new();
    for u in range {
        let unit = &units[u];
        if oversized(unit) {
            // Read whole, it would take ten times its size and seconds, only to be refused.
            survey.facts.push(Facts {
                documents: 1,
                oversized: true,
                ..Facts::default()
            });
            continue;
        }
        let text = text_of(bytes, unit, &mut buf)?;
        let plain = crate::input::for_parsers(&text);
        let place = |offset: usize| match offset {
            0 => unit.start,
            _ => within(unit.start, &LineIndex::new(&text), offset),
        };
        let documents = match format {
            Format::GcloudYaml => crate::input::yaml::parse(&plain).map(|p| p.documents),
            _ => json::parse(&plain).map(|doc| vec![doc]),
        }
        .map_err(|e| place(e.offset).message(e.message))?;
        let mut model = Model::default();
        for doc in &documents {
            if let Err(message) = gcloud::load(0, doc, &mut model) {
                survey.skipped.push((u, place(doc.span.start()), message));
            }
        }
        if model.clusters.is_empty() && model.node_pools.is_empty() && model.iam.is_empty() {
            survey.facts.push(Facts {
                documents: documents.len(),
                ..Facts::default()
            });
            continue;
        }
        let key = |location: &crate::model::Field<String>,
                   project: &crate::model::Field<String>| {
            (
                location.as_str().map(str::to_string),
                project.as_str().map(str::to_string),
            )
        };
        for c in &model.clusters {
            if let (Some(name), Origin::Live) = (c.name.as_str(), c.origin) {
                survey
                    .clusters
                    .entry(name.to_string())
                    .or_default()
                    .push((u, key(&c.location, &c.project)));
            }
        }
        for p in &model.node_pools {
            if let Some(crate::model::Missing { name, .. }) = p.cluster.missing() {
                survey
                    .pools
                    .push((u, name.clone(), key(&p.location, &p.project)));
            }
        }
        let projects = model.clusters.iter().map(|c| &c.project);
        for p in projects.chain(model.node_pools.iter().map(|p| &p.project)) {
            if let Some(p) = p.as_str().filter(|p| !p.is_empty()) {
                survey.projects.insert(p.to_string());
            }
        }
        survey.facts.push(Facts {
            documents: documents.len(),
            clusters: model.clusters.len(),
            pools: model.node_pools.len(),
            iam: !model.iam.is_empty(),
            oversized: false,
        });
    }
    Ok(survey)
}

/// What the reader says of a list none of whose items describes anything, read whole: of a
/// list, or of an object with these keys.
fn undescribed(list: &List) -> String {
    let shape = if list.keys.is_empty() {
        "[0]".to_string()
    } else {
        let members: Vec<String> = list.keys.iter().map(|k| format!("\"{k}\": 0")).collect();
        format!("{{{}}}", members.join(", "))
    };
    let read = json::parse(&shape).map(|doc| gcloud::load(0, &doc, &mut Model::default()));
    match read {
        Ok(Err(message)) => message,
        _ => "found no cluster, node pool or IAM policy in this list".into(),
    }
}

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

/// The parts: the units that describe clusters or pools, grouped so that what the whole check
/// relates is checked together, the groups in the order of their first unit, packed up to
/// `parts`. Also, for each missing cluster's headline group, the first unit with one of its
/// pools (where the group goes in the headline).
fn plan(survey: &Survey, parts: Parts) -> (Vec<Vec<usize>>, HashMap<String, usize>) {
    let Survey {
        units,
        facts,
        clusters,
        pools,
        ..
    } = survey;
    // A pool listed on its own goes with every cluster it could belong to (one: it joins it;
    // several: it joins none, and the check must see them all to know); one that joins none,
    // with the other pools that name the same missing cluster (one headline group).
    let mut groups = Groups {
        parent: (0..units.len()).collect(),
    };
    let mut missing: HashMap<String, (usize, usize)> = HashMap::new();
    let agrees = |mine: &Option<String>, theirs: &Option<String>| match (mine, theirs) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    for (u, name, (location, project)) in pools {
        let fits: Vec<usize> = name
            .as_ref()
            .and_then(|n| clusters.get(n))
            .into_iter()
            .flatten()
            .filter(|(_, (l, p))| agrees(location, l) && agrees(project, p))
            .map(|(c, _)| *c)
            .collect();
        for &c in &fits {
            groups.join(*u, c);
        }
        if fits.len() != 1 {
            let key = name.clone().unwrap_or_default();
            let (node, _) = match missing.get(&key) {
                Some(&found) => found,
                None => {
                    let found = (groups.node(), *u);
                    missing.insert(key, found);
                    found
                }
            };
            groups.join(*u, node);
        }
    }
    let mut order: Vec<usize> = Vec::new();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for u in (0..units.len()).filter(|&u| facts[u].described()) {
        let root = groups.find(u);
        members
            .entry(root)
            .or_insert_with(|| {
                order.push(root);
                Vec::new()
            })
            .push(u);
    }
    let mut planned: Vec<Vec<usize>> = Vec::new();
    let (mut part, mut size, mut resources) = (Vec::new(), 0u64, 0usize);
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
        if !part.is_empty()
            && (size + group_size > parts.bytes || resources + group_resources > parts.resources)
        {
            planned.push(std::mem::take(&mut part));
            (size, resources) = (0, 0);
        }
        part.extend(group);
        size += group_size;
        resources += group_resources;
    }
    if !part.is_empty() {
        planned.push(part);
    }
    let first = missing.into_iter().map(|(k, (_, u))| (k, u)).collect();
    (planned, first)
}

/// One part: its units read, checked as a stream of values one per line, and every place in
/// its report mapped back to the input's.
fn check_part(
    name: &str,
    format: Format,
    bytes: &Bytes,
    units: &[Unit],
    part: &[usize],
    options: &Options,
) -> PartChecked {
    // Such a unit is a part of its own (with the IAM policies every part has).
    if let Some(&u) = part.iter().find(|&&u| oversized(&units[u])) {
        return Ok(refused(name, format, &units[u], options));
    }
    let clock = std::time::Instant::now();
    let mut text = String::new();
    let mut offsets = Vec::with_capacity(part.len());
    let mut buf = Vec::new();
    for &u in part {
        // JSON: a value a line; YAML: a document after each marker line.
        if format == Format::GcloudYaml {
            text.push_str("---\n");
        }
        offsets.push(text.len());
        text.push_str(&text_of(bytes, &units[u], &mut buf)?);
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    let places: Vec<(usize, usize, Start)> = {
        let index = LineIndex::new(&text);
        offsets
            .iter()
            .zip(part)
            .map(|(&o, &u)| {
                let p = index.position(o);
                (p.line, p.utf16, units[u].start)
            })
            .collect()
    };
    let input = Input {
        name: name.to_string(),
        text,
        format: Some(format),
    };
    // Reading the part's units is part of its parse; mapping its places, of its report.
    let read = clock.elapsed();
    let (mut report, phases) = crate::check_every_note(std::slice::from_ref(&input), options);
    let mapping = std::time::Instant::now();
    map_report(&mut report, &places);
    let phases = Phases {
        parse: read + phases.parse,
        report: phases.report + mapping.elapsed(),
        ..phases
    };
    Ok((report, phases))
}

/// The report of a part that is one unit over the limit of one check: its input's error, at
/// the unit's start; nothing of it is read.
fn refused(name: &str, format: Format, unit: &Unit, options: &Options) -> (Report, Phases) {
    let (mut report, phases) = crate::check_timed(&[], options);
    let how = match format {
        Format::GcloudYaml => "as YAML documents (`gcloud container clusters list --format=yaml`)",
        _ => "as a JSON list (`gcloud container clusters list --format=json`)",
    };
    let size = usize::try_from(unit.end - unit.start.byte).unwrap_or(usize::MAX);
    report.inputs.push(InputReport {
        name: name.to_string(),
        format: format.as_str(),
        error: Some(unit.start.message(format!(
            "expected at most {} MiB in one value, found {} MiB: an input over {0} MiB is read a value at a time (each cluster, node pool or document), and this one value is over the limit of one check; list the clusters {how}",
            crate::input::MAX_INPUT_BYTES >> 20,
            crate::mebibytes(size),
        ))),
        notes: Vec::new(),
    });
    report.summary.errors = 1;
    (report, phases)
}

/// A part's report, or why it could not be read.
type PartChecked = Result<(Report, Phases), InputMessage>;

/// Each part checked, on every core; `take` is given each part and its report in the parts'
/// order, on this thread, as soon as the part and those before it are checked.
fn check_parts(
    name: &str,
    format: Format,
    bytes: &Bytes,
    units: &[Unit],
    planned: &[Vec<usize>],
    options: &Options,
    take: &mut dyn FnMut(&[usize], PartChecked),
) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = cores().min(planned.len()).max(1);
    std::thread::scope(|scope| {
        let (done, checked) = std::sync::mpsc::channel();
        let running: Vec<_> = (0..threads)
            .map(|_| {
                let (next, done) = (&next, done.clone());
                scope.spawn(move || loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(part) = planned.get(i) else { break };
                    let report = check_part(name, format, bytes, units, part, options);
                    if done.send((i, report)).is_err() {
                        break;
                    }
                })
            })
            .collect();
        drop(done);
        // Parts checked before an earlier one wait for it (a few at most: one per core).
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (i, report) in checked {
            waiting.insert(i, report);
            while let Some(report) = waiting.remove(&due) {
                take(&planned[due], report);
                due += 1;
            }
        }
        for r in running {
            r.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
    });
}

/// The first pass, then the parts; the stream's report.
fn check_stream(stream: &mut Stream, options: &Options, parts: Parts, alone: bool) -> Checked {
    let mut input = InputReport {
        name: stream.name.clone(),
        format: stream.format.as_str(),
        error: None,
        notes: Vec::new(),
    };
    let failed = |mut input: InputReport, error: InputMessage| {
        let mut report = crate::check_timed(&[], options).0;
        input.error = Some(error);
        report.inputs.push(input);
        report.summary.errors = 1;
        Checked {
            report,
            phases: Phases::default(),
        }
    };
    let clock = std::time::Instant::now();
    let mut survey = match survey(&mut stream.bytes, stream.format) {
        Ok(survey) => survey,
        Err(e) => return failed(input, e),
    };
    let units = &survey.units;
    // As the whole-input check: a document that describes nothing is noted; when none
    // describes anything, that is the input's error. Its documents are the values that are
    // not items of a list, and the lists (whose items are passed over silently, unless none of
    // them describes anything).
    let mut skipped: Vec<(Start, String)> = Vec::new();
    let mut left = vec![0usize; survey.lists.len()];
    for unit in units {
        if let Some(l) = unit.list {
            left[l] += 1;
        }
    }
    for (u, at, message) in std::mem::take(&mut survey.skipped) {
        match units[u].list {
            Some(l) => left[l] -= 1,
            None => skipped.push((at, message)),
        }
    }
    for (list, _) in survey
        .lists
        .iter()
        .zip(&left)
        .filter(|(_, left)| **left == 0)
    {
        skipped.push((list.start, undescribed(list)));
    }
    crate::sort::sort_by_key(&mut skipped, |(start, _)| start.byte);
    let documents = units
        .iter()
        .zip(&survey.facts)
        .filter(|(u, _)| u.list.is_none())
        .map(|(_, f)| f.documents)
        .sum::<usize>()
        + survey.lists.len();
    if skipped.len() == documents {
        if let Some((start, message)) = skipped.pop() {
            return failed(input, start.message(message));
        }
    }
    let mut described_nothing = skipped.into_iter();
    for (start, message) in described_nothing.by_ref().take(SKIPPED_NOTED) {
        input
            .notes
            .push(start.message(format!("skipped: {message}")));
    }
    if let Some((start, _)) = described_nothing.next() {
        let more = 1 + described_nothing.count();
        input.notes.push(start.message(format!(
            "skipped: {more} more values from here on that hold no cluster, node pool or IAM policy"
        )));
    }
    // IAM policies go to every part, and every part knows the input's projects: a policy is
    // one project's only when all the input's clusters are.
    let iam: Vec<usize> = (0..units.len())
        .filter(|&u| survey.facts[u].iam && !survey.facts[u].described())
        .collect();
    // Each part is checked on a core of its own.
    let options = &Options {
        projects_beside: survey.projects.iter().cloned().collect(),
        threads: crate::Threads {
            count: 1,
            ..options.threads
        },
        ..options.clone()
    };
    if alone {
        input.notes.push(units[0].start.message(format!(
            "checked on its own, in parts, as it is over {} MiB: clusters, node pools, IAM policies and Terraform in the other inputs were not related to what it holds",
            crate::input::MAX_INPUT_BYTES >> 20
        )));
    }
    let (planned, missing_first) = plan(&survey, parts);
    let first_pass = clock.elapsed();
    let mut report: Option<Report> = None;
    // Each headline group with the unit it comes from, to put them in the input's order.
    let mut headline_clusters: Vec<(usize, Headline)> = Vec::new();
    let mut headline_missing: Vec<(usize, Headline)> = Vec::new();
    let mut pass = 0;
    // The parts, on every core; their reports taken in order.
    let planned: Vec<Vec<usize>> = planned
        .into_iter()
        .map(|mut part| {
            part.extend(&iam);
            part.sort_unstable();
            part
        })
        .collect();
    let parts_clock = std::time::Instant::now();
    // Each part's report is taken as soon as it and those before it are checked, so the
    // parts' reports are not all held beside the one they become.
    let mut part_phases = Vec::with_capacity(planned.len());
    let mut error = None;
    let mut take = |part: &[usize], checked: PartChecked| {
        let (mut checked, phases) = match checked {
            Ok(checked) if error.is_none() => checked,
            Ok(_) => return,
            Err(e) => {
                error.get_or_insert(e);
                return;
            }
        };
        part_phases.push(phases);
        let mut part_input = checked.inputs.pop().expect("one input, one input report");
        if input.error.is_none() {
            input.error = part_input.error.take();
        }
        input.notes.append(&mut part_input.notes);
        pass += checked.summary.pass;
        // The part's clusters' groups first (a cluster per group, in the order of its
        // units), then those of pools whose cluster is missing.
        let cluster_units: Vec<usize> = part
            .iter()
            .flat_map(|&u| std::iter::repeat_n(u, survey.facts[u].clusters))
            .collect();
        let missing_groups = checked
            .headline
            .split_off(cluster_units.len().min(checked.headline.len()));
        headline_clusters.extend(cluster_units.into_iter().zip(checked.headline.drain(..)));
        for h in missing_groups {
            let key = h.cluster.clone().unwrap_or_default();
            let first = missing_first.get(&key).copied().unwrap_or(usize::MAX);
            headline_missing.push((first, h));
        }
        match &mut report {
            None => report = Some(checked),
            Some(report) => {
                report.results.append(&mut checked.results);
                merge_waivers(report, checked.waivers);
            }
        }
    };
    check_parts(
        &stream.name,
        stream.format,
        &stream.bytes,
        &survey.units,
        &planned,
        options,
        &mut take,
    );
    if let Some(e) = error {
        return failed(input, e);
    }
    // Wall times: the parts run on every core at once, so their wall time is shared out among
    // the phases as the parts' own times are (each part parses its units, then runs the rules
    // and builds its report); the parse is the first pass and the parts' share of parsing.
    let phases = share_out(first_pass, parts_clock.elapsed(), part_phases.into_iter());
    let mut report = report.unwrap_or_else(|| crate::check_timed(&[], options).0);
    // A note each part gave (an IAM policy's, in every part) once, in the input's order.
    crate::sort::sort_by_key(&mut input.notes, |n| n.offset);
    let mut seen = std::collections::HashSet::new();
    input
        .notes
        .retain(|n| seen.insert((n.offset, n.message.clone())));
    crate::collapse_notes(&mut input.notes);
    report.inputs = vec![input];
    crate::sort::sort_by_key(&mut headline_clusters, |h| h.0);
    crate::sort::sort_by_key(&mut headline_missing, |h| h.0);
    report.headline = headline_clusters
        .into_iter()
        .chain(headline_missing)
        .map(|(_, h)| h)
        .collect();
    count(&mut report, pass);
    crate::no_pool_read(&mut report);
    Checked { report, phases }
}

/// The phases of an input read in parts: the first pass, then `parts_wall` (the parts, run on
/// every core) shared out among parse, rules and report as the parts' own phases are.
fn share_out(
    first_pass: std::time::Duration,
    parts_wall: std::time::Duration,
    parts: impl Iterator<Item = Phases>,
) -> Phases {
    let sum = parts.fold(Phases::default(), |sum, p| Phases {
        parse: sum.parse + p.parse,
        rules: sum.rules + p.rules,
        report: sum.report + p.report,
    });
    let total = (sum.parse + sum.rules + sum.report).as_secs_f64();
    if total == 0.0 {
        return Phases {
            parse: first_pass,
            rules: parts_wall,
            ..Phases::default()
        };
    }
    let parse = parts_wall.mul_f64(sum.parse.as_secs_f64() / total);
    let rules = parts_wall.mul_f64(sum.rules.as_secs_f64() / total);
    Phases {
        parse: first_pass + parse,
        rules,
        report: parts_wall.saturating_sub(parse + rules),
    }
}

/// Maps every place in a part's report to the input's own: `places` holds, for each unit of
/// the part, the line and UTF-16 offset it starts at in the part and where it starts in the
/// input.
fn map_report(report: &mut Report, places: &[(usize, usize, Start)]) {
    let map = |line: &mut usize, column: &mut usize, offset: &mut usize| {
        let k = places.partition_point(|p| p.0 <= *line).saturating_sub(1);
        let (part_line, part_utf16, start) = places[k];
        if *line < part_line {
            // Before the first unit (a YAML marker line the part adds): the unit's start.
            (*line, *column, *offset) = (start.line, start.column, start.utf16);
            return;
        }
        if *line == part_line {
            *column += start.column - 1;
        }
        *line = start.line + (*line - part_line);
        *offset = start.utf16 + offset.saturating_sub(part_utf16);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_wall_time_is_shared_out_as_their_own_phases_are() {
        let ms = std::time::Duration::from_millis;
        let part = |parse, rules, report| Phases {
            parse: ms(parse),
            rules: ms(rules),
            report: ms(report),
        };
        // Two cores: 600 ms of the parts' own time in 300 ms of wall time, half of it parsing.
        let phases = share_out(
            ms(100),
            ms(300),
            [part(200, 60, 40), part(100, 140, 60)].into_iter(),
        );
        assert_eq!(phases.parse, ms(100 + 150));
        assert_eq!(phases.rules, ms(100));
        assert_eq!(phases.report, ms(50));
        // No part checked (every one failed): the first pass is the parse, the rest the rules.
        let phases = share_out(ms(100), ms(7), std::iter::empty());
        assert_eq!(
            (phases.parse, phases.rules, phases.report),
            (ms(100), ms(7), ms(0))
        );
    }

    #[test]
    fn a_run_passed_at_once_counts_as_byte_by_byte() {
        // Every mix of ASCII, line feeds, tabs and characters of two, three and four bytes,
        // from every column a byte-by-byte count may have reached.
        let pieces: [&[u8]; 7] = [
            b"a",
            b" ",
            b"\n",
            b"\t",
            "\u{e9}".as_bytes(),
            "\u{2603}".as_bytes(),
            "\u{1f680}".as_bytes(),
        ];
        let mut seed = 7u64;
        for _ in 0..2_000 {
            let mut run = Vec::new();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for k in 0..(seed >> 59) {
                run.extend_from_slice(pieces[((seed >> (k * 3 % 56)) % 7) as usize]);
            }
            let mut one = Position::new();
            for &b in b"ab\ncd" {
                one.past(b);
            }
            let mut all = Position {
                next: one.next,
                cr: false,
            };
            for &b in &run {
                one.at(b);
                one.past(b);
            }
            all.skip(&run);
            assert_eq!(one.next, all.next, "{:?}", String::from_utf8_lossy(&run));
        }
    }

    #[test]
    fn yaml_documents_are_found_the_same_however_the_bytes_come() {
        // Marker lines of each kind, line ends of both kinds, long lines, wide characters,
        // blank documents, a marker-looking line inside a document's text.
        let text = "name: a\r\nnodePools:\n- name: p \u{1f680} long long long line\n--- \nname: b\u{e9}\r---\n\n...\nname: c\n  text: '--- not a marker'\n---\n";
        let scan = |calls: &mut dyn FnMut(&mut Documents)| {
            let mut d = Documents::new();
            calls(&mut d);
            d.finish()
                .unwrap()
                .units
                .iter()
                .map(|u| (u.start, u.end))
                .collect::<Vec<_>>()
        };
        let whole = scan(&mut |d| d.bytes(text.as_bytes()).unwrap());
        let one_by_one = scan(&mut |d| {
            for b in text.as_bytes() {
                d.bytes(std::slice::from_ref(b)).unwrap();
            }
        });
        assert_eq!(whole, one_by_one);
        // Three documents with content: a, b and c, each starting after its marker line (the
        // blank document between `---` and `...` is passed over).
        let starts: Vec<usize> = whole.iter().map(|(s, _)| s.byte as usize).collect();
        let expected = vec![
            0,
            text.find("name: b").unwrap(),
            text.find("name: c").unwrap(),
        ];
        assert_eq!(starts, expected);
        let c = whole[2].0;
        let before = &text[..c.byte as usize];
        let line_ends = before.matches('\n').count() + before.matches('\r').count()
            - before.matches("\r\n").count();
        assert_eq!((c.line, c.column), (1 + line_ends, 1));
        assert_eq!(c.utf16, text[..c.byte as usize].encode_utf16().count());
    }

    #[test]
    fn the_first_pass_finds_the_same_units_however_the_bytes_come() {
        // Strings with escapes, quotes, line ends of both kinds and wide characters, keys and
        // indentation: scanned whole, and a byte at a time (no run spans two calls).
        let text = "{\"clusters\": [\r\n  {\"name\": \"a \\\"q\\\" \u{1f680}\",\n   \"nodePools\": [{\"name\": \"p\\\\\"}]},\r  {\"name\": \"b\u{e9}\\n\", \"x\": [1, 2,\t3]}\n]}\n";
        let whole = {
            let mut s = Scanner::new();
            s.bytes(text.as_bytes()).unwrap();
            let out = s.finish().unwrap();
            format!("{:?}", out.units)
        };
        let mut s = Scanner::new();
        for b in text.as_bytes() {
            s.bytes(std::slice::from_ref(b)).unwrap();
        }
        assert_eq!(format!("{:?}", s.finish().unwrap().units), whole);
        // Two units, each from its `{` to its `}`, with the places a byte-by-byte count gives.
        let units: Vec<(u64, u64, usize, usize, usize)> = {
            let mut s = Scanner::new();
            s.bytes(text.as_bytes()).unwrap();
            s.finish()
                .unwrap()
                .units
                .iter()
                .map(|u| {
                    (
                        u.start.byte,
                        u.end,
                        u.start.line,
                        u.start.column,
                        u.start.utf16,
                    )
                })
                .collect()
        };
        let second = text.find("{\"name\": \"b").unwrap();
        // Lines end at a line feed, a carriage return, or both together.
        let line_of = |at: usize| {
            let before = &text[..at];
            1 + before.matches('\n').count() + before.matches('\r').count()
                - before.matches("\r\n").count()
        };
        assert_eq!(units.len(), 2, "{units:?}");
        assert_eq!(units[1].0 as usize, second);
        assert_eq!(units[1].2, line_of(second));
        assert_eq!(units[1].3, 3);
        assert_eq!(units[1].4, text[..second].encode_utf16().count());
        assert_eq!(units[0].1 as usize, text.find("]},").unwrap() + 2);
    }

    #[test]
    fn places_map_back_to_the_input_and_never_before_a_part_unit() {
        let start = |byte, line, column, utf16| Start {
            byte,
            line,
            column,
            utf16,
        };
        // A YAML part: "---" on line 1, a unit from line 2 (input line 40, column 1, UTF-16
        // offset 900), another from line 6 (input line 70).
        let places = [
            (2, 4, start(1_000, 40, 1, 900)),
            (6, 50, start(2_000, 70, 1, 1_800)),
        ];
        let message = |line, column, offset| InputMessage {
            message: String::new(),
            line,
            column,
            offset,
        };
        let mut report = crate::check(&[], &Options::default());
        report.inputs.push(InputReport {
            name: "x".into(),
            format: "gcloud-yaml",
            error: Some(message(1, 2, 1)),
            notes: vec![message(3, 5, 10), message(7, 1, 60)],
        });
        map_report(&mut report, &places);
        let got: Vec<(usize, usize, usize)> = report.inputs[0]
            .notes
            .iter()
            .chain(&report.inputs[0].error)
            .map(|m| (m.line, m.column, m.offset))
            .collect();
        assert_eq!(got, [(41, 5, 906), (71, 1, 1_810), (40, 1, 900)]);
    }
}
