// chibo service worker {{ version }}: the portal's own files from the cache, the pages used
// for capture (meeting form, observer pages) network-first with the last copy kept for use
// offline. Posts are never stored here: the page queues them (app.js) and sends them once.
const VERSION = "{{ version }}";
const ASSETS = "chibo-tep-" + VERSION;
const PAGES = "chibo-trang";
const PRECACHE = {{ precache|tojson }};
const OFFLINE_PAGES = {{ offline_pages|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("chibo-tep-") && k !== ASSETS).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "quen-trang") event.waitUntil(caches.delete(PAGES));  // signed out
});

function keptPage(url) {
  return OFFLINE_PAGES.some((p) => url.pathname === p || url.pathname.startsWith(p + "/"));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && keptPage(url) && !response.redirected) {
          const copy = response.clone();
          caches.open(PAGES).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(url.pathname, { cacheName: PAGES })
          .then((hit) => hit || caches.match("/ngoai-tuyen"))
      )
  );
});
