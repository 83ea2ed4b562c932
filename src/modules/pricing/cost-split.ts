// Splitting an amount among apps or end users by their share of a quantity, so that the parts are
// whole minor units and add up exactly to the total: largest-remainder (Hamilton) apportionment.
// Each part first gets the floor of its exact share; the units still missing go, one each, to the
// parts with the largest remainders (ties to the smaller key, so the answer is deterministic).
import { divRound } from './money.ts';

export interface Weighted {
  key: string;
  /** The part's exact share of the amount is weight / denominator (minor units). */
  weight: bigint;
}

/**
 * The total is round(Σ weight / denominator) unless given; parts sum to it exactly. With nothing
 * to weigh by (all weights 0) a given total is shared equally, by the same rule.
 */
export function largestRemainder(
  parts: readonly Weighted[],
  denominator: bigint,
  total?: bigint,
): { total: bigint; shares: Map<string, bigint> } {
  const shares = new Map<string, bigint>();
  if (parts.length === 0) return { total: total ?? 0n, shares };
  let sum = 0n;
  for (const p of parts) sum += p.weight;
  let items = parts;
  let den = denominator;
  const amount = total ?? divRound(sum, denominator);
  if (total !== undefined) {
    // Shares of a fixed amount: weight × amount / Σ weight (equal weights when all are 0).
    if (sum === 0n) {
      items = parts.map((p) => ({ key: p.key, weight: 1n }));
      sum = BigInt(parts.length);
    }
    items = items.map((p) => ({ key: p.key, weight: p.weight * amount }));
    den = sum;
  }
  const floors = items.map((p) => ({ key: p.key, floor: p.weight / den, rest: p.weight % den }));
  let given = 0n;
  for (const f of floors) given += f.floor;
  let left = amount - given;
  const order = [...floors].sort((a, b) =>
    a.rest === b.rest ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.rest > b.rest ? -1 : 1,
  );
  for (const f of floors) shares.set(f.key, f.floor);
  for (const f of order) {
    if (left <= 0n) break;
    shares.set(f.key, (shares.get(f.key) as bigint) + 1n);
    left -= 1n;
  }
  return { total: amount, shares };
}
