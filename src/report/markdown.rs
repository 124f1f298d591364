//! `--format markdown`: a summary that fits a pull-request comment: totals, a count per
//! check, and a table of findings (capped, so a huge backlog still fits GitHub's limit).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Report;
use crate::finding::Severity;

const MAX_ROWS: usize = 200;

use super::escape::{md_code, md_message};

pub fn render(r: &Report) -> String {
    let (e, w, i) = (
        r.count(Severity::Error),
        r.count(Severity::Warning),
        r.count(Severity::Info),
    );
    let mut s = String::new();
    let _ = writeln!(s, "## flagdebt");
    let _ = writeln!(s);
    if r.findings.is_empty() {
        let _ = writeln!(s, "No findings.");
    } else {
        let _ = writeln!(s, "**{e}** error(s), **{w}** warning(s), **{i}** info.");
    }
    let _ = writeln!(
        s,
        "{} flag reference(s) to {} flag(s) in {} file(s).",
        r.inventory.references.len(),
        r.inventory.flags.len(),
        r.stats.files
    );
    if r.findings.is_empty() {
        return s;
    }
    let mut per_code: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for f in r.findings {
        *per_code.entry((f.code.as_str(), f.severity)).or_default() += 1;
    }
    let _ = writeln!(s, "\n| Check | Severity | Count |\n|---|---|---:|");
    for ((code, sev), n) in &per_code {
        let _ = writeln!(s, "| `{code}` | {sev} | {n} |");
    }
    let _ = writeln!(
        s,
        "\n| Severity | Check | Flag | Location | Message |\n|---|---|---|---|---|"
    );
    for f in r.findings.iter().take(MAX_ROWS) {
        let flag = f.flag.as_deref().map(md_code).unwrap_or_default();
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} | {} |",
            f.severity,
            f.code,
            flag,
            md_code(&format!("{}:{}", r.display_path(&f.path), f.span.line)),
            md_message(&f.message)
        );
    }
    if r.findings.len() > MAX_ROWS {
        let _ = writeln!(s, "\n… and {} more.", r.findings.len() - MAX_ROWS);
    }
    s
}
