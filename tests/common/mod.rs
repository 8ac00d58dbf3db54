//! Helpers shared by the integration tests.

use gkecheck::report::{Finding, Report};

/// The one result of `rule` about the resource at `address`; fails the test, listing what
/// the report holds, when there is none or more than one.
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
