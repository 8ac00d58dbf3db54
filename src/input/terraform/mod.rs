//! Terraform configuration (HCL): `google_container_cluster` with its default and inline
//! node pools, and `google_container_node_pool` joined to its cluster.

pub mod eval;

use std::collections::{BTreeMap, HashMap};

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};

use crate::model::{Cluster, ClusterLink, Field, Model, NodePool, Origin, PoolKind, Site};
use crate::span::Span;
use eval::{Evaluator, Module, ModuleFile, Scope, Val};

/// Adds the clusters and node pools of one module (the files of one directory) to the model.
pub fn load(files: Vec<ModuleFile<'_>>, model: &mut Model) {
    let module = Module::new(files);
    let ev = Evaluator::new(&module);
    // Clusters first, so node pools can be joined to them: address → model index.
    let mut clusters: HashMap<String, usize> = HashMap::new();
    let mut pools = Vec::new();
    for (f, file) in module.files.iter().enumerate() {
        for block in file.body.blocks() {
            if block.ident.as_str() != "resource" || block.labels.len() != 2 {
                continue;
            }
            let label = block.labels[1].as_str();
            match block.labels[0].as_str() {
                "google_container_cluster" => {
                    for (suffix, scope) in instances(&ev, f, block) {
                        let address = format!("google_container_cluster.{label}{suffix}");
                        clusters.insert(address.clone(), model.clusters.len());
                        load_cluster(&ev, f, block, scope, address, model);
                    }
                }
                "google_container_node_pool" => pools.push((f, block)),
                _ => {}
            }
        }
    }
    for (f, block) in pools {
        let label = block.labels[1].as_str();
        for (suffix, scope) in instances(&ev, f, block) {
            let address = format!("google_container_node_pool.{label}{suffix}");
            let pool = load_separate_pool(&ev, f, block, scope, address, &clusters, model);
            model.node_pools.push(pool);
        }
    }
}

/// A block, or an object value written with attribute syntax (`node_config = [{...}]`), with
/// the names bound where it is evaluated.
#[derive(Clone)]
enum Node<'a> {
    Block {
        file: usize,
        body: &'a Body,
        scope: Scope,
        span: Span,
    },
    Value {
        val: Val,
        span: Span,
    },
}

/// The blocks of one kind inside a node, or why they cannot be known.
enum Blocks<'a> {
    Known(Vec<Node<'a>>),
    Unknown { expr: String, span: Span },
}

fn span_of(item: &impl hcl_edit::Span) -> Span {
    item.span().map(Span::from_range).unwrap_or_default()
}

impl<'a> Node<'a> {
    fn span(&self) -> Span {
        match self {
            Node::Block { span, .. } | Node::Value { span, .. } => *span,
        }
    }

    /// An attribute's value and the span of its expression; `None` when it is not set.
    fn attr(&self, ev: &Evaluator, key: &str) -> Option<(Val, Span)> {
        match self {
            Node::Block {
                file, body, scope, ..
            } => body
                .get_attribute(key)
                .map(|a| (ev.eval(*file, scope, &a.value).settle(), span_of(&a.value))),
            Node::Value { val, span } => match val {
                Val::Map(m) => m.get(key).map(|v| (v.clone().settle(), *span)),
                _ => None,
            },
        }
    }

    /// The nested blocks called `name`: written as blocks, as `dynamic "name"` blocks, or
    /// with attribute syntax (`name = []` is the same as no block).
    fn blocks(&self, ev: &Evaluator, name: &str) -> Blocks<'a> {
        match self {
            Node::Value { val, span } => match val {
                Val::Map(m) => match m.get(name) {
                    None => Blocks::Known(Vec::new()),
                    Some(v) => value_blocks(v.clone().settle(), *span),
                },
                _ => Blocks::Known(Vec::new()),
            },
            Node::Block {
                file, body, scope, ..
            } => {
                let mut out = Vec::new();
                for structure in body.iter() {
                    match structure {
                        Structure::Block(b) if b.ident.as_str() == name => out.push(Node::Block {
                            file: *file,
                            body: &b.body,
                            scope: scope.clone(),
                            span: span_of(b),
                        }),
                        Structure::Block(b)
                            if b.ident.as_str() == "dynamic"
                                && b.labels.first().is_some_and(|l| l.as_str() == name) =>
                        {
                            match dynamic_blocks(ev, *file, scope, b, name) {
                                Blocks::Known(nodes) => out.extend(nodes),
                                unknown => return unknown,
                            }
                        }
                        Structure::Attribute(a) if a.key.as_str() == name => {
                            let v = ev.eval(*file, scope, &a.value).settle();
                            match value_blocks(v, span_of(&a.value)) {
                                Blocks::Known(nodes) => out.extend(nodes),
                                unknown => return unknown,
                            }
                        }
                        _ => {}
                    }
                }
                Blocks::Known(out)
            }
        }
    }
}

/// The first block called `name` inside `node`, or the unknown field that stands for blocks
/// gkecheck cannot expand.
fn first_block<'a>(
    ev: &Evaluator,
    node: &Node<'a>,
    name: &str,
) -> Result<Option<Node<'a>>, Unexpanded> {
    match node.blocks(ev, name) {
        Blocks::Unknown { expr, span } => Err(Unexpanded { expr, span }),
        Blocks::Known(list) => Ok(list.into_iter().next()),
    }
}

/// Blocks whose presence depends on an expression gkecheck cannot evaluate.
struct Unexpanded {
    expr: String,
    span: Span,
}

impl Unexpanded {
    fn field<T>(self) -> Field<T> {
        Field::Unknown {
            expr: self.expr,
            span: self.span,
            nonempty: false,
        }
    }
}

fn value_blocks<'a>(v: Val, span: Span) -> Blocks<'a> {
    match v {
        Val::Null => Blocks::Known(Vec::new()),
        Val::List(items) => Blocks::Known(
            items
                .into_iter()
                .map(|val| Node::Value { val, span })
                .collect(),
        ),
        Val::Map(_) => Blocks::Known(vec![Node::Value { val: v, span }]),
        Val::Unknown { expr, .. } | Val::Error(expr) => Blocks::Unknown { expr, span },
        other => Blocks::Unknown {
            expr: format!("{other:?}"),
            span,
        },
    }
}

/// `dynamic "name" { for_each = ...  content { ... } }`: one block per element when the
/// collection is known.
fn dynamic_blocks<'a>(
    ev: &Evaluator,
    file: usize,
    scope: &Scope,
    block: &'a Block,
    name: &str,
) -> Blocks<'a> {
    let span = span_of(block);
    let Some(content) = block.body.get_blocks("content").next() else {
        return Blocks::Known(Vec::new());
    };
    let iterator = match block.body.get_attribute("iterator").map(|a| &a.value) {
        Some(Expression::Variable(v)) => v.as_str().to_string(),
        _ => name.to_string(),
    };
    let Some(for_each) = block.body.get_attribute("for_each") else {
        return Blocks::Unknown {
            expr: format!("dynamic \"{name}\" (no for_each)"),
            span,
        };
    };
    let collection = ev.eval(file, scope, &for_each.value).settle();
    let Some(entries) = for_each_entries(&collection) else {
        let expr = match collection {
            Val::Unknown { expr, .. } => expr,
            _ => ev.text(file, &for_each.value),
        };
        return Blocks::Unknown {
            expr: format!("dynamic \"{name}\" over {expr}"),
            span,
        };
    };
    Blocks::Known(
        entries
            .into_iter()
            .map(|(key, value)| {
                let mut scope = scope.clone();
                let bound =
                    BTreeMap::from([("key".to_string(), key), ("value".to_string(), value)]);
                scope.push((iterator.clone(), Val::Map(bound)));
                Node::Block {
                    file,
                    body: &content.body,
                    scope,
                    span,
                }
            })
            .collect(),
    )
}

/// The (key, value) pairs `for_each` iterates: a set or list of strings is keyed by its
/// values, a map by its keys.
fn for_each_entries(collection: &Val) -> Option<Vec<(Val, Val)>> {
    match collection {
        Val::List(items) => {
            if items.iter().any(Val::is_unknown) {
                return None;
            }
            Some(items.iter().map(|v| (v.clone(), v.clone())).collect())
        }
        Val::Map(_) => collection.entries(),
        _ => None,
    }
}

/// The instances of a resource: its address suffix and the names bound in it.
fn instances(ev: &Evaluator, file: usize, block: &Block) -> Vec<(String, Scope)> {
    let scope = Scope::new();
    if let Some(count) = block.body.get_attribute("count") {
        if let Val::Num(n) = ev.eval(file, &scope, &count.value).settle() {
            return (0..n.max(0.0) as usize)
                .map(|i| {
                    let index = BTreeMap::from([("index".to_string(), Val::Num(i as f64))]);
                    (
                        format!("[{i}]"),
                        vec![("count".to_string(), Val::Map(index))],
                    )
                })
                .collect();
        }
    } else if let Some(for_each) = block.body.get_attribute("for_each") {
        let collection = ev.eval(file, &scope, &for_each.value).settle();
        if let Some(entries) = for_each_entries(&collection) {
            return entries
                .into_iter()
                .map(|(key, value)| {
                    let text = key.as_text().unwrap_or_default();
                    let bound =
                        BTreeMap::from([("key".to_string(), key), ("value".to_string(), value)]);
                    (
                        format!("[{text:?}]"),
                        vec![("each".to_string(), Val::Map(bound))],
                    )
                })
                .collect();
        }
    }
    // No count or for_each, or a collection that is not known: one instance, in which
    // `count.index` and `each.*` stay unknown.
    vec![(String::new(), scope)]
}

fn string_field(value: Option<(Val, Span)>) -> Field<String> {
    match value {
        None | Some((Val::Null, _)) => Field::Absent,
        Some((Val::Unknown { expr, nonempty }, span)) => Field::Unknown {
            expr,
            span,
            nonempty,
        },
        Some((v, span)) => match v.as_text() {
            Some(s) => Field::known(s, span),
            None => Field::known(String::new(), span),
        },
    }
}

fn bool_field(value: Option<(Val, Span)>) -> Field<bool> {
    match value {
        None | Some((Val::Null, _)) => Field::Absent,
        Some((Val::Bool(b), span)) => Field::known(b, span),
        Some((Val::Str(s), span)) if s == "true" || s == "false" => Field::known(s == "true", span),
        Some((Val::Unknown { expr, .. }, span)) => Field::Unknown {
            expr,
            span,
            nonempty: false,
        },
        Some((v, span)) => Field::Unknown {
            expr: format!("{v:?} (not a boolean)"),
            span,
            nonempty: false,
        },
    }
}

/// The block's header: from its start to the end of its first line.
fn head_span(text: &str, span: Span) -> Span {
    let rest = text.get(span.start..span.end).unwrap_or("");
    let end = rest.find('\n').unwrap_or(rest.len());
    Span::new(span.start, span.start + rest[..end].trim_end().len())
}

fn block_site(ev: &Evaluator, file: usize, block: &Block, address: String) -> Site {
    let span = span_of(block);
    Site {
        input: ev.input_of(file),
        span,
        head: head_span(ev.source(file), span),
        address,
    }
}

fn load_cluster(
    ev: &Evaluator,
    file: usize,
    block: &Block,
    scope: Scope,
    address: String,
    model: &mut Model,
) {
    let node = Node::Block {
        file,
        body: &block.body,
        scope,
        span: span_of(block),
    };
    let workload_pool = match first_block(ev, &node, "workload_identity_config") {
        Err(unknown) => unknown.field(),
        Ok(None) => Field::Absent,
        Ok(Some(wi)) => {
            let pool = string_field(wi.attr(ev, "workload_pool"));
            match pool {
                Field::Known { ref value, .. } if !value.is_empty() => pool,
                Field::Unknown { .. } => pool,
                _ => match string_field(wi.attr(ev, "identity_namespace")) {
                    Field::Absent => pool,
                    ns => ns,
                },
            }
        }
    };
    let site = block_site(ev, file, block, address.clone());
    let cluster = Cluster {
        insert_at: site.head,
        site,
        origin: Origin::Config,
        name: string_field(node.attr(ev, "name")),
        label: Some(block.labels[1].as_str().to_string()),
        project: string_field(node.attr(ev, "project")),
        location: string_field(node.attr(ev, "location")),
        autopilot: bool_field(node.attr(ev, "enable_autopilot")),
        workload_pool,
    };
    let index = model.clusters.len();
    let autopilot = cluster.autopilot.clone();
    model.clusters.push(cluster);

    let base = PoolBase {
        input: ev.input_of(file),
        cluster: ClusterLink::Index(index),
        project: model.clusters[index].project.clone(),
        location: model.clusters[index].location.clone(),
    };
    match node.blocks(ev, "node_pool") {
        Blocks::Known(inline) if !inline.is_empty() => {
            for (i, pool) in inline.iter().enumerate() {
                let head = head_span(ev.source(file), pool.span());
                let site = Site {
                    input: base.input,
                    span: pool.span(),
                    head,
                    address: format!("{address}.node_pool[{i}]"),
                };
                let p = pool_from(ev, &base, pool, site, PoolKind::Inline(i), None);
                model.node_pools.push(p);
            }
        }
        Blocks::Unknown { expr, span } => {
            let site = Site {
                input: base.input,
                span,
                head: head_span(ev.source(file), span),
                address: format!("{address}.node_pool[*]"),
            };
            let p = pool_from(
                ev,
                &base,
                &node,
                site,
                PoolKind::Inline(0),
                Some((expr, span)),
            );
            model.node_pools.push(NodePool {
                metadata_config: Field::Absent,
                mode: Field::Absent,
                node_metadata: Field::Absent,
                node_config: None,
                ..p
            });
        }
        Blocks::Known(_) => {
            // No inline pools: Terraform builds the default pool from the cluster's own
            // `node_config`, unless the cluster is Autopilot or deletes it.
            if autopilot.value() == Some(&true) {
                return;
            }
            let removed = bool_field(node.attr(ev, "remove_default_node_pool"));
            let uncertain = match removed {
                Field::Known { value: true, .. } => return,
                Field::Unknown { expr, span, .. } => Some((expr, span)),
                _ => None,
            };
            let site = block_site(ev, file, block, address);
            let p = pool_from(ev, &base, &node, site, PoolKind::Default, uncertain);
            model.node_pools.push(NodePool {
                name: Field::Absent,
                label: None,
                ..p
            });
        }
    }
}

struct PoolBase {
    input: usize,
    cluster: ClusterLink,
    project: Field<String>,
    location: Field<String>,
}

/// Reads a node pool's settings from `node` (a pool resource, an inline `node_pool`, or the
/// cluster itself for its default pool).
fn pool_from(
    ev: &Evaluator,
    base: &PoolBase,
    node: &Node,
    site: Site,
    kind: PoolKind,
    uncertain: Option<(String, Span)>,
) -> NodePool {
    let config = first_block(ev, node, "node_config");
    let node_config = config
        .as_ref()
        .ok()
        .and_then(|c| c.as_ref().map(Node::span));
    let wmc = config.and_then(|c| {
        c.map_or(Ok(None), |c| {
            first_block(ev, &c, "workload_metadata_config")
        })
    });
    let (metadata_config, mode, node_metadata) = match wmc {
        Err(unknown) => (unknown.field(), Field::Absent, Field::Absent),
        Ok(None) => (Field::Absent, Field::Absent, Field::Absent),
        Ok(Some(w)) => (
            Field::known((), w.span()),
            string_field(w.attr(ev, "mode")),
            string_field(w.attr(ev, "node_metadata")),
        ),
    };
    let own = |key| string_field(node.attr(ev, key));
    let (project, location) = match kind {
        PoolKind::Inline(_) | PoolKind::Separate => (
            or(own("project"), &base.project),
            or(own("location"), &base.location),
        ),
        _ => (base.project.clone(), base.location.clone()),
    };
    NodePool {
        site,
        origin: Origin::Config,
        kind,
        name: own("name"),
        label: None,
        cluster: base.cluster.clone(),
        project,
        location,
        metadata_config,
        mode,
        node_metadata,
        node_config,
        uncertain,
    }
}

fn or(field: Field<String>, fallback: &Field<String>) -> Field<String> {
    match field {
        Field::Absent => fallback.clone(),
        f => f,
    }
}

fn load_separate_pool(
    ev: &Evaluator,
    file: usize,
    block: &Block,
    scope: Scope,
    address: String,
    clusters: &HashMap<String, usize>,
    model: &Model,
) -> NodePool {
    let link = cluster_link(ev, file, &scope, block, clusters, model);
    let (project, location) = match &link {
        ClusterLink::Index(i) => (
            model.clusters[*i].project.clone(),
            model.clusters[*i].location.clone(),
        ),
        ClusterLink::Missing { .. } => (Field::Absent, Field::Absent),
    };
    let base = PoolBase {
        input: ev.input_of(file),
        cluster: link,
        project,
        location,
    };
    let node = Node::Block {
        file,
        body: &block.body,
        scope,
        span: span_of(block),
    };
    let site = block_site(ev, file, block, address);
    let mut pool = pool_from(ev, &base, &node, site, PoolKind::Separate, None);
    pool.label = Some(block.labels[1].as_str().to_string());
    pool
}

/// Joins a `google_container_node_pool` to its cluster: by reference
/// (`google_container_cluster.X.id|name|self_link`), or by a known name or id.
fn cluster_link(
    ev: &Evaluator,
    file: usize,
    scope: &Scope,
    block: &Block,
    clusters: &HashMap<String, usize>,
    model: &Model,
) -> ClusterLink {
    let Some(attr) = block.body.get_attribute("cluster") else {
        return ClusterLink::Missing {
            name: None,
            reference: None,
        };
    };
    let reference = Some(ev.text(file, &attr.value));
    if let Expression::Traversal(t) = &attr.value {
        if let Expression::Variable(root) = &t.expr {
            if root.as_str() == "google_container_cluster" {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                if let Some(TraversalOperator::GetAttr(label)) = ops.first() {
                    let mut address = format!("google_container_cluster.{}", label.as_str());
                    if let Some(TraversalOperator::Index(key)) = ops.get(1) {
                        match ev.eval(file, scope, key).settle() {
                            Val::Str(k) => address.push_str(&format!("[{k:?}]")),
                            Val::Num(n) => {
                                address.push_str(&format!("[{}]", eval::format_number(n)))
                            }
                            _ => {}
                        }
                    }
                    if let Some(&i) = clusters.get(&address) {
                        return ClusterLink::Index(i);
                    }
                    return ClusterLink::Missing {
                        name: None,
                        reference,
                    };
                }
            }
        }
    }
    match ev.eval(file, scope, &attr.value).settle() {
        Val::Str(s) => {
            // A name, or an id such as projects/P/locations/L/clusters/NAME.
            let name = s.rsplit('/').next().unwrap_or(&s).to_string();
            let found = clusters
                .values()
                .find(|&&i| model.clusters[i].name.as_str() == Some(name.as_str()));
            match found {
                Some(&i) => ClusterLink::Index(i),
                None => ClusterLink::Missing {
                    name: Some(name),
                    reference,
                },
            }
        }
        _ => ClusterLink::Missing {
            name: None,
            reference,
        },
    }
}
