// The playground's state: what the editors hold, how it goes into the URL,
// and how it maps to and from a scenario in the shape of tests/corpus/FORMAT.md.

export const PROFILES = ['chromium', 'firefox', 'webkit'];
export const PROFILE_LABEL = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit (Safari)' };

export function defaultRequest() {
  return { url: 'https://api.example/items', method: 'GET', headers: '', mode: 'cors', credentials: 'same-origin', redirect: 'follow', initiator: 'fetch', crossorigin: '', target_address_space: '' };
}

/** The page beyond its origin (FORMAT.md's `page` object), as its editors
 * hold it: '' leaves a field to what the origin implies. */
export function defaultPage() {
  return { url: '', secure: '', coep: 'unsafe-none', space: '', target: '', lna: 'prompt' };
}

const PAGE_ONE_OF = {
  secure: ['', 'true', 'false'], coep: ['unsafe-none', 'require-corp', 'credentialless'],
  space: ['', 'loopback', 'local', 'public'], target: ['', 'loopback', 'local', 'public'], lna: ['prompt', 'granted', 'denied'],
};

function normalPage(p) {
  const d = defaultPage();
  const src = p && typeof p === 'object' ? p : {};
  const out = {};
  for (const k of Object.keys(d)) out[k] = src[k] === undefined || src[k] === null ? d[k] : String(src[k]);
  for (const [k, allowed] of Object.entries(PAGE_ONE_OF)) if (!allowed.includes(out[k])) out[k] = d[k];
  return out;
}

/** The host (`host` or `host:port`, as the URL writes it) of a request URL, or ''. */
export function urlHost(url) {
  try {
    return new URL(String(url).trim()).host;
  } catch {
    return '';
  }
}

/** The scenario's `page` object for the editors' page context (null when
 * every field is left to the origin). The target's address space is given
 * for the host of each step's URL. */
function pageObject(state) {
  const p = state.page;
  const out = {};
  if (p.url.trim()) out.url = p.url.trim();
  if (p.secure) out.secure_context = p.secure === 'true';
  if (p.space) out.address_space = p.space;
  if (p.target) {
    const hosts = [...new Set(state.steps.map((st) => urlHost(st.request.url)).filter(Boolean))];
    if (hosts.length) out.address_spaces = Object.fromEntries(hosts.map((h) => [h, p.target]));
  }
  if (p.lna !== 'prompt') out.local_network_access = p.lna;
  if (p.coep !== 'unsafe-none') out.coep = p.coep;
  return Object.keys(out).length ? out : null;
}

/** A scenario's `page` object into the editors' page context. */
function pageFromObject(page, steps) {
  if (!page || typeof page !== 'object') return defaultPage();
  const hosts = steps.map((st) => urlHost(st.request.url));
  const spaces = page.address_spaces && typeof page.address_spaces === 'object' ? page.address_spaces : {};
  const target = Object.entries(spaces).find(([h]) => hosts.includes(h))?.[1] ?? Object.values(spaces)[0];
  return normalPage({
    url: page.url ?? '',
    secure: page.secure_context === undefined || page.secure_context === null ? '' : String(page.secure_context),
    coep: page.coep, space: page.address_space === 'private' ? 'local' : page.address_space,
    target: target === 'private' ? 'local' : target, lna: page.local_network_access,
  });
}

export function defaultState() {
  return {
    title: '',
    origin: 'https://app.example',
    page: defaultPage(),
    steps: [{ at: 0, request: defaultRequest() }],
    sel: 0,
    server: [{
      url: 'https://api.example/items',
      preflight: { status: '204', headers: '' },
      actual: { status: '200', headers: 'Content-Type: application/json' },
    }],
    preset: 'custom',
    linked: false,
    presetOrigins: 'https://app.example',
    presetCreds: false,
    profile: 'chromium',
    fixFor: '',
  };
}

const ONE_OF = {
  mode: ['cors', 'no-cors', 'same-origin'], credentials: ['same-origin', 'include', 'omit'], redirect: ['follow', 'error', 'manual'],
  initiator: ['fetch', 'xhr', 'img', 'script', 'module-script', 'stylesheet', 'font', 'beacon'], crossorigin: ['', 'anonymous', 'use-credentials'],
  target_address_space: ['', 'local', 'loopback', 'public'],
};

/** The request fields of tests/corpus/FORMAT.md for the step's initiator
 * (each initiator has its own; the engine derives mode and credentials). */
function requestFields(r, pairs) {
  const url = r.url.trim();
  const method = r.method.trim() || 'GET';
  switch (r.initiator) {
    case 'xhr':
      return { initiator: 'xhr', url, method, headers: pairs, credentials: r.credentials === 'include' ? 'include' : 'same-origin' };
    case 'beacon':
      return { initiator: 'beacon', url, method: 'POST', headers: pairs.filter(([n]) => n.toLowerCase() === 'content-type').slice(0, 1) };
    case 'font':
      return { initiator: 'font', url };
    case 'img': case 'script': case 'module-script': case 'stylesheet':
      return r.crossorigin ? { initiator: r.initiator, url, crossorigin: r.crossorigin } : { initiator: r.initiator, url };
    default: {
      const fetched = { url, method, headers: pairs, mode: r.mode, credentials: r.credentials, redirect: r.redirect };
      return r.target_address_space ? { ...fetched, target_address_space: r.target_address_space } : fetched;
    }
  }
}

function normalRequest(r) {
  const d = defaultRequest();
  const src = r && typeof r === 'object' ? r : {};
  const out = {};
  for (const k of Object.keys(d)) out[k] = src[k] === undefined || src[k] === null ? d[k] : String(src[k]);
  for (const [k, allowed] of Object.entries(ONE_OF)) if (!allowed.includes(out[k])) out[k] = d[k];
  return out;
}

/** Fill missing fields of a decoded/imported state from the defaults, and
 * coerce every field to what the editors hold (a link may carry anything). */
export function normalize(s) {
  const d = defaultState();
  const out = { ...d, ...s };
  out.steps = (Array.isArray(s.steps) && s.steps.length ? s.steps : d.steps).map((st) => ({
    at: st && Number.isFinite(Number(st.at)) ? Math.max(0, Number(st.at)) : 0,
    request: normalRequest(st && st.request),
  }));
  for (const k of ['title', 'origin', 'preset', 'presetOrigins', 'fixFor']) out[k] = String(out[k] ?? '');
  out.page = normalPage(s.page);
  out.linked = out.linked === true;
  out.presetCreds = out.presetCreds === true;
  out.server = (Array.isArray(s.server) ? s.server : d.server).filter((e) => e && typeof e === 'object').map((e) => ({
    url: String(e.url ?? ''),
    preflight: { status: String(e.preflight?.status ?? ''), headers: String(e.preflight?.headers ?? '') },
    actual: { status: String(e.actual?.status ?? ''), headers: String(e.actual?.headers ?? '') },
  }));
  if (!out.server.length) out.server.push({ url: out.steps[0].request.url, preflight: { status: '', headers: '' }, actual: { status: '', headers: '' } });
  delete out.v;
  out.sel = Math.min(Math.max(0, Number(out.sel) || 0), out.steps.length - 1);
  if (!['chromium', 'firefox', 'webkit'].includes(out.profile)) out.profile = 'chromium';
  return out;
}

// ------------------------------------------------------------------ header text

/** "Name: value" lines to pairs. Returns { pairs, errors: [{line, message}] }. */
export function parseHeaderText(text) {
  const pairs = [];
  const errors = [];
  String(text).split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    const c = line.indexOf(':');
    if (c <= 0) {
      errors.push({ line: i + 1, message: `line ${i + 1}: "${line.trim()}" has no "Name: value" colon` });
      return;
    }
    pairs.push([line.slice(0, c).trim(), line.slice(c + 1).trim()]);
  });
  return { pairs, errors };
}

export function headerText(pairs) {
  return (pairs || []).map(([n, v]) => `${n}: ${v}`).join('\n');
}

// ------------------------------------------------------------------ URL state

function b64urlEncode(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function b64urlDecode(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** The state as a URL hash: `#s=<base64url JSON>`. */
export function encodeHash(state) {
  const { title, origin, page, steps, sel, server, preset, linked, presetOrigins, presetCreds, profile, fixFor } = state;
  return '#s=' + b64urlEncode(JSON.stringify({ v: 1, title, origin, page, steps, sel, server, preset, linked, presetOrigins, presetCreds, profile, fixFor }));
}

/** The state from a URL hash, or null (with a reason) when there is none or it is unreadable. */
export function decodeHash(hash) {
  const m = /^#?(?:.*&)?s=([A-Za-z0-9_-]+)/.exec(hash || '');
  if (!m) return { state: null };
  try {
    const s = JSON.parse(b64urlDecode(m[1]));
    if (!s || typeof s !== 'object') throw new Error('not an object');
    return { state: normalize(s) };
  } catch (e) {
    return { state: null, error: `the link's state could not be read (${e.message})` };
  }
}

// ------------------------------------------------------------------ engine input

function absolute(url) {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * The scenario the engine runs, FORMAT.md shape, plus where each field came
 * from (for pointing at an editor when the engine rejects one).
 * Throws { field, message } for editor text it cannot read (a header line
 * without a colon, a status that is not a number).
 */
export function toScenario(state, { id } = {}) {
  const problems = [];
  const steps = state.steps.map((st, i) => {
    const r = st.request;
    const { pairs, errors } = parseHeaderText(r.headers);
    errors.forEach((e) => problems.push({ field: `steps[${i}].request.headers`, message: `step ${i + 1} request headers: ${e.message}` }));
    const request = requestFields(r, pairs);
    return { at_ms: Math.max(0, Math.round(Number(st.at) * 1000) || 0), request };
  });
  const server = {};
  state.server.forEach((e, i) => {
    const url = absolute(e.url.trim());
    if (!url) return;
    const entry = {};
    for (const part of ['preflight', 'actual']) {
      const p = e[part];
      if (String(p.status).trim() === '' && !p.headers.trim()) continue;
      const status = Number(String(p.status).trim() || (part === 'preflight' ? 204 : 200));
      if (!Number.isInteger(status) || status < 100 || status > 999) {
        problems.push({ field: `server[${i}].${part}.status`, message: `${part} status "${p.status}" is not a number from 100 to 999` });
        continue;
      }
      const { pairs, errors } = parseHeaderText(p.headers);
      errors.forEach((er) => problems.push({ field: `server[${i}].${part}.headers`, message: `${part} response headers: ${er.message}` }));
      entry[part] = { status, headers: pairs };
    }
    server[url] = server[url] ? { ...server[url], ...entry } : entry;
  });
  const scenario = { id: id || slug(state.title) || 'playground', origin: state.origin.trim(), steps, server };
  const page = pageObject(state);
  if (page) scenario.page = page;
  return { scenario, problems };
}

function slug(s) {
  return String(s || '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

/** A FORMAT.md scenario (object) into playground state. */
export function fromScenario(sc) {
  if (!sc || typeof sc !== 'object') throw new Error('a scenario is a JSON object');
  if (typeof sc.origin !== 'string') throw new Error('origin: missing (the page\'s origin)');
  if (!Array.isArray(sc.steps) || sc.steps.length === 0) throw new Error('steps: missing or empty');
  const steps = sc.steps.map((st, i) => {
    const r = st.request;
    if (!r || typeof r.url !== 'string') throw new Error(`steps[${i}].request.url: missing`);
    return {
      at: (Number(st.at_ms) || 0) / 1000,
      request: {
        url: r.url,
        method: r.method || 'GET',
        headers: headerText(r.headers || []),
        mode: r.mode || 'cors',
        credentials: r.credentials || 'same-origin',
        redirect: r.redirect || 'follow',
        initiator: r.initiator || 'fetch',
        crossorigin: r.crossorigin || '',
        target_address_space: r.target_address_space || '',
      },
    };
  });
  const server = Object.entries(sc.server || {}).map(([url, e]) => ({
    url,
    preflight: e.preflight ? { status: String(e.preflight.status), headers: headerText(e.preflight.headers) } : { status: '', headers: '' },
    actual: e.actual ? { status: String(e.actual.status), headers: headerText(e.actual.headers) } : { status: '', headers: '' },
  }));
  // The entry for the first request's URL comes first: it is the one the editor shows on top.
  const first = absolute(steps[0].request.url);
  server.sort((a, b) => (absolute(b.url) === first) - (absolute(a.url) === first));
  const profile = /^firefox|^gecko/i.test(sc.browser || '') ? 'firefox' : /^webkit|^safari/i.test(sc.browser || '') ? 'webkit' : 'chromium';
  return normalize({ title: sc.id || '', origin: sc.origin, page: pageFromObject(sc.page, steps), steps, server, sel: 0, preset: 'custom', linked: false, profile });
}

/** Read an imported file or pasted text: one JSON object, or JSON Lines (the first scenario is taken). */
export function readScenarioText(text) {
  const t = text.trim();
  if (!t) throw new Error('empty');
  let obj;
  try {
    obj = JSON.parse(t);
  } catch {
    const first = t.split('\n').find((l) => l.trim());
    try {
      obj = JSON.parse(first);
    } catch (e) {
      throw new Error(`not JSON: ${e.message}`);
    }
  }
  return obj;
}

export { absolute };
