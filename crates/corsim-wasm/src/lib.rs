//! # corsim for JavaScript
//!
//! The very same engine as the `corsim` crate, compiled to WebAssembly with
//! wasm-bindgen. This crate has no CORS logic of its own: it reads JavaScript
//! values with the core's own parser (`corsim::scenario::Scenario::from_value`,
//! so a bad field gets the same message as in `corsim run`), runs
//! `corsim::Fetch` / `Scenario::simulate`, and converts the results to plain
//! objects whose TypeScript types are generated from the Rust types in
//! [`types`].
//!
//! * `simulate(scenario, options?)`: a scenario in the shape of
//!   `tests/corpus/FORMAT.md` (object or JSON text) → its verdict, console
//!   messages included; `options.profile` picks the browser.
//! * `simulateLine(line, options?)`: one JSON line in, the verdict line
//!   `corsim run` writes out (byte for byte), error lines included.
//! * `Page`: a page of one origin with its own preflight cache. `page.fetch(request,
//!   server, nowMs)` runs one `fetch()`, the server being a FORMAT.md `server`
//!   map or a function from request to response; `page.cacheEntries(nowMs)`
//!   shows what is cached and when it expires.
//! * `explain` is not here yet: the core has no `corsim::explain` module at
//!   the time of writing. It belongs beside `simulate` once it lands (same
//!   input handling, output converted like [`types::ScenarioVerdict`]).
//!
//! Bad input is a thrown JavaScript `Error` whose message starts with the
//! field (`"steps[0].request.headers[1][1]: has a character above U+00FF"`),
//! also set as its `field` property. Nothing here panics on input: the
//! module stays usable after an error.

use corsim::error::InputError;
use corsim::scenario::{ErrorLine, Scenario as CoreScenario};
use corsim::{Action, Browser, Fetch, HttpResponse, Origin, PreflightCache, Profile, Timestamp};
use serde::Serialize;
use serde_json::{json, Value};
use tsify::Ts;
use wasm_bindgen::prelude::*;

pub mod types;

use types::{CacheEntry, FetchVerdict, PageOptions, ScenarioVerdict, SimulateOptions, WireRequest};

// ------------------------------------------------------------------ pure Rust part (native-testable)

/// The profile named by `options.profile` (`field` is the name used in errors).
pub fn parse_profile_option(options: &Value, field: &str) -> Result<Option<Browser>, InputError> {
    let obj = match options {
        Value::Null => return Ok(None),
        Value::Object(obj) => obj,
        _ => return Err(InputError::new(field, "must be an object")),
    };
    for key in obj.keys() {
        if key != "profile" && !(field == "options" && key == "seed") {
            return Err(InputError::new(format!("{field}.{key}"), "unknown option"));
        }
    }
    match obj.get("profile") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Browser::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .map(Some)
            .ok_or_else(|| InputError::new(format!("{field}.profile"), format!("{s:?} is not one of chromium, firefox, webkit, spec"))),
        Some(_) => Err(InputError::new(format!("{field}.profile"), "must be a string: chromium, firefox, webkit or spec")),
    }
}

/// `simulate` on a JSON value: the core's parser, the core's simulation, the
/// verdict converted for JavaScript.
pub fn simulate_value(value: &Value, profile: Option<Browser>) -> Result<ScenarioVerdict, InputError> {
    let scenario = CoreScenario::from_value(value).map_err(|e| rename_field(e, "line", "scenario"))?;
    let verdict = scenario.simulate(profile.map(Browser::profile));
    ScenarioVerdict::try_from(verdict).map_err(|e| InputError::new("verdict", e))
}

/// `simulateLine`: exactly what `corsim run` writes for one input line.
pub fn simulate_line(line: &str, profile: Option<Browser>) -> String {
    let text = line.trim_end_matches(['\r', '\n']);
    let json = match CoreScenario::parse(text) {
        Ok(scenario) => serde_json::to_string(&scenario.simulate(profile.map(Browser::profile))),
        Err((id, e)) => serde_json::to_string(&ErrorLine { id, error: e.to_string() }),
    };
    json.unwrap_or_else(|e| format!("{{\"id\":null,\"error\":\"cannot serialize verdict: {e}\"}}"))
}

/// A `field` that starts with `from` renamed to start with `to`.
fn rename_field(mut e: InputError, from: &str, to: &str) -> InputError {
    if let Some(rest) = e.field.strip_prefix(from) {
        e.field = format!("{to}{rest}");
    }
    e
}

/// Read `request` (a FORMAT.md request) and, when given, `server` (a FORMAT.md
/// server map) with the core's scenario parser, errors named after the
/// arguments.
pub fn parse_fetch_args(origin: &Origin, request: &Value, server: Option<&Value>) -> Result<CoreScenario, InputError> {
    if request.is_null() {
        return Err(InputError::new("request", "missing"));
    }
    let wrapper = json!({
        "origin": origin.serialize(),
        "steps": [{ "request": request }],
        "server": server.cloned().unwrap_or(Value::Null),
    });
    CoreScenario::from_value(&wrapper).map_err(|e| rename_field(e, "steps[0].request", "request"))
}

/// Read a response returned by a responder function, with the core's parser
/// (status 100–999, headers as isomorphic `[name, value]` pairs).
pub fn parse_response_value(response: &Value, field: &str) -> Result<HttpResponse, InputError> {
    if !response.is_object() {
        return Err(InputError::new(field, "must be a response object {status, headers}"));
    }
    let wrapper = json!({ "origin": "null", "steps": [], "server": { "r": { "actual": response } } });
    let scenario = CoreScenario::from_value(&wrapper).map_err(|e| rename_field(e, "server[\"r\"].actual", field))?;
    let scripted = scenario.server.get("r").and_then(|s| s.actual.clone());
    let scripted = scripted.ok_or_else(|| InputError::new(field, "missing"))?;
    Ok(HttpResponse { status: scripted.status, headers: scripted.headers })
}

/// A time in milliseconds from JavaScript: finite, ≥ 0, at most 2^53 - 1;
/// fractions are dropped.
pub fn parse_millis(value: Option<f64>, field: &str) -> Result<u64, InputError> {
    let v = value.ok_or_else(|| InputError::new(field, "must be a number of milliseconds"))?;
    if !v.is_finite() || v < 0.0 || v > 9_007_199_254_740_991.0 {
        return Err(InputError::new(field, format!("must be a number of milliseconds from 0 to 2^53 - 1, not {v}")));
    }
    Ok(v.floor() as u64)
}

// ------------------------------------------------------------------ JavaScript boundary

/// A thrown JavaScript `Error` for an input error, with the field as `.field`.
fn js_error(e: &InputError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("field"), &JsValue::from_str(&e.field));
    err.into()
}

/// A JavaScript value as JSON. Through `JSON.stringify`, so that a cycle is an
/// error (not a stack overflow), `undefined` properties count as absent, and
/// serde_json's depth limit applies.
fn js_to_json(value: &JsValue, field: &str) -> Result<Value, InputError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        InputError::new(field, format!("cannot be read as JSON: {why}"))
    })?;
    let text = text.as_string().ok_or_else(|| InputError::new(field, "cannot be read as JSON"))?;
    serde_json::from_str(&text).map_err(|e| InputError::new(field, format!("cannot be read as JSON: {e}")))
}

/// A Rust value as a plain JavaScript object (`null` for `None`, objects for maps).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(&InputError::new("result", format!("cannot be converted: {e}"))))
}

/// The version of corsim inside.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Simulate a scenario (FORMAT.md shape; an object or its JSON text): every
/// step against the scripted server, one preflight cache shared across the
/// steps. Returns the verdict: for each step, the requests the server saw,
/// what `fetch()` gave the page, the browser's reason name and its console
/// messages. Throws an `Error` naming the field for input it cannot read.
#[wasm_bindgen]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] scenario: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<Ts<ScenarioVerdict>, JsValue> {
    let profile = read_profile(options)?;
    let value = match scenario.as_string() {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| js_error(&InputError::new("scenario", format!("not valid JSON: {e}"))))?,
        None if scenario.is_undefined() || scenario.is_null() => {
            return Err(js_error(&InputError::new("scenario", "missing")))
        }
        None => js_to_json(&scenario, "scenario").map_err(|e| js_error(&e))?,
    };
    let verdict = simulate_value(&value, profile).map_err(|e| js_error(&e))?;
    Ok(Ts::new_unchecked(to_js(&verdict)?))
}

/// Simulate one line of a scenario file and return the verdict line that
/// `corsim run` writes for it, byte for byte (an `{"id", "error"}` line for a
/// line it cannot read: this one does not throw for bad scenarios).
#[wasm_bindgen(js_name = simulateLine)]
pub fn simulate_line_js(
    line: &str,
    options: Option<Ts<SimulateOptions>>,
) -> Result<String, JsValue> {
    let profile = read_profile(options)?;
    Ok(simulate_line(line, profile))
}

fn read_profile(options: Option<Ts<SimulateOptions>>) -> Result<Option<Browser>, JsValue> {
    let Some(options) = options else { return Ok(None) };
    let value = js_to_json(&options.js_value(), "options").map_err(|e| js_error(&e))?;
    parse_profile_option(&value, "options").map_err(|e| js_error(&e))
}

/// A page of one origin, with its own preflight cache: successive
/// `fetch()`es share it, as in a browser tab. Time is passed in, in
/// milliseconds on a clock of your choosing (only differences matter).
#[wasm_bindgen]
pub struct Page {
    browser: Browser,
    origin: Origin,
    cache: PreflightCache,
}

#[wasm_bindgen]
impl Page {
    /// A page of `origin` (a serialized origin, or `"null"` for a sandboxed
    /// page). `options.profile` picks the browser (default Chromium);
    /// `options.seed` seeds the cache's eviction randomness.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
        options: Option<Ts<PageOptions>>,
    ) -> Result<Page, JsValue> {
        let origin = origin
            .as_string()
            .ok_or_else(|| js_error(&InputError::new("origin", "must be a string")))?;
        let origin = Origin::parse(&origin).map_err(|e| js_error(&e))?;
        let options = match options {
            Some(o) => js_to_json(&o.js_value(), "options").map_err(|e| js_error(&e))?,
            None => Value::Null,
        };
        let browser = parse_profile_option(&options, "options").map_err(|e| js_error(&e))?.unwrap_or(Browser::Chromium);
        let cache = match options.get("seed") {
            None | Some(Value::Null) => PreflightCache::new(),
            Some(seed) => {
                let seed = seed
                    .as_u64()
                    .filter(|s| *s <= 9_007_199_254_740_991)
                    .ok_or_else(|| js_error(&InputError::new("options.seed", "must be a whole number from 0 to 2^53 - 1")))?;
                PreflightCache::with_seed(seed)
            }
        };
        Ok(Page { browser, origin, cache })
    }

    /// The page's serialized origin.
    #[wasm_bindgen(getter)]
    pub fn origin(&self) -> String {
        self.origin.serialize().to_owned()
    }

    /// The profile's name.
    #[wasm_bindgen(getter, unchecked_return_type = "ProfileName")]
    pub fn profile(&self) -> String {
        self.browser.name().to_owned()
    }

    /// Run `fetch(request.url, request)` from this page at time `nowMs`.
    /// `server` answers each request the browser sends: either a map in
    /// FORMAT.md's `server` shape (the same answers as `simulate`: 404 for an
    /// unlisted URL, `Content-Length: 0` added) or a function called with each
    /// request (preflights included) that returns `{status, headers}`
    /// synchronously. The preflight cache is consulted and updated as the
    /// browser does. Throws an `Error` naming the field for bad input, or the
    /// function's own exception; the page stays usable.
    pub fn fetch(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, ScriptedUrl> | ((request: WireRequest) => ResponseInit)")]
        server: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<Ts<FetchVerdict>, JsValue> {
        let now = parse_millis(now_ms.as_f64(), "nowMs").map_err(|e| js_error(&e))?;
        let request = js_to_json(&request, "request").map_err(|e| js_error(&e))?;
        let responder = server.dyn_ref::<js_sys::Function>().cloned();
        let server_map = match &responder {
            Some(_) => None,
            None if server.is_undefined() || server.is_null() => {
                return Err(js_error(&InputError::new("server", "missing: a server map or a function")))
            }
            None => Some(js_to_json(&server, "server").map_err(|e| js_error(&e))?),
        };
        let scenario = parse_fetch_args(&self.origin, &request, server_map.as_ref()).map_err(|e| js_error(&e))?;
        let Some(step) = scenario.steps.first() else {
            return Err(js_error(&InputError::new("request", "missing")));
        };
        let profile: &Profile = self.browser.profile();
        let mut fetch = Fetch::new(profile, self.origin.clone(), &step.request);
        let time = Timestamp::from_millis(now);
        let mut sent = 0usize;
        let verdict = loop {
            match fetch.poll(&mut self.cache, time) {
                Action::Send(req) => {
                    let response = match &responder {
                        None => scenario.answer(&req),
                        Some(f) => {
                            let field = format!("server(requests[{sent}])");
                            let arg = to_js(&WireRequest::from(&req))?;
                            let returned = f.call1(&JsValue::NULL, &arg)?;
                            if returned.is_instance_of::<js_sys::Promise>() {
                                return Err(js_error(&InputError::new(
                                    field,
                                    "returned a Promise: the function must return the response itself",
                                )));
                            }
                            let value = js_to_json(&returned, &field).map_err(|e| js_error(&e))?;
                            parse_response_value(&value, &field).map_err(|e| js_error(&e))?
                        }
                    };
                    sent += 1;
                    fetch.receive(response);
                }
                Action::Done(verdict) => break verdict,
            }
        };
        Ok(Ts::new_unchecked(to_js(&FetchVerdict::new(profile, &self.origin, &verdict))?))
    }

    /// What the preflight cache holds at `nowMs`: the entries not yet
    /// expired, in key order, with what each allows and when it expires.
    #[wasm_bindgen(js_name = cacheEntries)]
    pub fn cache_entries(
        &self,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<Vec<Ts<CacheEntry>>, JsValue> {
        let now = parse_millis(now_ms.as_f64(), "nowMs").map_err(|e| js_error(&e))?;
        self.cache_entries_at(now).iter().map(|e| Ok(Ts::new_unchecked(to_js(e)?))).collect()
    }

    /// Empty the preflight cache.
    #[wasm_bindgen(js_name = clearCache)]
    pub fn clear_cache(&mut self) {
        self.cache.clear();
    }
}

impl Page {
    /// The cache as `cacheEntries` shows it (native-testable).
    pub fn cache_entries_at(&self, now: u64) -> Vec<CacheEntry> {
        self.cache.entries().filter_map(|(k, e)| CacheEntry::at(&k, &e, now)).collect()
    }
}

// The native half of the tests (they read the corpus files; wasm32 has no file system).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
