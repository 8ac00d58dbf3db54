//! Helpers shared by the integration tests.

use gkecheck::report::{Finding, Report};

/// The one result of `rule` about the resource at `address`; fails the test, listing what
/// the report holds, when there is none or more than one.
#[allow(dead_code)]
pub fn result<'a>(report: &'a Report, rule: &str, address: &str) -> &'a Finding {
    let found: Vec<&Finding> = report
        .results
        .iter()
        .filter(|r| r.rule == rule && r.resource.address == address)
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
