//! The JavaScript-facing shapes, as Rust types. The TypeScript declarations
//! shipped in the package are generated from these by `tsify` (each derive
//! emits its `interface`/`type` into the `.d.ts`), so the types cannot drift
//! from what the code produces:
//!
//! * outputs are built from the core's values by *exhaustive* destructuring
//!   (`From` impls below), so a field added to or removed from a core type
//!   stops this crate from compiling until the mirror follows;
//! * the FORMAT.md input shape ([`Scenario`]) is checked against every
//!   recorded corpus line by a native test (`deny_unknown_fields`), and the
//!   verdict mirror against the core's own serialization.
//!
//! Inputs are *read* by the core's parser (`corsim::scenario::Scenario::from_value`),
//! never by these types: they only describe the shape for TypeScript.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tsify::Tsify;

// ------------------------------------------------------------------ FORMAT.md input

/// A scenario in the shape of `tests/corpus/FORMAT.md`: a page of origin
/// `origin` making the `steps` fetches, in order, against the scripted `server`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(hashmap_as_object, missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Its id, echoed in the verdict.
    #[tsify(optional)]
    pub id: Option<String>,
    /// The recording browser (e.g. `"Chromium 156.0.8078.73"`); picks the
    /// profile unless the `profile` option is given.
    #[tsify(optional)]
    pub browser: Option<String>,
    /// The page's serialized origin, or `"null"` for an opaque origin.
    pub origin: String,
    /// The fetches, in order, sharing one preflight cache.
    pub steps: Vec<ScenarioStep>,
    /// The scripted server, by URL. An unlisted URL answers 404.
    #[tsify(optional)]
    pub server: Option<BTreeMap<String, ScriptedUrl>>,
    /// What the recording browser did (ignored by `simulate`).
    #[tsify(optional)]
    pub expect: Option<Vec<ExpectedStep>>,
}

/// One fetch of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct ScenarioStep {
    /// Milliseconds after the first step (default 0).
    #[tsify(optional)]
    pub at_ms: Option<u64>,
    /// The `fetch()` arguments.
    pub request: RequestInit,
}

/// The arguments of `fetch(url, init)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct RequestInit {
    /// The absolute URL.
    pub url: String,
    /// The method as script writes it (default `"GET"`).
    #[tsify(optional)]
    pub method: Option<String>,
    /// `[name, value]` pairs in order; every character at most U+00FF (one
    /// character per byte, as a `ByteString`).
    #[tsify(optional)]
    pub headers: Option<Vec<(String, String)>>,
    /// Default `"cors"`.
    #[tsify(optional)]
    pub mode: Option<Mode>,
    /// Default `"same-origin"`.
    #[tsify(optional)]
    pub credentials: Option<CredentialsMode>,
    /// Default `"follow"`.
    #[tsify(optional)]
    pub redirect: Option<RedirectMode>,
}

/// `RequestInit.mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// `cors`
    Cors,
    /// `no-cors`
    NoCors,
    /// `same-origin`
    SameOrigin,
}

/// `RequestInit.credentials`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialsMode {
    /// `omit`
    Omit,
    /// `same-origin`
    SameOrigin,
    /// `include`
    Include,
}

/// `RequestInit.redirect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectMode {
    /// `follow`
    Follow,
    /// `error`
    Error,
    /// `manual`
    Manual,
}

// The JS enums are the core's enums: the matches are exhaustive both ways.
impl From<Mode> for corsim::Mode {
    fn from(m: Mode) -> Self {
        match m {
            Mode::Cors => corsim::Mode::Cors,
            Mode::NoCors => corsim::Mode::NoCors,
            Mode::SameOrigin => corsim::Mode::SameOrigin,
        }
    }
}
impl From<corsim::Mode> for Mode {
    fn from(m: corsim::Mode) -> Self {
        match m {
            corsim::Mode::Cors => Mode::Cors,
            corsim::Mode::NoCors => Mode::NoCors,
            corsim::Mode::SameOrigin => Mode::SameOrigin,
        }
    }
}
impl From<CredentialsMode> for corsim::CredentialsMode {
    fn from(m: CredentialsMode) -> Self {
        match m {
            CredentialsMode::Omit => corsim::CredentialsMode::Omit,
            CredentialsMode::SameOrigin => corsim::CredentialsMode::SameOrigin,
            CredentialsMode::Include => corsim::CredentialsMode::Include,
        }
    }
}
impl From<corsim::CredentialsMode> for CredentialsMode {
    fn from(m: corsim::CredentialsMode) -> Self {
        match m {
            corsim::CredentialsMode::Omit => CredentialsMode::Omit,
            corsim::CredentialsMode::SameOrigin => CredentialsMode::SameOrigin,
            corsim::CredentialsMode::Include => CredentialsMode::Include,
        }
    }
}
impl From<RedirectMode> for corsim::RedirectMode {
    fn from(m: RedirectMode) -> Self {
        match m {
            RedirectMode::Follow => corsim::RedirectMode::Follow,
            RedirectMode::Error => corsim::RedirectMode::Error,
            RedirectMode::Manual => corsim::RedirectMode::Manual,
        }
    }
}
impl From<corsim::RedirectMode> for RedirectMode {
    fn from(m: corsim::RedirectMode) -> Self {
        match m {
            corsim::RedirectMode::Follow => RedirectMode::Follow,
            corsim::RedirectMode::Error => RedirectMode::Error,
            corsim::RedirectMode::Manual => RedirectMode::Manual,
        }
    }
}

/// What the scripted server answers for one URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct ScriptedUrl {
    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`).
    #[tsify(optional)]
    pub preflight: Option<ResponseInit>,
    /// The answer to every other request.
    #[tsify(optional)]
    pub actual: Option<ResponseInit>,
}

/// A response: status and headers (no body).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct ResponseInit {
    /// The status code, 100 to 999.
    pub status: u16,
    /// `[name, value]` pairs, byte for byte (characters at most U+00FF), in
    /// order, duplicates kept.
    #[tsify(optional)]
    pub headers: Option<Vec<(String, String)>>,
}

/// A recorded `expect` entry: a [`StepVerdict`], plus `unstable`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct ExpectedStep {
    /// Every request the server received.
    pub server_saw: Vec<SawRequest>,
    /// What `fetch()` gave the page.
    pub result: StepResult,
    /// The browser's name for the CORS failure.
    pub cors_error: Option<String>,
    /// The console messages, when recorded.
    #[tsify(optional)]
    pub console: Option<Vec<String>>,
    /// The browser did not do the same thing on every run of this step.
    #[tsify(optional)]
    pub unstable: Option<bool>,
}

// ------------------------------------------------------------------ FORMAT.md verdicts

/// The verdict for a scenario: one entry per step (FORMAT.md § Verdicts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ScenarioVerdict {
    /// The scenario's id.
    pub id: Option<String>,
    /// One verdict per step.
    pub steps: Vec<StepVerdict>,
}

/// The verdict for one step, in the shape of a recorded `expect` entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct StepVerdict {
    /// Every request the server received, in order.
    pub server_saw: Vec<SawRequest>,
    /// What `fetch()` gave the page.
    pub result: StepResult,
    /// The browser's own name for the CORS failure, or `null`.
    pub cors_error: Option<String>,
    /// The console messages, word for word.
    pub console: Vec<String>,
}

/// A request as the recording server logs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct SawRequest {
    /// The method.
    pub method: String,
    /// The URL, without fragment.
    pub url: String,
    /// The `origin` and `access-control-request-*` headers, lower-case names.
    pub headers: Vec<(String, String)>,
}

/// What `fetch()` gave the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct StepResult {
    /// `response.type`, or `"error"` when the promise rejected.
    #[serde(rename = "type")]
    pub kind: StepResultType,
    /// `response.status` (absent for errors).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[tsify(optional)]
    pub status: Option<u16>,
    /// The lower-case, sorted header names script can read (absent for errors).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[tsify(optional)]
    pub headers: Option<Vec<String>>,
}

/// `result.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "lowercase")]
pub enum StepResultType {
    /// Same-origin.
    Basic,
    /// Shared by CORS.
    Cors,
    /// `no-cors` cross-origin.
    Opaque,
    /// `redirect: "manual"` met a redirect.
    OpaqueRedirect,
    /// `fetch()` rejected (a network error).
    Error,
}

impl From<corsim::ResponseType> for StepResultType {
    fn from(t: corsim::ResponseType) -> Self {
        match t {
            corsim::ResponseType::Basic => StepResultType::Basic,
            corsim::ResponseType::Cors => StepResultType::Cors,
            corsim::ResponseType::Opaque => StepResultType::Opaque,
            corsim::ResponseType::OpaqueRedirect => StepResultType::OpaqueRedirect,
        }
    }
}

impl StepResultType {
    /// The type for the core's string (`"basic"`, …, `"error"`).
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "basic" => StepResultType::Basic,
            "cors" => StepResultType::Cors,
            "opaque" => StepResultType::Opaque,
            "opaqueredirect" => StepResultType::OpaqueRedirect,
            "error" => StepResultType::Error,
            _ => return None,
        })
    }
}

impl TryFrom<corsim::scenario::ScenarioVerdict> for ScenarioVerdict {
    type Error = String;
    fn try_from(v: corsim::scenario::ScenarioVerdict) -> Result<Self, String> {
        let corsim::scenario::ScenarioVerdict { id, steps } = v;
        let steps = steps.into_iter().map(StepVerdict::try_from).collect::<Result<_, _>>()?;
        Ok(ScenarioVerdict { id, steps })
    }
}

impl TryFrom<corsim::scenario::StepVerdict> for StepVerdict {
    type Error = String;
    fn try_from(v: corsim::scenario::StepVerdict) -> Result<Self, String> {
        let corsim::scenario::StepVerdict { server_saw, result, cors_error, console } = v;
        let corsim::scenario::StepResult { kind, status, headers } = result;
        let kind = StepResultType::parse(&kind).ok_or_else(|| format!("unknown result type {kind:?}"))?;
        let server_saw = server_saw
            .into_iter()
            .map(|corsim::scenario::SawRequest { method, url, headers }| SawRequest { method, url, headers })
            .collect();
        Ok(StepVerdict { server_saw, result: StepResult { kind, status, headers }, cors_error, console })
    }
}

// ------------------------------------------------------------------ options

/// A browser profile: Chromium 156 (the default), Firefox 153 ESR, WebKit
/// 2.50, or the WHATWG Fetch standard as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    /// Chromium.
    Chromium,
    /// Firefox.
    Firefox,
    /// WebKit.
    Webkit,
    /// The Fetch standard.
    Spec,
}

impl From<ProfileName> for corsim::Browser {
    fn from(p: ProfileName) -> Self {
        match p {
            ProfileName::Chromium => corsim::Browser::Chromium,
            ProfileName::Firefox => corsim::Browser::Firefox,
            ProfileName::Webkit => corsim::Browser::WebKit,
            ProfileName::Spec => corsim::Browser::Spec,
        }
    }
}

impl From<corsim::Browser> for ProfileName {
    fn from(b: corsim::Browser) -> Self {
        match b {
            corsim::Browser::Chromium => ProfileName::Chromium,
            corsim::Browser::Firefox => ProfileName::Firefox,
            corsim::Browser::WebKit => ProfileName::Webkit,
            corsim::Browser::Spec => ProfileName::Spec,
        }
    }
}

/// Options of `simulate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct SimulateOptions {
    /// The browser to imitate; by default the scenario's `browser` field,
    /// else Chromium.
    #[tsify(optional)]
    pub profile: Option<ProfileName>,
}

/// Options of `new Page(origin, options)`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(deny_unknown_fields)]
pub struct PageOptions {
    /// The browser to imitate (default Chromium).
    #[tsify(optional)]
    pub profile: Option<ProfileName>,
    /// The seed of the preflight cache's eviction randomness (default: the
    /// core's fixed seed), a whole number from 0 to 2^53 - 1.
    #[tsify(optional)]
    pub seed: Option<u64>,
}

// ------------------------------------------------------------------ Page.fetch

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
    /// `Access-Control-Request-*`), in the browser's order; characters stand
    /// for bytes.
    pub headers: Vec<(String, String)>,
    /// Whether this is a CORS preflight.
    pub is_preflight: bool,
}

impl From<&corsim::HttpRequest> for WireRequest {
    fn from(r: &corsim::HttpRequest) -> Self {
        let corsim::HttpRequest { method, url, headers, is_preflight } = r;
        WireRequest {
            method: method.clone(),
            url: url.as_str().to_owned(),
            headers: header_pairs(headers),
            is_preflight: *is_preflight,
        }
    }
}

/// A header list as `[name, value]` pairs, bytes decoded isomorphically.
pub fn header_pairs(list: &corsim::HeaderList) -> Vec<(String, String)> {
    use corsim::header_list::isomorphic_decode;
    list.iter().map(|corsim::Header { name, value }| (isomorphic_decode(name), isomorphic_decode(value))).collect()
}

/// What `fetch()` gave script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct FilteredResponse {
    /// `response.type`.
    #[serde(rename = "type")]
    pub kind: ResponseType,
    /// `response.status` (0 for opaque responses).
    pub status: u16,
    /// The lower-case, sorted header names `response.headers` lets script read.
    pub headers: Vec<String>,
}

/// `response.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "lowercase")]
pub enum ResponseType {
    /// Same-origin.
    Basic,
    /// Shared by CORS.
    Cors,
    /// `no-cors` cross-origin.
    Opaque,
    /// `redirect: "manual"` met a redirect.
    OpaqueRedirect,
}

impl From<ResponseType> for corsim::ResponseType {
    fn from(t: ResponseType) -> Self {
        match t {
            ResponseType::Basic => corsim::ResponseType::Basic,
            ResponseType::Cors => corsim::ResponseType::Cors,
            ResponseType::Opaque => corsim::ResponseType::Opaque,
            ResponseType::OpaqueRedirect => corsim::ResponseType::OpaqueRedirect,
        }
    }
}

impl From<&corsim::FilteredResponse> for FilteredResponse {
    fn from(r: &corsim::FilteredResponse) -> Self {
        let corsim::FilteredResponse { kind, status, headers } = r;
        let kind = match kind {
            corsim::ResponseType::Basic => ResponseType::Basic,
            corsim::ResponseType::Cors => ResponseType::Cors,
            corsim::ResponseType::Opaque => ResponseType::Opaque,
            corsim::ResponseType::OpaqueRedirect => ResponseType::OpaqueRedirect,
        };
        FilteredResponse { kind, status: *status, headers: headers.clone() }
    }
}

/// Why a fetch ended in a network error, and where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// The reason.
    pub reason: FailureReason,
    /// The URL being fetched when it failed.
    pub url: String,
    /// The URL script asked for, when a redirect led elsewhere.
    pub redirected_from: Option<String>,
    /// Every URL of the fetch so far (the first is the one script asked for).
    pub url_list: Vec<String>,
    /// The status of the response that failed, when one did.
    pub status: Option<u16>,
    /// The `Location` (as sent) of the redirect being followed when it failed.
    pub redirect_location: Option<String>,
    /// Whether it failed while judging a preflight.
    pub preflight: bool,
    /// The request's redirect mode.
    pub redirect: RedirectMode,
    /// Whether the request's origin was serialized as `null` (redirect-tainted).
    pub tainted: bool,
    /// The `Access-Control-Allow-Origin` of the response that failed (its
    /// lines joined with `, `), when it had one.
    pub allow_origin: Option<String>,
}

/// The reason a fetch failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FailureReason {
    /// `fetch()` rejected before sending anything (a `TypeError`).
    TypeError {
        /// Which check failed.
        error: TypeErrorKind,
        /// The offending value.
        value: String,
        /// The browser's `TypeError` message.
        message: String,
    },
    /// A CORS check failed.
    Cors {
        /// Chromium's name for the reason (`corsErrorStatus.corsError`),
        /// e.g. `"PreflightMissingAllowOriginHeader"`.
        error: String,
        /// The value that failed (a header value, a method, a header name), or `""`.
        #[serde(rename = "failedParameter")]
        failed_parameter: String,
    },
    /// `redirect: "error"` met a redirect.
    RedirectModeError,
    /// More redirects than the profile's limit.
    TooManyRedirects,
    /// A redirect status with an empty `Location` (WebKit fails it).
    EmptyRedirectLocation,
    /// A redirect's `Location` is not a URL.
    InvalidRedirectLocation {
        /// The `Location` value.
        location: String,
    },
    /// A redirect to a scheme other than `http` or `https`.
    RedirectToNonHttpScheme {
        /// The redirect target.
        location: String,
    },
    /// A redirect to a URL with a username or password.
    RedirectWithCredentials {
        /// The redirect target.
        location: String,
    },
    /// `mode: "same-origin"` and a redirect led to another origin.
    SameOriginModeRedirectedCrossOrigin {
        /// The cross-origin URL.
        url: String,
    },
    /// A `cors` fetch to a URL whose scheme is not `http` or `https`.
    SchemeNotHttp {
        /// The URL.
        url: String,
    },
    /// Not CORS: a check around CORS refused it.
    Blocked {
        /// The check: `bad-port`, `mixed-content`, `local-network-access`,
        /// `cross-origin-resource-policy` or `scheme`.
        gate: String,
        /// `not CORS: …`, and why.
        reason: String,
        /// What to change (never a CORS header).
        fix: String,
        /// Chromium's `CorsError` name, for the refusals Chromium reports as
        /// CORS errors (Local Network Access).
        chromium_cors_error: Option<String>,
    },
}

/// The `TypeError`s `fetch()` rejects with before sending anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "kebab-case")]
pub enum TypeErrorKind {
    /// The method is not a token.
    InvalidMethod,
    /// `CONNECT`, `TRACE` or `TRACK`.
    ForbiddenMethod,
    /// `no-cors` with a method other than GET, HEAD or POST.
    NoCorsMethod,
    /// The URL does not parse.
    InvalidUrl,
    /// The URL carries a username or password.
    UrlHasCredentials,
    /// A header name is not a token.
    InvalidHeaderName,
    /// A header value has NUL, CR or LF, or a character above U+00FF.
    InvalidHeaderValue,
}

impl From<&corsim::Failure> for Failure {
    fn from(f: &corsim::Failure) -> Self {
        use corsim::{FailureKind as K, TypeErrorKind as T};
        let corsim::Failure {
            kind,
            url,
            redirected_from,
            status,
            redirect_location,
            preflight,
            url_list,
            redirect,
            tainted,
            allow_origin,
        } = f;
        let reason = match kind {
            K::TypeError(t) => {
                let (error, value) = match t {
                    T::InvalidMethod(v) => (TypeErrorKind::InvalidMethod, v),
                    T::ForbiddenMethod(v) => (TypeErrorKind::ForbiddenMethod, v),
                    T::NoCorsMethod(v) => (TypeErrorKind::NoCorsMethod, v),
                    T::InvalidUrl(v) => (TypeErrorKind::InvalidUrl, v),
                    T::UrlHasCredentials(v) => (TypeErrorKind::UrlHasCredentials, v),
                    T::InvalidHeaderName(v) => (TypeErrorKind::InvalidHeaderName, v),
                    T::InvalidHeaderValue(v) => (TypeErrorKind::InvalidHeaderValue, v),
                };
                FailureReason::TypeError { error, value: value.clone(), message: t.to_string() }
            }
            K::Cors(corsim::CorsErrorStatus { error, failed_parameter }) => FailureReason::Cors {
                error: error.name().to_owned(),
                failed_parameter: failed_parameter.clone(),
            },
            K::RedirectModeError => FailureReason::RedirectModeError,
            K::TooManyRedirects => FailureReason::TooManyRedirects,
            K::EmptyRedirectLocation => FailureReason::EmptyRedirectLocation,
            K::InvalidRedirectLocation(l) => FailureReason::InvalidRedirectLocation { location: l.clone() },
            K::RedirectToNonHttpScheme(l) => FailureReason::RedirectToNonHttpScheme { location: l.clone() },
            K::RedirectWithCredentials(l) => FailureReason::RedirectWithCredentials { location: l.clone() },
            K::SameOriginModeRedirectedCrossOrigin(u) => {
                FailureReason::SameOriginModeRedirectedCrossOrigin { url: u.clone() }
            }
            K::SchemeNotHttp(u) => FailureReason::SchemeNotHttp { url: u.clone() },
            K::Blocked(gate) => FailureReason::Blocked {
                gate: gate.name().to_owned(),
                reason: format!("{gate}: {}", gate.reason(url.as_str())),
                fix: gate.fix(),
                chromium_cors_error: gate.chromium_cors_error_name().map(str::to_owned),
            },
        };
        Failure {
            reason,
            url: url.as_str().to_owned(),
            redirected_from: redirected_from.as_ref().map(|u| u.as_str().to_owned()),
            url_list: url_list.iter().map(|u| u.as_str().to_owned()).collect(),
            status: *status,
            redirect_location: redirect_location.clone(),
            preflight: *preflight,
            redirect: (*redirect).into(),
            tainted: *tainted,
            allow_origin: allow_origin.clone(),
        }
    }
}

/// How main fetch routed a request to one URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(tag = "route", rename_all = "kebab-case")]
pub enum Route {
    /// Same origin: no CORS at all.
    SameOrigin,
    /// `no-cors` to another origin: sent, the response opaque.
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

impl From<&corsim::Route> for Route {
    fn from(r: &corsim::Route) -> Self {
        match r {
            corsim::Route::SameOrigin => Route::SameOrigin,
            corsim::Route::NoCors => Route::NoCors,
            corsim::Route::Simple => Route::Simple,
            corsim::Route::Preflight { method, headers } => {
                Route::Preflight { method: method.clone(), headers: headers.iter().map(|h| h.name.clone()).collect() }
            }
        }
    }
}

/// Why the preflight cache had nothing usable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(tag = "reason", content = "value", rename_all = "kebab-case")]
pub enum CacheMiss {
    /// No entry for the key.
    NoEntry,
    /// The entry had expired (and was removed).
    Expired,
    /// A credentialed request and an uncredentialed entry.
    NotCredentialed,
    /// The method is not in the entry.
    Method(String),
    /// A header name is not in the entry.
    Header(String),
}

impl From<&corsim::preflight_cache::CacheMiss> for CacheMiss {
    fn from(m: &corsim::preflight_cache::CacheMiss) -> Self {
        use corsim::preflight_cache::CacheMiss as M;
        match m {
            M::NoEntry => CacheMiss::NoEntry,
            M::Expired => CacheMiss::Expired,
            M::NotCredentialed => CacheMiss::NotCredentialed,
            M::Method(v) => CacheMiss::Method(v.clone()),
            M::Header(v) => CacheMiss::Header(v.clone()),
        }
    }
}

/// Why `fetch()` dropped a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "kebab-case")]
pub enum DroppedBecause {
    /// A forbidden request-header.
    Forbidden,
    /// Not no-CORS-safelisted, in `no-cors` mode.
    NoCors,
}

/// Something that happened during a fetch, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// `fetch()` dropped a header.
    HeaderDropped {
        /// The header name as given.
        name: String,
        /// Why.
        because: DroppedBecause,
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
        /// `null` on a hit; why it missed otherwise.
        miss: Option<CacheMiss>,
    },
    /// A request was sent.
    Sent {
        /// Its index in `requests`.
        index: usize,
    },
    /// A response came back.
    Received {
        /// The index of the request it answers.
        index: usize,
        /// Its status.
        status: u16,
    },
    /// A check on the last response, in the order the browser runs them.
    Checked {
        /// Which.
        check: crate::explain::CheckName,
        /// Passed, failed, or never reached.
        state: crate::explain::CheckState,
    },
    /// A preflight result was stored (not when `maxAgeSecs` is `null`).
    #[serde(rename_all = "camelCase")]
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

impl From<&corsim::Event> for Event {
    fn from(e: &corsim::Event) -> Self {
        use corsim::Event as E;
        match e {
            E::HeaderDropped { header: corsim::request::DroppedHeader { name, because } } => Event::HeaderDropped {
                name: name.clone(),
                because: match because {
                    corsim::request::DroppedBecause::Forbidden => DroppedBecause::Forbidden,
                    corsim::request::DroppedBecause::NoCors => DroppedBecause::NoCors,
                },
            },
            E::Routed { url, route } => Event::Routed { url: url.clone(), route: route.into() },
            E::CacheLookup { url, miss } => Event::CacheLookup { url: url.clone(), miss: miss.as_ref().map(Into::into) },
            E::Sent { index } => Event::Sent { index: *index },
            E::Received { index, status } => Event::Received { index: *index, status: *status },
            E::Checked { check, state } => Event::Checked { check: (*check).into(), state: (*state).into() },
            E::PreflightStored { url, max_age_secs } => {
                Event::PreflightStored { url: url.clone(), max_age_secs: *max_age_secs }
            }
            E::Redirected { from, to, status, method, tainted } => Event::Redirected {
                from: from.clone(),
                to: to.clone(),
                status: *status,
                method: method.clone(),
                tainted: *tainted,
            },
        }
    }
}

/// How one `page.fetch()` ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct FetchVerdict {
    /// Whether script can read the response (`fetch()` resolved).
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
    /// What happened, step by step.
    pub events: Vec<Event>,
}

impl FetchVerdict {
    /// The JS verdict of a core verdict.
    pub fn new(profile: &corsim::Profile, origin: &corsim::Origin, v: &corsim::Verdict) -> Self {
        let corsim::Verdict { requests, outcome, events, console } = v;
        let (response, failure, cors_error) = match outcome {
            Ok(r) => (Some(r.into()), None, None),
            Err(f) => (None, Some(f.into()), corsim::console::reason_name(profile, origin, f)),
        };
        FetchVerdict {
            ok: outcome.is_ok(),
            requests: requests.iter().map(Into::into).collect(),
            response,
            failure,
            cors_error,
            console: console.clone(),
            events: events.iter().map(Into::into).collect(),
        }
    }
}

// ------------------------------------------------------------------ the preflight cache

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
    /// Whether the preflight was for a credentialed request (only such an
    /// entry serves credentialed requests).
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
    /// The entry as seen at `now`, or `None` when it has expired by then.
    pub fn at(key: &corsim::preflight_cache::CacheKey, e: &corsim::preflight_cache::CacheEntry, now: u64) -> Option<Self> {
        let corsim::preflight_cache::CacheKey { origin, url, credentials: key_credentials } = key;
        if e.expires.as_millis() <= now {
            return None;
        }
        let alive = |tokens: &[corsim::preflight_cache::CachedToken]| {
            tokens
                .iter()
                .filter(|t| t.expires.as_millis() > now)
                .map(|t| CachedToken { token: t.token.clone(), expires_ms: t.expires.as_millis() as f64 })
                .collect()
        };
        Some(CacheEntry {
            origin: origin.clone(),
            url: url.clone(),
            key_credentials: *key_credentials,
            credentials: e.credentials,
            methods: alive(&e.methods),
            headers: alive(&e.headers),
            stored_ms: e.stored.as_millis() as f64,
            expires_ms: e.expires.as_millis() as f64,
            expires_in_ms: (e.expires.as_millis() - now) as f64,
        })
    }
}
