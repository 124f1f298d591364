//! Wrapper functions: `function isOn(flag) { return client.getBooleanValue(flag, false) }`.
//! Extraction records a wrapper wherever a rule's key argument is a parameter of the enclosing
//! function (instead of a dynamic key). This pass makes one rule per wrapper (the SDK rule's
//! provider, the key at that parameter's position, the default too when a parameter flows
//! into it) and reads the tree again for calls to the wrappers, prefiltered on their names.
//! Their references are `via: wrapper`. One level only: a wrapper of a wrapper is not followed.

use std::collections::HashMap;

use rayon::prelude::*;

use super::extract::{FileFacts, WrapperDef};
use super::prefilter::Prefilter;
use crate::lang::{is_test_path, Language};
use crate::rules::{ArgSpec, LangRules, Matcher, Receiver, RuleSet};
use crate::walk::{Generated, WalkOptions};

/// When the rule set looks for wrappers and some were found: read their callers into `facts`
/// and return the rule set the references now index into (the original rules, then one rule
/// per wrapper).
pub fn second_pass(
    facts: &mut Vec<FileFacts>,
    index: &super::index::FileIndex,
    rules: &RuleSet,
    opts: &WalkOptions,
) -> Option<RuleSet> {
    if !rules.wrappers {
        return None;
    }
    let mut defs: Vec<WrapperDef> = facts
        .iter()
        .filter(|f| !f.generated)
        .flat_map(|f| f.wrappers.iter().cloned())
        .collect();
    defs.sort();
    defs.dedup_by(|a, b| a.name == b.name && a.rule == b.rule);
    if defs.is_empty() {
        return None;
    }
    let mut all = rules.rules.clone();
    let mut by_lang: HashMap<Language, LangRules> = HashMap::new();
    for d in &defs {
        let base = &rules.rules[d.rule];
        // A name the rules already read with a receiver (`unleash.isEnabled`) is matched here
        // only as a bare call (`isEnabled("x")`), so no call is read twice.
        let taken = base.languages.iter().any(|l| {
            rules
                .lang(*l)
                .is_some_and(|lr| lr.calls.contains_key(&d.name))
        });
        let idx = all.len();
        let mut rule = base.clone();
        rule.id = format!("{}:{}", base.id, d.name);
        rule.key = ArgSpec {
            arg: Some(d.key_arg),
            ..Default::default()
        };
        rule.default = d.default_arg.map(|i| ArgSpec {
            arg: Some(i),
            ..Default::default()
        });
        rule.wrapper = true;
        for lang in &rule.languages {
            let calls = &mut by_lang.entry(*lang).or_default().calls;
            // `this.on("x")` (PHP `$this->on('x')`, the only way a PHP method calls its
            // class's wrapper) is a call of the wrapper too; `*` leaves `this` out for SDK
            // rules, where it names a class's own method.
            let receivers = if taken {
                vec![Receiver::None]
            } else {
                vec![
                    Receiver::None,
                    Receiver::Glob("*".into()),
                    Receiver::Glob("this".into()),
                ]
            };
            for receiver in receivers {
                calls.entry(d.name.clone()).or_default().push(Matcher {
                    rule: idx,
                    receiver,
                });
            }
        }
        all.push(rule);
    }
    let wrapped = RuleSet {
        rules: all,
        by_lang,
        env: rules.env.clone(),
        wrappers: false,
        symbols: HashMap::new(),
    };
    let pre = Prefilter::new(&wrapped);
    let generated = Generated::new(&opts.generated);
    let found: Vec<FileFacts> = index
        .par_iter()
        .filter(|(_, (lang, _))| wrapped.lang(*lang).is_some())
        .filter_map(|(rel, (lang, path))| {
            let bytes = super::read::read_source(path, opts.max_file_size).ok()?;
            let text = std::str::from_utf8(&bytes).ok()?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let hits = pre.hits(*lang, text.as_bytes());
            if hits.is_empty() {
                return None;
            }
            let focus = (!opts.whole_files).then_some(hits.as_slice());
            let mut f = super::extract_file(*lang, rel, text, &wrapped, true, focus).ok()?;
            if f.refs.is_empty() {
                return None;
            }
            f.test = is_test_path(rel);
            f.generated = generated.is_generated(rel, text);
            Some(f)
        })
        .collect();
    absorb_refs(facts, found);
    Some(wrapped)
}

/// Add a later pass's reads to the first pass's facts: a file already there gains the reads,
/// a new file is appended (the wrapper pass and the symbol pass both end this way). A file the
/// fast path read without its imports gains the imports the later pass read: its new reads'
/// keys resolve through them.
pub(super) fn absorb_refs(facts: &mut Vec<FileFacts>, found: Vec<FileFacts>) {
    let mut at: HashMap<String, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    for f in found {
        match at.get(&f.path) {
            Some(&i) => {
                let had = &mut facts[i];
                if had.fast && had.imports.is_empty() {
                    had.imports = f.imports;
                    had.package = had.package.take().or(f.package);
                }
                had.refs.extend(f.refs);
            }
            None => {
                at.insert(f.path.clone(), facts.len());
                facts.push(f);
            }
        }
    }
}
