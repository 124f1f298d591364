//! Go and Java extraction end to end: every Go/Java rule's SDK call shape, negative cases, keys
//! through constants (same file, same package, another package / class, static imports), and
//! dynamic keys.

use flagdebt::lang::Language;
use flagdebt::rules::{EnvSettings, RuleSet};
use flagdebt::scan::{self, Reference, ScanOutput, Unresolved, Via};
use flagdebt::walk::WalkOptions;
use serde_json::{json, Value};

fn rules() -> RuleSet {
    RuleSet::load(&[], &[], EnvSettings::default()).expect("built-in rules load")
}

fn scan_tree(files: &[(&str, &str)]) -> ScanOutput {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    scan::scan(dir.path(), &WalkOptions::default(), &rules())
}

/// 1-based (line, char column) of the first occurrence of `needle` in `src`.
fn loc(src: &str, needle: &str) -> (usize, usize) {
    let at = src
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in source"));
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

fn the_ref<'a>(out: &'a ScanOutput, path: &str, flag: &str) -> &'a Reference {
    let found: Vec<&Reference> = out
        .references
        .iter()
        .filter(|r| r.path == path && r.flag == flag)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one reference to {flag} in {path}, got {:#?}",
        out.references
    );
    found[0]
}

/// An expected reference: flag, rule, the call's opening text (where the call starts), how the
/// key was found, and the call-site default.
type Case = (&'static str, &'static str, &'static str, Via, Option<Value>);

fn check(out: &ScanOutput, src: &str, path: &str, case: &Case) {
    let (flag, rule, call, via, default) = case;
    let r = the_ref(out, path, flag);
    assert_eq!(r.rule, *rule, "{flag}: rule");
    assert_eq!(
        (r.span.line, r.span.column),
        loc(src, call),
        "{flag}: position"
    );
    assert_eq!(r.via, *via, "{flag}: via");
    assert_eq!(r.default, *default, "{flag}: default");
}

fn the_unresolved<'a>(out: &'a ScanOutput, path: &str, expr: &str) -> &'a Unresolved {
    out.unresolved
        .iter()
        .find(|u| u.path == path && u.expr == expr)
        .unwrap_or_else(|| panic!("no unresolved {expr:?} in {path}: {:#?}", out.unresolved))
}

// ---------------------------------------------------------------------------------------------
// Go
// ---------------------------------------------------------------------------------------------

const GO_SDK: &str = r#"package checkout

import (
	"context"
	"os"

	ld "github.com/launchdarkly/go-server-sdk/v7"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/Unleash/unleash-client-go/v4"
)

func evaluate(ctx context.Context, ldClient *ld.LDClient, client *openfeature.Client) {
	// LaunchDarkly: key arg 0, default arg 2.
	_, _ = ldClient.BoolVariation("go-ld-bool", ldctx, false)
	_, _ = ldClient.StringVariation("go-ld-string", ldctx, "blue")
	_, _ = ldClient.IntVariation("go-ld-int", ldctx, -3)
	_, _ = ldClient.Float64Variation("go-ld-float", ldctx, 0.25)
	_, _ = ldClient.JSONVariation("go-ld-json", ldctx, ldvalue.Null())
	_, _, _ = ldClient.BoolVariationDetail(`go-ld-detail`, ldctx, true)
	// OpenFeature: key arg 1, default arg 2.
	_, _ = client.BooleanValue(ctx, "go-of-bool", false, openfeature.EvaluationContext{})
	_, _ = client.StringValue(ctx, "go-of-string", "v1", evalCtx)
	_, _ = client.IntValue(ctx, "go-of-int", 0x10, evalCtx)
	_, _ = client.FloatValue(ctx, "go-of-float", 1.5, evalCtx)
	_, _ = client.ObjectValue(ctx, "go-of-object", nil, evalCtx)
	_, _ = openfeature.NewClient("app").BooleanValueDetails(ctx, "go-of-chained", true, evalCtx)
	// Unleash.
	_ = unleash.IsEnabled("go-unleash", unleash.WithFallback(false))
	_ = unleashClient.GetVariant("go-unleash-variant")
	// Flagsmith.
	_, _ = flags.IsFeatureEnabled("go-flagsmith")
	_, _ = envFlags.GetFeatureValue("go-flagsmith-value")
	_, _ = flagsmithClient.IsFeatureEnabled("go-flagsmith-client")
	// In-house helpers.
	_ = s.flags.IsOn("go-inhouse-on")
	_ = featureflags.IsOff("go-inhouse-off")
	_ = appFlags.Enabled("go-inhouse-enabled")
	// Environment.
	_ = os.Getenv("FLAG_GO_ENV")
	_, _ = os.LookupEnv("FF_GO_LOOKUP")
	_ = os.Getenv("DATABASE_URL")
}
"#;

#[test]
fn go_sdk_call_shapes() {
    let path = "checkout/evaluate.go";
    let out = scan_tree(&[(path, GO_SDK)]);
    let l = Via::Literal;
    let cases: &[Case] = &[
        (
            "go-ld-bool",
            "launchdarkly-go",
            "ldClient.BoolVariation(",
            l,
            Some(json!(false)),
        ),
        (
            "go-ld-string",
            "launchdarkly-go",
            "ldClient.StringVariation(",
            l,
            Some(json!("blue")),
        ),
        (
            "go-ld-int",
            "launchdarkly-go",
            "ldClient.IntVariation(",
            l,
            Some(json!(-3)),
        ),
        (
            "go-ld-float",
            "launchdarkly-go",
            "ldClient.Float64Variation(",
            l,
            Some(json!(0.25)),
        ),
        (
            "go-ld-json",
            "launchdarkly-go",
            "ldClient.JSONVariation(",
            l,
            None,
        ),
        (
            "go-ld-detail",
            "launchdarkly-go",
            "ldClient.BoolVariationDetail(",
            l,
            Some(json!(true)),
        ),
        (
            "go-of-bool",
            "openfeature-go",
            "client.BooleanValue(",
            l,
            Some(json!(false)),
        ),
        (
            "go-of-string",
            "openfeature-go",
            "client.StringValue(",
            l,
            Some(json!("v1")),
        ),
        (
            "go-of-int",
            "openfeature-go",
            "client.IntValue(",
            l,
            Some(json!(16)),
        ),
        (
            "go-of-float",
            "openfeature-go",
            "client.FloatValue(",
            l,
            Some(json!(1.5)),
        ),
        (
            "go-of-object",
            "openfeature-go",
            "client.ObjectValue(",
            l,
            Some(Value::Null),
        ),
        (
            "go-of-chained",
            "openfeature-go",
            "openfeature.NewClient(\"app\").BooleanValueDetails(",
            l,
            Some(json!(true)),
        ),
        ("go-unleash", "unleash-go", "unleash.IsEnabled(", l, None),
        (
            "go-unleash-variant",
            "unleash-go",
            "unleashClient.GetVariant(",
            l,
            None,
        ),
        (
            "go-flagsmith",
            "flagsmith-go",
            "flags.IsFeatureEnabled(",
            l,
            None,
        ),
        (
            "go-flagsmith-value",
            "flagsmith-go",
            "envFlags.GetFeatureValue(",
            l,
            None,
        ),
        (
            "go-flagsmith-client",
            "flagsmith-go",
            "flagsmithClient.IsFeatureEnabled(",
            l,
            None,
        ),
        ("go-inhouse-on", "inhouse-go", "s.flags.IsOn(", l, None),
        (
            "go-inhouse-off",
            "inhouse-go",
            "featureflags.IsOff(",
            l,
            None,
        ),
        (
            "go-inhouse-enabled",
            "inhouse-go",
            "appFlags.Enabled(",
            l,
            None,
        ),
        ("go_env", "env-go", "os.Getenv(\"FLAG", Via::Env, None),
        ("go_lookup", "env-go", "os.LookupEnv(", Via::Env, None),
    ];
    for case in cases {
        check(&out, GO_SDK, path, case);
    }
    assert_eq!(out.references.len(), cases.len(), "{:#?}", out.references);
    assert!(out.unresolved.is_empty(), "{:#?}", out.unresolved);
    let env = the_ref(&out, path, "go_env");
    assert_eq!(env.env_var.as_deref(), Some("FLAG_GO_ENV"));
    assert_eq!(env.language, Language::Go);
    // The span covers the whole call.
    let (line, _) = loc(GO_SDK, "go-ld-bool");
    assert_eq!(env.span.end_line, env.span.line);
    let ld = the_ref(&out, path, "go-ld-bool");
    assert_eq!(ld.span.line, line);
    let call = "ldClient.BoolVariation(\"go-ld-bool\", ldctx, false)";
    assert_eq!(ld.span.end_column - ld.span.column, call.chars().count());
}

const GO_NEGATIVE: &str = r#"package checkout

import "os"

/*
	ldClient.BoolVariation("in-block-comment", ldctx, false)
*/
func noise() {
	// ldClient.BoolVariation("in-line-comment", ldctx, false)
	_ = "ldClient.BoolVariation(\"in-string\", ldctx, false)"
	_ = `client.BooleanValue(ctx, "in-raw-string", false, ec)`
	_ = cache.IsEnabled("not-unleash")
	_ = toggles.IsOn("not-inhouse")
	_ = store.IsFeatureEnabled("not-flagsmith")
	_ = BoolVariation("no-receiver", ldctx, false)
	_ = Getenv("FLAG_NO_RECEIVER")
	_ = env.Getenv("FLAG_OTHER_PACKAGE")
	_ = os.Getenv("HOME")
}
"#;

#[test]
fn go_negatives() {
    let out = scan_tree(&[("checkout/noise.go", GO_NEGATIVE)]);
    assert!(out.references.is_empty(), "{:#?}", out.references);
    assert!(out.unresolved.is_empty(), "{:#?}", out.unresolved);
}

const GO_KEYS: &str = "package flagkeys

// Keys of the catalog's flags.
const SearchV2 = \"search-v2\"

const (
\tNewUI    featuregate.Feature = \"NewUI\"
\tFacets   Feature             = Feature(\"facets\")
\tRanking, Reranking           = \"ranking\", `reranking`
\tEscaped                      = \"tab\\there\"
\tJoined                       = \"join\" + \"ed\"
\tCount                        = 3
)

var Sorting = \"sorting\"

func helper() {
\tconst Local = \"function-local\"
}
";

const GO_CONSUMER: &str = r#"package search

import (
	"fmt"
	myos "os"

	"github.com/shop/catalog/internal/flagkeys"
	fk "github.com/shop/catalog/internal/flagkeys"
)

const localKey = "local-key"

const (
	blockKey = "block-key"
)

func Search(args []string) {
	// A plain variable (a parameter would make Search a wrapper).
	name := args[0]
	_, _ = ldClient.BoolVariation(flagkeys.SearchV2, ldctx, false)
	_, _ = ldClient.BoolVariation(localKey, ldctx, false)
	_, _ = ldClient.BoolVariation(blockKey, ldctx, false)
	_, _ = ldClient.BoolVariation(fk.NewUI, ldctx, false)
	_, _ = ldClient.BoolVariation(flagkeys.Facets, ldctx, false)
	_, _ = ldClient.BoolVariation(flagkeys.Reranking, ldctx, false)
	_, _ = ldClient.BoolVariation(flagkeys.Escaped, ldctx, false)
	_, _ = ldClient.BoolVariation(flagkeys.Joined, ldctx, false)
	_, _ = ldClient.BoolVariation(flagkeys.Sorting, ldctx, false)
	_, _ = ldClient.BoolVariation(samePackageKey, ldctx, false)
	_, _ = ldClient.BoolVariation(fmt.Sprintf("search-%s", name), ldctx, false)
	_, _ = ldClient.BoolVariation("search-" + name, ldctx, false)
	_, _ = ldClient.BoolVariation(flagkeys.Count, ldctx, false)
	_, _ = ldClient.BoolVariation(flagkeys.Local, ldctx, false)
	_, _ = ldClient.BoolVariation(name, ldctx, false)
	_ = myos.Getenv("FLAG_ALIASED_OS")
	_ = myos.Getenv(fmt.Sprintf("FLAG_%s", name))
}
"#;

const GO_SAME_PACKAGE: &str = "package search\n\nconst samePackageKey = \"same-package\"\n";

#[test]
fn go_constants_and_dynamic_keys() {
    let consumer = "catalog/search/search.go";
    let out = scan_tree(&[
        ("catalog/internal/flagkeys/keys.go", GO_KEYS),
        (consumer, GO_CONSUMER),
        ("catalog/search/keys.go", GO_SAME_PACKAGE),
        ("catalog/go.mod", "module github.com/shop/catalog\n"),
    ]);
    for (flag, expr) in [
        ("search-v2", "flagkeys.SearchV2"),
        ("local-key", "localKey"),
        ("block-key", "blockKey"),
        ("NewUI", "fk.NewUI"),
        ("facets", "flagkeys.Facets"),
        ("reranking", "flagkeys.Reranking"),
        ("tab\there", "flagkeys.Escaped"),
        ("joined", "flagkeys.Joined"),
        ("same-package", "samePackageKey"),
    ] {
        let r = the_ref(&out, consumer, flag);
        assert_eq!(r.via, Via::Constant, "{flag}");
        assert_eq!(r.expr.as_deref(), Some(expr), "{flag}");
        assert_eq!(r.rule, "launchdarkly-go");
        assert_eq!(r.default, Some(json!(false)));
        let (line, col) = loc(GO_CONSUMER, &format!("ldClient.BoolVariation({expr}, "));
        assert_eq!((r.span.line, r.span.column), (line, col), "{flag}");
    }
    // A package `var` can be reassigned at run time: its value is no constant.
    let sorting = the_unresolved(&out, consumer, "flagkeys.Sorting");
    assert!(
        sorting.reason.contains("not a string constant"),
        "{}",
        sorting.reason
    );
    let aliased = the_ref(&out, consumer, "aliased_os");
    assert_eq!(aliased.rule, "env-go");
    assert_eq!(aliased.via, Via::Env);

    let sprintf = the_unresolved(&out, consumer, "fmt.Sprintf(\"search-%s\", name)");
    assert_eq!(sprintf.reason, "the key is a call's result");
    assert_eq!(
        sprintf.span.line,
        loc(GO_CONSUMER, "fmt.Sprintf(\"search-").0
    );
    let concat = the_unresolved(&out, consumer, "\"search-\" + name");
    assert_eq!(concat.reason, "the key is a concatenation");
    for expr in ["flagkeys.Count", "flagkeys.Local", "name"] {
        let u = the_unresolved(&out, consumer, expr);
        assert!(u.reason.contains("not a string constant"), "{}", u.reason);
    }
    // An env read with a computed name counts when it visibly builds a flag variable.
    let env = the_unresolved(&out, consumer, "fmt.Sprintf(\"FLAG_%s\", name)");
    assert_eq!(env.rule, "env-go");
    assert_eq!(out.unresolved.len(), 7, "{:#?}", out.unresolved);
    assert_eq!(out.references.len(), 10, "{:#?}", out.references);
}

#[test]
fn go_facts() {
    let f = scan::extract_file(Language::Go, "k.go", GO_KEYS, &rules(), false, None).unwrap();
    assert_eq!(f.package.as_deref(), Some("flagkeys"));
    let mut names: Vec<(&str, &str)> = f
        .constants
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("Escaped", "tab\there"),
            ("Facets", "facets"),
            ("Joined", "joined"),
            ("NewUI", "NewUI"),
            ("Ranking", "ranking"),
            ("Reranking", "reranking"),
            ("SearchV2", "search-v2"),
        ]
    );
    let f = scan::extract_file(Language::Go, "s.go", GO_CONSUMER, &rules(), false, None).unwrap();
    let imports: Vec<(&str, &str)> = f
        .imports
        .iter()
        .map(|i| (i.local.as_str(), i.module.as_str()))
        .collect();
    assert_eq!(
        imports,
        [
            ("fmt", "fmt"),
            ("myos", "os"),
            ("flagkeys", "github.com/shop/catalog/internal/flagkeys"),
            ("fk", "github.com/shop/catalog/internal/flagkeys"),
        ]
    );
    let src = "package x\nimport (\n\t\"github.com/Unleash/unleash-client-go/v4\"\n\t. \"strings\"\n\t_ \"embed\"\n)\n";
    let f = scan::extract_file(Language::Go, "x.go", src, &rules(), false, None).unwrap();
    assert_eq!(f.imports.len(), 1);
    assert_eq!(f.imports[0].local, "unleash");
}

#[test]
fn go_test_files_and_syntax_errors() {
    let src = "package search\n\nfunc TestX(t *testing.T) {\n\t_, _ = ldClient.BoolVariation(\"in-test\", ldctx, false)\n}\n\nfunc broken( {\n\t_ = unleash.IsEnabled(\"after-error\")\n}\n";
    let out = scan_tree(&[("catalog/search/search_test.go", src)]);
    let r = the_ref(&out, "catalog/search/search_test.go", "in-test");
    assert!(r.test);
    assert_eq!(out.parse_errors.len(), 1, "{:#?}", out.parse_errors);
}

// ---------------------------------------------------------------------------------------------
// Java
// ---------------------------------------------------------------------------------------------

const JAVA_SDK: &str = r#"package com.shop.app;

import static java.lang.System.getenv;

import com.launchdarkly.sdk.server.LDClient;
import dev.openfeature.sdk.OpenFeatureAPI;

public class Evaluate {
    private final LDClient ldClient;

    void evaluate(LDContext context, Client client) {
        // LaunchDarkly: key arg 0, default arg 2.
        boolean a = ldClient.boolVariation("java-ld-bool", context, false);
        String b = ldClient.stringVariation("java-ld-string", context, "blue");
        int c = ldClient.intVariation("java-ld-int", context, -3);
        double d = ldClient.doubleVariation("java-ld-double", context, 0.5d);
        LDValue e = ldClient.jsonValueVariation("java-ld-json", context, LDValue.ofNull());
        EvaluationDetail<Boolean> f = this.ldClient.boolVariationDetail("java-ld-detail", context, true);
        // OpenFeature: key arg 0, default arg 1.
        boolean g = client.getBooleanValue("java-of-bool", false);
        String h = client.getStringValue("java-of-string", "v1");
        int i = client.getIntegerValue("java-of-int", 10L > 1 ? 1 : 2);
        double j = client.getDoubleValue("java-of-double", 1.5);
        Value k = client.getObjectValue("java-of-object", new Value());
        boolean l = OpenFeatureAPI.getInstance().getClient().getBooleanValue("java-of-chained", true);
        FlagEvaluationDetails<String> m = client.getStringDetails("java-of-details", null);
        boolean n = OpenFeatureAPI.getInstance()
            .getClient()
            .getBooleanDetails("java-of-multiline", false)
            .getValue();
        // Unleash.
        boolean o = unleash.isEnabled("java-unleash");
        Variant p = unleashClient.getVariant("java-unleash-variant");
        // Flagsmith.
        boolean q = flags.isFeatureEnabled("java-flagsmith");
        Object r = flagsmith.getEnvironmentFlags().getFeatureValue("java-flagsmith-value");
        // In-house helpers.
        boolean s = featureFlags.isOn("java-inhouse-on", true);
        boolean t = this.flags.isOff("java-inhouse-off");
        // Environment.
        String u = System.getenv("FLAG_JAVA_ENV");
        String v = getenv("FEATURE_STATIC_IMPORT");
        String w = System.getenv("JAVA_HOME");
        String x = client.getStringValue("""
            java-text-block""", "");
    }
}
"#;

#[test]
fn java_sdk_call_shapes() {
    let path = "app/src/main/java/com/shop/app/Evaluate.java";
    let out = scan_tree(&[(path, JAVA_SDK)]);
    let l = Via::Literal;
    let cases: &[Case] = &[
        (
            "java-ld-bool",
            "launchdarkly-java",
            "ldClient.boolVariation(",
            l,
            Some(json!(false)),
        ),
        (
            "java-ld-string",
            "launchdarkly-java",
            "ldClient.stringVariation(",
            l,
            Some(json!("blue")),
        ),
        (
            "java-ld-int",
            "launchdarkly-java",
            "ldClient.intVariation(",
            l,
            Some(json!(-3)),
        ),
        (
            "java-ld-double",
            "launchdarkly-java",
            "ldClient.doubleVariation(",
            l,
            Some(json!(0.5)),
        ),
        (
            "java-ld-json",
            "launchdarkly-java",
            "ldClient.jsonValueVariation(",
            l,
            None,
        ),
        (
            "java-ld-detail",
            "launchdarkly-java",
            "this.ldClient.boolVariationDetail(",
            l,
            Some(json!(true)),
        ),
        (
            "java-of-bool",
            "openfeature-java",
            "client.getBooleanValue(\"java-of-bool",
            l,
            Some(json!(false)),
        ),
        (
            "java-of-string",
            "openfeature-java",
            "client.getStringValue(\"java-of-string",
            l,
            Some(json!("v1")),
        ),
        (
            "java-of-int",
            "openfeature-java",
            "client.getIntegerValue(",
            l,
            None,
        ),
        (
            "java-of-double",
            "openfeature-java",
            "client.getDoubleValue(",
            l,
            Some(json!(1.5)),
        ),
        (
            "java-of-object",
            "openfeature-java",
            "client.getObjectValue(",
            l,
            None,
        ),
        (
            "java-of-chained",
            "openfeature-java",
            "OpenFeatureAPI.getInstance().getClient().getBooleanValue(",
            l,
            Some(json!(true)),
        ),
        (
            "java-of-details",
            "openfeature-java",
            "client.getStringDetails(",
            l,
            Some(Value::Null),
        ),
        // A call spanning lines is reported where its expression starts.
        (
            "java-of-multiline",
            "openfeature-java",
            "OpenFeatureAPI.getInstance()\n",
            l,
            Some(json!(false)),
        ),
        (
            "java-unleash",
            "unleash-java",
            "unleash.isEnabled(",
            l,
            None,
        ),
        (
            "java-unleash-variant",
            "unleash-java",
            "unleashClient.getVariant(",
            l,
            None,
        ),
        (
            "java-flagsmith",
            "flagsmith-java",
            "flags.isFeatureEnabled(",
            l,
            None,
        ),
        (
            "java-flagsmith-value",
            "flagsmith-java",
            "flagsmith.getEnvironmentFlags().getFeatureValue(",
            l,
            None,
        ),
        (
            "java-inhouse-on",
            "inhouse-java",
            "featureFlags.isOn(",
            l,
            Some(json!(true)),
        ),
        (
            "java-inhouse-off",
            "inhouse-java",
            "this.flags.isOff(",
            l,
            None,
        ),
        (
            "java_env",
            "env-java",
            "System.getenv(\"FLAG",
            Via::Env,
            None,
        ),
        (
            "static_import",
            "env-java",
            "getenv(\"FEATURE_STATIC",
            Via::Env,
            None,
        ),
        (
            "java-text-block",
            "openfeature-java",
            "client.getStringValue(\"\"\"",
            l,
            Some(json!("")),
        ),
    ];
    for case in cases {
        check(&out, JAVA_SDK, path, case);
    }
    assert_eq!(out.references.len(), cases.len(), "{:#?}", out.references);
    assert!(out.unresolved.is_empty(), "{:#?}", out.unresolved);
    let multi = the_ref(&out, path, "java-of-multiline");
    assert_eq!(multi.span.end_line, multi.span.line + 2);
    assert_eq!(multi.language, Language::Java);
}

const JAVA_NEGATIVE: &str = r#"package com.shop.app;

/**
 * Call {@code client.getBooleanValue("in-javadoc", false)} to read a flag.
 */
public class Noise {
    /* ldClient.boolVariation("in-block-comment", context, false); */
    void noise() {
        // unleash.isEnabled("in-line-comment");
        String a = "client.getBooleanValue(\"in-string\", false)";
        String b = """
            featureFlags.isOn("in-text-block");
            """;
        boolean c = list.isEnabled("not-unleash");
        boolean d = toggles.isOn("not-inhouse");
        boolean e = store.isFeatureEnabled("not-flagsmith");
        boolean f = boolVariation("no-receiver", context, false);
        boolean g = getBooleanValue("no-receiver", false);
        String h = System.getenv("JAVA_HOME");
    }
}
"#;

#[test]
fn java_negatives() {
    let out = scan_tree(&[("src/main/java/com/shop/app/Noise.java", JAVA_NEGATIVE)]);
    assert!(out.references.is_empty(), "{:#?}", out.references);
    assert!(out.unresolved.is_empty(), "{:#?}", out.unresolved);
}

const JAVA_KEYS: &str = r#"package com.shop.flags;

public final class FlagKeys {
    public static final String NEW_CHECKOUT = "new-checkout";
    public static final String JOINED = "pay" + "ments";
    static final String TEXT_BLOCK = """
        text-block-key""";
    public static String NOT_FINAL = "mutable";
    public final String NOT_STATIC = "instance";

    private FlagKeys() {}

    public static final class Nested {
        public static final String DEEP = "nested-key";
    }

    public enum Flag {
        BETA_SEARCH("beta-search"),
        DARK_MODE("dark-mode");

        private final String key;

        Flag(String key) { this.key = key; }

        public String key() { return key; }
    }

    void method() {
        final String LOCAL = "method-local";
    }
}
"#;

const JAVA_IFACE: &str = r#"package com.shop.flags;

public interface Keys {
    String IFACE_KEY = "interface-key";
}
"#;

const JAVA_SAME_PACKAGE: &str = r#"package com.shop.app;

final class AppKeys {
    static final String SAME_PACKAGE = "same-package";
}
"#;

const JAVA_CONSUMER: &str = r#"package com.shop.app;

import com.shop.flags.FlagKeys;
import com.shop.flags.FlagKeys.Nested;
import com.shop.flags.Keys;
import static com.shop.flags.FlagKeys.NEW_CHECKOUT;
import static com.shop.flags.FlagKeys.JOINED;

public class Checkout {
    private static final String LOCAL_KEY = "local-key";

    interface Inner {
        String INNER_KEY = "inner-key";
    }

    void run(String[] args) {
        // A plain variable (a parameter would make run a wrapper).
        String name = args[0];
        boolean a = client.getBooleanValue(FlagKeys.NEW_CHECKOUT, false);
        boolean b = client.getBooleanValue(NEW_CHECKOUT, false);
        boolean c = client.getBooleanValue(JOINED, false);
        boolean d = client.getBooleanValue(LOCAL_KEY, false);
        boolean e = client.getBooleanValue(Checkout.LOCAL_KEY, false);
        boolean f = client.getBooleanValue(Inner.INNER_KEY, false);
        boolean g = client.getBooleanValue(Nested.DEEP, false);
        boolean h = client.getBooleanValue(FlagKeys.Nested.DEEP, false);
        boolean i = client.getBooleanValue(Keys.IFACE_KEY, false);
        boolean j = client.getBooleanValue(AppKeys.SAME_PACKAGE, false);
        boolean k = client.getBooleanValue(FlagKeys.TEXT_BLOCK, false);
        boolean l = client.getBooleanValue(FlagKeys.Flag.BETA_SEARCH.key(), false);
        boolean m = client.getBooleanValue(String.format("checkout-%s", name), false);
        boolean n = client.getBooleanValue("checkout-" + name, false);
        boolean o = client.getBooleanValue(FlagKeys.NOT_FINAL, false);
        boolean p = client.getBooleanValue(FlagKeys.NOT_STATIC, false);
        boolean q = client.getBooleanValue(name, false);
        boolean r = client.getBooleanValue(name.toLowerCase(), false);
    }
}
"#;

#[test]
fn java_constants_and_dynamic_keys() {
    let consumer = "app/src/main/java/com/shop/app/Checkout.java";
    let out = scan_tree(&[
        (
            "flags/src/main/java/com/shop/flags/FlagKeys.java",
            JAVA_KEYS,
        ),
        ("flags/src/main/java/com/shop/flags/Keys.java", JAVA_IFACE),
        (
            "app/src/main/java/com/shop/app/AppKeys.java",
            JAVA_SAME_PACKAGE,
        ),
        (consumer, JAVA_CONSUMER),
    ]);
    for (flag, expr) in [
        ("new-checkout", "FlagKeys.NEW_CHECKOUT"),
        ("new-checkout", "NEW_CHECKOUT"),
        ("payments", "JOINED"),
        ("local-key", "LOCAL_KEY"),
        ("local-key", "Checkout.LOCAL_KEY"),
        ("inner-key", "Inner.INNER_KEY"),
        ("nested-key", "Nested.DEEP"),
        ("nested-key", "FlagKeys.Nested.DEEP"),
        ("interface-key", "Keys.IFACE_KEY"),
        ("same-package", "AppKeys.SAME_PACKAGE"),
        ("text-block-key", "FlagKeys.TEXT_BLOCK"),
        ("beta-search", "FlagKeys.Flag.BETA_SEARCH.key()"),
    ] {
        let r = out
            .references
            .iter()
            .find(|r| r.path == consumer && r.expr.as_deref() == Some(expr))
            .unwrap_or_else(|| panic!("no reference through {expr}: {:#?}", out.references));
        assert_eq!(r.flag, flag, "{expr}");
        assert_eq!(r.via, Via::Constant, "{expr}");
        assert_eq!(r.rule, "openfeature-java");
        assert_eq!(r.default, Some(json!(false)));
        let (line, col) = loc(JAVA_CONSUMER, &format!("client.getBooleanValue({expr}, "));
        assert_eq!((r.span.line, r.span.column), (line, col), "{expr}");
    }
    assert_eq!(out.references.len(), 12, "{:#?}", out.references);

    let format = the_unresolved(&out, consumer, "String.format(\"checkout-%s\", name)");
    assert_eq!(format.reason, "the key is a call's result");
    let concat = the_unresolved(&out, consumer, "\"checkout-\" + name");
    assert_eq!(concat.reason, "the key is a concatenation");
    let lower = the_unresolved(&out, consumer, "name.toLowerCase()");
    assert_eq!(lower.reason, "the key is a call's result");
    for expr in ["FlagKeys.NOT_FINAL", "FlagKeys.NOT_STATIC", "name"] {
        let u = the_unresolved(&out, consumer, expr);
        assert!(u.reason.contains("not a string constant"), "{}", u.reason);
    }
    assert_eq!(out.unresolved.len(), 6, "{:#?}", out.unresolved);
}

#[test]
fn java_facts() {
    let f = scan::extract_file(Language::Java, "F.java", JAVA_KEYS, &rules(), false, None).unwrap();
    assert_eq!(f.package.as_deref(), Some("com.shop.flags"));
    let get = |k: &str| f.constants.get(k).map(String::as_str);
    assert_eq!(get("FlagKeys.NEW_CHECKOUT"), Some("new-checkout"));
    assert_eq!(get("NEW_CHECKOUT"), Some("new-checkout"));
    assert_eq!(get("FlagKeys.Nested.DEEP"), Some("nested-key"));
    assert_eq!(get("Nested.DEEP"), Some("nested-key"));
    assert_eq!(get("FlagKeys.Flag.DARK_MODE"), Some("dark-mode"));
    assert_eq!(get("FlagKeys.NOT_FINAL"), None);
    assert_eq!(get("FlagKeys.NOT_STATIC"), None);
    assert_eq!(get("LOCAL"), None);
    let f = scan::extract_file(
        Language::Java,
        "C.java",
        JAVA_CONSUMER,
        &rules(),
        false,
        None,
    )
    .unwrap();
    let imports: Vec<(&str, &str, Option<&str>)> = f
        .imports
        .iter()
        .map(|i| (i.local.as_str(), i.module.as_str(), i.item.as_deref()))
        .collect();
    assert_eq!(
        imports,
        [
            ("FlagKeys", "com.shop.flags.FlagKeys", None),
            ("Nested", "com.shop.flags.FlagKeys.Nested", None),
            ("Keys", "com.shop.flags.Keys", None),
            (
                "NEW_CHECKOUT",
                "com.shop.flags.FlagKeys",
                Some("NEW_CHECKOUT")
            ),
            ("JOINED", "com.shop.flags.FlagKeys", Some("JOINED")),
        ]
    );
}

#[test]
fn java_test_path() {
    let src = "class CheckoutTest { void t() { client.getBooleanValue(\"in-test\", false); } }\n";
    let out = scan_tree(&[("app/src/test/java/CheckoutTest.java", src)]);
    assert!(the_ref(&out, "app/src/test/java/CheckoutTest.java", "in-test").test);
}
