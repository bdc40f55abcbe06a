//! An audit of a server's CORS configuration: the attacker origins each
//! known misconfiguration needs, a fixed small list of requests, and every
//! probe judged by the engine, so a finding means "a browser on this origin
//! can read this response" (or, for the classes that break rather than leak,
//! "the browser blocks your own front end, this way"), not only "a header
//! looked odd". Behind the `audit` feature.
//!
//! It looks for misconfigurations, not for what your own front end needs
//! (a method or header missing from the preflight's lists): check that with
//! the [`harness`](crate::harness), giving it the requests your front end
//! makes.
//!
//! The audit sends its requests through a function you give it, so it runs
//! against an in-process server ([`Audit::run_http`], [`Audit::run_service`]
//! with the `tower` feature) or a live one ([`Audit::run`] with any HTTP
//! client: it sends no bodies, follows redirects only as a browser does, and
//! never more than [`Audit::MAX_REQUESTS`] requests; timeouts are the
//! client's).
//!
//! ```
//! use corsim::audit::{Audit, Class, Severity};
//! use corsim::{HttpRequest, HttpResponse};
//!
//! // A server that reflects every origin, with credentials.
//! let server = |req: &HttpRequest| {
//!     let origin = String::from_utf8_lossy(&req.headers.get("origin").unwrap_or_default()).into_owned();
//!     Ok::<_, std::convert::Infallible>(HttpResponse::new(200)
//!         .header("Access-Control-Allow-Origin", &origin)
//!         .header("Access-Control-Allow-Credentials", "true")
//!         .header("Access-Control-Allow-Methods", "GET, PUT")
//!         .header("Vary", "Origin"))
//! };
//! let report = Audit::new("https://api.example/me").unwrap().trust("https://app.example").unwrap().run(server);
//! let worst = &report.findings[0];
//! assert_eq!(worst.class, Class::ReflectsAnyOrigin);
//! assert_eq!(worst.severity, Severity::Critical);
//! assert!(worst.credentials);
//! assert!(report.to_string().contains("any origin is reflected"));
//! ```

use std::collections::HashMap;
use std::fmt;

use crate::error::{CorsError, InputError};
use crate::harness::{drive, from_http_fn, Outcome};
use crate::header_list::isomorphic_decode;
use crate::lookalike::{look_alikes, LookAlike};
use crate::origin::Origin;
use crate::preflight::HttpRequest;
use crate::preflight_cache::PreflightCache;
use crate::profile::Profile;
use crate::request::{CredentialsMode, RequestInit};
use crate::response::HttpResponse;
use crate::time::Timestamp;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Severity {
    /// Your own front end breaks, or a hardening gap; nothing leaks by itself.
    Low,
    /// Responses leak to origins you did not mean, without the user's
    /// cookies, or to origins an attacker needs a foothold to use.
    Medium,
    /// Any site an attacker can easily stand up reads responses with the
    /// user's cookies.
    High,
    /// Every site on the web reads responses with the user's cookies.
    Critical,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        })
    }
}

/// A class of CORS misconfiguration, named for what the server does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Class {
    /// It echoes any origin back in `Access-Control-Allow-Origin`.
    ReflectsAnyOrigin,
    /// It allows the origin `null`.
    NullAllowed,
    /// It allows any subdomain of a trusted site (`evil.app.example`, or
    /// `evil.example.com` for `app.example.com`).
    AnySubdomain,
    /// It allows origins that merely end with a trusted host, with no dot
    /// before it (`evilapp.example`): an "ends with" check.
    SuffixMatch,
    /// It allows origins that merely start with (or contain) a trusted
    /// origin (`app.example.evil.test`): a "starts with" check or an
    /// unanchored pattern.
    PrefixMatch,
    /// It allows a trusted host with a dot replaced (`appxexample`): a
    /// regular expression whose `.` was not escaped.
    UnescapedDot,
    /// It allows another port of a trusted host.
    AnyPort,
    /// An `https://` site allows the trusted host over `http://`.
    HttpOriginTrusted,
    /// It sends `*` together with `Access-Control-Allow-Credentials: true`:
    /// the browser refuses it, so credentialed requests fail.
    WildcardWithCredentials,
    /// Its answer depends on the `Origin` but `Vary: Origin` is missing.
    VaryOriginMissing,
    /// Its error responses lack the CORS headers, so script sees a network
    /// error instead of the status.
    ErrorsWithoutCors,
    /// It does not answer `OPTIONS` with 2xx, so every preflighted request fails.
    PreflightNotAnswered,
}

impl Class {
    /// A kebab-case identifier: `reflects-any-origin`, `null-allowed`, …
    pub fn name(self) -> &'static str {
        match self {
            Class::ReflectsAnyOrigin => "reflects-any-origin",
            Class::NullAllowed => "null-allowed",
            Class::AnySubdomain => "any-subdomain",
            Class::SuffixMatch => "suffix-match",
            Class::PrefixMatch => "prefix-match",
            Class::UnescapedDot => "unescaped-dot",
            Class::AnyPort => "any-port",
            Class::HttpOriginTrusted => "http-origin-trusted",
            Class::WildcardWithCredentials => "wildcard-with-credentials",
            Class::VaryOriginMissing => "vary-origin-missing",
            Class::ErrorsWithoutCors => "errors-without-cors",
            Class::PreflightNotAnswered => "preflight-not-answered",
        }
    }

    /// A one-line title.
    pub fn title(self) -> &'static str {
        match self {
            Class::ReflectsAnyOrigin => "any origin is reflected in Access-Control-Allow-Origin",
            Class::NullAllowed => "the origin `null` is allowed",
            Class::AnySubdomain => "any subdomain of a trusted site is allowed",
            Class::SuffixMatch => "origins that merely end with a trusted host are allowed (an \"ends with\" check)",
            Class::PrefixMatch => "origins that merely start with a trusted origin are allowed (a \"starts with\" check or an unanchored pattern)",
            Class::UnescapedDot => "a trusted host with a dot replaced is allowed (a pattern with an unescaped `.`)",
            Class::AnyPort => "another port of a trusted host is allowed",
            Class::HttpOriginTrusted => "an http:// origin is trusted by an https:// site",
            Class::WildcardWithCredentials => "`*` is sent with Access-Control-Allow-Credentials: true",
            Class::VaryOriginMissing => "the answer depends on Origin but Vary: Origin is missing",
            Class::ErrorsWithoutCors => "error responses have no CORS headers",
            Class::PreflightNotAnswered => "preflight requests (OPTIONS) are not answered",
        }
    }

    /// Whether the class is about which origins may read responses (rather
    /// than about the front end breaking).
    pub fn is_origin_acceptance(self) -> bool {
        matches!(
            self,
            Class::ReflectsAnyOrigin
                | Class::NullAllowed
                | Class::AnySubdomain
                | Class::SuffixMatch
                | Class::PrefixMatch
                | Class::UnescapedDot
                | Class::AnyPort
                | Class::HttpOriginTrusted
        )
    }

    fn severity(self, credentials: bool) -> Severity {
        match (self, credentials) {
            (Class::ReflectsAnyOrigin, true) => Severity::Critical,
            // Anyone can register such a domain, or take on `null`.
            (Class::NullAllowed | Class::SuffixMatch | Class::PrefixMatch | Class::UnescapedDot, true) => Severity::High,
            // An attacker needs a foothold: a subdomain, another service, the network.
            (Class::AnySubdomain | Class::AnyPort | Class::HttpOriginTrusted, true) => Severity::Medium,
            (Class::SuffixMatch | Class::PrefixMatch | Class::UnescapedDot, false) => Severity::Medium,
            (Class::VaryOriginMissing, _) => Severity::Medium,
            _ => Severity::Low,
        }
    }

    fn fix(self) -> &'static str {
        match self {
            Class::ReflectsAnyOrigin => "compare the Origin header with an exact allow-list and only then send it back; never echo it unchecked",
            Class::NullAllowed => "never allow the origin `null`: any site can send it from a sandboxed iframe",
            Class::SuffixMatch | Class::PrefixMatch | Class::UnescapedDot => {
                "compare the whole Origin for equality with each allowed origin (scheme, host and port); no starts-with, ends-with, contains or unanchored regular expression"
            }
            Class::AnySubdomain => "list the origins you trust one by one instead of any subdomain (an XSS or a takeover of one of them then reads your users' data)",
            Class::AnyPort => "compare the port too: list each origin you trust with its port",
            Class::HttpOriginTrusted => "allow only the https:// origin: a network attacker can inject script into the http:// one",
            Class::WildcardWithCredentials => "for credentialed requests send the request's (allowed) origin instead of `*`, with `Vary: Origin`; or drop Access-Control-Allow-Credentials if the resource is public",
            Class::VaryOriginMissing => "send `Vary: Origin` on every response whose CORS headers depend on the Origin, so caches do not serve one origin's answer to another",
            Class::ErrorsWithoutCors => "add the CORS headers to error responses too (put the CORS layer outermost), so your front end can read the status",
            Class::PreflightNotAnswered => "answer OPTIONS preflights with 2xx and the Access-Control-Allow-* headers before authentication and method routing (put the CORS layer outermost)",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One misconfiguration found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finding {
    /// Its class.
    pub class: Class,
    /// How bad it is.
    pub severity: Severity,
    /// Whether script on the attacker's origin reads responses made with the
    /// user's cookies (`credentials: "include"`).
    pub credentials: bool,
    /// The origins that showed it (a page on each can read the response,
    /// for the classes that leak).
    pub origins: Vec<String>,
    /// What was seen: the request and the response headers that matter.
    pub evidence: String,
    /// The browser's console message for the classes that break the front
    /// end, when there is one.
    pub console: Option<String>,
    /// What to change.
    pub fix: String,
}

/// One request of the audit, as the engine judged it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Probe {
    /// What it tried, e.g. `look-alike prefix`, `trusted`, `unrelated`.
    pub purpose: String,
    /// The page's origin.
    pub origin: String,
    /// `METHOD URL`.
    pub request: String,
    /// Its credentials mode.
    pub credentials: String,
    /// Whether script could read the response.
    pub readable: bool,
    /// The browser's reason when it could not (a `CorsError` name).
    pub reason: Option<String>,
    /// The last response's status.
    pub status: Option<u16>,
    /// The last response's `Access-Control-Allow-Origin`.
    pub allow_origin: Option<String>,
}

/// What the audit found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Report {
    /// The URL audited.
    pub url: String,
    /// The origins treated as the site's own.
    pub trusted: Vec<String>,
    /// Findings, worst first.
    pub findings: Vec<Finding>,
    /// Every judged probe, in order.
    pub probes: Vec<Probe>,
    /// Requests the server could not answer (network errors of a live
    /// client), as `METHOD URL: error`.
    pub errors: Vec<String>,
    /// Requests sent on the wire (repeated identical requests are sent once).
    pub requests_sent: usize,
    /// Of those, the requests that got no answer (listed in `errors`).
    pub requests_failed: usize,
    /// Classes the audit could not check on this server, and why.
    pub unchecked: Vec<String>,
}

impl Report {
    /// The worst severity found, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The finding of a class, if found.
    pub fn finding(&self, class: Class) -> Option<&Finding> {
        self.findings.iter().find(|f| f.class == class)
    }

    /// The classes found, worst first.
    pub fn classes(&self) -> Vec<Class> {
        self.findings.iter().map(|f| f.class).collect()
    }

    /// Whether every request the audit meant to send was answered: only
    /// then does "no finding" mean "no misconfiguration".
    pub fn complete(&self) -> bool {
        self.errors.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "CORS audit of {} (trusted: {})", self.url, self.trusted.join(", "))?;
        let answered = self.requests_sent - self.requests_failed;
        match (self.findings.is_empty(), self.complete()) {
            (true, true) => writeln!(f, "no misconfiguration found in {} requests", self.requests_sent)?,
            (true, false) if answered == 0 => {
                writeln!(f, "could not test: no request was answered ({} sent)", self.requests_sent)?
            }
            (true, false) => writeln!(
                f,
                "could not test everything: {} of {} requests got no answer; nothing found in the {answered} answered, which proves nothing about the rest",
                self.requests_failed, self.requests_sent
            )?,
            (false, _) => {}
        }
        for finding in &self.findings {
            writeln!(f, "[{}] {}: {}", finding.severity, finding.class, finding.class.title())?;
            if !finding.origins.is_empty() {
                let label = match (finding.class.is_origin_acceptance(), finding.credentials) {
                    (true, true) => "read with credentials from",
                    (true, false) => "read without credentials from",
                    (false, _) => "seen from",
                };
                writeln!(f, "  {label}: {}", finding.origins.join(", "))?;
            }
            writeln!(f, "  evidence: {}", finding.evidence)?;
            if let Some(console) = &finding.console {
                writeln!(f, "  console:  {console}")?;
            }
            writeln!(f, "  fix:      {}", finding.fix)?;
        }
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        for u in &self.unchecked {
            writeln!(f, "not checked: {u}")?;
        }
        if !self.findings.is_empty() && !self.complete() {
            writeln!(f, "incomplete: {} of {} requests got no answer, so more may be wrong", self.requests_failed, self.requests_sent)?;
        }
        Ok(())
    }
}

/// What to audit and how: the URL, the origins that are the site's own, the
/// browser, the method used to test preflights and a URL that answers with
/// an error.
#[derive(Clone, Debug)]
pub struct Audit {
    url: url::Url,
    trusted: Vec<Origin>,
    profile: Profile,
    preflight_method: String,
    error_url: Option<url::Url>,
}

impl Audit {
    /// The most requests one audit sends.
    pub const MAX_REQUESTS: usize = 64;

    /// An audit of `url` (an endpoint that answers `GET`). Until
    /// [`trust`](Audit::trust) is called, the trusted origins are the URL's
    /// own origin and, for a host with three labels or more, the `https://`
    /// origin of its parent domain (`https://example.com` for
    /// `https://api.example.com/x`).
    pub fn new(url: &str) -> Result<Audit, InputError> {
        if let Some(error) = crate::origin::missing_scheme_error("url", url) {
            return Err(error);
        }
        let url = url::Url::parse(url).map_err(|e| InputError::new("url", format!("{url:?} is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(InputError::new("url", format!("{url} is not an http(s) URL")));
        }
        Ok(Audit {
            url,
            trusted: Vec::new(),
            profile: Profile::CHROMIUM.clone(),
            preflight_method: "PUT".to_owned(),
            error_url: None,
        })
    }

    /// Treat `origin` as one of the site's own (the front end's origin).
    pub fn trust(mut self, origin: &str) -> Result<Audit, InputError> {
        let origin = Origin::parse(origin)?;
        if origin.is_opaque() {
            return Err(InputError::new("origin", "the trusted origin cannot be null"));
        }
        if !self.trusted.contains(&origin) {
            self.trusted.push(origin);
        }
        Ok(self)
    }

    /// Judge with another browser's rules (Chromium by default).
    pub fn profile(mut self, profile: &Profile) -> Audit {
        self.profile = profile.clone();
        self
    }

    /// The method of the preflighted probe (`PUT` by default).
    pub fn preflight_method(mut self, method: &str) -> Audit {
        self.preflight_method = method.to_owned();
        self
    }

    /// A URL that answers with an error status (by default the audit tries
    /// a few requests that usually get one: see `error_requests`).
    pub fn error_url(mut self, url: &str) -> Result<Audit, InputError> {
        self.error_url =
            Some(url::Url::parse(url).map_err(|e| InputError::new("error_url", format!("{url:?} is not a URL: {e}")))?);
        Ok(self)
    }

    /// The trusted origins this audit uses.
    pub fn trusted(&self) -> Vec<Origin> {
        if !self.trusted.is_empty() {
            return self.trusted.clone();
        }
        let own = Origin::of_url(&self.url);
        let mut out = vec![own];
        if let Some(url::Host::Domain(host)) = self.url.host() {
            let labels: Vec<&str> = host.split('.').collect();
            if labels.len() >= 3 {
                if let Ok(parent) = Origin::parse(&format!("https://{}", labels[1..].join("."))) {
                    if !out.contains(&parent) {
                        out.push(parent);
                    }
                }
            }
        }
        out
    }

    /// The requests that look for an error response, in order, until one
    /// gets an error status: the `error_url` alone when given; else a path
    /// that does not exist below the URL (`…/corsim-audit-missing`), a
    /// malformed one (an invalid percent-encoding, `…/%zz`), and the URL with
    /// a method it may not take: a `POST` with an empty `text/plain` body (a
    /// request that needs no preflight). None needs a particular path to be
    /// missing.
    fn error_requests(&self) -> Vec<(&'static str, RequestInit)> {
        if let Some(u) = &self.error_url {
            return vec![("error response", RequestInit::get(u.as_str()))];
        }
        let mut base = self.url.clone();
        base.set_query(None);
        base.set_fragment(None);
        let below = |segment: &str| {
            let mut u = base.clone();
            let path = u.path().trim_end_matches('/').to_owned();
            u.set_path(&format!("{path}/{segment}"));
            u
        };
        vec![
            ("error response (missing path)", RequestInit::get(below("corsim-audit-missing").as_str())),
            ("error response (malformed path)", RequestInit::get(below("%zz").as_str())),
            (
                "error response (unsupported method)",
                RequestInit::get(self.url.as_str()).method("POST").header("Content-Type", "text/plain"),
            ),
        ]
    }

    /// The audit against a function from `http::Request<Vec<u8>>` to
    /// `http::Response<_>`.
    ///
    /// ```
    /// use corsim::audit::{Audit, Class};
    /// // Allows `null` (a sandboxed iframe on any site) with credentials.
    /// let report = Audit::new("https://api.example/me").unwrap().trust("https://app.example").unwrap()
    ///     .run_http(|req: http::Request<Vec<u8>>| {
    ///         let origin = req.headers().get("origin").cloned();
    ///         let mut res = http::Response::builder().header("Vary", "Origin");
    ///         if let Some(o) = origin.filter(|o| o == "https://app.example" || o == "null") {
    ///             res = res.header("Access-Control-Allow-Origin", o).header("Access-Control-Allow-Credentials", "true");
    ///         }
    ///         res.body(()).unwrap()
    ///     });
    /// assert_eq!(report.classes(), [Class::NullAllowed]);
    /// ```
    pub fn run_http<F, RB>(&self, server: F) -> Report
    where
        F: FnMut(http::Request<Vec<u8>>) -> http::Response<RB>,
    {
        self.run(from_http_fn(server))
    }

    /// The audit against a tower service taking `http::Request<String>` (an
    /// axum `Router`, a service behind tower-http's `CorsLayer`), polled on
    /// this thread.
    #[cfg(feature = "tower")]
    pub fn run_service<S, RB>(&self, mut service: S) -> Report
    where
        S: tower_service::Service<http::Request<String>, Response = http::Response<RB>>,
        S::Error: fmt::Debug,
    {
        self.run(|r| crate::harness::block_on(crate::harness::call_service::<S, String, RB>(&mut service, r)))
    }

    /// The audit against any server: `send` answers each request the
    /// browser would send (a live HTTP client, an in-process server). An
    /// error counts as a network error for that probe and is listed in
    /// [`Report::errors`].
    pub fn run<E: fmt::Display>(&self, send: impl FnMut(&HttpRequest) -> Result<HttpResponse, E>) -> Report {
        Runner::new(self, send).run()
    }
}

/// Identical requests are sent once: the wire request of a simple `GET` is
/// the same whatever the credentials mode, so one response is judged both
/// ways.
type WireKey = (String, String, Vec<(Vec<u8>, Vec<u8>)>);

struct Runner<'a, S> {
    audit: &'a Audit,
    send: S,
    seen: HashMap<WireKey, Result<HttpResponse, String>>,
    sent: usize,
    failed: usize,
    probes: Vec<Probe>,
    errors: Vec<String>,
}

impl<'a, E: fmt::Display, S: FnMut(&HttpRequest) -> Result<HttpResponse, E>> Runner<'a, S> {
    fn new(audit: &'a Audit, send: S) -> Self {
        Runner { audit, send, seen: HashMap::new(), sent: 0, failed: 0, probes: Vec::new(), errors: Vec::new() }
    }

    /// Judge `init` from a page on `origin`; `None` when the server failed.
    fn probe(&mut self, purpose: &str, origin: &Origin, init: &RequestInit) -> Option<Outcome> {
        let profile = self.audit.profile.clone();
        let seen = &mut self.seen;
        let send = &mut self.send;
        let sent = &mut self.sent;
        let failed = &mut self.failed;
        let result = drive(&profile, origin, init, &mut PreflightCache::new(), Timestamp::ZERO, |req: &HttpRequest| {
            let key: WireKey = (
                req.method.clone(),
                req.url.as_str().to_owned(),
                req.headers.iter().map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec())).collect(),
            );
            if let Some(answer) = seen.get(&key) {
                return answer.clone();
            }
            let answer = if *sent >= Audit::MAX_REQUESTS {
                Err(format!("the audit's limit of {} requests was reached", Audit::MAX_REQUESTS))
            } else {
                *sent += 1;
                let answer = send(req).map_err(|e| e.to_string());
                *failed += usize::from(answer.is_err());
                answer
            };
            seen.insert(key, answer.clone());
            answer
        });
        match result {
            Ok(outcome) => {
                // A check around CORS kept the browser from sending it (a bad
                // port, mixed content, Local Network Access): nothing was
                // tested, so the audit is not complete.
                if let Err(failure) = &outcome.verdict.outcome {
                    if let Some(gate) = failure.kind.gate().filter(|g| !matches!(g, crate::blocked::Gate::CrossOriginResourcePolicy(_))) {
                        let msg = format!("{} {} from {}: not sent, {gate}: {}", init.method, failure.url, origin.serialize(), gate.reason(failure.url.as_str()));
                        if !self.errors.contains(&msg) {
                            self.errors.push(msg);
                        }
                    }
                }
                let last = outcome.exchanges.last();
                self.probes.push(Probe {
                    purpose: purpose.to_owned(),
                    origin: origin.serialize().to_owned(),
                    request: format!("{} {}", init.method, init.url),
                    credentials: init.credentials.to_string(),
                    readable: outcome.is_readable(),
                    reason: outcome.reason().map(str::to_owned),
                    status: last.map(|e| e.response.status),
                    allow_origin: last.and_then(|e| allow_origin(&e.response)),
                });
                Some(outcome)
            }
            Err(failed) => {
                let msg = format!("{} {}: {}", failed.request.method, failed.request.url, failed.error);
                if !self.errors.contains(&msg) {
                    self.errors.push(msg);
                }
                None
            }
        }
    }

    fn run(mut self) -> Report {
        let audit = self.audit;
        let url = audit.url.as_str().to_owned();
        let trusted = audit.trusted();
        let get = |credentials| RequestInit::get(url.clone()).credentials(credentials);
        let mut findings: Vec<Finding> = Vec::new();
        let add = |findings: &mut Vec<Finding>, class: Class, credentials: bool, origin: Option<&str>, evidence: String, console: Option<String>| {
            if let Some(existing) = findings.iter_mut().find(|f| f.class == class) {
                if credentials && !existing.credentials {
                    existing.credentials = true;
                    existing.severity = class.severity(true);
                    existing.evidence = evidence;
                }
                if let Some(o) = origin {
                    if !existing.origins.iter().any(|x| x == o) {
                        existing.origins.push(o.to_owned());
                    }
                }
                return;
            }
            findings.push(Finding {
                class,
                severity: class.severity(credentials),
                credentials,
                origins: origin.map(|o| vec![o.to_owned()]).unwrap_or_default(),
                evidence,
                console,
                fix: class.fix().to_owned(),
            });
        };

        // 1. The site's own origins: the baseline, and what they are answered.
        let mut baseline: Vec<(Origin, Outcome)> = Vec::new();
        for origin in &trusted {
            let with = self.probe("trusted", origin, &get(CredentialsMode::Include));
            let without = self.probe("trusted", origin, &get(CredentialsMode::Omit));
            for outcome in [&with, &without].into_iter().flatten() {
                if outcome.reason() == Some(CorsError::WildcardOriginNotAllowed.name())
                    && last_header(outcome, "access-control-allow-credentials").as_deref() == Some("true")
                {
                    add(
                        &mut findings,
                        Class::WildcardWithCredentials,
                        false,
                        Some(origin.serialize()),
                        evidence(outcome),
                        outcome.console().first().cloned(),
                    );
                }
            }
            let best = match (with, without) {
                (Some(w), _) if w.is_readable() => Some(w),
                (_, Some(o)) => Some(o),
                (w, None) => w,
            };
            if let Some(b) = best {
                baseline.push((origin.clone(), b));
            }
        }

        // A server that answers nothing is not audited further.
        if baseline.is_empty() && !self.errors.is_empty() {
            return Report {
                url,
                trusted: trusted.iter().map(|o| o.serialize().to_owned()).collect(),
                findings,
                probes: self.probes,
                errors: self.errors,
                requests_sent: self.sent,
                requests_failed: self.failed,
                unchecked: Vec::new(),
            };
        }

        // 2. Attackers: an unrelated origin, then the look-alikes of each trusted one.
        let mut attackers: Vec<(String, Option<LookAlike>, Origin)> =
            vec![("unrelated".to_owned(), None, Origin::parse("https://corsim-audit-evil.example").expect("an origin"))];
        for t in &trusted {
            for (kind, o) in look_alikes(t, LABEL) {
                if !trusted.contains(&o) && !attackers.iter().any(|(_, _, a)| *a == o) {
                    attackers.push((format!("look-alike {kind} of {t}"), Some(kind), o));
                }
            }
        }
        let mut answers_by_origin: Vec<(String, Option<String>, bool)> = Vec::new();
        let mut accepted: Vec<Accepted> = Vec::new();
        for (purpose, kind, origin) in &attackers {
            let with = self.probe(purpose, origin, &get(CredentialsMode::Include));
            let without = self.probe(purpose, origin, &get(CredentialsMode::Omit));
            let Some(without) = without else { continue };
            let acao = last_header(&without, "access-control-allow-origin");
            let vary_ok = varies_on_origin(&without);
            answers_by_origin.push((origin.serialize().to_owned(), acao.clone(), vary_ok));
            let cred_readable = with.as_ref().is_some_and(Outcome::is_readable);
            // `*` without credentials is a public resource, not a finding.
            let specific = acao.as_deref().is_some_and(|v| v != "*");
            if !(cred_readable || (without.is_readable() && specific)) {
                continue;
            }
            // An http:// origin only matters to an https:// site.
            if *kind == Some(LookAlike::Insecure) && audit.url.scheme() != "https" && !trusted.iter().any(is_https) {
                continue;
            }
            let shown = if cred_readable { with.expect("readable") } else { without };
            accepted.push(Accepted { kind: *kind, origin: origin.clone(), credentials: cred_readable, outcome: shown });
        }
        for a in &accepted {
            let class = what_the_server_does(a, &accepted);
            add(&mut findings, class, a.credentials, Some(a.origin.serialize()), evidence(&a.outcome), None);
        }

        // 3. Vary: Origin, where the answer depends on the origin.
        for (origin, b) in &baseline {
            answers_by_origin.push((origin.serialize().to_owned(), last_header(b, "access-control-allow-origin"), varies_on_origin(b)));
        }
        let distinct: std::collections::BTreeSet<Option<String>> = answers_by_origin.iter().map(|(_, a, _)| a.clone()).collect();
        if distinct.len() > 1 {
            if let Some((origin, acao, _)) = answers_by_origin.iter().find(|(_, a, vary)| a.is_some() && !vary) {
                let others: Vec<String> = distinct
                    .iter()
                    .filter(|a| *a != acao)
                    .map(|a| a.clone().unwrap_or_else(|| "(absent)".to_owned()))
                    .take(3)
                    .collect();
                add(
                    &mut findings,
                    Class::VaryOriginMissing,
                    false,
                    Some(origin),
                    format!(
                        "GET {url} from {origin} is answered `Access-Control-Allow-Origin: {}` without `Vary: Origin`, other origins get {}",
                        acao.clone().unwrap_or_default(),
                        others.join(", ")
                    ),
                    None,
                );
            }
        }

        // 4. Error responses, from the site's own origin, when it can read the
        // URL itself: the first of a few requests that gets an error status.
        let mut unchecked = Vec::new();
        if let Some((origin, b)) = baseline.iter().find(|(_, b)| b.is_readable()) {
            let mut got_error = false;
            for (purpose, init) in audit.error_requests() {
                let init = init.credentials(b.request().credentials);
                let Some(outcome) = self.probe(purpose, origin, &init) else { continue };
                let status = outcome.exchanges.last().map(|e| e.response.status).unwrap_or(0);
                if status < 400 {
                    continue;
                }
                got_error = true;
                if !outcome.is_readable() {
                    add(
                        &mut findings,
                        Class::ErrorsWithoutCors,
                        false,
                        Some(origin.serialize()),
                        evidence(&outcome),
                        outcome.console().first().cloned(),
                    );
                }
                break;
            }
            if !got_error {
                unchecked.push(format!(
                    "{}: no request tried got an error status ({}); give a URL that answers with an error (--error-url)",
                    Class::ErrorsWithoutCors,
                    audit.error_requests().iter().map(|(_, i)| format!("{} {}", i.method, i.url)).collect::<Vec<_>>().join(", ")
                ));
            }
        }

        // 5. A preflighted request from the site's own origin.
        if let Some((origin, b)) = baseline.first() {
            let init = RequestInit::get(url.clone())
                .method(audit.preflight_method.clone())
                .header("Content-Type", "application/json")
                .credentials(b.request().credentials);
            if let Some(outcome) = self.probe("preflight", origin, &init) {
                if let Some(pre) = outcome.preflight() {
                    let failed_here = outcome.failure().is_some_and(|f| f.preflight);
                    if failed_here && !(200..=299).contains(&pre.response.status) {
                        add(
                            &mut findings,
                            Class::PreflightNotAnswered,
                            false,
                            Some(origin.serialize()),
                            evidence(&outcome),
                            outcome.console().first().cloned(),
                        );
                    }
                }
            }
        }

        // A server that reflects every origin lets every look-alike through
        // too: report the cause once.
        if let Some(reflected) = findings.iter().find(|f| f.class == Class::ReflectsAnyOrigin).map(|f| f.credentials) {
            findings.retain(|f| !(f.class.is_origin_acceptance() && f.class != Class::ReflectsAnyOrigin && (reflected || !f.credentials)));
        }
        findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.class.cmp(&b.class)));
        Report {
            url,
            trusted: trusted.iter().map(|o| o.serialize().to_owned()).collect(),
            findings,
            probes: self.probes,
            errors: self.errors,
            requests_sent: self.sent,
            requests_failed: self.failed,
            unchecked,
        }
    }
}

/// An attacker's origin whose response script could read.
struct Accepted {
    kind: Option<LookAlike>,
    origin: Origin,
    credentials: bool,
    outcome: Outcome,
}

impl Accepted {
    fn host(&self) -> String {
        match &self.origin {
            Origin::Tuple(t) => t.host().to_string(),
            Origin::Opaque => String::new(),
        }
    }
}

/// The attacker's label the look-alikes are built with.
const LABEL: &str = "evil";

/// What the server does, judged from every origin it accepted: the simplest
/// check that lets `a` through given the others. A look-alike with text
/// before the host (`evilapp.example.com`) is a plain subdomain when the
/// server takes subdomains of the parent (`evil.example.com`), a suffix
/// match otherwise; a subdomain (and a dot replaced, `appxexample.com`) is a
/// suffix match's doing when the server takes text glued before that host;
/// another port is a prefix match's doing when the server takes text after
/// the origin.
fn what_the_server_does(a: &Accepted, all: &[Accepted]) -> Class {
    let accepted_hosts = |kinds: &[LookAlike]| -> Vec<String> {
        all.iter().filter(|x| x.kind.is_some_and(|k| kinds.contains(&k))).map(Accepted::host).collect()
    };
    // The parents P whose subdomains (`evil.P`) the server takes.
    let subdomain_parents: Vec<String> = accepted_hosts(&[LookAlike::Subdomain, LookAlike::Sibling])
        .iter()
        .filter_map(|h| h.strip_prefix(&format!("{LABEL}.")).map(str::to_owned))
        .collect();
    let is_plain_subdomain = |host: &str| subdomain_parents.iter().any(|p| host.ends_with(&format!(".{p}")));
    // The hosts Q the server takes with text glued before them (`evilQ`).
    let suffix_matched: Vec<String> = accepted_hosts(&[LookAlike::Prefix])
        .iter()
        .filter(|h| !is_plain_subdomain(h))
        .filter_map(|h| h.strip_prefix(LABEL).map(str::to_owned))
        .collect();
    let by_suffix_match = |host: &str| suffix_matched.iter().any(|q| host.ends_with(q.as_str()));
    match a.kind {
        None => Class::ReflectsAnyOrigin,
        Some(LookAlike::Null) => Class::NullAllowed,
        Some(LookAlike::Prefix) if is_plain_subdomain(&a.host()) && !by_suffix_match(&a.host()) => Class::AnySubdomain,
        Some(LookAlike::Prefix) => Class::SuffixMatch,
        Some(LookAlike::Subdomain | LookAlike::Sibling) if by_suffix_match(&a.host()) => Class::SuffixMatch,
        Some(LookAlike::Subdomain | LookAlike::Sibling) => Class::AnySubdomain,
        Some(LookAlike::UnescapedDot) if by_suffix_match(&a.host()) => Class::SuffixMatch,
        Some(LookAlike::UnescapedDot) => Class::UnescapedDot,
        Some(LookAlike::Suffix) => Class::PrefixMatch,
        Some(LookAlike::OtherPort) if !accepted_hosts(&[LookAlike::Suffix]).is_empty() => Class::PrefixMatch,
        Some(LookAlike::OtherPort) => Class::AnyPort,
        Some(LookAlike::Insecure) => Class::HttpOriginTrusted,
    }
}

fn is_https(o: &Origin) -> bool {
    o.serialize().starts_with("https://")
}

fn allow_origin(r: &HttpResponse) -> Option<String> {
    r.headers.get("access-control-allow-origin").map(|v| isomorphic_decode(&v))
}

fn last_header(outcome: &Outcome, name: &str) -> Option<String> {
    outcome.exchanges.last().and_then(|e| e.response.headers.get(name)).map(|v| isomorphic_decode(&v))
}

fn varies_on_origin(outcome: &Outcome) -> bool {
    last_header(outcome, "vary").is_some_and(|v| {
        v.split(',').any(|t| t.trim().eq_ignore_ascii_case("origin") || t.trim() == "*")
    })
}

/// `GET https://… from https://evil.example (credentials: include) -> 200; access-control-allow-origin: …`
fn evidence(outcome: &Outcome) -> String {
    let init = outcome.request();
    let mut out = format!("{} {} from {} (credentials: {})", init.method, init.url, outcome.origin(), init.credentials);
    for e in &outcome.exchanges {
        out.push_str(&format!(" -> {} {} answered {}", e.request.method, e.request.url, e.response.status));
        let cors: Vec<String> = e
            .response
            .headers
            .iter()
            .filter(|h| {
                let n = h.name.to_ascii_lowercase();
                n.starts_with(b"access-control-allow-") || n == b"vary"
            })
            .map(|h| format!("{}: {}", isomorphic_decode(&h.name.to_ascii_lowercase()), isomorphic_decode(h.value)))
            .collect();
        if cors.is_empty() {
            out.push_str(" with no CORS headers");
        } else {
            out.push_str(&format!(" with {}", cors.join("; ")));
        }
    }
    out.push_str(if outcome.is_readable() { "; script can read it" } else { "; the browser blocks it" });
    out
}
