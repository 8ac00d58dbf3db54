//! Report version 1 as `serde_json`'s pretty printer writes it, byte for byte (two spaces a
//! level), with each line's start written at once: the line feed, the comma before it and the
//! indentation come from one slice, where the standard printer makes a write per level. A
//! report of 4 MB of gcloud JSON is 24 MB of such lines.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// `",\n"` and the indentation of the deepest level written at once; deeper levels, which no
/// report reaches, are written a level at a time.
const LINE: &[u8; 2 + 2 * 64] = b",\n                                                                                                                                ";

#[derive(Default)]
pub struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// A new line at the current depth, after a comma unless `first`.
    fn line<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> io::Result<()> {
        let from = usize::from(first);
        let spaces = 2 * self.depth;
        if spaces <= LINE.len() - 2 {
            return out.write_all(&LINE[from..2 + spaces]);
        }
        out.write_all(&LINE[from..2])?;
        for _ in 0..self.depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, true)?;
        }
        out.write_all(bracket)
    }
}

impl Formatter for Pretty {
    #[inline]
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    #[inline]
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    #[inline]
    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, first)
    }

    #[inline]
    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    #[inline]
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    #[inline]
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    #[inline]
    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, first)
    }

    #[inline]
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    #[inline]
    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as `serde_json::to_writer_pretty` does.
pub fn to_writer<W: Write, T: ?Sized + Serialize>(out: W, value: &T) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Pretty::default());
    value.serialize(&mut serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn both(value: &serde_json::Value) {
        let mut ours = Vec::new();
        to_writer(&mut ours, value).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(value).unwrap()
        );
    }

    #[test]
    fn writes_what_the_standard_printer_writes() {
        both(&json!(null));
        both(&json!([]));
        both(&json!({}));
        both(&json!({"a": [], "b": {}, "c": [1, [2, []], {"d": {}}], "e": "x\n\"y\""}));
        // Deeper than the slice of spaces reaches.
        let mut deep = json!("bottom");
        for i in 0..80 {
            deep = if i % 2 == 0 {
                json!([deep, i])
            } else {
                json!({"k": deep, "n": []})
            };
        }
        both(&deep);
    }

    #[test]
    fn writes_a_report_as_the_standard_printer_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/examples");
        let mut inputs = Vec::new();
        for entry in std::fs::read_dir(root).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            inputs.push(crate::Input::new(
                name,
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
        let report = crate::check(&inputs, &crate::Options::default());
        assert!(report.results.len() > 50);
        let mut ours = Vec::new();
        to_writer(&mut ours, &report).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(&report).unwrap()
        );
    }
}
