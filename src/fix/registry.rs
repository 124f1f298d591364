//! The flag's entries outside code: its registry entry (a YAML registry's block, a flagd or
//! manifest JSON member), removed with the file's other comments and layout kept, and its
//! `FLAG_` variables in the configured env files. A registry file that would no longer load
//! is left as it is and named.

use std::path::Path;

use super::edit::{line_end, line_start};
use super::{offset, Change, Left, Outcome};
use crate::inventory::Inventory;
use crate::registry::SourceKind;
use crate::rules::EnvSettings;

pub fn remove(root: &Path, inv: &Inventory, env: &EnvSettings, flag: &str, out: &mut Outcome) {
    for d in inv.declarations.iter().filter(|d| d.key == flag) {
        let left = |reason: String| Left {
            path: d.path.clone(),
            line: d.line,
            reason,
        };
        let result = match d.source {
            SourceKind::Yaml => edit_file(root, out, &d.path, |t| {
                yaml_block(t, d.line, d.column, flag)
            })
            .and_then(|()| verify(out, &d.path, d.source, flag)),
            SourceKind::Flagd | SourceKind::OpenFeatureManifest => {
                edit_file(root, out, &d.path, |t| {
                    json_member(t, d.line, d.column, flag)
                })
                .and_then(|()| verify(out, &d.path, d.source, flag))
            }
            SourceKind::FlagDir => Err("the flag's own definition file: delete it".into()),
            // Shapes named in the config (key/value files, maps, a provider's document, a
            // type or enum in code): left to the user.
            SourceKind::KeyValue
            | SourceKind::Map
            | SourceKind::FlagsmithEnvironment
            | SourceKind::CodeType => Err(format!(
                "declared in a `{}` registry: remove the entry by hand",
                d.source
            )),
            // Removed with the constant that held it (constants.rs), or left to the user.
            SourceKind::Code => {
                let quoted = serde_json::to_string(flag).unwrap_or_default();
                let gone = out
                    .changes
                    .iter()
                    .any(|c| c.path == d.path && !c.after.contains(&quoted));
                if gone {
                    Ok(())
                } else {
                    Err(
                        "declared in code, still named elsewhere: remove the declaration by hand"
                            .into(),
                    )
                }
            }
        };
        if let Err(reason) = result {
            out.left.push(left(reason));
        }
    }
    for v in &inv.env_vars {
        if env.map(&v.name).as_deref() != Some(flag) {
            continue;
        }
        let r = edit_file(root, out, &v.path, |t| {
            if t.trim_start().starts_with('{') {
                json_member(t, v.line, v.column, &v.name)
            } else {
                let s = offset(t, v.line, 1)?;
                let e = (line_end(t, s) + 1).min(t.len());
                let mut t = t.to_string();
                t.replace_range(s..e, "");
                Some(t)
            }
        });
        if let Err(reason) = r {
            out.left.push(Left {
                path: v.path.clone(),
                line: v.line,
                reason,
            });
        }
    }
}

/// Apply `f` to the file's current text (a change already made to it, or the file).
fn edit_file(
    root: &Path,
    out: &mut Outcome,
    path: &str,
    f: impl FnOnce(&str) -> Option<String>,
) -> Result<(), String> {
    let i = match out.changes.iter().position(|c| c.path == path) {
        Some(i) => i,
        None => {
            let text = crate::input::read_named(&root.join(path))
                .map_err(|e| format!("cannot read the file: {e}"))?;
            out.changes.push(Change {
                path: path.to_string(),
                before: text.clone(),
                after: text,
            });
            out.changes.len() - 1
        }
    };
    let new = f(&out.changes[i].after).ok_or(
        "the entry is not where the scan saw it, or in a shape fix does not edit: left as it is",
    )?;
    out.changes[i].after = new;
    Ok(())
}

/// The registry still loads and no longer declares the flag; else the change is undone.
fn verify(out: &mut Outcome, path: &str, kind: SourceKind, flag: &str) -> Result<(), String> {
    let Some(i) = out.changes.iter().position(|c| c.path == path) else {
        return Ok(());
    };
    let ok = crate::registry::parse_str(path, &out.changes[i].after, kind)
        .is_ok_and(|r| r.declarations.iter().all(|d| d.key != flag));
    if ok {
        return Ok(());
    }
    out.changes.remove(i);
    Err("the registry would not load without the entry: left as it is".into())
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Remove the YAML mapping entry whose key is at (line, column): the key's line and every
/// deeper-indented (or blank) line after it. Comments at the key's level stay.
pub fn yaml_block(text: &str, line: usize, column: usize, key: &str) -> Option<String> {
    let start = offset(text, line, 1)?;
    let key_at = offset(text, line, column)?;
    let head = &text[start..key_at];
    let rest = &text[key_at..];
    let quoted = [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ];
    if !head.trim().is_empty() || !quoted.iter().any(|q| rest.starts_with(q.as_str())) {
        return None;
    }
    let level = head.len();
    // Comment lines right above the key, set apart from what precedes them by a blank line,
    // are about this entry and go with it.
    let mut start = start;
    {
        let mut p = start;
        let mut top = start;
        while p > 0 {
            let ps = line_start(text, p - 1);
            let l = &text[ps..p - 1];
            if l.trim_start().starts_with('#') && indent_of(l) == level {
                top = ps;
                p = ps;
            } else {
                break;
            }
        }
        let blank_above = p > 0 && text[line_start(text, p - 1)..p - 1].trim().is_empty();
        if top < start && blank_above {
            start = top;
        }
    }
    let mut end = (line_end(text, key_at) + 1).min(text.len());
    let mut last_content = end;
    while end < text.len() {
        let le = line_end(text, end);
        let l = &text[end..le];
        if !l.trim().is_empty() && indent_of(l) <= level {
            break;
        }
        if !l.trim().is_empty() {
            last_content = (le + 1).min(text.len());
        }
        end = (le + 1).min(text.len());
    }
    // Blank lines after the entry: keep the separation to the next one, once.
    let mut from = start;
    if end >= text.len() {
        // Last entry: the blank lines before it go with it.
        end = last_content;
        while from > 0 {
            let ps = line_start(text, from - 1);
            if text[ps..from].trim().is_empty() {
                from = ps;
            } else {
                break;
            }
        }
        if from == 0 || end < text.len() {
            // keep as computed
        }
    }
    let mut t = text.to_string();
    t.replace_range(from..end, "");
    if end >= text.len() && !t.ends_with('\n') && !t.is_empty() {
        t.push('\n');
    }
    Some(t)
}

/// The end of the JSON value starting at `i`.
fn json_value_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    in_str = false;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    if depth == 0 {
                        return Some(i);
                    }
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b',' if depth == 0 => return Some(i),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// Remove the JSON object member whose key string is at (line, column).
pub fn json_member(text: &str, line: usize, column: usize, key: &str) -> Option<String> {
    let mut k = offset(text, line, column)?;
    let quoted = serde_json::to_string(key).ok()?;
    if !text[k..].starts_with(&quoted) {
        // The column may point inside the quotes.
        k = k.checked_sub(1)?;
        if !text[k..].starts_with(&quoted) {
            return None;
        }
    }
    let b = text.as_bytes();
    let mut i = k + quoted.len();
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let v_end = json_value_end(b, i)?;
    let mut j = v_end;
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    let ls = line_start(text, k);
    let own_line = text[ls..k].trim().is_empty();
    let range = if b.get(j) == Some(&b',') {
        let mut e = j + 1;
        let le = line_end(text, e);
        if own_line && text[e..le].trim().is_empty() {
            e = (le + 1).min(text.len());
            ls..e
        } else {
            while e < b.len() && (b[e] == b' ' || b[e] == b'\t') {
                e += 1;
            }
            k..e
        }
    } else {
        // The last member: the comma before it goes.
        let before = text[..k].trim_end();
        if !before.ends_with(',') {
            // The only member.
            let le = line_end(text, v_end);
            if own_line && text[v_end..le].trim().is_empty() {
                ls..(le + 1).min(text.len())
            } else {
                k..v_end
            }
        } else {
            let comma = before.len() - 1;
            comma..v_end
        }
    };
    let mut t = text.to_string();
    t.replace_range(range, "");
    serde_json::from_str::<serde_json::Value>(&t).ok()?;
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_entry_goes_with_its_lines_only() {
        let t = "# head\n\na:\n  x: 1\n  # about a\n  y: 2\n\n# about b\nb:\n  x: 2\n\nc: {x: 3}\n";
        assert_eq!(
            yaml_block(t, 3, 1, "a").unwrap(),
            "# head\n\n# about b\nb:\n  x: 2\n\nc: {x: 3}\n"
        );
        assert_eq!(
            yaml_block(t, 12, 1, "c").unwrap(),
            "# head\n\na:\n  x: 1\n  # about a\n  y: 2\n\n# about b\nb:\n  x: 2\n"
        );
        assert_eq!(yaml_block(t, 3, 1, "b"), None);
        // A comment group right above the key goes with it.
        assert_eq!(
            yaml_block(t, 9, 1, "b").unwrap(),
            "# head\n\na:\n  x: 1\n  # about a\n  y: 2\n\nc: {x: 3}\n"
        );
    }

    #[test]
    fn json_member_and_its_comma() {
        let t = "{\n  \"flags\": {\n    \"a\": {\"x\": [1, \"}\"]},\n    \"b\": {}\n  }\n}\n";
        assert_eq!(
            json_member(t, 3, 5, "a").unwrap(),
            "{\n  \"flags\": {\n    \"b\": {}\n  }\n}\n"
        );
        assert_eq!(
            json_member(t, 4, 5, "b").unwrap(),
            "{\n  \"flags\": {\n    \"a\": {\"x\": [1, \"}\"]}\n  }\n}\n"
        );
    }
}
