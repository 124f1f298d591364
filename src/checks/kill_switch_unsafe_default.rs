//! ## What it does
//! Flags a read of a kill-switch flag whose call-site default (the value used when the flag
//! service is unreachable) is not the kill switch's safe value: the registry `default`, or
//! "feature enabled" (`true`) when the registry gives none.
//!
//! ## Why is this bad?
//! For kill switches the safe default is "feature enabled": the flag service being down must
//! not disable every kill-switched feature (which would make the flag service a single point
//! of failure for the product). A kill switch read with `false` as its fallback turns the feature off
//! exactly when the flag service has an outage.
//!
//! ## Example
//! ```go
//! // registry: recommendations_enabled: {type: kill-switch, default: true}
//! on, _ := client.BooleanValue(ctx, "recommendations_enabled", false, ec)  // kill-switch-unsafe-default
//! ```

use super::{truthy, Check, Context};
use crate::finding::{Finding, Severity};
use crate::registry::FlagType;

pub static CHECK: Check = Check {
    code: "kill-switch-unsafe-default",
    severity: Severity::Error,
    source: include_str!("kill_switch_unsafe_default.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let mut out = Vec::new();
    for row in inv.flags.values() {
        if !inv
            .decls_of(row)
            .any(|d| d.flag_type == Some(FlagType::KillSwitch))
        {
            continue;
        }
        let safe = row.default.as_ref().and_then(truthy).unwrap_or(true);
        for r in inv.refs_of(row) {
            let Some(default) = r.default.as_ref() else {
                continue;
            };
            let Some(value) = truthy(default) else {
                continue;
            };
            if value != safe {
                let mut f = CHECK.finding(
                    Some(&r.flag),
                    &r.path,
                    r.span,
                    format!(
                        "kill switch `{}` falls back to {default} here; if the flag service is down the feature turns {}",
                        r.flag,
                        if value { "on" } else { "off" }
                    ),
                );
                f.notes.push(format!(
                    "the safe fallback is {safe} (registry default or \"feature enabled\")"
                ));
                f.related.extend(super::registry_entry(
                    inv,
                    row,
                    "default",
                    format!("kill switch declared here, safe default {safe}"),
                ));
                out.push(f);
            }
        }
    }
    out
}
