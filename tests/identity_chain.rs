//! GKE006 and the chain finding GKE033: the project's IAM policy beside the cluster, as a
//! second file or a second document, in JSON or YAML, for gcloud and Terraform inputs.

mod common;

use common::result;
use gkecheck::report::{Severity, Status};
use gkecheck::{check, Input, Options};

const CLUSTER: &str = r#"{"name": "prod", "location": "europe-west1",
 "selfLink": "https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/prod",
 "nodePools": [
  {"name": "apps", "config": {"serviceAccount": "default"}},
  {"name": "web", "config": {"serviceAccount": "web-nodes@acme.iam.gserviceaccount.com", "workloadMetadataConfig": {"mode": "GCE_METADATA"}}},
  {"name": "safe", "config": {"serviceAccount": "safe-nodes@acme.iam.gserviceaccount.com", "workloadMetadataConfig": {"mode": "GKE_METADATA"}}}
 ]}
"#;

const POLICY_YAML: &str = "bindings:\n- members:\n  - serviceAccount:123456789012-compute@developer.gserviceaccount.com\n  - user:admin@acme.example\n  role: roles/editor\n- members:\n  - serviceAccount:web-nodes@acme.iam.gserviceaccount.com\n  role: roles/storage.objectViewer\n- members:\n  - serviceAccount:safe-nodes@acme.iam.gserviceaccount.com\n  role: roles/owner\netag: BwX0abc=\nversion: 1\n";

const POOL: &str = "projects/acme/locations/europe-west1/clusters/prod/nodePools/";

#[test]
fn two_files_gcloud_json_and_a_yaml_policy() {
    let report = check(
        &[
            Input::new("cluster.json", CLUSTER),
            Input::new("policy.yaml", POLICY_YAML),
        ],
        &Options::default(),
    );
    assert!(
        report.inputs.iter().all(|i| i.error.is_none()),
        "{:?}",
        report.inputs
    );
    let apps = result(&report, "GKE006", &format!("{POOL}apps"));
    assert_eq!(apps.status, Status::Fail);
    assert!(
        apps.message
            .contains("123456789012-compute@developer.gserviceaccount.com) holds roles/editor"),
        "{}",
        apps.message
    );
    assert_eq!(
        result(&report, "GKE006", &format!("{POOL}web")).status,
        Status::Pass,
        "objectViewer is not broad"
    );
    assert_eq!(
        result(&report, "GKE006", &format!("{POOL}safe")).status,
        Status::Fail
    );

    // The chain: only apps fails both GKE001 and GKE006 (safe runs the GKE metadata server).
    let chains: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.rule == "GKE033")
        .collect();
    assert_eq!(chains.len(), 1);
    let chain = chains[0];
    assert_eq!(
        (chain.status, chain.severity, &*chain.resource.name),
        (Status::Fail, Severity::Critical, "apps")
    );
    assert!(chain.message.contains("169.254.169.254") && chain.message.contains("roles/editor"));
    assert_eq!(
        report.results[0].rule, "GKE033",
        "the chain ranks above everything else"
    );
    let fix = chain.remediation.as_ref().unwrap();
    assert!(fix
        .steps
        .iter()
        .any(|s| s.code.contains("--workload-metadata=GKE_METADATA")));
    assert!(fix.steps.iter().any(|s| s.code == "gcloud projects remove-iam-policy-binding acme --member=\"serviceAccount:123456789012-compute@developer.gserviceaccount.com\" --role=roles/editor"));
}

#[test]
fn two_documents_in_one_paste_and_no_policy_no_result() {
    let policy_json = r#"{"bindings": [{"role": "roles/owner", "members": ["serviceAccount:123456789012-compute@developer.gserviceaccount.com"]}], "etag": "BwX=", "version": 1}"#;
    let pasted = format!("{CLUSTER}{policy_json}\n");
    let report = check(&[Input::new("paste", pasted)], &Options::default());
    let chain = report
        .results
        .iter()
        .find(|r| r.rule == "GKE033")
        .expect("a chain finding");
    assert!(chain.message.contains("roles/owner"));
    assert_eq!(chain.location.line, 4, "at the pool's name");

    let alone = check(&[Input::new("cluster.json", CLUSTER)], &Options::default());
    assert!(alone
        .results
        .iter()
        .all(|r| r.rule != "GKE006" && r.rule != "GKE033"));
}

#[test]
fn terraform_pools_with_a_policy() {
    let tf = r#"resource "google_container_node_pool" "batch" {
  cluster = "prod"
  node_config {
    service_account = "batch@acme.iam.gserviceaccount.com"
  }
}
resource "google_container_node_pool" "dedicated" {
  cluster = "prod"
  node_config {
    service_account = google_service_account.nodes.email
  }
}
"#;
    let policy = r#"{"bindings": [{"role": "roles/container.admin", "members": ["serviceAccount:batch@acme.iam.gserviceaccount.com"]}]}"#;
    let report = check(
        &[Input::new("main.tf", tf), Input::new("policy.json", policy)],
        &Options::default(),
    );
    assert_eq!(
        result(&report, "GKE006", "google_container_node_pool.batch").status,
        Status::Fail
    );
    assert_eq!(
        result(&report, "GKE033", "google_container_node_pool.batch").status,
        Status::Fail
    );
    let dedicated = result(&report, "GKE006", "google_container_node_pool.dedicated");
    assert_eq!(
        dedicated.status,
        Status::Unknown,
        "the account's email is only known after apply"
    );
}

#[test]
fn the_shared_corpus_policy_reads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/gcloud/gcpdiag-gke1-project-iam-policy.json");
    let Ok(policy) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} is not here", path.display());
        return;
    };
    let cluster = r#"{"name": "gke1", "nodePools": [{"name": "default-pool", "config": {"serviceAccount": "default"}}]}"#;
    let report = check(
        &[
            Input::new("c.json", cluster),
            Input::new("policy.json", policy),
        ],
        &Options::default(),
    );
    assert!(
        report.inputs[1].error.is_none(),
        "{:?}",
        report.inputs[1].error
    );
    let r = result(&report, "GKE006", "clusters/gke1/nodePools/default-pool");
    assert_eq!(r.status, Status::Fail, "{}", r.message);
    assert!(r.message.contains("roles/editor"));
    assert!(report.results.iter().any(|r| r.rule == "GKE033"));
}

/// An IAM policy does not say its project: with clusters of two projects in the input, the
/// roles cannot be matched to either, so GKE006 is unknown and no chain is claimed.
#[test]
fn a_policy_beside_clusters_of_two_projects_decides_nothing() {
    let other = CLUSTER
        .replace("projects/acme/", "projects/shop/")
        .replace("\"prod\"", "\"shop\"");
    let report = check(
        &[
            Input::new("acme.json", CLUSTER),
            Input::new("shop.json", &other),
            Input::new("policy.yaml", POLICY_YAML),
        ],
        &Options::default(),
    );
    let apps = result(&report, "GKE006", &format!("{POOL}apps"));
    assert_eq!(apps.status, Status::Unknown);
    assert!(
        apps.message.contains("the projects acme, shop"),
        "{}",
        apps.message
    );
    assert!(report.results.iter().all(|r| r.rule != "GKE033"));
}
