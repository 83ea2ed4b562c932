// Delivery on one instance: resume after a reconnect fills the gap from ClickHouse without
// duplicates; pause holds rows.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { createTenant } from '../ingest/ingest-fixtures.ts';
import { postLogs, sleep, TailClient, userWithToken, type Row } from './tail-fixtures.ts';

t.test('tail delivery', async (t) => {
  const { app, db, config } = await buildTestApp(t, {
    env: {
      INGEST_GROUP_COMMIT_WINDOW_MS: '10',
      INGEST_TAIL_SUBSCRIBER_CACHE_MS: '200',
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const tenant = await createTenant(db);
  const { token } = await userWithToken(db, config, tenant.orgId);

  t.test('reconnect with last_id: no gap, no duplicate', async (t) => {
    const first = await TailClient.open(base, { token });
    t.match(await first.subscribe({ apps: [tenant.appId], q: 'kind:seq' }), {
      type: 'subscribed',
    });
    await sleep(300);
    let sending = true;
    t.teardown(() => {
      sending = false;
    });
    let seq = 0;
    const sender = (async () => {
      while (sending) {
        const batch = Array.from({ length: 5 }, () => ({
          message: `n${seq}`,
          kind: 'seq',
          seq: seq++,
        }));
        await postLogs(base, tenant.key, [...batch, { message: 'noise', kind: 'other' }]);
        await sleep(15);
      }
    })();
    await first.waitRows(50);
    first.ws.terminate();
    const seenBefore = first.rows();
    const lastId = (seenBefore.at(-1) as Row).id;
    await sleep(1_000); // rows keep coming while the client is away

    const second = await TailClient.open(base, { token });
    t.teardown(() => second.close());
    t.match(await second.subscribe({ apps: [tenant.appId], q: 'kind:seq', last_id: lastId }), {
      type: 'subscribed',
      resume: true,
    });
    const backfill = await second.next((m) => m.type === 'backfill');
    t.equal(backfill.complete, true, 'the gap was stored before it was read');
    t.ok(backfill.rows > 0, `the gap had ${backfill.rows} rows`);
    await sleep(1_000); // live again
    sending = false;
    await sender;
    const total = seq;
    const after = await second.waitRows(total - seenBefore.length, 20_000);
    const ids = after.map((r) => r.id);
    t.equal(new Set(ids).size, ids.length, 'no duplicate on the new socket');
    t.ok(
      ids.every((id) => id > lastId),
      'nothing at or before last_id again',
    );
    const seqs = [...seenBefore, ...after]
      .map((r) => Number(r.attributes.seq))
      .sort((a, b) => a - b);
    t.same(
      seqs,
      Array.from({ length: total }, (_, i) => i),
      `all ${total} rows exactly once across both sockets`,
    );
    t.notOk(
      second.messages.some((m) => m.type === 'dropped'),
      'nothing dropped',
    );
  });

  t.test('pause holds rows, resume delivers them', async (t) => {
    const client = await TailClient.open(base, { token });
    t.teardown(() => client.close());
    await client.subscribe({ apps: [tenant.appId], q: 'kind:pause' });
    await sleep(300);
    client.send({ type: 'pause' });
    await client.next((m) => m.type === 'paused');
    await postLogs(base, tenant.key, [{ message: 'while paused', kind: 'pause' }]);
    await sleep(500);
    t.equal(client.rows().length, 0, 'nothing while paused');
    client.send({ type: 'resume' });
    t.same(
      (await client.waitRows(1)).map((r) => r.message),
      ['while paused'],
    );
  });
});
