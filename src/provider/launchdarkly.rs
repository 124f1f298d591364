//! LaunchDarkly REST API v2, pinned to `LD-API-Version: 20240415`. Auth is the raw access
//! token in `Authorization`.
//!
//! Requests:
//! - `GET /api/v2/projects/{p}/environments` (only when no environments are configured; follow
//!   `_links.next.href`);
//! - per environment, concurrently:
//!   `GET /api/v2/flags/{p}?env={e}&filter=filterEnv:{e}&summary=0&limit=100` (follow
//!   `_links.next.href`). In API version 20240415 `environments` is only returned when filtered
//!   by environment, and `summary=0` returns the full targeting (rules, targets, fallthrough);
//! - `GET /api/v2/flags/{p}?filter=state:archived&summary=0&limit=100`: archived flags, which
//!   the listing excludes by default.

use std::collections::BTreeMap;

use serde_json::Value;

use super::http::{encode_query, encode_segment, Client};
use super::{
    json_str, par_map, str_field, time, EnvState, ProviderConfig, ProviderError, ProviderFlag,
    ProviderKind, ProviderSnapshot,
};

const PAGE_LIMIT: u32 = 100;

pub(super) fn fetch(
    config: &ProviderConfig,
    client: &Client,
) -> Result<ProviderSnapshot, ProviderError> {
    let p = encode_segment(config.project.trim());
    let envs = if config.environments.is_empty() {
        fetch_envs(client, &p)?
    } else {
        config.environments.clone()
    };

    let per_env = par_map(&envs, client.concurrency(), |env| {
        let e = encode_query(env);
        let url = client.url(&format!(
            "/api/v2/flags/{p}?env={e}&filter={}&summary=0&limit={PAGE_LIMIT}",
            encode_query(&format!("filterEnv:{env}"))
        ))?;
        list_items(client, url)
    })?;
    let archived = list_items(
        client,
        client.url(&format!(
            "/api/v2/flags/{p}?filter={}&summary=0&limit={PAGE_LIMIT}",
            encode_query("state:archived")
        ))?,
    )?;

    let mut flags: BTreeMap<String, ProviderFlag> = BTreeMap::new();
    for (env, items) in envs.iter().zip(&per_env) {
        for item in items {
            let Some(key) = str_field(item, "key") else {
                continue;
            };
            let pf = flags.entry(key).or_insert_with(|| flag_meta(item));
            if let Some(cfg) = item.get("environments").and_then(|e| e.get(env)) {
                pf.environments.insert(env.clone(), env_state(item, cfg));
            }
        }
    }
    for item in &archived {
        let Some(key) = str_field(item, "key") else {
            continue;
        };
        flags.entry(key).or_insert_with(|| flag_meta(item)).archived = true;
    }
    let mut flags: Vec<ProviderFlag> = flags.into_values().collect();
    for f in &mut flags {
        let latest = f
            .environments
            .values()
            .filter_map(|e| e.last_modified.clone())
            .max();
        if latest.is_some() {
            f.last_modified = latest;
        }
    }

    Ok(ProviderSnapshot {
        name: config.label(),
        kind: ProviderKind::Launchdarkly,
        base_url: super::http::without_userinfo(&config.base_url),
        project: config.project.clone(),
        environments: envs,
        environment_types: BTreeMap::new(),
        type_lifetimes: BTreeMap::new(),
        stale_after_days: None,
        flags,
    })
}

fn next_href(page: &Value) -> Option<String> {
    page.get("_links")?
        .get("next")?
        .get("href")?
        .as_str()
        .map(str::to_string)
}

fn list_items(client: &Client, first: reqwest::Url) -> Result<Vec<Value>, ProviderError> {
    let mut out = Vec::new();
    client.get_pages(first, next_href, |url, mut page| {
        match page.get_mut("items").map(Value::take) {
            Some(Value::Array(a)) => {
                out.extend(a);
                Ok(())
            }
            _ => Err(client.shape_error(url, "expected an `items` array")),
        }
    })?;
    Ok(out)
}

fn fetch_envs(client: &Client, p: &str) -> Result<Vec<String>, ProviderError> {
    let items = list_items(
        client,
        client.url(&format!("/api/v2/projects/{p}/environments"))?,
    )?;
    Ok(items.iter().filter_map(|e| str_field(e, "key")).collect())
}

fn ms_field(v: &Value, key: &str) -> Option<String> {
    let x = v.get(key)?;
    x.as_i64()
        .or_else(|| x.as_f64().map(|f| f as i64))
        .map(time::format_epoch_ms)
        .or_else(|| x.as_str().and_then(time::normalize))
}

fn flag_meta(item: &Value) -> ProviderFlag {
    let mut f = ProviderFlag {
        key: str_field(item, "key").unwrap_or_default(),
        display_name: str_field(item, "name"),
        description: str_field(item, "description"),
        flag_type: str_field(item, "kind"),
        created: ms_field(item, "creationDate"),
        archived: bool_field(item, "archived"),
        archived_at: ms_field(item, "archivedDate"),
        deprecated: bool_field(item, "deprecated"),
        deprecated_at: ms_field(item, "deprecatedDate"),
        temporary: item.get("temporary").and_then(Value::as_bool),
        potentially_stale: item.get("stale").is_some_and(Value::is_object),
        ..ProviderFlag::default()
    };
    if let Some(m) = item.get("_maintainer").filter(|m| m.is_object()) {
        let name = format!(
            "{} {}",
            str_field(m, "firstName").unwrap_or_default(),
            str_field(m, "lastName").unwrap_or_default()
        )
        .trim()
        .to_string();
        if let Some(owner) = str_field(m, "email").or((!name.is_empty()).then_some(name)) {
            f.owners.push(owner);
        }
    }
    let team = item
        .get("_maintainerTeam")
        .and_then(|t| str_field(t, "name").or_else(|| str_field(t, "key")))
        .or_else(|| str_field(item, "maintainerTeamKey"));
    f.group_owners.extend(team);
    f.tags = item
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(json_str).collect())
        .unwrap_or_default();
    f
}

fn env_state(flag: &Value, cfg: &Value) -> EnvState {
    let on = bool_field(cfg, "on");
    let variations = flag.get("variations").and_then(Value::as_array);
    let variation_value = |idx: Option<u64>| -> Option<Value> {
        let i = usize::try_from(idx?).ok()?;
        variations?.get(i)?.get("value").cloned()
    };
    let boolean = variations.is_some_and(|v| {
        !v.is_empty()
            && v.iter()
                .all(|x| x.get("value").is_some_and(Value::is_boolean))
    });

    // The single variation everyone gets when on, if there is one.
    let (single, known) = if cfg.get("rules").is_some() || cfg.get("fallthrough").is_some() {
        let none = |k: &str| {
            cfg.get(k)
                .and_then(Value::as_array)
                .is_none_or(|a| a.is_empty())
        };
        let untargeted =
            none("rules") && none("targets") && none("contextTargets") && none("prerequisites");
        let fixed = cfg
            .get("fallthrough")
            .and_then(|f| f.get("variation"))
            .and_then(Value::as_u64);
        (fixed.filter(|_| untargeted), true)
    } else if let Some(summary) = cfg.get("_summary").filter(|s| s.is_object()) {
        summary_single(summary)
    } else {
        (None, false)
    };
    let fallthrough = cfg
        .get("fallthrough")
        .and_then(|f| f.get("variation"))
        .and_then(Value::as_u64)
        .or(single);
    let fully_on = if !on {
        Some(false)
    } else if !known {
        None
    } else {
        Some(
            single.is_some_and(|i| !boolean || variation_value(Some(i)) == Some(Value::Bool(true))),
        )
    };
    let value = if on {
        variation_value(fallthrough)
    } else {
        variation_value(cfg.get("offVariation").and_then(Value::as_u64))
    };
    EnvState {
        enabled: on,
        fully_on,
        last_modified: ms_field(cfg, "lastModified"),
        last_seen: None,
        value,
        live_version: None,
    }
}

/// From `_summary` alone: `(single fallthrough variation with no targeting, known)`.
fn summary_single(summary: &Value) -> (Option<u64>, bool) {
    let Some(vars) = summary.get("variations").and_then(Value::as_object) else {
        return (None, false);
    };
    let count = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
    let prerequisites = summary
        .get("prerequisites")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let mut fallthrough = Vec::new();
    let mut targeted = prerequisites > 0;
    for (idx, v) in vars {
        targeted |= count(v, "rules") + count(v, "targets") + count(v, "contextTargets") > 0;
        targeted |= v.get("rollout").is_some_and(|r| !r.is_null());
        if bool_field(v, "isFallthrough") {
            fallthrough.push(idx.parse::<u64>().ok());
        }
    }
    match fallthrough.as_slice() {
        [Some(i)] if !targeted => (Some(*i), true),
        _ => (None, true),
    }
}

fn bool_field(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summary_only_env() {
        let flag = json!({"variations":[{"value":true},{"value":false}]});
        let cfg = json!({"on":true,"lastModified":1700000500000u64,
            "_summary":{"variations":{"0":{"rules":0,"targets":0,"isFallthrough":true},
                                       "1":{"rules":0,"targets":0,"isOff":true}},"prerequisites":0}});
        let s = env_state(&flag, &cfg);
        assert_eq!(s.fully_on, Some(true));
        assert_eq!(s.value, Some(json!(true)));
        assert_eq!(s.last_modified.as_deref(), Some("2023-11-14T22:21:40Z"));
        let cfg =
            json!({"on":true,"_summary":{"variations":{"0":{"rules":2,"isFallthrough":true}}}});
        assert_eq!(env_state(&flag, &cfg).fully_on, Some(false));
        assert_eq!(env_state(&flag, &json!({"on":true})).fully_on, None);
    }
}
