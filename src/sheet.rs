//! `flagdebt sheet FLAG`: the flag exit review sheet, filled from facts.
//!
//! The exit review asks, before a flag is deleted: who owns it, what kind of consequence it
//! carries, where it is rolled out, which consumers read it (the primary path, background
//! jobs, exception and repair tools) and whether they agree on its fallback, what fully off and
//! fully on mean, and how old it is. flagdebt answers what the code, the registry, the provider
//! and git can say, and lists the rest as open questions; it never fills a blank with a guess.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::date::Date;
use crate::gitage::History;
use crate::inventory::Inventory;
use crate::owners::{owner_of, Owner};

/// The consumer classes of the exit review, in its order (config `consumers:` names them;
/// other class names are listed after these).
pub const CLASSES: &[&str] = &["primary", "background", "exception"];

/// Registry fields (kept in `extra` when not interpreted) that say what fully off means.
const OFF_FIELDS: &[&str] = &["expected_at_0", "expected_off", "off_means"];

#[derive(Debug, Serialize)]
pub struct Sheet {
    pub sheet_version: u32,
    pub flag: String,
    pub today: String,
    pub known: bool,
    /// Whether the tree is a git checkout (else the age is unknown).
    pub git: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub flag_type: Option<String>,
    /// interface | decision | state-machine | recovery-surface (registry `consequence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consequence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_default: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    pub declared_at: Vec<String>,
    pub rollout: Vec<EnvRollout>,
    /// Consumer class → its reads (production code only; tests are listed apart).
    pub consumers: BTreeMap<String, Vec<Consumer>>,
    /// Whether every consumer with a literal fallback uses the same one (`None`: fewer than
    /// two fallbacks known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumers_agree: Option<bool>,
    pub tests: Vec<Consumer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::gitage::FlagHistory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_on_means: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_off_means: Option<String>,
    /// What `flagdebt fix` would take to remove it (treated as on), when it is known here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removal: Option<Removal>,
    pub open_questions: Vec<String>,
}

/// `flagdebt fix`'s plan for the flag: whether it removes every read, registry entry and env
/// variable by itself, how many files it changes, and what it leaves to a person.
#[derive(Debug, Serialize)]
pub struct Removal {
    pub removable_entirely: bool,
    pub files: usize,
    pub blockers: Vec<String>,
}

impl From<crate::fix::Plan> for Removal {
    fn from(p: crate::fix::Plan) -> Removal {
        Removal {
            removable_entirely: p.removable_entirely,
            files: p.files,
            blockers: p.blockers,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct EnvRollout {
    pub provider: String,
    pub environment: String,
    /// `off`, `partial`, `fully on`, or `on` (targeting unknown); `archived` when archived.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Consumer {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub via: String,
    /// The call-site fallback, when it is a literal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    pub provider: String,
}

fn show(v: &serde_json::Value) -> String {
    v.to_string()
}

pub fn build(
    key: &str,
    inv: &Inventory,
    classes: &[String],
    history: Option<&History>,
    today: Date,
) -> Sheet {
    let row = inv.flags.get(key);
    let decl = row.and_then(|r| {
        inv.decls_of(r)
            .find(|d| d.source != crate::registry::SourceKind::Code)
            .or_else(|| inv.decls_of(r).next())
    });
    let any_decl = |f: &dyn Fn(&crate::registry::Declaration) -> Option<String>| {
        row.and_then(|r| inv.decls_of(r).find_map(f))
    };
    let mut consumers: BTreeMap<String, Vec<Consumer>> = BTreeMap::new();
    let mut tests = Vec::new();
    let mut rollout = Vec::new();
    if let Some(row) = row {
        for r in inv.refs_of(row) {
            let c = Consumer {
                path: r.path.clone(),
                line: r.span.line,
                column: r.span.column,
                via: r.via.as_str().to_string(),
                default: r.default.clone(),
                provider: r.provider.clone(),
            };
            if r.test {
                tests.push(c);
            } else {
                let class = r.consumer.clone().unwrap_or_else(|| "unclassified".into());
                consumers.entry(class).or_default().push(c);
            }
        }
        for (snap, pf) in inv.provider_of(row) {
            for env in &snap.environments {
                let Some(st) = pf.environments.get(env) else {
                    continue;
                };
                let state = if pf.archived || pf.deleted {
                    "archived"
                } else if !st.enabled {
                    "off"
                } else {
                    match st.fully_on {
                        Some(true) => "fully on",
                        Some(false) => "partial",
                        None => "on",
                    }
                };
                rollout.push(EnvRollout {
                    provider: snap.name.clone(),
                    environment: env.clone(),
                    state: state.into(),
                    value: st.value.clone(),
                    last_modified: st.last_modified.clone(),
                });
            }
        }
    }
    let defaults: Vec<&serde_json::Value> = consumers
        .values()
        .flatten()
        .filter_map(|c| c.default.as_ref())
        .collect();
    let consumers_agree = (defaults.len() >= 2).then(|| {
        let t = |v: &serde_json::Value| crate::checks::truthy(v).map(|b| b.to_string());
        let norm: Vec<String> = defaults
            .iter()
            .map(|v| t(v).unwrap_or_else(|| show(v)))
            .collect();
        norm.iter().all(|n| *n == norm[0])
    });
    let flag_hist = history.and_then(|h| h.flags.get(key)).cloned();
    let fully_on_means = any_decl(&|d| d.expected_at_100.clone());
    let fully_off_means = any_decl(&|d| {
        OFF_FIELDS
            .iter()
            .find_map(|f| d.extra.get(*f).and_then(|v| v.as_str()).map(str::to_string))
    });
    let mut sheet = Sheet {
        sheet_version: 1,
        flag: key.to_string(),
        today: today.to_string(),
        known: row.is_some(),
        git: history.is_some(),
        owner: row.and_then(owner_of),
        flag_type: row.and_then(|r| r.flag_type.clone()),
        consequence: any_decl(&|d| d.consequence.map(|c| c.as_str().to_string())),
        stage: row.and_then(|r| r.stage.clone()),
        risk: any_decl(&|d| d.risk.map(|c| c.as_str().to_string())),
        description: decl.and_then(|d| d.description.clone()),
        remove_by: row.and_then(|r| r.remove_by.clone()),
        registry_default: row.and_then(|r| r.default.clone()),
        depends_on: decl.map(|d| d.depends_on.clone()).unwrap_or_default(),
        declared_at: row.map(|r| r.declared_at.clone()).unwrap_or_default(),
        rollout,
        consumers,
        consumers_agree,
        tests,
        age_days: flag_hist.as_ref().map(|h| h.first_seen.days_until(today)),
        history: flag_hist,
        fully_on_means,
        fully_off_means,
        removal: None,
        open_questions: Vec::new(),
    };
    sheet.open_questions = open_questions(&sheet, inv, classes, history.is_some());
    sheet
}

fn open_questions(s: &Sheet, inv: &Inventory, classes: &[String], git: bool) -> Vec<String> {
    let mut q = Vec::new();
    if !s.known {
        q.push(format!(
            "Nothing reads or declares `{}`: is the key spelled as the code spells it?",
            s.flag
        ));
    }
    if s.owner.is_none() {
        q.push(
            "Who owns the flag? No registry owner, provider owner or CODEOWNERS entry names one."
                .into(),
        );
    }
    if s.consequence.is_none() {
        q.push("Which change class is it (interface, decision, state-machine, recovery-surface)? The registry has no `consequence`.".into());
    }
    if inv.provider.is_none() {
        q.push("What is the rollout state? No provider state was read (configure `providers:`, or pass `--state`).".into());
    } else if s.rollout.is_empty() {
        q.push("What is the rollout state? No provider knows the flag.".into());
    }
    if classes.is_empty() {
        q.push("Which reads are primary, background or exception paths? The config names no consumer classes (`consumers:`).".into());
    } else {
        for c in CLASSES {
            if classes.iter().any(|x| x == c) && !s.consumers.contains_key(*c) {
                q.push(format!("No {c} consumer reads the flag: is there none, or does one read it in a way flagdebt cannot see?"));
            }
        }
    }
    if let Some(u) = s.consumers.get("unclassified") {
        if !classes.is_empty() {
            q.push(format!(
                "{} read(s) match no consumer class: which path are they on?",
                u.len()
            ));
        }
    }
    if s.consumers_agree == Some(false) {
        q.push("The consumers fall back to different values when the flag service does not answer: which one is right?".into());
    }
    let unknown_defaults = s
        .consumers
        .values()
        .flatten()
        .filter(|c| c.default.is_none())
        .count();
    if unknown_defaults > 0 {
        q.push(match &s.registry_default {
            Some(d) => format!(
                "{unknown_defaults} read(s) have no literal call-site fallback; the declared default is {}: is that what they fall back to when the flag service does not answer?",
                show(d)
            ),
            None => format!(
                "{unknown_defaults} read(s) have no literal call-site fallback: what do they do when the flag service does not answer?"
            ),
        });
    }
    if s.fully_on_means.is_none() {
        q.push("What does fully on mean: which path becomes authoritative, which old path loses support? The registry has no `expected_at_100`.".into());
    }
    if s.fully_off_means.is_none() {
        q.push("What does fully off mean: is it still a coherent state, which old path is authoritative? The registry has no `expected_at_0`.".into());
    }
    if s.remove_by.is_none() {
        q.push("Who deletes the flag, and by when? No removal date.".into());
    }
    if !git {
        q.push("How old is the flag? The tree is not a git checkout: its age is unknown.".into());
    }
    if !inv.unresolved.is_empty() {
        q.push(format!(
            "{} read(s) in the repository use a key built at run time: could any of them read this flag?",
            inv.unresolved.len()
        ));
    }
    q.push("Mixed history, agreement evidence and exit criteria (old and new records told apart, parity checks, replay validation) are not in the code: answer them in review.".into());
    q
}

/// Classes in the exit review's order, then the config's others, then `unclassified`.
fn ordered(s: &Sheet, classes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = CLASSES.iter().map(|c| c.to_string()).collect();
    for c in classes {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    for c in s.consumers.keys() {
        if !out.contains(c) && c != "unclassified" {
            out.push(c.clone());
        }
    }
    out.push("unclassified".into());
    out.retain(|c| s.consumers.contains_key(c) || (classes.contains(c)));
    out
}

pub fn render_markdown(s: &Sheet, classes: &[String]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Flag exit review: `{}`\n", s.flag);
    let or_open = |v: Option<String>| v.unwrap_or_else(|| "**open**".into());
    o.push_str("| | |\n|---|---|\n");
    let owner = s
        .owner
        .as_ref()
        .map(|w| format!("{} ({})", w.name, w.source.as_str()));
    let rows: Vec<(&str, String)> = vec![
        ("Owner", or_open(owner)),
        ("Type", or_open(s.flag_type.clone())),
        ("Change class", or_open(s.consequence.clone())),
        ("Stage", s.stage.clone().unwrap_or_else(|| "-".into())),
        ("Risk", s.risk.clone().unwrap_or_else(|| "-".into())),
        ("Removal date", or_open(s.remove_by.clone())),
        (
            "Registry default",
            s.registry_default
                .as_ref()
                .map(show)
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "Depends on",
            if s.depends_on.is_empty() {
                "-".into()
            } else {
                s.depends_on.join(", ")
            },
        ),
        (
            "Declared at",
            if s.declared_at.is_empty() {
                "not declared".into()
            } else {
                s.declared_at.join(", ")
            },
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "| {k} | {} |", v.replace('|', "\\|"));
    }
    if let Some(d) = &s.description {
        let _ = writeln!(o, "\n{d}");
    }
    o.push_str("\n## Rollout state\n\n");
    if s.rollout.is_empty() {
        o.push_str("**open**: no provider state for this flag.\n");
    } else {
        o.push_str(
            "| provider | environment | state | value | last change |\n|---|---|---|---|---|\n",
        );
        for r in &s.rollout {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                r.provider,
                r.environment,
                r.state,
                r.value.as_ref().map(show).unwrap_or_else(|| "-".into()),
                r.last_modified.as_deref().unwrap_or("-")
            );
        }
    }
    o.push_str("\n## Consumers\n\n");
    for class in ordered(s, classes) {
        let list = s.consumers.get(&class).map(Vec::as_slice).unwrap_or(&[]);
        let _ = writeln!(o, "### {class} ({})\n", list.len());
        if list.is_empty() {
            o.push_str("none found\n\n");
            continue;
        }
        o.push_str(
            "| where | key written as | call-site default | provider |\n|---|---|---|---|\n",
        );
        for c in list {
            let _ = writeln!(
                o,
                "| `{}:{}` | {} | {} | {} |",
                c.path,
                c.line,
                c.via,
                c.default
                    .as_ref()
                    .map(|v| format!("`{}`", show(v)))
                    .unwrap_or_else(|| "unknown".into()),
                c.provider
            );
        }
        o.push('\n');
    }
    let agree = match s.consumers_agree {
        Some(true) => "yes: every known call-site default is the same".to_string(),
        Some(false) => {
            let per: Vec<String> = s
                .consumers
                .iter()
                .map(|(k, v)| {
                    let mut d: Vec<String> = v
                        .iter()
                        .map(|c| c.default.as_ref().map(show).unwrap_or_else(|| "?".into()))
                        .collect();
                    d.sort();
                    d.dedup();
                    format!("{k}: {}", d.join("/"))
                })
                .collect();
            format!("**no**: {}", per.join("; "))
        }
        None => "unknown: fewer than two literal call-site defaults".to_string(),
    };
    let _ = writeln!(o, "Do the consumers agree on the fallback? {agree}\n");
    o.push_str("## Tests that read it\n\n");
    if s.tests.is_empty() {
        o.push_str("none\n");
    }
    for t in &s.tests {
        let _ = writeln!(o, "- `{}:{}`", t.path, t.line);
    }
    o.push_str("\n## Age and history\n\n");
    match (&s.history, s.age_days) {
        (Some(h), Some(a)) => {
            let _ = writeln!(
                o,
                "- First seen in code: {} ({a} days ago), added by {}\n- Last change of its reads: {} by {}\n- Commits touching it: {}",
                h.first_seen, h.added_by, h.last_change, h.last_author, h.commits
            );
        }
        _ if !s.git => o.push_str("unknown: the tree is not a git checkout\n"),
        _ => o.push_str("unknown: no line of code in the git history names the flag\n"),
    }
    o.push_str("\n## Meaning of fully on\n\n");
    let _ = writeln!(o, "{}", or_open(s.fully_on_means.clone()));
    o.push_str("\n## Meaning of fully off\n\n");
    let _ = writeln!(o, "{}", or_open(s.fully_off_means.clone()));
    if let Some(r) = &s.removal {
        o.push_str("\n## Removal with `flagdebt fix`\n\n");
        if r.removable_entirely {
            let _ = writeln!(
                o,
                "`flagdebt fix {} --treated on` removes it entirely ({} file{}).",
                s.flag,
                r.files,
                if r.files == 1 { "" } else { "s" }
            );
        } else {
            let _ = writeln!(
                o,
                "`flagdebt fix {} --treated on` changes {} file{} and leaves to a person:\n",
                s.flag,
                r.files,
                if r.files == 1 { "" } else { "s" }
            );
            for b in &r.blockers {
                let _ = writeln!(o, "- {b}");
            }
        }
    }
    o.push_str("\n## Open questions\n\n");
    for q in &s.open_questions {
        let _ = writeln!(o, "- [ ] {q}");
    }
    o
}

pub fn render_json(s: &Sheet) -> String {
    let mut t = serde_json::to_string_pretty(s).unwrap_or_default();
    t.push('\n');
    t
}
