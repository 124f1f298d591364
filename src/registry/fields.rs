//! Field interpretation shared by every format: turns `name: value` pairs into the typed
//! fields of a [`Declaration`], and every value it cannot use into a [`RegistryProblem`]
//! (keeping the raw value in `extra`, so nothing the user wrote is lost).

use serde_json::Value;

use super::{quoted, Consequence, Date, Declaration, FlagType, RegistryProblem, Risk, Stage};

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

/// The canonical field names, as written in `feature_flags.yaml`.
pub(crate) const CANONICAL_FIELDS: &[&str] = &[
    "description",
    "owner",
    "type",
    "default",
    "remove_by",
    "risk",
    "soak_period_hours",
    "stage",
    "depends_on",
    "consequence",
    "expected_at_100",
];

/// Builds one declaration, reporting problems into a shared list.
pub(crate) struct Builder<'a> {
    pub decl: Declaration,
    problems: &'a mut Vec<RegistryProblem>,
}

impl<'a> Builder<'a> {
    pub fn new(decl: Declaration, problems: &'a mut Vec<RegistryProblem>) -> Self {
        Builder { decl, problems }
    }

    pub fn finish(self) -> Declaration {
        self.decl
    }

    /// Report a problem about this flag at `pos`.
    pub fn problem(&mut self, pos: Pos, message: impl Into<String>) {
        self.problems.push(RegistryProblem {
            path: self.decl.path.clone(),
            line: pos.line,
            column: pos.column,
            key: Some(self.decl.key.clone()),
            message: super::one_line(&message.into()),
        });
    }

    /// Keep a field flagdebt does not interpret (or could not accept).
    pub fn extra(&mut self, name: &str, value: Value, pos: Pos) {
        self.decl.field_lines.insert(name.to_string(), pos.line);
        self.decl.extra.insert(name.to_string(), value);
    }

    /// Apply one field under its canonical name; anything else goes to `extra`.
    pub fn field(&mut self, name: &str, value: &Value, pos: Pos) {
        self.decl.field_lines.insert(name.to_string(), pos.line);
        match name {
            "description" => self.decl.description = self.text(name, value, pos),
            "owner" => self.decl.owner = self.text(name, value, pos),
            "expected_at_100" => self.decl.expected_at_100 = self.text(name, value, pos),
            "default" => self.decl.default = (!value.is_null()).then(|| value.clone()),
            "type" => {
                self.decl.flag_type =
                    self.word(name, value, pos, FlagType::parse, FlagType::expected)
            }
            "risk" => self.decl.risk = self.word(name, value, pos, Risk::parse, Risk::expected),
            "stage" => self.decl.stage = self.word(name, value, pos, Stage::parse, Stage::expected),
            "consequence" => {
                self.decl.consequence =
                    self.word(name, value, pos, Consequence::parse, Consequence::expected)
            }
            "remove_by" => self.decl.remove_by = self.date(name, value, pos),
            "soak_period_hours" => self.decl.soak_period_hours = self.hours(name, value, pos),
            "depends_on" => self.decl.depends_on = self.list(name, value, pos),
            _ => self.extra(name, value.clone(), pos),
        }
    }

    fn reject(&mut self, name: &str, value: &Value, pos: Pos, message: String) {
        self.problem(pos, message);
        self.decl.extra.insert(name.to_string(), value.clone());
    }

    fn text(&mut self, name: &str, value: &Value, pos: Pos) -> Option<String> {
        let text = match value {
            Value::Null => return None,
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                let message = format!(
                    "{} must be a string, found {}",
                    quoted(name),
                    kind_name(value)
                );
                self.reject(name, value, pos, message);
                return None;
            }
        };
        (!text.is_empty()).then_some(text)
    }

    fn word<T>(
        &mut self,
        name: &str,
        value: &Value,
        pos: Pos,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        match value {
            Value::Null => None,
            Value::String(s) => {
                let parsed = parse(s);
                if parsed.is_none() {
                    let message = format!(
                        "unknown {name} {} (expected one of: {})",
                        quoted(s),
                        expected()
                    );
                    self.reject(name, value, pos, message);
                }
                parsed
            }
            _ => {
                let message = format!(
                    "{} must be one of: {}; found {}",
                    quoted(name),
                    expected(),
                    kind_name(value)
                );
                self.reject(name, value, pos, message);
                None
            }
        }
    }

    fn date(&mut self, name: &str, value: &Value, pos: Pos) -> Option<Date> {
        match value {
            Value::Null => None,
            Value::String(s) => {
                let parsed = Date::parse(s);
                if parsed.is_none() {
                    let message = format!(
                        "{} is not a valid date: {} (expected YYYY-MM-DD)",
                        quoted(name),
                        quoted(s)
                    );
                    self.reject(name, value, pos, message);
                }
                parsed
            }
            _ => {
                let message = format!(
                    "{} must be a date (YYYY-MM-DD), found {}",
                    quoted(name),
                    kind_name(value)
                );
                self.reject(name, value, pos, message);
                None
            }
        }
    }

    fn hours(&mut self, name: &str, value: &Value, pos: Pos) -> Option<u64> {
        let hours = match value {
            Value::Null => return None,
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u32::MAX as f64)
                    .map(|f| f as u64)
            }),
            _ => None,
        };
        if hours.is_none() {
            let message = format!(
                "{} must be a whole number of hours, found {}",
                quoted(name),
                kind_name(value)
            );
            self.reject(name, value, pos, message);
        }
        hours
    }

    fn list(&mut self, name: &str, value: &Value, pos: Pos) -> Vec<String> {
        match value {
            Value::Null => Vec::new(),
            Value::Array(items) => {
                let mut keys = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) if !s.trim().is_empty() => keys.push(s.trim().to_string()),
                        _ => {
                            let message = format!(
                                "{} entries must be flag keys (strings), found {}",
                                quoted(name),
                                kind_name(item)
                            );
                            self.problem(pos, message);
                        }
                    }
                }
                keys
            }
            _ => {
                let message = format!(
                    "{} must be a list of flag keys, found {}",
                    quoted(name),
                    kind_name(value)
                );
                self.reject(name, value, pos, message);
                Vec::new()
            }
        }
    }
}

/// "a string", "a list", … for messages.
pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(s) if s.is_empty() => "an empty string",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
