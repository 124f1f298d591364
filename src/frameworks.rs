//! Settings a framework reads by name. A Flask app loads its settings module into the
//! framework's config (`app.config.from_object("app.settings")`), and Django reads its
//! settings module itself: a setting named `MAIL_USE_TLS` is read by Flask-Mail, in code that
//! lives in site-packages, not in the repository. Such a setting, declared as a flag (an env
//! flag's setting, `MAIL_USE_TLS = parse_boolean(os.environ.get("APP_MAIL_USE_TLS"))`), is not
//! unused when the project depends on the package that reads it.
//!
//! The packages come from the project's Python manifests at its root (`pyproject.toml`,
//! `requirements*.txt`, `requirements/*.txt`, `setup.py`, `setup.cfg`, `Pipfile`); each names
//! the settings it reads (a trailing `*` is a prefix the package owns: `MAIL_*`). A setting
//! no listed package reads stays unused.

use std::path::Path;

/// A package and the settings it reads.
struct Package {
    name: &'static str,
    settings: &'static [&'static str],
}

/// From each package's documented configuration.
static PACKAGES: &[Package] = &[
    Package {
        name: "flask",
        settings: &[
            "DEBUG",
            "TESTING",
            "PROPAGATE_EXCEPTIONS",
            "TRAP_HTTP_EXCEPTIONS",
            "TRAP_BAD_REQUEST_ERRORS",
            "SECRET_KEY",
            "SESSION_COOKIE_*",
            "PERMANENT_SESSION_LIFETIME",
            "SESSION_REFRESH_EACH_REQUEST",
            "USE_X_SENDFILE",
            "SEND_FILE_MAX_AGE_DEFAULT",
            "SERVER_NAME",
            "APPLICATION_ROOT",
            "PREFERRED_URL_SCHEME",
            "MAX_CONTENT_LENGTH",
            "MAX_FORM_MEMORY_SIZE",
            "MAX_FORM_PARTS",
            "TEMPLATES_AUTO_RELOAD",
            "EXPLAIN_TEMPLATE_LOADING",
            "MAX_COOKIE_SIZE",
            "JSON_*",
        ],
    },
    Package {
        name: "flask-login",
        settings: &[
            "REMEMBER_COOKIE_*",
            "SESSION_PROTECTION",
            "USE_SESSION_FOR_NEXT",
            "LOGIN_DISABLED",
            "AUTH_HEADER_NAME",
        ],
    },
    Package {
        name: "flask-mail",
        settings: &["MAIL_*"],
    },
    Package {
        name: "flask-mailman",
        settings: &["MAIL_*"],
    },
    Package {
        name: "flask-limiter",
        settings: &["RATELIMIT_*"],
    },
    Package {
        name: "flask-sqlalchemy",
        settings: &["SQLALCHEMY_*"],
    },
    Package {
        name: "flask-wtf",
        settings: &["WTF_*", "RECAPTCHA_*"],
    },
    Package {
        name: "flask-caching",
        settings: &["CACHE_*"],
    },
    Package {
        name: "flask-cors",
        settings: &["CORS_*"],
    },
    Package {
        name: "flask-session",
        settings: &["SESSION_*"],
    },
    Package {
        name: "flask-babel",
        settings: &["BABEL_*"],
    },
    Package {
        name: "django",
        settings: &[
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "APPEND_SLASH",
            "PREPEND_WWW",
            "USE_TZ",
            "USE_I18N",
            "USE_THOUSAND_SEPARATOR",
            "USE_X_FORWARDED_HOST",
            "USE_X_FORWARDED_PORT",
            "SESSION_*",
            "CSRF_*",
            "SECURE_*",
            "EMAIL_*",
            "DATA_UPLOAD_*",
            "FILE_UPLOAD_*",
            "X_FRAME_OPTIONS",
            "CONN_MAX_AGE",
            "DEBUG_PROPAGATE_EXCEPTIONS",
        ],
    },
    Package {
        name: "celery",
        settings: &["CELERY_*"],
    },
];

/// The packages a project depends on that read settings.
#[derive(Debug, Default, Clone)]
pub struct Frameworks {
    found: Vec<&'static str>,
}

/// Manifests larger than this are not read (a lock file is not a manifest).
const MAX_MANIFEST: u64 = 1 << 20;

impl Frameworks {
    /// The packages named in the Python manifests at `root`.
    pub fn detect(root: &Path) -> Frameworks {
        let mut text = String::new();
        let mut files: Vec<std::path::PathBuf> =
            ["pyproject.toml", "setup.py", "setup.cfg", "Pipfile"]
                .iter()
                .map(|f| root.join(f))
                .collect();
        for dir in [root.to_path_buf(), root.join("requirements")] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let in_dir = dir != root;
                if name.ends_with(".txt") && (in_dir || name.starts_with("requirements")) {
                    files.push(e.path());
                }
            }
        }
        for f in files {
            if let Ok(t) = crate::input::read_text(&f, MAX_MANIFEST) {
                text.push_str(&t.to_ascii_lowercase().replace('_', "-"));
                text.push('\n');
            }
        }
        let found = PACKAGES
            .iter()
            .filter(|p| names_package(&text, p.name))
            .map(|p| p.name)
            .collect();
        Frameworks { found }
    }

    /// The package that reads the setting `name`, if the project depends on one.
    pub fn reader(&self, name: &str) -> Option<&'static str> {
        PACKAGES
            .iter()
            .filter(|p| self.found.contains(&p.name))
            .find(|p| {
                p.settings.iter().any(|s| match s.strip_suffix('*') {
                    Some(prefix) => name.starts_with(prefix) && name.len() > prefix.len(),
                    None => name == *s,
                })
            })
            .map(|p| p.name)
    }
}

/// Whether manifest text (lowercase, `_` as `-`) names the package `name` as a whole
/// requirement name: `flask` in `"flask==2.3"`, not in `flask-mail`.
fn names_package(text: &str, name: &str) -> bool {
    let b = text.as_bytes();
    let part = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.');
    memchr::memmem::find_iter(b, name.as_bytes()).any(|i| {
        let end = i + name.len();
        (i == 0 || !part(b[i - 1])) && (end == b.len() || !part(b[end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_are_whole_requirement_names() {
        assert!(names_package("\"flask==2.3.2\",", "flask"));
        assert!(names_package("flask-mail>=0.9\n", "flask-mail"));
        assert!(!names_package("\"flask-mail==0.9\"", "flask"));
        assert!(!names_package("my-flask\n", "flask"));
        assert!(names_package("django[argon2]>=5\n", "django"));
    }

    #[test]
    fn settings_by_package() {
        let fw = Frameworks {
            found: vec!["flask", "flask-mail"],
        };
        assert_eq!(fw.reader("MAIL_USE_TLS"), Some("flask-mail"));
        assert_eq!(fw.reader("SESSION_COOKIE_SECURE"), Some("flask"));
        assert_eq!(fw.reader("RATELIMIT_ENABLED"), None); // flask-limiter not a dependency
        assert_eq!(fw.reader("MAIL_"), None);
        assert_eq!(fw.reader("STATSD_USE_TAGS"), None);
    }
}
