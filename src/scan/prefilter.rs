//! The prefilter: one Aho-Corasick automaton over every rule literal of every language (callee
//! names, env flag prefixes, receiver names), then a lexical check at each hit (a call name
//! must start a word and be followed by `(` where the language needs parentheses; a prefix must
//! start a word). A file with no verified hit is never parsed.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::lang::Language;
use crate::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Hit {
    #[default]
    Unused,
    /// The literal must start a word.
    Word,
    /// The literal must start a word and be followed by `(` (after optional blanks).
    Call,
}

pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// Per pattern, per language index: how a hit is verified.
    info: Vec<[Hit; 8]>,
    literals: Vec<String>,
}

fn lang_index(lang: Language) -> usize {
    Language::ALL.iter().position(|l| *l == lang).unwrap_or(0)
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Prefilter {
        let mut literals: Vec<String> = Vec::new();
        let mut info: Vec<[Hit; 8]> = Vec::new();
        for lang in Language::ALL {
            let Some(lr) = rules.by_lang.get(&lang) else {
                continue;
            };
            for lit in rules.literals(lang) {
                let hit = if lr.calls.contains_key(&lit) && lang.calls_need_parens() {
                    Hit::Call
                } else {
                    Hit::Word
                };
                let idx = match literals.iter().position(|l| *l == lit) {
                    Some(i) => i,
                    None => {
                        literals.push(lit);
                        info.push([Hit::Unused; 8]);
                        literals.len() - 1
                    }
                };
                let slot = &mut info[idx][lang_index(lang)];
                // A literal that is a call name in one rule and a plain word in another keeps
                // the looser check.
                if *slot != Hit::Word {
                    *slot = hit;
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .ok();
        Prefilter { ac, info, literals }
    }

    /// Every literal, for `flagdebt rules --literals` and the benchmark.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Whether a file of `lang` with these bytes may contain a flag read.
    pub fn is_candidate(&self, lang: Language, bytes: &[u8]) -> bool {
        let Some(ac) = &self.ac else { return false };
        let li = lang_index(lang);
        for m in ac.find_overlapping_iter(bytes) {
            let hit = self.info[m.pattern().as_usize()][li];
            if hit == Hit::Unused {
                continue;
            }
            let start = m.start();
            if start > 0 && is_ident(bytes[start - 1]) {
                continue;
            }
            match hit {
                Hit::Word => return true,
                Hit::Call => {
                    let rest = &bytes[m.end()..];
                    let next = rest.iter().find(|b| !matches!(b, b' ' | b'\t'));
                    // `name(`, or a TypeScript generic call `name<T>(`.
                    if matches!(next, Some(b'(' | b'<')) {
                        return true;
                    }
                }
                Hit::Unused => {}
            }
        }
        false
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::EnvSettings;

    fn pre() -> Prefilter {
        Prefilter::new(&RuleSet::load(&[], &[], EnvSettings::default()).unwrap())
    }

    #[test]
    fn call_names_need_parens() {
        let p = pre();
        assert!(p.is_candidate(
            Language::Python,
            b"x = client.get_boolean_value('a', False)"
        ));
        assert!(!p.is_candidate(Language::Python, b"get_boolean_value = 3"));
        assert!(!p.is_candidate(Language::Python, b"my_get_boolean_value('a')"));
        // Ruby calls need no parentheses.
        assert!(p.is_candidate(Language::Ruby, b"unleash.is_enabled? :x"));
        // TypeScript generic calls.
        assert!(p.is_candidate(Language::TypeScript, b"client.getObjectValue<Cfg>('a', {})"));
    }

    #[test]
    fn env_prefixes_start_a_word() {
        let p = pre();
        assert!(p.is_candidate(Language::Python, b"os.environ.get(\"FLAG_NEW\")"));
        assert!(!p.is_candidate(Language::Python, b"os.environ.get(\"MYFLAG_NEW\")"));
        assert!(!p.is_candidate(Language::Python, b"os.environ.get(\"DATABASE_URL\")"));
    }
}
