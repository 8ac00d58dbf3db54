// Keeps gkecheck working with the network gone: after one visit, the page's own files come
// from this cache. It fetches nothing from any other origin, ever.

// Filled in by `cargo xtask dist`: every file of the site, and a hash of their contents.
const FILES = [];
const VERSION = 'dev';
const CACHE = `gkecheck-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('gkecheck-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The cache first (the files only change with a new VERSION), then the network.
  event.respondWith(
    caches.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request)),
  );
});
