//! Release versions: the ones flags are declared with (`NewFeatureFlag("x", "v16.5.0", ...)`,
//! "will be removed in the v1.17 release") and the repository's own, which they are compared
//! with. The repository's version is, in order: the config's `version:`, a `VERSION` file, the
//! `version` of a package manifest (`package.json`, `Cargo.toml`, `pyproject.toml`), the
//! latest git tag.

use std::path::Path;

/// `major.minor.patch`, a `v` prefix and any pre-release or build suffix ignored for ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    /// `v16.5.0`, `1.17`, `16.7.0-rc1`; None when the text does not start with a version.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let mut parts = s[..end].split('.').filter(|p| !p.is_empty());
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        Some(Version {
            major,
            minor,
            patch,
        })
    }

    /// The first version named in a sentence after "remove"/"removed"/"removal"
    /// ("the flag will be removed in the v1.17 release", "removal in 2.0").
    pub fn removal_in(text: &str) -> Option<Version> {
        let lower = text.to_ascii_lowercase();
        let at = lower.find("remov")?;
        lower[at..]
            .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
            .find_map(|w| {
                let w = w.trim_end_matches(['.', ';', ':']);
                let digits = w.strip_prefix('v').unwrap_or(w);
                (digits.contains('.') && digits.starts_with(|c: char| c.is_ascii_digit()))
                    .then(|| Version::parse(w))
                    .flatten()
            })
    }

    /// How many minor releases `self` is behind `later` (a major step counts as far enough:
    /// `u64::MAX`).
    pub fn releases_until(self, later: Version) -> u64 {
        if later.major > self.major {
            u64::MAX
        } else if later.major < self.major {
            0
        } else {
            later.minor.saturating_sub(self.minor)
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The repository's own version and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoVersion {
    pub version: Version,
    pub source: String,
}

/// The repository's version under `root` (see the module documentation).
pub fn repo_version(root: &Path, configured: Option<&str>) -> Option<RepoVersion> {
    if let Some(v) = configured.and_then(Version::parse) {
        return Some(RepoVersion {
            version: v,
            source: "the config's `version`".into(),
        });
    }
    let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
    if let Some(v) = read("VERSION").and_then(|t| Version::parse(t.lines().next()?)) {
        return Some(RepoVersion {
            version: v,
            source: "VERSION".into(),
        });
    }
    if let Some(v) = read("package.json").and_then(|t| {
        let doc: serde_json::Value = serde_json::from_str(&t).ok()?;
        Version::parse(doc.get("version")?.as_str()?)
    }) {
        return Some(RepoVersion {
            version: v,
            source: "package.json".into(),
        });
    }
    for (file, table) in [("Cargo.toml", "[package]"), ("pyproject.toml", "[project]")] {
        if let Some(v) = read(file).and_then(|t| toml_version(&t, table)) {
            return Some(RepoVersion {
                version: v,
                source: file.into(),
            });
        }
    }
    git_tag(root)
}

/// `version = "x"` inside `table` of a TOML file.
fn toml_version(text: &str, table: &str) -> Option<Version> {
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == table;
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(rest) = t.strip_prefix("version") {
            let v = rest
                .trim_start()
                .strip_prefix('=')?
                .trim()
                .trim_matches('"');
            return Version::parse(v);
        }
    }
    None
}

/// The latest tag reachable from HEAD, when `root` is a git work tree.
fn git_tag(root: &Path) -> Option<RepoVersion> {
    if !root.join(".git").exists() {
        return None;
    }
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["describe", "--tags", "--abbrev=0"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let tag = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Some(RepoVersion {
        version: Version::parse(tag.rsplit('/').next()?)?,
        source: format!("the git tag {tag}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(
            v("v16.5.0"),
            Version {
                major: 16,
                minor: 5,
                patch: 0
            }
        );
        assert_eq!(v("16.7.0-rc1"), v("16.7.0"));
        assert_eq!(v("1.17"), v("v1.17.0"));
        assert_eq!(Version::parse("next"), None);
        assert_eq!(Version::parse("16"), None);
    }

    #[test]
    fn finds_removal_versions() {
        let r = Version::removal_in(
            "PriorityQueue feature is now GA and the corresponding feature flag will be removed in the v1.17 release.",
        );
        assert_eq!(r, Version::parse("1.17"));
        assert_eq!(
            Version::removal_in("removal planned for 2.3.1;"),
            Version::parse("2.3.1")
        );
        assert_eq!(Version::removal_in("GA since v1.2, kept"), None);
    }

    #[test]
    fn counts_releases() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(v("v16.5.0").releases_until(v("16.7.0-rc1")), 2);
        assert_eq!(v("v16.7.0").releases_until(v("16.5.0")), 0);
        assert_eq!(v("1.9").releases_until(v("2.0")), u64::MAX);
    }

    #[test]
    fn reads_manifests() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(repo_version(dir.path(), None), None);
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.x]\nversion = \"9.9\"\n[project]\nname = \"a\"\nversion = \"3.4.5\"\n",
        )
        .unwrap();
        assert_eq!(
            repo_version(dir.path(), None).map(|r| (r.version.to_string(), r.source)),
            Some(("v3.4.5".into(), "pyproject.toml".into()))
        );
        std::fs::write(dir.path().join("VERSION"), "16.7.0-rc1\n").unwrap();
        assert_eq!(
            repo_version(dir.path(), None).map(|r| r.version.to_string()),
            Some("v16.7.0".into())
        );
        assert_eq!(
            repo_version(dir.path(), Some("v2.0")).map(|r| r.version.to_string()),
            Some("v2.0.0".into())
        );
    }
}
