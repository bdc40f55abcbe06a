// What every browser driver of `corsim record` does the same way: read the
// job, run each scenario's steps at their at_ms on a page the browser
// driver opened, and write one JSON line per scenario on standard output:
//   {"id": ..., "steps": [{"result", "saw", "console", "cors_errors"}]}
// or {"id": ..., "error": "..."} when a step could not be recorded.
import { readFileSync } from 'node:fs';

export const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

export function log(...args) {
  process.stderr.write(`[corsim record] ${args.join(' ')}\n`);
}

/// The requests the scripted server logged for a scenario since its last
/// reset, then a reset (both on the servers' control pages, from here, not
/// from the page, so the page makes no request of its own).
async function takeSaw(scenario) {
  const id = encodeURIComponent(scenario.id);
  const saw = await (await fetch(`${scenario.control}/__corsim/log/${id}`)).json();
  await fetch(`${scenario.control}/__corsim/reset/${id}`, { method: 'POST' });
  return saw;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); }),
  ]);
}

/// Record every scenario of the job. `open(scenario)` gives a page on the
/// scenario's origin with `run(request, sandboxed)` (what script got),
/// `take()` (the console lines and CORS error names since the last take) and
/// `close()`.
export async function recordAll(open) {
  const timeout = job.step_timeout_ms ?? 10000;
  const settle = job.settle_ms ?? 300;
  for (const scenario of job.scenarios) {
    let page;
    try {
      page = await withTimeout(open(scenario), timeout, 'opening the page');
      await takeSaw(scenario);
      page.take();
      const steps = [];
      const start = Date.now();
      for (const step of scenario.steps) {
        const wait = (step.at_ms ?? 0) - (Date.now() - start);
        if (wait > 0) await sleep(wait);
        const result = await withTimeout(page.run(step.request, scenario.sandboxed), timeout, 'the fetch');
        delete result.message;
        // Console lines and protocol events can trail the promise a little.
        await sleep(settle);
        const { console, cors_errors } = page.take();
        steps.push({ result, saw: await takeSaw(scenario), console, cors_errors });
      }
      emit({ id: scenario.id, steps });
    } catch (e) {
      emit({ id: scenario.id, error: String(e && e.message || e) });
    } finally {
      if (page) await page.close().catch(() => {});
    }
  }
}
