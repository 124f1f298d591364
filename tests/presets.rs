//! Presets end to end: each fixture repository under fixtures/presets/ is copied to a fresh
//! folder (so no `.flagdebt.yml` above it can be found) and scanned with no config file. The
//! preset is detected from the tree alone, and the declared set, every reference (flag, path,
//! line, how the key was found), every finding and the summary's `by_via` counts are exact.
//! Each fixture has a vendor/ folder with another project's flags, which must not appear.

mod common;

use serde_json::Value;

fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &common::repo().join("fixtures/presets").join(name),
        dir.path(),
    );
    dir
}

fn scan(name: &str) -> Value {
    let dir = fixture(name);
    let out = common::flagdebt()
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "--today", "2026-11-21"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn declared(doc: &Value) -> Vec<&str> {
    doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["declared"] == true)
        .map(|f| f["key"].as_str().unwrap())
        .collect()
}

fn references(doc: &Value) -> Vec<(&str, &str, u64, &str)> {
    doc["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["flag"].as_str().unwrap(),
                r["path"].as_str().unwrap(),
                r["line"].as_u64().unwrap(),
                r["via"].as_str().unwrap(),
            )
        })
        .collect()
}

fn findings(doc: &Value) -> Vec<(&str, &str, &str, u64)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["flag"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// literal, constant, wrapper, env, dynamic.
fn by_via(doc: &Value) -> [u64; 6] {
    let v = &doc["summary"]["by_via"];
    ["literal", "constant", "wrapper", "symbol", "env", "dynamic"].map(|k| v[k].as_u64().unwrap())
}

fn finding<'a>(doc: &'a Value, code: &str, flag: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["flag"] == flag)
        .unwrap_or_else(|| panic!("no {code} finding for {flag}"))
}

#[test]
fn kubernetes() {
    let doc = scan("kubernetes");
    assert_eq!(
        declared(&doc),
        [
            "APIListChunking",
            "AppArmor",
            "DynamicResourceAllocation",
            "InPlacePodVerticalScaling",
            "LegacyServiceAccountTokenCleanUp",
            "SidecarContainers",
        ]
    );
    assert_eq!(
        references(&doc),
        [
            (
                "LegacyServiceAccountTokenCleanUp",
                "pkg/generated/zz_generated.gates.go",
                11,
                "constant"
            ),
            ("AppArmor", "pkg/kubelet/kubelet.go", 13, "constant"),
            (
                "SidecarContainers",
                "pkg/kubelet/kubelet.go",
                16,
                "constant"
            ),
            (
                "DynamicResourceAllocation",
                "pkg/kubelet/kubelet_test.go",
                12,
                "constant"
            ),
            (
                "SidecarContainers",
                "pkg/kubelet/kubelet_test.go",
                13,
                "constant"
            ),
            (
                "InPlacePodVerticalScaling",
                "pkg/scheduler/resize.go",
                14,
                "constant"
            ),
            ("APIListChunking", "pkg/scheduler/resize.go", 17, "constant"),
        ]
    );
    assert_eq!(
        findings(&doc),
        [
            (
                "missing-owner",
                "DynamicResourceAllocation",
                "pkg/features/kube_features.go",
                37
            ),
            (
                "unused-flag",
                "DynamicResourceAllocation",
                "pkg/features/kube_features.go",
                37
            ),
            (
                "unused-flag",
                "LegacyServiceAccountTokenCleanUp",
                "pkg/features/kube_features.go",
                42
            ),
            (
                "stale-flag",
                "AppArmor",
                "pkg/features/versioned_kube_features.go",
                14
            ),
            (
                "stale-flag",
                "LegacyServiceAccountTokenCleanUp",
                "pkg/features/versioned_kube_features.go",
                33
            ),
        ]
    );
    assert_eq!(by_via(&doc), [0, 7, 0, 0, 0, 0]);
}

#[test]
fn gitlab() {
    let doc = scan("gitlab");
    assert_eq!(
        declared(&doc),
        [
            "FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR",
            "FF_NETWORK_PER_BUILD",
            "FF_USE_FASTZIP",
            "FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY",
            "ci_pipeline_kill_switch",
            "new_merge_widget",
            "old_diff_renderer",
            "pack_refs_async",
            "transaction_voting",
        ]
    );
    assert_eq!(
        references(&doc),
        [
            (
                "new_merge_widget",
                "app/controllers/projects/merge_requests_controller.rb",
                5,
                "literal"
            ),
            (
                "ci_pipeline_kill_switch",
                "app/services/ci/create_pipeline_service.rb",
                6,
                "literal"
            ),
            (
                "ci_parallel_create",
                "app/services/ci/create_pipeline_service.rb",
                8,
                "literal"
            ),
            (
                "pack_refs_async",
                "gitaly/internal/gitaly/service/repository/optimize.go",
                10,
                "constant"
            ),
            (
                "transaction_voting",
                "gitaly/internal/gitaly/service/repository/optimize.go",
                13,
                "constant"
            ),
            ("FF_USE_FASTZIP", "runner/common/build.go", 10, "env"),
            (
                "FF_NETWORK_PER_BUILD",
                "runner/executors/docker/network.go",
                10,
                "constant"
            ),
            (
                "FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY",
                "runner/executors/docker/network.go",
                13,
                "constant"
            ),
            (
                "FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR",
                "runner/executors/docker/network.go",
                16,
                "env"
            ),
            (
                "old_diff_renderer",
                "spec/services/create_pipeline_service_spec.rb",
                5,
                "literal"
            ),
        ]
    );
    assert_eq!(
        findings(&doc),
        [
            (
                "undeclared-flag",
                "ci_parallel_create",
                "app/services/ci/create_pipeline_service.rb",
                8
            ),
            (
                "dynamic-flag-key",
                "",
                "app/services/ci/create_pipeline_service.rb",
                13
            ),
            (
                "missing-removal-date",
                "old_diff_renderer",
                "config/feature_flags/beta/old_diff_renderer.yml",
                2
            ),
            (
                "unused-flag",
                "old_diff_renderer",
                "config/feature_flags/beta/old_diff_renderer.yml",
                2
            ),
            (
                "missing-removal-date",
                "new_merge_widget",
                "config/feature_flags/development/new_merge_widget.yml",
                2
            ),
            (
                "missing-owner",
                "pack_refs_async",
                "gitaly/internal/featureflag/ff_pack_refs.go",
                5
            ),
            (
                "raw-env-flag",
                "FF_USE_FASTZIP",
                "runner/common/build.go",
                10
            ),
            (
                "raw-env-flag",
                "FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR",
                "runner/executors/docker/network.go",
                16
            ),
            (
                "missing-owner",
                "FF_NETWORK_PER_BUILD",
                "runner/helpers/featureflags/flags.go",
                25
            ),
            (
                "missing-owner",
                "FF_USE_FASTZIP",
                "runner/helpers/featureflags/flags.go",
                32
            ),
            (
                "missing-owner",
                "FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY",
                "runner/helpers/featureflags/flags.go",
                39
            ),
            (
                "stale-flag",
                "FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY",
                "runner/helpers/featureflags/flags.go",
                41
            ),
            (
                "missing-owner",
                "FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR",
                "runner/helpers/featureflags/flags.go",
                46
            ),
        ]
    );
    assert_eq!(by_via(&doc), [4, 4, 0, 0, 2, 1]);
}

#[test]
fn openfeature_flagd() {
    let doc = scan("openfeature-flagd");
    assert_eq!(
        declared(&doc),
        [
            "banner-text",
            "dark-mode",
            "legacy-cart",
            "new-checkout",
            "search-v2",
        ]
    );
    assert_eq!(
        references(&doc),
        [
            ("search-v2", "api/internal/search/handler.go", 14, "wrapper"),
            (
                "new-checkout",
                "api/internal/search/handler.go",
                17,
                "wrapper"
            ),
            (
                "legacy-cart",
                "web/src/__tests__/cart.test.ts",
                4,
                "wrapper"
            ),
            ("new-checkout", "web/src/checkout/page.ts", 4, "wrapper"),
            ("dark-mode", "web/src/checkout/page.ts", 11, "wrapper"),
            ("banner-text", "web/src/lib/flags.ts", 14, "literal"),
        ]
    );
    assert_eq!(
        findings(&doc),
        [
            ("missing-owner", "search-v2", "flags/shop.flagd.json", 22),
            ("unused-flag", "legacy-cart", "flags/shop.flagd.json", 27),
            ("dynamic-flag-key", "", "web/src/checkout/page.ts", 16),
        ]
    );
    assert_eq!(by_via(&doc), [1, 0, 5, 0, 0, 1]);
}

#[test]
fn feature_manager() {
    let doc = scan("feature-manager");
    // A settings flag is its environment variable; two modules' `ANNOTATE_QUERY` are two flags.
    assert_eq!(
        declared(&doc),
        [
            "APP_NEW_EXPORTER",
            "APP_SESSION_SECURE",
            "APP_SLOW_QUERY_LOG",
            "APP_STRICT_CSRF",
            "ATHENA_ANNOTATE_QUERY",
            "TRINO_ANNOTATE_QUERY",
            "organizations:legacy-billing",
            "organizations:onboarding-v2",
            "projects:similarity-search",
        ]
    );
    // Settings are read through their symbols: `settings.X`, `X` bare in its own module
    // (also inside another setting's declaration), `from m import X as y` then `y`, an
    // aliased module (`conf.X`). Never in comments, strings, the import itself, or another
    // object's attribute of the same name (`options.NEW_EXPORTER`).
    assert_eq!(
        references(&doc),
        [
            (
                "organizations:onboarding-v2",
                "src/app/api/organization_details.py",
                6,
                "literal"
            ),
            (
                "APP_STRICT_CSRF",
                "src/app/api/organization_details.py",
                8,
                "symbol"
            ),
            (
                "ATHENA_ANNOTATE_QUERY",
                "src/app/integrations/athena.py",
                10,
                "symbol"
            ),
            (
                "TRINO_ANNOTATE_QUERY",
                "src/app/integrations/report.py",
                9,
                "symbol"
            ),
            (
                "APP_SESSION_SECURE",
                "src/app/integrations/report.py",
                9,
                "symbol"
            ),
            ("APP_STRICT_CSRF", "src/app/settings.py", 20, "symbol"),
            ("APP_STRICT_CSRF", "src/app/settings.py", 24, "symbol"),
            ("APP_NEW_EXPORTER", "src/app/tasks/export.py", 5, "symbol"),
            (
                "projects:similarity-search",
                "src/app/tasks/export.py",
                7,
                "literal"
            ),
            ("APP_SLOW_QUERY_LOG", "tests/test_queries.py", 5, "symbol"),
        ]
    );
    assert_eq!(
        findings(&doc),
        [
            (
                "dynamic-flag-key",
                "",
                "src/app/api/organization_details.py",
                15
            ),
            (
                "unused-flag",
                "organizations:legacy-billing",
                "src/app/features/temporary.py",
                10
            ),
            (
                "missing-owner",
                "projects:similarity-search",
                "src/app/features/temporary.py",
                12
            ),
            (
                "missing-owner",
                "ATHENA_ANNOTATE_QUERY",
                "src/app/integrations/athena.py",
                6
            ),
            (
                "missing-owner",
                "TRINO_ANNOTATE_QUERY",
                "src/app/integrations/trino.py",
                5
            ),
            (
                "unused-flag",
                "APP_SLOW_QUERY_LOG",
                "src/app/settings.py",
                15
            ),
            (
                "missing-owner",
                "APP_STRICT_CSRF",
                "src/app/settings.py",
                17
            ),
            (
                "missing-owner",
                "APP_SESSION_SECURE",
                "src/app/settings.py",
                20
            ),
        ]
    );
    assert_eq!(by_via(&doc), [2, 0, 0, 8, 0, 1]);
}

#[test]
fn notes_say_test_only_and_generated_only() {
    let doc = scan("kubernetes");
    let f = finding(&doc, "unused-flag", "LegacyServiceAccountTokenCleanUp");
    assert_eq!(
        f["message"],
        "flag `LegacyServiceAccountTokenCleanUp` is declared but read only from generated code"
    );
    let f = finding(&doc, "unused-flag", "DynamicResourceAllocation");
    assert_eq!(
        f["message"],
        "flag `DynamicResourceAllocation` is declared but read only from tests"
    );
    let f = finding(&doc, "stale-flag", "AppArmor");
    assert!(
        f["message"].as_str().unwrap().contains("GA and locked"),
        "{f}"
    );
}

#[test]
fn code_declarations_carry_comment_owners_and_spec_fields() {
    let doc = scan("kubernetes");
    let row = doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "SidecarContainers")
        .unwrap();
    assert_eq!(row["owner"], "@bob, @carol");
    assert_eq!(row["stage"], "beta");
    assert_eq!(row["default"], true);
    let doc = scan("feature-manager");
    let row = doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "APP_NEW_EXPORTER")
        .unwrap();
    assert_eq!(row["owner"], "@team-data");
    assert_eq!(row["default"], "false");
}

#[test]
fn presets_command_says_what_was_detected_and_why() {
    for (name, why) in [
        ("kubernetes", "`go.mod` requires `k8s.io/component-base`"),
        ("gitlab", "found the folder `config/feature_flags/`"),
        ("openfeature-flagd", "found `flags/shop.flagd.json`"),
        (
            "feature-manager",
            "`src/app/features/temporary.py` contains `features.add(`",
        ),
    ] {
        let dir = fixture(name);
        let out = common::flagdebt()
            .current_dir(dir.path())
            .arg("presets")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let on: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with(' '))
            .filter(|l| l.split_whitespace().nth(1) == Some("on"))
            .collect();
        assert_eq!(on.len(), 1, "{name}: {text}");
        assert!(
            on[0].starts_with(name) && on[0].ends_with(why),
            "{name}: {text}"
        );
    }
}

/// `flagdebt presets` run in `dir`: its standard output.
fn presets_text(dir: &std::path::Path) -> String {
    let out = common::flagdebt()
        .current_dir(dir)
        .arg("presets")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn config_forces_presets_off_and_on() {
    let dir = fixture("kubernetes");
    common::write(
        dir.path(),
        ".flagdebt.yml",
        "presets: [-kubernetes, gitlab]\n",
    );
    let text = presets_text(dir.path());
    assert!(
        text.contains("kubernetes         off  switched off by the config"),
        "{text}"
    );
    assert!(
        text.contains("gitlab             on   switched on by the config"),
        "{text}"
    );
    // With the preset off, the gates are neither declared nor read.
    let out = common::flagdebt()
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "--today", "2026-11-21"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(declared(&doc).is_empty(), "{doc}");

    common::write(dir.path(), ".flagdebt.yml", "presets: [kubernetess]\n");
    let out = common::flagdebt()
        .current_dir(dir.path())
        .arg("presets")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown preset `kubernetess`"));
}

/// A preset applies to the subproject that holds its marker (the nearest folder with a
/// `pyproject.toml`, `go.mod`, `package.json`, ...), not to the whole run: the same read shape
/// in a sibling subproject without the marker is not a read.
#[test]
fn a_preset_applies_only_to_the_subproject_with_its_marker() {
    let doc = scan("monorepo-like");
    assert_eq!(declared(&doc), ["organizations:new-ui"]);
    assert_eq!(
        references(&doc),
        [("organizations:new-ui", "manager/app/views.py", 5, "literal")]
    );
    assert!(
        !doc.to_string().contains("organizations:plain-ui"),
        "the read in plain/ was found: {doc}"
    );
    // The preset is on, and says where its marker is.
    let dir = fixture("monorepo-like");
    let text = presets_text(dir.path());
    assert!(
        text.contains("feature-manager    on   `manager/app/features.py` contains `features.add(`"),
        "{text}"
    );
    // A marker outside any subproject (the root has no manifest) still applies everywhere.
    common::write(
        dir.path(),
        "features.py",
        "features.add(\"organizations:root-level\", OrganizationFeature)\n",
    );
    let out = common::flagdebt()
        .current_dir(dir.path())
        .args(["refs", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc.to_string().contains("organizations:plain-ui"),
        "with a root-level marker the preset applies to plain/ too: {doc}"
    );
}
