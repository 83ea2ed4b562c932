// Above TAIL_MAX_ROWS_PER_SECOND a tail query gets an even sample, and its sockets are told how
// many matching rows were left out: rows received + rows reported sampled = rows that matched. A
// socket whose resume is in flight gets every row: the resume delivers what a sample would cut.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { createTenant } from '../ingest/ingest-fixtures.ts';
import { postLogs, sleep, TailClient, userWithToken } from './tail-fixtures.ts';

const MAX_ROWS_PER_SECOND = 20;

t.test('tail sampling', async (t) => {
  const { app, db, config } = await buildTestApp(t, {
    env: {
      INGEST_GROUP_COMMIT_WINDOW_MS: '10',
      // A resume waits at least this long (plus 250 ms) before it reads ClickHouse: long enough
      // that rows posted right after `subscribed` arrive while it is in flight. Each test's app
      // is new, so ingest first asks for its subscribers after the test subscribed.
      INGEST_TAIL_SUBSCRIBER_CACHE_MS: '2000',
      TAIL_MAX_ROWS_PER_SECOND: String(MAX_ROWS_PER_SECOND),
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const tenant = await createTenant(db);
  const { token } = await userWithToken(db, config, tenant.orgId);

  const sampled = (client: TailClient) =>
    client.messages
      .filter((m) => m.type === 'sampled')
      .reduce((n, m) => n + (m.count as number), 0);

  t.test('a busy query is sampled; rows kept + rows reported = rows matched', async (t) => {
    const busy = await TailClient.open(base, { token });
    const quiet = await TailClient.open(base, { token });
    t.teardown(() => {
      busy.close();
      quiet.close();
    });
    const ack = await busy.subscribe({ apps: [tenant.appId], q: 'kind:flood' });
    t.equal(ack.max_rows_per_second, MAX_ROWS_PER_SECOND, 'the limit is announced');
    await quiet.subscribe({ apps: [tenant.appId], q: 'kind:rare' });
    await sleep(300);
    const total = 400;
    await postLogs(base, tenant.key, [
      ...Array.from({ length: total }, (_, i) => ({ kind: 'flood', message: `flood ${i}` })),
      { kind: 'rare', message: 'the one rare row' },
    ]);
    await busy.next(() => busy.rows().length + sampled(busy) >= total, 20_000);
    const rows = busy.rows();
    t.equal(rows.length + sampled(busy), total, `${rows.length} kept + ${sampled(busy)} sampled`);
    t.ok(rows.length <= MAX_ROWS_PER_SECOND + 1, `at most a second's worth now: ${rows.length}`);
    const numbers = rows.map((r) => Number(r.message.split(' ')[1]));
    t.same(
      numbers,
      [...numbers].sort((x, y) => x - y),
      'the sample keeps the order of the rows',
    );
    t.ok((numbers.at(-1) ?? 0) - (numbers[0] ?? 0) > total / 2, 'and spreads over the burst');
    // Another query of the same app is not charged for the busy one's rows.
    const rare = await quiet.waitRows(1);
    t.same(
      rare.map((r) => r.message),
      ['the one rare row'],
    );
    t.equal(sampled(quiet), 0, 'nothing sampled from the quiet query');
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    const counted = Number(/^mylog_tail_rows_sampled_out_total (\d+)/m.exec(metrics.body)?.[1]);
    t.equal(counted, sampled(busy), 'the metric counts the rows left out');
  });

  t.test('a resume in flight gets every row, and no sample notice', async (t) => {
    const other = await createTenant(db);
    const viewer = await userWithToken(db, config, other.orgId);
    const client = await TailClient.open(base, { token: viewer.token });
    t.teardown(() => client.close());
    const lastId = '00000000-0000-7000-8000-000000000000';
    const ack = await client.subscribe({ apps: [other.appId], q: '', last_id: lastId });
    t.equal(ack.resume, true);
    const total = 300;
    await postLogs(
      base,
      other.key,
      Array.from({ length: total }, (_, i) => ({ message: `resumed ${i}` })),
    );
    const rows = await client.waitRows(total, 20_000);
    t.equal(rows.length, total, 'every row, from ClickHouse or held live');
    t.equal(new Set(rows.map((r) => r.id)).size, total, 'no duplicate');
    await sleep(1_200);
    t.equal(sampled(client), 0, 'no row reported as left out');
  });
});
