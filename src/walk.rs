//! The walk: `ignore`'s parallel, .gitignore-aware directory traversal. Each worker reads a
//! file, skips what is not source (binary, over the size limit, not UTF-8), runs the prefilter
//! and, for candidates, parses and extracts. The parallelism is the walk's own; results go to
//! one collector and are sorted afterwards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::lang::{is_test_path, Language};
use crate::rules::RuleSet;
use crate::scan::extract::FileFacts;
use crate::scan::prefilter::Prefilter;
use crate::scan::{Skipped, Stats};
use crate::suppress::{self, Suppression};

#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Globs of paths to leave out. A pattern without `/` matches any path component
    /// (`vendor` leaves out every vendor/ folder); one with `/` matches the relative path.
    pub exclude: Vec<String>,
    /// Files larger than this are skipped with a note.
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            exclude: vec!["vendor".into(), "node_modules".into(), "third_party".into()],
            max_file_size: 2 * 1024 * 1024,
            threads: 0,
        }
    }
}

pub struct Walked {
    pub facts: Vec<FileFacts>,
    /// Every source file seen, by relative path: the resolver looks up imported modules here.
    pub index: BTreeMap<String, (Language, PathBuf)>,
    pub skipped: Vec<Skipped>,
    pub parse_errors: Vec<Skipped>,
    pub suppressions: Vec<Suppression>,
    pub stats: Stats,
}

enum Item {
    File(String, Language, PathBuf, u64),
    Facts(FileFacts),
    Skipped(Skipped),
    ParseError(Skipped),
    Suppressions(Vec<Suppression>),
    Parsed,
}

struct Excludes {
    names: GlobSet,
    paths: GlobSet,
}

impl Excludes {
    fn new(patterns: &[String]) -> Excludes {
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for p in patterns {
            let p = p.trim_end_matches('/');
            let target = if p.contains('/') {
                &mut paths
            } else {
                &mut names
            };
            if let Ok(g) = Glob::new(p) {
                target.add(g);
            }
        }
        Excludes {
            names: names.build().unwrap_or_else(|_| GlobSet::empty()),
            paths: paths.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    fn excluded(&self, rel: &str) -> bool {
        if rel.is_empty() {
            return false;
        }
        self.paths.is_match(rel)
            || rel
                .rsplit('/')
                .next()
                .is_some_and(|n| self.names.is_match(n))
    }
}

/// The path of `path` relative to `root`, `/`-separated. A root that is a file is named by
/// its file name.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => Path::new(path.file_name().unwrap_or_default()),
        Ok(r) => r,
        Err(_) => path,
    };
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

pub fn walk(root: &Path, opts: &WalkOptions, pre: &Prefilter, rules: &RuleSet) -> Walked {
    let excludes = Excludes::new(&opts.exclude);
    let (tx, rx) = mpsc::channel::<Item>();
    let root_buf = root.to_path_buf();
    let walker = WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .threads(opts.threads)
        .filter_entry({
            let root = root_buf.clone();
            move |e| !excludes.excluded(&relative(&root, e.path()))
        })
        .build_parallel();
    std::thread::scope(|s| {
        let collector = s.spawn(move || {
            let mut w = Walked {
                facts: Vec::new(),
                index: BTreeMap::new(),
                skipped: Vec::new(),
                parse_errors: Vec::new(),
                suppressions: Vec::new(),
                stats: Stats::default(),
            };
            for item in rx {
                match item {
                    Item::File(rel, lang, path, bytes) => {
                        w.stats.files += 1;
                        w.stats.bytes += bytes;
                        w.index.insert(rel, (lang, path));
                    }
                    Item::Facts(f) => w.facts.push(f),
                    Item::Skipped(s) => w.skipped.push(s),
                    Item::ParseError(s) => w.parse_errors.push(s),
                    Item::Suppressions(s) => w.suppressions.extend(s),
                    Item::Parsed => w.stats.parsed += 1,
                }
            }
            w
        });
        walker.run(|| {
            let tx = tx.clone();
            let root = root_buf.clone();
            Box::new(move |entry| {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file()) {
                            visit_file(&root, e.path(), opts, pre, rules, &tx);
                        }
                    }
                    Err(err) => {
                        let (path, reason) = describe_walk_error(&root, &err);
                        let _ = tx.send(Item::Skipped(Skipped { path, reason }));
                    }
                }
                WalkState::Continue
            })
        });
        drop(tx);
        collector.join().unwrap_or_else(|_| Walked {
            facts: Vec::new(),
            index: BTreeMap::new(),
            skipped: vec![Skipped {
                path: String::new(),
                reason: "internal error: collector thread failed".into(),
            }],
            parse_errors: Vec::new(),
            suppressions: Vec::new(),
            stats: Stats::default(),
        })
    })
}

fn describe_walk_error(root: &Path, err: &ignore::Error) -> (String, String) {
    use ignore::Error as E;
    match err {
        E::WithPath { path, err } => (relative(root, path), describe_walk_error(root, err).1),
        E::WithDepth { err, .. } | E::WithLineNumber { err, .. } => describe_walk_error(root, err),
        E::Loop { child, ancestor } => (
            relative(root, child),
            format!("symlink loop (points back to {})", relative(root, ancestor)),
        ),
        E::Io(e) => (String::new(), io_reason(e)),
        other => (String::new(), other.to_string()),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "cannot read: permission denied".into(),
        std::io::ErrorKind::NotFound => "cannot read: not found (a dangling symlink?)".into(),
        _ => format!("cannot read: {e}"),
    }
}

fn visit_file(
    root: &Path,
    path: &Path,
    opts: &WalkOptions,
    pre: &Prefilter,
    rules: &RuleSet,
    tx: &mpsc::Sender<Item>,
) {
    let Some(lang) = Language::from_path(path) else {
        return;
    };
    let rel = relative(root, path);
    let skip = |reason: String| {
        let _ = tx.send(Item::Skipped(Skipped {
            path: rel.clone(),
            reason,
        }));
    };
    // One open, one fstat, one read: no second lookup of the path.
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return skip(io_reason(&e)),
    };
    let len = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return skip(io_reason(&e)),
    };
    if len > opts.max_file_size {
        return skip(format!(
            "larger than the {} limit ({})",
            human_size(opts.max_file_size),
            human_size(len)
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    if let Err(e) = std::io::Read::read_to_end(&mut file, &mut bytes) {
        return skip(io_reason(&e));
    }
    drop(file);
    let _ = tx.send(Item::File(
        rel.clone(),
        lang,
        path.to_path_buf(),
        bytes.len() as u64,
    ));
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return skip("binary file".into());
    }
    if memchr::memmem::find(&bytes, suppress::MARKER.as_bytes()).is_some() {
        let text = String::from_utf8_lossy(&bytes);
        let sups = suppress::parse(&rel, &text, lang.comment_tokens());
        let _ = tx.send(Item::Suppressions(sups));
    }
    if !pre.is_candidate(lang, &bytes) {
        return;
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => return skip(format!("not valid UTF-8 (at byte {})", e.valid_up_to())),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let _ = tx.send(Item::Parsed);
    match crate::scan::extract_file(lang, &rel, text, rules, true) {
        Some(mut facts) => {
            facts.test = is_test_path(&rel);
            if let Some((line, col)) = facts.syntax_error {
                let _ = tx.send(Item::ParseError(Skipped {
                    path: rel.clone(),
                    reason: format!(
                        "syntax error at {line}:{col}; the rest of the file was still read"
                    ),
                }));
            }
            let _ = tx.send(Item::Facts(facts));
        }
        None => skip("could not be parsed".into()),
    }
}

pub fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}
