//! `--threads N`: the output does not depend on the number of workers, and N must be a
//! positive whole number (else a usage error, exit 2).

mod common;

use std::path::Path;

use common::{fixture_trees as trees, flagdebt, repo};

/// Exit code, stdout and stderr of `flagdebt ARGS .` in `dir`.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out = flagdebt()
        .current_dir(dir)
        .args(args)
        .arg(".")
        .output()
        .unwrap();
    (out.status.code(), out.stdout, out.stderr)
}

#[test]
fn one_and_two_threads_give_byte_identical_output_on_every_fixture_tree() {
    let mut compared = 0;
    for dir in trees() {
        for cmd in [
            &["refs", "--format", "json"][..],
            &[
                "scan",
                "--format",
                "json",
                "--offline",
                "--today",
                "2025-06-01",
            ][..],
        ] {
            let one = run(&dir, &[cmd, &["--threads", "1"]].concat());
            let two = run(&dir, &[cmd, &["--threads", "2"]].concat());
            let shown = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            assert_eq!(one.0, two.0, "{}: {cmd:?}: exit codes", dir.display());
            assert!(
                one.1 == two.1,
                "{}: {cmd:?}: stdout differs\n--threads 1:\n{}\n--threads 2:\n{}",
                dir.display(),
                shown(&one.1),
                shown(&two.1)
            );
            assert!(
                one.2 == two.2,
                "{}: {cmd:?}: stderr differs\n--threads 1:\n{}\n--threads 2:\n{}",
                dir.display(),
                shown(&one.2),
                shown(&two.2)
            );
            if one.0 != Some(2) {
                compared += 1;
            }
        }
    }
    assert!(compared > 20, "only {compared} runs compared");
}

#[test]
fn zero_or_junk_threads_are_a_usage_error() {
    let dir = repo().join("fixtures/bookstore");
    for bad in ["0", "-1", "two", "", "1.5"] {
        let arg = format!("--threads={bad}");
        let (code, stdout, stderr) = run(&dir, &["refs", &arg]);
        assert_eq!(code, Some(2), "--threads {bad:?}");
        assert!(stdout.is_empty(), "--threads {bad:?}: nothing on stdout");
        let stderr = String::from_utf8_lossy(&stderr);
        assert!(stderr.contains("--threads"), "--threads {bad:?}: {stderr}");
    }
    // A global option: after the subcommand or before it.
    let out = flagdebt()
        .current_dir(&dir)
        .args(["--threads", "1", "refs", "--format", "json", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
