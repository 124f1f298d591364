//! YAML sources: the flagdebt registry (`feature_flags.yaml`) and GitLab-style flag folders
//! (one file per flag under `config/feature_flags/`).
//!
//! YAML is parsed with serde-saphyr into a small tree whose every map key and value carries its
//! [`Spanned`] location, so declarations, fields and problems point at real lines. Hostile input
//! fails fast: the file size is capped before reading ([`super::MAX_FILE_BYTES`]) and the parser
//! runs with tight budgets on nesting depth, node count, scalar bytes and alias expansion (see
//! [`options`]). Duplicate keys are an error naming both lines: a flag declared twice in one
//! registry is a real mistake, and YAML itself forbids it.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::{
    Budget, DuplicateKeyPolicy, Error as YamlError, Location, MessageFormatter, Options, Spanned,
};

use super::fields::{Builder, Pos};
use super::{
    quoted, Declaration, FlagType, Registry, RegistryError, RegistryErrorKind, SourceKind,
};

/// Maximum nesting of YAML collections. A registry needs 2 levels (flag → field) plus whatever
/// a `default` value or an extra field nests; 32 is generous.
pub const MAX_DEPTH: usize = 32;
/// Maximum events replayed from aliases over a whole file. Ordinary `<<: *defaults` merges in
/// thousands of flags stay well under it; a billion-laughs document hits it within milliseconds.
pub const MAX_ALIAS_REPLAY_EVENTS: usize = 100_000;
/// Maximum events recorded inside anchored nodes (nested anchors multiply this).
pub const MAX_ANCHOR_EVENTS: usize = 10_000;

/// serde-saphyr options for registry files: budgets on, snippets off (messages stay one line),
/// duplicates passed through so the loader can name both lines.
pub fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_recorded_anchor_events = MAX_ANCHOR_EVENTS;
    budget.max_total_scalar_bytes = 2 * super::MAX_FILE_BYTES as usize;
    // The aliases-per-anchor ratio heuristic rejects a legitimate registry that merges one
    // `&defaults` anchor into every flag; the absolute replay cap below bounds the real cost.
    budget.enforce_alias_anchor_ratio = false;

    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_ALIAS_REPLAY_EVENTS;
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.with_snippet = false;
    options.emit_comments = false;
    options
}

/// A YAML value with the location of every nested key and value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// Also integers too big for 64 bits, kept as written.
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl Node {
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::UInt(_) | Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

pub(crate) fn pos(location: &Location) -> Pos {
    Pos {
        line: (location.line() as usize).max(1),
        column: (location.column() as usize).max(1),
    }
}

/// Parse one YAML document into a spanned tree, mapping every parser error to one line.
pub(crate) fn parse_tree(rel_path: &str, text: &str) -> Result<Spanned<Node>, RegistryError> {
    serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options())
        .map_err(|err| yaml_error(rel_path, &err))
}

fn yaml_error(rel_path: &str, err: &YamlError) -> RegistryError {
    let mut inner = err;
    while let YamlError::AliasError { error, .. } | YamlError::WithSnippet { error, .. } = inner {
        inner = error;
    }
    let message = serde_saphyr::UserMessageFormatter
        .format_message(inner)
        .into_owned();
    let budget = matches!(
        inner,
        YamlError::Budget { .. }
            | YamlError::AliasReplayCounterOverflow { .. }
            | YamlError::AliasReplayLimitExceeded { .. }
            | YamlError::AliasExpansionLimitExceeded { .. }
            | YamlError::AliasReplayStackDepthExceeded { .. }
    ) || message.contains("recursion limit");
    let (kind, message) = if budget {
        let detail = message
            .strip_prefix("YAML document too large or too complex: ")
            .unwrap_or(&message);
        (
            RegistryErrorKind::Budget,
            format!("YAML too large or too deeply nested for a registry file ({detail})"),
        )
    } else {
        (
            RegistryErrorKind::Syntax,
            format!("invalid YAML: {message}"),
        )
    };
    let at = err
        .location()
        .map(|l| pos(&l))
        .unwrap_or(Pos { line: 1, column: 1 });
    RegistryError::new(kind, rel_path, at.line, at.column, message)
}

/// Fail on the first key that appears twice in `entries`, naming both lines.
fn check_duplicates(
    rel_path: &str,
    entries: &[(Spanned<String>, Spanned<Node>)],
    what: &dyn Fn(&str) -> String,
) -> Result<(), RegistryError> {
    let mut seen: HashMap<&str, Pos> = HashMap::with_capacity(entries.len());
    for (key, _) in entries {
        let at = pos(&key.referenced);
        if let Some(first) = seen.insert(key.value.as_str(), at) {
            return Err(RegistryError::new(
                RegistryErrorKind::DuplicateKey,
                rel_path,
                at.line,
                at.column,
                format!(
                    "duplicate {} (first at line {})",
                    what(&key.value),
                    first.line
                ),
            ));
        }
    }
    Ok(())
}

/// Convert a spanned node to plain JSON, still rejecting duplicate keys at any depth.
pub(crate) fn to_json(rel_path: &str, node: &Node) -> Result<Value, RegistryError> {
    Ok(match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Int(i) => Value::from(*i),
        Node::UInt(u) => Value::from(*u),
        Node::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        Node::Str(s) => Value::String(s.clone()),
        Node::Seq(items) => Value::Array(
            items
                .iter()
                .map(|item| to_json(rel_path, &item.value))
                .collect::<Result<_, _>>()?,
        ),
        Node::Map(entries) => {
            check_duplicates(rel_path, entries, &|k| format!("key {}", quoted(k)))?;
            let mut map = serde_json::Map::with_capacity(entries.len());
            for (key, value) in entries {
                map.insert(key.value.clone(), to_json(rel_path, &value.value)?);
            }
            Value::Object(map)
        }
    })
}

/// `feature_flags.yaml`: a top-level map of flag key to a map of fields.
/// Top-level keys starting with `.` are templates for anchors/merges, not flags.
///
/// ```yaml
/// my_new_feature:
///   default: false
///   soak_period_hours: 24
///   description: "one-line description of what the flag gates"
///   risk: low # low | medium | high
/// ```
pub fn parse_registry(rel_path: &str, text: &str) -> Result<Registry, RegistryError> {
    let tree = parse_tree(rel_path, text)?;
    let entries = match &tree.value {
        Node::Null => return Ok(Registry::default()),
        Node::Map(entries) => entries,
        other => {
            let at = pos(&tree.referenced);
            return Err(RegistryError::new(
                RegistryErrorKind::Shape,
                rel_path,
                at.line,
                at.column,
                format!(
                    "expected a mapping of flag keys to their fields at the top level, found {}",
                    other.kind_name()
                ),
            ));
        }
    };
    check_duplicates(rel_path, entries, &|k| format!("flag key {}", quoted(k)))?;

    let mut registry = Registry::default();
    for (key, value) in entries {
        if key.value.starts_with('.') {
            continue; // a template (`.defaults: &defaults {…}`), not a flag
        }
        let at = pos(&key.referenced);
        let decl = Declaration::new(
            key.value.clone(),
            SourceKind::Yaml,
            rel_path,
            at.line,
            at.column,
        );
        let mut builder = Builder::new(decl, &mut registry.problems);
        match &value.value {
            Node::Null => {}
            Node::Map(fields) => {
                check_duplicates(rel_path, fields, &|f| {
                    format!("field {} in flag {}", quoted(f), quoted(&key.value))
                })?;
                for (name, field_value) in fields {
                    let json = to_json(rel_path, &field_value.value)?;
                    builder.field(&name.value, &json, pos(&name.referenced));
                }
            }
            other => {
                let message = format!(
                    "flag {} should map to its fields (owner, type, remove_by, …), found {}",
                    quoted(&key.value),
                    other.kind_name()
                );
                builder.problem(at, message);
            }
        }
        registry.declarations.push(builder.finish());
    }
    Ok(registry)
}

/// A cheap look at a YAML text: does it read like one GitLab flag definition
/// (`name:` plus `default_enabled:` / `introduced_by_url:` / `rollout_issue_url:` at the top level)?
pub fn looks_like_flag_file(text: &str) -> bool {
    let top_level = |field: &str| {
        text.lines().any(|line| {
            line.strip_prefix(field)
                .is_some_and(|rest| rest.starts_with(':'))
        })
    };
    top_level("name")
        && ["default_enabled", "introduced_by_url", "rollout_issue_url"]
            .iter()
            .any(|f| top_level(f))
}

/// Map a GitLab flag `type` to a flagdebt type. GitLab's types are listed in its
/// `lib/feature/shared.rb` (`Feature::Shared::TYPES`).
pub fn gitlab_flag_type(gitlab_type: &str) -> Option<FlagType> {
    match gitlab_type.trim() {
        "development" | "gitlab_com_derisk" | "beta" | "wip" => Some(FlagType::Release),
        "experiment" => Some(FlagType::Experiment),
        "ops" | "worker" => Some(FlagType::Ops),
        "licensed" => Some(FlagType::Permission),
        other => FlagType::parse(other),
    }
}

/// One GitLab flag definition, e.g. `config/feature_flags/development/my_flag.yml`:
///
/// ```yaml
/// ---
/// name: my_flag
/// introduced_by_url: https://gitlab.com/gitlab-org/gitlab/-/merge_requests/1
/// rollout_issue_url: https://gitlab.com/gitlab-org/gitlab/-/issues/2
/// milestone: '17.3'
/// group: group::source code
/// type: gitlab_com_derisk
/// default_enabled: false
/// ```
///
/// `name` is the key (the file stem if absent), `group` the owner, `default_enabled` the
/// default; `type` is mapped with [`gitlab_flag_type`] and the original word kept in
/// `extra["type"]`; every other field (milestone, URLs) is kept in `extra`.
pub fn parse_flag_file(rel_path: &str, text: &str) -> Result<Registry, RegistryError> {
    let tree = parse_tree(rel_path, text)?;
    let empty = Vec::new();
    let fields = match &tree.value {
        Node::Map(fields) => fields,
        Node::Null => &empty,
        other => {
            let at = pos(&tree.referenced);
            return Err(RegistryError::new(
                RegistryErrorKind::Shape,
                rel_path,
                at.line,
                at.column,
                format!("expected a mapping of fields (name, type, group, default_enabled, …), found {}", other.kind_name()),
            ));
        }
    };
    check_duplicates(rel_path, fields, &|f| format!("field {}", quoted(f)))?;

    let stem = file_stem(rel_path);
    let name = fields.iter().find(|(k, _)| k.value == "name");
    let (key, at) = match name {
        Some((_, value)) => match &value.value {
            Node::Str(s) if !s.trim().is_empty() => (s.trim().to_string(), pos(&value.referenced)),
            _ => (stem.to_string(), pos(&value.referenced)),
        },
        None => (stem.to_string(), Pos { line: 1, column: 1 }),
    };

    let mut registry = Registry::default();
    let decl = Declaration::new(
        key.clone(),
        SourceKind::FlagDir,
        rel_path,
        at.line,
        at.column,
    );
    let mut builder = Builder::new(decl, &mut registry.problems);
    match name.map(|(_, v)| &v.value) {
        None => builder.problem(
            at,
            format!("missing `name`; using the file name {}", quoted(stem)),
        ),
        Some(Node::Str(s)) if !s.trim().is_empty() => {
            if s.trim() != stem {
                builder.problem(
                    at,
                    format!(
                        "name {} does not match the file name {}",
                        quoted(s.trim()),
                        quoted(stem)
                    ),
                );
            }
        }
        Some(other) => builder.problem(
            at,
            format!(
                "`name` must be a string, found {}; using the file name {}",
                other.kind_name(),
                quoted(stem)
            ),
        ),
    }

    for (field, value) in fields {
        let field_at = pos(&field.referenced);
        let json = to_json(rel_path, &value.value)?;
        match field.value.as_str() {
            "name" => {
                builder
                    .decl
                    .field_lines
                    .insert("name".to_string(), field_at.line);
            }
            "group" => builder.field("owner", &json, field_at),
            "default_enabled" => builder.field("default", &json, field_at),
            "type" => {
                builder.extra("type", json.clone(), field_at);
                match &json {
                    Value::String(word) => match gitlab_flag_type(word) {
                        Some(flag_type) => builder.decl.flag_type = Some(flag_type),
                        None => builder.problem(
                            field_at,
                            format!("unknown GitLab flag type {} (expected one of: gitlab_com_derisk, wip, beta, ops, experiment, worker, development)", quoted(word)),
                        ),
                    },
                    Value::Null => {}
                    other => builder.problem(field_at, format!("`type` must be a string, found {}", super::fields::kind_name(other))),
                }
            }
            other => builder.field(other, &json, field_at),
        }
    }
    registry.declarations.push(builder.finish());
    Ok(registry)
}

fn file_stem(rel_path: &str) -> &str {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitlab_types_map_to_flagdebt_types() {
        assert_eq!(
            gitlab_flag_type("gitlab_com_derisk"),
            Some(FlagType::Release)
        );
        assert_eq!(gitlab_flag_type("wip"), Some(FlagType::Release));
        assert_eq!(gitlab_flag_type("beta"), Some(FlagType::Release));
        assert_eq!(gitlab_flag_type("ops"), Some(FlagType::Ops));
        assert_eq!(gitlab_flag_type("experiment"), Some(FlagType::Experiment));
        assert_eq!(gitlab_flag_type("undefined"), None);
    }

    #[test]
    fn sniffs_gitlab_flag_files() {
        assert!(looks_like_flag_file(
            "---\nname: x\ntype: wip\ndefault_enabled: false\n"
        ));
        assert!(!looks_like_flag_file(
            "x:\n  name: y\n  default_enabled: true\n"
        ));
        assert!(!looks_like_flag_file("name: just a config\n"));
    }

    #[test]
    fn merge_keys_give_fields_without_duplicate_errors() {
        let text = ".defaults: &d {owner: team-a, risk: low}\nflag_a:\n  <<: *d\n  risk: high\n";
        let reg = parse_registry("f.yaml", text).unwrap();
        assert_eq!(reg.declarations.len(), 1, "templates are not flags");
        let a = reg.declarations.iter().find(|d| d.key == "flag_a").unwrap();
        assert_eq!(a.owner.as_deref(), Some("team-a"));
        assert_eq!(a.risk, Some(super::super::Risk::High));
    }
}
