// Serves the SPA (src/web, built by Vite) at `/`: its files, and index.html for client routes.
// Files are read once at boot and compressed lazily, because the build is small and immutable for
// the life of the process; API prefixes are never shadowed, so unknown API paths keep their JSON 404.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { projectRoot } from '../../infra/project-paths.ts';

export const WEB_DIST_DIR = path.join(projectRoot, 'src', 'web', 'dist');

/** Paths owned by the API and protocol endpoints: the SPA fallback must never answer them. */
const RESERVED_PREFIXES = [
  '/v1',
  '/auth',
  '/dev-idp',
  '/docs',
  '/healthz',
  '/readyz',
  '/metrics',
  '/otlp',
  '/_bulk',
  // The Elasticsearch handshake (the ingest role's); `/` itself goes to ES clients by a constraint.
  '/_license',
  '/_cluster',
];

// No inline script or style anywhere, so an injected <script> in a log line could never run even if
// React's text escaping were bypassed. React sets element styles through the CSSOM, which
// style-src 'self' does not block, so virtualised row positions still work.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.webmanifest']);

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  compressible: boolean;
  /** Vite fingerprints everything under assets/: safe to cache forever. */
  immutable: boolean;
  brotli?: Buffer;
  gzip?: Buffer;
}

export interface WebOptions {
  /** The Vite build output; defaults to src/web/dist. */
  distDir?: string;
}

function readDist(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.isFile()) {
        const body = fs.readFileSync(path.join(dir, relative));
        const ext = path.extname(entry.name).toLowerCase();
        files.set(`/${relative}`, {
          body,
          type: TYPES[ext] ?? 'application/octet-stream',
          etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
          compressible: COMPRESSIBLE.has(ext) && body.length > 512,
          immutable: relative.startsWith('assets/'),
        });
      }
    }
  };
  walk('');
  return files;
}

function isReserved(urlPath: string): boolean {
  return RESERVED_PREFIXES.some(
    (prefix) =>
      urlPath === prefix || urlPath.startsWith(`${prefix}/`) || urlPath.startsWith(`${prefix}?`),
  );
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  void reply.headers(SECURITY_HEADERS);
  void reply.header('content-type', file.type);
  void reply.header('etag', file.etag);
  void reply.header(
    'cache-control',
    file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  if (file.compressible) {
    void reply.header('vary', 'accept-encoding');
    const accepted = String(request.headers['accept-encoding'] ?? '');
    if (/\bbr\b/.test(accepted)) {
      file.brotli ??= zlib.brotliCompressSync(file.body, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 },
      });
      return reply.header('content-encoding', 'br').send(file.brotli);
    }
    if (/\bgzip\b/.test(accepted)) {
      file.gzip ??= zlib.gzipSync(file.body, { level: 9 });
      return reply.header('content-encoding', 'gzip').send(file.gzip);
    }
  }
  return reply.send(file.body);
}

const MISSING_BUILD_PAGE = `<!doctype html><meta charset="utf-8"><title>MyLog</title>
<p>The MyLog web app has not been built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when missing) and reload.</p>`;

async function web(app: FastifyInstance, options: WebOptions): Promise<void> {
  const dir = options.distDir ?? WEB_DIST_DIR;
  const files = fs.existsSync(path.join(dir, 'index.html')) ? readDist(dir) : undefined;
  if (!files) app.log.warn({ dir }, 'web app build missing: run npm run build:web');

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const urlPath = decodeURIComponentSafe(request.url.split('?')[0] ?? '/');
    if (isReserved(urlPath)) {
      reply.callNotFound();
      return reply;
    }
    if (!files) {
      return reply
        .status(503)
        .headers(SECURITY_HEADERS)
        .type('text/html; charset=utf-8')
        .send(MISSING_BUILD_PAGE);
    }
    // Pages outside the SPA (the dev IdP's, /docs) make browsers ask for /favicon.ico.
    const file = files.get(urlPath === '/favicon.ico' ? '/favicon.svg' : urlPath);
    if (file) return send(request, reply, file);
    // A missing fingerprinted asset is a real 404 (a stale tab after a deploy), not a client route.
    if (urlPath.startsWith('/assets/') || path.extname(urlPath) !== '') {
      reply.callNotFound();
      return reply;
    }
    return send(request, reply, files.get('/index.html')!);
  };

  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export default fp(web, { name: 'web' });
