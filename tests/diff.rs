//! `scan --diff REV` on git repositories the tests build: only what the change introduces.

mod common;

use std::path::Path;

use common::{flagdebt, write};

use common::gitrepo::git;

const REGISTRY: &str = "holiday_promo:\n  owner: team-growth\n  type: release\n  remove_by: 2026-01-31\nlegacy_banner:\n  type: ops\nsearch_v2:\n  owner: team-search\n  type: release\n  remove_by: 2027-06-30\n";

const MAIN: &str = "from app.flags import flags\n\n\ndef home():\n    if flags.is_on(\"holiday_promo\"):\n        return \"promo\"\n    return \"home\"\n\n\ndef banner():\n    return flags.is_on(\"legacy_banner\")\n\n\ndef search(q):\n    return flags.is_on(\"search_v2\") and q\n";

/// A repository whose `main` has existing debt: an expired flag and an unowned flag. A
/// branch `feature` is checked out, equal to main.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "."]);
    write(d, "feature_flags.yaml", REGISTRY);
    write(d, "app/main.py", MAIN);
    write(
        d,
        "app/flags.py",
        "class Flags:\n    def is_on(self, key):\n        return False\n\n\nflags = Flags()\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "feature"]);
    dir
}

fn diff_scan(d: &Path) -> (i32, serde_json::Value) {
    let out = flagdebt()
        .current_dir(d)
        .args([
            "scan",
            "--today",
            "2026-11-21",
            "--format",
            "json",
            "--diff",
            "main",
        ])
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), doc)
}

fn codes(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["flag"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn t(c: &str, f: &str, p: &str) -> (String, String, String) {
    (c.into(), f.into(), p.into())
}

#[test]
fn the_base_has_debt_and_a_whole_scan_reports_it() {
    let dir = repo();
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["scan", "--today", "2026-11-21", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = codes(&doc);
    assert!(
        got.contains(&t("expired-flag", "holiday_promo", "feature_flags.yaml")),
        "{got:?}"
    );
    assert!(
        got.contains(&t("missing-owner", "legacy_banner", "feature_flags.yaml")),
        "{got:?}"
    );
    // ...which the diff mode does not blame on an unrelated change.
    let (code, doc) = diff_scan(dir.path());
    assert_eq!((code, codes(&doc)), (0, vec![]));
}

#[test]
fn a_head_adding_an_unowned_flag_and_a_raw_read_gives_exactly_those_two() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "feature_flags.yaml",
        format!("{REGISTRY}new_checkout:\n  type: ops\n"),
    );
    write(
        d,
        "app/checkout.py",
        "import os\n\nfrom app.flags import flags\n\n\ndef pay():\n    if flags.is_on(\"new_checkout\"):\n        return 1\n    return os.environ.get(\"FLAG_SEARCH_V2\")\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "head"]);
    let (code, doc) = diff_scan(d);
    assert_eq!(
        codes(&doc),
        [
            t("raw-env-flag", "search_v2", "app/checkout.py"),
            t("missing-owner", "new_checkout", "feature_flags.yaml"),
        ]
    );
    assert_eq!(code, 1);
    let change = &doc["change"];
    assert_eq!(change["rev"], "main");
    assert_eq!(
        change["declared"],
        serde_json::json!([{"flag": "new_checkout"}])
    );
    assert_eq!(
        change["reads_added"],
        serde_json::json!([
            {"flag": "new_checkout", "path": "app/checkout.py", "count": 1},
            {"flag": "search_v2", "path": "app/checkout.py", "count": 1},
        ])
    );
    assert_eq!(change["unread"], serde_json::json!([]));
}

#[test]
fn a_head_that_only_moves_code_passes() {
    let dir = repo();
    let d = dir.path();
    // The functions in another order, and the registry entries too.
    let moved = "from app.flags import flags\n\n\ndef search(q):\n    return flags.is_on(\"search_v2\") and q\n\n\ndef banner():\n    return flags.is_on(\"legacy_banner\")\n\n\ndef home():\n    if flags.is_on(\"holiday_promo\"):\n        return \"promo\"\n    return \"home\"\n";
    write(d, "app/main.py", moved);
    let (a, b) = REGISTRY.split_at(REGISTRY.find("search_v2:").unwrap());
    write(d, "feature_flags.yaml", format!("{b}{a}"));
    git(d, &["commit", "-qam", "move"]);
    let (code, doc) = diff_scan(d);
    assert_eq!((code, codes(&doc)), (0, vec![]), "{doc:#}");
    assert_eq!(doc["change"]["reads_added"], serde_json::json!([]));
    assert_eq!(doc["change"]["reads_removed"], serde_json::json!([]));
}

#[test]
fn removing_the_last_read_of_a_flag_reports_it_removed() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "app/main.py",
        MAIN.replace(
            "    return flags.is_on(\"legacy_banner\")\n",
            "    return False\n",
        ),
    );
    // Uncommitted: the working tree is the head.
    let (code, doc) = diff_scan(d);
    assert_eq!(
        doc["change"]["unread"],
        serde_json::json!([{"flag": "legacy_banner"}])
    );
    assert_eq!(
        doc["change"]["reads_removed"],
        serde_json::json!([{"flag": "legacy_banner", "path": "app/main.py", "count": 1}])
    );
    // The flag is now unused: a new warning, not an error.
    assert_eq!(
        codes(&doc),
        [t("unused-flag", "legacy_banner", "feature_flags.yaml")]
    );
    assert_eq!(code, 0);
    // Human output names it.
    let out = flagdebt()
        .current_dir(d)
        .args(["scan", "--today", "2026-11-21", "--diff", "main"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("removed     legacy_banner: its last read is gone; delete its declaration"),
        "{text}"
    );
    // The working tree is untouched.
    assert!(std::fs::read_to_string(d.join("app/main.py"))
        .unwrap()
        .contains("return False"));
}

#[test]
fn an_expired_date_counts_only_for_a_flag_the_change_touches() {
    let dir = repo();
    let d = dir.path();
    // Touching the expired flag's read makes its date the change's business.
    write(
        d,
        "app/main.py",
        MAIN.replace("return \"promo\"", "return \"promo!\""),
    );
    let (code, doc) = diff_scan(d);
    assert_eq!(
        (code, codes(&doc)),
        (0, vec![]),
        "the finding is not new: base had it"
    );
    // A new flag whose date has already passed is new and touched.
    write(d, "feature_flags.yaml", format!("{REGISTRY}spring_sale:\n  owner: team-growth\n  type: release\n  remove_by: 2026-03-01\n"));
    let (code, doc) = diff_scan(d);
    assert_eq!(
        codes(&doc),
        [
            t("unused-flag", "spring_sale", "feature_flags.yaml"),
            t("expired-flag", "spring_sale", "feature_flags.yaml"),
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn a_bad_revision_is_one_line_exit_2() {
    let dir = repo();
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["scan", "--diff", "no-such-branch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--diff no-such-branch"), "{err}");
}

#[test]
fn a_partial_diff_scan_does_not_call_a_flag_read_elsewhere_removed() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "app/other.py",
        "from app.flags import flags\n\n\ndef o():\n    return flags.is_on(\"legacy_banner\")\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "a second read"]);
    git(d, &["branch", "-f", "main"]);
    write(
        d,
        "app/main.py",
        MAIN.replace(
            "    return flags.is_on(\"legacy_banner\")\n",
            "    return False\n",
        ),
    );
    let out = flagdebt()
        .current_dir(d)
        .args([
            "scan",
            "--today",
            "2026-11-21",
            "--format",
            "json",
            "--diff",
            "main",
            "app/main.py",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["change"]["reads_removed"],
        serde_json::json!([{"flag": "legacy_banner", "path": "app/main.py", "count": 1}])
    );
    assert_eq!(
        doc["change"]["unread"],
        serde_json::json!([]),
        "app/other.py still reads it"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn turning_checks_on_reports_existing_debt_except_dates_of_untouched_flags() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        ".flagdebt.yml",
        "severity:\n  expired-flag: off\n  missing-owner: off\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "checks off"]);
    git(d, &["branch", "-f", "main"]);
    // The change turns both checks on: the unowned flag is the change's business now; the
    // expired date of a flag the change does not touch is not.
    write(d, ".flagdebt.yml", "severity: {}\n");
    let (code, doc) = diff_scan(d);
    assert_eq!(
        codes(&doc),
        [t("missing-owner", "legacy_banner", "feature_flags.yaml")]
    );
    assert_eq!(code, 1);
}
