//! Go: `if`/`else if`/`else` (no initializer), `!`, `&&`/`||`, `err != nil` once `err` is
//! known nil; bindings `v := value` and `v, err := value, nil`; imports; unexported helpers.

use tree_sitter::Node;

use super::edit::{Edit, Rep};
use super::simplify::{block_items, field, field_of, Adapter, Binding, Cx, FnDef, Import, Syntax};

pub struct Go;

static SYNTAX: Syntax = Syntax {
    true_lit: "true",
    false_lit: "false",
    nil_lit: Some("nil"),
    paren: &["parenthesized_expression"],
    unary: &["unary_expression"],
    binary: &["binary_expression"],
    ternary: &[],
    string: &["interpreted_string_literal", "raw_string_literal"],
    calls: &["call_expression"],
    functions: &["function_declaration", "method_declaration", "func_literal"],
    returns: &["return_statement"],
    imports: &["import_declaration"],
    awaits: &[],
    names: &["identifier", "package_identifier", "type_identifier"],
    empty_block: None,
    unused_local_is_error: true,
};

/// `if ... {} else if <n> {}`: `n` is its parent's alternative.
fn is_else_if(n: Node) -> bool {
    n.parent().is_some_and(|p| p.kind() == "if_statement") && field_of(n) == Some("alternative")
}

/// The if-statement rule of the brace languages (Go, Java): `else_if` says whether `n` sits
/// in an `else` (its text then replaces it whole), `parent_cons_end` where the parent's
/// consequence ends (an `else if false {}` without `else` is cut from there).
pub fn brace_if(
    cx: &Cx,
    n: Node,
    cond: Node,
    cons: Node,
    alt: Option<Node>,
    else_if: Option<usize>,
    block: &str,
) -> Option<Edit> {
    let b = cx.bool_of(cond)?;
    let whole = |by: Node| Edit::region(Rep::plain(n.byte_range(), cx.text(by)));
    if b {
        return Some(if else_if.is_some() || cons.kind() != block {
            whole(cons)
        } else {
            cx.unwrap(n, cons)
        });
    }
    match (alt, else_if) {
        (Some(a), Some(_)) => Some(whole(a)),
        (Some(a), None) if a.kind() == block => Some(cx.unwrap(n, a)),
        (Some(a), None) => Some(whole(a)),
        (None, Some(from)) => Some(Edit::one(Rep::delete(from..n.end_byte()))),
        (None, None) => Some(cx.delete_stmt(n)),
    }
}

impl Adapter for Go {
    fn syntax(&self) -> &'static Syntax {
        &SYNTAX
    }

    fn conditional(&self, cx: &Cx, n: Node) -> Option<Edit> {
        if n.kind() != "if_statement" || field(n, "initializer").is_some() {
            return None;
        }
        let else_if = is_else_if(n)
            .then(|| {
                n.parent()
                    .and_then(|p| field(p, "consequence"))
                    .map(|c| c.end_byte())
            })
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
        if n.kind() != "short_var_declaration" {
            return None;
        }
        let list = |f: &str| -> Option<Vec<Node<'t>>> {
            let l = field(n, f)?;
            let mut c = l.walk();
            Some(
                l.named_children(&mut c)
                    .filter(|x| x.kind() != "comment")
                    .collect(),
            )
        };
        let names = list("left")?;
        if names.iter().any(|x| x.kind() != "identifier") {
            return None;
        }
        Some(Binding {
            stmt: n,
            names,
            values: list("right")?,
            short: true,
        })
    }

    fn imports<'t>(&self, root: Node<'t>, text: &str) -> Vec<Import<'t>> {
        let mut out = Vec::new();
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            if decl.kind() != "import_declaration" {
                continue;
            }
            let mut specs = Vec::new();
            let mut c2 = decl.walk();
            for ch in decl.named_children(&mut c2) {
                match ch.kind() {
                    "import_spec" => specs.push(ch),
                    "import_spec_list" => {
                        let mut c3 = ch.walk();
                        specs.extend(
                            ch.named_children(&mut c3)
                                .filter(|s| s.kind() == "import_spec"),
                        );
                    }
                    _ => {}
                }
            }
            let n = specs.len();
            for spec in specs {
                let name = match field(spec, "name") {
                    Some(a) => text[a.byte_range()].to_string(),
                    None => {
                        let Some(p) = field(spec, "path") else {
                            continue;
                        };
                        let path = text[p.byte_range()].trim_matches(['"', '`']);
                        let mut segs = path.rsplit('/');
                        let last = segs.next().unwrap_or("");
                        let is_version = last.len() > 1
                            && last.starts_with('v')
                            && last[1..].bytes().all(|b| b.is_ascii_digit());
                        let seg = if is_version {
                            segs.next().unwrap_or("")
                        } else {
                            last
                        };
                        seg.to_string()
                    }
                };
                if name == "_" || name == "." {
                    continue;
                }
                out.push(Import {
                    name,
                    part: Some(spec),
                    stmt: decl,
                    siblings: n,
                });
            }
        }
        // One spec a line in a group: its line goes.
        out.into_iter()
            .map(|mut i| {
                if i.siblings > 1 {
                    i.stmt = i.part.unwrap_or(i.stmt);
                    i.siblings = 1;
                }
                i
            })
            .collect()
    }

    fn private_function<'t>(&self, n: Node<'t>, text: &str) -> Option<FnDef<'t>> {
        if n.kind() != "function_declaration" {
            return None;
        }
        let name = &text[field(n, "name")?.byte_range()];
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) || name == "main" || name == "init" {
            return None;
        }
        Some(FnDef {
            node: n,
            name: name.to_string(),
            body: block_items(field(n, "body")?),
        })
    }

    fn constant<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        if n.kind() != "const_spec" {
            return None;
        }
        let mut c = n.walk();
        let names: Vec<Node> = n.children_by_field_name("name", &mut c).collect();
        let [name] = names.as_slice() else {
            return None;
        };
        let name = &text[name.byte_range()];
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            return None;
        }
        // `const x = "..."` alone goes with its `const`.
        let decl = n.parent()?;
        let mut c2 = decl.walk();
        let alone = decl
            .named_children(&mut c2)
            .filter(|s| s.kind() == "const_spec")
            .count()
            == 1;
        Some((name.to_string(), if alone { decl } else { n }))
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
