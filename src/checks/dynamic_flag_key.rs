//! ## What it does
//! Flags a flag read whose key cannot be known without running the code: an f-string, a
//! template literal, a concatenation, a call's result, or a variable that is not a constant.
//!
//! ## Why is this bad?
//! Nobody can find every reader of a flag whose name is built at run time: not a search, not a
//! review, not flagdebt. Such a flag cannot be safely removed, and its owner cannot know who
//! depends on it. flagdebt reports the place rather than guessing a key.
//!
//! ## Example
//! ```python
//! flags.is_on(f"checkout_{variant}")   # dynamic-flag-key
//! ```
//! Name each flag in full, through a constant if you like:
//! ```python
//! CHECKOUT_V2 = "checkout_v2"
//! flags.is_on(CHECKOUT_V2)
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "dynamic-flag-key",
    severity: Severity::Warning,
    source: include_str!("dynamic_flag_key.rs"),
    run,
};

/// The longest key expression quoted in a message (a generated file can hold one of 200 KB).
const MAX_EXPR: usize = 120;

fn run(cx: &Context) -> Vec<Finding> {
    cx.inventory
        .unresolved
        .iter()
        .map(|u| {
            CHECK.finding(
                None,
                &u.path,
                u.span,
                format!(
                    "flag key `{}` cannot be known statically: {}",
                    crate::report::escape::clip(&u.expr, MAX_EXPR),
                    u.reason
                ),
            )
        })
        .collect()
}
