//! ## What it does
//! Flags a flag that exists at a provider but is neither declared in a registry nor read by
//! any code. Reported at the config file that names the provider.
//!
//! ## Why is this bad?
//! Nobody owns it and nothing uses it: it can be flipped with no effect, it clutters the
//! provider's UI, and sooner or later someone reuses its name for something else. Delete it
//! at the provider, or declare it if something outside this repository reads it.
//!
//! ## Example
//! ```text
//! unleash: ops-kill-payments (kill-switch) — not in feature_flags.yaml, read nowhere
//!   → unregistered-provider-flag
//! ```

use super::{flag_place, Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "unregistered-provider-flag",
    severity: Severity::Warning,
    source: include_str!("unregistered_provider_flag.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let mut out = Vec::new();
    for row in inv.flags.values() {
        if !row.declarations.is_empty() || !row.references.is_empty() {
            continue;
        }
        let Some((snap, pf)) = inv
            .provider_of(row)
            .find(|(_, pf)| !pf.archived && !pf.deleted)
        else {
            continue;
        };
        let (path, span) = flag_place(inv, row);
        let kind = pf
            .flag_type
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        out.push(CHECK.finding(
            Some(&row.key),
            &path,
            span,
            format!(
                "flag `{}`{kind} exists at {} but no registry declares it and no code reads it",
                row.key, snap.name
            ),
        ));
    }
    out
}
