//! Explanations: one fetch told step by step, for the developer staring at
//! "blocked by CORS policy", with **the fix**.
//!
//! [`explain`] runs a fetch against a server (any function from request to
//! response) and returns an [`Explanation`]: how the request was classified
//! and why (which method or header names forced a preflight), every request
//! the browser sent as HTTP text with the response and each check on it
//! (passed, failed with the failing value, or not reached), what script can
//! read, the console messages word for word, and a [`Fix`]: the smallest
//! change to the server's response headers that makes the request pass,
//! derived from the failure, applied to the server's answers and proven by
//! running the engine again, with the configuration that produces it in
//! common servers and frameworks.
//!
//! The fix is always the safe one: an explicit origin (from an allow-list),
//! never a reflected arbitrary origin, never `*` with credentials, and
//! `Vary: Origin` wherever the answer depends on the origin.
//!
//! ```
//! use corsim::explain::explain;
//! use corsim::{HttpResponse, Origin, Profile, RequestInit};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let init = RequestInit::get("https://api.example/items").method("PUT");
//! // The server answers every request 200 with no CORS headers at all.
//! let explanation = explain(&Profile::CHROMIUM, page, &init, |_request| HttpResponse::new(200));
//!
//! assert!(!explanation.result.readable);
//! assert_eq!(explanation.classification.method.as_deref(), Some("PUT"));
//! let fix = explanation.fix.as_ref().unwrap();
//! assert_eq!(fix.verified, Some(true), "the engine allows the request once the fix is applied");
//! let preflight = &fix.patches[0];
//! assert!(preflight.preflight);
//! assert!(preflight.headers.iter().any(|c| c.name == "Access-Control-Allow-Origin"
//!     && c.to.as_deref() == Some("https://app.example")));
//! println!("{explanation}"); // the readable timeline
//! ```

mod config;
mod fix;
mod text;

use url::{Position, Url};

use crate::error::{CorsError, FailureKind, TypeErrorKind};
use crate::fetch::{Event, Failure, Route, Verdict};
use crate::header_list::{isomorphic_decode, parse_token_list, HeaderList};
use crate::initiator::PageEvent;
use crate::request::{CrossOrigin, Initiator};
use crate::method;
use crate::origin::Origin;
use crate::page::PageContext;
use crate::preflight::HttpRequest;
use crate::preflight_cache::{CacheMiss, PreflightCache};
use crate::profile::{Browser, Profile};
use crate::request::{CredentialsMode, DroppedBecause, Mode, RedirectMode, RequestInit};
use crate::request_header;
use crate::response::{
    is_forbidden_response_header_name, FilteredResponse, HttpResponse, ResponseType,
};
use crate::time::Timestamp;

pub use crate::verdict::{CheckName, CheckState};
pub use config::ServerConfig;
pub use fix::{Fix, FixStep, HeaderChange, RequestChange, ResponsePatch, StatusChange};
pub use text::TextStyle;

/// One fetch explained: classification, every exchange with its checks, what
/// script can read, the console messages and the fix.
///
/// Build it with [`explain`] (which also verifies the fix) or
/// [`Explanation::from_verdict`]. `Display` prints the plain-text timeline;
/// [`Explanation::to_text`] can colour it. With the `serde` feature it
/// serializes to JSON.
///
/// ```
/// use corsim::explain::{explain, RequestKind};
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let page = Origin::parse("https://app.example").unwrap();
/// let e = explain(&Profile::CHROMIUM, page, &RequestInit::get("https://api.example/"),
///     |_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "https://app.example"));
/// assert_eq!(e.classification.kind, RequestKind::Simple);
/// assert!(e.result.readable);
/// assert!(e.fix.is_none(), "nothing to fix");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Explanation {
    /// The browser whose behaviour this is.
    pub browser: Browser,
    /// The page's origin, serialized.
    pub page_origin: String,
    /// The `fetch()` call.
    pub request: RequestSummary,
    /// How the request was classified, and why.
    pub classification: Classification,
    /// What happened, in order.
    pub timeline: Vec<Step>,
    /// What script gets.
    pub result: ScriptView,
    /// The browser's console messages, word for word.
    pub console: Vec<String>,
    /// How to make script able to read the response; `None` when it already can.
    pub fix: Option<Fix>,
    /// What the page observes, for a request not made by `fetch()` (XHR's
    /// events, an element's `load` or `error`, a beacon).
    pub page_event: Option<PageEvent>,
}

/// The `fetch(url, init)` call being explained.
///
/// ```
/// use corsim::explain::RequestSummary;
/// use corsim::RequestInit;
/// let s = RequestSummary::of(&RequestInit::get("https://api.example/").header("X-Trace", "1"));
/// assert_eq!(s.headers, [("X-Trace".to_string(), "1".to_string())]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RequestSummary {
    /// The URL as given.
    pub url: String,
    /// The method as given (`GET` when empty).
    pub method: String,
    /// The headers as given, in order.
    pub headers: Vec<(String, String)>,
    /// The mode.
    pub mode: Mode,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The redirect mode.
    pub redirect: RedirectMode,
    /// What makes the request (`fetch` unless said otherwise); for other
    /// initiators `mode` and `credentials` are those the initiator gives.
    pub initiator: Initiator,
    /// An element's `crossorigin` attribute.
    pub crossorigin: Option<CrossOrigin>,
    /// XHR: an upload listener was added.
    pub upload_listener: bool,
    /// `keepalive` (a beacon's always).
    pub keepalive: bool,
    /// `fetch()`'s `targetAddressSpace` option, when given.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub target_address_space: Option<crate::local_network_access::AddressSpace>,
}

impl RequestSummary {
    /// Summarize a `fetch()` call.
    ///
    /// ```
    /// use corsim::{explain::RequestSummary, RequestInit};
    /// assert_eq!(RequestSummary::of(&RequestInit::get("https://a.example/").method("")).method, "GET");
    /// ```
    pub fn of(init: &RequestInit) -> RequestSummary {
        RequestSummary::of_in(&Profile::CHROMIUM, init)
    }

    /// [`RequestSummary::of`] in a browser (the mode and credentials an
    /// initiator gives can differ between browsers: WebKit's fonts).
    pub fn of_in(profile: &Profile, init: &RequestInit) -> RequestSummary {
        let (mode, credentials) = init.effective_modes_in(profile);
        RequestSummary {
            url: init.url.clone(),
            method: if init.method.is_empty() { "GET".to_owned() } else { init.method.clone() },
            headers: init.headers.clone(),
            mode,
            credentials,
            redirect: if init.initiator == Initiator::Fetch { init.redirect } else { RedirectMode::Follow },
            initiator: init.initiator,
            crossorigin: init.crossorigin,
            upload_listener: init.upload_listener,
            keepalive: init.keepalive || init.initiator == Initiator::Beacon,
            target_address_space: init.target_address_space.filter(|_| init.initiator == Initiator::Fetch),
        }
    }
}

/// How main fetch treats a request to one URL.
///
/// ```
/// use corsim::explain::RequestKind;
/// assert_eq!(RequestKind::Preflight.to_string(), "preflight");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum RequestKind {
    /// Same origin: no CORS at all.
    SameOrigin,
    /// `no-cors` to another origin: sent, the response is opaque.
    NoCors,
    /// A CORS request without a preflight.
    Simple,
    /// A CORS request that needs a preflight.
    Preflight,
    /// Nothing was sent (`fetch()` rejected, or the mode forbids it).
    NotSent,
}

impl std::fmt::Display for RequestKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RequestKind::SameOrigin => "same-origin",
            RequestKind::NoCors => "no-cors",
            RequestKind::Simple => "simple",
            RequestKind::Preflight => "preflight",
            RequestKind::NotSent => "not-sent",
        })
    }
}

/// How the request was classified (for the first URL), and why.
///
/// ```
/// use corsim::explain::{explain, RequestKind};
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let init = RequestInit::get("https://api.example/").header("Content-Type", "application/json");
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &init, |_| HttpResponse::new(200));
/// assert_eq!(e.classification.kind, RequestKind::Preflight);
/// assert_eq!(e.classification.method, None, "GET is safelisted");
/// assert_eq!(e.classification.headers[0].name, "content-type");
/// assert!(e.classification.headers[0].why.contains("application/json"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Classification {
    /// The kind.
    pub kind: RequestKind,
    /// The method, when it forced a preflight.
    pub method: Option<String>,
    /// The header names that forced a preflight, lower-case, sorted, with why.
    pub headers: Vec<UnsafeHeader>,
    /// One sentence.
    pub summary: String,
}

impl Classification {
    /// The classification of a fetch from its route (the first
    /// [`Event::Routed`]), or, when it was never routed, from its failure.
    pub fn of_route(route: Option<&Route>, failure: Option<&Failure>) -> Classification {
        match route {
            Some(route) => {
                let (kind, summary) = route_summary(route);
                let (method, headers) = route_reasons(route);
                Classification { kind, method, headers, summary }
            }
            None => {
                let why = match failure.map(|f| &f.kind) {
                    Some(FailureKind::TypeError(t)) => format!("fetch() rejects it before sending anything: {t}"),
                    Some(FailureKind::Cors(s)) if s.error == CorsError::DisallowedByMode => {
                        "mode 'same-origin' forbids a request to another origin".to_owned()
                    }
                    Some(FailureKind::Cors(s)) if s.error == CorsError::NoCorsRedirectModeNotFollow => {
                        "mode 'no-cors' needs redirect mode 'follow'".to_owned()
                    }
                    Some(FailureKind::SchemeNotHttp(u)) => format!("{u} is not an http: or https: URL"),
                    Some(FailureKind::Blocked(gate)) => format!("{gate}: nothing was sent"),
                    _ => "nothing was sent".to_owned(),
                };
                Classification { kind: RequestKind::NotSent, method: None, headers: Vec::new(), summary: why }
            }
        }
    }

    /// How `fetch(init.url, init)` from a page of `origin` is classified,
    /// on its own: [`crate::fetch::classify`] in words, without sending
    /// anything or explaining the rest.
    ///
    /// ```
    /// use corsim::explain::{Classification, RequestKind};
    /// use corsim::{Origin, Profile, RequestInit};
    /// let c = Classification::of(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
    ///     &RequestInit::get("https://api.example/").method("PATCH"));
    /// assert_eq!((c.kind, c.method.as_deref()), (RequestKind::Preflight, Some("PATCH")));
    /// ```
    pub fn of(profile: &Profile, origin: Origin, init: &RequestInit) -> Classification {
        match crate::fetch::classify(profile, origin, init) {
            Ok(route) => Classification::of_route(Some(&route), None),
            Err(failure) => Classification::of_route(None, Some(&failure)),
        }
    }
}

fn route_reasons(route: &Route) -> (Option<String>, Vec<UnsafeHeader>) {
    match route {
        Route::Preflight { method, headers } => (method.clone(), headers.iter().map(UnsafeHeader::of).collect()),
        _ => (None, Vec::new()),
    }
}

fn route_summary(route: &Route) -> (RequestKind, String) {
    match route {
        Route::SameOrigin => (
            RequestKind::SameOrigin,
            "same-origin request: no CORS checks; script can read every response header but Set-Cookie".to_owned(),
        ),
        Route::NoCors => (
            RequestKind::NoCors,
            "no-cors request to another origin: sent without CORS checks, but the response is opaque \
             (status 0, no headers, no body for script)"
                .to_owned(),
        ),
        Route::Simple => (
            RequestKind::Simple,
            "cross-origin CORS request without a preflight: a CORS-safelisted method with only \
             CORS-safelisted headers"
                .to_owned(),
        ),
        Route::Preflight { .. } => {
            let (m, hs) = route_reasons(route);
            let mut why = Vec::new();
            if let Some(m) = m {
                why.push(format!("method {m} is not CORS-safelisted (only GET, HEAD and POST are)"));
            }
            for h in hs {
                why.push(format!("header {} is CORS-unsafe: {}", h.name, h.why));
            }
            (
                RequestKind::Preflight,
                format!("cross-origin CORS request that needs a preflight: {}", why.join("; ")),
            )
        }
    }
}

/// A request header that is not CORS-safelisted, and why.
///
/// ```
/// use corsim::explain::unsafe_header;
/// use corsim::Profile;
/// let h = unsafe_header(&Profile::CHROMIUM, "x-trace", "1");
/// assert_eq!(h.why, "not a CORS-safelisted request-header name");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct UnsafeHeader {
    /// Lower-case name.
    pub name: String,
    /// The value sent.
    pub value: String,
    /// Why it is not safelisted.
    pub why: String,
}

/// Why a header name (lower-case) with `value` is CORS-unsafe in `profile`.
///
/// ```
/// use corsim::explain::unsafe_header;
/// use corsim::Profile;
/// let h = unsafe_header(&Profile::CHROMIUM, "authorization", "Bearer x");
/// assert_eq!(h.why, "Authorization is never CORS-safelisted");
/// ```
pub fn unsafe_header(profile: &Profile, name: &str, value: &str) -> UnsafeHeader {
    let bytes = crate::header_list::isomorphic_encode(value).unwrap_or_default();
    let why = request_header::why_cors_unsafe(profile, name.as_bytes(), &bytes, true)
        .unwrap_or(request_header::UnsafeBecause::NameNotSafelisted);
    UnsafeHeader::of(&crate::verdict::UnsafeHeader { name: name.to_owned(), value: value.to_owned(), why })
}

impl UnsafeHeader {
    /// The engine's trace of an unsafe header, in words.
    pub fn of(header: &crate::verdict::UnsafeHeader) -> UnsafeHeader {
        UnsafeHeader { name: header.name.clone(), value: header.value.clone(), why: header.reason() }
    }
}

/// Something that happened during the fetch.
///
/// ```
/// use corsim::explain::{explain, Step};
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
///     &RequestInit::get("https://api.example/"), |_| HttpResponse::new(200));
/// assert!(matches!(e.timeline[0], Step::Routed { .. }));
/// assert!(matches!(e.timeline[1], Step::Exchange(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "step", rename_all = "kebab-case"))]
pub enum Step {
    /// `fetch()` silently dropped a header.
    HeaderDropped {
        /// The name as given.
        name: String,
        /// Why.
        because: DroppedBecause,
    },
    /// Main fetch routed the request for a URL.
    Routed {
        /// The URL.
        url: String,
        /// The kind of request.
        kind: RequestKind,
        /// Why, in words.
        summary: String,
    },
    /// The preflight cache was consulted.
    CacheLookup {
        /// The URL.
        url: String,
        /// Whether a stored preflight covered the request (no preflight sent).
        hit: bool,
        /// Why not, in words.
        miss: Option<String>,
    },
    /// A request sent and its response, with the checks on it.
    Exchange(Exchange),
    /// A successful preflight was stored in the preflight cache.
    PreflightStored {
        /// The URL.
        url: String,
        /// Seconds it is kept (`None`: not stored).
        max_age_secs: Option<u64>,
    },
    /// A redirect was followed.
    Redirected {
        /// From.
        from: String,
        /// To.
        to: String,
        /// The redirect status.
        status: u16,
        /// The method now used.
        method: String,
        /// Whether the request's origin is now `null` (a cross-origin hop).
        tainted: bool,
    },
}

/// One request on the wire and its response.
///
/// ```
/// use corsim::explain::{explain, Step};
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
///     &RequestInit::get("https://api.example/x?y=1"), |_| HttpResponse::new(200));
/// let Step::Exchange(x) = &e.timeline[1] else { panic!() };
/// assert!(x.request.text.starts_with("GET /x?y=1 HTTP/1.1\nHost: api.example\n"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Exchange {
    /// Its index among the requests the server received.
    pub index: usize,
    /// Whether the request is a CORS preflight.
    pub preflight: bool,
    /// The request.
    pub request: RequestText,
    /// The response (absent when none was given).
    pub response: Option<ResponseText>,
    /// The checks on the response, in the order the browser runs them.
    pub checks: Vec<CheckOutcome>,
}

/// A request as HTTP text. corsim models the headers CORS looks at (the
/// page's own, `Origin`, `Access-Control-Request-*`), plus `Host`; the
/// browser adds others (`User-Agent`, `Sec-Fetch-*`, …).
///
/// ```
/// use corsim::explain::RequestText;
/// use corsim::{HeaderList, HttpRequest};
/// let mut headers = HeaderList::new();
/// headers.append("Origin", "https://app.example");
/// let r = HttpRequest { method: "GET".into(), url: "https://api.example:8443/a".parse().unwrap(), headers, is_preflight: false };
/// assert_eq!(RequestText::of(&r).text, "GET /a HTTP/1.1\nHost: api.example:8443\nOrigin: https://app.example\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RequestText {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The headers, in order (without `Host`).
    pub headers: Vec<(String, String)>,
    /// The whole request head as HTTP/1.1 text, `\n` line ends.
    pub text: String,
}

impl RequestText {
    /// The text of a request.
    ///
    /// ```
    /// use corsim::{explain::RequestText, HeaderList, HttpRequest};
    /// let r = HttpRequest { method: "OPTIONS".into(), url: "http://[::1]:8080/".parse().unwrap(), headers: HeaderList::new(), is_preflight: true };
    /// assert_eq!(RequestText::of(&r).text, "OPTIONS / HTTP/1.1\nHost: [::1]:8080\n");
    /// ```
    pub fn of(request: &HttpRequest) -> RequestText {
        let url = &request.url;
        let target = &url[Position::BeforePath..Position::AfterQuery];
        let target = if target.is_empty() { "/" } else { target };
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => String::new(),
        };
        let headers = pairs(&request.headers);
        let mut text = format!("{} {target} HTTP/1.1\nHost: {host}\n", request.method);
        for (n, v) in &headers {
            text.push_str(&format!("{n}: {v}\n"));
        }
        RequestText { method: request.method.clone(), url: without_fragment(url), headers, text }
    }
}

/// A response as HTTP text.
///
/// ```
/// use corsim::{explain::ResponseText, HttpResponse};
/// let r = ResponseText::of(&HttpResponse::new(204).header("Vary", "Origin"));
/// assert_eq!(r.text, "HTTP/1.1 204 No Content\nVary: Origin\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ResponseText {
    /// The status.
    pub status: u16,
    /// The headers, byte for byte (isomorphically decoded), in order.
    pub headers: Vec<(String, String)>,
    /// The response head as HTTP/1.1 text, `\n` line ends.
    pub text: String,
}

impl ResponseText {
    /// The text of a response.
    ///
    /// ```
    /// use corsim::{explain::ResponseText, HttpResponse};
    /// assert_eq!(ResponseText::of(&HttpResponse::new(799)).text, "HTTP/1.1 799\n");
    /// ```
    pub fn of(response: &HttpResponse) -> ResponseText {
        let headers = pairs(&response.headers);
        let reason = status_reason(response.status);
        let mut text = if reason.is_empty() {
            format!("HTTP/1.1 {}\n", response.status)
        } else {
            format!("HTTP/1.1 {} {reason}\n", response.status)
        };
        for (n, v) in &headers {
            text.push_str(&format!("{n}: {v}\n"));
        }
        ResponseText { status: response.status, headers, text }
    }
}

/// One check on a response.
///
/// ```
/// use corsim::explain::{explain, CheckName, CheckState, Step};
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
///     &RequestInit::get("https://api.example/"), |_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "https://app.example/"));
/// let Step::Exchange(x) = &e.timeline[1] else { panic!() };
/// assert_eq!(x.checks[0].check, CheckName::AllowOrigin);
/// assert_eq!(x.checks[0].state, CheckState::Failed);
/// assert_eq!(x.checks[0].value.as_deref(), Some("https://app.example/"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CheckOutcome {
    /// Which check.
    pub check: CheckName,
    /// Its outcome.
    pub state: CheckState,
    /// The value the check looked at (a header value, a status), when there was one.
    pub value: Option<String>,
    /// In words.
    pub detail: String,
}

/// What script gets from `fetch()`.
///
/// ```
/// use corsim::explain::explain;
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
///     &RequestInit::get("https://api.example/"),
///     |_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*").header("X-Total", "3"));
/// assert!(e.result.readable);
/// assert_eq!(e.result.hidden_headers, ["x-total"], "not exposed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ScriptView {
    /// Whether script can read the response (not an error, not opaque).
    pub readable: bool,
    /// The response script gets, when `fetch()` resolved.
    pub response: Option<FilteredResponse>,
    /// Response header names (lower-case) the server sent that script cannot
    /// read on a `cors` response (`Set-Cookie` and `Access-Control-*` left out).
    pub hidden_headers: Vec<String>,
    /// Why `fetch()` rejected, when it did.
    pub failure: Option<FailureSummary>,
    /// One sentence.
    pub summary: String,
}

/// Why `fetch()` rejected.
///
/// ```
/// use corsim::explain::explain;
/// use corsim::{CorsError, HttpResponse, Origin, Profile, RequestInit};
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
///     &RequestInit::get("https://api.example/"), |_| HttpResponse::new(200));
/// let f = e.result.failure.unwrap();
/// assert_eq!(f.cors_error, Some(CorsError::MissingAllowOriginHeader));
/// assert_eq!(f.rejects_with, "TypeError: Failed to fetch");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct FailureSummary {
    /// The kind: `cors`, `type-error`, `redirect-mode-error`, `too-many-redirects`,
    /// `invalid-redirect-location`, `redirect-to-non-http-scheme`,
    /// `redirect-to-disabled-scheme`, `redirect-to-local-resource`,
    /// `redirect-with-credentials`, `same-origin-mode-redirected-cross-origin`,
    /// `scheme-not-http`, `network-error`, or the name of a check around CORS.
    pub kind: String,
    /// The CORS error, named as Chromium names it.
    pub cors_error: Option<CorsError>,
    /// The value that failed, when there is one.
    pub failed_value: Option<String>,
    /// The URL being fetched when it failed.
    pub url: String,
    /// The URL script asked for, when a redirect led elsewhere.
    pub redirected_from: Option<String>,
    /// What the `fetch()` promise rejects with.
    pub rejects_with: String,
    /// Why, in words.
    pub reason: String,
    /// When no CORS check refused it (a check around CORS, or a response
    /// the browser refused first): which check, "not CORS: …", and its fix,
    /// never a CORS header.
    pub not_cors: Option<crate::console::facts::NotCors>,
}

/// Explain `fetch(init.url, init)` from a page of origin `origin` against
/// `server`, with a fresh preflight cache at time zero, and verify the fix.
///
/// `server` is called for every request the browser sends (it is called
/// again while verifying the fix, with the fix applied to its answers).
///
/// ```
/// use corsim::explain::explain;
/// use corsim::{CredentialsMode, HttpResponse, Origin, Profile, RequestInit};
/// let init = RequestInit::get("https://api.example/me").credentials(CredentialsMode::Include);
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &init,
///     |_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"));
/// let fix = e.fix.unwrap();
/// assert_eq!(fix.verified, Some(true));
/// let changes: Vec<_> = fix.patches[0].headers.iter().map(|c| (c.name.as_str(), c.to.as_deref())).collect();
/// assert_eq!(changes, [("Access-Control-Allow-Origin", Some("https://app.example")),
///                      ("Vary", Some("Origin")),
///                      ("Access-Control-Allow-Credentials", Some("true"))]);
/// ```
pub fn explain(
    profile: &Profile,
    origin: Origin,
    init: &RequestInit,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Explanation {
    explain_with(profile, origin, init, &mut PreflightCache::new(), Timestamp::ZERO, server)
}

/// [`explain`] with a preflight cache and clock of your own (for a fetch that
/// follows others from the same page). The fix is verified against a copy of
/// the cache as it was before this fetch.
///
/// ```
/// use corsim::explain::{explain_with, Step};
/// use corsim::{HttpResponse, HttpRequest, Origin, PreflightCache, Profile, RequestInit, Timestamp};
/// let page = Origin::parse("https://app.example").unwrap();
/// let init = RequestInit::get("https://api.example/").method("PUT");
/// let server = |r: &HttpRequest| {
///     let h = HttpResponse::new(204).header("Access-Control-Allow-Origin", "https://app.example");
///     if r.is_preflight { h.header("Access-Control-Allow-Methods", "PUT").header("Access-Control-Max-Age", "60") } else { h }
/// };
/// let mut cache = PreflightCache::new();
/// explain_with(&Profile::CHROMIUM, page.clone(), &init, &mut cache, Timestamp::ZERO, server);
/// let second = explain_with(&Profile::CHROMIUM, page, &init, &mut cache, Timestamp::from_millis(1000), server);
/// assert!(second.timeline.iter().any(|s| matches!(s, Step::CacheLookup { hit: true, .. })));
/// ```
pub fn explain_with(
    profile: &Profile,
    origin: Origin,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Explanation {
    explain_in(profile, origin, &PageContext::default(), init, cache, now, server)
}

/// [`explain_with`] from a page described beyond its origin (its URL,
/// address space, embedder policy, Local Network Access permission), for
/// the checks around CORS.
///
/// ```
/// use corsim::explain::explain_in;
/// use corsim::local_network_access::{AddressSpace, Permission};
/// use corsim::page::PageContext;
/// use corsim::{HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
/// let page = PageContext { address_space: Some(AddressSpace::Public), local_network_access: Permission::Denied, ..Default::default() };
/// let e = explain_in(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &page,
///     &RequestInit::get("http://127.0.0.1:8080/api"), &mut PreflightCache::new(), Timestamp::ZERO,
///     |_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"));
/// let failure = e.result.failure.unwrap();
/// assert_eq!(failure.kind, "local-network-access");
/// assert!(failure.reason.starts_with("not CORS: Local Network Access"));
/// ```
pub fn explain_in(
    profile: &Profile,
    origin: Origin,
    page: &PageContext,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    mut server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Explanation {
    let before = cache.clone();
    let (verdict, responses) = drive(profile, origin.clone(), page, init, cache, now, &mut server);
    let mut explanation = Explanation::from_verdict(profile, &origin, init, &verdict, &responses);
    // An element's refusal of its resource is no CORS failure: its fix is
    // verified by running the request again with it.
    if let Some(PageEvent::Error { refusal: Some(refusal) }) = &explanation.page_event {
        let target = verdict.requests.last().map(|r| r.url.clone());
        let mut cache = before.clone();
        let (again, responses) = drive(profile, origin.clone(), page, init, &mut cache, now, &mut |request: &HttpRequest| {
            let mut response = server(request);
            if !request.is_preflight && Some(&request.url) == target.as_ref() {
                refusal.fix_response(init.initiator, &mut response);
            }
            response
        });
        let observed = crate::initiator::observe(profile, &origin, init, again, responses.last());
        if let Some(fix) = explanation.fix.as_mut() {
            let loads = observed.event == PageEvent::Load;
            fix.verified = Some(loads);
            fix.verification = if loads {
                format!("corsim ran the request again with this change: {} loads it", init.initiator.in_words())
            } else {
                format!("not verified: with this change, {} still does not load it", init.initiator.in_words())
            };
        }
        return explanation;
    }
    if !explanation.result.readable {
        let mut rerun = |init: &RequestInit, fix: &Fix| {
            let mut cache = before.clone();
            drive(profile, origin.clone(), page, init, &mut cache, now, &mut |request: &HttpRequest| {
                let mut response = server(request);
                fix.apply_to_response(request, &mut response);
                response
            })
        };
        let mut fix = fix::derive(profile, &origin, init, &verdict, &responses, Some(&mut rerun));
        let fixed_init = fix.apply_to_request(init);
        let mut run = |init: &RequestInit, deployment: &dyn Fn(&HttpRequest, HttpResponse) -> HttpResponse| {
            let mut cache = before.clone();
            drive(profile, origin.clone(), page, init, &mut cache, now, &mut |request: &HttpRequest| {
                let answer = server(request);
                deployment(request, answer)
            })
            .0
        };
        config::verify(&mut fix.configs, profile, &fixed_init, &mut run);
        explanation.fix = Some(fix);
    }
    explanation
}

/// Run a fetch to its end, keeping each response next to its request.
pub(crate) fn drive(
    profile: &Profile,
    origin: Origin,
    page: &PageContext,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> (Verdict, Vec<HttpResponse>) {
    let mut responses = Vec::new();
    let verdict = crate::fetch::run_in(profile, origin, page, init, cache, now, |request| {
        let response = server(request);
        responses.push(response.clone());
        response
    });
    (verdict, responses)
}

impl Explanation {
    /// Build an explanation from a finished fetch: its verdict and the
    /// responses the server gave, in the order of `verdict.requests`. The fix
    /// is derived from the failure but not verified (`verified: None`), since
    /// there is no server to ask again; [`explain`] verifies it.
    ///
    /// ```
    /// use corsim::explain::Explanation;
    /// use corsim::{fetch::run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
    /// let page = Origin::parse("https://app.example").unwrap();
    /// let init = RequestInit::get("https://api.example/");
    /// let answer = HttpResponse::new(200).header("Access-Control-Allow-Origin", "https://app.example, https://app.example");
    /// let verdict = run(&Profile::CHROMIUM, page.clone(), &init, &mut PreflightCache::new(), Timestamp::ZERO, |_| answer.clone());
    /// let e = Explanation::from_verdict(&Profile::CHROMIUM, &page, &init, &verdict, &[answer]);
    /// let fix = e.fix.unwrap();
    /// assert_eq!(fix.verified, None);
    /// assert_eq!(fix.patches[0].headers[0].to.as_deref(), Some("https://app.example"));
    /// ```
    pub fn from_verdict(
        profile: &Profile,
        origin: &Origin,
        init: &RequestInit,
        verdict: &Verdict,
        responses: &[HttpResponse],
    ) -> Explanation {
        let ctx = Ctx { profile, init, verdict, responses };
        let timeline = ctx.timeline();
        let classification = ctx.classification();
        let result = ctx.script_view();
        let mut explanation = Explanation {
            browser: profile.browser,
            page_origin: origin.serialize().to_owned(),
            request: RequestSummary::of_in(profile, init),
            classification,
            timeline,
            result,
            console: verdict.console.clone(),
            fix: None,
            page_event: None,
        };
        if init.initiator != Initiator::Fetch {
            explanation.observe_initiator(profile, origin, init, verdict, responses);
        }
        if !explanation.result.readable && explanation.fix.is_none() {
            explanation.fix = Some(fix::derive(profile, origin, init, verdict, responses, None));
        }
        explanation
    }

    /// What the page sees of a request not made by `fetch()`: the result in
    /// the initiator's words, and, for an element that refused what its
    /// fetch delivered, that refusal and its fix instead of a CORS one.
    fn observe_initiator(&mut self, profile: &Profile, origin: &Origin, init: &RequestInit, verdict: &Verdict, responses: &[HttpResponse]) {
        let observed = crate::initiator::observe(profile, origin, init, verdict.clone(), responses.last());
        self.console = observed.verdict.console;
        let who = init.initiator.in_words();
        match &observed.event {
            PageEvent::Response => {
                if let Some(r) = &self.result.response {
                    self.result.summary = format!(
                        "{who} fires 'load': xhr.status {}, getAllResponseHeaders() lists {}",
                        r.status,
                        if r.headers.is_empty() { "(none)".to_owned() } else { r.headers.join(", ") }
                    );
                }
            }
            PageEvent::NetworkError => {
                self.result.summary =
                    format!("{who} fires 'error': script sees status 0, no headers and no body (only the console says why)");
            }
            PageEvent::Load => {
                self.result.readable = true;
                let opaque = self.result.response.as_ref().is_some_and(|r| r.kind == ResponseType::Opaque);
                self.result.summary = if opaque && init.initiator == Initiator::Img {
                    format!("{who} fires 'load' and uses the resource; fetched without CORS, so script cannot read it (a canvas it is drawn on is tainted)")
                } else if opaque {
                    format!("{who} fires 'load' and uses the resource, fetched without CORS")
                } else {
                    format!("{who} fires 'load' and uses the resource")
                };
            }
            PageEvent::Error { refusal: None } => {
                self.result.summary = format!("{who} fires 'error': the page learns nothing more (only the console says why)");
            }
            PageEvent::Error { refusal: Some(refusal) } => {
                self.result.readable = false;
                self.result.summary = format!("{who} fires 'error': the fetch succeeded, but the element refused the resource");
                let url = verdict.requests.last().map(|r| r.url.as_str().to_owned()).unwrap_or_else(|| init.url.clone());
                let why = refusal.explain();
                let (why, change) = why.split_once("; fix: ").map(|(w, c)| (w.to_owned(), c.to_owned())).unwrap_or((why.clone(), String::new()));
                self.fix = Some(Fix {
                    summary: format!("Not a CORS failure: {why}. {change}."),
                    steps: vec![FixStep { failure: refusal.name().to_owned(), failed_value: None, url, why, change }],
                    verified: None,
                    verification: "not verified: corsim takes a body as a valid resource of the type its Content-Type names".to_owned(),
                    ..Fix::default()
                });
            }
            PageEvent::Queued => {
                self.result.summary = match &self.result.failure {
                    Some(_) => format!("{who} returns true (queued); the request then failed, which the page never learns (only the console says why)"),
                    None => format!("{who} returns true (queued); the server got the request, and the page never learns its answer"),
                };
            }
        }
        self.page_event = Some(observed.event);
    }

    /// The readable timeline, plain or with ANSI colours.
    ///
    /// ```
    /// use corsim::explain::{explain, TextStyle};
    /// use corsim::{HttpResponse, Origin, Profile, RequestInit};
    /// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
    ///     &RequestInit::get("https://api.example/"), |_| HttpResponse::new(200));
    /// assert_eq!(e.to_text(TextStyle::Plain), e.to_string());
    /// assert!(e.to_text(TextStyle::Ansi).contains("\x1b["));
    /// ```
    pub fn to_text(&self, style: TextStyle) -> String {
        text::render(self, style)
    }
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&text::render(self, TextStyle::Plain))
    }
}

/// What the builders share.
struct Ctx<'a> {
    profile: &'a Profile,
    init: &'a RequestInit,
    verdict: &'a Verdict,
    responses: &'a [HttpResponse],
}

impl Ctx<'_> {
    fn include(&self) -> bool {
        self.init.credentials == CredentialsMode::Include
    }

    fn failure(&self) -> Option<&Failure> {
        self.verdict.outcome.as_ref().err()
    }

    /// The index of the exchange whose response the fetch failed on, if it
    /// failed on one.
    fn failing_exchange(&self) -> Option<usize> {
        self.failure()?;
        let last = self.verdict.events.iter().rev().find(|e| {
            matches!(e, Event::Received { .. } | Event::Routed { .. } | Event::Redirected { .. })
        })?;
        match last {
            Event::Received { index, .. } => Some(*index),
            _ => None,
        }
    }

    fn classification(&self) -> Classification {
        let first = self.verdict.events.iter().find_map(|e| match e {
            Event::Routed { route, .. } => Some(route),
            _ => None,
        });
        Classification::of_route(first, self.failure())
    }

    fn timeline(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut route: Option<&Route> = None;
        let mut routes: Vec<Option<&Route>> = vec![None; self.verdict.requests.len()];
        for event in &self.verdict.events {
            match event {
                Event::HeaderDropped { header } => {
                    steps.push(Step::HeaderDropped { name: header.name.clone(), because: header.because.clone() })
                }
                Event::Routed { url, route: r } => {
                    route = Some(r);
                    let (kind, summary) = route_summary(r);
                    steps.push(Step::Routed { url: url.clone(), kind, summary });
                }
                Event::CacheLookup { url, miss } => steps.push(Step::CacheLookup {
                    url: url.clone(),
                    hit: miss.is_none(),
                    miss: miss.as_ref().map(cache_miss_text),
                }),
                Event::Sent { index } => {
                    if let Some(slot) = routes.get_mut(*index) {
                        *slot = route;
                    }
                    steps.push(Step::Exchange(self.exchange(*index, route)));
                }
                Event::PreflightStored { url, max_age_secs } => {
                    steps.push(Step::PreflightStored { url: url.clone(), max_age_secs: *max_age_secs })
                }
                Event::Redirected { from, to, status, method, tainted } => steps.push(Step::Redirected {
                    from: from.clone(),
                    to: to.clone(),
                    status: *status,
                    method: method.clone(),
                    tainted: *tainted,
                }),
                _ => {}
            }
        }
        steps
    }

    fn exchange(&self, index: usize, route: Option<&Route>) -> Exchange {
        let request = &self.verdict.requests[index];
        let response = self.responses.get(index);
        let checks = match response {
            Some(r) => {
                let mut trimmed = r.clone();
                trimmed.headers.trim_values();
                self.checks(index, request, &trimmed, route)
            }
            None => Vec::new(),
        };
        Exchange {
            index,
            preflight: request.is_preflight,
            request: RequestText::of(request),
            response: response.map(ResponseText::of),
            checks,
        }
    }

    /// The checks the engine recorded on the response to request `index`.
    fn recorded_checks(&self, index: usize) -> impl Iterator<Item = (CheckName, CheckState)> + '_ {
        self.verdict
            .events
            .iter()
            .skip_while(move |e| !matches!(e, Event::Received { index: i, .. } if *i == index))
            .skip(1)
            .take_while(|e| matches!(e, Event::Checked { .. }))
            .filter_map(|e| match e {
                Event::Checked { check, state } => Some((*check, *state)),
                _ => None,
            })
    }

    /// The checks on the response to request `index`, in words.
    fn checks(&self, index: usize, request: &HttpRequest, response: &HttpResponse, route: Option<&Route>) -> Vec<CheckOutcome> {
        let include = self.include();
        let failed = if self.failing_exchange() == Some(index) { self.failure() } else { None };
        let error = failed.and_then(|f| f.cors_error());
        let fv = error.map(|s| s.failed_parameter.as_str()).unwrap_or_default();
        let origin_sent = header_str(&request.headers, "origin").unwrap_or_default();
        let method = if request.is_preflight {
            header_str(&request.headers, "access-control-request-method").unwrap_or_default()
        } else {
            request.method.clone()
        };
        let unsafe_names: Vec<String> = route.map(|r| r.unsafe_names().map(str::to_owned).collect()).unwrap_or_default();
        let location = response.headers.get_all("location").next().map(isomorphic_decode);
        self.recorded_checks(index)
            .map(|(check, state)| {
                let (value, detail) = match check {
                    CheckName::Redirect if request.is_preflight => (
                        header_str(&response.headers, "location"),
                        format!(
                            "the preflight was answered with a {} redirect; a preflight is never redirected",
                            response.status
                        ),
                    ),
                    CheckName::Redirect => {
                        let loc = location.clone().unwrap_or_default();
                        let failure_text = failed.and_then(|f| redirect_failure_text(&f.kind, &loc));
                        let detail = match (state, failure_text) {
                            (CheckState::Failed, Some(text)) => text,
                            (CheckState::Failed, None) => format!("the {} redirect to {loc} is refused", response.status),
                            (CheckState::Passed, _) if self.init.redirect == RedirectMode::Manual => format!(
                                "a {} redirect to {loc}: with redirect 'manual' script gets an opaqueredirect response",
                                response.status
                            ),
                            (CheckState::Passed, _) => format!("a {} redirect to {loc}, followed", response.status),
                            (CheckState::NotReached, _) => format!("a {} redirect to {loc}, not followed", response.status),
                        };
                        (location.clone(), detail)
                    }
                    CheckName::Status => (Some(response.status.to_string()), status_detail(response.status, state)),
                    CheckName::AllowOrigin => {
                        let v = header_str(&response.headers, "access-control-allow-origin");
                        let d = origin_detail(state, error.map(|s| s.error), v.as_deref(), &origin_sent, include, fv);
                        (v, d)
                    }
                    CheckName::AllowCredentials => {
                        let v = header_str(&response.headers, "access-control-allow-credentials");
                        let d = credentials_detail(state, v.as_deref());
                        (v, d)
                    }
                    CheckName::AllowMethods => {
                        let v = header_str(&response.headers, "access-control-allow-methods");
                        let d = methods_detail(state, error.map(|s| s.error), v.as_deref(), &method, include, fv);
                        (v, d)
                    }
                    CheckName::AllowHeaders => {
                        let v = header_str(&response.headers, "access-control-allow-headers");
                        let d = headers_detail(state, error.map(|s| s.error), v.as_deref(), &unsafe_names, fv);
                        (v, d)
                    }
                    gate_check => crate::gate::explain_check(gate_check, state, failed, response),
                };
                CheckOutcome { check, state, value, detail }
            })
            .collect()
    }

    fn script_view(&self) -> ScriptView {
        match &self.verdict.outcome {
            Ok(response) => {
                let readable = matches!(response.kind, ResponseType::Basic | ResponseType::Cors);
                let hidden = if response.kind == ResponseType::Cors {
                    self.responses
                        .last()
                        .map(|r| {
                            let mut names: Vec<String> = r
                                .headers
                                .iter()
                                .filter(|h| !is_forbidden_response_header_name(h.name))
                                .map(|h| isomorphic_decode(&h.name.to_ascii_lowercase()))
                                .filter(|n| !n.starts_with("access-control-") && !response.headers.contains(n))
                                .collect();
                            names.sort();
                            names.dedup();
                            names
                        })
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                let summary = match response.kind {
                    ResponseType::Basic => format!(
                        "script can read the response: type basic, status {}, every header but Set-Cookie",
                        response.status
                    ),
                    ResponseType::Cors => format!(
                        "script can read the response: type cors, status {}, headers {}",
                        response.status,
                        if response.headers.is_empty() { "(none)".to_owned() } else { response.headers.join(", ") }
                    ),
                    ResponseType::Opaque => {
                        "fetch() resolves, but the response is opaque: script sees status 0, no headers and no body"
                            .to_owned()
                    }
                    ResponseType::OpaqueRedirect => {
                        "fetch() resolves with an opaqueredirect response: script sees status 0, no headers, and not \
                         where it redirects"
                            .to_owned()
                    }
                };
                ScriptView { readable, response: Some(response.clone()), hidden_headers: hidden, failure: None, summary }
            }
            Err(failure) => {
                let summary = failure_summary(self.profile, failure);
                let text = if summary.cors_error.is_some() {
                    format!("fetch() rejects with {}", summary.rejects_with)
                } else {
                    format!("fetch() rejects with {}: {}", summary.rejects_with, summary.reason)
                };
                ScriptView {
                    readable: false,
                    response: None,
                    hidden_headers: Vec::new(),
                    summary: text,
                    failure: Some(summary),
                }
            }
        }
    }
}

fn origin_detail(
    state: CheckState,
    error: Option<CorsError>,
    value: Option<&str>,
    origin: &str,
    include: bool,
    failed_value: &str,
) -> String {
    match state {
        CheckState::NotReached => "not checked".to_owned(),
        CheckState::Passed => match value {
            Some("*") if !include => "'*' allows every origin (the request carries no credentials)".to_owned(),
            Some(v) => format!("'{v}' is the request's origin"),
            None => "present".to_owned(),
        },
        CheckState::Failed => {
            let error = error.map(|e| e.for_preflight());
            match error {
                Some(CorsError::PreflightMissingAllowOriginHeader) => "absent".to_owned(),
                Some(CorsError::PreflightWildcardOriginNotAllowed) => {
                    "'*' is not allowed when the request's credentials mode is 'include'".to_owned()
                }
                Some(CorsError::PreflightMultipleAllowOriginValues) => {
                    format!("'{failed_value}' holds more than one value; exactly one origin is allowed")
                }
                Some(CorsError::PreflightInvalidAllowOriginValue) => format!("'{failed_value}' is not a valid origin"),
                Some(CorsError::PreflightAllowOriginMismatch) => {
                    format!("'{failed_value}' is not the request's origin '{origin}' ({})", fix::mismatch_reason(failed_value, origin))
                }
                _ => format!("'{failed_value}' does not allow '{origin}'"),
            }
        }
    }
}

fn credentials_detail(state: CheckState, value: Option<&str>) -> String {
    match (state, value) {
        (CheckState::NotReached, _) => "not checked".to_owned(),
        (CheckState::Passed, _) => "'true', as credentials mode 'include' requires".to_owned(),
        (CheckState::Failed, None) => "absent; credentials mode 'include' requires it to be 'true'".to_owned(),
        (CheckState::Failed, Some(v)) => format!("'{v}' must be exactly 'true' when the request's credentials mode is 'include'"),
    }
}

fn status_detail(status: u16, state: CheckState) -> String {
    match state {
        CheckState::NotReached => "not checked".to_owned(),
        CheckState::Passed => format!("{status} is an ok status (200–299)"),
        CheckState::Failed => format!("{status} is not an ok status (200–299)"),
    }
}

fn methods_detail(
    state: CheckState,
    error: Option<CorsError>,
    value: Option<&str>,
    method: &str,
    include: bool,
    failed_value: &str,
) -> String {
    match state {
        CheckState::NotReached => "not checked".to_owned(),
        CheckState::Passed if method::is_cors_safelisted(method) => format!("{method} is CORS-safelisted"),
        CheckState::Passed => match value {
            Some(v) if v.split(',').any(|m| m.trim() == method) => format!("{method} is listed"),
            Some(_) if !include => format!("{method} is covered by '*'"),
            _ => format!("{method} is allowed"),
        },
        CheckState::Failed if error == Some(CorsError::InvalidAllowMethodsPreflightResponse) => {
            format!("'{failed_value}' is not a comma-separated list of methods")
        }
        CheckState::Failed => match value {
            None => format!("absent, so {failed_value} is not allowed"),
            Some(v) => {
                let mut d = format!("{failed_value} is not listed in '{v}'");
                if include && v.split(',').any(|m| m.trim() == "*") {
                    d.push_str(" ('*' is no wildcard with credentials)");
                } else if v.split(',').any(|m| m.trim().eq_ignore_ascii_case(failed_value)) {
                    d.push_str(" (methods are compared case-sensitively)");
                }
                d
            }
        },
    }
}

fn headers_detail(
    state: CheckState,
    error: Option<CorsError>,
    value: Option<&str>,
    unsafe_names: &[String],
    failed_value: &str,
) -> String {
    match state {
        CheckState::NotReached => "not checked".to_owned(),
        CheckState::Passed if unsafe_names.is_empty() => "no CORS-unsafe request headers to allow".to_owned(),
        CheckState::Passed => format!("{} allowed", unsafe_names.join(", ")),
        CheckState::Failed if error == Some(CorsError::InvalidAllowHeadersPreflightResponse) => {
            format!("'{failed_value}' is not a comma-separated list of header names")
        }
        CheckState::Failed => match value {
            None => format!("absent, so request header {failed_value} is not allowed"),
            Some(v) => format!("request header {failed_value} is not allowed by '{v}'"),
        },
    }
}

fn redirect_failure_text(kind: &FailureKind, location: &str) -> Option<String> {
    Some(match kind {
        FailureKind::InvalidRedirectLocation(raw) => format!("Location '{raw}' is not a URL"),
        FailureKind::EmptyRedirectLocation => "a redirect status with an empty Location".to_owned(),
        FailureKind::RedirectModeError => format!("redirect mode 'error' refuses the redirect to {location}"),
        FailureKind::TooManyRedirects => "more than 20 redirects".to_owned(),
        FailureKind::RedirectToNonHttpScheme(u) => format!("a redirect to {u}, which is not http: or https:"),
        FailureKind::RedirectToDisabledScheme(u) => format!("a redirect to {u}, a scheme the browser has turned off"),
        FailureKind::RedirectToLocalResource(u) => format!("a redirect to {u}, a local resource a page may not load"),
        FailureKind::RedirectWithCredentials(u) => format!("a redirect to {u}, which carries a username or password"),
        FailureKind::Cors(s) if s.error == CorsError::CorsDisabledScheme && !location.is_empty() => {
            format!("a redirect to {location}, a scheme CORS does not support")
        }
        FailureKind::Cors(s) if s.error == CorsError::RedirectContainsCredentials => {
            format!("a redirect to {location}, which carries a username or password")
        }
        _ => return None,
    })
}

fn failure_summary(profile: &Profile, failure: &Failure) -> FailureSummary {
    let (kind, reason) = match &failure.kind {
        FailureKind::TypeError(t) => ("type-error", type_error_advice(t).0),
        FailureKind::Cors(s) => ("cors", format!("CORS error {}", s.error)),
        FailureKind::RedirectModeError => ("redirect-mode-error", "the response is a redirect and redirect mode is 'error'".to_owned()),
        FailureKind::TooManyRedirects => ("too-many-redirects", "more than 20 redirects".to_owned()),
        FailureKind::EmptyRedirectLocation => ("empty-redirect-location", "a redirect status with an empty Location".to_owned()),
        FailureKind::InvalidRedirectLocation(l) => ("invalid-redirect-location", format!("the redirect's Location '{l}' is not a URL")),
        FailureKind::RedirectToNonHttpScheme(u) => ("redirect-to-non-http-scheme", format!("a redirect to {u}, which is not http: or https:")),
        FailureKind::RedirectToDisabledScheme(u) => ("redirect-to-disabled-scheme", format!("a redirect to {u}, a scheme the browser has turned off")),
        FailureKind::RedirectToLocalResource(u) => ("redirect-to-local-resource", format!("a redirect to {u}, a local resource a page may not load")),
        FailureKind::RedirectWithCredentials(u) => ("redirect-with-credentials", format!("a redirect to {u}, which carries a username or password")),
        FailureKind::SameOriginModeRedirectedCrossOrigin(u) => (
            "same-origin-mode-redirected-cross-origin",
            format!("mode 'same-origin' and a redirect led to another origin ({u})"),
        ),
        FailureKind::SchemeNotHttp(u) => ("scheme-not-http", format!("{u} is not an http: or https: URL")),
        FailureKind::Blocked(gate) => (gate.name(), format!("{gate}: {}", gate.reason(failure.url.as_str()))),
        FailureKind::Net(refused) => ("network-error", format!("not CORS: {} (net::{})", refused.reason(), refused.chromium_name())),
    };
    let rejects_with = crate::console::rejection(profile, failure);
    let cors = failure.cors_error();
    FailureSummary {
        kind: kind.to_owned(),
        cors_error: cors.map(|s| s.error),
        failed_value: cors.map(|s| s.failed_parameter.clone()).filter(|v| !v.is_empty()),
        url: without_fragment(&failure.url),
        redirected_from: failure.redirected_from.as_ref().map(without_fragment),
        rejects_with,
        reason,
        not_cors: crate::console::facts::NotCors::of(failure),
    }
}

/// What a `TypeError` means, and what to change in the page's code.
pub(crate) fn type_error_advice(t: &TypeErrorKind) -> (String, String) {
    match t {
        TypeErrorKind::InvalidMethod(m) => (
            format!("'{m}' is not a valid HTTP method"),
            "use a method that is an HTTP token (letters, digits and !#$%&'*+-.^_`|~)".to_owned(),
        ),
        TypeErrorKind::ForbiddenMethod(m) => (
            format!("{m} is a forbidden method"),
            "fetch() never sends CONNECT, TRACE or TRACK; use another method".to_owned(),
        ),
        TypeErrorKind::NoCorsMethod(m) => (
            format!("mode 'no-cors' allows only GET, HEAD and POST, not {m}"),
            "use mode 'cors' (and allow the method on the server) or a GET, HEAD or POST".to_owned(),
        ),
        TypeErrorKind::InvalidUrl(u) => (format!("'{u}' is not a URL"), "pass an absolute http: or https: URL".to_owned()),
        TypeErrorKind::UrlHasCredentials(u) => (
            format!("{u} has a username or password"),
            "remove the credentials from the URL; send them in an Authorization header instead".to_owned(),
        ),
        TypeErrorKind::InvalidHeaderName(n) => (
            format!("'{n}' is not a valid header name"),
            "header names are HTTP tokens: no spaces, colons or non-ASCII characters".to_owned(),
        ),
        TypeErrorKind::InvalidHeaderValue(v) => (
            format!("'{v}' is not a valid header value"),
            "header values cannot hold NUL, CR, LF or characters above U+00FF".to_owned(),
        ),
    }
}

fn cache_miss_text(miss: &CacheMiss) -> String {
    match miss {
        CacheMiss::NoEntry => "no stored preflight for this URL".to_owned(),
        CacheMiss::Expired => "the stored preflight has expired".to_owned(),
        CacheMiss::NotCredentialed => "the stored preflight was for a request without credentials".to_owned(),
        CacheMiss::Method(m) => format!("the stored preflight does not allow method {m}"),
        CacheMiss::Header(h) => format!("the stored preflight does not allow header {h}"),
    }
}

/// A header list as (name, value) strings, each byte one character.
fn pairs(headers: &HeaderList) -> Vec<(String, String)> {
    headers.iter().map(|h| (isomorphic_decode(h.name), isomorphic_decode(h.value))).collect()
}

/// The combined value of `name`, decoded.
fn header_str(headers: &HeaderList, name: &str) -> Option<String> {
    headers.get(name).map(|v| isomorphic_decode(&v))
}

fn without_fragment(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    u.as_str().to_owned()
}

fn status_reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// The tokens of a `#`-list header value, or `None` when it does not parse.
fn token_list(profile: &Profile, value: &str) -> Option<Vec<String>> {
    let bytes = crate::header_list::isomorphic_encode(value)?;
    parse_token_list(&bytes, profile.list_trim).ok().map(|l| l.iter().map(|t| isomorphic_decode(t)).collect())
}

#[cfg(test)]
mod tests;
