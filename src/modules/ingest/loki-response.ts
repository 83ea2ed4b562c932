// Loki's push answer: 204 when every entry was taken. When some were not, Loki answers 400 naming
// them (the others are kept), and clients log that body and do not retry: MyLog does the same.
import { AppError } from '../../infra/errors.ts';
import type { IngestOutcome } from './ingest.service.ts';

/** Shown in the 400's message; the details list every rejected entry. */
const REASONS_IN_MESSAGE = 5;

/** Throws the 400 when entries were rejected; returns when all were accepted. */
export function lokiPushResponse(outcome: IngestOutcome): void {
  const { accepted, rejected } = outcome;
  if (rejected.length === 0) return;
  const reasons = rejected
    .slice(0, REASONS_IN_MESSAGE)
    .map((r) => `entry ${r.index}: ${r.error}`)
    .join('; ');
  throw new AppError(
    400,
    'entries_rejected',
    `${rejected.length} of ${accepted + rejected.length} entries rejected (the others were stored): ${reasons}`,
    { accepted, rejected: rejected.map((r) => ({ index: r.index, error: r.error })) },
  );
}
