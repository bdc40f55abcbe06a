//! Native tests of the pure-Rust half: the TypeScript-describing types agree
//! with the recorded corpora and with the core's own serialization, and bad
//! input gets errors that name the field. (The JavaScript boundary is tested
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

/// The `Scenario` TypeScript type describes every recorded scenario: no field
/// it lacks (deny_unknown_fields), none of the wrong type.
#[test]
fn scenario_type_describes_every_corpus_line() {
    for (at, line) in corpus_lines() {
        let parsed: Result<types::Scenario, _> = serde_json::from_str(&line);
        assert!(parsed.is_ok(), "{at}: {}", parsed.unwrap_err());
    }
}

/// The verdict mirror serializes exactly as the core's verdict does, and the
/// recorded `expect` entries fit the `ExpectedStep` type.
#[test]
fn verdict_mirror_serializes_like_the_core() {
    for (at, line) in corpus_lines() {
        let value: Value = serde_json::from_str(&line).unwrap();
        let core = corsim::scenario::Scenario::from_value(&value).unwrap().simulate(None);
        let mirror = simulate_value(&value, None).unwrap();
        assert_eq!(serde_json::to_value(&mirror).unwrap(), serde_json::to_value(&core).unwrap(), "{at}");
        let again: types::ScenarioVerdict = serde_json::from_value(serde_json::to_value(&core).unwrap()).unwrap();
        assert_eq!(again, mirror, "{at}");
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
    let err = |v: Value| simulate_value(&v, None).unwrap_err();
    assert_eq!(err(json!(5)).field, "scenario");
    assert_eq!(err(json!({"steps": []})).field, "origin");
    assert_eq!(err(scenario(json!({"method": "GET"}))).field, "steps[0].request.url");
    assert_eq!(err(scenario(json!({"url": 5}))).field, "steps[0].request.url");
    let e = err(scenario(json!({"url": "https://api.example/x", "headers": [["X-A", "\u{263A}"]]})));
    assert_eq!(e.field, "steps[0].request.headers[0][1]");
    assert!(e.to_string().contains("U+00FF"), "{e}");
    assert_eq!(err(scenario(json!({"url": "https://api.example/x", "mode": "nope"}))).field, "steps[0].request.mode");
    // And a good one right after.
    let ok = simulate_value(&scenario(json!({"url": "https://api.example/x"})), None).unwrap();
    assert_eq!(ok.steps[0].result.kind, types::StepResultType::Cors);
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
    let e = parse_fetch_args(&origin, &json!({"url": "https://a.example/", "headers": [["A", 1]]}), None).unwrap_err();
    assert_eq!(e.field, "request.headers[0][1]");
    let e = parse_fetch_args(&origin, &json!({"url": "https://a.example/"}), Some(&json!({"https://a.example/": {"actual": {}}})))
        .unwrap_err();
    assert!(e.field.starts_with("server["), "{e}");
    assert_eq!(parse_fetch_args(&origin, &Value::Null, None).unwrap_err().field, "request");
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
    let mut page = Page { browser: Browser::Chromium, origin: origin.clone(), cache: PreflightCache::new() };
    let request = json!({"url": "https://api.example/x", "method": "PUT"});
    let server = json!({"https://api.example/x": {
        "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example"],
                                                 ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Max-Age", "60"]]},
        "actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example"]]}}});
    let scenario = parse_fetch_args(&origin, &request, Some(&server)).unwrap();
    let v = corsim::fetch::run(
        page.browser.profile(),
        origin,
        &scenario.steps[0].request,
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

/// The explanation mirror serializes exactly as the core's explanation does,
/// for every step of every recorded scenario (fixes included), under the
/// scenario's own profile.
#[test]
fn explanation_mirror_serializes_like_the_core() {
    let mut explained = 0;
    let mut with_fix = 0;
    for (at, line) in corpus_lines() {
        let value: Value = serde_json::from_str(&line).unwrap();
        let scenario = corsim::scenario::Scenario::from_value(&value).unwrap();
        let profile = scenario.profile(None);
        for step in &scenario.steps {
            let core = corsim::explain::explain(profile, scenario.origin.clone(), &step.request, |r| scenario.answer(r));
            let mirror = explain::Explanation::from(&core);
            assert_eq!(serde_json::to_value(&mirror).unwrap(), serde_json::to_value(&core).unwrap(), "{at}");
            explained += 1;
            with_fix += usize::from(core.fix.is_some());
        }
    }
    assert!(explained > 1000 && with_fix > 100, "{explained} explained, {with_fix} with a fix");
}
