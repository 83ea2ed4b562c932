// A client that walks away from an export stops the ClickHouse query: the store's stream is closed
// (and with it chdb's cursor / the HTTP connection), rather than left producing rows nobody reads.
import t from 'tap';
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { createTestClickHouse } from '../../helpers/services.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';
import { insertRows, makeRow, nowNs, NS_PER_MS } from './search-fixtures.ts';

/** The real store, counting the streams that are open right now. */
function countingStore(store: ClickHouseStore): { store: ClickHouseStore; open: () => number } {
  let open = 0;
  const counted: ClickHouseStore = Object.create(store) as ClickHouseStore;
  counted.queryStream = async function* (...args) {
    open += 1;
    try {
      yield* store.queryStream(...args);
    } finally {
      open -= 1;
    }
  };
  return { store: counted, open: () => open };
}

t.test('export stops when the client disconnects', async (t) => {
  const counting = countingStore(await createTestClickHouse(t));
  const { app, db, config, clickhouse } = await buildTestApp(t, { clickhouse: counting.store });
  const a = await makeTenant(db, config, 'exp-a');
  const tenant = { orgId: a.org.id, appId: a.app.id };
  const start = nowNs() - 20n * 60_000n * NS_PER_MS;
  const total = 200_000;
  for (let i = 0; i < total; i += 50_000) {
    await insertRows(
      clickhouse,
      Array.from({ length: 50_000 }, (_, j) =>
        makeRow(tenant, {
          tsNs: start + BigInt(i + j) * 1_000_000n,
          message: `export line ${i + j} ${'x'.repeat(200)}`,
        }),
      ),
    );
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/v1/logs/export?from=now-1h`, {
    headers: { authorization: `Bearer ${a.tokens.viewer}` },
    signal: controller.signal,
  });
  t.equal(response.status, 200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  t.ok((first.value?.length ?? 0) > 0, 'rows start flowing at once');
  t.equal(counting.open(), 1, 'one ClickHouse stream is open');
  controller.abort();
  const deadline = Date.now() + 10_000;
  while (counting.open() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.equal(counting.open(), 0, 'the ClickHouse stream was closed after the disconnect');

  // And a client that reads to the end gets every row.
  const full = await fetch(`http://127.0.0.1:${port}/v1/logs/export?from=now-1h`, {
    headers: { authorization: `Bearer ${a.tokens.viewer}` },
  });
  const text = await full.text();
  t.equal(text.split('\n').filter((l) => l.length > 0).length, total, 'no row cap');
});
