// Shared by the ingest integration tests: a tenant with an ingest key, and waiting on ClickHouse.
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import type { Db } from '../../../src/infra/postgres.ts';
import { createAppWithKey, type CreateAppInput } from '../../../src/modules/apps/apps.service.ts';
import { createOrg } from '../../../src/modules/orgs/orgs.service.ts';

export interface Tenant {
  orgId: string;
  appId: string;
  key: string;
  keyId: string;
}

let n = 0;

export async function createTenant(db: Db, app: Partial<CreateAppInput> = {}): Promise<Tenant> {
  n += 1;
  const suffix = `${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const org = await createOrg(db, { name: `Org ${suffix}`, slug: `org-${suffix}` });
  const created = await createAppWithKey(
    db,
    { orgId: org.id },
    { name: `App ${suffix}`, slug: `app-${suffix}`, ...app },
  );
  return {
    orgId: org.id,
    appId: created.app.id,
    key: created.key.key,
    keyId: created.key.record.id,
  };
}

export async function countRows(clickhouse: ClickHouseStore, appId: string): Promise<number> {
  const [row] = await clickhouse.query<{ c: string }>(
    'SELECT count() AS c FROM logs WHERE app_id = {app:UUID}',
    { app: appId },
  );
  return Number(row?.c ?? 0);
}

/** Polls until the app has `expected` rows (or more), or the deadline passes; returns the count. */
export async function waitForRows(
  clickhouse: ClickHouseStore,
  appId: string,
  expected: number,
  timeoutMs = 20_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await countRows(clickhouse, appId);
    if (count >= expected || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface StoredRow {
  ts: string;
  level: string;
  severity_number: number;
  service: string;
  host: string;
  message: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  trace_id: string;
  span_id: string;
  user_id: string;
  org_id: string;
  app_id: string;
}

export async function storedRows(clickhouse: ClickHouseStore, appId: string): Promise<StoredRow[]> {
  return clickhouse.query<StoredRow>(
    `SELECT ts, level, severity_number, service, host, message, attributes, resource, trace_id,
            span_id, user_id, org_id, app_id
     FROM logs WHERE app_id = {app:UUID} ORDER BY ts, id`,
    { app: appId },
  );
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
