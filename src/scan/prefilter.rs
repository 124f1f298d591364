//! The prefilter: per language, one multi-literal search over the rule literals (callee names, env
//! flag prefixes, receiver names: a packed SIMD searcher, else an Aho-Corasick automaton, see
//! [`Search`]), then lexical checks at each hit, in order of cost. A call name must start a word
//! and be followed by `(` where the language needs parentheses; the receiver written before it
//! (read backwards, [`receiver_before`]) must be one a rule for that name accepts, unless it is not
//! a plain chain of names or its first name is bound by an import (an alias only the parse can
//! follow); and it must be in code, not in a comment or a string ([`Lexer`]). A prefix or receiver
//! word must start a word and not be in a comment (an env flag name is usually inside a string). A
//! file with no hit left is never parsed.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::lang::Language;
use crate::rules::{LangRules, Literal, RuleSet};
use crate::scan::lexical::{
    receiver_before, receiver_in_code, Binding, Imports, Lexer, Verdict, Written,
};

/// How a hit of one literal is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Check {
    /// A callee name (else a plain word: an env prefix, a receiver's last segment).
    call: bool,
    /// Followed by `(` (after optional blanks): callee names where calls need parentheses.
    parens: bool,
    /// Ends a word: a whole name ([`Literal::Name`]).
    word_end: bool,
    /// Starts a word (all but [`Literal::Suffix`]).
    word_start: bool,
    /// A call with no arguments may be a read: a rule for this name takes its key from the
    /// receiver (`featureflag.X.Enabled()`).
    no_args: bool,
    /// Every rule of this name declares a flag as a symbol, which needs a binding outside any
    /// function (`X = new("x")` at package level): a hit inside a function body is no read.
    top_level: bool,
}

/// The literals of one language. One automaton per language keeps each small enough for the
/// SIMD (Teddy) search, and a file is only searched for its own language's literals.
struct LangFilter<'r> {
    lang: Language,
    lr: Option<&'r LangRules>,
    search: Search,
    literals: Vec<String>,
    checks: Vec<Check>,
    /// Per pattern: the other patterns that are proper prefixes of it, longest first. A
    /// leftmost-longest search reports only the longest literal starting at a position.
    prefixes: Vec<Vec<usize>>,
}

pub struct Prefilter<'r> {
    rules: &'r RuleSet,
    langs: [std::sync::OnceLock<Option<LangFilter<'r>>>; Language::ALL.len()],
    /// The languages with few files in this run ([`Prefilter::for_listing`]), whose automata
    /// are built for a quick build rather than a quick search ([`automaton_kind`]).
    few: [bool; Language::ALL.len()],
    /// Every literal of every language, sorted, deduplicated.
    literals: Vec<String>,
    /// Large candidates whose reads are all simple are read without a parse.
    pub fast: crate::scan::fastpath::FastPath<'r>,
}

pub(crate) fn lang_index(lang: Language) -> usize {
    lang as usize
}

/// Below this many files of a language, its automata are contiguous NFAs, not DFAs. A DFA
/// searches a few instructions a byte faster and costs about 1.5 million instructions to
/// build (a language's literals); a tree of many languages with a few files each
/// (opentelemetry-demo) spent a fifth of its run building DFAs it then barely used.
const FEW_FILES: usize = 40;

/// The Aho-Corasick kind for a language's automaton: the crate's choice (a DFA for these
/// sizes), or a contiguous NFA where the language has few files to search.
pub fn automaton_kind(few: bool) -> Option<aho_corasick::AhoCorasickKind> {
    few.then_some(aho_corasick::AhoCorasickKind::ContiguousNFA)
}

impl<'r> Prefilter<'r> {
    pub fn new(rules: &'r RuleSet) -> Prefilter<'r> {
        let mut all = std::collections::BTreeSet::new();
        for lang in Language::ALL {
            all.extend(rules.literal_kinds(lang).into_keys());
        }
        Prefilter {
            rules,
            langs: Default::default(),
            few: [false; Language::ALL.len()],
            literals: all.into_iter().collect(),
            fast: crate::scan::fastpath::FastPath::new(rules),
        }
    }

    /// [`Prefilter::new`], with its automata sized to the listing: a language with few files
    /// gets automata that are quick to build ([`FEW_FILES`]). The matches are the same.
    pub fn for_listing(rules: &'r RuleSet, listing: &crate::walk::Listing) -> Prefilter<'r> {
        let mut counts = [0usize; Language::ALL.len()];
        for f in &listing.files {
            if let Some(lang) = Language::from_path(&f.path) {
                counts[lang_index(lang)] += 1;
            }
        }
        let mut p = Prefilter::new(rules);
        p.few = counts.map(|n| n < FEW_FILES);
        p.fast.few = p.few;
        p
    }

    /// The filter of `lang`, built by the first file of that language (a tree of one
    /// language builds one automaton).
    fn filter(&self, lang: Language) -> Option<&LangFilter<'r>> {
        self.langs[lang_index(lang)]
            .get_or_init(|| LangFilter::of(self.rules, lang, self.few[lang_index(lang)]))
            .as_ref()
    }

    /// Every literal, for `flagdebt rules --literals` and the benchmark.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Whether a file of `lang` with these bytes may contain a flag read.
    pub fn is_candidate(&self, lang: Language, bytes: &[u8]) -> bool {
        self.filter(lang).is_some_and(|f| f.is_candidate(bytes))
    }

    /// Every offset where a flag read may start, in order (empty: the file is not a
    /// candidate). The parser reads the regions around them ([`crate::scan::regions`]). A
    /// symbol declaration's call inside a function body that holds no other hit is left out
    /// (`new(...)` is everywhere in Go; only a package-level `X = new("x")` declares).
    pub fn hits(&self, lang: Language, bytes: &[u8]) -> Vec<usize> {
        self.hits_in(lang, bytes, false)
    }

    /// `hits`, or with `all` every hit the checks pass (`--whole-files`: the reference).
    pub fn hits_in(&self, lang: Language, bytes: &[u8], all: bool) -> Vec<usize> {
        let Some(f) = self.filter(lang) else {
            return Vec::new();
        };
        let mut top = Vec::new();
        let hits = f.hits_with(bytes, true, &mut top);
        if all || !top.iter().any(|t| *t) {
            return hits;
        }
        let others: Vec<usize> = hits
            .iter()
            .zip(&top)
            .filter(|(_, t)| !**t)
            .map(|(h, _)| *h)
            .collect();
        let Some(out) = crate::scan::regions::excluded(lang, bytes, &others) else {
            return hits;
        };
        hits.into_iter()
            .zip(top)
            .filter(|&(h, t)| !t || !out.iter().any(|r| r.contains(&h)))
            .map(|(h, _)| h)
            .collect()
    }
}

impl<'r> LangFilter<'r> {
    /// The literals of `lang` and how each hit is checked; None when it has none.
    fn of(rules: &'r RuleSet, lang: Language, few: bool) -> Option<LangFilter<'r>> {
        let lits = rules.literal_kinds(lang);
        let lr = rules.by_lang.get(&lang);
        let (literals, checks): (Vec<String>, Vec<Check>) = lits
            .into_iter()
            .map(|(lit, kind)| {
                let mut check = check_of(lang, kind);
                let calls = lr.and_then(|lr| lr.calls.get(&lit));
                check.no_args = calls
                    .is_some_and(|ms| ms.iter().any(|m| !rules.rules[m.rule].key.needs_argument()));
                // A call whose result a rule reads (`useFlags()`): no argument, and
                // whatever the call rules of the same name say of its receiver.
                if lr.is_some_and(|lr| lr.result_calls().any(|c| c == lit)) {
                    check.no_args = true;
                    check.call = false;
                }
                check.top_level = kind == Literal::Call
                    && calls.is_some_and(|ms| {
                        !ms.is_empty()
                            && ms.iter().all(|m| {
                                let r = &rules.rules[m.rule];
                                r.kind == crate::rules::RuleKind::Declaration && r.symbol
                            })
                    });
                (lit, check)
            })
            .unzip();
        // A literal that may start inside a word is not found inside a longer one by a
        // leftmost-longest search: overlapping then.
        let inside_words = checks.iter().any(|c| !c.word_start);
        LangFilter::new(
            lang,
            rules.by_lang.get(&lang),
            literals,
            checks,
            inside_words,
            automaton_kind(few),
        )
    }
}

/// Whether the assignment whose `=` is at `eq` may bind a name: what it assigns to ends in a
/// plain name (`X`, `var X *Flag`, `static final Flag X`), not a field, an index, a call or a
/// dereference (`out.X = new(T)`, `m[k] = new(T)`, `*out = new(T)`: everywhere in Go's
/// generated deep copies, never a declaration).
fn binds_a_name(b: &[u8], eq: usize) -> bool {
    let mut j = eq;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    let end = j;
    while j > 0 && is_ident(b[j - 1]) {
        j -= 1;
    }
    if j == end || (j > 0 && b[j - 1] == b'.') || b[..j].ends_with(b"->") {
        return false;
    }
    let line = b[..j]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let first = b[line..j].iter().find(|c| !matches!(c, b' ' | b'\t'));
    first != Some(&b'*')
}

/// Whether the expression starting at `at` may be the value a name is bound to, as a symbol
/// declaration's call must be (`X = new("x")`, `var X = featureflag.New("x")`, `static final
/// Flag X = new Flag("x")`): written after `=` (not `:=`, `==`, `+=`, `=>`...), or first on its
/// line, or after what this look cannot tell apart (a comment's end). After a name, `(`, `,`,
/// `:` and the like it is an argument, a return value, an entry: no binding (`x := new(T)`,
/// `return new(T)` are everywhere in Go).
fn may_be_bound(b: &[u8], at: usize) -> bool {
    let mut i = at;
    loop {
        while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        if i == 0 || matches!(b[i - 1], b'\n' | b'\r') {
            return true;
        }
        // `new Flag("x")`: the creation is the value.
        if b[..i].ends_with(b"new") && (i == 3 || !is_ident(b[i - 4])) {
            i -= 3;
            continue;
        }
        break;
    }
    match b[i - 1] {
        b'=' => {
            !(i >= 2
                && matches!(
                    b[i - 2],
                    b':' | b'='
                        | b'!'
                        | b'<'
                        | b'>'
                        | b'+'
                        | b'-'
                        | b'*'
                        | b'/'
                        | b'%'
                        | b'&'
                        | b'|'
                        | b'^'
                        | b'.'
                        | b'?'
                ))
                && binds_a_name(b, i - 1)
        }
        b'(' | b',' | b'[' | b'{' | b';' | b'!' | b'?' | b':' | b'<' | b'>' | b'|' => false,
        c => !is_ident(c),
    }
}

fn check_of(lang: Language, kind: Literal) -> Check {
    let call = kind == Literal::Call;
    Check {
        call,
        parens: call && lang.calls_need_parens(),
        word_end: matches!(kind, Literal::Name | Literal::Suffix),
        word_start: kind != Literal::Suffix,
        no_args: false,
        top_level: false,
    }
}

/// How a language's literals are found. The same matches either way; the packed (SIMD
/// Teddy) searcher reports them itself and needs no automaton, so nothing more is built where
/// it can be: leftmost-longest matching, at most [`PACKED_LIMIT`] literals, a CPU it has
/// vector code for (SSSE3 or AVX2 on x86-64, NEON on aarch64). Aho-Corasick's own choice would
/// step an automaton byte by byte past 64 literals (the JavaScript / TypeScript rule packs
/// have ~77), several times the instructions a byte.
enum Search {
    Packed(aho_corasick::packed::Searcher),
    /// Overlapping matches (see [`LangFilter::new`]), or no packed searcher here.
    Automaton {
        ac: AhoCorasick,
        overlapping: bool,
    },
}

/// The most literals given to the packed searcher (its own limit is 128; its default
/// heuristic stops at 64, where the rule packs of JavaScript and TypeScript already are).
const PACKED_LIMIT: usize = 127;

/// Per-file state of the checks, built on first need.
struct FileState<'a> {
    lexer: Option<Lexer<'a>>,
    imports: Option<Imports<'a>>,
}

impl<'r> LangFilter<'r> {
    fn new(
        lang: Language,
        lr: Option<&'r LangRules>,
        literals: Vec<String>,
        checks: Vec<Check>,
        force_overlapping: bool,
        automaton: Option<aho_corasick::AhoCorasickKind>,
    ) -> Option<LangFilter<'r>> {
        if literals.is_empty() {
            return None;
        }
        // A leftmost-longest search (SIMD-accelerated, unlike an overlapping one) reports the
        // longest literal at the leftmost position and resumes after it. Two kinds of hits go
        // unreported: shorter literals at the same start (checked through `prefixes`), and
        // literals starting strictly inside a reported one. Those are preceded by an interior
        // byte of the reported literal: when every literal's interior bytes are identifier
        // characters, such a hit never starts a word, so it could never pass the checks below.
        // A rule whose literal has another interior byte falls back to an overlapping search.
        let overlapping = force_overlapping
            || !literals.iter().all(|l| {
                let b = l.as_bytes();
                b.len() < 2 || b[..b.len() - 1].iter().all(|&c| is_ident(c))
            });
        let prefixes = literals
            .iter()
            .map(|l| {
                let mut p: Vec<usize> = (0..literals.len())
                    .filter(|&j| literals[j].len() < l.len() && l.starts_with(&literals[j]))
                    .collect();
                p.sort_by_key(|&j| std::cmp::Reverse(literals[j].len()));
                p
            })
            .collect();
        let packed = (!overlapping && literals.len() <= PACKED_LIMIT)
            .then(|| {
                aho_corasick::packed::Config::new()
                    .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
                    .heuristic_pattern_limits(false)
                    .builder()
                    .extend(&literals)
                    .build()
            })
            .flatten();
        let search = match packed {
            Some(p) => Search::Packed(p),
            None => {
                let kind = if overlapping {
                    MatchKind::Standard
                } else {
                    MatchKind::LeftmostLongest
                };
                let ac = AhoCorasickBuilder::new()
                    .match_kind(kind)
                    .kind(automaton)
                    .build(&literals)
                    .ok()?;
                Search::Automaton { ac, overlapping }
            }
        };
        Some(LangFilter {
            lang,
            lr,
            search,
            literals,
            checks,
            prefixes,
        })
    }

    /// Whether the matches are all overlapping ones (literals that may start inside a word).
    #[cfg(test)]
    fn overlapping(&self) -> bool {
        matches!(
            self.search,
            Search::Automaton {
                overlapping: true,
                ..
            }
        )
    }

    fn is_candidate(&self, bytes: &[u8]) -> bool {
        !self.hits_with(bytes, false, &mut Vec::new()).is_empty()
    }

    /// The verified hits, in order; only the first unless `all`. `top` gets, per hit, whether
    /// only top-level literals ([`Check::top_level`]) passed there.
    fn hits_with(&self, bytes: &[u8], all: bool, top: &mut Vec<bool>) -> Vec<usize> {
        let mut st = FileState {
            lexer: None,
            imports: None,
        };
        let mut out = Vec::new();
        let mut take = |start: usize, ok: Option<bool>| {
            if let Some(top_only) = ok {
                if out.last() != Some(&start) {
                    out.push(start);
                    top.push(top_only);
                } else if let Some(t) = top.last_mut() {
                    *t &= top_only;
                }
            }
            !all && !out.is_empty()
        };
        let pass = |p: usize, ok: bool| ok.then(|| self.checks[p].top_level);
        let leftmost: Box<dyn Iterator<Item = (usize, usize)>> = match &self.search {
            Search::Packed(p) => Box::new(
                p.find_iter(bytes)
                    .map(|m| (m.start(), m.pattern().as_usize())),
            ),
            Search::Automaton {
                ac,
                overlapping: false,
            } => Box::new(
                ac.find_iter(bytes)
                    .map(|m| (m.start(), m.pattern().as_usize())),
            ),
            Search::Automaton {
                ac,
                overlapping: true,
            } => {
                // Overlapping matches come in order of their end; the lexer wants starts in order.
                let mut hits: Vec<(usize, usize)> = ac
                    .find_overlapping_iter(bytes)
                    .map(|m| (m.start(), m.pattern().as_usize()))
                    .collect();
                hits.sort_unstable();
                for (start, p) in hits {
                    let ok = self.verify(bytes, p, start, &mut st);
                    if take(start, pass(p, ok)) {
                        break;
                    }
                }
                return out;
            }
        };
        for (start, p) in leftmost {
            // The longest literal that passes; a top-level one only when no other passes.
            let mut ok = pass(p, self.verify(bytes, p, start, &mut st));
            for &q in &self.prefixes[p] {
                if ok == Some(false) {
                    break;
                }
                if let Some(t) = pass(q, self.verify(bytes, q, start, &mut st)) {
                    ok = Some(ok.unwrap_or(true) && t);
                }
            }
            if take(start, ok) {
                break;
            }
        }
        out
    }

    /// Whether literal `pat` found at `start` is a hit: the checks, cheapest first.
    fn verify<'a>(
        &self,
        bytes: &'a [u8],
        pat: usize,
        start: usize,
        st: &mut FileState<'a>,
    ) -> bool {
        let check = self.checks[pat];
        if check.word_start && start > 0 && is_ident(bytes[start - 1]) {
            return false;
        }
        let end = start + self.literals[pat].len();
        if check.word_end && end < bytes.len() && is_ident(bytes[end]) {
            return false;
        }
        if check.parens {
            let rest = &bytes[start + self.literals[pat].len()..];
            let Some(i) = rest.iter().position(|b| !matches!(b, b' ' | b'\t')) else {
                return false;
            };
            match rest[i] {
                // `name(`: but `name()` has no key argument, which most call rules need.
                b'(' => {
                    let after = rest[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
                    if after == Some(&b')') && !check.no_args {
                        return false;
                    }
                }
                // A TypeScript generic call `name<T>(`.
                b'<' => {}
                _ => return false,
            }
        }
        if check.call && !self.receiver_may_match(bytes, pat, start, st) {
            return false;
        }
        if check.top_level {
            let chain = match receiver_before(self.lang, bytes, start) {
                Written::Plain(_, first) => first.as_ptr() as usize - bytes.as_ptr() as usize,
                Written::Bare => start,
                Written::Complex => 0,
            };
            if chain > 0 && !may_be_bound(bytes, chain) {
                return false;
            }
        }
        let lexer = st.lexer.get_or_insert_with(|| Lexer::new(self.lang, bytes));
        match lexer.verdict(start) {
            Verdict::Code => true,
            Verdict::Str => !check.call,
            Verdict::Comment => false,
        }
    }

    /// Whether the call to literal `pat` at `start` may match a rule, judging by the receiver
    /// written before it.
    fn receiver_may_match<'a>(
        &self,
        bytes: &'a [u8],
        pat: usize,
        start: usize,
        st: &mut FileState<'a>,
    ) -> bool {
        let Some(lr) = self.lr else { return true };
        let name = &self.literals[pat];
        let mut written = receiver_before(self.lang, bytes, start);
        // Read back across a line break, the chain may start in a comment: ask the lexer.
        if let Written::Plain(_, first) = &written {
            let cs = first.as_ptr() as usize - bytes.as_ptr() as usize;
            if bytes[cs..start].contains(&b'\n') {
                let lexer = st.lexer.get_or_insert_with(|| Lexer::new(self.lang, bytes));
                lexer.verdict(start);
                written = receiver_in_code(self.lang, bytes, start, lexer);
            }
        }
        let (receiver, first) = match written {
            Written::Complex => return self.complex_receiver_may_match(bytes, name, start),
            Written::Bare => (None, name.as_bytes()),
            Written::Plain(text, first) => (Some(text), first),
        };
        if lr.find_call(name, receiver.as_deref()).is_some() {
            return true;
        }
        // An import may alias the first name (`from app import flags as ff`, `use x as y`,
        // `import static ...Flags.isOn`): try what it may stand for, as the extractor's
        // `canonical` would.
        let imports = st
            .imports
            .get_or_insert_with(|| Imports::new(self.lang, bytes));
        // A bare call of a static member (C# `using static System.Environment;` then
        // `GetEnvironmentVariable("FLAG_X")`).
        if receiver.is_none()
            && imports.statics().iter().any(|c| {
                lr.find_call(name, Some(&String::from_utf8_lossy(c)))
                    .is_some()
            })
        {
            return true;
        }
        let Some(bindings) = imports.bindings(first) else {
            return false;
        };
        let callee = match &receiver {
            Some(r) => format!("{r}.{name}"),
            None => name.clone(),
        };
        let first = String::from_utf8_lossy(first);
        bindings.iter().any(|b| match b {
            Binding::Unknown => true,
            Binding::Path(target) => {
                let callee = format!("{target}{}", &callee[first.len()..]);
                match callee.rsplit_once('.') {
                    Some((r, n)) => lr.find_call(n, Some(r)).is_some(),
                    None => lr.find_call(&callee, None).is_some(),
                }
            }
        })
    }
}

impl LangFilter<'_> {
    fn complex_receiver_may_match(&self, bytes: &[u8], name: &str, start: usize) -> bool {
        self.lr
            .is_none_or(|lr| complex_receiver_may_match(lr, bytes, name, start))
    }
}

/// Whether a call of `name` at `start` with a receiver that is not a plain chain (`f(x).name(`,
/// `a[0].name(`, `T{...}.name(`) may match a rule: its text, as the extractor matches it, ends
/// with the bracket before the separator, which a receiver glob can only match by ending in `*` or
/// that bracket (`*lient` cannot match `f(x)`).
pub fn complex_receiver_may_match(lr: &LangRules, bytes: &[u8], name: &str, start: usize) -> bool {
    let before = |mut i: usize| {
        while i > 0 && bytes[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        i
    };
    let mut i = before(start);
    while i > 0 && matches!(bytes[i - 1], b'.' | b'?' | b'&' | b':') {
        i -= 1;
    }
    let last = match before(i) {
        0 => return true,
        j => bytes[j - 1],
    };
    if !matches!(last, b')' | b']' | b'}') {
        return true;
    }
    lr.calls.get(name).is_none_or(|ms| {
        ms.iter().any(|m| match &m.receiver {
            crate::rules::Receiver::Glob(g) => g.ends_with(['*', last as char]),
            crate::rules::Receiver::None => false,
        })
    })
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::EnvSettings;

    fn rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| RuleSet::load(&[], &[], EnvSettings::default()).unwrap())
    }

    fn pre() -> Prefilter<'static> {
        Prefilter::new(rules())
    }

    /// The built-in rules and one more, written inline.
    fn inline(rule: &str) -> RuleSet {
        let text = format!("rules:\n  - {rule}\n");
        RuleSet::load(&[("r.yml".into(), text)], &[], EnvSettings::default()).unwrap()
    }

    /// A call that only declares a flag as a symbol needs a binding (`X = new("x")`): where it
    /// is an argument, a return value or a short variable declaration, no hit.
    #[test]
    fn symbol_declarations_are_bound_calls() {
        let set = inline("{ id: d, language: [go, java], provider: custom, kind: declaration, call: [new, \"*.Flag\"], key: { arg: 0 }, symbol: true }");
        let p = Prefilter::new(&set);
        for bound in [
            "var X = new(\"x\", Bool(false))",
            "var (\n\tX = new(\"x\")\n)",
            "var X =\n\tnew(\"x\")",
            "var X = /* why */ new(\"x\")",
            "var X *Flag = new(\"x\")",
            "X = new(\"x\")",
        ] {
            assert!(p.is_candidate(Language::Go, bound.as_bytes()), "{bound}");
        }
        for not_bound in [
            "func f() { x := new(T) }",
            "func f() *T { return new(T) }",
            "func f() { g(a, new(T)) }",
            "var m = map[string]*T{\"a\": new(T)}",
            "func f() { x == new(T) }",
            // Assignments to a dereference, a field, an index: never a name's binding.
            "func f() {\n\t*out = new(T)\n}",
            "func f() { out.X = new(T) }",
            "func f() { m[k] = new(T) }",
        ] {
            assert!(
                !p.is_candidate(Language::Go, not_bound.as_bytes()),
                "{not_bound}"
            );
        }
        assert!(p.is_candidate(
            Language::Java,
            b"static final Flag X = new Flags.Flag(\"x\");"
        ));
        assert!(!p.is_candidate(Language::Java, b"void f() { use(new Flags.Flag(\"x\")); }"));
    }

    /// A comment line that ends with a dot is not part of the receiver on the next line.
    #[test]
    fn receivers_do_not_start_in_comments() {
        let set = inline(
            "{ id: g, language: go, provider: custom, call: [feature.Enabled], key: { arg: 0 } }",
        );
        let p = Prefilter::new(&set);
        let src = b"package a\n\nfunc f() {\n\t// Only with the gate on.\n\tfeature.Enabled(feature.X)\n}\n";
        assert!(p.is_candidate(Language::Go, src));
        let src = b"package a\n\nfunc f() {\n\tother.\n\t\tfeature.Enabled(feature.X)\n}\n";
        assert!(!p.is_candidate(Language::Go, src));
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
        // No argument, no key: `member.StringValue()` is not an OpenFeature read.
        assert!(!p.is_candidate(Language::Go, b"v := member.StringValue( )"));
        assert!(p.is_candidate(Language::Go, b"v := c.StringValue(ctx, \"k\", \"\", ec)"));
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

    #[test]
    fn a_type_name_is_a_whole_word() {
        // `Feature` (a constant's type, `X featuregate.Feature = "x"`) is not in
        // `FeatureGates`; an env prefix still only starts a word.
        let name = check_of(Language::Go, Literal::Name);
        let word = check_of(Language::Go, Literal::Word);
        let f = LangFilter::new(
            Language::Go,
            None,
            vec!["FLAG_".into(), "Feature".into()],
            vec![word, name],
            false,
            None,
        )
        .unwrap();
        assert!(f.is_candidate(b"const X featuregate.Feature = \"x\""));
        assert!(!f.is_candidate(b"var g = cfg.FeatureGates"));
        assert!(f.is_candidate(b"v := os.Getenv(\"FLAG_NEW\")"));
    }

    #[test]
    fn a_shorter_literal_at_the_same_start_still_counts() {
        // Leftmost-longest reports `FLAG_X` (a call name, not followed by `(`); the env prefix
        // `FLAG_` at the same start is a word and must still make the file a candidate.
        let word = check_of(Language::Python, Literal::Word);
        let call = check_of(Language::Python, Literal::Call);
        let f = LangFilter::new(
            Language::Python,
            None,
            vec!["FLAG_".into(), "FLAG_X".into()],
            vec![word, call],
            false,
            None,
        )
        .unwrap();
        assert!(!f.overlapping());
        assert!(f.is_candidate(b"v = FLAG_X + 1"));
    }

    #[test]
    fn leftmost_longest_agrees_with_overlapping_search() {
        // Every built-in literal set, on text made of literal fragments, separators and
        // identifier characters: the two searches must pick the same candidates.
        let rules = rules();
        let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        let seps = ["(", " (", ".", " ", "_", "a", "?", "<T>(", "\n", "\"", "Z"];
        for lang in Language::ALL {
            let lits: Vec<(String, Literal)> = rules.literal_kinds(lang).into_iter().collect();
            let names: Vec<String> = lits.iter().map(|(l, _)| l.clone()).collect();
            let checks: Vec<Check> = lits.iter().map(|(_, k)| check_of(lang, *k)).collect();
            let lr = rules.by_lang.get(&lang);
            let fast =
                LangFilter::new(lang, lr, names.clone(), checks.clone(), false, None).unwrap();
            let slow =
                LangFilter::new(lang, lr, names.clone(), checks.clone(), true, None).unwrap();
            assert!(!fast.overlapping() && slow.overlapping());
            // Where the packed searcher runs (the languages of more than 64 literals too), the
            // leftmost-longest automaton it replaces must agree with it.
            if cfg!(target_arch = "x86_64") && std::arch::is_x86_feature_detected!("ssse3") {
                assert!(matches!(fast.search, Search::Packed(_)), "{lang:?}");
            }
            let mut automaton =
                LangFilter::new(lang, lr, names.clone(), checks, false, None).unwrap();
            automaton.search = Search::Automaton {
                ac: AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&names)
                    .unwrap(),
                overlapping: false,
            };
            for _ in 0..3000 {
                let mut text = String::new();
                for _ in 0..1 + next(4) {
                    let lit = &names[next(names.len())];
                    // Sometimes only a piece of a literal, so that literals overlap.
                    let from = if next(3) == 0 { next(lit.len()) } else { 0 };
                    text.push_str(&lit[from..]);
                    text.push_str(seps[next(seps.len())]);
                }
                let mut top = Vec::new();
                let packed = fast.hits_with(text.as_bytes(), true, &mut top);
                assert_eq!(
                    packed,
                    automaton.hits_with(text.as_bytes(), true, &mut Vec::new()),
                    "{lang:?}: {text:?}"
                );
                assert_eq!(
                    fast.is_candidate(text.as_bytes()),
                    slow.is_candidate(text.as_bytes()),
                    "{lang:?}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn reads_in_interpolations_are_found_and_calls_in_comments_and_strings_are_not() {
        let p = pre();
        let py = |s: &str| p.is_candidate(Language::Python, s.as_bytes());
        assert!(py("log(f\"v2: {flags.is_on('x')}\")"));
        assert!(!py("# flags.is_on('x')\n"));
        assert!(!py("def f():\n    \"\"\"Use flags.is_on('x').\"\"\"\n"));
        assert!(!py("t = 'flags.is_on(\"x\")'"));
        assert!(!py("log(f\"call flags.is_on('x') {n}\")"));
        // An env prefix counts in a string (the variable name is one), not in a comment.
        assert!(py("os.environ.get('FLAG_X')"));
        assert!(!py("# os.environ.get('FLAG_X')"));
        let ts = |s: &str| p.is_candidate(Language::TypeScript, s.as_bytes());
        assert!(ts("const s = `on: ${flags.isOn('x')}`;"));
        assert!(!ts("const s = `flags.isOn('x')`; // flags.isOn('y')"));
        assert!(!ts("/** flags.isOn('x') */"));
    }

    #[test]
    fn receivers_no_rule_accepts_are_skipped() {
        let p = pre();
        let py = |s: &str| p.is_candidate(Language::Python, s.as_bytes());
        assert!(py("self.flags.is_on('x')"));
        assert!(!py("switch.is_on('x')"));
        assert!(!py("config.variation('x', ctx, False)"));
        assert!(py("ld_client.variation('x', ctx, False)"));
        // Not a plain chain: only the parse can tell, unless it ends in a bracket that no
        // rule's receiver pattern can end with (`*lags` never matches `get_flags()`).
        assert!(!py("get_flags().is_on('x')"));
        assert!(py("ld()[0].variation('x', ctx, False)"));
        assert!(p.is_candidate(Language::Go, b"f(x).BoolVariation(\"k\", u, false)"));
        assert!(!p.is_candidate(Language::Go, b"v := tag.New(x).String(\"k\")"));
        // A Go package name is itself (no alias but a renamed standard-library package):
        // `aws.String` is not `*lient.String`.
        let aws = b"import \"github.com/aws/aws-sdk-go/aws\"\nvar s = aws.String(\"k\")";
        assert!(!p.is_candidate(Language::Go, aws));
        let ld = b"import ldclient \"github.com/launchdarkly/go-server-sdk/v7\"\nvar c = ldclient.Boolean(ctx, \"k\", false, e)";
        assert!(p.is_candidate(Language::Go, ld));
        // A bare call matches no rule, unless an import may alias it.
        assert!(!py("is_on('x')"));
        assert!(py("from app.flags import is_on\nis_on('x')"));
        assert!(py("from app import feature_flags as ff\nff.is_on('x')"));
        // ... but not an import that cannot make it match.
        assert!(!py(
            "from sqlalchemy import testing\n@testing.variation('a', [1])\ndef t(): pass"
        ));
        let java = |s: &str| p.is_candidate(Language::Java, s.as_bytes());
        assert!(java(
            "import static com.acme.Flags.isOn;\nclass A { boolean b = isOn(\"x\"); }"
        ));
        assert!(!java("class A { boolean b = isOn(\"x\"); }"));
        assert!(!p.is_candidate(Language::Go, b"if cfg.Enabled(x) {}"));
        assert!(p.is_candidate(Language::Go, b"if featureFlags.Enabled(\"x\") {}"));
    }
}
