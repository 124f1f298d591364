//! `.pre-commit-hooks.yaml`: `pre-commit try-repo` (pre-commit from PyPI, installed by
//! scripts/test.sh) runs the hook on a temp repository's staged files and fails on a staged
//! unowned flag. The `flagdebt-system` hook is the one tried (the `flagdebt` hook is the same
//! entry with `language: rust`, which makes pre-commit build this repository in release mode).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{repo, write};

fn pre_commit() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("pre-commit"))
            .find(|p| p.is_file())
    });
    if found.is_none() && std::env::var("FLAGDEBT_SKIP_EXTERNAL").as_deref() == Ok("1") {
        eprintln!("FLAGDEBT_SKIP_EXTERNAL=1: not running pre-commit");
        return None;
    }
    Some(found.expect("pre-commit is missing: run scripts/test.sh, which installs it from PyPI"))
}

use common::gitrepo::git;

/// A git repository holding this repository's `.pre-commit-hooks.yaml`, committed (try-repo
/// reads the hook manifest from a commit).
fn hook_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join(".pre-commit-hooks.yaml"),
        dir.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(dir.path(), &["init", "-q", "."]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "hooks"]);
    dir
}

fn try_repo(tool: &Path, dir: &Path, home: &Path) -> (i32, String) {
    let hooks = hook_repo();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_flagdebt"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap()
    );
    let out = Command::new(tool)
        .args(["try-repo"])
        .arg(hooks.path())
        .args(["flagdebt-system", "--verbose", "--color", "never"])
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_hook_fails_on_a_staged_unowned_flag() {
    let Some(tool) = pre_commit() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "."]);
    write(
        d,
        "feature_flags.yaml",
        "search_v2:\n  owner: team-search\n  type: ops\n",
    );
    write(
        d,
        "app/search.py",
        "from app.flags import flags\n\n\ndef s():\n    return flags.is_on(\"search_v2\")\n",
    );
    write(
        d,
        "app/flags.py",
        "class F:\n    def is_on(self, k):\n        return False\n\n\nflags = F()\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    // A clean staged change passes.
    write(d, "app/search.py", "from app.flags import flags\n\n\ndef s():\n    # faster\n    return flags.is_on(\"search_v2\")\n");
    git(d, &["add", "app/search.py"]);
    let (code, text) = try_repo(&tool, d, home.path());
    assert_eq!(code, 0, "{text}");
    git(d, &["commit", "-qm", "comment"]);
    // A staged flag with no owner fails the hook, at the registry line.
    write(
        d,
        "feature_flags.yaml",
        "search_v2:\n  owner: team-search\n  type: ops\ngift_cards:\n  type: ops\n",
    );
    write(
        d,
        "app/gift.py",
        "from app.flags import flags\n\n\ndef g():\n    return flags.is_on(\"gift_cards\")\n",
    );
    git(d, &["add", "-A"]);
    let (code, text) = try_repo(&tool, d, home.path());
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("missing-owner"), "{text}");
    assert!(text.contains("flag `gift_cards` has no owner"), "{text}");
    assert!(!text.contains("unused-flag"), "a partial scan: {text}");
}
