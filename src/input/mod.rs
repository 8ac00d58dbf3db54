//! Reading inputs: telling their kind, parsing them, and adding them to the model.

pub mod gcloud;
pub mod json;
pub mod plan;
pub mod terraform;

use std::collections::BTreeMap;

use crate::model::Model;
use crate::span::Span;

/// The largest input read. A cluster's describe output is tens of kilobytes; a large plan a
/// few megabytes.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// gcloud or GKE API output as JSON (clusters, node pools, lists, asset exports).
    GcloudJson,
    /// Terraform configuration (`.tf`).
    Terraform,
    /// A Terraform plan as `terraform show -json` prints it.
    TerraformPlan,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::GcloudJson => "gcloud-json",
            Format::Terraform => "terraform",
            Format::TerraformPlan => "terraform-plan",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "gcloud-json" | "gcloud" | "json" => Some(Format::GcloudJson),
            "terraform" | "tf" | "hcl" => Some(Format::Terraform),
            "terraform-plan" | "plan" => Some(Format::TerraformPlan),
            _ => None,
        }
    }
}

/// Why an input could not be read: a message and the byte offset it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
}

impl Problem {
    fn at(offset: usize, message: impl Into<String>) -> Problem {
        Problem {
            offset,
            message: message.into(),
        }
    }
}

/// Tells an input's kind from its name and text.
pub fn detect(name: &str, text: &str) -> Result<Format, Problem> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        return Ok(Format::Terraform);
    }
    if lower.ends_with(".tf.json") {
        return Err(Problem::at(
            0,
            "expected Terraform in HCL syntax (.tf); the JSON syntax (.tf.json) is not supported",
        ));
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let start = text.len() - trimmed.len();
    if trimmed.is_empty() {
        return Err(Problem::at(
            0,
            "expected gcloud JSON output or Terraform, found no text",
        ));
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // A plan names these near its start; looking at the first part keeps this cheap.
        let head = &trimmed[..trimmed.len().min(4096)];
        let plan = head.contains("\"format_version\"")
            && (head.contains("\"terraform_version\"") || trimmed.contains("\"planned_values\""));
        return Ok(if plan {
            Format::TerraformPlan
        } else {
            Format::GcloudJson
        });
    }
    const HCL_STARTS: &[&str] = &[
        "resource ",
        "data ",
        "variable ",
        "locals ",
        "locals{",
        "module ",
        "provider ",
        "terraform ",
        "terraform{",
        "output ",
    ];
    let hcl = text
        .lines()
        .any(|line| HCL_STARTS.iter().any(|s| line.starts_with(s)));
    if hcl || trimmed.starts_with('#') && lower.ends_with(".tf") {
        return Ok(Format::Terraform);
    }
    let yaml = text.lines().any(|l| {
        let l = l.trim_end();
        l == "---"
            || l.split_once(": ")
                .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '))
            || l.ends_with(':') && !l.contains(' ')
    });
    if yaml {
        return Err(Problem::at(
            start,
            "this looks like YAML (what gcloud prints by default), which gkecheck does not read yet: re-run the command with --format=json",
        ));
    }
    Err(Problem::at(
        start,
        "expected gcloud JSON output (`gcloud container clusters describe CLUSTER --format=json`) or Terraform configuration",
    ))
}

/// One input as the engine sees it.
pub struct Source<'a> {
    pub index: usize,
    pub name: &'a str,
    pub text: &'a str,
    pub format: Format,
}

/// Parses the inputs into one model. Returns the problems per input index; an input with a
/// problem adds nothing to the model, and the others are still read.
pub fn load(sources: &[Source<'_>], model: &mut Model) -> BTreeMap<usize, Problem> {
    let mut problems = BTreeMap::new();
    // Terraform files form modules, one per directory.
    let mut parsed: BTreeMap<String, Vec<(usize, &str, hcl_edit::structure::Body)>> =
        BTreeMap::new();
    for source in sources {
        match source.format {
            Format::GcloudJson => match json::parse_stream(source.text) {
                Err(e) => {
                    problems.insert(source.index, Problem::at(e.offset, e.message));
                }
                Ok(docs) => {
                    let mut found = false;
                    let mut last_error = None;
                    for doc in &docs {
                        match gcloud::load(source.index, doc, model) {
                            Ok(()) => found = true,
                            Err(message) => last_error = Some(Problem::at(doc.span.start, message)),
                        }
                    }
                    if !found {
                        let problem = last_error.unwrap_or_else(|| {
                            Problem::at(0, "expected gcloud JSON output, found no JSON value")
                        });
                        problems.insert(source.index, problem);
                    }
                }
            },
            Format::TerraformPlan => match json::parse(source.text) {
                Err(e) => {
                    problems.insert(source.index, Problem::at(e.offset, e.message));
                }
                Ok(doc) => {
                    if !plan::is_plan(&doc) {
                        problems.insert(source.index, Problem::at(doc.span.start, "expected a Terraform plan (`terraform show -json PLANFILE`): this JSON has no planned_values"));
                    } else if let Err(message) = plan::load(source.index, source.text, &doc, model)
                    {
                        problems.insert(source.index, Problem::at(doc.span.start, message));
                    }
                }
            },
            Format::Terraform => match hcl_edit::parser::parse_body(source.text) {
                Err(e) => {
                    let offset = e.location().offset();
                    problems.insert(
                        source.index,
                        Problem::at(
                            offset,
                            format!("expected valid Terraform (HCL): {}", e.message()),
                        ),
                    );
                }
                Ok(body) => {
                    let dir = match source.name.rfind(['/', '\\']) {
                        Some(i) => source.name[..i].to_string(),
                        None => String::new(),
                    };
                    parsed
                        .entry(dir)
                        .or_default()
                        .push((source.index, source.text, body));
                }
            },
        }
    }
    for files in parsed.values() {
        let module_files = files
            .iter()
            .map(|(input, text, body)| terraform::eval::ModuleFile {
                input: *input,
                text,
                body,
            })
            .collect();
        terraform::load(module_files, model);
    }
    problems
}

/// The whole text, as a span (for findings about an input as a whole).
pub fn whole(text: &str) -> Span {
    Span::new(0, text.len())
}
