//! Declaration sources: where flags are declared, as opposed to where code reads them.
//!
//! A registry file declares flags with their owner, removal date, type and default. Four file
//! formats are read, each into the same [`Declaration`] rows:
//!
//! | Format | Files | Module |
//! |---|---|---|
//! | flagdebt YAML registry: a map `flag_key: {fields}` | `feature_flags.yaml` / `.yml` | [`yaml`] |
//! | GitLab flag folders: one YAML file per flag | `config/feature_flags/**/*.yml` | [`yaml`] |
//! | flagd flag definitions | `*.flagd.json`, JSON with a flagd.dev `$schema` | [`json`] |
//! | OpenFeature CLI flag manifest | `flags.json`, `.openfeature/flags.json` | [`json`] |
//!
//! (Flags declared in code, [`SourceKind::Code`], come from the scanner's declaration rules.)
//!
//! Two kinds of trouble are kept apart:
//! - a [`RegistryError`] means the file could not be read as a registry at all (syntax error,
//!   wrong top-level shape, a duplicated flag key, input over the hostile-input budgets);
//! - a [`RegistryProblem`] is a semantic slip inside a file that still loads (a bad date, an
//!   unknown type, stage, risk or consequence, a `depends_on` that is not a list). The loader
//!   keeps going; checks report these as `invalid-registry` findings.
//!
//! Unknown fields are never rejected: they are kept in [`Declaration::extra`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub mod code;
mod code_shapes;
mod discover;
mod fields;
pub mod json;
pub mod shapes;
pub mod yaml;

pub use crate::date::Date;
pub use discover::{
    discover, discover_in, in_fixture_dir, kind_for_path, registry_kind, sniff_json_kind,
    FIXTURE_DIRS, SKIPPED_DIRS, SNIFF_BYTES,
};

/// Registry files larger than this are refused unread (hostile-input budget). Real registries
/// are far smaller: 8 MiB of YAML is on the order of 100k flags.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Where a declaration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A flagdebt YAML registry (`feature_flags.yaml`): a map of flag key to fields.
    Yaml,
    /// A GitLab-style flag folder: one YAML file per flag.
    FlagDir,
    /// A flagd flag-definition JSON file.
    Flagd,
    /// An OpenFeature CLI flag manifest.
    OpenFeatureManifest,
    /// A declaration in source code (from a `kind: declaration` rule).
    Code,
    /// A key/value file (properties, INI, dotenv) named in the config.
    KeyValue,
    /// A JSON or YAML map of flag keys named in the config.
    Map,
    /// Flagsmith's environment document.
    FlagsmithEnvironment,
    /// A type, enum or object in source code named in the config.
    CodeType,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Yaml => "yaml",
            SourceKind::FlagDir => "flag-dir",
            SourceKind::Flagd => "flagd",
            SourceKind::OpenFeatureManifest => "openfeature-manifest",
            SourceKind::Code => "code",
            SourceKind::KeyValue => "key-value",
            SourceKind::Map => "map",
            SourceKind::FlagsmithEnvironment => "flagsmith-environment",
            SourceKind::CodeType => "code-type",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares a closed set of lowercase, kebab-case words with `parse` (lenient on case and `_`),
/// `as_str`, `ALL`, `Display` and serde.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)*,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Case-insensitive; `_` and ` ` count as `-`.
            pub fn parse(text: &str) -> Option<$name> {
                let norm: String = text
                    .trim()
                    .chars()
                    .map(|c| if c == '_' || c == ' ' { '-' } else { c.to_ascii_lowercase() })
                    .collect();
                match norm.as_str() {
                    $($text $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// `a, b, c` for messages.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum! {
    /// What a flag is for, which decides how long it may live.
    FlagType {
        /// Short-lived: gates unfinished or rolling-out code.
        Release = "release",
        /// Short-lived: an A/B test or experiment.
        Experiment = "experiment",
        /// Operational toggle (Unleash calls it `operational`).
        Ops = "ops" | "operational",
        /// Permanent emergency off-switch.
        KillSwitch = "kill-switch" | "killswitch",
        /// Permanent entitlement / access gate.
        Permission = "permission",
    }
}

word_enum! {
    /// How risky flipping the flag is (`risk: low | medium | high`).
    Risk {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

word_enum! {
    /// Rollout stage (alpha: internal only, beta: opt-in, ga: on for everyone, deprecated:
    /// on its way out, e.g. a Kubernetes `featuregate.Deprecated` gate).
    Stage {
        Alpha = "alpha",
        Beta = "beta",
        Ga = "ga",
        Deprecated = "deprecated",
    }
}

word_enum! {
    /// What kind of consequence the flag carries: what its two paths disagree about.
    Consequence {
        Interface = "interface",
        Decision = "decision",
        StateMachine = "state-machine",
        RecoverySurface = "recovery-surface",
    }
}

/// One declared flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Declaration {
    pub key: String,
    pub source: SourceKind,
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    /// 1-based line of the flag's key in the file.
    pub line: usize,
    /// 1-based column (in characters) of the flag's key in the file.
    pub column: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `type:` in the file. An unknown word is a [`RegistryProblem`]; its text stays in `extra`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub flag_type: Option<FlagType>,
    /// The declared default value (what the flag evaluates to when nothing else applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_by: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soak_period_hours: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consequence: Option<Consequence>,
    /// What the system looks like when the flag is at 100% (the exit plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_at_100: Option<String>,
    /// Fields flagdebt does not interpret, kept as written (and the raw text of fields whose
    /// value was rejected with a problem, e.g. an unknown `type`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// 1-based line of each field present, by flagdebt field name (`owner`, `remove_by`, …, or
    /// the source's own name for `extra` fields), so a finding can point at the field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_lines: BTreeMap<String, usize>,
}

impl Declaration {
    /// A declaration with only its key and place.
    pub fn new(
        key: impl Into<String>,
        source: SourceKind,
        path: impl Into<String>,
        line: usize,
        column: usize,
    ) -> Declaration {
        Declaration {
            key: key.into(),
            source,
            path: path.into(),
            line,
            column,
            description: None,
            owner: None,
            flag_type: None,
            default: None,
            remove_by: None,
            risk: None,
            soak_period_hours: None,
            stage: None,
            depends_on: Vec::new(),
            consequence: None,
            expected_at_100: None,
            extra: BTreeMap::new(),
            field_lines: BTreeMap::new(),
        }
    }

    /// The line of `field` if present, else the line of the flag's key.
    pub fn line_of(&self, field: &str) -> usize {
        self.field_lines.get(field).copied().unwrap_or(self.line)
    }
}

/// A semantic problem in a registry file that did not stop it from loading.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegistryProblem {
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The flag the problem is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for RegistryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// Declarations and problems from one or more registry files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registry {
    pub declarations: Vec<Declaration>,
    pub problems: Vec<RegistryProblem>,
}

impl Registry {
    /// Append another registry's rows and restore the deterministic order.
    pub fn extend(&mut self, other: Registry) {
        self.declarations.extend(other.declarations);
        self.problems.extend(other.problems);
        self.sort();
    }

    /// Sort declarations by (path, line, column, key) and problems by (path, line, column, …).
    pub fn sort(&mut self) {
        self.declarations.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.key).cmp(&(&b.path, b.line, b.column, &b.key))
        });
        self.problems.sort();
    }
}

/// What kind of failure a [`RegistryError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegistryErrorKind {
    /// The file could not be read (missing, not a regular file, not UTF-8, I/O error).
    Io,
    /// Over a hostile-input budget: file size, nesting depth, alias expansion, node count.
    Budget,
    /// YAML or JSON syntax error.
    Syntax,
    /// Valid YAML/JSON, but not shaped like any registry format.
    Shape,
    /// A mapping key (a flag key or a field) appears twice.
    DuplicateKey,
}

/// A registry file that cannot be loaded. `Display` is one line: `path:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{path}:{line}:{column}: {message}")]
pub struct RegistryError {
    pub kind: RegistryErrorKind,
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    /// 1-based; 1 when the problem is the whole file.
    pub line: usize,
    pub column: usize,
    /// One line, no location prefix.
    pub message: String,
}

impl RegistryError {
    pub(crate) fn new(
        kind: RegistryErrorKind,
        path: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        RegistryError {
            kind,
            path: one_line(path),
            line: line.max(1),
            column: column.max(1),
            message: one_line(&message.into()),
        }
    }
}

/// Replace control characters (newlines included) so a message stays on one line.
pub(crate) fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Quote a user-supplied name (flag key, field, value) for a message: backticks, escaped.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    if text.chars().count() > 80 {
        out.extend(text.chars().take(77).flat_map(char::escape_debug));
        out.push_str("...");
    } else {
        out.extend(text.chars().flat_map(char::escape_debug));
    }
    out.push('`');
    out
}

/// Read `root/rel_path`, detect its format from its name and content, and parse it.
///
/// `rel_path` is relative to `root` (either separator); declarations carry it `/`-separated.
pub fn load_file(root: &Path, rel_path: &str) -> Result<Registry, RegistryError> {
    let rel = rel_path.replace('\\', "/");
    let text = read_limited(&root.join(rel_path), &rel)?;
    let kind = detect_kind(&rel, &text)?;
    parse_str(&rel, &text, kind)
}

/// Read `root/rel_path` as the shape `format` (a registry named in the config with `format:`).
pub fn load_shaped(
    root: &Path,
    rel_path: &str,
    format: shapes::Format,
    under: Option<&str>,
    name: Option<&str>,
) -> Result<Registry, RegistryError> {
    let rel = rel_path.replace('\\', "/");
    let text = read_limited(&root.join(rel_path), &rel)?;
    shapes::parse(
        &rel,
        text.strip_prefix('\u{feff}').unwrap_or(&text),
        format,
        under,
        name,
    )
}

/// Load every file (e.g. the output of [`discover`]); a file that fails does not stop the rest.
pub fn load_all(root: &Path, rel_paths: &[String]) -> (Registry, Vec<RegistryError>) {
    let mut registry = Registry::default();
    let mut errors = Vec::new();
    for rel in rel_paths {
        match load_file(root, rel) {
            Ok(loaded) => {
                registry.declarations.extend(loaded.declarations);
                registry.problems.extend(loaded.problems);
            }
            Err(err) => errors.push(err),
        }
    }
    registry.sort();
    errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    (registry, errors)
}

/// Parse registry text already in memory, as `kind`. `rel_path` is only used for locations.
pub fn parse_str(rel_path: &str, text: &str, kind: SourceKind) -> Result<Registry, RegistryError> {
    let rel = rel_path.replace('\\', "/");
    let rel_path = rel.as_str();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(rel_path, text.len() as u64));
    }
    let mut registry = match kind {
        SourceKind::Yaml => yaml::parse_registry(rel_path, text)?,
        SourceKind::FlagDir => yaml::parse_flag_file(rel_path, text)?,
        SourceKind::Flagd => json::parse_flagd(rel_path, text)?,
        SourceKind::OpenFeatureManifest => json::parse_manifest(rel_path, text)?,
        SourceKind::FlagsmithEnvironment => shapes::parse(
            rel_path,
            text,
            shapes::Format::FlagsmithEnvironment,
            None,
            None,
        )?,
        SourceKind::KeyValue => {
            shapes::parse(rel_path, text, shapes::Format::KeyValue, None, None)?
        }
        SourceKind::Map => shapes::parse(rel_path, text, shapes::Format::Map, None, None)?,
        SourceKind::Code | SourceKind::CodeType => {
            return Err(RegistryError::new(
                RegistryErrorKind::Shape,
                rel_path,
                1,
                1,
                "code declarations come from the scanner, not from a registry file",
            ))
        }
    };
    registry.sort();
    Ok(registry)
}

/// Which format `text` (from `rel_path`) is in: by name first, then by content.
pub fn detect_kind(rel_path: &str, text: &str) -> Result<SourceKind, RegistryError> {
    if let Some(kind) = kind_for_path(rel_path) {
        return Ok(kind);
    }
    let lower = rel_path.to_ascii_lowercase();
    if lower.ends_with(".json") {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if serde_json::from_str::<serde_json::Value>(text)
            .is_ok_and(|doc| shapes::is_flagsmith_environment(&doc))
        {
            return Ok(SourceKind::FlagsmithEnvironment);
        }
        return match json::detect(text) {
            Some(kind) => Ok(kind),
            None => Err(RegistryError::new(
                RegistryErrorKind::Shape,
                rel_path,
                1,
                1,
                "not a flagd flag file or an OpenFeature flag manifest (expected a top-level `flags` object whose flags have `state`/`variants` or `flagType`/`defaultValue`)",
            )),
        };
    }
    if [".properties", ".ini", ".env", ".cfg", ".conf"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Ok(SourceKind::KeyValue);
    }
    // Any other YAML file given explicitly: a single flag definition if it looks like one,
    // otherwise the flagdebt registry shape.
    if yaml::looks_like_flag_file(text) {
        Ok(SourceKind::FlagDir)
    } else {
        Ok(SourceKind::Yaml)
    }
}

fn too_large(rel_path: &str, size: u64) -> RegistryError {
    RegistryError::new(
        RegistryErrorKind::Budget,
        rel_path,
        1,
        1,
        format!("file is {size} bytes; registry files over {MAX_FILE_BYTES} bytes are refused"),
    )
}

/// Read a regular file of at most [`MAX_FILE_BYTES`] as UTF-8 (checked before and while
/// reading, so a huge or growing file is never read whole).
fn read_limited(path: &Path, rel: &str) -> Result<String, RegistryError> {
    use crate::input::ReadError;
    crate::input::read_text(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::TooLarge { size, .. } => too_large(rel, size),
        ReadError::NotUtf8 { line, column } => RegistryError::new(
            RegistryErrorKind::Io,
            rel,
            line,
            column,
            "file is not valid UTF-8",
        ),
        ReadError::NotRegular(_) => {
            RegistryError::new(RegistryErrorKind::Io, rel, 1, 1, e.to_string())
        }
        ReadError::Io(err) => RegistryError::new(
            RegistryErrorKind::Io,
            rel,
            1,
            1,
            format!("cannot read file: {err}"),
        ),
    })
}
