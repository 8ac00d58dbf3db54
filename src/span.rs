//! Byte spans inside the engine; lines and columns only at the edge.

use serde::Serialize;

/// A half-open byte range `start..end` in one input's text. Offsets are held as `u32` (a
/// model holds a few for every setting of every cluster and pool): every text the engine reads
/// is at most `CLI_MAX_PLAN_BYTES` (512 MiB), and an input read in parts has spans within each
/// part's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    start: u32,
    end: u32,
}

// Every offset into a text the engine reads fits a span.
const _: () = assert!(crate::CLI_MAX_PLAN_BYTES <= u32::MAX as usize);
const _: () = assert!(crate::input::MAX_INPUT_BYTES <= u32::MAX as usize);

impl Span {
    /// Offsets past `u32::MAX` (which no text the engine reads has) are held as `u32::MAX`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span {
            start: clamp(start),
            end: clamp(end),
        }
    }

    pub fn from_range(range: std::ops::Range<usize>) -> Span {
        Span::new(range.start, range.end)
    }

    pub const fn start(self) -> usize {
        self.start as usize
    }

    pub const fn end(self) -> usize {
        self.end as usize
    }

    pub const fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

const fn clamp(offset: usize) -> u32 {
    if offset > u32::MAX as usize {
        u32::MAX
    } else {
        offset as u32
    }
}

/// A position for people and editors: 1-based line, 1-based column counted in characters,
/// and the 0-based offset from the start of the text in UTF-16 code units (what a browser's
/// text area selection uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub utf16: usize,
}

/// How much of a text a message quotes.
const MAX_QUOTED: usize = 200;

/// Text for a message: at most `MAX_QUOTED` bytes, cut at character boundaries with the
/// number of bytes left out.
pub fn quote(text: &str) -> String {
    if text.len() <= MAX_QUOTED {
        return text.to_string();
    }
    let head = floor_boundary(text, MAX_QUOTED / 2);
    let tail = floor_boundary(text, text.len() - MAX_QUOTED / 4);
    format!(
        "{}… ({} bytes) …{}",
        &text[..head],
        tail - head,
        &text[tail..]
    )
}

/// The largest character boundary at or before `offset` (clamped to the text): where a byte
/// offset computed by a reader may be cut safely.
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The white space `str::trim` removes that is ASCII (`char::is_whitespace` holds for these
/// and for characters past ASCII only).
fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `text.trim_start()`, a byte at a time over ASCII: the readers trim every line, and the
/// standard one decodes and tests each character through a searcher (in the browser's engine,
/// a tenth of reading YAML).
pub fn trim_start(text: &str) -> &str {
    let n = text.bytes().take_while(|&b| ascii_space(b)).count();
    let rest = &text[n..];
    match rest.as_bytes().first() {
        Some(&b) if b >= 0x80 => rest.trim_start(),
        _ => rest,
    }
}

/// `text.trim_end()`, as [`trim_start`] does it.
pub fn trim_end(text: &str) -> &str {
    let n = text.bytes().rev().take_while(|&b| ascii_space(b)).count();
    let rest = &text[..text.len() - n];
    match rest.as_bytes().last() {
        Some(&b) if b >= 0x80 => rest.trim_end(),
        _ => rest,
    }
}

/// `text.trim()`, as [`trim_start`] does it.
pub fn trim(text: &str) -> &str {
    trim_end(trim_start(text))
}

/// A byte past ASCII or a carriage return, which [`next_plain_line_feed`] stops at.
struct NotPlain;

/// [`next_line_feed`] in a text of ASCII without carriage returns: `NotPlain` at the first
/// eight bytes it looks at that hold a byte past ASCII or a carriage return.
fn next_plain_line_feed(bytes: &[u8], from: usize) -> Result<Option<usize>, NotPlain> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut at = from;
    while let Some(word) = bytes.get(at..at + 8) {
        let w = u64::from_le_bytes(word.try_into().unwrap());
        if (w & HIGH) | zero(w ^ (ONES * u64::from(b'\r'))) != 0 {
            return Err(NotPlain);
        }
        // The lowest byte marked is a line feed (a byte marked wrongly is above a true one).
        let marked = zero(w ^ (ONES * u64::from(b'\n')));
        if marked != 0 {
            return Ok(Some(at + (marked.trailing_zeros() / 8) as usize));
        }
        at += 8;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        match b {
            b'\n' => return Ok(Some(at + i)),
            b'\r' | 0x80.. => return Err(NotPlain),
            _ => {}
        }
    }
    Ok(None)
}

/// The offset of the first line feed in `bytes` at or after `from`, eight bytes at a time.
fn next_line_feed(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut at = from;
    while let Some(word) = bytes.get(at..at + 8) {
        let w = u64::from_le_bytes(word.try_into().unwrap()) ^ (ONES * u64::from(b'\n'));
        // The lowest byte marked is a line feed (a byte marked wrongly is above a true one).
        let marked = w.wrapping_sub(ONES) & !w & HIGH;
        if marked != 0 {
            return Some(at + (marked.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b == b'\n').map(|i| at + i)
}

/// The lines of `text`, each with its line feed: `text.split_inclusive('\n')`, found eight
/// bytes at a time (the readers split every input into lines; in the browser's engine a byte
/// search per line cost more than looking at the line).
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let end = next_line_feed(text.as_bytes(), at).map_or(text.len(), |i| i + 1);
        let line = &text[at..end];
        at = end;
        Some(line)
    })
}

/// The lines of `text` as `text.lines()` gives them (without `\n` or `\r\n`), found as
/// [`lines_inclusive`] finds them.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_inclusive(text).map(|line| {
        let cut = match line.as_bytes() {
            [.., b'\r', b'\n'] => 2,
            [.., b'\n'] => 1,
            _ => 0,
        };
        &line[..line.len() - cut]
    })
}

/// How far apart a line index's marks are, at least: a position is counted from the nearest
/// mark before it, reading at most about twice this many bytes, however long the line.
const MARK_BYTES: usize = 256;

/// A place whose line, column and UTF-16 offset are known: the first line start at least
/// `MARK_BYTES` after the mark before, and places inside a line long enough to need them.
#[derive(Clone, Copy, Debug)]
struct Mark {
    byte: u32,
    /// 0-based line.
    line: u32,
    /// Characters from the line's start.
    column: u32,
    /// UTF-16 units from the start of the text.
    utf16: u32,
}

impl Mark {
    fn new(byte: usize, line: usize, column: usize, utf16: usize) -> Mark {
        Mark {
            byte: clamp(byte),
            line: clamp(line),
            column: clamp(column),
            utf16: clamp(utf16),
        }
    }
}

/// Converts byte offsets of one text into positions. Built once per input in O(n); it holds a
/// mark every few hundred bytes, not every line start (a text has a line per few dozen bytes,
/// and the index is held beside the report), so a position costs a search among the marks and
/// a count of the line ends after the nearest: at most about `2 * MARK_BYTES` bytes, on a
/// one-line input of megabytes too. A line ends at `\n`, `\r\n` or a lone `\r`.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Whether every character is one byte and one UTF-16 unit: then columns and UTF-16
    /// offsets come from byte offsets.
    ascii: bool,
    /// Whether the text has a carriage return: line ends are then more than line feeds.
    cr: bool,
    /// Ordered by byte (and so by line and column); the first is the text's start.
    marks: Vec<Mark>,
    lines: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let mut marks = vec![Mark::new(0, 0, 0, 0)];
        let mut lines = 1;
        // ASCII and line feeds alone (nearly every input): the line feeds found eight bytes
        // at a time, in the pass that finds the text is such, which stops at the first byte
        // past ASCII or carriage return.
        let mut last = 0;
        let mut line_start = 0;
        let inside =
            |marks: &mut Vec<Mark>, last: &mut usize, line: usize, line_start: usize, to: usize| {
                while to - *last >= 2 * MARK_BYTES {
                    *last += MARK_BYTES;
                    marks.push(Mark::new(*last, line, *last - line_start, *last));
                }
            };
        let mut from = 0;
        let plain = loop {
            match next_plain_line_feed(bytes, from) {
                Ok(Some(at)) => {
                    inside(&mut marks, &mut last, lines - 1, line_start, at);
                    line_start = at + 1;
                    lines += 1;
                    if line_start - last >= MARK_BYTES {
                        last = line_start;
                        marks.push(Mark::new(line_start, lines - 1, 0, line_start));
                    }
                    from = at + 1;
                }
                Ok(None) => break true,
                Err(NotPlain) => break false,
            }
        };
        let (ascii, cr) = if plain {
            inside(&mut marks, &mut last, lines - 1, line_start, bytes.len());
            (true, false)
        } else {
            // The long way, from the start: what the plain pass found is dropped.
            marks.truncate(1);
            lines = 1;
            let (mut utf16, mut column, mut last, mut at_start) = (0, 0, 0, false);
            let mut i = 0;
            // Byte by byte: a character starts at every byte that is not a UTF-8 continuation
            // byte, and takes two UTF-16 units when it takes four bytes.
            while i < bytes.len() {
                let b = bytes[i];
                let gap = i - last;
                // Never between a CR and its LF: the LF belongs to the line's end, not its text.
                let crlf = b == b'\n' && i > 0 && bytes[i - 1] == b'\r';
                if !crlf && ((at_start && gap >= MARK_BYTES) || gap >= 2 * MARK_BYTES) {
                    last = i;
                    marks.push(Mark::new(i, lines - 1, column, utf16));
                }
                let width = match b {
                    0..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                utf16 += if width == 4 { 2 } else { 1 };
                at_start = ends_line(bytes, i);
                if at_start {
                    lines += 1;
                    column = 0;
                } else {
                    column += 1;
                }
                i += width;
            }
            (text.is_ascii(), bytes.contains(&b'\r'))
        };
        marks.shrink_to_fit();
        LineIndex {
            text,
            ascii,
            cr,
            marks,
            lines,
        }
    }

    /// The line ends in `from..to`, and the start of the line the last of them begins.
    fn line_ends(&self, from: usize, to: usize) -> (usize, Option<usize>) {
        let bytes = self.text.as_bytes();
        if !self.cr {
            let seg = &bytes[from..to];
            let n = count_line_feeds(seg);
            let last = (n > 0)
                .then(|| seg.iter().rposition(|&b| b == b'\n'))
                .flatten()
                .map(|i| from + i + 1);
            return (n, last);
        }
        let (mut n, mut last) = (0, None);
        for i in from..to {
            if ends_line(bytes, i) {
                n += 1;
                last = Some(i + 1);
            }
        }
        (n, last)
    }

    /// The position of a byte offset; offsets past the end or inside a character are clamped.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset);
        let m = self.marks[self.marks.partition_point(|m| m.byte as usize <= offset) - 1];
        let from = m.byte as usize;
        let (ends, last) = self.line_ends(from, offset);
        let line = m.line as usize + ends + 1;
        if self.ascii {
            let start = last.unwrap_or(from - m.column as usize);
            return Position {
                line,
                column: offset - start + 1,
                utf16: offset,
            };
        }
        let column = match last {
            Some(start) => self.text[start..offset].chars().count(),
            None => m.column as usize + self.text[from..offset].chars().count(),
        };
        Position {
            line,
            column: column + 1,
            utf16: m.utf16 as usize + self.text[from..offset].encode_utf16().count(),
        }
    }

    /// The byte offset where a 0-based line starts (the text's end past the last line).
    fn line_start(&self, line: usize) -> usize {
        let i = self.marks.partition_point(|m| (m.line as usize) < line);
        if let Some(m) = self.marks.get(i) {
            if m.line as usize == line && m.column == 0 {
                return m.byte as usize;
            }
        }
        // The line starts after the mark before (every mark from `i` on is on it or after).
        let m = self.marks[i.saturating_sub(1)];
        let to = self
            .marks
            .get(i)
            .map_or(self.text.len(), |m| m.byte as usize);
        let mut need = line - m.line as usize;
        let bytes = self.text.as_bytes();
        let mut at = m.byte as usize;
        while need > 0 && at < to {
            if ends_line(bytes, at) {
                need -= 1;
            }
            at += 1;
        }
        if need > 0 {
            self.text.len()
        } else {
            at
        }
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let l = line - 1;
        let start = self.line_start(l);
        // The line ends before the first mark of a later line: from its own last mark, or its
        // start, at most about `2 * MARK_BYTES` bytes are read.
        let j = self.marks.partition_point(|m| m.line as usize <= l);
        let from = match j.checked_sub(1).map(|k| self.marks[k]) {
            Some(m) if m.line as usize == l => start.max(m.byte as usize),
            _ => start,
        };
        let bytes = self.text.as_bytes();
        let end = if self.cr {
            bytes[from..]
                .iter()
                .position(|&b| b == b'\n' || b == b'\r')
                .map(|i| from + i)
        } else {
            next_line_feed(bytes, from)
        };
        start..end.unwrap_or(self.text.len())
    }

    /// The byte offset of a 1-based line and column (in characters), found from the nearest
    /// mark: cheap on a line of megabytes. A column past the line's end gives its end.
    pub fn byte_at(&self, line: usize, column: usize) -> usize {
        self.byte_in(line, self.line_range(line), column)
    }

    /// [`LineIndex::byte_at`] on a line whose byte range is known (`line_range`).
    pub fn byte_in(&self, line: usize, range: std::ops::Range<usize>, column: usize) -> usize {
        let skip = column.saturating_sub(1);
        if self.ascii {
            return (range.start + skip).min(range.end);
        }
        // The last mark on the line at or before the column.
        let key = (line - 1, skip);
        let i = self
            .marks
            .partition_point(|m| (m.line as usize, m.column as usize) <= key);
        let (from, skip) = match i.checked_sub(1).map(|k| self.marks[k]) {
            Some(m) if m.line as usize == key.0 => (m.byte as usize, skip - m.column as usize),
            _ => (range.start, skip),
        };
        self.text[from..range.end]
            .char_indices()
            .nth(skip)
            .map_or(range.end, |(i, _)| from + i)
    }

    /// The whole text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        &self.text[self.line_range(line)]
    }

    pub fn line_count(&self) -> usize {
        self.lines
    }
}

/// Whether the byte at `i` ends a line: a line feed, or a carriage return not followed by one.
fn ends_line(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

/// How many line feeds `bytes` holds, eight bytes at a time (the browser's engine has no
/// vector search).
fn count_line_feeds(bytes: &[u8]) -> usize {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut words = bytes.chunks_exact(8);
    let mut n = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap()) ^ (ONES * u64::from(b'\n'));
        // A byte's high bit is set unless the byte is zero (a line feed before the xor).
        let nonzero = ((w & LOW) + LOW) | w;
        n += (!nonzero & !LOW).count_ones() as usize;
    }
    n + words.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_as_the_standard_library_splits_them() {
        // Bytes next to a line feed's value (tab, vertical tab, 0x8a in 'Ċ') too.
        let pieces = [
            "",
            "\n",
            "\r",
            "\r\n",
            "a",
            "é",
            "\n\n",
            "abcdefgh",
            "\t\x0bĊ\x0b\tĊ",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let text = format!("{a}{b}{c}{d}");
                        let mine: Vec<&str> = lines_inclusive(&text).collect();
                        let theirs: Vec<&str> = text.split_inclusive('\n').collect();
                        assert_eq!(mine, theirs, "{text:?}");
                        let mine: Vec<&str> = lines(&text).collect();
                        let theirs: Vec<&str> = text.lines().collect();
                        assert_eq!(mine, theirs, "{text:?}");
                    }
                }
            }
        }
        // Line feeds at every place in and around a word of eight bytes.
        for i in 0..24 {
            let mut text = "x".repeat(24);
            text.replace_range(i..=i, "\n");
            assert_eq!(lines_inclusive(&text).next().unwrap().len(), i + 1);
            assert_eq!(next_line_feed(text.as_bytes(), 0), Some(i));
        }
    }

    #[test]
    fn trims_as_the_standard_library_does() {
        let pieces = [
            "", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\u{a0}", "\u{85}", "\u{2003}", "\u{3000}",
            "\u{feff}", "x", "é", "😀", "- ", ":",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let text = format!("{a}{b}{c}{d}");
                        assert_eq!(trim_start(&text), text.trim_start(), "{text:?}");
                        assert_eq!(trim_end(&text), text.trim_end(), "{text:?}");
                        assert_eq!(trim(&text), text.trim(), "{text:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, pieces.len().pow(4));
    }

    #[test]
    fn positions_count_characters_and_utf16_units() {
        let text = "ab\né😀x\n";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(0),
            Position {
                line: 1,
                column: 1,
                utf16: 0
            }
        );
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(x),
            Position {
                line: 2,
                column: 3,
                utf16: 3 + 1 + 2
            }
        );
        assert_eq!(index.line_text(2), "é😀x");
        // Inside a multi-byte character: clamped to its start.
        assert_eq!(index.position(4).column, 1);
        assert_eq!(index.position(999).line, 3);
    }

    #[test]
    fn line_feeds_found_word_by_word_are_every_line_feed() {
        // Bytes next to the line feed's value (a word's test can be set off by a zero byte's
        // neighbour), at every place within a word and across words, and a tail shorter than
        // a word; with bytes past ASCII and carriage returns, and without (plain).
        const ANY: &[u8] = &[
            b'\n',
            0x0b,
            0x09,
            0x8a,
            0x0a ^ 0x80,
            0x00,
            0xff,
            b'a',
            b'\r',
            0x0c,
        ];
        const PLAIN: &[u8] = &[b'\n', 0x0b, 0x09, 0x00, 0x7f, b'a', 0x0e, 0x0c];
        let mut seed = 7u32;
        for len in 0..80 {
            for round in 0..80 {
                let from_bytes = if round % 2 == 0 { ANY } else { PLAIN };
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        from_bytes[(seed >> 16) as usize % from_bytes.len()]
                    })
                    .collect();
                let (mut found, mut plain, mut from) = (Vec::new(), Vec::new(), 0);
                while let Some(at) = next_line_feed(&bytes, from) {
                    found.push(at);
                    from = at + 1;
                }
                from = 0;
                let plain_text = loop {
                    match next_plain_line_feed(&bytes, from) {
                        Ok(Some(at)) => {
                            plain.push(at);
                            from = at + 1;
                        }
                        Ok(None) => break true,
                        Err(NotPlain) => break false,
                    }
                };
                let expected: Vec<usize> =
                    (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect();
                assert_eq!(found, expected, "{bytes:?}");
                // The plain search finds the same, or says the text is not plain.
                assert_eq!(
                    plain_text,
                    bytes.iter().all(|&b| b.is_ascii() && b != b'\r'),
                    "{bytes:?}"
                );
                if plain_text {
                    assert_eq!(plain, expected, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn long_lines_and_lone_carriage_returns() {
        // A long line with multi-byte characters: checkpoints inside it agree with counting.
        let line: String = "aé😀".repeat(1000);
        let text = format!("x\n{line}\ny");
        let index = LineIndex::new(&text);
        for offset in [2, 700, 2049, 5000, text.len() - 2] {
            let offset = floor_boundary(&text, offset);
            let p = index.position(offset);
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            assert_eq!(
                p.column,
                text[start..offset].chars().count() + 1,
                "{offset}"
            );
            assert_eq!(p.utf16, text[..offset].encode_utf16().count(), "{offset}");
            assert_eq!(p.line, 2);
        }
        assert_eq!(index.position(text.len() - 1).line, 3);
        // Old Mac line ends: a lone CR ends a line; CRLF is one line end.
        let index = LineIndex::new("a\rb\r\nc");
        assert_eq!(index.position(2).line, 2);
        assert_eq!(index.position(5).line, 3);
        assert_eq!(index.line_text(1), "a");
        assert_eq!(index.line_text(2), "b");
    }

    #[test]
    fn short_texts_and_places_past_the_end() {
        for text in ["", "\r", "\n", "\r\n", "a\r", "é\r", "\r\r\n\n", "x"] {
            crate::fuzzing::line_index(text);
            let index = LineIndex::new(text);
            // Past the end: the last place, and lines past the last are empty at the end.
            assert_eq!(index.position(text.len() + 5), index.position(text.len()));
            let past = index.line_count() + 3;
            assert_eq!(index.line_range(past), text.len()..text.len());
            assert_eq!(index.byte_at(past, 4), text.len());
            assert_eq!(index.line_text(past), "");
        }
        assert_eq!(LineIndex::new("").line_count(), 1);
        assert_eq!(LineIndex::new("a\r").line_count(), 2);
    }

    #[test]
    fn a_mark_on_the_line_feed_of_a_crlf() {
        // A mark falls where a long line's CR is followed by its LF (the LF a character on its
        // own, past the line's text): the line's text ends before the CR all the same.
        for line in ["y".repeat(511), "é".repeat(255) + "y"] {
            let text = format!("{line}\r\nz");
            crate::fuzzing::line_index(&text);
            assert_eq!(LineIndex::new(&text).line_text(1), line);
        }
    }

    #[test]
    fn every_offset_agrees_with_counting_characters() {
        // Characters of one to four bytes, every kind of line end, lines short and past a
        // checkpoint's length.
        for pieces in [
            &["a", "é", "€", "😀", "\n", "\r\n", "\r", &"z".repeat(600)][..],
            // ASCII text takes the short way: the same answers.
            &["a", "\n", "\r\n", "\r", &"z".repeat(600)][..],
            // ASCII with line feeds alone, the shortest way.
            &["a", "\n", "\n\n", &"z".repeat(600)][..],
            // Lines of every length around the marks' spacing, and lines of megabytes' kind.
            &[
                "\n",
                &"y".repeat(255),
                &"y".repeat(256),
                &"y".repeat(511),
                &"y".repeat(1500),
            ][..],
            &[
                "\r\n",
                "é",
                &"y".repeat(255),
                &"y".repeat(512),
                &"y".repeat(1500),
            ][..],
        ] {
            // About 200 KB of text each.
            let count = 200_000 / (pieces.iter().map(|p| p.len()).sum::<usize>() / pieces.len());
            agrees(pieces, count.min(2_000));
        }
        // Plain for many marks, then a character past ASCII or a carriage return: the index
        // starts again the long way.
        for late in ["é", "\r\n", "\r", "😀x\n"] {
            let text = format!("{}{late}{}", "a line\n".repeat(2_000), "b\n".repeat(300));
            crate::fuzzing::line_index(&text);
            // One mark for each place, in order: none left from the plain pass.
            let marks = LineIndex::new(&text).marks;
            assert!(marks.windows(2).all(|m| m[0].byte < m[1].byte), "{late:?}");
        }
    }

    fn agrees(pieces: &[&str], count: usize) {
        let mut seed = 7u64;
        let mut text = String::new();
        for _ in 0..count {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        crate::fuzzing::line_index(&text);
    }
}
