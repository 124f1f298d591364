//! Nearest config wins: fixtures/monorepo (two services, each with its own `.flagdebt.yml`,
//! registry and rules) copied into a fresh git repository and scanned in one run from the
//! root, and from inside each service, gives the same findings per service.

mod common;

use std::path::Path;

use common::{flagdebt, repo};

type Row = (String, String, String, String, u64);

fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("fixtures/monorepo"), dir.path());
    let st = std::process::Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(st.success());
    dir
}

/// (code, severity, flag, path as seen from `prefix`'s parent, line), from a JSON scan run in
/// `cwd`; paths are prefixed with `prefix` (the scanned project's root as seen from the
/// monorepo root).
fn scan(cwd: &Path, args: &[&str], prefix: &str) -> (i32, Vec<Row>) {
    let out = flagdebt()
        .current_dir(cwd)
        .args(["scan", "--today", "2026-11-21", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let rows = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["flag"].as_str().unwrap_or("").to_string(),
                format!("{prefix}{}", f["path"].as_str().unwrap()),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (out.status.code().unwrap(), rows)
}

fn row(c: &str, s: &str, f: &str, p: &str, l: u64) -> Row {
    (c.into(), s.into(), f.into(), p.into(), l)
}

#[test]
fn each_service_is_judged_by_its_own_config_in_one_run() {
    let dir = monorepo();
    let root = dir.path();
    let a = vec![
        // svc-a's rule file reads `gates.enabled`, its key resolved through `app.keys`
        // against svc-a's root; its registry declares `beta_search`.
        row(
            "missing-owner",
            "error",
            "fast_checkout",
            "svc-a/flags.yaml",
            5,
        ),
        row(
            "expired-flag",
            "error",
            "fast_checkout",
            "svc-a/flags.yaml",
            7,
        ),
    ];
    let b = vec![
        // svc-b's prefixes are FEATURE_ only (FLAG_LEGACY is not a flag there), it has no
        // `gates.enabled` rule, its registry does not declare `beta_search`, and it makes
        // undeclared-flag a warning.
        row("raw-env-flag", "error", "dark_mode", "svc-b/src/app.js", 5),
        row(
            "undeclared-flag",
            "warning",
            "beta_search",
            "svc-b/src/app.js",
            8,
        ),
    ];
    let both: Vec<_> = a.iter().chain(&b).cloned().collect();
    assert_eq!(scan(root, &[], ""), (1, both.clone()), "from the root");
    assert_eq!(
        scan(root, &["svc-a", "svc-b"], ""),
        (1, both),
        "both services named"
    );
    assert_eq!(scan(&root.join("svc-a"), &[], "svc-a/"), (1, a.clone()));
    assert_eq!(
        scan(root, &["svc-a"], "svc-a/"),
        (1, a.clone()),
        "one project: paths relative to it"
    );
    assert_eq!(scan(&root.join("svc-b"), &["."], "svc-b/"), (1, b.clone()));
    // A file deep inside a service: the service's config, registry and rules, from anywhere.
    assert_eq!(
        scan(&root.join("svc-a/app"), &["views.py"], "svc-a/"),
        (0, vec![]),
        "views.py itself has no finding: its keys resolve through svc-a's app.keys"
    );
    assert_eq!(scan(root, &["svc-b/src/app.js"], "svc-b/"), (1, b.clone()));
}

#[test]
fn config_is_found_from_the_scanned_path_not_only_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "bs/app.py",
        "import os\nos.environ.get(\"FEATURE_X\")\n",
    );
    common::write(
        dir.path(),
        "bs/.flagdebt.yml",
        "env:\n  prefixes: [FEATURE_]\n",
    );
    let (code, rows) = scan(dir.path(), &["bs"], "bs/");
    assert_eq!(
        (code, rows),
        (1, vec![row("raw-env-flag", "error", "x", "bs/app.py", 2)]),
        "bs/.flagdebt.yml governs bs/"
    );
}

/// `refs` over several projects lists every project's reads in one list, each path with its
/// project's folder in front, as `scan` reports them; one project keeps paths relative to it.
#[test]
fn refs_lists_the_reads_of_every_project_in_one_list() {
    let dir = monorepo();
    let root = dir.path();
    let refs = |cwd: &Path, args: &[&str]| {
        let out = flagdebt()
            .current_dir(cwd)
            .arg("refs")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    let both = "\
svc-a/app/views.py:5:8  beta_search    custom     svc-a-gates   constant SEARCH_KEY
svc-a/app/views.py:7:8  fast_checkout  custom     svc-a-gates   literal
svc-b/src/app.js:5:7    dark_mode      env        env-js        env FEATURE_DARK_MODE
svc-b/src/app.js:8:7    beta_search    flagsmith  flagsmith-js  literal
4 references to 3 flags, 0 unresolved, in 3 files (1 parsed).
";
    assert_eq!(refs(root, &[]), (0, both.to_string()), "from the root");
    assert_eq!(refs(root, &["svc-b", "svc-a"]), (0, both.to_string()));
    let (code, one) = refs(root, &["svc-b"]);
    assert_eq!(code, 0);
    assert!(one.starts_with("src/app.js:5:7 "), "{one}");
    assert_eq!(
        refs(root, &["beta_search", "--format", "grep"]),
        (
            0,
            "svc-a/app/views.py:5:8:     if gates.enabled(SEARCH_KEY):\n\
             svc-a/flags.yaml:1:1: beta_search:\n\
             svc-b/src/app.js:8:7:   if (flagsmith.hasFeature(\"beta_search\")) {\n"
                .to_string()
        ),
        "one flag across both services, with the registry entry that declares it"
    );
}
