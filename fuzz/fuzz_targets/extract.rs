//! Each language's extraction on arbitrary source: the first byte picks the language. Nothing
//! may panic or abort; on a file that parses without an error, the fast path (when it reads
//! the file) must give the parser's references.
#![no_main]

use std::sync::OnceLock;

use flagdebt::lang::Language;
use flagdebt::rules::{EnvSettings, RuleSet};
use flagdebt::scan::fastpath::FastPath;
use libfuzzer_sys::fuzz_target;

const LANGS: [Language; Language::ALL.len()] = Language::ALL;

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::load(&[], &[], EnvSettings::default()).unwrap())
}

fn fast() -> &'static FastPath<'static> {
    static F: OnceLock<FastPath<'static>> = OnceLock::new();
    F.get_or_init(|| FastPath::new(rules()))
}

fn show(refs: &[flagdebt::scan::extract::RawRef]) -> Vec<String> {
    let mut v: Vec<String> = refs
        .iter()
        .map(|r| {
            format!(
                "{:?} {} {:?} {:?} {:?}",
                r.span, r.rule, r.key, r.expr, r.default
            )
        })
        .collect();
    v.sort();
    v
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let lang = LANGS[pick as usize % LANGS.len()];
    let parsed = flagdebt::scan::extract_file(lang, "f", text, rules(), true, None);
    let fast = fast().extract(lang, "f", text);
    if let (Ok(parsed), Some(fast)) = (parsed, fast) {
        if parsed.syntax_error.is_none() && parsed.notes.is_empty() {
            assert_eq!(show(&fast.refs), show(&parsed.refs), "{lang:?}: {text:?}");
        }
    }
});
