//! Report version 2: the same report as version 1, written compactly. Each resource, file,
//! rule and text is given once and referred to by its index; a text that names its result's
//! resource (its name, cluster, project, location or address) is written as a template, so
//! that the same remediation for a thousand pools is one text. Nothing is lost: [`expand`]
//! gives back version 1, value for value, and a test holds the two to that over every example
//! and the corpus. The README documents the format.

use super::{Finding, Headline, InputReport, Location, Report, Resource, Severity, Status};
use super::{Remediation, Step, Summary, Suppression, WaiverReport};
use crate::hash::FastMap;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The fields of a resource a template may name, in the order they are tried where two
/// values of the same length match at one place.
const FIELDS: [&str; 5] = ["address", "name", "cluster", "project", "location"];

/// A place in a file: `[file, line, column, endLine, endColumn, offset, endOffset]`, the file
/// an index into `files`.
type Place = [usize; 7];

#[derive(Serialize)]
pub struct ReportV2<'a> {
    version: u32,
    headline: &'a [Headline],
    summary: &'a Summary,
    passing_listed: bool,
    inputs: &'a [InputReport],
    files: Vec<&'a str>,
    rules: BTreeMap<&'static str, RuleEntry>,
    resources: Vec<ResourceEntry<'a>>,
    texts: Vec<String>,
    remediations: Vec<RemediationEntry>,
    results: Vec<ResultEntry<'a>>,
    passing: Vec<PassEntry>,
    waivers: &'a [WaiverReport],
}

/// A passing result: `[rule, resource, message, location]`.
type PassEntry = (&'static str, usize, usize, Place);

#[derive(Serialize)]
struct RuleEntry {
    name: &'static str,
    severity: Severity,
}

#[derive(Serialize)]
struct ResourceEntry<'a> {
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<&'a str>,
    address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
}

impl<'a> ResourceEntry<'a> {
    fn of(resource: &'a Resource) -> ResourceEntry<'a> {
        // `projects/P/locations/L/...`: the project and location gcloud commands name.
        let mut parts = resource.address.split('/');
        let (project, location) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("projects"), Some(p), Some("locations"), Some(l))
                if !p.is_empty() && !l.is_empty() =>
            {
                (Some(p), Some(l))
            }
            _ => (None, None),
        };
        ResourceEntry {
            kind: resource.kind,
            name: &resource.name,
            cluster: resource.cluster.as_deref(),
            address: &resource.address,
            project,
            location,
        }
    }

    /// The values a template may name, longest first.
    fn values(&self) -> Vec<(&'static str, &'a str)> {
        let mut values: Vec<(&'static str, &'a str)> = FIELDS
            .iter()
            .zip([
                Some(self.address),
                Some(self.name),
                self.cluster,
                self.project,
                self.location,
            ])
            .filter_map(|(field, value)| value.filter(|v| !v.is_empty()).map(|v| (*field, v)))
            .collect();
        // Stable: equal lengths keep FIELDS' order.
        values.sort_by_key(|(_, value)| std::cmp::Reverse(value.len()));
        values
    }
}

#[derive(Clone, Default, Serialize, PartialEq, Eq, Hash)]
struct RemediationEntry {
    summary: usize,
    steps: Vec<StepEntry>,
    warnings: Vec<usize>,
    verify: Vec<StepEntry>,
}

#[derive(Clone, Serialize, PartialEq, Eq, Hash)]
struct StepEntry {
    title: usize,
    code: usize,
    language: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Place>,
}

#[derive(Serialize)]
struct ResultEntry<'a> {
    rule: &'static str,
    status: Status,
    /// Only where it is not the rule's (as `rules` gives it).
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    resource: usize,
    message: usize,
    location: Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a Suppression>,
}

/// Builds version 2 of a report as it is written: the tables are filled in one pass over the
/// results.
#[derive(Default)]
struct Tables<'a> {
    files: Vec<&'a str>,
    file_index: FastMap<&'a str, usize>,
    rules: BTreeMap<&'static str, RuleEntry>,
    resources: Vec<ResourceEntry<'a>>,
    resource_index: FastMap<&'a Resource, usize>,
    texts: Kept<String>,
    scratch: String,
    remediations: Kept<RemediationEntry>,
    /// The remediation being made, its lists' room kept from one result to the next.
    scratch_remediation: RemediationEntry,
}

/// Values each kept once, in the order first seen, and found by their hash: a map from value
/// to index would hold each a second time (most of a large report's remediations and many of
/// its texts are its own, as Terraform's name their resource's place).
struct Kept<T> {
    items: Vec<T>,
    /// The first item of each hash; `more`, any other of the same hash.
    first: FastMap<u64, usize>,
    more: FastMap<u64, Vec<usize>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            items: Vec::new(),
            first: FastMap::default(),
            more: FastMap::default(),
        }
    }
}

impl<T> Kept<T> {
    /// The index of the item `key` stands for (`same` tells), made by `make` and kept when new.
    fn index<Q: std::hash::Hash + ?Sized>(
        &mut self,
        key: &Q,
        same: impl Fn(&T) -> bool,
        make: impl FnOnce() -> T,
    ) -> usize {
        use std::hash::BuildHasher;
        let hash =
            std::hash::BuildHasherDefault::<crate::hash::FastHasher>::default().hash_one(key);
        let next = self.items.len();
        match self.first.entry(hash) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(next);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let found = std::iter::once(*o.get())
                    .chain(self.more.get(&hash).into_iter().flatten().copied())
                    .find(|&i| same(&self.items[i]));
                if let Some(i) = found {
                    return i;
                }
                self.more.entry(hash).or_default().push(next);
            }
        }
        self.items.push(make());
        next
    }
}

impl<'a> Tables<'a> {
    fn place(&mut self, location: &'a Location) -> Place {
        let next = self.files.len();
        let file = *self.file_index.entry(&*location.input).or_insert(next);
        if file == next {
            self.files.push(&location.input);
        }
        [
            file,
            location.line,
            location.column,
            location.end_line,
            location.end_column,
            location.offset,
            location.end_offset,
        ]
    }

    fn text(&mut self, text: &str, values: &[(&'static str, &str)]) -> usize {
        // Made in one buffer, kept only when new: most texts are seen before.
        self.scratch.clear();
        template_into(&mut self.scratch, text, values);
        let made = self.scratch.as_str();
        self.texts.index(made, |t| t == made, || made.to_string())
    }

    fn step(&mut self, step: &'a Step, values: &[(&'static str, &str)]) -> StepEntry {
        StepEntry {
            title: self.text(&step.title, values),
            code: self.text(&step.code, values),
            language: step.language,
            location: step.location.as_ref().map(|l| self.place(l)),
        }
    }

    fn remediation(&mut self, r: &'a Remediation, values: &[(&'static str, &str)]) -> usize {
        let mut entry = std::mem::take(&mut self.scratch_remediation);
        entry.summary = self.text(&r.summary, values);
        entry.steps.clear();
        for s in &r.steps {
            let step = self.step(s, values);
            entry.steps.push(step);
        }
        entry.warnings.clear();
        for w in &r.warnings {
            let text = self.text(w, values);
            entry.warnings.push(text);
        }
        entry.verify.clear();
        for s in &r.verify {
            let step = self.step(s, values);
            entry.verify.push(step);
        }
        let i = self
            .remediations
            .index(&entry, |e| *e == entry, || entry.clone());
        self.scratch_remediation = entry;
        i
    }

    fn result(&mut self, f: &'a Finding) -> ResultEntry<'a> {
        let rule = self.rules.entry(f.rule).or_insert(RuleEntry {
            name: f.name,
            severity: f.severity,
        });
        let name = (rule.name != f.name).then_some(f.name);
        let severity = (rule.severity != f.severity).then_some(f.severity);
        let next = self.resources.len();
        let resource = *self.resource_index.entry(&f.resource).or_insert(next);
        if resource == next {
            self.resources.push(ResourceEntry::of(&f.resource));
        }
        let values = self.resources[resource].values();
        ResultEntry {
            rule: f.rule,
            status: f.status,
            name,
            severity,
            resource,
            message: self.text(&f.message, &values),
            location: self.place(&f.location),
            remediation: f.remediation.as_ref().map(|r| self.remediation(r, &values)),
            suppression: f.suppression.as_deref(),
        }
    }
}

impl<'a> ReportV2<'a> {
    /// Version 2 of `report`. Its passing results come last (as `rank` orders them) and go to
    /// `passing` as `[rule, resource, message, location]`, when each is all a passing result
    /// usually is (the rule's name and severity, no remediation, no waiver); else every result
    /// is an object in `results`, which keeps version 1's order either way.
    pub fn of(report: &'a Report) -> ReportV2<'a> {
        let mut tables = Tables::default();
        let mut results: Vec<ResultEntry> =
            report.results.iter().map(|f| tables.result(f)).collect();
        let first_pass = results
            .iter()
            .position(|r| r.status == Status::Pass)
            .unwrap_or(results.len());
        let plain = results[first_pass..].iter().all(|r| {
            r.status == Status::Pass
                && r.name.is_none()
                && r.severity.is_none()
                && r.remediation.is_none()
                && r.suppression.is_none()
        });
        let passing = if plain {
            results
                .drain(first_pass..)
                .map(|r| (r.rule, r.resource, r.message, r.location))
                .collect()
        } else {
            Vec::new()
        };
        ReportV2 {
            version: 2,
            headline: &report.headline,
            summary: &report.summary,
            passing_listed: report.passing_listed,
            inputs: &report.inputs,
            files: tables.files,
            rules: tables.rules,
            resources: tables.resources,
            texts: tables.texts.items,
            remediations: tables.remediations.items,
            results,
            passing,
            waivers: &report.waivers,
        }
    }
}

/// Whether `c` continues a name: a value matches only where the character before it does not
/// and the one after it is not a letter, digit or `_`, so that pool `a` is not found inside
/// words while `batch-v2`, a name made from pool `batch`, is.
fn name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// A template of `text`, as a string (for tests).
#[cfg(test)]
fn template(text: &str, values: &[(&'static str, &str)]) -> String {
    let mut out = String::new();
    template_into(&mut out, text, values);
    out
}

/// Appends to `out` the template of `text`: each whole occurrence of one of `values` (longest
/// first) written `{field}`, and each `{` written `{{`. [`fill`] reverses it exactly, whatever
/// the values.
fn template_into(out: &mut String, text: &str, values: &[(&'static str, &str)]) {
    let bytes = text.as_bytes();
    // The bytes that can start something to write differently: a `{`, or a value's first
    // byte. Every other byte is passed over with one look in this table.
    let mut interesting = [false; 256];
    interesting[usize::from(b'{')] = true;
    for (_, value) in values {
        interesting[usize::from(value.as_bytes()[0])] = true;
    }
    out.reserve(text.len() + 16);
    // `text[copied..i]` is yet to be copied as it is.
    let mut copied = 0;
    let mut i = 0;
    'outer: while i < bytes.len() {
        if !interesting[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        if bytes[i] == b'{' {
            out.push_str(&text[copied..=i]);
            out.push('{');
            i += 1;
            copied = i;
            continue;
        }
        // Inside a character: no value starts here.
        if bytes[i] & 0xC0 == 0x80 {
            i += 1;
            continue;
        }
        // A value starts only where the character before is not part of a name.
        let starts = i == 0
            || match bytes[i - 1] {
                b if b.is_ascii() => !name_char(b as char),
                _ => text[..i].chars().next_back().is_none_or(|c| !name_char(c)),
            };
        if starts {
            for (field, value) in values {
                let v = value.as_bytes();
                if bytes[i] == v[0] && bytes[i..].starts_with(v) {
                    let end = i + v.len();
                    let whole = text[end..]
                        .chars()
                        .next()
                        .is_none_or(|a| a == '-' || !name_char(a));
                    if whole {
                        out.push_str(&text[copied..i]);
                        out.push('{');
                        out.push_str(field);
                        out.push('}');
                        i = end;
                        copied = i;
                        continue 'outer;
                    }
                }
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
}

/// A template with its placeholders filled from `resource` (version 1's resource object and
/// version 2's extra fields).
fn fill(template: &str, resource: &Map<String, Value>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            out.push('{');
            rest = after;
            continue;
        }
        let end = rest
            .find('}')
            .ok_or_else(|| format!("a text has {{ without }}: {template:?}"))?;
        let field = &rest[..end];
        let value = resource
            .get(field)
            .and_then(Value::as_str)
            .filter(|_| FIELDS.contains(&field))
            .ok_or_else(|| format!("a text names {{{field}}}, which its resource does not have"))?;
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Version 1 of a version 2 report (a JSON value), value for value what the check would have
/// written as version 1. Errors name the part of the report that is not what version 2 has.
pub fn expand(doc: &Value) -> Result<Value, String> {
    let field = |name: &str| doc.get(name).ok_or_else(|| format!("no \"{name}\""));
    let list = |name: &str| -> Result<&Vec<Value>, String> {
        field(name)?
            .as_array()
            .ok_or_else(|| format!("\"{name}\" is not a list"))
    };
    if doc.get("version").and_then(Value::as_u64) != Some(2) {
        return Err("\"version\" is not 2".into());
    }
    let files: Vec<&str> = list("files")?
        .iter()
        .map(|f| {
            f.as_str()
                .ok_or("\"files\" holds something that is not a name")
        })
        .collect::<Result<_, _>>()?;
    let texts: Vec<&str> = list("texts")?
        .iter()
        .map(|t| {
            t.as_str()
                .ok_or("\"texts\" holds something that is not text")
        })
        .collect::<Result<_, _>>()?;
    let resources = list("resources")?;
    let remediations = list("remediations")?;
    let rules = field("rules")?
        .as_object()
        .ok_or("\"rules\" is not an object")?;

    let index = |v: &Value, what: &str, len: usize| -> Result<usize, String> {
        v.as_u64()
            .map(|i| i as usize)
            .filter(|&i| i < len)
            .ok_or_else(|| format!("{what} is not an index of one of the {len}"))
    };
    let place = |v: &Value, at: &str| -> Result<Value, String> {
        let numbers: Vec<u64> = v
            .as_array()
            .filter(|a| a.len() == 7)
            .and_then(|a| a.iter().map(Value::as_u64).collect())
            .ok_or_else(|| format!("{at}: a location is seven numbers"))?;
        let file = index(
            &Value::from(numbers[0]),
            &format!("{at}: its file"),
            files.len(),
        )?;
        Ok(json!({
            "input": files[file],
            "line": numbers[1],
            "column": numbers[2],
            "endLine": numbers[3],
            "endColumn": numbers[4],
            "offset": numbers[5],
            "endOffset": numbers[6],
        }))
    };
    let mut out_results = Vec::new();
    let results = list("results")?;
    // `[rule, resource, message, location]` read as the object it stands for.
    let passing = list("passing")?
        .iter()
        .enumerate()
        .map(|(n, p)| match p.as_array() {
            Some(a) if a.len() == 4 => Ok(json!({
                "rule": a[0], "status": "pass", "resource": a[1], "message": a[2], "location": a[3],
            })),
            _ => Err(format!(
                "passing result {}: expected [rule, resource, message, location]",
                n + 1
            )),
        });
    let passing: Vec<Value> = passing.collect::<Result<_, _>>()?;
    for (n, r) in results.iter().chain(&passing).enumerate() {
        let at = format!("result {}", n + 1);
        let rule_id = r
            .get("rule")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{at}: no rule"))?;
        let rule = rules
            .get(rule_id)
            .ok_or_else(|| format!("{at}: rule {rule_id} is not in \"rules\""))?;
        let status = r
            .get("status")
            .cloned()
            .ok_or_else(|| format!("{at}: no status"))?;
        let resource_at = index(
            r.get("resource").unwrap_or(&Value::Null),
            &format!("{at}: its resource"),
            resources.len(),
        )?;
        let resource = resources[resource_at]
            .as_object()
            .ok_or_else(|| format!("{at}: its resource is not an object"))?;
        let text = |v: Option<&Value>, what: &str| -> Result<Value, String> {
            let i = index(
                v.unwrap_or(&Value::Null),
                &format!("{at}: {what}"),
                texts.len(),
            )?;
            fill(texts[i], resource)
                .map(Value::from)
                .map_err(|e| format!("{at}: {e}"))
        };
        let steps = |v: Option<&Value>, what: &str| -> Result<Value, String> {
            let list = v
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{at}: no {what}"))?;
            let mut out = Vec::new();
            for s in list {
                out.push(json!({
                    "title": text(s.get("title"), "a step's title")?,
                    "code": text(s.get("code"), "a step's code")?,
                    "language": s.get("language").cloned().unwrap_or(Value::Null),
                    "location": match s.get("location") {
                        Some(l) => place(l, &at)?,
                        None => Value::Null,
                    },
                }));
            }
            Ok(Value::Array(out))
        };
        let remediation = match r.get("remediation") {
            None => Value::Null,
            Some(i) => {
                let i = index(i, &format!("{at}: its remediation"), remediations.len())?;
                let m = &remediations[i];
                let warnings = m
                    .get("warnings")
                    .and_then(Value::as_array)
                    .ok_or_else(|| format!("{at}: its remediation has no warnings"))?
                    .iter()
                    .map(|w| text(Some(w), "a warning"))
                    .collect::<Result<Vec<_>, _>>()?;
                json!({
                    "summary": text(m.get("summary"), "a remediation's summary")?,
                    "steps": steps(m.get("steps"), "steps")?,
                    "warnings": warnings,
                    "verify": steps(m.get("verify"), "verify")?,
                })
            }
        };
        let v1_resource = json!({
            "kind": resource.get("kind").cloned().unwrap_or(Value::Null),
            "name": resource.get("name").cloned().unwrap_or(Value::Null),
            "cluster": resource.get("cluster").cloned().unwrap_or(Value::Null),
            "address": resource.get("address").cloned().unwrap_or(Value::Null),
        });
        out_results.push(json!({
            "rule": rule_id,
            "name": r.get("name").or_else(|| rule.get("name")).cloned().unwrap_or(Value::Null),
            "status": status,
            "severity": r.get("severity").or_else(|| rule.get("severity")).cloned().unwrap_or(Value::Null),
            "message": text(r.get("message"), "its message")?,
            "resource": v1_resource,
            "location": place(r.get("location").unwrap_or(&Value::Null), &at)?,
            "remediation": remediation,
            "suppression": r.get("suppression").cloned().unwrap_or(Value::Null),
        }));
    }
    Ok(json!({
        "version": 1,
        "passing_listed": field("passing_listed")?,
        "inputs": field("inputs")?,
        "results": out_results,
        "waivers": field("waivers")?,
        "headline": field("headline")?,
        "summary": field("summary")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_values_are_found_whatever_their_hashes() {
        // Every key hashes alike: each is still kept once, and found by its value.
        struct Alike;
        impl std::hash::Hash for Alike {
            fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
        }
        let mut kept = Kept::<u32>::default();
        let indexes: Vec<usize> = [1, 2, 1, 3, 2, 3, 4]
            .iter()
            .map(|&n| kept.index(&Alike, |&k| k == n, || n))
            .collect();
        assert_eq!(indexes, [0, 1, 0, 2, 1, 2, 3]);
        assert_eq!(kept.items, [1, 2, 3, 4]);
        // And with hashes of their own.
        let mut texts = Kept::<String>::default();
        for (text, i) in [("a", 0), ("b", 1), ("a", 0), ("", 2)] {
            assert_eq!(texts.index(text, |t| t == text, || text.to_string()), i);
        }
    }

    fn round_trip(text: &str, values: &[(&'static str, &str)]) -> String {
        let resource: Map<String, Value> = values
            .iter()
            .map(|(f, v)| (f.to_string(), Value::from(*v)))
            .collect();
        fill(&template(text, values), &resource).unwrap()
    }

    #[test]
    fn templates_name_whole_values_and_fill_back_exactly() {
        let values = [("name", "pool-0"), ("cluster", "prod")];
        assert_eq!(
            template("update pool-0 --cluster=prod", &values),
            "update {name} --cluster={cluster}"
        );
        // Not inside a longer name; braces doubled.
        assert_eq!(
            template(
                "pool-01 production {\"a\":1} pool-0. pool-0-v2 xpool-0",
                &values
            ),
            "pool-01 production {{\"a\":1} {name}. {name}-v2 xpool-0"
        );
        for text in [
            "",
            "{",
            "{{name}}",
            "{name}",
            "pool-0pool-0 pool-0",
            "é pool-0 ü",
            "}{",
        ] {
            assert_eq!(round_trip(text, &values), text);
        }
        // A value that is itself a brace or shorter than a word.
        let odd = [("name", "{"), ("cluster", "a")];
        for text in ["{ a {a} a{", "a", "{{"] {
            assert_eq!(round_trip(text, &odd), text);
        }
    }

    #[test]
    fn a_placeholder_the_resource_lacks_is_an_error() {
        let resource = Map::new();
        let error = fill("see {cluster}", &resource).unwrap_err();
        assert!(error.contains("{cluster}"), "{error}");
        assert!(fill("open {", &resource).is_err());
    }

    #[test]
    fn gcloud_addresses_give_project_and_location() {
        let resource = Resource {
            kind: "node-pool",
            name: "batch".into(),
            cluster: Some("prod".into()),
            address: "projects/shop/locations/europe-west1/clusters/prod/nodePools/batch".into(),
        };
        let entry = ResourceEntry::of(&resource);
        assert_eq!(
            (entry.project, entry.location),
            (Some("shop"), Some("europe-west1"))
        );
        let terraform = Resource {
            address: "google_container_node_pool.batch".into(),
            ..resource
        };
        let entry = ResourceEntry::of(&terraform);
        assert_eq!((entry.project, entry.location), (None, None));
    }
}
