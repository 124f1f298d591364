//! Deployment environment files (config `env_files:`): a dotenv file (`KEY=value`, `export
//! KEY=value`, quotes, comments) or the JSON object `heroku config --json` prints. Only the
//! names and places of variables are kept; values are never printed (they may be secrets).

use std::path::Path;

use anyhow::{bail, Result};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    pub name: String,
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    pub line: usize,
    pub column: usize,
}

/// Read one env file. `shown` is the path used in findings and errors.
pub fn read(path: &Path, shown: &str) -> Result<Vec<EnvVar>> {
    let text =
        crate::input::read_named(path).map_err(|e| anyhow::anyhow!("{shown}: env file: {e}"))?;
    if text.trim_start().starts_with('{') {
        return json(&text, shown);
    }
    Ok(dotenv(&text, shown))
}

fn dotenv(text: &str, shown: &str) -> Vec<EnvVar> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let body = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, _)) = body.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let column = raw.len() - line.len() + (line.len() - body.len()) + 1;
        out.push(EnvVar {
            name: name.to_string(),
            path: shown.to_string(),
            line: i + 1,
            column,
        });
    }
    out
}

fn json(text: &str, shown: &str) -> Result<Vec<EnvVar>> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "{shown}:{}:{}: not a `heroku config --json` object: {e}",
            e.line(),
            e.column()
        )
    })?;
    let Some(obj) = v.as_object() else {
        bail!("{shown}:1:1: expected a JSON object of variable names");
    };
    let mut out = Vec::new();
    for name in obj.keys() {
        // The line of `"NAME":` in the text (serde_json keeps no positions).
        let needle = format!("\"{name}\"");
        let (line, column) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(&needle).map(|c| (i + 1, c + 1)))
            .unwrap_or((1, 1));
        out.push(EnvVar {
            name: name.clone(),
            path: shown.to_string(),
            line,
            column,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_and_heroku_json() {
        let d = dotenv(
            "# prod\nexport FLAG_A=1\nDATABASE_URL=postgres://x\n  FLAG_B = 'on'\nnot a line\n",
            "prod.env",
        );
        let names: Vec<(&str, usize, usize)> = d
            .iter()
            .map(|v| (v.name.as_str(), v.line, v.column))
            .collect();
        assert_eq!(
            names,
            [("FLAG_A", 2, 8), ("DATABASE_URL", 3, 1), ("FLAG_B", 4, 3)]
        );
        let j = json(
            "{\n  \"FLAG_C\": \"1\",\n  \"SECRET\": \"x\"\n}\n",
            "heroku.json",
        )
        .unwrap();
        assert_eq!(
            (j[0].name.as_str(), j[0].line, j[0].column),
            ("FLAG_C", 2, 3)
        );
        assert!(json("[1]", "x.json")
            .unwrap_err()
            .to_string()
            .contains("x.json:1:1"));
    }
}
