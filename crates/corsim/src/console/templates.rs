//! Every console message the engine knows, each stated once, as data: literal
//! text with named slots (`{url}`, `{origin}`, `{hint}`, …). The same
//! templates render messages ([`super::messages`]) and read pasted ones back
//! ([`super::parse()`]).
//!
//! Sources: Chromium's `cors_error_string.cc` (`GetErrorStringForConsoleMessage`)
//! and its loader's `Failed to load resource` lines; Firefox's
//! `dom/locales/en-US/chrome/security/security.properties`; WebKit's
//! `CrossOriginAccessControl.cpp` and its loader's error logger. Every text
//! the recordings hold was checked against them word for word
//! (`tests/corpus.rs`); the few marked *parse only* are not rendered by the
//! engine (older browser versions, DevTools' network lines) and are read back
//! when a user pastes them.

use crate::blocked::{CorpBlock, EmbedderPolicy, LnaDenial, ResourcePolicy};
use crate::error::CorsError;
use crate::request::Initiator;

/// A named place in a template, written `{name}` in its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    /// What made the request, as Chromium names it (`fetch`, `XMLHttpRequest`,
    /// `script`, …), or WebKit's loader (`Fetch API`, `XMLHttpRequest`).
    Initiator,
    /// The URL being fetched when it failed.
    Url,
    /// The URL script asked for, when a redirect led elsewhere.
    FirstUrl,
    /// The origin the browser judged the response against.
    Origin,
    /// The value that failed (a header value, a method or a header name).
    Hint,
    /// A response's status code.
    Status,
    /// A status code's reason phrase.
    StatusText,
    /// Where a redirect pointed.
    Location,
    /// Where a redirect pointed, credentials included (WebKit's inner text).
    RedirectUrl,
    /// A Chromium network error name, `net::ERR_FAILED`.
    NetError,
    /// The request's method.
    Method,
    /// A nested template: the reason, inside an envelope.
    Reason,
    /// A nested template, Chromium's `(redirected from '…') `.
    Redirected,
    /// A nested template, Chromium's preflight prefix.
    Preflight,
    /// A nested template, the sentence Chromium adds after some reasons.
    Suffix,
    /// A nested template, how Firefox shows the resource.
    Resource,
    /// A nested template, a DevTools network line's status.
    Response,
    /// The page's URL.
    Page,
    /// An IP address space (`loopback`, `local`, `public`).
    AddressSpace,
    /// The address space `fetch()`'s `targetAddressSpace` option declared.
    DeclaredAddressSpace,
    /// A port number.
    Port,
    /// A URL's scheme, without its colon.
    Scheme,
}

/// Each slot and the name written between its braces, stated once: the
/// list, both directions of the mapping (a `match` each way) come from it.
macro_rules! slot_names {
    ($($slot:ident => $name:literal,)*) => {
        impl Slot {
            /// Every slot.
            pub const ALL: [Slot; [$(Slot::$slot),*].len()] = [$(Slot::$slot),*];

            /// The name written between braces.
            pub fn name(self) -> &'static str {
                match self {
                    $(Slot::$slot => $name,)*
                }
            }

            /// The slot written `{name}`.
            pub fn from_name(name: &str) -> Option<Slot> {
                match name {
                    $($name => Some(Slot::$slot),)*
                    _ => None,
                }
            }
        }
    };
}

slot_names! {
    Initiator => "initiator",
    Url => "url",
    FirstUrl => "first_url",
    Origin => "origin",
    Hint => "hint",
    Status => "status",
    StatusText => "status_text",
    Location => "location",
    RedirectUrl => "redirect_url",
    NetError => "net_error",
    Method => "method",
    Reason => "reason",
    Redirected => "redirected",
    Preflight => "preflight",
    Suffix => "suffix",
    Resource => "resource",
    Response => "response",
    Page => "page",
    AddressSpace => "address_space",
    DeclaredAddressSpace => "declared_address_space",
    Port => "port",
    Scheme => "scheme",
}

/// One piece of a template's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text written as it is.
    Literal(&'a str),
    /// A slot.
    Slot(Slot),
}

/// The pieces of a template's text, in order. An unknown `{name}` is literal text.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    Pieces { rest: text, slot: None }.collect()
}

/// The pieces of a template's text, one at a time, as [`pieces`] lists them.
#[derive(Clone, Debug)]
struct Pieces<'a> {
    rest: &'a str,
    /// A slot found after the literal text just given.
    slot: Option<Slot>,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;
    fn next(&mut self) -> Option<Piece<'a>> {
        if let Some(slot) = self.slot.take() {
            return Some(Piece::Slot(slot));
        }
        let rest = self.rest;
        if rest.is_empty() {
            return None;
        }
        // Byte searches: templates are short, and `str::find` costs more
        // to set up than the scan.
        let Some(open) = rest.bytes().position(|b| b == b'{') else {
            self.rest = "";
            return Some(Piece::Literal(rest));
        };
        let slot = rest[open + 1..].bytes().position(|b| b == b'}').and_then(|close| {
            Slot::from_name(&rest[open + 1..open + 1 + close]).map(|s| (s, close))
        });
        match slot {
            Some((slot, close)) => {
                self.rest = &rest[open + close + 2..];
                if open > 0 {
                    self.slot = Some(slot);
                    Some(Piece::Literal(&rest[..open]))
                } else {
                    Some(Piece::Slot(slot))
                }
            }
            None => {
                self.rest = &rest[open + 1..];
                Some(Piece::Literal(&rest[..=open]))
            }
        }
    }
}

/// A template's text with its slots filled; a slot not given is left empty.
///
/// ```
/// use corsim::console::templates::{fill, Slot, WEBKIT_ACCESS_CONTROL_CHECKS};
/// let m = fill(WEBKIT_ACCESS_CONTROL_CHECKS, &[(Slot::Initiator, "Fetch API"), (Slot::Url, "https://api.example/")]);
/// assert_eq!(m, "Fetch API cannot load https://api.example/ due to access control checks.");
/// ```
pub fn fill(text: &str, values: &[(Slot, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for piece in (Pieces { rest: text, slot: None }) {
        match piece {
            Piece::Literal(l) => out.push_str(l),
            Piece::Slot(s) => out.push_str(
                values
                    .iter()
                    .find(|(k, _)| *k == s)
                    .map(|(_, v)| *v)
                    .unwrap_or(""),
            ),
        }
    }
    out
}

// ---------------------------------------------------------------- Chromium

/// Chromium's CORS error message (`GetErrorStringForConsoleMessage`): the
/// envelope around every [`chromium_reason`].
pub const CHROMIUM_BLOCKED: &str =
    "Access to {initiator} at '{url}' {redirected}from origin '{origin}' has been blocked by CORS policy: {preflight}{reason}";
/// Said in [`CHROMIUM_BLOCKED`] when a redirect led away from the URL script asked for.
pub const CHROMIUM_REDIRECTED_FROM: &str = "(redirected from '{first_url}') ";
/// Said in [`CHROMIUM_BLOCKED`] before the reasons about a preflight's access check
/// ([`CorsError::is_preflight_access_check`]).
pub const CHROMIUM_PREFLIGHT_CHECK: &str =
    "Response to preflight request doesn't pass access control check: ";
/// The sentence after the `Access-Control-Allow-Origin` value reasons, for `fetch`.
pub const CHROMIUM_FETCH_VALUE_SUFFIX: &str =
    " Have the server send the header with a valid value.";
/// The sentence after the credentials reasons, for `XMLHttpRequest`.
pub const CHROMIUM_XHR_CREDENTIALS_SUFFIX: &str =
    " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.";
/// *Parse only*: older Chromium's sentence after the missing-header reason, for `fetch`.
pub const CHROMIUM_LEGACY_OPAQUE_SUFFIX: &str =
    " If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";
/// *Parse only*: older Chromium's sentence after the value reasons, for `fetch`.
pub const CHROMIUM_LEGACY_VALUE_SUFFIX: &str = " Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";

/// What Chromium calls each initiator in [`CHROMIUM_BLOCKED`]
/// (`Resource::ResourceTypeToString`, lower-cased when its second letter is;
/// `resource` for a request with no resource type, such as a beacon's).
pub const CHROMIUM_INITIATORS: [&str; 15] = [
    "fetch",
    "XMLHttpRequest",
    "script",
    "font",
    "image",
    "CSS stylesheet",
    "resource",
    "audio",
    "video",
    "manifest",
    "text track",
    "XSL stylesheet",
    "SVG document",
    "link prefetch resource",
    "other resource",
];

/// What Chromium calls `initiator` in [`CHROMIUM_BLOCKED`] (one of
/// [`CHROMIUM_INITIATORS`]): a module script is a `script`, a beacon a
/// `resource`.
///
/// ```
/// use corsim::{console::templates::chromium_initiator, Initiator};
/// assert_eq!(chromium_initiator(Initiator::Stylesheet), "CSS stylesheet");
/// ```
pub fn chromium_initiator(initiator: Initiator) -> &'static str {
    match initiator {
        Initiator::Fetch => "fetch",
        Initiator::Xhr => "XMLHttpRequest",
        Initiator::Img => "image",
        Initiator::Script | Initiator::ModuleScript => "script",
        Initiator::Stylesheet => "CSS stylesheet",
        Initiator::Font => "font",
        Initiator::Beacon => "resource",
    }
}

/// The initiator a console message names (Chromium's names in
/// [`CHROMIUM_INITIATORS`], WebKit's `XMLHttpRequest`), when corsim
/// simulates it; a `script` is taken as a classic one.
///
/// ```
/// use corsim::{console::templates::initiator_named, Initiator};
/// assert_eq!(initiator_named("XMLHttpRequest"), Some(Initiator::Xhr));
/// assert_eq!(initiator_named("manifest"), None);
/// ```
pub fn initiator_named(name: &str) -> Option<Initiator> {
    Some(match name {
        "fetch" | "Fetch API" => Initiator::Fetch,
        "XMLHttpRequest" => Initiator::Xhr,
        "image" => Initiator::Img,
        "script" => Initiator::Script,
        "CSS stylesheet" => Initiator::Stylesheet,
        "font" => Initiator::Font,
        _ => return None,
    })
}

/// XHR's `setRequestHeader()` ignoring a forbidden header (Chromium, WebKit).
pub const REFUSED_UNSAFE_HEADER: &str = "Refused to set unsafe header \"{hint}\"";
/// A classic script whose MIME type is never executed (`image/*`,
/// `audio/*`, `video/*`, `text/csv`); `{hint}` is the MIME type.
pub const CHROMIUM_SCRIPT_NOT_EXECUTABLE: &str =
    "Refused to execute script from '{url}' because its MIME type ('{hint}') is not executable.";
/// A classic script sent with `X-Content-Type-Options: nosniff` and a MIME
/// type that is not JavaScript.
pub const CHROMIUM_SCRIPT_STRICT_MIME: &str =
    "Refused to execute script from '{url}' because its MIME type ('{hint}') is not executable, and strict MIME type checking is enabled.";
/// A stylesheet sent with `nosniff` and a MIME type that is not `text/css`.
pub const CHROMIUM_STYLESHEET_STRICT_MIME: &str = "Refused to apply style from '{url}' because its MIME type ('{hint}') is not a supported stylesheet MIME type, and strict MIME checking is enabled.";
/// A module script whose MIME type is not JavaScript (or Wasm).
pub const CHROMIUM_MODULE_STRICT_MIME: &str = "Failed to load module script: Expected a JavaScript-or-Wasm module script but the server responded with a MIME type of \"{hint}\". Strict MIME type checking is enforced for module scripts per HTML spec.";

/// Firefox: a classic script sent with `nosniff` and a MIME type that is not
/// JavaScript (`dom.properties`, `MimeTypeMismatch2`).
pub const FIREFOX_NOSNIFF_MISMATCH: &str =
    "The resource from “{url}” was blocked due to MIME type (“{hint}”) mismatch (X-Content-Type-Options: nosniff).";
/// Firefox: a classic script of a MIME type never executed (`BlockScriptWithWrongMimeType2`).
pub const FIREFOX_SCRIPT_WRONG_MIME: &str = "Script from “{url}” was blocked because of a disallowed MIME type (“{hint}”).";
/// Firefox: a module script whose MIME type is not JavaScript (`BlockModuleWithWrongMimeType`).
pub const FIREFOX_MODULE_WRONG_MIME: &str =
    "Loading module from “{url}” was blocked because of a disallowed MIME type (“{hint}”).";
/// Firefox: a stylesheet whose MIME type is not `text/css` (`css.properties`, `MimeNotCss`).
pub const FIREFOX_STYLESHEET_NOT_CSS: &str =
    "The stylesheet {url} was not loaded because its MIME type, “{hint}”, is not “text/css”.";
/// Firefox: an `@font-face` source answered with an error status (the
/// code is `NS_ERROR_NOT_AVAILABLE`'s); `{hint}` is the rule's `font-family`.
pub const FIREFOX_FONT_STATUS_FAILED: &str = "downloadable font: download failed (font-family: \"{hint}\" style:normal weight:400 stretch:100 src index:0): status=2147746065 source: {url}";
/// Firefox: an `@font-face` source that failed its CORS check; `{hint}` is
/// the rule's `font-family`.
pub const FIREFOX_FONT_DOWNLOAD_FAILED: &str = "downloadable font: download failed (font-family: \"{hint}\" style:normal weight:400 stretch:100 src index:0): bad URI or cross-site access not allowed source: {url}";

/// The reason Chromium gives for `error` (its `cors_error_string.cc`), with
/// `{hint}` for the failed value and `{suffix}` where a sentence follows for
/// some initiators. A preflight reason and its twin
/// ([`CorsError::for_preflight`]) share one text.
pub fn chromium_reason(error: CorsError) -> &'static str {
    match error {
        CorsError::DisallowedByMode => "Cross origin requests are not allowed by request mode.",
        CorsError::InvalidResponse => "The response is invalid.",
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.{suffix}"
        }
        CorsError::MissingAllowOriginHeader | CorsError::PreflightMissingAllowOriginHeader => {
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.{suffix}"
        }
        CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues => {
            "The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed.{suffix}"
        }
        CorsError::InvalidAllowOriginValue | CorsError::PreflightInvalidAllowOriginValue => {
            "The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'.{suffix}"
        }
        CorsError::AllowOriginMismatch | CorsError::PreflightAllowOriginMismatch => {
            "The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied origin.{suffix}"
        }
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' which must be 'true' when the request's credentials mode is 'include'.{suffix}"
        }
        CorsError::CorsDisabledScheme => "Cross origin requests are only supported for protocol schemes: {hint}.",
        CorsError::PreflightInvalidStatus => "It does not have HTTP ok status.",
        CorsError::PreflightDisallowedRedirect => "Redirect is not allowed for a preflight request.",
        CorsError::InvalidAllowMethodsPreflightResponse => {
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
        }
        CorsError::InvalidAllowHeadersPreflightResponse => {
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
        }
        CorsError::MethodDisallowedByPreflightResponse => {
            "Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response."
        }
        CorsError::HeaderDisallowedByPreflightResponse => {
            "Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight response."
        }
        CorsError::RedirectContainsCredentials => {
            "Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin requests."
        }
        CorsError::NoCorsRedirectModeNotFollow => "Request mode is \"no-cors\" but the redirect mode is not \"follow\".",
    }
}

/// The schemes Chromium lists in [`CorsError::CorsDisabledScheme`]'s reason
/// (the list and its order vary between versions; any list reads back).
pub const CHROMIUM_CORS_SCHEMES: &str =
    "chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app";

/// The sentence Chromium puts in `{suffix}` after `error`'s reason for an
/// initiator: for `fetch`, "Have the server send the header with a valid
/// value." after the `Access-Control-Allow-Origin` value reasons; for
/// `XMLHttpRequest`, the `withCredentials` sentence after the credentials ones.
pub fn chromium_suffix(error: CorsError, initiator: &str) -> &'static str {
    use CorsError::*;
    match (error, initiator) {
        (
            MultipleAllowOriginValues
            | PreflightMultipleAllowOriginValues
            | InvalidAllowOriginValue
            | PreflightInvalidAllowOriginValue
            | AllowOriginMismatch
            | PreflightAllowOriginMismatch,
            "fetch",
        ) => CHROMIUM_FETCH_VALUE_SUFFIX,
        (
            WildcardOriginNotAllowed
            | PreflightWildcardOriginNotAllowed
            | InvalidAllowCredentials
            | PreflightInvalidAllowCredentials,
            "XMLHttpRequest",
        ) => CHROMIUM_XHR_CREDENTIALS_SUFFIX,
        _ => "",
    }
}

/// `fetch()`'s own complaint, before any CORS check.
pub const CHROMIUM_FETCH_API_CANNOT_LOAD: &str = "Fetch API cannot load {url}. {reason}";
/// The reason in [`CHROMIUM_FETCH_API_CANNOT_LOAD`] for mode `same-origin` (Chromium's `DisallowedByMode`).
pub const CHROMIUM_SAME_ORIGIN_MODE: &str =
    "Request mode is \"same-origin\" but the URL's origin is not same as the request origin {origin}.";
/// The loader's line for a failed load with a network error name.
pub const CHROMIUM_FAILED_TO_LOAD: &str = "Failed to load resource: {net_error}";
/// The loader's line for a response with an error status.
pub const CHROMIUM_FAILED_STATUS: &str =
    "Failed to load resource: the server responded with a status of {status} ({status_text})";
/// Chromium's net error for a redirect to a scheme its HTTP stack will not
/// follow (`data:`, `about:`, `blob:`, `file:`), recorded from the
/// web-platform-tests' redirect cases.
pub const CHROMIUM_NET_UNSAFE_REDIRECT: &str = "net::ERR_UNSAFE_REDIRECT";
/// The network errors Chromium names in [`CHROMIUM_FAILED_TO_LOAD`]: any CORS failure, an
/// invalid `Location`, more than 20 redirects.
pub const CHROMIUM_NET_FAILED: &str = "net::ERR_FAILED";
/// See [`CHROMIUM_NET_FAILED`].
pub const CHROMIUM_NET_INVALID_REDIRECT: &str = "net::ERR_INVALID_REDIRECT";
/// See [`CHROMIUM_NET_FAILED`].
pub const CHROMIUM_NET_TOO_MANY_REDIRECTS: &str = "net::ERR_TOO_MANY_REDIRECTS";
/// Mode `same-origin` and a redirect to another origin.
pub const CHROMIUM_UNSAFE_ATTEMPT: &str =
    "Unsafe attempt to load URL {url} from frame with URL {origin}/. Domains, protocols and ports must match.\n";
/// *Parse only*: DevTools' network line for a failed request, as users paste it
/// (`GET https://api.example/x net::ERR_FAILED 200 (OK)`).
pub const CHROMIUM_NETWORK_LINE: &str = "{method} {url} {net_error}{response}";
/// *Parse only*: the status part of [`CHROMIUM_NETWORK_LINE`], when a response came.
pub const CHROMIUM_NETWORK_STATUS: &str = " {status} ({status_text})";
/// What `fetch()` rejects with after a network error.
pub const CHROMIUM_REJECTION: &str = "TypeError: Failed to fetch";

// ---------------------------------------------------------------- Firefox

/// Firefox's CORS error message: every `security.properties` key below
/// begins so, `{reason}` being the key's own text.
pub const FIREFOX_BLOCKED: &str =
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {resource}. (Reason: {reason}";
/// How [`FIREFOX_BLOCKED`] shows the resource for [`FirefoxKey::NotSupportingCredentials`].
pub const FIREFOX_QUOTED_RESOURCE: &str = "‘{url}’";
/// How [`FIREFOX_BLOCKED`] shows the resource for every other key.
pub const FIREFOX_RESOURCE: &str = "{url}";
/// Mode `same-origin` and a URL of another origin (or a redirect to one).
pub const FIREFOX_SECURITY_ERROR: &str =
    "Security Error: Content at {origin}/ may not load data from {url}.";
/// A redirect to a `blob:` URL, refused by Firefox's security check before
/// the request fails (recorded from the WPT redirect cases).
pub const FIREFOX_REDIRECT_SECURITY_ERROR: &str = "Security Error: Content at {url} may not load data from {location}.";
/// A redirect to a `file:` URL, likewise.
pub const FIREFOX_REDIRECT_LINK_ERROR: &str = "Security Error: Content at {url} may not load or link to {location}.";
/// What `fetch()` rejects with after a network error.
pub const FIREFOX_REJECTION: &str = "TypeError: NetworkError when attempting to fetch resource.";

/// A Firefox message key (`security.properties`): the name Firefox's
/// recordings give a CORS failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[allow(missing_docs)] // each key is documented by its text
pub enum FirefoxKey {
    DidNotSucceed,
    MissingAllowOrigin,
    MultipleAllowOriginNotAllowed,
    AllowOriginNotMatchingOrigin,
    NotSupportingCredentials,
    MissingAllowCredentials,
    PreflightDidNotSucceed,
    ExternalRedirectNotAllowed,
    InvalidAllowMethod,
    InvalidAllowHeader,
    MethodNotFound,
    MissingAllowHeaderFromPreflight,
    /// *Parse only*: a URL that is not http(s), such as a page opened from a
    /// file; the engine fails such a fetch before any CORS check.
    RequestNotHttp,
}

impl FirefoxKey {
    /// Every key.
    pub const ALL: [FirefoxKey; 13] = [
        FirefoxKey::DidNotSucceed,
        FirefoxKey::MissingAllowOrigin,
        FirefoxKey::MultipleAllowOriginNotAllowed,
        FirefoxKey::AllowOriginNotMatchingOrigin,
        FirefoxKey::NotSupportingCredentials,
        FirefoxKey::MissingAllowCredentials,
        FirefoxKey::PreflightDidNotSucceed,
        FirefoxKey::ExternalRedirectNotAllowed,
        FirefoxKey::InvalidAllowMethod,
        FirefoxKey::InvalidAllowHeader,
        FirefoxKey::MethodNotFound,
        FirefoxKey::MissingAllowHeaderFromPreflight,
        FirefoxKey::RequestNotHttp,
    ];

    /// The key as `security.properties` spells it, e.g. `CORSMissingAllowOrigin2`.
    pub fn name(self) -> &'static str {
        match self {
            FirefoxKey::DidNotSucceed => "CORSDidNotSucceed2",
            FirefoxKey::MissingAllowOrigin => "CORSMissingAllowOrigin2",
            FirefoxKey::MultipleAllowOriginNotAllowed => "CORSMultipleAllowOriginNotAllowed",
            FirefoxKey::AllowOriginNotMatchingOrigin => "CORSAllowOriginNotMatchingOrigin",
            FirefoxKey::NotSupportingCredentials => "CORSNotSupportingCredentials",
            FirefoxKey::MissingAllowCredentials => "CORSMissingAllowCredentials",
            FirefoxKey::PreflightDidNotSucceed => "CORSPreflightDidNotSucceed3",
            FirefoxKey::ExternalRedirectNotAllowed => "CORSExternalRedirectNotAllowed",
            FirefoxKey::InvalidAllowMethod => "CORSInvalidAllowMethod",
            FirefoxKey::InvalidAllowHeader => "CORSInvalidAllowHeader",
            FirefoxKey::MethodNotFound => "CORSMethodNotFound",
            FirefoxKey::MissingAllowHeaderFromPreflight => "CORSMissingAllowHeaderFromPreflight2",
            FirefoxKey::RequestNotHttp => "CORSRequestNotHttp",
        }
    }

    /// The key's reason in [`FIREFOX_BLOCKED`], `{status}` being the
    /// response's status or `(null)` and `{hint}` the failed value.
    pub fn reason(self) -> &'static str {
        match self {
            FirefoxKey::DidNotSucceed => "CORS request did not succeed). Status code: {status}.",
            FirefoxKey::MissingAllowOrigin => "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.",
            FirefoxKey::MultipleAllowOriginNotAllowed => "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).",
            FirefoxKey::AllowOriginNotMatchingOrigin => "CORS header ‘Access-Control-Allow-Origin’ does not match ‘{hint}’).",
            FirefoxKey::NotSupportingCredentials => {
                "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
            }
            FirefoxKey::MissingAllowCredentials => "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).",
            FirefoxKey::PreflightDidNotSucceed => "CORS preflight response did not succeed). Status code: {status}.",
            FirefoxKey::ExternalRedirectNotAllowed => "CORS request external redirect not allowed).",
            FirefoxKey::InvalidAllowMethod => "invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Methods’).",
            FirefoxKey::InvalidAllowHeader => "invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Headers’).",
            FirefoxKey::MethodNotFound => "Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
            FirefoxKey::MissingAllowHeaderFromPreflight => {
                "header ‘{hint}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."
            }
            // Firefox 153 prints it lower-case (recorded), whatever its
            // message file's key suggests.
            FirefoxKey::RequestNotHttp => "CORS request not http).",
        }
    }

    /// How [`FIREFOX_BLOCKED`] shows the resource for this key.
    pub fn resource(self) -> &'static str {
        match self {
            FirefoxKey::NotSupportingCredentials => FIREFOX_QUOTED_RESOURCE,
            _ => FIREFOX_RESOURCE,
        }
    }

    /// The key for a name, e.g. `CORSMissingAllowOrigin2`.
    pub fn from_name(name: &str) -> Option<FirefoxKey> {
        FirefoxKey::ALL.into_iter().find(|k| k.name() == name)
    }
}

// ---------------------------------------------------------------- WebKit

/// WebKit's loader line after a CORS failure; `{initiator}` is `Fetch API`
/// for `fetch()`, `XMLHttpRequest` for XHR.
pub const WEBKIT_ACCESS_CONTROL_CHECKS: &str =
    "{initiator} cannot load {url} due to access control checks.";
/// What WebKit calls `initiator` in [`WEBKIT_ACCESS_CONTROL_CHECKS`].
pub fn webkit_initiator(initiator: Initiator) -> &'static str {
    match initiator {
        Initiator::Xhr => "XMLHttpRequest",
        _ => "Fetch API",
    }
}
/// WebKit's loader line after an `<img>`'s CORS failure, naming the URL
/// the element asked for.
pub const WEBKIT_IMAGE_ACCESS_CONTROL_CHECKS: &str = "Cannot load image {url} due to access control checks.";
/// WebKit's line after a classic script's CORS failure.
pub const WEBKIT_SCRIPT_DENIED: &str = "Cross-origin script load denied by Cross-Origin Resource Sharing policy.";
/// WebKit's line after a beacon's CORS failure: the reason again.
pub const WEBKIT_BEACON_CANNOT_LOAD: &str = "Beacon API cannot load {url}. {reason}";
/// WebKit: a classic script sent with `nosniff` and a MIME type that is not JavaScript.
pub const WEBKIT_SCRIPT_NOSNIFF: &str = "Refused to execute {url} as script because \"X-Content-Type-Options: nosniff\" was given and its Content-Type is not a script MIME type.";
/// WebKit: a classic script of a MIME type never executed.
pub const WEBKIT_SCRIPT_WRONG_MIME: &str = "Refused to execute {url} as script because {hint} is not a script MIME type.";
/// WebKit: a module script whose MIME type is not JavaScript (the error
/// its module loader reports).
pub const WEBKIT_MODULE_WRONG_MIME: &str = "TypeError: '{hint}' is not a valid JavaScript MIME type.";
/// WebKit: a stylesheet whose MIME type is not `text/css`, in a page in
/// no-quirks mode.
pub const WEBKIT_STYLESHEET_NOT_CSS: &str =
    "Did not parse stylesheet at '{url}' because non CSS MIME types are not allowed in strict mode.";
/// WebKit's loader line when `fetch()` itself refuses the URL (mode `same-origin`).
pub const WEBKIT_CANNOT_LOAD: &str = "Fetch API cannot load {url}.";
/// WebKit's envelope for a reason found while following a redirect.
pub const WEBKIT_REDIRECTION_DENIED: &str =
    "Cross-origin redirection to {location} denied by Cross-Origin Resource Sharing policy: {reason}";
/// What `fetch()` rejects with after a network error.
pub const WEBKIT_REJECTION: &str = "TypeError: Load failed";

/// A WebKit security message: WebKit has no names for its reasons, so its
/// recordings name a failure by its first message's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[allow(missing_docs)] // each message is documented by its text
pub enum WebKitMessage {
    OriginNotAllowed,
    MultipleOrigins,
    WildcardWithCredentials,
    CredentialsNotTrue,
    PreflightNotSuccessful,
    InvalidAllowMethods,
    InvalidAllowHeaders,
    MethodNotAllowed,
    HeaderNotAllowed,
    RedirectionHasCredentials,
    NonCorsScheme,
    NoCorsRedirect,
    NotAllowedToRequest,
    RedirectNotAllowed,
    TooManyRedirects,
    UnsafeAttempt,
    FtpDisabled,
    LocalResource,
    RedirectSchemeNotHttp,
    UnparsableResponse,
    OnlyHttp,
}

impl WebKitMessage {
    /// Every message.
    pub const ALL: [WebKitMessage; 21] = [
        WebKitMessage::OriginNotAllowed,
        WebKitMessage::MultipleOrigins,
        WebKitMessage::WildcardWithCredentials,
        WebKitMessage::CredentialsNotTrue,
        WebKitMessage::PreflightNotSuccessful,
        WebKitMessage::InvalidAllowMethods,
        WebKitMessage::InvalidAllowHeaders,
        WebKitMessage::MethodNotAllowed,
        WebKitMessage::HeaderNotAllowed,
        WebKitMessage::RedirectionHasCredentials,
        WebKitMessage::NonCorsScheme,
        WebKitMessage::NoCorsRedirect,
        WebKitMessage::NotAllowedToRequest,
        WebKitMessage::RedirectNotAllowed,
        WebKitMessage::TooManyRedirects,
        WebKitMessage::UnsafeAttempt,
        WebKitMessage::FtpDisabled,
        WebKitMessage::LocalResource,
        WebKitMessage::RedirectSchemeNotHttp,
        WebKitMessage::UnparsableResponse,
        WebKitMessage::OnlyHttp,
    ];

    /// The message's text.
    pub fn text(self) -> &'static str {
        match self {
            WebKitMessage::OriginNotAllowed => "Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: {status}",
            WebKitMessage::MultipleOrigins => "Access-Control-Allow-Origin cannot contain more than one origin.",
            WebKitMessage::WildcardWithCredentials => {
                "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
            }
            WebKitMessage::CredentialsNotTrue => {
                "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."
            }
            WebKitMessage::PreflightNotSuccessful => "Preflight response is not successful. Status code: {status}",
            WebKitMessage::InvalidAllowMethods => "Header Access-Control-Allow-Methods has an invalid value: {hint}",
            WebKitMessage::InvalidAllowHeaders => "Header Access-Control-Allow-Headers has an invalid value: {hint}",
            WebKitMessage::MethodNotAllowed => "Method {hint} is not allowed by Access-Control-Allow-Methods.",
            WebKitMessage::HeaderNotAllowed => "Request header field {hint} is not allowed by Access-Control-Allow-Headers.",
            WebKitMessage::RedirectionHasCredentials => "redirection URL {redirect_url} has credentials",
            WebKitMessage::NonCorsScheme => "not allowed to follow a cross-origin CORS redirection with non CORS scheme",
            WebKitMessage::NoCorsRedirect => "No-Cors mode requires follow redirect mode",
            WebKitMessage::NotAllowedToRequest => "Not allowed to request resource",
            WebKitMessage::RedirectNotAllowed => "Not allowed to follow a redirection while loading {url}",
            WebKitMessage::TooManyRedirects => "Load cannot follow more than 20 redirections",
            WebKitMessage::UnsafeAttempt => {
                "Unsafe attempt to load URL {url} from origin {origin}. Domains, protocols and ports must match."
            }
            // The network process, on a redirect to `ftp:`.
            WebKitMessage::FtpDisabled => "FTP URLs are disabled",
            // The loader, on a redirect to a URL the page may not display.
            WebKitMessage::LocalResource => LOCAL_RESOURCE,
            // fetch()'s loader, on a followed redirect that is not HTTP(S).
            WebKitMessage::RedirectSchemeNotHttp => "Redirection to URL with a scheme that is not HTTP(S).",
            // libsoup's text for an answer it cannot parse (a NUL in a header),
            // passed on as the reason when it was the preflight's.
            WebKitMessage::UnparsableResponse => "Could not parse HTTP response",
            // A `cors` fetch of a URL that is not HTTP(S) (observed in
            // WebKitGTK 2.50.6: about:, ftp:, file:).
            WebKitMessage::OnlyHttp => "Cross origin requests are only supported for HTTP.",
        }
    }

    /// Whether the message can stand in [`WEBKIT_REDIRECTION_DENIED`]'s `{reason}`
    /// (a reason found on a redirect's response or its `Location`).
    pub fn can_follow_redirect(self) -> bool {
        use WebKitMessage::*;
        matches!(
            self,
            OriginNotAllowed
                | MultipleOrigins
                | WildcardWithCredentials
                | CredentialsNotTrue
                | RedirectionHasCredentials
                | NonCorsScheme
        )
    }
}

/// What `fetch()` rejects with after a network error, per browser; the
/// standard leaves the message to the browser, and `Spec` uses Chromium's.
pub fn rejection(browser: crate::profile::Browser) -> &'static str {
    use crate::profile::Browser;
    match browser {
        Browser::Chromium | Browser::Spec => CHROMIUM_REJECTION,
        Browser::Firefox => FIREFOX_REJECTION,
        Browser::WebKit => WEBKIT_REJECTION,
    }
}

// ---------------------------------------------------------------- Not CORS

/// A message about a check around CORS ([`crate::blocked::Gate`]): the fetch
/// was refused, and no CORS header changes that. Chromium words Local
/// Network Access refusals as CORS errors (inside [`CHROMIUM_BLOCKED`]); the
/// others have lines of their own. Bad ports and
/// `Cross-Origin-Resource-Policy` refusals are Chromium network errors
/// ([`CHROMIUM_NET_UNSAFE_PORT`], [`chromium_corp_net_error`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum GateMessage {
    /// Chromium's `InsecureLocalNetwork` reason.
    ChromiumLnaInsecureContext,
    /// Chromium's `LocalNetworkAccessPermissionDenied` reason.
    ChromiumLnaPermissionDenied,
    /// Chromium's `InvalidLocalNetworkAccess` reason: the target is not in
    /// the address space `fetch()`'s `targetAddressSpace` declared.
    ChromiumLnaAddressSpaceMismatch,
    /// Chromium's warning when mixed content let an `http:` URL through
    /// because `fetch()` declared a local `targetAddressSpace`: not a
    /// refusal (the fetch goes on to Local Network Access).
    ChromiumMixedContentLetThrough,
    /// Chromium's mixed content line.
    ChromiumMixedContent,
    /// Firefox's mixed content line.
    FirefoxMixedContent,
    /// WebKit's mixed content line.
    WebKitMixedContent,
    /// WebKit's mixed content line for a loopback target, which WebKit cuts
    /// short after "must".
    WebKitMixedContentLoopback,
    /// Chromium's line for a `file:` URL.
    ChromiumLocalResource,
    /// Chromium's line for a scheme `fetch()` does not support.
    ChromiumSchemeNotSupported,
    /// Firefox's `Cross-Origin-Resource-Policy` line.
    FirefoxCorp,
    /// WebKit's line for a bad port.
    WebKitBadPort,
    /// WebKit's `Cross-Origin-Resource-Policy` line (alone, or inside
    /// [`WEBKIT_REDIRECTION_DENIED`] when the refused response redirected).
    WebKitCorp,
}

impl GateMessage {
    /// Every message.
    pub const ALL: [GateMessage; 13] = [
        GateMessage::ChromiumLnaInsecureContext,
        GateMessage::ChromiumLnaPermissionDenied,
        GateMessage::ChromiumLnaAddressSpaceMismatch,
        GateMessage::ChromiumMixedContentLetThrough,
        GateMessage::ChromiumMixedContent,
        GateMessage::FirefoxMixedContent,
        GateMessage::WebKitMixedContent,
        GateMessage::WebKitMixedContentLoopback,
        GateMessage::ChromiumLocalResource,
        GateMessage::ChromiumSchemeNotSupported,
        GateMessage::FirefoxCorp,
        GateMessage::WebKitBadPort,
        GateMessage::WebKitCorp,
    ];

    /// The message's text; a Chromium Local Network Access text is the
    /// `{reason}` of [`CHROMIUM_BLOCKED`].
    ///
    /// All recorded word for word (`tests/corpus/checks-*.jsonl`: Chromium
    /// 156, Firefox 153 ESR, WebKitGTK 2.50.6):
    /// - Local Network Access: `cors_error_string.cc`, both denials, and the
    ///   `targetAddressSpace` mismatch; the warning when that option lets an
    ///   `http:` URL through mixed content.
    /// - Chromium's `file:` line is the same text as WebKit's
    ///   ([`WebKitMessage::LocalResource`]); Chromium names the URL asked for.
    /// - WebKit's mixed content line ends after "must" for a loopback
    ///   target (`http://127.0.0.1`, `http://localhost`).
    pub fn text(self) -> &'static str {
        match self {
            GateMessage::ChromiumLnaInsecureContext => {
                "The request client is not a secure context and the resource is in more-private address space `{address_space}`."
            }
            GateMessage::ChromiumLnaPermissionDenied => {
                "Permission was denied for this request to access the `{address_space}` address space."
            }
            GateMessage::ChromiumLnaAddressSpaceMismatch => {
                "Request had a target IP address space of `{declared_address_space}` yet the resource is in address space `{address_space}`."
            }
            GateMessage::ChromiumMixedContentLetThrough => {
                "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure resource '{url}'. This content should also be served over HTTPS."
            }
            GateMessage::ChromiumMixedContent => {
                "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an insecure resource '{url}'. This request has been blocked; the content must be served over HTTPS."
            }
            GateMessage::FirefoxMixedContent => "Blocked loading mixed active content “{url}”",
            GateMessage::WebKitMixedContent => {
                "[blocked] The page at {page} requested insecure content from {url}. This content was blocked and must be served over HTTPS."
            }
            GateMessage::WebKitMixedContentLoopback => {
                "[blocked] The page at {page} requested insecure content from {url}. This content was blocked and must"
            }
            GateMessage::ChromiumLocalResource => LOCAL_RESOURCE,
            GateMessage::ChromiumSchemeNotSupported => "Fetch API cannot load {url}. URL scheme \"{scheme}\" is not supported.",
            GateMessage::FirefoxCorp => {
                "The resource at “{url}” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof). See https://developer.mozilla.org/docs/Web/HTTP/Cross-Origin_Resource_Policy_(CORP)#"
            }
            GateMessage::WebKitBadPort => "Not allowed to use restricted network port {port}: {url}",
            GateMessage::WebKitCorp => {
                "Cancelled load to {url} because it violates the resource's Cross-Origin-Resource-Policy response header."
            }
        }
    }

    /// The browser that writes it.
    pub fn browser(self) -> crate::profile::Browser {
        use crate::profile::Browser;
        match self {
            GateMessage::ChromiumLnaInsecureContext
            | GateMessage::ChromiumLnaPermissionDenied
            | GateMessage::ChromiumLnaAddressSpaceMismatch
            | GateMessage::ChromiumMixedContentLetThrough
            | GateMessage::ChromiumMixedContent
            | GateMessage::ChromiumLocalResource
            | GateMessage::ChromiumSchemeNotSupported => Browser::Chromium,
            GateMessage::FirefoxMixedContent | GateMessage::FirefoxCorp => Browser::Firefox,
            GateMessage::WebKitMixedContent
            | GateMessage::WebKitMixedContentLoopback
            | GateMessage::WebKitBadPort
            | GateMessage::WebKitCorp => Browser::WebKit,
        }
    }

    /// Chromium's Local Network Access message for a refusal.
    pub fn chromium_lna(denial: LnaDenial) -> GateMessage {
        match denial {
            LnaDenial::InsecureContext => GateMessage::ChromiumLnaInsecureContext,
            LnaDenial::PermissionDenied { .. } => GateMessage::ChromiumLnaPermissionDenied,
            LnaDenial::AddressSpaceMismatch { .. } => GateMessage::ChromiumLnaAddressSpaceMismatch,
        }
    }
}

/// The loader's line for a `file:` URL a web page may not load, in Chromium
/// ([`GateMessage::ChromiumLocalResource`], the URL asked for) and WebKit
/// ([`WebKitMessage::LocalResource`], also a redirect's target): the same
/// text, so a line alone names no browser.
pub const LOCAL_RESOURCE: &str = "Not allowed to load local resource: {location}";

/// Chromium's network error for a bad port (recorded in Chromium 156 for 25,
/// 6000, 6667 and 10080, and a redirect to 6000), in [`CHROMIUM_FAILED_TO_LOAD`].
pub const CHROMIUM_NET_UNSAFE_PORT: &str = "net::ERR_UNSAFE_PORT";
/// Chromium's network error for a `data:` URL that does not decode (recorded).
pub const CHROMIUM_NET_INVALID_URL: &str = "net::ERR_INVALID_URL";
/// Chromium's network error for a `blob:` URL with no blob (recorded).
pub const CHROMIUM_NET_FILE_NOT_FOUND: &str = "net::ERR_FILE_NOT_FOUND";
/// The network error Chromium names for a response the
/// `Cross-Origin-Resource-Policy` check refused (`BlockedByResponseReason`),
/// in [`CHROMIUM_FAILED_TO_LOAD`] (recorded in Chromium 156) and DevTools'
/// [`CHROMIUM_NETWORK_LINE`].
pub const CHROMIUM_NET_CORP_NOT_SAME_ORIGIN: &str = "net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin";
/// See [`CHROMIUM_NET_CORP_NOT_SAME_ORIGIN`]: `same-site` refused it.
pub const CHROMIUM_NET_CORP_NOT_SAME_SITE: &str = "net::ERR_BLOCKED_BY_RESPONSE.NotSameSite";
/// See [`CHROMIUM_NET_CORP_NOT_SAME_ORIGIN`]: no usable policy, and the
/// page's `Cross-Origin-Embedder-Policy` imposed `same-origin`.
pub const CHROMIUM_NET_CORP_BY_COEP: &str = "net::ERR_BLOCKED_BY_RESPONSE.NotSameOriginAfterDefaultedToSameOriginByCoep";

/// The network error Chromium names for a `Cross-Origin-Resource-Policy` refusal.
pub fn chromium_corp_net_error(block: CorpBlock) -> &'static str {
    match (block.imposed_by, block.policy) {
        (Some(_), _) => CHROMIUM_NET_CORP_BY_COEP,
        (None, ResourcePolicy::SameOrigin) => CHROMIUM_NET_CORP_NOT_SAME_ORIGIN,
        (None, ResourcePolicy::SameSite) => CHROMIUM_NET_CORP_NOT_SAME_SITE,
    }
}

/// The refusal a [`chromium_corp_net_error`] name stands for (`None` for
/// any other name).
pub fn corp_block_of_net_error(net_error: &str) -> Option<CorpBlock> {
    [
        CorpBlock { policy: ResourcePolicy::SameOrigin, imposed_by: None },
        CorpBlock { policy: ResourcePolicy::SameSite, imposed_by: None },
        CorpBlock { policy: ResourcePolicy::SameOrigin, imposed_by: Some(EmbedderPolicy::RequireCorp) },
    ]
    .into_iter()
    .find(|b| chromium_corp_net_error(*b) == net_error)
}

/// *Parse only*: Chromium's network errors for a request that got no HTTP
/// answer at all (`net/base/net_error_list.h`), with what each means. Users
/// paste them as CORS errors; none is one.
pub const CHROMIUM_UNREACHABLE: [(&str, &str); 14] = [
    ("net::ERR_CONNECTION_REFUSED", "nothing listens on that host and port"),
    ("net::ERR_NAME_NOT_RESOLVED", "the host name does not resolve"),
    ("net::ERR_CONNECTION_RESET", "the connection was reset"),
    ("net::ERR_CONNECTION_CLOSED", "the connection was closed before an answer"),
    ("net::ERR_EMPTY_RESPONSE", "the server closed the connection without answering"),
    ("net::ERR_CONNECTION_TIMED_OUT", "the connection timed out"),
    ("net::ERR_TIMED_OUT", "the request timed out"),
    ("net::ERR_ADDRESS_UNREACHABLE", "the address is unreachable"),
    ("net::ERR_INTERNET_DISCONNECTED", "the machine is offline"),
    ("net::ERR_NETWORK_CHANGED", "the network changed during the request"),
    ("net::ERR_BLOCKED_BY_CLIENT", "a browser extension (an ad or tracker blocker) refused the request"),
    ("net::ERR_CERT_AUTHORITY_INVALID", "the server's TLS certificate is not trusted"),
    ("net::ERR_CERT_COMMON_NAME_INVALID", "the server's TLS certificate is for another host name"),
    ("net::ERR_SSL_PROTOCOL_ERROR", "the TLS handshake failed (often https: to a port that speaks http:)"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Chromium's Local Network Access reasons, as recorded in Chromium 156
    /// (`tests/corpus/checks-chromium-156.jsonl`).
    #[test]
    fn local_network_access_texts_as_recorded() {
        let text = |denial| fill(GateMessage::chromium_lna(denial).text(), &[(Slot::AddressSpace, "loopback")]);
        assert_eq!(
            text(LnaDenial::PermissionDenied { prompted: false }),
            "Permission was denied for this request to access the `loopback` address space."
        );
        assert_eq!(
            text(LnaDenial::InsecureContext),
            "The request client is not a secure context and the resource is in more-private address space `loopback`."
        );
    }

    /// WebKit's mixed content line for a loopback target is its full line cut
    /// short, as recorded in WebKitGTK 2.50.6.
    #[test]
    fn webkit_loopback_mixed_content_is_the_line_cut_short() {
        let full = GateMessage::WebKitMixedContent.text();
        let cut = GateMessage::WebKitMixedContentLoopback.text();
        assert!(full.starts_with(cut) && full.len() > cut.len());
        assert!(cut.ends_with("must"));
    }

    /// The local-resource text Chromium and WebKit share is one template.
    #[test]
    fn shared_local_resource_text() {
        assert_eq!(GateMessage::ChromiumLocalResource.text(), WebKitMessage::LocalResource.text());
        assert_eq!(GateMessage::ChromiumLocalResource.browser(), crate::profile::Browser::Chromium);
    }
}
