//! JavaScript and TypeScript: `if`/`else if`/`else`, `c ? a : b`, `!`, `&&`/`||`,
//! `=== true`, `await value`; `const`/`let` bindings in a function; import specifiers;
//! module-level functions that are not exported.

use tree_sitter::Node;

use super::edit::{Edit, Rep};
use super::go::brace_if;
use super::simplify::{block_items, field, Adapter, Binding, Cx, FnDef, Import, Syntax};

pub struct Js;

static SYNTAX: Syntax = Syntax {
    true_lit: "true",
    false_lit: "false",
    nil_lit: None,
    paren: &["parenthesized_expression"],
    unary: &["unary_expression"],
    binary: &["binary_expression"],
    ternary: &["ternary_expression"],
    string: &["string", "template_string"],
    calls: &["call_expression"],
    functions: &[
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
    ],
    returns: &["return_statement", "throw_statement"],
    imports: &["import_statement"],
    awaits: &["await_expression"],
    names: &[
        "identifier",
        "type_identifier",
        "shorthand_property_identifier",
    ],
    empty_block: None,
    unused_local_is_error: false,
};

impl Adapter for Js {
    fn syntax(&self) -> &'static Syntax {
        &SYNTAX
    }

    fn conditional(&self, cx: &Cx, n: Node) -> Option<Edit> {
        if n.kind() != "if_statement" {
            return None;
        }
        let parent = n.parent()?;
        let else_if = (parent.kind() == "else_clause")
            .then(|| {
                parent
                    .parent()
                    .and_then(|g| field(g, "consequence"))
                    .map(|c| c.end_byte())
            })
            .flatten();
        let alt = field(n, "alternative").and_then(|e| {
            let mut c = e.walk();
            let s = e.named_children(&mut c).find(|x| x.kind() != "comment");
            s
        });
        // `else if (false) {}` without else: the whole `else` clause goes.
        if let (Some(from), None, Some(false)) = (
            else_if,
            alt,
            field(n, "condition").and_then(|c| cx.bool_of(c)),
        ) {
            return Some(Edit::one(Rep::delete(from..parent.end_byte())));
        }
        brace_if(
            cx,
            n,
            field(n, "condition")?,
            field(n, "consequence")?,
            alt,
            else_if,
            "statement_block",
        )
    }

    fn binding<'t>(&self, n: Node<'t>) -> Option<Binding<'t>> {
        if !matches!(n.kind(), "lexical_declaration" | "variable_declaration") {
            return None;
        }
        let mut c = n.walk();
        let decls: Vec<Node> = n
            .named_children(&mut c)
            .filter(|d| d.kind() == "variable_declarator")
            .collect();
        let [d] = decls.as_slice() else { return None };
        let name = field(*d, "name")?;
        if name.kind() != "identifier" {
            return None;
        }
        Some(Binding {
            stmt: n,
            names: vec![name],
            values: vec![field(*d, "value")?],
            short: false,
        })
    }

    fn imports<'t>(&self, root: Node<'t>, text: &str) -> Vec<Import<'t>> {
        let mut out = Vec::new();
        let mut c = root.walk();
        for stmt in root.named_children(&mut c) {
            if stmt.kind() != "import_statement" {
                continue;
            }
            let Some(clause) = ({
                let mut c2 = stmt.walk();
                let x = stmt
                    .named_children(&mut c2)
                    .find(|x| x.kind() == "import_clause");
                x
            }) else {
                continue;
            };
            let mut found: Vec<(String, Node<'t>)> = Vec::new();
            let mut c3 = clause.walk();
            for part in clause.named_children(&mut c3) {
                match part.kind() {
                    "identifier" => found.push((text[part.byte_range()].to_string(), part)),
                    "namespace_import" => {
                        if let Some(id) = part.named_child(0) {
                            found.push((text[id.byte_range()].to_string(), part));
                        }
                    }
                    "named_imports" => {
                        let mut c4 = part.walk();
                        for spec in part.named_children(&mut c4) {
                            if spec.kind() != "import_specifier" {
                                continue;
                            }
                            let bound = field(spec, "alias").or_else(|| field(spec, "name"));
                            if let Some(b) = bound {
                                found.push((text[b.byte_range()].to_string(), spec));
                            }
                        }
                    }
                    _ => {}
                }
            }
            let n = found.len();
            for (name, part) in found {
                out.push(Import {
                    name,
                    part: Some(part),
                    stmt,
                    siblings: n,
                });
            }
        }
        out
    }

    fn private_function<'t>(&self, n: Node<'t>, text: &str) -> Option<FnDef<'t>> {
        if n.kind() != "function_declaration" || n.parent()?.kind() != "program" {
            return None;
        }
        Some(FnDef {
            node: n,
            name: text[field(n, "name")?.byte_range()].to_string(),
            body: block_items(field(n, "body")?),
        })
    }

    fn constant<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        if n.kind() != "lexical_declaration" || n.parent()?.kind() != "program" {
            return None;
        }
        let b = self.binding(n)?;
        let literal = matches!(b.values[0].kind(), "string" | "number" | "true" | "false");
        literal.then(|| (text[b.names[0].byte_range()].to_string(), n))
    }

    fn plain_call<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Vec<Node<'t>>)> {
        if n.kind() != "call_expression" {
            return None;
        }
        let f = field(n, "function")?;
        if f.kind() != "identifier" {
            return None;
        }
        let args = field(n, "arguments")?;
        let mut c = args.walk();
        Some((
            text[f.byte_range()].to_string(),
            args.named_children(&mut c).collect(),
        ))
    }
}
