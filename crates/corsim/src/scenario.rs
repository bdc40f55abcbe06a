//! Scenarios (`tests/corpus/FORMAT.md`, format v1): a page's fetches
//! against a scripted server, simulated step by step, and the verdict lines
//! the format defines. Behind the `serde` feature.
//!
//! ```
//! let line = r#"{"id":"demo","origin":"https://app.example","steps":[{"at_ms":0,"request":
//!   {"url":"https://api.example/x","method":"GET","headers":[]}}],
//!   "server":{"https://api.example/x":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}}}"#;
//! let scenario = corsim::scenario::Scenario::parse(line).unwrap();
//! let verdict = scenario.simulate(None);
//! assert_eq!(verdict.steps[0].result.kind, "cors");
//! assert_eq!(verdict.steps[0].result.headers.as_ref().unwrap(), &["content-length"]);
//! ```

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use url::Url;

#[cfg(feature = "messages")]
use crate::console::facts::{Implied, Rerun};
use crate::console::reason_name;
use crate::error::InputError;
use crate::fetch::{Fetch, Verdict};
use crate::initiator::{Initiated, PageEvent};
use crate::header_list::{isomorphic_decode, isomorphic_encode, isomorphic_encode_borrowed, HeaderList, TokenList};
use crate::request::{CrossOrigin, Initiator};
use crate::origin::Origin;
use crate::page::PageContext;
use crate::preflight::HttpRequest;
use crate::preflight_cache::PreflightCache;
use crate::profile::{Browser, Profile};
use crate::request::{CredentialsMode, Mode, RedirectMode, RequestInit};
use crate::response::HttpResponse;
use crate::time::Timestamp;
use crate::url_parser::UrlParser;

/// The hasher for a scenario's URLs: foldhash, seeded per map (a line's keys
/// are input; SipHash cost more than the lookups it protects).
type UrlHasher = foldhash::fast::RandomState;

/// One scripted response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptedResponse {
    /// Status code.
    pub status: u16,
    /// Headers, byte for byte, in order.
    pub headers: HeaderList,
    /// The body's bytes (empty unless the scenario gives `body`); only its
    /// length matters to CORS, as the `Content-Length` the server adds.
    pub body: Vec<u8>,
}

/// What the server answers for one URL: scripted answers, or a CORS
/// library's model.
///
/// ```
/// let line = r#"{"origin":"https://app.example","steps":[{"request":{"url":"https://api.example/items","method":"PUT"}}],
///   "server":{"https://api.example/items":{"model":{"library":"express-cors","options":{"origin":["https://app.example"]}}}}}"#;
/// let verdict = corsim::scenario::Scenario::parse(line).unwrap().simulate(None);
/// assert_eq!(verdict.steps[0].result.kind, "cors");
/// assert_eq!(verdict.steps[0].server_saw.len(), 2, "the preflight, answered by the model, then the PUT");
/// let both = line.replace(r#"{"model""#, r#"{"actual":{"status":200},"model""#);
/// let error = corsim::scenario::Scenario::parse(&both).unwrap_err().1;
/// assert!(error.to_string().contains("a URL answered by a model has no scripted answers"), "{error}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptedUrl {
    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`).
    pub preflight: Option<ScriptedResponse>,
    /// The answer to every other request.
    pub actual: Option<ScriptedResponse>,
    /// A CORS library's model answering every request to the URL instead
    /// (`"model": {"library": ..., "options": ...}`, as `corsim check` reads
    /// it), in front of a route that answers 200.
    pub model: Option<Model>,
}

/// A `model` server's model: the library's (`corsim::server_model`).
#[cfg(feature = "server-models")]
pub type Model = crate::server_model::ServerModel;
/// A `model` server's model: none in a build without the `server-models`
/// feature, whose reader refuses `model` (the WebAssembly core module; the
/// npm package's `corsim/explain` module has them).
#[cfg(not(feature = "server-models"))]
pub type Model = std::convert::Infallible;

impl ScriptedUrl {
    /// The scripted answer to `request`: the preflight answer for an
    /// `OPTIONS` carrying `Access-Control-Request-Method`, the actual
    /// answer otherwise.
    pub fn for_request(&self, request: &HttpRequest) -> Option<&ScriptedResponse> {
        let is_preflight = request.method == "OPTIONS" && request.headers.contains("access-control-request-method");
        if is_preflight {
            self.preflight.as_ref()
        } else {
            self.actual.as_ref()
        }
    }
}

/// One fetch of a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioStep {
    /// Milliseconds after the first step.
    pub at_ms: u64,
    /// The `fetch()` arguments.
    pub request: RequestInit,
}

/// A scenario: a page, its fetches, and a scripted server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Its id.
    pub id: Option<String>,
    /// The recording browser, e.g. `"Chromium 156.0.8078.73"`.
    pub browser: Option<String>,
    /// The page's origin.
    pub origin: Origin,
    /// The fetches, in order.
    pub steps: Vec<ScenarioStep>,
    /// The server, by URL.
    pub server: HashMap<String, ScriptedUrl, UrlHasher>,
    /// The page beyond its origin (the optional `page` object), for the
    /// checks around CORS.
    pub page: PageContext,
}

/// The verdict for one step, in FORMAT.md's shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StepVerdict {
    /// The requests the server received.
    pub server_saw: Vec<SawRequest>,
    /// What `fetch()` gave the page.
    pub result: StepResult,
    /// The browser's name for the CORS failure, or `null`.
    pub cors_error: Option<String>,
    /// The console messages.
    pub console: Vec<String>,
}

/// A request as the recording server logs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SawRequest {
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// `origin` and `access-control-request-*` headers, lower-case names.
    pub headers: Vec<(String, String)>,
}

/// `result` of a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StepResult {
    /// `basic`, `cors`, `opaque`, `opaqueredirect` or `error`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `response.status` (absent for errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Readable header names (absent for errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(type = "string[]", optional))]
    pub headers: Option<TokenList>,
}

/// The verdict line for a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ScenarioVerdict {
    /// The scenario's id.
    pub id: Option<String>,
    /// One verdict per step.
    pub steps: Vec<StepVerdict>,
}

impl ScenarioVerdict {
    /// The verdict as the JSON line `corsim run` writes (and `simulateLine`
    /// returns), without its newline, serialized into one buffer of
    /// `capacity` bytes (a verdict is about as long as the line read).
    #[inline]
    pub fn to_line(&self, capacity: usize) -> String {
        json_line(self, capacity)
    }

    /// The same line and its newline, appended to `out`: a batch writes
    /// many lines into one buffer, with no string of its own per line.
    ///
    /// ```
    /// use corsim::scenario::Scenario;
    /// let line = r#"{"id":"a","origin":"https://app.example","steps":[{"request":{"url":"https://api.example/"}}]}"#;
    /// let verdict = Scenario::parse(line).unwrap().simulate(None);
    /// let mut out = b"before\n".to_vec();
    /// verdict.write_line(&mut out);
    /// assert_eq!(out, format!("before\n{}\n", verdict.to_line(0)).into_bytes());
    /// ```
    pub fn write_line(&self, out: &mut Vec<u8>) {
        write_json_line(self, out);
    }
}

impl ErrorLine {
    /// The error as the JSON line `corsim run` writes, without its newline.
    #[inline]
    pub fn to_line(&self) -> String {
        json_line(self, 64 + self.error.len())
    }

    /// The same line and its newline, appended to `out`.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        write_json_line(self, out);
    }
}

/// A value as one JSON line. Serializing these types cannot fail (string
/// keys, no custom errors); if it ever did, the line says so. Inlined (as
/// the `to_line`s are): out of line, the WebAssembly core grew 5 KB.
#[inline]
fn json_line<T: Serialize>(value: &T, capacity: usize) -> String {
    let mut bytes = Vec::with_capacity(capacity);
    let written = serde_json::to_writer(&mut bytes, value);
    match written.and_then(|()| String::from_utf8(bytes).map_err(serde::ser::Error::custom)) {
        Ok(line) => line,
        Err(e) => unserializable(&e),
    }
}

/// [`json_line`] appended to `out` with its newline; on the error that
/// cannot happen, what was written of the value is taken back first.
fn write_json_line<T: Serialize>(value: &T, out: &mut Vec<u8>) {
    let start = out.len();
    if let Err(e) = serde_json::to_writer(&mut *out, value) {
        out.truncate(start);
        out.extend_from_slice(unserializable(&e).as_bytes());
    }
    out.push(b'\n');
}

/// The line said for a value that could not be serialized (inlined like
/// [`json_line`]: out of line, with its own formatting, the WebAssembly
/// modules grew 0.3 KB gzipped).
#[inline]
fn unserializable(e: &serde_json::Error) -> String {
    format!("{{\"id\":null,\"error\":{}}}", serde_json::Value::from(format!("cannot serialize verdict: {e}")))
}

/// The line for a scenario that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ErrorLine {
    /// The id, when it could be read.
    pub id: Option<String>,
    /// What is wrong, naming the field.
    pub error: String,
}

/// Reads scenario lines one after another, as [`Scenario::parse`] does,
/// remembering the last few page origins it read, and simulates them,
/// remembering the last few hosts requested ([`UrlParser`]). A batch names
/// the same page and the same servers in line after line, and parsing a
/// URL's host is most of what parsing the URL costs. It holds at most
/// [`Reader::ORIGINS`] origins and [`UrlParser::REMEMBERED`] hosts, so its
/// memory does not grow with the batch.
///
/// ```
/// use corsim::scenario::Reader;
/// let mut reader = Reader::new();
/// let line = r#"{"origin":"https://app.example","steps":[{"request":{"url":"https://api.example/x"}}]}"#;
/// let first = reader.parse(line).unwrap();
/// let again = reader.parse(line).unwrap();
/// assert_eq!(first.origin, again.origin);
/// assert_eq!(reader.simulate(&again, None), first.simulate(None));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Reader {
    /// The origins read, as written in the line, the latest last.
    origins: Vec<(String, Origin)>,
    /// The URL parser the scenarios read are simulated with.
    urls: UrlParser,
}

impl Reader {
    /// How many page origins a reader remembers.
    pub const ORIGINS: usize = 8;

    /// A reader that remembers nothing yet.
    pub fn new() -> Reader {
        Reader::default()
    }

    /// [`Scenario::parse_bytes`], remembering the page's origin.
    pub fn parse_bytes(&mut self, line: &[u8]) -> Result<Scenario, (Option<String>, InputError)> {
        match std::str::from_utf8(line) {
            Ok(text) => self.parse(text),
            Err(e) => {
                let at = e.valid_up_to();
                let byte = line[at];
                Err((
                    None,
                    InputError::new(
                        "line",
                        format!(
                            "is not UTF-8: byte 0x{byte:02X} at offset {at} does not start or continue a UTF-8 character (scenario files are UTF-8; a header byte 0x{byte:02X} is written as the character U+00{byte:02X}, \"\\u00{:02x}\" in JSON)",
                            byte
                        ),
                    ),
                ))
            }
        }
    }

    /// [`Scenario::parse`], remembering the page's origin.
    pub fn parse(&mut self, line: &str) -> Result<Scenario, (Option<String>, InputError)> {
        // The fast path reads the line straight into typed fields; anything it
        // does not take (an error, or an odd but valid shape) goes through the
        // generic reader, which names the field that is wrong.
        if let Some(scenario) =
            serde_json::from_str::<Obj<RawScenario>>(line).ok().and_then(|Obj(raw)| raw.into_scenario(self))
        {
            return Ok(scenario);
        }
        let value: Value = serde_json::from_str(line)
            .map_err(|e| (None, InputError::new("line", format!("not valid JSON: {e}"))))?;
        let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
        Scenario::from_value(&value).map_err(|e| (id, e))
    }

    /// The page origin written as `text`: remembered, or parsed and then
    /// remembered (the oldest forgotten past [`Reader::ORIGINS`]).
    fn origin(&mut self, text: &str) -> Result<Origin, InputError> {
        if let Some((_, origin)) = self.origins.iter().rev().find(|(known, _)| known == text) {
            return Ok(origin.clone());
        }
        let origin = Origin::parse(text)?;
        if self.origins.len() == Reader::ORIGINS {
            self.origins.remove(0);
        }
        self.origins.push((text.to_owned(), origin.clone()));
        Ok(origin)
    }

    /// [`Scenario::simulate`], remembering the hosts requested.
    pub fn simulate(&mut self, scenario: &Scenario, profile: Option<&Profile>) -> ScenarioVerdict {
        scenario.simulate_with(profile, &mut self.urls)
    }
}

impl Scenario {
    /// Read one scenario line as bytes: [`Scenario::parse`], after checking
    /// that the line is UTF-8 (a scenario file is), naming the first byte
    /// that is not. A batch reads faster through a [`Reader`].
    pub fn parse_bytes(line: &[u8]) -> Result<Scenario, (Option<String>, InputError)> {
        Reader::new().parse_bytes(line)
    }

    /// Read one scenario line. The error names the field that is wrong:
    /// an unknown field (with the known one it is nearest to), a missing
    /// one, or a malformed value, each with its own message; a field of the
    /// format corsim cannot yet simulate (an initiator other than `fetch()`)
    /// is named as such. A batch reads faster through a [`Reader`].
    pub fn parse(line: &str) -> Result<Scenario, (Option<String>, InputError)> {
        Reader::new().parse(line)
    }

    /// Read a scenario from a JSON value.
    pub fn from_value(value: &Value) -> Result<Scenario, InputError> {
        let obj = value.as_object().ok_or_else(|| InputError::new("line", "a scenario is a JSON object"))?;
        known_fields(obj, SCENARIO_FIELDS)?;
        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(InputError::new("id", "must be a string")),
        };
        let browser = match obj.get("browser") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(InputError::new("browser", "must be a string")),
        };
        let origin_str = obj
            .get("origin")
            .ok_or_else(|| InputError::new("origin", "missing"))?
            .as_str()
            .ok_or_else(|| InputError::new("origin", "must be a string"))?;
        let origin = Origin::parse(origin_str)?;
        let steps_v = obj
            .get("steps")
            .ok_or_else(|| InputError::new("steps", "missing"))?
            .as_array()
            .ok_or_else(|| InputError::new("steps", "must be an array"))?;
        let mut steps = Vec::with_capacity(steps_v.len());
        for (i, s) in steps_v.iter().enumerate() {
            steps.push(parse_step(s).map_err(|e| e.within(&format!("steps[{i}]")))?);
        }
        let server = match obj.get("server") {
            None | Some(Value::Null) => HashMap::default(),
            Some(v) => parse_server(v)?,
        };
        let page = match obj.get("page") {
            None | Some(Value::Null) => PageContext::default(),
            Some(v) => PageContext::from_json(v).map_err(|e| e.within("page"))?,
        };
        Ok(Scenario { id, browser, origin, steps, server, page })
    }

    /// The profile for this scenario: `profile` when given, else the one its
    /// `browser` field names, else Chromium.
    pub fn profile<'a>(&self, profile: Option<&'a Profile>) -> &'a Profile {
        match profile {
            Some(p) => p,
            None => self
                .browser
                .as_deref()
                .and_then(Browser::from_name)
                .map(Browser::profile)
                .unwrap_or(&Profile::CHROMIUM),
        }
    }

    /// What the scripted server answers: the preflight answer for an
    /// `OPTIONS` carrying `Access-Control-Request-Method`, the actual answer
    /// otherwise, 404 for unlisted URLs; then the recording server's
    /// `Content-Length` (the body's length, 0 without a `body`).
    pub fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let server = self.server.get(without_fragment(&request.url));
        let chosen = server.and_then(|s| s.for_request(request));
        let model = server.and_then(|s| s.model.as_ref());
        let (mut response, body_length) = match (chosen, model) {
            // Room for the Content-Length added below.
            (Some(r), _) => {
                let headers = r.headers.clone_with_room(1, 34);
                (HttpResponse { status: r.status, headers, body: r.body.clone() }, r.body.len())
            }
            #[cfg(feature = "server-models")]
            (None, Some(model)) => (model.answer(request), 0),
            #[cfg(not(feature = "server-models"))]
            (None, Some(never)) => match *never {},
            (None, None) => (HttpResponse::new(404), 0),
        };
        let no_length = (100..200).contains(&response.status) || response.status == 204 || response.status == 304;
        if !no_length && !response.headers.contains("content-length") {
            response.headers.append("Content-Length", itoa::Buffer::new().format(body_length));
        }
        response
    }

    /// The scripted response for a request, if the scenario gives one: the
    /// preflight answer for an `OPTIONS` carrying
    /// `Access-Control-Request-Method`, the actual answer otherwise.
    pub fn scripted(&self, request: &HttpRequest) -> Option<&ScriptedResponse> {
        self.server.get(without_fragment(&request.url))?.for_request(request)
    }

    /// Run every step against the scripted server, one preflight cache
    /// shared across the steps, `at_ms` as the clock.
    pub fn simulate(&self, profile: Option<&Profile>) -> ScenarioVerdict {
        self.simulate_with(profile, &mut UrlParser::new())
    }

    /// [`Scenario::simulate`], the requests' URLs parsed by `urls` (which
    /// remembers hosts from scenario to scenario: [`Reader::simulate`]).
    pub fn simulate_with(&self, profile: Option<&Profile>, urls: &mut UrlParser) -> ScenarioVerdict {
        let profile = self.profile(profile);
        let mut cache = PreflightCache::new();
        let mut fonts = 0;
        let steps = self
            .steps
            .iter()
            .map(|step| {
                // The recorder's @font-face rules are named in order (FORMAT.md).
                let named;
                let request = if step.request.initiator == Initiator::Font && step.request.font_family.is_none() {
                    fonts += 1;
                    named = RequestInit { font_family: Some(format!("corsim-font-{fonts}")), ..step.request.clone() };
                    &named
                } else {
                    &step.request
                };
                let now = Timestamp::from_millis(step.at_ms);
                let mut fetch = Fetch::in_page_with_parser(profile, self.origin.clone(), &self.page, request, urls);
                fetch.record_events(false);
                let mut run =
                    crate::initiator::run_fetch(profile, self.origin.clone(), request, fetch, &mut cache, now, |r| self.answer(r));
                // The run is ours: its console lines and reason move into the verdict.
                let console = std::mem::take(&mut run.verdict.console);
                let reason = run.reason.take();
                initiated_verdict(&self.origin, request, &run.verdict, &run.event, console, reason)
            })
            .collect();
        ScenarioVerdict { id: self.id.clone(), steps }
    }
}

/// The FORMAT.md verdict of one fetch.
pub fn step_verdict(profile: &Profile, origin: &Origin, verdict: &Verdict) -> StepVerdict {
    let cors_error = verdict.outcome.as_ref().err().and_then(|f| reason_name(profile, origin, f));
    step_verdict_with(verdict, verdict.console.clone(), cors_error)
}

/// [`step_verdict`] with the console lines and the reason name given.
fn step_verdict_with(verdict: &Verdict, console: Vec<String>, cors_error: Option<String>) -> StepVerdict {
    let server_saw = verdict
        .requests
        .iter()
        .map(|r| SawRequest {
            method: r.method.clone(),
            url: without_fragment(&r.url).to_owned(),
            headers: crate::fetch::cors_request_headers(&r.headers),
        })
        .collect();
    let result = match &verdict.outcome {
        Ok(r) => StepResult { kind: r.kind.to_string(), status: Some(r.status), headers: Some(r.headers.clone()) },
        Err(_) => StepResult { kind: "error".into(), status: None, headers: None },
    };
    StepVerdict { server_saw, result, cors_error, console }
}

/// The FORMAT.md verdict of one request made by any initiator: the
/// requests and the console as for `fetch()`, and `result` in the
/// initiator's shape (XHR's `basic` or `cors` by the URLs, as its page
/// sees them; an element's `loaded` or `error`; a beacon's `queued`).
/// (`profile` is not needed: the run's reason already names the failure as
/// the profile's browser does.)
pub fn initiated_step_verdict(_profile: &Profile, origin: &Origin, init: &RequestInit, run: &Initiated) -> StepVerdict {
    initiated_verdict(origin, init, &run.verdict, &run.event, run.verdict.console.clone(), run.reason.clone())
}

/// [`initiated_step_verdict`] with the run's console lines and reason name given.
fn initiated_verdict(
    origin: &Origin,
    init: &RequestInit,
    fetched: &Verdict,
    event: &PageEvent,
    console: Vec<String>,
    reason: Option<String>,
) -> StepVerdict {
    let mut verdict = step_verdict_with(fetched, console, reason);
    let kind = |k: &str| StepResult { kind: k.to_owned(), status: None, headers: None };
    match (init.initiator, event) {
        (Initiator::Fetch, _) => {}
        (Initiator::Xhr, PageEvent::Response) => {
            // XHR does not expose tainting: the page tells basic from cors by
            // its URL and responseURL.
            let final_url = fetched.requests.last().map(|r| &r.url);
            let same = |u: Option<&Url>| u.is_some_and(|u| origin.same_origin_with_url(u));
            let first = Url::parse(&init.url).ok();
            let basic = same(first.as_ref()) && same(final_url);
            verdict.result.kind = if basic { "basic" } else { "cors" }.to_owned();
        }
        (_, PageEvent::Load) => verdict.result = kind("loaded"),
        (_, PageEvent::Queued) => verdict.result = kind("queued"),
        (_, PageEvent::Error { .. } | PageEvent::NetworkError) => verdict.result = kind("error"),
        (_, PageEvent::Response) => {}
    }
    verdict
}

/// A scenario line as typed fields: what [`Scenario::parse`] reads first.
/// It accepts no more than [`Scenario::from_value`] does. With the `tsify`
/// feature it is also the TypeScript `Scenario` type (FORMAT.md's shape).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null, rename = "Scenario"))]
struct RawScenario {
    /// Its id, echoed in the verdict.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    id: Option<String>,
    /// The recording browser (e.g. `"Chromium 156.0.8078.73"`): picks the
    /// profile unless one is given.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    browser: Option<String>,
    /// The page's serialized origin, or `"null"` for an opaque origin.
    origin: String,
    /// The fetches, in order, sharing one preflight cache.
    #[cfg_attr(feature = "tsify", tsify(type = "ScenarioStep[]"))]
    steps: Vec<Obj<RawStep>>,
    /// The scripted server, by URL; an unlisted URL answers 404.
    #[cfg_attr(feature = "tsify", tsify(optional, type = "Record<string, ScriptedUrl>"))]
    server: Option<RawServer>,
    /// The page beyond its origin (FORMAT.md § page: URL, secure context,
    /// address spaces, COEP, Local Network Access permission).
    #[cfg_attr(feature = "tsify", tsify(optional, type = "Record<string, unknown>"))]
    page: Option<Value>,
    /// The recorded browser's answers: not read by the simulation.
    #[serde(default, rename = "expect")]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "unknown[]"))]
    _expect: Option<serde::de::IgnoredAny>,
    /// The facts a scenario implied by a console message assumed: not read
    /// by the simulation.
    #[serde(default, rename = "unknown")]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "{ fact: string, assumed: string }[]"))]
    _unknown: Option<serde::de::IgnoredAny>,
}

/// One fetch of a scenario.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null, rename = "ScenarioStep"))]
struct RawStep {
    /// Milliseconds after the first step (default 0).
    #[cfg_attr(feature = "tsify", tsify(optional))]
    at_ms: Option<u64>,
    /// The `fetch()` arguments.
    #[cfg_attr(feature = "tsify", tsify(type = "RequestInit"))]
    request: Obj<RawRequest>,
}

/// The arguments of `fetch(url, init)`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null, rename = "RequestInit"))]
struct RawRequest {
    /// The absolute URL.
    url: String,
    /// The method as script writes it (default `"GET"`).
    #[cfg_attr(feature = "tsify", tsify(optional))]
    method: Option<String>,
    /// `[name, value]` pairs in order, every character at most U+00FF (one per byte).
    #[cfg_attr(feature = "tsify", tsify(optional))]
    headers: Option<Vec<(String, String)>>,
    /// Default `"cors"`.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    mode: Option<Mode>,
    /// Default `"same-origin"`.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    credentials: Option<CredentialsMode>,
    /// Default `"follow"`.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    redirect: Option<RedirectMode>,
    /// What makes the request (default `"fetch"`); FORMAT.md says which
    /// fields each initiator has.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    initiator: Option<Initiator>,
    /// An element's `crossorigin` attribute (absent: no attribute).
    #[cfg_attr(feature = "tsify", tsify(optional))]
    crossorigin: Option<CrossOrigin>,
    /// The body, one character per byte (`fetch`, `xhr`, `beacon`).
    #[cfg_attr(feature = "tsify", tsify(optional))]
    body: Option<String>,
    /// `fetch(url, {keepalive: true})`.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    keepalive: Option<bool>,
    /// XHR: a `progress` listener on `xhr.upload` before `send()`.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    upload_listener: Option<bool>,
    /// `fetch(url, {targetAddressSpace})`: `"loopback"`, `"local"` or `"public"`.
    #[cfg_attr(feature = "tsify", tsify(optional, type = "\"loopback\" | \"local\" | \"public\""))]
    target_address_space: Option<String>,
}

/// What the scripted server answers for one URL.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null, rename = "ScriptedUrl"))]
struct RawUrl {
    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "ResponseInit"))]
    preflight: Option<RawResponse>,
    /// The answer to every other request.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "ResponseInit"))]
    actual: Option<RawResponse>,
    /// A CORS library's model answering every request to the URL instead:
    /// `{library, options}` as `corsim check` reads them (read by the
    /// generic reader).
    #[serde(default)]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "{ library: string; options: Record<string, unknown> }"))]
    model: Option<Value>,
}

/// A response: status (100 to 999), headers and an optional body.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null, rename = "ResponseInit"))]
struct RawResponse {
    /// The status code, 100 to 999.
    status: u64,
    /// `[name, value]` pairs, byte for byte (characters at most U+00FF), in order, duplicates kept.
    #[cfg_attr(feature = "tsify", tsify(optional, type = "[string, string][]"))]
    headers: Option<RawHeaders>,
    /// The body, one character per byte, after the headers.
    #[cfg_attr(feature = "tsify", tsify(optional))]
    body: Option<String>,
}

/// The scripted server's entries in the line's order, without hashing
/// the raw keys (the keys that count are made from them). A URL named
/// twice is caught when those are made, and the generic reader judges it.
struct RawServer(Vec<(String, Obj<RawUrl>)>);

impl<'de> serde::Deserialize<'de> for RawServer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = RawServer;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object keyed by URL")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawServer, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(2));
                while let Some(entry) = map.next_entry::<String, Obj<RawUrl>>()? {
                    entries.push(entry);
                }
                Ok(RawServer(entries))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// A response's `[[name, value], ...]` read straight into a header list,
/// each name and value borrowed from the line when its JSON has no escape:
/// no string per header. A character above U+00FF is an error here; the
/// generic reader then names it.
struct RawHeaders(HeaderList);

impl<'de> serde::Deserialize<'de> for RawHeaders {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = RawHeaders;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of [name, value] pairs")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawHeaders, A::Error> {
                // Room for a typical response (JSON gives no length ahead).
                let mut list = HeaderList::with_capacity(seq.size_hint().unwrap_or(6), 192);
                while let Some((BorrowedText(name), BorrowedText(value))) = seq.next_element()? {
                    match (isomorphic_encode_borrowed(&name), isomorphic_encode_borrowed(&value)) {
                        (Some(n), Some(v)) => list.append(n, v),
                        _ => return Err(serde::de::Error::custom("a character above U+00FF")),
                    }
                }
                Ok(RawHeaders(list))
            }
        }
        d.deserialize_seq(Pairs)
    }
}

/// A JSON string, borrowed from the line when it has no escape.
struct BorrowedText<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for BorrowedText<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = BorrowedText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedText(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(BorrowedText(std::borrow::Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(BorrowedText(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(Text)
    }
}

/// A JSON object, and only an object: serde's derived structs also take an
/// array of their fields in order (`[200, []]` for a response), which the
/// format (and [`Scenario::from_value`]) refuses. `Obj` asks the JSON reader
/// for a map, so both readers accept the same lines.
struct Obj<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Obj<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(MapOnly(d)).map(Obj)
    }
}

/// A deserializer that reads a struct as a map (never as a sequence).
struct MapOnly<D>(D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(v)
    }
    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// A field that may be missing but, when present, is not `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<RawResponse>, D::Error> {
    <Obj<RawResponse> as serde::Deserialize>::deserialize(d).map(|Obj(r)| Some(r))
}

impl RawScenario {
    /// The scenario, or `None` for anything the generic reader must judge.
    fn into_scenario(self, reader: &mut Reader) -> Option<Scenario> {
        let origin = reader.origin(&self.origin).ok()?;
        let steps = self
            .steps
            .into_iter()
            .map(|Obj(step)| {
                let Obj(r) = step.request;
                // The extension's fields are judged by the generic reader.
                if r.initiator.is_some() || r.crossorigin.is_some() || r.body.is_some() || r.keepalive.is_some() || r.upload_listener.is_some() || r.target_address_space.is_some() {
                    return None;
                }
                let headers = r.headers.unwrap_or_default();
                if headers.iter().any(|(n, v)| !is_isomorphic(n) || !is_isomorphic(v)) {
                    return None;
                }
                if r.method.as_deref() == Some("") || r.url.is_empty() || !r.url.contains("://") {
                    return None;
                }
                Some(ScenarioStep {
                    at_ms: step.at_ms.unwrap_or(0),
                    request: RequestInit {
                        url: r.url,
                        method: r.method.unwrap_or_else(|| "GET".to_owned()),
                        headers,
                        mode: r.mode.unwrap_or_default(),
                        credentials: r.credentials.unwrap_or_default(),
                        redirect: r.redirect.unwrap_or_default(),
                        ..RequestInit::default()
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let mut server = HashMap::default();
        for (url, Obj(spec)) in self.server.map(|RawServer(entries)| entries).unwrap_or_default() {
            if spec.model.is_some() {
                return None;
            }
            let response = |r: Option<RawResponse>| -> Option<Option<ScriptedResponse>> {
                let Some(r) = r else { return Some(None) };
                if !(100..=999).contains(&r.status) {
                    return None;
                }
                let headers = r.headers.map(|RawHeaders(list)| list).unwrap_or_default();
                let body = match r.body {
                    Some(b) => isomorphic_encode(&b)?,
                    None => Vec::new(),
                };
                Some(Some(ScriptedResponse { status: r.status as u16, headers, body }))
            };
            let scripted = ScriptedUrl { preflight: response(spec.preflight)?, actual: response(spec.actual)?, model: None };
            // Two keys naming one URL: the generic reader names the error.
            if server.insert(server_key(&url), scripted).is_some() {
                return None;
            }
        }
        let page = match &self.page {
            None | Some(Value::Null) => PageContext::default(),
            Some(v) => PageContext::from_json(v).ok()?,
        };
        Some(Scenario { id: self.id, browser: self.browser, origin, steps, server, page })
    }
}

fn is_isomorphic(s: &str) -> bool {
    s.chars().all(|c| u32::from(c) <= 0xFF)
}

/// Read a scripted server in FORMAT.md's shape (`{url: {preflight?,
/// actual?}}`, each a response as [`parse_response`] reads it) from a JSON
/// value, keyed by URL without its fragment. Errors are named `server[…]`.
///
/// ```
/// use corsim::scenario::parse_server;
/// let server = parse_server(&serde_json::json!({"https://api.example/#top": {"actual": {"status": 200}}})).unwrap();
/// assert!(server["https://api.example/"].actual.is_some());
/// let e = parse_server(&serde_json::json!({"https://api.example/": {"actul": {"status": 200}}})).unwrap_err();
/// assert_eq!(e.field, "server[\"https://api.example/\"].actul");
/// // Two keys that name one URL are an error, whichever order they come in.
/// let e = parse_server(&serde_json::json!({"https://api.example/": {}, "HTTPS://api.example#x": {}})).unwrap_err();
/// assert!(e.message.contains("names the same URL"));
/// ```
pub fn parse_server(v: &Value) -> Result<HashMap<String, ScriptedUrl, UrlHasher>, InputError> {
    let map = v.as_object().ok_or_else(|| InputError::new("server", "must be an object keyed by URL"))?;
    let mut server = HashMap::default();
    for (url, spec) in map {
        let field = format!("server[{url:?}]");
        let spec = spec.as_object().ok_or_else(|| InputError::new(&field, "must be an object"))?;
        known_fields(spec, SERVER_URL_FIELDS).map_err(|e| e.within(&field))?;
        let key = server_key(url);
        if server.contains_key(&key) {
            return Err(InputError::new(
                &field,
                format!("names the same URL as another entry ({key}; keys are URLs without their fragment): merge the two"),
            ));
        }
        let mut scripted = ScriptedUrl::default();
        if let Some(model) = spec.get("model") {
            if let Some(k) = spec.keys().find(|k| *k != "model") {
                return Err(InputError::new(format!("{field}.{k}"), "a URL answered by a model has no scripted answers"));
            }
            scripted.model = Some(read_model(model).map_err(|e| InputError::new(format!("{field}.model"), e))?);
            server.insert(key, scripted);
            continue;
        }
        for (k, v) in spec {
            let parsed = parse_response(v).map_err(|e| e.within(&format!("{field}.{k}")))?;
            if k == "preflight" {
                scripted.preflight = Some(parsed);
            } else {
                scripted.actual = Some(parsed);
            }
        }
        server.insert(key, scripted);
    }
    Ok(server)
}

/// `url` serialized without its fragment, borrowed (a serialized URL's
/// first `#` starts its fragment: the URL parser percent-encodes any other).
fn without_fragment(url: &Url) -> &str {
    let text = url.as_str();
    text.split_once('#').map_or(text, |(before, _)| before)
}

fn server_key(url: &str) -> String {
    // Most keys are written as the URL parser writes them: no parse needed.
    if serializes_as_itself(url) {
        return url.to_owned();
    }
    parsed_key(url)
}

/// A server key through the URL parser: the URL serialized without its
/// fragment, or the text as written when it does not parse.
fn parsed_key(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.into()
        }
        Err(_) => url.to_owned(),
    }
}

/// Whether `text` is an `http:`/`https:` URL in the form the URL parser
/// serializes (WHATWG URL § "URL serializing"): lower-case scheme and host,
/// no default or padded port, a path with no dot segments, no fragment, and
/// only bytes that no percent-encode set touches. Such text parses to a URL
/// whose serialization is the text itself, or fails to parse; either way
/// [`server_key`] gives the text back, so it need not be parsed. Anything
/// unusual (IDNA labels, percent signs in the path, a host that is a number
/// other than four decimal bytes) answers `false` and takes the parser's path.
fn serializes_as_itself(text: &str) -> bool {
    // Byte by byte: the `str` searches cost more than the check itself.
    let (rest, default_port) = if let Some(rest) = text.strip_prefix("http://") {
        (rest.as_bytes(), 80)
    } else if let Some(rest) = text.strip_prefix("https://") {
        (rest.as_bytes(), 443)
    } else {
        return false;
    };
    let host_end = rest.iter().position(|&b| !matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.')).unwrap_or(rest.len());
    let (host, mut rest) = rest.split_at(host_end);
    if host.is_empty() || host.split(|&b| b == b'.').any(|label| label.starts_with(b"xn--")) {
        return false;
    }
    // "Ends in a number": the host is an IPv4 address, canonical only as four
    // decimal numbers under 256 without leading zeros (and no final dot).
    let last = host.strip_suffix(b".").unwrap_or(host).rsplit(|&b| b == b'.').next().unwrap_or_default();
    if !last.is_empty() && (last.iter().all(u8::is_ascii_digit) || last.starts_with(b"0x")) {
        let decimal_byte = |l: &[u8]| match l {
            [b'0'] => true,
            [b'1'..=b'9', ..] if l.len() <= 3 && l.iter().all(u8::is_ascii_digit) => {
                l.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0')) < 256
            }
            _ => false,
        };
        if host.split(|&b| b == b'.').count() != 4 || !host.split(|&b| b == b'.').all(decimal_byte) {
            return false;
        }
    }
    if let Some(after) = rest.strip_prefix(b":") {
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        let port = &after[..digits];
        let value = port.iter().fold(0u32, |n, &d| n.saturating_mul(10).saturating_add(u32::from(d - b'0')));
        if port.is_empty() || port.len() > 5 || (port.len() > 1 && port[0] == b'0') || value > 65535 || value == default_port {
            return false;
        }
        rest = &after[digits..];
    }
    let Some(path_and_query) = rest.strip_prefix(b"/") else { return false };
    let path_end = path_and_query.iter().position(|&b| b == b'?').unwrap_or(path_and_query.len());
    let (path, query) = path_and_query.split_at(path_end);
    let path_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@' | b'/');
    // A special URL's query encodes `'`; `?` and `%` pass there as they are.
    let query_byte = |b: &u8| (path_byte(b) && *b != b'\'') || matches!(b, b'?' | b'%');
    path.iter().all(path_byte)
        && !path.split(|&b| b == b'/').any(|segment| segment == b"." || segment == b"..")
        && query.iter().all(query_byte)
}

/// The fields the format defines, per object (FORMAT.md, with its
/// extension for initiators other than `fetch()`). Any other field is an
/// error naming it.
const SCENARIO_FIELDS: &[&str] = &["id", "browser", "origin", "steps", "server", "page", "expect", "unknown"];
const STEP_FIELDS: &[&str] = &["at_ms", "request"];
const REQUEST_FIELDS: &[&str] = &[
    "url",
    "method",
    "headers",
    "mode",
    "credentials",
    "redirect",
    "initiator",
    "body",
    "keepalive",
    "crossorigin",
    "upload_listener",
    "target_address_space",
];
/// A `model` server's `{library, options}`, accepted only when the library
/// itself would start with those options.
#[cfg(feature = "server-models")]
fn read_model(model: &Value) -> Result<Model, String> {
    let model: Model = serde_json::from_value(model.clone()).map_err(|e| e.to_string())?;
    model.validate().map_err(|e| e.to_string())?;
    Ok(model)
}

/// Without the `server-models` feature, a `model` server is refused.
#[cfg(not(feature = "server-models"))]
fn read_model(_: &Value) -> Result<Model, String> {
    Err("this build has no server models (corsim's `server-models` feature; in the npm package, `corsim/explain`)".to_owned())
}

const SERVER_URL_FIELDS: &[&str] = &["preflight", "actual", "model"];
const RESPONSE_FIELDS: &[&str] = &["status", "headers", "body"];

/// An error for the first field of `obj` that is not in `known`, naming it
/// and the known field nearest to it.
fn known_fields(obj: &serde_json::Map<String, Value>, known: &[&str]) -> Result<(), InputError> {
    let Some(unknown) = obj.keys().find(|k| !known.contains(&k.as_str())) else {
        return Ok(());
    };
    let nearest = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&unknown.to_ascii_lowercase(), k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min();
    let message = match nearest {
        Some((_, k)) => format!("unknown field; did you mean {k:?}?"),
        None => format!("unknown field (the fields here are {})", known.join(", ")),
    };
    Err(InputError::new(unknown.as_str(), message))
}

/// What makes a request (FORMAT.md, "Extension: initiators other than
/// fetch()"): the values of `initiator`, and the fields each may have.
const INITIATORS: &[(&str, &[&str])] = &[
    ("fetch", &["url", "method", "headers", "mode", "credentials", "redirect", "body", "keepalive", "target_address_space"]),
    ("xhr", &["url", "method", "headers", "credentials", "body", "upload_listener"]),
    ("img", &["url", "crossorigin"]),
    ("script", &["url", "crossorigin"]),
    ("module-script", &["url", "crossorigin"]),
    ("stylesheet", &["url", "crossorigin"]),
    ("font", &["url"]),
    ("beacon", &["url", "method", "headers", "body"]),
];

fn parse_step(v: &Value) -> Result<ScenarioStep, InputError> {
    let obj = v.as_object().ok_or_else(|| InputError::new("", "a step is an object"))?;
    known_fields(obj, STEP_FIELDS)?;
    let at_ms = match obj.get("at_ms") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(ms), _, _) => ms,
            (None, Some(_), _) => return Err(InputError::new("at_ms", format!("{n} is negative: a step is at 0 ms or later"))),
            (None, None, Some(f)) if f < 0.0 => {
                return Err(InputError::new("at_ms", format!("{n} is negative: a step is at 0 ms or later")))
            }
            _ => return Err(InputError::new("at_ms", format!("{n} is not a whole number of milliseconds"))),
        },
        Some(other) => return Err(InputError::new("at_ms", format!("must be a number of milliseconds, not {}", kind(other)))),
    };
    let request = obj.get("request").ok_or_else(|| InputError::new("request", "missing"))?;
    let request = parse_request(request).map_err(|e| e.within("request"))?;
    Ok(ScenarioStep { at_ms, request })
}

/// A JSON value's kind, for messages: `a string`, `an array`, …
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Read a `fetch()` request in FORMAT.md's shape (`{url, method?, headers?,
/// mode?, credentials?, redirect?}`) from a JSON value, as a scenario step's
/// `request` is read. The error's field is relative to the request
/// (`url`, `headers[1][1]`); [`InputError::within`] puts a prefix before it.
///
/// ```
/// use corsim::scenario::parse_request;
/// let init = parse_request(&serde_json::json!({"url": "https://api.example/", "method": "PUT"})).unwrap();
/// assert_eq!(init.method, "PUT");
/// assert_eq!(parse_request(&serde_json::json!({"url": 5})).unwrap_err().field, "url");
/// ```
pub fn parse_request(v: &Value) -> Result<RequestInit, InputError> {
    let obj = v.as_object().ok_or_else(|| InputError::new("", "must be an object"))?;
    known_fields(obj, REQUEST_FIELDS)?;
    let initiator = match obj.get("initiator") {
        None | Some(Value::Null) => "fetch",
        Some(Value::String(s)) => INITIATORS.iter().find(|(name, _)| name == s).map(|(name, _)| *name).ok_or_else(|| {
            let names: Vec<&str> = INITIATORS.iter().map(|(n, _)| *n).collect();
            InputError::new("initiator", format!("{s:?} is not one of {}", names.join(", ")))
        })?,
        Some(other) => return Err(InputError::new("initiator", format!("must be a string, not {}", kind(other)))),
    };
    let fields = INITIATORS.iter().find(|(name, _)| *name == initiator).map(|(_, f)| *f).unwrap_or_default();
    if let Some(extra) = obj.keys().find(|k| *k != "initiator" && !fields.contains(&k.as_str())) {
        return Err(InputError::new(
            extra.as_str(),
            format!("is not a field of a request made by {initiator:?} (its fields are {})", fields.join(", ")),
        ));
    }
    let url = match obj.get("url") {
        None => return Err(InputError::new("url", "missing")),
        Some(Value::String(s)) if s.is_empty() => {
            return Err(InputError::new("url", "is empty: give the absolute URL the request goes to"))
        }
        Some(Value::String(s)) => match crate::origin::missing_scheme_error("url", s) {
            Some(e) => return Err(e),
            None => s.clone(),
        },
        Some(other) => return Err(InputError::new("url", format!("must be a string, not {}", kind(other)))),
    };
    let method = match obj.get("method") {
        None | Some(Value::Null) => "GET".to_owned(),
        Some(Value::String(s)) if s.is_empty() => {
            return Err(InputError::new(
                "method",
                "is empty, which is not a method (fetch() throws a TypeError for it); leave the field out for GET",
            ))
        }
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(InputError::new("method", format!("must be a string, not {}", kind(other)))),
    };
    let mut headers: Vec<(String, String)> = match obj.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(h) => parse_header_pairs(h)?
            .into_iter()
            .map(|(n, v)| (isomorphic_decode(&n), isomorphic_decode(&v)))
            .collect(),
    };
    let mode = match enum_field(obj, "mode", &["cors", "no-cors", "same-origin"])? {
        Some("no-cors") => Mode::NoCors,
        Some("same-origin") => Mode::SameOrigin,
        _ => Mode::Cors,
    };
    let credentials = match enum_field(obj, "credentials", &["omit", "same-origin", "include"])? {
        Some("omit") => CredentialsMode::Omit,
        Some("include") => CredentialsMode::Include,
        _ => CredentialsMode::SameOrigin,
    };
    let redirect = match enum_field(obj, "redirect", &["follow", "error", "manual"])? {
        Some("error") => RedirectMode::Error,
        Some("manual") => RedirectMode::Manual,
        _ => RedirectMode::Follow,
    };
    let keepalive = match obj.get("keepalive") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(other) => return Err(InputError::new("keepalive", format!("must be true or false, not {}", kind(other)))),
    };
    let target_address_space = match enum_field(obj, "target_address_space", &["loopback", "local", "public"])? {
        Some(name) => crate::local_network_access::AddressSpace::from_name(name),
        None => None,
    };
    let body = match obj.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => return Err(InputError::new("body", format!("must be a string, not {}", kind(other)))),
    };
    let crossorigin = enum_field(obj, "crossorigin", &["anonymous", "use-credentials"])?.and_then(CrossOrigin::from_name);
    let upload_listener = match obj.get("upload_listener") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(other) => {
            return Err(InputError::new("upload_listener", format!("must be true or false, not {}", kind(other))))
        }
    };
    let initiator = Initiator::from_name(initiator).unwrap_or_default();
    let bodyless = matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD");
    if initiator == Initiator::Beacon {
        if !method.eq_ignore_ascii_case("POST") {
            return Err(InputError::new("method", format!("{method:?}: a beacon is always a POST")));
        }
        if headers.len() > 1 || headers.iter().any(|(n, _)| !n.eq_ignore_ascii_case("content-type")) {
            return Err(InputError::new(
                "headers",
                "a beacon has no headers but its data's Content-Type: give none, or one Content-Type (the type of a Blob holding body)",
            ));
        }
    }
    // What corsim cannot simulate yet is named.
    if let Some(_body) = body {
        if bodyless && initiator == Initiator::Fetch {
            return Err(InputError::new(
                "body",
                format!("a {method} request cannot have a body (fetch() throws a TypeError before sending anything); corsim does not simulate that throw"),
            ));
        }
    }
    // XHR's send() drops the body of a GET or HEAD (XHR § send(), step 4).
    let body = match body {
        Some(_) if bodyless && initiator == Initiator::Xhr => None,
        other => other.cloned(),
    };
    if body.is_some() {
        // A string body gives the request `Content-Type: text/plain;charset=UTF-8`
        // unless a Content-Type is given (Fetch § "extract a body"; XHR and
        // sendBeacon extract it the same way).
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
            headers.push(("Content-Type".to_owned(), "text/plain;charset=UTF-8".to_owned()));
        }
    }
    let keepalive = keepalive || initiator == Initiator::Beacon;
    Ok(RequestInit { url, method, headers, mode, credentials, redirect, initiator, crossorigin, keepalive, upload_listener, body, font_family: None, target_address_space })
}

fn enum_field<'a>(
    obj: &'a serde_json::Map<String, Value>,
    key: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, InputError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s.as_str())),
        Some(Value::String(s)) => Err(InputError::new(key, format!("{s:?} is not one of {}", allowed.join(", ")))),
        Some(other) => Err(InputError::new(key, format!("must be a string, one of {}; not {}", allowed.join(", "), kind(other)))),
    }
}

/// Read a response in FORMAT.md's shape (`{status, headers?}`, status 100
/// to 999, headers as isomorphic `[name, value]` pairs) from a JSON value.
/// The error's field is relative to the response (`status`, `headers[0][1]`).
///
/// ```
/// use corsim::scenario::parse_response;
/// let r = parse_response(&serde_json::json!({"status": 204, "headers": [["Vary", "Origin"]]})).unwrap();
/// assert_eq!((r.status, r.headers.len()), (204, 1));
/// assert_eq!(parse_response(&serde_json::json!({"status": 42})).unwrap_err().field, "status");
/// ```
pub fn parse_response(v: &Value) -> Result<ScriptedResponse, InputError> {
    let obj = v.as_object().ok_or_else(|| InputError::new("", "must be an object"))?;
    known_fields(obj, RESPONSE_FIELDS)?;
    let status = match obj.get("status") {
        None => return Err(InputError::new("status", "missing")),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(s @ 100..=999) => s as u16,
            Some(s @ 0..=99) => {
                return Err(InputError::new(
                    "status",
                    format!("{s}: corsim does not yet simulate a status below 100 (not a status a browser takes as an answer); this scenario cannot be simulated"),
                ))
            }
            _ => return Err(InputError::new("status", format!("{n} is not a status code: a whole number from 100 to 999"))),
        },
        Some(other) => return Err(InputError::new("status", format!("must be a number from 100 to 999, not {}", kind(other)))),
    };
    let headers = match obj.get("headers") {
        None | Some(Value::Null) => HeaderList::new(),
        Some(h) => parse_header_list(h)?,
    };
    let body = match obj.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(b)) => isomorphic_bytes("body", b)?,
        Some(other) => return Err(InputError::new("body", format!("must be a string, not {}", kind(other)))),
    };
    Ok(ScriptedResponse { status, headers, body })
}

/// A string of characters at most U+00FF as the bytes they stand for, or an
/// error naming the first character above.
fn isomorphic_bytes(field: &str, s: &str) -> Result<Vec<u8>, InputError> {
    isomorphic_encode(s).ok_or_else(|| {
        let c = s.chars().find(|c| u32::from(*c) > 0xFF).unwrap_or_default();
        InputError::new(
            field,
            format!(
                "has the character {c:?} (U+{:04X}), above U+00FF: each character stands for one byte, so write a byte 0xE9 as \"\\u00e9\" and UTF-8 text as its bytes",
                u32::from(c)
            ),
        )
    })
}

/// Read `[["Name", "value"], …]` (every character at most U+00FF, one per
/// byte) into a header list, byte for byte, in order. The error's field is
/// `headers[i]…`.
///
/// ```
/// use corsim::scenario::parse_header_list;
/// let list = parse_header_list(&serde_json::json!([["X-A", "1"], ["x-a", "2"]])).unwrap();
/// assert_eq!(list.len(), 2);
/// assert_eq!(parse_header_list(&serde_json::json!([["X", "\u{263A}"]])).unwrap_err().field, "headers[0][1]");
/// ```
pub fn parse_header_list(v: &Value) -> Result<HeaderList, InputError> {
    Ok(parse_header_pairs(v)?.into_iter().collect())
}

/// `[["Name", "value"], …]`, each string isomorphic (characters ≤ U+00FF).
/// A header as two byte strings.
type BytePair = (Vec<u8>, Vec<u8>);

fn parse_header_pairs(v: &Value) -> Result<Vec<BytePair>, InputError> {
    let arr = v.as_array().ok_or_else(|| InputError::new("headers", "must be an array of [name, value] pairs"))?;
    let mut out = Vec::with_capacity(arr.len());
    for (i, pair) in arr.iter().enumerate() {
        let field = format!("headers[{i}]");
        let p = pair.as_array().filter(|p| p.len() == 2).ok_or_else(|| InputError::new(&field, "must be a [name, value] pair"))?;
        let name = p[0].as_str().ok_or_else(|| InputError::new(format!("{field}[0]"), "the name must be a string"))?;
        let value = p[1].as_str().ok_or_else(|| InputError::new(format!("{field}[1]"), "the value must be a string"))?;
        let name = isomorphic_bytes(&format!("{field}[0]"), name)?;
        let value = isomorphic_bytes(&format!("{field}[1]"), value)?;
        out.push((name, value));
    }
    Ok(out)
}

/// A message's implied scenario, run (for `explain --message` and the
/// read-back test): the scenario reader and the engine live above the
/// console module, so the run is stated here.
#[cfg(feature = "messages")]
impl Implied {
    /// Run the scenario's fetch in `profile` (by default the browser
    /// the scenario names), from its page.
    ///
    /// ```
    /// use corsim::console::parse::parse;
    /// let facts = parse("Mixed Content: The page at 'https://app.example/' was loaded over HTTPS, but \
    ///     requested an insecure resource 'http://api.example/x'. This request has been blocked; the \
    ///     content must be served over HTTPS.").facts();
    /// let rerun = facts.scenario().unwrap().rerun(None).unwrap();
    /// assert_eq!(rerun.blocked.unwrap().name(), "mixed-content");
    /// assert!(facts.reproduced_by(&facts.scenario().unwrap().rerun(None).unwrap()));
    /// ```
    pub fn rerun(&self, profile: Option<&Profile>) -> Result<Rerun, InputError> {
        let scenario = Scenario::from_value(&self.line)?;
        let profile = scenario.profile(profile);
        let step = scenario.steps.first().ok_or_else(|| InputError::new("steps", "no step"))?;
        // As `Scenario::simulate` runs it: the element's own checks, and
        // its lines, included.
        let run = crate::initiator::run_quiet_in(
            profile,
            scenario.origin.clone(),
            &scenario.page,
            &step.request,
            &mut PreflightCache::new(),
            Timestamp::from_millis(step.at_ms),
            |r| scenario.answer(r),
        );
        let blocked = run.verdict.outcome.as_ref().err().and_then(|f| f.kind.gate().cloned());
        let step = initiated_step_verdict(profile, &scenario.origin, &step.request, &run);
        Ok(Rerun { reason_name: step.cors_error, blocked, console: step.console })
    }
}

#[cfg(all(test, feature = "messages"))]
mod read_back_tests {
    use super::*;
    use crate::console::facts::{Check, Facts};
    use crate::console::parse::Parser;
    use crate::console::templates::{fill, Slot};
    use crate::response::ResourceRefusal;

    /// Each check around CORS, in each browser that writes a line for it:
    /// the engine's lines read back as "not CORS" with the check, and the
    /// scenario they imply, run, is refused by the same check with the same
    /// lines again.
    #[test]
    fn every_refusal_the_engine_writes_reads_back_and_reruns() {
        let parser = Parser::new();
        // (browser, origin, page, URL, check)
        let cases: &[(&str, &str, &str, &str, &str)] = &[
            ("Chromium", "https://app.example", "{}", "http://api.example/x", "mixed-content"),
            ("Firefox", "https://app.example", "{}", "http://api.example/x", "mixed-content"),
            ("WebKit", "https://app.example", "{}", "http://127.0.0.1:8102/x", "mixed-content"),
            ("Chromium", "https://app.example", r#"{"url": "https://app.example/admin/"}"#, "http://api.example/x", "mixed-content"),
            (
                "Chromium",
                "http://127.0.0.1:8101",
                r#"{"address_space": "public", "local_network_access": "denied"}"#,
                "http://127.0.0.1:8102/x",
                "local-network-access",
            ),
            ("Chromium", "http://pub.test:8101", r#"{"address_space": "public"}"#, "http://127.0.0.1:8102/x", "local-network-access"),
            (
                "Chromium",
                "https://app.example",
                r#"{"address_space": "public", "local_network_access": "prompt", "address_spaces": {"printer.lan": "local"}}"#,
                "https://printer.lan/status",
                "local-network-access",
            ),
        ];
        for &(browser, origin, page, url, check) in cases {
            let line = format!(
                r#"{{"browser": "{browser}", "origin": "{origin}", "page": {page}, "steps": [{{"request": {{"url": "{url}"}}}}], "server": {{}}}}"#
            );
            let scenario = Scenario::parse(&line).unwrap();
            let recorded = scenario.simulate(None).steps.remove(0);
            assert!(!recorded.console.is_empty(), "{line}");
            let facts = parser.read(&recorded.console.join("\n")).facts();
            let Some(Check::Blocked(gate)) = &facts.check else { panic!("{line}: {facts:?}") };
            assert_eq!(gate.name(), check, "{line}");
            assert_eq!(facts.reason_name, recorded.cors_error, "{line}");
            assert!(facts.check.as_ref().and_then(Check::not_cors).is_some());
            let implied = facts.scenario().unwrap_or_else(|e| panic!("{line}: {e}"));
            let rerun = implied.rerun(None).unwrap();
            assert!(facts.reproduced_by(&rerun), "{line}\n{}\n{rerun:?}", implied.line);
            assert_eq!(rerun.console, recorded.console, "{line}\n{}", implied.line);
        }
    }

    /// The engine's lines for the whole step of `line`, read back: its facts,
    /// the recorded reason, and whether the implied scenario reproduces it.
    fn read_step(parser: &Parser, line: &str, told: Option<Browser>) -> (Facts, Option<String>, Result<Implied, String>) {
        let scenario = Scenario::parse(line).unwrap();
        let recorded = scenario.simulate(None).steps.remove(0);
        assert!(!recorded.console.is_empty(), "{line}");
        let facts = parser.read_from(&recorded.console.join("\n"), told).facts();
        let implied = facts.scenario();
        (facts, recorded.cors_error, implied)
    }

    /// A script's, module script's or stylesheet's MIME type refusal, in
    /// each browser: read back as the element's own refusal (not CORS),
    /// with its MIME type where the line names it, and a scenario whose run
    /// gives the same reason (WebKit names the step by the line itself).
    #[test]
    fn mime_refusals_read_back_and_rerun() {
        let parser = Parser::new();
        let cases: &[(&str, &str, bool, ResourceRefusal)] = &[
            ("script", "image/png", false, ResourceRefusal::ScriptNotExecutable { mime: "image/png".into() }),
            ("script", "text/plain", true, ResourceRefusal::ScriptStrictMime { mime: "text/plain".into() }),
            ("module-script", "application/json", false, ResourceRefusal::ModuleMime { mime: "application/json".into() }),
            ("stylesheet", "text/plain", true, ResourceRefusal::StylesheetStrictMime { mime: "text/plain".into() }),
        ];
        for browser in ["Chromium", "Firefox", "WebKit"] {
            for (initiator, mime, nosniff, refusal) in cases {
                let nosniff = if *nosniff { r#", ["X-Content-Type-Options", "nosniff"]"# } else { "" };
                let line = format!(
                    r#"{{"browser": "{browser}", "origin": "https://app.example", "steps": [{{"request": {{"initiator": "{initiator}", "url": "https://app.example/r"}}}}],
                        "server": {{"https://app.example/r": {{"actual": {{"status": 200, "headers": [["Content-Type", "{mime}"]{nosniff}]}}}}}}}}"#
                );
                let (facts, recorded, implied) = read_step(&parser, &line, None);
                let Some(Check::Refused(element, read)) = &facts.check else { panic!("{line}: {facts:?}") };
                // Firefox's nosniff line is a script's and a stylesheet's alike.
                if !(browser == "Firefox" && *initiator == "stylesheet") {
                    assert_eq!(element.name(), *initiator, "{line}: {facts:?}");
                }
                // A line that names the MIME type gives it back; the refusal is the one
                // the engine made, but for lines two refusals share.
                if let Some(named) = &facts.content_type {
                    assert_eq!(named, mime, "{line}");
                }
                if browser == "WebKit" && *initiator != "stylesheet" {
                    assert_eq!(read, refusal, "{line}");
                }
                assert_eq!(facts.reason_name, recorded, "{line}");
                assert!(facts.check.as_ref().and_then(Check::not_cors).is_some_and(|(what, _)| what.starts_with("not CORS")));
                let implied = implied.unwrap_or_else(|e| panic!("{line}: {e}"));
                let rerun = implied.rerun(None).unwrap();
                assert!(facts.reproduced_by(&rerun), "{line}\n{}\n{rerun:?}", implied.line);
            }
        }
    }

    /// "Refused to set unsafe header …" alone is Chromium's and WebKit's
    /// word for word: the reading says it could be either, and takes the
    /// browser it is told; with another WebKit line it is WebKit's untold.
    #[test]
    fn unsafe_header_names_its_browsers() {
        let parser = Parser::new();
        let text = fill(crate::console::templates::REFUSED_UNSAFE_HEADER, &[(Slot::Hint, "Cookie")]);
        let facts = parser.read(&text).facts();
        assert_eq!(facts.could_be, [Browser::Chromium, Browser::WebKit]);
        assert_eq!(facts.check, Some(Check::UnsafeHeader("Cookie".into())));
        for browser in [Browser::Chromium, Browser::WebKit] {
            let facts = parser.read_from(&text, Some(browser)).facts();
            assert!(facts.could_be.is_empty());
            assert_eq!(facts.browser, Some(browser));
            let want = (browser == Browser::WebKit).then(|| text.clone());
            assert_eq!(facts.reason_name, want);
            let implied = facts.scenario().unwrap();
            let rerun = implied.rerun(None).unwrap();
            assert!(facts.reproduced_by(&rerun), "{}\n{rerun:?}", implied.line);
            assert_eq!(rerun.console, std::slice::from_ref(&text), "{}", implied.line);
        }
        // Told a browser that does not write it: still undecided.
        assert_eq!(parser.read_from(&text, Some(Browser::Firefox)).facts().could_be, [Browser::Chromium, Browser::WebKit]);
        let with = format!("{text}\nXMLHttpRequest cannot load https://api.example/ due to access control checks.");
        let facts = parser.read(&with).facts();
        assert!(facts.could_be.is_empty());
        assert_eq!(facts.browser, Some(Browser::WebKit));
    }

    /// WebKit's element and XHR loaders say a redirect's refusal without
    /// fetch()'s redirection envelope: their bare "Origin null …" is the
    /// origin the redirect tainted, and the implied scenario redirects; a
    /// sandboxed page's fetch() says the same line and is read as one.
    #[test]
    fn webkit_bare_origin_null_after_a_redirect() {
        let parser = Parser::new();
        for (initiator, crossorigin) in [("img", r#", "crossorigin": "anonymous""#), ("script", r#", "crossorigin": "anonymous""#), ("stylesheet", r#", "crossorigin": "anonymous""#), ("xhr", "")] {
            let line = format!(
                r#"{{"browser": "WebKit", "origin": "https://app.example", "steps": [{{"request": {{"initiator": "{initiator}", "url": "https://a.example/r"{crossorigin}}}}}],
                    "server": {{"https://a.example/r": {{"actual": {{"status": 302, "headers": [["Location", "https://b.example/r"], ["Access-Control-Allow-Origin", "*"]]}}}},
                                "https://b.example/r": {{"actual": {{"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example"]]}}}}}}}}"#
            );
            let (facts, recorded, implied) = read_step(&parser, &line, None);
            assert!(facts.origin_null && facts.origin.is_none() && facts.redirected, "{line}: {facts:?}");
            assert_eq!(facts.reason_name, recorded, "{line}");
            let implied = implied.unwrap_or_else(|e| panic!("{line}: {e}"));
            assert!(implied.line["server"].as_object().unwrap().values().any(|e| e["actual"]["status"] == 302), "{}", implied.line);
            let rerun = implied.rerun(None).unwrap();
            assert!(facts.reproduced_by(&rerun), "{line}\n{}\n{rerun:?}", implied.line);
        }
        let sandboxed = r#"{"browser": "WebKit", "origin": "null", "steps": [{"request": {"url": "https://a.example/r"}}],
            "server": {"https://a.example/r": {"actual": {"status": 200, "headers": []}}}}"#;
        let (facts, _, _) = read_step(&parser, sandboxed, None);
        assert_eq!(facts.origin.as_deref(), Some("null"));
        assert!(!facts.origin_null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_in_the_parsers_form_are_taken_as_they_are() {
        for text in ["http://127.0.0.1:8002/s/000001/a", "https://api.example/v1/items?x=1&y=%20", "http://a.example/"] {
            assert!(serializes_as_itself(text), "{text}");
            assert_eq!(server_key(text), parsed_key(text));
        }
        for text in [
            "HTTP://a.example/", "http://A.example/", "http://a.example", "http://a.example:80/", "https://a.example:443/",
            "http://a.example:080/", "http://a.example:/", "http://127.1/", "http://1.2.3.4./", "http://0x7f.0.0.1/",
            "http://a.example/./b", "http://a.example/b/..", "http://a.example/%2e/", "http://a.example/#f",
            "http://xn--nxasmq6b.example/", "http://u@a.example/", "http://a.example/ b", "http://a.example?q",
            "http://256.0.0.1/", "http://01.2.3.4/", "http://1.2.3/", "ws://a.example/",
        ] {
            assert!(!serializes_as_itself(text), "{text}");
            assert_eq!(server_key(text), parsed_key(text), "{text}");
        }
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("http://".to_owned()), Just("https://".to_owned()), Just("HTTP://".to_owned()),
            "[a-z0-9]{1,4}", "[0-9]{1,3}", Just("0x".to_owned()), Just(".".to_owned()), Just("..".to_owned()),
            Just(":".to_owned()), "[0-9]{0,6}", Just("/".to_owned()), Just("?".to_owned()), Just("#".to_owned()),
            Just("%".to_owned()), Just("%2e".to_owned()), Just("xn--".to_owned()), Just("-".to_owned()),
            Just("@".to_owned()), Just("\\".to_owned()), Just(" ".to_owned()), Just("\t".to_owned()),
            Just("[".to_owned()), Just("é".to_owned()), Just("A".to_owned()), Just("'".to_owned()),
            "[!$&'()*+,;=~_`^{}|<>\"]",
        ]
    }

    proptest! {
        /// Whenever the shortcut takes a key as it is, the parser would have
        /// given back the same text.
        #[test]
        fn the_shortcut_agrees_with_the_parser(
            scheme in prop_oneof![Just("http://"), Just("https://")],
            pieces in prop::collection::vec(piece(), 0..14),
        ) {
            let text = format!("{scheme}{}", pieces.concat());
            if serializes_as_itself(&text) {
                prop_assert_eq!(text.clone(), parsed_key(&text), "{}", text);
            }
            prop_assert_eq!(server_key(&text), parsed_key(&text), "{}", text);
        }

        /// The same over URLs built part by part, most of them in the
        /// parser's form (IPv4 hosts in and out of range, ports, dot segments).
        #[test]
        fn the_shortcut_agrees_with_the_parser_on_built_urls(
            scheme in prop_oneof![Just("http://"), Just("https://")],
            host in prop_oneof![
                prop::collection::vec("[a-z0-9-]{0,5}", 1..4).prop_map(|l| l.join(".")),
                prop::collection::vec("0|[1-9][0-9]{0,2}|0[0-9]", 1..6).prop_map(|l| l.join(".")),
            ],
            port in prop::option::of(prop_oneof!["[0-9]{0,6}", Just("80".to_owned()), Just("443".to_owned())]),
            segments in prop::collection::vec(prop_oneof!["[a-zA-Z0-9._~!$&'()*+,;=:@-]{0,4}", Just(".".to_owned()), Just("..".to_owned())], 0..4),
            query in prop::option::of("[a-z0-9=&%?/']{0,6}"),
        ) {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            let text = format!("{scheme}{host}{port}/{}{query}", segments.join("/"));
            if serializes_as_itself(&text) {
                prop_assert_eq!(text.clone(), parsed_key(&text), "{}", text);
            }
            prop_assert_eq!(server_key(&text), parsed_key(&text), "{}", text);
        }
    }
}
