//! The differential check: reading files through the fast path and the parsed regions
//! (`src/scan/regions.rs`) gives the same references, declarations, notes and findings as
//! parsing every candidate file whole (`--whole-files`), on every fixture tree.

mod common;

use std::path::Path;

use common::{fixture_trees as trees, flagdebt};

/// `flagdebt ARGS DIR`'s exit code and JSON, with `summary.parsed` (the one number that
/// differs by design) left out.
fn run(args: &[&str], dir: &Path) -> (Option<i32>, serde_json::Value) {
    let out = flagdebt()
        .current_dir(dir)
        .args(args)
        .arg(".")
        .output()
        .unwrap();
    if out.status.code() == Some(2) {
        // A tree of several projects, or a fixture of a config or registry error.
        return (Some(2), serde_json::Value::Null);
    }
    let mut json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {args:?}: not JSON ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    if let Some(s) = json.get_mut("summary").and_then(|s| s.as_object_mut()) {
        s.remove("parsed");
    }
    (out.status.code(), json)
}

#[test]
fn regions_and_fast_path_agree_with_whole_file_parses_on_every_fixture_tree() {
    let trees = trees();
    assert!(trees.len() > 50, "fixture trees found: {}", trees.len());
    let mut compared = 0;
    for dir in &trees {
        // The scan report holds the references, the flags and the findings.
        for cmd in [&["scan", "--format", "json"][..]] {
            let (code, fast) = run(cmd, dir);
            if code == Some(2) {
                continue;
            }
            let whole_args: Vec<&str> = cmd.iter().copied().chain(["--whole-files"]).collect();
            let (whole_code, whole) = run(&whole_args, dir);
            assert_eq!(code, whole_code, "{}: {cmd:?}: exit code", dir.display());
            if fast != whole {
                let a = serde_json::to_string_pretty(&fast).unwrap();
                let b = serde_json::to_string_pretty(&whole).unwrap();
                let diff = similar::TextDiff::from_lines(&b, &a);
                panic!(
                    "{}: {cmd:?}: regions/fast path differ from whole-file parses:\n{}",
                    dir.display(),
                    diff.unified_diff().header("whole", "regions")
                );
            }
            compared += 1;
        }
    }
    assert!(compared > 50, "compared {compared} runs");
}

/// Inputs the extraction fuzzer (fuzz/fuzz_targets/extract.rs) found where the fast path and
/// the parser disagreed, each in tests/fuzz-regressions/extract/: read alike both ways (a
/// heredoc's text holds no call; `c x, 0` in Ruby arguments is `c(x, 0)`, so the call has no
/// third argument), and none aborts the scan (a quoted heredoc delimiter running over lines
/// past tree-sitter-ruby's 255 bytes is skipped with a note).
#[test]
fn fuzz_regressions_read_alike() {
    let dir = common::repo().join("tests/fuzz-regressions/extract");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let work = tempfile::tempdir().unwrap();
        std::fs::copy(&path, work.path().join(path.file_name().unwrap())).unwrap();
        let (code, fast) = run(&["refs", "--format", "json"], work.path());
        let (whole_code, whole) = run(&["refs", "--format", "json", "--whole-files"], work.path());
        assert_eq!((code, &fast), (whole_code, &whole), "{}", path.display());
        n += 1;
    }
    assert!(n > 0);
}
