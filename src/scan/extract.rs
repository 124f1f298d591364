//! The shared half of extraction: one pre-order traversal per file, per-language adapters that
//! recognise calls / subscripts / member reads / constants / imports, and the rule matching
//! that turns a recognised call into a raw reference. An adapter only tells *what the syntax
//! is*; what counts as a flag read is decided here, from the compiled rules.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;
use tree_sitter::{Node, Parser};

use crate::finding::Span;
use crate::lang::Language;
use crate::rules::{normalize_receiver, ArgSpec, LangRules, RuleSet};

/// A key expression as extraction sees it, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyExpr {
    Literal(String),
    /// An identifier path to resolve: `NEW_CHECKOUT`, `FlagKey.NEW_CHECKOUT`, `flagkeys.SearchV2`.
    Path(Vec<String>),
    /// Not knowable statically; the reason says why (f-string, concatenation, call, ...).
    Dynamic(String),
}

#[derive(Debug, Clone)]
pub struct RawRef {
    pub rule: usize,
    pub key: KeyExpr,
    /// The key expression's source text.
    pub expr: String,
    pub span: Span,
    pub default: Option<Value>,
}

/// An import that binds a local name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The name bound in the importing file (may be dotted for Python `import a.b`).
    pub local: String,
    /// The module as written (`app.flag_keys`, `./flags`, `github.com/x/flagkeys`, `com.x.flags`).
    pub module: String,
    /// The imported item, when the import names one (`from m import X`, `import { X } from`).
    pub item: Option<String>,
}

/// What one file yields.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    pub path: String,
    pub language: Option<Language>,
    pub test: bool,
    pub refs: Vec<RawRef>,
    /// String constants defined here, by dotted path as seen from outside (`X`, `Enum.X`).
    pub constants: HashMap<String, String>,
    pub imports: Vec<Import>,
    /// Re-exports (`export * from "./flags"`: local `*`; `export { A as B } from "./flags"`:
    /// local `B`, item `A`), followed when a constant is looked up in this file.
    pub reexports: Vec<Import>,
    /// Go package name / Java package.
    pub package: Option<String>,
    /// The first syntax error, if the parser had to recover.
    pub syntax_error: Option<(usize, usize)>,
}

/// One call argument: positional or keyword. The value is a tree-sitter node, or another
/// parser's expression (syn's for Rust).
#[derive(Debug, Clone, Copy)]
pub struct Arg<'t, V = Node<'t>> {
    pub keyword: Option<&'t str>,
    pub value: V,
}

/// The per-language half.
pub trait Adapter {
    /// Called for every named node, in document order.
    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>);
    /// A key argument as a [`KeyExpr`].
    fn key(&self, node: Node, cx: &Cx) -> KeyExpr;
    /// A literal value (for call-site defaults), or None when not a literal.
    fn literal(&self, node: Node, cx: &Cx) -> Option<Value>;
}

/// Extraction state for one file.
pub struct Cx<'t> {
    pub src: &'t str,
    pub lang: Language,
    pub rules: &'t RuleSet,
    /// None when the file is parsed only for its constants.
    pub lr: Option<&'t LangRules>,
    pub facts: FileFacts,
    /// Local name → canonical dotted path, from imports (`x` → `os`, `environ` → `os.environ`).
    pub aliases: HashMap<String, String>,
}

impl<'t> Cx<'t> {
    pub fn text(&self, n: Node) -> &'t str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    pub fn span(&self, n: Node) -> Span {
        let s = n.start_position();
        let e = n.end_position();
        Span {
            line: s.row + 1,
            column: char_column(self.src, n.start_byte(), s.column),
            end_line: e.row + 1,
            end_column: char_column(self.src, n.end_byte(), e.column),
        }
    }

    /// Apply import aliases to a dotted callee path's first segment(s).
    pub fn canonical(&self, path: &str) -> String {
        canonical(&self.aliases, path)
    }

    /// A call `receiver.name(args)` (receiver None for a bare call). Matches it against the
    /// rules of this language and records a reference for the first rule that matches.
    pub fn call(
        &mut self,
        node: Node<'t>,
        receiver: Option<Node<'t>>,
        name: &str,
        args: &[Arg<'t>],
        ad: &dyn Adapter,
    ) {
        let Some(lr) = self.lr else { return };
        let receiver = receiver.map(|r| normalize_receiver(self.text(r)));
        let Some(m) = match_call(
            self.rules,
            lr,
            &self.aliases,
            receiver.as_deref(),
            name,
            args,
            |n| (ad.key(n, self), self.text(n).to_string()),
            |n| ad.literal(n, self),
        ) else {
            return;
        };
        let span = self.span(node);
        self.facts.refs.push(RawRef { span, ..m });
    }

    /// A subscript read `receiver[index]` (e.g. `os.environ["FLAG_X"]`).
    pub fn subscript(
        &mut self,
        node: Node<'t>,
        receiver: Node<'t>,
        index: Node<'t>,
        ad: &dyn Adapter,
    ) {
        let Some(lr) = self.lr else { return };
        if lr.subscripts.is_empty() {
            return;
        }
        let recv = self.canonical(&normalize_receiver(self.text(receiver)));
        let Some(m) = lr
            .subscripts
            .iter()
            .find(|m| m.receiver.matches(Some(&recv)))
        else {
            return;
        };
        let key = ad.key(index, self);
        self.push(m.rule, key, index, node, None);
    }

    /// A member read `receiver.NAME` whose member name is the key (`process.env.FLAG_X`).
    pub fn member(&mut self, node: Node<'t>, receiver: Node<'t>, prop: Node<'t>) {
        let Some(lr) = self.lr else { return };
        if lr.members.is_empty() {
            return;
        }
        let recv = self.canonical(&normalize_receiver(self.text(receiver)));
        let Some(m) = lr.members.iter().find(|m| m.receiver.matches(Some(&recv))) else {
            return;
        };
        let key = KeyExpr::Literal(self.text(prop).to_string());
        self.push(m.rule, key, prop, node, None);
    }

    fn push(
        &mut self,
        rule_idx: usize,
        key: KeyExpr,
        key_node: Node,
        node: Node,
        default: Option<Value>,
    ) {
        let expr = self.text(key_node).to_string();
        if !keep(self.rules, rule_idx, &key, &expr) {
            return;
        }
        let span = self.span(node);
        self.facts.refs.push(RawRef {
            rule: rule_idx,
            key,
            expr,
            span,
            default,
        });
    }

    pub fn constant(&mut self, path: String, value: String) {
        self.facts.constants.entry(path).or_insert(value);
    }

    pub fn reexport(&mut self, local: &str, module: &str, item: Option<&str>) {
        self.facts.reexports.push(Import {
            local: local.to_string(),
            module: module.to_string(),
            item: item.map(str::to_string),
        });
    }

    pub fn import(&mut self, local: &str, module: &str, item: Option<&str>) {
        self.facts.imports.push(Import {
            local: local.to_string(),
            module: module.to_string(),
            item: item.map(str::to_string),
        });
    }
}

/// The argument a spec points at: the keyword argument if present, else the positional one.
pub fn pick<V: Copy>(args: &[Arg<'_, V>], spec: &ArgSpec) -> Option<V> {
    if let Some(kw) = &spec.keyword {
        if let Some(a) = args.iter().find(|a| a.keyword == Some(kw.as_str())) {
            return Some(a.value);
        }
    }
    let i = spec.arg?;
    args.iter()
        .filter(|a| a.keyword.is_none())
        .nth(i)
        .map(|a| a.value)
}

/// Apply import aliases (local name → canonical dotted path) to a dotted callee path: the
/// longest alias that is a whole-segment prefix is replaced.
pub fn canonical(aliases: &HashMap<String, String>, path: &str) -> String {
    if aliases.is_empty() {
        return path.to_string();
    }
    let mut best: Option<(&str, &str)> = None;
    for (local, canon) in aliases {
        if (path == local
            || path.starts_with(local.as_str()) && path[local.len()..].starts_with('.'))
            && best.is_none_or(|(l, _)| l.len() < local.len())
        {
            best = Some((local, canon));
        }
    }
    match best {
        Some((local, canon)) => format!("{canon}{}", &path[local.len()..]),
        None => path.to_string(),
    }
}

/// The rule matching of a call, shared by every parser: the callee `receiver.name` (receiver
/// already normalised with [`normalize_receiver`], None for a bare call) goes through the
/// import aliases, then the first rule whose receiver pattern matches wins. Its key (and
/// default) argument is picked and read with the parser's callbacks (`key` gives the key and
/// its source text), and env / `key_pattern` filtering is applied. The returned reference has
/// no span yet: the caller knows where the call is.
#[allow(clippy::too_many_arguments)]
pub fn match_call<V: Copy>(
    rules: &RuleSet,
    lr: &LangRules,
    aliases: &HashMap<String, String>,
    receiver: Option<&str>,
    name: &str,
    args: &[Arg<'_, V>],
    key: impl FnOnce(V) -> (KeyExpr, String),
    literal: impl FnOnce(V) -> Option<Value>,
) -> Option<RawRef> {
    let callee = match receiver {
        Some(r) => format!("{r}.{name}"),
        None => name.to_string(),
    };
    let callee = canonical(aliases, &callee);
    let (recv, name) = match callee.rsplit_once('.') {
        Some((r, n)) => (Some(r), n),
        None => (None, callee.as_str()),
    };
    let m = lr.find_call(name, recv)?;
    let rule = &rules.rules[m.rule];
    let key_arg = pick(args, &rule.key)?;
    let default = rule
        .default
        .as_ref()
        .and_then(|d| pick(args, d))
        .and_then(literal);
    let (key, expr) = key(key_arg);
    if !keep(rules, m.rule, &key, &expr) {
        return None;
    }
    Some(RawRef {
        rule: m.rule,
        key,
        expr,
        span: Span::default(),
        default,
    })
}

/// Whether a matched read is kept: an env rule's literal must be a flag variable (`FLAG_X`,
/// not `DATABASE_URL`), a computed env name must visibly build one; `key_pattern` must match.
pub fn keep(rules: &RuleSet, rule_idx: usize, key: &KeyExpr, expr: &str) -> bool {
    let rule = &rules.rules[rule_idx];
    match key {
        KeyExpr::Literal(k) => {
            if rule.is_env && rules.env.map(k).is_none() {
                return false; // DATABASE_URL: not a flag
            }
            if let Some(p) = &rule.key_pattern {
                if !p.is_match(k) {
                    return false;
                }
            }
        }
        KeyExpr::Dynamic(_) => {
            // An env read with a computed name is a flag read only if it visibly builds a
            // flag variable (`f"FLAG_{name}"`); `os.environ.get(name)` is not.
            if rule.is_env && !rules.env.prefixes.iter().any(|p| expr.contains(p.as_str())) {
                return false;
            }
        }
        KeyExpr::Path(_) => {}
    }
    true
}

/// 1-based character column of a byte offset whose byte column on its line is `byte_col`.
pub fn char_column(src: &str, byte: usize, byte_col: usize) -> usize {
    let start = byte.saturating_sub(byte_col);
    match src.get(start..byte) {
        Some(s) => s.chars().count() + 1,
        None => byte_col + 1,
    }
}

thread_local! {
    static PARSERS: RefCell<HashMap<Language, Parser>> = RefCell::new(HashMap::new());
}

/// Parse `src` with tree-sitter and run one traversal with the adapter. `with_rules` false
/// collects only constants and imports (the resolver's second pass).
pub fn extract_tree_sitter(
    lang: Language,
    path: &str,
    src: &str,
    rules: &RuleSet,
    with_rules: bool,
    ad: &dyn Adapter,
) -> Option<FileFacts> {
    let tree = PARSERS.with(|p| {
        let mut p = p.borrow_mut();
        let parser = match p.entry(lang) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut parser = Parser::new();
                parser.set_language(&lang.tree_sitter()?).ok()?;
                e.insert(parser)
            }
        };
        parser.parse(src, None)
    })?;
    let mut cx = Cx {
        src,
        lang,
        rules,
        lr: if with_rules { rules.lang(lang) } else { None },
        facts: FileFacts {
            path: path.to_string(),
            language: Some(lang),
            ..Default::default()
        },
        aliases: HashMap::new(),
    };
    let root = tree.root_node();
    if root.has_error() {
        cx.facts.syntax_error = first_error(root).map(|n| {
            let p = n.start_position();
            (p.row + 1, char_column(src, n.start_byte(), p.column))
        });
    }
    let mut cursor = root.walk();
    'outer: loop {
        let node = cursor.node();
        if node.is_named() {
            ad.visit(node, &mut cx);
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'outer;
            }
            if !cursor.goto_parent() {
                break 'outer;
            }
        }
    }
    Some(cx.facts)
}

fn first_error(root: Node) -> Option<Node> {
    let mut cursor = root.walk();
    let mut node = root;
    loop {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        // Descend into the first child that contains an error.
        let next = node
            .children(&mut cursor)
            .find(|c| c.has_error() || c.is_error() || c.is_missing());
        match next {
            Some(n) => node = n,
            None => return Some(node),
        }
    }
}

/// Collect a dotted identifier path from nested member/attribute nodes; None when any part is
/// not a plain name. `parts` gives, per node kind, the (object, property) field names.
pub fn dotted_path(
    node: Node,
    src: &str,
    member_kinds: &[(&str, &str, &str)],
    ident_kinds: &[&str],
) -> Option<Vec<String>> {
    if ident_kinds.contains(&node.kind()) {
        return Some(vec![src.get(node.byte_range())?.to_string()]);
    }
    let (_, obj, prop) = member_kinds.iter().find(|(k, _, _)| *k == node.kind())?;
    let mut path = dotted_path(
        node.child_by_field_name(obj)?,
        src,
        member_kinds,
        ident_kinds,
    )?;
    let p = node.child_by_field_name(prop)?;
    path.push(src.get(p.byte_range())?.to_string());
    Some(path)
}

/// Decode the common backslash escapes of a quoted string body.
pub fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

/// A number literal's JSON value.
pub fn number(text: &str) -> Option<Value> {
    let t = text.replace('_', "");
    if let Ok(i) = t.parse::<i64>() {
        return Some(Value::from(i));
    }
    t.trim_end_matches(['f', 'F', 'd', 'D', 'L', 'l'])
        .parse::<f64>()
        .ok()
        .map(Value::from)
}
