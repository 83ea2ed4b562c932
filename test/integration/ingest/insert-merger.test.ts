// The merger inserts the jobs a worker holds as one block, and every retry of any member re-inserts
// exactly that block under the same token: rows land once whatever run dies where.
import type { Job } from 'bullmq';
import t from 'tap';
import {
  decodeIngestBody,
  DEFAULT_INGEST_LIMITS,
  INSERT_FORMAT,
  parseSerialisedRow,
  serialiseRows,
} from '../../../src/modules/ingest/decode/index.ts';
import {
  newJobId,
  payloadKey,
  type IngestJobData,
} from '../../../src/modules/pipeline/ingest-queue.ts';
import { InsertMerger, insertSettings } from '../../../src/modules/pipeline/insert-merger.ts';
import { LocalPayloads } from '../../../src/modules/pipeline/local-payloads.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { countRows, createTenant } from './ingest-fixtures.ts';

t.test('insert merger', async (t) => {
  const { db, redis, clickhouse, config } = await buildTestApp(t, {
    env: { MYLOG_ROLES: 'api' },
  });
  const tenant = await createTenant(db);

  /** A job as the batch writer leaves it: payload in Redis, metadata in the job. */
  const makeJob = async (rows: number, tag: string): Promise<Job<IngestJobData>> => {
    const body = Buffer.from(
      Array.from({ length: rows }, (_, i) => JSON.stringify({ message: `${tag} ${i}` })).join('\n'),
    );
    const decoded = await decodeIngestBody({
      kind: 'logs',
      contentType: 'application/x-ndjson',
      contentEncoding: undefined,
      body,
      limits: DEFAULT_INGEST_LIMITS,
      now: Date.now(),
    });
    const payload = serialiseRows(decoded.rows, {
      org_id: tenant.orgId,
      app_id: tenant.appId,
      retention_days: 30,
    });
    const id = newJobId();
    const key = payloadKey(config, id);
    await redis.set(key, payload);
    const data: IngestJobData = {
      v: 1,
      payloadKey: key,
      format: INSERT_FORMAT,
      rows,
      bytes: payload.length,
      firstReceivedAtMs: Date.now(),
      enqueuedAtMs: Date.now(),
    };
    return { id, data } as Job<IngestJobData>;
  };

  const inserts: number[] = [];
  const merger = (targetRows = 1_000, maxWaitMs = 50) =>
    new InsertMerger({
      redis,
      clickhouse,
      keyPrefix: config.redisKeyPrefix,
      targetRows,
      maxWaitMs,
      onInsert: (rows) => inserts.push(rows),
    });

  t.test('jobs held together become one insert; their keys are cleaned up', async (t) => {
    inserts.length = 0;
    const m = merger(1_000, 200);
    const jobs = await Promise.all([makeJob(300, 'a'), makeJob(300, 'b'), makeJob(400, 'c')]);
    const before = await countRows(clickhouse, tenant.appId);
    const results = await Promise.all(jobs.map((j) => m.submit(j)));
    t.same(
      results.map((r) => r.alreadyStored),
      [false, false, false],
    );
    t.same(inserts, [1_000], 'one insert of all three, started at the target rows');
    t.equal((await countRows(clickhouse, tenant.appId)) - before, 1_000);
    const leftovers = await redis.keys(`${config.redisKeyPrefix}:ingest-*`);
    t.same(leftovers, [], 'payloads, claims and the group record are gone');
  });

  t.test('below the target, the wait starts the insert', async (t) => {
    inserts.length = 0;
    const m = merger(1_000, 30);
    const started = Date.now();
    await Promise.all([m.submit(await makeJob(10, 'w1')), m.submit(await makeJob(10, 'w2'))]);
    t.ok(Date.now() - started >= 25, 'waited for more jobs');
    t.same(inserts, [20]);
  });

  t.test(
    'a run that died after inserting: any member re-inserts the same block once',
    async (t) => {
      inserts.length = 0;
      const before = await countRows(clickhouse, tenant.appId);
      const [a, b] = await Promise.all([makeJob(50, 'crash-a'), makeJob(70, 'crash-b')]);
      // The first run: claims and inserts, then dies before its DEL (payloads kept to replay it).
      const firstRun = new InsertMerger({
        redis: Object.assign(Object.create(redis) as typeof redis, {
          del: async () => 0,
        }),
        clickhouse,
        keyPrefix: config.redisKeyPrefix,
        targetRows: 120,
        maxWaitMs: 50,
      });
      await Promise.all([
        firstRun.submit(a as Job<IngestJobData>),
        firstRun.submit(b as Job<IngestJobData>),
      ]);
      t.equal((await countRows(clickhouse, tenant.appId)) - before, 120, 'stored by the first run');
      const claims = await redis.keys(`${config.redisKeyPrefix}:ingest-claim:*`);
      t.equal(claims.length, 2, 'both members still claimed');

      // Job a is retried alone (its lock expired): it follows its claim and redoes the whole block.
      const retryA = await merger().submit(a as Job<IngestJobData>);
      t.equal(retryA.alreadyStored, false, 'the redo inserted (ClickHouse dropped it as a repeat)');
      t.equal((await countRows(clickhouse, tenant.appId)) - before, 120, 'no duplicate');
      // Job b comes back later: its payload is gone with the block's cleanup.
      const retryB = await merger().submit(b as Job<IngestJobData>);
      t.equal(retryB.alreadyStored, true);
      t.equal((await countRows(clickhouse, tenant.appId)) - before, 120, 'still no duplicate');
      t.same(await redis.keys(`${config.redisKeyPrefix}:ingest-*`), []);
    },
  );

  t.test('a claimed job is never merged into another block', async (t) => {
    inserts.length = 0;
    const before = await countRows(clickhouse, tenant.appId);
    const [a, b, c] = await Promise.all([
      makeJob(5, 'claimed-a'),
      makeJob(5, 'claimed-b'),
      makeJob(5, 'fresh-c'),
    ]);
    // A run claimed a+b and died before inserting.
    const dying = new InsertMerger({
      redis,
      clickhouse: Object.assign(Object.create(clickhouse) as typeof clickhouse, {
        insertRaw: async () => {
          throw new Error('killed mid-insert');
        },
      }),
      keyPrefix: config.redisKeyPrefix,
      targetRows: 10,
      maxWaitMs: 50,
    });
    const died = await Promise.allSettled([
      dying.submit(a as Job<IngestJobData>),
      dying.submit(b as Job<IngestJobData>),
    ]);
    t.same(
      died.map((d) => d.status),
      ['rejected', 'rejected'],
    );
    // The retry holds a with a fresh job c: a redoes a+b, c gets a block of its own.
    const m = merger(10, 50);
    await Promise.all([m.submit(a as Job<IngestJobData>), m.submit(c as Job<IngestJobData>)]);
    t.same(
      [...inserts].sort((x, y) => x - y),
      [5, 10],
      'a+b as claimed, c alone',
    );
    t.equal((await countRows(clickhouse, tenant.appId)) - before, 15);
    t.equal((await m.submit(b as Job<IngestJobData>)).alreadyStored, true);
    t.equal((await countRows(clickhouse, tenant.appId)) - before, 15);
  });

  t.test('jobs of the previous version are inserted alone, under their own id', async (t) => {
    inserts.length = 0;
    const before = await countRows(clickhouse, tenant.appId);
    const legacyPayloads: Buffer[] = [];
    const legacy = async (rows: number, tag: string): Promise<Job<IngestJobData>> => {
      const job = await makeJob(rows, tag);
      // What the previous version queued: JSONEachRow objects and no format.
      const compact = ((await redis.getBuffer(job.data.payloadKey)) as Buffer).toString();
      const objects = compact
        .trimEnd()
        .split('\n')
        .map((line) => JSON.stringify(parseSerialisedRow(line)))
        .join('\n');
      legacyPayloads.push(Buffer.from(`${objects}\n`));
      await redis.set(job.data.payloadKey, `${objects}\n`);
      const { format: _format, ...data } = job.data;
      return { id: job.id, data } as Job<IngestJobData>;
    };
    const jobs = [await legacy(4, 'old-1'), await legacy(6, 'old-2'), await makeJob(5, 'new')];
    const m = merger(1_000, 30);
    await Promise.all(jobs.map((j) => m.submit(j)));
    t.same(
      [...inserts].sort((x, y) => x - y),
      [4, 5, 6],
      'one insert per legacy job',
    );
    t.equal((await countRows(clickhouse, tenant.appId)) - before, 15);
    // The previous version's worker re-running a legacy job inserts the same bytes under the same
    // token (its job id): ClickHouse drops the repeat.
    const first = jobs[0] as Job<IngestJobData>;
    await clickhouse.insertRaw(
      'logs',
      legacyPayloads[0] as Buffer,
      insertSettings(String(first.id)),
    );
    t.equal((await countRows(clickhouse, tenant.appId)) - before, 15, 'same token, dropped');
  });

  t.test('payloads handed over in memory are used; a missing payload means stored', async (t) => {
    inserts.length = 0;
    const local = new LocalPayloads(1 << 20);
    const job = await makeJob(3, 'local');
    local.put(job.data.payloadKey, (await redis.getBuffer(job.data.payloadKey)) as Buffer);
    const m = new InsertMerger({
      redis,
      clickhouse,
      localPayloads: local,
      keyPrefix: config.redisKeyPrefix,
      targetRows: 3,
      maxWaitMs: 50,
      onInsert: (rows) => inserts.push(rows),
    });
    t.equal((await m.submit(job)).alreadyStored, false);
    t.equal(local.size, 0, 'taken from memory');
    t.equal((await m.submit(job)).alreadyStored, true, 'a re-run after success stores nothing');
    t.same(inserts, [3]);
  });
});
