//! `flagdebt init`: a starter config from what the repository holds, that the next scan uses.

mod common;

use std::path::Path;

use common::{flagdebt, repo, write};

/// A repository with kebab-case flag keys, read through OpenFeature and a FEATURE_ variable.
fn kebab_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feature_flags.yaml",
        "new-ui:\n  owner: team-web\n  type: release\n  remove_by: 2027-01-31\n\
         dark-mode:\n  owner: team-web\n  type: release\n  remove_by: 2027-01-31\n",
    );
    write(
        dir.path(),
        "web/src/app.ts",
        "export const newUi = process.env.FEATURE_NEW_UI === \"1\";\n",
    );
    write(
        dir.path(),
        "api/theme.py",
        "from openfeature import api\n\nclient = api.get_client()\nDARK = client.get_boolean_value(\"dark-mode\", False)\n",
    );
    dir
}

fn findings(dir: &Path) -> (i32, Vec<(String, String)>) {
    let out = flagdebt()
        .current_dir(dir)
        .args(["scan", "--format", "json", "--today", "2026-11-21", "."])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let rows = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["flag"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap(), rows)
}

#[test]
fn init_writes_a_config_that_the_next_scan_uses() {
    let dir = kebab_repo();
    // Without a config, FEATURE_NEW_UI maps to `new_ui`, which is declared nowhere.
    let (_, before) = findings(dir.path());
    assert!(
        before.contains(&("undeclared-flag".into(), "new_ui".into())),
        "{before:?}"
    );
    let out = flagdebt()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("flagdebt: wrote "), "{stderr}");
    let text = std::fs::read_to_string(dir.path().join(".flagdebt.yml")).unwrap();
    assert!(
        text.contains("registries:\n  - \"feature_flags.yaml\"\n"),
        "{text}"
    );
    assert!(
        text.contains("env:\n  prefixes: [FEATURE_]\n  key_transform: strip_prefix_kebab\n"),
        "{text}"
    );
    assert!(text.contains("#   openfeature       1"), "{text}");
    assert!(text.contains("#   env               1"), "{text}");
    // The next scan reads it: FEATURE_NEW_UI is now the declared flag `new-ui`.
    let (code, after) = findings(dir.path());
    assert_eq!(code, 1, "the raw env read is still an error");
    assert_eq!(after, [("raw-env-flag".to_string(), "new-ui".to_string())]);
}

#[test]
fn init_refuses_to_overwrite_unless_forced() {
    let dir = kebab_repo();
    write(
        dir.path(),
        ".flagdebt.yml",
        "severity: {raw-env-flag: warning}\n",
    );
    let out = flagdebt()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(".flagdebt.yml") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".flagdebt.yml")).unwrap(),
        "severity: {raw-env-flag: warning}\n",
        "left alone"
    );
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["init", "--force", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "--quiet");
    let text = std::fs::read_to_string(dir.path().join(".flagdebt.yml")).unwrap();
    assert!(text.starts_with("# flagdebt configuration"), "{text}");
}

#[test]
fn init_stdout_prints_what_it_would_write_and_writes_nothing() {
    let dir = kebab_repo();
    let printed = flagdebt()
        .current_dir(dir.path())
        .args(["init", "--stdout"])
        .output()
        .unwrap();
    assert_eq!(printed.status.code(), Some(0));
    assert!(!dir.path().join(".flagdebt.yml").exists());
    flagdebt()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0);
    let written = std::fs::read(dir.path().join(".flagdebt.yml")).unwrap();
    assert_eq!(printed.stdout, written);
    // --stdout works even when a config exists.
    let again = flagdebt()
        .current_dir(dir.path())
        .args(["init", "--stdout"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(again.stdout, written);
}

#[test]
fn init_on_the_bookstore_sees_its_registry_packs_and_prefixes() {
    let out = flagdebt()
        .current_dir(repo())
        .args(["init", "--stdout", "fixtures/bookstore"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("registries:\n  - \"feature_flags.yaml\"\n"),
        "{text}"
    );
    assert!(text.contains("  prefixes: [FLAG_, FEATURE_]\n"), "{text}");
    for pack in [
        "openfeature",
        "flagsmith",
        "launchdarkly",
        "unleash",
        "custom",
        "env",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("#   {pack} ")) && !l.contains(" 0  ")),
            "{pack} has reads: {text}"
        );
    }
    assert!(
        std::fs::read_to_string(repo().join("fixtures/bookstore/.flagdebt.yml"))
            .unwrap()
            .starts_with("# A fixture repository"),
        "--stdout wrote nothing"
    );
}

#[test]
fn init_in_an_empty_folder_and_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    flagdebt()
        .current_dir(dir.path())
        .args(["init", "--quiet"])
        .assert()
        .code(0);
    let text = std::fs::read_to_string(dir.path().join(".flagdebt.yml")).unwrap();
    assert!(
        text.contains("# registries: [feature_flags.yaml]"),
        "{text}"
    );
    // Everything commented out: the scan runs with the defaults.
    flagdebt()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(0);
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["init", "no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/folder"));
}

/// A repository whose flags are read through an in-house helper flagdebt does not know, and
/// whose gates follow a preset: init proposes the helper (a callee passed declared keys) and
/// names the preset, instead of proposing to switch the rules off; the next scan reads
/// through the helper.
#[test]
fn init_proposes_the_in_house_helpers_it_sees() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feature_flags.yaml",
        "new_checkout:\n  owner: team-web\n  type: release\n  remove_by: 2027-01-31\n\
         dark_mode:\n  owner: team-web\n  type: release\n  remove_by: 2027-01-31\n",
    );
    write(
        dir.path(),
        "app/views.py",
        "from app.toggles import toggle_on\n\n\ndef view(user):\n    \
         if toggle_on(\"new_checkout\", user):\n        pass\n    \
         if toggle_on(\"dark_mode\", user):\n        pass\n    \
         print(\"new_checkout\")\n",
    );
    let (_, before) = findings(dir.path());
    assert!(
        before.contains(&("unused-flag".into(), "dark_mode".into())),
        "{before:?}"
    );
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["init", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join(".flagdebt.yml")).unwrap();
    // `print` was passed one declared key only: not a helper.
    assert!(
        text.contains(
            "#   toggle_on                          2\nhelpers: [\"toggle_on\", \"*.toggle_on\"]\n"
        ),
        "{text}"
    );
    let (_, after) = findings(dir.path());
    assert!(
        !after.iter().any(|(c, _)| c == "unused-flag"),
        "both flags are read through the helper now: {after:?}"
    );
}
