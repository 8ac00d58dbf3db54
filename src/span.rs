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

/// How many bytes apart the checkpoints inside a long line are: a position is counted from the
/// nearest one, so a one-line input of megabytes costs no more per position than a short line.
const CHECKPOINT_BYTES: usize = 512;

/// A place whose line, column and UTF-16 offset are known: every line start, and points
/// inside long lines.
#[derive(Clone, Copy)]
struct Checkpoint {
    byte: usize,
    /// 0-based line.
    line: usize,
    /// Characters from the line's start.
    column: usize,
    utf16: usize,
}

/// Calls `found` with the offset of each line feed in `bytes`, in order. Eight bytes are
/// looked at together: a word with no line feed (most of them) costs a few instructions, in
/// the browser's engine too, which has no vector search (a byte search per line cost more
/// than the rest of reading a short line there).
fn line_feeds(bytes: &[u8], mut found: impl FnMut(usize)) {
    let mut from = 0;
    while let Some(at) = next_line_feed(bytes, from) {
        found(at);
        from = at + 1;
    }
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

/// Converts byte offsets of one text into positions. Built once per input in O(n). A line ends
/// at `\n`, `\r\n` or a lone `\r`.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line start (as a span holds offsets: a text has a line per few
    /// bytes, and this is held beside the report).
    starts: Vec<u32>,
    /// Empty for ASCII text, where a byte is a character and a UTF-16 unit: positions come
    /// from the line starts alone.
    checkpoints: Vec<Checkpoint>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        if text.is_ascii() {
            let bytes = text.as_bytes();
            let mut starts = vec![0];
            if !text.contains('\r') {
                // Line feeds alone (nearly every input): found eight bytes at a time.
                line_feeds(bytes, |at| starts.push(clamp(at + 1)));
            } else {
                for (i, b) in bytes.iter().enumerate() {
                    if *b == b'\n' || (*b == b'\r' && bytes.get(i + 1).is_none_or(|n| *n != b'\n'))
                    {
                        starts.push(clamp(i + 1));
                    }
                }
            }
            return LineIndex {
                text,
                starts,
                checkpoints: Vec::new(),
            };
        }
        let mut starts = vec![0];
        let mut checkpoints = vec![Checkpoint {
            byte: 0,
            line: 0,
            column: 0,
            utf16: 0,
        }];
        let (mut utf16, mut column, mut last) = (0, 0, 0);
        let bytes = text.as_bytes();
        // Byte by byte: a character starts at every byte that is not a UTF-8 continuation
        // byte, and takes two UTF-16 units when it takes four bytes.
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b & 0xC0 == 0x80 {
                i += 1;
                continue;
            }
            utf16 += if b >= 0xF0 { 2 } else { 1 };
            column += 1;
            let newline =
                b == b'\n' || (b == b'\r' && bytes.get(i + 1).is_none_or(|n| *n != b'\n'));
            if newline {
                starts.push(clamp(i + 1));
                column = 0;
                last = i + 1;
                checkpoints.push(Checkpoint {
                    byte: i + 1,
                    line: starts.len() - 1,
                    column: 0,
                    utf16,
                });
                i += 1;
                continue;
            }
            let width = match b {
                0..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            if i + width - last >= CHECKPOINT_BYTES {
                last = i + width;
                checkpoints.push(Checkpoint {
                    byte: last,
                    line: starts.len() - 1,
                    column,
                    utf16,
                });
            }
            i += width;
        }
        LineIndex {
            text,
            starts,
            checkpoints,
        }
    }

    /// The position of a byte offset; offsets past the end or inside a character are clamped.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset);
        if self.checkpoints.is_empty() {
            let line = match self.starts.binary_search(&clamp(offset)) {
                Ok(i) => i,
                Err(i) => i - 1,
            };
            return Position {
                line: line + 1,
                column: offset - self.starts[line] as usize + 1,
                utf16: offset,
            };
        }
        let at = match self.checkpoints.binary_search_by_key(&offset, |c| c.byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let c = self.checkpoints[at];
        let between = &self.text[c.byte..offset];
        Position {
            line: c.line + 1,
            column: c.column + between.chars().count() + 1,
            utf16: c.utf16 + between.encode_utf16().count(),
        }
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line - 1] as usize;
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize - 1);
        let body = self.text[start..end].trim_end_matches(['\r', '\n']);
        start..start + body.len()
    }

    /// The byte offset of a 1-based line and column (in characters), found from the nearest
    /// checkpoint: cheap on a line of megabytes. A column past the line's end gives its end.
    pub fn byte_at(&self, line: usize, column: usize) -> usize {
        if self.checkpoints.is_empty() {
            let range = self.line_range(line);
            return (range.start + column.saturating_sub(1)).min(range.end);
        }
        let key = (line - 1, column.saturating_sub(1));
        let at = match self
            .checkpoints
            .binary_search_by_key(&key, |c| (c.line, c.column))
        {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let c = self.checkpoints[at];
        let range = self.line_range(line);
        let from = c.byte.max(range.start);
        let skip = key
            .1
            .saturating_sub(if c.line == key.0 { c.column } else { 0 });
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
        let start = self.starts[line - 1] as usize;
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize - 1);
        self.text[start..end].trim_end_matches(['\r', '\n'])
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
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
        // a word.
        let mut seed = 7u32;
        for len in 0..80 {
            for _ in 0..40 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        [b'\n', 0x0b, 0x09, 0x8a, 0x0a ^ 0x80, 0x00, 0xff, b'a']
                            [(seed >> 16) as usize % 8]
                    })
                    .collect();
                let mut found = Vec::new();
                line_feeds(&bytes, |at| found.push(at));
                let expected: Vec<usize> =
                    (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect();
                assert_eq!(found, expected, "{bytes:?}");
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
    fn every_offset_agrees_with_counting_characters() {
        // Characters of one to four bytes, every kind of line end, lines short and past a
        // checkpoint's length.
        for pieces in [
            &["a", "é", "€", "😀", "\n", "\r\n", "\r", &"z".repeat(600)][..],
            // ASCII text takes the short way: the same answers.
            &["a", "\n", "\r\n", "\r", &"z".repeat(600)][..],
            // ASCII with line feeds alone, the shortest way.
            &["a", "\n", "\n\n", &"z".repeat(600)][..],
        ] {
            agrees(pieces);
        }
    }

    fn agrees(pieces: &[&str]) {
        let mut seed = 7u64;
        let mut text = String::new();
        for _ in 0..2_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        let index = LineIndex::new(&text);
        let (mut line, mut column, mut utf16) = (1, 1, 0);
        let mut chars = text.char_indices().peekable();
        while let Some((offset, c)) = chars.next() {
            let p = index.position(offset);
            assert_eq!(
                (p.line, p.column, p.utf16),
                (line, column, utf16),
                "at {offset}"
            );
            // The way back, except inside a CRLF (the column of its LF is the line's end).
            if !(c == '\n' && text[..offset].ends_with('\r')) {
                assert_eq!(index.byte_at(line, column), offset, "back to {offset}");
            }
            utf16 += c.len_utf16();
            let ends = c == '\n' || (c == '\r' && chars.peek().is_none_or(|(_, n)| *n != '\n'));
            if ends {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
    }
}
