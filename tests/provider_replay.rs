//! The provider decoders driven by recorded responses with no network
//! (`provider::fetch_replayed`, what the provider fuzz target runs): the recordings decode to
//! the flags they hold, and what a hostile server could send (a broken body, a next link with a
//! newline and an escape sequence, too few responses) is one clean line, never a panic.

mod common;

use flagdebt::provider::{fetch_replayed, ProviderConfig, ProviderKind};

fn recording(name: &str) -> String {
    std::fs::read_to_string(
        common::repo()
            .join("fixtures/provider-recordings/launchdarkly")
            .join(name),
    )
    .unwrap()
}

fn config() -> ProviderConfig {
    let mut c = ProviderConfig::new(
        ProviderKind::Launchdarkly,
        "https://app.launchdarkly.com",
        "web",
        "LD_TOKEN",
    );
    c.concurrency = 1;
    c
}

/// The responses in the order the client asks for them: environments, each environment's
/// flag pages, then the archived flags.
fn responses() -> Vec<String> {
    [
        "environments.json",
        "flags-production-page1.json",
        "flags-production-page2.json",
        "flags-staging.json",
        "flags-archived.json",
    ]
    .map(recording)
    .to_vec()
}

#[test]
fn recorded_responses_decode_without_the_network() {
    let snap = fetch_replayed(&config(), responses()).unwrap();
    assert_eq!(snap.environments, ["production", "staging"]);
    let keys: Vec<(&str, bool)> = snap
        .flags
        .iter()
        .map(|f| (f.key.as_str(), f.archived))
        .collect();
    assert!(keys.contains(&("retired-flag", true)), "{keys:?}");
    assert!(
        keys.iter().filter(|(_, archived)| !archived).count() >= 3,
        "{keys:?}"
    );
}

#[test]
fn a_hostile_next_link_is_one_clean_line() {
    let mut bodies = responses();
    bodies[1] = bodies[1].replace(
        "/api/v2/flags/web?env=production&filter=filterEnv:production&summary=0&limit=100&offset=2",
        "http://[::1\\n::set-env name=X::y\\u001b[31m",
    );
    let err = fetch_replayed(&config(), bodies).unwrap_err().to_string();
    assert!(err.contains("bad next URL"), "{err}");
    assert!(!err.contains('\n') && !err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn a_broken_body_names_the_url() {
    let mut bodies = responses();
    bodies[0] = "{\"items\": [".into();
    let err = fetch_replayed(&config(), bodies).unwrap_err().to_string();
    assert!(
        err.contains("https://app.launchdarkly.com/api/v2/projects/web/environments"),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err:?}");
}

#[test]
fn too_few_responses_is_an_error_not_a_hang() {
    let err = fetch_replayed(&config(), responses()[..2].to_vec())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no response left to replay"), "{err}");
}
