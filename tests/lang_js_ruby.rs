//! JavaScript / TypeScript / TSX and Ruby extraction, end to end through `scan::scan`: every
//! built-in JS/TS and Ruby rule's shapes, negatives (comments, strings, templates, heredocs,
//! unrelated receivers), env reads, defaults, and keys resolved through constants and imports.

use flagdebt::rules::{EnvSettings, RuleSet};
use flagdebt::scan::{scan, Reference, ScanOutput, Via};
use flagdebt::walk::WalkOptions;
use serde_json::{json, Value};

fn run(files: &[(&str, &str)]) -> ScanOutput {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let rules = RuleSet::load(&[], &[], EnvSettings::default()).unwrap();
    scan(dir.path(), &WalkOptions::default(), &rules)
}

/// (flag, line, column, rule, default) of each reference in `path`.
fn refs_in(out: &ScanOutput, path: &str) -> Vec<(String, usize, usize, String, Option<Value>)> {
    out.references
        .iter()
        .filter(|r| r.path == path)
        .map(|r| {
            (
                r.flag.clone(),
                r.span.line,
                r.span.column,
                r.rule.clone(),
                r.default.clone(),
            )
        })
        .collect()
}

fn r(
    flag: &str,
    line: usize,
    col: usize,
    rule: &str,
    default: Option<Value>,
) -> (String, usize, usize, String, Option<Value>) {
    (flag.into(), line, col, rule.into(), default)
}

fn find<'a>(out: &'a ScanOutput, path: &str, line: usize) -> &'a Reference {
    out.references
        .iter()
        .find(|r| r.path == path && r.span.line == line)
        .unwrap_or_else(|| panic!("no reference at {path}:{line}: {:#?}", out.references))
}

// ---------------------------------------------------------------- JavaScript / TypeScript

const JS_RULES: &str = r#"import { OpenFeature } from "@openfeature/server-sdk";
const client = OpenFeature.getClient();
client.getBooleanValue("of-bool", false);
client?.getStringValue('of-str', "fallback");
OpenFeature.getClient().getNumberValue("of-num", -1.5);
await client.getObjectDetails(`of-obj`, {});
ldClient.variation("ld-var", ctx, false);
this.ldClient.boolVariation("ld-bool", user, true);
launchDarklyClient.stringVariation("ld-str", user, "x");
flagsmith.hasFeature("fs-has");
flags.getFeatureValue("fs-val");
this.flags.isOn("ih-on", null);
flags.enabled("ih-enabled");
unleash.isEnabled("un-enabled");
unleashClient.getVariant("un-variant");
const v = process.env.FLAG_ENV_MEMBER;
const w = process.env["FEATURE_ENV_SUB"];
const db = process.env.DATABASE_URL;
const x = process.env.FLAG_CHAINED.trim().toLowerCase();
"a \u{1F600} \x41".length;
client.getBooleanValue("esc\u0041\n", undefined);
"#;

#[test]
fn js_every_rule_matches() {
    let out = run(&[("src/app.js", JS_RULES)]);
    assert_eq!(out.unresolved, vec![]);
    assert_eq!(
        refs_in(&out, "src/app.js"),
        vec![
            r("of-bool", 3, 1, "openfeature-js", Some(json!(false))),
            r("of-str", 4, 1, "openfeature-js", Some(json!("fallback"))),
            r("of-num", 5, 1, "openfeature-js", Some(json!(-1.5))),
            r("of-obj", 6, 7, "openfeature-js", None),
            r("ld-var", 7, 1, "launchdarkly-js", Some(json!(false))),
            r("ld-bool", 8, 1, "launchdarkly-js", Some(json!(true))),
            r("ld-str", 9, 1, "launchdarkly-js", Some(json!("x"))),
            r("fs-has", 10, 1, "flagsmith-js", None),
            r("fs-val", 11, 1, "flagsmith-js", None),
            r("ih-on", 12, 1, "inhouse-js", Some(Value::Null)),
            r("ih-enabled", 13, 1, "inhouse-js", None),
            r("un-enabled", 14, 1, "unleash-js", None),
            r("un-variant", 15, 1, "unleash-js", None),
            r("env_member", 16, 11, "env-js", None),
            r("env_sub", 17, 11, "env-js", None),
            r("chained", 19, 11, "env-js", None),
            r("escA\n", 21, 1, "openfeature-js", Some(Value::Null)),
        ]
    );
    let env = find(&out, "src/app.js", 16);
    assert_eq!(env.via, Via::Env);
    assert_eq!(env.env_var.as_deref(), Some("FLAG_ENV_MEMBER"));
}

#[test]
fn js_negatives() {
    let src = r#"// client.getBooleanValue("in-comment", false);
/* ldClient.variation("in-block-comment", ctx, false) */
const s = "client.getBooleanValue('in-string', false)";
const t = `useFlag("in-template") ${"unleash.isEnabled('in-sub-string')"}`;
color.variation("wrong-receiver-ld", ctx, false);
cart.hasFeature("wrong-receiver-fs");
user.isOn("wrong-receiver-ih");
feature.isEnabled("wrong-receiver-un");
getBooleanValue("no-receiver-of");
new client.getBooleanValue("a-constructor");
client.getBooleanValue;
client.getBooleanValue(...args);
const u = process.env.DATABASE_URL + process.env["HOME"];
const flag = env.FLAG_NOT_PROCESS;
"#;
    let out = run(&[("src/neg.ts", src)]);
    assert_eq!(out.references, vec![]);
    assert_eq!(out.unresolved, vec![]);
}

#[test]
fn js_template_substitution_is_real_code() {
    let src = "const t = `${client.getBooleanValue(\"in-sub\", false)}`;\n";
    let out = run(&[("a.js", src)]);
    assert_eq!(
        refs_in(&out, "a.js"),
        vec![r("in-sub", 1, 14, "openfeature-js", Some(json!(false)))]
    );
}

#[test]
fn tsx_component_use_flag() {
    let src = r#"import { useFlag, useVariant } from "@unleash/proxy-client-react";
import { useFlag as useUnleashFlag } from "@unleash/proxy-client-react";

export function Checkout(): JSX.Element {
  const enabled = useFlag("new-checkout");
  const variant = useVariant('checkout-variant');
  const other = useUnleashFlag("renamed-import");
  // useFlag("commented");
  return <div title="useFlag('attr')">{enabled ? <New /> : <Old />} useFlag("jsx-text")</div>;
}
"#;
    let out = run(&[("web/src/Checkout.tsx", src)]);
    assert_eq!(out.unresolved, vec![]);
    assert_eq!(
        refs_in(&out, "web/src/Checkout.tsx"),
        vec![
            r("new-checkout", 5, 19, "unleash-react", None),
            r("checkout-variant", 6, 19, "unleash-react", None),
            r("renamed-import", 7, 17, "unleash-react", None),
        ]
    );
    assert_eq!(
        find(&out, "web/src/Checkout.tsx", 5).language,
        flagdebt::lang::Language::Tsx
    );
}

#[test]
fn ts_keys_through_same_file_constants() {
    let src = r#"export const DARK = "dark_mode";
const FLAGS = {
  DARK_MODE: "dark_mode",
  "new-ui": 'new_ui',
  CHECKOUT: { NEW_FLOW: `checkout_new_flow` },
  ALIAS: DARK,
} as const;
const FROZEN = Object.freeze({ SEARCH: "search_v2" });
export enum Flags { NewCheckout = "new_checkout", Numeric = 3 }
const enum Inline { A = 'inline_a' }
function f() {
  const LOCAL = "not_a_module_constant";
  client.getBooleanValue(LOCAL, false);
}
client.getBooleanValue(DARK, false);
client.getBooleanValue(FLAGS.DARK_MODE, false);
client.getBooleanValue(FLAGS["new-ui"], false);
client.getBooleanValue(FLAGS.CHECKOUT.NEW_FLOW, false);
client.getBooleanValue(FLAGS.ALIAS, false);
client.getBooleanValue(FROZEN.SEARCH, false);
client.getBooleanValue(Flags.NewCheckout, false);
client.getBooleanValue(Inline.A as string, false);
client.getBooleanValue((FLAGS.DARK_MODE satisfies string)!, false);
client.getBooleanValue(Flags.Numeric, false);
client.getBooleanValue(`tpl-${DARK}`, false);
client.getBooleanValue("a" + DARK, false);
client.getBooleanValue(keyFor("x"), false);
"#;
    let out = run(&[("src/flags.ts", src)]);
    let got: Vec<(usize, &str, Via)> = out
        .references
        .iter()
        .map(|r| (r.span.line, r.flag.as_str(), r.via))
        .collect();
    assert_eq!(
        got,
        vec![
            (15, "dark_mode", Via::Constant),
            (16, "dark_mode", Via::Constant),
            (17, "new_ui", Via::Constant),
            (18, "checkout_new_flow", Via::Constant),
            (19, "dark_mode", Via::Constant),
            (20, "search_v2", Via::Constant),
            (21, "new_checkout", Via::Constant),
            (22, "inline_a", Via::Constant),
            (23, "dark_mode", Via::Constant),
        ]
    );
    assert_eq!(
        find(&out, "src/flags.ts", 21).expr.as_deref(),
        Some("Flags.NewCheckout")
    );
    let un: Vec<(usize, &str, &str)> = out
        .unresolved
        .iter()
        .map(|u| (u.span.line, u.expr.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        un,
        vec![
            (
                13,
                "LOCAL",
                "`LOCAL` is not a string constant flagdebt can resolve"
            ),
            (
                24,
                "Flags.Numeric",
                "`Flags.Numeric` is not a string constant flagdebt can resolve"
            ),
            (25, "`tpl-${DARK}`", "the key is a template literal"),
            (26, "\"a\" + DARK", "the key is a concatenation"),
            (27, "keyFor(\"x\")", "the key is a call's result"),
        ]
    );
}

#[test]
fn ts_keys_through_imports() {
    let flags = r#"export const FLAGS = { DARK_MODE: "dark_mode" } as const;
export enum Flags { NewCheckout = "new_checkout" }
export const SEARCH = "search_v2";
export default { DEFAULT_ONE: "default_one" };
"#;
    let cjs = r#"module.exports = { CJS_A: "cjs_a" };
exports.CJS_B = "cjs_b";
"#;
    let app = r#"import { FLAGS, Flags as F, SEARCH } from "./flags";
import * as all from "./flags";
import defaults from "./flags";
import { X } from "@/lib/keys";
const { CJS_A } = require("../common/cjs");
const cjs = require("../common/cjs");
client.getBooleanValue(FLAGS.DARK_MODE, false);
client.getBooleanValue(F.NewCheckout, false);
client.getBooleanValue(SEARCH, false);
client.getBooleanValue(all.FLAGS.DARK_MODE, false);
client.getBooleanValue(defaults.DEFAULT_ONE, false);
client.getBooleanValue(X, false);
client.getBooleanValue(CJS_A, false);
client.getBooleanValue(cjs.CJS_B, false);
client.getBooleanValue(FLAGS.MISSING, false);
"#;
    let out = run(&[
        ("web/src/flags.ts", flags),
        ("web/src/lib/keys.ts", "export const X = 'aliased_x';\n"),
        ("web/common/cjs.js", cjs),
        ("web/src/app.ts", app),
    ]);
    let got: Vec<(usize, &str, Via)> = out
        .references
        .iter()
        .map(|r| (r.span.line, r.flag.as_str(), r.via))
        .collect();
    assert_eq!(
        got,
        vec![
            (7, "dark_mode", Via::Constant),
            (8, "new_checkout", Via::Constant),
            (9, "search_v2", Via::Constant),
            (10, "dark_mode", Via::Constant),
            (11, "default_one", Via::Constant),
            (12, "aliased_x", Via::Constant),
            (13, "cjs_a", Via::Constant),
            (14, "cjs_b", Via::Constant),
        ]
    );
    assert_eq!(out.unresolved.len(), 1);
    assert_eq!(out.unresolved[0].span.line, 15);
}

#[test]
fn js_env_through_imported_process() {
    let src = r#"import { env } from "node:process";
import proc from "process";
const a = env.FLAG_FROM_ENV;
const b = proc.env["FF_FROM_PROC"];
"#;
    let out = run(&[("a.mjs", src)]);
    assert_eq!(
        refs_in(&out, "a.mjs"),
        vec![
            r("from_env", 3, 11, "env-js", None),
            r("from_proc", 4, 11, "env-js", None),
        ]
    );
}

#[test]
fn js_env_destructuring_and_generic_calls() {
    let src = r#"const { FLAG_A, FLAG_B: b, FF_C = "0", DATABASE_URL } = process.env;
const { FLAG_NOT_ENV } = config;
"#;
    let out = run(&[("a.ts", src)]);
    assert_eq!(
        refs_in(&out, "a.ts"),
        vec![
            r("a", 1, 9, "env-js", None),
            r("b", 1, 17, "env-js", None),
            r("c", 1, 28, "env-js", None),
        ]
    );
    // The only flag read in the file is a generic call: the prefilter must let it through.
    let out = run(&[("g.ts", "client.getObjectValue<Cfg>(\"cfg\", {});\n")]);
    assert_eq!(
        refs_in(&out, "g.ts"),
        vec![r("cfg", 1, 1, "openfeature-js", None)]
    );
}

#[test]
fn js_env_with_computed_name() {
    let src = r#"const a = process.env[`FLAG_${name}`];
const b = process.env[name];
"#;
    let out = run(&[("a.js", src)]);
    assert_eq!(out.references, vec![]);
    // Only the name that visibly builds a flag variable is a (dynamic) flag read.
    assert_eq!(out.unresolved.len(), 1);
    assert_eq!(out.unresolved[0].span.line, 1);
    assert_eq!(out.unresolved[0].reason, "the key is a template literal");
}

// ---------------------------------------------------------------- Ruby

const RUBY_RULES: &str = r#"client = OpenFeature::SDK.build_client
client.fetch_boolean_value(flag_key: "of-kw", default_value: false)
client.fetch_string_value("of-pos", "dflt")
client.fetch_number_details(default_value: 3, flag_key: :of_sym)
ld_client.variation("ld-var", context, false)
client.variation_detail "ld-detail", context, nil
flags.is_feature_enabled("fs-enabled")
flagsmith.get_feature_value "fs-value"
flags.is_feature_enabled?("fs-q")
feature_flags.on?(:ih_on)
flags.enabled? "ih-enabled"
unleash.is_enabled? "un-bare"
unleash.is_enabled?("un-paren", ctx, true)
UNLEASH.is_enabled?("un-const")
$unleash.get_variant("un-variant")
ENV["FLAG_ENV_SUB"]
ENV.fetch("FEATURE_ENV_FETCH", "0")
ENV["DATABASE_URL"]
ENV.fetch("HOME")
client&.fetch_boolean_value(flag_key: 'of-safe-nav', default_value: -1)
"#;

#[test]
fn ruby_every_rule_matches() {
    let out = run(&[("app/services/checkout.rb", RUBY_RULES)]);
    assert_eq!(out.unresolved, vec![]);
    assert_eq!(
        refs_in(&out, "app/services/checkout.rb"),
        vec![
            r("of-kw", 2, 1, "openfeature-ruby", Some(json!(false))),
            r("of-pos", 3, 1, "openfeature-ruby", Some(json!("dflt"))),
            r("of_sym", 4, 1, "openfeature-ruby", Some(json!(3))),
            r("ld-var", 5, 1, "launchdarkly-ruby", Some(json!(false))),
            r("ld-detail", 6, 1, "launchdarkly-ruby", Some(Value::Null)),
            r("fs-enabled", 7, 1, "flagsmith-ruby", None),
            r("fs-value", 8, 1, "flagsmith-ruby", None),
            r("fs-q", 9, 1, "flagsmith-ruby", None),
            r("ih_on", 10, 1, "inhouse-ruby", None),
            r("ih-enabled", 11, 1, "inhouse-ruby", None),
            r("un-bare", 12, 1, "unleash-ruby", None),
            r("un-paren", 13, 1, "unleash-ruby", Some(json!(true))),
            r("un-const", 14, 1, "unleash-ruby", None),
            r("un-variant", 15, 1, "unleash-ruby", None),
            r("env_sub", 16, 1, "env-ruby", None),
            r("env_fetch", 17, 1, "env-ruby", Some(json!("0"))),
            r("of-safe-nav", 20, 1, "openfeature-ruby", Some(json!(-1))),
        ]
    );
}

#[test]
fn ruby_negatives() {
    let src = r#"# unleash.is_enabled?("in-comment")
=begin
ld_client.variation("in-block-comment", ctx, false)
=end
s = "unleash.is_enabled?('in-string')"
t = 'client.fetch_boolean_value(flag_key: "in-single-quotes")'
doc = <<~EOS
  unleash.is_enabled?("in-heredoc")
EOS
raw = %q(flags.on?("in-percent-literal"))
product.variation("wrong-receiver-ld", ctx, false)
feature.is_enabled?("wrong-receiver-un")
user.on?("wrong-receiver-ih")
cart.is_feature_enabled("wrong-receiver-fs")
fetch_boolean_value(flag_key: "no-receiver-of")
unleash.is_enabled?(*args)
"#;
    let out = run(&[("lib/neg.rb", src)]);
    assert_eq!(out.references, vec![]);
    assert_eq!(out.unresolved, vec![]);
}

#[test]
fn ruby_keys_through_constants() {
    let flags = r#"module Flags
  NEW_CHECKOUT = "new_checkout".freeze
  SYM = :sym_flag
  KEYS = { search: "search_v2", "str-key" => "str_key" }.freeze
  module Checkout
    FLOW = 'checkout_flow'
  end
  def self.x
    "not a constant"
  end
end
"#;
    let app = r#"class CheckoutService
  LOCAL = "local_flag"

  def call
    unleash.is_enabled?(LOCAL)
    unleash.is_enabled?(CheckoutService::LOCAL)
    unleash.is_enabled?(Flags::NEW_CHECKOUT)
    unleash.is_enabled?(Flags::SYM)
    unleash.is_enabled?(Flags::KEYS[:search])
    unleash.is_enabled?(Flags::KEYS["str-key"])
    unleash.is_enabled?(Flags::Checkout::FLOW)
    unleash.is_enabled?(::Flags::NEW_CHECKOUT)
    unleash.is_enabled?(flag_name)
    unleash.is_enabled?("checkout_#{region}")
    unleash.is_enabled?(Flags::KEYS[:missing])
  end
end
"#;
    let out = run(&[
        ("app/models/flags.rb", flags),
        ("app/services/checkout_service.rb", app),
    ]);
    let got: Vec<(usize, &str, Via)> = out
        .references
        .iter()
        .map(|r| (r.span.line, r.flag.as_str(), r.via))
        .collect();
    assert_eq!(
        got,
        vec![
            (5, "local_flag", Via::Constant),
            (6, "local_flag", Via::Constant),
            (7, "new_checkout", Via::Constant),
            (8, "sym_flag", Via::Constant),
            (9, "search_v2", Via::Constant),
            (10, "str_key", Via::Constant),
            (11, "checkout_flow", Via::Constant),
            (12, "new_checkout", Via::Constant),
        ]
    );
    assert_eq!(
        find(&out, "app/services/checkout_service.rb", 7)
            .expr
            .as_deref(),
        Some("Flags::NEW_CHECKOUT")
    );
    let un: Vec<(usize, &str)> = out
        .unresolved
        .iter()
        .map(|u| (u.span.line, u.reason.as_str()))
        .collect();
    assert_eq!(
        un,
        vec![
            (
                13,
                "`flag_name` is not a string constant flagdebt can resolve"
            ),
            (14, "the key is an interpolated string"),
            (
                15,
                "`Flags.KEYS.:missing` is not a string constant flagdebt can resolve"
            ),
        ]
    );
}

#[test]
fn ruby_env_constant_and_dynamic() {
    let src = r#"NAME = "FLAG_FROM_CONST"
ENV[NAME]
ENV["FLAG_#{name.upcase}"]
ENV[name]
"#;
    let out = run(&[("config/boot.rb", src)]);
    assert_eq!(
        refs_in(&out, "config/boot.rb"),
        vec![r("from_const", 2, 1, "env-ruby", None)]
    );
    assert_eq!(out.unresolved.len(), 1);
    assert_eq!(out.unresolved[0].span.line, 3);
}
