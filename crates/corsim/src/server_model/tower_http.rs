//! tower-http's `CorsLayer` (0.6), the CORS layer of axum applications,
//! built with its builder methods.
//!
//! What the library does, as modelled here:
//! - every `OPTIONS` request is a preflight, answered 200 by the layer
//!   without reaching the route, with or without
//!   `Access-Control-Request-Method`;
//! - it never refuses anything itself: an origin not in the list simply
//!   gets no `access-control-allow-origin`, everything else is sent to it;
//! - `Vary` (by default `origin, access-control-request-method,
//!   access-control-request-headers`) goes on every response, appended to
//!   the route's; other CORS headers replace the route's;
//! - lists are joined with `,`, header names lower-cased;
//! - `CorsLayer::new()` allows nothing: no origin, no method, no header;
//! - credentials with any `*` panics when the service starts.

use crate::header_list::HeaderList;
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::{request_header, set, OptionsError};

/// A setting's value: `"*"` (`Any`), `"mirror"` (`mirror_request()`), or
/// a list (`list([...])`, or `exact` with one element).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum Setting {
    /// `"*"` or `"mirror"`.
    Keyword(String),
    /// The values.
    List(Vec<String>),
}

impl Setting {
    fn is_any(&self) -> bool {
        matches!(self, Setting::Keyword(k) if k == "*")
    }
}

/// The builder calls, by the builder methods' names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Options {
    /// `.allow_origin(...)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allow_origin: Option<Setting>,
    /// `.allow_methods(...)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allow_methods: Option<Setting>,
    /// `.allow_headers(...)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allow_headers: Option<Setting>,
    /// `.expose_headers(...)` (`"*"` or a list).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub expose_headers: Option<Setting>,
    /// `.allow_credentials(true)`.
    pub allow_credentials: bool,
    /// `.max_age(Duration::from_secs(n))`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<u64>,
    /// `.vary([...])` (default: the three preflight request headers).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub vary: Option<Vec<String>>,
}

/// The default `.vary(...)`.
pub const DEFAULT_VARY: [&str; 3] = ["origin", "access-control-request-method", "access-control-request-headers"];

impl Options {
    /// The panics of `ensure_usable_cors_rules`, and keywords other than
    /// `*` and `mirror`.
    pub fn validate(&self) -> Result<(), OptionsError> {
        let settings = [
            ("allow_origin", &self.allow_origin, "Access-Control-Allow-Origin"),
            ("allow_methods", &self.allow_methods, "Access-Control-Allow-Methods"),
            ("allow_headers", &self.allow_headers, "Access-Control-Allow-Headers"),
            ("expose_headers", &self.expose_headers, "Access-Control-Expose-Headers"),
        ];
        for (option, setting, _) in settings {
            if let Some(Setting::Keyword(k)) = setting {
                if k != "*" && !(k == "mirror" && option != "expose_headers") {
                    return Err(OptionsError(format!("tower-http: {option} takes \"*\", \"mirror\" or a list, not {k:?}")));
                }
            }
            if let Some(Setting::List(l)) = setting {
                if l.iter().any(|v| v == "*") {
                    return Err(OptionsError(format!("tower-http: {option}: a \"*\" inside a list panics; use \"*\" alone")));
                }
            }
        }
        // The order of the library's assertions: headers, methods, origin, expose.
        if self.allow_credentials {
            for (_, setting, header) in [settings[2], settings[1], settings[0], settings[3]] {
                if setting.as_ref().is_some_and(Setting::is_any) {
                    return Err(OptionsError(format!(
                        "tower-http: Invalid CORS configuration: Cannot combine `Access-Control-Allow-Credentials: true` with `{header}: *`"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A list header: values joined with `,`.
fn joined(values: &[String], lower: bool) -> String {
    values.iter().map(|v| if lower { v.to_ascii_lowercase() } else { v.clone() }).collect::<Vec<_>>().join(",")
}

/// The layer.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let origin = request_header(request, "origin");
    let mut cors = HeaderList::new();
    if options.allow_credentials {
        cors.append("access-control-allow-credentials", "true");
    }
    let vary: Vec<String> = options.vary.clone().unwrap_or_else(|| DEFAULT_VARY.iter().map(|v| (*v).to_owned()).collect());
    let vary = (!vary.is_empty()).then(|| vary.iter().map(|v| v.to_ascii_lowercase()).collect::<Vec<_>>().join(", "));
    let allow_origin = match &options.allow_origin {
        None => None,
        Some(Setting::Keyword(k)) if k == "*" => Some("*".to_owned()),
        Some(Setting::Keyword(_)) => origin.clone(),
        Some(Setting::List(list)) => origin.clone().filter(|o| list.contains(o)),
    };
    if request.method == "OPTIONS" {
        let methods = match &options.allow_methods {
            None => None,
            Some(Setting::Keyword(k)) if k == "*" => Some("*".to_owned()),
            Some(Setting::Keyword(_)) => request_header(request, "access-control-request-method"),
            Some(Setting::List(l)) => (!l.is_empty()).then(|| joined(l, false)),
        };
        let headers = match &options.allow_headers {
            None => None,
            Some(Setting::Keyword(k)) if k == "*" => Some("*".to_owned()),
            Some(Setting::Keyword(_)) => request_header(request, "access-control-request-headers"),
            Some(Setting::List(l)) => (!l.is_empty()).then(|| joined(l, true)),
        };
        let mut response = HttpResponse::new(200);
        response.headers = cors;
        if let Some(v) = vary {
            response.headers.append("vary", v.as_bytes());
        }
        for (name, value) in [("access-control-allow-methods", methods), ("access-control-allow-headers", headers)] {
            if let Some(v) = value {
                response.headers.append(name, v.as_bytes());
            }
        }
        if let Some(n) = options.max_age {
            response.headers.append("access-control-max-age", n.to_string().as_bytes());
        }
        if let Some(o) = allow_origin {
            response.headers.append("access-control-allow-origin", o.as_bytes());
        }
        return response;
    }
    let expose = match &options.expose_headers {
        None => None,
        Some(Setting::Keyword(_)) => Some("*".to_owned()),
        Some(Setting::List(l)) => (!l.is_empty()).then(|| joined(l, true)),
    };
    let mut response = route(request);
    if let Some(v) = vary {
        response.headers.append("vary", v.as_bytes());
    }
    for h in cors.iter() {
        set(&mut response.headers, "access-control-allow-credentials", &crate::header_list::isomorphic_decode(h.value));
    }
    if let Some(v) = expose {
        set(&mut response.headers, "access-control-expose-headers", &v);
    }
    if let Some(o) = allow_origin {
        set(&mut response.headers, "access-control-allow-origin", &o);
    }
    response
}
