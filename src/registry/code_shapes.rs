//! Registries that are one named type, enum or object in a source file (config `registries:`
//! with `format: typescript | java | python` and `name:`): a TypeScript string-literal union,
//! interface, enum or const object; a Java enum; a Python `Enum` class. Read with the same
//! tree-sitter grammars as the scanner.

use tree_sitter::{Node, Parser};

use super::fields::Pos;
use super::shapes::Format;
use super::{Declaration, Registry, RegistryError, RegistryErrorKind, SourceKind};

/// The flags of the type, enum or object `name` in `text`.
pub fn parse(rel: &str, text: &str, format: Format, name: &str) -> Result<Registry, RegistryError> {
    let lang: tree_sitter::Language = match format {
        Format::Typescript if rel.ends_with(".tsx") => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Format::Typescript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Format::Java => tree_sitter_java::LANGUAGE.into(),
        Format::Python => tree_sitter_python::LANGUAGE.into(),
        _ => unreachable!("only code formats come here"),
    };
    let mut parser = Parser::new();
    let tree = parser
        .set_language(&lang)
        .ok()
        .and_then(|_| parser.parse(text, None))
        .ok_or_else(|| RegistryError::new(RegistryErrorKind::Syntax, rel, 1, 1, "cannot parse"))?;
    let cx = Cx { text, rel };
    let mut found: Option<Vec<(String, Node)>> = None;
    let mut cursor = tree.root_node().walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if found.is_none() {
            found = match format {
                Format::Typescript => cx.typescript(node, name),
                Format::Java => cx.java(node, name),
                Format::Python => cx.python(node, name),
                _ => None,
            };
        }
        if found.is_some() {
            break;
        }
        stack.extend(
            node.named_children(&mut cursor)
                .collect::<Vec<_>>()
                .into_iter()
                .rev(),
        );
    }
    let Some(items) = found else {
        return Err(RegistryError::new(
            RegistryErrorKind::Shape,
            rel,
            1,
            1,
            format!("no type, enum or object named `{name}` to read flags from"),
        ));
    };
    let mut reg = Registry::default();
    for (key, node) in items {
        let at = cx.pos(node);
        reg.declarations.push(Declaration::new(
            key,
            SourceKind::CodeType,
            rel,
            at.line,
            at.column,
        ));
    }
    Ok(reg)
}

struct Cx<'a> {
    text: &'a str,
    #[allow(dead_code)]
    rel: &'a str,
}

impl<'a> Cx<'a> {
    fn t(&self, n: Node) -> &'a str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn pos(&self, n: Node) -> Pos {
        let p = n.start_position();
        let line_start = n.start_byte() - p.column;
        Pos {
            line: p.row + 1,
            column: self.text[line_start..n.start_byte()].chars().count() + 1,
        }
    }

    fn named(&self, n: Node, name: &str) -> bool {
        n.child_by_field_name("name")
            .is_some_and(|id| self.t(id) == name)
    }

    /// The content of a plain string literal (no interpolation), else None.
    fn string(&self, n: Node) -> Option<String> {
        if !matches!(n.kind(), "string" | "string_literal") {
            return None;
        }
        let t = self.t(n);
        if t.contains("${") || t.starts_with(['f', 'F', 'b', 'B']) {
            return None;
        }
        let inner = t
            .trim_start_matches(['r', 'u', 'R', 'U'])
            .trim_matches(|c| c == '"' || c == '\'' || c == '`');
        Some(inner.to_string())
    }

    fn typescript(&self, n: Node<'a>, name: &str) -> Option<Vec<(String, Node<'a>)>> {
        let mut c = n.walk();
        match n.kind() {
            "type_alias_declaration" if self.named(n, name) => {
                let mut out = Vec::new();
                let mut stack = vec![n.child_by_field_name("value")?];
                while let Some(x) = stack.pop() {
                    if x.kind() == "literal_type" {
                        if let Some(s) = x.named_child(0).and_then(|s| self.string(s)) {
                            out.push((s, x));
                        }
                        continue;
                    }
                    stack.extend(
                        x.named_children(&mut c)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev(),
                    );
                }
                Some(out)
            }
            "interface_declaration" if self.named(n, name) => {
                let body = n.child_by_field_name("body")?;
                Some(
                    body.named_children(&mut c)
                        .filter(|m| matches!(m.kind(), "property_signature" | "method_signature"))
                        .filter_map(|m| {
                            let k = m.child_by_field_name("name")?;
                            Some((self.string(k).unwrap_or_else(|| self.t(k).to_string()), k))
                        })
                        .collect(),
                )
            }
            "enum_declaration" if self.named(n, name) => {
                let body = n.child_by_field_name("body")?;
                Some(
                    body.named_children(&mut c)
                        .filter_map(|m| match m.kind() {
                            "enum_assignment" => {
                                let k = m.child_by_field_name("name")?;
                                let v = m.child_by_field_name("value");
                                let key = v
                                    .and_then(|v| self.string(v))
                                    .unwrap_or_else(|| self.t(k).to_string());
                                Some((key, k))
                            }
                            "property_identifier" => Some((self.t(m).to_string(), m)),
                            _ => None,
                        })
                        .collect(),
                )
            }
            "variable_declarator" if self.named(n, name) => {
                let mut v = n.child_by_field_name("value")?;
                while matches!(v.kind(), "as_expression" | "satisfies_expression") {
                    v = v.named_child(0)?;
                }
                if v.kind() != "object" {
                    return None;
                }
                Some(
                    v.named_children(&mut c)
                        .filter(|p| p.kind() == "pair")
                        .filter_map(|p| {
                            let k = p.child_by_field_name("key")?;
                            Some((self.string(k).unwrap_or_else(|| self.t(k).to_string()), k))
                        })
                        .collect(),
                )
            }
            _ => None,
        }
    }

    fn java(&self, n: Node<'a>, name: &str) -> Option<Vec<(String, Node<'a>)>> {
        if n.kind() != "enum_declaration" || !self.named(n, name) {
            return None;
        }
        let body = n.child_by_field_name("body")?;
        let mut c = body.walk();
        Some(
            body.named_children(&mut c)
                .filter(|m| m.kind() == "enum_constant")
                .filter_map(|m| {
                    let k = m.child_by_field_name("name")?;
                    let arg = m.child_by_field_name("arguments").and_then(|a| {
                        let mut c2 = a.walk();
                        let first = a.named_children(&mut c2).next();
                        first.and_then(|f| self.string(f))
                    });
                    Some((arg.unwrap_or_else(|| self.t(k).to_string()), k))
                })
                .collect(),
        )
    }

    fn python(&self, n: Node<'a>, name: &str) -> Option<Vec<(String, Node<'a>)>> {
        if n.kind() != "class_definition" || !self.named(n, name) {
            return None;
        }
        let body = n.child_by_field_name("body")?;
        let mut c = body.walk();
        let mut out = Vec::new();
        for st in body.named_children(&mut c) {
            let Some(a) = (st.kind() == "expression_statement")
                .then(|| st.named_child(0))
                .flatten()
                .filter(|a| a.kind() == "assignment")
            else {
                continue;
            };
            let Some(left) = a
                .child_by_field_name("left")
                .filter(|l| l.kind() == "identifier")
            else {
                continue;
            };
            let member = self.t(left);
            if member.starts_with('_') {
                continue;
            }
            let value = a.child_by_field_name("right").and_then(|r| self.string(r));
            out.push((value.unwrap_or_else(|| member.to_string()), left));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(rel: &str, text: &str, format: Format, name: &str) -> Vec<(String, usize)> {
        parse(rel, text, format, name)
            .unwrap()
            .declarations
            .into_iter()
            .map(|d| (d.key, d.line))
            .collect()
    }

    #[test]
    fn typescript_shapes() {
        let text = "export type FlagKey =\n  | \"new-checkout\"\n  | 'dark-mode';\ninterface Flags {\n  searchV2: boolean;\n  'beta-ui'?: boolean;\n}\nenum F { A = \"a-flag\", B }\nexport const FLAGS = { promo: false, \"x-y\": true } as const;\n";
        assert_eq!(
            keys("f.ts", text, Format::Typescript, "FlagKey"),
            [("new-checkout".into(), 2), ("dark-mode".into(), 3)]
        );
        assert_eq!(
            keys("f.ts", text, Format::Typescript, "Flags"),
            [("searchV2".into(), 5), ("beta-ui".into(), 6)]
        );
        assert_eq!(
            keys("f.ts", text, Format::Typescript, "F"),
            [("a-flag".into(), 8), ("B".into(), 8)]
        );
        assert_eq!(
            keys("f.ts", text, Format::Typescript, "FLAGS"),
            [("promo".into(), 9), ("x-y".into(), 9)]
        );
        assert!(parse("f.ts", text, Format::Typescript, "Nope").is_err());
    }

    #[test]
    fn java_and_python_enums() {
        let java = "package a;\npublic enum Flag {\n  NEW_CHECKOUT(\"new_checkout\", true),\n  DARK_MODE;\n  private final String key;\n}\n";
        assert_eq!(
            keys("Flag.java", java, Format::Java, "Flag"),
            [("new_checkout".into(), 3), ("DARK_MODE".into(), 4)]
        );
        let py = "from enum import Enum\n\nclass Flag(str, Enum):\n    NEW_CHECKOUT = \"new_checkout\"\n    DARK = auto()\n    _ignore_ = []\n";
        assert_eq!(
            keys("flags.py", py, Format::Python, "Flag"),
            [("new_checkout".into(), 4), ("DARK".into(), 5)]
        );
    }
}
