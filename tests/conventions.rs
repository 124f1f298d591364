//! Conventions a real repository uses, end to end through the CLI: registries in more shapes
//! named in the config, `kind: text` rules, mentions in files no parser reads, the hints when a
//! convention was not recognised, and the regressions seen on real code (a user's rule
//! replacing a built-in one, `declared_only` rules and dynamic keys, over-broad built-ins,
//! go.mod detection, test-data registries, files that are not UTF-8).

mod common;

use std::path::Path;

use common::{flagdebt, write};
use serde_json::Value;

fn run(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = flagdebt()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json"])
        .args(if args[0] == "scan" {
            &["--today", "2026-11-21"][..]
        } else {
            &[][..]
        })
        .arg(".")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (out.status.code().unwrap(), doc, stderr)
}

fn refs(doc: &Value) -> Vec<(String, String, u64, String)> {
    doc["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["flag"].as_str().unwrap().to_string(),
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn findings(doc: &Value) -> Vec<(String, String, String, u64)> {
    doc["findings"]
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
        .collect()
}

fn declared(doc: &Value) -> Vec<(String, Vec<String>)> {
    doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["declared"] == true)
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["declared_at"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn registries_in_more_shapes_each_in_a_few_config_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".flagdebt.yml",
        r#"registries:
  - { path: conf/flags.properties, format: key-value }
  - { path: conf/app.ini, format: key-value, under: features }
  - { path: conf/settings.yml, format: map, under: app.features }
  - { path: conf/flags.json, format: map }
  - conf/environment-document.json
  - { path: web/flags.ts, format: typescript, name: FlagKey }
  - { path: src/Flag.java, format: java, name: Flag }
  - { path: app/flags.py, format: python, name: Flag }
"#,
    );
    write(
        root,
        "conf/flags.properties",
        "# kv\nkv_on=on\nkv_off = false\n",
    );
    write(
        root,
        "conf/app.ini",
        "[server]\nport=80\n[features]\nini_flag=1\n",
    );
    write(
        root,
        "conf/settings.yml",
        "app:\n  name: shop\n  features:\n    yaml_flag: true\n    yaml_obj:\n      owner: team-a\n      enabled: false\n",
    );
    write(
        root,
        "conf/flags.json",
        "{\n  \"json_flag\": {\"owner\": \"team-b\", \"default\": 3},\n  \"json_plain\": false\n}\n",
    );
    // A real recorded environment document (Flagsmith API 2.265.0).
    std::fs::copy(
        common::repo().join("fixtures/provider-recordings/flagsmith/environment-document.json"),
        root.join("conf/environment-document.json"),
    )
    .unwrap();
    write(
        root,
        "web/flags.ts",
        "export type FlagKey =\n  | \"ts-union-a\"\n  | \"ts-union-b\";\n",
    );
    write(
        root,
        "src/Flag.java",
        "package a;\npublic enum Flag {\n  JAVA_ONE(\"java_one\"),\n  JAVA_TWO;\n}\n",
    );
    write(
        root,
        "app/flags.py",
        "from enum import Enum\n\n\nclass Flag(str, Enum):\n    PY_ONE = \"py_one\"\n",
    );
    let (_, doc, stderr) = run(root, &["scan", "--select", "unused-flag,invalid-registry"]);
    let got = declared(&doc);
    let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    for want in [
        "kv_on",
        "kv_off",
        "ini_flag",
        "yaml_flag",
        "yaml_obj",
        "json_flag",
        "json_plain",
        "new_checkout",
        "ts-union-a",
        "ts-union-b",
        "java_one",
        "JAVA_TWO",
        "py_one",
    ] {
        assert!(keys.contains(&want), "{want} not in {keys:?}\n{stderr}");
    }
    assert!(!keys.contains(&"port"), "only the [features] section");
    assert!(!keys.contains(&"name"), "only the map under app.features");
    let at = |k: &str| got.iter().find(|(x, _)| x == k).unwrap().1.clone();
    assert_eq!(at("kv_off"), ["conf/flags.properties:3"]);
    assert_eq!(at("yaml_obj"), ["conf/settings.yml:5"]);
    assert_eq!(at("json_flag"), ["conf/flags.json:2"]);
    assert_eq!(at("ts-union-b"), ["web/flags.ts:3"]);
    let row = doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "yaml_obj")
        .unwrap();
    assert_eq!(row["owner"], "team-a");
    assert_eq!(row["default"], false);
    let row = doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "kv_on")
        .unwrap();
    assert_eq!(row["default"], true);
    // Nothing reads them: each is unused, at its own line.
    assert!(findings(&doc).contains(&(
        "unused-flag".into(),
        "kv_off".into(),
        "conf/flags.properties".into(),
        3
    )));
}

/// A `map` registry whose path holds a list of flag objects, each naming itself by `id`
/// (Microsoft.FeatureManagement's `feature_management.feature_flags`), `name` or `key`: each
/// is a flag at its naming key's line, its other fields read as usual; an item that names
/// nothing is an error naming the file and line.
#[test]
fn map_registries_read_lists_of_flag_objects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".flagdebt.yml",
        "registries:\n  - { path: appsettings.json, format: map, under: feature_management.feature_flags }\n  - { path: flags.yml, format: map, under: flags }\n",
    );
    write(
        root,
        "appsettings.json",
        r#"{
  "feature_management": {
    "feature_flags": [
      { "id": "Beta", "enabled": true },
      {
        "description": "Percentage rollout",
        "id": "Rollout",
        "enabled": false,
        "conditions": { "client_filters": [ { "name": "Microsoft.Percentage" } ] }
      }
    ]
  }
}
"#,
    );
    write(
        root,
        "flags.yml",
        "flags:\n  - name: list_a\n    owner: team-a\n  - key: list_b\n    enabled: true\n",
    );
    let (_, doc, stderr) = run(root, &["scan", "--select", "unused-flag,invalid-registry"]);
    let got = declared(&doc);
    assert_eq!(
        got,
        [
            ("Beta".to_string(), vec!["appsettings.json:4".to_string()]),
            (
                "Rollout".to_string(),
                vec!["appsettings.json:7".to_string()]
            ),
            ("list_a".to_string(), vec!["flags.yml:2".to_string()]),
            ("list_b".to_string(), vec!["flags.yml:4".to_string()]),
        ],
        "{stderr}"
    );
    let row = |k: &str| {
        doc["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(row("Beta")["default"], true);
    assert_eq!(row("Rollout")["default"], false);
    assert_eq!(row("list_a")["owner"], "team-a");

    write(root, "flags.yml", "flags:\n  - owner: team-a\n");
    let out = flagdebt()
        .current_dir(root)
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("flags.yml:2") && err.contains("`id`, `name` or `key`"),
        "{err}"
    );
}

#[test]
fn a_missing_code_type_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".flagdebt.yml",
        "registries:\n  - { path: web/flags.ts, format: typescript, name: Nope }\n",
    );
    write(dir.path(), "web/flags.ts", "export type FlagKey = \"a\";\n");
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("web/flags.ts:1:1") && err.contains("`Nope`"),
        "{err}"
    );
}

#[test]
fn text_rules_and_unparsed_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".flagdebt.yml",
        r#"registries: [feature_flags.yaml]
rules:
  - id: shell-flags
    kind: text
    provider: custom
    files: ["**/*.sh", ".github/workflows/*.yml"]
    pattern: 'fetch_flag (?P<key>[a-z_]+)'
"#,
    );
    write(
        root,
        "feature_flags.yaml",
        "shell_flag:\n  owner: a\nci_flag:\n  owner: a\ncsharp_flag:\n  owner: a\ntemplate_flag:\n  owner: a\nnowhere_flag:\n  owner: a\n",
    );
    write(
        root,
        "deploy/run.sh",
        "#!/bin/sh\nv=$(fetch_flag shell_flag)\n",
    );
    write(
        root,
        ".github/workflows/ci.yml",
        "jobs:\n  a:\n    steps:\n      - run: fetch_flag ci_flag\n",
    );
    write(
        root,
        "src/Cart.fs",
        "module Cart\nlet on () = client.GetBooleanValue(\"csharp_flag\", false)\n// csharp_flag_other is another word\n",
    );
    write(
        root,
        "shop/templates/index.html",
        "{% flag \"template_flag\" %}<p>x</p>{% endflag %}\n",
    );
    let (_, doc, stderr) = run(root, &["scan", "--select", "unused-flag"]);
    let r = refs(&doc);
    assert!(
        r.contains(&(
            "shell_flag".into(),
            "deploy/run.sh".into(),
            2,
            "shell-flags".into()
        )),
        "{r:?}\n{stderr}"
    );
    assert!(r.contains(&(
        "ci_flag".into(),
        ".github/workflows/ci.yml".into(),
        4,
        "shell-flags".into()
    )));
    // The built-in django-waffle template rule, with no config of its own.
    assert!(r.contains(&(
        "template_flag".into(),
        "shop/templates/index.html".into(),
        1,
        "waffle-templates".into()
    )));
    let unused: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "unused-flag")
        .collect();
    let flags: Vec<&str> = unused.iter().map(|f| f["flag"].as_str().unwrap()).collect();
    assert_eq!(flags, ["csharp_flag", "nowhere_flag"]);
    assert_eq!(
        unused[0]["notes"][0],
        "mentioned in unparsed files: src/Cart.fs:2 (flagdebt does not read these languages; a `kind: text` rule can)"
    );
    assert!(unused[1].get("notes").is_none());
}

#[test]
fn hints_when_a_convention_was_not_recognised() {
    // A registry, and code that reads flags through a helper flagdebt does not know.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "feature_flags.yaml", "a_flag:\n  owner: x\n");
    write(
        dir.path(),
        "app/x.py",
        "if my_flags.check('a_flag'):\n    pass\n",
    );
    let (_, _, stderr) = run(dir.path(), &["scan"]);
    assert!(
        stderr.contains("hint: 1 flag(s) declared, but no read of them was recognised in code")
            && stderr.contains("`flagdebt init`"),
        "{stderr}"
    );
    // Reads but no registry.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/x.py", "flags.is_on('b_flag')\n");
    let (_, _, stderr) = run(dir.path(), &["refs"]);
    assert!(
        stderr.contains("hint: 1 flag read(s) found, but no registry declares flags"),
        "{stderr}"
    );
    // A preset on that finds nothing.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "go.mod",
        "module example.com/x\n\nrequire k8s.io/component-base v0.30.0\n",
    );
    write(dir.path(), "main.go", "package main\n\nfunc main() {}\n");
    let (_, _, stderr) = run(dir.path(), &["scan"]);
    assert!(
        stderr.contains("hint: preset `kubernetes` is on (`go.mod` requires `k8s.io/component-base`) but found nothing"),
        "{stderr}"
    );
    // --quiet: no hints.
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["scan", "--quiet", "."])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hint:"));
}

#[test]
fn a_users_rule_replaces_a_built_in_rule_of_the_same_id_or_callee() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Same callee as the built-in in-house Python rule (`*lags.is_on`, key at 0): the user's
    // project puts the key second. The built-in matcher of that callee is replaced.
    write(
        root,
        ".flagdebt.yml",
        r#"rules:
  - { id: my-is-on, language: python, provider: custom, call: "*lags.is_on", key: { arg: 1 } }
  - { id: unleash-python, language: python, provider: unleash, call: "*unleash*.is_enabled", key: { arg: 1 } }
"#,
    );
    write(
        root,
        "app/x.py",
        "flags.is_on(user, 'second_arg')\nunleash.is_enabled(ctx_obj, 'unleash_second')\nflags.is_off('still_builtin')\n",
    );
    let (code, doc, stderr) = run(root, &["refs"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        refs(&doc),
        [
            ("second_arg".into(), "app/x.py".into(), 1, "my-is-on".into()),
            (
                "unleash_second".into(),
                "app/x.py".into(),
                2,
                "unleash-python".into()
            ),
            (
                "still_builtin".into(),
                "app/x.py".into(),
                3,
                "inhouse-python".into()
            ),
        ]
    );
}

#[test]
fn declared_only_rules_report_no_dynamic_keys() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".flagdebt.yml",
        r#"rules:
  - { id: gates, language: python, provider: custom, call: "gates.on", key: { arg: 0 }, declared_only: true }
  - { id: gate-decl, language: python, provider: custom, kind: declaration, call: "gates.add", key: { arg: 0 } }
"#,
    );
    write(
        root,
        "app/gates.py",
        "gates.add('known')\n\ndef f(name):\n    gates.on('known')\n    gates.on(name)\n    gates.on('unknown')\n",
    );
    let (_, doc, stderr) = run(root, &["scan"]);
    assert_eq!(
        refs(&doc),
        [("known".into(), "app/gates.py".into(), 4, "gates".into())],
        "{stderr}"
    );
    assert!(
        !findings(&doc).iter().any(|f| f.0 == "dynamic-flag-key"),
        "{:?}",
        findings(&doc)
    );
}

#[test]
fn files_that_are_not_utf8_are_read_lossily_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = b"# Caf\xe9 menu (Latin-1)\n".to_vec();
    body.extend_from_slice(b"flags.is_on('latin1_flag')\n");
    write(dir.path(), "app/menu.py", body);
    let (_, doc, stderr) = run(dir.path(), &["refs"]);
    assert_eq!(
        refs(&doc),
        [(
            "latin1_flag".into(),
            "app/menu.py".into(),
            2,
            "inhouse-python".into()
        )]
    );
    assert!(
        stderr.contains(
            "note: app/menu.py: not valid UTF-8 (at byte 5); read with the invalid bytes replaced"
        ),
        "{stderr}"
    );
    assert_eq!(doc["summary"]["skipped"], 0);
}

#[test]
fn test_data_is_not_the_registry_and_indirect_requirements_are_not_presets() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // An invalid flagd file under testdata/: a test's input, not this project's registry.
    write(
        root,
        "pkg/loader/testdata/broken.flagd.json",
        "{\"flags\": {\"x\": {\"state\": \"MAYBE\"}}}",
    );
    write(
        root,
        "tools/go.mod",
        "module example.com/tools\n\nrequire (\n\tk8s.io/component-base v0.30.0 // indirect\n)\n",
    );
    write(root, "go.mod", "module example.com/app\n");
    write(root, "main.go", "package main\n\nfunc main() {}\n");
    let (code, doc, stderr) = run(root, &["scan"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(findings(&doc).is_empty(), "{:?}", findings(&doc));
    let out = flagdebt()
        .current_dir(root)
        .arg("presets")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some("on")),
        "{text}"
    );
}

#[test]
fn over_broad_built_ins_stay_quiet_on_look_alikes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // GitLab Runner's own helper: the first argument is a logger, not a key.
    write(
        root,
        "featureflags/flags.go",
        "package featureflags\n\nfunc Check(logger Logger, value string) bool {\n\treturn featureflags.IsOn(logger, value)\n}\n",
    );
    // A class's own method named like an OpenFeature call.
    write(
        root,
        "web/format.js",
        "class F {\n  getStringValue(v) { return String(v); }\n  all(xs) { return xs.map((v) => this.getStringValue(v)); }\n}\n",
    );
    // A design system's hook named like Unleash's.
    write(
        root,
        "web/Button.tsx",
        "import { useVariant } from \"./theme\";\nexport const B = () => { const v = useVariant(\"primary\"); return <b>{v}</b>; };\n",
    );
    let (_, doc, stderr) = run(root, &["scan"]);
    assert!(refs(&doc).is_empty(), "{:?}\n{stderr}", refs(&doc));
    assert!(findings(&doc).is_empty(), "{:?}", findings(&doc));
}

#[test]
fn a_feature_flag_value_built_in_a_function_is_not_a_declaration() {
    // Gitaly's `flag = FeatureFlag{Name: flagName}` inside a lookup function, with the gitlab
    // preset on: no dynamic-flag-key, and the package-level declaration still counts.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "go.mod", "module gitlab.com/gitlab-org/gitaly/v16\n");
    write(
        root,
        "internal/featureflag/ff.go",
        "package featureflag\n\ntype FeatureFlag struct {\n\tName string\n\tDefaultValue bool\n}\n\nvar flags = []FeatureFlag{{Name: \"ff_listed\", DefaultValue: false}}\n\nfunc FromKey(key string) FeatureFlag {\n\tflagName := key[3:]\n\tflag := FeatureFlag{Name: flagName}\n\treturn flag\n}\n",
    );
    let (_, doc, stderr) = run(root, &["scan"]);
    let keys: Vec<String> = declared(&doc).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["ff_listed"], "{stderr}");
    assert!(
        !findings(&doc).iter().any(|f| f.0 == "dynamic-flag-key"),
        "{:?}",
        findings(&doc)
    );
}
