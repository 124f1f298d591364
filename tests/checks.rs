//! One fixture repository per check under `fixtures/checks/<code>/`, each holding cases that
//! must trigger the check and cases that must not. The expectations are written in the files
//! themselves, in the file's comment syntax (YAML comments too):
//!
//! - `expect-finding: code[flag], code[flag]`: findings on this line (`code` alone: a finding
//!   with no flag, e.g. `dynamic-flag-key`). A code listed twice is two findings.
//! - `expect-finding-next-line: ...`: the same, for the next line (for lines whose own comment
//!   cannot carry a marker, like a suppression comment, whose reason would change).
//!
//! - `expect-finding-at: PATH:LINE: code[flag], ...`: findings at another file's line, for
//!   files that have no comment syntax (JSON, e.g. `heroku config --json` output).
//!
//! A line without a marker must produce nothing. Each test runs
//! `flagdebt scan --format json --today 2026-11-21 --select <code> fixtures/checks/<code>` and
//! compares the exact multiset of (code, flag, path, line), and the exit code. A fixture
//! folder may also hold `flagdebt.test.yml` (passed as `--config`) and `state.json` (a provider
//! snapshot as `flagdebt pull` writes it, passed as `--state`).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{flagdebt, repo};

const TODAY: &str = "2026-11-21";

/// Every check code and its default severity; `every_check_has_a_fixture` keeps this in step
/// with `flagdebt explain --list`.
const CHECKS: &[(&str, &str)] = &[
    ("archived-flag-referenced", "error"),
    ("default-mismatch", "warning"),
    ("dormant-env-override", "warning"),
    ("dynamic-flag-key", "warning"),
    ("environment-drift", "warning"),
    ("expired-flag", "error"),
    ("invalid-registry", "error"),
    ("kill-switch-unsafe-default", "error"),
    ("missing-owner", "error"),
    ("missing-removal-date", "error"),
    ("provider-conflict", "warning"),
    ("raw-env-flag", "error"),
    ("stale-flag", "warning"),
    ("undeclared-flag", "error"),
    ("unexplained-suppression", "warning"),
    ("unknown-dependency", "error"),
    ("unregistered-provider-flag", "warning"),
    ("unused-flag", "warning"),
    ("unused-suppression", "warning"),
];

/// (code, flag, path, line)
type Row = (String, Option<String>, String, usize);

const MARKER: &str = "expect-finding";

/// Parse `code[flag], code` into rows at `path:line`.
fn parse_items(list: &str, path: &str, line: usize, out: &mut Vec<Row>) {
    let list = list
        .trim()
        .trim_end_matches("-->")
        .trim_end_matches("*/")
        .trim();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (code, flag) = match item.split_once('[') {
            Some((code, rest)) => {
                let flag = rest
                    .strip_suffix(']')
                    .unwrap_or_else(|| panic!("{path}:{line}: bad marker item `{item}`"));
                (code.trim(), Some(flag.trim().to_string()))
            }
            None => (item, None),
        };
        assert!(
            CHECKS.iter().any(|(c, _)| *c == code),
            "{path}:{line}: marker names an unknown check `{code}`"
        );
        out.push((code.to_string(), flag, path.to_string(), line));
    }
}

/// Every marker in every file under `dir` (all files, also those flagdebt skips: a marker in
/// an excluded file would be a mistake the test should show).
fn expected(dir: &Path) -> Vec<Row> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let rel = f
            .strip_prefix(dir)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        for (i, l) in text.lines().enumerate() {
            let Some(at) = l.find(MARKER) else { continue };
            let rest = &l[at + MARKER.len()..];
            if let Some(list) = rest.strip_prefix("-next-line:") {
                parse_items(list, &rel, i + 2, &mut out);
            } else if let Some(at) = rest.strip_prefix("-at:") {
                let mut parts = at.splitn(3, ':');
                let (Some(path), Some(Ok(line)), Some(list)) = (
                    parts.next(),
                    parts.next().map(|n| n.trim().parse::<usize>()),
                    parts.next(),
                ) else {
                    panic!("{rel}:{}: malformed marker (PATH:LINE: items): {l}", i + 1);
                };
                parse_items(list, path.trim(), line, &mut out);
            } else if let Some(list) = rest.strip_prefix(':') {
                parse_items(list, &rel, i + 1, &mut out);
            } else {
                panic!("{rel}:{}: malformed marker: {l}", i + 1);
            }
        }
    }
    out.sort();
    out
}

struct Scan {
    rows: Vec<Row>,
    messages: Vec<String>,
    code: i32,
}

fn scan(code: &str) -> Scan {
    let dir = format!("fixtures/checks/{code}");
    let mut cmd = flagdebt();
    cmd.current_dir(repo()).args([
        "scan", "--format", "json", "--today", TODAY, "--select", code,
    ]);
    let config = format!("{dir}/flagdebt.test.yml");
    if repo().join(&config).is_file() {
        cmd.args(["--config", &config]);
    }
    let state = format!("{dir}/state.json");
    if repo().join(&state).is_file() {
        snapshot_as_pull_writes_it(&state);
        cmd.args(["--state", &state]);
    }
    let out = cmd.arg(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{code}: no JSON on stdout ({e}); stderr: {stderr}"));
    let findings = doc["findings"].as_array().expect("findings");
    let mut rows: Vec<Row> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["flag"].as_str().map(str::to_string),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    rows.sort();
    Scan {
        rows,
        messages: findings
            .iter()
            .map(|f| f["message"].as_str().unwrap_or_default().to_string())
            .collect(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// A fixture snapshot must be what `flagdebt pull` writes: version 1, every field, in order.
fn snapshot_as_pull_writes_it(rel: &str) {
    use flagdebt::provider::snapshot;
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    let state = snapshot::from_str(&text, rel).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state.version, 1, "{rel}: snapshot version");
    let written = snapshot::to_string(&state).unwrap();
    assert!(
        written == text,
        "{rel} is not byte for byte what `flagdebt pull` would write; it would write:\n{written}"
    );
}

/// A readable diff of two sorted multisets.
fn diff(expected: &[Row], actual: &[Row]) -> String {
    let mut missing = expected.to_vec();
    let mut extra = Vec::new();
    for a in actual {
        match missing.iter().position(|e| e == a) {
            Some(i) => {
                missing.remove(i);
            }
            None => extra.push(a.clone()),
        }
    }
    let fmt = |r: &Row| {
        format!(
            "  {}[{}] at {}:{}",
            r.0,
            r.1.as_deref().unwrap_or("-"),
            r.2,
            r.3
        )
    };
    let mut s = String::new();
    if !missing.is_empty() {
        s.push_str("expected but not reported:\n");
        missing.iter().for_each(|r| s.push_str(&(fmt(r) + "\n")));
    }
    if !extra.is_empty() {
        s.push_str("reported but not expected:\n");
        extra.iter().for_each(|r| s.push_str(&(fmt(r) + "\n")));
    }
    s
}

fn check(code: &str) {
    let dir = repo().join("fixtures/checks").join(code);
    let want = expected(&dir);
    assert!(
        !want.is_empty(),
        "fixtures/checks/{code} marks no finding: a fixture that cannot trigger proves nothing"
    );
    for (c, ..) in &want {
        assert_eq!(
            c, code,
            "fixtures/checks/{code} marks a finding of another check"
        );
    }
    let got = scan(code);
    assert!(
        want == got.rows,
        "fixtures/checks/{code}: findings differ\n{}",
        diff(&want, &got.rows)
    );
    assert!(
        got.messages.iter().all(|m| !m.trim().is_empty()),
        "every finding has a message"
    );
    let severity = CHECKS.iter().find(|(c, _)| *c == code).unwrap().1;
    let exit = if severity == "error" { 1 } else { 0 };
    assert_eq!(
        got.code, exit,
        "{code} (default severity {severity}) with findings exits {exit}"
    );
}

#[test]
fn every_check_has_a_fixture() {
    let out = flagdebt().args(["explain", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let listed: Vec<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap().to_string(), w.next().unwrap().to_string())
        })
        .collect();
    let table: Vec<(String, String)> = CHECKS
        .iter()
        .map(|(c, s)| (c.to_string(), s.to_string()))
        .collect();
    assert_eq!(
        listed, table,
        "explain --list: codes and default severities"
    );
    let dirs: BTreeSet<String> = std::fs::read_dir(repo().join("fixtures/checks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let codes: BTreeSet<String> = CHECKS.iter().map(|(c, _)| c.to_string()).collect();
    assert_eq!(dirs, codes, "one fixture folder per check code");
}

#[test]
fn marker_parser_reads_codes_flags_and_next_line() {
    let mut rows = Vec::new();
    parse_items(
        " unknown-dependency[a], unknown-dependency[a], dynamic-flag-key */",
        "x.go",
        3,
        &mut rows,
    );
    assert_eq!(
        rows,
        vec![
            (
                "unknown-dependency".into(),
                Some("a".into()),
                "x.go".into(),
                3
            ),
            (
                "unknown-dependency".into(),
                Some("a".into()),
                "x.go".into(),
                3
            ),
            ("dynamic-flag-key".into(), None, "x.go".into(), 3),
        ]
    );
}

#[test]
fn undeclared_flag() {
    check("undeclared-flag");
}

#[test]
fn unused_flag() {
    check("unused-flag");
}

#[test]
fn missing_owner() {
    check("missing-owner");
}

#[test]
fn missing_removal_date() {
    check("missing-removal-date");
}

#[test]
fn expired_flag() {
    check("expired-flag");
}

#[test]
fn raw_env_flag() {
    check("raw-env-flag");
}

#[test]
fn dynamic_flag_key() {
    check("dynamic-flag-key");
}

#[test]
fn kill_switch_unsafe_default() {
    check("kill-switch-unsafe-default");
}

#[test]
fn default_mismatch() {
    check("default-mismatch");
}

#[test]
fn unknown_dependency() {
    check("unknown-dependency");
}

#[test]
fn invalid_registry() {
    check("invalid-registry");
}

#[test]
fn unexplained_suppression() {
    check("unexplained-suppression");
}

#[test]
fn unused_suppression() {
    check("unused-suppression");
}

#[test]
fn stale_flag() {
    check("stale-flag");
}

#[test]
fn archived_flag_referenced() {
    check("archived-flag-referenced");
}

#[test]
fn environment_drift() {
    check("environment-drift");
}

#[test]
fn unregistered_provider_flag() {
    check("unregistered-provider-flag");
}

#[test]
fn dormant_env_override() {
    check("dormant-env-override");
}

#[test]
fn provider_conflict() {
    check("provider-conflict");
}
