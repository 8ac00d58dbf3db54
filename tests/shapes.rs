//! Every shape people paste of gcloud and API output: YAML (one or several documents),
//! terminal pastes, tables, wrapped certificates, jq streams, asset exports, snake_case JSON,
//! gcloud beta output and node pools on their own, with exact places.

use gkecheck::report::{Finding, Report, Status};
use gkecheck::{check, Input, Options};

fn run(text: &str) -> Report {
    check(&[Input::new("paste", text)], &Options::default())
}

fn find<'a>(report: &'a Report, rule: &str, name: &str) -> &'a Finding {
    report
        .results
        .iter()
        .find(|r| r.rule == rule && &*r.resource.name == name)
        .unwrap_or_else(|| panic!("no {rule} result for {name}: {:#?}", report.results))
}

/// The first input's notes.
fn notes_of(report: &Report) -> Vec<&str> {
    report.inputs[0]
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .collect()
}

fn place(r: &Finding) -> (usize, usize, usize, usize) {
    let l = &r.location;
    (l.line, l.column, l.end_line, l.end_column)
}

const DESCRIBE_YAML: &str = "addonsConfig:
  kubernetesDashboard:
    disabled: true
autopilot: {}
currentMasterVersion: 1.31.5-gke.1023000
defaultMaxPodsConstraint:
  maxPodsPerNode: '110'
legacyAbac: {}
location: europe-west1
name: shop-prod
nodePools:
- config:
    diskSizeGb: 100
    metadata:
      disable-legacy-endpoints: 'true'
    serviceAccount: default
    workloadMetadataConfig:
      mode: GCE_METADATA
  maxPodsConstraint:
    maxPodsPerNode: '110'
  name: batch
  selfLink: https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/shop-prod/nodePools/batch
- config:
    machineType: e2-medium
  name: web
selfLink: https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/shop-prod
workloadIdentityConfig:
  workloadPool: acme.svc.id.goog
";

#[test]
fn yaml_describe_output_with_exact_places() {
    let report = run(DESCRIBE_YAML);
    assert_eq!(report.inputs[0].format, "gcloud-yaml");
    let batch = find(&report, "GKE001", "batch");
    assert_eq!(batch.status, Status::Fail);
    assert_eq!(place(batch), (18, 13, 18, 25));
    assert_eq!(
        &*batch.resource.address,
        "projects/acme/locations/europe-west1/clusters/shop-prod/nodePools/batch"
    );
    let web = find(&report, "GKE001", "web");
    assert_eq!(web.status, Status::Fail);
    assert_eq!(place(web), (25, 3, 25, 12), "the pool's name line");
    let cluster = find(&report, "GKE002", "shop-prod");
    assert_eq!(cluster.status, Status::Pass);
    assert_eq!(place(cluster), (28, 17, 28, 33));
    assert!(report.inputs[0].notes.is_empty());
}

#[test]
fn several_yaml_documents() {
    let text = "---\nname: a\nnodePools:\n- name: p\n  config: {}\n---\nname: b\nautopilot:\n  enabled: true\n";
    let report = run(text);
    assert_eq!(find(&report, "GKE001", "p").status, Status::Fail);
    assert_eq!(find(&report, "GKE001", "b").status, Status::Pass);
    assert_eq!(find(&report, "GKE002", "b").status, Status::Pass);
    assert_eq!(find(&report, "GKE002", "a").status, Status::Fail);
}

#[test]
fn terminal_paste_with_prompts_messages_and_other_commands() {
    let yaml: String = DESCRIBE_YAML.lines().map(|l| format!("{l}\n")).collect();
    let text = format!(
        "❯ gcloud container clusters list\nNAME       LOCATION      MASTER_VERSION      MASTER_IP     MACHINE_TYPE   NODE_VERSION        NUM_NODES  STATUS\nshop-prod  europe-west1  1.31.5-gke.1023000  34.76.120.18  e2-standard-4  1.31.5-gke.1023000  6          RUNNING\n\n$ gcloud container clusters describe shop-prod --location=europe-west1\nWARNING: The Kubernetes Engine API is sending a deprecation notice.\n{yaml}$ kubectl get nodes\nNAME                                 STATUS   ROLES    AGE   VERSION\ngke-shop-prod-batch-1a2b3c4d-x1y2    Ready    <none>   5d    v1.31.5-gke.1023000\n"
    );
    let report = run(&text);
    assert_eq!(report.inputs[0].format, "terminal");
    assert!(
        report.inputs[0].error.is_none(),
        "{:?}",
        report.inputs[0].error
    );
    // The YAML starts on line 7 of the paste: places are in the paste.
    let batch = find(&report, "GKE001", "batch");
    assert_eq!(place(batch), (18 + 6, 13, 18 + 6, 25));
    let notes = &report.inputs[0].notes;
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert_eq!(notes[0].line, 2);
    assert!(notes[0]
        .message
        .contains("`gcloud container clusters list --format=json`"));
    assert!(notes[1].message.contains("kubectl get nodes"));
}

#[test]
fn a_clusters_list_table_alone_says_what_to_run_instead() {
    let text = "NAME       LOCATION      MASTER_VERSION      MASTER_IP     MACHINE_TYPE   NODE_VERSION        NUM_NODES  STATUS\nshop-prod  europe-west1  1.31.5-gke.1023000  34.76.120.18  e2-standard-4  1.31.5-gke.1023000  6          RUNNING\n";
    let report = run(text);
    let e = report.inputs[0].error.as_ref().expect("an error");
    assert_eq!((e.line, e.column), (1, 1));
    assert!(
        e.message.contains("shows no security settings"),
        "{}",
        e.message
    );
    assert!(e
        .message
        .contains("gcloud container clusters list --format=json"));
}

#[test]
fn wrapped_certificates_are_repaired_or_located() {
    let text = "masterAuth:\n  clusterCaCertificate: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUVMVENDQXBXZ0F3SUJBZ0lS\nQU1kZ1d3Y0x6T2JzQm1kZ1d3Y0x6T2Jz\nQm1kZ1d3PT0=\nname: prod\nnodePools:\n- name: apps\n  config: {}\n";
    let report = run(text);
    assert!(report.inputs[0].error.is_none());
    let notes = &report.inputs[0].notes;
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].line, notes[0].column), (2, 25));
    assert!(notes[0].message.contains("broken over 3 lines"));
    assert_eq!(find(&report, "GKE001", "apps").status, Status::Fail);
    assert_eq!(place(find(&report, "GKE001", "apps")), (7, 3, 7, 13));

    // A wrapped piece that cannot be joined safely (it breaks the structure) is located,
    // with the advice to copy again.
    let broken = "name: prod\nmasterAuth:\n  clientKey: abc\nLS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0t\n  password: x\n";
    let report = run(broken);
    let e = report.inputs[0].error.as_ref().expect("an error");
    assert_eq!((e.line, e.column), (4, 1));
    assert!(e.message.contains("copy the output again"), "{}", e.message);
}

#[test]
fn jq_streams_asset_exports_and_snake_case() {
    let stream = "{\"name\": \"a\", \"nodePools\": [{\"name\": \"p\", \"config\": {}}]}\n{\"name\": \"b\", \"autopilot\": {\"enabled\": true}}\n{\"mode\": \"GKE_METADATA\"}\n";
    let report = run(stream);
    assert_eq!(find(&report, "GKE001", "p").status, Status::Fail);
    assert_eq!(find(&report, "GKE001", "b").status, Status::Pass);
    let notes = &report.inputs[0].notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].line, 3);
    assert!(notes[0].message.starts_with("skipped:"));

    let cai = r#"[{"name": "//container.googleapis.com/projects/p/locations/l/clusters/c", "asset_type": "container.googleapis.com/Cluster",
  "resource": {"version": "v1", "data": {"name": "c", "nodePools": [{"name": "np", "config": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}}}],
  "workloadIdentityConfig": {"workloadPool": "p.svc.id.goog"}}}}]"#;
    let report = run(cai);
    assert_eq!(find(&report, "GKE001", "np").status, Status::Pass);
    assert_eq!(find(&report, "GKE002", "c").status, Status::Pass);

    let snake = r#"{"name": "c", "workload_identity_config": {"workload_pool": "p.svc.id.goog"},
 "node_pools": [{"name": "np", "config": {"workload_metadata_config": {"mode": "GCE_METADATA"}},
   "self_link": "https://container.googleapis.com/v1/projects/p/zones/z/clusters/c/nodePools/np"}]}"#;
    let report = run(snake);
    let np = find(&report, "GKE001", "np");
    assert_eq!(np.status, Status::Fail);
    assert_eq!(place(np), (2, 80, 2, 94));
    assert_eq!(find(&report, "GKE002", "c").status, Status::Pass);
}

#[test]
fn gcloud_beta_output_and_node_pools_on_their_own() {
    let beta = "name: c\nnodePools:\n- name: np\n  config:\n    workloadMetadataConfig:\n      mode: GKE_METADATA\n      nodeMetadata: GKE_METADATA_SERVER\nworkloadIdentityConfig:\n  workloadPool: p.svc.id.goog\n";
    assert_eq!(find(&run(beta), "GKE001", "np").status, Status::Pass);

    for (link, location) in [
        (
            "projects/acme/zones/us-central1-a/clusters/prod/nodePools/np",
            "us-central1-a",
        ),
        (
            "projects/acme/locations/us-central1/clusters/prod/nodePools/np",
            "us-central1",
        ),
    ] {
        let pool = format!("config:\n  machineType: e2-medium\nname: np\nselfLink: https://container.googleapis.com/v1/{link}\n");
        let report = run(&pool);
        let np = find(&report, "GKE001", "np");
        assert_eq!(np.status, Status::Fail);
        assert_eq!(np.resource.cluster.as_deref(), Some("prod"));
        let fix = np.remediation.as_ref().unwrap();
        assert!(fix.steps.iter().any(|s| s.code
            == format!("gcloud container node-pools update np --cluster=prod --location={location} --project=acme --workload-metadata=GKE_METADATA")));
        let notes = &report.inputs[0].notes;
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].message.contains(
                "Workload Identity (GKE002) and its other cluster settings could not be checked"
            ),
            "{}",
            notes[0].message
        );
        assert!(report.results.iter().all(|r| r.rule != "GKE002"));
    }
}

/// Pastes as people make them: a prompt before, between and after the commands (bash, zsh,
/// fish, Cloud Shell, PowerShell), an empty prompt at the end, CRLF line ends.
#[test]
fn pastes_that_end_with_a_prompt() {
    let yaml = "name: prod\nlocation: europe-west1\nnodePools:\n- name: apps\n  config:\n    workloadMetadataConfig:\n      mode: GCE_METADATA\n";
    for prompt in [
        "$ ",
        "alex@cloudshell:~ (acme-prod)$ ",
        "❯ ",
        "PS C:\\Users\\kim> ",
        "% ",
        "root@bastion:~# ",
        "kim@laptop ~> ",
    ] {
        for line_end in ["\n", "\r\n"] {
            let text = format!("{prompt}gcloud container clusters describe prod\n{yaml}{prompt}\n")
                .replace('\n', line_end);
            let report = run(&text);
            assert!(
                report.inputs[0].error.is_none(),
                "{prompt:?} {line_end:?}: {:?}",
                report.inputs[0].error
            );
            assert_eq!(
                find(&report, "GKE001", "apps").status,
                Status::Fail,
                "{prompt:?}"
            );
        }
    }
}

/// A cluster described through a projection that leaves the project out, then its pools
/// listed: joined by name and location, with a note saying so.
#[test]
fn pools_join_a_projected_cluster_by_name_and_location() {
    let text = "$ gcloud container clusters describe prod --format=\"json(name,location,workloadIdentityConfig)\"\n{\"name\": \"prod\", \"location\": \"europe-west1\", \"workloadIdentityConfig\": {\"workloadPool\": \"acme.svc.id.goog\"}}\n$ gcloud container node-pools list --cluster=prod --format=json\n[{\"name\": \"apps\", \"config\": {\"workloadMetadataConfig\": {\"mode\": \"GKE_METADATA\"}}, \"selfLink\": \"https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/prod/nodePools/apps\"}]\n$\n";
    let report = run(text);
    let pool = find(&report, "GKE001", "apps");
    assert_eq!(pool.status, Status::Pass);
    assert_eq!(pool.resource.cluster.as_deref(), Some("prod"));
    let notes = notes_of(&report);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("joined to cluster prod by its name and location")),
        "{notes:?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains("is not in the input")),
        "{notes:?}"
    );
    assert_eq!(report.headline.len(), 1);
    assert_eq!(report.headline[0].pools_protected, 1);
    // A pool of another location is not joined.
    let other = text.replace(
        "locations/europe-west1/clusters",
        "locations/us-east1/clusters",
    );
    let report = run(&other);
    assert_eq!(
        find(&report, "GKE001", "apps").resource.cluster.as_deref(),
        Some("prod")
    );
    assert!(report.inputs[0]
        .notes
        .iter()
        .any(|n| n.message.contains("is not in the input")));
}

/// An asset export lists each pool twice: inside its cluster's asset and as a NodePool asset
/// of its own (before or after the cluster). The pool is checked once, and counted once.
#[test]
fn a_pool_listed_in_its_cluster_and_on_its_own_is_checked_once() {
    let link = "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/c";
    let cluster = format!(
        r#"{{"name":"//container.googleapis.com/projects/p/locations/europe-west1/clusters/c","assetType":"container.googleapis.com/Cluster","resource":{{"data":{{"name":"c","location":"europe-west1","selfLink":"{link}","workloadIdentityConfig":{{"workloadPool":"p.svc.id.goog"}},"nodePools":[{{"name":"apps","config":{{"workloadMetadataConfig":{{"mode":"GKE_METADATA"}}}},"selfLink":"{link}/nodePools/apps"}}]}}}}}}"#
    );
    let pool = |name: &str| {
        format!(
            r#"{{"name":"//container.googleapis.com/projects/p/locations/europe-west1/clusters/c/nodePools/{name}","assetType":"container.googleapis.com/NodePool","resource":{{"data":{{"name":"{name}","config":{{"workloadMetadataConfig":{{"mode":"GKE_METADATA"}}}},"selfLink":"{link}/nodePools/{name}"}}}}}}"#
        )
    };
    for text in [
        format!("{cluster}\n{}\n", pool("apps")),
        format!("{}\n{cluster}\n", pool("apps")),
        // The same pool twice on its own as well.
        format!("{cluster}\n{}\n{}\n", pool("apps"), pool("apps")),
    ] {
        let report = run(&text);
        let gke001: Vec<&Finding> = report
            .results
            .iter()
            .filter(|r| r.rule == "GKE001")
            .collect();
        assert_eq!(gke001.len(), 1, "{text}");
        assert_eq!(report.headline[0].pools_total, 1);
        assert_eq!(
            report.headline[0].text,
            "Workload metadata, cluster c: 1 of 1 node pool runs the GKE metadata server."
        );
        let notes = notes_of(&report);
        assert!(
            notes.iter().any(|n| n
                .starts_with("node pool apps of cluster c is described twice in the input")
                && n.ends_with("it is checked once, as its cluster's description gives it")),
            "{notes:?}"
        );
    }
    // A pool that only its own asset describes is still joined and checked.
    let report = run(&format!("{cluster}\n{}\n", pool("batch")));
    assert_eq!(
        find(&report, "GKE001", "batch").resource.cluster.as_deref(),
        Some("c")
    );
    assert_eq!(report.headline[0].pools_total, 2);
    // Listed on its own twice, before or after its cluster, and not in it: checked once, as
    // read first; no note says its cluster is missing.
    for text in [
        format!("{cluster}\n{}\n{}\n", pool("batch"), pool("batch")),
        format!("{}\n{}\n{cluster}\n", pool("batch"), pool("batch")),
    ] {
        let report = run(&text);
        let batch = report
            .results
            .iter()
            .filter(|r| r.rule == "GKE001" && &*r.resource.name == "batch")
            .count();
        assert_eq!(batch, 1, "{text}");
        assert_eq!(report.headline[0].pools_total, 2, "{text}");
        let notes = notes_of(&report);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("node pool batch of cluster c is described twice in the input")
                && notes[0].ends_with("it is checked once, as read first"),
            "{notes:?}"
        );
    }
}

/// An asset export describes every pool twice: a note says so of the first few, and one more
/// counts the rest, at the place of the first of them, not a note for each pool.
#[test]
fn an_export_s_pools_described_twice_are_noted_a_few_then_counted() {
    let api = "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters";
    let mut text = String::new();
    for c in 0..10 {
        let pools: Vec<String> = (0..3)
            .map(|p| format!(r#"{{"name":"p{p}","selfLink":"{api}/c{c}/nodePools/p{p}"}}"#))
            .collect();
        for pool in &pools {
            text.push_str(&format!(r#"{{"name":"//container.googleapis.com/x","assetType":"container.googleapis.com/NodePool","resource":{{"data":{pool}}}}}"#));
            text.push('\n');
        }
        text.push_str(&format!(r#"{{"name":"//container.googleapis.com/y","assetType":"container.googleapis.com/Cluster","resource":{{"data":{{"name":"c{c}","location":"europe-west1","selfLink":"{api}/c{c}","nodePools":[{}]}}}}}}"#, pools.join(",")));
        text.push('\n');
    }
    let report = check(&[Input::new("assets.json", &text)], &Options::default());
    assert_eq!(report.headline.len(), 10);
    assert!(report.headline.iter().all(|h| h.pools_total == 3));
    let notes = &report.inputs[0].notes;
    let messages: Vec<&str> = notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(notes.len(), 4, "{messages:?}");
    assert!(messages[..3]
        .iter()
        .all(|m| m.contains("is described twice in the input")));
    assert!(
        messages[0].starts_with("node pool p0 of cluster c0 "),
        "{messages:?}"
    );
    assert_eq!(
        messages[3],
        "27 more node pools from here on are described twice in the input (an asset export lists each pool in its cluster and as a NodePool asset): each is checked once"
    );
    // At the fourth pool's place: line 5, the first NodePool asset of the second cluster.
    assert_eq!(notes[3].line, 5);
}

/// Pools listed apart whose clusters are not in the input: a headline group for each cluster
/// they name, in the order first named, and one for the pools that name none.
#[test]
fn pools_of_clusters_not_in_the_input_are_grouped_by_the_cluster_they_name() {
    let api = "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters";
    let pool = |name: &str, cluster: Option<&str>, mode: &str| {
        let link = cluster.map_or(String::new(), |c| {
            format!(r#","selfLink":"{api}/{c}/nodePools/{name}""#)
        });
        format!(
            r#"{{"name":"{name}","config":{{"workloadMetadataConfig":{{"mode":"{mode}"}}}}{link}}}"#
        )
    };
    let text = [
        pool("a1", Some("x"), "GKE_METADATA"),
        pool("b1", Some("y"), "GCE_METADATA"),
        pool("n1", None, "GCE_METADATA"),
        pool("a2", Some("x"), "GCE_METADATA"),
        pool("b2", Some("y"), "GKE_METADATA"),
        pool("a3", Some("x"), "GKE_METADATA"),
    ]
    .join("\n");
    let report = check(
        &[Input::new("pools.json", &text)],
        &Options {
            passing_counted_only: true,
            ..Options::default()
        },
    );
    let groups: Vec<(Option<&str>, usize, usize, Vec<&str>)> = report
        .headline
        .iter()
        .map(|h| {
            (
                h.cluster.as_deref(),
                h.pools_total,
                h.pools_protected,
                h.pools_exposed.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            (Some("x"), 3, 2, vec!["a2"]),
            (Some("y"), 2, 1, vec!["b1"]),
            (None, 1, 0, vec!["n1"]),
        ]
    );
    headline_says(&report, 0, "cluster x (not in the input)");
    // Each group counts its own pools' passing results.
    let passing: usize = report.headline.iter().map(|h| h.passing).sum();
    assert_eq!(passing, report.summary.pass);
    assert!(
        report.headline.iter().all(|h| h.passing > 0),
        "{:?}",
        report.headline
    );
}

/// Clusters of one name in one module, and a pool naming that name: the pool's location tells
/// which; without it, the pool is joined to none of them, with a note, the same on every run
/// (the first found hung on a hash's order).
#[test]
fn a_pool_naming_one_of_several_clusters_of_a_name_is_joined_by_its_location() {
    let clusters: String = ["europe-west1", "us-central1", "asia-east1"]
        .iter()
        .enumerate()
        .map(|(i, location)| {
            format!("resource \"google_container_cluster\" \"c{i}\" {{\n  name     = \"prod\"\n  location = \"{location}\"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n}}\n")
        })
        .collect();
    let pool = |location: &str| {
        format!("resource \"google_container_node_pool\" \"p\" {{\n  name    = \"pool\"\n  cluster = \"prod\"\n{location}}}\n")
    };
    let pools_of =
        |report: &Report| -> Vec<usize> { report.headline.iter().map(|h| h.pools_total).collect() };
    let tf = format!("{clusters}{}", pool("  location = \"us-central1\"\n"));
    let report = check(&[Input::new("main.tf", &tf)], &Options::default());
    assert_eq!(pools_of(&report), [0, 1, 0]);
    assert!(notes_of(&report).is_empty(), "{:?}", notes_of(&report));
    let tf = format!("{clusters}{}", pool(""));
    for _ in 0..5 {
        let report = check(&[Input::new("main.tf", &tf)], &Options::default());
        assert_eq!(pools_of(&report), [0, 0, 0, 1]);
        assert_eq!(
            notes_of(&report),
            ["node pool p names cluster prod, and 3 clusters of that name are in the input, which the pool's location and project do not tell apart: it is joined to none of them (give the pool's location and project to say which)"]
        );
        // Neither the headline nor the result says the cluster is missing: three of that name
        // are here.
        let text = &report.headline[3].text;
        assert!(
            text.starts_with("Workload metadata, cluster prod (3 clusters of that name in the input fit, not told apart): "),
            "{text}"
        );
        let gke001 = report.results.iter().find(|r| r.rule == "GKE001").unwrap();
        assert!(
            gke001.message.contains("its cluster (`prod`) fits 3 clusters of the input, which its location and project do not tell apart"),
            "{}",
            gke001.message
        );
    }
    // A location none of them has: that cluster is not in the input, and nothing is said of
    // the three.
    let tf = format!("{clusters}{}", pool("  location = \"africa-south1\"\n"));
    let report = check(&[Input::new("main.tf", &tf)], &Options::default());
    assert_eq!(pools_of(&report), [0, 0, 0, 1]);
    assert!(notes_of(&report).is_empty(), "{:?}", notes_of(&report));
    let text = &report.headline[3].text;
    assert!(
        text.starts_with("Workload metadata, cluster prod (not in the input): "),
        "{text}"
    );
    // One cluster of the name: a pool in its location, or in none said, is its pool; a pool
    // in another location is another cluster's (it was joined by the name alone).
    let one = clusters.split_inclusive("}\n").next().unwrap();
    for (location, joined) in [
        ("  location = \"europe-west1\"\n", true),
        ("", true),
        ("  location = \"us-central1\"\n", false),
    ] {
        let tf = format!("{one}{}", pool(location));
        let report = check(&[Input::new("main.tf", &tf)], &Options::default());
        let expected: &[usize] = if joined { &[1] } else { &[0, 1] };
        assert_eq!(pools_of(&report), expected, "{location}");
    }
}

/// A cluster whose pools are in a file that does not parse: the headline does not say the
/// input has no pool, only that none was read.
#[test]
fn a_cluster_whose_pools_could_not_be_read_is_not_said_to_have_none() {
    let clusters = "resource \"google_container_cluster\" \"c\" {\n  name     = \"prod\"\n  location = \"europe-west1\"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n}\n";
    let pools = "resource \"google_container_node_pool\" \"p\" {\n  name    = \"p\"\n  cluster = google_container_cluster.c.name\n  node_config {\n    oops =\n  }\n}\n";
    let report = check(
        &[
            Input::new("clusters.tf", clusters),
            Input::new("pools.tf", pools),
        ],
        &Options::default(),
    );
    assert!(report.inputs[1].error.is_some());
    assert_eq!(
        report.headline[0].text,
        "Workload metadata, cluster prod: no node pool read (an input stopped at an error)."
    );
    let report = check(&[Input::new("clusters.tf", clusters)], &Options::default());
    assert_eq!(
        report.headline[0].text,
        "Workload metadata, cluster prod: no node pool in the input."
    );
}

/// A pool of one root configuration naming a cluster that another root (or live output) holds:
/// not joined (a pool joins its own configuration's clusters), and not said to be missing from
/// the input either.
#[test]
fn a_cluster_of_another_configuration_is_named_not_said_missing() {
    let cluster = "resource \"google_container_cluster\" \"prod\" {\n  name     = \"prod\"\n  location = \"europe-west1\"\n  remove_default_node_pool = true\n  initial_node_count       = 1\n}\n";
    let pool = |location: &str| {
        format!("resource \"google_container_node_pool\" \"p\" {{\n  name     = \"pool\"\n  cluster  = \"prod\"\n  location = \"{location}\"\n}}\n")
    };
    let live = r#"{"name": "prod", "location": "europe-west1", "selfLink": "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/prod", "nodePools": []}"#;
    for other in [
        Input::new("clusters/main.tf", cluster),
        Input::new("live.json", live),
    ] {
        let inputs = [other, Input::new("pools/main.tf", pool("europe-west1"))];
        let report = check(&inputs, &Options::default());
        headline_says(&report, 1, "Workload metadata, cluster prod (not in the pools' configuration; one of that name elsewhere in the input, not joined to them): ");
        let gke001 = report
            .results
            .iter()
            .find(|r| r.rule == "GKE001" && r.resource.address.contains("node_pool.p"))
            .unwrap();
        assert!(
            gke001.message.contains("its cluster (`prod`) is not in its configuration (a cluster of that name elsewhere in the input, in another root configuration or live output, is not joined to it)"),
            "{}",
            gke001.message
        );
    }
    // In another location, it is another cluster: not in the input.
    let inputs = [
        Input::new("clusters/main.tf", cluster),
        Input::new("pools/main.tf", pool("us-central1")),
    ];
    let report = check(&inputs, &Options::default());
    headline_says(
        &report,
        1,
        "Workload metadata, cluster prod (not in the input): ",
    );
}

/// The `i`th headline's text holds `wanted`.
fn headline_says(report: &Report, i: usize, wanted: &str) {
    let text = &report.headline[i].text;
    assert!(text.contains(wanted), "{text}");
}
