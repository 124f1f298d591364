//! The GitHub Action (action.yml), run the way the runner runs a composite action: each `run:`
//! step in order, with its `env:` expressions resolved from the inputs (`INPUT_*`), and
//! `GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`, `GITHUB_PATH`, `GITHUB_WORKSPACE` pointing at temp
//! files, against a temp git repository holding the example. The `uses:` step
//! (actions/cache) is the runner's; the binary is placed where a cache hit restores it, so the
//! install step takes its cached path (a cold build is `cargo install --path`, not timed here).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::repo;

use common::gitrepo::git;

struct Run {
    /// (step name, exit code, stdout) per `run:` step.
    steps: Vec<(String, i32, String)>,
    summary: String,
    /// The scan step's outputs.
    outputs: BTreeMap<String, String>,
}

/// `${{ inputs.a || github.base_ref }}`: the first non-empty term.
fn resolve(expr: &str, inputs: &BTreeMap<&str, String>, base_ref: &str) -> String {
    let Some(inner) = expr
        .trim()
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
    else {
        return expr.to_string();
    };
    for term in inner.split("||").map(str::trim) {
        let v = if let Some(name) = term.strip_prefix("inputs.") {
            inputs.get(name).cloned().unwrap_or_default()
        } else if term == "github.base_ref" {
            base_ref.to_string()
        } else {
            panic!("unexpected expression term `{term}`")
        };
        if !v.is_empty() {
            return v;
        }
    }
    String::new()
}

fn run_action(workspace: &Path, given: &[(&str, &str)], base_ref: &str) -> Run {
    let action: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(repo().join("action.yml")).unwrap())
            .unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    let mut inputs: BTreeMap<&str, String> = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().unwrap() {
        inputs.insert(
            name.as_str(),
            spec["default"].as_str().unwrap_or("").to_string(),
        );
    }
    for (k, v) in given {
        assert!(inputs.contains_key(k), "action.yml has no input `{k}`");
        inputs.insert(k, v.to_string());
    }
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    // Where actions/cache restores the binary on a hit.
    let cached = home.join(".cache/flagdebt-action/bin");
    std::fs::create_dir_all(&cached).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_flagdebt"), cached.join("flagdebt")).unwrap();
    let summary = tmp.path().join("summary.md");
    let github_path = tmp.path().join("path.txt");
    std::fs::write(&summary, "").unwrap();
    std::fs::write(&github_path, "").unwrap();
    let mut path_env = std::env::var("PATH").unwrap();
    let mut run = Run {
        steps: Vec::new(),
        summary: String::new(),
        outputs: BTreeMap::new(),
    };
    for (i, step) in action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let Some(script) = step["run"].as_str() else {
            assert!(step["uses"].as_str().unwrap().starts_with("actions/cache@"));
            continue;
        };
        assert!(
            !script.contains("${{"),
            "run: steps take inputs through env only: {script}"
        );
        let output = tmp.path().join(format!("output-{i}.txt"));
        std::fs::write(&output, "").unwrap();
        let mut cmd = Command::new(step["shell"].as_str().unwrap());
        cmd.arg("-c")
            .arg(script)
            .current_dir(workspace)
            .env("HOME", &home)
            .env("PATH", &path_env)
            .env("NO_COLOR", "1")
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_PATH", &github_path)
            .env("RUNNER_TEMP", tmp.path())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                cmd.env(k, resolve(v.as_str().unwrap(), &inputs, base_ref));
            }
        }
        let out = cmd.output().unwrap();
        let name = step["name"].as_str().unwrap().to_string();
        let code = out.status.code().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            code == 0 || step["id"] == "scan",
            "{name}: exit {code}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The runner adds GITHUB_PATH lines to the PATH of later steps.
        for dir in std::fs::read_to_string(&github_path).unwrap().lines().rev() {
            path_env = format!("{dir}:{path_env}");
        }
        std::fs::write(&github_path, "").unwrap();
        if step["id"] == "scan" {
            for line in std::fs::read_to_string(&output).unwrap().lines() {
                let (k, v) = line.split_once('=').unwrap();
                run.outputs.insert(k.to_string(), v.to_string());
            }
        }
        run.steps.push((name, code, stdout));
    }
    run.summary = std::fs::read_to_string(&summary).unwrap();
    // Every output the action declares is set by the scan step.
    for (name, spec) in action["outputs"].as_object().unwrap() {
        assert_eq!(
            spec["value"].as_str().unwrap(),
            format!("${{{{ steps.scan.outputs.{name} }}}}")
        );
        assert!(run.outputs.contains_key(name), "output {name} is not set");
    }
    run
}

fn example_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("fixtures/bookstore"), dir.path());
    git(dir.path(), &["init", "-q", "."]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "example"]);
    dir
}

fn validate_sarif(file: &Path) {
    let Some(tool) = common::sarif_multitool() else {
        return;
    };
    let v = Command::new(tool)
        .arg("validate")
        .arg(file)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&v.stdout).into_owned() + &String::from_utf8_lossy(&v.stderr);
    assert!(v.status.success(), "{text}");
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .collect();
    assert!(problems.is_empty(), "SARIF Multitool: {problems:#?}");
}

#[test]
fn scheduled_whole_scan_annotates_errors_first_summarizes_and_sets_outputs() {
    let ws = example_repo();
    let run = run_action(
        ws.path(),
        &[("args", "--today 2026-11-21"), ("sarif", "flagdebt.sarif")],
        "",
    );
    let names: Vec<&str> = run.steps.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "flagdebt cache key",
            "Install flagdebt",
            "Scan for flag debt"
        ]
    );
    assert!(
        run.steps[1].2.contains("flagdebt: cached flagdebt "),
        "{}",
        run.steps[1].2
    );
    let (_, code, stdout) = &run.steps[2];
    assert_eq!(
        *code, 1,
        "17 errors fail the step (fail-on: error)\n{stdout}"
    );
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    let levels: Vec<&str> = annotations
        .iter()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let mut want = vec!["::error"; 10];
    want.extend(vec!["::warning"; 5]);
    want.push("::notice");
    assert_eq!(levels, want, "{stdout}");
    assert!(
        annotations[15].contains("7 errors not shown as annotations"),
        "{stdout}"
    );
    assert!(stdout.contains("flagdebt: 17 finding(s) at error level or above"));
    assert!(run.summary.starts_with("## flagdebt\n"), "{}", run.summary);
    assert!(run
        .summary
        .contains("**17** error(s), **5** warning(s), **0** info."));
    assert!(
        run.summary.contains("| `missing-owner` | error |"),
        "{}",
        run.summary
    );
    let want: BTreeMap<String, String> = [
        ("errors", "17"),
        ("warnings", "5"),
        ("findings", "22"),
        ("flags-added", "0"),
        ("flags-removed", "0"),
        ("sarif", "flagdebt.sarif"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(run.outputs, want);
    let sarif: PathBuf = ws.path().join("flagdebt.sarif");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 22);
    validate_sarif(&sarif);
}

#[test]
fn pull_request_judges_the_change_and_names_its_flags_and_owners() {
    let ws = example_repo();
    let d = ws.path();
    git(d, &["checkout", "-qb", "feature"]);
    let mut registry = std::fs::read_to_string(d.join("feature_flags.yaml")).unwrap();
    registry.push_str("\ngift_cards:\n  type: ops\n  description: \"Gift cards at checkout\"\n");
    std::fs::write(d.join("feature_flags.yaml"), registry).unwrap();
    common::write(
        d,
        "api/app/gift.py",
        "from app.services.flags import flags\n\n\ndef gift():\n    return flags.is_on(\"gift_cards\")\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "gift cards"]);
    // The pull request's base is the branch `main` (github.base_ref).
    let run = run_action(
        d,
        &[("args", "--today 2026-11-21"), ("fail-on", "error")],
        "main",
    );
    let (_, code, stdout) = &run.steps[2];
    assert_eq!(*code, 1, "{stdout}");
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 1, "{stdout}");
    assert!(
        annotations[0].starts_with("::error file=feature_flags.yaml,")
            && annotations[0]
                .contains("title=flagdebt missing-owner::flag `gift_cards` has no owner"),
        "{stdout}"
    );
    assert!(
        run.summary
            .contains("### Flags this change adds and removes"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| `gift_cards` | declared | **none** |"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| `gift_cards` | 1 read(s) added in `api/app/gift.py` | |"),
        "{}",
        run.summary
    );
    assert_eq!(run.outputs["errors"], "1");
    assert_eq!(run.outputs["flags-added"], "1");
    assert_eq!(run.outputs["sarif"], "");
    // fail-on: never reports but passes.
    let run = run_action(
        d,
        &[("args", "--today 2026-11-21"), ("fail-on", "never")],
        "main",
    );
    assert_eq!(run.steps[2].1, 0);
}
