//! The individual decisions, each the core's own function (or the core's
//! `Fetch` stopped at its first step), for callers that want one answer
//! rather than a whole fetch: classify a request (and why), the preflight a
//! request needs, the CORS check of a response, the header names script can
//! read.

use corsim::error::InputError;
#[cfg(feature = "explain")]
use corsim::explain::Classification;
use corsim::{Action, Browser, CredentialsMode, Fetch, PreflightCache, ResponseType, Timestamp};
use tsify::Ts;
use wasm_bindgen::prelude::*;

use crate::shapes::{CorsCheck, SimulateOptions, WireRequest};
use crate::{js_error, js_to_json, parse_request_arg, read_origin, read_profile, to_js};

fn browser(options: Option<Ts<SimulateOptions>>) -> Result<Browser, JsValue> {
    Ok(read_profile(options)?.unwrap_or(Browser::Chromium))
}

/// A request read by the core's parser, errors named `request…`.
fn read_request(request: &JsValue) -> Result<corsim::RequestInit, JsValue> {
    let request = js_to_json(request, "request").map_err(|e| js_error(&e))?;
    parse_request_arg(&request).map_err(|e| js_error(&e))
}

/// `[name, value]` pairs read by the core's parser (characters at most U+00FF).
fn read_headers(headers: &JsValue, field: &str) -> Result<corsim::HeaderList, JsValue> {
    let headers = js_to_json(headers, field).map_err(|e| js_error(&e))?;
    corsim::scenario::parse_header_list(&headers).map_err(|mut e| {
        e.field = e.field.replacen("headers", field, 1);
        js_error(&e)
    })
}

/// One of the core's enums, read by its own serde names.
fn read_enum<T: serde::de::DeserializeOwned>(value: &JsValue, field: &str, allowed: &str) -> Result<T, JsValue> {
    let v = js_to_json(value, field).map_err(|e| js_error(&e))?;
    serde_json::from_value(v.clone())
        .map_err(|_| js_error(&InputError::new(field, format!("{v} is not one of {allowed}"))))
}

/// How a page of `origin` treats `fetch(request)`: same-origin, no-cors,
/// simple, preflighted or not sent, and why (the method or the header names
/// that force a preflight, each with its reason). The classification of
/// `explain`.
#[cfg(feature = "explain")]
#[wasm_bindgen]
pub fn classify(
    #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<Ts<Classification>, JsValue> {
    let browser = browser(options)?;
    let origin = read_origin(&origin)?;
    let init = read_request(&request)?;
    Ok(Ts::new_unchecked(to_js(&Classification::of(browser.profile(), origin, &init))?))
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
    let init = read_request(&request)?;
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
    let checked = corsim::cors_check::cors_check(browser.profile(), origin.serialize(), credentials, &headers);
    let result = match checked {
        Ok(()) => CorsCheck { ok: true, error: None, failed_parameter: None },
        Err(s) => CorsCheck { ok: false, error: Some(s.error), failed_parameter: Some(s.failed_parameter) },
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
    Ok(corsim::response::readable_header_names(browser.profile(), kind, &headers, credentials).iter().map(String::from).collect())
}


/// Whether `fetch()` refuses to let script set the header `name: value`
/// (Fetch § "forbidden request-header": the browser sets it itself, e.g.
/// `Cookie`, `Origin`, `Sec-*`), in the profile's browser. Characters must be
/// at most U+00FF (one per byte).
#[wasm_bindgen(js_name = isForbiddenRequestHeader)]
pub fn is_forbidden_request_header(name: &str, value: &str, options: Option<Ts<SimulateOptions>>) -> Result<bool, JsValue> {
    let browser = browser(options)?;
    let byte = |s: &str, field: &str| {
        corsim::header_list::isomorphic_encode(s)
            .ok_or_else(|| js_error(&InputError::new(field, "has a character above U+00FF (one character per byte)")))
    };
    Ok(corsim::request_header::is_forbidden(browser.profile(), &byte(name, "name")?, &byte(value, "value")?))
}
