//! Projects: which `.flagdebt.yml` governs each scanned path, and which folder is the root its
//! keys and registries resolve against. Like ruff, the nearest config above a file wins:
//! discovery starts from the scanned path (then the working directory), and a config found in
//! a sub-folder of a scanned tree makes that sub-folder a project of its own. The project root
//! is the config's folder, else the VCS root, else the scanned folder itself. A run over
//! several projects (a monorepo with one registry and provider per service) gives one report.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::{Config, FILE_NAMES};

/// One project of a run and what of it the run reports on.
#[derive(Debug)]
pub struct Project {
    /// The project root, absolute.
    pub root: PathBuf,
    pub config: Config,
    /// The scanned paths under the root, `/`-separated, relative to it; None: the whole
    /// project. Checks that need the whole tree run only then.
    pub scope: Option<Vec<String>>,
    /// Sub-folders (relative to the root) that are projects of their own: left out here.
    pub nested: Vec<String>,
}

impl Project {
    pub fn whole(&self) -> bool {
        self.scope.is_none()
    }

    /// Whether a root-relative path is one the run reports on.
    pub fn in_scope(&self, path: &str) -> bool {
        match &self.scope {
            None => true,
            Some(s) => s.iter().any(|s| under(path, s)),
        }
    }

    /// Whether nothing is left to report on (every scanned path is in a nested project).
    pub fn is_empty(&self) -> bool {
        self.scope.as_ref().is_some_and(Vec::is_empty)
    }
}

/// `path` is `dir` or lies below it (`/`-separated, relative paths; `""` is the root).
pub fn under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

/// The config file in `dir`, if any.
pub fn config_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

fn config_upward(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(config_in)
}

/// The nearest folder above `start` (or `start`) holding `.git` (a folder, or a worktree's
/// file) or `.hg`.
pub fn vcs_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(".git").exists() || d.join(".hg").is_dir())
        .map(Path::to_path_buf)
}

/// Absolute and without `.`/`..`, symlinks kept: the base tree of diff mode links folders to
/// the working tree, and a path inside it must stay inside it.
fn canonical(p: &Path) -> PathBuf {
    crate::diff::normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

/// The projects the given paths (`.` when none) belong to, each with its scope, sorted by
/// root. `explicit` (`--config`) governs every path and turns nested discovery off.
pub fn discover(paths: &[PathBuf], explicit: Option<&Path>, cwd: &Path) -> Result<Vec<Project>> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    // (root, config file) → scope
    let mut found: Vec<(PathBuf, Option<PathBuf>, Vec<String>)> = Vec::new();
    for p in &paths {
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
        let abs = canonical(p);
        let start = if abs.is_dir() {
            abs.clone()
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let (cfg, root) = match explicit {
            Some(e) => {
                let dir = canonical(e).parent().map(Path::to_path_buf);
                let root = match dir {
                    Some(d) if start.starts_with(&d) => d,
                    _ => vcs_root(&start).unwrap_or_else(|| start.clone()),
                };
                (Some(e.to_path_buf()), root)
            }
            None => match config_upward(&start) {
                Some(c) => {
                    let root = c.parent().map(Path::to_path_buf).unwrap_or_default();
                    (Some(c), root)
                }
                None => (
                    config_upward(&canonical(cwd)),
                    vcs_root(&start).unwrap_or_else(|| start.clone()),
                ),
            },
        };
        let scope = rel(&root, &abs);
        match found.iter_mut().find(|(r, c, _)| *r == root && *c == cfg) {
            Some((_, _, s)) => s.push(scope),
            None => found.push((root, cfg, vec![scope])),
        }
    }
    let mut out = Vec::new();
    for (root, cfg, scope) in found {
        let config = match &cfg {
            Some(c) => Config::read(c)?,
            None => Config::default(),
        };
        let scope = if scope.iter().any(String::is_empty) {
            None
        } else {
            Some(scope)
        };
        out.push(Project {
            root,
            config,
            scope,
            nested: Vec::new(),
        });
    }
    out.sort_by(|a, b| a.root.cmp(&b.root));
    Ok(out)
}

/// Split off the sub-folders of `project` that hold a config of their own (`dirs`: the
/// project's listed folders holding a file named like a config, root-relative, sorted): each becomes a project whose scope is the part of
/// the parent's scope below it, and the parent leaves it out. Only the topmost nested configs
/// are returned; their own nested ones are found when they are listed.
pub fn split_nested(project: &mut Project, dirs: &[String]) -> Result<Vec<Project>> {
    let mut out: Vec<Project> = Vec::new();
    for d in dirs {
        if project.nested.iter().any(|n| under(d, n)) {
            continue;
        }
        let abs = project.root.join(d);
        let Some(cfg) = config_in(&abs) else { continue };
        // The nested project's scope: the parent's, below `d`.
        let scope = match &project.scope {
            None => None,
            Some(scope) if scope.iter().any(|s| under(d, s)) => None,
            Some(scope) => Some(
                scope
                    .iter()
                    .filter(|s| under(s, d))
                    .map(|s| s[d.len()..].trim_start_matches('/').to_string())
                    .collect::<Vec<_>>(),
            ),
        };
        project.nested.push(d.clone());
        if scope.as_ref().is_some_and(Vec::is_empty) {
            continue;
        }
        let scope = scope.filter(|s| !s.iter().any(String::is_empty));
        out.push(Project {
            root: abs,
            config: Config::read(&cfg)?,
            scope,
            nested: Vec::new(),
        });
    }
    // The parent no longer reports on what the nested projects cover.
    let nested = project.nested.clone();
    if let Some(scope) = &mut project.scope {
        scope.retain(|s| !nested.iter().any(|n| under(s, n)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::under;

    #[test]
    fn under_is_component_wise() {
        assert!(under("a/b.py", "a"));
        assert!(under("a", "a"));
        assert!(under("x", ""));
        assert!(!under("ab/c.py", "a"));
        assert!(!under("a", "a/b"));
    }
}
