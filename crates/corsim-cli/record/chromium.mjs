// corsim record's Chromium driver: Debian's chromium, headless, over the
// DevTools protocol (a WebSocket; no other dependency). Each scenario gets a
// fresh browser context (its own preflight cache and connections). Per step:
// the console lines (Log.entryAdded, in order, from the page and any frame
// it has) and every Network.loadingFailed's corsErrorStatus.corsError.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { job, emit, log, recordAll } from './common.mjs';

if (typeof WebSocket === 'undefined') {
  log('this node has no WebSocket (node 22, or node 20 with --experimental-websocket)');
  process.exit(2);
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// What the scenarios' world needs (record.rs's BrowserSetup): the
// throwaway certificate accepted, the scenarios' host names on 127.0.0.1,
// and loopback ports counted as public or local (Local Network Access).
const SETUP = [
  ...(job.tls ? ['--ignore-certificate-errors'] : []),
  ...(job.hosts?.length ? [`--host-resolver-rules=${job.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(',')}`] : []),
  ...(Object.keys(job.address_spaces ?? {}).length
    ? [`--ip-address-space-overrides=${Object.entries(job.address_spaces).map(([at, space]) => `${at}=${space}`).join(',')}`]
    : []),
];

const profile = mkdtempSync(join(tmpdir(), 'corsim-chromium-'));
const chromium = spawn(job.browser_path || '/usr/bin/chromium',
  [...FLAGS, ...SETUP, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
const exited = new Promise((r) => chromium.on('exit', r));
async function cleanup() {
  if (chromium.exitCode === null) chromium.kill();
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  try { rmSync(profile, { recursive: true, force: true, maxRetries: 5 }); } catch (e) { log(`could not remove ${profile}: ${e.message}`); }
}

const endpoint = await new Promise((resolve, reject) => {
  let text = '';
  chromium.stderr.on('data', (d) => {
    text += d;
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
    if (m) resolve(m[1]);
  });
  chromium.on('exit', (code) => reject(new Error(`chromium exited (${code}) before listening:\n${text}`)));
  setTimeout(() => reject(new Error("chromium did not listen within 30 s")), 30000).unref();
}).catch(async (e) => { log(e.message); await cleanup(); process.exit(2); });

/// A DevTools protocol connection: send(method, params, session) and events
/// routed to whoever listens for a session.
const ws = new WebSocket(endpoint);
await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
let nextId = 0;
const pending = new Map();
const listeners = new Map(); // sessionId -> (method, params) => void
ws.onmessage = (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.id !== undefined) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`)); else p.resolve(msg.result);
  } else {
    const l = listeners.get(msg.sessionId ?? '');
    if (l) l(msg.method, msg.params, msg.sessionId);
  }
};
function send(method, params = {}, sessionId) {
  const id = ++nextId;
  ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}

const version = await send('Browser.getVersion');
emit({ browser: `Chromium ${version.product.split('/')[1]}` });

async function open(scenario) {
  const { browserContextId } = await send('Target.createBrowserContext', { disposeOnDetach: true });
  // The page's Local Network Access permissions (Chromium 156 has one per
  // target space, `local-network` and `loopback-network`, beside the older
  // `local-network-access`); `prompt` is left as it is (headless Chromium
  // cannot ask, and refuses).
  if (scenario.local_network_access !== 'prompt') {
    for (const name of ['local-network-access', 'local-network', 'loopback-network']) {
      await send('Browser.setPermission', {
        permission: { name }, setting: scenario.local_network_access,
        origin: new URL(scenario.page).origin, browserContextId,
      });
    }
  }
  const { targetId } = await send('Target.createTarget', { url: 'about:blank', browserContextId });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  let consoleLines = [];
  let corsErrors = [];
  let issueErrors = [];
  let loaded;
  const sessions = [sessionId];
  const onEvent = (method, params, from) => {
    if (method === 'Log.entryAdded') {
      const e = params.entry;
      if (!(e.url || '').endsWith('/favicon.ico')) consoleLines.push(e.text);
    } else if (method === 'Network.loadingFailed') {
      if (params.corsErrorStatus) corsErrors.push(params.corsErrorStatus.corsError);
    } else if (method === 'Audits.issueAdded' && params.issue.code === 'CorsIssue') {
      // Failures decided before any request is sent (a mode the request
      // cannot have) come only as an issue, not as a failed load.
      const status = params.issue.details.corsIssueDetails?.corsErrorStatus;
      if (status) issueErrors.push(status.corsError);
    } else if (method === 'Page.loadEventFired' && from === sessionId) {
      loaded?.();
    } else if (method === 'Target.attachedToTarget') {
      // A frame in a process of its own (a sandboxed frame can be one):
      // listen to it too, before it runs.
      const child = params.sessionId;
      sessions.push(child);
      listeners.set(child, onEvent);
      Promise.all([send('Network.enable', {}, child), send('Log.enable', {}, child), send('Audits.enable', {}, child),
        send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, child)])
        .finally(() => send('Runtime.runIfWaitingForDebugger', {}, child).catch(() => {}));
    }
  };
  listeners.set(sessionId, onEvent);
  await Promise.all([send('Network.enable', {}, sessionId), send('Log.enable', {}, sessionId), send('Audits.enable', {}, sessionId),
    send('Page.enable', {}, sessionId), send('Runtime.enable', {}, sessionId),
    send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId)]);
  const load = new Promise((r) => { loaded = r; });
  await send('Page.navigate', { url: scenario.page }, sessionId);
  await load;
  return {
    async run(request, sandboxed) {
      const r = await send('Runtime.evaluate', {
        expression: `corsimStep(${JSON.stringify(request)}, ${JSON.stringify(sandboxed)})`,
        awaitPromise: true, returnByValue: true,
      }, sessionId);
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
      return r.result.value;
    },
    take() {
      // The failed loads' names first; the issues' when no load failed.
      const out = { console: consoleLines, cors_errors: [...corsErrors, ...issueErrors] };
      consoleLines = [];
      corsErrors = [];
      issueErrors = [];
      return out;
    },
    async close() {
      for (const s of sessions) listeners.delete(s);
      await send('Target.disposeBrowserContext', { browserContextId });
    },
  };
}

try {
  await recordAll(open);
} finally {
  await Promise.race([send('Browser.close').catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
  ws.close();
  await cleanup();
}
