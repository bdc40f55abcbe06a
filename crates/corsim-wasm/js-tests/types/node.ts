import { simulate, Page, preflightRequest, corsCheck, readableHeaderNames, type Scenario, type ScenarioVerdict, type FetchVerdict, type CacheEntry, type CorsError, type Event, type ProfileName } from "corsim";
import { explain, classify, type Explanation, parseMessage, type MessageReport } from "corsim/explain";
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
// The core's own types: a failure's reason narrows on its kind, the trace's events on theirs.
const why: CorsError | null = f.failure && f.failure.reason.kind === "cors" ? f.failure.reason.detail.error : null;
const unsafe: string[] = f.events.flatMap((ev: Event) => ev.event === "routed" && ev.route.route === "preflight" ? ev.route.headers.map((h) => h.name) : []);
const checks = e.timeline.flatMap((s) => s.step === "exchange" ? s.checks.map((c) => `${c.check} ${c.state}: ${c.detail}`) : []);
const profile: ProfileName = "spec";
const report: MessageReport = parseMessage("TypeError: Failed to fetch");
const said: string | null = report.facts.reason_name;
console.log(reason, f.ok, entries.length, e.fix?.verified, kind, p?.method, ok, names, why, unsafe, checks, profile, report.messages.length, said);
// @ts-expect-error: a profile that does not exist
simulate(s, { profile: "netscape" });
