//! actix-web with actix-cors (0.7), `App::new().wrap(cors)`, the builder
//! calls given by their method names.
//!
//! What the library does, as modelled here:
//! - a preflight (`OPTIONS` with a parsable `Access-Control-Request-Method`)
//!   never reaches the route; a refused origin, method (compared
//!   case-sensitively: `patch` is not `PATCH`) or header gets 400 with no
//!   CORS headers at all;
//! - `Cors::default()` allows no origin, no method and no header: every
//!   preflight is refused until the builder adds them;
//! - an allowed preflight gets the configured methods and headers (or the
//!   requested headers back under `allow_any_header`), the origin
//!   reflected (or `*` with `send_wildcard`), and `Vary: Origin,
//!   Access-Control-Request-Method, Access-Control-Request-Headers`;
//! - other requests reach the route; a refused origin gets no
//!   `access-control-allow-origin` but still the credentials, exposed
//!   headers and `Vary`, or 400 with `block_on_origin_mismatch(true)`;
//! - header names are lower-case; the library joins its method and header
//!   lists in the order of a hash set, which changes from one process to
//!   the next: corsim sends them sorted (the browser reads them as sets).

use std::collections::BTreeSet;

use crate::header_list::{isomorphic_decode, HeaderList};
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::{request_header, set, OptionsError};

/// The builder calls, by their names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Options {
    /// Start from `Cors::permissive()` instead of `Cors::default()`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub permissive: bool,
    /// `.allow_any_origin()`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub allow_any_origin: bool,
    /// `.allowed_origin(...)`, once per origin.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub allowed_origin: Vec<String>,
    /// `.send_wildcard()`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub send_wildcard: bool,
    /// `.allow_any_method()`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub allow_any_method: bool,
    /// `.allowed_methods([...])`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub allowed_methods: Vec<String>,
    /// `.allow_any_header()`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub allow_any_header: bool,
    /// `.allowed_headers([...])`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub allowed_headers: Vec<String>,
    /// `.expose_headers([...])`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub expose_headers: Vec<String>,
    /// `.supports_credentials()`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub supports_credentials: bool,
    /// `.max_age(n)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<u64>,
    /// `.block_on_origin_mismatch(true)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub block_on_origin_mismatch: bool,
}

/// The methods `allow_any_method()` (and `permissive()`) allow.
pub const ALL_METHODS: [&str; 9] = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "CONNECT", "PATCH", "TRACE"];

/// `None` stands for "all".
struct Inner {
    origins: Option<BTreeSet<String>>,
    methods: BTreeSet<String>,
    headers: Option<BTreeSet<String>>,
    expose: Option<BTreeSet<String>>,
    max_age: Option<u64>,
    credentials: bool,
}

impl Options {
    /// The builder's own refusals: `allowed_origin("*")`, and credentials
    /// with `send_wildcard` for any origin (the service then fails to start).
    pub fn validate(&self) -> Result<(), OptionsError> {
        if self.allowed_origin.iter().any(|o| o == "*") {
            return Err(OptionsError("actix-cors: Wildcard in `allowed_origin` is not allowed. Use `send_wildcard`.".into()));
        }
        let inner = self.inner();
        if inner.credentials && self.send_wildcard && inner.origins.is_none() {
            return Err(OptionsError(
                "actix-cors: Illegal combination of CORS options: credentials can not be supported when all origins are allowed and `send_wildcard` is enabled.".into(),
            ));
        }
        Ok(())
    }

    fn inner(&self) -> Inner {
        let all = |names: &[&str]| names.iter().map(|m| (*m).to_owned()).collect::<BTreeSet<_>>();
        let mut i = if self.permissive {
            Inner { origins: None, methods: all(&ALL_METHODS), headers: None, expose: None, max_age: Some(3600), credentials: true }
        } else {
            Inner {
                origins: Some(BTreeSet::new()),
                methods: BTreeSet::new(),
                headers: Some(BTreeSet::new()),
                expose: Some(BTreeSet::new()),
                max_age: None,
                credentials: false,
            }
        };
        if self.allow_any_origin {
            i.origins = None;
        }
        for o in &self.allowed_origin {
            i.origins.get_or_insert_with(BTreeSet::new).insert(o.clone());
        }
        if self.allow_any_method {
            i.methods = all(&ALL_METHODS);
        }
        i.methods.extend(self.allowed_methods.iter().cloned());
        if self.allow_any_header {
            i.headers = None;
        }
        for h in &self.allowed_headers {
            i.headers.get_or_insert_with(BTreeSet::new).insert(h.to_ascii_lowercase());
        }
        for h in &self.expose_headers {
            i.expose.get_or_insert_with(BTreeSet::new).insert(h.to_ascii_lowercase());
        }
        if let Some(n) = self.max_age {
            i.max_age = Some(n);
        }
        i.credentials |= self.supports_credentials;
        i
    }
}

fn joined(set: &BTreeSet<String>) -> Option<String> {
    (!set.is_empty()).then(|| set.iter().cloned().collect::<Vec<_>>().join(", "))
}

/// `add_vary_header`.
fn add_vary(headers: &mut HeaderList) {
    const NAMES: &str = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    let value = match headers.get("vary") {
        Some(v) => format!("{}, {NAMES}", isomorphic_decode(&v)),
        None => NAMES.to_owned(),
    };
    set(headers, "vary", &value);
}

/// `validate_origin`: `Ok(true)`, `Ok(false)`, or an error (400).
fn validate_origin(options: &Options, inner: &Inner, origin: Option<&str>) -> Result<bool, ()> {
    let Some(origins) = &inner.origins else { return Ok(true) };
    match origin {
        Some(o) if origins.contains(o) => Ok(true),
        Some(_) if options.block_on_origin_mismatch => Err(()),
        Some(_) => Ok(false),
        None => Err(()),
    }
}

/// An HTTP token, as `http::Method` accepts one.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The middleware.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let inner = options.inner();
    let origin = request_header(request, "origin");
    let allow_origin = |origin: &str| -> String {
        if inner.origins.is_none() && options.send_wildcard {
            "*".to_owned()
        } else {
            origin.to_owned()
        }
    };
    let requested_method = request_header(request, "access-control-request-method");
    if request.method == "OPTIONS" && requested_method.as_deref().is_some_and(is_token) {
        let refused = HttpResponse::new(400);
        match validate_origin(options, &inner, origin.as_deref()) {
            Ok(true) => {}
            _ => return refused,
        }
        if !requested_method.as_ref().is_some_and(|m| inner.methods.contains(m)) {
            return refused;
        }
        if let (Some(allowed), Some(requested)) = (&inner.headers, request_header(request, "access-control-request-headers")) {
            let names: Vec<String> = requested.split(',').map(|h| h.trim().to_ascii_lowercase()).collect();
            if names.iter().any(|n| !is_token(n)) || !names.iter().all(|n| allowed.contains(n)) {
                return refused;
            }
        }
        let mut headers = HeaderList::new();
        if let Some(o) = &origin {
            headers.append("access-control-allow-origin", allow_origin(o).as_bytes());
        }
        if let Some(m) = joined(&inner.methods) {
            headers.append("access-control-allow-methods", m.as_bytes());
        }
        match &inner.headers {
            Some(h) if !h.is_empty() => headers.append("access-control-allow-headers", joined(h).unwrap_or_default().as_bytes()),
            _ => {
                if let Some(r) = request_header(request, "access-control-request-headers") {
                    headers.append("access-control-allow-headers", r.as_bytes());
                }
            }
        }
        if inner.credentials {
            headers.append("access-control-allow-credentials", "true");
        }
        if let Some(n) = inner.max_age {
            headers.append("access-control-max-age", n.to_string().as_bytes());
        }
        add_vary(&mut headers);
        return HttpResponse { status: 200, headers, body: Vec::new() };
    }
    let allowed = match (origin.as_deref(), validate_origin(options, &inner, origin.as_deref())) {
        (None, _) | (_, Ok(false)) => None,
        (Some(o), Ok(true)) => Some(allow_origin(o)),
        (Some(_), Err(())) => {
            let mut refused = HttpResponse::new(400);
            add_vary(&mut refused.headers);
            return refused;
        }
    };
    let mut response = route(request);
    if let Some(o) = allowed {
        set(&mut response.headers, "access-control-allow-origin", &o);
    }
    // `expose_any_header` (in `permissive()`): the names of the headers the
    // route's response has at that point (not compared with the library:
    // which ones actix has added by then is not modelled).
    let expose = match &inner.expose {
        Some(e) => joined(e),
        None => {
            let names: BTreeSet<String> = response.headers.iter().map(|h| isomorphic_decode(h.name).to_ascii_lowercase()).collect();
            joined(&names)
        }
    };
    if let Some(e) = expose {
        set(&mut response.headers, "access-control-expose-headers", &e);
    }
    if inner.credentials {
        set(&mut response.headers, "access-control-allow-credentials", "true");
    }
    add_vary(&mut response.headers);
    response
}
