// The recorded corpora through the wasm build give the very verdicts of the
// native `corsim run`: the same bytes after canonical JSON for `simulate`
// (JS objects in and out), and byte for byte for `simulateLine`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { corsim, corpusDir, corsimBin, canonical } from "./common.mjs";

const files = fs.readdirSync(corpusDir).filter((f) => f.endsWith(".jsonl")).sort();
const runs = [];
for (const file of files) runs.push({ file, profile: null });
// Every profile over the Chromium corpus: the `profile` option against `--profile`.
for (const profile of ["chromium", "firefox", "webkit", "spec"]) runs.push({ file: "chromium-156-public.jsonl", profile });

test("the corpus folder has the Chromium corpus", () => {
  assert.ok(files.includes("chromium-156-public.jsonl"), `corpus files: ${files}`);
});

for (const { file, profile } of runs) {
  test(`${file}${profile ? ` --profile ${profile}` : ""}: wasm verdicts identical to corsim run`, () => {
    const input = path.join(corpusDir, file);
    const args = ["run", input, ...(profile ? ["--profile", profile] : [])];
    const native = execFileSync(corsimBin, args, { encoding: "utf8", maxBuffer: 1 << 28 }).split("\n").filter((l) => l);
    const lines = fs.readFileSync(input, "utf8").split("\n").filter((l) => l.trim());
    assert.equal(native.length, lines.length, "one verdict line per scenario");
    const options = profile ? { profile } : undefined;
    const diffs = [];
    lines.forEach((line, i) => {
      const viaObject = canonical(corsim.simulate(JSON.parse(line), options));
      const want = canonical(JSON.parse(native[i]));
      if (viaObject !== want) diffs.push(`line ${i + 1} (simulate):\n  wasm:   ${viaObject}\n  native: ${want}`);
      const viaLine = corsim.simulateLine(line, options);
      if (viaLine !== native[i]) diffs.push(`line ${i + 1} (simulateLine):\n  wasm:   ${viaLine}\n  native: ${native[i]}`);
    });
    assert.equal(diffs.length, 0, `${diffs.length} differences, first ones:\n${diffs.slice(0, 3).join("\n")}`);
  });
}
