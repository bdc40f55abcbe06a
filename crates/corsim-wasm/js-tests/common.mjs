// Shared by the Node tests: where the package, the corpus and the native
// `corsim` binary are (build-wasm.sh passes them in the environment).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const pkgDir = process.env.CORSIM_PKG ?? path.join(here, "..", "pkg");
export const corpusDir = process.env.CORSIM_CORPUS_DIR ?? path.join(here, "..", "..", "..", "tests", "corpus");
export const corsimBin = process.env.CORSIM_BIN ?? path.join(here, "..", "..", "..", "target", "debug", "corsim");

const require = createRequire(import.meta.url);
/** The Node (CommonJS) build of the core module (`corsim`). */
export const corsim = require(path.join(pkgDir, "node", "corsim_wasm.js"));
/** The Node build of the explain module (`corsim/explain`): the core's functions and explain's. */
export const explainer = require(path.join(pkgDir, "node", "corsim_explain.js"));

/** JSON with object keys sorted, recursively: equal values give equal text. */
export function canonical(value) {
  return JSON.stringify(sortKeys(value));
}
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  }
  return v;
}
