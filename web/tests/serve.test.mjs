// `corsim serve` in a real browser: a sample of the recorded Chromium
// scenarios (every category) is served on free loopback ports, headless
// Chromium runs them through the served page, and what Chromium does must
// equal both the recording and corsim's prediction. This keeps corsim honest
// as Chromium changes.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { WEB_ROOT } from './server.mjs';

const ROOT = join(WEB_ROOT, '..');
const CORSIM = join(ROOT, 'target', 'debug', 'corsim');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PER_CATEGORY = 4;

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

let served, browser, dir, sample;

before(async () => {
  if (!existsSync(CORSIM)) execFileSync('cargo', ['build', '-q', '-p', 'corsim-cli'], { cwd: ROOT, stdio: 'inherit' });
  const ports = [await freePort(), await freePort(), await freePort()];
  const rewrite = (line) => line.replaceAll(':8001', `:${ports[0]}`).replaceAll(':8002', `:${ports[1]}`).replaceAll(':8003', `:${ports[2]}`);
  const lines = readFileSync(join(ROOT, 'tests', 'corpus', 'chromium-156-public.jsonl'), 'utf8').split('\n').filter(Boolean);
  const perCategory = {};
  sample = [];
  for (const line of lines) {
    const s = JSON.parse(line);
    const category = s.id.split('-')[1];
    const slow = s.steps.some((st) => st.at_ms > 2000);
    if (slow || (perCategory[category] || 0) >= PER_CATEGORY) continue;
    perCategory[category] = (perCategory[category] || 0) + 1;
    sample.push(JSON.parse(rewrite(line)));
  }
  dir = mkdtempSync(join(tmpdir(), 'corsim-serve-'));
  const file = join(dir, 'sample.jsonl');
  writeFileSync(file, sample.map((s) => JSON.stringify(s)).join('\n') + '\n');
  served = spawn(CORSIM, ['serve', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    served.stdout.on('data', (d) => { if (String(d).includes('Open ')) resolve(); });
    served.on('exit', (code) => reject(new Error(`corsim serve exited with ${code}`)));
  });
  served.page = `http://127.0.0.1:${ports[0]}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  await browser?.close();
  served?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('Chromium, driven through corsim serve, does what it recorded and what corsim predicts', { timeout: 240000 }, async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(served.page);
  await page.click('#all');
  await page.waitForSelector('html[data-done="true"]', { timeout: 220000 });
  const results = await page.evaluate(() => window.corsimResults);
  const problems = [];
  for (const s of sample) {
    const got = results[s.id];
    if (!got) { problems.push(`${s.id}: no result`); continue; }
    // What script got, step by step, against the recording.
    s.expect.forEach((want, i) => {
      const g = got.steps[i]?.result;
      const same = g && g.type === want.result.type &&
        (want.result.type === 'error' || (g.status === want.result.status && JSON.stringify(g.headers) === JSON.stringify(want.result.headers)));
      if (!same) problems.push(`${s.id} step ${i}: Chromium gave ${JSON.stringify(g)}, the recording ${JSON.stringify(want.result)}`);
    });
    // What the server saw, against the recording.
    const saw = got.saw.map((r) => `${r.method} ${r.url} ${JSON.stringify(r.headers)}`);
    const recorded = s.expect.flatMap((e) => e.server_saw).map((r) => `${r.method} ${r.url} ${JSON.stringify(r.headers)}`);
    if (JSON.stringify(saw) !== JSON.stringify(recorded)) problems.push(`${s.id}: the server saw\n  ${saw.join('\n  ')}\nthe recording\n  ${recorded.join('\n  ')}`);
    // And corsim's prediction, which the page compared.
    if (!got.agree) problems.push(`${s.id}: the page says Chromium and corsim's prediction differ`);
  }
  assert.ok(sample.length >= 30, `a sample from every category (${sample.length})`);
  assert.deepEqual(problems, [], problems.join('\n'));
});
