// The tail's per-query sampler (src/modules/tail/tail-sampler.ts): a second's worth passes whole,
// then the query gets its rate and no more, spread evenly over each tick; 0 turns it off.
import t from 'tap';
import { evenlySpread, TailSampler } from '../../src/modules/tail/tail-sampler.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

t.test('a burst up to one second’s worth passes whole', async (t) => {
  const sampler = new TailSampler(100, 0);
  t.same(sampler.take(range(100), 0), { kept: range(100), left: 0 });
});

t.test('past the burst, each tick gets the rate’s share, spread over the tick', async (t) => {
  const sampler = new TailSampler(100, 0);
  sampler.take(range(100), 0);
  // 50 ms at 100 rows/s: 5 rows of the 40 that matched.
  const tick = sampler.take(range(40), 50);
  t.same(tick.kept, [0, 8, 16, 24, 32]);
  t.equal(tick.left, 35);
  let kept = 0;
  let matched = 0;
  for (let ms = 100; ms <= 10_050; ms += 50) {
    const result = sampler.take(range(40), ms);
    kept += result.kept.length;
    matched += result.kept.length + result.left;
  }
  t.equal(matched, 200 * 40);
  t.ok(kept >= 995 && kept <= 1000, `${kept} rows kept over 10 s at 100 rows/s`);
});

t.test('a quiet query earns back its burst, never more than a second’s worth', async (t) => {
  const sampler = new TailSampler(100, 0);
  sampler.take(range(500), 0);
  t.equal(sampler.take(range(500), 60_000).kept.length, 100, 'a minute idle still allows 100');
});

t.test('a clock that steps back neither adds nor removes rows', async (t) => {
  const sampler = new TailSampler(100, 1_000);
  sampler.take(range(100), 1_000);
  t.same(sampler.take(range(10), 500), { kept: [], left: 10 });
});

t.test('0 turns sampling off', async (t) => {
  const sampler = new TailSampler(0, 0);
  t.same(sampler.take(range(100_000), 0).left, 0);
});

t.test('evenlySpread keeps order and covers the whole list', async (t) => {
  t.same(evenlySpread(range(10), 3), [0, 3, 6]);
  t.same(evenlySpread(range(3), 3), [0, 1, 2]);
  t.same(evenlySpread(range(10), 0), []);
});
