//! Starlette's `CORSMiddleware` (1.x; FastAPI's `CORSMiddleware` is the same
//! class), added as the outermost middleware.
//!
//! What the library does, as modelled here:
//! - a preflight is `OPTIONS` with `Origin` and `Access-Control-Request-Method`;
//!   it never reaches the route, and is answered 200, or 400 ("Disallowed
//!   CORS origin, method, headers") when the origin, the method (compared
//!   case-sensitively: `patch` is refused even with `allow_methods=["*"]`)
//!   or a requested header is not allowed; the 400 still carries the
//!   allowed methods and headers;
//! - header names are lower-case on the wire;
//! - the preflight's `Vary` names four request headers; `allow_methods=["*"]`
//!   sends the eight methods Starlette knows, `QUERY` included;
//! - `allow_headers` always adds the four safelisted names and is sent
//!   sorted and joined with `, `; `["*"]` reflects the requested headers;
//! - every other response gets `Vary: Origin` appended to the route's,
//!   refused origins, `*` and requests without `Origin` included.

use crate::header_list::{isomorphic_decode, HeaderList};
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::pattern::{Anchor, Pattern};
use super::{request_header, set, OptionsError};

/// The methods `allow_methods=["*"]` stands for.
pub const ALL_METHODS: [&str; 8] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY"];

/// The header names always allowed.
pub const SAFELISTED_HEADERS: [&str; 4] = ["Accept", "Accept-Language", "Content-Language", "Content-Type"];

/// The preflight's `Vary`.
pub const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

/// The keyword arguments of `CORSMiddleware`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Options {
    /// `allow_origins` (`["*"]` for any).
    pub allow_origins: Vec<String>,
    /// `allow_methods` (default `["GET"]`).
    pub allow_methods: Vec<String>,
    /// `allow_headers`.
    pub allow_headers: Vec<String>,
    /// `allow_credentials`.
    pub allow_credentials: bool,
    /// `allow_origin_regex`: matched against the whole origin (`re.fullmatch`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allow_origin_regex: Option<String>,
    /// `allow_private_network`.
    pub allow_private_network: bool,
    /// `expose_headers`.
    pub expose_headers: Vec<String>,
    /// `max_age` (default 600).
    pub max_age: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allow_origins: Vec::new(),
            allow_methods: vec!["GET".into()],
            allow_headers: Vec::new(),
            allow_credentials: false,
            allow_origin_regex: None,
            allow_private_network: false,
            expose_headers: Vec::new(),
            max_age: 600,
        }
    }
}

impl Options {
    /// `allow_origin_regex` must compile.
    pub fn validate(&self) -> Result<(), OptionsError> {
        self.origin_regex().map(|_| ())
    }

    fn origin_regex(&self) -> Result<Option<Pattern>, OptionsError> {
        self.allow_origin_regex
            .as_deref()
            .map(|r| Pattern::new("starlette: allow_origin_regex", r, Anchor::Full, false))
            .transpose()
    }

    fn allow_all_origins(&self) -> bool {
        self.allow_origins.iter().any(|o| o == "*")
    }

    fn methods(&self) -> Vec<String> {
        if self.allow_methods.iter().any(|m| m == "*") {
            ALL_METHODS.iter().map(|m| (*m).to_owned()).collect()
        } else {
            self.allow_methods.clone()
        }
    }

    fn is_allowed_origin(&self, origin: &str) -> bool {
        self.allow_all_origins()
            || self.origin_regex().ok().flatten().is_some_and(|r| r.is_match(origin))
            || self.allow_origins.iter().any(|o| o == origin)
    }
}

/// The middleware.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let origin = request_header(request, "origin");
    if let Some(origin) = &origin {
        if request.method == "OPTIONS" && request.headers.contains("access-control-request-method") {
            return preflight_response(options, request, origin);
        }
    }
    let mut answer = route(request);
    simple_response_headers(options, origin.as_deref(), &mut answer.headers);
    answer
}

fn preflight_response(options: &Options, request: &HttpRequest, origin: &str) -> HttpResponse {
    let allow_all_origins = options.allow_all_origins();
    let allow_all_headers = options.allow_headers.iter().any(|h| h == "*");
    let explicit_origin = !allow_all_origins || options.allow_credentials;
    let methods = options.methods();
    let mut headers = HeaderList::new();
    headers.append("vary", PREFLIGHT_VARY);
    if !explicit_origin {
        headers.append("access-control-allow-origin", "*");
    }
    headers.append("access-control-allow-methods", methods.join(", ").as_bytes());
    headers.append("access-control-max-age", options.max_age.to_string().as_bytes());
    let mut allow_headers: Vec<String> =
        SAFELISTED_HEADERS.iter().map(|h| (*h).to_owned()).chain(options.allow_headers.iter().cloned()).collect();
    allow_headers.sort();
    allow_headers.dedup();
    if !allow_all_headers {
        headers.append("access-control-allow-headers", allow_headers.join(", ").as_bytes());
    }
    if options.allow_credentials {
        headers.append("access-control-allow-credentials", "true");
    }
    let allowed_lower: Vec<String> = allow_headers.iter().map(|h| h.to_lowercase()).collect();

    let mut failures = Vec::new();
    if options.is_allowed_origin(origin) {
        if explicit_origin {
            headers.append("access-control-allow-origin", origin.as_bytes());
        }
    } else {
        failures.push("origin");
    }
    let requested_method = request_header(request, "access-control-request-method").unwrap_or_default();
    if !methods.contains(&requested_method) {
        failures.push("method");
    }
    if let Some(requested) = request_header(request, "access-control-request-headers") {
        if allow_all_headers {
            headers.append("access-control-allow-headers", requested.as_bytes());
        } else if requested.split(',').any(|h| !allowed_lower.contains(&h.to_lowercase().trim().to_owned())) {
            failures.push("headers");
        }
    }
    if request.headers.contains("access-control-request-private-network") {
        if options.allow_private_network {
            headers.append("access-control-allow-private-network", "true");
        } else {
            failures.push("private-network");
        }
    }
    let status = if failures.is_empty() { 200 } else { 400 };
    HttpResponse { status, headers, body: Vec::new() }
}

fn simple_response_headers(options: &Options, origin: Option<&str>, headers: &mut HeaderList) {
    let allow_all_origins = options.allow_all_origins();
    if origin.is_some() {
        if allow_all_origins {
            set(headers, "access-control-allow-origin", "*");
        }
        if options.allow_credentials {
            set(headers, "access-control-allow-credentials", "true");
        }
        if !options.expose_headers.is_empty() {
            set(headers, "access-control-expose-headers", &options.expose_headers.join(", "));
        }
    }
    match origin {
        Some(o) if (allow_all_origins && options.allow_credentials) || (!allow_all_origins && options.is_allowed_origin(o)) => {
            set(headers, "access-control-allow-origin", o);
        }
        _ => {}
    }
    // Both branches of the library end in `Vary: <existing>, Origin`.
    let mut vary: Vec<String> = headers.get_all("vary").map(isomorphic_decode).collect();
    vary.push("Origin".into());
    set(headers, "vary", &vary.join(", "));
}
