//! The reports' JSON writer (the command line's, and the page's report in parts): the bytes
//! `serde_json::to_writer_pretty` (report version 1) and `serde_json::to_writer` (version 2,
//! the parts) write, made faster where a report spends its time.
//! A report is mostly strings (messages, remediation, addresses) and struct keys: each string
//! is searched for a byte to escape eight bytes at a time and copied in one piece, each pretty
//! line's start (line feed, comma, indentation) is one slice, and every piece is copied into a
//! buffer handed to the output a chunk at a time (serde_json makes a call to its output for
//! each quote and comma, and looks at every byte of every string and key on its own).
//!
//! `tests` holds it to serde_json's bytes for every value kind and for the reports of the
//! examples; `tests/drafted_later.rs` for every example's, fixture's and corpus input's
//! reports.

use serde::ser::{self, Serialize};
use std::fmt;
use std::io::{self, Write};

use crate::input::json::string_specials;

/// Why a value could not be written.
#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    /// The value's own error, or a map key that is not a string, number or bool.
    Message(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => e.fmt(f),
            Error::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Message(msg.to_string())
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(e) => e,
            Error::Message(m) => io::Error::other(m),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Writes `value` as `serde_json::to_writer_pretty` does (two spaces a level).
pub fn to_writer_pretty<W: Write, T: ?Sized + Serialize>(out: W, value: &T) -> Result<()> {
    let mut serializer = Serializer::<W, true>::new(out);
    value.serialize(&mut serializer)?;
    serializer.finish()
}

/// Writes `value` as `serde_json::to_writer` does (compact).
pub fn to_writer<W: Write, T: ?Sized + Serialize>(out: W, value: &T) -> Result<()> {
    let mut serializer = Serializer::<W, false>::new(out);
    value.serialize(&mut serializer)?;
    serializer.finish()
}

/// Writes `value` compact, as [`to_writer`] does, after what `out` holds, and gives `out` back:
/// the writer gathers into `out` itself (a report's parts are written one result after
/// another into one text, each with no buffer of its own).
pub fn to_vec<T: ?Sized + Serialize>(out: Vec<u8>, value: &T) -> Result<Vec<u8>> {
    let mut serializer = Serializer::<io::Sink, false> {
        out: io::sink(),
        buf: out,
        spill_at: usize::MAX,
        depth: 0,
        has_value: false,
        ahead: false,
    };
    value.serialize(&mut serializer)?;
    Ok(serializer.buf)
}

/// `value` as compact JSON text, as `serde_json::to_string` writes it.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> Result<String> {
    text(to_vec(Vec::new(), value)?)
}

/// What [`to_vec`] wrote, as text: this writer writes UTF-8 only, and the check is for the
/// type's sake.
pub fn text(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::Message(e.to_string()))
}

/// The name [`Ahead`] is written under, which [`to_writer_pretty`] knows.
const AHEAD: &str = "\0gkecheck::report::json::Ahead";

/// Elements of an array written ahead (pretty, at the depth they are to be written at), so
/// that another thread can write some of an array's elements while this one writes the
/// array: [`to_writer_pretty`] puts an `Ahead` in as its text, in the place of one element.
/// Any other writer writes it as bytes, not as the elements.
pub struct Ahead {
    /// The depth, `:`, then the elements, each after the last's `",\n"` and indentation.
    text: Vec<u8>,
}

/// An `Ahead`'s text, as serde's bytes (this writer's own bytes, not checked again as UTF-8).
struct AheadText<'a>(&'a [u8]);

impl Serialize for AheadText<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl Ahead {
    /// Its length in bytes.
    pub fn bytes(&self) -> usize {
        self.text.len()
    }
}

impl Serialize for Ahead {
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(AHEAD, &AheadText(&self.text))
    }
}

/// `items` written as elements of an array whose elements are at `depth` (the number of
/// arrays and objects around them: 2 for the results of a report), in a text made with room
/// for `room` bytes (the last run's length, say: a text grown by doubling is a copy at each
/// step, and glibc gathers its freed small blocks at each allocation past a kilobyte).
pub fn ahead<T: Serialize>(
    items: impl IntoIterator<Item = T>,
    depth: usize,
    room: usize,
) -> Result<Ahead> {
    let mut buf = Vec::with_capacity(room);
    buf.extend_from_slice(format!("{depth}:").as_bytes());
    // All of it gathered in `buf`, which is never handed on.
    let mut serializer = Serializer::<io::Sink, true> {
        out: io::sink(),
        buf,
        spill_at: usize::MAX,
        depth,
        has_value: false,
        ahead: false,
    };
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            serializer.line(false);
        }
        item.serialize(&mut serializer)?;
    }
    Ok(Ahead {
        text: serializer.buf,
    })
}

/// What the writer gathers before it hands it to its output: each piece (a quote, a key, a
/// line's start) is a copy into it, not a call.
const CHUNK: usize = 64 * 1024;

/// `",\n"` and the indentation of the deepest level written at once; deeper levels, which no
/// report reaches, are written a level at a time.
const LINE: &[u8; 2 + 2 * 64] = b",\n                                                                                                                                ";

/// What each byte below 0x80 becomes in a JSON string: 0 for itself, `u` for `\u00XX`, else
/// the letter after the backslash.
const ESCAPE: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Writes the escape of byte `b` (one that [`ESCAPE`] escapes).
#[inline]
fn escape_byte(out: &mut Vec<u8>, b: u8) {
    let escape = ESCAPE[usize::from(b & 0x7f)];
    if escape == b'u' {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]);
    } else {
        out.extend_from_slice(&[b'\\', escape]);
    }
}

/// `text` as a JSON string, quotes included. Eight bytes at a time: a word with nothing to
/// escape is passed over, and one with something goes straight to its first such byte.
#[inline]
fn string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut plain = 0;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let found = string_specials(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        if found == 0 {
            i += 8;
            continue;
        }
        let at = i + (found.trailing_zeros() / 8) as usize;
        out.extend_from_slice(&bytes[plain..at]);
        escape_byte(out, bytes[at]);
        plain = at + 1;
        i = at + 1;
    }
    // The last bytes (fewer than eight: all of a short string) as one word too, filled out
    // with spaces, which are not escaped; each byte to escape in it, first to last.
    let rest = &bytes[i..];
    if !rest.is_empty() {
        let mut word = [b' '; 8];
        word[..rest.len()].copy_from_slice(rest);
        let mut found = string_specials(u64::from_le_bytes(word));
        while found != 0 {
            let at = i + (found.trailing_zeros() / 8) as usize;
            out.extend_from_slice(&bytes[plain..at]);
            escape_byte(out, bytes[at]);
            plain = at + 1;
            // The next byte to escape: each has its own bit.
            found &= found - 1;
        }
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// A JSON writer: pretty (`PRETTY`, two spaces a level) or compact.
struct Serializer<W, const PRETTY: bool> {
    out: W,
    /// What is written and not yet handed to `out` (about [`CHUNK`] bytes at most, unless
    /// one string is longer).
    buf: Vec<u8>,
    /// How much `buf` gathers before it is handed on: [`CHUNK`], or never.
    spill_at: usize,
    depth: usize,
    /// Whether the innermost open array or object has a value yet (pretty only).
    has_value: bool,
    /// Whether the next bytes are an [`Ahead`]'s text.
    ahead: bool,
}

impl<W: Write, const PRETTY: bool> Serializer<W, PRETTY> {
    fn new(out: W) -> Self {
        Serializer {
            out,
            buf: Vec::with_capacity(CHUNK + 4096),
            spill_at: CHUNK,
            depth: 0,
            has_value: false,
            ahead: false,
        }
    }

    /// An [`Ahead`]'s elements, if they were written at this depth, as they are.
    fn put_ahead(&mut self, text: &[u8]) -> Result<()> {
        let (depth, elements) = match text.iter().position(|&b| b == b':') {
            Some(colon) => (&text[..colon], &text[colon + 1..]),
            None => (text, &[][..]),
        };
        let depth = std::str::from_utf8(depth).unwrap_or_default();
        if !PRETTY || depth.parse() != Ok(self.depth) {
            return Err(Error::Message(format!(
                "elements written ahead at depth {depth} are put at depth {} ({})",
                self.depth,
                if PRETTY { "pretty" } else { "compact" }
            )));
        }
        if elements.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
            self.out.write_all(elements)?;
        } else {
            self.buf.extend_from_slice(elements);
        }
        Ok(())
    }

    /// Hands what is gathered to the output once it is a chunk or more.
    #[inline]
    fn spill(&mut self) -> Result<()> {
        if self.buf.len() >= self.spill_at {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Hands the rest to the output.
    fn finish(mut self) -> Result<()> {
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    /// A new line at the current depth, after a comma unless `first`.
    #[inline]
    fn line(&mut self, first: bool) {
        let from = usize::from(first);
        let spaces = 2 * self.depth;
        if spaces <= LINE.len() - 2 {
            return self.buf.extend_from_slice(&LINE[from..2 + spaces]);
        }
        self.buf.extend_from_slice(&LINE[from..2]);
        for _ in 0..self.depth {
            self.buf.extend_from_slice(b"  ");
        }
    }

    #[inline]
    fn open(&mut self, bracket: u8) {
        if PRETTY {
            self.depth += 1;
            self.has_value = false;
        }
        self.buf.push(bracket);
    }

    #[inline]
    fn close(&mut self, bracket: u8) {
        if PRETTY {
            self.depth -= 1;
            if self.has_value {
                self.line(true);
            }
        }
        self.buf.push(bracket);
    }

    /// Before an array's value or an object's key.
    #[inline]
    fn item(&mut self, first: bool) {
        if PRETTY {
            self.line(first);
        } else if !first {
            self.buf.push(b',');
        }
    }

    /// Between an object's key and its value.
    #[inline]
    fn colon(&mut self) {
        self.buf
            .extend_from_slice(if PRETTY { b": " } else { b":" });
    }

    /// A struct field's name in quotes, and the colon after it. Written as it is: the
    /// report's types name their fields with ASCII letters, digits and underscores, nothing to
    /// escape (`tests/report_parts.rs` holds whole reports byte for byte to serde_json's).
    #[inline]
    fn field_name(&mut self, key: &str) {
        debug_assert!(
            key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "a field name with something to escape: {key}"
        );
        self.buf.reserve(key.len() + 4);
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf
            .extend_from_slice(if PRETTY { b"\": " } else { b"\":" });
    }

    /// After an array's value or an object's value.
    #[inline]
    fn done(&mut self) {
        if PRETTY {
            self.has_value = true;
        }
    }

    #[inline]
    fn plain(&mut self, bytes: &[u8]) -> Result<()> {
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// A number's digits, as a value.
    fn number(&mut self, digits: &str) -> Result<()> {
        self.plain(digits.as_bytes())
    }

    /// An array or object opened: `Compound` writes its items, an empty one is closed now.
    fn compound(&mut self, bracket: u8, empty: bool) -> Result<Compound<'_, W, PRETTY>> {
        self.open(bracket);
        if empty {
            self.close(if bracket == b'[' { b']' } else { b'}' });
        }
        Ok(Compound {
            ser: self,
            state: if empty { State::Empty } else { State::First },
        })
    }

    /// `{"variant": ` of an enum's variant with data, written as its one key.
    fn variant_key(&mut self, variant: &str) {
        self.open(b'{');
        self.item(true);
        string(&mut self.buf, variant);
        self.colon();
    }

    /// The `}` after the value of `variant_key`.
    fn variant_end(&mut self) -> Result<()> {
        self.done();
        self.close(b'}');
        Ok(())
    }
}

#[derive(PartialEq)]
enum State {
    /// Opened and closed at once (its length was 0).
    Empty,
    First,
    Rest,
}

/// An array or object being written.
struct Compound<'a, W, const PRETTY: bool> {
    ser: &'a mut Serializer<W, PRETTY>,
    state: State,
}

impl<W: Write, const PRETTY: bool> Compound<'_, W, PRETTY> {
    #[inline]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.ser.item(self.state == State::First);
        self.state = State::Rest;
        value.serialize(&mut *self.ser)?;
        self.ser.done();
        self.ser.spill()
    }

    #[inline]
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.ser.item(self.state == State::First);
        self.state = State::Rest;
        self.ser.field_name(key);
        value.serialize(&mut *self.ser)?;
        self.ser.done();
        Ok(())
    }

    fn end_with(self, bracket: u8) -> Result<()> {
        if self.state != State::Empty {
            self.ser.close(bracket);
        }
        Ok(())
    }
}

/// Integers of every width, in decimal (`number`: as a value, or in quotes as a map's key).
macro_rules! integers {
    () => {
        integers!(
            serialize_i8: i8,
            serialize_i16: i16,
            serialize_i32: i32,
            serialize_i64: i64,
            serialize_i128: i128,
            serialize_u8: u8,
            serialize_u16: u16,
            serialize_u32: u32,
            serialize_u64: u64,
            serialize_u128: u128
        );
    };
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<()> {
            self.number(itoa::Buffer::new().format(v))
        }
    )*};
}

impl<'a, W: Write, const PRETTY: bool> ser::Serializer for &'a mut Serializer<W, PRETTY> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W, PRETTY>;
    type SerializeTuple = Compound<'a, W, PRETTY>;
    type SerializeTupleStruct = Compound<'a, W, PRETTY>;
    type SerializeTupleVariant = Compound<'a, W, PRETTY>;
    type SerializeMap = Compound<'a, W, PRETTY>;
    type SerializeStruct = Compound<'a, W, PRETTY>;
    type SerializeStructVariant = Compound<'a, W, PRETTY>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.plain(if v { b"true" } else { b"false" })
    }

    integers!();

    fn serialize_f32(self, v: f32) -> Result<()> {
        if v.is_finite() {
            self.plain(zmij::Buffer::new().format_finite(v).as_bytes())
        } else {
            self.plain(b"null")
        }
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        if v.is_finite() {
            self.plain(zmij::Buffer::new().format_finite(v).as_bytes())
        } else {
            self.plain(b"null")
        }
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<()> {
        string(&mut self.buf, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        if self.ahead {
            self.ahead = false;
            return self.put_ahead(v);
        }
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result<()> {
        self.plain(b"null")
    }

    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<()> {
        self.plain(b"null")
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.plain(b"null")
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        // An `Ahead` is a newtype of its text.
        self.ahead = name == AHEAD;
        let written = value.serialize(&mut *self);
        self.ahead = false;
        written
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.variant_key(variant);
        value.serialize(&mut *self)?;
        self.variant_end()
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        self.compound(b'[', len == Some(0))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        self.variant_key(variant);
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        self.compound(b'{', len == Some(0))
    }

    #[inline]
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeStruct> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        self.variant_key(variant);
        self.serialize_map(Some(len))
    }
}

/// The array-like parts of serde's API: each element written after the last, `]` at the end.
macro_rules! array_like {
    ($($kind:ident :: $method:ident),*) => {$(
        impl<W: Write, const PRETTY: bool> ser::$kind for Compound<'_, W, PRETTY> {
            type Ok = ();
            type Error = Error;

            #[inline]
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }

            fn end(self) -> Result<()> {
                self.end_with(b']')
            }
        }
    )*};
}

array_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl<W: Write, const PRETTY: bool> ser::SerializeTupleVariant for Compound<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        if self.state != State::Empty {
            self.ser.close(b']');
        }
        self.ser.variant_end()
    }
}

impl<W: Write, const PRETTY: bool> ser::SerializeMap for Compound<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.ser.item(self.state == State::First);
        self.state = State::Rest;
        key.serialize(MapKey(&mut *self.ser))?;
        self.ser.colon();
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.ser)?;
        self.ser.done();
        self.ser.spill()
    }

    fn end(self) -> Result<()> {
        self.end_with(b'}')
    }
}

impl<W: Write, const PRETTY: bool> ser::SerializeStruct for Compound<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<()> {
        self.end_with(b'}')
    }
}

impl<W: Write, const PRETTY: bool> ser::SerializeStructVariant for Compound<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<()> {
        if self.state != State::Empty {
            self.ser.close(b'}');
        }
        self.ser.variant_end()
    }
}

/// A map's key: a string, or a number, bool or char written as one, as serde_json writes
/// them.
struct MapKey<'a, W, const PRETTY: bool>(&'a mut Serializer<W, PRETTY>);

fn key_must_be_a_string() -> Error {
    Error::Message("key must be a string".into())
}

impl<W: Write, const PRETTY: bool> MapKey<'_, W, PRETTY> {
    fn quoted(self, text: &str) -> Result<()> {
        string(&mut self.0.buf, text);
        Ok(())
    }

    /// A number's digits, in quotes: a key is a string.
    fn number(self, digits: &str) -> Result<()> {
        self.quoted(digits)
    }
}

impl<W: Write, const PRETTY: bool> ser::Serializer for MapKey<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.quoted(if v { "true" } else { "false" })
    }

    integers!();

    fn serialize_f32(self, v: f32) -> Result<()> {
        if !v.is_finite() {
            return Err(Error::Message("float key must be finite".into()));
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        if !v.is_finite() {
            return Err(Error::Message("float key must be finite".into()));
        }
        self.quoted(zmij::Buffer::new().format_finite(v))
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.quoted(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        self.quoted(v)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _value: &T) -> Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.quoted(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    /// `value` written both ways by this writer and by serde_json: the same bytes.
    fn both<T: ?Sized + Serialize>(value: &T) {
        let mut pretty = Vec::new();
        to_writer_pretty(&mut pretty, value).unwrap();
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            serde_json::to_string_pretty(value).unwrap()
        );
        let mut compact = Vec::new();
        to_writer(&mut compact, value).unwrap();
        assert_eq!(
            String::from_utf8(compact).unwrap(),
            serde_json::to_string(value).unwrap()
        );
    }

    /// Elements written ahead, in runs, are the array written whole; at another depth, or by
    /// the compact writer, they are refused.
    #[test]
    fn elements_written_ahead_are_the_elements() {
        let items: Vec<serde_json::Value> = (0..40)
            .map(|i| json!({"n": i, "list": [i, {"deep": [[], {}, "x\"y"]}], "empty": []}))
            .collect();
        // In an object (depth 1), in an array (depth 2), as a report's results are.
        #[derive(Serialize)]
        struct Outer<T> {
            first: u8,
            items: T,
            last: &'static str,
        }
        let mut whole = Vec::new();
        to_writer_pretty(
            &mut whole,
            &Outer {
                first: 1,
                items: &items,
                last: "end",
            },
        )
        .unwrap();
        for run in [1, 3, 40] {
            let runs: Vec<Ahead> = items
                .chunks(run)
                .map(|c| ahead(c, 2, 64).unwrap())
                .collect();
            let mut written = Vec::new();
            to_writer_pretty(
                &mut written,
                &Outer {
                    first: 1,
                    items: &runs,
                    last: "end",
                },
            )
            .unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(whole.clone()).unwrap()
            );
        }
        let runs = vec![ahead(&items, 1, 0).unwrap()];
        let mut out = Vec::new();
        let refused = to_writer_pretty(
            &mut out,
            &Outer {
                first: 1,
                items: &runs,
                last: "",
            },
        );
        assert!(refused
            .unwrap_err()
            .to_string()
            .contains("depth 1 are put at depth 2"));
        let runs = vec![ahead(&items, 2, 0).unwrap()];
        let refused = to_writer(
            &mut out,
            &Outer {
                first: 1,
                items: &runs,
                last: "",
            },
        );
        assert!(refused.unwrap_err().to_string().contains("compact"));
    }

    #[test]
    fn writes_what_serde_json_writes_for_json_values() {
        both(&json!(null));
        both(&json!([]));
        both(&json!({}));
        both(&json!({"a": [], "b": {}, "c": [1, [2, []], {"d": {}}], "e": "x\n\"y\""}));
        both(&json!([
            true,
            false,
            0,
            -1,
            i64::MIN,
            u64::MAX,
            0.1,
            -0.0,
            1e300,
            2.5e-8
        ]));
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
    fn escapes_every_string_as_serde_json_does() {
        // Every ASCII byte, and text past ASCII, at every place of an eight-byte word.
        let special: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain(['é', '\u{2028}', '😀', '\u{7f}', '\u{80}'])
            .collect();
        for c in &special {
            for at in 0..20 {
                for len in [at + 1, at + 8, 24] {
                    let text: String = (0..len).map(|i| if i == at { *c } else { 'a' }).collect();
                    both(&text);
                    both(&json!({ text.clone(): text }));
                }
            }
        }
        // Mixed texts, generated.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 40) {
                let pick = (seed.rotate_left(k as u32 * 5) % special.len() as u64) as usize;
                text.push(if (seed >> k) & 3 == 0 {
                    special[pick]
                } else {
                    'x'
                });
            }
            both(&text);
        }
        both(&"");
        both(&'"');
        both(&'\u{1f}');
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Empty {}

    #[derive(Serialize)]
    struct Pair(u8, &'static str);

    #[derive(Serialize)]
    struct Wrapped(i32);

    #[derive(Serialize)]
    enum Kinds {
        Plain,
        One(u16),
        Two(i8, bool),
        NoneInside(),
        Named { a: Option<u32>, b: Vec<Kinds> },
        NothingNamed {},
    }

    #[derive(Serialize)]
    struct Everything {
        unit: (),
        unit_struct: Unit,
        empty: Empty,
        pair: Pair,
        wrapped: Wrapped,
        kinds: Vec<Kinds>,
        floats: (f32, f64, f32, f64),
        wide: (i128, u128),
        small: (i8, i16, u8, u16, u32),
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        none: Option<u8>,
        some: Option<&'static str>,
        by_number: BTreeMap<i64, &'static str>,
        by_bool: BTreeMap<bool, u8>,
        by_char: BTreeMap<char, u8>,
        empty_map: BTreeMap<String, u8>,
        tuple: (),
    }

    struct Bytes(&'static [u8]);

    impl Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    #[test]
    fn writes_what_serde_json_writes_for_every_kind_of_value() {
        let everything = Everything {
            unit: (),
            unit_struct: Unit,
            empty: Empty {},
            pair: Pair(7, "seven"),
            wrapped: Wrapped(-3),
            kinds: vec![
                Kinds::Plain,
                Kinds::One(9),
                Kinds::Two(-1, true),
                Kinds::NoneInside(),
                Kinds::Named {
                    a: Some(1),
                    b: vec![Kinds::Plain, Kinds::Named { a: None, b: vec![] }],
                },
                Kinds::NothingNamed {},
            ],
            floats: (1.5, 0.1, f32::NAN, f64::INFINITY),
            wide: (i128::MIN, u128::MAX),
            small: (-8, -16, 8, 16, 32),
            skipped: None,
            none: None,
            some: Some("some"),
            by_number: [(-1, "minus one"), (10, "ten")].into(),
            by_bool: [(false, 0), (true, 1)].into(),
            by_char: [('"', 0), ('x', 1)].into(),
            empty_map: BTreeMap::new(),
            tuple: (),
        };
        both(&everything);
        both(&Bytes(b""));
        both(&Bytes(b"\x00\x01\xff"));
        both(&[Kinds::Plain]);
        both(&Kinds::Two(1, false));
        both(&Kinds::NothingNamed {});
    }

    #[test]
    fn a_key_that_is_no_string_is_an_error() {
        let by_list: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        let mut out = Vec::new();
        let error = to_writer(&mut out, &by_list).unwrap_err();
        assert_eq!(error.to_string(), "key must be a string");
        assert!(serde_json::to_string(&by_list).is_err());
    }

    #[test]
    fn an_error_of_the_output_is_that_error() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "the disk is full",
                ))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let error = to_writer_pretty(Full, &json!({"a": 1})).unwrap_err();
        assert_eq!(io::Error::from(error).kind(), io::ErrorKind::StorageFull);
    }

    #[test]
    fn writes_a_report_as_serde_json_does() {
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
        both(&report);
        both(&crate::report::v2::ReportV2::of(&report));
    }
}
