//! The fix: the smallest change to the server's answers (and, where no
//! server change can help, to the page's `fetch()` call) that lets script
//! read the response, derived from the failure and verified by running the
//! engine again with it applied.

use url::Url;

use super::config::{self, Policy, ServerConfig};
use super::{header_str, token_list, type_error_advice, without_fragment};
use crate::error::{CorsError, FailureKind};
use crate::fetch::{Event, Route, Verdict};
use crate::header_list::{is_token, isomorphic_encode, NameSet};
use crate::method;
use crate::origin::Origin;
use crate::preflight::HttpRequest;
use crate::profile::Profile;
use crate::request::{CredentialsMode, Mode, RedirectMode, RequestInit};
use crate::response::{HttpResponse, ResponseType};

/// How many rounds of "fix the failure, run again" before giving up.
const MAX_ROUNDS: usize = 16;

/// How to make script able to read the response.
///
/// Each failure the fetch meets is answered in turn ([`FixStep`]); the
/// changes add up to [`patches`](Fix::patches) on the server's answers and,
/// rarely, a [`request_change`](Fix::request_change) to the page's
/// `fetch()` call. [`verified`](Fix::verified) says whether corsim ran the
/// fetch again with all of it applied and script could then read the
/// response.
///
/// ```
/// use corsim::explain::explain;
/// use corsim::{HttpRequest, HttpResponse, Origin, Profile, RequestInit};
/// let init = RequestInit::get("https://api.example/x").method("DELETE");
/// // The OPTIONS route is missing: 404 with the CORS headers of every answer.
/// let server = |r: &HttpRequest| HttpResponse::new(if r.is_preflight { 404 } else { 200 })
///     .header("Access-Control-Allow-Origin", "https://app.example");
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &init, server);
/// let fix = e.fix.unwrap();
/// assert_eq!(fix.verified, Some(true));
/// assert_eq!(fix.patches[0].status.as_ref().map(|s| (s.from, s.to)), Some((404, 204)));
/// assert!(fix.configs.iter().any(|c| c.server == "nginx"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Fix {
    /// One paragraph: what to change.
    pub summary: String,
    /// Each failure met, in order, and what answers it.
    pub steps: Vec<FixStep>,
    /// A change to the page's `fetch()` call, when one is needed.
    pub request_change: Option<RequestChange>,
    /// Changes to the server's answers, one per (URL, preflight or not).
    pub patches: Vec<ResponsePatch>,
    /// `Some(true)`: corsim ran the fetch again with the fix and script could
    /// read the response; `Some(false)`: it still could not; `None`: not run.
    pub verified: Option<bool>,
    /// What the re-run showed, in words.
    pub verification: String,
    /// What else to know (where no safe header change exists, what to look for).
    pub notes: Vec<String>,
    /// The server configuration that produces the fixed answers.
    pub configs: Vec<ServerConfig>,
}

/// One failure and the change that answers it.
///
/// ```
/// use corsim::explain::explain;
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(),
///     &RequestInit::get("https://api.example/"), |_| HttpResponse::new(200));
/// let step = &e.fix.unwrap().steps[0];
/// assert_eq!(step.failure, "MissingAllowOriginHeader");
/// assert!(step.change.contains("Access-Control-Allow-Origin: https://app.example"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct FixStep {
    /// The failure: a [`CorsError`] name, or the kind of another failure
    /// (`redirect-mode-error`, `opaque`, …).
    pub failure: String,
    /// The value that failed, when there is one.
    pub failed_value: Option<String>,
    /// The URL it failed at.
    pub url: String,
    /// What went wrong, in words.
    pub why: String,
    /// What answers it, in words.
    pub change: String,
}

/// A change to the page's `fetch()` call.
///
/// ```
/// use corsim::explain::RequestChange;
/// use corsim::{Mode, RequestInit};
/// let change = RequestChange { mode: Some(Mode::Cors), ..Default::default() };
/// assert_eq!(change.apply(&RequestInit::get("https://a.example/").mode(Mode::NoCors)).mode, Mode::Cors);
/// assert_eq!(change.to_string(), "mode: 'cors'");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RequestChange {
    /// Request this URL instead.
    pub url: Option<String>,
    /// Use this mode.
    pub mode: Option<Mode>,
    /// Use this redirect mode.
    pub redirect: Option<RedirectMode>,
    /// Send this method (upper case, for a method the browser sends as written).
    pub method: Option<String>,
    /// Why, one line per change.
    pub why: Vec<String>,
}

impl RequestChange {
    /// The `fetch()` arguments with this change.
    ///
    /// ```
    /// use corsim::explain::RequestChange;
    /// use corsim::{RedirectMode, RequestInit};
    /// let change = RequestChange { url: Some("https://b.example/".into()), redirect: Some(RedirectMode::Follow), ..Default::default() };
    /// let init = change.apply(&RequestInit::get("https://a.example/").redirect(RedirectMode::Error));
    /// assert_eq!((init.url.as_str(), init.redirect), ("https://b.example/", RedirectMode::Follow));
    /// ```
    pub fn apply(&self, init: &RequestInit) -> RequestInit {
        let mut init = init.clone();
        if let Some(url) = &self.url {
            init.url = url.clone();
        }
        if let Some(mode) = self.mode {
            init.mode = mode;
        }
        if let Some(redirect) = self.redirect {
            init.redirect = redirect;
        }
        if let Some(method) = &self.method {
            init.method = method.clone();
        }
        init
    }

    fn is_empty(&self) -> bool {
        self.url.is_none() && self.mode.is_none() && self.redirect.is_none() && self.method.is_none()
    }
}

impl std::fmt::Display for RequestChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(method) = &self.method {
            parts.push(format!("method: '{method}'"));
        }
        if let Some(url) = &self.url {
            parts.push(format!("url: '{url}'"));
        }
        if let Some(mode) = self.mode {
            parts.push(format!("mode: '{mode}'"));
        }
        if let Some(redirect) = self.redirect {
            parts.push(format!("redirect: '{redirect}'"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Changes to the server's answer for one URL: its preflight answer or its
/// answer to the request itself.
///
/// ```
/// use corsim::explain::{HeaderChange, ResponsePatch};
/// use corsim::{HeaderList, HttpRequest, HttpResponse};
/// let patch = ResponsePatch {
///     url: "https://api.example/".into(), preflight: false, method: "GET".into(), status: None,
///     headers: vec![HeaderChange { name: "Access-Control-Allow-Origin".into(), from: Some("*".into()),
///                                  to: Some("https://app.example".into()), why: String::new() }],
/// };
/// let request = HttpRequest { method: "GET".into(), url: "https://api.example/".parse().unwrap(), headers: HeaderList::new(), is_preflight: false };
/// let mut response = HttpResponse::new(200).header("access-control-allow-origin", "*");
/// assert!(patch.applies_to(&request));
/// patch.apply(&mut response);
/// assert_eq!(response.headers.get("Access-Control-Allow-Origin").unwrap(), b"https://app.example");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ResponsePatch {
    /// The URL (without fragment).
    pub url: String,
    /// Whether this is the answer to the preflight (`OPTIONS`) rather than to
    /// the request itself.
    pub preflight: bool,
    /// The method of the request answered.
    pub method: String,
    /// A new status.
    pub status: Option<StatusChange>,
    /// Header changes, in order.
    pub headers: Vec<HeaderChange>,
}

impl ResponsePatch {
    /// Whether this patch is for the answer to `request`.
    ///
    /// ```
    /// use corsim::explain::ResponsePatch;
    /// use corsim::{HeaderList, HttpRequest};
    /// let p = ResponsePatch { url: "https://a.example/x".into(), preflight: true, method: "OPTIONS".into(), status: None, headers: vec![] };
    /// let r = HttpRequest { method: "OPTIONS".into(), url: "https://a.example/x#f".parse().unwrap(), headers: HeaderList::new(), is_preflight: true };
    /// assert!(p.applies_to(&r));
    /// ```
    pub fn applies_to(&self, request: &HttpRequest) -> bool {
        request.is_preflight == self.preflight && without_fragment(&request.url) == self.url
    }

    /// Apply it to a response: the new status, then each header change (a
    /// set replaces every header of that name with one; a removal removes
    /// them all).
    ///
    /// ```
    /// use corsim::explain::{HeaderChange, ResponsePatch, StatusChange};
    /// use corsim::HttpResponse;
    /// let p = ResponsePatch { url: String::new(), preflight: true, method: "OPTIONS".into(),
    ///     status: Some(StatusChange { from: 301, to: 204, why: String::new() }),
    ///     headers: vec![HeaderChange { name: "Location".into(), from: Some("/x/".into()), to: None, why: String::new() }] };
    /// let mut r = HttpResponse::new(301).header("Location", "/x/");
    /// p.apply(&mut r);
    /// assert_eq!(r, HttpResponse::new(204));
    /// ```
    pub fn apply(&self, response: &mut HttpResponse) {
        if let Some(s) = &self.status {
            response.status = s.to;
        }
        for change in &self.headers {
            match &change.to {
                Some(v) => response.headers.set(&change.name, isomorphic_encode(v).unwrap_or_default()),
                None => response.headers.remove(&change.name),
            }
        }
    }

    /// "the preflight response (OPTIONS url)" or "the response to GET url".
    ///
    /// ```
    /// use corsim::explain::ResponsePatch;
    /// let p = ResponsePatch { url: "https://a.example/".into(), preflight: false, method: "PUT".into(), status: None, headers: vec![] };
    /// assert_eq!(p.target(), "the response to PUT https://a.example/");
    /// ```
    pub fn target(&self) -> String {
        if self.preflight {
            format!("the preflight response (OPTIONS {})", self.url)
        } else {
            format!("the response to {} {}", self.method, self.url)
        }
    }
}

/// A new status for a response.
///
/// ```
/// use corsim::explain::StatusChange;
/// let s = StatusChange { from: 405, to: 204, why: "answer OPTIONS".into() };
/// assert!(s.to < s.from);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StatusChange {
    /// The status now.
    pub from: u16,
    /// The status to send.
    pub to: u16,
    /// Why.
    pub why: String,
}

/// A header to set (replacing every header of that name) or remove.
///
/// ```
/// use corsim::explain::HeaderChange;
/// let c = HeaderChange { name: "Vary".into(), from: None, to: Some("Origin".into()), why: String::new() };
/// assert_eq!(c.to_string(), "+ Vary: Origin");
/// let c = HeaderChange { name: "Vary".into(), from: Some("Accept".into()), to: Some("Accept, Origin".into()), why: String::new() };
/// assert_eq!(c.to_string(), "~ Vary: Accept, Origin (was 'Accept')");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct HeaderChange {
    /// The header name, in its usual spelling.
    pub name: String,
    /// Its value now (values of repeated headers joined with `, `), or `None`
    /// when absent.
    pub from: Option<String>,
    /// Its new value, or `None` to remove it.
    pub to: Option<String>,
    /// Why.
    pub why: String,
}

impl std::fmt::Display for HeaderChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.from, &self.to) {
            (None, Some(to)) => write!(f, "+ {}: {to}", self.name),
            (Some(from), Some(to)) => write!(f, "~ {}: {to} (was '{from}')", self.name),
            (Some(from), None) => write!(f, "- {}: {from}", self.name),
            (None, None) => write!(f, "- {}", self.name),
        }
    }
}

impl Fix {
    /// Apply the header and status changes to the server's answer to `request`.
    ///
    /// ```
    /// use corsim::explain::explain;
    /// use corsim::{fetch::run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
    /// let page = Origin::parse("https://app.example").unwrap();
    /// let init = RequestInit::get("https://api.example/");
    /// let server = |_: &corsim::HttpRequest| HttpResponse::new(200).header("Access-Control-Allow-Origin", "https://app.example/");
    /// let fix = explain(&Profile::CHROMIUM, page.clone(), &init, server).fix.unwrap();
    /// let verdict = run(&Profile::CHROMIUM, page, &fix.apply_to_request(&init), &mut PreflightCache::new(), Timestamp::ZERO,
    ///     |r| { let mut response = server(r); fix.apply_to_response(r, &mut response); response });
    /// assert!(verdict.is_ok());
    /// ```
    pub fn apply_to_response(&self, request: &HttpRequest, response: &mut HttpResponse) {
        for patch in self.patches.iter().filter(|p| p.applies_to(request)) {
            patch.apply(response);
        }
    }

    /// The `fetch()` arguments with the [`request_change`](Fix::request_change), if any.
    ///
    /// ```
    /// use corsim::explain::Fix;
    /// use corsim::RequestInit;
    /// let init = RequestInit::get("https://a.example/");
    /// assert_eq!(Fix::default().apply_to_request(&init), init);
    /// ```
    pub fn apply_to_request(&self, init: &RequestInit) -> RequestInit {
        match &self.request_change {
            Some(change) => change.apply(init),
            None => init.clone(),
        }
    }

    fn patch_mut(&mut self, request: &HttpRequest) -> &mut ResponsePatch {
        let url = without_fragment(&request.url);
        let pos = self.patches.iter().position(|p| p.url == url && p.preflight == request.is_preflight);
        let pos = pos.unwrap_or_else(|| {
            self.patches.push(ResponsePatch {
                url,
                preflight: request.is_preflight,
                method: request.method.clone(),
                status: None,
                headers: Vec::new(),
            });
            self.patches.len() - 1
        });
        &mut self.patches[pos]
    }

    /// Set header `name` to `value` (or remove it) on the answer to `request`,
    /// whose (patched) answer is `response`.
    fn set(&mut self, request: &HttpRequest, response: &HttpResponse, name: &str, to: Option<String>, why: String) {
        let from = header_str(&response.headers, name);
        let patch = self.patch_mut(request);
        match patch.headers.iter_mut().find(|c| c.name.eq_ignore_ascii_case(name)) {
            Some(change) => {
                change.to = to;
                if !change.why.contains(&why) {
                    change.why = format!("{}; {why}", change.why);
                }
            }
            None => patch.headers.push(HeaderChange { name: name.to_owned(), from, to, why }),
        }
    }

    fn set_status(&mut self, request: &HttpRequest, from: u16, to: u16, why: String) {
        let patch = self.patch_mut(request);
        match &mut patch.status {
            Some(s) => s.to = to,
            None => patch.status = Some(StatusChange { from, to, why }),
        }
    }

    fn change_request(&mut self, f: impl FnOnce(&mut RequestChange), why: String) {
        let change = self.request_change.get_or_insert_with(RequestChange::default);
        f(change);
        change.why.push(why);
    }
}

/// Why an `Access-Control-Allow-Origin` value is not the origin, in words.
pub(crate) fn mismatch_reason(value: &str, origin: &str) -> String {
    if value == "null" {
        return "the server allows the opaque origin 'null', not this page".to_owned();
    }
    if value.eq_ignore_ascii_case(origin) {
        return "the value is compared byte for byte, and the letter case differs".to_owned();
    }
    if value.trim_end_matches('/') == origin {
        return "the value has a trailing slash; an origin has none".to_owned();
    }
    let (Ok(v), Ok(o)) = (Url::parse(value), Url::parse(origin)) else {
        return "the value is compared byte for byte".to_owned();
    };
    let vo = Origin::of_url(&v);
    if vo.serialize() == origin {
        if v.path() != "/" || v.query().is_some() {
            return "the value has a path; an origin is only scheme, host and port".to_owned();
        }
        return format!(
            "the value is compared byte for byte and is not serialized as the origin '{origin}' (a default port, or the letter case)"
        );
    }
    let mut why = Vec::new();
    if v.scheme() != o.scheme() {
        why.push(format!("the scheme differs ({} against {})", v.scheme(), o.scheme()));
    }
    if v.host_str() != o.host_str() {
        let local = |h: Option<&str>| matches!(h, Some("localhost" | "127.0.0.1" | "[::1]"));
        if local(v.host_str()) && local(o.host_str()) {
            why.push(format!(
                "{} and {} are different hosts to the browser, though both are this machine",
                v.host_str().unwrap_or_default(),
                o.host_str().unwrap_or_default()
            ));
        } else {
            why.push(format!("the host differs ({} against {})", v.host_str().unwrap_or_default(), o.host_str().unwrap_or_default()));
        }
    }
    if v.port_or_known_default() != o.port_or_known_default() {
        let port = |u: &Url| u.port_or_known_default().map(|p| p.to_string()).unwrap_or_default();
        why.push(format!("the port differs ({} against {})", port(&v), port(&o)));
    }
    if why.is_empty() {
        "the value is compared byte for byte".to_owned()
    } else {
        why.join("; ")
    }
}

/// Where the fetch stands after one run.
struct Cur<'a> {
    profile: &'a Profile,
    page: &'a Origin,
    init: RequestInit,
    verdict: &'a Verdict,
    request: Option<&'a HttpRequest>,
    /// The last response, trimmed as the engine saw it.
    response: Option<HttpResponse>,
    origin_sent: String,
    include: bool,
}

impl Cur<'_> {
    fn which(&self) -> &'static str {
        match self.request {
            Some(r) if r.is_preflight => "preflight response",
            _ => "response",
        }
    }

    fn url(&self) -> String {
        match (&self.verdict.outcome, self.request) {
            (Err(f), _) => without_fragment(&f.url),
            (_, Some(r)) => without_fragment(&r.url),
            _ => self.init.url.clone(),
        }
    }

    /// The CORS-unsafe header names of the last preflighted route.
    fn unsafe_names(&self) -> Vec<String> {
        self.verdict
            .events
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::Routed { route: route @ Route::Preflight { .. }, .. } => {
                    Some(route.unsafe_names().map(str::to_owned).collect())
                }
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Why the origin is `null`.
    fn null_reason(&self) -> String {
        if self.page.is_opaque() {
            return "the page has an opaque origin (a sandboxed iframe or a data: URL), so the browser sends Origin: null"
                .to_owned();
        }
        let hop = self.verdict.events.iter().find_map(|e| match e {
            Event::Redirected { from, to, tainted: true, .. } => Some((from.clone(), to.clone())),
            _ => None,
        });
        match hop {
            Some((from, to)) => format!(
                "the redirect from {from} to {to} crossed origins after the request had already left the page's origin, so the browser now sends Origin: null"
            ),
            None => "the browser sends Origin: null".to_owned(),
        }
    }
}

/// Flags the configuration snippets look at.
#[derive(Default)]
struct Flags {
    duplicate_layers: bool,
    preflight_status: Option<u16>,
    preflight_redirect: bool,
    preflight_slash_redirect: bool,
    any_origin: bool,
}

type Rerun<'a> = &'a mut dyn FnMut(&RequestInit, &Fix) -> (Verdict, Vec<HttpResponse>);

/// Derive the fix for a fetch that script cannot read. With `rerun`, each
/// change is applied and the fetch run again until it passes (or no change
/// helps); without, only the first failure is answered and nothing verified.
pub(crate) fn derive(
    profile: &Profile,
    page: &Origin,
    init: &RequestInit,
    verdict: &Verdict,
    responses: &[HttpResponse],
    mut rerun: Option<Rerun<'_>>,
) -> Fix {
    let mut fix = Fix::default();
    let mut flags = Flags::default();
    let mut current = (verdict.clone(), responses.to_vec());
    let mut stuck = false;
    // When a check around CORS refused the fetch, its fix is done once the
    // fetch resolves as the page asked (a no-cors fetch stays opaque): no
    // CORS change is offered on top.
    let gate_refused = verdict.outcome.as_ref().err().is_some_and(|f| f.kind.gate().is_some());
    let done = |v: &Verdict| v.is_readable() || (gate_refused && v.outcome.is_ok());
    // A method the browser sends as written, in lower case: no server
    // configuration allows it (servers route upper-case names, and Node,
    // nginx and Starlette refuse it with 400), so the page sends it in upper
    // case first, and the rest of the fix is for that.
    if let Some(upper) = upper_case_method(init) {
        let change = fix.request_change.get_or_insert_with(RequestChange::default);
        change.why.push(format!(
            "the browser sends {:?} as written (it upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT); servers and CORS libraries allow methods by their upper-case names, and Node, nginx and Starlette answer a lower-case method with 400, so no server configuration fixes it: write method: '{upper}' in the page",
            init.method
        ));
        change.method = Some(upper);
        if let Some(rerun) = rerun.as_mut() {
            current = rerun(&fix.apply_to_request(init), &fix);
        }
    }
    for _ in 0..MAX_ROUNDS {
        if done(&current.0) {
            break;
        }
        let before = (fix.patches.clone(), fix.request_change.clone());
        let cur_init = fix.apply_to_request(init);
        if let Err(advice) = next(profile, page, cur_init, &current.0, &current.1, &mut fix, &mut flags) {
            fix.notes.push(advice);
            stuck = true;
            break;
        }
        if (fix.patches.clone(), fix.request_change.clone()) == before {
            fix.notes.push("corsim found no further change to the server's answers that would help.".to_owned());
            stuck = true;
            break;
        }
        match rerun.as_mut() {
            Some(rerun) => current = rerun(&fix.apply_to_request(init), &fix),
            None => break,
        }
    }
    fix.request_change = fix.request_change.take().filter(|c| !c.is_empty());
    let browser = profile.browser.name();
    if rerun.is_some() && (!fix.patches.is_empty() || fix.request_change.is_some()) {
        let ok = done(&current.0);
        fix.verified = Some(ok);
        fix.verification = match &current.0.outcome {
            Ok(r) if ok && !current.0.is_readable() => format!(
                "corsim ran the fetch again with these changes: {browser} no longer refuses it (type {}, as mode '{}' gives).",
                r.kind,
                init.mode
            ),
            Ok(r) if ok => format!(
                "corsim ran the fetch again with these changes: {browser} lets script read the response (type {}, status {}).",
                r.kind, r.status
            ),
            Ok(r) => format!("corsim ran the fetch again with these changes: the response is still {} to script.", r.kind),
            Err(f) => format!(
                "corsim ran the fetch again with these changes: still blocked ({}).",
                f.cors_error().map(|s| s.error.name().to_owned()).unwrap_or_else(|| super::failure_summary(profile, f).kind)
            ),
        };
    } else if rerun.is_some() && stuck {
        fix.verified = Some(false);
        fix.verification = "no change to the server's answers makes this pass; see the notes.".to_owned();
    } else {
        fix.verification = "not verified: corsim had no server to ask again.".to_owned();
    }
    // Every answer whose CORS headers the fix changes, and that then allows
    // one origin, depends on the request's Origin: say so to caches (Vary
    // does not change the browser's decision). A fix that touches no CORS
    // header (a CORP or MIME type change) leaves the server's CORS as it is.
    let patched: Vec<(HttpRequest, HttpResponse)> = current
        .0
        .requests
        .iter()
        .zip(&current.1)
        .filter(|(req, _)| fix.patches.iter().any(|p| p.applies_to(req) && p.headers.iter().any(|c| is_cors_header(&c.name))))
        .map(|(req, resp)| {
            let mut resp = resp.clone();
            fix.apply_to_response(req, &mut resp);
            resp.headers.trim_values();
            (req.clone(), resp)
        })
        .collect();
    for (req, resp) in &patched {
        let explicit = header_str(&resp.headers, "access-control-allow-origin").is_some_and(|v| v != "*" && v != "null");
        if explicit {
            vary_origin(req, resp, &mut fix);
        }
    }
    fix.summary = summary(&fix);
    // The configuration that produces the answers the fix leads to.
    let final_responses: Vec<(HttpRequest, HttpResponse)> = current
        .0
        .requests
        .iter()
        .zip(&current.1)
        .map(|(req, resp)| {
            let mut resp = resp.clone();
            fix.apply_to_response(req, &mut resp);
            resp.headers.trim_values();
            (req.clone(), resp)
        })
        .collect();
    if fix.patches.iter().any(|p| p.status.is_some() || p.headers.iter().any(|c| is_cors_header(&c.name))) {
        let final_init = fix.apply_to_request(init);
        let policy = policy(profile, page, &final_init, &current.0, &final_responses, &flags);
        fix.configs = config::generate(&policy);
    }
    fix
}

/// The upper-case spelling of a method the browser sends as written with
/// lower-case letters (`patch`), or `None`.
pub(crate) fn upper_case_method(init: &RequestInit) -> Option<String> {
    let raw = init.method.as_str();
    let upper = raw.to_ascii_uppercase();
    (upper != raw && method::normalize(raw) == raw).then_some(upper)
}

fn is_cors_header(name: &str) -> bool {
    name.to_ascii_lowercase().starts_with("access-control-")
}

fn summary(fix: &Fix) -> String {
    let mut parts = Vec::new();
    if let Some(change) = &fix.request_change {
        parts.push(format!("In the page, call fetch() with {change}."));
    }
    for p in &fix.patches {
        let mut items = Vec::new();
        if let Some(s) = &p.status {
            items.push(format!("status {} instead of {}", s.to, s.from));
        }
        for c in &p.headers {
            items.push(match &c.to {
                Some(v) => format!("{}: {v}", c.name),
                None => format!("no {} header", c.name),
            });
        }
        parts.push(format!("On {}: {}.", p.target(), join_and(&items)));
    }
    if parts.is_empty() {
        "No change to the server's answers can make this pass; see the notes.".to_owned()
    } else {
        parts.join(" ")
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Answer the failure the fetch ended in with one more change.
fn next(
    profile: &Profile,
    page: &Origin,
    init: RequestInit,
    verdict: &Verdict,
    responses: &[HttpResponse],
    fix: &mut Fix,
    flags: &mut Flags,
) -> Result<(), String> {
    let request = verdict.requests.last();
    let failed_at_response = super::Ctx {
        profile,
        init: &init,
        verdict,
        responses,
    }
    .failing_exchange()
    .is_some();
    let response = responses.last().filter(|_| failed_at_response || verdict.outcome.is_ok()).map(|r| {
        let mut r = r.clone();
        r.headers.trim_values();
        r
    });
    let origin_sent = request
        .and_then(|r| header_str(&r.headers, "origin"))
        .unwrap_or_else(|| page.serialize().to_owned());
    let include = init.credentials == CredentialsMode::Include;
    let cur = Cur { profile, page, init, verdict, request, response, origin_sent, include };
    let url = cur.url();
    let failure = match &verdict.outcome {
        Ok(r) => {
            // Resolved, but opaque: script reads nothing.
            return match r.kind {
                ResponseType::Opaque => {
                    let why = "mode 'no-cors' gives script an opaque response (status 0, no headers, no body)".to_owned();
                    step(fix, "opaque", None, &url, &why, "call fetch() with mode 'cors', and let the server allow the page's origin");
                    fix.change_request(|c| c.mode = Some(Mode::Cors), why);
                    Ok(())
                }
                ResponseType::OpaqueRedirect => {
                    let why = "redirect 'manual' gives script an opaqueredirect response".to_owned();
                    step(fix, "opaqueredirect", None, &url, &why, "call fetch() with redirect 'follow'");
                    fix.change_request(|c| c.redirect = Some(RedirectMode::Follow), why);
                    Ok(())
                }
                _ => Ok(()),
            };
        }
        Err(f) => f,
    };
    match &failure.kind {
        FailureKind::Cors(status) => {
            if let Some(gate) = failure.refusing_gate() {
                // Not CORS, although this browser reports it as a CORS error:
                // the check's own fix, never an Access-Control-* header.
                step(fix, gate.name(), None, &url, &format!("{gate}: {}", gate.reason(&url)), &gate.fix());
            }
            cors_fix(&cur, fix, flags, status.error, &status.failed_parameter, &url)
        }
        FailureKind::Net(refused) => Err(format!(
            "not CORS: {} (net::{}), so the browser refuses the answer before any CORS check; no CORS header helps: {}.",
            refused.reason(),
            refused.chromium_name(),
            refused.fix()
        )),
        FailureKind::TypeError(t) => {
            let (what, how) = type_error_advice(t);
            Err(format!("fetch() rejects the call before sending anything: {what}. Change the page's code: {how}."))
        }
        FailureKind::RedirectModeError => {
            let to = location(&cur).unwrap_or_default();
            let why = format!("redirect mode 'error' rejects the redirect to {to}");
            step(fix, "redirect-mode-error", None, &url, &why, &format!("call fetch() with redirect 'follow' (or request {to} directly)"));
            fix.change_request(|c| c.redirect = Some(RedirectMode::Follow), why);
            Ok(())
        }
        FailureKind::SameOriginModeRedirectedCrossOrigin(to) => {
            let why = format!("mode 'same-origin' fails once a redirect leads to another origin ({to})");
            step(fix, "same-origin-mode-redirected-cross-origin", None, &url, &why, "call fetch() with mode 'cors', and let that server allow the page's origin");
            fix.change_request(|c| c.mode = Some(Mode::Cors), why);
            Ok(())
        }
        FailureKind::RedirectWithCredentials(to) => strip_location_credentials(&cur, fix, "redirect-with-credentials", to, &url),
        FailureKind::EmptyRedirectLocation => {
            let why = "the redirect has an empty Location, which this browser refuses".to_owned();
            step(fix, "empty-redirect-location", None, &url, &why, "send the full target URL in Location");
            Err(why)
        }
        FailureKind::TooManyRedirects => {
            let chain: Vec<String> = verdict
                .events
                .iter()
                .filter_map(|e| match e {
                    Event::Redirected { to, .. } => Some(to.clone()),
                    _ => None,
                })
                .collect();
            let mut hops = chain.clone();
            hops.dedup();
            let shown: Vec<&String> = hops.iter().take(4).collect();
            Err(format!(
                "The server redirects more than 20 times ({}{}): a redirect loop. Make the last URL answer instead of redirecting; this is no header change.",
                shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" → "),
                if hops.len() > 4 { " → …" } else { "" }
            ))
        }
        FailureKind::InvalidRedirectLocation(raw) => Err(format!(
            "The server's redirect has Location '{raw}', which is not a URL. Send a valid (preferably absolute) URL in Location."
        )),
        FailureKind::RedirectToNonHttpScheme(to) => Err(format!(
            "The server redirects to {to}; fetch() follows redirects only to http: and https: URLs. Redirect to an http(s) URL, or have the page open that URL another way."
        )),
        FailureKind::RedirectToDisabledScheme(to) => Err(format!(
            "The server redirects to {to}, a scheme this browser has turned off; no header helps. Redirect to an http(s) URL."
        )),
        FailureKind::RedirectToLocalResource(to) => Err(format!(
            "The server redirects to {to}, a local resource a web page may not load; no header helps. Redirect to an http(s) URL."
        )),
        FailureKind::Blocked(gate) => {
            // Not CORS: the fix is the gate's own, never an Access-Control-* header.
            let why = format!("{gate}: {}", gate.reason(&url));
            // A check that refused a redirect's target (a URL other than the
            // last one sent) is fixed in the redirect, or at the target.
            let change = match cur.request.filter(|r| r.url.as_str() != url) {
                Some(from) => format!("Redirect {} to a URL the browser will fetch, or fix the target: {}", from.url, gate.fix()),
                None => gate.fix(),
            };
            step(fix, gate.name(), None, &url, &why, &change);
            match (gate, cur.request, cur.response.as_ref()) {
                (crate::gate::Gate::CrossOriginResourcePolicy(_), Some(request), Some(response)) => {
                    fix.set(request, response, "Cross-Origin-Resource-Policy", Some("cross-origin".to_owned()), why);
                    Ok(())
                }
                _ => Err(format!("{gate}: no change to the server's CORS answers helps; the fix above is the one.")),
            }
        }
        FailureKind::SchemeNotHttp(u) => Err(format!(
            "{u} is not an http: or https: URL; a cors-mode fetch() cannot load it. Serve it over http(s), or use mode 'no-cors' (script then gets an opaque response)."
        )),
    }
}

fn step(fix: &mut Fix, failure: &str, failed_value: Option<&str>, url: &str, why: &str, change: &str) {
    fix.steps.push(FixStep {
        failure: failure.to_owned(),
        failed_value: failed_value.filter(|v| !v.is_empty()).map(str::to_owned),
        url: url.to_owned(),
        why: why.to_owned(),
        change: change.to_owned(),
    });
}

fn location(cur: &Cur<'_>) -> Option<String> {
    cur.response.as_ref().and_then(|r| r.headers.get_all("location").next().map(crate::header_list::isomorphic_decode))
}

fn strip_location_credentials(cur: &Cur<'_>, fix: &mut Fix, failure: &str, to: &str, url: &str) -> Result<(), String> {
    let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else {
        return Err(format!("A redirect to {to} carries a username or password; remove them from the Location."));
    };
    let raw = location(cur).unwrap_or_else(|| to.to_owned());
    let mut target = request.url.join(&raw).map_err(|_| format!("The Location '{raw}' does not parse."))?;
    let _ = target.set_username("");
    let _ = target.set_password(None);
    let why = format!("the redirect's Location {raw} carries a username or password, which the browser refuses to follow");
    let change = format!("redirect to {target}, and send credentials another way (a cookie, an Authorization header)");
    step(fix, failure, Some(&raw), url, &why, &change);
    fix.set(request, response, "Location", Some(target.as_str().to_owned()), why);
    Ok(())
}

/// Allow the request's origin on the failing response: the origin itself
/// (never reflected unchecked), `Vary: Origin`, and
/// `Access-Control-Allow-Credentials: true` when credentials are included.
fn allow_origin(cur: &Cur<'_>, fix: &mut Fix, flags: &mut Flags, failure: &str, failed_value: &str, why: &str) -> Result<(), String> {
    let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else {
        return Err(why.to_owned());
    };
    let url = cur.url();
    if cur.origin_sent == "null" {
        let reason = cur.null_reason();
        if cur.include {
            // Only `null` with credentials would pass, and that lets every
            // sandboxed page read the user's data: never suggest it.
            if !cur.page.is_opaque() && cur.verdict.events.iter().any(|e| matches!(e, Event::Redirected { tainted: true, .. })) {
                let to = without_fragment(&request.url);
                let why = format!("{why}; {reason}");
                let change = format!(
                    "request {to} directly from the page, so the browser sends the page's origin (allowing 'null' with credentials would let any sandboxed page read the user's data)"
                );
                step(fix, failure, Some(failed_value), &url, &why, &change);
                fix.change_request(|c| c.url = Some(to.clone()), why);
                return Ok(());
            }
            return Err(format!(
                "{why}; {reason}. Only 'Access-Control-Allow-Origin: null' with credentials would pass, and that lets every sandboxed page and data: URL read the user's data: do not send it. Give the frame a real origin (sandbox=\"allow-scripts allow-same-origin\"), or fetch without credentials."
            ));
        }
        let why = format!("{why}; {reason}");
        let change = "send Access-Control-Allow-Origin: * (allowing 'null' would let every sandboxed page in; '*' is the honest answer for a resource any site may read without credentials; if it is not public, request it from the page's own origin instead)";
        step(fix, failure, Some(failed_value), &url, &why, change);
        fix.set(request, response, "Access-Control-Allow-Origin", Some("*".to_owned()), why);
        flags.any_origin = true;
        return Ok(());
    }
    let origin = cur.origin_sent.clone();
    let mut change = format!(
        "send Access-Control-Allow-Origin: {origin} on the {} (from an allow-list of origins; never echo the request's Origin unchecked)",
        cur.which()
    );
    fix.set(request, response, "Access-Control-Allow-Origin", Some(origin.clone()), format!("{why}; allow {origin} explicitly (from an allow-list)"));
    vary_origin(request, response, fix);
    if cur.include && header_str(&response.headers, "access-control-allow-credentials").as_deref() != Some("true") {
        fix.set(
            request,
            response,
            "Access-Control-Allow-Credentials",
            Some("true".to_owned()),
            "the request's credentials mode is 'include'".to_owned(),
        );
        change.push_str(", and Access-Control-Allow-Credentials: true, as credentials are included");
    }
    step(fix, failure, Some(failed_value), &url, why, &change);
    Ok(())
}

/// Add `Origin` to `Vary`, unless it is there already.
fn vary_origin(request: &HttpRequest, response: &HttpResponse, fix: &mut Fix) {
    let vary = header_str(&response.headers, "vary");
    let has = vary
        .as_deref()
        .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("origin") || t.trim() == "*"));
    if !has {
        let to = match vary.as_deref() {
            Some(v) if !v.trim().is_empty() => format!("{v}, Origin"),
            _ => "Origin".to_owned(),
        };
        fix.set(
            request,
            response,
            "Vary",
            Some(to),
            "the answer depends on the request's Origin, so caches must keep one copy per origin".to_owned(),
        );
    }
}

/// The header names a preflight response must list, given the tokens it has.
fn needed_headers(profile: &Profile, tokens: &[String], unsafe_names: &[String], include: bool) -> Vec<String> {
    let wildcard = !include && tokens.iter().any(|t| t == "*");
    let listed_names: NameSet = tokens.iter().map(|t| t.as_bytes()).collect();
    unsafe_names
        .iter()
        .filter(|name| {
            let listed = listed_names.contains(name.as_bytes());
            let covered = wildcard && (name.as_str() != "authorization" || profile.authorization_covered_by_wildcard);
            !listed && !covered
        })
        .cloned()
        .collect()
}

/// The tokens of an unparsable list that are tokens, split on commas and whitespace.
fn salvage_tokens(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in value.split(|c: char| c == ',' || c.is_ascii_whitespace()) {
        if is_token(t.as_bytes()) && seen.insert(t) {
            out.push(t.to_owned());
        }
    }
    out
}

fn cors_fix(cur: &Cur<'_>, fix: &mut Fix, flags: &mut Flags, error: CorsError, fv: &str, url: &str) -> Result<(), String> {
    use CorsError::*;
    let name = error.name();
    let which = cur.which();
    let response_value = |h: &str| cur.response.as_ref().and_then(|r| header_str(&r.headers, h));
    match error {
        MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => {
            allow_origin(cur, fix, flags, name, fv, &format!("the {which} has no Access-Control-Allow-Origin header"))
        }
        WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => allow_origin(
            cur,
            fix,
            flags,
            name,
            fv,
            &format!("the {which} allows '*', which does not count when the request's credentials mode is 'include'"),
        ),
        MultipleAllowOriginValues | PreflightMultipleAllowOriginValues => {
            let lines = cur
                .response
                .as_ref()
                .map(|r| r.headers.get_all("access-control-allow-origin").count())
                .unwrap_or(1);
            let values: Vec<&str> = fv.split(',').map(str::trim).filter(|v| !v.is_empty()).collect();
            let why = if lines > 1 {
                flags.duplicate_layers = true;
                let same = values.windows(2).all(|w| w[0] == w[1]);
                format!(
                    "the {which} carries Access-Control-Allow-Origin {lines} times ('{fv}'){}: usually two layers both add it, such as a reverse proxy (nginx, a CDN, an API gateway) and the application; keep it in exactly one",
                    if same { ", the same value each time" } else { "" }
                )
            } else if values.len() > 1 {
                format!("the {which}'s Access-Control-Allow-Origin lists several origins ('{fv}'), but it holds exactly one: pick the request's origin from an allow-list on each request")
            } else {
                format!("the {which}'s Access-Control-Allow-Origin '{fv}' has a space or comma in it; it holds exactly one origin")
            };
            allow_origin(cur, fix, flags, name, fv, &why)
        }
        InvalidAllowOriginValue | PreflightInvalidAllowOriginValue => {
            let hint = if fv.is_empty() {
                "is empty".to_owned()
            } else if !fv.contains("://") && fv != "*" {
                format!("'{fv}' has no scheme; an origin is scheme://host[:port]")
            } else {
                format!("'{fv}' is not an origin")
            };
            allow_origin(cur, fix, flags, name, fv, &format!("the {which}'s Access-Control-Allow-Origin {hint}"))
        }
        AllowOriginMismatch | PreflightAllowOriginMismatch => {
            let reason = mismatch_reason(fv, &cur.origin_sent);
            allow_origin(
                cur,
                fix,
                flags,
                name,
                fv,
                &format!("the {which} allows '{fv}', not the request's origin '{}': {reason}", cur.origin_sent),
            )
        }
        InvalidAllowCredentials | PreflightInvalidAllowCredentials => {
            let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else { return Err(String::new()) };
            let lines = response.headers.get_all("access-control-allow-credentials").count();
            let why = match response_value("access-control-allow-credentials") {
                None => format!("the {which} has no Access-Control-Allow-Credentials, and the request's credentials mode is 'include'"),
                Some(_) if lines > 1 => format!("the {which} carries Access-Control-Allow-Credentials {lines} times ('{fv}'); send it once"),
                Some(v) if v.eq_ignore_ascii_case("true") => {
                    format!("the {which}'s Access-Control-Allow-Credentials is '{v}'; only lower-case 'true' counts")
                }
                Some(v) => format!("the {which}'s Access-Control-Allow-Credentials is '{v}'; it must be 'true'"),
            };
            step(fix, name, Some(fv), url, &why, "send Access-Control-Allow-Credentials: true");
            fix.set(request, response, "Access-Control-Allow-Credentials", Some("true".to_owned()), why);
            Ok(())
        }
        PreflightInvalidStatus => {
            let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else { return Err(String::new()) };
            let status = response.status;
            flags.preflight_status = Some(status);
            let why = match status {
                404 | 405 | 501 => format!(
                    "the server answers the preflight (OPTIONS) with {status}: nothing handles OPTIONS at this URL; CORS middleware should answer it before routing"
                ),
                401 | 403 => format!(
                    "the server answers the preflight (OPTIONS) with {status}: authentication or authorization rejects it, but a preflight never carries cookies or an Authorization header; let OPTIONS through before the auth check"
                ),
                300..=399 => format!("the server answers the preflight with {status} and no usable Location"),
                500..=599 => format!("the server fails on the preflight (OPTIONS) with {status}; answer OPTIONS before the application code runs"),
                _ => format!("the server answers the preflight with {status}, which is not an ok status (200–299)"),
            };
            step(fix, name, Some(fv), url, &why, "answer the preflight with 204 No Content");
            fix.set_status(request, status, 204, why.clone());
            if response.headers.contains("location") {
                fix.set(request, response, "Location", None, "a preflight answer must not redirect".to_owned());
            }
            Ok(())
        }
        PreflightDisallowedRedirect => {
            let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else { return Err(String::new()) };
            let loc = location(cur).unwrap_or_default();
            let target = request.url.join(&loc).map(|u| u.to_string()).unwrap_or_else(|_| loc.clone());
            let from = without_fragment(&request.url);
            let hint = if target.trim_end_matches('/') == from.trim_end_matches('/') {
                " (it differs only by a trailing slash)"
            } else if target.replacen("https://", "http://", 1) == from {
                " (http: to https:)"
            } else {
                ""
            };
            let why = format!(
                "the server answers the preflight with a {} redirect to {target}{hint}, and a preflight is never redirected",
                response.status
            );
            let change = format!("answer OPTIONS at this URL with 204 instead of redirecting (or have the page request {target} directly)");
            step(fix, name, Some(&loc), url, &why, &change);
            flags.preflight_redirect = true;
            flags.preflight_slash_redirect = target == format!("{}/", from.trim_end_matches('/'));
            fix.set_status(request, response.status, 204, why.clone());
            fix.set(request, response, "Location", None, "a preflight answer must not redirect".to_owned());
            Ok(())
        }
        InvalidAllowMethodsPreflightResponse => {
            let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else { return Err(String::new()) };
            let value = response_value("access-control-allow-methods").unwrap_or_default();
            let mut tokens = salvage_tokens(&value);
            let method = &cur.init_method();
            if !method::is_cors_safelisted(method) && !tokens.iter().any(|t| t == method) {
                tokens.push(method.clone());
            }
            let why = format!("Access-Control-Allow-Methods '{value}' is not a comma-separated list of method tokens");
            let to = (!tokens.is_empty()).then(|| tokens.join(", "));
            let change = to.as_deref().map(|t| format!("send Access-Control-Allow-Methods: {t}")).unwrap_or_else(|| "send no Access-Control-Allow-Methods".into());
            step(fix, name, Some(fv), url, &why, &change);
            fix.set(request, response, "Access-Control-Allow-Methods", to, why);
            Ok(())
        }
        InvalidAllowHeadersPreflightResponse => {
            let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else { return Err(String::new()) };
            let value = response_value("access-control-allow-headers").unwrap_or_default();
            let mut tokens = salvage_tokens(&value);
            tokens.extend(needed_headers(cur.profile, &tokens, &cur.unsafe_names(), cur.include));
            let why = format!("Access-Control-Allow-Headers '{value}' is not a comma-separated list of header names");
            let to = (!tokens.is_empty()).then(|| tokens.join(", "));
            let change = to.as_deref().map(|t| format!("send Access-Control-Allow-Headers: {t}")).unwrap_or_else(|| "send no Access-Control-Allow-Headers".into());
            step(fix, name, Some(fv), url, &why, &change);
            fix.set(request, response, "Access-Control-Allow-Headers", to, why);
            Ok(())
        }
        MethodDisallowedByPreflightResponse => {
            let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else { return Err(String::new()) };
            let value = response_value("access-control-allow-methods");
            let mut tokens = value.as_deref().and_then(|v| token_list(cur.profile, v)).unwrap_or_default();
            let mut why = match &value {
                None => format!("the preflight response has no Access-Control-Allow-Methods, so {fv} is not allowed"),
                Some(v) => format!("{fv} is not in Access-Control-Allow-Methods '{v}'"),
            };
            if cur.include && tokens.iter().any(|t| t == "*") {
                why.push_str(" ('*' is a literal method name, not a wildcard, when credentials are included)");
                tokens.retain(|t| t != "*");
            } else if tokens.iter().any(|t| t.eq_ignore_ascii_case(fv)) {
                why.push_str(&format!(
                    " (methods are compared case-sensitively; the page sends '{fv}', and only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased by fetch())"
                ));
            }
            tokens.push(fv.to_owned());
            let to = tokens.join(", ");
            step(fix, name, Some(fv), url, &why, &format!("send Access-Control-Allow-Methods: {to}"));
            fix.set(request, response, "Access-Control-Allow-Methods", Some(to), why);
            Ok(())
        }
        HeaderDisallowedByPreflightResponse => {
            let (Some(request), Some(response)) = (cur.request, cur.response.as_ref()) else { return Err(String::new()) };
            let value = response_value("access-control-allow-headers");
            let mut tokens = value.as_deref().and_then(|v| token_list(cur.profile, v)).unwrap_or_default();
            let mut needed = needed_headers(cur.profile, &tokens, &cur.unsafe_names(), cur.include);
            let failed = fv.to_ascii_lowercase();
            if !needed.contains(&failed) {
                needed.push(failed.clone());
            }
            let mut why = match &value {
                None => format!("the preflight response has no Access-Control-Allow-Headers, so request header {fv} is not allowed"),
                Some(v) => format!("request header {fv} is not in Access-Control-Allow-Headers '{v}'"),
            };
            if tokens.iter().any(|t| t == "*") {
                if cur.include {
                    why.push_str(" ('*' is a literal header name, not a wildcard, when credentials are included)");
                    tokens.retain(|t| t != "*");
                } else if failed == "authorization" {
                    why.push_str(" ('*' never covers Authorization; list it by name)");
                }
            }
            tokens.extend(needed.iter().cloned());
            let to = tokens.join(", ");
            step(fix, name, Some(fv), url, &why, &format!("send Access-Control-Allow-Headers: {to}"));
            fix.set(request, response, "Access-Control-Allow-Headers", Some(to), why);
            Ok(())
        }
        RedirectContainsCredentials => {
            let to = location(cur).unwrap_or_default();
            strip_location_credentials(cur, fix, name, &to, url)
        }
        NoCorsRedirectModeNotFollow => {
            let why = "mode 'no-cors' requires redirect mode 'follow'".to_owned();
            step(fix, name, None, url, &why, "call fetch() with redirect 'follow'");
            fix.change_request(|c| c.redirect = Some(RedirectMode::Follow), why);
            Ok(())
        }
        DisallowedByMode => {
            let why = format!("mode 'same-origin' refuses {url}, which is on another origin");
            step(fix, name, None, url, &why, "call fetch() with mode 'cors', and let that server allow the page's origin");
            fix.change_request(|c| c.mode = Some(Mode::Cors), why);
            Ok(())
        }
        CorsDisabledScheme => Err(match location(cur) {
            // WebKit reports a redirect to such a scheme at the redirecting URL.
            Some(to) => format!("The server redirects to {to}, a scheme CORS does not support (or no URL at all); no header helps. Redirect to an http(s) URL."),
            None => format!("{url} uses a scheme CORS does not support; request an http: or https: URL."),
        }),
        InvalidResponse => Err("The browser could not read the server's response at all (InvalidResponse); this is no header problem: check the server's HTTP framing.".to_owned()),
    }
}

impl Cur<'_> {
    fn init_method(&self) -> String {
        let raw = if self.init.method.is_empty() { "GET" } else { self.init.method.as_str() };
        method::normalize(raw)
    }
}

/// The CORS policy the fixed answers amount to, for the configuration snippets.
fn policy(
    profile: &Profile,
    page: &Origin,
    init: &RequestInit,
    verdict: &Verdict,
    responses: &[(HttpRequest, HttpResponse)],
    flags: &Flags,
) -> Policy {
    let include = init.credentials == CredentialsMode::Include;
    let mut methods: Vec<String> = Vec::new();
    let mut headers: Vec<String> = Vec::new();
    let (mut seen_methods, mut seen_headers) = (NameSet::default(), NameSet::default());
    let mut preflight = false;
    // Each token once, whatever its case.
    let push = |list: &mut Vec<String>, seen: &mut NameSet, t: String| {
        if t != "*" && seen.insert(t.as_bytes()) {
            list.push(t);
        }
    };
    for (request, response) in responses {
        if !request.is_preflight {
            continue;
        }
        preflight = true;
        for t in header_str(&response.headers, "access-control-allow-methods")
            .and_then(|v| token_list(profile, &v))
            .unwrap_or_default()
        {
            push(&mut methods, &mut seen_methods, t);
        }
        for t in header_str(&response.headers, "access-control-allow-headers")
            .and_then(|v| token_list(profile, &v))
            .unwrap_or_default()
        {
            push(&mut headers, &mut seen_headers, t.to_ascii_lowercase());
        }
    }
    for e in &verdict.events {
        if let Event::Routed { route: Route::Preflight { method, headers: names }, .. } = e {
            preflight = true;
            if let Some(m) = method {
                push(&mut methods, &mut seen_methods, m.clone());
            }
            for n in names {
                push(&mut headers, &mut seen_headers, n.name.clone());
            }
        }
    }
    let method = {
        let raw = if init.method.is_empty() { "GET" } else { init.method.as_str() };
        method::normalize(raw)
    };
    let origin = responses
        .iter()
        .filter_map(|(req, _)| header_str(&req.headers, "origin"))
        .find(|o| o != "null")
        .unwrap_or_else(|| page.serialize().to_owned());
    let path = responses
        .first()
        .map(|(r, _)| r.url.path().to_owned())
        .unwrap_or_else(|| Url::parse(&init.url).map(|u| u.path().to_owned()).unwrap_or_else(|_| "/".to_owned()));
    Policy {
        origin,
        any_origin: flags.any_origin,
        methods,
        headers,
        credentials: include && !flags.any_origin,
        preflight,
        method,
        path,
        duplicate_layers: flags.duplicate_layers,
        preflight_status: flags.preflight_status,
        preflight_redirect: flags.preflight_redirect,
        preflight_slash_redirect: flags.preflight_slash_redirect,
    }
}
