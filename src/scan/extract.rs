//! The shared half of extraction: one pre-order traversal per file, per-language adapters that
//! recognise calls / subscripts / member reads / constants / imports, and the rule matching
//! that turns a recognised call into a raw reference. An adapter only tells *what the syntax
//! is*; what counts as a flag read is decided here, from the compiled rules.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use tree_sitter::{Node, Parser};

use crate::finding::Span;
use crate::lang::Language;
use crate::rules::{normalize_receiver, ArgSpec, LangRules, Matcher, RuleKind, RuleSet};

impl KeyExpr {
    /// A key of a syntax kind no adapter reads statically (`a conditional expression`).
    pub fn other(kind: &str) -> KeyExpr {
        KeyExpr::Dynamic(format!("a {}", kind.replace('_', " ")))
    }
}

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
    /// Test code inside a non-test file (Rust `#[cfg(test)]` modules, `#[test]` functions); a
    /// test file's reads are all test reads ([`FileFacts::test`]).
    pub test: bool,
}

/// A flag declared in code (a `kind: declaration` rule matched), before resolution.
#[derive(Debug, Clone)]
pub struct RawDecl {
    pub rule: usize,
    pub key: KeyExpr,
    /// The key expression's source text.
    pub expr: String,
    /// Where the key is.
    pub span: Span,
    /// Declared attributes by field name, each with its 1-based line.
    pub fields: Vec<(String, Value, usize)>,
    /// Inside a function body: a key that does not resolve is a run-time value, not a
    /// declaration to report.
    pub in_function: bool,
    /// The whole declaration (its uses of symbols are not references).
    pub site: Span,
    /// The flag's symbol, when the rule says its binding is one (`symbol: true`).
    pub symbol: Option<String>,
}

/// A function whose parameter flows into a rule's key argument: its callers' arguments at
/// `key_arg` are flag keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WrapperDef {
    pub name: String,
    /// The SDK rule the wrapper forwards to.
    pub rule: usize,
    pub key_arg: usize,
    /// The parameter that flows into the SDK call's default, if one does.
    pub default_arg: Option<usize>,
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
    /// Generated code (`Code generated ... DO NOT EDIT.`, or a configured glob).
    pub generated: bool,
    pub refs: Vec<RawRef>,
    pub decls: Vec<RawDecl>,
    /// Wrapper functions defined here (only when the rule set looks for them).
    pub wrappers: Vec<WrapperDef>,
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
    /// What of the file was not read, and why (nesting too deep to read safely): each is a
    /// note of the scan, beside the syntax-error one.
    pub notes: Vec<String>,
    /// Read by the fast path ([`crate::scan::fastpath`]): only `refs` are filled in; its
    /// constants, imports and re-exports were not read.
    pub fast: bool,
    /// Accessors ([`Adapter::accessor`]) by name, each holding reads of one key only: their
    /// uses elsewhere are reads of that flag ([`crate::scan::symbols`]).
    pub accessors: Vec<(String, usize)>,
}

/// One call argument: positional or keyword. The value is a tree-sitter node, or another
/// parser's expression (syn's for Rust).
#[derive(Debug, Clone, Copy)]
pub struct Arg<'t, V = Node<'t>> {
    pub keyword: Option<&'t str>,
    pub value: V,
}

/// Member node kinds `(kind, object field, property field)`, path identifier kinds, bare name
/// kinds: see [`Adapter::symbol_syntax`].
pub type SymbolSyntax = (
    &'static [(&'static str, &'static str, &'static str)],
    &'static [&'static str],
    &'static [&'static str],
);

/// The per-language half.
pub trait Adapter: Sync {
    /// Called for every named node, in document order.
    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>);
    /// A key argument as a [`KeyExpr`].
    fn key(&self, node: Node, cx: &Cx) -> KeyExpr;
    /// A literal value (for call-site defaults), or None when not a literal.
    fn literal(&self, node: Node, cx: &Cx) -> Option<Value>;
    /// The key of a wrapper expression (parentheses, `as const`, `!`): its first named child's.
    fn inner_key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.named_child(0) {
            Some(inner) => self.key(inner, cx),
            None => KeyExpr::Dynamic("an expression".into()),
        }
    }
    /// When `node` is a call: its receiver and arguments (for `inner` picks).
    fn call_parts<'t>(
        &self,
        _node: Node<'t>,
        _cx: &Cx<'t>,
    ) -> Option<(Option<Node<'t>>, Vec<Arg<'t>>)> {
        None
    }
    /// When `node` is a struct or object literal (Go `T{Key: "x"}`, also behind `&`; a
    /// JavaScript/TypeScript object `{ flagKey: "x" }`): its keyed fields as keyword arguments,
    /// for `inner` picks, as [`Adapter::call_parts`] gives a call's arguments. Such a literal is
    /// never a flag key itself ([`not_a_key`]).
    fn fields<'t>(&self, _node: Node<'t>, _cx: &Cx<'t>) -> Option<Vec<Arg<'t>>> {
        None
    }
    /// The package- or module-level name the value `node` is assigned to (`X = f(...)`).
    fn binding(&self, _node: Node, _cx: &Cx) -> Option<String> {
        None
    }
    /// The package-level name whose value holds the read `node`, anywhere inside it: an
    /// accessor (`var X = struct{...}{Value: func(ctx) { return client.Int(ctx, "x", 0) }}`,
    /// what OpenFeature's code generator writes). None inside a function declaration.
    fn accessor(&self, _node: Node, _cx: &Cx) -> Option<String> {
        None
    }
    /// The function around `node`: its name and its parameters' names in call order.
    fn enclosing_function(&self, _node: Node, _cx: &Cx) -> Option<(String, Vec<String>)> {
        None
    }
    /// A same-length copy of a source the grammar rejected, for a second parse: words the
    /// grammar reserves but the language allows as names (Go's `new`) renamed. Nodes keep their
    /// byte ranges, and their text is read from the original source.
    fn reparse_source(&self, _src: &str) -> Option<String> {
        None
    }
    /// The syntax of a name's uses, for symbol references: member nodes `(kind, object
    /// field, property field)`, the identifier kinds a member path is made of, and the kinds
    /// of a bare name.
    fn symbol_syntax(&self) -> SymbolSyntax {
        (&[], &[], &[])
    }
    /// Whether the bare name `node` names a field instead of reading a value (a Go struct
    /// literal's key, `Config{Timeout: x}`): no use of a symbol of that name.
    fn names_a_field(&self, _node: Node) -> bool {
        false
    }
}

/// Where a rule matched: the node, its receiver and arguments (keyed struct fields are keyword
/// arguments), the map entry key for a map literal's value, and a known binding name.
pub struct Site<'t> {
    pub node: Node<'t>,
    pub receiver: Option<Node<'t>>,
    pub args: Vec<Arg<'t>>,
    pub entry_key: Option<Node<'t>>,
    pub binding: Option<String>,
}

/// The longest receiver text matched in full (see [`Cx::receiver`]).
pub const MAX_RECEIVER: usize = 1024;

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
    pub columns: Columns<'t>,
    /// Symbol names whose uses are references, with their rule (the symbol pass only).
    pub symbols: Option<&'t HashMap<String, usize>>,
    /// Local names this file imports a symbol as (`from m import X as y`: `y`).
    pub symbol_aliases: HashMap<String, usize>,
    /// Reads inside accessors: (accessor name, literal key, rule).
    pub accessor_keys: Vec<(String, String, usize)>,
    /// Variables bound to a call whose result a member or subscript rule reads
    /// (`const flags = useFlags()`), with the scope they are visible in.
    pub bound: Vec<Bound<'t>>,
}

/// `const NAME = VALUE` visible in `scope` from `from` on ([`Cx::bind_result`]).
pub struct Bound<'t> {
    name: String,
    scope: std::ops::Range<usize>,
    from: usize,
    value: Node<'t>,
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
            column: self.columns.column(n.start_byte(), s.column),
            end_line: e.row + 1,
            end_column: self.columns.column(n.end_byte(), e.column),
        }
    }

    /// A receiver's text as rule patterns see it ([`normalize_receiver`]), of bounded length:
    /// a longer receiver keeps its first and last [`MAX_RECEIVER`] / 2 bytes joined by `…`
    /// (which no pattern contains). Every link of a member chain is a receiver of the whole
    /// chain before it; normalising each in full was quadratic (a 256 KB line took 18 s).
    pub fn receiver(&self, n: Node) -> String {
        let text = self.text(n);
        if text.len() <= MAX_RECEIVER {
            return normalize_receiver(text);
        }
        let half = MAX_RECEIVER / 2;
        let mut head = half;
        while !text.is_char_boundary(head) {
            head -= 1;
        }
        let mut tail = text.len() - half;
        while !text.is_char_boundary(tail) {
            tail += 1;
        }
        format!(
            "{}…{}",
            normalize_receiver(&text[..head]),
            normalize_receiver(&text[tail..])
        )
    }

    /// Apply import aliases to a dotted callee path's first segment(s).
    pub fn canonical(&self, path: &str) -> String {
        canonical(&self.aliases, path)
    }

    /// A call `receiver.name(args)` (receiver None for a bare call). Matches it against the
    /// rules of this language and records a reference (or declaration) for the first rule that
    /// matches and accepts the key.
    pub fn call(
        &mut self,
        node: Node<'t>,
        receiver: Option<Node<'t>>,
        name: &str,
        args: &[Arg<'t>],
        ad: &dyn Adapter,
    ) {
        let Some(lr) = self.lr else { return };
        let callee = match receiver {
            Some(r) => format!("{}.{name}", self.receiver(r)),
            None => name.to_string(),
        };
        let callee = self.canonical(&callee);
        let (recv, name) = match callee.rsplit_once('.') {
            Some((r, n)) => (Some(r), n),
            None => (None, callee.as_str()),
        };
        let Some(matchers) = lr.calls.get(name) else {
            return;
        };
        let site = Site {
            node,
            receiver,
            args: args.to_vec(),
            entry_key: None,
            binding: None,
        };
        self.matched(matchers, recv, &site, ad);
    }

    /// A composite (struct) literal of type `ty` (`featuregate.FeatureSpec`, `FeatureFlag`),
    /// keyed fields as keyword arguments; `entry_key` when it is a map literal's value.
    pub fn composite(
        &mut self,
        node: Node<'t>,
        ty: &str,
        args: Vec<Arg<'t>>,
        entry_key: Option<Node<'t>>,
        ad: &dyn Adapter,
    ) {
        let Some(lr) = self.lr else { return };
        if lr.composites.is_empty() {
            return;
        }
        let ty = self.canonical(&normalize_type(ty));
        let (recv, name) = match ty.rsplit_once('.') {
            Some((r, n)) => (Some(r), n),
            None => (None, ty.as_str()),
        };
        let Some(matchers) = lr.composites.get(name) else {
            return;
        };
        let site = Site {
            node,
            receiver: None,
            args,
            entry_key,
            binding: None,
        };
        self.matched(matchers, recv, &site, ad);
    }

    /// A typed constant `name ty = value` (`AppArmor featuregate.Feature = "AppArmor"`).
    pub fn typed_constant(
        &mut self,
        node: Node<'t>,
        name: &str,
        ty: &str,
        value: Node<'t>,
        ad: &dyn Adapter,
    ) {
        let Some(lr) = self.lr else { return };
        if lr.constants.is_empty() {
            return;
        }
        let ty = self.canonical(&normalize_type(ty));
        let site = Site {
            node,
            receiver: None,
            args: vec![Arg {
                keyword: None,
                value,
            }],
            entry_key: None,
            binding: Some(name.to_string()),
        };
        self.matched(&lr.constants, Some(&ty), &site, ad);
    }

    /// A member of a named enum, class or object literal (`enum Flag { A = "a" }`, Java
    /// `NEW_CHECKOUT("x")`, Python `class Flags(Enum): A = "a"`, `const Flags = { a: "a" }`),
    /// for `member_of` declaration rules. `types`: the container's name and the types it
    /// extends or implements; `value`: the member's value, when it has one that can be a key.
    pub fn type_member(
        &mut self,
        node: Node<'t>,
        types: &[&str],
        name: &str,
        value: Option<Node<'t>>,
        ad: &dyn Adapter,
    ) {
        let Some(lr) = self.lr else { return };
        let Some(container) = types.first() else {
            return;
        };
        if lr.member_of.is_empty() {
            return;
        }
        let site = Site {
            node,
            receiver: None,
            args: value
                .map(|value| Arg {
                    keyword: None,
                    value,
                })
                .into_iter()
                .collect(),
            entry_key: None,
            binding: Some(format!("{container}.{name}")),
        };
        for m in &lr.member_of {
            if types.iter().any(|t| m.receiver.matches(Some(t)))
                && self.declaration(m.rule, &site, ad)
            {
                return;
            }
        }
    }

    /// Try each matcher whose receiver matches, in rule order, until one accepts the site.
    fn matched(
        &mut self,
        matchers: &'t [Matcher],
        recv: Option<&str>,
        site: &Site<'t>,
        ad: &dyn Adapter,
    ) {
        for m in matchers.iter().filter(|m| m.receiver.matches(recv)) {
            let done = match self.rules.rules[m.rule].kind {
                RuleKind::Reference => self.reference(m.rule, site, ad),
                RuleKind::Declaration => self.declaration(m.rule, site, ad),
                RuleKind::Text => false,
            };
            if done {
                return;
            }
        }
    }

    fn reference(&mut self, idx: usize, site: &Site<'t>, ad: &dyn Adapter) -> bool {
        let rules = self.rules;
        let rule = &rules.rules[idx];
        if !rule.imported_from.is_empty() && !self.imported(&rule.imported_from, site) {
            return false;
        }
        let Some(key_node) = self.pick(site, &rule.key, ad) else {
            return false;
        };
        let key_node = self.not_a_value(site, key_node, &rule.key, ad);
        if not_a_key(key_node, self, ad) {
            // `getTreatment("split", {attrs})` read with the server shape's position, or a
            // `true` where a key should be: this rule does not describe the call.
            if rule.key.elements && is_collection(key_node.kind()) {
                return self.elements(idx, site, key_node, ad);
            }
            return false;
        }
        let key = ad.key(key_node, self);
        if rule.key.literal && !matches!(key, KeyExpr::Literal(_)) {
            return false;
        }
        if rules.wrappers && !rule.wrapper && self.wrapper(idx, site, &key, ad) {
            return true;
        }
        let default = rule
            .default
            .as_ref()
            .and_then(|d| self.pick(site, d, ad))
            .and_then(|n| ad.literal(n, self));
        let accessor = match &key {
            KeyExpr::Literal(k) => ad.accessor(site.node, self).map(|a| (a, k.clone())),
            _ => None,
        };
        let pushed = self.push(idx, key, key_node, site.node, default);
        if let (true, Some((name, key))) = (pushed, accessor) {
            self.accessor_keys.push((name, key, idx));
        }
        pushed
    }

    /// Whether the callee of `site` (a bare call's name, or its receiver's first name) is
    /// imported from a module matching one of `modules` (imports above the call).
    fn imported(&self, modules: &[String], site: &Site<'t>) -> bool {
        let local = match site.receiver {
            Some(r) => {
                let text = normalize_receiver(self.text(r));
                text.split(['.', '(', '[']).next().unwrap_or("").to_string()
            }
            None => match site.node.child_by_field_name("function") {
                Some(f) => self.text(f).to_string(),
                None => match site.node.child_by_field_name("method") {
                    Some(m) => self.text(m).to_string(),
                    None => return false,
                },
            },
        };
        self.imported_as(&local, modules)
    }

    /// Whether the file imports `local` from a module matching one of `modules`.
    fn imported_as(&self, local: &str, modules: &[String]) -> bool {
        self.facts.imports.iter().any(|i| {
            i.local == local
                && modules
                    .iter()
                    .any(|m| crate::rules::glob_match(m, &i.module))
        })
    }

    /// `key: { elements: true }` on a list literal: each element is a read (`useFlags(["a",
    /// "b"])`), at the element's place. Whether any was kept.
    fn elements(&mut self, idx: usize, site: &Site<'t>, list: Node<'t>, ad: &dyn Adapter) -> bool {
        let mut any = false;
        let mut cursor = list.walk();
        let items: Vec<Node<'t>> = list.named_children(&mut cursor).collect();
        for item in items {
            if item.kind().contains("comment") || not_a_key(item, self, ad) {
                continue;
            }
            let key = ad.key(item, self);
            any |= self.push(idx, key, item, site.node, None);
        }
        any
    }

    /// A key argument picked by position that is a boolean, number or null literal is the value
    /// a call sets, never a flag key: a project's own helper with one parameter fewer than the
    /// upstream one (`SetFeatureGateDuringTest(t, features.X, true)` against upstream's
    /// `(t, gate, features.X, true)`). The nearest argument before it that is not such a
    /// literal is the key.
    fn not_a_value(
        &self,
        site: &Site<'t>,
        picked: Node<'t>,
        spec: &ArgSpec,
        ad: &dyn Adapter,
    ) -> Node<'t> {
        let is_value = |n: Node| {
            matches!(
                ad.literal(n, self),
                Some(Value::Bool(_) | Value::Number(_) | Value::Null)
            )
        };
        if spec.keyword.is_some() || spec.inner.is_some() || !is_value(picked) {
            return picked;
        }
        let Some(i) = spec.arg else { return picked };
        let positional: Vec<Node> = site
            .args
            .iter()
            .filter(|a| a.keyword.is_none())
            .map(|a| a.value)
            .collect();
        positional[..i.min(positional.len())]
            .iter()
            .rev()
            .find(|n| !is_value(**n))
            .copied()
            .unwrap_or(picked)
    }

    /// A key that is a parameter of the enclosing function: the function is a wrapper.
    fn wrapper(&mut self, idx: usize, site: &Site<'t>, key: &KeyExpr, ad: &dyn Adapter) -> bool {
        let KeyExpr::Path(p) = key else { return false };
        let [param] = p.as_slice() else { return false };
        let Some((name, params)) = ad.enclosing_function(site.node, self) else {
            return false;
        };
        let Some(key_arg) = params.iter().position(|x| x == param) else {
            return false;
        };
        let default_arg = self.rules.rules[idx]
            .default
            .as_ref()
            .and_then(|d| self.pick(site, d, ad))
            .and_then(|n| match ad.key(n, self) {
                KeyExpr::Path(q) if q.len() == 1 => params.iter().position(|x| *x == q[0]),
                _ => None,
            });
        self.facts.wrappers.push(WrapperDef {
            name,
            rule: idx,
            key_arg,
            default_arg,
        });
        true
    }

    fn declaration(&mut self, idx: usize, site: &Site<'t>, ad: &dyn Adapter) -> bool {
        let rules = self.rules;
        let rule = &rules.rules[idx];
        let binding = site.binding.clone().or_else(|| ad.binding(site.node, self));
        // A flag declared as a symbol is bound to a name: `new("x")` inside a function is not.
        if rule.symbol && binding.is_none() {
            return false;
        }
        let (key, key_node) = if rule.key.binding {
            match &binding {
                Some(b) => (KeyExpr::Literal(b.clone()), site.node),
                None => return false,
            }
        } else if !rule.key.is_set() {
            // A member (`member_of`): its value, else its name.
            match (site.args.first(), &binding) {
                (Some(a), _) => (ad.key(a.value, self), a.value),
                (None, Some(b)) => (KeyExpr::Literal(last_segment(b).to_string()), site.node),
                (None, None) => return false,
            }
        } else {
            let Some(n) = self.pick(site, &rule.key, ad) else {
                return false;
            };
            (ad.key(n, self), n)
        };
        // `func NewFlag(name string) Flag { return Flag{Name: name} }` builds declarations; it
        // declares none itself.
        if let KeyExpr::Path(p) = &key {
            if let ([param], Some((_, params))) =
                (p.as_slice(), ad.enclosing_function(site.node, self))
            {
                if params.contains(param) {
                    return false;
                }
            }
        }
        if let (KeyExpr::Literal(k), Some(p)) = (&key, &rule.key_pattern) {
            if !p.regex().is_match(k) {
                return false;
            }
        }
        let mut fields = Vec::new();
        for (name, spec) in &rule.fields {
            if let Some((v, line)) = self.field(site, spec, binding.as_deref(), ad) {
                fields.push((name.clone(), v, line));
            }
        }
        // `var X = featureflag.NewFeatureFlag("x", ...)`: `X` names the flag `x` for readers.
        if let (Some(b), KeyExpr::Literal(k)) = (&binding, &key) {
            if !rule.key.binding || rule.symbol {
                self.constant(b.clone(), k.clone());
            }
        }
        let expr = self.text(key_node).to_string();
        let span = self.span(key_node);
        let in_function = ad.enclosing_function(site.node, self).is_some();
        // A member's binding is qualified (`Flag.NEW_CHECKOUT`, the constant readers resolve);
        // its symbol is the member's own name.
        let symbol = if rule.symbol {
            binding.map(|b| last_segment(&b).to_string())
        } else {
            None
        };
        self.facts.decls.push(RawDecl {
            rule: idx,
            key,
            expr,
            span,
            fields,
            in_function,
            site: self.span(site.node),
            symbol,
        });
        true
    }

    /// A declared attribute's value and line.
    fn field(
        &self,
        site: &Site<'t>,
        spec: &ArgSpec,
        binding: Option<&str>,
        ad: &dyn Adapter,
    ) -> Option<(Value, usize)> {
        let (value, line) = if let Some(tag) = &spec.comment {
            let (text, line) = self.comment_tag(site.node, tag)?;
            (Value::String(text), line)
        } else if spec.binding {
            (
                Value::String(binding?.to_string()),
                site.node.start_position().row + 1,
            )
        } else {
            let n = self.pick(site, spec, ad)?;
            let v = ad.literal(n, self).unwrap_or_else(|| {
                Value::String(
                    self.text(n)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            });
            (v, n.start_position().row + 1)
        };
        let text = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Some((spec.values.get(&text).cloned().unwrap_or(value), line))
    }

    /// The comment block right above `node`'s first line: the values of `tag:` lines joined
    /// with `, ` (`// owner: @alice`), or with tag `*` its untagged text. With the line of
    /// the first line used.
    fn comment_tag(&self, node: Node, tag: &str) -> Option<(String, usize)> {
        let first = node.start_position().row;
        // The lines above the node's, read upwards from it: only the comment block is looked
        // at (every line from the file's start, for each declaration, was quadratic).
        let start = node.start_byte().min(self.src.len());
        let line_start = self.src.as_bytes()[..start]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        let above = self.src[..line_start].lines().rev();
        let tokens = self.lang.comment_tokens();
        let mut block: Vec<(usize, &str)> = Vec::new();
        for (i, line) in (0..first).rev().zip(above) {
            let t = line.trim();
            let Some(body) = tokens
                .iter()
                .filter(|tok| **tok != "/*")
                .find_map(|tok| t.strip_prefix(tok))
            else {
                break;
            };
            block.push((i + 1, body.trim()));
        }
        block.reverse();
        let tagged = |body: &str| -> Option<(String, String)> {
            let (k, v) = body.split_once(':')?;
            let ok = !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            ok.then(|| (k.to_ascii_lowercase(), v.trim().to_string()))
        };
        let mut out: Vec<String> = Vec::new();
        let mut at = None;
        for (line, body) in block {
            let hit = match (tag, tagged(body)) {
                ("*", None) if !body.is_empty() => Some(body.to_string()),
                ("*", _) => None,
                (t, Some((k, v))) if k.eq_ignore_ascii_case(t) && !v.is_empty() => Some(v),
                _ => None,
            };
            if let Some(h) = hit {
                at.get_or_insert(line);
                out.push(h);
            }
        }
        let sep = if tag == "*" { " " } else { ", " };
        Some((out.join(sep), at?))
    }

    /// The node a spec points at in a site.
    pub fn pick(&self, site: &Site<'t>, spec: &ArgSpec, ad: &dyn Adapter) -> Option<Node<'t>> {
        let n = if spec.receiver {
            site.receiver?
        } else if spec.entry_key {
            site.entry_key?
        } else {
            pick(&site.args, spec)?
        };
        match &spec.inner {
            None => Some(n),
            // Inside a call (its receiver and arguments) or a struct / object literal (its
            // keyed fields, as keyword arguments): `key: { arg: 0, inner: { keyword: Key } }`.
            // Anything else has nothing inside: no pick.
            Some(inner) => {
                let (receiver, args) = match ad.call_parts(n, self) {
                    Some(parts) => parts,
                    None => (None, ad.fields(n, self)?),
                };
                let sub = Site {
                    node: n,
                    receiver,
                    args,
                    entry_key: None,
                    binding: None,
                };
                self.pick(&sub, inner, ad)
            }
        }
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
        let Some(m) = self.read_from(&lr.subscripts, node, receiver) else {
            return;
        };
        let key = ad.key(index, self);
        self.push(m.rule, key, index, node, None);
    }

    /// A member read `receiver.NAME` whose member name is the key (`process.env.FLAG_X`).
    pub fn member(&mut self, node: Node<'t>, receiver: Node<'t>, prop: Node<'t>) {
        let Some(lr) = self.lr else { return };
        let Some(m) = self.read_from(&lr.members, node, receiver) else {
            return;
        };
        let key = KeyExpr::Literal(self.text(prop).to_string());
        self.push(m.rule, key, prop, node, None);
    }

    /// The subscript or member matcher that reads from `receiver` at `node`: its text, or the
    /// call a variable there is bound to (`flags` after `const flags = useFlags()`), and
    /// the rule's `imported_from` checked on the receiver's first name.
    fn read_from(
        &self,
        matchers: &'t [Matcher],
        node: Node<'t>,
        receiver: Node<'t>,
    ) -> Option<&'t Matcher> {
        if matchers.is_empty() {
            return None;
        }
        let mut recv = self.canonical(&self.receiver(receiver));
        if !self.bound.is_empty()
            && recv
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
        {
            let at = node.start_byte();
            let value = self
                .bound
                .iter()
                .rev()
                .find(|b| b.name == recv && b.from <= at && b.scope.contains(&at))
                .map(|b| b.value);
            if let Some(v) = value {
                recv = self.canonical(&self.receiver(v));
            }
        }
        matchers.iter().find(|m| {
            m.receiver.matches(Some(&recv)) && {
                let modules = &self.rules.rules[m.rule].imported_from;
                modules.is_empty() || {
                    let first = recv.split(['.', '(', '[']).next().unwrap_or("");
                    self.imported_as(first, modules)
                }
            }
        })
    }

    /// `const NAME = VALUE` in `scope`: when VALUE is a call whose result a member or
    /// subscript rule reads (`useFlags()`), reads through NAME in that scope are its reads.
    pub fn bind_result(&mut self, name: Node<'t>, value: Node<'t>, scope: Node<'t>) {
        let Some(lr) = self.lr else { return };
        let text = self.text(value);
        if !lr.result_calls().any(|c| text.contains(c)) {
            return;
        }
        let recv = self.canonical(&self.receiver(value));
        let reads = lr.subscripts.iter().chain(&lr.members);
        if !recv.ends_with(')') || !reads.into_iter().any(|m| m.receiver.matches(Some(&recv))) {
            return;
        }
        self.bound.push(Bound {
            name: self.text(name).to_string(),
            scope: scope.byte_range(),
            from: name.end_byte(),
            value,
        });
    }

    fn push(
        &mut self,
        rule_idx: usize,
        key: KeyExpr,
        key_node: Node,
        node: Node,
        default: Option<Value>,
    ) -> bool {
        let expr = self.text(key_node).to_string();
        if !keep(self.rules, rule_idx, &key, &expr) {
            return false;
        }
        let span = self.span(node);
        self.facts.refs.push(RawRef {
            rule: rule_idx,
            key,
            expr,
            span,
            default,
            test: false,
        });
        true
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
        if let (Some(symbols), Some(item)) = (self.symbols, item) {
            if let Some(rule) = symbols.get(item).filter(|_| local != item) {
                self.symbol_aliases.insert(local.to_string(), *rule);
            }
        }
        self.facts.imports.push(Import {
            local: local.to_string(),
            module: module.to_string(),
            item: item.map(str::to_string),
        });
    }
}

/// `NEW_CHECKOUT` of `Flag.NEW_CHECKOUT`.
fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Syntax kinds of list and map literals, in every grammar: never a flag key themselves.
fn is_collection(kind: &str) -> bool {
    matches!(
        kind,
        "array" | "list" | "tuple" | "object" | "dictionary" | "hash" | "set"
    )
}

/// A value that cannot be a flag key: a collection literal, a struct or object literal
/// ([`Adapter::fields`]), a literal that is not a string (`true`, `3`, `None`), or a variable
/// whose name says what else it is ([`NOT_KEYS`]). A rule whose key position holds one does
/// not describe the call.
fn not_a_key(node: Node, cx: &Cx, ad: &dyn Adapter) -> bool {
    is_collection(node.kind())
        || ad.fields(node, cx).is_some()
        || ad.literal(node, cx).is_some_and(|v| !v.is_string())
        || NOT_KEYS.contains(&cx.text(node))
}

/// Variable names that hold a context, a logger, a request, a test handle or a user, by the
/// conventions of every language here: `featureflags.IsOn(logger, value)`,
/// `checkGate(user, "gate")` read with the wrong shape. Never a flag key.
pub const NOT_KEYS: &[&str] = &[
    "ctx", "context", "logger", "log", "req", "request", "user", "this", "self",
];

/// [`not_a_key`] for a key already read as an expression (the shared call matching).
fn not_a_key_expr(key: &KeyExpr) -> bool {
    matches!(key, KeyExpr::Path(p) if p.len() == 1 && NOT_KEYS.contains(&p[0].as_str()))
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
/// A grammar's literal node kinds, read the same way in every language by [`Literals::read`]:
/// booleans (text `true` / `false`, any case), null, numbers and strings (with the language's
/// readers), a sign before a number (`-5`, `+1.5`), and wrappers read inside (parentheses).
pub struct Literals {
    pub bools: &'static [&'static str],
    pub nulls: &'static [&'static str],
    pub numbers: &'static [&'static str],
    pub strings: &'static [&'static str],
    pub signs: &'static [&'static str],
    pub wrappers: &'static [&'static str],
    pub number: fn(&str) -> Option<Value>,
    pub string: fn(Node, &Cx) -> Option<String>,
}

impl Literals {
    /// `node`'s value when it is one of these literals (a wrapper: what `ad` reads inside),
    /// else None: the adapter's [`Adapter::literal`] adds its own cases around this.
    pub fn read(&self, node: Node, cx: &Cx, ad: &dyn Adapter) -> Option<Value> {
        let kind = node.kind();
        let text = || cx.text(node);
        if self.bools.contains(&kind) {
            Some(Value::Bool(text().trim().eq_ignore_ascii_case("true")))
        } else if self.nulls.contains(&kind) {
            Some(Value::Null)
        } else if self.numbers.contains(&kind) {
            (self.number)(text())
        } else if self.strings.contains(&kind) {
            (self.string)(node, cx).map(Value::String)
        } else if self.signs.contains(&kind) {
            let t: String = text().chars().filter(|c| !c.is_whitespace()).collect();
            match t.strip_prefix('-') {
                Some(n) => negated((self.number)(n)?),
                None => (self.number)(t.strip_prefix('+')?),
            }
        } else if self.wrappers.contains(&kind) {
            ad.literal(node.named_child(0)?, cx)
        } else {
            None
        }
    }
}

/// `-v` for a number literal's value `v` (`-5`, `-0.5` written as a unary minus).
pub fn negated(v: Value) -> Option<Value> {
    match v.as_i64() {
        Some(i) => Some(Value::from(i.checked_neg()?)),
        None => v.as_f64().map(|f| Value::from(-f)),
    }
}

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
    receiver_value: Option<V>,
    key: impl Fn(V) -> (KeyExpr, String),
    literal: impl Fn(V) -> Option<Value>,
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
    for m in lr.matching_calls(name, recv) {
        let rule = &rules.rules[m.rule];
        if rule.kind != crate::rules::RuleKind::Reference {
            continue; // declarations are read by the tree-sitter path only
        }
        let key_arg = if rule.key.receiver {
            receiver_value
        } else {
            pick(args, &rule.key)
        };
        let Some(key_arg) = key_arg else {
            continue;
        };
        // A key inside the argument (a call's, a struct or object literal's: `inner`) is read
        // by the tree-sitter adapters only ([`Cx::pick`]); the fast path leaves such calls to
        // them unless the argument holds nothing to look inside.
        if rule.key.inner.is_some() {
            continue;
        }
        let default = rule
            .default
            .as_ref()
            .and_then(|d| pick(args, d))
            .and_then(&literal);
        let (key, expr) = key(key_arg);
        if matches!(key, KeyExpr::Dynamic(_)) && literal(key_arg).is_some_and(|v| !v.is_string()) {
            continue; // `true` where the key should be: not this rule's shape
        }
        if rule.key.literal && !matches!(key, KeyExpr::Literal(_)) || not_a_key_expr(&key) {
            continue;
        }
        if keep(rules, m.rule, &key, &expr) {
            return Some(RawRef {
                rule: m.rule,
                key,
                expr,
                span: Span::default(),
                default,
                test: false,
            });
        }
    }
    None
}

/// Whether a matched read is kept: an env rule's literal must be a flag variable (`FLAG_X`,
/// not `DATABASE_URL`), a computed env name must visibly build one; `key_pattern` must match.
pub fn keep(rules: &RuleSet, rule_idx: usize, key: &KeyExpr, expr: &str) -> bool {
    let rule = &rules.rules[rule_idx];
    match key {
        KeyExpr::Literal(k) => {
            if rule.is_env && rules.env.map_with(k, rule.key_transform).is_none() {
                return false; // DATABASE_URL: not a flag
            }
            if let Some(p) = &rule.key_pattern {
                if !p.regex().is_match(k) {
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

/// A type's text as a pattern target: no white space, pointers, slices or `&`.
fn normalize_type(ty: &str) -> String {
    normalize_receiver(ty)
        .trim_start_matches(['*', '&'])
        .trim_start_matches("[]")
        .trim_start_matches('*')
        .to_string()
}

/// 1-based character column of a byte offset whose byte column on its line is `byte_col`.
/// Counts from the line start: for many positions on one long line use [`Columns`].
pub fn char_column(src: &str, byte: usize, byte_col: usize) -> usize {
    let start = byte.saturating_sub(byte_col);
    match src.get(start..byte) {
        Some(s) => s.chars().count() + 1,
        None => byte_col + 1,
    }
}

/// Spans of byte ranges in a text read without a parse: 1-based lines (the line starts found
/// at the first span), character columns ([`Columns`]), as [`Cx::span`] gives them for nodes.
pub struct Spans<'a> {
    b: &'a [u8],
    lines: std::cell::OnceCell<Vec<usize>>,
    columns: Columns<'a>,
}

impl<'a> Spans<'a> {
    pub fn new(text: &'a str) -> Spans<'a> {
        Spans {
            b: text.as_bytes(),
            lines: std::cell::OnceCell::new(),
            columns: Columns::new(text),
        }
    }

    /// The 1-based line and character column of byte `at`.
    fn position(&self, at: usize) -> (usize, usize) {
        let starts = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.b).map(|i| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= at);
        (line, self.columns.column(at, at - starts[line - 1]))
    }

    /// The span from byte `start` to byte `end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Character columns of byte offsets in time independent of the line's length: an ASCII
/// text's column is its byte column; otherwise the characters before every
/// [`Columns::STEP`]-th byte are counted once, and a position counts at most one step from
/// the nearest mark (a 1.7 MB one-line file would otherwise count its line once per node).
pub struct Columns<'a> {
    src: &'a [u8],
    /// Characters (non-continuation bytes) before byte `i * STEP`; None for ASCII text.
    marks: std::cell::OnceCell<Option<Vec<usize>>>,
}

impl<'a> Columns<'a> {
    const STEP: usize = 512;

    pub fn new(src: &'a str) -> Columns<'a> {
        Columns {
            src: src.as_bytes(),
            marks: std::cell::OnceCell::new(),
        }
    }

    fn marks(&self) -> Option<&Vec<usize>> {
        self.marks
            .get_or_init(|| {
                if self.src.is_ascii() {
                    return None;
                }
                let mut marks = Vec::with_capacity(self.src.len() / Self::STEP + 1);
                let mut n = 0;
                for chunk in self.src.chunks(Self::STEP) {
                    marks.push(n);
                    n += chars_in(chunk);
                }
                marks.push(n);
                Some(marks)
            })
            .as_ref()
    }

    /// Characters before byte `at`.
    fn chars_before(&self, marks: &[usize], at: usize) -> usize {
        let at = at.min(self.src.len());
        let i = at / Self::STEP;
        marks[i] + chars_in(&self.src[i * Self::STEP..at])
    }

    /// 1-based character column of byte `byte` whose byte column on its line is `byte_col`.
    pub fn column(&self, byte: usize, byte_col: usize) -> usize {
        match self.marks() {
            None => byte_col + 1,
            Some(m) => {
                self.chars_before(m, byte) - self.chars_before(m, byte.saturating_sub(byte_col)) + 1
            }
        }
    }
}

/// Characters in a UTF-8 byte run (its bytes that are not continuation bytes).
fn chars_in(b: &[u8]) -> usize {
    b.iter().filter(|&&c| (c as i8) >= -0x40).count()
}

thread_local! {
    static PARSERS: RefCell<HashMap<Language, Parser>> = RefCell::new(HashMap::new());
}

/// Parse `src` with tree-sitter and run one traversal with the adapter. `with_rules` false
/// collects only constants and imports (the resolver's second pass). `hits`: the offsets where
/// a read may start (the prefilter's); the parse then leaves out the function bodies that hold
/// none ([`super::regions`]). None: the whole file. Err: why the file could not be read
/// ([`super::guard`]).
pub fn extract_tree_sitter(
    lang: Language,
    path: &str,
    src: &str,
    rules: &RuleSet,
    with_rules: bool,
    hits: Option<&[usize]>,
    ad: &dyn Adapter,
) -> Result<(FileFacts, tree_sitter::Tree), String> {
    if let Some(why) = super::guard::scanner_limits(lang, src) {
        return Err(why);
    }
    // A rule reads a call's result (`useFlags().x`), which a variable bound to it carries
    // into functions with no hit of their own: the whole file.
    let hits = hits.filter(|_| {
        rules.lang(lang).is_none_or(|lr| {
            lr.result_calls()
                .all(|c| memchr::memmem::find(src.as_bytes(), c.as_bytes()).is_none())
        })
    });
    let budget = super::guard::parse_budget(src.len());
    let start = std::time::Instant::now();
    // One parse within what is left of the file's budget; Err when it runs over.
    let parse = |parser: &mut Parser, text: &str| -> Result<Option<tree_sitter::Tree>, String> {
        let bytes = text.as_bytes();
        let mut progress = |_: &tree_sitter::ParseState| {
            if start.elapsed() > budget {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        };
        let tree = parser.parse_with_options(
            &mut |i, _| bytes.get(i..).unwrap_or_default(),
            None,
            Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
        );
        if tree.is_none() && start.elapsed() > budget {
            // A cancelled parse would resume on the next call: start the next file afresh.
            parser.reset();
            return Err(format!(
                "parsing took longer than its budget of {} s; flag reads in it are not reported",
                budget.as_secs()
            ));
        }
        Ok(tree)
    };
    let tree = PARSERS
        .with(|p| {
            let mut p = p.borrow_mut();
            let parser = match p.entry(lang) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let mut parser = Parser::new();
                    let grammar = lang
                        .tree_sitter()
                        .ok_or_else(|| "no parser for the language".to_string())?;
                    parser
                        .set_language(&grammar)
                        .map_err(|e| format!("parser: {e}"))?;
                    e.insert(parser)
                }
            };
            // The regions around the hits first; the whole file when they do not parse
            // cleanly (see `regions`: a syntax-error note is about the file as written).
            let ranges = hits
                .and_then(|h| super::regions::excluded(lang, src.as_bytes(), h))
                .filter(|ex| !ex.is_empty())
                .map(|ex| super::regions::included(src.len(), src.as_bytes(), &ex));
            if let Some(ranges) = ranges.filter(|r| !r.is_empty()) {
                let ok = parser.set_included_ranges(&ranges).is_ok();
                let mut tree = if ok { parse(parser, src)? } else { None };
                // A grammar gap (see `reparse_source` below) in the regions: the renamed copy's
                // regions, before the file whole and then the copy whole (kops' `new("x", ...)`
                // took those three parses).
                if tree.as_ref().is_some_and(|t| t.root_node().has_error()) {
                    if let Some(copy) = ad.reparse_source(src) {
                        tree = parse(parser, &copy)?;
                    }
                }
                let _ = parser.set_included_ranges(&[]);
                if let Some(tree) = tree {
                    if !tree.root_node().has_error() {
                        return Ok(Some(tree));
                    }
                }
            }
            let Some(tree) = parse(parser, src)? else {
                return Ok::<_, String>(None);
            };
            if !tree.root_node().has_error() {
                return Ok(Some(tree));
            }
            // A grammar gap (Go's `new` as a function name or with a value argument): parse a
            // same-length copy with the word renamed, and keep it when it goes further.
            let Some(copy) = ad.reparse_source(src) else {
                return Ok(Some(tree));
            };
            let Some(again) = parse(parser, &copy)? else {
                return Ok(Some(tree));
            };
            let errors = |t: &tree_sitter::Tree| {
                let mut c = t.walk();
                count_errors(&mut c)
            };
            Ok(Some(if errors(&again) < errors(&tree) {
                again
            } else {
                tree
            }))
        })?
        .ok_or_else(|| "could not be parsed".to_string())?;
    let facts = read_tree(lang, path, src, &tree, rules, with_rules, ad);
    Ok((facts, tree))
}

/// A file's syntax tree kept from the pass that parsed it for a later one: the symbol pass
/// reads the uses in a declaring file from the tree its reads were found in, where that tree
/// covers them, instead of parsing the file again.
pub struct KeptTree {
    /// The text parsed (after a byte-order mark).
    pub text: String,
    pub tree: tree_sitter::Tree,
}

impl KeptTree {
    /// Whether every offset lies in what the tree was parsed from (the whole file, or the
    /// regions around the first pass's hits).
    pub fn covers(&self, mut offsets: impl Iterator<Item = usize>) -> bool {
        let ranges = self.tree.included_ranges();
        offsets.all(|o| ranges.iter().any(|r| r.start_byte <= o && o < r.end_byte))
    }
}

/// Read a parsed file's facts from its syntax tree with `rules`.
pub fn read_tree(
    lang: Language,
    path: &str,
    src: &str,
    tree: &tree_sitter::Tree,
    rules: &RuleSet,
    with_rules: bool,
    ad: &dyn Adapter,
) -> FileFacts {
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
        columns: Columns::new(src),
        symbols: rules.symbols.get(&lang).filter(|s| !s.is_empty()),
        symbol_aliases: HashMap::new(),
        accessor_keys: Vec::new(),
        bound: Vec::new(),
    };
    let root = tree.root_node();
    if root.has_error() {
        cx.facts.syntax_error = first_error(root).map(|n| {
            let p = n.start_position();
            (p.row + 1, cx.columns.column(n.start_byte(), p.column))
        });
    }
    let mut cursor = root.walk();
    'outer: loop {
        let node = cursor.node();
        if node.is_named() {
            ad.visit(node, &mut cx);
            if cx.symbols.is_some() {
                symbol_use(node, &mut cx, ad);
            }
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
    // An accessor whose reads all name one key stands for that key, like a constant.
    let mut by_name: BTreeMap<String, (String, usize, bool)> = BTreeMap::new();
    for (name, key, rule) in std::mem::take(&mut cx.accessor_keys) {
        by_name
            .entry(name)
            .and_modify(|e| e.2 &= e.0 == key)
            .or_insert((key, rule, true));
    }
    for (name, (key, rule, one)) in by_name {
        if one {
            cx.constant(name.clone(), key);
            cx.facts.accessors.push((name, rule));
        }
    }
    cx.facts
}

/// A use of a flag's symbol: a member path ending in one (`featureflag.X`, `dc.X`,
/// `settings.X`) or a bare name (`X`) that is not where a name is defined. The path is
/// resolved like a constant key, so only uses that reach the declaring package or module
/// count; comments and strings are never nodes of these kinds.
fn symbol_use<'t>(node: Node<'t>, cx: &mut Cx<'t>, ad: &dyn Adapter) {
    let Some(symbols) = cx.symbols else { return };
    let (members, idents, bare) = ad.symbol_syntax();
    let kind = node.kind();
    let rule = if let Some((_, _, prop)) = members.iter().find(|(k, _, _)| *k == kind) {
        let Some(p) = node.child_by_field_name(prop) else {
            return;
        };
        match symbols.get(cx.text(p)) {
            Some(r) => *r,
            None => return,
        }
    } else if bare.contains(&kind) {
        let name = cx.text(node);
        let Some(r) = symbols.get(name).or_else(|| cx.symbol_aliases.get(name)) else {
            return;
        };
        let r = *r;
        if let Some(parent) = node.parent() {
            // The property of a member path is that path's; a defined name is no use.
            let member_prop = members
                .iter()
                .find(|(k, _, _)| *k == parent.kind())
                .is_some_and(|(_, _, prop)| parent.child_by_field_name(prop) == Some(node));
            if member_prop || is_definition(node, parent) || ad.names_a_field(node) {
                return;
            }
        }
        r
    } else {
        return;
    };
    let Some(path) = dotted_path(node, cx.src, members, idents) else {
        return;
    };
    let span = cx.span(node);
    cx.facts.refs.push(RawRef {
        rule,
        key: KeyExpr::Path(path),
        expr: cx.text(node).to_string(),
        span,
        default: None,
        test: false,
    });
}

/// Whether `node` is a name being defined or assigned (`X = ...`, `var X`, a parameter, a
/// keyword argument's name), not read.
fn is_definition(node: Node, parent: Node) -> bool {
    const DEFINING: &[&str] = &["name", "left", "declarator"];
    if field_of(parent, node).is_some_and(|f| DEFINING.contains(&f)) {
        return true;
    }
    // An import names what it brings in; it reads nothing (`from m import X as y`).
    let mut up = Some(parent);
    for _ in 0..3 {
        match up {
            Some(p) if p.kind().contains("import") => return true,
            Some(p) => up = p.parent(),
            None => break,
        }
    }
    // Go `X, Y := ...` / `X = ...`: the names are in the left expression list.
    parent.kind() == "expression_list"
        && parent
            .parent()
            .is_some_and(|g| field_of(g, parent) == Some("left"))
}

/// The field name under which `parent` holds `child`.
fn field_of<'a>(parent: Node<'a>, child: Node<'a>) -> Option<&'a str> {
    let mut c = parent.walk();
    if !c.goto_first_child() {
        return None;
    }
    loop {
        if c.node() == child {
            return c.field_name();
        }
        if !c.goto_next_sibling() {
            return None;
        }
    }
}

/// How many ERROR / MISSING nodes a tree holds.
fn count_errors(c: &mut tree_sitter::TreeCursor) -> usize {
    let node = c.node();
    if !node.has_error() {
        return 0;
    }
    let mut n = usize::from(node.is_error() || node.is_missing());
    if c.goto_first_child() {
        loop {
            n += count_errors(c);
            if !c.goto_next_sibling() {
                break;
            }
        }
        c.goto_parent();
    }
    n
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
/// Iterative: a chain of 20,000 links is as deep a tree (it overflowed the stack when this
/// recursed).
pub fn dotted_path(
    node: Node,
    src: &str,
    member_kinds: &[(&str, &str, &str)],
    ident_kinds: &[&str],
) -> Option<Vec<String>> {
    let mut props = Vec::new();
    let mut n = node;
    while !ident_kinds.contains(&n.kind()) {
        let (_, obj, prop) = member_kinds.iter().find(|(k, _, _)| *k == n.kind())?;
        let p = n.child_by_field_name(prop)?;
        props.push(src.get(p.byte_range())?);
        n = n.child_by_field_name(obj)?;
    }
    let mut path = vec![src.get(n.byte_range())?.to_string()];
    path.extend(props.into_iter().rev().map(str::to_string));
    Some(path)
}

/// The grammar's node kinds of a string made of parts (JavaScript, Ruby).
pub struct StringParts {
    /// Text taken as written.
    pub content: &'static str,
    /// An interpolation: the value is not static.
    pub interpolation: &'static str,
    /// Decodes one `escape_sequence` part.
    pub unescape: fn(&str) -> String,
}

/// A string node's value from its parts; None when it interpolates.
pub fn string_parts(node: Node, cx: &Cx, kinds: &StringParts) -> Option<String> {
    let mut out = String::new();
    let mut c = node.walk();
    for part in node.named_children(&mut c) {
        match part.kind() {
            "escape_sequence" => out.push_str(&(kinds.unescape)(cx.text(part))),
            k if k == kinds.content => out.push_str(cx.text(part)),
            k if k == kinds.interpolation => return None,
            _ => {}
        }
    }
    Some(out)
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

#[cfg(test)]
mod tests {
    use crate::lang::Language;
    use crate::rules::{EnvSettings, RuleSet};

    /// A comment field is read from the block right above its declaration, wherever the
    /// declaration is in the file and whatever its line ends, with the line of its first
    /// line (`*`: the untagged lines).
    #[test]
    fn comment_fields_come_from_the_block_above() {
        let rule = "rules:\n  - { id: d, language: python, provider: custom, kind: declaration, call: [flag], key: { arg: 0 }, fields: { owner: { comment: owner }, about: { comment: \"*\" } } }\n";
        let set = RuleSet::load(
            &[("r.yml".into(), rule.into())],
            &[],
            EnvSettings::default(),
        )
        .unwrap();
        for eol in ["\n", "\r\n"] {
            let text = [
                "import os",
                "",
                "# owner: team-x",
                "OTHER = 1",
                "",
                "# owner: team-a",
                "# Turns on the new UI.",
                "NEW_UI = flag(\"new-ui\")",
                "# owner: team-b",
                "#",
                "OLD_UI = flag(\"old-ui\")",
                "BARE = flag(\"bare\")",
            ]
            .join(eol);
            let facts =
                super::super::extract_file(Language::Python, "flags.py", &text, &set, true, None)
                    .unwrap();
            let fields: Vec<String> = facts
                .decls
                .iter()
                .map(|d| format!("{} {:?}", d.expr, d.fields))
                .collect();
            assert_eq!(
                fields,
                [
                    r#""new-ui" [("about", String("Turns on the new UI."), 7), ("owner", String("team-a"), 6)]"#,
                    r#""old-ui" [("owner", String("team-b"), 9)]"#,
                    r#""bare" []"#,
                ],
                "{eol:?}"
            );
        }
    }
}
