import type { FastifyInstance } from 'fastify';
import { pino, type Level, type Logger } from 'pino';
import type { Config } from '../config.ts';

/** Log options shared by the server (Fastify's logger) and the CLI, so both write the same JSON lines. */
export function loggerOptions(config: Pick<Config, 'logLevel'>) {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
      censor: '[redacted]',
    },
  };
}

/** The CLI logs to stderr so that stdout carries only the command's answer (one JSON object with --json). */
export function createCliLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino(loggerOptions(config), pino.destination(2));
}

const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const STATIC_FILE = /^\/(?:assets\/|[^/]+\.(?:js|css|svg|png|ico|webmanifest|txt|map)$)/;

/**
 * One line per request would drown everything else at `info` (a load balancer asks /readyz every
 * few seconds, a page load fetches a dozen assets), so requests log at `debug`, and probes and
 * static files only at `trace`. Failures are logged where they happen, at `error`.
 */
export function requestLogLevel(method: string, path: string): Level {
  if (PROBE_PATHS.has(path)) return 'trace';
  if ((method === 'GET' || method === 'HEAD') && STATIC_FILE.test(path)) return 'trace';
  return 'debug';
}

/** Replaces Fastify's own per-request lines (`disableRequestLogging: true`) with the levels above. */
export function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    // The path only: query strings can carry tail tickets and OIDC codes.
    const path = request.url.split('?', 1)[0] ?? request.url;
    request.log[requestLogLevel(request.method, path)](
      // Not under `req`/`res`: Fastify's serializers for those expect the request objects.
      {
        method: request.method,
        path,
        statusCode: reply.statusCode,
        responseTime: reply.elapsedTime,
      },
      'request completed',
    );
  });
}
