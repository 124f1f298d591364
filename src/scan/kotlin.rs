//! Kotlin: calls (`client.getBooleanValue("x", false)`, `a?.b("x")`, named arguments
//! `flagKey = "x"`), imports (`import a.B`, `import a.B as C`, `import java.lang.System.getenv`),
//! the package header, and `const val X = "x"` constants at the top level, in objects and in
//! companion objects (`Flags.X`, `X`), and enum entries with one string argument
//! (`NEW_CHECKOUT("new-checkout")`, read as `Flag.NEW_CHECKOUT` and `Flag.NEW_CHECKOUT.key`).
//! String templates (`"$x"`, `"${x}"`) are dynamic keys.

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{number, Adapter, Arg, Cx, KeyExpr, Literals, SymbolSyntax};

pub struct Kotlin;

const MEMBER: &[(&str, &str, &str)] = &[];
const IDENT: &[&str] = &["identifier"];

const LITERALS: Literals = Literals {
    bools: &["boolean_literal"],
    nulls: &["null_literal"],
    numbers: &[
        "number_literal",
        "float_literal",
        "integer_literal",
        "long_literal",
        "real_literal",
    ],
    strings: &["string_literal"],
    signs: &["unary_expression", "prefix_expression"],
    wrappers: &["parenthesized_expression"],
    number: kotlin_number,
    string: string_value,
};

impl Adapter for Kotlin {
    fn symbol_syntax(&self) -> SymbolSyntax {
        (MEMBER, IDENT, IDENT)
    }

    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "call_expression" => {
                let Some((receiver, name, args)) = call(node) else {
                    return;
                };
                let name = cx.text(name);
                let args = arguments(args, cx);
                cx.call(node, receiver, name, &args, self);
            }
            "index_expression" => {
                let (Some(value), Some(index)) = (node.named_child(0), node.named_child(1)) else {
                    return;
                };
                cx.subscript(node, value, index, self);
            }
            "package_header" => {
                if let Some(n) = node.named_child(0) {
                    cx.facts.package = Some(cx.text(n).to_string());
                }
            }
            "import" => import(node, cx),
            "property_declaration" => constant(node, cx),
            "enum_entry" => enum_entry(node, cx),
            _ => {}
        }
    }

    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "function_declaration" => {
                    let name = cx.text(n.child_by_field_name("name")?).to_string();
                    let mut c = n.walk();
                    let params = n
                        .named_children(&mut c)
                        .find(|x| x.kind() == "function_value_parameters")?;
                    let mut names = Vec::new();
                    let mut pc = params.walk();
                    for prm in params.named_children(&mut pc) {
                        if prm.kind() == "parameter" {
                            let id = prm.named_child(0)?;
                            names.push(cx.text(id).to_string());
                        }
                    }
                    return Some((name, names));
                }
                "lambda_literal" | "anonymous_function" | "class_body" => return None,
                _ => p = n.parent(),
            }
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "string_literal" => match string_value(node, cx) {
                Some(s) => KeyExpr::Literal(s),
                None => KeyExpr::Dynamic("a string template".into()),
            },
            "identifier" | "navigation_expression" => match path(node, cx) {
                Some(p) => KeyExpr::Path(p),
                None => KeyExpr::Dynamic("an expression".into()),
            },
            "additive_expression" => KeyExpr::Dynamic("a concatenation".into()),
            "call_expression" => KeyExpr::Dynamic("a call's result".into()),
            "parenthesized_expression" => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        match (node.kind(), cx.text(node)) {
            ("identifier" | "simple_identifier", "true" | "false") => {
                Some(Value::Bool(cx.text(node) == "true"))
            }
            ("identifier" | "simple_identifier", "null") => Some(Value::Null),
            _ => LITERALS.read(node, cx, self),
        }
    }

    fn call_parts<'t>(
        &self,
        node: Node<'t>,
        cx: &Cx<'t>,
    ) -> Option<(Option<Node<'t>>, Vec<Arg<'t>>)> {
        if node.kind() != "call_expression" {
            return None;
        }
        let (receiver, _, args) = call(node)?;
        Some((receiver, arguments(args, cx)))
    }
}

/// A call's receiver, name and `value_arguments`: `a.b(..)`, `a?.b(..)`, `b(..)`.
fn call(node: Node) -> Option<(Option<Node>, Node, Node)> {
    let callee = node.named_child(0)?;
    let mut c = node.walk();
    let args = node
        .named_children(&mut c)
        .find(|n| n.kind() == "value_arguments")?;
    match callee.kind() {
        "identifier" => Some((None, callee, args)),
        "navigation_expression" => {
            let n = callee.named_child_count();
            let name = callee.named_child(n.checked_sub(1)? as u32)?;
            if name.kind() != "identifier" || n < 2 {
                return None;
            }
            Some((callee.named_child(0), name, args))
        }
        _ => None,
    }
}

/// Arguments; `name = value` ones as keyword arguments.
fn arguments<'t>(args: Node<'t>, cx: &Cx<'t>) -> Vec<Arg<'t>> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        if a.kind() != "value_argument" {
            continue;
        }
        let mut ac = a.walk();
        let named = a.children(&mut ac).any(|t| t.kind() == "=");
        let n = a.named_child_count();
        let Some(value) = a.named_child(n.saturating_sub(1) as u32) else {
            continue;
        };
        let keyword = if named && n >= 2 {
            a.named_child(0).map(|k| cx.text(k))
        } else {
            None
        };
        out.push(Arg { keyword, value });
    }
    out
}

/// A dotted name `a.b.C` as its segments.
fn path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    match node.kind() {
        "identifier" => Some(vec![cx.text(node).to_string()]),
        "navigation_expression" => {
            let mut c = node.walk();
            let kids: Vec<Node> = node.named_children(&mut c).collect();
            let [obj, prop] = kids.as_slice() else {
                return None;
            };
            if prop.kind() != "identifier" {
                return None;
            }
            // `a?.b` is no constant path.
            if cx.text(node).contains("?.") {
                return None;
            }
            let mut p = path(*obj, cx)?;
            p.push(cx.text(*prop).to_string());
            Some(p)
        }
        _ => None,
    }
}

fn kotlin_number(text: &str) -> Option<Value> {
    let t = text.replace('_', "").to_ascii_lowercase();
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h.trim_end_matches(['u', 'l']), 16)
            .ok()
            .map(Value::from);
    }
    if let Some(b) = t.strip_prefix("0b") {
        return i64::from_str_radix(b.trim_end_matches(['u', 'l']), 2)
            .ok()
            .map(Value::from);
    }
    number(t.trim_end_matches(['u', 'l']))
}

/// A string literal's value; None for a template (`$name`, `${expr}`).
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    let t = cx.text(node);
    let mut out = String::new();
    let mut c = node.walk();
    for part in node.named_children(&mut c) {
        let text = cx.text(part);
        match part.kind() {
            "interpolation" | "string_template_expression" => return None,
            "escape_sequence" => out.push_str(&unescape_kotlin(text)),
            _ => out.push_str(text),
        }
    }
    // `$name` is split into plain parts by the grammar: a `$` before a name is a template.
    let bytes = t.as_bytes();
    let template = bytes.iter().enumerate().any(|(i, &ch)| {
        ch == b'$'
            && (i == 0 || bytes[i - 1] != b'\\')
            && bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'_' || *n == b'{')
    });
    if template {
        return None;
    }
    Some(out)
}

fn unescape_kotlin(s: &str) -> String {
    if let Some(hex) = s.strip_prefix("\\u") {
        if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            return c.to_string();
        }
    }
    super::extract::unescape(s)
}

/// `import a.b.C` binds `C`; `import a.b.C as D` binds `D`; `import a.B.member` (a lower-case
/// last segment) lets a bare `member(..)` match rules written as `B.member`.
fn import(node: Node, cx: &mut Cx) {
    let mut c = node.walk();
    let kids: Vec<Node> = node.named_children(&mut c).collect();
    let Some(q) = kids.iter().find(|k| k.kind() == "qualified_identifier") else {
        return;
    };
    if cx.text(node).trim_end().ends_with('*') {
        return;
    }
    let full: String = cx.text(*q).chars().filter(|c| !c.is_whitespace()).collect();
    let Some((module, last)) = full.rsplit_once('.') else {
        return;
    };
    let alias = kids
        .iter()
        .rev()
        .find(|k| k.kind() == "identifier" && k.id() != q.id())
        .map(|a| cx.text(*a).to_string());
    let local = alias.unwrap_or_else(|| last.to_string());
    if last.starts_with(|c: char| c.is_ascii_lowercase()) {
        let class = module.rsplit('.').next().unwrap_or(module);
        cx.aliases.insert(local.clone(), format!("{class}.{last}"));
        cx.import(&local, module, Some(last));
    } else {
        if local != last {
            cx.aliases.insert(local.clone(), last.to_string());
        }
        cx.import(&local, &full, None);
    }
}

/// The names of the objects and classes around `node` (`Outer.Flags`); companion objects add
/// no name. None inside a function or a local declaration.
fn type_path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "source_file" => break,
            "class_body" | "enum_class_body" | "companion_object" => {}
            "object_declaration" | "class_declaration" => {
                names.push(cx.text(n.child_by_field_name("name")?).to_string());
            }
            _ => return None,
        }
        cur = n.parent();
    }
    names.reverse();
    Some(names)
}

/// `const val X = "x"`.
fn constant(node: Node, cx: &mut Cx) {
    let mut c = node.walk();
    let kids: Vec<Node> = node.named_children(&mut c).collect();
    let is_const = kids
        .iter()
        .any(|k| k.kind() == "modifiers" && cx.text(*k).split_whitespace().any(|w| w == "const"));
    if !is_const {
        return;
    }
    let Some(decl) = kids.iter().find(|k| k.kind() == "variable_declaration") else {
        return;
    };
    let Some(name) = decl.named_child(0) else {
        return;
    };
    let Some(value) = kids.last().filter(|v| v.kind() == "string_literal") else {
        return;
    };
    let Some(types) = type_path(node, cx) else {
        return;
    };
    let Some(v) = string_value(*value, cx) else {
        return;
    };
    let name = cx.text(name).to_string();
    for start in 0..=types.len() {
        let mut path = types[start..].join(".");
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&name);
        cx.constant(path, v.clone());
    }
}

/// An enum entry with exactly one string argument, `NEW_CHECKOUT("new-checkout")`: the entry
/// stands for its key (`Flag.NEW_CHECKOUT.key` reads it).
fn enum_entry(node: Node, cx: &mut Cx) {
    let mut c = node.walk();
    let kids: Vec<Node> = node.named_children(&mut c).collect();
    let (Some(name), Some(args)) = (
        kids.iter().find(|k| k.kind() == "identifier"),
        kids.iter().find(|k| k.kind() == "value_arguments"),
    ) else {
        return;
    };
    let args = arguments(*args, cx);
    let mut strings = args.iter().filter(|a| a.value.kind() == "string_literal");
    let (Some(first), None) = (strings.next(), strings.next()) else {
        return;
    };
    let Some(types) = type_path(node, cx) else {
        return;
    };
    if types.is_empty() {
        return;
    }
    let Some(v) = string_value(first.value, cx) else {
        return;
    };
    let name = cx.text(*name).to_string();
    for start in 0..types.len() {
        cx.constant(format!("{}.{name}", types[start..].join(".")), v.clone());
    }
}
