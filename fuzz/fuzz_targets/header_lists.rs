//! Input: arbitrary header values and a request (method, headers,
//! credentials) plus a preflight response (status, `Access-Control-Allow-*`).
//! Checks: the list parsers never panic and return tokens only; the
//! preflight check never panics, never passes `*` with credentials, and
//! only passes a method that is safelisted, listed, or covered by `*`
//! without credentials; `Access-Control-Max-Age` stays under the cap; the
//! CORS-unsafe header names are sorted, unique and lower-case.
#![no_main]

use arbitrary::Arbitrary;
use corsim::header_list::{get_decode_split, is_token, parse_token_list, HeaderList, ListTrim};
use corsim::preflight::{check_preflight_response, PreflightFor};
use corsim::preflight_cache::max_age;
use corsim::request_header::cors_unsafe_request_header_names;
use corsim::response::{exposed_header_names, readable_header_names, ResponseType};
use corsim::{Browser, CredentialsMode, HttpResponse};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    browser: u8,
    list: Vec<u8>,
    method: String,
    request_headers: Vec<(Vec<u8>, Vec<u8>)>,
    include: bool,
    status: u16,
    allow_origin: Option<Vec<u8>>,
    allow_credentials: Option<Vec<u8>>,
    allow_methods: Option<Vec<u8>>,
    allow_headers: Option<Vec<u8>>,
    expose_headers: Option<Vec<u8>>,
    max_age: Option<Vec<u8>>,
}

fuzz_target!(|input: Input| {
    let profile = Browser::ALL[usize::from(input.browser) % Browser::ALL.len()].profile();
    for trim in [ListTrim::TabOrSpace, ListTrim::HttpWhitespace] {
        match parse_token_list(&input.list, trim) {
            Ok(tokens) => assert!(tokens.iter().all(|t| is_token(t))),
            Err(bad) => assert!(!bad.is_empty() && !is_token(bad)),
        }
    }
    let _ = get_decode_split(&input.list);

    let mut request_headers = HeaderList::new();
    for (n, v) in &input.request_headers {
        request_headers.append(n.clone(), v.clone());
    }
    let unsafe_names = cors_unsafe_request_header_names(profile, &request_headers);
    let names: Vec<&str> = unsafe_names.iter().collect();
    let mut canonical = names.clone();
    canonical.sort();
    // Firefox, as recorded, repeats a name sent twice.
    if profile.unique_preflight_header_names {
        canonical.dedup();
    }
    assert_eq!(names, canonical, "sorted (and unique where the browser dedups)");
    assert!(unsafe_names.iter().all(|n| *n == n.to_ascii_lowercase()));

    let mut response = HttpResponse::new(input.status);
    for (name, value) in [
        ("Access-Control-Allow-Origin", &input.allow_origin),
        ("Access-Control-Allow-Credentials", &input.allow_credentials),
        ("Access-Control-Allow-Methods", &input.allow_methods),
        ("Access-Control-Allow-Headers", &input.allow_headers),
        ("Access-Control-Expose-Headers", &input.expose_headers),
        ("Access-Control-Max-Age", &input.max_age),
    ] {
        if let Some(v) = value {
            response.headers.append(name, v.clone());
        }
    }
    let credentials = if input.include { CredentialsMode::Include } else { CredentialsMode::Omit };
    let origin = "https://app.example";
    let judged = check_preflight_response(
        profile,
        &PreflightFor {
            method: &input.method,
            headers: &request_headers,
            unsafe_names: &unsafe_names,
            credentials,
            serialized_origin: origin,
        },
        &response,
    );
    if let Ok(result) = judged {
        if input.include {
            assert_ne!(input.allow_origin.as_deref(), Some(&b"*"[..]), "`*` passed a credentialed preflight");
        }
        let safelisted = matches!(input.method.as_str(), "GET" | "HEAD" | "POST");
        let listed = result.methods.iter().any(|m| *m == input.method);
        let wildcard = !input.include && result.methods.iter().any(|m| m == "*");
        assert!(safelisted || listed || wildcard, "method {:?} passed without being allowed", input.method);
        if let Some(secs) = result.max_age_secs {
            assert!(secs <= profile.max_age.cap_secs);
        }
    }
    if let Some(secs) = max_age(profile, input.max_age.as_deref()) {
        assert!(secs <= profile.max_age.cap_secs);
    }
    let _ = exposed_header_names(profile, &response.headers, credentials);
    let names = readable_header_names(profile, ResponseType::Cors, &response.headers, credentials);
    assert!(names.iter().all(|n| n != "set-cookie" && n != "set-cookie2"));
});
