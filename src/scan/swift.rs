//! Swift: calls (`client.getBooleanValue(key: "x", defaultValue: false)`, `a?.b(..)`; the
//! argument labels are part of the call's shape, so arguments are read by position),
//! subscripts (`ProcessInfo.processInfo.environment["FLAG_X"]`), imports, and string
//! constants: `static let X = "x"` in types and extensions, top-level `let X = "x"`, and enum
//! cases with a string raw value (`case darkMode = "dark-mode"`, or the case's own name in a
//! `String` enum), read as `Flag.darkMode` and `Flag.darkMode.rawValue`. Interpolated strings
//! (`"\(x)"`) are dynamic keys.

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{number, unescape, Adapter, Arg, Cx, KeyExpr, Literals, SymbolSyntax};

pub struct Swift;

const MEMBER: &[(&str, &str, &str)] = &[];
const IDENT: &[&str] = &["simple_identifier"];

const LITERALS: Literals = Literals {
    bools: &["boolean_literal"],
    nulls: &["nil"],
    numbers: &[
        "integer_literal",
        "real_literal",
        "hex_literal",
        "bin_literal",
        "oct_literal",
    ],
    strings: &[
        "line_string_literal",
        "multi_line_string_literal",
        "raw_string_literal",
    ],
    signs: &["prefix_expression"],
    wrappers: &[],
    number: swift_number,
    string: string_value,
};

impl Adapter for Swift {
    fn symbol_syntax(&self) -> SymbolSyntax {
        (MEMBER, IDENT, IDENT)
    }

    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "call_expression" => {
                let Some((callee, args)) = call(node) else {
                    return;
                };
                if cx.text(args).starts_with('[') {
                    // `environment["FLAG_X"]` parses as a call with a `[...]` suffix.
                    if let Some(first) = arguments(args).first() {
                        cx.subscript(node, callee, first.value, self);
                    }
                    return;
                }
                let Some((receiver, name)) = callee_parts(callee) else {
                    return;
                };
                let name = cx.text(name);
                let args = arguments(args);
                cx.call(node, receiver, name, &args, self);
            }
            "import_declaration" => {
                if let Some(n) = node.named_child(0) {
                    let full = cx.text(n).to_string();
                    let last = full.rsplit('.').next().unwrap_or(&full).to_string();
                    cx.import(&last, &full, None);
                }
            }
            "property_declaration" => property_constant(node, cx),
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
                    let mut names = Vec::new();
                    for prm in n.named_children(&mut c) {
                        if prm.kind() == "parameter" {
                            let mut pc = prm.walk();
                            // The last `name` field that is an identifier: the internal name.
                            let id = prm
                                .children_by_field_name("name", &mut pc)
                                .filter(|x| x.kind() == "simple_identifier")
                                .last()?;
                            names.push(cx.text(id).to_string());
                        }
                    }
                    return Some((name, names));
                }
                "lambda_literal" | "class_body" | "enum_class_body" => return None,
                _ => p = n.parent(),
            }
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "line_string_literal" | "multi_line_string_literal" | "raw_string_literal" => {
                match string_value(node, cx) {
                    Some(s) => KeyExpr::Literal(s),
                    None => KeyExpr::Dynamic("an interpolated string".into()),
                }
            }
            "simple_identifier" | "navigation_expression" => match path(node, cx) {
                // `Flag.darkMode.rawValue` resolves as the case's raw value.
                Some(p) => KeyExpr::Path(p),
                None => KeyExpr::Dynamic("an expression".into()),
            },
            "additive_expression" => KeyExpr::Dynamic("a concatenation".into()),
            "call_expression" => KeyExpr::Dynamic("a call's result".into()),
            "tuple_expression" | "parenthesized_expression" => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        match LITERALS.read(node, cx, self) {
            None if cx.text(node) == "nil" => Some(Value::Null),
            v => v,
        }
    }

    fn call_parts<'t>(
        &self,
        node: Node<'t>,
        _cx: &Cx<'t>,
    ) -> Option<(Option<Node<'t>>, Vec<Arg<'t>>)> {
        if node.kind() != "call_expression" {
            return None;
        }
        let (callee, args) = call(node)?;
        let (receiver, _) = callee_parts(callee)?;
        Some((receiver, arguments(args)))
    }
}

/// A call's callee and its `value_arguments`.
fn call(node: Node) -> Option<(Node, Node)> {
    let callee = node.named_child(0)?;
    let mut c = node.walk();
    let suffix = node
        .named_children(&mut c)
        .find(|n| n.kind() == "call_suffix")?;
    let mut sc = suffix.walk();
    let args = suffix
        .named_children(&mut sc)
        .find(|n| n.kind() == "value_arguments")?;
    Some((callee, args))
}

/// `a.b` → (`a`, `b`); `b` → (None, `b`).
fn callee_parts(callee: Node) -> Option<(Option<Node>, Node)> {
    match callee.kind() {
        "simple_identifier" => Some((None, callee)),
        "navigation_expression" => {
            let target = callee.child_by_field_name("target")?;
            let suffix = callee.child_by_field_name("suffix")?;
            let name = suffix.child_by_field_name("suffix")?;
            (name.kind() == "simple_identifier").then_some((Some(target), name))
        }
        _ => None,
    }
}

/// Arguments by position (Swift's labels are fixed by the callee, not reorderable).
fn arguments(args: Node) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        if a.kind() != "value_argument" {
            continue;
        }
        if let Some(value) = a.child_by_field_name("value") {
            out.push(Arg {
                keyword: None,
                value,
            });
        }
    }
    out
}

/// A dotted name `A.b.c` as its segments.
fn path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    match node.kind() {
        "simple_identifier" => Some(vec![cx.text(node).to_string()]),
        "navigation_expression" => {
            let mut c = node.walk();
            // `a?.b` or `a!.b`: no constant path.
            if node.children(&mut c).count() != 2 {
                return None;
            }
            let target = node.child_by_field_name("target")?;
            let name = node
                .child_by_field_name("suffix")?
                .child_by_field_name("suffix")?;
            if name.kind() != "simple_identifier" {
                return None;
            }
            let mut p = path(target, cx)?;
            p.push(cx.text(name).to_string());
            Some(p)
        }
        _ => None,
    }
}

fn swift_number(text: &str) -> Option<Value> {
    let t = text.replace('_', "");
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok().map(Value::from);
    }
    if let Some(b) = t.strip_prefix("0b") {
        return i64::from_str_radix(b, 2).ok().map(Value::from);
    }
    if let Some(o) = t.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok().map(Value::from);
    }
    number(&t)
}

/// A string literal's value; None when it interpolates. Multi-line literals lose the
/// indentation of their closing delimiter.
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    let mut out = String::new();
    let mut c = node.walk();
    for part in node.named_children(&mut c) {
        let text = cx.text(part);
        match part.kind() {
            "interpolated_expression" | "raw_str_interpolation" => return None,
            "str_escaped_char" => out.push_str(&unescape_swift(text)),
            _ => out.push_str(text),
        }
    }
    if node.kind() == "multi_line_string_literal" {
        let t = cx.text(node);
        let indent = t
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.len() - l.trim_start().len());
        let body = out.strip_prefix('\n').unwrap_or(&out);
        let lines: Vec<&str> = body.split('\n').collect();
        let n = lines.len();
        return Some(
            lines[..n.saturating_sub(1)]
                .iter()
                .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    Some(out)
}

fn unescape_swift(s: &str) -> String {
    if let Some(hex) = s.strip_prefix("\\u{").and_then(|h| h.strip_suffix('}')) {
        if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            return c.to_string();
        }
    }
    unescape(s)
}

/// The names of the types and extensions around `node` (`Outer.Flags`); empty at the top
/// level; None inside a function or a closure.
fn type_path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "source_file" => break,
            "class_body" | "enum_class_body" | "protocol_body" => {}
            "class_declaration" | "protocol_declaration" => {
                let name = n.child_by_field_name("name")?;
                names.push(cx.text(name).trim().to_string());
            }
            _ => return None,
        }
        cur = n.parent();
    }
    names.reverse();
    Some(names)
}

fn record(cx: &mut Cx, types: &[String], name: &str, value: &str) {
    for start in 0..=types.len() {
        let mut path = types[start..].join(".");
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        cx.constant(path, value.to_string());
    }
}

/// `static let X = "x"` in a type, or `let X = "x"` at the top level.
fn property_constant(node: Node, cx: &mut Cx) {
    let text = cx.text(node);
    if !text.trim_start().contains("let") {
        return;
    }
    let Some(types) = type_path(node, cx) else {
        return;
    };
    let mut c = node.walk();
    let is_static = node.named_children(&mut c).any(|m| {
        m.kind() == "modifiers"
            && cx
                .text(m)
                .split_whitespace()
                .any(|w| w == "static" || w == "class")
    });
    if !types.is_empty() && !is_static {
        return;
    }
    let mut vc = node.walk();
    let let_binding = node
        .named_children(&mut vc)
        .any(|m| m.kind() == "value_binding_pattern" && cx.text(m) == "let");
    if !let_binding {
        return;
    }
    let (Some(name), Some(value)) = (
        node.child_by_field_name("name"),
        node.child_by_field_name("value"),
    ) else {
        return;
    };
    let name = name.child_by_field_name("bound_identifier").unwrap_or(name);
    if !matches!(
        value.kind(),
        "line_string_literal" | "multi_line_string_literal" | "raw_string_literal"
    ) {
        return;
    }
    if let Some(v) = string_value(value, cx) {
        let name = cx.text(name).to_string();
        record(cx, &types, &name, &v);
    }
}

/// `case darkMode = "dark-mode"`, or `case plain` in an enum whose raw type is `String`.
fn enum_entry(node: Node, cx: &mut Cx) {
    let Some(types) = type_path(node, cx) else {
        return;
    };
    if types.is_empty() {
        return;
    }
    let mut c = node.walk();
    let names: Vec<Node> = node.children_by_field_name("name", &mut c).collect();
    let mut rc = node.walk();
    let raws: Vec<Node> = node.children_by_field_name("raw_value", &mut rc).collect();
    let string_enum = node.parent().and_then(|b| b.parent()).is_some_and(|decl| {
        let mut dc = decl.walk();
        let found = decl
            .named_children(&mut dc)
            .any(|k| k.kind() == "inheritance_specifier" && cx.text(k).trim() == "String");
        found
    });
    for (i, name) in names.iter().enumerate() {
        let n = cx.text(*name).to_string();
        let value = match raws.get(i) {
            Some(r) => match string_value(*r, cx) {
                Some(v) if r.kind().contains("string") => v,
                _ => continue,
            },
            None if string_enum && raws.is_empty() => n.clone(),
            None => continue,
        };
        record(cx, &types, &n, &value);
    }
}
