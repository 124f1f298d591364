//! Inline suppressions: `flagdebt: ignore[code, code] reason` in a comment, on the finding's
//! line or the line above. A suppression with no reason is reported (`unexplained-suppression`),
//! and so is one that suppresses nothing (`unused-suppression`), so they go stale visibly.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::finding::{Finding, Severity, Span};

pub const MARKER: &str = "flagdebt: ignore[";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Suppression {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub codes: Vec<String>,
    pub reason: String,
}

/// Find suppressions in a file's text. `comment` is the line-comment token (`#`, `//`); the
/// marker counts only after it on the same line.
pub fn parse(path: &str, text: &str, comments: &[&str]) -> Vec<Suppression> {
    let mut out = Vec::new();
    if memchr::memmem::find(text.as_bytes(), MARKER.as_bytes()).is_none() {
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let before = &line[..at];
        if !in_comment(before, comments) {
            continue;
        }
        let rest = &line[at + MARKER.len()..];
        let Some(close) = rest.find(']') else {
            continue;
        };
        let codes: Vec<String> = rest[..close]
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        // The reason ends where the comment does (`/* ... */ more code`).
        let after = &rest[close + 1..];
        let after = after.find("*/").map_or(after, |end| &after[..end]);
        let reason = after.trim().trim_end_matches("-->").trim().to_string();
        out.push(Suppression {
            path: path.to_string(),
            line: i + 1,
            column: before.chars().count() + 1,
            codes,
            reason,
        });
    }
    out
}

/// Whether the text before the marker opens a comment outside any string literal: a comment
/// token with an even number of quotes before it (`HELP = "# flagdebt: ignore[...]"` is not
/// a suppression).
fn in_comment(before: &str, comments: &[&str]) -> bool {
    comments.iter().any(|c| {
        before.match_indices(c).any(|(i, _)| {
            let head = &before[..i];
            head.matches('"').count().is_multiple_of(2)
                && head.matches('\'').count().is_multiple_of(2)
        })
    })
}

/// Suppressions of files that are not source (registries), read on demand.
pub fn read_file(root: &Path, rel: &str) -> Vec<Suppression> {
    let Ok(text) = std::fs::read_to_string(root.join(rel)) else {
        return Vec::new();
    };
    parse(rel, &text, &["#", "//"])
}

/// Drop suppressed findings; add findings for suppressions without a reason and for those
/// that suppressed nothing. `findings` must be every check's findings.
pub fn apply(findings: Vec<Finding>, sups: &[Suppression]) -> Vec<Finding> {
    let mut by_place: HashMap<(&str, usize), Vec<usize>> = HashMap::new();
    for (i, s) in sups.iter().enumerate() {
        by_place
            .entry((s.path.as_str(), s.line))
            .or_default()
            .push(i);
    }
    let mut used = vec![false; sups.len()];
    let mut out = Vec::new();
    for f in findings {
        let mut suppressed = false;
        for line in [f.span.line, f.span.line.saturating_sub(1)] {
            if let Some(ids) = by_place.get(&(f.path.as_str(), line)) {
                for &i in ids {
                    if sups[i].codes.iter().any(|c| c == &f.code || c == "all") {
                        used[i] = true;
                        suppressed = true;
                    }
                }
            }
        }
        if !suppressed {
            out.push(f);
        }
    }
    for (s, used) in sups.iter().zip(used) {
        let span = Span {
            line: s.line,
            column: s.column,
            end_line: s.line,
            end_column: s.column + MARKER.len(),
        };
        let meta = |code: &str, message: String| Finding {
            code: code.to_string(),
            severity: Severity::Warning,
            flag: None,
            path: s.path.clone(),
            span,
            message,
            notes: Vec::new(),
            owner: None,
            owner_source: None,
            related: Vec::new(),
        };
        if s.reason.is_empty() {
            out.push(meta(
                "unexplained-suppression",
                format!(
                    "suppression of `{}` gives no reason; say why after the `]`",
                    s.codes.join(", ")
                ),
            ));
        }
        if !used {
            out.push(meta(
                "unused-suppression",
                format!(
                    "suppression of `{}` suppresses nothing here; remove it",
                    s.codes.join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_reason() {
        let s = parse(
            "a.py",
            "x = 1\nflags.is_on(f\"x_{y}\")  # flagdebt: ignore[dynamic-flag-key, raw-env-flag] built from a closed enum\ns = \"flagdebt: ignore[x] not a comment\"\n",
            &["#"],
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].line, 2);
        assert_eq!(s[0].codes, vec!["dynamic-flag-key", "raw-env-flag"]);
        assert_eq!(s[0].reason, "built from a closed enum");
    }
}
