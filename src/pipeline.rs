//! The pipeline every command runs, in order: list each project's tree, detect its presets,
//! load the rules, scan, load the registries and the provider state, join them into an
//! [`Inventory`], run the checks, apply suppressions, the selection and the config's
//! severities, sort; for several projects, merge. `cli.rs` (and `init.rs`) call it and render
//! what it returns; nothing here parses arguments or reads the environment for options (the
//! provider tokens a config names by `token_env` are read here, as the config says).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::checks::{self, Selection};
use crate::config::Config;
use crate::date::Date;
use crate::finding::sort_findings;
use crate::inventory::Inventory;
use crate::presets::Detection;
use crate::rules::RuleSet;
use crate::scan::{self, ScanOutput};
use crate::walk::Listing;

/// How one run goes beyond the configs: what the command line says.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// One config for every scanned path (`--config`), instead of the nearest `.flagdebt.yml`.
    pub config: Option<PathBuf>,
    /// No warnings on stderr (`--quiet`).
    pub quiet: bool,
    pub tuning: Tuning,
}

/// Where provider state comes from (`--state`, `--write-state`, `--offline`,
/// `--allow-provider-errors`).
#[derive(Debug, Clone)]
pub struct ProviderOptions {
    pub state: Option<PathBuf>,
    pub write_state: Option<PathBuf>,
    pub offline: bool,
    pub allow_provider_errors: bool,
    /// Where a provider's `token_env` variable is looked up (the CLI: the process
    /// environment).
    pub env: fn(&str) -> Option<String>,
}

impl Default for ProviderOptions {
    /// Offline is not the default: with providers configured and no environment, fetching
    /// fails for want of a token.
    fn default() -> Self {
        ProviderOptions {
            state: None,
            write_state: None,
            offline: false,
            allow_provider_errors: false,
            env: |_| None,
        }
    }
}

/// How the command line tunes a scan beyond the config: these never change what is found.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tuning {
    /// A progress line on stderr (only on a terminal).
    pub progress: bool,
    /// Parse every candidate file whole (the hidden `--whole-files`).
    pub whole_files: bool,
    /// Worker threads (`--threads`; 0: one per core).
    pub threads: usize,
    /// A fixed parse budget in milliseconds instead of the size-based one (the CLI takes it
    /// from `FLAGDEBT_PARSE_BUDGET_MS`; tests use a short one).
    pub parse_budget_ms: Option<u64>,
}

impl Tuning {
    /// The config's walk options, tuned.
    pub fn walk_options(&self, cfg: &Config) -> crate::walk::WalkOptions {
        let mut opts = cfg.walk_options();
        opts.progress = self.progress;
        opts.whole_files = self.whole_files;
        opts.threads = self.threads;
        opts.parse_budget_ms = self.parse_budget_ms;
        opts
    }
}

/// The only analysis of `all`: for the commands that act on one project (`fix`, the report,
/// the sheet). A project is a folder with its own `.flagdebt.yml`, else a scanned path's VCS
/// root, else the scanned folder itself.
fn the_one(mut all: Vec<Analysis>) -> Result<Analysis> {
    if all.len() > 1 {
        let roots: Vec<String> = all.iter().map(|a| a.scanned.root.clone()).collect();
        anyhow::bail!(
            "the paths belong to {} projects ({}): this command takes the paths of one",
            all.len(),
            roots.join(", ")
        );
    }
    all.pop()
        .ok_or_else(|| anyhow::anyhow!("nothing to scan: every path is in a nested project"))
}

/// The one project the paths belong to, analyzed whole (the report and the sheet speak of a
/// project's flags, wherever in it they are read).
pub fn whole_project(
    run: &RunOptions,
    paths: &[PathBuf],
    prov: &ProviderOptions,
) -> Result<Analysis> {
    let all = analyze_projects(run, paths, prov)?;
    the_one(all)
}

/// `flagdebt fix`'s plan (the flag treated as on, nothing written) for each of these flags that
/// is an on/off flag ([`crate::fix::is_on_off`]); the tree is listed once for all of them.
pub fn fix_plans(
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

/// The built-in packs, the active presets' packs and the config's rule files.
pub fn load_rules(cfg: &Config, presets: &[Detection]) -> Result<RuleSet> {
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
pub fn detect_presets(cfg: &Config, listings: &[Listing]) -> Result<Vec<Detection>> {
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

pub fn display_path(p: &Path) -> String {
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

/// The analysis of the one project the paths belong to (`fix`): when only part of the project
/// was given, its inventory keeps the reads at the given paths only. `scan` and `refs` take
/// several projects ([`merge_with`]).
pub fn analyze(run: &RunOptions, paths: &[PathBuf], prov: &ProviderOptions) -> Result<Analysis> {
    let mut all = analyze_projects(run, paths, prov)?;
    for an in &mut all {
        if let Some(scope) = an.scope.clone() {
            let keep = |p: &str| scope.iter().any(|s| crate::project::under(p, s));
            an.inventory.narrow(keep);
            an.scanned.out.skipped.retain(|s| keep(&s.path));
            an.scanned.out.parse_errors.retain(|s| keep(&s.path));
        }
    }
    the_one(all)
}

/// One analysis per project the paths belong to, sorted by root: the nearest `.flagdebt.yml`
/// above each file governs it, and each project's tree is listed once.
pub fn analyze_projects(
    run: &RunOptions,
    paths: &[PathBuf],
    prov: &ProviderOptions,
) -> Result<Vec<Analysis>> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    analyze_projects_at(run, paths, prov, &cwd)
}

/// [`analyze_projects`] as if run from `cwd` (diff mode analyzes the base tree this way).
pub fn analyze_projects_at(
    run: &RunOptions,
    paths: &[PathBuf],
    prov: &ProviderOptions,
    cwd: &Path,
) -> Result<Vec<Analysis>> {
    let cwd = cwd.to_path_buf();
    let mut queue = crate::project::discover(paths, run.config.as_deref(), &cwd)?;
    let mut out = Vec::new();
    // Each project is listed (which finds the projects nested in it) and analyzed; the
    // projects known at a time are analyzed side by side.
    while !queue.is_empty() {
        let wave = std::mem::take(&mut queue);
        for done in side_by_side(wave, run.tuning.threads, |mut project| {
            let opts = run.tuning.walk_options(&project.config);
            let mut listing = crate::walk::list(&project.root, &opts);
            let mut nested = Vec::new();
            if run.config.is_none() {
                nested = crate::project::split_nested(&mut project, &listing.config_dirs)?;
                listing.leave_out(&project.nested);
            }
            let analysis = match project.is_empty() {
                true => None,
                false => Some(analyze_project(run, project, listing, prov, &cwd)?),
            };
            Ok::<_, anyhow::Error>((analysis, nested))
        }) {
            let (analysis, nested) = done?;
            out.extend(analysis);
            queue.extend(nested);
        }
    }
    out.sort_by(|a, b| a.scanned.root_path.cmp(&b.scanned.root_path));
    Ok(out)
}

/// `f` of each item, two items at a time (one with `--threads 1`), results in item order.
/// A project's steps that run on one thread (presets, rules, the resolver, the registry)
/// then overlap another project's parallel ones: both cores stay busy on a run over several
/// projects. Each scan has its own worker pool ([`crate::scan::scan_listing`]).
fn side_by_side<T: Send, R: Send>(
    items: Vec<T>,
    threads: usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    if items.len() < 2 || threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let n = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new((0..n).map(|_| None).collect());
    let work = || loop {
        let Some((i, item)) = queue.lock().ok().and_then(|mut q| q.next()) else {
            return;
        };
        let r = f(item);
        if let Ok(mut out) = results.lock() {
            out[i] = Some(r);
        }
    };
    std::thread::scope(|s| {
        // The other worker: a stack as large as the scan workers' (registry files and
        // configs are parsed here too).
        let helper = std::thread::Builder::new()
            .stack_size(crate::scan::guard::WORKER_STACK)
            .spawn_scoped(s, work);
        work();
        if let Ok(h) = helper {
            let _ = h.join();
        }
    });
    results
        .into_inner()
        .map(|out| out.into_iter().flatten().collect())
        .unwrap_or_default()
}

pub fn analyze_project(
    run: &RunOptions,
    project: crate::project::Project,
    listing: Listing,
    prov: &ProviderOptions,
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
    let tuning = run.tuning;
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
    let provider = load_provider_state(run, &cfg, prov)?;
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
        frameworks: crate::frameworks::Frameworks::detect(&scan_root),
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
pub fn unparsed_mentions(
    inventory: &Inventory,
    listings: &[Listing],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let unread: Vec<String> = inventory
        .flags
        .values()
        .filter(|r| {
            !r.declarations.is_empty()
                && r.read_by.is_none()
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

pub fn scan_root(scanned: &Scanned) -> PathBuf {
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

/// Live provider state fetched in this run, by provider configuration: the base side of
/// diff mode (and a second project naming the same providers) reuses it.
static FETCHED: std::sync::Mutex<Vec<(String, Option<crate::provider::ProviderState>)>> =
    std::sync::Mutex::new(Vec::new());

/// Provider state: a snapshot (`--state`), or the live providers of the config. A provider
/// error is exit 2 unless `--allow-provider-errors`.
pub fn load_provider_state(
    run: &RunOptions,
    cfg: &Config,
    prov: &ProviderOptions,
) -> Result<Option<crate::provider::ProviderState>> {
    if prov.state.is_some() || prov.offline || cfg.providers.is_empty() {
        return fetch_provider_state(run, cfg, prov);
    }
    let key = format!("{:?}", cfg.providers);
    if let Ok(seen) = FETCHED.lock() {
        if let Some((_, s)) = seen.iter().find(|(k, _)| *k == key) {
            return Ok(s.clone());
        }
    }
    let state = fetch_provider_state(run, cfg, prov)?;
    if let Ok(mut seen) = FETCHED.lock() {
        seen.push((key, state.clone()));
    }
    Ok(state)
}

pub fn fetch_provider_state(
    run: &RunOptions,
    cfg: &Config,
    prov: &ProviderOptions,
) -> Result<Option<crate::provider::ProviderState>> {
    if let Some(path) = &prov.state {
        return Ok(Some(crate::provider::snapshot::read(path)?));
    }
    if prov.offline || cfg.providers.is_empty() {
        return Ok(None);
    }
    match crate::provider::fetch_all(&cfg.providers, &prov.env) {
        Ok(state) => {
            if let Some(out) = &prov.write_state {
                crate::provider::snapshot::write(out, &state)?;
            }
            Ok(Some(state))
        }
        Err(e) if prov.allow_provider_errors => {
            if !run.quiet {
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
pub fn load_registry(
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
pub fn rebase_path(base: &Path, target: &Path) -> String {
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
pub fn project_findings(
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

impl Merged {
    /// No project: the root `.`, nothing read, nothing found.
    pub fn empty() -> Merged {
        Merged {
            root: ".".into(),
            root_path: PathBuf::from("."),
            inventory: Inventory::default(),
            out: ScanOutput::default(),
            findings: Vec::new(),
            partial: false,
            read: Default::default(),
        }
    }
}

/// Each project's findings on its scanned paths (whole-tree checks only where the whole
/// project was scanned), merged into one report.
pub fn merge(analyses: Vec<Analysis>, sel: &Selection, today: Date) -> Result<Merged> {
    merge_with(analyses, |an| {
        // Only `scan` reports unused flags: only it reads the unparsed files for their mentions.
        if sel.enabled("unused-flag") {
            an.inventory.mentions = unparsed_mentions(&an.inventory, &an.listings);
        }
        project_findings(an, sel, today)
    })
}

/// The projects' inventories and scan outputs as one, each narrowed to the scanned paths,
/// with `findings_of` each project's findings (whole-tree ones dropped where only part of
/// the project was scanned). With several projects, every path gets its project's root as
/// shown for a prefix (`services/api/app.py`); with one, paths stay relative to its root.
pub fn merge_with(
    analyses: Vec<Analysis>,
    mut findings_of: impl FnMut(&mut Analysis) -> Result<Vec<crate::finding::Finding>>,
) -> Result<Merged> {
    let many = analyses.len() > 1;
    let mut merged = Merged::empty();
    for mut an in analyses {
        let mut findings = findings_of(&mut an)?;
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

/// Only the findings that the baseline file at `path` does not hold, with their fingerprints.
pub fn new_since_baseline(
    findings: Vec<crate::finding::Finding>,
    fps: Vec<String>,
    path: &Path,
) -> Result<(Vec<crate::finding::Finding>, Vec<String>)> {
    let base = crate::baseline::read(path)?;
    Ok(crate::baseline::filter_new(findings, fps, &base))
}

#[cfg(test)]
mod tests {
    use super::side_by_side;

    #[test]
    fn side_by_side_keeps_item_order_and_runs_on_one_thread_when_told() {
        let items: Vec<u64> = (0..9).collect();
        // Uneven work: later items finish first on the other thread.
        let slow = |i: u64| {
            std::thread::sleep(std::time::Duration::from_millis(9 - i));
            (i, std::thread::current().id())
        };
        let got = side_by_side(items.clone(), 0, slow);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), items);
        let one = side_by_side(items.clone(), 1, slow);
        let me = std::thread::current().id();
        assert!(
            one.iter().all(|r| r.1 == me),
            "--threads 1: all on the calling thread"
        );
    }
}
