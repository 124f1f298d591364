//! Flagsmith against the real recorded responses (Flagsmith API 2.265.0, V2 versioning on in
//! Production), replayed on 127.0.0.1.

mod common;

use common::replay::{Replay, Reply};
use flagdebt::provider::{
    fetch_all, EnvState, FlagsmithAuth, ProviderConfig, ProviderError, ProviderKind,
};
use serde_json::json;

const TOKEN: &str = "fs-secret-token-123.abcdef";
const DEV_KEY: &str = "5uTYtnWyoEzF6C5Xc2nP4A";
const PROD_KEY: &str = "MjN6NRvCc5JLpy58tkW5c5";

fn env(k: &str) -> Option<String> {
    (k == "FLAGSMITH_TOKEN").then(|| TOKEN.to_string())
}

/// The recordings, with two derived pages: environments and Development featurestates each
/// come back as two pages linked by an absolute `next`.
fn server() -> Replay {
    let s = Replay::start();
    s.route(
        "/api/v1/projects/1/",
        Reply::fixture("derived/flagsmith/project-1.json"),
    )
    .route(
        "/api/v1/projects/1/features/?page_size=999",
        Reply::fixture("flagsmith/features.json"),
    )
    .route(
        "/api/v1/projects/1/tags/",
        Reply::fixture("flagsmith/tags.json"),
    )
    .route(
        "/api/v1/environments/?project=1",
        Reply::fixture("derived/flagsmith/environments-page1.json"),
    )
    .route(
        "/api/v1/environments/?page=2&project=1",
        Reply::fixture("derived/flagsmith/environments-page2.json"),
    )
    .route(
        &format!("/api/v1/environments/{DEV_KEY}/featurestates/"),
        Reply::fixture("derived/flagsmith/featurestates-dev-page1.json"),
    )
    .route(
        &format!("/api/v1/environments/{DEV_KEY}/featurestates/?page=2"),
        Reply::fixture("derived/flagsmith/featurestates-dev-page2.json"),
    )
    .route(
        &format!("/api/v1/environments/{PROD_KEY}/featurestates/"),
        Reply::fixture("flagsmith/featurestates-prod-v2.json"),
    )
    .route(
        "/api/v1/projects/1/features/?environment=1&page_size=999",
        Reply::fixture("derived/flagsmith/features-env1.json"),
    )
    .route(
        "/api/v1/projects/1/features/?environment=2&page_size=999",
        Reply::fixture("flagsmith/features-env2.json"),
    )
    .route(
        "/api/v1/environments/2/features/1/versions/?is_live=true",
        Reply::fixture("flagsmith/versions-env2-feature1.json"),
    )
    .route(
        "/api/v1/environments/2/features/2/versions/?is_live=true",
        Reply::fixture("derived/flagsmith/versions-env2-feature2.json"),
    )
    .route(
        "/api/v1/environments/2/features/3/versions/?is_live=true",
        Reply::fixture("derived/flagsmith/versions-env2-feature3.json"),
    );
    s
}

fn config(s: &Replay) -> ProviderConfig {
    let mut c = ProviderConfig::new(ProviderKind::Flagsmith, &s.url(), "1", "FLAGSMITH_TOKEN");
    c.max_retry_wait_secs = 0.01;
    c
}

#[test]
fn normalises_the_recorded_project() {
    let s = server();
    let state = fetch_all(&[config(&s)], &env).unwrap();
    assert_eq!(state.version, 1);
    assert_eq!(state.providers.len(), 1);
    let p = &state.providers[0];
    assert_eq!(p.name, "flagsmith");
    assert_eq!(p.kind, ProviderKind::Flagsmith);
    assert_eq!(p.project, "1");
    assert_eq!(p.environments, ["Development", "Production"]);
    assert_eq!(p.stale_after_days, Some(30));
    let keys: Vec<&str> = p.flags.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["banner_copy", "new_checkout", "old_flag"]);

    let nc = &p.flags[1];
    assert_eq!(nc.description.as_deref(), Some("New checkout flow"));
    assert_eq!(nc.flag_type.as_deref(), Some("STANDARD"));
    assert_eq!(nc.owners, ["admin@example.com"]);
    assert!(nc.group_owners.is_empty());
    assert_eq!(nc.tags, ["team-payments"], "tag id 1 resolved via /tags/");
    assert_eq!(nc.created.as_deref(), Some("2026-11-21T20:29:21Z"));
    assert_eq!(nc.last_modified.as_deref(), Some("2026-11-21T20:29:37Z"));
    assert!(!nc.archived && !nc.stale && !nc.potentially_stale);
    assert_eq!(
        nc.environments["Development"],
        EnvState {
            enabled: true,
            fully_on: Some(true),
            last_modified: Some("2026-11-21T20:29:21Z".into()),
            last_seen: None,
            value: None,
            live_version: None,
        }
    );
    assert_eq!(
        nc.environments["Production"],
        EnvState {
            enabled: false,
            fully_on: Some(false),
            last_modified: Some("2026-11-21T20:29:37Z".into()),
            last_seen: None,
            value: None,
            // Two published versions are "live"; the later live_from wins, and it matches the
            // featurestate's environment_feature_version.
            live_version: Some("90775227-15f0-486f-96fe-fbb40fedf869".into()),
        }
    );

    let banner = &p.flags[0];
    let dev = &banner.environments["Development"];
    assert!(dev.enabled);
    assert_eq!(dev.value, Some(json!("hello")));
    assert_eq!(
        dev.fully_on,
        Some(false),
        "a segment override is not fully on"
    );
    assert_eq!(
        banner.environments["Production"].live_version.as_deref(),
        Some("e43f7bae-0ccb-4604-a6b2-4f4c7e4f9dc3")
    );

    let old = &p.flags[2];
    assert!(old.archived, "archived features are listed by default");
    assert_eq!(old.description, None);
    assert_eq!(old.environments.len(), 2);
}

#[test]
fn requests_use_api_key_auth_follow_next_and_numeric_version_ids() {
    let s = server();
    fetch_all(&[config(&s)], &env).unwrap();
    let reqs = s.requests();
    assert!(!reqs.is_empty());
    for r in &reqs {
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.header("authorization"),
            Some(format!("Api-Key {TOKEN}").as_str())
        );
        assert_eq!(r.header("accept"), Some("application/json"));
        assert!(!r.target.contains("no route"));
    }
    let targets = s.targets();
    for t in [
        "/api/v1/environments/?page=2&project=1",
        "/api/v1/environments/5uTYtnWyoEzF6C5Xc2nP4A/featurestates/?page=2",
        "/api/v1/environments/2/features/1/versions/?is_live=true",
        "/api/v1/environments/2/features/2/versions/?is_live=true",
        "/api/v1/environments/2/features/3/versions/?is_live=true",
    ] {
        assert_eq!(s.hits(t), 1, "{t} requested once; got {targets:#?}");
    }
    // Development is not V2-versioned: no version requests there, and never by api key.
    assert!(!targets
        .iter()
        .any(|t| t.contains("/environments/1/features/")));
    assert!(!targets
        .iter()
        .any(|t| t.contains(&format!("{PROD_KEY}/features/"))));
    // Every request was answered by a route.
    assert_eq!(reqs.len(), 13, "{targets:#?}");
}

#[test]
fn token_auth_and_environment_filter() {
    let s = server();
    let mut c = config(&s);
    c.auth = Some(FlagsmithAuth::Token);
    c.name = Some("web".into());
    c.environments = vec!["production".into()];
    let state = fetch_all(&[c], &env).unwrap();
    let p = &state.providers[0];
    assert_eq!(p.name, "web");
    assert_eq!(p.environments, ["Production"]);
    assert!(p.flags.iter().all(|f| f.environments.len() == 1));
    for r in s.requests() {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Token {TOKEN}").as_str())
        );
    }
    assert_eq!(
        s.hits(&format!("/api/v1/environments/{DEV_KEY}/featurestates/")),
        0,
        "unselected environment not fetched"
    );

    // By api key too.
    let s = server();
    let mut c = config(&s);
    c.environments = vec![DEV_KEY.into()];
    let state = fetch_all(&[c], &env).unwrap();
    assert_eq!(state.providers[0].environments, ["Development"]);
}

#[test]
fn unknown_environment_is_a_config_error() {
    let s = server();
    let mut c = config(&s);
    c.environments = vec!["Staging".into()];
    let err = fetch_all(&[c], &env).unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "flagsmith: environment `Staging` not found in project 1 (environments: Development, Production)"
    );
}

#[test]
fn next_links_to_another_origin_stay_on_the_configured_server() {
    // Behind a TLS-terminating proxy Flagsmith builds `next` from its own view of the host.
    let s = server();
    s.route(
        "/api/v1/environments/?project=1",
        Reply::json(
            common::replay::fixture("derived/flagsmith/environments-page1.json")
                .replace("{{base}}", "http://flagsmith.internal:8000"),
        ),
    );
    let state = fetch_all(&[config(&s)], &env).unwrap();
    assert_eq!(
        state.providers[0].environments,
        ["Development", "Production"]
    );
    assert_eq!(s.hits("/api/v1/environments/?page=2&project=1"), 1);
}
