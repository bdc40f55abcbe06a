// The shipped TypeScript declarations (generated from the Rust types) type-check
// real uses of the package, Node and web builds, under `--strict`; and they
// reject a wrong value (`@ts-expect-error` must be needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pkgDir } from "./common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = process.env.CORSIM_TSC;

for (const file of ["node.ts", "web.mts"]) {
  test(`tsc --strict accepts types/${file} against the package's .d.ts`, () => {
    assert.ok(tsc && fs.existsSync(tsc), `TypeScript's tsc (CORSIM_TSC=${tsc}); build-wasm.sh setup installs it`);
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "corsim-ts-"));
    try {
      fs.mkdirSync(path.join(project, "node_modules"));
      fs.symlinkSync(pkgDir, path.join(project, "node_modules", "corsim"), "dir");
      fs.copyFileSync(path.join(here, "types", file), path.join(project, file));
      try {
        execFileSync(tsc, ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
          "--target", "esnext", path.join(project, file)], { encoding: "utf8", cwd: project });
      } catch (e) {
        assert.fail(`tsc found errors:\n${e.stdout}${e.stderr}`);
      }
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
}
