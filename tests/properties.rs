//! Invariants that hold for every input (proptest): nothing panics, verdicts
//! are deterministic, `*` never shares a credentialed response, the
//! preflight's header list is sorted, lower-case and unique, and no cache
//! entry outlives its max-age or the profile's cap.

use corsim::fetch::run;
use corsim::preflight_cache::{max_age, CacheKey, CacheQuery, PreflightCache, PreflightResult};
use corsim::{Browser, CredentialsMode, HttpResponse, Mode, Origin, RedirectMode, RequestInit, Timestamp};
use proptest::prelude::*;

fn any_byte_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..max).prop_map(|b| b.into_iter().map(char::from).collect())
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Content-Type".to_string()),
        Just("Accept".to_string()),
        Just("Authorization".to_string()),
        Just("Range".to_string()),
        Just("X-Test".to_string()),
        Just("x-test".to_string()),
        Just("Cookie".to_string()),
        Just("X-HTTP-Method-Override".to_string()),
        "[A-Za-z-]{1,12}",
        any_byte_string(8),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("application/json".to_string()),
        Just("text/plain".to_string()),
        Just("bytes=0-1".to_string()),
        Just("*".to_string()),
        Just("true".to_string()),
        "[ -~]{0,20}",
        any_byte_string(140),
    ]
}

fn request() -> impl Strategy<Value = RequestInit> {
    (
        prop_oneof![
            Just("http://127.0.0.1:8002/a".to_string()),
            Just("http://127.0.0.1:8001/a".to_string()),
            Just("https://[::1]/x".to_string()),
            "[ -~]{0,30}",
        ],
        prop_oneof![Just("GET".to_string()), Just("put".to_string()), Just("PATCH".to_string()), "[A-Za-z(]{0,8}"],
        prop::collection::vec((header_name(), header_value()), 0..5),
        prop_oneof![Just(Mode::Cors), Just(Mode::NoCors), Just(Mode::SameOrigin)],
        prop_oneof![Just(CredentialsMode::Omit), Just(CredentialsMode::SameOrigin), Just(CredentialsMode::Include)],
        prop_oneof![Just(RedirectMode::Follow), Just(RedirectMode::Error), Just(RedirectMode::Manual)],
    )
        .prop_map(|(url, method, headers, mode, credentials, redirect)| RequestInit {
            url,
            method,
            headers,
            mode,
            credentials,
            redirect,
            ..RequestInit::default()
        })
}

fn response() -> impl Strategy<Value = HttpResponse> {
    (
        prop_oneof![Just(200u16), Just(204), Just(302), Just(307), Just(404), 100u16..999],
        prop::collection::vec(
            (
                prop_oneof![
                    Just("Access-Control-Allow-Origin"),
                    Just("Access-Control-Allow-Credentials"),
                    Just("Access-Control-Allow-Methods"),
                    Just("Access-Control-Allow-Headers"),
                    Just("Access-Control-Expose-Headers"),
                    Just("Access-Control-Max-Age"),
                    Just("Location"),
                    Just("X-Other"),
                ],
                prop_oneof![
                    Just("*".to_string()),
                    Just("http://127.0.0.1:8001".to_string()),
                    Just("null".to_string()),
                    Just("true".to_string()),
                    Just("http://127.0.0.1:8003/b".to_string()),
                    header_value(),
                ],
            ),
            0..6,
        ),
    )
        .prop_map(|(status, headers)| {
            let mut r = HttpResponse::new(status);
            for (n, v) in headers {
                r.headers.append(n, v.chars().map(|c| c as u8).collect::<Vec<u8>>());
            }
            r
        })
}

fn browser() -> impl Strategy<Value = Browser> {
    prop_oneof![Just(Browser::Chromium), Just(Browser::Firefox), Just(Browser::WebKit), Just(Browser::Spec)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// No input panics, and the same inputs give the same verdict.
    #[test]
    fn total_and_deterministic(b in browser(), init in request(), responses in prop::collection::vec(response(), 1..4), null_origin in any::<bool>()) {
        let origin = if null_origin { Origin::Opaque } else { Origin::parse("http://127.0.0.1:8001").unwrap() };
        let go = || {
            let mut i = 0;
            run(b.profile(), origin.clone(), &init, &mut PreflightCache::new(), Timestamp::ZERO, |_| {
                let r = responses[i % responses.len()].clone();
                i += 1;
                r
            })
        };
        let first = go();
        prop_assert_eq!(&first, &go());
        prop_assert!(first.requests.len() <= 2 * 21, "never more requests than the browser would send");
    }

    /// `Access-Control-Allow-Origin: *` never shares a credentialed response.
    #[test]
    fn wildcard_never_shares_with_credentials(b in browser(), method in prop_oneof![Just("GET"), Just("PUT")], extra in prop::collection::vec(response(), 0..1)) {
        let init = RequestInit::get("http://127.0.0.1:8002/a").method(method).credentials(CredentialsMode::Include);
        let origin = Origin::parse("http://127.0.0.1:8001").unwrap();
        let verdict = run(b.profile(), origin, &init, &mut PreflightCache::new(), Timestamp::ZERO, |req| {
            let mut r = extra.first().cloned().unwrap_or_else(|| HttpResponse::new(200));
            r.headers.remove("access-control-allow-origin");
            r.headers.remove("location");
            r.headers.append("Access-Control-Allow-Origin", "*");
            r.headers.append("Access-Control-Allow-Credentials", "true");
            if req.is_preflight { r.headers.append("Access-Control-Allow-Methods", "*"); }
            r
        });
        prop_assert!(verdict.outcome.is_err());
    }

    /// The preflight's Access-Control-Request-Headers is sorted, lower-case and
    /// unique (Firefox, as recorded, repeats a name sent twice).
    #[test]
    fn preflight_header_list_is_canonical(b in browser(), headers in prop::collection::vec((header_name(), header_value()), 0..8)) {
        let mut init = RequestInit::get("http://127.0.0.1:8002/a").method("PUT");
        init.headers = headers;
        let origin = Origin::parse("http://127.0.0.1:8001").unwrap();
        let verdict = run(b.profile(), origin, &init, &mut PreflightCache::new(), Timestamp::ZERO, |_| HttpResponse::new(500));
        if let Some(pre) = verdict.requests.first().filter(|r| r.is_preflight) {
            if let Some(acrh) = pre.headers.get("access-control-request-headers") {
                let text = String::from_utf8_lossy(&acrh).into_owned();
                let names: Vec<&str> = text.split(',').collect();
                let mut canonical = names.clone();
                canonical.sort();
                if b.profile().unique_preflight_header_names {
                    canonical.dedup();
                }
                prop_assert_eq!(&names, &canonical);
                prop_assert!(names.iter().all(|n| !n.is_empty() && *n == n.to_ascii_lowercase()));
            }
        }
    }

    /// No entry outlives its max-age or the profile's cap.
    #[test]
    fn entries_expire(b in browser(), value in prop_oneof![any_byte_string(12), "[0-9]{1,12}"], after_ms in 0u64..100_000_000) {
        let profile = b.profile();
        let secs = max_age(profile, Some(value.chars().map(|c| c as u8).collect::<Vec<u8>>().as_slice()));
        let mut cache = PreflightCache::new();
        let key = CacheKey { origin: "http://o".into(), url: "http://u/".into(), credentials: profile.cache.separate_credentials.then_some(false) };
        let result = PreflightResult { methods: ["PUT"].into_iter().collect(), headers: corsim::TokenList::new(), credentials: false, max_age_secs: secs };
        cache.insert(profile, key.clone(), &result, Timestamp::ZERO);
        let query = CacheQuery { method: "PUT", unsafe_headers: &corsim::TokenList::new(), credentials: false };
        let hit = cache.lookup(profile, &key, &query, Timestamp::from_millis(after_ms)).is_ok();
        if hit {
            let secs = secs.unwrap_or(0);
            prop_assert!(secs <= profile.max_age.cap_secs);
            prop_assert!(after_ms < secs * 1000);
        }
    }
}

proptest! {
    /// A `TokenList` gives back exactly the items put in, in order; sorting
    /// it is sorting them (and dropping repeats when asked); its joined text
    /// is the items joined by `,`; a sorted list finds each of its items.
    #[test]
    fn token_list_is_a_list(items in prop::collection::vec("[!#$%&'*+.^_`|~0-9A-Za-z\u{80}-\u{ff}-]{0,6}", 0..40), dedup in any::<bool>()) {
        let list: corsim::TokenList = items.iter().collect();
        prop_assert_eq!(list.len(), items.len());
        prop_assert_eq!(list.iter().collect::<Vec<_>>(), items.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(list.iter().rev().collect::<Vec<_>>(), items.iter().rev().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(list.joined(), items.join(","));
        let mut sorted = list.clone();
        sorted.sort(dedup);
        let mut want = items.clone();
        want.sort();
        if dedup {
            want.dedup();
        }
        prop_assert_eq!(sorted.iter().collect::<Vec<_>>(), want.iter().map(String::as_str).collect::<Vec<_>>());
        for item in &items {
            prop_assert!(sorted.binary_search(item.as_bytes()).is_ok(), "{:?} not found in {:?}", item, sorted);
        }
        prop_assert!(sorted.binary_search(b"\xff\xff\xff\xff\xff\xff\xff").is_err());
    }
}

proptest! {
    /// A `Reader` that remembers page origins reads every line as a fresh
    /// parse does, whatever the order and repetition of origins (more of
    /// them than it remembers, and ones that do not parse).
    #[test]
    fn reader_reads_as_a_fresh_parse(picks in prop::collection::vec(0usize..12, 1..40)) {
        const ORIGINS: [&str; 12] = [
            "https://a.example", "https://b.example", "http://c.example:8080", "https://d.example",
            "https://e.example", "https://f.example", "https://g.example", "https://h.example",
            "https://i.example", "null", "https://bad example", "https://A.EXAMPLE:443",
        ];
        let mut reader = corsim::scenario::Reader::new();
        for i in picks {
            let line = format!(r#"{{"origin":"{}","steps":[{{"request":{{"url":"https://api.example/x"}}}}]}}"#, ORIGINS[i]);
            let fresh = corsim::scenario::Scenario::parse(&line);
            let read = reader.parse(&line);
            match (fresh, read) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a.origin, b.origin),
                (Err(a), Err(b)) => prop_assert_eq!(a.1.to_string(), b.1.to_string()),
                (a, b) => prop_assert!(false, "{:?} against {:?}", a.map(|s| s.origin), b.map(|s| s.origin)),
            }
        }
    }
}

proptest! {
    /// The names script may read from a basic response, and a request's
    /// CORS-unsafe names, are the header names with each byte one character
    /// (non-ASCII bytes included), ASCII-lower-cased, sorted and unique:
    /// the lists built as bytes and sorted before decoding say the same as
    /// decoding each name first.
    #[test]
    fn name_lists_are_the_names_decoded_and_sorted(
        names in prop::collection::vec(prop::collection::vec(prop_oneof![
            Just(b'X'), Just(b'x'), Just(b'-'), Just(b'a'), 0x80u8..=0xff, any::<u8>(),
        ], 1..6), 0..24),
    ) {
        let mut headers = corsim::HeaderList::new();
        for name in &names {
            headers.append(name, "v");
        }
        let decoded = |name: &[u8]| name.iter().map(|&b| char::from(b.to_ascii_lowercase())).collect::<String>();
        let mut want: Vec<String> = names.iter().map(|n| decoded(n)).filter(|n| n != "set-cookie" && n != "set-cookie2").collect();
        want.sort();
        want.dedup();
        let readable = corsim::response::readable_header_names(
            &corsim::Profile::CHROMIUM, corsim::ResponseType::Basic, &headers, CredentialsMode::Omit,
        );
        prop_assert_eq!(readable.iter().collect::<Vec<_>>(), want.iter().map(String::as_str).collect::<Vec<_>>());
        // Every name here is unsafe (none is a safelisted name with value "v").
        // Firefox keeps repeated names; the standard drops them.
        let mut want: Vec<String> = names.iter().map(|n| decoded(n)).collect();
        want.sort();
        let firefox = corsim::request_header::cors_unsafe_request_header_names(&corsim::Profile::FIREFOX, &headers);
        prop_assert_eq!(firefox.iter().collect::<Vec<_>>(), want.iter().map(String::as_str).collect::<Vec<_>>());
        want.dedup();
        let spec = corsim::request_header::cors_unsafe_request_header_names(&corsim::Profile::SPEC, &headers);
        prop_assert_eq!(spec.iter().collect::<Vec<_>>(), want.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(spec.joined(), want.join(","));
    }
}

/// Lines of the recorded corpora with URLs on many hosts (loopback with
/// ports, names, IPv6, redirects to other hosts), read once for the test below.
fn corpus_lines() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        ["chromium-156-public.jsonl", "wpt-firefox-153.jsonl", "checks-webkit-2.50.6.jsonl", "initiators-chromium-156.jsonl"]
            .iter()
            .flat_map(|file| {
                let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
                text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect::<Vec<_>>()
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A `Reader` simulating line after line (its URL parser remembering
    /// the hosts of earlier lines) gives each line the verdict that line
    /// gets alone, in any order.
    #[test]
    fn reader_simulates_as_a_fresh_parse(picks in prop::collection::vec(any::<prop::sample::Index>(), 1..60)) {
        let lines = corpus_lines();
        let mut reader = corsim::scenario::Reader::new();
        for pick in picks {
            let line = &lines[pick.index(lines.len())];
            let Ok(scenario) = reader.parse(line) else { continue };
            prop_assert_eq!(reader.simulate(&scenario, None), scenario.simulate(None), "{}", line);
        }
    }
}
