//! `.flagdebt.yml`: discovered upward from the working directory (or named with `--config`),
//! and its schema. Every field is optional; an unknown field is an error naming the file, so a
//! typo never silently turns a check off.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use crate::rules::{EnvSettings, KeyTransform};
use crate::walk::WalkOptions;

pub const FILE_NAMES: &[&str] = &[".flagdebt.yml", ".flagdebt.yaml", "flagdebt.yml"];

/// The largest config file read (a config is a few KB; anything bigger is a mistake or hostile).
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Registry files or folders (relative to the config file), each a path or
    /// `{path, format, under, name}`. Empty: discovered.
    #[serde(default)]
    pub registries: Vec<RegistryEntry>,
    /// Extra rule files (relative to the config file), or rules written inline (a map in the
    /// rule format).
    #[serde(default)]
    pub rules: Vec<RuleEntry>,
    /// Built-in packs to switch off, by provider (`launchdarkly`, `unleash`, `env`, ...).
    #[serde(default)]
    pub disable_packs: Vec<String>,
    /// In-house helper callees, `receiver.name` patterns (`*flags.is_on`), key at argument 0.
    #[serde(default)]
    pub helpers: Vec<String>,
    #[serde(default)]
    pub env: EnvConfig,
    /// Extra path globs to leave out, added to the defaults.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Globs of generated files, besides those with a `Code generated ... DO NOT EDIT.` header:
    /// a flag read only from generated code is `unused-flag`.
    #[serde(default)]
    pub generated: Vec<String>,
    /// Presets to force on (`kubernetes`) or off (`-gitlab`); the others are detected.
    #[serde(default)]
    pub presets: Vec<String>,
    /// Replace the default excludes (vendor, node_modules, third_party).
    pub default_excludes: Option<bool>,
    /// Files larger than this many bytes are skipped (default 2 MB).
    pub max_file_size: Option<u64>,
    /// Files read by name (registries aside: env files, rule files, snapshots, baselines)
    /// larger than this many bytes are an error (default 64 MB).
    pub max_input_size: Option<u64>,
    /// Consumer classes: class name → path globs.
    #[serde(default)]
    pub consumers: BTreeMap<String, Vec<String>>,
    /// Severity per check code: error | warning | info | off.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Provider connections (see the README's "Provider state").
    #[serde(default)]
    pub providers: Vec<crate::provider::ProviderConfig>,
    /// Environments that must always agree (say Production and Development), by name,
    /// case-insensitive: `agree: [[production, development]]`.
    #[serde(default)]
    pub agree: Vec<Vec<String>>,
    /// What makes a flag declared: `registry`, `provider`, or both (the default).
    #[serde(default = "default_declared_by")]
    pub declared_by: Vec<DeclaredBy>,
    /// Deployment env files (dotenv, `heroku config --json`) to check for dormant overrides.
    #[serde(default)]
    pub env_files: Vec<String>,
    /// The repository's own release version, when no VERSION file, package manifest or git
    /// tag says it (`1.15.0`): declared removal and introduced versions are compared with it.
    pub version: Option<String>,
    /// The weekly report (`flagdebt report`).
    #[serde(default)]
    pub report: ReportConfig,
    /// Where the config was read from (not part of the schema).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// One `rules:` entry: a rule file's path, or one rule written in the config.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RuleEntry {
    File(String),
    Inline(serde_json::Value),
}

/// One `registries:` entry: a path (format from its name and content), or a path with the
/// shape to read it as.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RegistryEntry {
    Path(String),
    Shaped(ShapedRegistry),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapedRegistry {
    pub path: String,
    /// key-value | map | flagsmith-environment | typescript | java | python
    pub format: crate::registry::shapes::Format,
    /// key-value: the `[section]` holding the flags; map: the dotted path to the map.
    pub under: Option<String>,
    /// typescript | java | python: the type, enum or object that lists the flags.
    pub name: Option<String>,
}

impl RegistryEntry {
    pub fn path(&self) -> &str {
        match self {
            RegistryEntry::Path(p) => p,
            RegistryEntry::Shaped(s) => &s.path,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeclaredBy {
    Registry,
    Provider,
}

fn default_declared_by() -> Vec<DeclaredBy> {
    vec![DeclaredBy::Registry, DeclaredBy::Provider]
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvConfig {
    /// Variable prefixes that mark a flag (default FLAG_, FEATURE_, FF_).
    pub prefixes: Option<Vec<String>>,
    /// strip_prefix_lower (default) | strip_prefix | strip_prefix_kebab | none
    pub key_transform: Option<KeyTransform>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Days a flag may sit fully on / off / at GA before it is stale (default 30).
    pub stale_days: u32,
    /// Minor releases a flag may stay on by default after the version it was introduced in
    /// before it is stale (its off path is dead code by then): default 2.
    pub stale_releases: u32,
}

/// `report:`: settings of `flagdebt report`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// A flag whose removal date is at most this many days away is listed as expiring soon.
    pub soon_days: u32,
    /// Link to a line: `{path}`, `{line}` and `{commit}` (HEAD, or `main` without git) are
    /// replaced: `https://github.com/org/repo/blob/{commit}/{path}#L{line}`.
    pub url_template: Option<String>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            soon_days: 14,
            url_template: None,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            stale_days: 30,
            stale_releases: 2,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            registries: Vec::new(),
            rules: Vec::new(),
            disable_packs: Vec::new(),
            helpers: Vec::new(),
            env: EnvConfig::default(),
            exclude: Vec::new(),
            default_excludes: None,
            max_file_size: None,
            max_input_size: None,
            consumers: BTreeMap::new(),
            severity: BTreeMap::new(),
            thresholds: Thresholds::default(),
            providers: Vec::new(),
            agree: Vec::new(),
            declared_by: default_declared_by(),
            env_files: Vec::new(),
            version: None,
            generated: Vec::new(),
            presets: Vec::new(),
            report: ReportConfig::default(),
            path: None,
        }
    }
}

impl Config {
    /// Find the config upward from `start`, or read `explicit`.
    pub fn discover(start: &Path, explicit: Option<&Path>) -> Result<Config> {
        if let Some(p) = explicit {
            return Config::read(p);
        }
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            for name in FILE_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return Config::read(&p);
                }
            }
            dir = d.parent();
        }
        Ok(Config::default())
    }

    pub fn read(path: &Path) -> Result<Config> {
        let text = crate::input::read_text(path, MAX_CONFIG_BYTES)
            .map_err(|e| anyhow::anyhow!("{}: config: {e}", path.display()))?;
        let mut cfg = Config::parse(&text, path)?;
        cfg.path = Some(path.to_path_buf());
        if let Some(m) = cfg.max_input_size {
            crate::input::set_max_input(m);
        }
        Ok(cfg)
    }

    /// A config's text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let cfg: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            // The registry's budgets (size, depth, alias expansion) guard the config too.
            serde_saphyr::from_str_with_options(text, {
                let mut o = crate::registry::yaml::options();
                o.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
                o
            })
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    yaml_error(&path.display().to_string(), &e.to_string())
                )
            })?
        };
        Ok(cfg)
    }

    /// The folder paths in the config are relative to.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    pub fn env_settings(&self) -> EnvSettings {
        let d = EnvSettings::default();
        EnvSettings {
            prefixes: self.env.prefixes.clone().unwrap_or(d.prefixes),
            transform: self.env.key_transform.unwrap_or(d.transform),
        }
    }

    pub fn walk_options(&self) -> WalkOptions {
        let mut w = WalkOptions::default();
        if self.default_excludes == Some(false) {
            w.exclude.clear();
        }
        w.exclude.extend(self.exclude.iter().cloned());
        if let Some(m) = self.max_file_size {
            w.max_file_size = m;
        }
        w.generated = self.generated.clone();
        w
    }

    /// Extra rule files as (name, text), plus the `helpers:` list as a generated rule file.
    pub fn extra_rules(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        let mut inline = Vec::new();
        for r in &self.rules {
            let r = match r {
                RuleEntry::File(r) => r,
                RuleEntry::Inline(v) => {
                    inline.push(v.to_string());
                    continue;
                }
            };
            let p = match self.base_dir() {
                Some(b) => b.join(r),
                None => PathBuf::from(r),
            };
            out.push(crate::rules::read_rule_file(&p)?);
        }
        if !inline.is_empty() {
            // JSON is YAML: the rules as written, one rule file.
            let name = match &self.path {
                Some(p) => format!("{} (rules)", p.display()),
                None => "config rules".into(),
            };
            out.push((name, format!("rules: [{}]", inline.join(", "))));
        }
        if !self.helpers.is_empty() {
            let calls: Vec<String> = self
                .helpers
                .iter()
                .map(|h| format!("\"{}\"", h.replace('"', "")))
                .collect();
            let mut text = String::from("rules:\n");
            for lang in [
                "python",
                "go",
                "javascript",
                "typescript",
                "java",
                "ruby",
                "rust",
            ] {
                text.push_str(&format!(
                    "  - id: config-helpers-{lang}\n    language: {lang}\n    provider: custom\n    call: [{}]\n    key: {{ arg: 0 }}\n",
                    calls.join(", ")
                ));
            }
            let name = match &self.path {
                Some(p) => format!("{} (helpers)", p.display()),
                None => "config helpers".into(),
            };
            out.push((name, text));
        }
        Ok(out)
    }
}

/// A YAML error as one `path:line:column: message` line (serde-saphyr's own text adds a
/// source excerpt, which a one-line CLI error leaves out).
pub fn yaml_error(path: &str, err: &str) -> String {
    let first = err.split(" --> ").next().unwrap_or(err);
    let first = one_line(first);
    let first = first.trim_start_matches("error: ");
    let first = first.replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    let first = first.as_str();
    let located = first.strip_prefix("line ").and_then(|rest| {
        let (line, rest) = rest.split_once(" column ")?;
        let (col, msg) = rest.split_once(": ")?;
        Some(format!("{path}:{}:{}: {msg}", line.trim(), col.trim()))
    });
    let trailing = || {
        let (msg, at) = first.rsplit_once(" at line ")?;
        let (line, col) = at.split_once(", column ")?;
        Some(format!("{path}:{}:{}: {msg}", line.trim(), col.trim()))
    };
    located
        .or_else(trailing)
        .unwrap_or_else(|| format!("{path}: {first}"))
}

/// Errors from YAML parsers can span several lines; a CLI error is one line.
pub fn one_line(s: &str) -> String {
    let joined = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    crate::report::escape::line(&joined).into_owned()
}
