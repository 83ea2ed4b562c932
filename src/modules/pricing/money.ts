// Money without floating point: prices are decimals (as Postgres numeric keeps them) turned into
// integer micro-units, amounts are integers in the currency's minor unit, all arithmetic in BigInt.

export const MICROS = 1_000_000n;
const DECIMAL = /^(\d{1,12})(?:\.(\d{1,6}))?$/;

/** Whether a price has at most 12 integer and 6 fraction digits, not negative. */
export function isPrice(text: string): boolean {
  return DECIMAL.test(text);
}

/** '0.125' → 125000n (millionths of the major unit). Postgres may append zeros: '0.1250000000'. */
export function toMicros(value: string | number): bigint {
  if (
    typeof value === 'number' &&
    (!Number.isFinite(value) || Number(value.toFixed(6)) !== value)
  ) {
    throw new RangeError(`not a price with at most 6 decimals: ${value}`);
  }
  const text = typeof value === 'number' ? value.toFixed(6) : value.trim();
  const [whole, fraction = ''] = text.split('.');
  const kept = fraction.replace(/0+$/, '');
  if (!/^\d+$/.test(whole ?? '') || !/^\d*$/.test(kept) || kept.length > 6) {
    throw new RangeError(`not a price with at most 6 decimals: ${text}`);
  }
  return BigInt(whole as string) * MICROS + BigInt(kept.padEnd(6, '0'));
}

/** Micro-units back to the shortest decimal text ('0.125', '3'). */
export function fromMicros(micros: bigint): string {
  const whole = micros / MICROS;
  const fraction = (micros % MICROS).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** ISO 4217 currencies this runtime knows. */
export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return Intl.supportedValuesOf('currency').includes(code);
}

/** Digits of the currency's minor unit: EUR 2, JPY 0, BHD 3 (from the runtime's ICU data). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

/** n / d rounded half up (n, d ≥ 0). */
export function divRound(n: bigint, d: bigint): bigint {
  return (n * 2n + d) / (2n * d);
}
