// Server presets: the CORS configurations people actually run, each as the
// options of a CORS library, by the library's own option names (what
// `corsim check` reads: {library, options}). Everything else comes from the
// engine's model of the library (crates/corsim/src/server_model, through the
// wasm module): what it answers to the request being edited (preflight and
// actual response, header names in the library's case) and how the
// configuration reads in the library's syntax. This file holds option sets
// only: data about what people configure, no CORS rule and no prediction of
// what a library answers.

const withCredentials = (o, name) => (o.credentials ? { [name]: true } : {});

export const PRESETS = [
  {
    id: 'express',
    label: 'Express — cors() defaults',
    family: 'Express',
    uses: [],
    model: () => ({ library: 'express-cors', options: {} }),
  },
  {
    id: 'express-origins',
    label: 'Express — cors({ origin: [...], credentials })',
    family: 'Express',
    uses: ['origins', 'credentials'],
    model: (o) => ({ library: 'express-cors', options: { origin: o.origins, ...withCredentials(o, 'credentials') } }),
  },
  {
    id: 'nginx',
    label: 'nginx — the "wide open" snippet from enable-cors.org',
    family: 'nginx',
    uses: [],
    model: () => ({ library: 'nginx', options: { config: "server {\n    location / {\n        if ($request_method = 'OPTIONS') {\n            add_header 'Access-Control-Allow-Origin' '*';\n            add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS';\n            add_header 'Access-Control-Allow-Headers' 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range';\n            add_header 'Access-Control-Max-Age' 1728000;\n            return 204;\n        }\n        if ($request_method = 'GET') {\n            add_header 'Access-Control-Allow-Origin' '*' always;\n            add_header 'Access-Control-Expose-Headers' 'Content-Length,Content-Range' always;\n        }\n        proxy_pass http://backend;\n    }\n}\n" } }),
  },
  {
    id: 'apache',
    label: 'Apache — .htaccess from common guides',
    family: 'Apache',
    uses: [],
    model: () => ({ library: 'apache', options: { config: "Header always set Access-Control-Allow-Origin \"*\"\nHeader always set Access-Control-Allow-Methods \"POST, GET, OPTIONS, DELETE, PUT\"\nHeader always set Access-Control-Max-Age \"1000\"\nHeader always set Access-Control-Allow-Headers \"x-requested-with, Content-Type, origin, authorization, accept, client-security-token\"\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^(.*)$ $1 [R=200,L]\n" } }),
  },
  {
    id: 'fastapi',
    label: 'FastAPI / Starlette — CORSMiddleware (the tutorial settings)',
    family: 'FastAPI',
    uses: ['origins', 'credentials'],
    model: (o) => ({
      library: 'starlette',
      options: { allow_origins: o.origins, allow_credentials: o.credentials, allow_methods: ['*'], allow_headers: ['*'] },
    }),
  },
  {
    id: 'django',
    label: 'Django — django-cors-headers',
    family: 'Django',
    uses: ['origins', 'credentials'],
    model: (o) => ({ library: 'django-cors-headers', options: { CORS_ALLOWED_ORIGINS: o.origins, CORS_ALLOW_CREDENTIALS: o.credentials } }),
  },
  {
    id: 'flask',
    label: 'Flask — flask_cors.CORS(app) defaults',
    family: 'Flask',
    uses: [],
    model: () => ({ library: 'flask-cors', options: {} }),
  },
  {
    id: 'tower-http',
    label: 'axum — tower-http CorsLayer',
    family: 'axum',
    uses: ['origins', 'credentials'],
    model: (o) => ({
      library: 'tower-http',
      options: {
        allow_origin: o.origins,
        allow_methods: ['GET', 'POST', 'PUT', 'DELETE'],
        allow_headers: ['content-type', 'authorization'],
        allow_credentials: o.credentials,
      },
    }),
  },
  {
    id: 'nextjs',
    label: 'Next.js — next.config.js headers() from the Vercel guide',
    family: 'Next.js',
    uses: [],
    model: () => ({ library: 'nextjs', options: { headers: [{"source": "/:path*", "headers": [{"key": "Access-Control-Allow-Credentials", "value": "true"}, {"key": "Access-Control-Allow-Origin", "value": "*"}, {"key": "Access-Control-Allow-Methods", "value": "GET,DELETE,PATCH,POST,PUT"}, {"key": "Access-Control-Allow-Headers", "value": "X-CSRF-Token, X-Requested-With, Accept, Accept-Version, Content-Length, Content-MD5, Content-Type, Date, X-Api-Version"}]}] } }),
  },
];

export const PRESET_BY_ID = Object.fromEntries(PRESETS.map((p) => [p.id, p]));
