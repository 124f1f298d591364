//! ## What it does
//! Flags a flag whose removal date (`remove_by`, or flagd `metadata.expiry`) is before today
//! (`--today` to pin the date).
//!
//! ## Why is this bad?
//! The removal date was the owner's promise. Past it, the flag is debt by the team's own
//! definition: both code paths still have to be tested, and the "temporary" branch is on its
//! way to becoming permanent.
//!
//! ## Example
//! ```yaml
//! holiday_promo_2025:
//!   remove_by: 2026-01-31   # expired-flag (today 2026-11-21: 294 days ago)
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "expired-flag",
    severity: Severity::Error,
    source: include_str!("expired_flag.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in cx.inventory.flags.values() {
        let Some(d) = cx.inventory.decls_of(row).find(|d| d.remove_by.is_some()) else {
            continue;
        };
        let Some(by) = d.remove_by else { continue };
        let days = by.days_until(cx.today);
        if days <= 0 {
            continue;
        }
        let reads = row.reference_count;
        let mut f = CHECK.finding(
            Some(&d.key),
            &d.path,
            super::decl_span(d, Some("remove_by")),
            format!(
                "flag `{}` was to be removed by {by}, {days} day{} ago",
                d.key,
                if days == 1 { "" } else { "s" }
            ),
        );
        f.notes.push(if reads > 0 {
            format!("still read at {reads} place(s): remove the reads, then the declaration")
        } else {
            "no code reads it: remove the declaration".to_string()
        });
        out.push(f);
    }
    out
}
