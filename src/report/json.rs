//! `--format json`: the versioned contract (documented in the README). Version 1.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Report;
use crate::finding::{Finding, Severity};
use crate::inventory::FlagRow;
use crate::scan::{Reference, Skipped};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    root: &'a str,
    summary: Summary,
    references: &'a [Reference],
    findings: &'a [Finding],
    flags: Vec<&'a FlagRow>,
    skipped: &'a [Skipped],
    parse_errors: &'a [Skipped],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    parsed: usize,
    references: usize,
    flags: usize,
    /// References by how the key was found, plus `dynamic` for unresolved keys.
    by_via: BTreeMap<&'static str, usize>,
    findings: BTreeMap<&'static str, usize>,
    skipped: usize,
}

pub fn render(r: &Report) -> String {
    let mut by_via: BTreeMap<&'static str, usize> =
        ["literal", "constant", "wrapper", "symbol", "env", "dynamic"]
            .into_iter()
            .map(|k| (k, 0))
            .collect();
    for re in &r.inventory.references {
        let k = re.via.as_str();
        *by_via.entry(k).or_default() += 1;
    }
    *by_via.entry("dynamic").or_default() += r.inventory.unresolved.len();
    let findings = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|s| (s.as_str(), r.count(s)))
        .collect();
    let doc = Doc {
        version: VERSION,
        tool: Tool {
            name: "flagdebt",
            version: env!("CARGO_PKG_VERSION"),
        },
        root: &r.root,
        summary: Summary {
            files: r.stats.files,
            parsed: r.stats.parsed,
            references: r.inventory.references.len(),
            flags: r.inventory.flags.len(),
            by_via,
            findings,
            skipped: r.skipped.len(),
        },
        references: &r.inventory.references,
        findings: r.findings,
        flags: r.inventory.flags.values().collect(),
        skipped: r.skipped,
        parse_errors: r.parse_errors,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
