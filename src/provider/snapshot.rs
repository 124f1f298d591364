//! Provider snapshot files: the [`ProviderState`] as pretty JSON, so `flagdebt pull` can save
//! live state once and later runs (`--state`) can lint offline against it.

use std::path::Path;

use super::{ProviderError, ProviderState, STATE_VERSION};

/// Serialise `state` to a string (pretty JSON, trailing newline).
pub fn to_string(state: &ProviderState) -> Result<String, ProviderError> {
    let mut s = serde_json::to_string_pretty(state).map_err(|e| ProviderError::Snapshot {
        path: "<memory>".into(),
        message: format!("cannot serialise: {e}"),
    })?;
    s.push('\n');
    Ok(s)
}

/// Parse a snapshot from a string; `origin` names it in errors.
pub fn from_str(text: &str, origin: &str) -> Result<ProviderState, ProviderError> {
    let err = |message: String| ProviderError::Snapshot {
        path: origin.to_string(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?;
    match value.get("version") {
        Some(v) if v.as_u64() == Some(u64::from(STATE_VERSION)) => {}
        Some(v) => {
            return Err(err(format!(
                "unsupported snapshot version {v} (this flagdebt reads version {STATE_VERSION}; run `flagdebt pull` again)"
            )))
        }
        None => {
            return Err(err(
                "not a flagdebt provider snapshot (no `version` field)".to_string()
            ))
        }
    }
    serde_json::from_value(value).map_err(|e| err(format!("malformed snapshot: {e}")))
}

/// Write `state` to `path` (via a temporary file in the same directory, then rename).
pub fn write(path: &Path, state: &ProviderState) -> Result<(), ProviderError> {
    let shown = path.display().to_string();
    let err = |message: String| ProviderError::Snapshot {
        path: shown.clone(),
        message,
    };
    let text = to_string(state)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| err(format!("cannot create directory: {e}")))?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| err("not a file path".to_string()))?;
    let tmp = path.with_file_name(format!(".{file_name}.tmp"));
    std::fs::write(&tmp, text).map_err(|e| err(format!("cannot write: {e}")))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(format!("cannot write: {e}"))
    })
}

/// Read a snapshot written by [`write`]; a clear error for a missing file, bad JSON or another
/// format version.
pub fn read(path: &Path) -> Result<ProviderState, ProviderError> {
    let shown = path.display().to_string();
    let text = crate::input::read_named(path).map_err(|e| ProviderError::Snapshot {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    from_str(&text, &shown)
}
