// The OpenAPI document, built from every route's JSON schemas, served at GET /docs. Registered
// before any route so that @fastify/swagger's onRoute hook sees all of them.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

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
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'openapi' },
);
