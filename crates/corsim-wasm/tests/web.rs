//! wasm-bindgen tests: the exports called with real JavaScript values (objects
//! made by `JSON.parse`, functions made by `new Function`), run by
//! wasm-bindgen-test-runner under Node and in headless Chromium:
//!
//! ```sh
//! bash crates/corsim-wasm/build-wasm.sh test
//! ```
//!
//! Natively these compile to nothing (the pure-Rust half is tested by
//! `src/tests.rs`).
#![cfg(target_arch = "wasm32")]

use corsim_wasm::decisions::{classify, cors_check, preflight_request, readable_header_names};
use corsim_wasm::{explain, parse_message, simulate, simulate_line_js, Page};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn js(value: Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("JSON.parse")
}

/// An options object, typed as the export wants it.
fn opts<T: tsify::Tsify>(value: Value) -> Option<tsify::Ts<T>> {
    Some(tsify::Ts::new_unchecked(js(value)))
}

fn back(value: impl Into<JsValue>) -> Value {
    let text = js_sys::JSON::stringify(&value.into()).expect("JSON.stringify");
    serde_json::from_str(&text.as_string().expect("a string")).expect("JSON")
}

/// The thrown value is an `Error` whose message starts with the field, which
/// is also its `field` property.
fn field_of(thrown: JsValue) -> (String, String) {
    let err: js_sys::Error = thrown.dyn_into().expect("a JavaScript Error was thrown");
    let field = js_sys::Reflect::get(&err, &"field".into()).unwrap().as_string().unwrap_or_default();
    let message: String = err.message().into();
    assert!(message.starts_with(&format!("{field}: ")), "message {message:?} names the field {field:?}");
    (field, message)
}

const ORIGIN: &str = "https://app.example";
const URL: &str = "https://api.example/items";

fn preflight_scenario() -> Value {
    json!({
        "id": "put-json",
        "origin": ORIGIN,
        "steps": [{"at_ms": 0, "request": {"url": URL, "method": "PUT",
                   "headers": [["Content-Type", "application/json"], ["X-Trace", "1"]]}}],
        "server": {URL: {
            "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", ORIGIN],
                                                     ["Access-Control-Allow-Methods", "PUT"],
                                                     ["Access-Control-Allow-Headers", "content-type, x-trace"]]},
            "actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", ORIGIN], ["X-Custom", "v"]]}}}
    })
}

#[wasm_bindgen_test]
fn simulate_a_preflighted_put() {
    let verdict = back(simulate(js(preflight_scenario()), None).unwrap());
    assert_eq!(
        verdict,
        json!({"id": "put-json", "steps": [{
            "server_saw": [
                {"method": "OPTIONS", "url": URL, "headers": [["access-control-request-method", "PUT"],
                    ["access-control-request-headers", "content-type,x-trace"], ["origin", ORIGIN]]},
                {"method": "PUT", "url": URL, "headers": [["origin", ORIGIN]]}],
            "result": {"type": "cors", "status": 200, "headers": ["content-length"]},
            "cors_error": null,
            "console": []}]})
    );
}

#[wasm_bindgen_test]
fn simulate_reports_the_failure_with_console_message() {
    let mut s = preflight_scenario();
    s["server"][URL]["preflight"]["headers"] = json!([["Access-Control-Allow-Origin", ORIGIN], ["Access-Control-Allow-Methods", "PUT"]]);
    let verdict = back(simulate(js(s), None).unwrap());
    let step = &verdict["steps"][0];
    assert_eq!(step["result"], json!({"type": "error"}));
    assert_eq!(step["cors_error"], "HeaderDisallowedByPreflightResponse");
    assert_eq!(step["server_saw"].as_array().unwrap().len(), 1, "only the preflight was sent");
    let console = step["console"][0].as_str().unwrap();
    assert!(console.contains("Request header field content-type is not allowed by Access-Control-Allow-Headers"), "{console}");
}

#[wasm_bindgen_test]
fn the_profile_option_picks_the_browser() {
    let chromium = back(simulate(js(preflight_scenario()), None).unwrap());
    let webkit = back(simulate(js(preflight_scenario()), opts(json!({"profile": "webkit"}))).unwrap());
    let names = |v: &Value| -> Vec<String> {
        v["steps"][0]["server_saw"][0]["headers"].as_array().unwrap().iter().map(|h| h[0].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(&chromium), ["access-control-request-method", "access-control-request-headers", "origin"]);
    assert_eq!(names(&webkit), ["origin", "access-control-request-method", "access-control-request-headers"]);
    // Each browser's own name for the same failure.
    let mut failing = preflight_scenario();
    failing["server"][URL]["preflight"]["headers"] = json!([]);
    let reason = |profile: &str| {
        back(simulate(js(failing.clone()), opts(json!({"profile": profile}))).unwrap())["steps"][0]["cors_error"].clone()
    };
    assert_eq!(reason("chromium"), "PreflightMissingAllowOriginHeader");
    assert_eq!(reason("spec"), "PreflightMissingAllowOriginHeader");
    assert!(reason("firefox").as_str().unwrap().starts_with("CORS"), "{}", reason("firefox"));
    assert_ne!(reason("webkit"), reason("chromium"));
    let (field, _) = field_of(simulate(js(preflight_scenario()), opts(json!({"profile": "netscape"}))).unwrap_err());
    assert_eq!(field, "options.profile");
}

#[wasm_bindgen_test]
fn simulate_takes_json_text_and_simulate_line_matches_corsim_run() {
    let text = preflight_scenario().to_string();
    let from_text = back(simulate(JsValue::from_str(&text), None).unwrap());
    assert_eq!(from_text, back(simulate(js(preflight_scenario()), None).unwrap()));
    let line = simulate_line_js(JsValue::from_str(&text), None).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&line).unwrap(), from_text);
    assert_eq!(
        simulate_line_js(JsValue::from_str("{\"id\":\"x\",\"steps\":[]}"), None).unwrap(),
        r#"{"id":"x","error":"origin: missing"}"#
    );
    // The line comes into the module through the host's TextEncoder: text
    // beyond ASCII arrives whole (the error line quotes it back), a lone
    // surrogate as U+FFFD, and anything but a string is an Error naming `line`.
    assert_eq!(
        simulate_line_js(JsValue::from_str("{\"id\":\"\u{e9}\u{263A}\u{1F600}\",\"steps\":[]}"), None).unwrap(),
        "{\"id\":\"\u{e9}\u{263A}\u{1F600}\",\"error\":\"origin: missing\"}"
    );
    let lone = js_sys::JSON::parse(r#""{\"id\":\"a\ud800b\",\"steps\":[]}""#).unwrap();
    assert_eq!(simulate_line_js(lone, None).unwrap(), "{\"id\":\"a\u{FFFD}b\",\"error\":\"origin: missing\"}");
    let long = format!("{{\"id\":\"{}\",\"steps\":[]}}", "\u{263A}".repeat(400_000));
    let answer = simulate_line_js(JsValue::from_str(&long), None).unwrap();
    assert_eq!(answer.len(), long.len() + r#","error":"origin: missing""#.len() - r#","steps":[]"#.len());
    for not_text in [JsValue::from_f64(7.0), JsValue::UNDEFINED, js_sys::Object::new().into()] {
        assert_eq!(field_of(simulate_line_js(not_text, None).unwrap_err()).0, "line");
    }
}

/// Every bad input is a thrown Error naming the field, and the very next call works.
#[wasm_bindgen_test]
fn bad_input_throws_a_named_error_and_the_module_keeps_working() {
    let with_request = |request: Value| {
        let mut s = preflight_scenario();
        s["steps"][0]["request"] = request;
        js(s)
    };
    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let cases: Vec<(JsValue, &str)> = vec![
        (with_request(json!({"method": "PUT"})), "steps[0].request.url"),
        (with_request(json!({"url": 42})), "steps[0].request.url"),
        (with_request(json!({"url": URL, "headers": [["X-Smile", "\u{263A}"]]})), "steps[0].request.headers[0][1]"),
        (with_request(json!({"url": URL, "headers": [["X-A"]]})), "steps[0].request.headers[0]"),
        (with_request(json!({"url": URL, "credentials": "always"})), "steps[0].request.credentials"),
        (js(json!({"steps": []})), "origin"),
        (js(json!({"origin": "not an origin", "steps": []})), "origin"),
        (js(json!({"origin": ORIGIN, "steps": {}})), "steps"),
        (js(json!({"origin": ORIGIN, "steps": [], "server": {URL: {"actual": {"status": 7}}}})), "server[\"https://api.example/items\"].actual.status"),
        (JsValue::from_f64(3.0), "scenario"),
        (JsValue::UNDEFINED, "scenario"),
        (JsValue::from_str("{not json"), "scenario"),
        (cyclic.into(), "scenario"),
    ];
    for (input, want) in cases {
        let (field, message) = field_of(simulate(input, None).unwrap_err());
        assert_eq!(field, want, "{message}");
        // The module is still usable.
        let ok = back(simulate(js(preflight_scenario()), None).unwrap());
        assert_eq!(ok["steps"][0]["result"]["type"], "cors");
    }
}

fn server_map() -> Value {
    json!({URL: {
        "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", ORIGIN],
                                                 ["Access-Control-Allow-Methods", "PUT"],
                                                 ["Access-Control-Max-Age", "60"]]},
        "actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", ORIGIN]]}}})
}

#[wasm_bindgen_test]
fn a_page_keeps_its_preflight_cache() {
    let mut page = Page::new(ORIGIN.into(), None).unwrap();
    assert_eq!(page.origin(), ORIGIN);
    assert_eq!(page.profile(), "chromium");
    let put = json!({"url": URL, "method": "PUT"});
    let first = back(page.fetch(js(put.clone()), js(server_map()), 1_000.0.into()).unwrap());
    assert_eq!(first["ok"], true);
    assert_eq!(first["requests"].as_array().unwrap().len(), 2);
    assert_eq!(first["requests"][0]["isPreflight"], true);
    assert_eq!(first["response"], json!({"type": "cors", "status": 200, "headers": ["content-length"]}));
    let entries: Vec<Value> = page.cache_entries(30_000.0.into()).unwrap().into_iter().map(back).collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["url"], URL);
    assert_eq!(entries[0]["methods"][0]["token"], "PUT");
    assert_eq!(entries[0]["expiresMs"], 61_000.0);
    assert_eq!(entries[0]["expiresInMs"], 31_000.0);
    // Within max-age: no preflight.
    let second = back(page.fetch(js(put.clone()), js(server_map()), 30_000.0.into()).unwrap());
    assert_eq!(second["requests"].as_array().unwrap().len(), 1);
    assert!(second["events"].as_array().unwrap().iter().any(|e| e["event"] == "cache-lookup" && e["miss"].is_null()));
    // After it: the preflight again.
    assert!(page.cache_entries(61_000.0.into()).unwrap().is_empty());
    let third = back(page.fetch(js(put), js(server_map()), 61_000.0.into()).unwrap());
    assert_eq!(third["requests"].as_array().unwrap().len(), 2);
    page.clear_cache();
    assert!(page.cache_entries(61_000.0.into()).unwrap().is_empty());
}

#[wasm_bindgen_test]
fn a_page_can_be_answered_by_a_function() {
    let mut page = Page::new(ORIGIN.into(), opts(json!({"profile": "webkit"}))).unwrap();
    assert_eq!(page.profile(), "webkit");
    let responder = js_sys::Function::new_with_args(
        "req",
        "return req.isPreflight
            ? {status: 204, headers: [['Access-Control-Allow-Origin', req.headers.find(h => h[0] === 'Origin')[1]],
                                      ['Access-Control-Allow-Methods', req.headers.find(h => h[0] === 'Access-Control-Request-Method')[1]]]}
            : {status: 200, headers: [['Access-Control-Allow-Origin', '*'], ['X-Total', '3'], ['Access-Control-Expose-Headers', 'x-total']]};",
    );
    let v = back(page.fetch(js(json!({"url": URL, "method": "DELETE"})), responder.clone().into(), 0.0.into()).unwrap());
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["requests"][0]["method"], "OPTIONS");
    assert_eq!(v["response"]["headers"], json!(["x-total"]));
    // A failing CORS check is a verdict, not an exception.
    let deny = js_sys::Function::new_with_args("req", "return {status: 200}");
    let v = back(page.fetch(js(json!({"url": "https://other.example/"})), deny.into(), 0.0.into()).unwrap());
    assert_eq!(v["ok"], false);
    assert_eq!(v["failure"]["reason"]["kind"], "cors");
    assert_eq!(v["failure"]["reason"]["detail"]["error"], "MissingAllowOriginHeader");
    assert!(v["corsError"].is_string());
}

#[wasm_bindgen_test]
fn a_page_survives_bad_input_and_throwing_responders() {
    let mut page = Page::new(ORIGIN.into(), None).unwrap();
    let good = |page: &mut Page| {
        let v = back(page.fetch(js(json!({"url": URL, "method": "PUT"})), js(server_map()), 5.0.into()).unwrap());
        assert_eq!(v["ok"], true, "{v}");
    };
    let throws = js_sys::Function::new_with_args("req", "throw new RangeError('server on fire')");
    let err = page.fetch(js(json!({"url": URL})), throws.into(), 0.0.into()).unwrap_err();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(String::from(err.message()), "server on fire", "the responder's own exception");
    good(&mut page);
    let promise = js_sys::Function::new_with_args("req", "return Promise.resolve({status: 200})");
    let (field, _) = field_of(page.fetch(js(json!({"url": URL})), promise.into(), 0.0.into()).unwrap_err());
    assert_eq!(field, "server(requests[0])");
    good(&mut page);
    let bad_value = js_sys::Function::new_with_args("req", "return {status: 200, headers: [['X-A', '\\u0100']]}");
    let (field, _) = field_of(page.fetch(js(json!({"url": URL})), bad_value.into(), 0.0.into()).unwrap_err());
    assert_eq!(field, "server(requests[0]).headers[0][1]");
    good(&mut page);
    for (request, server, now, want) in [
        (json!({"url": URL, "headers": [["X-A", "\u{263A}"]]}), server_map(), JsValue::from(0.0), "request.headers[0][1]"),
        (json!({"method": "GET"}), server_map(), JsValue::from(0.0), "request.url"),
        (json!({"url": URL}), json!({URL: {"actual": {"status": "200"}}}), JsValue::from(0.0), "server[\"https://api.example/items\"].actual.status"),
        (json!({"url": URL}), server_map(), JsValue::from(-1.0), "nowMs"),
        (json!({"url": URL}), server_map(), JsValue::from_str("soon"), "nowMs"),
    ] {
        let (field, message) = field_of(page.fetch(js(request), js(server), now).unwrap_err());
        assert_eq!(field, want, "{message}");
        good(&mut page);
    }
    let (field, _) = field_of(page.fetch(js(json!({"url": URL})), JsValue::UNDEFINED, 0.0.into()).unwrap_err());
    assert_eq!(field, "server");
    good(&mut page);
    let (field, _) = field_of(Page::new("https://a.example/path".into(), None).err().unwrap());
    assert_eq!(field, "origin");
    let (field, _) = field_of(Page::new(JsValue::from_f64(1.0), None).err().unwrap());
    assert_eq!(field, "origin");
    let (field, _) = field_of(Page::new(ORIGIN.into(), opts(json!({"seed": -3}))).err().unwrap());
    assert_eq!(field, "options.seed");
}

/// The Chromium corpus through the JS-object path agrees with the core's own
/// serialization (the JSON line path), scenario by scenario.
#[wasm_bindgen_test]
fn the_chromium_corpus_through_js_objects() {
    let corpus = include_str!("../../../tests/corpus/chromium-156-public.jsonl");
    let mut n = 0;
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let via_object = back(simulate(js_sys::JSON::parse(line).unwrap(), None).unwrap());
        let via_line: Value = serde_json::from_str(&simulate_line_js(JsValue::from_str(line), None).unwrap()).unwrap();
        assert_eq!(via_object, via_line, "{line}");
        n += 1;
    }
    assert!(n >= 600);
}

#[wasm_bindgen_test]
fn explain_gives_the_classification_and_a_verified_fix() {
    let server = json!({URL: {"preflight": {"status": 204, "headers": []}, "actual": {"status": 200, "headers": []}}});
    let request = json!({"url": URL, "method": "PUT", "headers": [["Content-Type", "application/json"]]});
    let e = back(explain(ORIGIN.into(), js(request.clone()), js(server.clone()), None).unwrap());
    assert_eq!(e["browser"], "chromium");
    assert_eq!(e["classification"]["kind"], "preflight");
    assert_eq!(e["classification"]["method"], "PUT");
    assert_eq!(e["classification"]["headers"][0]["name"], "content-type");
    assert_eq!(e["result"]["readable"], false);
    assert_eq!(e["result"]["failure"]["cors_error"], "PreflightMissingAllowOriginHeader");
    assert_eq!(e["fix"]["verified"], true, "{}", e["fix"]);
    let patch = &e["fix"]["patches"][0];
    assert_eq!(patch["preflight"], true);
    assert!(patch["headers"].as_array().unwrap().iter().any(|h| h["name"] == "Access-Control-Allow-Origin" && h["to"] == ORIGIN));
    // The same through a page, whose cache then holds nothing (the preflight failed).
    let mut page = Page::new(ORIGIN.into(), opts(json!({"profile": "firefox"}))).unwrap();
    let e = back(page.explain(js(request), js(server), 0.0.into()).unwrap());
    assert_eq!(e["browser"], "firefox");
    assert!(page.cache_entries(0.0.into()).unwrap().is_empty());
    // Bad input: a named error; a throwing responder: its own error.
    let (field, _) = field_of(explain(ORIGIN.into(), js(json!({"url": 1})), js(json!({})), None).unwrap_err());
    assert_eq!(field, "request.url");
    let (field, _) = field_of(explain("nope".into(), js(json!({"url": URL})), js(json!({})), None).unwrap_err());
    assert_eq!(field, "origin");
    let throws = js_sys::Function::new_with_args("req", "throw new Error('down')");
    let err: js_sys::Error = explain(ORIGIN.into(), js(json!({"url": URL})), throws.into(), None).unwrap_err().dyn_into().unwrap();
    assert_eq!(String::from(err.message()), "down");
    let ok = back(explain(ORIGIN.into(), js(json!({"url": URL})), js(server_map()), None).unwrap());
    assert_eq!(ok["result"]["readable"], true);
    assert!(ok["fix"].is_null());
}

#[wasm_bindgen_test]
fn the_individual_decisions() {
    let put = json!({"url": URL, "method": "PUT", "headers": [["Content-Type", "application/json"], ["Cookie", "a=b"]]});
    let c = back(classify(ORIGIN.into(), js(put.clone()), None).unwrap());
    assert_eq!(c["kind"], "preflight");
    assert_eq!(c["method"], "PUT");
    assert_eq!(c["headers"][0]["name"], "content-type");
    assert_eq!(back(classify(ORIGIN.into(), js(json!({"url": URL})), None).unwrap())["kind"], "simple");
    let p = back(preflight_request(ORIGIN.into(), js(put), opts(json!({"profile": "webkit"}))).unwrap());
    assert_eq!(p["method"], "OPTIONS");
    assert_eq!(p["isPreflight"], true);
    assert_eq!(p["headers"], json!([["Origin", ORIGIN], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "content-type"]]));
    assert!(preflight_request(ORIGIN.into(), js(json!({"url": URL})), None).unwrap().is_null());
    let star = js(json!([["Access-Control-Allow-Origin", "*"]]));
    assert_eq!(back(cors_check(ORIGIN.into(), "omit".into(), star.clone(), None).unwrap()), json!({"ok": true, "error": null, "failedParameter": null}));
    assert_eq!(
        back(cors_check(ORIGIN.into(), "include".into(), star, None).unwrap()),
        json!({"ok": false, "error": "WildcardOriginNotAllowed", "failedParameter": "*"})
    );
    let headers = js(json!([["X-A", "1"], ["Content-Length", "0"], ["Access-Control-Expose-Headers", "x-a"], ["Set-Cookie", "s=1"]]));
    assert_eq!(readable_header_names("cors".into(), headers.clone(), "omit".into(), None).unwrap(), ["content-length", "x-a"]);
    assert!(readable_header_names("opaque".into(), headers.clone(), "omit".into(), None).unwrap().is_empty());
    let (field, _) = field_of(readable_header_names("weird".into(), headers, "omit".into(), None).unwrap_err());
    assert_eq!(field, "responseType");
    let (field, _) = field_of(cors_check(ORIGIN.into(), "always".into(), js(json!([])), None).unwrap_err());
    assert_eq!(field, "credentials");
    let (field, _) = field_of(cors_check(ORIGIN.into(), "omit".into(), js(json!([["A", "\u{100}"]])), None).unwrap_err());
    assert_eq!(field, "responseHeaders[0][1]");
    let (field, _) = field_of(classify(ORIGIN.into(), js(json!({"url": URL, "mode": 3})), None).unwrap_err());
    assert_eq!(field, "request.mode");
}

#[wasm_bindgen_test]
fn parse_message_reads_a_console_error_back() {
    let report = back(parse_message(
        "Access to fetch at 'https://api.example/me' from origin 'https://app.example' has been blocked by CORS policy: \
         The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the \
         request's credentials mode is 'include'.\nFailed to load resource: net::ERR_FAILED",
    )
    .unwrap());
    assert_eq!(report["facts"]["browser"], "chromium");
    assert_eq!(report["facts"]["reason_name"], "WildcardOriginNotAllowed");
    assert_eq!(report["facts"]["credentials_included"], true);
    assert_eq!(report["messages"].as_array().unwrap().len(), 2);
    // The implied scenario, simulated, gives the same reason again.
    let verdict = back(simulate(js(report["scenario"].clone()), None).unwrap());
    assert_eq!(verdict["steps"][0]["cors_error"], "WildcardOriginNotAllowed");
    // Text that is no message: nothing recognized, no throw.
    let none = back(parse_message("hello").unwrap());
    assert_eq!(none["messages"], json!([]));
    assert_eq!(none["scenario"], Value::Null);
}
