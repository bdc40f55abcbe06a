//! Go's `github.com/rs/cors` (1.7, as Debian 12 ships it), `cors.New(options).Handler(h)`.
//!
//! What the library does, as modelled here:
//! - a preflight (`OPTIONS` with `Access-Control-Request-Method`) is
//!   answered 200 without reaching the handler (unless `OptionsPassthrough`);
//! - it never refuses with a status: an origin, method or header it does
//!   not allow gets a 200 with only the three `Vary` lines, each a header
//!   line of its own;
//! - the allowed preflight gets the requested method back, upper-cased
//!   (so a page's `patch` is answered `PATCH`, which the browser does not
//!   accept for `patch`), and the requested headers back, canonicalised
//!   (`Content-Type, X-Trace`);
//! - no `AllowedOrigins` (or `*`) allows every origin with `*`; an entry
//!   with one `*` matches a prefix and a suffix; origins compare
//!   case-insensitively;
//! - default methods GET, POST, HEAD; default headers Origin, Accept,
//!   Content-Type, X-Requested-With;
//! - the actual request gets CORS headers only when its method is allowed,
//!   and `Vary: Origin` always.

use crate::header_list::{isomorphic_decode, HeaderList};
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::{request_header, set, OptionsError};

/// `cors.Options`, by its field names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, rename_all = "PascalCase", deny_unknown_fields))]
pub struct Options {
    /// `AllowedOrigins`.
    pub allowed_origins: Vec<String>,
    /// `AllowedMethods`.
    pub allowed_methods: Vec<String>,
    /// `AllowedHeaders`.
    pub allowed_headers: Vec<String>,
    /// `ExposedHeaders`.
    pub exposed_headers: Vec<String>,
    /// `MaxAge` (seconds; 0 sends none).
    pub max_age: i64,
    /// `AllowCredentials`.
    pub allow_credentials: bool,
    /// `OptionsPassthrough`.
    pub options_passthrough: bool,
}

impl Options {
    /// Every combination starts.
    pub fn validate(&self) -> Result<(), OptionsError> {
        Ok(())
    }
}

/// Go's `http.CanonicalHeaderKey`: each dash-separated word capitalised,
/// when the name is a valid token.
pub fn canonical_header_key(name: &str) -> String {
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() });
        upper = c == '-';
    }
    out
}

/// `parseHeaderList`: the requested names, canonicalised, dropping other bytes.
fn parse_header_list(list: &str) -> Vec<String> {
    let mut headers = Vec::new();
    let mut h = String::new();
    let mut upper = true;
    let bytes = list.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'a'..=b'z' => h.push(if upper { (b - 32) as char } else { b as char }),
            b'A'..=b'Z' => h.push(if upper { b as char } else { (b + 32) as char }),
            b'-' | b'_' | b'0'..=b'9' => h.push(b as char),
            _ => {}
        }
        if b == b' ' || b == b',' || i == bytes.len() - 1 {
            if !h.is_empty() {
                headers.push(std::mem::take(&mut h));
                upper = true;
            }
        } else {
            upper = b == b'-' || b == b'_';
        }
    }
    headers
}

struct Cors {
    all_origins: bool,
    origins: Vec<String>,
    wildcards: Vec<(String, String)>,
    all_headers: bool,
    headers: Vec<String>,
    methods: Vec<String>,
}

fn new(o: &Options) -> Cors {
    let mut c = Cors {
        all_origins: o.allowed_origins.is_empty(),
        origins: Vec::new(),
        wildcards: Vec::new(),
        all_headers: false,
        headers: Vec::new(),
        methods: Vec::new(),
    };
    for origin in &o.allowed_origins {
        let origin = origin.to_lowercase();
        if origin == "*" {
            c.all_origins = true;
            c.origins.clear();
            c.wildcards.clear();
            break;
        } else if let Some(i) = origin.find('*') {
            c.wildcards.push((origin[..i].to_owned(), origin[i + 1..].to_owned()));
        } else {
            c.origins.push(origin);
        }
    }
    if o.allowed_headers.is_empty() {
        c.headers = ["Origin", "Accept", "Content-Type", "X-Requested-With"].iter().map(|h| (*h).to_owned()).collect();
    } else if o.allowed_headers.iter().any(|h| h == "*") {
        c.all_headers = true;
    } else {
        c.headers = o.allowed_headers.iter().chain(std::iter::once(&"Origin".to_owned())).map(|h| canonical_header_key(h)).collect();
    }
    c.methods = if o.allowed_methods.is_empty() {
        vec!["GET".into(), "POST".into(), "HEAD".into()]
    } else {
        o.allowed_methods.iter().map(|m| m.to_uppercase()).collect()
    };
    c
}

impl Cors {
    fn origin_allowed(&self, origin: &str) -> bool {
        if self.all_origins {
            return true;
        }
        let origin = origin.to_lowercase();
        self.origins.contains(&origin)
            || self.wildcards.iter().any(|(p, s)| origin.len() >= p.len() + s.len() && origin.starts_with(p.as_str()) && origin.ends_with(s.as_str()))
    }

    fn method_allowed(&self, method: &str) -> bool {
        let method = method.to_uppercase();
        !self.methods.is_empty() && (method == "OPTIONS" || self.methods.contains(&method))
    }

    fn headers_allowed(&self, requested: &[String]) -> bool {
        self.all_headers || requested.iter().all(|h| self.headers.contains(&canonical_header_key(h)))
    }
}

/// The handler.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let c = new(options);
    let origin = request_header(request, "origin").unwrap_or_default();
    let mut headers = HeaderList::new();
    if request.method == "OPTIONS" && request_header(request, "access-control-request-method").is_some_and(|m| !m.is_empty()) {
        for v in ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"] {
            headers.append("Vary", v);
        }
        let requested_method = request_header(request, "access-control-request-method").unwrap_or_default();
        let requested_headers = parse_header_list(&request_header(request, "access-control-request-headers").unwrap_or_default());
        if !origin.is_empty()
            && c.origin_allowed(&origin)
            && c.method_allowed(&requested_method)
            && c.headers_allowed(&requested_headers)
        {
            set(&mut headers, "Access-Control-Allow-Origin", if c.all_origins { "*" } else { &origin });
            set(&mut headers, "Access-Control-Allow-Methods", &requested_method.to_uppercase());
            if !requested_headers.is_empty() {
                set(&mut headers, "Access-Control-Allow-Headers", &requested_headers.join(", "));
            }
            if options.allow_credentials {
                set(&mut headers, "Access-Control-Allow-Credentials", "true");
            }
            if options.max_age > 0 {
                set(&mut headers, "Access-Control-Max-Age", &options.max_age.to_string());
            }
        }
        if !options.options_passthrough {
            return HttpResponse { status: 200, headers, body: Vec::new() };
        }
    } else {
        headers.append("Vary", "Origin");
        if !origin.is_empty() && c.origin_allowed(&origin) && c.method_allowed(&request.method) {
            set(&mut headers, "Access-Control-Allow-Origin", if c.all_origins { "*" } else { &origin });
            let exposed: Vec<String> = options.exposed_headers.iter().map(|h| canonical_header_key(h)).collect();
            if !exposed.is_empty() {
                set(&mut headers, "Access-Control-Expose-Headers", &exposed.join(", "));
            }
            if options.allow_credentials {
                set(&mut headers, "Access-Control-Allow-Credentials", "true");
            }
        }
    }
    // The handler writes into the same header map.
    let answer = route(request);
    for h in answer.headers.iter() {
        set(&mut headers, &isomorphic_decode(h.name), &isomorphic_decode(h.value));
    }
    HttpResponse { status: answer.status, headers, body: Vec::new() }
}
