// The gallery: classic CORS failures, each a complete playground state.

import { normalize } from './model.js';

const APP = 'https://app.example';
const API = 'https://api.example/items';

function req(fields) {
  return { url: API, method: 'GET', headers: '', mode: 'cors', credentials: 'same-origin', redirect: 'follow', ...fields };
}

function entry(url, preflight, actual) {
  return {
    url,
    preflight: preflight ? { status: String(preflight[0]), headers: preflight[1].join('\n') } : { status: '', headers: '' },
    actual: actual ? { status: String(actual[0]), headers: actual[1].join('\n') } : { status: '', headers: '' },
  };
}

function state({ title, origin = APP, steps, server, sel = 0, fixFor = '' }) {
  return normalize({ title, origin, steps, server, sel, preset: 'custom', linked: false, profile: 'chromium', fixFor });
}

export const GALLERY = [
  {
    id: 'no-allow-origin',
    title: 'No Access-Control-Allow-Origin',
    blurb: 'The API answers, but says nothing about CORS.',
    state: () => state({
      title: 'No Access-Control-Allow-Origin',
      steps: [{ at: 0, request: req({}) }],
      server: [entry(API, null, [200, ['Content-Type: application/json']])],
    }),
  },
  {
    id: 'wildcard-credentials',
    title: '* with credentials',
    blurb: "credentials: 'include' and Access-Control-Allow-Origin: *.",
    state: () => state({
      title: '* with credentials',
      steps: [{ at: 0, request: req({ url: 'https://api.example/me', credentials: 'include' }) }],
      server: [entry('https://api.example/me', null, [200, ['Access-Control-Allow-Origin: *', 'Access-Control-Allow-Credentials: true', 'Content-Type: application/json']])],
    }),
  },
  {
    id: 'options-404',
    title: 'OPTIONS 404',
    blurb: 'The router only has a PUT route: the preflight gets 404.',
    state: () => state({
      title: 'OPTIONS 404',
      steps: [{ at: 0, request: req({ method: 'PUT', headers: 'Content-Type: application/json' }) }],
      server: [entry(API, [404, ['Access-Control-Allow-Origin: https://app.example', 'Content-Type: text/html']], [200, ['Access-Control-Allow-Origin: https://app.example', 'Content-Type: application/json']])],
    }),
  },
  {
    id: 'put-not-allowed',
    title: 'PUT not allowed',
    blurb: 'The preflight allows GET and POST only.',
    state: () => state({
      title: 'PUT not allowed',
      steps: [{ at: 0, request: req({ method: 'PUT' }) }],
      server: [entry(API,
        [204, ['Access-Control-Allow-Origin: https://app.example', 'Access-Control-Allow-Methods: GET, POST', 'Vary: Origin']],
        [200, ['Access-Control-Allow-Origin: https://app.example', 'Vary: Origin', 'Content-Type: application/json']])],
    }),
  },
  {
    id: 'json-content-type',
    title: 'Content-Type: application/json not allowed',
    blurb: 'A JSON POST needs a preflight, and the preflight does not allow content-type.',
    state: () => state({
      title: 'Content-Type: application/json not allowed',
      steps: [{ at: 0, request: req({ method: 'POST', headers: 'Content-Type: application/json' }) }],
      server: [entry(API,
        [204, ['Access-Control-Allow-Origin: https://app.example', 'Access-Control-Allow-Methods: GET, POST', 'Vary: Origin']],
        [201, ['Access-Control-Allow-Origin: https://app.example', 'Vary: Origin', 'Content-Type: application/json']])],
    }),
  },
  {
    id: 'authorization',
    title: 'Authorization not allowed',
    blurb: 'The preflight allows Content-Type, but the request also sends Authorization.',
    state: () => state({
      title: 'Authorization not allowed',
      steps: [{ at: 0, request: req({ url: 'https://api.example/me', headers: 'Content-Type: application/json\nAuthorization: Bearer eyJhbGciOi...' }) }],
      server: [entry('https://api.example/me',
        [204, ['Access-Control-Allow-Origin: *', 'Access-Control-Allow-Methods: GET, POST', 'Access-Control-Allow-Headers: Content-Type']],
        [200, ['Access-Control-Allow-Origin: *', 'Content-Type: application/json']])],
    }),
  },
  {
    id: 'preflight-redirect',
    title: 'Preflight redirected',
    blurb: 'http:// redirects to https://, and a preflight may not follow it.',
    // An http: page: from an https: page the http: URL is mixed content, blocked before any CORS.
    state: () => state({
      title: 'Preflight redirected',
      origin: 'http://app.example',
      steps: [{ at: 0, request: req({ url: 'http://api.example/items', method: 'DELETE' }) }],
      server: [
        entry('http://api.example/items', [301, ['Location: https://api.example/items']], [301, ['Location: https://api.example/items']]),
        entry(API,
          [204, ['Access-Control-Allow-Origin: http://app.example', 'Access-Control-Allow-Methods: GET, POST, DELETE']],
          [200, ['Access-Control-Allow-Origin: http://app.example', 'Content-Type: application/json']]),
      ],
    }),
  },
  {
    id: 'localhost-127',
    title: 'localhost vs 127.0.0.1',
    blurb: 'The page runs on localhost; the API allows 127.0.0.1.',
    state: () => state({
      title: 'localhost vs 127.0.0.1',
      origin: 'http://localhost:3000',
      steps: [{ at: 0, request: req({ url: 'http://localhost:8000/api/items' }) }],
      server: [entry('http://localhost:8000/api/items', null, [200, ['Access-Control-Allow-Origin: http://127.0.0.1:3000', 'Vary: Origin', 'Content-Type: application/json']])],
    }),
  },
  {
    id: 'trailing-slash',
    title: 'Trailing slash in the allowed origin',
    blurb: 'Access-Control-Allow-Origin: https://app.example/ is not the origin.',
    state: () => state({
      title: 'Trailing slash in the allowed origin',
      steps: [{ at: 0, request: req({}) }],
      server: [entry(API, null, [200, ['Access-Control-Allow-Origin: https://app.example/', 'Content-Type: application/json']])],
    }),
  },
  {
    id: 'trailing-slash-redirect',
    title: 'Trailing-slash redirect',
    blurb: 'The framework redirects /items to /items/ (APPEND_SLASH, redirect_slashes), preflight included.',
    state: () => state({
      title: 'Trailing-slash redirect',
      steps: [{ at: 0, request: req({ method: 'POST', headers: 'Content-Type: application/json' }) }],
      server: [
        entry(API, [307, ['Location: https://api.example/items/']], [307, ['Location: https://api.example/items/']]),
        entry('https://api.example/items/',
          [200, ['access-control-allow-origin: https://app.example', 'access-control-allow-methods: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT', 'access-control-allow-headers: content-type', 'vary: Origin']],
          [201, ['access-control-allow-origin: https://app.example', 'vary: Origin', 'content-type: application/json']]),
      ],
    }),
  },
  {
    id: 'duplicate-allow-origin',
    title: 'Duplicated header: proxy plus app',
    blurb: 'nginx adds Access-Control-Allow-Origin: * and the app sends its own.',
    state: () => state({
      title: 'Duplicated header: proxy plus app',
      steps: [{ at: 0, request: req({}) }],
      server: [entry(API, null, [200, ['Access-Control-Allow-Origin: https://app.example', 'Vary: Origin', 'Content-Type: application/json', 'Access-Control-Allow-Origin: *']])],
      fixFor: 'nginx',
    }),
  },
  {
    id: 'preflight-cache',
    title: 'Preflight cache: miss, hit, expiry',
    blurb: 'The same PUT at 0 s, 30 s and 90 s with Access-Control-Max-Age: 60.',
    expect: null,
    state: () => {
      const r = req({ method: 'PUT', headers: 'Content-Type: application/json' });
      return state({
        title: 'Preflight cache: miss, hit, expiry',
        steps: [{ at: 0, request: r }, { at: 30, request: { ...r } }, { at: 90, request: { ...r } }],
        server: [entry(API,
          [204, ['Access-Control-Allow-Origin: https://app.example', 'Access-Control-Allow-Methods: PUT', 'Access-Control-Allow-Headers: content-type', 'Access-Control-Max-Age: 60', 'Vary: Origin']],
          [200, ['Access-Control-Allow-Origin: https://app.example', 'Vary: Origin', 'Content-Type: application/json']])],
      });
    },
  },
  {
    id: 'browsers-differ',
    title: 'Browsers differ: Max-Age caps',
    blurb: 'Access-Control-Max-Age: 86400, then the same PUT after 15 minutes and after 3 hours.',
    expect: null,
    state: () => {
      const r = req({ method: 'PUT', headers: 'Content-Type: application/json' });
      return state({
        title: 'Browsers differ: Max-Age caps',
        steps: [{ at: 0, request: r }, { at: 900, request: { ...r } }, { at: 10800, request: { ...r } }],
        sel: 1,
        server: [entry(API,
          [204, ['Access-Control-Allow-Origin: https://app.example', 'Access-Control-Allow-Methods: PUT', 'Access-Control-Allow-Headers: content-type', 'Access-Control-Max-Age: 86400', 'Vary: Origin']],
          [200, ['Access-Control-Allow-Origin: https://app.example', 'Vary: Origin', 'Content-Type: application/json']])],
      });
    },
  },
  {
    id: 'works',
    title: 'A configuration that works',
    blurb: 'A credentialed JSON PUT with an explicit origin, methods, headers and Vary.',
    expect: null,
    state: () => state({
      title: 'A configuration that works',
      steps: [{ at: 0, request: req({ method: 'PUT', headers: 'Content-Type: application/json\nAuthorization: Bearer eyJhbGciOi...', credentials: 'include' }) }],
      server: [entry(API,
        [204, ['Access-Control-Allow-Origin: https://app.example', 'Access-Control-Allow-Credentials: true', 'Access-Control-Allow-Methods: GET, PUT, DELETE', 'Access-Control-Allow-Headers: content-type, authorization', 'Access-Control-Max-Age: 600', 'Vary: Origin']],
        [200, ['Access-Control-Allow-Origin: https://app.example', 'Access-Control-Allow-Credentials: true', 'Access-Control-Expose-Headers: X-Request-Id', 'X-Request-Id: 7f3a', 'X-Internal: 1', 'Vary: Origin', 'Content-Type: application/json']])],
    }),
  },
];
