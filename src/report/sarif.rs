//! `--format sarif`: SARIF 2.1.0. Each check appears once in `tool.driver.rules` with its
//! documentation as help text; each result carries a stable `partialFingerprints` entry (the
//! same fingerprint the baseline uses), so code scanning tracks a finding as code moves.

use serde_json::{json, Value};

use super::Report;
use crate::checks;
use crate::finding::Severity;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF messages are sentences: they end with a period.
fn sentence(s: &str) -> String {
    let t = s.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// `raw-env-flag` → `RawEnvFlag` (SARIF's rule `name` is PascalCase).
fn pascal(code: &str) -> String {
    code.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative path is relative to `%SRCROOT%`; an absolute one becomes a `file://` URI.
fn artifact(path: &str) -> Value {
    let uri = path.replace('%', "%25").replace(' ', "%20");
    if uri.starts_with('/') {
        json!({"uri": format!("file://{uri}")})
    } else {
        json!({"uri": uri, "uriBaseId": "%SRCROOT%"})
    }
}

pub fn render(r: &Report) -> String {
    let mut used: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    used.sort();
    used.dedup();
    let rules: Vec<Value> = used
        .iter()
        .map(|code| {
            let (short, summary, doc, sev) = match checks::by_code(code) {
                Some(c) => (c.short(), c.summary(), c.doc(), c.severity),
                None => (
                    code.to_string(),
                    code.to_string(),
                    code.to_string(),
                    Severity::Warning,
                ),
            };
            json!({
                "id": code,
                "name": pascal(code),
                "shortDescription": {"text": sentence(&short)},
                "fullDescription": {"text": sentence(&summary)},
                "help": {"text": doc, "markdown": doc},
                "helpUri": format!("https://github.com/flagdebt/flagdebt/blob/main/README.md#{code}"),
                "defaultConfiguration": {"level": level(sev)},
            })
        })
        .collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .zip(r.fingerprints.iter())
        .map(|(f, fp)| {
            let mut region = json!({
                "startLine": f.span.line,
                "startColumn": f.span.column,
            });
            if f.span.end_line >= f.span.line && f.span.end_column > 0 {
                region["endLine"] = json!(f.span.end_line);
                region["endColumn"] = json!(f.span.end_column);
            }
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": used.iter().position(|c| *c == f.code).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": sentence(&f.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(&r.display_path(&f.path)),
                        "region": region,
                    }
                }],
                "partialFingerprints": {"flagdebtFingerprint/v1": fp},
            });
            if let (Some(owner), Some(source)) = (&f.owner, f.owner_source) {
                result["properties"] = json!({"owner": owner, "ownerSource": source.as_str()});
            }
            if !f.related.is_empty() {
                result["relatedLocations"] = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        json!({
                            "id": i,
                            "message": {"text": sentence(&x.message)},
                            "physicalLocation": {
                                "artifactLocation": artifact(&r.display_path(&x.path)),
                                "region": {"startLine": x.span.line, "startColumn": x.span.column},
                            },
                        })
                    })
                    .collect();
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "flagdebt",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/flagdebt/flagdebt",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
