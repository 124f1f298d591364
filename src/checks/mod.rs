//! Checks: pure functions `(Inventory, Config, today) -> Vec<Finding>`, one file each. Each
//! file opens with a `//!` doc (`## What it does` / `## Why is this bad?` / `## Example`);
//! `flagdebt explain CODE` prints exactly that text, read from the file itself.

mod archived_flag_referenced;
mod default_mismatch;
mod dormant_env_override;
mod dynamic_flag_key;
mod environment_drift;
mod expired_flag;
mod invalid_registry;
mod kill_switch_unsafe_default;
mod missing_owner;
mod missing_removal_date;
mod provider_conflict;
mod raw_env_flag;
mod stale_flag;
mod undeclared_flag;
mod unexplained_suppression;
mod unknown_dependency;
mod unregistered_provider_flag;
mod unused_flag;
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
    /// The repository's own version (config `version`, a VERSION file, a package manifest, the
    /// latest git tag), which declared release versions are compared with.
    pub repo_version: Option<crate::version::RepoVersion>,
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

    /// The first sentence of the summary (SARIF's `shortDescription`): cut at the first period
    /// followed by a space, outside parentheses and code spans.
    pub fn short(&self) -> String {
        let summary = self.summary();
        let (mut depth, mut code) = (0i32, false);
        let bytes = summary.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'`' => code = !code,
                b'(' if !code => depth += 1,
                b')' if !code => depth -= 1,
                b'.' if !code && depth <= 0 && bytes.get(i + 1) == Some(&b' ') => {
                    return summary[..=i].to_string();
                }
                _ => {}
            }
        }
        summary
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
            owner: None,
            owner_source: None,
            related: Vec::new(),
        }
    }
}

/// The registry entry of a flag as a related place: the `field` line of its first
/// declaration that has one (e.g. `default`).
pub fn registry_entry(
    inv: &crate::inventory::Inventory,
    row: &crate::inventory::FlagRow,
    field: &str,
    message: String,
) -> Option<crate::finding::Related> {
    let d = inv
        .decls_of(row)
        .find(|d| d.field_lines.contains_key(field))
        .or_else(|| inv.decls_of(row).next())?;
    Some(crate::finding::Related {
        path: d.path.clone(),
        span: decl_span(d, Some(field)),
        message,
    })
}

/// Every check, in code order.
pub static ALL: &[&Check] = &[
    &archived_flag_referenced::CHECK,
    &default_mismatch::CHECK,
    &dormant_env_override::CHECK,
    &dynamic_flag_key::CHECK,
    &environment_drift::CHECK,
    &expired_flag::CHECK,
    &invalid_registry::CHECK,
    &kill_switch_unsafe_default::CHECK,
    &missing_owner::CHECK,
    &missing_removal_date::CHECK,
    &provider_conflict::CHECK,
    &raw_env_flag::CHECK,
    &stale_flag::CHECK,
    &undeclared_flag::CHECK,
    &unexplained_suppression::CHECK,
    &unknown_dependency::CHECK,
    &unregistered_provider_flag::CHECK,
    &unused_flag::CHECK,
    &unused_suppression::CHECK,
];

/// Checks that judge the whole tree (is a flag read anywhere?): they run only when the whole
/// project is scanned, never on part of it.
pub const WHOLE_TREE: &[&str] = &["unused-flag", "unregistered-provider-flag"];

pub fn needs_whole_tree(code: &str) -> bool {
    WHOLE_TREE.contains(&code)
}

/// The span of a declaration's key, or of one of its fields (`remove_by`) when that field is
/// on its own line.
pub fn decl_span(d: &crate::registry::Declaration, field: Option<&str>) -> crate::finding::Span {
    let line = field.map(|f| d.line_of(f)).unwrap_or(d.line);
    if line == d.line {
        let end = d.column + d.key.chars().count();
        crate::finding::Span {
            line,
            column: d.column,
            end_line: line,
            end_column: end,
        }
    } else {
        crate::finding::Span {
            line,
            column: 1,
            end_line: line,
            end_column: 1,
        }
    }
}

/// Where a finding about a whole flag points: its first registry declaration, else its first
/// reference, else the config file that names the provider.
pub fn flag_place(
    inv: &crate::inventory::Inventory,
    row: &crate::inventory::FlagRow,
) -> (String, crate::finding::Span) {
    if let Some(d) = inv.decls_of(row).next() {
        return (d.path.clone(), decl_span(d, None));
    }
    if let Some(r) = inv.refs_of(row).next() {
        return (r.path.clone(), r.span);
    }
    let one = crate::finding::Span {
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
    };
    (
        inv.config_path
            .clone()
            .unwrap_or_else(|| ".flagdebt.yml".into()),
        one,
    )
}

/// The truth value of a flag default as code writes it: `true`, `"1"`, `"on"`, `0`, `None`...
pub fn truthy(v: &serde_json::Value) -> Option<bool> {
    use serde_json::Value;
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        Value::Null => Some(false),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "on" | "yes" | "enabled" | "y" | "t" => Some(true),
            "false" | "0" | "off" | "no" | "disabled" | "n" | "f" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

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
    crate::owners::annotate(&mut out, cx.inventory);
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

#[cfg(test)]
mod tests {
    #[test]
    fn short_is_one_sentence_of_the_summary() {
        let stale = super::by_code("stale-flag").unwrap();
        assert_eq!(
            stale.short(),
            "Flags a flag that has finished its job and should be removed."
        );
        for c in super::ALL {
            let s = c.short();
            assert!(s.len() <= 260, "{}: {s}", c.code);
            assert!(c.summary().starts_with(&s), "{}", c.code);
        }
    }
}
