/**
 * A JSON array of records (`[{…},{…}]`, what Fluent Bit's and Logstash's HTTP outputs and Vector's
 * JSON encoding send) straight to INSERT_FORMAT rows: the same rows and rejections as JSON.parse of
 * the body, decodeJsonValue, normalising and serialiseRows, but each element goes through the
 * NDJSON fast path (ndjson-fast-path.ts) and only an element it leaves is parsed alone.
 *
 * Two passes: the first checks the whole body as strictly as JSON.parse (skipValue) and finds
 * each element; anything else (not an array, invalid JSON, more elements than the limit, nesting
 * past the scanner's bound) returns undefined before anything is written, and the general path
 * then answers with its own rows, NDJSON reading, 400 or 413. The second writes the elements.
 * test/unit/ingest-decode/json-array-fast-path.test.ts compares both paths on generated bodies.
 */
import type { DecodeBudget } from './decode-budget.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import { arrayElementRecord } from './json-body.ts';
import { BAIL, skipSpace, skipValue } from './json-scan.ts';
import { firstLineStart } from './ndjson-body.ts';
import { transcodeLine } from './ndjson-fast-path.ts';
import type { NormaliseContext } from './normalise-record.ts';
import type { RowWriter } from './serialise-rows.ts';
import { settleRecord } from './settle-record.ts';
import type { FastPathCounts } from './settle-record.ts';

/** Deeper elements send the body to the general path (JSON.parse has no such bound). */
const MAX_SCAN_DEPTH = 64;

/** Each element's [start, end) in the body, or undefined when the general path must read it. */
function arrayElements(body: Buffer, maxElements: number): number[] | undefined {
  const end = body.length;
  const bounds: number[] = [];
  try {
    // bodyText drops a BOM before JSON.parse.
    let p = skipSpace(body, firstLineStart(body), end);
    if (body[p] !== 0x5b) return undefined;
    p = skipSpace(body, p + 1, end);
    if (body[p] === 0x5d) p++;
    else {
      for (;;) {
        if (bounds.length >= 2 * maxElements) return undefined;
        const start = skipSpace(body, p, end);
        p = skipValue(body, start, end, MAX_SCAN_DEPTH);
        bounds.push(start, p);
        p = skipSpace(body, p, end);
        const next = body[p++];
        if (next === 0x5d) break;
        if (next !== 0x2c) return undefined;
      }
    }
    return skipSpace(body, p, end) === end ? bounds : undefined;
  } catch (error) {
    if (error === BAIL) return undefined;
    throw error;
  }
}

/**
 * Writes the rows of a JSON array body of valid UTF-8 and returns the counts, or returns undefined
 * having written nothing when the body is not one the first pass accepts.
 */
export function serialiseJsonArray(
  body: Buffer,
  ctx: NormaliseContext,
  w: RowWriter,
  rejected: RejectedRecord[],
  budget: DecodeBudget,
): FastPathCounts | undefined {
  const bounds = arrayElements(body, ctx.limits.maxRecordsPerRequest);
  if (bounds === undefined) return undefined;
  const counts: FastPathCounts = { accepted: 0, dropped: 0, fast: 0 };
  for (let i = 0; i < bounds.length; i += 2) {
    const start = bounds[i] as number;
    const end = bounds[i + 1] as number;
    budget.tick();
    if (body[start] === 0x7b && transcodeLine(body, start, end, ctx, w)) {
      counts.accepted++;
      counts.fast++;
    } else {
      const record = arrayElementRecord(JSON.parse(body.toString('utf8', start, end)));
      settleRecord(record, ctx, w, rejected, i / 2, counts);
    }
  }
  return counts;
}
