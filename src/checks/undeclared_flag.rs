//! ## What it does
//! Flags a read of a flag that no registry declares (no `feature_flags.yaml` entry, flag
//! definition file, flagd file or code declaration) and no provider knows. Runs only when a
//! registry or a provider was read.
//!
//! ## Why is this bad?
//! Every flag should have a registry entry before it can be flipped. A flag read but
//! declared nowhere has no owner, no default, no removal date, and often no longer exists at
//! the provider: the code is checking something that will always answer the fallback.
//!
//! ## Example
//! ```python
//! if flags.is_on("gift_wrapping"):   # undeclared-flag: add it to feature_flags.yaml
//!     ...
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "undeclared-flag",
    severity: Severity::Error,
    source: include_str!("undeclared_flag.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    if !cx.inventory.has_declarations() {
        return Vec::new();
    }
    cx.inventory
        .flags
        .values()
        .filter(|row| !row.declared && row.provider_flags.is_empty()) // archived at a provider: archived-flag-referenced
        .flat_map(|row| cx.inventory.refs_of(row))
        .map(|r| {
            CHECK.finding(
                Some(&r.flag),
                &r.path,
                r.span,
                format!("flag `{}` is read here but declared in no registry", r.flag),
            )
        })
        .collect()
}
