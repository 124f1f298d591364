//! Lexical facts the prefilter reads at each literal hit, without parsing: whether the hit is in
//! code, in a string or in a comment ([`Lexer`]), the receiver chain written before a call name
//! ([`receiver_before`]), and the names a file's import statements bind ([`ImportWords`]).
//!
//! Everything here errs one way. A wrong "comment" or "string" verdict would lose a real flag
//! read, a wrong "code" verdict only costs a parse; so where the lexer cannot be sure (regex
//! literals, JSX text, Ruby heredocs and %-literals, a quote that may be a Rust lifetime), it
//! says "code". Strings that cannot span lines (or that this lexer treats so: Ruby's) are
//! checked at the end of their line: one still open there was not a string, and the lexer
//! backtracks to just after its opening quote.

use crate::lang::{Language, Lexis};

/// Where a byte offset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Code,
    /// Inside a string literal, outside any interpolation (`{..}`, `${..}`, `#{..}`), or a
    /// JavaScript/Ruby regex literal.
    Str,
    Comment,
}

/// How a string ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Close {
    /// One quote byte.
    Quote(u8),
    /// Three quote bytes (Python triple quotes, Java text blocks).
    Triple(u8),
    /// `"` then this many `#` (Rust raw strings).
    Raw(usize),
}

/// What opens code inside a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interp {
    None,
    /// Python f-strings: `{` (`{{` is a literal brace).
    Brace,
    /// JavaScript templates: `${`.
    Dollar,
    /// Ruby double-quoted strings and backticks: `#{`.
    Hash,
    /// Swift: `\(` (closed by the matching `)`).
    Paren,
}

#[derive(Debug, Clone, Copy)]
struct Str {
    close: Close,
    escapes: bool,
    interp: Interp,
    /// Cannot span lines: still open at a newline means it was not a string.
    single_line: bool,
    /// The opening quote.
    open: usize,
    /// Where the current string segment starts (after the quote, or after an interpolation).
    seg: usize,
    /// `regions.len()` when the string opened, for backtracking.
    mark: usize,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Code,
    /// Code inside a string interpolation; the `}` at depth 0 returns to the string.
    Interp(u32),
    /// Code inside a Swift interpolation `\(...)`; the `)` at depth 0 returns to the string.
    ParenInterp(u32),
    Str(Str),
    /// A block comment, nesting depth, start.
    Block(u32, usize),
}

/// After this many backtracks in one file the lexer gives up and calls everything code (a
/// minified file full of regex literals could otherwise cost time quadratic in a line).
const MAX_BACKTRACKS: u32 = 256;

/// A forward lexer over one file, queried at increasing offsets: each query lexes only as far
/// as the end of the queried line.
pub struct Lexer<'a> {
    fam: Lexis,
    b: &'a [u8],
    pos: usize,
    stack: Vec<Mode>,
    /// Closed non-code regions `(start, end, verdict)`, in order.
    regions: Vec<(usize, usize, Verdict)>,
    /// Ruby heredoc terminators waiting for the end of the current line.
    heredocs: Vec<Vec<u8>>,
    backtracks: u32,
    gave_up: bool,
    /// Decisions taken on a heuristic (see [`Lexer::guesses`]).
    guesses: u32,
    /// Of those, a `/` read as a regex literal where an expression starts.
    regex_guesses: u32,
    /// Heredoc bodies skipped and called code ([`Lexer::heredocs`]).
    heredoc_bodies: u32,
    /// String interpolations `(open, close)`, `close` usize::MAX while open.
    interps: Vec<(usize, usize)>,
    /// The end of the line of the last [`Lexer::verdict`] offset (past its `\n`): the next
    /// offset before it is on the same line (many hits on one long line stay linear).
    line_end: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(lang: Language, bytes: &'a [u8]) -> Lexer<'a> {
        Lexer {
            fam: lang.spec().lexis,
            b: bytes,
            pos: 0,
            stack: vec![Mode::Code],
            regions: Vec::new(),
            heredocs: Vec::new(),
            backtracks: 0,
            gave_up: false,
            guesses: 0,
            regex_guesses: 0,
            heredoc_bodies: 0,
            interps: Vec::new(),
            line_end: 0,
        }
    }

    /// How many decisions so far were heuristic (a backtrack out of a string, a regex literal
    /// or a division, a quote or `//` called code in JavaScript, giving up): where this is 0,
    /// every verdict so far follows from the language's lexical grammar alone, so a "code"
    /// verdict is as sure as the others. The fast path ([`crate::scan::fastpath`]) needs that.
    pub fn guesses(&self) -> u32 {
        self.guesses + u32::from(self.gave_up)
    }

    /// How many heredoc bodies (Ruby, PHP) the lexer skipped so far. It calls them code (they
    /// may interpolate), which is right for finding hits and wrong for reading: a call written
    /// in a heredoc's text is no call, so the fast path leaves such files to the parser.
    pub fn heredocs(&self) -> u32 {
        self.heredoc_bodies
    }

    /// Lex to the end of the file and say whether its brackets `()[]{}` pair up in code
    /// (strings and comments left out), with no string or comment left open and no guess: a
    /// cheap sign that a parser would find no syntax error to recover from. Not proof: a
    /// file can balance and still be invalid (`def f(x) x`).
    pub fn balanced(&mut self) -> bool {
        self.balanced_allowing(false)
    }

    /// [`Lexer::balanced`], where a `/` read as a regex literal where an expression starts
    /// (after `(`, `=`, `return`...) is no guess. The region split ([`crate::scan::regions`])
    /// takes that: a wrong reading there makes its parse fail, and the file is parsed whole.
    pub fn balanced_allowing_regexes(&mut self) -> bool {
        self.balanced_allowing(true)
    }

    fn balanced_allowing(&mut self, regexes: bool) -> bool {
        while self.pos < self.b.len() && !self.gave_up {
            self.step();
        }
        let allowed = if regexes { self.regex_guesses } else { 0 };
        if self.guesses() > allowed || !matches!(self.stack.as_slice(), [Mode::Code]) {
            return false;
        }
        self.open_brackets(self.b.len())
            .is_some_and(|o| o.is_empty())
    }

    /// [`Lexer::balanced`], and no merge-conflict marker: brackets that do not pair up, or a
    /// conflict, are syntax errors the parser reports and recovers from in its own way, so a
    /// reading without a parse must leave such a file to it.
    pub fn reads_like_the_parser(&mut self) -> bool {
        self.balanced() && memchr::memmem::find(self.b, b"\n<<<<<<< ").is_none()
    }

    /// The closed non-code regions `(start, end, verdict)` in order: strings (outside their
    /// interpolations) and comments. Complete once the whole file is lexed ([`Lexer::balanced`]).
    pub fn non_code(&self) -> &[(usize, usize, Verdict)] {
        &self.regions
    }

    /// Where `at` is, any offset, once the whole file is lexed ([`Lexer::balanced`]).
    pub fn verdict_lexed(&self, at: usize) -> Verdict {
        self.closed_region_verdict(at)
    }

    /// The verdict of the closed region holding `at`, Code outside them.
    fn closed_region_verdict(&self, at: usize) -> Verdict {
        let i = self.regions.partition_point(|r| r.0 <= at);
        match i.checked_sub(1).map(|i| self.regions[i]) {
            Some((_, end, v)) if at < end => v,
            _ => Verdict::Code,
        }
    }

    /// The brackets open in code just before `at`, innermost last; None when a closing
    /// bracket does not match. Only after [`Lexer::balanced`] (the whole file lexed).
    pub fn open_brackets(&self, at: usize) -> Option<Vec<u8>> {
        let mut open: Vec<u8> = Vec::new();
        let mut from = 0;
        let at = at.min(self.b.len());
        let end = [(at, at, Verdict::Code)];
        for &(start, stop, _) in self.regions.iter().take_while(|r| r.0 < at).chain(&end) {
            for &c in &self.b[from..start.clamp(from, at)] {
                if !BRACKET[c as usize] {
                    continue;
                }
                let want = match c {
                    b'(' | b'[' | b'{' => {
                        open.push(c);
                        continue;
                    }
                    b')' => b'(',
                    b']' => b'[',
                    b'}' => b'{',
                    _ => continue,
                };
                if open.pop() != Some(want) {
                    return None;
                }
            }
            from = from.max(stop);
            if from >= at {
                break;
            }
        }
        Some(open)
    }

    /// Whether `at` (already lexed, see [`Lexer::verdict`]) is inside a string interpolation.
    pub fn in_interpolation(&self, at: usize) -> bool {
        self.interps.iter().any(|&(o, c)| o <= at && at < c)
    }

    /// Where `at` is. Offsets must not decrease from one call to the next.
    pub fn verdict(&mut self, at: usize) -> Verdict {
        if at >= self.line_end {
            self.line_end = match memchr::memchr(b'\n', self.b.get(at..).unwrap_or(&[])) {
                Some(i) => at + i + 1,
                None => self.b.len(),
            };
        }
        let line_end = self.line_end;
        while self.pos < line_end && !self.gave_up {
            self.step();
        }
        if self.gave_up {
            return Verdict::Code;
        }
        match self.stack.last() {
            Some(Mode::Str(s)) if s.seg <= at => Verdict::Str,
            Some(Mode::Block(_, start)) if *start <= at => Verdict::Comment,
            _ => self.closed_region_verdict(at),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn step(&mut self) {
        if self.pos == 0 && self.fam == Lexis::Ruby {
            self.ruby_begin(0);
            if self.pos > 0 {
                return;
            }
        }
        if self.pos == 0 && self.fam == Lexis::Php {
            // Text before the first `<?php` is HTML.
            if !self.b.starts_with(b"<?") {
                self.php_html(0);
                return;
            }
        }
        match self.stack.last().copied() {
            Some(Mode::Str(s)) => self.in_string(s),
            Some(Mode::Block(depth, start)) => self.in_block(depth, start),
            Some(Mode::Interp(_)) | Some(Mode::ParenInterp(_)) | Some(Mode::Code) | None => {
                self.in_code()
            }
        }
    }

    fn in_code(&mut self) {
        let fam = self.fam;
        let n = self.b.len();
        let mut p = self.pos;
        let table = &INTERESTING[fam as usize][usize::from(self.stack.len() == 1)];
        while p < n && !table[self.b[p] as usize] {
            p += 1;
        }
        if p >= n {
            self.pos = n;
            return;
        }
        let c = self.b[p];
        self.pos = p + 1;
        match c {
            b'\n' => self.newline(p),
            b'{' => {
                if let Some(Mode::Interp(d)) = self.stack.last_mut() {
                    *d += 1;
                }
            }
            b'}' => match self.stack.last().copied() {
                Some(Mode::Interp(0)) => {
                    if let Some(i) = self.interps.iter().rposition(|x| x.1 == usize::MAX) {
                        self.interps[i].1 = p + 1;
                    }
                    self.stack.pop();
                    if let Some(Mode::Str(s)) = self.stack.last_mut() {
                        s.seg = p + 1;
                    }
                }
                Some(Mode::Interp(d)) => {
                    if let Some(Mode::Interp(x)) = self.stack.last_mut() {
                        *x = d - 1;
                    }
                }
                _ => {}
            },
            b'(' => {
                if let Some(Mode::ParenInterp(d)) = self.stack.last_mut() {
                    *d += 1;
                }
            }
            b')' => match self.stack.last().copied() {
                Some(Mode::ParenInterp(0)) => {
                    if let Some(i) = self.interps.iter().rposition(|x| x.1 == usize::MAX) {
                        self.interps[i].1 = p + 1;
                    }
                    self.stack.pop();
                    if let Some(Mode::Str(s)) = self.stack.last_mut() {
                        s.seg = p + 1;
                    }
                }
                Some(Mode::ParenInterp(d)) => {
                    if let Some(Mode::ParenInterp(x)) = self.stack.last_mut() {
                        *x = d - 1;
                    }
                }
                _ => {}
            },
            b'?' if self.at(p + 1) == b'>' && matches!(self.stack.last(), Some(Mode::Code)) => {
                self.php_html(p);
            }
            b'/' => self.slash(p),
            b'#' => self.hash(p),
            b'\'' | b'"' | b'`' => self.quote(p),
            b'%' => self.ruby_percent(p),
            b'<' if self.fam == Lexis::Php => self.php_heredoc(p),
            b'<' => self.ruby_heredoc(p),
            _ => {}
        }
    }

    fn in_interp(&self) -> bool {
        matches!(self.stack.last(), Some(Mode::Interp(_)))
    }

    /// A newline in code: a single-line string below us (we are in its interpolation) was not
    /// a string; Ruby heredoc bodies and `=begin` blocks start here.
    fn newline(&mut self, p: usize) {
        if self.backtrack_single_line() {
            return;
        }
        if self.fam == Lexis::Ruby {
            if !self.heredocs.is_empty() {
                self.skip_heredoc_bodies(p + 1);
                return;
            }
            self.ruby_begin(p + 1);
        }
    }

    /// Ruby `=begin` ... `=end` at the start of the line at `line`: a comment.
    fn ruby_begin(&mut self, line: usize) {
        if !self.b[line..].starts_with(b"=begin")
            || is_ident(self.at(line + 6))
            || !matches!(self.stack.last(), Some(Mode::Code))
        {
            return;
        }
        // Until a line starting with `=end`.
        let mut q = line;
        let end = loop {
            match memchr::memchr(b'\n', &self.b[q..]) {
                Some(i) => {
                    q += i + 1;
                    if self.b[q..].starts_with(b"=end") {
                        break memchr::memchr(b'\n', &self.b[q..]).map_or(self.b.len(), |i| q + i);
                    }
                }
                None => break self.b.len(),
            }
        };
        self.regions.push((line, end, Verdict::Comment));
        self.pos = end;
    }

    /// The outermost single-line string on the stack, if any, was not a string: forget what
    /// was lexed since its quote and resume just after it, in code. True when it did.
    fn backtrack_single_line(&mut self) -> bool {
        let Some(idx) = self
            .stack
            .iter()
            .position(|m| matches!(m, Mode::Str(s) if s.single_line))
        else {
            return false;
        };
        let Mode::Str(s) = self.stack[idx] else {
            return false;
        };
        self.stack.truncate(idx);
        self.regions.truncate(s.mark);
        self.pos = s.open + 1;
        if self.fam == Lexis::Ruby {
            // Ruby strings may span lines: skip to the closing quote, calling the body code
            // (it may be a string, or a quote the lexer misread), so that the closing quote
            // does not open a string of its own.
            if let Close::Quote(q) = s.close {
                let mut i = s.open + 1;
                while i < self.b.len() {
                    match self.b[i] {
                        b'\\' => i += 1,
                        c if c == q => {
                            self.pos = i + 1;
                            break;
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
        }
        self.backtracks += 1;
        self.guesses += 1;
        if self.backtracks > MAX_BACKTRACKS {
            self.gave_up = true;
        }
        true
    }

    fn line_comment(&mut self, p: usize) {
        let end = memchr::memchr(b'\n', &self.b[p..]).map_or(self.b.len(), |i| p + i);
        self.regions.push((p, end, Verdict::Comment));
        self.pos = end;
    }

    fn slash(&mut self, p: usize) {
        let fam = self.fam;
        if fam == Lexis::Python || fam == Lexis::Ruby && self.in_interp() {
            return;
        }
        let next = self.at(p + 1);
        if fam != Lexis::Ruby {
            if next == b'/' {
                // In JavaScript, `//` after a `:` or a word is more likely JSX text
                // (`https://...`) than a comment: call it code.
                let prev = if p > 0 { self.b[p - 1] } else { b'\n' };
                if fam != Lexis::Js || !(prev == b':' || is_ident(prev)) {
                    self.line_comment(p);
                } else {
                    self.guesses += 1;
                    self.pos = p + 2;
                }
                return;
            }
            if next == b'*' {
                self.stack.push(Mode::Block(1, p));
                self.pos = p + 2;
                return;
            }
        }
        if matches!(fam, Lexis::Js | Lexis::Ruby) && self.regex_can_start(p) {
            self.guesses += 1;
            self.regex_guesses += 1;
            if let Some(end) = self.regex_end(p) {
                self.regions.push((p, end, Verdict::Str));
                self.pos = end;
            }
        }
    }

    /// Whether a `/` at `p` starts a regex literal: it stands where an expression starts.
    fn regex_can_start(&self, p: usize) -> bool {
        if p > 0 && self.b[p - 1] == b'<' {
            return false; // a JSX closing tag `</div>`
        }
        match prev_significant(self.b, p) {
            None => true,
            Some((q, c)) => {
                if is_ident(c) {
                    let w = word_before(self.b, q + 1);
                    let kws: &[&[u8]] = match self.fam {
                        Lexis::Ruby => &[
                            b"if", b"unless", b"when", b"and", b"or", b"not", b"return", b"then",
                            b"elsif", b"while", b"until", b"in",
                        ],
                        _ => &[
                            b"return",
                            b"typeof",
                            b"case",
                            b"do",
                            b"else",
                            b"in",
                            b"of",
                            b"instanceof",
                            b"new",
                            b"delete",
                            b"void",
                            b"throw",
                            b"yield",
                            b"await",
                        ],
                    };
                    kws.contains(&w)
                } else {
                    !matches!(c, b')' | b']' | b'}' | b'"' | b'\'' | b'`')
                }
            }
        }
    }

    /// The end (exclusive) of a regex literal opening at `p`, if it closes on its line.
    fn regex_end(&self, p: usize) -> Option<usize> {
        let mut q = p + 1;
        let mut class = false;
        while q < self.b.len() {
            match self.b[q] {
                b'\n' => return None,
                b'\\' => q += 1,
                b'[' => class = true,
                b']' => class = false,
                // Ruby interpolates in regex literals: leave those to the code scan.
                b'#' if self.fam == Lexis::Ruby && self.at(q + 1) == b'{' => return None,
                b'/' if !class => {
                    q += 1;
                    while q < self.b.len() && self.b[q].is_ascii_alphabetic() {
                        q += 1;
                    }
                    return Some(q);
                }
                _ => {}
            }
            q += 1;
        }
        None
    }

    fn hash(&mut self, p: usize) {
        match self.fam {
            Lexis::Python if !self.in_interp() => self.line_comment(p),
            Lexis::Ruby if !self.in_interp() => {
                // `?#` is a character literal, `$#` a global; `#{` is more likely an
                // interpolation the lexer did not see open (in a regex, a %-literal) than a
                // comment.
                let prev = if p > 0 { self.b[p - 1] } else { b'\n' };
                if prev != b'?' && prev != b'$' && self.at(p + 1) != b'{' {
                    self.line_comment(p);
                }
            }
            // `#[Attribute]` is code.
            Lexis::Php if !self.in_interp() && self.at(p + 1) != b'[' => self.line_comment(p),
            _ => {}
        }
    }

    /// PHP: HTML from `p` (the file's start, or a `?>`) to the next `<?php` / `<?=` / `<?`:
    /// no code, so a comment to the lexer.
    fn php_html(&mut self, p: usize) {
        let from = if p == 0 { 0 } else { p + 2 };
        let end = memchr::memmem::find(&self.b[from..], b"<?").map_or(self.b.len(), |i| from + i);
        self.regions.push((p, end, Verdict::Comment));
        let mut next = end + 2;
        if self.b[end.min(self.b.len())..].starts_with(b"<?php") {
            next = end + 5;
        }
        self.pos = next.min(self.b.len());
    }

    /// PHP heredoc and nowdoc `<<<EOT` / `<<<'EOT'`: the body, up to the line that starts
    /// (after blanks) with the terminator, is skipped and called code (it may interpolate).
    fn php_heredoc(&mut self, p: usize) {
        if !self.b[p..].starts_with(b"<<<") {
            return;
        }
        let mut q = p + 3;
        while matches!(self.at(q), b' ' | b'\t') {
            q += 1;
        }
        if matches!(self.at(q), b'\'' | b'"') {
            q += 1;
        }
        let start = q;
        while q < self.b.len() && is_ident(self.b[q]) && self.b[q] != b'$' {
            q += 1;
        }
        if q == start {
            return;
        }
        let term = &self.b[start..q];
        let Some(nl) = memchr::memchr(b'\n', &self.b[q..]) else {
            return;
        };
        self.heredoc_bodies += 1;
        let mut line = q + nl + 1;
        while line < self.b.len() {
            let end = memchr::memchr(b'\n', &self.b[line..]).map_or(self.b.len(), |i| line + i);
            let text = &self.b[line..end];
            let body = &text[text.len() - trim_ascii_start(text).len()..];
            if body.starts_with(term) && !is_ident(body.get(term.len()).copied().unwrap_or(b' ')) {
                self.pos = line + (text.len() - body.len()) + term.len();
                return;
            }
            line = end + 1;
        }
        self.pos = self.b.len();
    }

    fn quote(&mut self, p: usize) {
        let q = self.b[p];
        let mark = self.regions.len();
        let s = |close, escapes, interp, single_line, body: usize| Str {
            close,
            escapes,
            interp,
            single_line,
            open: p,
            seg: body,
            mark,
        };
        let new = match self.fam {
            Lexis::Python => {
                if q == b'`' {
                    return;
                }
                let prefix = word_before(self.b, p);
                let (fstring, is_prefix) = python_prefix(prefix);
                let interp = if is_prefix && fstring {
                    Interp::Brace
                } else {
                    Interp::None
                };
                if self.at(p + 1) == q && self.at(p + 2) == q {
                    s(Close::Triple(q), true, interp, false, p + 3)
                } else {
                    s(Close::Quote(q), true, interp, false, p + 1)
                }
            }
            Lexis::Js => {
                if q == b'`' {
                    s(Close::Quote(q), true, Interp::Dollar, false, p + 1)
                } else if self.js_string_can_start(p) {
                    s(Close::Quote(q), true, Interp::None, true, p + 1)
                } else {
                    self.guesses += 1;
                    return;
                }
            }
            Lexis::Go => match q {
                b'`' => s(Close::Quote(q), false, Interp::None, false, p + 1),
                _ => s(Close::Quote(q), true, Interp::None, true, p + 1),
            },
            Lexis::Java => match q {
                b'"' if self.at(p + 1) == b'"' && self.at(p + 2) == b'"' => {
                    s(Close::Triple(q), true, Interp::None, false, p + 3)
                }
                b'`' => return,
                _ => s(Close::Quote(q), true, Interp::None, true, p + 1),
            },
            Lexis::CSharp => match q {
                b'`' => return,
                b'\'' => s(Close::Quote(q), true, Interp::None, true, p + 1),
                _ => {
                    // `$"..{x}.."`, `@"..."` (no escapes, may span lines), `$@"`, `@$"`, and
                    // raw `"""..."""`.
                    let mut h = p;
                    while h > 0 && matches!(self.b[h - 1], b'$' | b'@') && p - h < 2 {
                        h -= 1;
                    }
                    let interp = if self.b[h..p].contains(&b'$') {
                        Interp::Brace
                    } else {
                        Interp::None
                    };
                    if self.at(p + 1) == q && self.at(p + 2) == q {
                        s(Close::Triple(q), false, interp, false, p + 3)
                    } else if self.b[h..p].contains(&b'@') {
                        s(Close::Quote(q), false, interp, false, p + 1)
                    } else {
                        s(Close::Quote(q), true, interp, true, p + 1)
                    }
                }
            },
            Lexis::Kotlin => match q {
                b'`' => return,
                b'"' if self.at(p + 1) == q && self.at(p + 2) == q => {
                    s(Close::Triple(q), false, Interp::Dollar, false, p + 3)
                }
                b'"' => s(Close::Quote(q), true, Interp::Dollar, true, p + 1),
                _ => s(Close::Quote(q), true, Interp::None, true, p + 1),
            },
            Lexis::Swift => match q {
                b'"' => {
                    // Raw strings `#"..."#` take no escapes nor `\(`.
                    let mut h = p;
                    while h > 0 && self.b[h - 1] == b'#' {
                        h -= 1;
                    }
                    let hashes = p - h;
                    if self.at(p + 1) == q && self.at(p + 2) == q {
                        let interp = if hashes == 0 {
                            Interp::Paren
                        } else {
                            Interp::None
                        };
                        s(Close::Triple(q), hashes == 0, interp, false, p + 3)
                    } else if hashes > 0 {
                        s(Close::Raw(hashes), false, Interp::None, true, p + 1)
                    } else {
                        s(Close::Quote(q), true, Interp::Paren, true, p + 1)
                    }
                }
                _ => return, // `'` is no string in Swift
            },
            Lexis::Php => match q {
                b'`' => return,
                // Both may span lines; `"..."` interpolates (`{$x->y()}` read as code).
                b'"' => s(Close::Quote(q), true, Interp::Brace, false, p + 1),
                _ => s(Close::Quote(q), true, Interp::None, false, p + 1),
            },
            Lexis::Ruby => {
                // `?'` is a character literal.
                if p > 0 && self.b[p - 1] == b'?' && (p < 2 || !is_ident(self.b[p - 2])) {
                    return;
                }
                let interp = if q == b'\'' {
                    Interp::None
                } else {
                    Interp::Hash
                };
                s(Close::Quote(q), true, interp, true, p + 1)
            }
            Lexis::Rust => match q {
                b'`' => return,
                b'\'' => {
                    if let Some(end) = self.rust_char_end(p) {
                        self.regions.push((p, end, Verdict::Str));
                        self.pos = end;
                    }
                    return; // a lifetime or a label: code
                }
                _ => {
                    // `r"..."`, `r#"..."#`, `br`, `cr`: no escapes.
                    let mut h = p;
                    while h > 0 && self.b[h - 1] == b'#' {
                        h -= 1;
                    }
                    let hashes = p - h;
                    let w = word_before(self.b, h);
                    if matches!(w, b"r" | b"br" | b"cr") {
                        s(Close::Raw(hashes), false, Interp::None, false, p + 1)
                    } else {
                        s(Close::Quote(q), true, Interp::None, false, p + 1)
                    }
                }
            },
        };
        self.pos = new.seg;
        self.stack.push(Mode::Str(new));
    }

    /// JavaScript: a quote opens a string only where an expression can start. `Don't` in JSX
    /// text follows a word; so does `'n` in `Rock 'n roll`.
    fn js_string_can_start(&self, p: usize) -> bool {
        match prev_significant(self.b, p) {
            Some((q, c)) if is_ident(c) => {
                const KW: &[&[u8]] = &[
                    b"return",
                    b"typeof",
                    b"case",
                    b"from",
                    b"import",
                    b"module",
                    b"in",
                    b"of",
                    b"instanceof",
                    b"void",
                    b"yield",
                    b"await",
                    b"throw",
                    b"delete",
                    b"do",
                    b"else",
                    b"is",
                    b"extends",
                    b"keyof",
                    b"as",
                    b"satisfies",
                    b"default",
                    b"new",
                    b"export",
                    b"declare",
                    b"namespace",
                ];
                KW.contains(&word_before(self.b, q + 1))
            }
            _ => true,
        }
    }

    /// A Rust character literal at `p` (`'a'`, `'\n'`, `'\u{1F600}'`, `b'x'`): its end. None
    /// for a lifetime or a loop label.
    fn rust_char_end(&self, p: usize) -> Option<usize> {
        let c = self.at(p + 1);
        if c == b'\\' {
            // An escape: the closing quote within a few bytes, on this line.
            let mut q = p + 3;
            while q < self.b.len() && q < p + 14 {
                match self.b[q] {
                    b'\'' => return Some(q + 1),
                    b'\n' => return None,
                    _ => q += 1,
                }
            }
            return None;
        }
        if c == b'\n' || c == 0 {
            return None;
        }
        let len = utf8_len(c);
        (self.at(p + 1 + len) == b'\'').then_some(p + 2 + len)
    }

    fn in_string(&mut self, s: Str) {
        let n = self.b.len();
        let mut q = self.pos;
        while q < n {
            let c = self.b[q];
            if c == b'\\' && s.interp == Interp::Paren && self.at(q + 1) == b'(' {
                self.interps.push((q, usize::MAX));
                self.regions.push((s.seg, q, Verdict::Str));
                self.stack.push(Mode::ParenInterp(0));
                self.pos = q + 2;
                return;
            }
            if c == b'\\' && s.escapes {
                q += 2;
                continue;
            }
            if c == b'\n' && s.single_line {
                self.backtrack_single_line();
                return;
            }
            let closes = match s.close {
                Close::Quote(x) => c == x,
                Close::Triple(x) => c == x && self.at(q + 1) == x && self.at(q + 2) == x,
                Close::Raw(h) => {
                    c == b'"' && q + h < n && self.b[q + 1..=q + h].iter().all(|&b| b == b'#')
                }
            };
            if closes {
                let end = q + match s.close {
                    Close::Quote(_) => 1,
                    Close::Triple(_) => 3,
                    Close::Raw(h) => 1 + h,
                };
                self.regions.push((s.seg, end, Verdict::Str));
                self.stack.pop();
                self.pos = end;
                return;
            }
            let opens = match s.interp {
                Interp::None => 0,
                Interp::Brace if c == b'{' => {
                    if self.at(q + 1) == b'{' {
                        q += 2;
                        continue;
                    }
                    1
                }
                Interp::Dollar if c == b'$' && self.at(q + 1) == b'{' => 2,
                Interp::Hash if c == b'#' && self.at(q + 1) == b'{' => 2,
                _ => 0,
            };
            if opens > 0 {
                self.interps.push((q, usize::MAX));
                self.regions.push((s.seg, q, Verdict::Str));
                self.stack.push(Mode::Interp(0));
                self.pos = q + opens;
                return;
            }
            q += 1;
        }
        // Open at the end of the file.
        self.pos = n;
    }

    fn in_block(&mut self, depth: u32, start: usize) {
        let nests = matches!(self.fam, Lexis::Rust | Lexis::Kotlin | Lexis::Swift);
        let n = self.b.len();
        let mut q = self.pos;
        while q + 1 < n {
            let (c, d) = (self.b[q], self.b[q + 1]);
            if c == b'*' && d == b'/' {
                q += 2;
                if depth == 1 {
                    self.stack.pop();
                    self.regions.push((start, q, Verdict::Comment));
                    self.pos = q;
                    return;
                }
                self.stack.pop();
                self.stack.push(Mode::Block(depth - 1, start));
                self.pos = q;
                return;
            }
            if nests && c == b'/' && d == b'*' {
                self.stack.pop();
                self.stack.push(Mode::Block(depth + 1, start));
                self.pos = q + 2;
                return;
            }
            q += 1;
        }
        self.pos = n;
    }

    /// Ruby `%w[...]`, `%q(...)`, `%(...)`: the body is skipped (called code: it may hold
    /// `#{...}`), so that its quotes and `#` do not mislead the lexer.
    fn ruby_percent(&mut self, p: usize) {
        if self.fam != Lexis::Ruby {
            return;
        }
        let mut q = p + 1;
        if matches!(
            self.at(q),
            b'q' | b'Q' | b'w' | b'W' | b'i' | b'I' | b'r' | b's' | b'x'
        ) {
            q += 1;
        } else {
            // A bare `%(`: only where an expression starts, not `a % (b)`.
            match prev_significant(self.b, p) {
                Some((_, c)) if is_ident(c) || matches!(c, b')' | b']' | b'}') => return,
                _ => {}
            }
        }
        let open = self.at(q);
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            b'|' | b'!' | b'/' | b'^' | b'-' | b'+' | b'"' | b'\'' => open,
            _ => return,
        };
        let mut depth = 0usize;
        let mut i = q + 1;
        let limit = (q + 64 * 1024).min(self.b.len());
        while i < limit {
            let c = self.b[i];
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == close && open != close && depth > 0 {
                depth -= 1;
            } else if c == close {
                self.pos = i + 1;
                return;
            } else if c == open && open != close {
                depth += 1;
            }
            i += 1;
        }
        // Unclosed: leave the `%` as code.
    }

    /// Ruby heredocs `<<~EOS`, `<<-EOS`, `<<EOS`, `<<~'EOS'`: the body (after this line, up
    /// to the terminator line) is skipped and called code.
    fn ruby_heredoc(&mut self, p: usize) {
        if self.fam != Lexis::Ruby || self.at(p + 1) != b'<' {
            return;
        }
        let mut q = p + 2;
        let squiggly = matches!(self.at(q), b'~' | b'-');
        if squiggly {
            q += 1;
        }
        let quote = self.at(q);
        let quoted = matches!(quote, b'\'' | b'"' | b'`');
        if quoted {
            q += 1;
        }
        let start = q;
        while q < self.b.len() && is_ident(self.b[q]) {
            q += 1;
        }
        if q == start || self.b[start].is_ascii_digit() {
            return;
        }
        // `x <<y` is a shift; without `~`/`-`/quotes only an upper-case name is a heredoc.
        if !squiggly && !quoted && !self.b[start].is_ascii_uppercase() {
            return;
        }
        if quoted {
            if self.at(q) != quote {
                return;
            }
            q += 1;
        }
        self.heredocs
            .push(self.b[start..q - usize::from(quoted)].to_vec());
        self.pos = q;
    }

    fn skip_heredoc_bodies(&mut self, mut line: usize) {
        for term in std::mem::take(&mut self.heredocs) {
            self.heredoc_bodies += 1;
            loop {
                if line >= self.b.len() {
                    self.pos = self.b.len();
                    return;
                }
                let end = memchr::memchr(b'\n', &self.b[line..]).map_or(self.b.len(), |i| line + i);
                let text = &self.b[line..end];
                let trimmed = trim_ascii(text);
                line = end + 1;
                if trimmed == term.as_slice() {
                    break;
                }
            }
        }
        self.pos = line.min(self.b.len());
    }
}

/// Whether byte `c` can change the lexer's state in code of family `fam`. `plain`: the stack
/// is code alone, no interpolation below it, where braces and parentheses change nothing
/// (they count an interpolation's depth).
const fn interesting(fam: Lexis, c: u8, plain: bool) -> bool {
    match c {
        // A line's end matters to a single-line string on the stack, and to Ruby's
        // `=begin` and heredocs.
        b'\n' => !plain || matches!(fam, Lexis::Ruby),
        b'\'' | b'"' | b'/' => true,
        b'{' | b'}' => !plain,
        b'`' => matches!(fam, Lexis::Js | Lexis::Go | Lexis::Ruby),
        b'#' => matches!(fam, Lexis::Python | Lexis::Ruby | Lexis::Php),
        b'%' => matches!(fam, Lexis::Ruby),
        b'<' => matches!(fam, Lexis::Ruby | Lexis::Php),
        b'(' | b')' => !plain && matches!(fam, Lexis::Swift),
        b'?' => matches!(fam, Lexis::Php),
        _ => false,
    }
}

/// `()[]{}`.
static BRACKET: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 6 {
        t[b"()[]{}"[i] as usize] = true;
        i += 1;
    }
    t
};

/// [`interesting`] as one table per family and stack (`[fam][plain]`): the code skip tests
/// one byte with one load.
static INTERESTING: [[[bool; 256]; 2]; Lexis::ALL.len()] = {
    let mut t = [[[false; 256]; 2]; Lexis::ALL.len()];
    let mut f = 0;
    while f < Lexis::ALL.len() {
        let mut c = 0;
        while c < 256 {
            t[f][0][c] = interesting(Lexis::ALL[f], c as u8, false);
            t[f][1][c] = interesting(Lexis::ALL[f], c as u8, true);
            c += 1;
        }
        f += 1;
    }
    t
};

/// Python string prefixes: (is an f- or t-string, is a prefix at all).
fn python_prefix(w: &[u8]) -> (bool, bool) {
    if w.is_empty() || w.len() > 2 {
        return (false, false);
    }
    let lower: Vec<u8> = w.iter().map(u8::to_ascii_lowercase).collect();
    let ok = matches!(
        lower.as_slice(),
        b"r" | b"b" | b"u" | b"f" | b"t" | b"rb" | b"br" | b"fr" | b"rf" | b"tr" | b"rt"
    );
    (ok && lower.iter().any(|c| matches!(c, b'f' | b't')), ok)
}

pub fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// The identifier ending just before `end`.
fn word_before(b: &[u8], end: usize) -> &[u8] {
    let mut i = end;
    while i > 0 && is_ident(b[i - 1]) {
        i -= 1;
    }
    &b[i..end]
}

/// The last byte before `p` that is not a space or tab (nor a newline), within 256 bytes.
fn prev_significant(b: &[u8], p: usize) -> Option<(usize, u8)> {
    let lo = p.saturating_sub(256);
    (lo..p)
        .rev()
        .find(|&i| !b[i].is_ascii_whitespace())
        .map(|i| (i, b[i]))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

fn trim_ascii_start(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(s.len());
    &s[start..]
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &s[start..end]
}

/// The receiver written before a call name starting at `name_start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written<'a> {
    /// No `.`/`::` before the name: a bare call.
    Bare,
    /// A plain chain of names (`self.flags`, `a::b`, `x?.y`): its text, white space removed
    /// and `::` read as `.`, as [`crate::rules::normalize_receiver`] gives it; and its first
    /// name (which an import may alias).
    Plain(String, &'a [u8]),
    /// Anything else (`f().x`, `a[0]`, `(x)`, `flags!`): only a parse can tell.
    Complex,
}

/// [`receiver_before`], for a name in code on the line `lexer` has lexed through: a chain
/// read back across a line break may start in a comment (`// ... this test.` above
/// `utilfeature.Set(...)`), and starts on the line after that comment then.
pub fn receiver_in_code<'a>(
    lang: Language,
    b: &'a [u8],
    name_start: usize,
    lexer: &Lexer,
) -> Written<'a> {
    let mut from = 0;
    loop {
        let w = receiver_before(lang, &b[from..], name_start - from);
        let Written::Plain(_, first) = &w else {
            return w;
        };
        let cs = first.as_ptr() as usize - b.as_ptr() as usize;
        if !b[cs..name_start].contains(&b'\n') || lexer.verdict_lexed(cs) != Verdict::Comment {
            return w;
        }
        from = cs + memchr::memchr(b'\n', &b[cs..name_start]).map_or(0, |i| i + 1);
    }
}

/// Read the receiver before a call name, backwards over names and `.`, `::`, `?.`, `&.`
/// separators (white space allowed around separators).
pub fn receiver_before(lang: Language, b: &[u8], name_start: usize) -> Written<'_> {
    let ruby = lang == Language::Ruby;
    let php = lang == Language::Php;
    let skip_ws = |mut i: usize| {
        while i > 0 && b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        i
    };
    // A separator ending at `i`: its start.
    let sep = |i: usize| -> Option<usize> {
        if i == 0 {
            return None;
        }
        match b[i - 1] {
            b'.' => {
                if i >= 2 && matches!(b[i - 2], b'?' | b'&') {
                    Some(i - 2)
                } else if i >= 2 && b[i - 2] == b'.' {
                    None // a range `..`
                } else {
                    Some(i - 1)
                }
            }
            b':' if i >= 2 && b[i - 2] == b':' => Some(i - 2),
            // PHP `->`, `?->`.
            b'>' if php && i >= 2 && b[i - 2] == b'-' => {
                if i >= 3 && b[i - 3] == b'?' {
                    Some(i - 3)
                } else {
                    Some(i - 2)
                }
            }
            _ => None,
        }
    };
    let i = skip_ws(name_start);
    let Some(mut s) = sep(i) else {
        return Written::Bare;
    };
    let end;
    loop {
        let seg_end = skip_ws(s);
        let mut j = seg_end;
        while j > 0 && is_ident(b[j - 1]) {
            j -= 1;
        }
        if ruby {
            while j > 0 && b[j - 1] == b'@' {
                j -= 1;
            }
        }
        if j == seg_end || b[j].is_ascii_digit() {
            return Written::Complex;
        }
        let before = skip_ws(j);
        match sep(before) {
            Some(k) => s = k,
            None => {
                // The chain starts at `j`: what precedes it must end an expression's start.
                if j > 0 && !b[j - 1].is_ascii_whitespace() && !chain_may_follow(b[j - 1]) {
                    return Written::Complex;
                }
                end = j;
                break;
            }
        }
    }
    let dot = {
        let i = skip_ws(name_start);
        sep(i).unwrap_or(i)
    };
    let text = crate::scan::lossy(&b[end..dot]);
    let first_end = (end..dot)
        .find(|&k| !(is_ident(b[k]) || ruby && b[k] == b'@'))
        .unwrap_or(dot);
    Written::Plain(crate::rules::normalize_receiver(&text), &b[end..first_end])
}

/// Whether a receiver chain may start right after `c`: an operator, an opening bracket, a
/// separator; or `@` (a Python or TypeScript decorator, a matrix product: the chain after it is
/// the receiver either way; Ruby's `@name` was read as part of the name).
fn chain_may_follow(c: u8) -> bool {
    matches!(
        c,
        b'(' | b'['
            | b'@'
            | b'{'
            | b','
            | b';'
            | b'='
            | b'!'
            | b'&'
            | b'|'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'<'
            | b'>'
            | b'?'
            | b':'
            | b'^'
            | b'~'
    )
}

/// The names a file's import statements (`import`, `from ... import`, `use`, `using`) bind,
/// each with the path it may stand for: an import alias can make a receiver (or a bare call)
/// match a rule its written form does not (`from app import flags as ff` then
/// `ff.is_on(...)`). Python imports are read into bindings, mirroring the extractor's aliases;
/// elsewhere every word of an import statement counts as bound to "unknown", and the parse
/// decides. Found lexically and generously (an `import` in a comment counts too): a spurious
/// binding only costs a parse.
pub struct Imports<'a> {
    bound: std::collections::HashMap<&'a [u8], Vec<Binding>>,
    /// Go import specs `(local name, import path)`: the alias, `.` or `_` when written, else
    /// the path's last segment (the usual package name).
    go_specs: Vec<(&'a [u8], &'a [u8])>,
    /// Classes whose static members are named bare: C# `using static System.Environment;`
    /// (`Environment`).
    statics: Vec<&'a [u8]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// The name stands for this dotted path (itself, for `import os`).
    Path(String),
    /// Not read: anything.
    Unknown,
}

impl<'a> Imports<'a> {
    pub fn new(lang: Language, b: &'a [u8]) -> Imports<'a> {
        let keywords = lang.spec().import_keywords;
        let mut bound: std::collections::HashMap<&'a [u8], Vec<Binding>> = Default::default();
        let mut go_specs = Vec::new();
        let mut statics = Vec::new();
        for kw in keywords.iter().map(|k| k.as_bytes()) {
            for at in memchr::memmem::find_iter(b, kw) {
                if at > 0 && is_ident(b[at - 1])
                    || is_ident(b.get(at + kw.len()).copied().unwrap_or(0))
                {
                    continue;
                }
                if lang == Language::Python && kw == b"import" && after_from(b, at) {
                    continue; // read with its `from`
                }
                let stmt = &b[at..statement_end(b, at + kw.len())];
                if lang == Language::CSharp {
                    let rest = trim_ascii(&stmt[kw.len()..]);
                    if let Some(class) = rest.strip_prefix(b"static") {
                        let class = trim_ascii(class);
                        let class = class.strip_suffix(b";").unwrap_or(class);
                        let last = class.rsplit(|&c| c == b'.').next().unwrap_or(class);
                        statics.push(trim_ascii(last));
                    }
                }
                let read = match lang {
                    Language::Python => python_bindings(stmt),
                    Language::Go => Some(go_bindings(&stmt[kw.len()..])),
                    _ => None,
                };
                match read {
                    Some(pairs) => {
                        for (local, path) in pairs {
                            bound.entry(local).or_default().push(Binding::Path(path));
                        }
                    }
                    None => {
                        for w in stmt.split(|c| !is_ident(*c)) {
                            if !w.is_empty() {
                                bound.entry(w).or_default().push(Binding::Unknown);
                            }
                        }
                    }
                }
            }
        }
        if lang == Language::Go {
            go_specs = Imports::go(b).go_specs;
        }
        Imports {
            bound,
            go_specs,
            statics,
        }
    }

    /// A Go file's import specs only ([`Imports::go_specs`], [`Imports::go_locals_of`]),
    /// without the bindings the prefilter asks for: what the symbol pass needs.
    pub fn go(b: &'a [u8]) -> Imports<'a> {
        Imports {
            bound: Default::default(),
            go_specs: go_import_specs_of(b, None)
                .into_iter()
                .map(|(alias, path)| (alias.unwrap_or(go_package_dir(path)), path))
                .collect(),
            statics: Vec::new(),
        }
    }

    /// The classes whose static members the file names bare (C# `using static`).
    pub fn statics(&self) -> &[&'a [u8]] {
        &self.statics
    }

    /// What `word` may stand for, when an import binds it.
    pub fn bindings(&self, word: &[u8]) -> Option<&[Binding]> {
        self.bound.get(word).map(Vec::as_slice)
    }

    /// Go: each import spec `(local name, import path)`, the local name the alias, `.` or
    /// `_` when written, else the path's last segment.
    pub fn go_specs(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + '_ {
        self.go_specs.iter().copied()
    }

    /// Go: the local names under which the file imports a package whose import path ends in
    /// the folder `dir` (`"example.com/m/feature"` and `ff "example.com/m/feature"` for
    /// `feature`); `.` for a dot import.
    pub fn go_locals_of<'s>(&'s self, dir: &'s str) -> impl Iterator<Item = &'a [u8]> + 's {
        self.go_specs.iter().filter_map(move |&(local, path)| {
            (go_package_dir(path) == dir.as_bytes()).then_some(local)
        })
    }
}

/// The folder a Go import path names last (`featureflag` of `"k8s.io/kops/pkg/featureflag"`):
/// a file outside a package's folder sees it only by importing a path that ends in it.
pub fn go_package_dir(path: &[u8]) -> &[u8] {
    path.rsplit(|&c| c == b'/').next().unwrap_or(path)
}

/// The specs of a Go import statement after its keyword: `"p"`, `name "p"`, or a
/// parenthesized list of them, one per line or `;`; each as (the alias written, if any, import
/// path). Comments are not expected inside.
fn go_import_specs(stmt: &[u8]) -> Vec<(Option<&[u8]>, &[u8])> {
    let mut out = Vec::new();
    let mut alias: Option<&[u8]> = None;
    let mut i = 0;
    while i < stmt.len() {
        let c = stmt[i];
        if c == b'"' || c == b'`' {
            let Some(len) = stmt[i + 1..].iter().position(|&d| d == c) else {
                break;
            };
            out.push((alias.take(), &stmt[i + 1..i + 1 + len]));
            i += len + 2;
        } else if is_ident(c) || c == b'.' {
            let start = i;
            while i < stmt.len() && (is_ident(stmt[i]) || (stmt[i] == b'.' && i == start)) {
                i += 1;
            }
            alias = Some(&stmt[start..i]);
        } else {
            if c == b'\n' || c == b';' {
                alias = None;
            }
            i += 1;
        }
    }
    out
}

/// A Go file's import specs `(alias written, import path)`. With a lexer that has lexed the
/// whole file ([`Lexer::balanced`]), those of `import` keywords in code; without one, also any
/// in comments and strings: what the file may import.
pub fn go_import_specs_of<'a>(
    b: &'a [u8],
    lexer: Option<&Lexer>,
) -> Vec<(Option<&'a [u8]>, &'a [u8])> {
    let mut out = Vec::new();
    let kw = b"import";
    for at in memchr::memmem::find_iter(b, kw) {
        let end = at + kw.len();
        if at > 0 && is_ident(b[at - 1]) || b.get(end).is_some_and(|&c| is_ident(c)) {
            continue;
        }
        if lexer.is_some_and(|l| l.verdict_lexed(at) != Verdict::Code) {
            continue;
        }
        out.extend(go_import_specs(&b[end..statement_end(b, end)]));
    }
    out
}

/// Whether the bare name at `at..at + len` of a Go file is the key of a keyed element in a
/// composite literal of a named type (`Config{Timeout: x}`, `&pkg.Config{\n\tTimeout: x,`):
/// a field's name, not a use of a value of that name, as the Go adapter reads it
/// ([`crate::scan::extract::Adapter::names_a_field`]). False whenever the text does not
/// say so plainly: a map or slice literal (`map[string]T{X: v}`, `[]T{X: v}`, whose keys
/// are values), an element whose literal type is elided (`{{X: v}}`), a generic or
/// anonymous struct type, a `case X:`. `lexer` must have lexed the whole file.
pub fn go_field_key(b: &[u8], lexer: &Lexer, at: usize, len: usize) -> bool {
    const KEYWORDS: &[&[u8]] = &[
        b"break",
        b"case",
        b"chan",
        b"const",
        b"continue",
        b"default",
        b"defer",
        b"else",
        b"fallthrough",
        b"for",
        b"func",
        b"go",
        b"goto",
        b"if",
        b"import",
        b"interface",
        b"map",
        b"package",
        b"range",
        b"return",
        b"select",
        b"struct",
        b"switch",
        b"type",
        b"var",
    ];
    let code = |i: usize| lexer.verdict_lexed(i) == Verdict::Code;
    let blank = |c: u8| c == b' ' || c == b'\t';
    // `X:`, not `X :=`.
    let mut e = at + len;
    while e < b.len() && blank(b[e]) {
        e += 1;
    }
    if b.get(e) != Some(&b':') || b.get(e + 1) == Some(&b'=') {
        return false;
    }
    // First in its element: after `{` or `,` (white space and comments between).
    let mut i = at;
    let prev = loop {
        if i == 0 {
            return false;
        }
        i -= 1;
        if code(i) && !b[i].is_ascii_whitespace() {
            break b[i];
        }
    };
    if prev != b'{' && prev != b',' {
        return false;
    }
    // The brace the element is in, with no `case` before it at its level.
    let mut depth = 0usize;
    let mut i = at;
    let open = loop {
        if i == 0 {
            return false;
        }
        i -= 1;
        if !code(i) {
            continue;
        }
        match b[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'{' => break i,
            b'(' | b'[' => return false,
            c if depth == 0 && is_ident(c) && (i == 0 || !is_ident(b[i - 1])) => {
                let end = i + b[i..]
                    .iter()
                    .position(|c| !is_ident(*c))
                    .unwrap_or(b.len() - i);
                if &b[i..end] == b"case" {
                    return false;
                }
            }
            _ => {}
        }
    };
    // The literal's type right before the brace: a name, or `pkg.Name`, not a keyword and
    // not the element type of `map[K]V` / `[]V` / `[N]V`.
    let mut t = open;
    while t > 0 && blank(b[t - 1]) {
        t -= 1;
    }
    let name_start = |end: usize| {
        b[..end]
            .iter()
            .rposition(|c| !is_ident(*c))
            .map_or(0, |p| p + 1)
    };
    let start = name_start(t);
    if start == t || b[start].is_ascii_digit() || KEYWORDS.contains(&&b[start..t]) {
        return false;
    }
    let mut head = start;
    if head > 0 && b[head - 1] == b'.' {
        let pkg = name_start(head - 1);
        if pkg == head - 1 || b[pkg].is_ascii_digit() {
            return false;
        }
        head = pkg;
    }
    let mut p = head;
    while p > 0 && blank(b[p - 1]) {
        p -= 1;
    }
    !matches!(p.checked_sub(1).map(|i| b[i]), Some(b']' | b'.' | b'*'))
}

/// A Go file's imports as the Go adapter reads them (local name, import path): the alias
/// when one is written, else the name goimports assumes; dot and blank imports bind none.
/// Only `import` keywords in code count, so `lexer` must have lexed the whole file.
pub fn go_imports(b: &[u8], lexer: &Lexer) -> Vec<crate::scan::extract::Import> {
    let mut out = Vec::new();
    for (alias, path) in go_import_specs_of(b, Some(lexer)) {
        let module = String::from_utf8_lossy(path).into_owned();
        let local = match alias {
            Some(b".") | Some(b"_") => continue,
            Some(a) => String::from_utf8_lossy(a).into_owned(),
            None => crate::scan::go::assumed_name(&module),
        };
        out.push(crate::scan::extract::Import {
            local,
            module,
            item: None,
        });
    }
    out
}

/// A Go import statement's bindings as the Go adapter reads them: each imported package's
/// local name (its alias, or the name goimports assumes) bound to itself, except a renamed
/// standard-library package (`myos "os"`), bound to its real name. Dot and blank imports bind
/// nothing.
fn go_bindings(stmt: &[u8]) -> Vec<(&[u8], String)> {
    let mut out = Vec::new();
    for (alias, path) in go_import_specs(stmt) {
        let path_str = String::from_utf8_lossy(path);
        let assumed = crate::scan::go::assumed_name(&path_str);
        let aliased = alias.is_some();
        let local = match alias {
            Some(written) => written,
            None => match memchr::memmem::rfind(path, assumed.as_bytes()) {
                Some(i) => &path[i..i + assumed.len()],
                None => continue,
            },
        };
        if local == b"." || local == b"_" {
            continue;
        }
        let std_lib = !path
            .split(|&c| c == b'/')
            .next()
            .unwrap_or(b"")
            .contains(&b'.');
        let target = if aliased && std_lib {
            assumed
        } else {
            String::from_utf8_lossy(local).into_owned()
        };
        out.push((local, target));
    }
    out
}

/// Byte ranges `(start, end)` of statements.
pub type Statements = Vec<(usize, usize)>;

/// The tokens of a Python import statement: dotted names (`a.b`, `.`, `..m`) and `,` `(` `)`
/// `*` `;`, white space and line continuations dropped. None at anything else (a comment).
fn python_import_tokens(stmt: &[u8]) -> Option<Vec<&[u8]>> {
    let mut toks: Vec<&[u8]> = Vec::new();
    let mut i = 0;
    while i < stmt.len() {
        let c = stmt[i];
        if c.is_ascii_whitespace() || c == b'\\' {
            i += 1;
        } else if is_ident(c) || c == b'.' {
            let s = i;
            while i < stmt.len() && (is_ident(stmt[i]) || stmt[i] == b'.') {
                i += 1;
            }
            toks.push(&stmt[s..i]);
        } else if matches!(c, b',' | b'(' | b')' | b'*' | b';') {
            toks.push(&stmt[i..i + 1]);
            i += 1;
        } else {
            return None;
        }
    }
    if toks.last() == Some(&&b";"[..]) {
        toks.pop();
    }
    Some(toks)
}

/// A Python file's imports as the Python adapter reads them, in order: `import a.b` imports
/// `a.b` as `a.b`, `import a.b as c` as `c`; `from m import x as y` imports `m`'s `x` as `y`
/// (`m` as written, `.models` too); `from m import *` and `from __future__ import ...` import
/// nothing. With the import statements' byte ranges. Only keywords in code count, so `lexer`
/// must have lexed the whole file; comments are left out. None, for the parser, when a
/// statement is not plainly one: a line continuation inside, or `import` where no statement
/// starts (`x = 1; import os`).
pub fn python_imports(
    b: &[u8],
    lexer: &Lexer,
) -> Option<(Vec<crate::scan::extract::Import>, Statements)> {
    use crate::scan::extract::Import;
    let mut at: Vec<(usize, &[u8])> = Vec::new();
    for kw in [&b"import"[..], b"from"] {
        for i in memchr::memmem::find_iter(b, kw) {
            let end = i + kw.len();
            if i > 0 && is_ident(b[i - 1]) || b.get(end).is_some_and(|&c| is_ident(c)) {
                continue;
            }
            if lexer.verdict_lexed(i) == Verdict::Code {
                at.push((i, kw));
            }
        }
    }
    at.sort_unstable();
    // The file with its comments blanked (line breaks kept): a comment after a statement or
    // inside its parentheses is no part of it.
    let mut clean = b.to_vec();
    for &(s, e, v) in lexer.non_code() {
        if v == Verdict::Comment {
            for c in clean[s..e].iter_mut().filter(|c| **c != b'\n') {
                *c = b' ';
            }
        }
    }
    let (mut imports, mut ranges) = (Vec::new(), Vec::new());
    let text = |t: &[u8]| String::from_utf8_lossy(t).into_owned();
    for (i, kw) in at {
        let line = b[..i]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let starts = b[line..i].iter().all(|&c| c == b' ' || c == b'\t')
            && !b[..line].ends_with(b"\\\n")
            && !b[..line].ends_with(b"\\\r\n");
        if !starts {
            // `yield from`, `raise E from e`; an `import` after its `from`.
            if kw == b"from" || ranges.last().is_some_and(|&(s, e)| s < i && i < e) {
                continue;
            }
            return None;
        }
        let end = statement_end(&clean, i + kw.len());
        let stmt = &clean[i..end];
        if stmt.contains(&b'\\') {
            return None;
        }
        ranges.push((i, end));
        let toks = python_import_tokens(stmt)?;
        let mut k = 1;
        let names = |k: &mut usize, paren: bool| -> Option<Vec<(String, String)>> {
            let mut out = Vec::new();
            loop {
                match toks.get(*k).copied() {
                    Some(b")") if paren && toks.len() == *k + 1 && !out.is_empty() => {
                        return Some(out)
                    }
                    None if !paren && !out.is_empty() => return Some(out),
                    _ => {}
                }
                let name = *toks.get(*k)?;
                if matches!(name, b"," | b"(" | b")" | b"*" | b"as") {
                    return None;
                }
                *k += 1;
                let local = if toks.get(*k) == Some(&&b"as"[..]) {
                    *k += 2;
                    *toks.get(*k - 1)?
                } else {
                    name
                };
                out.push((text(name), text(local)));
                match toks.get(*k).copied() {
                    Some(b",") => *k += 1,
                    Some(b")") if paren => {}
                    None if !paren => {}
                    _ => return None,
                }
            }
        };
        if kw == b"import" {
            for (module, local) in names(&mut k, false)? {
                imports.push(Import {
                    local,
                    module,
                    item: None,
                });
            }
            continue;
        }
        let module = *toks.get(1)?;
        if toks.get(2) != Some(&&b"import"[..]) {
            return None;
        }
        k = 3;
        if toks.get(k) == Some(&&b"*"[..]) {
            if toks.len() != k + 1 {
                return None;
            }
            continue;
        }
        let paren = toks.get(k) == Some(&&b"("[..]);
        k += usize::from(paren);
        let items = names(&mut k, paren)?;
        if module == b"__future__" {
            continue;
        }
        for (item, local) in items {
            imports.push(Import {
                local,
                module: text(module),
                item: Some(item),
            });
        }
    }
    Some((imports, ranges))
}

/// Whether the line of `at` starts with `from` (`from m import x`).
fn after_from(b: &[u8], at: usize) -> bool {
    let line = b[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let text = trim_ascii(&b[line..at]);
    text.starts_with(b"from") && text.get(4).is_some_and(|c| c.is_ascii_whitespace())
}

/// A Python import statement's bindings as the extractor reads them: `import a.b as c` binds
/// `c` to `a.b`; `import a.b` binds `a` to itself; `from m import x as y` binds `y` to `m.x`.
/// None when the text is not such a statement (or has a comment inside).
fn python_bindings(stmt: &[u8]) -> Option<Vec<(&[u8], String)>> {
    let toks = python_import_tokens(stmt)?;
    let text = |t: &[u8]| String::from_utf8_lossy(t).into_owned();
    let mut out = Vec::new();
    match toks.first().copied() {
        Some(b"import") => {
            let mut k = 1;
            loop {
                let name = *toks.get(k)?;
                k += 1;
                if toks.get(k) == Some(&&b"as"[..]) {
                    out.push((*toks.get(k + 1)?, text(name)));
                    k += 2;
                } else {
                    let first = name.split(|&c| c == b'.').next()?;
                    out.push((first, text(first)));
                }
                match toks.get(k) {
                    None => return Some(out),
                    Some(&b",") => k += 1,
                    _ => return None,
                }
            }
        }
        Some(b"from") => {
            let module = text(toks.get(1)?);
            if toks.get(2) != Some(&&b"import"[..]) {
                return None;
            }
            let mut k = 3;
            let paren = toks.get(k) == Some(&&b"("[..]);
            if paren {
                k += 1;
            }
            loop {
                match toks.get(k) {
                    Some(&b"*") => return (toks.len() == k + 1).then_some(out),
                    Some(&b")") if paren => return (toks.len() == k + 1).then_some(out),
                    None => return (!paren).then_some(out),
                    _ => {}
                }
                let item = *toks.get(k)?;
                k += 1;
                let local = if toks.get(k) == Some(&&b"as"[..]) {
                    k += 2;
                    *toks.get(k - 1)?
                } else {
                    item
                };
                out.push((local, format!("{module}.{}", text(item))));
                match toks.get(k) {
                    Some(&b",") => k += 1,
                    Some(&b")") if paren => {}
                    None if !paren => return Some(out),
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

/// The end of a statement starting before `from`: a `;` or a line end outside brackets (a
/// Python line ending in `\` continues), within 16 KB.
fn statement_end(b: &[u8], from: usize) -> usize {
    let limit = (from + 16 * 1024).min(b.len());
    let mut depth = 0i32;
    let mut i = from;
    while i < limit {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b';' if depth <= 0 => return i,
            b'\n' if depth <= 0 && !(i > 0 && b[i - 1] == b'\\') => return i,
            _ => {}
        }
        i += 1;
    }
    limit
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdict at the first occurrence of `marker` in `src`.
    fn at(lang: Language, src: &str, marker: &str) -> Verdict {
        let i = src
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} not in {src}"));
        Lexer::new(lang, src.as_bytes()).verdict(i)
    }

    use Language::*;
    use Verdict::*;

    #[test]
    fn go_import_locals() {
        let src = b"package p\n\nimport (\n\t\"fmt\"\n\tff \"example.com/m/featureflag\"\n\t. \"example.com/m/dot/featureflag\"\n\t\"example.com/m/featureflag\"\n)\nimport _ \"example.com/x/featureflag\"\n";
        let imports = Imports::new(Go, src);
        let locals: Vec<&[u8]> = imports.go_locals_of("featureflag").collect();
        assert_eq!(
            locals,
            [&b"ff"[..], b".", b"featureflag", b"_"],
            "{:?}",
            locals
                .iter()
                .map(|l| String::from_utf8_lossy(l))
                .collect::<Vec<_>>()
        );
        assert_eq!(imports.go_locals_of("fmt").collect::<Vec<_>>(), [b"fmt"]);
    }

    #[test]
    fn python() {
        let src = "x = 1  # flags.is_on('a')\nflags.is_on('b')\n";
        assert_eq!(at(Python, src, "flags.is_on('a')"), Comment);
        assert_eq!(at(Python, src, "flags.is_on('b')"), Code);
        assert_eq!(at(Python, "t = 'flags.is_on(\"x\")'", "flags"), Str);
        // Docstrings are strings; a read after one is code.
        let doc = "def f():\n    \"\"\"Call\n    flags.is_on('x') here.\n    \"\"\"\n    return flags.is_on('y')\n";
        assert_eq!(at(Python, doc, "flags.is_on('x')"), Str);
        assert_eq!(at(Python, doc, "flags.is_on('y')"), Code);
        // An f-string's interpolation is code; its text is not; `{{` is a literal brace.
        let f = "log(f\"v2: {flags.is_on('in_fstring')} flags.is_on(x) {{flags.is_on(y)}}\")";
        assert_eq!(at(Python, f, "flags.is_on('in_fstring')"), Code);
        assert_eq!(at(Python, f, "flags.is_on(x)"), Str);
        assert_eq!(at(Python, f, "flags.is_on(y)"), Str);
        assert_eq!(at(Python, "rf'{a}' + Rb'{b}'; x", "{b}"), Str);
        assert_eq!(at(Python, "s = '#'; flags.is_on('z')", "flags"), Code);
        assert_eq!(at(Python, "s = '''a\n# b\n''' # c", "# b"), Str);
        assert_eq!(at(Python, "s = '''a\n# b\n''' # c", "# c"), Comment);
    }

    #[test]
    fn javascript() {
        let src = "// flags.isOn('a')\n/* flags.isOn('b')\n */ flags.isOn('c')";
        assert_eq!(at(JavaScript, src, "flags.isOn('a')"), Comment);
        assert_eq!(at(JavaScript, src, "flags.isOn('b')"), Comment);
        assert_eq!(at(JavaScript, src, "flags.isOn('c')"), Code);
        // A template literal's `${}` is code, its text is not, across lines.
        let t = "const s = `a\nflags.isOn(x) ${flags.isOn('t')} ${ {a: `${flags.isOn('u')}`}.a }`;";
        assert_eq!(at(TypeScript, t, "flags.isOn(x)"), Str);
        assert_eq!(at(TypeScript, t, "flags.isOn('t')"), Code);
        assert_eq!(at(TypeScript, t, "flags.isOn('u')"), Code);
        // A regex literal holding quotes or `//` does not open a string or a comment.
        let r = "if (/^https?:\\/\\//.test(u) && /'/.test(v)) flags.isOn('r')";
        assert_eq!(at(JavaScript, r, "flags.isOn('r')"), Code);
        assert_eq!(
            at(JavaScript, "a = b / c; x = d / flags.isOn('e')", "flags"),
            Code
        );
        // JSX text: an apostrophe is not a quote, a URL is not a comment, `</p>` is no regex.
        let jsx =
            "<p>Don't {flags.isOn('x')} https://a.b {flags.isOn('y')}</p> <b>{flags.isOn('z')}</b>";
        assert_eq!(at(Tsx, jsx, "flags.isOn('x')"), Code);
        assert_eq!(at(Tsx, jsx, "flags.isOn('y')"), Code);
        assert_eq!(at(Tsx, jsx, "flags.isOn('z')"), Code);
        assert_eq!(
            at(Tsx, "<p>Rock 'n roll {flags.isOn('q')}</p>", "flags"),
            Code
        );
        // A string that does not close on its line was not a string.
        assert_eq!(at(JavaScript, "x = 'abc\nflags.isOn('w')", "flags"), Code);
        assert_eq!(at(JavaScript, "x = 'flags.isOn(\"w\")'", "flags"), Str);
    }

    #[test]
    fn go_java() {
        let g =
            "s := `raw\nflags.IsOn(\"a\")\n` // flags.IsOn(\"b\")\nx := '\"'; flags.IsOn(\"c\")";
        assert_eq!(at(Go, g, "flags.IsOn(\"a\")"), Str);
        assert_eq!(at(Go, g, "flags.IsOn(\"b\")"), Comment);
        assert_eq!(at(Go, g, "flags.IsOn(\"c\")"), Code);
        let j =
            "String s = \"\"\"\n  flags.isOn(\"a\")\n  \"\"\"; char c = '\"'; flags.isOn(\"b\");";
        assert_eq!(at(Java, j, "flags.isOn(\"a\")"), Str);
        assert_eq!(at(Java, j, "flags.isOn(\"b\")"), Code);
        assert_eq!(
            at(Java, "/** {@code flags.isOn(\"a\")} */ x", "flags"),
            Comment
        );
    }

    #[test]
    fn ruby() {
        let src =
            "# flags.on?(:a)\nputs \"#{flags.on?(:b)} flags.on?(:c)\"\nx = '#{flags.on?(:d)}'";
        assert_eq!(at(Ruby, src, "flags.on?(:a)"), Comment);
        assert_eq!(at(Ruby, src, "flags.on?(:b)"), Code);
        assert_eq!(at(Ruby, src, "flags.on?(:c)"), Str);
        assert_eq!(at(Ruby, src, "flags.on?(:d)"), Str);
        let doc = "=begin\nflags.on?(:a)\n=end\nflags.on?(:b)";
        assert_eq!(at(Ruby, doc, "flags.on?(:a)"), Comment);
        assert_eq!(at(Ruby, doc, "flags.on?(:b)"), Code);
        // Heredoc bodies and %-literals are left as code, and do not derail what follows.
        let h = "s = <<~EOS\n  it's # here\nEOS\nflags.on?(:h)";
        assert_eq!(at(Ruby, h, "flags.on?(:h)"), Code);
        assert_eq!(at(Ruby, "w = %w[a ' #b]; flags.on?(:p)", "flags"), Code);
        assert_eq!(at(Ruby, "x =~ /#\"/ && flags.on?(:r)", "flags"), Code);
        assert_eq!(at(Ruby, "c = ?'; flags.on?(:q)", "flags"), Code);
    }

    #[test]
    fn rust() {
        let src =
            "/* a /* nested */ flags.is_on(\"a\") */ fn f<'a>(x: &'a str) { flags.is_on(\"b\") }";
        assert_eq!(at(Rust, src, "flags.is_on(\"a\")"), Comment);
        assert_eq!(at(Rust, src, "flags.is_on(\"b\")"), Code);
        let raw = "let s = r#\"flags.is_on(\"a\")\"#; let c = '\"'; flags.is_on(\"c\");";
        assert_eq!(at(Rust, raw, "flags.is_on(\"a\")"), Str);
        assert_eq!(at(Rust, raw, "flags.is_on(\"c\")"), Code);
        assert_eq!(
            at(Rust, "/// flags.is_on(\"d\")\nfn x() {}", "flags"),
            Comment
        );
        assert_eq!(
            at(Rust, "let s = \"a\nflags.is_on(\\\"m\\\")\";", "flags"),
            Str
        );
        assert_eq!(at(Rust, "let c = '\\''; flags.is_on(\"e\")", "flags"), Code);
    }

    #[test]
    fn queries_at_increasing_offsets() {
        let src = "a # x\nb = 'y'\nc";
        let mut lx = Lexer::new(Python, src.as_bytes());
        assert_eq!(lx.verdict(0), Code);
        assert_eq!(lx.verdict(src.find('x').unwrap()), Comment);
        assert_eq!(lx.verdict(src.find('y').unwrap()), Str);
        assert_eq!(lx.verdict(src.find('c').unwrap()), Code);
    }

    fn recv(lang: Language, src: &str, name: &str) -> Written<'static> {
        let src: &'static str = Box::leak(src.to_string().into_boxed_str());
        receiver_before(lang, src.as_bytes(), src.rfind(name).unwrap())
    }

    #[test]
    fn receivers() {
        let plain = |s: &str, first: &'static str| Written::Plain(s.to_string(), first.as_bytes());
        assert_eq!(
            recv(Python, "x = self.flags.is_on('a')", "is_on"),
            plain("self.flags", "self")
        );
        assert_eq!(
            recv(Python, "if not flags.is_on('a')", "is_on"),
            plain("flags", "flags")
        );
        assert_eq!(recv(Python, "is_on('a')", "is_on"), Written::Bare);
        assert_eq!(recv(Python, "return is_on('a')", "is_on"), Written::Bare);
        assert_eq!(
            recv(Rust, "std::env::var(\"X\")", "var"),
            plain("std.env", "std")
        );
        assert_eq!(
            recv(TypeScript, "a?.flags.isOn('x')", "isOn"),
            plain("a?.flags", "a")
        );
        assert_eq!(
            recv(Ruby, "@flags&.on?(:x)", "on?"),
            plain("@flags", "@flags")
        );
        assert_eq!(
            recv(JavaScript, "client\n  .variation('x')", "variation"),
            plain("client", "client")
        );
        assert_eq!(
            recv(Java, "getFlags().isOn(\"x\")", "isOn"),
            Written::Complex
        );
        assert_eq!(recv(Java, "flags[0].isOn(\"x\")", "isOn"), Written::Complex);
        assert_eq!(
            recv(TypeScript, "flags!.isOn('x')", "isOn"),
            Written::Complex
        );
        assert_eq!(
            recv(JavaScript, "this.#flags.isOn('x')", "isOn"),
            Written::Complex
        );
        assert_eq!(
            recv(Python, "@testing.variation('x')", "variation"),
            plain("testing", "testing")
        );
    }

    #[test]
    fn import_bindings() {
        let path = |p: &str| Binding::Path(p.to_string());
        let py = "import os\nimport a.b as ab\nfrom app.flags import (\n  client as ff,\n  other,\n)\nx = 1\n";
        let w = Imports::new(Python, py.as_bytes());
        assert_eq!(w.bindings(b"ff"), Some(&[path("app.flags.client")][..]));
        assert_eq!(w.bindings(b"other"), Some(&[path("app.flags.other")][..]));
        assert_eq!(w.bindings(b"ab"), Some(&[path("a.b")][..]));
        assert_eq!(w.bindings(b"os"), Some(&[path("os")][..]));
        assert_eq!(w.bindings(b"x"), None);
        // Not an import statement: every word is bound to "unknown".
        let w = Imports::new(Python, b"def f():\n    yield from gen  # x\n");
        assert_eq!(w.bindings(b"gen"), Some(&[Binding::Unknown][..]));
        let js = "import {\n  isOn as on,\n} from './flags'\nconst y = 2";
        let w = Imports::new(TypeScript, js.as_bytes());
        assert!(w.bindings(b"on").is_some() && w.bindings(b"y").is_none());
        let rs = "use crate::{flags::Flags as F, x};\nfn main() {}";
        let w = Imports::new(Rust, rs.as_bytes());
        assert!(w.bindings(b"F").is_some() && w.bindings(b"main").is_none());
    }
}

/// The lexer against the real parsers, on a tree of real code: every call-like position
/// (a word followed by `(`) and every env prefix. A position the lexer calls a comment or a
/// string while the parser calls it code would be a lost read. Run with
/// `FLAGDEBT_LEX_CHECK=/path/to/tree cargo test --release lexer_agrees -- --ignored --nocapture`.
#[cfg(test)]
mod against_parsers {
    use super::*;
    use std::collections::BTreeMap;

    fn truth_tree_sitter(root: tree_sitter::Node, at: usize) -> Verdict {
        let Some(mut n) = root.descendant_for_byte_range(at, at + 1) else {
            return Verdict::Code;
        };
        loop {
            let k = n.kind();
            if matches!(
                k,
                "interpolation" | "template_substitution" | "interpolated_expression"
            ) {
                return Verdict::Code;
            }
            // PHP: HTML around `<?php ... ?>`.
            if k == "text_interpolation"
                || k == "text" && n.parent().is_some_and(|p| p.kind() == "program")
            {
                return Verdict::Comment;
            }
            if k == "nowdoc" {
                return Verdict::Str;
            }
            if k.contains("comment") {
                return Verdict::Comment;
            }
            if k.contains("string")
                || k.contains("regex")
                || k.contains("heredoc")
                || matches!(k, "text_block" | "character_literal" | "rune_literal")
            {
                return Verdict::Str;
            }
            match n.parent() {
                Some(p) => n = p,
                None => return Verdict::Code,
            }
        }
    }

    type Ranges = Vec<(usize, usize)>;

    /// Rust: byte ranges of literal tokens (strings, chars) and of all tokens.
    fn rust_tokens(src: &str) -> Option<(Ranges, Ranges)> {
        use proc_macro2::{TokenStream, TokenTree};
        fn walk(ts: TokenStream, lits: &mut Vec<(usize, usize)>, all: &mut Vec<(usize, usize)>) {
            for t in ts {
                let r = t.span().byte_range();
                match t {
                    TokenTree::Group(g) => {
                        let o = g.span_open().byte_range();
                        let c = g.span_close().byte_range();
                        all.push((o.start, o.end));
                        all.push((c.start, c.end));
                        walk(g.stream(), lits, all);
                    }
                    TokenTree::Literal(_) => {
                        lits.push((r.start, r.end));
                        all.push((r.start, r.end));
                    }
                    _ => all.push((r.start, r.end)),
                }
            }
        }
        let ts: TokenStream = src.parse().ok()?;
        let (mut lits, mut all) = (Vec::new(), Vec::new());
        walk(ts, &mut lits, &mut all);
        lits.sort_unstable();
        all.sort_unstable();
        Some((lits, all))
    }

    fn inside(ranges: &[(usize, usize)], at: usize) -> bool {
        let i = ranges.partition_point(|r| r.0 <= at);
        i > 0 && at < ranges[i - 1].1
    }

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                files(&p, out);
            } else if ft.is_file() {
                out.push(p);
            }
        }
    }

    /// Every call-shaped position of the fixture trees (or of the folders in
    /// `FLAGDEBT_LEX_CHECK`, `:`-separated, for a real corpus): the lexer's code/comment/string
    /// verdict never loses a position the parser calls code.
    #[test]
    fn lexer_agrees_with_the_parsers() {
        let root = std::env::var_os("FLAGDEBT_LEX_CHECK")
            .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures").into());
        let mut paths = Vec::new();
        for r in std::env::split_paths(&root) {
            files(&r, &mut paths);
        }
        paths.sort();
        // language -> [agree, lexer non-code but parser code (a loss), lexer code but parser not]
        let mut stats: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
        let mut shown = 0;
        for path in paths {
            let mut shown_here = 0;
            let Some(lang) = Language::from_path(&path) else {
                continue;
            };
            let Ok(src) = std::fs::read_to_string(&path) else {
                continue;
            };
            if src.len() > 2 * 1024 * 1024 {
                continue;
            }
            let b = src.as_bytes();
            let mut positions = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if is_ident(b[i]) && (i == 0 || !is_ident(b[i - 1])) {
                    let mut j = i;
                    while j < b.len() && is_ident(b[j]) {
                        j += 1;
                    }
                    let w = &b[i..j];
                    if b.get(j) == Some(&b'(') || w.starts_with(b"FLAG_") {
                        positions.push(i);
                    }
                    i = j;
                } else {
                    i += 1;
                }
            }
            if positions.is_empty() {
                continue;
            }
            let truth: Box<dyn Fn(usize) -> Verdict> = if lang == Language::Rust {
                let Some((lits, all)) = rust_tokens(&src) else {
                    continue;
                };
                Box::new(move |at| {
                    if inside(&lits, at) {
                        Verdict::Str
                    } else if inside(&all, at) {
                        Verdict::Code
                    } else {
                        Verdict::Comment
                    }
                })
            } else {
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(&lang.tree_sitter().unwrap()).unwrap();
                let Some(tree) = parser.parse(&src, None) else {
                    continue;
                };
                if tree.root_node().has_error() {
                    continue; // the parser's own verdicts are guesses there
                }
                Box::new(move |at| truth_tree_sitter(tree.root_node(), at))
            };
            let mut lx = Lexer::new(lang, b);
            let s = stats.entry(lang.name()).or_default();
            for at in positions {
                let (got, want) = (lx.verdict(at), truth(at));
                let k = match (got, want) {
                    (a, b) if a == b => 0,
                    (Verdict::Str | Verdict::Comment, Verdict::Code) => 1,
                    // A string the parser calls a comment (or back) loses nothing either way.
                    (Verdict::Str, Verdict::Comment) | (Verdict::Comment, Verdict::Str) => 0,
                    _ => 2,
                };
                s[k] += 1;
                if k == 1 && shown < 60 && shown_here < 2 {
                    shown += 1;
                    shown_here += 1;
                    let line = src[..at].matches('\n').count() + 1;
                    let from = (0..=at.saturating_sub(150))
                        .rev()
                        .find(|&i| src.is_char_boundary(i))
                        .unwrap_or(0);
                    let text = src[from..].lines().next().unwrap_or("");
                    let text = &text[..text.len().min(190)];
                    eprintln!(
                        "LOSS {}:{line}: lexer {got:?}, parser code: {}",
                        path.display(),
                        text
                    );
                }
            }
        }
        for (l, [ok, loss, extra]) in &stats {
            eprintln!("{l:12} agree {ok:8}  loss {loss:6}  extra-code {extra:6}");
        }
        let losses: usize = stats.values().map(|s| s[1]).sum();
        assert_eq!(losses, 0, "positions the lexer would lose");
    }
}
