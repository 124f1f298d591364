//! `flagdebt explain`: a check's documentation byte for byte, and the list of every check.

mod common;

use common::flagdebt;

fn stdout(args: &[&str]) -> String {
    let out = flagdebt().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    assert!(out.stderr.is_empty());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn explain_expired_flag_golden() {
    assert_eq!(
        stdout(&["explain", "expired-flag"]),
        r#"# expired-flag (default severity: error)

## What it does
Flags a flag whose removal date (`remove_by`, or flagd `metadata.expiry`) is before today
(`--today` to pin the date).

## Why is this bad?
The removal date was the owner's promise. Past it, the flag is debt by the team's own
definition: both code paths still have to be tested, and the "temporary" branch is on its
way to becoming permanent.

## Example
```yaml
holiday_promo_2025:
  remove_by: 2026-01-31   # expired-flag (today 2026-11-21: 294 days ago)
```
"#
    );
}

const CODES: &[&str] = &[
    "archived-flag-referenced",
    "default-mismatch",
    "dormant-env-override",
    "dynamic-flag-key",
    "environment-drift",
    "expired-flag",
    "invalid-registry",
    "kill-switch-unsafe-default",
    "missing-owner",
    "missing-removal-date",
    "provider-conflict",
    "raw-env-flag",
    "stale-flag",
    "undeclared-flag",
    "unexplained-suppression",
    "unknown-dependency",
    "unregistered-provider-flag",
    "unused-flag",
    "unused-suppression",
];

#[test]
fn explain_list_lists_every_check_once_with_its_summary() {
    let list = stdout(&["explain", "--list"]);
    let codes: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(codes, CODES);
    assert_eq!(stdout(&["explain"]), list, "no code: the list");
    for line in list.lines() {
        let mut w = line.split_whitespace();
        let (code, severity) = (w.next().unwrap(), w.next().unwrap());
        let summary: Vec<&str> = w.collect();
        assert!(["error", "warning", "info"].contains(&severity), "{line}");
        assert!(summary.len() > 3, "a summary: {line}");
        // The summary is the first paragraph of the check's own documentation.
        let doc = stdout(&["explain", code]);
        assert!(
            doc.starts_with(&format!("# {code} (default severity: {severity})\n\n")),
            "{doc}"
        );
        let first = doc
            .split("## What it does\n")
            .nth(1)
            .unwrap()
            .split("\n\n")
            .next()
            .unwrap();
        assert_eq!(
            first.split_whitespace().collect::<Vec<_>>(),
            summary,
            "{code}"
        );
        for section in ["## What it does\n", "## Why is this bad?\n", "## Example\n"] {
            assert!(doc.contains(section), "{code} lacks {section:?}");
        }
    }
}

#[test]
fn user_facing_text_names_no_planning_documents() {
    // The product's own concepts only: no "seed 001" in the README, `explain` or `--help`.
    let mut texts = vec![
        std::fs::read_to_string(common::repo().join("README.md")).unwrap(),
        stdout(&["--help"]),
        stdout(&["scan", "--help"]),
    ];
    for code in CODES {
        texts.push(stdout(&["explain", code]));
    }
    for rules in std::fs::read_dir(common::repo().join("rules")).unwrap() {
        let p = rules.unwrap().path();
        if p.is_file() {
            texts.push(std::fs::read_to_string(p).unwrap());
        }
    }
    for t in &texts {
        assert!(!t.to_lowercase().contains("seed"), "{t}");
    }
}

#[test]
fn every_check_has_a_readme_heading_for_its_help_uri() {
    // SARIF's helpUri is README.md#CODE: GitHub makes that anchor from a `### CODE` heading.
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    for code in CODES {
        assert!(
            readme.lines().any(|l| l == format!("### {code}")),
            "README lacks a `### {code}` heading"
        );
    }
}
