// The redaction hook of the decoder: applied to every normalised row of every format, before the
// row is serialised (so before the queue, the store and the live tail). The rules themselves live
// in src/modules/redaction; the decoder only knows this interface.
import type { RecordRejection } from './ingest-errors.ts';
import type { CanonicalRow } from './normalise-record.ts';

/** redactRow's answer for a record a drop_record rule matched: accepted, never stored. */
export const DROP_RECORD = Symbol('drop_record');

export interface RowRedactor {
  /** The row as it may be stored (the same object when no rule changed it), DROP_RECORD, or a rejection. */
  redactRow(row: CanonicalRow): CanonicalRow | RecordRejection | typeof DROP_RECORD;
  /**
   * False only when no rule could change a record whose values (message, attributes, columns)
   * are all in `values`: the NDJSON fast path copies such a line as it is and leaves every other
   * line to the general path, so both paths write the same bytes.
   */
  mayChange(values: readonly string[]): boolean;
}

/** A normaliser's outcome after the rules (no redactor: as it is). */
export function redactOutcome(
  outcome: CanonicalRow | RecordRejection,
  redactor: RowRedactor | undefined,
): CanonicalRow | RecordRejection | typeof DROP_RECORD {
  if (redactor === undefined || !isRow(outcome)) return outcome;
  return redactor.redactRow(outcome);
}

function isRow(outcome: CanonicalRow | RecordRejection): outcome is CanonicalRow {
  return 'message' in outcome;
}
