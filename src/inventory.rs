//! The Inventory: the one join. For every flag key, its declarations (registry files, and
//! declarations found in code), its references in code and their consumers, and its state at
//! each provider. Every check reads the Inventory; no check walks files or calls the network.

use std::collections::{BTreeMap, HashMap};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::config::{Config, DeclaredBy};
use crate::envfile::EnvVar;
use crate::provider::{ProviderFlag, ProviderSnapshot, ProviderState};
use crate::registry::{Declaration, Registry, RegistryProblem};
use crate::scan::{Reference, ScanOutput, Unresolved};

#[derive(Debug, Default)]
pub struct Inventory {
    /// Every reference, sorted by (path, line, column).
    pub references: Vec<Reference>,
    /// Reads whose key could not be resolved.
    pub unresolved: Vec<Unresolved>,
    /// Every declaration, sorted by (path, line).
    pub declarations: Vec<Declaration>,
    /// Semantic problems in registry files (bad dates, unknown types...).
    pub registry_problems: Vec<RegistryProblem>,
    /// Whether any registry was read: without one, declaration checks cannot judge.
    pub has_registry: bool,
    /// Provider state (live or from a snapshot), when providers are configured.
    pub provider: Option<ProviderState>,
    /// Variables set in deployment env files (config `env_files:`).
    pub env_vars: Vec<EnvVar>,
    /// Where the config file is, relative to the scan root (findings about provider-only
    /// flags point at it, since the config names the provider).
    pub config_path: Option<String>,
    /// One row per flag key.
    pub flags: BTreeMap<String, FlagRow>,
    /// Declared flags no parsed code reads, with the `path:line` places where files of
    /// languages flagdebt does not parse name them ([`crate::mentions`]).
    pub mentions: BTreeMap<String, Vec<String>>,
}

/// Everything the Inventory joins, read at the edge.
#[derive(Default)]
pub struct Sources {
    pub registry: Registry,
    pub has_registry: bool,
    pub provider: Option<ProviderState>,
    pub env_vars: Vec<EnvVar>,
    pub config_path: Option<String>,
    /// The packages the project depends on that read settings by name.
    pub frameworks: crate::frameworks::Frameworks,
}

/// One flag key and what is known of it.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FlagRow {
    pub key: String,
    /// Indexes into [`Inventory::references`].
    #[serde(skip)]
    pub references: Vec<usize>,
    /// Indexes into [`Inventory::declarations`].
    #[serde(skip)]
    pub declarations: Vec<usize>,
    /// (snapshot, flag) indexes into the provider state.
    #[serde(skip)]
    pub provider_flags: Vec<(usize, usize)>,
    /// Declared by a registry, or by a provider (config `declared_by`).
    pub declared: bool,
    /// Names of the providers that know the flag.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at_providers: Vec<String>,
    /// `path:line` of each declaration.
    pub declared_at: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where `owner` comes from: `registry` or `provider`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_source: Option<crate::owners::OwnerSource>,
    /// The CODEOWNERS owners of the files that read the flag (filled by
    /// [`crate::owners::Codeowners::fill`]); the owner when neither registry nor provider names one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub code_owners: Vec<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub flag_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// A package the project depends on that reads the flag's setting by name (`flask-mail`
    /// for `MAIL_USE_TLS`, [`crate::frameworks`]): the flag is read outside the repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_by: Option<String>,
    /// How many references, and how many of them in test code.
    pub reference_count: usize,
    pub test_reference_count: usize,
    /// References in generated code (not counting those in test code).
    #[serde(skip_serializing_if = "is_zero")]
    pub generated_reference_count: usize,
    pub providers: Vec<String>,
    /// References per consumer class (config `consumers:`), for the consumers' agreement view.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub consumers: BTreeMap<String, usize>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Consumer classes from config: class name → path globs.
struct Consumers(Vec<(String, GlobSet)>);

impl Consumers {
    fn new(cfg: &Config) -> anyhow::Result<Consumers> {
        let mut out = Vec::new();
        for (class, globs) in &cfg.consumers {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                b.add(Glob::new(g).map_err(|e| {
                    anyhow::anyhow!("config: consumers.{class}: bad glob `{g}`: {e}")
                })?);
            }
            out.push((class.clone(), b.build()?));
        }
        Ok(Consumers(out))
    }

    fn class_of(&self, path: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(_, g)| g.is_match(path))
            .map(|(c, _)| c.clone())
    }
}

impl Inventory {
    pub fn build(scan: &ScanOutput, src: Sources, cfg: &Config) -> anyhow::Result<Inventory> {
        let consumers = Consumers::new(cfg)?;
        let mut inv = Inventory {
            references: scan.references.clone(),
            unresolved: scan.unresolved.clone(),
            declarations: src.registry.declarations,
            registry_problems: src.registry.problems,
            has_registry: src.has_registry,
            provider: src.provider,
            env_vars: src.env_vars,
            config_path: src.config_path,
            flags: BTreeMap::new(),
            mentions: BTreeMap::new(),
        };
        let by_registry = cfg.declared_by.contains(&DeclaredBy::Registry);
        let by_provider = cfg.declared_by.contains(&DeclaredBy::Provider);
        for r in &mut inv.references {
            r.consumer = consumers.class_of(&r.path);
        }
        for (i, d) in inv.declarations.iter().enumerate() {
            let row = inv.flags.entry(d.key.clone()).or_insert_with(|| FlagRow {
                key: d.key.clone(),
                ..Default::default()
            });
            row.declarations.push(i);
            row.declared |= by_registry;
            row.declared_at.push(format!("{}:{}", d.path, d.line));
            // The first declaration that says a thing wins.
            if row.owner.is_none() && d.owner.is_some() {
                row.owner = d.owner.clone();
                row.owner_source = Some(crate::owners::OwnerSource::Registry);
            }
            row.flag_type = row
                .flag_type
                .take()
                .or_else(|| d.flag_type.map(|t| t.as_str().to_string()));
            row.stage = row
                .stage
                .take()
                .or_else(|| d.stage.map(|t| t.as_str().to_string()));
            row.remove_by = row
                .remove_by
                .take()
                .or_else(|| d.remove_by.map(|t| t.to_string()));
            row.default = row.default.take().or_else(|| d.default.clone());
            if row.read_by.is_none() {
                let setting = d.extra.get("setting").and_then(|v| v.as_str());
                row.read_by = [setting, Some(d.key.as_str())]
                    .into_iter()
                    .flatten()
                    .find_map(|name| src.frameworks.reader(name))
                    .map(str::to_string);
            }
        }
        if let Some(state) = &inv.provider {
            for (si, snap) in state.providers.iter().enumerate() {
                for (fi, pf) in snap.flags.iter().enumerate() {
                    let row = inv.flags.entry(pf.key.clone()).or_insert_with(|| FlagRow {
                        key: pf.key.clone(),
                        ..Default::default()
                    });
                    row.provider_flags.push((si, fi));
                    row.declared |= by_provider && !pf.archived && !pf.deleted;
                    if !row.at_providers.contains(&snap.name) {
                        row.at_providers.push(snap.name.clone());
                    }
                    // The provider fills what the registry lacks.
                    if row.owner.is_none() {
                        row.owner = pf.owners.first().or(pf.group_owners.first()).cloned();
                        if row.owner.is_some() {
                            row.owner_source = Some(crate::owners::OwnerSource::Provider);
                        }
                    }
                    row.flag_type = row.flag_type.take().or_else(|| pf.flag_type.clone());
                }
            }
        }
        // A key the SDK respelled (`useFlags().newCheckout`) names the declared or provider
        // flag with the same letters: `new-checkout`. Two flags that fold alike: neither.
        if inv.references.iter().any(|r| r.key_case.is_some()) {
            let mut folded: HashMap<String, Option<String>> = HashMap::new();
            for k in inv.flags.keys() {
                folded
                    .entry(crate::rules::KeyCase::fold(k))
                    .and_modify(|v| *v = None)
                    .or_insert_with(|| Some(k.clone()));
            }
            for r in inv.references.iter_mut().filter(|r| r.key_case.is_some()) {
                if inv.flags.contains_key(&r.flag) {
                    continue;
                }
                if let Some(Some(k)) = folded.get(&crate::rules::KeyCase::fold(&r.flag)) {
                    r.expr.get_or_insert_with(|| r.flag.clone());
                    r.flag = k.clone();
                }
            }
        }
        for (i, r) in inv.references.iter().enumerate() {
            let row = inv.flags.entry(r.flag.clone()).or_insert_with(|| FlagRow {
                key: r.flag.clone(),
                ..Default::default()
            });
            row.references.push(i);
            row.reference_count += 1;
            if r.test {
                row.test_reference_count += 1;
            } else if r.generated {
                row.generated_reference_count += 1;
            }
            if !row.providers.contains(&r.provider) {
                row.providers.push(r.provider.clone());
                row.providers.sort();
            }
            if let Some(c) = &r.consumer {
                *row.consumers.entry(c.clone()).or_default() += 1;
            }
        }
        Ok(inv)
    }

    /// Keep only the references and unresolved reads at the paths `keep` accepts: a scan of
    /// part of a project reports on those paths only. Rows keep their whole-project counts.
    pub fn narrow(&mut self, keep: impl Fn(&str) -> bool) {
        self.references.retain(|r| keep(&r.path));
        self.unresolved.retain(|u| keep(&u.path));
        let declared: std::collections::HashSet<&str> = self
            .declarations
            .iter()
            .filter(|d| keep(&d.path))
            .map(|d| d.key.as_str())
            .collect();
        let read: std::collections::HashSet<&str> =
            self.references.iter().map(|r| r.flag.as_str()).collect();
        self.flags
            .retain(|k, _| declared.contains(k.as_str()) || read.contains(k.as_str()));
        self.reindex();
    }

    /// Add another project's inventory, its paths rewritten by `prefix` (one report over
    /// several projects). A key known to both gets one row.
    pub fn absorb(&mut self, mut other: Inventory, prefix: impl Fn(&str) -> String) {
        for r in &mut other.references {
            r.path = prefix(&r.path);
        }
        for u in &mut other.unresolved {
            u.path = prefix(&u.path);
        }
        for d in &mut other.declarations {
            d.path = prefix(&d.path);
        }
        for p in &mut other.registry_problems {
            p.path = prefix(&p.path);
        }
        for v in &mut other.env_vars {
            v.path = prefix(&v.path);
        }
        let shift = self.provider.as_ref().map_or(0, |p| p.providers.len());
        match (&mut self.provider, other.provider) {
            (Some(mine), Some(theirs)) => mine.providers.extend(theirs.providers),
            (mine @ None, theirs) => *mine = theirs,
            _ => {}
        }
        self.references.extend(other.references);
        self.unresolved.extend(other.unresolved);
        self.declarations.extend(other.declarations);
        self.registry_problems.extend(other.registry_problems);
        self.env_vars.extend(other.env_vars);
        self.has_registry |= other.has_registry;
        self.config_path = self
            .config_path
            .take()
            .or(other.config_path.map(|c| prefix(&c)));
        for (key, theirs) in other.flags {
            let row = self.flags.entry(key.clone()).or_insert_with(|| FlagRow {
                key,
                ..Default::default()
            });
            row.provider_flags
                .extend(theirs.provider_flags.iter().map(|&(s, f)| (s + shift, f)));
            row.declared |= theirs.declared;
            for p in theirs.at_providers {
                if !row.at_providers.contains(&p) {
                    row.at_providers.push(p);
                }
            }
            row.declared_at
                .extend(theirs.declared_at.iter().map(|d| prefix(d)));
            row.owner = row.owner.take().or(theirs.owner);
            row.flag_type = row.flag_type.take().or(theirs.flag_type);
            row.stage = row.stage.take().or(theirs.stage);
            row.remove_by = row.remove_by.take().or(theirs.remove_by);
            row.default = row.default.take().or(theirs.default);
            row.reference_count += theirs.reference_count;
            row.test_reference_count += theirs.test_reference_count;
            row.generated_reference_count += theirs.generated_reference_count;
            for p in theirs.providers {
                if !row.providers.contains(&p) {
                    row.providers.push(p);
                }
            }
            row.providers.sort();
            for (c, n) in theirs.consumers {
                *row.consumers.entry(c).or_default() += n;
            }
        }
        self.references.sort_by(|a, b| {
            (&a.path, a.span.line, a.span.column).cmp(&(&b.path, b.span.line, b.span.column))
        });
        self.unresolved
            .sort_by(|a, b| (&a.path, a.span).cmp(&(&b.path, b.span)));
        self.declarations
            .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        self.reindex();
    }

    /// Recompute each row's indexes into `references` and `declarations` after they changed.
    fn reindex(&mut self) {
        for row in self.flags.values_mut() {
            row.references.clear();
            row.declarations.clear();
        }
        for (i, r) in self.references.iter().enumerate() {
            if let Some(row) = self.flags.get_mut(&r.flag) {
                row.references.push(i);
            }
        }
        for (i, d) in self.declarations.iter().enumerate() {
            if let Some(row) = self.flags.get_mut(&d.key) {
                row.declarations.push(i);
            }
        }
    }

    /// The references of a flag.
    pub fn refs_of<'a>(&'a self, row: &'a FlagRow) -> impl Iterator<Item = &'a Reference> + 'a {
        row.references.iter().map(|&i| &self.references[i])
    }

    /// The provider entries of a flag, with their snapshot.
    pub fn provider_of<'a>(
        &'a self,
        row: &'a FlagRow,
    ) -> impl Iterator<Item = (&'a ProviderSnapshot, &'a ProviderFlag)> + 'a {
        row.provider_flags.iter().filter_map(move |&(s, f)| {
            let snap = self.provider.as_ref()?.providers.get(s)?;
            Some((snap, snap.flags.get(f)?))
        })
    }

    /// Whether anything declares flags at all (a registry or a provider): without that,
    /// `undeclared-flag` cannot judge.
    pub fn has_declarations(&self) -> bool {
        self.has_registry || self.provider.is_some()
    }

    /// The declarations of a flag.
    pub fn decls_of<'a>(&'a self, row: &'a FlagRow) -> impl Iterator<Item = &'a Declaration> + 'a {
        row.declarations.iter().map(|&i| &self.declarations[i])
    }
}
