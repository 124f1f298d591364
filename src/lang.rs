//! Languages flagdebt reads, one entry each in [`SPECS`]: how a file is recognised, which
//! parser reads it, how its comments and strings look, how its literals are spelled, how its
//! names reach other files, and how its test files are named. Everything else asks the table
//! through [`Language::spec`].
//!
//! Adding a language is a variant of [`Language`] and its [`Spec`] in [`SPECS`], its grammar
//! crate (Cargo.toml), its adapter module under `src/scan/` (how its calls, imports and
//! constants look in the syntax tree), and rule packs naming it (`rules/*.yml`). The lexer
//! ([`crate::scan::lexical`]) is shared by languages that write strings and comments alike
//! ([`Lexis`]); a language with a new string syntax adds its case there.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::scan::extract::Adapter;
use crate::{fix, scan};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    Go,
    JavaScript,
    TypeScript,
    Tsx,
    Java,
    Ruby,
    Rust,
    CSharp,
    Kotlin,
    Php,
    Swift,
    /// Any file read by a `kind: text` rule (templates, CI YAML, shell): no parser.
    Text,
}

/// Everything flagdebt knows of one language that is not in its adapter or its rules.
pub struct Spec {
    pub lang: Language,
    /// As in output and in `--format json` (the serde name).
    pub name: &'static str,
    /// The names a rule's `languages:` may give it (`typescript` is TypeScript and TSX).
    pub rule_names: &'static [&'static str],
    /// File extensions (after the name's last dot).
    pub extensions: &'static [&'static str],
    /// Whole file names without an extension of the language (`Rakefile`).
    pub file_names: &'static [&'static str],
    /// Tokens that open a comment, for `flagdebt: ignore[...]`.
    pub comments: &'static [&'static str],
    /// Whether a call needs parentheses (Ruby's do not), which lets the prefilter demand
    /// `name(` rather than `name`.
    pub calls_need_parens: bool,
    /// How blocks nest, for leaving function bodies without a flag read out of the parse.
    pub blocks: Blocks,
    /// How strings and comments are written, for the lexer.
    pub lexis: Lexis,
    /// What reads a file into a syntax tree.
    pub parser: Parser,
    /// Input the grammar's hand-written scanner cannot take (it would abort the process):
    /// why, found by a cheap pass before the parse ([`crate::scan::guard`]).
    pub scanner_limits: Option<fn(&str) -> Option<String>>,
    /// How plain literals are spelled, for reading them without a parse.
    pub literals: Words,
    /// The words that open an import statement, read before a parse (which names a file
    /// binds).
    pub import_keywords: &'static [&'static str],
    /// How a name reaches another file, for keys through constants defined elsewhere.
    pub modules: Modules,
    /// The languages whose symbols (constants, accessors) this one's code can use.
    pub shares_symbols_with: &'static [Language],
    /// How the language names its test files, beside the shared conventions.
    pub tests: TestFiles,
    /// The rewriter `flagdebt fix` uses, where there is one.
    pub fix: Option<&'static dyn crate::fix::simplify::Adapter>,
}

impl Spec {
    /// The adapter that reads this language's syntax trees, where it has a tree-sitter
    /// grammar.
    pub fn tree_sitter_adapter(&self) -> Option<&'static dyn Adapter> {
        match self.parser {
            Parser::TreeSitter(_, ad) => Some(ad),
            Parser::Syn | Parser::None => None,
        }
    }
}

/// What reads a language's files.
#[derive(Clone, Copy)]
pub enum Parser {
    /// A tree-sitter grammar and the adapter that reads its trees.
    TreeSitter(fn() -> tree_sitter::Language, &'static dyn Adapter),
    /// syn (Rust).
    Syn,
    /// Nothing: text rules read the file as plain text.
    None,
}

/// How blocks are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    /// `{ ... }`: functions open with `) {`, `=> {`, or (Go) `func ... {`.
    Braces,
    /// Indentation after a `:` (Python `def`).
    Indent,
    /// Always parsed whole (Ruby's `def ... end`, Rust through syn, PHP's HTML around code).
    Whole,
}

/// How a language writes strings and comments: the lexer's cases
/// ([`crate::scan::lexical`]). Languages that write them alike share one (JavaScript,
/// TypeScript and TSX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lexis {
    Python,
    Js,
    Go,
    Java,
    Ruby,
    Rust,
    CSharp,
    Kotlin,
    Php,
    Swift,
}

impl Lexis {
    /// Every family, in declaration order (`ALL[f as usize] == f`).
    pub const ALL: [Lexis; 10] = [
        Lexis::Python,
        Lexis::Js,
        Lexis::Go,
        Lexis::Java,
        Lexis::Ruby,
        Lexis::Rust,
        Lexis::CSharp,
        Lexis::Kotlin,
        Lexis::Php,
        Lexis::Swift,
    ];
}

/// How plain literals are spelled.
pub struct Words {
    /// The words for true and false.
    pub truth: [&'static str; 2],
    /// The words for null.
    pub nulls: &'static [&'static str],
    /// The quote bytes that open a string (Go's and Java's `'` opens a character).
    pub quotes: &'static [u8],
}

/// How a name reaches another file ([`crate::scan::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modules {
    /// `import a.b` / `from a.b import X`: `a/b.py` or `a/b/__init__.py`, relative with dots.
    Python,
    /// Import paths name package folders; a package's files share their names.
    GoPackages,
    /// `import { X } from "./a"`: relative files, `index` files for folders.
    Node,
    /// `import a.b.C`: `a/b/C.java`; a package's classes are visible without an import.
    JavaClasses,
    /// No imports: a constant lives where Zeitwerk autoloads it (`A::B` in `a/b.rb`).
    RubyAutoload,
    /// One class per file named after it, with the language's first extension (C#, Kotlin,
    /// PHP, Swift): `using`/`import` of the class, or the files of its package's folder.
    ClassFiles,
    /// Keys through constants in other files are not followed.
    None,
}

impl Modules {
    /// Whether a file of this stem stands for its folder, the name importers write: every
    /// file of a Go package, a Python `__init__.py`, a JavaScript `index.js`.
    pub fn names_its_folder(self, stem: &str) -> bool {
        match self {
            Modules::GoPackages => true,
            Modules::Python => stem == "__init__",
            Modules::Node => stem == "index",
            _ => false,
        }
    }

    /// Whether the files of one folder see each other's names without an import (Go and
    /// Java packages).
    pub fn folder_shares_names(self) -> bool {
        matches!(self, Modules::GoPackages | Modules::JavaClasses)
    }
}

/// Test-file names of one language, beside the shared conventions of [`is_test_path`].
pub struct TestFiles {
    /// Lower-cased file-name suffixes (`_test.go`).
    pub suffixes: &'static [&'static str],
    /// Lower-cased file-name prefixes (`test_checkout.py`).
    pub prefixes: &'static [&'static str],
    /// Whole lower-cased file names (`conftest.py`).
    pub names: &'static [&'static str],
    /// Suffixes of a class-named file's stem (`CartServiceTests.cs`), case as written and
    /// never the whole stem; with them, folders named `*Tests` (test projects and targets,
    /// `Cart.UnitTests/`) hold tests too.
    pub classes: &'static [&'static str],
}

const NO_TESTS: TestFiles = TestFiles {
    suffixes: &[],
    prefixes: &[],
    names: &[],
    classes: &[],
};
const CLASS_TESTS: TestFiles = TestFiles {
    classes: &["Test", "Tests"],
    ..NO_TESTS
};
const C_LIKE: Words = Words {
    truth: ["true", "false"],
    nulls: &["null"],
    quotes: b"\"",
};
const JS_FAMILY: &[Language] = &[Language::JavaScript, Language::TypeScript, Language::Tsx];

/// JavaScript, which TypeScript and TSX write alike but for their grammars.
const JAVASCRIPT: Spec = Spec {
    lang: Language::JavaScript,
    name: "javascript",
    rule_names: &["javascript", "js", "jsx"],
    extensions: &["js", "jsx", "mjs", "cjs"],
    file_names: &[],
    comments: &["//", "/*"],
    calls_need_parens: true,
    blocks: Blocks::Braces,
    lexis: Lexis::Js,
    parser: Parser::TreeSitter(|| tree_sitter_javascript::LANGUAGE.into(), &scan::js::Js),
    scanner_limits: None,
    literals: Words {
        nulls: &["null", "undefined"],
        quotes: b"\"'",
        ..C_LIKE
    },
    import_keywords: &["import"],
    modules: Modules::Node,
    shares_symbols_with: JS_FAMILY,
    tests: NO_TESTS,
    fix: Some(&fix::js::Js),
};

/// The table, in [`Language`] order (the text pseudo-language is [`TEXT`]).
pub const SPECS: [Spec; 12] = [
    Spec {
        lang: Language::Python,
        name: "python",
        rule_names: &["python", "py"],
        extensions: &["py", "pyi"],
        file_names: &[],
        comments: &["#"],
        calls_need_parens: true,
        blocks: Blocks::Indent,
        lexis: Lexis::Python,
        parser: Parser::TreeSitter(
            || tree_sitter_python::LANGUAGE.into(),
            &scan::python::Python,
        ),
        scanner_limits: Some(scan::guard::python_indents),
        literals: Words {
            truth: ["True", "False"],
            nulls: &["None"],
            quotes: b"\"'",
        },
        import_keywords: &["import", "from"],
        modules: Modules::Python,
        shares_symbols_with: &[Language::Python],
        tests: TestFiles {
            suffixes: &["_test.py"],
            prefixes: &["test_"],
            names: &["conftest.py"],
            classes: &[],
        },
        fix: Some(&fix::python::Python),
    },
    Spec {
        lang: Language::Go,
        name: "go",
        rule_names: &["go", "golang"],
        extensions: &["go"],
        file_names: &[],
        comments: &["//", "/*"],
        calls_need_parens: true,
        blocks: Blocks::Braces,
        lexis: Lexis::Go,
        parser: Parser::TreeSitter(|| tree_sitter_go::LANGUAGE.into(), &scan::go::Go),
        scanner_limits: None,
        literals: Words {
            nulls: &["nil"],
            ..C_LIKE
        },
        import_keywords: &["import"],
        modules: Modules::GoPackages,
        shares_symbols_with: &[Language::Go],
        tests: TestFiles {
            suffixes: &["_test.go"],
            ..NO_TESTS
        },
        fix: Some(&fix::go::Go),
    },
    JAVASCRIPT,
    Spec {
        lang: Language::TypeScript,
        name: "typescript",
        rule_names: &["typescript", "ts"],
        extensions: &["ts", "mts", "cts"],
        parser: Parser::TreeSitter(
            || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            &scan::js::Js,
        ),
        ..JAVASCRIPT
    },
    Spec {
        lang: Language::Tsx,
        name: "tsx",
        rule_names: &["tsx", "typescript", "ts"],
        extensions: &["tsx"],
        parser: Parser::TreeSitter(
            || tree_sitter_typescript::LANGUAGE_TSX.into(),
            &scan::js::Js,
        ),
        ..JAVASCRIPT
    },
    Spec {
        lang: Language::Java,
        name: "java",
        rule_names: &["java"],
        extensions: &["java"],
        file_names: &[],
        comments: &["//", "/*"],
        calls_need_parens: true,
        blocks: Blocks::Braces,
        lexis: Lexis::Java,
        parser: Parser::TreeSitter(|| tree_sitter_java::LANGUAGE.into(), &scan::java::Java),
        scanner_limits: None,
        literals: C_LIKE,
        import_keywords: &["import"],
        modules: Modules::JavaClasses,
        shares_symbols_with: &[Language::Java],
        // Maven Surefire's and Gradle's default test classes.
        tests: TestFiles {
            classes: &["Test", "Tests", "TestCase"],
            ..NO_TESTS
        },
        fix: Some(&fix::java::Java),
    },
    Spec {
        lang: Language::Ruby,
        name: "ruby",
        rule_names: &["ruby", "rb"],
        extensions: &["rb", "rake"],
        file_names: &["Rakefile", "Gemfile"],
        comments: &["#"],
        calls_need_parens: false,
        blocks: Blocks::Whole,
        lexis: Lexis::Ruby,
        parser: Parser::TreeSitter(|| tree_sitter_ruby::LANGUAGE.into(), &scan::ruby::Ruby),
        scanner_limits: Some(scan::guard::ruby_heredocs),
        literals: Words {
            nulls: &["nil"],
            quotes: b"\"'",
            ..C_LIKE
        },
        import_keywords: &[],
        modules: Modules::RubyAutoload,
        shares_symbols_with: &[Language::Ruby],
        tests: TestFiles {
            suffixes: &["_spec.rb", "_test.rb"],
            ..NO_TESTS
        },
        fix: Some(&fix::ruby::Ruby),
    },
    Spec {
        lang: Language::Rust,
        name: "rust",
        rule_names: &["rust", "rs"],
        extensions: &["rs"],
        file_names: &[],
        comments: &["//", "/*"],
        calls_need_parens: true,
        blocks: Blocks::Whole,
        lexis: Lexis::Rust,
        parser: Parser::Syn,
        scanner_limits: None,
        literals: Words {
            nulls: &[],
            ..C_LIKE
        },
        import_keywords: &["use"],
        modules: Modules::None,
        shares_symbols_with: &[Language::Rust],
        tests: NO_TESTS,
        fix: None,
    },
    Spec {
        lang: Language::CSharp,
        name: "csharp",
        rule_names: &["csharp", "cs", "c#"],
        extensions: &["cs"],
        file_names: &[],
        comments: &["//", "/*"],
        calls_need_parens: true,
        blocks: Blocks::Braces,
        lexis: Lexis::CSharp,
        parser: Parser::TreeSitter(
            || tree_sitter_c_sharp::LANGUAGE.into(),
            &scan::csharp::CSharp,
        ),
        scanner_limits: None,
        literals: C_LIKE,
        import_keywords: &["using"],
        modules: Modules::ClassFiles,
        shares_symbols_with: &[Language::CSharp],
        tests: CLASS_TESTS,
        fix: None,
    },
    Spec {
        lang: Language::Kotlin,
        name: "kotlin",
        rule_names: &["kotlin", "kt"],
        extensions: &["kt", "kts"],
        file_names: &[],
        comments: &["//", "/*"],
        calls_need_parens: true,
        blocks: Blocks::Braces,
        lexis: Lexis::Kotlin,
        parser: Parser::TreeSitter(
            || tree_sitter_kotlin_ng::LANGUAGE.into(),
            &scan::kotlin::Kotlin,
        ),
        scanner_limits: None,
        literals: C_LIKE,
        import_keywords: &["import"],
        modules: Modules::ClassFiles,
        shares_symbols_with: &[Language::Kotlin],
        tests: CLASS_TESTS,
        fix: None,
    },
    Spec {
        lang: Language::Php,
        name: "php",
        rule_names: &["php"],
        extensions: &["php"],
        file_names: &[],
        comments: &["//", "#", "/*"],
        calls_need_parens: true,
        // Files mix HTML and code (`<?php ... ?>`): read whole.
        blocks: Blocks::Whole,
        lexis: Lexis::Php,
        // `LANGUAGE_PHP` reads `<?php` files with HTML around the code.
        parser: Parser::TreeSitter(|| tree_sitter_php::LANGUAGE_PHP.into(), &scan::php::Php),
        scanner_limits: None,
        literals: Words {
            quotes: b"\"'",
            ..C_LIKE
        },
        import_keywords: &["use"],
        modules: Modules::ClassFiles,
        shares_symbols_with: &[Language::Php],
        tests: CLASS_TESTS,
        fix: None,
    },
    Spec {
        lang: Language::Swift,
        name: "swift",
        rule_names: &["swift"],
        extensions: &["swift"],
        file_names: &[],
        comments: &["//", "/*"],
        calls_need_parens: true,
        blocks: Blocks::Braces,
        lexis: Lexis::Swift,
        parser: Parser::TreeSitter(|| tree_sitter_swift::LANGUAGE.into(), &scan::swift::Swift),
        scanner_limits: None,
        literals: Words {
            nulls: &["nil"],
            ..C_LIKE
        },
        import_keywords: &["import"],
        modules: Modules::ClassFiles,
        shares_symbols_with: &[Language::Swift],
        // XCTest's `*Tests`, Quick's `*Spec`.
        tests: TestFiles {
            classes: &["Test", "Tests", "Spec"],
            ..NO_TESTS
        },
        fix: None,
    },
];

/// Files a `kind: text` rule reads (templates, CI YAML, shell): not source code.
pub const TEXT: Spec = Spec {
    lang: Language::Text,
    name: "text",
    rule_names: &["text"],
    extensions: &[],
    file_names: &[],
    comments: &["#", "//", "{#", "<!--", "--"],
    calls_need_parens: true,
    blocks: Blocks::Whole,
    // Never lexed; the closest.
    lexis: Lexis::Python,
    parser: Parser::None,
    scanner_limits: None,
    literals: C_LIKE,
    import_keywords: &[],
    modules: Modules::None,
    // Text rules read no symbols.
    shares_symbols_with: &[],
    tests: NO_TESTS,
    fix: None,
};

static TABLE: [Spec; 12] = SPECS;
static TEXT_SPEC: Spec = TEXT;

impl Language {
    /// Every language with a parser, in table order.
    pub const ALL: [Language; SPECS.len()] = {
        let mut all = [Language::Text; SPECS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = SPECS[i].lang;
            i += 1;
        }
        all
    };

    /// This language's entry in the table.
    pub fn spec(self) -> &'static Spec {
        match self {
            Language::Text => &TEXT_SPEC,
            _ => &TABLE[self as usize],
        }
    }

    /// The language of a file, from its extension (or whole name: `Rakefile`).
    /// Read from the path's bytes, as `Path::extension` reads it (after the name's last dot,
    /// unless that dot starts the name): called for every listed file, several times, and
    /// `Path`'s component parsing cost a kops run 3% of its instructions.
    pub fn from_path(path: &Path) -> Option<Language> {
        let bytes = path.as_os_str().as_encoded_bytes();
        let name = bytes
            .rsplit(|&c| std::path::is_separator(c as char))
            .next()
            .unwrap_or(bytes);
        match name.iter().rposition(|&c| c == b'.') {
            Some(i) if i > 0 => {
                let ext = &name[i + 1..];
                TABLE
                    .iter()
                    .find(|s| s.extensions.iter().any(|e| e.as_bytes() == ext))
            }
            _ => TABLE
                .iter()
                .find(|s| s.file_names.iter().any(|n| n.as_bytes() == name)),
        }
        .map(|s| s.lang)
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Parse a language name as written in a rule file: every language that answers to it
    /// (`typescript` is TypeScript and TSX; `javascript` covers JSX, the same grammar).
    pub fn parse_rule_language(s: &str) -> Option<Vec<Language>> {
        let langs: Vec<Language> = TABLE
            .iter()
            .chain([&TEXT_SPEC])
            .filter(|spec| spec.rule_names.contains(&s))
            .map(|spec| spec.lang)
            .collect();
        (!langs.is_empty()).then_some(langs)
    }

    /// Tokens that open a comment, for `flagdebt: ignore[...]`.
    pub fn comment_tokens(self) -> &'static [&'static str] {
        self.spec().comments
    }

    /// Whether a call needs parentheses in this language (Ruby's do not).
    pub fn calls_need_parens(self) -> bool {
        self.spec().calls_need_parens
    }

    /// How the language nests blocks ([`crate::scan::regions`]).
    pub fn blocks(self) -> Blocks {
        self.spec().blocks
    }

    /// The tree-sitter grammar, where the language has one.
    pub fn tree_sitter(self) -> Option<tree_sitter::Language> {
        match self.spec().parser {
            Parser::TreeSitter(grammar, _) => Some(grammar()),
            Parser::Syn | Parser::None => None,
        }
    }
}

/// Whether a path looks like test code: a folder named test, tests, spec, `__tests__`,
/// testdata, e2e or androidTest; a `.test.` or `.spec.` name (`cart.test.tsx`); and each
/// language's own names ([`Spec::tests`]: `_test.go`, `test_*.py`, `*_spec.rb`,
/// `CartServiceTests.cs`, Quick's `*Spec.swift`, and for class-named languages the folders of
/// test projects and targets named `*Tests`: `Cart.UnitTests/`, `LaunchDarklyTests/`).
pub fn is_test_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let in_test_dir = lower.split('/').rev().skip(1).any(|seg| {
        matches!(
            seg,
            "test" | "tests" | "spec" | "__tests__" | "testdata" | "e2e" | "androidtest"
        )
    });
    if in_test_dir || file.contains(".test.") || file.contains(".spec.") {
        return true;
    }
    let Some(lang) = Language::from_path(Path::new(rel)) else {
        return false;
    };
    let tests = &lang.spec().tests;
    let original = rel.rsplit('/').next().unwrap_or(rel);
    let stem = original.rsplit_once('.').map_or(original, |(stem, _)| stem);
    tests.suffixes.iter().any(|s| file.ends_with(s))
        || tests.prefixes.iter().any(|p| file.starts_with(p))
        || tests.names.contains(&file)
        || tests
            .classes
            .iter()
            .any(|c| stem.len() > c.len() && stem.ends_with(c))
        || !tests.classes.is_empty()
            && rel
                .split('/')
                .rev()
                .skip(1)
                .any(|seg| seg.len() > 5 && seg.ends_with("Tests"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The extension is what `Path::extension` gives (none for a name that starts with its
    /// only dot), and two names stand for Ruby.
    #[test]
    fn languages_from_paths() {
        for (path, lang) in [
            ("a/b/c.py", Some(Language::Python)),
            ("c.tar.go", Some(Language::Go)),
            ("web/x.test.tsx", Some(Language::Tsx)),
            ("Rakefile", Some(Language::Ruby)),
            ("api/Gemfile", Some(Language::Ruby)),
            ("a.rb/Gemfile.lock", None),
            (".py", None),
            ("dir/.go", None),
            ("x.", None),
            ("x.py.orig", None),
            ("py", None),
            ("dir.go/README", None),
        ] {
            assert_eq!(Language::from_path(Path::new(path)), lang, "{path}");
        }
    }

    /// The table is in enum order, each entry answers to its own name (as output and JSON
    /// spell it), and no extension or file name belongs to two languages.
    #[test]
    fn the_table_is_consistent() {
        for (i, f) in Lexis::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
        }
        let mut seen = std::collections::HashMap::new();
        for lang in Language::ALL.into_iter().chain([Language::Text]) {
            let spec = lang.spec();
            assert_eq!(spec.lang, lang);
            assert_eq!(serde_json::to_value(lang).unwrap(), spec.name);
            assert!(Language::parse_rule_language(spec.name)
                .unwrap()
                .contains(&lang));
            for e in spec.extensions.iter().chain(spec.file_names) {
                assert_eq!(seen.insert(*e, lang), None, "{e} is claimed twice");
                let path = if spec.extensions.contains(e) {
                    format!("src/x.{e}")
                } else {
                    format!("src/{e}")
                };
                assert_eq!(Language::from_path(Path::new(&path)), Some(lang), "{path}");
            }
            assert_eq!(
                spec.tree_sitter_adapter().is_some(),
                lang.tree_sitter().is_some()
            );
        }
        assert_eq!(
            Language::parse_rule_language("ts"),
            Some(vec![Language::TypeScript, Language::Tsx])
        );
        assert_eq!(Language::parse_rule_language("cobol"), None);
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("api/tests/test_checkout.py"));
        assert!(is_test_path("catalog/search_test.go"));
        assert!(is_test_path("web/src/cart.test.tsx"));
        assert!(is_test_path("worker/spec/mailer_spec.rb"));
        assert!(is_test_path("src/test/java/com/x/FooTest.java"));
        assert!(is_test_path("app/com/x/FooTests.java"));
        assert!(is_test_path("app/com/x/CheckoutTestCase.java"));
        assert!(!is_test_path("app/com/x/Contest.java"));
        assert!(!is_test_path("app/com/x/Test.java"));
        assert!(!is_test_path("api/app/checkout.py"));
        assert!(!is_test_path("catalog/testify.go"));
        assert!(!is_test_path("contest/main.py"));
        assert!(is_test_path("src/Cart.Tests/CartServiceTests.cs"));
        assert!(is_test_path("src/test/kotlin/com/x/FraudTest.kt"));
        assert!(is_test_path("app/src/androidTest/java/com/x/Checkout.kt"));
        assert!(is_test_path("app/CheckoutTest.php"));
        assert!(is_test_path("Tests/ShopTests/FlagsTests.swift"));
        assert!(!is_test_path("src/Contest.cs"));
        assert!(is_test_path("test/Cart.UnitTests/CartStore.cs"));
        assert!(is_test_path(
            "LaunchDarkly/LaunchDarklyTests/LDClientSpec.swift"
        ));
        assert!(is_test_path("Sources/ShopTests/Helpers.swift"));
        assert!(!is_test_path("Sources/Shop/Flags.swift"));
    }
}
