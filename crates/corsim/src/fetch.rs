//! The fetch state machine: main fetch, HTTP fetch and HTTP-redirect fetch
//! (Fetch § "Main fetch", § "HTTP fetch", § "HTTP-redirect fetch"), sans IO.
//!
//! A [`Fetch`] says which request to send next; the caller sends it however
//! it likes (a scripted server, a live HTTP client, an in-process service)
//! and hands back the response. Time and the preflight cache are passed in.
//!
//! ```
//! use corsim::{Action, Fetch, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
//! let page = Origin::parse("https://app.example").unwrap();
//! let init = RequestInit::get("https://api.example/items").method("PUT").header("Content-Type", "application/json");
//! let mut fetch = Fetch::new(&Profile::CHROMIUM, page, &init);
//! let mut cache = PreflightCache::new();
//! let verdict = loop {
//!     match fetch.poll(&mut cache, Timestamp::ZERO) {
//!         Action::Send(request) => {
//!             let response = if request.is_preflight {
//!                 HttpResponse::new(204)
//!                     .header("Access-Control-Allow-Origin", "https://app.example")
//!                     .header("Access-Control-Allow-Methods", "PUT")
//!             } else {
//!                 HttpResponse::new(200).header("Access-Control-Allow-Origin", "https://app.example")
//!             };
//!             fetch.receive(response);
//!         }
//!         Action::Done(verdict) => break verdict,
//!     }
//! };
//! // The preflight forgot Content-Type in Access-Control-Allow-Headers.
//! let failure = verdict.outcome.unwrap_err();
//! assert_eq!(failure.cors_error().unwrap().error.name(), "HeaderDisallowedByPreflightResponse");
//! assert_eq!(verdict.requests.len(), 1, "only the preflight was sent");
//! ```

use url::Url;

use crate::console;
use crate::cors_check::cors_check;
use crate::error::{CorsError, CorsErrorStatus, FailureKind};
use crate::header_list::{lower_name, isomorphic_decode, HeaderList};
use crate::method;
use crate::origin::Origin;
use crate::preflight::{judge_preflight_response, preflight_request, HttpRequest, PreflightFor};
use crate::preflight_cache::{CacheMiss, CacheQuery, PreflightCache};
use crate::profile::{EmptyLocation, Profile};
use crate::request::{CredentialsMode, DroppedHeader, Mode, RedirectMode, Request, RequestInit};
use crate::request_header::cors_unsafe_request_header_names;
use crate::response::{is_redirect_status, readable_header_names, FilteredResponse, HttpResponse, ResponseType};
use crate::time::Timestamp;

/// A request's response tainting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Tainting {
    /// Same-origin so far.
    Basic,
    /// Cross-origin, under CORS.
    Cors,
    /// Cross-origin `no-cors`.
    Opaque,
}

/// How main fetch routed a request to one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "route", rename_all = "kebab-case"))]
pub enum Route {
    /// Same origin (and not yet cross-origin): no CORS at all.
    SameOrigin,
    /// `no-cors` to another origin: sent, but the response is opaque.
    NoCors,
    /// A CORS request that needs no preflight.
    Simple,
    /// A CORS request that needs a preflight, and why.
    Preflight {
        /// The method, when it is not CORS-safelisted.
        method: Option<String>,
        /// The CORS-unsafe header names, lower-case and sorted.
        headers: Vec<String>,
    },
}

/// Something that happened during a fetch, for explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "event", rename_all = "kebab-case"))]
pub enum Event {
    /// `fetch()` dropped a header.
    HeaderDropped {
        /// The header.
        header: DroppedHeader,
    },
    /// Main fetch routed the request for a URL.
    Routed {
        /// The URL.
        url: String,
        /// The route.
        route: Route,
    },
    /// The preflight cache was consulted.
    CacheLookup {
        /// The URL.
        url: String,
        /// `None` on a hit; why it missed otherwise.
        miss: Option<CacheMiss>,
    },
    /// A request was sent (its index in [`Verdict::requests`]).
    Sent {
        /// Index into the requests.
        index: usize,
    },
    /// A response came back for the last request sent.
    Received {
        /// Index of the request it answers.
        index: usize,
        /// Its status.
        status: u16,
    },
    /// A check passed (a CORS check, a preflight check).
    Passed {
        /// Which check.
        check: Check,
    },
    /// A preflight result was stored (or not, when `max_age_secs` is `None`).
    PreflightStored {
        /// The URL.
        url: String,
        /// Seconds it is kept.
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
        /// Whether the request's origin is now serialized as `null`.
        tainted: bool,
    },
}

/// The checks a fetch runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Check {
    /// The CORS check on a response (including redirects).
    Cors,
    /// Everything about a preflight response.
    Preflight,
}

/// Why a fetch ended in a network error, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The reason.
    pub kind: FailureKind,
    /// The URL being fetched when it failed.
    pub url: Url,
    /// The URL script asked for, when a redirect led elsewhere.
    pub redirected_from: Option<Url>,
    /// The status of the response that failed, when one did.
    pub status: Option<u16>,
    /// The `Location` (as sent) of the redirect being followed when it
    /// failed, when it was one.
    pub redirect_location: Option<String>,
    /// Whether it failed while judging a preflight.
    pub preflight: bool,
    /// Every URL of the fetch so far (the first is the one script asked for).
    pub url_list: Vec<Url>,
    /// The request's redirect mode.
    pub redirect: RedirectMode,
    /// Whether the request's origin was serialized as `null` (redirect-tainted).
    pub tainted: bool,
    /// The `Access-Control-Allow-Origin` of the response that failed (all
    /// its lines joined with `, `), when it had one.
    pub allow_origin: Option<String>,
}

impl Failure {
    /// The CORS error, when this is one.
    pub fn cors_error(&self) -> Option<&CorsErrorStatus> {
        self.kind.cors_error()
    }
}

/// How a fetch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Every request the server received, in order.
    pub requests: Vec<HttpRequest>,
    /// What script got, or why `fetch()` rejected.
    pub outcome: Result<FilteredResponse, Failure>,
    /// What happened, step by step.
    pub events: Vec<Event>,
    /// The messages the browser writes to its console, word for word.
    pub console: Vec<String>,
}

impl Verdict {
    /// Whether script can read the response (it did not reject).
    pub fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// What to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // returned once per request; boxing would cost an allocation each
pub enum Action {
    /// Send this request and give its response to [`Fetch::receive`].
    Send(HttpRequest),
    /// The fetch is over.
    Done(Verdict),
}

/// What [`Fetch::advance`] stopped for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Advanced {
    /// The last of `requests` is to be sent.
    Send,
    /// The verdict is in `State::Done`.
    Done,
}

#[derive(Clone, Debug)]
enum State {
    /// Main fetch for the current URL.
    Route,
    /// Waiting for the preflight's response.
    AwaitPreflight { unsafe_names: Vec<String> },
    /// Waiting for the response to the request itself.
    AwaitResponse,
    /// Over.
    Done(Box<Verdict>),
}

/// One `fetch()` call from a page, as a state machine.
#[derive(Clone, Debug)]
pub struct Fetch {
    profile: Profile,
    origin: Origin,
    request: Option<Request>,
    url_list: Vec<Url>,
    tainting: Tainting,
    redirect_tainted: bool,
    redirect_count: u32,
    preflighted: bool,
    state: State,
    requests: Vec<HttpRequest>,
    events: Vec<Event>,
    pending: Option<HttpResponse>,
    last_status: Option<u16>,
    record_events: bool,
    last_allow_origin: Option<String>,
    failing_location: Option<String>,
}

impl Fetch {
    /// Start `fetch(init.url, init)` from a page of origin `origin`. When
    /// `fetch()` would reject at once (a `TypeError`), the first
    /// [`poll`](Fetch::poll) says so.
    pub fn new(profile: &Profile, origin: Origin, init: &RequestInit) -> Fetch {
        let built = Request::new(profile, init);
        let url_list = match &built {
            Ok(r) => vec![r.url.clone()],
            Err(_) => Url::parse(&init.url).map(|u| vec![u]).unwrap_or_default(),
        };
        let mut fetch = Fetch {
            profile: profile.clone(),
            origin,
            request: None,
            url_list,
            tainting: Tainting::Basic,
            redirect_tainted: false,
            redirect_count: 0,
            preflighted: false,
            state: State::Route,
            requests: Vec::new(),
            events: Vec::new(),
            pending: None,
            last_status: None,
            record_events: true,
            last_allow_origin: None,
            failing_location: None,
        };
        match built {
            Ok(request) => {
                for d in &request.dropped {
                    fetch.events.push(Event::HeaderDropped { header: d.clone() });
                }
                fetch.request = Some(request);
            }
            Err(type_error) => {
                let url = fetch.url_list.first().cloned().unwrap_or_else(blank_url);
                let failure = Failure {
                    kind: FailureKind::TypeError(type_error),
                    url_list: vec![url.clone()],
                    url,
                    redirected_from: None,
                    status: None,
                    redirect_location: None,
                    preflight: false,
                    redirect: init.redirect,
                    tainted: false,
                    allow_origin: None,
                };
                fetch.state = State::Done(Box::new(fetch.verdict(Err(failure))));
            }
        }
        fetch
    }

    /// The request after `fetch()`'s checks (`None` when it rejected).
    pub fn request(&self) -> Option<&Request> {
        self.request.as_ref()
    }

    /// The URLs fetched so far (more than one after redirects).
    pub fn url_list(&self) -> &[Url] {
        &self.url_list
    }

    /// Give the response to the request the last [`Action::Send`] asked for.
    ///
    /// Header values are trimmed of leading and trailing spaces and tabs, as
    /// the browser's HTTP parser does.
    pub fn receive(&mut self, mut response: HttpResponse) {
        response.headers.trim_values();
        self.last_allow_origin = response.headers.get("access-control-allow-origin").map(|v| isomorphic_decode(&v));
        self.pending = Some(response);
    }

    /// Advance: the next request to send, or the verdict. Calling it again
    /// before [`receive`](Fetch::receive) repeats the same request, and
    /// again after the end repeats the verdict.
    pub fn poll(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Action {
        match (self.advance(cache, now), &self.state) {
            (Advanced::Send, _) => match self.requests.last() {
                Some(r) => Action::Send(r.clone()),
                None => Action::Done(self.internal_error()),
            },
            (Advanced::Done, State::Done(v)) => Action::Done((**v).clone()),
            (Advanced::Done, _) => Action::Done(self.internal_error()),
        }
    }

    /// The verdict, once [`poll`](Fetch::poll) has said [`Action::Done`]
    /// (without copying it); `None` before.
    pub fn into_verdict(self) -> Option<Verdict> {
        match self.state {
            State::Done(v) => Some(*v),
            _ => None,
        }
    }

    /// Advance until a request is to be sent (it is the last of
    /// `self.requests`) or the fetch is over.
    fn advance(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Advanced {
        loop {
            match &mut self.state {
                State::Done(_) => return Advanced::Done,
                State::Route => {
                    if self.main_fetch(cache, now) {
                        return Advanced::Send;
                    }
                }
                State::AwaitPreflight { unsafe_names } => {
                    let Some(response) = self.pending.take() else {
                        return Advanced::Send;
                    };
                    let unsafe_names = std::mem::take(unsafe_names);
                    self.last_status = Some(response.status);
                    if self.on_preflight_response(cache, now, response, unsafe_names) {
                        return Advanced::Send;
                    }
                }
                State::AwaitResponse => {
                    let Some(response) = self.pending.take() else {
                        return Advanced::Send;
                    };
                    self.last_status = Some(response.status);
                    self.on_response(cache, response);
                }
            }
        }
    }

    /// A verdict for a state the machine never reaches (kept total rather
    /// than panicking).
    fn internal_error(&self) -> Verdict {
        Verdict {
            requests: self.requests.clone(),
            outcome: Err(Failure {
                kind: FailureKind::SchemeNotHttp(String::new()),
                url: self.url_list.last().cloned().unwrap_or_else(blank_url),
                redirected_from: None,
                status: None,
                redirect_location: None,
                preflight: false,
                url_list: self.url_list.clone(),
                redirect: self.request.as_ref().map(|r| r.redirect).unwrap_or_default(),
                tainted: self.redirect_tainted,
                allow_origin: None,
            }),
            events: self.events.clone(),
            console: Vec::new(),
        }
    }

    fn current_url(&self) -> &Url {
        // `url_list` is never empty once a request exists.
        self.url_list.last().expect("a fetch always has a URL")
    }

    fn req(&self) -> &Request {
        self.request.as_ref().expect("a routed fetch has a request")
    }

    /// "Serializing a request origin": `null` when opaque or redirect-tainted.
    fn serialized_origin(&self) -> String {
        if self.redirect_tainted {
            "null".to_owned()
        } else {
            self.origin.serialize().to_owned()
        }
    }

    /// The origin a preflight sends and is checked against.
    fn preflight_origin(&self) -> String {
        if self.profile.preflight_origin_untainted {
            self.origin.serialize().to_owned()
        } else {
            self.serialized_origin()
        }
    }

    /// The preflight cache key's origin and credentials parts (its URL is the
    /// current URL).
    fn cache_key_parts(&self) -> (&str, Option<bool>) {
        let rules = &self.profile.cache;
        let origin = if rules.key_on_tainted_origin && self.redirect_tainted { "null" } else { self.origin.serialize() };
        let credentials = rules
            .separate_credentials
            .then(|| self.request.as_ref().is_some_and(|r| r.credentials == CredentialsMode::Include));
        (origin, credentials)
    }

    fn uses_cache(&self) -> bool {
        self.profile.cache.cache_ip_hosts || !Origin::of_url(self.current_url()).host_is_ip()
    }

    /// Main fetch, for the current URL: route it, and send what it needs.
    /// Returns whether a request was sent.
    fn main_fetch(&mut self, cache: &mut PreflightCache, now: Timestamp) -> bool {
        let (Some(req), Some(url)) = (self.request.as_ref(), self.url_list.last()) else {
            return false;
        };
        // Same origin, and never cross-origin before: a basic fetch.
        if self.origin.same_origin_with_url(url) && self.tainting == Tainting::Basic {
            record(&mut self.events, self.record_events, || Event::Routed { url: url.as_str().to_owned(), route: Route::SameOrigin });
            self.send_actual();
            return true;
        }
        match req.mode {
            Mode::SameOrigin => {
                let kind = if self.redirect_count == 0 {
                    FailureKind::Cors(CorsErrorStatus::new(CorsError::DisallowedByMode, ""))
                } else {
                    FailureKind::SameOriginModeRedirectedCrossOrigin(url.as_str().to_owned())
                };
                self.fail(cache, kind);
                return false;
            }
            Mode::NoCors => {
                if req.redirect != RedirectMode::Follow {
                    self.fail(cache, FailureKind::Cors(CorsErrorStatus::new(CorsError::NoCorsRedirectModeNotFollow, "")));
                    return false;
                }
                self.tainting = Tainting::Opaque;
                record(&mut self.events, self.record_events, || Event::Routed { url: url.as_str().to_owned(), route: Route::NoCors });
                self.send_actual();
                return true;
            }
            Mode::Cors => {}
        }
        if !matches!(url.scheme(), "http" | "https") {
            let kind = FailureKind::SchemeNotHttp(url.as_str().to_owned());
            self.fail(cache, kind);
            return false;
        }
        self.tainting = Tainting::Cors;
        let unsafe_names = cors_unsafe_request_header_names(&self.profile, &req.headers);
        let method_unsafe = !method::is_cors_safelisted(&req.method);
        if !method_unsafe && unsafe_names.is_empty() {
            record(&mut self.events, self.record_events, || Event::Routed { url: url.as_str().to_owned(), route: Route::Simple });
            self.send_actual();
            return true;
        }
        record(&mut self.events, self.record_events, || Event::Routed {
            url: url.as_str().to_owned(),
            route: Route::Preflight { method: method_unsafe.then(|| req.method.clone()), headers: unsafe_names.clone() },
        });
        self.preflighted = true;
        if self.uses_cache() {
            let query = CacheQuery {
                method: &req.method,
                unsafe_headers: &unsafe_names,
                credentials: req.credentials == CredentialsMode::Include,
            };
            let (origin, credentials) = self.cache_key_parts();
            let lookup = cache.lookup_parts(&self.profile, origin, url.as_str(), credentials, &query, now);
            let hit = lookup.is_ok();
            record(&mut self.events, self.record_events, || Event::CacheLookup { url: url.as_str().to_owned(), miss: lookup.err() });
            if hit {
                self.send_actual();
                return true;
            }
        }
        let preflight =
            preflight_request(&self.profile, &wire_url(url), &req.method, &unsafe_names, &self.preflight_origin());
        self.state = State::AwaitPreflight { unsafe_names };
        self.send(preflight);
        true
    }

    /// Whether to keep [`Verdict::events`] (on by default). Without them a
    /// fetch allocates less; the verdict is otherwise the same.
    pub fn record_events(&mut self, on: bool) {
        self.record_events = on;
        if !on {
            self.events.clear();
        }
    }

    fn send(&mut self, request: HttpRequest) {
        record(&mut self.events, self.record_events, || Event::Sent { index: self.requests.len() });
        self.requests.push(request);
    }

    /// Send the request itself, with `Origin` when the standard appends it.
    fn send_actual(&mut self) {
        let req = self.req();
        let mut headers = req.headers.clone();
        if let Some(origin) = self.origin_header(req) {
            headers.append("Origin", origin.into_bytes());
        }
        let request =
            HttpRequest { method: req.method.clone(), url: wire_url(self.current_url()), headers, is_preflight: false };
        self.state = State::AwaitResponse;
        self.send(request);
    }

    /// "Append a request `Origin` header".
    fn origin_header(&self, req: &Request) -> Option<String> {
        let serialized = self.serialized_origin();
        if self.tainting == Tainting::Cors {
            return Some(serialized);
        }
        if req.method == "GET" || req.method == "HEAD" {
            return None;
        }
        // Referrer policy strict-origin-when-cross-origin (the default): an
        // https origin sends `null` to a non-https URL.
        if req.mode != Mode::Cors {
            if let Origin::Tuple(t) = &self.origin {
                if t.scheme() == "https" && self.current_url().scheme() != "https" {
                    return Some("null".to_owned());
                }
            }
        }
        Some(serialized)
    }

    fn on_preflight_response(
        &mut self,
        cache: &mut PreflightCache,
        now: Timestamp,
        response: HttpResponse,
        unsafe_names: Vec<String>,
    ) -> bool {
        record(&mut self.events, self.record_events, || Event::Received { index: self.requests.len().saturating_sub(1), status: response.status });
        // A preflight never follows redirects.
        if self.profile.preflight_redirect_refused
            && is_redirect_status(response.status)
            && response.headers.contains("location")
        {
            self.failing_location = response.headers.get_all("location").next().map(isomorphic_decode);
            self.fail(cache, FailureKind::Cors(CorsErrorStatus::new(CorsError::PreflightDisallowedRedirect, "")));
            return false;
        }
        let serialized_origin = self.preflight_origin();
        let Some(req) = self.request.as_ref() else { return false };
        let (judged, result) = judge_preflight_response(
            &self.profile,
            &PreflightFor {
                method: &req.method,
                headers: &req.headers,
                unsafe_names: &unsafe_names,
                credentials: req.credentials,
                serialized_origin: &serialized_origin,
            },
            &response,
        );
        match (judged, result) {
            (Err(status), result) => {
                if let (Some(result), true) = (result, self.profile.cache_refused_preflight) {
                    if self.uses_cache() {
                        let (origin, credentials) = self.cache_key_parts();
                        cache.insert_parts(&self.profile, origin, self.current_url().as_str(), credentials, &result, now);
                    }
                }
                self.fail(cache, FailureKind::Cors(status));
                false
            }
            (Ok(()), None) => {
                // Never happens: a passing judgement always has its result.
                self.fail(cache, FailureKind::Cors(CorsErrorStatus::new(CorsError::InvalidResponse, "")));
                false
            }
            (Ok(()), Some(result)) => {
                record(&mut self.events, self.record_events, || Event::Passed { check: Check::Preflight });
                if self.uses_cache() {
                    let (origin, credentials) = self.cache_key_parts();
                    cache.insert_parts(&self.profile, origin, self.current_url().as_str(), credentials, &result, now);
                }
                let url = &self.url_list;
                record(&mut self.events, self.record_events, || Event::PreflightStored {
                    url: url.last().map(|u| u.as_str().to_owned()).unwrap_or_default(),
                    max_age_secs: result.max_age_secs,
                });
                self.send_actual();
                true
            }
        }
    }

    fn on_response(&mut self, cache: &mut PreflightCache, response: HttpResponse) {
        record(&mut self.events, self.record_events, || Event::Received { index: self.requests.len().saturating_sub(1), status: response.status });
        let Some(req) = self.request.as_ref() else { return };
        let (credentials, redirect) = (req.credentials, req.redirect);
        // A redirect's Location, as sent.
        let mut raw_location = if is_redirect_status(response.status) {
            response.headers.get_all("location").next().map(isomorphic_decode)
        } else {
            None
        };
        let mut empty_location_fails = false;
        if raw_location.as_deref() == Some("") {
            match self.profile.empty_location {
                EmptyLocation::NotARedirect => raw_location = None,
                EmptyLocation::SameUrl => {}
                EmptyLocation::NetworkError => {
                    // Fails, but only after the CORS check of the response.
                    raw_location = None;
                    empty_location_fails = true;
                }
            }
        }
        self.failing_location.clone_from(&raw_location);
        let parsed = raw_location.as_ref().map(|raw| self.current_url().join(raw));
        // Chromium and Firefox fail an unparsable Location before any CORS
        // check, Firefox a non-HTTP(S) one too; WebKit checks CORS first.
        if let (Some(parsed), Some(raw)) = (&parsed, &raw_location) {
            match parsed {
                Err(_) if self.profile.location_parsed_before_cors_check => {
                    self.fail(cache, FailureKind::InvalidRedirectLocation(raw.clone()));
                    return;
                }
                Ok(u) if self.profile.redirect_scheme_checked_before_cors_check
                    && redirect == RedirectMode::Follow
                    && !matches!(u.scheme(), "http" | "https") =>
                {
                    self.fail(cache, FailureKind::RedirectToNonHttpScheme(u.as_str().to_owned()));
                    return;
                }
                _ => {}
            }
        }
        // The CORS check, on every response while tainting is cors.
        if self.tainting == Tainting::Cors {
            if let Err(status) =
                cors_check(&self.profile, &self.serialized_origin(), credentials, &response.headers)
            {
                self.fail(cache, FailureKind::Cors(status));
                return;
            }
            record(&mut self.events, self.record_events, || Event::Passed { check: Check::Cors });
        }
        if empty_location_fails {
            self.fail(cache, FailureKind::EmptyRedirectLocation);
            return;
        }
        let location = match (parsed, raw_location) {
            (Some(Ok(url)), _) => Some(url),
            (Some(Err(_)), Some(raw)) if redirect == RedirectMode::Follow => {
                self.fail(cache, FailureKind::InvalidRedirectLocation(raw));
                return;
            }
            _ => None,
        };
        let Some(location) = location else {
            self.finish(response);
            return;
        };
        match redirect {
            RedirectMode::Error => self.fail(cache, FailureKind::RedirectModeError),
            RedirectMode::Manual => {
                let verdict = self.verdict(Ok(FilteredResponse {
                    kind: ResponseType::OpaqueRedirect,
                    status: 0,
                    headers: Vec::new(),
                }));
                self.state = State::Done(Box::new(verdict));
            }
            RedirectMode::Follow => self.http_redirect_fetch(cache, response.status, location),
        }
    }

    /// HTTP-redirect fetch, from step 3 (the Location is parsed already).
    fn http_redirect_fetch(&mut self, cache: &mut PreflightCache, status: u16, location: Url) {
        let from = self.current_url().clone();
        if !matches!(location.scheme(), "http" | "https") {
            self.fail(cache, FailureKind::RedirectToNonHttpScheme(location.as_str().to_owned()));
            return;
        }
        if self.redirect_count >= self.profile.redirect_limit {
            self.fail(cache, FailureKind::TooManyRedirects);
            return;
        }
        self.redirect_count += 1;
        let has_credentials = !location.username().is_empty() || location.password().is_some();
        let req = self.req().clone();
        if has_credentials {
            let cross_origin = !self.origin.same_origin(&Origin::of_url(&location));
            if (req.mode == Mode::Cors && cross_origin) || self.tainting == Tainting::Cors {
                // Chromium reports it at the redirecting URL, with an empty hint.
                self.fail(cache, FailureKind::Cors(CorsErrorStatus::new(CorsError::RedirectContainsCredentials, "")));
                return;
            }
            if self.profile.same_origin_userinfo_redirect_fails {
                self.fail(cache, FailureKind::RedirectWithCredentials(location.as_str().to_owned()));
                return;
            }
        }
        let request = self.request.as_mut().expect("a redirected fetch has a request");
        // 301/302 turn POST into GET; 303 turns anything but GET/HEAD into GET.
        if ((status == 301 || status == 302) && request.method == "POST")
            || (status == 303 && request.method != "GET" && request.method != "HEAD")
        {
            request.method = "GET".to_owned();
            for name in ["content-encoding", "content-language", "content-location", "content-type"] {
                request.headers.remove(name);
            }
        }
        let from_origin = Origin::of_url(&from);
        let to_origin = Origin::of_url(&location);
        if !from_origin.same_origin(&to_origin) {
            // Authorization never follows a redirect to another origin.
            request.headers.remove("authorization");
            if !self.origin.same_origin(&from_origin) {
                self.redirect_tainted = true;
            }
        }
        let method = request.method.clone();
        record(&mut self.events, self.record_events, || Event::Redirected {
            from: from.as_str().to_owned(),
            to: location.as_str().to_owned(),
            status,
            method,
            tainted: self.redirect_tainted,
        });
        self.url_list.push(location);
        self.failing_location = None;
        self.state = State::Route;
    }

    fn finish(&mut self, response: HttpResponse) {
        let req = self.req();
        let kind = match self.tainting {
            Tainting::Basic => ResponseType::Basic,
            Tainting::Cors => ResponseType::Cors,
            Tainting::Opaque => ResponseType::Opaque,
        };
        let status = if kind == ResponseType::Opaque { 0 } else { response.status };
        let headers = readable_header_names(&self.profile, kind, &response.headers, req.credentials);
        let verdict = self.verdict(Ok(FilteredResponse { kind, status, headers }));
        self.state = State::Done(Box::new(verdict));
    }

    fn fail(&mut self, cache: &mut PreflightCache, kind: FailureKind) {
        if self.preflighted && self.profile.cache.clear_on_network_error && self.request.is_some() {
            let (origin, _) = self.cache_key_parts();
            let origin = origin.to_owned();
            cache.clear_url(&origin, self.current_url().as_str());
        }
        let url = self.current_url().clone();
        let redirected_from = (self.url_list.len() > 1).then(|| self.url_list[0].clone());
        let failure = Failure {
            kind,
            url,
            redirected_from,
            status: self.last_status,
            redirect_location: self.failing_location.take(),
            preflight: matches!(self.state, State::AwaitPreflight { .. }),
            url_list: self.url_list.clone(),
            redirect: self.request.as_ref().map(|r| r.redirect).unwrap_or_default(),
            tainted: self.redirect_tainted,
            allow_origin: self.last_allow_origin.take(),
        };
        let verdict = self.verdict(Err(failure));
        self.state = State::Done(Box::new(verdict));
    }

    /// The verdict: the fetch is over, so the requests and events move into it.
    fn verdict(&mut self, outcome: Result<FilteredResponse, Failure>) -> Verdict {
        let console = console::messages(&self.profile, &self.origin, &outcome);
        Verdict {
            requests: std::mem::take(&mut self.requests),
            outcome,
            events: std::mem::take(&mut self.events),
            console,
        }
    }
}

/// Record an event, when events are recorded (building it only then).
fn record(events: &mut Vec<Event>, on: bool, make: impl FnOnce() -> Event) {
    if on {
        events.push(make());
    }
}

/// The URL as it goes on the wire: userinfo is never part of the request
/// target, and neither is the fragment.
fn wire_url(url: &Url) -> Url {
    let mut url = url.clone();
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    url.set_fragment(None);
    url
}

fn blank_url() -> Url {
    Url::parse("about:blank").expect("about:blank parses")
}

/// Run a fetch to the end against `server`, a function from request to
/// response (a scripted server, a test double).
///
/// ```
/// use corsim::{fetch::run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
/// let page = Origin::parse("https://app.example").unwrap();
/// let verdict = run(&Profile::CHROMIUM, page, &RequestInit::get("https://api.example/"),
///                   &mut PreflightCache::new(), Timestamp::ZERO,
///                   |_req| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"));
/// assert!(verdict.is_ok());
/// ```
pub fn run(
    profile: &Profile,
    origin: Origin,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Verdict {
    drive(Fetch::new(profile, origin, init), cache, now, server)
}

/// [`run`] without recording [`Verdict::events`] (empty in the verdict):
/// the same decisions, fewer allocations, for batches that only need the
/// outcome, the requests and the console.
pub fn run_quiet(
    profile: &Profile,
    origin: Origin,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Verdict {
    let mut fetch = Fetch::new(profile, origin, init);
    fetch.record_events(false);
    drive(fetch, cache, now, server)
}

fn drive(
    mut fetch: Fetch,
    cache: &mut PreflightCache,
    now: Timestamp,
    mut server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Verdict {
    loop {
        match fetch.advance(cache, now) {
            Advanced::Send => {
                let response = match fetch.requests.last() {
                    Some(request) => server(request),
                    None => return fetch.internal_error(),
                };
                fetch.receive(response);
            }
            Advanced::Done => {
                let fallback = fetch.internal_error();
                return fetch.into_verdict().unwrap_or(fallback);
            }
        }
    }
}

/// The headers of `list` named `origin` or `access-control-request-*`,
/// lower-cased, in order: what a recording server logs.
pub fn cors_request_headers(list: &HeaderList) -> Vec<(String, String)> {
    list.iter()
        .filter(|h| h.is("origin") || h.name.to_ascii_lowercase().starts_with(b"access-control-request-"))
        .map(|h| (lower_name(&h.name), isomorphic_decode(&h.value)))
        .collect()
}
