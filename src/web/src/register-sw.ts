// Registers the service worker (public/sw.js: app shell cache, offline page, Web Push). Its own
// entry in index.html so the app's code does not wait on it; production builds only, so `vite`
// in development always serves fresh files.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
