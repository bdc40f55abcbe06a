//! The CORS libraries' models (`corsim::server_model`): what a library with
//! given options answers, and its options written in its own syntax. The
//! playground's server presets come from these.

use corsim::error::InputError;
use corsim::server_model::ServerModel;
use tsify::Ts;
use wasm_bindgen::prelude::*;

use crate::shapes::{ModelAnswer, ModelAnswers, SimulateOptions};
use crate::{js_error, js_to_json, parse_request_arg, read_origin, read_profile, to_js};

/// A `{library, options}` object read by the core's serde names, and
/// accepted only when the library itself would start with those options.
pub fn read_model_value(model: &serde_json::Value) -> Result<ServerModel, InputError> {
    let parsed: ServerModel = serde_json::from_value(model.clone()).map_err(|e| InputError::new("model", e.to_string()))?;
    parsed.validate().map_err(|e| InputError::new("model", e.to_string()))?;
    Ok(parsed)
}

fn read_model(model: &JsValue) -> Result<ServerModel, JsValue> {
    let value = js_to_json(model, "model").map_err(|e| js_error(&e))?;
    read_model_value(&value).map_err(|e| js_error(&e))
}

/// What the CORS library `model` (`{library: "express-cors", options: {...}}`,
/// the names `corsim check` reads) answers to the preflight a page of
/// `origin` sends for `fetch(request)` and to the request itself, in front of
/// a route that answers 200. Throws for options the library refuses and for a
/// request `fetch()` rejects.
#[wasm_bindgen(js_name = serverModelAnswers)]
pub fn server_model_answers(
    #[wasm_bindgen(unchecked_param_type = "{ library: string; options: Record<string, unknown> }")] model: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] origin: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestInit")] request: JsValue,
    options: Option<Ts<SimulateOptions>>,
) -> Result<Ts<ModelAnswers>, JsValue> {
    let browser = read_profile(options)?.unwrap_or(corsim::Browser::Chromium);
    let model = read_model(&model)?;
    let origin = read_origin(&origin)?;
    let init = parse_request_arg(&js_to_json(&request, "request").map_err(|e| js_error(&e))?).map_err(|e| js_error(&e))?;
    let answers = model
        .answers(browser.profile(), &origin, &init)
        .map_err(|e| js_error(&InputError::new("request", format!("fetch() rejects it: {e}"))))?;
    let shaped = ModelAnswers { preflight: ModelAnswer::new(&answers.preflight), actual: ModelAnswer::new(&answers.actual) };
    Ok(Ts::new_unchecked(to_js(&shaped)?))
}

/// The options of `model` written in the library's own syntax (the `cors()`
/// call, `settings.py`, the nginx text, ...), as `corsim explain` prints them.
#[wasm_bindgen(js_name = renderServerModel)]
pub fn render_server_model(
    #[wasm_bindgen(unchecked_param_type = "{ library: string; options: Record<string, unknown> }")] model: JsValue,
) -> Result<String, JsValue> {
    Ok(read_model(&model)?.render())
}
