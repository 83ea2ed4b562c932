/**
 * Many MyLog instances, restarted one after another under load: the scenario of
 * test/integration/scale/rolling-restart.test.ts (two `ingest,api` and one `worker,scheduler`
 * process on one Postgres, Redis and ClickHouse behind a round-robin proxy; a steady sender; each
 * instance restarted in turn; a live tail following them), with more senders and longer between
 * restarts.
 *
 * Run: npm run bench:rolling-restart   (loopback only; bounded: each phase waits at most 30 s)
 * BENCH_SENDERS (8), BENCH_RECORDS_PER_REQUEST (50), BENCH_INTERVAL_MS (100),
 * BENCH_BATCHES_BETWEEN_RESTARTS (200). Prints acknowledged/lost/duplicated counts, what the
 * senders saw, the proxy's re-sends, the tail's delivery, restart times and the load average.
 */
import os from 'node:os';
import { runRollingRestart } from '../test/integration/scale/lib/rolling-restart.ts';
import { describeSenders } from '../test/integration/scale/lib/steady-sender.ts';
import { loadAverages } from './lib/load-average.ts';

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

let failed: boolean;
try {
  const r = await runRollingRestart(t, {
    senders: num('BENCH_SENDERS', 8),
    recordsPerRequest: num('BENCH_RECORDS_PER_REQUEST', 50),
    intervalMs: num('BENCH_INTERVAL_MS', 100),
    batchesBetweenRestarts: num('BENCH_BATCHES_BETWEEN_RESTARTS', 200),
    log: (line) => console.log(line),
  });
  const seconds = r.ms / 1000;
  console.log(`senders: ${describeSenders(r.senders)}`);
  console.log(
    `acknowledged ${r.senders.acknowledged.length} records (${Math.round(r.senders.acknowledged.length / seconds)}/s ` +
      `over ${seconds.toFixed(1)} s), lost ${r.lost}, duplicated ${r.duplicated}`,
  );
  console.log(
    `proxy: ${r.proxyRetried} requests re-sent to another instance, ${r.proxyFailed.length} failed`,
  );
  console.log(
    `tail: ${r.tailRows} rows, ${r.tailMissing} missing, ${r.tailDuplicates} twice, ` +
      `${r.tailReconnects} reconnects, ${r.incompleteBackfills} incomplete resumes, ${r.leaseLapses} lease lapses`,
  );
  console.log(`restarts: ${r.restartsMs.join(', ')} ms`);
  failed =
    r.lost > 0 ||
    r.duplicated > 0 ||
    r.proxyFailed.length > 0 ||
    r.senders.unacknowledged.length > 0;
} finally {
  console.log(`load average: ${loadAverages()} on ${os.cpus().length} CPUs`);
  for (const fn of teardowns.reverse()) await Promise.resolve(fn()).catch(() => undefined);
}
process.exit(failed ? 1 : 0);
