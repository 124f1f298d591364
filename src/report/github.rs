//! `--format github`: GitHub Actions workflow commands, one annotation line per finding
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`). Paths are made
//! relative to the working directory so the annotations land on the right files.

use std::fmt::Write as _;

use super::Report;
use crate::finding::Severity;

/// Escape a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value.
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub shows at most this many annotations of each level per step.
pub const SHOWN_PER_LEVEL: usize = 10;

/// Errors first, then warnings, then notices, each in report order, at most
/// [`SHOWN_PER_LEVEL`] of each; then one notice naming how many were not shown.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let mut hidden = Vec::new();
    for (sev, level) in [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "notice"),
    ] {
        let all: Vec<_> = r.findings.iter().filter(|f| f.severity == sev).collect();
        for f in all.iter().take(SHOWN_PER_LEVEL) {
            let path = r.display_path(&f.path);
            let _ = writeln!(
                s,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                prop(&path),
                f.span.line,
                f.span.column,
                f.span.end_line.max(f.span.line),
                f.span.end_column,
                prop(&format!("flagdebt {}", f.code)),
                data(&f.message)
            );
        }
        if all.len() > SHOWN_PER_LEVEL {
            let n = all.len() - SHOWN_PER_LEVEL;
            let name = if sev == Severity::Info {
                "info finding".to_string()
            } else {
                level.to_string()
            };
            hidden.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if !hidden.is_empty() {
        let _ = writeln!(
            s,
            "::notice title=flagdebt::{} not shown as annotations (GitHub shows {SHOWN_PER_LEVEL} per level); the full list is in the job summary and the log",
            hidden.join(", ")
        );
    }
    s
}
