//! Snapshot files round-trip exactly; bad files give clear errors; the YAML config shape.

mod common;

use common::replay::{route_unleash, Replay, Reply};
use flagdebt::provider::{
    fetch_all, snapshot, FlagsmithAuth, ProviderConfig, ProviderKind, ProviderState,
};
use serde::Deserialize;

fn fetched_state() -> ProviderState {
    let s = Replay::start();
    route_unleash(&s, &[(0, "unleash/search.json")]);
    let ld = "/api/v2/flags/web?env=staging&filter=filterEnv:staging&summary=0&limit=100";
    s.route(ld, Reply::fixture("launchdarkly/flags-staging.json"))
        .route(
            "/api/v2/flags/web?filter=state:archived&summary=0&limit=100",
            Reply::fixture("launchdarkly/flags-archived.json"),
        );
    let unleash = ProviderConfig::new(ProviderKind::Unleash, &s.url(), "default", "U");
    let mut ld = ProviderConfig::new(ProviderKind::Launchdarkly, &s.url(), "web", "L");
    ld.environments = vec!["staging".into()];
    fetch_all(&[unleash, ld], &|_| Some("tok-123456".into())).unwrap()
}

#[test]
fn write_read_round_trip_is_identical() {
    let state = fetched_state();
    assert_eq!(state.providers.len(), 2);
    assert!(state.fetched_at.ends_with('Z') && state.fetched_at.len() == 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/state.json");
    snapshot::write(&path, &state).unwrap();
    let back = snapshot::read(&path).unwrap();
    assert_eq!(back, state);
    // Writing what was read gives the same bytes.
    let first = std::fs::read_to_string(&path).unwrap();
    snapshot::write(&path, &back).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
    assert!(!first.contains("tok-123456"));
    // The lookup helpers the checks use.
    assert_eq!(
        back.find("new-checkout").len(),
        2,
        "in Unleash and LaunchDarkly"
    );
}

#[test]
fn wrong_version_and_malformed_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let shown = path.display().to_string();

    std::fs::write(&path, r#"{"version":2,"fetched_at":"x","providers":[]}"#).unwrap();
    let err = snapshot::read(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("provider snapshot {shown}: unsupported snapshot version 2 (this flagdebt reads version 1; run `flagdebt pull` again)")
    );

    std::fs::write(&path, "{\"version\":1,").unwrap();
    let err = snapshot::read(&path).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("provider snapshot {shown}: not valid JSON: ")),
        "{err}"
    );

    std::fs::write(&path, r#"{"flags":[]}"#).unwrap();
    let err = snapshot::read(&path).unwrap_err().to_string();
    assert!(
        err.ends_with("not a flagdebt provider snapshot (no `version` field)"),
        "{err}"
    );

    std::fs::write(
        &path,
        r#"{"version":1,"fetched_at":"x","providers":[{"name":1}]}"#,
    )
    .unwrap();
    let err = snapshot::read(&path).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("provider snapshot {shown}: malformed snapshot: ")),
        "{err}"
    );
    assert!(!err.contains('\n'));

    let err = snapshot::read(&dir.path().join("missing.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read"), "{err}");
}

#[derive(Deserialize)]
struct File {
    providers: Vec<ProviderConfig>,
}

#[test]
fn config_from_yaml() {
    let yaml = r#"
providers:
  - kind: flagsmith
    name: web
    base_url: https://api.flagsmith.com
    project: 36214
    environments: [Production, Development]
    token_env: FLAGSMITH_ADMIN_TOKEN
    auth: token
  - kind: unleash
    base_url: http://127.0.0.1:4242
    project: default
    token_env: UNLEASH_TOKEN
    timeout_secs: 5
  - kind: launchdarkly
    base_url: https://app.launchdarkly.com
    project: web
    token_env: LD_API_TOKEN
    max_retries: 0
"#;
    let f: File = serde_saphyr::from_str(yaml).unwrap();
    let [fs, un, ld] = &f.providers[..] else {
        panic!("three providers")
    };
    assert_eq!(fs.kind, ProviderKind::Flagsmith);
    assert_eq!(fs.project, "36214");
    assert_eq!(fs.auth, Some(FlagsmithAuth::Token));
    assert_eq!(fs.label(), "web");
    assert_eq!(fs.environments, ["Production", "Development"]);
    assert_eq!(fs.timeout_secs, 20.0);
    assert_eq!(fs.max_retries, 3);
    assert_eq!(un.timeout_secs, 5.0);
    assert_eq!(un.label(), "unleash");
    assert!(un.environments.is_empty());
    assert_eq!(ld.kind, ProviderKind::Launchdarkly);
    assert_eq!(ld.max_retries, 0);

    // A token pasted into the config is refused, not silently ignored.
    let bad = "providers:\n  - kind: unleash\n    base_url: http://x\n    project: p\n    token_env: T\n    token: abc\n";
    assert!(serde_saphyr::from_str::<File>(bad).is_err());
}

/// Found by the snapshot fuzz target (20 million executions): a provider value holding a
/// 130-digit number was read back as a different float after a write, so a snapshot did not
/// survive `pull` then `--state`. Numbers are read with correct rounding now.
#[test]
fn a_snapshot_reads_back_exactly_after_a_write() {
    let text = std::fs::read_to_string(
        common::repo().join("tests/fuzz-regressions/snapshot-float-roundtrip.json"),
    )
    .unwrap();
    let state = flagdebt::provider::snapshot::from_str(&text, "state.json").unwrap();
    let again = flagdebt::provider::snapshot::to_string(&state).unwrap();
    let back = flagdebt::provider::snapshot::from_str(&again, "state.json").unwrap();
    assert_eq!(back, state);
}
