import { IngestInputError } from './ingest-errors.ts';

/** Records (or scanned characters / 1024) between two reads of the clock. */
const CHECK_EVERY = 64;

/**
 * The event-loop time one request's decoding may take. Decoding is synchronous (the row writer's
 * slab belongs to the request until it finishes), so other tenants' requests wait while it runs:
 * past the budget the request is refused with 413 instead of stalling everyone. The record and
 * size limits bound the work already; this bounds what those limits still allow on a slow or
 * loaded machine (huge attribute sets, pathological values).
 */
export class DecodeBudget {
  private readonly deadline: number;
  private countdown = CHECK_EVERY;

  constructor(
    private readonly budgetMs: number,
    startedAt = performance.now(),
  ) {
    this.deadline = startedAt + budgetMs;
  }

  /** Once per unit of work; reads the clock every CHECK_EVERY calls. */
  tick(): void {
    if (--this.countdown > 0) return;
    this.countdown = CHECK_EVERY;
    this.check();
  }

  check(): void {
    if (performance.now() > this.deadline) {
      throw new IngestInputError(
        413,
        'decode_budget_exceeded',
        `decoding this body took longer than ${this.budgetMs} ms; send smaller batches`,
      );
    }
  }
}
