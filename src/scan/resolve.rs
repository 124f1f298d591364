//! Key resolution: turn each raw reference's key into a flag key. Literals map directly (env
//! variable names through the configured prefix mapping); identifier paths are looked up in the
//! file's own constants, then through its imports in the files they name (parsed on demand,
//! constants only, once each). What cannot be resolved is reported, never guessed.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

use super::extract::{FileFacts, Import, KeyExpr};
use super::index::{dir_of, ends_with_segments, FileIndex};
use super::{CodeDecl, Reference, Skipped, Unresolved, Via};
use crate::lang::{Language, Modules};
use crate::rules::RuleSet;
use crate::walk::WalkOptions;

pub struct Resolved {
    pub references: Vec<Reference>,
    pub unresolved: Vec<Unresolved>,
    pub declarations: Vec<CodeDecl>,
    pub skipped: Vec<Skipped>,
}

/// Constants of files, parsed on demand.
struct ConstCache<'a> {
    index: &'a FileIndex,
    rules: &'a RuleSet,
    opts: &'a WalkOptions,
    /// Shared, so a lookup does not copy a file's constant table.
    parsed: HashMap<String, Option<Rc<Exports>>>,
    skipped: Vec<Skipped>,
    /// Go import path → the package's files (found once per path: symbol uses look the same
    /// packages up many times).
    go_packages: HashMap<String, Vec<String>>,
    /// (Go import path, name in the package) → its value: a package's name means the same in
    /// every file that imports it, so each is looked up once however many files use it.
    go_names: HashMap<(String, Vec<String>), Option<String>>,
}

/// What a file offers to others: its constants and its re-exports.
struct Exports {
    constants: HashMap<String, String>,
    reexports: Vec<Import>,
}

impl ConstCache<'_> {
    fn exports(&mut self, rel: &str) -> Option<Rc<Exports>> {
        if !self.parsed.contains_key(rel) {
            let loaded = self.load(rel).map(Rc::new);
            self.parsed.insert(rel.to_string(), loaded);
        }
        self.parsed.get(rel).and_then(|c| c.clone())
    }

    /// Look `path` up in `file`: its constants, then (depth-bounded) its re-exports.
    fn find_in(
        &mut self,
        lang: Language,
        file: &str,
        path: &[String],
        depth: usize,
    ) -> Option<String> {
        let ex = self.exports(file)?;
        if let Some(v) = find(&ex.constants, path) {
            return Some(v);
        }
        if depth == 0 {
            return None;
        }
        for r in &ex.reexports {
            let target_path: Vec<String> = if r.local == "*" {
                path.to_vec()
            } else if path.first() == Some(&r.local) {
                r.item
                    .iter()
                    .cloned()
                    .chain(path[1..].iter().cloned())
                    .collect()
            } else {
                continue;
            };
            let imp = Import {
                local: String::new(),
                module: r.module.clone(),
                item: None,
            };
            let cands = import_candidates(
                lang,
                file,
                &imp,
                &target_path,
                self.index,
                &mut self.go_packages,
            );
            for (f, p) in cands {
                if f != file {
                    if let Some(v) = self.find_in(lang, &f, &p, depth - 1) {
                        return Some(v);
                    }
                }
            }
        }
        None
    }

    fn load(&mut self, rel: &str) -> Option<Exports> {
        let (lang, path) = self.index.get(rel)?;
        let bytes = super::read::read_source(path, self.opts.max_file_size).ok()?;
        // Lossy, as the walk reads it (the walk notes the file when it reads it itself).
        let text = super::lossy(&bytes);
        // Constants and re-exports only: no function body needs reading.
        let focus = (!self.opts.whole_files).then_some(&[][..]);
        let facts = super::extract_file(*lang, rel, &text, self.rules, false, focus).ok()?;
        Some(Exports {
            constants: facts.constants,
            reexports: facts.reexports,
        })
    }
}

pub fn resolve(
    _root: &Path,
    facts: Vec<FileFacts>,
    index: &FileIndex,
    rules: &RuleSet,
    opts: &WalkOptions,
) -> Resolved {
    let mut cache = ConstCache {
        index,
        rules,
        opts,
        parsed: HashMap::new(),
        skipped: Vec::new(),
        go_packages: HashMap::new(),
        go_names: HashMap::new(),
    };
    // Files parsed with rules already have their constants.
    // Fast-path files were not parsed: their constants are read on demand like any other's.
    for f in facts.iter().filter(|f| !f.fast) {
        cache.parsed.insert(
            f.path.clone(),
            Some(Rc::new(Exports {
                constants: f.constants.clone(),
                reexports: f.reexports.clone(),
            })),
        );
    }
    let mut references = Vec::new();
    let mut unresolved = Vec::new();
    let mut declarations = Vec::new();
    // Declarations first: `declared_only` reads are kept only for keys declared in code.
    for f in &facts {
        let Some(lang) = f.language else { continue };
        // Tests declare throwaway flags of their own; those are not the registry.
        if f.test {
            continue;
        }
        for d in &f.decls {
            let rule = &rules.rules[d.rule];
            match key_of(f, lang, &d.key, index, &mut cache).0 {
                Ok(key) => declarations.push(CodeDecl {
                    key,
                    path: f.path.clone(),
                    span: d.span,
                    language: lang,
                    provider: rule.provider.clone(),
                    rule: rule.id.clone(),
                    fields: d.fields.clone(),
                }),
                // `flag = FeatureFlag{Name: name}` inside a function builds a value at run
                // time (a lookup, a parse): it declares nothing, like a constructor.
                Err(_) if d.in_function => {}
                Err(reason) => unresolved.push(unresolved_of(
                    f,
                    lang,
                    rule,
                    &d.expr,
                    d.span,
                    format!("declaration: {reason}"),
                )),
            }
        }
    }
    let declared: HashSet<&str> = declarations.iter().map(|d| d.key.as_str()).collect();
    for f in &facts {
        let Some(lang) = f.language else { continue };
        for r in &f.refs {
            let rule = &rules.rules[r.rule];
            let (value, via) = key_of(f, lang, &r.key, index, &mut cache);
            let via = if rule.wrapper {
                Via::Wrapper
            } else if rule.symbol {
                Via::Symbol
            } else {
                via
            };
            match value {
                Ok(v) => {
                    let (flag, via, env_var) = if rule.is_env {
                        match rules.env.map_with(&v, rule.key_transform) {
                            Some(k) => (k, Via::Env, Some(v)),
                            None => continue, // a constant naming a non-flag variable
                        }
                    } else {
                        (v, via, None)
                    };
                    if rule.declared_only && !declared.contains(flag.as_str()) {
                        continue; // `settings.DATABASE_URL`: not a declared flag
                    }
                    references.push(Reference {
                        flag,
                        path: f.path.clone(),
                        span: r.span,
                        language: lang,
                        provider: rule.provider.clone(),
                        rule: rule.id.clone(),
                        via,
                        default: r.default.clone(),
                        test: f.test || r.test,
                        generated: f.generated,
                        env_var,
                        expr: matches!(r.key, KeyExpr::Path(_)).then(|| r.expr.clone()),
                        consumer: None,
                        key_case: rule.key_case,
                    });
                }
                // An env read through a name flagdebt cannot resolve (`ENV[name]`,
                // `process.env[key]`) is not visibly a flag read, like `os.environ.get(name)`.
                Err(_) if rule.is_env && matches!(r.key, KeyExpr::Path(_)) => {}
                // A `declared_only` rule reads declared keys only: anything else is not a read.
                Err(_) if rule.declared_only => {}
                // A name that is not the declared symbol here (another package's `X`).
                Err(_) if rule.symbol => {}
                Err(reason) => {
                    let mut u = unresolved_of(f, lang, rule, &r.expr, r.span, reason);
                    u.test |= r.test;
                    unresolved.push(u)
                }
            }
        }
    }
    Resolved {
        references,
        unresolved,
        declarations,
        skipped: cache.skipped,
    }
}

/// A key expression's value and how it was found.
fn key_of(
    f: &FileFacts,
    lang: Language,
    key: &KeyExpr,
    index: &FileIndex,
    cache: &mut ConstCache,
) -> (Result<String, String>, Via) {
    match key {
        KeyExpr::Literal(k) => (Ok(k.clone()), Via::Literal),
        KeyExpr::Dynamic(why) => (Err(format!("the key is {why}")), Via::Literal),
        KeyExpr::Path(p) => (
            lookup(f, lang, p, index, cache).ok_or_else(|| {
                format!(
                    "`{}` is not a string constant flagdebt can resolve",
                    p.join(".")
                )
            }),
            Via::Constant,
        ),
    }
}

fn unresolved_of(
    f: &FileFacts,
    lang: Language,
    rule: &crate::rules::Rule,
    expr: &str,
    span: crate::finding::Span,
    reason: String,
) -> Unresolved {
    Unresolved {
        path: f.path.clone(),
        span,
        language: lang,
        provider: rule.provider.clone(),
        rule: rule.id.clone(),
        expr: expr.to_string(),
        reason,
        test: f.test,
    }
}

/// Look a dotted constant path up in a constant table, allowing an enum member's value
/// accessor: Python's `.value`, Kotlin's `.key` property, Swift's `.rawValue`.
fn find(consts: &HashMap<String, String>, path: &[String]) -> Option<String> {
    constant_names(path).find_map(|n| consts.get(&n).cloned())
}

/// The names a constant `path` can be defined under: the path joined, and for
/// `FlagKey.NEW_CHECKOUT.value` (Python enum), `Flag.NEW_CHECKOUT.key` (a Kotlin enum's
/// property), `Flag.darkMode.rawValue` (Swift) the path without that last segment (`.name` is
/// the member's name, not its value).
fn constant_names(path: &[String]) -> impl Iterator<Item = String> + '_ {
    let suffixed =
        path.len() > 1 && matches!(path[path.len() - 1].as_str(), "value" | "key" | "rawValue");
    let bare = suffixed.then(|| path[..path.len() - 1].join("."));
    (!path.is_empty())
        .then(|| path.join("."))
        .into_iter()
        .chain(bare)
}

fn lookup(
    f: &FileFacts,
    lang: Language,
    path: &[String],
    index: &FileIndex,
    cache: &mut ConstCache,
) -> Option<String> {
    if let Some(v) = find(&f.constants, path) {
        return Some(v);
    }
    // The import that binds the longest prefix of the path.
    let bound = f
        .imports
        .iter()
        .filter_map(|imp| {
            let segs: Vec<&str> = imp.local.split('.').collect();
            (path.len() >= segs.len() && path.iter().zip(&segs).all(|(a, b)| a == b))
                .then_some((imp, segs.len()))
        })
        .max_by_key(|(_, n)| *n);
    // A Go package's name, looked up before from another file (unless this file is one of the
    // package's: its own files are never candidates).
    let go_name = match bound {
        Some((imp, n)) if lang.spec().modules == Modules::GoPackages => {
            let key = (imp.module.clone(), path[n..].to_vec());
            if let Some(v) = cache.go_names.get(&key) {
                let own = cache
                    .go_packages
                    .get(&imp.module)
                    .is_some_and(|files| files.contains(&f.path));
                if !own {
                    return v.clone();
                }
            }
            Some(key)
        }
        _ => None,
    };
    let candidates: Vec<(String, Vec<String>)> = match bound {
        Some((imp, n)) => import_candidates(
            lang,
            &f.path,
            imp,
            &path[n..],
            index,
            &mut cache.go_packages,
        ),
        // A Go package's constants are top-level names, one identifier each: a longer path
        // with no import at its head (`cfg.flags.X`, a variable's field) is none of them.
        None if lang.spec().modules == Modules::GoPackages
            && constant_names(path).all(|n| n.contains('.')) =>
        {
            Vec::new()
        }
        None => same_scope_candidates(lang, &f.path, f.package.as_deref(), path, index),
    };
    // A Go package defines a name once: the files of it already read go first, and a
    // parse is needed only when none of them has the name.
    let mut candidates = candidates;
    if lang.spec().modules == Modules::GoPackages {
        candidates.sort_by_key(|(file, _)| !cache.parsed.contains_key(file));
    }
    let mut own = false;
    let mut found = None;
    for (file, cpath) in candidates {
        if file == f.path {
            own = true;
            continue;
        }
        if let Some(v) = cache.find_in(lang, &file, &cpath, 4) {
            found = Some(v);
            break;
        }
    }
    if let Some(key) = go_name.filter(|_| !own) {
        cache.go_names.insert(key, found.clone());
    }
    found
}

fn join(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_string()
    } else {
        format!("{dir}/{rest}")
    }
}

/// Normalise `a/./b/../c` → `a/c`.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

fn import_candidates(
    lang: Language,
    importer: &str,
    imp: &Import,
    rest: &[String],
    index: &FileIndex,
    go_packages: &mut HashMap<String, Vec<String>>,
) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let with = |head: &[String]| -> Vec<String> { head.iter().chain(rest).cloned().collect() };
    match lang.spec().modules {
        Modules::Python => {
            let files_of = |module: &str| -> Vec<String> {
                let dots = module.chars().take_while(|c| *c == '.').count();
                let body = module[dots..].replace('.', "/");
                let mut found = Vec::new();
                if dots > 0 {
                    let mut dir = dir_of(importer).to_string();
                    for _ in 1..dots {
                        dir = dir_of(&dir).to_string();
                    }
                    for cand in [format!("{body}.py"), format!("{body}/__init__.py")] {
                        let p = normalize(&join(&dir, &cand));
                        if index.contains_key(&p) {
                            found.push(p);
                        }
                    }
                } else {
                    for cand in [format!("{body}.py"), format!("{body}/__init__.py")] {
                        found.extend(index.ending(&cand).into_iter().cloned());
                    }
                }
                found
            };
            match &imp.item {
                Some(item) => {
                    // `from app import flag_keys` (a module) or `from app.flag_keys import X`.
                    let sub = if imp.module.ends_with('.') {
                        format!("{}{item}", imp.module)
                    } else {
                        format!("{}.{item}", imp.module)
                    };
                    for file in files_of(&sub) {
                        out.push((file, with(&[])));
                    }
                    for file in files_of(&imp.module) {
                        out.push((file, with(std::slice::from_ref(item))));
                    }
                }
                None => {
                    for file in files_of(&imp.module) {
                        out.push((file, with(&[])));
                    }
                }
            }
        }
        Modules::GoPackages => {
            let files = go_packages
                .entry(imp.module.clone())
                .or_insert_with(|| index.go_package_files(&imp.module));
            for k in files.iter() {
                out.push((k.clone(), with(&[])));
            }
        }
        Modules::Node => {
            let files = js_module_files(importer, &imp.module, index);
            let head: Vec<String> = match &imp.item {
                Some(i) => vec![i.clone()],
                None => vec![],
            };
            for f in files {
                out.push((f, with(&head)));
            }
        }
        Modules::JavaClasses => {
            // `com.x.FlagKeys` → `com/x/FlagKeys.java` (head `FlagKeys`); a nested class
            // `com.x.Outer.Inner` → `com/x/Outer.java` (head `Outer.Inner`). Trees that do not
            // mirror their packages: the class's own file name, anywhere.
            let segs: Vec<&str> = imp.module.split('.').collect();
            let mut found: Option<(Vec<String>, usize)> = None;
            for end in (1..=segs.len()).rev() {
                if end < 2 && segs.len() > 1 {
                    break;
                }
                let file = format!("{}.{}", segs[..end].join("/"), class_ext(lang));
                let files: Vec<String> = index.ending(&file).into_iter().cloned().collect();
                if !files.is_empty() {
                    found = Some((files, end - 1));
                    break;
                }
            }
            if found.is_none() {
                // The outermost capitalised segment is the top-level class.
                let top = segs
                    .iter()
                    .position(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
                    .unwrap_or(segs.len() - 1);
                let files: Vec<String> = index
                    .ending(&format!("{}.{}", segs[top], class_ext(lang)))
                    .into_iter()
                    .cloned()
                    .collect();
                found = Some((files, top));
            }
            let (files, top) = found.unwrap_or_default();
            let mut head: Vec<String> = segs[top..].iter().map(|s| s.to_string()).collect();
            if let Some(i) = &imp.item {
                head.push(i.clone());
            }
            for f in files {
                out.push((f, with(&head)));
            }
        }
        Modules::ClassFiles => {
            // `using`/`import`/`use` of a class: the class's own file (one class per file),
            // else the files of its package's folder (`import shop.flags.Flag` with `Flag` in
            // `shop/flags/FlagKeys.kt`).
            let (package, class) = imp.module.rsplit_once('.').unwrap_or(("", &imp.module));
            let path: Vec<String> = std::iter::once(class.to_string())
                .chain(rest.iter().cloned())
                .collect();
            let found = class_file_candidates(lang, &path, index);
            if found.is_empty() && !package.is_empty() && path.len() > 1 {
                let dir = package.replace('.', "/");
                let ext = format!(".{}", class_ext(lang));
                for k in index.keys() {
                    let d = dir_of(k);
                    if k.ends_with(&ext) && ends_with_segments(d, &dir) {
                        out.push((k.clone(), path.clone()));
                    }
                }
            }
            out.extend(found);
        }
        Modules::RubyAutoload | Modules::None => {}
    }
    out
}

/// The files a JavaScript / TypeScript module specifier names from `importer`: a relative
/// path with each extension or `index` file, or a path alias (`@/lib/flags`) by suffix.
pub(super) fn js_module_files(importer: &str, module: &str, index: &FileIndex) -> Vec<String> {
    let base = if module.starts_with('.') {
        Some(normalize(&join(dir_of(importer), module)))
    } else {
        None
    };
    let exts = [
        ".ts",
        ".tsx",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        "/index.ts",
        "/index.tsx",
        "/index.js",
    ];
    let mut files = Vec::new();
    match base {
        Some(b) => {
            if index.contains_key(&b) {
                files.push(b.clone());
            }
            for e in exts {
                let p = format!("{b}{e}");
                if index.contains_key(&p) {
                    files.push(p);
                }
            }
        }
        None => {
            // A path alias (`@/lib/flags`, `~/flags`): match by suffix.
            let stripped = module
                .trim_start_matches(['@', '~'])
                .trim_start_matches('/');
            for e in exts {
                files.extend(index.ending(&format!("{stripped}{e}")).into_iter().cloned());
            }
        }
    }
    files
}

/// Names used without an import: Go's same package, Java's same package, Python's nothing.
fn same_scope_candidates(
    lang: Language,
    importer: &str,
    package: Option<&str>,
    path: &[String],
    index: &FileIndex,
) -> Vec<(String, Vec<String>)> {
    let dir = dir_of(importer);
    match lang.spec().modules {
        Modules::GoPackages => {
            // The folder's files sort together: from `dir/` on, while the prefix holds.
            let from = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            index
                .range(from.clone()..)
                .map(|(k, _)| k)
                .take_while(|k| k.starts_with(&from))
                .filter(|k| dir_of(k) == dir && k.ends_with(".go"))
                .map(|k| (k.clone(), path.to_vec()))
                .collect()
        }
        Modules::JavaClasses => {
            // A class of the same package, or a fully qualified name
            // (`com.example.flags.FlagKeys.X` → `com/example/flags/FlagKeys.java`).
            let file = join(dir, &format!("{}.{}", path[0], class_ext(lang)));
            if index.contains_key(&file) {
                return vec![(file, path.to_vec())];
            }
            let mut out = Vec::new();
            // The same package in another source root (`src/test/java` reading
            // `src/main/java`): a file of the package's folder, wherever it is.
            if let Some(pkg) = package {
                let suffix = format!("{}/{}.{}", pkg.replace('.', "/"), path[0], class_ext(lang));
                for f in index.ending(&suffix) {
                    out.push((f.clone(), path.to_vec()));
                }
            }
            for k in (2..path.len()).rev() {
                let suffix = format!("{}.{}", path[..k].join("/"), class_ext(lang));
                for f in index.ending(&suffix) {
                    out.push((f.clone(), path[k - 1..].to_vec()));
                }
            }
            out
        }
        Modules::RubyAutoload => {
            // No imports: a constant lives where Zeitwerk would autoload it from
            // (`Flags::Checkout::NEW` → `flags.rb`, `flags/checkout.rb`).
            let mut out = Vec::new();
            for n in 1..path.len() {
                let file = format!(
                    "{}.{}",
                    path[..n]
                        .iter()
                        .map(|s| snake_case(s))
                        .collect::<Vec<_>>()
                        .join("/"),
                    class_ext(lang)
                );
                for f in index.ending(&file) {
                    out.push((f.clone(), path.to_vec()));
                }
            }
            out
        }
        Modules::ClassFiles => class_file_candidates(lang, path, index),
        Modules::Python | Modules::Node | Modules::None => Vec::new(),
    }
}

/// The extension of a file named after what it defines (a class, a Ruby constant): the
/// language's first.
fn class_ext(lang: Language) -> &'static str {
    lang.spec().extensions.first().copied().unwrap_or("")
}

/// C#, Kotlin, PHP and Swift: `FlagKeys.X` (`FlagKeys::X`) lives in the class's own file,
/// `FlagKeys.cs` / `.kt` / `.php` / `.swift`, anywhere in the tree.
fn class_file_candidates(
    lang: Language,
    path: &[String],
    index: &FileIndex,
) -> Vec<(String, Vec<String>)> {
    let ext = class_ext(lang);
    if path.len() < 2 {
        return Vec::new();
    }
    index
        .ending(&format!("{}.{ext}", path[0]))
        .into_iter()
        .map(|f| (f.clone(), path.to_vec()))
        .collect()
}

/// `FeatureFlags` → `feature_flags`, `HTTPFlags` → `http_flags` (Zeitwerk's file names).
fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i > 0 && (prev_lower || next_lower && chars[i - 1].is_ascii_uppercase()) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("web/src/../lib/./flags"), "web/lib/flags");
    }

    #[test]
    fn snake_cases_ruby_constants() {
        assert_eq!(snake_case("Flags"), "flags");
        assert_eq!(snake_case("FeatureFlags"), "feature_flags");
        assert_eq!(snake_case("HTTPFlags"), "http_flags");
        assert_eq!(snake_case("Flags2Go"), "flags2_go");
    }
}
