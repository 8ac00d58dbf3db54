//! Helpers shared by the integration tests.

use gkecheck::report::{Finding, Report};

/// The one result of `rule` about the resource at `address`; fails the test, listing what
/// the report holds, when there is none or more than one.
#[allow(dead_code)]
pub fn result<'a>(report: &'a Report, rule: &str, address: &str) -> &'a Finding {
    let found: Vec<&Finding> = report
        .results
        .iter()
        .filter(|r| r.rule == rule && &*r.resource.address == address)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {rule} result for {address}, found {}: {:#?}",
        found.len(),
        report
            .results
            .iter()
            .map(|r| (&r.rule, &r.resource.address, r.status))
            .collect::<Vec<_>>()
    );
    found[0]
}

/// Checks named texts together with one rule only.
#[allow(dead_code)]
pub fn check_with(rule: &str, files: &[(&str, &str)]) -> Report {
    let inputs: Vec<gkecheck::Input> = files
        .iter()
        .map(|(n, t)| gkecheck::Input::new(*n, t.to_string()))
        .collect();
    gkecheck::check(
        &inputs,
        &gkecheck::Options {
            select: vec![rule.into()],
            ..gkecheck::Options::default()
        },
    )
}

/// YAML documents as JSON values (a YAML reader the tests trust: saphyr).
#[allow(dead_code)]
pub fn yaml_docs(text: &str) -> Vec<serde_json::Value> {
    use saphyr::{LoadableYamlNode, Scalar, Yaml};
    fn to_json(y: &Yaml) -> serde_json::Value {
        use serde_json::{json, Value};
        match y {
            Yaml::Value(Scalar::Null) => Value::Null,
            Yaml::Value(Scalar::Boolean(b)) => json!(b),
            Yaml::Value(Scalar::Integer(i)) => json!(i),
            Yaml::Value(Scalar::FloatingPoint(f)) => json!(f.into_inner()),
            Yaml::Value(Scalar::String(s)) => json!(s.to_string()),
            Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
            Yaml::Mapping(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let key = match to_json(k) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (key, to_json(v))
                    })
                    .collect(),
            ),
            other => panic!("unexpected YAML node {other:?}"),
        }
    }
    Yaml::load_from_str(text)
        .unwrap_or_else(|e| panic!("not YAML: {e}"))
        .iter()
        .map(to_json)
        .collect()
}

/// Runs the gkecheck binary with these arguments and standard input.
#[allow(dead_code)]
pub fn gkecheck(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_gkecheck"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// A small deterministic generator (xorshift), so that a failure can be replayed.
#[allow(dead_code)]
pub struct Rng(pub u64);

#[allow(dead_code)]
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `value` as the command line writes report version 1 (`report::json`, pretty).
#[allow(dead_code)]
pub fn pretty(value: &impl serde::Serialize) -> String {
    let mut out = Vec::new();
    gkecheck::report::json::to_writer_pretty(&mut out, value).unwrap();
    String::from_utf8(out).unwrap()
}
