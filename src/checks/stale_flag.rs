//! ## What it does
//! Flags a flag that has finished its job and should be removed. One finding per flag; the
//! message says which reasons apply:
//! - fully on (no targeting, segments or partial rollout) in every environment and unchanged
//!   for at least `thresholds.stale_days` days (default 30);
//! - off in every environment for that long;
//! - older than its type's lifetime at the provider (Unleash: release 40 days, experiment 40,
//!   operational 7, ...);
//! - marked stale, or potentially stale, at the provider;
//! - at GA and locked to its default in its declaration (a Kubernetes gate with
//!   `PreRelease: featuregate.GA, LockToDefault: true`): it can no longer be switched;
//! - declared deprecated (`PreRelease: featuregate.Deprecated`, GitLab Runner's
//!   `Deprecated: true`, `stage: deprecated` in a registry);
//! - at GA for `thresholds.stale_days` days or more: `stage: ga` with the date it
//!   got there in `ga_since: YYYY-MM-DD` (flagdebt's registry convention); a GA gate declared in
//!   code with no such date (a Kubernetes gate at `featuregate.GA`, locked or not) is stale
//!   as soon as it is GA;
//! - declared deprecated with a removal version (`// Deprecated: ... removed in the v1.17
//!   release`, `remove_version`) that the repository's own version has reached;
//! - on by default since a declared `introduced` version that is `thresholds.stale_releases`
//!   (default 2) minor releases or more behind the repository's own version
//!   (`NewFeatureFlag("x", "v16.5.0", ..., true)` in a v16.7 repository).
//!
//! The repository's version is the config's `version:`, else a `VERSION` file, the `version`
//! of `package.json`, `Cargo.toml` or `pyproject.toml`, else the latest git tag.
//!
//! Permanent flags (kill switches, permissions, ops toggles) are never stale for being fully
//! on or off.
//!
//! ## Why is this bad?
//! A flag has three states: actively rolling out, rolled out at 100%, should be removed. Most
//! flags get stuck at the second. Every stale flag doubles the cost of testing
//! the code around it, and its dead branch rots.
//!
//! ## Example
//! ```text
//! new_checkout: on for everyone in production and development since 2026-09-01
//!   → stale-flag: fully on in every environment, unchanged for 81 days
//! ```

use super::{flag_place, Check, Context};
use crate::date::Date;
use crate::finding::{Finding, Severity, Span};
use crate::inventory::FlagRow;
use crate::provider::{ProviderFlag, ProviderSnapshot};
use crate::registry::{Declaration, Stage};
use crate::version::Version;

pub static CHECK: Check = Check {
    code: "stale-flag",
    severity: Severity::Warning,
    source: include_str!("stale_flag.rs"),
    run,
};

const PERMANENT_TYPES: &[&str] = &[
    "kill-switch",
    "killswitch",
    "permission",
    "ops",
    "operational",
];

/// A reason found in a declaration: the text, where it is said, and a note.
struct DeclReason {
    text: String,
    path: String,
    span: Span,
    note: Option<String>,
}

fn run(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in cx.inventory.flags.values() {
        let mut reasons = Vec::new();
        let decl: Vec<DeclReason> = [
            locked_at_ga(cx, row),
            deprecated(cx, row),
            ga_for_days(cx, row),
            ga_in_code(cx, row),
            on_since_old_release(cx, row),
        ]
        .into_iter()
        .flatten()
        .collect();
        reasons.extend(decl.iter().map(|d| d.text.clone()));
        for (snap, pf) in cx.inventory.provider_of(row) {
            if pf.archived || pf.deleted {
                continue; // archived-flag-referenced speaks for these
            }
            reasons.extend(marked_at_provider(snap, pf));
            reasons.extend(past_type_lifetime(cx, snap, pf));
            if !permanent(row, pf) {
                reasons.extend(fully_on_or_off(cx, snap, pf));
            }
        }
        if reasons.is_empty() {
            continue;
        }
        // Point at the declaration that says so, else at the flag.
        let (path, span) = match decl.first() {
            Some(d) => (d.path.clone(), d.span),
            None => flag_place(cx.inventory, row),
        };
        let mut f = CHECK.finding(
            Some(&row.key),
            &path,
            span,
            format!("flag `{}` is stale: {}", row.key, reasons.join("; ")),
        );
        f.notes.extend(decl.into_iter().filter_map(|d| d.note));
        if row.reference_count > 0 {
            f.notes.push(format!(
                "read at {} place(s): remove the reads, then the flag",
                row.reference_count
            ));
        }
        out.push(f);
    }
    out
}

fn permanent(row: &FlagRow, pf: &ProviderFlag) -> bool {
    let t = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|t| PERMANENT_TYPES.contains(&t.to_ascii_lowercase().as_str()))
    };
    t(&row.flag_type) || t(&pf.flag_type) || pf.temporary == Some(false)
}

fn days_since(cx: &Context, when: Option<&str>) -> Option<i64> {
    Some(Date::parse(when?)?.days_until(cx.today))
}

fn marked_at_provider(snap: &ProviderSnapshot, pf: &ProviderFlag) -> Option<String> {
    if pf.stale {
        Some(format!("marked stale at {}", snap.name))
    } else if pf.potentially_stale {
        Some(format!("{} marks it potentially stale", snap.name))
    } else {
        None
    }
}

fn past_type_lifetime(cx: &Context, snap: &ProviderSnapshot, pf: &ProviderFlag) -> Option<String> {
    let t = pf.flag_type.as_deref()?;
    let lifetime = (*snap.type_lifetimes.get(t)?)?;
    let age = days_since(cx, pf.created.as_deref())?;
    (age > i64::from(lifetime)).then(|| {
        format!(
            "{age} days old, past the {lifetime}-day lifetime of {t} flags at {}",
            snap.name
        )
    })
}

fn fully_on_or_off(cx: &Context, snap: &ProviderSnapshot, pf: &ProviderFlag) -> Option<String> {
    if pf.environments.is_empty() {
        return None;
    }
    let n = i64::from(cx.config.thresholds.stale_days);
    // Unchanged since: the latest change in any environment (or the flag's own date).
    let changed = pf
        .environments
        .values()
        .filter_map(|e| e.last_modified.as_deref())
        .chain(pf.last_modified.as_deref())
        .chain(pf.created.as_deref())
        .filter_map(Date::parse)
        .max()?;
    let quiet = changed.days_until(cx.today);
    if quiet < n {
        return None;
    }
    let envs = pf.environments.len();
    if pf
        .environments
        .values()
        .all(|e| e.enabled && e.fully_on == Some(true))
    {
        return Some(format!(
            "fully on in all {envs} environment(s) at {}, unchanged for {quiet} days",
            snap.name
        ));
    }
    if pf.environments.values().all(|e| !e.enabled) {
        return Some(format!(
            "off in all {envs} environment(s) at {}, unchanged for {quiet} days",
            snap.name
        ));
    }
    None
}

fn is_true(d: &Declaration, field: &str) -> bool {
    d.extra.get(field).and_then(super::truthy).unwrap_or(false)
}

/// GA and locked to its default: the flag can no longer be switched.
fn locked_at_ga(cx: &Context, row: &FlagRow) -> Option<DeclReason> {
    let d = cx
        .inventory
        .decls_of(row)
        .find(|d| d.stage == Some(Stage::Ga) && is_true(d, "lock_to_default"))?;
    let default = row
        .default
        .as_ref()
        .map(|v| format!(" (`{v}`)"))
        .unwrap_or_default();
    Some(DeclReason {
        text: format!(
            "GA and locked to its default{default}: remove it and the code behind its other path"
        ),
        path: d.path.clone(),
        span: super::decl_span(d, Some("stage")),
        note: Some("a locked flag cannot be switched; every check of it is dead code".into()),
    })
}

/// Declared deprecated: on its way out. A `deprecated` field holds `true` or the deprecation
/// note itself (`// Deprecated: ... will be removed in the v1.17 release`).
fn deprecated(cx: &Context, row: &FlagRow) -> Option<DeclReason> {
    let note_of = |d: &Declaration| -> Option<String> {
        match d.extra.get("deprecated")? {
            serde_json::Value::String(s) if super::truthy(&d.extra["deprecated"]).is_none() => {
                Some(s.trim().to_string())
            }
            _ => None,
        }
    };
    let d = cx.inventory.decls_of(row).find(|d| {
        d.stage == Some(Stage::Deprecated) || is_true(d, "deprecated") || note_of(d).is_some()
    })?;
    let field = if d.stage == Some(Stage::Deprecated) {
        "stage"
    } else {
        "deprecated"
    };
    let remove_version = d
        .extra
        .get("remove_version")
        .and_then(|v| v.as_str())
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let removal = remove_version
        .as_deref()
        .and_then(Version::parse)
        .or_else(|| note_of(d).and_then(|n| Version::removal_in(&n)));
    let mut text = "declared deprecated: remove it and its reads".to_string();
    let mut note = remove_version.map(|v| format!("to be removed with {v}"));
    if let Some(r) = removal {
        match &cx.repo_version {
            Some(repo) if repo.version >= r => {
                text = format!(
                    "declared deprecated, removal due in {r}: the repository is at {} ({})",
                    repo.version, repo.source
                );
            }
            _ => note = Some(format!("to be removed in {r}")),
        }
    }
    Some(DeclReason {
        text,
        path: d.path.clone(),
        span: super::decl_span(d, Some(field)),
        note,
    })
}

/// At GA in a code declaration with no date it got there (a Kubernetes gate at
/// `featuregate.GA`): on for everyone, the gate has done its job. Locked gates are
/// [`locked_at_ga`]'s.
fn ga_in_code(cx: &Context, row: &FlagRow) -> Option<DeclReason> {
    let d = cx.inventory.decls_of(row).find(|d| {
        d.stage == Some(Stage::Ga)
            && d.source == crate::registry::SourceKind::Code
            && !d.extra.contains_key("ga_since")
            && !is_true(d, "lock_to_default")
    })?;
    Some(DeclReason {
        text: "at GA: on for everyone, remove the gate and the code behind its other path".into(),
        path: d.path.clone(),
        span: super::decl_span(d, Some("stage")),
        note: None,
    })
}

/// On by default since a release old enough (`introduced` versus the repository's version).
fn on_since_old_release(cx: &Context, row: &FlagRow) -> Option<DeclReason> {
    let repo = cx.repo_version.as_ref()?;
    let limit = u64::from(cx.config.thresholds.stale_releases);
    let (d, since) = cx.inventory.decls_of(row).find_map(|d| {
        let on = d.default.as_ref().and_then(super::truthy) == Some(true);
        let since = Version::parse(d.extra.get("introduced")?.as_str()?)?;
        (on && since.releases_until(repo.version) >= limit).then_some((d, since))
    })?;
    let n = since.releases_until(repo.version);
    let behind = if n == u64::MAX {
        "a major release".to_string()
    } else {
        format!("{n} minor release(s)")
    };
    Some(DeclReason {
        text: format!(
            "on by default since {since}, {behind} before the repository's {} ({}): the rollout is over",
            repo.version, repo.source
        ),
        path: d.path.clone(),
        span: super::decl_span(d, Some("introduced")),
        note: None,
    })
}

/// At GA for the stale threshold or longer (`stage: ga`, `ga_since: YYYY-MM-DD`).
fn ga_for_days(cx: &Context, row: &FlagRow) -> Option<DeclReason> {
    let (d, since) = cx.inventory.decls_of(row).find_map(|d| {
        let since = Date::parse(d.extra.get("ga_since")?.as_str()?)?;
        (d.stage == Some(Stage::Ga)).then_some((d, since))
    })?;
    let days = since.days_until(cx.today);
    (days >= i64::from(cx.config.thresholds.stale_days)).then(|| DeclReason {
        text: format!("at GA since {since}, {days} days: the rollout is over"),
        path: d.path.clone(),
        span: super::decl_span(d, Some("ga_since")),
        note: None,
    })
}
