//! One case per CorsError the engine reaches: the explanation names it, and
//! the fix, applied to the server's answers, makes the engine allow the
//! request (checked twice: by `explain` itself, and again here through the
//! public API).

use std::collections::BTreeSet;

use super::*;
use crate::fetch::run;
use crate::{Browser, CorsError, HttpResponse, RequestInit};

const PAGE: &str = "https://app.example";
const API: &str = "https://api.example/items";

/// A scripted server: per URL, an answer to preflights and one to the rest;
/// unlisted URLs answer 404 with no headers.
#[derive(Clone, Default)]
struct Server {
    urls: Vec<(String, Option<HttpResponse>, HttpResponse)>,
}

impl Server {
    fn at(mut self, url: &str, preflight: Option<HttpResponse>, actual: HttpResponse) -> Self {
        self.urls.push((url.to_owned(), preflight, actual));
        self
    }

    fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let url = without_fragment(&request.url);
        match self.urls.iter().find(|(u, _, _)| *u == url) {
            Some((_, p, a)) if request.is_preflight => p.clone().unwrap_or_else(|| HttpResponse::new(200)),
            Some((_, _, a)) => a.clone(),
            None => HttpResponse::new(404),
        }
    }
}

fn ok(status: u16) -> HttpResponse {
    HttpResponse::new(status)
}

fn page() -> Origin {
    Origin::parse(PAGE).unwrap()
}

/// Explain, check the failure is `want`, that the fix is verified, and that
/// applying it through the public API passes too.
fn fixed(profile: &Profile, origin: Origin, init: &RequestInit, server: &Server, want: Option<CorsError>) -> Explanation {
    let e = explain(profile, origin.clone(), init, |r| server.answer(r));
    assert!(!e.result.readable, "{want:?}: script can already read it");
    if let Some(want) = want {
        assert_eq!(e.result.failure.as_ref().and_then(|f| f.cors_error), Some(want), "{}", e);
    }
    let fix = e.fix.as_ref().expect("a fix");
    assert_eq!(fix.verified, Some(true), "{want:?} not verified:\n{e}");
    let again = run(profile, origin, &fix.apply_to_request(init), &mut PreflightCache::new(), Timestamp::ZERO, |r| {
        let mut response = server.answer(r);
        fix.apply_to_response(r, &mut response);
        response
    });
    assert!(matches!(&again.outcome, Ok(r) if matches!(r.kind, ResponseType::Basic | ResponseType::Cors)), "{want:?}: {again:?}");
    // Never `*` with credentials, never `null`, never a reflected origin
    // other than the page's: the only origins a fix allows.
    for p in &fix.patches {
        for c in &p.headers {
            if c.name == "Access-Control-Allow-Origin" {
                let v = c.to.as_deref().unwrap_or_default();
                assert!(v == PAGE || (v == "*" && init.credentials != CredentialsMode::Include), "{want:?}: allows {v}");
            }
        }
    }
    e
}

fn change<'a>(e: &'a Explanation, preflight: bool, name: &str) -> Option<&'a str> {
    e.fix.as_ref()?.patches.iter().filter(|p| p.preflight == preflight).flat_map(|p| &p.headers).find(|c| c.name == name)?.to.as_deref()
}

fn acao(v: &str) -> HttpResponse {
    ok(200).header("Access-Control-Allow-Origin", v)
}

fn put() -> RequestInit {
    RequestInit::get(API).method("PUT")
}

/// Every case: a name, the request, the server, and the error Chromium meets.
fn cases() -> Vec<(&'static str, RequestInit, Server, Option<CorsError>)> {
    use CorsError::*;
    let include = |i: RequestInit| i.credentials(CredentialsMode::Include);
    let good_preflight = || ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Methods", "PUT");
    vec![
        ("no ACAO", RequestInit::get(API), Server::default().at(API, None, ok(200)), Some(MissingAllowOriginHeader)),
        ("* with credentials", include(RequestInit::get(API)), Server::default().at(API, None, acao("*")), Some(WildcardOriginNotAllowed)),
        (
            "ACAO from proxy and app",
            RequestInit::get(API),
            Server::default().at(API, None, acao(PAGE).header("Access-Control-Allow-Origin", PAGE)),
            Some(MultipleAllowOriginValues),
        ),
        ("ACAO lists two origins", RequestInit::get(API), Server::default().at(API, None, acao("https://a.example, https://app.example")), Some(MultipleAllowOriginValues)),
        ("ACAO without scheme", RequestInit::get(API), Server::default().at(API, None, acao("app.example")), Some(InvalidAllowOriginValue)),
        ("ACAO trailing slash", RequestInit::get(API), Server::default().at(API, None, acao("https://app.example/")), Some(AllowOriginMismatch)),
        ("ACAO http against https", RequestInit::get(API), Server::default().at(API, None, acao("http://app.example")), Some(AllowOriginMismatch)),
        (
            "ACAC True",
            include(RequestInit::get(API)),
            Server::default().at(API, None, acao(PAGE).header("Access-Control-Allow-Credentials", "True")),
            Some(InvalidAllowCredentials),
        ),
        ("ACAC absent", include(RequestInit::get(API)), Server::default().at(API, None, acao(PAGE)), Some(InvalidAllowCredentials)),
        ("mode same-origin", RequestInit::get(API).mode(Mode::SameOrigin), Server::default().at(API, None, ok(200)), Some(DisallowedByMode)),
        (
            "no-cors without follow",
            RequestInit::get(API).mode(Mode::NoCors).redirect(RedirectMode::Error),
            Server::default().at(API, None, ok(200)),
            Some(NoCorsRedirectModeNotFollow),
        ),
        ("OPTIONS 404", put(), Server::default().at(API, Some(ok(404).header("Access-Control-Allow-Origin", PAGE)), acao(PAGE)), Some(PreflightInvalidStatus)),
        ("OPTIONS 405", put(), Server::default().at(API, Some(ok(405).header("Access-Control-Allow-Origin", PAGE)), acao(PAGE)), Some(PreflightInvalidStatus)),
        ("OPTIONS 401", put(), Server::default().at(API, Some(ok(401).header("Access-Control-Allow-Origin", PAGE)), acao(PAGE)), Some(PreflightInvalidStatus)),
        (
            "OPTIONS redirected",
            put(),
            Server::default().at(API, Some(ok(301).header("Location", "/items/")), acao(PAGE)),
            Some(PreflightDisallowedRedirect),
        ),
        (
            "preflight * with credentials",
            include(put()),
            Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", "*").header("Access-Control-Allow-Methods", "PUT")), acao(PAGE)),
            Some(PreflightWildcardOriginNotAllowed),
        ),
        ("preflight without ACAO", put(), Server::default().at(API, Some(ok(204)), acao(PAGE)), Some(PreflightMissingAllowOriginHeader)),
        (
            "preflight ACAO twice",
            put(),
            Server::default().at(API, Some(good_preflight().header("Access-Control-Allow-Origin", PAGE)), acao(PAGE)),
            Some(PreflightMultipleAllowOriginValues),
        ),
        ("preflight ACAO invalid", put(), Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", "")), acao(PAGE)), Some(PreflightInvalidAllowOriginValue)),
        (
            "preflight ACAO localhost",
            put(),
            Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", "http://localhost:8001")), acao(PAGE)),
            Some(PreflightAllowOriginMismatch),
        ),
        (
            "preflight ACAC missing",
            include(put()),
            Server::default().at(API, Some(good_preflight()), acao(PAGE).header("Access-Control-Allow-Credentials", "true")),
            Some(PreflightInvalidAllowCredentials),
        ),
        (
            "ACAM unparsable",
            put(),
            Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Methods", "GET POST")), acao(PAGE)),
            Some(InvalidAllowMethodsPreflightResponse),
        ),
        (
            "ACAH unparsable",
            put().header("X-Trace", "1"),
            Server::default().at(API, Some(good_preflight().header("Access-Control-Allow-Headers", "x-a;x-b")), acao(PAGE)),
            Some(InvalidAllowHeadersPreflightResponse),
        ),
        (
            "method not allowed",
            put(),
            Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Methods", "GET, POST")), acao(PAGE)),
            Some(MethodDisallowedByPreflightResponse),
        ),
        (
            "lower-case patch",
            RequestInit::get(API).method("patch"),
            Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Methods", "PATCH")), acao(PAGE)),
            Some(MethodDisallowedByPreflightResponse),
        ),
        (
            "Content-Type: application/json",
            RequestInit::get(API).method("POST").header("Content-Type", "application/json"),
            Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE)), acao(PAGE)),
            Some(HeaderDisallowedByPreflightResponse),
        ),
        (
            "Authorization",
            RequestInit::get(API).header("Authorization", "Bearer t"),
            Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Headers", "x-other")), acao(PAGE)),
            Some(HeaderDisallowedByPreflightResponse),
        ),
        (
            "redirect to a URL with credentials",
            RequestInit::get(API),
            Server::default()
                .at(API, None, ok(302).header("Location", "https://user:pw@api.example/next").header("Access-Control-Allow-Origin", PAGE))
                .at("https://api.example/next", None, acao(PAGE)),
            Some(RedirectContainsCredentials),
        ),
        (
            "ACAO missing on the redirect",
            RequestInit::get(API),
            Server::default().at(API, None, ok(307).header("Location", "/next")).at("https://api.example/next", None, acao(PAGE)),
            Some(MissingAllowOriginHeader),
        ),
    ]
}

#[test]
fn every_reachable_cors_error_gets_a_verified_fix() {
    let mut reached = BTreeSet::new();
    for (name, init, server, want) in cases() {
        eprintln!("case: {name}");
        fixed(&Profile::CHROMIUM, page(), &init, &server, want);
        reached.extend(want);
    }
    // Chromium never reports these two from a fetch corsim can model.
    let unreachable = BTreeSet::from([CorsError::InvalidResponse, CorsError::CorsDisabledScheme]);
    let all: BTreeSet<_> = CorsError::ALL.into_iter().collect();
    assert_eq!(all.difference(&reached).copied().collect::<BTreeSet<_>>(), unreachable);
}

#[test]
fn every_case_is_fixed_in_every_profile() {
    for browser in Browser::ALL {
        for (name, init, server, _) in cases() {
            let e = explain(browser.profile(), page(), &init, |r| server.answer(r));
            if let Some(fix) = &e.fix {
                assert_eq!(fix.verified, Some(true), "{name} in {browser:?}:\n{e}");
            }
        }
    }
}

#[test]
fn missing_allow_origin_adds_the_page_origin_and_vary() {
    let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API), &Server::default().at(API, None, ok(200)), None);
    assert_eq!(change(&e, false, "Access-Control-Allow-Origin"), Some(PAGE));
    assert_eq!(change(&e, false, "Vary"), Some("Origin"));
    assert_eq!(change(&e, false, "Access-Control-Allow-Credentials"), None, "no credentials, no ACAC");
}

#[test]
fn vary_keeps_what_is_there() {
    let server = Server::default().at(API, None, ok(200).header("Vary", "Accept-Encoding"));
    let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API), &server, None);
    assert_eq!(change(&e, false, "Vary"), Some("Accept-Encoding, Origin"));
}

#[test]
fn wildcard_with_credentials_becomes_the_origin_and_true() {
    let init = RequestInit::get(API).credentials(CredentialsMode::Include);
    let e = fixed(&Profile::CHROMIUM, page(), &init, &Server::default().at(API, None, acao("*")), None);
    assert_eq!(change(&e, false, "Access-Control-Allow-Origin"), Some(PAGE));
    assert_eq!(change(&e, false, "Access-Control-Allow-Credentials"), Some("true"));
    let fix = e.fix.unwrap();
    let express = &fix.configs.iter().find(|c| c.server.starts_with("Express")).unwrap().snippet;
    assert!(express.contains("credentials: true") && !express.contains("origin: '*'"), "{express}");
}

#[test]
fn duplicate_allow_origin_blames_two_layers() {
    let server = Server::default().at(API, None, acao(PAGE).header("access-control-allow-origin", PAGE));
    let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API), &server, None);
    let fix = e.fix.unwrap();
    assert!(fix.steps[0].why.contains("reverse proxy"), "{}", fix.steps[0].why);
    // Each configuration says to drop the other layer's copy, and runs with it dropped.
    for c in &fix.configs {
        assert!(c.changes.iter().any(|x| x.contains("exactly one layer may send it")), "{}: {:?}", c.library, c.changes);
        assert_eq!(c.verified, Some(true), "{}: {}", c.library, c.verification);
    }
}

#[test]
fn origin_mismatches_say_what_differs() {
    for (value, says) in [
        ("https://app.example/", "trailing slash"),
        ("http://app.example", "scheme differs"),
        ("https://app.example:8443", "port differs"),
        ("HTTPS://APP.EXAMPLE", "letter case"),
    ] {
        let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API), &Server::default().at(API, None, acao(value)), None);
        let why = &e.fix.unwrap().steps[0].why;
        assert!(why.contains(says), "{value}: {why}");
    }
    let local = Origin::parse("http://127.0.0.1:8001").unwrap();
    let init = RequestInit::get("http://127.0.0.1:8002/x");
    let server = Server::default().at("http://127.0.0.1:8002/x", None, acao("http://localhost:8001"));
    let e = explain(&Profile::CHROMIUM, local, &init, |r| server.answer(r));
    let fix = e.fix.unwrap();
    assert!(fix.steps[0].why.contains("localhost and 127.0.0.1 are different hosts"), "{}", fix.steps[0].why);
    assert_eq!(fix.verified, Some(true));
}

#[test]
fn preflight_refused_by_auth_says_so() {
    let server = Server::default().at(API, Some(ok(401)), acao(PAGE));
    let e = fixed(&Profile::CHROMIUM, page(), &put(), &server, None);
    let fix = e.fix.unwrap();
    let refused = fix.steps.iter().find(|s| s.failure == "PreflightInvalidStatus").unwrap();
    assert!(refused.why.contains("never carries cookies"), "{}", refused.why);
    let status = fix.patches.iter().find(|p| p.preflight).and_then(|p| p.status.as_ref()).unwrap();
    assert_eq!((status.from, status.to), (401, 204));
}

#[test]
fn methods_and_headers_are_added_to_what_is_listed() {
    let server = Server::default().at(
        API,
        Some(ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Methods", "GET, POST")),
        acao(PAGE),
    );
    let init = put().header("Content-Type", "application/json").header("X-Trace", "1");
    let e = fixed(&Profile::CHROMIUM, page(), &init, &server, None);
    assert_eq!(change(&e, true, "Access-Control-Allow-Methods"), Some("GET, POST, PUT"));
    assert_eq!(change(&e, true, "Access-Control-Allow-Headers"), Some("content-type, x-trace"));
    assert!(e.classification.headers.iter().any(|h| h.name == "content-type" && h.why.contains("application/json")));
}

#[test]
fn methods_are_case_sensitive() {
    let server = Server::default()
        .at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Methods", "PATCH")), acao(PAGE));
    // The server allows PATCH; the page sends `patch` as written. No
    // configuration allows a lower-case method (servers refuse it), so the
    // fix is in the page, and nothing else is needed.
    let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API).method("patch"), &server, None);
    let fix = e.fix.as_ref().unwrap();
    let request_change = fix.request_change.as_ref().unwrap();
    assert_eq!(request_change.method.as_deref(), Some("PATCH"));
    assert!(request_change.why[0].contains("as written"), "{:?}", request_change.why);
    assert!(fix.patches.is_empty(), "{:?}", fix.patches);
    assert_eq!(fix.verified, Some(true));
    // Without the server's PATCH, the configurations allow PATCH, and each
    // passes when its model runs the fetch with PATCH.
    let e = explain(&Profile::CHROMIUM, page(), &RequestInit::get(API).method("patch"), |_| HttpResponse::new(200));
    let fix = e.fix.unwrap();
    assert_eq!(fix.request_change.and_then(|c| c.method).as_deref(), Some("PATCH"));
    assert_eq!(fix.configs.len(), 11);
    for c in &fix.configs {
        assert_eq!(c.verified, Some(true), "{}: {}", c.library, c.verification);
        assert!(!c.snippet.contains("'patch'") && !c.snippet.contains("\"patch\""), "{}", c.snippet);
    }
}

#[test]
fn authentication_before_the_cors_layer_is_a_change_no_option_makes() {
    let server = Server::default().at(API, Some(ok(401)), ok(200));
    let init = RequestInit::get(API).method("PUT").header("X-Trace", "1");
    let e = explain(&Profile::CHROMIUM, page(), &init, |r| server.answer(r));
    let fix = e.fix.unwrap();
    for c in &fix.configs {
        assert_eq!(c.changes.len(), 1, "{}: {:?}", c.library, c.changes);
        assert_eq!(c.verified, Some(true), "{}: {}", c.library, c.verification);
        assert!(c.verification.starts_with("as deployed, no option of"), "{}", c.verification);
    }
    let flask = fix.configs.iter().find(|c| c.library == "flask-cors").unwrap();
    assert!(flask.changes[0].contains("before_request"), "{:?}", flask.changes);
}

#[test]
fn a_trailing_slash_redirect_before_the_cors_layer_is_fixed_in_the_page() {
    let slashed = "https://api.example/items/";
    let server = Server::default()
        .at(API, Some(ok(308).header("Location", slashed)), ok(308).header("Location", slashed))
        .at(slashed, Some(ok(200)), ok(200));
    let init = RequestInit::get(API).method("PUT");
    let e = explain(&Profile::CHROMIUM, page(), &init, |r| server.answer(r));
    let fix = e.fix.unwrap();
    let flask = fix.configs.iter().find(|c| c.library == "flask-cors").unwrap();
    assert!(flask.changes[0].contains("strict_slashes=False"), "{:?}", flask.changes);
    assert_eq!(flask.verified, Some(true), "{}", flask.verification);
    assert!(flask.verification.contains("PreflightDisallowedRedirect"), "{}", flask.verification);
}

#[test]
fn wildcard_headers_never_cover_authorization_in_the_standard() {
    let server = Server::default()
        .at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Headers", "*")), acao(PAGE));
    let init = RequestInit::get(API).header("Authorization", "Bearer t");
    let e = fixed(&Profile::SPEC, page(), &init, &server, Some(CorsError::HeaderDisallowedByPreflightResponse));
    assert!(e.fix.as_ref().unwrap().steps[0].why.contains("never covers Authorization"));
    assert_eq!(change(&e, true, "Access-Control-Allow-Headers"), Some("*, authorization"));
}

#[test]
fn a_redirected_preflight_is_answered_in_place() {
    let server = Server::default().at(API, Some(ok(308).header("Location", "https://api.example/items/")), acao(PAGE));
    let e = fixed(&Profile::CHROMIUM, page(), &put(), &server, None);
    let fix = e.fix.unwrap();
    assert!(fix.steps[0].why.contains("trailing slash"), "{}", fix.steps[0].why);
    let p = fix.patches.iter().find(|p| p.preflight).unwrap();
    assert_eq!(p.status.as_ref().map(|s| s.to), Some(204));
    assert!(p.headers.iter().any(|c| c.name == "Location" && c.to.is_none()));
}

#[test]
fn credentials_in_a_redirect_are_dropped_from_location() {
    let server = Server::default()
        .at(API, None, ok(302).header("Location", "https://user:pw@api.example/next").header("Access-Control-Allow-Origin", PAGE))
        .at("https://api.example/next", None, acao(PAGE));
    let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API), &server, Some(CorsError::RedirectContainsCredentials));
    assert_eq!(change(&e, false, "Location"), Some("https://api.example/next"));
    assert!(e.fix.unwrap().configs.is_empty(), "a Location fix is no CORS configuration");
}

#[test]
fn a_tainted_origin_gets_star_without_credentials_and_a_direct_request_with() {
    // api.example redirects to cdn.example: the request's origin becomes null.
    let cdn = "https://cdn.example/file";
    let server = Server::default().at(API, None, ok(302).header("Location", cdn).header("Access-Control-Allow-Origin", PAGE)).at(cdn, None, acao(PAGE));
    let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API), &server, Some(CorsError::AllowOriginMismatch));
    assert_eq!(change(&e, false, "Access-Control-Allow-Origin"), Some("*"));
    let init = RequestInit::get(API).credentials(CredentialsMode::Include);
    let server = Server::default()
        .at(API, None, ok(302).header("Location", cdn).header("Access-Control-Allow-Origin", PAGE).header("Access-Control-Allow-Credentials", "true"))
        .at(cdn, None, acao(PAGE).header("Access-Control-Allow-Credentials", "true"));
    let e = fixed(&Profile::CHROMIUM, page(), &init, &server, Some(CorsError::AllowOriginMismatch));
    let fix = e.fix.unwrap();
    assert_eq!(fix.request_change.as_ref().and_then(|c| c.url.as_deref()), Some(cdn));
}

#[test]
fn a_sandboxed_page_with_credentials_gets_advice_not_null() {
    let server = Server::default().at(API, None, acao("*"));
    let init = RequestInit::get(API).credentials(CredentialsMode::Include);
    let e = explain(&Profile::CHROMIUM, Origin::Opaque, &init, |r| server.answer(r));
    let fix = e.fix.unwrap();
    assert_eq!(fix.verified, Some(false));
    assert!(fix.patches.is_empty());
    assert!(fix.notes[0].contains("do not send it"), "{:?}", fix.notes);
}

#[test]
fn no_cors_opaque_becomes_cors() {
    let e = fixed(&Profile::CHROMIUM, page(), &RequestInit::get(API).mode(Mode::NoCors), &Server::default().at(API, None, ok(200)), None);
    assert_eq!(e.result.response.as_ref().map(|r| r.kind), Some(ResponseType::Opaque));
    let fix = e.fix.unwrap();
    assert_eq!(fix.request_change.as_ref().and_then(|c| c.mode), Some(Mode::Cors));
    assert_eq!(fix.patches.len(), 1);
}

#[test]
fn type_errors_get_advice() {
    let e = explain(&Profile::CHROMIUM, page(), &RequestInit::get(API).method("TRACE"), |_| ok(200));
    assert_eq!(e.classification.kind, RequestKind::NotSent);
    let fix = e.fix.unwrap();
    assert_eq!(fix.verified, Some(false));
    assert!(fix.notes[0].contains("TRACE"));
}

#[test]
fn unverified_from_a_verdict() {
    let server = Server::default().at(API, None, ok(200));
    let verdict = run(&Profile::CHROMIUM, page(), &RequestInit::get(API), &mut PreflightCache::new(), Timestamp::ZERO, |r| server.answer(r));
    let e = Explanation::from_verdict(&Profile::CHROMIUM, &page(), &RequestInit::get(API), &verdict, &[ok(200)]);
    let fix = e.fix.unwrap();
    assert_eq!(fix.verified, None);
    assert_eq!(fix.patches[0].headers[0].to.as_deref(), Some(PAGE));
}

#[test]
fn checks_follow_the_profile_order() {
    // Chromium and Firefox check the origin before the status (recorded);
    // WebKit the status first.
    let server = Server::default().at(API, Some(ok(404)), acao(PAGE));
    for profile in [&Profile::CHROMIUM, &Profile::FIREFOX] {
        let e = explain(profile, page(), &put(), |r| server.answer(r));
        let Step::Exchange(x) = e.timeline.iter().find(|s| matches!(s, Step::Exchange(_))).unwrap() else { unreachable!() };
        assert_eq!((x.checks[0].check, x.checks[0].state), (CheckName::AllowOrigin, CheckState::Failed));
        assert_eq!((x.checks[1].check, x.checks[1].state), (CheckName::Status, CheckState::NotReached));
    }
    let e = explain(&Profile::WEBKIT, page(), &put(), |r| server.answer(r));
    let Step::Exchange(x) = e.timeline.iter().find(|s| matches!(s, Step::Exchange(_))).unwrap() else { unreachable!() };
    assert_eq!((x.checks[0].check, x.checks[0].state), (CheckName::Status, CheckState::Failed));
}

#[test]
fn the_text_has_every_part() {
    let server = Server::default().at(API, Some(ok(204).header("Access-Control-Allow-Origin", PAGE)), acao(PAGE));
    let e = explain(&Profile::CHROMIUM, page(), &put(), |r| server.answer(r));
    let text = e.to_string();
    for part in ["Classification", "OPTIONS /items HTTP/1.1", "✗ Access-Control-Allow-Methods", "Console", "Fix", "✓ verified", "Configuration: nginx"] {
        assert!(text.contains(part), "{part} missing from:\n{text}");
    }
    assert!(!text.contains('\x1b'));
}
