/**
 * The general path's step for one record a fast path leaves (ndjson-fast-path.ts through
 * ndjson-body.ts and es-bulk-fast.ts, and the OTLP fast paths): normalised, redacted, then written
 * as a row or listed as a rejection.
 */
import { RecordRejection } from './ingest-errors.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import { normaliseRecord } from './normalise-record.ts';
import type { CanonicalRow, NormaliseContext } from './normalise-record.ts';
import type { RawRecord } from './raw-record.ts';
import { DROP_RECORD, redactOutcome } from './row-redactor.ts';
import type { RowWriter } from './serialise-rows.ts';

/** Rows a fast path wrote, and records a drop_record redaction rule dropped. */
export interface SerialisedCounts {
  accepted: number;
  dropped: number;
}

/** And how many of the rows the fast path wrote itself (the rest took the general step). */
export interface FastPathCounts extends SerialisedCounts {
  fast: number;
}

/**
 * Settles `record` (the request's `index`-th) and counts it. Returns what an Elasticsearch bulk
 * item reports for it: the rejection, or the row (also for a record a drop_record rule dropped,
 * which is answered as accepted but not written).
 */
export function settleRecord(
  record: RawRecord | RecordRejection,
  ctx: NormaliseContext,
  w: RowWriter,
  rejected: RejectedRecord[],
  index: number,
  counts: SerialisedCounts,
): CanonicalRow | RecordRejection {
  const normalised = record instanceof RecordRejection ? record : normaliseRecord(record, ctx);
  const outcome = redactOutcome(normalised, ctx.redactor);
  if (outcome === DROP_RECORD) {
    counts.dropped++;
    return normalised;
  }
  if (outcome instanceof RecordRejection)
    rejected.push({ index, code: outcome.code, error: outcome.error });
  else {
    w.writeRow(outcome);
    counts.accepted++;
  }
  return outcome;
}
