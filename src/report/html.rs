//! `flagdebt report --format html`: one self-contained file. No network, no external script,
//! style sheet or font: the CSS and the script are inline, the charts are inline SVG drawn
//! here, and the data is the same [`WeeklyReport`] the JSON carries. Tables sort (click a
//! header) and filter (the search box) with a few lines of plain JavaScript; every figure is
//! in the HTML already, so the page reads the same with scripts off.

use std::fmt::Write as _;

use super::weekly::{age_text, reason_words, WeeklyReport};

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// One bar: its label and its stacked segments (value, CSS class, what the value counts).
type Bar<'a> = (String, Vec<(usize, &'a str, &'a str)>);

/// A horizontal bar chart: one row per label, stacked segments (value, class, title).
fn bar_chart(id: &str, title: &str, rows: &[Bar]) -> String {
    let max = rows
        .iter()
        .map(|(_, segs)| segs.iter().map(|s| s.0).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (190.0, 360.0, 26.0);
    let height = 16.0 + row_h * rows.len().max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<figure class=\"chart\"><figcaption>{}</figcaption><svg id=\"{id}\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {} {height}\" width=\"{}\" height=\"{height}\">",
        esc(title),
        esc(title),
        label_w + bar_w + 50.0,
        label_w + bar_w + 50.0
    );
    if rows.is_empty() {
        s.push_str("<text x=\"10\" y=\"20\">nothing to show</text>");
    }
    for (i, (label, segs)) in rows.iter().enumerate() {
        let y = 10.0 + row_h * i as f64;
        let short: String = label.chars().take(26).collect();
        let _ = write!(
            s,
            "<text class=\"lbl\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(&short)
        );
        let mut x = label_w;
        let mut total = 0;
        for (v, class, what) in segs {
            if *v == 0 {
                continue;
            }
            let w = bar_w * *v as f64 / max as f64;
            let _ = write!(
                s,
                "<rect class=\"bar {class}\" x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\"><title>{}: {v} {}</title></rect>",
                row_h - 8.0,
                esc(label),
                esc(what)
            );
            x += w;
            total += v;
        }
        let _ = write!(
            s,
            "<text class=\"val\" x=\"{:.1}\" y=\"{}\">{total}</text>",
            x + 6.0,
            y + 15.0
        );
    }
    s.push_str("</svg></figure>");
    s
}

const AGE_BUCKETS: &[(&str, i64, i64)] = &[
    ("under 30 days", 0, 30),
    ("30-89 days", 30, 90),
    ("90-179 days", 90, 180),
    ("180-364 days", 180, 365),
    ("a year or more", 365, i64::MAX),
];

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#59636e;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid #d1d9e0;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}
.charts{display:flex;gap:24px;flex-wrap:wrap}
figure.chart{margin:0;border:1px solid #d1d9e0;border-radius:8px;padding:8px 12px}
figcaption{font-weight:600;margin-bottom:4px}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}
rect.remove{fill:#cf222e}rect.soon{fill:#d4a72c}rect.age{fill:#0969da}rect.unknown{fill:#8c959f}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid #d1d9e0;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.n,th.n{text-align:right}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.tag{display:inline-block;border-radius:10px;padding:0 7px;font-size:12px;background:#ffebe9;color:#a40e26;margin:1px}
.tag.soon{background:#fff8c5;color:#7d4e00}
input[type=search]{padding:6px 10px;width:320px;border:1px solid #d1d9e0;border-radius:6px}
.trend li{margin:2px 0}
details summary{cursor:pointer;color:#0969da}
"#;

const SCRIPT: &str = r#"
(function(){
  function key(td){var v=td.getAttribute('data-sort');return v===null?td.textContent.trim():v;}
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th,i){
      th.addEventListener('click',function(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        table.querySelectorAll('th').forEach(function(o){o.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=table.tBodies[0];
        var rows=Array.prototype.slice.call(body.rows);
        var num=th.classList.contains('n');
        rows.sort(function(a,b){
          var x=key(a.cells[i]),y=key(b.cells[i]);
          var c=num?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);
          return asc?c:-c;
        });
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  var box=document.getElementById('filter');
  if(box){box.addEventListener('input',function(){
    var q=box.value.toLowerCase();
    document.querySelectorAll('#flags tbody tr').forEach(function(r){
      r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';
    });
  });}
})();
"#;

pub fn render(r: &WeeklyReport) -> String {
    let mut s = String::new();
    let title = format!("Flag debt report: {} ({})", r.root, r.today);
    let _ = writeln!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{STYLE}</style></head><body>",
        esc(&title)
    );
    let _ = writeln!(
        s,
        "<h1>{}</h1><p class=\"sub\">{} · flags expiring within {} days are listed as soon{}</p>",
        esc(&title),
        esc(&r.tool),
        r.soon_days,
        if r.git.available {
            ""
        } else {
            " · flag age is unknown: the scanned tree is not a git checkout"
        }
    );
    let _ = writeln!(
        s,
        "<div class=\"cards\"><div class=\"card\"><b id=\"total-remove\">{}</b>flags to remove</div><div class=\"card\"><b>{}</b>expiring soon</div><div class=\"card\"><b>{}</b>references</div><div class=\"card\"><b>{}</b>files</div></div>",
        r.totals.to_remove, r.totals.expiring_soon, r.totals.references, r.totals.files
    );
    if let Some(t) = &r.trend {
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter()
                    .map(|k| format!("<code>{}</code>", esc(k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let _ = writeln!(
            s,
            "<h2>Since {}</h2><ul class=\"trend\" id=\"trend\"><li>Flags to remove: {} → {}</li><li>New debt: {}</li><li>Debt removed: {}</li><li>Crossed their removal date: {}</li></ul>",
            esc(&t.since),
            t.to_remove_before,
            t.to_remove_now,
            list(&t.new_debt),
            list(&t.debt_removed),
            list(&t.crossed_date)
        );
    }
    // Charts.
    let by_owner: Vec<Bar> = r
        .owners
        .iter()
        .map(|o| {
            (
                o.owner.clone(),
                vec![
                    (o.to_remove, "remove", "to remove"),
                    (o.expiring_soon, "soon", "expiring soon"),
                ],
            )
        })
        .collect();
    let mut by_age: Vec<Bar> = AGE_BUCKETS
        .iter()
        .map(|(label, lo, hi)| {
            let n = r
                .flags
                .iter()
                .filter(|f| f.age_days.is_some_and(|a| a >= *lo && a < *hi))
                .count();
            (label.to_string(), vec![(n, "age", "flags")])
        })
        .collect();
    let unknown = r.flags.iter().filter(|f| f.age_days.is_none()).count();
    if unknown > 0 {
        by_age.push(("age unknown".into(), vec![(unknown, "unknown", "flags")]));
    }
    s.push_str("<h2>Flag debt</h2><div class=\"charts\">");
    s.push_str(&bar_chart("chart-owner", "By owner", &by_owner));
    s.push_str(&bar_chart(
        "chart-age",
        "By age (first seen in code)",
        &by_age,
    ));
    s.push_str("</div><p class=\"legend\"><span style=\"background:#cf222e\"></span>to remove<span style=\"background:#d4a72c\"></span>expiring soon<span style=\"background:#0969da\"></span>by age</p>\n");
    // Owners table.
    s.push_str("<h2>By owner</h2><table class=\"sortable\" id=\"owners\"><thead><tr><th>owner</th><th>source</th><th class=\"n\">to remove</th><th class=\"n\">expiring soon</th><th class=\"n\">references</th><th class=\"n\">files</th></tr></thead><tbody>\n");
    for o in &r.owners {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&o.owner),
            o.source.map(|x| x.as_str()).unwrap_or("-"),
            o.to_remove,
            o.expiring_soon,
            o.references,
            o.files
        );
    }
    s.push_str("</tbody></table>\n");
    // Flags table.
    s.push_str("<h2>Flags</h2><input type=\"search\" id=\"filter\" placeholder=\"Filter flags, owners, reasons…\" aria-label=\"Filter\">\n");
    s.push_str("<table class=\"sortable\" id=\"flags\"><thead><tr><th>flag</th><th>owner</th><th>why</th><th>removal date</th><th class=\"n\">days past</th><th class=\"n\">age (days)</th><th>added by</th><th>last change</th><th class=\"n\">refs</th><th class=\"n\">files</th><th>where</th></tr></thead><tbody>\n");
    for f in &r.flags {
        let why: String = if f.reasons.is_empty() {
            format!("<span class=\"tag soon\">{}</span>", esc(&reason_words(f)))
        } else {
            f.reasons
                .iter()
                .map(|x| {
                    format!(
                        "<span class=\"tag\" title=\"{}\">{}</span>",
                        esc(&x.message),
                        esc(&x.code)
                    )
                })
                .collect()
        };
        let places: String = f
            .places
            .iter()
            .map(|p| {
                let at = format!("{}:{}", p.path, p.line);
                let t = if p.test { " (test)" } else { "" };
                match &p.url {
                    Some(u) => format!(
                        "<li><a href=\"{}\"><code>{}</code></a>{t}</li>",
                        esc(u),
                        esc(&at)
                    ),
                    None => format!("<li><code>{}</code>{t}</li>", esc(&at)),
                }
            })
            .collect();
        let where_ = if places.is_empty() {
            "-".to_string()
        } else {
            format!(
                "<details><summary>{} place{}</summary><ul>{places}</ul></details>",
                f.places.len(),
                if f.places.len() == 1 { "" } else { "s" }
            )
        };
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td>{why}</td><td>{}</td><td class=\"n\" data-sort=\"{}\">{}</td><td class=\"n\" data-sort=\"{}\" title=\"{}\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{where_}</td></tr>",
            esc(&f.key),
            esc(&f.owner),
            esc(f.remove_by.as_deref().unwrap_or("-")),
            f.days_past_removal.unwrap_or(-1),
            f.days_past_removal.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            f.age_days.unwrap_or(-1),
            esc(&age_text(f)),
            f.age_days.map(|d| d.to_string()).unwrap_or_else(|| "unknown".into()),
            esc(f.added_by.as_deref().unwrap_or("-")),
            esc(f.last_change.as_deref().unwrap_or("-")),
            f.references,
            f.files.len()
        );
    }
    s.push_str("</tbody></table>\n");
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body></html>\n");
    s
}
