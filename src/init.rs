//! `flagdebt init`: look at a repository and write a commented starter `.flagdebt.yml`.
//!
//! It scans with the built-in defaults (an existing config is not applied), counts flag reads
//! by provider (which SDKs and rule packs the code uses), finds the registries, and notes which
//! env prefixes and key spelling the repository uses. What it is sure of becomes a setting
//! (`registries`, `env`); what is a judgment call is written commented out, with what it saw.
//! Every setting it writes, commented or not, parses with the [`Config`] schema (tested).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use clap::Args;

use crate::config::{Config, FILE_NAMES};
use crate::rules::{EnvSettings, RuleSet};
use crate::scan::Via;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The repository's root folder (default: the current folder). The config is written there.
    pub path: Option<PathBuf>,
    /// Overwrite an existing config file.
    #[arg(long)]
    pub force: bool,
    /// Print the config instead of writing it.
    #[arg(long)]
    pub stdout: bool,
}

/// The built-in packs, by the provider name `disable_packs` takes.
const PACKS: &[(&str, &str)] = &[
    ("openfeature", "OpenFeature SDKs"),
    ("flagsmith", "Flagsmith SDKs"),
    ("launchdarkly", "LaunchDarkly SDKs"),
    ("unleash", "Unleash SDKs"),
    ("custom", "in-house helpers such as flags.is_on(\"x\")"),
    ("env", "raw FLAG_*/FEATURE_*/FF_* environment reads"),
];

/// What init learned about the repository.
#[derive(Debug, Default, Clone)]
pub struct Survey {
    pub files: usize,
    /// Flag reads (resolved and dynamic) per provider.
    pub by_provider: BTreeMap<String, usize>,
    /// Flag reads per language.
    pub by_language: BTreeMap<String, usize>,
    /// Reads whose key cannot be known statically.
    pub dynamic: usize,
    /// Registry files, relative to the root.
    pub registries: Vec<String>,
    /// Registry files that could not be read, with the reason.
    pub registry_errors: Vec<String>,
    pub declared: usize,
    /// Env prefixes seen in env reads, in the default order.
    pub env_prefixes: Vec<String>,
    /// The key spelling of the declared flags: `snake`, `kebab`, `upper` or unknown.
    pub key_style: Option<&'static str>,
    /// Top-level folders holding non-test flag reads, with their counts.
    pub top_dirs: BTreeMap<String, usize>,
    /// Files the scan skipped.
    pub skipped: usize,
    /// Presets found on, with why.
    pub presets: Vec<(String, String)>,
    /// In-house helpers seen: a callee (`receiver.name` pattern) whose first argument is a
    /// literal naming a declared flag, at places no rule reads, with how many such keys.
    pub helpers: Vec<(String, usize)>,
}

/// Scan `root` with the defaults and summarise it.
pub fn survey(root: &Path) -> Result<Survey> {
    let cfg = Config::default();
    let listings = crate::pipeline::list_roots(&[root.to_path_buf()], &cfg)?;
    // The presets the repository shows are on, as in a scan: their reads count for their packs.
    let presets = crate::presets::detect(&listings.iter().collect::<Vec<_>>(), &[])?;
    let mut rules = RuleSet::load_with(
        &crate::presets::packs(&presets),
        &[],
        &[],
        EnvSettings::default(),
    )?;
    crate::presets::scope_rules(&mut rules, &presets);
    let scanned = crate::pipeline::scan_listings(
        &listings,
        &cfg,
        &rules,
        crate::pipeline::Tuning::default(),
    )?;
    let out = &scanned.out;
    let mut s = Survey {
        files: out.stats.files,
        dynamic: out.unresolved.len(),
        skipped: out.skipped.len(),
        ..Survey::default()
    };
    for (provider, language, path, test) in out
        .references
        .iter()
        .map(|r| (&r.provider, r.language, &r.path, r.test))
        .chain(
            out.unresolved
                .iter()
                .map(|u| (&u.provider, u.language, &u.path, u.test)),
        )
    {
        *s.by_provider.entry(provider.clone()).or_default() += 1;
        *s.by_language
            .entry(language.name().to_string())
            .or_default() += 1;
        if !test {
            if let Some((dir, _)) = path.split_once('/') {
                *s.top_dirs.entry(dir.to_string()).or_default() += 1;
            }
        }
    }
    let defaults = EnvSettings::default().prefixes;
    for p in &defaults {
        let seen = out.references.iter().any(|r| {
            r.via == Via::Env
                && r.env_var
                    .as_deref()
                    .is_some_and(|v| v.starts_with(p.as_str()))
        });
        if seen {
            s.env_prefixes.push(p.clone());
        }
    }
    s.presets = presets
        .iter()
        .filter(|d| d.active)
        .map(|d| (d.preset.name.to_string(), d.reason.clone()))
        .collect();
    s.registries = crate::registry::discover_in(&listings[0]);
    let (registry, errors) = crate::registry::load_all(root, &s.registries);
    s.registry_errors = errors.iter().map(|e| e.to_string()).collect();
    let keys: std::collections::BTreeSet<&str> = registry
        .declarations
        .iter()
        .map(|d| d.key.as_str())
        .chain(out.declarations.iter().map(|d| d.key.as_str()))
        .collect();
    s.declared = keys.len();
    s.key_style = key_style(keys.iter().copied());
    let read_at: std::collections::HashSet<(&str, usize)> = out
        .references
        .iter()
        .map(|r| (r.path.as_str(), r.span.line))
        .chain(
            out.unresolved
                .iter()
                .map(|u| (u.path.as_str(), u.span.line)),
        )
        .collect();
    s.helpers = helpers_seen(&listings[0], &keys, &read_at);
    Ok(s)
}

/// Callees whose first argument is a string (or Ruby symbol) literal naming a declared flag,
/// on lines no rule reads: in-house helpers flagdebt does not know yet. Each with the number of
/// distinct declared keys passed to it; only callees passed two keys or more.
fn helpers_seen(
    listing: &crate::walk::Listing,
    keys: &std::collections::BTreeSet<&str>,
    read_at: &std::collections::HashSet<(&str, usize)>,
) -> Vec<(String, usize)> {
    if keys.is_empty() {
        return Vec::new();
    }
    let call = regex::Regex::new(
        r#"([A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*[?!]?)\(\s*(?:"([^"\\\n]+)"|'([^'\\\n]+)'|:([A-Za-z_]\w*))"#,
    )
    .expect("valid regex");
    let mut by_callee: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for f in &listing.files {
        if crate::lang::Language::from_path(&f.path).is_none() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f.path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if read_at.contains(&(f.rel.as_str(), i + 1)) {
                continue;
            }
            for c in call.captures_iter(line) {
                let Some(lit) = c.get(2).or(c.get(3)).or(c.get(4)) else {
                    continue;
                };
                if !keys.contains(lit.as_str()) {
                    continue;
                }
                let callee = c[1].replace("::", ".");
                let pattern = match callee.rsplit_once('.') {
                    Some((_, name)) => format!("*.{name}"),
                    None => callee,
                };
                by_callee
                    .entry(pattern)
                    .or_default()
                    .insert(lit.as_str().to_string());
            }
        }
    }
    let mut out: Vec<(String, usize)> = by_callee
        .into_iter()
        .map(|(c, ks)| (c, ks.len()))
        .filter(|(_, n)| *n >= 2)
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(5);
    out
}

/// The spelling most declared keys use, when one clearly dominates.
fn key_style<'a>(keys: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut total = 0;
    for k in keys {
        total += 1;
        let style = if k.contains('-') && !k.contains('_') {
            "kebab"
        } else if k.chars().any(|c| c.is_ascii_uppercase())
            && !k.chars().any(|c| c.is_ascii_lowercase())
        {
            "upper"
        } else {
            "snake"
        };
        *counts.entry(style).or_default() += 1;
    }
    let (style, n) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    (n * 2 > total).then_some(style)
}

/// A folder whose name says it runs in the background (jobs, workers, mail, cron).
fn looks_background(dir: &str) -> bool {
    let d = dir.to_ascii_lowercase();
    [
        "worker",
        "job",
        "cron",
        "queue",
        "mailer",
        "task",
        "consumer",
        "scheduler",
    ]
    .iter()
    .any(|w| d.contains(w))
}

/// One part of the file: comment lines, then YAML that is live or commented out.
struct Section {
    comment: Vec<String>,
    yaml: String,
    active: bool,
}

fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn sections(s: &Survey) -> Vec<Section> {
    let mut out = Vec::new();

    // Registries.
    if s.registries.is_empty() {
        out.push(Section {
            comment: vec![
                "Registries: where flags are declared (owner, type, default, remove_by).".into(),
                "None was found. Create feature_flags.yaml (a map of flag key to fields), or name"
                    .into(),
                "yours here; without a registry, the declaration checks cannot run.".into(),
            ],
            yaml: "registries: [feature_flags.yaml]\n".into(),
            active: false,
        });
    } else {
        let mut comment = vec![format!(
            "Registries: where flags are declared. Found {} file(s) declaring {} flag(s).",
            s.registries.len(),
            s.declared
        )];
        for e in &s.registry_errors {
            comment.push(format!("Could not read: {e}"));
        }
        let mut yaml = String::from("registries:\n");
        for r in &s.registries {
            let _ = writeln!(yaml, "  - {}", quote(r));
        }
        out.push(Section {
            comment,
            yaml,
            active: true,
        });
    }

    // Packs.
    let mut comment = vec!["Built-in rule packs and the flag reads each found here:".to_string()];
    let mut unused = Vec::new();
    for (provider, what) in PACKS {
        let n = s.by_provider.get(*provider).copied().unwrap_or(0);
        comment.push(format!("  {provider:13} {n:5}  {what}"));
        if n == 0 {
            unused.push(*provider);
        }
    }
    for (provider, n) in &s.by_provider {
        if !PACKS.iter().any(|(p, _)| p == provider) {
            comment.push(format!("  {provider:13} {n:5}"));
        }
    }
    if s.dynamic > 0 {
        comment.push(format!(
            "({} of the reads have keys that cannot be known statically: dynamic-flag-key.)",
            s.dynamic
        ));
    }
    if unused.is_empty() {
        comment.push("Every pack finds reads here; to switch one off:".into());
        out.push(Section {
            comment,
            yaml: "disable_packs: [launchdarkly]\n".into(),
            active: false,
        });
    } else {
        comment.push(
            "Switching off the packs that found nothing is faster, but would miss a new SDK:"
                .into(),
        );
        out.push(Section {
            comment,
            yaml: format!("disable_packs: [{}]\n", unused.join(", ")),
            active: false,
        });
    }

    // Presets.
    if !s.presets.is_empty() {
        let mut comment =
            vec!["Presets on for this repository (their rules and registries apply):".into()];
        for (name, why) in &s.presets {
            comment.push(format!("  {name}: {why}"));
        }
        comment.push("To switch one off:".into());
        out.push(Section {
            comment,
            yaml: format!("presets: [-{}]\n", s.presets[0].0),
            active: false,
        });
    }

    // In-house helpers seen in the code.
    if !s.helpers.is_empty() {
        let mut comment = vec![
            "In-house helpers seen here: callees whose first argument names declared flags".into(),
            "where no rule reads (number of declared keys passed):".into(),
        ];
        for (c, n) in &s.helpers {
            comment.push(format!("  {c:30} {n:5}"));
        }
        // A bare callee is often imported (`from app.toggles import toggle_on`), which
        // flagdebt reads as `app.toggles.toggle_on`: both patterns.
        let list: Vec<String> = s
            .helpers
            .iter()
            .flat_map(|(c, _)| {
                let mut v = vec![quote(c)];
                if !c.contains('.') {
                    v.push(quote(&format!("*.{c}")));
                }
                v
            })
            .collect();
        out.push(Section {
            comment,
            yaml: format!("helpers: [{}]\n", list.join(", ")),
            active: true,
        });
    }

    // Helpers and extra rules.
    out.push(Section {
        comment: vec![
            "In-house flag helpers (`receiver.name` patterns, the key at argument 0), and rule"
                .into(),
            "files of your own (see the README's rule format):".into(),
        ],
        yaml: if s.helpers.is_empty() {
            "helpers: [\"*features.enabled\"]\nrules: [tools/flag-rules.yml]\n".into()
        } else {
            "rules: [tools/flag-rules.yml]\n".into()
        },
        active: false,
    });

    // Env.
    let transform = match s.key_style {
        Some("kebab") => "strip_prefix_kebab",
        Some("upper") => "strip_prefix",
        _ => "strip_prefix_lower",
    };
    let transform_note = match s.key_style {
        Some("kebab") => "the registry's keys are kebab-case: FLAG_MY_FEATURE is my-feature",
        Some("upper") => "the registry's keys are upper case: FLAG_MY_FEATURE is MY_FEATURE",
        Some(_) => "the registry's keys are snake_case: FLAG_MY_FEATURE is my_feature",
        None => "FLAG_MY_FEATURE is the flag my_feature",
    };
    if s.env_prefixes.is_empty() {
        out.push(Section {
            comment: vec![
                "Environment variables that are flags. No FLAG_/FEATURE_/FF_ reads were found;"
                    .into(),
                format!("the defaults are below ({transform_note})."),
            ],
            yaml: format!(
                "env:\n  prefixes: [FLAG_, FEATURE_, FF_]\n  key_transform: {transform}\n"
            ),
            active: false,
        });
    } else {
        out.push(Section {
            comment: vec![
                "Environment variables that are flags: the prefixes this repository uses (the"
                    .into(),
                "default is FLAG_, FEATURE_, FF_), and how a name maps to a key:".into(),
                format!("{transform_note}."),
            ],
            yaml: format!(
                "env:\n  prefixes: [{}]\n  key_transform: {transform}\n",
                s.env_prefixes.join(", ")
            ),
            active: true,
        });
    }

    // Excludes.
    let mut comment = vec![
        "More paths to leave out. vendor/, node_modules/, third_party/ and files your".into(),
        ".gitignore ignores are already skipped.".to_string(),
    ];
    if s.skipped > 0 {
        comment.push(format!(
            "The scan skipped {} file(s) (binary, too large, not UTF-8): `flagdebt scan` names them.",
            s.skipped
        ));
    }
    out.push(Section {
        comment,
        yaml: "exclude: [\"build/\", \"*.generated.ts\"]\n".into(),
        active: false,
    });

    // Consumers.
    let mut comment = vec![
        "Consumer classes: which code reads flags as a primary, background or exception".into(),
        "consumer, so disagreeing fallbacks can be told apart.".into(),
    ];
    let mut yaml = String::from("consumers:\n");
    if s.top_dirs.is_empty() {
        yaml.push_str("  primary: [\"src/**\"]\n  background: [\"jobs/**\"]\n");
    } else {
        let dirs: Vec<String> = s
            .top_dirs
            .iter()
            .map(|(d, n)| format!("{d}/ ({n})"))
            .collect();
        comment.push(format!("Folders with flag reads: {}.", dirs.join(", ")));
        let (background, primary): (Vec<&String>, Vec<&String>) =
            s.top_dirs.keys().partition(|d| looks_background(d));
        for (class, dirs) in [("primary", primary), ("background", background)] {
            if dirs.is_empty() {
                continue;
            }
            let globs: Vec<String> = dirs.iter().map(|d| quote(&format!("{d}/**"))).collect();
            let _ = writeln!(yaml, "  {class}: [{}]", globs.join(", "));
        }
    }
    out.push(Section {
        comment,
        yaml,
        active: false,
    });

    // Severity and thresholds.
    out.push(Section {
        comment: vec![
            "Severity per check (error | warning | info | off); `flagdebt explain --list`".into(),
            "shows every check and its default. Exit 1 means a finding at error level.".into(),
        ],
        yaml: "severity:\n  dynamic-flag-key: error\n  unused-suppression: \"off\"\nthresholds:\n  stale_days: 30\n".into(),
        active: false,
    });
    out
}

/// The config text. `uncomment_all` makes every suggestion live (for the schema test).
pub fn render(s: &Survey, uncomment_all: bool) -> String {
    let mut text = String::new();
    text.push_str("# flagdebt configuration, written by `flagdebt init`.\n");
    text.push_str(
        "# Every field is optional and unknown fields are errors; paths are relative to this file.\n",
    );
    let langs: Vec<String> = s
        .by_language
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let reads: usize = s.by_provider.values().sum();
    let _ = writeln!(
        text,
        "# Scanned {} file(s): {} flag read(s){}.",
        s.files,
        reads,
        if langs.is_empty() {
            String::new()
        } else {
            format!(" ({})", langs.join(", "))
        }
    );
    for sec in sections(s) {
        text.push('\n');
        for c in &sec.comment {
            let _ = writeln!(text, "# {c}");
        }
        for line in sec.yaml.lines() {
            if sec.active || uncomment_all {
                let _ = writeln!(text, "{line}");
            } else {
                let _ = writeln!(text, "# {line}");
            }
        }
    }
    text
}

/// `flagdebt init`.
pub fn run(quiet: bool, a: &InitArgs) -> Result<i32> {
    let root = a.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        bail!("{}: no such folder", root.display());
    }
    let existing = FILE_NAMES.iter().map(|n| root.join(n)).find(|p| p.exists());
    let target = existing.clone().unwrap_or_else(|| root.join(FILE_NAMES[0]));
    if !a.stdout && !a.force {
        if let Some(p) = &existing {
            bail!(
                "{}: a config already exists; `flagdebt init --force` overwrites it, `--stdout` prints the new one",
                p.display()
            );
        }
    }
    let s = survey(&root)?;
    let text = render(&s, false);
    if a.stdout {
        crate::report::emit(text.as_bytes()).context("cannot write the output")?;
        return Ok(crate::exit::OK);
    }
    std::fs::write(&target, &text)
        .with_context(|| format!("{}: cannot write the config", target.display()))?;
    if !quiet {
        let used: Vec<String> = s
            .by_provider
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect();
        eprintln!(
            "flagdebt: wrote {} ({} registry file(s); flag reads: {})",
            target.display(),
            s.registries.len(),
            if used.is_empty() {
                "none".to_string()
            } else {
                used.join(", ")
            }
        );
    }
    Ok(crate::exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn surveys() -> Vec<Survey> {
        let empty = Survey::default();
        let full = Survey {
            files: 10,
            by_provider: [("openfeature".to_string(), 3), ("env".to_string(), 2)].into(),
            by_language: [("python".to_string(), 5)].into(),
            dynamic: 1,
            registries: vec![
                "feature_flags.yaml".into(),
                "config/flags.flagd.json".into(),
            ],
            registry_errors: vec!["x.yaml:1:1: invalid YAML".into()],
            declared: 4,
            env_prefixes: vec!["FLAG_".into()],
            key_style: Some("kebab"),
            top_dirs: [("api".to_string(), 4), ("web app".to_string(), 1)].into(),
            skipped: 2,
            presets: vec![(
                "kubernetes".into(),
                "`go.mod` contains `k8s.io/component-base`".into(),
            )],
            helpers: vec![("toggle_on".into(), 2), ("*.flag_enabled?".into(), 3)],
        };
        let every_pack = Survey {
            by_provider: PACKS.iter().map(|(p, _)| (p.to_string(), 1)).collect(),
            key_style: Some("upper"),
            ..Survey::default()
        };
        vec![empty, full, every_pack]
    }

    #[test]
    fn every_suggestion_parses_with_the_config_schema() {
        for s in surveys() {
            let live = parse(&render(&s, false));
            let all = parse(&render(&s, true));
            assert!(!all.disable_packs.is_empty(), "the suggestions are there");
            assert_eq!(all.severity.get("unused-suppression").unwrap(), "off");
            // The suggested packs are real providers and the severities real checks.
            for p in &all.disable_packs {
                assert!(PACKS.iter().any(|(q, _)| q == p), "{p}");
            }
            assert!(crate::checks::apply_severity(Vec::new(), &all).is_ok());
            assert!(
                live.disable_packs.is_empty(),
                "switching packs off is a choice"
            );
            let live: Vec<&str> = live.registries.iter().map(|r| r.path()).collect();
            assert_eq!(live, s.registries);
        }
    }

    #[test]
    fn env_section_follows_what_was_seen() {
        let s = &surveys()[1];
        let cfg = parse(&render(s, false));
        assert_eq!(
            cfg.env.prefixes.as_deref(),
            Some(&["FLAG_".to_string()][..])
        );
        assert_eq!(
            cfg.env.key_transform,
            Some(crate::rules::KeyTransform::StripPrefixKebab)
        );
        let cfg = parse(&render(&surveys()[0], false));
        assert!(cfg.env.prefixes.is_none(), "nothing seen: defaults");
    }

    #[test]
    fn key_style_needs_a_majority() {
        assert_eq!(key_style(["a-b", "c-d", "e_f"].into_iter()), Some("kebab"));
        assert_eq!(key_style(["A_B", "C"].into_iter()), Some("upper"));
        assert_eq!(key_style(["a_b", "c-d"].into_iter()), None);
        assert_eq!(key_style(std::iter::empty()), None);
    }
}
