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

fn json_scan(dir: &std::path::Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = flagdebt()
        .current_dir(dir)
        .args(["scan", "--today", TODAY, "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (
        out.status.code().unwrap(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_partial_scan_gives_the_full_scans_findings_for_its_paths() {
    let (_, full, _) = json_scan(&repo(), &["fixtures/bookstore"]);
    let full = full["findings"].as_array().unwrap().clone();
    for (given, prefix) in [
        ("fixtures/bookstore/api/app/config.py", "api/app/config.py"),
        ("fixtures/bookstore/api/app", "api/app/"),
        (
            "fixtures/bookstore/web/src/server/render.ts",
            "web/src/server/render.ts",
        ),
        (
            "fixtures/bookstore/feature_flags.yaml",
            "feature_flags.yaml",
        ),
    ] {
        let (code, part, stderr) = json_scan(&repo(), &[given]);
        let want: Vec<&serde_json::Value> = full
            .iter()
            .filter(|f| f["path"].as_str().unwrap().starts_with(prefix))
            .filter(|f| f["code"] != "unused-flag")
            .collect();
        let got: Vec<&serde_json::Value> = part["findings"].as_array().unwrap().iter().collect();
        assert!(
            !want.is_empty(),
            "{given}: the full scan has findings there"
        );
        assert_eq!(got, want, "{given}");
        assert!(got.iter().all(|f| f["code"] != "unused-flag"), "{given}");
        let errors = want.iter().any(|f| f["severity"] == "error");
        assert_eq!(code, if errors { 1 } else { 0 }, "{given}");
        assert!(
            stderr.contains("unused-flag and unregistered-provider-flag ran only where the whole project was scanned"),
            "{given}: says so: {stderr}"
        );
        // Only the given paths' reads are listed.
        for r in part["references"].as_array().unwrap() {
            assert!(r["path"].as_str().unwrap().starts_with(prefix), "{r}");
        }
    }
    // From inside a folder of the project, with the path as written there.
    let (_, inside, _) = json_scan(&repo().join("fixtures/bookstore/api"), &["app"]);
    let (_, outside, _) = json_scan(&repo(), &["fixtures/bookstore/api/app"]);
    assert_eq!(inside["findings"], outside["findings"]);
}
