//! The CORS-preflight request and the judging of its response (Fetch §
//! "CORS-preflight fetch").

use url::Url;

pub use crate::request::HttpRequest;

use crate::cors_check::{allow_credentials_check, allow_origin_check};
use crate::error::{CorsError, CorsErrorStatus};
use crate::header_list::{isomorphic_decode, lower_into, lower_name, HeaderList, NameSet, TokenList};
use crate::method;
use crate::preflight_cache::{max_age, PreflightResult};
use crate::profile::{AllowHeadersOrder, PreflightHeaderOrder, PreflightOrder, Profile};
use crate::request::CredentialsMode;
use crate::request_header::is_cors_non_wildcard_request_header_name;
use crate::response::{is_ok_status, HttpResponse};
use crate::verdict::CheckName;

/// Build the CORS-preflight request (Fetch § "CORS-preflight fetch", steps
/// 1–5) for `method` and the CORS-unsafe header names (lower-case, sorted,
/// unique), in the header order of the profile's browser.
///
/// ```
/// use corsim::{preflight::preflight_request, Profile};
/// let url = "https://api.example/x".parse().unwrap();
/// let names = ["content-type", "x-trace"].into_iter().collect();
/// let req = preflight_request(&Profile::CHROMIUM, &url, "PUT", &names, "https://app.example");
/// assert_eq!(req.method, "OPTIONS");
/// let names: Vec<_> = req.headers.iter().map(|h| String::from_utf8_lossy(&h.name).into_owned()).collect();
/// assert_eq!(names, ["Accept", "Access-Control-Request-Method", "Access-Control-Request-Headers", "Origin"]);
/// assert_eq!(req.headers.get("access-control-request-headers").unwrap(), b"content-type,x-trace");
/// ```
pub fn preflight_request(
    profile: &Profile,
    url: &Url,
    method: &str,
    unsafe_names: &TokenList,
    serialized_origin: &str,
) -> HttpRequest {
    preflight_request_to(profile, url.clone(), method, unsafe_names, serialized_origin)
}

/// [`preflight_request`] to a URL the caller owns (the fetch's wire URL,
/// already a copy).
pub(crate) fn preflight_request_to(
    profile: &Profile,
    url: Url,
    method: &str,
    unsafe_names: &TokenList,
    serialized_origin: &str,
) -> HttpRequest {
    // The names are tokens: joined by `,`, they are the header's value.
    let acrh = (!unsafe_names.is_empty()).then(|| unsafe_names.joined());
    // Room for the names and values below: one allocation for the bytes.
    let room = 80 + method.len() + acrh.map_or(0, str::len) + serialized_origin.len();
    let mut headers = HeaderList::with_capacity(4, room);
    let push_acr = |headers: &mut HeaderList| {
        headers.append("Access-Control-Request-Method", method.as_bytes());
        if let Some(v) = acrh {
            headers.append("Access-Control-Request-Headers", v.as_bytes());
        }
    };
    match profile.preflight_header_order {
        PreflightHeaderOrder::AcceptRequestPairOrigin => {
            headers.append("Accept", "*/*");
            push_acr(&mut headers);
            headers.append("Origin", serialized_origin.as_bytes());
        }
        PreflightHeaderOrder::OriginRequestPair => {
            headers.append("Origin", serialized_origin.as_bytes());
            push_acr(&mut headers);
        }
    }
    HttpRequest { method: "OPTIONS".into(), url, headers, is_preflight: true }
}

/// The parts of the actual request a preflight response is judged against.
#[derive(Clone, Copy, Debug)]
pub struct PreflightFor<'a> {
    /// The request's method.
    pub method: &'a str,
    /// Its headers as they will be sent (combined, forbidden ones dropped).
    pub headers: &'a HeaderList,
    /// Its CORS-unsafe header names, lower-case, sorted (looked up by
    /// binary search).
    pub unsafe_names: &'a TokenList,
    /// Its credentials mode (the preflight itself never carries credentials).
    pub credentials: CredentialsMode,
    /// The byte-serialized request origin.
    pub serialized_origin: &'a str,
}

/// How a preflight response was judged.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub enum PreflightJudgement {
    /// Every check passed: what to store in the preflight cache.
    Allowed(PreflightResult),
    /// A check failed before the lists were read: nothing to store.
    Refused(CorsErrorStatus),
    /// The lists parsed, but did not allow the method or a header: the
    /// reason, and what they did allow (WebKit stores that too).
    RefusedAfterLists {
        /// The reason.
        error: CorsErrorStatus,
        /// What the lists allowed.
        allowed: PreflightResult,
    },
}

impl PreflightJudgement {
    /// The judgement as a result: what to store, or why not.
    pub fn into_result(self) -> Result<PreflightResult, CorsErrorStatus> {
        match self {
            PreflightJudgement::Allowed(result) => Ok(result),
            PreflightJudgement::Refused(error) | PreflightJudgement::RefusedAfterLists { error, .. } => Err(error),
        }
    }
}

/// The checks of a preflight response (Fetch § "CORS-preflight fetch", step
/// 7), in the order the profile runs them (the CORS check's two with
/// credentials, one without; the status before or after them; then the two
/// lists).
pub fn preflight_check_order(profile: &Profile, credentials: CredentialsMode) -> &'static [CheckName] {
    use CheckName::*;
    let include = credentials == CredentialsMode::Include;
    match (profile.preflight_order, include) {
        (PreflightOrder::AccessThenStatus, false) => &[AllowOrigin, Status, AllowMethods, AllowHeaders],
        (PreflightOrder::AccessThenStatus, true) => &[AllowOrigin, AllowCredentials, Status, AllowMethods, AllowHeaders],
        (PreflightOrder::StatusThenAccess, false) => &[Status, AllowOrigin, AllowMethods, AllowHeaders],
        (PreflightOrder::StatusThenAccess, true) => &[Status, AllowOrigin, AllowCredentials, AllowMethods, AllowHeaders],
    }
}

/// Judge a preflight response (Fetch § "CORS-preflight fetch", step 7; not a
/// redirect: the caller handles those): the checks of
/// [`preflight_check_order`], in that order. On success, what to store.
pub fn check_preflight_response(
    profile: &Profile,
    request: &PreflightFor<'_>,
    response: &HttpResponse,
) -> Result<PreflightResult, CorsErrorStatus> {
    judge_preflight_response(profile, request, response).into_result()
}

/// Judge a preflight response (Fetch § "CORS-preflight fetch", step 7) as
/// [`check_preflight_response`] does, keeping what the lists allowed when
/// they parsed but refused the request.
pub fn judge_preflight_response(
    profile: &Profile,
    request: &PreflightFor<'_>,
    response: &HttpResponse,
) -> PreflightJudgement {
    let include = request.credentials == CredentialsMode::Include;
    // The CORS check and the ok status, in the profile's order.
    for check in preflight_check_order(profile, request.credentials) {
        let passed = match check {
            CheckName::AllowOrigin => {
                allow_origin_check(profile, request.serialized_origin, request.credentials, &response.headers)
            }
            CheckName::AllowCredentials => allow_credentials_check(&response.headers),
            CheckName::Status if is_ok_status(response.status) => Ok(()),
            CheckName::Status => {
                Err(CorsErrorStatus::new(CorsError::PreflightInvalidStatus, response.status.to_string()))
            }
            _ => Ok(()),
        };
        if let Err(e) = passed {
            return PreflightJudgement::Refused(CorsErrorStatus::new(e.error.for_preflight(), e.failed_parameter));
        }
    }
    // Extract Access-Control-Allow-Methods and -Allow-Headers, each parsed
    // straight into the one string the result keeps.
    let acam = response.headers.get_cow("access-control-allow-methods").unwrap_or_default();
    let methods = match TokenList::parse(&acam, profile.list_trim, false) {
        Ok(m) => m,
        Err(bad) => {
            let hint = invalid_hint(profile, &acam, bad);
            return PreflightJudgement::Refused(CorsErrorStatus::new(CorsError::InvalidAllowMethodsPreflightResponse, hint));
        }
    };
    let acah = response.headers.get_cow("access-control-allow-headers").unwrap_or_default();
    let headers = match TokenList::parse(&acah, profile.list_trim, true) {
        Ok(h) => h,
        Err(bad) => {
            let hint = invalid_hint(profile, &acah, bad);
            return PreflightJudgement::Refused(CorsErrorStatus::new(CorsError::InvalidAllowHeadersPreflightResponse, hint));
        }
    };
    let max_age_value = response.headers.get_cow("access-control-max-age");
    let result = PreflightResult { methods, headers, credentials: include, max_age_secs: max_age(profile, max_age_value.as_deref()) };
    match allows(profile, request, &result) {
        Ok(()) => PreflightJudgement::Allowed(result),
        Err(error) => PreflightJudgement::RefusedAfterLists { error, allowed: result },
    }
}

/// Whether the parsed lists allow the request's method and headers (Fetch §
/// "CORS-preflight fetch", steps 7.5–7.7).
fn allows(profile: &Profile, request: &PreflightFor<'_>, lists: &PreflightResult) -> Result<(), CorsErrorStatus> {
    let include = request.credentials == CredentialsMode::Include;
    // The method must be listed, safelisted, or covered by `*` without credentials.
    let wildcard = |list: &TokenList| !include && list.contains("*");
    if !(method::is_cors_safelisted(request.method) || lists.methods.contains(request.method) || wildcard(&lists.methods)) {
        return Err(CorsErrorStatus::new(CorsError::MethodDisallowedByPreflightResponse, request.method));
    }
    // The header names are lower-case. A short list (the usual one) is
    // searched in place; a long one through a set, so that the check stays
    // linear.
    let set: Option<NameSet> = (lists.headers.len() > 8).then(|| lists.headers.iter().map(str::as_bytes).collect());
    let listed = |name: &[u8]| match &set {
        Some(set) => set.contains(name),
        None => lists.headers.iter().any(|listed| listed.as_bytes().eq_ignore_ascii_case(name)),
    };
    let headers_wildcard = wildcard(&lists.headers);
    // `Authorization` must be listed by name unless the profile lets `*`
    // cover it; every other CORS-unsafe header must be listed or covered by `*`.
    let authorization_by_wildcard = profile.authorization_covered_by_wildcard && headers_wildcard;
    let refused = |name: &[u8]| {
        if is_cors_non_wildcard_request_header_name(name) {
            !authorization_by_wildcard && !listed(name)
        } else {
            !headers_wildcard && !listed(name)
        }
    };
    // Every CORS-unsafe name (`Authorization` is one) allowed: nothing fails.
    if !request.unsafe_names.iter().any(|name| refused(name.as_bytes())) {
        return Ok(());
    }
    // One is refused: the reason names the first in the browser's order.
    let names: Vec<&[u8]> = match profile.allow_headers_order {
        AllowHeadersOrder::Sorted | AllowHeadersOrder::AuthorizationThenSorted => {
            request.unsafe_names.iter().map(str::as_bytes).collect()
        }
        AllowHeadersOrder::AuthorizationThenPageOrder | AllowHeadersOrder::KnownNamesFirst => unsafe_names_in_page_order(request),
    };
    // The names checked in a first pass, before the rest.
    let first_pass = |name: &[u8]| match profile.allow_headers_order {
        AllowHeadersOrder::Sorted => true,
        AllowHeadersOrder::AuthorizationThenSorted | AllowHeadersOrder::AuthorizationThenPageOrder => {
            is_cors_non_wildcard_request_header_name(name)
        }
        AllowHeadersOrder::KnownNamesFirst => known_header_name(profile, name).is_some(),
    };
    let first = names.iter().find(|name| first_pass(name) && refused(name)).or_else(|| names.iter().find(|name| refused(name)));
    // A refused name is always found: it is one of the unsafe names, each
    // of which is in the request's headers.
    match first {
        Some(name) => Err(CorsErrorStatus::new(CorsError::HeaderDisallowedByPreflightResponse, header_hint(profile, name))),
        None => Ok(()),
    }
}

/// The names of the request's CORS-unsafe headers, as the page spelt them,
/// in the page's order.
fn unsafe_names_in_page_order<'r>(request: &PreflightFor<'r>) -> Vec<&'r [u8]> {
    let mut buf = [0u8; 48];
    let mut is_unsafe = |name: &[u8]| match lower_into(name, &mut buf) {
        Some(lower) => request.unsafe_names.binary_search(lower).is_ok(),
        None => request.unsafe_names.binary_search(lower_name(name).as_bytes()).is_ok(),
    };
    request.headers.iter().map(|h| h.name).filter(|name| is_unsafe(name)).collect()
}

/// The value shown for a list that does not parse: Chromium and WebKit show
/// the whole header, Firefox the bad token.
fn invalid_hint(profile: &Profile, whole: &[u8], bad: &[u8]) -> String {
    isomorphic_decode(if profile.hints.whole_invalid_list { whole } else { bad })
}

/// The header name shown when it is not allowed: lower-case in Chromium and
/// Firefox, as sent in WebKit.
fn header_hint(profile: &Profile, name: &[u8]) -> String {
    if profile.hints.header_name_as_sent {
        match known_header_name(profile, name) {
            Some(known) => known.to_owned(),
            None => isomorphic_decode(name),
        }
    } else {
        lower_name(name)
    }
}

/// `name` as one of the names the profile's engine knows
/// ([`crate::profile::HintStyle::known_header_names`]), in its spelling.
fn known_header_name(profile: &Profile, name: &[u8]) -> Option<&'static str> {
    profile.hints.known_header_names.iter().copied().find(|known| known.as_bytes().eq_ignore_ascii_case(name))
}
