// What every HTTP answer and connection gets, whatever the route: timeouts (so a client trickling
// bytes cannot hold a socket forever), a cap on requests in flight per IP for routes that need no
// credentials, and the headers an API answer needs (nosniff, no-store, HSTS behind https).
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from './errors.ts';

/** Fastify's server options for the HTTP timeouts (see config.http). */
export function serverTimeouts(config: Config): Partial<FastifyServerOptions> {
  const { http } = config;
  return {
    connectionTimeout: http.connectionTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    // Node checks the header and request deadlines on this interval (30 s by default, which would
    // let a slow client overstay a short deadline by that much).
    http: {
      headersTimeout: http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, http.headersTimeoutMs),
    },
  } as Partial<FastifyServerOptions>;
}

/**
 * Routes that check credentials before reading the body: the user context documents its security
 * requirement in the OpenAPI schema, the ingest context tags its routes `ingest`. Everything else
 * (sign-in, health, the web app, the dev IdP, unknown paths) is public.
 */
export function isPublicRoute(request: FastifyRequest): boolean {
  const schema = request.routeOptions.schema as
    { security?: unknown; tags?: readonly string[] } | undefined;
  return schema?.security === undefined && !(schema?.tags ?? []).includes('ingest');
}

class TooManyRequestsError extends AppError {
  constructor(limit: number) {
    super(
      429,
      'too_many_requests',
      `too many requests in flight from your address (at most ${limit} without credentials)`,
      undefined,
      { 'retry-after': '1' },
    );
  }
}

function securityHeaders(config: Config): Record<string, string> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff' };
  if (config.auth.cookieSecure) {
    headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  }
  return headers;
}

export function registerHttpHardening(app: FastifyInstance): void {
  const { config } = app;
  const headers = securityHeaders(config);
  const inFlight = new Map<string, number>();
  const release = (ip: string) => {
    const left = (inFlight.get(ip) ?? 1) - 1;
    if (left <= 0) inFlight.delete(ip);
    else inFlight.set(ip, left);
  };

  app.addHook('onRequest', async (request, reply) => {
    void reply.headers(headers);
    if (!isPublicRoute(request)) return;
    const ip = request.ip;
    const count = inFlight.get(ip) ?? 0;
    if (count >= config.http.maxPublicRequestsPerIp) {
      throw new TooManyRequestsError(config.http.maxPublicRequestsPerIp);
    }
    inFlight.set(ip, count + 1);
    // 'close' fires once per response, sent or abandoned.
    reply.raw.once('close', () => release(ip));
    cutOffSlowBody(request, reply, config.http.publicBodyTimeoutMs);
  });

  // An answer a browser or proxy may keep or sniff says so itself (the web app's files do).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** A public route's body must arrive within `timeoutMs`, or the connection ends with a 408. */
function cutOffSlowBody(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  const raw = request.raw;
  if (raw.complete || !hasBody(request)) return;
  const timer = setTimeout(() => {
    if (raw.complete || reply.raw.headersSent) return;
    reply.raw.writeHead(408, { 'content-type': 'application/json', connection: 'close' });
    reply.raw.end(
      JSON.stringify({
        error: {
          code: 'request_timeout',
          message: `the body did not arrive within ${timeoutMs} ms`,
        },
      }),
    );
    raw.socket?.destroySoon?.();
  }, timeoutMs);
  timer.unref();
  raw.once('end', () => clearTimeout(timer));
  reply.raw.once('close', () => clearTimeout(timer));
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
  );
}
