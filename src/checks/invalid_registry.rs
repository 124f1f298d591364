//! ## What it does
//! Flags a registry entry flagdebt cannot trust: a date that is not `YYYY-MM-DD`, an unknown
//! `type`, `stage`, `risk` or `consequence`, a `depends_on` that is not a list of keys.
//!
//! ## Why is this bad?
//! A misspelt field silently turns a check off: `remove_by: 31/01/2026` is no date, so the
//! flag never expires; `type: kilswitch` is no kill switch, so its defaults go unchecked.
//! (A registry that is not valid YAML/JSON at all is an error, exit 2, not a finding.)
//!
//! ## Example
//! ```yaml
//! search_v2:
//!   type: relase            # invalid-registry: unknown type
//!   remove_by: next sprint  # invalid-registry: not a date
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity, Span};

pub static CHECK: Check = Check {
    code: "invalid-registry",
    severity: Severity::Error,
    source: include_str!("invalid_registry.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    cx.inventory
        .registry_problems
        .iter()
        .map(|p| {
            CHECK.finding(
                p.key.as_deref(),
                &p.path,
                Span {
                    line: p.line,
                    column: p.column,
                    end_line: p.line,
                    end_column: p.column,
                },
                p.message.clone(),
            )
        })
        .collect()
}
