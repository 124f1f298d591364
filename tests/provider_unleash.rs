//! Unleash against the real recorded responses (Unleash 8.2.0), replayed on 127.0.0.1.

mod common;

use common::replay::{route_unleash, Replay, UNLEASH_SEARCH};
use flagdebt::provider::{fetch_all, ProviderConfig, ProviderKind};

const TOKEN: &str = "*:*.unleash-secret-0123456789";

fn env(k: &str) -> Option<String> {
    (k == "UNLEASH_TOKEN").then(|| TOKEN.to_string())
}

/// The recordings; the plain search is split into two pages (2 + 2 of total 4) so the
/// offset paging is exercised.
fn server() -> Replay {
    let s = Replay::start();
    route_unleash(
        &s,
        &[
            (0, "derived/unleash/search-page1.json"),
            (2, "derived/unleash/search-page2.json"),
        ],
    );
    s
}

fn config(s: &Replay) -> ProviderConfig {
    let mut c = ProviderConfig::new(ProviderKind::Unleash, &s.url(), "default", "UNLEASH_TOKEN");
    c.max_retry_wait_secs = 0.01;
    c
}

#[test]
fn normalises_the_recorded_project() {
    let s = server();
    let state = fetch_all(&[config(&s)], &env).unwrap();
    let p = &state.providers[0];
    assert_eq!(p.kind, ProviderKind::Unleash);
    assert_eq!(p.environments, ["development", "production"]);
    assert_eq!(p.environment_types["production"], "production");
    assert_eq!(p.environment_types["development"], "development");
    assert_eq!(p.type_lifetimes["release"], Some(40));
    assert_eq!(p.type_lifetimes["operational"], Some(7));
    assert_eq!(p.type_lifetimes["kill-switch"], None);
    assert_eq!(p.type_lifetimes["sunset"], Some(90));
    let keys: Vec<&str> = p.flags.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "exp-banner",
            "kill-payments",
            "legacy-release",
            "new-checkout",
            "old-flag"
        ]
    );
    let by = |k: &str| p.flags.iter().find(|f| f.key == k).unwrap();

    let nc = by("new-checkout");
    assert_eq!(nc.flag_type.as_deref(), Some("release"));
    assert_eq!(nc.description.as_deref(), Some("New checkout flow"));
    assert_eq!(nc.tags, ["team-payments"]);
    assert_eq!(nc.created.as_deref(), Some("2026-11-21T20:24:15Z"));
    assert_eq!(nc.created_by.as_deref(), Some("Unleash Admin Token User"));
    assert!(nc.owners.is_empty(), "Unleash has no per-flag owner");
    assert_eq!(nc.lifecycle_stage.as_deref(), Some("pre-live"));
    assert_eq!(nc.temporary, Some(true));
    assert!(!nc.stale && !nc.potentially_stale && !nc.archived);
    let dev = &nc.environments["development"];
    assert!(dev.enabled);
    assert_eq!(
        dev.fully_on,
        Some(true),
        "flexibleRollout 100% without constraints"
    );
    assert_eq!(dev.last_seen.as_deref(), Some("2026-11-21T20:24:38Z"));
    let prod = &nc.environments["production"];
    assert!(!prod.enabled);
    assert_eq!(prod.fully_on, Some(false));
    assert_eq!(prod.last_seen, None);

    let exp = by("exp-banner");
    assert!(exp.stale, "marked stale at the provider");
    assert_eq!(exp.flag_type.as_deref(), Some("experiment"));

    let legacy = by("legacy-release");
    assert!(legacy.potentially_stale);
    assert!(!legacy.stale);
    assert_eq!(legacy.created.as_deref(), Some("2026-08-13T20:24:30Z"));
    assert_eq!(legacy.lifecycle_stage.as_deref(), Some("initial"));

    let kill = by("kill-payments");
    assert_eq!(kill.temporary, Some(false), "kill-switch has no lifetime");

    let old = by("old-flag");
    assert!(old.archived);
    assert_eq!(old.archived_at.as_deref(), Some("2026-11-21T20:24:18Z"));
    assert_eq!(old.lifecycle_stage.as_deref(), Some("archived"));
    assert_eq!(old.flag_type.as_deref(), Some("operational"));
    assert_eq!(old.description, None);
}

#[test]
fn requests_use_the_raw_token_and_page_search_by_total() {
    let s = server();
    fetch_all(&[config(&s)], &env).unwrap();
    let reqs = s.requests();
    for r in &reqs {
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.header("authorization"),
            Some(TOKEN),
            "raw token, no scheme"
        );
    }
    let targets = s.targets();
    assert_eq!(s.hits(&format!("{UNLEASH_SEARCH}&limit=100&offset=0")), 1);
    assert_eq!(
        s.hits(&format!("{UNLEASH_SEARCH}&limit=100&offset=2")),
        1,
        "{targets:#?}"
    );
    // Strategy detail only for the flag enabled with strategies.
    let detail: Vec<&String> = targets
        .iter()
        .filter(|t| t.starts_with("/api/admin/projects/default/features/"))
        .collect();
    assert_eq!(
        detail,
        ["/api/admin/projects/default/features/new-checkout"]
    );
    assert_eq!(reqs.len(), 7, "{targets:#?}");
}

#[test]
fn environment_filter() {
    let s = server();
    let mut c = config(&s);
    c.environments = vec!["production".into()];
    let state = fetch_all(&[c], &env).unwrap();
    let p = &state.providers[0];
    assert_eq!(p.environments, ["production"]);
    assert!(p
        .flags
        .iter()
        .all(|f| f.environments.keys().eq(["production"].iter())));
    // new-checkout is off in production: no detail request needed.
    assert_eq!(
        s.hits("/api/admin/projects/default/features/new-checkout"),
        0
    );

    let s = server();
    let mut c = config(&s);
    c.environments = vec!["staging".into()];
    let err = fetch_all(&[c], &env).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unleash: environment `staging` not found in project default (environments: development, production)"
    );
}
