// A real MyLog listening on loopback for the shipper tests: buildApp on the real services, an app
// with an ingest key, and the rows ClickHouse holds for it.
import type { AddressInfo } from 'node:net';
import { buildTestApp, type TestContext } from '../../helpers/app.ts';
import type { Teardown } from '../../helpers/services.ts';
import {
  createTenant,
  storedRows,
  waitForRows,
  type StoredRow,
  type Tenant,
} from '../ingest/ingest-fixtures.ts';

export interface ShipperServer extends TestContext {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  newTenant(): Promise<Tenant>;
  /** Waits until the app has `expected` rows, then gives them all (more if more arrived). */
  rowsOf(tenant: Tenant, expected: number, timeoutMs?: number): Promise<StoredRow[]>;
}

/** A key with the right shape whose checksum passes nowhere: every shipper's "wrong key". */
export const WRONG_KEY = 'mlk_notarealkeynotarealkeynotarealk123456';

export async function startShipperServer(t: Teardown): Promise<ShipperServer> {
  const ctx = await buildTestApp(t, { env: { INGEST_GROUP_COMMIT_WINDOW_MS: '10' } });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = ctx.app.server.address() as AddressInfo;
  // Shippers keep connections open (some mid-request, waiting on a timer): close them all first,
  // or the app's close waits for them.
  t.teardown(() => ctx.app.server.closeAllConnections());
  return {
    ...ctx,
    port,
    url: `http://127.0.0.1:${port}`,
    newTenant: () => createTenant(ctx.db),
    async rowsOf(tenant, expected, timeoutMs = 20_000) {
      await waitForRows(ctx.clickhouse, tenant.appId, expected, timeoutMs);
      // Anything sent twice would arrive right behind the rest: give it a moment to show.
      await new Promise((r) => setTimeout(r, 300));
      return storedRows(ctx.clickhouse, tenant.appId);
    },
  };
}

/** Rows by message, failing on a duplicate so "arrived once" is checked with the fields. */
export function byMessage(rows: readonly StoredRow[]): Map<string, StoredRow> {
  const out = new Map<string, StoredRow>();
  for (const row of rows) {
    if (out.has(row.message)) throw new Error(`stored twice: ${row.message}`);
    out.set(row.message, row);
  }
  return out;
}
