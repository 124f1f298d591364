//! Flag-key constants left unused: a read through a constant (`flagkeys.SearchV2`,
//! `FLAGS.DARK_MODE`, `FlagKeys.PRIORITY_FULFILLMENT`) names it; once no file of the tree
//! mentions that name any more but its definition (`SearchV2 = "search_v2"`), the definition
//! goes: a Go const spec, a Python or Ruby assignment, a JS/TS declaration, object property or
//! enum member, a Java field or enum constant. Each such file is parsed again.

use std::collections::BTreeSet;
use std::path::Path;

use tree_sitter::Node;

use super::edit::{count_word, Doc, Edit, Rep};
use super::simplify::{self, Cx};
use super::{adapter, Change, Left, Outcome};
use crate::lang::Language;
use crate::scan::{Reference, Via};

/// The constant's name in a key expression (`a.b.NAME`, `Mod::NAME`).
fn name_of(expr: &str) -> Option<&str> {
    let last = expr.rsplit(['.', ':']).next()?.trim();
    let ok = !last.is_empty() && last.chars().all(|c| c.is_alphanumeric() || c == '_');
    ok.then_some(last)
}

/// Leaves spelled `name`, outside comments and strings.
fn code_mentions(n: Node, text: &str, name: &str) -> usize {
    if n.kind().contains("comment") || n.kind().contains("string") {
        return 0;
    }
    if n.child_count() == 0 {
        return usize::from(&text[n.byte_range()] == name);
    }
    let mut c = n.walk();
    let kids: Vec<Node> = n.children(&mut c).collect();
    kids.into_iter().map(|k| code_mentions(k, text, name)).sum()
}

fn unquote(s: &str) -> &str {
    s.trim_matches(['"', '\'', '`'])
}

/// The node of the definition of `name` as `key` in this tree, and the edit removing it.
fn definition_edit(cx: &Cx, root: Node, name: &str, key: &str) -> Option<Edit> {
    let text = cx.doc.text.as_str();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
        if n.child_count() != 0 || &text[n.byte_range()] != name {
            continue;
        }
        let p = n.parent()?;
        // `X = "key"`, `X("key")`, `X = NewFeatureFlag("key", ...)`.
        if !holds_key(cx, p, key, 4) {
            continue;
        }
        return Some(removal(cx, p));
    }
    None
}

/// Whether `n` holds a string literal of `key` within `depth` levels.
fn holds_key(cx: &Cx, n: Node, key: &str, depth: usize) -> bool {
    let mut c = n.walk();
    let kids: Vec<Node> = n.named_children(&mut c).collect();
    kids.iter().any(|k| {
        (cx.syn.string.contains(&k.kind()) && unquote(cx.text(*k)) == key)
            || (depth > 1 && holds_key(cx, *k, key, depth - 1))
    })
}

/// Remove a definition unit: a list item with its comma, or a statement.
fn removal(cx: &Cx, def: Node) -> Edit {
    match def.kind() {
        "pair"
        | "enum_assignment"
        | "enum_constant"
        | "property_signature"
        | "public_field_definition" => simplify::remove_list_item(cx, def),
        "const_spec" | "var_spec" => {
            let decl = def.parent();
            let alone = decl.is_some_and(|d| {
                let mut c = d.walk();
                let n = d
                    .named_children(&mut c)
                    .filter(|s| s.kind() == def.kind())
                    .count();
                n == 1
            });
            let unit = if alone { decl.unwrap_or(def) } else { def };
            Edit::one(Rep::delete(simplify::definition_range(&cx.doc.text, unit)))
        }
        _ => {
            // A declarator or assignment: its statement (and an `export` around it).
            let mut stmt = def;
            if let Some(p) = def.parent() {
                if matches!(
                    p.kind(),
                    "lexical_declaration"
                        | "variable_declaration"
                        | "field_declaration"
                        | "constant_declaration"
                        | "expression_statement"
                ) {
                    stmt = p;
                }
            }
            if let Some(p) = stmt.parent().filter(|p| p.kind() == "export_statement") {
                stmt = p;
            }
            Edit::one(Rep::delete(simplify::definition_range(&cx.doc.text, stmt)))
        }
    }
}

/// After the reads are rewritten: remove the key constants nothing names any more.
/// `files`: every file of the tree (relative paths).
pub fn remove_unused(root: &Path, files: &[String], refs: &[&Reference], out: &mut Outcome) {
    let names: BTreeSet<(&str, &str)> = refs
        .iter()
        .filter(|r| r.via == Via::Constant)
        .filter_map(|r| Some((name_of(r.expr.as_deref()?)?, r.flag.as_str())))
        .collect();
    if names.is_empty() {
        return;
    }
    let source: Vec<(&String, Language)> = files
        .iter()
        .filter_map(|f| Some((f, Language::from_path(Path::new(f))?)))
        .collect();
    let current = |out: &Outcome, f: &str| -> Option<String> {
        match out.changes.iter().find(|c| c.path == f) {
            Some(c) => Some(c.after.clone()),
            None => std::fs::read_to_string(root.join(f)).ok(),
        }
    };
    for (name, key) in names {
        let mut holders = Vec::new();
        for (f, lang) in &source {
            let Some(text) = current(out, f) else {
                continue;
            };
            if count_word(&text, name) > 0 {
                holders.push((f.to_string(), *lang, text));
            }
        }
        // One file names it (comments elsewhere count: they would dangle)...
        let [(path, lang, text)] = holders.as_slice() else {
            continue;
        };
        if !text.contains(key) {
            continue;
        }
        let Some(ad) = adapter(*lang) else { continue };
        let Some(tree) = simplify::parse(*lang, text) else {
            continue;
        };
        // ... and in its code, only the definition does.
        if code_mentions(tree.root_node(), text, name) != 1 {
            continue;
        }
        let mut doc = Doc::new(text.clone());
        let edit = {
            let cx = Cx {
                doc: &doc,
                syn: ad.syntax(),
            };
            definition_edit(&cx, tree.root_node(), name, key)
        };
        let Some(edit) = edit else { continue };
        if !doc.apply(edit) || !simplify::parses(*lang, &doc.text) {
            out.left.push(Left {
                path: path.clone(),
                line: 1,
                reason: format!(
                    "constant `{name}` is unused, but removing it would break the file"
                ),
            });
            continue;
        }
        match out.changes.iter_mut().find(|c| &c.path == path) {
            Some(c) => c.after = doc.text,
            None => out.changes.push(Change {
                path: path.clone(),
                before: text.clone(),
                after: doc.text,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_words() {
        assert_eq!(name_of("flagkeys.SearchV2"), Some("SearchV2"));
        assert_eq!(name_of("Flags::NEW"), Some("NEW"));
        assert_eq!(count_word("A AB _A A.b", "A"), 2);
    }
}
