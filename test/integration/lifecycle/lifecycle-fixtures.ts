// Shared by the deletion and retention tests: rows written straight into ClickHouse as the ingest
// worker writes them, times derived from the clock, and a way to wait for a background mutation.
import { startChdbHttpBridge } from '../../../src/infra/clickhouse/chdb-http-bridge.ts';
import type { ChdbStore } from '../../../src/infra/clickhouse/chdb-store.ts';
import { createHttpStore } from '../../../src/infra/clickhouse/http-store.ts';
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import { insertRows, makeRow, nowNs, NS_PER_MS } from '../search/search-fixtures.ts';

export const DAY_NS = 86_400_000n * NS_PER_MS;

export interface RowOwner {
  orgId: string;
  appId: string;
}

/** `n` rows of one app and end user, `daysAgo` days before now (ts; received now). */
export async function insertUserRows(
  clickhouse: ClickHouseStore,
  owner: RowOwner,
  spec: { n: number; userId: string; daysAgo: number; message?: string },
): Promise<void> {
  const at = nowNs() - BigInt(spec.daysAgo) * DAY_NS;
  await insertRows(
    clickhouse,
    Array.from({ length: spec.n }, (_, i) =>
      makeRow(owner, {
        tsNs: at - BigInt(i) * 1000n * NS_PER_MS,
        user_id: spec.userId,
        message: spec.message ?? `order placed by ${spec.userId}`,
        attributes: { route: '/checkout' },
      }),
    ),
  );
}

export async function countRows(
  clickhouse: ClickHouseStore,
  where: string,
  params: Record<string, unknown>,
): Promise<number> {
  const [row] = await clickhouse.query<{ n: string }>(
    `SELECT toString(count()) AS n FROM logs WHERE ${where}`,
    params,
    { settings: { log_comment: 'test.lifecycle' } },
  );
  return Number(row?.n ?? 0);
}

/** Polls until `check` holds (background mutations), failing after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/**
 * The same database through the HTTP client (the production code path), via the chdb bridge; with
 * TEST_CLICKHOUSE_URL the store is a server already and is returned as it is.
 */
export async function httpStoreOf(
  t: { teardown(fn: () => unknown): void },
  store: ClickHouseStore,
): Promise<ClickHouseStore> {
  if (store.kind === 'http') return store;
  const bridge = await startChdbHttpBridge({ session: (store as ChdbStore).bridgeSession() });
  const http = createHttpStore({ url: bridge.url, database: store.database });
  t.teardown(async () => {
    await http.close();
    await bridge.close();
  });
  return http;
}
