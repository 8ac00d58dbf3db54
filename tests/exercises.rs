//! Every scenario shipped in www/scenarios: it is listed, it reads, its starting text does not
//! already meet its goals, and its solution meets them all.

use std::path::Path;

use gkecheck::exercise::{evaluate, parse};

#[test]
fn shipped_scenarios_start_unsolved_and_their_solutions_solve_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/scenarios");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let listed: Vec<&str> = index["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != "index.json")
        .collect();
    on_disk.sort();
    assert_eq!(
        listed, on_disk,
        "index.json lists every scenario file, in order"
    );
    assert!(listed.len() >= 8, "at least 8 scenarios");
    let mut ids = std::collections::HashSet::new();
    for file in listed {
        let scenario = parse(&std::fs::read_to_string(dir.join(file)).unwrap())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            ids.insert(scenario.id.clone()),
            "{file}: the id {} is used twice",
            scenario.id
        );
        assert!(!scenario.hints.is_empty(), "{file} has no hints");
        let start = evaluate(&scenario, &scenario.input);
        assert!(
            start.error.is_none(),
            "{file}: the starting text does not read: {:?}",
            start.error
        );
        assert!(
            !start.done,
            "{file}: the starting text already meets every goal"
        );
        let solution = scenario
            .solution
            .as_deref()
            .unwrap_or_else(|| panic!("{file} has no solution"));
        let end = evaluate(&scenario, solution);
        let unmet: Vec<&str> = end
            .goals
            .iter()
            .filter(|g| !g.met)
            .map(|g| g.says.as_str())
            .collect();
        assert!(
            end.done,
            "{file}: the solution leaves goals unmet: {unmet:?} ({:?})",
            end.error
        );
    }
}
