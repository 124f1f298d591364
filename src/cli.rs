//! The command line: clap derive, one function per subcommand, and the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, Parser, Subcommand};

use crate::checks::{self, Selection};
use crate::config::Config;
use crate::date::Date;
use crate::exit;
use crate::finding::{sort_findings, Severity};
use crate::inventory::Inventory;
use crate::presets::Detection;
use crate::report::{self, Format, Report};
use crate::rules::RuleSet;
use crate::scan::{self, ScanOutput};
use crate::walk::Listing;

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
        }
    }
}

/// The default worker count: the available parallelism (1 when it cannot be known).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How the command line tunes a scan beyond the config: these never change what is found.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tuning {
    /// A progress line on stderr (only on a terminal).
    pub progress: bool,
    /// See [`Cli::whole_files`].
    pub whole_files: bool,
    /// Worker threads (see [`Cli::threads`]; 0: one per core).
    pub threads: usize,
}

impl Tuning {
    /// The config's walk options, tuned.
    pub fn walk_options(&self, cfg: &Config) -> crate::walk::WalkOptions {
        let mut opts = cfg.walk_options();
        opts.progress = self.progress;
        opts.whole_files = self.whole_files;
        opts.threads = self.threads;
        opts
    }
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

/// The one project the paths belong to, analyzed whole (the report and the sheet speak of a
/// project's flags, wherever in it they are read).
fn whole_project(cli: &Cli, paths: &[PathBuf], prov: &ProviderArgs) -> Result<Analysis> {
    let mut all = analyze_projects(cli, paths, prov)?;
    if all.len() > 1 {
        let roots: Vec<String> = all.iter().map(|a| a.scanned.root.clone()).collect();
        anyhow::bail!(
            "the paths belong to {} projects, each with its own .flagdebt.yml ({}): give the paths of one",
            all.len(),
            roots.join(", ")
        );
    }
    all.pop()
        .ok_or_else(|| anyhow::anyhow!("nothing to scan: every path is in a nested project"))
}

/// `flagdebt fix`'s plan (the flag treated as on, nothing written) for each of these flags that
/// is an on/off flag ([`crate::fix::is_on_off`]); the tree is listed once for all of them.
fn fix_plans(
    opts: &crate::walk::WalkOptions,
    scanned: &Scanned,
    cfg: &Config,
    inventory: &Inventory,
    flags: &[String],
) -> std::collections::BTreeMap<String, crate::fix::Plan> {
    let flags: Vec<&String> = flags
        .iter()
        .filter(|f| crate::fix::is_on_off(inventory, f))
        .collect();
    if flags.is_empty() {
        return Default::default();
    }
    let root = scan_root(scanned);
    let files: Vec<String> = crate::walk::list(&root, opts)
        .files
        .into_iter()
        .map(|f| f.rel)
        .collect();
    let env = cfg.env_settings();
    flags
        .into_iter()
        .map(|f| {
            let plan = crate::fix::plan(&root, &files, inventory, &env, f);
            (f.clone(), plan)
        })
        .collect()
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

/// The built-in packs, the active presets' packs and the config's rule files.
fn load_rules(cfg: &Config, presets: &[Detection]) -> Result<RuleSet> {
    // Wrapper functions are followed in every configuration (one level).
    let mut rules = RuleSet::load_with(
        &crate::presets::packs(presets),
        &cfg.extra_rules()?,
        &cfg.disable_packs,
        cfg.env_settings(),
    )?;
    crate::presets::scope_rules(&mut rules, presets);
    Ok(rules)
}

/// Which presets are on for these listed roots.
fn detect_presets(cfg: &Config, listings: &[Listing]) -> Result<Vec<Detection>> {
    let roots: Vec<&Listing> = listings.iter().collect();
    crate::presets::detect(&roots, &cfg.presets)
}

/// The scan roots as given (`.` when none), each listed once: the listing is what preset
/// detection, the scan and registry discovery all read, so the tree is walked once a run.
pub fn list_roots(paths: &[PathBuf], cfg: &Config) -> Result<Vec<Listing>> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for p in &paths {
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
    }
    let opts = cfg.walk_options();
    Ok(paths.iter().map(|p| crate::walk::list(p, &opts)).collect())
}

/// What one run scanned: one or more roots, merged. With one root, paths are relative to it;
/// with several, each path keeps its root as written as a prefix.
pub struct Scanned {
    pub root: String,
    pub root_path: PathBuf,
    pub out: ScanOutput,
}

pub fn scan_listings(
    listings: &[Listing],
    cfg: &Config,
    rules: &RuleSet,
    tuning: Tuning,
) -> Result<Scanned> {
    let opts = tuning.walk_options(cfg);
    if let [one] = listings {
        let out = scan::scan_listing(one, &opts, rules);
        return Ok(Scanned {
            root: display_path(&one.root),
            root_path: one.root.clone(),
            out,
        });
    }
    let mut all = ScanOutput::default();
    for l in listings {
        let p = &l.root;
        let prefix = display_path(p);
        let pre = |s: &str| {
            if p.is_file() {
                prefix.clone()
            } else {
                format!("{}/{s}", prefix.trim_end_matches('/'))
            }
        };
        all.absorb(scan::scan_listing(l, &opts, rules), pre);
    }
    Ok(Scanned {
        root: ".".into(),
        root_path: PathBuf::from("."),
        out: all,
    })
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let s = s.trim_end_matches('/');
    if s.is_empty() {
        ".".into()
    } else {
        s.to_string()
    }
}

/// What scan, refs and every later command share: config, scan, registry, Inventory — for
/// one project (see [`crate::project`]). Paths are relative to the project root.
pub struct Analysis {
    pub cfg: Config,
    pub scanned: Scanned,
    pub inventory: Inventory,
    /// The scanned paths under the project root (None: the whole project).
    pub scope: Option<Vec<String>>,
    /// Which presets were on, and why.
    pub presets: Vec<Detection>,
    /// The scan roots as listed (for what `scan` reads besides the parsed files).
    pub listings: Vec<Listing>,
}

impl Analysis {
    /// Whether a project-relative path is one the run reports on.
    pub fn in_scope(&self, path: &str) -> bool {
        match &self.scope {
            None => true,
            Some(s) => s.iter().any(|s| crate::project::under(path, s)),
        }
    }
}

/// The analysis of the one project the paths belong to (commands that list what is there,
/// like `refs`): when only part of the project was given, its inventory keeps the reads at
/// the given paths only. `scan` runs the checks on the whole project first ([`merge`]).
pub fn analyze(cli: &Cli, paths: &[PathBuf], prov: &ProviderArgs) -> Result<Analysis> {
    let mut all = analyze_projects(cli, paths, prov)?;
    for an in &mut all {
        if let Some(scope) = an.scope.clone() {
            let keep = |p: &str| scope.iter().any(|s| crate::project::under(p, s));
            an.inventory.narrow(keep);
            an.scanned.out.skipped.retain(|s| keep(&s.path));
            an.scanned.out.parse_errors.retain(|s| keep(&s.path));
        }
    }
    if all.len() > 1 {
        let roots: Vec<String> = all.iter().map(|a| a.scanned.root.clone()).collect();
        anyhow::bail!(
            "the paths belong to {} projects, each with its own .flagdebt.yml ({}): give the paths of one",
            all.len(),
            roots.join(", ")
        );
    }
    all.pop()
        .ok_or_else(|| anyhow::anyhow!("nothing to scan: every path is in a nested project"))
}

/// One analysis per project the paths belong to, sorted by root: the nearest `.flagdebt.yml`
/// above each file governs it, and each project's tree is listed once.
pub fn analyze_projects(
    cli: &Cli,
    paths: &[PathBuf],
    prov: &ProviderArgs,
) -> Result<Vec<Analysis>> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    analyze_projects_at(cli, paths, prov, &cwd)
}

/// [`analyze_projects`] as if run from `cwd` (diff mode analyzes the base tree this way).
fn analyze_projects_at(
    cli: &Cli,
    paths: &[PathBuf],
    prov: &ProviderArgs,
    cwd: &Path,
) -> Result<Vec<Analysis>> {
    let cwd = cwd.to_path_buf();
    let mut queue = crate::project::discover(paths, cli.config.as_deref(), &cwd)?;
    let mut out = Vec::new();
    while let Some(mut project) = queue.pop() {
        let opts = cli.tuning().walk_options(&project.config);
        let mut listing = crate::walk::list(&project.root, &opts);
        if cli.config.is_none() {
            queue.extend(crate::project::split_nested(&mut project, &listing.dirs)?);
            listing.leave_out(&project.nested);
        }
        if project.is_empty() {
            continue;
        }
        out.push(analyze_project(cli, project, listing, prov, &cwd)?);
    }
    out.sort_by(|a, b| a.scanned.root_path.cmp(&b.scanned.root_path));
    Ok(out)
}

fn analyze_project(
    cli: &Cli,
    project: crate::project::Project,
    listing: Listing,
    prov: &ProviderArgs,
    cwd: &Path,
) -> Result<Analysis> {
    let crate::project::Project {
        root,
        config: cfg,
        scope,
        ..
    } = project;
    let listings = vec![listing];
    let presets = detect_presets(&cfg, &listings)?;
    let rules = load_rules(&cfg, &presets)?;
    let tuning = cli.tuning();
    let mut scanned = scan_listings(&listings, &cfg, &rules, tuning)?;
    // Shown relative to the working directory, as the user would write it.
    let shown = match rebase_path(cwd, &root) {
        s if s.is_empty() => ".".to_string(),
        s => s,
    };
    // The root on disk stays absolute: the base side of diff mode is analyzed from another
    // folder than the process's working directory.
    scanned.root_path = root.clone();
    scanned.root = shown;
    let (mut registry, mut has_registry) =
        load_registry(&cfg, &tuning.walk_options(&cfg), &scanned, &listings)?;
    if !scanned.out.declarations.is_empty() {
        registry.extend(crate::registry::code::from_scan(&scanned.out.declarations));
        has_registry = true;
    }
    let provider = load_provider_state(cli, &cfg, prov)?;
    let scan_root = scan_root(&scanned);
    let base = cfg
        .base_dir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| scan_root.clone());
    let mut env_vars = Vec::new();
    for f in &cfg.env_files {
        let p = base.join(f);
        env_vars.extend(crate::envfile::read(&p, &rebase_path(&scan_root, &p))?);
    }
    let config_path = cfg.path.as_deref().map(|p| rebase_path(&scan_root, p));
    let sources = crate::inventory::Sources {
        registry,
        has_registry,
        provider,
        env_vars,
        config_path,
    };
    let mut inventory = Inventory::build(&scanned.out, sources, &cfg)?;
    if let Some(co) = crate::owners::Codeowners::discover(&scan_root) {
        co.fill(&mut inventory);
    }
    Ok(Analysis {
        cfg,
        scanned,
        inventory,
        scope,
        presets,
        listings,
    })
}

/// Where files flagdebt does not parse name the declared flags that no parsed code reads.
fn unparsed_mentions(
    inventory: &Inventory,
    listings: &[Listing],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let unread: Vec<String> = inventory
        .flags
        .values()
        .filter(|r| {
            !r.declarations.is_empty()
                && r.reference_count <= r.test_reference_count + r.generated_reference_count
        })
        .map(|r| r.key.clone())
        .collect();
    if unread.is_empty() {
        return Default::default();
    }
    let several = listings.len() > 1;
    let pairs: Vec<(&Listing, Option<String>)> = listings
        .iter()
        .map(|l| (l, several.then(|| display_path(&l.root))))
        .collect();
    crate::mentions::find(&pairs, &unread)
}

fn scan_root(scanned: &Scanned) -> PathBuf {
    if scanned.root_path.is_file() {
        scanned
            .root_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    } else {
        scanned.root_path.clone()
    }
}

/// The process environment, for provider tokens (`token_env`).
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Live provider state fetched in this run, by provider configuration: the base side of
/// diff mode (and a second project naming the same providers) reuses it.
static FETCHED: std::sync::Mutex<Vec<(String, Option<crate::provider::ProviderState>)>> =
    std::sync::Mutex::new(Vec::new());

/// Provider state: a snapshot (`--state`), or the live providers of the config. A provider
/// error is exit 2 unless `--allow-provider-errors`.
fn load_provider_state(
    cli: &Cli,
    cfg: &Config,
    prov: &ProviderArgs,
) -> Result<Option<crate::provider::ProviderState>> {
    if prov.state.is_some() || prov.offline || cfg.providers.is_empty() {
        return fetch_provider_state(cli, cfg, prov);
    }
    let key = format!("{:?}", cfg.providers);
    if let Ok(seen) = FETCHED.lock() {
        if let Some((_, s)) = seen.iter().find(|(k, _)| *k == key) {
            return Ok(s.clone());
        }
    }
    let state = fetch_provider_state(cli, cfg, prov)?;
    if let Ok(mut seen) = FETCHED.lock() {
        seen.push((key, state.clone()));
    }
    Ok(state)
}

fn fetch_provider_state(
    cli: &Cli,
    cfg: &Config,
    prov: &ProviderArgs,
) -> Result<Option<crate::provider::ProviderState>> {
    if let Some(path) = &prov.state {
        return Ok(Some(crate::provider::snapshot::read(path)?));
    }
    if prov.offline || cfg.providers.is_empty() {
        return Ok(None);
    }
    match crate::provider::fetch_all(&cfg.providers, &env_var) {
        Ok(state) => {
            if let Some(out) = &prov.write_state {
                crate::provider::snapshot::write(out, &state)?;
            }
            Ok(Some(state))
        }
        Err(e) if prov.allow_provider_errors => {
            if !cli.quiet {
                eprintln!("flagdebt: warning: {e}; going on without provider state (--allow-provider-errors)");
            }
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Registries named in the config (relative to it), or discovered under the config's folder
/// (or the scan root when there is no config). Paths are rebased onto the scan root so every
/// finding's path reads the same way. A malformed registry is an error (exit 2).
fn load_registry(
    cfg: &Config,
    opts: &crate::walk::WalkOptions,
    scanned: &Scanned,
    listings: &[Listing],
) -> Result<(crate::registry::Registry, bool)> {
    let scan_root = scan_root(scanned);
    let reg_root = cfg
        .base_dir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| scan_root.clone());
    let discover_at = |p: &Path| crate::registry::discover_in(&crate::walk::list(p, opts));
    let files: Vec<String> = if cfg.registries.is_empty() {
        // The scan's own listing when it is of the registry root; else a listing of its own,
        // with the same excludes.
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        match listings {
            [one] if reg_root.is_dir() && same(&one.root, &reg_root) => {
                crate::registry::discover_in(one)
            }
            _ => discover_at(&reg_root),
        }
    } else {
        let mut files = Vec::new();
        for entry in cfg.registries.iter() {
            if let crate::config::RegistryEntry::Shaped(_) = entry {
                continue; // read below, in their shape
            }
            let r = entry.path();
            let p = reg_root.join(r);
            if p.is_dir() {
                files.extend(
                    discover_at(&p)
                        .into_iter()
                        .map(|f| format!("{}/{f}", r.trim_end_matches('/'))),
                );
            } else if p.is_file() {
                files.push(r.to_string());
            } else {
                anyhow::bail!(
                    "{}: registry `{r}` named in the config does not exist",
                    cfg.path
                        .as_deref()
                        .unwrap_or(Path::new(".flagdebt.yml"))
                        .display()
                );
            }
        }
        files
    };
    let (mut registry, mut errors) = crate::registry::load_all(&reg_root, &files);
    let mut shaped = 0;
    for entry in &cfg.registries {
        let crate::config::RegistryEntry::Shaped(s) = entry else {
            continue;
        };
        shaped += 1;
        if !reg_root.join(&s.path).is_file() {
            anyhow::bail!(
                "{}: registry `{}` named in the config does not exist",
                cfg.path
                    .as_deref()
                    .unwrap_or(Path::new(".flagdebt.yml"))
                    .display(),
                s.path
            );
        }
        match crate::registry::load_shaped(
            &reg_root,
            &s.path,
            s.format,
            s.under.as_deref(),
            s.name.as_deref(),
        ) {
            Ok(r) => registry.extend(r),
            Err(e) => errors.push(e),
        }
    }
    if let Some(first) = errors.first() {
        for e in errors.iter().skip(1) {
            eprintln!("flagdebt: error: {e}");
        }
        anyhow::bail!("{first}");
    }
    let rebase = |p: &mut String| *p = rebase_path(&scan_root, &reg_root.join(p.as_str()));
    if reg_root != scan_root {
        registry
            .declarations
            .iter_mut()
            .for_each(|d| rebase(&mut d.path));
        registry
            .problems
            .iter_mut()
            .for_each(|d| rebase(&mut d.path));
    }
    Ok((registry, !files.is_empty() || shaped > 0))
}

/// `target` relative to `base`, `/`-separated, with `..` where needed.
fn rebase_path(base: &Path, target: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (base, target) = (abs(base), abs(target));
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), b.len() - common).collect();
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
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

/// One line on stderr when a convention was not recognised: a registry but no reads, reads
/// but no registry, or a preset on that found nothing. Each points at `flagdebt init`.
fn hints(cli: &Cli, scanned: &Scanned, inventory: &Inventory, presets: &[Detection]) {
    if cli.quiet {
        return;
    }
    for h in convention_hints(inventory, &scanned.out.declarations, presets) {
        eprintln!("hint: {h}");
    }
}

/// The hints of [`hints`], as lines.
pub fn convention_hints(
    inventory: &Inventory,
    code_decls: &[crate::scan::CodeDecl],
    presets: &[Detection],
) -> Vec<String> {
    let mut out = Vec::new();
    let declared = inventory
        .flags
        .values()
        .filter(|r| !r.declarations.is_empty())
        .count();
    let reads = inventory.references.len() + inventory.unresolved.len();
    if declared > 0 && inventory.references.iter().all(|r| r.test) {
        out.push(format!(
            "{declared} flag(s) declared, but no read of them was recognised in code; if the code reads flags through its own helper or a library flagdebt does not know, `flagdebt init` proposes the rules"
        ));
    }
    if reads > 0 && !inventory.has_registry {
        out.push(format!(
            "{reads} flag read(s) found, but no registry declares flags; `flagdebt init` looks for one (or name yours with `registries:`)"
        ));
    }
    for d in presets.iter().filter(|d| d.active) {
        let ids = crate::presets::rule_ids(d.preset);
        if ids.is_empty() {
            continue;
        }
        let found = inventory.references.iter().any(|r| ids.contains(&r.rule))
            || inventory.unresolved.iter().any(|u| ids.contains(&u.rule))
            || code_decls.iter().any(|c| ids.contains(&c.rule));
        if !found {
            out.push(format!(
                "preset `{}` is on ({}) but found nothing; `flagdebt init` shows what the repository uses (or switch it off: `presets: [-{}]`)",
                d.preset.name, d.reason, d.preset.name
            ));
        }
    }
    out
}

/// Every finding of one project: all checks, then suppressions, the selection and the config's
/// severities, sorted. Paths are relative to the project root.
fn project_findings(
    an: &Analysis,
    sel: &Selection,
    today: Date,
) -> Result<Vec<crate::finding::Finding>> {
    let Analysis {
        cfg,
        scanned,
        inventory,
        ..
    } = an;
    let repo_version = crate::version::repo_version(&scan_root(scanned), cfg.version.as_deref());
    let cx = checks::Context {
        inventory,
        config: cfg,
        today,
        repo_version,
    };
    // Every check runs, so suppressions are matched against all findings (a suppression of a
    // check left out by --select is still in use); the selection applies afterwards.
    let findings = checks::run(&cx, &Selection::default());
    // Suppressions in source files (found by the walk) and in the registry, env and config
    // files findings can point at.
    let mut sups = scanned.out.suppressions.clone();
    let root = scan_root(scanned);
    let mut other: Vec<&str> = inventory
        .declarations
        .iter()
        .map(|d| d.path.as_str())
        .chain(inventory.registry_problems.iter().map(|p| p.path.as_str()))
        .chain(inventory.env_vars.iter().map(|v| v.path.as_str()))
        .chain(inventory.config_path.as_deref())
        .collect();
    other.sort();
    other.dedup();
    for path in other {
        sups.extend(crate::suppress::read_file(&root, path));
    }
    let findings: Vec<_> = crate::suppress::apply(findings, &sups)
        .into_iter()
        .filter(|f| sel.enabled(&f.code))
        .collect();
    let mut findings = checks::apply_severity(findings, cfg)?;
    sort_findings(&mut findings);
    Ok(findings)
}

/// What one run reports: one project as analyzed, or several merged with their roots as path
/// prefixes; narrowed to the scanned paths.
pub struct Merged {
    pub root: String,
    pub root_path: PathBuf,
    pub inventory: Inventory,
    pub out: ScanOutput,
    pub findings: Vec<crate::finding::Finding>,
    /// Whether some project was scanned only in part (whole-tree checks did not run there).
    pub partial: bool,
    /// Flags read (outside tests) anywhere in the projects, scanned paths or not.
    pub read: std::collections::BTreeSet<String>,
}

/// Each project's findings on its scanned paths (whole-tree checks only where the whole
/// project was scanned), merged into one report.
pub fn merge(analyses: Vec<Analysis>, sel: &Selection, today: Date) -> Result<Merged> {
    let many = analyses.len() > 1;
    let mut merged = Merged {
        root: ".".into(),
        root_path: PathBuf::from("."),
        inventory: Inventory::default(),
        out: ScanOutput::default(),
        findings: Vec::new(),
        partial: false,
        read: Default::default(),
    };
    for mut an in analyses {
        // Only `scan` reports unused flags: only it reads the unparsed files for their mentions.
        if sel.enabled("unused-flag") {
            an.inventory.mentions = unparsed_mentions(&an.inventory, &an.listings);
        }
        let mut findings = project_findings(&an, sel, today)?;
        merged.read.extend(
            an.inventory
                .references
                .iter()
                .filter(|r| !r.test)
                .map(|r| r.flag.clone()),
        );
        if let Some(scope) = an.scope.clone() {
            merged.partial = true;
            let keep = |p: &str| scope.iter().any(|s| crate::project::under(p, s));
            findings.retain(|f| keep(&f.path) && !checks::needs_whole_tree(&f.code));
            an.inventory.narrow(keep);
            let out = &mut an.scanned.out;
            out.skipped.retain(|s| keep(&s.path));
            out.parse_errors.retain(|s| keep(&s.path));
        }
        if !many {
            merged.root = an.scanned.root;
            merged.root_path = an.scanned.root_path;
            merged.inventory = an.inventory;
            merged.out = an.scanned.out;
            merged.findings = findings;
            return Ok(merged);
        }
        let root = an.scanned.root.clone();
        let pre = move |p: &str| {
            if root == "." {
                p.to_string()
            } else {
                format!("{}/{p}", root.trim_end_matches('/'))
            }
        };
        for f in &mut findings {
            f.path = pre(&f.path);
            for r in &mut f.related {
                r.path = pre(&r.path);
            }
        }
        merged.findings.extend(findings);
        merged.inventory.absorb(an.inventory, &pre);
        merged.out.absorb(an.scanned.out, &pre);
    }
    sort_findings(&mut merged.findings);
    Ok(merged)
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
    let hint_lines: Vec<String> = analyses
        .iter()
        .flat_map(|an| convention_hints(&an.inventory, &an.scanned.out.declarations, &an.presets))
        .collect();
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
        let base = crate::baseline::read(path)?;
        (findings, fps) = crate::baseline::filter_new(findings, fps, &base);
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
    if !cli.quiet {
        for h in &hint_lines {
            eprintln!("hint: {h}");
        }
    }
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
    };
    let text = match a.format {
        Format::Human => {
            let mut s = report::human::render_findings(&report);
            if cli.quiet {
                s = s
                    .lines()
                    .filter(|l| !l.starts_with("Found ") && !l.starts_with("No findings"))
                    .map(|l| format!("{l}\n"))
                    .collect();
            }
            s
        }
        Format::Json => report::json::render(&report),
        Format::Sarif => report::sarif::render(&report),
        Format::Github => report::github::render(&report),
        Format::Markdown => report::markdown::render(&report),
        Format::Gitlab => report::gitlab::render(&report),
    };
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
        Merged {
            root: ".".into(),
            root_path: PathBuf::from("."),
            inventory: Inventory::default(),
            out: ScanOutput::default(),
            findings: Vec::new(),
            partial: false,
            read: Default::default(),
        }
    } else {
        merge(
            analyze_projects_at(cli, &base_paths, &a.provider, &base_cwd)?,
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
    let Analysis {
        scanned,
        inventory,
        presets,
        ..
    } = analyze(cli, &paths, &offline)?;
    notes(cli, &scanned.out);
    hints(cli, &scanned, &inventory, &presets);
    let report = Report {
        root: scanned.root.clone(),
        root_path: scanned.root_path.clone(),
        inventory: &inventory,
        findings: &[],
        skipped: &scanned.out.skipped,
        parse_errors: &scanned.out.parse_errors,
        stats: &scanned.out.stats,
        fingerprints: &[],
        color: color(cli),
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
