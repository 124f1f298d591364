//! ## What it does
//! Flags a declared flag that no production code reads: no reference at all, or references
//! only from test code or generated code (a `Code generated ... DO NOT EDIT.` header, or the
//! config's `generated:` globs).
//!
//! ## Why is this bad?
//! A declared flag nobody reads is dead weight at the provider and in the registry: it can be
//! flipped with no effect, it confuses the next reader, and it is exactly the debt the
//! "remove the flag" step of a rollout forgets. Tests and generated code (mocks, clients
//! generated from a schema that lists every flag) read flags without keeping them alive. Runs
//! only when a registry (a file, or declarations in code) was found. A setting that a package
//! the project depends on reads by name (`MAIL_USE_TLS` with Flask-Mail in `pyproject.toml`)
//! is read outside the repository, and is not unused.
//!
//! ## Example
//! ```yaml
//! legacy_isbn_lookup:        # unused-flag: no code reads it; delete the entry
//!   owner: team-catalog
//!   type: release
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "unused-flag",
    severity: Severity::Warning,
    source: include_str!("unused_flag.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in cx
        .inventory
        .flags
        .values()
        .filter(|r| !r.declarations.is_empty() && r.read_by.is_none())
    {
        let (tests, generated) = (row.test_reference_count, row.generated_reference_count);
        if row.reference_count > tests + generated {
            continue;
        }
        let Some(d) = cx.inventory.decls_of(row).next() else {
            continue;
        };
        let only = match (tests > 0, generated > 0) {
            (false, false) => None,
            (true, false) => Some("tests"),
            (false, true) => Some("generated code"),
            (true, true) => Some("tests and generated code"),
        };
        let mut f = CHECK.finding(
            Some(&row.key),
            &d.path,
            super::decl_span(d, None),
            match only {
                Some(o) => format!("flag `{}` is declared but read only from {o}", row.key),
                None => format!("flag `{}` is declared but never read", row.key),
            },
        );
        if tests > 0 {
            f.notes.push(format!(
                "{tests} reference(s) in test code; tests alone do not keep a flag alive"
            ));
        }
        if generated > 0 {
            f.notes.push(format!(
                "{generated} reference(s) in generated code; generated code alone does not keep a flag alive"
            ));
        }
        if let Some(places) = cx.inventory.mentions.get(&row.key) {
            f.notes.push(format!(
                "mentioned in unparsed files: {} (flagdebt does not read these languages; a `kind: text` rule can)",
                places.join(", ")
            ));
        }
        out.push(f);
    }
    out
}
