/**
 * An Elasticsearch `_bulk` body of valid UTF-8 straight to INSERT_FORMAT rows: the same items,
 * records, rejections and errors as decodeEsBulk followed by normalising and serialiseRows, but
 * each document line goes through the NDJSON fast path (ndjson-fast-path.ts) and only a line it
 * leaves goes through JSON.parse and the normaliser.
 *
 * Two passes keep the general path's order of errors: the first reads the framing (every action
 * line, and which line is each item's document), so a body refused whole (400 on an action line,
 * 413) is refused before any document is normalised, redacted or counted; the second writes the
 * documents. test/unit/ingest-decode/ndjson-fast-path.test.ts compares both paths on generated
 * bulk bodies.
 */
import { tooManyRecords } from './body-text.ts';
import type { DecodeBudget } from './decode-budget.ts';
import { frameEsBulk, settleBulkItem } from './es-bulk.ts';
import type { BulkItem, FramedBulkItem } from './es-bulk.ts';
import { RecordRejection } from './ingest-errors.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { firstLineStart, isBlankBytes, parseJsonLine } from './ndjson-body.ts';
import { transcodeLine } from './ndjson-fast-path.ts';
import type { NormaliseContext } from './normalise-record.ts';
import type { RowWriter } from './serialise-rows.ts';
import { settleRecord } from './settle-record.ts';
import type { SerialisedCounts } from './settle-record.ts';

/** A non-blank line of the body: bytes [start, end) and its 1-based number. */
interface Line {
  start: number;
  end: number;
  lineNumber: number;
}

/** The non-blank lines, as splitLines finds them (a BOM at the start of the body is dropped). */
function nonBlankLines(body: Buffer, limits: IngestLimits, maxLines: number): Line[] {
  const lines: Line[] = [];
  let start = firstLineStart(body);
  for (let lineNumber = 1; ; lineNumber++) {
    const nl = body.indexOf(0x0a, start);
    const end = nl === -1 ? body.length : nl;
    if (!isBlankBytes(body, start, end)) {
      if (lines.length >= maxLines)
        throw tooManyRecords({ ...limits, maxRecordsPerRequest: maxLines });
      lines.push({ start, end, lineNumber });
    }
    if (nl === -1) return lines;
    start = nl + 1;
  }
}

/**
 * Writes the rows of a bulk body (valid UTF-8) and returns its items, settled, with the counts of
 * rows written and of records a drop_record redaction rule dropped.
 */
export function serialiseEsBulkBody(
  body: Buffer,
  ctx: NormaliseContext,
  writer: RowWriter,
  rejected: RejectedRecord[],
  budget: DecodeBudget,
  defaultIndex = '',
): { accepted: number; dropped: number; bulkItems: BulkItem[] } {
  const lines = nonBlankLines(body, ctx.limits, ctx.limits.maxRecordsPerRequest * 2);
  const framed = frameEsBulk(
    lines,
    (line) => ({ text: body.toString('utf8', line.start, line.end), lineNumber: line.lineNumber }),
    ctx.limits,
    defaultIndex,
  );
  const bulkItems: BulkItem[] = [];
  const counts: SerialisedCounts = { accepted: 0, dropped: 0 };
  for (let index = 0; index < framed.length; index++) {
    const { item, doc } = framed[index] as FramedBulkItem<Line>;
    bulkItems.push(item);
    budget.tick();
    if (doc instanceof RecordRejection) {
      settleBulkItem(item, settleRecord(doc, ctx, writer, rejected, index, counts));
    } else if (transcodeLine(body, doc.start, doc.end, ctx, writer)) {
      settleBulkItem(item, { id: writer.lastFastRowId() });
      counts.accepted++;
    } else {
      const record = parseJsonLine({
        text: body.toString('utf8', doc.start, doc.end),
        lineNumber: doc.lineNumber,
      });
      settleBulkItem(item, settleRecord(record, ctx, writer, rejected, index, counts));
    }
  }
  return { ...counts, bulkItems };
}
