//! `flagdebt refs FLAG...`: every read of the named flags, however the key is written, and
//! their declarations; context lines; `--format grep`; paths and keys told apart.

mod common;

use common::{flagdebt, repo, write};

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "app/main.py",
        "import os\nfrom app.clients import flagsmith\n\nCHECKOUT = \"new_checkout\"\n\n\ndef handler(flags):\n    a = flags.is_feature_enabled(\"new_checkout\")\n    b = flags.is_feature_enabled(CHECKOUT)\n    c = os.environ.get(\"FLAG_NEW_CHECKOUT\")\n    d = flags.is_feature_enabled(\"other\")\n    return a, b, c, d\n",
    );
    write(
        root,
        "lib/mailer.rb",
        "class Mailer\n  def send_it(ld_client, ctx)\n    ld_client.variation(:new_checkout, ctx, false)\n  end\nend\n",
    );
    write(
        root,
        "feature_flags.yaml",
        "new_checkout:\n  owner: team-a\n  type: release\nother:\n  owner: team-b\n",
    );
    dir
}

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = flagdebt().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn grep_lists_every_way_the_key_is_written_and_the_declaration() {
    let dir = tree();
    let (code, out) = run(dir.path(), &["refs", "new_checkout", "--format", "grep"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "app/main.py:8:9:     a = flags.is_feature_enabled(\"new_checkout\")\n\
         app/main.py:9:9:     b = flags.is_feature_enabled(CHECKOUT)\n\
         app/main.py:10:9:     c = os.environ.get(\"FLAG_NEW_CHECKOUT\")\n\
         feature_flags.yaml:1:1: new_checkout:\n\
         lib/mailer.rb:3:5:     ld_client.variation(:new_checkout, ctx, false)\n"
    );
}

#[test]
fn json_says_how_each_key_is_written() {
    let dir = tree();
    let (code, out) = run(dir.path(), &["refs", "new_checkout", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let hits: Vec<(String, String, String, u64)> = doc["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap().to_string(),
                h["via"].as_str().unwrap().to_string(),
                h["written"].as_str().unwrap_or("").to_string(),
                h["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let h = |k: &str, v: &str, w: &str, l: u64| (k.to_string(), v.to_string(), w.to_string(), l);
    assert_eq!(
        hits,
        [
            h("read", "literal", "", 8),
            h("read", "constant", "CHECKOUT", 9),
            h("read", "env", "FLAG_NEW_CHECKOUT", 10),
            h("declaration", "yaml", "", 1),
            // A Ruby symbol key.
            h("read", "literal", "", 3),
        ]
    );
    assert_eq!(doc["not_found"], serde_json::json!([]));
}

#[test]
fn wrapper_reads_are_listed() {
    // A copy outside this repository: the fixture is its own project.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    common::gitrepo::copy_dir(&repo().join("fixtures/presets/openfeature-flagd"), &dir);
    let (code, out) = run(&dir, &["refs", "new-checkout", "--format", "grep"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "api/internal/search/handler.go:17:5: \tif h.flags.On(ctx, \"new-checkout\") {\n\
         flags/shop.flagd.json:4:5:     \"new-checkout\": {\n\
         web/src/checkout/page.ts:4:13:   if (await isEnabled(\"new-checkout\")) {\n"
    );
    let (_, json) = run(&dir, &["refs", "new-checkout", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let vias: Vec<&str> = doc["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["via"].as_str().unwrap())
        .collect();
    assert_eq!(vias, ["wrapper", "flagd", "wrapper"]);
}

#[test]
fn context_lines_merge_and_split_with_dashes() {
    let dir = tree();
    let (_, out) = run(
        dir.path(),
        &["refs", "new_checkout", "--format", "grep", "-C", "1"],
    );
    // Lines 8-10 touch: one group, each line once; the other files are their own groups.
    assert_eq!(
        out,
        "app/main.py-7-def handler(flags):\n\
         app/main.py:8:9:     a = flags.is_feature_enabled(\"new_checkout\")\n\
         app/main.py:9:9:     b = flags.is_feature_enabled(CHECKOUT)\n\
         app/main.py:10:9:     c = os.environ.get(\"FLAG_NEW_CHECKOUT\")\n\
         app/main.py-11-    d = flags.is_feature_enabled(\"other\")\n\
         --\n\
         feature_flags.yaml:1:1: new_checkout:\n\
         feature_flags.yaml-2-  owner: team-a\n\
         --\n\
         lib/mailer.rb-2-  def send_it(ld_client, ctx)\n\
         lib/mailer.rb:3:5:     ld_client.variation(:new_checkout, ctx, false)\n\
         lib/mailer.rb-4-  end\n"
    );
    let (_, human) = run(dir.path(), &["refs", "new_checkout", "-C", "1"]);
    assert!(
        human.contains(
            "lib/mailer.rb:3:5  new_checkout  read via literal  [launchdarkly launchdarkly-ruby]\n    2 |   def send_it(ld_client, ctx)\n  > 3 |     ld_client.variation(:new_checkout, ctx, false)\n    4 |   end\n"
        ),
        "{human}"
    );
    assert!(human.ends_with("4 reads and 1 declaration of `new_checkout` in 3 files.\n"));
}

#[test]
fn paths_and_keys_are_told_apart_and_nothing_found_is_exit_1() {
    let dir = tree();
    // `lib` exists: a root to scan; `new_checkout` does not: a key.
    let (code, out) = run(
        dir.path(),
        &["refs", "lib", "new_checkout", "--format", "grep"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "lib/mailer.rb:3:5:     ld_client.variation(:new_checkout, ctx, false)\n"
    );
    // `--flag` names a key that is also a path.
    let (code, out) = run(dir.path(), &["refs", "--flag", "lib", "--format", "grep"]);
    assert_eq!((code, out.as_str()), (1, ""));
    let out = flagdebt()
        .current_dir(dir.path())
        .args(["refs", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "flagdebt: no read or declaration of `nope` found\n"
    );
    // No key: every reference, as before.
    let (code, out) = run(dir.path(), &["refs"]);
    assert_eq!(code, 0);
    assert!(out.contains("other"), "{out}");
}
