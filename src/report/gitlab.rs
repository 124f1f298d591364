//! `--format gitlab`: GitLab Code Quality JSON (an array of issues for the `codequality`
//! report artifact): `description`, `check_name`, `fingerprint` (the baseline's, so GitLab
//! tracks an issue as code moves), `severity` and `location` (path relative to the working
//! directory, which is the repository root in a CI job, and the first line).

use serde_json::{json, Value};

use super::Report;
use crate::finding::Severity;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn render(r: &Report) -> String {
    let issues: Vec<Value> = r
        .findings
        .iter()
        .zip(r.fingerprints.iter())
        .map(|(f, fp)| {
            json!({
                "type": "issue",
                "check_name": f.code,
                "description": format!("{}: {}", f.code, f.message),
                "categories": ["Maintainability"],
                "fingerprint": fp,
                "severity": severity(f.severity),
                "location": {
                    "path": r.display_path(&f.path),
                    "lines": {"begin": f.span.line, "end": f.span.end_line.max(f.span.line)},
                },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}
