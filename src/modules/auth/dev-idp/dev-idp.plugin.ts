// The development IdP: a real oidc-provider (Koa) mounted under /dev-idp in MyLog's own server, so
// SSO works out of the box. MyLog is its only client (public client, PKCE). It refuses to start in
// production; config.auth.devIdpEnabled turns it on only without OIDC_ISSUER and outside production.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { appendAudit } from '../../audit/audit.repository.ts';
import { createOrgsRepository } from '../../orgs/orgs.repository.ts';
import { createOrg } from '../../orgs/orgs.service.ts';
import { DEV_IDP_CLIENT_ID, DEV_IDP_PATH, oidcSettings } from '../oidc-client.ts';
import { DEMO_ORG_SLUG, DEMO_PASSWORD, findDemoUser } from './demo-users.ts';
import { consentPage, loginPage } from './dev-idp-pages.ts';
import type { Db } from '../../../infra/postgres.ts';

type Jwk = Record<string, unknown>;
let signingKey: Jwk | undefined;

/** One key per process: generating RSA keys is slow and the dev IdP's tokens need not outlive it. */
function devSigningKey(): Jwk {
  signingKey ??= {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    kid: `dev-${randomBytes(4).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  };
  return signingKey;
}

export async function devIdp(app: FastifyInstance): Promise<void> {
  if (app.config.isProduction) {
    throw new Error('the development IdP must never run with NODE_ENV=production; set OIDC_ISSUER');
  }
  const settings = oidcSettings(app.config);
  if (!settings) throw new Error('the development IdP needs oidc settings');
  const roleClaim = settings.roleClaim;
  const configuration = (): Configuration => ({
    clients: [
      {
        client_id: DEV_IDP_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [settings.redirectUri],
        post_logout_redirect_uris: [`${app.config.publicUrl}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [devSigningKey()] },
    cookies: { keys: [app.config.sessionSecret ?? randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', roleClaim] },
    // The demo users' role claim must reach MyLog in the ID token itself.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction) =>
        `${DEV_IDP_PATH}/interaction/${interaction.uid}`,
    },
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const user = findDemoUser({ sub });
      if (!user) return undefined;
      return {
        accountId: user.sub,
        async claims() {
          return {
            sub: user.sub,
            email: user.email,
            email_verified: true,
            name: user.name,
            [roleClaim]: [`${DEMO_ORG_SLUG}:${user.role}`],
          };
        },
      };
    },
  });
  // oidc-provider (Koa and some 250 modules) and its RSA key are made on the first /dev-idp
  // request: most processes (workers, CLI runs, tests) never sign anyone in through it, and
  // loading them took about a fifth of every start.
  let loaded:
    Promise<{ provider: Provider; callback: ReturnType<Provider['callback']> }> | undefined;
  const oidc = () =>
    (loaded ??= import('oidc-provider').then(({ default: OidcProvider }) => {
      const provider = new OidcProvider(settings.issuer, configuration());
      return { provider, callback: provider.callback() };
    }));
  await ensureDemoOrg(app.db);

  await app.register(async (interactions) => {
    await interactions.register(formbody);
    interactions.get<{ Params: { uid: string } }>(
      `${DEV_IDP_PATH}/interaction/:uid`,
      { schema: { hide: true } },
      async (request, reply) => {
        const { provider } = await oidc();
        const details = await provider.interactionDetails(request.raw, reply.raw);
        void reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        if (details.prompt.name === 'login') return loginPage(details.uid);
        const scopes = String(details.params.scope ?? 'openid').split(' ');
        return consentPage(details.uid, String(details.params.client_id), scopes);
      },
    );

    interactions.post<{ Params: { uid: string }; Body: { email?: string; password?: string } }>(
      `${DEV_IDP_PATH}/interaction/:uid/login`,
      { schema: { hide: true } },
      async (request, reply) => {
        const { provider } = await oidc();
        const details = await provider.interactionDetails(request.raw, reply.raw);
        const user = findDemoUser({ email: request.body?.email ?? '' });
        if (!user || request.body?.password !== DEMO_PASSWORD) {
          return reply
            .status(401)
            .type('text/html; charset=utf-8')
            .send(loginPage(details.uid, 'Wrong email or password.'));
        }
        return finish(reply, () =>
          provider.interactionFinished(
            request.raw,
            reply.raw,
            { login: { accountId: user.sub } },
            { mergeWithLastSubmission: false },
          ),
        );
      },
    );

    interactions.post<{ Params: { uid: string } }>(
      `${DEV_IDP_PATH}/interaction/:uid/confirm`,
      { schema: { hide: true } },
      async (request, reply) => {
        const { provider } = await oidc();
        const details = await provider.interactionDetails(request.raw, reply.raw);
        const accountId = details.session?.accountId;
        if (!accountId)
          return reply.status(400).send({ error: { code: 'no_login', message: 'sign in first' } });
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
        if (!grant)
          return reply
            .status(400)
            .send({ error: { code: 'no_grant', message: 'grant not found' } });
        const missing = details.prompt.details as {
          missingOIDCScope?: string[];
          missingOIDCClaims?: string[];
        };
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const grantId = await grant.save();
        return finish(reply, () =>
          provider.interactionFinished(
            request.raw,
            reply.raw,
            { consent: { grantId } },
            { mergeWithLastSubmission: true },
          ),
        );
      },
    );
  });

  // Everything else under /dev-idp is oidc-provider's: hand it the raw request, body unread.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser(
      '*',
      (_request: FastifyRequest, _payload: IncomingMessage, done: (err: null) => void) =>
        done(null),
    );
    raw.all(
      `${DEV_IDP_PATH}/*`,
      { schema: { hide: true } },
      (request: FastifyRequest, reply: FastifyReply) => {
        reply.hijack();
        const req = request.raw as IncomingMessage & { originalUrl?: string };
        req.originalUrl = req.url;
        req.url = (req.url ?? '').slice(DEV_IDP_PATH.length) || '/';
        void oidc().then(
          ({ callback }) => callback(req, reply.raw),
          (error: unknown) => {
            app.log.error({ err: error }, 'the development IdP failed to load');
            reply.raw.writeHead(500, { 'content-type': 'text/plain' }).end('dev IdP unavailable');
          },
        );
      },
    );
  });
}

async function finish(reply: FastifyReply, respond: () => Promise<void>): Promise<void> {
  reply.hijack();
  await respond();
}

/** The demo org the demo users' claims point at, created once. */
async function ensureDemoOrg(db: Db): Promise<void> {
  if (await createOrgsRepository(db).findByRef(DEMO_ORG_SLUG)) return;
  await db
    .transaction()
    .execute(async (trx) => {
      const org = await createOrg(trx, { name: 'Demo', slug: DEMO_ORG_SLUG });
      await appendAudit(
        trx,
        {
          userId: null,
          tokenId: null,
          label: 'system:dev-idp',
          ip: null,
          userAgent: null,
          requestId: null,
        },
        { orgId: org.id, action: 'org.create', targetType: 'org', targetId: org.id, after: org },
      );
    })
    .catch((error: unknown) => {
      // Another instance booting at the same time created it first.
      if ((error as { code?: string }).code !== 'slug_taken') throw error;
    });
}
