//! `corsim serve FILE`: serve scenarios' scripted servers byte for byte, and
//! a page on each scenario's page origin that runs its fetches in whatever
//! browser opens it, beside corsim's prediction for that browser.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use corsim_cli::exit::Status;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use corsim::header_list::{isomorphic_decode, HeaderList};
use corsim::scenario::Scenario;
use corsim::{Browser, HttpRequest};
use url::Url;

/// Arguments of `corsim serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The scenario file (JSON Lines in the FORMAT.md shape).
    pub file: String,
    /// Serve only the scenario with this id (repeatable); all by default.
    #[arg(long = "id")]
    pub ids: Vec<String>,
}

/// What the running server knows.
struct State {
    scenarios: Vec<Scenario>,
    /// Per scenario id: the requests its URLs received since its last reset.
    log: Mutex<BTreeMap<String, Vec<serde_json::Value>>>,
    /// Every URL (without fragment) a scenario's server answers or a step asks for.
    urls: BTreeMap<String, String>,
    index_html: String,
    /// The scenario last reset (the one a page is running): requests for
    /// URLs no scenario lists are logged for it, since they are part of what
    /// its server saw (a redirect to an unlisted URL, answered 404).
    current: Mutex<Option<String>>,
    /// The TLS side of every port: a connection whose first byte opens a TLS
    /// handshake is served over TLS with a throwaway certificate (so one
    /// port can serve both `http:` and `https:` URLs).
    tls: Option<Arc<rustls::ServerConfig>>,
}

/// Run `corsim serve`.
pub fn run(args: &Args) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("corsim: cannot read {}: {e}", args.file);
            return Status::BadInput.into();
        }
    };
    let mut scenarios = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match Scenario::parse(line) {
            Ok(s) if args.ids.is_empty() || s.id.as_ref().is_some_and(|id| args.ids.contains(id)) => scenarios.push(s),
            Ok(_) => {}
            Err((id, e)) => eprintln!("corsim: {}:{} ({}) skipped: {e}", args.file, n + 1, id.unwrap_or_default()),
        }
    }
    if scenarios.is_empty() {
        eprintln!("corsim: no scenario to serve in {}", args.file);
        return Status::BadInput.into();
    }
    let mut urls = BTreeMap::new();
    let mut ports: BTreeSet<u16> = BTreeSet::new();
    for (i, s) in scenarios.iter().enumerate() {
        let id = s.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
        let step_urls = s.steps.iter().map(|st| st.request.url.clone());
        for u in s.server.keys().cloned().chain(step_urls) {
            if let Ok(parsed) = Url::parse(&u) {
                if let Some(port) = parsed.port_or_known_default() {
                    ports.insert(port);
                }
                urls.insert(without_fragment(&parsed), id.clone());
            }
        }
        if let Some(port) = page_port(s) {
            ports.insert(port);
        }
    }
    let first_page = scenarios.iter().find_map(page_url).unwrap_or_else(|| "http://127.0.0.1:8001/".to_owned());
    let tls = match throwaway_tls_config() {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("corsim serve: {e}; https: URLs are not served");
            None
        }
    };
    let state = Arc::new(State { index_html: index_page(&scenarios), scenarios, log: Mutex::new(BTreeMap::new()), urls, current: Mutex::new(None), tls });
    // Every port on 127.0.0.1 (and on ::1 where the machine has IPv6), or an
    // error naming the port: never a port announced that was not bound.
    let mut listeners = Vec::new();
    for port in &ports {
        match TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], *port))) {
            Ok(l) => listeners.push(l),
            // Browsers refuse a bad port before connecting: it need not be free.
            Err(_) if corsim::port_blocking::is_bad_port(*port) => {}
            Err(e) => {
                eprintln!("corsim serve: cannot listen on port {port} (127.0.0.1:{port}: {e}); the scenarios use it, so stop what holds it");
                return Status::CouldNotTest.into();
            }
        }
        match TcpListener::bind(SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], *port))) {
            Ok(l) => listeners.push(l),
            // No IPv6 loopback on this machine: 127.0.0.1 serves alone.
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => {}
            Err(_) if corsim::port_blocking::is_bad_port(*port) => {}
            Err(e) => {
                eprintln!("corsim serve: cannot listen on port {port} ([::1]:{port}: {e}); the scenarios use it, so stop what holds it");
                return Status::CouldNotTest.into();
            }
        }
    }
    for listener in listeners {
        let state = Arc::clone(&state);
        std::thread::spawn(move || accept_loop(listener, state));
    }
    let listed: Vec<String> = ports.iter().map(u16::to_string).collect();
    println!("Serving {} scenario(s) on loopback ports {}.", state.scenarios.len(), listed.join(", "));
    println!("Open {first_page} in the browser to hold corsim against; Ctrl-C stops.");
    loop {
        std::thread::park();
    }
}

/// Serve `scenarios`' scripted servers on every loopback port they use, in
/// background threads, with `page_html` as the page at `/` of every port (the
/// `/__corsim/log/ID` and `/__corsim/reset/ID` control pages as for `corsim
/// serve`). Every port must be free on 127.0.0.1 (and on ::1 when a scenario
/// names `[::1]`), or nothing is recorded: the error names the port. Returns
/// the ports. Used by `corsim record`.
pub fn start(scenarios: Vec<Scenario>, page_html: String) -> Result<Vec<u16>, String> {
    let mut urls = BTreeMap::new();
    let mut ports: BTreeSet<u16> = BTreeSet::new();
    let mut needs_v6 = false;
    for (i, s) in scenarios.iter().enumerate() {
        let id = s.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
        let step_urls = s.steps.iter().map(|st| st.request.url.clone());
        for u in s.server.keys().cloned().chain(step_urls) {
            if let Ok(parsed) = Url::parse(&u) {
                if !matches!(parsed.scheme(), "http" | "https") {
                    continue;
                }
                if let Some(port) = parsed.port_or_known_default() {
                    ports.insert(port);
                }
                needs_v6 |= parsed.host_str() == Some("[::1]");
                urls.insert(without_fragment(&parsed), id.clone());
            }
        }
        if let Some(port) = page_port(s) {
            ports.insert(port);
        }
        needs_v6 |= s.origin.serialize().contains("[::1]");
    }
    let tls = Some(throwaway_tls_config()?);
    let state = Arc::new(State { index_html: page_html, scenarios, log: Mutex::new(BTreeMap::new()), urls, current: Mutex::new(None), tls });
    for port in &ports {
        let v4 = SocketAddr::from(([127, 0, 0, 1], *port));
        let v6 = SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], *port));
        // A bad port (Fetch § "Port blocking") is listened on when it can be,
        // so that a browser that does connect is seen doing so; but the
        // browsers refuse it before connecting, so it need not be free.
        let bad = corsim::port_blocking::is_bad_port(*port);
        for (addr, required) in [(v4, !bad), (v6, needs_v6 && !bad)] {
            match TcpListener::bind(addr) {
                Ok(listener) => {
                    let state = Arc::clone(&state);
                    std::thread::spawn(move || accept_loop(listener, state));
                }
                Err(e) if required => return Err(format!("cannot listen on {addr}: {e}")),
                Err(_) => {}
            }
        }
    }
    Ok(ports.into_iter().collect())
}

/// A TLS server configuration with a self-signed certificate made now for
/// `127.0.0.1`, `[::1]`, `localhost` and `*.test` (the recorders tell the
/// browser to accept it; nothing else should).
fn throwaway_tls_config() -> Result<Arc<rustls::ServerConfig>, String> {
    let (certificate, key) = throwaway_certificate()?;
    tls_config(certificate, key)
}

/// A self-signed certificate and its key, made now.
fn throwaway_certificate() -> Result<(rustls::pki_types::CertificateDer<'static>, rustls::pki_types::PrivateKeyDer<'static>), String> {
    let names: Vec<String> = ["127.0.0.1", "::1", "localhost", "*.test"].map(String::from).into();
    let certified = rcgen::generate_simple_self_signed(names).map_err(|e| format!("cannot make a certificate: {e}"))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    Ok((certified.cert.der().clone(), key))
}

fn tls_config(
    certificate: rustls::pki_types::CertificateDer<'static>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .map_err(|e| format!("TLS: {e}"))?;
    // HTTP/1.1 only: the scripted answers are HTTP/1.1 bytes.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn without_fragment(u: &Url) -> String {
    let mut u = u.clone();
    u.set_fragment(None);
    u.as_str().to_owned()
}

fn page_port(s: &Scenario) -> Option<u16> {
    match &s.origin {
        corsim::Origin::Tuple(t) => Some(t.port()),
        corsim::Origin::Opaque => Some(8001),
    }
}

/// Where a scenario's page lives: its origin, or the first loopback page
/// origin for sandboxed (`null`) pages, which run in a sandboxed frame.
fn page_url(s: &Scenario) -> Option<String> {
    match &s.origin {
        corsim::Origin::Tuple(_) => Some(format!("{}/", s.origin.serialize())),
        corsim::Origin::Opaque => None,
    }
}

fn accept_loop(listener: TcpListener, state: Arc<State>) {
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            let _ = serve_connection(stream, &state);
        });
    }
}

/// Serve one connection: over TLS when its first byte opens a TLS
/// handshake (0x16), as plain HTTP otherwise.
fn serve_connection(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let local_port = stream.local_addr()?.port();
    let mut first = [0u8; 1];
    let opens_tls = stream.peek(&mut first)? == 1 && first[0] == 0x16;
    match (&state.tls, opens_tls) {
        (Some(config), true) => {
            let connection = rustls::ServerConnection::new(Arc::clone(config)).map_err(std::io::Error::other)?;
            serve_requests(rustls::StreamOwned::new(connection, stream), state, local_port, "https")
        }
        _ => serve_requests(stream, state, local_port, "http"),
    }
}

/// Read requests from one connection and answer each until it closes.
fn serve_requests<S: Read + Write>(stream: S, state: &State, local_port: u16, scheme: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        // Read the head, up to the blank line.
        let mut head = Vec::new();
        loop {
            let mut line = Vec::new();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            head.extend_from_slice(&line);
            if line == b"\r\n" || line == b"\n" {
                break;
            }
            if head.len() > 64 * 1024 {
                return Ok(());
            }
        }
        let mut parsed_headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut parsed_headers);
        // A request header whose value HTTP forbids (fetch() lets script send
        // 0x01) is skipped rather than refused: only the `origin` and
        // `access-control-request-*` headers are logged, and a 400 here
        // would be the server's doing, not the browser's.
        let parsed = httparse::ParserConfig::default().ignore_invalid_headers_in_requests(true).parse_request(&mut req, &head);
        if !matches!(parsed, Ok(httparse::Status::Complete(_))) {
            reader.get_mut().write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
            return Ok(());
        }
        let method = req.method.unwrap_or("GET").to_owned();
        let path = req.path.unwrap_or("/").to_owned();
        let mut headers = HeaderList::new();
        for h in req.headers.iter() {
            headers.append(h.name.as_bytes(), h.value);
        }
        // Discard a body.
        let length = headers
            .get("content-length")
            .and_then(|v| std::str::from_utf8(&v).ok().and_then(|s| s.trim().parse::<u64>().ok()))
            .unwrap_or(0);
        std::io::copy(&mut (&mut reader).take(length), &mut std::io::sink())?;
        let host = headers.get("host").map(|h| isomorphic_decode(&h)).unwrap_or_else(|| format!("127.0.0.1:{local_port}"));
        let response = respond(state, scheme, &method, &host, &path, headers);
        let writer = reader.get_mut();
        writer.write_all(&response)?;
        writer.flush()?;
    }
}

/// The bytes of the answer to one request.
fn respond(state: &State, scheme: &str, method: &str, host: &str, path: &str, headers: HeaderList) -> Vec<u8> {
    if let Some(page) = path.strip_prefix("/__corsim/") {
        return control(state, page, method);
    }
    let Ok(url) = Url::parse(&format!("{scheme}://{host}{path}")) else {
        return raw(400, &[], b"");
    };
    let key = without_fragment(&url);
    if method == "GET" {
        // A scenario's own page URL (`page.url`) carries its policy headers.
        if let Some(s) = state.scenarios.iter().find(|s| s.page.url.as_ref().is_some_and(|u| without_fragment(u) == key)) {
            return page_response(&state.index_html, s);
        }
        if path == "/" {
            return raw(200, &[("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")], state.index_html.as_bytes());
        }
    }
    let Some(id) = state.urls.get(&key) else {
        // The page's own requests are not the scenario's.
        if path != "/favicon.ico" {
            let current = state.current.lock().ok().and_then(|c| c.clone());
            if let Some(id) = current {
                log_request(state, &id, method, &key, &headers);
            }
        }
        return raw(404, &[("Content-Length", "0")], b"");
    };
    let Some(scenario) = state.scenarios.iter().find(|s| s.id.as_deref() == Some(id.as_str())) else {
        return raw(404, &[("Content-Length", "0")], b"");
    };
    log_request(state, id, method, &key, &headers);
    let request = HttpRequest { method: method.to_owned(), url, headers, is_preflight: false };
    let answer = scenario.answer(&request);
    // The scripted answer byte for byte: status, headers in order, duplicates
    // kept, the recording server's Content-Length: 0 already added.
    let mut out = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status)).into_bytes();
    for h in answer.headers.iter() {
        out.extend_from_slice(h.name);
        out.extend_from_slice(b": ");
        out.extend_from_slice(h.value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    // A scenario's `body` follows the head (its length is the Content-Length above).
    let body = scenario.scripted(&request).map(|r| r.body.as_slice()).unwrap_or_default();
    let has_body = method != "HEAD" && !(100..200).contains(&answer.status) && !matches!(answer.status, 204 | 304);
    if has_body {
        out.extend_from_slice(body);
    }
    out
}

/// The page at a scenario's `page.url`: `html`, with the scenario's
/// `Cross-Origin-Embedder-Policy` when it has one.
fn page_response(html: &str, s: &Scenario) -> Vec<u8> {
    let coep = s.page.embedder_policy.to_string();
    let mut headers = vec![("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")];
    if s.page.embedder_policy != corsim::cross_origin_resource_policy::EmbedderPolicy::UnsafeNone {
        headers.push(("Cross-Origin-Embedder-Policy", coep.as_str()));
    }
    raw(200, &headers, html.as_bytes())
}

/// Log a request for scenario `id`: method, URL, and the `origin` and
/// `access-control-request-*` headers.
fn log_request(state: &State, id: &str, method: &str, url: &str, headers: &HeaderList) {
    let logged: Vec<(String, String)> = corsim::fetch::cors_request_headers(headers);
    if let Ok(mut log) = state.log.lock() {
        log.entry(id.to_owned()).or_default().push(serde_json::json!({"method": method, "url": url, "headers": logged}));
    }
}

/// `/__corsim/…`: the runner page of one scenario, its log, and its reset.
fn control(state: &State, rest: &str, method: &str) -> Vec<u8> {
    let no_store = ("Cache-Control", "no-store");
    if let Some(id) = rest.strip_prefix("log/") {
        let id = percent_decode(id);
        let entries = state.log.lock().map(|l| l.get(&id).cloned().unwrap_or_default()).unwrap_or_default();
        let body = serde_json::to_vec(&entries).unwrap_or_default();
        return raw(200, &[("Content-Type", "application/json"), no_store], &body);
    }
    if let Some(id) = rest.strip_prefix("reset/") {
        let id = percent_decode(id);
        if let Ok(mut log) = state.log.lock() {
            log.remove(&id);
        }
        if let Ok(mut current) = state.current.lock() {
            *current = Some(id);
        }
        return raw(204, &[no_store], b"");
    }
    if let Some(id) = rest.strip_prefix("run/") {
        let id = percent_decode(id);
        if let Some(s) = state.scenarios.iter().find(|s| s.id.as_deref() == Some(id.as_str())) {
            return raw(200, &[("Content-Type", "text/html; charset=utf-8"), no_store], runner_page(s).as_bytes());
        }
    }
    let _ = method;
    raw(404, &[("Content-Length", "0")], b"")
}

fn raw(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (n, v) in headers {
        if !n.eq_ignore_ascii_case("content-length") {
            out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Status")
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

fn json_for_script(v: &impl serde::Serialize) -> String {
    // Safe inside <script>: no "</" can close the element.
    serde_json::to_string(v).unwrap_or_else(|_| "null".into()).replace("</", "<\\/")
}

/// The page that lists the scenarios, runs each in a frame on its own page
/// origin, and compares the browser with corsim's prediction.
fn index_page(scenarios: &[Scenario]) -> String {
    let mut items = Vec::new();
    for (i, s) in scenarios.iter().enumerate() {
        let id = s.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
        let predictions: BTreeMap<&str, serde_json::Value> = [Browser::Chromium, Browser::Firefox, Browser::WebKit]
            .into_iter()
            .map(|b| (b.name(), serde_json::to_value(s.simulate(Some(b.profile()))).unwrap_or_default()))
            .collect();
        let frame = match &s.origin {
            corsim::Origin::Tuple(_) => format!("{}/__corsim/run/", s.origin.serialize()),
            corsim::Origin::Opaque => "http://127.0.0.1:8001/__corsim/run/".to_owned(),
        };
        items.push(serde_json::json!({
            "id": id,
            "origin": s.origin.serialize(),
            "sandboxed": s.origin.is_opaque(),
            "frame": frame,
            "steps": s.steps.iter().map(|st| serde_json::json!({"at_ms": st.at_ms, "method": st.request.method, "url": st.request.url})).collect::<Vec<_>>(),
            "predictions": predictions,
        }));
    }
    format!(
        r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>corsim serve</title>
<style>
body{{font:15px/1.45 system-ui,sans-serif;margin:1.5rem;max-width:80rem;color:#1b1b1b}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left}}
.ok{{background:#e4f6e4}}.bad{{background:#fde2e2}}code{{font-size:13px}}button{{font:inherit;padding:.3rem .8rem}}
</style></head><body>
<h1>corsim serve</h1>
<p>Each scenario runs in a frame on its own page origin; its fetches go to the scripted servers on loopback.
Beside what <strong>this browser</strong> did is what corsim predicts for it (profile <code id="profile"></code>).</p>
<p><button id="all">Run all</button> <span id="summary" role="status"></span></p>
<table><thead><tr><th>scenario</th><th>this browser</th><th>corsim</th><th>agrees</th></tr></thead><tbody id="rows"></tbody></table>
<script>
const SCENARIOS = {data};
const ua = navigator.userAgent;
const profile = /Firefox\//.test(ua) ? "firefox" : /Chrome\//.test(ua) ? "chromium" : /AppleWebKit/.test(ua) ? "webkit" : "chromium";
document.getElementById("profile").textContent = profile;
const rows = document.getElementById("rows");
const brief = step => step.result.type === "error"
  ? "error" + (step.cors_error ? " (" + step.cors_error + ")" : "")
  : step.result.type + " " + step.result.status + " [" + step.result.headers.join(", ") + "]";
const sawText = saw => saw.map(r => r.method + " " + r.url).join("\n");
function row(s) {{
  const tr = document.createElement("tr");
  tr.innerHTML = "<td><code></code><br><button>Run</button></td><td><pre></pre></td><td><pre></pre></td><td></td>";
  tr.querySelector("code").textContent = s.id + " from " + s.origin;
  tr.querySelector("button").onclick = () => run(s, tr);
  rows.appendChild(tr);
  return tr;
}}
function run(s, tr) {{
  return new Promise(resolve => {{
    fetch("/__corsim/reset/" + encodeURIComponent(s.id), {{method: "POST"}}).then(() => {{
      const frame = document.createElement("iframe");
      if (s.sandboxed) frame.setAttribute("sandbox", "allow-scripts");
      frame.style.display = "none";
      frame.src = s.frame + encodeURIComponent(s.id);
      const listener = async ev => {{
        if (!ev.data || ev.data.corsim !== s.id) return;
        window.removeEventListener("message", listener);
        frame.remove();
        const saw = await (await fetch("/__corsim/log/" + encodeURIComponent(s.id))).json();
        const predicted = s.predictions[profile].steps;
        const got = ev.data.steps;
        let agree = got.length === predicted.length;
        const lines = [], want = [];
        got.forEach((g, i) => {{
          const p = predicted[i];
          const same = p && p.result.type === g.result.type && (g.result.type === "error" || (p.result.status === g.result.status && JSON.stringify(p.result.headers) === JSON.stringify(g.result.headers)));
          agree = agree && same;
          lines.push("step " + (i + 1) + ": " + brief(g));
          want.push("step " + (i + 1) + ": " + (p ? brief(p) : "?") + (p ? "\n  sends:\n  " + sawText(p.server_saw).replace(/\n/g, "\n  ") : ""));
        }});
        const sawAll = sawText(saw);
        const predictedSaw = predicted.flatMap(p => p.server_saw);
        const sameSaw = sawAll === sawText(predictedSaw);
        agree = agree && sameSaw;
        tr.children[1].querySelector("pre").textContent = lines.join("\n") + "\nserver saw:\n  " + sawAll.replace(/\n/g, "\n  ");
        tr.children[2].querySelector("pre").textContent = want.join("\n");
        tr.children[3].textContent = agree ? "yes" : (sameSaw ? "no" : "no (requests differ)");
        tr.className = agree ? "ok" : "bad";
        // For tests that drive this page: what the browser did, per scenario.
        (window.corsimResults = window.corsimResults || {{}})[s.id] = {{ steps: got, saw, agree }};
        resolve(agree);
      }};
      window.addEventListener("message", listener);
      document.body.appendChild(frame);
    }});
  }});
}}
const trs = SCENARIOS.map(row);
document.getElementById("all").onclick = async () => {{
  let ok = 0;
  for (let i = 0; i < SCENARIOS.length; i++) {{ if (await run(SCENARIOS[i], trs[i])) ok++; }}
  document.getElementById("summary").textContent = ok + " of " + SCENARIOS.length + " scenarios agree with corsim's " + profile + " profile";
  document.documentElement.dataset.done = "true";
}};
</script></body></html>"##,
        data = json_for_script(&items)
    )
}

/// The page that runs one scenario's fetches on its page origin and
/// reports what `fetch()` gave back to the page that framed it.
fn runner_page(s: &Scenario) -> String {
    let steps: Vec<serde_json::Value> = s
        .steps
        .iter()
        .map(|st| {
            let r = &st.request;
            serde_json::json!({
                "at_ms": st.at_ms,
                "url": r.url,
                "init": {
                    "method": r.method,
                    "headers": r.headers,
                    "mode": r.mode.to_string(),
                    "credentials": r.credentials.to_string(),
                    "redirect": r.redirect.to_string(),
                },
            })
        })
        .collect();
    format!(
        r##"<!doctype html><meta charset="utf-8"><title>corsim run</title><script>
const ID = {id};
const STEPS = {steps};
(async () => {{
  const start = performance.now();
  const out = [];
  for (const step of STEPS) {{
    const wait = step.at_ms - (performance.now() - start);
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    try {{
      const res = await fetch(step.url, step.init);
      out.push({{result: {{type: res.type, status: res.status, headers: [...res.headers.keys()].sort()}}}});
    }} catch (e) {{
      out.push({{result: {{type: "error"}}, message: String(e)}});
    }}
  }}
  parent.postMessage({{corsim: ID, steps: out}}, "*");
}})();
</script>"##,
        id = json_for_script(&s.id),
        steps = json_for_script(&steps)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        let line = r#"{"id":"t1","origin":"http://127.0.0.1:8001","steps":[{"at_ms":0,"request":{"url":"http://127.0.0.1:8002/s/1/a","method":"PUT"}}],"server":{"http://127.0.0.1:8002/s/1/a":{"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://127.0.0.1:8001"],["access-control-allow-origin","x\u00e9"]]},"actual":{"status":200,"headers":[]}}}}"#;
        let s = Scenario::parse(line).unwrap();
        let mut urls = BTreeMap::new();
        urls.insert("http://127.0.0.1:8002/s/1/a".to_owned(), "t1".to_owned());
        State {
            index_html: index_page(std::slice::from_ref(&s)),
            scenarios: vec![s],
            log: Mutex::new(BTreeMap::new()),
            urls,
            current: Mutex::new(None),
            tls: None,
        }
    }

    #[test]
    fn answers_byte_for_byte_with_duplicates_and_content_length() {
        let st = state();
        let mut h = HeaderList::new();
        h.append("Origin", "http://127.0.0.1:8001");
        h.append("Access-Control-Request-Method", "PUT");
        let bytes = respond(&st, "http", "OPTIONS", "127.0.0.1:8002", "/s/1/a", h);
        assert_eq!(
            bytes,
            b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: http://127.0.0.1:8001\r\naccess-control-allow-origin: x\xe9\r\n\r\n".to_vec()
        );
        let bytes = respond(&st, "http", "PUT", "127.0.0.1:8002", "/s/1/a", HeaderList::new());
        assert_eq!(bytes, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec());
        let log = st.log.lock().unwrap();
        assert_eq!(log["t1"].len(), 2);
        assert_eq!(log["t1"][0]["headers"][1][0], "access-control-request-method");
    }

    #[test]
    fn a_scenario_body_follows_the_head() {
        let line = r#"{"id":"b","origin":"http://127.0.0.1:8001","steps":[],"server":{"http://127.0.0.1:8002/b":{"actual":{"status":200,"headers":[["Content-Type","text/css"]],"body":"p {}"}}}}"#;
        let s = Scenario::parse(line).unwrap();
        let mut urls = BTreeMap::new();
        urls.insert("http://127.0.0.1:8002/b".to_owned(), "b".to_owned());
        let st = State { index_html: String::new(), scenarios: vec![s], log: Mutex::new(BTreeMap::new()), urls, current: Mutex::new(None), tls: None };
        let bytes = respond(&st, "http", "GET", "127.0.0.1:8002", "/b", HeaderList::new());
        assert_eq!(bytes, b"HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Length: 4\r\n\r\np {}".to_vec());
        let bytes = respond(&st, "http", "HEAD", "127.0.0.1:8002", "/b", HeaderList::new());
        assert!(bytes.ends_with(b"Content-Length: 4\r\n\r\n"));
    }

    #[test]
    fn a_request_header_with_a_forbidden_byte_is_skipped_not_refused() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let st = Arc::new(state());
        std::thread::spawn(move || accept_loop(listener, st));
        let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
        conn.write_all(b"GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: \x01\r\n\r\n").unwrap();
        // The answer's head (serve keeps the connection open).
        let mut answer = Vec::new();
        let mut byte = [0u8; 1];
        while !answer.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
            answer.push(byte[0]);
        }
        assert!(answer.starts_with(b"HTTP/1.1 404 "), "{}", String::from_utf8_lossy(&answer));
    }

    #[test]
    fn requests_for_unlisted_urls_are_logged_for_the_scenario_last_reset() {
        let st = state();
        respond(&st, "http", "GET", "127.0.0.1:8002", "/before-any-reset", HeaderList::new());
        assert!(st.log.lock().unwrap().is_empty());
        respond(&st, "http", "POST", "127.0.0.1:8001", "/__corsim/reset/t1", HeaderList::new());
        let bytes = respond(&st, "http", "GET", "127.0.0.1:8002", "/s/1/elsewhere", HeaderList::new());
        assert!(bytes.starts_with(b"HTTP/1.1 404 Not Found\r\n"));
        respond(&st, "http", "GET", "127.0.0.1:8001", "/favicon.ico", HeaderList::new());
        let log = st.log.lock().unwrap();
        assert_eq!(log["t1"].len(), 1);
        assert_eq!(log["t1"][0]["url"], "http://127.0.0.1:8002/s/1/elsewhere");
    }

    #[test]
    fn one_port_answers_https_and_http_alike() {
        let line = r#"{"id":"tls","origin":"https://127.0.0.1:8001","page":{"url":"https://127.0.0.1:8001/coep","coep":"require-corp"},"steps":[],"server":{"https://127.0.0.1:8002/t":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}}}"#;
        let s = Scenario::parse(line).unwrap();
        let (certificate, key) = throwaway_certificate().unwrap();
        let mut urls = BTreeMap::new();
        urls.insert("https://127.0.0.1:8002/t".to_owned(), "tls".to_owned());
        let st = Arc::new(State {
            index_html: "page".into(),
            scenarios: vec![s],
            log: Mutex::new(BTreeMap::new()),
            urls,
            current: Mutex::new(None),
            tls: Some(tls_config(certificate.clone(), key).unwrap()),
        });
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || accept_loop(listener, st));
        let ask = |stream: &mut dyn ReadWrite, path: &str| {
            stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:8002\r\n\r\n").as_bytes()).unwrap();
            // The head (serve keeps the connection open).
            let mut answer = Vec::new();
            let mut byte = [0u8; 1];
            while !answer.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                answer.push(byte[0]);
            }
            String::from_utf8_lossy(&answer).into_owned()
        };
        // Over TLS, trusting only the throwaway certificate.
        let mut roots = rustls::RootCertStore::empty();
        roots.add(certificate).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let connection = rustls::ClientConnection::new(Arc::new(client), name).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, TcpStream::connect(("127.0.0.1", port)).unwrap());
        let answer = ask(&mut tls, "/t");
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n"), "{answer}");
        // The same port, plain: the https: URL is not the http: one.
        let answer = ask(&mut TcpStream::connect(("127.0.0.1", port)).unwrap(), "/t");
        assert!(answer.starts_with("HTTP/1.1 404 "), "{answer}");
    }

    #[test]
    fn a_page_url_is_served_with_the_scenarios_embedder_policy() {
        let line = r#"{"id":"coep","origin":"http://127.0.0.1:8001","page":{"url":"http://127.0.0.1:8001/coep","coep":"require-corp"},"steps":[],"server":{}}"#;
        let s = Scenario::parse(line).unwrap();
        let st = State { index_html: "page".into(), scenarios: vec![s], log: Mutex::new(BTreeMap::new()), urls: BTreeMap::new(), current: Mutex::new(None), tls: None };
        let page = String::from_utf8(respond(&st, "http", "GET", "127.0.0.1:8001", "/coep", HeaderList::new())).unwrap();
        assert!(page.contains("\r\nCross-Origin-Embedder-Policy: require-corp\r\n") && page.ends_with("page"), "{page}");
        let plain = String::from_utf8(respond(&st, "http", "GET", "127.0.0.1:8001", "/", HeaderList::new())).unwrap();
        assert!(!plain.contains("Cross-Origin-Embedder-Policy"), "{plain}");
    }

    /// A connection, plain or TLS.
    trait ReadWrite: Read + Write {}
    impl<T: Read + Write> ReadWrite for T {}

    #[test]
    fn unknown_urls_are_404_and_pages_are_served() {
        let st = state();
        let bytes = respond(&st, "http", "GET", "127.0.0.1:8002", "/nope", HeaderList::new());
        assert!(bytes.starts_with(b"HTTP/1.1 404 Not Found\r\n"));
        let page = respond(&st, "http", "GET", "127.0.0.1:8001", "/", HeaderList::new());
        assert!(String::from_utf8_lossy(&page).contains("corsim serve"));
        let runner = respond(&st, "http", "GET", "127.0.0.1:8001", "/__corsim/run/t1", HeaderList::new());
        assert!(String::from_utf8_lossy(&runner).contains("http://127.0.0.1:8002/s/1/a"));
    }
}
