//! The one HTTP client every provider uses: auth header, timeouts, bounded retries with
//! exponential backoff (5xx, timeouts, connection errors), 429 handling that honours
//! `Retry-After`, `RateLimit-Reset` and `X-Ratelimit-Reset` (with a configurable cap), a
//! pagination guard, and errors that name the provider and the URL but never the token.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::{FlagsmithAuth, ProviderConfig, ProviderError, ProviderKind, Secret};

/// LaunchDarkly REST API version pinned by this client.
pub const LD_API_VERSION: &str = "20240415";

/// First backoff step; doubled on each retry, capped by `max_retry_wait_secs`.
const BACKOFF_BASE: Duration = Duration::from_millis(250);

/// Longest error detail kept from a response body.
const MAX_DETAIL: usize = 200;

/// Most of an error response's body read (for its detail).
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// Retries per request, whatever `max_retries` says.
pub const MAX_RETRIES_CAP: u32 = 10;

/// Shortest wait between retries, whatever `max_retry_wait_secs` says (a refused connection
/// fails at once: without it, retries would spin).
const MIN_RETRY_WAIT: Duration = Duration::from_millis(100);

/// Longest time one request may take with all its retries and waits.
pub const MAX_REQUEST_TIME: Duration = Duration::from_secs(300);

/// An authenticated client for one provider.
#[derive(Debug)]
pub struct Client {
    inner: reqwest::blocking::Client,
    provider: String,
    base: String,
    token: Secret,
    headers: HeaderMap,
    timeout: Duration,
    max_retries: u32,
    max_wait: Duration,
    max_pages: u32,
    concurrency: usize,
    max_body: u64,
    /// Responses given in request order instead of the network ([`Client::replaying`]).
    replay: Option<std::sync::Mutex<std::collections::VecDeque<String>>>,
}

impl Client {
    /// Build the client for `config` with its `token`.
    pub fn new(config: &ProviderConfig, token: Secret) -> Result<Client, ProviderError> {
        let provider = config.label();
        let cfg_err = |message: String| ProviderError::Config {
            provider: provider.clone(),
            message,
        };
        let timeout = Duration::try_from_secs_f64(config.timeout_secs)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                cfg_err(format!(
                    "timeout_secs must be a positive number, got {}",
                    config.timeout_secs
                ))
            })?;
        let max_wait = Duration::try_from_secs_f64(config.max_retry_wait_secs).map_err(|_| {
            cfg_err(format!(
                "max_retry_wait_secs must be a non-negative number, got {}",
                config.max_retry_wait_secs
            ))
        })?;
        let base = normalize_base(config.kind, &config.base_url);
        match Url::parse(&base) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(cfg_err(format!(
                    "base_url `{}` is not an http(s) URL",
                    without_userinfo(&config.base_url)
                )))
            }
        }

        let auth_value = match config.kind {
            ProviderKind::Flagsmith => match config.auth.unwrap_or_default() {
                FlagsmithAuth::ApiKey => format!("Api-Key {}", token.expose()),
                FlagsmithAuth::Token => format!("Token {}", token.expose()),
            },
            ProviderKind::Unleash | ProviderKind::Launchdarkly => token.expose().to_string(),
        };
        let mut auth = HeaderValue::from_str(&auth_value).map_err(|_| {
            cfg_err(format!(
                "the token in {} is not a valid header value",
                config.token_env
            ))
        })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("flagdebt/", env!("CARGO_PKG_VERSION"))),
        );
        if config.kind == ProviderKind::Launchdarkly {
            headers.insert(
                HeaderName::from_static("ld-api-version"),
                HeaderValue::from_static(LD_API_VERSION),
            );
        }

        let inner = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| cfg_err(format!("cannot build HTTP client: {}", error_chain(&e))))?;
        Ok(Client {
            inner,
            provider,
            base,
            token,
            headers,
            timeout,
            max_retries: config.max_retries.min(MAX_RETRIES_CAP),
            max_wait,
            max_pages: config.max_pages.max(1),
            concurrency: config.concurrency.max(1),
            max_body: config.max_body_bytes,
            replay: None,
        })
    }

    /// A client that answers each GET with the next of `bodies` (200 OK), in request order,
    /// and with a transport error when they run out: the decoders without the network, for the
    /// provider fuzz target. Everything after the body (JSON parse, shapes, pagination) is the
    /// real client's.
    pub fn replaying(
        config: &ProviderConfig,
        bodies: Vec<String>,
    ) -> Result<Client, ProviderError> {
        let mut client = Client::new(config, Secret::new("replay"))?;
        client.replay = Some(std::sync::Mutex::new(bodies.into()));
        Ok(client)
    }

    /// Parse a 200 response's body.
    fn json_of(&self, url: &str, body: &str) -> Result<Value, ProviderError> {
        serde_json::from_str(body).map_err(|e| ProviderError::Json {
            provider: self.provider.clone(),
            method: "GET".into(),
            url: url.to_string(),
            message: e.to_string(),
        })
    }

    /// The provider label used in errors.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// Concurrent requests allowed for this provider.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// A URL under the server root: `path_and_query` starts with `/`.
    pub fn url(&self, path_and_query: &str) -> Result<Url, ProviderError> {
        let s = format!("{}{}", self.base, path_and_query);
        Url::parse(&s).map_err(|e| self.config_error(format!("bad URL {s}: {e}")))
    }

    /// Resolve a pagination link: absolute, or relative to the server root.
    ///
    /// An absolute link to another origin is re-based onto the configured server (same path and
    /// query): servers behind a TLS-terminating proxy often build `http://internal:8000/…` links,
    /// and following them would send the token elsewhere, or in clear text.
    pub fn resolve(&self, href: &str) -> Result<Url, ProviderError> {
        if href.starts_with("http://") || href.starts_with("https://") {
            let bad = |e: String| self.config_error(format!("bad next URL {href}: {e}"));
            let next = Url::parse(href).map_err(|e| bad(e.to_string()))?;
            let base = Url::parse(&self.base).map_err(|e| bad(e.to_string()))?;
            if next.origin() == base.origin() {
                return Ok(next);
            }
            let mut rebased = base;
            rebased.set_path(next.path());
            rebased.set_query(next.query());
            Ok(rebased)
        } else if href.starts_with('/') {
            self.url(href)
        } else {
            let base = self.url("/")?;
            base.join(href)
                .map_err(|e| self.config_error(format!("bad next URL {href}: {e}")))
        }
    }

    /// A configuration error for this provider.
    pub fn config_error(&self, message: String) -> ProviderError {
        ProviderError::Config {
            provider: self.provider.clone(),
            message: self.token.redact(&one_line(&message)),
        }
    }

    /// A "the JSON was not the expected shape" error for `url`.
    pub fn shape_error(&self, url: &Url, message: impl Into<String>) -> ProviderError {
        ProviderError::Json {
            provider: self.provider.clone(),
            method: "GET".into(),
            url: self.shown(url),
            message: self.token.redact(&one_line(&message.into())),
        }
    }

    /// GET `url` and parse the body as JSON, retrying transient failures.
    pub fn get_json(&self, url: &Url) -> Result<Value, ProviderError> {
        let shown_url = self.shown(url);
        if let Some(replay) = &self.replay {
            let next = replay.lock().ok().and_then(|mut q| q.pop_front());
            return match next {
                Some(body) => self.json_of(&shown_url, &body),
                None => Err(ProviderError::Transport {
                    provider: self.provider.clone(),
                    method: "GET".into(),
                    url: shown_url,
                    message: "no response left to replay".into(),
                }),
            };
        }
        let mut attempt: u32 = 0;
        let start = std::time::Instant::now();
        // Whether another attempt may follow a wait of `wait`: under the retry count and the
        // request's total time.
        let may_retry = |attempt: u32, wait: Duration| {
            attempt < self.max_retries && start.elapsed() + wait < MAX_REQUEST_TIME
        };
        loop {
            let sent = self
                .inner
                .get(url.clone())
                .headers(self.headers.clone())
                .send();
            let retries_note = |attempt: u32| {
                if attempt > 0 {
                    format!(" (after {} attempts)", attempt + 1)
                } else {
                    String::new()
                }
            };
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    let transient = e.is_timeout() || e.is_connect() || e.is_request();
                    if transient && may_retry(attempt, self.backoff(attempt)) {
                        std::thread::sleep(self.backoff(attempt));
                        attempt += 1;
                        continue;
                    }
                    let message = if e.is_timeout() {
                        format!("timed out after {:?}", self.timeout)
                    } else if e.is_connect() {
                        format!("cannot connect: {}", innermost(&e))
                    } else {
                        error_chain(&e.without_url())
                    };
                    return Err(ProviderError::Transport {
                        provider: self.provider.clone(),
                        method: "GET".into(),
                        url: shown_url,
                        message: format!(
                            "{}{}",
                            self.token.redact(&one_line(&message)),
                            retries_note(attempt)
                        ),
                    });
                }
            };
            let status = resp.status();
            if status.is_success() {
                let body = match read_body(resp, self.max_body) {
                    Ok(b) => b,
                    Err(BodyError::TooLarge(n)) => {
                        return Err(ProviderError::Transport {
                            provider: self.provider.clone(),
                            method: "GET".into(),
                            url: shown_url,
                            message: format!(
                                "the response body is larger than the {} limit ({}; provider max_body_bytes)",
                                crate::walk::human_size(self.max_body),
                                crate::walk::human_size(n)
                            ),
                        });
                    }
                    Err(BodyError::Read(e)) => {
                        let timeout = e.kind() == std::io::ErrorKind::TimedOut
                            || error_chain(&e).contains("timed out");
                        if timeout && may_retry(attempt, self.backoff(attempt)) {
                            std::thread::sleep(self.backoff(attempt));
                            attempt += 1;
                            continue;
                        }
                        return Err(ProviderError::Transport {
                            provider: self.provider.clone(),
                            method: "GET".into(),
                            url: shown_url,
                            message: format!(
                                "reading the body failed: {}",
                                self.token.redact(&one_line(&error_chain(&e)))
                            ),
                        });
                    }
                };
                return self.json_of(&shown_url, &body);
            }
            let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            let wait = if status == StatusCode::TOO_MANY_REQUESTS {
                rate_limit_wait(resp.headers(), super::time::now_epoch_ms())
                    .unwrap_or_else(|| self.backoff(attempt))
            } else {
                self.backoff(attempt)
            }
            .clamp(MIN_RETRY_WAIT, self.max_wait.max(MIN_RETRY_WAIT));
            if retryable && may_retry(attempt, wait) {
                drop(resp);
                std::thread::sleep(wait);
                attempt += 1;
                continue;
            }
            // The detail is cut to a line anyway: read only the start of an error body.
            let body = match read_body(resp, MAX_ERROR_BODY) {
                Ok(b) => b,
                Err(BodyError::TooLarge(_)) | Err(BodyError::Read(_)) => String::new(),
            };
            let detail = format!(
                "{}{}",
                self.token.redact(&error_detail(&body)),
                retries_note(attempt)
            );
            return Err(ProviderError::Status {
                provider: self.provider.clone(),
                method: "GET".into(),
                url: shown_url,
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
                detail: detail.trim_start().to_string(),
            });
        }
    }

    /// Follow a paginated listing from `first`. `next_of` extracts the next link (absolute or
    /// root-relative) from a page; `each` consumes every page. A `next` seen before, or more
    /// than `max_pages` pages, is a pagination-loop error.
    pub fn get_pages(
        &self,
        first: Url,
        next_of: impl Fn(&Value) -> Option<String>,
        mut each: impl FnMut(&Url, Value) -> Result<(), ProviderError>,
    ) -> Result<(), ProviderError> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut url = first;
        let mut pages: u32 = 0;
        loop {
            seen.insert(url.as_str().to_string());
            pages += 1;
            let page = self.get_json(&url)?;
            let next = next_of(&page);
            each(&url, page)?;
            let Some(next) = next.filter(|n| !n.is_empty()) else {
                return Ok(());
            };
            let next_url = self.resolve(&next)?;
            if seen.contains(next_url.as_str()) {
                return Err(self.pagination_error(
                    &url,
                    format!("next page {} was already fetched", self.shown(&next_url)),
                ));
            }
            if pages >= self.max_pages {
                return Err(
                    self.pagination_error(&url, format!("more than {} pages", self.max_pages))
                );
            }
            url = next_url;
        }
    }

    /// The pagination guard for offset-paged listings (Unleash search): call once per page.
    pub fn check_page_count(&self, url: &Url, pages: u32) -> Result<(), ProviderError> {
        if pages > self.max_pages {
            Err(self.pagination_error(url, format!("more than {} pages", self.max_pages)))
        } else {
            Ok(())
        }
    }

    /// A pagination-loop error at `url`.
    pub fn pagination_error(&self, url: &Url, message: String) -> ProviderError {
        ProviderError::Pagination {
            provider: self.provider.clone(),
            method: "GET".into(),
            url: self.shown(url),
            message,
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        BACKOFF_BASE
            .saturating_mul(factor)
            .min(self.max_wait)
            .max(MIN_RETRY_WAIT)
    }

    /// A URL as shown in errors: no userinfo, no token.
    fn shown(&self, url: &Url) -> String {
        self.token.redact(&without_userinfo(url.as_str()))
    }
}

/// The server root for `base_url`: no trailing slash, and a pasted API prefix removed.
fn normalize_base(kind: ProviderKind, base_url: &str) -> String {
    let mut b = base_url.trim().trim_end_matches('/').to_string();
    let suffixes: &[&str] = match kind {
        ProviderKind::Flagsmith => &["/api/v1", "/api"],
        ProviderKind::Unleash => &["/api/admin", "/api"],
        ProviderKind::Launchdarkly => &["/api/v2", "/api"],
    };
    for s in suffixes {
        if let Some(stripped) = b.strip_suffix(s) {
            b = stripped.to_string();
            break;
        }
    }
    b
}

/// How long a 429 asks us to wait: `Retry-After` (seconds), then `RateLimit-Reset` /
/// `X-Ratelimit-Reset` (seconds from now, or an epoch time in seconds or milliseconds).
pub fn rate_limit_wait(headers: &HeaderMap, now_ms: i64) -> Option<Duration> {
    let num = |name: &str| -> Option<f64> {
        headers
            .get(name)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    if let Some(secs) = num("retry-after") {
        return Duration::try_from_secs_f64(secs).ok();
    }
    for name in ["ratelimit-reset", "x-ratelimit-reset"] {
        if let Some(v) = num(name) {
            let secs = if v > 1e12 {
                (v - now_ms as f64) / 1000.0 // epoch milliseconds (LaunchDarkly)
            } else if v > 1e9 {
                v - now_ms as f64 / 1000.0 // epoch seconds
            } else {
                v // delta seconds (Unleash, IETF draft)
            };
            return Duration::try_from_secs_f64(secs.max(0.0)).ok();
        }
    }
    None
}

/// A short, one-line explanation from an error body: the JSON `detail` / `message` / `error` /
/// `name` field, or the start of the text.
pub fn error_detail(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        for key in ["detail", "message", "error_description", "error", "name"] {
            if let Some(s) = v.get(key).and_then(|x| x.as_str()) {
                if !s.trim().is_empty() {
                    return truncate(&one_line(s));
                }
            }
        }
        // DRF validation errors: {"field": ["msg"]}; arrays of messages.
        if let Some(s) = v
            .as_array()
            .and_then(|a| a.first())
            .and_then(|x| x.as_str())
        {
            return truncate(&one_line(s));
        }
    }
    truncate(&one_line(body))
}

/// Server text on one line, control characters (ESC sequences, bidi overrides) removed.
fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|&c| {
            !(c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

/// A URL without its `user:password@` part (shown in errors, written to the snapshot).
pub fn without_userinfo(url: &str) -> String {
    if let Ok(mut u) = Url::parse(url) {
        if u.username().is_empty() && u.password().is_none() {
            return url.to_string();
        }
        if u.set_username("").is_ok() && u.set_password(None).is_ok() {
            let s = u.to_string();
            // Keep the form the user wrote: no trailing slash added by the parser.
            return if url.ends_with('/') {
                s
            } else {
                s.trim_end_matches('/').to_string()
            };
        }
    }
    // Not a URL: drop anything between `//` and the last `@` before the path.
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            match rest[..host_end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

enum BodyError {
    TooLarge(u64),
    Read(std::io::Error),
}

/// A response body as text, at most `limit` bytes: refused by its Content-Length, or cut off
/// while streaming (a 2 GB or endless body is never held).
fn read_body(resp: reqwest::blocking::Response, limit: u64) -> Result<String, BodyError> {
    use std::io::Read;
    if let Some(n) = resp.content_length().filter(|&n| n > limit) {
        return Err(BodyError::TooLarge(n));
    }
    let mut bytes = Vec::new();
    resp.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(BodyError::Read)?;
    if bytes.len() as u64 > limit {
        return Err(BodyError::TooLarge(bytes.len() as u64));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_DETAIL {
        s.to_string()
    } else {
        let cut: String = s.chars().take(MAX_DETAIL).collect();
        format!("{cut}…")
    }
}

/// The deepest source of an error (e.g. `Connection refused (os error 111)`).
fn innermost(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    one_line(&cur.to_string())
}

/// The error and its sources, innermost last, de-duplicated, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        src = s.source();
    }
    one_line(&parts.join(": "))
}

/// Percent-encode a query value; keeps RFC 3986 unreserved characters and `:`.
pub fn encode_query(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encode a path segment.
pub fn encode_segment(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_headers() {
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit_wait(&h, 0), None);
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_static("1700000002000"),
        );
        assert_eq!(
            rate_limit_wait(&h, 1_700_000_000_000),
            Some(Duration::from_secs(2))
        );
        h.insert("ratelimit-reset", HeaderValue::from_static("7"));
        assert_eq!(rate_limit_wait(&h, 0), Some(Duration::from_secs(7)));
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(rate_limit_wait(&h, 0), Some(Duration::from_secs(3)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(rate_limit_wait(&h, 0), Some(Duration::from_secs(7)));
    }

    #[test]
    fn error_details() {
        assert_eq!(
            error_detail(r#"{"detail":"Valid Master API Key not found."}"#),
            "Valid Master API Key not found."
        );
        assert_eq!(
            error_detail(r#"{"id":"x","name":"NotFoundError","message":"project not found"}"#),
            "project not found"
        );
        assert_eq!(
            error_detail("<html>\n<b>bad\ngateway</b>"),
            "<html> <b>bad gateway</b>"
        );
        assert_eq!(error_detail(""), "");
        assert_eq!(
            error_detail(&"x".repeat(500)).chars().count(),
            MAX_DETAIL + 1
        );
    }

    #[test]
    fn bases_and_encoding() {
        assert_eq!(
            normalize_base(ProviderKind::Flagsmith, "https://api.flagsmith.com/api/v1/"),
            "https://api.flagsmith.com"
        );
        assert_eq!(
            normalize_base(ProviderKind::Unleash, "http://127.0.0.1:4242"),
            "http://127.0.0.1:4242"
        );
        assert_eq!(encode_query("IS:default"), "IS:default");
        assert_eq!(encode_query("a b&c"), "a%20b%26c");
        assert_eq!(encode_segment("my flag/x"), "my%20flag%2Fx");
    }
}
