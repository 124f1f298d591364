//! Hostile registry input must fail fast with a clear one-line error: no hang, no panic, no
//! memory blow-up. Each case is timed; the 5 s bound is only a generous safety net (the
//! measured figures are printed; run with `--nocapture` to see them).

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use flagdebt::registry::{
    load_file, parse_str, RegistryError, RegistryErrorKind, SourceKind, MAX_FILE_BYTES,
};

const BOUND: Duration = Duration::from_secs(5);

/// Run `f`, print how long it took, and check the bound.
fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let elapsed = start.elapsed();
    eprintln!("hostile[{name}]: {elapsed:?}");
    assert!(elapsed < BOUND, "{name} took {elapsed:?}");
    out
}

fn assert_one_line(err: &RegistryError, path: &str) {
    let text = err.to_string();
    assert!(text.starts_with(&format!("{path}:")), "{text}");
    assert!(!text.contains('\n'), "{text}");
}

fn billion_laughs() -> String {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    text
}

#[test]
fn billion_laughs_is_refused() {
    let text = billion_laughs();
    let err = timed("billion-laughs", || {
        parse_str("feature_flags.yaml", &text, SourceKind::Yaml)
    })
    .unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Budget, "{err}");
    assert_one_line(&err, "feature_flags.yaml");
    assert!(
        err.message
            .starts_with("YAML too large or too deeply nested for a registry file"),
        "{err}"
    );
    assert!(err.line > 1, "points into the document: {err}");
}

#[test]
fn wide_alias_fan_out_is_refused() {
    // One big anchor referenced many times: few anchors, huge expansion.
    let text = format!(
        "a: &a [{}]\nb: [{}]\n",
        vec!["x"; 5000].join(","),
        vec!["*a"; 5000].join(",")
    );
    let err = timed("alias-fan-out", || {
        parse_str("feature_flags.yaml", &text, SourceKind::Yaml)
    })
    .unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Budget, "{err}");
    assert_one_line(&err, "feature_flags.yaml");
}

#[test]
fn merge_keys_in_many_flags_are_fine() {
    // The legitimate use of anchors must stay within the budgets.
    let mut text = String::from(
        ".defaults: &defaults {owner: team-a, risk: low, stage: beta, type: release}\n",
    );
    for i in 0..2000 {
        text.push_str(&format!(
            "flag_{i}:\n  <<: *defaults\n  remove_by: 2027-01-01\n"
        ));
    }
    let reg = timed("2000-merges", || {
        parse_str("feature_flags.yaml", &text, SourceKind::Yaml)
    })
    .unwrap();
    assert_eq!(reg.declarations.len(), 2000);
    assert!(reg
        .declarations
        .iter()
        .all(|d| d.owner.as_deref() == Some("team-a")));
}

#[test]
fn hundred_megabyte_file_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feature_flags.yaml");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut chunk = String::new();
        let mut i = 0;
        while chunk.len() < 1 << 20 {
            chunk.push_str(&format!("flag_{i}:\n  owner: team-{i}\n"));
            i += 1;
        }
        for _ in 0..100 {
            file.write_all(chunk.as_bytes()).unwrap();
        }
    }
    assert!(std::fs::metadata(&path).unwrap().len() >= 100 << 20);
    let err = timed("100MB-file", || load_file(dir.path(), "feature_flags.yaml")).unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Budget);
    assert_one_line(&err, "feature_flags.yaml");
    assert!(
        err.message
            .contains(&format!("over {MAX_FILE_BYTES} bytes")),
        "{err}"
    );

    // The same budget holds for text handed over in memory.
    let big = "a: b\n".repeat((MAX_FILE_BYTES as usize / 5) + 1);
    let err = timed("oversized-string", || {
        parse_str("feature_flags.yaml", &big, SourceKind::Yaml)
    })
    .unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Budget);
}

#[test]
fn deep_nesting_is_refused() {
    let cases = [
        (
            "flow-sequences",
            format!("a: {}", "[".repeat(100_000)),
            SourceKind::Yaml,
        ),
        (
            "flow-mappings",
            format!("a: {}", "{b: ".repeat(100_000)),
            SourceKind::Yaml,
        ),
        (
            "closed-sequences",
            format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            SourceKind::Yaml,
        ),
        (
            "block-mappings",
            {
                let mut text = String::new();
                for depth in 0..200 {
                    text.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
                }
                text
            },
            SourceKind::Yaml,
        ),
        (
            "json-arrays",
            format!("{{\"flags\": {}", "[".repeat(100_000)),
            SourceKind::Flagd,
        ),
        (
            "json-objects",
            format!("{{\"flags\": {}", "{\"a\": ".repeat(100_000)),
            SourceKind::Flagd,
        ),
    ];
    for (name, text, kind) in cases {
        let path = if kind == SourceKind::Yaml {
            "feature_flags.yaml"
        } else {
            "x.flagd.json"
        };
        let err = timed(name, || parse_str(path, &text, kind)).unwrap_err();
        assert_eq!(err.kind, RegistryErrorKind::Budget, "{name}: {err}");
        assert_one_line(&err, path);
    }
}

#[test]
fn duplicate_keys_are_refused_naming_key_and_line() {
    let mut text = String::new();
    for i in 0..5000 {
        text.push_str(&format!("flag_{i}:\n  owner: team\n"));
    }
    text.push_str("flag_17:\n  owner: someone-else\n");
    let err = timed("duplicate-key", || {
        parse_str("feature_flags.yaml", &text, SourceKind::Yaml)
    })
    .unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::DuplicateKey);
    assert_eq!(
        err.to_string(),
        "feature_flags.yaml:10001:1: duplicate flag key `flag_17` (first at line 35)"
    );
}

#[test]
fn odd_inputs_never_panic() {
    let yaml_inputs = [
        "", "~", "---", "...", "a", "a:", ":", "? a", "? [a, b]\n: c", "&a a: *a", "a: *missing", "!!binary aGVsbG8=",
        "a: !!binary aGVsbG8=", "\u{feff}a: 1", "a: 99999999999999999999999999999", "a: {b: .nan}", "a:\n\tb: 1",
        "a: 'unterminated", "a: |\n  text\n b: 1", "a: [1, 2", "- - - -", "\0", "a: \"\\u0000\"",
        "a:\n  type: [release]\n  remove_by: 20260101\n  stage: 3\n  depends_on: [1, null, b]\n  owner: {x: 1}",
    ];
    for text in yaml_inputs {
        for kind in [SourceKind::Yaml, SourceKind::FlagDir] {
            let _ = parse_str("f.yaml", text, kind).map(|r| {
                r.problems
                    .iter()
                    .for_each(|p| assert!(!p.message.contains('\n')))
            });
        }
    }
    let json_inputs = [
        "",
        "null",
        "[]",
        "{}",
        "{\"flags\": null}",
        "{\"flags\": [1, {\"key\": 2}, {\"key\": \"\"}]}",
        "{\"flags\": {\"a\": 1}}",
        "{\"flags\": {\"a\": {\"metadata\": 1, \"variants\": 1, \"defaultVariant\": 1}}}",
        "{\"flags\": {\"a\\\"b\": {\"state\": \"ENABLED\"}}}",
        "{\"flags\": {\"\\ud800\": {}}}",
        "\u{feff}{\"flags\": {}}",
        "{\"flags\": {\"a\": {\"flagType\": 1, \"defaultValue\": null}}}",
    ];
    for text in json_inputs {
        for kind in [SourceKind::Flagd, SourceKind::OpenFeatureManifest] {
            let _ = parse_str("f.json", text, kind);
        }
    }
    assert!(parse_str("f", "", SourceKind::Code).is_err());
    let _ = load_file(Path::new("/dev"), "null");
}
