//! The bundled fixtures, end to end: the whole reference list of the bookstore example, and
//! every per-rule case file under fixtures/cases (lines marked `expect: key` must produce
//! exactly those references; unmarked lines must produce nothing).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{flagdebt, repo};
use serde_json::Value;

fn refs_json(root: &Path) -> Value {
    let out = flagdebt()
        .args(["refs", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn tsv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn bookstore_reference_list_is_exact() {
    let v = refs_json(&repo().join("fixtures/bookstore"));
    let mut got: Vec<Vec<String>> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            ["flag", "path", "line", "language", "provider", "via"]
                .iter()
                .map(|k| match &r[*k] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let mut want = tsv(&repo().join("fixtures/bookstore.expected-refs.tsv"));
    got.sort();
    want.sort();
    assert_eq!(got, want);
    let langs: std::collections::BTreeSet<&str> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["language"].as_str().unwrap())
        .collect();
    assert_eq!(
        langs.len(),
        9,
        "all 8 languages (TS and TSX counted apart): {langs:?}"
    );

    let mut dynamic: Vec<Vec<String>> = Vec::new();
    let out = flagdebt()
        .args(["scan", "--format", "json", "--select", "dynamic-flag-key"])
        .arg(repo().join("fixtures/bookstore"))
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in scan["findings"].as_array().unwrap() {
        dynamic.push(vec![
            f["path"].as_str().unwrap().to_string(),
            f["line"].to_string(),
        ]);
    }
    let mut want_dyn = tsv(&repo().join("fixtures/bookstore.expected-dynamic.tsv"));
    dynamic.sort();
    want_dyn.sort();
    assert_eq!(dynamic, want_dyn);
    assert_eq!(
        v["summary"]["by_via"]["dynamic"],
        want_dyn.len(),
        "the summary counts unresolved keys"
    );
}

/// `expect: a, b` markers in a line's comment, by (path, line).
fn markers(root: &Path) -> BTreeMap<(String, u64), Vec<String>> {
    let mut out = BTreeMap::new();
    for entry in walk(root) {
        let rel = entry
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&entry).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find("expect:") else {
                continue;
            };
            let before = &line[..at];
            let openers = ["#", "//", "/*", "<!--", "@*"];
            if !openers.iter().any(|o| before.contains(o)) {
                continue;
            }
            let body = line[at + "expect:".len()..]
                .trim()
                .trim_end_matches('}')
                .trim()
                .trim_end_matches("*/")
                .trim()
                .trim_end_matches('#')
                .trim_end_matches("-->")
                .trim_end_matches("%>")
                .trim_end_matches("*@")
                .trim();
            let mut keys: Vec<String> = body
                .split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect();
            keys.sort();
            out.insert((rel.clone(), i as u64 + 1), keys);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn every_rule_case_matches_its_markers() {
    let root = repo().join("fixtures/cases");
    let v = refs_json(&root);
    let mut got: BTreeMap<(String, u64), Vec<String>> = BTreeMap::new();
    for r in v["references"].as_array().unwrap() {
        got.entry((
            r["path"].as_str().unwrap().to_string(),
            r["line"].as_u64().unwrap(),
        ))
        .or_default()
        .push(r["flag"].as_str().unwrap().to_string());
    }
    let out = flagdebt()
        .args(["scan", "--format", "json", "--select", "dynamic-flag-key"])
        .arg(&root)
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in scan["findings"].as_array().unwrap() {
        got.entry((
            f["path"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap(),
        ))
        .or_default()
        .push("dynamic".into());
    }
    got.values_mut().for_each(|v| v.sort());
    let want = markers(&root);
    let mut problems = Vec::new();
    for (place, keys) in &want {
        match got.get(place) {
            Some(g) if g == keys => {}
            other => problems.push(format!(
                "{}:{}: expected {keys:?}, got {other:?}",
                place.0, place.1
            )),
        }
    }
    for (place, keys) in &got {
        if !want.contains_key(place) {
            problems.push(format!("{}:{}: unexpected {keys:?}", place.0, place.1));
        }
    }
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Every rule id has a case file that matched something.
    let rules = flagdebt().arg("rules").output().unwrap();
    for line in String::from_utf8(rules.stdout).unwrap().lines() {
        // Presets' packs are asserted on their own fixtures (tests/presets.rs).
        if line.contains("rules/presets/") {
            continue;
        }
        let id = line.split_whitespace().next().unwrap();
        assert!(
            v["references"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["rule"] == id),
            "rule {id} matched nothing in fixtures/cases"
        );
    }
}
