//! Fingerprints and the baseline file. A finding's fingerprint hashes its code, flag, path and
//! the trimmed text of its source line (plus an occurrence count for identical lines), not its
//! line number, so a baseline still matches after code moves up or down. SARIF's
//! `partialFingerprints` carry the same value.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;

pub const VERSION: u32 = 1;

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// One fingerprint per finding, in the same order. Source lines are read from `root`.
pub fn fingerprints(root: &Path, findings: &[Finding]) -> Vec<String> {
    let mut files: HashMap<&str, Option<Vec<String>>> = HashMap::new();
    let mut seen: HashMap<u64, u32> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let lines = files.entry(&f.path).or_insert_with(|| {
                let p = if root.is_file() {
                    root.to_path_buf()
                } else {
                    root.join(&f.path)
                };
                std::fs::read_to_string(p)
                    .ok()
                    .map(|t| t.lines().map(|l| l.trim().to_string()).collect())
            });
            let text = lines
                .as_ref()
                .and_then(|l| l.get(f.span.line.saturating_sub(1)))
                .map(String::as_str)
                .unwrap_or("");
            let mut h = 0xcbf2_9ce4_8422_2325;
            for part in [
                f.code.as_str(),
                f.flag.as_deref().unwrap_or(""),
                f.path.as_str(),
                text,
            ] {
                h = fnv1a(part.as_bytes(), h);
                h = fnv1a(&[0], h);
            }
            let n = seen.entry(h).or_default();
            *n += 1;
            format!("{:016x}:{}", h, n)
        })
        .collect()
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    pub flag: Option<String>,
    pub path: String,
    pub message: String,
}

pub fn write(path: &Path, findings: &[Finding], fps: &[String]) -> Result<()> {
    let b = Baseline {
        version: VERSION,
        findings: findings
            .iter()
            .zip(fps)
            .map(|(f, fp)| Entry {
                fingerprint: fp.clone(),
                code: f.code.clone(),
                flag: f.flag.clone(),
                path: f.path.clone(),
                message: f.message.clone(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&b)?;
    s.push('\n');
    std::fs::write(path, s)
        .with_context(|| format!("{}: cannot write the baseline", path.display()))
}

pub fn read(path: &Path) -> Result<Baseline> {
    let text = crate::input::read_named(path)
        .map_err(|e| anyhow::anyhow!("{}: baseline: {e}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a flagdebt baseline: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if b.version != VERSION {
        bail!(
            "{}: baseline version {} is not supported (expected {VERSION})",
            path.display(),
            b.version
        );
    }
    Ok(b)
}

/// Keep the findings (and their fingerprints) that the baseline does not hold.
pub fn filter_new(
    findings: Vec<Finding>,
    fps: Vec<String>,
    base: &Baseline,
) -> (Vec<Finding>, Vec<String>) {
    let known: std::collections::HashSet<&str> = base
        .findings
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    findings
        .into_iter()
        .zip(fps)
        .filter(|(_, fp)| !known.contains(fp.as_str()))
        .unzip()
}
