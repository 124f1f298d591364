//! Rust extraction end to end: scan a tree, resolve keys, report syntax errors.

use flagdebt::rules::{EnvSettings, RuleSet};
use flagdebt::scan::{scan, ScanOutput, Via};
use flagdebt::walk::WalkOptions;

fn scan_files(files: &[(&str, &str)]) -> ScanOutput {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let rules = RuleSet::load(&[], &[], EnvSettings::default()).unwrap();
    scan(dir.path(), &WalkOptions::default(), &rules)
}

#[test]
fn resolves_keys_and_reports_the_rest() {
    let out = scan_files(&[(
        "src/checkout.rs",
        r#"use std::env;

const NEW_CHECKOUT: &str = "new-checkout";

pub struct Keys;
impl Keys {
    pub const DARK: &'static str = "dark-mode";
}

pub async fn run(client: &Client, flags: &Flags, context: &Context) -> Result<()> {
    if flags.is_on(NEW_CHECKOUT) {}
    let dark = client.bool_variation(context, Keys::DARK, false);
    let v = client.get_bool_value("beta-banner", None, None).await?;
    let e = env::var("FLAG_SEARCH_V2").is_ok();
    let home = env::var("HOME");
    assert!(flags.is_on("in-macro"), "{}", plugin.is_on("not-a-flag"));
    let d = flags.is_on(&format!("region-{}", region));
    Ok(())
}
"#,
    )]);
    let got: Vec<(&str, &str, usize, usize, Via)> = out
        .references
        .iter()
        .map(|r| {
            (
                r.flag.as_str(),
                r.rule.as_str(),
                r.span.line,
                r.span.column,
                r.via,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("new-checkout", "inhouse-rust", 11, 8, Via::Constant),
            ("dark-mode", "launchdarkly-rust", 12, 16, Via::Constant),
            ("beta-banner", "openfeature-rust", 13, 13, Via::Literal),
            ("search_v2", "env-rust", 14, 13, Via::Env),
            ("in-macro", "inhouse-rust", 16, 13, Via::Literal),
        ]
    );
    let dark = &out.references[1];
    assert_eq!(dark.default, Some(serde_json::json!(false)));
    assert_eq!(dark.expr.as_deref(), Some("Keys::DARK"));
    assert_eq!(out.references[3].env_var.as_deref(), Some("FLAG_SEARCH_V2"));
    assert_eq!(out.unresolved.len(), 1, "{:?}", out.unresolved);
    let u = &out.unresolved[0];
    assert_eq!((u.span.line, u.span.column), (17, 13));
    assert_eq!(u.expr, r#"&format!("region-{}", region)"#);
    assert!(u.reason.contains("format!"), "{}", u.reason);
    assert!(out.parse_errors.is_empty());
}

#[test]
fn syntax_error_keeps_the_rest_of_the_file() {
    let out = scan_files(&[
        (
            "src/lib.rs",
            "fn a() {\n    flags.is_on(\"before\");\n}\n\nfn b() -> {\n    flags.is_on(\"inside\")\n}\n\nfn c() {\n    flags.is_on(\"after\");\n}\n",
        ),
        ("src/garbage.rs", "flags.is_on(\"x\") ]]] (( \"unterminated\n<<<"),
    ]);
    let got: Vec<(&str, usize)> = out
        .references
        .iter()
        .map(|r| (r.flag.as_str(), r.span.line))
        .collect();
    assert_eq!(got, vec![("before", 2), ("inside", 6), ("after", 10)]);
    let errs: Vec<&str> = out.parse_errors.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(errs, vec!["src/garbage.rs", "src/lib.rs"]);
    assert!(
        out.parse_errors[1].reason.contains("5:11"),
        "{:?}",
        out.parse_errors
    );
}

/// Reads inside `#[cfg(test)]` modules and `#[test]` functions of a non-test file are test
/// reads; the file's other reads are not.
#[test]
fn cfg_test_modules_and_test_functions_are_test_code() {
    let out = scan_files(&[(
        "src/lib.rs",
        r#"pub fn run(flags: &Flags) -> bool {
    flags.is_on("prod-read")
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads() {
        assert!(flags.is_on("in-cfg-test-module"));
    }
}

#[tokio::test]
async fn loose_test() {
    flags.is_on("in-test-fn");
}

#[cfg(not(test))]
fn not_test(flags: &Flags) -> bool {
    flags.is_on("in-cfg-not-test")
}
"#,
    )]);
    let got: Vec<(&str, bool)> = out
        .references
        .iter()
        .map(|r| (r.flag.as_str(), r.test))
        .collect();
    assert_eq!(
        got,
        [
            ("prod-read", false),
            ("in-cfg-test-module", true),
            ("in-test-fn", true),
            ("in-cfg-not-test", false),
        ]
    );
}
