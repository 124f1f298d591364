//! ## What it does
//! Flags a flag whose state differs between environments that must agree (config `agree:`,
//! e.g. `[[production, development]]`): on in one, off in the other, or serving different
//! values.
//!
//! ## Why is this bad?
//! Environments that must agree (say Production and Development) are meant to be flipped
//! together, and rollback flips both, never one. When a flip reaches only one environment, what
//! was tested is not what runs, and the next rollback starts from a state nobody expects.
//!
//! ## Example
//! ```yaml
//! # .flagdebt.yml
//! agree: [[production, development]]
//! # dark-mode: on in development, off in production → environment-drift
//! ```

use super::{flag_place, Check, Context};
use crate::finding::{Finding, Severity};

pub static CHECK: Check = Check {
    code: "environment-drift",
    severity: Severity::Warning,
    source: include_str!("environment_drift.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let mut out = Vec::new();
    for row in inv.flags.values() {
        for (snap, pf) in inv.provider_of(row) {
            if pf.archived || pf.deleted {
                continue;
            }
            for group in &cx.config.agree {
                let states: Vec<(&String, &crate::provider::EnvState)> = pf
                    .environments
                    .iter()
                    .filter(|(name, _)| group.iter().any(|g| g.eq_ignore_ascii_case(name)))
                    .collect();
                if states.len() < 2 {
                    continue;
                }
                let first = states[0].1;
                let differs = states.iter().any(|(_, s)| {
                    s.enabled != first.enabled
                        || (s.enabled && first.enabled && s.value != first.value)
                });
                if !differs {
                    continue;
                }
                let desc: Vec<String> = states
                    .iter()
                    .map(|(n, s)| {
                        let v = s
                            .value
                            .as_ref()
                            .map(|v| format!(" ({v})"))
                            .unwrap_or_default();
                        format!(
                            "{} in {n}{}",
                            if s.enabled { "on" } else { "off" },
                            if s.enabled { v } else { String::new() }
                        )
                    })
                    .collect();
                let (path, span) = flag_place(inv, row);
                out.push(CHECK.finding(
                    Some(&row.key),
                    &path,
                    span,
                    format!(
                        "flag `{}` disagrees across environments that must agree at {}: {}",
                        row.key,
                        snap.name,
                        desc.join(", ")
                    ),
                ));
            }
        }
    }
    out
}
