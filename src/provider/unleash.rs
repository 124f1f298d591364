//! Unleash Admin API (tested against 8.2.0). Auth is the raw token in `Authorization`.
//!
//! Requests:
//! - `GET /api/admin/projects/{p}/features`: non-archived flags with per-environment state
//!   (unpaginated);
//! - `GET /api/admin/feature-types`: expected lifetime per type (null = permanent);
//! - `GET /api/admin/search/features?project=IS:{p}&limit=100&offset=…` paged by `total`: lifecycle
//!   stage and `createdBy`, which the project list lacks; then the same search with
//!   `state=IS:potentially-stale` (potentially stale is in no list response) and with
//!   `lifecycle=IS:archived` (archived flags). Search is rate limited (15/min by default): three
//!   listings, one page each for projects under 100 flags.
//! - `GET /api/admin/projects/{p}/features/{name}` only for flags enabled with strategies in a
//!   selected environment, to tell a 100% rollout from targeting (`fully_on`).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::http::{encode_query, encode_segment, Client};
use super::{
    date_field, json_str, par_map, str_field, EnvState, ProviderConfig, ProviderError,
    ProviderFlag, ProviderKind, ProviderSnapshot,
};

/// Unleash's search limit ceiling; a larger limit silently falls back to 50.
const SEARCH_LIMIT: usize = 100;

pub(super) fn fetch(
    config: &ProviderConfig,
    client: &Client,
) -> Result<ProviderSnapshot, ProviderError> {
    let project = config.project.trim();
    let p = encode_segment(project);

    let list_url = client.url(&format!("/api/admin/projects/{p}/features"))?;
    let listed = client.get_json(&list_url)?;
    let features = listed
        .get("features")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| client.shape_error(&list_url, "expected a `features` array"))?;

    let types_url = client.url("/api/admin/feature-types")?;
    let types = client.get_json(&types_url)?;
    let type_lifetimes: BTreeMap<String, Option<u32>> = types
        .get("types")
        .and_then(Value::as_array)
        .ok_or_else(|| client.shape_error(&types_url, "expected a `types` array"))?
        .iter()
        .filter_map(|t| {
            let id = str_field(t, "id")?;
            let days = t
                .get("lifetimeDays")
                .and_then(Value::as_u64)
                .and_then(|d| u32::try_from(d).ok());
            Some((id, days))
        })
        .collect();

    let searched = search(client, project, None)?;
    let by_name: HashMap<String, &Value> = searched
        .iter()
        .filter_map(|f| Some((str_field(f, "name")?, f)))
        .collect();
    let potentially_stale: HashSet<String> =
        search(client, project, Some("state=IS:potentially-stale"))?
            .iter()
            .filter_map(|f| str_field(f, "name"))
            .collect();
    let archived = search(client, project, Some("lifecycle=IS:archived"))?;

    let envs = environment_names(config, client, &features, &archived)?;
    let wanted = |name: &str| envs.iter().any(|e| e == name);

    // Flags that need strategy detail to decide `fully_on`.
    let need_detail: Vec<String> = features
        .iter()
        .filter(|f| {
            env_list(f).iter().any(|e| {
                str_field(e, "name").is_some_and(|n| wanted(&n))
                    && flag(e, "enabled")
                    && flag(e, "hasEnabledStrategies")
            })
        })
        .filter_map(|f| str_field(f, "name"))
        .collect();
    let details = par_map(&need_detail, client.concurrency(), |name| {
        let url = client.url(&format!(
            "/api/admin/projects/{p}/features/{}",
            encode_segment(name)
        ))?;
        client.get_json(&url)
    })?;
    let detail_by_name: HashMap<&str, &Value> = need_detail
        .iter()
        .map(String::as_str)
        .zip(details.iter())
        .collect();

    let mut flags = Vec::new();
    let mut seen = HashSet::new();
    for (f, is_archived) in features
        .iter()
        .map(|f| (f, false))
        .chain(archived.iter().map(|f| (f, true)))
    {
        let Some(key) = str_field(f, "name") else {
            continue;
        };
        if !seen.insert(key.clone()) {
            continue;
        }
        let extra = by_name.get(&key).copied().unwrap_or(f);
        let flag_type = str_field(f, "type");
        let mut pf = ProviderFlag {
            description: str_field(f, "description"),
            temporary: flag_type
                .as_ref()
                .and_then(|t| type_lifetimes.get(t))
                .map(Option::is_some),
            flag_type,
            created_by: extra.get("createdBy").and_then(|c| str_field(c, "name")),
            created: date_field(f, "createdAt"),
            archived: is_archived,
            archived_at: date_field(f, "archivedAt").or_else(|| date_field(extra, "archivedAt")),
            stale: flag(f, "stale"),
            potentially_stale: potentially_stale.contains(&key),
            lifecycle_stage: extra
                .get("lifecycle")
                .and_then(|l| str_field(l, "stage"))
                .or_else(|| is_archived.then(|| "archived".to_string())),
            tags: tags(f).or_else(|| tags(extra)).unwrap_or_default(),
            key,
            ..ProviderFlag::default()
        };
        let detail = detail_by_name.get(pf.key.as_str()).copied();
        for e in env_list(f) {
            let Some(name) = str_field(e, "name") else {
                continue;
            };
            if !wanted(&name) {
                continue;
            }
            let detail_env = detail.and_then(|d| {
                env_list(d)
                    .iter()
                    .find(|de| str_field(de, "name").as_deref() == Some(name.as_str()))
                    .copied()
            });
            pf.environments.insert(name, env_state(e, detail_env));
        }
        flags.push(pf);
    }

    Ok(ProviderSnapshot {
        name: config.label(),
        kind: ProviderKind::Unleash,
        base_url: super::http::without_userinfo(&config.base_url),
        project: config.project.clone(),
        environment_types: environment_types(&features, &archived, &envs),
        environments: envs,
        type_lifetimes,
        stale_after_days: None,
        flags,
    })
}

/// All features of a search, paged by `offset` until `total`.
fn search(
    client: &Client,
    project: &str,
    filter: Option<&str>,
) -> Result<Vec<Value>, ProviderError> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    let mut pages = 0u32;
    loop {
        let mut q = format!("project={}", encode_query(&format!("IS:{project}")));
        if let Some(f) = filter {
            q.push('&');
            q.push_str(f);
        }
        let url = client.url(&format!(
            "/api/admin/search/features?{q}&limit={SEARCH_LIMIT}&offset={offset}"
        ))?;
        pages += 1;
        client.check_page_count(&url, pages)?;
        let page = client.get_json(&url)?;
        let features = page
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| client.shape_error(&url, "expected a `features` array"))?;
        let total = page
            .get("total")
            .and_then(Value::as_u64)
            .map(|t| t as usize)
            .unwrap_or(0);
        let n = features.len();
        out.extend(features.iter().cloned());
        offset += n;
        if n == 0 || offset >= total {
            return Ok(out);
        }
    }
}

/// The environments to report: the configured ones (each must exist), or every one seen.
fn environment_names(
    config: &ProviderConfig,
    client: &Client,
    features: &[Value],
    archived: &[Value],
) -> Result<Vec<String>, ProviderError> {
    let mut seen: Vec<String> = Vec::new();
    for f in features.iter().chain(archived) {
        for e in env_list(f) {
            if let Some(n) = str_field(e, "name") {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
        }
    }
    if config.environments.is_empty() {
        return Ok(seen);
    }
    if !seen.is_empty() {
        if let Some(missing) = config.environments.iter().find(|w| !seen.contains(w)) {
            return Err(client.config_error(format!(
                "environment `{missing}` not found in project {} (environments: {})",
                config.project,
                seen.join(", ")
            )));
        }
    }
    Ok(config.environments.clone())
}

/// `type` of each selected environment, as listed in the flags' environments.
fn environment_types(
    features: &[Value],
    archived: &[Value],
    envs: &[String],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in features.iter().chain(archived).flat_map(env_list) {
        if let (Some(name), Some(ty)) = (str_field(e, "name"), str_field(e, "type")) {
            if envs.contains(&name) {
                out.entry(name).or_insert(ty);
            }
        }
    }
    out
}

fn env_state(e: &Value, detail: Option<&Value>) -> EnvState {
    let enabled = flag(e, "enabled");
    let fully_on = if !enabled {
        Some(false)
    } else if let Some(strategies) = detail.and_then(|d| d.get("strategies")?.as_array()) {
        let active: Vec<&Value> = strategies.iter().filter(|s| !flag(s, "disabled")).collect();
        Some(active.is_empty() || active.iter().any(|s| strategy_fully_on(s)))
    } else if e.get("hasStrategies").and_then(Value::as_bool) == Some(false) {
        // Enabled with no strategies: on for everyone.
        Some(true)
    } else {
        None
    };
    EnvState {
        enabled,
        fully_on,
        last_modified: None,
        last_seen: date_field(e, "lastSeenAt")
            .or_else(|| detail.and_then(|d| date_field(d, "lastSeenAt"))),
        value: None,
        live_version: None,
    }
}

/// A strategy that serves every user: `default`, or a 100% rollout without constraints or
/// segments.
fn strategy_fully_on(s: &Value) -> bool {
    let empty = |k: &str| {
        s.get(k)
            .and_then(Value::as_array)
            .is_none_or(|a| a.is_empty())
    };
    if !empty("constraints") || !empty("segments") {
        return false;
    }
    let param = |k: &str| {
        s.get("parameters")
            .and_then(|p| p.get(k))
            .and_then(json_str)
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    match s.get("name").and_then(Value::as_str) {
        Some("default") => true,
        Some("flexibleRollout") => param("rollout").is_some_and(|r| r >= 100.0),
        Some("gradualRolloutRandom" | "gradualRolloutUserId" | "gradualRolloutSessionId") => {
            param("percentage").is_some_and(|r| r >= 100.0)
        }
        _ => false,
    }
}

fn env_list(f: &Value) -> Vec<&Value> {
    f.get("environments")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn tags(f: &Value) -> Option<Vec<String>> {
    let tags = f.get("tags")?.as_array()?;
    Some(
        tags.iter()
            .filter_map(|t| {
                let value = str_field(t, "value")?;
                match str_field(t, "type").as_deref() {
                    None | Some("simple") => Some(value),
                    Some(ty) => Some(format!("{ty}:{value}")),
                }
            })
            .collect(),
    )
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategies() {
        assert!(strategy_fully_on(&json!({"name":"default"})));
        assert!(strategy_fully_on(&json!({"name":"flexibleRollout",
            "parameters":{"rollout":"100"},"constraints":[],"segments":[]})));
        assert!(!strategy_fully_on(&json!({"name":"flexibleRollout",
            "parameters":{"rollout":"50"}})));
        assert!(!strategy_fully_on(&json!({"name":"flexibleRollout",
            "parameters":{"rollout":100},"constraints":[{"contextName":"userId"}]})));
        assert!(!strategy_fully_on(&json!({"name":"userWithId"})));
    }
}
