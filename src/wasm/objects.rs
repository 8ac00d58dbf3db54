//! The bridge of objects: the check's report handed to JavaScript as objects, or its inputs
//! taken as objects, through serde-wasm-bindgen, where the page's engines exchange JSON text
//! (and the inputs' texts as UTF-8 bytes). Only the harness's build has these exports
//! (`--features bridge-objects`): `cargo xtask bench` measures both bridges, as the page calls
//! its engine, and says whether the text is still the faster (README, Performance).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{read_options, read_texts, readable};
use crate::check;
use crate::input::Format;
use crate::Input;

/// `checkTexts` with the report as objects: a list whose first element is the report with
/// `results` empty and whose others are lists of its results, `results_per_part` in each
/// (the last may hold fewer; all in one when 0). The same report as `checkTexts` gives,
/// value for value (serde-wasm-bindgen's JSON-compatible objects: maps as plain objects,
/// absent values as null). `options_json` is `checkInputs`' without `parts`.
#[wasm_bindgen(js_name = checkTextsAsObjects)]
pub fn check_texts_as_objects(
    list_json: &str,
    texts: &[u8],
    options_json: Option<String>,
    results_per_part: usize,
) -> Result<js_sys::Array, JsError> {
    let inputs = read_texts(list_json, texts)?;
    let (options, parts) = read_options(options_json.as_deref())?;
    if parts.is_some() {
        return Err(JsError::new(
            "expected the options without parts: checkTextsAsObjects takes its parts' size in results",
        ));
    }
    let mut report = check(&inputs, &options);
    let results = std::mem::take(&mut report.results);
    let objects = serde_wasm_bindgen::Serializer::json_compatible();
    let list = js_sys::Array::new();
    list.push(&to_js(&report, &objects)?);
    let per = if results_per_part == 0 {
        results.len().max(1)
    } else {
        results_per_part
    };
    for part in results.chunks(per) {
        list.push(&to_js(part, &objects)?);
    }
    Ok(list)
}

/// The inputs of `checkTexts` read, and nothing else: the sum of their texts' sizes. The
/// harness times the crossing of the inputs alone with this and [`read_inputs_as_objects`],
/// apart from the check, whose time varies more than the crossing takes.
#[wasm_bindgen(js_name = readTexts)]
pub fn read_texts_only(list_json: &str, texts: &[u8]) -> Result<usize, JsError> {
    Ok(read_texts(list_json, texts)?
        .iter()
        .map(|i| i.text.len())
        .sum())
}

/// The inputs of `checkInputsAsObjects` read, and nothing else: the sum of their texts' sizes.
#[wasm_bindgen(js_name = readInputsAsObjects)]
pub fn read_inputs_as_objects(inputs: JsValue) -> Result<usize, JsError> {
    Ok(inputs_from_objects(inputs)?
        .iter()
        .map(|i| i.text.len())
        .sum())
}

/// `checkInputs` with the inputs as objects, `[{name, text, format?}]`, read by
/// serde-wasm-bindgen; the report as `checkTexts` gives it (JSON text, in parts when asked).
#[wasm_bindgen(js_name = checkInputsAsObjects)]
pub fn check_inputs_as_objects(
    inputs: JsValue,
    options_json: Option<String>,
) -> Result<String, JsError> {
    super::check_read(inputs_from_objects(inputs)?, options_json)
}

/// Inputs `[{name, text, format?}]` as objects, read by serde-wasm-bindgen.
fn inputs_from_objects(inputs: JsValue) -> Result<Vec<Input>, JsError> {
    #[derive(Deserialize)]
    struct Spec {
        name: String,
        text: String,
        format: Option<String>,
    }
    let specs: Vec<Spec> = serde_wasm_bindgen::from_value(inputs).map_err(|e| {
        JsError::new(&format!(
            "expected a list of inputs {{name, text, format?}} ({e})"
        ))
    })?;
    let mut read = Vec::with_capacity(specs.len());
    for spec in specs {
        let format = spec.format.as_deref().and_then(Format::parse);
        readable(&spec.name, &spec.text, format)?;
        read.push(Input {
            name: spec.name,
            text: spec.text,
            format,
        });
    }
    Ok(read)
}

/// `value` as JavaScript objects.
fn to_js<T: Serialize + ?Sized>(
    value: &T,
    with: &serde_wasm_bindgen::Serializer,
) -> Result<JsValue, JsError> {
    value
        .serialize(with)
        .map_err(|e| JsError::new(&format!("the report as objects: {e}")))
}
