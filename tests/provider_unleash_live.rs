//! Against a real Unleash 8.2.0 server on 127.0.0.1, started and seeded by scripts/test.sh
//! (scripts/unleash/up.sh + seed.sh): the seeded scenario must come out as the right
//! findings, a snapshot round trip must give the same findings, and the token must never be
//! printed. In CI a missing server is a failure, never a silent skip.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{flagdebt, write};
use serde_json::Value;

const TOKEN_VAR: &str = "FLAGDEBT_TEST_UNLEASH_TOKEN";

/// UNLEASH_URL and UNLEASH_ADMIN_TOKEN from the env file scripts/test.sh exported.
fn server() -> Option<(String, String)> {
    let file = std::env::var("FLAGDEBT_UNLEASH_ENV").ok().or_else(|| {
        let p = common::repo().join(".cache/unleash/env");
        p.exists().then(|| p.display().to_string())
    });
    let Some(file) = file else {
        if std::env::var("FLAGDEBT_SKIP_EXTERNAL").as_deref() == Ok("1") {
            eprintln!("FLAGDEBT_SKIP_EXTERNAL=1: no live Unleash test");
            return None;
        }
        panic!("no Unleash server: run scripts/test.sh, which starts and seeds one (or set FLAGDEBT_SKIP_EXTERNAL=1 locally)");
    };
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let vars: BTreeMap<String, String> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_string(),
                v.trim().trim_matches('\'').to_string(),
            )
        })
        .collect();
    Some((
        vars["UNLEASH_URL"].clone(),
        vars["UNLEASH_ADMIN_TOKEN"].clone(),
    ))
}

fn repo(dir: &Path, url: &str) {
    write(
        dir,
        "app/main.py",
        "from app.flags import unleash\n\n\ndef render(ctx):\n    parts = []\n    if unleash.is_enabled(\"new-checkout\", ctx):\n        parts.append(\"checkout\")\n    if unleash.is_enabled(\"legacy-search\", ctx):\n        parts.append(\"search\")\n    if unleash.is_enabled(\"old-banner\", ctx):\n        parts.append(\"banner\")\n    if unleash.is_enabled(\"gift-cards\", ctx):\n        parts.append(\"gift\")\n    if unleash.is_enabled(\"dark-mode\", ctx):\n        parts.append(\"dark\")\n    return parts\n",
    );
    write(
        dir,
        ".flagdebt.yml",
        format!("providers:\n  - kind: unleash\n    base_url: {url}\n    project: default\n    token_env: {TOKEN_VAR}\nagree: [[development, production]]\n"),
    );
}

fn findings(stdout: &[u8]) -> Vec<(String, String, String, u64)> {
    let v: Value = serde_json::from_slice(stdout).expect("json");
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["flag"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn no_token(token: &str, outputs: &[&[u8]]) {
    let secret = token.rsplit('.').next().unwrap();
    for o in outputs {
        let s = String::from_utf8_lossy(o);
        assert!(!s.contains(secret), "the token leaked into output: {s}");
    }
}

#[test]
fn seeded_unleash_scenario_gives_the_right_findings() {
    let Some((url, token)) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path(), &url);
    let run = |args: &[&str]| {
        flagdebt()
            .current_dir(dir.path())
            .env(TOKEN_VAR, &token)
            .args(args)
            .output()
            .unwrap()
    };
    let live = run(&[
        "scan",
        "--format",
        "json",
        "--today",
        &today(),
        "--write-state",
        "live-state.json",
        ".",
    ]);
    let stderr = String::from_utf8_lossy(&live.stderr).into_owned();
    assert_eq!(live.status.code(), Some(1), "stderr: {stderr}");
    let got = findings(&live.stdout);
    let want: Vec<(String, String, String, u64)> = [
        ("archived-flag-referenced", "old-banner", "app/main.py", 10),
        ("environment-drift", "dark-mode", "app/main.py", 14),
        ("environment-drift", "ops-kill-payments", ".flagdebt.yml", 1),
        ("stale-flag", "gift-cards", "app/main.py", 12),
        ("stale-flag", "legacy-search", "app/main.py", 8),
        (
            "unregistered-provider-flag",
            "ops-kill-payments",
            ".flagdebt.yml",
            1,
        ),
    ]
    .iter()
    .map(|(c, f, p, l)| (c.to_string(), f.to_string(), p.to_string(), *l))
    .collect();
    assert_eq!(got, want);
    let v: Value = serde_json::from_slice(&live.stdout).unwrap();
    let msg = |flag: &str, code: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["flag"] == flag && f["code"] == code)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The message says which reason applies.
    assert!(
        msg("legacy-search", "stale-flag").contains("potentially stale"),
        "{}",
        msg("legacy-search", "stale-flag")
    );
    assert!(
        msg("legacy-search", "stale-flag").contains("past the 40-day lifetime of release flags")
    );
    assert!(msg("gift-cards", "stale-flag").contains("marked stale at unleash"));
    assert!(msg("dark-mode", "environment-drift").contains("on in development"));
    assert!(msg("dark-mode", "environment-drift").contains("off in production"));

    // Snapshot round trip: pull, then scan offline from it: the same findings.
    let pull = run(&["pull", "-o", "state.json"]);
    assert_eq!(
        pull.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pull.stderr)
    );
    let offline = flagdebt()
        .current_dir(dir.path())
        .env_remove(TOKEN_VAR)
        .args([
            "scan",
            "--format",
            "json",
            "--today",
            &today(),
            "--state",
            "state.json",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(findings(&offline.stdout), got);
    let from_written = run(&[
        "scan",
        "--format",
        "json",
        "--today",
        &today(),
        "--state",
        "live-state.json",
        ".",
    ]);
    assert_eq!(findings(&from_written.stdout), got);

    // Sixty days on, new-checkout (fully on in both environments) is stale as well.
    let later = run(&[
        "scan",
        "--format",
        "json",
        "--state",
        "state.json",
        "--today",
        &today_plus(60),
        ".",
    ]);
    let later_findings = findings(&later.stdout);
    assert!(
        later_findings
            .iter()
            .any(|(c, f, _, _)| c == "stale-flag" && f == "new-checkout"),
        "{later_findings:?}"
    );

    let state = std::fs::read(dir.path().join("state.json")).unwrap();
    no_token(
        &token,
        &[
            &live.stdout,
            &live.stderr,
            &pull.stdout,
            &pull.stderr,
            &state,
            &offline.stdout,
        ],
    );
}

#[test]
fn bad_token_is_one_line_exit_2_and_never_printed() {
    let Some((url, token)) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path(), &url);
    let bad = format!("{token}x");
    let out = flagdebt()
        .current_dir(dir.path())
        .env(TOKEN_VAR, &bad)
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("unleash") && stderr.contains(&url) && stderr.contains("401"),
        "{stderr}"
    );
    no_token(&bad, &[&out.stdout, &out.stderr]);
    // --allow-provider-errors: the scan goes on without provider state.
    let out = flagdebt()
        .current_dir(dir.path())
        .env(TOKEN_VAR, &bad)
        .args(["scan", "--allow-provider-errors", "--format", "json", "."])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    no_token(&bad, &[&out.stdout, &out.stderr]);
}

fn today() -> String {
    flagdebt::date::Date::today().to_string()
}

fn today_plus(days: i64) -> String {
    let d = flagdebt::date::Date::today();
    flagdebt::date::Date::from_days(d.days() + days).to_string()
}
