//! GKE009 basic-auth-enabled and GKE010 client-certificate-enabled: gcloud JSON and YAML,
//! Terraform and plans; set, empty, absent, unknown, Autopilot; and a real 2017 cluster.

mod common;

use common::result;
use gkecheck::report::{Report, Status};
use gkecheck::{check, Input, Options};

fn run(name: &str, text: &str) -> Report {
    check(&[Input::new(name, text)], &Options::default())
}

fn verdict(report: &Report, rule: &str, address: &str) -> (Status, usize, usize) {
    let r = result(report, rule, address);
    (r.status, r.location.line, r.location.column)
}

#[test]
fn gcloud_json_and_yaml() {
    let json = "{\"name\": \"c\",\n \"masterAuth\": {\"username\": \"admin\", \"password\": \"x\",\n  \"clientCertificate\": \"LS0tLS1C\"}, \"nodePools\": []}";
    let report = run("c.json", json);
    assert_eq!(
        verdict(&report, "GKE009", "clusters/c"),
        (Status::Fail, 2, 29)
    );
    assert_eq!(
        verdict(&report, "GKE010", "clusters/c"),
        (Status::Fail, 3, 24)
    );
    let empty = run(
        "c.json",
        r#"{"name": "c", "masterAuth": {"username": "", "clientCertificateConfig": {}}, "nodePools": []}"#,
    );
    assert_eq!(verdict(&empty, "GKE009", "clusters/c").0, Status::Pass);
    assert_eq!(verdict(&empty, "GKE010", "clusters/c").0, Status::Pass);
    let autopilot = run("c.json", r#"{"name": "c", "autopilot": {"enabled": true}}"#);
    assert_eq!(verdict(&autopilot, "GKE009", "clusters/c").0, Status::Pass);
    assert_eq!(verdict(&autopilot, "GKE010", "clusters/c").0, Status::Pass);

    let yaml = run("c.yaml", "masterAuth:\n  clientCertificateConfig:\n    issueClientCertificate: true\nname: c\nnodePools: []\n");
    assert_eq!(
        verdict(&yaml, "GKE010", "clusters/c"),
        (Status::Fail, 3, 29)
    );
    assert_eq!(verdict(&yaml, "GKE009", "clusters/c").0, Status::Pass);
}

#[test]
fn terraform_and_plans() {
    let tf = "variable \"user\" {}\nresource \"google_container_cluster\" \"a\" {\n  master_auth {\n    username = \"admin\"\n    password = \"hunter2hunter2hunter2\"\n    client_certificate_config {\n      issue_client_certificate = true\n    }\n  }\n}\nresource \"google_container_cluster\" \"b\" {\n  master_auth {\n    username = var.user\n    client_certificate_config {\n      issue_client_certificate = false\n    }\n  }\n}\nresource \"google_container_cluster\" \"c\" {\n}\n";
    let report = run("main.tf", tf);
    assert_eq!(
        verdict(&report, "GKE009", "google_container_cluster.a"),
        (Status::Fail, 4, 16)
    );
    assert_eq!(
        verdict(&report, "GKE010", "google_container_cluster.a"),
        (Status::Fail, 7, 34)
    );
    assert_eq!(
        verdict(&report, "GKE009", "google_container_cluster.b").0,
        Status::Unknown
    );
    assert_eq!(
        verdict(&report, "GKE010", "google_container_cluster.b").0,
        Status::Pass
    );
    assert_eq!(
        verdict(&report, "GKE009", "google_container_cluster.c").0,
        Status::Pass
    );
    assert_eq!(
        verdict(&report, "GKE010", "google_container_cluster.c").0,
        Status::Pass
    );

    let plan = run(
        "plan.json",
        r#"{"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
 {"address": "google_container_cluster.p", "mode": "managed", "type": "google_container_cluster", "name": "p", "values": {"name": "p", "remove_default_node_pool": true,
  "master_auth": [{"client_certificate_config": [{"issue_client_certificate": true}]}]}}]}}}"#,
    );
    assert_eq!(
        verdict(&plan, "GKE010", "google_container_cluster.p").0,
        Status::Fail
    );
    assert_eq!(
        verdict(&plan, "GKE009", "google_container_cluster.p").0,
        Status::Pass
    );
}

#[test]
fn a_real_2017_cluster_from_the_corpus() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/gcloud/forseti-2017-clusters-list-v1-api-basic-auth.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} is not here", path.display());
        return;
    };
    let report = run("forseti.json", &text);
    let basic = report.results.iter().find(|r| r.rule == "GKE009").unwrap();
    assert_eq!(basic.status, Status::Fail);
    assert!(basic.remediation.as_ref().unwrap().steps[0]
        .code
        .contains("--no-enable-basic-auth"));
}

#[test]
fn the_client_certificate_fix_is_shown_never_applied() {
    let text = "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  master_auth {\n    client_certificate_config {\n      issue_client_certificate = true # for the old CI\n    }\n  }\n}\n";
    // Terraform recreates the cluster for it: display-only, even with --unsafe-fixes.
    let report = gkecheck::autofix::fix_with(
        &[Input::new("main.tf", text)],
        &Options {
            select: vec!["GKE010".into()],
            ..Options::default()
        },
        &gkecheck::autofix::FixOptions {
            unsafe_fixes: true,
            only: None,
        },
    );
    assert!(report.files.is_empty());
    assert!(report.applied.is_empty());
    let shown = &report.left_out[0];
    assert_eq!(shown.rule, "GKE010");
    assert_eq!(
        shown.applicability,
        gkecheck::report::Applicability::DisplayOnly
    );
    assert!(shown.consequence.contains("recreates the cluster"));
    assert_eq!(
        shown.what,
        "set issue_client_certificate = false in google_container_cluster.c"
    );
}
