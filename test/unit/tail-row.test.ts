// Published rows as the tail reads them (src/modules/tail/tail-row.ts): the API JSON is built only
// when a row is sent, and the size the buffer budgets count is close to that JSON's length.
import t from 'tap';
import { serialiseRows } from '../../src/modules/ingest/decode/serialise-rows.ts';
import { parsePublishedRows, toTailRow } from '../../src/modules/tail/tail-row.ts';

const tenant = {
  org_id: '0193a1b2-0000-7000-8000-000000000001',
  app_id: '0193a1b2-0000-7000-8000-000000000002',
  retention_days: 30,
};

function canonical(i: number, message: string) {
  const ms = Date.now() + i;
  const hex = ms.toString(16).padStart(12, '0');
  const ts = new Date(ms).toISOString().replace('T', ' ').replace('Z', '000000');
  return {
    ts,
    observed_ts: ts,
    id: `${hex.slice(0, 8)}-${hex.slice(8)}-7000-8000-${String(i).padStart(12, '0')}`,
    level: 'info' as const,
    severity_number: 9,
    service: 'checkout',
    host: 'web-1',
    message,
    attributes: { user_id: `u${i}`, path: '/cart', status: '200' },
    resource: { 'service.version': '1.2.3' },
    trace_id: '',
    span_id: '',
    user_id: `u${i}`,
  };
}

t.test('a published row reads back as the row ClickHouse would give', async (t) => {
  const payload = serialiseRows(
    [canonical(1, 'short'), canonical(2, 'a longer message é 日本 '.repeat(20))],
    tenant,
  );
  const rows = parsePublishedRows(payload);
  t.equal(rows.length, 2);
  for (const row of rows) {
    const eager = toTailRow({ ...row.row, ts: row.row.ts.replace('T', ' ').replace('Z', '') });
    t.equal(row.json, eager.json, 'the lazy JSON is the JSON a ClickHouse row gives');
    t.equal(eager.bytes, eager.json.length);
    const ratio = row.bytes / row.json.length;
    t.ok(ratio >= 0.9 && ratio <= 1.5, `budget size ${row.bytes} for ${row.json.length} bytes`);
    t.same(JSON.parse(row.json).attributes, row.row.attributes);
  }
});
