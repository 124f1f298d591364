//! `flagdebt fix`: fixture pairs and the bookstore example.
//!
//! Each case under fixtures/fix/<language>/<case>/ has a `before/` tree, the `after/` tree
//! `fix --write` must leave, and `args` (the flag and its value, then optionally `exit N`).
//! The dry run's diff and notes are insta snapshots; every source file of the result must
//! parse. `FLAGDEBT_BLESS_FIX=1` rewrites the `after/` trees from the current output.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{flagdebt, repo};
use flagdebt::lang::Language;

/// Every file under `root`, relative, `/`-separated, sorted.
fn files(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out.sort();
    out
}

fn cases() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for lang in fs::read_dir(repo().join("fixtures/fix")).unwrap() {
        let lang = lang.unwrap().path();
        if !lang.is_dir() {
            continue;
        }
        for case in fs::read_dir(&lang).unwrap() {
            let case = case.unwrap().path();
            if case.join("args").is_file() {
                out.push(case);
            }
        }
    }
    out.sort();
    out
}

fn parses(lang: Language, text: &str) -> bool {
    if lang == Language::Rust {
        return syn::parse_file(text).is_ok();
    }
    flagdebt::fix::simplify::parses(lang, text)
}

/// Every source file under `root` parses without errors (but those that did not before, under
/// `before`: they must be left as they were).
fn assert_parses(root: &Path, before: &Path, what: &str) {
    for rel in files(root) {
        let Some(lang) = Language::from_path(Path::new(&rel)) else {
            continue;
        };
        let text = fs::read_to_string(root.join(&rel)).unwrap();
        if let Ok(old) = fs::read_to_string(before.join(&rel)) {
            if !parses(lang, &old) {
                assert_eq!(text, old, "{what}: {rel} did not parse and was changed");
                continue;
            }
        }
        assert!(
            parses(lang, &text),
            "{what}: {rel} does not parse after the fix"
        );
    }
}

#[test]
fn fixture_pairs() {
    let bless = std::env::var_os("FLAGDEBT_BLESS_FIX").is_some();
    let cases = cases();
    assert!(cases.len() >= 10, "fixture cases missing: {}", cases.len());
    for case in cases {
        let name = format!(
            "{}_{}",
            case.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy(),
            case.file_name().unwrap().to_string_lossy()
        );
        let args_text = fs::read_to_string(case.join("args")).unwrap();
        let mut lines = args_text.lines();
        let args: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        let exit: i32 = lines
            .find_map(|l| l.strip_prefix("exit "))
            .map_or(0, |n| n.trim().parse().unwrap());

        let tmp = tempfile::tempdir().unwrap();
        common::copy_tree(&case.join("before"), tmp.path());
        let dry = flagdebt()
            .current_dir(tmp.path())
            .arg("fix")
            .args(&args)
            .output()
            .unwrap();
        let shown = format!(
            "{}--- notes (exit {})\n{}",
            String::from_utf8_lossy(&dry.stdout),
            dry.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&dry.stderr)
        );
        insta::assert_snapshot!(format!("fix_{name}"), shown);
        assert_eq!(dry.status.code(), Some(exit), "{name}: dry-run exit code");
        // The dry run wrote nothing.
        for rel in files(&case.join("before")) {
            assert_eq!(
                fs::read(tmp.path().join(&rel)).unwrap(),
                fs::read(case.join("before").join(&rel)).unwrap(),
                "{name}: --dry-run changed {rel}"
            );
        }

        let w = flagdebt()
            .current_dir(tmp.path())
            .arg("fix")
            .args(&args)
            .arg("--write")
            .output()
            .unwrap();
        assert_eq!(w.status.code(), Some(exit), "{name}: --write exit code");
        assert_parses(tmp.path(), &case.join("before"), &name);
        if bless {
            let _ = fs::remove_dir_all(case.join("after"));
            fs::create_dir_all(case.join("after")).unwrap();
            common::copy_tree(tmp.path(), &case.join("after"));
            continue;
        }
        let after = case.join("after");
        assert_eq!(files(tmp.path()), files(&after), "{name}: file set");
        for rel in files(&after) {
            assert_eq!(
                fs::read_to_string(tmp.path().join(&rel)).unwrap(),
                fs::read_to_string(after.join(&rel)).unwrap(),
                "{name}: {rel} differs from the golden after/ file"
            );
        }
        // A second run finds nothing left to do.
        let again = flagdebt()
            .current_dir(tmp.path())
            .arg("fix")
            .args(&args)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&again.stdout);
        assert!(
            !out.contains("@@"),
            "{name}: a second fix still changes files:\n{out}"
        );
    }
}

/// The bookstore example, one stale flag per language: `fix --write` on a copy, then the scan
/// reads the flag nowhere, the registry no longer declares it, and every file still parses.
#[test]
fn bookstore_one_flag_per_language() {
    let cases: &[(&str, &str, i32)] = &[
        ("express_checkout", "python", 0),
        ("audiobook_previews", "go", 0),
        ("dark_mode", "typescript+javascript", 0),
        ("priority_fulfillment", "java", 0),
        ("personalized_digest", "ruby", 0),
        ("search_v2", "go+typescript+java, a Go test pinned on", 0),
    ];
    for (flag, what, exit) in cases {
        let tmp = tempfile::tempdir().unwrap();
        common::copy_tree(&repo().join("fixtures/bookstore"), tmp.path());
        let dry = flagdebt()
            .current_dir(tmp.path())
            .args(["fix", flag, "--treated", "on"])
            .output()
            .unwrap();
        let shown = format!(
            "{}--- notes (exit {})\n{}",
            String::from_utf8_lossy(&dry.stdout),
            dry.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&dry.stderr)
        );
        insta::assert_snapshot!(format!("fix_bookstore_{flag}"), shown);
        let w = flagdebt()
            .current_dir(tmp.path())
            .args(["fix", flag, "--treated", "on", "--write"])
            .output()
            .unwrap();
        assert_eq!(w.status.code(), Some(*exit), "{flag} ({what})");
        assert_parses(tmp.path(), &repo().join("fixtures/bookstore"), flag);
        let scan = flagdebt()
            .current_dir(tmp.path())
            .args(["scan", "--offline", "--format", "json"])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
        let reads: Vec<&serde_json::Value> = json["references"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["flag"] == *flag)
            .collect();
        assert!(reads.is_empty(), "{flag}: reads left after fix: {reads:?}");
        assert!(
            json["flags"].get(flag).is_none()
                && !json["flags"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|f| f["key"] == *flag)),
            "{flag}: still declared"
        );
        assert_eq!(json["parse_errors"], serde_json::json!([]), "{flag}");
    }
}

/// What fix leaves for the user: a test pinning the other value is named, not edited (exit 1);
/// Rust reads are listed, not touched.
#[test]
fn bookstore_left_for_the_user() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("fixtures/bookstore"), tmp.path());
    let test_file = "api/tests/test_checkout.py";
    let before = fs::read_to_string(tmp.path().join(test_file)).unwrap();
    let w = flagdebt()
        .current_dir(tmp.path())
        .args(["fix", "new_checkout", "--treated", "on", "--write"])
        .output()
        .unwrap();
    assert_eq!(w.status.code(), Some(1));
    let err = String::from_utf8_lossy(&w.stderr);
    assert!(
        err.contains("api/tests/test_checkout.py:17: test `test_legacy_checkout_when_flag_off` pins `new_checkout` to the other value: delete it"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join(test_file)).unwrap(),
        before
    );
    assert_parses(
        tmp.path(),
        &repo().join("fixtures/bookstore"),
        "new_checkout",
    );

    let rust = flagdebt()
        .current_dir(tmp.path())
        .args(["fix", "bulk_order_import", "--treated", "on"])
        .output()
        .unwrap();
    assert_eq!(rust.status.code(), Some(1));
    let err = String::from_utf8_lossy(&rust.stderr);
    assert!(
        err.contains("tools/src/import.rs:26: not fixed: rust is not rewritten by fix"),
        "{err}"
    );

    let unknown = flagdebt()
        .current_dir(tmp.path())
        .args(["fix", "no_such_flag", "--treated", "on"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

/// `fix::plan`: which flags `fix` can remove entirely (for `report` and `sheet`).
#[test]
fn plan_says_which_flags_fix_removes_entirely() {
    use clap::Parser as _;
    let root = repo().join("fixtures/bookstore");
    let cli = flagdebt::cli::Cli::try_parse_from(["flagdebt", "refs", "--quiet"]).unwrap();
    let offline = flagdebt::cli::ProviderArgs {
        offline: true,
        ..Default::default()
    };
    let a = flagdebt::cli::analyze(&cli, std::slice::from_ref(&root), &offline).unwrap();
    let files = files(&root);
    let env = a.cfg.env_settings();
    let plan = |flag: &str| flagdebt::fix::plan(&root, &files, &a.inventory, &env, flag);

    let p = plan("express_checkout");
    assert!(p.removable_entirely, "{p:?}");
    assert_eq!(p.files, 3, "{p:?}"); // the route, the key constant, the registry

    let p = plan("new_checkout");
    assert!(!p.removable_entirely);
    assert_eq!(
        p.blockers,
        ["api/tests/test_checkout.py:17: test `test_legacy_checkout_when_flag_off` pins the flag off: delete it by hand"]
    );

    let p = plan("bulk_order_import");
    assert!(!p.removable_entirely);
    assert!(
        p.blockers
            .iter()
            .all(|b| b.contains("rust is not rewritten")),
        "{p:?}"
    );
}
