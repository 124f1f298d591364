//! `flagdebt fix`: remove a finished flag from the code. It works from what the scan already
//! knows (every read of the flag: its file, span, language and rule; the flag's registry
//! entries and env-file variables): each read becomes the flag's final value, the simplifier
//! folds what follows (see [`simplify`]), and what became unused goes. Every rewritten file is
//! parsed again; one that would not parse is left as it was and named.

mod constants;
mod edit;
pub(crate) mod go;
pub(crate) mod java;
pub(crate) mod js;
pub(crate) mod python;
mod registry;
pub(crate) mod ruby;
pub mod simplify;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use tree_sitter::Node;

use crate::inventory::Inventory;
use crate::lang::Language;
use crate::rules::EnvSettings;
use crate::scan::Reference;
use edit::{Doc, Edit, Rep};
use simplify::{field, Adapter, Cx};

/// One file's new text.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
}

/// Something `fix` left for the user: a read it did not rewrite, a file it did not change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Left {
    pub path: String,
    pub line: usize,
    pub reason: String,
}

/// A test that pins the flag to the value it will no longer have.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StaleTest {
    pub path: String,
    pub line: usize,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub changes: Vec<Change>,
    pub left: Vec<Left>,
    /// Tests to delete (they pin the other value); not edited.
    pub stale_tests: Vec<StaleTest>,
}

/// What removing a flag would take, for `report`/`sheet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub flag: String,
    /// Every read, registry entry and env variable can be removed by `fix` (no test to delete
    /// by hand, no language it does not rewrite, no file that would break).
    pub removable_entirely: bool,
    pub files: usize,
    /// Why not, one line each (`path:line: reason`).
    pub blockers: Vec<String>,
}

/// The languages `fix` rewrites.
pub fn adapter(lang: Language) -> Option<&'static dyn Adapter> {
    lang.spec().fix
}

/// Compute every change removing `flag`, treated as `value`, from the tree at `root` (the
/// scan root the Inventory's paths are relative to). Nothing is written.
/// `files`: every file of the tree (relative), where flag-key constants left unused are looked
/// for.
pub fn run(
    root: &Path,
    files: &[String],
    inv: &Inventory,
    env: &EnvSettings,
    flag: &str,
    value: &Value,
) -> Outcome {
    let mut out = Outcome::default();
    let mut by_file: BTreeMap<&str, Vec<&Reference>> = BTreeMap::new();
    for r in inv.references.iter().filter(|r| r.flag == flag) {
        by_file.entry(r.path.as_str()).or_default().push(r);
    }
    for (path, refs) in by_file {
        let lang = refs[0].language;
        let left = |reason: &str| Left {
            path: path.to_string(),
            line: refs[0].span.line,
            reason: reason.to_string(),
        };
        let Some(ad) = adapter(lang) else {
            out.left.push(left(&format!(
                "{} is not rewritten by fix (Python, Go, JavaScript/TypeScript, Java, Ruby are): {} read(s) left",
                lang.name(),
                refs.len()
            )));
            continue;
        };
        if refs.iter().any(|r| r.generated) {
            out.left.push(left("generated code: regenerate it instead"));
            continue;
        }
        let Ok(before) = std::fs::read_to_string(root.join(path)) else {
            out.left.push(left("cannot read the file"));
            continue;
        };
        let outside = package_text(root, path, lang);
        match fix_file(path, lang, ad, &before, &outside, &refs, value, &mut out) {
            Ok(Some(after)) if after != before => out.changes.push(Change {
                path: path.to_string(),
                before,
                after,
            }),
            Ok(_) => {}
            Err(reason) => out.left.push(left(&reason)),
        }
    }
    let refs: Vec<&Reference> = inv.references.iter().filter(|r| r.flag == flag).collect();
    constants::remove_unused(root, files, &refs, &mut out);
    registry::remove(root, inv, env, flag, &mut out);
    out.left.sort();
    out.stale_tests.sort();
    out.stale_tests.dedup();
    out
}

/// What `fix` would do for `flag` (treated as on): the question `report` asks per flag.
/// Whether the flag is an on/off flag, the only kind `plan` (which treats it as on) speaks
/// for: every default it is read with (call sites, tests) or declared with is a boolean.
pub fn is_on_off(inv: &Inventory, flag: &str) -> bool {
    let Some(row) = inv.flags.get(flag) else {
        return false;
    };
    inv.refs_of(row)
        .filter_map(|r| r.default.as_ref())
        .chain(row.default.as_ref())
        .all(serde_json::Value::is_boolean)
}

pub fn plan(root: &Path, files: &[String], inv: &Inventory, env: &EnvSettings, flag: &str) -> Plan {
    let o = run(root, files, inv, env, flag, &Value::Bool(true));
    let mut blockers: Vec<String> = o
        .left
        .iter()
        .map(|l| format!("{}:{}: {}", l.path, l.line, l.reason))
        .collect();
    blockers.extend(o.stale_tests.iter().map(|t| {
        format!(
            "{}:{}: test `{}` pins the flag off: delete it by hand",
            t.path, t.line, t.name
        )
    }));
    Plan {
        flag: flag.to_string(),
        removable_entirely: blockers.is_empty(),
        files: o.changes.len(),
        blockers,
    }
}

/// Write the changes.
pub fn write(root: &Path, changes: &[Change]) -> std::io::Result<()> {
    for c in changes {
        std::fs::write(root.join(&c.path), &c.after)?;
    }
    Ok(())
}

/// The unified diff of every change (paths `a/...`, `b/...` like git).
pub fn diff(changes: &[Change]) -> String {
    let mut s = String::new();
    for c in changes {
        let d = similar::TextDiff::from_lines(&c.before, &c.after);
        s.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", c.path), &format!("b/{}", c.path))
                .to_string(),
        );
    }
    s
}

/// The value as source text of `lang`.
fn value_text(ad: &dyn Adapter, value: &Value) -> String {
    let syn = ad.syntax();
    match value {
        Value::Bool(b) => (if *b { syn.true_lit } else { syn.false_lit }).to_string(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// Byte offset of a 1-based line and character column.
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let off: usize = text[start..]
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    Some(start + off)
}

/// The read's node: the outermost node with exactly its span.
fn read_node<'t>(root: Node<'t>, text: &str, r: &Reference) -> Option<Node<'t>> {
    let s = offset(text, r.span.line, r.span.column)?;
    let e = offset(text, r.span.end_line, r.span.end_column)?;
    let mut n = root.descendant_for_byte_range(s, e)?;
    if n.start_byte() != s || n.end_byte() != e {
        return None;
    }
    while let Some(p) = n.parent() {
        if p.byte_range() == n.byte_range() {
            n = p;
        } else {
            break;
        }
    }
    Some(n)
}

/// Whether the call reads the flag's negation (`is_off`, `isDisabled`).
fn negated(call_text: &str) -> bool {
    let callee = call_text.split('(').next().unwrap_or("");
    let name = callee
        .rsplit(['.', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace('_', "");
    let name = name.trim_end_matches('?');
    name.ends_with("disabled") || name == "isoff" || name.ends_with("toggleoff")
}

/// What an environment variable set to `s` means.
fn truthy(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on" | "enabled"
    )
}

fn unquote(s: &str) -> &str {
    s.trim_matches(['"', '\'', '`'])
}

/// The replacement for one read.
fn read_edit(
    cx: &Cx,
    n: Node,
    r: &Reference,
    value: &Value,
    ad: &dyn Adapter,
) -> Result<Rep, String> {
    let syn = cx.syn;
    let mut outer = n;
    while let Some(p) = outer.parent().filter(|p| syn.paren.contains(&p.kind())) {
        outer = p;
    }
    let parent = outer.parent();
    if r.env_var.is_some() {
        let Value::Bool(on) = value else {
            return Err("an environment read takes --treated on|off".into());
        };
        let p = parent.ok_or("environment read at the top level")?;
        // `os.getenv("FLAG_X") == "1"`, `ENV["FLAG_X"] != "true"`.
        if syn.binary.contains(&p.kind()) && p.named_child_count() == 2 {
            let other = [p.named_child(0), p.named_child(1)]
                .into_iter()
                .flatten()
                .find(|c| c.id() != outer.id());
            if let Some(o) = other.filter(|o| syn.string.contains(&o.kind())) {
                let eq = simplify::operator(p, &["==", "==="]).is_some();
                let ne = simplify::operator(p, &["!=", "!=="]).is_some();
                if eq || ne {
                    let b = (truthy(unquote(cx.text(o))) == *on) == eq;
                    return Ok(Rep::value(p.byte_range(), cx.bool_text(b)));
                }
            }
        }
        // Java: `Boolean.parseBoolean(System.getenv("FLAG_X"))`, `"1".equals(System.getenv(...))`.
        if p.kind() == "argument_list" {
            if let Some(call) = p.parent().filter(|c| c.kind() == "method_invocation") {
                let name = field(call, "name").map(|x| cx.text(x)).unwrap_or("");
                let obj = field(call, "object");
                if name == "parseBoolean" {
                    return Ok(Rep::value(call.byte_range(), cx.bool_text(*on)));
                }
                if let Some(o) = obj.filter(|o| o.kind() == "string_literal") {
                    if name == "equals" || name == "equalsIgnoreCase" {
                        let b = truthy(unquote(cx.text(o))) == *on;
                        return Ok(Rep::value(call.byte_range(), cx.bool_text(b)));
                    }
                }
            }
        }
        // Read as a condition: `if os.getenv("FLAG_X"):`.
        let in_condition = syn.unary.contains(&p.kind())
            || (syn.binary.contains(&p.kind())
                && simplify::operator(p, &["&&", "||", "and", "or"]).is_some())
            || matches!(simplify::field_of(outer), Some("condition"));
        if in_condition {
            return Ok(Rep::value(outer.byte_range(), cx.bool_text(*on)));
        }
        return Err(format!(
            "`{}` is not compared with a value or used as a condition: left as it is",
            r.env_var.as_deref().unwrap_or("")
        ));
    }
    let value = match value {
        Value::Bool(b) if negated(cx.text(n)) => Value::Bool(!b),
        v => v.clone(),
    };
    let text = value_text(ad, &value);
    // Go: `v, err := client.BooleanValue(...)` becomes `v, err := true, nil`.
    let list = if n.kind() == "expression_list" {
        Some(n)
    } else {
        parent.filter(|p| p.kind() == "expression_list")
    };
    if let (Some(nil), Some(p)) = (syn.nil_lit, list) {
        if p.named_child_count() == 1 {
            if let Some(stmt) = p.parent() {
                let left = field(stmt, "left");
                if left.is_some_and(|l| l.named_child_count() == 2)
                    && field(stmt, "right").is_some_and(|x| x.id() == p.id())
                {
                    let both = format!("{text}, {nil}");
                    let hot = vec![0..text.len(), text.len() + 2..both.len()];
                    return Ok(Rep {
                        range: n.byte_range(),
                        text: both,
                        hot,
                    });
                }
            }
        }
    }
    Ok(Rep::value(n.byte_range(), text))
}

/// The test function around a read, and the value it pins the flag to (from its name:
/// `..._when_flag_off`, `TestUsesV2WhenFlagOn`; or from `assert not read`).
fn test_pin<'t>(cx: &Cx, n: Node<'t>) -> (Option<Node<'t>>, String, Option<bool>) {
    let mut f = None;
    let mut cur = n.parent();
    while let Some(p) = cur {
        if cx.syn.functions.contains(&p.kind()) {
            f = Some(p);
            break;
        }
        cur = p.parent();
    }
    let name = f
        .map(|f| {
            field(f, "name")
                .map(|x| cx.text(x).to_string())
                .unwrap_or_else(|| {
                    // JS/Ruby test blocks: `it("...", () => ...)`: the call's first string.
                    let call = f.parent().and_then(|a| a.parent());
                    call.map(|c| {
                        let t = cx.text(c);
                        t.split(['"', '\'', '`']).nth(1).unwrap_or("").to_string()
                    })
                    .unwrap_or_default()
                })
        })
        .unwrap_or_default();
    let words = split_words(&name);
    let on = words
        .iter()
        .any(|w| matches!(w.as_str(), "on" | "enabled" | "true"));
    let off = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "off" | "disabled" | "false" | "legacy" | "without"
        )
    });
    let pin = match (on, off) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        // The test sets the flag: `settings.FLAG = True`.
        _ if f.and_then(|f| set_in(cx, f, cx.text(n))).is_some() => {
            f.and_then(|f| set_in(cx, f, cx.text(n)))
        }
        _ => {
            // `assert not read` / `assert read`.
            let mut x = n;
            let mut neg = negated(cx.text(n));
            while let Some(p) = x.parent() {
                if cx.syn.unary.contains(&p.kind()) || cx.syn.paren.contains(&p.kind()) {
                    if cx.syn.unary.contains(&p.kind()) {
                        neg = !neg;
                    }
                    x = p;
                    continue;
                }
                break;
            }
            x.parent()
                .filter(|p| p.kind() == "assert_statement")
                .map(|_| !neg)
        }
    };
    (f, name, pin)
}

/// The boolean `scope` assigns to the expression `target` (`settings.FLAG = True`).
fn set_in(cx: &Cx, scope: Node, target: &str) -> Option<bool> {
    let mut stack = vec![scope];
    while let Some(n) = stack.pop() {
        if n.kind().contains("assignment") {
            if let (Some(l), Some(r)) = (field(n, "left"), field(n, "right")) {
                if cx.text(l) == target {
                    let v = cx.text(r);
                    if v == cx.syn.true_lit {
                        return Some(true);
                    }
                    if v == cx.syn.false_lit {
                        return Some(false);
                    }
                }
            }
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    None
}

/// Whether the read is the target of an assignment (a write of the flag, not a read).
fn is_assigned(n: Node) -> bool {
    simplify::field_of(n) == Some("left")
        && n.parent().is_some_and(|p| p.kind().contains("assignment"))
}

fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The other files that see this file's private names: a Go package's files (its folder).
fn package_text(root: &Path, path: &str, lang: Language) -> String {
    if lang != Language::Go {
        return String::new();
    }
    let file = root.join(path);
    let Some(dir) = file.parent() else {
        return String::new();
    };
    let mut out = String::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p != file && p.extension().is_some_and(|x| x == "go") {
            if let Ok(t) = std::fs::read_to_string(&p) {
                out.push_str(&t);
                out.push('\n');
            }
        }
    }
    out
}

/// Rewrite one file. Ok(None): nothing to change. Err: left as it is, and why.
#[allow(clippy::too_many_arguments)]
fn fix_file(
    path: &str,
    lang: Language,
    ad: &dyn Adapter,
    before: &str,
    outside: &str,
    refs: &[&Reference],
    value: &Value,
    out: &mut Outcome,
) -> Result<Option<String>, String> {
    let parsed_before = simplify::parse(lang, before).ok_or("cannot parse the file")?;
    if parsed_before.root_node().has_error() {
        return Err("the file does not parse before the fix: left as it is".into());
    }
    let mut doc = Doc::new(before.to_string());
    doc.outside = outside.to_string();
    let counts = simplify::name_counts(lang, ad.syntax(), before);
    let mut reps = Vec::new();
    {
        let cx = Cx {
            doc: &doc,
            syn: ad.syntax(),
        };
        let root = parsed_before.root_node();
        for r in refs {
            let Some(n) = read_node(root, before, r) else {
                out.left.push(Left {
                    path: path.to_string(),
                    line: r.span.line,
                    reason: "the read's span is not one expression: left as it is".into(),
                });
                continue;
            };
            if is_assigned(n) {
                if !r.test {
                    out.left.push(Left {
                        path: path.to_string(),
                        line: r.span.line,
                        reason: "the code sets the flag here: left as it is".into(),
                    });
                }
                continue;
            }
            if r.test {
                let (f, name, pin) = test_pin(&cx, n);
                let line = f.map_or(r.span.line, |f| f.start_position().row + 1);
                let treated = match value {
                    Value::Bool(b) => Some(*b),
                    _ => None,
                };
                match (pin, treated) {
                    (Some(p), Some(t)) if p == t => {}
                    (Some(_), Some(_)) => {
                        out.stale_tests.push(StaleTest {
                            path: path.to_string(),
                            line,
                            name,
                        });
                        continue;
                    }
                    // A test that runs with either value (`if flag { expect A } else
                    // { expect B }`): its reads are rewritten like any code.
                    _ => {}
                }
            }
            match read_edit(&cx, n, r, value, ad) {
                Ok(rep) => reps.push(rep),
                Err(reason) => out.left.push(Left {
                    path: path.to_string(),
                    line: r.span.line,
                    reason,
                }),
            }
        }
    }
    if reps.is_empty() {
        return Ok(None);
    }
    // Two reads inside one another (an env read inside a wrapper's call): the outer wins.
    reps.sort_by_key(|r| (r.range.start, std::cmp::Reverse(r.range.end)));
    let mut kept: Vec<Rep> = Vec::new();
    for r in reps {
        if kept.last().is_some_and(|k| r.range.start < k.range.end) {
            continue;
        }
        kept.push(r);
    }
    if !doc.apply(Edit {
        reps: kept,
        region: false,
    }) {
        return Err("overlapping reads: left as it is".into());
    }
    if !simplify::settle(&mut doc, lang, ad) {
        return Err("the rewrite did not settle: left as it is".into());
    }
    simplify::cleanup(&mut doc, lang, ad, &counts);
    if !simplify::parses(lang, &doc.text) {
        return Err("the rewritten file would not parse: left as it is".into());
    }
    Ok(Some(doc.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_negation() {
        assert_eq!(
            split_words("TestIndexForUsesV2WhenFlagOn"),
            ["test", "index", "for", "uses", "v2", "when", "flag", "on"]
        );
        assert_eq!(
            split_words("test_legacy_when_off"),
            ["test", "legacy", "when", "off"]
        );
        assert!(negated("flags.is_off(KEY)"));
        assert!(negated("featureFlags.isOff(\"x\")"));
        assert!(!negated("flags.is_on(KEY)"));
        assert!(negated("experimentation.isToggleDisabled(KEY)"));
        assert!(negated("flags.disabled?(:x)"));
        assert_eq!(offset("ab\ncd", 2, 2), Some(4));
    }
}
