import { splitLines, tooManyRecords } from './body-text.ts';
import type { BodyLine } from './body-text.ts';
import type { DecodeBudget } from './decode-budget.ts';
import { RecordRejection } from './ingest-errors.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { isPlainObject } from './raw-record.ts';
import type { DecodeResult, RawRecord } from './raw-record.ts';
import { transcodeLine } from './ndjson-fast-path.ts';
import { settleRecord } from './settle-record.ts';
import type { SerialisedCounts } from './settle-record.ts';
import type { NormaliseContext } from './normalise-record.ts';
import type { RowWriter } from './serialise-rows.ts';

/** One line → one record; what is wrong with a line rejects that record only. */
export function parseJsonLine(line: BodyLine): RawRecord | RecordRejection {
  if (line.text === undefined)
    return new RecordRejection('invalid_utf8', `line ${line.lineNumber} is not valid UTF-8`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.text);
  } catch (err) {
    return new RecordRejection(
      'invalid_json',
      `line ${line.lineNumber} is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (!isPlainObject(parsed)) {
    return new RecordRejection('not_an_object', `line ${line.lineNumber} must be a JSON object`);
  }
  return { source: 'json', fields: parsed };
}

/** Record indexes count non-blank lines only: blank lines are framing, not records. */
export function decodeNdjsonBody(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
): DecodeResult {
  const lines = splitLines(body, limits.maxRecordsPerRequest);
  const records = new Array<RawRecord | RecordRejection>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    budget.tick();
    records[i] = parseJsonLine(lines[i] as BodyLine);
  }
  return { records };
}

/** Where a line-oriented body's first line starts: splitLines drops a BOM at the body's start. */
export function firstLineStart(body: Buffer): number {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
}

/** A line of only spaces, tabs, CRs and BOMs (EF BB BF) is framing, as in splitLines. */
export function isBlankBytes(body: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = body[i];
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (c === 0xef && body[i + 1] === 0xbb && body[i + 2] === 0xbf && i + 2 < to) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

/**
 * A valid UTF-8 NDJSON body straight to INSERT_FORMAT rows: each line through the fast path, or,
 * when it bails, through JSON.parse and the normaliser. Same records, indexes, rejections and
 * 413 as decodeNdjsonBody followed by serialiseRows. Returns the number of rows written and of
 * records a drop_record redaction rule dropped.
 */
export function serialiseNdjsonBody(
  body: Buffer,
  ctx: NormaliseContext,
  writer: RowWriter,
  rejected: RejectedRecord[],
  budget: DecodeBudget,
): SerialisedCounts {
  const maxLines = ctx.limits.maxRecordsPerRequest;
  const counts: SerialisedCounts = { accepted: 0, dropped: 0 };
  let index = 0;
  let lineNumber = 1;
  let start = firstLineStart(body);
  for (;;) {
    const nl = body.indexOf(0x0a, start);
    const end = nl === -1 ? body.length : nl;
    if (!isBlankBytes(body, start, end)) {
      if (index >= maxLines) throw tooManyRecords(ctx.limits);
      budget.tick();
      if (transcodeLine(body, start, end, ctx, writer)) counts.accepted++;
      else {
        const record = parseJsonLine({ text: body.toString('utf8', start, end), lineNumber });
        settleRecord(record, ctx, writer, rejected, index, counts);
      }
      index++;
    }
    if (nl === -1) return counts;
    start = nl + 1;
    lineNumber++;
  }
}
