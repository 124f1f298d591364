//! Checks: pure functions `(Inventory, Config, today) -> Vec<Finding>`, one file each. Each
//! file opens with a `//!` doc (`## What it does` / `## Why is this bad?` / `## Example`);
//! `flagdebt explain CODE` prints exactly that text, read from the file itself.

mod dynamic_flag_key;
mod raw_env_flag;
mod unexplained_suppression;
mod unused_suppression;

use crate::config::Config;
use crate::date::Date;
use crate::finding::{Finding, Severity};
use crate::inventory::Inventory;

/// What a check gets.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub config: &'a Config,
    pub today: Date,
}

pub struct Check {
    /// Stable, kebab-case, named after what it flags.
    pub code: &'static str,
    pub severity: Severity,
    /// The check's own source file: its `//!` lines are its documentation.
    source: &'static str,
    pub run: fn(&Context) -> Vec<Finding>,
}

impl Check {
    /// The `//!` documentation of the check's file.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out
    }

    /// The first paragraph under `## What it does`, on one line.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let body = doc.split("## What it does").nth(1).unwrap_or(&doc);
        body.trim_start()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A finding of this check at its configured severity.
    pub fn finding(
        &self,
        flag: Option<&str>,
        path: &str,
        span: crate::finding::Span,
        message: String,
    ) -> Finding {
        Finding {
            code: self.code.to_string(),
            severity: self.severity,
            flag: flag.map(str::to_string),
            path: path.to_string(),
            span,
            message,
            notes: Vec::new(),
        }
    }
}

/// Every check, in code order.
pub static ALL: &[&Check] = &[
    &dynamic_flag_key::CHECK,
    &raw_env_flag::CHECK,
    &unexplained_suppression::CHECK,
    &unused_suppression::CHECK,
];

pub fn by_code(code: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.code == code)
}

/// Which checks run and at what severity.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn validate(&self) -> anyhow::Result<()> {
        for c in self.select.iter().chain(&self.ignore) {
            if by_code(c).is_none() {
                anyhow::bail!("unknown check code `{c}` (see `flagdebt explain --list`)");
            }
        }
        Ok(())
    }

    pub fn enabled(&self, code: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|c| c == code))
            && !self.ignore.iter().any(|c| c == code)
    }
}

/// Run the selected checks, each finding at its check's default severity.
pub fn run(cx: &Context, sel: &Selection) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in ALL {
        if sel.enabled(check.code) {
            out.extend((check.run)(cx));
        }
    }
    out
}

/// Apply the config's `severity:` map: a new level, or `off` to drop the code.
pub fn apply_severity(findings: Vec<Finding>, config: &Config) -> anyhow::Result<Vec<Finding>> {
    let mut levels = std::collections::HashMap::new();
    for (code, level) in &config.severity {
        if by_code(code).is_none() {
            anyhow::bail!("config: `severity` names an unknown check `{code}`");
        }
        let level = match level.as_str() {
            "off" => None,
            s => Some(Severity::parse(s).ok_or_else(|| {
                anyhow::anyhow!(
                    "config: severity of `{code}` must be error, warning, info or off, not `{s}`"
                )
            })?),
        };
        levels.insert(code.as_str(), level);
    }
    Ok(findings
        .into_iter()
        .filter_map(|mut f| match levels.get(f.code.as_str()) {
            None => Some(f),
            Some(None) => None,
            Some(Some(l)) => {
                f.severity = *l;
                Some(f)
            }
        })
        .collect())
}
