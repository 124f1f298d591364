//! ## What it does
//! Flags a declared flag with no owner (`owner:` in the registry, `group:` in a GitLab flag
//! definition, `metadata.owner` in flagd).
//!
//! ## Why is this bad?
//! A flag should have a named owner, an expected behaviour at 100% and an expected removal
//! date from its creation, and CI should reject the pull request otherwise. A flag with
//! no owner is a flag nobody will remove.
//!
//! ## Example
//! ```yaml
//! wishlist_sharing:     # missing-owner
//!   type: release
//!   remove_by: 2027-01-31
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "missing-owner",
    severity: Severity::Error,
    source: include_str!("missing_owner.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    cx.inventory
        .flags
        .values()
        .filter(|row| row.declared && row.owner.as_deref().is_none_or(|o| o.trim().is_empty()))
        .filter_map(|row| cx.inventory.decls_of(row).next())
        .map(|d| {
            CHECK.finding(
                Some(&d.key),
                &d.path,
                super::decl_span(d, None),
                format!("flag `{}` has no owner", d.key),
            )
        })
        .collect()
}
