//! Presets: a widespread convention packaged as rule packs (`rules/presets/*.yml`, embedded)
//! plus the registry source it implies, switched on automatically when the repository shows the
//! convention (a file, a folder, an import path in `go.mod`). The config can force a preset on
//! (`presets: [kubernetes]`) or off (`presets: [-gitlab]`). Detection looks at the names of the
//! scan's own listing ([`crate::walk::list`]: no second walk, and the scan's excludes: a
//! vendored project's convention is not this repository's), reading only the few files a
//! marker names (`go.mod`, `features.py`, ...) and, for a registry's `$schema`, the head of a
//! JSON file, as registry discovery does.

use std::path::Path;

use crate::walk::Listing;
use anyhow::{bail, Result};
use globset::{Glob, GlobSetBuilder};
use rayon::prelude::*;

/// What shows that a repository follows a convention.
#[derive(Debug, Clone, Copy)]
pub enum Marker {
    /// A file whose path matches the glob (`**/*.flagd.json`).
    File(&'static str),
    /// A folder whose path matches the glob (`**/config/feature_flags`).
    Dir(&'static str),
    /// A file whose path matches the glob and whose text contains the string.
    Contains(&'static str, &'static str),
    /// A file registry discovery takes for a registry of this kind
    /// ([`crate::registry::registry_kind`]): by its name, or by its JSON `$schema`,
    /// sniffed from the head of the file as the registry does.
    Registry(crate::registry::SourceKind),
    /// A `go.mod` whose module path or a direct requirement (not `// indirect`) starts with
    /// the prefix.
    GoModule(&'static str),
}

impl Marker {
    fn describe(&self) -> String {
        match self {
            Marker::File(g) => format!("a file `{g}`"),
            Marker::Dir(g) => format!("a folder `{g}`"),
            Marker::Contains(g, t) => format!("`{g}` containing `{t}`"),
            Marker::Registry(k) => format!("a {k} registry file"),
            Marker::GoModule(m) => format!("a `go.mod` requiring `{m}`"),
        }
    }
}

/// One built-in preset.
#[derive(Debug)]
pub struct Preset {
    pub name: &'static str,
    pub summary: &'static str,
    /// Rule packs, `(file name, text)`.
    pub packs: &'static [(&'static str, &'static str)],
    /// Where its flags are declared.
    pub registry: &'static str,
    pub markers: &'static [Marker],
}

pub static ALL: &[Preset] = &[
    Preset {
        name: "kubernetes",
        summary: "Kubernetes-style feature gates (k8s.io/component-base/featuregate)",
        packs: &[(
            "presets/kubernetes.yml",
            include_str!("../../rules/presets/kubernetes.yml"),
        )],
        registry: "code: `Name featuregate.Feature = \"Name\"` constants (`// owner:` above) and the FeatureSpec / VersionedSpecs maps",
        markers: &[Marker::GoModule("k8s.io/component-base")],
    },
    Preset {
        name: "gitlab",
        summary: "GitLab conventions: Rails `Feature.enabled?`, Gitaly `featureflag.NewFeatureFlag`, Runner `FF_*` flags",
        packs: &[("presets/gitlab.yml", include_str!("../../rules/presets/gitlab.yml"))],
        registry: "config/feature_flags/**/*.yml definitions; code: `featureflag.NewFeatureFlag(...)` and `[]FeatureFlag{...}` lists",
        markers: &[
            Marker::Dir("**/config/feature_flags"),
            Marker::GoModule("gitlab.com/gitlab-org/"),
        ],
    },
    Preset {
        name: "openfeature-flagd",
        summary: "OpenFeature with flagd: flagd flag files as the registry, reads through any OpenFeature SDK",
        packs: &[],
        registry: "`*.flagd.json` files, and JSON files with the flagd `$schema`",
        markers: &[Marker::Registry(crate::registry::SourceKind::Flagd)],
    },
    Preset {
        name: "feature-manager",
        summary: "A feature manager (`features.add(\"organizations:x\", ...)` / `features.has(...)`) and a settings module of env flags",
        packs: &[(
            "presets/feature-manager.yml",
            include_str!("../../rules/presets/feature-manager.yml"),
        )],
        registry: "code: `features.add(\"scope:name\", ...)` calls; `X = parse_boolean(os.environ.get(\"APP_X\", ...))` settings",
        markers: &[
            Marker::Contains("**/features.py", "features.add("),
            Marker::Contains("**/features/*.py", "features.add("),
            Marker::Contains("**/settings.py", "parse_boolean("),
            Marker::Contains("**/settings/*.py", "parse_boolean("),
        ],
    },
    Preset {
        name: "togglz",
        summary: "Togglz (Java): enums implementing `Feature` list the flags",
        packs: &[("presets/togglz.yml", include_str!("../../rules/presets/togglz.yml"))],
        registry: "code: the constants of enums implementing `Feature` (`// owner:` above)",
        markers: &[
            Marker::Contains("**/pom.xml", "org.togglz"),
            Marker::Contains("**/build.gradle", "org.togglz"),
            Marker::Contains("**/build.gradle.kts", "org.togglz"),
        ],
    },
];

/// Whether a preset is on for a repository, and why.
#[derive(Debug, Clone)]
pub struct Detection {
    pub preset: &'static Preset,
    pub active: bool,
    pub reason: String,
    /// Where its rules read: the root-relative folders of the subprojects that hold a marker
    /// ([`project_dir`]); None: the whole run (a marker outside any subproject, or the config
    /// switched it on).
    pub scope: Option<Vec<String>>,
}

/// Files that make their folder a project of its own, for a preset's scope: a marker applies
/// to the nearest folder above it that holds one of these.
const MANIFESTS: &[&str] = &[
    "go.mod",
    "package.json",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Gemfile",
    "Cargo.toml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
];

/// The folder of the subproject a marker at `rel` belongs to: the nearest folder at or above
/// it (a file's own folder, a folder itself) that holds a manifest; "" (the root) when none
/// below the root does.
fn project_dir<'a>(
    rel: &'a str,
    is_dir: bool,
    manifests: &std::collections::HashSet<&str>,
) -> &'a str {
    let mut dir = if is_dir {
        rel
    } else {
        rel.rsplit_once('/').map_or("", |(d, _)| d)
    };
    while !dir.is_empty() {
        if manifests.contains(dir) {
            return dir;
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
    ""
}

/// Give the rules of each active preset found only in some subprojects their scope (see
/// [`crate::rules::Rule::scope`]). A user's rule that replaced a preset rule is not scoped.
pub fn scope_rules(rules: &mut crate::rules::RuleSet, presets: &[Detection]) {
    for d in presets.iter().filter(|d| d.active) {
        let Some(scope) = &d.scope else { continue };
        for (name, _) in d.preset.packs {
            let source = format!("rules/{name}");
            for r in rules.rules.iter_mut().filter(|r| r.source == source) {
                r.scope = Some(scope.clone());
            }
        }
    }
}

/// A preset's markers as found: the first one's reason, and the subprojects they are in.
struct Found {
    reason: String,
    /// None: some marker is outside any subproject (the preset applies everywhere).
    scope: Option<Vec<String>>,
}

pub fn by_name(name: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.name == name)
}

/// The config's `presets:` list: `name` forces a preset on, `-name` off.
fn forced(cfg: &[String]) -> Result<Vec<(&'static str, bool)>> {
    let mut out = Vec::new();
    for entry in cfg {
        let (name, on) = match entry.strip_prefix('-') {
            Some(n) => (n, false),
            None => (entry.as_str(), true),
        };
        let Some(p) = by_name(name) else {
            let names: Vec<&str> = ALL.iter().map(|p| p.name).collect();
            bail!(
                "config: `presets` names an unknown preset `{name}` (one of {})",
                names.join(", ")
            );
        };
        out.push((p.name, on));
    }
    Ok(out)
}

/// Detect every preset under `roots` (folders; a file root is skipped), then apply the
/// config's forced choices.
pub fn detect(roots: &[&Listing], cfg: &[String]) -> Result<Vec<Detection>> {
    let forced = forced(cfg)?;
    let mut found: Vec<Option<Found>> = ALL.iter().map(|_| None).collect();
    for root in roots.iter().filter(|r| r.root.is_dir()) {
        scan_markers(root, &mut found);
    }
    Ok(ALL
        .iter()
        .zip(found)
        .map(|(p, hit)| {
            let force = forced.iter().rev().find(|(n, _)| *n == p.name).map(|f| f.1);
            let (active, reason, scope) = match (force, hit) {
                (Some(true), _) => (true, "switched on by the config".to_string(), None),
                (Some(false), _) => (false, "switched off by the config".to_string(), None),
                (None, Some(f)) => (true, f.reason, f.scope),
                (None, None) => (
                    false,
                    format!(
                        "not detected (looked for {})",
                        p.markers
                            .iter()
                            .map(Marker::describe)
                            .collect::<Vec<_>>()
                            .join(", or ")
                    ),
                    None,
                ),
            };
            Detection {
                preset: p,
                active,
                reason,
                scope,
            }
        })
        .collect())
}

/// Largest file read to look for a marker's text.
const MAX_MARKER_BYTES: u64 = 1024 * 1024;

fn scan_markers(listing: &Listing, found: &mut [Option<Found>]) {
    // One glob set over every marker: one match per entry, not one per marker.
    let markers: Vec<(usize, Marker)> = ALL
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.markers.iter().map(move |m| (i, *m)))
        .collect();
    let mut set = GlobSetBuilder::new();
    for (_, m) in &markers {
        let g = match m {
            Marker::File(g) | Marker::Dir(g) | Marker::Contains(g, _) => g,
            Marker::GoModule(_) => "**/go.mod",
            // Every registry file is YAML or JSON (the discovery's own first look).
            Marker::Registry(_) => "**/*.{json,yml,yaml}",
        };
        set.add(Glob::new(g).expect("built-in marker globs are valid"));
    }
    let Ok(set) = set.build() else { return };
    let manifests: std::collections::HashSet<&str> = listing
        .files
        .iter()
        .filter_map(|f| {
            let (dir, name) = f.rel.rsplit_once('/').unwrap_or(("", &f.rel));
            MANIFESTS.contains(&name).then_some(dir)
        })
        .collect();
    // A preset found outside any subproject applies everywhere: nothing more to look for.
    let everywhere = |f: &Option<Found>| f.as_ref().is_some_and(|f| f.scope.is_none());
    // Folders first, then files, each in path order, so the reason names the same entry
    // every run. Hidden folders (`.openfeature/`) are listed for registries only.
    let dirs = listing.dirs.iter().map(|d| (d.as_str(), None));
    let files = listing
        .files
        .iter()
        .map(|f| (f.rel.as_str(), Some(f.path.as_path())));
    let entries: Vec<(&str, Option<&Path>)> = dirs.chain(files).collect();
    // The markers whose globs each entry matches, on every thread (a glob set over every
    // path of the tree); the loop below takes them in order and reads a file only when a
    // preset it could show is not found yet.
    let matched: Vec<(&str, Option<&Path>, Vec<usize>)> = entries
        .par_iter()
        .filter_map(|&(rel, file)| {
            // Hidden folders, and test fixtures: a flagd file under `testdata/` is a test's.
            if crate::walk::is_hidden(rel) || crate::registry::in_fixture_dir(rel) {
                return None;
            }
            let hits = set.matches(rel);
            (!hits.is_empty()).then_some((rel, file, hits))
        })
        .collect();
    for (rel, file, hits) in matched {
        if found.iter().all(everywhere) {
            break;
        }
        for h in hits {
            let (i, m) = markers[h];
            if everywhere(&found[i]) {
                continue;
            }
            let dir = project_dir(rel, file.is_none(), &manifests);
            if let Some(Some(scope)) = found[i].as_ref().map(|f| &f.scope) {
                if scope.iter().any(|d| crate::project::under(dir, d)) {
                    continue; // a subproject already in scope
                }
            }
            let hit = marker_hit(&m, rel, file);
            let Some(reason) = hit else { continue };
            match &mut found[i] {
                None => {
                    found[i] = Some(Found {
                        reason,
                        scope: (!dir.is_empty()).then(|| vec![dir.to_string()]),
                    })
                }
                // The first marker's reason stays; the scope grows.
                Some(f) => match &mut f.scope {
                    Some(scope) if !dir.is_empty() => {
                        scope.retain(|d| !crate::project::under(d, dir));
                        scope.push(dir.to_string());
                    }
                    _ => f.scope = None,
                },
            }
        }
    }
}

/// Whether the entry `rel` (a folder when `file` is None) shows marker `m`, whose glob it
/// matches: the reason when it does.
fn marker_hit(m: &Marker, rel: &str, file: Option<&Path>) -> Option<String> {
    match (m, file) {
        (Marker::File(_), Some(_)) => Some(format!("found `{rel}`")),
        (Marker::Dir(_), None) => Some(format!("found the folder `{rel}/`")),
        (Marker::Contains(_, text), Some(path)) => {
            contains(path, text).then(|| format!("`{rel}` contains `{text}`"))
        }
        (Marker::Registry(kind), Some(path)) => {
            if crate::registry::kind_for_path(rel) == Some(*kind) {
                Some(format!("found `{rel}`"))
            } else {
                (crate::registry::registry_kind(rel, path) == Some(*kind))
                    .then(|| format!("`{rel}` names the {kind} `$schema`"))
            }
        }
        (Marker::GoModule(prefix), Some(path)) => {
            go_mod_requires(path, prefix).map(|m| format!("`{rel}` requires `{m}`"))
        }
        _ => None,
    }
}

/// The module path or direct requirement of a `go.mod` that starts with `prefix`: the
/// `module` line, `require x v1` lines and `require ( ... )` blocks; `// indirect` ones are
/// dependencies of dependencies, not this module's convention.
fn go_mod_requires(path: &Path, prefix: &str) -> Option<String> {
    let bytes = crate::scan::read::read_source(path, MAX_MARKER_BYTES).ok()?;
    go_mod_find(std::str::from_utf8(&bytes).ok()?, prefix)
}

fn go_mod_find(text: &str, prefix: &str) -> Option<String> {
    let mut in_block = false;
    for line in text.lines() {
        let (code, comment) = match line.split_once("//") {
            Some((c, k)) => (c.trim(), k.trim()),
            None => (line.trim(), ""),
        };
        let module = if in_block {
            if code.starts_with(')') {
                in_block = false;
                continue;
            }
            code.split_whitespace().next()
        } else if let Some(rest) = code.strip_prefix("require") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
                continue;
            }
            rest.split_whitespace().next()
        } else if let Some(rest) = code.strip_prefix("module ") {
            rest.split_whitespace().next()
        } else {
            None
        };
        let Some(m) = module.map(|m| m.trim_matches('"')) else {
            continue;
        };
        if comment.starts_with("indirect") {
            continue;
        }
        if m.starts_with(prefix) {
            return Some(m.to_string());
        }
    }
    None
}

/// Whether the file holds `text`, read in chunks through one small buffer (a marker's glob
/// can name large files, `**/*.json` a tree's GeoJSON maps: a buffer the size of each file
/// cost a fresh mapping and its page faults every time).
fn contains(path: &Path, text: &str) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if file.metadata().map_or(true, |m| m.len() > MAX_MARKER_BYTES) {
        return false;
    }
    let finder = memchr::memmem::Finder::new(text.as_bytes());
    let carry = text.len().saturating_sub(1);
    let mut buf = vec![0u8; 64 * 1024];
    // `kept` bytes of the previous chunk's end stay in front: a text split by a chunk
    // boundary is found whole.
    let mut kept = 0;
    loop {
        let n = match file.read(&mut buf[kept..]) {
            Ok(0) => return false,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        let filled = kept + n;
        if finder.find(&buf[..filled]).is_some() {
            return true;
        }
        kept = carry.min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// The ids of a preset's rules (its packs'), for telling whether it found anything.
pub fn rule_ids(p: &Preset) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Ids {
        rules: Vec<Id>,
    }
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    p.packs
        .iter()
        .filter_map(|(name, text)| crate::rules::read_builtin::<Ids>(name, text).ok())
        .flat_map(|f| f.rules.into_iter().map(|r| r.id))
        .collect()
}

/// The rule packs of the active presets.
pub fn packs(active: &[Detection]) -> Vec<(&'static str, &'static str)> {
    active
        .iter()
        .filter(|d| d.active)
        .flat_map(|d| d.preset.packs.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A marker's text is found wherever it sits, a chunk boundary across it included, and
    /// not in a file over the size limit.
    #[test]
    fn contains_reads_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let text = "flagd.dev/schema";
        let write = |name: &str, before: usize, with: bool| {
            let mut b = vec![b' '; before];
            if with {
                b.extend_from_slice(text.as_bytes());
            }
            b.extend_from_slice(b"}\n");
            let p = dir.path().join(name);
            std::fs::write(&p, b).unwrap();
            p
        };
        for before in [0, 10, 64 * 1024 - 7, 64 * 1024, 3 * 64 * 1024 + 1] {
            assert!(contains(&write("a.json", before, true), text), "{before}");
            assert!(!contains(&write("b.json", before, false), text), "{before}");
        }
        let big = write("big.json", MAX_MARKER_BYTES as usize, true);
        assert!(!contains(&big, text));
        assert!(!contains(&dir.path().join("missing.json"), text));
    }

    /// The flagd preset's marker is a file the registry takes for a flagd registry: by name,
    /// or by the `$schema` at its head; a JSON file that only mentions the schema further on
    /// (a lock file, a document) is none.
    #[test]
    fn a_registry_marker_is_a_file_the_registry_reads() {
        let dir = tempfile::tempdir().unwrap();
        let m = Marker::Registry(crate::registry::SourceKind::Flagd);
        let hit = |rel: &str, text: &str| {
            let p = dir.path().join(rel.replace('/', "_"));
            std::fs::write(&p, text).unwrap();
            marker_hit(&m, rel, Some(&p))
        };
        assert_eq!(
            hit("flags/shop.flagd.json", "{}").as_deref(),
            Some("found `flags/shop.flagd.json`")
        );
        assert_eq!(
            hit(
                "deploy/flags.json",
                r#"{"$schema": "https://flagd.dev/schema/v0/flags.json", "flags": {}}"#
            )
            .as_deref(),
            Some("`deploy/flags.json` names the flagd `$schema`")
        );
        let deep = format!(
            "{{\"data\": \"{}\", \"see\": \"https://flagd.dev/schema/v0/flags.json\"}}",
            "x".repeat(2 * crate::registry::SNIFF_BYTES)
        );
        assert_eq!(hit("maps/world.geo.json", &deep), None);
        assert_eq!(hit("package.json", r#"{"name": "flagd.dev/schema"}"#), None);
    }

    #[test]
    fn every_pack_compiles() {
        for p in ALL {
            crate::rules::RuleSet::load_with(
                p.packs,
                &[],
                &[],
                crate::rules::EnvSettings::default(),
            )
            .unwrap_or_else(|e| panic!("preset {}: {e:#}", p.name));
        }
    }

    #[test]
    fn go_mod_direct_requirements_only() {
        let text = "module example.com/app\n\ngo 1.22\n\nrequire k8s.io/api v0.30.0\n\nrequire (\n\tgithub.com/x/y v1.0.0\n\tk8s.io/component-base v0.30.0 // indirect\n)\n";
        assert_eq!(go_mod_find(text, "k8s.io/component-base"), None);
        assert_eq!(
            go_mod_find(text, "k8s.io/api").as_deref(),
            Some("k8s.io/api")
        );
        let direct = text.replace(" // indirect", "");
        assert_eq!(
            go_mod_find(&direct, "k8s.io/component-base").as_deref(),
            Some("k8s.io/component-base")
        );
        assert_eq!(
            go_mod_find(
                "module gitlab.com/gitlab-org/gitaly/v16\n",
                "gitlab.com/gitlab-org/"
            )
            .as_deref(),
            Some("gitlab.com/gitlab-org/gitaly/v16")
        );
        // A mention in a comment or a replace directive is not a requirement.
        assert_eq!(
            go_mod_find(
                "module a\n// uses k8s.io/component-base\nreplace k8s.io/component-base => ../cb\n",
                "k8s.io/component-base"
            ),
            None
        );
    }

    #[test]
    fn config_names_are_checked() {
        assert!(forced(&["kubernetes".into(), "-gitlab".into()]).is_ok());
        let err = forced(&["kubernete".into()]).unwrap_err().to_string();
        assert!(err.contains("kubernete"), "{err}");
    }
}
