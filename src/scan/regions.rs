//! Regions: which parts of a file the parser reads. The prefilter yields the offsets of its
//! hits once; this module, from the [`Lexer`]'s view of the file (what is code, where brackets
//! open and close, how lines are indented), leaves out every function body that holds no hit,
//! and tree-sitter parses what is left as one document (its *included ranges*: node positions
//! stay those of the file). So each call shape is recognised by one piece of code, the
//! language's tree-sitter adapter, whether the file is read whole or in parts.
//!
//! What is left out is always a run of whole lines that forms a complete function, method or
//! closure (or, in brace languages, a block headed by `(...) {`: `if (x) {`, a callback), with
//! balanced brackets, no hit, and no code of a neighbour on its first or last line; with the
//! blank and comment lines just above it. Everything else stays: imports, package clauses,
//! constants, class and enum bodies, declarations, and every function that holds a hit, with
//! its enclosing blocks. Removing such a run leaves valid code, and nothing the extractors
//! read is in it: references and declarations start at a hit, and constants, imports and
//! re-exports are read at module or class level only.
//!
//! The whole file is parsed instead (say so where it matters):
//! - when the lexer is unsure of the file ([`Lexer::balanced_allowing_regexes`]: unbalanced
//!   brackets, an open string, a heuristic decision such as JSX text). A JavaScript or Ruby
//!   regex literal where an expression starts is no reason: read wrongly, it would leave
//!   brackets unpaired or the regions' parse with a syntax error, and the file is parsed
//!   whole then;
//! - Ruby (blocks are keywords, `def ... end`; left whole), Rust (syn);
//! - when a rule reads a call's result (`member: ["useFlags()"]`) and the file names the call:
//!   a variable bound to the result (`const flags = useFlags()`) carries it into functions
//!   with no hit of their own;
//! - when the parse of the regions has a syntax error: the whole file is parsed again, so a
//!   syntax-error note is only ever about the file as written. A syntax error inside a
//!   function that holds no hit is not seen, and not reported. Where the language's grammar
//!   has a known gap (Go's `new(...)` with a value), the regions of the copy the adapter
//!   renames are parsed first ([`crate::scan::extract::Adapter::reparse_source`]).
//! - `--whole-files` ([`crate::walk::WalkOptions::whole_files`]), for the differential check
//!   (`tests/regions.rs` compares both ways on every fixture tree).

use std::ops::Range;

use crate::lang::{Blocks, Language};
use crate::scan::lexical::{Lexer, Verdict};

/// One line of the file, as the chunker sees it.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    /// Bracket depth (code brackets only) at the line's start.
    depth: i32,
    /// The lowest bracket depth on the line (a `}` that closes a block the line did not
    /// open: `} else {`, a struct type's `}{`).
    min: i32,
    /// The line starts in code (not inside a multi-line string or comment).
    in_code: bool,
    /// The first byte of code on the line (not blank, not in a comment).
    first: Option<usize>,
    /// The last byte of code on the line.
    last: Option<usize>,
    /// Leading spaces and tabs.
    indent: usize,
}

struct Chunker<'a> {
    b: &'a [u8],
    lang: Language,
    lines: Vec<Line>,
    /// Non-code regions `(start, end, verdict)`, sorted.
    regions: &'a [(usize, usize, Verdict)],
    hits: &'a [usize],
    out: Vec<Range<usize>>,
}

/// The byte ranges (whole lines) to leave out of the parse, sorted; None when the file must be
/// parsed whole. `hits` are sorted offsets.
pub fn excluded(lang: Language, b: &[u8], hits: &[usize]) -> Option<Vec<Range<usize>>> {
    let blocks = lang.blocks();
    if blocks == Blocks::Whole {
        return None;
    }
    let mut lexer = Lexer::new(lang, b);
    if !lexer.balanced_allowing_regexes() {
        return None;
    }
    let regions = lexer.non_code();
    let mut c = Chunker {
        b,
        lang,
        lines: lines(b, regions),
        regions,
        hits,
        out: Vec::new(),
    };
    // Without the sentinel.
    let n = c.lines.len() - 1;
    match blocks {
        Blocks::Braces => c.braces(0, n, 0),
        Blocks::Indent => c.indent(0, n, 0, false),
        Blocks::Whole => {}
    }
    Some(c.out)
}

/// Tree-sitter's included ranges: the complement of `excluded` in `0..len`.
pub fn included(len: usize, b: &[u8], excluded: &[Range<usize>]) -> Vec<tree_sitter::Range> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut row = 0;
    let mut at = 0;
    // Rows are counted forward once: ranges are sorted and line-aligned.
    let mut row_of = |to: usize| {
        row += memchr::memchr_iter(b'\n', &b[at..to]).count();
        at = to;
        row
    };
    for r in excluded.iter().chain(std::iter::once(&(len..len))) {
        if r.start > from {
            let start_row = row_of(from);
            let end_row = row_of(r.start);
            out.push(tree_sitter::Range {
                start_byte: from,
                end_byte: r.start,
                start_point: tree_sitter::Point::new(start_row, 0),
                end_point: tree_sitter::Point::new(end_row, 0),
            });
        }
        from = from.max(r.end);
    }
    out
}

fn lines(b: &[u8], regions: &[(usize, usize, Verdict)]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut r = 0;
    let mut depth = 0i32;
    let mut start = 0;
    let in_region = |r: usize, i: usize| r < regions.len() && regions[r].0 <= i && i < regions[r].1;
    let mut line = Line {
        start: 0,
        end: 0,
        depth: 0,
        min: 0,
        in_code: true,
        first: None,
        last: None,
        indent: 0,
    };
    let mut i = 0;
    let n = b.len();
    while i < n {
        while r < regions.len() && regions[r].1 <= i {
            r += 1;
        }
        let c = b[i];
        if in_region(r, i) {
            // A string is code as far as the line is concerned; a comment is not.
            if regions[r].2 != Verdict::Comment {
                line.first.get_or_insert(i);
                line.last = Some(i);
            }
        } else if !c.is_ascii_whitespace() {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    line.min = line.min.min(depth);
                }
                _ => {}
            }
            line.first.get_or_insert(i);
            line.last = Some(i);
        }
        if c == b'\n' {
            line.end = i + 1;
            out.push(line);
            start = i + 1;
            let mut r2 = r;
            while r2 < regions.len() && regions[r2].1 <= start {
                r2 += 1;
            }
            line = Line {
                start,
                end: start,
                depth,
                min: depth,
                in_code: !(r2 < regions.len() && regions[r2].0 < start && start < regions[r2].1),
                first: None,
                last: None,
                indent: indent_of(&b[start..]),
            };
        }
        i += 1;
    }
    if start < n {
        line.end = n;
        out.push(line);
    }
    // The sentinel: the depth at the end of the file.
    out.push(Line {
        start: n,
        end: n,
        depth,
        min: depth,
        in_code: true,
        first: None,
        last: None,
        indent: 0,
    });
    out
}

fn indent_of(b: &[u8]) -> usize {
    b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count()
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'_' | b'$' | b'@' | b'#') || c >= 0x80
}

impl Chunker<'_> {
    /// Line count without the sentinel.
    fn has_hit(&self, r: Range<usize>) -> bool {
        let i = self.hits.partition_point(|&h| h < r.start);
        self.hits.get(i).is_some_and(|&h| h < r.end)
    }

    fn first_byte(&self, l: usize) -> Option<u8> {
        self.lines[l].first.map(|i| self.b[i])
    }

    /// A line that holds no code: blank, or comments only.
    fn trivia(&self, l: usize) -> bool {
        self.lines[l].in_code && self.lines[l].first.is_none()
    }

    /// The word starting at byte `i`.
    fn word_at(&self, i: usize) -> &[u8] {
        let e = self.b[i..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(self.b.len(), |p| i + p);
        &self.b[i..e]
    }

    fn in_region(&self, i: usize) -> bool {
        let k = self.regions.partition_point(|r| r.0 <= i);
        k > 0 && i < self.regions[k - 1].1
    }

    /// The last code byte before `i` that is not white space (skipping comments).
    fn prev_code(&self, mut i: usize, floor: usize) -> Option<usize> {
        while i > floor {
            i -= 1;
            if self.b[i].is_ascii_whitespace() {
                continue;
            }
            if self.in_region(i) {
                let k = self.regions.partition_point(|r| r.0 <= i);
                let (s, _, v) = self.regions[k - 1];
                if v == Verdict::Comment {
                    i = s;
                    continue;
                }
            }
            return Some(i);
        }
        None
    }

    /// Split lines `lo..hi` into chunks that start at depth `d` (with the blank and comment
    /// lines just above each start): `(first line, end line)`.
    fn split(&self, lo: usize, hi: usize, starts: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
        let mut heads: Vec<usize> = Vec::new();
        for l in lo..hi {
            if starts(l) {
                // Take the trivia lines just above along.
                let mut s = l;
                let floor = heads.last().map_or(lo, |&h| h + 1);
                while s > floor && self.trivia(s - 1) {
                    s -= 1;
                }
                heads.push(s.max(floor));
            }
        }
        let mut out = Vec::new();
        if heads.first().is_some_and(|&h| h > lo) {
            out.push((lo, heads[0]));
        }
        for (k, &h) in heads.iter().enumerate() {
            out.push((h, heads.get(k + 1).copied().unwrap_or(hi)));
        }
        if heads.is_empty() && lo < hi {
            out.push((lo, hi));
        }
        // A decorator or annotation (`@x`) belongs to what it decorates, through any more
        // decorators (`@route(...)` / `@login_required` / `def f`).
        let first = |c: (usize, usize)| {
            self.lines[c.0..c.1]
                .iter()
                .find_map(|l| l.first)
                .map(|i| self.b[i])
        };
        let mut k = 0;
        while k + 1 < out.len() {
            if first(out[k]) == Some(b'@') {
                let more = first(out[k + 1]) == Some(b'@');
                out[k].1 = out[k + 1].1;
                out.remove(k + 1);
                if more {
                    continue;
                }
            }
            k += 1;
        }
        out
    }

    fn bytes(&self, a: usize, b: usize) -> Range<usize> {
        self.lines[a].start..self.lines[b].start
    }

    // ---- brace languages ------------------------------------------------------------------

    fn braces(&mut self, lo: usize, hi: usize, d: i32) {
        // A line that goes on with the statement above (`else`, `catch`, `finally` on a line
        // of their own, as C# and Java write them) starts no chunk: `if (x) { ... }` left
        // out alone would leave the `else` with nothing before it.
        const GOES_ON: &[&[u8]] = &[b"else", b"catch", b"finally"];
        let chunks = self.split(lo, hi, |l| {
            let line = &self.lines[l];
            line.in_code
                && line.depth == d
                && line.first.is_some_and(|i| {
                    is_word_start(self.b[i]) && !GOES_ON.contains(&self.word_at(i))
                })
        });
        for (a, b) in chunks {
            self.brace_chunk(a, b, d);
        }
    }

    fn brace_chunk(&mut self, a: usize, b: usize, d: i32) {
        // The block opener: the first `{` that ends a line of the chunk.
        let opener = (a..b).find(|&l| {
            self.lines[l]
                .last
                .is_some_and(|i| self.b[i] == b'{' && !self.in_region(i))
        });
        let Some(k) = opener else { return };
        let o = self.lines[k].last.unwrap_or(0);
        let range = self.bytes(a, b);
        // Balanced: no line of the chunk closes a bracket it did not open (`} else if x {`,
        // the `}{` between a struct type and its literal: leaving such a chunk out would
        // leave code that does not parse, and the whole file would be parsed again).
        let balanced = self.lines[b].depth == d && (a..b).all(|l| self.lines[l].min >= d);
        if balanced
            && !self.continues(a)
            && self.function_like(a, o)
            && !self.has_hit(range.clone())
        {
            self.out.push(range);
            return;
        }
        // The block's inside: after the opener's line, before a closing line.
        let mut end = b;
        while end > k + 1 && (self.trivia(end - 1) || !self.lines[end - 1].in_code) {
            end -= 1;
        }
        if end > k + 1
            && self
                .first_byte(end - 1)
                .is_some_and(|c| matches!(c, b'}' | b')' | b']'))
        {
            end -= 1;
        }
        if k + 1 < end {
            let inner = self.lines[k + 1].depth;
            if inner > d {
                self.braces(k + 1, end, inner);
            }
        }
    }

    /// Whether line `a` continues an expression of the code above it (the last code before it
    /// is an operator, `,`, `.`, `(` or `[`: `if a &&` / `b {`, a builder chain `x.` /
    /// `Watches(func() {`): leaving the chunk out would leave that expression unfinished.
    fn continues(&self, a: usize) -> bool {
        self.prev_code(self.lines[a].start, 0).is_some_and(|p| {
            matches!(
                self.b[p],
                b'|' | b'&'
                    | b','
                    | b'+'
                    | b'-'
                    | b'*'
                    | b'/'
                    | b'%'
                    | b'='
                    | b'<'
                    | b'>'
                    | b'!'
                    | b'.'
                    | b'('
                    | b'['
                    | b'^'
                    | b'?'
            )
        })
    }

    /// Whether the chunk starting at line `a` whose block opens at `o` is a function, method,
    /// closure or a `(...) {` block.
    fn function_like(&self, a: usize, o: usize) -> bool {
        let start = self.lines[a].start;
        let Some(p) = self.prev_code(o, start) else {
            return false;
        };
        // A type whose header takes parameters (a Kotlin primary constructor, a Java or C#
        // record, `enum class Flag(val key: String) {`) holds constants, not a function body.
        let header = &self.b[start..o];
        if [
            b"class" as &[u8],
            b"object",
            b"record",
            b"struct",
            b"interface",
        ]
        .iter()
        .any(|w| has_word(header, w))
        {
            return false;
        }
        match self.b[p] {
            b')' => return true,
            // `=>`, `->`
            b'>' if p > 0 && matches!(self.b[p - 1], b'=' | b'-') => return true,
            _ => {}
        }
        // Go: `func (r *T) Name(...) (int, error) {`, `func(x int) error {`.
        if self.lang == Language::Go && has_word(header, b"func") {
            return true;
        }
        // Java `) throws A, B {`, TypeScript `): Promise<T> {`.
        if let Some(close) = header.iter().rposition(|&c| c == b')') {
            let tail = trim(&header[close + 1..]);
            if tail.starts_with(b":") || tail.starts_with(b"throws ") {
                return !tail.contains(&b'=') && !tail.contains(&b';');
            }
        }
        false
    }

    // ---- indentation (Python) -------------------------------------------------------------

    /// A line that may start a statement: in code, outside brackets, not continuing a line
    /// that ends in `\`.
    fn statement_start(&self, l: usize) -> bool {
        let line = &self.lines[l];
        if !line.in_code || line.depth != 0 || line.first.is_none() {
            return false;
        }
        !(l > 0 && self.lines[l - 1].last.is_some_and(|i| self.b[i] == b'\\'))
    }

    fn indent(&mut self, lo: usize, hi: usize, level: usize, block: bool) {
        let chunks = self.split(lo, hi, |l| {
            self.statement_start(l) && self.lines[l].indent == level
        });
        let mut left_out = Vec::new();
        let mut kept_code = false;
        for &(a, b) in &chunks {
            match self.python_chunk(a, b) {
                Some(r) => left_out.push(r),
                None => kept_code |= (a..b).any(|l| !self.trivia(l)),
            }
        }
        // A block cannot be empty: keep its first statement.
        if block && !kept_code && !left_out.is_empty() {
            let first = left_out.remove(0);
            if let Some(&(a, b)) = chunks
                .iter()
                .find(|(a, _)| self.lines[*a].start == first.start)
            {
                self.python_recurse(a, b);
            }
        }
        self.out.extend(left_out);
    }

    /// Leave the chunk out (Some) or keep it and look inside.
    fn python_chunk(&mut self, a: usize, b: usize) -> Option<Range<usize>> {
        let head = (a..b).find(|&l| self.first_byte(l).is_some_and(|c| c != b'@'))?;
        let first = self.lines[head].first?;
        let word = self.word_at(first);
        let is_def = word == b"def"
            || (word == b"async" && {
                let rest = &self.b[first + 5..self.lines[head].end];
                trim(rest).starts_with(b"def")
            });
        let range = self.bytes(a, b);
        if is_def && !self.has_hit(range.clone()) {
            return Some(range);
        }
        self.python_recurse(a, b);
        None
    }

    fn python_recurse(&mut self, a: usize, b: usize) {
        // The header ends at the first line, from the statement's, that ends outside brackets
        // with a `:`.
        let Some(h) = (a..b).find(|&l| {
            self.lines[l].first.is_some()
                && self.lines[l + 1].depth == 0
                && self.lines[l].last.is_some_and(|i| self.b[i] == b':')
        }) else {
            return;
        };
        let Some(body) = (h + 1..b).find(|&l| self.statement_start(l)) else {
            return;
        };
        let level = self.lines[body].indent;
        if level > self.lines[h].indent {
            self.indent(h + 1, b, level, true);
        }
    }
}

fn has_word(hay: &[u8], word: &[u8]) -> bool {
    memchr::memmem::find_iter(hay, word).any(|i| {
        (i == 0 || !hay[i - 1].is_ascii_alphanumeric() && hay[i - 1] != b'_')
            && hay
                .get(i + word.len())
                .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_')
    })
}

fn trim(s: &[u8]) -> &[u8] {
    let a = s
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(s.len());
    let e = s
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(a, |i| i + 1);
    &s[a..e]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text left for the parser.
    fn kept(lang: Language, src: &str, words: &[&str]) -> String {
        let mut hits: Vec<usize> = words
            .iter()
            .flat_map(|w| src.match_indices(w).map(|(i, _)| i))
            .collect();
        hits.sort();
        let ex = excluded(lang, src.as_bytes(), &hits).expect("regions");
        let mut out = String::new();
        let mut from = 0;
        for r in ex {
            out.push_str(&src[from..r.start]);
            from = r.end;
        }
        out.push_str(&src[from..]);
        out
    }

    #[test]
    fn go_functions_without_hits_are_left_out() {
        let src = "package p\n\nimport \"x/feature\"\n\nconst K = \"k\"\n\n// Doc of a.\nfunc a() error {\n\treturn nil\n}\n\nfunc b() {\n\tif feature.Gates.Enabled(feature.X) {\n\t\tgo func() {\n\t\t\tprintln(1)\n\t\t}()\n\t}\n}\n";
        assert_eq!(
            kept(Language::Go, src, &["Enabled"]),
            "package p\n\nimport \"x/feature\"\n\nconst K = \"k\"\n\nfunc b() {\n\tif feature.Gates.Enabled(feature.X) {\n\t}\n}\n"
        );
    }

    #[test]
    fn python_defs_without_hits_are_left_out_but_a_block_keeps_one_statement() {
        let src = "import flags\n\nX = \"x\"\n\nclass A:\n    Y = \"y\"\n\n    @property\n    def f(self):\n        return 1\n\n    def g(self):\n        return flags.is_on(X)\n\nclass B:\n    def h(self):\n        return 2\n\ndef k():\n    pass\n";
        assert_eq!(
            kept(Language::Python, src, &["is_on"]),
            "import flags\n\nX = \"x\"\n\nclass A:\n    Y = \"y\"\n\n    def g(self):\n        return flags.is_on(X)\n\nclass B:\n    def h(self):\n        return 2\n"
        );
    }

    /// Stacked decorators go with the `def` they decorate: left over at the end of the file
    /// they would be a syntax error, and the file parsed whole again.
    #[test]
    fn stacked_decorators_are_left_out_with_their_def() {
        let src = "from app import settings\n\n\ndef f():\n    return settings.is_on(\"x\")\n\n\n@routes.route(\"/a\", methods=[\"GET\"])\n@login_required\ndef session(org=None):\n    return 1\n";
        assert_eq!(
            kept(Language::Python, src, &["is_on"]),
            "from app import settings\n\n\ndef f():\n    return settings.is_on(\"x\")\n"
        );
    }

    /// `else`, `catch` and `finally` on a line of their own go with the statement above.
    #[test]
    fn a_block_and_its_else_on_its_own_line_are_left_out_together() {
        let src = "class C\n{\n    void F()\n    {\n        if (x)\n        {\n            A();\n        }\n        else\n        {\n            B();\n        }\n        try\n        {\n            A();\n        }\n        catch (E e)\n        {\n        }\n        return flags.IsEnabled(\"k\");\n    }\n}\n";
        assert_eq!(
            kept(Language::CSharp, src, &["IsEnabled"]),
            "class C\n{\n    void F()\n    {\n        try\n        {\n            A();\n        }\n        catch (E e)\n        {\n        }\n        return flags.IsEnabled(\"k\");\n    }\n}\n"
        );
    }

    #[test]
    fn javascript_keeps_const_objects_and_leaves_out_callbacks() {
        let src = "import { x } from \"y\";\nexport const FLAGS = Object.freeze({\n  A: \"a\",\n});\napp.get(\"/\", (req, res) => {\n  res.send(1);\n});\nfunction f() {\n  return client.variation(FLAGS.A, false);\n}\n";
        assert_eq!(
            kept(Language::JavaScript, src, &["variation"]),
            "import { x } from \"y\";\nexport const FLAGS = Object.freeze({\n  A: \"a\",\n});\nfunction f() {\n  return client.variation(FLAGS.A, false);\n}\n"
        );
    }

    #[test]
    fn a_javascript_regex_literal_does_not_keep_the_file_whole() {
        // Brackets and quotes in the regex are not code; the callback holding it has no hit.
        let src = "page.on(\"x\", () => {\n  wait(/\\/img\\/(a|b\"'\\.jpg/, { t: 1 });\n});\nfunction f() {\n  return client.variation(\"k\", false);\n}\n";
        assert_eq!(
            kept(Language::JavaScript, src, &["variation"]),
            "function f() {\n  return client.variation(\"k\", false);\n}\n"
        );
        // After `)` a `/` reads as division: here the regex's `(` is then left unpaired, and
        // the file is parsed whole.
        assert!(excluded(Language::JavaScript, b"if (a) /x(/.test(b);\n", &[]).is_none());
    }

    #[test]
    fn java_keeps_fields_and_methods_with_hits() {
        let src = "class A {\n  static final String K = \"k\";\n  void a() throws IOException {\n    run();\n  }\n  boolean b() {\n    return client.getBooleanValue(K, false);\n  }\n}\n";
        assert_eq!(
            kept(Language::Java, src, &["getBooleanValue"]),
            "class A {\n  static final String K = \"k\";\n  boolean b() {\n    return client.getBooleanValue(K, false);\n  }\n}\n"
        );
    }

    #[test]
    fn kotlin_keeps_classes_with_constructors_and_leaves_out_functions() {
        let src = "enum class Flag(val key: String) {\n    DARK(\"dark\"),\n}\nclass C(private val c: Client) {\n    fun a(x: Int): Int {\n        return x\n    }\n    fun b() {\n        c.getBooleanValue(Flag.DARK.key, false)\n    }\n}\n";
        assert_eq!(
            kept(Language::Kotlin, src, &["getBooleanValue"]),
            "enum class Flag(val key: String) {\n    DARK(\"dark\"),\n}\nclass C(private val c: Client) {\n    fun b() {\n        c.getBooleanValue(Flag.DARK.key, false)\n    }\n}\n"
        );
    }

    #[test]
    fn unsure_files_are_parsed_whole() {
        assert!(excluded(Language::Go, b"func a() {\n", &[]).is_none());
        assert!(excluded(Language::Ruby, b"def a\nend\n", &[]).is_none());
    }
}
