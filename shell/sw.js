// Sala's service worker: a return visit downloads nothing of the app.
//
// It keeps this build's shell (index.html and the hashed script, wasm and
// styles) in one cache named after the build, answers those files from it,
// and answers every page navigation (/, /m/<id>, …) with the kept index.html.
// Everything else — /api/, /ws, /healthz, slides, anything not in the list —
// goes to the network untouched and is never stored.
//
// Trunk.toml's post_build hook writes the two lines below for each build: the
// build id (from index.html, which names every hashed file) and the files.
// A new build means a new sw.js: the browser installs it in the background,
// it fetches the new files, and on activation the old caches are deleted.
// An app that the server refuses as too old unregisters this worker and
// reloads (src/hooks/use_fresh_app.rs).
const BUILD = "unstamped";
const FILES = [];

const CACHE = "sala-" + BUILD;
// The server's own paths: never answered here, not even a navigation.
const NETWORK_ONLY = /^\/(api\/|ws$|healthz$)/;

self.addEventListener("install", (event) => {
  // Through the HTTP cache: the hashed files the page has just loaded are
  // there (immutable), so a first visit downloads them once; index.html is
  // `no-cache`, so it is checked with the server.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  if (NETWORK_ONLY.test(url.pathname)) return;
  if (request.mode === "navigate") {
    event.respondWith(fromCache("/index.html", request));
  } else if (FILES.includes(url.pathname)) {
    event.respondWith(fromCache(url.pathname, request));
  }
});

// The kept copy of `path`, else the network (a cache that was cleared).
function fromCache(path, request) {
  return caches.open(CACHE)
    .then((cache) => cache.match(path))
    .then((kept) => kept || fetch(request));
}
