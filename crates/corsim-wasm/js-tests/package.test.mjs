// The npm package as a user gets it: resolved by name through package.json
// `exports` (Node's CommonJS build, the web ES module build), the README's
// examples, and a Page with its preflight cache.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { corsim, explainer, pkgDir } from "./common.mjs";

// A throwaway project with the package installed as node_modules/corsim.
const project = fs.mkdtempSync(path.join(os.tmpdir(), "corsim-pkg-"));
fs.mkdirSync(path.join(project, "node_modules"));
fs.symlinkSync(pkgDir, path.join(project, "node_modules", "corsim"), "dir");
fs.writeFileSync(path.join(project, "package.json"), '{"name": "user", "private": true}');
const requireFromProject = createRequire(path.join(project, "index.js"));
process.on("exit", () => fs.rmSync(project, { recursive: true, force: true }));

test("package.json: exports and types point at files that exist", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  assert.equal(pkg.name, "corsim");
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  const targets = [pkg.main, pkg.types, pkg.module];
  const walk = (v) => (typeof v === "string" ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  for (const t of targets) assert.ok(fs.existsSync(path.join(pkgDir, t)), `${t} exists`);
  const dts = fs.readFileSync(path.join(pkgDir, pkg.types), "utf8");
  for (const name of ["export interface Scenario", "export interface ScenarioVerdict", "export interface FetchVerdict",
                      "export class Page", "export function simulate(scenario: Scenario | string", "export type ProfileName"]) {
    assert.ok(dts.includes(name), `the .d.ts declares ${name}`);
  }
  assert.ok(fs.existsSync(path.join(pkgDir, "README.md")));
});

test("require('corsim') resolves to the Node build and works", () => {
  const m = requireFromProject("corsim");
  assert.equal(typeof m.simulate, "function");
  assert.equal(m.version(), corsim.version());
});

test("import('corsim/web') + initSync: the ES module build gives the same verdicts", async () => {
  const web = await import(pathToFileURL(requireFromProject.resolve("corsim/web")).href);
  web.initSync({ module: fs.readFileSync(path.join(pkgDir, "web", "corsim_wasm_bg.wasm")) });
  const line = '{"id":"w","origin":"https://a.example","steps":[{"request":{"url":"https://b.example/","credentials":"include"}}],' +
    '"server":{"https://b.example/":{"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}}}';
  assert.equal(web.simulateLine(line), corsim.simulateLine(line));
  assert.deepEqual(web.simulate(JSON.parse(line)), corsim.simulate(JSON.parse(line)));
  assert.equal(web.simulate(JSON.parse(line)).steps[0].cors_error, "WildcardOriginNotAllowed");
});

test("two modules: `corsim` (the core) and `corsim/explain` (the core and explain, classify, the server models, parseMessage)", async () => {
  const core = requireFromProject("corsim");
  const full = requireFromProject("corsim/explain");
  const extra = ["explain", "classify", "serverModelAnswers", "renderServerModel", "parseMessage"];
  for (const name of extra) {
    assert.equal(core[name], undefined, `the core module has no ${name}`);
    assert.equal(typeof full[name], "function", `corsim/explain has ${name}`);
  }
  for (const name of ["simulate", "simulateLine", "Page", "preflightRequest", "corsCheck", "readableHeaderNames", "isForbiddenRequestHeader", "version"]) {
    assert.equal(typeof core[name], "function", `the core module has ${name}`);
    assert.equal(typeof full[name], "function", `corsim/explain has ${name}`);
  }
  assert.equal(full.version(), core.version());
  // A scenario answered by a CORS library's model: the explain module runs it;
  // the core module, which has no server models, says where they are.
  const line = '{"id":"m","origin":"https://app.example","steps":[{"request":{"url":"https://api.example/items","method":"PUT"}}],' +
    '"server":{"https://api.example/items":{"model":{"library":"express-cors","options":{"origin":["https://app.example"]}}}}}';
  assert.equal(JSON.parse(full.simulateLine(line)).steps[0].server_saw.length, 2);
  const refused = JSON.parse(core.simulateLine(line));
  assert.match(refused.error, /server\["https:\/\/api\.example\/items"\]\.model: .*corsim\/explain/);
  // The ES module build of the explain module.
  const web = await import(pathToFileURL(requireFromProject.resolve("corsim/explain/web")).href);
  web.initSync({ module: fs.readFileSync(path.join(pkgDir, "web", "corsim_explain_bg.wasm")) });
  assert.equal(web.simulateLine(line), full.simulateLine(line));
  assert.equal(web.classify("https://app.example", { url: "https://api.example/x", method: "PATCH" }).kind, "preflight");
});

test("the README's simulate example", () => {
  const { simulate } = requireFromProject("corsim");
  const verdict = simulate({
    id: "put-json",
    origin: "https://app.example",
    steps: [{ at_ms: 0, request: { url: "https://api.example/items", method: "PUT", headers: [["Content-Type", "application/json"]] } }],
    server: {
      "https://api.example/items": {
        preflight: { status: 204, headers: [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Methods", "PUT"]] },
        actual: { status: 200, headers: [["Access-Control-Allow-Origin", "https://app.example"]] },
      },
    },
  }, { profile: "chromium" });
  assert.equal(verdict.steps[0].cors_error, "HeaderDisallowedByPreflightResponse");
  assert.equal(verdict.steps[0].console[0],
    "Access to fetch at 'https://api.example/items' from origin 'https://app.example' has been blocked by CORS policy: " +
    "Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response.");
});

test("the README's Page example: the second fetch uses the cached preflight", () => {
  const { Page } = requireFromProject("corsim");
  const page = new Page("https://app.example", { profile: "chromium" });
  const server = (req) => req.isPreflight
    ? { status: 204, headers: [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Max-Age", "600"]] }
    : { status: 200, headers: [["Access-Control-Allow-Origin", "https://app.example"]] };
  const t0 = 1_700_000_000_000;
  const first = page.fetch({ url: "https://api.example/items", method: "PUT" }, server, t0);
  assert.deepEqual(first.requests.map((r) => r.method), ["OPTIONS", "PUT"]);
  const [entry, ...rest] = page.cacheEntries(t0 + 1000);
  assert.equal(rest.length, 0);
  assert.equal(entry.url, "https://api.example/items");
  assert.equal(entry.origin, "https://app.example");
  assert.deepEqual(entry.methods, [{ token: "PUT", expiresMs: t0 + 600_000 }]);
  assert.equal(entry.expiresInMs, 599_000);
  assert.equal(entry.keyCredentials, null);
  const again = page.fetch({ url: "https://api.example/items", method: "PUT" }, server, t0 + 1000);
  assert.deepEqual(again.requests.map((r) => r.method), ["PUT"]);
  assert.deepEqual(page.cacheEntries(t0 + 600_000), []);
});

test("the README's error example", () => {
  const { simulate } = requireFromProject("corsim");
  assert.throws(
    () => simulate({ origin: "https://a.example", steps: [{ request: { url: "https://b.example/", headers: [["X-Name", "\u263A"]] } }] }),
    (e) => e instanceof Error && e.field === "steps[0].request.headers[0][1]",
  );
});

test("Page verdicts: failure details, events, and profiles", () => {
  const page = new corsim.Page("https://app.example", { profile: "firefox" });
  assert.equal(page.profile, "firefox");
  assert.equal(page.origin, "https://app.example");
  const v = page.fetch({ url: "https://api.example/x", credentials: "include" },
    () => ({ status: 200, headers: [["Access-Control-Allow-Origin", "*"]] }), 0);
  assert.equal(v.ok, false);
  assert.equal(v.response, null);
  assert.deepEqual(v.failure.reason, { kind: "cors", detail: { error: "WildcardOriginNotAllowed", failedParameter: "*" } });
  assert.equal(v.failure.url, "https://api.example/x");
  assert.equal(v.failure.allowOrigin, "*");
  assert.equal(typeof v.corsError, "string");
  assert.ok(v.console.length > 0);
  // The engine's trace: the checks around CORS first (an https page's mixed-content check), then main fetch.
  assert.deepEqual(v.events.slice(0, 2), [{ event: "checked", check: "mixed-content", state: "passed" },
    { event: "routed", url: "https://api.example/x", route: { route: "simple" } }]);
  assert.deepEqual(v.events.map((e) => e.event).slice(2, 4), ["sent", "received"]);
  const t = page.fetch({ url: "https://api.example/x", method: "TRACE" }, () => ({ status: 200 }), 0);
  assert.deepEqual(t.failure.reason, { kind: "type-error", detail: { error: "forbidden-method", value: "TRACE" } });
  assert.deepEqual(t.requests, []);
});

test("explain: classification, checks and a verified fix; a page's explain keeps its cache", () => {
  const URL = "https://api.example/items";
  const server = { [URL]: { preflight: { status: 204, headers: [["Access-Control-Allow-Origin", "https://app.example"]] },
                            actual: { status: 200, headers: [["Access-Control-Allow-Origin", "https://app.example"]] } } };
  const e = explainer.explain("https://app.example", { url: URL, method: "DELETE" }, server, { profile: "chromium" });
  assert.equal(e.classification.kind, "preflight");
  assert.equal(e.result.readable, false);
  assert.equal(e.result.failure.cors_error, "MethodDisallowedByPreflightResponse");
  const exchange = e.timeline.find((s) => s.step === "exchange" && s.preflight);
  assert.ok(exchange.request.text.startsWith("OPTIONS /items HTTP/1.1\n"), exchange.request.text);
  assert.ok(exchange.checks.some((c) => c.check === "allow-methods" && c.state === "failed"));
  assert.equal(e.fix.verified, true);
  assert.ok(e.fix.patches[0].headers.some((h) => h.name === "Access-Control-Allow-Methods" && /DELETE/.test(h.to)));
  assert.ok(e.fix.configs.length > 0);

  const page = new explainer.Page("https://app.example");
  const ok = { [URL]: { preflight: { status: 204, headers: [["Access-Control-Allow-Origin", "https://app.example"],
                                                            ["Access-Control-Allow-Methods", "DELETE"], ["Access-Control-Max-Age", "60"]] },
                        actual: server[URL].actual } };
  assert.equal(page.explain({ url: URL, method: "DELETE" }, ok, 0).result.readable, true);
  assert.equal(page.cacheEntries(0).length, 1);
  const cached = page.explain({ url: URL, method: "DELETE" }, ok, 1000);
  assert.ok(cached.timeline.some((s) => s.step === "cache-lookup" && s.hit), JSON.stringify(cached.timeline));
  assert.throws(() => page.explain({ url: URL }, () => { throw new Error("down"); }, 0), /down/);
  assert.equal(page.cacheEntries(0).length, 1, "a thrown error leaves the page as it was");
});

test("the README's explain example", () => {
  const { explain } = requireFromProject("corsim/explain");
  const e = explain("https://app.example", { url: "https://api.example/items", method: "DELETE" }, {
    "https://api.example/items": { preflight: { status: 204, headers: [["Access-Control-Allow-Origin", "https://app.example"]] } },
  });
  assert.equal(e.classification.kind, "preflight");
  assert.equal(e.result.failure.cors_error, "MethodDisallowedByPreflightResponse");
  assert.ok(e.fix.patches[0].headers.some((h) => h.name === "Access-Control-Allow-Methods" && h.to.includes("DELETE")), JSON.stringify(e.fix.patches));
  assert.equal(e.fix.verified, true);
  assert.ok(e.fix.configs.length > 0);
});

test("the README's page-context example: a check around CORS is not CORS", () => {
  // page.explain is in the explain module; the core's Page fetches the same.
  const lan = new explainer.Page("https://app.example", { page: { address_space: "public", local_network_access: "denied" } });
  const e = lan.explain({ url: "http://127.0.0.1:8080/status" }, {}, 0);
  assert.equal(e.result.failure.not_cors.check, "not CORS: Local Network Access");
  assert.match(e.result.failure.not_cors.fix, /allow local network access/);
  assert.equal(lan.fetch({ url: "http://127.0.0.1:8080/status" }, () => { throw new Error("nothing is sent"); }, 0).ok, false);
  const core = new corsim.Page("https://app.example", { page: { address_space: "public", local_network_access: "denied" } });
  assert.equal(core.fetch({ url: "http://127.0.0.1:8080/status" }, () => { throw new Error("nothing is sent"); }, 0).ok, false);
  // Without the page context the origin implies no address space: the fetch is sent.
  const plain = new corsim.Page("https://app.example").fetch({ url: "http://127.0.0.1:8080/status" }, () => ({ status: 200 }), 0);
  assert.equal(plain.requests.length, 1);
  assert.throws(() => new corsim.Page("https://app.example", { page: { coep: "require_corp" } }), (e) => e.field === "options.page.coep");
  // A scenario carries its own page: simulate takes no page option.
  assert.throws(() => corsim.simulate({ origin: "https://app.example", steps: [{ request: { url: "https://api.example/" } }] }, { page: {} }),
    (e) => e.field === "options.page");
});

test("the individual decisions through the package", () => {
  const req = { url: "https://api.example/x", method: "PATCH", headers: [["X-Trace", "1"]] };
  const c = explainer.classify("https://app.example", req);
  assert.equal(c.kind, "preflight");
  assert.deepEqual(c.headers.map((h) => h.name), ["x-trace"]);
  assert.equal(c.headers[0].why, "not a CORS-safelisted request-header name");
  assert.equal(c.method, "PATCH");
  const dropped = new corsim.Page("https://app.example").fetch({ url: "https://api.example/x", method: "PUT",
    headers: [["Content-Type", "application/json"], ["Cookie", "a=b"]] }, () => ({ status: 500 }), 0);
  assert.deepEqual(dropped.events[0], { event: "header-dropped", name: "Cookie", because: "forbidden" });
  assert.deepEqual(dropped.events.find((e) => e.event === "routed").route, { route: "preflight", method: "PUT",
    headers: [{ name: "content-type", value: "application/json", why: { because: "mime-essence", essence: "application/json" } }] });
  const p = corsim.preflightRequest("https://app.example", req);
  assert.deepEqual(p.headers.find((h) => h[0] === "Access-Control-Request-Method"), ["Access-Control-Request-Method", "PATCH"]);
  assert.equal(corsim.preflightRequest("https://app.example", { url: "https://api.example/x" }), null);
  assert.deepEqual(corsim.corsCheck("https://app.example", "include", [["Access-Control-Allow-Origin", "https://app.example"]]),
    { ok: false, error: "InvalidAllowCredentials", failedParameter: "" });
  assert.deepEqual(corsim.readableHeaderNames("basic", [["X-A", "1"], ["Set-Cookie", "a"]], "omit"), ["x-a"]);
  assert.throws(() => corsim.readableHeaderNames("cors", [["X", "\u263A"]], "omit"), (e) => e.field === "responseHeaders[0][1]");
});

test("the CORS libraries' models: their answers and their options in their own syntax", () => {
  const model = { library: "express-cors", options: { origin: ["https://app.example"], credentials: true } };
  const req = { url: "https://api.example/items", method: "PUT", headers: [["X-Trace", "1"]], credentials: "include" };
  const a = explainer.serverModelAnswers(model, "https://app.example", req);
  assert.equal(a.preflight.request.isPreflight, true);
  assert.equal(a.preflight.status, 204);
  assert.deepEqual(a.preflight.headers.find((h) => h[0] === "Access-Control-Allow-Headers"), ["Access-Control-Allow-Headers", "x-trace"]);
  assert.deepEqual(a.actual.headers.find((h) => h[0] === "Access-Control-Allow-Origin"), ["Access-Control-Allow-Origin", "https://app.example"]);
  // Another origin gets no Access-Control-Allow-Origin.
  const other = explainer.serverModelAnswers(model, "https://evil.example", req);
  assert.equal(other.actual.headers.find((h) => h[0] === "Access-Control-Allow-Origin"), undefined);
  assert.match(explainer.renderServerModel(model), /app\.use\(cors\(\{\n  origin: \['https:\/\/app\.example'\],\n  credentials: true,/);
  // Options the library refuses, and unknown ones, are errors naming the model.
  assert.throws(() => explainer.renderServerModel({ library: "tower-http", options: { allow_origin: "*", allow_credentials: true } }), (e) => e.field === "model");
  assert.throws(() => explainer.serverModelAnswers({ library: "nope", options: {} }, "https://app.example", req), (e) => e.field === "model");
});

test("the README's one-decision-at-a-time example", () => {
  const { preflightRequest, corsCheck, readableHeaderNames } = requireFromProject("corsim");
  const { classify } = requireFromProject("corsim/explain");
  assert.equal(classify("https://app.example", { url: "https://api.example/x", method: "PATCH" }).kind, "preflight");
  const p = preflightRequest("https://app.example", { url: "https://api.example/x", method: "PATCH" });
  assert.equal(p.method, "OPTIONS");
  assert.deepEqual(p.headers, [["Accept", "*/*"], ["Access-Control-Request-Method", "PATCH"], ["Origin", "https://app.example"]]);
  assert.deepEqual(corsCheck("https://app.example", "include", [["Access-Control-Allow-Origin", "*"]]),
    { ok: false, error: "WildcardOriginNotAllowed", failedParameter: "*" });
  assert.deepEqual(readableHeaderNames("cors", [["X-Total", "3"], ["Content-Type", "text/plain"]], "omit"), ["content-type"]);
  const { isForbiddenRequestHeader } = requireFromProject("corsim");
  assert.equal(isForbiddenRequestHeader("Cookie", "a=b"), true);
  assert.equal(isForbiddenRequestHeader("X-Trace", "1"), false);
  assert.equal(isForbiddenRequestHeader("User-Agent", "x", { profile: "chromium" }), true);
  assert.equal(isForbiddenRequestHeader("User-Agent", "x", { profile: "spec" }), false);
  assert.throws(() => isForbiddenRequestHeader("X", "\u263A"), (e) => e.field === "value");
});
