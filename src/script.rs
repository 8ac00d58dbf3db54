//! `check --format script` (and the page's "Copy all commands"): the gcloud fix commands as a
//! shell script a person can run as written. Only safe steps run; every unsafe or disruptive
//! step is commented out with its own warning right above it.

use std::collections::BTreeMap;

use crate::report::{Applicability, Report, Status};

/// Comment lines are wrapped at this width.
const WIDTH: usize = 96;

/// The commands of one finding's remediation, which run (or are commented out) together.
struct Command<'r> {
    codes: Vec<&'r str>,
    /// Why they do not run as written; `None` when the fix is safe.
    warning: Option<String>,
}

/// A replacement pool: one per pool, with every setting that needs one.
#[derive(Default)]
struct Replacement {
    /// `gcloud container node-pools create NAME-v2 --cluster=... --location=... --project=...`
    head: String,
    flags: Vec<String>,
    warnings: Vec<String>,
    rules: Vec<&'static str>,
}

/// Writes `text` as `# ` comment lines of at most `WIDTH` characters, each starting with
/// `lead` (and the continuation lines with as many spaces).
fn comment(out: &mut String, lead: &str, text: &str) {
    let indent = " ".repeat(lead.chars().count());
    let mut line = format!("# {lead}");
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("# {indent}");
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// A command written out as a comment, line by line.
fn commented(out: &mut String, code: &str) {
    for line in code.lines() {
        out.push_str("# ");
        out.push_str(line.trim_start_matches("# "));
        out.push('\n');
    }
}

/// The script for every failing result with gcloud remediation.
pub fn script(report: &Report) -> String {
    let mut clusters: Vec<Command> = Vec::new();
    let mut pools: Vec<Command> = Vec::new();
    let mut replacements: BTreeMap<String, Replacement> = BTreeMap::new();
    let mut by_hand: Vec<(&str, &str)> = Vec::new();
    let mut verify: Vec<(&str, &str)> = Vec::new();
    // Projects of the pools whose metadata server changes: their workloads need their own
    // identity first.
    let mut identity_pools: Vec<(String, String)> = Vec::new();
    // What each list holds already (a report of an organization has tens of thousands).
    let mut listed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut by_hand_listed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut verify_listed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut identity_listed: std::collections::HashSet<(String, String)> =
        std::collections::HashSet::new();
    // A command is safe when a safe rule's fix is that command (Workload Identity on the
    // cluster is GKE002's fix, though GKE001's remediation lists it too).
    let safe_codes: std::collections::HashSet<&str> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .filter(|r| {
            crate::rules::by_id(r.rule)
                .is_some_and(|rule| rule.fix_applicability == Applicability::Safe)
        })
        .filter_map(|r| r.remediation.as_ref())
        .flat_map(|f| f.steps.iter().map(|s| &*s.code))
        .collect();
    for r in report.results.iter().filter(|r| r.status == Status::Fail) {
        let Some(fix) = &r.remediation else { continue };
        if fix.steps.iter().any(|s| s.language != "shell") {
            continue; // Terraform: `gkecheck fix` changes the configuration instead.
        }
        let rule = crate::rules::by_id(r.rule);
        let cost = rule.map_or("", |rule| rule.fix_cost);
        // Which list the finding's last command went to, so that its next one joins it.
        let mut grouped: Option<bool> = None;
        let list_id = |code: &str| code.starts_with("gcloud container clusters update");
        for step in &fix.steps {
            let code = &*step.code;
            if let Some(rest) = code.strip_prefix("gcloud container node-pools create ") {
                // `NAME --cluster=C --location=L --project=P FLAGS...`
                let words: Vec<&str> = rest.split_whitespace().collect();
                let fixed = words.len().min(4);
                let key = words[..fixed].join(" ");
                let entry = replacements.entry(key.clone()).or_default();
                entry.head = format!("gcloud container node-pools create {key}");
                // One value per flag: the first finding's (a real account before NODE_SA).
                let name = |f: &str| f.split('=').next().unwrap_or(f).to_string();
                for flag in &words[fixed..] {
                    if !entry.flags.iter().any(|f| name(f) == name(flag)) {
                        entry.flags.push(flag.to_string());
                    }
                }
                if !entry.warnings.iter().any(|w| w == cost) {
                    entry.warnings.push(cost.to_string());
                }
                if !entry.rules.contains(&r.rule) {
                    entry.rules.push(r.rule);
                }
                continue;
            }
            if code.starts_with('#') || crate::rules::has_placeholder(code) {
                if by_hand_listed.insert(code) {
                    by_hand.push((&step.title, code));
                }
                continue;
            }
            let list = if code.starts_with("gcloud container clusters update") {
                &mut clusters
            } else {
                &mut pools
            };
            // A command goes to one list only (by how it starts): one set for both.
            if !listed.insert(code) {
                continue;
            }
            let safe = safe_codes.contains(code);
            // A finding's commands stay together, under one warning.
            if let Some(group) = list
                .last_mut()
                .filter(|g| grouped == Some(list_id(code)) && g.warning.is_none() == safe)
            {
                group.codes.push(code);
                continue;
            }
            let warning = (!safe).then(|| {
                let why = if fix.warnings.is_empty() {
                    cost.to_string()
                } else {
                    fix.warnings.join(" ")
                };
                format!("{} ({}): {why}", r.rule, r.name)
            });
            list.push(Command {
                codes: vec![code],
                warning,
            });
            grouped = Some(list_id(code));
        }
        for step in &fix.verify {
            if verify_listed.insert(&step.code) {
                verify.push((&step.title, &step.code));
            }
        }
        if r.rule == "GKE001" {
            let project = r
                .resource
                .address
                .split('/')
                .nth(1)
                .filter(|_| r.resource.address.starts_with("projects/"))
                .unwrap_or("PROJECT_ID")
                .to_string();
            let entry = (r.resource.name.to_string(), project);
            if identity_listed.insert(entry.clone()) {
                identity_pools.push(entry);
            }
        }
    }
    // Workload Identity first on each cluster, the metadata server first on each pool.
    crate::sort::sort_by_key(&mut clusters, |c| !c.codes[0].contains("--workload-pool="));
    crate::sort::sort_by_key(&mut pools, |p| !p.codes[0].contains("--workload-metadata="));
    if clusters.is_empty() && pools.is_empty() && by_hand.is_empty() && replacements.is_empty() {
        return "#!/usr/bin/env bash\n# gkecheck: nothing to fix with gcloud in these inputs.\n"
            .into();
    }
    let live = clusters
        .iter()
        .chain(&pools)
        .filter(|c| c.warning.is_none())
        .count();
    let mut out = String::from(
        "#!/usr/bin/env bash\n# Written by gkecheck: review it before you run it.\n#\n",
    );
    comment(&mut out, "", &format!(
        "Only safe steps run as written ({live} here): they change settings in place, recreate no node and cut nobody off. Every other step is commented out with its warning right above it: to run one, read the warning, plan for what it costs, then remove the \"# \" before its command and run this script again (the safe steps change nothing the second time)."
    ));
    out.push_str("set -euo pipefail\n");
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut section = |title: &str, body: String| {
        if !body.is_empty() {
            sections.push((title.to_string(), body));
        }
    };
    let write_commands = |list: &[&Command]| {
        let mut body = String::new();
        for c in list {
            match &c.warning {
                None => {
                    for code in &c.codes {
                        body.push_str(code);
                        body.push('\n');
                    }
                }
                Some(w) => {
                    body.push('\n');
                    comment(&mut body, "WARNING: ", w);
                    for code in &c.codes {
                        commented(&mut body, code);
                    }
                }
            }
        }
        body
    };
    let (identity, other_clusters): (Vec<&Command>, Vec<&Command>) = clusters
        .iter()
        .partition(|c| c.codes[0].contains("--workload-pool="));
    section(
        "Workload Identity on each cluster (in place: running pods keep what they have until their pool changes).",
        write_commands(&identity),
    );
    if !identity_pools.is_empty() {
        let mut body = String::new();
        comment(&mut body, "", "Before a pool switches to the GKE metadata server, give each workload that calls Google APIs its own identity, or it loses access. For each Kubernetes service account KSA in namespace NS that needs Google access, as the IAM service account GSA (the binding needs Workload Identity on the cluster first):");
        let mut projects: Vec<&str> = identity_pools.iter().map(|(_, p)| p.as_str()).collect();
        projects.dedup();
        let pools: Vec<&str> = identity_pools.iter().map(|(n, _)| n.as_str()).collect();
        comment(&mut body, "", &format!("(node pools {})", pools.join(", ")));
        for project in projects {
            body.push_str(&format!("#   kubectl annotate serviceaccount KSA --namespace NS iam.gke.io/gcp-service-account=GSA@{project}.iam.gserviceaccount.com\n#   gcloud iam service-accounts add-iam-policy-binding GSA@{project}.iam.gserviceaccount.com --role=roles/iam.workloadIdentityUser --member=\"serviceAccount:{project}.svc.id.goog[NS/KSA]\"\n"));
        }
        section(
            "Map each workload to its own identity (by hand: the names are yours).",
            body,
        );
    }
    section("Other cluster settings.", write_commands(&other_clusters));
    section(
        "Node pool settings, the GKE metadata server first.",
        write_commands(&pools.iter().collect::<Vec<_>>()),
    );
    if !replacements.is_empty() {
        let mut body = String::new();
        for r in replacements.values() {
            body.push('\n');
            comment(
                &mut body,
                "WARNING: ",
                &format!(
                    "{} cannot change on a running pool: this creates a replacement with all of them. Add the old pool's other settings (machine type, size, labels, taints) to the command, move the workloads to it, then delete the old pool. {}",
                    r.rules.join(", "),
                    r.warnings.join(" ")
                ),
            );
            commented(&mut body, &format!("{} {}", r.head, r.flags.join(" ")));
        }
        section(
            "Replacement pools: one per pool, with every setting that needs one.",
            body,
        );
    }
    if !by_hand.is_empty() {
        let mut body = String::new();
        for (title, code) in &by_hand {
            if code.starts_with('#') {
                // No command does it: the title says what to do.
                comment(&mut body, "- ", title);
                continue;
            }
            comment(&mut body, "- ", &format!("{title}:"));
            for line in code.lines() {
                body.push_str(&format!("#     {line}\n"));
            }
        }
        section(
            "By hand: each needs a value or a decision only you have.",
            body,
        );
    }
    if !verify.is_empty() {
        let mut body = String::new();
        for (title, code) in &verify {
            comment(&mut body, "", &format!("{title}:"));
            for line in code.lines() {
                body.push_str(&format!("#   {line}\n"));
            }
        }
        section(
            "Verify, by hand, once the updates are done (one runs a pod).",
            body,
        );
    }
    for (n, (title, body)) in sections.iter().enumerate() {
        out.push('\n');
        comment(&mut out, &format!("{}. ", n + 1), title);
        out.push_str(body.trim_start_matches('\n'));
    }
    out
}
