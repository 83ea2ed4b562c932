// Jobs carry their payload's format: a job queued by the previous version (JSONEachRow objects, no
// `format`) still inserts after a blue/green deploy, next to the current JSONCompactEachRow jobs.
import t from 'tap';
import {
  decodeIngestBody,
  DEFAULT_INGEST_LIMITS,
  INSERT_COLUMNS,
  parseSerialisedRow,
  serialiseRows,
} from '../../../src/modules/ingest/decode/index.ts';
import {
  ingestJobOptions,
  INGEST_JOB_NAME,
  isIngestJobData,
  newJobId,
  payloadKey,
  type IngestJobData,
} from '../../../src/modules/pipeline/ingest-queue.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { createTenant, storedRows, waitForRows } from './ingest-fixtures.ts';

t.test('the worker inserts both payload formats', async (t) => {
  const { app, db, redis, clickhouse, config } = await buildTestApp(t);
  const tenant = await createTenant(db);
  const { rows } = await decodeIngestBody({
    kind: 'logs',
    contentType: 'application/x-ndjson',
    contentEncoding: undefined,
    body: Buffer.from('{"message":"from the old version","level":"error"}\n{"msg":"current"}\n'),
    limits: DEFAULT_INGEST_LIMITS,
    now: Date.now(),
  });
  const columns = { org_id: tenant.orgId, app_id: tenant.appId, retention_days: 30 };
  const compact = serialiseRows(rows.slice(1), columns);
  // What the previous version wrote: the same row as a JSONEachRow object.
  const objects = Buffer.from(
    `${JSON.stringify(parseSerialisedRow(serialiseRows(rows.slice(0, 1), columns).toString().trimEnd()))}\n`,
  );
  t.ok(objects.toString().startsWith('{"org_id":'), 'an object per line');

  const enqueue = async (payload: Buffer, format: IngestJobData['format']): Promise<void> => {
    const jobId = newJobId();
    const key = payloadKey(config, jobId);
    await redis.set(key, payload);
    const data: IngestJobData = {
      v: 1,
      payloadKey: key,
      ...(format ? { format } : {}),
      rows: 1,
      bytes: payload.length,
      firstReceivedAtMs: Date.now(),
      enqueuedAtMs: Date.now(),
    };
    t.ok(isIngestJobData(data), `${format ?? 'JSONEachRow'} job data is valid`);
    await app.pipeline.queue.add(INGEST_JOB_NAME, data, { ...ingestJobOptions(config), jobId });
  };
  await enqueue(objects, undefined);
  await enqueue(compact, 'JSONCompactEachRow');

  t.equal(await waitForRows(clickhouse, tenant.appId, 2), 2, 'both jobs stored');
  const stored = await storedRows(clickhouse, tenant.appId);
  t.same(stored.map((r) => [r.message, r.level]).sort(), [
    ['current', 'info'],
    ['from the old version', 'error'],
  ]);
  t.notOk(
    isIngestJobData({
      v: 1,
      payloadKey: 'k',
      format: 'CSV',
      rows: 1,
      bytes: 1,
      firstReceivedAtMs: 0,
      enqueuedAtMs: 0,
    }),
    'an unknown payload format is not an ingest job',
  );
  t.equal(INSERT_COLUMNS.length, 16);
});
