//! What keeps one source file from stopping the scan. tree-sitter's parsers run in-process, in
//! C, so a fault inside one would take the whole run with it; each kind is kept away here
//! rather than isolated in a child process (which would cost a process per file):
//!
//! - **Stack**: tree-sitter's parser and the adapters' few recursive reads recurse once per
//!   nesting level. Scans run on worker threads with [`WORKER_STACK`] of stack (reserved, not
//!   committed: untouched pages cost nothing), and the adapters' walks of member chains and
//!   constant expressions are iterative or depth-bounded.
//! - **Time**: a parse may take time superlinear in the input (error recovery on a mutated
//!   file explores many stack versions: 1.9 MB of `""""` lines took 11 s). Each parse has a
//!   time budget proportional to the file's size ([`parse_budget`]): over it, the parse is
//!   cancelled through tree-sitter's progress callback and the file is skipped with a note.
//!   Only such pathological files depend on the machine's speed; tree-sitter's step count
//!   was tried as a deterministic measure but does not follow the time spent (56,000
//!   callbacks in a 12 s parse).
//! - **Assertions in external scanners**: the hand-written scanners of two grammars serialise
//!   their state into tree-sitter's 1 KiB buffer and abort the process (a C `assert`) when it
//!   does not fit: tree-sitter-ruby on a heredoc delimiter of 256 characters or more (its
//!   length is stored in one byte), tree-sitter-python on more than about 500 nested
//!   indentation levels. [`scanner_limits`] finds such input with a cheap pass over the text
//!   before the parse, and the file is skipped with a note instead.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::lang::Language;

/// Stack of each scan worker thread.
pub const WORKER_STACK: usize = 64 * 1024 * 1024;

/// The fixed budget of the scan under way, in milliseconds (0: none). Set from
/// [`crate::walk::WalkOptions::parse_budget_ms`] when a scan starts ([`set_fixed_budget`]);
/// the parsers run on pool threads, several layers below the options.
static FIXED_BUDGET_MS: AtomicU64 = AtomicU64::new(0);

/// Use this fixed parse budget (None: the size-based one) from now on.
pub fn set_fixed_budget(ms: Option<u64>) {
    FIXED_BUDGET_MS.store(ms.unwrap_or(0), Ordering::Relaxed);
}

/// How long a parse of `len` bytes may take before it is cancelled: 5 s and 5 s per MB (a
/// 2 MB file, the default size limit, parses in well under a second in a release build),
/// unless a fixed budget is set ([`set_fixed_budget`]).
pub fn parse_budget(len: usize) -> std::time::Duration {
    match FIXED_BUDGET_MS.load(Ordering::Relaxed) {
        0 => std::time::Duration::from_millis(5_000 + (len as u64 * 5_000) / (1024 * 1024)),
        ms => std::time::Duration::from_millis(ms),
    }
}

/// The longest heredoc delimiter tree-sitter-ruby's scanner can store (one length byte), with
/// a margin for the other state it serialises beside it.
const MAX_HEREDOC_WORD: usize = 200;
/// Serialised heredoc state on one line (4 bytes and the word per heredoc) kept well under
/// the 1 KiB buffer.
const MAX_HEREDOC_LINE: usize = 600;
/// Indentation levels tree-sitter-python's scanner can store (2 bytes each in a 1 KiB buffer
/// that also holds up to 257 bytes of string delimiters).
const MAX_PY_INDENTS: usize = 350;

/// Why `text` must not reach `lang`'s external scanner, if it must not.
pub fn scanner_limits(lang: Language, text: &str) -> Option<String> {
    lang.spec().scanner_limits.and_then(|limits| limits(text))
}

/// A heredoc delimiter (`<<~WORD`, `<<-"WORD"`, `<<WORD`) too long for tree-sitter-ruby, or
/// too many bytes of them opened on one line. A quoted delimiter runs to its closing quote,
/// across lines if need be, as the scanner reads it (`<<'` with no closing quote on its line
/// made a 300-byte word over several lines: the scanner's one length byte overflowed and its
/// state no longer read back, an assertion that aborted the process).
pub(crate) fn ruby_heredocs(text: &str) -> Option<String> {
    if !text.contains("<<") {
        return None;
    }
    let b = text.as_bytes();
    let (mut line, mut counted) = (1usize, 0usize);
    let (mut total, mut total_line) = (0usize, 0usize);
    for at in memchr::memmem::find_iter(b, b"<<") {
        line += memchr::memchr_iter(b'\n', &b[counted..at]).count();
        counted = at;
        if line != total_line {
            (total, total_line) = (0, line);
        }
        let after = text[at + 2..].trim_start_matches(['~', '-']);
        let word = match after.as_bytes().first() {
            Some(&q @ (b'"' | b'\'' | b'`')) => {
                let body = &after.as_bytes()[1..];
                memchr::memchr(q, body).unwrap_or(body.len())
            }
            _ => after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len()),
        };
        if word > MAX_HEREDOC_WORD {
            return Some(format!(
                "a heredoc delimiter of {word} characters at line {line} (the Ruby parser cannot read one over {MAX_HEREDOC_WORD})"
            ));
        }
        if word > 0 {
            total += word + 4;
        }
        if total > MAX_HEREDOC_LINE {
            return Some(format!(
                "heredocs of {total} bytes of delimiters opened at line {line} (the Ruby parser cannot read over {MAX_HEREDOC_LINE})"
            ));
        }
    }
    None
}

/// More nested indentation levels than tree-sitter-python can store.
pub(crate) fn python_indents(text: &str) -> Option<String> {
    let mut stack: Vec<usize> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start_matches([' ', '\t', '\x0c']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let width = line.len() - body.len();
        while stack.last().is_some_and(|&w| w > width) {
            stack.pop();
        }
        if stack.last().is_none_or(|&w| w < width) && width > 0 {
            stack.push(width);
        }
        if stack.len() > MAX_PY_INDENTS {
            return Some(format!(
                "more than {MAX_PY_INDENTS} nested indentation levels at line {} (the Python parser cannot read them)",
                i + 1
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_heredoc_words() {
        assert!(scanner_limits(Language::Ruby, "x = <<~EOS\nhi\nEOS\n").is_none());
        let long = format!("x = <<~{w}\nhi\n{w}\n", w = "A".repeat(300));
        assert!(scanner_limits(Language::Ruby, &long)
            .unwrap()
            .contains("heredoc delimiter of 300 characters at line 1"));
        let quoted = format!("x = <<-'{w}'\nhi\n{w}\n", w = "a b".repeat(100));
        assert!(scanner_limits(Language::Ruby, &quoted).is_some());
        // A shift by a short name is not a heredoc, and is harmless either way.
        assert!(scanner_limits(Language::Ruby, "a << b\n").is_none());
        // A quoted delimiter runs to its closing quote, across lines (found by the fuzzer:
        // tree-sitter-ruby aborted on the 256th byte).
        let across = format!("x = <<'{}\n{}'\nhi\n", "a".repeat(150), "b".repeat(150));
        assert!(scanner_limits(Language::Ruby, &across)
            .unwrap()
            .contains("heredoc delimiter of 301 characters at line 1"));
        assert!(scanner_limits(Language::Ruby, "x = <<'EOS'\nhi\nEOS\n").is_none());
    }

    #[test]
    fn python_indent_levels() {
        let mut deep = String::new();
        for i in 0..400 {
            deep.push_str(&" ".repeat(i));
            deep.push_str("if x:\n");
        }
        assert!(scanner_limits(Language::Python, &deep)
            .unwrap()
            .contains("more than 350 nested indentation levels at line 352"));
        let flat = "if x:\n    y()\nz()\n".repeat(1000);
        assert!(scanner_limits(Language::Python, &flat).is_none());
    }
}
