//! No input aborts a scan: each case here once killed the process (stack overflow, a C
//! assertion in a grammar's scanner) or ran for minutes. Each asserts the exit code, the
//! note the user sees, and a generous time bound (the point is that it ends).

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

fn flagdebt() -> Command {
    let mut c = Command::cargo_bin("flagdebt").unwrap();
    c.env("NO_COLOR", "1").env_remove("FLAGDEBT_CONFIG");
    c
}

fn write(root: &Path, rel: &str, body: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, body).unwrap();
}

struct Run {
    json: Value,
    stderr: String,
    code: i32,
    took: Duration,
}

fn refs(root: &Path) -> Run {
    refs_with(root, &[])
}

fn refs_with(root: &Path, env: &[(&str, &str)]) -> Run {
    let start = Instant::now();
    let out = flagdebt()
        .envs(env.iter().copied())
        .args(["refs", "--format", "json"])
        .arg(root)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json output ({e}); code {:?}; stderr {stderr}", out.status));
    Run {
        json,
        stderr,
        code: out.status.code().unwrap_or(-1),
        took,
    }
}

fn flags(v: &Value) -> Vec<String> {
    v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["flag"].as_str().unwrap().to_string())
        .collect()
}

fn skip_reason(v: &Value, path: &str) -> Option<String> {
    v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == path)
        .map(|s| s["reason"].as_str().unwrap().to_string())
}

/// Item 1: a key that is a member chain of 20,000 links, in every tree-sitter language.
/// The adapters' walks of member chains recursed once per link (exit 134).
#[test]
fn long_member_chain_keys_do_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let chain = format!("x{}", ".x".repeat(20_000));
    write(
        root,
        "a.js",
        format!("unleash.isEnabled({chain})\nunleash.isEnabled(\"js_ok\")\n"),
    );
    write(
        root,
        "a.ts",
        format!("unleash.isEnabled({chain})\nunleash.isEnabled(\"ts_ok\")\n"),
    );
    write(
        root,
        "a.py",
        format!("flags.is_on({chain})\nflags.is_on(\"py_ok\")\n"),
    );
    write(
        root,
        "a.go",
        format!(
            "package a\nfunc f() {{ unleash.IsEnabled({chain}); unleash.IsEnabled(\"go_ok\") }}\n"
        ),
    );
    write(
        root,
        "A.java",
        format!("class A {{ void f() {{ unleash.isEnabled({chain}); unleash.isEnabled(\"java_ok\"); }} }}\n"),
    );
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = flags(&r.json);
    for ok in ["js_ok", "ts_ok", "py_ok", "go_ok", "java_ok"] {
        assert!(f.contains(&ok.to_string()), "{ok}: {f:?}");
    }
    assert!(r.took < Duration::from_secs(240), "took {:?}", r.took);
}

/// Item 2: a 256 KB line of member links; every link's receiver was normalised in full
/// (quadratic: 18 s in a release build).
#[test]
fn long_member_chain_line_is_linear() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let line = format!("const y = process.env.FLAG_A{}\n", ".x".repeat(128 * 1024));
    write(
        root,
        "a.js",
        format!("{line}unleash.isEnabled(\"after\")\n"),
    );
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(flags(&r.json).contains(&"after".to_string()));
    assert!(r.took < Duration::from_secs(60), "took {:?}", r.took);
}

/// Item 3: inputs that trip C assertions in tree-sitter-ruby's and tree-sitter-python's
/// scanners (the process aborted) are kept from the parser, with a note.
#[test]
fn scanner_assertion_inputs_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let w = "A".repeat(300);
    write(
        root,
        "heredoc.rb",
        format!("unleash.is_enabled?(k + \"x\")\nx = <<~{w}\nhello\n{w}\n"),
    );
    let mut py = String::from("flags.is_on(k + \"x\")\ndef f():\n");
    for i in 1..600 {
        py.push_str(&" ".repeat(i));
        py.push_str("if x:\n");
    }
    py.push_str(&" ".repeat(600));
    py.push_str("y = \"abc\"\n");
    write(root, "deep.py", py);
    write(root, "ok.py", "flags.is_on(\"still_read\")\n");
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(flags(&r.json).contains(&"still_read".to_string()));
    assert!(skip_reason(&r.json, "heredoc.rb")
        .unwrap()
        .contains("heredoc delimiter of 300 characters at line 2"));
    assert!(skip_reason(&r.json, "deep.py")
        .unwrap()
        .contains("nested indentation levels"));
    assert!(
        r.stderr
            .contains("note: skipped heredoc.rb: a heredoc delimiter"),
        "{}",
        r.stderr
    );
    assert!(r.took < Duration::from_secs(60), "took {:?}", r.took);
}

/// Item 4: deep nesting recurses in tree-sitter's own parser; workers have a large stack.
#[test]
fn deep_parentheses_parse_on_a_large_stack() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let open = "(".repeat(30_000);
    write(
        root,
        "a.go",
        format!("package a\nfunc f() {{ unleash.IsEnabled(k + \"x\"); g{open}\n}}\n"),
    );
    write(
        root,
        "a.js",
        format!("unleash.isEnabled(k + \"x\"); g{open}\n"),
    );
    write(root, "a.py", format!("flags.is_on(k + \"x\")\ng{open}\n"));
    write(
        root,
        "b.go",
        "package a\nfunc g() { unleash.IsEnabled(\"ok\") }\n",
    );
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(flags(&r.json).contains(&"ok".to_string()));
    assert!(r.took < Duration::from_secs(120), "took {:?}", r.took);
}

/// Item 5: a file whose parse runs over its time budget is skipped with the reason; the
/// rest of the scan goes on.
#[test]
fn slow_parse_is_cancelled_and_noted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let body = "\"\"\"\"\n".repeat(380_000);
    write(
        root,
        "slow.go",
        format!("package a\nfunc f() {{ unleash.IsEnabled(k + \"x\") }}\n{body}"),
    );
    write(
        root,
        "ok.go",
        "package a\nfunc g() { unleash.IsEnabled(\"ok\") }\n",
    );
    let r = refs_with(root, &[("FLAGDEBT_PARSE_BUDGET_MS", "1000")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(flags(&r.json).contains(&"ok".to_string()));
    let why = skip_reason(&r.json, "slow.go").expect("slow.go skipped");
    assert!(
        why.starts_with("parsing took longer than its budget of "),
        "{why}"
    );
    assert!(
        r.stderr
            .contains("note: skipped slow.go: parsing took longer"),
        "{}",
        r.stderr
    );
    assert!(r.took < Duration::from_secs(120), "took {:?}", r.took);
}

/// Item 11: Rust reads nested deeper than the recursion guard are not read; the file gets
/// a note instead of silence.
#[test]
fn deep_rust_nesting_is_noted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 3000;
    write(
        root,
        "src/deep.rs",
        format!(
            "fn main() {{\n    if x {{ {} flags.is_on(\"deep\"); {} }}\n}}\nfn g() {{ flags.is_on(\"shallow\"); }}\n",
            "{".repeat(n),
            "}".repeat(n)
        ),
    );
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let notes = r.json["parse_errors"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["path"] == "src/deep.rs"
            && n["reason"]
                .as_str()
                .unwrap()
                .contains("code nested deeper than 48 brackets was not read")),
        "{notes:?}"
    );
    assert!(
        r.stderr.contains("note: src/deep.rs: code nested deeper"),
        "{}",
        r.stderr
    );
    assert!(r.took < Duration::from_secs(60), "took {:?}", r.took);
}

/// Items 7 and 8: text from the scanned tree (paths, keys, expressions) never starts a line
/// of human output nor reaches the terminal as a control sequence; Markdown escapes what
/// GitHub renders as markup; long expressions are cut in messages.
#[test]
fn output_escapes_text_from_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "app/x\n::set-env name=A::b\x1b[31m.js",
        "unleash.isEnabled(k +\n\"::set-env name=X::y\")\n",
    );
    write(
        root,
        "app/md.js",
        format!(
            "unleash.isEnabled(k + \"` [link](http://evil) @team <img src=x>\\r\")\nunleash.isEnabled(k + \"{}\")\n",
            "z".repeat(5000)
        ),
    );
    let start = Instant::now();
    for format in ["human", "markdown"] {
        let out = flagdebt()
            .args(["scan", "--format", format])
            .arg(root)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for l in stdout.lines().chain(stderr.lines()) {
            assert!(
                !l.starts_with("::"),
                "{format}: a line starts with `::`: {l:?}"
            );
        }
        assert!(
            !stdout.contains('\x1b') && !stderr.contains('\x1b'),
            "{format}: raw ESC"
        );
        // The message quotes a cut expression (the snippet shows the source line itself).
        let messages: Vec<&str> = stdout
            .lines()
            .filter(|l| l.contains("cannot be known statically"))
            .collect();
        assert_eq!(messages.len(), 3, "{stdout}");
        assert!(
            messages.iter().all(|m| !m.contains(&"z".repeat(200))),
            "{format}: expression not cut"
        );
        if format == "human" {
            assert!(
                stdout.contains("x\\n::set-env name=A::b\\x1b[31m.js"),
                "{stdout}"
            );
            assert!(stdout.contains("k +\\n\"::set-env name=X::y\""), "{stdout}");
        } else {
            // The key's backtick cannot open a live span: brackets, `<` and `@` are escaped
            // outside code spans; CR is shown, not kept.
            assert!(
                stdout.contains("\\[link\\](http://evil) @\u{200b}team \\<img src=x\\>\\\\r"),
                "{stdout}"
            );
            assert!(!stdout.contains('\r'));
            for row in stdout.lines().filter(|l| l.starts_with("| warning")) {
                assert_eq!(row.matches(" | ").count(), 4, "a cell broke the row: {row}");
            }
        }
    }
    assert!(start.elapsed() < Duration::from_secs(120));
}

/// Item 10: string escapes are decoded as each language does (they gave `hexx41`).
#[test]
fn python_and_ruby_escapes_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "a.py",
        "flags.is_on(\"py_hex\\x41\")\nflags.is_on(\"py_uni\\u0041\")\nflags.is_on(\"py_big\\U00000041\")\nflags.is_on(\"py_oct\\101\")\nflags.is_on(\"py_keep\\d\")\nflags.is_on(r\"py_raw\\x41\")\nflags.is_on(\"py_named\\N{DASH}\")\n",
    );
    write(
        root,
        "a.rb",
        "flags.on?(\"rb_hex\\x41\")\nflags.on?(\"rb_uni\\u0041\")\nflags.on?(\"rb_oct\\101\")\nflags.on?(\"rb_d\\d\")\nflags.on?(\"rb_u\\u{41 42}\")\nflags.on?('rb_sq\\x41')\nflags.on?(:\"rb_sym\\x41\")\n",
    );
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut f = flags(&r.json);
    f.sort();
    assert_eq!(
        f,
        [
            "py_bigA",
            "py_hexA",
            "py_keep\\d",
            "py_octA",
            "py_raw\\x41",
            "py_uniA",
            "rb_dd",
            "rb_hexA",
            "rb_octA",
            "rb_sq\\x41",
            "rb_symA",
            "rb_uAB",
            "rb_uniA"
        ]
    );
    // `\N{...}` is not guessed: the key is reported as not known statically.
    let out = flagdebt()
        .args(["scan", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("the key is a string with a \\N{...} escape")),
        "{messages:?}"
    );
    assert!(r.took < Duration::from_secs(60));
}

/// Item 9: files read by name must be regular files under a size limit: a FIFO env file,
/// an env file or rule file that is `/dev/zero`, are one clear line and exit 2, at once;
/// an error never quotes a file that is not flagdebt's (`rules: [/etc/passwd]`).
#[cfg(unix)]
#[test]
fn named_files_are_regular_and_bounded() {
    type Plant = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Plant, &str)> = vec![
        (
            "env_files: [p.env]\n",
            Box::new(|root: &Path| {
                let fifo = root.join("p.env");
                let ok = std::process::Command::new("mkfifo")
                    .arg(&fifo)
                    .status()
                    .unwrap();
                assert!(ok.success());
            }),
            "p.env: env file: not a regular file (a FIFO)",
        ),
        (
            "env_files: [production.env]\n",
            Box::new(|root: &Path| {
                std::os::unix::fs::symlink("/dev/zero", root.join("production.env")).unwrap()
            }),
            "production.env: env file: not a regular file (a device)",
        ),
        (
            "rules: [/dev/zero]\n",
            Box::new(|_: &Path| {}),
            "/dev/zero: rule file: not a regular file (a device)",
        ),
        (
            "max_input_size: 1000\nenv_files: [big.env]\n",
            Box::new(|root: &Path| write(root, "big.env", "FLAG_X=1\n".repeat(200))),
            "big.env: env file: larger than the 1000 bytes limit (1.8 KB; config max_input_size)",
        ),
        (
            "rules: [secret.txt]\n",
            Box::new(|root: &Path| {
                write(root, "secret.txt", "root:x:0:0:SECRET-LINE\nsecond-line\n")
            }),
            "secret.txt:1:1: ",
        ),
    ];
    for (config, plant, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "flagdebt.yml", config);
        write(root, "a.py", "flags.is_on(\"x\")\n");
        plant(root);
        let start = Instant::now();
        let out = flagdebt()
            .current_dir(root)
            .args(["scan", "."])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{config}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{config}: one line: {stderr}");
        assert!(stderr.contains(expected), "{config}: {stderr}");
        assert!(
            !stderr.contains("SECRET") && !stderr.contains("second-line"),
            "{stderr}"
        );
        assert!(start.elapsed() < Duration::from_secs(30));
    }
}

/// Item 12: FIFOs and devices in the tree are named in `skipped`, not passed over silently
/// (and never opened: a FIFO would block the scan).
#[cfg(unix)]
#[test]
fn special_files_in_the_tree_are_noted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "ok.py", "flags.is_on(\"ok\")\n");
    let ok = std::process::Command::new("mkfifo")
        .arg(root.join("pipe.py"))
        .status()
        .unwrap();
    assert!(ok.success());
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.py")).unwrap();
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(flags(&r.json), ["ok"]);
    assert_eq!(
        skip_reason(&r.json, "pipe.py").as_deref(),
        Some("not a regular file (a FIFO)")
    );
    assert_eq!(
        skip_reason(&r.json, "zero.py").as_deref(),
        Some("not a regular file (a device)")
    );
    assert!(r
        .stderr
        .contains("note: skipped pipe.py: not a regular file (a FIFO)"));
    assert!(r.took < Duration::from_secs(30));
}

/// Item 12: columns on one long line are counted in linear time (a 1.7 MB line took 10 s),
/// and are still character columns.
#[test]
fn columns_on_a_long_non_ascii_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Many reads on one line of non-ASCII text; the parser reads it (a dynamic key).
    let unit = "x = \"é\"; flags.is_on(k + \"a\"); ";
    let line = unit.repeat(1_700_000 / unit.len());
    write(root, "a.py", format!("{line}flags.is_on(\"last\")\n"));
    let r = refs(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let last = r.json["references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["flag"] == "last")
        .expect("last read");
    assert_eq!(last["column"], line.chars().count() + 1);
    assert!(r.took < Duration::from_secs(60), "took {:?}", r.took);
}
