//! GKE015: authorized networks that together let in the whole internet.

use super::fix;
use super::{each_cluster, flag, Example, Finding, Flag, Outcome, Rule};
use crate::model::{Field, Key, Model, Value};
use crate::report::{Applicability, Severity, Status};
use crate::span::Span;

pub static RULE: Rule = Rule {
    id: "GKE015",
    name: "authorized-network-is-public",
    severity: Severity::High,
    category: "control-plane",
    fix_applicability: Applicability::DisplayOnly,
    fix_cost: "Networks left out of the new list lose the control plane; the list is yours to choose.",
    title: "The authorized networks let in every address on the internet",
    pass_title: "The authorized networks are specific",
    cis: &[],
    peers: &["CKV_GCP_18", "AVD-GCP-0053", "google-gke-no-public-control-plane"],
    differs: "The blocks are added up as address ranges, so `0.0.0.0/1` with `128.0.0.0/1` fails like `0.0.0.0/0` instead of passing as two narrower ranges.",
    what: "When control plane authorized networks are on, checks that their CIDR blocks \
(`masterAuthorizedNetworksConfig.cidrBlocks[].cidrBlock`, Terraform `cidr_blocks { cidr_block }`) do not \
together cover the whole IPv4 or IPv6 address space. The blocks are added up as address ranges, so \
`0.0.0.0/1` with `128.0.0.0/1`, or any other split of the internet, fails like `0.0.0.0/0`. Clusters \
without authorized networks get no verdict here (GKE014 judges them).",
    why: "An authorized network of `0.0.0.0/0` turns the feature on while letting everyone in: the \
cluster looks protected in a console or an audit, and is not.",
    fix: "List only the networks that need the API (offices, VPN egress, CI runners' ranges): \
`gcloud container clusters update CLUSTER --enable-master-authorized-networks \
--master-authorized-networks=CIDR,...`; in Terraform, replace the wide `cidr_block` values.",
    examples: examples![
        Example {
            title: "The internet split in two halves",
            format: "gcloud-json",
            input: r#"{"name": "c", "masterAuthorizedNetworksConfig": {"enabled": true, "cidrBlocks": [{"cidrBlock": "0.0.0.0/1"}, {"cidrBlock": "128.0.0.0/1"}]}, "nodePools": []}"#,
            expect: &[Status::Fail],
        },
        Example {
            title: "An office range",
            format: "gcloud-json",
            input: r#"{"name": "c", "masterAuthorizedNetworksConfig": {"enabled": true, "cidrBlocks": [{"cidrBlock": "203.0.113.0/24"}]}, "nodePools": []}"#,
            expect: &[Status::Pass],
        },
    ],
    check,
};

/// An address range, inclusive, in a 128-bit space (IPv4 in the low 32 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Range {
    first: u128,
    last: u128,
}

/// Parses `a.b.c.d/n` or an IPv6 `x:y::/n`; `None` when it is not a CIDR block.
fn parse(cidr: &str) -> Option<(bool, Range)> {
    let (addr, len) = cidr.trim().split_once('/')?;
    let len: u32 = len.parse().ok()?;
    let (v6, bits, value) = if addr.contains(':') {
        let a: std::net::Ipv6Addr = addr.parse().ok()?;
        (true, 128, u128::from(a))
    } else {
        let a: std::net::Ipv4Addr = addr.parse().ok()?;
        (false, 32, u128::from(u32::from(a)))
    };
    if len > bits {
        return None;
    }
    let host_bits = bits - len;
    let mask = if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let first = value & !mask;
    Some((
        v6,
        Range {
            first,
            last: first | mask,
        },
    ))
}

/// Whether the ranges together cover `0..=max`.
fn covers(mut ranges: Vec<Range>, max: u128) -> bool {
    crate::sort::sort(&mut ranges);
    let mut next: u128 = 0;
    for r in ranges {
        if r.first > next {
            return false;
        }
        if r.last >= next {
            if r.last == max {
                return true;
            }
            next = r.last + 1;
        }
    }
    false
}

/// A CIDR block as written, and its place.
type Block = (String, Span);

/// The verdict on a list of CIDR blocks: `Some(blocks)` naming the wide ones when they cover a
/// whole address family, `Err(block)` for a block that is not a CIDR.
fn public(blocks: &[Block]) -> Result<Option<Vec<&Block>>, &Block> {
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for b in blocks {
        match parse(&b.0) {
            Some((false, r)) => v4.push((r, b)),
            Some((true, r)) => v6.push((r, b)),
            None => return Err(b),
        }
    }
    for (family, max) in [(&v4, u128::from(u32::MAX)), (&v6, u128::MAX)] {
        if covers(family.iter().map(|(r, _)| *r).collect(), max) {
            // Name the blocks that matter: the widest first, down to a /8.
            let mut wide: Vec<_> = family
                .iter()
                .filter(|(r, _)| r.last - r.first >= (max >> 8))
                .collect();
            crate::sort::sort_by_key(&mut wide, |(r, _)| std::cmp::Reverse(r.last - r.first));
            let named = if wide.is_empty() {
                family.iter().collect()
            } else {
                wide
            };
            return Ok(Some(named.into_iter().map(|(_, b)| *b).collect()));
        }
    }
    Ok(None)
}

fn check(model: &Model, out: &mut Vec<Outcome>) {
    each_cluster(
        model,
        out,
        &RULE,
        |c| {
            let s = &c.settings;
            let on = |k| matches!(flag(s.get(k)), Flag::Is(true, _));
            if !on(Key::AuthorizedNetworks) && !on(Key::EndpointAuthorizedNetworks) {
                return None;
            }
            let mut blocks: Vec<(String, Span)> = Vec::new();
            for key in [Key::AuthorizedCidrs, Key::EndpointAuthorizedCidrs] {
                match s.get(key) {
                    Field::Unknown { expr, span, .. } => {
                        return Some(Finding::new(
                            Status::Unknown,
                            format!("The authorized networks come from `{expr}`, which gkecheck cannot evaluate; together they must not cover the whole internet."),
                            Some(*span),
                        ))
                    }
                    Field::Known { value: Value::List(l), .. } => blocks.extend(l.iter().cloned()),
                    _ => {}
                }
            }
            Some(match public(&blocks) {
                Err((text, span)) => Finding::new(
                    Status::Unknown,
                    format!("`{text}` is not a CIDR block gkecheck can read; the authorized networks must not cover the whole internet."),
                    Some(*span),
                ),
                Ok(Some(wide)) => {
                    let names: Vec<String> = wide.iter().map(|(t, _)| format!("`{t}`")).collect();
                    let message = if names.len() == 1 {
                        format!("The authorized network {} is the whole internet: authorized networks are on, but they let every address in.", names[0])
                    } else {
                        format!("The authorized networks {} together cover every address on the internet: the restriction lets everyone in.", names.join(", "))
                    };
                    Finding::new(Status::Fail, message, Some(wide[0].1))
                }
                Ok(None) if blocks.is_empty() => Finding::new(Status::Pass, "Authorized networks are on and list no network: only Google Cloud's own ranges (if allowed) and the VPC reach the API.", None),
                Ok(None) => Finding::new(Status::Pass, format!("The {} authorized network{} leave{} most of the internet out.", blocks.len(), if blocks.len() == 1 { "" } else { "s" }, if blocks.len() == 1 { "s" } else { "" }), Some(blocks[0].1)),
            })
        },
        |c, at| {
            fix::cluster_setting(
                c,
                at,
                fix::ClusterSetting {
                    summary: format!("List only the networks that need cluster {}'s API.", c.display_name()),
                    gcloud: (
                        "Replace the authorized networks (CIDR: your offices, VPN egress and CI ranges, comma-separated)",
                        "--enable-master-authorized-networks --master-authorized-networks=CIDR",
                    ),
                    hcl: ("replace this cidr_block with a narrow range", "cidr_block = \"CIDR\""),
                    warning: "Clients outside the listed networks lose the API: list the ones that need it first.",
                    verify: Some(("This prints the authorized CIDR blocks", "masterAuthorizedNetworksConfig.cidrBlocks")),
                },
            )
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(list: &[&str]) -> Vec<(String, Span)> {
        list.iter()
            .map(|b| (b.to_string(), Span::new(0, 1)))
            .collect()
    }

    fn is_public(list: &[&str]) -> bool {
        matches!(public(&blocks(list)), Ok(Some(_)))
    }

    #[test]
    fn adds_ranges_up() {
        assert!(is_public(&["0.0.0.0/0"]));
        assert!(is_public(&["0.0.0.0/1", "128.0.0.0/1"]));
        assert!(is_public(&["128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"]));
        assert!(is_public(&[
            "10.0.0.0/8",
            "0.0.0.0/1",
            "128.0.0.0/2",
            "192.0.0.0/2"
        ]));
        assert!(!is_public(&["0.0.0.0/1", "128.0.0.0/2"]));
        assert!(!is_public(&[
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16"
        ]));
        assert!(is_public(&["::/0"]));
        assert!(is_public(&["::/1", "8000::/1"]));
        assert!(!is_public(&["2001:db8::/32"]));
        assert!(!is_public(&[]));
    }

    #[test]
    fn host_bits_are_masked_and_bad_blocks_named() {
        // 128.0.0.1/1 is the range 128.0.0.0-255.255.255.255.
        assert!(is_public(&["0.0.0.0/1", "128.0.0.1/1"]));
        assert!(public(&blocks(&["10.0.0.0/33"])).is_err());
        assert!(public(&blocks(&["office"])).is_err());
    }

    #[test]
    fn names_the_wide_blocks() {
        let list = blocks(&["203.0.113.0/24", "0.0.0.0/1", "128.0.0.0/1"]);
        let named = public(&list).unwrap().unwrap();
        let texts: Vec<&str> = named.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(texts, ["0.0.0.0/1", "128.0.0.0/1"]);
    }
}
