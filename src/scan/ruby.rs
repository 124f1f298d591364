//! Ruby: calls with or without parentheses (`unleash.is_enabled? "x"`), keyword arguments
//! (`client.fetch_boolean_value(flag_key: "x", default_value: false)`), `ENV["FLAG_X"]`
//! element references, and constants at the top level or in module/class bodies
//! (`module Flags; NEW_CHECKOUT = "new_checkout".freeze; end` → `Flags.NEW_CHECKOUT`), including
//! frozen hashes of keys (`KEYS = { new_checkout: "new_checkout" }` → `KEYS[:new_checkout]`).
//! Ruby has no imports: the resolver looks a constant up in the file Zeitwerk would autoload it
//! from (`Flags::NEW` → `flags.rb`).

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{number, string_parts, Adapter, Arg, Cx, KeyExpr, Literals, StringParts};

pub struct Ruby;

/// How deep constant hashes are read.
const MAX_HASH_DEPTH: usize = 2;

const LITERALS: Literals = Literals {
    bools: &["true", "false"],
    nulls: &["nil"],
    numbers: &["integer", "float"],
    strings: &["string"],
    signs: &["unary"],
    wrappers: &[],
    number,
    string: string_value,
};

impl Adapter for Ruby {
    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "call" => {
                let Some(method) = node.child_by_field_name("method") else {
                    return;
                };
                let Some(args) = node
                    .child_by_field_name("arguments")
                    .filter(|a| a.kind() == "argument_list")
                else {
                    return;
                };
                let receiver = node.child_by_field_name("receiver");
                let args = arguments(args, cx);
                cx.call(node, receiver, cx.text(method), &args, self);
            }
            "element_reference" => {
                let Some(object) = node.child_by_field_name("object") else {
                    return;
                };
                if let Some(index) = index_of(node) {
                    cx.subscript(node, object, index, self);
                }
            }
            "assignment" => constant(node, cx),
            _ => {}
        }
    }

    /// The method around `node` (`def on?(flag, actor = nil)`) and its parameter names.
    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "method" | "singleton_method" => {
                    let name = cx.text(n.child_by_field_name("name")?).to_string();
                    let mut names = Vec::new();
                    if let Some(params) = n.child_by_field_name("parameters") {
                        let mut c = params.walk();
                        for prm in params.named_children(&mut c) {
                            let id = match prm.kind() {
                                "identifier" => Some(prm),
                                "optional_parameter" => prm.child_by_field_name("name"),
                                _ => None,
                            };
                            match id {
                                Some(i) => names.push(cx.text(i).to_string()),
                                None => break, // keyword, splat, block: positions end here
                            }
                        }
                    }
                    return Some((name, names));
                }
                "block" | "do_block" | "lambda" | "class" | "module" => return None,
                _ => p = n.parent(),
            }
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "string" => match string_value(node, cx) {
                Some(s) => KeyExpr::Literal(s),
                None => KeyExpr::Dynamic("an interpolated string".into()),
            },
            "chained_string" => {
                let mut out = String::new();
                let mut c = node.walk();
                for part in node.named_children(&mut c) {
                    match string_value(part, cx) {
                        Some(s) => out.push_str(&s),
                        None => return KeyExpr::Dynamic("an interpolated string".into()),
                    }
                }
                KeyExpr::Literal(out)
            }
            "simple_symbol" | "delimited_symbol" => match symbol_value(node, cx) {
                Some(s) => KeyExpr::Literal(s),
                None => KeyExpr::Dynamic("an interpolated symbol".into()),
            },
            "constant" | "scope_resolution" | "identifier" | "element_reference" => {
                match path(node, cx) {
                    Some(p) => KeyExpr::Path(p),
                    None => KeyExpr::Dynamic("an expression".into()),
                }
            }
            "binary" => KeyExpr::Dynamic("a concatenation".into()),
            "call" => {
                // `"new_checkout".freeze`, `:new_checkout.to_s`, `KEY.freeze`
                match frozen_inner(node, cx) {
                    Some(inner) => self.key(inner, cx),
                    None => KeyExpr::Dynamic("a call's result".into()),
                }
            }
            "parenthesized_statements" if node.named_child_count() == 1 => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        match node.kind() {
            "simple_symbol" | "delimited_symbol" => symbol_value(node, cx).map(Value::String),
            "call" => self.literal(frozen_inner(node, cx)?, cx),
            _ => LITERALS.read(node, cx, self),
        }
    }
}

fn arguments<'t>(args: Node<'t>, cx: &Cx<'t>) -> Vec<Arg<'t>> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        match a.kind() {
            // `flag_key: "x"` / `:flag_key => "x"`
            "pair" => {
                let (Some(k), Some(v)) =
                    (a.child_by_field_name("key"), a.child_by_field_name("value"))
                else {
                    continue;
                };
                let keyword = match k.kind() {
                    "hash_key_symbol" => cx.text(k),
                    "simple_symbol" => cx.text(k).trim_start_matches(':'),
                    _ => continue,
                };
                out.push(Arg {
                    keyword: Some(keyword),
                    value: v,
                });
            }
            "comment" | "block_argument" => {}
            // Positions after a splat are unknown.
            "splat_argument" | "hash_splat_argument" | "forward_argument" => return out,
            _ => out.push(Arg {
                keyword: None,
                value: a,
            }),
        }
    }
    out
}

/// The index of `recv[index]`: the first named child after the object.
fn index_of(node: Node) -> Option<Node> {
    let object = node.child_by_field_name("object")?;
    let mut c = node.walk();
    let found = node
        .named_children(&mut c)
        .find(|n| n.id() != object.id() && n.kind() != "comment");
    found
}

/// A string's value with escapes decoded; None when it interpolates.
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    string_parts(node, cx, &PARTS)
}

/// Ruby strings and delimited symbols: content, `#{...}`, escapes.
const PARTS: StringParts = StringParts {
    content: "string_content",
    interpolation: "interpolation",
    unescape: unescape_ruby,
};

/// Decode one escape sequence of a double-quoted Ruby string or symbol: `\x41`, `\u0041`,
/// `\u{41 42}`, octal `\101`, `\s`, `\e` and the other one-letter escapes; any other
/// escaped character stands for itself (`"\d"` is `d`), a line continuation for nothing.
fn unescape_ruby(esc: &str) -> String {
    let body = esc.strip_prefix('\\').unwrap_or(esc);
    let radix = |h: &str, r: u32| u32::from_str_radix(h, r).ok().and_then(char::from_u32);
    let mut chars = body.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest = chars.as_str();
    let one = match first {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        's' => ' ',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'e' => '\u{1b}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '\n' => return String::new(),
        '0'..='7' => return radix(body, 8).map(String::from).unwrap_or_default(),
        'x' => return radix(rest, 16).map(String::from).unwrap_or_default(),
        'u' => {
            let inner = rest.trim_start_matches('{').trim_end_matches('}');
            return inner
                .split_whitespace()
                .filter_map(|h| radix(h, 16))
                .collect();
        }
        c => return format!("{c}{rest}"),
    };
    format!("{one}{rest}")
}

/// `:my_flag` → `my_flag`; `:"my-flag"` → `my-flag`; None when it interpolates.
fn symbol_value(node: Node, cx: &Cx) -> Option<String> {
    match node.kind() {
        "simple_symbol" => Some(cx.text(node).trim_start_matches(':').to_string()),
        "delimited_symbol" => string_parts(node, cx, &PARTS),
        _ => None,
    }
}

/// `x.freeze` / `x.to_s` / `x.to_sym` with no arguments: the receiver `x`.
fn frozen_inner<'t>(node: Node<'t>, cx: &Cx) -> Option<Node<'t>> {
    let method = node.child_by_field_name("method")?;
    if node.child_by_field_name("arguments").is_some()
        || node.child_by_field_name("block").is_some()
    {
        return None;
    }
    matches!(cx.text(method), "freeze" | "to_s" | "to_sym")
        .then(|| node.child_by_field_name("receiver"))
        .flatten()
}

/// A constant path: `Flags::NEW_CHECKOUT` → `["Flags", "NEW_CHECKOUT"]`; `KEYS[:new]` →
/// `["KEYS", ":new"]` (symbol keys keep their colon so they never meet string keys);
/// a local variable → its name (which resolves to nothing).
fn path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    match node.kind() {
        "constant" | "identifier" => Some(vec![cx.text(node).to_string()]),
        "scope_resolution" => {
            let name = node.child_by_field_name("name")?;
            let mut p = match node.child_by_field_name("scope") {
                Some(s) => path(s, cx)?,
                None => Vec::new(), // `::Flags`
            };
            p.push(cx.text(name).to_string());
            Some(p)
        }
        "element_reference" => {
            let mut p = path(node.child_by_field_name("object")?, cx)?;
            p.push(hash_key(index_of(node)?, cx)?);
            Some(p)
        }
        "call" => path(frozen_inner(node, cx)?, cx),
        _ => None,
    }
}

/// A hash key as a path segment: `:new` / `new:` → `:new`, `"new"` → `new`.
fn hash_key(node: Node, cx: &Cx) -> Option<String> {
    match node.kind() {
        "hash_key_symbol" => Some(format!(":{}", cx.text(node))),
        "simple_symbol" | "delimited_symbol" => Some(format!(":{}", symbol_value(node, cx)?)),
        "string" => string_value(node, cx),
        _ => None,
    }
}

/// `NAME = "value"` at the top level or in a module/class body. Recorded under the full
/// nesting (`Flags.Checkout.NEW`) and each shorter suffix (`Checkout.NEW`, `NEW`), so that code
/// inside the module that names it relatively resolves too.
fn constant(node: Node, cx: &mut Cx) {
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    if left.kind() != "constant" {
        return;
    }
    let mut scope: Vec<String> = Vec::new();
    let mut p = node.parent();
    while let Some(n) = p {
        match n.kind() {
            "program" => break,
            "body_statement" => {}
            "module" | "class" => {
                let Some(segs) = n.child_by_field_name("name").and_then(|m| path(m, cx)) else {
                    return;
                };
                scope.splice(0..0, segs);
            }
            _ => return, // in a method, block, `class << self`, ...
        }
        p = n.parent();
    }
    let mut values = Vec::new();
    collect(right, cx, String::new(), 0, &mut values);
    let name = cx.text(left).to_string();
    for start in 0..=scope.len() {
        let prefix: Vec<&str> = scope[start..].iter().map(String::as_str).collect();
        let base = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{}.{name}", prefix.join("."))
        };
        for (suffix, v) in &values {
            cx.constant(format!("{base}{suffix}"), v.clone());
        }
    }
}

/// The string values a constant's right side defines, by path suffix (`""` for the value
/// itself, `.:key` for a hash entry).
fn collect(node: Node, cx: &Cx, suffix: String, depth: usize, out: &mut Vec<(String, String)>) {
    match node.kind() {
        "string" => {
            if let Some(s) = string_value(node, cx) {
                out.push((suffix, s));
            }
        }
        "simple_symbol" | "delimited_symbol" => {
            if let Some(s) = symbol_value(node, cx) {
                out.push((suffix, s));
            }
        }
        "call" => {
            if let Some(inner) = frozen_inner(node, cx) {
                collect(inner, cx, suffix, depth, out);
            }
        }
        "hash" if depth < MAX_HASH_DEPTH => {
            let mut c = node.walk();
            for pair in node.named_children(&mut c) {
                if pair.kind() != "pair" {
                    continue;
                }
                let (Some(k), Some(v)) = (
                    pair.child_by_field_name("key"),
                    pair.child_by_field_name("value"),
                ) else {
                    continue;
                };
                if let Some(key) = hash_key(k, cx) {
                    collect(v, cx, format!("{suffix}.{key}"), depth + 1, out);
                }
            }
        }
        _ => {}
    }
}
