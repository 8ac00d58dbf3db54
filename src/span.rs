//! Byte spans inside the engine; lines and columns only at the edge.

use serde::Serialize;

/// A half-open byte range `start..end` in one input's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn from_range(range: std::ops::Range<usize>) -> Span {
        Span::new(range.start, range.end)
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

/// Converts byte offsets of one text into positions. Built once per input in O(n).
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line start.
    starts: Vec<usize>,
    /// UTF-16 offset of each line start.
    starts_utf16: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        let mut starts_utf16 = vec![0];
        let mut utf16 = 0;
        for (i, c) in text.char_indices() {
            utf16 += c.len_utf16();
            if c == '\n' {
                starts.push(i + 1);
                starts_utf16.push(utf16);
            }
        }
        LineIndex {
            text,
            starts,
            starts_utf16,
        }
    }

    /// The position of a byte offset; offsets past the end or inside a character are clamped.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let prefix = &self.text[self.starts[line]..offset];
        Position {
            line: line + 1,
            column: prefix.chars().count() + 1,
            utf16: self.starts_utf16[line] + prefix.encode_utf16().count(),
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(self.text.len(), |&s| s - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
