// The fix: when the engine's own `explain` is in the wasm build, its fix
// (header changes verified by the engine, configs for eleven servers) is
// shown. Otherwise this derives one the same way, in the page: answer each
// failure in turn with the smallest safe header change, run the engine again
// with it applied, and repeat until script can read the response.
// Safe means: an explicit origin, never '*' with credentials, Vary: Origin.

import { checkOf } from './engine.js';

const lower = (s) => String(s).toLowerCase();
const SAFE_METHODS = ['GET', 'HEAD', 'POST'];

function tokens(v) {
  return String(v || '').split(',').map((t) => t.trim()).filter(Boolean);
}

function getAll(headers, name) {
  return headers.filter(([n]) => lower(n) === lower(name)).map(([, v]) => v);
}

function setHeader(part, name, value) {
  const before = getAll(part.headers, name);
  const at = part.headers.findIndex(([n]) => lower(n) === lower(name));
  part.headers = part.headers.filter(([n]) => lower(n) !== lower(name));
  if (value !== null) part.headers.splice(at < 0 ? part.headers.length : at, 0, [name, value]);
  return before.length ? before.join(', ') : null;
}

function resolveUrl(location, base) {
  try {
    return new URL(location, base).href;
  } catch {
    return null;
  }
}

/**
 * Derive a fix for `request` from `origin` against `server` (a FORMAT.md
 * server map) in `profile`. `run(request, server)` runs one fetch and
 * returns { verdict, responses }.
 * Returns { summary, patches: [{url, preflight, status: {from, to} | null, headers: [{name, from, to, why}]}],
 *           requestChange: {url?, mode?, why: []} | null, verified, verification, notes, policy }.
 */
export function deriveFix({ origin, request, server }, run) {
  const srv = structuredClone(server);
  const req = { ...request, headers: request.headers.map((h) => [...h]) };
  const patches = [];
  const notes = [];
  let requestChange = null;
  const include = (req.credentials || 'same-origin') === 'include';
  const policy = { origin, methods: [], headers: [], credentials: include, preflight: false, duplicate: false, preflightStatus: null, preflightRedirect: false, expose: [] };

  const patchFor = (url, preflight, method) => {
    let p = patches.find((x) => x.url === url && x.preflight === preflight);
    if (!p) {
      p = { url, preflight, method, status: null, headers: [] };
      patches.push(p);
    }
    return p;
  };
  const change = (p, part, name, to, why) => {
    const from = setHeader(part, name, to);
    if (from === to) return;
    const existing = p.headers.find((c) => lower(c.name) === lower(name));
    if (existing) { existing.to = to; existing.why = why; } else p.headers.push({ name, from, to, why });
  };

  let last = null;
  let done = false;
  for (let round = 0; round < 12 && !done; round++) {
    last = run(req, srv);
    const v = last.verdict;
    if (v.events.some((e) => e.event === 'routed' && e.route.route === 'preflight')) policy.preflight = true;
    if (v.ok) {
      const type = v.response.type;
      if (type === 'opaque' && req.mode === 'no-cors') {
        requestChange = requestChange || { why: [] };
        requestChange.mode = 'cors';
        requestChange.why.push("mode: 'no-cors' makes the response opaque: script can never read it. Use mode: 'cors' and let the server allow the origin.");
        req.mode = 'cors';
        continue;
      }
      if (type === 'opaqueredirect') {
        notes.push("redirect: 'manual' gives an opaqueredirect response by design: follow the redirect (redirect: 'follow') to read the final response.");
      }
      done = true;
      break;
    }
    const f = v.failure;
    const reason = f.reason;
    if (reason.kind !== 'cors') {
      if (reason.kind === 'type-error') notes.push(`fetch() rejects before sending anything: ${reason.message} This is a bug in the page's fetch() call, not in the server.`);
      else if (reason.kind === 'redirect-mode-error') {
        requestChange = requestChange || { why: [] };
        const loc = resolveUrl(f.redirectLocation || '', f.url);
        if (loc) {
          requestChange.url = loc;
          requestChange.why.push(`the URL redirects to ${loc}; with redirect: 'error' request the final URL directly.`);
          req.url = loc;
          continue;
        }
        notes.push("redirect: 'error' fails on any redirect: request the final URL, or use redirect: 'follow'.");
      } else notes.push(`the fetch fails for a reason that is not CORS (${reason.kind}): no response header can change that.`);
      break;
    }
    const err = reason.error;
    const url = f.url.split('#')[0];
    const pre = f.preflight;
    srv[url] = srv[url] || {};
    const entry = srv[url];
    const part = pre ? (entry.preflight = entry.preflight || { status: 204, headers: [] }) : (entry.actual = entry.actual || { status: 200, headers: [] });
    const sentReq = v.requests[v.requests.length - 1];
    const p = patchFor(url, pre, pre ? 'OPTIONS' : sentReq?.method || req.method);
    const originSent = getAll(sentReq?.headers || [], 'origin')[0] || origin;
    const check = checkOf(err);
    switch (check) {
      case 'origin': {
        const value = originSent === 'null' && !include ? '*' : originSent;
        const before = getAll(part.headers, 'access-control-allow-origin');
        if (before.length > 1) policy.duplicate = true;
        const why = before.length > 1 ? `it was sent ${before.length} times (two layers both add it, e.g. a proxy and the app): send it once`
          : before.length === 0 ? 'absent: the response must name the origin'
            : before[0] === '*' ? "'*' cannot be used with credentials: name the origin"
              : `'${before[0]}' is not the origin '${originSent}'`;
        change(p, part, 'Access-Control-Allow-Origin', value, why);
        if (value !== '*') {
          const vary = getAll(part.headers, 'vary').join(', ');
          if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) change(p, part, 'Vary', vary ? `${vary}, Origin` : 'Origin', 'the answer depends on the Origin: caches must keep answers per origin');
        }
        break;
      }
      case 'credentials':
        change(p, part, 'Access-Control-Allow-Credentials', 'true', "credentials: 'include' needs Access-Control-Allow-Credentials: true");
        break;
      case 'status': {
        const from = part.status;
        part.status = 204;
        p.status = { from: p.status?.from ?? from, to: 204 };
        policy.preflightStatus = from;
        notes.push(from === 401 || from === 403
          ? `the preflight got ${from}: a preflight never carries credentials or Authorization, so answer OPTIONS before the auth check.`
          : `the preflight got ${from}: the server needs to answer OPTIONS for this URL (a route, or CORS middleware that runs before routing).`);
        break;
      }
      case 'methods': {
        const method = (sentReq && getAll(sentReq.headers, 'access-control-request-method')[0]) || req.method;
        const have = tokens(getAll(part.headers, 'access-control-allow-methods').join(','));
        const valid = !/Invalid/.test(err);
        const list = [...new Set([...(valid ? have.filter((m) => m !== '*' || !include) : []), method])];
        change(p, part, 'Access-Control-Allow-Methods', list.join(', '), valid ? `${method} is not allowed` : 'the value cannot be parsed');
        if (!SAFE_METHODS.includes(method)) policy.methods = [...new Set([...policy.methods, method])];
        break;
      }
      case 'headers': {
        const asked = tokens(sentReq ? getAll(sentReq.headers, 'access-control-request-headers').join(',') : '');
        const have = tokens(getAll(part.headers, 'access-control-allow-headers').join(','));
        const valid = !/Invalid/.test(err);
        const list = [...new Set([...(valid ? have : []), ...asked.map(lower)])];
        change(p, part, 'Access-Control-Allow-Headers', list.join(', '), valid ? `${reason.failedParameter || asked.join(', ')} is not allowed` : 'the value cannot be parsed');
        policy.headers = [...new Set([...policy.headers, ...asked.map(lower)])];
        break;
      }
      case 'redirect': {
        if (err === 'PreflightDisallowedRedirect') {
          const loc = resolveUrl(getAll(part.headers, 'location')[0] || '', url);
          policy.preflightRedirect = true;
          if (loc && loc !== url) {
            requestChange = requestChange || { why: [] };
            requestChange.url = loc;
            requestChange.why.push(`the preflight to ${url} is redirected to ${loc}, and a preflight is never redirected: request ${loc} directly (or stop redirecting OPTIONS).`);
            req.url = loc;
            continue;
          }
          p.status = { from: part.status, to: 204 };
          part.status = 204;
          setHeader(part, 'Location', null);
          continue;
        }
        notes.push(`${err}: no response header can fix this; change the request.`);
        done = true;
        break;
      }
      default: break;
    }
  }
  const verified = !!(last && last.verdict.ok && ['cors', 'basic'].includes(last.verdict.response.type));
  if (!policy.methods.length && !SAFE_METHODS.includes(req.method.toUpperCase())) policy.methods = [req.method.toUpperCase()];
  const kept = patches.filter((p) => p.status || p.headers.length);
  patches.length = 0;
  patches.push(...kept);
  const parts = [];
  for (const p of patches) {
    const what = [];
    if (p.status) what.push(`status ${p.status.to} instead of ${p.status.from}`);
    for (const c of p.headers) what.push(c.to === null ? `no ${c.name}` : `${c.name}: ${c.to}`);
    if (what.length) parts.push(`the ${p.preflight ? 'preflight (OPTIONS)' : p.method} answer for ${p.url} needs ${what.join(', ')}`);
  }
  if (requestChange) parts.unshift(`the page must change its fetch(): ${[requestChange.url && `url '${requestChange.url}'`, requestChange.mode && `mode '${requestChange.mode}'`].filter(Boolean).join(', ')}`);
  const summary = parts.length ? parts.join('; ') + '.' : notes.length ? '' : 'Nothing to change.';
  return {
    summary: summary ? summary[0].toUpperCase() + summary.slice(1) : '',
    patches,
    requestChange,
    verified,
    verification: verified ? 'corsim ran the request again with this fix: script can read the response.' : 'corsim ran the request again with this fix, and it still fails: see the notes.',
    notes,
    policy,
    source: 'page',
  };
}

// ------------------------------------------------------------------ configs

const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const dq = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The configuration that produces the fixed answers, for one server family. */
export function configFor(family, p, path = '/') {
  const methods = p.methods.length ? p.methods : [];
  const allMethods = [...new Set(['GET', 'HEAD', 'POST', ...methods])];
  const maxAge = p.preflight ? 600 : null;
  const originVal = p.origin;
  switch (family) {
    case 'Express': return {
      language: 'js',
      snippet: `const cors = require('cors');

app.use(cors({
  origin: [${q(originVal)}],   // an allow-list: never reflect any origin${methods.length ? `\n  methods: [${allMethods.map(q).join(', ')}],` : ''}${p.headers.length ? `\n  allowedHeaders: [${p.headers.map(q).join(', ')}],` : ''}${p.credentials ? '\n  credentials: true,' : ''}${maxAge ? `\n  maxAge: ${maxAge},` : ''}
}));   // before the routes, so OPTIONS is answered (204) before any auth${p.duplicate ? "\n// and remove the Access-Control-* headers your proxy adds (one layer only)" : ''}`,
    };
    case 'nginx': {
      const ind = '        ';
      const pre = [
        `add_header Access-Control-Allow-Origin ${dq(originVal)} always;`,
        p.credentials && 'add_header Access-Control-Allow-Credentials "true" always;',
        `add_header Access-Control-Allow-Methods ${dq(allMethods.join(', '))} always;`,
        p.headers.length && `add_header Access-Control-Allow-Headers ${dq(p.headers.join(', '))} always;`,
        maxAge && `add_header Access-Control-Max-Age ${maxAge} always;`,
        'add_header Vary Origin always;',
      ].filter(Boolean);
      const act = [
        `add_header Access-Control-Allow-Origin ${dq(originVal)} always;`,
        p.credentials && 'add_header Access-Control-Allow-Credentials "true" always;',
        'add_header Vary Origin always;',
      ].filter(Boolean);
      return {
        language: 'nginx',
        snippet: `location ${path} {
${p.preflight ? `    if ($request_method = OPTIONS) {\n${pre.map((l) => ind + l).join('\n')}\n        return 204;\n    }\n` : ''}${act.map((l) => '    ' + l).join('\n')}
    # one layer only: drop the app's copies so the header is not sent twice
    proxy_hide_header Access-Control-Allow-Origin;
    proxy_hide_header Access-Control-Allow-Credentials;
    proxy_pass http://app;
}`,
      };
    }
    case 'Apache': return {
      language: 'apache',
      snippet: `<IfModule mod_headers.c>
    Header always set Access-Control-Allow-Origin ${dq(originVal)}${p.credentials ? '\n    Header always set Access-Control-Allow-Credentials "true"' : ''}${p.preflight ? `\n    Header always set Access-Control-Allow-Methods ${dq(allMethods.join(', '))}` : ''}${p.headers.length ? `\n    Header always set Access-Control-Allow-Headers ${dq(p.headers.join(', '))}` : ''}${maxAge ? `\n    Header always set Access-Control-Max-Age "${maxAge}"` : ''}
    Header always merge Vary Origin
</IfModule>${p.preflight ? '\n# answer the preflight itself, before auth and redirects\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^ - [R=204,L]' : ''}`,
    };
    case 'FastAPI': return {
      language: 'python',
      snippet: `from fastapi.middleware.cors import CORSMiddleware

app.add_middleware(
    CORSMiddleware,
    allow_origins=[${dq(originVal)}],
    allow_credentials=${p.credentials ? 'True' : 'False'},
    allow_methods=[${allMethods.map(dq).join(', ')}],
    allow_headers=[${p.headers.map(dq).join(', ')}],${maxAge ? `\n    max_age=${maxAge},` : ''}
)`,
    };
    case 'Django': {
      const extraHeaders = p.headers.filter((h) => !['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', 'x-requested-with'].includes(h));
      return {
        language: 'python',
        snippet: `# settings.py  (pip install django-cors-headers)
INSTALLED_APPS = [..., "corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", ...]   # first, above CommonMiddleware

CORS_ALLOWED_ORIGINS = [${dq(originVal)}]${p.credentials ? '\nCORS_ALLOW_CREDENTIALS = True' : ''}${extraHeaders.length ? `\nfrom corsheaders.defaults import default_headers\nCORS_ALLOW_HEADERS = (*default_headers, ${extraHeaders.map(dq).join(', ')})` : ''}${p.preflightRedirect ? '\nAPPEND_SLASH = False   # or request the URL with its trailing slash' : ''}`,
      };
    }
    case 'Flask': return {
      language: 'python',
      snippet: `from flask_cors import CORS

CORS(app,
     origins=[${dq(originVal)}],
     methods=[${allMethods.map(dq).join(', ')}],${p.headers.length ? `\n     allow_headers=[${p.headers.map(dq).join(', ')}],` : ''}${p.credentials ? '\n     supports_credentials=True,' : ''}${maxAge ? `\n     max_age=${maxAge},` : ''})`,
    };
    case 'axum': {
      const known = { 'content-type': 'header::CONTENT_TYPE', authorization: 'header::AUTHORIZATION', accept: 'header::ACCEPT' };
      const hs = p.headers.map((h) => known[h] || `HeaderName::from_static(${dq(h)})`);
      return {
        language: 'rust',
        snippet: `use axum::http::{header, HeaderName, HeaderValue, Method};
use std::time::Duration;
use tower_http::cors::CorsLayer;

let cors = CorsLayer::new()
    .allow_origin(${dq(originVal)}.parse::<HeaderValue>().unwrap())
    .allow_methods([${allMethods.map((m) => ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].includes(m) ? `Method::${m}` : `Method::from_bytes(b${dq(m)}).unwrap()`).join(', ')}])${hs.length ? `\n    .allow_headers([${hs.join(', ')}])` : ''}${p.credentials ? '\n    .allow_credentials(true)' : ''}${maxAge ? `\n    .max_age(Duration::from_secs(${maxAge}))` : ''};

let app = Router::new() /* .route(…) */ .layer(cors);`,
      };
    }
    case 'Next.js': return {
      language: 'ts',
      snippet: `// middleware.ts
import { NextResponse, type NextRequest } from 'next/server';

const allowed = [${q(originVal)}];

export function middleware(req: NextRequest) {
  const origin = req.headers.get('origin') ?? '';
  const cors = new Headers({ Vary: 'Origin' });
  if (allowed.includes(origin)) {
    cors.set('Access-Control-Allow-Origin', origin);${p.credentials ? "\n    cors.set('Access-Control-Allow-Credentials', 'true');" : ''}
  }
  if (req.method === 'OPTIONS') {
    cors.set('Access-Control-Allow-Methods', ${q(allMethods.join(', '))});${p.headers.length ? `\n    cors.set('Access-Control-Allow-Headers', ${q(p.headers.join(', '))});` : ''}${maxAge ? `\n    cors.set('Access-Control-Max-Age', '${maxAge}');` : ''}
    return new NextResponse(null, { status: 204, headers: cors });
  }
  const res = NextResponse.next();
  cors.forEach((v, k) => res.headers.set(k, v));
  return res;
}

export const config = { matcher: '/api/:path*' };`,
    };
    default: return null;
  }
}

/** The engine's config for a family, from `explain`'s fix.configs. */
export function engineConfigFor(configs, family) {
  if (!configs) return null;
  const key = lower(family).replace('.js', '');
  return configs.find((c) => lower(c.server).includes(key)) || null;
}
