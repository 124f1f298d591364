//! Languages flagdebt reads: how a file is recognised, which parser reads it, and how its
//! comments look (for inline suppressions).

use std::path::Path;

use serde::{Deserialize, Serialize};

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

impl Language {
    pub const ALL: [Language; 12] = [
        Language::Python,
        Language::Go,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Java,
        Language::Ruby,
        Language::Rust,
        Language::CSharp,
        Language::Kotlin,
        Language::Php,
        Language::Swift,
    ];

    /// The language of a file, from its extension (or name, for Ruby's Rakefile/Gemfile).
    /// Read from the path's bytes, as `Path::extension` reads it (after the name's last dot,
    /// unless that dot starts the name): called for every listed file, several times, and
    /// `Path`'s component parsing cost a kops run 3% of its instructions.
    pub fn from_path(path: &Path) -> Option<Language> {
        let bytes = path.as_os_str().as_encoded_bytes();
        let name = bytes
            .rsplit(|&c| std::path::is_separator(c as char))
            .next()
            .unwrap_or(bytes);
        let ext: &[u8] = match name.iter().rposition(|&c| c == b'.') {
            Some(i) if i > 0 => &name[i + 1..],
            _ => b"",
        };
        Some(match ext {
            b"py" | b"pyi" => Language::Python,
            b"go" => Language::Go,
            b"js" | b"jsx" | b"mjs" | b"cjs" => Language::JavaScript,
            b"ts" | b"mts" | b"cts" => Language::TypeScript,
            b"tsx" => Language::Tsx,
            b"java" => Language::Java,
            b"rb" | b"rake" => Language::Ruby,
            b"rs" => Language::Rust,
            b"cs" => Language::CSharp,
            b"kt" | b"kts" => Language::Kotlin,
            b"php" => Language::Php,
            b"swift" => Language::Swift,
            _ => {
                return match name {
                    b"Rakefile" | b"Gemfile" => Some(Language::Ruby),
                    _ => None,
                };
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Go => "go",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Java => "java",
            Language::Ruby => "ruby",
            Language::Rust => "rust",
            Language::CSharp => "csharp",
            Language::Kotlin => "kotlin",
            Language::Php => "php",
            Language::Swift => "swift",
            Language::Text => "text",
        }
    }

    /// Parse a language name as written in a rule file. `typescript` in a rule also covers TSX,
    /// and `javascript` covers JSX (the same grammar).
    pub fn parse_rule_language(s: &str) -> Option<Vec<Language>> {
        Some(match s {
            "python" | "py" => vec![Language::Python],
            "go" | "golang" => vec![Language::Go],
            "javascript" | "js" | "jsx" => vec![Language::JavaScript],
            "typescript" | "ts" => vec![Language::TypeScript, Language::Tsx],
            "tsx" => vec![Language::Tsx],
            "java" => vec![Language::Java],
            "ruby" | "rb" => vec![Language::Ruby],
            "rust" | "rs" => vec![Language::Rust],
            "csharp" | "cs" | "c#" => vec![Language::CSharp],
            "kotlin" | "kt" => vec![Language::Kotlin],
            "php" => vec![Language::Php],
            "swift" => vec![Language::Swift],
            "text" => vec![Language::Text],
            _ => return None,
        })
    }

    /// Tokens that open a comment, for `flagdebt: ignore[...]`.
    pub fn comment_tokens(self) -> &'static [&'static str] {
        match self {
            Language::Python | Language::Ruby => &["#"],
            Language::Php => &["//", "#", "/*"],
            Language::Text => &["#", "//", "{#", "<!--", "--"],
            _ => &["//", "/*"],
        }
    }

    /// Whether a call needs parentheses in this language (Ruby's do not), which lets the
    /// prefilter demand `name(` rather than `name`.
    pub fn calls_need_parens(self) -> bool {
        !matches!(self, Language::Ruby)
    }

    /// How the language nests blocks, for leaving function bodies without a flag read out of
    /// the parse ([`crate::scan::regions`]).
    pub fn blocks(self) -> Blocks {
        match self {
            Language::Go
            | Language::JavaScript
            | Language::TypeScript
            | Language::Tsx
            | Language::Java
            | Language::CSharp
            | Language::Kotlin
            | Language::Swift => Blocks::Braces,
            Language::Python => Blocks::Indent,
            // PHP files mix HTML and code (`<?php ... ?>`): read whole.
            Language::Ruby | Language::Rust | Language::Php | Language::Text => Blocks::Whole,
        }
    }

    pub fn tree_sitter(self) -> Option<tree_sitter::Language> {
        Some(match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
            Language::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Language::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Language::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
            // `LANGUAGE_PHP` reads `<?php` files with HTML around the code.
            Language::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Language::Swift => tree_sitter_swift::LANGUAGE.into(),
            Language::Rust | Language::Text => return None,
        })
    }
}

/// How a language's blocks are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    /// `{ ... }`: functions open with `) {`, `=> {`, or (Go) `func ... {`.
    Braces,
    /// Indentation after a `:` (Python `def`).
    Indent,
    /// Always parsed whole (Ruby's `def ... end`, Rust through syn).
    Whole,
}

/// Whether a path looks like test code: a tests/ or test/ folder, `_test.go`, `test_*.py`,
/// `*.test.ts`, `*_spec.rb`, `src/test/java`, `src/test/kotlin`, `Tests/` (Swift packages);
/// C#, Kotlin, PHP and Swift classes named `*Test` / `*Tests` (`CartServiceTests.cs`,
/// `CheckoutTest.php`, Quick's `*Spec.swift`) and their test projects and targets, folders
/// named `*Tests` (`Cart.Tests/`, `Cart.UnitTests/`, `LaunchDarklyTests/`).
pub fn is_test_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let original = rel.rsplit('/').next().unwrap_or(rel);
    let class_test = original
        .rsplit_once('.')
        .filter(|(_, ext)| matches!(*ext, "cs" | "kt" | "kts" | "php" | "swift"))
        .is_some_and(|(stem, ext)| {
            (stem.ends_with("Test") || stem.ends_with("Tests")) && !matches!(stem, "Test" | "Tests")
                || ext == "swift" && stem.ends_with("Spec") && stem != "Spec"
                || rel
                    .split('/')
                    .rev()
                    .skip(1)
                    .any(|seg| seg.len() > 5 && seg.ends_with("Tests"))
        });
    let in_test_dir = lower.split('/').rev().skip(1).any(|seg| {
        matches!(
            seg,
            "test" | "tests" | "spec" | "__tests__" | "testdata" | "e2e" | "androidtest"
        )
    });
    in_test_dir
        || class_test
        || file.ends_with("_test.go")
        || file.ends_with("_test.py")
        || file.starts_with("test_") && file.ends_with(".py")
        || file.ends_with("_spec.rb")
        || file.ends_with("_test.rb")
        || file.contains(".test.")
        || file.contains(".spec.")
        || file.ends_with("test.java") && file != "test.java"
        || file == "conftest.py"
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

    #[test]
    fn test_paths() {
        assert!(is_test_path("api/tests/test_checkout.py"));
        assert!(is_test_path("catalog/search_test.go"));
        assert!(is_test_path("web/src/cart.test.tsx"));
        assert!(is_test_path("worker/spec/mailer_spec.rb"));
        assert!(is_test_path("src/test/java/com/x/FooTest.java"));
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
