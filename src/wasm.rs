//! The WebAssembly exports: a thin shell over `check`, exchanging JSON text with the page (the
//! inputs' texts as UTF-8 bytes). The harness's build alone also has a bridge of objects
//! (`wasm/objects.rs`, `--features bridge-objects`), which it measures against this one.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::input::Format;
use crate::{check, rules, Input, Options};

#[cfg(feature = "bridge-objects")]
mod objects;

#[wasm_bindgen]
extern "C" {
    /// Milliseconds since 1970, for waivers with an end date.
    #[wasm_bindgen(js_namespace = Date)]
    fn now() -> f64;
}

/// Reads `[{"name", "text", "format"?}, ...]` with gkecheck's own JSON reader (the engine
/// carries no second one for its arguments).
///
/// Without the `terraform` feature, an input this engine cannot read throws
/// [`crate::input::NEEDS_TERRAFORM`], and the page asks the full engine instead.
fn read_inputs(inputs_json: &str) -> Result<Vec<Input>, JsError> {
    let wrong = |why: &str| JsError::new(&format!("expected a JSON list of inputs ({why})"));
    let doc = crate::input::json::parse(inputs_json).map_err(|e| wrong(&e.message))?;
    let list = doc.as_array().ok_or_else(|| wrong("not a list"))?;
    let inputs: Vec<Input> = list
        .iter()
        .map(|spec| {
            let field = |key: &str| spec.get(key).and_then(|v| v.as_str());
            Ok(Input {
                name: field("name")
                    .ok_or_else(|| wrong("an input without a name"))?
                    .into(),
                text: field("text")
                    .ok_or_else(|| wrong("an input without a text"))?
                    .into(),
                format: field("format").and_then(Format::parse),
            })
        })
        .collect::<Result<_, JsError>>()?;
    for input in &inputs {
        readable(&input.name, &input.text, input.format)?;
    }
    Ok(inputs)
}

/// Whether this engine reads an input of this name, text and format (None: told from the
/// name and text); the page's first engine leaves Terraform configuration to the full one.
fn readable(name: &str, text: &str, format: Option<Format>) -> Result<(), JsError> {
    #[cfg(not(feature = "terraform"))]
    {
        let terraform = match format {
            Some(f) => matches!(
                f,
                Format::Terraform | Format::TerraformVars | Format::TerraformModules
            ),
            None => crate::input::is_terraform(name, text),
        };
        if terraform {
            return Err(JsError::new(crate::input::NEEDS_TERRAFORM));
        }
    }
    #[cfg(feature = "terraform")]
    let _ = (name, text, format);
    Ok(())
}

fn options() -> Options {
    Options {
        today: Some(crate::waiver::date_from_days(
            (now() / 86_400_000.0).floor() as i64,
        )),
        ..Options::default()
    }
}

/// Checks `[{"name", "text", "format"?}, ...]` and returns the report as JSON, the same
/// object `gkecheck check --format json` prints.
///
/// `options_json`, when given, is `{"passing", "remediation", "rules", "parts"}`, each member
/// optional:
/// - `passing`: "listed" (the default) or "counted", which leaves the passing results out of
///   `results` and only counts them (`passing_listed` is then false);
/// - `remediation`: "listed" (the default) or "on-request", which leaves each finding's
///   remediation out and marks the findings that have one (`remediation_on_request`);
/// - `rules`: the only rules to run, by id or name (all when absent);
/// - `parts`: a number of bytes; the report then comes as JSON lines (the report with
///   `results` empty, then arrays of the results of about that many bytes each,
///   `Report::to_json_parts`), so that a large report can be parsed a piece at a time.
#[wasm_bindgen(js_name = checkInputs)]
pub fn check_inputs(inputs_json: &str, options_json: Option<String>) -> Result<String, JsError> {
    check_read(read_inputs(inputs_json)?, options_json)
}

/// The check of `checkInputs`, `checkInputsUtf8` and `checkTexts`, once their inputs are read.
fn check_read(inputs: Vec<Input>, options_json: Option<String>) -> Result<String, JsError> {
    let (options, parts) = read_options(options_json.as_deref())?;
    let mut report = check(&inputs, &options);
    match parts {
        Some(bytes) => report.to_json_parts(bytes),
        None => crate::report::json::to_string(&report),
    }
    .map_err(|e| JsError::new(&e.to_string()))
}

/// The check's options from `checkInputs`' `options_json`, and the size of the report's parts
/// in bytes when it is to come in parts.
fn read_options(options_json: Option<&str>) -> Result<(Options, Option<usize>), JsError> {
    let mut options = options();
    let mut parts = None;
    if let Some(text) = options_json.filter(|t| !t.is_empty()) {
        let wrong = |why: &str| {
            JsError::new(&format!(
                "expected {{\"passing\", \"remediation\", \"rules\", \"parts\"}} ({why})"
            ))
        };
        let doc = crate::input::json::parse(text).map_err(|e| wrong(&e.message))?;
        options.passing_counted_only = match doc.get("passing").and_then(|v| v.as_str()) {
            None | Some("listed") => false,
            Some("counted") => true,
            Some(_) => return Err(wrong("passing is listed or counted")),
        };
        options.remediation_on_request = match doc.get("remediation").and_then(|v| v.as_str()) {
            None | Some("listed") => false,
            Some("on-request") => true,
            Some(_) => return Err(wrong("remediation is listed or on-request")),
        };
        if let Some(rules) = doc.get("rules") {
            let list = rules.as_array().ok_or_else(|| wrong("rules is a list"))?;
            options.select = list
                .iter()
                .map(|r| r.as_str().map(str::to_string))
                .collect::<Option<_>>()
                .ok_or_else(|| wrong("rules is a list of rule ids or names"))?;
        }
        parts = match doc.get("parts") {
            None => None,
            Some(v) => match count(v) {
                Some(bytes) if bytes > 0 => Some(bytes),
                Some(_) => return Err(wrong("parts is a whole number of bytes above 0")),
                None if matches!(v.kind, crate::input::json::Kind::Number(_)) => {
                    return Err(wrong("parts is a whole number of bytes above 0"))
                }
                None => return Err(wrong("parts is a number of bytes")),
            },
        };
    }
    Ok((options, parts))
}

/// A JSON number that is a whole number (0 or more).
fn count(value: &crate::input::json::Json) -> Option<usize> {
    match &value.kind {
        crate::input::json::Kind::Number(n) => n.parse::<usize>().ok(),
        _ => None,
    }
}

/// `checkInputs` with the inputs' JSON as UTF-8 bytes (`new TextEncoder().encode(json)`): the
/// same check and report. Bytes are copied into the engine at once, where a string is copied
/// a character at a time by the bindings' JavaScript (140 KB took 0.4 to 0.7 ms of a 5 ms
/// check, TextEncoder 0.01).
#[wasm_bindgen(js_name = checkInputsUtf8)]
pub fn check_inputs_utf8(inputs: &[u8], options_json: Option<String>) -> Result<String, JsError> {
    let text = std::str::from_utf8(inputs).map_err(|e| {
        JsError::new(&format!(
            "expected the inputs' JSON as UTF-8 (byte {} is not)",
            e.valid_up_to()
        ))
    })?;
    check_inputs(text, options_json)
}

/// `checkInputs` with each input's text as UTF-8 bytes, not inside JSON: `list_json` is
/// `[{"name", "format"?, "bytes"}, ...]` and `texts` the inputs' texts one after another,
/// each of its `bytes`. The same check and report. The page calls this one: a text inside
/// JSON is escaped by the page and read back by the engine, a quote and a line end at a
/// time, which took an eighth of the check of a 100 KB paste under Node.
#[wasm_bindgen(js_name = checkTexts)]
pub fn check_texts(
    list_json: &str,
    texts: &[u8],
    options_json: Option<String>,
) -> Result<String, JsError> {
    check_read(read_texts(list_json, texts)?, options_json)
}

/// Reads `checkTexts`' list and texts.
fn read_texts(list_json: &str, texts: &[u8]) -> Result<Vec<Input>, JsError> {
    let wrong = |why: &str| {
        JsError::new(&format!(
            "expected a JSON list of inputs' names and sizes ({why})"
        ))
    };
    let doc = crate::input::json::parse(list_json).map_err(|e| wrong(&e.message))?;
    let list = doc.as_array().ok_or_else(|| wrong("not a list"))?;
    let mut rest = texts;
    let mut inputs = Vec::with_capacity(list.len());
    for spec in list {
        let name = spec
            .get("name")
            .and_then(|v| v.as_str())
            .ok_or_else(|| wrong("an input without a name"))?;
        let bytes = spec
            .get("bytes")
            .and_then(count)
            .ok_or_else(|| wrong(&format!("input {name} without its size in bytes")))?;
        if bytes > rest.len() {
            return Err(wrong(&format!(
                "input {name} of {bytes} bytes, where {} are left of the texts",
                rest.len()
            )));
        }
        let (text, after) = rest.split_at(bytes);
        rest = after;
        let text = std::str::from_utf8(text).map_err(|e| {
            JsError::new(&format!(
                "expected the text of input {name} as UTF-8 (its byte {} is not)",
                e.valid_up_to()
            ))
        })?;
        let format = spec
            .get("format")
            .and_then(|v| v.as_str())
            .and_then(Format::parse);
        readable(name, text, format)?;
        inputs.push(Input {
            name: name.into(),
            text: text.into(),
            format,
        });
    }
    if !rest.is_empty() {
        let (n, unit) = (rest.len(), if rest.len() == 1 { "byte" } else { "bytes" });
        return Err(wrong(&format!(
            "{n} {unit} of texts after the last input's"
        )));
    }
    Ok(inputs)
}

/// The fixes for the same inputs, as `gkecheck fix` makes them: `{"files": [{"name", "text",
/// "diff"}], "applied", "left_out", "skipped"}` as JSON. `choice_json` is `{"unsafe": bool,
/// "only": [ids] | null}` (empty or absent: the safe fixes, as `gkecheck fix` does).
#[cfg(feature = "terraform")]
#[wasm_bindgen(js_name = fixInputs)]
pub fn fix_inputs(inputs_json: &str, choice_json: Option<String>) -> Result<String, JsError> {
    let mut choice = crate::autofix::FixOptions {
        unsafe_fixes: false,
        only: None,
    };
    if let Some(text) = choice_json.as_deref().filter(|t| !t.is_empty()) {
        let wrong = |why: &str| JsError::new(&format!("expected {{\"unsafe\", \"only\"}} ({why})"));
        let doc = crate::input::json::parse(text).map_err(|e| wrong(&e.message))?;
        choice.unsafe_fixes = doc.get("unsafe").and_then(|v| v.as_bool()).unwrap_or(false);
        if let Some(only) = doc.get("only").filter(|v| !v.is_null()) {
            let ids = only.as_array().ok_or_else(|| wrong("only is not a list"))?;
            choice.only = Some(
                ids.iter()
                    .map(|v| {
                        v.as_str()
                            .map(String::from)
                            .ok_or_else(|| wrong("an id that is not text"))
                    })
                    .collect::<Result<_, _>>()?,
            );
        }
    }
    let report = crate::autofix::fix_with(&read_inputs(inputs_json)?, &options(), &choice);
    serde_json::to_string(&report).map_err(|e| JsError::new(&e.to_string()))
}

/// Fixes edit Terraform: the first engine leaves them to the full one.
#[cfg(not(feature = "terraform"))]
#[wasm_bindgen(js_name = fixInputs)]
pub fn fix_inputs(_inputs_json: &str, _choice_json: Option<String>) -> Result<String, JsError> {
    Err(JsError::new(crate::input::NEEDS_TERRAFORM))
}

/// The gcloud fix commands for the same inputs as one shell script (`--format script`).
#[wasm_bindgen(js_name = scriptFor)]
pub fn script_for(inputs_json: &str) -> Result<String, JsError> {
    Ok(crate::script::script(&check(
        &read_inputs(inputs_json)?,
        &options(),
    )))
}

#[derive(Serialize)]
struct RuleInfo {
    id: &'static str,
    name: &'static str,
    severity: &'static str,
    category: &'static str,
    fix_applicability: crate::report::Applicability,
    fix_cost: &'static str,
    title: &'static str,
    pass_title: &'static str,
    what: &'static str,
    why: &'static str,
    fix: &'static str,
    cis: Vec<String>,
    peers: &'static [&'static str],
    differs: &'static str,
}

/// The rules' metadata and docs as JSON.
#[wasm_bindgen(js_name = rulesJson)]
pub fn rules_json() -> String {
    let list: Vec<RuleInfo> = rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.id,
            name: r.name,
            severity: r.severity.as_str(),
            category: r.category,
            fix_applicability: r.fix_applicability,
            fix_cost: r.fix_cost,
            title: r.title,
            pass_title: r.pass_title,
            what: r.what,
            why: r.why,
            fix: r.fix,
            cis: r.cis.iter().map(|(v, n)| format!("{n} (v{v})")).collect(),
            peers: r.peers,
            differs: r.differs,
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// Removes secrets and credentials from one input before it is shared: returns
/// `{"text", "removed": [{"what", "line"}]}` as JSON.
#[wasm_bindgen]
pub fn redact(name: &str, text: &str, format: &str) -> Result<String, JsError> {
    readable(name, text, Format::parse(format))?;
    let redacted = crate::redact::redact(name, text, Format::parse(format));
    Ok(serde_json::to_string(&redacted).unwrap_or_else(|_| "{}".into()))
}

/// Judges `text` against an exercise scenario (the JSON of a scenario file): returns
/// `{"goals": [{"says", "met"}], "done", "hints", "error"}` as JSON.
/// A file that is not a scenario gives `{"scenarioError": "..."}`.
#[wasm_bindgen]
pub fn exercise(scenario_json: &str, text: &str) -> Result<String, JsError> {
    Ok(match crate::exercise::parse(scenario_json) {
        Ok(scenario) => {
            readable("exercise", text, Format::parse(&scenario.format))?;
            serde_json::to_string(&crate::exercise::evaluate(&scenario, text)).unwrap_or_else(|e| {
                serde_json::json!({ "scenarioError": e.to_string() }).to_string()
            })
        }
        Err(e) => serde_json::json!({ "scenarioError": e }).to_string(),
    })
}

/// GKE custom organization policy constraints and the policies that enforce them, as
/// `gkecheck policy` writes them: `format` is `yaml` or `terraform`, `parent` empty for the
/// organization. A malformed id throws, saying what was expected.
#[wasm_bindgen(js_name = policyText)]
pub fn policy_text(format: &str, organization: &str, parent: &str) -> Result<String, JsError> {
    crate::policy::write(format, organization, Some(parent)).map_err(|e| JsError::new(&e))
}

/// The largest input the engine reads, in bytes (UTF-8).
#[wasm_bindgen(js_name = maxInputBytes)]
pub fn max_input_bytes() -> usize {
    crate::input::MAX_INPUT_BYTES
}

/// Makes a panic in the engine throw a JavaScript error with the panic's message; the page
/// then shows it and starts a fresh instance.
#[wasm_bindgen(js_name = panicTest)]
pub fn panic_test() {
    panic!("panic requested by the page's self-test");
}
