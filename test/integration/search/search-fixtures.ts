// Shared by the search tests: tenants with read tokens, and canonical rows written straight into
// ClickHouse (the same JSONEachRow the ingest worker writes) at chosen timestamps.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import { uuidV7 } from '../../../src/modules/ingest/decode/uuid-v7.ts';
import { toClickHouseTime } from '../../../src/modules/search/time-range.ts';

export const NS_PER_MS = 1_000_000n;

export interface RowTenant {
  orgId: string;
  appId: string;
}

export interface RowSpec {
  tsNs: bigint;
  level?: string;
  service?: string;
  host?: string;
  message?: string;
  attributes?: Record<string, string>;
  resource?: Record<string, string>;
  user_id?: string;
  trace_id?: string;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

/** A canonical logs row; the id is a UUIDv7 of "now", as ingest mints it. */
export function makeRow(tenant: RowTenant, spec: RowSpec): Record<string, unknown> {
  const observedMs = Date.now();
  return {
    org_id: tenant.orgId,
    app_id: tenant.appId,
    ts: toClickHouseTime(spec.tsNs),
    observed_ts: toClickHouseTime(BigInt(observedMs) * NS_PER_MS),
    id: uuidV7(observedMs),
    level: spec.level ?? 'info',
    severity_number: 9,
    service: spec.service ?? 'api',
    host: spec.host ?? 'web-1',
    message: spec.message ?? 'hello world',
    attributes: spec.attributes ?? {},
    resource: spec.resource ?? {},
    trace_id: spec.trace_id ?? '',
    span_id: '',
    user_id: spec.user_id ?? '',
    retention_days: 30,
  };
}

let batch = 0;

export async function insertRows(
  clickhouse: ClickHouseStore,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  batch += 1;
  const body = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await clickhouse.insertRaw('logs', body, {
    insert_deduplication_token: `search-test-${process.pid}-${batch}-${Math.random()}`,
  });
}

export async function get(
  app: FastifyInstance,
  token: string,
  url: string,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

export function qs(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
  return search.toString();
}

/** RFC 3339 with nanoseconds, as the API prints a row's ts. */
export function rfc3339(ns: bigint): string {
  return `${toClickHouseTime(ns).replace(' ', 'T')}Z`;
}
