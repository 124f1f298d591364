//! The fast path: a candidate file whose every flag read is lexically simple gets its
//! references from the text, without a parse. Tree-sitter costs ~4.5 MB/s per core, several
//! times what the walk, the read and the prefilter cost together; most files that read flags
//! read them as `client.name("literal", literal)`.
//!
//! Exactness comes first: the references must be the ones the parser path gives, byte for
//! byte. So the fast path reads only what it can read for sure, and hands the whole file to
//! the parser at the first thing it is unsure of ("bail"). For every occurrence of a word
//! that can start a rule match -- a callee name of any rule, an env call name (`getenv`), the
//! last segment of a subscript/member receiver (`environ`, `env`) -- it decides, in this order:
//! - not a whole word, or in a comment or a string (the [`Lexer`], only when it made no
//!   heuristic decision in the file: [`Lexer::guesses`] is 0): no read, as for the parser;
//! - a call `recv.name(args)` with a plain receiver chain and `(` right after the name: its
//!   arguments are split by a balanced scan (strings, `()[]{}`), then matched with
//!   [`extract::match_call`], the function every parser's matching goes through. A rule that
//!   picks an argument that is not a plain literal (a string without escapes, prefixes or
//!   interpolation, `true`/`None`/..., a decimal number), or a receiver an import may alias:
//!   bail. No rule: no read. A key that is a plain name (`flags.is_on(FLAG_X)`) is read as
//!   the parser reads it, a constant path, when the file defines it once in the plainest form
//!   (Python `FLAG_X = "x"` at column 0, Go `const FlagX = "x"` or a line of a top-level
//!   `const (` block, JavaScript/TypeScript top-level `const`/`export const FLAG_X = "x"`);
//!   that one constant goes into the file's facts for the resolver, and any other binding of
//!   the name, or another form, bails;
//! - a subscript `recv["LIT"]` or member `recv.NAME` read on a receiver chain ending in the
//!   word: matched like `Cx::subscript` / `Cx::member`;
//! - anything else that might be a read (`name (`, `name<T>(`, `name?.(`, an env receiver used
//!   as a value, e.g. destructured): bail.
//!
//! Env flag prefixes (`FLAG_`) need no look here: every env read has an env call name or an
//! env receiver word of its own.
//!
//! Ruby reads only calls with parentheses: a rule's name without them (`flags.enabled? "x"`)
//! or followed by a block (`{ ... }`, `do`, which the parser's call node spans) bails; the
//! same name on a receiver no rule reads is no read, whatever follows. Keyword arguments are
//! `name: value`; a hash rocket, a block argument, a `%` literal, a heredoc or a `?` character
//! literal among the arguments bails.
//!
//! Syntax errors: a file whose brackets do not pair up in code ([`Lexer::balanced`]) or that
//! holds a merge-conflict marker goes to the parser, which reports the error and reads around
//! it. A file that balances and is still invalid is read here, and its syntax error is not
//! reported. Only Python, Go,
//! Java, JavaScript, TypeScript and Ruby. A call name some rule reads in a way only the parse
//! follows (a declaration, a `receiver` key) and the type names of declarations (a composite
//! literal's type, a typed constant's, an enum's) bail where they occur; a key `inner` an
//! argument is read where that argument is a plain literal or name, which holds no key, and
//! bails where it is anything else. Go keys written `pkg.X` are read as paths, and a Go file's
//! imports are read as the Go adapter reads them ([`go_imports`]) for the resolver.
//! Rust (macros) and TSX/JSX (text that looks like code) always go to the parser, and so do
//! C#, Kotlin, PHP and Swift (their regions are parsed, see [`crate::scan::regions`]).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde_json::Value;

use crate::finding::Span;
use crate::lang::Language;
use crate::rules::{ArgSpec, LangRules, Matcher, Receiver, RuleKind, RuleSet};
use crate::scan::extract::{self, Arg, FileFacts, Import, KeyExpr, RawRef};
use crate::scan::lexical::{
    go_imports, is_ident, receiver_before, receiver_in_code, Binding, Imports, Lexer, Verdict,
    Written,
};
use crate::scan::prefilter::complex_receiver_may_match;

/// What a word occurrence may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Word {
    /// A callee name.
    Call,
    /// The last segment of a subscript or member receiver.
    Receiver,
    /// A name whose reads only the parser makes (a call whose result a rule reads).
    Bail,
}

struct FastLang<'r> {
    lr: &'r LangRules,
    ac: AhoCorasick,
    words: Vec<(String, Word)>,
}

/// Built once per rule set, like the prefilter; each language's part by the first file of it.
pub struct FastPath<'r> {
    rules: &'r RuleSet,
    langs: [std::sync::OnceLock<Option<FastLang<'r>>>; FAST_LANGS.len()],
    /// By [`Language::ALL`] index: the languages with few files, whose automata are built
    /// quickly ([`crate::scan::prefilter::automaton_kind`]).
    pub few: [bool; Language::ALL.len()],
}

/// The languages the fast path reads.
const FAST_LANGS: [Language; 6] = [
    Language::Python,
    Language::Go,
    Language::Java,
    Language::JavaScript,
    Language::TypeScript,
    Language::Ruby,
];

impl<'r> FastPath<'r> {
    pub fn new(rules: &'r RuleSet) -> FastPath<'r> {
        FastPath {
            rules,
            langs: Default::default(),
            few: [false; Language::ALL.len()],
        }
    }

    /// The file's facts read without a parse, or None: parse it.
    pub fn extract(&self, lang: Language, rel: &str, text: &str) -> Option<FileFacts> {
        let i = FAST_LANGS.iter().position(|l| *l == lang)?;
        let fl = self.langs[i]
            .get_or_init(|| {
                let few = self.few[crate::scan::prefilter::lang_index(lang)];
                FastLang::new(self.rules, lang, few)
            })
            .as_ref()?;
        let (refs, constants, imports) = Scan {
            lang,
            rules: self.rules,
            lr: fl.lr,
            b: text.as_bytes(),
            text,
            imports: None,
            spans: extract::Spans::new(text),
            constants_read: Vec::new(),
        }
        .run(fl)?;
        Some(FileFacts {
            path: rel.to_string(),
            language: Some(lang),
            refs,
            constants,
            imports,
            fast: true,
            ..Default::default()
        })
    }
}

/// Whether Ruby argument text holds a name followed by white space and the start of another
/// expression (`c x`, `puts "a"`, `f :sym`): a call without parentheses, which takes every
/// argument after it. Strings are skipped.
fn ruby_command_call(t: &[u8]) -> bool {
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b'"' | b'\'' => match string_end(t, i) {
                Some(e) => i = e,
                None => return true,
            },
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'?' || c == b'!' => {
                let mut j = i + 1;
                while j < t.len()
                    && (t[j].is_ascii_alphanumeric() || matches!(t[j], b'_' | b'?' | b'!'))
                {
                    j += 1;
                }
                // `co$x`, `f@y`: a name, then a global or instance variable as its argument.
                if matches!(t.get(j), Some(b'$' | b'@')) {
                    return true;
                }
                let mut k = j;
                while k < t.len() && matches!(t[k], b' ' | b'\t') {
                    k += 1;
                }
                if k > j
                    && k < t.len()
                    && (is_ident(t[k])
                        || matches!(t[k], b'"' | b'\'' | b':' | b'[' | b'(' | b'@' | b'$'))
                {
                    return true;
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    false
}

/// Whether `at` is inside a Go function or method: the nearest line before it that starts a
/// top-level declaration (a word at column 0, as gofmt writes them) starts with `func`. `top`
/// caches those lines' starts and whether each is a `func`.
fn go_in_func(b: &[u8], top: &mut Option<Vec<(usize, bool)>>, at: usize) -> bool {
    let top = top.get_or_insert_with(|| {
        std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', b).map(|i| i + 1))
            .filter(|&i| b.get(i).is_some_and(|c| c.is_ascii_alphabetic()))
            .map(|i| {
                (
                    i,
                    b[i..].starts_with(b"func ") || b[i..].starts_with(b"func("),
                )
            })
            .collect()
    });
    match top.partition_point(|&(i, _)| i <= at) {
        0 => false,
        n => top[n - 1].1,
    }
}

fn simple_spec(s: &ArgSpec) -> bool {
    !s.receiver
        && !s.entry_key
        && !s.binding
        && s.comment.is_none()
        && s.inner.is_none()
        && s.values.is_empty()
}

/// A key spec the fast path can follow: a simple one, or one that looks `inner` a simple
/// argument (a key inside a call or a struct / object literal). Only the parse reads inside a
/// value; the fast path reads the calls where that argument is a plain string, name or other
/// literal (nothing inside: the rule does not read the call, [`extract::match_call`] skips
/// it) and bails at any other.
fn simple_key(s: &ArgSpec) -> bool {
    match &s.inner {
        // The call's receiver (`featureflag.X.IsEnabled(ctx)`), read as an argument is.
        None if s.receiver => simple_spec(&ArgSpec {
            receiver: false,
            ..s.clone()
        }),
        None => simple_spec(s),
        Some(inner) => {
            let outer = ArgSpec {
                inner: None,
                ..s.clone()
            };
            simple_spec(&outer) && simple_spec(inner) && !s.elements
        }
    }
}

impl<'r> FastLang<'r> {
    fn new(rules: &'r RuleSet, lang: Language, few: bool) -> Option<FastLang<'r>> {
        let lr = rules.lang(lang)?;
        let simple = |m: &Matcher| {
            let r = &rules.rules[m.rule];
            r.kind == RuleKind::Reference
                && simple_key(&r.key)
                && r.default.as_ref().is_none_or(simple_spec)
        };
        if !lr.subscripts.iter().chain(&lr.members).all(simple) {
            return None;
        }
        // A call some rule reads in a way only the parse follows (a declaration, a key
        // inside a value), and the type names of declarations (a composite literal's type, a
        // typed constant's, an enum's or class's): a file naming one goes to the parser.
        let mut words: Vec<(String, Word)> = lr
            .calls
            .iter()
            .map(|(k, ms)| {
                let word = if ms.iter().all(simple) {
                    Word::Call
                } else {
                    Word::Bail
                };
                (k.clone(), word)
            })
            .collect();
        for k in lr.composites.keys() {
            if !is_name(k) {
                return None;
            }
            words.push((k.clone(), Word::Bail));
        }
        for m in lr.constants.iter().chain(&lr.member_of) {
            let Receiver::Glob(g) = &m.receiver else {
                return None;
            };
            let last = g.rsplit('.').next().unwrap_or(g);
            if !is_name(last) {
                return None; // `*Flags`: its occurrences are not whole words
            }
            words.push((last.to_string(), Word::Bail));
        }
        for m in lr.subscripts.iter().chain(&lr.members) {
            let Receiver::Glob(g) = &m.receiver else {
                return None;
            };
            if let Some(call) = g.strip_suffix("()") {
                // A call's result (`useFlags().x`) is read through variables bound to it too:
                // the parser's business.
                let name = call.rsplit('.').next().unwrap_or(call);
                if name.is_empty() || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    return None;
                }
                words.push((name.to_string(), Word::Bail));
                continue;
            }
            let last = g.rsplit('.').next().unwrap_or(g);
            if last.is_empty() || !last.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
                return None; // a glob: its occurrences are not whole words
            }
            words.push((last.to_string(), Word::Receiver));
        }
        words.sort();
        words.dedup();
        // A name both a callee and a receiver word is looked at as both (two entries).
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(crate::scan::prefilter::automaton_kind(few))
            .build(words.iter().map(|(w, _)| w))
            .ok()?;
        Some(FastLang { lr, ac, words })
    }
}

/// What [`Scan::run`] reads: the references, the constants they read, the imports.
type Read = (Vec<RawRef>, HashMap<String, String>, Vec<Import>);

/// One file's scan.
struct Scan<'a, 'r> {
    lang: Language,
    rules: &'r RuleSet,
    lr: &'r LangRules,
    b: &'a [u8],
    text: &'a str,
    imports: Option<Imports<'a>>,
    spans: extract::Spans<'a>,
    /// Names read as keys (`flags.is_on(FLAG_X)`): each must be a constant of this file.
    constants_read: Vec<String>,
}

/// One argument of a call: its text range, keyword (Python) or None.
#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
}

impl<'a, 'r> Scan<'a, 'r> {
    /// The references, the constants they read, and (Go) the imports a path key or a symbol
    /// use (found later, [`crate::scan::symbols`]) is resolved through, as the parser reads them.
    fn run(mut self, fl: &FastLang) -> Option<Read> {
        let b = self.b;
        let js = matches!(self.lang, Language::JavaScript | Language::TypeScript);
        if js {
            // JSX text looks like code to a lexer; `process` imports alias `process.env`.
            let f = |s: &str| memchr::memmem::find(b, s.as_bytes()).is_some();
            if f("</") || f("/>") || f("process'") || f("process\"") || f("process`") {
                return None;
            }
        }
        let mut hits: Vec<(usize, usize)> = fl
            .ac
            .find_overlapping_iter(b)
            .map(|m| (m.start(), m.pattern().as_usize()))
            .collect();
        hits.sort_unstable();
        let mut lexer = Lexer::new(self.lang, b);
        let mut refs: Vec<RawRef> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut top_level = None;
        for (start, p) in hits {
            let (word, kind) = &fl.words[p];
            let end = start + word.len();
            // A Ruby name ending in `?` / `!` ends there (`enabled?x(...)` is `enabled? x(...)`).
            let closed = word.ends_with(['?', '!']);
            if start > 0 && is_ident(b[start - 1]) || !closed && end < b.len() && is_ident(b[end]) {
                continue;
            }
            match lexer.verdict(start) {
                Verdict::Comment | Verdict::Str => continue,
                Verdict::Code => {}
            }
            if lexer.in_interpolation(start) {
                return None;
            }
            let found = match kind {
                Word::Call => self.call(start, end, &lexer)?,
                Word::Receiver => self.receiver_read(start, end)?,
                Word::Bail => return None,
            };
            if let Some(r) = found {
                // A Go read outside any function may be an accessor's, which only the parser
                // records ([`extract::Adapter::accessor`]).
                if self.lang == Language::Go && !go_in_func(b, &mut top_level, start) {
                    return None;
                }
                if seen.insert((r.span, r.rule)) {
                    refs.push(r);
                }
            }
        }
        // Brackets that do not pair up, or a merge conflict, are syntax errors the parser
        // reports (and recovers from in its own way): parse. A file that balances and is still
        // invalid is read here, and its syntax error is not reported.
        if !lexer.reads_like_the_parser() {
            return None;
        }
        // A heredoc's text may hold what looks like a read (`ld_client.variation("x")` in a
        // template): the lexer called it code, the parser knows it is text.
        if lexer.heredocs() > 0 {
            return None;
        }
        let mut constants = HashMap::new();
        let mut names = std::mem::take(&mut self.constants_read);
        names.sort_unstable();
        names.dedup();
        for name in names {
            let value = self.same_file_constant(&lexer, &name)?;
            constants.insert(name, value);
        }
        let imports = match self.lang {
            Language::Go => go_imports(b, &lexer),
            _ => Vec::new(),
        };
        Some((refs, constants, imports))
    }

    /// A callee name at `start..end` in code. Outer None: bail; inner None: no read.
    fn call(&mut self, start: usize, end: usize, lexer: &Lexer) -> Option<Option<RawRef>> {
        let b = self.b;
        let next = b.get(end).copied().unwrap_or(0);
        let name = &self.text[start..end];
        if self.lang == Language::Ruby && next != b'(' {
            return self.ruby_without_parens(start, end, name);
        }
        if next != b'(' {
            let after = b[end..]
                .iter()
                .copied()
                .find(|c| !c.is_ascii_whitespace())
                .unwrap_or(0);
            // `name (`, `name\n(`, `name<T>(`, `name?.(`, `name!(`, a comment before `(`:
            // only the parse can tell. `name != x` is a comparison.
            let not_eq = after == b'!' && {
                let bang = end + b[end..].iter().position(|&c| c == b'!').unwrap_or(0);
                b.get(bang + 1) == Some(&b'=')
            };
            if !not_eq
                && matches!(
                    after,
                    b'(' | b'<' | b'?' | b'!' | b'/' | b'#' | b'\\' | b'`'
                )
            {
                return None;
            }
            return Some(None);
        }
        let written = receiver_in_code(self.lang, b, start, lexer);
        let (receiver, chain_start, first) = match written {
            // A receiver no rule's glob can match (`obj.Kind().String()` for `*lient.String`):
            // no read, as for the parser; one that may match is the parser's.
            Written::Complex if complex_receiver_may_match(self.lr, b, name, start) => return None,
            Written::Complex => return Some(None),
            Written::Bare => (None, start, name.as_bytes()),
            Written::Plain(text, first) => {
                let cs = first.as_ptr() as usize - b.as_ptr() as usize;
                (Some(text), cs, first)
            }
        };
        if !self.chain_start_ok(chain_start, start) || self.aliased(first) {
            return None;
        }
        // The receiver as a value (a rule whose key is the receiver): the text before the
        // `.` of the call.
        let receiver_value = receiver.as_ref().and_then(|_| {
            let dot = b[..start].iter().rposition(|c| !c.is_ascii_whitespace())?;
            (b[dot] == b'.').then_some(Tok {
                start: chain_start,
                end: dot,
            })
        });
        let (args, close) = self.arguments(end)?;
        if self.lang == Language::Ruby && ruby_block_follows(b, close + 1) {
            return None;
        }
        let lang = self.lang;
        let unsure = std::cell::Cell::new(false);
        let text = self.text;
        let constants = matches!(
            lang,
            Language::Python | Language::Go | Language::JavaScript | Language::TypeScript
        );
        // A rule that looks inside its key argument (`inner`): a plain string, name or other
        // literal there holds nothing, so that rule does not read the call (as in the parse,
        // and `match_call` skips it); a call or a struct / object literal only the parse reads.
        let inside = self.lr.matching_calls(name, receiver.as_deref()).any(|m| {
            let key = &self.rules.rules[m.rule].key;
            key.inner.is_some()
                && extract::pick(&args, key).is_some_and(|t| {
                    let tok = &text[t.start..t.end];
                    plain_string(lang, tok).is_none()
                        && !is_name(tok)
                        && plain_literal(lang, tok).is_none()
                })
        });
        if inside {
            return None;
        }
        let m = extract::match_call(
            self.rules,
            self.lr,
            &Default::default(),
            receiver.as_deref(),
            name,
            &args,
            receiver_value,
            |t: Tok| {
                let tok = &text[t.start..t.end];
                match plain_string(lang, tok) {
                    Some(s) => (KeyExpr::Literal(s), tok.to_string()),
                    // A name: a constant of this file, checked at the end (`run`).
                    None if constants && is_name(tok) => {
                        (KeyExpr::Path(vec![tok.to_string()]), tok.to_string())
                    }
                    // Go `features.X`: a path the resolver follows through the file's
                    // imports ([`go_imports`]), as the parser's.
                    None if lang == Language::Go && tok.split('.').all(is_name) => (
                        KeyExpr::Path(tok.split('.').map(str::to_string).collect()),
                        tok.to_string(),
                    ),
                    None => {
                        unsure.set(true);
                        (KeyExpr::Dynamic(String::new()), String::new())
                    }
                }
            },
            |t: Tok| {
                let v = plain_literal(lang, &text[t.start..t.end]);
                if v.is_none() {
                    unsure.set(true);
                }
                v
            },
        );
        if unsure.get() {
            return None;
        }
        // A rule that counts only imported callees: the imports are the parser's to read.
        if m.as_ref()
            .is_some_and(|r| !self.rules.rules[r.rule].imported_from.is_empty())
        {
            return None;
        }
        if let Some(KeyExpr::Path(p)) = m.as_ref().map(|r| &r.key) {
            if let [name] = p.as_slice() {
                self.constants_read.push(name.clone());
            }
        }
        Some(m.map(|mut r| {
            r.span = self.span(chain_start, close + 1);
            r
        }))
    }

    /// The value of `name`, a constant of this file as the parser records it, when its one
    /// definition has the simplest form: Python `NAME = "v"` at column 0; Go `const NAME = "v"`
    /// at the top level or `NAME = "v"` in a top-level `const (` block; JavaScript/TypeScript
    /// `const NAME = "v"` / `export const NAME = "v"` at the top level. Any other assignment of
    /// the name in code, or another form: None (bail). The lexer has lexed the whole file.
    fn same_file_constant(&self, lexer: &Lexer, name: &str) -> Option<String> {
        let b = self.b;
        let mut def = None;
        for i in memchr::memmem::find_iter(b, name.as_bytes()) {
            let end = i + name.len();
            if i > 0 && is_ident(b[i - 1]) || end < b.len() && is_ident(b[end]) {
                continue;
            }
            if lexer.verdict_lexed(i) != Verdict::Code {
                continue;
            }
            // Anything that may bind the name: `=` (not `==`, `=>`), `:=`, `:` (annotations,
            // object keys), `,` (`A, B = ...`).
            let binds = match &b[blanks(b, end)..] {
                [b'=', b'=' | b'>', ..] => false,
                [b'=' | b':' | b',', ..] => true,
                _ => false,
            };
            if binds {
                if def.is_some() {
                    return None;
                }
                def = Some(i);
            }
        }
        let i = def?;
        let line_start = memchr::memrchr(b'\n', &b[..i]).map_or(0, |p| p + 1);
        let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
        let prefix = &b[line_start..i];
        let open = lexer.open_brackets(line_start)?;
        let placed = match self.lang {
            Language::Python => prefix.is_empty() && open.is_empty(),
            Language::Go => {
                (prefix == b"const " && open.is_empty())
                    || (!prefix.is_empty()
                        && prefix.iter().all(|c| matches!(c, b' ' | b'\t'))
                        && open == [b'(']
                        && in_go_const_block(b, line_start))
            }
            _ => (prefix == b"const " || prefix == b"export const ") && open.is_empty(),
        };
        if !placed {
            return None;
        }
        // ` = "value"`, then only white space, `;` (JavaScript) or a comment to the line's end.
        let p = blanks(b, i + name.len());
        if b.get(p) != Some(&b'=') {
            return None;
        }
        let p = blanks(b, p + 1);
        let close = string_end(b, p)?;
        let value = plain_string(self.lang, &self.text[p..close])?;
        let tail = std::str::from_utf8(&b[close..line_end]).ok()?.trim();
        let tail = match self.lang {
            Language::Python => tail.strip_prefix('#').map_or(tail, |_| ""),
            Language::Go => tail.strip_prefix("//").map_or(tail, |_| ""),
            _ => {
                let t = tail.strip_prefix(';').unwrap_or(tail).trim_start();
                t.strip_prefix("//").map_or(t, |_| "")
            }
        };
        tail.is_empty().then_some(value)
    }

    /// A Ruby callee name not followed by `(`. Outer None: bail; inner None: no read.
    fn ruby_without_parens(
        &mut self,
        start: usize,
        end: usize,
        name: &str,
    ) -> Option<Option<RawRef>> {
        let b = self.b;
        // `is_enabled` inside `is_enabled?(` or `save!`: another method's name.
        if matches!(b.get(end), Some(b'?' | b'!')) {
            return match b.get(end + 1) {
                Some(b'(' | b' ' | b'.' | b')' | b',' | b'\n' | b';') => Some(None),
                _ => None,
            };
        }
        let receiver = match receiver_before(self.lang, b, start) {
            Written::Complex => return None,
            Written::Bare => None,
            Written::Plain(text, _) => Some(text),
        };
        // What follows ends the call with no arguments (`flags.enabled?` at a line's end,
        // before `&&`, `)` ...): no read, as for the parser (a call without an argument list).
        let ws = blanks(b, end) - end;
        let after = &b[end + ws..];
        let ends = match after {
            [] => true,
            [b'\n' | b'\r' | b')' | b']' | b'}' | b',' | b';', ..] => true,
            [b'.', c, ..] => ws == 0 && *c != b'.',
            [b'#', ..] => ws > 0,
            [b'?', b' ' | b'\t', ..] => ws > 0,
            [b'&', b'&', ..] | [b'|', b'|', ..] | [b'=' | b'!', b'=', ..] => true,
            _ => false,
        };
        if ends {
            return Some(None);
        }
        // A call without parentheses (`flags.enabled? "x"`): only a rule could make it a
        // read, and only the parse can read its arguments.
        let ruled = self
            .lr
            .matching_calls(name, receiver.as_deref())
            .next()
            .is_some();
        if ruled {
            None
        } else {
            Some(None)
        }
    }

    /// A subscript or member receiver's last segment at `start..end` in code.
    fn receiver_read(&mut self, start: usize, end: usize) -> Option<Option<RawRef>> {
        let b = self.b;
        let chain_start = self.chain_back(start)?;
        if !self.chain_start_ok(chain_start, start) {
            return None;
        }
        let recv_text = &self.text[chain_start..end];
        let first_end = recv_text.find('.').map_or(end, |i| chain_start + i);
        if self.aliased(&b[chain_start..first_end]) {
            return None;
        }
        let recv = Some(recv_text);
        let sub = self.lr.subscripts.iter().find(|m| m.receiver.matches(recv));
        let mem = self.lr.members.iter().find(|m| m.receiver.matches(recv));
        if sub.is_none() && mem.is_none() {
            return Some(None); // no rule reads from this receiver
        }
        match b.get(end).copied().unwrap_or(0) {
            b'[' => {
                let Some(m) = sub else { return Some(None) };
                // The index: one plain string, then `]`.
                let q = end + 1;
                let close = string_end(b, q)?;
                if b.get(close) != Some(&b']') {
                    return None;
                }
                let expr = &self.text[q..close];
                let key = KeyExpr::Literal(plain_string(self.lang, expr)?);
                if !extract::keep(self.rules, m.rule, &key, expr) {
                    return Some(None);
                }
                Some(Some(RawRef {
                    rule: m.rule,
                    key,
                    expr: expr.to_string(),
                    span: self.span(chain_start, close + 1),
                    default: None,
                    test: false,
                }))
            }
            b'.' => {
                let Some(m) = mem else { return Some(None) };
                let p = end + 1;
                let mut e = p;
                while e < b.len() && is_ident(b[e]) {
                    e += 1;
                }
                if e == p || b[p].is_ascii_digit() || !b[p..e].is_ascii() {
                    return None;
                }
                let prop = &self.text[p..e];
                let key = KeyExpr::Literal(prop.to_string());
                if !extract::keep(self.rules, m.rule, &key, prop) {
                    return Some(None);
                }
                Some(Some(RawRef {
                    rule: m.rule,
                    key,
                    expr: prop.to_string(),
                    span: self.span(chain_start, e),
                    default: None,
                    test: false,
                }))
            }
            // The receiver used as a value (`const { FLAG_X } = process.env`,
            // `dict(os.environ)`), or white space before `[`/`.`: only the parse can tell.
            _ => None,
        }
    }

    /// The start of the plain chain of names ending at the word at `start` (`a.b.word`), or
    /// None when it is not one (`f().x`, `a?.b`, `a [0]`).
    fn chain_back(&self, start: usize) -> Option<usize> {
        let b = self.b;
        let mut s = start;
        while s > 0 && b[s - 1] == b'.' {
            let dot = s - 1;
            if dot > 0 && matches!(b[dot - 1], b'?' | b'.') {
                return None;
            }
            let mut j = dot;
            while j > 0 && is_ident(b[j - 1]) {
                j -= 1;
            }
            if j == dot || b[j].is_ascii_digit() {
                return None;
            }
            s = j;
        }
        Some(s)
    }

    /// What comes before a call's (or read's) first name must make that name start the node:
    /// white space or an operator, no `new` (a constructor call), no Java annotation, no raw
    /// white space inside the chain.
    fn chain_start_ok(&self, chain_start: usize, name_start: usize) -> bool {
        let b = self.b;
        if b[chain_start..name_start]
            .iter()
            .any(|c| c.is_ascii_whitespace() || *c == b':')
        {
            return false;
        }
        if chain_start == 0 {
            return true;
        }
        let prev = b[chain_start - 1];
        if !(prev.is_ascii_whitespace()
            || matches!(
                prev,
                b'(' | b'['
                    | b'{'
                    | b','
                    | b';'
                    | b'='
                    | b'!'
                    | b'&'
                    | b'|'
                    | b'+'
                    | b'-'
                    | b'*'
                    | b'%'
                    | b'<'
                    | b'>'
                    | b'?'
                    | b':'
                    | b'^'
                    | b'~'
                    | b'@'
            ))
        {
            return false;
        }
        if prev == b'@' && self.lang == Language::Java {
            return false; // an annotation, not a method invocation
        }
        if matches!(prev, b':' | b'$' | b'@') && self.lang == Language::Ruby {
            return false; // `Mod::name`, a symbol, a global or instance variable
        }
        if prev == b'>' && self.lang == Language::Java {
            return false; // `x.<T>name(`
        }
        // The word before: `new a.B(...)` is a constructor call.
        let mut i = chain_start;
        while i > 0 && b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        let mut j = i;
        while j > 0 && is_ident(b[j - 1]) {
            j -= 1;
        }
        &b[j..i] != b"new"
    }

    /// Whether an import may make `first` stand for something else, as the extractor's
    /// aliases would (Python `from os import environ`, Go `myos "os"`, Java `import static`,
    /// JavaScript `import { a as b }`).
    fn aliased(&mut self, first: &[u8]) -> bool {
        let (lang, b) = (self.lang, self.b);
        if lang == Language::Ruby {
            return false; // no imports
        }
        let imports = self.imports.get_or_insert_with(|| Imports::new(lang, b));
        let Some(bindings) = imports.bindings(first) else {
            return false;
        };
        match lang {
            // Python `import os` binds `os` to itself; anything else may alias. Go: only a
            // renamed standard-library package (`myos "os"`) stands for another name.
            Language::Python | Language::Go => !bindings
                .iter()
                .all(|x| matches!(x, Binding::Path(p) if p.as_bytes() == first)),
            // Only static imports alias.
            Language::Java => memchr::memmem::find(b, b"static").is_some(),
            // Only `{ a as b }` imports alias (and `process`, refused earlier).
            _ => memchr::memmem::find(b, b" as ").is_some(),
        }
    }

    /// The arguments of a call whose `(` is at `open`: top-level ranges, with Python keyword
    /// names, and the position of the closing `)`. None when the scan is unsure.
    fn arguments(&self, open: usize) -> Option<(Vec<Arg<'a, Tok>>, usize)> {
        let b = self.b;
        let py = self.lang == Language::Python;
        let rb = self.lang == Language::Ruby;
        let mut depth = 0usize;
        let mut i = open + 1;
        let mut seg = i;
        let mut out: Vec<Arg<'a, Tok>> = Vec::new();
        let limit = (open + 16 * 1024).min(b.len());
        loop {
            if i >= limit {
                return None;
            }
            let c = b[i];
            match c {
                b'"' | b'\'' => {
                    i = string_end(b, i)?;
                    continue;
                }
                b'`' | b'#' | b'/' | b'\\' => return None,
                b'<' if !py && depth == 0 => return None, // generics: `Map<K, V>`
                // Ruby: a heredoc, a `%w()` literal, a hash rocket (a keyword the parser
                // reads as a pair), a `?c` character literal (a `?` not ending a name).
                b'<' | b'%' | b'&' if rb => return None,
                b'=' if rb && b.get(i + 1) == Some(&b'>') => return None,
                b'?' if rb && !(i > 0 && is_ident(b[i - 1])) => return None,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b')' if depth == 0 => {
                    self.push_arg(&mut out, seg, i, true)?;
                    return Some((out, i));
                }
                b']' | b'}' => return None,
                b',' if depth == 0 => {
                    self.push_arg(&mut out, seg, i, false)?;
                    seg = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
    }

    fn push_arg(
        &self,
        out: &mut Vec<Arg<'a, Tok>>,
        from: usize,
        to: usize,
        last: bool,
    ) -> Option<()> {
        let (b, text) = (self.b, self.text);
        let (mut s, mut e) = (from, to);
        while s < e && b[s].is_ascii_whitespace() {
            s += 1;
        }
        while e > s && b[e - 1].is_ascii_whitespace() {
            e -= 1;
        }
        if s == e {
            // `f()`, or a trailing comma; an empty argument elsewhere is a syntax error.
            return (last && (out.is_empty() || b[from - 1] == b',')).then_some(());
        }
        let t = &text[s..e];
        if t.starts_with('*') || t.starts_with("...") || t.ends_with("...") {
            return None; // a splat or spread: positions after it are unknown
        }
        let unsure = match self.lang {
            // A `do ... end` block among the arguments, or a command call (`c x, 0` is `c(x,
            // 0)`: it takes the arguments after it).
            Language::Ruby => has_word(t, "do") || ruby_command_call(t.as_bytes()),
            // lambda parameters' commas, a generator argument
            Language::Python => has_word(t, "lambda") || has_word(t, "for"),
            _ => false,
        };
        if unsure {
            return None;
        }
        // A keyword argument: Python `name=value` (not `==`), Ruby `name: value` (not `A::B`).
        let n = name_len(t);
        let value = match self.lang {
            Language::Python => t[n..].trim_start().strip_prefix('='),
            Language::Ruby => t[n..].strip_prefix(':'),
            _ => None,
        };
        if let Some(v) = value.filter(|v| n > 0 && !v.starts_with(['=', ':'])) {
            out.push(Arg {
                keyword: Some(&text[s..s + n]),
                value: Tok {
                    start: e - v.trim_start().len(),
                    end: e,
                },
            });
            return Some(());
        }
        out.push(Arg {
            keyword: None,
            value: Tok { start: s, end: e },
        });
        Some(())
    }

    /// A span from byte `start` to byte `end`: 1-based lines, character columns.
    fn span(&self, start: usize, end: usize) -> Span {
        self.spans.span(start, end)
    }
}

/// The index of the first byte at or after `from` that is not a space or a tab.
fn blanks(b: &[u8], from: usize) -> usize {
    let from = from.min(b.len());
    from + b[from..]
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(b.len() - from)
}

/// The length of the name `t` starts with (`[A-Za-z_][A-Za-z0-9_]*`), 0 when none.
fn name_len(t: &str) -> usize {
    let b = t.as_bytes();
    if b.first().is_none_or(|c| c.is_ascii_digit()) {
        return 0;
    }
    b.iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count()
}

/// A plain name: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_name(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty() && !b[0].is_ascii_digit() && b.iter().all(|c| is_ident(*c)) && b.is_ascii()
}

/// Whether the line at `line_start` is inside a top-level `const (` block: the nearest line
/// above it that starts at column 0 is `const (`.
fn in_go_const_block(b: &[u8], line_start: usize) -> bool {
    let mut end = line_start.saturating_sub(1);
    while end > 0 {
        let start = memchr::memrchr(b'\n', &b[..end]).map_or(0, |p| p + 1);
        let line = &b[start..end];
        if line.first().is_some_and(|c| !c.is_ascii_whitespace()) {
            return line.trim_ascii_end() == b"const (";
        }
        if start == 0 {
            break;
        }
        end = start - 1;
    }
    false
}

/// A Ruby block after a call's `)` on the same line (`{ ... }`, `do`): the parser's call node
/// spans it.
fn ruby_block_follows(b: &[u8], from: usize) -> bool {
    let rest = &b[blanks(b, from)..];
    rest.first() == Some(&b'{')
        || rest.starts_with(b"do") && rest.get(2).is_none_or(|c| !is_ident(*c))
}

fn has_word(t: &str, w: &str) -> bool {
    t.match_indices(w).any(|(i, _)| {
        let b = t.as_bytes();
        (i == 0 || !is_ident(b[i - 1])) && b.get(i + w.len()).is_none_or(|c| !is_ident(*c))
    })
}

/// The end (just past the closing quote) of a one-line string opening at `q`, or None.
fn string_end(b: &[u8], q: usize) -> Option<usize> {
    let quote = *b.get(q)?;
    if !matches!(quote, b'"' | b'\'') {
        return None;
    }
    let mut i = q + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// A plain string literal's value: one quote kind the language allows for strings, no
/// escapes, no prefix (the token starts with the quote), not a triple-quoted string.
fn plain_string(lang: Language, tok: &str) -> Option<String> {
    let b = tok.as_bytes();
    let q = *b.first()?;
    if !lang.spec().literals.quotes.contains(&q) || b.len() < 2 || b[b.len() - 1] != q {
        return None;
    }
    let body = &tok[1..tok.len() - 1];
    if body
        .bytes()
        .any(|c| c == q || c == b'\\' || c == b'\n' || c == b'\r')
    {
        return None;
    }
    if lang == Language::Ruby && q == b'"' && body.contains('#') {
        return None; // `#{...}`, `#@x` interpolate
    }
    Some(body.to_string())
}

/// A plain literal's JSON value, as the language's adapter reads it.
fn plain_literal(lang: Language, tok: &str) -> Option<Value> {
    if let Some(s) = plain_string(lang, tok) {
        return Some(Value::String(s));
    }
    let words = &lang.spec().literals;
    if tok == words.truth[0] || tok == words.truth[1] {
        return Some(Value::Bool(tok == words.truth[0]));
    }
    if words.nulls.contains(&tok) {
        return Some(Value::Null);
    }
    // A decimal number: digits, optionally `.digits`; no leading zero (octal in Go/Java),
    // short enough for an i64.
    let (int, frac) = match tok.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (tok, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) || int.len() > 15 {
        return None;
    }
    if int.len() > 1 && int.starts_with('0') {
        return None;
    }
    match lang {
        Language::Go => super::go::int_or_float(tok),
        Language::Java => super::java::java_number(tok),
        _ => extract::number(tok),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::EnvSettings;

    fn rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| RuleSet::load(&[], &[], EnvSettings::default()).unwrap())
    }

    /// `reads` (one per line) among filler lines until the file is larger than the
    /// threshold: a read every ~12 lines, the shape of the generated trees' big test files.
    fn big(head: &str, filler: &[&str], reads: &[&str], tail: &str) -> String {
        let mut s = head.to_string();
        let mut i = 0;
        while s.len() < 36 * 1024 {
            for f in filler {
                s.push_str(&f.replace("{i}", &i.to_string()));
                s.push('\n');
            }
            s.push_str(&reads[i % reads.len()].replace("{i}", &i.to_string()));
            s.push('\n');
            i += 1;
        }
        s.push_str(tail);
        s
    }

    fn show(refs: &[RawRef]) -> Vec<String> {
        let mut v: Vec<String> = refs
            .iter()
            .map(|r| {
                format!(
                    "{}:{}-{}:{} {} {:?} {:?} {:?}",
                    r.span.line,
                    r.span.column,
                    r.span.end_line,
                    r.span.end_column,
                    rules().rules[r.rule].id,
                    r.key,
                    r.expr,
                    r.default
                )
            })
            .collect();
        v.sort();
        v
    }

    /// The fast path reads `text` (or declines, as `fast` says), and its references are the
    /// parser's.
    fn check(lang: Language, text: &str, fast: bool) {
        let fp = FastPath::new(rules());
        let parsed = crate::scan::extract_file(lang, "f", text, rules(), true, None).unwrap();
        assert!(
            parsed.syntax_error.is_none(),
            "{lang:?}: the test file must be valid: {:?}",
            parsed.syntax_error
        );
        assert!(
            parsed.refs.len() > 50,
            "{lang:?}: {} refs",
            parsed.refs.len()
        );
        match fp.extract(lang, "f", text) {
            Some(f) => {
                assert!(fast, "{lang:?}: the fast path read a file it must decline");
                assert_eq!(show(&f.refs), show(&parsed.refs), "{lang:?}");
                // The constants it read as keys are the parser's.
                for (k, v) in &f.constants {
                    assert_eq!(parsed.constants.get(k), Some(v), "{lang:?}: {k}");
                }
                // Go: the imports its path keys resolve through are the parser's.
                if lang == Language::Go {
                    assert_eq!(f.imports, parsed.imports);
                }
                let paths = f.refs.iter().filter(|r| matches!(r.key, KeyExpr::Path(_)));
                assert_eq!(paths.count() > 0, !f.constants.is_empty(), "{lang:?}");
            }
            None => assert!(!fast, "{lang:?}: the fast path declined a simple file"),
        }
    }

    /// Each language: a big file of simple reads is read without a parse, with the parser's
    /// references; one read that is not simple sends the whole file to the parser.
    fn both(lang: Language, head: &str, filler: &[&str], reads: &[&str], tail: &str, bad: &str) {
        check(lang, &big(head, filler, reads, tail), true);
        let mut with_bad: Vec<&str> = reads.to_vec();
        with_bad.push(bad);
        check(lang, &big(head, filler, &with_bad, tail), false);
    }

    #[test]
    fn python() {
        both(
            Language::Python,
            "import os\n\nFLAG_K = \"k_const\"  # the key\n\ndef test_all():\n",
            &[
                "    x{i} = compute(a, [1, 2], {'k': (3, 4)})  # flags.is_on('no')",
                "    s{i} = \"ld_client.variation('no', ctx, False)\"",
                "    v{i} = self.data.get('permission', 100)",
            ],
            &[
                "    a = ld_client.variation(\"k{i}\", context, False)",
                "    if not flags.is_off('off_{i}', default=True):\n        pass",
                "    b = of_client.get_string_value(flag_key=\"s{i}\", default_value=\"ctl\")",
                "    c = os.environ.get(\"FLAG_ENV_{i}\", \"false\")",
                "    d = os.environ[\"FF_SUB_{i}\"]",
                "    e = os.environ.get(\"DATABASE_URL\")",
                "    f = unleash_client.is_enabled(\"u_{i}\")",
                "    g = self.flags.is_on(\"n_{i}\", 1.5) and flags.is_on(\"m_{i}\", 7)",
                "    h = [flags.is_on(\"multi_{i}\",\n        None), 'é', flags.is_on(\"after_é_{i}\")]",
                "    k = flags.is_on(FLAG_K)",
            ],
            "    return None\n",
            "    z = flags.is_on(FLAG_CONST)",
        );
        // An f-string interpolation, an alias, a keyword splat, a comment in the call.
        for bad in [
            "    z = f\"{flags.is_on('x')}\"",
            "    from os import environ\n    z = environ.get('FLAG_Q')",
            "    z = flags.is_on('x', **kw)",
            "    z = flags.is_on('x',  # why\n        True)",
            "    z = flags.is_on(r'x')",
            "    z = flags.is_on('x' 'y')",
            "    z = flags.is_on ('x')",
        ] {
            let text = big(
                "import os\n\n\ndef test_all():\n",
                &["    pass"],
                &["    a = flags.is_on('k{i}')", bad],
                "",
            );
            assert!(
                FastPath::new(rules())
                    .extract(Language::Python, "f", &text)
                    .is_none(),
                "{bad}"
            );
        }
        // A name read as a key must have one plain module-level definition in the file: the
        // same file with `tail` defining `NAME` once.
        let read = |tail: &str| {
            let text = big(
                "import os\n\n\ndef test_all():\n",
                &["    pass"],
                &["    a = flags.is_on('k{i}')", "    z = flags.is_on(NAME)"],
                tail,
            );
            FastPath::new(rules()).extract(Language::Python, "f", &text)
        };
        let read_const = |tail: &str| read(tail).map(|f| f.constants.get("NAME").cloned());
        assert_eq!(read_const("NAME = 'n'\n"), Some(Some("n".into())));
        for tail in [
            "",                             // not defined here (imported?)
            "    NAME = 'x'\n",             // a local of the function
            "NAME = 'a'\nNAME = 'b'\n",     // twice
            "NAME: str = 'a'\n",            // annotated: another form
            "f(\nNAME = 'a'\n)\n",          // a keyword argument at column 0
            "\"\"\"\nNAME = 'a'\n\"\"\"\n", // in a docstring
            "NAME = 'a' + 'b'\n",           // not a plain string
            "NAME = 'a'; x = 1\n",          // more on the line
        ] {
            assert!(read(tail).is_none(), "{tail:?}");
        }
    }

    /// With declaration rules (Kubernetes feature gates: typed constants, spec composites), a
    /// Go file of reads only is still read here, `features.X` keys and all; one that names a
    /// declaration's type goes to the parser.
    #[test]
    fn go_beside_declaration_rules() {
        let pack = include_str!("../../rules/presets/kubernetes.yml");
        let set = RuleSet::load_with(
            &[("kubernetes.yml", pack)],
            &[],
            &[],
            EnvSettings::default(),
        )
        .unwrap();
        let fp = FastPath::new(&set);
        let head = "package c\n\nimport (\n\t\"example.com/m/features\"\n\tutilfeature \"k8s.io/apiserver/pkg/util/feature\"\n)\n\nfunc F() {\n";
        let reads = "\tif utilfeature.DefaultFeatureGate.Enabled(features.MachinePool) {\n\t}\n";
        let text = format!("{head}{reads}}}\n");
        let parsed = crate::scan::extract_file(Language::Go, "f", &text, &set, true, None).unwrap();
        let fast = fp
            .extract(Language::Go, "f", &text)
            .expect("read without a parse");
        assert_eq!(show(&fast.refs), show(&parsed.refs));
        assert_eq!(fast.refs.len(), 1);
        assert_eq!(fast.imports, parsed.imports);
        for decl in [
            "const X featuregate.Feature = \"X\"\n",
            "var m = map[featuregate.Feature]featuregate.FeatureSpec{X: {Default: true}}\n",
        ] {
            let text = format!("{head}{reads}}}\n\n{decl}");
            assert!(fp.extract(Language::Go, "f", &text).is_none(), "{decl}");
        }
        // A renamed standard-library package stands for it (the parser reads `myos.Getenv`
        // as `os.Getenv`): the parser's; a renamed other package is read as written.
        let text = "package c\n\nimport myos \"os\"\n\nfunc F() { _ = myos.Getenv(\"FLAG_A\") }\n";
        assert!(fp.extract(Language::Go, "f", text).is_none());
    }

    /// A rule whose key is the call's receiver (`featureflag.X.IsEnabled(ctx)`): the receiver
    /// is read as the parser reads a key argument; a receiver the text cannot give plainly
    /// goes to the parser.
    #[test]
    fn receiver_keys() {
        let pack = include_str!("../../rules/presets/gitlab.yml");
        let set =
            RuleSet::load_with(&[("gitlab.yml", pack)], &[], &[], EnvSettings::default()).unwrap();
        let fp = FastPath::new(&set);
        let file = |body: &str| {
            format!("package s\n\nimport \"example.com/internal/featureflag\"\n\nfunc F(ctx context.Context) {{\n{body}}}\n")
        };
        let shown = |refs: &[RawRef]| -> Vec<String> {
            refs.iter()
                .map(|r| {
                    format!(
                        "{:?} {:?} {:?} {}",
                        r.span, r.key, r.expr, set.rules[r.rule].id
                    )
                })
                .collect()
        };
        let read = |body: &str| {
            let text = file(body);
            let parsed =
                crate::scan::extract_file(Language::Go, "f", &text, &set, true, None).unwrap();
            let fast = fp.extract(Language::Go, "f", &text);
            if let Some(f) = &fast {
                assert_eq!(shown(&f.refs), shown(&parsed.refs), "{body}");
                assert_eq!(f.imports, parsed.imports, "{body}");
            }
            (fast.map(|f| f.refs.len()), parsed.refs.len())
        };
        let plain = "\tif featureflag.GPGSigning.IsEnabled(ctx) && !featureflag.B.IsDisabled(ctx) {\n\t}\n\tif x.IsEnabled(ctx) {\n\t}\n";
        assert_eq!(read(plain), (Some(2), 2));
        // Across a line break after the dot, as gofmt leaves a long chain: the parser's.
        let split = "\tif featureflag.GPGSigning.\n\t\tIsEnabled(ctx) {\n\t}\n";
        assert_eq!(read(split).1, 1);
        assert_eq!(read(split).0.unwrap_or(1), 1);
        // A receiver that is no plain path (an index, a call): never read from the text.
        for body in [
            "\t_ = featureflag.All[0].IsEnabled(ctx)\n",
            "\t_ = featureflag.Get(\"x\").IsEnabled(ctx)\n",
        ] {
            assert_eq!(read(body).0, None, "{body}");
        }
    }

    #[test]
    fn go() {
        both(
            Language::Go,
            "package x\n\nimport (\n\t\"os\"\n\t\"testing\"\n\n\tk \"example.com/m/keys/v2\"\n\t_ \"embed\"\n)\n\n// import \"example.com/not/this\"\n\nconst FlagTop = \"top\"\n\nconst (\n\tFlagA = \"a\" // in a block\n\tFlagB = \"b\"\n)\n\nfunc TestAll(t *testing.T) {\n",
            &[
                "\tx{i} := compute(a, []int{1, 2}, map[string]int{\"k\": 3}) // flags.IsOn(\"no\")",
                "\ts{i} := `client.BooleanValue(ctx, \"no\", false, ec)`",
                "\tr{i} := '\"'",
                // A receiver no rule can match; a comparison, not a call.
                "\tk{i} := obj.Kind().String() + T{}.String()",
                "\tif o.Enabled != nil {\n\t}",
            ],
            &[
                "\ta{i}, _ := client.BooleanValue(ctx, \"k{i}\", false, ec)",
                "\tif flags.IsOn(\"on_{i}\") {\n\t}",
                "\tb{i} := ldClient.BoolVariation(\"ld_{i}\", user, true)",
                "\tc{i} := os.Getenv(\"FLAG_ENV_{i}\")",
                "\td{i} := os.Getenv(\"HOME\")",
                "\te{i}, _ := client.StringValue(ctx,\n\t\t\"s{i}\", \"ctl\", ec)",
                "\tif flags.IsOn(FlagTop) || flags.IsOn(FlagB) {\n\t}",
                // A call statement under a comment that ends with a dot.
                "\t// Not a receiver: the end of a sentence.\n\tflags.IsOn(\"after_comment_{i}\")",
                // A path through an import: read as the parser reads it, resolved later.
                "\tif flags.IsOn(keys.Checkout) || flags.IsOn(f.keys.Checkout) {\n\t}",
            ],
            "}\n",
            "\tz := flags.IsOn(keyOf(\"checkout\"))",
        );
    }

    #[test]
    fn java() {
        both(
            Language::Java,
            "package com.acme;\n\nimport java.util.List;\n\nclass AllTest {\n  void all() {\n",
            &[
                "    int x{i} = compute(a, new int[] {1, 2}); // flags.isOn(\"no\")",
                "    String s{i} = \"client.getBooleanValue(\\\"no\\\", false)\";",
                "    char c{i} = '\"';",
            ],
            &[
                "    boolean a{i} = client.getBooleanValue(\"k{i}\", false);",
                "    if (flags.isOn(\"on_{i}\")) { }",
                "    boolean b{i} = ldClient.boolVariation(\"ld_{i}\", ctx, true);",
                "    if (\"true\".equals(System.getenv(\"FLAG_ENV_{i}\"))) { }",
                "    boolean d{i} = unleash.isEnabled(\"u_{i}\");",
                "    long n{i} = client.getIntegerValue(\"n_{i}\", 42);",
            ],
            "  }\n}\n",
            "    boolean z = flags.isOn(Keys.CHECKOUT);",
        );
    }

    /// Rules with a key inside a struct or object argument (`inner`: posthog-go, flipt-go,
    /// flipt-js) keep the fast path for their languages: a same-named call whose argument is a
    /// string or a name is read as the parser reads it (by another rule, or not at all); a
    /// struct or object literal there sends the file to the parser.
    #[test]
    fn keys_inside_struct_or_object_arguments() {
        both(
            Language::Go,
            "package x\n\nfunc TestAll(t *testing.T) {\n",
            &["\tx{i} := compute(a, []int{1, 2}) // flags.IsOn(\"no\")"],
            &[
                "\tf{i}, _ := featureFlags.IsFeatureEnabled(\"fs_{i}\")",
                "\tg{i}, _ := client.EvaluateBoolean(ctx, req)",
                "\th{i}, _ := client.IsFeatureEnabled(payload)",
                "\tif flags.IsOn(\"on_{i}\") {\n\t}",
            ],
            "}\n",
            "\tz, _ := client.IsFeatureEnabled(posthog.FeatureFlagPayload{Key: \"ph\"})",
        );
        for lang in [Language::JavaScript, Language::TypeScript] {
            both(
                lang,
                "function all() {\n",
                &["  const x{i} = compute(a, [1, 2]); // flags.isOn('no')"],
                &[
                    "  const a{i} = client.evaluateBoolean('fl_{i}', 'e', {});",
                    "  const b{i} = client.evaluateVariant(request);",
                    "  const c{i} = client.evaluateVariant(name, 'e', {});",
                    "  if (flags.isOn(\"on_{i}\")) { }",
                ],
                "}\n",
                "  const z = client.evaluateBoolean({ flagKey: 'x', entityId: 'e' });",
            );
        }
    }

    #[test]
    fn javascript_and_typescript() {
        for lang in [Language::JavaScript, Language::TypeScript] {
            both(
                lang,
                "const flags = require('./flags');\nexport const FLAG_K = 'k_const';\n\nfunction all() {\n",
                &[
                    "  const x{i} = compute(a, [1, 2], { k: (3 + 4) }); // flags.isOn('no')",
                    "  const s{i} = 'client.getBooleanValue(\"no\", false)';",
                    "  const t{i} = `plain ${a} template`;",
                ],
                &[
                    "  const a{i} = client.getBooleanValue('k{i}', false);",
                    "  if (flags.isOn(\"on_{i}\", undefined)) { }",
                    "  const b{i} = process.env.FLAG_ENV_{i} === 'true';",
                    "  const c{i} = process.env[\"FF_SUB_{i}\"];",
                    "  const d{i} = process.env.NODE_ENV;",
                    "  const e{i} = await ldClient.variation('ld_{i}', ctx, null);",
                    "  const k{i} = flags.isOn(FLAG_K);",
                ],
                "}\n",
                "  const { FLAG_DESTRUCTURED } = process.env;",
            );
        }
    }

    #[test]
    fn ruby() {
        both(
            Language::Ruby,
            "require \"spec_helper\"\n\nRSpec.describe Checkout do\n  it \"reads\" do\n",
            &[
                "    x{i} = compute(a, [1, 2], { k: (3 + 4) }) # flags.enabled?(\"no\")",
                "    s{i} = 'unleash.is_enabled?(\"no\")'",
                "    v{i} = data.fetch(:permission, 100).map(&:value)",
                "    ok{i} = items.empty? ? nil : items.first",
                "    y{i} = flags.enabled?",
                "    other.fetch :k",
            ],
            &[
                "    a = ld_client.variation(\"k{i}\", context, false)",
                "    if flags.enabled?('on_{i}')\n    end",
                "    b = client.fetch_boolean_value(flag_key: \"b{i}\", default_value: false)",
                "    c = ENV[\"FLAG_ENV_{i}\"] == \"true\"",
                "    d = ENV.fetch(\"FEATURE_F{i}\", \"false\")",
                "    e = ENV[\"DATABASE_URL\"]",
                "    f = unleash.is_enabled?(\"u_{i}\") && unleash.is_enabled(\"w_{i}\", ctx, nil)",
                "    g = @flags.enabled?(\"iv_{i}\") || self.flags.on?(\"s_{i}\")",
            ],
            "  end\nend\n",
            "    z = unleash.is_enabled? \"no_parens\"",
        );
        // A block after the call, a hash rocket, an interpolation, a symbol key, a heredoc,
        // a `Mod::` receiver.
        for bad in [
            "    z = ENV.fetch(\"FLAG_B\") { \"false\" }",
            "    z = client.fetch_boolean_value(:flag_key => \"x\", :default_value => false)",
            "    z = flags.enabled?(\"x_#{n}\")",
            "    z = flags.enabled?(:sym)",
            "    z = flags.enabled?(<<~K)\n      x\n    K",
            "    z = Mod::flags.enabled?(\"x\")",
        ] {
            let text = big(
                "describe X do\n",
                &["  x = 1"],
                &["  a = flags.enabled?(\"k{i}\")", bad],
                "end\n",
            );
            assert!(
                FastPath::new(rules())
                    .extract(Language::Ruby, "f", &text)
                    .is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn broken_files_and_rust_are_parsed() {
        let fp = FastPath::new(rules());
        let read = |lang, text: &str| fp.extract(lang, "f", text).map(|f| f.refs.len());
        // A small file is read; the same with a bracket left open (a syntax error the
        // parser reports) or a merge conflict goes to the parser.
        assert_eq!(read(Language::Python, "flags.is_on('x')\n"), Some(1));
        assert_eq!(
            read(Language::Python, "flags.is_on('x')\ndef f(:\n    pass\n"),
            None
        );
        assert_eq!(read(Language::Go, "x := flags.IsOn(\"x\")\n}\n"), None);
        assert_eq!(
            read(
                Language::Java,
                "class A {\n<<<<<<< HEAD\n  boolean a = flags.isOn(\"x\");\n=======\n>>>>>>> b\n}\n"
            ),
            None
        );
        // Brackets in strings and comments do not count.
        assert_eq!(
            read(
                Language::JavaScript,
                "// (\nconst s = '[';\nflags.isOn(`x`);\nflags.isOn(\"y\");\n/* { */\n"
            ),
            None // the template literal key is not plain: parse
        );
        assert_eq!(
            read(
                Language::JavaScript,
                "// (\nconst s = '[';\nflags.isOn(\"y\");\n/* { */\n"
            ),
            Some(1)
        );
        let rs = big("", &["let x = 1;"], &["let y = flags.is_on(\"x{i}\");"], "");
        assert_eq!(read(Language::Rust, &rs), None);
    }
}
