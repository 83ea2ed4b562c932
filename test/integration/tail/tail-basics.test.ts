// The tail on one instance: protocol, filtering, tickets, Origin, limits, tenant isolation.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { createTenant } from '../ingest/ingest-fixtures.ts';
import { postLogs, sleep, TailClient, UpgradeRefused, userWithToken } from './tail-fixtures.ts';

t.test('tail on one instance', async (t) => {
  const { app, db, config } = await buildTestApp(t, {
    env: {
      INGEST_GROUP_COMMIT_WINDOW_MS: '10',
      INGEST_TAIL_SUBSCRIBER_CACHE_MS: '100',
      PUBLIC_URL: 'https://mylog.example.test',
      TAIL_TICKET_TTL_MS: '1000',
      TAIL_IDLE_TIMEOUT_MS: '700',
      TAIL_MAX_CONNECTIONS: '8',
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const a = await createTenant(db);
  const b = await createTenant(db);
  const alice = await userWithToken(db, config, a.orgId);
  const bob = await userWithToken(db, config, b.orgId);

  t.test('subscribe, filter in JS, batched logs messages', async (t) => {
    const client = await TailClient.open(base, { token: alice.token });
    t.teardown(() => client.close());
    const ack = await client.subscribe({ apps: [a.appId], q: 'level:error service:checkout' });
    t.equal(ack.type, 'subscribed');
    t.same(
      ack.apps.map((x: { id: string }) => x.id),
      [a.appId],
    );
    await sleep(200);
    await postLogs(base, a.key, [
      { level: 'error', service: 'checkout', message: 'payment declined #1' },
      { level: 'info', service: 'checkout', message: 'fine' },
      { level: 'error', service: 'search', message: 'other service' },
      { level: 'ERROR', service: 'checkout', message: 'payment declined #2', status: 502 },
    ]);
    const rows = await client.waitRows(2);
    t.same(
      rows.map((r) => r.message),
      ['payment declined #1', 'payment declined #2'],
    );
    const row = rows[1];
    t.match(row, {
      app_id: a.appId,
      level: 'error',
      service: 'checkout',
      attributes: { status: '502' },
    });
    t.match(row?.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/, 'ts is RFC 3339 with nanoseconds');
    t.notOk('org_id' in (row ?? {}), 'no org id in the client row');

    // Re-subscribing changes the filter on the same socket.
    const again = await client.subscribe({ apps: [a.appId], q: '"other service"' });
    t.equal(again.type, 'subscribed');
    await postLogs(base, a.key, [
      { level: 'error', service: 'checkout', message: 'payment declined #3' },
      { level: 'error', service: 'search', message: 'other service again' },
    ]);
    const after = await client.waitRows(3);
    t.same(
      after.slice(2).map((r) => r.message),
      ['other service again'],
    );
    await sleep(300);
    t.equal(client.rows().length, 3, 'nothing of the old filter arrives after the change');
  });

  t.test('bad messages and bad queries answer an error and keep the socket', async (t) => {
    const client = await TailClient.open(base, { token: alice.token });
    t.teardown(() => client.close());
    client.ws.send('not json');
    t.match(await client.next((m) => m.type === 'error'), { code: 'invalid_message' });
    const bad = await client.subscribe({ apps: [a.appId], q: 'level:(error' });
    t.match(bad, { type: 'error', code: 'invalid_query', details: { position: Number } });
    const n = client.messages.length;
    client.send({ type: 'ping' });
    t.match(await client.next((m) => m.type === 'pong', 5_000, n), { type: 'pong' });
  });

  t.test('org B cannot tail org A, by any route', async (t) => {
    const client = await TailClient.open(base, { token: bob.token });
    t.teardown(() => client.close());
    const refused = await client.subscribe({ apps: [a.appId], q: '' });
    t.match(refused, { type: 'error', code: 'not_found' });
    // Its own app is fine; then switching to the foreign app (or adding it) is refused too,
    // and the previous subscription is gone.
    t.match(await client.subscribe({ apps: [b.appId], q: '' }), { type: 'subscribed' });
    t.match(await client.subscribe({ apps: [b.appId, a.appId], q: '' }), {
      type: 'error',
      code: 'not_found',
    });
    t.match(await client.subscribe({ apps: [], q: 'app:' + a.appId }), { type: 'subscribed' });
    await sleep(200);
    await postLogs(base, a.key, [{ message: 'secret of org A' }]);
    await postLogs(base, b.key, [{ message: 'org B row' }]);
    await sleep(800);
    const messages = client.rows().map((r) => r.message);
    t.notOk(messages.includes('secret of org A'), 'no row of org A ever arrives');
    t.notOk(JSON.stringify(client.messages).includes(a.orgId), 'org A is never named');
  });

  t.test('losing the membership ends the subscription at the next check', async (t) => {
    const carol = await userWithToken(db, config, a.orgId);
    const client = await TailClient.open(base, { token: carol.token });
    t.teardown(() => client.close());
    t.match(await client.subscribe({ apps: [a.appId], q: '' }), { type: 'subscribed' });
    await db.deleteFrom('memberships').where('user_id', '=', carol.user.id).execute();
    // A re-subscribe checks again right away.
    t.match(await client.subscribe({ apps: [a.appId], q: '' }), {
      type: 'error',
      code: 'not_found',
    });
  });

  t.test('tickets: single use, expiring, bound to the user', async (t) => {
    const issue = async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/tail/ticket',
        headers: { authorization: `Bearer ${alice.token}` },
      });
      t.equal(res.statusCode, 201, res.body);
      return res.json<{ ticket: string; expires_at: string }>().ticket;
    };
    const ticket = await issue();
    const client = await TailClient.open(base, { ticket });
    t.teardown(() => client.close());
    t.match(await client.subscribe({ apps: [a.appId], q: '' }), { type: 'subscribed' });
    t.match(await client.subscribe({ apps: [b.appId], q: '' }), { type: 'error' }, 'as alice');
    await t.rejects(TailClient.open(base, { ticket }), new UpgradeRefused(401), 'used once');
    const stale = await issue();
    await sleep(1_200);
    await t.rejects(TailClient.open(base, { ticket: stale }), new UpgradeRefused(401), 'expired');
    await t.rejects(
      TailClient.open(base, { ticket: 'mltk_' + 'x'.repeat(43) }),
      new UpgradeRefused(401),
    );
    await t.rejects(TailClient.open(base), new UpgradeRefused(401), 'no credential at all');
    const noCsrf = await app.inject({ method: 'POST', url: '/v1/tail/ticket' });
    t.equal(noCsrf.statusCode, 401);
  });

  t.test('Origin must be the public URL (or an allowed origin)', async (t) => {
    await t.rejects(
      TailClient.open(base, { token: alice.token, origin: 'https://evil.example' }),
      new UpgradeRefused(403),
    );
    const ok = await TailClient.open(base, {
      token: alice.token,
      origin: 'https://mylog.example.test',
    });
    ok.close();
  });

  t.test('idle sockets are closed; connections are capped', async (t) => {
    const idle = await TailClient.open(base, { token: alice.token });
    t.match(await idle.closed, { code: 4408 });
    const open: TailClient[] = [];
    t.teardown(() => open.forEach((c) => c.close()));
    let refused: unknown;
    for (let i = 0; i < 10 && !refused; i++) {
      await TailClient.open(base, { token: alice.token }).then(
        (c) => {
          open.push(c);
          return c.subscribe({ apps: [a.appId], q: '' });
        },
        (error: unknown) => {
          refused = error;
        },
      );
    }
    t.equal(open.length, 8, 'TAIL_MAX_CONNECTIONS sockets open');
    t.same(refused, new UpgradeRefused(503));
  });

  t.test('metrics', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    for (const name of [
      'mylog_tail_sockets_open',
      'mylog_tail_apps_subscribed',
      'mylog_tail_rows_sent_total',
      'mylog_tail_rows_dropped_total',
      'mylog_tail_delivery_latency_seconds_bucket',
    ]) {
      t.match(res.body, name);
    }
  });

  t.test('shutdown closes sockets with 1012 (reconnect)', async (t) => {
    const client = await TailClient.open(base, { token: alice.token });
    await client.subscribe({ apps: [a.appId], q: '' });
    await app.close();
    const { code, reason } = await client.closed;
    t.equal(code, 1012);
    t.match(reason, /reconnect/);
  });
});
