//! The hand-written readers against maintained ones used as oracles, on generated inputs: the
//! JSON reader against serde_json, the YAML reader against saphyr on gcloud-style YAML (block
//! and flow collections, quoted and block scalars, non-ASCII text, comments, CRLF). Same
//! values, or, where the reader refuses by design (anchors, aliases, tags, nesting past its
//! limit), a located error.

mod common;

use common::Rng;
use gkecheck::input::json::{self, Json, Kind};
use gkecheck::input::yaml;
use saphyr::{LoadableYamlNode, Scalar, Yaml};

/// The shared generator, with a pick of one of several strings.
trait Pick {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str;
}

impl Pick for Rng {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A value both readers agree on, whatever the spelling.
#[derive(Debug, PartialEq)]
enum V {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Seq(Vec<V>),
    Map(Vec<(String, V)>),
}

fn ours(j: &Json) -> V {
    match &j.kind {
        Kind::Null => V::Null,
        Kind::Bool(b) => V::Bool(*b),
        Kind::Number(n) => V::Num(n.parse().unwrap_or(f64::NAN)),
        Kind::String(s) => V::Str(s.clone()),
        Kind::Array(items) => V::Seq(items.iter().map(ours).collect()),
        Kind::Object(members) => V::Map(
            members
                .iter()
                .map(|m| (m.key.clone(), ours(&m.value)))
                .collect(),
        ),
    }
}

fn from_serde(v: &serde_json::Value) -> V {
    match v {
        serde_json::Value::Null => V::Null,
        serde_json::Value::Bool(b) => V::Bool(*b),
        serde_json::Value::Number(n) => V::Num(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => V::Str(s.clone()),
        serde_json::Value::Array(items) => V::Seq(items.iter().map(from_serde).collect()),
        serde_json::Value::Object(m) => {
            V::Map(m.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
        }
    }
}

fn from_saphyr(y: &Yaml) -> V {
    match y {
        Yaml::Value(Scalar::Null) => V::Null,
        Yaml::Value(Scalar::Boolean(b)) => V::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => V::Num(*i as f64),
        Yaml::Value(Scalar::FloatingPoint(f)) => V::Num(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => V::Str(s.to_string()),
        Yaml::Sequence(items) => V::Seq(items.iter().map(from_saphyr).collect()),
        Yaml::Mapping(m) => V::Map(
            m.iter()
                .map(|(k, v)| {
                    let key = match from_saphyr(k) {
                        V::Str(s) => s,
                        other => format!("{other:?}"),
                    };
                    (key, from_saphyr(v))
                })
                .collect(),
        ),
        other => V::Str(format!("unexpected {other:?}")),
    }
}

// ---------------------------------------------------------------- JSON

const WORDS: &[&str] = &[
    "name",
    "nodePools",
    "workloadMetadataConfig",
    "mode",
    "GKE_METADATA",
    "é",
    "日本",
    "😀",
    "a b",
    "",
    "x\"y",
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "\u{7f}",
    "\u{2028}",
];

fn json_string(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(4) {
        s.push_str(rng.pick(WORDS));
    }
    s
}

fn json_value(rng: &mut Rng, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    let kinds = if depth > 5 { 5 } else { 7 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(rng.next() as i64 >> rng.below(60)),
        3 => Value::from((rng.next() % 100_000) as f64 / 7.0),
        4 => Value::String(json_string(rng)),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| json_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(5))
                .map(|_| (json_string(rng), json_value(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// Writes JSON with varied spacing and escapes, as tools print it.
fn write_json(v: &serde_json::Value, rng: &mut Rng, out: &mut String) {
    use serde_json::Value;
    let space = |rng: &mut Rng, out: &mut String| {
        out.push_str(["", " ", "\n  ", "\r\n", "\t"][rng.below(5)]);
    };
    match v {
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str(if rng.below(2) == 0 { "\\n" } else { "\\u000a" }),
                    '\t' => out.push_str("\\t"),
                    c if c as u32 > 0xFFFF && rng.below(2) == 0 => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{u:04x}"));
                        }
                    }
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                write_json(item, rng, out);
            }
            space(rng, out);
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                write_json(&Value::String(k.clone()), rng, out);
                out.push(':');
                space(rng, out);
                write_json(item, rng, out);
            }
            space(rng, out);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[test]
fn the_json_reader_agrees_with_serde_json() {
    let mut rng = Rng(0x5EED_0001);
    for round in 0..3000 {
        let value = json_value(&mut rng, 0);
        let mut text = String::new();
        write_json(&value, &mut rng, &mut text);
        let oracle: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("round {round}: serde_json refused {text:?}: {e}"));
        let ours =
            json::parse(&text).unwrap_or_else(|e| panic!("round {round}: refused {text:?}: {e:?}"));
        // serde_json keeps the last of duplicate keys; so does the reader's `get`: compare the
        // members each keeps.
        assert_eq!(
            dedup(ours_value(&ours)),
            from_serde(&oracle),
            "round {round}: {text}"
        );
    }
    // Broken JSON: both refuse, and the reader says where.
    let mut rng = Rng(0x5EED_0002);
    for round in 0..2000 {
        let value = json_value(&mut rng, 0);
        let mut text = String::new();
        write_json(&value, &mut rng, &mut text);
        let cut = rng.below(text.len() + 1);
        let cut = gkecheck::span::floor_boundary(&text, cut);
        let broken = format!(
            "{}{}",
            &text[..cut],
            ["", "]", "}", ",", ":", "\"", "x"][rng.below(7)]
        );
        let oracle = serde_json::from_str::<serde_json::Value>(&broken);
        match json::parse(&broken) {
            Ok(v) => {
                let oracle = oracle.unwrap_or_else(|e| {
                    panic!("round {round}: read {broken:?}, which serde_json refuses: {e}")
                });
                assert_eq!(dedup(ours_value(&v)), from_serde(&oracle), "round {round}");
            }
            Err(e) => {
                assert!(oracle.is_err(), "round {round}: refused {broken:?}: {e:?}");
                assert!(e.offset <= broken.len() && broken.is_char_boundary(e.offset));
            }
        }
    }
    // Nesting past the reader's limit is refused by design, at the place it passes it.
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let e = json::parse(&deep).unwrap_err();
    assert_eq!(e.offset, json::MAX_DEPTH);
}

fn ours_value(j: &Json) -> V {
    ours(j)
}

/// Objects keep the last value of a repeated key, in the place of its first.
fn dedup(v: V) -> V {
    match v {
        V::Seq(items) => V::Seq(items.into_iter().map(dedup).collect()),
        V::Map(members) => {
            let mut out: Vec<(String, V)> = Vec::new();
            for (k, v) in members {
                let v = dedup(v);
                match out.iter_mut().find(|(key, _)| *key == k) {
                    Some(slot) => slot.1 = v,
                    None => out.push((k, v)),
                }
            }
            // serde_json's map is sorted by key.
            out.sort_by(|a, b| a.0.cmp(&b.0));
            V::Map(out)
        }
        other => other,
    }
}

fn sorted(v: V) -> V {
    match v {
        V::Seq(items) => V::Seq(items.into_iter().map(sorted).collect()),
        V::Map(mut members) => {
            members = members.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            V::Map(members)
        }
        other => other,
    }
}

// ---------------------------------------------------------------- YAML

const KEYS: &[&str] = &[
    "name",
    "nodePools",
    "config",
    "workloadMetadataConfig",
    "mode",
    "selfLink",
    "labels",
    "oauthScopes",
    "description",
    "initialNodeCount",
    "autoRepair",
    "status",
];

const PLAIN: &[&str] = &[
    "GKE_METADATA",
    "e2-medium",
    "europe-west1",
    "https://container.googleapis.com/v1/projects/p/zones/z/clusters/c",
    "projects/p/locations/l",
    "1.29.1-gke.1589018",
    "café",
    "東京",
    "a b c",
    "x:y",
    "a#b",
    "RUNNING",
    "yes",
    "on",
];

fn yaml_plain(rng: &mut Rng) -> (String, V) {
    match rng.below(7) {
        0 => {
            let n = (rng.next() % 100_000) as i64 - 500;
            (n.to_string(), V::Num(n as f64))
        }
        1 => ("true".into(), V::Bool(true)),
        2 => ("false".into(), V::Bool(false)),
        3 => {
            let null = ["null", "~"][rng.below(2)];
            (null.into(), V::Null)
        }
        4 => ("1.5".into(), V::Num(1.5)),
        _ => {
            let s = rng.pick(PLAIN);
            (s.into(), V::Str(s.into()))
        }
    }
}

fn yaml_quoted(rng: &mut Rng) -> (String, V) {
    let pieces = [
        "a", "é", " ", "#", ": ", "- ", "😀", "x", "[1]", "{}", "日本",
    ];
    let mut s = String::new();
    for _ in 0..rng.below(5) {
        s.push_str(pieces[rng.below(pieces.len())]);
    }
    if rng.below(2) == 0 {
        (format!("'{}'", s.replace('\'', "''")), V::Str(s))
    } else {
        let mut text = s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut value = s;
        match rng.below(4) {
            0 => {
                text.push_str("\\n\\t");
                value.push_str("\n\t");
            }
            1 => {
                text.push_str("\\u00e9\\x41");
                value.push_str("éA");
            }
            2 => {
                text.push_str("\\\"q\\\"");
                value.push_str("\"q\"");
            }
            _ => {}
        }
        (format!("\"{text}\""), V::Str(value))
    }
}

/// A gcloud-style document: a mapping whose values are scalars, nested mappings, sequences of
/// mappings (written at the key's indentation, as gcloud does), flow collections and block
/// scalars.
fn yaml_mapping(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) -> V {
    let mut members = Vec::new();
    let pad = " ".repeat(indent);
    let count = 1 + rng.below(4);
    let mut used = Vec::new();
    for _ in 0..count {
        let key = rng.pick(KEYS);
        if used.contains(&key) {
            continue;
        }
        used.push(key);
        if rng.below(6) == 0 {
            out.push_str(&format!("{pad}# {}\n", rng.pick(PLAIN)));
        }
        let choice = if depth > 3 {
            rng.below(3)
        } else {
            rng.below(8)
        };
        let value = match choice {
            0 => {
                let (text, v) = yaml_plain(rng);
                let comment = if rng.below(4) == 0 { "  # note" } else { "" };
                out.push_str(&format!("{pad}{key}: {text}{comment}\n"));
                v
            }
            1 => {
                let (text, v) = yaml_quoted(rng);
                out.push_str(&format!("{pad}{key}: {text}\n"));
                v
            }
            2 => {
                // Block scalars: literal or folded, clipped or stripped.
                let style = ["|", "|-", ">", ">-"][rng.below(4)];
                let lines: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.pick(PLAIN)).collect();
                out.push_str(&format!("{pad}{key}: {style}\n"));
                for l in &lines {
                    out.push_str(&format!("{pad}  {l}\n"));
                }
                let joined = if style.starts_with('|') {
                    lines.join("\n")
                } else {
                    lines.join(" ")
                };
                V::Str(if style.ends_with('-') {
                    joined
                } else {
                    joined + "\n"
                })
            }
            3 => {
                out.push_str(&format!("{pad}{key}:\n"));
                yaml_mapping(rng, indent + 2, depth + 1, out)
            }
            4 => {
                // A sequence of mappings at the key's indentation.
                out.push_str(&format!("{pad}{key}:\n"));
                let mut items = Vec::new();
                for _ in 0..1 + rng.below(3) {
                    let mut item = String::new();
                    let v = yaml_mapping(rng, indent + 2, depth + 1, &mut item);
                    let item = item.replacen(&format!("{pad}  "), &format!("{pad}- "), 1);
                    out.push_str(&item);
                    items.push(v);
                }
                V::Seq(items)
            }
            5 => {
                out.push_str(&format!("{pad}{key}:\n"));
                let mut items = Vec::new();
                for _ in 0..1 + rng.below(3) {
                    let (text, v) = if rng.below(2) == 0 {
                        yaml_plain(rng)
                    } else {
                        yaml_quoted(rng)
                    };
                    out.push_str(&format!("{pad}- {text}\n"));
                    items.push(v);
                }
                V::Seq(items)
            }
            6 => {
                // Flow collections.
                if rng.below(2) == 0 {
                    let items: Vec<(String, V)> =
                        (0..rng.below(3)).map(|_| yaml_plain(rng)).collect();
                    let text: Vec<&str> = items.iter().map(|(t, _)| t.as_str()).collect();
                    out.push_str(&format!("{pad}{key}: [{}]\n", text.join(", ")));
                    V::Seq(items.into_iter().map(|(_, v)| v).collect())
                } else {
                    let (text, v) = yaml_quoted(rng);
                    out.push_str(&format!("{pad}{key}: {{k: {text}, n: 2}}\n"));
                    V::Map(vec![("k".into(), v), ("n".into(), V::Num(2.0))])
                }
            }
            _ => {
                out.push_str(&format!("{pad}{key}: {{}}\n"));
                V::Map(Vec::new())
            }
        };
        members.push((key.to_string(), value));
    }
    V::Map(members)
}

#[test]
fn the_yaml_reader_agrees_with_saphyr() {
    let mut rng = Rng(0x5EED_0003);
    let mut compared = 0;
    for round in 0..3000 {
        let mut text = String::new();
        let expected = yaml_mapping(&mut rng, 0, 0, &mut text);
        if rng.below(4) == 0 {
            text = text.replace('\n', "\r\n");
        }
        let oracle = Yaml::load_from_str(&text)
            .unwrap_or_else(|e| panic!("round {round}: saphyr refused:\n{text}\n{e}"));
        let oracle = sorted(from_saphyr(&oracle[0]));
        let parsed =
            yaml::parse(&text).unwrap_or_else(|e| panic!("round {round}: refused:\n{text}\n{e:?}"));
        let ours = sorted(ours_value(&parsed.documents[0]));
        assert_eq!(ours, oracle, "round {round}:\n{text}");
        // The generator's own idea of the value agrees too (a check on the generator).
        assert_eq!(
            sorted(expected),
            oracle,
            "round {round} (generator):\n{text}"
        );
        compared += 1;
    }
    eprintln!("differential: {compared} YAML documents read alike");
}

#[test]
fn what_the_yaml_reader_refuses_by_design_is_located() {
    for (text, line) in [
        ("a: &x 1\nb: *x\n", 1),
        ("a:\n  b: !!str 1\n", 2),
        ("a: 1\nb:\n  - &anchor {x: 1}\n", 3),
    ] {
        assert!(Yaml::load_from_str(text).is_ok(), "saphyr reads {text:?}");
        let e = yaml::parse(text).unwrap_err();
        let line_of = text[..e.offset].matches('\n').count() + 1;
        assert_eq!(line_of, line, "{text:?}: {e:?}");
    }
}
