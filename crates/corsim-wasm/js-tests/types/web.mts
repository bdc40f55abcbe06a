import init, { simulate, Page } from "corsim/web";
await init();
const v = simulate({ origin: "null", steps: [] });
const p = new Page("null");
console.log(v.id, p.origin);
