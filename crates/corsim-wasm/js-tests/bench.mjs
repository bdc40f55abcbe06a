// Micro-benchmark (not a test): the cost of one scenario through the wasm
// build in Node against the native `corsim run` on the same corpus.
//
//   bash crates/corsim-wasm/build-wasm.sh bench [CORPUS.jsonl]
//
// Native: wall time of `corsim run --jobs 1` (release) on the corpus repeated
// to about 6000 scenarios, minus the time of `corsim run` on an empty file
// (process start), divided by the number of scenarios. One thread, as the
// module runs: `corsim run` on every core is printed beside it, not compared
// (a 64-line chunk pipeline spreads these 6000 lines over the cores). Wasm: the same lines through
// `simulateLine` (JSON text in and out, as `corsim run` does) and through
// `simulate` (a JS object in, a JS object out), after a warm-up pass.
// The three are interleaved, 7 rounds, and the fastest round of each counts
// (the least disturbed by other work on a shared machine).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import { corsimBin, pkgDir } from "./common.mjs";

// The modules measured: the core (`corsim`) unless CORSIM_BENCH_MODULE names
// other builds in pkg/node, comma-separated (corsim_wasm,corsim_explain), all
// in the same interleaved rounds.
const moduleNames = (process.env.CORSIM_BENCH_MODULE ?? "corsim_wasm").split(",");
const load = createRequire(import.meta.url);
const modules = moduleNames.map((name) => ({ name, m: load(path.join(pkgDir, "node", `${name}.js`)) }));

const files = process.argv.slice(2);
const base = files.flatMap((f) => fs.readFileSync(f, "utf8").split("\n").filter((l) => l.trim()));
const repeat = Math.max(1, Math.ceil(6000 / base.length));
const lines = Array.from({ length: repeat }, () => base).flat();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corsim-bench-"));
const input = path.join(dir, "corpus.jsonl");
const empty = path.join(dir, "empty.jsonl");
fs.writeFileSync(input, lines.join("\n") + "\n");
fs.writeFileSync(empty, "");

const best = (xs) => Math.min(...xs);
function timeProcess(file, jobs = ["--jobs", "1"]) {
  const t = performance.now();
  const r = spawnSync(corsimBin, ["run", ...jobs, file], { maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`corsim run failed: ${r.stderr}`);
  return ms;
}
function timeLoop(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const runs = 7;
timeProcess(input); // warm the page cache
const objects = lines.map((l) => JSON.parse(l));
let sink = 0;
const viaLine = (corsim) => () => { for (const l of lines) sink += corsim.simulateLine(l).length; };
const viaObject = (corsim) => () => { for (const o of objects) sink += corsim.simulate(o).steps.length; };
for (const { m } of modules) { viaLine(m)(); viaObject(m)(); } // warm-up: JIT, wasm tier-up
const t = { startup: [], native: [], allCores: [], line: modules.map(() => []), object: modules.map(() => []) };
for (let i = 0; i < runs; i++) {
  t.startup.push(timeProcess(empty));
  t.native.push(timeProcess(input));
  t.allCores.push(timeProcess(input, []));
  modules.forEach(({ m }, k) => {
    t.line[k].push(timeLoop(viaLine(m)));
    t.object[k].push(timeLoop(viaObject(m)));
  });
}
const startup = best(t.startup);
const nativePer = (best(t.native) - startup) / lines.length;
const allCoresPer = (best(t.allCores) - startup) / lines.length;
fs.rmSync(dir, { recursive: true, force: true });

const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log(`scenarios: ${lines.length} (${base.length} × ${repeat}), best of ${runs} interleaved rounds; checksum ${sink}`);
console.log(`native corsim run --jobs 1: ${us(nativePer)} per scenario (process start ${startup.toFixed(1)} ms excluded)`);
console.log(`  (on all ${os.availableParallelism()} cores: ${us(allCoresPer)} per scenario; not the ratios' base)`);
modules.forEach(({ name }, k) => {
  const linePer = best(t.line[k]) / lines.length;
  const objectPer = best(t.object[k]) / lines.length;
  console.log(`${name}:`);
  console.log(`  wasm simulateLine (text): ${us(linePer)} per scenario  ratio wasm/native ${(linePer / nativePer).toFixed(2)}`);
  console.log(`  wasm simulate (objects):  ${us(objectPer)} per scenario  ratio wasm/native ${(objectPer / nativePer).toFixed(2)}`);
});
