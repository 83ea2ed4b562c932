/* global self, caches, fetch */
// MyLog's service worker. It keeps the app shell only — the fingerprinted scripts and styles Vite
// builds, the icons, the manifest and the offline page — and never a log line, an API answer or
// an authenticated page: those always go to the network, and a page that cannot be fetched shows
// /offline.html. It also shows Web Push messages (src/modules/push) as notifications.
const SHELL_CACHE = 'mylog-shell-v1';
const ASSETS_CACHE = 'mylog-assets-v1';
/** Fingerprinted files kept at most (old builds' files are dropped first). */
const ASSETS_MAX_ENTRIES = 80;
const OFFLINE_URL = '/offline.html';
const SHELL = [
  OFFLINE_URL,
  '/offline.css',
  '/manifest.webmanifest',
  '/favicon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  const keep = new Set([SHELL_CACHE, ASSETS_CACHE]);
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => !keep.has(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // Pages are never cached (they may be behind a session); offline, the offline page.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
  // Everything else (/v1, /auth, streams, …) is left to the network, untouched.
});

async function cacheFirst(request) {
  const cache = await caches.open(ASSETS_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    await cache.put(request, response.clone());
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - ASSETS_MAX_ENTRIES))) {
      await cache.delete(old);
    }
  }
  return response;
}

self.addEventListener('push', (event) => {
  let data;
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'MyLog', body: event.data ? event.data.text() : '' };
  }
  const title = typeof data.title === 'string' && data.title ? data.title : 'MyLog';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === 'string' ? data.body : '',
      tag: typeof data.tag === 'string' ? data.tag : undefined,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { link: typeof data.link === 'string' ? data.link : null },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const link = event.notification.data && event.notification.data.link;
  // Only ever open a page of this app, whatever the payload says.
  let target = '/alerts';
  if (link) {
    const url = new URL(link, self.location.origin);
    target = url.pathname + url.search;
  }
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if ('focus' in w && 'navigate' in w) return w.navigate(target).then((c) => c && c.focus());
      }
      return self.clients.openWindow(target);
    }),
  );
});
