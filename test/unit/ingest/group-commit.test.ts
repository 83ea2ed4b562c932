import t from 'tap';
import { GroupCommitter } from '../../../src/modules/pipeline/group-commit.ts';
import type { SealedBatch } from '../../../src/modules/pipeline/batch-writer.ts';
import { cappedExponentialBackoffMs } from '../../../src/modules/pipeline/ingest-queue.ts';
import { ingestKeyFromHeaders } from '../../../src/modules/ingest/ingest-auth.ts';

const line = (s: string) => Buffer.from(`${s}\n`);

t.test('concurrent submits within the window become one batch', async (t) => {
  const written: SealedBatch[] = [];
  const gc = new GroupCommitter({
    windowMs: 20,
    maxRows: 1000,
    maxBytes: 1 << 20,
    maxInFlight: 2,
    write: async (b) => (written.push(b), `job${written.length}`),
  });
  const ids = await Promise.all([
    gc.submit(line('a'), 1, 5),
    gc.submit(line('b'), 1, 3),
    gc.submit(line('c'), 1, 9),
  ]);
  t.same(ids, ['job1', 'job1', 'job1']);
  t.equal(written.length, 1);
  t.equal(written[0]?.body.toString(), 'a\nb\nc\n');
  t.equal(written[0]?.rows, 3);
  t.equal(written[0]?.firstReceivedAtMs, 3, 'lag starts at the oldest request');
});

t.test('row and byte limits seal early; a failed write rejects only its batch', async (t) => {
  let n = 0;
  const gc = new GroupCommitter({
    windowMs: 10_000,
    maxRows: 2,
    maxBytes: 1 << 20,
    maxInFlight: 1,
    write: async () => {
      n += 1;
      if (n === 1) throw new Error('redis down');
      return `job${n}`;
    },
  });
  const first = gc.submit(line('a'), 2, 0);
  await t.rejects(first, /redis down/);
  t.equal(await gc.submit(line('b'), 2, 0), 'job2');
  const bytes = new GroupCommitter({
    windowMs: 10_000,
    maxRows: 100,
    maxBytes: 4,
    maxInFlight: 1,
    write: async (b) => b.body.toString(),
  });
  t.equal(await bytes.submit(line('abcd'), 1, 0), 'abcd\n');
});

t.test('flush answers waiting requests at shutdown', async (t) => {
  const gc = new GroupCommitter({
    windowMs: 60_000,
    maxRows: 100,
    maxBytes: 1 << 20,
    maxInFlight: 1,
    write: async () => 'j',
  });
  const pending = gc.submit(line('a'), 1, 0);
  await gc.close();
  t.equal(await pending, 'j');
  await t.rejects(gc.submit(line('b'), 1, 0), /closed/);
});

t.test('backoff is exponential, capped, jittered', async (t) => {
  t.equal(
    cappedExponentialBackoffMs(1, 100, 1000, () => 0.5),
    100,
  );
  t.equal(
    cappedExponentialBackoffMs(3, 100, 1000, () => 0.5),
    400,
  );
  t.equal(
    cappedExponentialBackoffMs(30, 100, 1000, () => 0.5),
    1000,
  );
  t.equal(
    cappedExponentialBackoffMs(30, 100, 1000, () => 0),
    800,
  );
});

t.test('ingest key from Bearer, X-API-Key or Basic password', async (t) => {
  t.equal(ingestKeyFromHeaders({ authorization: 'Bearer mlk_x' }), 'mlk_x');
  t.equal(ingestKeyFromHeaders({ 'x-api-key': 'mlk_y' }), 'mlk_y');
  t.equal(
    ingestKeyFromHeaders({
      authorization: `Basic ${Buffer.from('elastic:mlk_z').toString('base64')}`,
    }),
    'mlk_z',
  );
  t.equal(ingestKeyFromHeaders({ authorization: 'Digest abc' }), undefined);
  t.equal(ingestKeyFromHeaders({}), undefined);
});
