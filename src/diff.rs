//! Diff mode (`scan --diff REV`): what the change from the merge-base with REV introduces.
//!
//! The base side is read from git without touching the working tree: the base commit's tree
//! is laid out in a temporary folder, where each folder the change did not touch is one
//! symlink to the working tree's copy, each untouched file in a touched folder a symlink to
//! its copy, and only changed files are written from their blobs (`git cat-file --batch`). Both sides go through the same pipeline; a head finding is new when its
//! fingerprint (the baseline's) is not among the base's. Date findings (`expired-flag`,
//! `stale-flag`) count only for flags the change touches, so a date passing never fails an
//! unrelated pull request. The change's flag summary lists declarations added and removed,
//! reads added and removed, and flags whose last read the change removed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context as _, Result};
use serde::Serialize;

use crate::finding::Finding;
use crate::inventory::Inventory;

/// Checks whose findings appear because a date passed, not because code changed.
pub const DATE_CODES: &[&str] = &["expired-flag", "stale-flag"];

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git (diff mode needs git on PATH)")?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!(
            "git {}: {}",
            args.join(" "),
            crate::config::one_line(err.trim())
        );
    }
    Ok(out.stdout)
}

fn git_str(dir: &Path, args: &[&str]) -> Result<String> {
    Ok(String::from_utf8_lossy(&git(dir, args)?).trim().to_string())
}

/// `a/./b/../c` → `a/c`, without touching the disk.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// Lines a change touched in one file: (head ranges, base ranges), each (first line, count).
pub type Hunks = (Vec<(usize, usize)>, Vec<(usize, usize)>);

/// The base commit's tree, laid out in a temporary folder (removed on drop).
pub struct BaseTree {
    /// The repository's top folder (canonical).
    pub top: PathBuf,
    /// The merge-base commit.
    pub commit: String,
    /// The revision the user named.
    pub rev: String,
    /// Where the base tree is (canonical).
    pub dir: PathBuf,
    /// Files of the base tree, relative to the top.
    pub files: HashSet<String>,
    /// Lines the change touched, per top-relative path: (head lines, base lines).
    pub changed: HashMap<String, Hunks>,
}

impl Drop for BaseTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl BaseTree {
    /// Lay out the merge-base of `rev` and HEAD for the repository holding `start`.
    pub fn materialize(rev: &str, start: &Path) -> Result<BaseTree> {
        let top = PathBuf::from(git_str(start, &["rev-parse", "--show-toplevel"])?);
        let top = top.canonicalize().unwrap_or(top);
        let commit = git_str(&top, &["merge-base", rev, "HEAD"])
            .with_context(|| format!("--diff {rev}: no merge-base with HEAD"))?;
        let dir = std::env::temp_dir().join(format!(
            "flagdebt-base-{}-{}",
            std::process::id(),
            &commit[..commit.len().min(12)]
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git"))
            .with_context(|| format!("{}: cannot create the base folder", dir.display()))?;
        let dir = dir.canonicalize().unwrap_or(dir);
        let mut base = BaseTree {
            top,
            commit,
            rev: rev.to_string(),
            dir,
            files: HashSet::new(),
            changed: HashMap::new(),
        };
        base.fill()?;
        base.changed = changed_lines(&git(
            &base.top,
            &[
                "diff",
                "-U0",
                "--no-renames",
                "--no-color",
                "--no-ext-diff",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                &base.commit,
            ],
        )?);
        Ok(base)
    }

    fn fill(&mut self) -> Result<()> {
        let tree = git(&self.top, &["ls-tree", "-r", "-z", &self.commit])?;
        let paths = |out: Vec<u8>| -> HashSet<String> {
            out.split(|b| *b == 0)
                .filter(|s| !s.is_empty())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        };
        // Files the change touched (modified, added, deleted), and untracked files: the
        // working tree differs from the base there.
        let changed = paths(git(
            &self.top,
            &["diff", "--name-only", "-z", "--no-renames", &self.commit],
        )?);
        let untracked = paths(git(
            &self.top,
            &["ls-files", "--others", "--exclude-standard", "-z"],
        )?);
        // Folders holding such a file are laid out entry by entry; every other folder is one
        // link to the working tree's copy (a pull request touches few folders, so the layout
        // costs a few entries, not one per file).
        let mut dirty: HashSet<String> = HashSet::from([String::new()]);
        for p in changed.iter().chain(&untracked) {
            let mut at = p.as_str();
            while let Some(i) = at.rfind('/') {
                at = &at[..i];
                if !dirty.insert(at.to_string()) {
                    break;
                }
            }
        }
        let mut linked: HashSet<String> = HashSet::new();
        // (oid, path, symlink) of the blobs to read from git.
        let mut to_read: Vec<(String, String, bool)> = Vec::new();
        for entry in tree.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let Some(tab) = entry.iter().position(|b| *b == b'\t') else {
                continue;
            };
            let meta = String::from_utf8_lossy(&entry[..tab]);
            let path = String::from_utf8_lossy(&entry[tab + 1..]).into_owned();
            let mut m = meta.split(' ');
            let (mode, kind, oid) = (m.next(), m.next(), m.next());
            if kind != Some("blob") {
                continue; // submodules
            }
            self.files.insert(path.clone());
            // The topmost clean folder above the file, if any: linked whole.
            let clean = path
                .match_indices('/')
                .map(|(i, _)| &path[..i])
                .find(|d| !dirty.contains(*d));
            if let Some(d) = clean {
                if linked.contains(d) {
                    continue;
                }
                if self.top.join(d).is_dir() {
                    linked.insert(d.to_string());
                    self.make_parent(d)?;
                    symlink(&self.top.join(d), &self.dir.join(d))?;
                    continue;
                }
            }
            self.make_parent(&path)?;
            let link = mode == Some("120000");
            let here = self.top.join(&path);
            if !link && !changed.contains(&path) && here.is_file() {
                // Unchanged since the base: the working tree's copy is the base's.
                symlink(&here, &self.dir.join(&path))?;
            } else {
                to_read.push((oid.unwrap_or_default().to_string(), path, link));
            }
        }
        if to_read.is_empty() {
            return Ok(());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot run git cat-file")?;
        let mut stdin = child.stdin.take().context("git cat-file: no stdin")?;
        let oids: String = to_read.iter().map(|(o, _, _)| format!("{o}\n")).collect();
        let writer = std::thread::spawn(move || stdin.write_all(oids.as_bytes()));
        let mut out = Vec::new();
        child
            .stdout
            .take()
            .context("git cat-file: no stdout")?
            .read_to_end(&mut out)?;
        let _ = writer.join();
        child.wait()?;
        let mut at = 0;
        for (_, path, link) in &to_read {
            let nl = out[at..]
                .iter()
                .position(|b| *b == b'\n')
                .context("git cat-file: short output")?;
            let header = String::from_utf8_lossy(&out[at..at + nl]).into_owned();
            at += nl + 1;
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("git cat-file: unexpected `{header}`"))?;
            let body = &out[at..(at + size).min(out.len())];
            at += size + 1;
            let target = self.dir.join(path);
            if *link {
                // A symlink in the repository: point at the same place inside the base tree.
                let _ = symlink(Path::new(&*String::from_utf8_lossy(body)), &target);
            } else {
                std::fs::write(&target, body)
                    .with_context(|| format!("{}: cannot write", target.display()))?;
            }
        }
        Ok(())
    }

    fn make_parent(&self, rel: &str) -> Result<()> {
        match self.dir.join(rel).parent() {
            Some(parent) => std::fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create", parent.display())),
            None => Ok(()),
        }
    }

    /// Whether the change touched `line` of the top-relative `path` (`head` side or base side).
    pub fn touched(&self, path: &str, line: usize, head: bool) -> bool {
        match self.changed.get(path) {
            None => head && !self.files.contains(path) && !path.is_empty(),
            Some((h, b)) => (if head { h } else { b })
                .iter()
                .any(|&(from, n)| line >= from && line < from + n.max(1)),
        }
    }
}

#[cfg(unix)]
fn symlink(from: &Path, to: &Path) -> Result<()> {
    std::os::unix::fs::symlink(from, to).with_context(|| format!("{}: cannot link", to.display()))
}

#[cfg(not(unix))]
fn symlink(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .map(|_| ())
        .with_context(|| format!("{}: cannot copy", to.display()))
}

/// The `@@ -a,b +c,d @@` hunks of a `-U0` diff, per path: (head ranges, base ranges), each
/// (first line, count). A pure deletion (count 0) marks the line it sits at.
fn changed_lines(patch: &[u8]) -> HashMap<String, Hunks> {
    let text = String::from_utf8_lossy(patch);
    let mut out: HashMap<String, Hunks> = HashMap::new();
    let (mut old, mut new): (Option<String>, Option<String>) = (None, None);
    let unquote = |s: &str| s.trim_matches('"').to_string();
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("--- ") {
            old = unquote(p).strip_prefix("a/").map(str::to_string);
        } else if let Some(p) = line.strip_prefix("+++ ") {
            new = unquote(p).strip_prefix("b/").map(str::to_string);
        } else if let Some(h) = line.strip_prefix("@@ -") {
            let mut parts = h.split(' ');
            let range = |s: Option<&str>| -> (usize, usize) {
                let s = s.unwrap_or("0").trim_start_matches(['-', '+']);
                let mut it = s.split(',');
                let a = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
                let n = it.next().and_then(|x| x.parse().ok()).unwrap_or(1);
                (a, n)
            };
            let (b, h) = (range(parts.next()), range(parts.next()));
            if let Some(p) = &new {
                out.entry(p.clone()).or_default().0.push(h);
            }
            if let Some(p) = &old {
                out.entry(p.clone()).or_default().1.push(b);
            }
        }
    }
    out
}

/// What a change does to the flags: the summary diff mode prints.
#[derive(Debug, Default, Serialize)]
pub struct Change {
    /// The revision named with `--diff`, and the merge-base it resolved to.
    pub rev: String,
    pub merge_base: String,
    /// Flags declared in head and not in the base, with their owner.
    pub declared: Vec<FlagNote>,
    /// Flags declared in the base and not in head.
    pub undeclared: Vec<FlagNote>,
    /// Reads the change adds: per (flag, path), how many more.
    pub reads_added: Vec<Reads>,
    /// Reads the change removes.
    pub reads_removed: Vec<Reads>,
    /// Flags read in the base and read nowhere in head: their last read was removed.
    pub unread: Vec<FlagNote>,
    /// Flags the change touches (declared, read or unread on a changed line).
    #[serde(skip)]
    pub touched: BTreeSet<String>,
}

#[derive(Debug, Serialize)]
pub struct FlagNote {
    pub flag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Reads {
    pub flag: String,
    pub path: String,
    pub count: usize,
}

/// A side of the comparison: its inventory and how its report paths map to top-relative ones.
pub struct Side<'a> {
    pub inventory: &'a Inventory,
    /// Flags read (outside tests) anywhere in the side's projects, also beyond the scanned
    /// paths: a flag still read elsewhere is not "no longer read".
    pub read: &'a BTreeSet<String>,
    /// The report's root on disk (absolute).
    pub root: PathBuf,
    /// The repository top on disk for this side (None: the head side, the real top).
    pub top: Option<&'a Path>,
}

impl Side<'_> {
    /// A report path as a repository-relative path.
    pub fn top_rel(&self, top: &Path, path: &str) -> String {
        let abs = normalize(&self.root.join(path));
        abs.strip_prefix(self.top.unwrap_or(top))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.to_string())
    }
}

/// Compare the two sides' flags.
pub fn summarize(base: &BaseTree, old: &Side, new: &Side) -> Change {
    let owner = |inv: &Inventory, k: &str| inv.flags.get(k).and_then(|r| r.owner.clone());
    let decls = |s: &Side| -> BTreeSet<String> {
        s.inventory
            .declarations
            .iter()
            .map(|d| d.key.clone())
            .collect()
    };
    let reads = |s: &Side| -> BTreeMap<(String, String), usize> {
        let mut m = BTreeMap::new();
        for r in s.inventory.references.iter().filter(|r| !r.test) {
            *m.entry((r.flag.clone(), s.top_rel(&base.top, &r.path)))
                .or_default() += 1;
        }
        m
    };
    let (d0, d1) = (decls(old), decls(new));
    let (r0, r1) = (reads(old), reads(new));
    let mut c = Change {
        rev: base.rev.clone(),
        merge_base: base.commit.clone(),
        ..Default::default()
    };
    for k in d1.difference(&d0) {
        c.declared.push(FlagNote {
            flag: k.clone(),
            owner: owner(new.inventory, k),
        });
    }
    for k in d0.difference(&d1) {
        c.undeclared.push(FlagNote {
            flag: k.clone(),
            owner: owner(old.inventory, k),
        });
    }
    for ((flag, path), n) in &r1 {
        let was = r0.get(&(flag.clone(), path.clone())).copied().unwrap_or(0);
        if *n > was {
            c.reads_added.push(Reads {
                flag: flag.clone(),
                path: path.clone(),
                count: n - was,
            });
        }
    }
    for ((flag, path), n) in &r0 {
        let now = r1.get(&(flag.clone(), path.clone())).copied().unwrap_or(0);
        if *n > now {
            c.reads_removed.push(Reads {
                flag: flag.clone(),
                path: path.clone(),
                count: n - now,
            });
        }
    }
    for k in old.read.difference(new.read) {
        c.unread.push(FlagNote {
            flag: k.to_string(),
            owner: owner(old.inventory, k),
        });
    }
    // Touched: named above, or read / declared on a line the change touched.
    c.touched.extend(c.declared.iter().map(|f| f.flag.clone()));
    c.touched
        .extend(c.undeclared.iter().map(|f| f.flag.clone()));
    c.touched
        .extend(c.reads_added.iter().map(|f| f.flag.clone()));
    c.touched
        .extend(c.reads_removed.iter().map(|f| f.flag.clone()));
    for (side, head) in [(new, true), (old, false)] {
        for r in &side.inventory.references {
            if base.touched(&side.top_rel(&base.top, &r.path), r.span.line, head) {
                c.touched.insert(r.flag.clone());
            }
        }
        for d in &side.inventory.declarations {
            let path = side.top_rel(&base.top, &d.path);
            let lines = std::iter::once(d.line).chain(d.field_lines.values().copied());
            if lines.into_iter().any(|l| base.touched(&path, l, head)) {
                c.touched.insert(d.key.clone());
            }
        }
    }
    c
}

/// The head findings that are new: fingerprints the base lacks; date findings only for flags
/// the change touches.
pub fn new_findings(
    findings: Vec<Finding>,
    fps: Vec<String>,
    base_fps: &[String],
    change: &Change,
) -> (Vec<Finding>, Vec<String>) {
    let known: HashSet<&str> = base_fps.iter().map(String::as_str).collect();
    findings
        .into_iter()
        .zip(fps)
        .filter(|(f, fp)| {
            !known.contains(fp.as_str())
                && (!DATE_CODES.contains(&f.code.as_str())
                    || f.flag.as_ref().is_some_and(|k| change.touched.contains(k)))
        })
        .unzip()
}

fn owner_note(o: &Option<String>) -> String {
    match o {
        Some(o) => format!(" (owner {o})"),
        None => " (no owner)".into(),
    }
}

/// The summary as text lines (human output); empty when the change does nothing to flags.
pub fn render_text(c: &Change) -> String {
    let mut s = format!(
        "Change since {} (merge-base with {}):\n",
        &c.merge_base[..c.merge_base.len().min(12)],
        c.rev
    );
    let before = s.len();
    for f in &c.declared {
        s.push_str(&format!(
            "  + declared  {}{}\n",
            f.flag,
            owner_note(&f.owner)
        ));
    }
    for f in &c.undeclared {
        s.push_str(&format!("  - declared  {}\n", f.flag));
    }
    for r in &c.reads_added {
        s.push_str(&format!(
            "  + read      {} in {} (x{})\n",
            r.flag, r.path, r.count
        ));
    }
    for r in &c.reads_removed {
        s.push_str(&format!(
            "  - read      {} in {} (x{})\n",
            r.flag, r.path, r.count
        ));
    }
    for f in &c.unread {
        s.push_str(&format!(
            "  removed     {}: its last read is gone; delete its declaration\n",
            f.flag
        ));
    }
    if s.len() == before {
        s.push_str("  no flag declared, read or removed\n");
    }
    s
}

/// The summary as a Markdown section (pull-request summaries).
pub fn render_markdown(c: &Change) -> String {
    let mut s = format!(
        "\n### Flags this change adds and removes\n\nSince `{}` (merge-base with `{}`).\n\n",
        &c.merge_base[..c.merge_base.len().min(12)],
        c.rev
    );
    let mut rows = Vec::new();
    for f in &c.declared {
        rows.push(format!(
            "| `{}` | declared | {} |",
            f.flag,
            f.owner.as_deref().unwrap_or("**none**")
        ));
    }
    for f in &c.undeclared {
        rows.push(format!("| `{}` | declaration removed | |", f.flag));
    }
    for r in &c.reads_added {
        rows.push(format!(
            "| `{}` | {} read(s) added in `{}` | |",
            r.flag, r.count, r.path
        ));
    }
    for r in &c.reads_removed {
        rows.push(format!(
            "| `{}` | {} read(s) removed from `{}` | |",
            r.flag, r.count, r.path
        ));
    }
    for f in &c.unread {
        rows.push(format!(
            "| `{}` | last read removed: delete the flag | {} |",
            f.flag,
            f.owner.as_deref().unwrap_or("")
        ));
    }
    if rows.is_empty() {
        s.push_str("No flag declared, read or removed.\n");
    } else {
        s.push_str("| Flag | Change | Owner |\n|---|---|---|\n");
        for r in rows {
            s.push_str(&r);
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn hunks_per_side() {
        let patch = b"diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -3,0 +4,2 @@\n+a\n+b\n@@ -10 +12 @@\n-c\n+d\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,3 @@\n";
        let m = super::changed_lines(patch);
        assert_eq!(m["x.py"].0, [(4, 2), (12, 1)]);
        assert_eq!(m["x.py"].1, [(3, 0), (10, 1)]);
        assert_eq!(m["new.py"].0, [(1, 3)]);
    }
}
