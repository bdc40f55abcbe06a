//! The strategies generate what they say: simple requests never preflight,
//! preflighted ones always do, other origins are never allowed ones, and the
//! engine's invariants hold over servers' header sets.

use corsim::fetch::{run, Event, Route};
use corsim::strategies::{
    cors_response, fetch_request, look_alike, origin, origin_text, other_origin, preflighted_request, simple_request,
};
use corsim::{CredentialsMode, HttpResponse, Origin, PreflightCache, Profile, Timestamp};
use proptest::prelude::*;

fn route(init: &corsim::RequestInit) -> Route {
    let page = Origin::parse("https://app.example").unwrap();
    let v = run(&Profile::CHROMIUM, page, init, &mut PreflightCache::new(), Timestamp::ZERO, |_| HttpResponse::new(500));
    v.events
        .iter()
        .find_map(|e| match e {
            Event::Routed { route, .. } => Some(route.clone()),
            _ => None,
        })
        .expect("routed")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn simple_requests_need_no_preflight(init in simple_request("https://api.example/x")) {
        prop_assert_eq!(route(&init), Route::Simple, "{:?}", init);
    }

    #[test]
    fn preflighted_requests_need_one(init in preflighted_request("https://api.example/x")) {
        prop_assert!(matches!(route(&init), Route::Preflight { .. }), "{:?}", init);
    }

    #[test]
    fn origins_are_serialized_as_browsers_do(text in origin_text(), o in origin()) {
        let parsed = Origin::parse(&text).unwrap();
        prop_assert_eq!(parsed.serialize(), parsed.serialize().to_ascii_lowercase());
        prop_assert!(!parsed.serialize().ends_with('/'));
        prop_assert!(!o.serialize().ends_with(":443") || o.serialize().starts_with("http://"));
    }

    #[test]
    fn other_origins_are_never_allowed(o in other_origin(&[Origin::parse("https://app.example").unwrap(), Origin::parse("http://localhost:3000").unwrap()])) {
        prop_assert!(o.serialize() != "https://app.example" && o.serialize() != "http://localhost:3000");
    }

    #[test]
    fn look_alikes_differ(o in look_alike(&Origin::parse("https://www.example.com").unwrap())) {
        prop_assert_ne!(o.serialize(), "https://www.example.com");
    }

    /// Over servers' header sets: deterministic, and `*` never shares a
    /// credentialed response, in every browser.
    #[test]
    fn engine_invariants(b in prop::sample::select(corsim::Browser::ALL.to_vec()), init in fetch_request("https://api.example/x"),
                         pre in cors_response(&Origin::parse("https://app.example").unwrap()),
                         actual in cors_response(&Origin::parse("https://app.example").unwrap())) {
        let page = Origin::parse("https://app.example").unwrap();
        let go = || run(b.profile(), page.clone(), &init, &mut PreflightCache::new(), Timestamp::ZERO,
            |r| if r.is_preflight { pre.clone() } else { actual.clone() });
        let v = go();
        prop_assert_eq!(&v, &go());
        if v.is_ok() && init.credentials == CredentialsMode::Include {
            let acao = actual.headers.get("access-control-allow-origin");
            prop_assert_ne!(acao.as_deref(), Some(&b"*"[..]));
        }
    }
}
