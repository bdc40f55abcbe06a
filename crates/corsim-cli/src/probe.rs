//! `corsim probe URL` and `corsim audit URL`: send a live server exactly
//! what a browser would send, with a real HTTP client (HTTPS included), and
//! judge its answers with the engine.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::process::ExitCode;
use std::time::Duration;

use corsim::audit::Audit;
use corsim::explain::{Explanation, TextStyle};
use corsim::header_list::HeaderList;
use corsim::{Action, Fetch, HttpRequest, HttpResponse, Origin, PreflightCache, Profile, Timestamp};
use url::Url;

use crate::explain::{color, BadInput, FetchOptions};
use crate::ProfileArg;

pub(crate) const PROBE_HELP: &str = "\
Sends the preflight when the browser would, then the request itself, and follows
redirects as the browser would (each hop judged by the engine): never more requests
than the browser would send. The output is the same as `corsim explain`.

Exit status: 0 when script could read the response, 1 when not, 2 for bad input or
a server that could not be reached.

Example:
  corsim probe https://api.example/items --origin https://app.example -X PUT \\
      -H 'Content-Type: application/json' --credentials include";

pub(crate) const AUDIT_HELP: &str = "\
Sends a fixed, small set of requests (at most 64, usually about a dozen) from the
origins each known misconfiguration needs (any origin reflected, `null`, look-alike
prefixes and suffixes, unescaped dots, subdomains, http:// origins, `*` with
credentials, a missing `Vary: Origin`, error responses without CORS headers,
preflights not answered) and reports each class found, with its severity and fix.
A finding means a browser on that origin can read the response.

Exit status: 0 when nothing was found, 1 when something was, 2 for bad input.

Example:
  corsim audit https://api.example/items --trust https://app.example";

/// Arguments of `corsim probe`.
#[derive(clap::Args, Debug)]
pub(crate) struct ProbeArgs {
    /// The URL to fetch.
    url: String,
    /// The page's origin, e.g. https://app.example (or `null`).
    #[arg(long, value_name = "ORIGIN")]
    origin: String,
    #[command(flatten)]
    fetch: FetchOptions,
    /// The browser to imitate (default chromium).
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    timeout: u64,
    /// Print the explanation as one JSON object.
    #[arg(long)]
    json: bool,
}

/// Arguments of `corsim audit`.
#[derive(clap::Args, Debug)]
pub(crate) struct AuditArgs {
    /// The URL to audit.
    url: String,
    /// An origin the server should trust (repeatable), e.g. https://app.example.
    #[arg(long = "trust", value_name = "ORIGIN")]
    trusted: Vec<String>,
    /// A URL on the same server that answers with an error, to check CORS on errors.
    #[arg(long, value_name = "URL")]
    error_url: Option<String>,
    /// The browser to imitate (default chromium).
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    timeout: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// A client for one request at a time: it sends exactly the method and
/// headers it is given (any token is a method, as in a browser), never
/// follows redirects (the engine does), and reads the answer's status and
/// header lines byte for byte, in order, duplicates kept. HTTP/1.1 over TCP,
/// or over TLS (rustls, with the Mozilla roots) for `https:` URLs.
pub(crate) struct Client {
    timeout: Duration,
    tls: Arc<rustls::ClientConfig>,
}

impl Client {
    pub(crate) fn new(timeout_secs: u64) -> Client {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .unwrap_or_else(|_| {
                rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                    .with_protocol_versions(&[&rustls::version::TLS13])
                    .expect("TLS 1.3 is always supported")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth()
            });
        Client { timeout: Duration::from_secs(timeout_secs.max(1)), tls: Arc::new(tls) }
    }

    /// Send one request as it is, and read the answer's status and headers.
    pub(crate) fn send(&self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let url = &request.url;
        let what = format!("{} {}", request.method, url);
        let secure = match url.scheme() {
            "http" => false,
            "https" => true,
            other => return Err(format!("{what}: the scheme {other}: is not http: or https:")),
        };
        let host = url.host_str().ok_or_else(|| format!("{what}: no host"))?.to_owned();
        let addrs = url.socket_addrs(|| None).map_err(|e| format!("{what}: cannot resolve {host}: {e}"))?;
        let stream = addrs
            .iter()
            .find_map(|a| TcpStream::connect_timeout(a, self.timeout).ok())
            .ok_or_else(|| format!("{what}: cannot connect to {host}"))?;
        stream.set_read_timeout(Some(self.timeout)).map_err(|e| format!("{what}: {e}"))?;
        stream.set_write_timeout(Some(self.timeout)).map_err(|e| format!("{what}: {e}"))?;
        let mut target = url.path().to_owned();
        if let Some(q) = url.query() {
            target.push('?');
            target.push_str(q);
        }
        let host_header = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.clone(),
        };
        let mut head = format!("{} {target} HTTP/1.1\r\nHost: {host_header}\r\n", request.method).into_bytes();
        for h in request.headers.iter() {
            head.extend_from_slice(&h.name);
            head.extend_from_slice(b": ");
            head.extend_from_slice(&h.value);
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"User-Agent: corsim\r\nConnection: close\r\n\r\n");
        let answer = if secure {
            let name = rustls::pki_types::ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_owned())
                .map_err(|e| format!("{what}: {e}"))?;
            let conn = rustls::ClientConnection::new(Arc::clone(&self.tls), name).map_err(|e| format!("{what}: {e}"))?;
            exchange(rustls::StreamOwned::new(conn, stream), &head)
        } else {
            exchange(stream, &head)
        };
        answer.map_err(|e| format!("{what}: {e}"))
    }
}

/// Write the request head and read the response head.
fn exchange(mut stream: impl Read + Write, head: &[u8]) -> Result<HttpResponse, String> {
    stream.write_all(head).and_then(|()| stream.flush()).map_err(|e| e.to_string())?;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let mut parsed = [httparse::EMPTY_HEADER; 128];
        let mut response = httparse::Response::new(&mut parsed);
        match response.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let status = response.code.ok_or("no status code")?;
                // 1xx informational answers come before the real one.
                if (100..200).contains(&status) && status != 101 {
                    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4).unwrap_or(buf.len());
                    buf.drain(..end);
                    continue;
                }
                let mut headers = HeaderList::new();
                for h in response.headers.iter() {
                    headers.append(h.name.as_bytes(), h.value);
                }
                return Ok(HttpResponse { status, headers });
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(format!("not an HTTP response: {e}")),
        }
        if buf.len() > 256 * 1024 {
            return Err("the response head is larger than 256 KiB".to_owned());
        }
        let n = stream.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the connection closed before a whole response head arrived".to_owned());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

pub(crate) fn probe(args: ProbeArgs) -> ExitCode {
    match build_probe(&args) {
        Ok(explanation) => {
            let out = if args.json {
                serde_json::to_string(&explanation).map(|j| j + "\n").unwrap_or_default()
            } else {
                explanation.to_text(if color() { TextStyle::Ansi } else { TextStyle::Plain })
            };
            let mut stdout = io::stdout().lock();
            let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
            if explanation.result.readable {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(BadInput(message)) => {
            eprintln!("corsim probe: {message}");
            ExitCode::from(2)
        }
    }
}

fn build_probe(args: &ProbeArgs) -> Result<Explanation, BadInput> {
    Url::parse(&args.url).map_err(|e| BadInput(format!("URL '{}': not an absolute URL ({e})", args.url)))?;
    let page = Origin::parse(&args.origin).map_err(|e| BadInput(format!("--origin '{}': {}", args.origin, e.message)))?;
    let init = args.fetch.init(&args.url)?;
    let profile = args.profile.map(ProfileArg::profile).unwrap_or(&Profile::CHROMIUM);
    let client = Client::new(args.timeout);
    let mut fetch = Fetch::new(profile, page.clone(), &init);
    let mut cache = PreflightCache::new();
    let mut responses = Vec::new();
    let verdict = loop {
        match fetch.poll(&mut cache, Timestamp::ZERO) {
            Action::Send(request) => {
                let response = client.send(&request).map_err(|e| BadInput(format!("the server could not be reached: {e}")))?;
                responses.push(response.clone());
                fetch.receive(response);
            }
            Action::Done(verdict) => break verdict,
        }
    };
    Ok(Explanation::from_verdict(profile, &page, &init, &verdict, &responses))
}

pub(crate) fn audit(args: AuditArgs) -> ExitCode {
    let mut audit = match Audit::new(&args.url) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("corsim audit: URL '{}': {}", args.url, e.message);
            return ExitCode::from(2);
        }
    };
    for origin in &args.trusted {
        audit = match audit.trust(origin) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("corsim audit: --trust '{origin}': {}", e.message);
                return ExitCode::from(2);
            }
        };
    }
    if let Some(url) = &args.error_url {
        audit = match audit.error_url(url) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("corsim audit: --error-url '{url}': {}", e.message);
                return ExitCode::from(2);
            }
        };
    }
    if let Some(p) = args.profile {
        audit = audit.profile(p.profile());
    }
    let client = Client::new(args.timeout);
    let report = audit.run(|request| client.send(request));
    let out = if args.json {
        serde_json::to_string_pretty(&report).map(|j| j + "\n").unwrap_or_default()
    } else {
        report.to_string()
    };
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    if report.worst().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
