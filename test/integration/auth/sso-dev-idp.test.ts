// The full SSO flow against the real oidc-provider (the dev IdP mounted in MyLog), over HTTP.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import type { Teardown } from '../../helpers/services.ts';
import { Browser, freePort, location, signInAtIdp as signInAt } from './http-browser.ts';

const port = await freePort();
const base = `http://127.0.0.1:${port}`;

async function startApp(t: Teardown) {
  const ctx = await buildTestApp(t, { env: { PORT: String(port), PUBLIC_URL: base } });
  await ctx.app.listen({ port, host: '127.0.0.1' });
  return ctx;
}

/** Drives login → IdP → consent for this file's MyLog, stopping before the callback. */
function signInAtIdp(browser: Browser, email: string, password = 'demo'): Promise<string> {
  return signInAt(base, browser, email, { password, returnTo: '/explore' });
}

async function sessionCount(db: Awaited<ReturnType<typeof buildTestApp>>['db']): Promise<number> {
  const rows = await db.selectFrom('sessions').select('id').execute();
  return rows.length;
}

t.test('SSO with the dev IdP: login, consent, callback, session, logout', async (t) => {
  const { db } = await startApp(t);
  const browser = new Browser();

  const loginPage = await new Browser().request(`${base}/auth/login`);
  const firstHop = await new Browser().request(location(loginPage, base));
  t.equal(firstHop.status, 303, 'the IdP sends the browser to its login interaction');

  const callback = await signInAtIdp(browser, 'admin@demo.local');
  const query = new URL(callback).searchParams;
  t.ok(query.get('code'), 'the IdP answers with a code');
  t.ok(query.get('state'), 'and the state');

  const done = await browser.request(callback);
  t.equal(done.status, 302, await done.clone().text());
  t.equal(done.headers.get('location'), '/explore', 'back where the user started');
  t.ok(browser.cookies.get('mylog_session'), 'a session cookie is set');
  t.equal(await sessionCount(db), 1);
  const setCookie = done.headers.getSetCookie().find((c) => c.startsWith('mylog_session='));
  t.match(setCookie, /HttpOnly/i, 'session cookie is httpOnly');
  t.match(setCookie, /SameSite=Lax/i, 'and SameSite=Lax');

  const me = await browser.request(`${base}/v1/me`);
  t.equal(me.status, 200);
  const body = (await me.json()) as {
    user: { email: string };
    orgs: { slug: string; role: string }[];
    csrf_token: string;
  };
  t.equal(body.user.email, 'admin@demo.local');
  t.same(
    body.orgs.map((o) => [o.slug, o.role]),
    [['demo', 'admin']],
    'role mapped from the groups claim',
  );

  const noCsrf = await browser.request(`${base}/auth/logout`, { method: 'POST' });
  t.equal(noCsrf.status, 403, 'logout without the CSRF token is refused');
  t.equal(await sessionCount(db), 1, 'and the session survives');

  const logout = await browser.request(`${base}/auth/logout`, {
    method: 'POST',
    headers: { 'x-csrf-token': body.csrf_token },
  });
  t.equal(logout.status, 200);
  const out = (await logout.json()) as { end_session_url: string | null };
  t.match(
    out.end_session_url,
    new RegExp(`^${base}/dev-idp/session/end`),
    "the IdP's end-session endpoint",
  );
  t.equal(await sessionCount(db), 0, 'the session is gone');
  const after = await browser.request(`${base}/v1/me`);
  t.equal(after.status, 401, 'the cookie no longer works');
  const endSession = await browser.request(out.end_session_url as string);
  t.equal(endSession.status, 200, 'the IdP shows its logout confirmation');

  const viewer = new Browser();
  await viewer.request(await signInAtIdp(viewer, 'viewer@demo.local'));
  const viewerMe = (await (await viewer.request(`${base}/v1/me`)).json()) as {
    orgs: { role: string }[];
  };
  t.same(
    viewerMe.orgs.map((o) => o.role),
    ['viewer'],
  );
});

t.test('wrong password at the IdP gets no code', async (t) => {
  await startApp(t);
  const browser = new Browser();
  await t.rejects(signInAtIdp(browser, 'admin@demo.local', 'nope'), /refused the password/);
});

t.test('tampered state, replayed code, wrong nonce: refused, no session', async (t) => {
  const { db, redis, config } = await startApp(t);

  const browser = new Browser();
  const callback = await signInAtIdp(browser, 'admin@demo.local');
  const tampered = new URL(callback);
  tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
  const refused = await browser.request(tampered.toString());
  t.equal(refused.status, 401);
  t.equal(((await refused.json()) as { error: { code: string } }).error.code, 'invalid_state');
  t.equal(await sessionCount(db), 0, 'tampered state: no session');

  const replayer = new Browser();
  const genuine = await signInAtIdp(replayer, 'admin@demo.local');
  const stateCookie = replayer.cookies.get('mylog_oidc_state') as string;
  t.equal((await replayer.request(genuine)).status, 302, 'the first use works');
  replayer.cookies.delete('mylog_session');
  replayer.cookies.set('mylog_oidc_state', stateCookie);
  const replay = await replayer.request(genuine);
  t.equal(replay.status, 401, 'the same callback a second time is refused');
  t.equal(replayer.cookies.get('mylog_session'), undefined);
  t.equal(await sessionCount(db), 1, 'replayed code: still only the first session');

  const nonceVictim = new Browser();
  const nonceCallback = await signInAtIdp(nonceVictim, 'admin@demo.local');
  const state = new URL(nonceCallback).searchParams.get('state') as string;
  const key = `${config.redisKeyPrefix}:oidc:login:${state}`;
  const pending = JSON.parse((await redis.get(key)) as string) as { nonce: string };
  await redis.set(
    key,
    JSON.stringify({ ...pending, nonce: 'not-the-nonce-we-sent' }),
    'PX',
    60_000,
  );
  const wrongNonce = await nonceVictim.request(nonceCallback);
  t.equal(wrongNonce.status, 401);
  t.equal(((await wrongNonce.json()) as { error: { code: string } }).error.code, 'sso_failed');
  t.equal(await sessionCount(db), 1, 'wrong nonce: no new session');
});
