import { IngestInputError } from './ingest-errors.ts';

/** Units of work (records, protobuf fields) between two reads of the CPU clock (~1 µs each). */
const CHECK_EVERY = 64;

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/**
 * The CPU time one request's decoding may take. Decoding is synchronous (the row writer's slab
 * belongs to the request until it finishes), so other tenants' requests wait while it runs: past
 * the budget the request is refused with 413 instead of stalling everyone. The record and size
 * limits bound the work already; this bounds what they still allow (huge attribute sets,
 * pathological values). CPU time, not wall time: a loaded machine that takes the CPU away from the
 * process does not make an honest request fail. (It is the process's CPU, so work on libuv's pool
 * during the decode counts too; the budget errs on the strict side there.)
 */
export class DecodeBudget {
  private readonly start = process.cpuUsage();
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
    // started: until that passes the budget, the CPU clock need not be read. Reading it is
    // getrusage over every thread of the process (chdb's pools): 11-15 µs a call measured, 13 %
    // of the main thread's busy time in an NDJSON ingest profile (docs/performance.md).
    if (performance.now() - this.startWallMs <= this.budgetMs) return;
    if (cpuMs(this.start) > this.budgetMs) {
      throw new IngestInputError(
        413,
        'decode_budget_exceeded',
        `decoding this body took more than ${this.budgetMs} ms of CPU; send smaller batches`,
      );
    }
  }
}
