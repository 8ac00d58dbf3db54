//! The rule docs in docs/rules are generated from the rules' own files and must not go stale.

use std::path::Path;

use gkecheck::render::{rule_doc, rules_index};
use gkecheck::rules::RULES;

#[test]
fn rule_docs_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut expected = vec![("README.md".to_string(), rules_index())];
    expected.extend(RULES.iter().map(|r| (format!("{}.md", r.id), rule_doc(r))));
    for (file, text) in &expected {
        let on_disk = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            on_disk == *text,
            "docs/rules/{file} is stale or missing: run `cargo xtask docs` and commit the result"
        );
    }
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        files,
        expected.len(),
        "docs/rules holds a file no rule makes"
    );
}

/// Every rule carries the metadata the docs, the JSON and the page show: a known category,
/// distinct ids and names in order, and docs that say what, why and how to fix.
#[test]
fn rule_metadata_is_complete() {
    const CATEGORIES: &[&str] = &[
        "node-identity",
        "access-control",
        "control-plane",
        "network",
        "nodes",
        "workloads",
        "observability",
        "encryption",
        "drift",
    ];
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let sorted = {
        let mut s = ids.clone();
        s.sort();
        s
    };
    assert_eq!(ids, sorted, "RULES are listed in id order");
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "rule ids are distinct");
    let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), RULES.len(), "rule names are distinct");
    for r in RULES {
        assert!(
            CATEGORIES.contains(&r.category),
            "{}: category {}",
            r.id,
            r.category
        );
        for (field, text) in [
            ("title", r.title),
            ("what", r.what),
            ("why", r.why),
            ("fix", r.fix),
        ] {
            assert!(text.len() > 20, "{}: {field} says too little", r.id);
        }
        assert!(!r.examples.is_empty(), "{}: no examples", r.id);
        assert!(
            !r.differs.ends_with(' ') && (r.differs.is_empty() || r.differs.ends_with('.')),
            "{}: differs is one sentence",
            r.id
        );
    }
}
