//! `gkecheck fix`: edits Terraform configuration so that failing checks pass. Each fix is a
//! small text edit at a place the parser found, so everything else (comments, spacing,
//! attribute order) stays byte for byte. A fix that cannot be made safely is not guessed: the
//! report says why, and what to do by hand.
//!
//! Every fix has an applicability (its rule's): safe fixes are applied by default, unsafe ones
//! only when asked for, display-only ones never. A fix that needs another (the GKE metadata
//! server needs Workload Identity on the cluster) is applied with it or not at all. The fixes
//! edit the files the check parsed, and what they write is checked again: a fixed text that
//! does not parse, repeats an attribute or block, leaves its rule failing or makes another
//! rule fail is undone and reported as not fixed.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use serde::Serialize;

use crate::input::terraform::{VarKind, VarSource};
use crate::input::Format;
use crate::model::{Cluster, NodePool, PoolKind};
use crate::report::{Applicability, Report, Status};
use crate::rules::{Outcome, Subject};
use crate::span::Span;
use crate::{analyze, check, Analysis, Input, Options};

/// Which fixes to apply.
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    /// Apply unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Only these fixes, by id (the page's checked boxes); safe and unsafe alike. `None`
    /// applies every safe fix, and the unsafe ones with `unsafe_fixes`.
    pub only: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct FixReport {
    /// The inputs that change, with their new text and a unified diff.
    pub files: Vec<FixedFile>,
    /// The fixes made, each checked again after the edit.
    pub applied: Vec<Applied>,
    /// Fixes that could be made but were not: unsafe ones without `--unsafe-fixes` (or not
    /// checked in the page), display-only ones, which are never applied.
    pub left_out: Vec<LeftOut>,
    /// Failures no fix was made for, with the reason.
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
    /// `RULE:ADDRESS`, the id `FixOptions::only` takes.
    pub id: String,
    pub rule: &'static str,
    pub address: String,
    pub input: String,
    pub line: usize,
    pub what: String,
    pub consequence: &'static str,
    pub applicability: Applicability,
    /// Ids of the fixes it was made with (they are applied together or not at all).
    pub needs: Vec<String>,
    /// The byte offset of the fix's first edit, in the text it was made in.
    #[serde(skip)]
    offset: usize,
}

#[derive(Debug, Serialize)]
pub struct LeftOut {
    pub id: String,
    pub rule: &'static str,
    pub address: String,
    pub what: String,
    pub consequence: &'static str,
    pub applicability: Applicability,
    /// Why it was not applied, and how to apply it when it can be.
    pub reason: String,
    /// Ids of the fixes it is applied with (they are applied together or not at all).
    pub needs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub id: String,
    pub rule: &'static str,
    pub address: String,
    pub reason: String,
}

/// One replacement of `start..end` in an input (an insertion when they are equal).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Edit {
    input: usize,
    start: usize,
    end: usize,
    text: String,
}

/// A planned fix: its edits, and what it does.
struct Planned {
    id: String,
    rule: &'static crate::rules::Rule,
    address: String,
    edits: Vec<Edit>,
    what: String,
    /// Ids of the fixes that must be applied with this one.
    needs: Vec<String>,
}

fn fix_id(rule: &str, address: &str) -> String {
    format!("{rule}:{address}")
}

/// The edits of one round, by input, to find where an offset in the text after them was
/// before them: sorted by start, with the change in length before each.
struct Shifts(BTreeMap<usize, Vec<(usize, usize, usize, isize)>>);

impl Shifts {
    /// From (input, start, end, new length) edits, starts in the text before them.
    fn new(edits: &[(usize, usize, usize, usize)]) -> Shifts {
        let mut by_input: BTreeMap<usize, Vec<(usize, usize, usize, isize)>> = BTreeMap::new();
        for &(input, start, end, len) in edits {
            by_input
                .entry(input)
                .or_default()
                .push((start, end, len, 0));
        }
        for list in by_input.values_mut() {
            crate::sort::sort(list);
            let mut delta = 0isize;
            for e in list.iter_mut() {
                e.3 = delta;
                delta += e.2 as isize - (e.1 - e.0) as isize;
            }
        }
        Shifts(by_input)
    }

    /// Where `offset` (after the edits) was before them; inside a new text, its start.
    fn before(&self, input: usize, offset: usize) -> usize {
        let Some(list) = self.0.get(&input) else {
            return offset;
        };
        // The last edit whose new start is at or before the offset.
        let at = list.partition_point(|e| (e.0 as isize + e.3) as usize <= offset);
        let Some(&(start, end, len, delta)) = at.checked_sub(1).map(|i| &list[i]) else {
            return offset;
        };
        let new_start = (start as isize + delta) as usize;
        if offset < new_start + len {
            return start;
        }
        let after = delta + len as isize - (end - start) as isize;
        (offset as isize - after).max(0) as usize
    }
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

/// How many times fixes are made again after some were undone by the check that follows.
const MAX_VERIFY_PASSES: usize = 8;

/// The safe fixes (the default of `gkecheck fix`).
pub fn fix(inputs: &[Input], options: &Options) -> FixReport {
    fix_with(inputs, options, &FixOptions::default())
}

/// Computes the fixes for every failing check that has one and that `choice` allows, then
/// checks the fixed texts again with the same inputs: a fix whose rule still fails, or that
/// makes a rule fail that passed, is undone and reported as not fixed, and the rest are made
/// again without it. Results a waiver accepts are left as they are.
pub fn fix_with(inputs: &[Input], options: &Options, choice: &FixOptions) -> FixReport {
    let before = check(inputs, options);
    let mut undone: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..MAX_VERIFY_PASSES {
        let mut report = rounds(inputs, options, choice, &undone);
        let failures = verify(inputs, options, &before, &report);
        let new: Vec<_> = failures
            .into_iter()
            .filter(|(id, _)| !undone.contains_key(id))
            .collect();
        if new.is_empty() {
            for (id, reason) in &undone {
                if !report.skipped.iter().any(|s| &s.id == id) {
                    let (rule, address) = id.split_once(':').unwrap_or((id, ""));
                    report.skipped.push(Skipped {
                        id: id.clone(),
                        rule: crate::rules::find(rule).map_or("", |r| r.id),
                        address: address.to_string(),
                        reason: reason.clone(),
                    });
                }
            }
            return report;
        }
        undone.extend(new);
    }
    // Nothing settled: make no change at all rather than one that was not checked.
    let report = rounds(inputs, options, choice, &undone);
    FixReport {
        files: Vec::new(),
        left_out: report.left_out,
        skipped: report
            .skipped
            .into_iter()
            .chain(report.applied.into_iter().map(|a| {
                Skipped {
                    id: a.id,
                    rule: a.rule,
                    address: a.address,
                    reason:
                        "the fixes could not be checked to pass together: make this change by hand"
                            .into(),
                }
            }))
            .collect(),
        applied: Vec::new(),
        made: Vec::new(),
    }
}

/// Checks the fixed texts: every applied fix's rule passes for its resource, and nothing that
/// passed before fails now. Returns the fixes to undo, with why.
fn verify(
    inputs: &[Input],
    options: &Options,
    before: &Report,
    report: &FixReport,
) -> Vec<(String, String)> {
    if report.applied.is_empty() {
        return Vec::new();
    }
    let fixed = with_files(inputs, report);
    let after = check(&fixed, options);
    let mut undo = Vec::new();
    // Results by rule and address: the worst status each pair has.
    fn index(report: &Report) -> std::collections::HashMap<(&str, &str), (Status, &str)> {
        let mut map: std::collections::HashMap<(&str, &str), (Status, &str)> =
            std::collections::HashMap::new();
        for r in &report.results {
            let key = (r.rule, &*r.resource.address);
            let bad = !matches!(r.status, Status::Pass | Status::Suppressed);
            match map.get(&key) {
                Some((s, _)) if !matches!(s, Status::Pass | Status::Suppressed) || !bad => {}
                _ => {
                    map.insert(key, (r.status, &*r.message));
                }
            }
        }
        map
    }
    let (was, now) = (index(before), index(&after));
    for a in &report.applied {
        if let Some((status, message)) = now.get(&(a.rule, a.address.as_str())) {
            if !matches!(status, Status::Pass | Status::Suppressed) {
                undo.push((
                    a.id.clone(),
                    format!(
                        "the edit ({}) was undone: checked again, {} is still {} for {}: {message}",
                        a.what,
                        a.rule,
                        status.as_str(),
                        a.address,
                    ),
                ));
            }
        }
    }
    let mut by_address: std::collections::HashMap<&str, Vec<&Applied>> =
        std::collections::HashMap::new();
    for a in &report.applied {
        by_address.entry(a.address.as_str()).or_default().push(a);
    }
    for ((rule, address), (status, message)) in &now {
        if !matches!(status, Status::Fail | Status::Unknown) {
            continue;
        }
        if !matches!(was.get(&(*rule, *address)), Some((Status::Pass, _))) {
            continue;
        }
        // The fixes on that resource, else every fix in its file.
        let culprits: Vec<&Applied> = match by_address.get(address) {
            Some(list) => list.clone(),
            None => {
                let input = after
                    .results
                    .iter()
                    .find(|r| r.rule == *rule && &*r.resource.address == *address)
                    .map(|r| &*r.location.input)
                    .unwrap_or_default();
                report.applied.iter().filter(|a| a.input == input).collect()
            }
        };
        for a in culprits {
            undo.push((
                a.id.clone(),
                format!(
                    "the edit ({}) was undone: checked again, it made {rule} {} for {address}: {message}",
                    a.what,
                    status.as_str(),
                ),
            ));
        }
    }
    undo
}

/// The inputs with the fixed files' texts.
fn with_files(inputs: &[Input], report: &FixReport) -> Vec<Input> {
    inputs
        .iter()
        .map(|i| {
            let mut i = i.clone();
            if let Some(f) = report.files.iter().find(|f| f.name == i.name) {
                i.text = f.text.clone();
            }
            i
        })
        .collect()
}

/// Makes the fixes in rounds until fixes that touch the same text have all been made.
fn rounds(
    inputs: &[Input],
    options: &Options,
    choice: &FixOptions,
    undone: &BTreeMap<String, String>,
) -> FixReport {
    let mut current: Vec<Input> = inputs.to_vec();
    let mut applied: Vec<Applied> = Vec::new();
    let mut skipped = Vec::new();
    let mut left_out = Vec::new();
    // The edits of the rounds before, to find a later fix's place in the original text.
    let mut earlier: Vec<Shifts> = Vec::new();
    let mut indexes: BTreeMap<usize, crate::span::LineIndex> = BTreeMap::new();
    for _round in 0..6 {
        let report = fix_once(&current, options, choice, undone);
        let waiting = report.skipped.iter().any(|s| s.reason == AGAIN);
        let progress = !report.applied.is_empty();
        for mut a in report.applied {
            let input = inputs.iter().position(|i| i.name == a.input).unwrap_or(0);
            let mut offset = a.offset;
            for round in earlier.iter().rev() {
                offset = round.before(input, offset);
            }
            a.line = indexes
                .entry(input)
                .or_insert_with(|| crate::span::LineIndex::new(&inputs[input].text))
                .position(offset.min(inputs[input].text.len()))
                .line;
            a.offset = offset;
            applied.push(a);
        }
        earlier.push(Shifts::new(&report.made));
        skipped = report.skipped;
        left_out = report.left_out;
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
        left_out,
        skipped,
        made: Vec::new(),
    }
}

/// One round: plans a fix for each failure, adds the fixes they need, chooses by
/// applicability, and applies what was chosen.
fn fix_once(
    inputs: &[Input],
    options: &Options,
    choice: &FixOptions,
    undone: &BTreeMap<String, String>,
) -> FixReport {
    // The check's own reading of the inputs: its model, its parsed files, its waivers.
    let analysis = analyze(inputs);
    let waivers = crate::collect_waivers(inputs, &analysis.formats, options);
    let waived: HashSet<(&str, String)> = analysis
        .outcomes
        .iter()
        .filter(|o| crate::is_waived(&waivers, o, &analysis.model, inputs, options))
        .map(|o| {
            let address = match o.subject {
                Subject::NodePool(i) => analysis.model.node_pools[i].site.address.to_string(),
                Subject::Cluster(i) => analysis.model.clusters[i].site.address.to_string(),
            };
            (o.rule.id, address)
        })
        .collect();
    let ctx = Ctx::new(inputs, &analysis);
    let planner = Planner::new(&ctx, &analysis, &waived);
    let mut plans: BTreeMap<String, Result<Planned, String>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut skipped = Vec::new();
    let mut pools_done = HashSet::new();
    // Failures, and node pools whose mode is unknown: pinning the mode settles those, and
    // where it cannot be pinned here the report says why.
    let wanted = |o: &&Outcome| {
        o.status == Status::Fail || (o.status == Status::Unknown && o.rule.id == "GKE001")
    };
    for outcome in analysis
        .outcomes
        .iter()
        .filter(wanted)
        .filter(|o| options.runs(o.rule))
    {
        let address = planner.address(outcome.subject);
        if waived.contains(&(outcome.rule.id, address.clone())) {
            continue;
        }
        if let Subject::NodePool(i) = outcome.subject {
            // GKE001 and GKE003 are settled by one edit of the pool's mode.
            if matches!(outcome.rule.id, "GKE001" | "GKE003") && !pools_done.insert(i) {
                continue;
            }
        }
        let id = fix_id(outcome.rule.id, &address);
        if plans.contains_key(&id) {
            continue;
        }
        let plan = match undone.get(&id) {
            Some(reason) => Err(reason.clone()),
            None => planner.plan(outcome.rule, outcome.subject),
        };
        plans.insert(id.clone(), plan);
        order.push(id);
    }
    // The fixes the planned ones need, planned too (whatever --select says: they are applied
    // together or not at all).
    let mut k = 0;
    while k < order.len() {
        let needs: Vec<String> = match &plans[&order[k]] {
            Ok(p) => p.needs.clone(),
            Err(_) => Vec::new(),
        };
        for need in needs {
            if plans.contains_key(&need) {
                continue;
            }
            let plan = match undone.get(&need) {
                Some(reason) => Err(reason.clone()),
                None => planner.plan_id(&need),
            };
            plans.insert(need.clone(), plan);
            order.push(need);
        }
        k += 1;
    }
    // Choose: by applicability, and only together with what they need.
    let allowed = |p: &Planned| match p.rule.fix_applicability {
        Applicability::DisplayOnly => false,
        Applicability::Safe => choice.only.as_ref().is_none_or(|o| o.contains(&p.id)),
        Applicability::Unsafe => choice
            .only
            .as_ref()
            .map_or(choice.unsafe_fixes, |o| o.contains(&p.id)),
    };
    let mut chosen: BTreeSet<String> = plans
        .iter()
        .filter_map(|(id, p)| p.as_ref().ok().filter(|p| allowed(p)).map(|_| id.clone()))
        .collect();
    // Drop chosen fixes whose needs are not all chosen, until nothing changes.
    // Why a fix was dropped, and whether its need cannot be made at all (then it is not
    // fixed, rather than left out).
    let mut blocked: BTreeMap<String, (String, bool)> = BTreeMap::new();
    loop {
        let mut changed = false;
        for id in order.iter() {
            if !chosen.contains(id) {
                continue;
            }
            let Ok(p) = &plans[id] else { continue };
            if let Some(need) = p.needs.iter().find(|n| !chosen.contains(*n)) {
                let why = match plans.get(need) {
                    Some(Err(reason)) => {
                        (format!("it needs {need}, which cannot be made: {reason}"), true)
                    }
                    Some(Ok(n)) => (
                        format!(
                            "it needs {need} ({}), which is {} and not chosen: apply both or neither",
                            n.what,
                            n.rule.fix_applicability.as_str()
                        ),
                        n.rule.fix_applicability == Applicability::DisplayOnly,
                    ),
                    None => (format!("it needs {need}, which was not planned"), true),
                };
                blocked.insert(id.clone(), why);
                chosen.remove(id);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut left_out = Vec::new();
    let mut apply_list = Vec::new();
    for id in &order {
        let plan = plans
            .remove(id)
            .unwrap_or_else(|| Err("planned twice".into()));
        match plan {
            Err(reason) => {
                let (rule, address) = id.split_once(':').unwrap_or((id, ""));
                skipped.push(Skipped {
                    id: id.clone(),
                    rule: crate::rules::find(rule).map_or("", |r| r.id),
                    address: address.to_string(),
                    reason,
                });
            }
            Ok(p) if chosen.contains(id) => apply_list.push(p),
            Ok(p) if blocked.get(id).is_some_and(|(_, never)| *never) => {
                skipped.push(Skipped {
                    reason: blocked.remove(id).map(|(why, _)| why).unwrap_or_default(),
                    id: p.id,
                    rule: p.rule.id,
                    address: p.address,
                });
            }
            Ok(p) => {
                let applicability = p.rule.fix_applicability;
                let reason = match (blocked.remove(id).map(|(why, _)| why), applicability) {
                    (Some(why), _) => why,
                    (None, Applicability::DisplayOnly) => {
                        "display-only: shown, never applied; make this change by hand when you have planned for its consequence".into()
                    }
                    (None, Applicability::Unsafe) if choice.only.is_none() => {
                        "unsafe: run `gkecheck fix --unsafe-fixes` to apply it".into()
                    }
                    (None, _) => "not chosen".into(),
                };
                left_out.push(LeftOut {
                    id: p.id,
                    rule: p.rule.id,
                    address: p.address,
                    what: p.what,
                    consequence: p.rule.fix_cost,
                    applicability,
                    reason,
                    needs: p.needs,
                });
            }
        }
    }
    // What others need goes first, so that a dependent fix finds it made in this round; the
    // rest keep the report's order (by resource, then rule).
    let needed: HashSet<String> = apply_list.iter().flat_map(|p| p.needs.clone()).collect();
    crate::sort::sort_by_key(&mut apply_list, |p| !needed.contains(&p.id));
    apply(inputs, &analysis.bodies, apply_list, skipped, left_out)
}

/// Plans fixes for the model one round's analysis built.
struct Planner<'p, 'a> {
    ctx: &'p Ctx<'a>,
    analysis: &'p Analysis,
    waived: &'p HashSet<(&'p str, String)>,
    /// Each outcome's status, by rule and subject.
    statuses: std::collections::HashMap<(&'static str, Subject), Status>,
    /// Each resource, by address.
    subjects: std::collections::HashMap<&'p str, Subject>,
}

impl<'p, 'a> Planner<'p, 'a> {
    fn address(&self, subject: Subject) -> String {
        match subject {
            Subject::NodePool(i) => self.analysis.model.node_pools[i].site.address.to_string(),
            Subject::Cluster(i) => self.analysis.model.clusters[i].site.address.to_string(),
        }
    }

    fn new(
        ctx: &'p Ctx<'a>,
        analysis: &'p Analysis,
        waived: &'p HashSet<(&'p str, String)>,
    ) -> Self {
        let statuses = analysis
            .outcomes
            .iter()
            .map(|o| ((o.rule.id, o.subject), o.status))
            .collect();
        let model = &analysis.model;
        let subjects = (model.clusters.iter().enumerate())
            .map(|(i, c)| (&*c.site.address, Subject::Cluster(i)))
            .chain(
                (model.node_pools.iter().enumerate())
                    .map(|(i, p)| (&*p.site.address, Subject::NodePool(i))),
            )
            .collect();
        Planner {
            ctx,
            analysis,
            waived,
            statuses,
            subjects,
        }
    }

    fn status(&self, rule: &'static str, subject: Subject) -> Option<Status> {
        self.statuses.get(&(rule, subject)).copied()
    }

    /// Plans a fix named by its id (one another fix needs).
    fn plan_id(&self, id: &str) -> Result<Planned, String> {
        let (rule, address) = id.split_once(':').ok_or("not a fix id")?;
        let rule = crate::rules::find(rule).ok_or("no such rule")?;
        let subject = *self
            .subjects
            .get(address)
            .ok_or_else(|| format!("{address} is not in the input"))?;
        if self.waived.contains(&(rule.id, address.to_string())) {
            return Err(format!(
                "a waiver accepts {} for {address}: gkecheck leaves it as it is",
                rule.id
            ));
        }
        self.plan(rule, subject)
    }

    fn plan(&self, rule: &'static crate::rules::Rule, subject: Subject) -> Result<Planned, String> {
        let model = &self.analysis.model;
        let address = self.address(subject);
        let id = fix_id(rule.id, &address);
        let planned = |(edits, what): (Vec<Edit>, String), needs: Vec<String>| Planned {
            id: id.clone(),
            rule,
            address: address.clone(),
            edits,
            what,
            needs,
        };
        match (rule.id, subject) {
            ("GKE003", Subject::NodePool(_))
                if self.waived.contains(&("GKE001", address.clone())) =>
            {
                Err("GKE001 is waived for this pool: pinning GKE_METADATA would undo what the waiver accepts; pin the mode the pool needs by hand".into())
            }
            ("GKE001" | "GKE003", Subject::NodePool(i)) => {
                let pool = &model.node_pools[i];
                editable(&pool.site)?;
                let edit = self.ctx.fix_pool(pool)?;
                Ok(planned(edit, self.identity_needs(pool)?))
            }
            ("GKE002", Subject::Cluster(i)) => {
                let cluster = &model.clusters[i];
                editable(&cluster.site)?;
                Ok(planned(self.ctx.fix_cluster(cluster)?, Vec::new()))
            }
            (rule_id, subject) if SETTINGS.iter().any(|f| f.rule == rule_id) => {
                let f = SETTINGS.iter().find(|f| f.rule == rule_id).expect("found above");
                let site = match subject {
                    Subject::NodePool(i) => &model.node_pools[i].site,
                    Subject::Cluster(i) => &model.clusters[i].site,
                };
                editable(site)?;
                let needs = match (rule_id, subject) {
                    ("GKE022", Subject::Cluster(i)) => self.channel_needs(i),
                    _ => Vec::new(),
                };
                Ok(planned(self.ctx.fix_setting(site, f)?, needs))
            }
            (rule_id, _) => Err(match BY_HAND.iter().find(|(r, _)| *r == rule_id) {
                Some((_, why)) => format!("no automatic fix: {why}"),
                None => format!("{rule_id} has no automatic fix"),
            }),
        }
    }

    /// GKE accepts GKE_METADATA only on a cluster with Workload Identity: the pool's fix
    /// needs the cluster's when it is off, and cannot be made when that is not known.
    fn identity_needs(&self, pool: &NodePool) -> Result<Vec<String>, String> {
        let model = &self.analysis.model;
        let c = match pool.cluster {
            crate::model::ClusterLink::Index(c) => c,
            crate::model::ClusterLink::Missing(ref m) => {
                let whose = if m.elsewhere > 0 {
                    "which is elsewhere in the input (another root configuration or live output), not joined to the pool"
                } else {
                    "which is not in the input"
                };
                return Err(format!("GKE_METADATA needs Workload Identity on the pool's cluster, {whose}: check the cluster's configuration with the pool (or set the mode by hand once Workload Identity is on)"));
            }
        };
        let cluster = &model.clusters[c];
        match self.status("GKE002", Subject::Cluster(c)) {
            Some(Status::Pass) | None => Ok(Vec::new()),
            Some(Status::Fail) => Ok(vec![fix_id("GKE002", &cluster.site.address)]),
            Some(_) => Err(format!(
                "GKE_METADATA needs Workload Identity on cluster {}, and whether it is on is not known ({}): settle that first",
                cluster.display_name(),
                match &cluster.workload_pool {
                    crate::model::Field::Unknown { expr, .. } => format!("the workload pool is `{expr}`"),
                    _ => "its Workload Identity setting could not be evaluated".to_string(),
                }
            )),
        }
    }

    /// A cluster in a release channel keeps auto-upgrade and auto-repair on in every pool:
    /// GKE rejects the channel while a pool turns either off.
    fn channel_needs(&self, cluster: usize) -> Vec<String> {
        self.analysis
            .outcomes
            .iter()
            .filter(|o| matches!(o.rule.id, "GKE019" | "GKE020") && o.status == Status::Fail)
            .filter_map(|o| match o.subject {
                Subject::NodePool(p)
                    if self.analysis.model.node_pools[p].cluster
                        == crate::model::ClusterLink::Index(cluster) =>
                {
                    Some(fix_id(
                        o.rule.id,
                        &self.analysis.model.node_pools[p].site.address,
                    ))
                }
                _ => None,
            })
            .collect()
    }
}

fn editable(site: &crate::model::Site) -> Result<(), String> {
    if site.editable {
        Ok(())
    } else {
        Err("this input is not Terraform configuration: apply the commands of the check's report (gcloud), or fix the configuration a plan was made from".into())
    }
}

/// Blocks Terraform allows once in their parent: a fix must never write a second.
pub const SINGLE_BLOCKS: &[&str] = &[
    "node_config",
    "workload_metadata_config",
    "shielded_instance_config",
    "management",
    "release_channel",
    "master_auth",
    "client_certificate_config",
    "addons_config",
    "kubernetes_dashboard",
    "workload_identity_config",
];

/// What makes a text unfit to write: it does not parse, or how many attributes and
/// single blocks it repeats inside one body (Terraform rejects both).
fn defects(text: &str) -> Result<usize, String> {
    let body = hcl_edit::parser::parse_body(&crate::input::for_parsers(text)).map_err(|e| {
        let at = e.location();
        format!(
            "{}:{}: {}",
            at.line(),
            at.column(),
            e.message().lines().next().unwrap_or("")
        )
    })?;
    fn count(body: &Body) -> usize {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut blocks: HashSet<&str> = HashSet::new();
        let mut n = 0;
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    if !seen.insert(a.key.as_str()) {
                        n += 1;
                    }
                }
                Structure::Block(b) => {
                    let name = b.ident.as_str();
                    if SINGLE_BLOCKS.contains(&name) && !blocks.insert(name) {
                        n += 1;
                    }
                    n += count(&b.body);
                }
            }
        }
        n
    }
    Ok(count(&body))
}

/// Applies the planned edits, file by file. A fix whose edits overlap an earlier one's waits
/// for the next round; one whose needs were not made in this round waits with them; the same
/// edit planned twice (instances of one block) is made once; a fix whose text would not parse
/// or would repeat an attribute or block is not made.
fn apply(
    inputs: &[Input],
    bodies: &BTreeMap<usize, Body>,
    planned: Vec<Planned>,
    mut skipped: Vec<Skipped>,
    left_out: Vec<LeftOut>,
) -> FixReport {
    // The ranges replaced so far, by input and start (insertions are empty ranges, which
    // never overlap), and every edit made.
    let mut taken: BTreeMap<usize, BTreeMap<usize, usize>> = BTreeMap::new();
    let mut all_edits: HashSet<Edit> = HashSet::new();
    let mut accepted: Vec<Planned> = Vec::new();
    // Blocks that fixes insert, by place: two fixes must not each add a `node_config {`
    // to the same pool.
    let mut created: HashSet<(usize, usize, String)> = Default::default();
    let creates = |e: &Edit| -> Option<(usize, usize, String)> {
        let first = e.text.lines().map(str::trim).find(|l| !l.is_empty())?;
        (first.ends_with('{')).then(|| (e.input, e.start, first.to_string()))
    };
    let mut made_ids: HashSet<String> = HashSet::new();
    let wait = |p: &Planned, skipped: &mut Vec<Skipped>| {
        skipped.push(Skipped {
            id: p.id.clone(),
            rule: p.rule.id,
            address: p.address.clone(),
            reason: AGAIN.into(),
        })
    };
    for p in planned {
        if p.needs.iter().any(|n| !made_ids.contains(n)) {
            wait(&p, &mut skipped);
            continue;
        }
        // The same edits as a fix already accepted (instances sharing a block): nothing more
        // to write.
        let fresh: Vec<Edit> = p
            .edits
            .iter()
            .filter(|e| !all_edits.contains(e))
            .cloned()
            .collect();
        if fresh.is_empty() {
            made_ids.insert(p.id.clone());
            continue;
        }
        let overlaps = fresh.iter().any(|e| {
            let crosses = e.start < e.end
                && taken.get(&e.input).is_some_and(|spans| {
                    // The last range starting before this edit's end is the only one that can
                    // reach into it (ranges taken do not overlap each other).
                    spans
                        .range(..e.end)
                        .next_back()
                        .is_some_and(|(&s, &t)| s < t && e.start < t)
                });
            crosses || creates(e).is_some_and(|c| created.contains(&c))
        });
        if overlaps {
            wait(&p, &mut skipped);
            continue;
        }
        created.extend(fresh.iter().filter_map(creates));
        for e in &fresh {
            if e.start < e.end {
                taken.entry(e.input).or_default().insert(e.start, e.end);
            }
        }
        all_edits.extend(fresh.iter().cloned());
        made_ids.insert(p.id.clone());
        accepted.push(Planned { edits: fresh, ..p });
    }
    // Each file's text with its edits; a fix whose text would not parse or repeats an
    // attribute or block is not made, with the reason.
    let mut rejected: BTreeMap<String, String> = BTreeMap::new();
    let files_of = |accepted: &[Planned], rejected: &BTreeMap<String, String>| {
        let mut by_input: BTreeMap<usize, Vec<(usize, &Edit)>> = BTreeMap::new();
        for (order, p) in accepted.iter().enumerate() {
            if rejected.contains_key(&p.id) {
                continue;
            }
            for e in &p.edits {
                by_input.entry(e.input).or_default().push((order, e));
            }
        }
        by_input
            .into_iter()
            .map(|(input, list)| (input, edited(&inputs[input].text, list)))
            .collect::<BTreeMap<usize, String>>()
    };
    let baseline = |input: usize| -> usize {
        if bodies.contains_key(&input) {
            defects(&inputs[input].text).unwrap_or(0)
        } else {
            0
        }
    };
    let mut texts = files_of(&accepted, &rejected);
    let broken: Vec<usize> = texts
        .iter()
        .filter(|(input, text)| defects(text).map_or(true, |n| n > baseline(**input)))
        .map(|(input, _)| *input)
        .collect();
    if !broken.is_empty() {
        // Find the fixes at fault: each alone, then together in order.
        for input in broken {
            let base = baseline(input);
            let mut good: Vec<(usize, &Edit)> = Vec::new();
            for (order, p) in accepted.iter().enumerate() {
                if !p.edits.iter().any(|e| e.input == input) {
                    continue;
                }
                let mut trial = good.clone();
                trial.extend(
                    p.edits
                        .iter()
                        .filter(|e| e.input == input)
                        .map(|e| (order, e)),
                );
                let text = edited(&inputs[input].text, trial.clone());
                match defects(&text) {
                    Ok(n) if n <= base => good = trial,
                    Ok(_) => {
                        rejected.insert(p.id.clone(), format!("the edit ({}) was not made: it would write an attribute or block twice; set it by hand", p.what));
                    }
                    Err(e) => {
                        rejected.insert(p.id.clone(), format!("the edit ({}) was not made: the file would not parse ({e}); set it by hand", p.what));
                    }
                }
            }
        }
        // A fix with edits in several files is all or nothing; so are those that need it.
        loop {
            let more: Vec<(String, String)> = accepted
                .iter()
                .filter(|p| !rejected.contains_key(&p.id))
                .filter_map(|p| {
                    p.needs
                        .iter()
                        .find(|n| rejected.contains_key(*n))
                        .map(|n| (p.id.clone(), format!("it needs {n}, which was not made")))
                })
                .collect();
            if more.is_empty() {
                break;
            }
            rejected.extend(more);
        }
        texts = files_of(&accepted, &rejected);
    }
    let mut made = Vec::new();
    let mut applied = Vec::new();
    let mut indexes: BTreeMap<usize, crate::span::LineIndex> = BTreeMap::new();
    for p in accepted {
        if let Some(reason) = rejected.remove(&p.id) {
            skipped.push(Skipped {
                id: p.id,
                rule: p.rule.id,
                address: p.address,
                reason,
            });
            continue;
        }
        let first = &p.edits[0];
        let index = indexes
            .entry(first.input)
            .or_insert_with(|| crate::span::LineIndex::new(&inputs[first.input].text));
        applied.push(Applied {
            id: p.id,
            rule: p.rule.id,
            address: p.address,
            input: inputs[first.input].name.clone(),
            line: index.position(first.start).line,
            what: p.what,
            consequence: p.rule.fix_cost,
            applicability: p.rule.fix_applicability,
            needs: p.needs.clone(),
            offset: first.start,
        });
        for e in &p.edits {
            made.push((e.input, e.start, e.end, e.text.len()));
        }
    }
    let files = texts
        .into_iter()
        .filter(|(input, text)| *text != inputs[*input].text)
        .map(|(input, text)| FixedFile {
            name: inputs[input].name.clone(),
            diff: unified_diff(&inputs[input].name, &inputs[input].text, &text),
            text,
        })
        .collect();
    FixReport {
        files,
        applied,
        left_out,
        skipped,
        made,
    }
}

/// `text` with the edits made, in one pass; insertions at one place keep their order.
fn edited(text: &str, mut list: Vec<(usize, &Edit)>) -> String {
    crate::sort::sort_by_key(&mut list, |(order, e)| (e.start, e.end, *order));
    let mut out =
        String::with_capacity(text.len() + list.iter().map(|(_, e)| e.text.len()).sum::<usize>());
    let mut at = 0;
    for (_, e) in list {
        if e.start < at {
            continue; // overlapping edits never reach here; skip rather than cut a character
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
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
}

const fn setting(
    rule: &'static str,
    path: &'static [&'static str],
    attr: &'static str,
    value: &'static str,
) -> SettingFix {
    SettingFix {
        rule,
        path,
        attr,
        value,
        only_existing: false,
    }
}

static SETTINGS: &[SettingFix] = &[
    SettingFix {
        only_existing: true,
        ..setting("GKE008", &[], "enable_legacy_abac", "false")
    },
    SettingFix {
        only_existing: true,
        ..setting(
            "GKE010",
            &["master_auth", "client_certificate_config"],
            "issue_client_certificate",
            "false",
        )
    },
    setting(
        "GKE004",
        &["node_config", "metadata"],
        "disable-legacy-endpoints",
        "\"true\"",
    ),
    setting("GKE016", &[], "enable_shielded_nodes", "true"),
    setting(
        "GKE017",
        &["node_config", "shielded_instance_config"],
        "enable_secure_boot",
        "true",
    ),
    setting(
        "GKE018",
        &["node_config", "shielded_instance_config"],
        "enable_integrity_monitoring",
        "true",
    ),
    setting("GKE019", &["management"], "auto_repair", "true"),
    setting("GKE020", &["management"], "auto_upgrade", "true"),
    setting(
        "GKE021",
        &["node_config"],
        "image_type",
        "\"COS_CONTAINERD\"",
    ),
    setting("GKE022", &["release_channel"], "channel", "\"REGULAR\""),
    setting("GKE024", &[], "enable_intranode_visibility", "true"),
    SettingFix {
        only_existing: true,
        ..setting(
            "GKE025",
            &[],
            "logging_service",
            "\"logging.googleapis.com/kubernetes\"",
        )
    },
    SettingFix {
        only_existing: true,
        ..setting(
            "GKE026",
            &[],
            "monitoring_service",
            "\"monitoring.googleapis.com/kubernetes\"",
        )
    },
    setting(
        "GKE028",
        &["addons_config", "kubernetes_dashboard"],
        "disabled",
        "true",
    ),
    setting("GKE029", &[], "enable_kubernetes_alpha", "false"),
];

/// Rules whose fix needs a value or a decision only a person has.
static BY_HAND: &[(&str, &str)] = &[
    ("GKE005", "a pool's service account cannot be changed in place; create a dedicated service account and a pool that replaces this one (the check's fix says how)"),
    ("GKE006", "remove the project-wide role from the nodes' service account, or give the pool a dedicated account with only what it needs (GKE005)"),
    ("GKE007", "the pool needs a dedicated service account you create (GKE005), or scopes chosen for its workloads; Terraform replaces the pool"),
    ("GKE009", "remove username and password from master_auth by hand once nothing logs in with them"),
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
    ("GKE033", "apply GKE001's fix to the pool and remove the project-wide role from the nodes' service account"),
    ("GKE034", "decide whether Terraform or the live cluster is right, then apply the configuration or change it to match"),
];

/// The parsed Terraform inputs (the check's own), and what they say about the modules.
struct Ctx<'a> {
    inputs: &'a [Input],
    bodies: &'a BTreeMap<usize, Body>,
    sources: &'a [VarSource],
    formats: &'a [Option<Format>],
    /// Every block of every parsed file, by its place: what a site's span finds.
    blocks: std::collections::HashMap<(usize, Span), &'a Block>,
    /// The provider versions each module allows, by directory, once worked out.
    majors: std::cell::RefCell<std::collections::HashMap<String, Result<Majors, String>>>,
}

/// The edits of one fix, and what it does.
type FixResult = Result<(Vec<Edit>, String), String>;

const MODE_LINE: &str = "mode = \"GKE_METADATA\"";

/// The provider major versions a module's constraints allow: `lo..=hi` (`hi` open when
/// `None`), or why they cannot be met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Majors {
    pub lo: u64,
    pub hi: Option<u64>,
}

impl<'a> Ctx<'a> {
    fn new(inputs: &'a [Input], analysis: &'a Analysis) -> Ctx<'a> {
        fn index<'b>(
            input: usize,
            body: &'b Body,
            out: &mut std::collections::HashMap<(usize, Span), &'b Block>,
        ) {
            for block in body.blocks() {
                out.insert((input, span_of(block)), block);
                index(input, &block.body, out);
            }
        }
        let mut blocks = std::collections::HashMap::new();
        for (input, body) in &analysis.bodies {
            index(*input, body, &mut blocks);
        }
        Ctx {
            inputs,
            bodies: &analysis.bodies,
            sources: &analysis.var_sources,
            formats: &analysis.formats,
            blocks,
            majors: Default::default(),
        }
    }

    /// The parsed configuration files of the module (directory) an input is in: the grouping
    /// the check used.
    fn module(&self, input: usize) -> impl Iterator<Item = (usize, &Body)> {
        let dir = crate::input::dir_of(&self.inputs[input].name);
        self.bodies
            .iter()
            .filter(move |(i, _)| {
                self.formats[**i] == Some(Format::Terraform)
                    && crate::input::dir_of(&self.inputs[**i].name) == dir
            })
            .map(|(i, b)| (*i, b))
    }

    /// The Google provider major versions the module's constraints allow (`google` and
    /// `google-beta`, in `required_providers` or a provider block's `version`, in any of its
    /// files).
    fn provider_majors(&self, input: usize) -> Result<Majors, String> {
        let dir = crate::input::dir_of(&self.inputs[input].name);
        if let Some(known) = self.majors.borrow().get(&dir) {
            return known.clone();
        }
        let found = self.read_provider_majors(input);
        self.majors.borrow_mut().insert(dir, found.clone());
        found
    }

    fn read_provider_majors(&self, input: usize) -> Result<Majors, String> {
        let mut majors = Majors { lo: 0, hi: None };
        for (i, body) in self.module(input) {
            let text = &self.inputs[i].text;
            let required = body
                .get_blocks("terraform")
                .flat_map(|t| t.body.get_blocks("required_providers"))
                .flat_map(|r| r.body.attributes())
                .filter(|a| matches!(a.key.as_str(), "google" | "google-beta"))
                .filter_map(|a| match &a.value {
                    Expression::String(s) => Some(s.as_str().to_string()),
                    Expression::Object(o) => o.iter().find_map(|(k, v)| {
                        let key = match k {
                            hcl_edit::expr::ObjectKey::Ident(i) => i.as_str(),
                            _ => "",
                        };
                        match v.expr() {
                            Expression::String(s) if key == "version" => {
                                Some(s.as_str().to_string())
                            }
                            _ => None,
                        }
                    }),
                    _ => None,
                });
            let legacy = body
                .get_blocks("provider")
                .filter(|p| {
                    p.labels
                        .first()
                        .is_some_and(|l| matches!(l.as_str(), "google" | "google-beta"))
                })
                .filter_map(|p| p.body.get_attribute("version"))
                .map(|a| span_text(text, &a.value).trim_matches('"').to_string());
            for constraint in required.chain(legacy) {
                majors = intersect(majors, constraint_majors(&constraint)?)
                    .ok_or_else(|| format!("the provider version constraints allow no version (`{constraint}` with the others)"))?;
            }
        }
        Ok(majors)
    }

    fn block_at(&self, input: usize, span: Span) -> Option<&Block> {
        self.blocks.get(&(input, span)).copied()
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
        let prefix = module_prefix(&pool.site.address);
        let majors = self.provider_majors(input)?;
        let what = format!(
            "set {} in {}{}",
            mode_line(majors)?,
            pool.site.address,
            shared(&pool.site.address)
        );
        let done = |edits| Ok((edits, what.clone()));
        let config = match first_of(&block.body, "node_config")? {
            None => {
                let edit = insert_block(
                    text,
                    input,
                    block,
                    &[
                        "node_config {",
                        "  workload_metadata_config {",
                        &format!("    {}", mode_line(majors)?),
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
                let line = mode_line(majors)?;
                // `workload_metadata_config = []` stands for no block: replace it.
                if let Some(attr) = config.body.get_attribute("workload_metadata_config") {
                    let span = span_of(attr);
                    let indent = line_indent(text, span.start());
                    let block_text =
                        format!("workload_metadata_config {{\n{indent}  {line}\n{indent}}}");
                    return done(vec![Edit {
                        input,
                        start: span.start(),
                        end: span.end(),
                        text: block_text,
                    }]);
                }
                let edit = insert_block(
                    text,
                    input,
                    config,
                    &["workload_metadata_config {", &format!("  {line}"), "}"],
                )?;
                done(vec![edit])
            }
            Some(wmc) => {
                if let Some(mode) = wmc.body.get_attribute("mode") {
                    return done(vec![self.set_string(
                        input,
                        &prefix,
                        &mode.value,
                        "GKE_METADATA",
                    )?]);
                }
                if let Some(nm) = wmc.body.get_attribute("node_metadata") {
                    if majors.lo >= 4 {
                        let span = span_of(nm);
                        return done(vec![Edit {
                            input,
                            start: span.start(),
                            end: span.end(),
                            text: MODE_LINE.into(),
                        }]);
                    }
                    // The module is written for provider 3 (node_metadata is gone from 4 on):
                    // keep its attribute.
                    let edit = self.set_string(input, &prefix, &nm.value, "GKE_METADATA_SERVER")?;
                    return Ok((
                        vec![edit],
                        format!(
                            "set node_metadata = \"GKE_METADATA_SERVER\" in {} (provider 3.x)",
                            pool.site.address
                        ),
                    ));
                }
                done(vec![insert_block(
                    text,
                    input,
                    wmc,
                    &[&mode_line(majors)?],
                )?])
            }
        }
    }

    /// Sets an attribute to a string: the literal itself, or the place the variable it reads
    /// gets its value. Anything else is left to a person.
    fn set_string(
        &self,
        input: usize,
        prefix: &str,
        value: &Expression,
        to: &str,
    ) -> Result<Edit, String> {
        let is_string = |e: &Expression| {
            matches!(
                e,
                Expression::String(_) | Expression::StringTemplate(_) | Expression::Null(_)
            )
        };
        self.set_literal(input, prefix, value, &format!("\"{to}\""), is_string)
    }

    /// Sets an attribute to `quoted` (a literal as written): where the value is a literal of
    /// that kind, or where the variable it reads gets its value in this module instance (a
    /// `.tfvars` entry, the module call's argument, the default when nothing overrides it).
    fn set_literal(
        &self,
        input: usize,
        prefix: &str,
        value: &Expression,
        quoted: &str,
        literal: fn(&Expression) -> bool,
    ) -> Result<Edit, String> {
        let text = &self.inputs[input].text;
        let quoted = quoted.to_string();
        if literal(value) {
            let span = span_of(value);
            return Ok(Edit {
                input,
                start: span.start(),
                end: span.end(),
                text: quoted,
            });
        }
        let written = span_text(text, value);
        let Some(name) = var_name(value, written) else {
            return Err(format!(
                "the value is the expression `{written}`: set it to {quoted} by hand"
            ));
        };
        let Some(source) = self
            .sources
            .iter()
            .find(|s| s.prefix == prefix && s.name == name)
        else {
            return Err(format!("the value comes from var.{name}, which no file in the input gives a value (no default, no .tfvars entry, no module argument): set it to {quoted} where it gets its value"));
        };
        let place = self.place(source.input, source.span);
        let Some(expr) = self
            .bodies
            .get(&source.input)
            .and_then(|b| expr_at(b, source.span))
        else {
            return Err(format!(
                "the value comes from var.{name}, set at {place}: set it to {quoted} there"
            ));
        };
        let where_ = match &source.kind {
            VarKind::Tfvars => format!("its .tfvars entry at {place}"),
            VarKind::Default => format!("its default at {place}"),
            VarKind::Argument { .. } => format!("the module call's argument at {place}"),
        };
        if literal(expr) {
            return Ok(Edit {
                input: source.input,
                start: source.span.start(),
                end: source.span.end(),
                text: quoted,
            });
        }
        if let VarKind::Argument { caller } = &source.kind {
            let arg_text = span_text(&self.inputs[source.input].text, expr);
            if var_name(expr, arg_text).is_some() {
                return self.set_literal(source.input, caller, expr, &quoted, literal);
            }
        }
        Err(format!(
            "the value comes from var.{name}, whose value ({where_}) is the expression `{}`: set it to {quoted} there by hand",
            span_text(&self.inputs[source.input].text, expr)
        ))
    }

    /// `file:line` of a byte offset.
    fn place(&self, input: usize, span: Span) -> String {
        let text = &self.inputs[input].text;
        let line = crate::span::LineIndex::new(text)
            .position(span.start().min(text.len()))
            .line;
        format!("{}:{line}", self.inputs[input].name)
    }

    /// Sets one attribute of a resource (or inline pool), adding the blocks and the attribute
    /// where they are missing. `metadata` (a map) gets its entry set.
    fn fix_setting(&self, site: &crate::model::Site, f: &SettingFix) -> FixResult {
        let input = site.input;
        let text = &self.inputs[input].text;
        let prefix = module_prefix(&site.address);
        let what = format!(
            "set {} = {} in {}{}",
            f.attr,
            f.value,
            site.address,
            shared(&site.address)
        );
        let done = |edits| Ok((edits, what.clone()));
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
                        &prefix,
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
                    &prefix,
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
        let replace = |span: Span, text: String| {
            Ok((
                vec![Edit {
                    input,
                    start: span.start(),
                    end: span.end(),
                    text,
                }],
                what.clone(),
            ))
        };
        if let Some(wi) = first_of(&block.body, "workload_identity_config")? {
            if let Some(ns) = wi.body.get_attribute("identity_namespace") {
                let written = matches!(&ns.value, Expression::String(v) if !v.is_empty());
                return match (self.provider_majors(input)?.lo >= 4, written) {
                    // Provider 4 on: the attribute is `workload_pool`, keeping a written value.
                    (true, true) => replace(span_of(&ns.key), "workload_pool".into()),
                    (true, false) => replace(
                        span_of(ns),
                        format!("workload_pool = {}", self.workload_pool(input, block)?),
                    ),
                    // Provider 3: its own attribute gets the pool.
                    (false, _) => replace(span_of(&ns.value), self.workload_pool(input, block)?),
                };
            }
            let pool = self.workload_pool(input, block)?;
            if let Some(wp) = wi.body.get_attribute("workload_pool") {
                return replace(span_of(&wp.value), pool);
            }
            let edit = insert_block(text, input, wi, &[&format!("workload_pool = {pool}")])?;
            return Ok((vec![edit], what));
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
        Ok((vec![edit], what))
    }

    /// The workload pool, built from what the configuration says of the project; never
    /// invented. In order: the cluster's `project`, the Google provider block's `project`,
    /// `var.project_id` or `var.project` (declared, used in the module while declared in a
    /// file not given, or set in a .tfvars file beside it), `data "google_project"`.
    fn workload_pool(&self, input: usize, cluster: &Block) -> Result<String, String> {
        let text = &self.inputs[input].text;
        let from = |value: &Expression, text: &str| match value {
            Expression::String(s) => format!("\"{}.svc.id.goog\"", s.as_str()),
            other => format!("\"${{{}}}.svc.id.goog\"", span_text(text, other)),
        };
        if let Some(project) = cluster.body.get_attribute("project") {
            return Ok(from(&project.value, text));
        }
        for (i, body) in self.module(input) {
            if let Some(project) = body
                .get_blocks("provider")
                .filter(|p| {
                    p.labels
                        .first()
                        .is_some_and(|l| matches!(l.as_str(), "google" | "google-beta"))
                })
                .filter(|p| p.body.get_attribute("alias").is_none())
                .find_map(|p| p.body.get_attribute("project"))
            {
                return Ok(from(&project.value, &self.inputs[i].text));
            }
        }
        for name in ["project_id", "project"] {
            let declared = self.module(input).any(|(_, body)| {
                body.get_blocks("variable")
                    .any(|v| v.labels.first().is_some_and(|l| l.as_str() == name))
            });
            let used = self.module(input).any(|(i, _)| {
                let t = &self.inputs[i].text;
                let needle = format!("var.{name}");
                t.match_indices(&needle).any(|(at, _)| {
                    !t[at + needle.len()..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                })
            });
            // A value in a .tfvars file says the root module has that variable.
            let dir = crate::input::dir_of(&self.inputs[input].name);
            let set = self.bodies.iter().any(|(i, body)| {
                self.formats[*i] == Some(Format::TerraformVars)
                    && crate::input::dir_of(&self.inputs[*i].name) == dir
                    && body.get_attribute(name).is_some()
            });
            if declared || used || set {
                return Ok(format!("\"${{var.{name}}}.svc.id.goog\""));
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
        Err("the configuration names no project (no project attribute on the cluster or the google provider, no var.project_id or var.project, no data \"google_project\"): add workload_identity_config { workload_pool = \"PROJECT_ID.svc.id.goog\" } with your project id".into())
    }
}

/// The module instance prefix of an address (`module.gke.` of
/// `module.gke.google_container_node_pool.p`).
fn module_prefix(address: &str) -> String {
    let mut end = 0;
    while let Some(after) = address[end..].strip_prefix("module.") {
        let mut i = end + 7 + after.find(['.', '[']).unwrap_or(after.len());
        if address[i..].starts_with('[') {
            // The instance key: a number, or a quoted string that may hold `.` and `]`.
            let mut quoted = false;
            let mut escaped = false;
            for (k, c) in address[i..].char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' if quoted => escaped = true,
                    '"' => quoted = !quoted,
                    ']' if !quoted => {
                        i += k + 1;
                        break;
                    }
                    _ => {}
                }
            }
        }
        if !address[i..].starts_with('.') {
            break;
        }
        end = i + 1;
    }
    address[..end].to_string()
}

/// `var.NAME` (and nothing more), written as it is.
fn var_name(value: &Expression, written: &str) -> Option<String> {
    match value {
        Expression::Traversal(t) if written.starts_with("var.") && t.operators.len() == 1 => {
            Some(written.trim_start_matches("var.").trim().to_string())
        }
        _ => None,
    }
}

/// The value expression with exactly this span: a top-level attribute (a `.tfvars` entry) or
/// one inside a block (a variable's `default`, a module call's argument).
fn expr_at(body: &Body, span: Span) -> Option<&Expression> {
    for s in body.iter() {
        match s {
            Structure::Attribute(a) if span_of(&a.value) == span => return Some(&a.value),
            Structure::Block(b) => {
                let outer = span_of(b);
                if outer.start() <= span.start() && span.end() <= outer.end() {
                    if let Some(e) = expr_at(&b.body, span) {
                        return Some(e);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The line that sets the GKE metadata server for the provider versions allowed: `mode` from
/// provider 4 on (and in the late 3.x releases); `node_metadata` where only 3.x is allowed.
fn mode_line(majors: Majors) -> Result<String, String> {
    match majors.hi {
        Some(hi) if hi < 3 => Err(format!(
            "the module pins the Google provider below version 3 (up to {hi}.x), which has no workload_metadata_config: upgrade the provider first"
        )),
        Some(3) => Ok("node_metadata = \"GKE_METADATA_SERVER\"".into()),
        _ => Ok(MODE_LINE.into()),
    }
}

fn intersect(a: Majors, b: Majors) -> Option<Majors> {
    let lo = a.lo.max(b.lo);
    let hi = match (a.hi, b.hi) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    };
    (hi.is_none_or(|h| lo <= h)).then_some(Majors { lo, hi })
}

/// The major versions a Terraform version constraint allows: `>=`, `>`, `<=`, `<`, `=`, `!=`,
/// `~>` and bare versions, comma-separated, all of which must hold.
pub fn constraint_majors(constraint: &str) -> Result<Majors, String> {
    let mut majors = Majors { lo: 0, hi: None };
    for part in constraint.split(',') {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        let (op, version) = ["~>", ">=", "<=", "!=", ">", "<", "="]
            .iter()
            .find_map(|op| p.strip_prefix(op).map(|v| (*op, v.trim())))
            .unwrap_or(("=", p));
        let version = version.trim_start_matches('v');
        let mut pieces = version.split(['.', '-', '+']);
        let parse = |s: Option<&str>| s.and_then(|s| s.parse::<u64>().ok());
        let major = parse(pieces.next())
            .ok_or_else(|| format!("`{p}` is not a version constraint gkecheck can read"))?;
        let minor = parse(pieces.next());
        let patch = parse(pieces.next());
        let rest_zero = minor.unwrap_or(0) == 0 && patch.unwrap_or(0) == 0;
        let this = match op {
            ">=" | ">" => Majors {
                lo: major,
                hi: None,
            },
            "<=" => Majors {
                lo: 0,
                hi: Some(major),
            },
            // `< 5.0.0` allows 4.x only; `< 5.1` allows 5.0.x too.
            "<" if rest_zero => Majors {
                lo: 0,
                hi: Some(
                    major
                        .checked_sub(1)
                        .ok_or_else(|| format!("`{p}` allows no version"))?,
                ),
            },
            "<" => Majors {
                lo: 0,
                hi: Some(major),
            },
            "!=" => Majors { lo: 0, hi: None },
            // `~> 5` and `~> 5.10` stay within 5.x; so does `~> 5.10.1`.
            "~>" | "=" => Majors {
                lo: major,
                hi: Some(major),
            },
            _ => Majors { lo: 0, hi: None },
        };
        majors =
            intersect(majors, this).ok_or_else(|| format!("`{constraint}` allows no version"))?;
    }
    Ok(majors)
}

fn span_of(item: &impl hcl_edit::Span) -> Span {
    item.span().map(Span::from_range).unwrap_or_default()
}

fn span_text<'t>(text: &'t str, item: &impl hcl_edit::Span) -> &'t str {
    let span = span_of(item);
    text.get(span.range()).unwrap_or("")
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

/// The spaces before the first non-space on the line holding `offset`.
fn line_indent(text: &str, offset: usize) -> String {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Inserts lines at the end of a block's body, indented one level deeper than the block.
/// A block written on one line (`name {}`, `name { x = 1 }`) is opened onto several lines.
fn insert_block(text: &str, input: usize, block: &Block, lines: &[&str]) -> Result<Edit, String> {
    let span = span_of(block);
    let close = span
        .end()
        .checked_sub(1)
        .filter(|&c| text.as_bytes().get(c) == Some(&b'}'))
        .ok_or("the block's closing brace was not where expected")?;
    let indent = line_indent(text, span.start());
    let inner = format!("{indent}  ");
    let body: String = lines.iter().map(|l| format!("{inner}{l}\n")).collect();
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..close].trim().is_empty() && line_start > span.start() {
        // `}` alone on its line: the new lines go just above it.
        return Ok(Edit {
            input,
            start: line_start,
            end: line_start,
            text: body,
        });
    }
    // The body's opening brace: the first `{` after the block's name and labels.
    let head_end = block
        .labels
        .last()
        .map(span_of)
        .unwrap_or_else(|| span_of(&block.ident))
        .end()
        .max(span.start());
    let open = text[head_end..close]
        .find('{')
        .map(|i| head_end + i)
        .ok_or("the block's opening brace was not where expected")?;
    let content = text[open + 1..close].trim();
    if content.contains('\n') {
        return Err(
            "the block's last line holds more than its closing brace: add the setting by hand"
                .into(),
        );
    }
    let existing = if content.is_empty() {
        String::new()
    } else {
        format!("{inner}{content}\n")
    };
    Ok(Edit {
        input,
        start: open + 1,
        end: close,
        text: format!("\n{existing}{body}{indent}"),
    })
}

/// The most cells the exact line diff may use; larger changed regions are first split at
/// lines that occur once on each side (patience diffing).
const MAX_DIFF_CELLS: usize = 1 << 20;

/// The line operations that turn `a` into `b`: the longest common subsequence when the region
/// is small, else split at the lines unique to both sides, in order; a region with no such line
/// is written as removed then added. Memory stays within `MAX_DIFF_CELLS` whatever the sizes.
fn diff_lines<'t>(a: &[&'t str], b: &[&'t str], ops: &mut Vec<(char, &'t str)>) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    ops.extend(a[..prefix].iter().map(|l| (' ', *l)));
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    let (n, m) = (mid_a.len(), mid_b.len());
    if (n + 1) * (m + 1) <= MAX_DIFF_CELLS {
        lcs_lines(mid_a, mid_b, ops);
    } else {
        // Lines that occur exactly once on each side, as (index in a, index in b).
        let mut seen: std::collections::HashMap<&str, (usize, usize, usize, usize)> =
            std::collections::HashMap::new();
        for (i, l) in mid_a.iter().enumerate() {
            let e = seen.entry(l).or_insert((0, 0, i, 0));
            e.0 += 1;
        }
        for (j, l) in mid_b.iter().enumerate() {
            if let Some(e) = seen.get_mut(l) {
                e.1 += 1;
                e.3 = j;
            }
        }
        let mut unique: Vec<(usize, usize)> = seen
            .values()
            .filter(|e| e.0 == 1 && e.1 == 1)
            .map(|e| (e.2, e.3))
            .collect();
        crate::sort::sort(&mut unique);
        let anchors = increasing(&unique);
        if anchors.is_empty() {
            ops.extend(mid_a.iter().map(|l| ('-', *l)));
            ops.extend(mid_b.iter().map(|l| ('+', *l)));
        } else {
            let (mut i, mut j) = (0, 0);
            for (ai, bj) in anchors {
                diff_lines(&mid_a[i..ai], &mid_b[j..bj], ops);
                ops.push((' ', mid_a[ai]));
                (i, j) = (ai + 1, bj + 1);
            }
            diff_lines(&mid_a[i..], &mid_b[j..], ops);
        }
    }
    ops.extend(a[a.len() - suffix..].iter().map(|l| (' ', *l)));
}

/// The longest run of pairs increasing in their second index (the pairs are sorted by the
/// first), in O(n log n).
fn increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut tails: Vec<usize> = Vec::new(); // index into pairs of the smallest tail per length
    let mut back: Vec<Option<usize>> = vec![None; pairs.len()];
    for (k, &(_, y)) in pairs.iter().enumerate() {
        let at = tails.partition_point(|&t| pairs[t].1 < y);
        back[k] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(k);
        } else {
            tails[at] = k;
        }
    }
    let mut out = Vec::new();
    let mut k = tails.last().copied();
    while let Some(i) = k {
        out.push(pairs[i]);
        k = back[i];
    }
    out.reverse();
    out
}

/// The exact line diff of a small region: longest common subsequence.
fn lcs_lines<'t>(mid_a: &[&'t str], mid_b: &[&'t str], ops: &mut Vec<(char, &'t str)>) {
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
}

/// The edits that turn `before` into `after`, line by line: (byte offset in `before`, bytes
/// replaced, new text), in order. What a SARIF fix's replacements say.
pub fn replacements(before: &str, after: &str) -> Vec<(usize, usize, String)> {
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let mut ops = Vec::new();
    diff_lines(&a, &b, &mut ops);
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, usize, String)> = None;
    for (op, line) in ops {
        match op {
            ' ' => {
                out.extend(open.take());
                offset += line.len();
            }
            '-' => {
                let hunk = open.get_or_insert((offset, 0, String::new()));
                hunk.1 += line.len();
                offset += line.len();
            }
            _ => open
                .get_or_insert((offset, 0, String::new()))
                .2
                .push_str(line),
        }
    }
    out.extend(open);
    out
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
    // Every line as (kind, text), kind ' ', '-' or '+'.
    let mut ops: Vec<(char, &str)> = a[..prefix].iter().map(|l| (' ', *l)).collect();
    diff_lines(mid_a, mid_b, &mut ops);
    ops.extend(a[a.len() - suffix..].iter().map(|l| (' ', *l)));
    let path = name.trim_start_matches('/');
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != ' ')
        .map(|(k, _)| k)
        .collect();
    // How many lines of each side come before each operation.
    let (mut before_a, mut before_b) = (vec![0; ops.len() + 1], vec![0; ops.len() + 1]);
    for (k, o) in ops.iter().enumerate() {
        before_a[k + 1] = before_a[k] + usize::from(o.0 != '+');
        before_b[k + 1] = before_b[k] + usize::from(o.0 != '-');
    }
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(3);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 7 {
            end = changed[k];
            k += 1;
        }
        let end = (end + 4).min(ops.len());
        let line_a = 1 + before_a[start];
        let line_b = 1 + before_b[start];
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
    fn provider_constraints() {
        let m = |c: &str| constraint_majors(c).map(|m| (m.lo, m.hi));
        assert_eq!(m(">= 4.0"), Ok((4, None)));
        assert_eq!(m("> 4.0"), Ok((4, None)));
        assert_eq!(m("~> 5.10"), Ok((5, Some(5))));
        assert_eq!(m("~> 5"), Ok((5, Some(5))));
        assert_eq!(m("3.90.1"), Ok((3, Some(3))));
        assert_eq!(m("= 6.2.0"), Ok((6, Some(6))));
        assert_eq!(m("< 5.0"), Ok((0, Some(4))));
        assert_eq!(m("< 5.1"), Ok((0, Some(5))));
        assert_eq!(m("<= 5"), Ok((0, Some(5))));
        assert_eq!(m(">= 3.5, < 6"), Ok((3, Some(5))));
        assert_eq!(m(">= 4.0, != 4.5.0"), Ok((4, None)));
        assert!(m(">= 6, < 5").is_err());
        assert!(m("latest").is_err());
    }

    #[test]
    fn module_prefixes() {
        assert_eq!(module_prefix("google_container_node_pool.p"), "");
        assert_eq!(
            module_prefix("module.gke.google_container_node_pool.p"),
            "module.gke."
        );
        assert_eq!(
            module_prefix("module.a[\"x.y\"].module.b[0].google_container_cluster.c"),
            "module.a[\"x.y\"].module.b[0]."
        );
    }

    fn inputs(text: &str) -> Vec<Input> {
        vec![Input::new("main.tf", text)]
    }

    const CLUSTER: &str = "resource \"google_container_cluster\" \"c\" {\n  name = \"c\"\n  enable_legacy_abac = false\n  remove_default_node_pool = true\n}\n";

    fn applied(id: &str, what: &str) -> Applied {
        let (rule, address) = id.split_once(':').unwrap();
        Applied {
            id: id.into(),
            rule: crate::rules::find(rule).unwrap().id,
            address: address.into(),
            input: "main.tf".into(),
            line: 1,
            what: what.into(),
            consequence: "",
            applicability: Applicability::Safe,
            needs: Vec::new(),
            offset: 0,
        }
    }

    /// The check after the edits decides: an edit that leaves its rule failing, or that makes
    /// another rule fail, is undone with the reason.
    #[test]
    fn verification_undoes_what_the_check_does_not_confirm() {
        let options = Options::default();
        let before = check(&inputs(CLUSTER), &options);
        // Claims GKE024 for an edit that changed a comment only.
        let report = FixReport {
            files: vec![FixedFile {
                name: "main.tf".into(),
                text: format!("# edited\n{CLUSTER}"),
                diff: String::new(),
            }],
            applied: vec![applied("GKE024:google_container_cluster.c", "set x")],
            left_out: Vec::new(),
            skipped: Vec::new(),
            made: Vec::new(),
        };
        let undo = verify(&inputs(CLUSTER), &options, &before, &report);
        assert_eq!(undo.len(), 1, "{undo:?}");
        assert!(undo[0].1.contains("still fail"), "{}", undo[0].1);
        // An edit that turns legacy ABAC on: GKE008 passed before.
        let report = FixReport {
            files: vec![FixedFile {
                name: "main.tf".into(),
                text: CLUSTER.replace("abac = false", "abac = true"),
                diff: String::new(),
            }],
            applied: vec![applied("GKE019:google_container_cluster.c", "set y")],
            left_out: Vec::new(),
            skipped: Vec::new(),
            made: Vec::new(),
        };
        let undo = verify(&inputs(CLUSTER), &options, &before, &report);
        assert!(
            undo.iter()
                .any(|(_, why)| why.contains("it made GKE008 fail for google_container_cluster.c")),
            "{undo:?}"
        );
    }

    /// An edit that would write an attribute twice, or text that does not parse, is not made.
    #[test]
    fn edits_that_break_the_file_are_not_made() {
        let input = inputs(CLUSTER);
        let analysis = analyze(&input);
        let rule = crate::rules::find("GKE016").unwrap();
        let at = CLUSTER.find("  remove").unwrap();
        let plan = |id: &str, text: &str| Planned {
            id: id.into(),
            rule,
            address: "google_container_cluster.c".into(),
            edits: vec![Edit {
                input: 0,
                start: at,
                end: at,
                text: text.into(),
            }],
            what: text.trim().into(),
            needs: Vec::new(),
        };
        let report = apply(
            &input,
            &analysis.bodies,
            vec![
                plan("a", "  name = \"twice\"\n"),
                plan("b", "  broken = {\n"),
                plan("c", "  enable_shielded_nodes = true\n"),
            ],
            Vec::new(),
            Vec::new(),
        );
        let made: Vec<&str> = report.applied.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(made, ["c"]);
        let why: Vec<(&str, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.id.as_str(), s.reason.as_str()))
            .collect();
        assert!(why[0].0 == "a" && why[0].1.contains("twice"), "{why:?}");
        assert!(
            why[1].0 == "b" && why[1].1.contains("would not parse"),
            "{why:?}"
        );
        assert_eq!(report.files.len(), 1);
        assert!(report.files[0]
            .text
            .contains("enable_shielded_nodes = true"));
        assert!(!report.files[0].text.contains("twice"));
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

    /// A large change is diffed by unique lines, within bounded memory, and the diff still
    /// turns the old text into the new one.
    #[test]
    fn large_diffs_stay_small_and_right() {
        let before: String = (0..3000)
            .map(|i| format!("resource \"p\" \"p{i}\" {{\n  cluster = \"c\"\n}}\n"))
            .collect();
        let after = before.replace("  cluster = \"c\"\n", "  cluster = \"c\"\n  mode = 1\n");
        let diff = unified_diff("main.tf", &before, &after);
        assert_eq!(diff.matches("\n+  mode = 1\n").count(), 3000);
        assert_eq!(
            diff.lines()
                .filter(|l| l.starts_with('-') && !l.starts_with("---"))
                .count(),
            0
        );
        // Applying the diff's lines in order gives the new text.
        let rebuilt: String = diff
            .lines()
            .filter(|l| !l.starts_with("---") && !l.starts_with("+++") && !l.starts_with("@@"))
            .filter(|l| !l.starts_with('-'))
            .map(|l| format!("{}\n", &l[1..]))
            .collect();
        assert!(after.contains(&rebuilt[..rebuilt.len().min(200)]));
    }
}
