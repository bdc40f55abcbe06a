// Reading a pasted `fetch(…)` call (DevTools' "Copy as fetch" or hand-written)
// or a `curl` command ("Copy as cURL", bash or plain) into the request editor's
// fields. Nothing here evaluates code: a tiny tokenizer reads the literals.

/** Headers "Copy as cURL" copies from what the browser sent that a page's
 * fetch() may set but did not (the browser's own defaults): left out of a
 * curl command's headers, and said so. Which headers fetch() cannot set at all
 * (forbidden request-headers) is the engine's to say: `isForbidden`. */
const CURL_COPIES = new Set(['user-agent', 'pragma', 'cache-control', 'accept-language', 'priority', 'upgrade-insecure-requests']);

function browserSet(name, value, fromCurl, isForbidden) {
  return isForbidden(name, String(value)) || (fromCurl && CURL_COPIES.has(name.toLowerCase()));
}

const AXIOS_CALL = /^(?:(?:const|let|var)\s+[\w${}\s,]+=\s*)?(await\s+)?axios(?:\.(get|delete|head|options|post|put|patch|request))?\s*\(/;

/** What the paste box holds: 'fetch', 'curl', 'axios', 'xhr' or null. */
export function detect(text) {
  const t = text.trim();
  if (/^(await\s+)?(window\.)?fetch\s*\(/.test(t)) return 'fetch';
  if (/^curl(\.exe)?\s/.test(t)) return 'curl';
  if (AXIOS_CALL.test(t)) return 'axios';
  if (/XMLHttpRequest/.test(t) && /\.open\s*\(/.test(t)) return 'xhr';
  return null;
}

/**
 * Read a pasted request. Returns
 * `{ kind, request: {url, method, headers: [[n, v]], mode?, credentials?, redirect?}, origin?, dropped: [names], notes: [] }`
 * or throws an Error saying what it could not read.
 */
export function parseRequest(text, isForbidden = () => false) {
  const kind = detect(text);
  if (kind === 'fetch') return parseFetch(text, isForbidden);
  if (kind === 'curl') return parseCurl(text, isForbidden);
  if (kind === 'axios') return parseAxios(text, isForbidden);
  if (kind === 'xhr') return parseXhr(text, isForbidden);
  throw new Error('paste a fetch(…) call, an axios call, XMLHttpRequest code or a curl command');
}

// ------------------------------------------------------------------ fetch(…)

class Reader {
  constructor(text) { this.s = text; this.i = 0; }
  ws() {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
      if (this.s.startsWith('//', this.i)) { const j = this.s.indexOf('\n', this.i); this.i = j < 0 ? this.s.length : j; continue; }
      if (this.s.startsWith('/*', this.i)) { const j = this.s.indexOf('*/', this.i + 2); this.i = j < 0 ? this.s.length : j + 2; continue; }
      return;
    }
  }
  peek() { this.ws(); return this.s[this.i]; }
  eat(c) { if (this.peek() === c) { this.i++; return true; } return false; }
  expect(c) { if (!this.eat(c)) throw new Error(`expected '${c}' at character ${this.i + 1}`); }
  string() {
    const q = this.s[this.i];
    let out = '';
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== q) {
      let c = this.s[this.i++];
      if (c === '\\') {
        const e = this.s[this.i++];
        const map = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', 0: '\0' };
        if (e in map) c = map[e];
        else if (e === 'x') { c = String.fromCharCode(parseInt(this.s.substr(this.i, 2), 16)); this.i += 2; }
        else if (e === 'u') {
          if (this.s[this.i] === '{') { const j = this.s.indexOf('}', this.i); c = String.fromCodePoint(parseInt(this.s.slice(this.i + 1, j), 16)); this.i = j + 1; }
          else { c = String.fromCharCode(parseInt(this.s.substr(this.i, 4), 16)); this.i += 4; }
        } else if (e === '\n') c = '';
        else c = e;
      } else if (q === '`' && c === '$' && this.s[this.i] === '{') {
        throw new Error('a template literal with ${…} cannot be read: write the value out');
      }
      out += c;
    }
    if (this.s[this.i] !== q) throw new Error('a string is not closed');
    this.i++;
    return out;
  }
  /** A literal value; anything else (a variable, a call) is skipped and read as `{ expr: text }`. */
  value() {
    const c = this.peek();
    if (c === '"' || c === "'" || c === '`') return this.string();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    const m = /^(-?\d+(\.\d+)?|true|false|null|undefined)\b/.exec(this.s.slice(this.i));
    if (m) { this.i += m[0].length; return m[1] === 'true' ? true : m[1] === 'false' ? false : m[1] === 'null' || m[1] === 'undefined' ? null : Number(m[1]); }
    const nh = /^new\s+Headers\s*\(/.exec(this.s.slice(this.i));
    if (nh) { this.i += nh[0].length; const v = this.peek() === ')' ? {} : this.value(); this.expect(')'); return v; }
    return { expr: this.skipExpr() };
  }
  skipExpr() {
    const start = this.i;
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"' || c === "'" || c === '`') { this.string(); continue; }
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) { if (depth === 0) break; depth--; }
      else if (c === ',' && depth === 0) break;
      this.i++;
    }
    return this.s.slice(start, this.i).trim();
  }
  key() {
    const c = this.peek();
    if (c === '"' || c === "'" || c === '`') return this.string();
    if (c === '[') { this.i++; const k = this.value(); this.expect(']'); return typeof k === 'string' ? k : String(k?.expr ?? k); }
    const m = /^[A-Za-z_$][\w$-]*/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`expected a property name at character ${this.i + 1}`);
    this.i += m[0].length;
    return m[0];
  }
  object() {
    this.expect('{');
    const out = [];
    while (!this.eat('}')) {
      if (this.s.startsWith('...', this.i)) { this.i += 3; this.skipExpr(); this.eat(','); continue; }
      const k = this.key();
      let v;
      if (this.eat(':')) v = this.value();
      else v = { expr: k }; // shorthand { headers }
      out.push([k, v]);
      if (!this.eat(',')) { this.expect('}'); break; }
    }
    return { entries: out };
  }
  array() {
    this.expect('[');
    const out = [];
    while (!this.eat(']')) {
      out.push(this.value());
      if (!this.eat(',')) { this.expect(']'); break; }
    }
    return out;
  }
}

function parseFetch(text, isForbidden) {
  const r = new Reader(text.trim());
  const m = /^(await\s+)?(window\.)?fetch\s*\(/.exec(r.s);
  r.i = m[0].length;
  const urlValue = r.value();
  if (typeof urlValue !== 'string') throw new Error('the first argument of fetch() must be a string literal (the URL)');
  const out = { kind: 'fetch', request: { url: urlValue, method: 'GET', headers: [] }, dropped: [], notes: [] };
  let init = null;
  if (r.eat(',')) {
    if (r.peek() !== ')') init = r.value();
  }
  if (init && init.entries) {
    for (const [k, v] of init.entries) {
      switch (k) {
        case 'method': if (typeof v === 'string') out.request.method = v; break;
        case 'mode': if (typeof v === 'string' && v !== 'navigate') out.request.mode = v; break;
        case 'credentials': if (typeof v === 'string') out.request.credentials = v; break;
        case 'redirect': if (typeof v === 'string') out.request.redirect = v; break;
        case 'headers': readHeaders(v, out, false, isForbidden); break;
        case 'referrer':
          if (typeof v === 'string') {
            try { const o = new URL(v).origin; if (o !== 'null') out.origin = o; } catch { /* not a URL: about:client */ }
          }
          break;
        default: break;
      }
    }
  } else if (init && init.expr) {
    out.notes.push(`the options (${init.expr}) are a variable: fill in method and headers by hand`);
  }
  return out;
}

// ------------------------------------------------------------------ axios, XMLHttpRequest

/** An axios call: axios(config), axios.request(config), axios.get(url, config),
 * axios.post(url, data, config). In the browser axios sends with
 * XMLHttpRequest; its own defaults (Accept, a JSON or form Content-Type for
 * the data) are added as axios adds them. */
function parseAxios(text, isForbidden) {
  const r = new Reader(text.trim());
  const m = AXIOS_CALL.exec(r.s);
  r.i = m[0].length;
  const verb = m[2];
  const out = { kind: 'axios', request: { initiator: 'xhr', url: '', method: 'GET', headers: [] }, dropped: [], notes: [] };
  let config = null;
  let data;
  if (!verb || verb === 'request') {
    config = r.value();
  } else {
    const url = r.value();
    if (typeof url !== 'string') throw new Error(`the first argument of axios.${verb}() must be a string literal (the URL)`);
    out.request.url = url;
    out.request.method = verb.toUpperCase();
    if (r.eat(',') && r.peek() !== ')') {
      if (['post', 'put', 'patch'].includes(verb)) {
        data = r.value();
        if (r.eat(',') && r.peek() !== ')') config = r.value();
      } else {
        config = r.value();
      }
    }
  }
  const headers = [['Accept', 'application/json, text/plain, */*']];
  let given = null;
  if (config && config.entries) {
    for (const [k, v] of config.entries) {
      if (k === 'url' && typeof v === 'string') out.request.url = v;
      else if (k === 'method' && typeof v === 'string') out.request.method = v.toUpperCase();
      else if (k === 'data') data = v;
      else if (k === 'withCredentials' && v === true) out.request.credentials = 'include';
      else if (k === 'headers') given = v;
      else if (k === 'onUploadProgress') out.request.upload_listener = true;
    }
  } else if (config && config.expr) {
    out.notes.push(`the config (${config.expr}) is a variable: fill in headers and withCredentials by hand`);
  }
  if (!out.request.url) throw new Error('no URL: give axios a string literal url');
  if (data !== undefined && data !== null && !['GET', 'HEAD'].includes(out.request.method)) {
    // axios's transformRequest: an object is sent as JSON, a string as a form.
    headers.push(['Content-Type', typeof data === 'string' ? 'application/x-www-form-urlencoded' : 'application/json']);
    out.request.body = typeof data === 'string' ? data : '{}';
  }
  const sub = { request: { headers: [] }, notes: out.notes, dropped: out.dropped };
  if (given) readHeaders(given, sub, false, isForbidden);
  for (const [n, v] of sub.request.headers) {
    const at = headers.findIndex(([h]) => h.toLowerCase() === n.toLowerCase());
    if (at >= 0) headers[at] = [n, v]; else headers.push([n, v]);
  }
  out.request.headers = headers;
  out.notes.push('axios sends with XMLHttpRequest in the browser');
  if (out.request.upload_listener) out.notes.push('onUploadProgress adds an upload listener, which can force a preflight: the editor has no body, so check it with corsim explain --initiator xhr --upload-listener --body …');
  return out;
}

/** XMLHttpRequest code: open(method, url), setRequestHeader(name, value)
 * calls, withCredentials = true, a listener on xhr.upload. */
function parseXhr(text, isForbidden) {
  const out = { kind: 'xhr', request: { initiator: 'xhr', url: '', method: 'GET', headers: [] }, dropped: [], notes: [] };
  const open = /\.open\s*\(\s*(['"`])([^'"`]*)\1\s*,\s*(['"`])([^'"`]*)\3/.exec(text);
  if (!open) throw new Error("no xhr.open('METHOD', 'URL') with string literals");
  out.request.method = open[2];
  out.request.url = open[4];
  for (const h of text.matchAll(/\.setRequestHeader\s*\(\s*(['"`])([^'"`]*)\1\s*,\s*(['"`])([^'"`]*)\3/g)) {
    if (isForbidden(h[2], h[4])) { out.dropped.push(h[2].toLowerCase()); continue; }
    out.request.headers.push([h[2], h[4]]);
  }
  if (/\.withCredentials\s*=\s*true/.test(text)) out.request.credentials = 'include';
  if (/\.upload\s*\.\s*(on\w+\s*=|addEventListener\s*\()/.test(text)) {
    out.request.upload_listener = true;
    out.notes.push('an upload listener can force a preflight: the editor has no body, so check it with corsim explain --initiator xhr --upload-listener --body …');
  }
  return out;
}

function readHeaders(v, out, fromCurl, isForbidden) {
  let pairs = [];
  if (v && v.entries) pairs = v.entries.map(([k, val]) => [k, val]);
  else if (Array.isArray(v)) pairs = v.filter(Array.isArray).map((p) => [p[0], p[1]]);
  else if (v && v.expr) { out.notes.push(`the headers (${v.expr}) are a variable: fill them in by hand`); return; }
  for (const [name, value] of pairs) {
    if (typeof name !== 'string') continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      out.notes.push(`header ${name}: its value is an expression; fill it in by hand`);
      out.request.headers.push([name, '']);
      continue;
    }
    if (browserSet(name, value, fromCurl, isForbidden)) { out.dropped.push(name.toLowerCase()); continue; }
    out.request.headers.push([name, String(value)]);
  }
}

// ------------------------------------------------------------------ curl

/** Split a shell command line into words: '…', "…", $'…', backslashes, line continuations. */
export function shellWords(text) {
  const s = text.replace(/\\\r?\n/g, ' ').replace(/\^\r?\n/g, ' ');
  const words = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    let w = '';
    let any = false;
    while (i < s.length && !/\s/.test(s[i])) {
      any = true;
      const c = s[i];
      if (c === "'") {
        const j = s.indexOf("'", i + 1);
        if (j < 0) throw new Error('a quoted string is not closed');
        w += s.slice(i + 1, j);
        i = j + 1;
      } else if (c === '$' && s[i + 1] === "'") {
        i += 2;
        while (i < s.length && s[i] !== "'") {
          if (s[i] === '\\') {
            const e = s[i + 1];
            const map = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };
            if (e in map) { w += map[e]; i += 2; }
            else if (e === 'x') { w += String.fromCharCode(parseInt(s.substr(i + 2, 2), 16)); i += 4; }
            else if (e === 'u') { w += String.fromCharCode(parseInt(s.substr(i + 2, 4), 16)); i += 6; }
            else { w += e; i += 2; }
          } else w += s[i++];
        }
        if (s[i] !== "'") throw new Error('a quoted string is not closed');
        i++;
      } else if (c === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && '"\\$`'.includes(s[i + 1])) { w += s[i + 1]; i += 2; }
          else if (s[i] === '^' && s[i + 1] === '"') { w += '"'; i += 2; } // cmd.exe copies
          else w += s[i++];
        }
        if (s[i] !== '"') throw new Error('a quoted string is not closed');
        i++;
      } else if (c === '\\') {
        w += s[i + 1] ?? '';
        i += 2;
      } else if (c === '^' && i + 1 < s.length) { // cmd.exe escape
        w += s[i + 1];
        i += 2;
      } else {
        w += c;
        i++;
      }
    }
    if (any) words.push(w);
  }
  return words;
}

const CURL_WITH_ARG = new Set([
  '-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-ascii',
  '--data-urlencode', '--json', '-u', '--user', '-b', '--cookie', '-e', '--referer', '-A', '--user-agent',
  '-o', '--output', '-F', '--form', '--url', '-m', '--max-time', '--connect-timeout', '-x', '--proxy',
  '-c', '--cookie-jar', '--resolve', '--cacert', '--cert', '--key', '-w', '--write-out', '-T', '--upload-file',
  '--retry', '-r', '--range', '--limit-rate', '--max-redirs',
]);

function parseCurl(text, isForbidden) {
  const words = shellWords(text.trim());
  words.shift(); // curl
  const out = { kind: 'curl', request: { url: '', method: '', headers: [] }, dropped: [], notes: [] };
  const headers = [];
  let body = false;
  let head = false;
  let get = false;
  let cookie = false;
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    let arg = null;
    const eq = w.startsWith('--') ? w.indexOf('=') : -1;
    if (eq > 0 && CURL_WITH_ARG.has(w.slice(0, eq))) { arg = w.slice(eq + 1); w = w.slice(0, eq); }
    else if (/^-[A-Za-z]./.test(w) && CURL_WITH_ARG.has(w.slice(0, 2))) { arg = w.slice(2); w = w.slice(0, 2); }
    const take = () => { if (arg !== null) return arg; i++; if (i >= words.length) throw new Error(`${w} needs a value`); return words[i]; };
    switch (w) {
      case '-X': case '--request': out.request.method = take(); break;
      case '-H': case '--header': {
        const h = take();
        const c = h.indexOf(':');
        if (c <= 0) { if (h.endsWith(';')) headers.push([h.slice(0, -1), '']); break; }
        headers.push([h.slice(0, c).trim(), h.slice(c + 1).trim()]);
        break;
      }
      case '-d': case '--data': case '--data-raw': case '--data-binary': case '--data-ascii': case '--data-urlencode':
      case '-F': case '--form': case '-T': case '--upload-file':
        take(); body = true; break;
      case '--json': take(); body = true; headers.push(['Content-Type', 'application/json'], ['Accept', 'application/json']); break;
      case '-u': case '--user': headers.push(['Authorization', 'Basic ' + btoa(take())]); break;
      case '-b': case '--cookie': take(); cookie = true; break;
      case '-e': case '--referer': {
        const v = take();
        try { out.origin = new URL(v).origin; } catch { /* ignore */ }
        break;
      }
      case '-A': case '--user-agent': take(); out.dropped.push('user-agent'); break;
      case '-r': case '--range': headers.push(['Range', 'bytes=' + take()]); break;
      case '--url': out.request.url = take(); break;
      case '-I': case '--head': head = true; break;
      case '-G': case '--get': get = true; break;
      default:
        if (CURL_WITH_ARG.has(w)) { take(); break; }
        if (w.startsWith('-') && w.length > 1) break; // flags: --compressed, -s, -L, -k, -i, -v …
        if (!out.request.url) out.request.url = w;
    }
  }
  if (!out.request.url) throw new Error('no URL in the curl command');
  if (!/^[a-z][a-z0-9+.-]*:/i.test(out.request.url)) out.request.url = 'http://' + out.request.url;
  for (const [name, value] of headers) {
    const n = name.toLowerCase();
    if (n === 'origin') { out.origin = value; out.dropped.push(n); continue; }
    if (n === 'referer' && !out.origin) { try { out.origin = new URL(value).origin; } catch { /* ignore */ } }
    if (n === 'cookie') cookie = true;
    if (browserSet(name, value, true, isForbidden)) { out.dropped.push(n); continue; }
    out.request.headers.push([name, value]);
  }
  if (!out.request.method) out.request.method = head ? 'HEAD' : body && !get ? 'POST' : 'GET';
  if (cookie) {
    out.request.credentials = 'include';
    out.notes.push("it sends cookies: read as credentials: 'include'");
  }
  out.dropped = [...new Set(out.dropped)];
  return out;
}
