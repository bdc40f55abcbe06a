//! Test your own server in-process: a page on an origin makes a `fetch()`, the
//! engine sends what the browser would send (the preflight, the request,
//! redirects) to your server, and the assertions fail with the browser's own
//! console message and the fix. Behind the `harness` feature; tower services
//! (an axum `Router`, anything wrapped in tower-http's `CorsLayer`) behind
//! `tower`. A CORS library's model can stand in for the server
//! ([`PendingFetch::against_model`]).
//!
//! ```
//! use corsim::harness::{put, Page};
//!
//! // Your server: here a function from `http::Request` to `http::Response`.
//! let mut server = |req: http::Request<Vec<u8>>| {
//!     let mut res = http::Response::builder().header("Access-Control-Allow-Origin", "https://app.example");
//!     if req.method() == http::Method::OPTIONS {
//!         res = res.status(204)
//!             .header("Access-Control-Allow-Methods", "GET, PUT")
//!             .header("Access-Control-Allow-Headers", "Authorization");
//!     } else {
//!         res = res.header("X-Total", "7").header("Access-Control-Expose-Headers", "X-Total");
//!     }
//!     res.body(()).unwrap()
//! };
//!
//! let mut page = Page::new("https://app.example");
//! page.fetch(put("https://api.example/items").header("Authorization", "Bearer x"))
//!     .against(&mut server)
//!     .assert_allowed()
//!     .assert_readable("x-total")
//!     .assert_preflight_sent();
//! // The same page again: the preflight is cached (5 s by default).
//! page.fetch(put("https://api.example/items").header("Authorization", "Bearer x"))
//!     .against(&mut server)
//!     .assert_allowed()
//!     .assert_no_preflight_sent();
//! // Another origin cannot read it.
//! Page::new("https://evil.example")
//!     .fetch(put("https://api.example/items").header("Authorization", "Bearer x"))
//!     .against(&mut server)
//!     .assert_blocked_because("PreflightAllowOriginMismatch");
//! ```
//!
//! When an assertion fails, the panic message says what the browser did, in
//! its words, and what to change:
//!
//! ```text
//! expected script on https://app.example to read the response, but Chromium blocks it.
//!   fetch:   PUT https://api.example/items/1 (headers: Authorization; credentials: same-origin)
//!   page:    https://app.example in Chromium
//!   sent:    OPTIONS https://api.example/items/1 -> 200; access-control-allow-methods: GET,POST; access-control-allow-headers: authorization,content-type; access-control-allow-origin: https://app.example
//!   reason:  MethodDisallowedByPreflightResponse ("PUT")
//!   console: Access to fetch at 'https://api.example/items/1' from origin 'https://app.example' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.
//!   console: Failed to load resource: net::ERR_FAILED
//!   fix:     list `PUT` in the preflight's `Access-Control-Allow-Methods` (e.g. `Access-Control-Allow-Methods: GET, PUT`)
//! ```

use std::fmt;
use std::time::Duration;

use crate::error::{CorsError, FailureKind};
use crate::fetch::{Action, Failure, Fetch, Verdict};
use crate::header_list::{isomorphic_decode, TokenList};
use crate::origin::Origin;
use crate::preflight::HttpRequest;
use crate::preflight_cache::PreflightCache;
use crate::profile::Profile;
use crate::request::{CredentialsMode, RequestInit};
use crate::response::{FilteredResponse, HttpResponse, ResponseType};
use crate::time::Timestamp;

/// `fetch(url)`: a `GET` with default options.
///
/// ```
/// assert_eq!(corsim::harness::get("https://api.example/").method, "GET");
/// ```
pub fn get(url: impl Into<String>) -> RequestInit {
    RequestInit::get(url)
}

/// `fetch(url, { method: "HEAD" })`.
///
/// ```
/// assert_eq!(corsim::harness::head("https://api.example/").method, "HEAD");
/// ```
pub fn head(url: impl Into<String>) -> RequestInit {
    RequestInit::get(url).method("HEAD")
}

/// `fetch(url, { method: "POST" })`.
///
/// ```
/// assert_eq!(corsim::harness::post("https://api.example/").method, "POST");
/// ```
pub fn post(url: impl Into<String>) -> RequestInit {
    RequestInit::get(url).method("POST")
}

/// `fetch(url, { method: "PUT" })`.
///
/// ```
/// assert_eq!(corsim::harness::put("https://api.example/").method, "PUT");
/// ```
pub fn put(url: impl Into<String>) -> RequestInit {
    RequestInit::get(url).method("PUT")
}

/// `fetch(url, { method: "PATCH" })`.
///
/// ```
/// assert_eq!(corsim::harness::patch("https://api.example/").method, "PATCH");
/// ```
pub fn patch(url: impl Into<String>) -> RequestInit {
    RequestInit::get(url).method("PATCH")
}

/// `fetch(url, { method: "DELETE" })`.
///
/// ```
/// assert_eq!(corsim::harness::delete("https://api.example/").method, "DELETE");
/// ```
pub fn delete(url: impl Into<String>) -> RequestInit {
    RequestInit::get(url).method("DELETE")
}

/// One request the browser sent and the response it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The request, as the server saw it.
    pub request: HttpRequest,
    /// The server's response.
    pub response: HttpResponse,
}

/// The server could not answer a request (a service error, a request the
/// `http` crate cannot represent, a network error of a live client).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerFailed<E> {
    /// The request it could not answer.
    pub request: HttpRequest,
    /// Why.
    pub error: E,
    /// What was exchanged before.
    pub exchanges: Vec<Exchange>,
}

impl<E: fmt::Display> fmt::Display for ServerFailed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server failed to answer {} {}: {}", self.request.method, self.request.url, self.error)
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ServerFailed<E> {}

/// A corsim request the `http` crate cannot represent (a method, URL or header
/// byte it refuses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertError(pub String);

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConvertError {}

/// The request as an `http::Request` with an empty body of type `B`: the
/// method, the absolute URL as the URI, a `Host` header (as every browser
/// sends) and then the request's own headers, in order.
///
/// ```
/// use corsim::{preflight::preflight_request, Profile, TokenList};
/// let url = "https://api.example:8443/items?page=2".parse().unwrap();
/// let preflight = preflight_request(&Profile::CHROMIUM, &url, "PUT", &TokenList::new(), "https://app.example");
/// let req: http::Request<Vec<u8>> = corsim::harness::to_http_request(&preflight).unwrap();
/// assert_eq!(req.method(), http::Method::OPTIONS);
/// assert_eq!(req.uri().path_and_query().unwrap(), "/items?page=2");
/// assert_eq!(req.headers()["host"], "api.example:8443");
/// assert_eq!(req.headers()["access-control-request-method"], "PUT");
/// assert_eq!(req.headers()["origin"], "https://app.example");
/// ```
pub fn to_http_request<B: Default>(request: &HttpRequest) -> Result<http::Request<B>, ConvertError> {
    let method = http::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| ConvertError(format!("the method {:?} is not one the http crate accepts", request.method)))?;
    let uri: http::Uri = request
        .url
        .as_str()
        .parse()
        .map_err(|e| ConvertError(format!("the URL {} is not one the http crate accepts: {e}", request.url)))?;
    let mut builder = http::Request::builder().method(method).uri(uri);
    if let Some(host) = request.url.host_str() {
        let host = match request.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        builder = builder.header(http::header::HOST, host);
    }
    for h in &request.headers {
        let name = http::HeaderName::from_bytes(h.name).map_err(|_| {
            ConvertError(format!("the header name {:?} is not one the http crate accepts", isomorphic_decode(h.name)))
        })?;
        let value = http::HeaderValue::from_bytes(h.value).map_err(|_| {
            ConvertError(format!(
                "the value {:?} of {:?} is not one the http crate accepts",
                isomorphic_decode(h.value),
                isomorphic_decode(h.name)
            ))
        })?;
        builder = builder.header(name, value);
    }
    builder.body(B::default()).map_err(|e| ConvertError(format!("cannot build the request: {e}")))
}

/// Run one `fetch()` to the end against a server that may fail: the sans-IO
/// [`Fetch`] driven by `server`, every exchange kept. This is what the
/// [`Page`] assertions and the audit use; give it a live HTTP client to test
/// a deployed server.
///
/// ```
/// use corsim::{harness::{drive, get}, HttpResponse, Origin, PreflightCache, Profile, Timestamp};
/// let page = Origin::parse("https://app.example").unwrap();
/// let outcome = drive(&Profile::CHROMIUM, &page, &get("https://api.example/"), &mut PreflightCache::new(),
///     Timestamp::ZERO, |_req| Ok::<_, std::io::Error>(HttpResponse::new(200).header("Access-Control-Allow-Origin", "*")))
///     .unwrap();
/// assert!(outcome.is_readable());
/// assert_eq!(outcome.exchanges.len(), 1);
/// ```
#[allow(clippy::result_large_err)] // the failure carries the exchanges so far, for the message
pub fn drive<E>(
    profile: &Profile,
    origin: &Origin,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    mut server: impl FnMut(&HttpRequest) -> Result<HttpResponse, E>,
) -> Result<Outcome, ServerFailed<E>> {
    let mut fetch = Fetch::new(profile, origin.clone(), init);
    let mut exchanges = Vec::new();
    loop {
        match fetch.poll(cache, now) {
            Action::Send(request) => match server(&request) {
                Ok(response) => {
                    exchanges.push(Exchange { request, response: response.clone() });
                    fetch.receive(response);
                }
                Err(error) => return Err(ServerFailed { request, error, exchanges }),
            },
            Action::Done(verdict) => {
                return Ok(Outcome {
                    verdict,
                    exchanges,
                    origin: origin.clone(),
                    profile: profile.clone(),
                    init: init.clone(),
                })
            }
        }
    }
}

/// Adapt a function from `http::Request<Vec<u8>>` to `http::Response<_>` (a
/// test double, a hand-written handler) into the server [`drive`] and the
/// audit take. The response body is ignored.
///
/// ```
/// use corsim::harness::{drive, from_http_fn, get};
/// use corsim::{Origin, PreflightCache, Profile, Timestamp};
/// let server = from_http_fn(|_req| http::Response::builder().header("Access-Control-Allow-Origin", "*").body(()).unwrap());
/// let page = Origin::parse("https://app.example").unwrap();
/// let outcome = drive(&Profile::CHROMIUM, &page, &get("https://api.example/"), &mut PreflightCache::new(), Timestamp::ZERO, server).unwrap();
/// assert!(outcome.is_readable());
/// ```
pub fn from_http_fn<F, RB>(mut server: F) -> impl FnMut(&HttpRequest) -> Result<HttpResponse, ConvertError>
where
    F: FnMut(http::Request<Vec<u8>>) -> http::Response<RB>,
{
    move |request| {
        let request = to_http_request::<Vec<u8>>(request)?;
        Ok(HttpResponse::from_http(&server(request)))
    }
}

/// A page: an origin, a browser profile, and the preflight cache and clock
/// its fetches share. Fetches from the same `Page` reuse cached preflights,
/// as a browser tab does.
///
/// ```
/// use corsim::{harness::{get, Page}, Profile};
/// let mut page = Page::new("https://app.example").profile(&Profile::FIREFOX);
/// assert_eq!(page.origin().serialize(), "https://app.example");
/// page.advance(std::time::Duration::from_secs(6));
/// assert_eq!(page.now().as_millis(), 6_000);
/// ```
#[derive(Clone, Debug)]
pub struct Page {
    origin: Origin,
    profile: Profile,
    cache: PreflightCache,
    now: Timestamp,
}

impl Page {
    /// A page on `origin` (`"https://app.example"`, or `"null"` for a
    /// sandboxed page), in Chromium.
    ///
    /// # Panics
    /// When `origin` is not a serialized origin; see [`Origin::parse`].
    #[track_caller]
    pub fn new(origin: &str) -> Page {
        match Origin::parse(origin) {
            Ok(origin) => Page::from_origin(origin),
            Err(e) => panic!("Page::new: {e}"),
        }
    }

    /// A page on an origin already parsed.
    ///
    /// ```
    /// let page = corsim::harness::Page::from_origin(corsim::Origin::Opaque);
    /// assert_eq!(page.origin().serialize(), "null");
    /// ```
    pub fn from_origin(origin: Origin) -> Page {
        Page { origin, profile: Profile::CHROMIUM.clone(), cache: PreflightCache::new(), now: Timestamp::ZERO }
    }

    /// The same page in another browser (its cache emptied).
    ///
    /// ```
    /// use corsim::{harness::Page, Browser, Profile};
    /// assert_eq!(Page::new("https://a.example").profile(&Profile::WEBKIT).browser(), Browser::WebKit);
    /// ```
    pub fn profile(mut self, profile: &Profile) -> Page {
        self.profile = profile.clone();
        self.cache = PreflightCache::new();
        self
    }

    /// The page's origin.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The browser the page runs in.
    pub fn browser(&self) -> crate::Browser {
        self.profile.browser
    }

    /// The page's browser profile.
    pub fn browser_profile(&self) -> &Profile {
        &self.profile
    }

    /// The page's clock (starts at zero).
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Let time pass, so cached preflights expire.
    pub fn advance(&mut self, by: Duration) {
        self.now = self.now + u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
    }

    /// The preflight cache its fetches share.
    pub fn cache(&self) -> &PreflightCache {
        &self.cache
    }

    /// Empty the preflight cache.
    pub fn clear_cache(&mut self) {
        self.cache.clear();
    }

    /// Start `fetch(init.url, init)` from this page; say which server answers
    /// with one of [`PendingFetch`]'s `against` methods.
    pub fn fetch(&mut self, init: RequestInit) -> PendingFetch<'_> {
        PendingFetch { page: self, init }
    }
}

/// A `fetch()` waiting for its server: call one of the `against` methods.
#[derive(Debug)]
#[must_use = "a fetch does nothing until it is run `against` a server"]
pub struct PendingFetch<'p> {
    page: &'p mut Page,
    init: RequestInit,
}

impl PendingFetch<'_> {
    /// Run the fetch against a fallible corsim-level server (a live HTTP
    /// client, a scripted server).
    #[allow(clippy::result_large_err)] // the failure carries the exchanges so far, for the message
    pub fn try_against<E>(
        self,
        server: impl FnMut(&HttpRequest) -> Result<HttpResponse, E>,
    ) -> Result<Outcome, ServerFailed<E>> {
        let page = self.page;
        drive(&page.profile, &page.origin, &self.init, &mut page.cache, page.now, server)
    }

    /// Run the fetch against a scripted corsim-level server.
    ///
    /// ```
    /// use corsim::{harness::{get, Page}, HttpResponse};
    /// Page::new("https://app.example").fetch(get("https://api.example/"))
    ///     .against_fn(|_req| HttpResponse::new(200))
    ///     .assert_blocked_because("MissingAllowOriginHeader");
    /// ```
    pub fn against_fn(self, mut server: impl FnMut(&HttpRequest) -> HttpResponse) -> Outcome {
        match self.try_against(|r| Ok::<_, std::convert::Infallible>(server(r))) {
            Ok(outcome) => outcome,
            Err(failed) => match failed.error {},
        }
    }

    /// Run the fetch against a CORS library's model standing in for the
    /// server, in front of `route` (the application behind the library,
    /// called only for the requests the library passes on): what a
    /// configuration does before it is deployed.
    ///
    /// ```
    /// use corsim::harness::{put, Page};
    /// use corsim::server_model::{express, ServerModel};
    /// use corsim::HttpResponse;
    /// let model = ServerModel::ExpressCors(express::Options {
    ///     origin: Some(express::Origin::List(vec!["https://app.example".into()])),
    ///     ..Default::default()
    /// });
    /// Page::new("https://app.example").fetch(put("https://api.example/items").header("X-Trace", "1"))
    ///     .against_model(&model, |_| HttpResponse::new(200))
    ///     .assert_allowed()
    ///     .assert_preflight_sent();
    /// Page::new("https://evil.example").fetch(put("https://api.example/items"))
    ///     .against_model(&model, |_| HttpResponse::new(200))
    ///     .assert_blocked_because("PreflightMissingAllowOriginHeader");
    /// ```
    pub fn against_model(
        self,
        model: &crate::server_model::ServerModel,
        mut route: impl FnMut(&HttpRequest) -> HttpResponse,
    ) -> Outcome {
        self.against_fn(|request| model.respond(request, &mut route))
    }

    /// Run the fetch against a function from `http::Request<Vec<u8>>` to
    /// `http::Response<_>`; pass `&mut f` to keep using `f`.
    ///
    /// # Panics
    /// When a request the browser would send cannot be an `http::Request`.
    #[track_caller]
    pub fn against<F, RB>(self, server: F) -> Outcome
    where
        F: FnMut(http::Request<Vec<u8>>) -> http::Response<RB>,
    {
        match self.try_against(from_http_fn(server)) {
            Ok(outcome) => outcome,
            Err(failed) => panic!("{failed}"),
        }
    }
}

#[cfg(feature = "tower")]
mod tower_support {
    use std::future::{poll_fn, Future};
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    use tower_service::Service;

    use super::*;

    /// Poll a future to completion on this thread (parking between wake-ups).
    /// Enough for services that need no runtime of their own, as an axum
    /// `Router` with ordinary handlers and tower-http's `CorsLayer` do.
    pub fn block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
            fn wake_by_ref(self: &Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            match future.as_mut().poll(&mut cx) {
                Poll::Ready(output) => return output,
                Poll::Pending => std::thread::park(),
            }
        }
    }

    /// Send one request to a tower service and read its response's status
    /// and headers (the body is never polled).
    pub async fn call_service<S, B, RB>(service: &mut S, request: &HttpRequest) -> Result<HttpResponse, String>
    where
        S: Service<http::Request<B>, Response = http::Response<RB>>,
        S::Error: fmt::Debug,
        B: Default,
    {
        let request = to_http_request::<B>(request).map_err(|e| e.to_string())?;
        poll_fn(|cx| service.poll_ready(cx)).await.map_err(|e| format!("the service is not ready: {e:?}"))?;
        let response = service.call(request).await.map_err(|e| format!("the service failed: {e:?}"))?;
        Ok(HttpResponse::from_http(&response))
    }

    impl PendingFetch<'_> {
        /// Run the fetch against a tower service taking `http::Request<String>`
        /// (an axum `Router`, a service wrapped in tower-http's `CorsLayer`),
        /// polled on this thread. Pass `&mut service` to keep it. In an async
        /// test, or for a service that needs a runtime, use
        /// [`against_service_async`](Self::against_service_async).
        ///
        /// ```
        /// use axum::{http::HeaderValue, routing::get, Router};
        /// use corsim::harness::{get as fetch_get, Page};
        /// use tower_http::cors::CorsLayer;
        ///
        /// let app = Router::new()
        ///     .route("/items", get(|| async { "[]" }))
        ///     .layer(CorsLayer::new().allow_origin(HeaderValue::from_static("https://app.example")));
        /// Page::new("https://app.example").fetch(fetch_get("https://api.example/items"))
        ///     .against_service(app.clone())
        ///     .assert_allowed();
        /// Page::new("https://evil.example").fetch(fetch_get("https://api.example/items"))
        ///     .against_service(app)
        ///     .assert_blocked_because("AllowOriginMismatch");
        /// ```
        ///
        /// # Panics
        /// When the service fails.
        #[track_caller]
        pub fn against_service<S, RB>(self, service: S) -> Outcome
        where
            S: Service<http::Request<String>, Response = http::Response<RB>>,
            S::Error: fmt::Debug,
        {
            self.against_service_with_body::<String, S, RB>(service)
        }

        /// [`against_service`](Self::against_service) for a service that takes
        /// another (default-constructible) request body type:
        /// `.against_service_with_body::<axum::body::Body, _, _>(&mut svc)`.
        ///
        /// # Panics
        /// When the service fails.
        #[track_caller]
        pub fn against_service_with_body<B, S, RB>(self, mut service: S) -> Outcome
        where
            S: Service<http::Request<B>, Response = http::Response<RB>>,
            S::Error: fmt::Debug,
            B: Default,
        {
            match self.try_against(|r| block_on(call_service::<S, B, RB>(&mut service, r))) {
                Ok(outcome) => outcome,
                Err(failed) => panic!("{failed}"),
            }
        }

        /// Run the fetch against a tower service taking `http::Request<B>`,
        /// awaiting it (for `#[tokio::test]` and services that need a runtime).
        ///
        /// # Panics
        /// When the service fails.
        pub async fn against_service_async<B, S, RB>(self, mut service: S) -> Outcome
        where
            S: Service<http::Request<B>, Response = http::Response<RB>>,
            S::Error: fmt::Debug,
            B: Default,
        {
            let page = self.page;
            let mut fetch = Fetch::new(&page.profile, page.origin.clone(), &self.init);
            let mut exchanges = Vec::new();
            loop {
                match fetch.poll(&mut page.cache, page.now) {
                    Action::Send(request) => match call_service::<S, B, RB>(&mut service, &request).await {
                        Ok(response) => {
                            exchanges.push(Exchange { request, response: response.clone() });
                            fetch.receive(response);
                        }
                        Err(error) => panic!("the server failed to answer {} {}: {error}", request.method, request.url),
                    },
                    Action::Done(verdict) => {
                        return Outcome {
                            verdict,
                            exchanges,
                            origin: page.origin.clone(),
                            profile: page.profile.clone(),
                            init: self.init,
                        }
                    }
                }
            }
        }
    }
}

#[cfg(feature = "tower")]
pub use tower_support::{block_on, call_service};

/// How one `fetch()` ended: the engine's [`Verdict`] and every exchange with
/// the server, with assertions that fail with the browser's message.
///
/// The assertions take and return the outcome, so they chain; each panics
/// (at the caller's line) with a description of the fetch, the requests
/// sent and the headers that mattered, the browser's reason and console
/// message, and the fix.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The engine's verdict.
    pub verdict: Verdict,
    /// Every request sent and its response, in order.
    pub exchanges: Vec<Exchange>,
    origin: Origin,
    profile: Profile,
    init: RequestInit,
}

impl Outcome {
    /// Whether script can read the response: `fetch()` resolved with a
    /// `basic` or `cors` response (not an opaque one).
    pub fn is_readable(&self) -> bool {
        matches!(&self.verdict.outcome, Ok(r) if matches!(r.kind, ResponseType::Basic | ResponseType::Cors))
    }

    /// What script got, when `fetch()` resolved.
    pub fn response(&self) -> Option<&FilteredResponse> {
        self.verdict.outcome.as_ref().ok()
    }

    /// Why `fetch()` rejected, when it did.
    pub fn failure(&self) -> Option<&Failure> {
        self.verdict.outcome.as_ref().err()
    }

    /// The browser's reason name (Chromium's `CorsError`, such as
    /// `MissingAllowOriginHeader`), when the fetch failed a CORS check.
    pub fn reason(&self) -> Option<&'static str> {
        self.failure().and_then(|f| f.cors_error()).map(|s| s.error.name())
    }

    /// The response status script sees (0 for opaque responses).
    pub fn status(&self) -> Option<u16> {
        self.response().map(|r| r.status)
    }

    /// The lower-case header names script can read (empty when it failed).
    pub fn readable_headers(&self) -> &TokenList {
        static NONE: TokenList = TokenList::new();
        self.response().map_or(&NONE, |r| &r.headers)
    }

    /// The browser's console messages, word for word.
    pub fn console(&self) -> &[String] {
        &self.verdict.console
    }

    /// The preflight exchange, when one was sent.
    pub fn preflight(&self) -> Option<&Exchange> {
        self.exchanges.iter().find(|e| e.request.is_preflight)
    }

    /// The page's origin.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The `fetch()` arguments.
    pub fn request(&self) -> &RequestInit {
        &self.init
    }

    /// The profile it ran in.
    pub fn browser_profile(&self) -> &Profile {
        &self.profile
    }

    /// What to change on the server, when the fetch failed a CORS check.
    ///
    /// ```
    /// use corsim::{harness::{get, Page}, HttpResponse, CredentialsMode};
    /// let outcome = Page::new("https://app.example")
    ///     .fetch(get("https://api.example/me").credentials(CredentialsMode::Include))
    ///     .against_fn(|_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"));
    /// assert!(outcome.fix().unwrap().contains("https://app.example"));
    /// ```
    pub fn fix(&self) -> Option<String> {
        self.failure()?;
        let fix = self.explain().fix?;
        let steps: Vec<String> = fix.steps.iter().map(|s| format!("{}: {}", s.why, s.change)).collect();
        Some(if steps.is_empty() { fix.summary } else { steps.join("; then ") })
    }

    /// The whole explanation of this fetch, as `corsim explain` prints it:
    /// the classification, each exchange with its checks, what script can
    /// read, the console messages and the fix (derived from the failure,
    /// not verified, since the harness cannot ask a changed server).
    pub fn explain(&self) -> crate::explain::Explanation {
        let responses: Vec<HttpResponse> = self.exchanges.iter().map(|e| e.response.clone()).collect();
        crate::explain::Explanation::from_verdict(&self.profile, &self.origin, &self.init, &self.verdict, &responses)
    }

    /// A multi-line description: the fetch, every exchange with the headers
    /// CORS reads, the result, the console messages and the fix.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("  fetch:   {}\n", describe_init(&self.init)));
        out.push_str(&format!("  page:    {} in {}\n", self.origin, browser_name(&self.profile)));
        for e in &self.exchanges {
            out.push_str(&format!("  sent:    {}\n", describe_exchange(e)));
        }
        if self.exchanges.is_empty() {
            out.push_str("  sent:    nothing\n");
        }
        match &self.verdict.outcome {
            Ok(r) => out.push_str(&format!(
                "  result:  response type {}, status {}, readable headers [{}]\n",
                r.kind,
                r.status,
                r.headers.join(", ")
            )),
            Err(f) => {
                let reason = match &f.kind {
                    FailureKind::Cors(s) if s.failed_parameter.is_empty() => s.error.name().to_owned(),
                    FailureKind::Cors(s) => format!("{} ({:?})", s.error.name(), s.failed_parameter),
                    other => format!("{other:?}"),
                };
                out.push_str(&format!("  reason:  {reason}\n"));
            }
        }
        for line in &self.verdict.console {
            out.push_str(&format!("  console: {line}\n"));
        }
        if let Some(fix) = self.fix() {
            out.push_str(&format!("  fix:     {fix}\n"));
        }
        out
    }

    #[track_caller]
    fn fail(&self, headline: String) -> ! {
        panic!("{headline}\n{}", self.describe())
    }

    /// Assert that script can read the response.
    ///
    /// ```should_panic
    /// use corsim::{harness::{get, Page}, HttpResponse};
    /// // Panics: "expected script on https://app.example to read the response, but Chromium blocks it."
    /// Page::new("https://app.example").fetch(get("https://api.example/"))
    ///     .against_fn(|_| HttpResponse::new(200))
    ///     .assert_allowed();
    /// ```
    #[track_caller]
    pub fn assert_allowed(self) -> Self {
        if !self.is_readable() {
            let how = match self.response() {
                Some(r) => format!("it gets an {} response it cannot read", r.kind),
                None => format!("{} blocks it", browser_name(&self.profile)),
            };
            self.fail(format!("expected script on {} to read the response, but {how}.", self.origin));
        }
        self
    }

    /// Assert that script cannot read the response (`fetch()` rejects, or
    /// the response is opaque).
    ///
    /// ```should_panic
    /// use corsim::{harness::{get, Page}, HttpResponse};
    /// // Panics: the server reflects every origin.
    /// Page::new("https://evil.example").fetch(get("https://api.example/"))
    ///     .against_fn(|req| HttpResponse::new(200)
    ///         .header("Access-Control-Allow-Origin", &String::from_utf8_lossy(&req.headers.get("origin").unwrap())))
    ///     .assert_blocked();
    /// ```
    #[track_caller]
    pub fn assert_blocked(self) -> Self {
        if self.is_readable() {
            let shared_by = self
                .exchanges
                .last()
                .and_then(|e| e.response.headers.get("access-control-allow-origin"))
                .map(|v| format!(" (the response says `Access-Control-Allow-Origin: {}`)", isomorphic_decode(&v)))
                .unwrap_or_default();
            self.fail(format!(
                "expected the browser to keep the response from script on {}, but script can read it{shared_by}.\n  fix:     answer with `Access-Control-Allow-Origin` only for origins you trust, compared exactly against an allow-list",
                self.origin
            ));
        }
        self
    }

    /// Assert that the fetch failed with this reason: Chromium's `CorsError`
    /// name (`MissingAllowOriginHeader`, `PreflightInvalidStatus`, …) in every
    /// profile.
    ///
    /// ```
    /// use corsim::{harness::{put, Page}, HttpResponse};
    /// Page::new("https://app.example").fetch(put("https://api.example/"))
    ///     .against_fn(|_| HttpResponse::new(405))
    ///     .assert_blocked_because("PreflightMissingAllowOriginHeader");
    /// ```
    #[track_caller]
    pub fn assert_blocked_because(self, reason: &str) -> Self {
        if CorsError::from_name(reason).is_none() {
            panic!(
                "assert_blocked_because: {reason:?} is not a CorsError name; one of: {}",
                CorsError::ALL.iter().map(|e| e.name()).collect::<Vec<_>>().join(", ")
            );
        }
        if self.reason() != Some(reason) {
            let got = match (self.reason(), self.is_readable()) {
                (Some(r), _) => format!("it failed with {r}"),
                (None, true) => "script can read the response".to_owned(),
                (None, false) => "it failed another way".to_owned(),
            };
            self.fail(format!("expected the fetch from {} to fail with {reason}, but {got}.", self.origin));
        }
        self
    }

    /// Assert that script can read the response header `name` (any case).
    ///
    /// ```should_panic
    /// use corsim::{harness::{get, Page}, HttpResponse};
    /// // Panics: X-Total is not in Access-Control-Expose-Headers.
    /// Page::new("https://app.example").fetch(get("https://api.example/"))
    ///     .against_fn(|_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*").header("X-Total", "3"))
    ///     .assert_readable("X-Total");
    /// ```
    #[track_caller]
    pub fn assert_readable(self, name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        if !self.readable_headers().contains(&lower) {
            let sent = self.exchanges.last().is_some_and(|e| e.response.headers.contains(name));
            let why = if !self.is_readable() {
                "script cannot read the response at all".to_owned()
            } else if !sent {
                format!("the response has no `{name}` header")
            } else {
                format!(
                    "it is not exposed: list it in `Access-Control-Expose-Headers: {name}`{}",
                    if self.init.credentials == CredentialsMode::Include {
                        " (with credentials, `*` exposes nothing)"
                    } else {
                        ""
                    }
                )
            };
            self.fail(format!("expected script on {} to read the header `{name}`, but {why}.", self.origin));
        }
        self
    }

    /// Assert that script cannot read the response header `name`.
    ///
    /// ```
    /// use corsim::{harness::{get, Page}, HttpResponse};
    /// Page::new("https://app.example").fetch(get("https://api.example/"))
    ///     .against_fn(|_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*").header("X-Secret", "1"))
    ///     .assert_allowed()
    ///     .assert_not_readable("x-secret");
    /// ```
    #[track_caller]
    pub fn assert_not_readable(self, name: &str) -> Self {
        if self.readable_headers().contains(&name.to_ascii_lowercase()) {
            self.fail(format!("expected the header `{name}` to be hidden from script on {}, but it is readable.", self.origin));
        }
        self
    }

    /// Assert the status script sees.
    ///
    /// ```
    /// use corsim::{harness::{get, Page}, HttpResponse};
    /// Page::new("https://app.example").fetch(get("https://api.example/"))
    ///     .against_fn(|_| HttpResponse::new(404).header("Access-Control-Allow-Origin", "*"))
    ///     .assert_status(404);
    /// ```
    #[track_caller]
    pub fn assert_status(self, status: u16) -> Self {
        if self.status() != Some(status) {
            let got = match self.status() {
                Some(s) => format!("it sees {s}"),
                None => "fetch() rejected".to_owned(),
            };
            self.fail(format!("expected script on {} to see status {status}, but {got}.", self.origin));
        }
        self
    }

    /// Assert that the browser sent a preflight.
    #[track_caller]
    pub fn assert_preflight_sent(self) -> Self {
        if self.preflight().is_none() {
            self.fail(format!("expected the browser on {} to send a preflight, but it sent none.", self.origin));
        }
        self
    }

    /// Assert that the browser sent no preflight (a simple request, or a
    /// preflight cache hit).
    #[track_caller]
    pub fn assert_no_preflight_sent(self) -> Self {
        if self.preflight().is_some() {
            self.fail(format!("expected the browser on {} to send no preflight, but it sent one.", self.origin));
        }
        self
    }
}

fn browser_name(profile: &Profile) -> &'static str {
    match profile.browser {
        crate::Browser::Chromium => "Chromium",
        crate::Browser::Firefox => "Firefox",
        crate::Browser::WebKit => "WebKit",
        crate::Browser::Spec => "the Fetch standard",
    }
}

fn describe_init(init: &RequestInit) -> String {
    let method = if init.method.is_empty() { "GET".to_owned() } else { init.method.to_ascii_uppercase() };
    let mut out = format!("{method} {}", init.url);
    let mut extras = Vec::new();
    if !init.headers.is_empty() {
        extras.push(format!(
            "headers: {}",
            init.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    extras.push(format!("credentials: {}", init.credentials));
    if init.mode != crate::Mode::Cors {
        extras.push(format!("mode: {}", init.mode));
    }
    if init.redirect != crate::RedirectMode::Follow {
        extras.push(format!("redirect: {}", init.redirect));
    }
    out.push_str(&format!(" ({})", extras.join("; ")));
    out
}

/// `OPTIONS https://… -> 204; access-control-allow-origin: …` with the
/// response headers CORS reads.
fn describe_exchange(e: &Exchange) -> String {
    let mut out = format!("{} {} -> {}", e.request.method, e.request.url, e.response.status);
    let cors: Vec<String> = e
        .response
        .headers
        .iter()
        .filter(|h| {
            let n = h.name.to_ascii_lowercase();
            n.starts_with(b"access-control-") || n == b"vary" || n == b"location"
        })
        .map(|h| format!("{}: {}", isomorphic_decode(&h.name.to_ascii_lowercase()), isomorphic_decode(h.value)))
        .collect();
    if cors.is_empty() {
        out.push_str(" (no CORS headers)");
    } else {
        out.push_str("; ");
        out.push_str(&cors.join("; "));
    }
    out
}

