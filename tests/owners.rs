//! Owners in the data: every finding about a flag carries its owner and where the owner comes
//! from (registry, provider, CODEOWNERS), in JSON and in SARIF.

mod common;

use common::{flagdebt, write};

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "feature_flags.yaml",
        "owned:\n  owner: team-a\n  type: release\n  remove_by: 2026-01-01\n\
         orphan:\n  type: release\n  remove_by: 2026-01-01\n\
         nobody:\n  type: release\n  remove_by: 2026-01-01\n\
         provider_owned:\n  type: release\n  remove_by: 2026-01-01\n",
    );
    write(
        root,
        "api/app.py",
        "from app.clients import flagsmith\n\ndef f(flags):\n    a = flags.is_feature_enabled(\"owned\")\n    b = flags.is_feature_enabled(\"orphan\")\n    c = flags.is_feature_enabled(\"provider_owned\")\n    return a, b, c\n",
    );
    write(
        root,
        "tools/run.py",
        "from app.clients import flagsmith\n\ndef g(flags):\n    return flags.is_feature_enabled(\"orphan\"), flags.is_feature_enabled(\"nobody\")\n",
    );
    write(
        root,
        ".github/CODEOWNERS",
        "# owners\n/api/ @org/api @alice\n/tools/ @org/tools\n/tools/run.py\n",
    );
    let state = serde_json::json!({
        "version": 1,
        "fetched_at": "2026-11-21T06:00:00Z",
        "providers": [{
            "name": "flagsmith", "kind": "flagsmith", "base_url": "https://api.flagsmith.com",
            "project": "1", "environments": ["Production"],
            "flags": [{"key": "provider_owned", "owners": ["pat@example.com"],
                       "environments": {"Production": {"enabled": true}}}]
        }]
    });
    write(root, "state.json", state.to_string());
    dir
}

fn scan(dir: &tempfile::TempDir, format: &str) -> serde_json::Value {
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["scan", "--select", "expired-flag", "--today", "2026-06-01"])
        .args(["--format", format, "--state", "state.json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_findings_carry_owner_and_source() {
    let dir = tree();
    let doc = scan(&dir, "json");
    let by_flag: Vec<(String, serde_json::Value, serde_json::Value)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["flag"].as_str().unwrap().to_string(),
                f["owner"].clone(),
                f["owner_source"].clone(),
            )
        })
        .collect();
    let get = |k: &str| {
        by_flag
            .iter()
            .find(|(f, _, _)| f == k)
            .map(|(_, o, s)| (o.clone(), s.clone()))
            .unwrap()
    };
    assert_eq!(get("owned"), ("team-a".into(), "registry".into()));
    assert_eq!(
        get("provider_owned"),
        ("pat@example.com".into(), "provider".into())
    );
    // No registry or provider owner: the CODEOWNERS owners of the files that read it, the
    // owner of more files first (api/app.py: two owners; tools/run.py: un-owned by the last
    // matching line).
    assert_eq!(
        get("orphan"),
        ("@alice, @org/api".into(), "codeowners".into())
    );
    // Read only by an un-owned file: no owner at all (the fields are absent).
    assert_eq!(
        get("nobody"),
        (serde_json::Value::Null, serde_json::Value::Null)
    );
}

#[test]
fn sarif_results_carry_owner_properties() {
    let dir = tree();
    let doc = scan(&dir, "sarif");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let props: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["message"]["text"].as_str().unwrap().contains("`owned`"))
        .map(|r| &r["properties"])
        .collect();
    assert_eq!(
        props,
        [&serde_json::json!({"owner": "team-a", "ownerSource": "registry"})]
    );
    let orphan = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("`orphan`"))
        .unwrap();
    assert_eq!(orphan["properties"]["ownerSource"], "codeowners");
}
