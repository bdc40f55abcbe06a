//! What the browser writes to its console, word for word, and its own name
//! for each failure.

use crate::error::{CorsError, FailureKind};
use crate::verdict::Failure;
use crate::origin::Origin;
use crate::profile::{Browser, Profile};
use crate::response::{FilteredResponse, ResponseType};

/// The browser's name for why a fetch failed, as the recordings hold it in
/// `cors_error`: Chromium's `CorsError` name; `None` for failures the browser
/// does not report as CORS errors.
///
/// Firefox's name is the key of the message template it logged first
/// (`CORSMissingAllowOrigin2`); WebKit has no names, so its name is the first
/// message with the URLs and the page's origin replaced by `<url>` and
/// `<origin>`, as the recordings hold it.
pub fn reason_name(profile: &Profile, origin: &Origin, failure: &Failure) -> Option<String> {
    match profile.browser {
        Browser::Chromium | Browser::Spec => failure
            .cors_error()
            .map(|s| s.error.name())
            .or_else(|| failure.kind.gate().and_then(|g| g.chromium_cors_error_name()))
            .map(str::to_owned),
        Browser::Firefox => firefox_key(failure).map(str::to_owned),
        Browser::WebKit => {
            if failure.cors_error().is_some_and(|s| s.error == CorsError::DisallowedByMode) || failure.kind.gate().is_some() {
                return None;
            }
            let first = webkit(origin, failure).into_iter().next()?;
            Some(webkit_anonymize(&first, origin, failure))
        }
    }
}

/// The console messages for a fetch's outcome.
pub fn messages(profile: &Profile, origin: &Origin, outcome: &Result<FilteredResponse, Failure>) -> Vec<String> {
    match (profile.browser, outcome) {
        (Browser::Chromium | Browser::Spec, _) => chromium(origin, outcome),
        (Browser::Firefox | Browser::WebKit, Ok(_)) => Vec::new(),
        (Browser::Firefox, Err(f)) => firefox(origin, f),
        (Browser::WebKit, Err(f)) => webkit(origin, f),
    }
}

/// A hint as Firefox and WebKit print it: the header's bytes read as UTF-8,
/// invalid sequences replaced by U+FFFD.
fn utf8_lossy(hint: &str) -> String {
    let bytes: Vec<u8> = hint.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Firefox's message-template key for a failure.
fn firefox_key(failure: &Failure) -> Option<&'static str> {
    Some(match &failure.kind {
        FailureKind::Cors(status) => match status.error {
            CorsError::MissingAllowOriginHeader | CorsError::PreflightMissingAllowOriginHeader => "CORSMissingAllowOrigin2",
            CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues => {
                "CORSMultipleAllowOriginNotAllowed"
            }
            CorsError::InvalidAllowOriginValue
            | CorsError::PreflightInvalidAllowOriginValue
            | CorsError::AllowOriginMismatch
            | CorsError::PreflightAllowOriginMismatch => "CORSAllowOriginNotMatchingOrigin",
            CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
                "CORSNotSupportingCredentials"
            }
            CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
                "CORSMissingAllowCredentials"
            }
            CorsError::PreflightInvalidStatus => "CORSPreflightDidNotSucceed3",
            CorsError::PreflightDisallowedRedirect => "CORSExternalRedirectNotAllowed",
            CorsError::InvalidAllowMethodsPreflightResponse => "CORSInvalidAllowMethod",
            CorsError::InvalidAllowHeadersPreflightResponse => "CORSInvalidAllowHeader",
            CorsError::MethodDisallowedByPreflightResponse => "CORSMethodNotFound",
            CorsError::HeaderDisallowedByPreflightResponse => "CORSMissingAllowHeaderFromPreflight2",
            CorsError::RedirectContainsCredentials | CorsError::CorsDisabledScheme | CorsError::InvalidResponse => {
                "CORSDidNotSucceed2"
            }
            CorsError::DisallowedByMode | CorsError::NoCorsRedirectModeNotFollow => return None,
        },
        FailureKind::TooManyRedirects
        | FailureKind::RedirectToNonHttpScheme(_)
        | FailureKind::InvalidRedirectLocation(_)
        | FailureKind::RedirectWithCredentials(_)
            if failure.url_list.len() > 1 || is_cross_origin_failure(failure) =>
        {
            "CORSDidNotSucceed2"
        }
        _ => return None,
    })
}

/// Whether the fetch was under CORS when it failed (any URL cross-origin).
fn is_cross_origin_failure(failure: &Failure) -> bool {
    failure.status.is_some()
}

fn firefox(origin: &Origin, failure: &Failure) -> Vec<String> {
    let url = failure.url.as_str();
    let blocked = |reason: &str| {
        format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason}")
    };
    let did_not_succeed = blocked("CORS request did not succeed). Status code: (null).");
    let status = failure.status.map(|s| s.to_string()).unwrap_or_else(|| "(null)".to_owned());
    let first = match &failure.kind {
        FailureKind::Blocked(gate) => return crate::gate::firefox_console(failure, gate),
        FailureKind::SameOriginModeRedirectedCrossOrigin(to) => {
            return vec![format!("Security Error: Content at {origin}/ may not load data from {to}.")];
        }
        FailureKind::Cors(s) if s.error == CorsError::DisallowedByMode => {
            return vec![format!("Security Error: Content at {origin}/ may not load data from {url}.")];
        }
        _ => match firefox_key(failure) {
            None => return Vec::new(),
            Some(key) => {
                let hint = failure.cors_error().map(|s| utf8_lossy(&s.failed_parameter)).unwrap_or_default();
                match key {
                    "CORSMissingAllowOrigin2" => blocked(&format!("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.")),
                    "CORSMultipleAllowOriginNotAllowed" => blocked("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."),
                    "CORSAllowOriginNotMatchingOrigin" => blocked(&format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{hint}’).")),
                    "CORSNotSupportingCredentials" => format!(
                        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
                    ),
                    "CORSMissingAllowCredentials" => blocked("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)."),
                    "CORSPreflightDidNotSucceed3" => blocked(&format!("CORS preflight response did not succeed). Status code: {status}.")),
                    "CORSExternalRedirectNotAllowed" => blocked("CORS request external redirect not allowed)."),
                    "CORSInvalidAllowMethod" => blocked(&format!("invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Methods’).")),
                    "CORSInvalidAllowHeader" => blocked(&format!("invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Headers’).")),
                    "CORSMethodNotFound" => blocked("Did not find method in CORS header ‘Access-Control-Allow-Methods’)."),
                    "CORSMissingAllowHeaderFromPreflight2" => blocked(&format!(
                        "header ‘{hint}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."
                    )),
                    _ => return vec![did_not_succeed],
                }
            }
        },
    };
    let mut out = vec![first];
    // A refused preflight redirect is then judged as the preflight response:
    // against `null` when it pointed to another origin, by status otherwise.
    if failure.cors_error().is_some_and(|s| s.error == CorsError::PreflightDisallowedRedirect) {
        let target = failure.redirect_location.as_deref().and_then(|raw| failure.url.join(raw).ok());
        let cross_origin = target.is_some_and(|t| !Origin::of_url(&t).same_origin(&Origin::of_url(&failure.url)));
        out.push(match (&failure.allow_origin, cross_origin) {
            (Some(acao), true) => blocked(&format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{}’).", utf8_lossy(acao))),
            (None, true) => blocked(&format!("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.")),
            (_, false) => blocked(&format!("CORS preflight response did not succeed). Status code: {status}.")),
        });
    }
    // The request itself then fails too when the preflight failed or a
    // followed redirect was refused.
    if failure.preflight || (failure.redirect_location.is_some() && failure.redirect == crate::request::RedirectMode::Follow) {
        out.push(did_not_succeed);
    }
    out
}

fn webkit(origin: &Origin, failure: &Failure) -> Vec<String> {
    let url = failure.url.as_str();
    let access_checks = format!("Fetch API cannot load {url} due to access control checks.");
    let request_origin = if failure.url_list.len() > 1 && failure.tainted { "null".to_owned() } else { origin.to_string() };
    let status = failure.status.map(|s| s.to_string()).unwrap_or_default();
    let hint = failure.cors_error().map(|s| latin1_of_utf8(&utf8_lossy(&s.failed_parameter))).unwrap_or_default();
    let inner = match &failure.kind {
        FailureKind::TypeError(_) => return Vec::new(),
        FailureKind::Cors(s) => match s.error {
            CorsError::DisallowedByMode => return vec![format!("Fetch API cannot load {url}.")],
            CorsError::NoCorsRedirectModeNotFollow => {
                return vec![
                    "No-Cors mode requires follow redirect mode".to_owned(),
                    "Not allowed to request resource".to_owned(),
                    access_checks,
                ]
            }
            CorsError::MissingAllowOriginHeader
            | CorsError::PreflightMissingAllowOriginHeader
            | CorsError::InvalidAllowOriginValue
            | CorsError::PreflightInvalidAllowOriginValue
            | CorsError::AllowOriginMismatch
            | CorsError::PreflightAllowOriginMismatch => {
                format!("Origin {request_origin} is not allowed by Access-Control-Allow-Origin. Status code: {status}")
            }
            CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues => {
                "Access-Control-Allow-Origin cannot contain more than one origin.".to_owned()
            }
            CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
                "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.".to_owned()
            }
            CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
                "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".".to_owned()
            }
            CorsError::PreflightInvalidStatus | CorsError::PreflightDisallowedRedirect => {
                format!("Preflight response is not successful. Status code: {status}")
            }
            CorsError::InvalidAllowMethodsPreflightResponse => {
                format!("Header Access-Control-Allow-Methods has an invalid value: {hint}")
            }
            CorsError::InvalidAllowHeadersPreflightResponse => {
                format!("Header Access-Control-Allow-Headers has an invalid value: {hint}")
            }
            CorsError::MethodDisallowedByPreflightResponse => {
                format!("Method {hint} is not allowed by Access-Control-Allow-Methods.")
            }
            CorsError::HeaderDisallowedByPreflightResponse => {
                format!("Request header field {hint} is not allowed by Access-Control-Allow-Headers.")
            }
            CorsError::RedirectContainsCredentials => {
                format!("redirection URL {} has credentials", webkit_location(failure).unwrap_or_default())
            }
            CorsError::CorsDisabledScheme | CorsError::InvalidResponse => {
                "not allowed to follow a cross-origin CORS redirection with non CORS scheme".to_owned()
            }
        },
        FailureKind::RedirectToNonHttpScheme(_) | FailureKind::InvalidRedirectLocation(_) => {
            "not allowed to follow a cross-origin CORS redirection with non CORS scheme".to_owned()
        }
        FailureKind::RedirectModeError => {
            return vec![format!("Not allowed to follow a redirection while loading {url}"), access_checks]
        }
        FailureKind::TooManyRedirects => {
            return vec!["Load cannot follow more than 20 redirections".to_owned(), access_checks]
        }
        FailureKind::SameOriginModeRedirectedCrossOrigin(to) => {
            return vec![
                format!("Unsafe attempt to load URL {to} from origin {origin}. Domains, protocols and ports must match."),
                format!("Fetch API cannot load {to} due to access control checks."),
            ]
        }
        FailureKind::RedirectWithCredentials(_) | FailureKind::SchemeNotHttp(_) | FailureKind::EmptyRedirectLocation => {
            return Vec::new()
        }
        FailureKind::Blocked(gate) => return crate::gate::webkit_console(failure, gate),
    };
    let first = match (webkit_location(failure), failure.preflight) {
        (Some(to), false) => {
            // The redirect target is shown without its userinfo.
            let to = without_userinfo(&to);
            format!("Cross-origin redirection to {to} denied by Cross-Origin Resource Sharing policy: {inner}")
        }
        _ => inner,
    };
    vec![first, access_checks]
}

/// The redirect target as WebKit prints it: resolved when it parses, as sent
/// otherwise.
fn webkit_location(failure: &Failure) -> Option<String> {
    let raw = failure.redirect_location.as_ref()?;
    Some(failure.url.join(raw).map(|u| u.as_str().to_owned()).unwrap_or_else(|_| raw.clone()))
}

/// A URL string without its username and password, when it parses.
fn without_userinfo(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.as_str().to_owned()
        }
        _ => url.to_owned(),
    }
}

/// WebKit's text as the recordings hold it: its UTF-8 bytes shown one
/// character per byte.
fn latin1_of_utf8(s: &str) -> String {
    s.bytes().map(char::from).collect()
}

/// Replace the fetch's URLs with `<url>` and the page's origin with `<origin>`.
fn webkit_anonymize(message: &str, origin: &Origin, failure: &Failure) -> String {
    let mut urls: Vec<String> = failure.url_list.iter().map(|u| u.as_str().to_owned()).collect();
    if let Some(to) = webkit_location(failure) {
        urls.push(without_userinfo(&to));
        urls.push(to);
    }
    urls.sort_by_key(|u| std::cmp::Reverse(u.len()));
    let mut out = message.to_owned();
    for u in urls.iter().filter(|u| !u.is_empty()) {
        out = out.replace(u.as_str(), "<url>");
    }
    out.replace(origin.serialize(), "<origin>")
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
        FailureKind::RedirectWithCredentials(_) | FailureKind::SchemeNotHttp(_) | FailureKind::EmptyRedirectLocation => {
            Vec::new()
        }
        FailureKind::Blocked(gate) => crate::gate::chromium_console(origin, failure, gate),
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
