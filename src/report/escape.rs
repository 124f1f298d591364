//! Text that comes from outside flagdebt (flag keys, paths, provider flag names, source
//! snippets, server messages) made safe for the format it is written in. Human output
//! never lets such text start a line (a GitHub Actions runner executes a line starting with
//! `::` as a workflow command) or reach the terminal as a control sequence; Markdown
//! escapes what GitHub would render as markup.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as is: C0 controls (newline included), DEL, C1
/// controls, and the bidirectional overrides and isolates (which reorder what is shown).
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One line of human output: unsafe characters printed escaped (`\n`, `\r`, `\t`, `\x1b`,
/// `\u{202e}`).
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && is_unsafe(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Source text shown in a snippet: each unsafe character except line ends and tabs is
/// replaced by one visible character (its Unicode control picture, or U+FFFD), so character
/// offsets stay and labels still point at the right place.
pub fn source(s: &str) -> Cow<'_, str> {
    let keep =
        |c: char, next: Option<char>| c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'));
    let mut it = s.chars().peekable();
    let mut any = false;
    while let Some(c) = it.next() {
        if is_unsafe(c) && !keep(c, it.peek().copied()) {
            any = true;
            break;
        }
    }
    if !any {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if !is_unsafe(c) || keep(c, it.peek().copied()) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'));
        } else if c == '\u{7f}' {
            out.push('\u{2421}');
        } else {
            out.push('\u{fffd}');
        }
    }
    Cow::Owned(out)
}

/// At most `max` characters of `s`, `…` marking a cut (an expression quoted in a message).
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
    }
}

/// Markdown inline text in a table cell: escaped (`line`), then every character GitHub could
/// read as markup backslash-escaped, and `@` kept from becoming a mention.
pub fn md_text(s: &str) -> String {
    let s = line(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '!' | '~' | '#' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200b}"),
            c => out.push(c),
        }
    }
    out
}

/// A finding's message in a Markdown cell: its `quoted` parts (flagdebt quotes keys and
/// expressions in backticks) as code spans ([`md_code`]), the rest as text ([`md_text`]).
/// A backtick inside a quoted key only shifts which parts are code; every part is escaped.
pub fn md_message(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                md_code(part)
            } else {
                md_text(part)
            }
        })
        .collect()
}

/// Markdown code span in a table cell: a fence longer than any backtick run inside, `|`
/// escaped for the table, line ends and control characters escaped (`line`).
pub fn md_code(s: &str) -> String {
    let s = line(s).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_lines() {
        assert_eq!(line("a\n::set-env name=X::y"), "a\\n::set-env name=X::y");
        assert_eq!(line("k\x1b[31m"), "k\\x1b[31m");
        assert_eq!(line("r\u{202e}x"), "r\\u{202e}x");
        assert!(matches!(line("plain.key"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_keeps_offsets() {
        let s = "a\x1bb\r\nc\rd\n";
        let out = source(s);
        assert_eq!(out.chars().count(), s.chars().count());
        assert_eq!(out, "a\u{241b}b\r\nc\u{240d}d\n");
    }

    #[test]
    fn markdown() {
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_code("a|b\r\n"), "`a\\|b\\r\\n`");
        assert_eq!(
            md_text("[x](http://e) @team <img>"),
            "\\[x\\](http://e) @\u{200b}team \\<img\\>"
        );
        assert_eq!(md_message("flag `a_b` is read"), "flag `a_b` is read");
        // A backtick in a key shifts the code parts; the link stays inside a code span.
        assert_eq!(md_message("key `x`y` [l](u)"), "key `x`y` [l](u)`");
        assert_eq!(md_message("k `a` [l](u) @t"), "k `a` \\[l\\](u) @\u{200b}t");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
    }
}
