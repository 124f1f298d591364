//! `flagdebt sheet FLAG`: the exit review sheet on fixtures/sheet, committed to a git
//! repository the test builds (so ages and "added by" are fixed): a flag read by the three
//! consumer classes with disagreeing fallbacks, and a flag with provider state in two
//! environments.

mod common;

use std::path::Path;

use common::gitrepo::{commit, copy_dir, git};
use common::{flagdebt, repo};

/// fixtures/sheet committed by Ada on 2026-09-01; the worker's read rewritten by Bob on
/// 2026-11-01.
fn sheet_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sheet");
    copy_dir(&repo().join("fixtures/sheet"), &root);
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    commit(&root, "Ada", "2026-09-01", "routing v2");
    let js = root.join("worker/src/assign.js");
    let text = std::fs::read_to_string(&js).unwrap();
    std::fs::write(
        &js,
        text.replace(
            "const byConsequence = await",
            "const byConsequence = await /* v2 */",
        ),
    )
    .unwrap();
    git(&root, &["add", "-A"]);
    commit(&root, "Bob", "2026-11-01", "worker reads routing_v2 early");
    tmp
}

fn sheet(root: &Path, flag: &str, format: &str) -> (i32, String) {
    let out = flagdebt()
        .current_dir(root)
        .args([
            "sheet",
            flag,
            "--today",
            "2026-12-06",
            "--state",
            "state.json",
        ])
        .args(["--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn three_consumer_classes_with_disagreeing_defaults() {
    let tmp = sheet_repo();
    let root = tmp.path().join("sheet");
    let (code, md) = sheet(&root, "routing_v2", "markdown");
    assert_eq!(code, 0);
    assert!(md.contains("Do the consumers agree on the fallback? **no**: background: true; exception: false; primary: false"), "{md}");
    assert!(md.contains("- First seen in code: 2026-09-01 (96 days ago), added by Ada\n- Last change of its reads: 2026-11-01 by Bob"), "{md}");
    // What `flagdebt fix` would take: the test pinned off is left to a person.
    assert!(md.contains("## Removal with `flagdebt fix`\n\n`flagdebt fix routing_v2 --treated on` changes 4 files and leaves to a person:\n\n- tests/test_routing.py:4: test `test_routing_default_off` pins the flag off: delete it by hand\n"), "{md}");
    insta::assert_snapshot!("sheet_three_classes", md);
    let (_, json) = sheet(&root, "routing_v2", "json");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["consequence"], "state-machine");
    assert_eq!(doc["consumers_agree"], false);
    let classes: Vec<&String> = doc["consumers"].as_object().unwrap().keys().collect();
    assert_eq!(classes, ["background", "exception", "primary"]);
    assert_eq!(doc["consumers"]["background"][0]["default"], true);
    assert_eq!(doc["tests"][0]["path"], "tests/test_routing.py");
    assert_eq!(doc["history"]["added_by"], "Ada");
}

#[test]
fn provider_state_in_two_environments() {
    let tmp = sheet_repo();
    let root = tmp.path().join("sheet");
    let (code, md) = sheet(&root, "checkout_copy", "markdown");
    assert_eq!(code, 0);
    assert!(
        md.contains("| flagsmith | Development | fully on | \"Pay now\" |"),
        "{md}"
    );
    assert!(
        md.contains("| flagsmith | Production | partial | \"Buy now\" |"),
        "{md}"
    );
    // No registry owner: the provider's.
    assert!(
        md.contains("| Owner | pat@example.com (provider) |"),
        "{md}"
    );
    insta::assert_snapshot!("sheet_two_environments", md);
    let (_, json) = sheet(&root, "checkout_copy", "json");
    insta::assert_snapshot!("sheet_two_environments_json", json);
}

#[test]
fn unknown_flag_is_exit_1_with_the_question() {
    let tmp = sheet_repo();
    let root = tmp.path().join("sheet");
    let (code, md) = sheet(&root, "nope", "markdown");
    assert_eq!(code, 1);
    assert!(
        md.contains("- [ ] Nothing reads or declares `nope`"),
        "{md}"
    );
}

#[test]
fn without_git_the_age_is_unknown_and_an_open_question() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures/sheet"), tmp.path());
    let (code, md) = sheet(tmp.path(), "routing_v2", "markdown");
    assert_eq!(code, 0);
    assert!(
        md.contains("## Age and history\n\nunknown: the tree is not a git checkout\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "- [ ] How old is the flag? The tree is not a git checkout: its age is unknown."
        ),
        "{md}"
    );
}
