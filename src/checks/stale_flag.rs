//! ## What it does
//! Flags a declared flag that is a removal candidate: its rollout is over and the flag now only
//! costs a branch.
//!
//! Each reason is its own rule:
//! - **locked at GA**: the flag is at GA and locked to its default (a Kubernetes gate with
//!   `PreRelease: featuregate.GA, LockToDefault: true`): it can no longer be switched, so every
//!   check of it is dead code;
//! - **deprecated**: the declaration says the flag is on its way out
//!   (`PreRelease: featuregate.Deprecated`, GitLab Runner's `Deprecated: true`,
//!   `stage: deprecated` in a registry).
//!
//! ## Why is this bad?
//! A flag that can no longer change keeps both paths of every branch it guards alive: the dead
//! path still has to compile, be read and be tested. The declaration already says it is time to
//! remove the flag; this check makes sure somebody hears it.
//!
//! ## Example
//! ```go
//! AppArmor: {
//!     {Version: version.MustParse("1.4"), Default: true, PreRelease: featuregate.Beta},
//!     // stale-flag: GA and locked to its default; remove the gate and its checks
//!     {Version: version.MustParse("1.31"), Default: true, PreRelease: featuregate.GA, LockToDefault: true},
//! },
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};
use crate::inventory::FlagRow;
use crate::registry::{Declaration, Stage};

pub static CHECK: Check = Check {
    code: "stale-flag",
    severity: Severity::Warning,
    source: include_str!("stale_flag.rs"),
    run,
};

/// One reason a flag is a removal candidate: a finding when it applies.
type Reason = fn(&Context, &FlagRow) -> Option<Finding>;

/// Every reason, in the order they are tried; a flag gets the first that applies.
const REASONS: &[Reason] = &[locked_at_ga, deprecated];

fn run(cx: &Context) -> Vec<Finding> {
    cx.inventory
        .flags
        .values()
        .filter(|row| row.declared)
        .filter_map(|row| REASONS.iter().find_map(|reason| reason(cx, row)))
        .collect()
}

fn is_true(d: &Declaration, field: &str) -> bool {
    d.extra.get(field).and_then(super::truthy).unwrap_or(false)
}

/// GA and locked to its default: the flag can no longer be switched.
fn locked_at_ga(cx: &Context, row: &FlagRow) -> Option<Finding> {
    let d = cx
        .inventory
        .decls_of(row)
        .find(|d| d.stage == Some(Stage::Ga) && is_true(d, "lock_to_default"))?;
    let default = match &row.default {
        Some(v) => format!(" (`{v}`)"),
        None => String::new(),
    };
    let mut f = CHECK.finding(
        Some(&row.key),
        &d.path,
        super::decl_span(d, Some("stage")),
        format!(
            "flag `{}` is GA and locked to its default{default}: remove it and the code behind its other path",
            row.key
        ),
    );
    f.notes
        .push("a locked flag cannot be switched; every check of it is dead code".into());
    Some(f)
}

/// Declared deprecated: on its way out.
fn deprecated(cx: &Context, row: &FlagRow) -> Option<Finding> {
    let d = cx
        .inventory
        .decls_of(row)
        .find(|d| d.stage == Some(Stage::Deprecated) || is_true(d, "deprecated"))?;
    let field = if d.stage == Some(Stage::Deprecated) {
        "stage"
    } else {
        "deprecated"
    };
    let mut f = CHECK.finding(
        Some(&row.key),
        &d.path,
        super::decl_span(d, Some(field)),
        format!(
            "flag `{}` is declared deprecated: remove it and its reads",
            row.key
        ),
    );
    if let Some(v) = d.extra.get("remove_version").and_then(|v| v.as_str()) {
        if !v.is_empty() {
            f.notes.push(format!("to be removed with {v}"));
        }
    }
    Some(f)
}
