//! Provider state: live flag state from Flagsmith, Unleash and LaunchDarkly, normalised into
//! one versioned [`ProviderState`] that can be written to and read from a snapshot file.
//!
//! - [`ProviderConfig`] is one entry of `providers:` in `.flagdebt.yml`. It names the environment
//!   variable that holds the token (`token_env`), never the token itself.
//! - [`fetch_all`] talks to every configured provider (environments concurrently) and returns a
//!   [`ProviderState`]; errors are a one-line [`ProviderError`] naming the provider and the URL.
//! - [`snapshot`] writes and reads the state as JSON, so CI can lint against a pulled state.
//!
//! The token never appears in any error, log or `Debug` output: it lives in a [`Secret`] and any
//! echo of it in a response body is redacted.

mod flagsmith;
pub mod http;
mod launchdarkly;
pub mod snapshot;
pub mod time;
mod unleash;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The snapshot format version written by this build.
pub const STATE_VERSION: u32 = 1;

/// Which provider a [`ProviderConfig`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Flagsmith,
    Unleash,
    #[serde(alias = "launch-darkly", alias = "ld")]
    Launchdarkly,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Flagsmith => "flagsmith",
            ProviderKind::Unleash => "unleash",
            ProviderKind::Launchdarkly => "launchdarkly",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the Flagsmith token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagsmithAuth {
    /// `Authorization: Api-Key <key>`: an organisation Admin API key (CI). Slow on the server
    /// side (PBKDF2 per request), so few, large-page requests are made.
    #[default]
    ApiKey,
    /// `Authorization: Token <token>`: a user token.
    Token,
}

/// One `providers:` entry of `.flagdebt.yml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    /// A label for messages and the snapshot; defaults to the kind.
    #[serde(default)]
    pub name: Option<String>,
    /// Server root, e.g. `https://api.flagsmith.com`, `http://127.0.0.1:4242`,
    /// `https://app.launchdarkly.com`. A trailing `/api/v1` (Flagsmith) or `/api` is tolerated.
    pub base_url: String,
    /// Flagsmith project id, Unleash project id, LaunchDarkly project key.
    #[serde(deserialize_with = "string_or_number")]
    pub project: String,
    /// Environments to read: Flagsmith environment names or api keys, Unleash environment names,
    /// LaunchDarkly environment keys. Empty means all environments of the project.
    #[serde(default)]
    pub environments: Vec<String>,
    /// Name of the environment variable that holds the token.
    pub token_env: String,
    /// Flagsmith only: `api-key` (default) or `token`.
    #[serde(default)]
    pub auth: Option<FlagsmithAuth>,
    /// Per-request timeout in seconds (fractions allowed).
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: f64,
    /// Retries after a 5xx, a 429, a timeout or a connection error.
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    /// Longest single wait between retries, in seconds (caps `Retry-After` and backoff).
    #[serde(default = "default_max_retry_wait_secs")]
    pub max_retry_wait_secs: f64,
    /// More pages than this in one listing is treated as a pagination loop.
    #[serde(default = "default_max_pages")]
    pub max_pages: u32,
    /// Concurrent requests per provider (environments, per-flag detail requests).
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Largest response body read, in bytes (a larger one is an error).
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: u64,
}

fn default_max_body_bytes() -> u64 {
    32 * 1024 * 1024
}

fn default_timeout_secs() -> f64 {
    20.0
}
fn default_max_retries() -> u32 {
    3
}
fn default_max_retry_wait_secs() -> f64 {
    30.0
}
fn default_max_pages() -> u32 {
    1000
}
fn default_concurrency() -> usize {
    4
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StrOrNum {
        S(String),
        U(u64),
        I(i64),
    }
    Ok(match StrOrNum::deserialize(d)? {
        StrOrNum::S(s) => s,
        StrOrNum::U(n) => n.to_string(),
        StrOrNum::I(n) => n.to_string(),
    })
}

impl ProviderConfig {
    /// A config with the defaults for everything optional.
    pub fn new(kind: ProviderKind, base_url: &str, project: &str, token_env: &str) -> Self {
        ProviderConfig {
            kind,
            name: None,
            base_url: base_url.to_string(),
            project: project.to_string(),
            environments: Vec::new(),
            token_env: token_env.to_string(),
            auth: None,
            timeout_secs: default_timeout_secs(),
            max_retries: default_max_retries(),
            max_retry_wait_secs: default_max_retry_wait_secs(),
            max_pages: default_max_pages(),
            concurrency: default_concurrency(),
            max_body_bytes: default_max_body_bytes(),
        }
    }

    /// The label used in messages and in the snapshot: `name`, or the kind.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n.clone(),
            _ => self.kind.as_str().to_string(),
        }
    }
}

/// A token. `Debug` and `Display` print `***`; only [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The raw token, for building the auth header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Replace every occurrence of the token in `text` with `***`.
    pub fn redact(&self, text: &str) -> String {
        if self.0.len() < 4 {
            // A (test) token this short would redact random text; never echo it anyway.
            return text.to_string();
        }
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Everything that can go wrong fetching provider state. `Display` is always one line and names
/// the provider (and the URL for HTTP errors); no variant ever holds the token.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Bad or incomplete configuration (unset `token_env`, unknown environment, bad URL).
    #[error("{provider}: {message}")]
    Config { provider: String, message: String },
    /// The server answered with a non-success status (after any retries).
    #[error("{provider}: {method} {url}: {status} {reason}{}", detail_suffix(.detail))]
    Status {
        provider: String,
        method: String,
        url: String,
        status: u16,
        reason: String,
        detail: String,
    },
    /// No usable answer: timeout, connection refused, TLS, body read failure.
    #[error("{provider}: {method} {url}: {message}")]
    Transport {
        provider: String,
        method: String,
        url: String,
        message: String,
    },
    /// The body was not the JSON shape expected.
    #[error("{provider}: {method} {url}: malformed JSON: {message}")]
    Json {
        provider: String,
        method: String,
        url: String,
        message: String,
    },
    /// A `next` link seen before, or too many pages.
    #[error("{provider}: {method} {url}: pagination loop: {message}")]
    Pagination {
        provider: String,
        method: String,
        url: String,
        message: String,
    },
    /// Snapshot file problems.
    #[error("provider snapshot {path}: {message}")]
    Snapshot { path: String, message: String },
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

impl ProviderError {
    /// The provider label this error is about (`None` for snapshot errors).
    pub fn provider(&self) -> Option<&str> {
        match self {
            ProviderError::Config { provider, .. }
            | ProviderError::Status { provider, .. }
            | ProviderError::Transport { provider, .. }
            | ProviderError::Json { provider, .. }
            | ProviderError::Pagination { provider, .. } => Some(provider),
            ProviderError::Snapshot { .. } => None,
        }
    }

    /// The HTTP status, for `Status` errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            ProviderError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Everything pulled from all configured providers. Serialised as the snapshot file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderState {
    /// Format version; [`STATE_VERSION`].
    pub version: u32,
    /// When the state was fetched, `YYYY-MM-DDTHH:MM:SSZ`.
    pub fetched_at: String,
    pub providers: Vec<ProviderSnapshot>,
}

impl ProviderState {
    /// Every flag of every provider with the snapshot it came from.
    pub fn flags(&self) -> impl Iterator<Item = (&ProviderSnapshot, &ProviderFlag)> {
        self.providers
            .iter()
            .flat_map(|p| p.flags.iter().map(move |f| (p, f)))
    }

    /// Look a flag key up in every provider.
    pub fn find(&self, key: &str) -> Vec<(&ProviderSnapshot, &ProviderFlag)> {
        self.flags().filter(|(_, f)| f.key == key).collect()
    }
}

/// One provider's project, as fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSnapshot {
    /// The config label (`name`, or the kind).
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    pub project: String,
    /// Names of the environments read, in the provider's order (Flagsmith: environment names;
    /// Unleash: environment names; LaunchDarkly: environment keys). Keys of
    /// [`ProviderFlag::environments`].
    pub environments: Vec<String>,
    /// Environment type by environment, where the provider has one (Unleash `type`:
    /// `production`, `development`, …). Empty otherwise.
    #[serde(default)]
    pub environment_types: BTreeMap<String, String>,
    /// Expected lifetime in days of each flag type (Unleash `/api/admin/feature-types`); `None`
    /// means permanent. Empty for providers without typed lifetimes.
    #[serde(default)]
    pub type_lifetimes: BTreeMap<String, Option<u32>>,
    /// Flagsmith: the project's `stale_flags_limit_days`, when known.
    #[serde(default)]
    pub stale_after_days: Option<u32>,
    /// Flags, sorted by key. Archived flags are included with `archived: true`.
    pub flags: Vec<ProviderFlag>,
}

/// One flag, normalised across providers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderFlag {
    /// The key code uses (Flagsmith `name`, Unleash `name`, LaunchDarkly `key`).
    pub key: String,
    /// Display name where it differs from the key (LaunchDarkly `name`).
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// The provider's own type: Unleash release/experiment/operational/kill-switch/permission/
    /// sunset, Flagsmith STANDARD/MULTIVARIATE, LaunchDarkly boolean/multivariate (`kind`).
    pub flag_type: Option<String>,
    /// Owners: Flagsmith owner emails (or names), LaunchDarkly maintainer email.
    pub owners: Vec<String>,
    /// Group owners: Flagsmith group owner names, LaunchDarkly maintainer team.
    pub group_owners: Vec<String>,
    /// Who created the flag, where the provider says (Unleash `createdBy.name`). Not an owner.
    pub created_by: Option<String>,
    /// Tag labels (Flagsmith tag ids resolved via `/tags/`; Unleash `value`, or `type:value` for
    /// non-`simple` tag types).
    pub tags: Vec<String>,
    /// Creation date, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created: Option<String>,
    pub archived: bool,
    /// When archived, if the provider says (Unleash `archivedAt`, LaunchDarkly `archivedDate`).
    pub archived_at: Option<String>,
    /// Deleted at the provider (reserved; no supported provider lists deleted flags today).
    pub deleted: bool,
    /// Marked stale at the provider (Unleash `stale`; Flagsmith: a tag of type `STALE` or
    /// lifecycle stage `stale`).
    pub stale: bool,
    /// The provider's own "probably stale" verdict (Unleash potentially-stale; LaunchDarkly: a
    /// `stale` object is present).
    pub potentially_stale: bool,
    /// Lifecycle stage (Unleash initial/pre-live/live/completed/archived; Flagsmith
    /// new/live/stale/permanent/needs_monitoring/to_remove, when the server sends it).
    pub lifecycle_stage: Option<String>,
    /// `Some(true)` temporary, `Some(false)` permanent, `None` unknown. LaunchDarkly
    /// `temporary`; Unleash: from the type's lifetime (no lifetime = permanent); Flagsmith: a tag
    /// with `is_permanent` makes it permanent.
    pub temporary: Option<bool>,
    /// LaunchDarkly `deprecated`.
    pub deprecated: bool,
    pub deprecated_at: Option<String>,
    /// Last change anywhere, `YYYY-MM-DDTHH:MM:SSZ`.
    pub last_modified: Option<String>,
    /// Per-environment state, keyed like [`ProviderSnapshot::environments`].
    pub environments: BTreeMap<String, EnvState>,
}

/// A flag's state in one environment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EnvState {
    pub enabled: bool,
    /// On for everyone: enabled with no targeting, segments or partial rollout. `None` when it
    /// cannot be told. Unleash: no strategies, or a constraint-free 100% rollout / `default`
    /// strategy; LaunchDarkly: no rules, targets or prerequisites and a fixed fallthrough
    /// variation; Flagsmith: no segment or identity overrides and no multivariate split.
    pub fully_on: Option<bool>,
    pub last_modified: Option<String>,
    /// Last evaluation seen by the provider (Unleash `lastSeenAt`).
    pub last_seen: Option<String>,
    /// The served value when enabled (Flagsmith value, LaunchDarkly fallthrough or off variation).
    pub value: Option<serde_json::Value>,
    /// Flagsmith V2 versioning: uuid of the live environment feature version.
    pub live_version: Option<String>,
}

/// Look up the token a config names. Error when the variable is unset or empty.
pub fn token_for(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Secret, ProviderError> {
    match env(&config.token_env) {
        Some(t) if !t.trim().is_empty() => Ok(Secret::new(t.trim())),
        _ => Err(ProviderError::Config {
            provider: config.label(),
            message: format!(
                "environment variable {} (token_env) is not set",
                config.token_env
            ),
        }),
    }
}

/// Fetch one provider's snapshot.
pub fn fetch_one(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ProviderSnapshot, ProviderError> {
    let token = token_for(config, env)?;
    fetch_with(config, &http::Client::new(config, token)?)
}

/// One provider's snapshot decoded from `bodies`, the responses to its requests in order, with
/// no network ([`http::Client::replaying`]): the provider fuzz target.
pub fn fetch_replayed(
    config: &ProviderConfig,
    bodies: Vec<String>,
) -> Result<ProviderSnapshot, ProviderError> {
    fetch_with(config, &http::Client::replaying(config, bodies)?)
}

fn fetch_with(
    config: &ProviderConfig,
    client: &http::Client,
) -> Result<ProviderSnapshot, ProviderError> {
    let mut snap = match config.kind {
        ProviderKind::Flagsmith => flagsmith::fetch(config, client)?,
        ProviderKind::Unleash => unleash::fetch(config, client)?,
        ProviderKind::Launchdarkly => launchdarkly::fetch(config, client)?,
    };
    snap.flags.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(snap)
}

/// Fetch every configured provider. `env` looks up environment variables (the tokens); pass
/// `&|k| std::env::var(k).ok()` in production.
pub fn fetch_all(
    configs: &[ProviderConfig],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ProviderState, ProviderError> {
    let mut providers = Vec::with_capacity(configs.len());
    for config in configs {
        providers.push(fetch_one(config, env)?);
    }
    Ok(ProviderState {
        version: STATE_VERSION,
        fetched_at: time::now_rfc3339(),
        providers,
    })
}

/// Run `f` over `items` on up to `workers` threads, keeping the input order. The first error
/// (in input order) wins.
pub(crate) fn par_map<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> Result<R, ProviderError> + Sync,
) -> Result<Vec<R>, ProviderError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let workers = workers.clamp(1, 16).min(items.len().max(1));
    if workers == 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<R, ProviderError>>>> =
        Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                let failed = r.is_err();
                if let Ok(mut guard) = results.lock() {
                    guard[i] = Some(r);
                }
                if failed {
                    // Stop handing out work; already running items finish.
                    next.store(items.len(), Ordering::Relaxed);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out = Vec::with_capacity(items.len());
    for r in results {
        match r {
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => return Err(e),
            // Skipped after an earlier error; that error is reported below.
            None => {}
        }
    }
    if out.len() == items.len() {
        Ok(out)
    } else {
        // Unreachable in practice: a gap only happens after an error, which returned above.
        Err(ProviderError::Config {
            provider: "provider".into(),
            message: "internal error: a concurrent fetch was skipped".into(),
        })
    }
}

/// Strings and numbers from JSON, as strings.
pub(crate) fn json_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-empty string field.
pub(crate) fn str_field(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(|x| x.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A date field (RFC 3339 string), normalised.
pub(crate) fn date_field(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(|x| x.as_str())
        .and_then(time::normalize)
}
