//! Exercises for training: a scenario is a starting input, a story, and goals the learner's
//! edited text must meet. Scenarios are data files (`www/scenarios/*.json`); this judges them,
//! for the page and for the tests alike.

use serde::{Deserialize, Serialize};

use crate::input::Format;
use crate::report::Status;
use crate::{check, rules, Input, Options};

/// A scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique, stable: progress is kept under it.
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub level: String,
    /// `auto` or an input kind (`gcloud-json`, `terraform`, ...).
    #[serde(default = "auto")]
    pub format: String,
    /// The situation, for the learner.
    pub story: String,
    /// What to do.
    pub task: String,
    /// The starting text.
    pub input: String,
    pub goals: Vec<Goal>,
    /// The rules whose results the learner sees (ids or names); when empty, the rules the goals
    /// name, or every rule when they name none.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Rule ids (the hint is the rule's fix) or hints in words, shown one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// A text that meets every goal: for trainers and the tests; the page does not show it.
    #[serde(default)]
    pub solution: Option<String>,
}

fn auto() -> String {
    "auto".into()
}

/// One goal. Exactly one of `rule`, `contains` and `absent` is given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// What the goal means, for the learner.
    pub says: String,
    /// Every result of this rule (about `resource`, when given) has `status`, and there is one.
    pub rule: Option<String>,
    pub status: Option<Status>,
    pub resource: Option<String>,
    /// The text contains this.
    pub contains: Option<String>,
    /// The text does not contain this.
    pub absent: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Progress {
    pub goals: Vec<GoalState>,
    pub done: bool,
    /// The hints, in order, with rule ids replaced by the rule's fix.
    pub hints: Vec<String>,
    /// Why the text could not be read, when it could not.
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GoalState {
    pub says: String,
    pub met: bool,
}

/// Reads a scenario, saying what is wrong with it when it is not one.
pub fn parse(json: &str) -> Result<Scenario, String> {
    let scenario: Scenario =
        serde_json::from_str(json).map_err(|e| format!("not a gkecheck scenario: {e}"))?;
    for (i, goal) in scenario.goals.iter().enumerate() {
        let kinds = [
            goal.rule.is_some(),
            goal.contains.is_some(),
            goal.absent.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err(format!(
                "goal {} must have exactly one of rule, contains and absent",
                i + 1
            ));
        }
        if let Some(rule) = &goal.rule {
            if rules::find(rule).is_none() {
                return Err(format!("goal {} names an unknown rule {rule:?}", i + 1));
            }
            if goal.status.is_none() {
                return Err(format!("goal {} names a rule but no status", i + 1));
            }
        }
    }
    for rule in &scenario.rules {
        if rules::find(rule).is_none() {
            return Err(format!("rules names an unknown rule {rule:?}"));
        }
    }
    if scenario.goals.is_empty() {
        return Err("a scenario needs at least one goal".into());
    }
    Ok(scenario)
}

/// Judges `text` against the scenario's goals.
pub fn evaluate(scenario: &Scenario, text: &str) -> Progress {
    let report = check(
        &[Input {
            name: "exercise".into(),
            text: text.to_string(),
            format: Format::parse(&scenario.format),
        }],
        &Options::default(),
    );
    let error = report.inputs[0]
        .error
        .as_ref()
        .map(|e| format!("line {}, column {}: {}", e.line, e.column, e.message));
    let goals: Vec<GoalState> = scenario
        .goals
        .iter()
        .map(|goal| {
            let met = if let Some(rule) = &goal.rule {
                let id = rules::find(rule).map_or(rule.as_str(), |r| r.id);
                let results: Vec<_> = report
                    .results
                    .iter()
                    .filter(|r| r.rule == id)
                    .filter(|r| {
                        goal.resource
                            .as_ref()
                            .is_none_or(|name| *r.resource.name == **name)
                    })
                    .collect();
                error.is_none()
                    && !results.is_empty()
                    && results.iter().all(|r| Some(r.status) == goal.status)
            } else if let Some(needle) = &goal.contains {
                text.contains(needle.as_str())
            } else {
                goal.absent
                    .as_ref()
                    .is_some_and(|needle| !text.contains(needle.as_str()))
            };
            GoalState {
                says: goal.says.clone(),
                met,
            }
        })
        .collect();
    let hints = scenario
        .hints
        .iter()
        .map(|h| match rules::find(h) {
            Some(rule) => format!("{} ({}): {}", rule.id, rule.name, rule.fix),
            None => h.clone(),
        })
        .collect();
    Progress {
        done: goals.iter().all(|g| g.met),
        goals,
        hints,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"{"id": "t", "title": "T", "story": "s", "task": "t",
      "input": "{\"name\": \"c\", \"nodePools\": [{\"name\": \"p\", \"config\": {}}]}",
      "goals": [{"says": "pools hardened", "rule": "GKE001", "status": "pass"},
                {"says": "no GCE", "absent": "GCE_METADATA"}],
      "hints": ["GKE001", "Look at the pool"]}"#;

    #[test]
    fn goals_are_judged_against_the_text() {
        let s = parse(SCENARIO).unwrap();
        let start = evaluate(&s, &s.input);
        assert!(!start.done);
        assert_eq!(
            start.goals.iter().map(|g| g.met).collect::<Vec<_>>(),
            [false, true]
        );
        assert!(start.hints[0]
            .starts_with("GKE001 (workload-metadata-not-hardened): Enable Workload Identity"));
        assert_eq!(start.hints[1], "Look at the pool");
        let fixed = s.input.replace(
            "\"config\": {}",
            "\"config\": {\"workloadMetadataConfig\": {\"mode\": \"GKE_METADATA\"}}",
        );
        assert!(evaluate(&s, &fixed).done);
        let broken = evaluate(&s, "{");
        assert!(broken.error.is_some() && !broken.done);
    }

    #[test]
    fn bad_scenarios_say_what_is_wrong() {
        assert!(parse("{}").unwrap_err().contains("not a gkecheck scenario"));
        let two = SCENARIO.replace(
            r#""absent": "GCE_METADATA""#,
            r#""absent": "x", "contains": "y""#,
        );
        assert!(parse(&two).unwrap_err().contains("exactly one"));
        let unknown = SCENARIO.replace(r#""rule": "GKE001""#, r#""rule": "GKE999""#);
        assert!(parse(&unknown).unwrap_err().contains("unknown rule"));
        let shown = SCENARIO.replace(r#""hints""#, r#""rules": ["GKE001", "nope"], "hints""#);
        assert!(parse(&shown)
            .unwrap_err()
            .contains("rules names an unknown rule \"nope\""));
        let shown = SCENARIO.replace(
            r#""hints""#,
            r#""rules": ["GKE001", "legacy-abac-enabled"], "hints""#,
        );
        assert_eq!(parse(&shown).unwrap().rules.len(), 2);
    }
}
