//! A local HTTP replay server for provider tests: std::net only, 127.0.0.1, one thread per
//! connection, `Connection: close` on every answer.
//!
//! Routes are matched on the exact method and request target (path + query). Each route holds a
//! sequence of replies; the last one repeats. Unknown targets get a 404. Every request is
//! recorded (method, target, headers) before it is answered, so tests can assert on them.
//! `{{base}}` in a reply body is replaced by the server's base URL (for absolute `next` links).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One canned answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Never answer (hold the connection open for a while, then drop it).
    pub hang: bool,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn json(body: impl Into<String>) -> Reply {
        Reply::status(200, body)
    }

    /// Any status with a JSON body.
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            hang: false,
        }
    }

    /// 200 with the body of `fixtures/provider-recordings/<rel>`.
    pub fn fixture(rel: &str) -> Reply {
        Reply::json(fixture(rel))
    }

    /// A server that accepts the connection and never answers.
    pub fn hang() -> Reply {
        Reply {
            status: 0,
            headers: Vec::new(),
            body: String::new(),
            hang: true,
        }
    }

    /// Add a response header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Read `fixtures/provider-recordings/<rel>`.
pub fn fixture(rel: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "fixtures",
        "provider-recordings",
        rel,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query, exactly as sent.
    pub target: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Route {
    method: String,
    target: String,
    replies: VecDeque<Reply>,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    requests: Vec<Request>,
}

/// The running server. Lives until the test process exits.
pub struct Replay {
    base: String,
    state: Arc<Mutex<State>>,
}

impl Replay {
    /// Start on 127.0.0.1 with an OS-chosen port.
    pub fn start() -> Replay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let st = Arc::clone(&state);
        let b = base.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let st = Arc::clone(&st);
                let b = b.clone();
                thread::spawn(move || serve(stream, &st, &b));
            }
        });
        Replay { base, state }
    }

    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        self.base.clone()
    }

    /// Answer `GET target` with `reply` (always).
    pub fn route(&self, target: &str, reply: Reply) -> &Replay {
        self.route_seq(target, vec![reply])
    }

    /// Answer `GET target` with `replies` in order; the last one repeats.
    pub fn route_seq(&self, target: &str, replies: Vec<Reply>) -> &Replay {
        let mut st = self.state.lock().unwrap();
        st.routes.retain(|r| r.target != target);
        st.routes.push(Route {
            method: "GET".into(),
            target: target.into(),
            replies: replies.into(),
        });
        self
    }

    /// Everything received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Request targets received so far.
    pub fn targets(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.target).collect()
    }

    /// How many times `target` was requested.
    pub fn hits(&self, target: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.target == target)
            .count()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, base: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim().to_string();
            if k == "content-length" {
                content_length = v.parse().unwrap_or(0);
            }
            headers.push((k, v));
        }
    }
    if content_length > 0 {
        let mut body = vec![0u8; content_length];
        let _ = reader.read_exact(&mut body);
    }

    let reply = {
        let mut st = state.lock().unwrap();
        st.requests.push(Request {
            method: method.clone(),
            target: target.clone(),
            headers,
        });
        match st
            .routes
            .iter_mut()
            .find(|r| r.method == method && r.target == target)
        {
            Some(route) if route.replies.len() > 1 => route.replies.pop_front(),
            Some(route) => route.replies.front().cloned(),
            None => None,
        }
    }
    .unwrap_or_else(|| {
        Reply::status(
            404,
            format!(r#"{{"detail":"replay: no route for {method} {target}"}}"#),
        )
    });

    let mut stream = stream;
    if reply.hang {
        thread::sleep(Duration::from_secs(5));
        return;
    }
    let body = reply.body.replace("{{base}}", base);
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.push_str(&body);
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.flush();
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The Unleash admin search of project `default`.
pub const UNLEASH_SEARCH: &str = "/api/admin/search/features?project=IS:default";

/// The recorded Unleash project `default` (Unleash 8.2.0): its features, the feature types,
/// the potentially-stale and archived searches and `new-checkout`'s detail. The plain search
/// is served as `search`: `(offset, fixture)` pages.
pub fn route_unleash(s: &Replay, search: &[(usize, &str)]) {
    s.route(
        "/api/admin/projects/default/features",
        Reply::fixture("unleash/project-features.json"),
    )
    .route(
        "/api/admin/feature-types",
        Reply::fixture("unleash/feature-types.json"),
    )
    .route(
        &format!("{UNLEASH_SEARCH}&state=IS:potentially-stale&limit=100&offset=0"),
        Reply::fixture("unleash/search-potentially-stale.json"),
    )
    .route(
        &format!("{UNLEASH_SEARCH}&lifecycle=IS:archived&limit=100&offset=0"),
        Reply::fixture("unleash/search-archived.json"),
    )
    .route(
        "/api/admin/projects/default/features/new-checkout",
        Reply::fixture("unleash/feature-new-checkout.json"),
    );
    for (offset, fixture) in search {
        s.route(
            &format!("{UNLEASH_SEARCH}&limit=100&offset={offset}"),
            Reply::fixture(fixture),
        );
    }
}
