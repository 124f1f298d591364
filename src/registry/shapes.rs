//! Registries in the shapes teams already keep, each named in the config in a line or three:
//!
//! | format | what | key |
//! |---|---|---|
//! | `key-value` | properties, INI, dotenv: `new_checkout=on`, `key: value`; `[section]` headers | the name (only in section `under:` when given) |
//! | `map` | a JSON or YAML map of key to a value or an object of fields, at `under:` (a dotted path), or a list of objects there | the map's keys; each list item's `id`, `name` or `key` |
//! | `flagsmith-environment` | Flagsmith's environment document (`/environment-document/`, offline mode) | each `feature_states[].feature.name` |
//! | `typescript` | `type N = "a" \| "b"`, `interface N { a: boolean }`, `enum N { A = "a" }`, `const N = { a: ... }` named `name:` | the string literals, member names, enum values |
//! | `java` | `enum N { A("a"), B }` named `name:` | the first string argument, else the constant's name |
//! | `python` | `class N(Enum): A = "a"` named `name:` | the string value, else the member's name |
//!
//! A scalar value is the flag's default; an object's fields are read like a `feature_flags.yaml`
//! entry's (`owner`, `description`, `default`, `type`, `remove_by`, ...; `enabled` / `value` /
//! `defaultValue` give the default when `default` is absent).

use serde::Deserialize;
use serde_json::Value;

use super::fields::{Builder, Pos};
use super::yaml::{self, Node};
use super::{json, Declaration, Registry, RegistryError, RegistryErrorKind, SourceKind};

/// A registry shape named in the config (`format:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    KeyValue,
    Map,
    FlagsmithEnvironment,
    Typescript,
    Java,
    Python,
}

fn shape(rel: &str, pos: Pos, message: impl Into<String>) -> RegistryError {
    RegistryError::new(RegistryErrorKind::Shape, rel, pos.line, pos.column, message)
}

/// Parse `text` as `format`. `under` is the section (key-value) or dotted path (map) holding
/// the flags; `name` the type, enum or object (code shapes).
pub fn parse(
    rel: &str,
    text: &str,
    format: Format,
    under: Option<&str>,
    name: Option<&str>,
) -> Result<Registry, RegistryError> {
    let mut reg = match format {
        Format::KeyValue => key_value(rel, text, under),
        Format::Map => map(rel, text, under)?,
        Format::FlagsmithEnvironment => flagsmith_environment(rel, text)?,
        Format::Typescript | Format::Java | Format::Python => {
            let Some(name) = name else {
                return Err(shape(
                    rel,
                    Pos { line: 1, column: 1 },
                    "a code registry needs `name:` (the type, enum or object that lists the flags)",
                ));
            };
            super::code_shapes::parse(rel, text, format, name)?
        }
    };
    reg.sort();
    Ok(reg)
}

/// A value written in a key/value file: on/off words are booleans, numbers are numbers.
fn scalar(text: &str) -> Value {
    let t = text.trim().trim_matches(|c| c == '"' || c == '\'');
    match t.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "enabled" => Value::Bool(true),
        "off" | "false" | "no" | "disabled" => Value::Bool(false),
        _ => t
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(t.to_string())),
    }
}

fn key_value(rel: &str, text: &str, under: Option<&str>) -> Registry {
    let mut reg = Registry::default();
    let mut section: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with(';')
            || line.starts_with('!')
        {
            continue;
        }
        if line.starts_with('[') {
            section = Some(line.trim_end().trim_matches(['[', ']']).trim().to_string());
            continue;
        }
        if under.is_some_and(|u| section.as_deref() != Some(u)) {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some(at) = line.find(['=', ':']) else {
            continue;
        };
        let key = line[..at].trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        let column = raw.chars().count() - raw.trim_start().chars().count() + 1;
        let mut d = Declaration::new(key, SourceKind::KeyValue, rel, i + 1, column);
        let value = line[at + 1..].split(" #").next().unwrap_or("");
        if !value.trim().is_empty() {
            d.default = Some(scalar(value));
            d.field_lines.insert("default".into(), i + 1);
        }
        reg.declarations.push(d);
    }
    reg
}

/// One entry of a map registry: its key, where the key is, and its value (with the position of
/// each field of an object value).
struct Entry {
    key: String,
    at: Pos,
    value: Value,
    field_pos: Vec<(String, Pos)>,
}

fn map(rel: &str, text: &str, under: Option<&str>) -> Result<Registry, RegistryError> {
    let path: Vec<&str> = under
        .map(|u| u.split('.').filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let entries = if rel.to_ascii_lowercase().ends_with(".json") {
        json_entries(rel, text, &path)?
    } else {
        yaml_entries(rel, text, &path)?
    };
    let mut reg = Registry::default();
    for e in entries {
        let decl = Declaration::new(&e.key, SourceKind::Map, rel, e.at.line, e.at.column);
        let mut b = Builder::new(decl, &mut reg.problems);
        match &e.value {
            Value::Object(fields) => {
                for (name, v) in fields {
                    let p = e
                        .field_pos
                        .iter()
                        .find(|(n, _)| n == name)
                        .map_or(e.at, |(_, p)| *p);
                    b.field(name, v, p);
                }
                if b.decl.default.is_none() {
                    if let Some(v) = ["enabled", "value", "defaultValue", "default_value"]
                        .iter()
                        .find_map(|k| fields.get(*k))
                    {
                        b.decl.default = Some(v.clone());
                    }
                }
            }
            Value::Null => {}
            other => {
                b.decl.default = Some(other.clone());
                b.decl.field_lines.insert("default".into(), e.at.line);
            }
        }
        reg.declarations.push(b.finish());
    }
    Ok(reg)
}

/// The field naming a flag in a list of flag objects, and its value: `id` (Microsoft's
/// `feature_management.feature_flags`), else `name`, else `key`.
fn list_key(item: &Value) -> Option<(&'static str, String)> {
    ["id", "name", "key"].into_iter().find_map(|f| {
        let k = item.get(f)?.as_str()?;
        (!k.is_empty()).then(|| (f, k.to_string()))
    })
}

/// `item` without its naming field (the rest are the flag's fields).
fn without(item: &Value, field: &str) -> Value {
    let mut v = item.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove(field);
    }
    v
}

fn json_entries(rel: &str, text: &str, path: &[&str]) -> Result<Vec<Entry>, RegistryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = json::parse_value(rel, text)?;
    let index = json::KeyIndex::build(rel, text)?;
    let mut node = &doc;
    for seg in path {
        node = node.get(*seg).ok_or_else(|| {
            shape(
                rel,
                Pos { line: 1, column: 1 },
                format!("no `{}` object to read flags from", path.join(".")),
            )
        })?;
    }
    if let Value::Array(items) = node {
        // A list of flag objects, each naming itself (`feature_flags: [{ id: "beta", ... }]`).
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let i = i.to_string();
            let mut p: Vec<&str> = path.to_vec();
            p.push(&i);
            let Some((name_field, key)) = list_key(item) else {
                return Err(shape(
                    rel,
                    index.value_pos(&p),
                    format!(
                        "expected an object with an `id`, `name` or `key` in the list at `{}`",
                        path.join(".")
                    ),
                ));
            };
            let field_pos = item
                .as_object()
                .into_iter()
                .flat_map(|f| f.keys())
                .map(|f| {
                    let mut q = p.clone();
                    q.push(f);
                    (f.clone(), index.key_pos(&q))
                })
                .collect();
            let mut q = p.clone();
            q.push(name_field);
            out.push(Entry {
                key,
                at: index.key_pos(&q),
                value: without(item, name_field),
                field_pos,
            });
        }
        return Ok(out);
    }
    let Value::Object(map) = node else {
        return Err(shape(
            rel,
            index.value_pos(path),
            format!(
                "expected an object of flag keys at `{}`",
                if path.is_empty() {
                    "the top level".to_string()
                } else {
                    path.join(".")
                }
            ),
        ));
    };
    Ok(map
        .iter()
        .map(|(k, v)| {
            let mut p: Vec<&str> = path.to_vec();
            p.push(k);
            let field_pos = match v {
                Value::Object(f) => f
                    .keys()
                    .map(|f| {
                        let mut q = p.clone();
                        q.push(f);
                        (f.clone(), index.key_pos(&q))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Entry {
                key: k.clone(),
                at: index.key_pos(&p),
                value: v.clone(),
                field_pos,
            }
        })
        .collect())
}

fn yaml_entries(rel: &str, text: &str, path: &[&str]) -> Result<Vec<Entry>, RegistryError> {
    let tree = yaml::parse_tree(rel, text)?;
    let mut node = &tree;
    for seg in path {
        let Node::Map(entries) = &node.value else {
            return Err(shape(
                rel,
                yaml::pos(&node.referenced),
                format!("no `{}` map to read flags from", path.join(".")),
            ));
        };
        node = entries
            .iter()
            .find(|(k, _)| k.value == *seg)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                shape(
                    rel,
                    Pos { line: 1, column: 1 },
                    format!("no `{}` map to read flags from", path.join(".")),
                )
            })?;
    }
    let entries = match &node.value {
        Node::Map(entries) => entries,
        Node::Null => return Ok(Vec::new()),
        Node::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                let value = yaml::to_json(rel, &item.value)?;
                let (Some((name_field, key)), Node::Map(fields)) = (list_key(&value), &item.value)
                else {
                    return Err(shape(
                        rel,
                        yaml::pos(&item.referenced),
                        format!(
                            "expected a map with an `id`, `name` or `key` in the list at `{}`",
                            path.join(".")
                        ),
                    ));
                };
                let at = fields
                    .iter()
                    .find(|(f, _)| f.value == name_field)
                    .map_or_else(
                        || yaml::pos(&item.referenced),
                        |(f, _)| yaml::pos(&f.referenced),
                    );
                out.push(Entry {
                    key,
                    at,
                    value: without(&value, name_field),
                    field_pos: fields
                        .iter()
                        .map(|(f, _)| (f.value.clone(), yaml::pos(&f.referenced)))
                        .collect(),
                });
            }
            return Ok(out);
        }
        other => {
            return Err(shape(
                rel,
                yaml::pos(&node.referenced),
                format!("expected a map of flag keys, found {}", other.kind_name()),
            ))
        }
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let field_pos = match &v.value {
            Node::Map(fields) => fields
                .iter()
                .map(|(f, _)| (f.value.clone(), yaml::pos(&f.referenced)))
                .collect(),
            _ => Vec::new(),
        };
        out.push(Entry {
            key: k.value.clone(),
            at: yaml::pos(&k.referenced),
            value: yaml::to_json(rel, &v.value)?,
            field_pos,
        });
    }
    Ok(out)
}

/// Flagsmith's environment document: `feature_states: [{feature: {name, type}, enabled,
/// feature_state_value}]`. The environment's state is the flag's default here.
fn flagsmith_environment(rel: &str, text: &str) -> Result<Registry, RegistryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = json::parse_value(rel, text)?;
    let index = json::KeyIndex::build(rel, text)?;
    let Some(states) = doc.get("feature_states").and_then(Value::as_array) else {
        return Err(shape(
            rel,
            Pos { line: 1, column: 1 },
            "not a Flagsmith environment document (expected a `feature_states` list)",
        ));
    };
    let mut reg = Registry::default();
    for (i, st) in states.iter().enumerate() {
        let Some(name) = st
            .get("feature")
            .and_then(|f| f.get("name"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let idx = i.to_string();
        let at = index.value_pos(&["feature_states", &idx, "feature", "name"]);
        let mut d = Declaration::new(
            name,
            SourceKind::FlagsmithEnvironment,
            rel,
            at.line,
            at.column,
        );
        let value = st.get("feature_state_value").filter(|v| !v.is_null());
        d.default = value.or_else(|| st.get("enabled")).cloned();
        if let Some(Value::String(t)) = st.get("feature").and_then(|f| f.get("type")) {
            d.extra
                .insert("flagsmith_type".into(), Value::String(t.clone()));
        }
        reg.declarations.push(d);
    }
    Ok(reg)
}

/// Whether JSON text is a Flagsmith environment document (`api_key` and `feature_states`).
pub fn is_flagsmith_environment(doc: &Value) -> bool {
    doc.get("feature_states").is_some_and(Value::is_array) && doc.get("api_key").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_ini() {
        let text =
            "# flags\nnew_checkout=on\nbeta.search = off\n[features]\ndark_mode: true\nlimit=3\n";
        let reg = parse("f.properties", text, Format::KeyValue, None, None).unwrap();
        let got: Vec<(String, usize, Option<Value>)> = reg
            .declarations
            .iter()
            .map(|d| (d.key.clone(), d.line, d.default.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("new_checkout".into(), 2, Some(Value::Bool(true))),
                ("beta.search".into(), 3, Some(Value::Bool(false))),
                ("dark_mode".into(), 5, Some(Value::Bool(true))),
                ("limit".into(), 6, Some(Value::from(3))),
            ]
        );
        let only = parse("f.ini", text, Format::KeyValue, Some("features"), None).unwrap();
        assert_eq!(only.declarations.len(), 2);
    }
}
