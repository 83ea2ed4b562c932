// The SPA build. Output goes to src/web/dist, which src/modules/web/web.plugin.ts serves.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline <script> or module preload polyfill: the CSP forbids inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev:web` next to a running MyLog: the API stays same-origin through the proxy.
    proxy: Object.fromEntries(
      ['/v1', '/auth', '/dev-idp', '/docs'].map((prefix) => [
        prefix,
        { target: process.env.MYLOG_URL ?? 'http://127.0.0.1:3000', ws: true },
      ]),
    ),
    fs: { allow: [fileURLToPath(new URL('../', import.meta.url))] },
  },
});
