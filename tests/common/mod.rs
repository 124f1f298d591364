//! Helpers shared by the CLI tests.
#![allow(dead_code)]

pub mod gitrepo;
pub mod replay;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn flagdebt() -> Command {
    let mut c = Command::cargo_bin("flagdebt").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Copy a fixture tree (files and folders) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every folder one or two levels under `fixtures/`: each fixture tree, and each case in it
/// scanned as a tree of its own (its own nearest config).
pub fn fixture_trees() -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() && !p.is_symlink())
            .collect();
        entries.sort();
        for p in entries {
            out.push(p.clone());
            if depth < 1 {
                walk(&p, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo().join("fixtures"), 0, &mut out);
    out
}

pub fn write(root: &Path, rel: &str, body: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, body).unwrap();
}

/// The SARIF Multitool installed by scripts/test.sh. Missing it is a failure, not a skip,
/// unless FLAGDEBT_SKIP_EXTERNAL=1 says so explicitly.
pub fn sarif_multitool() -> Option<PathBuf> {
    let p = std::env::var_os("SARIF_MULTITOOL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".cache/sarif/node_modules/.bin/sarif-multitool"));
    if p.exists() {
        return Some(p);
    }
    if std::env::var("FLAGDEBT_SKIP_EXTERNAL").as_deref() == Ok("1") {
        eprintln!("FLAGDEBT_SKIP_EXTERNAL=1: not validating SARIF");
        return None;
    }
    panic!(
        "the SARIF Multitool is missing at {}: run scripts/test.sh, which installs it",
        p.display()
    );
}
