// The OpenAPI document, built from every route's JSON schemas, served at GET /docs (DOCS_ACCESS:
// signed-in by default, public, or off; app.swagger() has it either way). Registered before any
// route so that @fastify/swagger's onRoute hook sees all of them.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { OPENAPI_THEME } from './openapi-theme.ts';
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { resolveAuth } from '../modules/auth/resolve-auth.ts';

/** The route list is a map of the attack surface: by default only people who may use it see it. */
async function requireSignedIn(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  // Outside the identity plugin there is no cookie parser: read the session cookie here.
  const cookies = fastifyCookie.parse(request.headers.cookie ?? '');
  await resolveAuth(app.db, app.config, { headers: request.headers, cookies } as FastifyRequest);
}

export const openApi = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: 'MyLog API', version: '1' },
        servers: [{ url: app.config.publicUrl }],
        components: {
          securitySchemes: {
            sessionCookie: { type: 'apiKey', in: 'cookie', name: 'mylog_session' },
            bearerToken: { type: 'http', scheme: 'bearer', description: 'API token (mlt_…)' },
          },
        },
      },
    });
    const access = app.config.http.docsAccess;
    if (access === 'off') return;
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      theme: OPENAPI_THEME,
      // Hashes of swagger-ui's own inline bits instead of 'unsafe-inline'; never framed.
      staticCSP: true,
      transformStaticCSP: (csp: string) =>
        csp.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
      uiHooks: {
        onRequest: async (request, reply) => {
          void reply.header('x-frame-options', 'DENY');
          if (access === 'signed-in') await requireSignedIn(app, request);
        },
      },
    });
  },
  { name: 'openapi' },
);
