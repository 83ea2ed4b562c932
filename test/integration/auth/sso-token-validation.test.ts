// ID token validation against a provider that lies: every bad answer is refused with no session.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { createOrg } from '../../../src/modules/orgs/orgs.service.ts';
import { startFakeIdp, type IdTokenMutation } from './fake-idp.ts';

const CLIENT_ID = 'mylog-test';

t.test('callback validation', async (t) => {
  const idp = await startFakeIdp(CLIENT_ID);
  t.teardown(idp.close);
  const { app, db } = await buildTestApp(t, {
    env: {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_REDIRECT_URI: 'http://127.0.0.1:9/auth/callback',
    },
  });
  await createOrg(db, { name: 'acme', slug: 'acme' });
  t.notOk(app.config.auth.devIdpEnabled, 'no dev IdP when OIDC_ISSUER is set');
  t.equal((await app.inject({ url: '/dev-idp/.well-known/openid-configuration' })).statusCode, 404);

  const sessions = async () => (await db.selectFrom('sessions').select('id').execute()).length;

  async function attempt(
    mutate: IdTokenMutation,
    signWith: 'right' | 'foreign' | 'hmac' | 'none' = 'right',
  ) {
    const login = await app.inject({ url: '/auth/login' });
    const authorize = new URL(login.headers.location as string);
    t.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    idp.state.nonce = authorize.searchParams.get('nonce') as string;
    idp.state.mutate = mutate;
    idp.state.signWith = signWith;
    const state = authorize.searchParams.get('state') as string;
    return app.inject({
      url: `/auth/callback?code=c0de&state=${encodeURIComponent(state)}`,
      cookies: { mylog_oidc_state: state },
    });
  }

  const cases: [string, IdTokenMutation, ('right' | 'foreign' | 'hmac' | 'none')?][] = [
    ['wrong audience', (c) => void (c.aud = 'someone-else')],
    [
      'expired token',
      (c) =>
        void (
          (c.exp = Math.floor(Date.now() / 1000) - 3600),
          (c.iat = Math.floor(Date.now() / 1000) - 7200)
        ),
    ],
    ['wrong issuer', (c) => void (c.iss = 'https://evil.example')],
    ['wrong nonce', (c) => void (c.nonce = 'other')],
    ['signed by another key', () => undefined, 'foreign'],
    ['HS256 with the client id as secret', () => undefined, 'hmac'],
    ['alg none', () => undefined, 'none'],
  ];
  for (const [name, mutate, signWith] of cases) {
    const response = await attempt(mutate, signWith);
    t.equal(response.statusCode, 401, `${name}: refused (${response.body})`);
    t.notOk(
      response.cookies.find((c) => c.name === 'mylog_session' && c.value),
      `${name}: no cookie`,
    );
    t.equal(await sessions(), 0, `${name}: no session`);
  }
  t.equal(
    (await db.selectFrom('users').select('id').execute()).length,
    0,
    'no user provisioned by a bad token',
  );

  const good = await attempt(() => undefined);
  t.equal(good.statusCode, 302, `a correct answer is accepted (${good.body})`);
  t.equal(await sessions(), 1);
  const cookie = good.cookies.find((c) => c.name === 'mylog_session')?.value as string;
  const me = await app.inject({ url: '/v1/me', cookies: { mylog_session: cookie } });
  t.same(
    me.json().orgs.map((o: { slug: string; role: string }) => [o.slug, o.role]),
    [['acme', 'member']],
    'provisioned on first login with the role from the claim',
  );

  const missingCookie = await app.inject({ url: '/auth/callback?code=x&state=y' });
  t.equal(missingCookie.statusCode, 401, 'a callback without the state cookie is refused');
});
