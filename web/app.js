// The playground page: editors in, verdict out, live.

import { loadEngine, runScenario, simulate, explainStep, outcomeLine, isForbiddenHeader, parseMessage, modelAnswers, renderModel } from './engine.js';
import { PROFILES, PROFILE_LABEL, defaultRequest, defaultPage, urlHost, normalize, toScenario, fromScenario, readScenarioText, encodeHash, decodeHash, parseHeaderText, headerText, absolute } from './model.js';
import { PRESETS, PRESET_BY_ID } from './presets.js';
import { GALLERY } from './gallery.js';
import { parseRequest, detect } from './parse.js';

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const lower = (s) => String(s).toLowerCase();

let state = null;
let engine = null;
let last = null; // the last computed results, for tests and export
const t0 = performance.now();

// ------------------------------------------------------------------ editors

function currentStep() {
  return state.steps[state.sel];
}

// The page context's editors, by the state.page field each holds.
const PAGE_FIELDS = { url: 'page-url', secure: 'page-secure', coep: 'page-coep', space: 'page-space', target: 'page-target', lna: 'page-lna' };

function writeEditors() {
  $('origin').value = state.origin;
  writePageEditors();
  writeStepEditors();
  $('preset').value = state.preset;
  $('preset-origins').value = state.presetOrigins;
  $('preset-creds').checked = !!state.presetCreds;
  renderPresetInfo();
  renderServerEntries();
}

function writePageEditors() {
  for (const [k, id] of Object.entries(PAGE_FIELDS)) $(id).value = state.page[k];
  // Opened whenever it holds more than the origin implies.
  if (JSON.stringify(state.page) !== JSON.stringify(defaultPage())) $('page-context').open = true;
  renderTargetHost();
}

/** Which hosts the target's address space is given for (each step's URL's). */
function renderTargetHost() {
  const hosts = [...new Set(state.steps.map((st) => urlHost(st.request.url)).filter(Boolean))];
  $('page-target-host').textContent = hosts.length ? hosts.join(', ') : '';
}

function writeStepEditors() {
  const r = currentStep().request;
  $('method').value = r.method;
  $('url').value = r.url;
  $('req-headers').value = r.headers;
  $('mode').value = r.mode;
  $('credentials').value = r.credentials;
  $('redirect').value = r.redirect;
  $('initiator').value = r.initiator;
  $('crossorigin').value = r.crossorigin;
  $('target_address_space').value = r.target_address_space;
  $('at').value = String(currentStep().at);
  $('at').disabled = state.steps.length === 1 && state.sel === 0;
  renderStepTabs();
}

function renderStepTabs() {
  $('step-tabs').innerHTML = state.steps.map((st, i) => `<button type="button" class="step-tab" data-step="${i}" aria-pressed="${i === state.sel}">${i + 1} <span class="sub">t=${fmtSecs(st.at)}</span></button>`).join('');
  $('remove-step').hidden = state.steps.length < 2;
  $('at').closest('.field').hidden = state.steps.length < 2;
}

function fmtSecs(s) {
  const n = Number(s) || 0;
  if (n >= 3600 && n % 60 === 0) return `${+(n / 3600).toFixed(2)}h`;
  if (n >= 120 && n % 60 === 0) return `${n / 60}min`;
  return `${+n.toFixed(3)}s`;
}

function renderServerEntries() {
  const first = absolute(state.steps[0].request.url.trim());
  $('server-entries').innerHTML = state.server.map((e, i) => {
    const main = i === 0;
    const part = (name, title) => `
      <div class="resp">
        <h3>${title}</h3>
        <div class="row">
          <div class="field status-field">
            <label for="s${i}-${name}-status">Status</label>
            <input id="s${i}-${name}-status" data-entry="${i}" data-part="${name}" data-key="status" type="text" inputmode="numeric" value="${esc(e[name].status)}" placeholder="${name === 'preflight' ? '204' : '200'}" autocomplete="off">
          </div>
          <div class="field grow">
            <label for="s${i}-${name}-headers">Headers</label>
            <textarea id="s${i}-${name}-headers" data-entry="${i}" data-part="${name}" data-key="headers" rows="${Math.max(3, e[name].headers.split('\n').length + 1)}" spellcheck="false" autocomplete="off" placeholder="Access-Control-Allow-Origin: …">${esc(e[name].headers)}</textarea>
          </div>
        </div>
      </div>`;
    return `<div class="entry${main ? ' main' : ''}" data-entry-box="${i}">
      <div class="field">
        <label for="s${i}-url">${main ? 'Answers for the URL' : `Answers for URL ${i + 1}`}${main && absolute(e.url.trim()) === first ? ' <span class="sub">(the request\'s URL)</span>' : ''}</label>
        <div class="row tight"><input id="s${i}-url" data-entry="${i}" data-key="url" type="text" value="${esc(e.url)}" spellcheck="false" autocomplete="off" inputmode="url">
        ${main ? '' : `<button type="button" class="remove-url" data-remove="${i}" aria-label="Remove the answers for URL ${i + 1}">Remove</button>`}</div>
      </div>
      ${part('preflight', 'Preflight answer <span class="sub">OPTIONS with Access-Control-Request-Method</span>')}
      ${part('actual', 'Actual answer <span class="sub">every other request</span>')}
    </div>`;
  }).join('');
}

function presetOptions() {
  return { origins: state.presetOrigins.split(',').map((s) => s.trim()).filter(Boolean), credentials: !!state.presetCreds };
}

function renderPresetInfo() {
  const p = PRESET_BY_ID[state.preset];
  $('preset-options').hidden = !p || !p.uses.includes('origins');
  $('preset-creds').closest('label').hidden = !p || !p.uses.includes('credentials');
  $('preset-config').hidden = !p;
  if (p) $('preset-snippet').textContent = renderModel(p.model(presetOptions()));
  $('preset-status').innerHTML = !p ? ''
    : state.linked ? `The answers below are what <strong>${esc(p.label)}</strong> sends for this request; they follow the request as you edit it. Edit them to make them your own.`
      : `Started from <strong>${esc(p.label)}</strong>, then edited. <button type="button" id="reapply" class="linkish">Re-apply the preset</button>`;
}

/** Fill server entry 0 from the linked preset, for the first step's request. */
function applyPreset() {
  const p = PRESET_BY_ID[state.preset];
  if (!p || !state.linked) return false;
  const r = state.steps[0].request;
  const { pairs } = parseHeaderText(r.headers);
  const origin = state.origin.trim();
  const method = r.method.trim() || 'GET';
  // The library's answers, from the engine's model of it.
  const out = modelAnswers(p.model(presetOptions()), origin, { url: absolute(r.url.trim()), method, headers: pairs, mode: r.mode, credentials: r.credentials }, state.profile);
  if (out.error) return false;
  const e = state.server[0];
  const next = {
    url: e.url,
    preflight: { status: String(out.preflight.status), headers: headerText(out.preflight.headers) },
    actual: { status: String(out.actual.status), headers: headerText(out.actual.headers) },
  };
  if (JSON.stringify(next) === JSON.stringify(e)) return false;
  state.server[0] = next;
  return true;
}

/** Keep entry 0's URL on the first request's URL when it was following it. */
function syncMainUrl(before, after) {
  const e = state.server[0];
  if (!e) return false;
  if (e.url.trim() === before.trim() || !e.url.trim()) {
    e.url = after;
    const input = $('s0-url');
    if (input && document.activeElement !== input) input.value = after;
    return true;
  }
  return false;
}

function onStepInput(ev) {
  const st = currentStep();
  const id = ev.target.id;
  const before = st.request.url;
  if (id === 'at') st.at = Number(ev.target.value) || 0;
  else if (id === 'req-headers') st.request.headers = ev.target.value;
  else if (['method', 'url', 'mode', 'credentials', 'redirect', 'initiator', 'crossorigin', 'target_address_space'].includes(id)) st.request[id] = ev.target.value;
  else return;
  if (id === 'url' && state.sel === 0) syncMainUrl(before, st.request.url);
  if (id === 'url') renderTargetHost();
  if (id === 'at') renderStepTabs();
  if (state.sel === 0 && applyPreset()) renderServerEntries();
  update();
}

function onServerInput(ev) {
  const t = ev.target;
  const i = Number(t.dataset.entry);
  if (Number.isNaN(i)) return;
  const e = state.server[i];
  if (t.dataset.key === 'url') e.url = t.value;
  else e[t.dataset.part][t.dataset.key] = t.value;
  if (i === 0 && state.linked && t.dataset.key !== 'url') {
    state.linked = false;
    renderPresetInfo();
  }
  if (t.tagName === 'TEXTAREA') t.rows = Math.max(3, t.value.split('\n').length + 1);
  update();
}

// ------------------------------------------------------------------ paste

function onPaste() {
  const text = $('paste').value;
  const status = $('paste-status');
  if (!text.trim()) { status.textContent = ''; status.className = 'status'; return; }
  const report = parseMessage(text);
  if (report && report.messages.length) { onPastedMessage(text, report); return; }
  if (!detect(text)) {
    status.textContent = 'Paste a fetch(…) call, an axios call, XMLHttpRequest code, a curl command or a console error.';
    status.className = 'status warn';
    return;
  }
  let got;
  try {
    got = parseRequest(text, (name, value) => isForbiddenHeader(name, value, state.profile));
  } catch (e) {
    status.textContent = `Could not read it: ${e.message}`;
    status.className = 'status warn';
    return;
  }
  const st = currentStep();
  const before = st.request.url;
  st.request = {
    ...defaultRequest(),
    url: got.request.url,
    method: got.request.method || 'GET',
    headers: headerText(got.request.headers),
    mode: got.request.mode || 'cors',
    credentials: got.request.credentials || (got.kind === 'fetch' ? 'same-origin' : st.request.credentials === 'include' ? 'include' : 'same-origin'),
    redirect: got.request.redirect || 'follow',
    initiator: got.request.initiator || 'fetch',
  };
  if (got.origin) state.origin = got.origin;
  if (state.sel === 0) syncMainUrl(before, st.request.url);
  const parts = [`Read ${{ fetch: 'fetch()', curl: 'curl', axios: 'axios', xhr: 'XMLHttpRequest' }[got.kind]}: ${st.request.method} ${st.request.url}, ${got.request.headers.length} header${got.request.headers.length === 1 ? '' : 's'}`];
  if (got.origin) parts.push(`page origin ${got.origin}`);
  if (got.dropped.length) parts.push(`left out what the browser sets itself: ${got.dropped.join(', ')}`);
  parts.push(...got.notes);
  status.textContent = parts.join('; ') + '.';
  status.className = 'status ok';
  if (state.sel === 0) applyPreset();
  $('origin').value = state.origin;
  writeStepEditors();
  renderServerEntries();
  update();
}

/** A console error: the engine's reading of it fills the request and the
 * answers as far as the message says; the status lists what it assumed. */
function onPastedMessage(text, report) {
  const status = $('paste-status');
  const f = report.facts;
  // A text several browsers write word for word: the engine says which.
  const who = f.could_be && f.could_be.length
    ? `${f.could_be.map((b) => PROFILE_LABEL[b] || b).join(' or ')} (the same text word for word; read as ${PROFILE_LABEL[f.browser] || f.browser}'s)`
    : PROFILE_LABEL[f.browser] || f.browser;
  const said = `Read a ${who} console error${f.reason_name ? ` (${f.reason_name})` : ''}`;
  // Not CORS (mixed content, Local Network Access, a blocked port, CORP, a
  // network error): the check and its fix come first.
  const notCors = report.not_cors ? ` ${report.not_cors.check}. Fix: ${report.not_cors.fix}` : '';
  if (!report.scenario) {
    status.textContent = `${said}: ${report.why_no_scenario}.${notCors} ${report.story.join(' ')}`;
    status.className = 'status warn';
    return;
  }
  loadState(fromScenario(report.scenario));
  $('paste').value = text;
  const assumed = report.unknown.map((u) => `${u.fact}: ${u.assumed}`);
  status.textContent = `${said}; filled in as far as the message says.${notCors}` + (assumed.length ? ` Not in the message (assumed): ${assumed.join('; ')}.` : '');
  status.className = 'status ok';
}

// ------------------------------------------------------------------ computing

function compute() {
  const { scenario, problems } = toScenario(state);
  const runs = {};
  for (const p of PROFILES) runs[p] = runScenario(scenario, p);
  const sel = Math.min(state.sel, scenario.steps.length - 1);
  const selRun = runs[state.profile];
  let view = null;
  if (!selRun.error && selRun.steps[sel]) {
    const explanation = explainStep(scenario, sel, state.profile);
    if (explanation) view = { profile: state.profile, e: explanation, run: selRun.steps[sel] };
  }
  return { scenario, problems, runs, sel, view, fix: view?.e.fix ?? null };
}

let pending = false;
function update() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    refresh();
  });
}

let lastUpdateMs = 0;
function refresh() {
  const t = performance.now();
  last = compute();
  renderVerdict(last);
  lastUpdateMs = performance.now() - t;
  saveToUrl();
  if (!$('io').hidden && document.activeElement !== $('scenario-json')) $('scenario-json').value = exportText();
  markInvalid(last);
}

// The state goes into the URL at most every 250 ms (browsers throttle
// history.replaceState when called on every keystroke).
let urlTimer = null;
let urlLast = 0;
function saveToUrl() {
  const write = () => {
    urlTimer = null;
    urlLast = performance.now();
    const hash = encodeHash(state);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    $('share-url').value = location.href;
  };
  if (urlTimer) return;
  const wait = 250 - (performance.now() - urlLast);
  if (wait <= 0) write();
  else urlTimer = setTimeout(write, wait);
}

function markInvalid(res) {
  document.querySelectorAll('[aria-invalid="true"]').forEach((el) => el.removeAttribute('aria-invalid'));
  const fields = res.problems.map((p) => p.field);
  const err = res.runs[state.profile].error;
  if (err) fields.push(err.field);
  for (const f of fields) {
    let el = null;
    let m;
    if ((m = /^options\.page\.?(\w*)/.exec(f))) el = $({ url: 'page-url', secure_context: 'page-secure', coep: 'page-coep', address_space: 'page-space', address_spaces: 'page-target', local_network_access: 'page-lna' }[m[1]] || 'page-url');
    else if (f.startsWith('origin')) el = $('origin');
    else if ((m = /^steps\[(\d+)\]\.request\.?(\w*)/.exec(f)) && Number(m[1]) === state.sel) {
      el = { url: $('url'), method: $('method'), headers: $('req-headers'), mode: $('mode'), credentials: $('credentials'), redirect: $('redirect') }[m[2]] || $('url');
    } else if ((m = /^server\[(\d+)\]\.(\w+)\.(\w+)/.exec(f))) el = $(`s${m[1]}-${m[2]}-${m[3]}`);
    if (el) el.setAttribute('aria-invalid', 'true');
  }
}

// ------------------------------------------------------------------ rendering the verdict

function httpBlock(text, { highlight = null, mark = null, statusFailed = false, label, missing = null }) {
  const lines = text.replace(/\n$/, '').split('\n');
  const out = lines.map((line, i) => {
    if (i === 0) return `<span class="line first${statusFailed ? ' hl' : ''}">${esc(line)}</span>`;
    const c = line.indexOf(':');
    const name = line.slice(0, c);
    const value = line.slice(c + 1);
    const hl = highlight && lower(name) === highlight;
    let v = esc(value);
    if (hl && mark) {
      const at = value.indexOf(mark);
      if (at >= 0) v = esc(value.slice(0, at)) + `<mark>${esc(mark)}</mark>` + esc(value.slice(at + mark.length));
    }
    return `<span class="line${hl ? ' hl' : ''}"><span class="hn">${esc(name)}</span>:${v}</span>`;
  });
  if (missing) out.push(`<span class="line hl missing"><span class="hn">${esc(missing)}</span>: <em>(absent)</em></span>`);
  return `<pre class="http" aria-label="${esc(label)}">${out.join('')}</pre>`;
}

const STATE_ICON = { passed: '✓', failed: '✗', 'not-reached': '–' };

/** The response header a check reads, by the engine's check name (`allow-origin` reads
 * Access-Control-Allow-Origin); `null` for the status. */
function checkHeader(check) {
  if (check === 'redirect') return 'location';
  return check.startsWith('allow-') ? `access-control-${check}` : null;
}

/** A check name as its header is written (`allow-origin` → Access-Control-Allow-Origin). */
function checkLabel(check) {
  const h = checkHeader(check);
  return h && check !== 'redirect' ? h.replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase()) : check[0].toUpperCase() + check.slice(1).replace(/-/g, ' ');
}

function renderExchange(x, view) {
  const e = view.e;
  const failed = x.checks.find((c) => c.state === 'failed');
  const exchanges = e.timeline.filter((s) => s.step === 'exchange');
  const before = exchanges[exchanges.indexOf(x) - 1];
  const title = x.preflight ? 'Preflight request' : before && !before.preflight ? 'Request after the redirect' : e.classification.kind === 'same-origin' ? 'Request (same origin)' : 'Actual request';
  const failedValue = e.result.failure?.failed_value ?? null;
  let reqHl = null;
  let reqMark = null;
  if (failed && x.preflight && failed.check === 'allow-headers') { reqHl = 'access-control-request-headers'; reqMark = failedValue; }
  if (failed && x.preflight && failed.check === 'allow-methods') reqHl = 'access-control-request-method';
  const header = failed ? checkHeader(failed.check) : null;
  const mark = failed && header && failed.value && !['allow-headers', 'allow-methods'].includes(failed.check) ? failed.value : null;
  const response = x.response
    ? httpBlock(x.response.text, { highlight: header, mark, statusFailed: failed && (failed.check === 'status' || (failed.check === 'redirect' && x.preflight)), label: `${title}: response`, missing: failed && header && failed.value === null ? checkLabel(failed.check) : null })
    : '<p class="hint">no answer</p>';
  return `<li class="item exchange${failed ? ' failing' : ''}">
    <h4>${esc(title)} <span class="sub">${esc(x.request.method)} ${esc(x.request.url)}</span></h4>
    <div class="pair">
      <div><div class="caption">Browser sends</div>${httpBlock(x.request.text, { highlight: reqHl, mark: reqMark, label: `${title}: request` })}</div>
      <div><div class="caption">Server answers</div>${response}</div>
    </div>
    ${x.checks.length ? `<ul class="checks" aria-label="Checks on this response">${x.checks.map((c) => `<li class="check ${c.state}"><span class="icon" aria-hidden="true">${STATE_ICON[c.state]}</span><span class="visually-hidden">${c.state === 'not-reached' ? 'not reached' : c.state}:</span> <span class="cname">${esc(checkLabel(c.check))}</span> <span class="cdetail">${esc(c.detail)}</span></li>`).join('')}</ul>` : ''}
  </li>`;
}

function renderItem(it, view, atMs) {
  switch (it.step) {
    case 'exchange': return renderExchange(it, view);
    case 'header-dropped': return `<li class="item note">fetch() silently drops the header <code>${esc(it.name)}</code> <span class="sub">(${esc(it.because)})</span>.</li>`;
    case 'cache-lookup': return `<li class="item cache ${it.hit ? 'hit' : 'miss'}"><span class="tag">${it.hit ? 'cache hit' : 'cache miss'}</span> ${it.hit ? 'A cached preflight covers this request: no preflight is sent.' : `Preflight cache: ${esc(it.miss)}, so a preflight is sent.`}</li>`;
    case 'preflight-stored': {
      if (it.max_age_secs === null) return '<li class="item cache stored"><span class="tag">not cached</span> The preflight result is not cached.</li>';
      const pre = view.e.timeline.filter((s) => s.step === 'exchange' && s.preflight).at(-1);
      const said = pre?.response?.headers.find(([n]) => lower(n) === 'access-control-max-age')?.[1]?.trim();
      const differs = said !== undefined && said !== String(it.max_age_secs);
      return `<li class="item cache stored"><span class="tag">cached</span> The preflight result is cached for ${it.max_age_secs} s${state.steps.length > 1 ? ` (until t=${fmtSecs((atMs + it.max_age_secs * 1000) / 1000)})` : ''}${differs ? `: Access-Control-Max-Age says ${esc(said)}, and ${PROFILE_LABEL[view.profile]} keeps it ${it.max_age_secs} s` : said === undefined ? ': no Access-Control-Max-Age, so the default' : ''}.</li>`;
    }
    case 'redirected': return `<li class="item note"><span class="tag">redirect</span> ${it.status} to <code>${esc(it.to)}</code>, followed with ${esc(it.method)}${it.tainted ? "; the request's origin is now <code>null</code>" : ''}.</li>`;
    case 'routed': return `<li class="item note">${esc(it.url)}: ${esc(it.summary)}.</li>`;
    default: return '';
  }
}

function renderClassification(c) {
  const label = { preflight: 'Preflighted', simple: 'Simple', 'same-origin': 'Same origin', 'no-cors': 'no-cors', 'not-sent': 'Not sent' }[c.kind] || c.kind;
  let body = `<p>${esc(c.summary)}.</p>`;
  if (c.kind === 'preflight') {
    const reasons = [];
    if (c.method) reasons.push(`<li>method <code>${esc(c.method)}</code></li>`);
    for (const h of c.headers) reasons.push(`<li>header <code>${esc(h.name)}</code>${h.value ? `: <code>${esc(h.value)}</code>` : ''}: ${esc(h.why)}</li>`);
    body = `<p>The browser asks first with an <code>OPTIONS</code> preflight, because of:</p><ul class="reasons">${reasons.join('')}</ul><p class="hint">${esc(c.summary)}.</p>`;
  }
  return `<div class="classification"><span class="kind kind-${esc(c.kind)}">${esc(label)}</span>${body}</div>`;
}

function renderScript(r, e) {
  // Not fetch(): the engine says what the page observes (an event, a return value).
  if (e && e.page_event && e.page_event.event !== 'response') return `<p class="${r.readable ? 'good' : 'bad'}">${esc(r.summary)}.</p>`;
  if (r.response) {
    const rows = [`<li><code>response.type</code>: <code>'${esc(r.response.type)}'</code>, <code>response.status</code>: <code>${r.response.status}</code></li>`];
    if (r.readable) {
      rows.push(`<li>headers script can read: ${r.response.headers.length ? r.response.headers.map((h) => `<code>${esc(h)}</code>`).join(', ') : 'none'}</li>`);
      if (r.hidden_headers.length) rows.push(`<li>sent but hidden from script: ${r.hidden_headers.map((h) => `<code>${esc(h)}</code>`).join(', ')} <span class="sub">(list them in <code>Access-Control-Expose-Headers</code> to read them)</span></li>`);
    }
    return `<p class="${r.readable ? 'good' : 'warn'}">${esc(r.summary)}.</p><ul class="plain">${rows.join('')}</ul>`;
  }
  const f = r.failure;
  return `<p class="bad"><code>fetch()</code> rejects with <code>${esc(f.rejects_with)}</code>${f.kind === 'cors' ? '' : `: ${esc(f.reason)}`}. Script never sees the status or the headers, not even in <code>catch</code>.</p>`;
}

function renderConsole(lines, profile) {
  if (!lines.length) return '<p class="hint">Nothing in the console.</p>';
  return `<div class="console" role="log" aria-label="${esc(PROFILE_LABEL[profile])} console">${lines.map((l) => `<div class="console-line"><span class="icon" aria-hidden="true">✖</span><span class="msg">${esc(l)}</span></div>`).join('')}</div>
  <button type="button" class="copy" data-copy="console">Copy the message</button>`;
}

/** The engine's config for the chosen server: the one picked, else the preset's family, else the first. */
function chosenConfig(configs) {
  if (!configs.length) return null;
  const preset = PRESET_BY_ID[state.preset];
  const byName = (name) => name && configs.find((c) => lower(c.server).includes(lower(name).replace('.js', '')));
  return configs.find((c) => c.server === state.fixFor) || byName(preset?.family) || configs[0];
}

/** A check around CORS refused the fetch: which one, and its fix (the engine's, never a CORS header). */
function renderNotCors(f) {
  if (!f?.not_cors) return '';
  return `<section class="block not-cors" aria-labelledby="notcors-h"><h3 id="notcors-h">${esc(f.not_cors.check)}</h3><p id="not-cors-fix"><strong>Fix:</strong> ${esc(f.not_cors.fix)}</p></section>`;
}

function renderFix(fix) {
  if (!fix) return '';
  const parts = [];
  if (fix.summary) parts.push(`<p>${esc(fix.summary)}</p>`);
  const rc = fix.request_change;
  if (rc && (rc.method || rc.url || rc.mode || rc.redirect)) {
    parts.push(`<div class="patch"><div class="caption">The page's fetch()</div><pre class="diff">${[rc.method && `+ method: '${rc.method}'`, rc.url && `+ url: '${rc.url}'`, rc.mode && `+ mode: '${rc.mode}'`, rc.redirect && `+ redirect: '${rc.redirect}'`].filter(Boolean).map((l) => `<span class="add">${esc(l)}</span>`).join('')}</pre>${(rc.why || []).map((w) => `<p class="hint">${esc(w)}</p>`).join('')}</div>`);
  }
  for (const p of fix.patches) {
    const lines = [];
    if (p.status) lines.push(`<span class="del">- status ${p.status.from}</span>`, `<span class="add">+ status ${p.status.to}</span>`);
    for (const c of p.headers) {
      if (c.from !== null) lines.push(`<span class="del">- ${esc(c.name)}: ${esc(c.from)}</span>`);
      if (c.to !== null) lines.push(`<span class="add">+ ${esc(c.name)}: ${esc(c.to)}</span>`);
    }
    const whys = (p.status?.why ? `<li>status: ${esc(p.status.why)}</li>` : '') + p.headers.filter((c) => c.why).map((c) => `<li><code>${esc(c.name)}</code>: ${esc(c.why)}</li>`).join('');
    parts.push(`<div class="patch"><div class="caption">${p.preflight ? 'The preflight answer (OPTIONS)' : `The ${esc(p.method)} answer`} for <code>${esc(p.url)}</code></div><pre class="diff">${lines.join('')}</pre>${whys ? `<ul class="whys">${whys}</ul>` : ''}</div>`);
  }
  const hasPatch = fix.patches.length || (rc && (rc.method || rc.url || rc.mode || rc.redirect));
  if (fix.verified !== null && hasPatch) parts.push(`<p class="${fix.verified ? 'good' : 'warn'}">${fix.verified ? '✓ Verified: ' : '⚠ '}${esc(fix.verification)}</p>`);
  for (const n of fix.notes) parts.push(`<p class="hint">${esc(n)}</p>`);
  if (hasPatch) parts.push('<button type="button" id="apply-fix">Apply this fix to the editors</button>');
  const cfg = hasPatch ? chosenConfig(fix.configs) : null;
  if (cfg) {
    parts.push(`<div class="config">
      <div class="row tight"><label for="fix-for">Configuration for</label>
      <select id="fix-for">${fix.configs.map((c) => `<option${c.server === cfg.server ? ' selected' : ''}>${esc(c.server)}</option>`).join('')}</select>
      <button type="button" class="copy" data-copy="config">Copy</button></div>
      <pre class="code" data-language="${esc(cfg.language)}"><code id="fix-config">${esc(cfg.snippet)}</code></pre></div>`);
  }
  return `<section class="block fix" aria-labelledby="fix-h"><h3 id="fix-h">The fix <span class="sub">from corsim explain, verified by the engine</span></h3>${parts.join('')}</section>`;
}

function differs(a, b) {
  return a.ok !== b.ok || a.sent !== b.sent || a.code !== b.code || a.cached !== b.cached;
}

function renderCompare(res) {
  const steps = res.scenario.steps;
  const cells = {};
  for (const p of PROFILES) cells[p] = steps.map((_, i) => (res.runs[p].steps[i] ? outcomeLine(res.runs[p].steps[i].verdict) : null));
  let anyDiff = false;
  const rows = steps.map((st, i) => {
    const base = cells.chromium[i];
    const tds = PROFILES.map((p) => {
      const o = cells[p][i];
      if (!o) return `<td class="na">${res.runs[p].error ? 'cannot run' : '—'}</td>`;
      const diff = p !== 'chromium' && base && differs(o, base);
      if (diff) anyDiff = true;
      const sel = p === state.profile && i === res.sel;
      const own = !o.ok && o.own && o.own !== o.code ? `<span class="own" title="${esc(o.own)}">${esc(o.own.length > 48 ? o.own.slice(0, 46) + '…' : o.own)}</span>` : '';
      return `<td class="${o.ok ? 'ok' : 'bad'}${diff ? ' differs' : ''}${sel ? ' selected' : ''}"><button type="button" class="cell" data-profile="${p}" data-step="${i}" aria-pressed="${sel}" aria-label="${esc(PROFILE_LABEL[p])}, step ${i + 1}: ${esc(o.code)}${diff ? ', differs from Chromium' : ''}">
        <span class="res"><span aria-hidden="true">${o.ok ? '✓' : '✗'}</span> ${esc(o.code)}</span>${own}
        <span class="sent">${esc(o.sent)}${o.cached ? ' <span class="tag">cached preflight</span>' : ''}</span>${diff ? '<span class="tag diff">differs</span>' : ''}</button></td>`;
    }).join('');
    return `<tr><th scope="row">${steps.length > 1 ? `${i + 1}<span class="sub"> t=${fmtSecs(st.at_ms / 1000)}</span>` : 'this fetch'}</th>${tds}</tr>`;
  }).join('');
  return `<section class="block compare" aria-labelledby="cmp-h"><h3 id="cmp-h">Browsers ${anyDiff ? '<span class="tag diff">they differ</span>' : '<span class="sub">they agree</span>'}</h3>
    <div class="table-wrap"><table><thead><tr><th scope="col"><span class="visually-hidden">Step</span></th>${PROFILES.map((p) => `<th scope="col"><button type="button" class="prof" data-profile="${p}" aria-pressed="${p === state.profile}">${esc(PROFILE_LABEL[p])}</button></th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function headline(view) {
  const r = view.e.result;
  const who = PROFILE_LABEL[view.profile];
  // Not fetch(): what the page observes (the engine's summary says what and why).
  const ev = view.e.page_event && view.e.page_event.event;
  // Not CORS (a check around it refused the fetch): the engine names the check.
  if (r.failure?.not_cors) return { cls: 'bad', icon: '✗', text: r.failure.not_cors.check, sub: `${who}: ${r.failure.reason}` };
  const corsFailure = r.failure && r.failure.kind === 'cors';
  const corsHeadline = { cls: 'bad', icon: '✗', text: 'Blocked by CORS policy', sub: `${who}: ${r.summary}` };
  if (ev === 'load') return { cls: 'good', icon: '✓', text: 'The element loads it', sub: `${who}: ${r.summary}` };
  if (ev === 'error') return corsFailure ? corsHeadline : { cls: 'bad', icon: '✗', text: 'The element fires error', sub: `${who}: ${r.summary}` };
  if (ev === 'queued') return corsFailure ? corsHeadline : { cls: 'good', icon: '✓', text: 'sendBeacon() queued it', sub: `${who}: ${r.summary}` };
  if (r.readable) return { cls: 'good', icon: '✓', text: 'Script can read the response', sub: `${who}: response.type '${r.response.type}', status ${r.response.status}` };
  if (r.response) return { cls: 'warn', icon: '◐', text: `fetch() resolves, but the response is ${r.response.type}`, sub: `${who}: ${r.summary}` };
  const f = r.failure;
  const own = view.run.verdict.corsError;
  if (f.kind === 'cors') return { cls: 'bad', icon: '✗', text: 'Blocked by CORS policy', sub: `${who}: ${f.cors_error}${own && own !== f.cors_error ? ` (${own})` : ''}` };
  return { cls: 'bad', icon: '✗', text: 'fetch() fails', sub: `${who}: ${f.reason}` };
}

function renderVerdict(res) {
  const body = $('verdict-body');
  const err = res.runs[state.profile].error;
  const problems = res.problems.map((p) => `<li>${esc(p.message)}</li>`).join('');
  if (!res.view) {
    body.innerHTML = `<div class="headline bad"><span class="icon" aria-hidden="true">?</span><div><p class="big">This cannot run yet</p><p class="sub">${esc(err ? err.message : 'no step')}</p></div></div>${problems ? `<ul class="problems">${problems}</ul>` : ''}`;
    $('verdict-live').textContent = `Cannot run: ${err ? err.message : ''}`;
    return;
  }
  const v = res.view;
  const h = headline(v);
  const atMs = res.scenario.steps[res.sel].at_ms;
  const stepTitle = res.scenario.steps.length > 1 ? ` <span class="sub">step ${res.sel + 1} of ${res.scenario.steps.length}, t=${fmtSecs(atMs / 1000)}</span>` : '';
  // The first route is the classification, shown above the timeline.
  const firstRoute = v.e.timeline.findIndex((s) => s.step === 'routed');
  const items = v.e.timeline.filter((_, i) => i !== firstRoute);
  body.innerHTML = `
    <div class="headline ${h.cls}" id="headline"><span class="icon" aria-hidden="true">${h.icon}</span><div><p class="big">${esc(h.text)}</p><p class="sub" id="headline-sub">${esc(h.sub)}</p></div></div>
    ${problems ? `<ul class="problems">${problems}</ul>` : ''}
    ${renderCompare(res)}
    <section class="block" aria-labelledby="console-h"><h3 id="console-h">Console <span class="sub">${esc(PROFILE_LABEL[v.profile])}, word for word</span></h3>${renderConsole(v.e.console, v.profile)}</section>
    ${renderNotCors(v.e.result.failure)}
    ${renderFix(res.fix)}
    <section class="block" aria-labelledby="tl-h"><h3 id="tl-h">What happens${stepTitle}</h3>
      ${renderClassification(v.e.classification)}
      <ol class="timeline">${items.map((it) => renderItem(it, v, atMs)).join('')}</ol>
    </section>
    <section class="block" aria-labelledby="script-h"><h3 id="script-h">What script gets</h3>${renderScript(v.e.result, v.e)}</section>
    ${res.scenario.steps.length > 1 ? renderCache(v, atMs) : ''}`;
  $('verdict-live').textContent = `${h.text}. ${h.sub}`;
  const mini = $('mini-verdict');
  mini.hidden = false;
  mini.className = `mini-verdict ${h.cls}${mini.classList.contains('in-view') ? ' in-view' : ''}`;
  mini.innerHTML = `<span aria-hidden="true">${h.icon}</span> ${esc(h.text)}<span class="sub"> ${esc(h.sub)}</span>`;
}

function renderCache(v, atMs) {
  const rows = v.run.cache.map((e) => `<li><code>${esc(e.url)}</code>${e.credentials ? ' (credentialed)' : ''}: ${[...e.methods, ...e.headers].map((t) => `<code>${esc(t.token)}</code>`).join(', ') || 'no methods or headers listed'}, expires at t=${fmtSecs(e.expiresMs / 1000)}</li>`);
  return `<section class="block" aria-labelledby="cache-h"><h3 id="cache-h">Preflight cache after this fetch <span class="sub">t=${fmtSecs(atMs / 1000)}, ${esc(PROFILE_LABEL[v.profile])}</span></h3>${rows.length ? `<ul class="plain">${rows.join('')}</ul>` : '<p class="hint">empty</p>'}</section>`;
}

// ------------------------------------------------------------------ fix application

function applyFix() {
  const fix = last?.fix;
  if (!fix) return;
  const rc = fix.request_change;
  const st = currentStep();
  if (rc) {
    if (rc.method) st.request.method = rc.method;
    if (rc.url) st.request.url = rc.url;
    if (rc.mode) st.request.mode = rc.mode;
    if (rc.redirect) st.request.redirect = rc.redirect;
  }
  for (const p of fix.patches) {
    let e = state.server.find((x) => absolute(x.url.trim()) === p.url);
    if (!e) {
      e = { url: p.url, preflight: { status: '', headers: '' }, actual: { status: '', headers: '' } };
      state.server.push(e);
    }
    const part = e[p.preflight ? 'preflight' : 'actual'];
    if (p.status) part.status = String(p.status.to);
    let pairs = parseHeaderText(part.headers).pairs;
    if (!String(part.status).trim()) part.status = p.preflight ? '204' : '200';
    for (const c of p.headers) {
      const at = pairs.findIndex(([n]) => lower(n) === lower(c.name));
      pairs = pairs.filter(([n]) => lower(n) !== lower(c.name));
      if (c.to !== null && c.to !== undefined) pairs.splice(at < 0 ? pairs.length : at, 0, [c.name, c.to]);
    }
    part.headers = headerText(pairs);
  }
  state.linked = false;
  writeEditors();
  update();
  $('verdict').focus();
}

// ------------------------------------------------------------------ import / export

function exportScenario() {
  const { scenario } = toScenario(state);
  const out = { id: scenario.id, browser: state.profile, origin: scenario.origin, ...(scenario.page ? { page: scenario.page } : {}), steps: scenario.steps, server: scenario.server };
  if ($('export-expect').checked) {
    try {
      out.expect = simulate(scenario, state.profile).steps;
    } catch {
      /* not runnable: no expect */
    }
  }
  return out;
}

function exportText() {
  return JSON.stringify(exportScenario(), null, 2);
}

function importText(text, source) {
  const status = $('io-status');
  try {
    const sc = readScenarioText(text);
    const s = fromScenario(sc);
    loadState(s);
    status.textContent = `Loaded ${source}: ${sc.id || 'a scenario'}, ${s.steps.length} step${s.steps.length === 1 ? '' : 's'}, ${s.server.length} URL${s.server.length === 1 ? '' : 's'} answered.`;
    status.className = 'status ok';
  } catch (e) {
    status.textContent = `Could not load ${source}: ${e.message}`;
    status.className = 'status warn';
  }
}

function loadState(s) {
  state = normalize(s);
  if (state.preset !== 'custom' && !PRESET_BY_ID[state.preset]) { state.preset = 'custom'; state.linked = false; }
  writeEditors();
  $('paste').value = '';
  $('paste-status').textContent = '';
  renderGallery();
  update();
}

// ------------------------------------------------------------------ gallery

function renderGallery() {
  $('gallery-list').innerHTML = GALLERY.map((g) => `<li><button type="button" class="gal" data-gallery="${g.id}" title="${esc(g.blurb)}" aria-pressed="${state && state.title === g.title}"><span class="gt">${esc(g.title)}</span><span class="gb">${esc(g.blurb)}</span></button></li>`).join('');
}

// ------------------------------------------------------------------ wiring

function wire() {
  $('preset').innerHTML = `<option value="custom">Your own answers (custom)</option>${PRESETS.map((p) => `<option value="${p.id}">${esc(p.label)}</option>`).join('')}`;
  for (const id of ['method', 'url', 'req-headers', 'mode', 'credentials', 'redirect', 'initiator', 'crossorigin', 'target_address_space', 'at']) $(id).addEventListener('input', onStepInput);
  $('origin').addEventListener('input', (e) => {
    state.origin = e.target.value;
    if (applyPreset()) renderServerEntries();
    update();
  });
  for (const [k, id] of Object.entries(PAGE_FIELDS)) {
    $(id).addEventListener('input', (e) => {
      state.page[k] = e.target.value;
      update();
    });
  }
  $('paste').addEventListener('input', onPaste);
  $('server-entries').addEventListener('input', onServerInput);
  $('server-entries').addEventListener('click', (e) => {
    const b = e.target.closest('[data-remove]');
    if (!b) return;
    state.server.splice(Number(b.dataset.remove), 1);
    renderServerEntries();
    update();
  });
  $('add-url').addEventListener('click', () => {
    state.server.push({ url: '', preflight: { status: '204', headers: '' }, actual: { status: '200', headers: '' } });
    renderServerEntries();
    $(`s${state.server.length - 1}-url`).focus();
    update();
  });
  $('preset').addEventListener('change', (e) => {
    state.preset = e.target.value;
    state.linked = state.preset !== 'custom';
    if (state.linked && !state.presetOrigins.trim()) state.presetOrigins = state.origin;
    $('preset-origins').value = state.presetOrigins;
    applyPreset();
    renderPresetInfo();
    renderServerEntries();
    update();
  });
  $('preset-origins').addEventListener('input', (e) => {
    state.presetOrigins = e.target.value;
    renderPresetInfo();
    if (applyPreset()) renderServerEntries();
    update();
  });
  $('preset-creds').addEventListener('change', (e) => {
    state.presetCreds = e.target.checked;
    renderPresetInfo();
    if (applyPreset()) renderServerEntries();
    update();
  });
  document.addEventListener('click', (e) => {
    const t = e.target.closest('button');
    if (!t) return;
    if (t.id === 'reapply') {
      state.linked = true;
      applyPreset();
      renderPresetInfo();
      renderServerEntries();
      update();
    } else if (t.dataset.step !== undefined && t.classList.contains('step-tab')) {
      state.sel = Number(t.dataset.step);
      writeStepEditors();
      update();
    } else if (t.classList.contains('cell')) {
      state.profile = t.dataset.profile;
      if (state.sel !== Number(t.dataset.step)) {
        state.sel = Number(t.dataset.step);
        writeStepEditors();
      }
      update();
    } else if (t.classList.contains('prof')) {
      state.profile = t.dataset.profile;
      update();
    } else if (t.id === 'apply-fix') {
      applyFix();
    } else if (t.dataset.copy) {
      const text = t.dataset.copy === 'console' ? (last?.view?.e.console || []).join('\n') : $('fix-config')?.textContent || '';
      copy(text, t);
    } else if (t.classList.contains('gal')) {
      const g = GALLERY.find((x) => x.id === t.dataset.gallery);
      if (g) {
        loadState(g.state());
        document.querySelector(`[data-gallery="${g.id}"]`)?.focus();
      }
    }
  });
  document.addEventListener('change', (e) => {
    if (e.target.id === 'fix-for') {
      state.fixFor = e.target.value;
      update();
    }
  });
  $('add-step').addEventListener('click', () => {
    const lastStep = state.steps[state.steps.length - 1];
    state.steps.push({ at: (Number(lastStep.at) || 0) + 10, request: { ...currentStep().request } });
    state.sel = state.steps.length - 1;
    writeStepEditors();
    update();
    $('at').focus();
  });
  $('remove-step').addEventListener('click', () => {
    if (state.steps.length < 2) return;
    state.steps.splice(state.sel, 1);
    if (state.sel === 0) state.steps[0].at = 0;
    state.sel = Math.max(0, state.sel - 1);
    writeStepEditors();
    update();
  });
  $('share').addEventListener('click', (e) => {
    history.replaceState(null, '', encodeHash(state));
    copy(location.href, e.target, 'Link copied');
  });
  $('open-io').addEventListener('click', (e) => {
    const io = $('io');
    io.hidden = !io.hidden;
    e.target.setAttribute('aria-expanded', String(!io.hidden));
    if (!io.hidden) {
      $('scenario-json').value = exportText();
      $('share-url').value = location.href;
      $('scenario-json').focus();
    }
  });
  $('export-expect').addEventListener('change', () => { $('scenario-json').value = exportText(); });
  $('download').addEventListener('click', () => {
    const text = exportText();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text + '\n'], { type: 'application/json' }));
    a.download = `${exportScenario().id}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  $('load-text').addEventListener('click', () => importText($('scenario-json').value, 'the JSON'));
  $('open-file').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    if (f) importText(await f.text(), f.name);
    e.target.value = '';
  });
  window.addEventListener('hashchange', () => {
    if (location.hash === encodeHash(state)) return;
    const { state: s } = decodeHash(location.hash);
    if (s) loadState(s);
  });
}

async function copy(text, button, done = 'Copied') {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.append(ta);
    ta.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
  }
  const before = button.textContent;
  button.textContent = ok ? done : 'Select and copy by hand';
  setTimeout(() => { button.textContent = before; }, 1500);
}

// ------------------------------------------------------------------ start

async function start() {
  wire();
  const { state: fromLink, error } = decodeHash(location.hash);
  state = fromLink || GALLERY.find((g) => g.id === 'json-content-type').state();
  if (state.preset !== 'custom' && !PRESET_BY_ID[state.preset]) { state.preset = 'custom'; state.linked = false; }
  writeEditors();
  renderGallery();
  if (error) {
    $('paste-status').textContent = error;
    $('paste-status').className = 'status warn';
  }
  const engineStart = performance.now();
  try {
    engine = await loadEngine();
    engine.loadMs = performance.now() - engineStart;
  } catch (e) {
    $('verdict-body').innerHTML = `<div class="headline bad"><span class="icon" aria-hidden="true">!</span><div><p class="big">The engine did not load</p><p class="sub">${esc(e.message)}. Build it with <code>web/build.sh</code> (it copies crates/corsim-wasm/pkg/web to web/pkg).</p></div></div>`;
    return;
  }
  refresh();
  const sinceNav = performance.now();
  const firstVerdictMs = sinceNav - t0;
  $('engine-info').textContent = `Engine ${engine.version}; first verdict ${Math.round(sinceNav)} ms after navigation.`;
  window.__corsim = { firstVerdictMs, sinceNavigationMs: sinceNav, engine, get state() { return state; }, get last() { return last; }, get lastUpdateMs() { return lastUpdateMs; } };
  // The bottom bar with the headline shows only while the verdict is out of view.
  if ('IntersectionObserver' in window) {
    new IntersectionObserver(([e]) => $('mini-verdict').classList.toggle('in-view', e.isIntersecting)).observe($('verdict'));
  }
  document.documentElement.dataset.ready = 'true';
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    navigator.serviceWorker.register('sw.js').catch(() => { /* offline use is a bonus */ });
  }
}

start();
