// Jimpitan service worker (scope: the kampung's pages): keeps Keliling's page shell and the routes the collector opened, so
// the round goes on without signal. Everything else goes to the network as usual. Taps are not queued
// here: the page keeps them in IndexedDB and sends them itself.
const SHELL = {{ shell_json|safe }};
const CACHE = "{{ cache_prefix }}shell-{{ version }}";
const ROUTES = "{{ cache_prefix }}routes";
const PAGE = SHELL[0];
// The QR scanner (script and WebAssembly decoder): cached only when a page asks for it ("cache-scanner"),
// since phones with a native BarcodeDetector never load it; then served from the cache, offline too.
const SCANNER = {{ scanner_json|safe }};
const SCANNER_CACHE = "{{ cache_prefix }}scanner-{{ scanner_version }}";
const KEPT = [CACHE, ROUTES, SCANNER_CACHE];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key.startsWith("{{ cache_prefix }}") && !KEPT.includes(key)).map((key) => caches.delete(key)),
  )).then(() => self.clients.claim()));
});

async function networkFirst(request, cacheName, cacheKey) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    // Only a real answer is kept: a redirect to the login page would hide the cached route.
    if (response.ok && !response.redirected) await cache.put(cacheKey || request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(cacheKey || request, { ignoreSearch: !cacheKey });
    if (cached) {
      // Marked, so the page knows this route is from before its last taps were sent.
      const headers = new Headers(cached.headers);
      headers.set("X-Keliling-Cached", "1");
      return new Response(cached.body, { status: cached.status, statusText: cached.statusText, headers });
    }
    throw error;
  }
}

async function cacheScanner() {
  const cache = await caches.open(SCANNER_CACHE);
  for (const url of SCANNER) {
    if (!(await cache.match(url))) await cache.add(url);
  }
}

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("message", (event) => {
  // Offline, or a partial download: the next visit asks again.
  if (event.data === "cache-scanner") event.waitUntil(cacheScanner().catch(() => {}));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    // The page with any ?malam=&rt=: the shell reads them itself, so one cached copy serves every route.
    event.respondWith(networkFirst(request, CACHE, PAGE));
  } else if (url.pathname.startsWith(PAGE + "rute/")) {
    event.respondWith(networkFirst(request, ROUTES));
  } else if (SCANNER.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, SCANNER_CACHE));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
