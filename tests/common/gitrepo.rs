//! A git repository built by a test: the bookstore fixture committed at set dates by set
//! authors, with a CODEOWNERS file.

use std::path::Path;
use std::process::Command;

use super::{repo, write};

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

/// Run git in `dir` with no user or system config (a fixed identity, `main` as the first
/// branch, no signing, no hooks); a failure fails the test with git's stderr.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn commit(dir: &Path, who: &str, date: &str, msg: &str) {
    let when = format!("{date}T12:00:00Z");
    let ok = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(["commit", "-q", "-m", msg])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", who)
        .env(
            "GIT_AUTHOR_EMAIL",
            format!("{}@example.com", who.to_lowercase()),
        )
        .env("GIT_COMMITTER_NAME", who)
        .env(
            "GIT_COMMITTER_EMAIL",
            format!("{}@example.com", who.to_lowercase()),
        )
        .env("GIT_AUTHOR_DATE", &when)
        .env("GIT_COMMITTER_DATE", &when)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// The bookstore in a repository: the API and the registry by Ada (2025-06-01), everything
/// else by Bob (2026-03-01), a change to a digest read by Cy (2027-01-10). CODEOWNERS gives
/// /web/ and /api/ to teams. The repository is the `bookstore` folder of the temporary folder
/// (a report's title names it).
pub struct Repo {
    _tmp: tempfile::TempDir,
    pub root: std::path::PathBuf,
}

pub fn bookstore_repo() -> Repo {
    let tmp = tempfile::tempdir().unwrap();
    let root_buf = tmp.path().join("bookstore");
    let root = root_buf.as_path();
    copy_dir(&repo().join("fixtures/bookstore"), root);
    write(
        root,
        ".github/CODEOWNERS",
        "* @org/platform\n/web/ @org/web-frontend\n/api/ @org/api\n",
    );
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "api", "feature_flags.yaml"]);
    commit(root, "Ada", "2025-06-01", "api and registry");
    git(root, &["add", "-A"]);
    commit(root, "Bob", "2026-03-01", "the rest");
    let job = root.join("mailer/lib/mailer/digest_job.rb");
    let text = std::fs::read_to_string(&job).unwrap();
    std::fs::write(&job, text + "# digest_emails: weekly\n").unwrap();
    git(root, &["add", "-A"]);
    commit(root, "Cy", "2027-01-10", "digest note");
    Repo {
        _tmp: tmp,
        root: root_buf,
    }
}
