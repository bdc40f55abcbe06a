//! Next.js (16, App Router) with CORS headers from `next.config.js`'s
//! `headers()`, in front of a route handler (`app/.../route.js`) that
//! exports the methods it serves and no `OPTIONS`. The options are what
//! `headers()` returns.
//!
//! What the framework does, as modelled here (as `next dev` answers):
//! - every entry whose `source` matches the path sets its headers, names
//!   as written, on every response: no origin is checked, nothing is
//!   refused; a later entry setting the same header replaces it (and its
//!   name's case);
//! - `OPTIONS` never reaches the route: Next answers it 204 with `allow`,
//!   and with the configured headers;
//! - Next adds its own `Vary` (`rsc, next-router-state-tree,
//!   next-router-prefetch, next-router-segment-prefetch`, and
//!   `Accept-Encoding` on the route's answers), after a configured `Vary`;
//! - Node answers a method it does not know (a lower-case `patch`) with 400.
//!
//! Not modelled (refused): `has`, `missing`, `basePath` and `locale` in an
//! entry, and regular-expression groups in `source`.

use crate::header_list::{isomorphic_decode, HeaderList};
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::express::NODE_METHODS;
use super::{node_set_header, OptionsError};

/// One header of an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Header {
    /// `key`.
    pub key: String,
    /// `value`.
    pub value: String,
}

/// One entry of what `headers()` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Entry {
    /// `source`: a path pattern (`/api/:path*`).
    pub source: String,
    /// `headers`.
    pub headers: Vec<Header>,
}

/// `{"headers": [what headers() returns]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Options {
    /// The entries, in order.
    pub headers: Vec<Entry>,
}

/// Next's own `Vary` names on App Router responses.
pub const NEXT_VARY: &str = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch";

/// The methods the route handler exports, as Next lists them in `allow`.
const ALLOW: &str = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

impl Options {
    /// Every `source` must be a pattern corsim reads.
    pub fn validate(&self) -> Result<(), OptionsError> {
        for e in &self.headers {
            if !e.source.starts_with('/') {
                return Err(OptionsError(format!("nextjs: source {:?} must start with /", e.source)));
            }
            if e.source.contains(['(', ')', '{', '}']) {
                return Err(OptionsError(format!("nextjs: source {:?}: regular-expression groups are not modelled", e.source)));
            }
        }
        Ok(())
    }
}

/// path-to-regexp's segments: literal, `:name`, `:name?`, `:name*`, `:name+`.
fn source_matches(source: &str, path: &str) -> bool {
    let pattern: Vec<&str> = source.split('/').filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    matches_from(&pattern, &segments)
}

fn matches_from(pattern: &[&str], segments: &[&str]) -> bool {
    let Some((first, rest)) = pattern.split_first() else { return segments.is_empty() };
    if let Some(param) = first.strip_prefix(':') {
        if param.ends_with('*') {
            return (0..=segments.len()).any(|n| matches_from(rest, &segments[n..]));
        }
        if param.ends_with('+') {
            return (1..=segments.len()).any(|n| matches_from(rest, &segments[n..]));
        }
        if param.ends_with('?') && matches_from(rest, segments) {
            return true;
        }
        return !segments.is_empty() && matches_from(rest, &segments[1..]);
    }
    segments.first() == Some(first) && matches_from(rest, &segments[1..])
}

/// The framework's answer; `route` is the route handler.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    if !NODE_METHODS.contains(&request.method.as_str()) {
        return HttpResponse::new(400);
    }
    let path = request.url.path();
    let mut headers = HeaderList::new();
    for entry in options.headers.iter().filter(|e| source_matches(&e.source, path)) {
        for h in &entry.headers {
            node_set_header(&mut headers, &h.key, &h.value);
        }
    }
    let configured_vary: Vec<String> = headers.get_all("vary").map(isomorphic_decode).collect();
    headers.remove("vary");
    if request.method == "OPTIONS" {
        // The automatic answer keeps a configured Vary as a line of its own.
        for v in &configured_vary {
            headers.append("vary", v.as_bytes());
        }
        headers.append("vary", NEXT_VARY);
        headers.append("allow", ALLOW);
        return HttpResponse { status: 204, headers, body: Vec::new() };
    }
    let answer = route(request);
    let mut vary = configured_vary;
    vary.push(NEXT_VARY.to_owned());
    vary.push("Accept-Encoding".to_owned());
    headers.append("Vary", vary.join(", ").as_bytes());
    for h in answer.headers.iter() {
        headers.push(h);
    }
    HttpResponse { status: answer.status, headers, body: Vec::new() }
}
