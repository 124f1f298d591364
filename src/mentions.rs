//! Mentions of declared flag keys in files flagdebt does not parse (F#, Scala, shell, Dart,
//! templates, ...). They are not references -- nothing says the mention is a read -- but a
//! declared flag that no parsed code reads and that such a file names is most likely read
//! there: `unused-flag` says so in a note, so the user knows why and what to add (a
//! `kind: text` rule, `helpers:`).

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;

use crate::lang::Language;
use crate::walk::Listing;

/// Extensions of source and template files of languages no parser here reads.
const UNPARSED: &[&str] = &[
    "fs", "vb", "scala", "groovy", "gradle", "sh", "bash", "zsh", "ps1", "ex", "exs", "erl", "m",
    "mm", "c", "h", "cc", "cpp", "hpp", "dart", "lua", "pl", "r", "clj", "html", "htm", "erb",
    "haml", "slim", "jinja", "jinja2", "j2", "tmpl", "tpl", "gotmpl", "vue", "svelte", "twig",
    "hbs", "mustache", "ejs", "cshtml", "razor",
];

/// The largest file looked at.
const MAX_BYTES: u64 = 1024 * 1024;

/// At most this many places are kept per key.
const MAX_PLACES: usize = 3;

fn unparsed(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let Some((_, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let ext = ext.to_ascii_lowercase();
    UNPARSED.contains(&ext.as_str()) && Language::from_path(std::path::Path::new(name)).is_none()
}

/// For each of `keys`, up to three `path:line` places in unparsed files of the listings that
/// name it as a whole word (not inside a longer identifier). Each listing comes with the
/// prefix its paths carry in findings (with several scan roots: the root as given).
pub fn find(
    listings: &[(&Listing, Option<String>)],
    keys: &[String],
) -> BTreeMap<String, Vec<String>> {
    let keys: Vec<&String> = keys.iter().filter(|k| k.len() >= 3).collect();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if keys.is_empty() {
        return out;
    }
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&keys)
    else {
        return out;
    };
    // Per key: (test file, path, line), so the places shown are production code first.
    let mut all: BTreeMap<String, Vec<(bool, String, usize)>> = BTreeMap::new();
    for (listing, prefix) in listings {
        let found: Vec<(String, Vec<(usize, usize)>)> = listing
            .files
            .par_iter()
            .filter(|f| unparsed(&f.rel) && !crate::walk::is_hidden(&f.rel))
            .filter_map(|f| {
                if std::fs::metadata(&f.path).map_or(true, |m| m.len() > MAX_BYTES) {
                    return None;
                }
                let bytes = std::fs::read(&f.path).ok()?;
                let mut hits = Vec::new();
                for m in ac.find_iter(&bytes) {
                    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
                    let before = m.start().checked_sub(1).map(|i| bytes[i]);
                    let after = bytes.get(m.end()).copied();
                    if before.is_some_and(word) || after.is_some_and(word) {
                        continue;
                    }
                    let line = memchr::memchr_iter(b'\n', &bytes[..m.start()]).count() + 1;
                    hits.push((m.pattern().as_usize(), line));
                }
                (!hits.is_empty()).then(|| (f.rel.clone(), hits))
            })
            .collect();
        for (rel, hits) in found {
            let test = crate::lang::is_test_path(&rel);
            for (k, line) in hits {
                let path = match prefix {
                    Some(p) => format!("{}/{rel}", p.trim_end_matches('/')),
                    None => rel.clone(),
                };
                all.entry(keys[k].clone())
                    .or_default()
                    .push((test, path, line));
            }
        }
    }
    for (key, mut places) in all {
        places.sort();
        places.dedup();
        out.insert(
            key,
            places
                .into_iter()
                .take(MAX_PLACES)
                .map(|(_, p, l)| format!("{p}:{l}"))
                .collect(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unparsed_languages() {
        assert!(unparsed("src/cart/Program.fs"));
        assert!(!unparsed("src/cart/HealthCheckService.cs"));
        assert!(!unparsed("app/Main.kt"));
        assert!(unparsed("scripts/entrypoint.sh"));
        assert!(!unparsed("api/app.py"));
        assert!(!unparsed("README.md"));
        assert!(!unparsed("Makefile"));
    }
}
