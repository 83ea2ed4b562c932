// The cost split: whole minor units that add up exactly to each line and to the total, whatever
// the usage, prices and currency (largest remainder), checked on examples and generated cases.
import fc from 'fast-check';
import t from 'tap';
import { largestRemainder } from '../../../src/modules/pricing/cost-split.ts';
import {
  computeCosts,
  type Pricing,
  type UsageUnit,
} from '../../../src/modules/pricing/cost.service.ts';
import { fromMicros, minorDigits, toMicros } from '../../../src/modules/pricing/money.ts';

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

t.test('money: decimals to micro-units and back, exactly', async (t) => {
  t.equal(toMicros('0.125'), 125_000n);
  t.equal(toMicros('0.1250000000'), 125_000n, 'Postgres numeric padding');
  t.equal(toMicros(3), 3_000_000n);
  t.equal(fromMicros(125_000n), '0.125');
  t.equal(fromMicros(3_000_000n), '3');
  t.throws(() => toMicros('0.0000001'));
  t.throws(() => toMicros('-1'));
  t.equal(minorDigits('EUR'), 2);
  t.equal(minorDigits('JPY'), 0);
  t.equal(minorDigits('BHD'), 3);
});

t.test('largest remainder: the classic example and ties', async (t) => {
  // 10.00 split 1:1:1 → 3.34, 3.33, 3.33 (the first key takes the tied extra cent).
  const { total, shares } = largestRemainder(
    [
      { key: 'a', weight: 1n },
      { key: 'b', weight: 1n },
      { key: 'c', weight: 1n },
    ],
    1n,
    1000n,
  );
  t.equal(total, 1000n);
  t.same(
    [...shares],
    [
      ['a', 334n],
      ['b', 333n],
      ['c', 333n],
    ],
  );
  // Without a total: each part's exact share is weight / denominator; the total is their rounded sum.
  const r = largestRemainder(
    [
      { key: 'x', weight: 15n },
      { key: 'y', weight: 15n },
      { key: 'z', weight: 10n },
    ],
    10n,
  );
  t.equal(r.total, 4n, 'round(4.0)');
  t.same(
    [...r.shares],
    [
      ['x', 2n],
      ['y', 1n],
      ['z', 1n],
    ],
  );
  const zero = largestRemainder(
    [
      { key: 'a', weight: 0n },
      { key: 'b', weight: 0n },
    ],
    1n,
    5n,
  );
  t.same(
    [...zero.shares],
    [
      ['a', 3n],
      ['b', 2n],
    ],
    'nothing to weigh by: shared equally',
  );
});

const pricing: Pricing = {
  currency: 'EUR',
  per_gb_ingested: '0.5',
  per_gb_month_stored: '0.03',
  per_million_records: '0.2',
  base_fee: '49.99',
  app_overrides: { b: { per_gb_ingested: '0.25' } },
};

t.test('a bill by hand: lines, overrides and the base fee by records', async (t) => {
  const units: UsageUnit[] = [
    { app_id: 'a', user_id: 'u1', records: 3_000_000, bytes: 2_000_000_000, byte_days: 30e9 },
    { app_id: 'b', user_id: 'u1', records: 1_000_000, bytes: 4_000_000_000, byte_days: 0 },
  ];
  const costs = computeCosts(pricing, units, 30);
  const line = (item: string) => costs.lines.find((l) => l.item === item)?.amount_minor;
  t.equal(line('ingested'), 200, '2 GB × 0.50 + 4 GB × 0.25 (override) = 2.00');
  t.equal(line('stored'), 3, '1 GB-month × 0.03');
  t.equal(line('records'), 80, '4 M records × 0.20');
  t.equal(line('base_fee'), 4999);
  t.equal(costs.total_minor, 200 + 3 + 80 + 4999);
  // Base fee 3:1 by records: 3749.25 → 3749, 1249.75 → 1250.
  t.equal(costs.apps.get('a'), 100 + 3 + 60 + 3749);
  t.equal(costs.apps.get('b'), 100 + 0 + 20 + 1250);
  t.equal(costs.end_users.get('u1'), costs.total_minor);
});

const unitArb = fc.record({
  app_id: fc.constantFrom('a', 'b', 'c'),
  user_id: fc.constantFrom('', 'u1', 'u2', 'u3', 'u4', 'u5'),
  records: fc.nat({ max: 50_000_000 }),
  bytes: fc.nat({ max: 2 ** 40 }),
  byte_days: fc.nat({ max: 2 ** 45 }),
});
const priceArb = fc.nat({ max: 10_000_000 }).map((n) => fromMicros(BigInt(n)));

t.test(
  'property: apps and end users each sum exactly to the total, parts never negative',
  async (t) => {
    fc.assert(
      fc.property(
        fc.array(unitArb, { maxLength: 40 }),
        fc.constantFrom('EUR', 'JPY', 'BHD', 'USD'),
        priceArb,
        priceArb,
        priceArb,
        priceArb,
        fc.integer({ min: 28, max: 31 }),
        (units, currency, ing, sto, rec, base, days) => {
          const p: Pricing = {
            currency,
            per_gb_ingested: ing,
            per_gb_month_stored: sto,
            per_million_records: rec,
            base_fee: base,
            app_overrides: { c: { per_million_records: sto } },
          };
          const costs = computeCosts(p, units, days);
          const lines = costs.lines.reduce((a, l) => a + l.amount_minor, 0);
          if (lines !== costs.total_minor) return false;
          if (units.length === 0) return costs.apps.size === 0;
          if (sum(costs.apps) !== costs.total_minor) return false;
          if (sum(costs.end_users) !== costs.total_minor) return false;
          return [...costs.apps.values(), ...costs.end_users.values()].every(
            (v) => v >= 0 && Number.isInteger(v),
          );
        },
      ),
      { numRuns: 500 },
    );
    t.pass('500 generated bills split exactly');
  },
);

t.test('property: each share is within one minor unit of its exact value', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 1, maxLength: 30 }),
      fc.bigInt({ min: 1n, max: 10n ** 12n }),
      (ws, den) => {
        const parts = ws.map((weight, i) => ({ key: `k${String(i).padStart(2, '0')}`, weight }));
        const { total, shares } = largestRemainder(parts, den);
        let s = 0n;
        for (const p of parts) {
          const share = shares.get(p.key) as bigint;
          s += share;
          const floor = p.weight / den;
          if (share !== floor && share !== floor + 1n) return false;
        }
        return s === total;
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});
