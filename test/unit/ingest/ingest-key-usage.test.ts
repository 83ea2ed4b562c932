// IngestKeyUsage: one write per key per interval, off the caller's path, failures only reported.
import t from 'tap';
import { IngestKeyUsage, type UsedKey } from '../../../src/modules/ingest-keys/ingest-key-usage.ts';

const a: UsedKey = { keyId: 'k-a', orgId: 'o-1' };
const b: UsedKey = { keyId: 'k-b', orgId: 'o-1' };

function setup(write: (key: UsedKey, at: Date, since: Date) => Promise<void>) {
  let now = 1_000_000;
  const errors: unknown[] = [];
  const usage = new IngestKeyUsage({
    intervalMs: 60_000,
    write,
    onError: (error) => errors.push(error),
    now: () => now,
  });
  return { usage, errors, advance: (ms: number) => (now += ms) };
}

t.test('at most one write per key per interval', async (t) => {
  const writes: Array<[string, number, number]> = [];
  const { usage, advance } = setup(async (key, at, since) => {
    writes.push([key.keyId, at.getTime(), since.getTime()]);
  });
  for (let i = 0; i < 1_000; i += 1) usage.record(a);
  usage.record(b);
  advance(59_999);
  usage.record(a);
  await usage.flush();
  t.same(writes, [
    ['k-a', 1_000_000, 940_000],
    ['k-b', 1_000_000, 940_000],
  ]);
  advance(1);
  usage.record(a);
  await usage.flush();
  t.same(writes.at(-1), ['k-a', 1_060_000, 1_000_000], 'due again once the interval has passed');
  t.equal(writes.length, 3);
});

t.test('record returns before the write, and a failed write is only reported', async (t) => {
  let release!: () => void;
  const { usage, errors, advance } = setup(
    () =>
      new Promise<void>((_resolve, reject) => {
        release = () => reject(new Error('postgres is down'));
      }),
  );
  usage.record(a);
  await Promise.resolve();
  release();
  await usage.flush();
  t.equal(errors.length, 1);
  t.match(errors[0], { message: 'postgres is down' });
  usage.record(a);
  await usage.flush();
  t.equal(errors.length, 1, 'no retry before the interval: an outage costs no write storm');
  advance(60_000);
  usage.record(a);
  await Promise.resolve();
  release();
  await usage.flush();
  t.equal(errors.length, 2);
});

t.test('a write that throws synchronously does not reach the caller', async (t) => {
  const { usage, errors } = setup(() => {
    throw new Error('boom');
  });
  t.doesNotThrow(() => usage.record(a));
  await usage.flush();
  t.equal(errors.length, 1);
});
