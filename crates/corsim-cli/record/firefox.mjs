// corsim record's Firefox driver: Debian's firefox-esr, headless, over
// WebDriver BiDi (a WebSocket; no other dependency). Each scenario gets a
// fresh user context. Per step: the console lines (log.entryAdded, in
// order). Firefox names its CORS failures only by the message template it
// fills in, so the driver also hands over the templates of its own
// security.properties (read from its omni.ja), from which corsim record
// names each message.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { job, emit, log, recordAll } from './common.mjs';

if (typeof WebSocket === 'undefined') {
  log('this node has no WebSocket (node 22, or node 20 with --experimental-websocket)');
  process.exit(2);
}

const binary = job.browser_path || '/usr/bin/firefox-esr';

/// One file of a zip archive (omni.ja is one), found through its central directory.
function unzipOne(archive, name) {
  const buf = readFileSync(archive);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${archive}: not a zip archive`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count && buf.readUInt32LE(at) === 0x02014b50; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    if (buf.toString('utf8', at + 46, at + 46 + nameLen) === name) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      return method === 8 ? inflateRawSync(data) : data;
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${archive}: no ${name}`);
}

/// A .properties file's messages by key.
function properties(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i].trim();
    if (!line || line.startsWith('#') || !line.includes('=')) continue;
    const eq = line.indexOf('=');
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim()
      .replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
  return out;
}

const templates = properties(String(unzipOne(join(dirname(realpathSync(binary)), 'omni.ja'),
  'chrome/en-US/locale/en-US/global/security/security.properties')));

const profile = mkdtempSync(join(tmpdir(), 'corsim-firefox-'));
// Nothing but the page's own requests on the network.
writeFileSync(join(profile, 'user.js'), [
  'user_pref("browser.shell.checkDefaultBrowser", false);',
  'user_pref("app.update.enabled", false);',
  'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
  'user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);',
  'user_pref("browser.aboutwelcome.enabled", false);',
  // What the scenarios' world needs (record.rs's BrowserSetup): their host
  // names on loopback, and loopback ports counted as public or local (Local
  // Network Access). The throwaway certificate is accepted through the
  // session's acceptInsecureCerts.
  ...(job.hosts?.length ? [`user_pref("network.dns.localDomains", ${JSON.stringify(job.hosts.join(','))});`] : []),
  ...['public', 'local'].flatMap((space) => {
    const at = Object.entries(job.address_spaces ?? {}).filter(([, s]) => s === space).map(([a]) => a);
    return at.length ? [`user_pref("network.lna.address_space.${space === 'local' ? 'private' : space}.override", ${JSON.stringify(at.join(','))});`] : [];
  }),
].join('\n') + '\n');
const firefox = spawn(binary, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
const exited = new Promise((r) => firefox.on('exit', r));
async function cleanup() {
  if (firefox.exitCode === null) firefox.kill();
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  try { rmSync(profile, { recursive: true, force: true, maxRetries: 5 }); } catch (e) { log(`could not remove ${profile}: ${e.message}`); }
}

const endpoint = await new Promise((resolve, reject) => {
  let text = '';
  firefox.stderr.on('data', (d) => {
    text += d;
    const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(text);
    if (m) resolve(m[1]);
  });
  firefox.on('exit', (code) => reject(new Error(`firefox exited (${code}) before listening:\n${text}`)));
  setTimeout(() => reject(new Error('firefox did not listen within 60 s')), 60000).unref();
}).catch(async (e) => { log(e.message); await cleanup(); process.exit(2); });

const ws = new WebSocket(`${endpoint}/session`);
await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
let nextId = 0;
const pending = new Map();
let onEvent = () => {};
ws.onmessage = (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.type === 'event') { onEvent(msg.method, msg.params); return; }
  const p = pending.get(msg.id);
  if (!p) return;
  pending.delete(msg.id);
  if (msg.type === 'error') p.reject(new Error(`${p.method}: ${msg.error}: ${msg.message}`)); else p.resolve(msg.result);
};
function send(method, params = {}) {
  const id = ++nextId;
  ws.send(JSON.stringify({ id, method, params }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}

const session = await send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: !!job.tls } } });
// `--version` names the ESR as such ("Mozilla Firefox 153.8.0esr"); BiDi does not.
const named = /Firefox (\S+)/.exec(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout || '');
emit({ browser: `Firefox ${named ? named[1] : session.capabilities.browserVersion}`, templates });
await send('session.subscribe', { events: ['log.entryAdded'] });

let consoleLines = [];
onEvent = (method, params) => {
  if (method === 'log.entryAdded') consoleLines.push(params.text);
};

async function open(scenario) {
  const { userContext } = await send('browser.createUserContext', {});
  // The page's Local Network Access permissions (Firefox has one per target
  // space); `prompt` is left as it is.
  if (scenario.local_network_access !== 'prompt') {
    for (const name of ['local-network', 'loopback-network']) {
      await send('permissions.setPermission', {
        descriptor: { name }, state: scenario.local_network_access, origin: new URL(scenario.page).origin, userContext,
      });
    }
  }
  const { context } = await send('browsingContext.create', { type: 'tab', userContext });
  await send('browsingContext.navigate', { context, url: scenario.page, wait: 'complete' });
  return {
    async run(request, sandboxed) {
      const r = await send('script.evaluate', {
        expression: `corsimStep(${JSON.stringify(request)}, ${JSON.stringify(sandboxed)}).then(JSON.stringify)`,
        target: { context }, awaitPromise: true, resultOwnership: 'none',
      });
      if (r.type === 'exception') throw new Error(r.exceptionDetails.text);
      return JSON.parse(r.result.value);
    },
    take() {
      const out = { console: consoleLines, cors_errors: [] };
      consoleLines = [];
      return out;
    },
    async close() {
      await send('browsingContext.close', { context });
      await send('browser.removeUserContext', { userContext });
    },
  };
}

try {
  await recordAll(open);
} finally {
  await Promise.race([send('browser.close').catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
  ws.close();
  await cleanup();
}
