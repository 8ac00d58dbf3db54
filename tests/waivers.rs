//! Waivers: every syntax, the resource they stand on, expiry, unused and invalid waivers, the
//! config file, and switching peer waivers off.

mod common;

use common::result;
use gkecheck::report::Status;
use gkecheck::waiver::ConfigWaiver;
use gkecheck::{check, Input, Options};

/// Options for these tests: a fixed today, and the two rules the waivers are written for.
fn today(date: &str) -> Options {
    Options {
        today: Some(date.into()),
        select: vec!["GKE001".into(), "GKE002".into()],
        ..Options::default()
    }
}

const TF: &str = r#"resource "google_container_cluster" "c" {
  name = "c"
  # gkecheck:ignore GKE002 the cluster is retired in January until=2027-01-31
  remove_default_node_pool = true
}

# The legacy pool keeps the node identity until its jobs move.
# gkecheck:ignore workload-metadata-not-hardened legacy batch jobs, ticket OPS-112
resource "google_container_node_pool" "legacy" {
  cluster = google_container_cluster.c.name
}

resource "google_container_node_pool" "checkov" {
  #checkov:skip=CKV_GCP_69:the team accepted this in 2024
  cluster = google_container_cluster.c.name
}

resource "google_container_node_pool" "tfsec" { # tfsec:ignore:google-gke-node-metadata-security:exp:2026-06-30
  cluster = google_container_cluster.c.name
}

#trivy:ignore:AVD-GCP-0057
resource "google_container_node_pool" "trivy" {
  cluster = google_container_cluster.c.name
}

resource "google_container_node_pool" "plain" {
  cluster = google_container_cluster.c.name
}
"#;

#[test]
fn every_comment_syntax_waives_the_resource_it_stands_on() {
    let report = check(&[Input::new("main.tf", TF)], &today("2026-11-27"));
    let status = |address: &str| {
        result(
            &report,
            if address.contains("cluster") {
                "GKE002"
            } else {
                "GKE001"
            },
            address,
        )
        .status
    };
    assert_eq!(status("google_container_cluster.c"), Status::Suppressed);
    assert_eq!(
        status("google_container_node_pool.legacy"),
        Status::Suppressed
    );
    assert_eq!(
        status("google_container_node_pool.checkov"),
        Status::Suppressed
    );
    assert_eq!(
        status("google_container_node_pool.trivy"),
        Status::Suppressed
    );
    // The tfsec waiver ended in June.
    let tfsec = result(&report, "GKE001", "google_container_node_pool.tfsec");
    assert_eq!(tfsec.status, Status::Fail);
    assert!(
        tfsec
            .message
            .starts_with("The waiver at main.tf:18 ended on 2026-06-30: "),
        "{}",
        tfsec.message
    );
    assert_eq!(status("google_container_node_pool.plain"), Status::Fail);

    let legacy = result(&report, "GKE001", "google_container_node_pool.legacy");
    let s = legacy.suppression.as_ref().unwrap();
    assert_eq!(
        (s.source.as_str(), s.reason.as_str()),
        ("gkecheck:ignore", "legacy batch jobs, ticket OPS-112")
    );
    assert_eq!(s.location.as_ref().unwrap().line, 8);
    let cluster = result(&report, "GKE002", "google_container_cluster.c");
    assert_eq!(
        cluster.suppression.as_ref().unwrap().until.as_deref(),
        Some("2027-01-31")
    );

    assert_eq!((report.summary.suppressed, report.summary.fail), (4, 2));
    assert!(report.waivers.iter().all(|w| w.used));
    assert!(report
        .waivers
        .iter()
        .any(|w| w.expired && w.source.starts_with("tfsec:ignore")));
    // Suppressed results do not fail the run.
    let only_waived = TF
        .split("resource \"google_container_node_pool\" \"tfsec\"")
        .next()
        .unwrap();
    assert_eq!(
        check(&[Input::new("main.tf", only_waived)], &today("2026-11-27")).exit_code(),
        0
    );
}

#[test]
fn peer_waivers_can_be_switched_off() {
    let options = Options {
        no_peer_waivers: true,
        ..today("2026-11-27")
    };
    let report = check(&[Input::new("main.tf", TF)], &options);
    assert_eq!(
        result(&report, "GKE001", "google_container_node_pool.checkov").status,
        Status::Fail
    );
    assert_eq!(
        result(&report, "GKE001", "google_container_node_pool.legacy").status,
        Status::Suppressed
    );
}

#[test]
fn unused_and_invalid_waivers_are_reported() {
    let text = "# gkecheck:ignore GKE001 nothing here fails\nresource \"google_container_cluster\" \"ap\" {\n  enable_autopilot = true\n  # gkecheck:ignore GKE002\n  # gkecheck:ignore GKE042 no such rule\n}\n";
    let report = check(&[Input::new("main.tf", text)], &today("2026-11-27"));
    assert_eq!(report.waivers.len(), 3);
    assert!(!report.waivers[0].used && report.waivers[0].problem.is_none());
    assert!(report.waivers[1]
        .problem
        .as_deref()
        .unwrap()
        .contains("needs a reason"));
    assert!(report.waivers[2]
        .problem
        .as_deref()
        .unwrap()
        .contains("GKE042"));
    assert_eq!(report.waivers[1].location.as_ref().unwrap().line, 4);
}

#[test]
fn config_waivers_name_resources_in_any_input() {
    let json = r#"{"name": "prod", "nodePools": [{"name": "batch", "config": {}}, {"name": "web", "config": {}}]}"#;
    let options = Options {
        today: Some("2026-11-27".into()),
        waivers: vec![
            ConfigWaiver {
                rule: "GKE001".into(),
                resource: "batch".into(),
                reason: "legacy jobs".into(),
                until: None,
            },
            ConfigWaiver {
                rule: "GKE002".into(),
                resource: "clusters/prod".into(),
                reason: "retiring".into(),
                until: Some("2026-01-01".into()),
            },
            ConfigWaiver {
                rule: "GKE001".into(),
                resource: "nope".into(),
                reason: "stale".into(),
                until: None,
            },
        ],
        ..Options::default()
    };
    let report = check(&[Input::new("c.json", json)], &options);
    assert_eq!(
        result(&report, "GKE001", "clusters/prod/nodePools/batch").status,
        Status::Suppressed
    );
    assert_eq!(
        result(&report, "GKE001", "clusters/prod/nodePools/web").status,
        Status::Fail
    );
    let cluster = result(&report, "GKE002", "clusters/prod");
    assert_eq!(cluster.status, Status::Fail);
    assert!(cluster
        .message
        .starts_with("The waiver at .gkecheck.toml ended on 2026-01-01"));
    assert_eq!(
        report.waivers.iter().map(|w| w.used).collect::<Vec<_>>(),
        [true, true, false]
    );
}

/// A waiver accepts a risk on the record; it does not stop a pod taking the node's token, so
/// the headline still counts the pool as exposing it.
#[test]
fn a_waived_pool_still_exposes_the_token_in_the_headline() {
    let text = "resource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n  remove_default_node_pool = true\n}\n# gkecheck:ignore GKE001 legacy batch jobs until=2999-01-01\nresource \"google_container_node_pool\" \"batch\" {\n  name    = \"batch\"\n  cluster = google_container_cluster.c.name\n}\n";
    let report = gkecheck::check(
        &[gkecheck::Input::new("main.tf", text)],
        &gkecheck::Options::default(),
    );
    let pool = report.results.iter().find(|r| r.rule == "GKE001").unwrap();
    assert_eq!(pool.status, gkecheck::report::Status::Suppressed);
    assert_eq!(report.headline[0].pools_exposed, ["batch"]);
    assert!(report.headline[0]
        .text
        .contains("1 exposes the node's token: batch"));
}

/// Of the waivers that apply to a result (by address, by name, as a comment; whichever comes
/// first among them is used), one is used and the others are reported unused, whatever their
/// number: a scheduled scan's configuration may waive thousands of pools.
/// The reasons of the waivers a report used, in their order.
fn used_reasons(report: &gkecheck::report::Report) -> Vec<&str> {
    report
        .waivers
        .iter()
        .filter(|w| w.used)
        .map(|w| w.reason.as_str())
        .collect()
}

#[test]
fn the_first_waiver_that_applies_is_used() {
    let tf = "resource \"google_container_node_pool\" \"legacy\" {\n  # gkecheck:ignore GKE001 by comment\n  name    = \"legacy-pool\"\n  cluster = \"c\"\n}\n\nresource \"google_container_node_pool\" \"other\" {\n  name    = \"other-pool\"\n  cluster = \"c\"\n}\n";
    let waiver = |resource: &str, reason: &str| ConfigWaiver {
        rule: "GKE001".into(),
        resource: resource.into(),
        reason: reason.into(),
        until: None,
    };
    let mut waivers: Vec<ConfigWaiver> = (0..2_000)
        .map(|i| waiver(&format!("pool-{i}"), "many others"))
        .collect();
    waivers.extend([
        waiver("legacy-pool", ""),
        waiver("legacy-pool", "by name"),
        waiver("google_container_node_pool.legacy", "by address"),
        waiver("legacy-pool", "by name again"),
    ]);
    let options = Options {
        waivers,
        ..today("2026-11-27")
    };
    let report = check(&[Input::new("main.tf", tf)], &options);
    let legacy = result(&report, "GKE001", "google_container_node_pool.legacy");
    assert_eq!(legacy.status, Status::Suppressed);
    let applicable = ["by comment", "by name", "by address", "by name again"];
    // Comments come before the configuration's waivers.
    assert_eq!(legacy.suppression.as_ref().unwrap().reason, "by comment");
    let first = report
        .waivers
        .iter()
        .find(|w| applicable.contains(&w.reason.as_str()))
        .unwrap();
    assert_eq!(
        legacy.suppression.as_ref().unwrap().reason,
        first.reason,
        "{:#?}",
        report.waivers
    );
    assert_eq!(used_reasons(&report), [first.reason.as_str()]);
    // The waiver without a reason is reported as unusable, not used.
    assert!(report
        .waivers
        .iter()
        .any(|w| w.reason.is_empty() && w.problem.is_some() && !w.used));
    assert_eq!(
        result(&report, "GKE001", "google_container_node_pool.other").status,
        Status::Fail
    );
    // Without the comment: the waiver by name, before the one by address.
    let tf = tf.replace("  # gkecheck:ignore GKE001 by comment\n", "");
    let report = check(&[Input::new("main.tf", &tf)], &options);
    let legacy = result(&report, "GKE001", "google_container_node_pool.legacy");
    assert_eq!(legacy.suppression.as_ref().unwrap().reason, "by name");
    assert_eq!(used_reasons(&report), ["by name"]);
}
