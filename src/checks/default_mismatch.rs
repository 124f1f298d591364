//! ## What it does
//! Flags a call-site default (fallback) that differs from the registry's `default`, and,
//! when the registry gives none, consumers of one flag whose fallbacks disagree with each
//! other. Kill switches are judged by `kill-switch-unsafe-default` instead.
//!
//! ## Why is this bad?
//! When the flag service is slow or down, each consumer falls back to its own default. If the
//! API falls back to `false` and the mailer to `true`, the product is half on: the consumers
//! no longer agree about what is released: not every surface follows the same release truth.
//!
//! ## Example
//! ```ts
//! // registry: free_shipping_banner: {default: false}
//! flagsmith.getValue("free_shipping_banner", { fallback: true })   // default-mismatch
//! ```

use std::collections::BTreeMap;

use super::{truthy, Check, Context};
use crate::finding::{Finding, Severity};
use crate::registry::FlagType;

pub static CHECK: Check = Check {
    code: "default-mismatch",
    severity: Severity::Warning,
    source: include_str!("default_mismatch.rs"),
    run,
};

/// Two defaults agree when they are the same JSON value or the same truth value.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    a == b
        || matches!((truthy(a), truthy(b)), (Some(x), Some(y)) if x == y)
            && (a.is_boolean() || b.is_boolean())
}

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let mut out = Vec::new();
    for row in inv.flags.values() {
        if inv
            .decls_of(row)
            .any(|d| d.flag_type == Some(FlagType::KillSwitch))
        {
            continue;
        }
        let with_default: Vec<_> = inv.refs_of(row).filter(|r| r.default.is_some()).collect();
        if let Some(reg) = &row.default {
            for r in &with_default {
                let d = r.default.as_ref().unwrap_or(&serde_json::Value::Null);
                if !same(d, reg) {
                    let mut f = CHECK.finding(
                        Some(&r.flag),
                        &r.path,
                        r.span,
                        format!(
                            "flag `{}` falls back to {d} here, but the registry default is {reg}",
                            r.flag
                        ),
                    );
                    if let Some(c) = &r.consumer {
                        f.notes.push(format!("consumer class: {c}"));
                    }
                    f.related.extend(super::registry_entry(
                        inv,
                        row,
                        "default",
                        format!("registry default: {reg}"),
                    ));
                    out.push(f);
                }
            }
            continue;
        }
        // No registry default: the consumers must at least agree with each other.
        let mut groups: BTreeMap<String, Vec<&crate::scan::Reference>> = BTreeMap::new();
        for r in &with_default {
            let d = r.default.as_ref().unwrap_or(&serde_json::Value::Null);
            let key = truthy(d)
                .filter(|_| d.is_boolean())
                .map(|b| b.to_string())
                .unwrap_or_else(|| d.to_string());
            groups.entry(key).or_default().push(r);
        }
        if groups.len() < 2 {
            continue;
        }
        let summary: Vec<String> = groups
            .iter()
            .map(|(v, rs)| {
                format!(
                    "{v} at {}",
                    rs.iter()
                        .map(|r| format!("{}:{}", r.path, r.span.line))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        for rs in groups.values() {
            for r in rs {
                let mut f = CHECK.finding(
                    Some(&r.flag),
                    &r.path,
                    r.span,
                    format!("consumers of flag `{}` disagree on its fallback", r.flag),
                );
                f.notes.push(format!("fallbacks: {}", summary.join("; ")));
                out.push(f);
            }
        }
    }
    out
}
