//! Who owns a flag, and how flagdebt knows.
//!
//! In order: the registry's `owner` (the first declaration that names one), else the
//! provider's owners, else the CODEOWNERS owners of the files that read the flag. The first two
//! are joined in [`crate::inventory::Inventory::build`] (which records the source); this module
//! reads CODEOWNERS and fills [`FlagRow::code_owners`], and gives every consumer of owners
//! (findings in JSON and SARIF, the weekly report, the exit review sheet) the same answer
//! through [`owner_of`].
//!
//! CODEOWNERS patterns follow `.gitignore` rules and the last matching line wins. Matching
//! uses the `ignore` crate's gitignore matcher (already a dependency, the one ripgrep uses)
//! rather than the `codeowners` crate, whose last release is from 2019 and which matches
//! through the `glob` crate, whose semantics differ from gitignore's (`*` crossing `/`,
//! unanchored names). GitLab sections (`[Section] @default-owners`, `^[Optional]`): each
//! section's last matching line counts, and a file's owners are those of every section that
//! matches it (a line with no owners takes its section's default owners), as GitLab does.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::inventory::{FlagRow, Inventory};

/// Where a flag's owner comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OwnerSource {
    /// The registry's `owner` (or the format's own field: GitLab `group`, flagd `metadata.owner`).
    Registry,
    /// The provider's owners or maintainer (when the registry names none).
    Provider,
    /// The CODEOWNERS owners of the files that read the flag (when neither names one).
    Codeowners,
}

impl OwnerSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerSource::Registry => "registry",
            OwnerSource::Provider => "provider",
            OwnerSource::Codeowners => "codeowners",
        }
    }
}

/// A flag's owner as every output shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// One name (registry, provider), or the CODEOWNERS owners joined with `, `.
    pub name: String,
    pub source: OwnerSource,
}

/// The owner of a flag: registry, else provider, else CODEOWNERS; `None` when unowned.
pub fn owner_of(row: &FlagRow) -> Option<Owner> {
    if let (Some(name), Some(source)) = (&row.owner, row.owner_source) {
        if !name.trim().is_empty() {
            return Some(Owner {
                name: name.clone(),
                source,
            });
        }
    }
    if row.code_owners.is_empty() {
        return None;
    }
    Some(Owner {
        name: row.code_owners.join(", "),
        source: OwnerSource::Codeowners,
    })
}

/// Give every finding about a flag its flag's owner.
pub fn annotate(findings: &mut [Finding], inv: &Inventory) {
    for f in findings {
        let Some(row) = f.flag.as_ref().and_then(|k| inv.flags.get(k)) else {
            continue;
        };
        if let Some(o) = owner_of(row) {
            f.owner = Some(o.name);
            f.owner_source = Some(o.source);
        }
    }
}

/// One CODEOWNERS rule: its pattern (one gitignore line) and owners.
struct Rule {
    matcher: Gitignore,
    owners: Vec<String>,
    /// The GitLab section it is in (0 before any header).
    section: usize,
}

/// A parsed CODEOWNERS file.
pub struct Codeowners {
    rules: Vec<Rule>,
    /// Where the scan root is, relative to the folder CODEOWNERS patterns are relative to
    /// (`""` when they are the same), `/`-terminated.
    prefix: String,
    /// Where the file is, for messages.
    pub path: PathBuf,
}

/// Where GitHub and GitLab look, in their order.
const LOCATIONS: &[&str] = &[
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

impl Codeowners {
    /// Find CODEOWNERS for a scan root: in the root, or in the folder above it that is the top
    /// of its git checkout (the folder with `.git`). `None` when there is none.
    pub fn discover(scan_root: &Path) -> Option<Codeowners> {
        let abs = std::path::absolute(scan_root).ok()?;
        let mut dir = Some(abs.as_path());
        while let Some(d) = dir {
            for loc in LOCATIONS {
                let p = d.join(loc);
                if p.is_file() {
                    let text = std::fs::read_to_string(&p).ok()?;
                    let rel = abs.strip_prefix(d).ok()?;
                    let mut prefix = rel.to_string_lossy().replace('\\', "/");
                    if !prefix.is_empty() {
                        prefix.push('/');
                    }
                    let mut c = Codeowners::parse(&text);
                    c.prefix = prefix;
                    c.path = p;
                    return Some(c);
                }
            }
            if d.join(".git").exists() {
                return None;
            }
            dir = d.parent();
        }
        None
    }

    /// Parse CODEOWNERS text (patterns relative to its folder). Lines that are not rules
    /// (comments, section headers, a bad pattern) are skipped.
    pub fn parse(text: &str) -> Codeowners {
        let mut rules = Vec::new();
        let mut section = 0;
        let mut defaults: Vec<String> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(head) = line.strip_prefix('^').unwrap_or(line).strip_prefix('[') {
                // `[Section][2] @default @owners`
                section += 1;
                let after = head.rsplit_once(']').map(|(_, a)| a).unwrap_or("");
                defaults = after
                    .split_whitespace()
                    .take_while(|w| !w.starts_with('#'))
                    .map(str::to_string)
                    .collect();
                continue;
            }
            // A `\ ` escapes a space in the pattern.
            let mut pattern = String::new();
            let mut rest = line;
            while let Some(c) = rest.chars().next() {
                if c == '\\' && rest[1..].starts_with(' ') {
                    pattern.push_str("\\ ");
                    rest = &rest[2..];
                } else if c.is_whitespace() {
                    break;
                } else {
                    pattern.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
            let mut owners: Vec<String> = rest
                .split_whitespace()
                .take_while(|w| !w.starts_with('#'))
                .map(str::to_string)
                .collect();
            if owners.is_empty() && section > 0 {
                owners = defaults.clone();
            }
            let mut b = GitignoreBuilder::new("/");
            if b.add_line(None, &pattern).is_err() {
                continue;
            }
            let Ok(matcher) = b.build() else { continue };
            rules.push(Rule {
                matcher,
                owners,
                section,
            });
        }
        Codeowners {
            rules,
            prefix: String::new(),
            path: PathBuf::new(),
        }
    }

    /// The owners of a file (relative to the scan root): the last matching rule's, in each
    /// section (GitHub files have one). A matching rule with no owners un-owns the file.
    pub fn owners_of(&self, path: &str) -> Vec<String> {
        let full = format!("/{}{}", self.prefix, path.trim_start_matches("./"));
        let mut out: Vec<String> = Vec::new();
        let mut done: Vec<usize> = Vec::new();
        for r in self.rules.iter().rev() {
            if done.contains(&r.section)
                || !r
                    .matcher
                    .matched_path_or_any_parents(Path::new(&full), false)
                    .is_ignore()
            {
                continue;
            }
            done.push(r.section);
            out.extend(
                r.owners
                    .iter()
                    .filter(|o| !out.contains(o))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
        out
    }

    /// Fill each flag's `code_owners`: the owners of the files that read it (test reads left
    /// out when there are others), most files first, then by name.
    pub fn fill(&self, inv: &mut Inventory) {
        let refs = &inv.references;
        // A file read by many flags (a registry module, a constants file) is matched once.
        let mut of_file: std::collections::HashMap<&str, Vec<String>> = Default::default();
        for row in inv.flags.values_mut() {
            let prod: Vec<usize> = row
                .references
                .iter()
                .copied()
                .filter(|&i| !refs[i].test)
                .collect();
            let idx = if prod.is_empty() {
                &row.references
            } else {
                &prod
            };
            let mut files: Vec<&str> = idx.iter().map(|&i| refs[i].path.as_str()).collect();
            files.sort();
            files.dedup();
            let mut count: std::collections::BTreeMap<String, usize> = Default::default();
            for f in files {
                let owners = of_file.entry(f).or_insert_with(|| self.owners_of(f));
                for o in owners.iter() {
                    *count.entry(o.clone()).or_default() += 1;
                }
            }
            let mut owners: Vec<(String, usize)> = count.into_iter().collect();
            owners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            row.code_owners = owners.into_iter().map(|(o, _)| o).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_matching_rule_wins() {
        let c = Codeowners::parse(
            "# comment\n* @everyone\n/api/ @api-team\n*.ts @web-team # inline\n/api/app/flag_keys.py @flags\ndocs/ \n",
        );
        assert_eq!(c.owners_of("api/app/routes/checkout.py"), ["@api-team"]);
        assert_eq!(c.owners_of("api/app/flag_keys.py"), ["@flags"]);
        assert_eq!(c.owners_of("web/src/flags.ts"), ["@web-team"]);
        assert_eq!(c.owners_of("worker/Main.java"), ["@everyone"]);
        assert!(c.owners_of("docs/readme.md").is_empty());
    }

    #[test]
    fn gitlab_sections_combine_and_give_default_owners() {
        let c = Codeowners::parse(
            "[Code]\n* @gl-gitaly\n\n^[Documentation] @docs-team\n/doc/\n*.md @eread\n",
        );
        assert_eq!(c.owners_of("internal/git/x.go"), ["@gl-gitaly"]);
        assert_eq!(c.owners_of("README.md"), ["@eread", "@gl-gitaly"]);
        // A line with no owners in a section takes the section's default owners.
        assert_eq!(c.owners_of("doc/a.txt"), ["@docs-team", "@gl-gitaly"]);
    }

    #[test]
    fn anchored_and_unanchored_patterns() {
        let c = Codeowners::parse("/web/ @a\nsrc/ @b\nbuild/*.js @c\n");
        // `src/` without a leading slash matches a `src` folder anywhere.
        assert_eq!(c.owners_of("mailer/src/x.rb"), ["@b"]);
        assert_eq!(c.owners_of("web/src/x.ts"), ["@b"]);
        assert_eq!(c.owners_of("web/index.ts"), ["@a"]);
        // A pattern with a slash is anchored; `*` does not cross `/`.
        assert_eq!(c.owners_of("build/app.js"), ["@c"]);
        assert!(c.owners_of("build/sub/app.js").is_empty());
    }
}
