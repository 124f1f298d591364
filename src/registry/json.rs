//! JSON sources: flagd flag-definition files and OpenFeature CLI flag manifests.
//!
//! serde_json validates the text and builds the values, but it has no source spans. So a small
//! position scanner (`KeyIndex`) re-reads the (already valid) text and records the 1-based
//! line and column of every object key and value down to [`INDEX_DEPTH`] levels
//! (`flags` → flag → `metadata` → field). It also catches duplicate keys, which serde_json
//! silently collapses. Limitation: keys nested deeper than that have no position of their own
//! (problems about them point at the enclosing field), and columns count characters, not bytes.
//!
//! flagd (`open-feature/flagd-schemas`, `json/flags.json`):
//! `{"$schema"?, "flags": {key: {state, variants, defaultVariant, targeting?, metadata?}}, "metadata"?}`,
//! where `flags` may also be an array of `{key, …}`. flagdebt reads `metadata.owner` as the
//! owner and `metadata.expiry` as `remove_by` (its own convention: flagd names no such keys);
//! other flagdebt field names in `metadata` (`type`, `risk`, `stage`, …) are read too, and
//! flag-set `metadata` is inherited by every flag that does not set the same key, as in flagd.
//!
//! OpenFeature CLI manifest (`open-feature/cli`, `schema/v0/flag-manifest.json`):
//! `{"$schema"?, "flags": {key: {flagType, defaultValue, description?, schema?}}}`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::fields::{kind_name, Builder, Pos, CANONICAL_FIELDS};
use super::{quoted, Declaration, Registry, RegistryError, RegistryErrorKind, SourceKind};

/// How many levels of object keys the position index records.
pub const INDEX_DEPTH: usize = 4;

/// The manifest's `flagType` values.
pub const MANIFEST_FLAG_TYPES: &[&str] = &["boolean", "string", "integer", "float", "object"];

/// The position of one object member (or array element) in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    /// The key's opening quote (for an array element: the element's first character).
    pub key: Pos,
    /// The value's first character.
    pub value: Pos,
}

/// Positions of object members by path (`["flags", "my-flag", "metadata", "owner"]`; array
/// elements use their index as the segment).
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    members: HashMap<Vec<String>, Member>,
}

enum Frame {
    Object {
        key: Option<(String, Pos)>,
        expect_key: bool,
        segment: bool,
    },
    Array {
        index: usize,
        segment: bool,
    },
}

impl KeyIndex {
    /// Scan `text`, which serde_json has already accepted. Errors only on a duplicate key.
    pub fn build(rel_path: &str, text: &str) -> Result<KeyIndex, RegistryError> {
        let bytes = text.as_bytes();
        let mut index = KeyIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut path: Vec<String> = Vec::new();
        let (mut i, mut line, mut column) = (0usize, 1usize, 1usize);

        while i < bytes.len() {
            let here = Pos { line, column };
            match bytes[i] {
                b'\n' => {
                    line += 1;
                    column = 1;
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' | b':' => {}
                b',' => match stack.last_mut() {
                    Some(Frame::Object {
                        expect_key, key, ..
                    }) => {
                        *expect_key = true;
                        *key = None;
                    }
                    Some(Frame::Array { index, .. }) => *index += 1,
                    None => {}
                },
                b'}' | b']' => {
                    if let Some(
                        Frame::Object { segment: true, .. } | Frame::Array { segment: true, .. },
                    ) = stack.pop()
                    {
                        path.pop();
                    }
                }
                b'"' => {
                    let end = string_end(bytes, i);
                    let raw = &text[i..end];
                    if let Some(Frame::Object {
                        expect_key: expect_key @ true,
                        key,
                        ..
                    }) = stack.last_mut()
                    {
                        *expect_key = false;
                        *key = Some((decode_key(raw), here));
                    } else {
                        index.value_starts(rel_path, &mut stack, &path, here)?;
                    }
                    column += raw.chars().count();
                    i = end;
                    continue;
                }
                open @ (b'{' | b'[') => {
                    let segment = index.value_starts(rel_path, &mut stack, &path, here)?;
                    let has_segment = segment.is_some();
                    if let Some(segment) = segment {
                        path.push(segment);
                    }
                    stack.push(if open == b'{' {
                        Frame::Object {
                            key: None,
                            expect_key: true,
                            segment: has_segment,
                        }
                    } else {
                        Frame::Array {
                            index: 0,
                            segment: has_segment,
                        }
                    });
                }
                _ => {
                    // A number, `true`, `false` or `null`: one value up to the next delimiter.
                    index.value_starts(rel_path, &mut stack, &path, here)?;
                    while i < bytes.len()
                        && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
                    {
                        column += usize::from(bytes[i] & 0xC0 != 0x80);
                        i += 1;
                    }
                    continue;
                }
            }
            column += usize::from(bytes[i] & 0xC0 != 0x80);
            i += 1;
        }
        Ok(index)
    }

    /// A value starts at `here` inside the innermost frame: record it, and return the path
    /// segment it adds if it is a container (`None` at the root).
    fn value_starts(
        &mut self,
        rel_path: &str,
        stack: &mut [Frame],
        path: &[String],
        here: Pos,
    ) -> Result<Option<String>, RegistryError> {
        let (segment, key_pos) = match stack.last_mut() {
            None => return Ok(None),
            Some(Frame::Object { key, .. }) => match key.take() {
                Some((name, at)) => (name, at),
                None => return Ok(None), // cannot happen in valid JSON
            },
            Some(Frame::Array { index, .. }) => (index.to_string(), here),
        };
        if path.len() < INDEX_DEPTH {
            let mut full = path.to_vec();
            full.push(segment.clone());
            let member = Member {
                key: key_pos,
                value: here,
            };
            if let Some(first) = self.members.insert(full, member) {
                return Err(RegistryError::new(
                    RegistryErrorKind::DuplicateKey,
                    rel_path,
                    key_pos.line,
                    key_pos.column,
                    format!(
                        "duplicate key {} in {} (first at line {})",
                        quoted(&segment),
                        describe_path(path),
                        first.key.line
                    ),
                ));
            }
        }
        Ok(Some(segment))
    }

    pub fn get(&self, path: &[&str]) -> Option<Member> {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        self.members.get(&path).copied()
    }

    /// The key position of `path`, else of its nearest indexed ancestor, else 1:1.
    pub fn key_pos(&self, path: &[&str]) -> Pos {
        (1..=path.len().min(INDEX_DEPTH))
            .rev()
            .find_map(|n| self.get(&path[..n]))
            .map_or(Pos { line: 1, column: 1 }, |m| m.key)
    }

    /// The value position of `path` (falls back like [`KeyIndex::key_pos`]).
    pub fn value_pos(&self, path: &[&str]) -> Pos {
        self.get(path)
            .map_or_else(|| self.key_pos(path), |m| m.value)
    }
}

fn describe_path(path: &[String]) -> String {
    if path.is_empty() {
        "the top-level object".to_string()
    } else {
        quoted(&path.join("."))
    }
}

/// Index just past the closing quote of the string opening at `start` (or the end of input).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

fn decode_key(raw: &str) -> String {
    if raw.contains('\\') {
        if let Ok(decoded) = serde_json::from_str::<String>(raw) {
            return decoded;
        }
    }
    raw.trim_start_matches('"')
        .trim_end_matches('"')
        .to_string()
}

/// Parse JSON text, mapping a syntax error to `path:line:column: message`.
pub(crate) fn parse_value(rel_path: &str, text: &str) -> Result<Value, RegistryError> {
    serde_json::from_str::<Value>(text).map_err(|err| {
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        let kind = if message.contains("recursion limit") {
            RegistryErrorKind::Budget
        } else {
            RegistryErrorKind::Syntax
        };
        RegistryError::new(
            kind,
            rel_path,
            err.line(),
            err.column(),
            format!("invalid JSON: {message}"),
        )
    })
}

/// Which JSON format a parsed document is, if any: by `$schema`, then by the flags' fields.
pub fn detect_value(doc: &Value) -> Option<SourceKind> {
    let obj = doc.as_object()?;
    if let Some(schema) = obj.get("$schema").and_then(Value::as_str) {
        if let Some(kind) = kind_for_schema(schema) {
            return Some(kind);
        }
    }
    match obj.get("flags")? {
        Value::Array(items) => items
            .iter()
            .any(|item| item.get("key").is_some_and(Value::is_string))
            .then_some(SourceKind::Flagd),
        Value::Object(flags) => {
            let has = |fields: &[&str]| {
                flags
                    .values()
                    .filter_map(Value::as_object)
                    .any(|f| fields.iter().any(|k| f.contains_key(*k)))
            };
            if has(&["state", "variants", "defaultVariant"]) {
                Some(SourceKind::Flagd)
            } else if has(&["flagType", "defaultValue"]) {
                Some(SourceKind::OpenFeatureManifest)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The format a `$schema` URL names, if it names one.
pub fn kind_for_schema(schema: &str) -> Option<SourceKind> {
    if schema.contains("flagd.dev") || schema.contains("flagd-schemas") {
        Some(SourceKind::Flagd)
    } else if schema.contains("flag-manifest")
        || schema.contains("flag_manifest")
        || schema.contains("open-feature/cli")
    {
        Some(SourceKind::OpenFeatureManifest)
    } else {
        None
    }
}

/// Parse `text` and tell which JSON registry format it is.
pub fn detect(text: &str) -> Option<SourceKind> {
    serde_json::from_str::<Value>(text)
        .ok()
        .as_ref()
        .and_then(detect_value)
}

/// Parse and index a JSON registry; return the top-level `flags` value.
fn load<'v>(rel_path: &str, doc: &'v Value, what: &str) -> Result<&'v Value, RegistryError> {
    let shape =
        |message: String| RegistryError::new(RegistryErrorKind::Shape, rel_path, 1, 1, message);
    let obj = doc.as_object().ok_or_else(|| {
        shape(format!(
            "expected a top-level object with `flags` ({what}), found {}",
            kind_name(doc)
        ))
    })?;
    obj.get("flags")
        .ok_or_else(|| shape(format!("missing top-level `flags` ({what})")))
}

/// A flagd flag-definition file (see the module docs).
pub fn parse_flagd(rel_path: &str, text: &str) -> Result<Registry, RegistryError> {
    let doc = parse_value(rel_path, text)?;
    let index = KeyIndex::build(rel_path, text)?;
    let flags = load(rel_path, &doc, "a flagd flag file")?;
    let set_metadata = doc.get("metadata").and_then(Value::as_object);
    let mut registry = Registry::default();

    match flags {
        Value::Object(map) => {
            for (key, flag) in map {
                let at = index.key_pos(&["flags", key]);
                let decl =
                    Declaration::new(key.clone(), SourceKind::Flagd, rel_path, at.line, at.column);
                let mut builder = Builder::new(decl, &mut registry.problems);
                flagd_flag(&mut builder, flag, &["flags", key], &index, set_metadata);
                registry.declarations.push(builder.finish());
            }
        }
        Value::Array(items) => {
            let mut seen: HashMap<&str, Pos> = HashMap::new();
            for (i, item) in items.iter().enumerate() {
                let i = i.to_string();
                let base = ["flags", i.as_str()];
                let key = item
                    .get("key")
                    .and_then(Value::as_str)
                    .filter(|k| !k.is_empty());
                let Some(key) = key else {
                    let at = index.value_pos(&base);
                    registry.problems.push(super::RegistryProblem {
                        path: rel_path.to_string(),
                        line: at.line,
                        column: at.column,
                        key: None,
                        message: format!("flags[{i}] has no string `key`; skipped"),
                    });
                    continue;
                };
                let at = index.value_pos(&["flags", &i, "key"]);
                if let Some(first) = seen.insert(key, at) {
                    return Err(RegistryError::new(
                        RegistryErrorKind::DuplicateKey,
                        rel_path,
                        at.line,
                        at.column,
                        format!(
                            "duplicate flag key {} (first at line {})",
                            quoted(key),
                            first.line
                        ),
                    ));
                }
                let decl = Declaration::new(key, SourceKind::Flagd, rel_path, at.line, at.column);
                let mut builder = Builder::new(decl, &mut registry.problems);
                flagd_flag(&mut builder, item, &base, &index, set_metadata);
                registry.declarations.push(builder.finish());
            }
        }
        other => {
            let at = index.value_pos(&["flags"]);
            return Err(RegistryError::new(
                RegistryErrorKind::Shape,
                rel_path,
                at.line,
                at.column,
                format!(
                    "`flags` must be an object or an array, found {}",
                    kind_name(other)
                ),
            ));
        }
    }
    Ok(registry)
}

fn flagd_flag(
    builder: &mut Builder<'_>,
    flag: &Value,
    base: &[&str],
    index: &KeyIndex,
    set_metadata: Option<&Map<String, Value>>,
) {
    let at = index.key_pos(base);
    let Some(fields) = flag.as_object() else {
        builder.problem(
            at,
            format!(
                "flag {} must be an object, found {}",
                quoted(&builder.decl.key),
                kind_name(flag)
            ),
        );
        return;
    };

    let mut leftover_metadata = Map::new();
    for (name, value) in fields {
        let field_path: Vec<&str> = base.iter().copied().chain([name.as_str()]).collect();
        let field_at = index.key_pos(&field_path);
        match name.as_str() {
            "key" => {}
            "state" => {
                builder.extra("state", value.clone(), field_at);
                if !matches!(value.as_str(), Some("ENABLED" | "DISABLED")) {
                    builder.problem(
                        field_at,
                        format!(
                            "`state` must be \"ENABLED\" or \"DISABLED\", found {}",
                            show(value)
                        ),
                    );
                }
            }
            "variants" => {
                builder.extra("variants", value.clone(), field_at);
                if !value.is_object() {
                    builder.problem(
                        field_at,
                        format!("`variants` must be an object, found {}", kind_name(value)),
                    );
                }
            }
            "defaultVariant" => {
                builder.extra("defaultVariant", value.clone(), field_at);
                match value {
                    Value::Null => {}
                    Value::String(variant) => {
                        match fields.get("variants").and_then(|v| v.get(variant)) {
                            Some(default) => {
                                builder.decl.default = Some(default.clone());
                                builder
                                    .decl
                                    .field_lines
                                    .insert("default".to_string(), field_at.line);
                            }
                            None => builder.problem(
                                field_at,
                                format!(
                                    "defaultVariant {} is not one of the flag's variants",
                                    quoted(variant)
                                ),
                            ),
                        }
                    }
                    other => builder.problem(
                        field_at,
                        format!(
                            "`defaultVariant` must be a string or null, found {}",
                            kind_name(other)
                        ),
                    ),
                }
            }
            "metadata" => match value {
                Value::Object(metadata) => {
                    for (meta_key, meta_value) in metadata {
                        let meta_path: Vec<&str> = field_path
                            .iter()
                            .copied()
                            .chain([meta_key.as_str()])
                            .collect();
                        let meta_at = index.key_pos(&meta_path);
                        if !apply_metadata(builder, meta_key, meta_value, meta_at) {
                            leftover_metadata.insert(meta_key.clone(), meta_value.clone());
                        }
                    }
                    builder
                        .decl
                        .field_lines
                        .insert("metadata".to_string(), field_at.line);
                }
                other => builder.problem(
                    field_at,
                    format!("`metadata` must be an object, found {}", kind_name(other)),
                ),
            },
            other => builder.field(other, value, field_at),
        }
    }
    if !fields.contains_key("state") {
        builder.problem(at, "missing required `state` (\"ENABLED\" or \"DISABLED\")");
    }
    if let Some(set_metadata) = set_metadata {
        let flag_metadata = fields.get("metadata").and_then(Value::as_object);
        for (meta_key, meta_value) in set_metadata {
            if flag_metadata.is_some_and(|m| m.contains_key(meta_key)) {
                continue;
            }
            let meta_at = index.key_pos(&["metadata", meta_key]);
            apply_metadata(builder, meta_key, meta_value, meta_at);
        }
    }
    if !leftover_metadata.is_empty() {
        builder
            .decl
            .extra
            .insert("metadata".to_string(), Value::Object(leftover_metadata));
    }
}

/// Apply a flagd metadata entry if flagdebt reads it (`owner`, `expiry`, or a flagdebt field
/// name other than `default`); `false` if it is not ours.
fn apply_metadata(builder: &mut Builder<'_>, meta_key: &str, value: &Value, at: Pos) -> bool {
    let field = match meta_key {
        "expiry" => "remove_by",
        "default" => return false,
        name if CANONICAL_FIELDS.contains(&name) => name,
        _ => return false,
    };
    builder.field(field, value, at);
    true
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        other => kind_name(other).to_string(),
    }
}

/// An OpenFeature CLI flag manifest (see the module docs).
pub fn parse_manifest(rel_path: &str, text: &str) -> Result<Registry, RegistryError> {
    let doc = parse_value(rel_path, text)?;
    let index = KeyIndex::build(rel_path, text)?;
    let flags = load(rel_path, &doc, "an OpenFeature flag manifest")?;
    let Value::Object(flags) = flags else {
        let at = index.value_pos(&["flags"]);
        return Err(RegistryError::new(
            RegistryErrorKind::Shape,
            rel_path,
            at.line,
            at.column,
            format!("`flags` must be an object, found {}", kind_name(flags)),
        ));
    };
    let mut registry = Registry::default();
    for (key, flag) in flags {
        let at = index.key_pos(&["flags", key]);
        let decl = Declaration::new(
            key.clone(),
            SourceKind::OpenFeatureManifest,
            rel_path,
            at.line,
            at.column,
        );
        let mut builder = Builder::new(decl, &mut registry.problems);
        manifest_flag(&mut builder, flag, key, &index, at);
        registry.declarations.push(builder.finish());
    }
    Ok(registry)
}

fn manifest_flag(builder: &mut Builder<'_>, flag: &Value, key: &str, index: &KeyIndex, at: Pos) {
    let Some(fields) = flag.as_object() else {
        builder.problem(
            at,
            format!(
                "flag {} must be an object, found {}",
                quoted(key),
                kind_name(flag)
            ),
        );
        return;
    };
    for (name, value) in fields {
        let field_at = index.key_pos(&["flags", key, name]);
        match name.as_str() {
            "flagType" => {
                builder.extra("flagType", value.clone(), field_at);
                if !value
                    .as_str()
                    .is_some_and(|t| MANIFEST_FLAG_TYPES.contains(&t))
                {
                    builder.problem(
                        field_at,
                        format!(
                            "`flagType` must be one of: {}; found {}",
                            MANIFEST_FLAG_TYPES.join(", "),
                            show(value)
                        ),
                    );
                }
            }
            "defaultValue" => {
                builder.field("default", value, field_at);
                if let Some(flag_type) = fields.get("flagType").and_then(Value::as_str) {
                    if !value_matches(flag_type, value) {
                        builder.problem(
                            field_at,
                            format!(
                                "`defaultValue` is {} but `flagType` is {}",
                                kind_name(value),
                                quoted(flag_type)
                            ),
                        );
                    }
                }
            }
            other => builder.field(other, value, field_at),
        }
    }
    for required in ["flagType", "defaultValue"] {
        if !fields.contains_key(required) {
            builder.problem(at, format!("missing required `{required}`"));
        }
    }
}

fn value_matches(flag_type: &str, value: &Value) -> bool {
    match flag_type {
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "float" => value.is_number(),
        "object" => !value.is_null(),
        _ => true, // an unknown flagType is reported on its own
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_records_keys_values_and_array_elements() {
        let text = "{\n  \"flags\": {\n    \"a\": {\"state\": \"ENABLED\"},\n    \"é\\u00e9\": [1, {\"x\": 2}]\n  }\n}";
        let index = KeyIndex::build("f.json", text).unwrap();
        assert_eq!(index.key_pos(&["flags"]), Pos { line: 2, column: 3 });
        assert_eq!(index.key_pos(&["flags", "a"]), Pos { line: 3, column: 5 });
        assert_eq!(
            index.value_pos(&["flags", "a", "state"]),
            Pos {
                line: 3,
                column: 20
            }
        );
        assert_eq!(index.key_pos(&["flags", "éé"]), Pos { line: 4, column: 5 });
        assert_eq!(
            index.value_pos(&["flags", "éé", "1"]),
            Pos {
                line: 4,
                column: 20
            }
        );
        assert_eq!(
            index.key_pos(&["flags", "éé", "1", "x"]),
            Pos {
                line: 4,
                column: 21
            }
        );
        // Too deep to index: falls back to the nearest ancestor.
        assert_eq!(
            index.key_pos(&["flags", "a", "state", "deeper", "still"]),
            Pos {
                line: 3,
                column: 11
            }
        );
    }

    #[test]
    fn index_rejects_duplicate_keys() {
        let err = KeyIndex::build("f.json", "{\"flags\": {\"a\": {},\n \"a\": {}}}").unwrap_err();
        assert_eq!(err.kind, RegistryErrorKind::DuplicateKey);
        assert_eq!((err.line, err.column), (2, 2));
        assert!(
            err.message.contains("`a`") && err.message.contains("line 1"),
            "{err}"
        );
    }

    #[test]
    fn detects_formats() {
        assert_eq!(
            detect(r#"{"$schema":"https://flagd.dev/schema/v0/flags.json","flags":{}}"#),
            Some(SourceKind::Flagd)
        );
        assert_eq!(
            detect(r#"{"flags":[{"key":"a","state":"ENABLED"}]}"#),
            Some(SourceKind::Flagd)
        );
        assert_eq!(
            detect(r#"{"flags":{"a":{"flagType":"boolean","defaultValue":true}}}"#),
            Some(SourceKind::OpenFeatureManifest)
        );
        assert_eq!(detect(r#"{"flags":{}}"#), None);
        assert_eq!(detect(r#"{"flags":["--verbose"]}"#), None);
        assert_eq!(detect(r#"{"name":"pkg"}"#), None);
        assert_eq!(detect("not json"), None);
    }
}
