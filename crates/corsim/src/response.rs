//! Responses and what script gets of them (Fetch § "Responses", the CORS
//! protocol's response headers, and the filtered responses).

use std::fmt;

use crate::header_list::{lower_into, lower_name, parse_token_list, HeaderList, NameSet, TokenBytes, TokenList};
use crate::error::NetError;
use crate::profile::Profile;
use crate::request::{CredentialsMode, Initiator};

/// A response as the network gave it: status, headers and body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers, byte for byte, in order, duplicates kept.
    pub headers: HeaderList,
    /// The body (empty unless the server gave one). corsim reads it only
    /// where a browser does before the page gets the response:
    /// opaque-response blocking's sniffing.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and no headers.
    pub fn new(status: u16) -> Self {
        HttpResponse { status, headers: HeaderList::new(), body: Vec::new() }
    }

    /// This response with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(name.as_bytes(), crate::header_list::isomorphic_encode(value).unwrap_or_default());
        self
    }

    /// This response with `body`.
    pub fn body(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }

    /// The opaque-response-safelisted check of this response under a
    /// browser's `rules` ([`crate::opaque_response_blocking`]).
    pub fn opaque_response_blocking(&self, rules: &crate::opaque_response_blocking::OrbRules) -> Result<(), crate::blocked::OrbBlock> {
        let essence = self.mime_essence();
        let content_range = self.headers.get("content-range");
        let input = crate::opaque_response_blocking::OrbInput {
            essence: essence.as_deref(),
            nosniff: determine_nosniff(&self.headers),
            status: self.status,
            content_range: content_range.as_deref(),
            body: &self.body,
        };
        crate::opaque_response_blocking::opaque_response_blocking(rules, &input)
    }

    /// The essence of the MIME type its `Content-Type` gives (lower case),
    /// `None` when it has none or it does not parse.
    pub fn mime_essence(&self) -> Option<String> {
        self.headers
            .get("content-type")
            .and_then(|v| crate::request_header::mime_essence(&v))
            .map(|e| crate::header_list::isomorphic_decode(&e))
    }

    /// A response from an `http::Response`; the body is ignored.
    pub fn from_http<B>(response: &http::Response<B>) -> Self {
        HttpResponse { status: response.status().as_u16(), headers: HeaderList::from(response.headers()), body: Vec::new() }
    }
}

/// "Determine nosniff" (Fetch § "`X-Content-Type-Options` header"): the
/// first of the header's comma-separated values is `nosniff`, in any case.
pub fn determine_nosniff(headers: &HeaderList) -> bool {
    headers
        .get("x-content-type-options")
        .is_some_and(|v| v.split(|&b| b == b',').next().is_some_and(|first| first.trim_ascii().eq_ignore_ascii_case(b"nosniff")))
}

/// "Ok status" (Fetch § "Statuses"): 200 to 299.
pub fn is_ok_status(status: u16) -> bool {
    (200..=299).contains(&status)
}

/// "Redirect status" (Fetch § "Statuses"): 301, 302, 303, 307 or 308.
pub fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// "Null body status" (Fetch § "Statuses"): 101, 103, 204, 205 or 304.
pub fn is_null_body_status(status: u16) -> bool {
    matches!(status, 101 | 103 | 204 | 205 | 304)
}

/// A response's type, as `response.type` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum ResponseType {
    /// Same-origin: every header but `Set-Cookie`.
    Basic,
    /// Cross-origin, shared by CORS: the safelisted and exposed headers.
    Cors,
    /// Cross-origin `no-cors`: status 0, no headers.
    Opaque,
    /// `redirect: "manual"` met a redirect: status 0, no headers.
    OpaqueRedirect,
}

impl fmt::Display for ResponseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResponseType::Basic => "basic",
            ResponseType::Cors => "cors",
            ResponseType::Opaque => "opaque",
            ResponseType::OpaqueRedirect => "opaqueredirect",
        })
    }
}

/// What script gets from `fetch()`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct FilteredResponse {
    /// `response.type`.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub kind: ResponseType,
    /// `response.status` (0 for opaque ones).
    pub status: u16,
    /// The lower-case header names `response.headers` lets script read, sorted.
    #[cfg_attr(feature = "tsify", tsify(type = "string[]"))]
    pub headers: TokenList,
}

/// "Forbidden response-header name" (Fetch § "Headers"): `Set-Cookie`,
/// `Set-Cookie2`.
pub fn is_forbidden_response_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
}

/// Whether the browser's HTTP stack refuses `response` outright, before
/// CORS or redirects look at it, and why.
///
/// ```
/// use corsim::{response::refused_by_network, error::NetError, HttpResponse, Profile};
/// let nul = HttpResponse::new(200).header("X-Odd", "a\0b");
/// assert_eq!(refused_by_network(&Profile::CHROMIUM, &nul), Some(NetError::InvalidHttpResponse));
/// assert_eq!(refused_by_network(&Profile::CHROMIUM, &HttpResponse::new(407)), Some(NetError::UnexpectedProxyAuth));
/// assert_eq!(refused_by_network(&Profile::FIREFOX, &HttpResponse::new(407)), None);
/// ```
pub fn refused_by_network(profile: &Profile, response: &HttpResponse) -> Option<NetError> {
    let rules = &profile.network;
    if rules.nul_in_header_refused && response.headers.contains_byte(0) {
        return Some(NetError::InvalidHttpResponse);
    }
    if rules.proxy_auth_refused && response.status == 407 {
        return Some(NetError::UnexpectedProxyAuth);
    }
    if rules.multiple_locations_refused {
        let mut locations = response.headers.get_all("location");
        if let Some(first) = locations.next() {
            if locations.any(|other| other != first) {
                return Some(NetError::ResponseHeadersMultipleLocation);
            }
        }
    }
    None
}

/// The standard's CORS-safelisted response-header names (Fetch § "Headers").
const SAFELISTED_RESPONSE: [&str; 7] =
    ["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];

/// The CORS-exposed header-name list of a `cors` response: `None` when
/// `Access-Control-Expose-Headers` is absent or does not parse (then only the
/// safelist is readable); `Some(All)` for `*` without credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposed {
    /// Every header (`*` without credentials).
    All,
    /// These names, lower-case.
    Names(Vec<String>),
}

/// Read `Access-Control-Expose-Headers` as the profile does (Fetch § "Main
/// fetch": the response's CORS-exposed header-name list).
///
/// ```
/// use corsim::{HeaderList, Profile, CredentialsMode};
/// use corsim::response::{exposed_header_names, Exposed};
/// let mut h = HeaderList::new();
/// h.append("Access-Control-Expose-Headers", "X-Total, x-page");
/// assert_eq!(exposed_header_names(&Profile::CHROMIUM, &h, CredentialsMode::Omit),
///            Some(Exposed::Names(vec!["x-total".into(), "x-page".into()])));
/// ```
pub fn exposed_header_names(profile: &Profile, headers: &HeaderList, credentials: CredentialsMode) -> Option<Exposed> {
    let value = headers.get_cow("access-control-expose-headers")?;
    Some(match exposed_list(profile, &value, credentials)? {
        None => Exposed::All,
        Some(names) => Exposed::Names(names.iter().map(|n| lower_name(n)).collect()),
    })
}

/// [`exposed_header_names`] from the header's value, borrowed: `None` when
/// the list does not parse, `Some(None)` for every name, `Some(Some(names))`
/// for the names as listed (case kept).
fn exposed_list<'v>(profile: &Profile, value: &'v [u8], credentials: CredentialsMode) -> Option<Option<Vec<&'v [u8]>>> {
    let names = parse_token_list(value, profile.list_trim).ok()?;
    if credentials != CredentialsMode::Include && names.iter().any(|n| *n == b"*") {
        return Some(None);
    }
    Some(Some(names))
}

/// The lower-case, sorted, unique header names script can read from a
/// response of type `kind` (Fetch § "Responses": the filtered responses).
pub fn readable_header_names(
    profile: &Profile,
    kind: ResponseType,
    headers: &HeaderList,
    credentials: CredentialsMode,
) -> TokenList {
    // One string for the names kept, lower-cased as they are pushed.
    let mut names = TokenBytes::for_names(headers);
    let mut keep = |name: &[u8]| names.push(name, true);
    match kind {
        ResponseType::Opaque | ResponseType::OpaqueRedirect => {}
        ResponseType::Basic => {
            for h in headers.iter().filter(|h| !is_forbidden_response_header_name(h.name)) {
                keep(h.name);
            }
        }
        ResponseType::Cors => {
            let value = headers.get_cow("access-control-expose-headers");
            let exposed = value.as_deref().and_then(|v| exposed_list(profile, v, credentials));
            // A short list is searched in place; a long one through a set,
            // so the cost stays linear.
            let exposed_set: Option<NameSet> = match &exposed {
                Some(Some(list)) if list.len() > 12 => Some(list.iter().copied().collect()),
                _ => None,
            };
            let listed = |lower: &[u8]| match (&exposed, &exposed_set) {
                (Some(None), _) => true,
                (_, Some(set)) => set.contains(lower),
                (Some(Some(list)), None) => list.iter().any(|n| n.eq_ignore_ascii_case(lower)),
                (None, None) => false,
            };
            let readable = |lower: &[u8]| {
                let known = |names: &[&str]| names.iter().any(|n| n.as_bytes() == lower);
                known(&SAFELISTED_RESPONSE) || known(profile.extra_safelisted_response_headers) || listed(lower)
            };
            let mut buf = [0u8; 48];
            // Decided on the name lower-cased on the stack.
            for h in headers.iter().filter(|h| !is_forbidden_response_header_name(h.name)) {
                let kept = match lower_into(h.name, &mut buf) {
                    Some(lower) => readable(lower),
                    None => readable(&h.name.to_ascii_lowercase()),
                };
                if kept {
                    keep(h.name);
                }
            }
        }
    }
    names.finish(Some(true))
}

/// A 1x1 GIF: what an image's fix serves.
const ONE_PIXEL_GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// Why an element refused a resource the fetch delivered (HTML § "fetch a
/// classic script", § "fetch a single module script", § "the link element").
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "refusal", rename_all = "kebab-case"))]
pub enum ResourceRefusal {
    /// The response's status is not ok (200 to 299).
    ErrorStatus {
        /// The status.
        status: u16,
    },
    /// Opaque-response blocking took the `no-cors` response away.
    OpaqueResponseBlocked {
        /// The response's MIME type essence.
        mime: String,
        /// The step of the algorithm that blocked it.
        step: crate::blocked::OrbStep,
    },
    /// An `<img>` whose body is no image: it neither starts with an image
    /// format's signature (GIF, PNG, JPEG, WebP, BMP, ICO) nor is
    /// `image/svg+xml`, nor, where the browser decodes PDF images, a PDF
    /// served as `application/pdf`. (An empty body is taken as a valid
    /// image: scenarios without bodies predate this check.)
    UndecodableImage {
        /// The MIME type essence.
        mime: String,
    },
    /// A classic script whose MIME type is never executed (`image/*`,
    /// `audio/*`, `video/*`, `text/csv`).
    ScriptNotExecutable {
        /// The MIME type essence.
        mime: String,
    },
    /// A classic script with `X-Content-Type-Options: nosniff` and a MIME
    /// type that is not JavaScript.
    ScriptStrictMime {
        /// The MIME type essence.
        mime: String,
    },
    /// A module script whose MIME type is not JavaScript.
    ModuleMime {
        /// The MIME type essence.
        mime: String,
    },
    /// A stylesheet whose MIME type is not `text/css`.
    StylesheetMime {
        /// The MIME type essence.
        mime: String,
    },
    /// A stylesheet sent with `X-Content-Type-Options: nosniff` and a MIME
    /// type that is not `text/css`.
    StylesheetStrictMime {
        /// The MIME type essence.
        mime: String,
    },
}

impl ResourceRefusal {
    /// Its name, as explanations give it (`module-mime`, …).
    pub fn name(&self) -> &'static str {
        match self {
            ResourceRefusal::ErrorStatus { .. } => "error-status",
            ResourceRefusal::OpaqueResponseBlocked { .. } => "opaque-response-blocked",
            ResourceRefusal::UndecodableImage { .. } => "undecodable-image",
            ResourceRefusal::ScriptNotExecutable { .. } => "script-not-executable",
            ResourceRefusal::ScriptStrictMime { .. } => "script-strict-mime",
            ResourceRefusal::ModuleMime { .. } => "module-mime",
            ResourceRefusal::StylesheetMime { .. } => "stylesheet-mime",
            ResourceRefusal::StylesheetStrictMime { .. } => "stylesheet-strict-mime",
        }
    }

    /// The response with this refusal's fix applied: a 200 status, or the
    /// type the element needs (`text/javascript`, `text/css`) without
    /// `nosniff` trouble.
    pub fn fix_response(&self, initiator: Initiator, response: &mut HttpResponse) {
        match self {
            ResourceRefusal::ErrorStatus { .. } => response.status = 200,
            ResourceRefusal::UndecodableImage { .. } | ResourceRefusal::OpaqueResponseBlocked { .. } if initiator == Initiator::Img => {
                response.headers.remove("content-type");
                response.headers.append("Content-Type", "image/gif");
                response.body = ONE_PIXEL_GIF.to_vec();
            }
            _ => {
                let wanted = if initiator == Initiator::Stylesheet { "text/css" } else { "text/javascript" };
                response.headers.remove("content-type");
                response.headers.append("Content-Type", wanted);
            }
        }
    }

    /// Why, in words, with the fix.
    pub fn explain(&self) -> String {
        match self {
            ResourceRefusal::ErrorStatus { status } => {
                format!("the response's status {status} is not an ok status (200-299), so the element does not use it; fix: serve the resource with 200")
            }
            ResourceRefusal::OpaqueResponseBlocked { mime, step } => {
                let gate = crate::blocked::Gate::OpaqueResponseBlocking(crate::blocked::OrbBlock { mime: mime.clone(), step: *step });
                format!("{gate}: {step}; fix: {}", gate.fix())
            }
            ResourceRefusal::UndecodableImage { mime } => format!(
                "the body (type '{mime}') is no image the browser can decode; fix: serve the image's own bytes with its image type"
            ),
            ResourceRefusal::ScriptNotExecutable { mime } => {
                format!("a script of type '{mime}' is never executed; fix: send Content-Type: text/javascript")
            }
            ResourceRefusal::ScriptStrictMime { mime } => format!(
                "X-Content-Type-Options: nosniff and the type '{mime}', which is not a JavaScript MIME type; fix: send Content-Type: text/javascript"
            ),
            ResourceRefusal::ModuleMime { mime } => format!(
                "a module script must be served with a JavaScript MIME type, not '{mime}'; fix: send Content-Type: text/javascript"
            ),
            ResourceRefusal::StylesheetMime { mime } => {
                format!("a stylesheet must be served as text/css, not '{mime}'; fix: send Content-Type: text/css")
            }
            ResourceRefusal::StylesheetStrictMime { mime } => format!(
                "X-Content-Type-Options: nosniff and the type '{mime}', which is not text/css; fix: send Content-Type: text/css"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(kind: ResponseType, hs: &[(&str, &str)], creds: CredentialsMode) -> Vec<String> {
        let mut h = HeaderList::new();
        for (n, v) in hs {
            h.append(n.as_bytes(), v.as_bytes());
        }
        readable_header_names(&Profile::CHROMIUM, kind, &h, creds).iter().map(String::from).collect()
    }

    #[test]
    fn filtering() {
        use CredentialsMode::*;
        use ResponseType::*;
        let base = [("Content-Length", "0"), ("X-Custom", "v"), ("Set-Cookie", "a=b"), ("Age", "1")];
        assert_eq!(names(Basic, &base, Omit), ["age", "content-length", "x-custom"]);
        assert_eq!(names(Cors, &base, Omit), ["content-length"]);
        assert!(names(Opaque, &base, Omit).is_empty());
        let star = [("X-Custom", "v"), ("Set-Cookie", "a"), ("Access-Control-Expose-Headers", "*")];
        assert_eq!(names(Cors, &star, Omit), ["access-control-expose-headers", "x-custom"]);
        assert!(names(Cors, &star, Include).is_empty());
        let bad = [("X-Custom", "v"), ("Access-Control-Expose-Headers", "x-custom, no no")];
        assert!(names(Cors, &bad, Omit).is_empty());
        let listed = [("X-Custom", "v"), ("Set-Cookie", "a"), ("Access-Control-Expose-Headers", "X-CUSTOM,set-cookie")];
        assert_eq!(names(Cors, &listed, Include), ["x-custom"]);
    }
}
