// Two tenants. Everything org B's people can name about org A answers 404 and changes nothing;
// lists show only the caller's own objects; each role is tried against each mutation.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import {
  addMembership,
  auditCount,
  call,
  makeTenant,
  makeToken,
  makeUser,
} from './auth-fixtures.ts';

t.test('tenant isolation and roles', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'org-a');
  const b = await makeTenant(db, config, 'org-b');
  const aKey = a.key.record.id;
  const aUser = a.users.viewer.id;

  type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
  // Every admin and read endpoint, aimed at org A's objects (by id and by slug).
  const onA: [Method, string, object?][] = [
    ['GET', `/v1/orgs/${a.org.id}`],
    ['GET', `/v1/orgs/${a.org.slug}`],
    ['PATCH', `/v1/orgs/${a.org.id}`, { name: 'pwned' }],
    ['GET', `/v1/orgs/${a.org.id}/apps`],
    ['POST', `/v1/orgs/${a.org.id}/apps`, { name: 'intruder' }],
    ['GET', `/v1/orgs/${a.org.id}/apps/${a.app.id}`],
    ['PATCH', `/v1/orgs/${a.org.id}/apps/${a.app.id}`, { retention_days: 1 }],
    ['DELETE', `/v1/orgs/${a.org.id}/apps/${a.app.id}`],
    ['GET', `/v1/apps/${a.app.id}/keys`],
    ['POST', `/v1/apps/${a.app.id}/keys`, { name: 'intruder' }],
    ['POST', `/v1/apps/${a.app.id}/keys/${aKey}/rotate`, { overlap_seconds: 0 }],
    ['POST', `/v1/apps/${a.app.id}/keys/${aKey}/revoke`],
    ['GET', `/v1/orgs/${a.org.id}/members`],
    ['POST', `/v1/orgs/${a.org.id}/members`, { email: 'x@evil.test', role: 'owner' }],
    ['PATCH', `/v1/orgs/${a.org.id}/members/${aUser}`, { role: 'owner' }],
    ['DELETE', `/v1/orgs/${a.org.id}/members/${aUser}`],
    ['GET', `/v1/audit?org=${a.org.id}`],
    // B's own app id with A's org, and A's app via B's org: mixing scopes must not leak either.
    ['GET', `/v1/orgs/${b.org.id}/apps/${a.app.id}`],
    ['DELETE', `/v1/orgs/${b.org.id}/apps/${a.app.id}`],
    ['POST', `/v1/apps/${b.app.id}/keys/${aKey}/revoke`],
    ['POST', `/v1/apps/${b.app.id}/keys/${aKey}/rotate`, { overlap_seconds: 0 }],
  ];
  const MIXED = 4;

  const snapshot = async () => ({
    orgs: await db.selectFrom('orgs').selectAll().orderBy('id').execute(),
    apps: await db.selectFrom('apps').selectAll().orderBy('id').execute(),
    keys: await db.selectFrom('ingest_keys').selectAll().orderBy('id').execute(),
    members: await db.selectFrom('memberships').selectAll().orderBy('user_id').execute(),
    audit: await auditCount(db),
  });

  await t.test('org B users of every role get 404 on org A ids and change nothing', async (t) => {
    const before = await snapshot();
    for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
      for (const [index, [method, url, body]] of onA.entries()) {
        const response = await call(app, b.tokens[role], method, url, body);
        // Addressed through B's own org, a low role is refused before any lookup: 403 either way,
        // so the answer still says nothing about A's objects.
        const mixed = index >= onA.length - MIXED;
        const expected =
          mixed && method !== 'GET' && (role === 'member' || role === 'viewer') ? 403 : 404;
        t.equal(response.statusCode, expected, `${role} ${method} ${url} → ${response.body}`);
      }
    }
    t.same(await snapshot(), before, 'nothing changed');
  });

  await t.test('lists return only the caller’s objects', async (t) => {
    const orgs = (await call(app, b.tokens.viewer, 'GET', '/v1/orgs')).json().orgs;
    t.same(
      orgs.map((o: { slug: string }) => o.slug),
      ['org-b'],
    );
    const me = (await call(app, b.tokens.viewer, 'GET', '/v1/me')).json();
    t.same(
      me.apps.map((x: { id: string }) => x.id),
      [b.app.id],
      '/v1/me lists only readable apps',
    );
    const audit = (await call(app, b.tokens.owner, 'GET', '/v1/audit')).json().entries;
    t.ok(
      audit.every((e: { org_id: string | null }) => e.org_id === b.org.id),
      'audit shows only own org',
    );
    const members = (await call(app, b.tokens.viewer, 'GET', `/v1/orgs/${b.org.id}/members`)).json()
      .members;
    t.ok(members.every((m: { email: string }) => m.email.endsWith('@org-b.test')));
    const keys = (await call(app, b.tokens.admin, 'GET', `/v1/apps/web/keys`)).json().keys;
    t.same(
      keys.map((k: { app_id: string }) => k.app_id),
      [b.app.id],
      'app slug resolves within own orgs',
    );
    const tokens = (await call(app, b.tokens.viewer, 'GET', '/v1/tokens')).json().tokens;
    t.equal(tokens.length, 1, 'only own tokens');
    const aToken = await db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', a.users.viewer.id)
      .executeTakeFirstOrThrow();
    t.equal(
      (await call(app, b.tokens.viewer, 'DELETE', `/v1/tokens/${aToken.id}`)).statusCode,
      404,
      'foreign token: 404',
    );
  });

  await t.test('platform endpoints are hidden from tenants', async (t) => {
    const response = await call(app, b.tokens.owner, 'POST', '/v1/orgs', { name: 'new' });
    t.equal(response.statusCode, 404);
    const disable = await call(app, b.tokens.owner, 'PATCH', `/v1/orgs/${b.org.id}`, {
      disabled: true,
    });
    t.equal(disable.statusCode, 403, 'owners cannot disable their own org');
  });

  await t.test('each role against each mutation in its own org', async (t) => {
    const minimum: Record<string, 'owner' | 'admin'> = {};
    let n = 0;
    const mutations: [string, 'owner' | 'admin', () => [Method, string, object?]][] = [
      ['rename org', 'owner', () => ['PATCH', `/v1/orgs/${a.org.id}`, { name: `A ${++n}` }]],
      ['create app', 'admin', () => ['POST', `/v1/orgs/${a.org.id}/apps`, { name: `app ${++n}` }]],
      [
        'update app',
        'admin',
        () => ['PATCH', `/v1/orgs/${a.org.id}/apps/${a.app.id}`, { retention_days: 10 + ++n }],
      ],
      ['create key', 'admin', () => ['POST', `/v1/apps/${a.app.id}/keys`, { name: `k${++n}` }]],
      [
        'invite member',
        'admin',
        () => ['POST', `/v1/orgs/${a.org.id}/members`, { email: `m${++n}@x.test`, role: 'viewer' }],
      ],
    ];
    for (const [name, min, build] of mutations) {
      minimum[name] = min;
      for (const role of ['viewer', 'member', 'admin', 'owner'] as const) {
        const allowed = role === 'owner' || (min === 'admin' && role === 'admin');
        const before = await auditCount(db);
        const [method, url, body] = build();
        const response = await call(app, a.tokens[role], method, url, body);
        t.equal(
          response.statusCode >= 200 && response.statusCode < 300,
          allowed,
          `${role} ${name}: ${response.statusCode}`,
        );
        if (!allowed) t.equal(response.json().error.code, 'insufficient_role');
        t.equal(await auditCount(db), before + (allowed ? 1 : 0), `${role} ${name}: audit entries`);
      }
    }
    // Role changes: admins manage members but not owners; the last owner stays.
    const target = await makeUser(db, 'target@org-a.test');
    // (Adding by e-mail is an invitation until the address signs in: see hardening/invitations.)
    await addMembership(db, a.org.id, target, 'viewer');
    t.equal(
      (
        await call(app, a.tokens.member, 'PATCH', `/v1/orgs/${a.org.id}/members/${target.id}`, {
          role: 'member',
        })
      ).statusCode,
      403,
    );
    t.equal(
      (
        await call(app, a.tokens.admin, 'PATCH', `/v1/orgs/${a.org.id}/members/${target.id}`, {
          role: 'member',
        })
      ).statusCode,
      200,
    );
    t.equal(
      (
        await call(app, a.tokens.admin, 'PATCH', `/v1/orgs/${a.org.id}/members/${target.id}`, {
          role: 'owner',
        })
      ).statusCode,
      403,
      'admin cannot make an owner',
    );
    t.equal(
      (
        await call(
          app,
          a.tokens.admin,
          'DELETE',
          `/v1/orgs/${a.org.id}/members/${a.users.owner.id}`,
        )
      ).statusCode,
      403,
      'admin cannot remove an owner',
    );
    const last = await call(
      app,
      a.tokens.owner,
      'DELETE',
      `/v1/orgs/${a.org.id}/members/${a.users.owner.id}`,
    );
    t.equal(last.statusCode, 409);
    t.equal(last.json().error.code, 'last_owner');
    const demote = await call(
      app,
      a.tokens.owner,
      'PATCH',
      `/v1/orgs/${a.org.id}/members/${a.users.owner.id}`,
      { role: 'admin' },
    );
    t.equal(demote.statusCode, 409, 'the last owner cannot demote themselves');
    t.equal(
      (await call(app, a.tokens.admin, 'DELETE', `/v1/orgs/${a.org.id}/members/${target.id}`))
        .statusCode,
      200,
    );
  });

  await t.test('read-only tokens never mutate', async (t) => {
    const readOnly = await makeToken(db, config, a.users.owner, 'read');
    t.equal((await call(app, readOnly, 'GET', `/v1/orgs/${a.org.id}/apps`)).statusCode, 200);
    const response = await call(app, readOnly, 'POST', `/v1/orgs/${a.org.id}/apps`, {
      name: 'nope',
    });
    t.equal(response.statusCode, 403);
    t.equal(response.json().error.code, 'insufficient_scope');
  });

  await t.test('platform admin manages orgs', async (t) => {
    const root = await makeUser(db, 'root@platform.test', { platformAdmin: true });
    const token = await makeToken(db, config, root);
    const created = await call(app, token, 'POST', '/v1/orgs', { name: 'Org C', slug: 'org-c' });
    t.equal(created.statusCode, 201);
    const all = (await call(app, token, 'GET', '/v1/orgs'))
      .json()
      .orgs.map((o: { slug: string }) => o.slug);
    t.ok(['org-a', 'org-b', 'org-c'].every((s) => all.includes(s)));
    const invite = await call(app, token, 'POST', '/v1/orgs/org-c/members', {
      email: 'owner@org-c.test',
      role: 'owner',
    });
    t.equal(
      invite.statusCode,
      202,
      'a new org gets its first owner (invited) from a platform admin',
    );
    const disabled = await call(app, token, 'PATCH', `/v1/orgs/${b.org.id}`, { disabled: true });
    t.equal(disabled.statusCode, 200);
    t.equal(
      (await call(app, b.tokens.owner, 'GET', `/v1/orgs/${b.org.id}`)).statusCode,
      404,
      'a disabled org disappears for its members',
    );
  });

  t.equal((await app.inject({ url: '/v1/me' })).statusCode, 401, 'no credentials: 401');
  t.equal(
    (await app.inject({ url: '/v1/me', headers: { authorization: 'Bearer mlt_nonsense' } }))
      .statusCode,
    401,
  );
});
