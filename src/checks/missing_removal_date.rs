//! ## What it does
//! Flags a release or experiment flag declared without a removal date (`remove_by:`).
//!
//! ## Why is this bad?
//! Release and experiment flags are temporary by definition; most flags get stuck at
//! "rolled out at 100%" because nobody wrote down when they must go. Permanent
//! flags (kill switches, ops toggles, permissions) need no date and are not flagged.
//!
//! ## Example
//! ```yaml
//! bulk_order_import:    # missing-removal-date
//!   owner: team-fulfillment
//!   type: release
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};
use crate::registry::FlagType;

pub static CHECK: Check = Check {
    code: "missing-removal-date",
    severity: Severity::Error,
    source: include_str!("missing_removal_date.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    cx.inventory
        .flags
        .values()
        .filter(|row| row.declared && row.remove_by.is_none())
        .filter_map(|row| {
            let d = cx.inventory.decls_of(row).find(|d| d.flag_type.is_some())?;
            let t = d.flag_type?;
            matches!(t, FlagType::Release | FlagType::Experiment).then(|| {
                CHECK.finding(
                    Some(&d.key),
                    &d.path,
                    super::decl_span(d, None),
                    format!(
                        "{} flag `{}` has no removal date (`remove_by`)",
                        t.as_str(),
                        d.key
                    ),
                )
            })
        })
        .collect()
}
