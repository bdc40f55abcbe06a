//! `corsim probe URL` and `corsim audit URL`: send a live server exactly
//! what a browser would send, with a real HTTP client (HTTPS included), and
//! judge its answers with the engine.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use corsim::audit::Audit;
use corsim::explain::{Explanation, TextStyle};
use corsim::origin::{loopback_alias_note, missing_scheme_error, origin_notes};
use corsim::{Action, Fetch, HttpRequest, HttpResponse, Origin, PreflightCache, Profile, Timestamp};
use corsim_cli::exit::Status;
use corsim_cli::wire::HeadReader;
use url::Url;

use crate::explain::FetchOptions;
use crate::ui::{color, BadInput};
use crate::ProfileArg;

pub(crate) const PROBE_HELP: &str = concat!("\
Sends the preflight when the browser would, then the request itself, and follows
redirects as the browser would (each hop judged by the engine): never more requests
than the browser would send. The output is the same as `corsim explain`. Each exchange
ends within --timeout seconds (connecting, sending and the whole answer head), the
command within --max-time; a response head may be 256 KiB, as in Chromium.

Exit status: 0 when script could read the response, 1 when not (blocked, or opaque),
", corsim_cli::exit_2_and_3!(), "

Example:
  corsim probe https://api.example/items --origin https://app.example -X PUT \\
      -H 'Content-Type: application/json' --credentials include");

pub(crate) const AUDIT_HELP: &str = concat!("\
Sends a fixed, small set of requests (at most 64, usually one or two dozen) from the
origins each known misconfiguration needs and reports what the server does, each
class with its severity and fix: it reflects any origin; trusts any subdomain, any
origin ending with its host (suffix match), starting with it (prefix match), or
matching an unescaped `.`; allows `null` or an http:// origin; sends `*` with
credentials; omits `Vary: Origin`; answers errors without CORS headers (an error is
looked for with --error-url, a path that does not exist, and a POST the URL does
not take); does not answer preflights. A finding means a browser on that origin can
read the response.

Exit status: 0 when every request was answered and nothing was found, 1 when
something was found, ", corsim_cli::exit_2_and_3!(), "
An audit that could not send every request never reports \"no misconfiguration\".

Example:
  corsim audit https://api.example/items --trust https://app.example");

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
    #[command(flatten)]
    deadlines: Deadlines,
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
    #[command(flatten)]
    deadlines: Deadlines,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Why an exchange with a live server gave no answer to judge: corsim could
/// not test (exit status 3), which is never "it holds".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExchangeError {
    /// The host could not be resolved or connected to.
    Unreachable(String),
    /// A deadline ran out (which one, and what had arrived, in the text).
    TimedOut(String),
    /// The server answered, but not with an HTTP/1.x response head a browser accepts.
    NotHttp(String),
}

impl std::fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExchangeError::Unreachable(why) | ExchangeError::TimedOut(why) | ExchangeError::NotHttp(why) => f.write_str(why),
        }
    }
}

/// A client for one request at a time: it sends exactly the method and
/// headers it is given (any token is a method, as in a browser), never
/// follows redirects (the engine does), and reads the answer's status and
/// header lines byte for byte, in order, duplicates kept. HTTP/1.1 over TCP,
/// or over TLS (rustls, with the Mozilla roots) for `https:` URLs.
///
/// Every exchange (resolving, connecting, the TLS handshake, sending, and the
/// whole response head) ends by its deadline: `--timeout` after it starts,
/// and never after the command's `--max-time`. A server sending one byte a
/// second cannot hold it longer.
pub(crate) struct Client {
    timeout: Duration,
    max_time: Duration,
    command_deadline: Instant,
    tls: Arc<rustls::ClientConfig>,
}

/// The timeouts of `probe` and `audit`.
#[derive(clap::Args, Debug, Clone, Copy)]
pub(crate) struct Deadlines {
    /// Seconds each exchange may take in all: connecting, sending and the
    /// whole response head (not each read).
    #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
    /// Seconds the whole command may take, every exchange included.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    max_time: u64,
}

impl Client {
    pub(crate) fn new(deadlines: Deadlines) -> Client {
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
        let max_time = Duration::from_secs(deadlines.max_time);
        Client {
            timeout: Duration::from_secs(deadlines.timeout),
            max_time,
            command_deadline: Instant::now() + max_time,
            tls: Arc::new(tls),
        }
    }

    /// Send one request as it is, and read the answer's status and headers.
    /// The error does not repeat the request: the caller names it.
    pub(crate) fn send(&self, request: &HttpRequest) -> Result<HttpResponse, ExchangeError> {
        let deadline = Deadline::new(Instant::now() + self.timeout, self.command_deadline, self.timeout, self.max_time);
        let url = &request.url;
        let secure = match url.scheme() {
            "http" => false,
            "https" => true,
            other => return Err(ExchangeError::Unreachable(format!("the scheme {other}: is not http: or https:"))),
        };
        let host = url.host_str().ok_or_else(|| ExchangeError::Unreachable("the URL has no host".to_owned()))?.to_owned();
        let addrs = resolve(url, &host, &deadline)?;
        let mut refused = Vec::new();
        let mut stream = None;
        for addr in &addrs {
            let left = deadline.left().ok_or_else(|| deadline.ran_out(&format!("connecting to {addr}"), 0))?;
            match TcpStream::connect_timeout(addr, left) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
                    return Err(deadline.ran_out(&format!("connecting to {addr}"), 0));
                }
                Err(e) => refused.push(format!("{addr}: {e}")),
            }
        }
        let stream = stream
            .ok_or_else(|| ExchangeError::Unreachable(format!("cannot connect to {host} ({})", refused.join("; "))))?;
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
            head.extend_from_slice(h.name);
            head.extend_from_slice(b": ");
            head.extend_from_slice(h.value);
            head.extend_from_slice(b"\r\n");
        }
        // A browser sends `Content-Length: 0` for a POST, PUT or PATCH without a body.
        if matches!(request.method.as_str(), "POST" | "PUT" | "PATCH") {
            head.extend_from_slice(b"Content-Length: 0\r\n");
        }
        head.extend_from_slice(b"User-Agent: corsim\r\nConnection: close\r\n\r\n");
        let timed = TimedStream { stream, deadline: &deadline };
        if secure {
            let name = rustls::pki_types::ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_owned())
                .map_err(|e| ExchangeError::Unreachable(format!("{host} is not a TLS server name: {e}")))?;
            let mut conn = rustls::ClientConnection::new(Arc::clone(&self.tls), name)
                .map_err(|e| ExchangeError::Unreachable(format!("TLS: {e}")))?;
            let mut timed = timed;
            while conn.is_handshaking() {
                conn.complete_io(&mut timed).map_err(|e| {
                    if is_timeout(&e) {
                        deadline.ran_out("in the TLS handshake", 0)
                    } else {
                        ExchangeError::NotHttp(format!("the TLS handshake with {host} failed: {e}"))
                    }
                })?;
            }
            exchange(rustls::StreamOwned::new(conn, timed), &head, &deadline)
        } else {
            exchange(timed, &head, &deadline)
        }
    }
}

/// When an exchange must end: the earlier of its own deadline and the command's.
struct Deadline {
    at: Instant,
    by_command: bool,
    timeout: Duration,
    max_time: Duration,
}

impl Deadline {
    fn new(exchange: Instant, command: Instant, timeout: Duration, max_time: Duration) -> Deadline {
        Deadline { at: exchange.min(command), by_command: command <= exchange, timeout, max_time }
    }

    /// The time left, `None` once it ran out.
    fn left(&self) -> Option<Duration> {
        Some(self.at.saturating_duration_since(Instant::now())).filter(|d| !d.is_zero())
    }

    /// The error for running out while `doing`, with `received` bytes of answer.
    fn ran_out(&self, doing: &str, received: usize) -> ExchangeError {
        let bound = if self.by_command {
            format!("the command's --max-time of {} s ran out", self.max_time.as_secs())
        } else {
            format!("no whole answer within --timeout {} s", self.timeout.as_secs())
        };
        let got = match received {
            0 => String::new(),
            n => format!(", after {n} bytes of answer"),
        };
        ExchangeError::TimedOut(format!("timed out {doing}: {bound}{got}"))
    }
}

/// Resolve the URL's host before the deadline (name resolution has no
/// timeout of its own, so it runs on a thread that is left behind if late).
fn resolve(url: &Url, host: &str, deadline: &Deadline) -> Result<Vec<SocketAddr>, ExchangeError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let url = url.clone();
    std::thread::spawn(move || {
        let _ = tx.send(url.socket_addrs(|| None));
    });
    let left = deadline.left().ok_or_else(|| deadline.ran_out(&format!("resolving {host}"), 0))?;
    match rx.recv_timeout(left) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(Ok(_)) => Err(ExchangeError::Unreachable(format!("{host} resolves to no address"))),
        Ok(Err(e)) => Err(ExchangeError::Unreachable(format!("cannot resolve {host}: {e}"))),
        Err(_) => Err(deadline.ran_out(&format!("resolving {host}"), 0)),
    }
}

/// A TCP stream whose every read and write waits at most until the deadline.
struct TimedStream<'a> {
    stream: TcpStream,
    deadline: &'a Deadline,
}

fn out_of_time() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "deadline")
}

impl Read for TimedStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.left().ok_or_else(out_of_time)?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

impl Write for TimedStream<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.deadline.left().ok_or_else(out_of_time)?;
        self.stream.set_write_timeout(Some(left))?;
        self.stream.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

/// Write the request head and read the response head, both by the deadline.
fn exchange(mut stream: impl Read + Write, head: &[u8], deadline: &Deadline) -> Result<HttpResponse, ExchangeError> {
    let mut reader = HeadReader::new();
    let mut received = 0;
    let io_error = |e: io::Error, doing: &str, received: usize| {
        if is_timeout(&e) {
            deadline.ran_out(doing, received)
        } else if e.kind() == io::ErrorKind::InvalidData {
            // rustls reports a failed handshake or a non-TLS answer this way.
            ExchangeError::NotHttp(format!("TLS: {e}"))
        } else {
            ExchangeError::Unreachable(format!("{doing}: {e}"))
        }
    };
    stream.write_all(head).and_then(|()| stream.flush()).map_err(|e| io_error(e, "sending the request", 0))?;
    let mut chunk = [0u8; 8192];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e, "reading the answer", received)),
        };
        if n == 0 {
            return Err(ExchangeError::NotHttp(reader.finish().to_string()));
        }
        received += n;
        match reader.push(&chunk[..n]) {
            Ok(Some(response)) => return Ok(response),
            Ok(None) => {}
            Err(e) => return Err(ExchangeError::NotHttp(e.to_string())),
        }
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
                Status::Holds.into()
            } else {
                Status::DoesNotHold.into()
            }
        }
        Err(ProbeFailure::BadInput(BadInput(message))) => {
            eprintln!("corsim probe: {message}");
            Status::BadInput.into()
        }
        Err(ProbeFailure::CouldNotTest(message)) => {
            eprintln!("corsim probe: could not test: {message}");
            Status::CouldNotTest.into()
        }
    }
}

enum ProbeFailure {
    BadInput(BadInput),
    CouldNotTest(String),
}

impl From<BadInput> for ProbeFailure {
    fn from(b: BadInput) -> Self {
        ProbeFailure::BadInput(b)
    }
}

fn build_probe(args: &ProbeArgs) -> Result<Explanation, ProbeFailure> {
    let url = parse_url_arg("URL", &args.url)?;
    let page = parse_origin_arg("probe", "--origin", &args.origin)?;
    if let Some(note) = loopback_alias_note(&page, &url) {
        eprintln!("corsim probe: note: {note}");
    }
    let init = args.fetch.init(&args.url)?;
    let profile = args.profile.map(ProfileArg::profile).unwrap_or(&Profile::CHROMIUM);
    let client = Client::new(args.deadlines);
    let mut fetch = Fetch::new(profile, page.clone(), &init);
    let mut cache = PreflightCache::new();
    let mut responses = Vec::new();
    let verdict = loop {
        match fetch.poll(&mut cache, Timestamp::ZERO) {
            Action::Send(request) => {
                let response = client
                    .send(&request)
                    .map_err(|e| ProbeFailure::CouldNotTest(format!("{} {}: {e}", request.method, request.url)))?;
                responses.push(response.clone());
                fetch.receive(response);
            }
            Action::Done(verdict) => break verdict,
        }
    };
    Ok(Explanation::from_verdict(profile, &page, &init, &verdict, &responses))
}

/// A URL argument, with the missing scheme named (`localhost:5000/api`).
fn parse_url_arg(what: &str, input: &str) -> Result<Url, BadInput> {
    if let Some(e) = missing_scheme_error("url", input) {
        return Err(BadInput(format!("{what} '{input}': {}", e.message)));
    }
    Url::parse(input).map_err(|e| BadInput(format!("{what} '{input}': not an absolute URL ({e})")))
}

/// An origin argument (the core names a missing scheme), with notes on what
/// may not be meant (a trailing slash) printed to standard error.
fn parse_origin_arg(command: &str, flag: &str, input: &str) -> Result<Origin, BadInput> {
    let origin = Origin::parse(input).map_err(|e| BadInput(format!("{flag} '{input}': {}", e.message)))?;
    for note in origin_notes(input) {
        eprintln!("corsim {command}: note: {flag}: {note}");
    }
    Ok(origin)
}

pub(crate) fn audit(args: AuditArgs) -> ExitCode {
    match run_audit(&args) {
        Ok(code) => code,
        Err(BadInput(message)) => {
            eprintln!("corsim audit: {message}");
            Status::BadInput.into()
        }
    }
}

fn run_audit(args: &AuditArgs) -> Result<ExitCode, BadInput> {
    let url = parse_url_arg("URL", &args.url)?;
    let mut audit = Audit::new(&args.url).map_err(|e| BadInput(format!("URL '{}': {}", args.url, e.message)))?;
    for origin in &args.trusted {
        let parsed = parse_origin_arg("audit", "--trust", origin)?;
        if let Some(note) = loopback_alias_note(&parsed, &url) {
            eprintln!("corsim audit: note: {note}");
        }
        audit = audit.trust(origin).map_err(|e| BadInput(format!("--trust '{origin}': {}", e.message)))?;
    }
    if let Some(error_url) = &args.error_url {
        parse_url_arg("--error-url", error_url)?;
        audit = audit.error_url(error_url).map_err(|e| BadInput(format!("--error-url '{error_url}': {}", e.message)))?;
    }
    if let Some(p) = args.profile {
        audit = audit.profile(p.profile());
    }
    let client = Client::new(args.deadlines);
    let report = audit.run(|request| client.send(request));
    let out = if args.json {
        serde_json::to_string_pretty(&report).map(|j| j + "\n").unwrap_or_default()
    } else {
        report.to_string()
    };
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    // A finding holds even when some requests failed; no finding counts only
    // when every request was answered.
    Ok(if report.worst().is_some() {
        Status::DoesNotHold
    } else if !report.complete() {
        Status::CouldNotTest
    } else {
        Status::Holds
    }
    .into())
}
