// The bill of one period: each priced quantity's total at the org's prices (an app override wins
// for that app's usage), split per app and per end user by their share of it; the base fee split
// by share of records. Every split sums exactly to its line, so apps and end users each sum
// exactly to the total (docs/usage-and-reports.md).
import { largestRemainder, type Weighted } from './cost-split.ts';
import { divRound, MICROS, minorDigits, toMicros } from './money.ts';

export const PRICED = ['per_gb_ingested', 'per_gb_month_stored', 'per_million_records'] as const;
export type PricedRate = (typeof PRICED)[number];

export interface Pricing {
  currency: string;
  per_gb_ingested: string;
  per_gb_month_stored: string;
  per_million_records: string;
  base_fee: string;
  app_overrides: Record<string, Partial<Record<PricedRate, string>>>;
}

/** Usage of one (app, end user) pair over the period. */
export interface UsageUnit {
  app_id: string;
  user_id: string;
  records: number;
  bytes: number;
  /** Stored (compressed) bytes summed over the days of the period. */
  byte_days: number;
}

export type CostItem = 'ingested' | 'stored' | 'records' | 'base_fee';

export interface CostLine {
  item: CostItem;
  quantity: number;
  unit: string;
  amount_minor: number;
}

export interface Costs {
  currency: string;
  minor_digits: number;
  lines: CostLine[];
  total_minor: number;
  apps: Map<string, number>;
  end_users: Map<string, number>;
}

const GB = 1_000_000_000n;
const MILLION = 1_000_000n;

export const FREE_PRICING: Pricing = {
  currency: 'EUR',
  per_gb_ingested: '0',
  per_gb_month_stored: '0',
  per_million_records: '0',
  base_fee: '0',
  app_overrides: {},
};

interface LineSpec {
  item: Exclude<CostItem, 'base_fee'>;
  rate: PricedRate;
  unit: string;
  quantity: (u: UsageUnit) => bigint;
  /** Size of the priced unit in the quantity's own unit. */
  per: bigint;
}

export function computeCosts(
  pricing: Pricing,
  units: readonly UsageUnit[],
  daysInMonth: number,
): Costs {
  const digits = minorDigits(pricing.currency);
  const minor = 10n ** BigInt(digits);
  // Parsed once per app and rate: a report may price 100k (app, end user) pairs.
  const rates = new Map<string, bigint>();
  const rateOf = (appId: string, rate: PricedRate): bigint => {
    const key = `${appId}\u0000${rate}`;
    let micros = rates.get(key);
    if (micros === undefined) {
      micros = toMicros(pricing.app_overrides[appId]?.[rate] ?? pricing[rate]);
      rates.set(key, micros);
    }
    return micros;
  };
  const specs: LineSpec[] = [
    {
      item: 'ingested',
      rate: 'per_gb_ingested',
      unit: 'GB',
      quantity: (u) => BigInt(u.bytes),
      per: GB,
    },
    {
      item: 'stored',
      rate: 'per_gb_month_stored',
      unit: 'GB-month',
      quantity: (u) => BigInt(u.byte_days),
      per: GB * BigInt(daysInMonth),
    },
    {
      item: 'records',
      rate: 'per_million_records',
      unit: 'million records',
      quantity: (u) => BigInt(u.records),
      per: MILLION,
    },
  ];
  const apps = new Map<string, bigint>();
  const users = new Map<string, bigint>();
  const add = (into: Map<string, bigint>, shares: Map<string, bigint>) => {
    for (const [k, v] of shares) into.set(k, (into.get(k) ?? 0n) + v);
  };
  const lines: CostLine[] = [];
  let total = 0n;
  for (const spec of specs) {
    const byApp = new Map<string, bigint>();
    const byUser = new Map<string, bigint>();
    let quantity = 0n;
    const appQuantity = new Map<string, bigint>();
    for (const u of units) {
      const q = spec.quantity(u);
      if (q === 0n) continue;
      quantity += q;
      appQuantity.set(u.app_id, (appQuantity.get(u.app_id) ?? 0n) + q);
      const exact = q * rateOf(u.app_id, spec.rate) * minor;
      byUser.set(u.user_id, (byUser.get(u.user_id) ?? 0n) + exact);
    }
    for (const [appId, q] of appQuantity) byApp.set(appId, q * rateOf(appId, spec.rate) * minor);
    const den = spec.per * MICROS;
    const appSplit = largestRemainder(weights(byApp), den);
    add(apps, appSplit.shares);
    add(users, largestRemainder(weights(byUser), den).shares);
    total += appSplit.total;
    lines.push({
      item: spec.item,
      quantity: Number(quantity) / Number(spec.per),
      unit: spec.unit,
      amount_minor: Number(appSplit.total),
    });
  }
  // The base fee: shared by records; with no usage at all it stays on the bill unsplit.
  const base = divRound(toMicros(pricing.base_fee) * minor, MICROS);
  const recordsBy = (key: (u: UsageUnit) => string) => {
    const m = new Map<string, bigint>();
    for (const u of units) m.set(key(u), (m.get(key(u)) ?? 0n) + BigInt(u.records));
    return weights(m);
  };
  if (units.length > 0) {
    add(
      apps,
      largestRemainder(
        recordsBy((u) => u.app_id),
        1n,
        base,
      ).shares,
    );
    add(
      users,
      largestRemainder(
        recordsBy((u) => u.user_id),
        1n,
        base,
      ).shares,
    );
  }
  total += base;
  lines.push({ item: 'base_fee', quantity: 1, unit: 'month', amount_minor: Number(base) });
  return {
    currency: pricing.currency,
    minor_digits: digits,
    lines,
    total_minor: Number(total),
    apps: toNumbers(apps),
    end_users: toNumbers(users),
  };
}

function weights(m: Map<string, bigint>): Weighted[] {
  return [...m].map(([key, weight]) => ({ key, weight }));
}

function toNumbers(m: Map<string, bigint>): Map<string, number> {
  return new Map([...m].map(([k, v]) => [k, Number(v)]));
}
