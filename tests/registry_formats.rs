//! Each registry format parses its fixture (`fixtures/registry/`) into the exact declarations,
//! keeps unknown fields, reports semantic slips as problems on the right line, and turns
//! malformed files into one-line errors naming the file and line.

use std::path::{Path, PathBuf};

use flagdebt::registry::{
    load_file, parse_str, Consequence, Date, Declaration, FlagType, Registry, RegistryErrorKind,
    Risk, SourceKind, Stage,
};
use serde_json::json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/registry")
}

fn load(rel: &str) -> Registry {
    load_file(&root(), rel).unwrap_or_else(|e| panic!("{rel} should load: {e}"))
}

fn decl<'r>(registry: &'r Registry, key: &str) -> &'r Declaration {
    registry
        .declarations
        .iter()
        .find(|d| d.key == key)
        .unwrap_or_else(|| panic!("no declaration {key}"))
}

fn date(text: &str) -> Option<Date> {
    Some(Date::parse(text).expect("valid test date"))
}

/// (line, message) of every problem about `key`.
fn problems_of(registry: &Registry, key: &str) -> Vec<(usize, String)> {
    registry
        .problems
        .iter()
        .filter(|p| p.key.as_deref() == Some(key))
        .map(|p| (p.line, p.message.clone()))
        .collect()
}

#[test]
fn yaml_registry_declarations() {
    let reg = load("feature_flags.yaml");
    let keys: Vec<_> = reg
        .declarations
        .iter()
        .map(|d| (d.key.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        keys,
        [
            ("my_new_feature", 2, 1),
            ("new_checkout", 8, 1),
            ("kill_switch_checkout", 23, 1),
            ("broken_flag", 29, 1),
            ("bare_flag", 37, 1),
        ]
    );
    assert!(reg
        .declarations
        .iter()
        .all(|d| d.source == SourceKind::Yaml && d.path == "feature_flags.yaml"));

    // Seed 001's shape.
    let d = decl(&reg, "my_new_feature");
    assert_eq!(d.default, Some(json!(false)));
    assert_eq!(d.soak_period_hours, Some(24));
    assert_eq!(
        d.description.as_deref(),
        Some("one-line description of what the flag gates")
    );
    assert_eq!(d.risk, Some(Risk::Low));
    assert_eq!(d.owner, None);
    assert_eq!(
        d.field_lines
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect::<Vec<_>>(),
        [
            ("default", 3),
            ("description", 5),
            ("risk", 6),
            ("soak_period_hours", 4)
        ]
    );

    // Every field.
    let d = decl(&reg, "new_checkout");
    assert_eq!(d.owner.as_deref(), Some("team-payments"));
    assert_eq!(d.description.as_deref(), Some("New checkout flow"));
    assert_eq!(d.flag_type, Some(FlagType::Release));
    assert_eq!(d.default, Some(json!(false)));
    assert_eq!(d.remove_by, date("2026-03-31"));
    assert_eq!(d.line_of("remove_by"), 13);
    assert_eq!(d.risk, Some(Risk::High));
    assert_eq!(d.stage, Some(Stage::Beta));
    assert_eq!(d.depends_on, ["my_new_feature"]);
    assert_eq!(d.consequence, Some(Consequence::StateMachine));
    assert_eq!(
        d.expected_at_100.as_deref(),
        Some("old checkout path deleted; all carts use the v2 pricing engine")
    );
    // Unknown fields are kept, with their lines.
    assert_eq!(d.extra.get("jira"), Some(&json!("PAY-1234")));
    assert_eq!(d.extra.get("rollout"), Some(&json!({"percent": 25})));
    assert_eq!(d.line_of("jira"), 19);
    assert_eq!(d.extra.len(), 2);

    let d = decl(&reg, "kill_switch_checkout");
    assert_eq!(d.flag_type, Some(FlagType::KillSwitch));
    assert_eq!(d.default, Some(json!(true)));
    assert_eq!(d.stage, Some(Stage::Ga), "stage is case-insensitive");

    let d = decl(&reg, "bare_flag");
    assert_eq!(
        d,
        &Declaration::new("bare_flag", SourceKind::Yaml, "feature_flags.yaml", 37, 1)
    );

    assert!(
        reg.problems
            .iter()
            .all(|p| p.key.as_deref() == Some("broken_flag")),
        "{:?}",
        reg.problems
    );
}

#[test]
fn yaml_registry_problems_name_the_line_and_keep_the_raw_value() {
    let reg = load("feature_flags.yaml");
    let problems = problems_of(&reg, "broken_flag");
    let lines: Vec<usize> = problems.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [31, 32, 33, 34, 35], "{problems:#?}");
    let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown type `temporary` (expected one of: release, experiment, ops, kill-switch, permission)",
            "`remove_by` is not a valid date: `2026-02-30` (expected YYYY-MM-DD)",
            "unknown stage `gamma` (expected one of: alpha, beta, ga, deprecated)",
            "`depends_on` must be a list of flag keys, found a string",
            "`soak_period_hours` must be a whole number of hours, found a string",
        ]
    );
    let p = &reg.problems[0];
    assert_eq!((p.path.as_str(), p.column), ("feature_flags.yaml", 3));
    assert_eq!(
        p.to_string(),
        format!("feature_flags.yaml:31:3: {}", messages[0])
    );

    let d = decl(&reg, "broken_flag");
    assert_eq!(
        (d.flag_type, d.remove_by, d.stage, d.soak_period_hours),
        (None, None, None, None)
    );
    assert!(d.depends_on.is_empty());
    assert_eq!(d.owner.as_deref(), Some("team-search"));
    assert_eq!(d.extra.get("type"), Some(&json!("temporary")));
    assert_eq!(d.extra.get("remove_by"), Some(&json!("2026-02-30")));
    assert_eq!(d.extra.get("stage"), Some(&json!("gamma")));
    assert_eq!(d.extra.get("depends_on"), Some(&json!("my_new_feature")));
}

#[test]
fn declarations_serialize_with_the_documented_names() {
    let reg = load("feature_flags.yaml");
    let value = serde_json::to_value(decl(&reg, "kill_switch_checkout")).unwrap();
    assert_eq!(
        value,
        json!({
            "key": "kill_switch_checkout",
            "source": "yaml",
            "path": "feature_flags.yaml",
            "line": 23,
            "column": 1,
            "owner": "team-payments",
            "type": "kill-switch",
            "default": true,
            "stage": "ga",
            "field_lines": {"default": 26, "owner": 24, "stage": 27, "type": 25}
        })
    );
    let value = serde_json::to_value(decl(&reg, "new_checkout")).unwrap();
    assert_eq!(value["remove_by"], json!("2026-03-31"));
    assert_eq!(value["consequence"], json!("state-machine"));
    // And back.
    let back: Declaration = serde_json::from_value(value).unwrap();
    assert_eq!(&back, decl(&reg, "new_checkout"));
}

#[test]
fn gitlab_flag_folders() {
    let reg = load("config/feature_flags/gitlab_com_derisk/my_flag.yml");
    assert!(reg.problems.is_empty(), "{:?}", reg.problems);
    let [d] = reg.declarations.as_slice() else {
        panic!("one flag per file")
    };
    assert_eq!(d.key, "my_flag");
    assert_eq!(d.source, SourceKind::FlagDir);
    assert_eq!(d.path, "config/feature_flags/gitlab_com_derisk/my_flag.yml");
    assert_eq!((d.line, d.column), (2, 7), "points at the name's value");
    assert_eq!(d.owner.as_deref(), Some("group::source code"));
    assert_eq!(d.line_of("owner"), 8);
    assert_eq!(d.flag_type, Some(FlagType::Release));
    assert_eq!(d.default, Some(json!(false)));
    assert_eq!(
        d.description.as_deref(),
        Some("Route merge request diffs through the new renderer")
    );
    assert_eq!(
        d.extra.get("type"),
        Some(&json!("gitlab_com_derisk")),
        "original type kept"
    );
    assert_eq!(d.extra.get("milestone"), Some(&json!("17.3")));
    assert_eq!(
        d.extra.get("rollout_issue_url"),
        Some(&json!(
            "https://gitlab.com/gitlab-org/gitlab/-/issues/400002"
        ))
    );
    assert_eq!(
        d.extra.keys().collect::<Vec<_>>(),
        [
            "feature_issue_url",
            "introduced_by_url",
            "milestone",
            "rollout_issue_url",
            "type"
        ]
    );

    let reg = load("config/feature_flags/ops/ci_job_limits.yml");
    let d = &reg.declarations[0];
    assert_eq!(
        (d.key.as_str(), d.flag_type, d.default.clone()),
        ("ci_job_limits", Some(FlagType::Ops), Some(json!(true)))
    );
    assert_eq!(d.extra.get("introduced_by_url"), Some(&json!(null)));

    // Name mismatch and an unknown GitLab type are problems; the flag still loads.
    let reg = load("ee/config/feature_flags/beta/wrong_name.yml");
    let d = &reg.declarations[0];
    assert_eq!(d.key, "not_the_file_name");
    assert_eq!(d.flag_type, None);
    assert_eq!(d.extra.get("type"), Some(&json!("undefined")));
    let problems = problems_of(&reg, "not_the_file_name");
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        problems[0],
        (
            2,
            "name `not_the_file_name` does not match the file name `wrong_name`".to_string()
        )
    );
    assert_eq!(problems[1].0, 7);
    assert!(
        problems[1]
            .1
            .starts_with("unknown GitLab flag type `undefined`"),
        "{}",
        problems[1].1
    );
}

#[test]
fn flagd_map_form() {
    let reg = load("flags.flagd.json");
    let keys: Vec<_> = reg
        .declarations
        .iter()
        .map(|d| (d.key.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        keys,
        [
            ("new-welcome-banner", 8, 5),
            ("header-color", 21, 5),
            ("code-default", 32, 5)
        ]
    );
    assert!(reg
        .declarations
        .iter()
        .all(|d| d.source == SourceKind::Flagd));

    let d = decl(&reg, "new-welcome-banner");
    assert_eq!(d.default, Some(json!(false)), "the defaultVariant's value");
    assert_eq!(d.line_of("default"), 14);
    assert_eq!(d.owner.as_deref(), Some("team-growth"), "metadata.owner");
    assert_eq!(d.line_of("owner"), 16);
    assert_eq!(d.remove_by, date("2026-06-30"), "metadata.expiry");
    assert_eq!(d.line_of("remove_by"), 17);
    assert_eq!(d.extra.get("state"), Some(&json!("ENABLED")));
    assert_eq!(d.extra.get("defaultVariant"), Some(&json!("off")));
    assert_eq!(
        d.extra.get("metadata"),
        Some(&json!({"ticket": "GROW-7"})),
        "unread metadata kept"
    );

    let d = decl(&reg, "header-color");
    assert_eq!(d.extra.get("state"), Some(&json!("DISABLED")));
    assert_eq!(d.default, Some(json!("#0000ff")));
    assert_eq!(
        d.owner.as_deref(),
        Some("team-platform"),
        "inherited from flag-set metadata"
    );
    assert_eq!(d.line_of("owner"), 5);
    assert!(d.extra.contains_key("targeting"));

    let d = decl(&reg, "code-default");
    assert_eq!(
        d.default, None,
        "null defaultVariant: the code default applies"
    );
    assert_eq!(d.remove_by, None);
    assert_eq!(
        problems_of(&reg, "code-default"),
        [(
            36,
            "`remove_by` is not a valid date: `next quarter` (expected YYYY-MM-DD)".to_string()
        )]
    );
    assert_eq!(reg.problems.len(), 1, "{:?}", reg.problems);
}

#[test]
fn flagd_array_form() {
    let reg = load("array.flagd.json");
    let keys: Vec<_> = reg
        .declarations
        .iter()
        .map(|d| (d.key.as_str(), d.line, d.column))
        .collect();
    assert_eq!(keys, [("discount-rate", 4, 14), ("ghost-variant", 11, 14)]);
    let d = decl(&reg, "discount-rate");
    assert_eq!(d.default, Some(json!(0.05)));
    assert_eq!(d.owner.as_deref(), Some("team-pricing"));
    assert_eq!(
        d.flag_type,
        Some(FlagType::Experiment),
        "flagdebt fields in metadata are read"
    );
    assert!(!d.extra.contains_key("key"));

    let problems = problems_of(&reg, "ghost-variant");
    assert_eq!(
        problems,
        [
            (
                12,
                "`state` must be \"ENABLED\" or \"DISABLED\", found `ON`".to_string()
            ),
            (
                14,
                "defaultVariant `missing` is not one of the flag's variants".to_string()
            ),
        ]
    );
}

#[test]
fn openfeature_manifest() {
    let reg = load(".openfeature/flags.json");
    let keys: Vec<_> = reg
        .declarations
        .iter()
        .map(|d| (d.key.as_str(), d.line))
        .collect();
    assert_eq!(
        keys,
        [
            ("enableFeatureA", 4),
            ("greeting", 9),
            ("themeCustomization", 14),
            ("maxItems", 19)
        ]
    );
    assert!(reg
        .declarations
        .iter()
        .all(|d| d.source == SourceKind::OpenFeatureManifest));
    let d = decl(&reg, "enableFeatureA");
    assert_eq!(d.default, Some(json!(false)));
    assert_eq!(
        d.description.as_deref(),
        Some("Controls whether Feature A is enabled.")
    );
    assert_eq!(d.extra.get("flagType"), Some(&json!("boolean")));
    assert_eq!((d.line, d.column), (4, 5));
    let d = decl(&reg, "themeCustomization");
    assert_eq!(d.default, Some(json!({"primaryColor": "#007bff"})));
    assert!(d.extra.contains_key("schema"));
    assert_eq!(
        problems_of(&reg, "maxItems"),
        [(
            21,
            "`defaultValue` is a string but `flagType` is `integer`".to_string()
        )]
    );
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let err = load_file(&root(), "malformed.yaml").unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Syntax);
    assert_eq!(err.path, "malformed.yaml");
    assert_eq!(err.line, 5, "{err}");
    let text = err.to_string();
    assert!(text.starts_with("malformed.yaml:5:"), "{text}");
    assert!(text.contains("invalid YAML"), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");
}

#[test]
fn malformed_json_names_file_and_line() {
    let err = load_file(&root(), "malformed.flagd.json").unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Syntax);
    let text = err.to_string();
    assert!(text.starts_with("malformed.flagd.json:3:"), "{text}");
    assert!(text.contains("invalid JSON: trailing comma"), "{text}");
    assert!(!text.contains('\n'));
}

#[test]
fn duplicate_flag_keys_are_errors() {
    let err = load_file(&root(), "duplicate.yaml").unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::DuplicateKey);
    assert_eq!(
        err.to_string(),
        "duplicate.yaml:5:1: duplicate flag key `checkout_v2` (first at line 1)"
    );

    let err = load_file(&root(), "duplicate.flagd.json").unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::DuplicateKey);
    assert_eq!(
        err.to_string(),
        "duplicate.flagd.json:5:5: duplicate key `a` in `flags` (first at line 3)"
    );

    let err = parse_str("f.yaml", "a:\n  owner: x\n  owner: y\n", SourceKind::Yaml).unwrap_err();
    assert_eq!(
        err.to_string(),
        "f.yaml:3:3: duplicate field `owner` in flag `a` (first at line 2)"
    );

    let text = r#"{"flags": [{"key": "a", "state": "ENABLED"}, {"key": "a", "state": "ENABLED"}]}"#;
    let err = parse_str("f.json", text, SourceKind::Flagd).unwrap_err();
    assert_eq!(
        err.to_string(),
        "f.json:1:54: duplicate flag key `a` (first at line 1)"
    );
}

#[test]
fn wrong_top_level_shapes_are_errors() {
    let cases = [
        ("f.yaml", "- a\n- b\n", SourceKind::Yaml, "f.yaml:1:1: expected a mapping of flag keys to their fields at the top level, found a list"),
        ("f.json", "[1]", SourceKind::Flagd, "f.json:1:1: expected a top-level object with `flags` (a flagd flag file), found a list"),
        ("f.json", "{\"flags\": 3}", SourceKind::Flagd, "f.json:1:11: `flags` must be an object or an array, found a number"),
        ("f.json", "{}", SourceKind::OpenFeatureManifest, "f.json:1:1: missing top-level `flags` (an OpenFeature flag manifest)"),
        ("f.yaml", "a: 1\n---\nb: 2\n", SourceKind::Yaml, "f.yaml:3:1: invalid YAML: only single YAML document expected but multiple found"),
    ];
    for (path, text, kind, expected) in cases {
        let err = parse_str(path, text, kind).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    // An empty registry is fine.
    assert_eq!(
        parse_str("f.yaml", "# nothing yet\n", SourceKind::Yaml).unwrap(),
        Registry::default()
    );
    // A flag that is not a mapping is a problem, not an error.
    let reg = parse_str("f.yaml", "a: true\n", SourceKind::Yaml).unwrap();
    assert_eq!(reg.declarations.len(), 1);
    assert_eq!(reg.problems[0].line, 1);
}

#[test]
fn format_is_detected_from_name_and_content() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("custom.json"),
        r#"{"flags": {"a": {"flagType": "boolean", "defaultValue": true}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("one_flag.yml"),
        "name: one_flag\ntype: ops\ndefault_enabled: true\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("registry.yml"), "x:\n  owner: me\n").unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"name": "pkg"}"#).unwrap();
    let kind = |rel: &str| load_file(dir.path(), rel).map(|r| r.declarations[0].source);
    assert_eq!(kind("custom.json"), Ok(SourceKind::OpenFeatureManifest));
    assert_eq!(kind("one_flag.yml"), Ok(SourceKind::FlagDir));
    assert_eq!(kind("registry.yml"), Ok(SourceKind::Yaml));
    let err = load_file(dir.path(), "package.json").unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Shape);
    assert!(err
        .to_string()
        .starts_with("package.json:1:1: not a flagd flag file"));
    let err = load_file(dir.path(), "missing.yaml").unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Io);
    assert!(err
        .to_string()
        .starts_with("missing.yaml:1:1: cannot read file"));
}

#[test]
fn non_utf8_file_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feature_flags.yaml"),
        b"a:\n  owner: caf\xe9\n",
    )
    .unwrap();
    let err = load_file(dir.path(), "feature_flags.yaml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "feature_flags.yaml:2:13: file is not valid UTF-8"
    );
}
