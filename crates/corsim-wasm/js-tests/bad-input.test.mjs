// Bad input from JavaScript: each call gets a thrown Error naming the field,
// and the next call still works (a panic would trap and kill the instance;
// a leaked borrow would make every later call on a Page fail).
import { test } from "node:test";
import assert from "node:assert/strict";
import { corsim, explainer } from "./common.mjs";

const { simulate, simulateLine, Page } = corsim;
const ORIGIN = "https://app.example";
const URL = "https://api.example/items";

function scenario(request = { url: URL, method: "PUT" }) {
  return {
    id: "ok",
    origin: ORIGIN,
    steps: [{ at_ms: 0, request }],
    server: {
      [URL]: {
        preflight: { status: 204, headers: [["Access-Control-Allow-Origin", ORIGIN], ["Access-Control-Allow-Methods", "PUT"]] },
        actual: { status: 200, headers: [["Access-Control-Allow-Origin", ORIGIN]] },
      },
    },
  };
}

function stillWorks() {
  const v = simulate(scenario());
  assert.equal(v.steps[0].result.type, "cors");
  assert.equal(v.steps[0].cors_error, null);
}

/** `fn` throws an Error whose `field` is `field` and whose message starts with it. */
function throwsNamed(fn, field) {
  let thrown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `expected an Error naming ${field}, nothing was thrown`);
  assert.ok(thrown instanceof Error, `an Error, not ${thrown}`);
  assert.ok(!(thrown instanceof WebAssembly.RuntimeError), `a trap: ${thrown}`);
  assert.equal(thrown.field, field, thrown.message);
  assert.ok(thrown.message.startsWith(`${field}: `), thrown.message);
}

const simulateCases = [
  ["missing url", () => simulate(scenario({ method: "PUT" })), "steps[0].request.url"],
  ["url of the wrong type", () => simulate(scenario({ url: 42 })), "steps[0].request.url"],
  ["method of the wrong type", () => simulate(scenario({ url: URL, method: ["PUT"] })), "steps[0].request.method"],
  ["header value above U+00FF", () => simulate(scenario({ url: URL, headers: [["X-Smile", "\u263A"]] })), "steps[0].request.headers[0][1]"],
  ["header name above U+00FF", () => simulate(scenario({ url: URL, headers: [["X-\u0100", "v"]] })), "steps[0].request.headers[0][0]"],
  ["header not a pair", () => simulate(scenario({ url: URL, headers: [["X-A"]] })), "steps[0].request.headers[0]"],
  ["headers not an array", () => simulate(scenario({ url: URL, headers: { "X-A": "1" } })), "steps[0].request.headers"],
  ["unknown mode", () => simulate(scenario({ url: URL, mode: "navigate" })), "steps[0].request.mode"],
  ["negative at_ms", () => { const s = scenario(); s.steps[0].at_ms = -5; return simulate(s); }, "steps[0].at_ms"],
  ["missing origin", () => { const s = scenario(); delete s.origin; return simulate(s); }, "origin"],
  ["origin with a path", () => simulate({ ...scenario(), origin: "https://app.example/page" }), "origin"],
  ["steps not an array", () => simulate({ ...scenario(), steps: "GET /" }), "steps"],
  ["response header above U+00FF", () => {
    const s = scenario();
    s.server[URL].actual.headers.push(["X-Name", "\u{1F600}"]);
    return simulate(s);
  }, `server["${URL}"].actual.headers[1][1]`],
  ["status out of range", () => { const s = scenario(); s.server[URL].actual.status = 42; return simulate(s); }, `server["${URL}"].actual.status`],
  ["status of the wrong type", () => { const s = scenario(); s.server[URL].actual.status = "200"; return simulate(s); }, `server["${URL}"].actual.status`],
  ["a number", () => simulate(7), "scenario"],
  ["undefined", () => simulate(undefined), "scenario"],
  ["null", () => simulate(null), "scenario"],
  ["not JSON text", () => simulate("{oops"), "scenario"],
  ["a cycle", () => { const s = scenario(); s.self = s; return simulate(s); }, "scenario"],
  ["a BigInt", () => simulate({ ...scenario(), id: 1n }), "scenario"],
  ["deep nesting", () => { let v = []; for (let i = 0; i < 10000; i++) v = [v]; return simulate({ ...scenario(), id: v }); }, "scenario"],
  ["unknown profile", () => simulate(scenario(), { profile: "netscape" }), "options.profile"],
  ["profile of the wrong type", () => simulate(scenario(), { profile: 3 }), "options.profile"],
  ["unknown option", () => simulate(scenario(), { profil: "spec" }), "options.profil"],
  ["simulateLine with a bad option", () => simulateLine("{}", { profile: "ie6" }), "options.profile"],
  ["simulateLine with a number", () => simulateLine(42), "line"],
  ["simulateLine with an object", () => simulateLine({ id: "x" }), "line"],
];

for (const [name, fn, field] of simulateCases) {
  test(`simulate: ${name} → Error naming ${field}, then the module still works`, () => {
    throwsNamed(fn, field);
    stillWorks();
  });
}

test("simulateLine answers a bad line with corsim run's error line, not an exception", () => {
  assert.equal(simulateLine('{"id":"x","origin":"https://a.example"}'), '{"id":"x","error":"steps: missing"}');
  stillWorks();
});

function serverMap() {
  return scenario().server;
}

const pageCases = [
  ["request header value above U+00FF", (p) => p.fetch({ url: URL, headers: [["X-A", "\u263A"]] }, serverMap(), 0), "request.headers[0][1]"],
  ["request without url", (p) => p.fetch({ method: "GET" }, serverMap(), 0), "request.url"],
  ["request missing", (p) => p.fetch(undefined, serverMap(), 0), "request"],
  ["server missing", (p) => p.fetch({ url: URL }, undefined, 0), "server"],
  ["server map with a bad status", (p) => p.fetch({ url: URL }, { [URL]: { actual: { status: true } } }, 0), `server["${URL}"].actual.status`],
  ["nowMs negative", (p) => p.fetch({ url: URL }, serverMap(), -1), "nowMs"],
  ["nowMs a string", (p) => p.fetch({ url: URL }, serverMap(), "now"), "nowMs"],
  ["nowMs missing", (p) => p.fetch({ url: URL }, serverMap()), "nowMs"],
  ["nowMs NaN in cacheEntries", (p) => p.cacheEntries(NaN), "nowMs"],
  ["responder returns a bad header", (p) => p.fetch({ url: URL }, () => ({ status: 200, headers: [["X", "\u0100"]] }), 0), "server(requests[0]).headers[0][1]"],
  ["responder returns nothing", (p) => p.fetch({ url: URL }, () => undefined, 0), "server(requests[0])"],
  ["responder returns a Promise", (p) => p.fetch({ url: URL }, async () => ({ status: 200 }), 0), "server(requests[0])"],
  ["responder's preflight answer is bad", (p) => p.fetch({ url: URL, method: "PUT" }, () => ({ status: 1000 }), 0), "server(requests[0]).status"],
];

function pageStillWorks(page) {
  const v = page.fetch({ url: URL, method: "PUT" }, serverMap(), 10);
  assert.equal(v.ok, true, JSON.stringify(v));
  assert.deepEqual(v.requests.map((r) => r.method), ["OPTIONS", "PUT"].slice(v.requests.length === 1 ? 1 : 0));
}

for (const [name, fn, field] of pageCases) {
  test(`Page: ${name} → Error naming ${field}, then the page still works`, () => {
    const page = new Page(ORIGIN);
    throwsNamed(() => fn(page), field);
    pageStillWorks(page);
    stillWorks();
  });
}

test("Page: a responder's own exception comes through, and the page still works", () => {
  const page = new Page(ORIGIN);
  assert.throws(() => page.fetch({ url: URL }, () => { throw new RangeError("server on fire"); }, 0), { name: "RangeError", message: "server on fire" });
  pageStillWorks(page);
});

test("Page: re-entering the page from its own responder is refused, and the page still works", () => {
  const page = new Page(ORIGIN);
  assert.throws(() => page.fetch({ url: URL }, () => page.fetch({ url: URL }, serverMap(), 0), 0));
  pageStillWorks(page);
});

for (const [name, args, field] of [
  ["a bad origin", ["not an origin"], "origin"],
  ["an origin of the wrong type", [42], "origin"],
  ["an unknown profile", [ORIGIN, { profile: "opera" }], "options.profile"],
  ["a negative seed", [ORIGIN, { seed: -1 }], "options.seed"],
]) {
  test(`new Page with ${name} → Error naming ${field}`, () => {
    throwsNamed(() => new Page(...args), field);
    pageStillWorks(new Page(ORIGIN));
  });
}

// Deterministic garbage: corpus-shaped scenarios with fields dropped, retyped
// or replaced by odd strings. Every call either returns a verdict or throws an
// Error that names a field; never a trap; and the module works at the end.
test("2000 mangled scenarios: a verdict or a named Error each, never a trap", () => {
  let seed = 0x2545f491;
  const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
  const odd = [null, 0, -1, 1e300, "", "\u0000", "\u00ff", "\u0100", "\ud800", "\u{1F600}", [], {}, [[]], true, "https://", "null", "*", "OPTIONS", "https://api.example:99999/"];
  const mangle = (v, depth) => {
    if (depth > 6 || rand(4) === 0) return odd[rand(odd.length)];
    if (Array.isArray(v)) return v.map((x) => (rand(5) === 0 ? odd[rand(odd.length)] : mangle(x, depth + 1)));
    if (v && typeof v === "object") {
      const out = {};
      for (const [k, x] of Object.entries(v)) if (rand(6) !== 0) out[k] = rand(3) === 0 ? mangle(x, depth + 1) : x;
      return out;
    }
    return v;
  };
  let verdicts = 0;
  let errors = 0;
  for (let i = 0; i < 2000; i++) {
    const input = mangle(scenario({ url: URL, method: "PUT", headers: [["Content-Type", "text/plain"], ["X-A", "1"]], credentials: "include" }), 0);
    try {
      const v = simulate(input, { profile: ["chromium", "firefox", "webkit", "spec"][i % 4] });
      assert.ok(Array.isArray(v.steps));
      verdicts++;
    } catch (e) {
      assert.ok(e instanceof Error && !(e instanceof WebAssembly.RuntimeError), `input ${JSON.stringify(input)}: ${e}`);
      assert.equal(typeof e.field, "string", e.message);
      errors++;
    }
  }
  assert.ok(verdicts > 0 && errors > 0, `${verdicts} verdicts, ${errors} errors`);
  stillWorks();
});

for (const [name, fn, field] of [
  ["explain: bad origin", () => explainer.explain("not an origin", { url: URL }, serverMap()), "origin"],
  ["explain: header value above U+00FF", () => explainer.explain(ORIGIN, { url: URL, headers: [["A", "\u{1F600}"]] }, serverMap()), "request.headers[0][1]"],
  ["explain: bad profile", () => explainer.explain(ORIGIN, { url: URL }, serverMap(), { profile: "lynx" }), "options.profile"],
  ["explain: responder returns a bad status", () => explainer.explain(ORIGIN, { url: URL }, () => ({ status: -1 })), "server(requests[0]).status"],
]) {
  test(`${name} → Error naming ${field}, then the module still works`, () => {
    throwsNamed(fn, field);
    stillWorks();
    assert.equal(explainer.explain(ORIGIN, { url: URL }, serverMap()).result.readable, true);
  });
}
