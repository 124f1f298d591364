//! Golden tests on the bundled example, `fixtures/bookstore` ("today" = 2026-11-21): the
//! exact set of findings and the exit code, and the human output byte for byte (insta).
//!
//! The deliberate problems are listed in fixtures/README.md; the references behind the
//! code findings are fixtures/bookstore.expected-refs.tsv.

mod common;

use common::{flagdebt, repo};

const TODAY: &str = "2026-11-21";

/// (code, flag, path, line). `-` is a finding with no flag.
const EXPECTED: &[(&str, &str, &str, usize)] = &[
    // Raw FLAG_*/FEATURE_* environment reads, one per language.
    ("raw-env-flag", "maintenance_mode", "api/app/config.py", 32),
    ("raw-env-flag", "read_only_mode", "api/app/config.py", 34),
    (
        "raw-env-flag",
        "new_checkout",
        "api/app/routes/checkout.py",
        25,
    ),
    (
        "raw-env-flag",
        "catalog_cache_warmup",
        "catalog/internal/cache/warmup.go",
        32,
    ),
    (
        "raw-env-flag",
        "digest_emails",
        "mailer/lib/mailer/digest_job.rb",
        22,
    ),
    (
        "raw-env-flag",
        "smtp_failover",
        "mailer/lib/mailer/smtp_transport.rb",
        12,
    ),
    // Rust (tools/): needs the Rust extractor.
    ("raw-env-flag", "dry_run_imports", "tools/src/import.rs", 19),
    ("raw-env-flag", "dark_mode", "web/scripts/prerender.mjs", 18),
    (
        "raw-env-flag",
        "maintenance_mode",
        "web/src/server/render.ts",
        38,
    ),
    (
        "raw-env-flag",
        "reviews_widget",
        "web/src/server/render.ts",
        39,
    ),
    (
        "raw-env-flag",
        "reindex_nightly",
        "worker/src/main/java/com/bookstore/worker/jobs/ReindexJob.java",
        28,
    ),
    // Keys nobody can know statically (fixtures/bookstore.expected-dynamic.tsv).
    ("dynamic-flag-key", "-", "api/app/routes/promotions.py", 30),
    (
        "dynamic-flag-key",
        "-",
        "web/src/services/experiments.ts",
        13,
    ),
    // The registry problems of fixtures/README.md, in its order.
    (
        "undeclared-flag",
        "gift_wrapping",
        "worker/src/main/java/com/bookstore/worker/jobs/FulfillmentJob.java",
        73,
    ),
    // Only legacy_isbn_lookup is unused. bulk_order_import, dry_run_imports and
    // admin_price_override are read only in tools/ (Rust): without the Rust extractor they
    // would be reported unused too.
    (
        "unused-flag",
        "legacy_isbn_lookup",
        "feature_flags.yaml",
        132,
    ),
    (
        "missing-owner",
        "wishlist_sharing",
        "feature_flags.yaml",
        98,
    ),
    (
        "missing-removal-date",
        "bulk_order_import",
        "feature_flags.yaml",
        109,
    ),
    (
        "expired-flag",
        "holiday_promo_2025",
        "feature_flags.yaml",
        125,
    ),
    (
        "kill-switch-unsafe-default",
        "recommendations_enabled",
        "catalog/internal/recommend/recommend.go",
        33,
    ),
    (
        "default-mismatch",
        "free_shipping_banner",
        "mailer/lib/mailer/campaign_mailer.rb",
        30,
    ),
    (
        "default-mismatch",
        "free_shipping_banner",
        "web/src/services/banner.ts",
        46,
    ),
    (
        "unknown-dependency",
        "express_checkout",
        "feature_flags.yaml",
        34,
    ),
];

type Row = (String, String, String, usize);

fn rows(findings: &[serde_json::Value]) -> Vec<Row> {
    let mut v: Vec<Row> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["flag"].as_str().unwrap_or("-").to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn bookstore_findings_are_exact_and_exit_1() {
    let out = flagdebt()
        .current_dir(repo())
        .args([
            "scan",
            "--today",
            TODAY,
            "--format",
            "json",
            "fixtures/bookstore",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = rows(doc["findings"].as_array().unwrap());
    let mut want: Vec<Row> = EXPECTED
        .iter()
        .map(|(c, f, p, l)| (c.to_string(), f.to_string(), p.to_string(), *l))
        .collect();
    want.sort();
    let missing: Vec<_> = want.iter().filter(|r| !got.contains(r)).collect();
    let extra: Vec<_> = got.iter().filter(|r| !want.contains(r)).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && got.len() == want.len(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
    // The error/warning split follows the default severities.
    assert_eq!(doc["summary"]["findings"]["error"], 17);
    assert_eq!(doc["summary"]["findings"]["warning"], 5);
    assert_eq!(doc["summary"]["findings"]["info"], 0);
}

#[test]
fn bookstore_findings_do_not_depend_on_the_working_directory() {
    let from_root = flagdebt()
        .current_dir(repo())
        .args([
            "scan",
            "--today",
            TODAY,
            "--format",
            "json",
            "fixtures/bookstore",
        ])
        .output()
        .unwrap();
    let from_inside = flagdebt()
        .current_dir(repo().join("fixtures/bookstore"))
        .args(["scan", "--today", TODAY, "--format", "json", "."])
        .output()
        .unwrap();
    assert_eq!(from_inside.status.code(), Some(1));
    let a: serde_json::Value = serde_json::from_slice(&from_root.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&from_inside.stdout).unwrap();
    assert_eq!(a["findings"], b["findings"]);
}

#[test]
fn bookstore_human_output_snapshot() {
    let out = flagdebt()
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .args(["scan", "--no-color", "--today", TODAY, "fixtures/bookstore"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no ANSI escapes with --no-color");
    insta::assert_snapshot!(text);
}
