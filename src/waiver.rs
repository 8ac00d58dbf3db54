//! Waivers: accepting a risk on the record. In Terraform, a comment on or inside the resource
//! (`# gkecheck:ignore GKE001 reason until=2026-12-31`), or what teams already wrote for other
//! tools (`#checkov:skip=CKV_GCP_69:reason`, `#tfsec:ignore:...`, `#trivy:ignore:...`),
//! mapped through each rule's peer ids. For any input, `[[ignore]]` entries of a
//! `.gkecheck.toml`, which the command line reads and passes in `Options`.

use serde::{Deserialize, Serialize};

use crate::rules::{self, RULES};

/// One waiver, wherever it was written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Waiver {
    /// The rules it waives (ids).
    pub rules: Vec<&'static str>,
    pub reason: String,
    /// `YYYY-MM-DD`: after this day the waiver no longer holds.
    pub until: Option<String>,
    /// `gkecheck:ignore`, `checkov:skip`, `tfsec:ignore`, `trivy:ignore`, or the config file.
    pub source: String,
    /// For a config waiver: the resource's address or name it is for.
    pub resource: Option<String>,
    /// For a comment: the input and byte offset it stands at.
    #[serde(skip)]
    pub at: Option<(usize, usize)>,
    /// Why it cannot be used, when it cannot (no reason, an unknown rule, a bad date).
    pub problem: Option<String>,
}

/// An `[[ignore]]` entry of `.gkecheck.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigWaiver {
    pub rule: String,
    /// The resource's address (`google_container_node_pool.apps`,
    /// `projects/P/locations/L/clusters/C/nodePools/N`) or its name.
    pub resource: String,
    pub reason: String,
    pub until: Option<String>,
}

fn valid_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0))
}

/// The rules a peer tool's id stands for.
fn rules_for_peer(id: &str) -> Vec<&'static str> {
    RULES
        .iter()
        .filter(|r| r.peers.iter().any(|p| p.eq_ignore_ascii_case(id)))
        .map(|r| r.id)
        .collect()
}

impl From<&ConfigWaiver> for Waiver {
    fn from(c: &ConfigWaiver) -> Waiver {
        let rule = rules::find(&c.rule);
        let problem = if rule.is_none() {
            Some(format!("no rule is called {:?}", c.rule))
        } else if c.reason.trim().is_empty() {
            Some("a waiver needs a reason".into())
        } else if c.until.as_deref().is_some_and(|d| !valid_date(d)) {
            Some("until must be a date, YYYY-MM-DD".into())
        } else {
            None
        };
        Waiver {
            rules: rule.map(|r| vec![r.id]).unwrap_or_default(),
            reason: c.reason.clone(),
            until: c.until.clone(),
            source: ".gkecheck.toml".into(),
            resource: Some(c.resource.clone()),
            at: None,
            problem,
        }
    }
}

/// The waivers written in a Terraform file's comments.
pub fn from_comments(input: usize, text: &str, peers: bool) -> Vec<Waiver> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let Some(comment_at) = comment_start(line) else {
            continue;
        };
        let comment = line[comment_at..].trim_start_matches(['#', '/']).trim();
        let at = Some((input, start + comment_at));
        if let Some(rest) = comment.strip_prefix("gkecheck:ignore") {
            out.push(gkecheck_waiver(rest, at));
        } else if !peers {
            continue;
        } else if let Some(rest) = comment.strip_prefix("checkov:skip=") {
            let (id, reason) = rest.split_once(':').unwrap_or((rest, ""));
            out.push(peer_waiver(
                "checkov:skip",
                id.trim(),
                reason.trim(),
                None,
                at,
            ));
        } else if let Some(rest) = comment
            .strip_prefix("tfsec:ignore:")
            .or_else(|| comment.strip_prefix("trivy:ignore:"))
        {
            let tool = if comment.starts_with("tfsec") {
                "tfsec:ignore"
            } else {
                "trivy:ignore"
            };
            let rest = rest.split_whitespace().next().unwrap_or("");
            let (id, until) = match rest.split_once(":exp:") {
                Some((id, date)) => (id, Some(date.to_string())),
                None => (rest, None),
            };
            out.push(peer_waiver(tool, id, "", until, at));
        }
    }
    out
}

/// Where a `#` or `//` comment starts on a line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'#' if !in_string => return Some(i),
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// `gkecheck:ignore GKE001[,GKE002] reason words until=YYYY-MM-DD`
fn gkecheck_waiver(rest: &str, at: Option<(usize, usize)>) -> Waiver {
    let mut words = rest.split_whitespace();
    let ids = words.next().unwrap_or("");
    let mut reason = Vec::new();
    let mut until = None;
    for w in words {
        match w.strip_prefix("until=") {
            Some(d) => until = Some(d.to_string()),
            None => reason.push(w),
        }
    }
    let mut rules_found = Vec::new();
    let mut problem = None;
    for id in ids.split(',').filter(|s| !s.is_empty()) {
        match rules::find(id) {
            Some(r) => rules_found.push(r.id),
            None => problem = Some(format!("no rule is called {id:?}")),
        }
    }
    if ids.is_empty() {
        problem = Some("name the rule: gkecheck:ignore GKE001 reason".into());
    } else if reason.is_empty() {
        problem = Some("a waiver needs a reason: gkecheck:ignore RULE reason".into());
    } else if until.as_deref().is_some_and(|d| !valid_date(d)) {
        problem = Some("until must be a date, YYYY-MM-DD".into());
    }
    Waiver {
        rules: rules_found,
        reason: reason.join(" "),
        until,
        source: "gkecheck:ignore".into(),
        resource: None,
        at,
        problem,
    }
}

fn peer_waiver(
    tool: &str,
    id: &str,
    reason: &str,
    until: Option<String>,
    at: Option<(usize, usize)>,
) -> Waiver {
    let rules_found = rules_for_peer(id);
    let problem = if until.as_deref().is_some_and(|d| !valid_date(d)) {
        Some("the expiry must be a date, YYYY-MM-DD".into())
    } else {
        None
    };
    Waiver {
        // An id for a check gkecheck does not have is not a waiver of ours: it is left alone.
        rules: rules_found,
        reason: if reason.is_empty() {
            format!("waived for {tool} ({id})")
        } else {
            reason.to_string()
        },
        until,
        source: format!("{tool}:{id}"),
        resource: None,
        at,
        problem,
    }
}

/// Today's date as `YYYY-MM-DD`, from days since 1970-01-01 (proleptic Gregorian).
pub fn date_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_of_every_syntax() {
        let text = "# gkecheck:ignore GKE001 batch jobs need the node identity until 2027 until=2027-01-31\n\
                    resource \"x\" \"y\" { # checkov:skip=CKV_GCP_69:legacy pool\n\
                    // tfsec:ignore:google-gke-node-metadata-security:exp:2026-01-01\n\
                    #trivy:ignore:AVD-GCP-0057\n\
                    # checkov:skip=CKV_GCP_21:not ours\n\
                    name = \"# gkecheck:ignore GKE001 in a string\"\n\
                    # gkecheck:ignore GKE001\n}\n";
        let w = from_comments(0, text, true);
        assert_eq!(w.len(), 6, "{w:#?}");
        assert_eq!(w[0].rules, ["GKE001"]);
        assert_eq!(w[0].reason, "batch jobs need the node identity until 2027");
        assert_eq!(w[0].until.as_deref(), Some("2027-01-31"));
        assert_eq!(
            (w[1].source.as_str(), w[1].reason.as_str()),
            ("checkov:skip:CKV_GCP_69", "legacy pool")
        );
        assert_eq!(w[2].until.as_deref(), Some("2026-01-01"));
        assert_eq!(w[3].rules, ["GKE001"]);
        assert!(
            w[4].rules.is_empty(),
            "a peer id gkecheck does not have waives nothing"
        );
        assert!(w[5].problem.as_deref().unwrap().contains("needs a reason"));
        assert_eq!(
            from_comments(0, text, false).len(),
            2,
            "peer waivers can be switched off"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(date_from_days(0), "1970-01-01");
        assert_eq!(date_from_days(20_784), "2026-11-27");
        assert!(valid_date("2026-02-28") && !valid_date("2026-13-01") && !valid_date("tomorrow"));
    }
}
