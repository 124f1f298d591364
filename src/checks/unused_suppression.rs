//! ## What it does
//! Flags a `flagdebt: ignore[code] reason` comment that suppresses nothing: no finding of the
//! named code is on its line or the line below.
//!
//! ## Why is this bad?
//! Suppressions outlive the code they excused. A stale one hides the next real finding at that
//! place and tells readers something that is no longer true. (Reported by the suppression pass
//! that runs after every check.)
//!
//! ## Example
//! ```python
//! # flagdebt: ignore[raw-env-flag] migrating in #553
//! if flags.is_on("new_checkout"):   # the raw env read is gone: unused-suppression
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "unused-suppression",
    severity: Severity::Warning,
    source: include_str!("unused_suppression.rs"),
    run,
};

/// Suppressions are matched against the other checks' findings in `crate::suppress`.
fn run(_cx: &Context) -> Vec<Finding> {
    Vec::new()
}
