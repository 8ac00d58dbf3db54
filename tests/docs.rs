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
