//! Shared inputs for the benchmarks: realistic requests and responses.

use corsim::{HeaderList, HttpResponse, RequestInit};

/// The page origin every benchmark uses.
pub const ORIGIN: &str = "https://app.example";

/// A simple GET with a safelisted header.
pub fn simple_request() -> RequestInit {
    RequestInit::get("https://api.example/v1/items?page=2").header("Accept", "application/json")
}

/// A PUT with JSON and a bearer token: preflighted.
pub fn preflighted_request() -> RequestInit {
    RequestInit::get("https://api.example/v1/items/42")
        .method("PUT")
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer abc.def.ghi")
        .header("X-Request-Id", "7f3c")
}

/// A passing preflight response for [`preflighted_request`].
pub fn preflight_response() -> HttpResponse {
    HttpResponse::new(204)
        .header("Access-Control-Allow-Origin", ORIGIN)
        .header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
        .header("Access-Control-Allow-Headers", "content-type, authorization, x-request-id")
        .header("Access-Control-Max-Age", "600")
        .header("Vary", "Origin")
}

/// A passing actual response.
pub fn actual_response() -> HttpResponse {
    HttpResponse::new(200)
        .header("Access-Control-Allow-Origin", ORIGIN)
        .header("Access-Control-Expose-Headers", "X-Total, ETag")
        .header("Content-Type", "application/json")
        .header("X-Total", "120")
        .header("ETag", "\"v1\"")
        .header("Vary", "Origin")
        .header("Content-Length", "512")
}

/// The headers of [`actual_response`].
pub fn actual_headers() -> HeaderList {
    actual_response().headers
}
