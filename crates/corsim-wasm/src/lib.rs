//! # corsim for JavaScript
//!
//! The very same engine as the `corsim` crate, compiled to WebAssembly with
//! wasm-bindgen. This crate has no CORS logic and no copies of the core's
//! types: it reads JavaScript values with the core's own parsers
//! (`corsim::scenario::{parse_request, parse_response, parse_server}`, so a
//! bad field gets the same message as in `corsim run`), runs the core, and
//! hands back the core's own values, serialized by the core's serde
//! attributes; their TypeScript declarations come from the core's `tsify`
//! feature. [`shapes`] holds the few JavaScript-only wrappers.
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
//! * `explain(origin, request, server, options?)` and `page.explain(…)`:
//!   `corsim::explain`'s explanation and verified fix, the structure
//!   `corsim explain --json` prints (snake_case, like the scenario format;
//!   the `Page` API's own objects are camelCase).
//! * `serverModelAnswers(model, origin, request, options?)` and
//!   `renderServerModel(model)`: a CORS library's model
//!   (`corsim::server_model`; `{library, options}` as `corsim check` reads
//!   them): its answers to the preflight and to the request itself, and its
//!   options in the library's own syntax. The playground's presets.
//! * `parseMessage(text)`: a console error pasted from any of the three
//!   browsers, read back (`corsim::console::parse`): the facts it gives, what
//!   the browser did in plain words, and the scenario line that reproduces it
//!   with the facts it leaves out marked; the object `corsim explain --message
//!   --json` prints, without the explanation.
//!
//! Bad input is a thrown JavaScript `Error` whose message starts with the
//! field (`"steps[0].request.headers[1][1]: has a character above U+00FF"`),
//! also set as its `field` property. Nothing here panics on input: the
//! module stays usable after an error.

use corsim::error::InputError;
#[cfg(feature = "explain")]
use corsim::explain::Explanation;
use corsim::page::PageContext;
use corsim::scenario::{ErrorLine, Reader, Scenario as CoreScenario, ScenarioVerdict};
use corsim::{Browser, HttpResponse, Origin, PreflightCache, RequestInit, Timestamp};
use serde::Serialize;
use serde_json::Value;
use tsify::Ts;
use wasm_bindgen::prelude::*;

pub mod decisions;
#[cfg(feature = "explain")]
pub mod models;
pub mod shapes;

use shapes::{CacheEntry, FetchVerdict, PageOptions, SimulateOptions, WireRequest};

// ------------------------------------------------------------------ pure Rust part (native-testable)

/// The profile named by `options.profile` (`field` is the name used in errors).
pub fn parse_profile_option(options: &Value, field: &str) -> Result<Option<Browser>, InputError> {
    profile_option(options, field, false)
}

/// [`parse_profile_option`], `page` allowed too (a `Page`'s options).
fn profile_option(options: &Value, field: &str, page_allowed: bool) -> Result<Option<Browser>, InputError> {
    let obj = match options {
        Value::Null => return Ok(None),
        Value::Object(obj) => obj,
        _ => return Err(InputError::new(field, "must be an object")),
    };
    for key in obj.keys() {
        if key != "profile" && !(field == "options" && (key == "seed" || (page_allowed && key == "page"))) {
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

/// `options.page` of `new Page(origin, options)`: a scenario's `page`
/// object, read by the core's parser (errors named `options.page…`).
pub fn parse_page_option(options: &Value) -> Result<PageContext, InputError> {
    match options.get("page") {
        None | Some(Value::Null) => Ok(PageContext::default()),
        Some(page) => PageContext::from_json(page).map_err(|e| e.within("options.page")),
    }
}

/// `simulate` on JSON text: the reader `corsim run` uses (typed fields read
/// straight from the text; the generic reader only to name a bad field),
/// errors named `scenario…`.
pub fn simulate_text(text: &str, profile: Option<Browser>) -> Result<ScenarioVerdict, InputError> {
    let scenario = read(text).map_err(|(_, e)| rename_field(e, "line", "scenario"))?;
    Ok(simulate_read(&scenario, profile))
}

/// `simulateLine`: exactly what `corsim run` writes for one input line.
pub fn simulate_line(line: &str, profile: Option<Browser>) -> String {
    let text = line.trim_end_matches(['\r', '\n']);
    match read(text) {
        Ok(scenario) => simulate_read(&scenario, profile).to_line(text.len() + 256),
        Err((id, e)) => ErrorLine { id, error: e.to_string() }.to_line(),
    }
}

thread_local! {
    /// One scenario reader for every call, as `corsim run` keeps one for a
    /// batch: it remembers the last page origins it read.
    static READER: std::cell::RefCell<Reader> = std::cell::RefCell::new(Reader::new());
}

#[cfg(feature = "explain")]
thread_local! {
    /// The console-message parser, its patterns compiled once for every
    /// paste (`corsim::console::parse::parse` compiles them per call).
    static MESSAGE_PARSER: corsim::console::parse::Parser = corsim::console::parse::Parser::new();
}

/// Read a scenario line through the module's reader.
fn read(text: &str) -> Result<CoreScenario, (Option<String>, InputError)> {
    READER.with(|reader| reader.borrow_mut().parse(text))
}

/// Simulate a scenario through the module's reader (which remembers hosts).
fn simulate_read(scenario: &CoreScenario, profile: Option<Browser>) -> ScenarioVerdict {
    READER.with(|reader| reader.borrow_mut().simulate(scenario, profile.map(Browser::profile)))
}

/// A `field` that starts with `from` renamed to start with `to`.
fn rename_field(mut e: InputError, from: &str, to: &str) -> InputError {
    if let Some(rest) = e.field.strip_prefix(from) {
        e.field = format!("{to}{rest}");
    }
    e
}

/// The `request` argument (FORMAT.md's request shape), read by the core's
/// parser, errors named `request…`.
pub fn parse_request_arg(request: &Value) -> Result<RequestInit, InputError> {
    if request.is_null() {
        return Err(InputError::new("request", "missing"));
    }
    corsim::scenario::parse_request(request).map_err(|e| e.within("request"))
}

/// The scripted server of a `server` map argument, answering as `simulate` does.
pub fn parse_server_arg(origin: &Origin, server: &Value) -> Result<CoreScenario, InputError> {
    let server = corsim::scenario::parse_server(server)?;
    Ok(CoreScenario { id: None, browser: None, origin: origin.clone(), steps: Vec::new(), server, page: Default::default() })
}

/// A response returned by a server function, read by the core's parser
/// (status 100–999, headers as isomorphic `[name, value]` pairs).
pub fn parse_response_value(response: &Value, field: &str) -> Result<HttpResponse, InputError> {
    if !response.is_object() {
        return Err(InputError::new(field, "must be a response object {status, headers}"));
    }
    corsim::scenario::parse_response(response)
        .map(|r| HttpResponse { status: r.status, headers: r.headers, body: Vec::new() })
        .map_err(|e| e.within(field))
}

/// A time in milliseconds from JavaScript: finite, ≥ 0, at most 2^53 - 1;
/// fractions are dropped.
pub fn parse_millis(value: Option<f64>, field: &str) -> Result<u64, InputError> {
    let v = value.ok_or_else(|| InputError::new(field, "must be a number of milliseconds"))?;
    if !v.is_finite() || !(0.0..=9_007_199_254_740_991.0).contains(&v) {
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
    let text = js_to_text(value, field)?;
    serde_json::from_str(&text).map_err(|e| InputError::new(field, format!("cannot be read as JSON: {e}")))
}

/// A JavaScript value's JSON text (`JSON.stringify`; see [`js_to_json`]).
fn js_to_text(value: &JsValue, field: &str) -> Result<String, InputError> {
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        InputError::new(field, format!("cannot be read as JSON: {why}"))
    })?;
    Ok(text_of(&text))
}

#[wasm_bindgen]
extern "C" {
    /// The host's `TextEncoder` (a global in browsers and in Node).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &js_sys::JsString, destination: &js_sys::Uint8Array) -> EncodeIntoResult;
    /// `encodeInto`'s answer: `{read, written}`.
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

/// A scratch buffer on the JavaScript side kept for texts up to this size;
/// a longer one gets a buffer of its own, dropped after it.
const KEPT_SCRATCH: u32 = 1 << 20;

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
    /// The scratch buffer and its length (kept here: asking is a call into
    /// JavaScript). Taken out while in use, so that a JavaScript exception
    /// in between (a buffer too large to make) leaves nothing half-borrowed.
    static SCRATCH: std::cell::Cell<Option<(js_sys::Uint8Array, u32)>> = const { std::cell::Cell::new(None) };
}

/// A JavaScript string as UTF-8, written by the host's
/// `TextEncoder.encodeInto` (lone surrogates become U+FFFD, as wasm-bindgen's
/// own `&str` parameters have them). wasm-bindgen's glue copies an ASCII
/// string into the module one `charCodeAt` at a time, in JavaScript: for a
/// scenario line of 1 KB that was 2.6 µs, a fifth of `simulateLine`; the
/// host's encoder takes 0.15 µs (benches/README.md).
fn text_of(text: &js_sys::JsString) -> String {
    // At most three bytes for each UTF-16 unit (a pair of them is four).
    let room = text.length().saturating_mul(3);
    let (buffer, size) = match SCRATCH.take() {
        Some((buffer, size)) if size >= room => (buffer, size),
        _ => {
            let size = room.max(4096).checked_next_power_of_two().unwrap_or(room);
            (js_sys::Uint8Array::new_with_length(size), size)
        }
    };
    let written = ENCODER.with(|encoder| encoder.encode_into(text, &buffer).written());
    let bytes = buffer.subarray(0, written).to_vec();
    if size <= KEPT_SCRATCH {
        SCRATCH.set(Some((buffer, size)));
    }
    // encodeInto writes UTF-8; the lossy path is never taken.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A string argument (`field` names it in the error for anything else).
fn string_arg(value: &JsValue, field: &str) -> Result<String, JsValue> {
    value.dyn_ref::<js_sys::JsString>().map(text_of).ok_or_else(|| js_error(&InputError::new(field, "must be a string")))
}

/// A Rust value as a plain JavaScript object (`null` for `None`, objects for
/// maps): its JSON text, read by `JSON.parse`. One serializer (serde_json's,
/// which `simulateLine` needs anyway) instead of a second one building the
/// objects call by call: a smaller module, and faster.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| js_error(&InputError::new("result", format!("cannot be converted: {e}"))))?;
    js_sys::JSON::parse(&text)
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
    // An object goes through its JSON text too: the typed reader on text is
    // faster than building a `serde_json::Value` and reading that.
    let text = match scenario.dyn_ref::<js_sys::JsString>() {
        Some(text) => text_of(text),
        None if scenario.is_undefined() || scenario.is_null() => {
            return Err(js_error(&InputError::new("scenario", "missing")))
        }
        None => js_to_text(&scenario, "scenario").map_err(|e| js_error(&e))?,
    };
    let verdict = simulate_text(&text, profile).map_err(|e| js_error(&e))?;
    Ok(Ts::new_unchecked(to_js(&verdict)?))
}

/// Simulate one line of a scenario file and return the verdict line that
/// `corsim run` writes for it, byte for byte (an `{"id", "error"}` line for a
/// line it cannot read: this one does not throw for bad scenarios).
#[wasm_bindgen(js_name = simulateLine)]
pub fn simulate_line_js(
    #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<String, JsValue> {
    let profile = read_profile(options)?;
    Ok(simulate_line(&string_arg(&line, "line")?, profile))
}

/// Explain one `fetch()` from a page of `origin` (`corsim::explain`): how
/// the request is classified and why, every exchange with its checks, what
/// script can read, the console messages, and the smallest server change that
/// makes it pass, verified by running the engine again. The same structure as
/// `corsim explain --json`. `server` is a FORMAT.md `server` map or a function
/// from request to response, as for `Page.fetch`; the cache starts empty.
#[cfg(feature = "explain")]
#[wasm_bindgen]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Server")] server: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<Ts<Explanation>, JsValue> {
    let browser = read_profile(options)?.unwrap_or(Browser::Chromium);
    let origin = read_origin(&origin)?;
    let (init, mut responder) = read_call(&origin, &request, &server)?;
    let explanation =
        corsim::explain::explain(browser.profile(), origin, &init, |req| responder.answer_or_remember(req));
    responder.rethrow()?;
    Ok(Ts::new_unchecked(to_js(&explanation)?))
}

/// Read a pasted console error back: the messages recognized (any of the
/// three browsers, follow-up lines and wrapping included), the facts they
/// give, what the browser did in plain words, and the scenario line that
/// reproduces it (for `simulate` or `explain`), each fact the message leaves
/// out listed with the value assumed. Text with no known message gives no
/// messages; this never throws for text.
#[cfg(feature = "explain")]
#[wasm_bindgen(js_name = parseMessage)]
pub fn parse_message(text: &str) -> Result<Ts<corsim::console::facts::MessageReport>, JsValue> {
    let reading = MESSAGE_PARSER.with(|parser| parser.read(text));
    Ok(Ts::new_unchecked(to_js(&corsim::console::facts::MessageReport::new(&reading, reading.facts()))?))
}

/// `Record<string, ScriptedUrl> | ((request: WireRequest) => ResponseInit)`.
#[wasm_bindgen(typescript_custom_section)]
const SERVER_TYPE: &str = r#"
/**
 * What answers the requests a fetch sends: a map in the scenario format's
 * `server` shape (404 for an unlisted URL, `Content-Length: 0` added, as in
 * `simulate`), or a function from each request (preflights included) to its
 * response, returned synchronously.
 */
export type Server = Record<string, ScriptedUrl> | ((request: WireRequest) => ResponseInit);

/** The name of a browser profile (the core's `Browser`). */
export type ProfileName = Browser;
"#;

fn read_origin(origin: &JsValue) -> Result<Origin, JsValue> {
    let origin = origin.as_string().ok_or_else(|| js_error(&InputError::new("origin", "must be a string")))?;
    Origin::parse(&origin).map_err(|e| js_error(&e))
}

/// The request and the server of a `fetch`/`explain` call, read by the core's parsers.
fn read_call(origin: &Origin, request: &JsValue, server: &JsValue) -> Result<(RequestInit, Responder), JsValue> {
    let request = js_to_json(request, "request").map_err(|e| js_error(&e))?;
    let init = parse_request_arg(&request).map_err(|e| js_error(&e))?;
    let server = match server.dyn_ref::<js_sys::Function>() {
        Some(f) => ServerKind::Function(f.clone()),
        None if server.is_undefined() || server.is_null() => {
            return Err(js_error(&InputError::new("server", "missing: a server map or a function")))
        }
        None => {
            let map = js_to_json(server, "server").map_err(|e| js_error(&e))?;
            ServerKind::Map(Box::new(parse_server_arg(origin, &map).map_err(|e| js_error(&e))?))
        }
    };
    Ok((init, Responder { server, sent: 0, error: None }))
}

enum ServerKind {
    /// A FORMAT.md server map, answered as `simulate` answers it.
    Map(Box<CoreScenario>),
    /// A JavaScript function from request to response.
    Function(js_sys::Function),
}

/// Answers the requests of one call.
struct Responder {
    server: ServerKind,
    sent: usize,
    /// `explain`'s first server error (see `answer_or_remember`).
    #[cfg_attr(not(feature = "explain"), allow(dead_code))]
    error: Option<JsValue>,
}

impl Responder {
    fn answer(&mut self, req: &corsim::HttpRequest) -> Result<HttpResponse, JsValue> {
        let index = self.sent;
        self.sent += 1;
        match &self.server {
            ServerKind::Map(scenario) => Ok(scenario.answer(req)),
            ServerKind::Function(f) => {
                let field = format!("server(requests[{index}])");
                let returned = f.call1(&JsValue::NULL, &to_js(&WireRequest::from(req))?)?;
                if returned.is_instance_of::<js_sys::Promise>() {
                    return Err(js_error(&InputError::new(
                        field,
                        "returned a Promise: the function must return the response itself",
                    )));
                }
                let value = js_to_json(&returned, &field).map_err(|e| js_error(&e))?;
                parse_response_value(&value, &field).map_err(|e| js_error(&e))
            }
        }
    }

    /// For `explain`, whose server closure cannot fail (it also runs the
    /// server again to verify the fix): the first error is kept (and thrown
    /// by [`Responder::rethrow`]); later requests get no answer at all.
    #[cfg(feature = "explain")]
    fn answer_or_remember(&mut self, req: &corsim::HttpRequest) -> HttpResponse {
        if self.error.is_some() {
            return HttpResponse::new(599);
        }
        match self.answer(req) {
            Ok(response) => response,
            Err(e) => {
                self.error = Some(e);
                HttpResponse::new(599)
            }
        }
    }

    #[cfg(feature = "explain")]
    fn rethrow(&mut self) -> Result<(), JsValue> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
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
    context: PageContext,
    cache: PreflightCache,
}

#[wasm_bindgen]
impl Page {
    /// A page of `origin` (a serialized origin, or `"null"` for a sandboxed
    /// page). `options.profile` picks the browser (default Chromium);
    /// `options.seed` seeds the cache's eviction randomness; `options.page`
    /// describes the page beyond its origin (a scenario's `page` object:
    /// its URL, secure context, address spaces, Local Network Access
    /// permission, `Cross-Origin-Embedder-Policy`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
        options: Option<Ts<PageOptions>>,
    ) -> Result<Page, JsValue> {
        let origin = read_origin(&origin)?;
        let options = match options {
            Some(o) => js_to_json(&o.js_value(), "options").map_err(|e| js_error(&e))?,
            None => Value::Null,
        };
        // `page` is the Page's own option (simulate's scenario carries its page).
        let browser = profile_option(&options, "options", true).map_err(|e| js_error(&e))?.unwrap_or(Browser::Chromium);
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
        let context = parse_page_option(&options).map_err(|e| js_error(&e))?;
        Ok(Page { browser, origin, context, cache })
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
    /// function's own exception; the page is then left as it was.
    pub fn fetch(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Server")] server: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<Ts<FetchVerdict>, JsValue> {
        let now = Timestamp::from_millis(parse_millis(now_ms.as_f64(), "nowMs").map_err(|e| js_error(&e))?);
        let (init, mut responder) = read_call(&self.origin, &request, &server)?;
        let profile = self.browser.profile();
        // On a thrown error the page keeps the cache it had.
        let mut cache = self.cache.clone();
        let verdict =
            corsim::fetch::try_run_in(profile, self.origin.clone(), &self.context, &init, &mut cache, now, |req| {
                responder.answer(req)
            })?;
        self.cache = cache;
        Ok(Ts::new_unchecked(to_js(&FetchVerdict::new(profile, &self.origin, verdict))?))
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

#[cfg(feature = "explain")]
#[wasm_bindgen]
impl Page {
    /// `fetch` explained (`corsim::explain`): the classification and why,
    /// every exchange with its checks, what script can read, the console
    /// messages and the verified fix, as `corsim explain --json` gives it.
    /// Uses and updates this page's preflight cache, like `fetch`.
    pub fn explain(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Server")] server: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<Ts<Explanation>, JsValue> {
        let now = Timestamp::from_millis(parse_millis(now_ms.as_f64(), "nowMs").map_err(|e| js_error(&e))?);
        let (init, mut responder) = read_call(&self.origin, &request, &server)?;
        let mut cache = self.cache.clone();
        let explanation = corsim::explain::explain_in(
            self.browser.profile(),
            self.origin.clone(),
            &self.context,
            &init,
            &mut cache,
            now,
            |req| responder.answer_or_remember(req),
        );
        responder.rethrow()?;
        self.cache = cache;
        Ok(Ts::new_unchecked(to_js(&explanation)?))
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
