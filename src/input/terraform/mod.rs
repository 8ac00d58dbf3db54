//! Terraform configuration (HCL): `google_container_cluster` with its default and inline
//! node pools, and `google_container_node_pool` joined to its cluster.

pub mod build;
pub mod eval;
pub mod split;
pub mod types;

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};

use crate::model::{ClusterLink, Field, Missing, Model, PoolKind, Site};
use crate::span::Span;
use build::{PoolBase, Unexpanded, View};
use eval::{Evaluator, Module, ModuleFile, Scope, Val};

/// How deep local modules may call local modules.
const MAX_MODULE_DEPTH: usize = 16;

/// The most instances one resource, module call or `dynamic` block expands to (`count`,
/// `for_each`): a node pool repeated more often than this is not a configuration gkecheck
/// can check whole.
pub const MAX_INSTANCES: usize = 1_000;

/// The most module instances one check loads (calls of calls, each with `count`).
pub const MAX_MODULE_INSTANCES: usize = 1_000;

/// Arguments of a `module` block that are Terraform's own, not the module's variables.
const MODULE_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// The Terraform inputs of one directory: its `.tf` files and the variable files Terraform
/// loads by itself there (`terraform.tfvars`, then `*.auto.tfvars`).
#[derive(Default)]
pub struct Dir<'a> {
    pub files: Vec<ModuleFile<'a>>,
    pub vars: Vec<ModuleFile<'a>>,
}

/// Something the loader could not check, at an input and byte offset.
pub struct Note {
    pub input: usize,
    pub offset: usize,
    pub message: String,
}

/// Where one variable of one module instance gets its value: the place a fix edits when a
/// setting comes from that variable.
#[derive(Clone, Debug, PartialEq)]
pub struct VarSource {
    /// The module instance's address prefix: empty for a root module, `module.gke.` for a
    /// module it calls.
    pub prefix: String,
    pub name: String,
    /// The input and span of the value expression that decides the variable.
    pub input: usize,
    pub span: Span,
    pub kind: VarKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum VarKind {
    /// A `.tfvars` entry.
    Tfvars,
    /// An argument of the module call, evaluated in the caller (whose prefix this is).
    Argument { caller: String },
    /// The variable's `default`, nothing overriding it.
    Default,
}

/// What `terraform init` recorded in `.terraform/modules/modules.json`: for each module call
/// (its key: call names joined by dots, `gke` or `gke.node_pools`), the directory holding its
/// downloaded source, as a directory of the input (resolved against the directory init ran in).
pub struct Manifest {
    pub input: usize,
    /// (key, directory) pairs.
    pub modules: Vec<(String, String)>,
}

impl Manifest {
    /// Reads a manifest; returns the directory `terraform init` ran in with it.
    pub fn read(
        input: usize,
        name: &str,
        doc: &crate::input::json::Json,
    ) -> Result<(String, Manifest), crate::input::Problem> {
        let problem = |offset: usize, message: &str| crate::input::Problem {
            offset,
            message: message.to_string(),
        };
        let name = name.replace('\\', "/");
        let root = name
            .strip_suffix(".terraform/modules/modules.json")
            .unwrap_or("")
            .trim_end_matches('/')
            .to_string();
        let list = doc
            .get("Modules")
            .and_then(|m| m.as_array())
            .ok_or_else(|| problem(doc.span.start(), "expected the manifest `terraform init` writes: an object with a \"Modules\" list"))?;
        let mut modules = Vec::new();
        for entry in list {
            let (Some(key), Some(dir)) = (
                entry.get("Key").and_then(|k| k.as_str()),
                entry.get("Dir").and_then(|d| d.as_str()),
            ) else {
                return Err(problem(
                    entry.span.start(),
                    "expected each module of the manifest to have a \"Key\" and a \"Dir\" (strings)",
                ));
            };
            if key.is_empty() {
                continue;
            }
            modules.push((key.to_string(), resolve(&root, &dir.replace('\\', "/"))));
        }
        Ok((root, Manifest { input, modules }))
    }
}

/// A variable's value with the place it was set.
type Given = HashMap<String, (Val, usize, Span, VarKind)>;

/// What loading the Terraform modules found besides the model.
#[derive(Default)]
pub struct Loaded {
    pub notes: Vec<Note>,
    /// What could not be read within gkecheck's limits: the input's error.
    pub problems: Vec<Note>,
    pub sources: Vec<VarSource>,
    /// Module instances loaded so far (see `MAX_MODULE_INSTANCES`).
    modules: usize,
    /// The first cluster of the root module being loaded: a pool joins clusters of its own
    /// configuration (any of its modules), never those of another root or of live output.
    root_clusters: usize,
    /// Given values converted to variables' types, for every module loaded.
    conversions: eval::Conversions,
    /// The clusters of the configuration being loaded, by name.
    everywhere: build::Everywhere,
    /// Clusters and node pools parsed as they are built.
    pub parsed: Trees,
    /// How many instances of each module (by the input of its first file) ran out of work:
    /// one note each module says so, not one each instance.
    exhausted: BTreeMap<usize, usize>,
}

/// What parsing clusters and node pools as they are built found.
#[derive(Default)]
pub struct Trees {
    /// An input whose cluster or node pool did not parse: what was loaded is to be loaded
    /// again with that file parsed whole (see `split`).
    pub broken: Option<usize>,
    /// The trees of modules called by others, by their `Deferred`'s address: each instance
    /// of such a module builds them.
    trees: HashMap<usize, Rc<Block>>,
}

/// Adds the clusters and node pools of every root module to the model. A directory is a root
/// unless a module in the input calls it as a local module (`source = "./modules/gke"`), in
/// which case it is evaluated with its caller's arguments, under its caller's address.
/// `var_files` (given explicitly, like `-var-file`) apply to every root module.
pub fn load_all(
    dirs: &BTreeMap<String, Dir<'_>>,
    var_files: &[ModuleFile<'_>],
    manifests: &BTreeMap<String, Manifest>,
    model: &mut Model,
) -> Loaded {
    let mut called = std::collections::BTreeSet::new();
    // What `terraform init` downloaded is called by the configuration that ran it.
    for (root, manifest) in manifests {
        called.extend(
            manifest
                .modules
                .iter()
                .map(|(_, d)| d)
                .filter(|d| *d != root)
                .cloned(),
        );
    }
    for (key, dir) in dirs {
        for file in &dir.files {
            for block in file.body.blocks().filter(|b| b.ident.as_str() == "module") {
                if let Some(source) = local_source(block) {
                    let child = resolve(key, source);
                    if child != *key {
                        called.insert(child);
                    }
                }
            }
        }
    }
    let mut loaded = Loaded::default();
    for (key, dir) in dirs {
        if called.contains(key) {
            continue;
        }
        let given = variable_values(dir.vars.iter().chain(var_files));
        loaded.root_clusters = model.clusters.len();
        let at = Call {
            manifest: manifests.get(key),
            path: String::new(),
            prefix: String::new(),
            depth: 0,
            provider: None,
        };
        load_module(dirs, key, given, &at, model, &mut loaded);
        if loaded.parsed.broken.is_some() {
            return loaded;
        }
    }
    for (&input, &instances) in &loaded.exhausted {
        let which = match instances {
            1 => String::new(),
            n => format!(" in {n} of its instances"),
        };
        loaded.notes.push(Note {
            input,
            offset: 0,
            message: format!(
                "evaluating this module stopped after {} steps of work (gkecheck's limit){which}: the results that depend on what was left are unknown, naming the limit",
                eval::MAX_EVAL_WORK
            ),
        });
    }
    // A cluster or node pool no instance built (of a module called with `count = 0`, say)
    // is parsed all the same: a file's syntax is checked whole, as Terraform does.
    for dir in dirs.values() {
        for file in &dir.files {
            for deferred in file.deferred.iter().filter(|d| !d.parsed.get()) {
                if split::parse_deferred(file.text, deferred).is_none() {
                    loaded.parsed.broken = Some(file.input);
                    return loaded;
                }
            }
        }
    }
    loaded
}

/// The values set in `.tfvars` files, later files winning.
fn variable_values<'f, 'a: 'f>(files: impl Iterator<Item = &'f ModuleFile<'a>>) -> Given {
    let mut values = HashMap::new();
    for file in files {
        let module = Module::new(
            vec![ModuleFile {
                input: file.input,
                text: file.text,
                body: file.body,
                deferred: &[],
            }],
            HashMap::new(),
        );
        let ev = Evaluator::new(&module);
        for attr in file.body.attributes() {
            values.insert(
                attr.key.as_str().to_string(),
                (
                    ev.eval(0, &Scope::new(), &attr.value).settle(),
                    file.input,
                    span_of(&attr.value),
                    VarKind::Tfvars,
                ),
            );
        }
    }
    values
}

/// `source = "./x"` or `"../x"`: a module in the same configuration.
fn local_source(block: &Block) -> Option<&str> {
    match &block.body.get_attribute("source")?.value {
        Expression::String(s) if s.starts_with("./") || s.starts_with("../") => Some(s.as_str()),
        _ => None,
    }
}

/// The directory `source` names, relative to `dir`, with `.` and `..` worked out.
fn resolve(dir: &str, source: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for piece in source.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Adds one module instance's clusters, the clusters and node pools of the modules it calls,
/// then its own node pools (which may name a cluster through a module's output). Returns the
/// module's outputs, for its caller.
fn load_module(
    dirs: &BTreeMap<String, Dir<'_>>,
    key: &str,
    given: Given,
    at: &Call,
    model: &mut Model,
    loaded: &mut Loaded,
) -> Val {
    let (prefix, depth) = (at.prefix.as_str(), at.depth);
    let files = dirs[key]
        .files
        .iter()
        .map(|f| ModuleFile {
            input: f.input,
            text: f.text,
            body: f.body,
            deferred: f.deferred,
        })
        .collect();
    // Where each declared variable gets its value, for fixes.
    for file in &dirs[key].files {
        for block in file
            .body
            .blocks()
            .filter(|b| b.ident.as_str() == "variable")
        {
            let Some(name) = block.labels.first().map(|l| l.as_str().to_string()) else {
                continue;
            };
            let source = match given.get(&name) {
                Some((_, input, span, kind)) => Some((*input, *span, kind.clone())),
                None => block
                    .body
                    .get_attribute("default")
                    .map(|d| (file.input, span_of(&d.value), VarKind::Default)),
            };
            if let Some((input, span, kind)) = source {
                loaded.sources.push(VarSource {
                    prefix: prefix.to_string(),
                    name,
                    input,
                    span,
                    kind,
                });
            }
        }
    }
    let given = given.into_iter().map(|(k, (v, ..))| (k, v)).collect();
    let mut module = Module::new(files, given);
    module.share_conversions(&loaded.conversions);
    let ev = Evaluator::new(&module);
    let provider = match (&at.provider, depth) {
        (_, 0) => Some(provider_defaults(&ev, &module)),
        (inherited, _) => inherited.clone(),
    };
    // Clusters first, so node pools can be joined to them: address → model index.
    let mut clusters: HashMap<String, usize> = HashMap::new();
    // Each cluster instance's label and instance key, for references to it.
    let mut cluster_values: Vec<(String, Option<Val>, usize)> = Vec::new();
    let mut pools = Vec::new();
    let mut calls = Vec::new();
    // The module's resources in the order of its files: those of a file's tree, and the
    // clusters and node pools left to parse, by where they start.
    let mut resources: Vec<((usize, usize), usize, Resource)> = Vec::new();
    for (f, file) in module.files.iter().enumerate() {
        for block in file.body.blocks() {
            if block.ident.as_str() == "module" && block.labels.len() == 1 {
                calls.push((f, block));
            }
            if block.ident.as_str() == "resource" && block.labels.len() == 2 {
                let cluster = match block.labels[0].as_str() {
                    "google_container_cluster" => true,
                    "google_container_node_pool" => false,
                    _ => continue,
                };
                let label = block.labels[1].as_str();
                let at = (f, span_of(block).start());
                resources.push((at, f, Resource::Parsed(block, cluster, label)));
            }
        }
    }
    for (k, piece) in module.pieces.iter().enumerate() {
        let d = piece.deferred;
        let at = (piece.file, d.range.start);
        let resource = Resource::Deferred(k, d.cluster, d.label.as_str());
        resources.push((at, module.files.len() + k, resource));
    }
    crate::sort::sort_by_key(&mut resources, |r| r.0);
    let cache = depth > 0;
    for (_, f, resource) in resources {
        if !resource.cluster() {
            pools.push((f, resource));
            continue;
        }
        let opened = resource.open(&ev, f, cache, (&mut loaded.parsed, &mut loaded.problems));
        let Some((tree, list)) = opened else { continue };
        let (block, label) = (tree.block(), resource.label());
        for (suffix, scope) in list {
            let address = format!("{prefix}google_container_cluster.{label}{suffix}");
            let instance = instance_key(&scope);
            let view = HclView::of_block(&ev, f, block, scope);
            let head = view.head();
            let index = build::cluster(
                &view,
                ev.input_of(f),
                &address,
                Some(label.to_string()),
                model,
            );
            // What the cluster leaves out, the provider gives it.
            let cluster = &mut model.clusters[index];
            let inherit = |field: &mut Field<String>, value: &Option<String>| {
                if let (Field::Absent, Some(value)) = (&*field, value) {
                    *field = Field::Known {
                        value: value.clone(),
                        span: head,
                    };
                }
            };
            // A cluster on another provider (`google-beta`, an alias) has its own defaults,
            // not read here.
            let default_provider = block
                .body
                .get_attribute("provider")
                .is_none_or(|a| ev.text(f, &a.value) == "google");
            if let Some(p) = provider.as_ref().filter(|_| default_provider) {
                inherit(&mut cluster.project, &p.project);
                inherit(&mut cluster.location, &p.zone);
            }
            cluster_values.push((label.to_string(), instance, index));
            if clusters.insert(address.clone(), index).is_some() {
                loaded.notes.push(Note {
                    input: ev.input_of(f),
                    offset: ev.span(f, block).start(),
                    message: format!("{address} is declared more than once in this directory's files (Terraform rejects that); node pools are joined to the last one"),
                });
            }
        }
    }
    if loaded.parsed.broken.is_some() {
        return Val::Null;
    }
    // What the module's own expressions can know of its clusters.
    ev.set_root(
        "google_container_cluster",
        instances_value(
            cluster_values
                .into_iter()
                .map(|(label, key, i)| (label, key, cluster_value(&model.clusters[i]))),
        ),
    );
    let mut module_values = Vec::new();
    for (f, block) in calls {
        let name = block.labels[0].as_str();
        let head = head_span(ev.source(f), ev.span(f, block));
        let note = |message: String| Note {
            input: ev.input_of(f),
            offset: head.start(),
            message,
        };
        let source = block
            .body
            .get_attribute("source")
            .map(|a| ev.text(f, &a.value))
            .unwrap_or_default();
        let path = if at.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", at.path)
        };
        // A local module, or what `terraform init` downloaded for this call.
        let local = local_source(block).map(|s| resolve(key, s));
        let downloaded = at
            .manifest
            .and_then(|m| m.modules.iter().find(|(k, _)| *k == path))
            .map(|(_, d)| d.clone());
        let child = local
            .clone()
            .filter(|c| dirs.contains_key(c))
            .or_else(|| downloaded.clone().filter(|d| dirs.contains_key(d)))
            .filter(|c| c != key);
        let Some(child) = child else {
            let message = match (&local, &downloaded) {
                (None, Some(dir)) => format!(
                    "module \"{name}\" (source = {source}): `terraform init` put its source in {dir}, but no .tf file from there is in the input, so the clusters and node pools it makes were not checked; check the directory that holds .terraform, or a plan (`terraform show -json`)"
                ),
                (None, None) => format!(
                    "module \"{name}\" (source = {source}) is not in the input: the clusters and node pools it makes were not checked. Run `terraform init` and check this directory again (gkecheck reads the module from .terraform/modules, as Terraform does), or check a plan (`terraform show -json`)"
                ),
                (Some(_), _) => format!(
                    "module \"{name}\" (source = {source}) is not in the input: the clusters and node pools it makes were not checked; check its code too, or a plan (`terraform show -json`) that includes it"
                ),
            };
            loaded.notes.push(note(message));
            continue;
        };
        if depth >= MAX_MODULE_DEPTH {
            loaded.notes.push(note(format!(
                "module \"{name}\" was not checked: local modules call each other more than {MAX_MODULE_DEPTH} deep"
            )));
            continue;
        }
        let Some(list) = expanded(&ev, f, block, &mut loaded.problems) else {
            continue;
        };
        for (suffix, scope) in list {
            loaded.modules += 1;
            if loaded.modules > MAX_MODULE_INSTANCES {
                loaded.problems.push(note(format!(
                    "module \"{name}\" was not checked: expected at most {MAX_MODULE_INSTANCES} module instances in one check (gkecheck's limit), and the calls here make more"
                )));
                break;
            }
            let args: Given = block
                .body
                .attributes()
                .filter(|a| !MODULE_META.contains(&a.key.as_str()))
                .map(|a| {
                    (
                        a.key.as_str().to_string(),
                        (
                            ev.eval(f, &scope, &a.value).settle(),
                            ev.input_of(f),
                            span_of(&a.value),
                            VarKind::Argument {
                                caller: prefix.to_string(),
                            },
                        ),
                    )
                })
                .collect();
            let instance = instance_key(&scope);
            let inner = Call {
                manifest: at.manifest,
                path: path.clone(),
                prefix: format!("{prefix}module.{name}{suffix}."),
                depth: depth + 1,
                // A call that maps providers may give the module another one.
                provider: provider
                    .clone()
                    .filter(|_| block.body.get_attribute("providers").is_none()),
            };
            let outputs = load_module(dirs, &child, args, &inner, model, loaded);
            if loaded.parsed.broken.is_some() {
                return Val::Null;
            }
            module_values.push((name.to_string(), instance, outputs));
        }
    }
    ev.set_root("module", instances_value(module_values.into_iter()));
    let mut module_clusters: Vec<usize> = clusters.values().copied().collect();
    module_clusters.sort_unstable();
    let named = build::Named::of(model, module_clusters.into_iter());
    let everywhere = loaded
        .everywhere
        .of_configuration(model, loaded.root_clusters);
    for (f, resource) in pools {
        let opened = resource.open(&ev, f, cache, (&mut loaded.parsed, &mut loaded.problems));
        let Some((tree, list)) = opened else { continue };
        let (block, label) = (tree.block(), resource.label());
        for (suffix, scope) in list {
            let address = format!("{prefix}google_container_node_pool.{label}{suffix}");
            let link = cluster_link(
                &ev,
                f,
                &scope,
                block,
                prefix,
                (&clusters, &named, everywhere),
                model,
            );
            let view = HclView::of_block(&ev, f, block, scope);
            let base = match link {
                ClusterLink::Index(i) => PoolBase {
                    input: ev.input_of(f),
                    cluster: link,
                    project: model.clusters[i].project.clone(),
                    location: model.clusters[i].location.clone(),
                },
                missing => PoolBase {
                    input: ev.input_of(f),
                    cluster: missing,
                    project: Field::Absent,
                    location: Field::Absent,
                },
            };
            let site = Site {
                input: ev.input_of(f),
                span: view.span(),
                head: view.head(),
                address: address.into(),
                editable: true,
            };
            if let Some(Missing {
                name: Some(name),
                alike,
                ..
            }) = base.cluster.missing()
            {
                if *alike > 1 {
                    loaded.notes.push(Note {
                        input: site.input,
                        offset: site.head.start(),
                        message: format!("node pool {label} names cluster {name}, and {alike} clusters of that name are in the input, which the pool's location and project do not tell apart: it is joined to none of them (give the pool's location and project to say which)"),
                    });
                }
            }
            let mut pool = build::pool(&view, &base, site, PoolKind::Separate, None);
            pool.label = Some(label.to_string());
            model.node_pools.push(pool);
        }
    }
    if loaded.parsed.broken.is_some() {
        return Val::Null;
    }
    // The outputs, for the caller.
    let mut outputs = BTreeMap::new();
    for (f, file) in module.files.iter().enumerate() {
        for block in file.body.blocks().filter(|b| b.ident.as_str() == "output") {
            if let (Some(label), Some(value)) =
                (block.labels.first(), block.body.get_attribute("value"))
            {
                let v = ev.eval(f, &Scope::new(), &value.value).settle();
                outputs.insert(label.as_str().to_string(), v);
            }
        }
    }
    // Once everything of the module is evaluated: its clusters, the arguments of the modules
    // it calls, its node pools and its outputs.
    if ev.exhausted() && !module.files.is_empty() {
        *loaded.exhausted.entry(ev.input_of(0)).or_default() += 1;
    }
    Val::map(outputs)
}

/// A cluster or node pool resource of a module: a block of a file's tree, or a piece of a
/// file parsed when it is built. Each with whether it is a cluster, and its label.
#[derive(Clone, Copy)]
enum Resource<'a> {
    Parsed(&'a Block, bool, &'a str),
    /// The module's piece of that index.
    Deferred(usize, bool, &'a str),
}

/// A resource's block, borrowed from its file's tree or parsed for the time it is built.
enum Tree<'a> {
    Borrowed(&'a Block),
    Owned(Rc<Block>),
}

impl Tree<'_> {
    fn block(&self) -> &Block {
        match self {
            Tree::Borrowed(block) => block,
            Tree::Owned(block) => block,
        }
    }
}

impl<'a> Resource<'a> {
    fn cluster(&self) -> bool {
        match self {
            Resource::Parsed(_, cluster, _) | Resource::Deferred(_, cluster, _) => *cluster,
        }
    }

    fn label(&self) -> &'a str {
        match self {
            Resource::Parsed(_, _, label) | Resource::Deferred(_, _, label) => label,
        }
    }

    /// Its tree and its instances (see `instances`); `None` when there is nothing to build:
    /// more instances than the limit (noted), or a piece that does not parse (`broken` says so:
    /// its file is to be read again whole).
    fn open(
        &self,
        ev: &Evaluator<'_, 'a>,
        file: usize,
        keep: bool,
        (parsed, problems): (&mut Trees, &mut Vec<Note>),
    ) -> Option<(Tree<'a>, Vec<(String, Scope)>)> {
        let tree = self.tree(ev.module(), keep, parsed)?;
        let list = expanded(ev, file, tree.block(), problems)?;
        Some((tree, list))
    }

    /// The resource's block. A piece is parsed: its tree kept for the rest of the check when
    /// `keep` (a module called several times builds its resources once per instance), let go
    /// after it is built otherwise. `None` when it does not parse: `broken` says which input,
    /// to read again parsed whole.
    fn tree(&self, module: &Module<'a>, keep: bool, parsed: &mut Trees) -> Option<Tree<'a>> {
        match *self {
            Resource::Parsed(block, ..) => Some(Tree::Borrowed(block)),
            Resource::Deferred(k, ..) => {
                let piece = &module.pieces[k];
                let file = &module.files[piece.file];
                let key = std::ptr::from_ref(piece.deferred) as usize;
                if let Some(tree) = parsed.trees.get(&key) {
                    return Some(Tree::Owned(tree.clone()));
                }
                // The piece is one block (the scanner found it so): anything else, the file is
                // read again whole.
                let block = split::parse_deferred(file.text, piece.deferred).and_then(|body| {
                    let mut structures = body.into_iter();
                    match (structures.next(), structures.next()) {
                        (Some(Structure::Block(block)), None) => Some(Rc::new(block)),
                        _ => None,
                    }
                });
                let Some(block) = block else {
                    parsed.broken.get_or_insert(file.input);
                    return None;
                };
                if keep {
                    parsed.trees.insert(key, block.clone());
                }
                Some(Tree::Owned(block))
            }
        }
    }
}

/// Where a module instance is called from: the manifest of its root configuration, the key of
/// its call there (`gke.pools`), its address prefix (`module.gke.`) and its depth.
struct Call<'m> {
    manifest: Option<&'m Manifest>,
    path: String,
    prefix: String,
    depth: usize,
    /// The default Google provider's `project` and `zone`, from the root module: what a
    /// cluster that does not set its own gets. None below a call that passes `providers`.
    provider: Option<Defaults>,
}

/// What the default (unaliased) `google` provider block sets that resources inherit.
#[derive(Clone, Default)]
struct Defaults {
    project: Option<String>,
    zone: Option<String>,
}

/// The root module's default Google provider: its `project` and `zone` when known.
fn provider_defaults(ev: &Evaluator, module: &Module) -> Defaults {
    let mut out = Defaults::default();
    for (f, file) in module.files.iter().enumerate() {
        for block in file.body.blocks().filter(|b| {
            b.ident.as_str() == "provider"
                && b.labels.first().is_some_and(|l| l.as_str() == "google")
                && b.body.get_attribute("alias").is_none()
        }) {
            let known = |key: &str| {
                block.body.get_attribute(key).and_then(|a| {
                    match ev.eval(f, &Scope::new(), &a.value).settle() {
                        Val::Str(s) if !s.is_empty() => Some(s),
                        _ => None,
                    }
                })
            };
            out.project = known("project");
            out.zone = known("zone");
        }
    }
    out
}

/// The key of a resource or module instance: `count.index`, `each.key`, or none.
fn instance_key(scope: &Scope) -> Option<Val> {
    scope.iter().find_map(|(name, v)| match name.as_str() {
        "count" => Some(eval::index(v, &Val::Str("index".into()))),
        "each" => Some(eval::index(v, &Val::Str("key".into()))),
        _ => None,
    })
}

/// One instance's key (`count.index`, `each.key`, or none) and value.
type Instance = (Option<Val>, Val);

/// Instances by label as Terraform's references see them: one object, a list (`count`) or a
/// map (`for_each`).
fn instances_value(items: impl Iterator<Item = (String, Option<Val>, Val)>) -> Val {
    // Grouped by label in first-seen order (a module of thousands of cluster resources has as
    // many labels: each is found by its name, not looked for in the list).
    let mut by_label: Vec<(String, Vec<Instance>)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (label, key, value) in items {
        match at.get(&label) {
            Some(&i) => by_label[i].1.push((key, value)),
            None => {
                at.insert(label.clone(), by_label.len());
                by_label.push((label, vec![(key, value)]));
            }
        }
    }
    let mut out = BTreeMap::new();
    for (label, mut list) in by_label {
        let value = match list.first() {
            Some((None, _)) if list.len() == 1 => list.pop().map(|(_, v)| v).unwrap_or(Val::Null),
            // `count` instances come in index order.
            Some((Some(Val::Num(_)), _)) => Val::list(list.into_iter().map(|(_, v)| v).collect()),
            Some((Some(Val::Str(_)), _)) => {
                let mut map = BTreeMap::new();
                for (key, v) in list {
                    if let Some(key) = key.and_then(|k| k.as_text()) {
                        map.insert(key, v);
                    }
                }
                Val::map(map)
            }
            // Instances whose keys are not known: references to them stay unknown.
            _ => continue,
        };
        out.insert(label, value);
    }
    Val::map(out)
}

/// What a reference to a cluster can know: its name, location, project and id, when the
/// configuration states them; other attributes are known at apply time.
fn cluster_value(cluster: &crate::model::Cluster) -> Val {
    let mut out = BTreeMap::new();
    let field = |f: &Field<String>| match f {
        Field::Known { value, .. } => Some(Val::Str(value.clone())),
        Field::Unknown { expr, nonempty, .. } => Some(Val::Unknown {
            expr: expr.to_string(),
            nonempty: *nonempty,
        }),
        Field::Absent => None,
    };
    for (key, f) in [
        ("name", &cluster.name),
        ("location", &cluster.location),
        ("project", &cluster.project),
    ] {
        if let Some(v) = field(f) {
            out.insert(key.to_string(), v);
        }
    }
    if let (Some(p), Some(l), Some(n)) = (
        cluster.project.as_str(),
        cluster.location.as_str(),
        cluster.name.as_str(),
    ) {
        out.insert(
            "id".to_string(),
            Val::Str(format!("projects/{p}/locations/{l}/clusters/{n}")),
        );
    }
    Val::map(out)
}

/// An HCL block (or attribute-syntax object) seen through the evaluator.
struct HclView<'e, 'm, 'a, 'b> {
    ev: &'e Evaluator<'m, 'a>,
    file: usize,
    node: Node<'b>,
}

impl<'e, 'm, 'a, 'b> HclView<'e, 'm, 'a, 'b> {
    fn of_block(ev: &'e Evaluator<'m, 'a>, file: usize, block: &'b Block, scope: Scope) -> Self {
        HclView {
            ev,
            file,
            node: Node::Block {
                file,
                body: &block.body,
                scope,
                span: ev.span(file, block),
            },
        }
    }
}

impl View for HclView<'_, '_, '_, '_> {
    const EDITABLE: bool = true;

    fn span(&self) -> Span {
        self.node.span()
    }

    fn head(&self) -> Span {
        head_span(self.ev.source(self.file), self.node.span())
    }

    fn string(&self, key: &str) -> Field<String> {
        string_field(self.node.attr(self.ev, key))
    }

    fn boolean(&self, key: &str) -> Field<bool> {
        bool_field(self.node.attr(self.ev, key))
    }

    fn strings(&self, key: &str) -> Field<Vec<(String, Span)>> {
        match self.node.attr(self.ev, key) {
            None | Some((Val::Null, _)) => Field::Absent,
            Some((Val::List(items), span)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    match item.clone().settle() {
                        Val::Unknown { expr, .. } => {
                            return Field::Unknown {
                                expr: expr.into(),
                                span,
                                nonempty: false,
                            }
                        }
                        v => out.push((v.as_text().unwrap_or_default(), span)),
                    }
                }
                Field::known(out, span)
            }
            Some((Val::Unknown { expr, .. }, span)) => Field::Unknown {
                expr: expr.into(),
                span,
                nonempty: false,
            },
            Some((v, span)) => Field::Unknown {
                expr: format!("{v:?} (not a list)").into(),
                span,
                nonempty: false,
            },
        }
    }

    fn entry(&self, key: &str, entry: &str) -> Field<String> {
        match self.node.attr(self.ev, key) {
            None | Some((Val::Null, _)) => Field::Absent,
            Some((Val::Map(m), span)) => {
                string_field(m.get(entry).map(|v| (v.clone().settle(), span)))
            }
            Some((Val::Unknown { expr, .. }, span)) => Field::Unknown {
                expr: expr.into(),
                span,
                nonempty: false,
            },
            Some(_) => Field::Absent,
        }
    }

    fn blocks(&self, name: &str) -> Result<Vec<Self>, Unexpanded> {
        match self.node.blocks(self.ev, name) {
            Blocks::Unknown { expr, span } => Err(Unexpanded { expr, span }),
            Blocks::Known(nodes) => Ok(nodes
                .into_iter()
                .map(|node| HclView {
                    ev: self.ev,
                    file: self.file,
                    node,
                })
                .collect()),
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
            } => body.get_attribute(key).map(|a| {
                (
                    ev.eval(*file, scope, &a.value).settle(),
                    ev.span(*file, &a.value),
                )
            }),
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
                            span: ev.span(*file, b),
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
                            match value_blocks(v, ev.span(*file, &a.value)) {
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

fn value_blocks<'a>(v: Val, span: Span) -> Blocks<'a> {
    match v {
        Val::Null => Blocks::Known(Vec::new()),
        Val::List(items) => Blocks::Known(
            Rc::unwrap_or_clone(items)
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
    let span = ev.span(file, block);
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
    if let Some(n) = for_each_entries(&collection)
        .map(|e| e.len())
        .filter(|n| *n > MAX_INSTANCES)
    {
        return Blocks::Unknown {
            expr: format!(
                "dynamic \"{name}\" over {n} elements: more than {MAX_INSTANCES} blocks (gkecheck's limit)"
            ),
            span,
        };
    }
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
                scope.push((iterator.clone(), Val::map(bound)));
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

/// The instances of a resource or module call, or `None` with the problem recorded.
fn expanded(
    ev: &Evaluator,
    file: usize,
    block: &Block,
    problems: &mut Vec<Note>,
) -> Option<Vec<(String, Scope)>> {
    instances(ev, file, block)
        .map_err(|problem| problems.push(problem))
        .ok()
}

/// The instances of a resource or module call: its address suffix and the names bound in it.
/// More than `MAX_INSTANCES` is the input's error, at the `count` or `for_each`.
fn instances(ev: &Evaluator, file: usize, block: &Block) -> Result<Vec<(String, Scope)>, Note> {
    let scope = Scope::new();
    let too_many = |attr: &hcl_edit::structure::Attribute, what: String| {
        Note {
        input: ev.input_of(file),
        offset: ev.span(file, &attr.value).start(),
        message: format!(
            "expected a whole number of instances from 0 to {MAX_INSTANCES} (gkecheck's limit for one resource), found {what}: this resource was not checked"
        ),
    }
    };
    if let Some(count) = block.body.get_attribute("count") {
        if let Val::Num(n) = ev.eval(file, &scope, &count.value).settle() {
            if !(n.is_finite() && (0.0..=MAX_INSTANCES as f64).contains(&n) && n.fract() == 0.0) {
                return Err(too_many(
                    count,
                    format!("count = {}", ev.text(file, &count.value)),
                ));
            }
            return Ok((0..n.max(0.0) as usize)
                .map(|i| {
                    let index = BTreeMap::from([("index".to_string(), Val::Num(i as f64))]);
                    (
                        format!("[{i}]"),
                        vec![("count".to_string(), Val::map(index))],
                    )
                })
                .collect());
        }
    } else if let Some(for_each) = block.body.get_attribute("for_each") {
        let collection = ev.eval(file, &scope, &for_each.value).settle();
        if let Some(entries) = for_each_entries(&collection) {
            if entries.len() > MAX_INSTANCES {
                return Err(too_many(
                    for_each,
                    format!("a for_each over {} elements", entries.len()),
                ));
            }
            return Ok(entries
                .into_iter()
                .map(|(key, value)| {
                    let text = key.as_text().unwrap_or_default();
                    let bound =
                        BTreeMap::from([("key".to_string(), key), ("value".to_string(), value)]);
                    (
                        format!("[{text:?}]"),
                        vec![("each".to_string(), Val::map(bound))],
                    )
                })
                .collect());
        }
    }
    // No count or for_each, or a collection that is not known: one instance, in which
    // `count.index` and `each.*` stay unknown.
    Ok(vec![(String::new(), scope)])
}

fn string_field(value: Option<(Val, Span)>) -> Field<String> {
    match value {
        None | Some((Val::Null, _)) => Field::Absent,
        Some((Val::Unknown { expr, nonempty }, span)) => Field::Unknown {
            expr: expr.into(),
            span,
            nonempty,
        },
        Some((v, span)) => match v.as_text() {
            Some(s) => Field::known(s, span),
            // A list or map where Terraform wants a string: Terraform rejects it, so what GKE
            // would get is not known.
            None => Field::Unknown {
                expr: format!(
                    "a {} where a string is expected",
                    if matches!(v, Val::Map(_)) {
                        "map"
                    } else {
                        "list"
                    }
                )
                .into(),
                span,
                nonempty: false,
            },
        },
    }
}

fn bool_field(value: Option<(Val, Span)>) -> Field<bool> {
    match value {
        None | Some((Val::Null, _)) => Field::Absent,
        Some((Val::Bool(b), span)) => Field::known(b, span),
        Some((Val::Str(s), span)) if s == "true" || s == "false" => Field::known(s == "true", span),
        Some((Val::Unknown { expr, .. }, span)) => Field::Unknown {
            expr: expr.into(),
            span,
            nonempty: false,
        },
        Some((v, span)) => Field::Unknown {
            expr: format!("{v:?} (not a boolean)").into(),
            span,
            nonempty: false,
        },
    }
}

/// The block's header: from its start to the end of its first line.
fn head_span(text: &str, span: Span) -> Span {
    let rest = text.get(span.range()).unwrap_or("");
    let end = rest.find('\n').unwrap_or(rest.len());
    Span::new(span.start(), span.start() + rest[..end].trim_end().len())
}

/// `"${x}"` (the interpolation-only syntax of Terraform before 0.12, still accepted) is `x`.
fn lone_interpolation(expr: &Expression) -> &Expression {
    if let Expression::StringTemplate(t) = expr {
        let mut parts = t.iter();
        if let (Some(hcl_edit::template::Element::Interpolation(i)), None) =
            (parts.next(), parts.next())
        {
            return &i.expr;
        }
    }
    expr
}

/// Joins a `google_container_node_pool` to its cluster: by reference
/// (`google_container_cluster.X.id|name|self_link`) to `clusters` of its module, or by a known
/// name or id, among them first, then among the clusters of its configuration (`everywhere`).
fn cluster_link(
    ev: &Evaluator,
    file: usize,
    scope: &Scope,
    block: &Block,
    prefix: &str,
    (clusters, named, everywhere): (&HashMap<String, usize>, &build::Named, &build::Named),
    model: &Model,
) -> ClusterLink {
    let Some(attr) = block.body.get_attribute("cluster") else {
        return Missing {
            name: None,
            reference: None,
            module: None,
            alike: 0,
            elsewhere: 0,
        }
        .into();
    };
    let reference = Some(ev.text(file, &attr.value));
    if let Expression::Traversal(t) = lone_interpolation(&attr.value) {
        if let Expression::Variable(root) = &t.expr {
            if root.as_str() == "module" {
                // A module's output: joined when the module was loaded and its output names
                // a cluster of the input.
                if let Val::Str(s) = ev.eval(file, scope, &attr.value).settle() {
                    if let link @ ClusterLink::Index(_) =
                        anywhere(ev, file, scope, block, model, everywhere, &s)
                    {
                        return link;
                    }
                }
                let module = match t.operators.first().map(|o| o.value()) {
                    Some(TraversalOperator::GetAttr(name)) => Some(name.as_str().to_string()),
                    _ => None,
                };
                return Missing {
                    name: None,
                    reference,
                    module,
                    alike: 0,
                    elsewhere: 0,
                }
                .into();
            }
            if root.as_str() == "google_container_cluster" {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                if let Some(TraversalOperator::GetAttr(label)) = ops.first() {
                    let mut address =
                        format!("{prefix}google_container_cluster.{}", label.as_str());
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
                    return Missing {
                        name: None,
                        reference,
                        module: None,
                        alike: 0,
                        elsewhere: 0,
                    }
                    .into();
                }
            }
        }
    }
    match ev.eval(file, scope, &attr.value).settle() {
        // A name, or an id such as projects/P/locations/L/clusters/NAME: a cluster of this
        // module, or one the caller passed in (`cluster = google_container_cluster.x.name`).
        // The one of this module that fits the pool's location and project (where known), else
        // the one of its configuration.
        Val::Str(s) => {
            let (project, location) = pool_place(ev, file, scope, block);
            match named.find(model, &s, project.as_deref(), location.as_deref()) {
                ClusterLink::Index(i) => ClusterLink::Index(i),
                _ => anywhere(ev, file, scope, block, model, everywhere, &s),
            }
        }
        _ => Missing {
            name: None,
            reference,
            module: None,
            alike: 0,
            elsewhere: 0,
        }
        .into(),
    }
}

/// A pool's own `project` and `location`, where they are known.
fn pool_place(
    ev: &Evaluator,
    file: usize,
    scope: &Scope,
    block: &Block,
) -> (Option<String>, Option<String>) {
    let known = |key: &str| {
        block
            .body
            .get_attribute(key)
            .and_then(|a| ev.eval(file, scope, &a.value).settle().as_text())
    };
    (known("project"), known("location"))
}

/// The one cluster of the whole input a pool's `cluster` names, from any module: by id, or by
/// name and the pool's `location` (and `project`) where they are known. Several candidates
/// (the same name in two locations, and no location to choose) join none, counted (`alike`).
fn anywhere(
    ev: &Evaluator,
    file: usize,
    scope: &Scope,
    block: &Block,
    model: &Model,
    everywhere: &build::Named,
    reference: &str,
) -> ClusterLink {
    // projects/P/locations/L/clusters/N says all three.
    let (project, location) = match build::cluster_id(reference) {
        Some(_) => (None, None),
        None => pool_place(ev, file, scope, block),
    };
    everywhere.find(model, reference, project.as_deref(), location.as_deref())
}
