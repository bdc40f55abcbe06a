//! What the browser writes to its console, word for word, and its own name
//! for each failure.

use crate::error::{CorsError, FailureKind};
use crate::fetch::Failure;
use crate::origin::Origin;
use crate::profile::{Browser, Profile};
use crate::response::{FilteredResponse, ResponseType};

/// The browser's name for why a fetch failed, as the recordings hold it in
/// `cors_error`: Chromium's `CorsError` name; `None` for failures the browser
/// does not report as CORS errors.
pub fn reason_name(profile: &Profile, failure: &Failure) -> Option<String> {
    match profile.browser {
        Browser::Chromium | Browser::Spec => failure.cors_error().map(|s| s.error.name().to_owned()),
        Browser::Firefox | Browser::WebKit => failure.cors_error().map(|s| s.error.name().to_owned()),
    }
}

/// The console messages for a fetch's outcome.
pub fn messages(profile: &Profile, origin: &Origin, outcome: &Result<FilteredResponse, Failure>) -> Vec<String> {
    match profile.browser {
        Browser::Chromium | Browser::Spec | Browser::Firefox | Browser::WebKit => chromium(origin, outcome),
    }
}

fn chromium(origin: &Origin, outcome: &Result<FilteredResponse, Failure>) -> Vec<String> {
    let failure = match outcome {
        Ok(response) => {
            if response.kind != ResponseType::Opaque && response.kind != ResponseType::OpaqueRedirect && response.status >= 400 {
                let reason = http::StatusCode::from_u16(response.status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                return vec![format!(
                    "Failed to load resource: the server responded with a status of {} ({reason})",
                    response.status
                )];
            }
            return Vec::new();
        }
        Err(f) => f,
    };
    let url = failure.url.as_str();
    match &failure.kind {
        FailureKind::TypeError(_) => Vec::new(),
        FailureKind::Cors(status) => match status.error {
            CorsError::DisallowedByMode => vec![format!(
                "Fetch API cannot load {url}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {origin}."
            )],
            CorsError::NoCorsRedirectModeNotFollow => vec![format!(
                "Fetch API cannot load {url}. Request mode is \"no-cors\" but the redirect mode is not \"follow\"."
            )],
            error => {
                let redirected = match &failure.redirected_from {
                    Some(first) => format!("(redirected from '{first}') "),
                    None => String::new(),
                };
                let prefix = if error.is_preflight_access_check() {
                    "Response to preflight request doesn't pass access control check: "
                } else {
                    ""
                };
                vec![
                    format!(
                        "Access to fetch at '{url}' {redirected}from origin '{origin}' has been blocked by CORS policy: {prefix}{}",
                        chromium_body(error, &encode_hint(&status.failed_parameter))
                    ),
                    "Failed to load resource: net::ERR_FAILED".to_owned(),
                ]
            }
        },
        FailureKind::RedirectModeError | FailureKind::RedirectToNonHttpScheme(_) => {
            vec!["Failed to load resource: net::ERR_FAILED".to_owned()]
        }
        FailureKind::InvalidRedirectLocation(_) => vec!["Failed to load resource: net::ERR_INVALID_REDIRECT".to_owned()],
        FailureKind::TooManyRedirects => vec!["Failed to load resource: net::ERR_TOO_MANY_REDIRECTS".to_owned()],
        FailureKind::SameOriginModeRedirectedCrossOrigin(to) => vec![format!(
            "Unsafe attempt to load URL {to} from frame with URL {origin}/. Domains, protocols and ports must match.\n"
        )],
        FailureKind::RedirectWithCredentials(_) | FailureKind::SchemeNotHttp(_) => Vec::new(),
    }
}

/// Chromium's `EncodeHint`: characters outside printable ASCII become `\uXXXX`.
fn encode_hint(hint: &str) -> String {
    let mut out = String::with_capacity(hint.len());
    for c in hint.chars() {
        if (' '..='~').contains(&c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04X}", u32::from(c)));
        }
    }
    out
}

/// The text Chromium's `cors_error_string.cc` gives each reason, for `fetch`.
fn chromium_body(error: CorsError, hint: &str) -> String {
    const FETCH_SUFFIX: &str = " Have the server send the header with a valid value.";
    match error {
        CorsError::DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_owned(),
        CorsError::InvalidResponse => "The response is invalid.".to_owned(),
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".to_owned()
        }
        CorsError::MissingAllowOriginHeader | CorsError::PreflightMissingAllowOriginHeader => {
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_owned()
        }
        CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues => format!(
            "The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed.{FETCH_SUFFIX}"
        ),
        CorsError::InvalidAllowOriginValue | CorsError::PreflightInvalidAllowOriginValue => {
            format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'.{FETCH_SUFFIX}")
        }
        CorsError::AllowOriginMismatch | CorsError::PreflightAllowOriginMismatch => format!(
            "The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied origin.{FETCH_SUFFIX}"
        ),
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' which must be 'true' when the request's credentials mode is 'include'."
        ),
        CorsError::CorsDisabledScheme => {
            "Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_owned()
        }
        CorsError::PreflightInvalidStatus => "It does not have HTTP ok status.".to_owned(),
        CorsError::PreflightDisallowedRedirect => "Redirect is not allowed for a preflight request.".to_owned(),
        CorsError::InvalidAllowMethodsPreflightResponse => {
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_owned()
        }
        CorsError::InvalidAllowHeadersPreflightResponse => {
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_owned()
        }
        CorsError::MethodDisallowedByPreflightResponse => {
            format!("Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response.")
        }
        CorsError::HeaderDisallowedByPreflightResponse => {
            format!("Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight response.")
        }
        CorsError::RedirectContainsCredentials => format!(
            "Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin requests."
        ),
        CorsError::NoCorsRedirectModeNotFollow => {
            "Request mode is \"no-cors\" but the redirect mode is not \"follow\".".to_owned()
        }
    }
}
