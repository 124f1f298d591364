//! Rust, through syn: method calls (`client.get_bool_value("x", None, None).await`), path calls
//! (`std::env::var("FLAG_X")`, `var(..)` after `use std::env::var;`), flag reads inside macro
//! bodies (`assert!(flags.is_on("x"))`), `use` aliases and imports, and string constants
//! (`const`/`static` at module level, in inline `mod m { }` as `m.X`, in `impl T { }` as `T.X`).
//!
//! A file that does not parse is still read: the first error is reported, then the file is
//! re-read item by item from its tokens, and what is not an item is searched for expressions
//! (split at `,` / `;`, each brace group on its own). A file that does not even lex is cut
//! into chunks at lines that start an item, and each chunk that lexes is read that way.
//!
//! Calls are matched by [`match_call`], the rule matching every parser shares.

use std::collections::HashMap;
use std::str::FromStr;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use serde_json::Value;
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr, ImplItem, Item, Lit, Macro, Member, Token, UnOp, UseTree};

use super::extract::{match_call, Arg, FileFacts, Import, KeyExpr};
use crate::finding::Span;
use crate::lang::Language;
use crate::rules::{normalize_receiver, LangRules, RuleSet};

/// How deep the recovery (and macro-body) re-parsing may nest.
const MAX_DEPTH: usize = 48;

pub fn extract(rel: &str, text: &str, rules: &RuleSet, with_rules: bool) -> Option<FileFacts> {
    // proc-macro2 keeps every lexed source in a thread-local map; drop it when this file is
    // done (declared first, so it runs after every span below has been dropped).
    let _spans = ForgetSpans;
    let mut x = Extractor {
        text,
        base: Base::default(),
        rules,
        lr: if with_rules {
            rules.lang(Language::Rust)
        } else {
            None
        },
        aliases: HashMap::new(),
        facts: FileFacts {
            path: rel.to_string(),
            language: Some(Language::Rust),
            ..Default::default()
        },
        phase: Phase::Collect,
        mods: Vec::new(),
        impls: Vec::new(),
        fns: 0,
        tests: 0,
    };
    let src = blank_shebang(text);
    let mut units: Vec<Unit> = Vec::new();
    match TokenStream::from_str(&src) {
        Ok(ts) => {
            let tts: Vec<TokenTree> = ts.clone().into_iter().collect();
            if !shape_ok(&tts) {
                // Too deep for a recursive parser on a worker thread's stack: only the parts
                // small enough are parsed.
                units.push(Unit {
                    base: Base::default(),
                    items: Vec::new(),
                    junk: vec![ts],
                });
            } else {
                match syn::parse2::<syn::File>(ts.clone()) {
                    Ok(file) => units.push(Unit {
                        base: Base::default(),
                        items: file.items,
                        junk: Vec::new(),
                    }),
                    Err(e) => {
                        x.facts.syntax_error = Some(position(e.span()));
                        units.push(recover(ts, Base::default()));
                    }
                }
            }
        }
        Err(e) => {
            x.facts.syntax_error = Some(position(e.span()));
            for (base, chunk) in text_chunks(&src) {
                if let Ok(ts) = TokenStream::from_str(chunk) {
                    let tts: Vec<TokenTree> = ts.clone().into_iter().collect();
                    units.push(if shape_ok(&tts) {
                        recover(ts, base)
                    } else {
                        Unit {
                            base,
                            items: Vec::new(),
                            junk: vec![ts],
                        }
                    });
                }
            }
        }
    }
    for u in &units {
        x.base = u.base;
        for item in &u.items {
            x.visit_item(item);
        }
    }
    if x.lr.is_some() {
        x.phase = Phase::Refs;
        for u in &units {
            x.base = u.base;
            for item in &u.items {
                x.visit_item(item);
            }
            for junk in &u.junk {
                x.salvage(junk.clone(), 0);
            }
        }
    }
    drop(units);
    // Recovered items come before the salvaged runs between them: restore document order.
    x.facts.refs.sort_by_key(|r| r.span);
    Some(x.facts)
}

/// 1-based (line, column) of an error.
fn position(s: proc_macro2::Span) -> (usize, usize) {
    let at = s.start();
    if at.line == 0 {
        (1, 1)
    } else {
        (at.line, at.column + 1)
    }
}

/// How deep token groups may nest, and how many tokens an expression may run to, in what is
/// handed to syn: its parser, the visitor and the syntax tree's drop all recurse, on a worker
/// thread's stack (2 MiB; a debug build overflows at about 128 nested blocks).
const MAX_NEST: usize = 40;
const MAX_RUN: usize = 2000;

/// Whether a token run is shallow enough for syn (see [`MAX_NEST`]). Iterative.
fn shape_ok(tts: &[TokenTree]) -> bool {
    let mut todo: Vec<(TokenStream, usize)> = Vec::new();
    let check = |items: &mut dyn Iterator<Item = TokenTree>,
                 depth: usize,
                 todo: &mut Vec<(TokenStream, usize)>|
     -> bool {
        let mut run = 0;
        for tt in items {
            match &tt {
                TokenTree::Punct(p) if matches!(p.as_char(), ';' | ',') => run = 0,
                TokenTree::Group(g) => {
                    if depth >= MAX_NEST {
                        return false;
                    }
                    todo.push((g.stream(), depth + 1));
                    if g.delimiter() == Delimiter::Brace {
                        run = 0;
                    } else {
                        run += 1;
                    }
                }
                _ => run += 1,
            }
            if run > MAX_RUN {
                return false;
            }
        }
        true
    };
    if !check(&mut tts.iter().cloned(), 0, &mut todo) {
        return false;
    }
    while let Some((ts, depth)) = todo.pop() {
        if !check(&mut ts.into_iter(), depth, &mut todo) {
            return false;
        }
    }
    true
}

struct ForgetSpans;

impl Drop for ForgetSpans {
    fn drop(&mut self) {
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

/// Where a separately lexed piece of the file starts (0-based line, byte offset).
#[derive(Debug, Clone, Copy, Default)]
struct Base {
    line: usize,
    byte: usize,
}

/// One lexed piece of the file: its items and the token runs that were not items.
struct Unit {
    base: Base,
    items: Vec<Item>,
    junk: Vec<TokenStream>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// `use` aliases and imports, constants.
    Collect,
    /// Flag reads.
    Refs,
}

struct Extractor<'a> {
    text: &'a str,
    base: Base,
    rules: &'a RuleSet,
    lr: Option<&'a LangRules>,
    /// Local name → canonical dotted path (`env` → `std.env`, `var` → `std.env.var`).
    aliases: HashMap<String, String>,
    facts: FileFacts,
    phase: Phase,
    /// Enclosing inline modules.
    mods: Vec<String>,
    /// Enclosing `impl` blocks' type names.
    impls: Vec<String>,
    /// Function bodies entered (constants inside them are not module constants).
    fns: usize,
    /// Test items entered (`#[cfg(test)] mod`, `#[test] fn`): their reads are test reads.
    tests: usize,
}

/// `#[cfg(test)]`, or a test function's attribute (`#[test]`, `#[tokio::test]`, ...).
fn is_test_attr(a: &syn::Attribute) -> bool {
    let path = a.path();
    if path.is_ident("cfg") {
        return matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "test");
    }
    path.segments.last().is_some_and(|s| s.ident == "test")
}

/// A shebang line (`#!/usr/bin/env ...`, not `#![attr]`) blanked out, so that offsets stay.
fn blank_shebang(text: &str) -> std::borrow::Cow<'_, str> {
    if let Some(rest) = text.strip_prefix("#!") {
        if !rest.trim_start().starts_with('[') {
            let end = text.find('\n').unwrap_or(text.len());
            return format!("{}{}", " ".repeat(end), &text[end..]).into();
        }
    }
    text.into()
}

/// Cut a file that does not lex at lines that start (in column 1) an item.
fn text_chunks(text: &str) -> Vec<(Base, &str)> {
    const STARTS: &[&str] = &[
        "fn ",
        "pub ",
        "pub(",
        "impl",
        "mod ",
        "use ",
        "const ",
        "static ",
        "struct ",
        "enum ",
        "trait ",
        "type ",
        "#[",
        "async ",
        "unsafe ",
        "extern ",
        "macro_rules!",
    ];
    let mut out = Vec::new();
    let mut start = Base::default();
    let (mut line, mut byte) = (0, 0);
    for l in text.split_inclusive('\n') {
        if byte > start.byte && STARTS.iter().any(|s| l.starts_with(s)) {
            out.push((start, &text[start.byte..byte]));
            start = Base { line, byte };
        }
        line += 1;
        byte += l.len();
    }
    if byte > start.byte {
        out.push((start, &text[start.byte..]));
    }
    out
}

fn starts_item(input: ParseStream) -> bool {
    input.peek(Token![fn])
        || input.peek(Token![pub])
        || input.peek(Token![impl])
        || input.peek(Token![mod])
        || input.peek(Token![use])
        || input.peek(Token![const])
        || input.peek(Token![static])
        || input.peek(Token![struct])
        || input.peek(Token![enum])
        || input.peek(Token![trait])
        || input.peek(Token![type])
        || input.peek(Token![#])
        || input.peek(Token![async])
        || input.peek(Token![unsafe])
        || input.peek(Token![extern])
}

/// Parse items one at a time; what does not parse is skipped up to the next token that can
/// start an item, and kept for [`Extractor::salvage`].
fn recover(ts: TokenStream, base: Base) -> Unit {
    let parser = |input: ParseStream| -> syn::Result<(Vec<Item>, Vec<TokenStream>)> {
        let mut items = Vec::new();
        let mut junk = Vec::new();
        while !input.is_empty() {
            let fork = input.fork();
            if let Ok(item) = fork.parse::<Item>() {
                input.advance_to(&fork);
                items.push(item);
                continue;
            }
            let mut skipped = TokenStream::new();
            loop {
                let tt: TokenTree = input.parse()?;
                skipped.extend([tt]);
                if input.is_empty() || starts_item(input) {
                    break;
                }
            }
            junk.push(skipped);
        }
        Ok((items, junk))
    };
    let (items, junk) = parser.parse2(ts).unwrap_or_default();
    Unit { base, items, junk }
}

/// Split a token run at top-level punctuation `seps`.
fn split_top(tts: &[TokenTree], seps: &[char]) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for tt in tts {
        match tt {
            TokenTree::Punct(p) if seps.contains(&p.as_char()) && p.spacing() == Spacing::Alone => {
                out.push(Vec::new())
            }
            _ => out.last_mut().expect("never empty").push(tt.clone()),
        }
    }
    out
}

/// The first top-level `=`, `=>` or lone `:` of a token run: (index, length).
fn cut_point(tts: &[TokenTree]) -> Option<(usize, usize)> {
    let mut prev_joint = false;
    for (i, tt) in tts.iter().enumerate() {
        let TokenTree::Punct(p) = tt else {
            prev_joint = false;
            continue;
        };
        let joint = p.spacing() == Spacing::Joint;
        if !prev_joint {
            match (p.as_char(), joint) {
                ('=', false) | (':', false) => return Some((i, 1)),
                ('=', true) => {
                    if let Some(TokenTree::Punct(n)) = tts.get(i + 1) {
                        if n.as_char() == '>' {
                            return Some((i, 2));
                        }
                    }
                }
                _ => {}
            }
        }
        prev_joint = joint;
    }
    None
}

impl Extractor<'_> {
    fn span(&self, s: proc_macro2::Span) -> Span {
        let (a, b) = (s.start(), s.end());
        Span {
            line: a.line + self.base.line,
            column: a.column + 1,
            end_line: b.line + self.base.line,
            end_column: b.column + 1,
        }
    }

    /// The source text under a span.
    fn source(&self, s: proc_macro2::Span) -> &str {
        let r = s.byte_range();
        self.text
            .get(self.base.byte + r.start..self.base.byte + r.end)
            .unwrap_or("")
    }

    /// A call `receiver.name(args)` or `path::name(args)` (receiver text as written).
    /// Whether a call named `name` can match a rule: the name is a rule's callee name, or a
    /// bare call whose name is a `use` alias (`var` → `std.env.var`). A cheap test before the
    /// receiver's text and the spans are computed.
    fn candidate(&self, has_receiver: bool, name: &str) -> bool {
        self.lr.is_some_and(|lr| {
            lr.calls.contains_key(name) || !has_receiver && self.aliases.contains_key(name)
        })
    }

    /// A call `receiver.name(args)` or `path::name(args)` (receiver text as written); `node`
    /// gives the call's span (computed only for a match: syn re-tokenizes to find it).
    fn call(
        &mut self,
        node: impl FnOnce() -> proc_macro2::Span,
        receiver: Option<&str>,
        name: &str,
        args: &[&Expr],
    ) {
        let Some(lr) = self.lr else { return };
        let args: Vec<Arg<&Expr>> = args
            .iter()
            .map(|e| Arg {
                keyword: None,
                value: *e,
            })
            .collect();
        let receiver = receiver.map(normalize_receiver);
        let found = match_call(
            self.rules,
            lr,
            &self.aliases,
            receiver.as_deref(),
            name,
            &args,
            None,
            |e| (self.key(e), self.source(e.span()).to_string()),
            literal,
        );
        if let Some(mut r) = found {
            r.span = self.span(node());
            r.test = self.tests > 0;
            self.facts.refs.push(r);
        }
    }

    fn key(&self, e: &Expr) -> KeyExpr {
        if let Some(s) = str_value(e) {
            return KeyExpr::Literal(s);
        }
        let dynamic = |why: &str| KeyExpr::Dynamic(why.to_string());
        match e {
            Expr::Reference(r) => self.key(&r.expr),
            Expr::Paren(p) => self.key(&p.expr),
            Expr::Group(g) => self.key(&g.expr),
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => self.key(&u.expr),
            Expr::Path(p) if p.qself.is_none() => {
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                self.key_path(segs)
            }
            Expr::Field(_) => match field_path(e) {
                Some(p) => KeyExpr::Path(p),
                None => dynamic("a field of an expression"),
            },
            Expr::MethodCall(m) if m.args.is_empty() && is_conversion(&m.method.to_string()) => {
                self.key(&m.receiver)
            }
            Expr::MethodCall(_) => dynamic("a method call's result"),
            Expr::Call(c) if c.args.len() == 1 && is_conversion_fn(&c.func) => self.key(&c.args[0]),
            Expr::Call(_) => dynamic("a call's result"),
            Expr::Macro(m) => {
                let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
                match name.as_deref() {
                    Some("format") => dynamic("a format! string"),
                    Some(n) => KeyExpr::Dynamic(format!("the result of {n}!")),
                    None => dynamic("a macro's result"),
                }
            }
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_)) => dynamic("a concatenation"),
            Expr::Binary(_) | Expr::Unary(_) => dynamic("an operator expression"),
            Expr::Lit(_) => dynamic("a non-string literal"),
            Expr::If(_) => dynamic("an if expression"),
            Expr::Match(_) => dynamic("a match expression"),
            Expr::Block(_) | Expr::Unsafe(_) => dynamic("a block"),
            Expr::Index(_) => dynamic("an index expression"),
            Expr::Closure(_) => dynamic("a closure"),
            Expr::Await(_) => dynamic("an awaited value"),
            Expr::Try(_) => dynamic("a `?` result"),
            _ => dynamic("an expression"),
        }
    }

    /// An identifier path key: `Self::X` inside `impl T` is `T.X`, `self::X` / `super::X`
    /// are relative to the enclosing inline module, and a bare name inside `mod m` is `m.X`
    /// when the file defines that constant.
    fn key_path(&self, mut segs: Vec<String>) -> KeyExpr {
        if segs.first().is_some_and(|s| s == "Self") {
            if let Some(t) = self.impls.last() {
                segs[0] = t.clone();
            }
        } else if segs.first().is_some_and(|s| s == "self" || s == "super") {
            let mut module = self.mods.clone();
            if segs[0] == "self" {
                segs.remove(0);
            }
            while segs.first().is_some_and(|s| s == "super") && !module.is_empty() {
                segs.remove(0);
                module.pop();
            }
            module.extend(segs);
            segs = module;
        } else if !self.mods.is_empty() {
            let q: Vec<String> = self.mods.iter().chain(&segs).cloned().collect();
            if self.facts.constants.contains_key(&q.join(".")) {
                segs = q;
            }
        }
        KeyExpr::Path(segs)
    }

    /// Token groups nested deeper than [`MAX_DEPTH`] are not read: say so, once per file.
    fn too_deep(&mut self) {
        if self.phase == Phase::Refs && self.facts.notes.is_empty() {
            self.facts.notes.push(format!(
                "code nested deeper than {MAX_DEPTH} brackets was not read (flag reads in it are not reported)"
            ));
        }
    }

    /// Search a token run that is not known to be an item or an expression for expressions
    /// (macro bodies that are not plain argument lists, the unparseable parts of a file).
    fn salvage(&mut self, ts: TokenStream, depth: usize) {
        if depth > MAX_DEPTH {
            self.too_deep();
            return;
        }
        let tts: Vec<TokenTree> = ts.into_iter().collect();
        for chunk in split_top(&tts, &[',', ';']) {
            self.salvage_chunk(&chunk, depth);
        }
    }

    fn salvage_chunk(&mut self, tts: &[TokenTree], depth: usize) {
        if tts.is_empty() {
            return;
        }
        if depth > MAX_DEPTH {
            self.too_deep();
            return;
        }
        if shape_ok(tts) {
            let ts: TokenStream = tts.iter().cloned().collect();
            if let Ok(e) = syn::parse2::<Expr>(ts.clone()) {
                self.visit_expr(&e);
                return;
            }
            let mut with_semi = ts;
            with_semi.extend([TokenTree::Punct(proc_macro2::Punct::new(
                ';',
                Spacing::Alone,
            ))]);
            if let Ok(stmts) = syn::Block::parse_within.parse2(with_semi) {
                for s in &stmts {
                    self.visit_stmt(s);
                }
                return;
            }
        }
        // `let x = <expr>`, `pat => <expr>`, `"key": <expr>`: retry after the cut; search the
        // groups before it (a function whose body has an error: its `{ ... }`).
        let (head, tail) = match cut_point(tts) {
            Some((i, n)) => (&tts[..i], &tts[i + n..]),
            None => (tts, &[][..]),
        };
        for tt in head {
            if let TokenTree::Group(g) = tt {
                self.salvage(g.stream(), depth + 1);
            }
        }
        self.salvage_chunk(tail, depth + 1);
    }

    fn import_tree(&mut self, tree: &UseTree, prefix: &mut Vec<String>) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.import_tree(&p.tree, prefix);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                self.bind(prefix, &name, None);
            }
            UseTree::Rename(r) => {
                let name = r.ident.to_string();
                self.bind(prefix, &name, Some(r.rename.to_string()));
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.import_tree(t, prefix);
                }
            }
            UseTree::Glob(_) => {}
        }
    }

    /// `use a::b::name [as local];` (`name` may be `self`: `use a::b::{self}` binds `b`).
    fn bind(&mut self, prefix: &[String], name: &str, rename: Option<String>) {
        let (module, item): (&[String], &str) = if name == "self" {
            match prefix.split_last() {
                Some((last, rest)) => (rest, last.as_str()),
                None => return,
            }
        } else {
            (prefix, name)
        };
        let local = rename.unwrap_or_else(|| item.to_string());
        if local == "_" {
            return;
        }
        let canon: Vec<&str> = module.iter().map(String::as_str).chain([item]).collect();
        self.aliases.insert(local.clone(), canon.join("."));
        self.facts.imports.push(Import {
            local,
            module: module.join("::"),
            item: (!module.is_empty()).then(|| item.to_string()),
        });
    }

    fn constant(&mut self, name: &syn::Ident, value: &Expr, in_type: Option<&str>) {
        if self.fns > 0 {
            return;
        }
        let Some(v) = str_value(value) else { return };
        let mut path = self.mods.join(".");
        for seg in in_type.into_iter().chain([name.to_string().as_str()]) {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(seg);
        }
        self.facts.constants.entry(path).or_insert(v);
    }
}

impl<'ast> Visit<'ast> for Extractor<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if self.phase == Phase::Collect {
            self.import_tree(&u.tree, &mut Vec::new());
        }
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        if self.phase == Phase::Collect {
            self.constant(&c.ident, &c.expr, None);
        }
        visit::visit_item_const(self, c);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        if self.phase == Phase::Collect {
            self.constant(&s.ident, &s.expr, None);
        }
        visit::visit_item_static(self, s);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let test = usize::from(m.attrs.iter().any(is_test_attr));
        self.tests += test;
        self.mods.push(m.ident.to_string());
        visit::visit_item_mod(self, m);
        self.mods.pop();
        self.tests -= test;
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let name = match &*i.self_ty {
            syn::Type::Path(p) if p.qself.is_none() => {
                p.path.segments.last().map(|s| s.ident.to_string())
            }
            _ => None,
        };
        let Some(name) = name else {
            return visit::visit_item_impl(self, i);
        };
        if self.phase == Phase::Collect && self.fns == 0 {
            for item in &i.items {
                if let ImplItem::Const(c) = item {
                    self.constant(&c.ident, &c.expr, Some(&name));
                }
            }
        }
        self.impls.push(name);
        visit::visit_item_impl(self, i);
        self.impls.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let test = usize::from(f.attrs.iter().any(is_test_attr));
        self.tests += test;
        self.fns += 1;
        visit::visit_item_fn(self, f);
        self.fns -= 1;
        self.tests -= test;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.fns += 1;
        visit::visit_impl_item_fn(self, f);
        self.fns -= 1;
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.fns += 1;
        visit::visit_trait_item_fn(self, f);
        self.fns -= 1;
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        // Constants and imports live in items: the first pass does not look into expressions
        // (a function body's own `use`s are statements, still seen).
        if self.phase == Phase::Collect {
            return;
        }
        visit::visit_expr(self, e);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let name = m.method.to_string();
        if self.candidate(true, &name) {
            let receiver = self.source(m.receiver.span()).to_string();
            let args: Vec<&Expr> = m.args.iter().collect();
            self.call(|| m.span(), Some(&receiver), &name, &args);
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            if p.qself.is_none() {
                let mut segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if let Some(name) = segs.pop() {
                    if self.candidate(!segs.is_empty(), &name) {
                        let receiver = (!segs.is_empty()).then(|| segs.join("."));
                        let args: Vec<&Expr> = c.args.iter().collect();
                        self.call(|| c.span(), receiver.as_deref(), &name, &args);
                    }
                }
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'ast Macro) {
        if self.phase != Phase::Refs {
            return;
        }
        let list = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(m.tokens.clone());
        match list {
            Ok(exprs) => {
                for e in &exprs {
                    self.visit_expr(e);
                }
            }
            Err(_) => self.salvage(m.tokens.clone(), 0),
        }
    }
}

/// A string the expression certainly is: `"x"`, `&"x"`, `"x".to_string()`, `String::from("x")`,
/// `concat!("a", "b")`, `format!("x")` (no placeholders).
fn str_value(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Reference(r) => str_value(&r.expr),
        Expr::Paren(p) => str_value(&p.expr),
        Expr::Group(g) => str_value(&g.expr),
        Expr::MethodCall(m) if m.args.is_empty() && is_conversion(&m.method.to_string()) => {
            str_value(&m.receiver)
        }
        Expr::Call(c) if c.args.len() == 1 && is_conversion_fn(&c.func) => str_value(&c.args[0]),
        Expr::Macro(m) => {
            let name = m.mac.path.segments.last()?.ident.to_string();
            let args = m
                .mac
                .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
                .ok()?;
            match name.as_str() {
                "concat" => args.iter().map(str_value).collect(),
                "format" if args.len() == 1 => {
                    let s = str_value(&args[0])?;
                    (!s.contains(['{', '}'])).then_some(s)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Methods that turn a string into a string (`"x".to_string()`).
fn is_conversion(method: &str) -> bool {
    matches!(
        method,
        "to_string" | "to_owned" | "into" | "as_str" | "as_ref" | "clone" | "borrow"
    )
}

/// Functions that turn a string into a string (`String::from("x")`, `Cow::Borrowed("x")`).
fn is_conversion_fn(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let segs: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let tail: Vec<&str> = segs
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(String::as_str)
        .collect();
    matches!(
        tail.as_slice(),
        ["String", "from"]
            | ["Cow", "from"]
            | ["Cow", "Borrowed"]
            | ["Cow", "Owned"]
            | ["ToString", "to_string"]
            | ["ToOwned", "to_owned"]
            | ["Into", "into"]
            | ["From", "from"]
            | ["str", "to_string"]
            | ["str", "to_owned"]
    )
}

/// `self.flags.key`, `CONFIG.key`: a dotted path of named fields over a path.
fn field_path(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Path(p) if p.qself.is_none() => Some(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect(),
        ),
        Expr::Field(f) => {
            let Member::Named(name) = &f.member else {
                return None;
            };
            let mut path = field_path(&f.base)?;
            path.push(name.to_string());
            Some(path)
        }
        _ => None,
    }
}

/// A call-site default: a bool, number or string literal (`-1`, `&"x"`, `None` as null).
fn literal(e: &Expr) -> Option<Value> {
    if let Some(s) = str_value(e) {
        return Some(Value::String(s));
    }
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Bool(b) => Some(Value::Bool(b.value)),
            Lit::Int(i) => i.base10_parse::<i64>().ok().map(Value::from),
            Lit::Float(f) => f.base10_parse::<f64>().ok().map(Value::from),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match literal(&u.expr)? {
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Some(Value::from(-i))
                } else {
                    n.as_f64().map(|f| Value::from(-f))
                }
            }
            _ => None,
        },
        Expr::Reference(r) => literal(&r.expr),
        Expr::Paren(p) => literal(&p.expr),
        Expr::Group(g) => literal(&g.expr),
        Expr::Path(p) if p.path.is_ident("None") => Some(Value::Null),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::EnvSettings;
    use serde_json::json;

    fn rules() -> RuleSet {
        RuleSet::load(&[], &[], EnvSettings::default()).unwrap()
    }

    fn facts(src: &str) -> FileFacts {
        extract("src/lib.rs", src, &rules(), true).expect("facts")
    }

    /// (rule id, key, line, column, default) of every reference.
    fn refs(src: &str) -> Vec<(String, KeyExpr, usize, usize, Option<Value>)> {
        let rules = rules();
        let f = extract("src/lib.rs", src, &rules, true).expect("facts");
        f.refs
            .into_iter()
            .map(|r| {
                (
                    rules.rules[r.rule].id.clone(),
                    r.key,
                    r.span.line,
                    r.span.column,
                    r.default,
                )
            })
            .collect()
    }

    fn lit(s: &str) -> KeyExpr {
        KeyExpr::Literal(s.into())
    }

    fn one(src: &str) -> (String, KeyExpr, usize, usize, Option<Value>) {
        let mut r = refs(src);
        assert_eq!(r.len(), 1, "{src}: {r:?}");
        r.remove(0)
    }

    #[test]
    fn every_rust_rule_shape() {
        let cases: &[(&str, &str, &str, usize, Option<Value>)] = &[
            (
                "async fn f() { let on = client.get_bool_value(\"of\", None, None).await; }",
                "openfeature-rust",
                "of",
                25,
                None,
            ),
            (
                "async fn f() -> R { client.get_string_details(\"of-s\", Some(&ctx), None).await?; }",
                "openfeature-rust",
                "of-s",
                21,
                None,
            ),
            (
                "fn f() { let v = client.bool_variation(&context, \"ld\", false); }",
                "launchdarkly-rust",
                "ld",
                18,
                Some(json!(false)),
            ),
            (
                "fn f() { client.int_variation(&ctx, \"ld-i\", -3); }",
                "launchdarkly-rust",
                "ld-i",
                10,
                Some(json!(-3)),
            ),
            (
                "fn f() { client.float_variation(&ctx, \"ld-f\", 0.5); }",
                "launchdarkly-rust",
                "ld-f",
                10,
                Some(json!(0.5)),
            ),
            (
                "fn f() { client.str_variation(&ctx, \"ld-s\", \"dflt\".to_string()); }",
                "launchdarkly-rust",
                "ld-s",
                10,
                Some(json!("dflt")),
            ),
            (
                "fn f() { self.flagsmith.is_feature_enabled(\"fs\"); }",
                "flagsmith-rust",
                "fs",
                10,
                None,
            ),
            (
                "fn f() { flags.get_feature_value_as_string(\"fs-v\")?; }",
                "flagsmith-rust",
                "fs-v",
                10,
                None,
            ),
            (
                "fn f() { unleash.is_enabled_str(\"un\", None, true); }",
                "unleash-rust",
                "un",
                10,
                Some(json!(true)),
            ),
            (
                "fn f() { self.unleash_client.is_enabled(\"un2\", Some(&ctx), false); }",
                "unleash-rust",
                "un2",
                10,
                Some(json!(false)),
            ),
            (
                "fn f() { if flags.is_on(\"ih\") {} }",
                "inhouse-rust",
                "ih",
                13,
                None,
            ),
            (
                "fn f() { app.flags.is_off(\"ih-off\"); }",
                "inhouse-rust",
                "ih-off",
                10,
                None,
            ),
            (
                "fn f() { std::env::var(\"FLAG_E\").is_ok(); }",
                "env-rust",
                "FLAG_E",
                10,
                None,
            ),
            (
                "fn f() { env::var_os(\"FEATURE_X\"); }",
                "env-rust",
                "FEATURE_X",
                10,
                None,
            ),
        ];
        for (src, rule, key, col, default) in cases {
            let (r, k, line, c, d) = one(src);
            assert_eq!(
                (r.as_str(), k, line, c, d),
                (*rule, lit(key), 1, *col, default.clone()),
                "{src}"
            );
        }
    }

    #[test]
    fn end_position_and_multiline() {
        let src =
            "fn f() {\n    let x = 1;\n    client\n        .bool_variation(&c, \"k\", true);\n}\n";
        let f = facts(src);
        assert_eq!(f.refs.len(), 1);
        let s = f.refs[0].span;
        assert_eq!((s.line, s.column, s.end_line, s.end_column), (3, 5, 4, 39));
        assert_eq!(f.refs[0].expr, "\"k\"");
    }

    #[test]
    fn columns_count_characters() {
        let (_, _, line, col, _) = one("fn f() { let é = \"ü\"; let y = flags.is_on(\"x\"); }");
        assert_eq!((line, col), (1, 31));
    }

    #[test]
    fn reads_inside_macros_at_their_real_position() {
        let src = r#"
fn t() {
    assert!(flags.is_on("in-assert"));
    debug_assert!(!flags.is_off("in-debug"), "message {}", 1);
    println!("{}", client.get_bool_value("in-println", None, None).await);
    let s = format!("{:?}", flags.is_on("in-format"));
    let v = vec![flags.is_on("in-vec"), flags.is_on("in-vec2")];
    let w = vec![flags.is_on("in-repeat"); 3];
    let m = matches!(flags.is_on("in-matches"), true);
    assert_eq!(outer!(flags.is_on("nested")), Some(x) if x);
    let j = json!({ "a": flags.is_on("in-json") });
}
"#;
        let got: Vec<(KeyExpr, usize, usize)> =
            refs(src).into_iter().map(|r| (r.1, r.2, r.3)).collect();
        assert_eq!(
            got,
            vec![
                (lit("in-assert"), 3, 13),
                (lit("in-debug"), 4, 20),
                (lit("in-println"), 5, 20),
                (lit("in-format"), 6, 29),
                (lit("in-vec"), 7, 18),
                (lit("in-vec2"), 7, 41),
                (lit("in-repeat"), 8, 18),
                (lit("in-matches"), 9, 22),
                (lit("nested"), 10, 23),
                (lit("in-json"), 11, 26),
            ]
        );
    }

    #[test]
    fn comments_strings_and_other_receivers_give_nothing() {
        let src = r##"
//! flags.is_on("inner-doc")
/// flags.is_on("doc")
fn f() {
    // flags.is_on("comment")
    /* flags.is_on("block") */
    let s = "flags.is_on(\"string\")";
    let r = r#"client.bool_variation(&c, "raw", false)"#;
    println!("flags.is_on(\"fmt\") {}", 1);
    println!("{}", flags_is_on);
    plugin.is_on("plugin");
    flags.is_enabled("wrong-method");
    env::var("HOME");
    std::env::var("DATABASE_URL");
}
#[doc = "flags.is_on(\"attr\")"]
struct S;
"##;
        assert_eq!(refs(src), vec![]);
    }

    #[test]
    fn env_reads() {
        let src = r#"
use std::env;
use std::env::var;
use std::env::var_os as os_var;
fn f() {
    env::var("FLAG_A");
    var("FLAG_B");
    os_var("FF_C");
    std::env::var(format!("FLAG_{}", name));
    std::env::var(name);
    var("PATH");
}
"#;
        let got: Vec<(String, KeyExpr, usize)> =
            refs(src).into_iter().map(|r| (r.0, r.1, r.2)).collect();
        assert_eq!(
            got,
            vec![
                ("env-rust".into(), lit("FLAG_A"), 6),
                ("env-rust".into(), lit("FLAG_B"), 7),
                ("env-rust".into(), lit("FF_C"), 8),
                (
                    "env-rust".into(),
                    KeyExpr::Dynamic("a format! string".into()),
                    9
                ),
                // A variable name is kept as a path, as in every language: unresolved later.
                ("env-rust".into(), KeyExpr::Path(vec!["name".into()]), 10),
            ]
        );
    }

    #[test]
    fn keys() {
        let src = r#"
fn f() {
    flags.is_on(FLAG_KEY);
    flags.is_on(flags::NEW_CHECKOUT);
    flags.is_on(&"ref");
    flags.is_on("owned".to_string());
    flags.is_on(String::from("from"));
    flags.is_on(&format!("x-{}", n));
    flags.is_on(&(prefix.to_owned() + "x"));
    flags.is_on(key.trim());
    flags.is_on(concat!("a", "b"));
    flags.is_on(self.cfg.key);
    flags.is_on(r"raw\n");
    flags.is_on("esc\u{41}");
}
"#;
        let got: Vec<KeyExpr> = refs(src).into_iter().map(|r| r.1).collect();
        let path = |p: &[&str]| KeyExpr::Path(p.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            got,
            vec![
                path(&["FLAG_KEY"]),
                path(&["flags", "NEW_CHECKOUT"]),
                lit("ref"),
                lit("owned"),
                lit("from"),
                KeyExpr::Dynamic("a format! string".into()),
                KeyExpr::Dynamic("a concatenation".into()),
                KeyExpr::Dynamic("a method call's result".into()),
                lit("ab"),
                path(&["self", "cfg", "key"]),
                lit("raw\\n"),
                lit("escA"),
            ]
        );
    }

    #[test]
    fn constants_and_scoped_paths() {
        let src = r#"
const TOP: &str = "top";
pub static STAT: &'static str = "stat";
const NUM: u32 = 3;
mod keys {
    pub const IN_MOD: &str = "in-mod";
    fn g() { flags.is_on(IN_MOD); flags.is_on(self::IN_MOD); flags.is_on(super::TOP); }
    mod deeper { pub const D: &str = "d"; }
}
struct Flags;
impl Flags {
    pub const ASSOC: &'static str = "assoc";
    fn h(&self) { flags.is_on(Self::ASSOC); }
}
fn local() { const LOCAL: &str = "local"; }
"#;
        let f = facts(src);
        let mut c: Vec<(&str, &str)> = f
            .constants
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        c.sort();
        assert_eq!(
            c,
            vec![
                ("Flags.ASSOC", "assoc"),
                ("STAT", "stat"),
                ("TOP", "top"),
                ("keys.IN_MOD", "in-mod"),
                ("keys.deeper.D", "d"),
            ]
        );
        let paths: Vec<String> = f
            .refs
            .iter()
            .map(|r| match &r.key {
                KeyExpr::Path(p) => p.join("."),
                k => panic!("{k:?}"),
            })
            .collect();
        assert_eq!(paths, ["keys.IN_MOD", "keys.IN_MOD", "TOP", "Flags.ASSOC"]);
    }

    #[test]
    fn imports_and_constants_without_rules() {
        let src = r#"
use crate::flags::NEW_CHECKOUT;
use crate::flags::{self, OTHER as RENAMED};
use std::env;
const K: &str = "k";
fn f() { use std::env::var; flags.is_on("x"); }
"#;
        let f = extract("src/lib.rs", src, &rules(), false).unwrap();
        assert!(f.refs.is_empty());
        assert_eq!(f.constants.get("K").map(String::as_str), Some("k"));
        let imps: Vec<(String, String, Option<String>)> = f
            .imports
            .into_iter()
            .map(|i| (i.local, i.module, i.item))
            .collect();
        let s = |x: &str| x.to_string();
        assert_eq!(
            imps,
            vec![
                (
                    s("NEW_CHECKOUT"),
                    s("crate::flags"),
                    Some(s("NEW_CHECKOUT"))
                ),
                (s("flags"), s("crate"), Some(s("flags"))),
                (s("RENAMED"), s("crate::flags"), Some(s("OTHER"))),
                (s("env"), s("std"), Some(s("env"))),
                (s("var"), s("std::env"), Some(s("var"))),
            ]
        );
    }

    #[test]
    fn syntax_error_in_the_middle() {
        let src = "fn before() {\n    flags.is_on(\"before\");\n}\n\nfn broken() {\n    let x = ;\n    flags.is_on(\"inside\");\n}\n\nconst AFTER: &str = \"after\";\nfn after() {\n    flags.is_on(AFTER);\n}\n";
        let f = facts(src);
        assert_eq!(f.syntax_error, Some((6, 13)));
        let got: Vec<(KeyExpr, usize, usize)> = f
            .refs
            .iter()
            .map(|r| (r.key.clone(), r.span.line, r.span.column))
            .collect();
        assert_eq!(
            got,
            vec![
                (lit("before"), 2, 5),
                (lit("inside"), 7, 5),
                (KeyExpr::Path(vec!["AFTER".into()]), 12, 5),
            ]
        );
        assert_eq!(f.constants.get("AFTER").map(String::as_str), Some("after"));
    }

    #[test]
    fn unbalanced_delimiters_still_read_the_other_items() {
        let src = "fn before() {\n    flags.is_on(\"before\");\n}\n\nfn unclosed() {\n    if x {\n        flags.is_on(\"lost\");\n}\n\nfn after() {\n    flags.is_on(\"after\");\n}\n";
        let f = facts(src);
        assert!(f.syntax_error.is_some());
        let got: Vec<(KeyExpr, usize, usize)> = f
            .refs
            .iter()
            .map(|r| (r.key.clone(), r.span.line, r.span.column))
            .collect();
        assert_eq!(got, vec![(lit("before"), 2, 5), (lit("after"), 11, 5)]);
    }

    #[test]
    fn garbage_does_not_panic() {
        for src in [
            "flags.is_on(\"x\") <<<>>> ]]] \"unterminated",
            "SELECT * FROM t WHERE flags.is_on('sql');\n{{{{ )))",
            "\u{0}\u{1}\u{2} is_on( '",
            "",
            "#!",
            "#!/bin/sh\necho flags.is_on(\"x\")",
            "fn",
            "}}}}",
            "macro_rules! m { ($k:expr) => { flags.is_on($k) }; () => { flags.is_on(\"m\") } }",
            "fn f() { m!(=> : = ,,, ;; \"a\": ); }",
        ] {
            let _ = facts(src);
        }
        let f = facts("<html><body>flags.is_on(\"x\")</body></html>");
        assert!(f.syntax_error.is_some());
    }

    #[test]
    fn deep_nesting_does_not_overflow_a_worker_stack() {
        let deep = |open: &str, close: &str, n: usize| {
            format!(
                "fn f() {{ flags.is_on(\"top\"); let x = {}flags.is_on(\"in\"){}; }}\n",
                open.repeat(n),
                close.repeat(n)
            )
        };
        let srcs = [
            deep("{", "}", 100_000),
            deep("(", ")", 3_000),
            deep("m!(", ")", 3_000),
            format!(
                "fn f() {{ flags.is_on(\"top\"); let x = a{}; }}",
                ".b()".repeat(20_000)
            ),
            format!(
                "fn f() {{ flags.is_on(\"top\"); let x = 1{}; }}",
                " + 1".repeat(50_000)
            ),
        ];
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                for src in &srcs {
                    let keys: Vec<KeyExpr> = facts(src).refs.into_iter().map(|r| r.key).collect();
                    assert_eq!(keys.first(), Some(&lit("top")));
                }
                // Within the limits, deep code is read whole.
                let f = facts(&deep("{", "}", 30));
                assert_eq!(f.refs.len(), 2);
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn shebang_keeps_positions() {
        let (_, k, line, col, _) =
            one("#!/usr/bin/env run-cargo-script\nfn main() { flags.is_on(\"s\"); }\n");
        assert_eq!((k, line, col), (lit("s"), 2, 13));
    }
}
