//! `flagdebt report` on fixtures/bookstore inside a git repository the test builds: commits at
//! set dates by set authors, a CODEOWNERS file, and a previous report for the trend. Markdown
//! and JSON are snapshots; ages, "added by", the CODEOWNERS fallback and the trend are also
//! asserted one by one.

mod common;

use std::path::Path;

use common::gitrepo::{bookstore_repo, commit, copy_dir, git};
use common::{flagdebt, repo, write};

fn report(dir: &Path, today: &str, format: &str, extra: &[&str]) -> String {
    let out = flagdebt()
        .current_dir(dir)
        .args(["report", "--today", today, "--format", format])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The previous report (2027-02-15), then a change: holiday_promo_2025 gets a later removal
/// date (its debt is gone by the next report).
fn with_previous(dir: &Path) -> std::path::PathBuf {
    let prev = report(dir, "2027-02-15", "json", &[]);
    let prev_path = dir.join("..").join(format!(
        "prev-{}.json",
        dir.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&prev_path, prev).unwrap();
    let reg = dir.join("feature_flags.yaml");
    let text = std::fs::read_to_string(&reg).unwrap();
    std::fs::write(
        &reg,
        text.replace("remove_by: 2026-01-31", "remove_by: 2027-12-31"),
    )
    .unwrap();
    git(dir, &["add", "-A"]);
    commit(dir, "Dee", "2027-03-01", "promo lives on");
    prev_path
}

fn redact_head(s: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(s).unwrap();
    let head = doc["git"]["head"].as_str().unwrap().to_string();
    assert_eq!(head.len(), 40);
    s.replace(&head, "[HEAD]")
}

#[test]
fn weekly_report_markdown_and_json() {
    let repo = bookstore_repo();
    let dir = &repo.root;
    let prev = with_previous(dir);
    let prev_arg = prev.to_string_lossy().to_string();
    let json = report(dir, "2027-04-20", "json", &["--previous", &prev_arg]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["report_version"], 1);
    assert_eq!(doc["git"]["available"], true);
    let flag = |k: &str| {
        doc["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == k)
            .unwrap_or_else(|| panic!("{k} not in the report"))
            .clone()
    };
    // Ages and "added by" from history: new_checkout first appears in Ada's API commit.
    let nc = flag("new_checkout");
    assert_eq!(nc["first_seen"], "2025-06-01");
    assert_eq!(nc["age_days"], 688);
    assert_eq!(nc["added_by"], "Ada");
    assert_eq!(nc["days_past_removal"], 110);
    // search_v2 is read in catalog, web and worker (Bob's), but an API log line names it
    // (Ada's): the first appearance in code wins.
    assert_eq!(flag("search_v2")["added_by"], "Ada");
    let pf = flag("priority_fulfillment");
    assert_eq!(
        (pf["added_by"].as_str(), pf["first_seen"].as_str()),
        (Some("Bob"), Some("2026-03-01"))
    );
    // The last change of digest_emails' lines is Cy's.
    let de = flag("digest_emails");
    assert_eq!(
        (de["last_change"].as_str(), de["last_change_by"].as_str()),
        (Some("2027-01-10"), Some("Cy"))
    );
    assert_eq!(de["first_seen"], "2026-03-01");
    // wishlist_sharing has no registry owner: CODEOWNERS of its reading files; it expires in
    // 10 days.
    let ws = flag("wishlist_sharing");
    assert_eq!(ws["owner"], "@org/api, @org/web-frontend");
    assert_eq!(ws["owner_source"], "codeowners");
    assert_eq!(ws["expires_in_days"], 10);
    assert_eq!(ws["reasons"], serde_json::json!([]));
    // The trend against 2027-02-15.
    let t = &doc["trend"];
    assert_eq!(t["since"], "2027-02-15");
    assert_eq!(t["debt_removed"], serde_json::json!(["holiday_promo_2025"]));
    assert!(t["new_debt"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("express_checkout")));
    assert_eq!(
        t["crossed_date"],
        serde_json::json!([
            "audiobook_previews",
            "campaign_templates_v2",
            "dark_mode",
            "express_checkout",
            "fulfillment_split_shipments",
            "loyalty_points"
        ])
    );
    insta::assert_snapshot!("report_json", redact_head(&json));
    let md = report(dir, "2027-04-20", "markdown", &["--previous", &prev_arg]);
    assert!(md.contains("| `new_checkout` | expired | 2026-12-31 (110 days ago) | 688 days (since 2025-06-01) | Ada |"), "{md}");
    insta::assert_snapshot!("report_markdown", md);
    let _ = std::fs::remove_file(prev);
}

#[test]
fn without_git_age_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures/bookstore"), dir.path());
    let md = report(dir.path(), "2027-04-20", "markdown", &[]);
    assert!(md.contains("Flag age is unknown: the scanned tree is not a git checkout."));
    assert!(
        md.contains("| `new_checkout` | expired | 2026-12-31 (110 days ago) | unknown | - | - |"),
        "{md}"
    );
    let json = report(dir.path(), "2027-04-20", "json", &[]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["git"]["available"], false);
    assert!(doc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f.get("age_days").is_none() && f.get("added_by").is_none()));
}

#[test]
fn bad_previous_report_is_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "prev.json",
        "{\"report_version\": 7, \"today\": \"2027-01-01\", \"flags\": []}",
    );
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["report", "--previous", "prev.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "flagdebt: error: prev.json: report_version 7 is not 1\n"
    );
}
