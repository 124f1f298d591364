//! The command line as a user meets it: exit codes 0 / 1 / 2, one-line errors naming the file
//! and line, config discovery, `--quiet`, color, and hostile YAML through the CLI.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{flagdebt, write};

/// A generous safety net for "fails fast": the measured times are printed (`--nocapture`).
const BOUND: Duration = Duration::from_secs(5);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let out = flagdebt().current_dir(dir).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// Exit 2 and exactly one stderr line, `flagdebt: error: ...`; returns that line.
fn one_line_error(r: &Run) -> String {
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one stderr line, got: {:?}", r.stderr);
    assert!(lines[0].starts_with("flagdebt: error: "), "{:?}", lines[0]);
    assert!(r.stdout.is_empty(), "nothing on stdout: {:?}", r.stdout);
    lines[0].to_string()
}

/// The error names line `line` of the file, as `FILE:LINE:` or `line LINE`.
fn names_line(msg: &str, file: &str, line: usize) -> bool {
    msg.contains(file)
        && (msg.contains(&format!("{file}:{line}:")) || msg.contains(&format!("line {line} ")))
}

/// A repository with one error finding (a raw env read) and one warning (a dynamic key).
fn repo_with_findings() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/main.py",
        "import os\nfrom app.flags import flags\n\n\ndef handler(name):\n    if os.environ.get(\"FLAG_NEW_CHECKOUT\"):\n        return flags.is_on(f\"exp_{name}\")\n    return None\n",
    );
    dir
}

#[test]
fn exit_0_without_findings_at_error_level() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/main.py",
        "from app.flags import flags\n\n\ndef f(name):\n    return flags.is_on(f\"exp_{name}\")\n",
    );
    let r = run(dir.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["summary"]["findings"]["warning"], 1, "a warning alone");
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(run(empty.path(), &["scan", "."]).code, 0);
}

#[test]
fn exit_1_with_a_finding_at_error_level_and_0_when_it_is_not_selected() {
    let dir = repo_with_findings();
    assert_eq!(run(dir.path(), &["scan", "."]).code, 1);
    assert_eq!(
        run(dir.path(), &["scan", "--ignore", "raw-env-flag", "."]).code,
        0
    );
    assert_eq!(
        run(dir.path(), &["scan", "--select", "raw-env-flag", "."]).code,
        1
    );
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let dir = repo_with_findings();
    let e = one_line_error(&run(dir.path(), &["scan", "--select", "raw-env-flg", "."]));
    assert!(e.contains("`raw-env-flg`"), "{e}");
    let e = one_line_error(&run(dir.path(), &["scan", "--ignore", "nope", "."]));
    assert!(e.contains("`nope`"), "{e}");
    for bad in ["2026-13-01", "2026-02-30", "tomorrow", "21/11/2026", ""] {
        let e = one_line_error(&run(dir.path(), &["scan", "--today", bad, "."]));
        assert!(e.contains("--today"), "{e}");
    }
    let e = one_line_error(&run(dir.path(), &["scan", "no/such/dir"]));
    assert!(e.contains("no/such/dir"), "{e}");
    let e = one_line_error(&run(dir.path(), &["explain", "no-such-check"]));
    assert!(e.contains("`no-such-check`"), "{e}");
    // clap's own usage errors are exit 2 as well.
    assert_eq!(run(dir.path(), &["scan", "--no-such-option"]).code, 2);
    assert_eq!(run(dir.path(), &["no-such-command"]).code, 2);
}

#[test]
fn config_yaml_syntax_error_names_file_and_line() {
    let dir = repo_with_findings();
    write(
        dir.path(),
        ".flagdebt.yml",
        "exclude: [legacy/]\nrules: [a\nhelpers: []\n",
    );
    let e = one_line_error(&run(dir.path(), &["scan", "."]));
    assert!(e.contains(".flagdebt.yml"), "{e}");
    assert!(
        (2..=3).any(|l| names_line(&e, ".flagdebt.yml", l)),
        "names the line: {e}"
    );
}

#[test]
fn config_unknown_field_names_file_line_and_field() {
    let dir = repo_with_findings();
    write(
        dir.path(),
        ".flagdebt.yml",
        "exclude: []\nseverity: {raw-env-flag: warning}\nseverty: {dynamic-flag-key: off}\n",
    );
    let e = one_line_error(&run(dir.path(), &["scan", "."]));
    assert!(names_line(&e, ".flagdebt.yml", 3), "{e}");
    assert!(e.contains("`severty`"), "{e}");
    // Nested sections are strict too.
    write(
        dir.path(),
        ".flagdebt.yml",
        "env:\n  prefixes: [FLAG_]\n  transform: none\n",
    );
    let e = one_line_error(&run(dir.path(), &["scan", "."]));
    assert!(names_line(&e, ".flagdebt.yml", 3), "{e}");
    assert!(e.contains("`transform`"), "{e}");
    // A value of the wrong kind.
    write(
        dir.path(),
        ".flagdebt.yml",
        "exclude: []\nmax_file_size: big\n",
    );
    let e = one_line_error(&run(dir.path(), &["scan", "."]));
    assert!(names_line(&e, ".flagdebt.yml", 2), "{e}");
}

#[test]
fn config_named_with_config_flag_that_is_missing_is_exit_2() {
    let dir = repo_with_findings();
    let e = one_line_error(&run(dir.path(), &["scan", "--config", "nope.yml", "."]));
    assert!(e.contains("nope.yml"), "{e}");
}

#[test]
fn malformed_registry_names_file_and_line() {
    let dir = repo_with_findings();
    write(
        dir.path(),
        "feature_flags.yaml",
        "new_checkout:\n  owner: team-checkout\n  type: [release\n",
    );
    let e = one_line_error(&run(dir.path(), &["scan", "."]));
    assert!(names_line(&e, "feature_flags.yaml", 3), "{e}");
    // Not a map of flag key to fields.
    write(
        dir.path(),
        "feature_flags.yaml",
        "- new_checkout\n- search_v2\n",
    );
    let e = one_line_error(&run(dir.path(), &["scan", "."]));
    assert!(e.contains("feature_flags.yaml"), "{e}");
    // A registry in a subfolder keeps its folder in the message.
    std::fs::remove_file(dir.path().join("feature_flags.yaml")).unwrap();
    write(
        dir.path(),
        "config/feature_flags.yml",
        "a:\n  owner: x\n b: 1\n",
    );
    let e = one_line_error(&run(dir.path(), &["scan", "."]));
    assert!(e.contains("config/feature_flags.yml:"), "{e}");
}

#[test]
fn config_is_discovered_upward_from_the_working_directory() {
    let dir = repo_with_findings();
    std::fs::create_dir_all(dir.path().join("app/sub")).unwrap();
    // Only a discovered config can turn the raw env read into a warning (exit 0).
    write(
        dir.path(),
        ".flagdebt.yml",
        "severity: {raw-env-flag: warning}\n",
    );
    let r = run(
        &dir.path().join("app/sub"),
        &["scan", "--format", "json", "../.."],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let sev: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sev, ["warning", "warning"]);
    // `--config` wins over discovery.
    write(
        dir.path(),
        "other.yml",
        "severity: {dynamic-flag-key: error}\n",
    );
    let r = run(
        &dir.path().join("app/sub"),
        &["scan", "--config", "../../other.yml", "../.."],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // A broken config found upward is reported with its path.
    write(dir.path(), ".flagdebt.yml", "severity: [\n");
    let e = one_line_error(&run(&dir.path().join("app/sub"), &["scan", "../.."]));
    assert!(e.contains(".flagdebt.yml"), "{e}");
}

#[test]
fn quiet_prints_only_findings() {
    let dir = repo_with_findings();
    // A skipped file makes a note on stderr, and the human output ends with a summary line.
    write(dir.path(), "app/blob.py", b"\x00\x01\x02binary".as_slice());
    let loud = run(dir.path(), &["scan", "."]);
    assert_eq!(loud.code, 1);
    assert!(
        loud.stderr.contains("note: skipped app/blob.py"),
        "{}",
        loud.stderr
    );
    assert!(loud.stdout.contains("Found 2 findings"), "{}", loud.stdout);
    let quiet = run(dir.path(), &["scan", "--quiet", "."]);
    assert_eq!(quiet.code, 1, "the exit code does not change");
    assert_eq!(quiet.stderr, "", "no notes");
    let without_summary: String = loud
        .stdout
        .lines()
        .filter(|l| !l.starts_with("Found "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(quiet.stdout, without_summary);
    assert!(quiet.stdout.contains("raw-env-flag") && quiet.stdout.contains("dynamic-flag-key"));
    // Nothing at all when there is nothing to report.
    let clean = tempfile::tempdir().unwrap();
    let r = run(clean.path(), &["scan", "--quiet", "."]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
}

#[test]
fn no_ansi_escapes_without_a_tty_or_with_no_color() {
    let dir = repo_with_findings();
    let cases: [(&[&str], Option<&str>); 3] = [
        (&["scan", "."], None),
        (&["scan", "."], Some("1")),
        (&["scan", "--no-color", "."], None),
    ];
    for (args, no_color) in cases {
        let mut cmd = flagdebt();
        cmd.current_dir(dir.path())
            .args(args)
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(!out.stdout.is_empty());
        assert!(
            !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
            "ANSI escape with {args:?} NO_COLOR={no_color:?}"
        );
    }
}

fn billion_laughs(prefix: &str, indent: &str) -> String {
    let mut text = format!(
        "{prefix}{indent}a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{indent}{next}: &{next} [{refs}]\n"));
    }
    text
}

/// Exit 2, one line naming `file`, within the bound.
fn hostile(name: &str, file: &str, body: &[u8]) -> String {
    let dir = repo_with_findings();
    write(dir.path(), file, body);
    let r = run(dir.path(), &["scan", "."]);
    eprintln!("hostile[{name}]: {:?}", r.elapsed);
    assert!(r.elapsed < BOUND, "{name} took {:?}", r.elapsed);
    let e = one_line_error(&r);
    assert!(e.contains(file), "{name}: {e}");
    e
}

#[test]
fn hostile_registry_billion_laughs() {
    let e = hostile(
        "registry billion laughs",
        "feature_flags.yaml",
        billion_laughs("", "").as_bytes(),
    );
    assert!(e.contains("too large or too deeply nested"), "{e}");
}

#[test]
fn hostile_registry_deep_nesting() {
    let body = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let e = hostile(
        "registry deep nesting",
        "feature_flags.yaml",
        body.as_bytes(),
    );
    assert!(e.contains("too deeply nested"), "{e}");
}

#[test]
fn hostile_registry_duplicate_keys() {
    let e = hostile(
        "registry duplicate keys",
        "feature_flags.yaml",
        b"new_checkout:\n  owner: a\nsearch_v2:\n  owner: b\nnew_checkout:\n  owner: c\n",
    );
    assert!(names_line(&e, "feature_flags.yaml", 5), "{e}");
    assert!(e.contains("new_checkout"), "{e}");
}

#[test]
fn hostile_registry_of_100_mb() {
    let dir = repo_with_findings();
    let f = std::fs::File::create(dir.path().join("feature_flags.yaml")).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    drop(f);
    let r = run(dir.path(), &["scan", "."]);
    eprintln!("hostile[registry 100 MB]: {:?}", r.elapsed);
    assert!(r.elapsed < BOUND, "took {:?}", r.elapsed);
    let e = one_line_error(&r);
    assert!(e.contains("feature_flags.yaml"), "{e}");
}

#[test]
fn hostile_config_billion_laughs() {
    // Anchors inside a field that accepts any YAML value.
    let e = hostile(
        "config billion laughs",
        ".flagdebt.yml",
        billion_laughs("providers:\n", "  - ").as_bytes(),
    );
    assert!(e.contains(".flagdebt.yml"), "{e}");
}

#[test]
fn hostile_config_deep_nesting_and_duplicate_keys() {
    let body = format!(
        "providers:\n  - {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    hostile("config deep nesting", ".flagdebt.yml", body.as_bytes());
    let e = hostile(
        "config duplicate keys",
        ".flagdebt.yml",
        b"severity: {raw-env-flag: warning}\nexclude: []\nseverity: {raw-env-flag: error}\n",
    );
    assert!(names_line(&e, ".flagdebt.yml", 3), "{e}");
}

/// One listing of the tree serves the scan and registry discovery: `.openfeature/` holds a
/// registry but no code to scan, and the config's excludes leave a registry out as they leave
/// out code.
#[test]
fn registries_and_code_come_from_the_same_listing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".openfeature/flags.json",
        r#"{"$schema": "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json",
  "flags": {"of-flag": {"flagType": "boolean", "defaultValue": true}}}"#,
    );
    write(
        root,
        ".openfeature/hook.py",
        "flags.is_on(\"hidden_read\")\n",
    );
    write(
        root,
        "app/main.py",
        "flags.is_on(\"of-flag\")\nflags.is_on(\"missing\")\nflags.is_on(\"legacy_flag\")\n",
    );
    write(
        root,
        "legacy/feature_flags.yaml",
        "legacy_flag:\n  owner: team-a\n",
    );
    write(root, "legacy/old.py", "flags.is_on(\"legacy_read\")\n");
    write(root, ".flagdebt.yml", "exclude: [legacy]\n");
    let r = run(root, &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let refs: Vec<&str> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["flag"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["of-flag", "missing", "legacy_flag"]);
    let undeclared: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "undeclared-flag")
        .map(|f| f["flag"].as_str().unwrap())
        .collect();
    assert_eq!(undeclared, ["missing", "legacy_flag"]);
}
