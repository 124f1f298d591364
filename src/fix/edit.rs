//! Text edits by byte range, and the marks that say which text `fix` wrote: a "hot" range is a
//! value that replaced a flag read (or was computed from one), a "region" is code that `fix`
//! moved out of a branch. The simplifier only folds expressions around hot values, so code the
//! flag never touched (a hand-written `if True:`) stays as it is.

use std::ops::Range;

/// One replacement. `hot` ranges are relative to `text`.
#[derive(Debug, Clone)]
pub struct Rep {
    pub range: Range<usize>,
    pub text: String,
    pub hot: Vec<Range<usize>>,
}

impl Rep {
    /// Replace `range` with plain text.
    pub fn plain(range: Range<usize>, text: impl Into<String>) -> Rep {
        Rep {
            range,
            text: text.into(),
            hot: Vec::new(),
        }
    }

    /// Replace `range` with a value `fix` computed (a hot literal).
    pub fn value(range: Range<usize>, text: impl Into<String>) -> Rep {
        let text = text.into();
        let hot = std::iter::once(0..text.len()).collect();
        Rep { range, text, hot }
    }

    pub fn delete(range: Range<usize>) -> Rep {
        Rep::plain(range, "")
    }
}

/// Replacements applied together (they must not overlap). `region`: the new text is code moved
/// out of a branch (statements after a moved `return` are unreachable).
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub reps: Vec<Rep>,
    pub region: bool,
}

impl Edit {
    pub fn one(rep: Rep) -> Edit {
        Edit {
            reps: vec![rep],
            region: false,
        }
    }

    pub fn region(rep: Rep) -> Edit {
        Edit {
            reps: vec![rep],
            region: true,
        }
    }
}

/// A file being rewritten.
#[derive(Debug, Clone)]
pub struct Doc {
    pub text: String,
    pub hot: Vec<Range<usize>>,
    pub regions: Vec<Range<usize>>,
    /// The text of the files that share this file's private names (a Go package's other
    /// files): a helper or constant they name is not this file's alone.
    pub outside: String,
}

impl Doc {
    pub fn new(text: String) -> Doc {
        Doc {
            text,
            hot: Vec::new(),
            regions: Vec::new(),
            outside: String::new(),
        }
    }

    /// Whether a file sharing this one's private names names `name`.
    pub fn named_outside(&self, name: &str) -> bool {
        count_word(&self.outside, name) > 0
    }

    pub fn is_hot(&self, r: Range<usize>) -> bool {
        self.hot.contains(&r)
    }

    pub fn in_region(&self, r: Range<usize>) -> bool {
        self.regions
            .iter()
            .any(|h| h.start <= r.start && r.end <= h.end)
    }

    /// Apply an edit; false when its replacements overlap (nothing applied).
    pub fn apply(&mut self, edit: Edit) -> bool {
        let mut reps = edit.reps;
        reps.sort_by(|a, b| {
            b.range
                .start
                .cmp(&a.range.start)
                .then(b.range.end.cmp(&a.range.end))
        });
        for w in reps.windows(2) {
            if w[1].range.end > w[0].range.start {
                return false;
            }
        }
        for r in reps {
            self.apply_one(r, edit.region);
        }
        true
    }

    fn apply_one(&mut self, r: Rep, region: bool) {
        let Range { start: s, end: e } = r.range;
        let n = r.text.len();
        let shift = |x: usize| x + n - (e - s);
        self.text.replace_range(s..e, &r.text);
        self.hot = std::mem::take(&mut self.hot)
            .into_iter()
            .filter_map(|h| {
                if h.end <= s && !(s == e && h.end == s && h.start == s) {
                    Some(h)
                } else if h.start >= e && !(h.start == s && s == e && h.is_empty()) {
                    Some(shift(h.start)..shift(h.end))
                } else {
                    None
                }
            })
            .collect();
        self.regions = std::mem::take(&mut self.regions)
            .into_iter()
            .filter_map(|h| {
                if h.end <= s {
                    Some(h)
                } else if h.start >= e {
                    Some(shift(h.start)..shift(h.end))
                } else if h.start <= s && e <= h.end {
                    Some(h.start..shift(h.end))
                } else {
                    None
                }
            })
            .collect();
        for h in r.hot {
            self.hot.push(s + h.start..s + h.end);
        }
        if region && n > 0 {
            self.regions.push(s..s + n);
        }
    }
}

/// Whole-word occurrences of `name` in `text`.
pub fn count_word(text: &str, name: &str) -> usize {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name)
        .filter(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + name.len()..].chars().next();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
        .count()
}

pub fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The position of the `\n` ending the line at `pos` (or the text's end).
pub fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i)
}

/// The whitespace before `pos` on its line, when only whitespace is there.
pub fn indent_at(text: &str, pos: usize) -> Option<&str> {
    let ls = line_start(text, pos);
    let pre = &text[ls..pos];
    pre.chars().all(|c| c == ' ' || c == '\t').then_some(pre)
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The range that deletes a statement: its whole lines when it has them to itself, and one
/// blank line around it when two would otherwise meet (or one would sit before a closing
/// bracket).
pub fn statement_range(text: &str, r: Range<usize>) -> Range<usize> {
    let ls = line_start(text, r.start);
    let le = line_end(text, r.end);
    let before_ok = text[ls..r.start].trim().is_empty();
    let after = text[r.end..le].trim();
    let after_ok = after.is_empty() || after == ";";
    if !(before_ok && after_ok) {
        return r;
    }
    let mut a = ls;
    let mut b = (le + 1).min(text.len());
    // Blank lines right before and right after.
    let mut before = Vec::new();
    let mut p = a;
    while p > 0 {
        let ps = line_start(text, p - 1);
        if !is_blank(&text[ps..p - 1]) {
            break;
        }
        before.push(ps);
        p = ps;
    }
    let mut after = 0;
    let mut q = b;
    while q < text.len() {
        let qe = line_end(text, q);
        if !is_blank(&text[q..qe]) {
            break;
        }
        after += 1;
        q = (qe + 1).min(text.len());
    }
    let next = &text[q..line_end(text, q)];
    let next_closes = {
        let t = next.trim_start();
        q >= text.len()
            || t.starts_with('}')
            || t.starts_with(')')
            || t.starts_with("end")
            || t.starts_with("else")
            || t.starts_with("elif")
            || t.starts_with("except")
    };
    let prev_opens = {
        let t = text[..p].trim_end();
        t.is_empty() || t.ends_with('{') || t.ends_with(':') || t.ends_with('(')
    };
    if next_closes {
        // No blank line left before a block's end.
        if let Some(&ps) = before.last() {
            a = ps;
        }
    } else if prev_opens && before.is_empty() {
        // Nor right after a block's start (or at the file's top).
        b = q.min(text.len());
    } else if !before.is_empty() && after > 0 {
        // Two runs of blank lines meet: keep the longer one.
        a = before[before.len().min(after) - 1];
    }
    a..b
}

/// Re-indent `body` (its first line already placed) from `from` to `to`.
pub fn reindent(body: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for (i, line) in body.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if line.trim().is_empty() {
                continue;
            }
            match line.strip_prefix(from) {
                Some(rest) => {
                    out.push_str(to);
                    out.push_str(rest);
                }
                None => out.push_str(line),
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_follow_edits() {
        let mut d = Doc::new("a = X and y\n".into());
        d.apply(Edit::one(Rep::value(4..5, "True")));
        assert_eq!(d.text, "a = True and y\n");
        assert!(d.is_hot(4..8));
        d.apply(Edit::one(Rep::plain(0..1, "bb")));
        assert!(d.is_hot(5..9));
        d.apply(Edit::one(Rep::plain(5..15, "y")));
        assert!(d.hot.is_empty());
    }

    #[test]
    fn statement_lines_and_blank_lines() {
        let t = "a\n\n    x = 1\n\nb\n";
        let s = t.find('x').unwrap();
        let r = statement_range(t, s..s + 5);
        let mut o = t.to_string();
        o.replace_range(r, "");
        assert_eq!(o, "a\n\nb\n");
        assert_eq!(
            reindent("x\n        y\n\n        z", "        ", "    "),
            "x\n    y\n\n    z"
        );
    }
}
