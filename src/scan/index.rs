//! The scanned source files by root-relative path, as the later passes look them up: by path
//! (a map in path order), by the last segments of a path (`x/flags.py` for
//! `from x import flags`, `FlagKeys.java` anywhere), and a Go package's files by the trailing
//! segments of its import path. Import resolution asks the suffix questions once per import
//! it follows; each is answered from a table of last segments built on first need, not by a
//! walk over every file.

use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::lang::Language;

/// Root-relative path → (language, path to read it from).
pub type Files = BTreeMap<String, (Language, PathBuf)>;

pub struct FileIndex {
    files: Files,
    /// A file name (the last segment) → the paths ending in it, in path order.
    by_name: OnceLock<HashMap<String, Vec<String>>>,
    /// A folder name (its last segment) → the folders of that name holding a Go package's
    /// files (tests left out), in path order.
    go_dirs: OnceLock<HashMap<String, Vec<String>>>,
}

impl Deref for FileIndex {
    type Target = Files;
    fn deref(&self) -> &Files {
        &self.files
    }
}

impl From<Files> for FileIndex {
    fn from(files: Files) -> FileIndex {
        FileIndex {
            files,
            by_name: OnceLock::new(),
            go_dirs: OnceLock::new(),
        }
    }
}

impl FileIndex {
    /// The paths equal to `suffix` or ending in `/suffix`, in path order.
    pub fn ending(&self, suffix: &str) -> Vec<&String> {
        let by_name = self.by_name.get_or_init(|| {
            let mut m: HashMap<String, Vec<String>> = HashMap::new();
            for k in self.files.keys() {
                m.entry(last_segment(k).to_string())
                    .or_default()
                    .push(k.clone());
            }
            m
        });
        by_name
            .get(last_segment(suffix))
            .into_iter()
            .flatten()
            .filter(|k| ends_with_segments(k, suffix))
            .collect()
    }

    /// A Go package's files (tests left out): those of the folders found by the longest run
    /// of the import path's trailing segments that names a package folder of the tree.
    pub fn go_package_files(&self, module: &str) -> Vec<String> {
        let go_dirs = self.go_dirs.get_or_init(|| {
            let mut m: HashMap<String, Vec<String>> = HashMap::new();
            for k in self.files.keys().filter(|k| is_go_package_file(k)) {
                let dir = dir_of(k);
                m.entry(last_segment(dir).to_string())
                    .or_default()
                    .push(dir.to_string());
            }
            for dirs in m.values_mut() {
                dirs.sort_unstable();
                dirs.dedup();
            }
            m
        });
        let segs: Vec<&str> = module.split('/').collect();
        // Every candidate folder ends in the path's last segment.
        let named = go_dirs
            .get(segs.last().copied().unwrap_or(""))
            .map_or(&[][..], Vec::as_slice);
        let mut dirs: Vec<&str> = Vec::new();
        for start in 0..segs.len() {
            let suffix = segs[start..].join("/");
            dirs = named
                .iter()
                .map(String::as_str)
                .filter(|d| ends_with_segments(d, &suffix))
                .collect();
            if !dirs.is_empty() {
                break;
            }
        }
        let mut out = Vec::new();
        for dir in dirs {
            let from = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            out.extend(
                self.files
                    .range(from.clone()..)
                    .map(|(k, _)| k)
                    .take_while(|k| k.starts_with(&from))
                    .filter(|k| dir_of(k) == dir && is_go_package_file(k))
                    .cloned(),
            );
        }
        // In path order, as the index holds them (a folder may hold another of its name).
        out.sort_unstable();
        out
    }
}

/// A Go file that is part of its package as other packages import it: no `_test.go`.
fn is_go_package_file(rel: &str) -> bool {
    rel.ends_with(".go") && !rel.ends_with("_test.go")
}

fn last_segment(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

pub(super) fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Whether `path` is `suffix` or ends in `/suffix`.
pub(super) fn ends_with_segments(path: &str, suffix: &str) -> bool {
    path.strip_suffix(suffix)
        .is_some_and(|head| head.is_empty() || head.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(paths: &[&str]) -> FileIndex {
        let files: Files = paths
            .iter()
            .map(|p| {
                let lang = Language::from_path(std::path::Path::new(p)).unwrap();
                (p.to_string(), (lang, PathBuf::from(p)))
            })
            .collect();
        files.into()
    }

    /// What a walk over every path answers.
    fn ending_by_walk<'a>(ix: &'a FileIndex, suffix: &str) -> Vec<&'a String> {
        ix.keys()
            .filter(|k| ends_with_segments(k, suffix))
            .collect()
    }

    #[test]
    fn suffixes_match_whole_segments() {
        let ix = index(&[
            "app/flags.py",
            "app/myflags.py",
            "flags.py",
            "lib/app/flags.py",
            "src/main/java/com/x/FlagKeys.java",
        ]);
        for suffix in [
            "flags.py",
            "app/flags.py",
            "x/FlagKeys.java",
            "FlagKeys.java",
            "nope.py",
        ] {
            assert_eq!(ix.ending(suffix), ending_by_walk(&ix, suffix), "{suffix}");
        }
        assert_eq!(
            ix.ending("app/flags.py"),
            ["app/flags.py", "lib/app/flags.py"]
        );
        assert!(ix.ending("lags.py").is_empty());
    }

    #[test]
    fn go_packages_by_the_longest_trailing_path() {
        let ix = index(&[
            "common/dynamicconfig/constants.go",
            "common/dynamicconfig/constants_test.go",
            "common/dynamicconfig/setting.go",
            "internal/dynamicconfig/x.go",
            "main.go",
            "service/config/config.go",
        ]);
        // The whole path's tail `common/dynamicconfig` names one folder.
        assert_eq!(
            ix.go_package_files("go.temporal.io/server/common/dynamicconfig"),
            [
                "common/dynamicconfig/constants.go",
                "common/dynamicconfig/setting.go"
            ]
        );
        // Only the last segment is in the tree: every folder of that name.
        assert_eq!(
            ix.go_package_files("example.com/other/dynamicconfig"),
            [
                "common/dynamicconfig/constants.go",
                "common/dynamicconfig/setting.go",
                "internal/dynamicconfig/x.go"
            ]
        );
        assert!(ix.go_package_files("go.uber.org/zap").is_empty());
    }
}
