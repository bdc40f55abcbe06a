//! The harness's assertions: each passes when it should and fails when it
//! should, with the browser's console message, the reason and the fix in its
//! panic message.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use corsim::harness::{delete, get, post, put, Page};
use corsim::{CredentialsMode, HttpRequest, HttpResponse, Profile};

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should have failed");
    err.downcast_ref::<String>().cloned().or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string())).unwrap()
}

/// A server allowing `https://app.example`: GET, PUT with Authorization and
/// Content-Type, exposing X-Total, with credentials.
fn good(req: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let origin = req.headers().get("origin").map(|v| v.to_str().unwrap().to_owned());
    let mut res = http::Response::builder().header("Vary", "Origin");
    if origin.as_deref() == Some("https://app.example") {
        res = res.header("Access-Control-Allow-Origin", "https://app.example").header("Access-Control-Allow-Credentials", "true");
    }
    if req.method() == http::Method::OPTIONS {
        res = res
            .status(204)
            .header("Access-Control-Allow-Methods", "GET, PUT, DELETE")
            .header("Access-Control-Allow-Headers", "Authorization, Content-Type")
            .header("Access-Control-Max-Age", "60");
    } else {
        res = res.header("X-Total", "12").header("X-Secret", "s").header("Access-Control-Expose-Headers", "X-Total");
    }
    res.body(Vec::new()).unwrap()
}

#[test]
fn allowed_and_readable_pass() {
    Page::new("https://app.example")
        .fetch(put("https://api.example/items").header("Authorization", "Bearer t").credentials(CredentialsMode::Include))
        .against(good)
        .assert_allowed()
        .assert_preflight_sent()
        .assert_status(200)
        .assert_readable("X-Total")
        .assert_not_readable("x-secret");
}

#[test]
fn assert_allowed_fails_with_console_message_and_fix() {
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(put("https://api.example/items").method("PATCH")).against(good).assert_allowed();
    });
    assert!(msg.starts_with("expected script on https://app.example to read the response, but Chromium blocks it."), "{msg}");
    assert!(msg.contains("reason:  MethodDisallowedByPreflightResponse (\"PATCH\")"), "{msg}");
    assert!(
        msg.contains("console: Access to fetch at 'https://api.example/items' from origin 'https://app.example' has been blocked by CORS policy: Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response."),
        "{msg}"
    );
    assert!(msg.contains("fix:     PATCH is not in Access-Control-Allow-Methods 'GET, PUT, DELETE': send Access-Control-Allow-Methods: GET, PUT, DELETE, PATCH"), "{msg}");
    assert!(msg.contains("sent:    OPTIONS https://api.example/items -> 204; "), "{msg}");
}

#[test]
fn assert_allowed_fails_in_firefox_with_firefox_words() {
    let msg = panic_message(|| {
        Page::new("https://app.example")
            .profile(&Profile::FIREFOX)
            .fetch(put("https://api.example/items").header("X-Trace", "1"))
            .against(good)
            .assert_allowed();
    });
    assert!(msg.contains("but Firefox blocks it"), "{msg}");
    assert!(msg.contains("Cross-Origin Request Blocked"), "{msg}");
    assert!(msg.contains("fix:     request header x-trace is not in Access-Control-Allow-Headers 'Authorization, Content-Type': send Access-Control-Allow-Headers: Authorization, Content-Type, x-trace"), "{msg}");
}

#[test]
fn assert_blocked_passes_and_fails() {
    Page::new("https://evil.example").fetch(get("https://api.example/items")).against(good).assert_blocked();
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(get("https://api.example/items")).against(good).assert_blocked();
    });
    assert!(msg.starts_with("expected the browser to keep the response from script on https://app.example, but script can read it (the response says `Access-Control-Allow-Origin: https://app.example`)."), "{msg}");
}

#[test]
fn opaque_responses_are_not_readable() {
    let outcome = Page::new("https://app.example")
        .fetch(get("https://api.example/items").mode(corsim::Mode::NoCors))
        .against(good)
        .assert_blocked();
    assert_eq!(outcome.status(), Some(0));
    let msg = panic_message(|| {
        outcome.assert_allowed();
    });
    assert!(msg.contains("but it gets an opaque response it cannot read"), "{msg}");
}

#[test]
fn assert_blocked_because_passes_and_fails() {
    Page::new("https://evil.example")
        .fetch(get("https://api.example/items"))
        .against(good)
        .assert_blocked_because("MissingAllowOriginHeader");
    let msg = panic_message(|| {
        Page::new("https://evil.example")
            .fetch(get("https://api.example/items"))
            .against(good)
            .assert_blocked_because("AllowOriginMismatch");
    });
    assert!(msg.contains("to fail with AllowOriginMismatch, but it failed with MissingAllowOriginHeader"), "{msg}");
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(get("https://api.example/items")).against(good).assert_blocked_because("Nope");
    });
    assert!(msg.contains("\"Nope\" is not a CorsError name"), "{msg}");
}

#[test]
fn assert_readable_explains_why_not() {
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(get("https://api.example/items")).against(good).assert_readable("X-Secret");
    });
    assert!(msg.contains("read the header `X-Secret`, but it is not exposed: list it in `Access-Control-Expose-Headers: X-Secret`"), "{msg}");
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(get("https://api.example/items")).against(good).assert_readable("X-Missing");
    });
    assert!(msg.contains("the response has no `X-Missing` header"), "{msg}");
    let msg = panic_message(|| {
        Page::new("https://evil.example").fetch(get("https://api.example/items")).against(good).assert_readable("X-Total");
    });
    assert!(msg.contains("script cannot read the response at all"), "{msg}");
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(get("https://api.example/items")).against(good).assert_not_readable("X-Total");
    });
    assert!(msg.contains("expected the header `X-Total` to be hidden"), "{msg}");
}

#[test]
fn assert_status_passes_and_fails() {
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(get("https://api.example/items")).against(good).assert_status(404);
    });
    assert!(msg.contains("to see status 404, but it sees 200"), "{msg}");
    let msg = panic_message(|| {
        Page::new("https://evil.example").fetch(get("https://api.example/items")).against(good).assert_status(200);
    });
    assert!(msg.contains("but fetch() rejected"), "{msg}");
}

#[test]
fn preflight_cache_is_kept_per_page_and_expires() {
    let mut page = Page::new("https://app.example");
    let req = || delete("https://api.example/items/1").header("Authorization", "x");
    page.fetch(req()).against(good).assert_allowed().assert_preflight_sent();
    page.fetch(req()).against(good).assert_allowed().assert_no_preflight_sent();
    let msg = panic_message(|| {
        let mut copy = page.clone();
        copy.fetch(req()).against(good).assert_preflight_sent();
    });
    assert!(msg.contains("expected the browser on https://app.example to send a preflight, but it sent none."), "{msg}");
    page.advance(Duration::from_secs(61));
    page.fetch(req()).against(good).assert_preflight_sent();
    // Another page has its own cache.
    Page::new("https://app.example").fetch(req()).against(good).assert_preflight_sent();
    let msg = panic_message(|| {
        Page::new("https://app.example").fetch(req()).against(good).assert_no_preflight_sent();
    });
    assert!(msg.contains("to send no preflight, but it sent one"), "{msg}");
}

#[test]
fn simple_requests_send_no_preflight() {
    Page::new("https://app.example")
        .fetch(post("https://api.example/items").header("Content-Type", "text/plain"))
        .against(good)
        .assert_no_preflight_sent()
        .assert_allowed();
}

#[test]
fn the_server_sees_what_the_browser_sends() {
    let mut seen = Vec::new();
    let mut server = |req: http::Request<Vec<u8>>| {
        seen.push(format!(
            "{} {} host={:?} origin={:?} acrm={:?} acrh={:?}",
            req.method(),
            req.uri(),
            req.headers().get("host"),
            req.headers().get("origin"),
            req.headers().get("access-control-request-method"),
            req.headers().get("access-control-request-headers"),
        ));
        good(req)
    };
    Page::new("https://app.example")
        .fetch(put("https://api.example:8443/items?x=1").header("Content-Type", "application/json"))
        .against(&mut server)
        .assert_allowed();
    assert_eq!(
        seen,
        [
            "OPTIONS https://api.example:8443/items?x=1 host=Some(\"api.example:8443\") origin=Some(\"https://app.example\") acrm=Some(\"PUT\") acrh=Some(\"content-type\")",
            "PUT https://api.example:8443/items?x=1 host=Some(\"api.example:8443\") origin=Some(\"https://app.example\") acrm=None acrh=None",
        ]
    );
}

#[test]
fn redirects_are_followed_as_the_browser_does() {
    let server = |req: &HttpRequest| match req.url.path() {
        "/old" => HttpResponse::new(301).header("Location", "/new").header("Access-Control-Allow-Origin", "*"),
        _ => HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"),
    };
    let outcome = Page::new("https://app.example").fetch(get("https://api.example/old")).against_fn(server).assert_allowed();
    assert_eq!(outcome.exchanges.len(), 2);
    assert_eq!(outcome.exchanges[1].request.url.as_str(), "https://api.example/new");
}

#[test]
fn try_against_reports_server_errors() {
    let failed = Page::new("https://app.example")
        .fetch(get("https://api.example/"))
        .try_against(|_| Err::<HttpResponse, _>("connection refused"))
        .unwrap_err();
    assert_eq!(failed.to_string(), "the server failed to answer GET https://api.example/: connection refused");
}

#[test]
fn every_browser_in_one_loop() {
    for browser in corsim::Browser::ALL {
        Page::new("https://app.example")
            .profile(browser.profile())
            .fetch(get("https://api.example/items").credentials(CredentialsMode::Include))
            .against_fn(|_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"))
            .assert_blocked_because("WildcardOriginNotAllowed");
    }
}
