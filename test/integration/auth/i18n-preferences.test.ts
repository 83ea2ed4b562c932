// The web app's per-user language and time zone: GET/PATCH /v1/me/preferences and the copy in
// GET /v1/me. Each user sees and changes only their own; bad values get a 400 with a code.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { call, makeTenant, makeUser } from './auth-fixtures.ts';

t.test('user preferences', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'acme');
  const b = await makeTenant(db, config, 'globex');

  await t.test('unset until chosen, then kept and shown in /v1/me', async (t) => {
    const before = await call(app, a.tokens.member, 'GET', '/v1/me/preferences');
    t.equal(before.statusCode, 200);
    t.same(before.json().preferences, { locale: null, time_zone: null });

    const set = await call(app, a.tokens.member, 'PATCH', '/v1/me/preferences', {
      locale: 'pl',
      time_zone: 'Europe/Warsaw',
    });
    t.equal(set.statusCode, 200, set.body);
    t.same(set.json().preferences, { locale: 'pl', time_zone: 'Europe/Warsaw' });

    const onlyLocale = await call(app, a.tokens.member, 'PATCH', '/v1/me/preferences', {
      locale: 'de',
    });
    t.same(onlyLocale.json().preferences, { locale: 'de', time_zone: 'Europe/Warsaw' });

    const me = await call(app, a.tokens.member, 'GET', '/v1/me');
    t.same(me.json().preferences, { locale: 'de', time_zone: 'Europe/Warsaw' });

    const cleared = await call(app, a.tokens.member, 'PATCH', '/v1/me/preferences', {
      time_zone: null,
    });
    t.equal(cleared.statusCode, 200, cleared.body);
    t.same(cleared.json().preferences, { locale: 'de', time_zone: null }, 'null: the browser');
  });

  await t.test('per user: another user (any org) keeps their own', async (t) => {
    for (const token of [a.tokens.owner, b.tokens.member]) {
      const other = await call(app, token, 'GET', '/v1/me/preferences');
      t.same(other.json().preferences, { locale: null, time_zone: null });
    }
  });

  await t.test('bad values: 400 with a code, nothing stored', async (t) => {
    const cases: [object, string][] = [
      [{ locale: 'xx' }, 'unsupported_locale'],
      [{ time_zone: 'Mars/Olympus' }, 'unknown_time_zone'],
      [{ time_zone: '../../etc' }, 'unknown_time_zone'],
      [{ locale: 'x'.repeat(100) }, 'FST_ERR_VALIDATION'],
      [{ colour: 'red' }, 'FST_ERR_VALIDATION'],
    ];
    for (const [payload, code] of cases) {
      const answer = await call(app, b.tokens.owner, 'PATCH', '/v1/me/preferences', payload);
      t.equal(answer.statusCode, 400, JSON.stringify(payload));
      t.match(answer.json().error.code, code === 'FST_ERR_VALIDATION' ? /./ : code);
    }
    const after = await call(app, b.tokens.owner, 'GET', '/v1/me/preferences');
    t.same(after.json().preferences, { locale: null, time_zone: null });
  });

  await t.test('a cookie session needs the CSRF header to change them', async (t) => {
    await makeUser(db, 'web@acme.test', { password: 'correct horse' });
    const login = await app.inject({
      method: 'POST',
      url: '/auth/local',
      payload: { email: 'web@acme.test', password: 'correct horse' },
    });
    const cookies = {
      mylog_session: login.cookies.find((c) => c.name === 'mylog_session')?.value as string,
    };
    const payload = { locale: 'pl' };
    const url = '/v1/me/preferences';
    const without = await app.inject({ method: 'PATCH', url, cookies, payload });
    t.equal(without.statusCode, 403);
    const headers = { 'x-csrf-token': login.json().csrf_token as string };
    const withCsrf = await app.inject({ method: 'PATCH', url, cookies, headers, payload });
    t.equal(withCsrf.statusCode, 200, withCsrf.body);
    t.equal(withCsrf.json().preferences.locale, 'pl');
  });
});
