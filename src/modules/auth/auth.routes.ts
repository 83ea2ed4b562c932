// Signing in: SSO (GET /auth/login → IdP → GET /auth/callback) and local accounts (POST
// /auth/local). These routes are outside the user context because the caller has no session yet.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError, UnauthorizedError } from '../../infra/errors.ts';
import { requestMeta } from './auth-context.ts';
import { htmlForBrowsers } from './auth-error-page.ts';
import { createLoginRateLimiter } from './login-rate-limit.ts';
import {
  CallbackQuery,
  errorResponses,
  LocalLoginBody,
  LoginQuery,
  LoginResponse,
} from './auth.schemas.ts';
import { LOGIN_STATE_COOKIE, SsoError, type OidcClient } from './oidc-client.ts';
import { verifyAgainstDummy, verifyPassword } from './password-hash.ts';
import { openSession } from './session.service.ts';
import { claimValues, provisionSsoUser } from './sso-provisioning.ts';
import { safeReturnTo } from './return-to.ts';
import { createUsersRepository, normaliseEmail, publicUser } from './users.repository.ts';

/** A failed browser sign-in offers to start over, going back to where the user was headed. */
const startAgain = htmlForBrowsers((request) => {
  const returnTo = safeReturnTo((request.query as { return_to?: string } | undefined)?.return_to);
  return `/auth/login?return_to=${encodeURIComponent(returnTo === '/' ? '/logs' : returnTo)}`;
});

export function authRoutes(oidc: OidcClient | undefined) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const limiter = createLoginRateLimiter(app.config, app.redis);
    const requireOidc = (): OidcClient => {
      if (!oidc)
        throw new AppError(404, 'sso_not_configured', 'SSO is not configured (set OIDC_ISSUER)');
      return oidc;
    };

    app.get<{ Querystring: Static<typeof LoginQuery> }>(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Start SSO: redirects to the identity provider (authorization code + PKCE)',
          querystring: LoginQuery,
          response: { 302: { type: 'null' }, ...errorResponses(404, 503) },
        },
        errorHandler: startAgain,
      },
      async (request, reply) => {
        // The state cookie and the callback live on PUBLIC_URL's host name (cookies ignore the
        // port): a login started on another name for this server (127.0.0.1 for localhost) would
        // come back without its cookie.
        const publicUrl = new URL(app.config.publicUrl);
        if (request.hostname !== publicUrl.hostname) {
          const here = new URL(request.url, publicUrl);
          return reply.redirect(`${publicUrl.origin}${here.pathname}${here.search}`, 302);
        }
        const { url, state } = await requireOidc().begin(safeReturnTo(request.query.return_to));
        void reply.setCookie(LOGIN_STATE_COOKIE, state, {
          path: '/auth/callback',
          httpOnly: true,
          sameSite: 'lax',
          secure: app.config.auth.cookieSecure,
          maxAge: Math.floor(app.config.auth.oidcLoginTimeoutMs / 1000),
        });
        return reply.redirect(url.toString(), 302);
      },
    );

    app.get<{ Querystring: Static<typeof CallbackQuery> }>(
      '/auth/callback',
      {
        schema: {
          tags: ['auth'],
          summary: 'SSO callback: validates the answer and opens a session',
          querystring: CallbackQuery,
          response: { 302: { type: 'null' }, ...errorResponses(400, 401, 404, 409, 503) },
        },
        errorHandler: startAgain,
      },
      async (request, reply) => {
        const client = requireOidc();
        const stateCookie = request.cookies[LOGIN_STATE_COOKIE];
        void reply.clearCookie(LOGIN_STATE_COOKIE, { path: '/auth/callback' });
        const callbackUrl = new URL(client.settings.redirectUri);
        callbackUrl.search = new URL(request.url, 'http://x').search;
        const login = await client.complete(callbackUrl, stateCookie);
        const claims = { ...login.userinfo, ...login.claims };
        if (typeof claims.email !== 'string' || claims.email.length === 0) {
          throw new SsoError('sso_failed', 'the identity provider did not share an email address');
        }
        const user = await provisionSsoUser(
          app.db,
          {
            issuer: login.issuer,
            subject: login.claims.sub,
            email: claims.email,
            emailVerified: claims.email_verified !== false,
            name: typeof claims.name === 'string' ? claims.name : null,
            roleClaims: claimValues(claims[client.settings.roleClaim]),
          },
          requestMeta(request),
        );
        if (user.disabled_at !== null)
          throw new UnauthorizedError('account_disabled', 'this account is disabled');
        await openSession(app.db, app.config, request, reply, user, 'oidc', login.idToken);
        return reply.redirect(login.returnTo, 302);
      },
    );

    // JSON only: a cross-site form cannot send application/json without a CORS preflight, so
    // another site cannot log a browser into the attacker's account.
    app.post<{ Body: Static<typeof LocalLoginBody> }>(
      '/auth/local',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with a local account (platform admins outside the IdP)',
          body: LocalLoginBody,
          response: { 200: LoginResponse, ...errorResponses(400, 401, 415, 429) },
        },
      },
      async (request, reply) => {
        const email = normaliseEmail(request.body.email);
        await limiter.hit(email, request.ip);
        const user = await createUsersRepository(app.db).findByEmail(email);
        const ok =
          user?.password_hash && user.disabled_at === null
            ? await verifyPassword(request.body.password, user.password_hash)
            : await verifyAgainstDummy(request.body.password);
        if (!ok || !user)
          throw new UnauthorizedError('invalid_credentials', 'wrong email or password');
        await limiter.succeeded(email, request.ip);
        const { csrfToken } = await openSession(
          app.db,
          app.config,
          request,
          reply,
          user,
          'local',
          null,
        );
        return { user: publicUser(user), csrf_token: csrfToken };
      },
    );
  };
}
