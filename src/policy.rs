//! `gkecheck policy`: GKE custom organization policy constraints that deny, at CREATE and
//! UPDATE, a cluster or node pool the rules would fail, for the rules whose pass condition can be
//! said of the v1 `Cluster` or `NodePool` resource alone. Written as the YAML `gcloud
//! org-policies set-custom-constraint` and `set-policy` take, or as Terraform.
//!
//! Each condition reads the request as the API's protocol buffers give it, where an unset field
//! has its default (false, "", an empty message), and guards every step with `has()` so that it
//! reads the same on the API's JSON, where unset fields are left out: the tests evaluate it that
//! way, on the rules' own API examples.

use crate::rules::RULES;

/// What `--organization` is when none is given: a placeholder to replace before use.
pub const ORGANIZATION_PLACEHOLDER: &str = "ORGANIZATION_ID";

/// An organization's id as the constraints' names hold it: its digits (or the placeholder).
pub fn organization(id: &str) -> Result<String, String> {
    let id = id.trim();
    let digits = !id.is_empty() && id.len() <= 25 && id.bytes().all(|b| b.is_ascii_digit());
    if digits || id == ORGANIZATION_PLACEHOLDER {
        Ok(id.to_string())
    } else {
        Err(format!(
            "expected an organization's numeric id (such as 123456789012, from `gcloud organizations list`), found {}",
            crate::span::quote(&format!("{id:?}"))
        ))
    }
}

/// Where policies enforce the constraints: `organizations/ID`, `folders/ID` or `projects/ID`
/// (a project's id or number).
pub fn parent(resource: &str) -> Result<String, String> {
    let resource = resource.trim();
    let wrong = || {
        format!(
            "expected organizations/ID, folders/ID or projects/PROJECT_ID, found {}",
            crate::span::quote(&format!("{resource:?}"))
        )
    };
    let (kind, id) = resource.split_once('/').ok_or_else(wrong)?;
    let fits = match kind {
        "organizations" => organization(id).is_ok(),
        "folders" => !id.is_empty() && id.len() <= 25 && id.bytes().all(|b| b.is_ascii_digit()),
        // A project's number, its id (6 to 30 lowercase letters, digits and hyphens), or an
        // older domain-scoped id (example.com:project).
        "projects" => {
            (1..=100).contains(&id.len())
                && id.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b':')
                })
                && !id.ends_with(['-', '.', ':'])
        }
        _ => false,
    };
    if fits {
        Ok(resource.to_string())
    } else {
        Err(wrong())
    }
}

/// The constraints and policies as `format` (`yaml` or `terraform`) says, for an organization
/// and a parent (the organization when None); checked as [`organization`] and [`parent`] say.
pub fn write(format: &str, organization_id: &str, at: Option<&str>) -> Result<String, String> {
    let organization_id = organization(organization_id)?;
    let at = match at.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => parent(p)?,
        None => format!("organizations/{organization_id}"),
    };
    match format {
        "yaml" => Ok(yaml(&organization_id, &at)),
        "terraform" => Ok(terraform(&organization_id, &at)),
        other => Err(format!(
            "expected the format yaml or terraform, found {}",
            crate::span::quote(&format!("{other:?}"))
        )),
    }
}

/// One constraint: it denies what `condition` is true of.
pub struct Constraint {
    /// The rule it enforces.
    pub rule: &'static str,
    /// `Cluster` or `NodePool`.
    pub resource: &'static str,
    /// The constraint id's own part: `custom.gkecheck<id>`.
    pub id: &'static str,
    pub condition: &'static str,
    /// Where the constraint denies more than the rule fails, and why.
    pub stricter: &'static str,
}

/// The constraints, in rule order.
pub static CONSTRAINTS: &[Constraint] = &[
    Constraint {
        rule: "GKE001",
        resource: "NodePool",
        id: "Gke001NodePool",
        condition: "!has(resource.config) || !has(resource.config.workloadMetadataConfig) || resource.config.workloadMetadataConfig.mode != 'GKE_METADATA'",
        stricter: "A pool created without an explicit mode is denied even when its cluster's Workload Identity would give it GKE_METADATA: the request must say GKE_METADATA.",
    },
    Constraint {
        rule: "GKE001",
        resource: "Cluster",
        id: "Gke001Cluster",
        condition: "!(has(resource.autopilot) && resource.autopilot.enabled) && (has(resource.nodePools) && size(resource.nodePools) > 0 ? resource.nodePools.exists(p, !has(p.config) || !has(p.config.workloadMetadataConfig) || p.config.workloadMetadataConfig.mode != 'GKE_METADATA') : !has(resource.nodeConfig) || !has(resource.nodeConfig.workloadMetadataConfig) || resource.nodeConfig.workloadMetadataConfig.mode != 'GKE_METADATA')",
        stricter: "A cluster's first pool (its node_config, or each of its node_pools) must say GKE_METADATA even when the pool is removed right after creation (Terraform's remove_default_node_pool), or when Workload Identity would give it the mode.",
    },
    Constraint {
        rule: "GKE002",
        resource: "Cluster",
        id: "Gke002",
        condition: "!(has(resource.autopilot) && resource.autopilot.enabled) && (!has(resource.workloadIdentityConfig) || !has(resource.workloadIdentityConfig.workloadPool) || resource.workloadIdentityConfig.workloadPool == '')",
        stricter: "",
    },
    Constraint {
        rule: "GKE008",
        resource: "Cluster",
        id: "Gke008",
        condition: "has(resource.legacyAbac) && has(resource.legacyAbac.enabled) && resource.legacyAbac.enabled == true",
        stricter: "",
    },
    Constraint {
        rule: "GKE017",
        resource: "NodePool",
        id: "Gke017",
        condition: "!has(resource.config) || !has(resource.config.shieldedInstanceConfig) || !has(resource.config.shieldedInstanceConfig.enableSecureBoot) || resource.config.shieldedInstanceConfig.enableSecureBoot != true",
        stricter: "It cannot see the cluster, so it also applies to pools GKE creates for Autopilot and node auto-provisioning, which the rule passes.",
    },
    Constraint {
        rule: "GKE019",
        resource: "NodePool",
        id: "Gke019",
        condition: "!has(resource.management) || !has(resource.management.autoRepair) || resource.management.autoRepair != true",
        stricter: "A request that leaves management out is denied, although GKE turns auto-repair on for it: the request must say autoRepair: true.",
    },
    Constraint {
        rule: "GKE020",
        resource: "NodePool",
        id: "Gke020",
        condition: "!has(resource.management) || !has(resource.management.autoUpgrade) || resource.management.autoUpgrade != true",
        stricter: "A request that leaves management out is denied, although GKE turns auto-upgrade on for it: the request must say autoUpgrade: true.",
    },
    Constraint {
        rule: "GKE029",
        resource: "Cluster",
        id: "Gke029",
        condition: "has(resource.enableKubernetesAlpha) && resource.enableKubernetesAlpha == true",
        stricter: "",
    },
];

/// The rules no constraint enforces, with why.
pub fn not_expressed() -> Vec<(&'static str, &'static str)> {
    RULES
        .iter()
        .filter(|r| !CONSTRAINTS.iter().any(|c| c.rule == r.id))
        .map(|r| {
            let why = match r.id {
                "GKE003" => "it judges Terraform's text (whether the mode is written down), which the API never sees",
                "GKE006" | "GKE033" => "it needs the project's IAM policy, which a cluster or node pool request does not hold",
                "GKE034" => "it compares Terraform with the live cluster, which a request is not",
                _ => "not expressed yet: its pass condition leans on defaults, versions or the pool's cluster, and gkecheck writes a constraint only once its condition is tested against the rule's verdicts",
            };
            (r.id, why)
        })
        .collect()
}

fn title_of(rule: &str) -> &'static str {
    RULES
        .iter()
        .find(|r| r.id == rule)
        .map_or("", |r| r.pass_title)
}

fn description(c: &Constraint) -> String {
    let mut text = format!(
        "gkecheck {}: {}. Denies a {} the rule fails.",
        c.rule,
        title_of(c.rule),
        if c.resource == "Cluster" {
            "cluster"
        } else {
            "node pool"
        }
    );
    if !c.stricter.is_empty() {
        text.push_str(" Stricter than the check: ");
        text.push_str(c.stricter);
    }
    text
}

fn yaml_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The constraints and the policies that enforce them, as YAML documents for `gcloud
/// org-policies set-custom-constraint FILE` and `gcloud org-policies set-policy FILE` (one
/// document each: split at the `---` lines). `organization` and `parent` are checked by `write`.
fn yaml(organization: &str, parent: &str) -> String {
    let mut out = String::from("# gkecheck policy: custom organization policy constraints for GKE, then the policies that\n# enforce them. Create each constraint with `gcloud org-policies set-custom-constraint FILE`\n# and each policy with `gcloud org-policies set-policy FILE` (one YAML document per file).\n");
    for c in CONSTRAINTS {
        out.push_str(&format!(
            "---\nname: organizations/{organization}/customConstraints/custom.gkecheck{}\nresourceTypes:\n- container.googleapis.com/{}\nmethodTypes:\n- CREATE\n- UPDATE\ncondition: {}\nactionType: DENY\ndisplayName: {}\ndescription: {}\n",
            c.id,
            c.resource,
            yaml_string(c.condition),
            yaml_string(&format!("gkecheck {} ({})", c.rule, c.resource)),
            yaml_string(&description(c)),
        ));
    }
    for c in CONSTRAINTS {
        out.push_str(&format!(
            "---\nname: {parent}/policies/custom.gkecheck{}\nspec:\n  rules:\n  - enforce: true\n",
            c.id
        ));
    }
    not_expressed_comments(&mut out);
    out
}

fn hcl_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("$$"),
            '%' => out.push_str("%%"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The same as Terraform: `google_org_policy_custom_constraint` and `google_org_policy_policy`.
fn terraform(organization: &str, parent: &str) -> String {
    let mut out = String::from("# gkecheck policy: custom organization policy constraints for GKE and the policies that\n# enforce them.\n");
    for c in CONSTRAINTS {
        let label = format!("gkecheck_{}", c.id.to_ascii_lowercase());
        out.push_str(&format!(
            "\nresource \"google_org_policy_custom_constraint\" \"{label}\" {{\n  name           = \"custom.gkecheck{}\"\n  parent         = \"organizations/{organization}\"\n  resource_types = [\"container.googleapis.com/{}\"]\n  method_types   = [\"CREATE\", \"UPDATE\"]\n  condition      = {}\n  action_type    = \"DENY\"\n  display_name   = {}\n  description    = {}\n}}\n\nresource \"google_org_policy_policy\" \"{label}\" {{\n  name   = \"{parent}/policies/${{google_org_policy_custom_constraint.{label}.name}}\"\n  parent = \"{parent}\"\n  spec {{\n    rules {{\n      enforce = \"TRUE\"\n    }}\n  }}\n}}\n",
            c.id,
            c.resource,
            hcl_string(c.condition),
            hcl_string(&format!("gkecheck {} ({})", c.rule, c.resource)),
            hcl_string(&description(c)),
        ));
    }
    out.push('\n');
    not_expressed_comments(&mut out);
    out
}

/// The rules without a constraint, with why, as comment lines (both formats take `#`).
fn not_expressed_comments(out: &mut String) {
    out.push_str("# Not expressed as constraints:\n");
    for (rule, why) in not_expressed() {
        out.push_str(&format!("#   {rule}: {why}\n"));
    }
}
