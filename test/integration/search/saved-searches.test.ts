// /v1/saved-searches: CRUD, visibility (private vs org), roles, validation, audit.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { auditCount, call, makeTenant } from '../auth/auth-fixtures.ts';

t.test('saved searches', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'saved-a');
  const audit0 = await auditCount(db);

  const mine = await call(app, a.tokens.member, 'POST', '/v1/saved-searches', {
    org: a.org.slug,
    name: 'errors in checkout',
    query: 'level:error service:checkout',
    from: 'now-24h',
    apps: ['web'],
  });
  t.equal(mine.statusCode, 201, mine.body);
  const search = mine.json().saved_search;
  t.match(search, {
    org_id: a.org.id,
    owner_user_id: a.users.member.id,
    name: 'errors in checkout',
    query: 'level:error service:checkout',
    from: 'now-24h',
    to: null,
    apps: [a.app.id],
    visibility: 'private',
  });

  const shared = (
    await call(app, a.tokens.member, 'POST', '/v1/saved-searches', {
      org: a.org.id,
      name: 'shared',
      query: 'timeout',
      visibility: 'org',
    })
  ).json().saved_search;

  await t.test('visibility', async (t) => {
    const own = (await call(app, a.tokens.member, 'GET', '/v1/saved-searches')).json();
    t.same(own.saved_searches.map((s: { name: string }) => s.name).sort(), [
      'errors in checkout',
      'shared',
    ]);
    const other = (
      await call(app, a.tokens.viewer, 'GET', `/v1/saved-searches?org=${a.org.slug}`)
    ).json();
    t.same(
      other.saved_searches.map((s: { name: string }) => s.name),
      ['shared'],
      'private searches are the owner’s alone',
    );
    t.equal(
      (await call(app, a.tokens.viewer, 'GET', `/v1/saved-searches/${search.id}`)).statusCode,
      404,
    );
    t.equal(
      (await call(app, a.tokens.viewer, 'GET', `/v1/saved-searches/${shared.id}`)).statusCode,
      200,
    );
  });

  await t.test('roles', async (t) => {
    const viewerCreate = await call(app, a.tokens.viewer, 'POST', '/v1/saved-searches', {
      org: a.org.id,
      name: 'nope',
    });
    t.equal(viewerCreate.statusCode, 403, 'viewers only read');
    const viewerEdit = await call(
      app,
      a.tokens.viewer,
      'PATCH',
      `/v1/saved-searches/${shared.id}`,
      {
        name: 'x',
      },
    );
    t.equal(viewerEdit.statusCode, 403);
    const adminEdit = await call(app, a.tokens.admin, 'PATCH', `/v1/saved-searches/${shared.id}`, {
      name: 'shared (renamed by admin)',
    });
    t.equal(adminEdit.statusCode, 200, 'admins manage shared searches');
    const adminPrivate = await call(
      app,
      a.tokens.admin,
      'PATCH',
      `/v1/saved-searches/${search.id}`,
      {
        name: 'x',
      },
    );
    t.equal(adminPrivate.statusCode, 404, 'but never see private ones');
  });

  await t.test('validation', async (t) => {
    const badQuery = await call(app, a.tokens.member, 'POST', '/v1/saved-searches', {
      org: a.org.id,
      name: 'bad',
      query: 'a OR',
    });
    t.equal(badQuery.statusCode, 400);
    t.equal(badQuery.json().error.code, 'invalid_query');
    t.equal(typeof badQuery.json().error.details.position, 'number');
    const badTime = await call(app, a.tokens.member, 'PATCH', `/v1/saved-searches/${search.id}`, {
      from: 'last tuesday',
    });
    t.equal(badTime.json().error.code, 'invalid_time');
    const badApp = await call(app, a.tokens.member, 'POST', '/v1/saved-searches', {
      org: a.org.id,
      name: 'x',
      apps: ['no-such-app'],
    });
    t.equal(badApp.statusCode, 404);
    const extra = await call(app, a.tokens.member, 'POST', '/v1/saved-searches', {
      org: a.org.id,
      name: 'x',
      owner_user_id: a.users.owner.id,
    });
    t.equal(extra.statusCode, 400);
  });

  await t.test('update, delete, audit', async (t) => {
    const updated = await call(app, a.tokens.member, 'PATCH', `/v1/saved-searches/${search.id}`, {
      query: 'level:fatal',
      visibility: 'org',
      apps: [],
    });
    t.equal(updated.statusCode, 200, updated.body);
    t.match(updated.json().saved_search, { query: 'level:fatal', visibility: 'org', apps: [] });
    const deleted = await call(app, a.tokens.member, 'DELETE', `/v1/saved-searches/${search.id}`);
    t.equal(deleted.statusCode, 200);
    t.equal(
      (await call(app, a.tokens.member, 'GET', `/v1/saved-searches/${search.id}`)).statusCode,
      404,
    );
    const entries = await db
      .selectFrom('audit_log')
      .select(['action', 'target_id', 'actor_user_id'])
      .where('target_type', '=', 'saved_search')
      .orderBy('id')
      .execute();
    t.same(
      entries.map((e) => e.action),
      [
        'saved_search.create',
        'saved_search.create',
        'saved_search.update',
        'saved_search.update',
        'saved_search.delete',
      ],
    );
    t.equal(await auditCount(db), audit0 + 5, 'refused changes are not audited');
    const readToken = await call(app, a.tokens.member, 'GET', '/v1/me');
    t.equal(readToken.statusCode, 200);
  });
});
