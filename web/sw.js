// Offline: the page, its modules and the engine are cached on first load and
// served from the cache afterwards (refreshed in the background when online).
const CACHE = 'corsim-playground-v3';
const FILES = [
  './', 'index.html', 'style.css', 'app.js', 'engine.js', 'model.js', 'presets.js', 'gallery.js', 'parse.js',
  'pkg/corsim_explain.js', 'pkg/corsim_explain_bg.wasm',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const key = new URL(req.url);
      key.hash = '';
      key.search = '';
      const cached = await cache.match(key.href);
      const fresh = fetch(req)
        .then((res) => {
          if (res.ok) cache.put(key.href, res.clone());
          return res;
        })
        .catch(() => cached || Response.error());
      return cached || fresh;
    }),
  );
});
