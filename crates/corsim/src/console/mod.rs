//! What the browser writes to its console, word for word, its own name for
//! each failure, and what `fetch()` rejects with; and the way back, from a
//! pasted console error to the facts, the reason and the scenario.
//!
//! - [`templates`]: every message, stated once, as text with named slots.
//! - [`messages`], [`reason_name`], [`rejection`]: a fetch's outcome in each
//!   browser's words, rendered from the templates.
//! - [`parse()`] ([`parse::Parser`]): pasted messages read back with the same
//!   templates; [`facts`]: what they say together, what the browser did in
//!   plain words, and the scenario that reproduces them.

use crate::blocked::Gate;
use crate::error::{CorsError, FailureKind, NetError};
use crate::request::Initiator;
use crate::verdict::Failure;
use crate::origin::Origin;
use crate::profile::{Browser, Profile};
use crate::response::FilteredResponse;

#[cfg(feature = "messages")]
pub mod facts;
#[cfg(feature = "messages")]
pub mod parse;
pub mod templates;

#[cfg(feature = "messages")]
pub use parse::parse;

use templates::*;
use url::Url;

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
        Browser::Firefox => firefox_key(failure).map(|k| k.name().to_owned()),
        Browser::WebKit => {
            if failure.cors_error().is_some_and(|s| s.error == CorsError::DisallowedByMode) {
                return None;
            }
            // The first line that is not the closing "Fetch API cannot load …".
            let closing = WEBKIT_CANNOT_LOAD.split('{').next().unwrap_or_default();
            let first = webkit(origin, Initiator::Fetch, failure).into_iter().find(|m| !m.starts_with(closing))?;
            Some(webkit_anonymize(&first, origin, failure))
        }
    }
}

/// The console messages for a fetch's outcome.
pub fn messages(
    profile: &Profile,
    origin: &Origin,
    outcome: &Result<FilteredResponse, Failure>,
) -> Vec<String> {
    messages_for(profile, origin, Initiator::Fetch, outcome)
}

/// The console messages for the outcome of a request made by `initiator`
/// (the fetch's part: what the resource checks of an element add comes
/// from [`crate::initiator`]).
pub fn messages_for(
    profile: &Profile,
    origin: &Origin,
    initiator: Initiator,
    outcome: &Result<FilteredResponse, Failure>,
) -> Vec<String> {
    match (profile.browser, outcome) {
        (Browser::Chromium | Browser::Spec, _) => chromium(origin, initiator, outcome),
        (Browser::Firefox | Browser::WebKit, Ok(_)) => Vec::new(),
        (Browser::Firefox, Err(f)) => firefox(origin, f),
        (Browser::WebKit, Err(f)) => webkit(origin, initiator, f),
    }
}

/// The lines XHR's `setRequestHeader()` logs for the forbidden headers it
/// ignored (Chromium and WebKit; Firefox ignores them silently).
pub fn dropped_header_messages(profile: &Profile, request: &crate::request::Request) -> Vec<String> {
    if request.initiator != Initiator::Xhr || profile.browser == Browser::Firefox {
        return Vec::new();
    }
    request
        .dropped
        .iter()
        .filter(|d| d.because == crate::request::DroppedBecause::Forbidden)
        .map(|d| fill(REFUSED_UNSAFE_HEADER, &[(Slot::Hint, &d.name)]))
        .collect()
}

/// The warning a browser writes when mixed content let `url` through from the
/// page at `page_url` because the fetch declared a local `targetAddressSpace`
/// (only Chromium reads that option).
pub fn mixed_content_warning(profile: &Profile, page_url: &str, url: &Url) -> String {
    debug_assert!(profile.gates.local_network_access.target_address_space_option);
    fill(GateMessage::ChromiumMixedContentLetThrough.text(), &[(Slot::Page, page_url), (Slot::Url, url.as_str())])
}

/// What `fetch()` rejects with, word for word: the browser's own text for a
/// network error (Chromium "TypeError: Failed to fetch", Firefox "TypeError:
/// NetworkError when attempting to fetch resource.", WebKit "TypeError: Load
/// failed"), or the `TypeError` it throws before sending anything.
///
/// The texts of the `TypeError`s thrown before sending are Chromium's for
/// every profile: the recordings hold no rejection texts, and Firefox's and
/// WebKit's for these cases are not yet checked.
///
/// ```
/// use corsim::{console::rejection, fetch::run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
/// let page = Origin::parse("https://app.example").unwrap();
/// for (profile, text) in [(&Profile::CHROMIUM, "TypeError: Failed to fetch"),
///     (&Profile::FIREFOX, "TypeError: NetworkError when attempting to fetch resource."),
///     (&Profile::WEBKIT, "TypeError: Load failed")] {
///     let v = run(profile, page.clone(), &RequestInit::get("https://api.example/"), &mut PreflightCache::new(),
///         Timestamp::ZERO, |_| HttpResponse::new(200));
///     assert_eq!(rejection(profile, &v.outcome.unwrap_err()), text);
/// }
/// ```
pub fn rejection(profile: &Profile, failure: &Failure) -> String {
    match &failure.kind {
        FailureKind::TypeError(t) => format!("TypeError: {t}"),
        _ => templates::rejection(profile.browser).to_owned(),
    }
}

/// A hint as Firefox and WebKit print it: the header's bytes read as UTF-8,
/// invalid sequences replaced by U+FFFD.
fn utf8_lossy(hint: &str) -> String {
    crate::header_list::utf8_of_isomorphic(hint)
}

/// Firefox's message-template key for a failure.
fn firefox_key(failure: &Failure) -> Option<FirefoxKey> {
    Some(match &failure.kind {
        FailureKind::Cors(status) => match status.error {
            CorsError::MissingAllowOriginHeader | CorsError::PreflightMissingAllowOriginHeader => {
                FirefoxKey::MissingAllowOrigin
            }
            CorsError::MultipleAllowOriginValues
            | CorsError::PreflightMultipleAllowOriginValues => {
                FirefoxKey::MultipleAllowOriginNotAllowed
            }
            CorsError::InvalidAllowOriginValue
            | CorsError::PreflightInvalidAllowOriginValue
            | CorsError::AllowOriginMismatch
            | CorsError::PreflightAllowOriginMismatch => FirefoxKey::AllowOriginNotMatchingOrigin,
            CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
                FirefoxKey::NotSupportingCredentials
            }
            CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
                FirefoxKey::MissingAllowCredentials
            }
            CorsError::PreflightInvalidStatus => FirefoxKey::PreflightDidNotSucceed,
            CorsError::PreflightDisallowedRedirect => FirefoxKey::ExternalRedirectNotAllowed,
            CorsError::InvalidAllowMethodsPreflightResponse => FirefoxKey::InvalidAllowMethod,
            CorsError::InvalidAllowHeadersPreflightResponse => FirefoxKey::InvalidAllowHeader,
            CorsError::MethodDisallowedByPreflightResponse => FirefoxKey::MethodNotFound,
            CorsError::HeaderDisallowedByPreflightResponse => {
                FirefoxKey::MissingAllowHeaderFromPreflight
            }
            CorsError::CorsDisabledScheme => FirefoxKey::RequestNotHttp,
            CorsError::RedirectContainsCredentials | CorsError::InvalidResponse => FirefoxKey::DidNotSucceed,
            CorsError::DisallowedByMode | CorsError::NoCorsRedirectModeNotFollow => return None,
        },
        // A check around CORS that Firefox's CORS listener sees fail.
        FailureKind::Blocked(gate) if firefox_did_not_succeed_at(failure, gate).is_some() => {
            FirefoxKey::DidNotSucceed
        }
        // A network error under CORS: the request "did not succeed"; a
        // same-origin one says nothing of CORS.
        FailureKind::TooManyRedirects
        | FailureKind::RedirectToNonHttpScheme(_)
        | FailureKind::InvalidRedirectLocation(_)
        | FailureKind::RedirectWithCredentials(_)
        | FailureKind::Net(_)
            if failure.cors =>
        {
            FirefoxKey::DidNotSucceed
        }
        _ => return None,
    })
}

/// Firefox's messages for a failure (`nsCORSListenerProxy::LogBlockedCORSRequest`).
fn firefox(origin: &Origin, failure: &Failure) -> Vec<String> {
    let url = failure.url.as_str();
    let status = failure
        .status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "(null)".to_owned());
    let blocked = |key: FirefoxKey, hint: &str| {
        let resource = fill(key.resource(), &[(Slot::Url, url)]);
        let reason = fill(key.reason(), &[(Slot::Status, &status), (Slot::Hint, hint)]);
        fill(
            FIREFOX_BLOCKED,
            &[(Slot::Resource, &resource), (Slot::Reason, &reason)],
        )
    };
    let did_not_succeed = || {
        let reason = fill(
            FirefoxKey::DidNotSucceed.reason(),
            &[(Slot::Status, "(null)")],
        );
        fill(
            FIREFOX_BLOCKED,
            &[(Slot::Resource, url), (Slot::Reason, &reason)],
        )
    };
    let security_error = |to: &str| {
        fill(
            FIREFOX_SECURITY_ERROR,
            &[(Slot::Origin, origin.serialize()), (Slot::Url, to)],
        )
    };
    // A redirect to `blob:` or `file:`: Firefox's security check says so
    // first, then, under CORS, the request did not succeed.
    if let FailureKind::RedirectToNonHttpScheme(to) = &failure.kind {
        let template = match to.split(':').next() {
            Some("blob") => Some(FIREFOX_REDIRECT_SECURITY_ERROR),
            Some("file") => Some(FIREFOX_REDIRECT_LINK_ERROR),
            _ => None,
        };
        if let Some(template) = template {
            let mut out = vec![fill(template, &[(Slot::Url, url), (Slot::Location, to)])];
            if failure.cors {
                out.push(did_not_succeed());
            }
            return out;
        }
    }
    let first = match &failure.kind {
        FailureKind::Blocked(gate) => return firefox_gate(origin, failure, gate),
        FailureKind::SameOriginModeRedirectedCrossOrigin(to) => return vec![security_error(to)],
        FailureKind::Cors(s) if s.error == CorsError::DisallowedByMode => {
            return vec![security_error(url)]
        }
        _ => match firefox_key(failure) {
            None => return Vec::new(),
            // The request did not succeed: nothing follows, and Firefox has no status for it.
            // A refused preflight answer: the preflight, then the request, did not succeed.
            Some(FirefoxKey::DidNotSucceed) if failure.preflight && matches!(failure.kind, FailureKind::Net(_)) => {
                return vec![did_not_succeed(), did_not_succeed()]
            }
            Some(FirefoxKey::DidNotSucceed) => return vec![did_not_succeed()],
            // A redirect to a scheme that is not HTTP: refused at its target;
            // under CORS the request at the redirecting URL did not succeed.
            Some(FirefoxKey::RequestNotHttp) if failure.url_list.len() > 1 => {
                let mut out = vec![blocked(FirefoxKey::RequestNotHttp, "")];
                if failure.cors {
                    let from = failure.url_list[failure.url_list.len() - 2].as_str();
                    let reason = fill(FirefoxKey::DidNotSucceed.reason(), &[(Slot::Status, "(null)")]);
                    out.push(fill(FIREFOX_BLOCKED, &[(Slot::Resource, from), (Slot::Reason, &reason)]));
                }
                return out;
            }
            Some(key) => blocked(
                key,
                &failure
                    .cors_error()
                    .map(|s| utf8_lossy(&s.failed_parameter))
                    .unwrap_or_default(),
            ),
        },
    };
    let mut out = vec![first];
    // A refused preflight redirect is then judged as the preflight response:
    // against `null` when it pointed to another origin, by status otherwise.
    if failure
        .cors_error()
        .is_some_and(|s| s.error == CorsError::PreflightDisallowedRedirect)
    {
        let target = failure
            .redirect_location
            .as_deref()
            .and_then(|raw| failure.url.join(raw).ok());
        let cross_origin =
            target.is_some_and(|t| !Origin::of_url(&t).same_origin(&Origin::of_url(&failure.url)));
        out.push(match (&failure.allow_origin, cross_origin) {
            (Some(acao), true) => {
                blocked(FirefoxKey::AllowOriginNotMatchingOrigin, &utf8_lossy(acao))
            }
            (None, true) => blocked(FirefoxKey::MissingAllowOrigin, ""),
            (_, false) => blocked(FirefoxKey::PreflightDidNotSucceed, ""),
        });
    }
    // The request itself then fails too when the preflight failed or a
    // followed redirect was refused; Firefox has no status for it.
    if failure.preflight
        || (failure.redirect_location.is_some()
            && failure.redirect == crate::request::RedirectMode::Follow)
    {
        out.push(did_not_succeed());
    }
    out
}

/// WebKit's security message for a failure, when it logs one
/// (`CrossOriginAccessControl.cpp`), and its slots.
fn webkit_message(failure: &Failure) -> Option<WebKitMessage> {
    Some(match &failure.kind {
        FailureKind::Cors(s) => match s.error {
            CorsError::MissingAllowOriginHeader
            | CorsError::PreflightMissingAllowOriginHeader
            | CorsError::InvalidAllowOriginValue
            | CorsError::PreflightInvalidAllowOriginValue
            | CorsError::AllowOriginMismatch
            | CorsError::PreflightAllowOriginMismatch => WebKitMessage::OriginNotAllowed,
            CorsError::MultipleAllowOriginValues
            | CorsError::PreflightMultipleAllowOriginValues => WebKitMessage::MultipleOrigins,
            CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
                WebKitMessage::WildcardWithCredentials
            }
            CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
                WebKitMessage::CredentialsNotTrue
            }
            CorsError::PreflightInvalidStatus | CorsError::PreflightDisallowedRedirect => {
                WebKitMessage::PreflightNotSuccessful
            }
            CorsError::InvalidAllowMethodsPreflightResponse => WebKitMessage::InvalidAllowMethods,
            CorsError::InvalidAllowHeadersPreflightResponse => WebKitMessage::InvalidAllowHeaders,
            CorsError::MethodDisallowedByPreflightResponse => WebKitMessage::MethodNotAllowed,
            CorsError::HeaderDisallowedByPreflightResponse => WebKitMessage::HeaderNotAllowed,
            CorsError::RedirectContainsCredentials => WebKitMessage::RedirectionHasCredentials,
            CorsError::CorsDisabledScheme | CorsError::InvalidResponse => {
                WebKitMessage::NonCorsScheme
            }
            CorsError::DisallowedByMode | CorsError::NoCorsRedirectModeNotFollow => return None,
        },
        _ => return None,
    })
}

/// WebKit's messages for a failure.
fn webkit(origin: &Origin, initiator: Initiator, failure: &Failure) -> Vec<String> {
    let url = failure.url.as_str();
    let access_checks = |url: &str| {
        fill(
            WEBKIT_ACCESS_CONTROL_CHECKS,
            &[(Slot::Initiator, webkit_initiator(initiator)), (Slot::Url, url)],
        )
    };
    let alone = |m: WebKitMessage| m.text().to_owned();
    match &failure.kind {
        FailureKind::Cors(s) if s.error == CorsError::DisallowedByMode => {
            return vec![fill(WEBKIT_CANNOT_LOAD, &[(Slot::Url, url)])]
        }
        FailureKind::Cors(s) if s.error == CorsError::NoCorsRedirectModeNotFollow => {
            return vec![
                alone(WebKitMessage::NoCorsRedirect),
                alone(WebKitMessage::NotAllowedToRequest),
                access_checks(url),
            ]
        }
        FailureKind::RedirectModeError => {
            return vec![
                fill(
                    WebKitMessage::RedirectNotAllowed.text(),
                    &[(Slot::Url, url)],
                ),
                access_checks(url),
            ]
        }
        FailureKind::TooManyRedirects => {
            return vec![alone(WebKitMessage::TooManyRedirects), access_checks(url)]
        }
        FailureKind::RedirectToDisabledScheme(_) => {
            return vec![alone(WebKitMessage::FtpDisabled), access_checks(url)]
        }
        FailureKind::RedirectToLocalResource(to) => {
            let local = fill(WebKitMessage::LocalResource.text(), &[(Slot::Location, to)]);
            return vec![local, access_checks(url)];
        }
        // fetch()'s loader fails the load of the URL the redirect led to.
        FailureKind::RedirectToNonHttpScheme(to) => {
            return vec![alone(WebKitMessage::RedirectSchemeNotHttp), access_checks(to)]
        }
        // An answer the HTTP stack could not parse: only a preflight's
        // becomes an access-control error, which is logged.
        FailureKind::Net(NetError::InvalidHttpResponse) if failure.preflight => {
            return vec![alone(WebKitMessage::UnparsableResponse), access_checks(url)]
        }
        // At the URL that failed: the other origin's (the network process
        // refused it), or the redirecting one for a redirect to a URL that
        // is not HTTP(S) (the loader refused it).
        FailureKind::SameOriginModeRedirectedCrossOrigin(to) => {
            let unsafe_attempt = fill(
                WebKitMessage::UnsafeAttempt.text(),
                &[(Slot::Url, to), (Slot::Origin, origin.serialize())],
            );
            return vec![unsafe_attempt, access_checks(url)];
        }
        FailureKind::Blocked(gate) => return webkit_gate(initiator, failure, gate),
        // A `cors` fetch of a URL that is not HTTP(S), before any redirect.
        FailureKind::Cors(s) if s.error == CorsError::CorsDisabledScheme && !matches!(failure.url.scheme(), "http" | "https") => {
            return vec![alone(WebKitMessage::OnlyHttp), access_checks(url)]
        }
        _ => {}
    }
    let Some(message) = webkit_message(failure) else {
        return Vec::new();
    };
    let request_origin = if failure.url_list.len() > 1 && failure.tainted {
        "null"
    } else {
        origin.serialize()
    };
    let status = failure.status.map(|s| s.to_string()).unwrap_or_default();
    let hint = failure
        .cors_error()
        .map(|s| latin1_of_utf8(&utf8_lossy(&s.failed_parameter)))
        .unwrap_or_default();
    let location = webkit_location(failure).unwrap_or_default();
    let inner = fill(
        message.text(),
        &[
            (Slot::Origin, request_origin),
            (Slot::Status, &status),
            (Slot::Hint, &hint),
            (Slot::RedirectUrl, &location),
        ],
    );
    let first = match (webkit_location(failure), failure.preflight) {
        // The redirect target is shown without its userinfo.
        (Some(to), false) => fill(
            WEBKIT_REDIRECTION_DENIED,
            &[
                (Slot::Location, &without_userinfo(&to)),
                (Slot::Reason, &inner),
            ],
        ),
        _ => inner,
    };
    let closing = match initiator {
        Initiator::Fetch | Initiator::Xhr => Some(access_checks(url)),
        // The URL the element asked for, before any redirect.
        Initiator::Img => Some(fill(WEBKIT_IMAGE_ACCESS_CONTROL_CHECKS, &[(Slot::Url, failure.url_list[0].as_str())])),
        Initiator::Script => Some(WEBKIT_SCRIPT_DENIED.to_owned()),
        Initiator::Beacon => Some(fill(WEBKIT_BEACON_CANNOT_LOAD, &[(Slot::Url, url), (Slot::Reason, &first)])),
        Initiator::ModuleScript | Initiator::Stylesheet | Initiator::Font => None,
    };
    std::iter::once(first).chain(closing).collect()
}

/// The redirect target as WebKit prints it: resolved when it parses, as sent
/// otherwise.
fn webkit_location(failure: &Failure) -> Option<String> {
    let raw = failure.redirect_location.as_ref()?;
    Some(
        failure
            .url
            .join(raw)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_else(|_| raw.clone()),
    )
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
    let mut urls: Vec<String> = failure
        .url_list
        .iter()
        .map(|u| u.as_str().to_owned())
        .collect();
    if let Some(to) = webkit_location(failure) {
        urls.push(without_userinfo(&to));
        urls.push(to);
    }
    anonymize(message, &urls, Some(origin.serialize()))
}

/// A WebKit message as its recordings name the failure: `urls` (longest
/// first) replaced by `<url>`, then `origin` by `<origin>`.
pub fn anonymize(message: &str, urls: &[String], origin: Option<&str>) -> String {
    let mut urls: Vec<&String> = urls.iter().filter(|u| !u.is_empty()).collect();
    urls.sort_by_key(|u| std::cmp::Reverse(u.len()));
    let mut out = message.to_owned();
    for u in urls {
        out = out.replace(u.as_str(), "<url>");
    }
    match origin {
        Some(o) => out.replace(o, "<origin>"),
        None => out,
    }
}

/// Chromium's messages for a fetch's outcome.
fn chromium(origin: &Origin, initiator: Initiator, outcome: &Result<FilteredResponse, Failure>) -> Vec<String> {
    let failed_to_load =
        |net_error: &str| fill(CHROMIUM_FAILED_TO_LOAD, &[(Slot::NetError, net_error)]);
    let failure = match outcome {
        Ok(response) => {
            // An opaque response's status is 0; its real status, which the
            // loader logs too, is added by crate::initiator::observe.
            return chromium_error_status(response.status).into_iter().collect();
        }
        Err(f) => f,
    };
    let url = failure.url.as_str();
    let page = origin;
    let origin = origin.serialize();
    match &failure.kind {
        FailureKind::TypeError(_) => Vec::new(),
        FailureKind::Cors(status) => match status.error {
            CorsError::DisallowedByMode => {
                let reason = fill(CHROMIUM_SAME_ORIGIN_MODE, &[(Slot::Origin, origin)]);
                vec![fill(
                    CHROMIUM_FETCH_API_CANNOT_LOAD,
                    &[(Slot::Url, url), (Slot::Reason, &reason)],
                )]
            }
            CorsError::NoCorsRedirectModeNotFollow => {
                let reason = chromium_reason(CorsError::NoCorsRedirectModeNotFollow);
                vec![fill(
                    CHROMIUM_FETCH_API_CANNOT_LOAD,
                    &[(Slot::Url, url), (Slot::Reason, reason)],
                )]
            }
            error => vec![
                chromium_blocked(
                    chromium_initiator(initiator),
                    url,
                    failure.redirected_from.as_ref().map(Url::as_str),
                    origin,
                    error,
                    &status.failed_parameter,
                ),
                failed_to_load(CHROMIUM_NET_FAILED),
            ],
        },
        FailureKind::RedirectModeError => vec![failed_to_load(CHROMIUM_NET_FAILED)],
        FailureKind::RedirectToNonHttpScheme(_)
        | FailureKind::RedirectToDisabledScheme(_)
        | FailureKind::RedirectToLocalResource(_) => vec![failed_to_load(CHROMIUM_NET_UNSAFE_REDIRECT)],
        FailureKind::InvalidRedirectLocation(_) => {
            vec![failed_to_load(CHROMIUM_NET_INVALID_REDIRECT)]
        }
        FailureKind::TooManyRedirects => vec![failed_to_load(CHROMIUM_NET_TOO_MANY_REDIRECTS)],
        FailureKind::SameOriginModeRedirectedCrossOrigin(to) => {
            vec![fill(
                CHROMIUM_UNSAFE_ATTEMPT,
                &[(Slot::Url, to), (Slot::Origin, origin)],
            )]
        }
        FailureKind::RedirectWithCredentials(_)
        | FailureKind::SchemeNotHttp(_)
        | FailureKind::EmptyRedirectLocation => Vec::new(),
        FailureKind::Blocked(gate) => chromium_gate(page, failure, gate),
        FailureKind::Net(refused) => vec![failed_to_load(&format!("net::{}", refused.chromium_name()))],
    }
}

/// The line Chromium's loader logs for a response with an error status
/// (400 or more), `None` for any other status.
///
/// ```
/// assert_eq!(corsim::console::chromium_error_status(404).unwrap(),
///     "Failed to load resource: the server responded with a status of 404 (Not Found)");
/// ```
pub fn chromium_error_status(status: u16) -> Option<String> {
    if status < 400 {
        return None;
    }
    let reason = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
    let status = status.to_string();
    Some(fill(CHROMIUM_FAILED_STATUS, &[(Slot::Status, &status), (Slot::StatusText, reason)]))
}

/// Chromium's "Access to … has been blocked by CORS policy" message for a
/// CORS error (`GetErrorStringForConsoleMessage`).
///
/// ```
/// use corsim::console::chromium_blocked;
/// use corsim::CorsError;
/// let m = chromium_blocked("XMLHttpRequest", "https://api.example/", None, "https://app.example",
///     CorsError::PreflightWildcardOriginNotAllowed, "*");
/// assert!(m.starts_with("Access to XMLHttpRequest at 'https://api.example/' from origin 'https://app.example' \
///     has been blocked by CORS policy: Response to preflight request doesn't pass access control check: "));
/// assert!(m.ends_with("is controlled by the withCredentials attribute."));
/// ```
pub fn chromium_blocked(
    initiator: &str,
    url: &str,
    redirected_from: Option<&str>,
    origin: &str,
    error: CorsError,
    failed_parameter: &str,
) -> String {
    let preflight = if error.is_preflight_access_check() {
        CHROMIUM_PREFLIGHT_CHECK
    } else {
        ""
    };
    let reason = fill(
        chromium_reason(error),
        &[
            (
                Slot::Hint,
                &if error == CorsError::CorsDisabledScheme {
                    CHROMIUM_CORS_SCHEMES.to_owned()
                } else {
                    encode_hint(failed_parameter)
                },
            ),
            (Slot::Suffix, chromium_suffix(error, initiator)),
        ],
    );
    chromium_envelope(initiator, url, redirected_from, origin, preflight, &reason)
}

/// [`CHROMIUM_BLOCKED`] around a reason.
fn chromium_envelope(
    initiator: &str,
    url: &str,
    redirected_from: Option<&str>,
    origin: &str,
    preflight: &str,
    reason: &str,
) -> String {
    let redirected = redirected_from
        .map(|first| fill(CHROMIUM_REDIRECTED_FROM, &[(Slot::FirstUrl, first)]))
        .unwrap_or_default();
    fill(
        CHROMIUM_BLOCKED,
        &[
            (Slot::Initiator, initiator),
            (Slot::Url, url),
            (Slot::Redirected, &redirected),
            (Slot::Origin, origin),
            (Slot::Preflight, preflight),
            (Slot::Reason, reason),
        ],
    )
}

/// Chromium's console lines for a fetch a check around CORS refused, all
/// recorded (`tests/corpus/checks-chromium-156.jsonl`):
/// - bad port: [`CHROMIUM_NET_UNSAFE_PORT`], on the URL asked for and on a
///   redirect target alike.
/// - mixed content: Chromium's own line.
/// - Local Network Access: the CORS line, then `net::ERR_FAILED`.
/// - CORP: [`chromium_corp_net_error`] in [`CHROMIUM_FAILED_TO_LOAD`].
/// - opaque-response blocking: nothing.
/// - scheme: the loader's net error ([`CHROMIUM_NET_INVALID_URL`] for a
///   `data:` URL that does not decode, [`CHROMIUM_NET_FILE_NOT_FOUND`] for a
///   `blob:` URL with no blob), its [`LOCAL_RESOURCE`] line for `file:`, and
///   `fetch()`'s own [`GateMessage::ChromiumSchemeNotSupported`] for the rest.
fn chromium_gate(origin: &Origin, failure: &Failure, gate: &Gate) -> Vec<String> {
    use crate::blocked::SchemeError;
    let url = failure.url.as_str();
    let failed_to_load = |net_error: &str| fill(CHROMIUM_FAILED_TO_LOAD, &[(Slot::NetError, net_error)]);
    match gate {
        Gate::BadPort { .. } => vec![failed_to_load(CHROMIUM_NET_UNSAFE_PORT)],
        // Chromium blocks only https: pages; the standard's profile, which
        // also restricts loopback http: pages, has no text of its own for them.
        Gate::MixedContent { page } if !page.starts_with("https:") => Vec::new(),
        Gate::MixedContent { page } => {
            vec![fill(GateMessage::ChromiumMixedContent.text(), &[(Slot::Page, page), (Slot::Url, url)])]
        }
        Gate::LocalNetworkAccess(block) => {
            let declared = match block.denial {
                crate::blocked::LnaDenial::AddressSpaceMismatch { declared } => declared.name(),
                _ => "",
            };
            let reason = fill(
                GateMessage::chromium_lna(block.denial).text(),
                &[(Slot::AddressSpace, block.target.name()), (Slot::DeclaredAddressSpace, declared)],
            );
            vec![
                chromium_envelope(
                    "fetch",
                    url,
                    failure.redirected_from.as_ref().map(Url::as_str),
                    origin.serialize(),
                    "",
                    &reason,
                ),
                failed_to_load(CHROMIUM_NET_FAILED),
            ]
        }
        Gate::CrossOriginResourcePolicy(block) => vec![failed_to_load(chromium_corp_net_error(*block))],
        // Recorded: Chromium logs nothing when ORB takes a response away
        // (fetch() gets it emptied, an element a silent network error).
        Gate::OpaqueResponseBlocking(_) => Vec::new(),
        Gate::Scheme(SchemeError::InvalidDataUrl { .. }) => vec![failed_to_load(CHROMIUM_NET_INVALID_URL)],
        Gate::Scheme(SchemeError::BlobUnavailable) => vec![failed_to_load(CHROMIUM_NET_FILE_NOT_FOUND)],
        Gate::Scheme(SchemeError::LocalResource) => {
            vec![fill(GateMessage::ChromiumLocalResource.text(), &[(Slot::Location, url)])]
        }
        Gate::Scheme(SchemeError::Unsupported { scheme }) => {
            vec![fill(GateMessage::ChromiumSchemeNotSupported.text(), &[(Slot::Url, url), (Slot::Scheme, scheme)])]
        }
    }
}

/// The URL Firefox's "CORS request did not succeed" names, when a check
/// refused a `cors` request it had started (recorded): Local Network Access
/// refuses the connection (the URL refused); a bad port or mixed content on
/// a redirect's target fails the redirect (the URL that redirected).
fn firefox_did_not_succeed_at<'a>(failure: &'a Failure, gate: &Gate) -> Option<&'a Url> {
    if !failure.cors {
        return None;
    }
    match gate {
        Gate::LocalNetworkAccess(_) => Some(&failure.url),
        Gate::BadPort { .. } | Gate::MixedContent { .. } => failure.url_list.iter().rev().nth(1),
        _ => None,
    }
}

/// Firefox's console lines for a fetch a check around CORS refused (recorded
/// in Firefox 153 ESR): its mixed content
/// line, its CORP line, its security error for a `file:` URL; nothing of its
/// own for a bad port, Local Network Access or the other scheme errors. Its
/// CORS listener then adds "CORS request did not succeed"
/// ([`firefox_did_not_succeed_at`]), twice when a preflight was refused (the
/// preflight, then the request).
fn firefox_gate(origin: &Origin, failure: &Failure, gate: &Gate) -> Vec<String> {
    use crate::blocked::SchemeError;
    let url = failure.url.as_str();
    let mut out = match gate {
        Gate::MixedContent { .. } => vec![fill(GateMessage::FirefoxMixedContent.text(), &[(Slot::Url, url)])],
        Gate::CrossOriginResourcePolicy(_) => vec![fill(GateMessage::FirefoxCorp.text(), &[(Slot::Url, url)])],
        // The page's origin as a URL, then the file.
        Gate::Scheme(SchemeError::LocalResource) => vec![fill(
            FIREFOX_REDIRECT_LINK_ERROR,
            &[(Slot::Url, &format!("{}/", origin.serialize())), (Slot::Location, url)],
        )],
        _ => Vec::new(),
    };
    if let Some(at) = firefox_did_not_succeed_at(failure, gate) {
        let reason = fill(FirefoxKey::DidNotSucceed.reason(), &[(Slot::Status, "(null)")]);
        let line = fill(FIREFOX_BLOCKED, &[(Slot::Resource, at.as_str()), (Slot::Reason, &reason)]);
        let times = if failure.preflight { 2 } else { 1 };
        out.extend(std::iter::repeat_n(line, times));
    }
    out
}

/// WebKit's console lines for a fetch a check around CORS refused (recorded
/// in WebKitGTK 2.50.6): each check's own line, then, for most, "Not allowed
/// to request resource" and the closing [`WEBKIT_ACCESS_CONTROL_CHECKS`]
/// (an `<img>`'s own [`WEBKIT_IMAGE_ACCESS_CONTROL_CHECKS`], naming the
/// URL it asked for: recorded for CORP).
fn webkit_gate(initiator: Initiator, failure: &Failure, gate: &Gate) -> Vec<String> {
    use crate::blocked::SchemeError;
    let url = failure.url.as_str();
    let closing = |at: &str| match initiator {
        Initiator::Img => fill(WEBKIT_IMAGE_ACCESS_CONTROL_CHECKS, &[(Slot::Url, failure.url_list[0].as_str())]),
        _ => fill(WEBKIT_ACCESS_CONTROL_CHECKS, &[(Slot::Initiator, webkit_initiator(initiator)), (Slot::Url, at)]),
    };
    let refused = WebKitMessage::NotAllowedToRequest.text().to_owned();
    let first = failure.url_list.first().map(Url::as_str).unwrap_or(url);
    match gate {
        Gate::BadPort { port } => {
            vec![fill(GateMessage::WebKitBadPort.text(), &[(Slot::Port, &port.to_string()), (Slot::Url, url)])]
        }
        Gate::MixedContent { page } => {
            // WebKit cuts the text short for a loopback target.
            let loopback = failure.url.host().is_some_and(|h| crate::secure_context::is_loopback_host(&h));
            let message = if loopback { GateMessage::WebKitMixedContentLoopback } else { GateMessage::WebKitMixedContent };
            let line = fill(message.text(), &[(Slot::Page, page), (Slot::Url, url)]);
            match failure.url_list.len() {
                // Refused at a redirect: the fetch fails at the URL asked for.
                n if n > 1 => vec![line, closing(first)],
                _ => vec![line, refused, closing(url)],
            }
        }
        Gate::CrossOriginResourcePolicy(_) => {
            let cancelled = fill(GateMessage::WebKitCorp.text(), &[(Slot::Url, url)]);
            match &failure.redirect_location {
                // A redirect's own response refused: named as the redirect's failure.
                Some(to) => {
                    let target = failure.url.join(to).map(|u| u.as_str().to_owned()).unwrap_or_else(|_| to.clone());
                    let line = fill(WEBKIT_REDIRECTION_DENIED, &[(Slot::Location, &target), (Slot::Reason, &cancelled)]);
                    vec![line, closing(url)]
                }
                None => vec![cancelled, closing(url)],
            }
        }
        Gate::Scheme(SchemeError::InvalidDataUrl { .. }) => vec![fill(WEBKIT_CANNOT_LOAD, &[(Slot::Url, url)])],
        Gate::Scheme(SchemeError::LocalResource) => {
            vec![fill(WebKitMessage::LocalResource.text(), &[(Slot::Location, url)]), refused, closing(url)]
        }
        Gate::Scheme(SchemeError::Unsupported { scheme }) if scheme == "ftp" => {
            vec![WebKitMessage::FtpDisabled.text().to_owned(), closing(url)]
        }
        Gate::Scheme(_) | Gate::LocalNetworkAccess(_) | Gate::OpaqueResponseBlocking(_) => Vec::new(),
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
