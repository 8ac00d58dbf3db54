//! Terraform plans as `terraform show -json` prints them: `planned_values` (the root module
//! and nested `child_modules`), with `resource_changes[].change.after_unknown` marking values
//! known only after apply, and `configuration` telling which of those the configuration sets.

use std::collections::HashMap;

use crate::input::json::{Json, Kind};
use crate::input::terraform::build::{self, PoolBase, Unexpanded, View};
use crate::model::{ClusterLink, Field, Missing, Model, PoolKind, Site};
use crate::span::Span;

/// Whether a JSON document is a plan.
pub fn is_plan(doc: &Json) -> bool {
    doc.get("planned_values").is_some()
        || (doc.get("resource_changes").is_some() && doc.get("format_version").is_some())
}

struct Resource<'j> {
    address: String,
    kind: &'j str,
    label: String,
    module: Vec<String>,
    json: &'j Json,
}

pub fn load<'j>(
    input: usize,
    text: &'j str,
    doc: &'j Json,
    model: &mut Model,
) -> Result<(), String> {
    let Some(root) = doc.path(&["planned_values", "root_module"]) else {
        return Err("expected a plan with planned_values (`terraform show -json PLANFILE`); this one has none: was it made with -refresh-only or for destroy?".into());
    };
    let mut resources = Vec::new();
    collect(root, &mut resources);
    let unknown: HashMap<&'j str, &'j Json> = doc
        .get("resource_changes")
        .and_then(Json::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|rc| {
            Some((
                rc.get("address")?.as_str()?,
                rc.path(&["change", "after_unknown"])?,
            ))
        })
        .collect();
    let mut configured = HashMap::new();
    if let Some(root) = doc.path(&["configuration", "root_module"]) {
        configuration(root, &mut Vec::new(), &mut configured);
    }
    let view = |r: &Resource<'j>| -> Option<PlanView<'j>> {
        let values = r.json.get("values")?;
        let head = r
            .json
            .member("address")
            .map(|m| Span::new(m.key_span.start(), m.value.span.end()))
            .unwrap_or(r.json.span);
        Some(PlanView {
            text,
            values,
            unknown: unknown.get(r.address.as_str()).copied(),
            config: configured
                .get(&(r.module.clone(), r.kind, r.label.as_str()))
                .copied()
                .flatten(),
            head: Some(head),
            whole: r.json.span,
        })
    };
    let before = model.clusters.len();
    let mut clusters: HashMap<String, usize> = HashMap::new();
    for r in resources
        .iter()
        .filter(|r| r.kind == "google_container_cluster")
    {
        if let Some(v) = view(r) {
            let index = build::cluster(&v, input, &r.address, Some(r.label.clone()), model);
            clusters.insert(r.address.clone(), index);
        }
    }
    let named = build::Named::of(model, before..model.clusters.len());
    for r in resources
        .iter()
        .filter(|r| r.kind == "google_container_node_pool")
    {
        let Some(v) = view(r) else { continue };
        let link = match v.string("cluster") {
            Field::Known { value, .. } => named.find(
                model,
                &value,
                v.string("project").as_str(),
                v.string("location").as_str(),
            ),
            _ => by_reference(&v, &r.module, &clusters),
        };
        let base = match link {
            ClusterLink::Index(i) => PoolBase {
                input,
                cluster: link,
                project: model.clusters[i].project.clone(),
                location: model.clusters[i].location.clone(),
            },
            missing => PoolBase {
                input,
                cluster: missing,
                project: Field::Absent,
                location: Field::Absent,
            },
        };
        let site = Site {
            input,
            span: v.span(),
            head: v.head(),
            address: r.address.as_str().into(),
            editable: false,
        };
        let mut pool = build::pool(&v, &base, site, PoolKind::Separate, None);
        pool.label = Some(r.label.clone());
        model.node_pools.push(pool);
    }
    Ok(())
}

/// A module's resources (in `planned_values` or in `configuration`) that are not data sources.
fn managed(module: &Json) -> impl Iterator<Item = &Json> {
    module
        .get("resources")
        .and_then(Json::as_array)
        .unwrap_or_default()
        .iter()
        .filter(|r| r.get("mode").and_then(Json::as_str) != Some("data"))
}

fn collect<'j>(module: &'j Json, out: &mut Vec<Resource<'j>>) {
    let path = module
        .get("address")
        .and_then(Json::as_str)
        .map(module_names)
        .unwrap_or_default();
    for r in managed(module) {
        let field = |k: &str| r.get(k).and_then(Json::as_str);
        if let (Some(address), Some(kind), Some(label)) =
            (field("address"), field("type"), field("name"))
        {
            out.push(Resource {
                address: address.to_string(),
                kind,
                label: label.to_string(),
                module: path.clone(),
                json: r,
            });
        }
    }
    for child in module
        .get("child_modules")
        .and_then(Json::as_array)
        .unwrap_or_default()
    {
        collect(child, out);
    }
}

/// `module.a["x"].module.b` → `["a", "b"]`.
fn module_names(address: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        names.push(after[..end].to_string());
        rest = &after[end..];
        if rest.starts_with('[') {
            rest = rest.find("].").map_or("", |i| &rest[i + 1..]);
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    names
}

/// A resource's `expressions` in the configuration, if it has them, by its module's path (the
/// names of the module calls), its type and its name: the first of each, data sources left
/// out. Found once for all resources (looking each one up in its module's list took time
/// growing with the square of a plan's clusters and pools).
type Configured<'j> = HashMap<(Vec<String>, &'j str, &'j str), Option<&'j Json>>;

/// Adds the resources of a configuration's module (and of the modules it calls, through
/// `module_calls`) to `out`; `path` is the module's.
fn configuration<'j>(module: &'j Json, path: &mut Vec<String>, out: &mut Configured<'j>) {
    for r in managed(module) {
        let field = |k: &str| r.get(k).and_then(Json::as_str);
        if let (Some(kind), Some(label)) = (field("type"), field("name")) {
            out.entry((path.clone(), kind, label))
                .or_insert(r.get("expressions"));
        }
    }
    // The last of a repeated name first: a name's last member is its value.
    for call in module
        .get("module_calls")
        .and_then(Json::as_object)
        .unwrap_or_default()
        .iter()
        .rev()
    {
        let Some(child) = call.value.get("module") else {
            continue;
        };
        path.push(call.key.clone());
        configuration(child, path, out);
        path.pop();
    }
}

/// Joins a pool to its cluster through the configuration's reference
/// (`google_container_cluster.primary.name`), when its value is only known after apply.
fn by_reference(
    v: &PlanView<'_>,
    module: &[String],
    clusters: &HashMap<String, usize>,
) -> ClusterLink {
    let refs: Vec<&str> = v
        .config
        .and_then(|c| c.path(&["cluster", "references"]))
        .and_then(Json::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Json::as_str)
        .collect();
    let prefix: String = module.iter().map(|m| format!("module.{m}.")).collect();
    for r in &refs {
        let mut parts = r.splitn(3, '.');
        if let (Some("google_container_cluster"), Some(label)) = (parts.next(), parts.next()) {
            let label = label.split('[').next().unwrap_or(label);
            let address = format!("{prefix}google_container_cluster.{label}");
            if let Some(&i) = clusters.get(&address) {
                return ClusterLink::Index(i);
            }
        }
    }
    Missing {
        name: None,
        reference: refs.first().map(|r| r.to_string()),
        module: None,
        alike: 0,
        elsewhere: 0,
    }
    .into()
}

/// A resource's planned values, or a nested block's, with the matching parts of
/// `after_unknown` and of the configuration's expressions.
struct PlanView<'j> {
    text: &'j str,
    values: &'j Json,
    unknown: Option<&'j Json>,
    config: Option<&'j Json>,
    /// The resource's `address` member; nested blocks use their first line.
    head: Option<Span>,
    whole: Span,
}

impl<'j> PlanView<'j> {
    fn is_unknown(&self, key: &str) -> bool {
        match self.unknown {
            Some(u) if u.as_bool() == Some(true) => true,
            Some(u) => u.get(key).and_then(Json::as_bool) == Some(true),
            None => false,
        }
    }

    /// What the configuration writes for `key`, when it writes anything.
    fn configured(&self, key: &str) -> Option<String> {
        let e = self.config?.get(key)?;
        if let Some(refs) = e.get("references").and_then(Json::as_array) {
            let names: Vec<&str> = refs.iter().filter_map(Json::as_str).collect();
            if !names.is_empty() {
                return Some(names[0].to_string());
            }
        }
        Some(format!("the configured {key}"))
    }

    /// A value known only after apply: unknown when the configuration sets it, else absent
    /// (the provider or GKE computes it, and the rules' absent logic applies).
    fn later<T>(&self, key: &str) -> Field<T> {
        match (self.is_unknown(key), self.configured(key)) {
            (true, Some(expr)) => Field::Unknown {
                expr: format!("{expr} (known after apply)").into(),
                span: self.head(),
                nonempty: false,
            },
            _ => Field::Absent,
        }
    }

    fn child(&self, name: &str, index: usize, values: &'j Json) -> PlanView<'j> {
        let pick = |j: Option<&'j Json>| -> Option<&'j Json> {
            let j = j?;
            if j.as_bool() == Some(true) {
                return Some(j);
            }
            match j.get(name)? {
                v if v.as_bool().is_some() => Some(v),
                v => v
                    .as_array()
                    .and_then(|a| a.get(index))
                    .or(Some(v).filter(|v| v.as_object().is_some())),
            }
        };
        PlanView {
            text: self.text,
            values,
            unknown: pick(self.unknown),
            config: pick(self.config),
            head: None,
            whole: values.span,
        }
    }
}

impl View for PlanView<'_> {
    const EDITABLE: bool = false;

    fn span(&self) -> Span {
        self.whole
    }

    fn head(&self) -> Span {
        self.head.unwrap_or_else(|| {
            let rest = self.text.get(self.whole.range()).unwrap_or("");
            let end = rest.find('\n').unwrap_or(rest.len());
            Span::new(
                self.whole.start(),
                self.whole.start() + rest[..end].trim_end().len(),
            )
        })
    }

    fn string(&self, key: &str) -> Field<String> {
        match self.values.get(key) {
            Some(v) if !v.is_null() => match &v.kind {
                Kind::String(s) => Field::known(s.clone(), v.span),
                Kind::Number(n) => Field::known(n.clone(), v.span),
                Kind::Bool(b) => Field::known(b.to_string(), v.span),
                _ => Field::known(String::new(), v.span),
            },
            _ => self.later(key),
        }
    }

    fn boolean(&self, key: &str) -> Field<bool> {
        match self.values.get(key) {
            Some(v) if !v.is_null() => match v.as_bool() {
                Some(b) => Field::known(b, v.span),
                None => Field::Unknown {
                    expr: format!("{key} (not a boolean)").into(),
                    span: v.span,
                    nonempty: false,
                },
            },
            _ => self.later(key),
        }
    }

    fn strings(&self, key: &str) -> Field<Vec<(String, Span)>> {
        match self.values.get(key) {
            Some(v) if !v.is_null() => match v.as_array() {
                Some(items) => Field::known(
                    items
                        .iter()
                        .map(|i| (i.as_str().unwrap_or_default().to_string(), i.span))
                        .collect(),
                    v.span,
                ),
                None => Field::known(Vec::new(), v.span),
            },
            _ => self.later(key),
        }
    }

    fn entry(&self, key: &str, entry: &str) -> Field<String> {
        match self.values.get(key) {
            Some(v) if !v.is_null() => match v.get(entry) {
                Some(e) if !e.is_null() => match &e.kind {
                    Kind::String(s) | Kind::Number(s) => Field::known(s.clone(), e.span),
                    Kind::Bool(b) => Field::known(b.to_string(), e.span),
                    _ => Field::known(String::new(), e.span),
                },
                _ => Field::Absent,
            },
            _ => self.later(key),
        }
    }

    fn blocks(&self, name: &str) -> Result<Vec<Self>, Unexpanded> {
        match self.values.get(name) {
            Some(v) if !v.is_null() => match &v.kind {
                Kind::Array(items) => Ok(items
                    .iter()
                    .enumerate()
                    .filter(|(_, item)| item.as_object().is_some())
                    .map(|(i, item)| self.child(name, i, item))
                    .collect()),
                Kind::Object(_) => Ok(vec![self.child(name, 0, v)]),
                _ => Ok(Vec::new()),
            },
            _ => match self.later::<()>(name) {
                Field::Unknown { expr, span, .. } => Err(Unexpanded {
                    expr: expr.into(),
                    span,
                }),
                _ => Ok(Vec::new()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::module_names;
    use crate::input::json;
    use crate::model::Model;
    use serde_json::Value;

    /// Each resource list of a plan with other resources between GKE's, as a plan of a whole
    /// estate has them: each entry's twin of another type before it (and its `values`), and
    /// a data source after the last.
    fn among_others(value: &mut Value) -> usize {
        let mut added = 0;
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let list =
                        ["resources", "resource_changes", "resource_drift"].contains(&key.as_str());
                    match v {
                        Value::Array(entries) if list => {
                            let mut mixed = Vec::new();
                            for entry in entries.drain(..) {
                                let mut twin = entry.clone();
                                twin["type"] = "google_compute_instance".into();
                                let address = format!(
                                    "google_compute_instance.{}",
                                    twin["name"].as_str().unwrap_or("x")
                                );
                                twin["address"] = address.into();
                                mixed.extend([twin, entry]);
                                added += 1;
                            }
                            mixed.push(serde_json::json!({"address": "data.google_client_config.c",
                                "mode": "data", "type": "google_client_config", "name": "c", "values": {}}));
                            *entries = mixed;
                            added += 1;
                            // Modules nest in `child_modules` and `module_calls`, not in resources.
                        }
                        _ => added += among_others(v),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| added += among_others(i)),
            _ => {}
        }
        added
    }

    #[test]
    fn a_plan_among_other_resources_gives_the_model_it_gives_read_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = vec![root.join("tests/fixtures/plans/module-pools.tfplan.json")];
        match std::fs::read_dir(root.join("../shared/corpus/plans")) {
            Ok(dir) => paths.extend(dir.flatten().map(|e| e.path())),
            Err(_) => eprintln!("../shared/corpus/plans not found: the fixture plan only"),
        }
        let mut read = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut doc: Value = serde_json::from_str(&text).unwrap();
            assert!(among_others(&mut doc) > 0, "{}", path.display());
            let mixed = serde_json::to_string_pretty(&doc).unwrap();
            let load = |doc: json::Json| {
                let mut model = Model::default();
                super::load(0, &mixed, &doc, &mut model).unwrap();
                model
            };
            let whole = load(json::parse(&mixed).unwrap());
            let plan = json::parse_plan(&mixed).unwrap();
            let kept = plan
                .get("resource_changes")
                .and_then(json::Json::as_array)
                .map_or(0, <[_]>::len);
            let all = doc["resource_changes"].as_array().map_or(0, Vec::len);
            assert!(
                kept < all || all == 0,
                "{}: nothing left out",
                path.display()
            );
            let model = load(plan);
            assert!(
                !model.clusters.is_empty() || !model.node_pools.is_empty(),
                "{}",
                path.display()
            );
            assert_eq!(model, whole, "{}", path.display());
            read += 1;
        }
        assert!(read >= 1);
    }

    #[test]
    fn module_addresses_become_module_call_names() {
        assert_eq!(module_names("module.gke"), vec!["gke"]);
        assert_eq!(
            module_names("module.a[\"x.y\"].module.b[0]"),
            vec!["a", "b"]
        );
        assert!(module_names("").is_empty());
    }
}
