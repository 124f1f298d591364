//! `flagdebt report`: the weekly stale-flag report. [`build`] gathers the data (the JSON
//! contract, `report_version` 1, documented in the README); `markdown` and `html` render it.
//!
//! A flag is in the report when it should go (a finding of `expired-flag`, `stale-flag`,
//! `unused-flag` or `archived-flag-referenced`, after suppressions and the config's severities)
//! or will soon (its removal date is at most `report.soon_days` days away). Flags are grouped by
//! owner ([`crate::owners::owner_of`]: registry, provider, CODEOWNERS, else `unowned`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::finding::Finding;
use crate::gitage::History;
use crate::inventory::Inventory;
use crate::owners::{owner_of, OwnerSource};

pub const REPORT_VERSION: u32 = 1;

/// The checks whose findings say a flag should go.
pub const DEBT_CHECKS: &[&str] = &[
    "expired-flag",
    "stale-flag",
    "unused-flag",
    "archived-flag-referenced",
];

pub const UNOWNED: &str = "unowned";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeeklyReport {
    pub report_version: u32,
    pub tool: String,
    pub root: String,
    pub today: String,
    pub soon_days: u32,
    pub git: GitInfo,
    pub totals: Totals,
    pub owners: Vec<OwnerTotals>,
    pub flags: Vec<FlagEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GitInfo {
    /// Whether the scanned tree is a git checkout (else every age is unknown).
    pub available: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    #[serde(default)]
    pub shallow: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Totals {
    /// Flags that should go (at least one reason).
    pub to_remove: usize,
    /// Flags that expire within `soon_days` and have no other reason yet.
    pub expiring_soon: usize,
    /// References and distinct files of the listed flags: the removal effort.
    pub references: usize,
    pub files: usize,
    /// Flags by reason code.
    pub by_reason: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerTotals {
    pub owner: String,
    /// `registry` | `provider` | `codeowners`; absent for `unowned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<OwnerSource>,
    pub to_remove: usize,
    pub expiring_soon: usize,
    pub references: usize,
    pub files: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Place {
    pub path: String,
    pub line: usize,
    pub column: usize,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlagEntry {
    pub key: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_source: Option<OwnerSource>,
    /// Why it should go; empty when it is only expiring soon.
    pub reasons: Vec<Reason>,
    /// Days until the removal date, when it is within `soon_days` (0: today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub flag_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_past_removal: Option<i64>,
    /// From git; all absent when the age is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change_by: Option<String>,
    pub references: usize,
    pub files: Vec<String>,
    pub places: Vec<Place>,
    /// Whether `flagdebt fix KEY --treated on` removes every read, the registry entry and the
    /// env variables by itself; absent for flags that are not on/off or not to remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_removes_entirely: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Trend {
    /// `today` of the previous report.
    pub since: String,
    /// To remove now, not in the previous report's list.
    pub new_debt: Vec<String>,
    /// To remove then, not now (removed from code, or no longer debt).
    pub debt_removed: Vec<String>,
    /// Removal date passed between the two reports.
    pub crossed_date: Vec<String>,
    pub to_remove_before: usize,
    pub to_remove_now: usize,
}

/// What [`build`] reads.
pub struct Input<'a> {
    pub root: &'a str,
    pub inventory: &'a Inventory,
    pub findings: &'a [Finding],
    pub today: Date,
    pub soon_days: u32,
    pub history: Option<&'a History>,
    pub url_template: Option<&'a str>,
}

pub fn link(template: &str, commit: &str, path: &str, line: usize) -> String {
    template
        .replace("{commit}", commit)
        .replace("{path}", path)
        .replace("{line}", &line.to_string())
}

pub fn build(i: &Input) -> WeeklyReport {
    let mut reasons: BTreeMap<&str, Vec<Reason>> = BTreeMap::new();
    for f in i.findings {
        if !DEBT_CHECKS.contains(&f.code.as_str()) {
            continue;
        }
        let Some(k) = f.flag.as_deref() else { continue };
        let list = reasons.entry(k).or_default();
        // One reason per check (archived-flag-referenced reports every read).
        if !list.iter().any(|r| r.code == f.code) {
            list.push(Reason {
                code: f.code.clone(),
                message: f.message.clone(),
            });
        }
    }
    let commit = i
        .history
        .map(|h| h.head.clone())
        .unwrap_or_else(|| "main".into());
    let mut flags = Vec::new();
    for (key, row) in &i.inventory.flags {
        let remove_by = i
            .inventory
            .decls_of(row)
            .find_map(|d| d.remove_by)
            .or_else(|| row.remove_by.as_deref().and_then(Date::parse));
        let until = remove_by.map(|d| i.today.days_until(d));
        let soon = until.filter(|&d| d >= 0 && d <= i64::from(i.soon_days));
        let rs = reasons.remove(key.as_str()).unwrap_or_default();
        if rs.is_empty() && soon.is_none() {
            continue;
        }
        let owner = owner_of(row);
        let hist = i.history.and_then(|h| h.flags.get(key));
        let mut files: Vec<String> = i.inventory.refs_of(row).map(|r| r.path.clone()).collect();
        files.sort();
        files.dedup();
        let places = i
            .inventory
            .refs_of(row)
            .map(|r| Place {
                path: r.path.clone(),
                line: r.span.line,
                column: r.span.column,
                test: r.test,
                url: i
                    .url_template
                    .map(|t| link(t, &commit, &r.path, r.span.line)),
            })
            .collect();
        flags.push(FlagEntry {
            key: key.clone(),
            owner: owner
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_else(|| UNOWNED.into()),
            owner_source: owner.map(|o| o.source),
            reasons: rs,
            expires_in_days: soon,
            flag_type: row.flag_type.clone(),
            remove_by: remove_by.map(|d| d.to_string()),
            days_past_removal: until.filter(|&d| d < 0).map(|d| -d),
            first_seen: hist.map(|h| h.first_seen.to_string()),
            age_days: hist.map(|h| h.first_seen.days_until(i.today)),
            added_by: hist.map(|h| h.added_by.clone()),
            last_change: hist.map(|h| h.last_change.to_string()),
            last_change_by: hist.map(|h| h.last_author.clone()),
            references: row.reference_count,
            files,
            places,
            fix_removes_entirely: None,
        });
    }
    // By owner (unowned last), then key.
    flags.sort_by(|a, b| {
        (a.owner == UNOWNED, &a.owner, &a.key).cmp(&(b.owner == UNOWNED, &b.owner, &b.key))
    });
    let mut owners: Vec<OwnerTotals> = Vec::new();
    let mut all_files = BTreeSet::new();
    let mut totals = Totals::default();
    for f in &flags {
        if owners.last().is_none_or(|o| o.owner != f.owner) {
            owners.push(OwnerTotals {
                owner: f.owner.clone(),
                source: f.owner_source,
                to_remove: 0,
                expiring_soon: 0,
                references: 0,
                files: 0,
            });
        }
        let Some(o) = owners.last_mut() else { continue };
        if f.reasons.is_empty() {
            o.expiring_soon += 1;
            totals.expiring_soon += 1;
        } else {
            o.to_remove += 1;
            totals.to_remove += 1;
        }
        o.references += f.references;
        totals.references += f.references;
        for r in &f.reasons {
            *totals.by_reason.entry(r.code.clone()).or_default() += 1;
        }
        all_files.extend(f.files.iter().cloned());
    }
    for o in &mut owners {
        let files: BTreeSet<&String> = flags
            .iter()
            .filter(|f| f.owner == o.owner)
            .flat_map(|f| &f.files)
            .collect();
        o.files = files.len();
    }
    totals.files = all_files.len();
    WeeklyReport {
        report_version: REPORT_VERSION,
        tool: format!("flagdebt {}", env!("CARGO_PKG_VERSION")),
        root: i.root.to_string(),
        today: i.today.to_string(),
        soon_days: i.soon_days,
        git: GitInfo {
            available: i.history.is_some(),
            head: i.history.map(|h| h.head.clone()),
            shallow: i.history.is_some_and(|h| h.shallow),
        },
        totals,
        owners,
        flags,
        trend: None,
    }
}

/// What a previous report must hold for the trend (any report_version 1 file does).
#[derive(Deserialize)]
struct Previous {
    report_version: u32,
    today: String,
    flags: Vec<PrevFlag>,
}

#[derive(Deserialize)]
struct PrevFlag {
    key: String,
    #[serde(default)]
    reasons: Vec<serde_json::Value>,
}

/// Read a previous `--format json` report and add the trend. Errors name the file.
pub fn add_trend(r: &mut WeeklyReport, path: &str, text: &str) -> anyhow::Result<()> {
    let prev: Previous = serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "{path}:{}:{}: not a flagdebt report: {e}",
            e.line(),
            e.column()
        )
    })?;
    if prev.report_version != REPORT_VERSION {
        anyhow::bail!(
            "{path}: report_version {} is not {REPORT_VERSION}",
            prev.report_version
        );
    }
    let since = Date::parse(&prev.today)
        .ok_or_else(|| anyhow::anyhow!("{path}: `today` is not a YYYY-MM-DD date"))?;
    let before: BTreeSet<&str> = prev
        .flags
        .iter()
        .filter(|f| !f.reasons.is_empty())
        .map(|f| f.key.as_str())
        .collect();
    let now: BTreeSet<&str> = r
        .flags
        .iter()
        .filter(|f| !f.reasons.is_empty())
        .map(|f| f.key.as_str())
        .collect();
    let today = Date::parse(&r.today);
    let mut crossed: Vec<String> = r
        .flags
        .iter()
        .filter(|f| {
            let Some(by) = f.remove_by.as_deref().and_then(Date::parse) else {
                return false;
            };
            // Not yet past on the previous report's day, past today.
            by >= since && today.is_some_and(|t| by < t)
        })
        .map(|f| f.key.clone())
        .collect();
    crossed.sort();
    r.trend = Some(Trend {
        since: prev.today.clone(),
        new_debt: now.difference(&before).map(|s| s.to_string()).collect(),
        debt_removed: before.difference(&now).map(|s| s.to_string()).collect(),
        crossed_date: crossed,
        to_remove_before: before.len(),
        to_remove_now: now.len(),
    });
    Ok(())
}

pub fn render_json(r: &WeeklyReport) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

/// `|` and newlines would break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn days(n: i64) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

/// The age column: `412 days (since 2025-10-20)`, or `unknown` without git.
pub fn age_text(f: &FlagEntry) -> String {
    match (f.age_days, &f.first_seen) {
        (Some(a), Some(s)) => format!("{} (since {s})", days(a)),
        _ => "unknown".into(),
    }
}

pub fn reason_words(f: &FlagEntry) -> String {
    if f.reasons.is_empty() {
        return match f.expires_in_days {
            Some(0) => "expires today".into(),
            Some(d) => format!("expires in {}", days(d)),
            None => String::new(),
        };
    }
    f.reasons
        .iter()
        .map(|r| r.code.trim_end_matches("-flag").replace('-', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Markdown for a GitHub issue or a chat post: totals, the trend, one section per owner.
pub fn render_markdown(r: &WeeklyReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Flag debt report: {} ({})\n", r.root, r.today);
    let _ = writeln!(
        s,
        "**{} flag{} to remove**, {} expiring within {} days; {} reference{} in {} file{} to edit.\n",
        r.totals.to_remove,
        if r.totals.to_remove == 1 { "" } else { "s" },
        r.totals.expiring_soon,
        r.soon_days,
        r.totals.references,
        if r.totals.references == 1 { "" } else { "s" },
        r.totals.files,
        if r.totals.files == 1 { "" } else { "s" },
    );
    if !r.totals.by_reason.is_empty() {
        let parts: Vec<String> = r
            .totals
            .by_reason
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let _ = writeln!(s, "By reason: {}.\n", parts.join(", "));
    }
    if !r.git.available {
        s.push_str("Flag age is unknown: the scanned tree is not a git checkout.\n\n");
    } else if r.git.shallow {
        s.push_str(
            "The checkout is a shallow clone: ages count from the oldest commit it holds.\n\n",
        );
    }
    if let Some(t) = &r.trend {
        let _ = writeln!(s, "## Since {}\n", t.since);
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let _ = writeln!(
            s,
            "- Flags to remove: {} → {}\n- New debt: {}\n- Debt removed: {}\n- Crossed their removal date: {}\n",
            t.to_remove_before,
            t.to_remove_now,
            list(&t.new_debt),
            list(&t.debt_removed),
            list(&t.crossed_date)
        );
    }
    s.push_str("## By owner\n\n| owner | to remove | expiring soon | references | files |\n|---|---:|---:|---:|---:|\n");
    for o in &r.owners {
        let src = o
            .source
            .map(|x| format!(" ({})", x.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "| {}{src} | {} | {} | {} | {} |",
            cell(&o.owner),
            o.to_remove,
            o.expiring_soon,
            o.references,
            o.files
        );
    }
    let _ = writeln!(
        s,
        "| **total** | **{}** | **{}** | **{}** | **{}** |\n",
        r.totals.to_remove, r.totals.expiring_soon, r.totals.references, r.totals.files
    );
    for o in &r.owners {
        let _ = writeln!(s, "## {}\n", cell(&o.owner));
        s.push_str("| flag | why | removal date | age | added by | last change | refs | files |\n|---|---|---|---|---|---|---:|---:|\n");
        for f in r.flags.iter().filter(|f| f.owner == o.owner) {
            let date = match (&f.remove_by, f.days_past_removal) {
                (Some(d), Some(p)) => format!("{d} ({} ago)", days(p)),
                (Some(d), None) => d.clone(),
                _ => "-".into(),
            };
            let _ = writeln!(
                s,
                "| `{}` | {} | {date} | {} | {} | {} | {} | {} |",
                cell(&f.key),
                cell(&reason_words(f)),
                age_text(f),
                cell(f.added_by.as_deref().unwrap_or("-")),
                f.last_change.as_deref().unwrap_or("-"),
                f.references,
                f.files.len()
            );
        }
        s.push('\n');
        for f in r
            .flags
            .iter()
            .filter(|f| f.owner == o.owner && !f.reasons.is_empty())
        {
            let _ = writeln!(s, "<details><summary><code>{}</code></summary>\n", f.key);
            for re in &f.reasons {
                let _ = writeln!(s, "- {}: {}", re.code, cell(&re.message));
            }
            match f.fix_removes_entirely {
                Some(true) => {
                    let _ = writeln!(
                        s,
                        "- `flagdebt fix {} --treated on` removes it entirely",
                        cell(&f.key)
                    );
                }
                Some(false) => {
                    let _ = writeln!(
                        s,
                        "- `flagdebt fix {} --treated on` leaves part of it to a person (see `flagdebt sheet`)",
                        cell(&f.key)
                    );
                }
                None => {}
            }
            for p in &f.places {
                let at = format!("{}:{}", p.path, p.line);
                match &p.url {
                    Some(u) => {
                        let _ =
                            writeln!(s, "- [`{at}`]({u}){}", if p.test { " (test)" } else { "" });
                    }
                    None => {
                        let _ = writeln!(s, "- `{at}`{}", if p.test { " (test)" } else { "" });
                    }
                }
            }
            s.push_str("\n</details>\n\n");
        }
    }
    s
}
