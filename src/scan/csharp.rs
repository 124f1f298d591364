//! C#: invocations (`client.GetBooleanValueAsync("x", false)`, `a?.B("x")`, generic
//! `GetValue<bool>("x")`), named arguments (`flagKey: "x"`), `nameof(X)` keys, `using`
//! directives, and string constants: `const string X = "x"` and `static readonly string X =
//! "x"` fields of classes, structs, records and interfaces (`Class.X`, `Outer.Inner.X`, `X`).
//! Interpolated strings (`$"..{x}.."`) are dynamic keys; verbatim (`@"..."`) and raw
//! (`"""..."""`) strings are literals.

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{dotted_path, number, Adapter, Arg, Cx, KeyExpr, Literals, SymbolSyntax};

pub struct CSharp;

const MEMBER: &[(&str, &str, &str)] = &[("member_access_expression", "expression", "name")];
const IDENT: &[&str] = &["identifier"];

const TYPE_DECLS: &[&str] = &[
    "class_declaration",
    "struct_declaration",
    "interface_declaration",
    "record_declaration",
    "record_struct_declaration",
];

const LITERALS: Literals = Literals {
    bools: &["boolean_literal"],
    nulls: &["null_literal"],
    numbers: &["integer_literal", "real_literal"],
    strings: &[
        "string_literal",
        "verbatim_string_literal",
        "raw_string_literal",
    ],
    signs: &["prefix_unary_expression"],
    wrappers: &["parenthesized_expression"],
    number: cs_number,
    string: string_value,
};

impl Adapter for CSharp {
    fn symbol_syntax(&self) -> SymbolSyntax {
        (MEMBER, IDENT, IDENT)
    }

    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "invocation_expression" => {
                let (Some(function), Some(args)) = (
                    node.child_by_field_name("function"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                let Some((receiver, name)) = callee(function) else {
                    return;
                };
                let name = cx.text(name);
                if receiver.is_none() {
                    static_member(name, cx);
                }
                let args = arguments(args, cx);
                cx.call(node, receiver, name, &args, self);
            }
            "element_access_expression" => {
                let (Some(value), Some(index)) = (
                    node.child_by_field_name("expression"),
                    node.child_by_field_name("subscript"),
                ) else {
                    return;
                };
                let mut c = index.walk();
                let first = index
                    .named_children(&mut c)
                    .find(|n| n.kind() == "argument")
                    .and_then(|a| a.named_child(a.named_child_count().saturating_sub(1) as u32));
                if let Some(first) = first {
                    cx.subscript(node, value, first, self);
                }
            }
            "using_directive" => using(node, cx),
            "namespace_declaration" | "file_scoped_namespace_declaration" => {
                if let Some(n) = node.child_by_field_name("name") {
                    cx.facts.package = Some(cx.text(n).to_string());
                }
            }
            "field_declaration" => field_constant(node, cx),
            // `[FeatureGate("x")]`: an attribute reads as a call of its name (without the
            // `Attribute` suffix or a namespace) with its arguments.
            "attribute" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                let mut c = node.walk();
                let Some(args) = node
                    .named_children(&mut c)
                    .find(|n| n.kind() == "attribute_argument_list")
                else {
                    return;
                };
                let name = cx.text(name);
                let name = name.rsplit('.').next().unwrap_or(name);
                let name = name
                    .strip_suffix("Attribute")
                    .filter(|n| !n.is_empty())
                    .unwrap_or(name);
                let args = arguments(args, cx);
                cx.call(node, None, name, &args, self);
            }
            _ => {}
        }
    }

    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "method_declaration" | "local_function_statement" | "constructor_declaration" => {
                    let name = cx.text(n.child_by_field_name("name")?).to_string();
                    let params = n.child_by_field_name("parameters")?;
                    let mut names = Vec::new();
                    let mut c = params.walk();
                    for prm in params.named_children(&mut c) {
                        if prm.kind() == "parameter" {
                            names.push(cx.text(prm.child_by_field_name("name")?).to_string());
                        }
                    }
                    return Some((name, names));
                }
                "lambda_expression" | "anonymous_method_expression" | "declaration_list" => {
                    return None
                }
                _ => p = n.parent(),
            }
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "string_literal" | "verbatim_string_literal" | "raw_string_literal" => {
                match string_value(node, cx) {
                    Some(s) => KeyExpr::Literal(s),
                    None => KeyExpr::Dynamic("an expression".into()),
                }
            }
            "interpolated_string_expression" => KeyExpr::Dynamic("an interpolated string".into()),
            "identifier" | "member_access_expression" => {
                match dotted_path(node, cx.src, MEMBER, IDENT) {
                    Some(p) => KeyExpr::Path(p),
                    None => KeyExpr::Dynamic("an expression".into()),
                }
            }
            "binary_expression" => KeyExpr::Dynamic("a concatenation".into()),
            "invocation_expression" => match nameof(node, cx) {
                Some(s) => KeyExpr::Literal(s),
                None => KeyExpr::Dynamic("a call's result".into()),
            },
            "parenthesized_expression" => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        match node.kind() {
            "character_literal" => {
                let t = cx.text(node);
                let body = t.strip_prefix('\'')?.strip_suffix('\'')?;
                Some(Value::String(super::extract::unescape(body)))
            }
            _ => LITERALS.read(node, cx, self),
        }
    }

    fn call_parts<'t>(
        &self,
        node: Node<'t>,
        cx: &Cx<'t>,
    ) -> Option<(Option<Node<'t>>, Vec<Arg<'t>>)> {
        if node.kind() != "invocation_expression" {
            return None;
        }
        let (receiver, _) = callee(node.child_by_field_name("function")?)?;
        Some((
            receiver,
            arguments(node.child_by_field_name("arguments")?, cx),
        ))
    }
}

/// A callee's name node: an identifier, or a generic name's (`GetValue<bool>`).
fn name_of(n: Node) -> Option<Node> {
    match n.kind() {
        "identifier" => Some(n),
        "generic_name" => {
            let mut c = n.walk();
            let id = n.named_children(&mut c).find(|x| x.kind() == "identifier");
            id
        }
        _ => None,
    }
}

/// The receiver and name node of a callee: `a.B`, `a?.B`, `B`, `a.B<T>`.
fn callee(function: Node) -> Option<(Option<Node>, Node)> {
    match function.kind() {
        "member_access_expression" => {
            let name = name_of(function.child_by_field_name("name")?)?;
            Some((function.child_by_field_name("expression"), name))
        }
        "conditional_access_expression" => {
            let receiver = function.child_by_field_name("condition")?;
            let mut c = function.walk();
            let binding = function
                .named_children(&mut c)
                .find(|n| n.kind() == "member_binding_expression")?;
            let name = name_of(binding.child_by_field_name("name")?)?;
            Some((Some(receiver), name))
        }
        "identifier" | "generic_name" => Some((None, name_of(function)?)),
        _ => None,
    }
}

/// Arguments, `name: value` ones as keyword arguments (`ref`/`out` modifiers skipped).
fn arguments<'t>(args: Node<'t>, cx: &Cx<'t>) -> Vec<Arg<'t>> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        if !matches!(a.kind(), "argument" | "attribute_argument") {
            continue;
        }
        let keyword = a.child_by_field_name("name").map(|n| cx.text(n));
        let Some(value) = a.named_child(a.named_child_count().saturating_sub(1) as u32) else {
            continue;
        };
        out.push(Arg { keyword, value });
    }
    out
}

/// `nameof(Flags.NewCheckout)` is the string `NewCheckout`.
fn nameof(node: Node, cx: &Cx) -> Option<String> {
    let f = node.child_by_field_name("function")?;
    if f.kind() != "identifier" || cx.text(f) != "nameof" {
        return None;
    }
    let args = arguments(node.child_by_field_name("arguments")?, cx);
    let [arg] = args.as_slice() else { return None };
    let path = dotted_path(arg.value, cx.src, MEMBER, IDENT)?;
    path.last().cloned()
}

/// A C# number literal: `10`, `10L`, `0x1F`, `0b1`, `1.5m`, `2.5f`, `1_000`.
fn cs_number(text: &str) -> Option<Value> {
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
    let body = t.trim_end_matches(['u', 'l', 'm']);
    number(body)
}

/// A string literal's value: regular (escapes decoded), verbatim (`""` is a quote), raw
/// (`"""` ... `"""`, multi-line ones with their indentation stripped).
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    let t = cx.text(node);
    match node.kind() {
        "string_literal" => {
            let body = t.strip_prefix('"')?;
            let body = body.strip_suffix('"').unwrap_or(body);
            // A UTF-8 literal `"x"u8` is bytes, not a string key.
            Some(super::extract::unescape(body))
        }
        "verbatim_string_literal" => {
            let body = t.strip_prefix("@\"")?;
            let body = body.strip_suffix('"').unwrap_or(body);
            Some(body.replace("\"\"", "\""))
        }
        "raw_string_literal" => {
            let quotes = t.bytes().take_while(|b| *b == b'"').count();
            let body = t.get(quotes..t.len().checked_sub(quotes)?)?;
            if !body.contains('\n') {
                return Some(body.to_string());
            }
            // Multi-line: drop the first and last lines, strip the closing line's indent.
            let lines: Vec<&str> = body.split('\n').collect();
            let indent = lines.last().map_or(0, |l| l.len());
            let inner = &lines[1..lines.len() - 1];
            Some(
                inner
                    .iter()
                    .map(|l| l.get(indent..).unwrap_or("").trim_end_matches('\r'))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        }
        _ => None,
    }
}

/// A bare call of a static member brought in by `using static A.B.C;`: `name` stands for
/// `C.name` when a rule reads `C.name` (`GetEnvironmentVariable` after `using static
/// System.Environment;`).
fn static_member(name: &str, cx: &mut Cx) {
    let Some(lr) = cx.lr else { return };
    if cx.aliases.contains_key(name) {
        return;
    }
    let class = cx.facts.imports.iter().find_map(|i| {
        let class = i.module.rsplit('.').next().unwrap_or(&i.module);
        (i.local == STATIC && lr.find_call(name, Some(class)).is_some()).then(|| class.to_string())
    });
    if let Some(class) = class {
        cx.aliases
            .insert(name.to_string(), format!("{class}.{name}"));
    }
}

/// The local name of a `using static` import: no name is bound, the class's members are.
const STATIC: &str = "static";

/// `using A.B;` binds `B` to `A.B` (a namespace); `using X = A.B.C;` binds `X` (an alias the
/// rules see as `C`); `using static A.B.C;` binds the members of `C` (see [`static_member`]).
fn using(node: Node, cx: &mut Cx) {
    let mut c = node.walk();
    let mut is_static = false;
    let mut alias = None;
    let mut name = None;
    for child in node.children(&mut c) {
        match child.kind() {
            "static" => is_static = true,
            "=" => alias = name.take(),
            "identifier" | "qualified_name" => name = Some(child),
            _ => {}
        }
    }
    let Some(name) = name else { return };
    let full: String = cx
        .text(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let last = full.rsplit('.').next().unwrap_or(&full).to_string();
    if let Some(a) = alias {
        let a = cx.text(a).to_string();
        if a != last {
            cx.aliases.insert(a.clone(), last);
        }
        cx.import(&a, &full, None);
    } else if is_static {
        cx.import(STATIC, &full, None);
    } else {
        cx.import(&last, &full, None);
    }
}

/// The dotted path of the type declarations enclosing `node` (`Outer.Inner`), or None
/// inside a method or a local type.
fn type_path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "compilation_unit" | "namespace_declaration" | "file_scoped_namespace_declaration" => {
                break
            }
            "declaration_list" => {
                // A namespace's body ends the path.
                if n.parent()
                    .is_some_and(|p| p.kind() == "namespace_declaration")
                {
                    break;
                }
            }
            k if TYPE_DECLS.contains(&k) => {
                names.push(cx.text(n.child_by_field_name("name")?).to_string());
            }
            _ => return None,
        }
        cur = n.parent();
    }
    if names.is_empty() {
        return None;
    }
    names.reverse();
    Some(names)
}

fn has_modifier(node: Node, cx: &Cx, word: &str) -> bool {
    let mut c = node.walk();
    let found = node
        .children(&mut c)
        .any(|m| m.kind() == "modifier" && cx.text(m) == word);
    found
}

/// `const string X = "x";` or `static readonly string X = "x";` in a type.
fn field_constant(node: Node, cx: &mut Cx) {
    let constant = has_modifier(node, cx, "const")
        || has_modifier(node, cx, "static") && has_modifier(node, cx, "readonly");
    if !constant {
        return;
    }
    let Some(types) = type_path(node, cx) else {
        return;
    };
    let mut c = node.walk();
    let Some(decl) = node
        .named_children(&mut c)
        .find(|n| n.kind() == "variable_declaration")
    else {
        return;
    };
    let mut dc = decl.walk();
    let declarators: Vec<Node> = decl
        .named_children(&mut dc)
        .filter(|n| n.kind() == "variable_declarator")
        .collect();
    for d in declarators {
        let Some(name) = d.child_by_field_name("name") else {
            continue;
        };
        let Some(value) = d.named_child(d.named_child_count().saturating_sub(1) as u32) else {
            continue;
        };
        if value.id() == name.id() {
            continue;
        }
        if let Some(v) = const_value(value, cx, 0) {
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
    }
}

/// A compile-time string: a literal or a `+` of literals.
fn const_value(node: Node, cx: &Cx, depth: usize) -> Option<String> {
    if depth > 256 {
        return None;
    }
    match node.kind() {
        "string_literal" | "verbatim_string_literal" | "raw_string_literal" => {
            string_value(node, cx)
        }
        "parenthesized_expression" => const_value(node.named_child(0)?, cx, depth + 1),
        "binary_expression" => {
            if cx.text(node.child_by_field_name("operator")?) != "+" {
                return None;
            }
            let l = const_value(node.child_by_field_name("left")?, cx, depth + 1)?;
            let r = const_value(node.child_by_field_name("right")?, cx, depth + 1)?;
            Some(l + &r)
        }
        _ => None,
    }
}
