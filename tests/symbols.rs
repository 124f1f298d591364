//! Flags as symbols, lifecycle from code, and the bugs seen on real repositories, end to end:
//! each fixture tree under fixtures/symbols/ is copied to a fresh folder and scanned with the
//! `.flagdebt.yml` it carries (if any). The declared set, every reference (flag, path, line,
//! how it was found, test or not) and every finding are exact.

mod common;

use serde_json::Value;

fn scan(name: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &common::repo().join("fixtures/symbols").join(name),
        dir.path(),
    );
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

fn references(doc: &Value) -> Vec<(&str, &str, u64, &str, bool)> {
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
                r["test"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Findings other than missing-owner (every fixture flag without an owner has one).
fn findings(doc: &Value) -> Vec<(&str, &str, &str, u64)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "missing-owner")
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

fn message<'a>(doc: &'a Value, code: &str, flag: &str) -> &'a str {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["flag"] == flag)
        .unwrap_or_else(|| panic!("no {code} finding for {flag}"))["message"]
        .as_str()
        .unwrap()
}

/// A registry of package variables made by a function named `new` (a syntax error to the Go
/// grammar), read with no arguments on the receiver, through an import alias, passed as a
/// value and bare in its own package; settings read through an aliased import. Rules written
/// inline in the config.
#[test]
fn go_registry_symbols() {
    let doc = scan("go-registry");
    assert_eq!(doc["parse_errors"], serde_json::json!([]));
    assert_eq!(
        declared(&doc),
        [
            "ClusterAddons",
            "SpotInstances",
            "SpotInstancesHybrid",
            "Unused",
            "history.disableArchival",
            "history.enableEagerStart",
        ]
    );
    // A struct literal's key named like a setting (`Overrides{DisableArchival: true}`) names
    // a field; a map literal's key is a value, and reads the setting.
    assert_eq!(
        references(&doc),
        [
            (
                "history.enableEagerStart",
                "common/dynamicconfig/constants.go",
                32,
                "symbol",
                false
            ),
            ("SpotInstances", "pkg/cloud/cloud.go", 13, "symbol", false),
            ("ClusterAddons", "pkg/cloud/cloud.go", 17, "symbol", false),
            ("SpotInstances", "pkg/cloud/cloud.go", 25, "symbol", false),
            (
                "ClusterAddons",
                "pkg/featureflag/featureflag.go",
                42,
                "symbol",
                false
            ),
            // A name that starts with another flag's name (`SpotInstances`).
            (
                "SpotInstancesHybrid",
                "pkg/pool/pool.go",
                7,
                "symbol",
                false
            ),
            (
                "history.enableEagerStart",
                "service/history/config.go",
                13,
                "symbol",
                false
            ),
        ]
    );
    // `featureflag.Unused` only in a comment and a string, and `other.Unused` (another
    // package's variable) are no reads.
    assert_eq!(
        findings(&doc),
        [
            (
                "unused-flag",
                "history.disableArchival",
                "common/dynamicconfig/constants.go",
                9
            ),
            (
                "unused-flag",
                "Unused",
                "pkg/featureflag/featureflag.go",
                18
            ),
        ]
    );
}

/// `new(...)` is everywhere in Go, but only a package-level `X = new("x")` declares a flag:
/// a file whose `new` calls are all inside functions is not parsed, and nothing changes.
#[test]
fn symbol_declaration_calls_inside_functions_cost_no_parse() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &common::repo().join("fixtures/symbols/go-registry"),
        dir.path(),
    );
    let run = |extra: &[&str]| -> Value {
        let out = common::flagdebt()
            .current_dir(dir.path())
            .args(["refs", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let regions = run(&[]);
    let whole = run(&["--whole-files"]);
    assert_eq!(regions["references"], whole["references"]);
    // pkg/pool/alloc.go: parsed whole, left out with regions.
    assert_eq!(regions["summary"]["parsed"], 2);
    assert_eq!(whole["summary"]["parsed"], 3);
}

/// Kubernetes-style gates: `// Deprecated: ... removed in the v1.15 release` against the
/// repository's VERSION, GA gates not locked, a gate passed as a value, and a project's own
/// three-argument `SetFeatureGateDuringTest(t, feature.X, true)`.
#[test]
fn kubernetes_lifecycle_and_test_override() {
    let doc = scan("k8s-lifecycle");
    assert_eq!(
        declared(&doc),
        [
            "InPlaceUpdates",
            "MachinePool",
            "PriorityQueue",
            "VolumeDetach"
        ]
    );
    assert_eq!(
        references(&doc),
        [
            (
                "MachinePool",
                "controllers/machine.go",
                10,
                "constant",
                false
            ),
            (
                "VolumeDetach",
                "controllers/machine.go",
                13,
                "constant",
                false
            ),
            (
                "PriorityQueue",
                "controllers/machine.go",
                13,
                "constant",
                false
            ),
            (
                "InPlaceUpdates",
                "controllers/machine.go",
                19,
                "symbol",
                false
            ),
            (
                "MachinePool",
                "controllers/machine_test.go",
                13,
                "constant",
                true
            ),
        ]
    );
    assert_eq!(
        findings(&doc),
        [
            ("stale-flag", "VolumeDetach", "feature/feature.go", 13),
            ("stale-flag", "PriorityQueue", "feature/feature.go", 17),
        ]
    );
    assert_eq!(
        message(&doc, "stale-flag", "VolumeDetach"),
        "flag `VolumeDetach` is stale: declared deprecated, removal due in v1.15.0: the \
         repository is at v1.15.0 (VERSION); at GA: on for everyone, remove the gate and the \
         code behind its other path"
    );
    assert_eq!(
        message(&doc, "stale-flag", "PriorityQueue"),
        "flag `PriorityQueue` is stale: declared deprecated: remove it and its reads; at GA: on \
         for everyone, remove the gate and the code behind its other path"
    );
}

/// Gitaly-style flags: an introduced version and a default; default-on flags two minor
/// releases behind the repository's VERSION are stale; flags passed as values are read.
#[test]
fn gitaly_introduced_versions_and_values() {
    let doc = scan("gitaly-lifecycle");
    assert_eq!(
        declared(&doc),
        ["atomic_fetch", "bundle_uri", "gpg_signing"]
    );
    assert_eq!(
        references(&doc),
        [
            (
                "atomic_fetch",
                "internal/service/fetch.go",
                10,
                "constant",
                false
            ),
            (
                "bundle_uri",
                "internal/service/fetch.go",
                14,
                "symbol",
                false
            ),
            (
                "gpg_signing",
                "internal/service/fetch.go",
                14,
                "symbol",
                false
            ),
        ]
    );
    assert_eq!(
        findings(&doc),
        [(
            "stale-flag",
            "atomic_fetch",
            "internal/featureflag/ff_atomic_fetch.go",
            6
        )]
    );
    assert_eq!(
        message(&doc, "stale-flag", "atomic_fetch"),
        "flag `atomic_fetch` is stale: on by default since v16.5.0, 2 minor release(s) before \
         the repository's v16.7.0 (VERSION): the rollout is over"
    );
}

/// Wrapper functions are followed with no preset and no config, in every language, with the
/// key at any parameter position and in function-valued fields.
#[test]
fn wrappers_in_every_configuration() {
    let doc = scan("wrappers");
    let refs: Vec<(&str, &str, u64, &str, &str)> = doc["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["flag"].as_str().unwrap(),
                r["path"].as_str().unwrap(),
                r["line"].as_u64().unwrap(),
                r["via"].as_str().unwrap(),
                r["rule"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            (
                "java-wrapped",
                "java/FlagService.java",
                18,
                "wrapper",
                "openfeature-java:on"
            ),
            (
                "ruby-wrapped",
                "ruby/flag_helper.rb",
                8,
                "wrapper",
                "openfeature-ruby:feature_on?"
            ),
            (
                "go-field",
                "svc/flags.go",
                24,
                "wrapper",
                "openfeature-go:On"
            ),
            (
                "js-field",
                "web/helpers.js",
                11,
                "wrapper",
                "openfeature-js:check"
            ),
        ]
    );
    assert_eq!(doc["summary"]["by_via"]["dynamic"], 0);
}

/// A read whose key is the receiver and whose call has no arguments
/// (`featureflag.X.Enabled()`) is not dropped by the prefilter.
#[test]
fn receiver_keyed_call_with_no_arguments() {
    let doc = scan("receiver-no-args");
    assert_eq!(
        references(&doc),
        [("spot-instances", "pkg/app/app.go", 6, "constant", false)]
    );
}

/// OpenFeature CLI generated accessors (`var X = struct{...}{Value: func(...) { return
/// client.Boolean(ctx, "x", ...) }}`): each accessor stands for the one key it reads, so
/// `ff.X.Value(ctx, ...)` and `ff.X.Value` passed as a value are reads of that flag through an
/// aliased import; an accessor no code uses leaves its flag read only from generated code.
#[test]
fn generated_accessors_are_symbols() {
    let doc = scan("openfeature-accessors");
    assert_eq!(
        declared(&doc),
        ["kafkaQueueProblems", "neverCalled", "paymentUnreachable"]
    );
    assert_eq!(
        references(&doc),
        [
            (
                "kafkaQueueProblems",
                "checkout/main.go",
                13,
                "symbol",
                false
            ),
            (
                "paymentUnreachable",
                "checkout/main.go",
                17,
                "symbol",
                false
            ),
            (
                "kafkaQueueProblems",
                "flags/flags_gen.go",
                34,
                "literal",
                false
            ),
            (
                "kafkaQueueProblems",
                "flags/flags_gen.go",
                37,
                "literal",
                false
            ),
            (
                "paymentUnreachable",
                "flags/flags_gen.go",
                48,
                "literal",
                false
            ),
            ("neverCalled", "flags/flags_gen.go", 59, "literal", false),
        ]
    );
    assert_eq!(
        findings(&doc),
        [("unused-flag", "neverCalled", "flagd/shop.flagd.json", 14)]
    );
    assert_eq!(
        message(&doc, "unused-flag", "neverCalled"),
        "flag `neverCalled` is declared but read only from generated code"
    );
}

/// Settings a dependency reads by name: Flask reads `SESSION_COOKIE_SECURE`, Flask-Mail
/// (in pyproject.toml) `MAIL_USE_TLS`, both outside the repository, so neither is unused; the
/// Flask-Limiter setting is (not a dependency), and so is a setting nothing reads.
#[test]
fn settings_a_dependency_reads_are_not_unused() {
    let doc = scan("flask-settings");
    let read_by: Vec<(&str, &str)> = doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["key"].as_str()?, f["read_by"].as_str()?)))
        .collect();
    assert_eq!(
        read_by,
        [
            ("APP_MAIL_USE_TLS", "flask-mail"),
            ("APP_SESSION_COOKIE_SECURE", "flask")
        ]
    );
    // `REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE` in the declaring module is a read
    // too (taken from the tree the module's own reads were found in).
    assert_eq!(
        references(&doc),
        [
            ("APP_NEW_UI", "app/__init__.py", 9, "symbol", false),
            (
                "APP_SESSION_COOKIE_SECURE",
                "app/settings.py",
                19,
                "symbol",
                false
            )
        ]
    );
    assert_eq!(
        findings(&doc),
        [
            (
                "unused-flag",
                "APP_RATELIMIT_ENABLED",
                "app/settings.py",
                13
            ),
            ("unused-flag", "APP_STATSD_USE_TAGS", "app/settings.py", 17),
        ]
    );
}

/// LaunchDarkly's React SDK camelCases the keys of `useFlags()`: `newCheckout` is a read of
/// the declared `new-checkout` (its spelling kept as `expr`), through destructuring and a
/// variable bound to the hook's result; a camelCased name no flag folds to stays as written
/// and is undeclared.
#[test]
fn camel_cased_keys_join_their_flags() {
    let doc = scan("ld-react-camel");
    assert_eq!(
        references(&doc),
        [
            ("new-checkout", "web/Banner.tsx", 5, "literal", false),
            ("dark_mode", "web/Banner.tsx", 5, "literal", false),
            ("betaBanner", "web/Banner.tsx", 7, "literal", false),
        ]
    );
    assert_eq!(doc["references"][0]["expr"], "newCheckout");
    assert_eq!(
        findings(&doc),
        [
            ("unused-flag", "never-read", "feature_flags.yaml", 8),
            ("undeclared-flag", "betaBanner", "web/Banner.tsx", 7),
        ]
    );
}

/// Togglz-style: the constants of an enum implementing `Feature` are the flags (`member_of`),
/// each its flag's symbol: `MyFeatures.NEW_CHECKOUT.isActive()` from another package and
/// `manager.isActive(MyFeatures.SEARCH_V2)` in the same package are reads; a constant with a
/// string argument is keyed by it; another class's same-named field, comments and strings
/// are not reads.
#[test]
fn enum_constants_are_symbols() {
    let doc = scan("togglz");
    assert_eq!(declared(&doc), ["NEVER_USED", "NEW_CHECKOUT", "search-v2"]);
    assert_eq!(
        references(&doc),
        [
            (
                "search-v2",
                "src/main/java/com/acme/Search.java",
                7,
                "symbol",
                false
            ),
            (
                "NEW_CHECKOUT",
                "src/main/java/com/acme/web/CheckoutController.java",
                11,
                "symbol",
                false
            ),
        ]
    );
    assert_eq!(
        findings(&doc),
        [(
            "unused-flag",
            "NEVER_USED",
            "src/main/java/com/acme/MyFeatures.java",
            16
        )]
    );
    let owners: Vec<(&str, &str)> = doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["key"].as_str()?, f["owner"].as_str()?)))
        .collect();
    assert_eq!(
        owners,
        [
            ("NEW_CHECKOUT", "team-checkout"),
            ("search-v2", "team-search")
        ]
    );
}

/// Python Enum members and class attributes (by a base class), a TypeScript enum and an
/// object of keys: each member is a declaration and its symbol, through an aliased module
/// import and a barrel (`export { Flag } from "./flags"` in `lib/index.ts`) too; a member
/// with no string value is keyed by its name; a same-named member of another enum is not a
/// read.
#[test]
fn enum_and_object_members_are_symbols() {
    let doc = scan("members");
    assert_eq!(
        declared(&doc),
        [
            "Beta",
            "dark-mode",
            "legacy-export",
            "new-checkout",
            "new-nav",
            "retired",
            "search-v2",
            "unused-experiment"
        ]
    );
    assert_eq!(
        references(&doc),
        [
            ("new-checkout", "app/views.py", 6, "symbol", false),
            ("search-v2", "app/views.py", 10, "symbol", false),
            ("dark-mode", "web/App.tsx", 6, "symbol", false),
            ("new-nav", "web/App.tsx", 7, "symbol", false),
            ("Beta", "web/App.tsx", 8, "symbol", false),
        ]
    );
    let unused: Vec<&str> = findings(&doc)
        .into_iter()
        .filter(|f| f.0 == "unused-flag")
        .map(|f| f.1)
        .collect();
    assert_eq!(unused, ["legacy-export", "retired", "unused-experiment"]);
}

/// Microsoft.FeatureManagement: appsettings.json's `FeatureManagement` section is the
/// registry (a `map` registry in three config lines); `[FeatureGate("Beta")]` and
/// `IsEnabledAsync("NewCheckout")` read it; a typo is undeclared, a flag no code reads unused.
#[test]
fn dotnet_feature_management() {
    let doc = scan("dotnet-featuremanagement");
    assert_eq!(declared(&doc), ["Beta", "NewCheckout", "Retired"]);
    let path = "Controllers/HomeController.cs";
    assert_eq!(
        references(&doc),
        [
            ("Beta", path, 4, "literal", false),
            ("NewCheckout", path, 11, "literal", false),
            ("Typo", path, 12, "literal", false),
        ]
    );
    assert_eq!(
        findings(&doc),
        [
            ("undeclared-flag", "Typo", path, 12),
            ("unused-flag", "Retired", "appsettings.json", 8),
        ]
    );
}
