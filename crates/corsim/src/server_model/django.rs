//! Django with django-cors-headers 4, `corsheaders.middleware.CorsMiddleware`
//! at the top of `MIDDLEWARE`, configured by its `CORS_*` settings.
//!
//! What the library does, as modelled here:
//! - a preflight (`OPTIONS` with `Access-Control-Request-Method`; Django
//!   upper-cases the method) is answered 200 without reaching the view;
//! - every response gets `Vary: origin` (merged into one `Vary`), refused
//!   origins and requests without `Origin` included;
//! - a refused origin gets nothing else, a preflight included: the methods
//!   and headers go only to allowed origins;
//! - the preflight sends the whole `CORS_ALLOW_METHODS` and
//!   `CORS_ALLOW_HEADERS` lists, joined with `, `, whatever was requested;
//! - origins match by scheme and host:port; `null` only when listed;
//! - header names are lower-case, but `Vary`.

use crate::header_list::{isomorphic_decode, HeaderList};
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::pattern::{Anchor, Pattern};
use super::{request_header, set, OptionsError};

/// `corsheaders.defaults.default_methods`.
pub const DEFAULT_METHODS: [&str; 6] = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"];
/// `corsheaders.defaults.default_headers`.
pub const DEFAULT_HEADERS: [&str; 6] =
    ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"];

/// The `CORS_*` settings, by their own names.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
#[allow(non_snake_case)]
pub struct Options {
    /// `CORS_ALLOWED_ORIGINS` (formerly `CORS_ORIGIN_WHITELIST`).
    #[cfg_attr(feature = "serde", serde(alias = "CORS_ORIGIN_WHITELIST"))]
    pub CORS_ALLOWED_ORIGINS: Vec<String>,
    /// `CORS_ALLOWED_ORIGIN_REGEXES`: matched from the start of the origin, not to its end (`re.match`).
    #[cfg_attr(feature = "serde", serde(alias = "CORS_ORIGIN_REGEX_WHITELIST", skip_serializing_if = "Vec::is_empty"))]
    pub CORS_ALLOWED_ORIGIN_REGEXES: Vec<String>,
    /// `CORS_ALLOW_ALL_ORIGINS` (formerly `CORS_ORIGIN_ALLOW_ALL`).
    #[cfg_attr(feature = "serde", serde(alias = "CORS_ORIGIN_ALLOW_ALL"))]
    pub CORS_ALLOW_ALL_ORIGINS: bool,
    /// `CORS_ALLOW_METHODS`.
    pub CORS_ALLOW_METHODS: Vec<String>,
    /// `CORS_ALLOW_HEADERS`.
    pub CORS_ALLOW_HEADERS: Vec<String>,
    /// `CORS_EXPOSE_HEADERS`.
    pub CORS_EXPOSE_HEADERS: Vec<String>,
    /// `CORS_ALLOW_CREDENTIALS`.
    pub CORS_ALLOW_CREDENTIALS: bool,
    /// `CORS_PREFLIGHT_MAX_AGE` (default 86400; 0 sends none).
    pub CORS_PREFLIGHT_MAX_AGE: u64,
    /// `CORS_ALLOW_PRIVATE_NETWORK`.
    pub CORS_ALLOW_PRIVATE_NETWORK: bool,
    /// `CORS_URLS_REGEX`: the paths the middleware acts on (`re.match`).
    pub CORS_URLS_REGEX: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            CORS_ALLOWED_ORIGINS: Vec::new(),
            CORS_ALLOWED_ORIGIN_REGEXES: Vec::new(),
            CORS_ALLOW_ALL_ORIGINS: false,
            CORS_ALLOW_METHODS: DEFAULT_METHODS.iter().map(|m| (*m).to_owned()).collect(),
            CORS_ALLOW_HEADERS: DEFAULT_HEADERS.iter().map(|h| (*h).to_owned()).collect(),
            CORS_EXPOSE_HEADERS: Vec::new(),
            CORS_ALLOW_CREDENTIALS: false,
            CORS_PREFLIGHT_MAX_AGE: 86400,
            CORS_ALLOW_PRIVATE_NETWORK: false,
            CORS_URLS_REGEX: "^.*$".into(),
        }
    }
}

impl Options {
    /// The regular expressions must compile.
    pub fn validate(&self) -> Result<(), OptionsError> {
        self.origin_regexes()?;
        self.urls_regex()?;
        Ok(())
    }

    fn origin_regexes(&self) -> Result<Vec<Pattern>, OptionsError> {
        self.CORS_ALLOWED_ORIGIN_REGEXES
            .iter()
            .map(|r| Pattern::new("django-cors-headers: CORS_ALLOWED_ORIGIN_REGEXES", r, Anchor::Start, false))
            .collect()
    }

    fn urls_regex(&self) -> Result<Pattern, OptionsError> {
        Pattern::new("django-cors-headers: CORS_URLS_REGEX", &self.CORS_URLS_REGEX, Anchor::Start, false)
    }

    /// `origin_found_in_white_lists`.
    fn origin_allowed(&self, origin: &str) -> bool {
        if origin == "null" && self.CORS_ALLOWED_ORIGINS.iter().any(|o| o == "null") {
            return true;
        }
        let url = urlsplit(origin);
        self.CORS_ALLOWED_ORIGINS.iter().any(|o| urlsplit(o) == url)
            || self.origin_regexes().unwrap_or_default().iter().any(|r| r.is_match(origin))
    }
}

/// Python's `urlsplit`, reduced to what the comparison uses: the scheme
/// (lower-cased) and the network location (as written).
fn urlsplit(url: &str) -> (String, String) {
    let (scheme, rest) = match url.split_once(':') {
        Some((s, rest)) if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) => {
            (s.to_ascii_lowercase(), rest)
        }
        _ => (String::new(), url),
    };
    let netloc = match rest.strip_prefix("//") {
        Some(after) => after.split(['/', '?', '#']).next().unwrap_or("").to_owned(),
        None => String::new(),
    };
    (scheme, netloc)
}

/// `patch_vary_headers(response, ("origin",))`.
fn patch_vary(headers: &mut HeaderList) {
    let mut fields: Vec<String> = headers
        .get_all("vary")
        .flat_map(|v| isomorphic_decode(v).split(',').map(|f| f.trim().to_owned()).collect::<Vec<_>>())
        .filter(|f| !f.is_empty())
        .collect();
    if fields.iter().any(|f| f == "*") {
        fields = vec!["*".into()];
    } else if !fields.iter().any(|f| f.eq_ignore_ascii_case("origin")) {
        fields.push("origin".into());
    }
    set(headers, "Vary", &fields.join(", "));
}

/// The middleware.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let request = HttpRequest { method: request.method.to_uppercase(), ..request.clone() };
    // Outside CORS_URLS_REGEX the middleware does nothing at all.
    if !options.urls_regex().is_ok_and(|r| r.is_match(request.url.path())) {
        return route(&request);
    }
    let mut response = if request.method == "OPTIONS" && request.headers.contains("access-control-request-method") {
        HttpResponse::new(200)
    } else {
        route(&request)
    };
    add_response_headers(options, &request, &mut response.headers);
    response
}

fn add_response_headers(options: &Options, request: &HttpRequest, headers: &mut HeaderList) {
    patch_vary(headers);
    let Some(origin) = request_header(request, "origin").filter(|o| !o.is_empty()) else { return };
    if !options.CORS_ALLOW_ALL_ORIGINS && !options.origin_allowed(&origin) {
        return;
    }
    if options.CORS_ALLOW_ALL_ORIGINS && !options.CORS_ALLOW_CREDENTIALS {
        set(headers, "access-control-allow-origin", "*");
    } else {
        set(headers, "access-control-allow-origin", &origin);
    }
    if options.CORS_ALLOW_CREDENTIALS {
        set(headers, "access-control-allow-credentials", "true");
    }
    if !options.CORS_EXPOSE_HEADERS.is_empty() {
        set(headers, "access-control-expose-headers", &options.CORS_EXPOSE_HEADERS.join(", "));
    }
    if request.method == "OPTIONS" {
        set(headers, "access-control-allow-headers", &options.CORS_ALLOW_HEADERS.join(", "));
        set(headers, "access-control-allow-methods", &options.CORS_ALLOW_METHODS.join(", "));
        if options.CORS_PREFLIGHT_MAX_AGE != 0 {
            set(headers, "access-control-max-age", &options.CORS_PREFLIGHT_MAX_AGE.to_string());
        }
    }
    if options.CORS_ALLOW_PRIVATE_NETWORK
        && request_header(request, "access-control-request-private-network").as_deref() == Some("true")
    {
        set(headers, "access-control-allow-private-network", "true");
    }
}
