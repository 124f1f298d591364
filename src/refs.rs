//! `flagdebt refs FLAG...`: every read of the named flags (literal, constant, env, wrapper,
//! symbol: whatever way the key is written, as the scan resolved it) and their declarations
//! (registry files and declarations in code), with context lines, in three forms: `human`,
//! `grep` (`path:line:col: text`, context lines `path-line-text`, groups split by `--`, as
//! `grep -n` does), and `json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use clap::ValueEnum;
use serde::Serialize;

use crate::report::Report;
use crate::scan::Reference;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RefsFormat {
    Human,
    Json,
    /// `path:line:col: text`, one line a hit, for editors and scripts.
    Grep,
}

/// One place a named flag is read or declared.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub flag: String,
    /// `read` or `declaration`.
    pub kind: &'static str,
    /// As seen from the working directory.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// How the key is written: `literal`, `constant`, `env`, `wrapper` for reads; the registry
    /// format (`yaml`, `flagd`, `code`, ...) for declarations.
    pub via: String,
    /// The constant expression or the environment variable, when the key is written that way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
    /// The source line.
    pub text: String,
    /// Context lines (`-C N`): `[line, text]` before and after.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<(usize, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<(usize, String)>,
}

fn via_word(r: &Reference) -> &'static str {
    r.via.as_str()
}

/// Source files read once each.
struct Lines(BTreeMap<String, Vec<String>>);

impl Lines {
    fn of(&mut self, path: &str) -> &[String] {
        self.0.entry(path.to_string()).or_insert_with(|| {
            std::fs::read(path)
                .map(|b| {
                    String::from_utf8_lossy(&b)
                        .lines()
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        })
    }
}

/// Every read and declaration of `flags`, sorted by (path, line, column), with `context` lines
/// around each.
pub fn hits(r: &Report, flags: &[String], context: usize) -> Vec<Hit> {
    let mut lines = Lines(BTreeMap::new());
    let mut out = Vec::new();
    let inv = r.inventory;
    for key in flags {
        let Some(row) = inv.flags.get(key) else {
            continue;
        };
        for re in inv.refs_of(row) {
            out.push(Hit {
                flag: key.clone(),
                kind: "read",
                path: r.display_path(&re.path),
                line: re.span.line,
                column: re.span.column,
                via: via_word(re).to_string(),
                written: re.env_var.clone().or_else(|| re.expr.clone()),
                provider: Some(re.provider.clone()),
                rule: Some(re.rule.clone()),
                test: re.test,
                text: String::new(),
                before: Vec::new(),
                after: Vec::new(),
            });
        }
        for d in inv.decls_of(row) {
            out.push(Hit {
                flag: key.clone(),
                kind: "declaration",
                path: r.display_path(&d.path),
                line: d.line,
                column: d.column,
                via: d.source.as_str().to_string(),
                written: None,
                provider: None,
                rule: None,
                test: false,
                text: String::new(),
                before: Vec::new(),
                after: Vec::new(),
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.flag).cmp(&(&b.path, b.line, b.column, &b.flag))
    });
    for h in &mut out {
        let file = lines.of(&h.path);
        let at = |n: usize| file.get(n.wrapping_sub(1)).cloned().unwrap_or_default();
        h.text = at(h.line);
        let from = h.line.saturating_sub(context).max(1);
        h.before = (from..h.line).map(|n| (n, at(n))).collect();
        let to = (h.line + context).min(file.len());
        h.after = (h.line + 1..=to).map(|n| (n, at(n))).collect();
    }
    out
}

/// `path:line:col: text`; with context, `path-line-text` lines around, and `--` between groups
/// that do not touch. A line is printed once even when two hits share it (with the first hit's
/// column) or their context overlaps.
pub fn render_grep(hits: &[Hit]) -> String {
    type FileLines = BTreeMap<usize, (Option<usize>, String)>;
    let mut files: Vec<(String, FileLines)> = Vec::new();
    let context = hits
        .iter()
        .any(|h| !h.before.is_empty() || !h.after.is_empty());
    for h in hits {
        if files.last().is_none_or(|(p, _)| *p != h.path) {
            files.push((h.path.clone(), BTreeMap::new()));
        }
        let Some((_, lines)) = files.last_mut() else {
            continue;
        };
        for (n, t) in h.before.iter().chain(&h.after) {
            lines.entry(*n).or_insert((None, t.clone()));
        }
        let e = lines.entry(h.line).or_insert((None, h.text.clone()));
        e.0 = e.0.or(Some(h.column));
    }
    let mut s = String::new();
    let mut started = false;
    for (path, lines) in &files {
        let mut prev: Option<usize> = None;
        for (n, (col, text)) in lines {
            if context && started && prev.is_none_or(|p| *n > p + 1) {
                s.push_str("--\n");
            }
            started = true;
            prev = Some(*n);
            match col {
                Some(c) => {
                    let _ = writeln!(s, "{path}:{n}:{c}: {text}");
                }
                None => {
                    let _ = writeln!(s, "{path}-{n}-{text}");
                }
            }
        }
    }
    s
}

/// One block a hit: `path:line:col  flag  read via ...`, then the lines with a `>` marker.
pub fn render_human(hits: &[Hit], flags: &[String]) -> String {
    let mut s = String::new();
    for h in hits {
        let how = match (&h.written, h.kind) {
            (_, "declaration") => format!("declared ({})", h.via),
            (Some(w), _) => format!("read via {} {w}", h.via),
            (None, _) => format!("read via {}", h.via),
        };
        let rule = match (&h.provider, &h.rule) {
            (Some(p), Some(r)) => format!("  [{p} {r}{}]", if h.test { ", test" } else { "" }),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "{}:{}:{}  {}  {how}{rule}",
            h.path, h.line, h.column, h.flag
        );
        let width = h
            .after
            .last()
            .map(|a| a.0)
            .unwrap_or(h.line)
            .to_string()
            .len();
        for (n, t) in &h.before {
            let _ = writeln!(s, "    {n:>width$} | {t}");
        }
        let _ = writeln!(s, "  > {:>width$} | {}", h.line, h.text);
        for (n, t) in &h.after {
            let _ = writeln!(s, "    {n:>width$} | {t}");
        }
    }
    let reads = hits.iter().filter(|h| h.kind == "read").count();
    let decls = hits.len() - reads;
    let mut files: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    files.sort();
    files.dedup();
    let _ = writeln!(
        s,
        "{reads} read{} and {decls} declaration{} of {} in {} file{}.",
        if reads == 1 { "" } else { "s" },
        if decls == 1 { "" } else { "s" },
        flags
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", "),
        files.len(),
        if files.len() == 1 { "" } else { "s" },
    );
    s
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    version: u32,
    flags: &'a [String],
    /// Named flags with no read and no declaration.
    not_found: Vec<&'a String>,
    hits: &'a [Hit],
}

/// `{version: 1, flags, not_found, hits: [...]}`.
pub fn render_json(hits: &[Hit], flags: &[String]) -> String {
    let not_found = flags
        .iter()
        .filter(|f| !hits.iter().any(|h| &h.flag == *f))
        .collect();
    let doc = JsonDoc {
        version: 1,
        flags,
        not_found,
        hits,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
