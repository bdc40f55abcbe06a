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

pub mod django;
pub mod express;
pub mod flask_cors;
pub mod starlette;
pub mod tower_http;

/// A CORS library with its options.
#[derive(Clone, Debug, PartialEq)]
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
}

impl Library {
    /// Every library, in a fixed order.
    pub const ALL: [Library; 5] =
        [Library::ExpressCors, Library::Starlette, Library::FlaskCors, Library::DjangoCorsHeaders, Library::TowerHttp];

    /// The name used in option files (`"library": "express-cors"`).
    pub fn name(self) -> &'static str {
        match self {
            Library::ExpressCors => "express-cors",
            Library::Starlette => "starlette",
            Library::FlaskCors => "flask-cors",
            Library::DjangoCorsHeaders => "django-cors-headers",
            Library::TowerHttp => "tower-http",
        }
    }

    /// The versions the model was compared with, header for header.
    pub fn tested(self) -> &'static str {
        match self {
            Library::ExpressCors => "cors 2.8.6 on Express 5.3.0, Node 20",
            Library::Starlette => "Starlette 1.10.0 on uvicorn 0.55.0",
            Library::FlaskCors => "flask-cors 6.0.5 on Flask 3.1.3, Werkzeug 3.1",
            Library::DjangoCorsHeaders => "django-cors-headers 4.9.0 on Django 5.2",
            Library::TowerHttp => "tower-http 0.6",
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
        }
    }

    /// The answer with a route that serves every method with 200 and no
    /// headers of its own: what [`corsim check`](crate) and a scenario use
    /// when the application behind the library is not described.
    pub fn answer(&self, request: &HttpRequest) -> HttpResponse {
        self.respond(request, &mut |_| HttpResponse::new(200))
    }
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

/// The route's headers over the library's, as a shared response object
/// does it (`res.setHeader` after the middleware's): a name the route sets
/// replaces the library's.
pub(crate) fn overlay(headers: &mut HeaderList, route: &HeaderList) {
    for h in route.iter() {
        headers.remove(&isomorphic_decode(&h.name));
    }
    for h in route.iter() {
        headers.push(h.clone());
    }
}

#[cfg(test)]
mod tests;
