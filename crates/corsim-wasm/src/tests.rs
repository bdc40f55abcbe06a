//! Native tests of the pure-Rust half: the verdicts are the core's, the
//! corpora fit the TypeScript `Scenario` type's serde twin, and bad input
//! gets errors that name the field. (The JavaScript boundary is tested
//! by the wasm-bindgen tests in `tests/` and the Node tests in `js-tests/`.)

use std::path::PathBuf;

use serde_json::{json, Value};

use super::*;

fn corpus_lines() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/corpus") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("corpus file");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            out.push((format!("{name}:{}", n + 1), line.to_owned()));
        }
    }
    assert!(out.len() >= 600, "the corpora are there");
    out
}

/// `simulate` gives the core's verdict, for every recorded scenario.
#[test]
fn simulate_is_the_core_verdict() {
    for (at, line) in corpus_lines() {
        let value: Value = serde_json::from_str(&line).unwrap();
        let core = corsim::scenario::Scenario::from_value(&value).unwrap().simulate(None);
        assert_eq!(simulate_text(&line, None).unwrap(), core, "{at}");
    }
}

#[test]
fn simulate_line_is_what_corsim_run_writes() {
    let (_, line) = corpus_lines().into_iter().next().unwrap();
    let value: Value = serde_json::from_str(&line).unwrap();
    let core = corsim::scenario::Scenario::from_value(&value).unwrap().simulate(None);
    assert_eq!(simulate_line(&line, None), serde_json::to_string(&core).unwrap());
    assert_eq!(simulate_line("{\"id\":\"x\"}", None), r#"{"id":"x","error":"origin: missing"}"#);
}

fn scenario(request: Value) -> Value {
    json!({"id": "t", "origin": "https://app.example", "steps": [{"at_ms": 0, "request": request}],
           "server": {"https://api.example/x": {"actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}}})
}

#[test]
fn bad_input_names_the_field() {
    let err = |v: Value| simulate_text(&v.to_string(), None).unwrap_err();
    assert_eq!(simulate_text("{", None).unwrap_err().field, "scenario");
    assert_eq!(err(json!(5)).field, "scenario");
    assert_eq!(err(json!({"steps": []})).field, "origin");
    assert_eq!(err(scenario(json!({"method": "GET"}))).field, "steps[0].request.url");
    assert_eq!(err(scenario(json!({"url": 5}))).field, "steps[0].request.url");
    let e = err(scenario(json!({"url": "https://api.example/x", "headers": [["X-A", "\u{263A}"]]})));
    assert_eq!(e.field, "steps[0].request.headers[0][1]");
    assert!(e.to_string().contains("U+00FF"), "{e}");
    assert_eq!(err(scenario(json!({"url": "https://api.example/x", "mode": "nope"}))).field, "steps[0].request.mode");
    // And a good one right after.
    let ok = simulate_text(&scenario(json!({"url": "https://api.example/x"})).to_string(), None).unwrap();
    assert_eq!(ok.steps[0].result.kind, "cors");
}

#[test]
fn profile_option() {
    assert_eq!(parse_profile_option(&json!({"profile": "webkit"}), "options").unwrap(), Some(Browser::WebKit));
    assert_eq!(parse_profile_option(&Value::Null, "options").unwrap(), None);
    assert_eq!(parse_profile_option(&json!({"profile": "chrome"}), "options").unwrap_err().field, "options.profile");
    assert_eq!(parse_profile_option(&json!({"profile": 1}), "options").unwrap_err().field, "options.profile");
    assert_eq!(parse_profile_option(&json!({"profil": "spec"}), "options").unwrap_err().field, "options.profil");
    assert_eq!(parse_profile_option(&json!([]), "options").unwrap_err().field, "options");
}

#[test]
fn fetch_arguments_and_responses() {
    let origin = Origin::parse("https://app.example").unwrap();
    let e = parse_request_arg(&json!({"url": "https://a.example/", "headers": [["A", 1]]})).unwrap_err();
    assert_eq!(e.field, "request.headers[0][1]");
    assert_eq!(parse_request_arg(&json!(5)).unwrap_err().field, "request");
    let e = parse_server_arg(&origin, &json!({"https://a.example/": {"actual": {}}})).unwrap_err();
    assert!(e.field.starts_with("server["), "{e}");
    assert_eq!(parse_request_arg(&Value::Null).unwrap_err().field, "request");
    let e = parse_response_value(&json!({"status": 42}), "server(requests[0])").unwrap_err();
    assert_eq!(e.field, "server(requests[0]).status");
    let e = parse_response_value(&json!({"status": 200, "headers": [["A", "\u{100}"]]}), "r").unwrap_err();
    assert_eq!(e.field, "r.headers[0][1]");
    let r = parse_response_value(&json!({"status": 204, "headers": [["A", "\u{ff}"]]}), "r").unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(r.headers.get("a").unwrap(), vec![0xff]);
    assert_eq!(parse_millis(Some(1.9), "nowMs").unwrap(), 1);
    assert_eq!(parse_millis(Some(-1.0), "nowMs").unwrap_err().field, "nowMs");
    assert_eq!(parse_millis(Some(f64::NAN), "nowMs").unwrap_err().field, "nowMs");
    assert_eq!(parse_millis(None, "nowMs").unwrap_err().field, "nowMs");
}

#[test]
fn cache_entries_expire() {
    let origin = Origin::parse("https://app.example").unwrap();
    let mut page = Page { browser: Browser::Chromium, origin: origin.clone(), context: PageContext::default(), cache: PreflightCache::new() };
    let request = json!({"url": "https://api.example/x", "method": "PUT"});
    let server = json!({"https://api.example/x": {
        "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example"],
                                                 ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Max-Age", "60"]]},
        "actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example"]]}}});
    let scenario = parse_server_arg(&origin, &server).unwrap();
    let init = parse_request_arg(&request).unwrap();
    let v = corsim::fetch::run(
        page.browser.profile(),
        origin,
        &init,
        &mut page.cache,
        Timestamp::from_millis(1_000),
        |r| scenario.answer(r),
    );
    assert!(v.is_ok());
    let entries = page.cache_entries_at(1_000);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].url, "https://api.example/x");
    assert_eq!(entries[0].methods[0].token, "PUT");
    assert_eq!(entries[0].expires_ms, 61_000.0);
    assert_eq!(entries[0].expires_in_ms, 60_000.0);
    assert!(page.cache_entries_at(61_000).is_empty());
}

/// The JavaScript verdict carries the core's trace and failure in the core's
/// serde shape (camelCase where the `Page` API is).
#[test]
fn fetch_verdict_is_the_core_verdict() {
    let origin = Origin::parse("https://app.example").unwrap();
    let init = parse_request_arg(&json!({"url": "https://api.example/x", "method": "PUT", "credentials": "include",
        "headers": [["Content-Type", "application/json"]]})).unwrap();
    let profile = Browser::Firefox.profile();
    let verdict = corsim::fetch::run(profile, origin.clone(), &init, &mut PreflightCache::new(), Timestamp::ZERO, |_| {
        corsim::HttpResponse::new(204).header("Access-Control-Allow-Origin", "*")
    });
    let js = serde_json::to_value(shapes::FetchVerdict::new(profile, &origin, verdict)).unwrap();
    assert_eq!(js["ok"], false);
    assert_eq!(js["failure"]["reason"], json!({"kind": "cors", "detail": {"error": "PreflightWildcardOriginNotAllowed", "failedParameter": "*"}}));
    assert_eq!(js["failure"]["redirectedFrom"], Value::Null);
    assert!(js["corsError"].as_str().unwrap().starts_with("CORS"), "{}", js["corsError"]);
    let events = js["events"].as_array().unwrap();
    let routed = events.iter().position(|e| e["event"] == "routed").unwrap();
    assert_eq!(events[routed]["route"]["headers"][0], json!({"name": "content-type", "value": "application/json",
        "why": {"because": "mime-essence", "essence": "application/json"}}));
    assert_eq!(events[routed + 1], json!({"event": "cache-lookup", "url": "https://api.example/x", "miss": {"reason": "no-entry"}}));
    assert_eq!(js["requests"][0]["isPreflight"], true);
}

/// `new Page(origin, {page})`: the scenario's `page` object, read by the
/// core's parser; absent, what the origin implies; a bad value names its
/// field under `options.page`.
#[test]
fn page_option_is_the_scenario_page_object() {
    let options = json!({"profile": "chromium", "page": {"address_space": "public", "local_network_access": "denied"}});
    // Only a Page takes it: simulate's and explain's options name it unknown.
    assert_eq!(parse_profile_option(&options, "options").unwrap_err().field, "options.page");
    let context = parse_page_option(&options).unwrap();
    assert_eq!(context, PageContext::from_json(&options["page"]).unwrap());
    assert_eq!(parse_page_option(&json!({"profile": "firefox"})).unwrap(), PageContext::default());
    let e = parse_page_option(&json!({"page": {"address_spaces": {"api.test": "lan"}}})).unwrap_err();
    assert_eq!(e.field, "options.page.address_spaces[\"api.test\"]");
    let e = parse_page_option(&json!({"page": "public"})).unwrap_err();
    assert_eq!(e.field, "options.page");
    // The same page object in a scenario and on a Page give one verdict.
    let scenario = json!({"origin": "https://app.example", "page": options["page"],
        "steps": [{"request": {"url": "http://127.0.0.1:8080/status"}}]});
    let verdict = simulate_text(&scenario.to_string(), None).unwrap();
    let init = corsim::RequestInit::get("http://127.0.0.1:8080/status");
    let page = corsim::fetch::try_run_in(
        Browser::Chromium.profile(),
        Origin::parse("https://app.example").unwrap(),
        &context,
        &init,
        &mut PreflightCache::new(),
        Timestamp::ZERO,
        |_| Ok::<_, ()>(HttpResponse::new(200)),
    )
    .unwrap();
    assert!(page.requests.is_empty() && verdict.steps[0].server_saw.is_empty(), "Local Network Access refuses before sending");
    assert_eq!(page.console, verdict.steps[0].console);
}
