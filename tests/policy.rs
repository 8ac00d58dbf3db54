//! `gkecheck policy`: the constraints parse as the YAML and Terraform they claim to be, stay
//! within the Organization Policy Service's limits, and deny exactly what the rules fail. Each
//! condition is evaluated with a CEL interpreter on the API form of every cluster and node pool
//! in the rules' own examples and the project's gcloud fixtures (the JSON the API returns, where
//! unset fields are left out), against gkecheck's own verdict on the same object; where a
//! constraint denies more than the rule fails, its description says so.

mod common;

use cel_interpreter::{Context, Program, Value as Cel};
use gkecheck::policy::CONSTRAINTS;
use gkecheck::report::Status;
use serde_json::Value;

fn denies(program: &Program, resource: &Value) -> bool {
    let mut context = Context::default();
    context.add_variable("resource", resource.clone()).unwrap();
    match program.execute(&context) {
        Ok(Cel::Bool(b)) => b,
        other => panic!("the condition did not give a boolean on {resource}: {other:?}"),
    }
}

/// Clusters in API form: the rules' gcloud-json examples and the project's gcloud fixtures.
fn clusters() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut add = |source: String, doc: Value| {
        let list = match &doc {
            Value::Array(items) => items.clone(),
            Value::Object(o) if o.contains_key("clusters") => {
                doc["clusters"].as_array().cloned().unwrap_or_default()
            }
            Value::Object(o) if o.contains_key("name") && !o.contains_key("config") => {
                vec![doc.clone()]
            }
            _ => vec![],
        };
        for c in list.into_iter().filter(|c| c.get("name").is_some()) {
            out.push((source.clone(), c));
        }
    };
    for rule in gkecheck::rules::RULES {
        for (i, e) in rule.examples.iter().enumerate() {
            if e.format == "gcloud-json" {
                if let Ok(doc) = serde_json::from_str::<Value>(e.input) {
                    add(format!("{} example {i}", rule.id), doc);
                }
            }
        }
    }
    for dir in ["tests/fixtures/gcloud", "www/examples"] {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let doc: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                add(path.display().to_string(), doc);
            }
        }
    }
    out
}

#[test]
fn each_constraint_denies_what_its_rule_fails() {
    let all = clusters();
    assert!(all.len() >= 20, "{} clusters to judge", all.len());
    let mut judged = 0;
    for c in CONSTRAINTS {
        let program = Program::compile(c.condition).unwrap_or_else(|e| panic!("{}: {e:?}", c.id));
        let (mut denied_failing, mut allowed_passing) = (0, 0);
        for (source, cluster) in &all {
            let report = common::check_with(c.rule, &[("cluster.json", &cluster.to_string())]);
            let pools: Vec<&Value> = cluster["nodePools"]
                .as_array()
                .map(|p| p.iter().collect())
                .unwrap_or_default();
            let mut cases: Vec<(String, &Value, Option<Status>)> = Vec::new();
            if c.resource == "Cluster" {
                let statuses: Vec<Status> = report.results.iter().map(|r| r.status).collect();
                let status = if statuses.contains(&Status::Unknown) {
                    None
                } else if statuses.contains(&Status::Fail) {
                    Some(Status::Fail)
                } else if statuses.is_empty() {
                    None
                } else {
                    Some(Status::Pass)
                };
                cases.push((format!("{source}: cluster"), cluster, status));
            } else {
                for pool in pools {
                    let name = pool["name"].as_str().unwrap_or("");
                    let status = report
                        .results
                        .iter()
                        .find(|r| r.resource.kind == "node-pool" && &*r.resource.name == name)
                        .map(|r| r.status)
                        .filter(|s| *s != Status::Unknown);
                    cases.push((format!("{source}: pool {name}"), pool, status));
                }
            }
            for (what, resource, status) in cases {
                let Some(status) = status else { continue };
                judged += 1;
                let denied = denies(&program, resource);
                match status {
                    Status::Fail => {
                        assert!(denied, "{} allows what {} fails: {what}\n{resource}", c.id, c.rule);
                        denied_failing += 1;
                    }
                    _ if denied => assert!(
                        !c.stricter.is_empty(),
                        "{} denies what {} passes, and its description says of no such case: {what}\n{resource}",
                        c.id,
                        c.rule
                    ),
                    _ => allowed_passing += 1,
                }
            }
        }
        assert!(
            denied_failing > 0,
            "{}: no failing fixture was denied",
            c.id
        );
        assert!(
            allowed_passing > 0,
            "{}: no passing fixture was allowed",
            c.id
        );
    }
    assert!(judged > 50, "{judged} cases");
}

#[test]
fn the_yaml_is_what_gcloud_org_policies_takes() {
    let out = common::gkecheck(
        &[
            "policy",
            "--organization",
            "123456789",
            "--parent",
            "folders/42",
        ],
        b"",
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let docs = common::yaml_docs(&text);
    let constraints: Vec<&Value> = docs
        .iter()
        .filter(|d| d["resourceTypes"].is_array())
        .collect();
    let policies: Vec<&Value> = docs.iter().filter(|d| d["spec"].is_object()).collect();
    assert_eq!(constraints.len(), CONSTRAINTS.len());
    assert_eq!(policies.len(), CONSTRAINTS.len());
    for (doc, c) in constraints.iter().zip(CONSTRAINTS) {
        let name = doc["name"].as_str().unwrap();
        let own = name
            .strip_prefix("organizations/123456789/customConstraints/")
            .unwrap();
        assert!(own.starts_with("custom.") && own.len() <= 70, "{name}");
        assert_eq!(doc["condition"].as_str().unwrap(), c.condition);
        assert!(c.condition.len() <= 1000, "{}", c.id);
        assert_eq!(doc["actionType"], "DENY");
        assert_eq!(doc["methodTypes"], serde_json::json!(["CREATE", "UPDATE"]));
        let description = doc["description"].as_str().unwrap();
        assert!(
            description.contains(c.rule) && description.len() <= 2000,
            "{description}"
        );
        if !c.stricter.is_empty() {
            assert!(
                description.contains("Stricter than the check"),
                "{description}"
            );
        }
        assert!(doc["displayName"].as_str().unwrap().len() <= 200);
    }
    for (doc, c) in policies.iter().zip(CONSTRAINTS) {
        assert_eq!(
            doc["name"].as_str().unwrap(),
            format!("folders/42/policies/custom.gkecheck{}", c.id)
        );
        assert_eq!(doc["spec"]["rules"][0]["enforce"], true);
    }
    // The rules left out are named, with why.
    for (rule, why) in gkecheck::policy::not_expressed() {
        assert!(text.contains(&format!("#   {rule}: {why}")), "{rule}");
    }
}

#[test]
fn the_terraform_parses_and_names_each_constraint() {
    let out = common::gkecheck(
        &[
            "policy",
            "--format",
            "terraform",
            "--organization",
            "123456789",
        ],
        b"",
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let body = hcl_edit::parser::parse_body(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let constraints: Vec<_> = body
        .get_blocks("resource")
        .filter(|b| b.labels[0].as_str() == "google_org_policy_custom_constraint")
        .collect();
    assert_eq!(constraints.len(), CONSTRAINTS.len());
    for (block, c) in constraints.iter().zip(CONSTRAINTS) {
        let condition = block.body.get_attribute("condition").unwrap();
        let hcl_edit::expr::Expression::String(s) = &condition.value else {
            panic!("condition is not a plain string");
        };
        assert_eq!(s.value().as_str(), c.condition);
    }
    assert_eq!(
        body.get_blocks("resource")
            .filter(|b| b.labels[0].as_str() == "google_org_policy_policy")
            .count(),
        CONSTRAINTS.len()
    );
}

#[test]
fn ids_and_parents_are_checked_so_that_what_is_written_parses() {
    use gkecheck::policy::{organization, parent, write};
    // Refused, each saying what was expected: nothing that could break out of a YAML scalar or a
    // Terraform string (quotes, interpolation, newlines) reaches the output.
    for bad in [
        "",
        "x\"y",
        "12 34",
        "12\n34",
        "${var.org}",
        "organizations/12",
        "-1",
    ] {
        let e = organization(bad).unwrap_err();
        assert!(
            e.starts_with("expected an organization's numeric id"),
            "{bad:?}: {e}"
        );
    }
    for bad in [
        "",
        "12",
        "folders/",
        "folders/${evil}",
        "folders/abc",
        "projects/My-Project",
        "projects/p\"",
        "projects/p-",
        "projects/a b",
        "organizations/ORGANIZATION_ID/x",
        "billingAccounts/12",
    ] {
        let e = parent(bad).unwrap_err();
        assert!(
            e.starts_with("expected organizations/ID, folders/ID or projects/"),
            "{bad:?}: {e}"
        );
    }
    assert!(write("json", "12", None)
        .unwrap_err()
        .contains("yaml or terraform"));
    // Accepted, and what is written parses as the format it claims, naming them.
    for (org, at) in [
        ("123456789012", None),
        ("ORGANIZATION_ID", None),
        ("12", Some("folders/345")),
        ("12", Some("projects/my-project-1")),
        ("12", Some("projects/987654321")),
        ("12", Some("projects/example.com:my-project")),
        (" 12 ", Some(" organizations/12 ")),
    ] {
        let expected_parent = at.map_or(format!("organizations/{}", org.trim()), |p| {
            p.trim().to_string()
        });
        let yaml = write("yaml", org, at).unwrap();
        let docs = common::yaml_docs(&yaml);
        assert_eq!(docs.len(), 2 * CONSTRAINTS.len(), "{org} {at:?}");
        assert!(docs
            .iter()
            .filter(|d| d["spec"].is_object())
            .all(|d| d["name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{expected_parent}/policies/"))));
        let tf = write("terraform", org, at).unwrap();
        let body = hcl_edit::parser::parse_body(&tf).unwrap_or_else(|e| panic!("{e}\n{tf}"));
        let parents: Vec<String> = body
            .get_blocks("resource")
            .filter(|b| b.labels[0].as_str() == "google_org_policy_policy")
            .map(|b| match &b.body.get_attribute("parent").unwrap().value {
                hcl_edit::expr::Expression::String(s) => s.value().to_string(),
                other => panic!("parent is not a plain string: {other:?}"),
            })
            .collect();
        assert_eq!(parents, vec![expected_parent; CONSTRAINTS.len()]);
    }
}

#[test]
fn the_command_line_refuses_a_malformed_id_as_a_usage_error() {
    for args in [
        &["policy", "--organization", "x\"y"][..],
        &[
            "policy",
            "--organization",
            "12",
            "--parent",
            "folders/${evil}",
        ][..],
    ] {
        let out = common::gkecheck(args, b"");
        assert_eq!(out.status.code(), Some(64), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("expected "));
    }
}
