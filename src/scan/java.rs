//! Java: method invocations (chained receivers included:
//! `OpenFeatureAPI.getInstance().getClient().getBooleanValue(...)`), imports (single-type and
//! static), the package declaration, and string constants: `static final String X = "x"`
//! fields and interface fields (`Class.X`, `Outer.Inner.X`, and `X` itself), and enum
//! constants with a string argument (`NEW_CHECKOUT("new-checkout")` → `Flag.NEW_CHECKOUT`).

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{dotted_path, number, Adapter, Arg, Cx, KeyExpr, Literals, SymbolSyntax};

pub struct Java;

const MEMBER: &[(&str, &str, &str)] = &[("field_access", "object", "field")];
const IDENT: &[&str] = &["identifier"];

/// Declarations whose name is part of a constant's path.
const TYPE_DECLS: &[&str] = &[
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "annotation_type_declaration",
];

const LITERALS: Literals = Literals {
    bools: &["true", "false"],
    nulls: &["null_literal"],
    numbers: &[
        "decimal_integer_literal",
        "hex_integer_literal",
        "octal_integer_literal",
        "binary_integer_literal",
        "decimal_floating_point_literal",
    ],
    strings: &["string_literal"],
    signs: &["unary_expression"],
    wrappers: &["parenthesized_expression"],
    number: java_number,
    string: string_value,
};

impl Adapter for Java {
    fn symbol_syntax(&self) -> SymbolSyntax {
        (MEMBER, IDENT, IDENT)
    }

    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "method_invocation" => {
                let (Some(name), Some(args)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                let receiver = node.child_by_field_name("object");
                let name = cx.text(name);
                let args = arguments(args);
                cx.call(node, receiver, name, &args, self);
            }
            "package_declaration" => {
                let mut c = node.walk();
                let name = node
                    .named_children(&mut c)
                    .find(|n| matches!(n.kind(), "scoped_identifier" | "identifier"));
                if let Some(n) = name {
                    cx.facts.package = Some(cx.text(n).to_string());
                }
            }
            "import_declaration" => import(node, cx),
            "field_declaration" | "constant_declaration" => field_constant(node, cx, self),
            "enum_constant" => enum_constant(node, cx, self),
            _ => {}
        }
    }

    /// The method or constructor around `node` and its parameter names (a lambda stops it).
    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "method_declaration" | "constructor_declaration" => {
                    let name = cx.text(n.child_by_field_name("name")?).to_string();
                    let params = n.child_by_field_name("parameters")?;
                    let mut names = Vec::new();
                    let mut c = params.walk();
                    for prm in params.named_children(&mut c) {
                        match prm.kind() {
                            "formal_parameter" => {
                                names.push(cx.text(prm.child_by_field_name("name")?).to_string())
                            }
                            "receiver_parameter" | "line_comment" | "block_comment" => {}
                            _ => break, // varargs: positions end here
                        }
                    }
                    return Some((name, names));
                }
                "lambda_expression" | "class_body" => return None,
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
            "identifier" | "field_access" => match dotted_path(node, cx.src, MEMBER, IDENT) {
                Some(p) => KeyExpr::Path(p),
                None => KeyExpr::Dynamic("an expression".into()),
            },
            "binary_expression" => KeyExpr::Dynamic("a concatenation".into()),
            "method_invocation" => match enum_key_getter(node, cx) {
                Some(p) => KeyExpr::Path(p),
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
                Some(Value::String(unescape_java(body)))
            }
            _ => LITERALS.read(node, cx, self),
        }
    }
}

/// `Flag.NEW_CHECKOUT.key()`: a no-argument key getter on a qualified constant reads the
/// enum constant's string argument, so it resolves as the path `Flag.NEW_CHECKOUT`.
fn enum_key_getter(node: Node, cx: &Cx) -> Option<Vec<String>> {
    let name = cx.text(node.child_by_field_name("name")?);
    if !matches!(
        name,
        "key" | "getKey" | "flagKey" | "getFlagKey" | "value" | "getValue" | "id" | "getId"
    ) {
        return None;
    }
    let mut c = node.walk();
    let args = node.child_by_field_name("arguments")?;
    if args
        .named_children(&mut c)
        .any(|a| !matches!(a.kind(), "line_comment" | "block_comment"))
    {
        return None;
    }
    let path = dotted_path(node.child_by_field_name("object")?, cx.src, MEMBER, IDENT)?;
    (path.len() >= 2).then_some(path)
}

fn arguments(args: Node) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        if matches!(a.kind(), "line_comment" | "block_comment") {
            continue;
        }
        out.push(Arg {
            keyword: None,
            value: a,
        });
    }
    out
}

/// A Java number literal: `10`, `10L`, `0x10`, `0b1`, `017`, `1.0d`, `2.5f`, `1_000`.
pub(super) fn java_number(text: &str) -> Option<Value> {
    let t = text.replace('_', "");
    let lower = t.to_ascii_lowercase();
    let int_body = lower.trim_end_matches('l');
    let radix = if let Some(h) = int_body
        .strip_prefix("0x")
        .filter(|h| !h.contains(['p', '.']))
    {
        Some((16, h))
    } else if let Some(b) = int_body.strip_prefix("0b") {
        Some((2, b))
    } else if int_body.len() > 1 && int_body.bytes().all(|b| b.is_ascii_digit()) {
        int_body.strip_prefix('0').map(|o| (8, o))
    } else {
        None
    };
    if let Some((r, digits)) = radix {
        return i64::from_str_radix(digits, r).ok().map(Value::from);
    }
    if let Ok(i) = int_body.parse::<i64>() {
        return Some(Value::from(i));
    }
    number(&t)
}

/// A string literal's value: `"..."` with escapes decoded, or a text block (`"""`) with its
/// incidental indentation stripped. None for a string template with interpolations.
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    if node.kind() != "string_literal" {
        return None;
    }
    let mut c = node.walk();
    if node
        .named_children(&mut c)
        .any(|n| n.kind() == "string_interpolation")
    {
        return None;
    }
    let t = cx.text(node);
    if let Some(rest) = t.strip_prefix("\"\"\"") {
        let body = rest.strip_suffix("\"\"\"").unwrap_or(rest);
        return Some(text_block(body));
    }
    let body = t.strip_prefix('"')?;
    let body = body.strip_suffix('"').unwrap_or(body);
    Some(unescape_java(body))
}

/// A text block's value (JLS 3.10.6): drop the opening line, strip the common indentation
/// (counting the closing delimiter's line), strip trailing spaces, then decode escapes.
fn text_block(body: &str) -> String {
    // The content starts after the line terminator that follows the opening delimiter.
    let body = match body.find('\n') {
        Some(i) => &body[i + 1..],
        None => body,
    };
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = body.split('\n').collect();
    let last = lines.len() - 1;
    // The closing delimiter's line counts toward the indentation only if it holds nothing else.
    let closing_alone = lines[last].trim().is_empty();
    let indent = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !l.trim().is_empty() || (*i == last && closing_alone))
        .map(|(_, l)| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i == last && closing_alone {
            break;
        }
        let stripped = line.get(indent..).unwrap_or("").trim_end();
        out.push_str(stripped);
        if i != last {
            out.push('\n');
        }
    }
    unescape_java(&out)
}

/// Decode Java escapes: `\n`, `\s`, octal `\0`–`\377`, `\uXXXX` (surrogate pairs joined), and
/// in text blocks `\<line end>` (no line break).
pub(super) fn unescape_java(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut units: Vec<u16> = Vec::with_capacity(s.len());
    let push = |units: &mut Vec<u16>, c: char| {
        let mut buf = [0u16; 2];
        units.extend_from_slice(c.encode_utf16(&mut buf));
    };
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            push(&mut units, c);
            i += 1;
            continue;
        }
        let e = chars[i + 1];
        i += 2;
        match e {
            'b' => push(&mut units, '\u{8}'),
            't' => push(&mut units, '\t'),
            'n' => push(&mut units, '\n'),
            'f' => push(&mut units, '\u{c}'),
            'r' => push(&mut units, '\r'),
            's' => push(&mut units, ' '),
            '\n' => {}
            'u' => {
                while i < chars.len() && chars[i] == 'u' {
                    i += 1;
                }
                let hex: String = chars.iter().skip(i).take(4).collect();
                match u16::from_str_radix(&hex, 16) {
                    Ok(v) if hex.len() == 4 => {
                        units.push(v);
                        i += 4;
                    }
                    _ => push(&mut units, 'u'),
                }
            }
            '0'..='7' => {
                // Up to three digits when the first is 0-3, else up to two.
                let max = if e <= '3' { 3 } else { 2 };
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < max && i < chars.len() && ('0'..='7').contains(&chars[i]) {
                    v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                units.push(v as u16);
            }
            other => push(&mut units, other), // \" \' \\
        }
    }
    String::from_utf16_lossy(&units)
}

/// `import a.b.C;` binds `C`; `import static a.b.C.X;` binds `X` (item `X` of `a.b.C`).
/// Wildcard imports bind no single name and are not recorded.
fn import(node: Node, cx: &mut Cx) {
    let mut c = node.walk();
    let mut is_static = false;
    let mut wildcard = false;
    let mut name = None;
    for child in node.children(&mut c) {
        match child.kind() {
            "static" => is_static = true,
            "asterisk" => wildcard = true,
            "scoped_identifier" | "identifier" => name = Some(child),
            _ => {}
        }
    }
    let Some(name) = name else { return };
    if wildcard {
        return;
    }
    let full: String = cx
        .text(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let Some((module, last)) = full.rsplit_once('.') else {
        return;
    };
    if is_static {
        // A statically imported method called bare (`isOn("x")`, `getenv("FLAG_X")`) matches
        // rules written against its class: `Flags.isOn`, `System.getenv`.
        let class = module.rsplit('.').next().unwrap_or(module);
        cx.aliases
            .insert(last.to_string(), format!("{class}.{last}"));
        cx.import(last, module, Some(last));
    } else {
        cx.import(last, &full, None);
    }
}

/// The dotted path of the type declarations enclosing `node` (`Outer.Inner`), or None when it
/// sits inside a method, an initializer, or an anonymous or local class.
fn type_path(node: Node, cx: &Cx) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "program" => break,
            "class_body"
            | "interface_body"
            | "enum_body"
            | "enum_body_declarations"
            | "annotation_type_body" => {}
            k if TYPE_DECLS.contains(&k) => {
                let name = n.child_by_field_name("name")?;
                names.push(cx.text(name).to_string());
                // A class declared in a block (local class) is not reachable by name.
                let p = n.parent()?;
                if !matches!(
                    p.kind(),
                    "program"
                        | "class_body"
                        | "interface_body"
                        | "enum_body_declarations"
                        | "annotation_type_body"
                ) {
                    return None;
                }
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

/// Record `value` under every suffix of `Outer.Inner.X`: `Outer.Inner.X`, `Inner.X`, `X`.
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

fn has_modifier(node: Node, cx: &Cx, word: &str) -> bool {
    let mut c = node.walk();
    let found = node
        .named_children(&mut c)
        .filter(|m| m.kind() == "modifiers")
        .any(|m| {
            let mut mc = m.walk();
            let hit = m.children(&mut mc).any(|w| cx.text(w) == word);
            hit
        });
    found
}

/// A `static final` field of a class, or any field of an interface.
fn is_constant_field(node: Node, cx: &Cx) -> bool {
    let in_interface = node.kind() == "constant_declaration"
        || node.parent().and_then(|b| b.parent()).is_some_and(|d| {
            matches!(
                d.kind(),
                "interface_declaration" | "annotation_type_declaration"
            )
        });
    in_interface || has_modifier(node, cx, "static") && has_modifier(node, cx, "final")
}

/// `static final String X = "x";` in a class, or `String X = "x";` in an interface: a
/// constant; and for `member_of` rules, a member of its type.
fn field_constant<'t>(node: Node<'t>, cx: &mut Cx<'t>, ad: &Java) {
    let Some(types) = type_path(node, cx) else {
        return;
    };
    if !is_constant_field(node, cx) {
        return;
    }
    let members = member_types(node.parent().and_then(|b| b.parent()), cx);
    let mut c = node.walk();
    let decls: Vec<Node> = node.children_by_field_name("declarator", &mut c).collect();
    for d in decls {
        let (Some(name), Some(value)) = (
            d.child_by_field_name("name"),
            d.child_by_field_name("value"),
        ) else {
            continue;
        };
        let name = cx.text(name);
        if let Some(v) = const_value(value, cx) {
            record(cx, &types, name, &v);
        }
        if let (Some(m), "string_literal") = (&members, value.kind()) {
            let m: Vec<&str> = m.iter().map(String::as_str).collect();
            cx.type_member(d, &m, name, Some(value), ad);
        }
    }
}

/// An enum constant: with one string argument, `NEW_CHECKOUT("new-checkout")`, it stands for
/// its key (`Flag.NEW_CHECKOUT.key()` reads it); for `member_of` rules, with or without one,
/// it is a member of its enum.
fn enum_constant<'t>(node: Node<'t>, cx: &mut Cx<'t>, ad: &Java) {
    let Some(name) = node.child_by_field_name("name") else {
        return;
    };
    let Some(types) = type_path(node, cx) else {
        return;
    };
    let args = node
        .child_by_field_name("arguments")
        .map(arguments)
        .unwrap_or_default();
    let mut strings = args.iter().filter(|a| a.value.kind() == "string_literal");
    // Only when exactly one argument is a string: that one is the key.
    let key = match (strings.next(), strings.next()) {
        (Some(first), None) => Some(first.value),
        _ => None,
    };
    let name = cx.text(name);
    if let Some(v) = key.and_then(|k| string_value(k, cx)) {
        record(cx, &types, name, &v);
    }
    if let Some(m) = member_types(node.parent().and_then(|b| b.parent()), cx) {
        let m: Vec<&str> = m.iter().map(String::as_str).collect();
        cx.type_member(node, &m, name, key, ad);
    }
}

/// When `member_of` rules are on, the names a member of the type declaration `decl` is
/// matched by ([`type_names`]).
fn member_types(decl: Option<Node>, cx: &Cx) -> Option<Vec<String>> {
    if cx.lr.is_none_or(|lr| lr.member_of.is_empty()) {
        return None;
    }
    Some(type_names(decl?, cx))
}

/// The name of the type declaration `decl` and of the types it extends and implements
/// (`enum MyFeatures implements Feature`: `MyFeatures`, `Feature`), each without its package
/// or type arguments.
fn type_names(decl: Node, cx: &Cx) -> Vec<String> {
    let mut out: Vec<String> = decl
        .child_by_field_name("name")
        .map(|n| cx.text(n).to_string())
        .into_iter()
        .collect();
    for field in ["superclass", "interfaces"] {
        let Some(n) = decl.child_by_field_name(field) else {
            continue;
        };
        let mut stack = vec![n];
        while let Some(t) = stack.pop() {
            match t.kind() {
                "type_identifier" => out.push(cx.text(t).to_string()),
                "scoped_type_identifier" | "generic_type" => {
                    // `com.acme.Feature`, `Feature<T>`: the last name before any arguments.
                    let mut c = t.walk();
                    if let Some(last) = t
                        .named_children(&mut c)
                        .filter(|k| k.kind() != "type_arguments")
                        .last()
                    {
                        stack.push(last);
                    }
                }
                _ => {
                    let mut c = t.walk();
                    stack.extend(t.named_children(&mut c));
                }
            }
        }
    }
    out
}

/// How deep a constant's expression is read (`"a" + "b" + ...` nests one level per `+`):
/// deeper, the constant is not read (its readers' keys stay unresolved), and the walk cannot
/// overflow the stack.
const MAX_CONST_DEPTH: usize = 256;

/// A compile-time string constant: a literal or a concatenation of literals.
fn const_value(node: Node, cx: &Cx) -> Option<String> {
    const_value_in(node, cx, 0)
}

fn const_value_in(node: Node, cx: &Cx, depth: usize) -> Option<String> {
    if depth > MAX_CONST_DEPTH {
        return None;
    }
    match node.kind() {
        "string_literal" => string_value(node, cx),
        "parenthesized_expression" => const_value_in(node.named_child(0)?, cx, depth + 1),
        "binary_expression" => {
            let op = node.child_by_field_name("operator")?;
            if cx.text(op) != "+" {
                return None;
            }
            let l = const_value_in(node.child_by_field_name("left")?, cx, depth + 1)?;
            let r = const_value_in(node.child_by_field_name("right")?, cx, depth + 1)?;
            Some(l + &r)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_escapes() {
        assert_eq!(
            unescape_java(r"a\tb\s\101\0\uuu0041\\\u00e9"),
            "a\tb A\0A\\é"
        );
        assert_eq!(unescape_java(r"\uD83D\uDE00"), "😀");
        assert_eq!(unescape_java("a\\\nb"), "ab");
    }

    #[test]
    fn text_blocks() {
        assert_eq!(
            text_block("\n    new\n      checkout\n    "),
            "new\n  checkout\n"
        );
        assert_eq!(text_block("\n    new-checkout"), "new-checkout");
        assert_eq!(text_block("  \n  a  \n  b\\\n  c"), "a\nbc");
    }

    #[test]
    fn java_numbers() {
        assert_eq!(java_number("10L"), Some(Value::from(10)));
        assert_eq!(java_number("0x10"), Some(Value::from(16)));
        assert_eq!(java_number("1.0d"), Some(Value::from(1.0)));
        assert_eq!(java_number("2.5f"), Some(Value::from(2.5)));
        assert_eq!(java_number("1_000"), Some(Value::from(1000)));
        assert_eq!(java_number("0"), Some(Value::from(0)));
    }
}
