//! ## What it does
//! Flags a `depends_on` entry that names a flag no registry declares, or a flag that depends
//! on a less mature one (a `ga` flag on a `beta` flag, a `beta` flag on an `alpha` flag).
//!
//! ## Why is this bad?
//! A dependency is a promise that the other flag is on first (`depends_on`).
//! If that flag does not exist, the promise cannot be kept; if it is less mature, the
//! dependent flag cannot really be at its stage: GA on top of a beta is a beta.
//!
//! ## Example
//! ```yaml
//! express_checkout:
//!   stage: alpha
//!   depends_on: [new_checkout, payment_tokens_v2]   # unknown-dependency: payment_tokens_v2
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};
use crate::registry::Stage;

pub static CHECK: Check = Check {
    code: "unknown-dependency",
    severity: Severity::Error,
    source: include_str!("unknown_dependency.rs"),
    run,
};

fn rank(s: Stage) -> u8 {
    match s {
        Stage::Alpha => 0,
        Stage::Beta => 1,
        Stage::Ga => 2,
        Stage::Deprecated => 3,
    }
}

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let mut out = Vec::new();
    for d in &inv.declarations {
        for dep in &d.depends_on {
            let span = super::decl_span(d, Some("depends_on"));
            let Some(row) = inv.flags.get(dep).filter(|r| r.declared) else {
                out.push(CHECK.finding(
                    Some(&d.key),
                    &d.path,
                    span,
                    format!(
                        "flag `{}` depends on `{dep}`, which no registry declares",
                        d.key
                    ),
                ));
                continue;
            };
            let dep_stage = inv.decls_of(row).find_map(|x| x.stage);
            if let (Some(mine), Some(theirs)) = (d.stage, dep_stage) {
                if rank(mine) > rank(theirs) {
                    out.push(CHECK.finding(
                        Some(&d.key),
                        &d.path,
                        span,
                        format!(
                            "flag `{}` is at stage {} but depends on `{dep}`, which is only at {}",
                            d.key,
                            mine.as_str(),
                            theirs.as_str()
                        ),
                    ));
                }
            }
        }
    }
    out
}
