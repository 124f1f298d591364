//! Finding registry files under a scan root without being told where they are.
//!
//! Found by name: `feature_flags.yaml` / `.yml` anywhere, GitLab flag folders
//! (`…/config/feature_flags/**/*.yml`, which covers `ee/config/feature_flags/`), and
//! `*.flagd.json`. Found by content: JSON whose `$schema` names flagd or the OpenFeature CLI
//! manifest (read from the first [`SNIFF_BYTES`]), and any `flags.json` (including
//! `.openfeature/flags.json`) that parses as one of the two formats.
//!
//! It reads the scan's listing ([`crate::walk::list`]), which honours `.gitignore`/`.ignore`
//! (also outside a git repository: a registry in an ignored folder is generated output), the
//! config's excludes, and skips hidden entries except `.openfeature/`; registries are never
//! taken from `vendor/`, `node_modules/` or `third_party/`, whatever the excludes say.

use std::io::Read;
use std::path::Path;

use crate::walk::{Listing, WalkOptions};

use super::{json, SourceKind, MAX_FILE_BYTES};

/// Directories never searched for registries: other people's code.
pub const SKIPPED_DIRS: &[&str] = &["vendor", "node_modules", "third_party", ".git"];

/// Folders of test data and fixtures: a registry there is a test's input (`testdata/flags.flagd.json`),
/// not the project's. Name such a file in `registries:` to read it anyway.
pub const FIXTURE_DIRS: &[&str] = &[
    "testdata",
    "test-data",
    "fixtures",
    "__fixtures__",
    "__mocks__",
    "test",
    "tests",
    "__tests__",
    "spec",
];

/// Whether a `/`-separated relative path lies in a test-data or fixture folder.
pub fn in_fixture_dir(rel: &str) -> bool {
    let dirs = rel.rsplit_once('/').map_or("", |(d, _)| d);
    dirs.split('/').any(|d| FIXTURE_DIRS.contains(&d))
}

/// How much of a JSON file is read to look for a `$schema`.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// Registry files under `root`, as sorted `/`-separated paths relative to `root`.
pub fn discover(root: &Path) -> Vec<String> {
    discover_in(&crate::walk::list(root, &WalkOptions::default()))
}

/// Registry files of a listing (the scan's own, when the registry root is the scan root).
pub fn discover_in(listing: &Listing) -> Vec<String> {
    let mut found = Vec::new();
    for f in &listing.files {
        // Every registry file is YAML or JSON: a cheap look at the name first.
        let ext = f.rel.rsplit_once('.').map_or("", |(_, e)| e);
        if !["json", "yml", "yaml"]
            .iter()
            .any(|x| ext.eq_ignore_ascii_case(x))
        {
            continue;
        }
        let dirs = f.rel.rsplit_once('/').map_or("", |(d, _)| d);
        if dirs.split('/').any(|d| SKIPPED_DIRS.contains(&d))
            || in_fixture_dir(&f.rel)
            || crate::walk::is_ci_path(&f.rel)
        {
            continue;
        }
        if registry_kind(&f.rel, &f.path).is_some() {
            found.push(f.rel.clone());
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The format of the registry file at `rel` (read from `path`): by its name, else, for JSON,
/// by the `$schema` in its head ([`sniff_json_kind`]). None: no registry file.
pub fn registry_kind(rel: &str, path: &Path) -> Option<SourceKind> {
    kind_for_path(rel).or_else(|| {
        rel.to_ascii_lowercase()
            .ends_with(".json")
            .then(|| sniff_json_kind(path))
            .flatten()
    })
}

/// The format a registry file has by its name alone (`/`-separated path), if its name settles it.
pub fn kind_for_path(rel_path: &str) -> Option<SourceKind> {
    let parts: Vec<&str> = rel_path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .collect();
    let name = *parts.last()?;
    if name == "feature_flags.yaml" || name == "feature_flags.yml" {
        return Some(SourceKind::Yaml);
    }
    if name.ends_with(".flagd.json") {
        return Some(SourceKind::Flagd);
    }
    let is_yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let dirs = &parts[..parts.len() - 1];
    if is_yaml && dirs.windows(2).any(|w| w == ["config", "feature_flags"]) {
        return Some(SourceKind::FlagDir);
    }
    None
}

/// Whether the JSON file at `path` is a flagd file or an OpenFeature manifest, judged by its
/// `$schema` (first [`SNIFF_BYTES`]) or, for a file named `flags.json`, by parsing it.
pub fn sniff_json_kind(path: &Path) -> Option<SourceKind> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)
        .ok()?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    let head = String::from_utf8_lossy(&head);
    if let Some(schema_at) = head.find("\"$schema\"") {
        let rest = &head[schema_at + "\"$schema\"".len()..];
        let value = rest
            .trim_start()
            .strip_prefix(':')
            .map(str::trim_start)
            .and_then(|v| v.strip_prefix('"'));
        if let Some(kind) = value
            .and_then(|v| v.split('"').next())
            .and_then(json::kind_for_schema)
        {
            return Some(kind);
        }
    }
    if path.file_name().is_some_and(|n| n == "flags.json") {
        let text = std::fs::read_to_string(path).ok()?;
        return json::detect(text.strip_prefix('\u{feff}').unwrap_or(&text));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_settle_the_format() {
        assert_eq!(kind_for_path("feature_flags.yaml"), Some(SourceKind::Yaml));
        assert_eq!(
            kind_for_path("backend_v2/api/feature_flags.yml"),
            Some(SourceKind::Yaml)
        );
        assert_eq!(
            kind_for_path("config/feature_flags/development/a.yml"),
            Some(SourceKind::FlagDir)
        );
        assert_eq!(
            kind_for_path("ee/config/feature_flags/ops/b.yml"),
            Some(SourceKind::FlagDir)
        );
        assert_eq!(
            kind_for_path("deploy/prod.flagd.json"),
            Some(SourceKind::Flagd)
        );
        assert_eq!(kind_for_path("config/feature_flags.rb"), None);
        assert_eq!(kind_for_path("config/settings.yml"), None);
        assert_eq!(kind_for_path("flags.json"), None);
        assert_eq!(kind_for_path(""), None);
    }
}
