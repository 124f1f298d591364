//! PHP: function calls (`getenv('FLAG_X')`), method calls (`$client->getBooleanValue(..)`,
//! `$this->ld?->variation(..)`), static calls (`Flags::isOn(..)`), subscripts
//! (`$_ENV['FLAG_X']`), `use` imports, and string constants: `const X = 'x'` at the top level
//! and in classes, interfaces and enums (`FlagKeys::X`, `self::X`, `X`). Double-quoted strings
//! and heredocs that interpolate (`"ld-$name"`) are dynamic keys. The grammar reads the HTML
//! around `<?php ... ?>` as text.

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{number, Adapter, Arg, Cx, KeyExpr, Literals, SymbolSyntax};

pub struct Php;

const MEMBER: &[(&str, &str, &str)] = &[];
const IDENT: &[&str] = &["name"];

const LITERALS: Literals = Literals {
    bools: &["boolean"],
    nulls: &["null"],
    numbers: &["integer", "float"],
    strings: &["string", "encapsed_string"],
    signs: &["unary_op_expression"],
    wrappers: &["parenthesized_expression"],
    number: php_number,
    string: string_value,
};

impl Adapter for Php {
    fn symbol_syntax(&self) -> SymbolSyntax {
        (MEMBER, IDENT, IDENT)
    }

    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "function_call_expression" => {
                let (Some(f), Some(args)) = (
                    node.child_by_field_name("function"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                let name = match f.kind() {
                    "name" => cx.text(f),
                    // `\getenv(..)`, `Foo\bar(..)`: the function's own name.
                    "qualified_name" => {
                        let last = f.named_child((f.named_child_count() as u32).saturating_sub(1));
                        match last.filter(|n| n.kind() == "name") {
                            Some(n) => cx.text(n),
                            None => return,
                        }
                    }
                    _ => return,
                };
                let args = arguments(args);
                cx.call(node, None, name, &args, self);
            }
            "member_call_expression"
            | "nullsafe_member_call_expression"
            | "scoped_call_expression" => {
                let receiver = node
                    .child_by_field_name("object")
                    .or_else(|| node.child_by_field_name("scope"));
                let (Some(name), Some(args)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                if name.kind() != "name" {
                    return;
                }
                let name = cx.text(name);
                let args = arguments(args);
                cx.call(node, receiver, name, &args, self);
            }
            "subscript_expression" => {
                let (Some(value), Some(index)) = (node.named_child(0), node.named_child(1)) else {
                    return;
                };
                cx.subscript(node, value, index, self);
            }
            "namespace_use_clause" => {
                let mut c = node.walk();
                let kids: Vec<Node> = node.named_children(&mut c).collect();
                let Some(q) = kids
                    .iter()
                    .find(|k| matches!(k.kind(), "qualified_name" | "name"))
                else {
                    return;
                };
                let full = cx.text(*q).trim_start_matches('\\').replace('\\', ".");
                let last = full.rsplit('.').next().unwrap_or(&full).to_string();
                let alias = node
                    .child_by_field_name("alias")
                    .map(|a| cx.text(a).to_string())
                    .or_else(|| {
                        kids.iter()
                            .skip_while(|k| k.id() != q.id())
                            .nth(1)
                            .filter(|k| k.kind() == "name")
                            .map(|a| cx.text(*a).to_string())
                    });
                match alias {
                    Some(a) => {
                        if a != last {
                            cx.aliases.insert(a.clone(), last.clone());
                        }
                        cx.import(&a, &full, None);
                    }
                    None => cx.import(&last, &full, None),
                }
            }
            "namespace_definition" => {
                if let Some(n) = node.child_by_field_name("name") {
                    cx.facts.package = Some(cx.text(n).to_string());
                }
            }
            "const_declaration" => constants(node, cx),
            _ => {}
        }
    }

    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "function_definition" | "method_declaration" => {
                    let name = cx.text(n.child_by_field_name("name")?).to_string();
                    let params = n.child_by_field_name("parameters")?;
                    let mut names = Vec::new();
                    let mut c = params.walk();
                    for prm in params.named_children(&mut c) {
                        if prm.kind() == "simple_parameter" {
                            let v = cx.text(prm.child_by_field_name("name")?);
                            names.push(v.trim_start_matches('$').to_string());
                        }
                    }
                    return Some((name, names));
                }
                "anonymous_function" | "arrow_function" | "declaration_list" => return None,
                _ => p = n.parent(),
            }
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "string" | "encapsed_string" | "heredoc" | "nowdoc" => match string_value(node, cx) {
                Some(s) => KeyExpr::Literal(s),
                None => KeyExpr::Dynamic("an interpolated string".into()),
            },
            "variable_name" => {
                KeyExpr::Path(vec![cx.text(node).trim_start_matches('$').to_string()])
            }
            "name" => KeyExpr::Path(vec![cx.text(node).to_string()]),
            "class_constant_access_expression" => {
                let (Some(scope), Some(name)) = (node.named_child(0), node.named_child(1)) else {
                    return KeyExpr::Dynamic("an expression".into());
                };
                let scope = cx.text(scope);
                let name = cx.text(name).to_string();
                match scope {
                    "self" | "static" => KeyExpr::Path(vec![name]),
                    s if s.starts_with('$') => KeyExpr::Dynamic("an expression".into()),
                    s => {
                        let s = s.trim_start_matches('\\');
                        let class = s.rsplit('\\').next().unwrap_or(s);
                        KeyExpr::Path(vec![class.to_string(), name])
                    }
                }
            }
            "binary_expression" => KeyExpr::Dynamic("a concatenation".into()),
            "function_call_expression"
            | "member_call_expression"
            | "nullsafe_member_call_expression"
            | "scoped_call_expression" => KeyExpr::Dynamic("a call's result".into()),
            "parenthesized_expression" => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        LITERALS.read(node, cx, self)
    }

    fn call_parts<'t>(
        &self,
        node: Node<'t>,
        _cx: &Cx<'t>,
    ) -> Option<(Option<Node<'t>>, Vec<Arg<'t>>)> {
        let receiver = match node.kind() {
            "function_call_expression" => None,
            "member_call_expression" | "nullsafe_member_call_expression" => {
                node.child_by_field_name("object")
            }
            "scoped_call_expression" => node.child_by_field_name("scope"),
            _ => return None,
        };
        Some((receiver, arguments(node.child_by_field_name("arguments")?)))
    }
}

/// Arguments by position (a PHP 8 named argument `name: value` keeps its place).
fn arguments(args: Node) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        if a.kind() != "argument" {
            continue;
        }
        let n = a.named_child_count();
        if let Some(value) = a.named_child(n.saturating_sub(1) as u32) {
            out.push(Arg {
                keyword: None,
                value,
            });
        }
    }
    out
}

fn php_number(text: &str) -> Option<Value> {
    let t = text.replace('_', "").to_ascii_lowercase();
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok().map(Value::from);
    }
    if let Some(b) = t.strip_prefix("0b") {
        return i64::from_str_radix(b, 2).ok().map(Value::from);
    }
    number(&t)
}

/// A string's value; None when it interpolates (`"$x"`, `"{$x}"`, a heredoc with variables).
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    let single = node.kind() == "string" && cx.text(node).starts_with(['\'', 'b', 'B']);
    let mut out = String::new();
    let mut c = node.walk();
    let mut parts: Vec<Node> = node.named_children(&mut c).collect();
    if matches!(node.kind(), "heredoc" | "nowdoc") {
        // The body's parts.
        let mut bc = node.walk();
        let body = node
            .named_children(&mut bc)
            .find(|n| matches!(n.kind(), "heredoc_body" | "nowdoc_body"))?;
        let mut pc = body.walk();
        parts = body.named_children(&mut pc).collect();
    }
    for part in parts {
        let text = cx.text(part);
        match part.kind() {
            "string_content" | "string_value" | "nowdoc_string" => out.push_str(text),
            "escape_sequence" => {
                if single {
                    // Only `\'` and `\\` are escapes in single quotes.
                    out.push_str(match text {
                        "\\'" => "'",
                        "\\\\" => "\\",
                        other => other,
                    });
                } else {
                    out.push_str(&super::extract::unescape(text));
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// `const X = 'x';` at the top level or in a class, interface, trait or enum.
fn constants(node: Node, cx: &mut Cx) {
    let mut types: Vec<String> = Vec::new();
    match node.parent().map(|p| p.kind()) {
        Some("program") | Some("compound_statement") | None => {}
        Some("declaration_list") | Some("enum_declaration_list") => {
            let Some(decl) = node.parent().and_then(|p| p.parent()) else {
                return;
            };
            let Some(name) = decl.child_by_field_name("name") else {
                return;
            };
            types.push(cx.text(name).to_string());
        }
        _ => return,
    }
    let mut c = node.walk();
    let elements: Vec<Node> = node
        .named_children(&mut c)
        .filter(|n| n.kind() == "const_element")
        .collect();
    for e in elements {
        let (Some(name), Some(value)) = (e.named_child(0), e.named_child(1)) else {
            continue;
        };
        if !matches!(value.kind(), "string" | "encapsed_string") {
            continue;
        }
        let Some(v) = string_value(value, cx) else {
            continue;
        };
        let name = cx.text(name).to_string();
        cx.constant(name.clone(), v.clone());
        if let Some(t) = types.first() {
            cx.constant(format!("{t}.{name}"), v);
        }
    }
}
