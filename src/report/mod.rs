//! Renderers, one file per output format. Each takes the same [`Report`] and writes bytes;
//! every format is deterministic (sorted input, no timings, no absolute paths).

pub mod escape;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod weekly;

use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use crate::finding::{Finding, Severity};
use crate::inventory::Inventory;
use crate::scan::{Skipped, Stats};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with source snippets, then a summary line.
    Human,
    /// The JSON contract (version 1): findings, references, flags, summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (`upload-sarif`).
    Sarif,
    /// GitHub Actions annotations, errors first, 10 per level.
    Github,
    /// A summary for a pull-request comment or a job summary.
    Markdown,
    /// GitLab Code Quality JSON (the `codequality` report artifact).
    Gitlab,
}

impl Format {
    /// The report in this format.
    pub fn render(self, r: &Report) -> String {
        match self {
            Format::Human => human::render_findings(r),
            Format::Json => json::render(r),
            Format::Sarif => sarif::render(r),
            Format::Github => github::render(r),
            Format::Markdown => markdown::render(r),
            Format::Gitlab => gitlab::render(r),
        }
    }
}

/// Everything a renderer may show.
pub struct Report<'a> {
    /// The scan root as the user gave it (`fixtures/bookstore`), for display and for paths
    /// that must be relative to the working directory (GitHub annotations).
    pub root: String,
    /// The root on disk, to read source lines for snippets.
    pub root_path: PathBuf,
    pub inventory: &'a Inventory,
    pub findings: &'a [Finding],
    pub skipped: &'a [Skipped],
    pub parse_errors: &'a [Skipped],
    pub stats: &'a Stats,
    /// One per finding (see `baseline::fingerprints`).
    pub fingerprints: &'a [String],
    pub color: bool,
    /// Findings only: the human format leaves out its summary line (`--quiet`).
    pub quiet: bool,
}

impl Report<'_> {
    /// A finding's path as seen from the working directory (the root joined with it).
    pub fn display_path(&self, path: &str) -> String {
        if self.root == "." || self.root_path.is_file() {
            if self.root_path.is_file() {
                return self.root.clone();
            }
            return path.to_string();
        }
        format!("{}/{path}", self.root.trim_end_matches('/'))
    }

    pub fn count(&self, sev: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == sev).count()
    }
}

/// Write, treating a closed pipe (`flagdebt refs | head`) as success.
pub fn emit(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}
