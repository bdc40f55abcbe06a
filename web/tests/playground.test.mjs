// End-to-end tests of the playground in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core). The page is served from
// web/ on a loopback port by tests/server.mjs. Screenshots and the measured
// figures go to web/test-artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve, WEB_ROOT } from './server.mjs';

const ARTIFACTS = join(WEB_ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;
let browser;
const figures = {};

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  server = await serve();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (Object.keys(figures).length) await writeFile(join(ARTIFACTS, 'figures.json'), JSON.stringify(figures, null, 2) + '\n');
});

/** A fresh page on the playground (optionally at `hash`), ready. */
async function open({ hash = '', query = '', viewport = { width: 1400, height: 1000 }, colorScheme = 'light', context = null } = {}) {
  const ctx = context || (await browser.newContext({ viewport, colorScheme }));
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url + query + hash);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 20000 });
  page.errors = errors;
  page.ctx = ctx;
  return page;
}

async function shot(page, name, { verdictOnly = false, fullPage = false, scrollTo = null } = {}) {
  const path = join(ARTIFACTS, `${name}.png`);
  if (scrollTo) await page.evaluate((sel) => window.scrollTo(0, document.querySelector(sel).getBoundingClientRect().top + window.scrollY - 8), scrollTo);
  if (verdictOnly) {
    await page.evaluate(() => { const v = document.getElementById('verdict'); v.style.maxHeight = 'none'; v.style.position = 'static'; });
    await page.locator('#verdict').screenshot({ path });
    await page.evaluate(() => { const v = document.getElementById('verdict'); v.style.maxHeight = ''; v.style.position = ''; });
  } else await page.screenshot({ path, fullPage });
}

const text = (page, sel) => page.locator(sel).first().innerText();
const headline = (page) => text(page, '#headline');
const consoleText = async (page) => ((await page.locator('.console').count()) ? page.locator('.console').innerText() : '');

async function settle(page) {
  // The verdict is recomputed on the next animation frame after an edit.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// Each classic failure: the reason Chromium names and the words of its console message.
const CASES = [
  ['no-allow-origin', 'MissingAllowOriginHeader', "No 'Access-Control-Allow-Origin' header is present on the requested resource."],
  ['wildcard-credentials', 'WildcardOriginNotAllowed', "must not be the wildcard '*' when the request's credentials mode is 'include'"],
  ['options-404', 'PreflightInvalidStatus', "Response to preflight request doesn't pass access control check: It does not have HTTP ok status."],
  ['put-not-allowed', 'MethodDisallowedByPreflightResponse', 'Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.'],
  ['json-content-type', 'HeaderDisallowedByPreflightResponse', 'Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response.'],
  ['authorization', 'HeaderDisallowedByPreflightResponse', 'Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.'],
  ['preflight-redirect', 'PreflightDisallowedRedirect', 'Redirect is not allowed for a preflight request.'],
  ['localhost-127', 'AllowOriginMismatch', "The 'Access-Control-Allow-Origin' header has a value 'http://127.0.0.1:3000' that is not equal to the supplied origin."],
  ['trailing-slash', 'AllowOriginMismatch', "The 'Access-Control-Allow-Origin' header has a value 'https://app.example/' that is not equal to the supplied origin."],
  ['trailing-slash-redirect', 'PreflightDisallowedRedirect', 'Redirect is not allowed for a preflight request.'],
  ['duplicate-allow-origin', 'MultipleAllowOriginValues', "The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example, *', but only one is allowed."],
];

describe('loading', () => {
  it('loads, shows a verdict without any button, and stays within its size and time budget', async () => {
    const loads = [];
    for (let i = 0; i < 3; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, serviceWorkers: 'block' });
      const before = server.served.requests.length;
      const page = await open({ context: ctx });
      const t = await page.evaluate(() => ({
        firstVerdict: window.__corsim.sinceNavigationMs,
        engineLoad: window.__corsim.engine.loadMs,
        domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      }));
      const files = server.served.requests.slice(before);
      loads.push({ ...t, bytes: files.reduce((s, f) => s + f.bytes, 0), files: files.map((f) => f.path) });
      assert.deepEqual(page.errors, []);
      assert.match(await headline(page), /Blocked by CORS policy/);
      assert.match(await headline(page), /HeaderDisallowedByPreflightResponse/);
      if (i === 0) await shot(page, '01-first-load');
      await ctx.close();
    }
    const files = [...new Set(loads[0].files)];
    let gz = 0;
    for (const f of files) gz += gzipSync(await readFile(join(WEB_ROOT, f === '/' ? 'index.html' : f)), { level: 9 }).length;
    const ms = loads.map((l) => l.firstVerdict).sort((a, b) => a - b);
    const engineMs = loads.map((l) => Math.round(l.engineLoad));
    figures.load = { files, bytes: loads[0].bytes, gzipBytes: gz, firstVerdictMs: ms.map(Math.round), medianFirstVerdictMs: Math.round(ms[1]), engineLoadMs: engineMs };
    console.log(`# page: ${files.length} files, ${loads[0].bytes} bytes (${gz} gzipped); first verdict ${ms.map(Math.round).join(', ')} ms after navigation (engine fetch+compile ${engineMs.join(', ')} ms)`);
    assert.ok(ms[1] < 3000, `first verdict took ${ms[1]} ms`);
    // The engine grew to 563 KB gzipped (the psl crate's compiled Public
    // Suffix List alone was 0.9 MB raw); profiled and cut to 309 KB
    // (benches/README.md). The CORS libraries' models (the presets' answers
    // and explain's verified configurations) then added about 90 KB, and
    // opaque-response blocking, the page-context editor and the message
    // reader's element lines another 10 KB (472-473 KB measured, two builds),
    // the targetAddressSpace control 3 KB (476 KB), and the engine's lists
    // held in one string each (TokenList, with NameSet's table) 2.5 KB
    // (478,599 bytes measured), then the batch's speed-ups 2.2 KB (server
    // keys taken without a parse when already in the parser's form 0.9 KB,
    // a seeded foldhash for a scenario's URLs 0.4 KB, lists built as bytes;
    // 481,348 bytes measured), then strings taken in through the host's
    // TextEncoder 1.0 KB (its glue 0.2 KB, the module 0.8 KB) and the URL
    // parser that remembers hosts 0.7 KB (483,012 bytes measured; each
    // part measured by building the module at the commit before and after
    // it), then the verdict line's shared fallback 0.3 KB (483,273 bytes
    // measured) and the order in which each browser checks a preflight's
    // allowed headers 0.5 KB. The ceiling sits just above the page's
    // measured size, so that growth shows.
    assert.ok(gz < 484_000, `page is ${gz} bytes gzipped`);
  });
});

describe('gallery of classic failures', () => {
  let page;
  before(async () => { page = await open(); });
  after(async () => { await page.ctx.close(); });

  for (const [id, reason, words] of CASES) {
    it(`${id}: ${reason}, its console message and a verified fix`, async () => {
      await page.click(`[data-gallery="${id}"]`);
      await settle(page);
      const h = await headline(page);
      assert.match(h, /Blocked by CORS policy/);
      assert.ok(h.includes(`Chromium: ${reason}`), h);
      const c = await consoleText(page);
      assert.ok(c.includes(words), `console: ${c}`);
      assert.ok(c.includes('Failed to load resource: net::ERR_FAILED'));
      // The failing check is shown as failed, with the value marked in the response.
      assert.ok(await page.locator('.check.failed').count() >= 1);
      assert.ok(await page.locator('.http .hl').count() >= 1);
      // The fix: changes, verified by running the engine again, and a server config.
      const fix = await text(page, '.fix');
      assert.match(fix, /Verified/, fix);
      assert.match(fix, /from corsim explain/);
      assert.ok((await page.locator('#fix-config').innerText()).length > 40);
      await shot(page, `gallery-${id}`, { verdictOnly: true });
      assert.deepEqual(page.errors, []);
    });
  }

  it('applying the fix to every case makes it pass', async () => {
    for (const [id] of CASES) {
      await page.click(`[data-gallery="${id}"]`);
      await settle(page);
      await page.click('#apply-fix');
      await settle(page);
      assert.match(await headline(page), /Script can read the response/, id);
    }
    assert.deepEqual(page.errors, []);
  });

  it('applying the fix makes the request pass', async () => {
    for (const id of ['no-allow-origin', 'options-404', 'duplicate-allow-origin', 'trailing-slash-redirect', 'authorization']) {
      await page.click(`[data-gallery="${id}"]`);
      await settle(page);
      await page.click('#apply-fix');
      await settle(page);
      assert.match(await headline(page), /Script can read the response/, id);
    }
  });

  it('the preflight cache over time: miss, hit, expiry', async () => {
    await page.click('[data-gallery="preflight-cache"]');
    await settle(page);
    const rows = await page.locator('.compare tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    assert.match(rows[0], /OPTIONS \+ PUT/);
    assert.match(rows[1], /cached preflight/);
    assert.doesNotMatch(rows[2], /cached preflight/);
    assert.match(await text(page, '.timeline'), /cache miss[\s\S]*(nothing cached|no stored preflight)/);
    assert.match(await text(page, '.timeline'), /cached for 60 s \(until t=60s\)/);
    await page.click('.cell[data-profile="chromium"][data-step="1"]');
    await settle(page);
    assert.match(await text(page, '.timeline'), /cache hit/);
    await shot(page, 'cache-hit', { verdictOnly: true });
    await page.click('.cell[data-profile="chromium"][data-step="2"]');
    await settle(page);
    assert.match(await text(page, '.timeline'), /expired/);
  });

  it('browsers side by side: where they differ', async () => {
    await page.click('[data-gallery="browsers-differ"]');
    await settle(page);
    assert.match(await text(page, '.compare h3'), /they differ/);
    assert.equal(await page.locator('td.differs').count(), 2);
    assert.match(await page.locator('td.differs .cell[data-profile="webkit"][data-step="1"]').innerText(), /OPTIONS \+ PUT/);
    await page.click('.cell[data-profile="webkit"][data-step="1"]');
    await settle(page);
    assert.match(await text(page, '.timeline'), /Access-Control-Max-Age says 86400, and WebKit \(Safari\) keeps it 600 s/);
    await shot(page, 'browsers-differ', { verdictOnly: true });
  });

  it('each browser has its own console message', async () => {
    await page.click('[data-gallery="no-allow-origin"]');
    await settle(page);
    await page.click('.prof[data-profile="firefox"]');
    await settle(page);
    assert.match(await consoleText(page), /Cross-Origin Request Blocked: .*Reason: CORS header ‘Access-Control-Allow-Origin’ missing/);
    await page.click('.prof[data-profile="webkit"]');
    await settle(page);
    assert.match(await consoleText(page), /Origin https:\/\/app\.example is not allowed by Access-Control-Allow-Origin/);
    await page.click('.prof[data-profile="chromium"]');
  });
});

describe('editing', () => {
  it('typed input updates the verdict live, and a shared link reproduces the state', async () => {
    const page = await open();
    await page.click('[data-gallery="no-allow-origin"]');
    await settle(page);
    await page.fill('#origin', '');
    await page.locator('#origin').pressSequentially('https://shop.example');
    await page.fill('#method', '');
    await page.locator('#method').pressSequentially('DELETE');
    await page.fill('#url', '');
    await page.locator('#url').pressSequentially('https://api.example/cart/42');
    await page.locator('#req-headers').pressSequentially('X-Requested-With: XMLHttpRequest');
    await page.selectOption('#credentials', 'include');
    await settle(page);
    // The server entry follows the request URL; nothing answers the preflight yet.
    assert.equal(await page.inputValue('#s0-url'), 'https://api.example/cart/42');
    assert.match(await headline(page), /PreflightMissingAllowOriginHeader/);
    await page.fill('#s0-preflight-headers', '');
    await page.locator('#s0-preflight-headers').pressSequentially('Access-Control-Allow-Origin: https://shop.example\nAccess-Control-Allow-Methods: DELETE\nAccess-Control-Allow-Headers: x-requested-with');
    await settle(page);
    assert.match(await headline(page), /PreflightInvalidAllowCredentials/);
    assert.match(await text(page, '.fix'), /Access-Control-Allow-Credentials: true/);
    await page.locator('#s0-preflight-headers').pressSequentially('\nAccess-Control-Allow-Credentials: true');
    await page.fill('#s0-actual-headers', 'Access-Control-Allow-Origin: https://shop.example\nAccess-Control-Allow-Credentials: true\nX-Cart-Size: 3');
    await settle(page);
    assert.match(await headline(page), /Script can read the response/);
    assert.match(await text(page, '#verdict'), /sent but hidden from script: x-cart-size/);
    await shot(page, '02-typed-passing', { scrollTo: '.grid' });
    await page.click('#share');   // "Copy link" (the address bar also follows, a moment later)
    const link = page.url();
    assert.match(link, /#s=/);
    const consoleBefore = await consoleText(page);

    const again = await open({ hash: new URL(link).hash });
    assert.equal(await again.inputValue('#origin'), 'https://shop.example');
    assert.equal(await again.inputValue('#method'), 'DELETE');
    assert.equal(await again.inputValue('#url'), 'https://api.example/cart/42');
    assert.equal(await again.inputValue('#credentials'), 'include');
    assert.match(await again.inputValue('#s0-preflight-headers'), /Access-Control-Allow-Credentials: true/);
    assert.equal(await headline(again), await headline(page));
    assert.equal(await consoleText(again), consoleBefore);

    // A failing state survives the link too, console message included.
    await page.bringToFront();   // a background tab gets no animation frames
    await page.click('[data-gallery="wildcard-credentials"]');
    await settle(page);
    await page.waitForFunction(() => location.hash.length > 10 && document.getElementById('share-url').value === location.href);
    await page.waitForTimeout(300);
    const failing = await open({ hash: new URL(page.url()).hash });
    assert.match(await headline(failing), /WildcardOriginNotAllowed/);
    assert.equal(await consoleText(failing), await consoleText(page));
    for (const p of [page, again, failing]) assert.deepEqual(p.errors, []);
    await Promise.all([page.ctx.close(), again.ctx.close(), failing.ctx.close()]);
  });

  it('reads a pasted "Copy as fetch" call', async () => {
    const page = await open();
    await page.fill('#paste', `fetch("https://api.example/orders?page=2", {
  "headers": {
    "accept": "application/json",
    "authorization": "Bearer abc.def",
    "content-type": "application/json",
    "sec-ch-ua": "\\"Chromium\\";v=\\"156\\"",
    "sec-fetch-mode": "cors"
  },
  "referrer": "https://dashboard.example/orders",
  "referrerPolicy": "strict-origin-when-cross-origin",
  "body": "{\\"sku\\":1}",
  "method": "PATCH",
  "mode": "cors",
  "credentials": "include"
});`);
    await settle(page);
    assert.equal(await page.inputValue('#method'), 'PATCH');
    assert.equal(await page.inputValue('#url'), 'https://api.example/orders?page=2');
    assert.equal(await page.inputValue('#origin'), 'https://dashboard.example');
    assert.equal(await page.inputValue('#credentials'), 'include');
    assert.equal(await page.inputValue('#req-headers'), 'accept: application/json\nauthorization: Bearer abc.def\ncontent-type: application/json');
    assert.match(await text(page, '#paste-status'), /left out what the browser sets itself: sec-ch-ua, sec-fetch-mode/);
    assert.match(await text(page, '.classification'), /method PATCH[\s\S]*authorization[\s\S]*content-type/);
    assert.match(await text(page, '.timeline'), /Access-Control-Request-Headers: authorization,content-type/);
    await shot(page, '03-pasted-fetch', { scrollTo: '.grid' });
    assert.deepEqual(page.errors, []);
    await page.ctx.close();
  });

  it('reads a pasted console error, unknowns marked', async () => {
    const page = await open();
    await page.fill('#paste', `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.
[Learn More]`);
    await settle(page);
    assert.equal(await page.inputValue('#url'), 'https://api.example/items');
    assert.equal(await page.inputValue('#s0-actual-status'), '404');
    assert.match(await text(page, '#paste-status'), /Read a Firefox console error \(CORSMissingAllowOrigin2\); filled in as far as the message says\. Not in the message \(assumed\): the page's origin: https:\/\/page\.example/);
    assert.match(await headline(page), /Blocked/);
    assert.match(await consoleText(page), /CORS header ‘Access-Control-Allow-Origin’ missing\)\. Status code: 404\./);
    assert.deepEqual(page.errors, []);
    await page.ctx.close();
  });

  it('reads a pasted curl command', async () => {
    const page = await open();
    await page.fill('#paste', `curl 'https://api.example/items/7' \\
  -X 'PUT' \\
  -H 'accept: */*' \\
  -H 'content-type: application/json' \\
  -H 'origin: http://localhost:5173' \\
  -H 'user-agent: Mozilla/5.0' \\
  -H 'x-api-key: k1' \\
  --data-raw '{"done":true}' \\
  --compressed`);
    await settle(page);
    assert.equal(await page.inputValue('#method'), 'PUT');
    assert.equal(await page.inputValue('#url'), 'https://api.example/items/7');
    assert.equal(await page.inputValue('#origin'), 'http://localhost:5173');
    assert.equal(await page.inputValue('#req-headers'), 'accept: */*\ncontent-type: application/json\nx-api-key: k1');
    assert.match(await text(page, '#paste-status'), /origin, user-agent/);
    assert.match(await headline(page), /Blocked/);
    await page.ctx.close();
  });

  it('server presets fill the answers, follow the request, and detach when edited', async () => {
    const page = await open();
    await page.click('[data-gallery="wildcard-credentials"]');
    await page.selectOption('#preset', 'express');
    await settle(page);
    assert.match(await page.inputValue('#s0-actual-headers'), /Access-Control-Allow-Origin: \*/);
    assert.match(await headline(page), /WildcardOriginNotAllowed/);
    assert.match(await page.locator('#preset-snippet').textContent(), /app\.use\(cors\(\)\)/);
    // The fix is given for the preset's server.
    assert.match(await page.locator('#fix-config').innerText(), /credentials: true/);
    assert.match(await page.inputValue('#fix-for'), /^Express/);
    await shot(page, '04-preset-express', { scrollTo: '#srv-h' });
    // Express with an allow-list and credentials passes.
    await page.selectOption('#preset', 'express-origins');
    await page.fill('#preset-origins', 'https://app.example');
    await page.check('#preset-creds');
    await settle(page);
    assert.match(await headline(page), /Script can read the response/);
    // It follows the request: a custom header is reflected in the preflight's allowed headers.
    await page.fill('#req-headers', 'X-Trace: 1');
    await settle(page);
    assert.match(await page.inputValue('#s0-preflight-headers'), /Access-Control-Allow-Headers: x-trace/);
    assert.match(await headline(page), /Script can read the response/);
    // Editing the answers detaches the preset.
    await page.fill('#s0-actual-headers', 'Content-Type: text/plain');
    await settle(page);
    assert.match(await text(page, '#preset-status'), /then edited/);
    await page.click('#reapply');
    assert.match(await page.inputValue('#s0-actual-headers'), /Access-Control-Allow-Credentials: true/);
    // Every preset yields a verdict, and the enable-cors.org nginx snippet blocks a PUT.
    for (const id of ['nginx', 'apache', 'fastapi', 'django', 'flask', 'tower-http', 'nextjs']) {
      await page.selectOption('#preset', id);
      await settle(page);
      assert.match(await headline(page), /Blocked|Script can read/, id);
    }
    await page.fill('#req-headers', '');
    await page.fill('#method', 'PUT');
    await page.selectOption('#credentials', 'same-origin');
    await page.selectOption('#preset', 'nginx');
    await settle(page);
    assert.match(await headline(page), /MethodDisallowedByPreflightResponse/);
    await page.selectOption('#preset', 'nextjs');
    await page.selectOption('#credentials', 'include');
    await settle(page);
    assert.match(await headline(page), /PreflightWildcardOriginNotAllowed/);
    assert.deepEqual(page.errors, []);
    await page.ctx.close();
  });

  it('says what it cannot run, and points at the field', async () => {
    const page = await open();
    await page.fill('#origin', 'not an origin');
    await settle(page);
    assert.match(await text(page, '#verdict'), /cannot run/i);
    assert.equal(await page.getAttribute('#origin', 'aria-invalid'), 'true');
    await page.fill('#origin', 'https://app.example');
    await page.fill('#req-headers', 'this line has no colon');
    await settle(page);
    assert.match(await text(page, '#verdict'), /has no "Name: value" colon/);
    assert.equal(await page.getAttribute('#req-headers', 'aria-invalid'), 'true');
    assert.deepEqual(page.errors, []);
    await page.ctx.close();
  });

  it('survives a broken or hand-edited link', async () => {
    const junk = Buffer.from(JSON.stringify({ v: 1, origin: 7, steps: [{ at: 'soon', request: { url: 3, mode: 'weird', headers: null } }], server: [null], preset: 'nope', linked: 'yes', profile: 'netscape', fixFor: 'IIS' })).toString('base64url');
    const page = await open({ hash: `#s=${junk}` });
    assert.equal(await page.inputValue('#mode'), 'cors');
    assert.equal(await page.inputValue('#preset'), 'custom');
    assert.match(await text(page, '#verdict'), /cannot run|Blocked|Script can read/i);
    const broken = await open({ hash: '#s=bm90IGpzb24' });
    assert.match(await text(broken, '#paste-status'), /could not be read/);
    assert.match(await headline(broken), /Blocked/);
    for (const p of [page, broken]) assert.deepEqual(p.errors, []);
    await Promise.all([page.ctx.close(), broken.ctx.close()]);
  });

  it('adds fetches over time from the editor', async () => {
    const page = await open();
    await page.click('[data-gallery="put-not-allowed"]');
    await page.fill('#s0-preflight-headers', 'Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: PUT');
    await page.click('#add-step');
    await page.fill('#at', '3');
    await page.click('#add-step');
    await page.fill('#at', '7');
    await settle(page);
    const rows = await page.locator('.compare tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    assert.match(rows[1], /cached preflight/);   // default 5 s when no Max-Age
    assert.doesNotMatch(rows[2], /cached preflight/);
    assert.match(await text(page, '.timeline'), /expired/);
    await page.ctx.close();
  });
});

describe('scenario files', () => {
  it('exports the FORMAT.md shape and imports it back', async () => {
    const page = await open();
    await page.click('[data-gallery="preflight-cache"]');
    await page.click('#open-io');
    const json = JSON.parse(await page.inputValue('#scenario-json'));
    assert.equal(json.origin, 'https://app.example');
    assert.equal(json.steps.length, 3);
    assert.deepEqual(Object.keys(json.steps[1]).sort(), ['at_ms', 'request']);
    assert.equal(json.steps[1].at_ms, 30000);
    assert.deepEqual(json.steps[0].request.headers, [['Content-Type', 'application/json']]);
    assert.equal(json.server['https://api.example/items'].preflight.status, 204);
    assert.deepEqual(json.expect[1].server_saw.map((r) => r.method), ['PUT']);
    assert.equal(json.expect[0].result.type, 'cors');
    // Import a recorded-corpus-style line (JSON Lines: the first line is read).
    const line = JSON.stringify({
      id: 'imported-1', browser: 'Firefox 153.0', origin: 'http://127.0.0.1:8001',
      steps: [{ at_ms: 0, request: { url: 'http://127.0.0.1:8002/s/1/a', method: 'POST', headers: [['X-Trace', '1']], mode: 'cors', credentials: 'omit', redirect: 'follow' } }],
      server: { 'http://127.0.0.1:8002/s/1/a': { preflight: { status: 200, headers: [['Access-Control-Allow-Origin', '*']] } } },
    });
    await page.fill('#scenario-json', line + '\n' + line);
    await page.click('#load-text');
    await settle(page);
    assert.match(await text(page, '#io-status'), /Loaded the JSON: imported-1, 1 step/);
    assert.equal(await page.inputValue('#url'), 'http://127.0.0.1:8002/s/1/a');
    assert.equal(await page.inputValue('#credentials'), 'omit');
    assert.match(await headline(page), /Firefox: HeaderDisallowedByPreflightResponse \(CORSMissingAllowHeaderFromPreflight2\)/);
    // And from a file.
    await page.setInputFiles('#import-file', { name: 'case.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) });
    await settle(page);
    assert.match(await text(page, '#io-status'), /Loaded case\.json/);
    assert.equal((await page.locator('.compare tbody tr').count()), 3);
    await page.fill('#scenario-json', '{ not json');
    await page.click('#load-text');
    assert.match(await text(page, '#io-status'), /Could not load the JSON/);
    await shot(page, '05-import-export');
    assert.deepEqual(page.errors, []);
    await page.ctx.close();
  });
});

describe('usability', () => {
  it('is usable with the keyboard alone', async () => {
    const page = await open();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
    // Tab to the first gallery entry and pick it with Enter.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement.dataset.gallery === 'no-allow-origin')) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement.dataset.gallery), 'no-allow-origin');
    await page.keyboard.press('Enter');
    await settle(page);
    assert.match(await headline(page), /MissingAllowOriginHeader/);
    // Arrow on to the next one with Tab and Space.
    await page.keyboard.press('Tab');
    await page.keyboard.press(' ');
    await settle(page);
    assert.match(await headline(page), /WildcardOriginNotAllowed/);
    // Focus is visible.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.ctx.close();
  });

  it('labels every control and keeps text contrast at 4.5:1 or more', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await open({ colorScheme });
      await page.click('[data-gallery="json-content-type"]');
      await settle(page);
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => !el.closest('[hidden]') && el.type !== 'file')
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
        .map((el) => el.outerHTML.slice(0, 80)));
      assert.deepEqual(unlabelled, []);
      const low = await page.evaluate(() => {
        const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 4).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
          .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const bgOf = (el) => {
          for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || c[3] > 0.5) return c;
          }
          return [255, 255, 255];
        };
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          if (!el.offsetParent || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
          const st = getComputedStyle(el);
          if (parseFloat(st.opacity) < 1) continue;
          const a = lum(rgb(st.color));
          const b = lum(bgOf(el));
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
        }
        return out;
      });
      assert.deepEqual(low, [], `${colorScheme}: ${low.join('\n')}`);
      if (colorScheme === 'dark') await shot(page, '06-dark');
      await page.ctx.close();
    }
  });

  it('fits a narrow screen', async () => {
    const page = await open({ viewport: { width: 375, height: 800 } });
    await page.click('[data-gallery="preflight-redirect"]');
    await settle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
    await shot(page, '07-narrow', { fullPage: true });
    await page.ctx.close();
  });

  it('works offline once loaded', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await open({ context: ctx });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();   // now controlled by the service worker
    await page.waitForSelector('html[data-ready="true"]');
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller));
    await ctx.setOffline(true);
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]', { timeout: 10000 });
    await page.click('[data-gallery="trailing-slash"]');
    await settle(page);
    assert.match(await headline(page), /AllowOriginMismatch/);
    assert.match(await text(page, '.check.failed'), /trailing slash/);
    await ctx.setOffline(false);
    await ctx.close();
  });
});

// The checks around CORS: the page's context is edited in the page, carried
// into the scenario the engine runs, and a refusal by one of them is shown as
// "not CORS: <check>" with the engine's fix, never a CORS header.
describe('not CORS: the checks around it', () => {
  let page;
  before(async () => { page = await open(); });
  after(async () => { await page.ctx.close(); });

  /** A fresh single-fetch state: `origin` fetching `url` with `mode`, the server answering `headers`. */
  async function setUp({ origin, url, mode = 'cors', headers = 'Access-Control-Allow-Origin: *' }) {
    await page.click('[data-gallery="no-allow-origin"]');
    await settle(page);
    await page.fill('#origin', origin);
    await page.fill('#url', url);
    await page.selectOption('#mode', mode);
    await page.fill('#s0-actual-headers', headers);
    if (!(await page.locator('#page-context').evaluate((d) => d.open))) await page.click('#page-context summary');
    await settle(page);
  }

  /** The headline's first line (the verdict in words). */
  const big = () => text(page, '#verdict-body .big');

  /** The not-CORS block's fix, and every line the fix section adds, as text. */
  async function fixes() {
    const fix = (await page.locator('#not-cors-fix').count()) ? await text(page, '#not-cors-fix') : '';
    const added = await page.locator('.fix .diff .add').allInnerTexts();
    return { fix, added };
  }

  it('an https page fetching http://api.test: mixed content, not CORS, fix "serve the API over https"', async () => {
    await setUp({ origin: 'https://app.example', url: 'http://api.test/items' });
    const h = await headline(page);
    assert.match(await big(), /^not CORS: mixed content/);
    assert.doesNotMatch(h, /Blocked by CORS policy/);
    const { fix, added } = await fixes();
    assert.match(fix, /Serve the API over https/);
    assert.deepEqual(added.filter((l) => /Access-Control-/i.test(l)), [], 'no CORS header offered');
    assert.match(await consoleText(page), /Mixed Content: The page at 'https:\/\/app\.example\/' was loaded over HTTPS/);
    // Nothing was sent: the compare table says so for every browser.
    for (const p of ['chromium', 'firefox', 'webkit']) {
      assert.match(await page.locator(`.cell[data-profile="${p}"]`).innerText(), /mixed-content[\s\S]*nothing sent/);
    }
    // An http: page URL (the page's context, not its origin) lifts it: CORS decides again.
    await page.fill('#page-url', 'http://app.example/');
    await settle(page);
    assert.match(await headline(page), /Script can read the response/);
    await page.fill('#page-url', '');
    await settle(page);
    assert.match(await big(), /^not CORS: mixed content/);
    await shot(page, '08-not-cors-mixed-content', { verdictOnly: true });
  });

  it("fetch()'s targetAddressSpace: an http: device reached from an https: page, as Chromium allows it", async () => {
    await setUp({ origin: 'https://app.example', url: 'http://printer.test/status' });
    await page.selectOption('#page-space', 'public');
    await page.selectOption('#page-target', 'local');
    await page.selectOption('#page-lna', 'granted');
    await settle(page);
    assert.match(await big(), /^not CORS: mixed content/);
    // Declared local: Chromium lets the http: URL through mixed content (with a warning), then asks for the permission.
    await page.selectOption('#target_address_space', 'local');
    await settle(page);
    assert.match(await headline(page), /Script can read the response/);
    assert.match(await consoleText(page), /This content should also be served over HTTPS/);
    // Firefox and WebKit ignore the option: mixed content still blocks there.
    for (const p of ['firefox', 'webkit']) assert.match(await page.locator(`.cell[data-profile="${p}"]`).innerText(), /mixed-content/);
    // The permission denied: Local Network Access refuses it, not CORS.
    await page.selectOption('#page-lna', 'denied');
    await settle(page);
    assert.match(await big(), /^not CORS: Local Network Access/);
    // Declared loopback for a local target: refused for the mismatch, nothing sent.
    await page.selectOption('#page-lna', 'granted');
    await page.selectOption('#target_address_space', 'loopback');
    await settle(page);
    assert.match(await big(), /^not CORS: Local Network Access/);
    assert.match(await consoleText(page), /Request had a target IP address space of `loopback` yet the resource is in address space `local`/);
    // It goes into the exported scenario.
    await page.click('#open-io');
    const json = JSON.parse(await page.inputValue('#scenario-json'));
    assert.equal(json.steps[0].request.target_address_space, 'loopback');
    await page.click('#open-io');
    await page.selectOption('#target_address_space', '');
    await settle(page);
  });

  it('a public page fetching a loopback target with the permission denied: Local Network Access, not CORS', async () => {
    await setUp({ origin: 'https://app.example', url: 'http://127.0.0.1:8080/status' });
    // The origin says nothing of the page's address space: no check yet.
    assert.match(await headline(page), /Script can read the response/);
    await page.selectOption('#page-space', 'public');
    await page.selectOption('#page-lna', 'denied');
    await settle(page);
    const h = await headline(page);
    assert.match(await big(), /^not CORS: Local Network Access/);
    assert.match(h, /the Local Network Access permission is denied/);
    const { fix, added } = await fixes();
    assert.match(fix, /allow local network access/);
    assert.match(fix, /targetAddressSpace: 'loopback'/);
    assert.match(fix, /Access-Control-Allow-Private-Network is no longer read/);
    assert.deepEqual(added.filter((l) => /Access-Control-/i.test(l)), [], 'no CORS header offered');
    // Chromium reports it as a CORS error; corsim says it is not one.
    assert.match(await consoleText(page), /Permission was denied for this request to access the `loopback` address space/);
    // WebKit has no Local Network Access, but refuses http://127.0.0.1 from an https: page as mixed content.
    assert.match(await page.locator('.cell[data-profile="webkit"]').innerText(), /mixed-content/);
    // Granted, it passes; not yet asked, Chromium refuses (headless, it never asks).
    await page.selectOption('#page-lna', 'granted');
    await settle(page);
    assert.match(await headline(page), /Script can read the response/);
    await page.selectOption('#page-lna', 'prompt');
    await settle(page);
    assert.match(await headline(page), /no Local Network Access permission yet/);
    // The target's address space, for a host name: a printer on the local network.
    await page.fill('#url', 'https://printer.test/status');
    await page.fill('#s0-url', 'https://printer.test/status');
    await page.selectOption('#page-lna', 'denied');
    await settle(page);
    assert.match(await headline(page), /Script can read the response/);
    assert.equal(await text(page, '#page-target-host'), 'printer.test');
    await page.selectOption('#page-target', 'local');
    await settle(page);
    // WebKit has no Local Network Access: the fetch goes through there.
    assert.match(await page.locator('.cell[data-profile="webkit"]').innerText(), /cors 200/);
    assert.match(await big(), /^not CORS: Local Network Access/);
    assert.match(await headline(page), /more private `local` space/);
    // An insecure page (its secure-context state, edited): refused for that reason.
    await page.selectOption('#page-secure', 'false');
    await settle(page);
    assert.match(await headline(page), /the page is not a secure context/);
    assert.match((await fixes()).fix, /Serve the page over https/);
    // The context survives the link and goes into the exported scenario.
    await page.waitForTimeout(300);
    await page.click('#share');
    const again = await open({ hash: new URL(page.url()).hash });
    assert.equal(await again.inputValue('#page-space'), 'public');
    assert.equal(await again.inputValue('#page-target'), 'local');
    assert.equal(await again.inputValue('#page-secure'), 'false');
    assert.equal(await again.inputValue('#page-lna'), 'denied');
    assert.equal(await headline(again), await headline(page));
    await again.click('#open-io');
    const json = JSON.parse(await again.inputValue('#scenario-json'));
    assert.deepEqual(json.page, { secure_context: false, address_space: 'public', address_spaces: { 'printer.test': 'local' }, local_network_access: 'denied' });
    assert.equal(json.expect[0].result.type, 'error');
    assert.deepEqual(json.expect[0].server_saw, []);
    assert.deepEqual(again.errors, []);
    await again.ctx.close();
    await page.bringToFront();
  });

  it('a no-cors fetch answered with Cross-Origin-Resource-Policy: same-origin: CORP, not CORS; and the page\'s COEP', async () => {
    await setUp({ origin: 'https://app.example', url: 'https://api.example/pixel', mode: 'no-cors', headers: 'Cross-Origin-Resource-Policy: same-origin' });
    assert.match(await big(), /^not CORS: Cross-Origin-Resource-Policy/);
    const { fix, added } = await fixes();
    assert.match(fix, /Cross-Origin-Resource-Policy: cross-origin/);
    // The engine's verified fix is the CORP value, never a CORS header.
    assert.ok(added.some((l) => /Cross-Origin-Resource-Policy: cross-origin/.test(l)), added.join('\n'));
    assert.deepEqual(added.filter((l) => /Access-Control-/i.test(l)), [], 'no CORS header offered');
    // No CORP header: an opaque response, until the page requires CORP.
    await page.fill('#s0-actual-headers', 'Content-Type: image/png');
    await settle(page);
    assert.match(await headline(page), /response is opaque/);
    await page.selectOption('#page-coep', 'require-corp');
    await settle(page);
    const h = await headline(page);
    assert.match(await big(), /^not CORS: Cross-Origin-Resource-Policy/);
    assert.match(h, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.match((await fixes()).fix, /or drop that embedder policy/);
    // credentialless: a request without credentials needs no CORP.
    await page.selectOption('#page-coep', 'credentialless');
    await settle(page);
    assert.match(await headline(page), /response is opaque/);
    assert.deepEqual(page.errors, []);
  });

  it('a bad page context is pointed at in its editor', async () => {
    await setUp({ origin: 'https://app.example', url: 'https://api.example/items' });
    await page.fill('#page-url', 'not a url');
    await settle(page);
    assert.match(await big(), /This cannot run yet/);
    assert.equal(await page.getAttribute('#page-url', 'aria-invalid'), 'true');
    await page.fill('#page-url', '');
    await settle(page);
    assert.match(await headline(page), /Script can read the response/);
  });
});
