//! Java: `if`/`else if`/`else`, `c ? a : b`, `!`, `&&`/`||`; local variable bindings;
//! single-type imports; private methods.

use tree_sitter::Node;

use super::edit::Edit;
use super::go::brace_if;
use super::simplify::{block_items, field, field_of, Adapter, Binding, Cx, FnDef, Import, Syntax};

pub struct Java;

static SYNTAX: Syntax = Syntax {
    true_lit: "true",
    false_lit: "false",
    nil_lit: None,
    paren: &["parenthesized_expression"],
    unary: &["unary_expression"],
    binary: &["binary_expression"],
    ternary: &["ternary_expression"],
    string: &["string_literal"],
    calls: &["method_invocation", "object_creation_expression"],
    functions: &[
        "method_declaration",
        "constructor_declaration",
        "lambda_expression",
    ],
    returns: &["return_statement", "throw_statement"],
    imports: &["import_declaration", "package_declaration"],
    awaits: &[],
    names: &["identifier", "type_identifier"],
    empty_block: None,
    unused_local_is_error: false,
};

impl Adapter for Java {
    fn syntax(&self) -> &'static Syntax {
        &SYNTAX
    }

    fn conditional(&self, cx: &Cx, n: Node) -> Option<Edit> {
        if n.kind() != "if_statement" {
            return None;
        }
        let parent = n.parent()?;
        let else_if = (parent.kind() == "if_statement" && field_of(n) == Some("alternative"))
            .then(|| field(parent, "consequence").map(|c| c.end_byte()))
            .flatten();
        brace_if(
            cx,
            n,
            field(n, "condition")?,
            field(n, "consequence")?,
            field(n, "alternative"),
            else_if,
            "block",
        )
    }

    fn binding<'t>(&self, n: Node<'t>) -> Option<Binding<'t>> {
        if n.kind() != "local_variable_declaration" {
            return None;
        }
        let mut c = n.walk();
        let decls: Vec<Node> = n.children_by_field_name("declarator", &mut c).collect();
        let [d] = decls.as_slice() else { return None };
        Some(Binding {
            stmt: n,
            names: vec![field(*d, "name")?],
            values: vec![field(*d, "value")?],
            short: false,
        })
    }

    fn imports<'t>(&self, root: Node<'t>, text: &str) -> Vec<Import<'t>> {
        let mut out = Vec::new();
        let mut c = root.walk();
        for stmt in root.named_children(&mut c) {
            if stmt.kind() != "import_declaration" {
                continue;
            }
            let t = &text[stmt.byte_range()];
            if t.contains('*') || t.contains(" static ") {
                continue;
            }
            let Some(last) = t
                .trim_end_matches(';')
                .trim()
                .rsplit('.')
                .next()
                .map(str::trim)
            else {
                continue;
            };
            out.push(Import {
                name: last.to_string(),
                part: None,
                stmt,
                siblings: 1,
            });
        }
        out
    }

    fn private_function<'t>(&self, n: Node<'t>, text: &str) -> Option<FnDef<'t>> {
        if n.kind() != "method_declaration" {
            return None;
        }
        let mut c = n.walk();
        let private = n.named_children(&mut c).any(|m| {
            m.kind() == "modifiers"
                && text[m.byte_range()]
                    .split_whitespace()
                    .any(|w| w == "private")
        });
        if !private {
            return None;
        }
        Some(FnDef {
            node: n,
            name: text[field(n, "name")?.byte_range()].to_string(),
            body: block_items(field(n, "body")?),
        })
    }

    fn constant<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        if n.kind() != "field_declaration" {
            return None;
        }
        let t = &text[n.byte_range()];
        let words: Vec<&str> = t.split_whitespace().collect();
        if !(words.contains(&"private") && words.contains(&"static") && words.contains(&"final")) {
            return None;
        }
        let mut c = n.walk();
        let decls: Vec<Node> = n.children_by_field_name("declarator", &mut c).collect();
        let [d] = decls.as_slice() else { return None };
        let value = field(*d, "value")?;
        if !matches!(
            value.kind(),
            "string_literal" | "decimal_integer_literal" | "true" | "false"
        ) {
            return None;
        }
        Some((text[field(*d, "name")?.byte_range()].to_string(), n))
    }

    fn plain_call<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Vec<Node<'t>>)> {
        if n.kind() != "method_invocation" {
            return None;
        }
        if let Some(o) = field(n, "object") {
            if &text[o.byte_range()] != "this" {
                return None;
            }
        }
        let args = field(n, "arguments")?;
        let mut c = args.walk();
        Some((
            text[field(n, "name")?.byte_range()].to_string(),
            args.named_children(&mut c).collect(),
        ))
    }
}
