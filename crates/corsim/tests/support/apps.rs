//! An axum API behind tower-http's `CorsLayer`, configured as people do it:
//! correctly, and in the ways guides warn against. Shared by the tests and
//! the `axum_cors` example.
#![allow(dead_code)]

use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, map_response, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

/// The front end's origin.
pub const APP: &str = "https://app.example";
/// The API's base URL.
pub const API: &str = "https://api.example";

/// The API: `GET/POST /items` (with `X-Total`), `PUT/DELETE /items/{id}`,
/// `GET /me`.
pub fn routes() -> Router {
    Router::new()
        .route("/items", get(|| async { ([("x-total", "3")], "[]") }).post(|| async { StatusCode::CREATED }))
        .route("/items/{id}", put(|| async { StatusCode::NO_CONTENT }).delete(|| async { StatusCode::NO_CONTENT }))
        .route("/me", get(|| async { "{\"name\":\"Ada\"}" }))
}

fn app_origin() -> HeaderValue {
    HeaderValue::from_static(APP)
}

/// As the guides say: one exact origin, the methods and headers the front
/// end uses, `X-Total` exposed, credentials.
pub fn correct() -> Router {
    routes().layer(
        CorsLayer::new()
            .allow_origin(app_origin())
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([HeaderName::from_static("x-total")])
            .allow_credentials(true)
            .max_age(Duration::from_secs(600)),
    )
}

/// PUT and DELETE forgotten in `allow_methods`.
pub fn missing_method() -> Router {
    routes().layer(
        CorsLayer::new()
            .allow_origin(app_origin())
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .allow_credentials(true),
    )
}

/// `Any` for methods and headers: `Access-Control-Allow-Headers: *`, which
/// the standard says does not cover `Authorization`.
pub fn wildcard_headers() -> Router {
    routes().layer(CorsLayer::new().allow_origin(app_origin()).allow_methods(Any).allow_headers(Any))
}

/// `CorsLayer::permissive().allow_credentials(true)`: tower-http refuses to
/// build it (it panics), so people write the headers by hand.
pub fn permissive_with_credentials() -> Router {
    routes().layer(CorsLayer::permissive().allow_credentials(true))
}

/// `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials:
/// true`, written by hand.
pub fn star_with_credentials() -> Router {
    routes().layer(map_response(|mut res: Response| async move {
        res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        res
    }))
}

/// `CorsLayer::very_permissive()`: every origin mirrored, with credentials.
pub fn mirror() -> Router {
    routes().layer(CorsLayer::very_permissive())
}

/// `AllowOrigin::mirror_request()` with credentials and a method list.
pub fn mirror_request() -> Router {
    routes().layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::mirror_request())
            .allow_methods([Method::GET, Method::PUT, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .allow_credentials(true),
    )
}

/// An origin predicate that checks the end of the origin only.
pub fn ends_with() -> Router {
    routes().layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(|origin, _| origin.as_bytes().ends_with(b"app.example")))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .allow_credentials(true),
    )
}

/// The correct layer, but as a `route_layer`: unknown paths get axum's 404
/// without CORS headers.
pub fn route_layer_only() -> Router {
    Router::new()
        .route("/items", get(|| async { ([("x-total", "3")], "[]") }))
        .route_layer(
            CorsLayer::new()
                .allow_origin(app_origin())
                .allow_methods([Method::GET, Method::PUT])
                .allow_headers([header::CONTENT_TYPE])
                .allow_credentials(true)
                .vary([header::ORIGIN]),
        )
}

async fn require_auth(request: Request, next: Next) -> Response {
    if request.headers().contains_key(header::AUTHORIZATION) {
        next.run(request).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

/// Authentication outside the CORS layer: the preflight, which never carries
/// credentials, gets 401.
pub fn auth_before_cors() -> Router {
    correct().layer(from_fn(require_auth))
}
