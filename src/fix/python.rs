//! Python: `if`/`elif`/`else`, `x if c else y`, `not`, `and`/`or`; bindings `x = value` in a
//! function; `import` / `from ... import` names; module-level `_private` helpers.

use tree_sitter::Node;

use super::edit::{Edit, Rep};
use super::simplify::{field, Adapter, Binding, Cx, FnDef, Import, Syntax};

pub struct Python;

static SYNTAX: Syntax = Syntax {
    true_lit: "True",
    false_lit: "False",
    nil_lit: None,
    paren: &["parenthesized_expression"],
    unary: &["not_operator"],
    binary: &["boolean_operator", "comparison_operator"],
    ternary: &["conditional_expression"],
    string: &["string", "concatenated_string"],
    calls: &["call"],
    functions: &["function_definition", "lambda"],
    returns: &["return_statement", "raise_statement"],
    imports: &[
        "import_statement",
        "import_from_statement",
        "future_import_statement",
    ],
    awaits: &["await"],
    names: &["identifier"],
    empty_block: Some("pass"),
    unused_local_is_error: false,
};

fn fields<'t>(n: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.children_by_field_name(name, &mut c).collect()
}

impl Adapter for Python {
    fn syntax(&self) -> &'static Syntax {
        &SYNTAX
    }

    fn conditional(&self, cx: &Cx, n: Node) -> Option<Edit> {
        match n.kind() {
            "if_statement" => {
                let b = cx.bool_of(field(n, "condition")?)?;
                if b {
                    return Some(cx.unwrap(n, field(n, "consequence")?));
                }
                match fields(n, "alternative").first() {
                    Some(e) if e.kind() == "elif_clause" => Some(Edit::one(Rep::plain(
                        n.start_byte()..e.start_byte() + "elif".len(),
                        "if",
                    ))),
                    Some(e) => Some(cx.unwrap(n, field(*e, "body")?)),
                    None => Some(cx.delete_stmt(n)),
                }
            }
            // `assert True` (a test pinned to the value read it): nothing left to assert.
            "assert_statement" if n.named_child_count() == 1 => {
                cx.bool_of(n.named_child(0)?)?.then(|| cx.delete_stmt(n))
            }
            "elif_clause" => {
                let cond = field(n, "condition")?;
                let b = cx.bool_of(cond)?;
                let parent = n.parent()?;
                if b {
                    let mut reps = vec![Rep::plain(n.start_byte()..cond.end_byte(), "else")];
                    if parent.end_byte() > n.end_byte() {
                        reps.push(Rep::delete(n.end_byte()..parent.end_byte()));
                    }
                    return Some(Edit {
                        reps,
                        region: false,
                    });
                }
                match n.next_named_sibling() {
                    Some(next) => Some(Edit::one(Rep::delete(n.start_byte()..next.start_byte()))),
                    None => Some(Edit::one(Rep::delete(super::edit::statement_range(
                        &cx.doc.text,
                        n.byte_range(),
                    )))),
                }
            }
            _ => None,
        }
    }

    fn binding<'t>(&self, n: Node<'t>) -> Option<Binding<'t>> {
        if n.kind() != "expression_statement" || n.named_child_count() != 1 {
            return None;
        }
        let a = n.named_child(0)?;
        if a.kind() != "assignment" {
            return None;
        }
        let left = field(a, "left")?;
        if left.kind() != "identifier" {
            return None;
        }
        Some(Binding {
            stmt: n,
            names: vec![left],
            values: vec![field(a, "right")?],
            short: false,
        })
    }

    fn imports<'t>(&self, root: Node<'t>, text: &str) -> Vec<Import<'t>> {
        let mut out = Vec::new();
        let mut c = root.walk();
        for stmt in root.named_children(&mut c) {
            let from = match stmt.kind() {
                "import_from_statement" => true,
                "import_statement" => false,
                _ => continue,
            };
            if from
                && field(stmt, "module_name").is_some_and(|m| &text[m.byte_range()] == "__future__")
            {
                continue;
            }
            let names = fields(stmt, "name");
            let n = names.len();
            for name in names {
                let bound = match name.kind() {
                    "aliased_import" => {
                        field(name, "alias").map(|a| text[a.byte_range()].to_string())
                    }
                    "dotted_name" => {
                        let t = &text[name.byte_range()];
                        if from {
                            (!t.contains('.')).then(|| t.to_string())
                        } else {
                            t.split('.').next().map(str::to_string)
                        }
                    }
                    _ => None,
                };
                if let Some(b) = bound {
                    out.push(Import {
                        name: b,
                        part: Some(name),
                        stmt,
                        siblings: n,
                    });
                }
            }
        }
        out
    }

    fn private_function<'t>(&self, n: Node<'t>, text: &str) -> Option<FnDef<'t>> {
        if n.kind() != "function_definition" || n.parent()?.kind() != "module" {
            return None;
        }
        let name = &text[field(n, "name")?.byte_range()];
        if !name.starts_with('_') || name.starts_with("__") {
            return None;
        }
        let body = field(n, "body")?;
        let mut c = body.walk();
        Some(FnDef {
            node: n,
            name: name.to_string(),
            body: body.named_children(&mut c).collect(),
        })
    }

    fn constant<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        if n.parent()?.kind() != "module" {
            return None;
        }
        let b = self.binding(n)?;
        let name = &text[b.names[0].byte_range()];
        let private = name.starts_with('_') && !name.starts_with("__");
        let literal = b.values[0].kind() == "string" || b.values[0].kind() == "integer";
        (private && literal).then(|| (name.to_string(), n))
    }

    fn plain_call<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Vec<Node<'t>>)> {
        if n.kind() != "call" {
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
