//! GKE008 legacy-abac-enabled: gcloud JSON and YAML, Terraform and plans; on, off, absent
//! (off by default), unknown, Autopilot; and its Terraform fix.

mod common;

use common::result;
use gkecheck::report::{Report, Status};
use gkecheck::{check, Input, Options};

fn run(name: &str, text: &str) -> Report {
    check(&[Input::new(name, text)], &Options::default())
}

fn verdict(report: &Report, address: &str) -> (Status, usize, usize) {
    let r = result(report, "GKE008", address);
    (r.status, r.location.line, r.location.column)
}

#[test]
fn every_format() {
    let on = run(
        "c.json",
        "{\"name\": \"c\",\n \"legacyAbac\": {\"enabled\": true}, \"nodePools\": []}",
    );
    assert_eq!(verdict(&on, "clusters/c"), (Status::Fail, 2, 28));
    let fix = result(&on, "GKE008", "clusters/c")
        .remediation
        .as_ref()
        .unwrap();
    assert!(fix.steps[0]
        .code
        .ends_with("--no-enable-legacy-authorization"));
    assert_eq!(
        run(
            "c.json",
            r#"{"name": "c", "legacyAbac": {}, "nodePools": []}"#
        )
        .results
        .iter()
        .find(|r| r.rule == "GKE008")
        .unwrap()
        .status,
        Status::Pass
    );
    assert_eq!(
        verdict(
            &run("c.json", r#"{"name": "c", "nodePools": []}"#),
            "clusters/c"
        )
        .0,
        Status::Pass,
        "absent: off since GKE 1.8"
    );
    assert_eq!(
        verdict(
            &run(
                "c.json",
                r#"{"name": "c", "autopilot": {"enabled": true}, "legacyAbac": {"enabled": true}}"#
            ),
            "clusters/c"
        )
        .0,
        Status::Pass
    );

    let yaml = run(
        "c.yaml",
        "name: c\nlegacyAbac:\n  enabled: true\nnodePools: []\n",
    );
    assert_eq!(verdict(&yaml, "clusters/c"), (Status::Fail, 3, 12));

    let tf = run("main.tf", "variable \"abac\" {}\nresource \"google_container_cluster\" \"a\" {\n  enable_legacy_abac = true\n}\nresource \"google_container_cluster\" \"b\" {\n  enable_legacy_abac = var.abac\n}\nresource \"google_container_cluster\" \"c\" {\n}\n");
    assert_eq!(
        verdict(&tf, "google_container_cluster.a"),
        (Status::Fail, 3, 24)
    );
    assert_eq!(
        verdict(&tf, "google_container_cluster.b").0,
        Status::Unknown
    );
    assert_eq!(verdict(&tf, "google_container_cluster.c").0, Status::Pass);

    let plan = run(
        "plan.json",
        r#"{"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
 {"address": "google_container_cluster.p", "mode": "managed", "type": "google_container_cluster", "name": "p", "values": {"name": "p", "enable_legacy_abac": true, "remove_default_node_pool": true}}]}}}"#,
    );
    assert_eq!(
        verdict(&plan, "google_container_cluster.p"),
        (Status::Fail, 2, 158)
    );
}

#[test]
fn terraform_fix() {
    let text = "resource \"google_container_cluster\" \"c\" {\n  enable_legacy_abac = true # old clients\n  remove_default_node_pool = true\n}\n";
    let options = Options {
        select: vec!["GKE008".into()],
        ..Options::default()
    };
    // Users who relied on ABAC can lose access: unsafe, so only on request.
    let by_default = gkecheck::autofix::fix(&[Input::new("main.tf", text)], &options);
    assert!(by_default.files.is_empty());
    assert_eq!(by_default.left_out[0].rule, "GKE008");
    let report = gkecheck::autofix::fix_with(
        &[Input::new("main.tf", text)],
        &options,
        &gkecheck::autofix::FixOptions {
            unsafe_fixes: true,
            only: None,
        },
    );
    let file = &report.files[0];
    assert_eq!(file.text, text.replace("= true # old", "= false # old"));
    let applied: Vec<_> = report
        .applied
        .iter()
        .filter(|a| a.rule == "GKE008")
        .collect();
    assert_eq!(applied.len(), 1);
    assert!(applied[0].consequence.contains("only RBAC grants access"));
    let after = run("main.tf", &file.text);
    assert_eq!(
        verdict(&after, "google_container_cluster.c").0,
        Status::Pass
    );
}
