//! ## What it does
//! Flags a read of a flag that is archived (or deleted) at the provider.
//!
//! ## Why is this bad?
//! An archived flag no longer answers: every evaluation returns the call-site fallback, in
//! every environment, whatever anyone flips. The code still looks as if it were gated, and the
//! branch that is really running may not be the one the team believes.
//!
//! ## Example
//! ```python
//! if unleash.is_enabled("old-banner"):   # archived-flag-referenced: archived at unleash
//!     render_banner()
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "archived-flag-referenced",
    severity: Severity::Error,
    source: include_str!("archived_flag_referenced.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let mut out = Vec::new();
    for row in inv.flags.values() {
        let Some((snap, pf)) = inv
            .provider_of(row)
            .find(|(_, pf)| pf.archived || pf.deleted)
        else {
            continue;
        };
        let what = if pf.deleted { "deleted" } else { "archived" };
        let when = pf
            .archived_at
            .as_deref()
            .map(|d| format!(" on {}", &d[..d.len().min(10)]))
            .unwrap_or_default();
        for r in inv.refs_of(row) {
            out.push(CHECK.finding(
                Some(&r.flag),
                &r.path,
                r.span,
                format!("flag `{}` is {what} at {}{when} but still read here; every evaluation returns the fallback", r.flag, snap.name),
            ));
        }
    }
    out
}
