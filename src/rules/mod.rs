//! Rules are data: `rules/*.yml` (built in, embedded at compile time) and the user's own files.
//! A rule says what one kind of flag read (or declaration) looks like in one language. Rule
//! files are deserialized into [`RuleSpec`]s, then compiled once into [`RuleSet`], which the
//! scanner indexes by callee name; a bad rule fails at load, naming its file.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::lang::Language;

/// The rule packs that ship in the binary, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "openfeature.yml",
        include_str!("../../rules/openfeature.yml"),
    ),
    ("flagsmith.yml", include_str!("../../rules/flagsmith.yml")),
    (
        "launchdarkly.yml",
        include_str!("../../rules/launchdarkly.yml"),
    ),
    ("unleash.yml", include_str!("../../rules/unleash.yml")),
    ("waffle.yml", include_str!("../../rules/waffle.yml")),
    ("flipper.yml", include_str!("../../rules/flipper.yml")),
    ("posthog.yml", include_str!("../../rules/posthog.yml")),
    ("growthbook.yml", include_str!("../../rules/growthbook.yml")),
    ("configcat.yml", include_str!("../../rules/configcat.yml")),
    ("devcycle.yml", include_str!("../../rules/devcycle.yml")),
    ("statsig.yml", include_str!("../../rules/statsig.yml")),
    ("split.yml", include_str!("../../rules/split.yml")),
    ("flipt.yml", include_str!("../../rules/flipt.yml")),
    (
        "featuremanagement.yml",
        include_str!("../../rules/featuremanagement.yml"),
    ),
    ("inhouse.yml", include_str!("../../rules/inhouse.yml")),
    ("env.yml", include_str!("../../rules/env.yml")),
];

/// The built-in packs (these and the presets', `presets/NAME.yml`) as JSON, by file name
/// under `rules/`: `build.rs` reads the YAML once, at build time.
const BUILTIN_JSON: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// A built-in pack's content: its JSON form when it has one (every pack of `rules/` does),
/// else its YAML `text`.
pub fn read_builtin<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T> {
    let name = name.strip_prefix("rules/").unwrap_or(name);
    match BUILTIN_JSON.iter().find(|(n, _)| *n == name) {
        Some((_, json)) => serde_json::from_str(json)
            .with_context(|| format!("built-in rule file rules/{name} is invalid")),
        None => serde_saphyr::from_str(text)
            .with_context(|| format!("built-in rule file rules/{name} is invalid")),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<RuleSpec>,
}

/// Where a value is: an argument by position or by keyword (Python/Ruby keyword arguments, Go
/// struct literal field names), the call's receiver, a map entry's key, the name the
/// declaration is assigned to, or a tagged line of the comment block above it. `inner` looks
/// inside the picked value when it is itself a call (`parse_boolean(os.environ.get("X"))`) or a
/// struct or object literal, whose keyed fields are keyword arguments
/// (`IsFeatureEnabled(FeatureFlagPayload{Key: "x"})`, `evaluateBoolean({ flagKey: "x" })`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    pub arg: Option<usize>,
    pub keyword: Option<String>,
    /// The receiver of a call (`featureflag.X.IsEnabled(ctx)`: `featureflag.X`).
    #[serde(default)]
    pub receiver: bool,
    /// The key of the map entry whose value is the matched literal (`map[K]Spec{Key: {...}}`).
    #[serde(default)]
    pub entry_key: bool,
    /// The package-level (module-level) name the value is assigned to (`X = call(...)`).
    #[serde(default)]
    pub binding: bool,
    /// A tag of the comment block right above the declaration (`// owner: @alice` → `owner`);
    /// `"*"` is the block's untagged text.
    pub comment: Option<String>,
    /// Pick again inside the picked value, which must be a call (its receiver and arguments)
    /// or a struct / object literal (its keyed fields, by `keyword`).
    pub inner: Option<Box<ArgSpec>>,
    /// The picked value may be a list of keys (`useFlags(["a", "b"])`): each element is a
    /// read. A single key is read as usual.
    #[serde(default)]
    pub elements: bool,
    /// The rule applies only when the key is written as a string literal: where two SDKs
    /// share a method name with the key at different places (`getTreatment(user, "split")`
    /// and `getTreatment("split", attributes)`), the other shape is tried next.
    #[serde(default)]
    pub literal: bool,
    /// Map the value's source text (or literal value) to another value
    /// (`featuregate.GA` → `ga`). Unmapped values are kept as written.
    #[serde(default)]
    pub values: BTreeMap<String, serde_json::Value>,
}

impl ArgSpec {
    /// Whether the value is a call argument (a call with none cannot have it); a receiver's
    /// is not.
    pub fn needs_argument(&self) -> bool {
        !self.receiver && !self.binding && !self.entry_key && self.comment.is_none()
    }

    /// Whether the spec says where to look at all.
    pub fn is_set(&self) -> bool {
        self.arg.is_some()
            || self.keyword.is_some()
            || self.receiver
            || self.entry_key
            || self.binding
            || self.comment.is_some()
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    #[default]
    Reference,
    Declaration,
    /// A read found by a regular expression in files no parser reads (templates, CI YAML,
    /// shell): `files:` globs and a `pattern:` with a `key` group.
    Text,
}

/// One rule as written in YAML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    /// One language name, or a list (`kind: text` rules need none).
    #[serde(default, deserialize_with = "one_or_many")]
    pub language: Vec<String>,
    pub provider: String,
    #[serde(default)]
    pub kind: RuleKind,
    /// Callee patterns `receiver.name`: the receiver is a glob (`*` any text, `*flags` any
    /// receiver ending in `flags`), the name is exact. A pattern with no `.` is a bare call.
    #[serde(default, deserialize_with = "one_or_many")]
    pub call: Vec<String>,
    /// Subscript reads `receiver[key]` (e.g. `os.environ`, `ENV`, `process.env`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub subscript: Vec<String>,
    /// Member reads `receiver.KEY` (e.g. `process.env`): the member name is the key.
    #[serde(default, deserialize_with = "one_or_many")]
    pub member: Vec<String>,
    /// Composite (struct) literals of these types, `receiver.Type` globs like `call`
    /// (`*.FeatureSpec`, `FeatureFlag`): keyed fields are keyword arguments, a map literal's
    /// entries are matched with their value's element type and their key as `entry_key`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub composite: Vec<String>,
    /// Typed constant declarations whose type matches (`featuregate.Feature`): the constant's
    /// value is the key, its name the `binding`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub constant: Vec<String>,
    /// Members of enums, classes and object literals whose name, or a type they extend or
    /// implement, matches one of these globs (`Feature`, `Flag*`): each member is a
    /// declaration, its key the member's string value (else its name), its name the binding.
    #[serde(default, deserialize_with = "one_or_many")]
    pub member_of: Vec<String>,
    #[serde(default)]
    pub key: ArgSpec,
    pub default: Option<ArgSpec>,
    /// Only keys matching this regex count. Env rules use the configured flag prefixes instead.
    pub key_pattern: Option<String>,
    /// Env rules: how the variable name becomes a flag key, instead of the configured one.
    pub key_transform: Option<KeyTransform>,
    /// How the SDK spells the keys it hands to code, when not as declared:
    /// `camel` (LaunchDarkly React's `useFlags()`: `new-checkout` is `newCheckout`).
    pub key_case: Option<KeyCase>,
    /// A read counts only when its key is declared in code (`settings.X` where the settings
    /// module declares `X`); other matches are not flag reads.
    #[serde(default)]
    pub declared_only: bool,
    /// Module globs: a call counts only when its name (a bare call) or its receiver's first
    /// name is imported from one of them (`useFlag` from `@openfeature/react-sdk`, not a
    /// project's own `useFlag`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub imported_from: Vec<String>,
    /// `kind: declaration`: where each declared attribute comes from, by field name (`owner`,
    /// `description`, `default`, `stage`, `remove_by`, `type`; any other name is kept as an
    /// extra field, e.g. `introduced`, `lock_to_default`, `deprecated`).
    #[serde(default)]
    pub fields: BTreeMap<String, ArgSpec>,
    /// `kind: declaration`: the name the declaration is bound to (`X = new("x")`, a typed
    /// constant's name) is the flag's symbol, and every use of it in code is a reference
    /// (`pkg.X.Enabled()`, `pkg.X` passed as a value, `X` in its own package or module).
    #[serde(default)]
    pub symbol: bool,
    pub description: Option<String>,
    /// `kind: text`: path globs of the files read (`**/templates/**/*.html`, `**/*.sh`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub files: Vec<String>,
    /// `kind: text`: a regular expression with a named group `key`.
    pub pattern: Option<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// A receiver pattern, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    /// A bare call `name(...)`: no receiver.
    None,
    /// A glob over the receiver's text (whitespace removed, `::` read as `.`).
    Glob(String),
}

impl Receiver {
    pub fn matches(&self, receiver: Option<&str>) -> bool {
        match (self, receiver) {
            (Receiver::None, None) => true,
            // `this.getStringValue(v)`: a class's own method, not an SDK client's.
            (Receiver::Glob(g), Some("this" | "self" | "super")) if g == "*" => false,
            (Receiver::Glob(g), Some(r)) => glob_match(g, r),
            _ => false,
        }
    }
}

/// `*` matches any run of characters (including none); everything else is literal.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (usize::MAX, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != b'*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = pi;
            mark = ti;
            pi += 1;
        } else if star != usize::MAX {
            pi = star + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Normalise a receiver's source text: drop white space, read `::` as `.`.
pub fn normalize_receiver(text: &str) -> String {
    // Most receivers (`client`, `ld_client.flags`) have nothing to rewrite.
    if text
        .bytes()
        .all(|c| c.is_ascii_graphic() && !matches!(c, b':' | b'-' | b'$'))
    {
        return text.to_string();
    }
    let mut s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if s.contains("::") {
        s = s.replace("::", ".");
    }
    // PHP: `$this->flags?->client` reads as `this.flags.client`.
    if s.contains("->") {
        s = s.replace("?->", ".").replace("->", ".");
    }
    if let Some(rest) = s.strip_prefix("$this") {
        if rest.is_empty() || rest.starts_with('.') {
            s = format!("this{rest}");
        }
    }
    s
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub provider: String,
    pub kind: RuleKind,
    pub languages: Vec<Language>,
    pub key: ArgSpec,
    pub default: Option<ArgSpec>,
    pub key_pattern: Option<Pattern>,
    /// `provider: env`: the key is an environment variable name, filtered by the flag prefixes
    /// and mapped to a registry key.
    pub is_env: bool,
    /// Overrides the configured env key transform for this rule.
    pub key_transform: Option<KeyTransform>,
    /// The keys this rule reads are spelled by the SDK, not as declared ([`KeyCase`]).
    pub key_case: Option<KeyCase>,
    pub declared_only: bool,
    /// Module globs the callee must be imported from (empty: any).
    pub imported_from: Vec<String>,
    /// Declaration attributes, by field name.
    pub fields: Vec<(String, ArgSpec)>,
    /// A rule made for a wrapper function found in the code (its reads are `via: wrapper`).
    pub wrapper: bool,
    /// `kind: text`: which files, and the expression with its `key` group.
    pub text: Option<TextMatcher>,
    /// A built-in or preset rule (a user's rule of the same id or callee replaces it).
    pub builtin: bool,
    /// A declaration rule: its binding is the flag's symbol. A reference rule: made for the
    /// uses of a declaration rule's symbols (`via: symbol`; uses that do not resolve to a
    /// declared flag are not reads).
    pub symbol: bool,
    pub source: String,
    /// Root-relative folders the rule reads in (None: everywhere). A preset found by a marker
    /// in one subproject applies there only ([`crate::presets::scope_rules`]); rules made from
    /// this one (wrappers, symbols) keep it.
    pub scope: Option<Vec<String>>,
}

impl Rule {
    /// Whether the rule reads in this root-relative file.
    pub fn applies_to(&self, path: &str) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|dirs| dirs.iter().any(|d| crate::project::under(path, d)))
    }
}

/// A text rule, compiled.
#[derive(Debug, Clone)]
pub struct TextMatcher {
    pub files: globset::GlobSet,
    pub pattern: Pattern,
}

/// A rule's regular expression (`pattern`, `key_pattern`). A user's is compiled when the rule
/// is loaded, so a bad one is an error naming its rule file. A built-in pack's is compiled on
/// first use: most runs use none of them (a text rule whose files the tree does not have, a
/// preset's key filter), and compiling the Unicode classes of three patterns was a fifth of
/// the rule packs' load time. The tests compile every built-in one
/// (`builtin_patterns_compile`).
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    compiled: std::sync::OnceLock<regex::Regex>,
}

impl Pattern {
    /// A built-in or preset pack's pattern, compiled on first use; a user's, compiled now.
    fn new(source: &str, builtin: bool) -> std::result::Result<Pattern, regex::Error> {
        let compiled = std::sync::OnceLock::new();
        if !builtin {
            let _ = compiled.set(regex::Regex::new(source)?);
        }
        Ok(Pattern {
            source: source.to_string(),
            compiled,
        })
    }

    pub fn regex(&self) -> &regex::Regex {
        self.compiled.get_or_init(|| {
            regex::Regex::new(&self.source).expect("built-in rule patterns compile (tested)")
        })
    }
}

#[derive(Debug, Clone)]
pub struct Matcher {
    pub rule: usize,
    pub receiver: Receiver,
}

/// The rules of one language, indexed for one traversal per file.
#[derive(Debug, Default)]
pub struct LangRules {
    /// Callee name → the rules whose `call` patterns end in that name.
    pub calls: HashMap<String, Vec<Matcher>>,
    /// Subscript receivers (e.g. `os.environ`).
    pub subscripts: Vec<Matcher>,
    /// Member receivers (e.g. `process.env`).
    pub members: Vec<Matcher>,
    /// Composite literal type name → the rules whose `composite` patterns end in that name.
    pub composites: HashMap<String, Vec<Matcher>>,
    /// Typed constant declarations, by type glob.
    pub constants: Vec<Matcher>,
    /// Enum, class and object members, by a glob over the container's name and supertypes.
    pub member_of: Vec<Matcher>,
}

impl LangRules {
    /// The first matcher of a call `receiver.name` (receiver None for a bare call; both as
    /// seen after import aliasing): the one place a call is matched against the rules.
    pub fn find_call(&self, name: &str, receiver: Option<&str>) -> Option<&Matcher> {
        self.calls
            .get(name)?
            .iter()
            .find(|m| m.receiver.matches(receiver))
    }

    /// Every call matcher for `name` whose receiver pattern accepts `receiver`, in rule order.
    pub fn matching_calls<'a>(
        &'a self,
        name: &str,
        receiver: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Matcher> + 'a {
        self.calls
            .get(name)
            .into_iter()
            .flatten()
            .filter(move |m| m.receiver.matches(receiver))
    }

    /// A user's rule replaces the built-in matchers of the same shape: where a user rule
    /// matches a callee (subscript, member, ...) with the same receiver pattern, the built-in
    /// and preset matchers of that pattern are dropped in this language.
    fn prefer_user_rules(&mut self, rules: &[Rule]) {
        let user = |m: &Matcher| !rules[m.rule].builtin;
        let keep = |ms: &mut Vec<Matcher>| {
            let mine: Vec<Receiver> = ms
                .iter()
                .filter(|m| user(m))
                .map(|m| m.receiver.clone())
                .collect();
            ms.retain(|m| user(m) || !mine.contains(&m.receiver));
        };
        self.calls.values_mut().for_each(keep);
        self.composites.values_mut().for_each(keep);
        keep(&mut self.subscripts);
        keep(&mut self.members);
        keep(&mut self.constants);
        keep(&mut self.member_of);
        self.calls.retain(|_, ms| !ms.is_empty());
        self.composites.retain(|_, ms| !ms.is_empty());
    }

    /// The names of calls whose result a subscript or member rule reads (`useFlags` of
    /// `member: ["useFlags()"]`): their result is read through a variable bound to it too.
    pub fn result_calls(&self) -> impl Iterator<Item = &str> {
        self.subscripts
            .iter()
            .chain(&self.members)
            .filter_map(|m| match &m.receiver {
                Receiver::Glob(g) => g.strip_suffix("()"),
                Receiver::None => None,
            })
            .map(|g| g.rsplit('.').next().unwrap_or(g))
            .filter(|n| !n.is_empty() && !n.contains('*'))
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
            && self.subscripts.is_empty()
            && self.members.is_empty()
            && self.composites.is_empty()
            && self.constants.is_empty()
            && self.member_of.is_empty()
    }
}

/// Settings that shape how env rules read keys.
#[derive(Debug, Clone)]
pub struct EnvSettings {
    /// Variables with these prefixes are flags (`FLAG_`, `FEATURE_`, `FF_`).
    pub prefixes: Vec<String>,
    /// How `FLAG_MY_FEATURE` becomes a registry key.
    pub transform: KeyTransform,
}

impl Default for EnvSettings {
    fn default() -> Self {
        EnvSettings {
            prefixes: vec!["FLAG_".into(), "FEATURE_".into(), "FF_".into()],
            transform: KeyTransform::StripPrefixLower,
        }
    }
}

/// How an SDK spells flag keys in what it hands to code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyCase {
    /// camelCased (`new-checkout`, `new_checkout` → `newCheckout`): a read names the declared
    /// or provider flag whose key is the same letters and digits, case aside
    /// ([`KeyCase::fold`]); a read that names none keeps its spelling.
    Camel,
}

impl KeyCase {
    /// The letters and digits of a key, lowercased: what a camelCased key and the key it
    /// came from share (`newCheckout`, `new-checkout` → `newcheckout`).
    pub fn fold(key: &str) -> String {
        key.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum KeyTransform {
    /// `FLAG_MY_FEATURE` → `my_feature` (the `FLAG_<UPPER_KEY>` convention).
    #[default]
    StripPrefixLower,
    /// `FLAG_MY_FEATURE` → `MY_FEATURE`.
    StripPrefix,
    /// `FLAG_MY_FEATURE` → `my-feature`.
    StripPrefixKebab,
    /// The variable name as it is.
    None,
}

impl EnvSettings {
    /// The registry key an env variable maps to, or None when it is not a flag variable.
    pub fn map(&self, var: &str) -> Option<String> {
        self.map_with(var, None)
    }

    /// [`EnvSettings::map`] with a rule's own transform, when it has one.
    pub fn map_with(&self, var: &str, transform: Option<KeyTransform>) -> Option<String> {
        let prefix = self.prefixes.iter().find(|p| var.starts_with(p.as_str()))?;
        let rest = &var[prefix.len()..];
        if rest.is_empty() {
            return None;
        }
        Some(match transform.unwrap_or(self.transform) {
            KeyTransform::StripPrefixLower => rest.to_ascii_lowercase(),
            KeyTransform::StripPrefix => rest.to_string(),
            KeyTransform::StripPrefixKebab => rest.to_ascii_lowercase().replace('_', "-"),
            KeyTransform::None => var.to_string(),
        })
    }
}

/// Every rule of a run, compiled, with the prefilter's literals.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub by_lang: HashMap<Language, LangRules>,
    pub env: EnvSettings,
    /// Find wrapper functions (a parameter flowing into a rule's key argument) and read their
    /// callers' arguments as references (`via: wrapper`). On for every loaded rule set.
    pub wrappers: bool,
    /// Symbol names whose uses are references, by language, each with the rule its uses are
    /// read with (the symbol pass's rule set only; see `scan::symbols`).
    pub symbols: HashMap<Language, HashMap<String, usize>>,
}

impl RuleSet {
    /// Built-in packs (minus `disabled` providers) plus the user's rule files.
    pub fn load(
        extra: &[(String, String)],
        disabled: &[String],
        env: EnvSettings,
    ) -> Result<RuleSet> {
        Self::load_with(&[], extra, disabled, env)
    }

    /// [`RuleSet::load`] with preset packs (`(file name, text)`) first: their more specific
    /// matchers are tried before the general packs'.
    pub fn load_with(
        packs: &[(&str, &str)],
        extra: &[(String, String)],
        disabled: &[String],
        env: EnvSettings,
    ) -> Result<RuleSet> {
        let mut specs = Vec::new();
        for (name, text) in packs.iter().chain(BUILTIN) {
            let file: RuleFile = read_builtin(name, text)?;
            specs.extend(
                file.rules
                    .into_iter()
                    .filter(|r| !disabled.iter().any(|d| d == &r.provider))
                    .map(|r| (format!("rules/{name}"), r)),
            );
        }
        let mut builtin = specs.len();
        for (path, text) in extra {
            // The located first line only: the parser's snippet would quote the file, which
            // may be any file (`rules: [/etc/passwd]`).
            let file: RuleFile = serde_saphyr::from_str(text).map_err(|e| {
                anyhow::anyhow!(
                    "{} (not a valid rule file)",
                    crate::config::yaml_error(path, &e.to_string())
                )
            })?;
            for r in file.rules {
                // A user's rule with a built-in rule's id replaces it.
                if let Some(i) = specs[..builtin].iter().position(|(_, s)| s.id == r.id) {
                    specs.remove(i);
                    builtin -= 1;
                }
                specs.push((path.clone(), r));
            }
        }
        let mut set = Self::compile(specs, env, builtin)?;
        for lr in set.by_lang.values_mut() {
            lr.prefer_user_rules(&set.rules);
        }
        Ok(set)
    }

    /// The first `builtin` specs are built-in or preset packs' rules.
    pub fn compile(
        specs: Vec<(String, RuleSpec)>,
        env: EnvSettings,
        builtin: usize,
    ) -> Result<RuleSet> {
        let mut rules = Vec::new();
        let mut by_lang: HashMap<Language, LangRules> = HashMap::new();
        let mut ids = HashSet::new();
        for (source, spec) in specs {
            let idx = rules.len();
            let rule = compile_rule(&source, &spec, &mut ids, idx < builtin)?;
            for &lang in &rule.languages {
                let lr = by_lang.entry(lang).or_default();
                for pat in &spec.call {
                    let (receiver, name) = split_call(pat);
                    lr.calls.entry(name).or_default().push(Matcher {
                        rule: idx,
                        receiver,
                    });
                }
                for pat in &spec.subscript {
                    lr.subscripts.push(Matcher {
                        rule: idx,
                        receiver: Receiver::Glob(normalize_receiver(pat)),
                    });
                }
                for pat in &spec.member {
                    lr.members.push(Matcher {
                        rule: idx,
                        receiver: Receiver::Glob(normalize_receiver(pat)),
                    });
                }
                for pat in &spec.composite {
                    let (receiver, name) = split_call(pat);
                    lr.composites.entry(name).or_default().push(Matcher {
                        rule: idx,
                        receiver,
                    });
                }
                for pat in &spec.member_of {
                    lr.member_of.push(Matcher {
                        rule: idx,
                        receiver: Receiver::Glob(normalize_receiver(pat)),
                    });
                }
                for pat in &spec.constant {
                    lr.constants.push(Matcher {
                        rule: idx,
                        receiver: Receiver::Glob(normalize_receiver(pat)),
                    });
                }
            }
            rules.push(rule);
        }
        Ok(RuleSet {
            rules,
            by_lang,
            env,
            wrappers: true,
            symbols: HashMap::new(),
        })
    }

    pub fn lang(&self, lang: Language) -> Option<&LangRules> {
        self.by_lang.get(&lang).filter(|r| !r.is_empty())
    }

    /// The literals the prefilter looks for in a file of this language: callee names, subscript
    /// and member receivers' last segment, and the env flag prefixes.
    pub fn literals(&self, lang: Language) -> BTreeSet<String> {
        self.literal_kinds(lang).into_keys().collect()
    }

    /// [`RuleSet::literals`], each with what it is. A literal that is both a callee name and a
    /// plain word (a prefix, a receiver) is a [`Literal::Word`] or [`Literal::Name`]: the
    /// looser check.
    pub fn literal_kinds(&self, lang: Language) -> BTreeMap<String, Literal> {
        let mut out = BTreeMap::new();
        let Some(lr) = self.by_lang.get(&lang) else {
            return out;
        };
        for (name, matchers) in &lr.calls {
            if matchers.iter().all(|m| self.rules[m.rule].is_env) {
                continue; // env reads are found through the prefixes below
            }
            out.insert(name.clone(), Literal::Call);
        }
        let has_env = lr
            .calls
            .values()
            .flatten()
            .chain(&lr.subscripts)
            .chain(&lr.members)
            .any(|m| self.rules[m.rule].is_env);
        if has_env {
            for p in &self.env.prefixes {
                out.insert(p.clone(), Literal::Word);
            }
        }
        // A whole name (a type or receiver name) where no word literal is already looser; the
        // end of a name where a glob starts it (`*Flags`), looser still.
        let name = |out: &mut BTreeMap<String, Literal>, lit: &str, whole: bool, suffix: bool| {
            let kind = match (suffix, whole) {
                (true, _) => Literal::Suffix,
                (false, true) => Literal::Name,
                (false, false) => Literal::Word,
            };
            match (out.get(lit), kind) {
                (Some(Literal::Suffix), _) => {}
                (Some(Literal::Word), Literal::Name | Literal::Word) => {}
                (Some(Literal::Name), Literal::Name) => {}
                _ => {
                    out.insert(lit.to_string(), kind);
                }
            }
        };
        // Declaration shapes: a composite literal's type name, a constant's type name.
        for k in lr.composites.keys() {
            name(&mut out, k, true, false);
        }
        let receivers = lr.subscripts.iter().chain(&lr.members);
        let receivers = receivers.filter(|m| !self.rules[m.rule].is_env);
        for m in lr.constants.iter().chain(&lr.member_of).chain(receivers) {
            if let Receiver::Glob(g) = &m.receiver {
                if let Some(call) = g.strip_suffix("()") {
                    // A call's result (`useFlags().x`, `const f = useFlags()`): the call.
                    let call = call.rsplit('.').next().unwrap_or(call).trim_matches('*');
                    if !call.is_empty() {
                        out.insert(call.to_string(), Literal::Call);
                    }
                    continue;
                }
                let seg = g.rsplit('.').next().unwrap_or(g);
                let last = seg.trim_matches('*');
                if !last.is_empty() {
                    // `*Flags` as a whole segment: the name may start before the literal.
                    let suffix = seg.starts_with('*') && g.len() == seg.len();
                    name(&mut out, last, !seg.ends_with('*'), suffix);
                }
            }
        }
        out
    }
}

/// What a prefilter literal stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// A callee name: a hit is a call (`name(`, or `name` alone where calls need no parentheses).
    Call,
    /// An env flag prefix, or a receiver segment a glob continues: a hit starts a word.
    Word,
    /// A type name or the last segment of a subscript/member receiver: a hit is a whole word
    /// (`Feature` is not a hit in `FeatureGates`).
    Name,
    /// The end of a name a glob starts (`*Flags`: `MyFlags`): a hit may start inside a word
    /// and ends one.
    Suffix,
}

fn split_call(pat: &str) -> (Receiver, String) {
    let norm = normalize_receiver(pat);
    match norm.rsplit_once('.') {
        Some((recv, name)) => (Receiver::Glob(recv.to_string()), name.to_string()),
        None => (Receiver::None, norm),
    }
}

/// `builtin`: a built-in or preset pack's rule (see [`Pattern`]).
fn compile_rule(
    source: &str,
    spec: &RuleSpec,
    ids: &mut HashSet<String>,
    builtin: bool,
) -> Result<Rule> {
    let at = || format!("{source}: rule `{}`", spec.id);
    if spec.id.is_empty()
        || !spec
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        bail!("{source}: rule id `{}` must be kebab-case", spec.id);
    }
    if !ids.insert(spec.id.clone()) {
        bail!("{}: duplicate rule id", at());
    }
    if spec.kind == RuleKind::Text {
        return compile_text_rule(source, spec, builtin);
    }
    if !spec.files.is_empty() || spec.pattern.is_some() {
        bail!(
            "{}: `files` and `pattern` belong to `kind: text` rules",
            at()
        );
    }
    let mut languages = Vec::new();
    for l in &spec.language {
        match Language::parse_rule_language(l) {
            Some(ls) => languages.extend(ls),
            None => bail!("{}: unknown language `{l}`", at()),
        }
    }
    if languages.is_empty() {
        bail!("{}: no language", at());
    }
    if spec.call.is_empty()
        && spec.subscript.is_empty()
        && spec.member.is_empty()
        && spec.composite.is_empty()
        && spec.constant.is_empty()
        && spec.member_of.is_empty()
    {
        bail!(
            "{}: needs at least one of `call`, `subscript`, `member`, `composite`, `constant`, `member_of`",
            at()
        );
    }
    if spec.kind == RuleKind::Reference
        && (!spec.composite.is_empty() || !spec.constant.is_empty() || !spec.member_of.is_empty())
    {
        bail!(
            "{}: `composite`, `constant` and `member_of` are declaration shapes (`kind: declaration`)",
            at()
        );
    }
    if !spec.member_of.is_empty() {
        use Language::*;
        if let Some(l) = languages
            .iter()
            .find(|l| !matches!(l, Java | Python | JavaScript | TypeScript | Tsx))
        {
            bail!(
                "{}: `member_of` is read in Java, Python, JavaScript and TypeScript, not {}",
                at(),
                l.name()
            );
        }
    }
    if spec.kind == RuleKind::Reference && spec.symbol {
        bail!("{}: `symbol` belongs to `kind: declaration` rules", at());
    }
    if spec.kind == RuleKind::Reference && !spec.fields.is_empty() {
        bail!("{}: `fields` belong to `kind: declaration` rules", at());
    }
    for (name, f) in &spec.fields {
        if !f.is_set() {
            bail!("{}: field `{name}` must say where its value is", at());
        }
    }
    for pat in spec.call.iter().chain(&spec.composite) {
        let (_, name) = split_call(pat);
        if name.is_empty() || name.contains('*') {
            bail!("{}: pattern `{pat}` must end in an exact name", at());
        }
    }
    if (!spec.call.is_empty() || !spec.composite.is_empty()) && !spec.key.is_set() {
        bail!(
            "{}: `key` must say where the key is (`arg`, `keyword`, ...)",
            at()
        );
    }
    const PROVIDERS: &[&str] = &[
        "flagsmith",
        "launchdarkly",
        "unleash",
        "openfeature",
        "waffle",
        "flipper",
        "posthog",
        "growthbook",
        "configcat",
        "devcycle",
        "statsig",
        "split",
        "flipt",
        "featuremanagement",
        "env",
        "custom",
    ];
    if !PROVIDERS.contains(&spec.provider.as_str()) {
        bail!(
            "{}: unknown provider `{}` (one of {})",
            at(),
            spec.provider,
            PROVIDERS.join(", ")
        );
    }
    let key_pattern = match &spec.key_pattern {
        Some(p) => {
            Some(Pattern::new(p, builtin).with_context(|| format!("{}: bad key_pattern", at()))?)
        }
        None => None,
    };
    Ok(Rule {
        id: spec.id.clone(),
        provider: spec.provider.clone(),
        kind: spec.kind,
        languages,
        key: spec.key.clone(),
        default: spec.default.clone(),
        key_pattern,
        is_env: spec.provider == "env" && spec.kind == RuleKind::Reference,
        key_transform: spec.key_transform,
        key_case: spec.key_case,
        declared_only: spec.declared_only,
        imported_from: spec.imported_from.clone(),
        fields: spec
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        wrapper: false,
        text: None,
        builtin,
        symbol: spec.symbol,
        source: source.to_string(),
        scope: None,
    })
}

/// A `kind: text` rule: globs and a regular expression with a `key` group, no call shape.
fn compile_text_rule(source: &str, spec: &RuleSpec, builtin: bool) -> Result<Rule> {
    let at = || format!("{source}: rule `{}`", spec.id);
    if !spec.call.is_empty()
        || !spec.subscript.is_empty()
        || !spec.member.is_empty()
        || !spec.composite.is_empty()
        || !spec.constant.is_empty()
        || !spec.member_of.is_empty()
        || !spec.fields.is_empty()
    {
        bail!(
            "{}: a `kind: text` rule has `files` and `pattern`, not call shapes or fields",
            at()
        );
    }
    if spec.files.is_empty() {
        bail!("{}: a `kind: text` rule needs `files` (path globs)", at());
    }
    let Some(pattern) = &spec.pattern else {
        bail!("{}: a `kind: text` rule needs a `pattern`", at());
    };
    let pattern =
        Pattern::new(pattern, builtin).with_context(|| format!("{}: bad pattern", at()))?;
    if !builtin && !pattern.regex().capture_names().any(|n| n == Some("key")) {
        bail!("{}: `pattern` needs a named group `(?P<key>...)`", at());
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in &spec.files {
        b.add(globset::Glob::new(g).with_context(|| format!("{}: bad glob `{g}`", at()))?);
    }
    let files = b
        .build()
        .with_context(|| format!("{}: bad `files`", at()))?;
    let key_pattern = match &spec.key_pattern {
        Some(p) => {
            Some(Pattern::new(p, builtin).with_context(|| format!("{}: bad key_pattern", at()))?)
        }
        None => None,
    };
    Ok(Rule {
        id: spec.id.clone(),
        provider: spec.provider.clone(),
        kind: RuleKind::Text,
        languages: vec![Language::Text],
        key: ArgSpec::default(),
        default: None,
        key_pattern,
        is_env: false,
        key_transform: None,
        key_case: spec.key_case,
        declared_only: spec.declared_only,
        imported_from: Vec::new(),
        fields: Vec::new(),
        wrapper: false,
        text: Some(TextMatcher { files, pattern }),
        builtin,
        symbol: false,
        source: source.to_string(),
        scope: None,
    })
}

/// Read a user's rule file from disk.
pub fn read_rule_file(path: &Path) -> Result<(String, String)> {
    let text = crate::input::read_named(path)
        .map_err(|e| anyhow::anyhow!("{}: rule file: {e}", path.display()))?;
    Ok((path.display().to_string(), text))
}

#[cfg(test)]
mod tests {

    /// Receivers are compared without white space, with `::` and PHP's `->` as `.`, and
    /// `$this` as `this`; a receiver with none of them is kept as written.
    #[test]
    fn receivers_are_normalized() {
        for (written, read) in [
            ("client", "client"),
            ("ld_client.flags", "ld_client.flags"),
            ("Flags::Client", "Flags.Client"),
            ("$this->flags?->client", "this.flags.client"),
            ("$thisx", "$thisx"),
            ("a .\n  b", "a.b"),
            ("a\u{b}b", "ab"),
            ("é . x", "é.x"),
            ("a-b", "a-b"),
        ] {
            assert_eq!(normalize_receiver(written), read, "{written:?}");
        }
    }

    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*", "client"));
        assert!(glob_match("*flags", "self.flags"));
        assert!(!glob_match("*flags", "self.flagsx"));
        assert!(glob_match("os.environ", "os.environ"));
        assert!(!glob_match("os.environ", "xos.environ"));
        assert!(glob_match("*unleash*", "self.unleash_client"));
    }

    #[test]
    fn env_mapping() {
        let e = EnvSettings::default();
        assert_eq!(e.map("FLAG_NEW_CHECKOUT").as_deref(), Some("new_checkout"));
        assert_eq!(e.map("DATABASE_URL"), None);
        assert_eq!(e.map("FLAG_"), None);
    }

    #[test]
    fn builtin_rules_compile() {
        let set = RuleSet::load(&[], &[], EnvSettings::default()).unwrap();
        for lang in Language::ALL {
            assert!(set.lang(lang).is_some(), "{lang:?} has no rules");
        }
    }

    /// Every built-in pack, the presets' too, is read from the JSON `build.rs` made of it,
    /// and that JSON says what the YAML says.
    #[test]
    fn builtin_packs_read_from_json_as_from_yaml() {
        let presets = crate::presets::ALL.iter().flat_map(|p| p.packs.iter());
        let mut n = 0;
        for (name, text) in BUILTIN.iter().chain(presets) {
            assert!(
                BUILTIN_JSON.iter().any(|(j, _)| j == name),
                "{name} has no JSON"
            );
            let yaml: RuleFile = serde_saphyr::from_str(text).unwrap();
            let json: RuleFile = read_builtin(name, text).unwrap();
            assert_eq!(format!("{yaml:?}"), format!("{json:?}"), "{name}");
            n += 1;
        }
        assert_eq!(
            n,
            BUILTIN_JSON.len(),
            "a pack under rules/ that ships in no list"
        );
    }

    /// Built-in and preset packs' patterns are compiled on first use ([`Pattern`]): each
    /// compiles, and a text rule's has its `key` group.
    #[test]
    fn builtin_patterns_compile() {
        let presets: Vec<(&str, &str)> = crate::presets::ALL
            .iter()
            .flat_map(|p| p.packs.iter().copied())
            .collect();
        let set = RuleSet::load_with(&presets, &[], &[], EnvSettings::default()).unwrap();
        let (mut texts, mut keys) = (0, 0);
        for r in &set.rules {
            assert!(r.builtin, "{}", r.id);
            if let Some(t) = &r.text {
                let names: Vec<_> = t.pattern.regex().capture_names().flatten().collect();
                assert!(names.contains(&"key"), "{}: no `key` group", r.id);
                texts += 1;
            }
            if let Some(p) = &r.key_pattern {
                p.regex();
                keys += 1;
            }
        }
        assert!(
            texts >= 3 && keys >= 3,
            "{texts} text rules, {keys} key patterns"
        );
    }

    /// A user's pattern is compiled when its rule is loaded: a bad one is an error then.
    #[test]
    fn bad_user_pattern_names_its_rule() {
        let rule = |pattern: &str| {
            format!("rules:\n  - id: t\n    kind: text\n    provider: custom\n    files: ['*.txt']\n    pattern: '{pattern}'\n")
        };
        let load = |text: String| {
            RuleSet::load(&[("mine.yml".into(), text)], &[], EnvSettings::default())
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        let err = load(rule("x(?P<key>"));
        assert!(err.contains("mine.yml: rule `t`: bad pattern"), "{err}");
        let err = load(rule("flag_(\\w+)"));
        assert!(err.contains("named group `(?P<key>...)`"), "{err}");
    }

    #[test]
    fn bad_rule_names_its_file() {
        let err = RuleSet::load(
            &[("my-rules.yml".into(), "rules:\n  - id: x\n    language: cobol\n    provider: custom\n    call: a.b\n    key: {arg: 0}\n".into())],
            &[],
            EnvSettings::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("my-rules.yml"), "{err}");
        assert!(err.to_string().contains("cobol"), "{err}");
    }

    #[test]
    fn member_of_only_where_members_are_read() {
        let load = |lang: &str, kind: &str| {
            let text = format!(
                "rules:\n  - {{ id: x, language: {lang}, provider: custom, kind: {kind}, member_of: [Flag], symbol: true }}\n"
            );
            RuleSet::load(&[("r.yml".into(), text)], &[], EnvSettings::default())
        };
        assert!(load("java", "declaration").is_ok());
        assert!(load("[python, typescript]", "declaration").is_ok());
        let err = load("go", "declaration").unwrap_err().to_string();
        assert!(err.contains("`member_of` is read in Java"), "{err}");
        let err = load("java", "reference").unwrap_err().to_string();
        assert!(err.contains("declaration shapes"), "{err}");
    }
}
