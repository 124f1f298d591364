//! The command line: clap derive, one function per subcommand, and the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, Parser, Subcommand};

use crate::checks::{self, Selection};
use crate::config::Config;
use crate::date::Date;
use crate::exit;
use crate::finding::Severity;
use crate::pipeline::{
    convention_hints, detect_presets, fix_plans, list_roots, load_rules, merge, project_findings,
    scan_root, Analysis, Merged, ProviderOptions, RunOptions, Tuning,
};
use crate::report::{self, Format, Report};
use crate::scan::ScanOutput;

#[derive(Parser, Debug)]
#[command(
    name = "flagdebt",
    version,
    about = "Find every feature-flag read, join it with the registry and the provider, and report flag debt."
)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Cmd,
    /// Govern every scanned path by this config file, instead of the nearest `.flagdebt.yml`
    /// above each (see the README's "Projects").
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print only findings (no notes about skipped files, no summary).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Never color the output (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Parse every candidate file whole, with no fast path and no regions: the reference the
    /// faster ways are checked against (`benches/fastpath_identity.sh`, `tests/regions.rs`).
    #[arg(long, global = true, hide = true)]
    pub whole_files: bool,
    /// Worker threads for listing, reading and parsing (default: the available parallelism).
    /// The output does not depend on it.
    #[arg(long, global = true, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// `--threads N`: a positive whole number.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a number of threads")),
    }
}

impl Cli {
    /// What the command line says about how to scan, beyond the config.
    pub fn tuning(&self) -> Tuning {
        Tuning {
            progress: !self.quiet && std::io::stderr().is_terminal(),
            whole_files: self.whole_files,
            threads: self.threads.unwrap_or_else(default_threads),
            parse_budget_ms: std::env::var("FLAGDEBT_PARSE_BUDGET_MS")
                .ok()
                .and_then(|v| v.parse::<u64>().ok()),
        }
    }

    /// What the pipeline takes from the command line.
    pub fn run_options(&self) -> RunOptions {
        RunOptions {
            config: self.config.clone(),
            quiet: self.quiet,
            tuning: self.tuning(),
        }
    }
}

/// The default worker count: the available parallelism (1 when it cannot be known).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

// One Cmd is built per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Scan for flag debt: the main job. Exit 1 when a finding is at error level.
    Scan(ScanArgs),
    /// Every read and declaration of the named flags (`refs new_checkout -C 2`); with no flag
    /// named, every flag reference.
    Refs(RefsArgs),
    /// Print a check's documentation (`flagdebt explain raw-env-flag`), or list them all.
    Explain {
        code: Option<String>,
        /// List every check with its default severity.
        #[arg(long)]
        list: bool,
    },
    /// Fetch the configured providers' flag state and write a snapshot (for `scan --state`).
    Pull {
        /// Write the snapshot here (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Look at the repository and write a commented starter `.flagdebt.yml`.
    Init(crate::init::InitArgs),
    /// List the presets and, for the scanned folder, which are on and why.
    Presets {
        /// Folders to look at (default: the current folder).
        paths: Vec<PathBuf>,
    },
    /// The weekly stale-flag report: flags to remove and expiring soon, grouped by owner.
    Report(ReportArgs),
    /// The flag exit review sheet: owner, change class, rollout, consumers by class and their
    /// defaults, tests, age, and the questions left open.
    Sheet(SheetArgs),
    /// Remove a finished flag from the code: every read becomes its final value, dead branches
    /// and what they left unused go, and so do its registry entry and env-file variables.
    Fix(FixArgs),
    /// Show the compiled rules.
    Rules {
        /// Print the prefilter's literals, one per line.
        #[arg(long)]
        literals: bool,
    },
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or folders to scan (default: the current folder). Each belongs to the project of
    /// the nearest .flagdebt.yml above it; only the given paths are reported on.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print the number of findings per check (and severity) instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when a finding is at error level (errors of flagdebt itself still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Run only these checks (comma-separated codes).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Vec<String>,
    /// Skip these checks (comma-separated codes).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,
    /// The date that date checks compare against (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Report only findings that this baseline file does not hold.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE (then exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only what the change since the merge-base with REV introduces (new findings,
    /// date findings of the flags it touches), and the flags it adds and removes.
    #[arg(long, value_name = "REV", conflicts_with = "write_baseline")]
    pub diff: Option<String>,
    #[command(flatten)]
    pub provider: ProviderArgs,
}

#[derive(Args, Debug, Default, Clone)]
pub struct ProviderArgs {
    /// Use this provider snapshot (from `flagdebt pull`) instead of calling the providers.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Also write the live provider state fetched for this scan to FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "state")]
    pub write_state: Option<PathBuf>,
    /// Do not call the configured providers.
    #[arg(long, conflicts_with_all = ["state", "write_state"])]
    pub offline: bool,
    /// A provider that fails (bad token, timeout, 5xx) is reported and the scan goes on
    /// without its state, instead of exiting 2.
    #[arg(long)]
    pub allow_provider_errors: bool,
}

impl From<&ProviderArgs> for ProviderOptions {
    fn from(a: &ProviderArgs) -> ProviderOptions {
        ProviderOptions {
            state: a.state.clone(),
            write_state: a.write_state.clone(),
            offline: a.offline,
            allow_provider_errors: a.allow_provider_errors,
            env: env_var,
        }
    }
}

/// [`crate::pipeline::analyze`] with the command line's options.
pub fn analyze(cli: &Cli, paths: &[PathBuf], prov: &ProviderArgs) -> Result<Analysis> {
    crate::pipeline::analyze(&cli.run_options(), paths, &prov.into())
}

/// [`crate::pipeline::analyze_projects`] with the command line's options.
pub fn analyze_projects(
    cli: &Cli,
    paths: &[PathBuf],
    prov: &ProviderArgs,
) -> Result<Vec<Analysis>> {
    crate::pipeline::analyze_projects(&cli.run_options(), paths, &prov.into())
}

/// [`crate::pipeline::whole_project`] with the command line's options.
fn whole_project(cli: &Cli, paths: &[PathBuf], prov: &ProviderArgs) -> Result<Analysis> {
    crate::pipeline::whole_project(&cli.run_options(), paths, &prov.into())
}

#[derive(Args, Debug)]
pub struct RefsArgs {
    /// Flag keys to look for. An argument that names an existing file or folder is a root to
    /// scan instead (`refs src new_checkout`); `--flag KEY` names a key that is also a path.
    /// No flag named: every reference (`--format human|json`).
    #[arg(value_name = "FLAG|PATH")]
    pub args: Vec<String>,
    /// A flag key to look for (repeatable), never read as a path.
    #[arg(long = "flag", value_name = "KEY")]
    pub flags: Vec<String>,
    /// A file or folder to scan (repeatable; default: the current folder).
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Show N lines of context around each hit (with named flags).
    #[arg(short = 'C', long = "context", value_name = "N", default_value_t = 0)]
    pub context: usize,
    /// `human`, `json`, or `grep` (`path:line:col: text`, with named flags).
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::refs::RefsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
    Html,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Files or folders to scan (default: the current folder).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ReportFormat,
    /// The date to compare removal dates and ages against (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// A previous `--format json` report: add the trend (new debt, debt removed, flags that
    /// crossed their removal date since then).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub provider: ProviderArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    Markdown,
    Json,
}

#[derive(Args, Debug)]
pub struct SheetArgs {
    /// The flag key.
    pub flag: String,
    /// Files or folders to scan (default: the current folder).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: SheetFormat,
    /// The date ages are counted to (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    #[command(flatten)]
    pub provider: ProviderArgs,
}

fn cmd_sheet(cli: &Cli, a: &SheetArgs) -> Result<i32> {
    let today = parse_today(a.today.as_deref())?;
    let Analysis {
        cfg,
        scanned,
        inventory,
        ..
    } = whole_project(cli, &a.paths, &a.provider)?;
    notes(cli, &scanned.out);
    let mut needles = crate::gitage::needles(&inventory);
    needles.retain(|k, _| *k == a.flag);
    let history = crate::gitage::history(&scan_root(&scanned), &needles);
    let classes: Vec<String> = cfg.consumers.keys().cloned().collect();
    let mut sheet = crate::sheet::build(&a.flag, &inventory, &classes, history.as_ref(), today);
    if sheet.known {
        let plans = fix_plans(
            &cli.tuning().walk_options(&cfg),
            &scanned,
            &cfg,
            &inventory,
            std::slice::from_ref(&a.flag),
        );
        sheet.removal = plans.into_values().next().map(Into::into);
    }
    let text = match a.format {
        SheetFormat::Markdown => crate::sheet::render_markdown(&sheet, &classes),
        SheetFormat::Json => crate::sheet::render_json(&sheet),
    };
    report::emit(text.as_bytes()).context("cannot write the output")?;
    if !sheet.known && !cli.quiet {
        eprintln!("flagdebt: no read or declaration of `{}` found", a.flag);
    }
    Ok(if sheet.known {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

fn parse_today(t: Option<&str>) -> Result<Date> {
    match t {
        Some(t) => {
            Date::parse(t).ok_or_else(|| anyhow::anyhow!("--today: `{t}` is not a YYYY-MM-DD date"))
        }
        None => Ok(Date::today()),
    }
}

fn cmd_report(cli: &Cli, a: &ReportArgs) -> Result<i32> {
    use crate::report::weekly;
    let today = parse_today(a.today.as_deref())?;
    let an = whole_project(cli, &a.paths, &a.provider)?;
    notes(cli, &an.scanned.out);
    let findings = project_findings(&an, &Selection::default(), today)?;
    let Analysis {
        cfg,
        scanned,
        inventory,
        ..
    } = an;
    let history = crate::gitage::history(&scan_root(&scanned), &crate::gitage::needles(&inventory));
    // `.` says nothing in a report's title: the folder's name does.
    let root = match scanned.root.as_str() {
        "." => std::path::absolute(&scanned.root_path)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| ".".into()),
        r => r.to_string(),
    };
    let mut r = weekly::build(&weekly::Input {
        root: &root,
        inventory: &inventory,
        findings: &findings,
        today,
        soon_days: cfg.report.soon_days,
        history: history.as_ref(),
        url_template: cfg.report.url_template.as_deref(),
    });
    let keys: Vec<String> = r
        .flags
        .iter()
        .filter(|f| !f.reasons.is_empty())
        .map(|f| f.key.clone())
        .collect();
    let plans = fix_plans(
        &cli.tuning().walk_options(&cfg),
        &scanned,
        &cfg,
        &inventory,
        &keys,
    );
    for f in &mut r.flags {
        f.fix_removes_entirely = plans.get(&f.key).map(|p| p.removable_entirely);
    }
    if let Some(p) = &a.previous {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("{}: cannot read the previous report", p.display()))?;
        weekly::add_trend(&mut r, &p.display().to_string(), &text)?;
    }
    let text = match a.format {
        ReportFormat::Markdown => weekly::render_markdown(&r),
        ReportFormat::Json => weekly::render_json(&r),
        ReportFormat::Html => report::html::render(&r),
    };
    match &a.output {
        Some(p) => std::fs::write(p, text)
            .with_context(|| format!("{}: cannot write the report", p.display()))?,
        None => report::emit(text.as_bytes()).context("cannot write the output")?,
    }
    Ok(exit::OK)
}

#[derive(Args, Debug)]
pub struct FixArgs {
    /// The flag key to remove.
    pub flag: String,
    /// The value every read of a boolean flag takes from now on.
    #[arg(
        long,
        value_enum,
        required_unless_present = "value",
        conflicts_with = "value"
    )]
    pub treated: Option<Treated>,
    /// The value of a non-boolean flag, as JSON (`12`, `"blue"`) or as plain text.
    #[arg(long, value_name = "VALUE")]
    pub value: Option<String>,
    /// Print the changes as a unified diff (the default).
    #[arg(long, conflicts_with = "write")]
    pub dry_run: bool,
    /// Apply the changes.
    #[arg(long)]
    pub write: bool,
    /// Folders to fix (default: the current folder).
    pub paths: Vec<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treated {
    On,
    Off,
}

/// Parse the process's arguments, run, and return the exit code.
pub fn run_from_env() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "flagdebt: error: {}",
                crate::config::one_line(&format!("{e:#}"))
            );
            exit::ERROR
        }
    }
}

pub fn run(cli: &Cli) -> Result<i32> {
    if let Some(n) = cli.threads {
        // The scan runs in a pool of its own (`WalkOptions::threads`); this bounds the rest
        // (the search of unparsed files for mentions). Already built: a second run in-process.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    match &cli.cmd {
        Cmd::Scan(a) => cmd_scan(cli, a),
        Cmd::Refs(a) => cmd_refs(cli, a),
        Cmd::Explain { code, list } => cmd_explain(code.as_deref(), *list),
        Cmd::Report(a) => cmd_report(cli, a),
        Cmd::Sheet(a) => cmd_sheet(cli, a),
        Cmd::Rules { literals } => cmd_rules(cli, *literals),
        Cmd::Pull { output } => cmd_pull(cli, output.as_deref()),
        Cmd::Init(a) => crate::init::run(cli.quiet, a),
        Cmd::Presets { paths } => cmd_presets(cli, paths),
        Cmd::Fix(a) => cmd_fix(cli, a),
    }
}

fn color(cli: &Cli) -> bool {
    !cli.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

fn load_config(cli: &Cli) -> Result<Config> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    Config::discover(&cwd, cli.config.as_deref())
}

fn notes(cli: &Cli, out: &ScanOutput) {
    if cli.quiet {
        return;
    }
    for s in &out.skipped {
        use crate::report::escape::line;
        eprintln!(
            "note: skipped {}: {}",
            if s.path.is_empty() {
                "?".into()
            } else {
                line(&s.path)
            },
            line(&s.reason)
        );
    }
    for s in &out.parse_errors {
        use crate::report::escape::line;
        eprintln!("note: {}: {}", line(&s.path), line(&s.reason));
    }
}

/// The convention hints of every project, in project order; with several projects, each
/// names the project it is about.
fn hint_lines(analyses: &[Analysis]) -> Vec<String> {
    let many = analyses.len() > 1;
    analyses
        .iter()
        .flat_map(|an| {
            convention_hints(&an.inventory, &an.scanned.out.declarations, &an.presets)
                .into_iter()
                .map(move |h| match many {
                    true => format!("{}: {h}", an.scanned.root),
                    false => h,
                })
        })
        .collect()
}

/// One line on stderr per hint ([`hint_lines`]): a convention was not recognised (a
/// registry but no reads, reads but no registry, or a preset on that found nothing). Each
/// points at `flagdebt init`.
fn hints(cli: &Cli, lines: &[String]) {
    if cli.quiet {
        return;
    }
    for h in lines {
        eprintln!("hint: {h}");
    }
}

fn cmd_scan(cli: &Cli, a: &ScanArgs) -> Result<i32> {
    let sel = Selection {
        select: a.select.clone(),
        ignore: a.ignore.clone(),
    };
    sel.validate()?;
    let today = match &a.today {
        Some(t) => Date::parse(t)
            .ok_or_else(|| anyhow::anyhow!("--today: `{t}` is not a YYYY-MM-DD date"))?,
        None => Date::today(),
    };
    let analyses = analyze_projects(cli, &a.paths, &a.provider)?;
    let hint_lines = hint_lines(&analyses);
    let Merged {
        root,
        root_path,
        inventory,
        out,
        mut findings,
        partial,
        read,
    } = merge(analyses, &sel, today)?;
    let mut fps = crate::baseline::fingerprints(&root_path, &findings);
    if let Some(path) = &a.write_baseline {
        crate::baseline::write(path, &findings, &fps)?;
        if !cli.quiet {
            eprintln!(
                "flagdebt: wrote {} finding(s) to the baseline {}",
                findings.len(),
                path.display()
            );
        }
        return Ok(exit::OK);
    }
    if let Some(path) = &a.baseline {
        (findings, fps) = crate::pipeline::new_since_baseline(findings, fps, path)?;
    }
    let change = match &a.diff {
        Some(rev) => {
            let head = crate::diff::Side {
                inventory: &inventory,
                read: &read,
                root: crate::diff::normalize(&std::env::current_dir()?.join(&root_path)),
                top: None,
            };
            let (change, base_fps) = diff_base(cli, a, rev, &sel, today, head)?;
            (findings, fps) = crate::diff::new_findings(findings, fps, &base_fps, &change);
            Some(change)
        }
        None => None,
    };
    notes(cli, &out);
    hints(cli, &hint_lines);
    if partial && !cli.quiet {
        let skipped: Vec<&str> = checks::WHOLE_TREE
            .iter()
            .copied()
            .filter(|c| sel.enabled(c))
            .collect();
        if !skipped.is_empty() {
            eprintln!(
                "note: {} ran only where the whole project was scanned, not on part of it",
                skipped.join(" and ")
            );
        }
    }
    let report = Report {
        root,
        root_path,
        inventory: &inventory,
        findings: &findings,
        skipped: &out.skipped,
        parse_errors: &out.parse_errors,
        stats: &out.stats,
        fingerprints: &fps,
        color: color(cli),
        quiet: cli.quiet,
    };
    let text = a.format.render(&report);
    let text = match (&change, a.format) {
        (Some(c), Format::Human) if !cli.quiet => {
            format!("{text}\n{}", crate::diff::render_text(c))
        }
        (Some(c), Format::Markdown) => text + &crate::diff::render_markdown(c),
        (Some(c), Format::Json) => {
            let mut v: serde_json::Value = serde_json::from_str(&text)?;
            v["change"] = serde_json::to_value(c)?;
            serde_json::to_string_pretty(&v)? + "\n"
        }
        _ => text,
    };
    let text = if a.statistics {
        statistics(&findings)
    } else {
        text
    };
    match &a.output_file {
        Some(path) => std::fs::write(path, text.as_bytes())
            .with_context(|| format!("{}: cannot write the report", path.display()))?,
        None => report::emit(text.as_bytes()).context("cannot write the output")?,
    }
    Ok(if a.exit_zero {
        exit::OK
    } else if findings.iter().any(|f| f.severity == Severity::Error) {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// `--statistics`: one line per (check, severity), most frequent first, then the total.
fn statistics(findings: &[crate::finding::Finding]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, Severity), usize> = Default::default();
    for f in findings {
        *counts.entry((f.code.as_str(), f.severity)).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut s = String::new();
    for ((code, sev), n) in &rows {
        s.push_str(&format!("{n:>5}  {code:28} {sev}\n"));
    }
    s.push_str(&format!("{:>5}  total\n", findings.len()));
    s
}

/// Diff mode's base side: the merge-base of `rev` laid out from git, analyzed like the head
/// (same paths, as seen from the same folder), its fingerprints and the change's flag summary.
fn diff_base(
    cli: &Cli,
    a: &ScanArgs,
    rev: &str,
    sel: &Selection,
    today: Date,
    head: crate::diff::Side,
) -> Result<(crate::diff::Change, Vec<String>)> {
    let cwd = std::env::current_dir()?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let base = crate::diff::BaseTree::materialize(rev, &cwd)?;
    let Ok(cwd_rel) = cwd.strip_prefix(&base.top) else {
        anyhow::bail!("--diff: the working directory is not inside the git repository");
    };
    let base_cwd = match base.dir.join(cwd_rel) {
        d if d.is_dir() => d,
        _ => base.dir.clone(),
    };
    let given = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let base_paths: Vec<PathBuf> = given
        .iter()
        .filter_map(|p| {
            let abs = crate::diff::normalize(&cwd.join(p));
            let b = base.dir.join(abs.strip_prefix(&base.top).ok()?);
            b.exists().then_some(b)
        })
        .collect();
    let old = if base_paths.is_empty() {
        crate::pipeline::Merged::empty()
    } else {
        merge(
            crate::pipeline::analyze_projects_at(
                &cli.run_options(),
                &base_paths,
                &(&a.provider).into(),
                &base_cwd,
            )?,
            sel,
            today,
        )?
    };
    let old_root = crate::diff::normalize(&base_cwd.join(&old.root_path));
    let base_fps = crate::baseline::fingerprints(&old_root, &old.findings);
    let old_side = crate::diff::Side {
        inventory: &old.inventory,
        read: &old.read,
        root: old_root,
        top: Some(&base.dir),
    };
    let change = crate::diff::summarize(&base, &old_side, &head);
    Ok((change, base_fps))
}

fn cmd_refs(cli: &Cli, a: &RefsArgs) -> Result<i32> {
    use crate::refs::RefsFormat;
    let offline = ProviderArgs {
        offline: true,
        ..Default::default()
    };
    let mut paths = a.paths.clone();
    let mut flags = a.flags.clone();
    for arg in &a.args {
        if Path::new(arg).exists() {
            paths.push(PathBuf::from(arg));
        } else {
            flags.push(arg.clone());
        }
    }
    // Every project the paths belong to, as `scan` reports them: one list, paths prefixed by
    // their project's root when there are several.
    let analyses = analyze_projects(cli, &paths, &offline)?;
    let hint_lines = hint_lines(&analyses);
    let Merged {
        root,
        root_path,
        inventory,
        out,
        ..
    } = crate::pipeline::merge_with(analyses, |_| Ok(Vec::new()))?;
    notes(cli, &out);
    hints(cli, &hint_lines);
    let report = Report {
        root,
        root_path,
        inventory: &inventory,
        findings: &[],
        skipped: &out.skipped,
        parse_errors: &out.parse_errors,
        stats: &out.stats,
        fingerprints: &[],
        color: color(cli),
        quiet: cli.quiet,
    };
    if flags.is_empty() {
        let text = match a.format {
            RefsFormat::Human => report::human::render_refs(&report),
            RefsFormat::Json => report::json::render(&report),
            RefsFormat::Grep => {
                anyhow::bail!("`--format grep` needs a flag: `flagdebt refs FLAG --format grep`")
            }
        };
        report::emit(text.as_bytes()).context("cannot write the output")?;
        return Ok(exit::OK);
    }
    let hits = crate::refs::hits(&report, &flags, a.context);
    let text = match a.format {
        RefsFormat::Human => crate::refs::render_human(&hits, &flags),
        RefsFormat::Json => crate::refs::render_json(&hits, &flags),
        RefsFormat::Grep => crate::refs::render_grep(&hits),
    };
    report::emit(text.as_bytes()).context("cannot write the output")?;
    let missing: Vec<&String> = flags
        .iter()
        .filter(|f| !hits.iter().any(|h| &h.flag == *f))
        .collect();
    if !cli.quiet {
        for f in &missing {
            eprintln!("flagdebt: no read or declaration of `{f}` found");
        }
    }
    // As grep does: 1 when nothing at all was found.
    Ok(if hits.is_empty() {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// `fix`: the diff (or the written files) on stdout, what is left for the user on stderr.
/// Exit 1 when something is left (a read not rewritten, a test to delete), else 0.
fn cmd_fix(cli: &Cli, a: &FixArgs) -> Result<i32> {
    let value = match (a.treated, &a.value) {
        (Some(t), _) => serde_json::Value::Bool(t == Treated::On),
        (None, Some(v)) => serde_json::from_str(v).unwrap_or(serde_json::Value::String(v.clone())),
        (None, None) => anyhow::bail!("give --treated on|off or --value VALUE"),
    };
    if a.paths.len() > 1 {
        anyhow::bail!("`flagdebt fix` takes one folder");
    }
    let offline = ProviderArgs {
        offline: true,
        ..Default::default()
    };
    let Analysis {
        cfg,
        scanned,
        inventory,
        ..
    } = analyze(cli, &a.paths, &offline)?;
    if !inventory.flags.contains_key(&a.flag) {
        anyhow::bail!("flag `{}` is neither read nor declared here", a.flag);
    }
    let root = scan_root(&scanned);
    let files: Vec<String> = crate::walk::list(&root, &cli.tuning().walk_options(&cfg))
        .files
        .into_iter()
        .map(|f| f.rel)
        .collect();
    let out = crate::fix::run(
        &root,
        &files,
        &inventory,
        &cfg.env_settings(),
        &a.flag,
        &value,
    );
    if a.write {
        crate::fix::write(&root, &out.changes).context("cannot write the fixed files")?;
        if !cli.quiet {
            for c in &out.changes {
                eprintln!("fixed {}", c.path);
            }
        }
    } else {
        report::emit(crate::fix::diff(&out.changes).as_bytes())
            .context("cannot write the output")?;
        if !cli.quiet {
            eprintln!(
                "flagdebt: {} file(s) would change (--write applies the diff)",
                out.changes.len()
            );
        }
    }
    for t in &out.stale_tests {
        eprintln!(
            "{}:{}: test `{}` pins `{}` to the other value: delete it (not edited)",
            t.path, t.line, t.name, a.flag
        );
    }
    for l in &out.left {
        eprintln!("{}:{}: not fixed: {}", l.path, l.line, l.reason);
    }
    Ok(if out.left.is_empty() && out.stale_tests.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

/// The process environment, for provider tokens (`token_env`).
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn cmd_pull(cli: &Cli, output: Option<&Path>) -> Result<i32> {
    let cfg = load_config(cli)?;
    if cfg.providers.is_empty() {
        anyhow::bail!(
            "no providers configured: add `providers:` to .flagdebt.yml (see the README)"
        );
    }
    let state = crate::provider::fetch_all(&cfg.providers, &env_var)?;
    match output {
        Some(p) => {
            crate::provider::snapshot::write(p, &state)?;
            if !cli.quiet {
                let n: usize = state.providers.iter().map(|s| s.flags.len()).sum();
                eprintln!(
                    "flagdebt: wrote {n} flag(s) from {} provider(s) to {}",
                    state.providers.len(),
                    p.display()
                );
            }
        }
        None => report::emit(crate::provider::snapshot::to_string(&state)?.as_bytes())?,
    }
    Ok(exit::OK)
}

fn cmd_explain(code: Option<&str>, list: bool) -> Result<i32> {
    if list || code.is_none() {
        let mut s = String::new();
        for c in checks::ALL {
            s.push_str(&format!(
                "{:28} {:8} {}\n",
                c.code,
                c.severity.as_str(),
                c.summary()
            ));
        }
        report::emit(s.as_bytes())?;
        return Ok(exit::OK);
    }
    let code = code.unwrap_or_default();
    let check = checks::by_code(code).ok_or_else(|| {
        anyhow::anyhow!("unknown check code `{code}` (see `flagdebt explain --list`)")
    })?;
    let text = format!(
        "# {} (default severity: {})\n\n{}",
        check.code,
        check.severity,
        check.doc()
    );
    report::emit(text.as_bytes())?;
    Ok(exit::OK)
}

fn cmd_presets(cli: &Cli, paths: &[PathBuf]) -> Result<i32> {
    let cfg = load_config(cli)?;
    let found = detect_presets(&cfg, &list_roots(paths, &cfg)?)?;
    let mut s = String::new();
    for d in &found {
        s.push_str(&format!(
            "{:18} {:4} {}\n",
            d.preset.name,
            if d.active { "on" } else { "off" },
            d.reason
        ));
        s.push_str(&format!("{:23} {}\n", "", d.preset.summary));
        s.push_str(&format!("{:23} registry: {}\n", "", d.preset.registry));
    }
    report::emit(s.as_bytes())?;
    Ok(exit::OK)
}

fn cmd_rules(cli: &Cli, literals: bool) -> Result<i32> {
    let cfg = load_config(cli)?;
    let presets = detect_presets(&cfg, &list_roots(&[], &cfg)?)?;
    let rules = load_rules(&cfg, &presets)?;
    let mut s = String::new();
    if literals {
        let pre = crate::scan::prefilter::Prefilter::new(&rules);
        let mut lits: Vec<&String> = pre.literals().iter().collect();
        lits.sort();
        for l in lits {
            s.push_str(l);
            s.push('\n');
        }
    } else {
        for r in &rules.rules {
            let langs: Vec<&str> = r.languages.iter().map(|l| l.name()).collect();
            s.push_str(&format!(
                "{:28} {:12} {:10} {}\n",
                r.id,
                r.provider,
                langs.join(","),
                r.source
            ));
        }
    }
    report::emit(s.as_bytes())?;
    Ok(exit::OK)
}
