//! Flask with flask-cors 6, `CORS(app, **options)`.
//!
//! What the library does, as modelled here:
//! - it acts after the view, in `after_request`: every request reaches the
//!   route (Flask answers `OPTIONS` itself unless the view takes it), and
//!   the CORS headers are added to whatever the route answered;
//! - Werkzeug upper-cases the method, so `patch` is `PATCH` to Flask;
//! - `origins="*"` (the default) reflects the request's origin unless
//!   `send_wildcard`; literal origins match case-insensitively;
//! - a preflight whose `Access-Control-Request-Method` (upper-cased) is not
//!   a substring of the methods list gets no `Access-Control-Allow-Methods`
//!   or `-Headers`; the allowed requested headers are sent sorted, joined
//!   with `, `; the methods sorted, joined with `, `;
//! - `Vary: Origin` only when more than one origin (or a pattern, `*`
//!   included) is configured: a single literal origin gets none;
//! - without `Origin`, `always_send` sends `*` (or the first configured
//!   origin, sorted);
//! - a string with one of `*\\]?$^[]()` is a regular expression, matched
//!   case-insensitively from the start but not to the end (`re.match`):
//!   `https://app\\.example` also lets `https://app.example.evil.test` in.

use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::pattern::{Anchor, Pattern as Regex};
use super::{request_header, OptionsError};

/// The default `methods`.
pub const ALL_METHODS: [&str; 7] = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"];

/// A string or a list, as `origins`, `methods`, `allow_headers` and
/// `expose_headers` take.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum StringOrList {
    /// One value.
    One(String),
    /// Several.
    List(Vec<String>),
}

impl StringOrList {
    fn items(&self) -> Vec<String> {
        match self {
            StringOrList::One(s) => vec![s.clone()],
            StringOrList::List(l) => l.clone(),
        }
    }

    /// `flexible_str`: a list sorted and joined with `, `; a string as is.
    fn flexible(&self) -> String {
        match self {
            StringOrList::One(s) => s.clone(),
            StringOrList::List(l) => {
                let mut l = l.clone();
                l.sort();
                l.join(", ")
            }
        }
    }
}

/// `max_age`: seconds or a string.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum MaxAge {
    /// Seconds (0 sends nothing).
    Seconds(u64),
    /// Sent as it is.
    Text(String),
}

/// The keyword arguments of `CORS(app, ...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Options {
    /// `origins` (default `"*"`).
    pub origins: StringOrList,
    /// `methods`.
    pub methods: StringOrList,
    /// `allow_headers` (default `"*"`).
    pub allow_headers: StringOrList,
    /// `expose_headers`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub expose_headers: Option<StringOrList>,
    /// `supports_credentials`.
    pub supports_credentials: bool,
    /// `max_age`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<MaxAge>,
    /// `send_wildcard`.
    pub send_wildcard: bool,
    /// `vary_header` (default true).
    pub vary_header: bool,
    /// `always_send` (default true).
    pub always_send: bool,
    /// `allow_private_network`.
    pub allow_private_network: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            origins: StringOrList::One("*".into()),
            methods: StringOrList::List(ALL_METHODS.iter().map(|m| (*m).to_owned()).collect()),
            allow_headers: StringOrList::One("*".into()),
            expose_headers: None,
            supports_credentials: false,
            max_age: None,
            send_wildcard: false,
            vary_header: true,
            always_send: true,
            allow_private_network: false,
        }
    }
}

/// flask-cors reads a string with one of these characters as a regular
/// expression.
const REGEX_HINTS: &str = "*\\]?$^[]()";

/// A resolved pattern: `*` (any), a literal compared case-insensitively, or
/// a regular expression (case-insensitive, anchored at the start only, as
/// Python's `re.match`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pattern {
    Any,
    Literal(String),
    Regex(Regex),
}

fn patterns(option: &str, value: &StringOrList) -> Result<Vec<Pattern>, OptionsError> {
    value
        .items()
        .into_iter()
        .map(|p| {
            if p == "*" || p == ".*" {
                Ok(Pattern::Any)
            } else if p.chars().any(|c| REGEX_HINTS.contains(c)) {
                Regex::new(&format!("flask-cors: {option}"), &p, Anchor::Start, true).map(Pattern::Regex)
            } else {
                Ok(Pattern::Literal(p))
            }
        })
        .collect()
}

fn matches_any(value: &str, patterns: &[Pattern]) -> bool {
    patterns.iter().any(|p| match p {
        Pattern::Any => true,
        Pattern::Literal(l) => l.to_lowercase() == value.to_lowercase(),
        Pattern::Regex(r) => r.is_match(value),
    })
}

impl Options {
    /// flask-cors refuses `supports_credentials` with `origins="*"` and
    /// `send_wildcard`; regular expressions are not modelled.
    pub fn validate(&self) -> Result<(), OptionsError> {
        let origins = patterns("origins", &self.origins)?;
        patterns("allow_headers", &self.allow_headers)?;
        if origins.contains(&Pattern::Any) && self.supports_credentials && self.send_wildcard {
            return Err(OptionsError(
                "flask-cors: ValueError: Cannot use supports_credentials in conjunction with an origin string of '*'".into(),
            ));
        }
        Ok(())
    }
}

/// `get_cors_origins`: the values of `Access-Control-Allow-Origin`.
fn cors_origins(options: &Options, origins: &[Pattern], request_origin: Option<&str>) -> Vec<String> {
    let wildcard = origins.contains(&Pattern::Any);
    match request_origin.filter(|o| !o.is_empty()) {
        Some(o) => {
            if wildcard && options.send_wildcard {
                vec!["*".into()]
            } else if matches_any(o, origins) {
                vec![o.to_owned()]
            } else {
                Vec::new()
            }
        }
        None if options.always_send => {
            if wildcard {
                if options.supports_credentials {
                    Vec::new()
                } else {
                    vec!["*".into()]
                }
            } else {
                let mut literal: Vec<String> =
                    origins.iter().filter_map(|p| if let Pattern::Literal(l) = p { Some(l.clone()) } else { None }).collect();
                literal.sort();
                literal
            }
        }
        None => Vec::new(),
    }
}

/// The route's answer with the headers `after_request` adds.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let normalised = HttpRequest { method: request.method.to_uppercase(), ..request.clone() };
    let mut answer = route(&normalised);
    if answer.headers.contains("access-control-allow-origin") {
        return answer;
    }
    for (name, value) in cors_headers(options, &normalised) {
        answer.headers.append(name, value.as_bytes());
    }
    answer
}

/// `get_cors_headers`, in the order it adds them; empty values dropped.
fn cors_headers(options: &Options, request: &HttpRequest) -> Vec<(&'static str, String)> {
    // Options that do not validate are never served; treat unreadable
    // patterns as absent rather than panic.
    let origins = patterns("origins", &options.origins).unwrap_or_default();
    let allow_headers = patterns("allow_headers", &options.allow_headers).unwrap_or_default();
    let to_set = cors_origins(options, &origins, request_header(request, "origin").as_deref());
    let Some(first) = to_set.first() else { return Vec::new() };
    let mut out: Vec<(&'static str, String)> = vec![("Access-Control-Allow-Origin", first.clone())];
    if let Some(e) = &options.expose_headers {
        out.push(("Access-Control-Expose-Headers", e.flexible()));
    }
    if options.supports_credentials {
        out.push(("Access-Control-Allow-Credentials", "true".into()));
    }
    if request_header(request, "access-control-request-private-network").as_deref() == Some("true") {
        let v = if options.allow_private_network { "true" } else { "false" };
        out.push(("Access-Control-Allow-Private-Network", v.into()));
    }
    if request.method == "OPTIONS" {
        let requested = request_header(request, "access-control-request-method").unwrap_or_default().to_uppercase();
        let methods = options.methods.flexible().to_uppercase();
        if !requested.is_empty() && !methods.is_empty() && methods.contains(&requested) {
            if let Some(acrh) = request_header(request, "access-control-request-headers").filter(|v| !v.is_empty()) {
                let mut matching: Vec<String> =
                    acrh.split(',').map(|h| h.trim().to_owned()).filter(|h| matches_any(h, &allow_headers)).collect();
                matching.sort();
                out.push(("Access-Control-Allow-Headers", matching.join(", ")));
            }
            match &options.max_age {
                Some(MaxAge::Seconds(0)) | None => {}
                Some(MaxAge::Seconds(n)) => out.push(("Access-Control-Max-Age", n.to_string())),
                Some(MaxAge::Text(t)) => out.push(("Access-Control-Max-Age", t.clone())),
            }
            out.push(("Access-Control-Allow-Methods", methods));
        }
    }
    let configured_several = options.origins.items().len() > 1 || to_set.len() > 1;
    let pattern = origins.iter().any(|o| matches!(o, Pattern::Any | Pattern::Regex(_)));
    if options.vary_header && first != "*" && (configured_several || pattern) {
        out.push(("Vary", "Origin".into()));
    }
    out.retain(|(_, v)| !v.is_empty());
    out
}
