import init, { simulate, Page } from "corsim/web";
await init();
const v = simulate({ origin: "null", steps: [] });
const p = new Page("null");
const { default: initExplain, explain } = await import("corsim/explain/web");
await initExplain();
console.log(v.id, p.origin, explain("null", { url: "https://b.example/" }, {}).classification.kind);
