//! Items 6 and 12 (provider side): a misbehaving server on 127.0.0.1 cannot exhaust memory
//! (bodies are capped on success and error, also when streamed without a length), retries and
//! total time are bounded whatever the config says, URLs are shown and stored without
//! userinfo, and server text reaches the terminal without control characters.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::replay::{Replay, Reply};
use flagdebt::provider::{fetch_all, ProviderConfig, ProviderKind};

fn env(_: &str) -> Option<String> {
    Some("tok-123".to_string())
}

/// A server that answers every request with `head` and then `chunk` repeated until the
/// client goes away (or `limit` bytes).
fn streaming_server(head: &'static str, chunk: &'static [u8], limit: u64) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut c) = conn else { continue };
            std::thread::spawn(move || {
                let mut r = BufReader::new(c.try_clone().unwrap());
                let mut line = String::new();
                while r.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    line.clear();
                }
                if c.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let mut sent = 0u64;
                while sent < limit && c.write_all(chunk).is_ok() {
                    sent += chunk.len() as u64;
                }
            });
        }
    });
    url
}

fn config(url: &str) -> ProviderConfig {
    let mut c = ProviderConfig::new(ProviderKind::Unleash, url, "p", "TOKEN");
    c.max_retry_wait_secs = 0.01;
    c.timeout_secs = 20.0;
    c
}

#[test]
fn huge_declared_body_is_refused_before_reading() {
    let url = streaming_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n",
        &[b' '; 65536],
        2 << 30,
    );
    let start = Instant::now();
    let err = fetch_all(&[config(&url)], &env).expect_err("too large");
    let shown = err.to_string();
    assert!(
        shown.contains("the response body is larger than the 32.0 MB limit (2048.0 MB; provider max_body_bytes)"),
        "{shown}"
    );
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn endless_chunked_body_is_cut_at_the_limit() {
    // Chunks of 64 KiB forever (well, 8 GB): `4000` hex = 16 KiB per chunk frame.
    static FRAME: [u8; 16392] = {
        let mut f = [b' '; 16392];
        f[0] = b'4';
        f[1] = b'0';
        f[2] = b'0';
        f[3] = b'0';
        f[4] = b'\r';
        f[5] = b'\n';
        f[16390] = b'\r';
        f[16391] = b'\n';
        f
    };
    let url = streaming_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        &FRAME,
        8 << 30,
    );
    let mut c = config(&url);
    c.max_body_bytes = 4 * 1024 * 1024;
    let start = Instant::now();
    let err = fetch_all(&[c], &env).expect_err("too large");
    let shown = err.to_string();
    assert!(
        shown.contains("the response body is larger than the 4.0 MB limit"),
        "{shown}"
    );
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn retries_are_bounded_whatever_the_config_says() {
    // A port nobody listens on: every attempt is refused at once.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = config(&format!("http://127.0.0.1:{port}"));
    c.max_retries = u32::MAX;
    c.max_retry_wait_secs = 0.0;
    let start = Instant::now();
    let err = fetch_all(&[c], &env).expect_err("refused");
    let shown = err.to_string();
    assert!(shown.contains("cannot connect"), "{shown}");
    assert!(shown.contains("(after 11 attempts)"), "{shown}");
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn userinfo_and_control_characters_never_shown() {
    let s = Replay::start();
    s.route(
        "/api/admin/projects/p/features",
        Reply::status(
            500,
            "{\"message\":\"boom \\u001b[2J\\u001b]0;pwned\\u0007 done\"}",
        ),
    );
    let with_user = s.url().replacen("http://", "http://user:hunter2@", 1);
    let mut c = config(&with_user);
    c.max_retries = 0;
    let err = fetch_all(&[c], &env).expect_err("500");
    let shown = err.to_string();
    assert!(
        !shown.contains("hunter2") && !shown.contains("user:"),
        "{shown}"
    );
    assert!(
        !shown.contains('\x1b') && !shown.contains('\x07'),
        "{shown:?}"
    );
    assert!(shown.contains("boom [2J]0;pwned done"), "{shown:?}");
}

#[test]
fn snapshot_stores_base_url_without_userinfo() {
    let s = Replay::start();
    common::replay::route_unleash(&s, &[(0, "unleash/search.json")]);
    let with_user = s.url().replacen("http://", "http://user:hunter2@", 1);
    let mut c = config(&with_user);
    c.project = "default".into();
    let state = fetch_all(&[c], &env).expect("fetched");
    let json = serde_json::to_string(&state).unwrap();
    assert!(
        !json.contains("hunter2") && !json.contains("user:"),
        "{json}"
    );
}
