// The engine in the page: corsim compiled to WebAssembly (pkg/, the npm
// package's `corsim/explain` module, copied from crates/corsim-wasm/pkg/web
// by build.sh: every view shows an explanation, so the page loads the module
// that has one rather than the core and then this). Every decision, reason, check,
// console line, rejection text and fix the playground shows comes from it;
// this module only runs it (`page.fetch` for each step and profile, the
// core's `explain` for the step on screen) and hands back what it says.

import init, * as corsim from './pkg/corsim_explain.js';

let ready = null;

/** Load the wasm module once. */
export function loadEngine() {
  ready ??= init({ module_or_path: new URL('./pkg/corsim_explain_bg.wasm', import.meta.url) }).then(() => ({
    version: corsim.version(),
  }));
  return ready;
}

/** An engine error (thrown Error with `.field`) as { field, message }. */
function engineError(e, prefix) {
  const field = e && e.field ? String(e.field) : '';
  return { field: prefix && field.startsWith('request') ? prefix + field.slice('request'.length) : field || prefix || '', message: String(e && e.message ? e.message : e) };
}

/**
 * Run every step of `scenario` (FORMAT.md shape) from one page with one
 * preflight cache, in `profile`, against its scripted server (answered by the
 * engine as `corsim run` answers it). Returns { steps: [{verdict, cache}], error }.
 */
/** A pasted console error read back by the engine (`corsim::console::parse`):
 * the facts, the story and the scenario it implies, unknowns listed; null
 * when this wasm build has no `parseMessage`. */
export function parseMessage(text) {
  return typeof corsim.parseMessage === 'function' ? corsim.parseMessage(text) : null;
}

/** The options of the engine's Page: the profile, and the scenario's page
 * context (FORMAT.md `page`) when it has one. */
function pageOptions(scenario, profile) {
  return scenario.page ? { profile, page: scenario.page } : { profile };
}

export function runScenario(scenario, profile) {
  let page;
  try {
    page = new corsim.Page(scenario.origin, pageOptions(scenario, profile));
  } catch (e) {
    return { steps: [], error: engineError(e, 'origin') };
  }
  const steps = [];
  try {
    for (let i = 0; i < scenario.steps.length; i++) {
      const step = scenario.steps[i];
      let verdict;
      try {
        verdict = page.fetch(step.request, scenario.server, step.at_ms);
      } catch (e) {
        return { steps, error: engineError(e, `steps[${i}].request`) };
      }
      steps.push({ verdict, cache: page.cacheEntries(step.at_ms) });
    }
  } finally {
    page.free();
  }
  return { steps, error: null };
}

/**
 * The engine's explanation of step `index` in `profile` (the shape of
 * `corsim explain --json`: classification, exchanges with their checks, what
 * script gets, the console, the verified fix with server configs), the
 * earlier steps run first on the same page so that the preflight cache is as
 * it would be. Null when the engine cannot run this input.
 */
export function explainStep(scenario, index, profile) {
  let page = null;
  try {
    page = new corsim.Page(scenario.origin, pageOptions(scenario, profile));
    for (let i = 0; i < index; i++) page.fetch(scenario.steps[i].request, scenario.server, scenario.steps[i].at_ms);
    const step = scenario.steps[index];
    return page.explain(step.request, scenario.server, step.at_ms);
  } catch {
    return null;
  } finally {
    page?.free();
  }
}

/** The FORMAT.md verdict of a scenario (what `corsim run` prints), for export. */
export function simulate(scenario, profile) {
  return corsim.simulate(scenario, { profile });
}

/** Whether `fetch()` refuses to let script set the header `name: value` in
 * `profile` (a forbidden request-header: the browser sets it itself). */
export function isForbiddenHeader(name, value, profile) {
  try {
    return corsim.isForbiddenRequestHeader(name, value, { profile });
  } catch {
    return false;
  }
}

/** The name the engine gives a failure: the CORS error (Chromium's name), the TypeError's kind,
 * the check around CORS that blocked it, or the failure's kind. */
export function failureName(failure) {
  const r = failure.reason;
  return r.detail?.error ?? r.detail?.gate ?? r.kind;
}

/** A one-line outcome of a step, for the timeline strip and the browser comparison. */
export function outcomeLine(verdict) {
  const methods = verdict.requests.map((r) => r.method).join(' + ') || 'nothing sent';
  const cached = verdict.events.some((e) => e.event === 'cache-lookup' && !e.miss);
  if (verdict.ok) {
    const r = verdict.response;
    return { ok: true, sent: methods, cached, code: `${r.type} ${r.status}`, own: null };
  }
  return { ok: false, sent: methods, cached, code: failureName(verdict.failure), own: verdict.corsError };
}

/** What the CORS library `model` ({library, options}, as `corsim check`
 * reads them) answers to the preflight for `request` from a page of `origin`
 * and to the request itself: the engine's model of the library
 * (`corsim::server_model`). { preflight: {status, headers}, actual: {status,
 * headers} }, or { error } for options the library refuses or a request
 * fetch() rejects. */
export function modelAnswers(model, origin, request, profile) {
  try {
    return corsim.serverModelAnswers(model, origin, request, { profile });
  } catch (e) {
    return { error: engineError(e) };
  }
}

/** The library's options in its own syntax, as `corsim explain` prints
 * them; the error's message for options the library refuses. */
export function renderModel(model) {
  try {
    return corsim.renderServerModel(model);
  } catch (e) {
    return engineError(e).message;
  }
}
