// Identity as one encapsulated plugin: cookies, the sign-in routes, and the user context into which
// every authenticated feature registers. Cookies stay inside it: the ingest context never sees them.
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { authRoutes } from './auth.routes.ts';
import { meRoutes } from './me.routes.ts';
import { createOidcClient, oidcSettings } from './oidc-client.ts';
import { userContext } from './user-context.ts';

export interface IdentityOptions {
  /** Feature route plugins to run inside the user context (authenticated, CSRF-checked). */
  userRoutes: readonly FastifyPluginAsync[];
}

export async function identity(app: FastifyInstance, options: IdentityOptions): Promise<void> {
  await app.register(cookie);
  const settings = oidcSettings(app.config);
  const oidc = settings ? createOidcClient(app.config, app.redis, settings) : undefined;
  await app.register(authRoutes(oidc));
  await app.register(userContext, { routes: [meRoutes(oidc), ...options.userRoutes] });
}
