//! ## What it does
//! Flags a `flagdebt: ignore[code]` comment that gives no reason after the closing `]`.
//!
//! ## Why is this bad?
//! A suppression is a decision; without its reason nobody can tell later whether it still
//! holds, and the flag debt it hides stays forever. (Reported by the suppression pass that
//! runs after every check.)
//!
//! ## Example
//! ```python
//! os.environ.get("FLAG_BETA")  # flagdebt: ignore[raw-env-flag]            <- unexplained
//! os.environ.get("FLAG_BETA")  # flagdebt: ignore[raw-env-flag] bootstrap only, see #553
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "unexplained-suppression",
    severity: Severity::Warning,
    source: include_str!("unexplained_suppression.rs"),
    run,
};

/// Suppressions are read and judged in `crate::suppress`.
fn run(_cx: &Context) -> Vec<Finding> {
    Vec::new()
}
