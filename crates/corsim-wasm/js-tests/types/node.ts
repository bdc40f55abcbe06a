import { simulate, explain, Page, classify, preflightRequest, corsCheck, readableHeaderNames, type Scenario, type ScenarioVerdict, type FetchVerdict, type Explanation, type CacheEntry } from "corsim";
const s: Scenario = { origin: "https://a.example", steps: [{ request: { url: "https://b.example/", method: "PUT", headers: [["X-A", "1"]], credentials: "include" } }],
  server: { "https://b.example/": { actual: { status: 200, headers: [["Access-Control-Allow-Origin", "*"]] } } } };
const v: ScenarioVerdict = simulate(s, { profile: "firefox" });
const reason: string | null = v.steps[0].cors_error;
const page = new Page("https://a.example", { profile: "webkit", seed: 3 });
const f: FetchVerdict = page.fetch({ url: "https://b.example/" }, (req) => ({ status: req.isPreflight ? 204 : 200 }), Date.now());
const entries: CacheEntry[] = page.cacheEntries(Date.now());
const e: Explanation = explain("https://a.example", { url: "https://b.example/" }, s.server!);
const kind = classify("https://a.example", { url: "https://b.example/" }).kind;
const p = preflightRequest("https://a.example", { url: "https://b.example/", method: "PUT" });
const ok: boolean = corsCheck("https://a.example", "omit", [["Access-Control-Allow-Origin", "*"]]).ok;
const names: string[] = readableHeaderNames("cors", [], "omit");
console.log(reason, f.ok, entries.length, e.fix?.verified, kind, p?.method, ok, names);
// @ts-expect-error: a profile that does not exist
simulate(s, { profile: "netscape" });
