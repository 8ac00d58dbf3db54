//! The Terraform functions big modules use, evaluated as Terraform does, and what stays out of
//! reach named as unknown.

use gkecheck::report::Status;
use gkecheck::{check, Input, Options};

/// GKE001's status for a pool whose mode is `expr`, in a cluster with Workload Identity.
fn mode(expr: &str) -> (Status, String) {
    let text = format!(
        "resource \"google_container_cluster\" \"c\" {{\n  name = \"c\"\n  remove_default_node_pool = true\n  workload_identity_config {{\n    workload_pool = \"p.svc.id.goog\"\n  }}\n}}\nresource \"google_container_node_pool\" \"p\" {{\n  cluster = google_container_cluster.c.name\n  node_config {{\n    workload_metadata_config {{\n      mode = {expr}\n    }}\n  }}\n}}\n"
    );
    let report = check(
        &[Input::new("main.tf", text)],
        &Options {
            select: vec!["GKE001".into()],
            ..Options::default()
        },
    );
    let r = &report.results[0];
    (r.status, r.message.to_string())
}

#[test]
fn list_string_and_map_functions() {
    for expr in [
        "one([for m in [\"GKE_METADATA\"] : m])",
        "flatten([[\"GKE_METADATA\"], []])[0]",
        "coalescelist([], [\"GKE_METADATA\"])[0]",
        "zipmap([\"a\", \"b\"], [\"GCE_METADATA\", \"GKE_METADATA\"])[\"b\"]",
        "split(\",\", \"GKE_METADATA,GCE_METADATA\")[0]",
        "replace(\"GCE_METADATA\", \"GCE\", \"GKE\")",
        "distinct([\"GKE_METADATA\", \"GKE_METADATA\"])[0]",
        "compact([\"\", \"GKE_METADATA\"])[0]",
        "tolist(toset([\"GKE_METADATA\", \"GKE_METADATA\"]))[0]",
        "element(split(\"-\", \"x-GKE_METADATA\"), 1)",
        "[for i in range(3) : \"GKE_METADATA\" if i == 2][0]",
    ] {
        assert_eq!(mode(expr).0, Status::Pass, "{expr}: {}", mode(expr).1);
    }
    // one([]) is null: the mode is not set, which never passes.
    assert_ne!(mode("one([])").0, Status::Pass);
}

#[test]
fn what_is_out_of_reach_is_named() {
    // A regular expression in replace() is not evaluated: unknown, naming it.
    let (status, message) = mode("replace(\"GCE_METADATA\", \"/G.E/\", \"GKE\")");
    assert_eq!(status, Status::Unknown);
    assert!(message.contains("replace("), "{message}");
    // A range past the value limit stops there.
    let (status, message) = mode("[for i in range(1000000) : \"GKE_METADATA\"][0]");
    assert_eq!(status, Status::Unknown);
    assert!(message.contains("gkecheck's limit"), "{message}");
}
