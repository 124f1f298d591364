//! A finding: one thing a check (or the scanner itself) reports at one place.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line/column position and the end of the span (also 1-based, end column exclusive).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    pub flag: Option<String>,
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    #[serde(flatten)]
    pub span: Span,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The flag's owner (see [`crate::owners::owner_of`]), when the finding is about a flag
    /// that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the owner comes from: `registry`, `provider` or `codeowners`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_source: Option<crate::owners::OwnerSource>,
    /// Other places the finding is about (the registry entry of a flag read here, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A second place a finding points at, with what it says there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub path: String,
    #[serde(flatten)]
    pub span: Span,
    pub message: String,
}

impl Finding {
    /// The order every output uses: (path, line, column, code, flag, message).
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.path,
            self.span.line,
            self.span.column,
            &self.code,
            &self.flag,
            &self.message,
        )
    }
}

pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
