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

pub fn render(r: &Report) -> String {
    let mut s = String::new();
    for f in r.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
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
    s
}
