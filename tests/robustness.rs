//! No input makes gkecheck panic: thousands of deterministic mutations of real inputs (cut,
//! spliced, with bytes that matter to the parsers dropped in) go through `check` and `redact`.

mod common;

use common::Rng;
use gkecheck::{check, redact::redact, Input, Options};

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "'",
    "\n",
    "\n  ",
    "- ",
    "---\n",
    "#",
    "${",
    "%{",
    "\\",
    "\t",
    "é",
    "😀",
    "|",
    ">-",
    "&a",
    "*a",
    "!!str",
    "null",
    "true",
    "1e999",
    "-",
    "=",
    "${var.x}",
    "dynamic \"x\" {",
    "for x in y :",
    "$ gcloud container clusters describe c\n",
    "WARNING: x\n",
    "NAME  LOCATION  MASTER_VERSION\n",
    "ya29.",
    "-----BEGIN RSA PRIVATE KEY-----",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(4) {
            0 => {
                let end = (at + rng.below(40)).min(s.len());
                s.drain(at..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                s.splice(at..at, piece.chars());
            }
            2 => s.truncate(at),
            _ => {
                // Repeat a slice: deep nesting, long lines.
                let end = (at + rng.below(20)).min(s.len());
                let slice: Vec<char> = s[at..end].to_vec();
                for _ in 0..rng.below(30) {
                    s.splice(at..at, slice.iter().copied());
                }
            }
        }
    }
    s.into_iter().collect()
}

fn seeds() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![
        root.join("www/examples"),
        root.join("tests/fixtures"),
        root.join("../shared/corpus"),
    ];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                if text.len() < 40_000
                    && !path.ends_with("README.md")
                    && !path.ends_with("expected.tsv")
                {
                    out.push((
                        path.file_name().unwrap().to_string_lossy().to_string(),
                        text,
                    ));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn mutated_inputs_never_panic() {
    let seeds = seeds();
    assert!(seeds.len() >= 5, "found the example inputs");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    for (name, text) in &seeds {
        for round in 0..300 {
            let mutated = mutate(text, &mut rng);
            // With and without the name's hint, so every reader sees every mutation.
            let named = if round % 2 == 0 {
                name.clone()
            } else {
                "paste".to_string()
            };
            let result = std::panic::catch_unwind(|| {
                let report = check(
                    &[Input::new(named.clone(), mutated.clone())],
                    &Options::default(),
                );
                let _ = serde_json::to_string(&report).unwrap();
                let _ = redact(&named, &mutated, None);
            });
            assert!(
                result.is_ok(),
                "panic on a mutation of {name} (round {round}):\n{mutated}"
            );
            runs += 1;
        }
    }
    eprintln!("robustness: {runs} mutated inputs checked without a panic");
}
