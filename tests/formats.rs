//! Output formats on the same scan: SARIF validated by Microsoft's SARIF Multitool, GitHub
//! annotations, Markdown, suppressions and the baseline.

mod common;

use common::{flagdebt, write};

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/main.py",
        "import os\nfrom app.services.flags import flags\n\n\ndef handler(name):\n    if os.environ.get(\"FLAG_NEW_CHECKOUT\"):\n        return flags.is_on(f\"exp_{name}\")\n    return None\n",
    );
    dir
}

#[test]
fn sarif_passes_the_multitool_with_no_errors_or_warnings() {
    let dir = tree();
    let out = flagdebt()
        .args(["scan", "--format", "sarif"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &doc["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["dynamic-flag-key", "raw-env-flag"],
        "each rule once"
    );
    assert!(run["tool"]["driver"]["rules"][1]["help"]["text"]
        .as_str()
        .unwrap()
        .contains("## Why is this bad?"));
    let raw = &run["tool"]["driver"]["rules"][1];
    assert_eq!(
        raw["shortDescription"]["text"],
        "Flags a feature flag read straight from an environment variable (`os.environ.get(\"FLAG_X\")`, `process.env.FLAG_X`, `System.getenv(\"FLAG_X\")`, `ENV[\"FLAG_X\"]`, `std::env::var(\"FLAG_X\")`)."
    );
    assert_eq!(
        raw["helpUri"],
        "https://github.com/flagdebt/flagdebt/blob/main/README.md#raw-env-flag"
    );
    assert_eq!(run["results"].as_array().unwrap().len(), 2);
    assert!(run["results"][0]["partialFingerprints"]["flagdebtFingerprint/v1"].is_string());
    let Some(tool) = common::sarif_multitool() else {
        return;
    };
    let file = dir.path().join("out.sarif");
    std::fs::write(&file, &out.stdout).unwrap();
    let v = std::process::Command::new(tool)
        .arg("validate")
        .arg(&file)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&v.stdout).into_owned() + &String::from_utf8_lossy(&v.stderr);
    assert!(v.status.success(), "{text}");
    assert!(text.contains("Analysis completed successfully"), "{text}");
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .collect();
    assert!(problems.is_empty(), "SARIF Multitool: {problems:#?}");
}

#[test]
fn github_annotations_one_line_per_finding() {
    let dir = tree();
    let out = flagdebt()
        .args(["scan", "--format", "github", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "::error file=app/main.py,line=6,col=8,endLine=6,endColumn=43,title=flagdebt raw-env-flag::flag `new_checkout` is read from the raw environment variable `FLAG_NEW_CHECKOUT`; read it through the flag service\n\
         ::warning file=app/main.py,line=7,col=16,endLine=7,endColumn=42,title=flagdebt dynamic-flag-key::flag key `f\"exp_{name}\"` cannot be known statically: the key is an f-string\n"
    );
}

#[test]
fn github_paths_are_relative_to_the_working_directory() {
    let dir = tree();
    let out = flagdebt()
        .args(["scan", "--format", "github", "app"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("::error file=app/main.py,line=6,col=8,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn markdown_summary_table() {
    let dir = tree();
    let out = flagdebt()
        .args(["scan", "--format", "markdown", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text);
}

#[test]
fn suppressions_with_and_without_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        "import os\n# flagdebt: ignore[raw-env-flag] bootstrap fallback until #553\nos.environ.get(\"FLAG_A\")\nos.environ.get(\"FLAG_B\")  # flagdebt: ignore[raw-env-flag]\nx = 1  # flagdebt: ignore[dynamic-flag-key] left over\n",
    );
    let out = flagdebt()
        .args(["scan", "--format", "json", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unexplained-suppression".to_string(), 4),
            ("unused-suppression".to_string(), 5)
        ],
        "FLAG_A and FLAG_B are suppressed; the reasonless and the stale suppression are reported"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn baseline_survives_moves_and_catches_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let body = "import os\nos.environ.get(\"FLAG_OLD\")\n";
    write(dir.path(), "a.py", body);
    let base = dir.path().join("baseline.json");
    let st = flagdebt()
        .args(["scan", "--write-baseline"])
        .arg(&base)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(0));
    // The old code moves 10 lines down: still baselined.
    write(
        dir.path(),
        "a.py",
        format!(
            "import os\n{}os.environ.get(\"FLAG_OLD\")\n",
            "\n".repeat(10)
        ),
    );
    let out = flagdebt()
        .args(["scan", "--baseline"])
        .arg(&base)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A new raw env read is new.
    write(
        dir.path(),
        "b.py",
        "import os\nos.environ.get(\"FLAG_NEW\")\n",
    );
    let out = flagdebt()
        .args(["scan", "--format", "json", "--baseline"])
        .arg(&base)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let flags: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["flag"].as_str().unwrap())
        .collect();
    assert_eq!(flags, ["new"]);
}

#[test]
fn several_roots_keep_their_suppressions_and_prefix_paths() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/x.py",
        "import os\nos.environ.get(\"FLAG_A\")\n",
    );
    write(
        dir.path(),
        "b/y.py",
        "import os\nos.environ.get(\"FLAG_B\")  # flagdebt: ignore[raw-env-flag] bootstrap only\n",
    );
    let out = flagdebt()
        .args(["scan", "--format", "json", "a", "b"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [("raw-env-flag", "a/x.py")],
        "the suppression in the second root applies"
    );
    let refs: Vec<&str> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["a/x.py", "b/y.py"]);
}

fn bookstore(args: &[&str]) -> std::process::Output {
    flagdebt()
        .current_dir(common::repo())
        .args(["scan", "--today", "2026-11-21"])
        .args(args)
        .arg("fixtures/bookstore")
        .output()
        .unwrap()
}

#[test]
fn github_annotations_errors_first_ten_per_level_and_the_rest_counted() {
    // The bookstore has 17 errors and 5 warnings; GitHub shows 10 of each level per step.
    let out = bookstore(&["--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let levels: Vec<&str> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
    let mut want = vec!["::error"; 10];
    want.extend(vec!["::warning"; 5]);
    want.push("::notice");
    assert_eq!(levels, want, "{text}");
    assert_eq!(
        text.lines().last().unwrap(),
        "::notice title=flagdebt::7 errors not shown as annotations (GitHub shows 10 per level); the full list is in the job summary and the log"
    );
    assert!(
        text.starts_with("::error file=fixtures/bookstore/"),
        "{text}"
    );
}

#[test]
fn gitlab_code_quality_json() {
    let out = bookstore(&["--format", "gitlab"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 22);
    let majors = issues.iter().filter(|i| i["severity"] == "major").count();
    assert_eq!(majors, 17, "errors are major");
    for i in issues {
        assert_eq!(i["type"], "issue");
        assert!(i["check_name"].is_string() && i["description"].is_string());
        assert!(i["fingerprint"].as_str().unwrap().len() > 16);
        assert!(i["location"]["path"]
            .as_str()
            .unwrap()
            .starts_with("fixtures/bookstore/"));
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let fps: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn statistics_exit_zero_and_output_file() {
    let out = bookstore(&["--statistics", "--select", "missing-owner,raw-env-flag"]);
    assert_eq!(out.status.code(), Some(1), "exit codes unchanged");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines.last().unwrap()[1], "total", "{text}");
    let total: usize = lines[..lines.len() - 1]
        .iter()
        .map(|l| l[0].parse::<usize>().unwrap())
        .sum();
    assert_eq!(lines.last().unwrap()[0].parse::<usize>().unwrap(), total);
    let codes: Vec<&str> = lines[..lines.len() - 1].iter().map(|l| l[1]).collect();
    assert!(
        codes.contains(&"missing-owner") && codes.contains(&"raw-env-flag"),
        "{text}"
    );
    let counts: Vec<usize> = lines[..lines.len() - 1]
        .iter()
        .map(|l| l[0].parse().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most frequent first: {text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = bookstore(&[
        "--exit-zero",
        "--format",
        "json",
        "--output-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "--exit-zero");
    assert!(out.stdout.is_empty(), "the report went to the file");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(v["summary"]["findings"]["error"], 17);
    // A usage error still exits 2 with --exit-zero.
    let out = bookstore(&["--exit-zero", "--select", "no-such-check"]);
    assert_eq!(out.status.code(), Some(2));
}
