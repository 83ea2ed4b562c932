// The user context: an encapsulated Fastify plugin whose routes all require a session cookie or an
// API token. Inside it, `request.auth` (AuthContext) is always set before any handler runs.
//
// To add a feature's routes (search, tail, dashboards…), write a plain Fastify plugin
//
//   export async function searchRoutes(app: FastifyInstance) {
//     app.get('/v1/logs', { schema }, async (request) => {
//       const appIds = await readableAppIds(app.db, request.auth, { appRefs }); // authorize.ts
//       …
//     });
//   }
//
// and add it to USER_ROUTES in src/app.ts (one line). What every route inside gets for free:
//  - 401 without valid credentials (session: idle + absolute expiry; token: not revoked/expired);
//  - 403 `csrf_token_invalid` for cookie-authenticated POST/PUT/PATCH/DELETE without a matching
//    X-CSRF-Token header (the value is in the mylog_csrf cookie, /v1/me and the login answer);
//  - 403 `insufficient_scope` for any non-GET request made with a `read` API token (unless the
//    route says `config: { readOnly: true }`);
//  - OpenAPI security requirements (cookie or bearer) on every route.
// WebSocket routes registered here inherit the same onRequest authentication. A GET route may also
// accept one more credential through `config.alternateAuth` (the tail WebSocket's single-use
// ticket, because a browser cannot set headers on a WebSocket); see src/modules/tail/tail.routes.ts.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ForbiddenError } from '../../infra/errors.ts';
import type { AuthContext } from './auth-context.ts';
import { CSRF_HEADER, csrfMatches, resolveAuth } from './resolve-auth.ts';
import type { Session } from './sessions.repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set inside the user context only (see src/modules/auth/user-context.ts). */
    auth: AuthContext;
    /** The browser session behind `auth`, or null for API-token requests. */
    authSession: Session | null;
  }
  interface FastifyContextConfig {
    /**
     * Tried before the session cookie / API token; a context it returns is the request's auth.
     * Only honoured on safe methods, so it can never bypass the CSRF check.
     */
    alternateAuth?: (request: FastifyRequest) => Promise<AuthContext | null>;
    /**
     * A POST that only reads (its query is too big for a query string, e.g. POST
     * /v1/logs/aggregate): read-scope API tokens may call it. CSRF still applies to cookies.
     */
    readOnly?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface UserContextOptions {
  routes: readonly FastifyPluginAsync[];
}

export async function userContext(
  app: FastifyInstance,
  options: UserContextOptions,
): Promise<void> {
  app.decorateRequest('auth', null as unknown as AuthContext);
  app.decorateRequest('authSession', null);

  app.addHook('onRoute', (route) => {
    route.schema = {
      ...route.schema,
      security: [{ sessionCookie: [] }, { bearerToken: [] }],
    };
  });

  app.addHook('onRequest', async (request) => {
    const alternateAuth = request.routeOptions.config.alternateAuth;
    if (alternateAuth && SAFE_METHODS.has(request.method)) {
      const alternate = await alternateAuth(request);
      if (alternate) {
        request.auth = alternate;
        request.authSession = null;
        return;
      }
    }
    const { auth, session } = await resolveAuth(app.db, app.config, request);
    request.auth = auth;
    request.authSession = session;
    if (SAFE_METHODS.has(request.method)) return;
    const readOnly = request.routeOptions.config.readOnly === true;
    if (auth.via === 'token' && auth.tokenScope !== 'admin' && !readOnly) {
      throw new ForbiddenError('insufficient_scope', 'this API token is read-only');
    }
    if (session && !csrfMatches(session.csrf_token, request.headers[CSRF_HEADER])) {
      throw new ForbiddenError('csrf_token_invalid', `missing or wrong ${CSRF_HEADER} header`);
    }
  });

  for (const routes of options.routes) await app.register(routes);
}
