import { DEFAULT_INGEST_LIMITS } from '../../../src/modules/ingest/decode/index.ts';
import type { IngestLimits } from '../../../src/modules/ingest/decode/index.ts';
import { createNormaliseContext } from '../../../src/modules/ingest/decode/normalise-record.ts';

/** The receive time of every test: 2026-01-15T12:00:00.250Z. */
export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0, 250);
export const NOW_TEXT = '2026-01-15 12:00:00.250000000';

export const LIMITS: IngestLimits = { ...DEFAULT_INGEST_LIMITS };

/** The tenant columns of serialised test rows. */
export const TENANT = {
  org_id: '0190f1e2-0000-7000-8000-000000000001',
  app_id: '0190f1e2-0000-7000-8000-000000000002',
  retention_days: 30,
};

export function limits(overrides: Partial<IngestLimits>): IngestLimits {
  return { ...DEFAULT_INGEST_LIMITS, ...overrides };
}

export function ctx(overrides: Partial<IngestLimits> = {}) {
  return createNormaliseContext(limits(overrides), NOW_MS);
}

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function ndjson(records: readonly unknown[]): Buffer {
  return Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** A seeded generator for the differential tests, so that a failure can be replayed. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 12;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

/** Serialised rows with the id column blanked: ids are random. */
export function maskIds(text: string): string {
  return text.replace(/^(\[(?:"[^"]*",){4}")[0-9a-f-]{36}/gm, '$1<id>');
}

/**
 * A fast path's answer is the general path's: the same counts, rejections and rows (ids masked).
 * `expected` is the general path's rows serialised.
 */
export function sameAsGeneralPath(
  fast: { accepted: number; dropped: number; rejected: unknown; serialised?: Buffer },
  general: { rows: readonly unknown[]; dropped: number; rejected: unknown },
  expected: Buffer | undefined,
): boolean {
  return (
    fast.accepted === general.rows.length &&
    fast.dropped === general.dropped &&
    JSON.stringify(fast.rejected) === JSON.stringify(general.rejected) &&
    maskIds(fast.serialised?.toString('utf8') ?? '') === maskIds(expected?.toString('utf8') ?? '')
  );
}

/**
 * Text for a failure report with every character outside printable ASCII escaped: some of the
 * generated ones (U+2028, DEL, a BOM) make the TAP stream lose the report and the assertions
 * after it, and the subtest then passes with none.
 */
export function shown(text: string): string {
  return text.replace(/[^\x20-\x7e\n]/g, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`);
}
