// How many times each message of one app is in ClickHouse, polled until every acknowledged one is.
import type { ClickHouseStore } from '../../../../src/infra/clickhouse/store.ts';

export async function storedMessageCounts(
  clickhouse: Pick<ClickHouseStore, 'query'>,
  appId: string,
): Promise<Map<string, number>> {
  const rows = await clickhouse.query<{ message: string; n: string | number }>(
    'SELECT message, count() AS n FROM logs WHERE app_id = {app:UUID} GROUP BY message',
    { app: appId },
  );
  return new Map(rows.map((r) => [r.message, Number(r.n)]));
}

export async function waitUntilStored(
  clickhouse: Pick<ClickHouseStore, 'query'>,
  appId: string,
  acknowledged: readonly string[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await storedMessageCounts(clickhouse, appId);
    if (acknowledged.every((m) => counts.has(m)) || Date.now() > deadline) return counts;
    await new Promise((r) => setTimeout(r, 250));
  }
}
