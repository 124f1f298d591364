//! Ruby: `if`/`elsif`/`else`, `unless`, `x if c` / `x unless c`, `c ? a : b`, `!`/`not`,
//! `&&`/`||`/`and`/`or`; local bindings `x = value` in a method or block. Ruby has no imports
//! to prune, and methods can be called from anywhere, so helpers stay.

use tree_sitter::Node;

use super::edit::{statement_range, Edit, Rep};
use super::simplify::{field, Adapter, Binding, Cx, FnDef, Import, Syntax};

pub struct Ruby;

static SYNTAX: Syntax = Syntax {
    true_lit: "true",
    false_lit: "false",
    nil_lit: None,
    paren: &["parenthesized_statements"],
    unary: &["unary"],
    binary: &["binary"],
    ternary: &["conditional"],
    string: &["string"],
    calls: &["call"],
    functions: &["method", "singleton_method", "block", "do_block", "lambda"],
    returns: &["return"],
    imports: &[],
    awaits: &[],
    names: &["identifier"],
    empty_block: None,
    unused_local_is_error: false,
};

impl Adapter for Ruby {
    fn syntax(&self) -> &'static Syntax {
        &SYNTAX
    }

    fn conditional(&self, cx: &Cx, n: Node) -> Option<Edit> {
        let k = n.kind();
        match k {
            "if" | "unless" => {
                let b = cx.bool_of(field(n, "condition")?)?;
                if b == (k == "if") {
                    return Some(match field(n, "consequence") {
                        Some(t) => cx.unwrap(n, t),
                        None => cx.delete_stmt(n),
                    });
                }
                Some(match field(n, "alternative") {
                    Some(a) if a.kind() == "else" => cx.unwrap(n, a),
                    Some(a) => Edit::one(Rep::plain(
                        n.start_byte()..a.start_byte() + "elsif".len(),
                        "if",
                    )),
                    None => cx.delete_stmt(n),
                })
            }
            "elsif" => {
                let cond = field(n, "condition")?;
                let b = cx.bool_of(cond)?;
                let alt = field(n, "alternative");
                if b {
                    let mut reps = vec![Rep::plain(n.start_byte()..cond.end_byte(), "else")];
                    if let Some(a) = alt {
                        reps.push(Rep::delete(statement_range(&cx.doc.text, a.byte_range())));
                    }
                    return Some(Edit {
                        reps,
                        region: false,
                    });
                }
                Some(match alt {
                    Some(a) if a.kind() == "else" => {
                        Edit::one(Rep::plain(n.byte_range(), cx.text(a)))
                    }
                    Some(a) => Edit::one(Rep::delete(n.start_byte()..a.start_byte())),
                    None => Edit::one(Rep::delete(statement_range(&cx.doc.text, n.byte_range()))),
                })
            }
            "if_modifier" | "unless_modifier" => {
                let b = cx.bool_of(field(n, "condition")?)?;
                if b == (k == "if_modifier") {
                    Some(Edit::region(Rep::plain(
                        n.byte_range(),
                        cx.text(field(n, "body")?),
                    )))
                } else {
                    Some(cx.delete_stmt(n))
                }
            }
            _ => None,
        }
    }

    fn binding<'t>(&self, n: Node<'t>) -> Option<Binding<'t>> {
        if n.kind() != "assignment" {
            return None;
        }
        let left = field(n, "left")?;
        if left.kind() != "identifier" {
            return None;
        }
        Some(Binding {
            stmt: n,
            names: vec![left],
            values: vec![field(n, "right")?],
            short: false,
        })
    }

    fn imports<'t>(&self, _root: Node<'t>, _text: &str) -> Vec<Import<'t>> {
        Vec::new()
    }

    fn private_function<'t>(&self, _n: Node<'t>, _text: &str) -> Option<FnDef<'t>> {
        None
    }

    fn plain_call<'t>(&self, _n: Node<'t>, _text: &str) -> Option<(String, Vec<Node<'t>>)> {
        None
    }
}
