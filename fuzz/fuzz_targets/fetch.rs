//! Input: a page origin, a `fetch()` call (URL, method, headers, mode,
//! credentials, redirect mode) and a server's responses (status and
//! arbitrary header bytes), cycled over the requests the browser sends.
//! Checks, through the whole `Fetch` state machine, in every browser: no
//! panic; it ends within the redirect limit; the verdict is deterministic
//! and repeated by `poll` once done; `*` never shares a credentialed
//! response; a `cors` response shows only headers it has, never
//! `Set-Cookie`; every preflight is an `OPTIONS` carrying `Origin` and
//! `Access-Control-Request-Method`; every request converts to an
//! `http::Request` or says why not; a second fetch sharing the preflight
//! cache later on does not panic either.
#![no_main]

use arbitrary::Arbitrary;
use corsim::harness::to_http_request;
use corsim::{
    Action, Browser, CredentialsMode, CrossOrigin, Fetch, HttpResponse, Initiator, Mode, Origin, PreflightCache, RedirectMode, RequestInit,
    ResponseType, Timestamp, Verdict,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    browser: u8,
    origin: u8,
    url: u8,
    url_text: String,
    method: String,
    headers: Vec<(String, String)>,
    mode: u8,
    credentials: u8,
    redirect: u8,
    initiator: u8,
    crossorigin: u8,
    upload_listener: bool,
    responses: Vec<Response>,
    later_ms: u32,
}

#[derive(Arbitrary, Debug, Clone)]
struct Response {
    status: u16,
    headers: Vec<(u8, Vec<u8>)>,
}

const NAMES: [&str; 10] = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Location",
    "Set-Cookie",
    "Vary",
    "X-Total",
];

fn response(r: &Response) -> HttpResponse {
    let mut out = HttpResponse::new(r.status);
    for (n, v) in &r.headers {
        out.headers.append(NAMES[usize::from(*n) % NAMES.len()], v.clone());
    }
    out
}

fn drive(input: &Input, fetch: &mut Fetch, cache: &mut PreflightCache, now: Timestamp, limit: usize) -> (Verdict, Vec<HttpResponse>) {
    let mut sent = Vec::new();
    for i in 0.. {
        match fetch.poll(cache, now) {
            Action::Send(request) => {
                assert!(i < limit, "more requests than the redirect limit allows");
                if request.is_preflight {
                    assert_eq!(request.method, "OPTIONS");
                    assert!(request.headers.contains("origin") && request.headers.contains("access-control-request-method"));
                }
                let _ = to_http_request::<Vec<u8>>(&request);
                let r = input.responses.get(i % input.responses.len().max(1)).map(response).unwrap_or_else(|| HttpResponse::new(200));
                sent.push(r.clone());
                fetch.receive(r);
            }
            Action::Done(v) => return (v, sent),
        }
    }
    unreachable!()
}

fuzz_target!(|input: Input| {
    let profile = Browser::ALL[usize::from(input.browser) % Browser::ALL.len()].profile();
    let origin = match input.origin % 4 {
        0 => Origin::parse("https://app.example").unwrap(),
        1 => Origin::parse("http://127.0.0.1:8001").unwrap(),
        2 => Origin::Opaque,
        _ => Origin::parse("https://api.example").unwrap(),
    };
    let url = match input.url % 4 {
        0 => "https://api.example/items".to_owned(),
        1 => "http://127.0.0.1:8002/a".to_owned(),
        2 => "https://app.example/same".to_owned(),
        _ => input.url_text.clone(),
    };
    let init = RequestInit {
        url,
        method: input.method.clone(),
        headers: input.headers.clone(),
        mode: [Mode::Cors, Mode::NoCors, Mode::SameOrigin][usize::from(input.mode) % 3],
        credentials: [CredentialsMode::Omit, CredentialsMode::SameOrigin, CredentialsMode::Include][usize::from(input.credentials) % 3],
        redirect: [RedirectMode::Follow, RedirectMode::Error, RedirectMode::Manual][usize::from(input.redirect) % 3],
        initiator: Initiator::ALL[usize::from(input.initiator) % Initiator::ALL.len()],
        crossorigin: [None, Some(CrossOrigin::Anonymous), Some(CrossOrigin::UseCredentials)][usize::from(input.crossorigin) % 3],
        upload_listener: input.upload_listener,
        ..RequestInit::default()
    };
    // A preflight and a request per URL, for the first URL and each redirect.
    let limit = 2 * (profile.redirect_limit as usize + 1);
    let mut cache = PreflightCache::new();
    let mut fetch = Fetch::new(profile, origin.clone(), &init);
    let (verdict, sent) = drive(&input, &mut fetch, &mut cache, Timestamp::ZERO, limit);
    // An element never asks for a preflight, whatever the answers.
    if init.initiator.is_element() {
        assert!(verdict.requests.iter().all(|r| !r.is_preflight), "an element sent a preflight");
    }
    match fetch.poll(&mut cache, Timestamp::ZERO) {
        Action::Done(again) => assert_eq!(again, verdict, "poll repeats the verdict once done"),
        Action::Send(_) => panic!("a finished fetch asked to send"),
    }
    let mut fresh = Fetch::new(profile, origin.clone(), &init);
    let (replayed, _) = drive(&input, &mut fresh, &mut PreflightCache::new(), Timestamp::ZERO, limit);
    assert_eq!(replayed, verdict, "deterministic");

    if let Ok(filtered) = &verdict.outcome {
        assert!(!filtered.headers.iter().any(|h| h == "set-cookie" || h == "set-cookie2"));
        if filtered.kind == ResponseType::Cors {
            let last = sent.last().expect("a cors response answers a request");
            let acao = last.headers.get("access-control-allow-origin");
            if init.credentials == CredentialsMode::Include {
                assert_ne!(acao.as_deref(), Some(&b"*"[..]), "`*` shared a credentialed response");
            }
            for h in &filtered.headers {
                assert!(last.headers.contains(h), "{h} is shown but not in the response");
            }
        }
        if matches!(filtered.kind, ResponseType::Opaque | ResponseType::OpaqueRedirect) {
            assert!(filtered.headers.is_empty() && filtered.status == 0);
        }
    }

    // The same page fetches again later, with what the cache kept.
    let later = Timestamp::from_millis(u64::from(input.later_ms));
    let mut second = Fetch::new(profile, origin, &init);
    let _ = drive(&input, &mut second, &mut cache, later, limit);
});
