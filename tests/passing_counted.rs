//! Passing results counted, not listed (`Options::passing_counted_only`, which the command line
//! uses for outputs that show only what fails, and the page while it hides passing results):
//! the same report in every other respect, so the same text, SARIF and script. Likewise
//! remediation left out (`Options::without_remediation`) for the outputs that do not show it.

use gkecheck::render::TextOptions;
use gkecheck::report::Status;
use gkecheck::{check, Input, Options};

fn inputs_of(dir: &str) -> Vec<Input> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            Input::new(
                p.strip_prefix(root).unwrap().to_string_lossy(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn counting_passing_results_changes_nothing_else() {
    let mut cases: Vec<Vec<Input>> = inputs_of("www/examples")
        .into_iter()
        .map(|i| vec![i])
        .collect();
    cases.push(inputs_of("www/examples"));
    cases.push(inputs_of("tests/fixtures/gcloud"));
    cases.push(inputs_of("tests/fixtures/terraform/tutorial"));
    cases.push(inputs_of("tests/fixtures/terraform/hardened"));
    cases.push(inputs_of("tests/fixtures/plans"));
    cases.push(vec![Input::new(
        "waived.tf",
        "resource \"google_container_node_pool\" \"p\" {\n  # gkecheck:ignore GKE001 reason: migrating next sprint\n  name    = \"p\"\n  cluster = \"c\"\n}\n",
    )]);
    let mut with_passing = 0;
    let count = cases.len();
    for inputs in cases {
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        let all = check(&inputs, &Options::default());
        let counted = check(
            &inputs,
            &Options {
                passing_counted_only: true,
                ..Options::default()
            },
        );
        assert!(all.passing_listed && !counted.passing_listed);
        // Every listed result says something: the messages the rules leave unmade while
        // passing results are only counted are never ones a report lists.
        for r in all.results.iter().chain(&counted.results) {
            assert!(
                !r.message.is_empty(),
                "{names:?}: {} on {}",
                r.rule,
                r.resource.address
            );
        }
        let failing: Vec<_> = all
            .results
            .iter()
            .filter(|r| r.status != Status::Pass)
            .cloned()
            .collect();
        assert_eq!(counted.results, failing, "{names:?}");
        with_passing += usize::from(all.summary.pass > 0);
        assert_eq!(counted.summary, all.summary, "{names:?}");
        assert_eq!(counted.headline, all.headline, "{names:?}");
        // Each headline counts its cluster's passing results, listed or not.
        assert_eq!(
            all.headline.iter().map(|h| h.passing).sum::<usize>(),
            all.summary.pass,
            "{names:?}"
        );
        for h in all.headline.iter().filter(|h| h.cluster.is_some()) {
            let name = h.cluster.as_deref();
            let listed = all
                .results
                .iter()
                .filter(|r| r.status == Status::Pass)
                .filter(|r| {
                    let cluster = if r.resource.kind == "cluster" {
                        Some(&*r.resource.name)
                    } else {
                        r.resource.cluster.as_deref()
                    };
                    cluster == name
                })
                .count();
            if all
                .headline
                .iter()
                .filter(|o| o.cluster.as_deref() == name)
                .count()
                == 1
            {
                assert_eq!(h.passing, listed, "{names:?} {name:?}");
            }
        }
        assert_eq!(counted.inputs, all.inputs, "{names:?}");
        assert_eq!(counted.waivers, all.waivers, "{names:?}");
        let text = TextOptions {
            show_passing: false,
            color: false,
        };
        assert_eq!(
            gkecheck::render::concise(&counted, &text),
            gkecheck::render::concise(&all, &text)
        );
        assert_eq!(
            gkecheck::render::full(&counted, &inputs, &text),
            gkecheck::render::full(&all, &inputs, &text)
        );
        assert_eq!(
            gkecheck::script::script(&counted),
            gkecheck::script::script(&all)
        );
        assert_eq!(
            gkecheck::formats::sarif(&counted, &inputs, &Options::default(), "0", None),
            gkecheck::formats::sarif(&all, &inputs, &Options::default(), "0", None)
        );
        assert_eq!(
            gkecheck::formats::github(&counted),
            gkecheck::formats::github(&all)
        );
        assert_eq!(
            gkecheck::formats::gitlab(&counted),
            gkecheck::formats::gitlab(&all)
        );
        // Without remediation, as the outputs that do not show it ask: the same output.
        let bare = check(
            &inputs,
            &Options {
                passing_counted_only: true,
                without_remediation: true,
                ..Options::default()
            },
        );
        assert!(bare.results.iter().all(|r| r.remediation.is_none()));
        assert_eq!(bare.results.len(), counted.results.len(), "{names:?}");
        assert_eq!(
            gkecheck::render::concise(&bare, &text),
            gkecheck::render::concise(&all, &text)
        );
        assert_eq!(
            gkecheck::formats::sarif(&bare, &inputs, &Options::default(), "0", None),
            gkecheck::formats::sarif(&all, &inputs, &Options::default(), "0", None)
        );
        assert_eq!(
            gkecheck::formats::github(&bare),
            gkecheck::formats::github(&all)
        );
        assert_eq!(
            gkecheck::formats::gitlab(&bare),
            gkecheck::formats::gitlab(&all)
        );
        // Remediation on request, as the page asks: each finding as it was, its remediation
        // left out and marked, and nothing else of the report changed.
        let on_request = check(
            &inputs,
            &Options {
                passing_counted_only: true,
                remediation_on_request: true,
                ..Options::default()
            },
        );
        assert_eq!(on_request.results.len(), counted.results.len(), "{names:?}");
        for (asked, whole) in on_request.results.iter().zip(&counted.results) {
            assert!(asked.remediation.is_none(), "{names:?}");
            assert_eq!(
                asked.remediation_on_request,
                whole.remediation.is_some(),
                "{names:?}"
            );
            let back = gkecheck::report::Finding {
                remediation: whole.remediation.clone(),
                remediation_on_request: false,
                ..asked.clone()
            };
            assert_eq!(&back, whole, "{names:?}");
        }
        assert!(counted.results.iter().all(|r| !r.remediation_on_request));
        assert_eq!(on_request.summary, counted.summary, "{names:?}");
        assert_eq!(on_request.headline, counted.headline, "{names:?}");
        assert_eq!(on_request.inputs, counted.inputs, "{names:?}");
        assert_eq!(on_request.waivers, counted.waivers, "{names:?}");
        let json = serde_json::to_string(&on_request).unwrap();
        assert_eq!(
            json.matches("\"remediation_on_request\":true").count(),
            counted
                .results
                .iter()
                .filter(|r| r.remediation.is_some())
                .count(),
            "{names:?}"
        );
        assert!(!serde_json::to_string(&counted)
            .unwrap()
            .contains("remediation_on_request"));
        // What the page then asks for a finding's remediation: a check of its rule alone
        // gives the same finding, with the same remediation.
        for rule in on_request
            .results
            .iter()
            .filter(|r| r.remediation_on_request)
            .map(|r| r.rule)
        {
            let alone = check(
                &inputs,
                &Options {
                    passing_counted_only: true,
                    select: vec![rule.to_string()],
                    ..Options::default()
                },
            );
            let of_rule: Vec<_> = counted
                .results
                .iter()
                .filter(|r| r.rule == rule)
                .cloned()
                .collect();
            assert_eq!(alone.results, of_rule, "{names:?} {rule}");
        }
        // JUnit lists what passes too.
        let bare_listed = check(
            &inputs,
            &Options {
                without_remediation: true,
                ..Options::default()
            },
        );
        assert_eq!(
            gkecheck::formats::junit(&bare_listed),
            gkecheck::formats::junit(&all)
        );
    }
    assert!(
        with_passing + 1 >= count,
        "every case but the lone IAM policy has passing results"
    );
}

/// The command line's JSON counts passing results and lists them with `--show-passing`, as
/// every output that lists results does, and says which it did (`passing_listed`). Failing
/// results, the counts and the headline are the same either way.
#[test]
fn the_json_report_lists_passing_results_when_asked_and_says_so() {
    let run = |extra: &[&str]| -> serde_json::Value {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut args = vec![
            "check",
            "--output-format",
            "json",
            "www/examples/vulnerable-cluster.json",
        ];
        args.extend_from_slice(extra);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gkecheck"))
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let passing = |report: &serde_json::Value| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "pass")
            .count()
    };
    let counted = run(&[]);
    assert_eq!(counted["passing_listed"], false);
    assert_eq!(passing(&counted), 0);
    let listed = run(&["--show-passing"]);
    assert_eq!(listed["passing_listed"], true);
    assert!(passing(&listed) > 0);
    assert_eq!(listed["summary"]["pass"], passing(&listed));
    assert_eq!(counted["summary"], listed["summary"]);
    assert_eq!(counted["headline"], listed["headline"]);
    let not_passing = |report: &serde_json::Value| -> Vec<serde_json::Value> {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] != "pass")
            .cloned()
            .collect()
    };
    assert_eq!(not_passing(&counted), not_passing(&listed));
    assert!(!not_passing(&counted).is_empty());
}
