//! Python: calls, `os.environ[...]` subscripts, imports (`import os as x`, `from os import
//! environ`) and string constants (module level, class bodies such as `class Flag(str, Enum)`).

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{dotted_path, number, Adapter, Arg, Cx, KeyExpr, Literals, SymbolSyntax};

pub struct Python;

const MEMBER: &[(&str, &str, &str)] = &[("attribute", "object", "attribute")];
const IDENT: &[&str] = &["identifier"];

const LITERALS: Literals = Literals {
    bools: &["true", "false"],
    nulls: &["none"],
    numbers: &["integer", "float"],
    strings: &["string"],
    signs: &["unary_operator"],
    wrappers: &[],
    number,
    string: string_value,
};

impl Adapter for Python {
    fn symbol_syntax(&self) -> SymbolSyntax {
        (MEMBER, IDENT, IDENT)
    }

    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "call" => {
                let (Some(func), Some(args)) = (
                    node.child_by_field_name("function"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                let (receiver, name) = match func.kind() {
                    "attribute" => match (
                        func.child_by_field_name("object"),
                        func.child_by_field_name("attribute"),
                    ) {
                        (Some(o), Some(a)) => (Some(o), cx.text(a)),
                        _ => return,
                    },
                    "identifier" => (None, cx.text(func)),
                    _ => return,
                };
                let args = arguments(args, cx);
                cx.call(node, receiver, name, &args, self);
            }
            "subscript" => {
                if let (Some(value), Some(index)) = (
                    node.child_by_field_name("value"),
                    node.child_by_field_name("subscript"),
                ) {
                    cx.subscript(node, value, index, self);
                }
            }
            "import_statement" => {
                let mut c = node.walk();
                for name in node.children_by_field_name("name", &mut c) {
                    match name.kind() {
                        "aliased_import" => {
                            if let (Some(n), Some(a)) = (
                                name.child_by_field_name("name"),
                                name.child_by_field_name("alias"),
                            ) {
                                let module = cx.text(n).to_string();
                                let alias = cx.text(a).to_string();
                                cx.aliases.insert(alias.clone(), module.clone());
                                cx.import(&alias, &module, None);
                            }
                        }
                        _ => {
                            let module = cx.text(name).to_string();
                            cx.import(&module.clone(), &module, None);
                        }
                    }
                }
            }
            "import_from_statement" => {
                let Some(module) = node.child_by_field_name("module_name") else {
                    return;
                };
                let module = cx.text(module).to_string();
                let mut c = node.walk();
                for name in node.children_by_field_name("name", &mut c) {
                    let (item, local) = match name.kind() {
                        "aliased_import" => match (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        ) {
                            (Some(n), Some(a)) => (cx.text(n).to_string(), cx.text(a).to_string()),
                            _ => continue,
                        },
                        _ => (cx.text(name).to_string(), cx.text(name).to_string()),
                    };
                    cx.aliases.insert(local.clone(), format!("{module}.{item}"));
                    cx.import(&local, &module, Some(&item));
                }
            }
            "assignment" => constant(node, cx, self),
            // `settings.NEW_CHECKOUT`: a member read whose name is the key (`member:` rules).
            "attribute" => {
                if let (Some(o), Some(a)) = (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("attribute"),
                ) {
                    cx.member(node, o, a);
                }
            }
            _ => {}
        }
    }

    fn call_parts<'t>(
        &self,
        node: Node<'t>,
        cx: &Cx<'t>,
    ) -> Option<(Option<Node<'t>>, Vec<Arg<'t>>)> {
        // `os.environ.get("X") or str(Y)`: the value comes from the first operand's call.
        if node.kind() == "boolean_operator" {
            return self.call_parts(node.child_by_field_name("left")?, cx);
        }
        if node.kind() == "parenthesized_expression" {
            return self.call_parts(node.named_child(0)?, cx);
        }
        if node.kind() != "call" {
            return None;
        }
        let func = node.child_by_field_name("function")?;
        let receiver = match func.kind() {
            "attribute" => func.child_by_field_name("object"),
            _ => None,
        };
        Some((
            receiver,
            arguments(node.child_by_field_name("arguments")?, cx),
        ))
    }

    /// `X = f(...)` at module level.
    fn binding(&self, node: Node, cx: &Cx) -> Option<String> {
        let assign = node.parent().filter(|p| p.kind() == "assignment")?;
        if assign.child_by_field_name("right")?.id() != node.id() {
            return None;
        }
        let left = assign.child_by_field_name("left")?;
        let stmt = assign.parent()?;
        (left.kind() == "identifier" && stmt.parent()?.kind() == "module")
            .then(|| cx.text(left).to_string())
    }

    /// The function around `node` and its parameters; a method's `self`/`cls` is left out.
    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "function_definition" => {
                    let name = cx.text(n.child_by_field_name("name")?).to_string();
                    let params = n.child_by_field_name("parameters")?;
                    let in_class = n
                        .parent()
                        .and_then(|b| b.parent())
                        .is_some_and(|c| c.kind() == "class_definition");
                    let mut names = Vec::new();
                    let mut c = params.walk();
                    for prm in params.named_children(&mut c) {
                        let id = match prm.kind() {
                            "identifier" => Some(prm),
                            "typed_parameter" => prm.named_child(0),
                            "default_parameter" | "typed_default_parameter" => {
                                prm.child_by_field_name("name")
                            }
                            _ => None,
                        };
                        let Some(id) = id.filter(|i| i.kind() == "identifier") else {
                            break; // *args, **kwargs, `/`, `*`: positions end here
                        };
                        names.push(cx.text(id).to_string());
                    }
                    if in_class && names.first().is_some_and(|f| f == "self" || f == "cls") {
                        names.remove(0);
                    }
                    return Some((name, names));
                }
                "lambda" => return None,
                _ => p = n.parent(),
            }
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "string" => match string_value(node, cx) {
                Some(s) => KeyExpr::Literal(s),
                None if !cx.text(node).contains("\\N{") => KeyExpr::Dynamic("an f-string".into()),
                None => KeyExpr::Dynamic("a string with a \\N{...} escape".into()),
            },
            "concatenated_string" => {
                let mut out = String::new();
                let mut c = node.walk();
                for part in node.named_children(&mut c) {
                    match string_value(part, cx) {
                        Some(s) => out.push_str(&s),
                        None => return KeyExpr::Dynamic("an f-string".into()),
                    }
                }
                KeyExpr::Literal(out)
            }
            "identifier" | "attribute" => match dotted_path(node, cx.src, MEMBER, IDENT) {
                Some(p) => KeyExpr::Path(p),
                None => KeyExpr::Dynamic("an expression".into()),
            },
            "binary_operator" => KeyExpr::Dynamic("a concatenation".into()),
            "call" => KeyExpr::Dynamic("a call's result".into()),
            "parenthesized_expression" => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        LITERALS.read(node, cx, self)
    }
}

fn arguments<'t>(args: Node<'t>, _cx: &Cx<'t>) -> Vec<Arg<'t>> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        match a.kind() {
            "keyword_argument" => {
                if let (Some(n), Some(v)) = (
                    a.child_by_field_name("name"),
                    a.child_by_field_name("value"),
                ) {
                    out.push(Arg {
                        keyword: Some(_cx.src.get(n.byte_range()).unwrap_or("")),
                        value: v,
                    });
                }
            }
            "comment" => {}
            "list_splat" | "dictionary_splat" => return out, // positions after a splat are unknown
            _ => out.push(Arg {
                keyword: None,
                value: a,
            }),
        }
    }
    out
}

/// A plain (non-f) string's value; None for an f-string with interpolations.
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let mut body = String::new();
    let mut raw = false;
    let mut bytes = false;
    let mut c = node.walk();
    for part in node.named_children(&mut c) {
        match part.kind() {
            "string_start" => {
                let prefix = cx.text(part).to_ascii_lowercase();
                raw = prefix.contains('r');
                bytes = prefix.contains('b');
            }
            "string_content" | "escape_sequence" => body.push_str(cx.text(part)),
            "interpolation" => return None,
            _ => {}
        }
    }
    if raw {
        Some(body)
    } else {
        unescape_python(&body, bytes)
    }
}

/// Decode a Python string body's escapes as Python does: `\x41`, `\u0041`, `\U00000041`,
/// octal `\101`, the one-letter escapes, line continuations; an unknown escape keeps its
/// backslash (`"\d"` is two characters). None for `\N{NAME}` (no name table here: the key
/// stays unresolved rather than wrong). In a bytes literal `\u` and `\N` are not escapes.
pub(super) fn unescape_python(s: &str, bytes: bool) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    let hex = |it: &mut std::iter::Peekable<std::str::Chars>, n: usize| -> Option<char> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v * 16 + it.next()?.to_digit(16)?;
        }
        char::from_u32(v)
    };
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                if it.peek() == Some(&'\n') {
                    it.next();
                }
            }
            '\\' | '\'' | '"' => out.push(e),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v)?);
            }
            'x' => out.push(hex(&mut it, 2)?),
            'u' if !bytes => out.push(hex(&mut it, 4)?),
            'U' if !bytes => out.push(hex(&mut it, 8)?),
            'N' if !bytes => return None,
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// `NAME = "value"` at module level or directly in a module-level class body (`class
/// Flag(str, Enum)`): a constant. For `member_of` rules, any `NAME = value` in such a class is
/// a member (an Enum member or class attribute: `SEARCH = auto()` too; `_private` names and
/// dunders are not), matched by the class's name and its bases' last names.
fn constant<'t>(node: Node<'t>, cx: &mut Cx<'t>, ad: &Python) {
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    if left.kind() != "identifier" {
        return;
    }
    let name = cx.text(left);
    let value = (right.kind() == "string")
        .then(|| string_value(right, cx))
        .flatten();
    // expression_statement → module | block → class_definition
    let Some(container) = node.parent().and_then(|stmt| stmt.parent()) else {
        return;
    };
    match container.kind() {
        "module" => {
            if let Some(v) = value {
                cx.constant(name.to_string(), v);
            }
        }
        "block" => {
            let Some(class) = container.parent().filter(|c| {
                c.kind() == "class_definition" && c.parent().is_some_and(|m| m.kind() == "module")
            }) else {
                return;
            };
            let Some(cname) = class.child_by_field_name("name").map(|n| cx.text(n)) else {
                return;
            };
            if let Some(v) = value {
                cx.constant(format!("{cname}.{name}"), v);
            }
            if cx.lr.is_none_or(|lr| lr.member_of.is_empty()) || name.starts_with('_') {
                return;
            }
            let mut types = vec![cname];
            if let Some(bases) = class.child_by_field_name("superclasses") {
                let mut c = bases.walk();
                for b in bases.named_children(&mut c) {
                    if matches!(b.kind(), "identifier" | "attribute") {
                        let t = cx.text(b);
                        types.push(t.rsplit('.').next().unwrap_or(t));
                    }
                }
            }
            let member = (right.kind() == "string").then_some(right);
            cx.type_member(node, &types, name, member, ad);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_escapes() {
        let u = |s: &str| unescape_python(s, false);
        assert_eq!(
            u(r"hex\x41 uni\u0041 big\U00000041 oct\101 \0").unwrap(),
            "hexA uniA bigA octA \0"
        );
        assert_eq!(u(r"keep\d \\ \' \n").unwrap(), "keep\\d \\ ' \n");
        assert_eq!(u("a\\\nb").unwrap(), "ab");
        assert_eq!(u(r"named\N{DASH}"), None);
        assert_eq!(unescape_python(r"b\u0041", true).unwrap(), r"b\u0041");
        assert_eq!(u(r"bad\x4"), None);
    }
}
