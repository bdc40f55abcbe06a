//! What a fetch leaves behind: the verdict (the requests the server saw, what
//! script got or why the fetch failed, the console lines) and the trace of
//! every step and check the engine ran, in order.
//!
//! These are the engine's outputs; [`crate::fetch`] produces them and
//! everything else (the console messages, `explain`, the harness, the audit,
//! the CLI and the wasm package) only reads them.

use url::Url;

use crate::error::{CorsError, CorsErrorStatus, FailureKind};
use crate::preflight_cache::CacheMiss;
use crate::request::{DroppedHeader, HttpRequest, RedirectMode};
use crate::request_header::UnsafeBecause;
use crate::response::{FilteredResponse, ResponseType};

/// How main fetch routed a request to one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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
        /// The CORS-unsafe headers, by lower-case name, sorted, each with
        /// why it is unsafe.
        #[cfg_attr(feature = "tsify", tsify(type = "UnsafeRequestHeader[]"))]
        headers: Vec<UnsafeHeader>,
    },
}

impl Route {
    /// The CORS-unsafe header names that forced a preflight (empty for
    /// other routes).
    pub fn unsafe_names(&self) -> impl Iterator<Item = &str> {
        let headers = match self {
            Route::Preflight { headers, .. } => headers.as_slice(),
            _ => &[],
        };
        headers.iter().map(|h| h.name.as_str())
    }
}

/// A request header that is not CORS-safelisted, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null, rename = "UnsafeRequestHeader"))]
pub struct UnsafeHeader {
    /// Lower-case name.
    pub name: String,
    /// The value sent (all same-named values combined, where the profile
    /// combines them).
    pub value: String,
    /// Why it is unsafe.
    pub why: UnsafeBecause,
}

impl UnsafeHeader {
    /// Why it is unsafe, in words.
    ///
    /// ```
    /// use corsim::{request_header::UnsafeBecause, verdict::UnsafeHeader};
    /// let h = UnsafeHeader { name: "x-trace".into(), value: "1".into(), why: UnsafeBecause::NameNotSafelisted };
    /// assert_eq!(h.reason(), "not a CORS-safelisted request-header name");
    /// ```
    pub fn reason(&self) -> String {
        match &self.why {
            UnsafeBecause::Authorization => "Authorization is never CORS-safelisted".to_owned(),
            UnsafeBecause::NameNotSafelisted => "not a CORS-safelisted request-header name".to_owned(),
            UnsafeBecause::ValueTooLong => "its value is longer than 128 bytes".to_owned(),
            UnsafeBecause::MimeEssence { essence } => {
                format!("'{essence}' is not application/x-www-form-urlencoded, multipart/form-data or text/plain")
            }
            UnsafeBecause::UnsafeByte => "its value has a byte that is not CORS-safe".to_owned(),
            UnsafeBecause::NotAMimeType => "its value is not a MIME type".to_owned(),
            UnsafeBecause::ValueNotSafelisted => format!("its value '{}' is not CORS-safelisted", self.value),
            UnsafeBecause::TotalTooLong => {
                "safelisted on its own, but the safelisted headers' values add up to more than 1024 bytes".to_owned()
            }
        }
    }
}

/// Something that happened during a fetch: the engine's trace, which
/// `explain`, the harness and the wasm package render.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "event", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Event {
    /// `fetch()` dropped a header.
    HeaderDropped {
        /// The header (its fields inline in the serialized event).
        #[cfg_attr(feature = "serde", serde(flatten))]
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
    /// A check on the last response received, in the order the browser
    /// runs them; after a failed check, the checks it never reached. The
    /// checks around CORS that run before a request is sent (mixed content,
    /// the bad port, Local Network Access, the scheme) appear before the
    /// request's `Sent`, and only when they were in play.
    Checked {
        /// Which check.
        check: CheckName,
        /// Passed, failed, or not reached.
        state: CheckState,
    },
    /// A preflight result was stored (or not, when `max_age_secs` is `None`).
    /// Serialized as `maxAgeSecs`, the wasm package's `Page` API being camelCase.
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
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

/// The checks run on a response (Fetch § "CORS check", § "CORS-preflight
/// fetch", § "HTTP-redirect fetch").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum CheckName {
    /// A preflight must not be redirected; a redirect must be one the
    /// request may follow.
    Redirect,
    /// `Access-Control-Allow-Origin` must allow the request's origin.
    AllowOrigin,
    /// `Access-Control-Allow-Credentials: true` when credentials are included.
    AllowCredentials,
    /// A preflight needs an ok status (200–299).
    Status,
    /// `Access-Control-Allow-Methods` must parse and allow the method.
    AllowMethods,
    /// `Access-Control-Allow-Headers` must parse and allow the headers.
    AllowHeaders,
    /// Not CORS: the URL's port must not be a bad port (Fetch § "Port blocking").
    BadPort,
    /// Not CORS: a URL `fetch()` answers itself (`data:`, `about:blank`, `blob:`).
    Scheme,
    /// Not CORS: an `https:` page may fetch only potentially trustworthy URLs.
    MixedContent,
    /// Not CORS: reaching a more private address space needs permission.
    LocalNetworkAccess,
    /// Not CORS: a `no-cors` response's `Cross-Origin-Resource-Policy` (and
    /// the page's `Cross-Origin-Embedder-Policy`) must allow the page.
    CrossOriginResourcePolicy,
    /// Not CORS: a `no-cors` response from another origin must be one that
    /// may be embedded (opaque-response blocking).
    OpaqueResponseBlocking,
}

impl CheckName {
    /// The check a CORS error is the failure of.
    pub fn failed_by(error: CorsError) -> CheckName {
        use CorsError::*;
        match error {
            WildcardOriginNotAllowed
            | MissingAllowOriginHeader
            | MultipleAllowOriginValues
            | InvalidAllowOriginValue
            | AllowOriginMismatch
            | PreflightWildcardOriginNotAllowed
            | PreflightMissingAllowOriginHeader
            | PreflightMultipleAllowOriginValues
            | PreflightInvalidAllowOriginValue
            | PreflightAllowOriginMismatch => CheckName::AllowOrigin,
            InvalidAllowCredentials | PreflightInvalidAllowCredentials => CheckName::AllowCredentials,
            PreflightInvalidStatus => CheckName::Status,
            InvalidAllowMethodsPreflightResponse | MethodDisallowedByPreflightResponse => CheckName::AllowMethods,
            InvalidAllowHeadersPreflightResponse | HeaderDisallowedByPreflightResponse => CheckName::AllowHeaders,
            PreflightDisallowedRedirect | RedirectContainsCredentials | NoCorsRedirectModeNotFollow | DisallowedByMode
            | InvalidResponse | CorsDisabledScheme => CheckName::Redirect,
        }
    }

    /// Whether this is a CORS check (the rest are the checks around CORS,
    /// which no `Access-Control-*` header changes).
    pub fn is_cors(self) -> bool {
        matches!(
            self,
            CheckName::Redirect
                | CheckName::AllowOrigin
                | CheckName::AllowCredentials
                | CheckName::Status
                | CheckName::AllowMethods
                | CheckName::AllowHeaders
        )
    }

    /// The response header the check reads (`None` for the status, and for a
    /// redirect: its `Location`).
    pub fn header(self) -> Option<&'static str> {
        match self {
            CheckName::Redirect => Some("location"),
            CheckName::AllowOrigin => Some("access-control-allow-origin"),
            CheckName::AllowCredentials => Some("access-control-allow-credentials"),
            CheckName::Status => None,
            CheckName::AllowMethods => Some("access-control-allow-methods"),
            CheckName::AllowHeaders => Some("access-control-allow-headers"),
            CheckName::CrossOriginResourcePolicy => Some("cross-origin-resource-policy"),
            CheckName::OpaqueResponseBlocking => Some("content-type"),
            CheckName::BadPort | CheckName::Scheme | CheckName::MixedContent | CheckName::LocalNetworkAccess => None,
        }
    }
}

/// ```
/// use corsim::CheckName;
/// assert_eq!(CheckName::AllowOrigin.to_string(), "Access-Control-Allow-Origin");
/// ```
impl std::fmt::Display for CheckName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CheckName::Redirect => "redirect",
            CheckName::AllowOrigin => "Access-Control-Allow-Origin",
            CheckName::AllowCredentials => "Access-Control-Allow-Credentials",
            CheckName::Status => "status",
            CheckName::AllowMethods => "Access-Control-Allow-Methods",
            CheckName::AllowHeaders => "Access-Control-Allow-Headers",
            CheckName::BadPort => "port",
            CheckName::Scheme => "scheme",
            CheckName::MixedContent => "mixed content",
            CheckName::LocalNetworkAccess => "Local Network Access",
            CheckName::CrossOriginResourcePolicy => "Cross-Origin-Resource-Policy",
            CheckName::OpaqueResponseBlocking => "opaque-response blocking",
        })
    }
}

/// Whether a check passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum CheckState {
    /// It passed.
    Passed,
    /// It failed: this is why the fetch failed.
    Failed,
    /// An earlier check failed, so the browser never ran it.
    NotReached,
}

/// Why a fetch ended in a network error, and where.
///
/// Serialized in camelCase with `kind` as `reason` (the wasm package's `Page` API).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Failure {
    /// The reason.
    #[cfg_attr(feature = "serde", serde(rename = "reason"))]
    pub kind: FailureKind,
    /// The URL being fetched when it failed.
    #[cfg_attr(feature = "tsify", tsify(type = "string"))]
    pub url: Url,
    /// The URL script asked for, when a redirect led elsewhere.
    #[cfg_attr(feature = "tsify", tsify(type = "string | null"))]
    pub redirected_from: Option<Url>,
    /// The status of the response that failed, when one did.
    pub status: Option<u16>,
    /// The `Location` (as sent) of the redirect being followed when it
    /// failed, when it was one.
    pub redirect_location: Option<String>,
    /// Whether it failed while judging a preflight.
    pub preflight: bool,
    /// Every URL of the fetch so far (the first is the one script asked for).
    #[cfg_attr(feature = "tsify", tsify(type = "string[]"))]
    pub url_list: Vec<Url>,
    /// The request's redirect mode.
    pub redirect: RedirectMode,
    /// Whether the request's origin was serialized as `null` (redirect-tainted).
    pub tainted: bool,
    /// The `Access-Control-Allow-Origin` of the response that failed (all
    /// its lines joined with `, `), when it had one.
    pub allow_origin: Option<String>,
    /// Whether the request was under CORS (response tainting `cors`) when it
    /// failed.
    pub cors: bool,
}

impl Failure {
    /// The CORS error, when this is one.
    pub fn cors_error(&self) -> Option<&CorsErrorStatus> {
        self.kind.cors_error()
    }

    /// The check around CORS that refused the fetch: the gate of a
    /// [`FailureKind::Blocked`], or the scheme check for `CorsDisabledScheme`,
    /// which Firefox and WebKit report as a CORS error (a `cors`-mode fetch
    /// of a URL that is not HTTP(S), or a redirect to one) although no CORS
    /// header changes it.
    ///
    /// ```
    /// use corsim::{fetch::run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
    /// let v = run(&Profile::FIREFOX, Origin::parse("http://app.example").unwrap(),
    ///     &RequestInit::get("about:blank"), &mut PreflightCache::new(), Timestamp::ZERO, |_| HttpResponse::new(200));
    /// let failure = v.outcome.unwrap_err();
    /// assert!(failure.kind.is_cors(), "Firefox: CORSRequestNotHttp");
    /// assert_eq!(failure.refusing_gate().unwrap().to_string(), "not CORS: a URL fetch() loads itself");
    /// ```
    pub fn refusing_gate(&self) -> Option<crate::blocked::Gate> {
        use crate::blocked::{Gate, SchemeError};
        match &self.kind {
            FailureKind::Blocked(gate) => Some(gate.clone()),
            FailureKind::Cors(s) if s.error == CorsError::CorsDisabledScheme => {
                // The URL that is not HTTP(S): the one fetched, or the redirect's target.
                let target = self.redirect_location.as_deref().and_then(|l| self.url.join(l).ok());
                let url = [Some(&self.url), target.as_ref()].into_iter().flatten().find(|u| !matches!(u.scheme(), "http" | "https"))?;
                Some(Gate::Scheme(SchemeError::Unsupported { scheme: url.scheme().to_owned() }))
            }
            _ => None,
        }
    }
}

/// How a fetch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
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
    /// Whether the fetch did not reject (its response may still be opaque).
    pub fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }

    /// Whether script can read the response: the fetch did not reject and
    /// the response is `basic` or `cors`, not opaque.
    pub fn is_readable(&self) -> bool {
        matches!(&self.outcome, Ok(r) if matches!(r.kind, ResponseType::Basic | ResponseType::Cors))
    }
}
