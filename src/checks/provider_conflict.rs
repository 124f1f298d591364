//! ## What it does
//! Flags a registry entry that contradicts the provider: the registry's `owner` is none of
//! the owners (or owner groups / maintainers) the provider names for the flag.
//!
//! ## Why is this bad?
//! Two sources of truth that disagree about who owns a flag mean that nobody does: the stale
//! report goes to one team while the provider pages another. (Where the registry says nothing,
//! the provider's owner fills the gap; that is not a conflict.)
//!
//! ## Example
//! ```yaml
//! new_checkout:
//!   owner: team-checkout     # provider-conflict: Flagsmith says ada@example.com
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "provider-conflict",
    severity: Severity::Warning,
    source: include_str!("provider_conflict.rs"),
    run,
};

fn same_owner(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_start_matches('@').to_ascii_lowercase();
    let (a, b) = (norm(a), norm(b));
    a == b || a.split('@').next() == b.split('@').next() && !a.is_empty()
}

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let mut out = Vec::new();
    for row in inv.flags.values() {
        let Some(d) = inv.decls_of(row).find(|d| d.owner.is_some()) else {
            continue;
        };
        let Some(owner) = d.owner.as_deref() else {
            continue;
        };
        for (snap, pf) in inv
            .provider_of(row)
            .filter(|(_, pf)| !pf.archived && !pf.deleted)
        {
            let theirs: Vec<&String> = pf.owners.iter().chain(&pf.group_owners).collect();
            if theirs.is_empty() || theirs.iter().any(|t| same_owner(owner, t)) {
                continue;
            }
            let names: Vec<&str> = theirs.iter().map(|s| s.as_str()).collect();
            out.push(CHECK.finding(
                Some(&row.key),
                &d.path,
                super::decl_span(d, Some("owner")),
                format!(
                    "flag `{}` is owned by `{owner}` in the registry but by {} at {}",
                    row.key,
                    names.join(", "),
                    snap.name
                ),
            ));
        }
    }
    out
}
