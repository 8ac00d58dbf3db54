//! The command line: exit codes, the JSON report, text output and hostile input.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn gkecheck(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::gkecheck(args, stdin.unwrap_or_default())
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gkecheck-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A cluster that passes every rule.
const HARDENED: &str = include_str!("fixtures/gcloud/hardened-cluster.json");

/// The rules most cases here are about: the node's identity and the control plane's credentials.
const IDENTITY: &str = "GKE001,GKE002,GKE005,GKE008,GKE009,GKE010";

const EXPOSED: &str = r#"{
  "name": "prod",
  "location": "europe-west1",
  "selfLink": "https://container.googleapis.com/v1/projects/acme/locations/europe-west1/clusters/prod",
  "nodePools": [
    {
      "name": "apps",
      "config": {
        "serviceAccount": "gke-nodes@acme.iam.gserviceaccount.com",
        "workloadMetadataConfig": {
          "mode": "GCE_METADATA"
        }
      }
    }
  ]
}
"#;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn exit_codes() {
    let dir = temp_dir("exit");
    let good = dir.join("good.json");
    let bad = dir.join("bad.json");
    let broken = dir.join("broken.json");
    std::fs::write(&good, HARDENED).unwrap();
    std::fs::write(&bad, EXPOSED).unwrap();
    std::fs::write(&broken, "{\"name\": \"x\",\n  \"nodePools\": [}\n").unwrap();
    let code = |args: &[&str]| gkecheck(args, None).status.code();
    assert_eq!(code(&["check", good.to_str().unwrap()]), Some(0));
    assert_eq!(code(&["check", bad.to_str().unwrap()]), Some(1));
    assert_eq!(code(&["check", broken.to_str().unwrap()]), Some(2));
    assert_eq!(code(&["check", "--format", "yaml"]), Some(64));
    assert_eq!(code(&["frobnicate"]), Some(64));
    assert_eq!(code(&["--help"]), Some(0));

    // An input that cannot be parsed, or read, does not stop the others being checked.
    let out = gkecheck(
        &[
            "check",
            "--select",
            IDENTITY,
            "--format=json",
            broken.to_str().unwrap(),
            bad.to_str().unwrap(),
            "/nonexistent/x.tf",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    assert_eq!(report["summary"]["fail"], 2);
    assert_eq!(report["summary"]["errors"], 2);
    let error = &report["inputs"][0]["error"];
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(2), Some(17))
    );
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("expected a JSON value"));
    assert_eq!(report["inputs"][2]["name"], "/nonexistent/x.tf");
    assert!(report["inputs"][2]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("cannot read"));
}

#[test]
fn json_report_shape() {
    let out = gkecheck(
        &[
            "check",
            "--select",
            IDENTITY,
            "--format",
            "json",
            "--show-passing",
            "-",
        ],
        Some(EXPOSED.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    insta::assert_json_snapshot!("exposed_cluster_report", report);
}

#[test]
fn text_report_has_a_code_frame_and_the_fix() {
    let out = gkecheck(
        &["check", "--select", IDENTITY, "--output-format", "full"],
        Some(EXPOSED.as_bytes()),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Workload metadata, cluster prod: 0 of 1 node pool runs the GKE metadata server; 1 exposes the node's token: apps.\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "FAIL GKE001 workload-metadata-not-hardened [high]: node pool apps (cluster prod)"
        ),
        "{text}"
    );
    assert!(text.contains("--> <stdin>:11:19"), "{text}");
    assert!(
        text.contains("11 |           \"mode\": \"GCE_METADATA\"\n"),
        "{text}"
    );
    assert!(
        text.contains("   |                   ^^^^^^^^^^^^^^\n"),
        "{text}"
    );
    assert!(text.contains("gcloud container node-pools update apps --cluster=prod --location=europe-west1 --project=acme --workload-metadata=GKE_METADATA"));
    // Passing results are counted, not listed, unless asked for.
    assert!(!text.contains("PASS "), "{text}");
    assert!(
        text.ends_with("2 failing (2 high), 4 passing, 0 unknown in 1 input\n"),
        "{text}"
    );
    let out = gkecheck(
        &[
            "check",
            "--select",
            IDENTITY,
            "--output-format",
            "full",
            "--show-passing",
        ],
        Some(EXPOSED.as_bytes()),
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("\nPASS GKE008 "));
}

/// The default output: the answer, a line per finding that fails, the counts by severity.
#[test]
fn concise_output_quiet_and_colour() {
    let out = gkecheck(&["check", "--select", IDENTITY], Some(EXPOSED.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "Workload metadata, cluster prod: 0 of 1 node pool runs the GKE metadata server; 1 exposes the node's token: apps.",
            "",
            "<stdin>:11:19: GKE001 [high] fail node pool apps (cluster prod): Pods on this node pool can take the node's service-account token from the metadata server (projects/acme/locations/europe-west1/clusters/prod/nodePools/apps)",
            "<stdin>:2:3: GKE002 [high] fail cluster prod: The cluster has no Workload Identity, so no node pool can run the GKE metadata server (projects/acme/locations/europe-west1/clusters/prod)",
            "2 failing (2 high), 4 passing, 0 unknown in 1 input",
        ],
        "{text}"
    );
    // No colour in a pipe; with --color always, the status words are coloured.
    assert!(!text.contains('\u{1b}'));
    let out = gkecheck(
        &["check", "--select", IDENTITY, "--color", "always"],
        Some(EXPOSED.as_bytes()),
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("\u{1b}[1m\u{1b}[31mfail\u{1b}[0m"));
    // --quiet: the summary line and the exit status.
    let out = gkecheck(&["check", "--quiet"], Some(EXPOSED.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("2") || text.contains(" failing ("),
        "{text}"
    );
}

#[test]
fn input_format_can_be_forced() {
    let tf = "resource \"google_container_cluster\" \"c\" {\n  enable_autopilot = true\n}\n";
    let out = gkecheck(
        &["check", "--format=json", "--input-format", "terraform"],
        Some(tf.as_bytes()),
    );
    let report = json(&out);
    assert_eq!(report["inputs"][0]["format"], "terraform");
    assert!(report["inputs"][0]["error"].is_null());
    assert_ne!(out.status.code(), Some(2));
    let out = gkecheck(
        &["check", "--format=json", "--input-format=gcloud-json"],
        Some(tf.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2));
}

/// A plan of an estate of `others` resources besides one cluster and its pool (whose pool
/// reads the node's metadata server), each resource in `planned_values` and
/// `resource_changes`.
fn estate_plan(others: usize) -> String {
    let other = |i: usize| {
        format!(
            r#"{{"address": "google_storage_bucket.b{i}", "mode": "managed", "type": "google_storage_bucket", "name": "b{i}", "provider_name": "registry.terraform.io/hashicorp/google", "values": {{"name": "bucket-{i}", "location": "EU", "labels": {{"team": "data", "env": "prod"}}, "uniform_bucket_level_access": true}}}}"#
        )
    };
    let change = |i: usize| {
        format!(
            r#"{{"address": "google_storage_bucket.b{i}", "mode": "managed", "type": "google_storage_bucket", "name": "b{i}", "change": {{"actions": ["no-op"], "after_unknown": {{}}}}}}"#
        )
    };
    let mut resources = vec![
        r#"{"address": "google_container_cluster.c", "mode": "managed", "type": "google_container_cluster", "name": "c", "values": {"name": "prod", "location": "europe-west1", "project": "p", "remove_default_node_pool": true}}"#.to_string(),
        r#"{"address": "google_container_node_pool.apps", "mode": "managed", "type": "google_container_node_pool", "name": "apps", "values": {"name": "apps", "cluster": "prod", "location": "europe-west1", "project": "p", "node_config": [{"workload_metadata_config": [{"mode": "GCE_METADATA"}]}]}}"#.to_string(),
    ];
    resources.extend((0..others).map(other));
    let changes: Vec<String> = (0..others).map(change).collect();
    format!(
        "{{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.5\",\n\"planned_values\": {{\"root_module\": {{\"resources\": [\n{}\n]}}}},\n\"resource_changes\": [\n{}\n]}}\n",
        resources.join(",\n"),
        changes.join(",\n")
    )
}

#[test]
fn a_plan_over_the_pages_limit_is_read_by_the_command_line() {
    let plan = estate_plan(90_000);
    let limit = gkecheck::input::MAX_INPUT_BYTES;
    assert!(
        plan.len() > limit && plan.len() < 2 * limit,
        "{}",
        plan.len()
    );
    let dir = temp_dir("plan");
    let path = dir.join("plan.json");
    std::fs::write(&path, &plan).unwrap();
    // The results of GKE001 for a path (`-`: `stdin`), the check's error if there is one.
    let failing_pools = |path: &std::path::Path, stdin: Option<&[u8]>| {
        let args = [
            "check",
            "--format=json",
            "--select=GKE001",
            path.to_str().unwrap(),
        ];
        let out = gkecheck(&args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let report = json(&out);
        let input = &report["inputs"][0];
        assert!(input["error"].is_null(), "{input}");
        report["results"].as_array().unwrap().clone()
    };
    let results = failing_pools(&path, None);
    assert_eq!(results.len(), 1, "{results:?}");
    let pool = &results[0];
    assert_eq!(pool["status"], "fail");
    // Placed in the plan as read whole: line 4, the pool's entry.
    assert_eq!(pool["location"]["line"], 4);
    assert_eq!(
        pool["resource"]["address"], "google_container_node_pool.apps",
        "{pool}"
    );
    // From standard input too.
    let mut from_stdin = failing_pools(std::path::Path::new("-"), Some(plan.as_bytes()));
    assert_eq!(from_stdin[0]["location"]["input"], "<stdin>");
    from_stdin[0]["location"]["input"] = pool["location"]["input"].clone();
    assert_eq!(from_stdin, results);
    // Its members in another order (re-written by a tool, keys sorted), in a directory: told
    // a plan by its first member, not read in parts as gcloud output.
    let (head, changes) = plan.split_once("\n\"resource_changes\"").unwrap();
    let reordered = format!(
        "{{\"resource_changes\"{},\n{}}}\n",
        changes.trim_end().trim_end_matches('}'),
        head.trim_end()
            .trim_end_matches(',')
            .trim_start_matches('{')
    );
    let sorted_dir = dir.join("sorted");
    std::fs::create_dir_all(&sorted_dir).unwrap();
    std::fs::write(sorted_dir.join("plan.json"), &reordered).unwrap();
    let results = failing_pools(&sorted_dir, None);
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(
        results[0]["resource"]["address"],
        "google_container_node_pool.apps"
    );

    // The page reads 32 MiB of any input, and says where a larger plan is read.
    // A plan over the command line's own limit (here one of 33 MiB) is refused with advice of
    // its own.
    let inputs = [gkecheck::Input::new("plan.json", plan)];
    let refused = |options: &gkecheck::Options| {
        let report = gkecheck::check(&inputs, options);
        report.inputs[0].error.as_ref().unwrap().message.clone()
    };
    let page = refused(&gkecheck::Options::default());
    assert!(page.contains("expected at most 32 MiB, found "), "{page}");
    assert!(page.contains("reads a plan of up to 512 MiB"), "{page}");
    let cli = refused(&gkecheck::Options {
        max_plan_bytes: Some(limit + (1 << 20)),
        ..gkecheck::Options::default()
    });
    assert!(cli.contains("expected at most 33 MiB, found "), "{cli}");
    assert!(
        cli.contains("check the plans of smaller root modules"),
        "{cli}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_input_gets_a_located_error_not_a_crash() {
    let deep_json = "[".repeat(200_000);
    let out = gkecheck(&["check", "--format=json"], Some(deep_json.as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    let e = &json(&out)["inputs"][0]["error"];
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("at most 256 levels"),
        "{e}"
    );
    assert_eq!(e["column"], 257);

    let deep_hcl = format!(
        "resource \"google_container_cluster\" \"c\" {{\n  x = {}\n}}\n",
        "[".repeat(200_000)
    );
    let out = gkecheck(
        &["check", "--format=json", "--input-format=terraform"],
        Some(deep_hcl.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2));
    let e = &json(&out)["inputs"][0]["error"];
    assert!(e["message"].as_str().unwrap().contains("nested"), "{e}");
    assert_eq!(e["line"], 2);

    // JSON over the page's 32 MiB is read in parts, up to a million values.
    let huge = format!("[{}]", "0,".repeat(25 * 1024 * 1024) + "0");
    let out = gkecheck(&["check", "--format=json"], Some(huge.as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    let e = &json(&out)["inputs"][0]["error"];
    assert_eq!(
        e["message"],
        "expected at most 1000000 values in one input (gkecheck's limit): split the input"
    );
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(1), Some(2_000_003))
    );
    // Anything else over it is refused: here YAML that is not gcloud's, and Terraform.
    for huge in [
        "- 0\n".repeat(9 * 1024 * 1024),
        "resource \"google_container_cluster\" \"c\" {}\n".repeat(800_000),
    ] {
        let out = gkecheck(&["check", "--format=json"], Some(huge.as_bytes()));
        assert_eq!(out.status.code(), Some(2));
        let e = &json(&out)["inputs"][0]["error"];
        let message = e["message"].as_str().unwrap();
        assert!(message.contains("expected at most 32 MiB"), "{e}");
    }

    let out = gkecheck(&["check"], Some(&[0xff, 0xfe, b'{']));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected UTF-8 text"));
}

#[test]
fn yaml_and_terminal_pastes_are_read() {
    let yaml = "name: prod\nnodePools:\n- name: apps\n  config:\n    workloadMetadataConfig:\n      mode: GCE_METADATA\n";
    let out = gkecheck(&["check", "--output-format", "full"], Some(yaml.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--> <stdin>:6:13"), "{text}");

    let paste = format!("$ gcloud container clusters describe prod\nWARNING: a message\n{yaml}");
    let out = gkecheck(
        &["check", "--select", IDENTITY, "--format=json"],
        Some(paste.as_bytes()),
    );
    let report = json(&out);
    assert_eq!(report["inputs"][0]["format"], "terminal");
    // GKE001 and GKE005 for the pool (no service account: the default one), GKE002.
    assert_eq!(report["summary"]["fail"], 3);
}

#[test]
fn script_orders_the_gcloud_fixes_and_is_valid_bash() {
    let out = gkecheck(
        &["check", "--select", IDENTITY, "--format", "script", "-"],
        Some(EXPOSED.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.starts_with("#!/usr/bin/env bash\n"));
    assert!(script.contains("\nset -euo pipefail\n"));
    let cluster = script.find("\ngcloud container clusters update prod --location=europe-west1 --project=acme --workload-pool=acme.svc.id.goog\n").expect("the cluster command, live: it is safe");
    let identities = script
        .find("# 2. Map each workload to its own identity")
        .expect("the workloads' identities, before the pools change");
    let pool = script
        .find("\n# gcloud container node-pools update apps --cluster=prod")
        .expect("the pool command, commented out: it recreates the nodes");
    let verify = script.find("# 4. Verify").expect("the verification");
    assert!(
        cluster < identities && identities < pool && pool < verify,
        "{script}"
    );
    // The pool's warning stands right above its command.
    let warning = script[..pool]
        .rfind("# WARNING: GKE001")
        .expect("its warning");
    assert!(!script[warning..pool].contains("\n\n"), "{script}");
    assert!(
        script[warning..pool].contains("recreates its nodes"),
        "{script}"
    );
    assert!(script.contains(
        "roles/iam.workloadIdentityUser --member=\"serviceAccount:acme.svc.id.goog[NS/KSA]\""
    ));
    // Only the safe update runs; everything else is a comment.
    let commands: Vec<&str> = script
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let dir = temp_dir("script");
    let path = dir.join("fix.sh");
    std::fs::write(&path, &script).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(syntax.success());

    // With every rule: what needs a person's value (a CIDR block) or a replacement pool is a
    // comment under "By hand", never a command that runs.
    let out = gkecheck(
        &["check", "--format", "script", "-"],
        Some(EXPOSED.as_bytes()),
    );
    let script = String::from_utf8(out.stdout).unwrap();
    let by_hand = script
        .find("By hand: each needs")
        .expect("the by-hand section");
    assert!(script[by_hand..].contains("#     gcloud container clusters update prod --location=europe-west1 --project=acme --enable-master-authorized-networks --master-authorized-networks=CIDR\n"), "{script}");
    let replacements = script
        .find("Replacement pools: one per pool")
        .expect("the replacement pools");
    assert_eq!(
        script[replacements..]
            .matches("# gcloud container node-pools create apps-v2")
            .count(),
        1,
        "{script}"
    );
    for line in script
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        assert!(
            line == "set -euo pipefail"
                || line.starts_with("gcloud container clusters update ")
                || line.starts_with("gcloud container node-pools update "),
            "{line}"
        );
        // Only in-place, safe changes run.
        assert!(
            !line.contains("--enable-private")
                && !line.contains("--binauthz")
                && !line.contains("network-policy")
                && !line.contains("--workload-metadata"),
            "{line}"
        );
        assert!(
            !line.contains("=CIDR") && !line.contains("=KEY") && !line.contains("YOUR_DOMAIN"),
            "{line}"
        );
    }
    std::fs::write(&path, &script).unwrap();
    assert!(Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap()
        .success());

    // Without a selfLink the project and location are placeholders: nothing with them runs.
    let bare = "{\"name\": \"prod\", \"nodePools\": [{\"name\": \"apps\", \"config\": {}}]}";
    let out = gkecheck(&["check", "--format", "script", "-"], Some(bare.as_bytes()));
    let script = String::from_utf8(out.stdout).unwrap();
    let commands: Vec<&str> = script
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert_eq!(commands, ["set -euo pipefail"], "{script}");
    assert!(script.contains("#     gcloud container clusters update prod --location=LOCATION --project=PROJECT_ID --workload-pool=PROJECT_ID.svc.id.goog\n"), "{script}");
}

#[test]
fn fix_writes_terraform_or_prints_a_diff() {
    let dir = temp_dir("fix");
    let file = dir.join("main.tf");
    let text = "# prod\nresource \"google_container_cluster\" \"prod\" {\n  name                     = \"prod\"\n  remove_default_node_pool = true\n  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n}\n\nresource \"google_container_node_pool\" \"apps\" {\n  cluster = google_container_cluster.prod.name\n  node_config {\n    service_account = \"gke-nodes@acme.iam.gserviceaccount.com\"\n    workload_metadata_config {\n      mode = \"GCE_METADATA\" # set by the old script\n    }\n  }\n}\n";
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap();

    // By default only safe fixes: changing the mode recreates the nodes, so it is left out
    // and the summary says how to include it.
    let out = gkecheck(&["fix", "--select", IDENTITY, "--diff", path], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Left out GKE001 google_container_node_pool.apps (unsafe)")
            && stderr.contains("1 unsafe fix left out")
            && stderr.contains("`gkecheck fix --unsafe-fixes` applies them"),
        "{stderr}"
    );

    let out = gkecheck(
        &[
            "fix",
            "--select",
            IDENTITY,
            "--unsafe-fixes",
            "--diff",
            path,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("-      mode = \"GCE_METADATA\" # set by the old script\n+      mode = \"GKE_METADATA\" # set by the old script\n"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "--diff writes nothing"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Would fix")
            && stderr.contains("(unsafe)")
            && stderr
                .contains("Consequence: Changing a node pool's metadata mode recreates its nodes"),
        "{stderr}"
    );

    let out = gkecheck(&["fix", "--select", IDENTITY, "--unsafe-fixes", path], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text.replace("GCE_METADATA", "GKE_METADATA")
    );
    let again = gkecheck(&["fix", "--select", IDENTITY, "--unsafe-fixes", path], None);
    assert!(String::from_utf8(again.stderr)
        .unwrap()
        .contains("0 fixes changed 0 files; 0 not fixed"));

    // A path named like a command is a path.
    let named = dir.join("fix");
    std::fs::write(&named, text).unwrap();
    let out = gkecheck(
        &["check", "--format", "json", named.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&named).unwrap(),
        text,
        "check never writes"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["inputs"][0]["name"], named.to_str().unwrap());
}

#[test]
fn waivers_from_a_config_file_found_upward_or_named() {
    let dir = temp_dir("waivers");
    let nested = dir.join("live/prod");
    std::fs::create_dir_all(&nested).unwrap();
    let input = nested.join("cluster.json");
    std::fs::write(&input, EXPOSED).unwrap();
    std::fs::write(
        dir.join(".gkecheck.toml"),
        "[[ignore]]\nrule = \"GKE001\"\nresource = \"apps\"\nreason = \"moves to its own pool in Q1\"\nuntil = \"2999-01-01\"\n\n[[ignore]]\nrule = \"workload-identity-disabled\"\nresource = \"prod\"\nreason = \"retired cluster\"\n",
    )
    .unwrap();
    let out = gkecheck(
        &[
            "check",
            "--select",
            IDENTITY,
            "--output-format",
            "full",
            input.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "SUPPRESSED GKE001 workload-metadata-not-hardened: node pool apps (cluster prod) at"
        ),
        "{text}"
    );
    assert!(
        text.contains("waived by .gkecheck.toml, until 2999-01-01: moves to its own pool in Q1"),
        "{text}"
    );
    assert!(
        text.ends_with("0 failing, 4 passing, 0 unknown, 2 suppressed in 1 input\n"),
        "{text}"
    );

    let other = dir.join("other.toml");
    std::fs::write(&other, "[[ignore]]\nrule = \"GKE001\"\nresource = \"apps\"\nreason = \"old\"\nuntil = \"2000-01-01\"\n").unwrap();
    let out = gkecheck(
        &[
            "check",
            "--format=json",
            "--config",
            other.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["waivers"][0]["expired"], true);
    let gke001 = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "GKE001")
        .unwrap();
    assert!(gke001["message"]
        .as_str()
        .unwrap()
        .starts_with("The waiver at .gkecheck.toml ended on 2000-01-01"));

    std::fs::write(&other, "[[ignore]]\nrule = \"GKE001\"\n").unwrap();
    let out = gkecheck(
        &[
            "check",
            "--config",
            other.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected [[ignore]] entries"));
}

#[test]
fn rules_explain_select_ignore_severity_and_fail_on() {
    let out = gkecheck(&["rules", "--format", "json"], None);
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules[0]["id"], "GKE001");
    assert_eq!(rules[0]["peers"][0], "CKV_GCP_69");
    let out = gkecheck(&["explain", "workload-identity-disabled"], None);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("# GKE002 workload-identity-disabled\n"));
    assert_eq!(
        gkecheck(&["explain", "GKE999"], None).status.code(),
        Some(64)
    );

    let run = |args: &[&str]| {
        // Passing results too: what `--ignore` leaves is listed whatever its status.
        let mut all = vec!["check", "--format=json", "--show-passing"];
        all.extend_from_slice(args);
        all.push("-");
        let out = gkecheck(&all, Some(EXPOSED.as_bytes()));
        (out.status.code(), json(&out))
    };
    let (_, report) = run(&["--select", "GKE002"]);
    assert_eq!(report["results"].as_array().unwrap().len(), 1);
    let (_, report) = run(&["--ignore", "workload-identity-disabled,GKE001"]);
    let left: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(
        !left.contains(&"GKE001") && !left.contains(&"GKE002"),
        "{left:?}"
    );
    for kept in ["GKE005", "GKE008", "GKE016", "GKE032"] {
        assert!(left.contains(&kept), "{left:?}");
    }
    let (code, report) = run(&[
        "--select",
        IDENTITY,
        "--severity",
        "GKE001=low",
        "--severity",
        "GKE002=medium",
        "--fail-on",
        "high",
    ]);
    let gke001 = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "GKE001")
        .unwrap();
    assert_eq!(gke001["severity"], "low");
    assert_eq!(code, Some(0), "nothing high or critical fails");
    let (code, _) = run(&[
        "--select",
        IDENTITY,
        "--severity",
        "GKE002=medium",
        "--fail-on",
        "medium",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        gkecheck(&["check", "--select", "GKE042"], Some(b"{}"))
            .status
            .code(),
        Some(64)
    );
    assert_eq!(
        gkecheck(&["check", "--fail-on", "urgent"], Some(b"{}"))
            .status
            .code(),
        Some(64)
    );
}

#[test]
fn the_readme_example_shows_the_chain_with_its_iam_policy() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cluster = root.join("www/examples/vulnerable-cluster.json");
    let policy = root.join("www/examples/vulnerable-iam-policy.json");
    let out = gkecheck(
        &[
            "check",
            "--output-format",
            "full",
            cluster.to_str().unwrap(),
            policy.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    // The answer, then the critical chain before every other finding.
    let first = text.lines().nth(2).unwrap_or_default();
    assert!(text.starts_with("Workload metadata, cluster shop-prod: 0 of 2 node pools run the GKE metadata server; 2 expose the node's token: default-pool, batch.\n\n"), "{text}");
    assert_eq!(first, "FAIL GKE033 node-token-takes-the-project [critical]: node pool default-pool (cluster shop-prod)", "{text}");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains(
        "token; that token is 104920562731-compute@developer.gserviceaccount.com's, which holds"
    ));
    assert!(text.contains("that token is 104920562731-compute@developer.gserviceaccount.com's, which holds roles/editor in the project"));
}

/// A reader that goes away (`gkecheck rules | head -1`) ends the program quietly, not with a
/// panic.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    for args in [&["rules"][..], &["explain", "GKE015"], &["check", "-"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gkecheck"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the program writes anything.
        drop(child.stdout.take());
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(EXPOSED.as_bytes());
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.status.code().is_some(), "{args:?}: ended by a signal");
    }
}

/// 1,100 clusters over the page's limit (each with 32 KB of description), the last one's pool
/// exposing the node's token: written in `dir` as `name`, `cluster(i, mode)` giving each; the
/// file's path, its text, and the GKE001 report of checking it (which must fail only that pool).
fn over_the_limit(
    dir: &std::path::Path,
    name: &str,
    cluster: impl Fn(usize, &str, &str) -> String,
) -> (String, String, serde_json::Value) {
    std::fs::create_dir_all(dir).unwrap();
    let padding = "é".repeat(16_000);
    let text: String = (0..1_100)
        .map(|i| {
            let mode = if i == 1_099 {
                "GCE_METADATA"
            } else {
                "GKE_METADATA"
            };
            cluster(i, mode, &padding)
        })
        .collect();
    assert!(text.len() > 33 << 20);
    let file = dir.join(name);
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap().to_string();
    let out = gkecheck(&["check", "--format=json", "--select=GKE001", &path], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(report["inputs"][0]["name"], path.as_str());
    assert!(report["inputs"][0]["error"].is_null());
    assert_eq!(report["headline"].as_array().unwrap().len(), 1_100);
    let failing = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "fail")
        .count();
    assert_eq!(failing, 1);
    (path, text, report)
}

/// The failing result's location.
fn failing_location(report: &serde_json::Value) -> &serde_json::Value {
    let failing = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "fail");
    &failing.unwrap()["location"]
}

#[test]
fn json_over_the_page_limit_is_checked_in_parts() {
    let dir = temp_dir("stream");
    // One cluster a line: 35 MB.
    let (path, text, report) = over_the_limit(&dir, "org-export.json", |i, mode, padding| {
        format!("{{\"description\": \"{padding}\", \"name\": \"c{i}\", \"location\": \"eu\", \"currentMasterVersion\": \"1.30\", \"workloadIdentityConfig\": {{\"workloadPool\": \"p.svc.id.goog\"}}, \"nodePools\": [{{\"name\": \"pool\", \"config\": {{\"workloadMetadataConfig\": {{\"mode\": \"{mode}\"}}}}}}]}}\n")
    });
    let path = path.as_str();
    // The place in the file itself: its last line, past the long description.
    let location = failing_location(&report);
    let line = text.lines().nth(1_099).unwrap();
    let mode = line.find("\"GCE_METADATA\"").unwrap();
    assert_eq!(location["line"], 1_100);
    assert_eq!(
        location["column"].as_u64().unwrap() as usize,
        line[..mode].chars().count() + 1
    );
    let before: usize = text
        .lines()
        .take(1_099)
        .map(|l| l.chars().count() + 1)
        .sum();
    assert_eq!(
        location["offset"].as_u64().unwrap() as usize,
        before + line[..mode].chars().count()
    );
    assert_eq!(report["summary"]["pass"], 1_099);
    // The text output too; the same from standard input.
    let out = gkecheck(&["check", "--select=GKE001", path], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let column = line[..mode].chars().count() + 1;
    let finding =
        format!("{path}:1100:{column}: GKE001 [high] fail node pool pool (cluster c1099)");
    assert!(
        stdout.contains(&finding),
        "{}",
        &stdout[stdout.len().saturating_sub(2000)..]
    );
    // The full output frames the failing value from the file's own line, read again.
    let out = gkecheck(&["check", "--select=GKE001", "--format=full", path], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let frame = stdout
        .lines()
        .skip_while(|l| !l.contains("--> "))
        .take(4)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        frame.contains(" 1100 | ")
            && frame.contains("\"mode\": \"GCE_METADATA\"")
            && frame.contains("^^^^"),
        "{frame}"
    );
    let piped = gkecheck(
        &["check", "--select=GKE001", "--format=json"],
        Some(text.as_bytes()),
    );
    let piped = json(&piped);
    assert_eq!(piped["inputs"][0]["name"], "<stdin>");
    // Standard input was copied to a file to be read in parts; the file is gone.
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("gkecheck-stdin-")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        piped["results"],
        report["results"]
            .to_string()
            .replace(path, "<stdin>")
            .parse::<serde_json::Value>()
            .unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn yaml_over_the_page_limit_is_checked_in_parts() {
    let dir = temp_dir("stream-yaml");
    // As `gcloud container clusters list --format=yaml` writes them: 35 MB.
    let (_, text, report) = over_the_limit(&dir, "clusters.yaml", |i, mode, padding| {
        let marker = if i > 0 { "---\n" } else { "" };
        format!("{marker}description: {padding}\nname: c{i}\nlocation: eu\ncurrentMasterVersion: '1.30'\nnodePools:\n- name: pool\n  config:\n    workloadMetadataConfig:\n      mode: {mode}\nworkloadIdentityConfig:\n  workloadPool: p.svc.id.goog\n")
    });
    assert_eq!(report["inputs"][0]["format"], "gcloud-yaml");
    // The last document's mode, 12 lines a document before it, after its marker line.
    let line = 1_099 * 12 + 9;
    assert_eq!(
        text.lines().nth(line - 1).unwrap(),
        "      mode: GCE_METADATA"
    );
    assert_eq!(failing_location(&report)["line"], line);
    assert_eq!(failing_location(&report)["column"], 13);
    std::fs::remove_dir_all(&dir).unwrap();
}
