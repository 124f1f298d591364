//! flagdebt: a flag-debt static analyzer and CI linter.
//!
//! One pipeline, one join: walk → prefilter → parse → extract → resolve → Inventory (joined
//! with registries and provider state) → checks → findings → render.

pub mod baseline;
pub mod checks;
pub mod cli;
pub mod config;
pub mod date;
pub mod diff;
pub mod envfile;
pub mod finding;
pub mod fix;
pub mod frameworks;
pub mod gitage;
pub mod init;
pub mod input;
pub mod inventory;
pub mod lang;
pub mod mentions;
pub mod owners;
pub mod pipeline;
pub mod presets;
pub mod project;
pub mod provider;
pub mod refs;
pub mod registry;
pub mod report;
pub mod rules;
pub mod scan;
pub mod sheet;
pub mod suppress;
pub mod version;
pub mod walk;

/// Exit codes, as every linter in the ecosystem uses them.
pub mod exit {
    /// Nothing at error level.
    pub const OK: i32 = 0;
    /// Findings at error level.
    pub const FINDINGS: i32 = 1;
    /// Usage, config or I/O error.
    pub const ERROR: i32 = 2;
}

/// Run the CLI with the process's arguments and return the exit code.
pub fn main_exit_code() -> i32 {
    cli::run_from_env()
}
