// `corsim record` against the recorded corpora: a handful of the public
// scenarios (two per category, sandboxed pages included) are re-recorded in
// headless Chromium on free loopback ports and must come back with exactly
// the `expect` the corpus holds: the requests the server saw, what script
// got, Chromium's reason name and the console lines word for word. Firefox
// ESR and WebKitGTK are recorded the same way when they are installed (CI
// installs only Chromium).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEB_ROOT } from './server.mjs';

const ROOT = join(WEB_ROOT, '..');
const CORSIM = join(ROOT, 'target', 'debug', 'corsim');
const PER_CATEGORY = 2;

const anyFreePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

let dir;
before(() => {
  // Always the current sources: the recorder is what is under test.
  execFileSync('cargo', ['build', '-q', '-p', 'corsim-cli'], { cwd: ROOT, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'corsim-record-'));
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/// Two scenarios of each category of a corpus (none that waits seconds), on
/// free ports: the whole line, recording included, is rewritten.
async function sample(corpus) {
  // Distinct ports: a port closed by freePort may be handed out again, and
  // two of the corpus's ports sharing one would share its address space.
  const taken = new Set();
  const freePort = async () => {
    for (;;) {
      const port = await anyFreePort();
      if (!taken.has(port)) { taken.add(port); return port; }
    }
  };
  const ports = [await freePort(), await freePort(), await freePort()];
  // The check corpora use ports 8300-8399: each gets a free port of its own
  // (its address space, when it has one, follows it).
  const checkPorts = {};
  for (const p of new Set(readFileSync(join(ROOT, 'tests', 'corpus', corpus), 'utf8').match(/:83\d\d\b/g) ?? [])) {
    checkPorts[p] = `:${await freePort()}`;
  }
  const rewrite = (line) => line.replaceAll(':8001', `:${ports[0]}`).replaceAll(':8002', `:${ports[1]}`).replaceAll(':8003', `:${ports[2]}`)
    .replace(/:83\d\d\b/g, (p) => checkPorts[p]);
  const perCategory = {};
  const out = [];
  for (const line of readFileSync(join(ROOT, 'tests', 'corpus', corpus), 'utf8').split('\n').filter(Boolean)) {
    const s = JSON.parse(line);
    const category = s.id.split('-')[1];
    if (s.steps.some((st) => st.at_ms > 2000) || (perCategory[category] || 0) >= PER_CATEGORY) continue;
    perCategory[category] = (perCategory[category] || 0) + 1;
    out.push(JSON.parse(rewrite(line)));
  }
  return out;
}

async function recordAndCompare(browser, corpus, atLeast = 20) {
  const scenarios = await sample(corpus);
  const file = join(dir, `${browser}.jsonl`);
  writeFileSync(file, scenarios.map((s) => JSON.stringify({ ...s, expect: undefined, browser: undefined })).join('\n') + '\n');
  const run = spawnSync(CORSIM, ['record', '--browser', browser, '--runs', '1', file], { encoding: 'utf8', timeout: 150000 });
  assert.equal(run.status, 0, `corsim record failed:\n${run.stderr}`);
  const recorded = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(recorded.map((r) => r.id), scenarios.map((s) => s.id), 'every scenario, in input order');
  const problems = [];
  recorded.forEach((r, n) => {
    assert.match(r.browser, new RegExp(`^${scenarios[n].browser.split(' ')[0]} `));
    scenarios[n].expect.forEach((want, i) => {
      if (want.unstable) return;
      const got = r.expect[i];
      for (const field of ['server_saw', 'result', 'cors_error', 'console']) {
        if (JSON.stringify(got[field]) !== JSON.stringify(want[field])) {
          problems.push(`${r.id} step ${i} ${field}:\n  recorded now ${JSON.stringify(got[field])}\n  corpus       ${JSON.stringify(want[field])}`);
        }
      }
    });
  });
  assert.ok(scenarios.length >= atLeast, `a sample from every category (${scenarios.length})`);
  assert.deepEqual(problems, [], problems.join('\n'));
}

it('corsim record in Chromium gives back what the Chromium corpus holds', { timeout: 180000 }, async () => {
  await recordAndCompare('chromium', 'chromium-156-public.jsonl');
});

// The checks around CORS: an https: page on the recorder's TLS port, a page
// with an embedder policy, a page counted public, bad ports, schemes.
it('corsim record in Chromium gives back what the check corpus holds', { timeout: 180000 }, async () => {
  await recordAndCompare('chromium', 'checks-chromium-156.jsonl', 12);
});

const hasFirefox = existsSync('/usr/bin/firefox-esr');
it('corsim record in Firefox ESR gives back what the Firefox corpus holds',
  { timeout: 180000, skip: !hasFirefox && 'firefox-esr is not installed' }, async () => {
    await recordAndCompare('firefox', 'firefox-153-public.jsonl');
  });
it('corsim record in Firefox ESR gives back what the Firefox check corpus holds',
  { timeout: 180000, skip: !hasFirefox && 'firefox-esr is not installed' }, async () => {
    await recordAndCompare('firefox', 'checks-firefox-153.jsonl', 12);
  });

const hasWebKit = spawnSync('/usr/bin/python3', ['-c', "import gi; gi.require_version('WebKit2', '4.1')"]).status === 0
  && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
it('corsim record in WebKitGTK gives back what the WebKit corpus holds',
  { timeout: 180000, skip: !hasWebKit && 'WebKitGTK for Python (gir1.2-webkit2-4.1, python3-gi) or xvfb-run is not installed' }, async () => {
    await recordAndCompare('webkit', 'webkit-2.50.6-public.jsonl');
  });
it('corsim record in WebKitGTK gives back what the WebKit check corpus holds',
  { timeout: 180000, skip: !hasWebKit && 'WebKitGTK for Python (gir1.2-webkit2-4.1, python3-gi) or xvfb-run is not installed' }, async () => {
    await recordAndCompare('webkit', 'checks-webkit-2.50.6.jsonl', 12);
  });
