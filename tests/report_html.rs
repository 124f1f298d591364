//! The HTML weekly report opened in headless Chromium (Debian `chromium`, installed by
//! scripts/test.sh): the charts and tables render, clicking a header sorts, the filter box
//! filters, and the console shows no error. The page is self-contained: no external script,
//! style sheet, font or image.
//!
//! The click is done by a script the test appends to its own copy of the page (after the
//! report's script), which writes what it saw into the DOM; `--dump-dom` prints the DOM after
//! scripts ran, and `--enable-logging=stderr` prints console messages.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::flagdebt;
use common::gitrepo::bookstore_repo;

fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser"] {
        if let Ok(out) = Command::new("which").arg(name).output() {
            if out.status.success() {
                let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
                return Some(PathBuf::from(p));
            }
        }
    }
    if std::env::var("FLAGDEBT_SKIP_EXTERNAL").as_deref() == Ok("1") {
        eprintln!("FLAGDEBT_SKIP_EXTERNAL=1: not opening the HTML report in a browser");
        return None;
    }
    panic!(
        "chromium is missing: run scripts/test.sh, which installs it (apt-get install chromium)"
    );
}

/// Run headless Chromium on a file; (DOM after scripts, stderr with console messages).
fn open(browser: &Path, page: &Path, profile: &Path) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Put first in the page: console.error and uncaught errors are marked, since Chromium's
/// stderr log prints every console message at the same level.
const GUARD: &str = r#"<script>
(function(){var e=console.error;console.error=function(){e.apply(console,['flagdebt-console-error'].concat([].slice.call(arguments)));};
window.addEventListener('error',function(ev){console.log('flagdebt-console-error uncaught '+ev.message);});})();
</script>"#;

/// Clicks the "days past" header twice, filters, and records each state.
const PROBE: &str = r#"<script>
(function(){
  function firstCol(){return Array.prototype.map.call(document.querySelectorAll('#flags tbody tr'),function(r){return r.cells[0].textContent.trim();});}
  var out={};
  out.bars=document.querySelectorAll('#chart-owner rect.bar').length;
  out.ageBars=document.querySelectorAll('#chart-age rect.bar').length;
  out.rows=document.querySelectorAll('#flags tbody tr').length;
  out.ownerRows=document.querySelectorAll('#owners tbody tr').length;
  var th=document.querySelectorAll('#flags thead th')[4];
  th.click(); out.asc=firstCol(); out.ascSort=th.getAttribute('aria-sort');
  th.click(); out.desc=firstCol(); out.descSort=th.getAttribute('aria-sort');
  var box=document.getElementById('filter'); box.value='team-web'; box.dispatchEvent(new Event('input'));
  out.visible=Array.prototype.filter.call(document.querySelectorAll('#flags tbody tr'),function(r){return r.style.display!=='none';}).length;
  var pre=document.createElement('pre'); pre.id='probe'; pre.textContent=JSON.stringify(out);
  document.body.appendChild(pre);
  console.log('flagdebt-probe-done');
})();
</script>"#;

#[test]
fn html_report_renders_sorts_and_filters_in_chromium() {
    let repo = bookstore_repo();
    let root = repo.root.as_path();
    std::fs::write(
        root.join(".flagdebt.yml"),
        "report:\n  url_template: \"https://github.com/acme/bookstore/blob/{commit}/{path}#L{line}\"\n",
    )
    .unwrap();
    let out = flagdebt()
        .current_dir(root)
        .args(["report", "--today", "2027-02-20", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let html = String::from_utf8(out.stdout).unwrap();
    // Self-contained: nothing is fetched.
    for bad in ["<script src", "<link", "@import", "url(", "<img", "<iframe"] {
        assert!(!html.contains(bad), "the page loads something: {bad}");
    }
    // Line links from the configured template (the only URLs in the page).
    assert!(html.contains("href=\"https://github.com/acme/bookstore/blob/"));
    assert!(html.contains("/api/app/routes/checkout.py#L25\""));
    let Some(browser) = chromium() else { return };
    let page = root.join("report-probe.html");
    std::fs::write(
        &page,
        html.replacen("<head>", &format!("<head>{GUARD}"), 1)
            .replace("</body>", &format!("{PROBE}</body>")),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (dom, log) = open(&browser, &page, profile.path());
    assert!(
        log.contains("flagdebt-probe-done"),
        "the probe did not run: {log}"
    );
    for line in log.lines().filter(|l| l.contains("CONSOLE")) {
        assert!(
            !line.contains("Uncaught") && !line.contains("flagdebt-console-error"),
            "console error: {line}"
        );
    }
    let start = dom
        .find("<pre id=\"probe\">")
        .expect("probe output in the DOM")
        + 16;
    let end = start + dom[start..].find("</pre>").unwrap();
    let probe: serde_json::Value =
        serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap();
    // Charts: one bar segment per owner and kind (to remove, expiring soon: 6 owners, 3 with
    // both), one bar per non-empty age bucket (Bob's flags are 356 days old, Ada's 629).
    assert_eq!(probe["bars"], 9, "{probe}");
    assert_eq!(probe["ageBars"], 2, "{probe}");
    assert_eq!(probe["rows"], 14);
    assert_eq!(probe["ownerRows"], 6);
    // Sorted by days past the removal date, ascending (flags not yet past sort as -1), then
    // descending: the oldest debt first.
    assert_eq!(probe["ascSort"], "ascending");
    assert_eq!(probe["descSort"], "descending");
    let col = |k: &str| -> Vec<String> {
        probe[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let (asc, desc) = (col("asc"), col("desc"));
    assert_eq!(
        &desc[..3],
        ["holiday_promo_2025", "legacy_isbn_lookup", "new_checkout"]
    );
    assert_eq!(asc[asc.len() - 1], "holiday_promo_2025");
    assert!(asc[..3].iter().all(|k| ["loyalty_points", "campaign_templates_v2", "dark_mode"].contains(&k.as_str())), "{asc:?}");
    // Filtering on an owner leaves that owner's flags (dark_mode, reviews_widget).
    assert_eq!(probe["visible"], 2);
}
