//! The scanner: walk → prefilter → parse → extract → resolve. It finds every flag read
//! ([`Reference`]) and every key it could not resolve ([`Unresolved`]), and says which files it
//! skipped and why. It knows nothing of registries or providers.

pub(crate) mod csharp;
pub mod extract;
pub mod fastpath;
pub(crate) mod go;
pub mod guard;
pub mod index;
pub(crate) mod java;
pub(crate) mod js;
pub(crate) mod kotlin;
pub mod lexical;
pub(crate) mod php;
pub mod prefilter;
pub(crate) mod python;
pub mod read;
pub mod regions;
pub mod resolve;
pub(crate) mod ruby;
mod rust;
pub(crate) mod swift;
mod symbols;
mod text;
mod wrapper;

use serde::{Deserialize, Serialize};

use crate::finding::Span;
use crate::lang::{Language, Parser};
use crate::rules::RuleSet;
use crate::walk::{self, WalkOptions};

/// How a reference's key was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// A string literal at the call site.
    Literal,
    /// A constant, enum member or const-object field, in this file or imported.
    Constant,
    /// An environment variable name mapped to a flag key (`FLAG_X` → `x`).
    Env,
    /// A literal passed to a wrapper function that forwards it to an SDK call.
    Wrapper,
    /// A use of the flag's symbol (`featureflag.X.IsEnabled(ctx)`, `featureflag.X` passed as
    /// a value, `X` in its own package), the name its declaration is bound to.
    Symbol,
}

impl Via {
    /// The word for it in every output (`literal`, `constant`, `env`, `wrapper`, `symbol`).
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Literal => "literal",
            Via::Constant => "constant",
            Via::Env => "env",
            Via::Wrapper => "wrapper",
            Via::Symbol => "symbol",
        }
    }
}

/// One flag read in code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub flag: String,
    pub path: String,
    #[serde(flatten)]
    pub span: Span,
    pub language: Language,
    pub provider: String,
    pub rule: String,
    pub via: Via,
    /// The call-site default (fallback) value, when the call has a literal one.
    pub default: Option<serde_json::Value>,
    /// Whether the file is test code.
    pub test: bool,
    /// Whether the file is generated code (`Code generated ... DO NOT EDIT.`, config
    /// `generated:` globs).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
    /// For env reads: the variable name (`FLAG_NEW_CHECKOUT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// For constant keys: the expression as written (`FlagKey.NEW_CHECKOUT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// The consumer class of the file (config `consumers:`), when one matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<String>,
    /// The key as the SDK spells it (the rule's `key_case`): the join maps it to the flag it
    /// names ([`crate::inventory::Inventory::build`]).
    #[serde(skip)]
    pub key_case: Option<crate::rules::KeyCase>,
}

/// A flag declared in code by a `kind: declaration` rule, its key resolved. The registry
/// module turns these into [`crate::registry::Declaration`]s (`source: code`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeDecl {
    pub key: String,
    pub path: String,
    /// Where the key is.
    pub span: Span,
    pub language: Language,
    pub provider: String,
    pub rule: String,
    /// Declared attributes by field name (`owner`, `default`, `stage`, ...), each with its line.
    pub fields: Vec<(String, serde_json::Value, usize)>,
}

/// A flag read whose key cannot be known statically: it becomes a `dynamic-flag-key` finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    pub path: String,
    #[serde(flatten)]
    pub span: Span,
    pub language: Language,
    pub provider: String,
    pub rule: String,
    /// The key expression as written.
    pub expr: String,
    /// Why it could not be resolved.
    pub reason: String,
    pub test: bool,
}

/// A file the scan passed over, and why (defined with the listing, whose unreadable entries
/// are skipped files too).
pub use crate::walk::Skipped;

#[derive(Debug, Default, Clone, Serialize)]
pub struct Stats {
    /// Source files of a known language seen by the walk.
    pub files: usize,
    /// Files that passed the prefilter and were parsed.
    pub parsed: usize,
    /// Bytes of source read.
    pub bytes: u64,
}

#[derive(Debug, Default)]
pub struct ScanOutput {
    pub references: Vec<Reference>,
    /// Flags declared in code.
    pub declarations: Vec<CodeDecl>,
    pub unresolved: Vec<Unresolved>,
    pub skipped: Vec<Skipped>,
    /// Syntax errors: the file was still read, valid parts reported.
    pub parse_errors: Vec<Skipped>,
    /// `flagdebt: ignore[...]` comments found in source files.
    pub suppressions: Vec<crate::suppress::Suppression>,
    pub stats: Stats,
}

impl ScanOutput {
    /// The one order every list is kept in (path, position, then key), without duplicates.
    pub fn sort(&mut self) {
        self.declarations.sort_by(|a, b| {
            (&a.path, a.span.line, a.span.column, &a.key).cmp(&(
                &b.path,
                b.span.line,
                b.span.column,
                &b.key,
            ))
        });
        self.declarations.dedup();
        self.references.sort_by(|a, b| {
            (&a.path, a.span.line, a.span.column, &a.flag, &a.rule).cmp(&(
                &b.path,
                b.span.line,
                b.span.column,
                &b.flag,
                &b.rule,
            ))
        });
        self.references.dedup();
        self.unresolved
            .sort_by(|a, b| (&a.path, a.span, &a.rule).cmp(&(&b.path, b.span, &b.rule)));
        self.unresolved.dedup();
        self.skipped.sort();
        self.skipped.dedup();
        self.parse_errors.sort();
        self.suppressions.sort();
    }

    /// Add another root's output, each path rewritten by `prefix` (several roots in one run).
    pub fn absorb(&mut self, mut other: ScanOutput, prefix: impl Fn(&str) -> String) {
        other
            .references
            .iter_mut()
            .for_each(|r| r.path = prefix(&r.path));
        other
            .declarations
            .iter_mut()
            .for_each(|d| d.path = prefix(&d.path));
        other
            .unresolved
            .iter_mut()
            .for_each(|u| u.path = prefix(&u.path));
        other
            .skipped
            .iter_mut()
            .chain(&mut other.parse_errors)
            .for_each(|s| s.path = prefix(&s.path));
        other
            .suppressions
            .iter_mut()
            .for_each(|s| s.path = prefix(&s.path));
        self.references.extend(other.references);
        self.declarations.extend(other.declarations);
        self.unresolved.extend(other.unresolved);
        self.skipped.extend(other.skipped);
        self.parse_errors.extend(other.parse_errors);
        self.suppressions.extend(other.suppressions);
        self.stats.files += other.stats.files;
        self.stats.parsed += other.stats.parsed;
        self.stats.bytes += other.stats.bytes;
        self.sort();
    }
}

/// Text read as ripgrep reads it: each invalid UTF-8 byte replaced by U+FFFD. Valid text (all
/// but a few files) is borrowed after `str::from_utf8`'s check, several times faster on ASCII
/// than the byte-by-byte walk of `String::from_utf8_lossy`.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Scan one root. Paths in the output are relative to `root`.
pub fn scan(root: &std::path::Path, opts: &WalkOptions, rules: &RuleSet) -> ScanOutput {
    scan_listing(&walk::list(root, opts), opts, rules)
}

/// Scan a root already listed (the listing is shared with preset and registry discovery).
pub fn scan_listing(listing: &walk::Listing, opts: &WalkOptions, rules: &RuleSet) -> ScanOutput {
    guard::set_fixed_budget(opts.parse_budget_ms);
    // Everything that parses runs on workers with a large stack (see [`guard`]).
    match read::pool(opts.threads) {
        Ok(pool) => pool.install(|| scan_listing_in_pool(listing, opts, rules)),
        Err(_) => scan_listing_in_pool(listing, opts, rules),
    }
}

fn scan_listing_in_pool(
    listing: &walk::Listing,
    opts: &WalkOptions,
    rules: &RuleSet,
) -> ScanOutput {
    let root = listing.root.as_path();
    let pre = prefilter::Prefilter::for_listing(rules, listing);
    let walked = read::walk(listing, opts, &pre, rules);
    let mut out = ScanOutput {
        skipped: walked.skipped,
        parse_errors: walked.parse_errors,
        suppressions: walked.suppressions,
        stats: walked.stats,
        ..Default::default()
    };
    let files: index::FileIndex = walked.index.into();
    let go_imports = walked.go_imports;
    let trees = walked.trees;
    let mut facts = walked.facts;
    keep_in_scope(&mut facts, rules);
    let wrapped = wrapper::second_pass(&mut facts, &files, rules, opts);
    let rules = wrapped.as_ref().unwrap_or(rules);
    keep_in_scope(&mut facts, rules);
    let with_symbols = symbols::second_pass(&mut facts, &files, &go_imports, &trees, rules, opts);
    drop(trees);
    let rules = with_symbols.as_ref().unwrap_or(rules);
    keep_in_scope(&mut facts, rules);
    let resolved = resolve::resolve(root, facts, &files, rules, opts);
    out.references = resolved.references;
    out.unresolved = resolved.unresolved;
    out.declarations = resolved.declarations;
    out.skipped.extend(resolved.skipped);
    let (mut text_refs, text_skipped) = text::scan(listing, opts, rules);
    if rules.rules.iter().any(|r| r.scope.is_some()) {
        text_refs.retain(|t| {
            rules
                .rules
                .iter()
                .find(|r| r.id == t.rule)
                .is_none_or(|r| r.applies_to(&t.path))
        });
    }
    out.references.extend(text_refs);
    out.skipped.extend(text_skipped);
    out.sort();
    out
}

/// Leave out what rules scoped to other subprojects found (a preset whose marker is in one
/// subproject reads only there: [`crate::rules::Rule::scope`]).
fn keep_in_scope(facts: &mut [extract::FileFacts], rules: &RuleSet) {
    if rules.rules.iter().all(|r| r.scope.is_none()) {
        return;
    }
    for f in facts {
        let path = f.path.as_str();
        let ok = |i: usize| rules.rules.get(i).is_none_or(|r| r.applies_to(path));
        f.refs.retain(|r| ok(r.rule));
        f.decls.retain(|d| ok(d.rule));
        f.wrappers.retain(|w| ok(w.rule));
    }
}

/// Extract one file's facts with the right parser. `with_rules` false collects only constants
/// and imports. Err: why the file could not be read (see [`guard`]).
/// `hits`: where a read may start (see [`extract::extract_tree_sitter`]); None reads the whole
/// file.
pub fn extract_file(
    lang: Language,
    rel: &str,
    text: &str,
    rules: &RuleSet,
    with_rules: bool,
    hits: Option<&[usize]>,
) -> Result<extract::FileFacts, String> {
    extract_file_keeping(lang, rel, text, rules, with_rules, hits).map(|(facts, _)| facts)
}

/// [`extract_file`], with the syntax tree when the parser makes one (tree-sitter's).
pub fn extract_file_keeping(
    lang: Language,
    rel: &str,
    text: &str,
    rules: &RuleSet,
    with_rules: bool,
    hits: Option<&[usize]>,
) -> Result<(extract::FileFacts, Option<tree_sitter::Tree>), String> {
    match lang.spec().parser {
        Parser::TreeSitter(_, ad) => {
            extract::extract_tree_sitter(lang, rel, text, rules, with_rules, hits, ad)
                .map(|(facts, tree)| (facts, Some(tree)))
        }
        Parser::Syn => rust::extract(rel, text, rules, with_rules)
            .map(|facts| (facts, None))
            .ok_or_else(|| "could not be parsed".into()),
        Parser::None => Err("not source code".into()),
    }
}

/// A kept tree's facts read again with `rules` (the symbol pass's), as [`extract_file`] would
/// give them from a new parse of the same text.
pub fn read_kept(
    lang: Language,
    rel: &str,
    kept: &extract::KeptTree,
    rules: &RuleSet,
) -> Option<extract::FileFacts> {
    let ad = lang.spec().tree_sitter_adapter()?;
    Some(extract::read_tree(
        lang, rel, &kept.text, &kept.tree, rules, true, ad,
    ))
}
