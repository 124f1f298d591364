//! `--format human`: findings as ariadne diagnostics with the source span, then a summary.
//! References (`flagdebt refs`) as aligned lines.

use std::collections::HashMap;
use std::fmt::Write as _;

use ariadne::{Color, Config, Label, Report as Diag, ReportKind};

use super::escape::{clip, line, source};
use super::Report;
use crate::finding::{Finding, Related, Severity};

/// Character offset of a 1-based (line, column) in `text`.
fn offset(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return off + (col.saturating_sub(1)).min(l.chars().count());
        }
        off += l.chars().count();
    }
    off
}

pub fn render_findings(r: &Report) -> String {
    let mut out = Vec::new();
    let mut texts: HashMap<String, Option<String>> = HashMap::new();
    let mut read = |path: &str| -> Option<String> {
        texts
            .entry(path.to_string())
            .or_insert_with(|| {
                let p = if r.root_path.is_file() {
                    r.root_path.clone()
                } else {
                    r.root_path.join(path)
                };
                std::fs::read_to_string(p)
                    .ok()
                    .map(|t| source(&t).into_owned())
            })
            .clone()
    };
    for f in r.findings {
        let Some(main) = read(&f.path) else {
            let _ = writeln!(
                StringSink(&mut out),
                "{}[{}]: {}\n  --> {}:{}:{}\n",
                f.severity,
                f.code,
                line(&f.message),
                line(&f.path),
                f.span.line,
                f.span.column
            );
            continue;
        };
        let related: Vec<(&Related, String)> = f
            .related
            .iter()
            .filter_map(|x| Some((x, read(&x.path)?)))
            .collect();
        render_one(f, &main, &related, r.color, &mut out);
    }
    let mut s = String::from_utf8_lossy(&out).into_owned();
    if !r.quiet {
        s.push_str(&summary(r));
    }
    s
}

/// A span as a character range of `text` (never empty).
fn range(text: &str, span: &crate::finding::Span) -> std::ops::Range<usize> {
    let start = offset(text, span.line, span.column);
    let end = offset(text, span.end_line.max(span.line), span.end_column.max(1));
    start..end.max(start + 1)
}

fn render_one(
    f: &Finding,
    main: &str,
    related: &[(&Related, String)],
    color: bool,
    out: &mut Vec<u8>,
) {
    let (kind, c) = match f.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
        Severity::Info => (ReportKind::Advice, Color::Blue),
    };
    let id = line(&f.path).into_owned();
    let at = range(main, &f.span);
    let mut diag = Diag::build(kind, (id.clone(), at.clone()))
        .with_config(Config::default().with_color(color))
        .with_code(&f.code)
        .with_message(line(&f.message))
        .with_label(
            Label::new((id.clone(), at))
                .with_color(c)
                .with_message(match &f.flag {
                    Some(flag) => format!("flag `{}`", line(flag)),
                    None => "here".to_string(),
                }),
        );
    for (x, text) in related {
        diag = diag.with_label(
            Label::new((line(&x.path).into_owned(), range(text, &x.span)))
                .with_color(Color::Cyan)
                .with_message(line(&x.message)),
        );
    }
    for n in &f.notes {
        diag = diag.with_note(line(n));
    }
    let mut srcs: Vec<(String, String)> = vec![(id, main.to_string())];
    for (x, text) in related {
        let p = line(&x.path).into_owned();
        if !srcs.iter().any(|(q, _)| *q == p) {
            srcs.push((p, text.clone()));
        }
    }
    let _ = diag.finish().write(ariadne::sources(srcs), &mut *out);
}

struct StringSink<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for StringSink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

pub fn summary(r: &Report) -> String {
    let (e, w, i) = (
        r.count(Severity::Error),
        r.count(Severity::Warning),
        r.count(Severity::Info),
    );
    let refs = r.inventory.references.len();
    let flags = r.inventory.flags.len();
    let mut s = String::new();
    if r.findings.is_empty() {
        let _ = write!(s, "No findings.");
    } else {
        let _ = write!(
            s,
            "Found {} finding{} ({e} error{}, {w} warning{}, {i} info).",
            r.findings.len(),
            plural(r.findings.len()),
            plural(e),
            plural(w)
        );
    }
    let _ = writeln!(
        s,
        " {refs} flag reference{} to {flags} flag{} in {} file{} ({} parsed).",
        plural(refs),
        plural(flags),
        r.stats.files,
        plural(r.stats.files),
        r.stats.parsed
    );
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The longest key expression shown in a line.
const MAX_EXPR: usize = 120;

/// `flagdebt refs`: one aligned line per reference.
pub fn render_refs(r: &Report) -> String {
    let rows: Vec<[String; 5]> = r
        .inventory
        .references
        .iter()
        .map(|x| {
            let via = match (&x.env_var, &x.expr) {
                (Some(v), _) => format!("env {}", line(v)),
                (None, Some(e)) => format!("constant {}", line(&clip(e, MAX_EXPR))),
                _ => "literal".to_string(),
            };
            [
                format!("{}:{}:{}", line(&x.path), x.span.line, x.span.column),
                line(&x.flag).into_owned(),
                line(&x.provider).into_owned(),
                if x.test {
                    format!("{} (test)", x.rule)
                } else {
                    x.rule.clone()
                },
                via,
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut s = String::new();
    for row in &rows {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
        s.push_str(line.trim_end());
        s.push('\n');
    }
    for u in &r.inventory.unresolved {
        let _ = writeln!(
            s,
            "{}:{}:{}  ?  {}  {}  dynamic {}",
            line(&u.path),
            u.span.line,
            u.span.column,
            line(&u.provider),
            u.rule,
            line(&clip(&u.expr, MAX_EXPR))
        );
    }
    let _ = writeln!(
        s,
        "{} reference{} to {} flag{}, {} unresolved, in {} file{} ({} parsed).",
        r.inventory.references.len(),
        plural(r.inventory.references.len()),
        r.inventory.flags.len(),
        plural(r.inventory.flags.len()),
        r.inventory.unresolved.len(),
        r.stats.files,
        plural(r.stats.files),
        r.stats.parsed
    );
    s
}
