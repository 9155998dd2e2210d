// The app shell, cached at install (opens offline); a new VERSION replaces it. The API is not cached.
const VERSION = "field-v25";
const SHELL = [
  "/field/", "/field/app.js", "/field/api.js", "/field/applications.js", "/field/form.js", "/field/outbox.js", "/field/photos.js",
  "/field/screens.js", "/field/sender.js", "/field/words.js", "/field/notice.js", "/field/rules.js",
  "/field/styles.css", "/field/manifest.webmanifest", "/field/icon.svg",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !url.pathname.startsWith("/field/")) return;
  event.respondWith(
    caches.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request)),
  );
});

// Background Sync where the browser has it; the app never depends on it.
self.addEventListener("sync", (event) => {
  if (event.tag === "send-outbox") {
    event.waitUntil(self.clients.matchAll().then((all) => all.forEach((c) => c.postMessage("send"))));
  }
});
