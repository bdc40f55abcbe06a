//! Server libraries as models: what a CORS library answers, as a pure
//! function of its documented options and the request.
//!
//! Each library is one module whose `Options` use the library's own option
//! names (so a JSON file of options reads like the code that configures the
//! library) and whose `respond` answers a request the way the library does:
//! the status, the header names in the library's own case, the values and
//! how lists are joined, `Vary`, what it sends to an origin it refuses, and
//! whether the request reaches the route behind it (the `route` argument,
//! called only when the library passes the request on).
//!
//! The models were checked header for header against the real libraries
//! (`tests/servers/`); [`Library::tested`] names the versions.
//!
//! ```
//! use corsim::server_model::{ServerModel, express};
//! use corsim::{fetch::run, Origin, PreflightCache, Profile, RequestInit, Timestamp};
//! let model = ServerModel::ExpressCors(express::Options {
//!     origin: Some(express::Origin::List(vec!["https://app.example".into()])),
//!     ..Default::default()
//! });
//! let init = RequestInit::get("https://api.example/items").method("PUT").header("Content-Type", "application/json");
//! let verdict = run(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &init,
//!     &mut PreflightCache::new(), Timestamp::ZERO, |request| model.answer(request));
//! assert!(verdict.outcome.is_ok());
//! ```

use std::fmt;

use crate::header_list::{isomorphic_decode, HeaderList};
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

pub mod actix_cors;
pub mod apache;
mod configure;
pub mod django;
pub mod express;
pub mod flask_cors;
pub mod go_rs_cors;
pub mod nextjs;
pub mod nginx;
mod pattern;
mod render;
pub mod spring;
pub mod starlette;
pub mod tower_http;

pub use configure::{Before, Needs};

/// A CORS library with its options.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "library", content = "options"))]
pub enum ServerModel {
    /// Express with the `cors` middleware (npm `cors`).
    #[cfg_attr(feature = "serde", serde(rename = "express-cors"))]
    ExpressCors(express::Options),
    /// Starlette's `CORSMiddleware` (FastAPI's is the same class).
    #[cfg_attr(feature = "serde", serde(rename = "starlette"))]
    Starlette(starlette::Options),
    /// Flask with flask-cors's `CORS(app, ...)`.
    #[cfg_attr(feature = "serde", serde(rename = "flask-cors"))]
    FlaskCors(flask_cors::Options),
    /// Django with django-cors-headers (its `CORS_*` settings).
    #[cfg_attr(feature = "serde", serde(rename = "django-cors-headers"))]
    DjangoCorsHeaders(django::Options),
    /// tower-http's `CorsLayer` (axum and other tower services).
    #[cfg_attr(feature = "serde", serde(rename = "tower-http"))]
    TowerHttp(tower_http::Options),
    /// actix-web's actix-cors (builder method names).
    #[cfg_attr(feature = "serde", serde(rename = "actix-cors"))]
    ActixCors(actix_cors::Options),
    /// Go's `github.com/rs/cors` (`cors.Options` field names).
    #[cfg_attr(feature = "serde", serde(rename = "go-rs-cors"))]
    GoRsCors(go_rs_cors::Options),
    /// nginx, configured with `add_header`, `if` and `map` as the guides do.
    #[cfg_attr(feature = "serde", serde(rename = "nginx"))]
    Nginx(nginx::Options),
    /// Apache httpd with `Header`, `SetEnvIf` and `RewriteRule` lines.
    #[cfg_attr(feature = "serde", serde(rename = "apache"))]
    Apache(apache::Options),
    /// Next.js `headers()` in `next.config.js` (what it returns).
    #[cfg_attr(feature = "serde", serde(rename = "nextjs"))]
    NextJs(nextjs::Options),
    /// Spring MVC's `CorsRegistry` mapping (registration method names).
    #[cfg_attr(feature = "serde", serde(rename = "spring"))]
    Spring(spring::Options),
}

/// The libraries corsim models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Library {
    /// npm `cors` on Express.
    ExpressCors,
    /// Starlette / FastAPI `CORSMiddleware`.
    Starlette,
    /// flask-cors.
    FlaskCors,
    /// django-cors-headers.
    DjangoCorsHeaders,
    /// tower-http `CorsLayer`.
    TowerHttp,
    /// actix-cors.
    ActixCors,
    /// Go `github.com/rs/cors`.
    GoRsCors,
    /// nginx's `add_header` configurations.
    Nginx,
    /// Apache httpd's mod_headers configurations.
    Apache,
    /// Next.js `headers()`.
    NextJs,
    /// Spring MVC's CORS support.
    Spring,
}

impl Library {
    /// Every library, in a fixed order.
    pub const ALL: [Library; 11] = [
        Library::ExpressCors,
        Library::Starlette,
        Library::FlaskCors,
        Library::DjangoCorsHeaders,
        Library::TowerHttp,
        Library::ActixCors,
        Library::GoRsCors,
        Library::Nginx,
        Library::Apache,
        Library::NextJs,
        Library::Spring,
    ];

    /// The name used in option files (`"library": "express-cors"`).
    pub fn name(self) -> &'static str {
        match self {
            Library::ExpressCors => "express-cors",
            Library::Starlette => "starlette",
            Library::FlaskCors => "flask-cors",
            Library::DjangoCorsHeaders => "django-cors-headers",
            Library::TowerHttp => "tower-http",
            Library::ActixCors => "actix-cors",
            Library::GoRsCors => "go-rs-cors",
            Library::Nginx => "nginx",
            Library::Apache => "apache",
            Library::NextJs => "nextjs",
            Library::Spring => "spring",
        }
    }

    /// Whether the model was compared with the real library, header for
    /// header (`tests/servers/`).
    pub fn compared(self) -> bool {
        !matches!(self, Library::Spring)
    }

    /// The versions the model was compared with, header for header, or,
    /// when it was not ([`compared`](Self::compared)), what it was read from.
    pub fn tested(self) -> &'static str {
        match self {
            Library::ExpressCors => "cors 2.8.6 on Express 5.3.0, Node 20",
            Library::Starlette => "Starlette 1.10.0 on uvicorn 0.55.0",
            Library::FlaskCors => "flask-cors 6.0.5 on Flask 3.1.3, Werkzeug 3.1",
            Library::DjangoCorsHeaders => "django-cors-headers 4.9.0 on Django 5.2",
            Library::TowerHttp => "tower-http 0.6",
            Library::ActixCors => "actix-cors 0.7.2 on actix-web 4",
            Library::GoRsCors => "rs/cors 1.7.0 (Debian 12) on Go 1.19",
            Library::Nginx => "nginx 1.22 (Debian 12)",
            Library::Apache => "Apache httpd 2.4 (Debian 12)",
            Library::NextJs => "Next.js 16.5 (next dev, App Router)",
            Library::Spring => "Spring Framework 7.0's source (DefaultCorsProcessor, CorsConfiguration)",
        }
    }
}

impl Library {
    /// How to allow exactly the origins meant, in the library's terms: what
    /// `corsim check` adds to a finding that other origins can read.
    pub fn origin_advice(self) -> &'static str {
        match self {
            Library::ExpressCors => "list the origins as exact strings in `origin: [...]`; `true`, a RegExp or a function let in whatever they match",
            Library::Starlette => "list the exact origins in allow_origins; allow_origin_regex must match the whole origin, so escape its dots",
            Library::FlaskCors => "an origin containing any of *\\]?$^[]() is a regular expression matched from its start only (re.match): list exact origins, or escape the dots and end the pattern with $",
            Library::DjangoCorsHeaders => "CORS_ALLOWED_ORIGIN_REGEXES match from the start only (re.match): end each with $ and escape its dots, or list exact origins in CORS_ALLOWED_ORIGINS",
            Library::TowerHttp => "give allow_origin the exact list; mirror_request and predicates let in whatever they accept",
            Library::ActixCors => "call allowed_origin once per exact origin; allow_any_origin and allowed_origin_fn let in whatever they accept",
            Library::GoRsCors => "an AllowedOrigins entry with a `*` matches any prefix and suffix around it: list exact origins",
            Library::Nginx => "map exact origin strings, or anchor each regular expression with ^ and $ and escape its dots",
            Library::NextJs => "headers() sends the same headers to every origin: check the Origin in middleware and set Access-Control-Allow-Origin only for the origins meant",
            Library::Spring => "list exact origins in allowedOrigins; an allowedOriginPatterns `*` matches any run of characters, dots included",
            Library::Apache => "anchor the SetEnvIf Origin expression with ^ and $ and escape its dots, and send $0 (the whole origin)",
        }
    }
}

impl fmt::Display for Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Options the library itself refuses (it raises or panics at start-up), or
/// that corsim does not model; the text names the option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError(pub String);

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionsError {}

impl ServerModel {
    /// Which library this is.
    pub fn library(&self) -> Library {
        match self {
            ServerModel::ExpressCors(_) => Library::ExpressCors,
            ServerModel::Starlette(_) => Library::Starlette,
            ServerModel::FlaskCors(_) => Library::FlaskCors,
            ServerModel::DjangoCorsHeaders(_) => Library::DjangoCorsHeaders,
            ServerModel::TowerHttp(_) => Library::TowerHttp,
            ServerModel::ActixCors(_) => Library::ActixCors,
            ServerModel::GoRsCors(_) => Library::GoRsCors,
            ServerModel::Nginx(_) => Library::Nginx,
            ServerModel::Apache(_) => Library::Apache,
            ServerModel::NextJs(_) => Library::NextJs,
            ServerModel::Spring(_) => Library::Spring,
        }
    }

    /// Whether the library accepts these options (it would not start with
    /// them otherwise), and whether corsim models every option used.
    pub fn validate(&self) -> Result<(), OptionsError> {
        match self {
            ServerModel::ExpressCors(o) => o.validate(),
            ServerModel::Starlette(o) => o.validate(),
            ServerModel::FlaskCors(o) => o.validate(),
            ServerModel::DjangoCorsHeaders(o) => o.validate(),
            ServerModel::TowerHttp(o) => o.validate(),
            ServerModel::ActixCors(o) => o.validate(),
            ServerModel::GoRsCors(o) => o.validate(),
            ServerModel::Nginx(o) => o.validate(),
            ServerModel::Apache(o) => o.validate(),
            ServerModel::NextJs(o) => o.validate(),
            ServerModel::Spring(o) => o.validate(),
        }
    }

    /// The library's answer to `request`, with `route` the application
    /// behind it (called only when the library lets the request through).
    pub fn respond(&self, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
        match self {
            ServerModel::ExpressCors(o) => express::respond(o, request, route),
            ServerModel::Starlette(o) => starlette::respond(o, request, route),
            ServerModel::FlaskCors(o) => flask_cors::respond(o, request, route),
            ServerModel::DjangoCorsHeaders(o) => django::respond(o, request, route),
            ServerModel::TowerHttp(o) => tower_http::respond(o, request, route),
            ServerModel::ActixCors(o) => actix_cors::respond(o, request, route),
            ServerModel::GoRsCors(o) => go_rs_cors::respond(o, request, route),
            ServerModel::Nginx(o) => nginx::respond(o, request, route),
            ServerModel::Apache(o) => apache::respond(o, request, route),
            ServerModel::NextJs(o) => nextjs::respond(o, request, route),
            ServerModel::Spring(o) => spring::respond(o, request, route),
        }
    }

    /// The answer with a route that serves every method with 200 and no
    /// headers of its own: what [`corsim check`](crate) and a scenario use
    /// when the application behind the library is not described.
    pub fn answer(&self, request: &HttpRequest) -> HttpResponse {
        self.respond(request, &mut |_| HttpResponse::new(200))
    }
}

/// What a library answers to the two requests a cross-origin `fetch()`
/// can send: the CORS preflight for it (as the browser would send it, even
/// when this request needs none, so that both answers can be shown) and the
/// request itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    /// The preflight the browser sends, and the library's answer.
    pub preflight: (HttpRequest, HttpResponse),
    /// The request itself (with `Origin`), and the library's answer.
    pub actual: (HttpRequest, HttpResponse),
}

impl ServerModel {
    /// The library's answers to what a page of `origin` sends for
    /// `fetch(init)` across origins: the requests as the browser builds them
    /// ([`Request::new`](crate::Request::new),
    /// [`preflight_request`](crate::preflight::preflight_request), `Origin`
    /// appended as for every CORS request), each answered by [`answer`](Self::answer).
    /// `fetch()`'s own rejection (a forbidden method, a bad URL) is the error.
    ///
    /// ```
    /// use corsim::server_model::{express, ServerModel};
    /// use corsim::{Origin, Profile, RequestInit};
    /// let model = ServerModel::ExpressCors(express::Options::default());
    /// let init = RequestInit::get("https://api.example/items").method("PUT").header("X-Trace", "1");
    /// let a = model.answers(&Profile::CHROMIUM, &Origin::parse("https://app.example").unwrap(), &init).unwrap();
    /// assert_eq!(a.preflight.1.status, 204);
    /// assert_eq!(a.preflight.1.headers.get("access-control-allow-headers").unwrap(), b"x-trace");
    /// assert_eq!(a.actual.0.headers.get("origin").unwrap(), b"https://app.example");
    /// ```
    pub fn answers(
        &self,
        profile: &crate::Profile,
        origin: &crate::Origin,
        init: &crate::RequestInit,
    ) -> Result<Answers, crate::error::TypeErrorKind> {
        let request = crate::Request::new(profile, init)?;
        let serialized = origin.serialize();
        let unsafe_names = crate::request_header::cors_unsafe_request_header_names(profile, &request.headers);
        let preflight = crate::preflight::preflight_request(profile, &request.url, &request.method, &unsafe_names, serialized);
        let mut headers = request.headers.clone();
        headers.append("Origin", serialized.as_bytes());
        let actual = HttpRequest { method: request.method.clone(), url: request.url.clone(), headers, is_preflight: false };
        let preflight_answer = self.answer(&preflight);
        let actual_answer = self.answer(&actual);
        Ok(Answers { preflight: (preflight, preflight_answer), actual: (actual, actual_answer) })
    }
}

/// One thing a configuration can be changed to allow, for the fix search
/// of `corsim check`: each library turns it into its own options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Let this origin read responses (added to the allow-list; `*`
    /// becomes a list when credentials need a specific origin).
    Origin(String),
    /// Allow this method in preflights, exactly as written.
    Method(String),
    /// Allow this request header name (lower-case).
    Header(String),
    /// Allow credentials.
    Credentials,
}

/// Push `item` to `list` unless it is there already; whether it was pushed.
fn push_new(list: &mut Vec<String>, item: &str) -> bool {
    if list.iter().any(|i| i == item) {
        false
    } else {
        list.push(item.to_owned());
        true
    }
}

impl ServerModel {
    /// These options changed to allow `change`, in the library's own
    /// terms, or `None` when they already allow it (or the library has no
    /// option for it). The result may not [`validate`](Self::validate).
    pub fn allowing(&self, change: &Change) -> Option<ServerModel> {
        match self {
            ServerModel::ExpressCors(o) => express_allowing(o, change).map(ServerModel::ExpressCors),
            ServerModel::Starlette(o) => starlette_allowing(o, change).map(ServerModel::Starlette),
            ServerModel::FlaskCors(o) => flask_allowing(o, change).map(ServerModel::FlaskCors),
            ServerModel::DjangoCorsHeaders(o) => django_allowing(o, change).map(ServerModel::DjangoCorsHeaders),
            ServerModel::TowerHttp(o) => tower_allowing(o, change).map(ServerModel::TowerHttp),
            ServerModel::ActixCors(o) => actix_allowing(o, change).map(ServerModel::ActixCors),
            ServerModel::GoRsCors(o) => go_allowing(o, change).map(ServerModel::GoRsCors),
            // A configuration text has no option to widen: corsim proposes no edit of it.
            ServerModel::Spring(o) => spring_allowing(o, change).map(ServerModel::Spring),
            ServerModel::Nginx(_) | ServerModel::Apache(_) | ServerModel::NextJs(_) => None,
        }
    }
}

fn express_allowing(o: &express::Options, change: &Change) -> Option<express::Options> {
    use express::{Origin, StringOrList};
    let mut o = o.clone();
    let extend = |current: Option<StringOrList>, default: &str, item: &str| -> Option<StringOrList> {
        match current {
            None if default.is_empty() => Some(StringOrList::List(vec![item.to_owned()])),
            None => {
                let mut l: Vec<String> = default.split(',').map(str::to_owned).collect();
                push_new(&mut l, item).then_some(StringOrList::List(l))
            }
            Some(StringOrList::One(s)) if s.split(',').any(|m| m == item) => None,
            Some(StringOrList::One(s)) if s.is_empty() => Some(StringOrList::One(item.to_owned())),
            Some(StringOrList::One(s)) => Some(StringOrList::One(format!("{s},{item}"))),
            Some(StringOrList::List(mut l)) => push_new(&mut l, item).then_some(StringOrList::List(l)),
        }
    };
    match change {
        Change::Origin(origin) => {
            o.origin = Some(match o.origin.take() {
                None | Some(Origin::Bool(false)) => Origin::List(vec![origin.clone()]),
                Some(Origin::One(s)) if s == "*" || s.is_empty() => Origin::List(vec![origin.clone()]),
                Some(Origin::One(s)) if s == *origin => return None,
                Some(Origin::One(s)) => Origin::List(vec![s, origin.clone()]),
                Some(Origin::Bool(true)) => return None,
                Some(Origin::List(mut l)) => {
                    if !push_new(&mut l, origin) {
                        return None;
                    }
                    Origin::List(l)
                }
            });
        }
        Change::Method(m) => o.methods = Some(extend(o.methods.take(), express::DEFAULT_METHODS, m)?),
        // Without allowedHeaders the requested headers are reflected: nothing to add.
        Change::Header(h) => o.allowed_headers = Some(extend(Some(o.allowed_headers.take()?), "", h)?),
        Change::Credentials if o.credentials => return None,
        Change::Credentials => o.credentials = true,
    }
    Some(o)
}

fn starlette_allowing(o: &starlette::Options, change: &Change) -> Option<starlette::Options> {
    let mut o = o.clone();
    let changed = match change {
        Change::Origin(origin) => push_new(&mut o.allow_origins, origin),
        // `*` stands for Starlette's eight upper-case methods: spell them out to add another.
        Change::Method(m) if o.allow_methods.iter().any(|x| x == "*") => {
            o.allow_methods = starlette::ALL_METHODS.iter().map(|x| (*x).to_owned()).collect();
            push_new(&mut o.allow_methods, m)
        }
        Change::Method(m) => push_new(&mut o.allow_methods, m),
        Change::Header(h) => {
            !o.allow_headers.iter().any(|x| x == "*" || x.eq_ignore_ascii_case(h)) && push_new(&mut o.allow_headers, h)
        }
        Change::Credentials => !std::mem::replace(&mut o.allow_credentials, true),
    };
    changed.then_some(o)
}

fn flask_allowing(o: &flask_cors::Options, change: &Change) -> Option<flask_cors::Options> {
    use flask_cors::StringOrList;
    let mut o = o.clone();
    let add = |value: &mut StringOrList, item: &str| -> bool {
        let mut items = match value {
            StringOrList::One(s) if s == "*" || s == ".*" => return false,
            StringOrList::One(s) => vec![s.clone()],
            StringOrList::List(l) => l.clone(),
        };
        if items.iter().any(|i| i == "*" || i.eq_ignore_ascii_case(item)) {
            return false;
        }
        items.push(item.to_owned());
        *value = StringOrList::List(items);
        true
    };
    let changed = match change {
        Change::Origin(origin) => add(&mut o.origins, origin),
        Change::Method(m) => add(&mut o.methods, m),
        Change::Header(h) => add(&mut o.allow_headers, h),
        Change::Credentials => !std::mem::replace(&mut o.supports_credentials, true),
    };
    changed.then_some(o)
}

fn django_allowing(o: &django::Options, change: &Change) -> Option<django::Options> {
    let mut o = o.clone();
    let changed = match change {
        Change::Origin(origin) => !o.CORS_ALLOW_ALL_ORIGINS && push_new(&mut o.CORS_ALLOWED_ORIGINS, origin),
        Change::Method(m) => push_new(&mut o.CORS_ALLOW_METHODS, m),
        Change::Header(h) => push_new(&mut o.CORS_ALLOW_HEADERS, h),
        Change::Credentials => !std::mem::replace(&mut o.CORS_ALLOW_CREDENTIALS, true),
    };
    changed.then_some(o)
}

fn tower_allowing(o: &tower_http::Options, change: &Change) -> Option<tower_http::Options> {
    use tower_http::Setting;
    let mut o = o.clone();
    // `*` becomes a list (credentials forbid `*`); a mirror already allows everything.
    let add = |setting: &mut Option<Setting>, item: &str| -> bool {
        match setting {
            Some(Setting::Keyword(k)) if k == "mirror" => false,
            Some(Setting::List(l)) => push_new(l, item),
            _ => {
                *setting = Some(Setting::List(vec![item.to_owned()]));
                true
            }
        }
    };
    let changed = match change {
        Change::Origin(origin) => add(&mut o.allow_origin, origin),
        Change::Method(m) => add(&mut o.allow_methods, m),
        Change::Header(h) => add(&mut o.allow_headers, h),
        Change::Credentials => !std::mem::replace(&mut o.allow_credentials, true),
    };
    changed.then_some(o)
}

fn actix_allowing(o: &actix_cors::Options, change: &Change) -> Option<actix_cors::Options> {
    let mut o = o.clone();
    let changed = match change {
        Change::Origin(origin) => {
            // A listed origin ends "any origin"; `*` cannot carry credentials.
            let was_any = std::mem::replace(&mut o.allow_any_origin, false);
            let was_wildcard = std::mem::replace(&mut o.send_wildcard, false);
            push_new(&mut o.allowed_origin, origin) || was_any || was_wildcard
        }
        // Listed methods add to allow_any_method's; listed headers would replace allow_any_header.
        Change::Method(m) => push_new(&mut o.allowed_methods, m),
        Change::Header(h) => !o.allow_any_header && push_new(&mut o.allowed_headers, h),
        Change::Credentials => !std::mem::replace(&mut o.supports_credentials, true),
    };
    changed.then_some(o)
}

fn spring_allowing(o: &spring::Options, change: &Change) -> Option<spring::Options> {
    let mut o = o.clone();
    let changed = match change {
        // The default origin is `*`, which credentials forbid: a list replaces it.
        Change::Origin(origin) => push_new(o.allowed_origins.get_or_insert_with(Vec::new), origin),
        Change::Method(m) => {
            let methods = o.allowed_methods.get_or_insert_with(|| vec!["GET".into(), "HEAD".into(), "POST".into()]);
            !methods.iter().any(|x| x == "*") && push_new(methods, m)
        }
        Change::Header(h) => match &mut o.allowed_headers {
            None => false,
            Some(list) => !list.iter().any(|x| x == "*" || x.eq_ignore_ascii_case(h)) && push_new(list, h),
        },
        Change::Credentials => !std::mem::replace(&mut o.allow_credentials, true),
    };
    changed.then_some(o)
}

fn go_allowing(o: &go_rs_cors::Options, change: &Change) -> Option<go_rs_cors::Options> {
    let mut o = o.clone();
    // An empty list stands for the defaults (every origin; GET, POST, HEAD;
    // four headers): spell them out to add one.
    let changed = match change {
        Change::Origin(origin) => {
            o.allowed_origins.retain(|x| x != "*");
            push_new(&mut o.allowed_origins, origin)
        }
        Change::Method(m) => {
            if o.allowed_methods.is_empty() {
                o.allowed_methods = vec!["GET".into(), "POST".into(), "HEAD".into()];
            }
            push_new(&mut o.allowed_methods, m)
        }
        Change::Header(h) => {
            if o.allowed_headers.iter().any(|x| x == "*") {
                return None;
            }
            if o.allowed_headers.is_empty() {
                o.allowed_headers = ["Origin", "Accept", "Content-Type", "X-Requested-With"].iter().map(|x| (*x).to_owned()).collect();
            }
            let canonical = go_rs_cors::canonical_header_key(h);
            !o.allowed_headers.iter().any(|x| go_rs_cors::canonical_header_key(x) == canonical) && push_new(&mut o.allowed_headers, &canonical)
        }
        Change::Credentials => !std::mem::replace(&mut o.allow_credentials, true),
    };
    changed.then_some(o)
}

/// A request header's value as text (values of repeated headers joined with
/// `, `, as the servers' header maps do), or `None`.
pub(crate) fn request_header(request: &HttpRequest, name: &str) -> Option<String> {
    request.headers.get(name).map(|v| isomorphic_decode(&v))
}

/// Remove every header named `name` (case-insensitively).
pub(crate) fn remove(headers: &mut HeaderList, name: &str) {
    headers.remove(name);
}

/// Set a header the way a map's `set` does: drop the others of that name,
/// then append.
pub(crate) fn set(headers: &mut HeaderList, name: &str, value: &str) {
    remove(headers, name);
    headers.append(name, value.as_bytes());
}

/// Node's `res.setHeader` (Express, Next.js): the value replaces every
/// header of that name, at the place of the first, under the new name's
/// spelling; a new name is appended.
pub(crate) fn node_set_header(headers: &mut HeaderList, name: &str, value: &str) {
    let mut out = HeaderList::new();
    let mut done = false;
    for h in headers.iter() {
        if !h.is(name) {
            out.push(h);
        } else if !done {
            out.append(name, value.as_bytes());
            done = true;
        }
    }
    if !done {
        out.append(name, value.as_bytes());
    }
    *headers = out;
}

/// The route's headers over the library's, as a shared response object
/// does it (`res.setHeader` after the middleware's): a name the route sets
/// replaces the library's.
pub(crate) fn overlay(headers: &mut HeaderList, route: &HeaderList) {
    for h in route.iter() {
        headers.remove(&isomorphic_decode(h.name));
    }
    for h in route.iter() {
        headers.push(h);
    }
}

#[cfg(test)]
mod tests;
