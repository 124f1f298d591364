//! Flags as symbols: a declaration rule with `symbol: true` names the binding a flag is declared
//! as (`var X = featureflag.NewFeatureFlag("x", ...)`, `X = new("X", ...)`, a typed constant,
//! a settings-module name). Every use of that name in code is a read of the flag:
//! `featureflag.X.IsEnabled(ctx)`, `featureflag.X` passed as a value, `dc.X.Get(col)` through
//! an import alias, `X` bare in its own package or module.
//!
//! After the first pass has found the declarations, this pass reads again only the files that
//! contain one of the symbol names as a word *and* can see a declaring package or module (the
//! same file or folder, or a mention of its package or module name). Their uses are recorded
//! as identifier paths and resolved like constant keys, import-aware: a use that does not
//! resolve to the declaration (another package's `X`) is no read. Where every use in a file
//! is qualified (Go `pkg.X` through an import, Python `settings.X`), the uses and the file's
//! imports are read from the text as the parser would read them ([`qualified_uses`]); any
//! other file's use regions are parsed.

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use super::extract::{FileFacts, RawRef};
use super::lexical::{Lexer, Verdict};
use crate::finding::Span;
use crate::lang::{is_test_path, Language};
use crate::rules::{RuleKind, RuleSet};
use crate::walk::{Generated, WalkOptions};

/// One declared symbol.
struct Symbol {
    lang: Language,
    name: String,
    /// The declaring file.
    file: String,
    /// The synthetic reference rule its uses are read with.
    rule: usize,
}

/// When some declaration has a symbol: read the uses into `facts` and return the rule set the
/// references now index into (`rules`' rules, then one `…:symbol` rule per declaration rule).
pub fn second_pass(
    facts: &mut Vec<FileFacts>,
    index: &super::index::FileIndex,
    go_imports: &HashMap<String, String>,
    trees: &HashMap<String, super::extract::KeptTree>,
    rules: &RuleSet,
    opts: &WalkOptions,
) -> Option<RuleSet> {
    let mut all = rules.rules.clone();
    let mut rule_of: HashMap<(usize, bool), usize> = HashMap::new();
    let mut symbols: Vec<Symbol> = Vec::new();
    // Declarations' symbols (`declared_only`: a use names a flag declared in code), and
    // accessors' (generated code included: a code generator writes them; the key is a
    // literal, declared or not).
    let mut symbol_rule = |rule: usize, declared_only: bool| {
        *rule_of.entry((rule, declared_only)).or_insert_with(|| {
            let mut r = rules.rules[rule].clone();
            r.id = format!("{}:symbol", r.id);
            r.kind = RuleKind::Reference;
            r.declared_only = declared_only;
            r.wrapper = false;
            r.symbol = true;
            r.key_pattern = None;
            r.fields.clear();
            all.push(r);
            all.len() - 1
        })
    };
    for f in facts.iter().filter(|f| !f.test) {
        let Some(lang) = f.language else { continue };
        let declared = f.decls.iter().filter(|_| !f.generated);
        let declared = declared.filter_map(|d| Some((d.symbol.as_ref()?, d.rule, true)));
        let accessors = f.accessors.iter().map(|(name, rule)| (name, *rule, false));
        for (name, rule, declared_only) in declared.chain(accessors) {
            symbols.push(Symbol {
                lang,
                name: name.clone(),
                file: f.path.clone(),
                rule: symbol_rule(rule, declared_only),
            });
        }
    }
    if symbols.is_empty() {
        return None;
    }
    let mut by_lang: HashMap<Language, HashMap<String, usize>> = HashMap::new();
    for s in &symbols {
        for l in s.lang.spec().shares_symbols_with {
            by_lang
                .entry(*l)
                .or_default()
                .entry(s.name.clone())
                .or_insert(s.rule);
        }
    }
    let set = RuleSet {
        rules: all,
        by_lang: HashMap::new(),
        env: rules.env.clone(),
        wrappers: false,
        symbols: by_lang,
    };
    let names: Vec<&str> = {
        let mut n: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
        n.sort_unstable();
        n.dedup();
        n
    };
    let finder = Finder::new(&names)?;
    // Name → what makes a file able to see one of its declarations.
    let mut seen_by: HashMap<&str, Vec<Visibility>> = HashMap::new();
    for s in &symbols {
        seen_by
            .entry(s.name.as_str())
            .or_default()
            .push(visibility(&s.file, s.lang));
    }
    // A JavaScript / TypeScript barrel (`index.ts`: `export { Flag } from "./flags"`) is a
    // way to see its modules' declarations too.
    let mut barrels: HashMap<&str, Vec<String>> = HashMap::new();
    for s in symbols
        .iter()
        .filter(|s| s.lang.spec().shares_symbols_with.len() > 1)
    {
        let seen = barrels
            .entry(s.file.as_str())
            .or_insert_with(|| barrels_of(&s.file, index));
        for b in seen.iter() {
            seen_by
                .entry(s.name.as_str())
                .or_default()
                .push(visibility(b, s.lang));
        }
    }
    // What the first pass found in each file: a use inside a read is that read itself; a use
    // inside a declaration is that declaration's own name (a spec map's entry key, the
    // binding), while another flag's symbol there (`B = parse(env("B") or str(A))`) is a use.
    let taken: HashMap<&str, Taken> = facts
        .iter()
        .map(|f| {
            let t = Taken {
                reads: f.refs.iter().map(|r| r.span).collect(),
                decls: f
                    .decls
                    .iter()
                    .map(|d| (d.site, d.expr.clone(), d.symbol.clone()))
                    .collect(),
            };
            (f.path.as_str(), t)
        })
        .collect();
    // Each declaring file (or barrel) once, for the first look at a file: one that can see
    // none of them needs no word scan.
    let mut all_vis: Vec<&Visibility> = seen_by.values().flatten().collect();
    all_vis.sort_by(|a, b| (&a.file, &a.name).cmp(&(&b.file, &b.name)));
    all_vis.dedup_by(|a, b| a.file == b.file && a.name == b.name);
    let packages: HashSet<&str> = all_vis.iter().map(|v| v.name.as_str()).collect();
    let generated = Generated::new(&opts.generated);
    let found: Vec<FileFacts> = index
        .par_iter()
        .filter(|(_, (lang, _))| set.symbols.contains_key(lang))
        .filter_map(|(rel, (lang, path))| {
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let in_declaring = all_vis.iter().any(|v| v.file == *rel || v.dir == dir);
            // A Go file outside the declaring folders sees only the packages it imports:
            // most need no second read.
            if let Some(dirs) = go_imports.get(rel.as_str()) {
                if !in_declaring && !all_vis.iter().any(|v| dirs.lines().any(|d| d == v.name)) {
                    return None;
                }
            }
            let bytes = super::read::read_source(path, opts.max_file_size).ok()?;
            if !all_vis.iter().any(|v| v.sees(*lang, rel, &bytes)) {
                return None;
            }
            let imports = (*lang == Language::Go).then(|| super::lexical::Imports::go(&bytes));
            // Outside every declaring folder, a Go file reaches a declaration only as `pkg.X`
            // through an import: the occurrences of `pkg.` are all there is to look at.
            let qualified = imports
                .as_ref()
                .filter(|_| !in_declaring)
                .and_then(|i| go_qualified_words(&bytes, i, &names, &seen_by, &packages));
            // Each name once per file, then whether the file can see a declaration of it.
            let mut hit = vec![false; names.len()];
            let at = qualified.unwrap_or_else(|| finder.words(&bytes));
            for &(_, p) in &at {
                hit[p] = true;
            }
            let mut sees: HashMap<&str, bool> = HashMap::new();
            let visible = hit.iter().enumerate().filter(|(_, h)| **h).any(|(i, _)| {
                seen_by[names[i]].iter().any(|v| {
                    *sees
                        .entry(v.file.as_str())
                        .or_insert_with(|| v.sees(*lang, rel, &bytes))
                })
            });
            if !visible {
                return None;
            }
            let text = std::str::from_utf8(&bytes).ok()?;
            // Only the uses that can mean a declaration, outside the reads the first pass
            // found: nothing else needs a parse.
            let at = uses(
                imports.as_ref(),
                rel,
                text.as_bytes(),
                at,
                &names,
                &seen_by,
                taken.get(rel.as_str()),
            );
            if at.is_empty() {
                return None;
            }
            // The regions around the names' uses (offsets in the text, after a BOM).
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let bom = bytes.len() - text.len();
            let at: Vec<(usize, usize)> = at
                .iter()
                .map(|&(a, n)| (a.saturating_sub(bom), n))
                .collect();
            let focus: Vec<usize> = at.iter().map(|a| a.0).collect();
            let focus = (!opts.whole_files).then_some(focus.as_slice());
            let lexed = (matches!(lang, Language::Go | Language::Python) && !opts.whole_files)
                .then(|| qualified_uses(*lang, rel, text, &at, &names, &set))
                .flatten();
            let mut f = match lexed {
                Some(f) => f,
                // The first pass's tree of a declaring file, where it holds every use: the
                // same facts as a new parse (whatever more it holds reads as `--whole-files`
                // does, which gives the same references).
                None => match trees
                    .get(rel.as_str())
                    .filter(|k| k.text == text && k.covers(at.iter().map(|a| a.0)))
                {
                    Some(kept) => super::read_kept(*lang, rel, kept, &set)?,
                    None => super::extract_file(*lang, rel, text, &set, true, focus).ok()?,
                },
            };
            if let Some(t) = taken.get(rel.as_str()) {
                f.refs.retain(|r| !t.covers(r));
            }
            // A use counts only where the name can mean the declaration: in the declaring
            // file or package, or through an import (`featureflag.X`, `from m import X`).
            // Other paths (`s.config.X`, a struct field `X` elsewhere) are not looked up.
            let in_scope = |name: &str| {
                seen_by.get(name).is_some_and(|vs| {
                    vs.iter().any(|v| {
                        v.file == *rel
                            || (lang.spec().modules.folder_shares_names()
                                && rel.rsplit_once('/').map_or("", |(d, _)| d) == v.dir)
                    })
                })
            };
            let heads: std::collections::HashSet<String> = f
                .imports
                .iter()
                .filter_map(|i| i.local.split('.').next().map(str::to_string))
                .collect();
            f.refs.retain(|r| match &r.key {
                super::extract::KeyExpr::Path(p) => {
                    let name = p.last().map(String::as_str).unwrap_or("");
                    heads.contains(&p[0]) || in_scope(name)
                }
                _ => false,
            });
            if f.refs.is_empty() {
                return None;
            }
            f.test = is_test_path(rel);
            f.generated = generated.is_generated(rel, text);
            Some(f)
        })
        .collect();
    super::wrapper::absorb_refs(facts, found);
    Some(set)
}

/// A file's symbol uses read from the text, when each is a qualified name (most uses outside
/// the declaring package or module are): Go `pkg.X` with `pkg` an import's local name,
/// Python a chain of names `settings.X`, `app.settings.X`. The references and imports are the
/// parser's, without a parse. None, for the parser, when a use is anything else (bare `X`, a
/// Go dot import, `pkg.X` with `pkg` no import, `f().X`, a use in an f-string's braces or in
/// an import statement), an import is not plainly written, or the file's brackets do not pair
/// up (a syntax error the parser recovers from in its own way). A use in a comment or a
/// string is none, as for the parser. `at`: (offset in `text`, index in `names`).
fn qualified_uses(
    lang: Language,
    rel: &str,
    text: &str,
    at: &[(usize, usize)],
    names: &[&str],
    set: &RuleSet,
) -> Option<FileFacts> {
    let symbols = set.symbols.get(&lang)?;
    let b = text.as_bytes();
    let mut lexer = Lexer::new(lang, b);
    if !lexer.reads_like_the_parser() {
        return None;
    }
    let (imports, statements) = match lang {
        Language::Go => (super::lexical::go_imports(b, &lexer), Vec::new()),
        Language::Python => super::lexical::python_imports(b, &lexer)?,
        _ => return None,
    };
    let spans = super::extract::Spans::new(text);
    let mut refs = Vec::new();
    for &(s, n) in at {
        if lexer.verdict_lexed(s) != Verdict::Code {
            continue;
        }
        if lexer.in_interpolation(s) || statements.iter().any(|&(a, e)| a <= s && s < e) {
            return None;
        }
        let name = names[n];
        let bare = s == 0 || b[s - 1] != b'.';
        if bare && lang == Language::Go && super::lexical::go_field_key(b, &lexer, s, name.len()) {
            continue; // `Config{X: v}` names a field
        }
        // The names before the use, back to the chain's head (Go: one, the package).
        let mut path = vec![name.to_string()];
        let mut from = s;
        loop {
            let dot = from.checked_sub(1).filter(|&d| b[d] == b'.')?;
            let start = b[..dot]
                .iter()
                .rposition(|&c| !is_ident(c))
                .map_or(0, |i| i + 1);
            if start == dot || b[start].is_ascii_digit() {
                return None; // `f().X`, `"s".X`, `a..X`, `1.X`
            }
            path.push(text[start..dot].to_string());
            from = start;
            if lang == Language::Go || start == 0 || b[start - 1] != b'.' {
                break;
            }
        }
        path.reverse();
        // Nothing before the head that continues the chain across white space (`x.\n pkg.X`,
        // `a. b.X`), or closes an operand the chain would hang from (`f() .X`).
        let mut p = from;
        let mut newline = false;
        while p > 0 && b[p - 1].is_ascii_whitespace() {
            newline |= b[p - 1] == b'\n';
            p -= 1;
        }
        let before = p.checked_sub(1).map(|i| b[i]);
        let continues = match before {
            Some(b'.' | b'\\') => true,
            Some(b')' | b']' | b'}' | b'"' | b'\'' | b'`') => !newline,
            _ => false,
        };
        if continues {
            return None;
        }
        if lang == Language::Go && !imports.iter().any(|i| i.local == path[0]) {
            return None;
        }
        refs.push(RawRef {
            rule: *symbols.get(name)?,
            key: super::extract::KeyExpr::Path(path),
            expr: text[from..s + name.len()].to_string(),
            span: spans.span(from, s + name.len()),
            default: None,
            test: false,
        });
    }
    Some(FileFacts {
        path: rel.to_string(),
        language: Some(lang),
        refs,
        imports,
        fast: true,
        ..Default::default()
    })
}

/// The occurrences `(offset, name index)` of names written `pkg.X` in a Go file, `pkg` the
/// local name of an import of a declaring package of `X` (its folder's name): in a file
/// outside every declaring folder, the occurrences [`uses`] keeps of all the name's words,
/// found by searching for `pkg.` alone. `packages`: every declaring package's name. None when
/// such a package is dot-imported (its names are bare then).
fn go_qualified_words(
    b: &[u8],
    imports: &super::lexical::Imports,
    names: &[&str],
    seen_by: &HashMap<&str, Vec<Visibility>>,
    packages: &HashSet<&str>,
) -> Option<Vec<(usize, usize)>> {
    let mut at = Vec::new();
    for (local, path) in imports.go_specs() {
        let dir = std::str::from_utf8(super::lexical::go_package_dir(path)).unwrap_or("");
        if local == b"_" || !packages.contains(dir) {
            continue;
        }
        if local == b"." {
            return None;
        }
        let pat = [local, b"."].concat();
        for i in memchr::memmem::find_iter(b, &pat) {
            if i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'.') {
                continue;
            }
            let s = i + pat.len();
            let e = s + b[s..]
                .iter()
                .position(|c| !is_ident(*c))
                .unwrap_or(b.len() - s);
            let Some(n) = std::str::from_utf8(&b[s..e])
                .ok()
                .and_then(|w| names.binary_search(&w).ok())
            else {
                continue;
            };
            if seen_by[names[n]].iter().any(|v| v.name == dir) {
                at.push((s, n));
            }
        }
    }
    at.sort_unstable();
    at.dedup();
    Some(at)
}

/// The offsets of the name occurrences `at` (offset, name index) that can be uses of a
/// declaration: Go code outside the declaring package reaches it only as `pkg.X` with `pkg`
/// a local name under which the file imports that package (or bare after a dot import);
/// occurrences inside a read the first pass found (`Enabled(features.X)`) are that read.
fn uses(
    imports: Option<&super::lexical::Imports>,
    rel: &str,
    b: &[u8],
    at: Vec<(usize, usize)>,
    names: &[&str],
    seen_by: &HashMap<&str, Vec<Visibility>>,
    taken: Option<&Taken>,
) -> Vec<(usize, usize)> {
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let qualifier_ok = |s: usize, v: &Visibility| -> bool {
        let Some(imports) = imports else {
            return true;
        };
        let before = &b[..s];
        let qualified = before.last() == Some(&b'.');
        // In its own package a Go name is written bare: `h.config.X` or `other.X` there is
        // a field, a method or another package's name, never this declaration.
        if v.file == rel || v.dir == dir {
            return !qualified;
        }
        let pkg = v.dir.rsplit('/').next().unwrap_or(&v.dir);
        imports.go_locals_of(pkg).any(|local| {
            if local == b"." {
                !qualified
            } else {
                qualified && {
                    let w = &before[..before.len() - 1];
                    w.ends_with(local)
                        && !w[..w.len() - local.len()]
                            .last()
                            .is_some_and(|c| is_ident(*c) || *c == b'.')
                }
            }
        })
    };
    // 1-based (line, character column) of the kept offsets, to test against the reads' spans
    // and the declarations' sites.
    let columns = super::extract::Columns::new(std::str::from_utf8(b).unwrap_or(""));
    let (mut line, mut line_start, mut from) = (1usize, 0usize, 0usize);
    let mut out = Vec::new();
    for (s, name) in at {
        if !seen_by[names[name]].iter().any(|v| qualifier_ok(s, v)) {
            continue;
        }
        if let Some(t) = taken.filter(|t| !t.reads.is_empty() || !t.decls.is_empty()) {
            for i in memchr::memchr_iter(b'\n', &b[from..s]) {
                line += 1;
                line_start = from + i + 1;
            }
            from = s;
            let pos = (line, columns.column(s, s - line_start));
            if t.reads
                .iter()
                .any(|r| pos >= (r.line, r.column) && pos < (r.end_line, r.end_column))
            {
                continue;
            }
            // A bare name inside its own declaration ([`Taken::covers`] drops it after a
            // parse), or just before it on its first line: the binding (`X = New("x")`, a
            // definition, no use).
            let n = names[name];
            let end = s + n.len();
            let end = (line, columns.column(end, end - line_start));
            let bare = s == 0 || b[s - 1] != b'.';
            if bare
                && t.decls.iter().any(|(site, _, sym)| {
                    sym.as_deref() == Some(n)
                        && (pos >= (site.line, site.column) || pos.0 == site.line)
                        && end <= (site.end_line, site.end_column)
                })
            {
                continue;
            }
        }
        out.push((s, name));
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// [`is_ident`] as a table.
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        c += 1;
    }
    t
};

/// Finds the whole-word occurrences of the symbol names in a file (every file of the
/// symbols' languages goes through it).
enum Finder<'n> {
    /// Every name is a word (non-empty, [`is_ident`] bytes only), so a whole-word
    /// occurrence is a word of the file equal to a name: one pass over the words, a table
    /// lookup a byte, and a map lookup for the words whose length and first byte a name has.
    /// Several times faster than an automaton over every byte (temporal: 169 names, the
    /// automaton was a fifth of the run).
    Words {
        index: HashMap<&'n [u8], usize>,
        first: Box<[bool; 256]>,
        min: usize,
        max: usize,
    },
    /// Otherwise: leftmost-longest (`AzureTerraform` is found as itself, not as `Azure` then
    /// nothing), and the matches that stand as whole words kept.
    Automaton(AhoCorasick),
}

impl<'n> Finder<'n> {
    fn new(names: &[&'n str]) -> Option<Finder<'n>> {
        // Up to 64 names the automaton has a SIMD prefilter (Teddy) that skips most of a
        // file, faster than looking at every word (gitaly: 778 M instructions with it,
        // 894 M without); beyond that it looks at every byte.
        let words = names.len() > 64
            && names
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(is_ident));
        if !words {
            // A DFA (one table lookup a byte), which the crate picks by itself only up to
            // 100 names; the NFA only when the DFA cannot be built.
            let build = |kind| {
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .kind(kind)
                    .build(names)
            };
            let ac = build(Some(aho_corasick::AhoCorasickKind::DFA))
                .or_else(|_| build(None))
                .ok()?;
            return Some(Finder::Automaton(ac));
        }
        let mut first = Box::new([false; 256]);
        for n in names {
            first[n.as_bytes()[0] as usize] = true;
        }
        Some(Finder::Words {
            index: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_bytes(), i))
                .collect(),
            first,
            min: names.iter().map(|n| n.len()).min().unwrap_or(0),
            max: names.iter().map(|n| n.len()).max().unwrap_or(0),
        })
    }

    /// `(offset, name index)` of each whole-word occurrence, in order.
    fn words(&self, bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut at = Vec::new();
        match self {
            Finder::Words {
                index,
                first,
                min,
                max,
            } => {
                let n = bytes.len();
                let mut i = 0;
                while i < n {
                    if !IDENT[bytes[i] as usize] {
                        i += 1;
                        continue;
                    }
                    let s = i;
                    i += 1;
                    while i < n && IDENT[bytes[i] as usize] {
                        i += 1;
                    }
                    let len = i - s;
                    if len >= *min && len <= *max && first[bytes[s] as usize] {
                        if let Some(&p) = index.get(&bytes[s..i]) {
                            at.push((s, p));
                        }
                    }
                }
            }
            Finder::Automaton(ac) => {
                for m in ac.find_iter(bytes) {
                    let (s, e) = (m.start(), m.end());
                    if !bytes[..s].last().is_some_and(|c| is_ident(*c))
                        && !bytes.get(e).is_some_and(|c| is_ident(*c))
                    {
                        at.push((s, m.pattern().as_usize()));
                    }
                }
            }
        }
        at
    }
}

/// A file's reads and declarations from the first pass.
struct Taken {
    reads: Vec<Span>,
    /// Site, key expression, symbol.
    decls: Vec<(Span, String, Option<String>)>,
}

impl Taken {
    fn covers(&self, r: &RawRef) -> bool {
        let last = r.expr.rsplit('.').next().unwrap_or(&r.expr);
        self.reads.iter().any(|s| within(&r.span, s))
            || self.decls.iter().any(|(site, expr, sym)| {
                within(&r.span, site) && (*expr == r.expr || sym.as_deref() == Some(last))
            })
    }
}

/// Whether span `a` lies inside span `b`.
fn within(a: &Span, b: &Span) -> bool {
    (a.line, a.column) >= (b.line, b.column)
        && (a.end_line, a.end_column) <= (b.end_line, b.end_column)
}

/// The `index` files of `file`'s folder and the folder above that re-export from it
/// (`export { Flag } from "./flags"`, `export * from "./flags"`): its barrels.
fn barrels_of(file: &str, index: &super::index::FileIndex) -> Vec<String> {
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    let parent = dir.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for d in [dir, parent] {
        for ext in ["ts", "tsx", "js", "mjs"] {
            let candidate = if d.is_empty() {
                format!("index.{ext}")
            } else {
                format!("{d}/index.{ext}")
            };
            if candidate == file || out.contains(&candidate) {
                continue;
            }
            let Some((_, path)) = index.get(&candidate) else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let reexports = text.lines().filter_map(|l| {
                let l = l.trim_start();
                if !l.starts_with("export") {
                    return None;
                }
                let from = l.rfind(" from ")?;
                let spec = l[from + 6..].trim().trim_end_matches(';').trim();
                let spec = spec.strip_prefix(['"', '\''])?.strip_suffix(['"', '\''])?;
                Some(spec.to_string())
            });
            let mut reexports = reexports;
            if reexports.any(|m| {
                super::resolve::js_module_files(&candidate, &m, index)
                    .iter()
                    .any(|f| f == file)
            }) {
                out.push(candidate);
            }
        }
        if d.is_empty() {
            break;
        }
    }
    out
}

/// What lets a file see a declaring file: being it, sharing its folder (Go and Java
/// packages), or mentioning its package or module name as a word.
struct Visibility {
    file: String,
    dir: String,
    /// The package or module name importers write (the folder for Go and a Python
    /// `__init__.py`, the file's stem otherwise).
    name: String,
}

fn visibility(path: &str, lang: Language) -> Visibility {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = file.split('.').next().unwrap_or(file);
    let dir_name = dir.rsplit('/').next().unwrap_or(dir);
    let name = if lang.spec().modules.names_its_folder(stem) {
        dir_name
    } else {
        stem
    };
    Visibility {
        file: path.to_string(),
        dir: dir.to_string(),
        name: name.to_string(),
    }
}

impl Visibility {
    fn sees(&self, lang: Language, rel: &str, bytes: &[u8]) -> bool {
        if rel == self.file {
            return true;
        }
        let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        if dir == self.dir && lang.spec().modules.folder_shares_names() {
            return true;
        }
        if self.name.is_empty() {
            return false;
        }
        let n = self.name.as_bytes();
        memchr::memmem::find_iter(bytes, n).any(|i| {
            !bytes[..i].last().is_some_and(|c| is_ident(*c))
                && !bytes.get(i + n.len()).is_some_and(|c| is_ident(*c))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::EnvSettings;

    /// A rule set whose only reads are uses of the symbols `NEW_UI` and `OLD_UI`.
    fn symbols_of(lang: Language) -> RuleSet {
        let mut set = RuleSet::load(&[], &[], EnvSettings::default()).unwrap();
        set.by_lang.clear();
        let names = [("NEW_UI".to_string(), 0), ("OLD_UI".to_string(), 1)];
        set.symbols = HashMap::from([(lang, names.into_iter().collect())]);
        set
    }

    fn shown(refs: &[RawRef]) -> Vec<String> {
        refs.iter()
            .map(|r| format!("{:?} {:?} {:?} {}", r.span, r.key, r.expr, r.rule))
            .collect()
    }

    /// The uses of `names` in a file read from the text, checked against the parse: the
    /// same references and imports, or None (the parser's).
    fn read_as(lang: Language, rel: &str, text: &str) -> Option<usize> {
        let set = symbols_of(lang);
        let names = ["NEW_UI", "OLD_UI"];
        let finder = Finder::new(&names).unwrap();
        let at = finder.words(text.as_bytes());
        let lexed = qualified_uses(lang, rel, text, &at, &names, &set)?;
        let parsed = crate::scan::extract_file(lang, rel, text, &set, true, None).unwrap();
        assert_eq!(shown(&lexed.refs), shown(&parsed.refs), "{text}");
        assert_eq!(lexed.imports, parsed.imports, "{text}");
        Some(lexed.refs.len())
    }

    fn read(text: &str) -> Option<usize> {
        read_as(Language::Python, "m.py", text)
    }

    /// A declaring file's uses read from the tree the first pass parsed (regions around its
    /// reads, or whole) are the uses a new parse focused on them gives.
    #[test]
    fn kept_trees_read_like_a_new_parse() {
        let set = symbols_of(Language::Python);
        let reads = RuleSet::load(&[], &[], EnvSettings::default()).unwrap();
        let text = "import os\n\nNEW_UI = os.environ.get(\"NEW_UI\")\nOLD_UI = NEW_UI\n\n\ndef f():\n    return 1\n\n\ndef g():\n    return os.environ.get(\"X\") or NEW_UI\n";
        let hits: Vec<usize> = text.match_indices("os.environ").map(|(i, _)| i).collect();
        for focus in [None, Some(hits.as_slice())] {
            let (_, tree) = crate::scan::extract_file_keeping(
                Language::Python,
                "m.py",
                text,
                &reads,
                true,
                focus,
            )
            .unwrap();
            let kept = crate::scan::extract::KeptTree {
                text: text.to_string(),
                tree: tree.unwrap(),
            };
            let uses: Vec<usize> = text.match_indices("NEW_UI").map(|(i, _)| i).collect();
            assert!(kept.covers(uses.iter().copied()), "{focus:?}");
            // `f`'s body has no read: left out of the regions' parse.
            let in_f = text.find("return 1").unwrap();
            assert_eq!(kept.covers(std::iter::once(in_f)), focus.is_none());
            let from_kept = crate::scan::read_kept(Language::Python, "m.py", &kept, &set).unwrap();
            let parsed =
                crate::scan::extract_file(Language::Python, "m.py", text, &set, true, Some(&uses))
                    .unwrap();
            assert_eq!(shown(&from_kept.refs), shown(&parsed.refs), "{focus:?}");
            assert_eq!(
                from_kept.refs.len(),
                2,
                "`OLD_UI = NEW_UI` and `... or NEW_UI`"
            );
        }
    }

    /// A bare Go name that keys a field of a named type's composite literal is no use, read
    /// from the text as the parser reads it; a key the text cannot place plainly (a map's or
    /// a slice's, an elided type's, a `case`) sends the file to the parser, which counts it.
    #[test]
    fn go_struct_literal_keys_read_like_the_parser() {
        let go = |body: &str| {
            let text = format!("package flags\n\nimport \"example.com/pkg\"\n\n{body}\n");
            read_as(Language::Go, "flags/x_test.go", &text)
        };
        for plain in [
            "var c = Config{NEW_UI: true}",
            "var c = &pkg.Config{\n\tOLD_UI: true,\n\tNEW_UI: pkg.NEW_UI,\n}",
            "var c = Config{A: f(1, []int{2}), /* { */ NEW_UI: \"}\"}",
            "func f() { g(pkg.Config {NEW_UI: 1}) }",
        ] {
            assert!(go(plain).is_some(), "{plain}");
        }
        assert_eq!(go("var c = &pkg.Config{NEW_UI: pkg.NEW_UI}"), Some(1));
        for (parsed, why) in [
            ("var m = map[string]bool{NEW_UI: true}", "a map's key"),
            ("var m = []bool{NEW_UI: true}", "a slice's index"),
            ("var s = []Config{{NEW_UI: true}}", "an elided type"),
            (
                "func f(x int) {\n\tswitch x {\n\tcase 1, NEW_UI:\n\t}\n}",
                "a case",
            ),
            ("var c = Config[int]{NEW_UI: 1}", "a generic type"),
            ("var x = NEW_UI", "a bare use"),
        ] {
            assert_eq!(go(parsed), None, "{why}");
        }
    }

    /// In its declaring package a Go name is a use only bare: `h.config.NEW_UI` there is a
    /// field (and `pkg.NEW_UI` another package's name, unless `pkg` imports a declaring
    /// one), so neither needs the parse a bare use sends the file to.
    #[test]
    fn go_qualified_names_in_the_declaring_package_are_no_uses() {
        let text = "package flags\n\nimport \"example.com/pkg\"\n\nfunc (h *H) f() bool {\n\treturn h.config.NEW_UI() && pkg.OLD_UI && NEW_UI.On()\n}\n";
        let names = ["NEW_UI", "OLD_UI"];
        let imports = crate::scan::lexical::Imports::go(text.as_bytes());
        // The uses `flags/h.go` keeps when both names are declared in `declaring`.
        let kept = |declaring: &str| {
            let at = Finder::new(&names).unwrap().words(text.as_bytes());
            assert_eq!(at.len(), 3);
            let seen_by: HashMap<&str, Vec<Visibility>> = names
                .iter()
                .map(|n| (*n, vec![visibility(declaring, Language::Go)]))
                .collect();
            let b = text.as_bytes();
            uses(Some(&imports), "flags/h.go", b, at, &names, &seen_by, None)
        };
        assert_eq!(
            kept("flags/flags.go"),
            vec![(text.find("NEW_UI.On").unwrap(), 0)]
        );
        // Outside the package, `pkg.OLD_UI` is one when `pkg` is the declaring package.
        assert_eq!(
            kept("lib/pkg/flags.go"),
            vec![(text.find("OLD_UI").unwrap(), 1)]
        );
    }

    /// Python uses written `module.NAME` are read without a parse, with the parser's
    /// references and imports (each import form as the adapter reads it); a use the text
    /// cannot give plainly sends the file to the parser.
    #[test]
    fn python_qualified_uses_read_like_the_parser() {
        let head = "\"\"\"Views.\"\"\"\nfrom __future__ import annotations\n\nimport logging  # noqa: F401\nfrom app import (  # the settings (module)\n    settings,\n    flags as ff,  # renamed\n)\nimport app.settings\nimport app.settings as conf, os.path\nfrom . import sibling\nfrom ..pkg.mod import one as uno, other\nfrom m import *\n\n\ndef gen():\n    yield from range(3)\n    try:\n        pass\n    except KeyError as e:\n        raise ValueError() from e\n\n\n";
        let uses = "def index():\n    if settings.NEW_UI and app.settings.NEW_UI:  # settings.OLD_UI here is a comment\n        return conf.OLD_UI, ff.NEW_UI\n    text = \"settings.OLD_UI in a string\"\n    return [settings.OLD_UI,\n            settings.NEW_UI]\n";
        assert_eq!(read(&format!("{head}{uses}")), Some(6));
        for (bad, why) in [
            ("x = f\"{settings.NEW_UI}\"\n", "in an f-string's braces"),
            ("x = NEW_UI\n", "a bare use"),
            ("x = get().NEW_UI\n", "on a call's result"),
            ("x = a. settings.NEW_UI\n", "a chain across white space"),
            ("x = (settings\n    .NEW_UI)\n", "a dot after a line break"),
            ("from app.settings import NEW_UI\n", "a name imported"),
            (
                "x = 1; import os\nx = settings.NEW_UI\n",
                "an import after `;`",
            ),
            (
                "from app \\\n    import settings\nx = settings.NEW_UI\n",
                "a continued import",
            ),
            ("import settings.NEW_UI\n", "in an import"),
            ("x = (settings.NEW_UI\n", "unbalanced"),
        ] {
            assert_eq!(read(&format!("{head}{bad}")), None, "{why}");
        }
    }
}
