//! ## What it does
//! Flags a `FLAG_<KEY>` variable set in a deployment env file (config `env_files:`, a dotenv
//! file or `heroku config --json` output) for a flag whose value now comes from the flag
//! service: the provider's value wins, so the variable does nothing.
//!
//! ## Why is this bad?
//! Once a flag has a row in the flag service, the deployment env var (a Heroku config var,
//! say) is dormant for that flag and environment: setting it changes nothing. An operator who flips the
//! variable in an incident believes they changed something; nothing changed. Dormant
//! variables are the deprecation table's job: remove them.
//!
//! ## Example
//! ```sh
//! # deploy/production.env
//! FLAG_NEW_CHECKOUT=1    # dormant-env-override: new_checkout is managed at the provider
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity, Span};

pub static CHECK: Check = Check {
    code: "dormant-env-override",
    severity: Severity::Warning,
    source: include_str!("dormant_env_override.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    let inv = cx.inventory;
    let env = cx.config.env_settings();
    let mut out = Vec::new();
    for v in &inv.env_vars {
        let Some(key) = env.map(&v.name) else {
            continue;
        };
        let Some(row) = inv.flags.get(&key) else {
            continue;
        };
        let Some((snap, _)) = inv
            .provider_of(row)
            .find(|(_, pf)| !pf.archived && !pf.deleted)
        else {
            continue;
        };
        out.push(CHECK.finding(
            Some(&key),
            &v.path,
            Span {
                line: v.line,
                column: v.column,
                end_line: v.line,
                end_column: v.column + v.name.chars().count(),
            },
            format!("`{}` is dormant: flag `{key}` is managed at {}, whose value wins over the variable", v.name, snap.name),
        ));
    }
    out
}
