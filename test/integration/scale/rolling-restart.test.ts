// Issue 18 §4: three MyLog processes (two `ingest,api`, one `worker,scheduler`) on one shared
// Postgres, Redis and ClickHouse, behind a round-robin proxy that retries the next instance on a
// connection failure; a steady sender; each instance restarted in turn. No acknowledged record is
// lost or stored twice, no request fails, and the live tail keeps delivering across the restarts.
// The same scenario, longer and with more senders: npm run bench:rolling-restart.
import t from 'tap';
import { runRollingRestart } from './lib/rolling-restart.ts';
import { describeSenders } from './lib/steady-sender.ts';

// Each process start is ~5 s on a quiet box but ~95 s at load average 24 on 2 CPUs.
t.setTimeout(900_000);

t.test('each of three instances restarted in turn under a steady sender', async (t) => {
  const r = await runRollingRestart(t, {
    senders: 2,
    recordsPerRequest: 10,
    intervalMs: 100,
    batchesBetweenRestarts: 10,
    log: (line) => t.comment(line),
  });
  t.same(r.senders.unacknowledged, [], 'every batch was acknowledged');
  t.same(r.proxyFailed, [], 'no request failed at the proxy (a refused connection went elsewhere)');
  t.equal(r.senders.answers.conn ?? 0, 0, 'the sender never lost its connection');
  t.equal(r.lost, 0, 'no acknowledged record lost');
  t.equal(r.duplicated, 0, 'no record stored twice');
  // A resume says complete:false when the gap was not stored within TAIL_RESUME_MAX_WAIT_MS; named
  // apart, so that a host too slow for that wait is not mistaken for a resume that skips rows.
  t.equal(r.incompleteBackfills, 0, 'every resume found its gap stored in time');
  t.equal(r.tailMissing, 0, 'the live tail delivered every record');
  for (const line of r.tailMissingDetail) t.comment(line);
  // Rows reach the socket only roughly in id order (two ingest instances): the resume names the
  // ids it holds near its newest (seen_ids), so it neither skips an older row nor repeats one.
  t.equal(r.tailDuplicates, 0, 'the live tail delivered no record twice');
  t.ok(r.tailRows >= r.senders.acknowledged.length, 'the tail kept delivering after each restart');
  t.comment(`senders: ${describeSenders(r.senders)}`);
  t.comment(
    `records: ${r.senders.acknowledged.length} acknowledged, ${r.lost} lost, ${r.duplicated} ` +
      `duplicated; proxy re-sent ${r.proxyRetried} requests, ${r.proxyFailed.length} failed; tail: ` +
      `${r.tailRows} rows, ${r.tailMissing} missing, ${r.tailDuplicates} twice, ` +
      `${r.tailReconnects} reconnects (${r.incompleteBackfills} incomplete resumes, ${r.leaseLapses} lease lapses); restarts took ${r.restartsMs.join(', ')} ms; ${r.ms} ms in all`,
  );
});
