//! Flagsmith Admin API (`/api/v1/`).
//!
//! Requests, in order:
//! - `GET /projects/{pid}/` for `stale_flags_limit_days` (and to fail early on a bad project);
//! - `GET /projects/{pid}/features/?page_size=999` (follow `next`; archived features included);
//! - `GET /projects/{pid}/tags/` to resolve tag ids to labels;
//! - `GET /environments/?project={pid}` (10 a page, follow `next`);
//! - per environment, concurrently: `GET /environments/{api_key}/featurestates/` (follow `next`),
//!   `GET /projects/{pid}/features/?environment={id}&page_size=999` for override counts, and in a
//!   V2-versioned environment `GET /environments/{env_id}/features/{feature_id}/versions/?is_live=true`
//!   per feature (numeric ids) for the live version.
//!
//! `fully_on` needs the override counts of the per-environment features list; a null
//! `num_identity_overrides` (self-hosted, non-edge projects) is read as no identity overrides.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::http::{encode_query, encode_segment, Client};
use super::{
    date_field, json_str, par_map, str_field, time, EnvState, ProviderConfig, ProviderError,
    ProviderFlag, ProviderKind, ProviderSnapshot,
};

struct Tag {
    label: String,
    permanent: bool,
    stale: bool,
}

struct Env {
    id: String,
    name: String,
    api_key: String,
    v2: bool,
}

/// Per-environment data for one feature.
#[derive(Default)]
struct EnvFeature {
    state: Option<Value>,
    segment_overrides: Option<u64>,
    identity_overrides: Option<u64>,
    last_modified: Option<String>,
    live_version: Option<String>,
}

pub(super) fn fetch(
    config: &ProviderConfig,
    client: &Client,
) -> Result<ProviderSnapshot, ProviderError> {
    let pid = encode_segment(config.project.trim());

    let project_url = client.url(&format!("/api/v1/projects/{pid}/"))?;
    let project = client.get_json(&project_url)?;
    let stale_after_days = project
        .get("stale_flags_limit_days")
        .and_then(Value::as_u64)
        .and_then(|d| u32::try_from(d).ok());

    let features = list_all(
        client,
        client.url(&format!("/api/v1/projects/{pid}/features/?page_size=999"))?,
    )?;
    let tags = fetch_tags(client, &pid)?;
    let envs = select_envs(config, client, fetch_envs(client, config)?)?;

    let feature_ids: Vec<String> = features
        .iter()
        .filter_map(|f| f.get("id").and_then(json_str))
        .collect();
    let per_env = par_map(&envs, client.concurrency(), |env| {
        fetch_env(client, &pid, env, &feature_ids)
    })?;

    let mut flags = Vec::with_capacity(features.len());
    for f in &features {
        let Some(key) = str_field(f, "name") else {
            continue;
        };
        let id = f.get("id").and_then(json_str).unwrap_or_default();
        let mut flag = ProviderFlag {
            key,
            description: str_field(f, "description"),
            flag_type: str_field(f, "type"),
            created: date_field(f, "created_date"),
            archived: f
                .get("is_archived")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            lifecycle_stage: str_field(f, "lifecycle_stage"),
            last_modified: date_field(f, "last_modified_in_any_environment"),
            ..ProviderFlag::default()
        };
        for o in f
            .get("owners")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(owner) = str_field(o, "email").or_else(|| person_name(o)) {
                flag.owners.push(owner);
            }
        }
        for g in f
            .get("group_owners")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = str_field(g, "name") {
                flag.group_owners.push(name);
            }
        }
        for t in f
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(tid) = json_str(t) else { continue };
            match tags.get(&tid) {
                Some(tag) => {
                    flag.tags.push(tag.label.clone());
                    flag.stale |= tag.stale;
                    if tag.permanent {
                        flag.temporary = Some(false);
                    }
                }
                None => flag.tags.push(format!("tag:{tid}")),
            }
        }
        if flag.lifecycle_stage.as_deref() == Some("stale") {
            flag.stale = true;
        }
        for (env, data) in envs.iter().zip(&per_env) {
            if let Some(ef) = data.get(&id) {
                if let Some(state) = env_state(ef) {
                    flag.environments.insert(env.name.clone(), state);
                }
            }
        }
        flags.push(flag);
    }

    Ok(ProviderSnapshot {
        name: config.label(),
        kind: ProviderKind::Flagsmith,
        base_url: super::http::without_userinfo(&config.base_url),
        project: config.project.clone(),
        environments: envs.iter().map(|e| e.name.clone()).collect(),
        environment_types: BTreeMap::new(),
        type_lifetimes: BTreeMap::new(),
        stale_after_days,
        flags,
    })
}

/// Every item of a DRF listing (`{count,next,previous,results}`, following `next`), or of a plain
/// JSON array.
fn list_all(client: &Client, first: reqwest::Url) -> Result<Vec<Value>, ProviderError> {
    let mut items = Vec::new();
    client.get_pages(
        first,
        |page| str_field(page, "next"),
        |url, page| {
            match page {
                Value::Array(a) => items.extend(a),
                Value::Object(mut o) => match o.remove("results") {
                    Some(Value::Array(a)) => items.extend(a),
                    _ => return Err(client.shape_error(url, "expected a `results` array")),
                },
                _ => return Err(client.shape_error(url, "expected a list or a page object")),
            }
            Ok(())
        },
    )?;
    Ok(items)
}

fn fetch_tags(client: &Client, pid: &str) -> Result<HashMap<String, Tag>, ProviderError> {
    let tags = list_all(
        client,
        client.url(&format!("/api/v1/projects/{pid}/tags/"))?,
    )?;
    Ok(tags
        .iter()
        .filter_map(|t| {
            let id = t.get("id").and_then(json_str)?;
            let label = str_field(t, "label").unwrap_or_else(|| format!("tag:{id}"));
            let tag = Tag {
                label,
                permanent: t
                    .get("is_permanent")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                stale: t
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|ty| ty.eq_ignore_ascii_case("STALE")),
            };
            Some((id, tag))
        })
        .collect())
}

fn fetch_envs(client: &Client, config: &ProviderConfig) -> Result<Vec<Env>, ProviderError> {
    let url = client.url(&format!(
        "/api/v1/environments/?project={}",
        encode_query(config.project.trim())
    ))?;
    let envs = list_all(client, url.clone())?;
    envs.iter()
        .map(|e| {
            let id = e.get("id").and_then(json_str);
            let api_key = str_field(e, "api_key");
            match (id, api_key) {
                (Some(id), Some(api_key)) => Ok(Env {
                    name: str_field(e, "name").unwrap_or_else(|| api_key.clone()),
                    id,
                    api_key,
                    v2: e
                        .get("use_v2_feature_versioning")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                }),
                _ => Err(client.shape_error(&url, "an environment without `id` or `api_key`")),
            }
        })
        .collect()
}

/// Keep the configured environments (by name, case-insensitively, or by api key), in the
/// provider's order. Empty config = all.
fn select_envs(
    config: &ProviderConfig,
    client: &Client,
    envs: Vec<Env>,
) -> Result<Vec<Env>, ProviderError> {
    if config.environments.is_empty() {
        return Ok(envs);
    }
    let matches = |e: &Env, want: &str| e.api_key == want || e.name.eq_ignore_ascii_case(want);
    for want in &config.environments {
        if !envs.iter().any(|e| matches(e, want)) {
            let known: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
            return Err(client.config_error(format!(
                "environment `{want}` not found in project {} (environments: {})",
                config.project,
                known.join(", ")
            )));
        }
    }
    Ok(envs
        .into_iter()
        .filter(|e| config.environments.iter().any(|w| matches(e, w)))
        .collect())
}

/// Everything about one environment, keyed by feature id.
fn fetch_env(
    client: &Client,
    pid: &str,
    env: &Env,
    feature_ids: &[String],
) -> Result<HashMap<String, EnvFeature>, ProviderError> {
    let mut out: HashMap<String, EnvFeature> = HashMap::new();
    let states = list_all(
        client,
        client.url(&format!(
            "/api/v1/environments/{}/featurestates/",
            encode_segment(&env.api_key)
        ))?,
    )?;
    for s in states {
        // Environment defaults only: skip any identity or segment state that slips through.
        let is_default = s.get("identity").is_none_or(Value::is_null)
            && s.get("feature_segment").is_none_or(Value::is_null);
        let Some(fid) = s.get("feature").and_then(feature_id) else {
            continue;
        };
        if is_default {
            out.entry(fid).or_default().state = Some(s);
        }
    }

    let features = list_all(
        client,
        client.url(&format!(
            "/api/v1/projects/{pid}/features/?environment={}&page_size=999",
            encode_query(&env.id)
        ))?,
    )?;
    for f in features {
        let Some(fid) = f.get("id").and_then(json_str) else {
            continue;
        };
        let ef = out.entry(fid).or_default();
        ef.segment_overrides = f.get("num_segment_overrides").and_then(Value::as_u64);
        ef.identity_overrides = f.get("num_identity_overrides").and_then(Value::as_u64);
        ef.last_modified = date_field(&f, "last_modified_in_current_environment");
    }

    if env.v2 {
        let live = par_map(feature_ids, client.concurrency(), |fid| {
            live_version(client, env, fid)
        })?;
        for (fid, uuid) in feature_ids.iter().zip(live) {
            if let Some(uuid) = uuid {
                out.entry(fid.clone()).or_default().live_version = Some(uuid);
            }
        }
    }
    Ok(out)
}

/// The uuid of the live version: of the versions with `is_live`, the one live most recently.
fn live_version(client: &Client, env: &Env, fid: &str) -> Result<Option<String>, ProviderError> {
    let url = client.url(&format!(
        "/api/v1/environments/{}/features/{}/versions/?is_live=true",
        encode_segment(&env.id),
        encode_segment(fid)
    ))?;
    let versions = list_all(client, url)?;
    Ok(versions
        .iter()
        .filter(|v| v.get("is_live").and_then(Value::as_bool).unwrap_or(false))
        .filter_map(|v| {
            let uuid = str_field(v, "uuid")?;
            let live_from = v.get("live_from").and_then(Value::as_str).unwrap_or("");
            Some((
                (time::parse_rfc3339(live_from), live_from.to_string()),
                uuid,
            ))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, uuid)| uuid))
}

fn env_state(ef: &EnvFeature) -> Option<EnvState> {
    let s = ef.state.as_ref()?;
    let enabled = s.get("enabled").and_then(Value::as_bool).unwrap_or(false);
    let overrides_known = ef.segment_overrides.is_some();
    let no_overrides =
        ef.segment_overrides.unwrap_or(0) == 0 && ef.identity_overrides.unwrap_or(0) == 0;
    let fully_on = if !enabled {
        Some(false)
    } else if !overrides_known {
        None
    } else {
        Some(no_overrides && !multivariate_split(s))
    };
    Some(EnvState {
        enabled,
        fully_on,
        last_modified: ef
            .last_modified
            .clone()
            .or_else(|| date_field(s, "updated_at")),
        last_seen: None,
        value: s.get("feature_state_value").and_then(state_value),
        live_version: ef
            .live_version
            .clone()
            .or_else(|| str_field(s, "environment_feature_version")),
    })
}

/// A multivariate percentage split (anything but 0% everywhere or 100% to one option).
fn multivariate_split(state: &Value) -> bool {
    let allocations: Vec<f64> = state
        .get("multivariate_feature_state_values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("percentage_allocation").and_then(Value::as_f64))
        .filter(|p| *p > 0.0)
        .collect();
    !(allocations.is_empty() || (allocations.len() == 1 && allocations[0] >= 100.0))
}

/// `feature_state_value` is a scalar in lists and `{"type":…,"string_value":…}` in versions.
fn state_value(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Object(o) if o.contains_key("type") => {
            let field = match o.get("type").and_then(Value::as_str) {
                Some("int") | Some("integer") => "integer_value",
                Some("bool") | Some("boolean") => "boolean_value",
                _ => "string_value",
            };
            o.get(field).filter(|x| !x.is_null()).cloned()
        }
        other => Some(other.clone()),
    }
}

/// `feature` is an id in lists, an object in some serializers.
fn feature_id(v: &Value) -> Option<String> {
    json_str(v).or_else(|| v.get("id").and_then(json_str))
}

fn person_name(o: &Value) -> Option<String> {
    let first = str_field(o, "first_name").unwrap_or_default();
    let last = str_field(o, "last_name").unwrap_or_default();
    let name = format!("{first} {last}").trim().to_string();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_and_scalar_values() {
        assert_eq!(state_value(&json!("hello")), Some(json!("hello")));
        assert_eq!(state_value(&json!(null)), None);
        assert_eq!(
            state_value(&json!({"type":"int","integer_value":3,"string_value":null})),
            Some(json!(3))
        );
        assert_eq!(
            state_value(&json!({"type":"unicode","string_value":null})),
            None
        );
    }

    #[test]
    fn multivariate() {
        assert!(!multivariate_split(
            &json!({"multivariate_feature_state_values": []})
        ));
        assert!(multivariate_split(
            &json!({"multivariate_feature_state_values": [
            {"percentage_allocation": 50.0}, {"percentage_allocation": 50.0}]})
        ));
        assert!(!multivariate_split(
            &json!({"multivariate_feature_state_values": [
            {"percentage_allocation": 100}, {"percentage_allocation": 0}]})
        ));
    }
}
