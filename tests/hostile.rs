//! Hostile files in the scanned tree: the scan completes, reports what is valid, says what it
//! skipped, and the skips do not change the exit code.

use std::fs;
use std::path::Path;

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

fn refs_json(root: &Path) -> (Value, String, i32) {
    let out = flagdebt()
        .args(["refs", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("json output");
    (
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

#[test]
fn hostile_tree_is_scanned_around() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Valid calls before and after a syntax error.
    write(
        root,
        "api/broken.py",
        "from app.services.flags import flags\n\nif flags.is_on(\"before_error\"):\n    pass\n\ndef broken(:\n    return (\n\nif flags.is_on(\"after_error\"):\n    pass\n",
    );
    write(root, "api/ok.py", "flags.is_on(\"healthy\")\n");
    write(root, "api/empty.py", "");
    // Binary with a flag literal in it.
    let mut bin = b"\x00\x01\x02flags.is_on(\"in_binary\")".to_vec();
    bin.extend(std::iter::repeat_n(0u8, 1024));
    write(root, "api/blob.py", bin);
    // Invalid UTF-8 around a flag call.
    write(
        root,
        "api/latin1.py",
        b"# caf\xe9\nflags.is_on(\"in_latin1\")\n",
    );
    // 50 MB file with flag calls.
    let line = "flags.is_on(\"in_huge\")\n";
    let huge = line.repeat(50 * 1024 * 1024 / line.len());
    write(root, "api/huge.py", huge);
    // A symlink loop.
    #[cfg(unix)]
    {
        fs::create_dir_all(root.join("loop")).unwrap();
        std::os::unix::fs::symlink(root.join("loop"), root.join("loop/again")).unwrap();
    }
    // An unreadable file (root can read anything; the test still checks the rest).
    write(root, "api/secret.py", "flags.is_on(\"unreadable\")\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(
            root.join("api/secret.py"),
            fs::Permissions::from_mode(0o000),
        )
        .unwrap();
    }
    let unreadable = fs::read(root.join("api/secret.py")).is_err();

    let (v, stderr, code) = refs_json(root);
    assert_eq!(code, 0, "stderr: {stderr}");
    let flags: Vec<&str> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["flag"].as_str().unwrap())
        .collect();
    assert!(flags.contains(&"before_error"), "{flags:?}");
    assert!(flags.contains(&"after_error"), "{flags:?}");
    assert!(flags.contains(&"healthy"), "{flags:?}");
    // Not UTF-8 (a Latin-1 comment): read lossily, as ripgrep does, with a note below.
    assert!(flags.contains(&"in_latin1"), "{flags:?}");
    for bad in ["in_binary", "in_huge"] {
        assert!(
            !flags.contains(&bad),
            "{bad} should have been skipped: {flags:?}"
        );
    }
    let skipped: Vec<(String, String)> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reason = |p: &str| {
        skipped
            .iter()
            .find(|(path, _)| path == p)
            .map(|(_, r)| r.clone())
    };
    assert_eq!(reason("api/blob.py").as_deref(), Some("binary file"));
    assert_eq!(reason("api/latin1.py"), None);
    assert!(reason("api/huge.py")
        .unwrap()
        .contains("larger than the 2.0 MB limit"));
    assert!(
        skipped.iter().any(|(_, r)| r.contains("symlink loop")),
        "{skipped:?}"
    );
    if unreadable {
        assert!(reason("api/secret.py")
            .unwrap()
            .contains("permission denied"));
    }
    let parse_errors = v["parse_errors"].as_array().unwrap();
    assert_eq!(parse_errors[0]["path"], "api/broken.py");
    assert!(
        parse_errors.iter().any(|e| e["path"] == "api/latin1.py"
            && e["reason"] == "not valid UTF-8 (at byte 5); read with the invalid bytes replaced"),
        "{parse_errors:?}"
    );
    // The human notes go to stderr, one line each.
    assert!(
        stderr.contains("note: skipped api/blob.py: binary file"),
        "{stderr}"
    );

    // Skips do not change the exit code of a scan either: the only findings are warnings.
    let out = flagdebt().arg("scan").arg(root).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
