//! The few shapes that exist only on the JavaScript side: the options
//! objects, the request a server function is called with, `page.fetch()`'s
//! verdict and `page.cacheEntries()`. Everything inside them is the core's
//! own type (its serde shape, its TypeScript from the core's `tsify`
//! feature); these only gather and name them, camelCase, as the `Page` API
//! has always been.

use corsim::header_list::isomorphic_decode;
use corsim::preflight_cache::{CacheEntry as CoreEntry, CacheKey, CachedToken as CoreToken};
use corsim::{Browser, Event, Failure, FilteredResponse, HttpRequest, Verdict};
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// Options of `simulate`, `explain` and the single decisions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct SimulateOptions {
    /// The browser to imitate; by default the scenario's `browser` field, else Chromium.
    #[tsify(optional)]
    pub profile: Option<Browser>,
}

/// Options of `new Page(origin, options)`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct PageOptions {
    /// The browser to imitate (default Chromium).
    #[tsify(optional)]
    pub profile: Option<Browser>,
    /// The seed of the preflight cache's eviction randomness (default: the
    /// core's fixed seed), a whole number from 0 to 2^53 - 1.
    #[tsify(optional)]
    pub seed: Option<u64>,
    /// The page beyond its origin, as a scenario's `page` object
    /// (tests/corpus/FORMAT.md: `url`, `secure_context`, `address_space`,
    /// `address_spaces`, `local_network_access`, `coep`), for the checks
    /// around CORS; by default what the origin implies.
    #[tsify(optional, type = "Record<string, unknown>")]
    pub page: Option<serde_json::Value>,
}

/// A request as it goes on the wire: what the server sees.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct WireRequest {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The headers corsim models (the page's own, `Origin`,
    /// `Access-Control-Request-*`), in the browser's order; characters stand for bytes.
    pub headers: Vec<(String, String)>,
    /// Whether this is a CORS preflight.
    pub is_preflight: bool,
}

impl From<&HttpRequest> for WireRequest {
    fn from(r: &HttpRequest) -> Self {
        WireRequest {
            method: r.method.clone(),
            url: r.url.as_str().to_owned(),
            headers: r.headers.iter().map(|h| (isomorphic_decode(h.name), isomorphic_decode(h.value))).collect(),
            is_preflight: r.is_preflight,
        }
    }
}

/// How one `page.fetch()` ended.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct FetchVerdict {
    /// Whether `fetch()` resolved.
    pub ok: bool,
    /// Every request the server received, in order.
    pub requests: Vec<WireRequest>,
    /// What script got, when `fetch()` resolved.
    pub response: Option<FilteredResponse>,
    /// Why `fetch()` rejected, when it did.
    pub failure: Option<Failure>,
    /// The profile's browser's own name for the CORS failure (Chromium's
    /// `corsError`, Firefox's message key, WebKit's message), or `null`.
    pub cors_error: Option<String>,
    /// The messages the browser writes to its console, word for word.
    pub console: Vec<String>,
    /// What happened, step by step: the engine's trace.
    pub events: Vec<Event>,
}

impl FetchVerdict {
    /// The verdict of the core, for JavaScript.
    pub fn new(profile: &corsim::Profile, origin: &corsim::Origin, verdict: Verdict) -> Self {
        let Verdict { requests, outcome, events, console } = verdict;
        let cors_error = outcome.as_ref().err().and_then(|f| corsim::console::reason_name(profile, origin, f));
        let ok = outcome.is_ok();
        let (response, failure) = match outcome {
            Ok(r) => (Some(r), None),
            Err(f) => (None, Some(f)),
        };
        FetchVerdict { ok, requests: requests.iter().map(Into::into).collect(), response, failure, cors_error, console, events }
    }
}

/// One entry of a page's preflight cache, as `page.cacheEntries(nowMs)` shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CacheEntry {
    /// The origin the entry is for (the page's, or `"null"` once redirect-tainted
    /// in profiles that key on it).
    pub origin: String,
    /// The URL.
    pub url: String,
    /// Part of the key only in profiles that keep credentialed entries apart
    /// (Firefox); `null` elsewhere.
    pub key_credentials: Option<bool>,
    /// Whether the preflight was for a credentialed request.
    pub credentials: bool,
    /// Allowed methods still alive at `nowMs`, with their expiry.
    pub methods: Vec<CachedToken>,
    /// Allowed header names (lower-case) still alive at `nowMs`, with their expiry.
    pub headers: Vec<CachedToken>,
    /// When it was stored or last refreshed (ms, the caller's clock).
    pub stored_ms: f64,
    /// When the entry as a whole expires (ms).
    pub expires_ms: f64,
    /// `expiresMs - nowMs`.
    pub expires_in_ms: f64,
}

/// An allowed method or header name and when it expires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CachedToken {
    /// The method (case kept), the header name (lower-case), or `*`.
    pub token: String,
    /// The first time (ms) at which it no longer counts.
    pub expires_ms: f64,
}

impl CacheEntry {
    /// The entry as seen at `now` (ms), or `None` when it has expired by then.
    pub fn at(key: &CacheKey, e: &CoreEntry, now: u64) -> Option<Self> {
        if e.expires.as_millis() <= now {
            return None;
        }
        let alive = |tokens: &[CoreToken]| {
            tokens
                .iter()
                .filter(|t| t.expires.as_millis() > now)
                .map(|t| CachedToken { token: t.token.clone(), expires_ms: t.expires.as_millis() as f64 })
                .collect()
        };
        Some(CacheEntry {
            origin: key.origin.clone(),
            url: key.url.clone(),
            key_credentials: key.credentials,
            credentials: e.credentials,
            methods: alive(&e.methods),
            headers: alive(&e.headers),
            stored_ms: e.stored.as_millis() as f64,
            expires_ms: e.expires.as_millis() as f64,
            expires_in_ms: (e.expires.as_millis() - now) as f64,
        })
    }
}

/// The result of `corsCheck`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CorsCheck {
    /// Whether the response passes.
    pub ok: bool,
    /// Chromium's name for the failure (`corsErrorStatus.corsError`).
    pub error: Option<corsim::CorsError>,
    /// The value that failed, or `""`.
    pub failed_parameter: Option<String>,
}

/// One request a CORS library's model was sent, and its answer.
#[cfg(feature = "explain")]
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct ModelAnswer {
    /// The request as the browser sends it.
    pub request: WireRequest,
    /// The library's status.
    pub status: u16,
    /// The library's headers, in its order and case; characters stand for bytes.
    pub headers: Vec<(String, String)>,
}

#[cfg(feature = "explain")]
impl ModelAnswer {
    /// The pair the core gives.
    pub fn new((request, response): &(HttpRequest, corsim::HttpResponse)) -> Self {
        ModelAnswer {
            request: WireRequest::from(request),
            status: response.status,
            headers: response.headers.iter().map(|h| (isomorphic_decode(h.name), isomorphic_decode(h.value))).collect(),
        }
    }
}

/// `serverModelAnswers()`: the library's answers to the preflight and to
/// the request itself.
#[cfg(feature = "explain")]
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ModelAnswers {
    /// The answer to the CORS preflight for the request.
    pub preflight: ModelAnswer,
    /// The answer to the request itself.
    pub actual: ModelAnswer,
}
