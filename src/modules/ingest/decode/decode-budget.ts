import { threadCpuMicros } from '../../../infra/thread-cpu-clock.ts';
import { IngestInputError } from './ingest-errors.ts';

/** Units of work (records, protobuf fields) between two reads of the CPU clock (~1 µs each). */
const CHECK_EVERY = 64;

/**
 * The CPU time one request's decoding may take. Decoding is synchronous (the row writer's slab
 * belongs to the request until it finishes), so other tenants' requests wait while it runs: past
 * the budget the request is refused with 413 instead of stalling everyone. The record and size
 * limits bound the work already; this bounds what they still allow (huge attribute sets,
 * pathological values). CPU time, not wall time: a loaded machine that takes the CPU away from the
 * process does not make an honest request fail. And the decoding thread's own CPU time
 * (src/infra/thread-cpu-clock.ts), not the process's: chdb's insert and merge threads run beside
 * the decode, and their CPU time must not count against the request.
 */
export class DecodeBudget {
  private readonly startCpuUs = threadCpuMicros();
  private readonly startWallMs = performance.now();
  private countdown = CHECK_EVERY;

  constructor(private readonly budgetMs: number) {}

  /** Once per unit of work; reads the clock every CHECK_EVERY calls. */
  tick(): void {
    if (--this.countdown > 0) return;
    this.countdown = CHECK_EVERY;
    this.check();
  }

  check(): void {
    // The decode runs on this one thread, so it has used no more CPU than the wall time since it
    // started: until that passes the budget, the CPU clock need not be read.
    if (performance.now() - this.startWallMs <= this.budgetMs) return;
    if ((threadCpuMicros() - this.startCpuUs) / 1000 > this.budgetMs) {
      throw new IngestInputError(
        413,
        'decode_budget_exceeded',
        `decoding this body took more than ${this.budgetMs} ms of CPU; send smaller batches`,
      );
    }
  }
}
