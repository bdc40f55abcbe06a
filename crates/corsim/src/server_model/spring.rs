//! Spring MVC's CORS support (`DefaultCorsProcessor` with the
//! `CorsConfiguration` of `registry.addMapping("/**")` in a
//! `WebMvcConfigurer`), the registration's methods as option names.
//!
//! Read from Spring Framework 7.0's source; there is no Spring here to
//! compare it with, so unlike the other models it is not checked against
//! the real library.
//!
//! What the library does, as modelled here:
//! - `addMapping` starts from the permissive defaults: origins `*`,
//!   methods GET, HEAD, POST, headers `*`, max age 1800;
//! - every response gets `Vary: Origin`, `Vary:
//!   Access-Control-Request-Method` and `Vary: Access-Control-Request-Headers`
//!   (three lines), CORS or not;
//! - a request whose origin, method or (preflight) headers are not allowed
//!   is refused with 403 "Invalid CORS request" before the handler; a
//!   preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
//!   never reaches it;
//! - origins compare case-insensitively, trailing `/` ignored;
//!   `allowedOriginPatterns` take `*` anywhere and a port list `:[8080,8081]`
//!   or `:[*]`; `allowedMethods("*")` echoes the requested method;
//! - lists are joined with `,`; the allowed headers sent are the requested
//!   ones that are allowed, as requested;
//! - `allowCredentials(true)` with origin `*` makes every CORS request fail
//!   (an `IllegalArgumentException`): refused here as options.

use crate::header_list::HeaderList;
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::{request_header, OptionsError};

/// The `CorsRegistration` calls, by their names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, rename_all = "camelCase", deny_unknown_fields))]
pub struct Options {
    /// `.allowedOrigins(...)` (default `*`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allowed_origins: Option<Vec<String>>,
    /// `.allowedOriginPatterns(...)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allowed_origin_patterns: Option<Vec<String>>,
    /// `.allowedMethods(...)` (default GET, HEAD, POST).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allowed_methods: Option<Vec<String>>,
    /// `.allowedHeaders(...)` (default `*`).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub allowed_headers: Option<Vec<String>>,
    /// `.exposedHeaders(...)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub exposed_headers: Vec<String>,
    /// `.allowCredentials(true)`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub allow_credentials: bool,
    /// `.maxAge(n)` (default 1800).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<i64>,
}

impl Options {
    fn origins(&self) -> Vec<String> {
        match (&self.allowed_origins, &self.allowed_origin_patterns) {
            (Some(o), _) => o.iter().map(|o| o.strip_suffix('/').unwrap_or(o).to_owned()).collect(),
            // Patterns replace the default `*`.
            (None, Some(_)) => Vec::new(),
            (None, None) => vec!["*".into()],
        }
    }

    /// `None` stands for `*`.
    fn methods(&self) -> Option<Vec<String>> {
        match &self.allowed_methods {
            None => Some(vec!["GET".into(), "HEAD".into(), "POST".into()]),
            Some(m) if m.is_empty() => Some(vec!["GET".into(), "HEAD".into()]),
            Some(m) if m.iter().any(|x| x == "*") => None,
            Some(m) => Some(m.clone()),
        }
    }

    fn headers(&self) -> Vec<String> {
        self.allowed_headers.clone().unwrap_or_else(|| vec!["*".into()])
    }

    /// Credentials with origin `*` fail every CORS request.
    pub fn validate(&self) -> Result<(), OptionsError> {
        if self.allow_credentials && self.origins().iter().any(|o| o == "*") {
            return Err(OptionsError(
                "spring: When allowCredentials is true, allowedOrigins cannot contain the special value \"*\" since that cannot be set on the \"Access-Control-Allow-Origin\" response header.".into(),
            ));
        }
        Ok(())
    }

    /// `checkOrigin`: the value to send, or `None`.
    fn check_origin(&self, origin: &str) -> Option<String> {
        if origin.trim().is_empty() {
            return None;
        }
        let to_check = origin.strip_suffix('/').unwrap_or(origin);
        let origins = self.origins();
        if origins.iter().any(|o| o == "*") {
            return Some("*".into());
        }
        if origins.iter().any(|o| o.eq_ignore_ascii_case(to_check)) {
            return Some(origin.to_owned());
        }
        let patterns = self.allowed_origin_patterns.as_deref().unwrap_or_default();
        patterns.iter().any(|p| p == "*" || origin_pattern_matches(p.strip_suffix('/').unwrap_or(p), to_check)).then(|| origin.to_owned())
    }
}

/// An `allowedOriginPatterns` entry: `*` matches anything, and a trailing
/// `:[ports]` a list of ports (`:[*]` any, or none).
fn origin_pattern_matches(pattern: &str, origin: &str) -> bool {
    let (body, ports) = match pattern.rfind(":[") {
        Some(i) if pattern.ends_with(']') => (&pattern[..i], Some(&pattern[i + 2..pattern.len() - 1])),
        _ => (pattern, None),
    };
    match ports {
        None => glob(body, origin),
        Some("*") => glob(body, origin) || origin.rfind(':').is_some_and(|i| origin[i + 1..].bytes().all(|b| b.is_ascii_digit()) && i + 1 < origin.len() && glob(body, &origin[..i])),
        Some(list) => origin.rfind(':').is_some_and(|i| list.split(',').any(|p| p == &origin[i + 1..]) && glob(body, &origin[..i])),
    }
}

/// `*` matches any run of characters; everything else itself (case-sensitively).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// `isCorsRequest`: an `Origin` other than the request's own scheme, host and port.
fn is_cors_request(request: &HttpRequest, origin: &str) -> bool {
    match url::Url::parse(origin) {
        Ok(o) => {
            let url = &request.url;
            !(o.scheme() == url.scheme() && o.host_str() == url.host_str() && o.port_or_known_default() == url.port_or_known_default())
        }
        Err(_) => true,
    }
}

/// The processor, and the handler behind it.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let mut headers = HeaderList::new();
    for v in ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"] {
        headers.append("Vary", v);
    }
    let origin = request_header(request, "origin");
    let preflight = request.method == "OPTIONS" && origin.is_some() && request.headers.contains("access-control-request-method");
    let cors = origin.as_deref().is_some_and(|o| is_cors_request(request, o));
    let refused = |headers: HeaderList| HttpResponse { status: 403, headers, body: Vec::new() };
    if cors {
        let origin = origin.unwrap_or_default();
        let Some(allow_origin) = options.check_origin(&origin) else { return refused(headers) };
        let method = if preflight { request_header(request, "access-control-request-method").unwrap_or_default() } else { request.method.clone() };
        let allow_methods = match options.methods() {
            None => vec![method.clone()],
            Some(m) if m.contains(&method) => m,
            Some(_) => return refused(headers),
        };
        let mut allow_headers = Vec::new();
        if preflight {
            let requested: Vec<String> = request_header(request, "access-control-request-headers")
                .map(|v| v.split(',').map(|h| h.trim().to_owned()).filter(|h| !h.is_empty()).collect())
                .unwrap_or_default();
            if !requested.is_empty() {
                let allowed = options.headers();
                let any = allowed.iter().any(|a| a == "*");
                allow_headers = requested.into_iter().filter(|r| any || allowed.iter().any(|a| a.eq_ignore_ascii_case(r))).collect();
                if allow_headers.is_empty() {
                    return refused(headers);
                }
            }
        }
        headers.append("Access-Control-Allow-Origin", allow_origin.as_bytes());
        if preflight {
            headers.append("Access-Control-Allow-Methods", allow_methods.join(",").as_bytes());
            if !allow_headers.is_empty() {
                headers.append("Access-Control-Allow-Headers", allow_headers.join(",").as_bytes());
            }
        }
        if !options.exposed_headers.is_empty() {
            headers.append("Access-Control-Expose-Headers", options.exposed_headers.join(",").as_bytes());
        }
        if options.allow_credentials {
            headers.append("Access-Control-Allow-Credentials", "true");
        }
        if preflight {
            headers.append("Access-Control-Max-Age", options.max_age.unwrap_or(1800).to_string().as_bytes());
        }
    }
    if preflight {
        return HttpResponse { status: 200, headers, body: Vec::new() };
    }
    let answer = route(request);
    for h in answer.headers.iter() {
        headers.push(h);
    }
    HttpResponse { status: answer.status, headers, body: Vec::new() }
}
