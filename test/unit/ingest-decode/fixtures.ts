import type { Test } from 'tap';
import {
  decodeAndSerialiseIngestBody,
  decodeIngestBody,
  DEFAULT_INGEST_LIMITS,
  serialiseRows,
} from '../../../src/modules/ingest/decode/index.ts';
import type {
  DecodeIngestBodyInput,
  IngestLimits,
  SerialisedIngestBody,
} from '../../../src/modules/ingest/decode/index.ts';
import { DecodeBudget } from '../../../src/modules/ingest/decode/decode-budget.ts';
import type { RejectedRecord } from '../../../src/modules/ingest/decode/ingest-errors.ts';
import { createNormaliseContext } from '../../../src/modules/ingest/decode/normalise-record.ts';
import type { NormaliseContext } from '../../../src/modules/ingest/decode/normalise-record.ts';
import { RowWriter } from '../../../src/modules/ingest/decode/serialise-rows.ts';

/** The receive time of every test: 2026-01-15T12:00:00.250Z. */
export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0, 250);
export const NOW_TEXT = '2026-01-15 12:00:00.250000000';

/** An instant as RFC 3339 text to the second, UTC (`…T12:00:00Z`), as senders commonly write it. */
export function rfc3339Seconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

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

/** A body posted to a route of `kind` as `contentType`, uncompressed, default limits, at NOW_MS. */
export function requestOf(
  kind: DecodeIngestBodyInput['kind'],
  contentType: string,
  body: Buffer | string,
): DecodeIngestBodyInput {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return {
    kind,
    contentType,
    contentEncoding: undefined,
    body: bytes,
    limits: limits({}),
    now: NOW_MS,
  };
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

/** Limits low enough that generated records meet each of them. */
export const LOW_LIMITS: IngestLimits = limits({
  maxNestingDepth: 2,
  maxAttributes: 5,
  maxAttributeValueBytes: 40,
  maxAttributeKeyBytes: 6,
  maxMessageBytes: 30,
});

/** One request through the general path and the fast one (decodeAndSerialiseIngestBody). */
export interface PathsCompared {
  /** Refused whole by the general path (400, 413): the fast one must refuse it alike. */
  readonly refused: boolean;
  /** Records the general path answered for: rows and rejections. */
  readonly records: number;
  readonly same: boolean;
  /** The fast path's answer; undefined when it refused the request. */
  readonly fast: SerialisedIngestBody | undefined;
  /** Rows (ids masked) or error of each path, non-ASCII escaped for the TAP stream. */
  readonly shownFast: string;
  readonly shownGeneral: string;
  readonly rejections: { fast: unknown; general: unknown };
}

export async function compareWithGeneralPath(input: DecodeIngestBodyInput): Promise<PathsCompared> {
  const general = await decodeIngestBody(input).catch((error: Error) => error);
  const fast = await decodeAndSerialiseIngestBody(input, TENANT).catch((error: Error) => error);
  if (general instanceof Error || fast instanceof Error) {
    return {
      refused: true,
      records: 0,
      same: String(general) === String(fast),
      fast: fast instanceof Error ? undefined : fast,
      shownFast: shown(String(fast)),
      shownGeneral: shown(String(general)),
      rejections: { fast: undefined, general: undefined },
    };
  }
  const expected = general.rows.length === 0 ? undefined : serialiseRows(general.rows, TENANT);
  return {
    refused: false,
    records: general.rows.length + general.rejected.length,
    same: sameAsGeneralPath(fast, general, expected),
    fast,
    shownFast: shown(maskIds(fast.serialised?.toString('utf8') ?? '')),
    shownGeneral: shown(maskIds(expected?.toString('utf8') ?? '')),
    rejections: { fast: fast.rejected, general: general.rejected },
  };
}

/** The assertions that show how the two paths' answers differ. */
export function reportDifference(t: Test, compared: PathsCompared, request: string): void {
  t.equal(compared.shownFast, compared.shownGeneral, request);
  t.same(compared.rejections.fast, compared.rejections.general, `${request}: rejections`);
}

/** One generated request of a differential test. */
export interface GeneratedRequest {
  readonly input: DecodeIngestBodyInput;
  /** The request, for a failure report. */
  readonly text: () => string;
  /** How many of its rows the fast path writes itself; undefined: not counted for this one. */
  readonly fastRows?: () => number;
}

/** What a differential test's requests came to. */
export interface DifferentialTotals {
  records: number;
  refused: number;
  mismatches: number;
  /** Rows of the requests whose fastRows was counted, and how many of them the fast path wrote. */
  countedRows: number;
  fastRows: number;
}

/**
 * Compares both paths on the requests `generate` makes for seeds 1 to `seeds`, reporting the
 * first three that differ; the caller asserts the totals.
 */
export async function compareOnGenerated(
  t: Test,
  seeds: number,
  generate: (seed: number) => GeneratedRequest,
): Promise<DifferentialTotals> {
  const totals = { records: 0, refused: 0, mismatches: 0, countedRows: 0, fastRows: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    const request = generate(seed);
    const compared = await compareWithGeneralPath(request.input);
    totals.records += compared.records;
    if (compared.refused) totals.refused++;
    else if (request.fastRows !== undefined) {
      totals.countedRows += compared.fast?.accepted ?? 0;
      totals.fastRows += request.fastRows();
    }
    if (!compared.same && totals.mismatches++ < 3)
      reportDifference(t, compared, `seed ${seed}: ${shown(request.text())}`);
  }
  return totals;
}

/** What a fast path's serialise function takes after the body, fresh, as ingest makes them. */
export function serialiseArgs(
  limits: IngestLimits,
): [NormaliseContext, RowWriter, RejectedRecord[], DecodeBudget] {
  return [
    createNormaliseContext(limits, NOW_MS),
    new RowWriter(TENANT),
    [],
    new DecodeBudget(limits.decodeCpuBudgetMs),
  ];
}

/**
 * A differential test's totals: enough records and whole-body refusals to have compared, at least
 * `fastShare` of the counted rows written by the fast path itself, and no difference.
 */
export function checkTotals(
  t: Test,
  totals: DifferentialTotals,
  min: { records: number; refused: number; fastShare: number },
): void {
  t.ok(totals.records > min.records, `${totals.records} generated records`);
  t.ok(totals.refused > min.refused, `${totals.refused} requests refused whole by both`);
  t.ok(
    totals.fastRows > totals.countedRows * min.fastShare,
    `${totals.fastRows} of ${totals.countedRows} counted rows took the fast path`,
  );
  t.equal(totals.mismatches, 0, 'no request answered differently');
}
