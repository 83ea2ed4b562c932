// Key rotation and revocation as the ingest path sees them (resolveByHash + pub/sub), the audit
// trail (one entry per mutation, append-only), CSRF for cookie sessions, and local login limits.
import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp } from '../../helpers/app.ts';
import { createRedis } from '../../../src/infra/redis.ts';
import { hashSecret } from '../../../src/infra/secret-token.ts';
import {
  subscribeToIngestKeyRevocations,
  type IngestKeyRevokedMessage,
} from '../../../src/modules/ingest-keys/ingest-key-events.ts';
import { createIngestKeysRepository } from '../../../src/modules/ingest-keys/ingest-keys.repository.ts';
import { auditCount, call, makeTenant, makeUser } from './auth-fixtures.ts';

t.test('keys, audit, CSRF, local login', async (t) => {
  const { app, db, config } = await buildTestApp(t, {
    env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '8' },
  });
  const a = await makeTenant(db, config, 'acme');
  const keys = createIngestKeysRepository(db);

  const subscriber = createRedis(config.redisUrl as string);
  t.teardown(() => subscriber.quit());
  const received: IngestKeyRevokedMessage[] = [];
  await subscribeToIngestKeyRevocations(subscriber, config, (m) => received.push(m));
  const waitFor = async (predicate: () => boolean) => {
    for (let i = 0; i < 100 && !predicate(); i += 1) await new Promise((r) => setTimeout(r, 20));
    return predicate();
  };

  await t.test('rotation with overlap, then revocation', async (t) => {
    const created = await call(app, a.tokens.admin, 'POST', `/v1/apps/${a.app.id}/keys`, {
      name: 'ci',
    });
    t.equal(created.statusCode, 201);
    const oldKey = created.json().key as string;
    t.match(oldKey, /^mlk_/);
    t.notOk((await keys.resolveByHash(hashSecret(oldKey)))?.expired, 'new key resolves');

    const listed = (await call(app, a.tokens.admin, 'GET', `/v1/apps/${a.app.id}/keys`)).json()
      .keys;
    t.notOk(JSON.stringify(listed).includes(oldKey), 'lists never show the key');
    t.ok(listed.every((k: { display_prefix: string }) => k.display_prefix.startsWith('mlk_')));

    const rotated = await call(
      app,
      a.tokens.admin,
      'POST',
      `/v1/apps/${a.app.id}/keys/${created.json().record.id}/rotate`,
      {
        overlap_seconds: 60,
      },
    );
    t.equal(rotated.statusCode, 201, rotated.body);
    const newKey = rotated.json().key as string;
    const oldResolved = await keys.resolveByHash(hashSecret(oldKey));
    const newResolved = await keys.resolveByHash(hashSecret(newKey));
    t.equal(oldResolved?.expired, false, 'the old key still works during the overlap');
    t.ok(
      oldResolved?.expiresAt && oldResolved.expiresAt.getTime() > Date.now() + 50_000,
      'until now + overlap',
    );
    t.equal(newResolved?.expired, false, 'the new key works');
    t.equal(rotated.json().previous.replaced_by, rotated.json().record.id);
    t.ok(
      await waitFor(() =>
        received.some((m) => m.key_hash === hashSecret(oldKey) && m.reason === 'rotated'),
      ),
      'caches told',
    );

    const again = await call(
      app,
      a.tokens.admin,
      'POST',
      `/v1/apps/${a.app.id}/keys/${created.json().record.id}/rotate`,
      {
        overlap_seconds: 0,
      },
    );
    t.equal(again.statusCode, 400, 'a rotated key cannot be rotated twice');

    const revoked = await call(
      app,
      a.tokens.admin,
      'POST',
      `/v1/apps/${a.app.id}/keys/${rotated.json().record.id}/revoke`,
    );
    t.equal(revoked.statusCode, 200);
    t.equal(
      (await keys.resolveByHash(hashSecret(newKey)))?.revoked,
      true,
      'revoked at once for resolveByHash',
    );
    t.ok(
      await waitFor(() =>
        received.some((m) => m.key_hash === hashSecret(newKey) && m.reason === 'revoked'),
      ),
      'the revoked hash was published on the channel',
    );
    const message = received.find((m) => m.reason === 'revoked');
    t.same(message, {
      key_hash: hashSecret(newKey),
      key_id: rotated.json().record.id,
      app_id: a.app.id,
      org_id: a.org.id,
      reason: 'revoked',
    });

    const zero = await call(
      app,
      a.tokens.admin,
      'POST',
      `/v1/apps/${a.app.id}/keys/${a.key.record.id}/rotate`,
      { overlap_seconds: 0 },
    );
    t.equal(zero.statusCode, 201);
    t.equal(
      (await keys.resolveByHash(hashSecret(a.key.key)))?.expired,
      true,
      'overlap 0: the old key stops now',
    );

    const deleted = await call(
      app,
      a.tokens.admin,
      'DELETE',
      `/v1/orgs/${a.org.id}/apps/${a.app.id}`,
    );
    t.equal(deleted.statusCode, 200);
    t.equal(
      await keys.resolveByHash(hashSecret(zero.json().key)),
      undefined,
      'a deleted app’s keys resolve to nothing',
    );
    t.ok(await waitFor(() => received.some((m) => m.reason === 'app_deleted')));
  });

  await t.test('audit: one entry per mutation, filters, append-only', async (t) => {
    const before = await auditCount(db);
    const app2 = await call(app, a.tokens.owner, 'POST', `/v1/orgs/${a.org.id}/apps`, {
      name: 'Billing',
    });
    t.equal(app2.statusCode, 201);
    t.equal(await auditCount(db), before + 1);
    const entries = (
      await call(
        app,
        a.tokens.owner,
        'GET',
        `/v1/audit?org=${a.org.slug}&action=app.create&limit=1`,
      )
    ).json();
    const entry = entries.entries[0];
    t.equal(entry.action, 'app.create');
    t.equal(entry.target_id, app2.json().app.id);
    t.equal(entry.actor_user_id, a.users.owner.id);
    t.equal(entry.actor_label, 'owner@acme.test (token)');
    t.ok(entry.ip, 'records the client IP');
    t.equal(entry.after.app.name, 'Billing', 'records the state after');

    const patched = await call(
      app,
      a.tokens.owner,
      'PATCH',
      `/v1/orgs/${a.org.id}/apps/${app2.json().app.id}`,
      { retention_days: 7 },
    );
    t.equal(patched.statusCode, 200);
    const update = (
      await call(
        app,
        a.tokens.owner,
        'GET',
        `/v1/audit?target=${app2.json().app.id}&action=app.update`,
      )
    ).json().entries[0];
    t.equal(update.before.retention_days, 180);
    t.equal(update.after.retention_days, 7);

    const page1 = (
      await call(app, a.tokens.owner, 'GET', `/v1/audit?org=${a.org.id}&limit=2`)
    ).json();
    t.equal(page1.entries.length, 2);
    t.ok(page1.next_cursor);
    const page2 = (
      await call(
        app,
        a.tokens.owner,
        'GET',
        `/v1/audit?org=${a.org.id}&limit=2&cursor=${page1.next_cursor}`,
      )
    ).json();
    t.ok(page2.entries[0].id < page1.entries[1].id, 'pages go back in time');
    t.equal(
      (await call(app, a.tokens.viewer, 'GET', `/v1/audit?org=${a.org.id}`)).statusCode,
      403,
      'viewers do not read audit',
    );

    await t.rejects(sql`UPDATE audit_log SET action = 'x'`.execute(db), /append-only/);
    await t.rejects(sql`DELETE FROM audit_log`.execute(db), /append-only/);
    await t.rejects(sql`TRUNCATE audit_log`.execute(db), /append-only/);
    t.equal(await auditCount(db), before + 2, 'still there');
  });

  await t.test('local login, session cookie, CSRF, rate limits', async (t) => {
    await makeUser(db, 'root@platform.test', { password: 'correct horse', platformAdmin: true });
    const bad = await app.inject({
      method: 'POST',
      url: '/auth/local',
      payload: { email: 'root@platform.test', password: 'wrong' },
    });
    t.equal(bad.statusCode, 401);
    t.equal(bad.json().error.code, 'invalid_credentials');
    const unknown = await app.inject({
      method: 'POST',
      url: '/auth/local',
      payload: { email: 'nobody@x.test', password: 'x' },
    });
    t.equal(unknown.json().error.code, 'invalid_credentials', 'unknown users look the same');
    const form = await app.inject({
      method: 'POST',
      url: '/auth/local',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=root%40platform.test&password=correct+horse',
    });
    t.equal(form.statusCode, 415, 'cross-site form posts cannot log in');

    const ok = await app.inject({
      method: 'POST',
      url: '/auth/local',
      payload: { email: 'ROOT@platform.test', password: 'correct horse' },
    });
    t.equal(ok.statusCode, 200, ok.body);
    const session = ok.cookies.find((c) => c.name === 'mylog_session');
    t.ok(session?.httpOnly);
    t.equal(session?.sameSite, 'Lax');
    const csrf = ok.json().csrf_token as string;
    const cookies = { mylog_session: session?.value as string };

    const withoutCsrf = await app.inject({
      method: 'POST',
      url: '/v1/orgs',
      cookies,
      payload: { name: 'Via Cookie' },
    });
    t.equal(withoutCsrf.statusCode, 403);
    t.equal(withoutCsrf.json().error.code, 'csrf_token_invalid');
    const wrongCsrf = await app.inject({
      method: 'POST',
      url: '/v1/orgs',
      cookies,
      headers: { 'x-csrf-token': `${csrf.slice(1)}x` },
      payload: { name: 'Via Cookie' },
    });
    t.equal(wrongCsrf.statusCode, 403);
    t.notOk(
      await db.selectFrom('orgs').select('id').where('slug', '=', 'via-cookie').executeTakeFirst(),
      'nothing created',
    );
    const withCsrf = await app.inject({
      method: 'POST',
      url: '/v1/orgs',
      cookies,
      headers: { 'x-csrf-token': csrf },
      payload: { name: 'Via Cookie' },
    });
    t.equal(withCsrf.statusCode, 201);
    t.equal(
      (await app.inject({ url: '/v1/me', cookies })).statusCode,
      200,
      'reads need no CSRF token',
    );

    const relogin = await app.inject({
      method: 'POST',
      url: '/auth/local',
      cookies,
      payload: { email: 'root@platform.test', password: 'correct horse' },
    });
    t.equal(relogin.statusCode, 200);
    t.equal(
      (await app.inject({ url: '/v1/me', cookies })).statusCode,
      401,
      'the session is rotated at login',
    );

    for (let i = 0; i < 3; i += 1) {
      await app.inject({
        method: 'POST',
        url: '/auth/local',
        payload: { email: 'root@platform.test', password: 'guess' },
      });
    }
    const limited = await app.inject({
      method: 'POST',
      url: '/auth/local',
      payload: { email: 'root@platform.test', password: 'correct horse' },
    });
    t.equal(limited.statusCode, 429, 'per-account limit');
    t.ok(Number(limited.headers['retry-after']) > 0);
    for (let i = 0; i < 4; i += 1) {
      await app.inject({
        method: 'POST',
        url: '/auth/local',
        payload: { email: `spray${i}@x.test`, password: 'guess' },
      });
    }
    const sprayed = await app.inject({
      method: 'POST',
      url: '/auth/local',
      payload: { email: 'fresh@x.test', password: 'guess' },
    });
    t.equal(sprayed.statusCode, 429, 'per-IP limit');
  });

  await t.test('API tokens via the API', async (t) => {
    const created = await call(app, a.tokens.viewer, 'POST', '/v1/tokens', {
      name: 'script',
      scope: 'read',
      expires_in_days: 30,
    });
    t.equal(created.statusCode, 201);
    const token = created.json().token as string;
    t.match(token, /^mlt_/);
    t.equal((await call(app, token, 'GET', '/v1/me')).json().token_scope, 'read');
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.json().record.id)
      .executeTakeFirstOrThrow();
    t.equal(row.token_hash, hashSecret(token), 'only the hash is stored');
    t.equal((await call(app, a.tokens.viewer, 'DELETE', `/v1/tokens/${row.id}`)).statusCode, 200);
    t.equal(
      (await call(app, token, 'GET', '/v1/me')).statusCode,
      401,
      'a revoked token stops working',
    );
  });

  await t.test('OpenAPI document', async (t) => {
    // /docs/json needs a signed-in caller (DOCS_ACCESS); the document itself is the same.
    const doc = app.swagger() as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    for (const path of [
      '/v1/orgs',
      '/v1/orgs/{org}/apps',
      '/v1/apps/{app}/keys/{key}/rotate',
      '/v1/orgs/{org}/members',
      '/v1/audit',
      '/v1/me',
      '/auth/local',
    ]) {
      t.ok(doc.paths[path], `${path} documented`);
    }
    t.ok(doc.components.securitySchemes.bearerToken);
  });
});
