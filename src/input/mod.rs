//! Reading inputs: telling their kind, parsing them, and adding them to the model.

pub mod gcloud;
pub mod json;
pub mod paste;
pub mod plan;
pub mod settings;
#[cfg(feature = "terraform")]
pub mod terraform;
/// Without the `terraform` feature (the page's first engine): what plans need, no HCL.
#[cfg(not(feature = "terraform"))]
pub mod terraform {
    pub mod build;
}
pub mod yaml;

use std::collections::BTreeMap;

use crate::model::Model;

/// The largest input read. A cluster's describe output is tens of kilobytes; a large plan a
/// few megabytes.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// gcloud or GKE API output as JSON (clusters, node pools, lists, asset exports).
    GcloudJson,
    /// gcloud output as YAML, what `describe` prints by default (one or more documents).
    GcloudYaml,
    /// A terminal paste: prompt lines, gcloud messages and tables around JSON or YAML output.
    Terminal,
    /// Terraform configuration (`.tf`).
    Terraform,
    /// A Terraform plan as `terraform show -json` prints it.
    TerraformPlan,
    /// Values for Terraform variables (`.tfvars`).
    TerraformVars,
    /// The manifest `terraform init` writes, `.terraform/modules/modules.json`: where each
    /// module call's downloaded source is.
    TerraformModules,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::GcloudJson => "gcloud-json",
            Format::GcloudYaml => "gcloud-yaml",
            Format::Terminal => "terminal",
            Format::Terraform => "terraform",
            Format::TerraformPlan => "terraform-plan",
            Format::TerraformVars => "terraform-vars",
            Format::TerraformModules => "terraform-modules",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "gcloud-json" | "gcloud" | "json" => Some(Format::GcloudJson),
            "gcloud-yaml" | "yaml" => Some(Format::GcloudYaml),
            "terminal" => Some(Format::Terminal),
            "terraform" | "tf" | "hcl" => Some(Format::Terraform),
            "terraform-plan" | "plan" => Some(Format::TerraformPlan),
            "terraform-vars" | "tfvars" => Some(Format::TerraformVars),
            "terraform-modules" => Some(Format::TerraformModules),
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
        // With no room to grow: an asset export has a note for each of its node pools.
        let mut message = message.into();
        message.shrink_to_fit();
        Problem { offset, message }
    }
}

/// Tells an input's kind from its name and text.
pub fn detect(name: &str, text: &str) -> Result<Format, Problem> {
    if let Some(format) = detect_by_start(name, text)? {
        return Ok(format);
    }
    if paste::is_terminal_paste(text) {
        return Ok(Format::Terminal);
    }
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || text.lines().any(|l| {
            let l = l.trim_end();
            l == "---"
                || l.split_once(": ")
                    .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '))
                || l.ends_with(':') && !l.contains(' ')
        });
    if yaml {
        return Ok(Format::GcloudYaml);
    }
    let start = text.len() - text.trim_start_matches('\u{feff}').trim_start().len();
    Err(Problem::at(
        start,
        "expected gcloud output (`gcloud container clusters describe CLUSTER`, JSON or YAML) or Terraform configuration",
    ))
}

/// Whether an input is Terraform (configuration, variables or the module manifest), as
/// [`detect`] tells it, without looking at every line for a terminal's prompts: the page's
/// first engine asks this of every input, and leaves Terraform to the full engine.
pub fn is_terraform(name: &str, text: &str) -> bool {
    matches!(
        detect_by_start(name, text),
        Ok(Some(
            Format::Terraform | Format::TerraformVars | Format::TerraformModules
        ))
    )
}

/// The members Terraform writes at the top of a plan (`terraform show -json`), none of which
/// gcloud writes at the top of its output.
const PLAN_MEMBERS: [&str; 15] = [
    "applyable",
    "checks",
    "complete",
    "configuration",
    "errored",
    "format_version",
    "output_changes",
    "planned_values",
    "prior_state",
    "relevant_attributes",
    "resource_changes",
    "resource_drift",
    "terraform_version",
    "timestamp",
    "variables",
];

/// Whether a JSON text (its start will do) opens with one of a plan's own top-level members,
/// whatever their order: how a plan whose keys were sorted (`jq -S`) is told from gcloud
/// output by its start.
pub fn starts_like_plan(text: &str) -> bool {
    let rest = text.trim_start_matches('\u{feff}').trim_start();
    let Some(rest) = rest.strip_prefix('{') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix('"') else {
        return false;
    };
    rest.split_once('"')
        .is_some_and(|(key, _)| PLAN_MEMBERS.contains(&key))
}

/// Whether an input is a Terraform plan, as [`detect`] tells it (from its start).
pub fn is_plan(name: &str, text: &str) -> bool {
    matches!(detect_by_start(name, text), Ok(Some(Format::TerraformPlan)))
}

/// What [`detect`] tells from the name, the first characters and the lines that start HCL
/// blocks: every Terraform format and JSON; None when it takes a look at every line.
fn detect_by_start(name: &str, text: &str) -> Result<Option<Format>, Problem> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        return Ok(Some(Format::Terraform));
    }
    if lower.ends_with(".tfvars") {
        return Ok(Some(Format::TerraformVars));
    }
    if is_module_manifest(name) {
        return Ok(Some(Format::TerraformModules));
    }
    if lower.ends_with(".tf.json") {
        return Err(Problem::at(
            0,
            "expected Terraform in HCL syntax (.tf); the JSON syntax (.tf.json) is not supported",
        ));
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(Problem::at(
            0,
            "expected gcloud JSON output or Terraform, found no text",
        ));
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // A plan names these near its start; looking at the first part keeps this cheap.
        let mut cut = trimmed.len().min(4096);
        while !trimmed.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = &trimmed[..cut];
        // Terraform writes `format_version` first; JSON re-written with sorted keys (`jq -S`)
        // starts with another of the plan's own members.
        let plan = head.contains("\"format_version\"")
            && (head.contains("\"terraform_version\"") || trimmed.contains("\"planned_values\""))
            || starts_like_plan(trimmed) && trimmed.contains("\"format_version\"");
        return Ok(Some(if plan {
            Format::TerraformPlan
        } else {
            Format::GcloudJson
        }));
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
    let hcl = crate::span::lines(text).any(|line| {
        let first = line.as_bytes().first();
        HCL_STARTS
            .iter()
            .any(|s| first == Some(&s.as_bytes()[0]) && line.starts_with(s))
    });
    Ok(hcl.then_some(Format::Terraform))
}

/// One input as the engine sees it.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub index: usize,
    pub name: &'a str,
    pub text: &'a str,
    pub format: Format,
}

/// What reading the inputs found besides the model: per input index, the problem that
/// stopped reading (the input's error) and notes on what was skipped or repaired.
#[derive(Debug, Default)]
pub struct Loaded {
    pub problems: BTreeMap<usize, Problem>,
    pub notes: BTreeMap<usize, Vec<Problem>>,
    /// The parsed Terraform files (configuration and variable files), by input index: what
    /// `gkecheck fix` edits, so that it works on exactly what the check read.
    #[cfg(feature = "terraform")]
    pub bodies: BTreeMap<usize, hcl_edit::structure::Body>,
    /// Where each Terraform variable of each module instance gets its value.
    #[cfg(feature = "terraform")]
    pub var_sources: Vec<terraform::VarSource>,
}

impl Loaded {
    fn problem(&mut self, index: usize, problem: Problem) {
        self.problems.entry(index).or_insert(problem);
    }

    fn note(&mut self, index: usize, offset: usize, message: impl Into<String>) {
        self.notes
            .entry(index)
            .or_default()
            .push(Problem::at(offset, message));
    }
}

/// The directory of an input's name, with `/` between its parts: Terraform files in one
/// directory form one module.
pub fn dir_of(name: &str) -> String {
    name.rfind(['/', '\\'])
        .map_or(String::new(), |i| name[..i].replace('\\', "/"))
}

/// `.terraform/modules/modules.json`, the manifest of `terraform init`.
pub fn is_module_manifest(name: &str) -> bool {
    let name = name.replace('\\', "/");
    name == ".terraform/modules/modules.json" || name.ends_with("/.terraform/modules/modules.json")
}

/// An input name's last part.
#[cfg(feature = "terraform")]
fn file_of(name: &str) -> &str {
    name.rfind(['/', '\\']).map_or(name, |i| &name[i + 1..])
}

/// What an engine without the `terraform` feature says of a Terraform input.
#[cfg(not(feature = "terraform"))]
pub const NEEDS_TERRAFORM: &str =
    "needs the Terraform engine: this engine reads gcloud output and plans only";

/// The text as the parsers read it: a leading UTF-8 byte-order mark becomes three spaces, and
/// a carriage return not followed by a line feed (old Mac line ends) becomes a line feed. Both
/// keep every byte offset, so places found in this text are places in the input.
pub fn for_parsers(text: &str) -> std::borrow::Cow<'_, str> {
    let bom = text.starts_with('\u{feff}');
    // Most texts have no carriage return at all, which one fast search tells.
    let lone_cr = text.contains('\r')
        && text
            .as_bytes()
            .iter()
            .enumerate()
            .any(|(i, b)| *b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'));
    if !bom && !lone_cr {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    if bom {
        bytes[..3].copy_from_slice(b"   ");
    }
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

/// Parses the inputs into one model. An input with a problem adds what it could, and the
/// others are still read. `whole_trees`: Terraform files are parsed whole and their trees kept
/// (`Loaded::bodies`, what fixes edit); otherwise each is split into its top-level blocks, and
/// of a cluster or node pool only the one being built is held.
pub fn load(sources: &[Source<'_>], whole_trees: bool, model: &mut Model) -> Loaded {
    // The engine without Terraform reads no Terraform.
    #[cfg(not(feature = "terraform"))]
    let _ = whole_trees;
    let mut loaded = Loaded::default();
    // The parsers read each text with a byte-order mark and old Mac line ends made plain,
    // byte for byte, so every offset is still the input's own.
    let plain: Vec<std::borrow::Cow<str>> = sources.iter().map(|s| for_parsers(s.text)).collect();
    let sources: Vec<Source> = sources
        .iter()
        .zip(&plain)
        .map(|(s, text)| Source { text, ..*s })
        .collect();
    let sources = &sources[..];
    // Terraform files form modules, one per directory.
    #[cfg(feature = "terraform")]
    let mut parsed: Vec<(&Source, terraform::split::Parsed)> = Vec::new();
    // The manifests of `terraform init`, by the directory it ran in.
    #[cfg(feature = "terraform")]
    let mut manifests: BTreeMap<String, terraform::Manifest> = BTreeMap::new();
    for source in sources {
        let index = source.index;
        match source.format {
            Format::GcloudJson => load_parts(index, source.text, model, &mut loaded, |each| {
                json::each_part(source.text, each).map(|()| Vec::new())
            }),
            Format::GcloudYaml => load_parts(index, source.text, model, &mut loaded, |each| {
                yaml::each_part(source.text, each)
            }),
            Format::Terminal => {
                let pasted = paste::split(source.text);
                let mut notes = pasted.notes.into_iter();
                if pasted.parts.is_empty() {
                    // Nothing to read: the first note (a table, say) is the best advice.
                    let problem = match notes.next() {
                        Some(n) => Problem::at(n.offset, n.message),
                        None => Problem::at(0, "expected gcloud output in JSON or YAML among the pasted lines, found none"),
                    };
                    loaded.problem(index, problem);
                }
                for n in notes {
                    loaded.note(index, n.offset, n.message);
                }
                let mut docs = Vec::new();
                for part in &pasted.parts {
                    let text = paste::masked(source.text, &part.range);
                    if part.json {
                        match json::parse_stream(&text) {
                            Ok(found) => docs.extend(found),
                            Err(e) => loaded.problem(index, Problem::at(e.offset, e.message)),
                        }
                    } else {
                        match yaml::parse(&text) {
                            Ok(p) => {
                                for r in p.repairs {
                                    loaded.note(index, r.offset, r.message);
                                }
                                docs.extend(p.documents);
                            }
                            Err(e) => loaded.problem(index, Problem::at(e.offset, e.message)),
                        }
                    }
                }
                load_gcloud(index, &docs, model, &mut loaded);
            }
            #[cfg(not(feature = "terraform"))]
            Format::Terraform | Format::TerraformVars | Format::TerraformModules => {
                loaded.problem(index, Problem::at(0, NEEDS_TERRAFORM));
            }
            #[cfg(feature = "terraform")]
            Format::TerraformModules => match json::parse(source.text) {
                Err(e) => loaded.problem(index, Problem::at(e.offset, e.message)),
                Ok(doc) => match terraform::Manifest::read(index, source.name, &doc) {
                    Ok((root, manifest)) => {
                        manifests.insert(root, manifest);
                    }
                    Err(problem) => loaded.problem(index, problem),
                },
            },
            Format::TerraformPlan => match json::parse_plan(source.text) {
                Err(e) => loaded.problem(index, Problem::at(e.offset, e.message)),
                Ok(doc) => {
                    if !plan::is_plan(&doc) {
                        loaded.problem(index, Problem::at(doc.span.start(), "expected a Terraform plan (`terraform show -json PLANFILE`): this JSON has no planned_values"));
                    } else if let Err(message) = plan::load(index, source.text, &doc, model) {
                        loaded.problem(index, Problem::at(doc.span.start(), message));
                    }
                }
            },
            #[cfg(feature = "terraform")]
            Format::Terraform | Format::TerraformVars => {
                // A variable file is attributes, not blocks: parsed whole.
                let whole = whole_trees || source.format == Format::TerraformVars;
                match terraform::split::parse_file(source.text, whole) {
                    Err((offset, message)) => loaded.problem(index, Problem::at(offset, message)),
                    Ok(file) => parsed.push((source, file)),
                }
            }
        }
    }
    join_listed_pools(model, &mut loaded);
    #[cfg(feature = "terraform")]
    load_terraform(parsed, &manifests, whole_trees, model, &mut loaded);
    clusters_elsewhere(model);
    loaded
}

/// For each pool of configuration (Terraform, a plan) whose name for its cluster fits none of
/// its own configuration's: how many clusters elsewhere in the input (another root
/// configuration, live output) fit that name and the pool's project and location, where known
/// (`ClusterLink::Missing::elsewhere`), so that it is not said to be missing from the input.
fn clusters_elsewhere(model: &mut Model) {
    use crate::model::{Missing, Origin};
    use terraform::build::{agrees, cluster_id};
    let asks = |pool: &crate::model::NodePool| {
        pool.origin == Origin::Config
            && matches!(
                pool.cluster.missing(),
                Some(Missing {
                    name: Some(_),
                    alike: 0,
                    ..
                })
            )
    };
    // Most checks have no such pool: no index of every cluster for them.
    if !model.node_pools.iter().any(asks) {
        return;
    }
    let mut named: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (c, cluster) in model.clusters.iter().enumerate() {
        if let Some(name) = cluster.name.as_str() {
            named.entry(name).or_default().push(c);
        }
    }
    let mut found = Vec::new();
    for (p, pool) in model.node_pools.iter().enumerate().filter(|(_, p)| asks(p)) {
        let Some(Missing {
            name: Some(name),
            reference,
            ..
        }) = pool.cluster.missing()
        else {
            continue;
        };
        let (project, location) = match reference.as_deref().and_then(cluster_id) {
            Some((p, l, _)) => (Some(p), Some(l)),
            None => (pool.project.as_str(), pool.location.as_str()),
        };
        let fits = named.get(name.as_str()).map_or(0, |candidates| {
            candidates
                .iter()
                .map(|&c| &model.clusters[c])
                .filter(|c| agrees(&c.project, project) && agrees(&c.location, location))
                .count()
        });
        if fits > 0 {
            found.push((p, fits));
        }
    }
    for (p, fits) in found {
        if let Some(missing) = model.node_pools[p].cluster.missing_mut() {
            missing.elsewhere = fits;
        }
    }
}

/// Terraform: one module per directory; variable files named like the ones Terraform loads
/// by itself apply to their directory, others (like -var-file) to every root module. A cluster
/// or node pool that does not parse when it is built (its file was split into blocks) makes
/// its file the input's error, as parsing the file whole does: the file is parsed whole to say
/// where, and the Terraform read again without it.
#[cfg(feature = "terraform")]
fn load_terraform(
    mut parsed: Vec<(&Source, terraform::split::Parsed)>,
    manifests: &BTreeMap<String, terraform::Manifest>,
    whole_trees: bool,
    model: &mut Model,
    loaded: &mut Loaded,
) {
    let before = (model.clusters.len(), model.node_pools.len());
    let terraform = loop {
        let terraform = load_modules(&parsed, manifests, model);
        if terraform.parsed.broken.is_none() {
            break terraform;
        }
        // Rare: every file's clusters and node pools are parsed now, and each file with one
        // that does not parse is parsed whole (to its error), so the Terraform is read at most
        // twice however many files are broken.
        let mut changed = false;
        let mut kept = Vec::with_capacity(parsed.len());
        for (source, mut file) in parsed {
            let text = source.text;
            if file
                .deferred
                .iter()
                .any(|d| terraform::split::parse_deferred(text, d).is_none())
            {
                changed = true;
                match terraform::split::parse_file(text, true) {
                    Ok(whole) => file = whole,
                    Err((offset, message)) => {
                        loaded.problem(source.index, Problem::at(offset, message));
                        continue;
                    }
                }
            }
            kept.push((source, file));
        }
        parsed = kept;
        if !changed {
            // Not reached: the parser says the same of a text twice.
            break terraform;
        }
        model.clusters.truncate(before.0);
        model.node_pools.truncate(before.1);
    };
    for note in terraform.notes {
        loaded.note(note.input, note.offset, note.message);
    }
    for problem in terraform.problems {
        loaded.problem(problem.input, Problem::at(problem.offset, problem.message));
    }
    loaded.var_sources = terraform.sources;
    if whole_trees {
        loaded.bodies = parsed
            .into_iter()
            .map(|(source, file)| (source.index, file.body))
            .collect();
    }
}

/// One reading of the Terraform files' modules into the model.
#[cfg(feature = "terraform")]
fn load_modules(
    parsed: &[(&Source, terraform::split::Parsed)],
    manifests: &BTreeMap<String, terraform::Manifest>,
    model: &mut Model,
) -> terraform::Loaded {
    let mut dirs: BTreeMap<String, terraform::Dir> = BTreeMap::new();
    let mut auto_vars = Vec::new();
    let mut var_files = Vec::new();
    for (source, file) in parsed {
        let (dir, name) = (dir_of(source.name), file_of(source.name));
        let module_file = terraform::eval::ModuleFile {
            input: source.index,
            text: source.text,
            body: &file.body,
            deferred: &file.deferred,
        };
        match source.format {
            Format::TerraformVars
                if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") =>
            {
                // terraform.tfvars first, then *.auto.tfvars in name order.
                let order = (name != "terraform.tfvars", name.to_string());
                auto_vars.push((dir, order, module_file));
            }
            Format::TerraformVars => var_files.push(module_file),
            _ => dirs.entry(dir).or_default().files.push(module_file),
        }
    }
    crate::sort::sort_by(&mut auto_vars, |a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut unused = Vec::new();
    for (dir, _, file) in auto_vars {
        match dirs.get_mut(&dir) {
            Some(d) => d.vars.push(file),
            None => unused.push(terraform::Note {
                input: file.input,
                offset: 0,
                message:
                    "not used: no Terraform configuration (.tf) from this directory is in the input"
                        .into(),
            }),
        }
    }
    let mut loaded = terraform::load_all(&dirs, &var_files, manifests, model);
    unused.append(&mut loaded.notes);
    loaded.notes = unused;
    loaded
}

/// What the note on a pool described twice says after naming the pool and its cluster, and
/// why (`collapse_notes` in lib.rs counts these notes past the first few by it).
pub(crate) const DESCRIBED_TWICE: &str = "is described twice in the input (an asset export lists each pool in its cluster and as a NodePool asset)";

/// Joins node pools listed on their own (`gcloud container node-pools list|describe`) to a
/// cluster described in the inputs: by project, location and name from the pool's `selfLink`;
/// or, when the cluster's output leaves its project out (a `--format="json(name,location,...)"`
/// projection), by location and name, with a note saying so. Two clusters that fit are not
/// guessed between. A pool that its cluster's description already holds (a Cloud Asset
/// Inventory export lists each pool twice: in its cluster and as a NodePool asset) is read
/// once, from the cluster's, with a note.
fn join_listed_pools(model: &mut Model, loaded: &mut Loaded) {
    use crate::model::{ClusterLink, Origin};
    use std::collections::{HashMap, HashSet};
    // Indexes, so that an export of thousands of clusters, each pool listed twice, is joined in
    // time proportional to its size: the live clusters by name, and the first live pool of each
    // cluster by name (kept up to date as pools are joined).
    let mut clusters_named: HashMap<&str, Vec<usize>> = HashMap::new();
    for (c, cluster) in model.clusters.iter().enumerate() {
        if let (Origin::Live, Some(name)) = (cluster.origin, cluster.name.as_str()) {
            clusters_named.entry(name).or_default().push(c);
        }
    }
    let mut first_pool: HashMap<(usize, String), usize> = HashMap::new();
    for (q, pool) in model.node_pools.iter().enumerate() {
        if let (ClusterLink::Index(c), Origin::Live, Some(name)) =
            (&pool.cluster, pool.origin, pool.name.as_str())
        {
            first_pool.entry((*c, name.to_string())).or_insert(q);
        }
    }
    let mut twice: Vec<usize> = Vec::new();
    // The notes that said a cluster was missing no longer hold (by input and place), and the
    // notes to add once they are gone.
    let mut stale: HashSet<(usize, usize)> = HashSet::new();
    let mut added: Vec<(usize, usize, String)> = Vec::new();
    for p in 0..model.node_pools.len() {
        let pool = &model.node_pools[p];
        let Some(crate::model::Missing {
            name: Some(name), ..
        }) = pool.cluster.missing()
        else {
            continue;
        };
        if pool.origin != Origin::Live {
            continue;
        }
        let agrees = |mine: Option<&str>, theirs: Option<&str>| match (mine, theirs) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let fits: Vec<usize> = clusters_named
            .get(name.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|&c| {
                let cluster = &model.clusters[c];
                agrees(pool.location.as_str(), cluster.location.as_str())
                    && agrees(pool.project.as_str(), cluster.project.as_str())
            })
            .collect();
        let [c] = fits[..] else {
            if let Some(missing) = model.node_pools[p].cluster.missing_mut() {
                missing.alike = fits.len();
            }
            continue;
        };
        let cluster = &model.clusters[c];
        let by_name_only = cluster.project.as_str().is_none() && pool.project.as_str().is_some();
        let (input, head, pool_name) =
            (pool.site.input, pool.site.head.start(), pool.display_name());
        stale.insert((input, head));
        let held = pool
            .name
            .as_str()
            .and_then(|n| first_pool.get(&(c, n.to_string())))
            .map(|&q| &model.node_pools[q]);
        if let Some(held) = held {
            let outer = &cluster.site;
            let embedded = held.site.input == outer.input
                && outer.span.start() <= held.site.span.start()
                && held.site.span.end() <= outer.span.end();
            let read = if embedded {
                "as its cluster's description gives it"
            } else {
                "as read first"
            };
            added.push((
                input,
                head,
                format!("node pool {pool_name} of cluster {name} {DESCRIBED_TWICE}: it is checked once, {read}"),
            ));
            twice.push(p);
            continue;
        }
        if by_name_only {
            added.push((
                input,
                head,
                format!("node pool {pool_name} joined to cluster {name} by its name and location: the cluster's output gives no project to match"),
            ));
        }
        if let Some(n) = pool.name.as_str() {
            let first = first_pool.entry((c, n.to_string())).or_insert(p);
            *first = (*first).min(p);
        }
        model.node_pools[p].cluster = ClusterLink::Index(c);
    }
    for (&input, notes) in loaded.notes.iter_mut() {
        notes.retain(|n| {
            !(stale.contains(&(input, n.offset)) && n.message.starts_with("node pool "))
        });
    }
    for (input, head, message) in added {
        loaded.note(input, head, message);
    }
    // In increasing order: each pool is kept or not as the next of them says.
    let mut twice = twice.into_iter().peekable();
    let mut p = 0;
    model.node_pools.retain(|_| {
        let drop = twice.next_if_eq(&p).is_some();
        p += 1;
        !drop
    });
}

/// Adds one gcloud input to the model as it is read, document by document and list item by
/// list item (see `json::each_part`), so that one cluster's tree is held at a time; a syntax
/// error anywhere leaves nothing of the input in the model.
fn load_parts(
    index: usize,
    text: &str,
    model: &mut Model,
    loaded: &mut Loaded,
    read: impl FnOnce(&mut dyn FnMut(json::Part)) -> Result<Vec<yaml::Repair>, json::ParseError>,
) {
    let start = gcloud::Mark::of(model);
    let mut gcloud = GcloudLoad::new(model);
    let mut mark = start;
    let mut later = gcloud::Later::of(text);
    let read = read(&mut |part| match part {
        json::Part::Start => {
            mark = gcloud::Mark::of(model);
            later.clear();
        }
        json::Part::Item(item) => gcloud::load_item(index, &item, model),
        json::Part::Held(item) => later.held.push(item),
        json::Part::Later(span) => later.spans.push(span),
        // Only the list's items were added since the document began.
        json::Part::Repeated { clusters: true } => mark.truncate(model),
        json::Part::Repeated { clusters: false } => later.clear(),
        json::Part::End { value, items } => gcloud.record(
            value.span.start(),
            gcloud::load_rest(index, &value, items, mark, &later, model),
        ),
    });
    match read {
        Err(e) => {
            start.truncate(model);
            loaded.problem(index, Problem::at(e.offset, e.message));
        }
        Ok(repairs) => {
            for r in repairs {
                loaded.note(index, r.offset, r.message);
            }
            gcloud.finish(index, model, loaded);
        }
    }
}

/// Adds gcloud documents to the model. A document that holds no cluster or node pool is
/// noted as skipped; when none holds one, that is the input's problem.
fn load_gcloud(index: usize, docs: &[json::Json], model: &mut Model, loaded: &mut Loaded) {
    let mut gcloud = GcloudLoad::new(model);
    for doc in docs {
        gcloud.record(doc.span.start(), gcloud::load(index, doc, model));
    }
    gcloud.finish(index, model, loaded);
}

/// Loading the documents of one gcloud input, one at a time.
struct GcloudLoad {
    first_pool: usize,
    documents: usize,
    skipped: Vec<Problem>,
}

impl GcloudLoad {
    fn new(model: &Model) -> GcloudLoad {
        GcloudLoad {
            first_pool: model.node_pools.len(),
            documents: 0,
            skipped: Vec::new(),
        }
    }

    /// One document read, at `offset`: skipped when it described nothing.
    fn record(&mut self, offset: usize, loaded: Result<(), String>) {
        self.documents += 1;
        if let Err(message) = loaded {
            self.skipped.push(Problem::at(offset, message));
        }
    }

    /// Notes the pools whose cluster is missing, and what was skipped (all skipped: the
    /// input's error).
    fn finish(self, index: usize, model: &Model, loaded: &mut Loaded) {
        let GcloudLoad {
            first_pool,
            documents,
            mut skipped,
        } = self;
        for pool in &model.node_pools[first_pool..] {
            if let Some(crate::model::Missing { name, .. }) = pool.cluster.missing() {
                let cluster = name
                    .as_deref()
                    .map_or(String::from("its cluster"), |n| format!("cluster {n}"));
                loaded.note(
                    index,
                    pool.site.head.start(),
                    format!(
                        "node pool {}: {cluster} is not in the input, so its Workload Identity (GKE002) and its other cluster settings could not be checked; paste `gcloud container clusters describe` output with it",
                        pool.display_name()
                    ),
                );
            }
        }
        if skipped.len() < documents {
            for p in skipped {
                loaded.note(index, p.offset, format!("skipped: {}", p.message));
            }
        } else if let Some(last) = skipped.pop() {
            loaded.problem(index, last);
        }
    }
}

#[cfg(test)]
mod tests {
    //! gcloud output read item by item (`load_parts`) gives what reading it whole gives: the
    //! same model, the same problems and notes, whatever the shape of the lists.
    use super::*;
    use serde_json::Value;

    #[test]
    fn a_plan_is_told_whatever_the_order_of_its_members() {
        // The configuration first when sorted, and longer than the start `detect` looks at.
        let configuration = format!(
            r#""configuration": {{"root_module": {{"resources": [{}{{}}]}}}}"#,
            "{}, ".repeat(2_000)
        );
        let members = [
            r#""format_version": "1.2""#.to_string(),
            r#""terraform_version": "1.9.5""#.to_string(),
            r#""planned_values": {"root_module": {}}"#.to_string(),
            configuration,
        ];
        for sorted in [false, true] {
            let mut list = members.to_vec();
            if sorted {
                list.sort();
                assert!(list[0].starts_with("\"configuration\""));
            }
            let text = format!("{{{}}}", list.join(",\n"));
            assert_eq!(
                detect("x.json", &text),
                Ok(Format::TerraformPlan),
                "{sorted}"
            );
            assert!(is_plan("x.json", &text));
        }
        // gcloud output, sorted or not, is not a plan.
        for text in [
            r#"{"addonsConfig": {}, "name": "c"}"#,
            r#"{"clusters": []}"#,
            "[{\"name\": \"c\"}]",
        ] {
            assert!(!starts_like_plan(text), "{text}");
            assert_eq!(detect("x.json", text), Ok(Format::GcloudJson));
        }
        assert!(starts_like_plan("\u{feff} {\n  \"applyable\": true"));
    }

    #[test]
    fn is_terraform_says_what_detect_says() {
        let texts = [
            "",
            "  \n",
            "resource \"google_container_cluster\" \"a\" {}\n",
            "name: prod\nnodePools:\n- name: a\n",
            "$ gcloud container clusters describe prod\nname: prod\n",
            "{\"name\": \"prod\"}",
            "{\"format_version\": \"1.2\", \"terraform_version\": \"1.9\"}",
            "variable \"x\" {}\n",
            "locals{\n}\n",
            "project_id = \"p\"\n",
            "plain words\n",
            "NAME  LOCATION  STATUS\nprod  eu  RUNNING\n",
        ];
        let names = [
            "input",
            "main.tf",
            "a.tfvars",
            "x.tf.json",
            "c.yaml",
            "c.json",
            ".terraform/modules/modules.json",
        ];
        for name in names {
            for text in texts {
                let told = matches!(
                    detect(name, text),
                    Ok(Format::Terraform | Format::TerraformVars | Format::TerraformModules)
                );
                assert_eq!(is_terraform(name, text), told, "{name}: {text:?}");
            }
        }
    }

    const CLUSTER: &str = include_str!("../../www/examples/vulnerable-cluster.json");
    const HARDENED: &str = include_str!("../../www/examples/hardened-cluster.json");
    const POLICY: &str = include_str!("../../www/examples/vulnerable-iam-policy.json");

    type Read = (
        Model,
        BTreeMap<usize, Problem>,
        BTreeMap<usize, Vec<Problem>>,
    );

    /// The input parsed whole, then loaded document by document.
    fn whole(format: Format, text: &str) -> Read {
        let mut model = Model::default();
        let mut loaded = Loaded::default();
        let docs = match format {
            Format::GcloudJson => json::parse_stream(text),
            _ => yaml::parse(text).map(|p| {
                for r in p.repairs {
                    loaded.note(0, r.offset, r.message);
                }
                p.documents
            }),
        };
        match docs {
            Err(e) => loaded.problem(0, Problem::at(e.offset, e.message)),
            Ok(docs) => load_gcloud(0, &docs, &mut model, &mut loaded),
        }
        (model, loaded.problems, loaded.notes)
    }

    /// The input as the check reads it.
    fn parts(format: Format, text: &str) -> Read {
        let mut model = Model::default();
        let source = Source {
            index: 0,
            name: "input",
            text,
            format,
        };
        let loaded = load(&[source], false, &mut model);
        (model, loaded.problems, loaded.notes)
    }

    fn value(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    /// Block-style YAML of `v`, as gcloud writes it: a list under its key at the key's
    /// indentation, an object in a list starting on the `- ` line.
    fn yaml(v: &Value) -> String {
        fn scalar(v: &Value) -> String {
            match v {
                Value::Object(_) => "{}".into(),
                Value::Array(_) => "[]".into(),
                other => serde_json::to_string(other).unwrap(),
            }
        }
        fn block(v: &Value) -> bool {
            match v {
                Value::Object(m) => !m.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => false,
            }
        }
        fn node(v: &Value, indent: usize, out: &mut String) {
            let pad = " ".repeat(indent);
            match v {
                Value::Object(m) => {
                    for (k, val) in m {
                        out.push_str(&format!("{pad}{}:", serde_json::to_string(k).unwrap()));
                        match val {
                            Value::Object(_) if block(val) => {
                                out.push('\n');
                                node(val, indent + 2, out);
                            }
                            Value::Array(_) if block(val) => {
                                out.push('\n');
                                node(val, indent, out);
                            }
                            _ => out.push_str(&format!(" {}\n", scalar(val))),
                        }
                    }
                }
                Value::Array(items) => {
                    for item in items {
                        if let Value::Object(_) = item.clone() {
                            if block(item) {
                                let mut inner = String::new();
                                node(item, indent + 2, &mut inner);
                                out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
                                continue;
                            }
                        }
                        if block(item) {
                            out.push_str(&format!("{pad}-\n"));
                            node(item, indent + 2, out);
                        } else {
                            out.push_str(&format!("{pad}- {}\n", scalar(item)));
                        }
                    }
                }
                other => out.push_str(&format!("{pad}{}\n", scalar(other))),
            }
        }
        let mut out = String::new();
        node(v, 0, &mut out);
        out
    }

    fn named(cluster: &str, name: &str) -> Value {
        let mut v = value(cluster);
        v["name"] = Value::String(name.into());
        v
    }

    /// Each shape, as JSON (one document, and as a stream with another after it) and as
    /// YAML: read whole and read in parts agree.
    #[test]
    fn lists_read_item_by_item_give_what_the_whole_list_gives() {
        let a = named(CLUSTER, "a");
        let b = named(HARDENED, "b");
        let pool = a["nodePools"][0].clone();
        let policy = value(POLICY);
        let snake = {
            let text = serde_json::to_string(&a)
                .unwrap()
                .replace("\"nodePools\"", "\"node_pools\"")
                .replace("\"workloadMetadataConfig\"", "\"workload_metadata_config\"");
            value(&text)
        };
        let asset = serde_json::json!({
            "name": "//container.googleapis.com/projects/p/locations/l/clusters/a",
            "assetType": "container.googleapis.com/Cluster",
            "resource": {"data": a},
            "clusters": [b],
        });
        let shapes: Vec<(&str, Value)> = vec![
            ("a list of clusters", serde_json::json!([a, b])),
            (
                "a list response",
                serde_json::json!({"clusters": [a, b], "missingZones": []}),
            ),
            (
                "pools listed before clusters",
                serde_json::json!({"nodePools": [pool], "clusters": [b]}),
            ),
            ("a list of pools", serde_json::json!([pool])),
            ("a cluster that also has clusters", {
                let mut c = a.clone();
                c["clusters"] = serde_json::json!([b]);
                c
            }),
            ("an asset that also has clusters", asset),
            ("a policy in a list", serde_json::json!([a, policy])),
            ("lists in a list", serde_json::json!([[a], [b]])),
            ("proto-style keys", serde_json::json!({"clusters": [snake]})),
            ("an empty list", serde_json::json!([])),
            ("a list of numbers", serde_json::json!([1, 2])),
            (
                "a list response of nothing",
                serde_json::json!({"clusters": []}),
            ),
            (
                "a list response of numbers",
                serde_json::json!({"clusters": [1]}),
            ),
            ("a list of strangers", serde_json::json!([{"foo": 1}])),
            ("one cluster", a.clone()),
        ];
        let mut checked = 0;
        for (what, doc) in &shapes {
            let one = serde_json::to_string_pretty(doc).unwrap();
            let stream = format!("{one}\n{}\n", serde_json::to_string(&b).unwrap());
            let block = yaml(doc);
            let documents = format!("{block}---\n{}", yaml(&b));
            for (format, text) in [
                (Format::GcloudJson, &one),
                (Format::GcloudJson, &stream),
                (Format::GcloudYaml, &block),
                (Format::GcloudYaml, &documents),
            ] {
                let expected = whole(format, text);
                assert_eq!(parts(format, text), expected, "{what}, {format:?}:\n{text}");
                checked += usize::from(!expected.0.node_pools.is_empty());
            }
        }
        // Most shapes hold pools (the test compares something).
        assert!(checked >= 40, "{checked}");
    }

    /// Members in the order written (gcloud writes a cluster's `nodePools` before `selfLink`
    /// and `zone`): a cluster's pools read after the cluster, a list's after its clusters,
    /// another object's not at all; of a name given twice, the last.
    #[test]
    fn node_pools_read_again_after_the_rest_give_what_reading_whole_gives() {
        let pool = serde_json::to_string(&value(CLUSTER)["nodePools"][0]).unwrap();
        let a = serde_json::to_string(&named(CLUSTER, "a")).unwrap();
        let b = serde_json::to_string(&named(HARDENED, "b")).unwrap();
        for text in [
            format!(
                r#"{{"nodePools": [{pool}, 7, {pool}], "name": "solo", "zone": "europe-west1-b", "selfLink": "https://container.googleapis.com/v1/projects/p/zones/europe-west1-b/clusters/solo"}}"#
            ),
            format!(r#"{{"nodePools": [{pool}, 7, [{pool}]], "clusters": [{a}]}}"#),
            format!(r#"{{"nodePools": [{pool}]}} {{"nodePools": []}} {a}"#),
            format!(
                r#"{{"assetType": "container.googleapis.com/Cluster", "name": "//x", "resource": {{"data": {a}}}, "nodePools": [{pool}]}}"#
            ),
            format!(r#"{{"bindings": [], "nodePools": [{pool}]}}"#),
            format!(r#"{{"nodePools": [{pool}], "name": "p", "config": {{}}}}"#),
            r#"{"nodePools": [{"name": "x", "config": {"workload_metadata_config": {"mode": "GKE_METADATA"}}}], "name": "snake", "current_master_version": "1"}"#
                .to_string(),
            // A name given twice: its last member is its value.
            format!(r#"{{"clusters": [{a}], "clusters": null}}"#),
            format!(r#"{{"clusters": [{a}], "clusters": [{b}], "nodePools": [{pool}]}}"#),
            format!(r#"{{"clusters": null, "clusters": [{a}]}}"#),
            format!(r#"{{"nodePools": [{pool}], "name": "solo", "nodePools": [], "zone": "z"}}"#),
            format!(r#"{{"nodePools": [{pool}, {pool}], "name": "solo", "nodePools": [{pool}]}}"#),
        ] {
            let expected = whole(Format::GcloudJson, &text);
            assert_eq!(parts(Format::GcloudJson, &text), expected, "{text}");
        }
        // Pools past what is held (`json::HELD_POOL_BYTES`): the first held, the rest read
        // again, in the list's order, strangers and proto-style keys on both sides.
        let snake_pool = r#"{"name": "snaky", "config": {"workload_metadata_config": {"mode": "GKE_METADATA"}}}"#;
        let many: Vec<String> = (0..json::HELD_POOL_BYTES / pool.len() + 50)
            .map(|i| match i % 97 {
                3 => "7".to_string(),
                5 => snake_pool.replace("snaky", &format!("snaky-{i}")),
                _ => pool.replacen(
                    &value(CLUSTER)["nodePools"][0]["name"].to_string(),
                    &format!("\"pool-{i}\""),
                    1,
                ),
            })
            .collect();
        let large = format!(
            r#"{{"nodePools": [{}], "name": "large", "zone": "europe-west1-b", "selfLink": "https://container.googleapis.com/v1/projects/p/zones/europe-west1-b/clusters/large"}}"#,
            many.join(", ")
        );
        let (mut held, mut again) = (0, 0);
        json::each_part(&large, |part| match part {
            json::Part::Held(_) => held += 1,
            json::Part::Later(_) => again += 1,
            _ => {}
        })
        .unwrap();
        assert!(held > 100 && again > 40, "held {held}, read again {again}");
        let expected = whole(Format::GcloudJson, &large);
        assert_eq!(
            expected.0.node_pools.len(),
            many.iter().filter(|m| *m != "7").count()
        );
        assert_eq!(parts(Format::GcloudJson, &large), expected);
        let cluster = |name: &str| {
            format!("- name: {name}\n  currentMasterVersion: '1'\n  nodePools:\n  - name: p\n    config: {{}}\n")
        };
        for text in [
            format!("clusters:\n{}clusters: null\n", cluster("a")),
            format!("clusters:\n{}clusters:\n{}", cluster("a"), cluster("b")),
            format!("clusters: []\nclusters:\n{}", cluster("b")),
        ] {
            let expected = whole(Format::GcloudYaml, &text);
            assert_eq!(parts(Format::GcloudYaml, &text), expected, "{text}");
        }
    }

    /// A syntax error after items were read leaves nothing of the input, as before.
    #[test]
    fn an_error_after_items_takes_them_back() {
        let a = serde_json::to_string(&named(CLUSTER, "a")).unwrap();
        for (format, text) in [
            (Format::GcloudJson, format!("[{a}, {a}, ")),
            (
                Format::GcloudJson,
                format!("{{\"clusters\": [{a}], \"x\": }}"),
            ),
            (
                Format::GcloudYaml,
                format!("{}  bad: [\n", yaml(&value(&format!("[{a}]")))),
            ),
        ] {
            let (model, problems, _) = parts(format, &text);
            assert_eq!(model, Model::default(), "{text}");
            assert!(problems.contains_key(&0), "{text}");
            assert_eq!(whole(format, &text).1, problems);
        }
    }
}
