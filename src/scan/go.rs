//! Go: calls (`client.BoolVariation(...)`, `os.Getenv(...)`), imports (`import ld
//! "github.com/launchdarkly/go-server-sdk/v7"`, aliases of standard-library packages), the
//! package clause, and package-level string constants (`const X = "x"`, const blocks, typed
//! constants such as `NewUI featuregate.Feature = "NewUI"`, `var X = "x"`).

use serde_json::Value;
use tree_sitter::Node;

use super::extract::{dotted_path, number, Adapter, Arg, Cx, KeyExpr, Literals, SymbolSyntax};

pub struct Go;

const MEMBER: &[(&str, &str, &str)] = &[("selector_expression", "operand", "field")];
const IDENT: &[&str] = &["identifier", "field_identifier", "package_identifier"];

const LITERALS: Literals = Literals {
    bools: &["true", "false"],
    nulls: &["nil"],
    numbers: &["int_literal", "float_literal"],
    strings: &["interpreted_string_literal", "raw_string_literal"],
    signs: &["unary_expression"],
    wrappers: &["parenthesized_expression"],
    number: int_or_float,
    string: string_value,
};

impl Adapter for Go {
    fn visit<'t>(&self, node: Node<'t>, cx: &mut Cx<'t>) {
        match node.kind() {
            "call_expression" => {
                let (Some(func), Some(args)) = (
                    node.child_by_field_name("function"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                let func = unparen(func);
                let (receiver, name) = match func.kind() {
                    "selector_expression" => match (
                        func.child_by_field_name("operand"),
                        func.child_by_field_name("field"),
                    ) {
                        (Some(o), Some(f)) => (Some(unparen(o)), cx.text(f)),
                        _ => return,
                    },
                    "identifier" => (None, cx.text(func)),
                    _ => return,
                };
                let args = arguments(args);
                cx.call(node, receiver, name, &args, self);
            }
            "package_clause" => {
                let mut c = node.walk();
                let name = node
                    .named_children(&mut c)
                    .find(|n| n.kind() == "package_identifier");
                if let Some(n) = name {
                    cx.facts.package = Some(cx.text(n).to_string());
                }
            }
            "import_spec" => import(node, cx),
            // A package `var` can be reassigned: a key read through one is dynamic, not a constant.
            "const_spec" => constant(node, cx, self),
            "composite_literal" => composite(node, cx, self),
            _ => {}
        }
    }

    /// Go 1.26 `new(expr)` and a function named `new` are errors to the grammar, which reads
    /// `new` as the built-in taking a type: rename the word (same length) for a second parse.
    fn reparse_source(&self, src: &str) -> Option<String> {
        rename_word(src, "new", "nEw")
    }

    fn symbol_syntax(&self) -> SymbolSyntax {
        (MEMBER, IDENT, &["identifier"])
    }

    /// A keyed element's key names a struct field unless the literal is a map's (whose keys
    /// are values): `Config{EagerStart: x}`, `[]Config{{EagerStart: x}}` name fields;
    /// `map[Setting]bool{EagerStart: true}` reads `EagerStart`. A named map type
    /// (`type M map[K]V`) is taken for a struct: its keys are not read as uses.
    fn names_a_field(&self, node: Node) -> bool {
        let Some(el) = node.parent().filter(|p| p.kind() == "literal_element") else {
            return false;
        };
        let Some(keyed) = el.parent().filter(|p| p.kind() == "keyed_element") else {
            return false;
        };
        keyed.child_by_field_name("key") == Some(el)
            && keyed
                .parent()
                .and_then(literal_type)
                .is_none_or(|t| t.kind() != "map_type")
    }

    fn call_parts<'t>(
        &self,
        node: Node<'t>,
        _cx: &Cx<'t>,
    ) -> Option<(Option<Node<'t>>, Vec<Arg<'t>>)> {
        if node.kind() != "call_expression" {
            return None;
        }
        let func = unparen(node.child_by_field_name("function")?);
        let receiver = match func.kind() {
            "selector_expression" => func.child_by_field_name("operand"),
            _ => None,
        };
        Some((receiver, arguments(node.child_by_field_name("arguments")?)))
    }

    /// A composite literal `T{Key: "x"}`, also `&T{...}` and in parentheses: its fields as
    /// [`Cx::composite`] reads them (`Name: v` keyword, `v` positional).
    fn fields<'t>(&self, node: Node<'t>, cx: &Cx<'t>) -> Option<Vec<Arg<'t>>> {
        let mut n = unparen(node);
        if n.kind() == "unary_expression" {
            let op = n.child_by_field_name("operator")?;
            if cx.text(op) != "&" {
                return None;
            }
            n = unparen(n.child_by_field_name("operand")?);
        }
        if n.kind() != "composite_literal" {
            return None;
        }
        literal_fields(n, cx.src)
    }

    /// `var X = f(...)` at package level (one name, one value).
    fn binding(&self, node: Node, cx: &Cx) -> Option<String> {
        let list = node.parent().filter(|p| p.kind() == "expression_list")?;
        if list.named_child_count() != 1 {
            return None;
        }
        let spec = list
            .parent()
            .filter(|p| matches!(p.kind(), "var_spec" | "const_spec"))?;
        let mut decl = spec.parent()?;
        if decl.kind() == "var_spec_list" {
            decl = decl.parent()?;
        }
        if decl.parent()?.kind() != "source_file" {
            return None;
        }
        let mut c = spec.walk();
        let names: Vec<Node> = spec.children_by_field_name("name", &mut c).collect();
        match names.as_slice() {
            [n] => Some(cx.text(*n).to_string()),
            _ => None,
        }
    }

    /// `var X = <anything holding the read>` at package level, one name: the read's nearest
    /// `var_spec`, unless a function or method declaration comes first.
    fn accessor(&self, node: Node, cx: &Cx) -> Option<String> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "function_declaration" | "method_declaration" => return None,
                "var_spec" => {
                    let mut decl = n.parent()?;
                    if decl.kind() == "var_spec_list" {
                        decl = decl.parent()?;
                    }
                    if decl.parent()?.kind() != "source_file" {
                        return None;
                    }
                    let mut c = n.walk();
                    let names: Vec<Node> = n.children_by_field_name("name", &mut c).collect();
                    return match names.as_slice() {
                        [name] => Some(cx.text(*name).to_string()),
                        _ => None,
                    };
                }
                _ => p = n.parent(),
            }
        }
        None
    }

    /// The function or method around `node` and its parameter names (a method's receiver is
    /// not a parameter: callers write `c.Name(args)`).
    fn enclosing_function(&self, node: Node, cx: &Cx) -> Option<(String, Vec<String>)> {
        let mut p = node.parent();
        while let Some(n) = p {
            match n.kind() {
                "function_declaration" | "method_declaration" => {
                    let name = cx.text(n.child_by_field_name("name")?).to_string();
                    let params = n.child_by_field_name("parameters")?;
                    let mut names = Vec::new();
                    let mut c = params.walk();
                    for d in params.named_children(&mut c) {
                        if d.kind() != "parameter_declaration" {
                            continue;
                        }
                        let mut dc = d.walk();
                        let ns: Vec<String> = d
                            .children_by_field_name("name", &mut dc)
                            .map(|x| cx.text(x).to_string())
                            .collect();
                        if ns.is_empty() {
                            names.push(String::new()); // unnamed parameter
                        }
                        names.extend(ns);
                    }
                    return Some((name, names));
                }
                // A function-valued field: `Flags{IsOn: func(key string) bool { ... }}`.
                "func_literal" => {
                    let field = n
                        .parent()
                        .filter(|e| e.kind() == "literal_element")
                        .and_then(|e| e.parent())
                        .filter(|k| k.kind() == "keyed_element")
                        .and_then(|k| k.child_by_field_name("key"))
                        .and_then(|k| {
                            if k.kind() == "literal_element" {
                                k.named_child(0)
                            } else {
                                Some(k)
                            }
                        })
                        .filter(|k| matches!(k.kind(), "identifier" | "field_identifier"))?;
                    let params = n.child_by_field_name("parameters")?;
                    let mut names = Vec::new();
                    let mut c = params.walk();
                    for d in params.named_children(&mut c) {
                        if d.kind() != "parameter_declaration" {
                            continue;
                        }
                        let mut dc = d.walk();
                        let ns: Vec<String> = d
                            .children_by_field_name("name", &mut dc)
                            .map(|x| cx.text(x).to_string())
                            .collect();
                        if ns.is_empty() {
                            names.push(String::new());
                        }
                        names.extend(ns);
                    }
                    return Some((cx.text(field).to_string(), names));
                }
                _ => p = n.parent(),
            }
        }
        None
    }

    fn key(&self, node: Node, cx: &Cx) -> KeyExpr {
        match node.kind() {
            "interpreted_string_literal" | "raw_string_literal" => {
                KeyExpr::Literal(string_value(node, cx).unwrap_or_default())
            }
            "identifier" | "selector_expression" => {
                match dotted_path(node, cx.src, MEMBER, IDENT) {
                    Some(p) => KeyExpr::Path(p),
                    None => KeyExpr::Dynamic("an expression".into()),
                }
            }
            "binary_expression" => KeyExpr::Dynamic("a concatenation".into()),
            "call_expression" => KeyExpr::Dynamic("a call's result".into()),
            "parenthesized_expression" => self.inner_key(node, cx),
            k => KeyExpr::other(k),
        }
    }

    fn literal(&self, node: Node, cx: &Cx) -> Option<Value> {
        LITERALS.read(node, cx, self)
    }
}

/// `src` with every whole-word `word` replaced by `with` (same length), or None when the word
/// does not occur.
fn rename_word(src: &str, word: &str, with: &str) -> Option<String> {
    debug_assert_eq!(word.len(), with.len());
    let b = src.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out: Option<Vec<u8>> = None;
    for (i, _) in src.match_indices(word) {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + word.len()).copied();
        if before.is_some_and(|c| is_ident(c) || c == b'.') || after.is_some_and(is_ident) {
            continue;
        }
        let o = out.get_or_insert_with(|| b.to_vec());
        o[i..i + word.len()].copy_from_slice(with.as_bytes());
    }
    out.and_then(|o| String::from_utf8(o).ok())
}

fn unparen(mut n: Node) -> Node {
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(inner) => n = inner,
            None => break,
        }
    }
    n
}

fn arguments(args: Node) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        match a.kind() {
            "comment" => {}
            // `f(xs...)`: the spread's positions are unknown.
            "variadic_argument" => return out,
            _ => out.push(Arg {
                keyword: None,
                value: a,
            }),
        }
    }
    out
}

/// A Go number literal: decimal, hex, octal and binary integers, floats.
pub(super) fn int_or_float(text: &str) -> Option<Value> {
    let t = text.replace('_', "");
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.as_str()),
    };
    let radix = match body.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") if !body.contains(['p', 'P', '.']) => Some(16),
        Some("0o") => Some(8),
        Some("0b") => Some(2),
        _ => None,
    };
    if let Some(r) = radix {
        let v = i64::from_str_radix(&body[2..], r).ok()?;
        return Some(Value::from(if neg { -v } else { v }));
    }
    if body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit()) {
        let v = i64::from_str_radix(&body[1..], 8).ok()?;
        return Some(Value::from(if neg { -v } else { v }));
    }
    if body.ends_with('i') {
        return None; // imaginary
    }
    number(&t)
}

/// The value of an interpreted (`"..."`, escapes decoded) or raw (`` `...` ``) string literal.
fn string_value(node: Node, cx: &Cx) -> Option<String> {
    match node.kind() {
        "raw_string_literal" => {
            let t = cx.text(node);
            let body = t.strip_prefix('`')?.strip_suffix('`').unwrap_or(&t[1..]);
            // Carriage returns are discarded from raw string values.
            Some(body.replace('\r', ""))
        }
        "interpreted_string_literal" => {
            let t = cx.text(node);
            let body = t.strip_prefix('"')?;
            let body = body.strip_suffix('"').unwrap_or(body);
            Some(unescape_go(body))
        }
        _ => None,
    }
}

/// Decode a Go interpreted string body: `\n`, `\xhh` (bytes), `\ooo`, `\uhhhh`, `\Uhhhhhhhh`.
pub(super) fn unescape_go(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    let push_char = |out: &mut Vec<u8>, c: char| {
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    };
    while i < b.len() {
        if b[i] != b'\\' || i + 1 >= b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let e = b[i + 1];
        let hex = |len: usize| -> Option<u32> {
            let h = s.get(i + 2..i + 2 + len)?;
            u32::from_str_radix(h, 16).ok()
        };
        match e {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'x' => {
                if let Some(v) = hex(2) {
                    out.push(v as u8);
                    i += 4;
                    continue;
                }
                out.push(e);
            }
            b'u' | b'U' => {
                let len = if e == b'u' { 4 } else { 8 };
                if let Some(c) = hex(len).and_then(char::from_u32) {
                    push_char(&mut out, c);
                    i += 2 + len;
                    continue;
                }
                out.push(e);
            }
            b'0'..=b'7' => {
                let oct = s
                    .get(i + 1..i + 4)
                    .and_then(|o| u32::from_str_radix(o, 8).ok());
                if let Some(v) = oct.filter(|v| *v <= 0xff) {
                    out.push(v as u8);
                    i += 4;
                    continue;
                }
                out.push(e);
            }
            _ => out.push(e), // \\ \" \'
        }
        i += 2;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name a Go import binds when it has no alias: the last path element, or the one before a
/// major-version suffix (`.../v7`), trimmed the way goimports assumes (`go-` prefix off, cut at
/// the first character that cannot be in an identifier: `yaml.v3` → `yaml`).
pub(crate) fn assumed_name(path: &str) -> String {
    let mut segs = path.rsplit('/');
    let mut last = segs.next().unwrap_or(path);
    let is_version =
        |s: &str| s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit());
    if is_version(last) {
        if let Some(prev) = segs.next() {
            last = prev;
        }
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    let end = last
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(last.len());
    let name = &last[..end];
    if name.is_empty() {
        last.to_string()
    } else {
        name.to_string()
    }
}

/// `import "path"`, `import alias "path"`; dot and blank imports bind no name.
fn import(node: Node, cx: &mut Cx) {
    let Some(path) = node
        .child_by_field_name("path")
        .and_then(|p| string_value(p, cx))
    else {
        return;
    };
    let alias = node.child_by_field_name("name");
    let local = match alias {
        Some(a) if a.kind() == "package_identifier" => cx.text(a).to_string(),
        Some(_) => return, // `. "pkg"`, `_ "pkg"`
        None => assumed_name(&path),
    };
    // A renamed standard-library package (`myos "os"`) still matches rules written against
    // its real name. Only the standard library: elsewhere a directory's name need not be the
    // package's.
    if alias.is_some() && !path.split('/').next().unwrap_or("").contains('.') {
        let real = assumed_name(&path);
        if real != local {
            cx.aliases.insert(local.clone(), real);
        }
    }
    cx.import(&local, &path, None);
}

/// A composite literal: `T{...}` is matched with its type; `[]T{{...}, ...}` element by element
/// with `T`; `map[K]V{key: {...}}` entry by entry with `V` and the entry's key. An entry or
/// element whose value is a list of literals (`featuregate.VersionedSpecs`) is read from its
/// last literal: versioned specs are written in version order, the last is the current one.
fn composite<'t>(node: Node<'t>, cx: &mut Cx<'t>, ad: &Go) {
    let (Some(ty), Some(body)) = (
        node.child_by_field_name("type"),
        node.child_by_field_name("body"),
    ) else {
        return;
    };
    match ty.kind() {
        "map_type" => {
            let Some(value_ty) = ty.child_by_field_name("value") else {
                return;
            };
            let value_ty = cx.text(value_ty);
            let mut c = body.walk();
            for el in body.named_children(&mut c) {
                if el.kind() != "keyed_element" {
                    continue;
                }
                let (Some(k), Some(v)) = (
                    el.child_by_field_name("key").and_then(element_inner),
                    el.child_by_field_name("value").and_then(element_inner),
                ) else {
                    continue;
                };
                if let Some(fields) = literal_fields(current(v), cx.src) {
                    cx.composite(el, value_ty, fields, Some(k), ad);
                }
            }
        }
        "slice_type" | "array_type" | "implicit_length_array_type" => {
            let Some(elem_ty) = ty.child_by_field_name("element") else {
                return;
            };
            let elem_ty = cx.text(elem_ty);
            let mut c = body.walk();
            for el in body.named_children(&mut c) {
                let Some(v) = element_inner(el) else { continue };
                if v.kind() != "literal_value" {
                    continue; // an explicitly typed element is matched on its own
                }
                if let Some(fields) = literal_fields(v, cx.src) {
                    cx.composite(el, elem_ty, fields, None, ad);
                }
            }
        }
        _ => {
            if let Some(fields) = literal_fields(body, cx.src) {
                cx.composite(node, cx.text(ty), fields, None, ad);
            }
        }
    }
}

/// The type of a literal's body (`literal_value`): its composite literal's, or, for a literal
/// whose type is left out inside another (`[]T{{...}}`, `map[K]V{k: {...}}`), the element,
/// key or value type of the outer one's. None when it cannot be told from the syntax.
fn literal_type(body: Node) -> Option<Node> {
    let parent = body.parent()?;
    match parent.kind() {
        "composite_literal" => parent.child_by_field_name("type"),
        "literal_element" => {
            let holder = parent.parent()?;
            let (outer, part) = if holder.kind() == "keyed_element" {
                let is_key = holder.child_by_field_name("key") == Some(parent);
                (holder.parent()?, if is_key { "key" } else { "value" })
            } else {
                (holder, "value")
            };
            let ty = literal_type(outer)?;
            match ty.kind() {
                "map_type" => ty.child_by_field_name(part),
                "slice_type" | "array_type" | "implicit_length_array_type" => {
                    ty.child_by_field_name("element")
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a `literal_element` holds.
fn element_inner(n: Node) -> Option<Node> {
    if n.kind() == "literal_element" {
        n.named_child(0)
    } else {
        Some(n)
    }
}

/// A list of literals (`{{...}, {...}}`): its last one; anything else as it is.
fn current(v: Node) -> Node {
    if v.kind() != "literal_value" {
        return v;
    }
    let mut c = v.walk();
    let elems: Vec<Node> = v
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    let all_lists = !elems.is_empty()
        && elems.iter().all(|e| {
            element_inner(*e)
                .is_some_and(|i| matches!(i.kind(), "literal_value" | "composite_literal"))
        });
    match elems.last().and_then(|e| element_inner(*e)) {
        Some(last) if all_lists => last,
        _ => v,
    }
}

/// A literal's fields as arguments: `Name: v` keyword, `v` positional. A typed composite
/// literal is read through its body.
fn literal_fields<'t>(v: Node<'t>, src: &'t str) -> Option<Vec<Arg<'t>>> {
    let body = match v.kind() {
        "literal_value" => v,
        "composite_literal" => v.child_by_field_name("body")?,
        _ => return None,
    };
    let mut out = Vec::new();
    let mut c = body.walk();
    for el in body.named_children(&mut c) {
        match el.kind() {
            "keyed_element" => {
                let (Some(k), Some(val)) = (
                    el.child_by_field_name("key").and_then(element_inner),
                    el.child_by_field_name("value").and_then(element_inner),
                ) else {
                    continue;
                };
                if matches!(k.kind(), "identifier" | "field_identifier") {
                    out.push(Arg {
                        keyword: src.get(k.byte_range()),
                        value: val,
                    });
                }
            }
            "literal_element" => {
                if let Some(i) = element_inner(el) {
                    out.push(Arg {
                        keyword: None,
                        value: i,
                    });
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// Package-level `const X = "x"`, `const ( A = "a"; B Feature = "b" )`, `var X = "x"`.
fn constant<'t>(node: Node<'t>, cx: &mut Cx<'t>, ad: &Go) {
    // const_spec → const_declaration → source_file; var_spec → [var_spec_list →]
    // var_declaration → source_file.
    let mut decl = node.parent();
    if decl.is_some_and(|d| d.kind() == "var_spec_list") {
        decl = decl.and_then(|d| d.parent());
    }
    let Some(decl) = decl else { return };
    if decl.parent().is_none_or(|p| p.kind() != "source_file") {
        return;
    }
    let is_const = node.kind() == "const_spec";
    let Some(values) = node.child_by_field_name("value") else {
        return;
    };
    let mut c = node.walk();
    let names: Vec<Node> = node
        .children_by_field_name("name", &mut c)
        .filter(|n| n.kind() == "identifier")
        .collect();
    let mut vc = values.walk();
    let values: Vec<Node> = values
        .named_children(&mut vc)
        .filter(|n| n.kind() != "comment")
        .collect();
    if names.len() != values.len() {
        return;
    }
    let ty = node.child_by_field_name("type").map(|t| cx.text(t));
    for (name, value) in names.into_iter().zip(values) {
        let name = cx.text(name);
        if name == "_" {
            continue;
        }
        if let Some(v) = const_value(value, is_const, cx) {
            cx.constant(name.to_string(), v);
        }
        if let Some(ty) = ty {
            cx.typed_constant(node, name, ty, value, ad);
        }
    }
}

/// How deep a constant's expression is read (`"a" + "b" + ...` nests one level per `+`):
/// deeper, the constant is not read (its readers' keys stay unresolved), and the walk cannot
/// overflow the stack.
const MAX_CONST_DEPTH: usize = 256;

/// A string constant's value: a literal, a literal concatenation, or (in a `const`) a type
/// conversion of one (`Feature("x")`).
fn const_value(node: Node, is_const: bool, cx: &Cx) -> Option<String> {
    const_value_in(node, is_const, cx, 0)
}

fn const_value_in(node: Node, is_const: bool, cx: &Cx, depth: usize) -> Option<String> {
    if depth > MAX_CONST_DEPTH {
        return None;
    }
    match node.kind() {
        "interpreted_string_literal" | "raw_string_literal" => string_value(node, cx),
        "parenthesized_expression" => const_value_in(node.named_child(0)?, is_const, cx, depth + 1),
        "binary_expression" => {
            let op = node.child_by_field_name("operator")?;
            if cx.text(op) != "+" {
                return None;
            }
            let l = const_value_in(node.child_by_field_name("left")?, is_const, cx, depth + 1)?;
            let r = const_value_in(node.child_by_field_name("right")?, is_const, cx, depth + 1)?;
            Some(l + &r)
        }
        // In a constant declaration a call with one string argument can only be a conversion.
        "call_expression" if is_const => {
            let func = node.child_by_field_name("function")?;
            if !matches!(
                func.kind(),
                "identifier" | "selector_expression" | "type_identifier" | "qualified_type"
            ) || cx.text(func) == "len"
            {
                return None;
            }
            let args = node.child_by_field_name("arguments")?;
            let args = arguments(args);
            match args.as_slice() {
                [a] => const_value_in(a.value, is_const, cx, depth + 1),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_escapes() {
        assert_eq!(
            unescape_go(r#"a\n\x41\u00e9\101\\\"\U0001F600"#),
            "a\nAéA\\\"😀"
        );
        assert_eq!(unescape_go(r"\xc3\xa9"), "é");
    }

    #[test]
    fn assumed_names() {
        assert_eq!(
            assumed_name("github.com/shop/catalog/internal/flagkeys"),
            "flagkeys"
        );
        assert_eq!(
            assumed_name("github.com/Unleash/unleash-client-go/v4"),
            "unleash"
        );
        assert_eq!(assumed_name("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(
            assumed_name("github.com/launchdarkly/go-server-sdk/v7"),
            "server"
        );
        assert_eq!(assumed_name("os"), "os");
    }

    #[test]
    fn go_numbers() {
        assert_eq!(int_or_float("0x1F"), Some(Value::from(31)));
        assert_eq!(int_or_float("-1_000"), Some(Value::from(-1000)));
        assert_eq!(int_or_float("1.5"), Some(Value::from(1.5)));
        assert_eq!(int_or_float("0"), Some(Value::from(0)));
        assert_eq!(int_or_float("017"), Some(Value::from(15)));
    }
}
