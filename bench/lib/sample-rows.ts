// The rows the ingest benches insert straight into ClickHouse: 1,000 typical access-log records,
// decoded and serialised by the real ingest code, so the raw ceiling measures the same bytes.
// Insert them with INSERT_TARGET (src/modules/ingest/decode/serialise-rows.ts).
import {
  DEFAULT_INGEST_LIMITS,
  decodeIngestBody,
  serialiseRows,
} from '../../src/modules/ingest/decode/index.ts';

export async function serialisedChunkOf1000(tenant: {
  orgId: string;
  appId: string;
}): Promise<Buffer> {
  const now = Date.now();
  const lines = Array.from({ length: 1000 }, (_, i) =>
    JSON.stringify({
      timestamp: new Date(now).toISOString(),
      level: i % 10 === 0 ? 'error' : 'info',
      message: `GET /api/orders/${i} 200 in ${i % 97} ms`,
      service: 'checkout',
      host: `web-${i % 8}`,
      trace_id: '5b8efff798038103d269b633813fc60c',
      user_id: `u${i % 1000}`,
      http: { method: 'GET', status: 200 },
      sender: 0,
      seq: i,
    }),
  ).join('\n');
  const { rows } = await decodeIngestBody({
    kind: 'logs',
    contentType: 'application/x-ndjson',
    contentEncoding: undefined,
    body: Buffer.from(lines),
    limits: DEFAULT_INGEST_LIMITS,
    now,
  });
  return serialiseRows(rows, { org_id: tenant.orgId, app_id: tenant.appId, retention_days: 30 });
}
