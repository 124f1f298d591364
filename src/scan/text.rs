//! `kind: text` rules: flag reads in files no parser reads (Django/Jinja templates, ERB,
//! Go `text/template`, CI YAML, shell). A text rule names the files by path glob and the read
//! by a regular expression whose named group `key` is the flag key. The text is read as it is:
//! a rule that should not see comments must say so in its expression.

use rayon::prelude::*;

use crate::lang::{is_test_path, Language};
use crate::rules::{RuleKind, RuleSet};
use crate::walk::{Listing, WalkOptions};

use super::{Reference, Skipped, Via};

/// The references the text rules find in the listing's files.
pub fn scan(
    listing: &Listing,
    opts: &WalkOptions,
    rules: &RuleSet,
) -> (Vec<Reference>, Vec<Skipped>) {
    let text_rules: Vec<usize> = (0..rules.rules.len())
        .filter(|&i| rules.rules[i].kind == RuleKind::Text)
        .collect();
    if text_rules.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let per_file: Vec<(Vec<Reference>, Option<Skipped>)> = listing
        .files
        .par_iter()
        .filter_map(|f| {
            let which: Vec<usize> = text_rules
                .iter()
                .copied()
                .filter(|&i| {
                    rules.rules[i]
                        .text
                        .as_ref()
                        .is_some_and(|t| t.files.is_match(&f.rel))
                })
                .collect();
            if which.is_empty() {
                return None;
            }
            Some(read_file(&f.rel, &f.path, opts, rules, &which))
        })
        .collect();
    let mut refs = Vec::new();
    let mut skipped = Vec::new();
    for (r, s) in per_file {
        refs.extend(r);
        skipped.extend(s);
    }
    (refs, skipped)
}

fn read_file(
    rel: &str,
    path: &std::path::Path,
    opts: &WalkOptions,
    rules: &RuleSet,
    which: &[usize],
) -> (Vec<Reference>, Option<Skipped>) {
    let skip = |reason: String| {
        (
            Vec::new(),
            Some(Skipped {
                path: rel.to_string(),
                reason,
            }),
        )
    };
    let bytes = match super::read::read_source(path, opts.max_file_size) {
        Ok(b) => b,
        Err(reason) => return skip(reason),
    };
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return (Vec::new(), None); // a binary file a glob happened to name
    }
    let text = super::lossy(&bytes);
    let test = is_test_path(rel);
    let mut out = Vec::new();
    let lines = super::extract::Spans::new(&text);
    for &i in which {
        let rule = &rules.rules[i];
        let Some(t) = &rule.text else { continue };
        for caps in t.pattern.regex().captures_iter(&text) {
            let (Some(whole), Some(key)) = (caps.get(0), caps.name("key")) else {
                continue;
            };
            let k = key.as_str();
            if k.is_empty()
                || rule
                    .key_pattern
                    .as_ref()
                    .is_some_and(|p| !p.regex().is_match(k))
            {
                continue;
            }
            out.push(Reference {
                flag: k.to_string(),
                path: rel.to_string(),
                span: lines.span(whole.start(), whole.end()),
                language: Language::Text,
                provider: rule.provider.clone(),
                rule: rule.id.clone(),
                via: Via::Literal,
                default: None,
                test,
                generated: false,
                env_var: None,
                expr: None,
                consumer: None,
                key_case: rule.key_case,
            });
        }
    }
    (out, None)
}
