// The batch writer sends a group-commit batch to Redis from the batch's own buffer (the SET
// command's bytes written around the rows). What Redis holds must be the rows, byte for byte, on
// every path: framed, too long a key for the frame, and with idempotency markers (MULTI).
import t from 'tap';
import { createBatchWriter, PAYLOAD_HEADROOM } from '../../../src/modules/pipeline/batch-writer.ts';
import { GroupCommitter } from '../../../src/modules/pipeline/group-commit.ts';
import { payloadKey } from '../../../src/modules/pipeline/ingest-queue.ts';
import { buildTestApp } from '../../helpers/app.ts';

t.test('batch writer', async (t) => {
  const { app, redis, config } = await buildTestApp(t, { env: { MYLOG_ROLES: 'api' } });
  const connection = redis.duplicate();
  t.teardown(() => connection.quit());

  const committerFor = (prefix: string) => {
    const cfg = { ...config, redisKeyPrefix: prefix };
    const writer = createBatchWriter({ config: cfg, connection, queue: app.pipeline.queue });
    const committer = new GroupCommitter({
      windowMs: 20,
      maxRows: 10_000,
      maxBytes: 16 << 20,
      maxInFlight: 2,
      write: (batch) => writer.write(batch),
    });
    return { cfg, committer };
  };
  // Sizes around the RESP length prefixes' digit boundaries, binary bytes, and a 3 MB batch.
  const chunk = (n: number, seed: number) => {
    const bytes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
    return bytes;
  };
  const cases: [string, number[]][] = [
    ['one byte', [1]],
    ['nine and one', [9, 1]],
    ['binary rows with CRLF inside', [Buffer.from('\r\n$3\r\nSET\r\n').length, 99_999]],
    ['three requests of 1 MB', [1 << 20, 1 << 20, 1 << 20]],
  ];

  for (const prefix of [
    config.redisKeyPrefix,
    `${config.redisKeyPrefix}:${'k'.repeat(PAYLOAD_HEADROOM)}`,
  ]) {
    const label = prefix.length > PAYLOAD_HEADROOM ? 'key too long for the frame' : 'framed';
    const { cfg, committer } = committerFor(prefix);
    for (const [name, sizes] of cases) {
      const chunks = sizes.map((n, i) =>
        name.startsWith('binary') && i === 0 ? Buffer.from('\r\n$3\r\nSET\r\n') : chunk(n, i),
      );
      const ids = await Promise.all(chunks.map((c) => committer.submit(c, 1, Date.now())));
      t.equal(new Set(ids).size, 1, `${label}, ${name}: one batch`);
      const stored = await redis.getBuffer(payloadKey(cfg, ids[0] as string));
      t.ok(
        stored?.equals(Buffer.concat(chunks)),
        `${label}, ${name}: Redis holds the rows as sent`,
      );
    }
    await committer.close();
  }

  // With an Idempotency-Key the payload goes in a MULTI with the marker.
  const { cfg, committer } = committerFor(config.redisKeyPrefix);
  const rows = chunk(5000, 3);
  const jobId = await committer.submit(rows, 1, Date.now(), {
    key: `${config.redisKeyPrefix}:test-marker`,
    ttlMs: 60_000,
    valueFor: (id) => `marker for ${id}`,
  });
  t.ok((await redis.getBuffer(payloadKey(cfg, jobId)))?.equals(rows), 'MULTI: payload as sent');
  t.equal(await redis.get(`${config.redisKeyPrefix}:test-marker`), `marker for ${jobId}`);
  t.equal(await connection.ping(), 'PONG', 'the connection still speaks RESP after all of it');
  await committer.close();
});
