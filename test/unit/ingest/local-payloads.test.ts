import t from 'tap';
import { LocalPayloads } from '../../../src/modules/pipeline/local-payloads.ts';

const bytes = (n: number, fill = 0x61) => Buffer.alloc(n, fill);

t.test('a payload is handed over once; a retry finds nothing and reads Redis', async (t) => {
  const local = new LocalPayloads(100);
  const payload = bytes(10);
  local.put('k1', payload);
  t.equal(local.take('k1'), payload);
  t.equal(local.take('k1'), undefined);
  t.equal(local.size, 0);
});

t.test('over the byte bound the oldest payloads go first', async (t) => {
  const local = new LocalPayloads(100);
  local.put('a', bytes(40));
  local.put('b', bytes(40));
  local.put('c', bytes(40));
  t.equal(local.take('a'), undefined, 'oldest dropped');
  t.ok(local.take('b'));
  t.ok(local.take('c'));
  local.put('huge', bytes(101));
  t.equal(local.take('huge'), undefined, 'a payload bigger than the bound is never kept');
  t.equal(local.size, 0);
});

t.test('drop forgets a payload whose job could not be queued', async (t) => {
  const local = new LocalPayloads(100);
  local.put('k', bytes(10));
  local.put('k', bytes(20));
  t.equal(local.size, 20, 'the same key is counted once');
  local.drop('k');
  t.equal(local.take('k'), undefined);
  t.equal(local.size, 0);
});
