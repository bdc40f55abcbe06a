//! Why a fetch failed: CORS errors with Chromium's reason names, the other
//! network errors a fetch can end in, the `TypeError`s `fetch()` rejects with
//! before sending anything, and [`InputError`] for input corsim cannot read.

use std::fmt;

/// A CORS failure, named as Chromium's `network::mojom::CorsError` names it
/// (DevTools shows it as `corsErrorStatus.corsError`).
///
/// Other browsers have their own names; a [`crate::Profile`] maps these to them
/// (see [`crate::console`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum CorsError {
    /// The request's mode forbids it: a `same-origin` request to another origin (Fetch § "Main
    /// fetch": mode `same-origin` → network error).
    DisallowedByMode,
    /// The response could not be checked at all (Chromium only, for a preflight that ended in a
    /// network error other than a CORS one; the standard has no such reason).
    InvalidResponse,
    /// `Access-Control-Allow-Origin` is `*` for a request whose credentials mode is `include` (CORS
    /// check: `*` passes only without credentials).
    WildcardOriginNotAllowed,
    /// The response has no `Access-Control-Allow-Origin` header (CORS check: the value is null).
    MissingAllowOriginHeader,
    /// `Access-Control-Allow-Origin` holds more than one value (several lines or a list), which
    /// never equals the one serialized origin.
    MultipleAllowOriginValues,
    /// `Access-Control-Allow-Origin` is neither `*`, `null` nor a parsable origin, so it cannot
    /// equal the request's origin.
    InvalidAllowOriginValue,
    /// `Access-Control-Allow-Origin` is a well-formed origin (or `null`) other than the request's
    /// serialized origin.
    AllowOriginMismatch,
    /// The request's credentials mode is `include` and `Access-Control-Allow-Credentials` is not
    /// exactly `true` (CORS check, last steps).
    InvalidAllowCredentials,
    /// A `cors` request to a URL whose scheme is not HTTP(S) (Fetch § "Main fetch": such a scheme
    /// gets a network error).
    CorsDisabledScheme,
    /// The preflight response's status is not an ok status, 200 to 299 (Fetch § "CORS-preflight
    /// fetch").
    PreflightInvalidStatus,
    /// The preflight response is a redirect, which a preflight never follows (in the standard
    /// simply a status that is not ok).
    PreflightDisallowedRedirect,
    /// As [`CorsError::WildcardOriginNotAllowed`], on the preflight response, judged with the
    /// actual request's credentials mode.
    PreflightWildcardOriginNotAllowed,
    /// As [`CorsError::MissingAllowOriginHeader`], on the preflight response.
    PreflightMissingAllowOriginHeader,
    /// As [`CorsError::MultipleAllowOriginValues`], on the preflight response.
    PreflightMultipleAllowOriginValues,
    /// As [`CorsError::InvalidAllowOriginValue`], on the preflight response.
    PreflightInvalidAllowOriginValue,
    /// As [`CorsError::AllowOriginMismatch`], on the preflight response.
    PreflightAllowOriginMismatch,
    /// As [`CorsError::InvalidAllowCredentials`], on the preflight response.
    PreflightInvalidAllowCredentials,
    /// `Access-Control-Allow-Methods` does not parse as a list of method tokens (extracting its
    /// values returns failure).
    InvalidAllowMethodsPreflightResponse,
    /// `Access-Control-Allow-Headers` does not parse as a list of header-name tokens (extracting
    /// its values returns failure).
    InvalidAllowHeadersPreflightResponse,
    /// The request's method is not CORS-safelisted, not in `Access-Control-Allow-Methods` and not
    /// covered by a usable `*`.
    MethodDisallowedByPreflightResponse,
    /// A CORS-unsafe request header is not in `Access-Control-Allow-Headers` and not covered by a
    /// usable `*` (`*` never covers `Authorization` in the standard).
    HeaderDisallowedByPreflightResponse,
    /// A redirect to a URL with a username or password, for a `cors` request whose origin is not
    /// the URL's or whose response tainting is `cors` (Fetch § "HTTP-redirect fetch").
    RedirectContainsCredentials,
    /// A `no-cors` request whose redirect mode is not `follow` (Fetch § "Main fetch"; Chromium
    /// reports it from the renderer, so it is not in `cors.mojom`).
    NoCorsRedirectModeNotFollow,
}

impl CorsError {
    /// Every variant, in Chromium's enum order.
    pub const ALL: [CorsError; 23] = [
        CorsError::DisallowedByMode,
        CorsError::InvalidResponse,
        CorsError::WildcardOriginNotAllowed,
        CorsError::MissingAllowOriginHeader,
        CorsError::MultipleAllowOriginValues,
        CorsError::InvalidAllowOriginValue,
        CorsError::AllowOriginMismatch,
        CorsError::InvalidAllowCredentials,
        CorsError::CorsDisabledScheme,
        CorsError::PreflightInvalidStatus,
        CorsError::PreflightDisallowedRedirect,
        CorsError::PreflightWildcardOriginNotAllowed,
        CorsError::PreflightMissingAllowOriginHeader,
        CorsError::PreflightMultipleAllowOriginValues,
        CorsError::PreflightInvalidAllowOriginValue,
        CorsError::PreflightAllowOriginMismatch,
        CorsError::PreflightInvalidAllowCredentials,
        CorsError::InvalidAllowMethodsPreflightResponse,
        CorsError::InvalidAllowHeadersPreflightResponse,
        CorsError::MethodDisallowedByPreflightResponse,
        CorsError::HeaderDisallowedByPreflightResponse,
        CorsError::RedirectContainsCredentials,
        CorsError::NoCorsRedirectModeNotFollow,
    ];

    /// Chromium's name for the reason, e.g. `"PreflightMissingAllowOriginHeader"`.
    pub fn name(self) -> &'static str {
        match self {
            CorsError::DisallowedByMode => "DisallowedByMode",
            CorsError::InvalidResponse => "InvalidResponse",
            CorsError::WildcardOriginNotAllowed => "WildcardOriginNotAllowed",
            CorsError::MissingAllowOriginHeader => "MissingAllowOriginHeader",
            CorsError::MultipleAllowOriginValues => "MultipleAllowOriginValues",
            CorsError::InvalidAllowOriginValue => "InvalidAllowOriginValue",
            CorsError::AllowOriginMismatch => "AllowOriginMismatch",
            CorsError::InvalidAllowCredentials => "InvalidAllowCredentials",
            CorsError::CorsDisabledScheme => "CorsDisabledScheme",
            CorsError::PreflightInvalidStatus => "PreflightInvalidStatus",
            CorsError::PreflightDisallowedRedirect => "PreflightDisallowedRedirect",
            CorsError::PreflightWildcardOriginNotAllowed => "PreflightWildcardOriginNotAllowed",
            CorsError::PreflightMissingAllowOriginHeader => "PreflightMissingAllowOriginHeader",
            CorsError::PreflightMultipleAllowOriginValues => "PreflightMultipleAllowOriginValues",
            CorsError::PreflightInvalidAllowOriginValue => "PreflightInvalidAllowOriginValue",
            CorsError::PreflightAllowOriginMismatch => "PreflightAllowOriginMismatch",
            CorsError::PreflightInvalidAllowCredentials => "PreflightInvalidAllowCredentials",
            CorsError::InvalidAllowMethodsPreflightResponse => "InvalidAllowMethodsPreflightResponse",
            CorsError::InvalidAllowHeadersPreflightResponse => "InvalidAllowHeadersPreflightResponse",
            CorsError::MethodDisallowedByPreflightResponse => "MethodDisallowedByPreflightResponse",
            CorsError::HeaderDisallowedByPreflightResponse => "HeaderDisallowedByPreflightResponse",
            CorsError::RedirectContainsCredentials => "RedirectContainsCredentials",
            CorsError::NoCorsRedirectModeNotFollow => "NoCorsRedirectModeNotFollow",
        }
    }

    /// Parse a Chromium reason name.
    pub fn from_name(name: &str) -> Option<CorsError> {
        CorsError::ALL.into_iter().find(|e| e.name() == name)
    }

    /// Whether this reason is about the preflight response (Chromium then
    /// prefixes its message with "Response to preflight request doesn't pass
    /// access control check: ").
    pub fn is_preflight_access_check(self) -> bool {
        matches!(
            self,
            CorsError::PreflightInvalidStatus
                | CorsError::PreflightDisallowedRedirect
                | CorsError::PreflightWildcardOriginNotAllowed
                | CorsError::PreflightMissingAllowOriginHeader
                | CorsError::PreflightMultipleAllowOriginValues
                | CorsError::PreflightInvalidAllowOriginValue
                | CorsError::PreflightAllowOriginMismatch
                | CorsError::PreflightInvalidAllowCredentials
        )
    }

    /// Whether the failure happened while judging a preflight response.
    pub fn is_preflight(self) -> bool {
        self.is_preflight_access_check()
            || matches!(
                self,
                CorsError::InvalidAllowMethodsPreflightResponse
                    | CorsError::InvalidAllowHeadersPreflightResponse
                    | CorsError::MethodDisallowedByPreflightResponse
                    | CorsError::HeaderDisallowedByPreflightResponse
            )
    }

    /// The preflight twin of an access-check error (`MissingAllowOriginHeader`
    /// → `PreflightMissingAllowOriginHeader`); other errors map to themselves.
    pub fn for_preflight(self) -> CorsError {
        match self {
            CorsError::WildcardOriginNotAllowed => CorsError::PreflightWildcardOriginNotAllowed,
            CorsError::MissingAllowOriginHeader => CorsError::PreflightMissingAllowOriginHeader,
            CorsError::MultipleAllowOriginValues => CorsError::PreflightMultipleAllowOriginValues,
            CorsError::InvalidAllowOriginValue => CorsError::PreflightInvalidAllowOriginValue,
            CorsError::AllowOriginMismatch => CorsError::PreflightAllowOriginMismatch,
            CorsError::InvalidAllowCredentials => CorsError::PreflightInvalidAllowCredentials,
            other => other,
        }
    }
}

impl fmt::Display for CorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A [`CorsError`] with the value that failed (Chromium's `failed_parameter`:
/// a header value, a method or a header name), as bytes decoded isomorphically.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CorsErrorStatus {
    /// The reason.
    pub error: CorsError,
    /// The value that failed, or empty.
    pub failed_parameter: String,
}

impl CorsErrorStatus {
    /// A status with its failed value.
    pub fn new(error: CorsError, failed_parameter: impl Into<String>) -> Self {
        CorsErrorStatus { error, failed_parameter: failed_parameter.into() }
    }
}

/// Why `fetch()` rejected before sending anything (a `TypeError` in script).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "error", content = "value", rename_all = "kebab-case"))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum TypeErrorKind {
    /// The method is not a token (`fetch()`: "'…' is not a valid HTTP method").
    InvalidMethod(String),
    /// `CONNECT`, `TRACE` or `TRACK`.
    ForbiddenMethod(String),
    /// `no-cors` mode with a method other than GET, HEAD or POST.
    NoCorsMethod(String),
    /// The URL does not parse.
    InvalidUrl(String),
    /// The URL carries a username or password.
    UrlHasCredentials(String),
    /// A header name is not a token.
    InvalidHeaderName(String),
    /// A header value has NUL, CR or LF, or a character above U+00FF.
    InvalidHeaderValue(String),
}

impl fmt::Display for TypeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeErrorKind::InvalidMethod(m) => write!(f, "'{m}' is not a valid HTTP method."),
            TypeErrorKind::ForbiddenMethod(m) => write!(f, "'{m}' HTTP method is unsupported."),
            TypeErrorKind::NoCorsMethod(m) => write!(f, "'{m}' is unsupported in no-cors mode."),
            TypeErrorKind::InvalidUrl(u) => write!(f, "Failed to parse URL from {u}"),
            TypeErrorKind::UrlHasCredentials(u) => {
                write!(f, "Request cannot be constructed from a URL that includes credentials: {u}")
            }
            TypeErrorKind::InvalidHeaderName(n) => write!(f, "Invalid name: '{n}'"),
            TypeErrorKind::InvalidHeaderValue(v) => write!(f, "Invalid value: '{v}'"),
        }
    }
}

/// Why a fetch ended in a network error (`fetch()` rejects with `TypeError:
/// Failed to fetch`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", content = "detail", rename_all = "kebab-case"))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum FailureKind {
    /// `fetch()` rejected before sending anything.
    TypeError(TypeErrorKind),
    /// A CORS check failed.
    Cors(CorsErrorStatus),
    /// `redirect: "error"` and the response was a redirect.
    RedirectModeError,
    /// More than the profile's redirect limit (20).
    TooManyRedirects,
    /// A redirect status with an empty `Location` (WebKit fails it).
    EmptyRedirectLocation,
    /// The `Location` of a redirect does not parse as a URL.
    InvalidRedirectLocation(String),
    /// A redirect to a scheme other than `http` or `https`.
    RedirectToNonHttpScheme(String),
    /// A redirect to a scheme the browser's HTTP stack has turned off
    /// (WebKit: `ftp:`), refused before anything else looks at the redirect.
    RedirectToDisabledScheme(String),
    /// A redirect to a local resource (`file:`, a `blob:` URL of no origin
    /// the page may read), which a page may not load (WebKit).
    RedirectToLocalResource(String),
    /// A redirect to a URL with a username or password that is not a CORS
    /// error in this profile (e.g. a same-origin redirect in Chromium).
    RedirectWithCredentials(String),
    /// `mode: "same-origin"` and a redirect led to another origin.
    SameOriginModeRedirectedCrossOrigin(String),
    /// A `cors` fetch to a URL whose scheme is not `http` or `https`.
    SchemeNotHttp(String),
    /// The browser's HTTP stack refused the response before CORS or
    /// redirects looked at it (not CORS).
    Net(NetError),
    /// Not CORS: a check around CORS refused it (a bad port, mixed content,
    /// Local Network Access, `Cross-Origin-Resource-Policy`, a URL `fetch()`
    /// answers itself).
    Blocked(crate::blocked::Gate),
}

/// Why a browser's HTTP stack refuses a response outright, named as
/// Chromium's `net::Error` (`net/base/net_error_list.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[non_exhaustive]
pub enum NetError {
    /// A header line holds a NUL byte (`ERR_INVALID_HTTP_RESPONSE`).
    InvalidHttpResponse,
    /// A 407 from a server that is not a proxy (`ERR_UNEXPECTED_PROXY_AUTH`).
    UnexpectedProxyAuth,
    /// Several `Location` lines with different values
    /// (`ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION`).
    ResponseHeadersMultipleLocation,
}

impl NetError {
    /// Every variant.
    pub const ALL: [NetError; 3] =
        [NetError::InvalidHttpResponse, NetError::UnexpectedProxyAuth, NetError::ResponseHeadersMultipleLocation];

    /// The error Chromium names `name` (`ERR_INVALID_HTTP_RESPONSE`).
    pub fn from_chromium_name(name: &str) -> Option<NetError> {
        NetError::ALL.into_iter().find(|e| e.chromium_name() == name)
    }

    /// Chromium's name, as its console prints it after `net::`.
    pub fn chromium_name(self) -> &'static str {
        match self {
            NetError::InvalidHttpResponse => "ERR_INVALID_HTTP_RESPONSE",
            NetError::UnexpectedProxyAuth => "ERR_UNEXPECTED_PROXY_AUTH",
            NetError::ResponseHeadersMultipleLocation => "ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION",
        }
    }

    /// What is wrong with the response, in words.
    pub fn reason(self) -> &'static str {
        match self {
            NetError::InvalidHttpResponse => "a response header holds a NUL byte, which the browser's HTTP parser refuses",
            NetError::UnexpectedProxyAuth => "the server answered 407 Proxy Authentication Required, which only a proxy may send",
            NetError::ResponseHeadersMultipleLocation => "the response has several Location headers with different values",
        }
    }

    /// What fixes it on the server (no CORS header does).
    pub fn fix(self) -> &'static str {
        match self {
            NetError::InvalidHttpResponse => "send header values without NUL bytes",
            NetError::UnexpectedProxyAuth => "answer 401 (or let the request through); 407 is a proxy's status",
            NetError::ResponseHeadersMultipleLocation => "send exactly one Location header",
        }
    }
}

impl FailureKind {
    /// Whether CORS refused the fetch: a CORS error, as opposed to a check
    /// around CORS ([`FailureKind::gate`]), a redirect rule or a `TypeError`.
    /// Only these are fixed with `Access-Control-*` headers.
    pub fn is_cors(&self) -> bool {
        matches!(self, FailureKind::Cors(_))
    }

    /// The check around CORS that refused the fetch, when one did.
    pub fn gate(&self) -> Option<&crate::blocked::Gate> {
        match self {
            FailureKind::Blocked(gate) => Some(gate),
            _ => None,
        }
    }

    /// The CORS error, when this is one.
    pub fn cors_error(&self) -> Option<&CorsErrorStatus> {
        match self {
            FailureKind::Cors(s) => Some(s),
            _ => None,
        }
    }
}

/// Input corsim cannot read: a scenario line, a header, an argument. The
/// message names the field that is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The field, e.g. `steps[2].request.method`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl InputError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError { field: field.into(), message: message.into() }
    }

    /// The same error, with `prefix.` put before the field name.
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() { prefix.to_owned() } else { format!("{prefix}.{}", self.field) };
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InputError {}
