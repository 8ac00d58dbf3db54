//! `gkecheck fix`: edits Terraform configuration so that failing checks pass. Each fix is a
//! small text edit at a place the parser found, so everything else (comments, spacing,
//! attribute order) stays byte for byte. A fix that cannot be made safely is not guessed: the
//! report says why, and what to do by hand.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use serde::Serialize;

use crate::input::Format;
use crate::model::{Cluster, NodePool, PoolKind};
use crate::report::Status;
use crate::rules::Subject;
use crate::span::Span;
use crate::{analyze, check, Input, Options};

/// What changing the metadata mode does, said with every such fix.
pub const MODE_CONSEQUENCE: &str = "Changing a node pool's metadata mode recreates its nodes (plan it for a maintenance window, with PodDisruptionBudgets), and workloads that used the node's service account lose it unless they are mapped to their own identity first.";
/// What turning legacy ABAC off does.
pub const ABAC_CONSEQUENCE: &str = "With legacy ABAC off, only RBAC grants access in the cluster: users and workloads that relied on ABAC lose access unless RBAC grants it first.";
/// What no longer issuing a client certificate does.
pub const CERTIFICATE_CONSEQUENCE: &str = "Changing issue_client_certificate recreates the cluster in Terraform; whatever used the certificate must use a Google identity first.";
/// What turning on Workload Identity does.
pub const IDENTITY_CONSEQUENCE: &str = "Turning on Workload Identity updates the cluster in place; node pools then need the GKE metadata server (GKE001), and workloads that call Google APIs need their own identity.";

#[derive(Debug, Serialize)]
pub struct FixReport {
    /// The inputs that change, with their new text and a unified diff.
    pub files: Vec<FixedFile>,
    pub applied: Vec<Applied>,
    pub skipped: Vec<Skipped>,
    /// The edits made, as (input, start, end, length of the new text), in the coordinates of
    /// the text they were made in.
    #[serde(skip)]
    made: Vec<(usize, usize, usize, usize)>,
}

#[derive(Debug, Serialize)]
pub struct FixedFile {
    pub name: String,
    pub text: String,
    pub diff: String,
}

#[derive(Debug, Serialize)]
pub struct Applied {
    pub rule: &'static str,
    pub address: String,
    pub input: String,
    pub line: usize,
    pub what: String,
    pub consequence: &'static str,
    /// The byte offset of the fix's first edit, in the text it was made in.
    #[serde(skip)]
    offset: usize,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub rule: &'static str,
    pub address: String,
    pub reason: String,
}

/// One replacement of `start..end` in an input (an insertion when they are equal).
#[derive(Clone, Debug)]
struct Edit {
    input: usize,
    start: usize,
    end: usize,
    text: String,
}

/// A planned fix: its edits, and what it does.
struct Planned {
    rule: &'static str,
    address: String,
    edits: Vec<Edit>,
    what: String,
    consequence: &'static str,
}

/// Where `offset`, in a text after `edits` (input, start, end, new length; starts in the text
/// before them) were made, was before them; inside a new text, its start.
fn before_edits(edits: &[(usize, usize, usize, usize)], input: usize, offset: usize) -> usize {
    let mut mine: Vec<(usize, usize, usize)> = edits
        .iter()
        .filter(|e| e.0 == input)
        .map(|&(_, start, end, len)| (start, end, len))
        .collect();
    mine.sort();
    let mut delta: isize = 0;
    for (start, end, len) in mine {
        let new_start = (start as isize + delta) as usize;
        if offset < new_start {
            break;
        }
        if offset < new_start + len {
            return start;
        }
        delta += len as isize - (end - start) as isize;
    }
    (offset as isize - delta).max(0) as usize
}

/// For an instance of a `count` or `for_each` resource: the block the fix edits is shared by
/// every instance, so the fix applies to them all.
fn shared(address: &str) -> &'static str {
    let instance = address.ends_with(']') && !address.contains(".node_pool[");
    if instance {
        " (the resource block every instance shares)"
    } else {
        ""
    }
}

/// Why a fix waits: another fix changes the same text in this round.
const AGAIN: &str = "it changes the same text as another fix: run gkecheck fix again";

/// Computes the fixes for every failing check that has one, in rounds until fixes that touch
/// the same text have all been made. Results a waiver accepts are left as they are.
pub fn fix(inputs: &[Input], options: &Options) -> FixReport {
    let mut current: Vec<Input> = inputs.to_vec();
    let mut applied: Vec<Applied> = Vec::new();
    let mut skipped = Vec::new();
    // The edits of the rounds before, to find a later fix's place in the original text.
    let mut earlier: Vec<Vec<(usize, usize, usize, usize)>> = Vec::new();
    for _round in 0..4 {
        let report = fix_once(&current, options);
        let waiting = report.skipped.iter().any(|s| s.reason == AGAIN);
        let progress = !report.applied.is_empty();
        for mut a in report.applied {
            let input = inputs.iter().position(|i| i.name == a.input).unwrap_or(0);
            let mut offset = a.offset;
            for round in earlier.iter().rev() {
                offset = before_edits(round, input, offset);
            }
            a.line = crate::span::LineIndex::new(&inputs[input].text)
                .position(offset.min(inputs[input].text.len()))
                .line;
            a.offset = offset;
            applied.push(a);
        }
        earlier.push(report.made);
        skipped = report.skipped;
        for f in report.files {
            if let Some(i) = current.iter_mut().find(|i| i.name == f.name) {
                i.text = f.text;
            }
        }
        if !waiting || !progress {
            break;
        }
    }
    let files = inputs
        .iter()
        .zip(&current)
        .filter(|(before, after)| before.text != after.text)
        .map(|(before, after)| FixedFile {
            name: before.name.clone(),
            text: after.text.clone(),
            diff: unified_diff(&before.name, &before.text, &after.text),
        })
        .collect();
    FixReport {
        files,
        applied,
        skipped,
        made: Vec::new(),
    }
}

fn fix_once(inputs: &[Input], options: &Options) -> FixReport {
    let waived: std::collections::HashSet<(&str, String)> = check(inputs, options)
        .results
        .into_iter()
        .filter(|r| r.status == Status::Suppressed)
        .map(|r| (r.rule, r.resource.address))
        .collect();
    let analysis = analyze(inputs);
    let ctx = Ctx::new(inputs, &analysis.formats);
    let mut planned: Vec<Planned> = Vec::new();
    let mut skipped = Vec::new();
    let mut clusters_done = std::collections::HashSet::new();
    let mut pools_done = std::collections::HashSet::new();
    // Failures, and node pools whose mode is unknown: pinning the mode settles those, and
    // where it cannot be pinned here the report says why.
    let wanted = |o: &&crate::rules::Outcome| {
        o.status == Status::Fail || (o.status == Status::Unknown && o.rule.id == "GKE001")
    };
    let subject_address = |o: &crate::rules::Outcome| match o.subject {
        Subject::NodePool(i) => analysis.model.node_pools[i].site.address.clone(),
        Subject::Cluster(i) => analysis.model.clusters[i].site.address.clone(),
    };
    for outcome in analysis
        .outcomes
        .iter()
        .filter(wanted)
        .filter(|o| options.runs(o.rule))
        .filter(|o| !waived.contains(&(o.rule.id, subject_address(o))))
    {
        let (address, result) = match (outcome.rule.id, outcome.subject) {
            ("GKE003", Subject::NodePool(i))
                if waived.contains(&("GKE001", analysis.model.node_pools[i].site.address.clone())) =>
            {
                (
                    analysis.model.node_pools[i].site.address.clone(),
                    Err("GKE001 is waived for this pool: pinning GKE_METADATA would undo what the waiver accepts; pin the mode the pool needs by hand".into()),
                )
            }
            ("GKE001" | "GKE003", Subject::NodePool(i)) => {
                let pool = &analysis.model.node_pools[i];
                if !pools_done.insert(i) {
                    continue;
                }
                (
                    pool.site.address.clone(),
                    editable(&pool.site).and_then(|_| ctx.fix_pool(pool)),
                )
            }
            ("GKE002", Subject::Cluster(i)) => {
                let cluster = &analysis.model.clusters[i];
                if !clusters_done.insert(i) {
                    continue;
                }
                (
                    cluster.site.address.clone(),
                    editable(&cluster.site).and_then(|_| ctx.fix_cluster(cluster)),
                )
            }
            (rule, subject) if SETTINGS.iter().any(|f| f.rule == rule) => {
                let f = SETTINGS.iter().find(|f| f.rule == rule).expect("found above");
                let site = match subject {
                    Subject::NodePool(i) => &analysis.model.node_pools[i].site,
                    Subject::Cluster(i) => &analysis.model.clusters[i].site,
                };
                (site.address.clone(), editable(site).and_then(|_| ctx.fix_setting(site, f)))
            }
            ("GKE009", _) => (
                subject_address(outcome),
                Err("no automatic fix: remove username and password from master_auth by hand once nothing logs in with them".into()),
            ),
            ("GKE005", _) => (
                subject_address(outcome),
                Err("no automatic fix: a pool's service account cannot be changed in place; create a dedicated service account and a pool that replaces this one (the check's fix says how)".into()),
            ),
            (rule, _) => (
                subject_address(outcome),
                Err(match BY_HAND.iter().find(|(r, _)| *r == rule) {
                    Some((_, why)) => format!("no automatic fix: {why}"),
                    None => format!("{rule} has no automatic fix"),
                }),
            ),
        };
        match result {
            Ok((edits, what, consequence)) => planned.push(Planned {
                rule: outcome.rule.id,
                address,
                edits,
                what,
                consequence,
            }),
            Err(reason) => skipped.push(Skipped {
                rule: outcome.rule.id,
                address,
                reason,
            }),
        }
    }
    apply(inputs, planned, skipped)
}

fn editable(site: &crate::model::Site) -> Result<(), String> {
    if site.editable {
        Ok(())
    } else {
        Err("this input is not Terraform configuration: apply the commands of the check's report (gcloud), or fix the configuration a plan was made from".into())
    }
}

/// Applies the planned edits, file by file; a fix whose edits overlap an earlier one's waits
/// for the next run.
fn apply(inputs: &[Input], planned: Vec<Planned>, mut skipped: Vec<Skipped>) -> FixReport {
    let mut taken: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    let mut made = Vec::new();
    let mut applied = Vec::new();
    let mut edits: BTreeMap<usize, Vec<(usize, Edit)>> = BTreeMap::new();
    // Blocks that fixes insert, by place: two fixes must not each add a `node_config {`
    // to the same pool.
    let mut created: std::collections::HashSet<(usize, usize, String)> = Default::default();
    let creates = |e: &Edit| -> Option<(usize, usize, String)> {
        let first = e.text.lines().map(str::trim).find(|l| !l.is_empty())?;
        (e.start == e.end && first.ends_with('{')).then(|| (e.input, e.start, first.to_string()))
    };
    for (order, p) in planned.into_iter().enumerate() {
        let overlaps = p.edits.iter().any(|e| {
            taken.get(&e.input).is_some_and(|spans| {
                spans
                    .iter()
                    .any(|&(s, t)| e.start < t && s < e.end && !(e.start == e.end || s == t))
            }) || creates(e).is_some_and(|c| created.contains(&c))
        });
        if overlaps {
            skipped.push(Skipped {
                rule: p.rule,
                address: p.address,
                reason: AGAIN.into(),
            });
            continue;
        }
        created.extend(p.edits.iter().filter_map(creates));
        let first = &p.edits[0];
        let index = crate::span::LineIndex::new(&inputs[first.input].text);
        applied.push(Applied {
            rule: p.rule,
            address: p.address,
            input: inputs[first.input].name.clone(),
            line: index.position(first.start).line,
            what: p.what,
            consequence: p.consequence,
            offset: first.start,
        });
        for e in p.edits {
            taken.entry(e.input).or_default().push((e.start, e.end));
            made.push((e.input, e.start, e.end, e.text.len()));
            edits.entry(e.input).or_default().push((order, e));
        }
    }
    let mut files = Vec::new();
    for (input, mut list) in edits {
        // From the end, so offsets stay valid; insertions at one place keep their order.
        list.sort_by_key(|(order, e)| (std::cmp::Reverse(e.start), std::cmp::Reverse(*order)));
        let before = &inputs[input].text;
        let mut text = before.clone();
        for (_, e) in list {
            text.replace_range(e.start..e.end, &e.text);
        }
        let diff = unified_diff(&inputs[input].name, before, &text);
        files.push(FixedFile {
            name: inputs[input].name.clone(),
            text,
            diff,
        });
    }
    FixReport {
        files,
        applied,
        skipped,
        made,
    }
}

/// A fix that sets one attribute, creating the blocks on its way when they are missing.
struct SettingFix {
    rule: &'static str,
    /// Blocks from the resource (or inline pool) down to the attribute's block.
    path: &'static [&'static str],
    attr: &'static str,
    /// The value as written in HCL.
    value: &'static str,
    /// Only change an attribute that is written; never add it (its absence passes, so the
    /// failure comes from elsewhere).
    only_existing: bool,
    consequence: &'static str,
}

const fn setting(
    rule: &'static str,
    path: &'static [&'static str],
    attr: &'static str,
    value: &'static str,
    consequence: &'static str,
) -> SettingFix {
    SettingFix {
        rule,
        path,
        attr,
        value,
        only_existing: false,
        consequence,
    }
}

static SETTINGS: &[SettingFix] = &[
    SettingFix { only_existing: true, ..setting("GKE008", &[], "enable_legacy_abac", "false", ABAC_CONSEQUENCE) },
    SettingFix { only_existing: true, ..setting("GKE010", &["master_auth", "client_certificate_config"], "issue_client_certificate", "false", CERTIFICATE_CONSEQUENCE) },
    setting("GKE004", &["node_config", "metadata"], "disable-legacy-endpoints", "\"true\"", "Node metadata cannot change in place: Terraform replaces the pool (its nodes are recreated). Anything calling the /0.1/ or /v1beta1/ metadata paths must move to /v1/ first."),
    setting("GKE016", &[], "enable_shielded_nodes", "true", "Turning Shielded GKE Nodes on recreates the cluster's nodes, a few at a time."),
    setting("GKE017", &["node_config", "shielded_instance_config"], "enable_secure_boot", "true", "Terraform replaces the pool (its nodes are recreated); unsigned third-party kernel modules stop loading."),
    setting("GKE018", &["node_config", "shielded_instance_config"], "enable_integrity_monitoring", "true", "Terraform replaces the pool (its nodes are recreated)."),
    setting("GKE019", &["management"], "auto_repair", "true", "Updates the pool in place; repairs then drain and recreate unhealthy nodes."),
    setting("GKE020", &["management"], "auto_upgrade", "true", "Updates the pool in place; upgrades then recreate nodes in the cluster's maintenance windows."),
    setting("GKE021", &["node_config"], "image_type", "\"COS_CONTAINERD\"", "Changing the image recreates the pool's nodes; workloads that install host packages need changing first."),
    setting("GKE022", &["release_channel"], "channel", "\"REGULAR\"", "In a channel, GKE upgrades the control plane and nodes on its schedule: set maintenance windows to choose when."),
    setting("GKE024", &[], "enable_intranode_visibility", "true", "Updates the cluster in place and restarts the nodes' networking; flow-log volume grows."),
    SettingFix { only_existing: true, ..setting("GKE025", &[], "logging_service", "\"logging.googleapis.com/kubernetes\"", "Updates the cluster in place; logs are billed by volume.") },
    SettingFix { only_existing: true, ..setting("GKE026", &[], "monitoring_service", "\"monitoring.googleapis.com/kubernetes\"", "Updates the cluster in place.") },
    setting("GKE028", &["addons_config", "kubernetes_dashboard"], "disabled", "true", "Removes the dashboard add-on in place; its users lose it."),
    setting("GKE029", &[], "enable_kubernetes_alpha", "false", "Terraform DESTROYS and recreates the cluster, with everything in it: move workloads and data first."),
];

/// Rules whose fix needs a value or a decision only a person has.
static BY_HAND: &[(&str, &str)] = &[
    ("GKE007", "the pool needs a dedicated service account you create (GKE005), or scopes chosen for its workloads; Terraform replaces the pool"),
    ("GKE011", "turning enforcement on applies every existing NetworkPolicy: review them, then add network_policy (or use Dataplane V2 for a new cluster)"),
    ("GKE012", "private nodes need Cloud NAT for egress first; then set enable_private_nodes = true"),
    ("GKE013", "clients outside the VPC lose the API: move them to the DNS endpoint or into the VPC, then set enable_private_endpoint = true"),
    ("GKE014", "the authorized CIDR blocks are yours to choose: add master_authorized_networks_config with them"),
    ("GKE015", "replace the wide cidr_block values with the networks that need the API"),
    ("GKE023", "Binary Authorization needs a project policy first; then set binary_authorization { evaluation_mode = \"PROJECT_SINGLETON_POLICY_ENFORCE\" }"),
    ("GKE027", "Secrets encryption needs a Cloud KMS key the GKE service agent can use; then add database_encryption with its key_name"),
    ("GKE030", "a cluster's network mode cannot change: Terraform would replace the cluster; plan a new VPC-native cluster"),
    ("GKE031", "the gke-security-groups@YOUR_DOMAIN group is yours to create; then add authenticator_groups_config"),
    ("GKE032", "the boot disks need a Cloud KMS key the Compute Engine service agent can use; then set boot_disk_kms_key (Terraform replaces the pool)"),
];

/// The parsed Terraform inputs, by index, and what they say about the module.
struct Ctx<'a> {
    inputs: &'a [Input],
    bodies: BTreeMap<usize, Body>,
}

type FixResult = Result<(Vec<Edit>, String, &'static str), String>;

const MODE_LINE: &str = "mode = \"GKE_METADATA\"";

impl<'a> Ctx<'a> {
    fn new(inputs: &'a [Input], formats: &[Option<Format>]) -> Ctx<'a> {
        let mut bodies = BTreeMap::new();
        for (i, input) in inputs.iter().enumerate() {
            if formats[i] == Some(Format::Terraform) {
                if let Ok(body) = hcl_edit::parser::parse_body(&input.text) {
                    bodies.insert(i, body);
                }
            }
        }
        Ctx { inputs, bodies }
    }

    fn dir(&self, input: usize) -> &str {
        let name = &self.inputs[input].name;
        name.rfind(['/', '\\']).map_or("", |i| &name[..i])
    }

    /// The parsed files of the module (directory) an input is in.
    fn module(&self, input: usize) -> impl Iterator<Item = (usize, &Body)> {
        let dir = self.dir(input).to_string();
        self.bodies
            .iter()
            .filter(move |(i, _)| self.dir(**i) == dir)
            .map(|(i, b)| (*i, b))
    }

    /// Whether the module pins the Google provider to version 4 or later, where
    /// `node_metadata` and `identity_namespace` are gone.
    fn provider_v4(&self, input: usize) -> bool {
        self.module(input).any(|(i, body)| {
            body.get_blocks("terraform")
                .flat_map(|t| t.body.get_blocks("required_providers"))
                .flat_map(|r| r.body.attributes())
                .filter(|a| matches!(a.key.as_str(), "google" | "google-beta"))
                .any(|a| {
                    let text = span_text(&self.inputs[i].text, &a.value);
                    version_floor(text).is_some_and(|major| major >= 4)
                })
        })
    }

    fn block_at(&self, input: usize, span: Span) -> Option<&Block> {
        self.bodies.get(&input).and_then(|b| find_block(b, span))
    }

    fn fix_pool(&self, pool: &NodePool) -> FixResult {
        let input = pool.site.input;
        let text = &self.inputs[input].text;
        if matches!(pool.kind, PoolKind::Inline(_)) && pool.site.address.ends_with("[*]") {
            return Err("the inline node pools come from a dynamic block: set mode = \"GKE_METADATA\" in its content by hand".into());
        }
        let block = self
            .block_at(input, pool.site.span)
            .ok_or("the pool's block was not found in the file (it may come from a module or a dynamic block)")?;
        let what = format!(
            "set mode = \"GKE_METADATA\" in {}{}",
            pool.site.address,
            shared(&pool.site.address)
        );
        let done = |edits| Ok((edits, what.clone(), MODE_CONSEQUENCE));
        let config = match first_of(&block.body, "node_config")? {
            None => {
                let edit = insert_block(
                    text,
                    input,
                    block,
                    &[
                        "node_config {",
                        "  workload_metadata_config {",
                        &format!("    {MODE_LINE}"),
                        "  }",
                        "}",
                    ],
                )?;
                return done(vec![edit]);
            }
            Some(c) => c,
        };
        match first_of(&config.body, "workload_metadata_config")? {
            None => {
                // `workload_metadata_config = []` stands for no block: replace it.
                if let Some(attr) = config.body.get_attribute("workload_metadata_config") {
                    let span = span_of(attr);
                    let indent = line_indent(text, span.start);
                    let block_text =
                        format!("workload_metadata_config {{\n{indent}  {MODE_LINE}\n{indent}}}");
                    return done(vec![Edit {
                        input,
                        start: span.start,
                        end: span.end,
                        text: block_text,
                    }]);
                }
                let edit = insert_block(
                    text,
                    input,
                    config,
                    &["workload_metadata_config {", &format!("  {MODE_LINE}"), "}"],
                )?;
                done(vec![edit])
            }
            Some(wmc) => {
                if let Some(mode) = wmc.body.get_attribute("mode") {
                    return done(vec![self.set_string(input, &mode.value, "GKE_METADATA")?]);
                }
                if let Some(nm) = wmc.body.get_attribute("node_metadata") {
                    if self.provider_v4(input) {
                        let span = span_of(nm);
                        return done(vec![Edit {
                            input,
                            start: span.start,
                            end: span.end,
                            text: MODE_LINE.into(),
                        }]);
                    }
                    let edit = self.set_string(input, &nm.value, "GKE_METADATA_SERVER")?;
                    return Ok((
                        vec![edit],
                        format!(
                            "set node_metadata = \"GKE_METADATA_SERVER\" in {} (provider 3.x)",
                            pool.site.address
                        ),
                        MODE_CONSEQUENCE,
                    ));
                }
                done(vec![insert_block(text, input, wmc, &[MODE_LINE])?])
            }
        }
    }

    /// Sets an attribute to a string: the literal itself, or the default of the variable it
    /// reads. Anything else is left to a person.
    fn set_string(&self, input: usize, value: &Expression, to: &str) -> Result<Edit, String> {
        let is_string = |e: &Expression| {
            matches!(
                e,
                Expression::String(_) | Expression::StringTemplate(_) | Expression::Null(_)
            )
        };
        self.set_literal(input, value, &format!("\"{to}\""), is_string)
    }

    /// Sets an attribute to `quoted` (a literal as written): where the value is a literal of
    /// that kind, or the variable it reads has one as its default.
    fn set_literal(
        &self,
        input: usize,
        value: &Expression,
        quoted: &str,
        literal: fn(&Expression) -> bool,
    ) -> Result<Edit, String> {
        let text = &self.inputs[input].text;
        let quoted = quoted.to_string();
        match value {
            v if literal(v) => {
                let span = span_of(value);
                Ok(Edit {
                    input,
                    start: span.start,
                    end: span.end,
                    text: quoted,
                })
            }
            Expression::Traversal(t)
                if span_text(text, value).starts_with("var.") && t.operators.len() == 1 =>
            {
                let name = span_text(text, value)
                    .trim_start_matches("var.")
                    .to_string();
                for (i, body) in self.module(input) {
                    if let Some(var) = body
                        .get_blocks("variable")
                        .find(|b| b.labels.first().is_some_and(|l| l.as_str() == name))
                    {
                        return match var.body.get_attribute("default") {
                            Some(d) if literal(&d.value) => {
                                let span = span_of(&d.value);
                                Ok(Edit { input: i, start: span.start, end: span.end, text: quoted })
                            }
                            Some(_) => Err(format!("the value comes from var.{name}, whose default is not a plain value: set it to {quoted} by hand")),
                            None => Err(format!("the value comes from var.{name}, which has no default: set it to {quoted} where the variable gets its value (a .tfvars file or the module call)")),
                        };
                    }
                }
                Err(format!("the value comes from var.{name}, which is not declared in the input: set it to {quoted} where it is"))
            }
            _ => Err(format!(
                "the value is the expression `{}`: set it to {quoted} by hand",
                span_text(text, value)
            )),
        }
    }

    /// Sets one attribute of a resource (or inline pool), adding the blocks and the attribute
    /// where they are missing. `metadata` (a map) gets its entry set.
    fn fix_setting(&self, site: &crate::model::Site, f: &SettingFix) -> FixResult {
        let input = site.input;
        let text = &self.inputs[input].text;
        let what = format!(
            "set {} = {} in {}{}",
            f.attr,
            f.value,
            site.address,
            shared(&site.address)
        );
        let done = |edits| Ok((edits, what.clone(), f.consequence));
        let mut block = self.block_at(input, site.span).ok_or(
            "the block was not found in the file (it may come from a module or a dynamic block)",
        )?;
        if let Some((map, blocks)) = f.path.split_last().filter(|(m, _)| **m == "metadata") {
            for name in blocks {
                block = first_of(&block.body, name)?
                    .ok_or(format!("{name} is not written as a block"))?;
            }
            let attr = block
                .body
                .get_attribute(map)
                .ok_or("the metadata map is not written here")?;
            let Expression::Object(object) = &attr.value else {
                return Err(format!(
                    "{map} is the expression `{}`: set {} = {} in it by hand",
                    span_text(text, &attr.value),
                    f.attr,
                    f.value
                ));
            };
            for (key, value) in object.iter() {
                let name = match key {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                    hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => {
                        s.as_str().to_string()
                    }
                    _ => continue,
                };
                if name == f.attr {
                    let is_string =
                        |e: &Expression| matches!(e, Expression::String(_) | Expression::Bool(_));
                    return done(vec![self.set_literal(
                        input,
                        value.expr(),
                        f.value,
                        is_string,
                    )?]);
                }
            }
            return Err(format!("{} is not in {map}", f.attr));
        }
        for (depth, name) in f.path.iter().enumerate() {
            match first_of(&block.body, name)? {
                Some(b) => block = b,
                None if f.only_existing => {
                    return Err(format!("{} is not written: fix by hand", f.attr))
                }
                None => {
                    // Write the missing blocks, nested, with the attribute inside.
                    let rest = &f.path[depth..];
                    let mut lines = Vec::new();
                    for (i, b) in rest.iter().enumerate() {
                        lines.push(format!("{}{b} {{", "  ".repeat(i)));
                    }
                    lines.push(format!(
                        "{}{} = {}",
                        "  ".repeat(rest.len()),
                        f.attr,
                        f.value
                    ));
                    for i in (0..rest.len()).rev() {
                        lines.push(format!("{}}}", "  ".repeat(i)));
                    }
                    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                    return done(vec![insert_block(text, input, block, &lines)?]);
                }
            }
        }
        match block.body.get_attribute(f.attr) {
            Some(attr) => {
                let literal: fn(&Expression) -> bool = if f.value.starts_with('"') {
                    |e| matches!(e, Expression::String(_) | Expression::Null(_))
                } else {
                    |e| matches!(e, Expression::Bool(_) | Expression::Null(_))
                };
                done(vec![self.set_literal(
                    input,
                    &attr.value,
                    f.value,
                    literal,
                )?])
            }
            None if f.only_existing => Err(format!("{} is not written: fix by hand", f.attr)),
            None => {
                let line = format!("{} = {}", f.attr, f.value);
                done(vec![insert_block(text, input, block, &[&line])?])
            }
        }
    }

    fn fix_cluster(&self, cluster: &Cluster) -> FixResult {
        let input = cluster.site.input;
        let text = &self.inputs[input].text;
        let block = self
            .block_at(input, cluster.site.span)
            .ok_or("the cluster's block was not found in the file")?;
        let what = format!("turn on Workload Identity in {}", cluster.site.address);
        if let Some(wi) = first_of(&block.body, "workload_identity_config")? {
            if let Some(ns) = wi.body.get_attribute("identity_namespace") {
                if self.provider_v4(input) {
                    let key = span_of(&ns.key);
                    return Ok((
                        vec![Edit {
                            input,
                            start: key.start,
                            end: key.end,
                            text: "workload_pool".into(),
                        }],
                        what,
                        IDENTITY_CONSEQUENCE,
                    ));
                }
            }
            let pool = self.workload_pool(input, block)?;
            if let Some(wp) = wi.body.get_attribute("workload_pool") {
                let span = span_of(&wp.value);
                return Ok((
                    vec![Edit {
                        input,
                        start: span.start,
                        end: span.end,
                        text: pool,
                    }],
                    what,
                    IDENTITY_CONSEQUENCE,
                ));
            }
            let edit = insert_block(text, input, wi, &[&format!("workload_pool = {pool}")])?;
            return Ok((vec![edit], what, IDENTITY_CONSEQUENCE));
        }
        let pool = self.workload_pool(input, block)?;
        let edit = insert_block(
            text,
            input,
            block,
            &[
                "workload_identity_config {",
                &format!("  workload_pool = {pool}"),
                "}",
            ],
        )?;
        Ok((vec![edit], what, IDENTITY_CONSEQUENCE))
    }

    /// The workload pool, built from what the configuration says of the project; never
    /// invented.
    fn workload_pool(&self, input: usize, cluster: &Block) -> Result<String, String> {
        let text = &self.inputs[input].text;
        if let Some(project) = cluster.body.get_attribute("project") {
            return Ok(match &project.value {
                Expression::String(s) => format!("\"{}.svc.id.goog\"", s.as_str()),
                other => format!("\"${{{}}}.svc.id.goog\"", span_text(text, other)),
            });
        }
        for (_, body) in self.module(input) {
            for name in ["project_id", "project"] {
                if body
                    .get_blocks("variable")
                    .any(|v| v.labels.first().is_some_and(|l| l.as_str() == name))
                {
                    return Ok(format!("\"${{var.{name}}}.svc.id.goog\""));
                }
            }
        }
        for (_, body) in self.module(input) {
            if let Some(data) = body.get_blocks("data").find(|d| {
                d.labels
                    .first()
                    .is_some_and(|l| l.as_str() == "google_project")
            }) {
                if let Some(label) = data.labels.get(1) {
                    return Ok(format!(
                        "\"${{data.google_project.{}.project_id}}.svc.id.goog\"",
                        label.as_str()
                    ));
                }
            }
        }
        Err("the configuration names no project (no project attribute, var.project_id or data \"google_project\"): add workload_identity_config { workload_pool = \"PROJECT_ID.svc.id.goog\" } with your project id".into())
    }
}

fn span_of(item: &impl hcl_edit::Span) -> Span {
    item.span().map(Span::from_range).unwrap_or_default()
}

fn span_text<'t>(text: &'t str, item: &impl hcl_edit::Span) -> &'t str {
    let span = span_of(item);
    text.get(span.start..span.end).unwrap_or("")
}

/// The first block called `name`; an error when it is written in a way a text edit cannot
/// safely change (a dynamic block, attribute syntax with content).
fn first_of<'b>(body: &'b Body, name: &str) -> Result<Option<&'b Block>, String> {
    for structure in body.iter() {
        match structure {
            Structure::Block(b) if b.ident.as_str() == name => return Ok(Some(b)),
            Structure::Block(b)
                if b.ident.as_str() == "dynamic"
                    && b.labels.first().is_some_and(|l| l.as_str() == name) =>
            {
                return Err(format!(
                    "{name} comes from a dynamic block: change its content by hand"
                ));
            }
            Structure::Attribute(a) if a.key.as_str() == name => {
                let empty = matches!(&a.value, Expression::Array(items) if items.is_empty())
                    || matches!(a.value, Expression::Null(_));
                if !empty {
                    return Err(format!("{name} is written as an attribute (`{name} = ...`): write it as a block by hand"));
                }
            }
            _ => {}
        }
    }
    Ok(None)
}

/// The block with exactly this span, searched through nested blocks.
fn find_block(body: &Body, span: Span) -> Option<&Block> {
    for block in body.blocks() {
        let s = span_of(block);
        if s == span {
            return Some(block);
        }
        if s.start <= span.start && span.end <= s.end {
            if let Some(found) = find_block(&block.body, span) {
                return Some(found);
            }
        }
    }
    None
}

/// The spaces before the first non-space on the line holding `offset`.
fn line_indent(text: &str, offset: usize) -> String {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Inserts lines at the end of a block's body, indented one level deeper than the block.
fn insert_block(text: &str, input: usize, block: &Block, lines: &[&str]) -> Result<Edit, String> {
    let span = span_of(block);
    let close = span
        .end
        .checked_sub(1)
        .filter(|&c| text.as_bytes().get(c) == Some(&b'}'))
        .ok_or("the block's closing brace was not where expected")?;
    let indent = line_indent(text, span.start);
    let inner = format!("{indent}  ");
    let body: String = lines.iter().map(|l| format!("{inner}{l}\n")).collect();
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..close].trim().is_empty() && line_start > span.start {
        // `}` alone on its line: the new lines go just above it.
        Ok(Edit {
            input,
            start: line_start,
            end: line_start,
            text: body,
        })
    } else {
        // `name {}` or `name { x = 1 }` on one line.
        let before = text[span.start..close].trim_end().len() + span.start;
        Ok(Edit {
            input,
            start: before,
            end: close,
            text: format!("\n{body}{indent}"),
        })
    }
}

/// The lowest major version a constraint allows (`">= 4.0"`, `"~> 5.10"`, `"4.84.0"`), when
/// it has a lower bound.
fn version_floor(constraint: &str) -> Option<u32> {
    let c = constraint.trim().trim_matches(|ch| ch == '{' || ch == '}');
    let version = match c.find("version") {
        Some(i) => c[i..].split('"').nth(1)?,
        None => c.trim_matches('"'),
    };
    version
        .split(',')
        .filter_map(|part| {
            let p = part.trim();
            let rest = p
                .strip_prefix(">=")
                .or_else(|| p.strip_prefix("~>"))
                .or_else(|| p.strip_prefix('='))
                .or_else(|| p.chars().next().filter(char::is_ascii_digit).map(|_| p))?;
            rest.trim().split('.').next()?.parse().ok()
        })
        .max()
}

/// A unified diff of two texts, with three lines of context.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    // Longest common subsequence of the changed middle, which fixes keep small.
    let (n, m) = (mid_a.len(), mid_b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if mid_a[i] == mid_b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Every line as (kind, text), kind ' ', '-' or '+'.
    let mut ops: Vec<(char, &str)> = a[..prefix].iter().map(|l| (' ', *l)).collect();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && mid_a[i] == mid_b[j] {
            ops.push((' ', mid_a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', mid_a[i]));
            i += 1;
        } else {
            ops.push(('+', mid_b[j]));
            j += 1;
        }
    }
    ops.extend(a[a.len() - suffix..].iter().map(|l| (' ', *l)));
    let path = name.trim_start_matches('/');
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != ' ')
        .map(|(k, _)| k)
        .collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(3);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 7 {
            end = changed[k];
            k += 1;
        }
        let end = (end + 4).min(ops.len());
        let line_a = 1 + ops[..start].iter().filter(|o| o.0 != '+').count();
        let line_b = 1 + ops[..start].iter().filter(|o| o.0 != '-').count();
        let count_a = ops[start..end].iter().filter(|o| o.0 != '+').count();
        let count_b = ops[start..end].iter().filter(|o| o.0 != '-').count();
        out.push_str(&format!("@@ -{line_a},{count_a} +{line_b},{count_b} @@\n"));
        for (kind, line) in &ops[start..end] {
            out.push(*kind);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_floors() {
        assert_eq!(version_floor("\">= 4.0\""), Some(4));
        assert_eq!(
            version_floor("{ source = \"hashicorp/google\", version = \"~> 5.10\" }"),
            Some(5)
        );
        assert_eq!(version_floor("\"3.90.1\""), Some(3));
        assert_eq!(version_floor("\"< 5.0\""), None);
        assert_eq!(
            version_floor("{ source = \"hashicorp/google\", version = \">= 3.5, < 6\" }"),
            Some(3)
        );
    }

    #[test]
    fn diffs_are_unified() {
        let d = unified_diff("main.tf", "a\nb\nc\n", "a\nb\nx\nc\n");
        assert_eq!(
            d,
            "--- a/main.tf\n+++ b/main.tf\n@@ -1,3 +1,4 @@\n a\n b\n+x\n c\n"
        );
        assert_eq!(unified_diff("f", "same\n", "same\n"), "");
    }
}
