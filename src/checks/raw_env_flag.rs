//! ## What it does
//! Flags a feature flag read straight from an environment variable (`os.environ.get("FLAG_X")`,
//! `process.env.FLAG_X`, `System.getenv("FLAG_X")`, `ENV["FLAG_X"]`, `std::env::var("FLAG_X")`).
//!
//! ## Why is this bad?
//! A raw env read bypasses the flag service: the registry default, the database row and the
//! audit log never see it, and once a flag is managed in the service the env var goes dormant
//! while the code keeps trusting it. A pre-GA checklist that demands no
//! `os.environ.get("FLAG_...")` remains needs a gate; this check is that gate, precise where
//! `grep` is not (comments, strings and `DATABASE_URL` are not flags).
//!
//! ## Example
//! ```python
//! if os.environ.get("FLAG_NEW_CHECKOUT") == "1":   # raw-env-flag (flag `new_checkout`)
//!     ...
//! ```
//! Use the flag service instead:
//! ```python
//! if flags.is_on("new_checkout"):
//!     ...
//! ```

use super::{Check, Context};
use crate::finding::{Finding, Severity};
use crate::scan::Via;

pub static CHECK: Check = Check {
    code: "raw-env-flag",
    severity: Severity::Error,
    source: include_str!("raw_env_flag.rs"),
    run,
};

fn run(cx: &Context) -> Vec<Finding> {
    cx.inventory
        .references
        .iter()
        .filter(|r| r.via == Via::Env)
        .map(|r| {
            let var = r.env_var.as_deref().unwrap_or("?");
            CHECK.finding(
                Some(&r.flag),
                &r.path,
                r.span,
                format!("flag `{}` is read from the raw environment variable `{var}`; read it through the flag service", r.flag),
            )
        })
        .collect()
}
