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
use crate::cors_check::{cors_check, cors_check_order};
use crate::error::{CorsError, CorsErrorStatus, FailureKind, TypeErrorKind};
use crate::header_list::{isomorphic_decode, lower_name, HeaderList, TokenList};
use crate::method;
use crate::gate::Gate;
use crate::origin::Origin;
use crate::page::PageContext;
use crate::preflight::{judge_preflight_response, preflight_check_order, preflight_request_to, HttpRequest, PreflightFor, PreflightJudgement};
use crate::preflight_cache::{CacheQuery, KeyParts, PreflightCache, PreflightResult};
use crate::profile::{EmptyLocation, Profile};
use crate::request::{CredentialsMode, Mode, RedirectMode, Request, RequestInit};
use crate::request_header::{cors_unsafe_request_header_names, safelisted_values_over_total, why_cors_unsafe};
use crate::response::{is_redirect_status, readable_header_names, refused_by_network, FilteredResponse, HttpResponse, ResponseType};
use crate::time::Timestamp;
use crate::url_parser::UrlParser;
pub use crate::verdict::{CheckName, CheckState, Event, Failure, Route, UnsafeHeader, Verdict};

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

/// What to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // returned once per request; boxing would cost an allocation each
#[must_use]
pub enum Action {
    /// Send this request and give its response to [`Fetch::receive`].
    Send(HttpRequest),
    /// The fetch is over.
    Done(Verdict),
}

/// One `fetch()` call from a page, as a state machine.
#[derive(Clone, Debug)]
pub struct Fetch {
    stage: Stage,
}

#[derive(Clone, Debug)]
enum Stage {
    /// `fetch()` accepted the request; requests are being sent.
    Running(Box<Machine>),
    /// Over (at once, when `fetch()` rejected the request).
    Over(Box<Verdict>),
}

/// What the machine stopped for.
#[expect(clippy::large_enum_variant, reason = "returned once a step and matched at once: boxing the verdict would add an allocation to every fetch")]
enum Next {
    /// The last of its requests is to be sent.
    Send,
    /// Main fetch again, for the URL a redirect led to.
    Route,
    /// Go on: the answer is already at hand (the HTTP cache kept it).
    Continue,
    /// The fetch is over.
    Over(Verdict),
}

/// What the machine waits for.
#[derive(Clone, Debug)]
enum Awaiting {
    /// Nothing: main fetch is to route the current URL.
    Route,
    /// The preflight's response, for a request with these CORS-unsafe names.
    Preflight { unsafe_names: TokenList },
    /// The response to the request itself.
    Response,
}

/// A fetch in progress: the request `fetch()` accepted, and where it is.
#[derive(Clone, Debug)]
struct Machine {
    profile: Profile,
    origin: Origin,
    request: Request,
    /// Every URL so far; never empty (the first is the request's own).
    url_list: Vec<Url>,
    tainting: Tainting,
    redirect_tainted: bool,
    redirect_count: u32,
    preflighted: bool,
    awaiting: Awaiting,
    requests: Vec<HttpRequest>,
    events: Vec<Event>,
    pending: Option<HttpResponse>,
    last_status: Option<u16>,
    record_events: bool,
    /// The last response's `Access-Control-Allow-Origin` as sent (all its
    /// lines joined), when it had one: a buffer reused from response to
    /// response, decoded only when the fetch fails.
    last_allow_origin: Vec<u8>,
    /// Whether the last response had an `Access-Control-Allow-Origin`.
    had_allow_origin: bool,
    failing_location: Option<String>,
    /// The console warnings of URLs mixed content let through because the
    /// fetch declared a local `targetAddressSpace`: (page URL, URL).
    mixed_content_warnings: Vec<(String, Url)>,
    /// The page beyond its origin, for the checks around CORS.
    page: PageContext,
    /// Permanent redirects the HTTP cache keeps, by URL (profiles with
    /// `permanent_redirects_cached`).
    cached_redirects: Vec<(Url, HttpResponse)>,
    /// Whether a request of this fetch was sent with `Origin` (profiles with
    /// `origin_kept_after_redirect` then keep sending it).
    origin_sent: bool,
}

impl Fetch {
    /// Start `fetch(init.url, init)` from a page of origin `origin`. When
    /// `fetch()` would reject at once (a `TypeError`), the first
    /// [`poll`](Fetch::poll) says so.
    pub fn new(profile: &Profile, origin: Origin, init: &RequestInit) -> Fetch {
        Fetch::in_page(profile, origin, &PageContext::default(), init)
    }

    /// [`Fetch::new`] from a page described beyond its origin (its URL,
    /// secure context, address space, embedder policy, Local Network Access
    /// permission), for the checks around CORS.
    pub fn in_page(profile: &Profile, origin: Origin, page: &PageContext, init: &RequestInit) -> Fetch {
        Fetch::starting(profile, origin, page, init, Request::new(profile, init))
    }

    /// [`Fetch::in_page`], the request's URL parsed by `urls` (see
    /// [`Request::with_parser`]).
    pub fn in_page_with_parser(
        profile: &Profile,
        origin: Origin,
        page: &PageContext,
        init: &RequestInit,
        urls: &mut UrlParser,
    ) -> Fetch {
        Fetch::starting(profile, origin, page, init, Request::with_parser(profile, init, urls))
    }

    /// The fetch of `request`, `fetch()`'s checks of `init` already made.
    fn starting(profile: &Profile, origin: Origin, page: &PageContext, init: &RequestInit, request: Result<Request, TypeErrorKind>) -> Fetch {
        let stage = match request {
            Ok(request) => Stage::Running(Box::new(Machine::new(profile, origin, page.clone(), request))),
            Err(type_error) => {
                let url = Url::parse(&init.url).unwrap_or_else(|_| blank_url());
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
                    cors: false,
                };
                let outcome = Err(failure);
                let console = console::messages_for(profile, &origin, init.initiator, &outcome);
                Stage::Over(Box::new(Verdict { requests: Vec::new(), outcome, events: Vec::new(), console }))
            }
        };
        Fetch { stage }
    }

    /// The request after `fetch()`'s checks, while the fetch runs (`None`
    /// when `fetch()` rejected it, and once the fetch is over).
    pub fn request(&self) -> Option<&Request> {
        match &self.stage {
            Stage::Running(machine) => Some(&machine.request),
            Stage::Over(_) => None,
        }
    }

    /// Whether to keep [`Verdict::events`] (on by default). Without them a
    /// fetch allocates less; the verdict is otherwise the same.
    pub fn record_events(&mut self, on: bool) {
        if let Stage::Running(machine) = &mut self.stage {
            machine.record_events = on;
            if !on {
                machine.events.clear();
            }
        }
    }

    /// Give the response to the request the last [`Action::Send`] asked for.
    ///
    /// Header values are trimmed of leading and trailing spaces and tabs, as
    /// the browser's HTTP parser does.
    pub fn receive(&mut self, response: HttpResponse) {
        if let Stage::Running(machine) = &mut self.stage {
            machine.receive(response);
        }
    }

    /// Advance: the next request to send, or the verdict. Calling it again
    /// before [`receive`](Fetch::receive) repeats the same request, and
    /// again after the end repeats the verdict.
    pub fn poll(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Action {
        let machine = match &mut self.stage {
            Stage::Over(verdict) => return Action::Done((**verdict).clone()),
            Stage::Running(machine) => machine,
        };
        match machine.advance(cache, now) {
            Some(verdict) => {
                self.stage = Stage::Over(Box::new(verdict.clone()));
                Action::Done(verdict)
            }
            None => Action::Send(machine.outgoing().clone()),
        }
    }

    /// The verdict, once [`poll`](Fetch::poll) has said [`Action::Done`]
    /// (without copying it); `None` before.
    pub fn into_verdict(self) -> Option<Verdict> {
        match self.stage {
            Stage::Over(verdict) => Some(*verdict),
            Stage::Running(_) => None,
        }
    }
}

impl Machine {
    fn new(profile: &Profile, origin: Origin, page: PageContext, request: Request) -> Machine {
        let events = request.dropped.iter().map(|d| Event::HeaderDropped { header: d.clone() }).collect();
        Machine {
            profile: profile.clone(),
            origin,
            url_list: vec![request.url.clone()],
            request,
            tainting: Tainting::Basic,
            redirect_tainted: false,
            redirect_count: 0,
            preflighted: false,
            awaiting: Awaiting::Route,
            requests: Vec::new(),
            events,
            pending: None,
            last_status: None,
            record_events: true,
            last_allow_origin: Vec::new(),
            had_allow_origin: false,
            failing_location: None,
            mixed_content_warnings: Vec::new(),
            page,
            cached_redirects: Vec::new(),
            origin_sent: false,
        }
    }

    fn receive(&mut self, mut response: HttpResponse) {
        response.headers.trim_values();
        let allow_origin = response.headers.get_cow("access-control-allow-origin");
        self.had_allow_origin = allow_origin.is_some();
        self.last_allow_origin.clear();
        self.last_allow_origin.extend_from_slice(allow_origin.as_deref().unwrap_or_default());
        self.pending = Some(response);
    }

    /// The request the machine waits to have answered.
    fn outgoing(&self) -> &HttpRequest {
        self.requests.last().expect("a machine waits only after sending a request")
    }

    /// Advance until a request is to be sent (`None`: it is
    /// [`Machine::outgoing`]) or the fetch is over (its verdict).
    fn advance(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Option<Verdict> {
        loop {
            let next = match &mut self.awaiting {
                Awaiting::Route => self.main_fetch(cache, now),
                Awaiting::Preflight { unsafe_names } => {
                    let response = self.pending.take()?;
                    let unsafe_names = std::mem::take(unsafe_names);
                    self.last_status = Some(response.status);
                    self.on_preflight_response(cache, now, response, unsafe_names)
                }
                Awaiting::Response => {
                    let response = self.pending.take()?;
                    self.last_status = Some(response.status);
                    self.on_response(cache, response)
                }
            };
            match next {
                Next::Send => {
                    // Checked as the request leaves (Firefox's Local Network
                    // Access): refused, it never reaches the server.
                    if self.profile.gates.local_network_access.at_connect {
                        let url = self.outgoing().url.clone();
                        if let Some(Err(block)) = crate::gate::local_network_access(&self.profile, &self.origin, &self.page, &url, self.request.target_address_space) {
                            self.requests.pop();
                            if matches!(self.events.last(), Some(Event::Sent { .. })) {
                                self.events.pop();
                            }
                            self.record(|_| Event::Checked { check: CheckName::LocalNetworkAccess, state: CheckState::Failed });
                            if let Next::Over(verdict) = self.fail(cache, FailureKind::Blocked(Gate::LocalNetworkAccess(block))) {
                                return Some(verdict);
                            }
                        }
                    }
                    return None;
                }
                Next::Route => self.awaiting = Awaiting::Route,
                Next::Continue => {}
                Next::Over(verdict) => return Some(verdict),
            }
        }
    }

    fn current_url(&self) -> &Url {
        self.url_list.last().expect("a fetch always has a URL")
    }

    /// A response's `Location`, one character per byte: its first line, or
    /// every line joined with `, ` where the profile joins them.
    fn location_value(&self, headers: &HeaderList) -> Option<String> {
        let mut lines = headers.get_all("location").map(isomorphic_decode);
        let first = lines.next()?;
        if !self.profile.redirects.location_lines_joined {
            return Some(first);
        }
        Some(lines.fold(first, |joined, line| joined + ", " + &line))
    }

    /// A `Location` as the URL parser gets it: its bytes (`raw`, decoded one
    /// character per byte) read as UTF-8 where the profile reads them so,
    /// and a tab kept percent-encoded where the profile keeps it.
    fn location_text(&self, raw: &str) -> String {
        let text = if self.profile.redirects.location_utf8 {
            crate::header_list::utf8_of_isomorphic(raw)
        } else {
            raw.to_owned()
        };
        if self.profile.redirects.location_keeps_tabs {
            text.replace('\t', "%09")
        } else {
            text
        }
    }

    /// "Serializing a request origin": `null` when opaque or redirect-tainted.
    fn serialized_origin(&self) -> &str {
        if self.redirect_tainted {
            "null"
        } else {
            self.origin.serialize()
        }
    }

    /// The origin a preflight sends and is checked against.
    fn preflight_origin(&self) -> &str {
        if self.profile.preflight_origin_untainted {
            self.origin.serialize()
        } else {
            self.serialized_origin()
        }
    }

    /// The preflight cache key of the current URL (`None`: not cached).
    fn cache_key(&self) -> Option<KeyParts<'_>> {
        KeyParts::for_request(&self.profile, &self.origin, self.redirect_tainted, self.current_url(), self.request.credentials)
    }

    fn store_preflight(&self, cache: &mut PreflightCache, result: &PreflightResult, now: Timestamp) {
        if let Some(key) = self.cache_key() {
            cache.insert_parts(&self.profile, key, result, now);
        }
    }

    /// Record an event, when events are recorded (building it only then).
    fn record(&mut self, make: impl FnOnce(&Self) -> Event) {
        if self.record_events {
            let event = make(self);
            self.reserve_events();
            self.events.push(event);
        }
    }

    /// Room for the events of a whole preflighted step (about a dozen) at
    /// the first, instead of growing the list four times.
    fn reserve_events(&mut self) {
        if self.events.capacity() == 0 {
            self.events.reserve(16);
        }
    }

    /// Record the checks of `order` on the last response, in order: those
    /// before `failed` passed, `failed` failed, and the rest were never run.
    fn record_checks(&mut self, order: &[CheckName], failed: Option<CheckName>) {
        if !self.record_events {
            return;
        }
        self.reserve_events();
        let mut state = CheckState::Passed;
        for &check in order {
            let this = if state == CheckState::Passed && Some(check) == failed {
                state = CheckState::NotReached;
                CheckState::Failed
            } else {
                state
            };
            self.events.push(Event::Checked { check, state: this });
        }
    }

    /// The CORS-unsafe headers of the request, each with why.
    fn unsafe_headers(&self) -> Vec<UnsafeHeader> {
        let over_total = safelisted_values_over_total(&self.profile, &self.request.headers);
        let mut unsafe_headers: Vec<UnsafeHeader> = self
            .request
            .headers
            .iter()
            .filter_map(|h| {
                let why = why_cors_unsafe(&self.profile, h.name, h.value, over_total)?;
                Some(UnsafeHeader { name: lower_name(h.name), value: isomorphic_decode(h.value), why })
            })
            .collect();
        unsafe_headers.sort_by(|a, b| a.name.cmp(&b.name));
        if self.profile.unique_preflight_header_names {
            unsafe_headers.dedup_by(|a, b| a.name == b.name);
        }
        unsafe_headers
    }

    /// Main fetch, for the current URL: route it, and send what it needs.
    fn main_fetch(&mut self, cache: &mut PreflightCache, now: Timestamp) -> Next {
        // The checks around CORS that refuse a request before it is sent.
        let crate::gate::BeforeSending { ran, refused, mixed_content_let_through } = crate::gate::before_sending(
            &self.profile,
            &self.origin,
            &self.page,
            self.current_url(),
            self.request.target_address_space,
        );
        if let Some(page_url) = mixed_content_let_through {
            let url = self.current_url().clone();
            self.mixed_content_warnings.push((page_url, url));
        }
        for (check, state) in ran {
            self.record(|_| Event::Checked { check, state });
        }
        if let Some(gate) = refused {
            return self.fail(cache, FailureKind::Blocked(gate));
        }
        // A data: URL is answered by fetch() itself, in every mode.
        if crate::scheme_fetch::is_always_scheme_fetched(self.current_url()) {
            self.tainting = Tainting::Basic;
            return self.scheme_fetch(cache);
        }
        let same_origin_mode = self.request.mode == Mode::SameOrigin;
        if let Some(error) = crate::scheme_fetch::refused_first(self.profile.gates.schemes, same_origin_mode, self.current_url()) {
            self.record_checks(&[CheckName::Scheme], Some(CheckName::Scheme));
            return self.fail(cache, FailureKind::Blocked(Gate::Scheme(error)));
        }
        let url = self.current_url();
        // Same origin, and never cross-origin before: a basic fetch (a
        // scheme fetch for a blob: URL of the page's origin).
        if self.origin.same_origin_with_url(url) && self.tainting == Tainting::Basic {
            if !matches!(url.scheme(), "http" | "https") {
                return self.scheme_fetch(cache);
            }
            self.record(|m| Event::Routed { url: m.current_url().as_str().to_owned(), route: Route::SameOrigin });
            return self.send_actual();
        }
        match self.request.mode {
            Mode::SameOrigin => {
                let kind = if self.redirect_count == 0 {
                    FailureKind::Cors(CorsErrorStatus::new(CorsError::DisallowedByMode, ""))
                } else {
                    FailureKind::SameOriginModeRedirectedCrossOrigin(url.as_str().to_owned())
                };
                return self.fail(cache, kind);
            }
            Mode::NoCors => {
                if self.request.redirect != RedirectMode::Follow {
                    return self.fail(cache, FailureKind::Cors(CorsErrorStatus::new(CorsError::NoCorsRedirectModeNotFollow, "")));
                }
                self.tainting = Tainting::Opaque;
                if !matches!(self.current_url().scheme(), "http" | "https") {
                    return self.scheme_fetch(cache);
                }
                self.record(|m| Event::Routed { url: m.current_url().as_str().to_owned(), route: Route::NoCors });
                return self.send_actual();
            }
            Mode::Cors => {}
        }
        if !matches!(url.scheme(), "http" | "https") {
            let kind = match self.profile.gates.schemes.cors_mode_cors_error {
                true => FailureKind::Cors(CorsErrorStatus::new(CorsError::CorsDisabledScheme, "")),
                false => FailureKind::SchemeNotHttp(url.as_str().to_owned()),
            };
            return self.fail(cache, kind);
        }
        self.tainting = Tainting::Cors;
        let unsafe_names = cors_unsafe_request_header_names(&self.profile, &self.request.headers);
        let method_unsafe = !method::is_cors_safelisted(&self.request.method);
        // Firefox preflights every redirected request of a fetch that needed a preflight.
        let preflight_again = self.preflighted && self.redirect_count > 0 && self.profile.redirects.preflight_after_redirect;
        let forced = self.request.use_cors_preflight;
        if !method_unsafe && unsafe_names.is_empty() && !preflight_again && !forced {
            self.record(|m| Event::Routed { url: m.current_url().as_str().to_owned(), route: Route::Simple });
            return self.send_actual();
        }
        self.record(|m| Event::Routed {
            url: m.current_url().as_str().to_owned(),
            route: Route::Preflight { method: method_unsafe.then(|| m.request.method.clone()), headers: m.unsafe_headers() },
        });
        self.preflighted = true;
        if let Some(key) = self.cache_key() {
            let query = CacheQuery {
                method: &self.request.method,
                unsafe_headers: &unsafe_names,
                credentials: self.request.credentials == CredentialsMode::Include,
            };
            let lookup = cache.lookup_parts(&self.profile, key, &query, now);
            let hit = lookup.is_ok();
            self.record(|m| Event::CacheLookup { url: m.current_url().as_str().to_owned(), miss: lookup.err() });
            if hit {
                return self.send_actual();
            }
        }
        let preflight = preflight_request_to(
            &self.profile,
            wire_url(self.current_url()),
            &self.request.method,
            &unsafe_names,
            self.preflight_origin(),
        );
        self.awaiting = Awaiting::Preflight { unsafe_names };
        self.send(preflight)
    }

    /// "Scheme fetch" for a URL that is not HTTP(S): `fetch()` answers it
    /// itself, sending nothing.
    fn scheme_fetch(&mut self, cache: &mut PreflightCache) -> Next {
        match crate::scheme_fetch::scheme_fetch(self.current_url(), self.profile.gates.schemes) {
            Ok(response) => {
                self.record_checks(&[CheckName::Scheme], None);
                self.finish(response)
            }
            Err(error) => {
                self.record_checks(&[CheckName::Scheme], Some(CheckName::Scheme));
                self.fail(cache, FailureKind::Blocked(Gate::Scheme(error)))
            }
        }
    }

    fn send(&mut self, request: HttpRequest) -> Next {
        self.record(|m| Event::Sent { index: m.requests.len() });
        self.requests.push(request);
        Next::Send
    }

    /// Send the request itself, with `Origin` when the standard appends it.
    fn send_actual(&mut self) -> Next {
        let mut headers = self.request.headers.clone();
        if let Some(origin) = self.origin_header() {
            headers.append("Origin", origin.as_bytes());
            self.origin_sent = true;
        }
        let request = HttpRequest {
            method: self.request.method.clone(),
            url: wire_url(self.current_url()),
            headers,
            is_preflight: false,
        };
        self.awaiting = Awaiting::Response;
        // A permanent redirect the HTTP cache kept answers without the server.
        if request.method == "GET" {
            if let Some((_, kept)) = self.cached_redirects.iter().find(|(url, _)| *url == request.url) {
                self.pending = Some(kept.clone());
                return Next::Continue;
            }
        }
        self.send(request)
    }

    /// Keep a permanent redirect as the HTTP cache does: a 301 or 308 to a
    /// GET, heuristically fresh (no `Cache-Control` of its own).
    fn keep_permanent_redirect(&mut self, response: &HttpResponse) {
        let kept = self.profile.redirects.permanent_redirects_cached
            && matches!(response.status, 301 | 308)
            && self.request.method == "GET"
            && !response.headers.contains("cache-control");
        if kept {
            let url = wire_url(self.current_url());
            if !self.cached_redirects.iter().any(|(u, _)| *u == url) {
                self.cached_redirects.push((url, response.clone()));
            }
        }
    }

    /// "Append a request `Origin` header".
    fn origin_header(&self) -> Option<&str> {
        let serialized = self.serialized_origin();
        if self.tainting == Tainting::Cors {
            return Some(serialized);
        }
        // Some browsers' elements send it under CORS mode to any origin.
        if self.request.mode == Mode::Cors
            && self.request.initiator.is_element()
            && self.profile.initiators.element_origin_same_origin
        {
            return Some(serialized);
        }
        let kept = self.origin_sent && self.profile.redirects.origin_kept_after_redirect;
        if (self.request.method == "GET" || self.request.method == "HEAD") && !kept {
            return None;
        }
        // Referrer policy strict-origin-when-cross-origin (the default): an
        // https origin sends `null` to a non-https URL.
        if self.request.mode != Mode::Cors {
            if let Origin::Tuple(t) = &self.origin {
                if t.scheme() == "https" && self.current_url().scheme() != "https" {
                    return Some("null");
                }
            }
        }
        Some(serialized)
    }

    /// "CORS-preflight fetch", from the response on.
    fn on_preflight_response(
        &mut self,
        cache: &mut PreflightCache,
        now: Timestamp,
        response: HttpResponse,
        unsafe_names: TokenList,
    ) -> Next {
        self.record(|m| Event::Received { index: m.requests.len().saturating_sub(1), status: response.status });
        if let Some(refused) = refused_by_network(&self.profile, &response) {
            return self.fail(cache, FailureKind::Net(refused));
        }
        let order = preflight_check_order(&self.profile, self.request.credentials);
        // A preflight never follows redirects.
        if self.profile.preflight_redirect_refused
            && is_redirect_status(response.status)
            && response.headers.contains("location")
        {
            self.failing_location = response.headers.get_all("location").next().map(isomorphic_decode);
            self.record_checks(&[CheckName::Redirect], Some(CheckName::Redirect));
            self.record_unreached(order);
            return self.fail(cache, FailureKind::Cors(CorsErrorStatus::new(CorsError::PreflightDisallowedRedirect, "")));
        }
        let serialized_origin = self.preflight_origin();
        let judgement = judge_preflight_response(
            &self.profile,
            &PreflightFor {
                method: &self.request.method,
                headers: &self.request.headers,
                unsafe_names: &unsafe_names,
                credentials: self.request.credentials,
                serialized_origin,
            },
            &response,
        );
        match judgement {
            PreflightJudgement::Allowed(result) => {
                self.record_checks(order, None);
                self.store_preflight(cache, &result, now);
                self.record(|m| Event::PreflightStored {
                    url: m.current_url().as_str().to_owned(),
                    max_age_secs: result.max_age_secs,
                });
                self.send_actual()
            }
            PreflightJudgement::Refused(error) => {
                self.record_checks(order, Some(CheckName::failed_by(error.error)));
                self.fail(cache, FailureKind::Cors(error))
            }
            PreflightJudgement::RefusedAfterLists { error, allowed } => {
                self.record_checks(order, Some(CheckName::failed_by(error.error)));
                if self.profile.cache_refused_preflight {
                    self.store_preflight(cache, &allowed, now);
                }
                self.fail(cache, FailureKind::Cors(error))
            }
        }
    }

    /// Record the checks of `order` as never run: an earlier check failed.
    fn record_unreached(&mut self, order: &[CheckName]) {
        if self.record_events {
            self.events.extend(order.iter().map(|&check| Event::Checked { check, state: CheckState::NotReached }));
        }
    }

    /// The response to the request itself: the CORS check, then redirects
    /// (HTTP fetch and HTTP-redirect fetch).
    fn on_response(&mut self, cache: &mut PreflightCache, response: HttpResponse) -> Next {
        self.record(|m| Event::Received { index: m.requests.len().saturating_sub(1), status: response.status });
        if let Some(refused) = refused_by_network(&self.profile, &response) {
            return self.fail(cache, FailureKind::Net(refused));
        }
        let (credentials, redirect) = (self.request.credentials, self.request.redirect);
        // Cross-Origin-Resource-Policy, on the responses script would get as
        // opaque ones (redirects included).
        if self.tainting == Tainting::Opaque {
            match crate::gate::corp_on_opaque_response(&self.profile, &self.origin, &self.page, self.current_url(), &response, credentials) {
                Err(gate) => {
                    self.record_checks(&[CheckName::CrossOriginResourcePolicy], Some(CheckName::CrossOriginResourcePolicy));
                    // A redirect refused: WebKit names where it led.
                    if is_redirect_status(response.status) {
                        self.failing_location = response.headers.get_all("location").next().map(isomorphic_decode);
                    }
                    return self.fail(cache, FailureKind::Blocked(gate));
                }
                Ok(true) => self.record_checks(&[CheckName::CrossOriginResourcePolicy], None),
                Ok(false) => {}
            }
        }
        let cors_order: &[CheckName] = if self.tainting == Tainting::Cors { cors_check_order(credentials) } else { &[] };
        // A redirect's Location, as sent.
        let mut raw_location = if is_redirect_status(response.status) {
            self.location_value(&response.headers)
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
        let is_redirect = raw_location.is_some() || empty_location_fails;
        self.failing_location.clone_from(&raw_location);
        let parsed = raw_location.as_ref().map(|raw| self.current_url().join(&self.location_text(raw)));
        // Chromium and Firefox fail an unparsable Location before any CORS
        // check, Firefox a non-HTTP(S) one too; WebKit checks CORS first,
        // after its HTTP stack refused the schemes it turned off.
        if let (Some(parsed), Some(raw)) = (&parsed, &raw_location) {
            let early = match parsed {
                Ok(u) if self.profile.redirects.disabled_schemes.contains(&u.scheme()) => {
                    Some(FailureKind::RedirectToDisabledScheme(u.as_str().to_owned()))
                }
                Err(_) if self.profile.location_parsed_before_cors_check => {
                    Some(FailureKind::InvalidRedirectLocation(raw.clone()))
                }
                Ok(u) if self.profile.redirect_scheme_checked_before_cors_check
                    && redirect == RedirectMode::Follow
                    && !matches!(u.scheme(), "http" | "https") =>
                {
                    Some(self.non_http_redirect(u.clone()))
                }
                _ => None,
            };
            if let Some(kind) = early {
                self.record_checks(&[CheckName::Redirect], Some(CheckName::Redirect));
                self.record_unreached(cors_order);
                return self.fail(cache, kind);
            }
        }
        // The CORS check, on every response while tainting is cors.
        if self.tainting == Tainting::Cors {
            if let Err(status) = cors_check(&self.profile, self.serialized_origin(), credentials, &response.headers) {
                self.record_checks(cors_order, Some(CheckName::failed_by(status.error)));
                if is_redirect {
                    self.record_unreached(&[CheckName::Redirect]);
                }
                return self.fail(cache, FailureKind::Cors(status));
            }
            self.record_checks(cors_order, None);
        }
        if empty_location_fails {
            return self.redirect_fails(cache, FailureKind::EmptyRedirectLocation);
        }
        let location = match (parsed, raw_location) {
            (Some(Ok(url)), _) => url,
            (Some(Err(_)), Some(raw)) if redirect == RedirectMode::Follow => {
                let kind = self.invalid_redirect(raw);
                return self.redirect_fails(cache, kind);
            }
            // "manual": any redirect status is an opaque redirect, with or
            // without a Location (HTTP fetch, before the Location is read).
            _ if redirect == RedirectMode::Manual
                && is_redirect_status(response.status)
                && !response.headers.contains("location") =>
            {
                self.record_checks(&[CheckName::Redirect], None);
                let outcome = Ok(FilteredResponse { kind: ResponseType::OpaqueRedirect, status: 0, headers: TokenList::new() });
                return Next::Over(self.verdict(outcome));
            }
            _ => return self.finish_opaque_checked(cache, response),
        };
        if redirect == RedirectMode::Follow {
            self.keep_permanent_redirect(&response);
        }
        match redirect {
            RedirectMode::Error => self.redirect_fails(cache, FailureKind::RedirectModeError),
            RedirectMode::Manual => {
                self.record_checks(&[CheckName::Redirect], None);
                let outcome = Ok(FilteredResponse { kind: ResponseType::OpaqueRedirect, status: 0, headers: TokenList::new() });
                Next::Over(self.verdict(outcome))
            }
            RedirectMode::Follow => self.http_redirect_fetch(cache, response.status, location),
        }
    }

    /// Why a followed redirect whose `Location` (`raw`) is not a URL fails:
    /// the CORS check of the redirect where the profile judges it so and
    /// the request is under CORS, a network error otherwise.
    fn invalid_redirect(&mut self, raw: String) -> FailureKind {
        if self.profile.redirects.scheme_judged_by_mode && self.tainting == Tainting::Cors {
            return FailureKind::Cors(CorsErrorStatus::new(CorsError::CorsDisabledScheme, ""));
        }
        FailureKind::InvalidRedirectLocation(raw)
    }

    /// Why a redirect to `location`, whose scheme is not HTTP(S), fails,
    /// judged by the request's mode first where the profile says so
    /// ([`Machine::non_http_redirect_by_mode`]); otherwise an unsafe redirect
    /// the HTTP stack refuses (a network error), or, for a scheme past that
    /// list, the CORS layer's refusal at the URL the redirect led to.
    fn non_http_redirect(&mut self, location: Url) -> FailureKind {
        if self.profile.redirects.scheme_judged_by_mode {
            return self.non_http_redirect_by_mode(location);
        }
        let rules = &self.profile.redirects;
        if let Some(unsafe_schemes) = rules.unsafe_redirect_schemes {
            let opens = rules.about_blank_opens && location.as_str() == "about:blank";
            if opens || !unsafe_schemes.contains(&location.scheme()) {
                self.url_list.push(location);
                self.failing_location = None;
                return FailureKind::Cors(CorsErrorStatus::new(CorsError::CorsDisabledScheme, ""));
            }
        }
        FailureKind::RedirectToNonHttpScheme(location.as_str().to_owned())
    }

    /// A redirect to `location`, not HTTP(S), as WebKit's loaders judge it,
    /// each failure reported at the redirecting URL: a request already
    /// under CORS fails the CORS check of the redirect (a scheme CORS does
    /// not support); then a local resource (`file:`, `blob:`) is refused as
    /// such; then the mode decides: `cors` fails the CORS check, as the
    /// target is never same-origin; `same-origin` fails as a cross-origin
    /// redirect; `no-cors` reaches fetch's rule that redirects lead to
    /// HTTP(S) only.
    fn non_http_redirect_by_mode(&self, location: Url) -> FailureKind {
        if self.tainting == Tainting::Cors {
            return FailureKind::Cors(CorsErrorStatus::new(CorsError::CorsDisabledScheme, ""));
        }
        if self.profile.redirects.local_schemes.contains(&location.scheme()) {
            return FailureKind::RedirectToLocalResource(location.as_str().to_owned());
        }
        match self.request.mode {
            Mode::Cors => FailureKind::Cors(CorsErrorStatus::new(CorsError::CorsDisabledScheme, "")),
            Mode::SameOrigin => FailureKind::SameOriginModeRedirectedCrossOrigin(location.as_str().to_owned()),
            Mode::NoCors => FailureKind::RedirectToNonHttpScheme(location.as_str().to_owned()),
        }
    }

    /// The redirect check failed: the fetch fails with `kind`.
    fn redirect_fails(&mut self, cache: &mut PreflightCache, kind: FailureKind) -> Next {
        self.record_checks(&[CheckName::Redirect], Some(CheckName::Redirect));
        self.fail(cache, kind)
    }

    /// HTTP-redirect fetch, from step 3 (the Location is parsed already).
    fn http_redirect_fetch(&mut self, cache: &mut PreflightCache, status: u16, location: Url) -> Next {
        let from = self.current_url().clone();
        if !matches!(location.scheme(), "http" | "https") {
            let kind = self.non_http_redirect(location);
            return self.redirect_fails(cache, kind);
        }
        if self.redirect_count >= self.profile.redirect_limit {
            return self.redirect_fails(cache, FailureKind::TooManyRedirects);
        }
        self.redirect_count += 1;
        let has_credentials = !location.username().is_empty() || location.password().is_some();
        if has_credentials {
            let cross_origin = !self.origin.same_origin(&Origin::of_url(&location));
            if (self.request.mode == Mode::Cors && cross_origin) || self.tainting == Tainting::Cors {
                // Chromium reports it at the redirecting URL, with an empty hint.
                let kind = FailureKind::Cors(CorsErrorStatus::new(CorsError::RedirectContainsCredentials, ""));
                return self.redirect_fails(cache, kind);
            }
            if self.profile.same_origin_userinfo_redirect_fails {
                return self.redirect_fails(cache, FailureKind::RedirectWithCredentials(location.as_str().to_owned()));
            }
        }
        self.record_checks(&[CheckName::Redirect], None);
        let request = &mut self.request;
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
        self.record(|m| Event::Redirected {
            from: from.as_str().to_owned(),
            to: location.as_str().to_owned(),
            status,
            method: m.request.method.clone(),
            tainted: m.redirect_tainted,
        });
        self.url_list.push(location);
        self.failing_location = None;
        Next::Route
    }

    /// The fetch succeeded: the response, filtered for script.
    /// The final response, after opaque-response blocking where it applies:
    /// a `no-cors` response from another origin to `fetch()` (an element's
    /// own processing runs it for the elements, [`crate::initiator`]). A
    /// browser that gives `fetch()` the blocked response with its body
    /// taken away resolves it as usual: script never reads an opaque body.
    fn finish_opaque_checked(&mut self, cache: &mut PreflightCache, response: HttpResponse) -> Next {
        if self.tainting == Tainting::Opaque && self.request.initiator == crate::request::Initiator::Fetch {
            let rules = &self.profile.initiators.opaque_response_blocking;
            if rules.enabled {
                match response.opaque_response_blocking(rules) {
                    Ok(()) => self.record_checks(&[CheckName::OpaqueResponseBlocking], None),
                    Err(block) if rules.fetch_gets == crate::opaque_response_blocking::Blocked::NetworkError => {
                        self.record_checks(&[CheckName::OpaqueResponseBlocking], Some(CheckName::OpaqueResponseBlocking));
                        return self.fail(cache, FailureKind::Blocked(Gate::OpaqueResponseBlocking(block)));
                    }
                    // Emptied, not refused: the page sees the opaque
                    // response it would have had anyway, so the trace shows
                    // no check that passed or failed.
                    Err(_) => {}
                }
            }
        }
        self.finish(response)
    }

    fn finish(&mut self, response: HttpResponse) -> Next {
        let kind = match self.tainting {
            Tainting::Basic => ResponseType::Basic,
            Tainting::Cors => ResponseType::Cors,
            Tainting::Opaque => ResponseType::Opaque,
        };
        let status = if kind == ResponseType::Opaque { 0 } else { response.status };
        let headers = readable_header_names(&self.profile, kind, &response.headers, self.request.credentials);
        Next::Over(self.verdict(Ok(FilteredResponse { kind, status, headers })))
    }

    /// The fetch failed with a network error.
    fn fail(&mut self, cache: &mut PreflightCache, kind: FailureKind) -> Next {
        if self.preflighted && self.profile.cache.clear_on_network_error {
            if let Some(key) = self.cache_key() {
                // "Clear cache entries": both credentials keys.
                cache.clear_url(key.origin, key.url);
            }
        }
        let url = self.current_url().clone();
        let redirected_from = (self.url_list.len() > 1).then(|| self.url_list[0].clone());
        let failure = Failure {
            kind,
            url,
            redirected_from,
            status: self.last_status,
            redirect_location: self.failing_location.take(),
            preflight: matches!(self.awaiting, Awaiting::Preflight { .. }),
            url_list: self.url_list.clone(),
            redirect: self.request.redirect,
            tainted: self.redirect_tainted,
            allow_origin: std::mem::take(&mut self.had_allow_origin).then(|| isomorphic_decode(&self.last_allow_origin)),
            cors: self.tainting == Tainting::Cors,
        };
        Next::Over(self.verdict(Err(failure)))
    }

    /// The verdict: the fetch is over, so the requests and events move into it.
    fn verdict(&mut self, outcome: Result<FilteredResponse, Failure>) -> Verdict {
        let mut console = console::dropped_header_messages(&self.profile, &self.request);
        console.extend(self.mixed_content_warnings.iter().map(|(page, url)| console::mixed_content_warning(&self.profile, page, url)));
        console.extend(console::messages_for(&self.profile, &self.origin, self.request.initiator, &outcome));
        Verdict {
            requests: std::mem::take(&mut self.requests),
            outcome,
            events: std::mem::take(&mut self.events),
            console,
        }
    }
}

/// The URL as it goes on the wire: userinfo is never part of the request
/// target, and neither is the fragment.
fn wire_url(url: &Url) -> Url {
    let mut url = url.clone();
    if url.has_authority() && (!url.username().is_empty() || url.password().is_some()) {
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    if url.fragment().is_some() {
        url.set_fragment(None);
    }
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
    run_in(profile, origin, &PageContext::default(), init, cache, now, server)
}

/// [`run`] from a page described beyond its origin (see [`PageContext`]).
///
/// ```
/// use corsim::{fetch::run_in, page::PageContext, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
/// let page = Origin::parse("https://app.example").unwrap();
/// let verdict = run_in(&Profile::CHROMIUM, page, &PageContext::default(), &RequestInit::get("http://api.example/"),
///                      &mut PreflightCache::new(), Timestamp::ZERO, |_req| HttpResponse::new(200));
/// let gate = verdict.outcome.unwrap_err().kind.gate().cloned().unwrap();
/// assert_eq!(gate.to_string(), "not CORS: mixed content");
/// assert!(verdict.requests.is_empty(), "nothing was sent");
/// ```
pub fn run_in(
    profile: &Profile,
    origin: Origin,
    page: &PageContext,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Verdict {
    drive_infallible(Fetch::in_page(profile, origin, page, init), cache, now, server)
}

/// [`run_in`] without recording [`Verdict::events`].
pub fn run_quiet_in(
    profile: &Profile,
    origin: Origin,
    page: &PageContext,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Verdict {
    let mut fetch = Fetch::in_page(profile, origin, page, init);
    fetch.record_events(false);
    drive_infallible(fetch, cache, now, server)
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
    run_quiet_in(profile, origin, &PageContext::default(), init, cache, now, server)
}

/// [`run`] against a server that can fail (a function from another
/// language, a test double that gives up): the first error ends the fetch
/// and is returned. The preflight cache then keeps what the fetch stored
/// before the error; clone it first to leave it as it was.
///
/// ```
/// use corsim::{fetch::try_run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
/// let page = Origin::parse("https://app.example").unwrap();
/// let init = RequestInit::get("https://api.example/").method("PUT");
/// let down = try_run(&Profile::CHROMIUM, page, &init, &mut PreflightCache::new(), Timestamp::ZERO,
///                    |_req| Err::<HttpResponse, _>("connection refused"));
/// assert_eq!(down.unwrap_err(), "connection refused");
/// ```
pub fn try_run<E>(
    profile: &Profile,
    origin: Origin,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> Result<HttpResponse, E>,
) -> Result<Verdict, E> {
    try_run_in(profile, origin, &PageContext::default(), init, cache, now, server)
}

/// [`try_run`] from a page described beyond its origin (see [`PageContext`]).
pub fn try_run_in<E>(
    profile: &Profile,
    origin: Origin,
    page: &PageContext,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> Result<HttpResponse, E>,
) -> Result<Verdict, E> {
    drive(Fetch::in_page(profile, origin, page, init), cache, now, server)
}

/// How main fetch routes `fetch(init.url, init)` from a page of `origin`
/// (Fetch § "Main fetch", with § "CORS-unsafe request-header names"):
/// same-origin, no-cors, simple, or preflighted with the method and each
/// CORS-unsafe header that force the preflight and why. The engine's own
/// route, before any response (a fresh preflight cache, so a preflight
/// request is never skipped). `Err` when `fetch()` rejects the request
/// before sending anything.
///
/// ```
/// use corsim::{fetch::classify, request_header::UnsafeBecause, Origin, Profile, RequestInit, Route};
/// let page = Origin::parse("https://app.example").unwrap();
/// let init = RequestInit::get("https://api.example/").header("Content-Type", "application/json");
/// let Ok(Route::Preflight { method, headers }) = classify(&Profile::CHROMIUM, page, &init) else { panic!() };
/// assert_eq!(method, None);
/// assert_eq!(headers[0].name, "content-type");
/// assert!(matches!(headers[0].why, UnsafeBecause::MimeEssence { .. }));
/// ```
#[expect(clippy::result_large_err, reason = "the same `Failure` a verdict's outcome holds, returned once; a box would only move it")]
pub fn classify(profile: &Profile, origin: Origin, init: &RequestInit) -> Result<Route, Failure> {
    // Routing happens before the first request; any answer will do after it.
    let verdict = run(profile, origin, init, &mut PreflightCache::new(), Timestamp::ZERO, |_| HttpResponse::new(200));
    let route = verdict.events.into_iter().find_map(|e| match e {
        Event::Routed { route, .. } => Some(route),
        _ => None,
    });
    match (route, verdict.outcome) {
        (Some(route), _) => Ok(route),
        (None, Err(failure)) => Err(failure),
        (None, Ok(_)) => unreachable!("a fetch that resolved was routed"),
    }
}

/// Run `fetch` to its verdict, the server answering each request it sends
/// (borrowed, not copied as [`Fetch::poll`] hands it out); the server's
/// first error ends it.
fn drive<E>(
    fetch: Fetch,
    cache: &mut PreflightCache,
    now: Timestamp,
    mut server: impl FnMut(&HttpRequest) -> Result<HttpResponse, E>,
) -> Result<Verdict, E> {
    let mut machine = match fetch.stage {
        Stage::Over(verdict) => return Ok(*verdict),
        Stage::Running(machine) => machine,
    };
    loop {
        match machine.advance(cache, now) {
            Some(verdict) => return Ok(verdict),
            None => {
                let response = server(machine.outgoing())?;
                machine.receive(response);
            }
        }
    }
}

/// [`drive`] against a server that always answers.
pub(crate) fn drive_infallible(
    fetch: Fetch,
    cache: &mut PreflightCache,
    now: Timestamp,
    mut server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Verdict {
    match drive(fetch, cache, now, |request| Ok::<_, std::convert::Infallible>(server(request))) {
        Ok(verdict) => verdict,
        Err(never) => match never {},
    }
}

/// The headers of `list` named `origin` or `access-control-request-*`,
/// lower-cased, in order: what a recording server logs.
///
/// ```
/// use corsim::{fetch::cors_request_headers, HeaderList};
/// let mut list = HeaderList::new();
/// for (name, value) in [("Origin", "https://a.example"), ("Access-Control-Request-Method", "PUT"), ("accept", "*/*"),
///                       ("ACCESS-CONTROL-REQUEST-HEADERS", "x-a"), ("Access-Control-Request", "no"), ("access-control-request-\u{e9}", "\u{e9}")] {
///     list.append(name.as_bytes(), value.as_bytes());
/// }
/// let names: Vec<String> = cors_request_headers(&list).into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["origin", "access-control-request-method", "access-control-request-headers", "access-control-request-\u{c3}\u{a9}"]);
/// ```
pub fn cors_request_headers(list: &HeaderList) -> Vec<(String, String)> {
    const PREFIX: &[u8] = b"access-control-request-";
    list.iter()
        .filter(|h| h.is("origin") || h.name.get(..PREFIX.len()).is_some_and(|start| start.eq_ignore_ascii_case(PREFIX)))
        .map(|h| (lower_name(h.name), isomorphic_decode(h.value)))
        .collect()
}
