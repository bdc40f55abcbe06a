//! The harness and the audit against an axum app behind tower-http's
//! `CorsLayer`, configured as people do it: they find the real problems.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};

use corsim::audit::{Audit, Class, Severity};
use corsim::harness::{block_on, delete, get, put, Page};
use corsim::{CredentialsMode, Profile};
use support::apps::{self, API, APP};

fn url(path: &str) -> String {
    format!("{API}{path}")
}

fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("should have panicked");
    err.downcast_ref::<String>().cloned().or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string())).unwrap()
}

fn audit(app: axum::Router) -> corsim::audit::Report {
    Audit::new(&url("/items")).unwrap().trust(APP).unwrap().run_service(app)
}

#[test]
fn correct_config_works_for_the_front_end_and_nobody_else() {
    let mut app = apps::correct();
    let mut page = Page::new(APP);
    page.fetch(put(url("/items/1")).header("Authorization", "Bearer t").header("Content-Type", "application/json").credentials(CredentialsMode::Include))
        .against_service(&mut app)
        .assert_allowed()
        .assert_preflight_sent()
        .assert_status(204);
    page.fetch(get(url("/items")).credentials(CredentialsMode::Include))
        .against_service(&mut app)
        .assert_allowed()
        .assert_readable("X-Total");
    // The preflight is cached for the page (Max-Age 600, Chromium caps at 7200).
    page.fetch(put(url("/items/1")).header("Authorization", "Bearer t").credentials(CredentialsMode::Include))
        .against_service(&mut app)
        .assert_no_preflight_sent();
    for browser in corsim::Browser::ALL {
        Page::new("https://evil.example")
            .profile(browser.profile())
            .fetch(get(url("/me")).credentials(CredentialsMode::Include))
            .against_service(&mut app)
            .assert_blocked_because("AllowOriginMismatch");
    }
    let report = audit(apps::correct());
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
fn missing_method_is_found() {
    let mut app = apps::missing_method();
    let msg = panic_message(|| {
        Page::new(APP).fetch(delete(url("/items/1"))).against_service(&mut app).assert_allowed();
    });
    assert!(msg.contains("reason:  MethodDisallowedByPreflightResponse (\"DELETE\")"), "{msg}");
    assert!(msg.contains("console: Access to fetch at 'https://api.example/items/1' from origin 'https://app.example' has been blocked by CORS policy: Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."), "{msg}");
    assert!(msg.contains("fix:     DELETE is not in Access-Control-Allow-Methods 'GET,POST': send Access-Control-Allow-Methods: GET, POST, DELETE"), "{msg}");
    assert!(msg.contains("access-control-allow-methods: GET,POST"), "{msg}");
}

#[test]
fn authorization_under_wildcard_is_found_by_the_standard() {
    let mut app = apps::wildcard_headers();
    let req = || put(url("/items/1")).header("Authorization", "Bearer t");
    // Recorded browsers still let `*` cover Authorization...
    for p in [&Profile::CHROMIUM, &Profile::FIREFOX, &Profile::WEBKIT] {
        Page::new(APP).profile(p).fetch(req()).against_service(&mut app).assert_allowed();
    }
    // ...the Fetch standard does not: this front end breaks when they follow it.
    let outcome = Page::new(APP)
        .profile(&Profile::SPEC)
        .fetch(req())
        .against_service(&mut app)
        .assert_blocked_because("HeaderDisallowedByPreflightResponse");
    assert!(outcome.fix().unwrap().contains("'*' never covers Authorization"), "{:?}", outcome.fix());
    // Any custom header is covered by `*`, even in the standard.
    Page::new(APP)
        .profile(&Profile::SPEC)
        .fetch(put(url("/items/1")).header("X-Trace", "1"))
        .against_service(&mut app)
        .assert_allowed();
}

#[test]
fn star_with_credentials_is_refused_by_tower_http_and_found_when_written_by_hand() {
    let msg = panic_message(|| {
        let _ = apps::permissive_with_credentials();
    });
    assert!(msg.contains("Invalid CORS configuration: Cannot combine `Access-Control-Allow-Credentials: true`"), "{msg}");

    let mut app = apps::star_with_credentials();
    Page::new(APP).fetch(get(url("/me"))).against_service(&mut app).assert_allowed();
    let outcome = Page::new(APP)
        .fetch(get(url("/me")).credentials(CredentialsMode::Include))
        .against_service(&mut app)
        .assert_blocked_because("WildcardOriginNotAllowed");
    assert!(outcome.fix().unwrap().contains("send Access-Control-Allow-Origin: https://app.example"), "{:?}", outcome.fix());
    let report = audit(apps::star_with_credentials());
    // The hand-written layer also answers OPTIONS with axum's 405.
    assert_eq!(report.classes(), [Class::WildcardWithCredentials, Class::PreflightNotAnswered], "{report}");
}

#[test]
fn origin_reflection_is_found() {
    for app in [apps::mirror(), apps::mirror_request()] {
        let mut app = app;
        let msg = panic_message(|| {
            Page::new("https://evil.example")
                .fetch(get(url("/me")).credentials(CredentialsMode::Include))
                .against_service(&mut app)
                .assert_blocked();
        });
        assert!(msg.contains("but script can read it (the response says `Access-Control-Allow-Origin: https://evil.example`)"), "{msg}");
        let report = audit(app);
        assert_eq!(report.classes(), [Class::OriginReflected], "{report}");
        assert_eq!(report.worst(), Some(Severity::Critical));
    }
}

#[test]
fn ends_with_predicate_is_found() {
    let report = audit(apps::ends_with());
    assert_eq!(report.classes(), [Class::PrefixLookAlike, Class::SubdomainTrusted, Class::InsecureOriginTrusted], "{report}");
    assert_eq!(report.worst(), Some(Severity::High));
    Page::new("https://evilapp.example")
        .fetch(get(url("/me")).credentials(CredentialsMode::Include))
        .against_service(apps::ends_with())
        .assert_allowed();
}

#[test]
fn route_layer_leaves_errors_without_cors() {
    let report = audit(apps::route_layer_only());
    assert_eq!(report.classes(), [Class::ErrorsWithoutCors], "{report}");
    Page::new(APP)
        .fetch(get(url("/nope")))
        .against_service(apps::route_layer_only())
        .assert_blocked_because("MissingAllowOriginHeader");
}

#[test]
fn auth_before_cors_leaves_preflights_unanswered() {
    let report = audit(apps::auth_before_cors());
    assert!(report.classes().contains(&Class::PreflightNotAnswered), "{report}");
    let outcome = Page::new(APP)
        .fetch(put(url("/items/1")).header("Authorization", "Bearer t"))
        .against_service(apps::auth_before_cors())
        .assert_blocked_because("PreflightMissingAllowOriginHeader");
    assert_eq!(outcome.preflight().unwrap().response.status, 401);
}

#[test]
fn async_variant_drives_the_same_service() {
    let mut app = apps::correct();
    let mut page = Page::new(APP);
    let outcome = block_on(
        page.fetch(put(url("/items/1")).header("Authorization", "Bearer t"))
            .against_service_async::<axum::body::Body, _, _>(&mut app),
    );
    outcome.assert_allowed().assert_preflight_sent();
    // The blocking variant, with axum's own body type.
    page.fetch(put(url("/items/1")).header("Authorization", "Bearer t"))
        .against_service_with_body::<axum::body::Body, _, _>(&mut app)
        .assert_allowed()
        .assert_no_preflight_sent();
}
