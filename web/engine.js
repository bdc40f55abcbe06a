// The engine in the page: corsim compiled to WebAssembly (pkg/, copied from
// crates/corsim-wasm/pkg/web by build.sh), and what the playground makes of
// its verdicts: a timeline of exchanges with each check, what script can
// read, and the console messages.

import init, * as corsim from './pkg/corsim_wasm.js';

let ready = null;

/** Load the wasm module once. */
export function loadEngine() {
  ready ??= init({ module_or_path: new URL('./pkg/corsim_wasm_bg.wasm', import.meta.url) }).then(() => ({
    version: corsim.version(),
    hasExplain: hasExplain(),
  }));
  return ready;
}

/** A pasted console error read back by the engine (`corsim::console::parse`):
 * the facts, the story and the scenario it implies, unknowns listed; null
 * when this wasm build has no `parseMessage`. */
export function parseMessage(text) {
  return typeof corsim.parseMessage === 'function' ? corsim.parseMessage(text) : null;
}

const lower = (s) => String(s).toLowerCase();
const stripHash = (u) => String(u).split('#')[0];

/** A responder answering as the scenario format's scripted server does
 * (core `Scenario::answer`): the preflight answer for an OPTIONS carrying
 * Access-Control-Request-Method, the actual answer otherwise, 404 for an
 * unlisted URL, then `Content-Length: 0`. Each answer is recorded in `log`. */
export function scriptedServer(server, log) {
  return (req) => {
    const entry = server[stripHash(req.url)];
    const isPreflight = req.method === 'OPTIONS' && req.headers.some(([n]) => lower(n) === 'access-control-request-method');
    const chosen = entry ? (isPreflight ? entry.preflight : entry.actual) : undefined;
    const r = chosen ? { status: chosen.status, headers: chosen.headers.map(([n, v]) => [n, v]) } : { status: 404, headers: [] };
    const noLength = (r.status >= 100 && r.status < 200) || r.status === 204 || r.status === 304;
    if (!noLength && !r.headers.some(([n]) => lower(n) === 'content-length')) r.headers.push(['Content-Length', '0']);
    log.push(r);
    return r;
  };
}

/** An engine error (thrown Error with `.field`) as { field, message }. */
function engineError(e, prefix) {
  const field = e && e.field ? String(e.field) : '';
  return { field: prefix && field.startsWith('request') ? prefix + field.slice('request'.length) : field || prefix || '', message: String(e && e.message ? e.message : e) };
}

/**
 * Run every step of `scenario` (FORMAT.md shape) from one page with one
 * preflight cache, in `profile`. Returns { steps: [{verdict, responses, cache}], error }.
 */
export function runScenario(scenario, profile) {
  let page;
  try {
    page = new corsim.Page(scenario.origin, { profile });
  } catch (e) {
    return { steps: [], error: engineError(e, 'origin') };
  }
  const steps = [];
  try {
    for (let i = 0; i < scenario.steps.length; i++) {
      const step = scenario.steps[i];
      const responses = [];
      let verdict;
      try {
        verdict = page.fetch(step.request, scriptedServer(scenario.server, responses), step.at_ms);
      } catch (e) {
        return { steps, error: engineError(e, `steps[${i}].request`) };
      }
      steps.push({ verdict, responses, cache: page.cacheEntries(step.at_ms) });
    }
  } finally {
    page.free();
  }
  return { steps, error: null };
}

/** One fetch with a fresh cache at time 0 (what a fix is checked against). */
export function runOnce(profile, origin, request, server) {
  const page = new corsim.Page(origin, { profile });
  try {
    const responses = [];
    const verdict = page.fetch(request, scriptedServer(server, responses), 0);
    return { verdict, responses };
  } finally {
    page.free();
  }
}

/** The FORMAT.md verdict of a scenario (what `corsim run` prints), for export. */
export function simulate(scenario, profile) {
  return corsim.simulate(scenario, { profile });
}

/** Whether this wasm build has `Page.explain` (corsim::explain, `corsim explain --json`'s shape). */
export function hasExplain() {
  if (typeof location !== 'undefined' && new URLSearchParams(location.search).get('explain') === 'off') return false; // the page's own fix, for tests
  return typeof corsim.Page === 'function' && typeof corsim.Page.prototype.explain === 'function';
}

/**
 * The engine's own explanation of step `index` in `profile` (the shape of
 * `corsim explain --json`: classification, exchanges with their checks, what
 * script gets, the verified fix with server configs), the earlier steps run
 * first on the same page so that the preflight cache is as it would be.
 * Null when the wasm build has no `explain`, or it cannot explain this input.
 */
export function engineExplain(scenario, index, profile) {
  if (!hasExplain()) return null;
  let page = null;
  try {
    page = new corsim.Page(scenario.origin, { profile });
    for (let i = 0; i < index; i++) page.fetch(scenario.steps[i].request, scriptedServer(scenario.server, []), scenario.steps[i].at_ms);
    const step = scenario.steps[index];
    const e = page.explain(step.request, scriptedServer(scenario.server, []), step.at_ms);
    return e && Array.isArray(e.timeline) && e.classification && e.result ? e : null;
  } catch {
    return null;
  } finally {
    page?.free();
  }
}

const CHECK_KEY = { 'allow-origin': 'origin', 'allow-credentials': 'credentials', 'allow-methods': 'methods', 'allow-headers': 'headers', status: 'status', redirect: 'redirect' };

/**
 * Put the engine's explanation into a view made by `describeStep`: its
 * checks (order, values, words), its reasons for the classification, its
 * cache-miss reasons and what script gets. The view keeps its own structure.
 */
export function overlayExplanation(view, e) {
  if (!e) return view;
  const c = e.classification;
  if (c && c.kind === view.classification.kind) {
    view.classification.summary = c.summary || view.classification.summary;
    if (Array.isArray(c.headers) && c.headers.length) view.classification.headers = c.headers.map((h) => ({ name: h.name, value: h.value, why: h.why }));
  }
  const failedValue = e.result?.failure?.failed_value ?? null;
  const exchanges = e.timeline.filter((s) => s.step === 'exchange');
  for (const x of view.exchanges) {
    const ex = exchanges.find((y) => y.index === x.index);
    if (!ex || !Array.isArray(ex.checks)) continue;
    x.checks = ex.checks.map((ck) => {
      const check = CHECK_KEY[ck.check] || ck.check;
      return {
        check,
        label: CHECK_LABEL[check] || ck.check,
        header: CHECK_HEADER[check] ?? null,
        state: ck.state,
        value: ck.value,
        detail: ck.detail,
        failedValue: ck.state === 'failed' ? (check === 'headers' || check === 'methods' ? failedValue : ck.value ?? failedValue) : null,
      };
    });
  }
  const lookups = e.timeline.filter((s) => s.step === 'cache-lookup');
  view.items.filter((it) => it.type === 'cache').forEach((it, i) => {
    if (lookups[i] && !lookups[i].hit && lookups[i].miss) it.miss = lookups[i].miss;
  });
  const r = e.result;
  if (r) {
    if (!view.result.ok && r.failure?.rejects_with) {
      view.result.rejects = r.failure.rejects_with;
      view.result.summary = r.summary || view.result.summary;
      if (r.failure.kind !== 'cors' && r.failure.reason) view.result.why = r.failure.reason;
    }
    if (view.result.ok && Array.isArray(r.hidden_headers)) view.result.hidden = r.hidden_headers;
  }
  view.explained = true;
  return view;
}

// ------------------------------------------------------------------ describing a verdict

const SAFE_METHODS = ['GET', 'HEAD', 'POST'];

export const REJECTS_WITH = {
  chromium: 'TypeError: Failed to fetch',
  firefox: 'TypeError: NetworkError when attempting to fetch resource.',
  webkit: 'TypeError: Load failed',
};

/** Which check a Chromium CorsError name is about. */
export function checkOf(error) {
  if (/AllowOrigin|WildcardOrigin/.test(error)) return 'origin';
  if (/AllowCredentials/.test(error)) return 'credentials';
  if (error === 'PreflightInvalidStatus') return 'status';
  if (/AllowMethods|MethodDisallowed/.test(error)) return 'methods';
  if (/AllowHeaders|HeaderDisallowed/.test(error)) return 'headers';
  return 'redirect';
}

export const CHECK_HEADER = {
  origin: 'access-control-allow-origin',
  credentials: 'access-control-allow-credentials',
  methods: 'access-control-allow-methods',
  headers: 'access-control-allow-headers',
  redirect: 'location',
  status: null,
};

export const CHECK_LABEL = {
  origin: 'Access-Control-Allow-Origin',
  credentials: 'Access-Control-Allow-Credentials',
  methods: 'Access-Control-Allow-Methods',
  headers: 'Access-Control-Allow-Headers',
  redirect: 'Redirect',
  status: 'Status',
};

function headerValues(headers, name) {
  return headers.filter(([n]) => lower(n) === name).map(([, v]) => v.trim());
}

function joined(headers, name) {
  const vs = headerValues(headers, name);
  return vs.length ? vs.join(', ') : null;
}

/** Why an allowed origin is not the page's origin, in a few words. */
export function mismatchReason(value, origin) {
  const v = value.trim();
  if (v === origin + '/' || v.replace(/\/+$/, '') === origin) return 'a trailing slash: an origin has no path';
  if (lower(v) === lower(origin)) return 'the case differs: origins are compared byte for byte';
  try {
    const a = new URL(v);
    const b = new URL(origin);
    const hostA = a.hostname;
    const hostB = b.hostname;
    const local = (h) => ['localhost', '127.0.0.1', '[::1]'].includes(h);
    if (local(hostA) && local(hostB) && hostA !== hostB) return `${hostA} and ${hostB} are different hosts to the browser`;
    if (a.protocol !== b.protocol) return `the scheme differs (${a.protocol.slice(0, -1)} vs ${b.protocol.slice(0, -1)})`;
    if (hostA !== hostB) return `the host differs (${hostA} vs ${hostB})`;
    if (a.port !== b.port) return `the port differs (${a.port || 'default'} vs ${b.port || 'default'})`;
    if (a.pathname !== '/' || a.search) return 'it has a path: an origin is scheme://host:port only';
  } catch {
    /* not a URL */
  }
  return 'it must be exactly the origin';
}

/** Why a request header (lower-case name) is not CORS-safelisted, in words. */
export function unsafeWhy(name, value) {
  if (name === 'authorization') return 'Authorization is never CORS-safelisted';
  if (value.length > 128) return 'its value is longer than 128 bytes';
  if (name === 'content-type') {
    const essence = value.split(';')[0].trim().toLowerCase();
    if (['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'].includes(essence)) {
      return 'its value has a byte that is not CORS-safe';
    }
    return `'${essence}' is not application/x-www-form-urlencoded, multipart/form-data or text/plain`;
  }
  if (['accept', 'accept-language', 'content-language', 'range'].includes(name)) return `its value '${value}' is not CORS-safelisted`;
  return 'not a CORS-safelisted request header';
}

const MISS = {
  'no-entry': () => 'nothing cached for this URL',
  expired: () => 'the cached preflight has expired',
  'not-credentialed': () => 'the cached preflight was for a request without credentials',
  method: (v) => `the cached preflight does not cover the method ${v}`,
  header: (v) => `the cached preflight does not cover the header ${v}`,
};

const REDIRECT_FAILURE = {
  'redirect-mode-error': "redirect: 'error' and the response is a redirect",
  'too-many-redirects': 'too many redirects (more than 20)',
  'empty-redirect-location': 'a redirect with an empty Location',
  'invalid-redirect-location': 'the Location is not a URL',
  'redirect-to-non-http-scheme': 'a redirect to a scheme other than http or https',
  'redirect-with-credentials': 'a redirect to a URL with a username or password',
  'same-origin-mode-redirected-cross-origin': "mode: 'same-origin' and the redirect leads to another origin",
};

function requestText(req) {
  const u = new URL(req.url);
  const target = (u.pathname || '/') + u.search;
  const lines = [`${req.method} ${target} HTTP/1.1`, `Host: ${u.host}`];
  for (const [n, v] of req.headers) lines.push(`${n}: ${v}`);
  return lines;
}

const REASONS = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found',
  303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable',
};

export function statusLine(status) {
  return `HTTP/1.1 ${status}${REASONS[status] ? ' ' + REASONS[status] : ''}`;
}

function checksFor(ctx, exchange, failure, failingHere) {
  const { profile, credentials, origin } = ctx;
  const { request, response, route } = exchange;
  const include = credentials === 'include';
  const err = failingHere && failure && failure.reason.kind === 'cors' ? failure.reason.error : null;
  const failed = err ? checkOf(err) : null;
  const fv = failingHere && failure && failure.reason.kind === 'cors' ? failure.reason.failedParameter : '';
  const h = response.headers;
  const originSent = joined(request.headers, 'origin') ?? origin;
  let order = [];
  if (exchange.preflight) {
    if (err === 'PreflightDisallowedRedirect') order.push('redirect');
    const access = include ? ['origin', 'credentials'] : ['origin'];
    order.push(...(profile === 'chromium' ? [...access, 'status'] : ['status', ...access]), 'methods', 'headers');
  } else {
    if (route === 'simple' || route === 'preflight') order.push(...(include ? ['origin', 'credentials'] : ['origin']));
    const isRedirect = response.status >= 300 && response.status < 400 && headerValues(h, 'location').length > 0;
    const redirectFailure = failingHere && failure && REDIRECT_FAILURE[failure.reason.kind];
    if (isRedirect || redirectFailure || failed === 'redirect') order.push('redirect');
  }
  let state = 'passed';
  const redirectFails = failingHere && failure && (REDIRECT_FAILURE[failure.reason.kind] || failed === 'redirect');
  return order.map((check) => {
    let mine;
    if (state !== 'passed') mine = 'not-reached';
    else if (check === failed || (check === 'redirect' && redirectFails)) { mine = 'failed'; state = 'not-reached'; }
    else mine = 'passed';
    let value = null;
    let detail = '';
    const reqMethod = joined(request.headers, 'access-control-request-method') || request.method;
    const reqHeaders = (joined(request.headers, 'access-control-request-headers') || '').split(',').filter(Boolean);
    switch (check) {
      case 'origin': {
        value = joined(h, 'access-control-allow-origin');
        if (mine === 'passed') detail = value === '*' ? "'*' allows every origin (the request carries no credentials)" : `'${value}' is the request's origin`;
        else if (mine === 'failed') {
          if (/Missing/.test(err)) detail = 'absent: the response does not allow any origin';
          else if (/Wildcard/.test(err)) detail = "'*' is not allowed when the request's credentials mode is 'include'";
          else if (/Multiple/.test(err)) detail = `'${fv || value}' holds more than one value; exactly one origin is allowed`;
          else if (/InvalidAllowOrigin/.test(err)) detail = `'${fv || value}' is not a valid origin`;
          else detail = `'${fv || value}' is not the request's origin '${originSent}': ${mismatchReason(fv || value || '', originSent)}`;
        }
        break;
      }
      case 'credentials':
        value = joined(h, 'access-control-allow-credentials');
        detail = mine === 'passed' ? "'true', as credentials: 'include' requires"
          : mine === 'failed' ? `must be 'true' when the request's credentials mode is 'include'; it is ${value === null ? 'absent' : `'${value}'`}` : '';
        break;
      case 'status':
        value = String(response.status);
        detail = mine === 'passed' ? `${response.status} is an ok status (200–299)`
          : mine === 'failed' ? `${response.status} is not an ok status: a preflight must get 200–299 (is there a route for OPTIONS, before auth?)` : '';
        break;
      case 'methods':
        value = joined(h, 'access-control-allow-methods');
        if (mine === 'passed') detail = SAFE_METHODS.includes(reqMethod.toUpperCase()) && reqMethod === reqMethod.toUpperCase()
          ? `${reqMethod} is CORS-safelisted: always allowed` : `${reqMethod} is allowed`;
        else if (mine === 'failed') detail = /Invalid/.test(err) ? `'${fv || value}' cannot be parsed as a list of methods` : `${fv || reqMethod} is not in ${value === null ? 'it (absent)' : `'${value}'`}`;
        break;
      case 'headers':
        value = joined(h, 'access-control-allow-headers');
        if (mine === 'passed') detail = reqHeaders.length ? `${reqHeaders.join(', ')} allowed` : 'no non-safelisted headers to allow';
        else if (mine === 'failed') detail = /Invalid/.test(err) ? `'${fv || value}' cannot be parsed as a list of header names`
          : `${fv} is not in ${value === null ? 'it (absent)' : `'${value}'`}${value && value.includes('*') && fv === 'authorization' ? " ('*' does not cover Authorization here)" : ''}`;
        break;
      case 'redirect': {
        value = headerValues(h, 'location')[0] ?? null;
        if (exchange.preflight) detail = `the preflight was answered with a ${response.status} redirect; a preflight is never redirected`;
        else if (mine === 'failed') detail = REDIRECT_FAILURE[failure.reason.kind] || (err === 'RedirectContainsCredentials' ? 'the redirect URL has credentials' : err === 'NoCorsRedirectModeNotFollow' ? "no-cors with a redirect mode other than 'follow'" : err);
        else if (mine === 'passed') detail = ctx.redirect === 'manual' ? `a ${response.status} redirect: with redirect 'manual' script gets an opaqueredirect response` : `a ${response.status} redirect to ${value}, followed`;
        break;
      }
      default: break;
    }
    if (mine === 'not-reached') detail = 'not checked: an earlier check failed';
    return { check, label: CHECK_LABEL[check], header: CHECK_HEADER[check], state: mine, value, detail, failedValue: mine === 'failed' ? (fv || value) : null };
  });
}

/**
 * The playground's view of one step in one profile: classification, a
 * timeline (dropped headers, cache lookups, exchanges with their checks,
 * stored preflights, redirects), what script gets, the console.
 */
export function describeStep({ profile, origin, request, atMs }, run) {
  const { verdict, responses, cache } = run;
  const failure = verdict.failure;
  const items = [];
  let classification = null;
  const routeOf = {};
  const exchanges = [];
  const firstValue = (name) => (request.headers.find(([n]) => lower(n) === name) || [])[1] ?? '';
  for (const ev of verdict.events) {
    switch (ev.event) {
      case 'header-dropped':
        items.push({ type: 'dropped', name: ev.name, because: ev.because });
        break;
      case 'routed': {
        routeOf[stripHash(ev.url)] = ev.route.route;
        if (!classification) {
          const r = ev.route;
          const c = { kind: r.route, method: null, headers: [] };
          if (r.route === 'preflight') {
            c.method = r.method;
            c.headers = r.headers.map((name) => ({ name, value: firstValue(name), why: unsafeWhy(name, firstValue(name)) }));
            const why = [];
            if (r.method) why.push(`the method ${r.method} is not GET, HEAD or POST`);
            for (const hd of c.headers) why.push(`${hd.name}: ${hd.why}`);
            c.summary = `Preflighted: ${why.join('; ')}.`;
          } else if (r.route === 'simple') c.summary = 'Simple request: a safelisted method and only safelisted headers, so no preflight. The response itself must allow the origin.';
          else if (r.route === 'same-origin') c.summary = 'Same origin: no CORS at all.';
          else c.summary = "no-cors: sent without CORS checks; script gets an opaque response (status 0, no headers, no body).";
          classification = c;
        } else {
          items.push({ type: 'routed', url: ev.url, route: ev.route.route });
        }
        break;
      }
      case 'cache-lookup':
        items.push({ type: 'cache', url: ev.url, hit: !ev.miss, miss: ev.miss ? MISS[ev.miss.reason](ev.miss.value) : null });
        break;
      case 'sent': {
        const req = verdict.requests[ev.index];
        const x = {
          type: 'exchange',
          index: ev.index,
          preflight: req.isPreflight,
          request: req,
          requestLines: requestText(req),
          response: responses[ev.index] ?? null,
          route: routeOf[stripHash(req.url)] ?? null,
          checks: [],
        };
        exchanges.push(x);
        items.push(x);
        break;
      }
      case 'preflight-stored':
        items.push({ type: 'stored', url: ev.url, maxAgeSecs: ev.maxAgeSecs, untilMs: ev.maxAgeSecs == null ? null : atMs + ev.maxAgeSecs * 1000 });
        break;
      case 'redirected':
        items.push({ type: 'redirect', ...ev });
        break;
      default:
        break;
    }
  }
  if (!classification) classification = { kind: 'not-sent', method: null, headers: [], summary: 'Not sent: fetch() rejected before any request.' };
  const failingIndex = failure && verdict.requests.length ? verdict.requests.length - 1 : -1;
  for (const x of exchanges) {
    if (!x.response) continue;
    x.checks = checksFor({ profile, credentials: request.credentials || 'same-origin', origin, redirect: request.redirect || 'follow' }, x, failure, x.index === failingIndex);
    x.failing = x.index === failingIndex;
  }
  // What script gets.
  let result;
  if (verdict.ok) {
    const r = verdict.response;
    const last = responses[responses.length - 1];
    const hidden = r.type === 'cors' && last
      ? [...new Set(last.headers.map(([n]) => lower(n)).filter((n) => !r.headers.includes(n) && !n.startsWith('access-control-') && n !== 'set-cookie' && n !== 'set-cookie2'))].sort()
      : [];
    const readable = r.type === 'cors' || r.type === 'basic';
    const summary = r.type === 'cors' ? `fetch() resolves: response.type 'cors', status ${r.status}`
      : r.type === 'basic' ? `fetch() resolves: response.type 'basic', status ${r.status}, every header but Set-Cookie`
        : r.type === 'opaque' ? 'fetch() resolves, but the response is opaque: status 0, no headers, no body'
          : "fetch() resolves with an 'opaqueredirect' response: status 0, no headers, not where it redirects";
    result = { ok: true, readable, type: r.type, status: r.status, headers: r.headers, hidden, summary };
  } else {
    const reason = failure.reason;
    const rejects = reason.kind === 'type-error' ? `TypeError: ${reason.message}` : REJECTS_WITH[profile];
    let why = '';
    if (reason.kind === 'cors') why = 'blocked by CORS';
    else if (reason.kind === 'type-error') why = `fetch() rejected before sending anything (${reason.error})`;
    else if (REDIRECT_FAILURE[reason.kind]) why = REDIRECT_FAILURE[reason.kind];
    else if (reason.kind === 'scheme-not-http') why = 'the URL is not http or https';
    else why = reason.kind;
    result = { ok: false, readable: false, rejects, why, summary: `fetch() rejects with ${rejects}` };
  }
  return { profile, classification, items, exchanges, result, console: verdict.console, corsError: verdict.corsError, failure, cache, verdict };
}

/** A one-line outcome of a step, for the timeline strip and the browser comparison. */
export function outcomeLine(verdict) {
  const methods = verdict.requests.map((r) => r.method).join(' + ') || 'nothing sent';
  const cached = verdict.events.some((e) => e.event === 'cache-lookup' && !e.miss);
  if (verdict.ok) {
    const r = verdict.response;
    return { ok: r.type === 'cors' || r.type === 'basic', sent: methods, cached, text: `${r.type} ${r.status}` };
  }
  const reason = verdict.corsError || verdict.failure.reason.error || verdict.failure.reason.kind;
  return { ok: false, sent: methods, cached, text: reason };
}
