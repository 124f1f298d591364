//! LaunchDarkly against spec-shaped JSON (fields from the REST API v2 FeatureFlag and
//! FeatureFlagConfig models; no live server), replayed on 127.0.0.1.

mod common;

use common::replay::{Replay, Reply};
use flagdebt::provider::{fetch_all, ProviderConfig, ProviderKind};
use serde_json::json;

const TOKEN: &str = "api-0123abcd-ld-secret";
const PROD: &str =
    "/api/v2/flags/web?env=production&filter=filterEnv:production&summary=0&limit=100";
const STAGING: &str = "/api/v2/flags/web?env=staging&filter=filterEnv:staging&summary=0&limit=100";
const ARCHIVED: &str = "/api/v2/flags/web?filter=state:archived&summary=0&limit=100";

fn env(k: &str) -> Option<String> {
    (k == "LD_TOKEN").then(|| TOKEN.to_string())
}

fn server() -> Replay {
    let s = Replay::start();
    s.route(
        PROD,
        Reply::fixture("launchdarkly/flags-production-page1.json"),
    )
    .route(
        &format!("{PROD}&offset=2"),
        Reply::fixture("launchdarkly/flags-production-page2.json"),
    )
    .route(STAGING, Reply::fixture("launchdarkly/flags-staging.json"))
    .route(ARCHIVED, Reply::fixture("launchdarkly/flags-archived.json"))
    .route(
        "/api/v2/projects/web/environments",
        Reply::fixture("launchdarkly/environments.json"),
    );
    s
}

fn config(s: &Replay) -> ProviderConfig {
    let mut c = ProviderConfig::new(ProviderKind::Launchdarkly, &s.url(), "web", "LD_TOKEN");
    c.environments = vec!["production".into(), "staging".into()];
    c.max_retry_wait_secs = 0.01;
    c
}

#[test]
fn normalises_flags_across_environments() {
    let s = server();
    let state = fetch_all(&[config(&s)], &env).unwrap();
    let p = &state.providers[0];
    assert_eq!(p.kind, ProviderKind::Launchdarkly);
    assert_eq!(p.environments, ["production", "staging"]);
    let keys: Vec<&str> = p.flags.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "banner-copy",
            "new-checkout",
            "old-experiment",
            "retired-flag"
        ]
    );
    let by = |k: &str| p.flags.iter().find(|f| f.key == k).unwrap();

    let nc = by("new-checkout");
    assert_eq!(nc.display_name.as_deref(), Some("New checkout"));
    assert_eq!(nc.flag_type.as_deref(), Some("boolean"));
    assert_eq!(nc.owners, ["ada@example.com"]);
    assert_eq!(nc.tags, ["team-payments"]);
    assert_eq!(nc.temporary, Some(true));
    assert_eq!(
        nc.created.as_deref(),
        Some("2023-11-14T22:13:20Z"),
        "epoch ms"
    );
    assert_eq!(nc.last_modified.as_deref(), Some("2023-11-14T22:23:20Z"));
    let prod = &nc.environments["production"];
    assert!(prod.enabled);
    assert_eq!(
        prod.fully_on,
        Some(true),
        "no rules/targets, fallthrough to true"
    );
    assert_eq!(prod.value, Some(json!(true)));
    assert_eq!(prod.last_modified.as_deref(), Some("2023-11-14T22:21:40Z"));
    let staging = &nc.environments["staging"];
    assert!(staging.enabled);
    assert_eq!(staging.fully_on, Some(false), "a targeting rule");

    let banner = by("banner-copy");
    assert_eq!(banner.group_owners, ["Growth"]);
    assert!(banner.owners.is_empty());
    assert_eq!(banner.temporary, Some(false));
    let off = &banner.environments["production"];
    assert!(!off.enabled);
    assert_eq!(off.fully_on, Some(false));
    assert_eq!(off.value, Some(json!("bye")), "off variation");
    assert_eq!(banner.environments["staging"].fully_on, Some(true));
    assert_eq!(banner.environments["staging"].value, Some(json!("hello")));

    let old = by("old-experiment");
    assert!(old.deprecated);
    assert_eq!(old.deprecated_at.as_deref(), Some("2022-04-15T05:20:00Z"));
    assert!(old.potentially_stale);
    let rollout = &old.environments["production"];
    assert!(rollout.enabled);
    assert_eq!(rollout.fully_on, Some(false), "percentage rollout");
    assert_eq!(rollout.value, None);

    let retired = by("retired-flag");
    assert!(retired.archived);
    assert_eq!(retired.archived_at.as_deref(), Some("2020-09-13T12:26:40Z"));
    assert!(retired.environments.is_empty());
}

#[test]
fn requests_send_api_version_and_follow_links_next() {
    let s = server();
    fetch_all(&[config(&s)], &env).unwrap();
    let reqs = s.requests();
    for r in &reqs {
        assert_eq!(r.header("authorization"), Some(TOKEN));
        assert_eq!(r.header("ld-api-version"), Some("20240415"));
    }
    let targets = s.targets();
    assert_eq!(s.hits(&format!("{PROD}&offset=2")), 1, "{targets:#?}");
    assert_eq!(s.hits(STAGING), 1);
    assert_eq!(s.hits(ARCHIVED), 1);
    assert_eq!(s.hits("/api/v2/projects/web/environments"), 0);
    assert_eq!(reqs.len(), 4);
}

#[test]
fn all_environments_when_none_configured() {
    let s = server();
    let mut c = config(&s);
    c.environments.clear();
    let state = fetch_all(&[c], &env).unwrap();
    assert_eq!(state.providers[0].environments, ["production", "staging"]);
    assert_eq!(s.hits("/api/v2/projects/web/environments"), 1);
}
