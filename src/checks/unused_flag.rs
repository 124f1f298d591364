//! ## What it does
//! Flags a declared flag that no production code reads: no reference at all, or references
//! only from test code.
//!
//! ## Why is this bad?
//! A declared flag nobody reads is dead weight at the provider and in the registry: it can be
//! flipped with no effect, it confuses the next reader, and it is exactly the debt the
//! "remove the flag" step of a rollout forgets. Runs only when a registry was found.
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
        .filter(|r| !r.declarations.is_empty())
    {
        let live = row.reference_count - row.test_reference_count;
        if live > 0 {
            continue;
        }
        let Some(d) = cx.inventory.decls_of(row).next() else {
            continue;
        };
        let mut f = CHECK.finding(
            Some(&row.key),
            &d.path,
            super::decl_span(d, None),
            if row.test_reference_count > 0 {
                format!("flag `{}` is declared but read only from tests", row.key)
            } else {
                format!("flag `{}` is declared but never read", row.key)
            },
        );
        if row.test_reference_count > 0 {
            f.notes.push(format!(
                "{} reference(s) in test code; tests alone do not keep a flag alive",
                row.test_reference_count
            ));
        }
        out.push(f);
    }
    out
}
