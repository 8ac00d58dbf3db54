//! gcloud and GKE API output (JSON): clusters, node pools, lists of either, the API's list
//! wrappers, and Cloud Asset Inventory exports of them.

use crate::input::json::{Json, Kind};
use crate::input::settings;
use crate::model::{Cluster, ClusterLink, Field, Missing, Model, NodePool, Origin, PoolKind, Site};
use crate::span::Span;

/// Keys only a cluster object has (a node pool has none of them).
const CLUSTER_KEYS: &[&str] = &[
    "nodePools",
    "currentMasterVersion",
    "initialClusterVersion",
    "masterAuth",
    "endpoint",
    "autopilot",
    "workloadIdentityConfig",
    "addonsConfig",
    "clusterIpv4Cidr",
    "privateClusterConfig",
    "masterAuthorizedNetworksConfig",
    "nodeConfig",
];

/// Keys a node pool object has.
const POOL_KEYS: &[&str] = &[
    "config",
    "initialNodeCount",
    "autoscaling",
    "management",
    "instanceGroupUrls",
    "podIpv4CidrSize",
];

/// How far the model's lists reach: what a document added lies beyond.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Mark(usize, usize, usize);

impl Mark {
    pub fn of(model: &Model) -> Mark {
        Mark(
            model.clusters.len(),
            model.node_pools.len(),
            model.iam.len(),
        )
    }

    /// Takes back what was added since.
    pub fn truncate(self, model: &mut Model) {
        model.clusters.truncate(self.0);
        model.node_pools.truncate(self.1);
        model.iam.truncate(self.2);
    }
}

/// Adds what one JSON document describes to the model. Returns a description of the
/// document when it holds no cluster or node pool.
pub fn load(input: usize, doc: &Json, model: &mut Model) -> Result<(), String> {
    let mark = Mark::of(model);
    load_rest(input, doc, 0, mark, &Later::none(), model)
}

/// The items of a document's `nodePools` read apart: the first ones held
/// (`json::Part::Held`), then the places in `text` of the rest (`json::Part::Later`), read
/// again when the rest of the document is known.
pub struct Later<'t> {
    pub text: &'t str,
    pub held: Vec<Json>,
    pub spans: Vec<crate::span::Span>,
}

impl<'t> Later<'t> {
    /// None yet, of a document of `text`.
    pub fn of(text: &'t str) -> Later<'t> {
        Later {
            text,
            held: Vec::new(),
            spans: Vec::new(),
        }
    }

    pub fn none() -> Later<'static> {
        Later::of("")
    }

    pub fn clear(&mut self) {
        self.held.clear();
        self.spans.clear();
    }
}

/// Proto-style JSON writes the same fields in snake_case (`node_pools`): the tree with its keys
/// in camelCase, when it has such keys.
fn camel_cased(doc: &Json) -> std::borrow::Cow<'_, Json> {
    if has_snake_keys(doc) {
        std::borrow::Cow::Owned(camel_case_keys(doc))
    } else {
        std::borrow::Cow::Borrowed(doc)
    }
}

/// Adds an item of a list read on its own (see `json::each_part`) to the model, as reading
/// its list would.
pub fn load_item(input: usize, item: &Json, model: &mut Model) {
    visit(input, &camel_cased(item), model);
}

/// Adds the rest of a document whose list's `listed` items went to [`load_item`] since `mark`,
/// and whose `nodePools` items are `later`: `doc` with those lists left empty. An object that
/// is not a list (a cluster, a node pool, an asset, a policy) has no list to read, so what its
/// `clusters` added is taken back, as reading it whole would never have added it; a cluster's
/// `nodePools` are its pools, a list's are pools of their own, and no other object's are read.
/// Returns a description of the document when it holds no cluster or node pool.
pub fn load_rest(
    input: usize,
    doc: &Json,
    listed: usize,
    mark: Mark,
    later: &Later,
    model: &mut Model,
) -> Result<(), String> {
    let doc = camel_cased(doc);
    let kind = doc.as_object().map(|_| object_kind(&doc));
    if listed > 0 && kind.as_ref().is_some_and(|k| !matches!(k, Object::Lists)) {
        mark.truncate(model);
    }
    visit(input, &doc, model);
    // The held items, then the rest, read once already, so each reads again.
    let read_again = later
        .spans
        .iter()
        .filter_map(|span| crate::input::json::parse_at(later.text, *span).ok());
    let items =
        later
            .held
            .iter()
            .map(camel_cased)
            .chain(read_again.map(|item| match has_snake_keys(&item) {
                true => std::borrow::Cow::Owned(camel_case_keys(&item)),
                false => std::borrow::Cow::Owned(item),
            }));
    match kind {
        Some(Object::Cluster) => {
            // The one `load_cluster` just added.
            let cluster = model.clusters.len() - 1;
            for item in items.filter(|i| i.as_object().is_some()) {
                let pool = load_pool(input, &item, Some(cluster), model);
                model.node_pools.push(pool);
            }
        }
        Some(Object::Lists) => items.for_each(|item| visit(input, &item, model)),
        _ => {}
    }
    if Mark::of(model) == mark {
        return Err(describe(&doc, listed));
    }
    Ok(())
}

fn describe(doc: &Json, listed: usize) -> String {
    match &doc.kind {
        Kind::Object(members) => {
            let keys: Vec<&str> = members.iter().take(6).map(|m| m.key.as_str()).collect();
            format!(
                "expected the output of `gcloud container clusters describe|list --format=json` or `gcloud container node-pools describe|list --format=json`, found an object with the keys {}",
                keys.join(", ")
            )
        }
        Kind::Array(items) if items.is_empty() && listed == 0 => {
            "found an empty list: gcloud listed no clusters or node pools".into()
        }
        _ => format!(
            "expected the output of `gcloud container clusters describe --format=json` (an object) or a list of clusters or node pools, found {}",
            doc.type_name()
        ),
    }
}

/// What a JSON object of gcloud output is.
enum Object<'a> {
    /// A Cloud Asset Inventory asset: `{"name", "assetType", "resource": {"data": {...}}}`.
    Asset(&'a Json),
    /// `gcloud projects get-iam-policy PROJECT`: `{"bindings": [...], "etag", "version"}`.
    Iam(&'a [Json]),
    Cluster,
    Pool,
    /// Anything else: its `clusters` and `nodePools` are read (the API's list responses).
    Lists,
}

fn object_kind(doc: &Json) -> Object<'_> {
    if let Some(data) = doc.path(&["resource", "data"]) {
        if doc.get("assetType").is_some() {
            return Object::Asset(data);
        }
    }
    if let (Some(bindings), None) = (
        doc.get("bindings").and_then(Json::as_array),
        doc.get("name"),
    ) {
        return Object::Iam(bindings);
    }
    let has = |keys: &[&str]| keys.iter().any(|k| doc.get(k).is_some());
    if doc.get("name").is_some() && has(CLUSTER_KEYS) {
        Object::Cluster
    } else if doc.get("name").is_some()
        && (has(POOL_KEYS) || self_link(doc).is_some_and(|l| l.pool.is_some()))
    {
        Object::Pool
    } else {
        Object::Lists
    }
}

fn visit(input: usize, doc: &Json, model: &mut Model) {
    match &doc.kind {
        Kind::Array(items) => {
            for item in items {
                visit(input, item, model);
            }
        }
        Kind::Object(_) => match object_kind(doc) {
            Object::Asset(data) => visit(input, data, model),
            Object::Iam(bindings) => model.iam.push(crate::model::IamPolicy {
                input,
                bindings: bindings
                    .iter()
                    .filter_map(|b| {
                        let role = b.get("role")?;
                        Some(crate::model::IamBinding {
                            role: role.as_str()?.to_string(),
                            span: role.span,
                            members: b
                                .get("members")
                                .and_then(Json::as_array)
                                .unwrap_or_default()
                                .iter()
                                .filter_map(|m| m.as_str().map(str::to_string))
                                .collect(),
                        })
                    })
                    .collect(),
            }),
            Object::Cluster => load_cluster(input, doc, model),
            Object::Pool => {
                let pool = load_pool(input, doc, None, model);
                model.node_pools.push(pool);
            }
            Object::Lists => {
                for key in ["clusters", "nodePools"] {
                    if let Some(list) = doc.get(key) {
                        visit(input, list, model);
                    }
                }
            }
        },
        _ => {}
    }
}

/// Whether any object key is snake_case (`node_pools`, `workload_metadata_config`).
fn has_snake_keys(doc: &Json) -> bool {
    match &doc.kind {
        Kind::Object(members) => members.iter().any(|m| {
            m.key.contains('_')
                && m.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
                || has_snake_keys(&m.value)
        }),
        Kind::Array(items) => items.iter().any(has_snake_keys),
        _ => false,
    }
}

/// The same tree with snake_case keys written in camelCase; spans are kept.
fn camel_case_keys(doc: &Json) -> Json {
    let kind = match &doc.kind {
        Kind::Object(members) => Kind::Object(
            members
                .iter()
                .map(|m| crate::input::json::Member {
                    key: camel(&m.key),
                    key_span: m.key_span,
                    value: camel_case_keys(&m.value),
                })
                .collect(),
        ),
        Kind::Array(items) => Kind::Array(items.iter().map(camel_case_keys).collect()),
        other => other.clone(),
    };
    Json {
        kind,
        span: doc.span,
    }
}

fn camel(key: &str) -> String {
    if !key.contains('_') || key.bytes().any(|b| b.is_ascii_uppercase() || b == b'-') {
        return key.to_string();
    }
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            // API keys are ASCII: snake_case to camelCase.
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// What a `selfLink` says: `.../projects/P/(zones|locations)/L/clusters/C[/nodePools/N]`.
struct Link {
    project: Option<(String, Span)>,
    location: Option<(String, Span)>,
    cluster: Option<String>,
    pool: Option<String>,
}

fn self_link(doc: &Json) -> Option<Link> {
    let value = doc.get("selfLink")?;
    let text = value.as_str()?;
    let parts: Vec<&str> = text.split('/').collect();
    let after = |key: &str| -> Option<String> {
        parts
            .iter()
            .position(|p| *p == key)
            .and_then(|i| parts.get(i + 1))
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string())
    };
    let location = after("locations").or_else(|| after("zones"));
    Some(Link {
        project: after("projects").map(|p| (p, value.span)),
        location: location.map(|l| (l, value.span)),
        cluster: after("clusters"),
        pool: after("nodePools"),
    })
}

fn string_field(doc: &Json, key: &str) -> Field<String> {
    match doc.get(key) {
        Some(v) => match v.as_str() {
            Some(s) => Field::known(s.to_string(), v.span),
            // A value of another type is written down as it stands, so rules see it as
            // neither of the values they look for.
            None => Field::known(String::new(), v.span),
        },
        None => Field::Absent,
    }
}

fn name_span(doc: &Json) -> Span {
    doc.member("name")
        .map(|m| Span::new(m.key_span.start(), m.value.span.end()))
        .unwrap_or(Span::new(doc.span.start(), doc.span.start() + 1))
}

fn from_link(link: &Option<(String, Span)>) -> Field<String> {
    match link {
        Some((value, span)) => Field::known(value.clone(), *span),
        None => Field::Absent,
    }
}

fn address(project: &Field<String>, location: &Field<String>, rest: &str) -> String {
    let mut out = String::new();
    if let Some(p) = project.as_str() {
        out.push_str(&format!("projects/{p}/"));
    }
    if let Some(l) = location.as_str() {
        out.push_str(&format!("locations/{l}/"));
    }
    out + rest
}

fn load_cluster(input: usize, doc: &Json, model: &mut Model) {
    let name = string_field(doc, "name");
    let link = self_link(doc);
    let project = link
        .as_ref()
        .map(|l| from_link(&l.project))
        .unwrap_or(Field::Absent);
    let mut location = string_field(doc, "location");
    if location.is_absent() {
        location = string_field(doc, "zone");
    }
    if location.is_absent() {
        location = link
            .as_ref()
            .map(|l| from_link(&l.location))
            .unwrap_or(Field::Absent);
    }
    let autopilot = match doc.path(&["autopilot", "enabled"]) {
        Some(v) => Field::known(v.as_bool() == Some(true), v.span),
        // `autopilot: {}` and no `autopilot` at all both mean a Standard cluster.
        None => match doc.get("autopilot") {
            Some(v) => Field::known(false, v.span),
            None => Field::Absent,
        },
    };
    let wi = doc.get("workloadIdentityConfig");
    let mut workload_pool = wi.map_or(Field::Absent, |w| string_field(w, "workloadPool"));
    if workload_pool.as_str().is_none_or(str::is_empty) {
        if let Some(ns) = wi.map(|w| string_field(w, "identityNamespace")) {
            if ns.as_str().is_some_and(|s| !s.is_empty()) {
                workload_pool = ns;
            }
        }
    }
    let cluster_name = name.as_str().unwrap_or("CLUSTER_NAME").to_string();
    let cluster = Cluster {
        site: Site {
            input,
            span: doc.span,
            head: name_span(doc),
            address: address(&project, &location, &format!("clusters/{cluster_name}")).into(),
            editable: false,
        },
        origin: Origin::Live,
        name,
        label: None,
        project,
        location,
        autopilot,
        workload_pool,
        insert_at: doc.span,
        autoprovisioning: match doc.path(&["autoscaling", "enableNodeAutoprovisioning"]) {
            Some(v) => Field::known(v.as_bool() == Some(true), v.span),
            None => Field::Absent,
        },
        basic_auth_username: doc
            .get("masterAuth")
            .map_or(Field::Absent, |m| string_field(m, "username")),
        basic_auth_password: doc
            .get("masterAuth")
            .map_or(Field::Absent, |m| string_field(m, "password")),
        client_certificate: match (
            doc.path(&[
                "masterAuth",
                "clientCertificateConfig",
                "issueClientCertificate",
            ]),
            doc.path(&["masterAuth", "clientCertificate"]),
        ) {
            (_, Some(c)) if c.as_str().is_some_and(|s| !s.is_empty()) => Field::known(true, c.span),
            (Some(v), _) => Field::known(v.as_bool() == Some(true), v.span),
            _ => Field::Absent,
        },
        autoprovisioning_service_account: doc
            .path(&["autoscaling", "autoprovisioningNodePoolDefaults"])
            .map_or(Field::Absent, |d| string_field(d, "serviceAccount")),
        settings: settings::from_json(doc, settings::GCLOUD_CLUSTER),
    };
    let index = model.clusters.len();
    model.clusters.push(cluster);
    // `nodeConfig` at the cluster level is a copy of the first pool's: judge `nodePools[]`.
    if let Some(pools) = doc.get("nodePools").and_then(Json::as_array) {
        for p in pools {
            if p.as_object().is_some() {
                let pool = load_pool(input, p, Some(index), model);
                model.node_pools.push(pool);
            }
        }
    }
}

fn load_pool(input: usize, doc: &Json, cluster: Option<usize>, model: &Model) -> NodePool {
    let name = string_field(doc, "name");
    let link = self_link(doc);
    let parent = cluster.map(|i| &model.clusters[i]);
    let (project, location) = match (parent, &link) {
        (Some(c), _) => (c.project.clone(), c.location.clone()),
        (None, Some(l)) => (from_link(&l.project), from_link(&l.location)),
        (None, None) => (Field::Absent, Field::Absent),
    };
    let cluster_link = match cluster {
        Some(i) => ClusterLink::Index(i),
        None => Missing {
            name: link.as_ref().and_then(|l| l.cluster.clone()),
            reference: doc
                .get("selfLink")
                .and_then(Json::as_str)
                .map(str::to_string),
            module: None,
            alike: 0,
            elsewhere: 0,
        }
        .into(),
    };
    let cluster_name = match (parent, cluster_link.missing()) {
        (Some(c), _) => c.name.as_str().unwrap_or("CLUSTER_NAME").to_string(),
        (None, Some(Missing { name: Some(n), .. })) => n.clone(),
        _ => "CLUSTER_NAME".to_string(),
    };
    let pool_name = name.as_str().unwrap_or("POOL_NAME").to_string();
    let wmc = doc.path(&["config", "workloadMetadataConfig"]);
    NodePool {
        site: Site {
            input,
            span: doc.span,
            head: name_span(doc),
            address: address(
                &project,
                &location,
                &format!("clusters/{cluster_name}/nodePools/{pool_name}"),
            )
            .into(),
            editable: false,
        },
        origin: Origin::Live,
        kind: PoolKind::Listed,
        name,
        label: None,
        cluster: cluster_link,
        project,
        location,
        metadata_config: wmc.map_or(Field::Absent, |w| Field::known((), w.span)),
        mode: wmc.map_or(Field::Absent, |w| string_field(w, "mode")),
        node_metadata: wmc.map_or(Field::Absent, |w| string_field(w, "nodeMetadata")),
        service_account: doc
            .get("config")
            .map_or(Field::Absent, |c| string_field(c, "serviceAccount")),
        node_config: None,
        uncertain: None,
        settings: settings::from_json(doc, settings::GCLOUD_POOL),
    }
}
