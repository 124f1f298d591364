//! Fault handling: auth failures, missing project, rate limits, server errors, timeouts,
//! malformed JSON and pagination loops. Every error is one line naming the provider and the
//! URL, and the token appears nowhere in its Display or Debug output.

mod common;

use std::time::{Duration, Instant};

use common::replay::{Replay, Reply};
use flagdebt::provider::{fetch_all, ProviderConfig, ProviderError, ProviderKind, Secret};

const TOKEN: &str = "super-secret-token-4242";

fn env(_: &str) -> Option<String> {
    Some(TOKEN.to_string())
}

fn config(kind: ProviderKind, s: &Replay, project: &str) -> ProviderConfig {
    let mut c = ProviderConfig::new(kind, &s.url(), project, "TOKEN");
    c.max_retry_wait_secs = 0.01;
    c.timeout_secs = 5.0;
    c
}

/// Fetch, expect an error, and check the invariants every error must keep.
fn fail(c: ProviderConfig) -> ProviderError {
    let err = fetch_all(&[c], &env).expect_err("expected an error");
    let shown = err.to_string();
    let debug = format!("{err:?}");
    eprintln!("error shown: {shown}");
    assert!(!shown.contains('\n'), "one line: {shown}");
    assert!(!shown.contains(TOKEN), "token in Display: {shown}");
    assert!(!debug.contains(TOKEN), "token in Debug: {debug}");
    err
}

fn unleash_ok(s: &Replay) {
    let q = "/api/admin/search/features?project=IS:p";
    s.route("/api/admin/feature-types", Reply::json(r#"{"types":[]}"#))
        .route(
            &format!("{q}&limit=100&offset=0"),
            Reply::json(r#"{"features":[],"total":0}"#),
        )
        .route(
            &format!("{q}&state=IS:potentially-stale&limit=100&offset=0"),
            Reply::json(r#"{"features":[],"total":0}"#),
        )
        .route(
            &format!("{q}&lifecycle=IS:archived&limit=100&offset=0"),
            Reply::json(r#"{"features":[],"total":0}"#),
        );
}

const UNLEASH_FEATURES: &str = r#"{"version":2,"features":[{"name":"a","type":"release","environments":[{"name":"production","enabled":false}]}]}"#;

#[test]
fn flagsmith_401_bad_key() {
    let s = Replay::start();
    s.route(
        "/api/v1/projects/1/",
        Reply::status(401, r#"{"detail":"Valid Master API Key not found."}"#),
    );
    let err = fail(config(ProviderKind::Flagsmith, &s, "1"));
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.to_string(),
        format!(
            "flagsmith: GET {}/api/v1/projects/1/: 401 Unauthorized: Valid Master API Key not found.",
            s.url()
        )
    );
    assert_eq!(s.requests().len(), 1, "401 is not retried");
}

#[test]
fn unleash_403_wrong_token_type_and_echoed_token_is_redacted() {
    let s = Replay::start();
    s.route(
        "/api/admin/projects/p/features",
        Reply::status(
            403,
            format!(r#"{{"message":"invalid token {TOKEN}: expected a different token type for this endpoint"}}"#),
        ),
    );
    let err = fail(config(ProviderKind::Unleash, &s, "p"));
    assert_eq!(
        err.to_string(),
        format!(
            "unleash: GET {}/api/admin/projects/p/features: 403 Forbidden: invalid token ***: expected a different token type for this endpoint",
            s.url()
        )
    );
}

#[test]
fn unleash_404_project() {
    let s = Replay::start();
    s.route(
        "/api/admin/projects/nope/features",
        Reply::status(
            404,
            r#"{"id":"7a1","name":"NotFoundError","message":"project not found"}"#,
        ),
    );
    let err = fail(config(ProviderKind::Unleash, &s, "nope"));
    assert_eq!(
        err.to_string(),
        format!(
            "unleash: GET {}/api/admin/projects/nope/features: 404 Not Found: project not found",
            s.url()
        )
    );
}

#[test]
fn launchdarkly_401() {
    let s = Replay::start();
    s.route(
        "/api/v2/flags/web?env=production&filter=filterEnv:production&summary=0&limit=100",
        Reply::status(
            401,
            r#"{"code":"unauthorized","message":"Invalid access token","id":"x"}"#,
        ),
    );
    let mut c = config(ProviderKind::Launchdarkly, &s, "web");
    c.environments = vec!["production".into()];
    let err = fail(c);
    assert!(err.to_string().starts_with(&format!(
        "launchdarkly: GET {}/api/v2/flags/web?env=production",
        s.url()
    )));
    assert!(err
        .to_string()
        .ends_with("401 Unauthorized: Invalid access token"));
}

#[test]
fn rate_limited_429_with_retry_after_then_success() {
    let s = Replay::start();
    unleash_ok(&s);
    s.route_seq(
        "/api/admin/projects/p/features",
        vec![
            Reply::status(429, r#"{"message":"Too many requests"}"#).header("Retry-After", "1"),
            Reply::json(UNLEASH_FEATURES),
        ],
    );
    let mut c = config(ProviderKind::Unleash, &s, "p");
    c.max_retry_wait_secs = 5.0;
    let start = Instant::now();
    let state = fetch_all(&[c], &env).unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(state.providers[0].flags.len(), 1);
    assert_eq!(s.hits("/api/admin/projects/p/features"), 2);
}

#[test]
fn rate_limit_wait_is_capped_and_ratelimit_reset_is_read() {
    let s = Replay::start();
    unleash_ok(&s);
    s.route(
        "/api/admin/projects/p/features",
        Reply::json(UNLEASH_FEATURES),
    );
    // Unleash's search limiter: RateLimit-Reset in seconds. The cap (0.05 s) wins.
    s.route_seq(
        "/api/admin/search/features?project=IS:p&limit=100&offset=0",
        vec![
            Reply::status(429, "{}")
                .header("RateLimit-Limit", "15")
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", "60"),
            Reply::json(r#"{"features":[],"total":0}"#),
        ],
    );
    let mut c = config(ProviderKind::Unleash, &s, "p");
    c.max_retry_wait_secs = 0.05;
    let start = Instant::now();
    fetch_all(&[c], &env).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(
        s.hits("/api/admin/search/features?project=IS:p&limit=100&offset=0"),
        2
    );
}

#[test]
fn rate_limited_until_retries_run_out() {
    let s = Replay::start();
    s.route(
        "/api/admin/projects/p/features",
        Reply::status(429, r#"{"message":"Too many requests"}"#).header("Retry-After", "30"),
    );
    let mut c = config(ProviderKind::Unleash, &s, "p");
    c.max_retries = 2;
    let err = fail(c);
    assert_eq!(err.status(), Some(429));
    assert!(
        err.to_string()
            .ends_with("429 Too Many Requests: Too many requests (after 3 attempts)"),
        "{err}"
    );
    assert_eq!(s.hits("/api/admin/projects/p/features"), 3);
}

#[test]
fn server_error_500_then_success() {
    let s = Replay::start();
    unleash_ok(&s);
    s.route_seq(
        "/api/admin/projects/p/features",
        vec![
            Reply::status(500, r#"{"message":"database is starting up"}"#),
            Reply::status(503, "<html>busy</html>"),
            Reply::json(UNLEASH_FEATURES),
        ],
    );
    let state = fetch_all(&[config(ProviderKind::Unleash, &s, "p")], &env).unwrap();
    assert_eq!(state.providers[0].flags[0].key, "a");
    assert_eq!(s.hits("/api/admin/projects/p/features"), 3);
}

#[test]
fn server_error_500_persistent() {
    let s = Replay::start();
    s.route(
        "/api/v1/projects/1/",
        Reply::status(500, "<h1>Server Error (500)</h1>"),
    );
    let mut c = config(ProviderKind::Flagsmith, &s, "1");
    c.max_retries = 1;
    let err = fail(c);
    assert_eq!(
        err.to_string(),
        format!(
            "flagsmith: GET {}/api/v1/projects/1/: 500 Internal Server Error: <h1>Server Error (500)</h1> (after 2 attempts)",
            s.url()
        )
    );
}

#[test]
fn timeout_when_the_server_never_answers() {
    let s = Replay::start();
    s.route("/api/v1/projects/1/", Reply::hang());
    let mut c = config(ProviderKind::Flagsmith, &s, "1");
    c.timeout_secs = 0.2;
    c.max_retries = 1;
    let start = Instant::now();
    let err = fail(c);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(matches!(err, ProviderError::Transport { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "flagsmith: GET {}/api/v1/projects/1/: timed out after 200ms (after 2 attempts)",
            s.url()
        )
    );
    assert_eq!(s.hits("/api/v1/projects/1/"), 2, "a timeout is retried");
}

#[test]
fn connection_refused() {
    // Bind then drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = ProviderConfig::new(
        ProviderKind::Unleash,
        &format!("http://127.0.0.1:{port}"),
        "p",
        "TOKEN",
    );
    c.max_retries = 0;
    let err = fail(c);
    assert!(matches!(err, ProviderError::Transport { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "unleash: GET http://127.0.0.1:{port}/api/admin/projects/p/features: cannot connect: "
        )),
        "{err}"
    );
}

#[test]
fn malformed_json_names_the_url() {
    let s = Replay::start();
    s.route(
        "/api/admin/projects/p/features",
        Reply::json("{\"features\": [ {\"name\": "),
    );
    let err = fail(config(ProviderKind::Unleash, &s, "p"));
    assert!(matches!(err, ProviderError::Json { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "unleash: GET {}/api/admin/projects/p/features: malformed JSON: ",
            s.url()
        )),
        "{err}"
    );

    // Valid JSON of the wrong shape is reported the same way.
    let s = Replay::start();
    s.route("/api/admin/projects/p/features", Reply::json("[1,2,3]"));
    let err = fail(config(ProviderKind::Unleash, &s, "p"));
    assert_eq!(
        err.to_string(),
        format!(
            "unleash: GET {}/api/admin/projects/p/features: malformed JSON: expected a `features` array",
            s.url()
        )
    );
}

#[test]
fn pagination_loop_next_seen_before() {
    let s = Replay::start();
    s.route("/api/v1/projects/1/", Reply::json("{}"))
        .route(
            "/api/v1/projects/1/features/?page_size=999",
            Reply::json(r#"{"count":1,"next":"{{base}}/api/v1/projects/1/features/?page=2&page_size=999","previous":null,"results":[]}"#),
        )
        .route(
            "/api/v1/projects/1/features/?page=2&page_size=999",
            Reply::json(r#"{"count":1,"next":"{{base}}/api/v1/projects/1/features/?page_size=999","previous":null,"results":[]}"#),
        );
    let err = fail(config(ProviderKind::Flagsmith, &s, "1"));
    assert!(matches!(err, ProviderError::Pagination { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "flagsmith: GET {0}/api/v1/projects/1/features/?page=2&page_size=999: pagination loop: next page {0}/api/v1/projects/1/features/?page_size=999 was already fetched",
            s.url()
        )
    );
}

#[test]
fn pagination_too_many_pages() {
    let s = Replay::start();
    let page = |n: u32| {
        format!(
            r#"{{"items":[],"totalCount":9,"_links":{{"next":{{"href":"/api/v2/flags/web?env=production&filter=filterEnv:production&summary=0&limit=100&offset={}"}}}}}}"#,
            n + 1
        )
    };
    let first = "/api/v2/flags/web?env=production&filter=filterEnv:production&summary=0&limit=100";
    s.route(first, Reply::json(page(0)));
    for n in 1..10 {
        s.route(&format!("{first}&offset={n}"), Reply::json(page(n)));
    }
    let mut c = config(ProviderKind::Launchdarkly, &s, "web");
    c.environments = vec!["production".into()];
    c.max_pages = 3;
    let err = fail(c);
    assert!(
        err.to_string()
            .ends_with("&offset=2: pagination loop: more than 3 pages"),
        "{err}"
    );
    assert_eq!(s.requests().len(), 3);
}

#[test]
fn unset_token_variable() {
    let s = Replay::start();
    let c = config(ProviderKind::Unleash, &s, "p");
    let err = fetch_all(&[c], &|_| None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unleash: environment variable TOKEN (token_env) is not set"
    );
    assert!(s.requests().is_empty());
}

#[test]
fn secret_and_config_never_print_the_token() {
    let secret = Secret::new(TOKEN);
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(secret.redact(&format!("a {TOKEN} b")), "a *** b");
    let s = Replay::start();
    let c = config(ProviderKind::Flagsmith, &s, "1");
    let client = flagdebt::provider::http::Client::new(&c, Secret::new(TOKEN)).expect("client");
    let dbg = format!("{client:?}");
    assert!(!dbg.contains(TOKEN), "{dbg}");
}
