//! `discover` finds registry files by name and by content, and skips other people's code
//! (`vendor/`, `node_modules/`, `third_party/`), hidden folders and `.gitignore`d folders.

use std::path::Path;

use flagdebt::registry::{discover, load_all, SourceKind};

#[test]
fn finds_registries_in_the_fixture_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/registry/tree");
    let found = discover(&root);
    assert_eq!(
        found,
        [
            ".openfeature/flags.json",
            "backend_v2/api/feature_flags.yml",
            "config/feature_flags/development/dev_flag.yml",
            "deploy/by-schema.json",
            "deploy/prod.flagd.json",
            "ee/config/feature_flags/ops/ee_ops_flag.yml",
            "feature_flags.yaml",
            "other/flags.json",
        ]
    );
    // Not found: vendor/…, node_modules/…, third_party/…, .github/… (hidden), package.json,
    // src/config/flags.json (a `flags` list that is no registry), src/config/settings.yml.

    let (registry, errors) = load_all(&root, &found);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(registry.problems.is_empty(), "{:?}", registry.problems);
    let keys: Vec<_> = registry
        .declarations
        .iter()
        .map(|d| (d.path.as_str(), d.key.as_str(), d.source))
        .collect();
    assert_eq!(
        keys,
        [
            (
                ".openfeature/flags.json",
                "of-flag",
                SourceKind::OpenFeatureManifest
            ),
            (
                "backend_v2/api/feature_flags.yml",
                "api_flag",
                SourceKind::Yaml
            ),
            (
                "config/feature_flags/development/dev_flag.yml",
                "dev_flag",
                SourceKind::FlagDir
            ),
            ("deploy/prod.flagd.json", "prod-flag", SourceKind::Flagd),
            (
                "ee/config/feature_flags/ops/ee_ops_flag.yml",
                "ee_ops_flag",
                SourceKind::FlagDir
            ),
            ("feature_flags.yaml", "root_flag", SourceKind::Yaml),
            (
                "other/flags.json",
                "sniffed",
                SourceKind::OpenFeatureManifest
            ),
        ]
    );
}

#[test]
fn honours_gitignore_outside_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for rel in [
        "feature_flags.yaml",
        "generated/feature_flags.yaml",
        "app/feature_flags.yaml",
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "a:\n  owner: x\n").unwrap();
    }
    std::fs::write(root.join(".gitignore"), "generated/\n").unwrap();
    assert_eq!(
        discover(root),
        ["app/feature_flags.yaml", "feature_flags.yaml"]
    );
}

#[test]
fn empty_or_missing_root_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(discover(dir.path()).is_empty());
    assert!(discover(&dir.path().join("nope")).is_empty());
}
