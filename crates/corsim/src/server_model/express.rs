//! Express with the `cors` middleware (npm `cors` 2.8), `app.use(cors(options))`
//! before the routes.
//!
//! What the library does, as modelled here:
//! - every `OPTIONS` request is answered as a preflight (with or without
//!   `Access-Control-Request-Method`), `optionsSuccessStatus` (204) and
//!   `Content-Length: 0`, unless `preflightContinue` passes it to the route;
//! - `origin: '*'` (the default) sends `*`; a string is sent as it is, to
//!   every origin; `true` reflects any origin; a list reflects a listed
//!   origin and sends nothing to others; `false` or `''` turns CORS off;
//! - without `allowedHeaders`, the preflight reflects
//!   `Access-Control-Request-Headers` and adds it to `Vary`; lists are
//!   joined with `,`;
//! - `Vary: Origin` for every origin option but `*`, to refused origins too;
//! - Node's HTTP parser answers a method it does not know (any lower-case
//!   method, `'patch'` included) with 400 before Express runs.

use crate::header_list::HeaderList;
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::{node_set_header, overlay, request_header, OptionsError};

/// The `origin` option.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum Origin {
    /// `true` reflects any origin; `false` disables CORS.
    Bool(bool),
    /// One value: `'*'`, or a fixed origin sent to every request.
    One(String),
    /// An allow-list: a listed origin is reflected, others get none.
    List(Vec<String>),
}

/// A string or an array (joined with `,`), as `methods`, `allowedHeaders`
/// and `exposedHeaders` take.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum StringOrList {
    /// Sent as it is.
    One(String),
    /// Joined with `,`.
    List(Vec<String>),
}

impl StringOrList {
    /// The header value the library sends (`Array.prototype.join(',')`).
    pub fn value(&self) -> String {
        match self {
            StringOrList::One(s) => s.clone(),
            StringOrList::List(l) => l.join(","),
        }
    }
}

/// `maxAge`: a number or a string.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum MaxAge {
    /// Seconds.
    Seconds(u64),
    /// Sent as it is.
    Text(String),
}

/// The options of `cors(options)`, by their own names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", deny_unknown_fields))]
pub struct Options {
    /// `origin` (default `'*'`).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub origin: Option<Origin>,
    /// `methods` (default `'GET,HEAD,PUT,PATCH,POST,DELETE'`).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub methods: Option<StringOrList>,
    /// `allowedHeaders` (default: reflect `Access-Control-Request-Headers`).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub allowed_headers: Option<StringOrList>,
    /// `exposedHeaders`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub exposed_headers: Option<StringOrList>,
    /// `credentials`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "std::ops::Not::not"))]
    pub credentials: bool,
    /// `maxAge`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<MaxAge>,
    /// `preflightContinue`: pass preflights on to the route.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "std::ops::Not::not"))]
    pub preflight_continue: bool,
    /// `optionsSuccessStatus` (default 204).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub options_success_status: Option<u16>,
}

/// The default `methods`.
pub const DEFAULT_METHODS: &str = "GET,HEAD,PUT,PATCH,POST,DELETE";

/// The methods Node's HTTP parser (llhttp, Node 20) accepts; any other
/// request line is answered 400 before the application runs.
pub const NODE_METHODS: [&str; 35] = [
    "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "M-SEARCH", "MERGE",
    "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH", "POST", "PROPFIND", "PROPPATCH",
    "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK",
    "UNLOCK", "UNSUBSCRIBE",
];

impl Options {
    /// The library starts with any options of this shape.
    pub fn validate(&self) -> Result<(), OptionsError> {
        Ok(())
    }
}

/// `vary(res, field)`: append `field` to `Vary` unless it is already named
/// (or `Vary` is `*`).
fn vary(headers: &mut HeaderList, field: &str) {
    let existing = headers.get("vary").map(|v| crate::header_list::isomorphic_decode(&v));
    let value = match existing {
        None => field.to_owned(),
        Some(v) if v.trim() == "*" => return,
        Some(v) if v.split(',').any(|f| f.trim().eq_ignore_ascii_case(field)) => return,
        Some(v) if v.is_empty() => field.to_owned(),
        Some(v) => format!("{v}, {field}"),
    };
    node_set_header(headers, "Vary", &value);
}

/// `configureOrigin`: `Access-Control-Allow-Origin` and `Vary`.
fn configure_origin(options: &Options, request_origin: Option<&str>, headers: &mut HeaderList) {
    match &options.origin {
        None => node_set_header(headers, "Access-Control-Allow-Origin", "*"),
        Some(Origin::One(o)) if o == "*" => node_set_header(headers, "Access-Control-Allow-Origin", "*"),
        Some(Origin::One(fixed)) => {
            node_set_header(headers, "Access-Control-Allow-Origin", fixed);
            vary(headers, "Origin");
        }
        Some(Origin::Bool(_)) | Some(Origin::List(_)) => {
            let allowed = match &options.origin {
                Some(Origin::List(list)) => request_origin.is_some_and(|o| list.iter().any(|l| l == o)),
                _ => true,
            };
            // A refused origin, or none at all, leaves the header unset.
            if let (true, Some(o)) = (allowed, request_origin.filter(|o| !o.is_empty())) {
                node_set_header(headers, "Access-Control-Allow-Origin", o);
            }
            vary(headers, "Origin");
        }
    }
}

/// The middleware: the preflight answer, or the actual request's headers
/// and the route's answer.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    if !NODE_METHODS.contains(&request.method.as_str()) {
        return HttpResponse::new(400);
    }
    // `origin: false` or `''`: the middleware calls next() and adds nothing.
    let disabled = matches!(&options.origin, Some(Origin::Bool(false))) || matches!(&options.origin, Some(Origin::One(o)) if o.is_empty());
    if disabled {
        return route(request);
    }
    let request_origin = request_header(request, "origin");
    let mut headers = HeaderList::new();
    configure_origin(options, request_origin.as_deref(), &mut headers);
    if options.credentials {
        node_set_header(&mut headers, "Access-Control-Allow-Credentials", "true");
    }
    if request.method == "OPTIONS" {
        let methods = options.methods.as_ref().map_or_else(|| DEFAULT_METHODS.to_owned(), StringOrList::value);
        if !methods.is_empty() {
            node_set_header(&mut headers, "Access-Control-Allow-Methods", &methods);
        }
        let allowed_headers = match &options.allowed_headers {
            None => None,
            Some(StringOrList::One(s)) if s.is_empty() => None,
            Some(other) => Some(other.value()),
        };
        let allowed_headers = match allowed_headers {
            Some(v) => Some(v),
            None => {
                vary(&mut headers, "Access-Control-Request-Headers");
                request_header(request, "access-control-request-headers")
            }
        };
        if let Some(v) = allowed_headers.filter(|v| !v.is_empty()) {
            node_set_header(&mut headers, "Access-Control-Allow-Headers", &v);
        }
        let max_age = match &options.max_age {
            Some(MaxAge::Seconds(n)) => Some(n.to_string()),
            Some(MaxAge::Text(t)) => Some(t.clone()),
            None => None,
        };
        if let Some(v) = max_age.filter(|v| !v.is_empty()) {
            node_set_header(&mut headers, "Access-Control-Max-Age", &v);
        }
        exposed(options, &mut headers);
        if !options.preflight_continue {
            node_set_header(&mut headers, "Content-Length", "0");
            return HttpResponse { status: options.options_success_status.unwrap_or(204), headers, body: Vec::new() };
        }
    } else {
        exposed(options, &mut headers);
    }
    let answer = route(request);
    overlay(&mut headers, &answer.headers);
    HttpResponse { status: answer.status, headers, body: Vec::new() }
}

fn exposed(options: &Options, headers: &mut HeaderList) {
    if let Some(v) = options.exposed_headers.as_ref().map(StringOrList::value).filter(|v| !v.is_empty()) {
        node_set_header(headers, "Access-Control-Expose-Headers", &v);
    }
}
