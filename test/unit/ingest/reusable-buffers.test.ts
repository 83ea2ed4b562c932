import t from 'tap';
import { ReusableBuffers } from '../../../src/modules/pipeline/reusable-buffers.ts';

t.test(
  'a released buffer serves the next lease that fits, and the caller gets exactly its size',
  async (t) => {
    const buffers = new ReusableBuffers({
      maxKept: 2,
      maxBytesKept: 64 << 20,
      capacityStep: 1 << 20,
    });
    const first = buffers.lease(3_000_000);
    t.equal(first.length, 3_000_000);
    buffers.release(first);
    const kept = buffers.keptBytes;
    t.ok(kept >= 3_000_000, 'kept after release');
    const second = buffers.lease(3_100_000);
    t.equal(second.length, 3_100_000);
    t.equal(second.buffer, first.buffer, 'same memory: a size a little larger fits the slack');
    t.equal(buffers.keptBytes, 0, 'leased buffers are not kept at the same time');
    const third = buffers.lease(1_000);
    t.not(third.buffer, first.buffer, 'a leased buffer is never handed out twice');
  },
);

t.test('the smallest fitting buffer is used, and at most maxKept stay: the largest', async (t) => {
  const buffers = new ReusableBuffers({
    maxKept: 2,
    maxBytesKept: 64 << 20,
    capacityStep: 1 << 20,
  });
  const [small, medium, large] = [1 << 20, 8 << 20, 20 << 20].map((n) => buffers.lease(n));
  for (const b of [small, medium, large]) buffers.release(b as Buffer);
  const tiny = buffers.lease(1_000);
  t.not(tiny.buffer, small?.buffer, 'the smallest was dropped');
  t.equal(tiny.buffer, medium?.buffer, 'the smallest kept one that fits');
  const next = buffers.lease(5 << 20);
  t.equal(next.buffer, large?.buffer, 'then the large one');
  t.equal(buffers.keptBytes, 0);
});

t.test('oversized leases, buffers it did not lease and double releases are not kept', async (t) => {
  const buffers = new ReusableBuffers({ maxKept: 4, maxBytesKept: 1 << 20, capacityStep: 1 << 16 });
  const big = buffers.lease(2 << 20);
  t.equal(big.length, 2 << 20);
  buffers.release(big);
  t.equal(buffers.keptBytes, 0, 'over maxBytesKept');
  buffers.release(Buffer.from('a view into the shared pool'));
  buffers.release(Buffer.allocUnsafeSlow(5000));
  t.equal(buffers.keptBytes, 0, 'buffers it did not lease are not taken');
  const own = buffers.lease(1000);
  buffers.release(own);
  buffers.release(own);
  const kept = buffers.keptBytes;
  const a = buffers.lease(1000);
  const b = buffers.lease(1000);
  t.not(a.buffer, b.buffer, 'released twice, still handed out once');
  t.ok(kept > 0);
});
