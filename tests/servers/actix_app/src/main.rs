//! actix-cors with the options of one row of options.json (CORS_OPTIONS, JSON in
//! the builder's method names), in front of one route that answers every method.

use actix_cors::Cors;
use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::Value;

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn cors(o: &Value) -> Cors {
    let flag = |name: &str| o[name].as_bool().unwrap_or(false);
    let mut c = if flag("permissive") { Cors::permissive() } else { Cors::default() };
    if flag("allow_any_origin") {
        c = c.allow_any_origin();
    }
    for origin in strings(&o["allowed_origin"]) {
        c = c.allowed_origin(&origin);
    }
    if flag("send_wildcard") {
        c = c.send_wildcard();
    }
    if flag("allow_any_method") {
        c = c.allow_any_method();
    }
    let methods = strings(&o["allowed_methods"]);
    if !methods.is_empty() {
        c = c.allowed_methods(methods.iter().map(String::as_str));
    }
    if flag("allow_any_header") {
        c = c.allow_any_header();
    }
    let headers = strings(&o["allowed_headers"]);
    if !headers.is_empty() {
        c = c.allowed_headers(headers.iter().map(String::as_str));
    }
    let expose = strings(&o["expose_headers"]);
    if !expose.is_empty() {
        c = c.expose_headers(expose.iter().map(String::as_str));
    }
    if flag("supports_credentials") {
        c = c.supports_credentials();
    }
    if let Some(n) = o["max_age"].as_u64() {
        c = c.max_age(n as usize);
    }
    if flag("block_on_origin_mismatch") {
        c = c.block_on_origin_mismatch(true);
    }
    c
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let options: Value = serde_json::from_str(&std::env::var("CORS_OPTIONS").unwrap_or_else(|_| "{}".into())).unwrap();
    let port: u16 = std::env::var("PORT").unwrap().parse().unwrap();
    HttpServer::new(move || {
        App::new()
            .wrap(cors(&options))
            .route("/items", web::route().to(|| async { HttpResponse::Ok().insert_header(("X-Route", "hit")).body("ok") }))
    })
    .workers(1)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
