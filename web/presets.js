// Server presets: the CORS configurations people actually run, each as the
// config snippet and the answers that config gives to the request being
// edited (preflight and actual response). Choosing one fills the server
// editor; it stays linked (re-answering as the request changes) until the
// answers are edited by hand.
//
// The answers follow each library's documented behaviour (header names as the
// library writes them, reflection of Access-Control-Request-Headers, the
// status of its preflight answer); only CORS-relevant headers and a
// Content-Type are shown. They are data about the libraries, not CORS rules:
// `respond(ctx)` gets the page's origin, the method, and `acrh`, the
// Access-Control-Request-Headers value the engine says the browser sends.
// (These are to come from the core's server models once it has them.)

function ctxInfo(ctx) {
  const method = (ctx.method || 'GET').toUpperCase();
  const allowed = ctx.options.origins.includes(ctx.origin);
  return { method, acrh: ctx.acrh, allowed };
}

const list = (xs) => xs.map((x) => `'${x}'`).join(', ');
const pyList = (xs) => xs.map((x) => `"${x}"`).join(', ');

export const PRESETS = [
  {
    id: 'express',
    label: 'Express — cors() defaults',
    family: 'Express',
    uses: [],
    snippet: () => `const cors = require('cors');
app.use(cors());   // origin '*', methods GET,HEAD,PUT,PATCH,POST,DELETE,
                   // allowed headers: whatever the preflight asks for`,
    respond(ctx) {
      const { acrh } = ctxInfo(ctx);
      const pre = [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE']];
      if (acrh) pre.push(['Access-Control-Allow-Headers', acrh]);
      pre.push(['Vary', 'Access-Control-Request-Headers'], ['Content-Length', '0']);
      return {
        preflight: { status: 204, headers: pre },
        actual: { status: 200, headers: [['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Content-Type', 'application/json; charset=utf-8']] },
      };
    },
  },
  {
    id: 'express-origins',
    label: 'Express — cors({ origin: [...], credentials })',
    family: 'Express',
    uses: ['origins', 'credentials'],
    snippet: (o) => `const cors = require('cors');
app.use(cors({
  origin: [${list(o.origins)}],${o.credentials ? '\n  credentials: true,' : ''}
}));`,
    respond(ctx) {
      const { acrh, allowed } = ctxInfo(ctx);
      const o = ctx.options;
      const common = [];
      if (allowed) common.push(['Access-Control-Allow-Origin', ctx.origin]);
      const pre = [...common];
      pre.push(['Vary', acrh ? 'Origin, Access-Control-Request-Headers' : 'Origin']);
      if (o.credentials) pre.push(['Access-Control-Allow-Credentials', 'true']);
      pre.push(['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE']);
      if (acrh) pre.push(['Access-Control-Allow-Headers', acrh]);
      pre.push(['Content-Length', '0']);
      const act = [['X-Powered-By', 'Express'], ...common, ['Vary', 'Origin']];
      if (o.credentials) act.push(['Access-Control-Allow-Credentials', 'true']);
      act.push(['Content-Type', 'application/json; charset=utf-8']);
      return { preflight: { status: 204, headers: pre }, actual: { status: 200, headers: act } };
    },
  },
  {
    id: 'nginx',
    label: 'nginx — the "wide open" snippet from enable-cors.org',
    family: 'nginx',
    uses: [],
    snippet: () => `location / {
    if ($request_method = 'OPTIONS') {
        add_header 'Access-Control-Allow-Origin' '*';
        add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS';
        add_header 'Access-Control-Allow-Headers' 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range';
        add_header 'Access-Control-Max-Age' 1728000;
        add_header 'Content-Type' 'text/plain; charset=utf-8';
        add_header 'Content-Length' 0;
        return 204;
    }
    if ($request_method = 'POST') {
        add_header 'Access-Control-Allow-Origin' '*' always;
        add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS' always;
        add_header 'Access-Control-Allow-Headers' 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range' always;
        add_header 'Access-Control-Expose-Headers' 'Content-Length,Content-Range' always;
    }
    if ($request_method = 'GET') {
        # … the same four add_header lines as for POST
    }
    proxy_pass http://app;
}`,
    respond(ctx) {
      const { method } = ctxInfo(ctx);
      const allowHeaders = 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range';
      const cors = [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Methods', 'GET, POST, OPTIONS'],
        ['Access-Control-Allow-Headers', allowHeaders],
        ['Access-Control-Expose-Headers', 'Content-Length,Content-Range'],
      ];
      return {
        preflight: {
          status: 204,
          headers: [
            ['Access-Control-Allow-Origin', '*'],
            ['Access-Control-Allow-Methods', 'GET, POST, OPTIONS'],
            ['Access-Control-Allow-Headers', allowHeaders],
            ['Access-Control-Max-Age', '1728000'],
            ['Content-Type', 'text/plain; charset=utf-8'],
            ['Content-Length', '0'],
          ],
        },
        actual: { status: 200, headers: [['Content-Type', 'application/json'], ...(method === 'GET' || method === 'POST' ? cors : [])] },
      };
    },
  },
  {
    id: 'apache',
    label: 'Apache — .htaccess from common guides',
    family: 'Apache',
    uses: [],
    snippet: () => `Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Allow-Methods "POST, GET, OPTIONS, DELETE, PUT"
Header always set Access-Control-Max-Age "1000"
Header always set Access-Control-Allow-Headers "x-requested-with, Content-Type, origin, authorization, accept, client-security-token"

RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^(.*)$ $1 [R=200,L]`,
    respond() {
      const h = [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Methods', 'POST, GET, OPTIONS, DELETE, PUT'],
        ['Access-Control-Max-Age', '1000'],
        ['Access-Control-Allow-Headers', 'x-requested-with, Content-Type, origin, authorization, accept, client-security-token'],
      ];
      return {
        preflight: { status: 200, headers: [...h, ['Content-Type', 'text/html; charset=iso-8859-1']] },
        actual: { status: 200, headers: [...h, ['Content-Type', 'application/json']] },
      };
    },
  },
  {
    id: 'fastapi',
    label: 'FastAPI / Starlette — CORSMiddleware (the tutorial settings)',
    family: 'FastAPI',
    uses: ['origins', 'credentials'],
    snippet: (o) => `from fastapi.middleware.cors import CORSMiddleware

origins = [${pyList(o.origins)}]

app.add_middleware(
    CORSMiddleware,
    allow_origins=origins,
    allow_credentials=${o.credentials ? 'True' : 'False'},
    allow_methods=["*"],
    allow_headers=["*"],
)`,
    respond(ctx) {
      // Starlette: lower-case names; a preflight from a disallowed origin gets
      // 400 "Disallowed CORS origin"; '*' headers reflect the requested ones.
      const { acrh, allowed } = ctxInfo(ctx);
      const o = ctx.options;
      const pre = [['vary', 'Origin'], ['access-control-allow-methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'], ['access-control-max-age', '600']];
      if (o.credentials) pre.push(['access-control-allow-credentials', 'true']);
      if (allowed) pre.push(['access-control-allow-origin', ctx.origin]);
      if (acrh) pre.push(['access-control-allow-headers', acrh]);
      pre.push(['content-type', 'text/plain; charset=utf-8']);
      const act = [['content-type', 'application/json']];
      if (o.credentials) act.push(['access-control-allow-credentials', 'true']);
      if (allowed) act.push(['access-control-allow-origin', ctx.origin], ['vary', 'Origin']);
      return { preflight: { status: allowed ? 200 : 400, headers: pre }, actual: { status: 200, headers: act } };
    },
  },
  {
    id: 'django',
    label: 'Django — django-cors-headers',
    family: 'Django',
    uses: ['origins', 'credentials'],
    snippet: (o) => `# settings.py
INSTALLED_APPS = [..., "corsheaders", ...]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",   # as high as possible
    "django.middleware.common.CommonMiddleware",
    ...
]
CORS_ALLOWED_ORIGINS = [${pyList(o.origins)}]${o.credentials ? '\nCORS_ALLOW_CREDENTIALS = True' : ''}
# defaults: CORS_ALLOW_METHODS = DELETE, GET, OPTIONS, PATCH, POST, PUT
#           CORS_ALLOW_HEADERS = accept, authorization, content-type, user-agent,
#                                x-csrftoken, x-requested-with`,
    respond(ctx) {
      const { allowed } = ctxInfo(ctx);
      const o = ctx.options;
      const cors = (pre) => {
        if (!allowed) return [];
        const h = [['access-control-allow-origin', ctx.origin]];
        if (o.credentials) h.push(['access-control-allow-credentials', 'true']);
        if (pre) {
          h.push(
            ['access-control-allow-headers', 'accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with'],
            ['access-control-allow-methods', 'DELETE, GET, OPTIONS, PATCH, POST, PUT'],
            ['access-control-max-age', '86400'],
          );
        }
        return h;
      };
      return {
        preflight: { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8'], ['Vary', 'origin'], ...cors(true)] },
        actual: { status: 200, headers: [['Content-Type', 'application/json'], ['Vary', 'origin'], ...cors(false)] },
      };
    },
  },
  {
    id: 'flask',
    label: 'Flask — flask_cors.CORS(app) defaults',
    family: 'Flask',
    uses: [],
    snippet: () => `from flask_cors import CORS

CORS(app)   # origins='*' but echoes the request's Origin (send_wildcard=False),
            # methods GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE,
            # allow_headers='*' (echoes the requested ones), no credentials`,
    respond(ctx) {
      const { acrh } = ctxInfo(ctx);
      const pre = [['Content-Type', 'text/html; charset=utf-8'], ['Allow', 'GET, HEAD, OPTIONS, POST, PUT, DELETE'], ['Access-Control-Allow-Origin', ctx.origin]];
      if (acrh) pre.push(['Access-Control-Allow-Headers', acrh]);
      pre.push(['Access-Control-Allow-Methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'], ['Vary', 'Origin']);
      return {
        preflight: { status: 200, headers: pre },
        actual: { status: 200, headers: [['Content-Type', 'application/json'], ['Access-Control-Allow-Origin', ctx.origin], ['Vary', 'Origin']] },
      };
    },
  },
  {
    id: 'tower-http',
    label: 'axum — tower-http CorsLayer',
    family: 'axum',
    uses: ['origins', 'credentials'],
    snippet: (o) => `use axum::http::{header, HeaderValue, Method};
use tower_http::cors::CorsLayer;

let cors = CorsLayer::new()
    .allow_origin([${o.origins.map((x) => `"${x}".parse::<HeaderValue>().unwrap()`).join(', ')}])
    .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
    .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])${o.credentials ? '\n    .allow_credentials(true)' : ''};

let app = Router::new().route("/items", get(list).put(update)).layer(cors);`,
    respond(ctx) {
      const { allowed } = ctxInfo(ctx);
      const o = ctx.options;
      const base = [];
      if (allowed) base.push(['access-control-allow-origin', ctx.origin]);
      if (o.credentials) base.push(['access-control-allow-credentials', 'true']);
      const vary = ['vary', 'origin, access-control-request-method, access-control-request-headers'];
      return {
        preflight: {
          status: 200,
          headers: [...base, vary, ['access-control-allow-methods', 'GET,POST,PUT,DELETE'], ['access-control-allow-headers', 'content-type,authorization'], ['content-length', '0']],
        },
        actual: { status: 200, headers: [['content-type', 'application/json'], ...base, vary] },
      };
    },
  },
  {
    id: 'nextjs',
    label: 'Next.js — next.config.js headers() from the Vercel guide',
    family: 'Next.js',
    uses: [],
    snippet: () => `// next.config.js
module.exports = {
  async headers() {
    return [{
      source: "/api/:path*",
      headers: [
        { key: "Access-Control-Allow-Credentials", value: "true" },
        { key: "Access-Control-Allow-Origin", value: "*" },
        { key: "Access-Control-Allow-Methods", value: "GET,DELETE,PATCH,POST,PUT" },
        { key: "Access-Control-Allow-Headers", value: "X-CSRF-Token, X-Requested-With, Accept, Accept-Version, Content-Length, Content-MD5, Content-Type, Date, X-Api-Version" },
      ],
    }];
  },
};`,
    respond() {
      const h = [
        ['access-control-allow-credentials', 'true'],
        ['access-control-allow-origin', '*'],
        ['access-control-allow-methods', 'GET,DELETE,PATCH,POST,PUT'],
        ['access-control-allow-headers', 'X-CSRF-Token, X-Requested-With, Accept, Accept-Version, Content-Length, Content-MD5, Content-Type, Date, X-Api-Version'],
      ];
      return {
        // A route handler without an OPTIONS export: Next.js answers 204 with Allow.
        preflight: { status: 204, headers: [...h, ['allow', 'GET, HEAD, OPTIONS, PUT']] },
        actual: { status: 200, headers: [...h, ['content-type', 'application/json']] },
      };
    },
  },
];

export const PRESET_BY_ID = Object.fromEntries(PRESETS.map((p) => [p.id, p]));

