//! JavaScript, JSX, TypeScript and TSX (one adapter: the grammars share their node kinds).
//! Calls (`client.getBooleanValue("x")`, `client?.variation(...)`, bare `useFlag("x")`),
//! `process.env.FLAG_X` member reads and `process.env["FLAG_X"]` subscripts; ES imports and
//! `require`; string constants at module level: `const X = "x"`, const objects
//! (`{ DARK_MODE: "dark_mode" } as const`, `Object.freeze({...})`, nested) and TS enums.

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{
    number, string_parts, Adapter, Arg, Cx, KeyExpr, Literals, StringParts, SymbolSyntax,
};

pub struct Js;

/// How deep const objects are read (`FLAGS.CHECKOUT.NEW_FLOW` is depth 2).
const MAX_OBJECT_DEPTH: usize = 3;

const LITERALS: Literals = Literals {
    bools: &["true", "false"],
    nulls: &["null", "undefined"],
    numbers: &["number"],
    strings: &["string", "template_string"],
    signs: &["unary_expression"],
    wrappers: &[
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "parenthesized_expression",
    ],
    number,
    string: string_value,
};

impl Adapter for Js {
    fn symbol_syntax(&self) -> SymbolSyntax {
        (
            &[("member_expression", "object", "property")],
            &["identifier", "property_identifier"],
            &["identifier"],
        )
    }

    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "call_expression" => {
                let (Some(func), Some(args)) = (
                    node.child_by_field_name("function"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                // A tagged template (`` sql`...` ``) has a template string, not arguments.
                if args.kind() != "arguments" {
                    return;
                }
                let (receiver, name) = match func.kind() {
                    "member_expression" => match (
                        func.child_by_field_name("object"),
                        func.child_by_field_name("property"),
                    ) {
                        (Some(o), Some(p)) => (Some(o), cx.text(p)),
                        _ => return,
                    },
                    "identifier" => (None, cx.text(func)),
                    _ => return,
                };
                let args = arguments(args);
                cx.call(node, receiver, name, &args, self);
            }
            "member_expression" => {
                // `process.env.FLAG_X`: only this node has `process.env` as its object, so a
                // longer chain (`process.env.FLAG_X.trim()`) still yields one reference.
                if let (Some(o), Some(p)) = (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("property"),
                ) {
                    if p.kind() == "property_identifier" {
                        cx.member(node, o, p);
                    }
                }
            }
            "subscript_expression" => {
                if let (Some(o), Some(i)) = (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("index"),
                ) {
                    cx.subscript(node, o, i, self);
                }
            }
            "import_statement" => import_statement(node, cx),
            "variable_declarator" => {
                require(node, cx);
                env_destructuring(node, cx);
                // `const flags = useFlags()`: `flags.x` in the enclosing block reads the result.
                if let (Some(n), Some(v), Some(scope)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                    node.parent().and_then(|d| d.parent()),
                ) {
                    if n.kind() == "identifier" && v.kind() == "call_expression" {
                        cx.bind_result(n, v, scope);
                    }
                }
            }
            "lexical_declaration" if is_const(node, cx) && at_top(node) => {
                let mut c = node.walk();
                for d in node.named_children(&mut c) {
                    if d.kind() != "variable_declarator" {
                        continue;
                    }
                    if let (Some(n), Some(v)) = (
                        d.child_by_field_name("name"),
                        d.child_by_field_name("value"),
                    ) {
                        if n.kind() == "identifier" {
                            let name = cx.text(n).to_string();
                            define(&name, v, cx, 0);
                            object_members(&name, v, cx, self);
                        }
                    }
                }
            }
            "enum_declaration" if at_top(node) => enum_declaration(node, cx, self),
            // `export default { A: "a" }` / `export default FLAGS`.
            "export_statement" if node.parent().is_some_and(|p| p.kind() == "program") => {
                if let Some(v) = node.child_by_field_name("value") {
                    define("default", v, cx, 0);
                }
                reexports(node, cx);
            }
            "assignment_expression" => commonjs_export(node, cx),
            _ => {}
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
        let func = node.child_by_field_name("function")?;
        let receiver = match func.kind() {
            "member_expression" => func.child_by_field_name("object"),
            _ => None,
        };
        let args = node
            .child_by_field_name("arguments")
            .filter(|a| a.kind() == "arguments")?;
        Some((receiver, arguments(args)))
    }

    /// An object literal `{ flagKey: "x", "entityId": id }` (also in parentheses or under a
    /// TypeScript `as` / `satisfies` / `!`): its `key: value` pairs as keyword arguments, the
    /// key a name or a plain string. Shorthand properties (`{ flagKey }`), computed keys and
    /// methods are left out, and so is every pair before a spread (`{ flagKey: "x", ...o }`:
    /// `o` may set it again).
    fn fields<'t>(&self, node: Node<'t>, cx: &Cx<'t>) -> Option<Vec<Arg<'t>>> {
        let mut n = node;
        while matches!(
            n.kind(),
            "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
        ) {
            n = n.named_child(0)?;
        }
        if n.kind() != "object" {
            return None;
        }
        let mut out = Vec::new();
        let mut c = n.walk();
        for el in n.named_children(&mut c) {
            match el.kind() {
                "pair" => {
                    let (Some(k), Some(v)) = (
                        el.child_by_field_name("key"),
                        el.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let keyword = match k.kind() {
                        "property_identifier" => cx.src.get(k.byte_range()),
                        // `"flagKey": ...`: the text between the quotes, when it has no escape.
                        "string" => match (k.named_child_count(), k.named_child(0)) {
                            (1, Some(f)) if f.kind() == "string_fragment" => {
                                cx.src.get(f.byte_range())
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(keyword) = keyword {
                        out.push(Arg {
                            keyword: Some(keyword),
                            value: v,
                        });
                    }
                }
                "spread_element" => out.clear(),
                _ => {}
            }
        }
        Some(out)
    }

    /// The function around `node` (a declaration, a method, or an arrow/function expression
    /// assigned to a `const`) and its parameter names.
    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            let name = match n.kind() {
                "function_declaration" | "method_definition" | "generator_function_declaration" => {
                    n.child_by_field_name("name")
                        .map(|x| cx.text(x).to_string())
                }
                // `const isOn = (flag) => ...`, and function-valued fields: `{ isOn: (flag) =>
                // ... }`, `class F { isOn = (flag) => ... }`.
                "arrow_function" | "function_expression" => n.parent().and_then(|d| {
                    let name = match d.kind() {
                        "variable_declarator" => d.child_by_field_name("name"),
                        "pair" => d.child_by_field_name("key"),
                        "public_field_definition" | "field_definition" => d
                            .child_by_field_name("name")
                            .or_else(|| d.child_by_field_name("property")),
                        _ => None,
                    }?;
                    matches!(
                        name.kind(),
                        "identifier" | "property_identifier" | "private_property_identifier"
                    )
                    .then(|| cx.text(name).trim_start_matches('#').to_string())
                }),
                _ => {
                    p = n.parent();
                    continue;
                }
            };
            let name = name?;
            let params = n.child_by_field_name("parameters").or_else(|| {
                n.child_by_field_name("parameter") // `flag => ...`
            })?;
            if params.kind() == "identifier" {
                return Some((name, vec![cx.text(params).to_string()]));
            }
            let mut names = Vec::new();
            let mut c = params.walk();
            for prm in params.named_children(&mut c) {
                // `flag`, `flag: string`, `flag = "x"`, `flag?: string`
                let pat = match prm.kind() {
                    "identifier" => Some(prm),
                    "required_parameter" | "optional_parameter" => {
                        prm.child_by_field_name("pattern")
                    }
                    "assignment_pattern" => prm.child_by_field_name("left"),
                    "comment" => continue,
                    _ => None,
                };
                let pat = pat.map(|x| {
                    if x.kind() == "assignment_pattern" {
                        x.child_by_field_name("left").unwrap_or(x)
                    } else {
                        x
                    }
                });
                match pat.filter(|x| x.kind() == "identifier") {
                    Some(x) => names.push(cx.text(x).to_string()),
                    None => break, // a destructured or rest parameter: positions end here
                }
            }
            return Some((name, names));
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "string" => KeyExpr::Literal(string_value(node, cx).unwrap_or_default()),
            "template_string" => match string_value(node, cx) {
                Some(s) => KeyExpr::Literal(s),
                None => KeyExpr::Dynamic("a template literal".into()),
            },
            "identifier" | "member_expression" | "subscript_expression" => match path(node, cx) {
                Some(p) => KeyExpr::Path(p),
                None => KeyExpr::Dynamic("an expression".into()),
            },
            "binary_expression" => KeyExpr::Dynamic("a concatenation".into()),
            "call_expression" => KeyExpr::Dynamic("a call's result".into()),
            "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "parenthesized_expression" => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        LITERALS.read(node, cx, self)
    }
}

fn arguments(args: Node) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        match a.kind() {
            "comment" => {}
            "spread_element" => return out, // positions after a spread are unknown
            _ => out.push(Arg {
                keyword: None,
                value: a,
            }),
        }
    }
    out
}

/// A string or template literal's value, escapes decoded; None for a template literal with a
/// substitution.
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    const PARTS: StringParts = StringParts {
        content: "string_fragment",
        interpolation: "template_substitution",
        unescape: unescape_js,
    };
    string_parts(node, cx, &PARTS)
}

/// Decode one JS escape sequence (`\n`, `\x41`, `\u0041`, `\u{1F600}`, `\``, line continuation).
fn unescape_js(esc: &str) -> String {
    let body = esc.strip_prefix('\\').unwrap_or(esc);
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    let decoded = match body.chars().next() {
        Some('n') => Some('\n'),
        Some('t') => Some('\t'),
        Some('r') => Some('\r'),
        Some('b') => Some('\u{8}'),
        Some('f') => Some('\u{c}'),
        Some('v') => Some('\u{b}'),
        Some('0') if body.len() == 1 => Some('\0'),
        Some('x') => hex(&body[1..]),
        Some('u') => hex(body[1..].trim_start_matches('{').trim_end_matches('}')),
        Some('\n') | Some('\r') => return String::new(),
        _ => None,
    };
    match decoded {
        Some(c) => c.to_string(),
        None => body.to_string(),
    }
}

/// An identifier path: `FLAGS`, `FLAGS.DARK_MODE`, `Flags.NewCheckout`, `FLAGS["dark_mode"]`.
/// Iterative, from the outermost link inwards (a 6,000-link chain overflowed the stack when
/// this recursed).
fn path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    let mut segs = Vec::new();
    let mut n = node;
    loop {
        match n.kind() {
            "identifier" => {
                segs.push(cx.text(n).to_string());
                segs.reverse();
                return Some(segs);
            }
            "member_expression" => {
                let prop = n.child_by_field_name("property")?;
                if prop.kind() != "property_identifier" {
                    return None;
                }
                segs.push(cx.text(prop).to_string());
                n = n.child_by_field_name("object")?;
            }
            "subscript_expression" => {
                let index = n.child_by_field_name("index")?;
                let seg = match index.kind() {
                    "string" | "template_string" => string_value(index, cx)?,
                    _ => return None,
                };
                segs.push(seg);
                n = n.child_by_field_name("object")?;
            }
            "non_null_expression" | "parenthesized_expression" => n = n.named_child(0)?,
            _ => return None,
        }
    }
}

fn is_const(node: Node, cx: &Cx) -> bool {
    node.child(0).is_some_and(|k| cx.text(k) == "const")
}

/// Directly in the program, or in an `export` / `declare` statement that is.
fn at_top(node: Node) -> bool {
    let mut p = node.parent();
    while let Some(n) = p {
        match n.kind() {
            "program" => return true,
            "export_statement" | "ambient_declaration" => p = n.parent(),
            _ => return false,
        }
    }
    false
}

/// Record the string constants a value defines under `name`: a string, a template literal
/// without substitutions, an object literal's string fields (nested up to a depth), or a copy
/// of an earlier constant (`{ DARK: DARK_MODE }`, `export default FLAGS`).
fn define(name: &str, value: Node, cx: &mut Cx, depth: usize) {
    let value = unwrapped(value, cx);
    match value.kind() {
        "string" | "template_string" => {
            if let Some(s) = string_value(value, cx) {
                cx.constant(name.to_string(), s);
            }
        }
        "object" if depth < MAX_OBJECT_DEPTH => {
            let mut c = value.walk();
            for pair in value.named_children(&mut c) {
                if pair.kind() != "pair" {
                    continue;
                }
                let (Some(k), Some(v)) = (
                    pair.child_by_field_name("key"),
                    pair.child_by_field_name("value"),
                ) else {
                    continue;
                };
                let key = match k.kind() {
                    "property_identifier" | "number" => cx.text(k).to_string(),
                    "string" => match string_value(k, cx) {
                        Some(s) => s,
                        None => continue,
                    },
                    _ => continue,
                };
                define(&format!("{name}.{key}"), v, cx, depth + 1);
            }
        }
        "identifier" | "member_expression" => {
            let Some(p) = path(value, cx) else { return };
            let from = p.join(".");
            let prefix = format!("{from}.");
            let copies: Vec<(String, String)> = cx
                .facts
                .constants
                .iter()
                .filter_map(|(k, v)| {
                    if *k == from {
                        Some((name.to_string(), v.clone()))
                    } else {
                        k.strip_prefix(&prefix)
                            .map(|rest| (format!("{name}.{rest}"), v.clone()))
                    }
                })
                .collect();
            for (k, v) in copies {
                cx.constant(k, v);
            }
        }
        _ => {}
    }
}

/// The value inside `x as T`, `x satisfies T`, `(x)` and `Object.freeze(x)`.
fn unwrapped<'t>(mut value: Node<'t>, cx: &Cx) -> Node<'t> {
    loop {
        let inner = match value.kind() {
            "as_expression" | "satisfies_expression" | "parenthesized_expression" => {
                value.named_child(0)
            }
            "call_expression"
                if value
                    .child_by_field_name("function")
                    .is_some_and(|f| cx.text(f) == "Object.freeze") =>
            {
                value
                    .child_by_field_name("arguments")
                    .and_then(|a| a.named_child(0))
            }
            _ => None,
        };
        match inner {
            Some(v) => value = v,
            None => return value,
        }
    }
}

/// The members of a top-level `const NAME = { ... }` (also `as const`, `satisfies T`,
/// `Object.freeze({...})`) for `member_of` rules: `newCheckout: "new-checkout"`.
fn object_members<'t>(name: &str, value: Node<'t>, cx: &mut Cx<'t>, ad: &Js) {
    if cx.lr.is_none_or(|lr| lr.member_of.is_empty()) {
        return;
    }
    let value = unwrapped(value, cx);
    if value.kind() != "object" {
        return;
    }
    let mut c = value.walk();
    let pairs: Vec<Node> = value
        .named_children(&mut c)
        .filter(|p| p.kind() == "pair")
        .collect();
    for pair in pairs {
        let (Some(k), Some(v)) = (
            pair.child_by_field_name("key"),
            pair.child_by_field_name("value"),
        ) else {
            continue;
        };
        let key = match k.kind() {
            "property_identifier" => cx.text(k).to_string(),
            _ => continue,
        };
        let v = matches!(v.kind(), "string" | "template_string").then_some(v);
        cx.type_member(pair, &[name], &key, v, ad);
    }
}

/// `enum Flags { NewCheckout = "new_checkout" }` (also `const enum`, `export enum`,
/// `declare enum`) → `Flags.NewCheckout`; for `member_of` rules, each member (`Search` with
/// no value too) is a member of `Flags`.
fn enum_declaration<'t>(node: Node<'t>, cx: &mut Cx<'t>, ad: &Js) {
    let (Some(name), Some(body)) = (
        node.child_by_field_name("name"),
        node.child_by_field_name("body"),
    ) else {
        return;
    };
    let enum_name = cx.text(name);
    let members_on = cx.lr.is_some_and(|lr| !lr.member_of.is_empty());
    let mut c = body.walk();
    let members: Vec<Node> = body.named_children(&mut c).collect();
    for member in members {
        let (n, v) = match member.kind() {
            "enum_assignment" => (
                member.child_by_field_name("name"),
                member.child_by_field_name("value"),
            ),
            "property_identifier" => (Some(member), None),
            _ => continue,
        };
        let Some(n) = n else { continue };
        let member_name = match n.kind() {
            "string" => match string_value(n, cx) {
                Some(s) => s,
                None => continue,
            },
            _ => cx.text(n).to_string(),
        };
        let v = v.filter(|v| matches!(v.kind(), "string" | "template_string"));
        if let Some(s) = v.and_then(|v| string_value(v, cx)) {
            cx.constant(format!("{enum_name}.{member_name}"), s);
        }
        if members_on && n.kind() == "property_identifier" {
            cx.type_member(member, &[enum_name], &member_name, v, ad);
        }
    }
}

/// `module.exports = { A: "a" }` → `A` (and `default.A`); `exports.A = "a"` and
/// `module.exports.A = "a"` → `A`. Only at the top of the program.
fn commonjs_export(node: Node, cx: &mut Cx) {
    let top = node
        .parent()
        .filter(|p| p.kind() == "expression_statement")
        .and_then(|p| p.parent())
        .is_some_and(|p| p.kind() == "program");
    if !top {
        return;
    }
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    let target = cx.text(left);
    if target == "module.exports" {
        if right.kind() == "object" {
            let mut c = right.walk();
            for pair in right.named_children(&mut c) {
                if pair.kind() != "pair" {
                    continue;
                }
                if let (Some(k), Some(v)) = (
                    pair.child_by_field_name("key"),
                    pair.child_by_field_name("value"),
                ) {
                    let key = match k.kind() {
                        "property_identifier" => cx.text(k).to_string(),
                        "string" => string_value(k, cx).unwrap_or_default(),
                        _ => continue,
                    };
                    define(&key, v, cx, 1);
                }
            }
        }
        define("default", right, cx, 0);
    } else if let Some(name) = target
        .strip_prefix("module.exports.")
        .or_else(|| target.strip_prefix("exports."))
    {
        if !name.contains('.') {
            let name = name.to_string();
            define(&name, right, cx, 0);
        }
    }
}

fn import_statement(node: Node, cx: &mut Cx) {
    let Some(source) = node.child_by_field_name("source") else {
        return;
    };
    let Some(module) = string_value(source, cx) else {
        return;
    };
    let is_process = module == "process" || module == "node:process";
    let mut c = node.walk();
    let Some(clause) = node
        .named_children(&mut c)
        .find(|n| n.kind() == "import_clause")
    else {
        return; // `import "./side-effect"`
    };
    let mut c = clause.walk();
    for part in clause.named_children(&mut c) {
        match part.kind() {
            // `import D from "m"`
            "identifier" => {
                let local = cx.text(part).to_string();
                if is_process {
                    cx.aliases.insert(local.clone(), "process".into());
                }
                cx.import(&local, &module, Some("default"));
            }
            // `import * as F from "m"`
            "namespace_import" => {
                if let Some(id) = part.named_child(0) {
                    let local = cx.text(id).to_string();
                    if is_process {
                        cx.aliases.insert(local.clone(), "process".into());
                    }
                    cx.import(&local, &module, None);
                }
            }
            // `import { X, Y as Z } from "m"`
            "named_imports" => {
                let mut c2 = part.walk();
                for spec in part.named_children(&mut c2) {
                    if spec.kind() != "import_specifier" {
                        continue;
                    }
                    let Some(n) = spec.child_by_field_name("name") else {
                        continue;
                    };
                    let item = match n.kind() {
                        "string" => string_value(n, cx).unwrap_or_default(),
                        _ => cx.text(n).to_string(),
                    };
                    let local = spec
                        .child_by_field_name("alias")
                        .map(|a| cx.text(a).to_string())
                        .unwrap_or_else(|| item.clone());
                    if is_process {
                        cx.aliases.insert(local.clone(), format!("process.{item}"));
                    } else if local != item {
                        // `import { useFlag as useUnleashFlag }`: calls keep the SDK's name.
                        cx.aliases.insert(local.clone(), item.clone());
                    }
                    cx.import(&local, &module, Some(&item));
                }
            }
            _ => {}
        }
    }
}

/// `const F = require("./flags")`, `const { X, Y: Z } = require("./flags")`.
fn require(node: Node, cx: &mut Cx) {
    let (Some(name), Some(value)) = (
        node.child_by_field_name("name"),
        node.child_by_field_name("value"),
    ) else {
        return;
    };
    let is_require = value.kind() == "call_expression"
        && value
            .child_by_field_name("function")
            .is_some_and(|f| cx.text(f) == "require");
    if !is_require {
        return;
    }
    let Some(module) = value
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        .filter(|s| s.kind() == "string")
        .and_then(|s| string_value(s, cx))
    else {
        return;
    };
    match name.kind() {
        "identifier" => {
            let local = cx.text(name).to_string();
            cx.import(&local, &module, None);
        }
        "object_pattern" => {
            let mut c = name.walk();
            for p in name.named_children(&mut c) {
                match p.kind() {
                    "shorthand_property_identifier_pattern" => {
                        let local = cx.text(p).to_string();
                        cx.import(&local, &module, Some(&local));
                    }
                    "pair_pattern" => {
                        if let (Some(k), Some(v)) =
                            (p.child_by_field_name("key"), p.child_by_field_name("value"))
                        {
                            if v.kind() == "identifier" {
                                let (item, local) =
                                    (cx.text(k).to_string(), cx.text(v).to_string());
                                cx.import(&local, &module, Some(&item));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// `const { FLAG_X, FLAG_Y: y, FLAG_Z = "0" } = process.env` (or `= useFlags()`): each
/// property is a member read.
fn env_destructuring<'t>(node: Node<'t>, cx: &mut Cx<'t>) {
    let (Some(name), Some(value)) = (
        node.child_by_field_name("name"),
        node.child_by_field_name("value"),
    ) else {
        return;
    };
    if name.kind() != "object_pattern" {
        return;
    }
    let mut c = name.walk();
    for p in name.named_children(&mut c) {
        let prop = match p.kind() {
            "shorthand_property_identifier_pattern" => Some(p),
            "pair_pattern" => p
                .child_by_field_name("key")
                .filter(|k| k.kind() == "property_identifier"),
            "object_assignment_pattern" => p
                .child_by_field_name("left")
                .filter(|k| k.kind() == "shorthand_property_identifier_pattern"),
            _ => None,
        };
        if let Some(prop) = prop {
            cx.member(p, value, prop);
        }
    }
}

/// `export * from "./flags"` and `export { A, B as C } from "./flags"`: a barrel file.
fn reexports(node: Node, cx: &mut Cx) {
    let Some(source) = node.child_by_field_name("source") else {
        return;
    };
    let Some(module) = string_value(source, cx) else {
        return;
    };
    let mut c = node.walk();
    let clause = node
        .named_children(&mut c)
        .find(|n| n.kind() == "export_clause");
    match clause {
        None => cx.reexport("*", &module, None),
        Some(clause) => {
            let mut c = clause.walk();
            for spec in clause
                .named_children(&mut c)
                .filter(|n| n.kind() == "export_specifier")
            {
                let Some(name) = spec.child_by_field_name("name") else {
                    continue;
                };
                let name = cx.text(name).to_string();
                let alias = spec
                    .child_by_field_name("alias")
                    .map(|a| cx.text(a).to_string());
                cx.reexport(alias.as_deref().unwrap_or(&name), &module, Some(&name));
            }
        }
    }
}
