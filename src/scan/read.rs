//! Reading the listing: rayon workers read each listed source file, skip what is not source
//! (binary, over the size limit, not UTF-8), run the prefilter and, for candidates, take the
//! fast path or parse and extract. Results go to one collector and are sorted afterwards.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::lang::{is_test_path, Language};
use crate::rules::RuleSet;
use crate::scan::extract::FileFacts;
use crate::scan::lexical;
use crate::scan::prefilter::Prefilter;
use crate::scan::{Skipped, Stats};
use crate::suppress::{self, Suppression};
use crate::walk::{human_size, io_reason, is_hidden, Generated, Listing, WalkOptions};

#[derive(Default)]
pub struct Walked {
    pub facts: Vec<FileFacts>,
    /// Every source file seen, by relative path: the resolver looks up imported modules here.
    pub index: BTreeMap<String, (Language, PathBuf)>,
    /// The folders each Go file may import packages from
    /// ([`crate::scan::lexical::go_package_dir`]), read without a parse: the symbol pass
    /// reads again only the files that can see a declaring package.
    pub go_imports: HashMap<String, Vec<String>>,
    pub skipped: Vec<Skipped>,
    pub parse_errors: Vec<Skipped>,
    pub suppressions: Vec<Suppression>,
    pub stats: Stats,
}

enum Item {
    File(String, Language, PathBuf, u64),
    Facts(Box<FileFacts>),
    Skipped(Skipped),
    ParseError(Skipped),
    Suppressions(Vec<Suppression>),
    Parsed,
    GoImports(String, Vec<String>),
}

/// The most files one rayon job reads before the rest of its range can be stolen.
const READ_CHUNK: usize = 8;

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
    let generated = Generated::new(&opts.generated);
    let generated = &generated;
    let (tx, rx) = mpsc::channel::<Item>();
    for e in &listing.errors {
        let _ = tx.send(Item::Skipped(e.clone()));
    }
    std::thread::scope(|s| {
        let collector = s.spawn(move || {
            let mut w = Walked::default();
            let progress = opts.progress.then(Progress::new);
            for item in rx {
                if let Some(p) = &progress {
                    p.tick(w.stats.files, w.stats.parsed);
                }
                match item {
                    Item::File(rel, lang, path, bytes) => {
                        w.stats.files += 1;
                        w.stats.bytes += bytes;
                        w.index.insert(rel, (lang, path));
                    }
                    Item::Facts(f) => w.facts.push(*f),
                    Item::Skipped(s) => w.skipped.push(s),
                    Item::ParseError(s) => w.parse_errors.push(s),
                    Item::Suppressions(s) => w.suppressions.extend(s),
                    Item::Parsed => w.stats.parsed += 1,
                    Item::GoImports(rel, dirs) => {
                        w.go_imports.insert(rel, dirs);
                    }
                }
            }
            if let Some(p) = progress {
                p.done();
            }
            w
        });
        let visit_all = || {
            use rayon::prelude::*;
            // Most files cost a prefilter pass, a few a parse, and those few sit together in
            // path order (kops' pkg/apis/*/zz_generated.*): rayon's adaptive split left them in
            // one worker's unstealable chunk. Chunks of at most READ_CHUNK files can be stolen.
            listing
                .files
                .par_iter()
                .with_max_len(READ_CHUNK)
                .filter(|f| !is_hidden(&f.rel))
                .for_each_with(tx.clone(), |tx, f| {
                    visit_file(&f.rel, &f.path, opts, pre, rules, generated, tx)
                });
        };
        visit_all();
        drop(tx);
        collector.join().unwrap_or_else(|_| Walked {
            skipped: vec![Skipped {
                path: String::new(),
                reason: "internal error: collector thread failed".into(),
            }],
            ..Walked::default()
        })
    })
}

fn visit_file(
    rel: &str,
    path: &Path,
    opts: &WalkOptions,
    pre: &Prefilter,
    rules: &RuleSet,
    generated: &Generated,
    tx: &mpsc::Sender<Item>,
) {
    let Some(lang) = Language::from_path(path) else {
        return;
    };
    let rel = rel.to_string();
    let skip = |reason: String| {
        let _ = tx.send(Item::Skipped(Skipped {
            path: rel.clone(),
            reason,
        }));
    };
    // One open, one fstat, one read: no second lookup of the path.
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return skip(io_reason(&e)),
    };
    let len = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return skip(io_reason(&e)),
    };
    if len > opts.max_file_size {
        return skip(format!(
            "larger than the {} limit ({})",
            human_size(opts.max_file_size),
            human_size(len)
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    if let Err(e) = std::io::Read::read_to_end(&mut file, &mut bytes) {
        return skip(io_reason(&e));
    }
    drop(file);
    let _ = tx.send(Item::File(
        rel.clone(),
        lang,
        path.to_path_buf(),
        bytes.len() as u64,
    ));
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return skip("binary file".into());
    }
    if lang == Language::Go {
        let dirs = lexical::go_import_specs_of(&bytes, None)
            .into_iter()
            .map(|(_, path)| String::from_utf8_lossy(lexical::go_package_dir(path)).into_owned())
            .collect();
        let _ = tx.send(Item::GoImports(rel.clone(), dirs));
    }
    if memchr::memmem::find(&bytes, suppress::MARKER.as_bytes()).is_some() {
        let text = String::from_utf8_lossy(&bytes);
        let sups = suppress::parse(&rel, &text, lang.comment_tokens());
        let _ = tx.send(Item::Suppressions(sups));
    }
    let hits = pre.hits_in(lang, &bytes, opts.whole_files);
    if hits.is_empty() {
        return;
    }
    // Not UTF-8 (a Latin-1 comment): read as ripgrep does, each invalid byte replaced by
    // U+FFFD (one character, so columns stay right), with a note.
    let lossy;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let _ = tx.send(Item::ParseError(Skipped {
                path: rel.clone(),
                reason: format!(
                    "not valid UTF-8 (at byte {}); read with the invalid bytes replaced",
                    e.valid_up_to()
                ),
            }));
            lossy = String::from_utf8_lossy(&bytes).into_owned();
            lossy.as_str()
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
        let _ = tx.send(Item::Facts(Box::new(facts)));
        return;
    }
    // The hits' offsets are the file's bytes': after a BOM or a lossy read, found again.
    let hits = if text.len() == bytes.len() {
        hits
    } else {
        pre.hits_in(lang, text.as_bytes(), opts.whole_files)
    };
    let _ = tx.send(Item::Parsed);
    let focus = (!opts.whole_files).then_some(hits.as_slice());
    match crate::scan::extract_file(lang, &rel, text, rules, true, focus) {
        Ok(mut facts) => {
            facts.test = is_test_path(&rel);
            facts.generated = generated.is_generated(&rel, text);
            for note in std::mem::take(&mut facts.notes) {
                let _ = tx.send(Item::ParseError(Skipped {
                    path: rel.clone(),
                    reason: note,
                }));
            }
            if let Some((line, col)) = facts.syntax_error {
                let _ = tx.send(Item::ParseError(Skipped {
                    path: rel.clone(),
                    reason: format!(
                        "syntax error at {line}:{col}; the rest of the file was still read"
                    ),
                }));
            }
            let _ = tx.send(Item::Facts(Box::new(facts)));
        }
        Err(reason) => skip(reason),
    }
}

/// A progress line on stderr for long walks: silent for the first second, then the count of
/// files read and parsed, redrawn at most four times a second, erased at the end.
struct Progress {
    start: std::time::Instant,
    last: std::cell::Cell<Option<std::time::Instant>>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            start: std::time::Instant::now(),
            last: std::cell::Cell::new(None),
        }
    }

    fn tick(&self, files: usize, parsed: usize) {
        let now = std::time::Instant::now();
        if now.duration_since(self.start).as_millis() < 1000 {
            return;
        }
        if self
            .last
            .get()
            .is_some_and(|l| now.duration_since(l).as_millis() < 250)
        {
            return;
        }
        self.last.set(Some(now));
        eprint!("\r\x1b[Kflagdebt: {files} files read, {parsed} parsed");
    }

    fn done(&self) {
        if self.last.get().is_some() {
            eprint!("\r\x1b[K");
        }
    }
}
