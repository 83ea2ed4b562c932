// Metering equals what is stored, under faults. MyLog runs whole (ingest, queue, insert worker)
// on real Redis, Postgres and ClickHouse (chdb); senders spread records over 40 end users and two
// levels. Faults: ClickHouse refusing every insert for a while (jobs fail and are retried, their
// blocks re-inserted under the same deduplication token), and a block inserted twice with one
// token, as a worker killed between its insert and its acknowledgement re-inserts it. Afterwards
// usage_daily holds, per app, end user and day, exactly the records, bytes and error records of the
// stored rows: no retried insert is counted twice, none is lost.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { createTenant } from '../ingest/ingest-fixtures.ts';
import { ROW_BYTES_SQL } from './usage-fixtures.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('usage counts equal the stored rows through refused and repeated inserts', async (t) => {
  const { app, db, clickhouse } = await buildTestApp(t, {
    env: {
      INGEST_GROUP_COMMIT_WINDOW_MS: '20',
      WORKER_BACKOFF_MS: '100',
      WORKER_MAX_BACKOFF_MS: '400',
      WORKER_MAX_ATTEMPTS: '1000',
      WORKER_MERGE_MAX_WAIT_MS: '20',
    },
  });
  const tenant = await createTenant(db);

  let sending = true;
  let sent = 0;
  const sender = async (id: number): Promise<void> => {
    let seq = 0;
    while (sending) {
      const records = Array.from({ length: 25 }, (_, i) => ({
        message: `s${id} #${seq++} ${'y'.repeat(i * 3)}`,
        level: i % 10 === 0 ? 'error' : 'info',
        user_id: i % 7 === 0 ? '' : `end-user-${(id * 31 + i) % 40}`,
      }));
      const res = await app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
        payload: JSON.stringify(records),
      });
      if (res.statusCode === 202) sent += records.length;
      else await sleep(50);
    }
  };
  const senders = [1, 2, 3].map(sender);
  await sleep(1_000);
  // ClickHouse refuses every insert for a while: jobs fail and retry their blocks.
  await clickhouse.command('ALTER TABLE logs ADD CONSTRAINT fault_injection CHECK 0');
  await sleep(1_500);
  await clickhouse.command('ALTER TABLE logs DROP CONSTRAINT fault_injection');
  await sleep(1_000);
  sending = false;
  await Promise.all(senders);

  // Everything acknowledged reaches ClickHouse.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [row] = await clickhouse.query<{ c: string }>(
      'SELECT count() AS c FROM logs WHERE org_id = {org:UUID}',
      { org: tenant.orgId },
    );
    if (Number(row?.c) >= sent || Date.now() > deadline) break;
    await sleep(200);
  }
  // And one block inserted twice under one token, as a retried job does.
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const block = Buffer.from(
    `${JSON.stringify({
      org_id: tenant.orgId,
      app_id: tenant.appId,
      ts: now,
      observed_ts: now,
      id: '0190a000-0000-7000-8000-000000000001',
      level: 'info',
      severity_number: 9,
      service: 'svc',
      host: 'h',
      message: 'inserted twice',
      attributes: {},
      resource: {},
      trace_id: '',
      span_id: '',
      user_id: 'end-user-twice',
      retention_days: 30,
    })}\n`,
  );
  const settings = {
    insert_deduplication_token: 'metering-test-token',
    deduplicate_blocks_in_dependent_materialized_views: 1,
  };
  await clickhouse.insertRaw('logs', block, settings);
  await clickhouse.insertRaw('logs', block, settings);

  const key = "concat(toString(app_id), '/', user_id, '/', toString(day))";
  const direct = await clickhouse.query<{
    k: string;
    records: string;
    bytes: string;
    errors: string;
  }>(
    `SELECT concat(toString(app_id), '/', user_id, '/', toString(toDate(observed_ts))) AS k,
            count() AS records, sum(${ROW_BYTES_SQL}) AS bytes,
            countIf(level IN ('error', 'fatal')) AS errors
     FROM logs WHERE org_id = {org:UUID} GROUP BY k ORDER BY k`,
    { org: tenant.orgId },
  );
  const metered = await clickhouse.query<{
    k: string;
    records: string;
    bytes: string;
    errors: string;
  }>(
    `SELECT ${key} AS k, sum(records) AS records, sum(bytes) AS bytes, sum(error_records) AS errors
     FROM usage_daily WHERE org_id = {org:UUID} GROUP BY k HAVING records > 0 ORDER BY k`,
    { org: tenant.orgId },
  );
  const total = direct.reduce((n, r) => n + Number(r.records), 0);
  t.equal(
    total,
    sent + 1,
    `${total} rows stored: the ${sent} acknowledged and the repeated block once`,
  );
  t.ok(direct.length >= 20, `${direct.length} (app, end user, day) groups`);
  t.same(
    metered,
    direct,
    'records, bytes and errors per app, end user and day equal the stored rows',
  );
  t.equal(
    Number(direct.find((r) => r.k.includes('/end-user-twice/'))?.records),
    1,
    'the twice-inserted block is stored and metered once',
  );
});
