//! Reading the listing: rayon workers read each listed source file, skip what is not source
//! (binary, over the size limit, not UTF-8), run the prefilter and, for candidates, take the
//! fast path or parse and extract. A few parses are most of a scan's time, and one started
//! after the last read leaves the other workers idle while it runs: a large file is parsed
//! as soon as it is read (it overlaps the reads still to come), a smaller one is set aside,
//! and the files set aside are parsed once every file is read, the largest first, filling
//! the workers evenly. Each worker gathers its own results; they are merged, then sorted
//! afterwards.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::lang::{is_test_path, Language};
use crate::rules::RuleSet;
use crate::scan::extract::{FileFacts, KeptTree};
use crate::scan::lexical;
use crate::scan::prefilter::Prefilter;
use crate::scan::{Skipped, Stats};
use crate::suppress::{self, Suppression};
use crate::walk::{human_size, io_reason, is_hidden, Generated, Listing, WalkOptions};

#[derive(Default)]
pub struct Walked {
    pub facts: Vec<FileFacts>,
    /// Every source file seen, by relative path: the resolver looks up imported modules here.
    pub index: super::index::Files,
    /// The folders each Go file may import packages from
    /// ([`crate::scan::lexical::go_package_dir`]), read without a parse: the symbol pass
    /// reads again only the files that can see a declaring package. One string a file, the
    /// folders a line each: a `String` per import cost temporal ~28,000 allocations and as
    /// many frees.
    pub go_imports: HashMap<String, String>,
    pub skipped: Vec<Skipped>,
    pub parse_errors: Vec<Skipped>,
    pub suppressions: Vec<Suppression>,
    pub stats: Stats,
    /// The syntax trees of the parsed files that declare symbols, by relative path: the
    /// symbol pass reads their own uses of them from these.
    pub trees: HashMap<String, KeptTree>,
    /// Files read and prefiltered that need a parse (see the module doc).
    to_parse: Vec<ToParse>,
}

/// A file set aside for a parse: its text (after a BOM), whether the bytes were valid UTF-8,
/// and the prefilter's hits in the text.
struct ToParse {
    rel: String,
    lang: Language,
    text: String,
    valid: bool,
    hits: Vec<usize>,
}

enum Item {
    File(String, Language, PathBuf, u64),
    Facts(Box<FileFacts>),
    Skipped(Skipped),
    ParseError(Skipped),
    Suppressions(Vec<Suppression>),
    Parsed,
    GoImports(String, String),
    Tree(String, KeptTree),
}

/// The most files one rayon job reads before the rest of its range can be stolen.
const READ_CHUNK: usize = 8;

/// A file to parse at least this long is parsed as soon as it is read; a shorter one is set
/// aside until every file is read (see the module doc). Most files with a read are well under
/// it (a parse of 16 KiB of Python or JavaScript takes 2-6 ms here, about what reading a few
/// hundred files takes).
const PARSE_AT_ONCE: usize = 16 * 1024;

/// The scan's worker threads: `threads` of them (0: one per core), each with a stack large
/// enough for the parsers' recursion ([`crate::scan::guard::WORKER_STACK`]).
pub fn pool(threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(crate::scan::guard::WORKER_STACK)
        .build()
}

/// Read, prefilter and extract the listing's source files, in parallel (on the current rayon
/// pool: [`crate::scan::scan_listing`] runs it in [`pool`]).
pub fn walk(listing: &Listing, opts: &WalkOptions, pre: &Prefilter, rules: &RuleSet) -> Walked {
    use rayon::prelude::*;
    let generated = Generated::new(&opts.generated);
    let progress = opts.progress.then(Progress::new);
    // Most files cost a prefilter pass, a few a parse, and those few sit together in path
    // order (kops' pkg/apis/*/zz_generated.*): rayon's adaptive split left them in one
    // worker's unstealable chunk. Chunks of at most READ_CHUNK files can be stolen. Each
    // worker gathers its own results (no channel: a collector thread woken for every file
    // cost thousands of context switches a run).
    let mut walked = listing
        .files
        .par_iter()
        .with_max_len(READ_CHUNK)
        .filter(|f| !is_hidden(&f.rel))
        .fold(Walked::default, |mut w, f| {
            let (files, parsed) = (w.stats.files, w.stats.parsed);
            visit_file(&f.rel, &f.path, opts, pre, rules, &generated, &mut w);
            if let Some(p) = progress.as_ref().filter(|_| w.stats.files > files) {
                p.tick(w.stats.parsed > parsed);
            }
            w
        })
        .reduce(Walked::default, Walked::merge);
    let mut to_parse = std::mem::take(&mut walked.to_parse);
    to_parse.sort_unstable_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.rel.cmp(&b.rel)));
    let parsed = to_parse
        .into_par_iter()
        .with_max_len(1)
        .fold(Walked::default, |mut w, f| {
            parse_file(f, opts, rules, &generated, &mut w);
            w
        })
        .reduce(Walked::default, Walked::merge);
    walked = walked.merge(parsed);
    if let Some(p) = progress {
        p.done();
    }
    walked.skipped.extend(listing.errors.iter().cloned());
    walked
}

impl Walked {
    fn add(&mut self, item: Item) {
        match item {
            Item::File(rel, lang, path, bytes) => {
                self.stats.files += 1;
                self.stats.bytes += bytes;
                self.index.insert(rel, (lang, path));
            }
            Item::Facts(f) => self.facts.push(*f),
            Item::Skipped(s) => self.skipped.push(s),
            Item::ParseError(s) => self.parse_errors.push(s),
            Item::Suppressions(s) => self.suppressions.extend(s),
            Item::Parsed => self.stats.parsed += 1,
            Item::GoImports(rel, dirs) => {
                self.go_imports.insert(rel, dirs);
            }
            Item::Tree(rel, kept) => {
                self.trees.insert(rel, kept);
            }
        }
    }

    fn merge(mut self, mut other: Walked) -> Walked {
        if self.index.len() < other.index.len() {
            std::mem::swap(&mut self, &mut other);
        }
        self.facts.append(&mut other.facts);
        self.index.append(&mut other.index);
        self.go_imports.extend(other.go_imports);
        self.trees.extend(other.trees);
        self.to_parse.append(&mut other.to_parse);
        self.skipped.append(&mut other.skipped);
        self.parse_errors.append(&mut other.parse_errors);
        self.suppressions.append(&mut other.suppressions);
        self.stats.files += other.stats.files;
        self.stats.bytes += other.stats.bytes;
        self.stats.parsed += other.stats.parsed;
        self
    }
}

/// A listed file's bytes, when it is at most `max` bytes long; else why not, in a skip
/// note's words. One open, one fstat, one read: the path is looked up once (every pass that
/// reads files again reads them this way), and the read takes the length the fstat gave
/// (`File::read_to_end` would ask the length again, with an fstat and a seek, and read once
/// more to meet the end: three system calls a file more). A file growing meanwhile is read
/// as it was at the fstat.
pub fn read_source(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    let len = file.metadata().map_err(|e| io_reason(&e))?.len();
    if len > max {
        return Err(format!(
            "larger than the {} limit ({})",
            human_size(max),
            human_size(len)
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(&file, len), &mut bytes)
        .map_err(|e| io_reason(&e))?;
    Ok(bytes)
}

fn visit_file(
    rel: &str,
    path: &Path,
    opts: &WalkOptions,
    pre: &Prefilter,
    rules: &RuleSet,
    generated: &Generated,
    out: &mut Walked,
) {
    let Some(lang) = Language::from_path(path) else {
        return;
    };
    let rel = rel.to_string();
    let skip = |out: &mut Walked, reason: String| {
        out.add(Item::Skipped(Skipped {
            path: rel.clone(),
            reason,
        }));
    };
    let bytes = match read_source(path, opts.max_file_size) {
        Ok(b) => b,
        Err(reason) => return skip(out, reason),
    };
    out.add(Item::File(
        rel.clone(),
        lang,
        path.to_path_buf(),
        bytes.len() as u64,
    ));
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return skip(out, "binary file".into());
    }
    if lang == Language::Go {
        let mut dirs = String::new();
        for (_, path) in lexical::go_import_specs_of(&bytes, None) {
            dirs.push_str(&String::from_utf8_lossy(lexical::go_package_dir(path)));
            dirs.push('\n');
        }
        out.add(Item::GoImports(rel.clone(), dirs));
    }
    if memchr::memmem::find(&bytes, suppress::MARKER.as_bytes()).is_some() {
        let text = super::lossy(&bytes);
        let sups = suppress::parse(&rel, &text, lang.comment_tokens());
        out.add(Item::Suppressions(sups));
    }
    let hits = pre.hits_in(lang, &bytes, opts.whole_files);
    if hits.is_empty() {
        return;
    }
    // Not UTF-8 (a Latin-1 comment): read as ripgrep does, each invalid byte replaced by
    // U+FFFD (one character, so columns stay right), with a note.
    let lossy;
    let (text, valid) = match std::str::from_utf8(&bytes) {
        Ok(t) => (t, true),
        Err(e) => {
            out.add(Item::ParseError(Skipped {
                path: rel.clone(),
                reason: format!(
                    "not valid UTF-8 (at byte {}); read with the invalid bytes replaced",
                    e.valid_up_to()
                ),
            }));
            lossy = String::from_utf8_lossy(&bytes).into_owned();
            (lossy.as_str(), false)
        }
    };
    let bom = text.starts_with('\u{feff}');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A file whose reads are all simple is read without a parse (no syntax-error note then:
    // it was not parsed). Not with a BOM: the resolver reads constants from the raw text.
    let fast = if bom || opts.whole_files {
        None
    } else {
        pre.fast.extract(lang, &rel, text)
    };
    if let Some(mut facts) = fast {
        facts.test = is_test_path(&rel);
        facts.generated = generated.is_generated(&rel, text);
        out.add(Item::Facts(Box::new(facts)));
        return;
    }
    // The hits' offsets are the file's bytes': after a BOM or a lossy read, found again.
    let hits = if text.len() == bytes.len() {
        hits
    } else {
        pre.hits_in(lang, text.as_bytes(), opts.whole_files)
    };
    out.add(Item::Parsed);
    let f = ToParse {
        rel,
        lang,
        text: text.to_string(),
        valid,
        hits,
    };
    if f.text.len() >= PARSE_AT_ONCE {
        parse_file(f, opts, rules, generated, out);
    } else {
        out.to_parse.push(f);
    }
}

/// Parse and extract a file set aside by [`visit_file`].
fn parse_file(
    f: ToParse,
    opts: &WalkOptions,
    rules: &RuleSet,
    generated: &Generated,
    out: &mut Walked,
) {
    let ToParse {
        rel,
        lang,
        text,
        valid,
        hits,
    } = f;
    let focus = (!opts.whole_files).then_some(hits.as_slice());
    match crate::scan::extract_file_keeping(lang, &rel, &text, rules, true, focus) {
        Ok((mut facts, tree)) => {
            // A file declaring symbols may use them itself: the symbol pass reads those uses
            // from this tree rather than parsing the file again (the same text: valid UTF-8).
            let declares =
                facts.decls.iter().any(|d| d.symbol.is_some()) || !facts.accessors.is_empty();
            facts.test = is_test_path(&rel);
            facts.generated = generated.is_generated(&rel, &text);
            if let Some(tree) = tree.filter(|_| declares && valid) {
                out.add(Item::Tree(rel.clone(), KeptTree { text, tree }));
            }
            for note in std::mem::take(&mut facts.notes) {
                out.add(Item::ParseError(Skipped {
                    path: rel.clone(),
                    reason: note,
                }));
            }
            if let Some((line, col)) = facts.syntax_error {
                out.add(Item::ParseError(Skipped {
                    path: rel.clone(),
                    reason: format!(
                        "syntax error at {line}:{col}; the rest of the file was still read"
                    ),
                }));
            }
            out.add(Item::Facts(Box::new(facts)));
        }
        Err(reason) => out.add(Item::Skipped(Skipped { path: rel, reason })),
    }
}

/// A progress line on stderr for long walks: silent for the first second, then the count of
/// files read and parsed, redrawn at most four times a second, erased at the end.
struct Progress {
    start: std::time::Instant,
    /// Files visited and parsed so far, by every worker.
    files: AtomicUsize,
    parsed: AtomicUsize,
    last: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            start: std::time::Instant::now(),
            files: AtomicUsize::new(0),
            parsed: AtomicUsize::new(0),
            last: std::sync::Mutex::new(None),
        }
    }

    /// One more source file read (and parsed), by any worker; redrawn by whichever worker
    /// comes when it is time.
    fn tick(&self, parsed: bool) {
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        if parsed {
            self.parsed.fetch_add(1, Ordering::Relaxed);
        }
        let now = std::time::Instant::now();
        if now.duration_since(self.start).as_millis() < 1000 {
            return;
        }
        let Ok(mut last) = self.last.try_lock() else {
            return;
        };
        if last.is_some_and(|l| now.duration_since(l).as_millis() < 250) {
            return;
        }
        *last = Some(now);
        let parsed = self.parsed.load(Ordering::Relaxed);
        eprint!("\r\x1b[Kflagdebt: {files} files read, {parsed} parsed");
    }

    fn done(&self) {
        if self.last.lock().is_ok_and(|l| l.is_some()) {
            eprint!("\r\x1b[K");
        }
    }
}
