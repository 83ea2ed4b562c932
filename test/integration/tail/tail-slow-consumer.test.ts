// A slow consumer costs the server bounded memory (TAIL_SOCKET_BUFFER_BYTES) and is told, with
// `dropped` messages, exactly how many rows it lost.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { createTenant } from '../ingest/ingest-fixtures.ts';
import { postLogs, sleep, TailClient, userWithToken } from './tail-fixtures.ts';

const BUFFER_BYTES = 64 * 1024;

t.test('slow consumer', async (t) => {
  const { app, db, config } = await buildTestApp(t, {
    env: {
      INGEST_GROUP_COMMIT_WINDOW_MS: '10',
      INGEST_TAIL_SUBSCRIBER_CACHE_MS: '200',
      TAIL_SOCKET_BUFFER_BYTES: String(BUFFER_BYTES),
      // Every row reaches the socket, so only its slowness drops rows (tail-sampling.test.ts).
      TAIL_MAX_ROWS_PER_SECOND: '0',
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const tenant = await createTenant(db);
  const { token } = await userWithToken(db, config, tenant.orgId);

  t.test('slow consumer: bounded server memory, then a dropped notice', async (t) => {
    const client = await TailClient.open(base, { token });
    t.teardown(() => client.close());
    await client.subscribe({ apps: [tenant.appId], q: 'kind:bulk' });
    await sleep(300);
    // The client stops reading: the kernel's buffers fill, then the server's.
    client.ws._socket.pause();
    const message = 'y'.repeat(4096);
    const total = 6_000;
    let maxBuffered = 0;
    const gauge = async () => {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      const value = Number(/^mylog_tail_buffered_bytes (\d+)/m.exec(res.body)?.[1] ?? 0);
      maxBuffered = Math.max(maxBuffered, value);
    };
    for (let sent = 0; sent < total; sent += 50) {
      await postLogs(
        base,
        tenant.key,
        Array.from({ length: 50 }, (_, i) => ({
          message: `${sent + i} ${message}`,
          kind: 'bulk',
        })),
      );
      await gauge();
    }
    await sleep(500);
    await gauge();
    // Unsent bytes and held rows, each within the socket's budget, plus at most one frame.
    t.ok(maxBuffered <= 3 * BUFFER_BYTES, `server held at most ${maxBuffered} bytes for it`);
    client.ws._socket.resume();
    await client.next((m) => m.type === 'dropped', 20_000);
    await sleep(1_000);
    const dropped = client.messages
      .filter((m) => m.type === 'dropped')
      .reduce((n, m) => n + (m.count as number), 0);
    const received = client.rows().length;
    t.ok(dropped > 0, `${dropped} rows dropped`);
    t.equal(received + dropped, total, `received ${received} + dropped ${dropped} = sent`);
  });
});
