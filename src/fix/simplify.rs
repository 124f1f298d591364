//! The shared simplifier driver: parse, find one rewrite around a hot value, apply it, parse
//! again, until nothing is left to fold; then delete what the rewrite left unused (locals,
//! imports, file-private helpers). The language adapters give node kinds and the shapes that
//! differ (if statements, bindings, imports); the folding rules are here, once.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use super::edit::{indent_at, reindent, statement_range, Doc, Edit, Rep};
use crate::lang::Language;

/// Node kinds and literals of one language.
pub struct Syntax {
    pub true_lit: &'static str,
    pub false_lit: &'static str,
    /// The null literal (`nil`): Go's error results become it.
    pub nil_lit: Option<&'static str>,
    pub paren: &'static [&'static str],
    pub unary: &'static [&'static str],
    pub binary: &'static [&'static str],
    pub ternary: &'static [&'static str],
    pub string: &'static [&'static str],
    /// Call nodes (impure).
    pub calls: &'static [&'static str],
    /// Function-like nodes: the scope of a local binding.
    pub functions: &'static [&'static str],
    pub returns: &'static [&'static str],
    /// Subtrees not counted as uses of a name (import statements).
    pub imports: &'static [&'static str],
    pub awaits: &'static [&'static str],
    /// Name node kinds counted as uses.
    pub names: &'static [&'static str],
    /// An emptied block needs a statement (Python's `pass`).
    pub empty_block: Option<&'static str>,
    /// An unused local is a compile error (Go): a local left unused goes even when its value
    /// is a call.
    pub unused_local_is_error: bool,
}

/// A statement binding names to values (`x = True`, `v, err := true, nil`).
pub struct Binding<'t> {
    pub stmt: Node<'t>,
    pub names: Vec<Node<'t>>,
    pub values: Vec<Node<'t>>,
    /// `:=` (Go): a kept nil needs a type.
    pub short: bool,
}

/// One name an import statement brings in.
pub struct Import<'t> {
    pub name: String,
    /// What to delete for this name alone (the specifier), or None when it is the whole statement.
    pub part: Option<Node<'t>>,
    pub stmt: Node<'t>,
    /// How many names the statement brings in.
    pub siblings: usize,
}

/// A function definition: its name and the statements of its body.
pub struct FnDef<'t> {
    pub node: Node<'t>,
    pub name: String,
    pub body: Vec<Node<'t>>,
}

pub trait Adapter: Sync {
    fn syntax(&self) -> &'static Syntax;
    /// if / unless / elif shapes whose condition is a hot value.
    fn conditional(&self, cx: &Cx, node: Node) -> Option<Edit>;
    fn binding<'t>(&self, node: Node<'t>) -> Option<Binding<'t>>;
    fn imports<'t>(&self, root: Node<'t>, text: &str) -> Vec<Import<'t>>;
    /// A function only this file can call, with its body statements.
    fn private_function<'t>(&self, node: Node<'t>, text: &str) -> Option<FnDef<'t>>;
    /// A file-private constant (`const staleKey = "..."` in Go, `_KEY = "..."` in Python):
    /// its name and the node whose lines go when nothing uses it any more.
    fn constant<'t>(&self, _n: Node<'t>, _text: &str) -> Option<(String, Node<'t>)> {
        None
    }
    /// The callee name of a plain call `name(...)` and its argument nodes.
    fn plain_call<'t>(&self, node: Node<'t>, text: &str) -> Option<(String, Vec<Node<'t>>)>;
}

pub fn parse(lang: Language, text: &str) -> Option<Tree> {
    let mut p = Parser::new();
    p.set_language(&lang.tree_sitter()?).ok()?;
    p.parse(text, None)
}

/// Whether the text parses without errors.
pub fn parses(lang: Language, text: &str) -> bool {
    parse(lang, text).is_some_and(|t| !t.root_node().has_error())
}

pub struct Cx<'a> {
    pub doc: &'a Doc,
    pub syn: &'static Syntax,
}

/// A value `fix` wrote.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Bool(bool),
    Nil,
    Other(String),
}

impl<'a> Cx<'a> {
    pub fn text(&self, n: Node) -> &'a str {
        &self.doc.text[n.byte_range()]
    }

    pub fn strip_parens<'t>(&self, mut n: Node<'t>) -> Node<'t> {
        while self.syn.paren.contains(&n.kind()) && n.named_child_count() == 1 {
            match n.named_child(0) {
                Some(c) => n = c,
                None => break,
            }
        }
        n
    }

    /// The hot value at `n` (through parentheses).
    pub fn lit(&self, n: Node) -> Option<Lit> {
        let n = self.strip_parens(n);
        if !self.doc.is_hot(n.byte_range()) {
            return None;
        }
        let t = self.text(n);
        Some(if t == self.syn.true_lit {
            Lit::Bool(true)
        } else if t == self.syn.false_lit {
            Lit::Bool(false)
        } else if Some(t) == self.syn.nil_lit {
            Lit::Nil
        } else {
            Lit::Other(t.to_string())
        })
    }

    pub fn bool_of(&self, n: Node) -> Option<bool> {
        match self.lit(n)? {
            Lit::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn bool_text(&self, b: bool) -> &'static str {
        if b {
            self.syn.true_lit
        } else {
            self.syn.false_lit
        }
    }

    /// Replace `n` with a boolean value.
    pub fn to_bool(&self, n: Node, b: bool) -> Edit {
        Edit::one(Rep::value(n.byte_range(), self.bool_text(b)))
    }

    /// Replace `n` with the text of `by` (still hot when `by` was).
    pub fn to_node(&self, n: Node, by: Node) -> Edit {
        let inner = self.strip_parens(by);
        if self.doc.is_hot(inner.byte_range()) {
            return Edit::one(Rep::value(n.byte_range(), self.text(inner)));
        }
        Edit::one(Rep::plain(n.byte_range(), self.text(by)))
    }

    /// Whether evaluating `n` can have no effect (no call, assignment, await...).
    pub fn pure(&self, n: Node) -> bool {
        let k = n.kind();
        if self.syn.calls.contains(&k)
            || self.syn.awaits.contains(&k)
            || k.contains("assignment")
            || k.contains("update")
            || k.starts_with("new")
            || k.contains("creation")
        {
            return false;
        }
        let mut c = n.walk();
        let ok = n.named_children(&mut c).all(|ch| self.pure(ch));
        ok
    }

    /// Delete a statement (its lines when it has them to itself, and the comment lines right
    /// above it). A block left empty gets the language's filler statement.
    pub fn delete_stmt(&self, n: Node) -> Edit {
        if let (Some(fill), Some(p)) = (self.syn.empty_block, n.parent()) {
            if p.kind() == "block" {
                let mut c = p.walk();
                let others = p
                    .named_children(&mut c)
                    .filter(|s| s.id() != n.id() && s.kind() != "comment")
                    .count();
                if others == 0 {
                    return Edit::one(Rep::plain(n.byte_range(), fill));
                }
            }
        }
        // With the comment lines right above it: they were about it.
        Edit::one(Rep::delete(definition_range(&self.doc.text, n)))
    }

    /// Replace the statement `target` with the statements inside `body` (a block, `then`, an
    /// `else` clause), re-indented to the statement's own indentation.
    pub fn unwrap(&self, target: Node, body: Node) -> Edit {
        let items = block_items(body);
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return self.delete_stmt(target);
        };
        let text = &self.doc.text;
        let inner = &text[first.start_byte()..last.end_byte()];
        let moved = match (
            indent_at(text, first.start_byte()),
            indent_at(text, target.start_byte()),
        ) {
            (Some(from), Some(to)) if from.len() > to.len() => reindent(inner, from, to),
            _ => inner.to_string(),
        };
        Edit::region(Rep::plain(target.byte_range(), moved))
    }
}

/// The statements inside a block-like node (brace blocks, Go's statement_list, Ruby's then).
pub fn block_items(body: Node) -> Vec<Node> {
    let mut c = body.walk();
    let items: Vec<Node> = body.named_children(&mut c).collect();
    if items.len() == 1 && items[0].kind() == "statement_list" {
        return block_items(items[0]);
    }
    items
}

pub fn field<'t>(n: Node<'t>, name: &str) -> Option<Node<'t>> {
    n.child_by_field_name(name)
}

/// The field name `n` has in its parent.
pub fn field_of<'t>(n: Node<'t>) -> Option<&'t str> {
    let p = n.parent()?;
    let mut c = p.walk();
    for (i, ch) in p.children(&mut c).enumerate() {
        if ch.id() == n.id() {
            return p.field_name_for_child(i as u32);
        }
    }
    None
}

/// The first anonymous child whose kind is one of `ops`.
pub fn operator<'t>(n: Node<'t>, ops: &[&str]) -> Option<&'t str> {
    let mut c = n.walk();
    let found = n
        .children(&mut c)
        .find(|ch| !ch.is_named() && ops.contains(&ch.kind()))
        .map(|ch| ch.kind());
    found
}

const AND: &[&str] = &["&&", "and"];
const OR: &[&str] = &["||", "or"];
const NOT: &[&str] = &["!", "not"];
const EQ: &[&str] = &["==", "==="];
const NE: &[&str] = &["!=", "!=="];

/// The generic folding rules, then the adapter's conditionals, then bindings and helpers.
fn rewrite(cx: &Cx, ad: &dyn Adapter, n: Node) -> Option<Edit> {
    if !n.is_named() {
        return None;
    }
    let syn = cx.syn;
    let k = n.kind();
    if syn.unary.contains(&k) && operator(n, NOT).is_some() {
        let operand = field(n, "argument")
            .or_else(|| field(n, "operand"))
            .or_else(|| n.named_child((n.named_child_count() as u32).saturating_sub(1)))?;
        return cx.bool_of(operand).map(|b| cx.to_bool(n, !b));
    }
    if syn.binary.contains(&k) && n.named_child_count() == 2 {
        return binary(cx, n);
    }
    if syn.ternary.contains(&k) {
        let (cond, yes, no) = ternary_parts(n)?;
        let b = cx.bool_of(cond)?;
        let chosen = if b { yes } else { no };
        // `(flag ? "a" : "b") + x`: the parentheses go with the ternary when what is left is
        // one term.
        let one_term = chosen.child_count() == 0
            || syn.string.contains(&chosen.kind())
            || syn.calls.contains(&chosen.kind())
            || syn.paren.contains(&chosen.kind());
        let target = match n.parent() {
            Some(p)
                if one_term
                    && syn.paren.contains(&p.kind())
                    && !matches!(field_of(p), Some("condition")) =>
            {
                p
            }
            _ => n,
        };
        return Some(cx.to_node(target, chosen));
    }
    if syn.paren.contains(&k) && !matches!(field_of(n), Some("condition")) {
        let inner = cx.strip_parens(n);
        if inner.id() != n.id() && cx.doc.is_hot(inner.byte_range()) {
            return Some(Edit::one(Rep::value(n.byte_range(), cx.text(inner))));
        }
    }
    if syn.awaits.contains(&k) {
        let inner = n.named_child(0)?;
        if cx.doc.is_hot(inner.byte_range()) {
            return Some(Edit::one(Rep::value(n.byte_range(), cx.text(inner))));
        }
    }
    if let Some(e) = ad.conditional(cx, n) {
        return Some(e);
    }
    if let Some(b) = ad.binding(n) {
        if let Some(e) = inline_binding(cx, b) {
            return Some(e);
        }
    }
    if syn.returns.contains(&k) && cx.doc.in_region(n.byte_range()) {
        if let Some(e) = dead_after(cx, n) {
            return Some(e);
        }
    }
    None
}

fn binary(cx: &Cx, n: Node) -> Option<Edit> {
    let l = field(n, "left").or_else(|| n.named_child(0))?;
    let r = field(n, "right").or_else(|| n.named_child(1))?;
    let (lv, rv) = (cx.lit(l), cx.lit(r));
    if lv.is_none() && rv.is_none() {
        return None;
    }
    let bool_l = matches!(lv, Some(Lit::Bool(_)));
    let bool_r = matches!(rv, Some(Lit::Bool(_)));
    if operator(n, AND).is_some() {
        return match (lv, rv) {
            (Some(Lit::Bool(true)), _) => Some(cx.to_node(n, r)),
            (Some(Lit::Bool(false)), _) => Some(cx.to_bool(n, false)),
            (_, Some(Lit::Bool(true))) => Some(cx.to_node(n, l)),
            (_, Some(Lit::Bool(false))) if cx.pure(l) => Some(cx.to_bool(n, false)),
            _ => None,
        };
    }
    if operator(n, OR).is_some() {
        return match (lv, rv) {
            (Some(Lit::Bool(true)), _) => Some(cx.to_bool(n, true)),
            (Some(Lit::Bool(false)), _) => Some(cx.to_node(n, r)),
            (_, Some(Lit::Bool(false))) => Some(cx.to_node(n, l)),
            (_, Some(Lit::Bool(true))) if cx.pure(l) => Some(cx.to_bool(n, true)),
            _ => None,
        };
    }
    let eq = operator(n, EQ).is_some();
    if !eq && operator(n, NE).is_none() {
        return None;
    }
    // The other side may be a literal written by hand (`err != nil`).
    let lv = lv.or_else(|| written_lit(cx, l));
    let rv = rv.or_else(|| written_lit(cx, r));
    match (&lv, &rv) {
        (Some(a), Some(b)) => Some(cx.to_bool(n, (a == b) == eq)),
        // `x == true` is `x`; `x != false` too.
        (_, Some(Lit::Bool(b))) if *b == eq && !bool_l => Some(cx.to_node(n, l)),
        (Some(Lit::Bool(b)), _) if *b == eq && !bool_r => Some(cx.to_node(n, r)),
        _ => None,
    }
}

/// A boolean or nil literal written by hand.
fn written_lit(cx: &Cx, x: Node) -> Option<Lit> {
    let x = cx.strip_parens(x);
    let t = cx.text(x);
    if x.child_count() != 0 {
        return None;
    }
    if t == cx.syn.true_lit {
        Some(Lit::Bool(true))
    } else if t == cx.syn.false_lit {
        Some(Lit::Bool(false))
    } else if Some(t) == cx.syn.nil_lit {
        Some(Lit::Nil)
    } else {
        None
    }
}

/// (condition, consequence, alternative) of a ternary, whatever the grammar's field names.
fn ternary_parts(n: Node) -> Option<(Node, Node, Node)> {
    if let (Some(c), Some(y), Some(a)) = (
        field(n, "condition"),
        field(n, "consequence"),
        field(n, "alternative"),
    ) {
        return Some((c, y, a));
    }
    // Python: `yes if cond else no`.
    let mut c = n.walk();
    let kids: Vec<Node> = n.named_children(&mut c).collect();
    match kids.as_slice() {
        [y, c, a] => Some((*c, *y, *a)),
        _ => None,
    }
}

/// Statements after a `return` that `fix` moved out of a branch are unreachable.
fn dead_after(cx: &Cx, n: Node) -> Option<Edit> {
    let last = {
        let mut cur = n;
        let mut last = None;
        while let Some(s) = cur.next_named_sibling() {
            last = Some(s);
            cur = s;
        }
        last?
    };
    let mut range = n.end_byte()..last.end_byte();
    // Keep a trailing comment on the return's own line.
    let text = &cx.doc.text;
    let le = super::edit::line_end(text, n.end_byte());
    if le < range.end && text[n.end_byte()..le].trim().is_empty() {
        range.start = le;
    }
    Some(Edit::one(Rep::delete(range)))
}

/// Identifier-like nodes named `name` in `scope`, outside import statements.
fn name_nodes<'t>(syn: &Syntax, scope: Node<'t>, text: &str, name: &str, out: &mut Vec<Node<'t>>) {
    if syn.imports.contains(&scope.kind()) {
        return;
    }
    if syn.names.contains(&scope.kind()) && &text[scope.byte_range()] == name {
        out.push(scope);
    }
    let mut c = scope.walk();
    for ch in scope.children(&mut c) {
        name_nodes(syn, ch, text, name, out);
    }
}

/// Whether the name node is written here (assigned, declared, a parameter, a loop variable).
fn is_write(n: Node) -> bool {
    let mut cur = n;
    let mut p = match n.parent() {
        Some(p) => p,
        None => return false,
    };
    while matches!(
        p.kind(),
        "expression_list" | "pattern_list" | "tuple_pattern" | "left_assignment_list"
    ) {
        cur = p;
        p = match p.parent() {
            Some(x) => x,
            None => return false,
        };
    }
    let k = p.kind();
    if k.contains("parameter") || k == "parameters" || k == "formal_parameters" {
        return true;
    }
    let left = field(p, "left").or_else(|| field(p, "name"));
    let is_left = left.is_some_and(|l| l.id() == cur.id());
    is_left
        && (k.contains("assignment")
            || k.contains("declarat")
            || k.contains("declarator")
            || k.contains("var_spec")
            || k.starts_with("for")
            || k == "range_clause"
            || k == "const_spec")
}

/// Whether the name node is a use of a local of that name (not a field or keyword name).
fn is_plain_use(n: Node) -> bool {
    !matches!(
        field_of(n),
        Some("attribute" | "field" | "property" | "method" | "name" | "key" | "label" | "type")
    )
}

fn scope_of<'t>(syn: &Syntax, n: Node<'t>) -> Option<Node<'t>> {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if syn.functions.contains(&p.kind()) {
            return Some(p);
        }
        cur = p.parent();
    }
    None
}

/// `x = <value>` inside a function, `x` assigned nowhere else: every use of `x` becomes the
/// value and the statement goes.
fn inline_binding(cx: &Cx, b: Binding) -> Option<Edit> {
    if b.names.len() != b.values.len() {
        return None;
    }
    // Values `fix` wrote; beside one, a literal written by hand (`v, err := <read>, nil`).
    if !b.values.iter().any(|v| cx.lit(*v).is_some()) {
        return None;
    }
    let lits: Vec<Lit> = b
        .values
        .iter()
        .map(|v| cx.lit(*v).or_else(|| written_lit(cx, *v)))
        .collect::<Option<Vec<_>>>()?;
    let scope = scope_of(cx.syn, b.stmt)?;
    let text = cx.doc.text.as_str();
    let mut reps = Vec::new();
    let mut kept: Vec<(String, String)> = Vec::new();
    for (name_node, lit) in b.names.iter().zip(&lits) {
        let name = &text[name_node.byte_range()];
        if name == "_" {
            continue;
        }
        let value = cx.text(
            cx.strip_parens(b.values[b.names.iter().position(|x| x.id() == name_node.id())?]),
        );
        let mut nodes = Vec::new();
        name_nodes(cx.syn, scope, text, name, &mut nodes);
        let writes = nodes.iter().filter(|x| is_write(**x)).count();
        if writes != 1 {
            let shown = match lit {
                Lit::Nil if b.short => "error(nil)".to_string(),
                _ => value.to_string(),
            };
            kept.push((name.to_string(), shown));
            continue;
        }
        for u in nodes {
            if u.kind().starts_with("shorthand_property_identifier") {
                // `{ useNew }` becomes `{ useNew: true }`.
                reps.push(Rep::plain(u.byte_range(), format!("{name}: {value}")));
            } else if u.id() != name_node.id() && !is_write(u) && is_plain_use(u) {
                reps.push(Rep::value(u.byte_range(), value));
            }
        }
    }
    if kept.len() == b.names.len() {
        return None;
    }
    if kept.is_empty() {
        let del = cx.delete_stmt(b.stmt);
        reps.extend(del.reps);
    } else {
        // Go: keep what cannot be inlined, typed.
        let (names, values): (Vec<String>, Vec<String>) = kept.into_iter().unzip();
        let op = if b.short { ":=" } else { "=" };
        reps.push(Rep::plain(
            b.stmt.byte_range(),
            format!("{} {op} {}", names.join(", "), values.join(", ")),
        ));
    }
    Some(Edit {
        reps,
        region: false,
    })
}

/// A file-private function whose body is `return <value>` (a docstring aside): its calls become
/// the value and it goes.
fn inline_helper(cx: &Cx, ad: &dyn Adapter, root: Node, f: FnDef) -> Option<Edit> {
    let syn = cx.syn;
    let text = cx.doc.text.as_str();
    let stmts: Vec<Node> = f
        .body
        .iter()
        .copied()
        .filter(|s| s.kind() != "comment")
        .filter(|s| {
            !(s.kind() == "expression_statement"
                && s.named_child(0)
                    .is_some_and(|c| syn.string.contains(&c.kind())))
        })
        .collect();
    let [ret] = stmts.as_slice() else {
        return None;
    };
    let value_node = if syn.returns.contains(&ret.kind()) {
        let v = ret.named_child(0)?;
        if v.kind() == "expression_list" {
            v.named_child(0)?
        } else {
            v
        }
    } else {
        *ret
    };
    if cx.doc.named_outside(&f.name) {
        return None;
    }
    let lit = cx.lit(value_node)?;
    let value = match lit {
        Lit::Bool(b) => cx.bool_text(b).to_string(),
        Lit::Nil | Lit::Other(_) => cx.text(cx.strip_parens(value_node)).to_string(),
    };
    let mut uses = Vec::new();
    name_nodes(syn, root, text, &f.name, &mut uses);
    let mut reps = Vec::new();
    for u in uses {
        if u.start_byte() >= f.node.start_byte() && u.end_byte() <= f.node.end_byte() {
            continue;
        }
        // Every other mention must be a plain call with pure arguments.
        let call = u.parent()?;
        let call = if syn.calls.contains(&call.kind()) {
            call
        } else {
            call.parent()?
        };
        let (name, args) = ad.plain_call(call, text)?;
        if name != f.name || !args.iter().all(|a| cx.pure(*a)) {
            return None;
        }
        reps.push(Rep::value(call.byte_range(), value.as_str()));
    }
    reps.push(Rep::delete(definition_range(text, f.node)));
    Some(Edit {
        reps,
        region: false,
    })
}

/// A definition's lines, with the comment lines right above it.
pub fn definition_range(text: &str, n: Node) -> Range<usize> {
    let mut start = n;
    while let Some(p) = start.prev_sibling() {
        if p.kind().contains("comment") && p.end_position().row + 1 == start.start_position().row {
            start = p;
        } else {
            break;
        }
    }
    statement_range(text, start.start_byte()..n.end_byte())
}

/// Rewrite until nothing folds. Returns false when the rewrite did not settle.
pub fn settle(doc: &mut Doc, lang: Language, ad: &dyn Adapter) -> bool {
    for _ in 0..5000 {
        let Some(tree) = parse(lang, &doc.text) else {
            return false;
        };
        let edit = {
            let cx = Cx {
                doc,
                syn: ad.syntax(),
            };
            find(&cx, ad, tree.root_node()).or_else(|| helpers(&cx, ad, tree.root_node()))
        };
        match edit {
            Some(e) => {
                if !doc.apply(e) {
                    return false;
                }
            }
            None => return true,
        }
    }
    false
}

/// Innermost first.
fn find(cx: &Cx, ad: &dyn Adapter, n: Node) -> Option<Edit> {
    let mut c = n.walk();
    let kids: Vec<Node> = n.children(&mut c).collect();
    for ch in kids {
        if let Some(e) = find(cx, ad, ch) {
            return Some(e);
        }
    }
    rewrite(cx, ad, n)
}

fn helpers(cx: &Cx, ad: &dyn Adapter, root: Node) -> Option<Edit> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if let Some(f) = ad.private_function(n, &cx.doc.text) {
            if let Some(e) = inline_helper(cx, ad, root, f) {
                return Some(e);
            }
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    None
}

/// How many times each name is used (outside imports).
pub fn name_counts(lang: Language, syn: &Syntax, text: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let Some(tree) = parse(lang, text) else {
        return out;
    };
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if syn.imports.contains(&n.kind()) {
            continue;
        }
        if syn.names.contains(&n.kind()) {
            *out.entry(text[n.byte_range()].to_string()).or_insert(0) += 1;
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    out
}

/// Delete what the rewrite left unused: locals and file-private helpers whose every use went,
/// then imports nothing uses any more. `before`: the name counts of the original file.
pub fn cleanup(doc: &mut Doc, lang: Language, ad: &dyn Adapter, before: &HashMap<String, usize>) {
    let syn = ad.syntax();
    for _ in 0..200 {
        let now = name_counts(lang, syn, &doc.text);
        let gone = |name: &str, left: usize| {
            now.get(name).copied().unwrap_or(0) <= left
                && before.get(name).copied().unwrap_or(0) > left
                && !doc.named_outside(name)
        };
        let Some(tree) = parse(lang, &doc.text) else {
            return;
        };
        let cx = Cx { doc, syn };
        let root = tree.root_node();
        let mut edit = None;
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if let Some(b) = ad.binding(n) {
                let text = cx.doc.text.as_str();
                let names: Vec<&str> = b.names.iter().map(|x| &text[x.byte_range()]).collect();
                if scope_of(syn, n).is_some()
                    && names.iter().all(|x| *x == "_" || gone(x, 1))
                    && names.iter().any(|x| *x != "_")
                    && b.values.iter().all(|v| side_effect_free_call(&cx, *v))
                {
                    edit = Some(cx.delete_stmt(n));
                    break;
                }
            }
            if let Some((name, node)) = ad.constant(n, &cx.doc.text) {
                if gone(&name, 1) {
                    edit = Some(Edit::one(Rep::delete(definition_range(&cx.doc.text, node))));
                    break;
                }
                continue;
            }
            if let Some(f) = ad.private_function(n, &cx.doc.text) {
                if gone(&f.name, 1) {
                    edit = Some(Edit::one(Rep::delete(definition_range(
                        &cx.doc.text,
                        f.node,
                    ))));
                    break;
                }
                continue;
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        if edit.is_none() {
            for imp in ad.imports(root, &cx.doc.text) {
                if gone(&imp.name, 0) {
                    edit = Some(match imp.part {
                        Some(part) if imp.siblings > 1 => remove_list_item(&cx, part),
                        _ => cx.delete_stmt(imp.stmt),
                    });
                    break;
                }
            }
        }
        match edit {
            Some(e) => {
                if !doc.apply(e) {
                    return;
                }
            }
            None => return,
        }
    }
}

/// A value whose computation can go with its unused local: a pure one, or (where an unused
/// local does not compile) a call building a value, such as the evaluation context of the
/// removed flag call. Assignments and awaits are kept.
fn side_effect_free_call(cx: &Cx, n: Node) -> bool {
    let k = n.kind();
    cx.pure(n)
        || (cx.syn.unused_local_is_error
            && !(k.contains("assignment") || cx.syn.awaits.contains(&k)))
}

/// Remove one item of a comma-separated list, with its comma.
pub fn remove_list_item(cx: &Cx, part: Node) -> Edit {
    let text = &cx.doc.text;
    if let Some(next) = part.next_sibling().filter(|s| s.kind() == ",") {
        let mut end = next.end_byte();
        // The whitespace up to the next item, unless it is a line break (one item a line).
        let rest = &text[end..];
        let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        end += ws;
        if text[end..].starts_with('\n') && indent_at(text, part.start_byte()).is_some() {
            return Edit::one(Rep::delete(statement_range(
                text,
                part.start_byte()..next.end_byte(),
            )));
        }
        return Edit::one(Rep::delete(part.start_byte()..end));
    }
    if let Some(prev) = part.prev_sibling().filter(|s| s.kind() == ",") {
        return Edit::one(Rep::delete(prev.start_byte()..part.end_byte()));
    }
    Edit::one(Rep::delete(part.byte_range()))
}
