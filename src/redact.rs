//! Removes secrets and credentials from an input before it is shared: `masterAuth`'s
//! password, client key and certificates, tokens, and private keys, wherever they stand.
//! Works on the parsed input, so only values are replaced and the rest stays as written.

use serde::Serialize;

use crate::input::json::{Json, Kind};
use crate::input::{detect, json, paste, yaml, Format};
use crate::span::{LineIndex, Span};

/// Keys whose values are secrets, compared without case, `_` or `-`.
const SECRET_KEYS: &[&str] = &[
    "password",
    "clientkey",
    "clientcertificate",
    "clustercacertificate",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "privatekey",
    "privatekeydata",
    "secret",
    "clientsecret",
];

const REPLACEMENT: &str = "REDACTED";

#[derive(Debug, PartialEq, Serialize)]
pub struct Redacted {
    pub text: String,
    pub removed: Vec<Removed>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Removed {
    /// What was removed: a key path (`masterAuth.clientKey`) or a kind of value.
    pub what: String,
    pub line: usize,
}

fn is_secret_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    SECRET_KEYS.contains(&k.as_str())
}

/// Removes the secrets of `text`, read as `format` (or the kind detected from `name`).
pub fn redact(name: &str, text: &str, format: Option<Format>) -> Redacted {
    let mut edits: Vec<(Span, String, String)> = Vec::new();
    match format.map_or_else(|| detect(name, text), Ok) {
        Ok(Format::GcloudJson | Format::TerraformPlan) => {
            if let Ok(docs) = json::parse_stream(text) {
                for doc in &docs {
                    json_secrets(doc, "", true, &mut edits);
                }
            }
        }
        Ok(Format::GcloudYaml) => {
            if let Ok(p) = yaml::parse(text) {
                for doc in &p.documents {
                    json_secrets(doc, "", false, &mut edits);
                }
            }
        }
        Ok(Format::Terminal) => {
            for part in paste::split(text).parts {
                let masked = paste::masked(text, &part.range);
                let docs = if part.json {
                    json::parse_stream(&masked).ok()
                } else {
                    yaml::parse(&masked).ok().map(|p| p.documents)
                };
                for doc in docs.iter().flatten() {
                    json_secrets(doc, "", part.json, &mut edits);
                }
            }
        }
        #[cfg(feature = "terraform")]
        Ok(Format::Terraform | Format::TerraformVars) => {
            if let Ok(body) = hcl_edit::parser::parse_body(text) {
                hcl_secrets(&body, "", &mut edits);
            }
        }
        // Never reached: the page's first engine hands Terraform to the full engine
        // (`wasm::redact`).
        #[cfg(not(feature = "terraform"))]
        Ok(Format::Terraform | Format::TerraformVars) => {}
        // The module manifest holds sources and directories, no secrets of its own.
        Ok(Format::TerraformModules) | Err(_) => {}
    }
    // Private keys and OAuth access tokens, wherever they stand (also in text that did not parse).
    edits.extend(pem_blocks(text));
    edits.extend(access_tokens(text));
    edits.extend(url_credentials(text));
    apply(text, edits)
}

fn json_secrets(value: &Json, path: &str, quoted: bool, edits: &mut Vec<(Span, String, String)>) {
    match &value.kind {
        Kind::Object(members) => {
            for m in members {
                let here = if path.is_empty() {
                    m.key.clone()
                } else {
                    format!("{path}.{}", m.key)
                };
                match &m.value.kind {
                    Kind::String(s)
                        if is_secret_key(&m.key) && !s.is_empty() && s != REPLACEMENT =>
                    {
                        let replacement = if quoted {
                            format!("\"{REPLACEMENT}\"")
                        } else {
                            REPLACEMENT.to_string()
                        };
                        edits.push((m.value.span, replacement, here));
                    }
                    _ => json_secrets(&m.value, &here, quoted, edits),
                }
            }
        }
        Kind::Array(items) => {
            for item in items {
                json_secrets(item, path, quoted, edits);
            }
        }
        _ => {}
    }
}

#[cfg(feature = "terraform")]
fn hcl_secrets(
    body: &hcl_edit::structure::Body,
    path: &str,
    edits: &mut Vec<(Span, String, String)>,
) {
    use hcl_edit::Span as _;
    for attr in body.attributes() {
        let key = attr.key.as_str();
        let literal = matches!(&attr.value, hcl_edit::expr::Expression::String(s) if !s.is_empty() && s.as_str() != REPLACEMENT)
            || matches!(
                &attr.value,
                hcl_edit::expr::Expression::StringTemplate(_)
                    | hcl_edit::expr::Expression::HeredocTemplate(_)
            );
        if is_secret_key(key) && literal {
            if let Some(range) = attr.value.span() {
                let here = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                edits.push((Span::from_range(range), format!("\"{REPLACEMENT}\""), here));
            }
        }
    }
    for block in body.blocks() {
        let mut name = block.ident.as_str().to_string();
        for label in &block.labels {
            name.push('.');
            name.push_str(label.as_str());
        }
        let here = if path.is_empty() {
            name
        } else {
            format!("{path}.{name}")
        };
        hcl_secrets(&block.body, &here, edits);
    }
}

/// `-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----`.
fn pem_blocks(text: &str) -> Vec<(Span, String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("-----BEGIN ") {
        let start = from + i;
        let header_end = match text[start + 11..].find("-----") {
            Some(j) => start + 11 + j,
            None => break,
        };
        let label = &text[start + 11..header_end];
        if !label.ends_with("PRIVATE KEY") || label.len() > 40 {
            from = header_end;
            continue;
        }
        let footer = format!("-----END {label}-----");
        let end = text[header_end..]
            .find(&footer)
            .map_or(text.len(), |j| header_end + j + footer.len());
        out.push((
            Span::new(start, end),
            format!("{REPLACEMENT} {label}"),
            label.to_ascii_lowercase(),
        ));
        from = end;
    }
    out
}

/// Google OAuth access tokens (`ya29.` followed by the token).
fn access_tokens(text: &str) -> Vec<(Span, String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("ya29.") {
        let start = from + i;
        let end = start
            + 5
            + text[start + 5..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .unwrap_or(text.len() - start - 5);
        if end - start > 20 {
            out.push((
                Span::new(start, end),
                REPLACEMENT.to_string(),
                "an access token".to_string(),
            ));
        }
        from = end.max(start + 5);
    }
    out
}

/// The user and password in a URL (`https://USER:TOKEN@host/...`, as a module `source` or
/// `terraform init`'s manifest may hold them for a private repository).
fn url_credentials(text: &str) -> Vec<(Span, String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let start = from + i + 3;
        let rest = &text[start..];
        let end = rest
            .find(|c: char| c == '/' || c == '@' || c == '"' || c == '\'' || c.is_whitespace())
            .unwrap_or(rest.len());
        if rest[end..].starts_with('@') && end > 0 {
            out.push((
                Span::new(start, start + end),
                REPLACEMENT.to_string(),
                "the credentials in a URL".to_string(),
            ));
        }
        from = start;
    }
    out
}

fn apply(text: &str, mut edits: Vec<(Span, String, String)>) -> Redacted {
    // Outer edits win over edits inside them; apply from the end so spans stay valid.
    crate::sort::sort_by_key(&mut edits, |(span, ..)| {
        (span.start(), std::cmp::Reverse(span.end()))
    });
    let mut kept: Vec<(Span, String, String)> = Vec::new();
    for edit in edits {
        if kept
            .last()
            .is_some_and(|(last, ..)| edit.0.start() < last.end())
        {
            continue;
        }
        kept.push(edit);
    }
    let index = LineIndex::new(text);
    let removed = kept
        .iter()
        .map(|(span, _, what)| Removed {
            what: what.clone(),
            line: index.position(span.start()).line,
        })
        .collect();
    let mut out = text.to_string();
    for (span, replacement, _) in kept.iter().rev() {
        out.replace_range(span.range(), replacement);
    }
    Redacted { text: out, removed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_yaml_terraform_and_pem_keys() {
        let j = redact(
            "x.json",
            r#"{"name": "c", "masterAuth": {"username": "admin", "password": "hunter2", "clientKey": "LS0tS0VZ"}}"#,
            None,
        );
        assert_eq!(
            j.text,
            r#"{"name": "c", "masterAuth": {"username": "admin", "password": "REDACTED", "clientKey": "REDACTED"}}"#
        );
        assert_eq!(
            j.removed
                .iter()
                .map(|r| r.what.as_str())
                .collect::<Vec<_>>(),
            ["masterAuth.password", "masterAuth.clientKey"]
        );

        let y = redact(
            "x.yaml",
            "name: c\nmasterAuth:\n  clusterCaCertificate: LS0tLS1CRUdJTg==\n  password: 'p@ss'\n",
            None,
        );
        assert_eq!(
            y.text,
            "name: c\nmasterAuth:\n  clusterCaCertificate: REDACTED\n  password: REDACTED\n"
        );
        assert_eq!(y.removed[1].line, 4);

        let t = redact("main.tf", "resource \"google_container_cluster\" \"c\" {\n  master_auth {\n    password = \"hunter2\"\n    username = \"admin\"\n  }\n}\n", None);
        assert!(t.text.contains("password = \"REDACTED\""));
        assert!(t.text.contains("username = \"admin\""));
        assert_eq!(
            t.removed[0].what,
            "resource.google_container_cluster.c.master_auth.password"
        );

        let pem = "note: -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- and ya29.a0AfH6SMBxxxxxxxxxxxxxxxxxxxxxxx end";
        let p = redact("paste", pem, None);
        assert_eq!(p.text, "note: REDACTED RSA PRIVATE KEY and REDACTED end");
        assert_eq!(p.removed.len(), 2);

        // Credentials in a module's source URL, in Terraform and in init's manifest.
        let source = "module \"gke\" {\n  source = \"git::https://ci-bot:ghp_abc123@github.com/acme/gke.git\"\n}\n";
        let s = redact("main.tf", source, None);
        assert!(
            s.text
                .contains("git::https://REDACTED@github.com/acme/gke.git"),
            "{}",
            s.text
        );
        assert_eq!(s.removed[0].what, "the credentials in a URL");
        let m = redact(
            ".terraform/modules/modules.json",
            r#"{"Modules":[{"Key":"gke","Source":"git::https://ci-bot:ghp_abc123@github.com/acme/gke.git","Dir":".terraform/modules/gke"}]}"#,
            None,
        );
        assert!(!m.text.contains("ghp_abc123"), "{}", m.text);
        // An address with no user part is left alone.
        let plain = "source = \"https://github.com/acme/gke\" # mail: ops@acme.example";
        assert_eq!(redact("main.tf", plain, None).text, plain);

        // Nothing secret: nothing changes.
        let clean = "{\"name\": \"c\"}";
        assert_eq!(
            redact("x.json", clean, None),
            Redacted {
                text: clean.into(),
                removed: vec![]
            }
        );
    }
}
