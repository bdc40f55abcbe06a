//! The individual decisions, each the core's own function (or the core's
//! `Fetch` stopped at its first step), for callers that want one answer
//! rather than a whole fetch: classify a request (and why), the preflight a
//! request needs, the CORS check of a response, the header names script can
//! read.

use corsim::{Action, Browser, Fetch, HttpResponse, PreflightCache, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tsify::Ts;
use wasm_bindgen::prelude::*;

use crate::explain::Classification;
use crate::types::{CredentialsMode, ResponseType, SimulateOptions, WireRequest};
use crate::{js_error, js_to_json, parse_fetch_args, parse_response_value, read_origin, read_profile, to_js};
use corsim::error::InputError;

/// The result of `corsCheck`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CorsCheck {
    /// Whether the response passes.
    pub ok: bool,
    /// Chromium's name for the failure (`corsErrorStatus.corsError`).
    pub error: Option<String>,
    /// The value that failed, or `""`.
    pub failed_parameter: Option<String>,
}

fn browser(options: Option<Ts<SimulateOptions>>) -> Result<Browser, JsValue> {
    Ok(read_profile(options)?.unwrap_or(Browser::Chromium))
}

/// A request read by the core's parser, errors named `request…`.
fn read_request(origin: &corsim::Origin, request: &JsValue) -> Result<corsim::RequestInit, JsValue> {
    let request = js_to_json(request, "request").map_err(|e| js_error(&e))?;
    let scenario = parse_fetch_args(origin, &request, None).map_err(|e| js_error(&e))?;
    scenario.steps.into_iter().next().map(|s| s.request).ok_or_else(|| js_error(&InputError::new("request", "missing")))
}

/// `[name, value]` pairs read by the core's parser (characters at most U+00FF).
fn read_headers(headers: &JsValue, field: &str) -> Result<corsim::HeaderList, JsValue> {
    let headers = js_to_json(headers, field).map_err(|e| js_error(&e))?;
    let response = parse_response_value(&json!({"status": 200, "headers": headers}), "response")
        .map_err(|e| js_error(&rename(e, "response.headers", field)))?;
    Ok(response.headers)
}

fn rename(mut e: InputError, from: &str, to: &str) -> InputError {
    if let Some(rest) = e.field.strip_prefix(from) {
        e.field = format!("{to}{rest}");
    }
    e
}

fn read_enum<T: serde::de::DeserializeOwned>(value: &JsValue, field: &str, allowed: &str) -> Result<T, JsValue> {
    let v = js_to_json(value, field).map_err(|e| js_error(&e))?;
    serde_json::from_value(v.clone())
        .map_err(|_| js_error(&InputError::new(field, format!("{v} is not one of {allowed}"))))
}

/// How a page of `origin` treats `fetch(request)`: same-origin, no-cors,
/// simple, preflighted or not sent, and why (the method or the header names
/// that force a preflight, each with its reason). The classification of
/// `explain`.
#[wasm_bindgen]
pub fn classify(
    #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<Ts<Classification>, JsValue> {
    let browser = browser(options)?;
    let origin = read_origin(&origin)?;
    let init = read_request(&origin, &request)?;
    // The classification is made before any response; the answers do not matter.
    let explanation = corsim::explain::explain(browser.profile(), origin, &init, |_| HttpResponse::new(200));
    Ok(Ts::new_unchecked(to_js(&Classification::from(&explanation.classification))?))
}

/// The CORS-preflight request the browser sends first for `fetch(request)`
/// from a page of `origin` (with an empty preflight cache), exactly as sent;
/// `null` when the request needs none (or `fetch()` rejects it).
#[wasm_bindgen(js_name = preflightRequest, unchecked_return_type = "WireRequest | null")]
pub fn preflight_request(
    #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<JsValue, JsValue> {
    let browser = browser(options)?;
    let origin = read_origin(&origin)?;
    let init = read_request(&origin, &request)?;
    let mut fetch = Fetch::new(browser.profile(), origin, &init);
    match fetch.poll(&mut PreflightCache::new(), Timestamp::ZERO) {
        Action::Send(r) if r.is_preflight => to_js(&WireRequest::from(&r)),
        _ => Ok(JsValue::NULL),
    }
}

/// The CORS check (Fetch § "CORS check") of a response with these headers,
/// for a request from `origin` with this credentials mode.
#[wasm_bindgen(js_name = corsCheck)]
pub fn cors_check(
    #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CredentialsMode")] credentials: JsValue,
    #[wasm_bindgen(js_name = responseHeaders, unchecked_param_type = "[string, string][]")] response_headers: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<Ts<CorsCheck>, JsValue> {
    let browser = browser(options)?;
    let origin = read_origin(&origin)?;
    let credentials: CredentialsMode = read_enum(&credentials, "credentials", "omit, same-origin, include")?;
    let headers = read_headers(&response_headers, "responseHeaders")?;
    let checked = corsim::cors_check::cors_check(browser.profile(), origin.serialize(), credentials.into(), &headers);
    let result = match checked {
        Ok(()) => CorsCheck { ok: true, error: None, failed_parameter: None },
        Err(s) => CorsCheck { ok: false, error: Some(s.error.name().to_owned()), failed_parameter: Some(s.failed_parameter) },
    };
    Ok(Ts::new_unchecked(to_js(&result)?))
}

/// The lower-case, sorted header names `response.headers` lets script read
/// from a response of this type with these headers.
#[wasm_bindgen(js_name = readableHeaderNames)]
pub fn readable_header_names(
    #[wasm_bindgen(js_name = responseType, unchecked_param_type = "ResponseType")] response_type: JsValue,
    #[wasm_bindgen(js_name = responseHeaders, unchecked_param_type = "[string, string][]")] response_headers: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CredentialsMode")] credentials: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<Vec<String>, JsValue> {
    let browser = browser(options)?;
    let kind: ResponseType = read_enum(&response_type, "responseType", "basic, cors, opaque, opaqueredirect")?;
    let headers = read_headers(&response_headers, "responseHeaders")?;
    let credentials: CredentialsMode = read_enum(&credentials, "credentials", "omit, same-origin, include")?;
    Ok(corsim::response::readable_header_names(browser.profile(), kind.into(), &headers, credentials.into()))
}

