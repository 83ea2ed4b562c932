// Many MyLog instances on one shared Postgres, Redis and ClickHouse (chdb behind its HTTP bridge):
// two `ingest,api` and one `worker,scheduler` process behind a round-robin proxy, a steady sender
// through the proxy, a live-tail socket that follows the instances (resuming with last_id and seen_ids,
// as the web app does), and each instance restarted in turn (SIGTERM, start again on its port).
// Used by test/integration/scale/rolling-restart.test.ts and bench/rolling-restart.bench.ts.
import WebSocket from 'ws';
import { startChdbHttpBridge } from '../../../../src/infra/clickhouse/chdb-http-bridge.ts';
import { migrateClickHouse } from '../../../../src/infra/clickhouse/migrations.ts';
import { loadConfig } from '../../../../src/config.ts';
import { createDb, migratePostgres } from '../../../../src/infra/postgres.ts';
import { testEnv } from '../../../helpers/app.ts';
import { reapWhenThisProcessExits } from '../../../helpers/reaper.ts';
import { createChdbTestStore, type Teardown } from '../../../helpers/services.ts';
import { createTenant } from '../../ingest/ingest-fixtures.ts';
import { freePort, startMyLogProcess, type MyLogProcess } from '../../ingest/mylog-process.ts';
import { ResumePoint, uuidV7Ms } from '../../../../src/modules/tail/resume-point.ts';
import { LEASE_LAPSED_WARNING } from '../../../../src/modules/tail/tail-leases.ts';
import { TailClient, userWithToken, type Row } from '../../tail/tail-fixtures.ts';
import { startRoundRobinProxy } from './round-robin-proxy.ts';
import { compareStored, startSenders, type SenderReport } from './steady-sender.ts';
import { waitUntilStored } from './stored-messages.ts';

export interface RollingRestartOptions {
  senders: number;
  recordsPerRequest: number;
  intervalMs: number;
  /** Batches acknowledged between two restarts (and before the first). */
  batchesBetweenRestarts: number;
  log?: (line: string) => void;
}

export interface RollingRestartReport {
  senders: SenderReport;
  lost: number;
  duplicated: number;
  proxyRetried: number;
  proxyFailed: string[];
  tailRows: number;
  tailDuplicates: number;
  tailMissing: number;
  /** Resumes whose wait for the gap to be stored ran out (`complete: false`): rows may be missing. */
  incompleteBackfills: number;
  tailReconnects: number;
  /** Warnings of a hub whose lease ran out (its sockets then resume): a sign of stalled processes. */
  leaseLapses: number;
  /** When rows are missing: where their ids fall against the tail's connections (for diagnosis). */
  tailMissingDetail: string[];
  restartsMs: number[];
  ms: number;
}

/** A process start takes ~5 s on a quiet 2-core box, over a minute at load average 25. */
const START = { startTimeoutMs: 180_000 };

/** A started instance, stopped even if this process dies without its teardown. */
async function start(env: Record<string, string>): Promise<MyLogProcess> {
  const started = await startMyLogProcess(env, START);
  reapWhenThisProcessExits([started.child.pid]);
  return started;
}

/** The hub's lapse warnings in an instance's kept output. */
const countLapses = (p: MyLogProcess): number => p.output().split(LEASE_LAPSED_WARNING).length - 1;

interface Instance {
  name: string;
  env: Record<string, string>;
  process: MyLogProcess;
}

export async function runRollingRestart(
  t: Teardown,
  o: RollingRestartOptions,
): Promise<RollingRestartReport> {
  const began = Date.now();
  const log = o.log ?? (() => undefined);
  const clickhouse = createChdbTestStore(t);
  await migrateClickHouse(clickhouse);
  const bridge = await startChdbHttpBridge({
    session: clickhouse.bridgeSession(),
    port: await freePort(),
  });
  t.teardown(() => bridge.close());
  const base = await testEnv(t, {
    CLICKHOUSE_URL: bridge.url,
    CLICKHOUSE_DATABASE: clickhouse.database,
    SHUTDOWN_DEADLINE_MS: '10000',
    // Sockets of a restarting instance resume elsewhere; their leases need not outlive it long.
    TAIL_LEASE_TTL_MS: '2000',
    INGEST_TAIL_SUBSCRIBER_CACHE_MS: '200',
    INGEST_OVERLOAD_RETRY_AFTER_S: '1',
    // A tail that resumes while the worker restarts waits for the gap to be stored. The worker's
    // restart took 14 s in a loaded CI run, past the 10 s default wait, and the resume then
    // (rightly) said complete:false: 60 rows never reached the tail. A job the stopping worker
    // still held comes back after its lock expires: 5 s instead of 30. At load 15 on the 2-core CI
    // host restarts took 31-38 s and the tail missed 20 rows; a resume past a 30 s wait would say
    // complete:false, which the report now counts (incompleteBackfills).
    TAIL_RESUME_MAX_WAIT_MS: '120000',
    WORKER_LOCK_DURATION_MS: '5000',
  });
  const db = createDb(base.DATABASE_URL as string, 2);
  t.teardown(() => db.destroy());
  await migratePostgres(db);
  const tenant = await createTenant(db);
  const { token } = await userWithToken(db, loadConfig(base), tenant.orgId);

  // Started together: a start is mostly tsx compiling the server, one core each.
  const startedAt = Date.now();
  const instances: Instance[] = await Promise.all(
    (
      [
        ['ingest-a', 'ingest,api'],
        ['ingest-b', 'ingest,api'],
        ['worker', 'worker,scheduler'],
      ] as const
    ).map(async ([name, roles]) => {
      const env = { ...base, PORT: String(await freePort()), MYLOG_ROLES: roles };
      return { name, env, process: await start(env) };
    }),
  );
  log(`3 instances started in ${Date.now() - startedAt} ms`);
  t.teardown(async () => {
    for (const i of instances) await i.process.kill('SIGKILL');
  });
  const front = instances.slice(0, 2);
  const proxy = await startRoundRobinProxy(front.map((i) => Number(i.env.PORT)));
  t.teardown(() => proxy.close());

  // The live tail: on a restart its socket closes (1012) and it resumes on the other instance.
  const tailRows: Row[] = [];
  const resumePoint = new ResumePoint();
  let tailReconnects = 0;
  let incompleteBackfills = 0;
  let tailOn = true;
  let tailAt = 0;
  const connections: string[] = [];
  const since = (ms: number): string => `+${ms - began} ms`;
  // The senders start once the first subscription is live: a row received before it is not the
  // tail's to deliver (a busy host once took longer than a fixed wait, and 10 rows were "missing").
  let firstSubscribed = (): void => undefined;
  const subscribed = new Promise<void>((resolve) => (firstSubscribed = resolve));
  const tailLoop = (async () => {
    while (tailOn) {
      const target = front[tailAt % front.length] as Instance;
      let client: TailClient;
      try {
        client = await TailClient.open(target.process.url, { token });
      } catch {
        tailAt += 1;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const fields = resumePoint.fields();
      const openedMs = Date.now();
      await client.subscribe({ apps: [tenant.appId], ...fields });
      firstSubscribed();
      let taken = 0;
      const take = (): void => {
        const fresh = client.rows().slice(taken);
        tailRows.push(...fresh);
        resumePoint.note(fresh.map((r) => r.id));
        taken += fresh.length;
      };
      while (tailOn && client.ws.readyState === WebSocket.OPEN) {
        take();
        await new Promise((r) => setTimeout(r, 100));
      }
      take();
      const held = [fields.last_id, ...(fields.seen_ids ?? [])].filter((id) => id !== undefined);
      const lowest = held.length > 0 ? since(uuidV7Ms(held.sort()[0] as string)) : '-';
      const newest = fields.last_id ? since(uuidV7Ms(fields.last_id)) : '-';
      const backfill = client.messages.find((m) => m.type === 'backfill');
      connections.push(
        `${target.name} ${since(openedMs)}..${since(Date.now())} resume ids ${lowest}..${newest} ` +
          `(${held.length} held), backfill ${backfill ? backfill.rows : '-'} rows`,
      );
      incompleteBackfills += client.messages.filter(
        (m) => m.type === 'backfill' && m.complete === false,
      ).length;
      client.ws.close();
      if (tailOn) {
        tailReconnects += 1;
        tailAt += 1;
      }
    }
  })();
  await subscribed;

  const senders = startSenders({
    baseUrl: proxy.url,
    ingestKey: tenant.key,
    runId: `rolling-${Date.now().toString(36)}`,
    senders: o.senders,
    recordsPerRequest: o.recordsPerRequest,
    intervalMs: o.intervalMs,
    giveUpMs: 30_000,
  });
  t.teardown(() => senders.stop());
  const restartsMs: number[] = [];
  let leaseLapses = 0;
  await senders.acknowledgedMore(o.batchesBetweenRestarts, 30_000);
  for (const instance of instances) {
    const started = Date.now();
    await instance.process.kill('SIGTERM');
    leaseLapses += countLapses(instance.process);
    instance.process = await start(instance.env);
    restartsMs.push(Date.now() - started);
    log(`${instance.name} restarted in ${Date.now() - started} ms`);
    await senders.acknowledgedMore(o.batchesBetweenRestarts, 30_000);
  }
  const report = await senders.stop();
  const stored = await waitUntilStored(clickhouse, tenant.appId, report.acknowledged, 60_000);
  const { lost, duplicated } = compareStored(report.acknowledged, stored);
  // The tail has seen everything once the rows it still lacks arrive (or 10 s pass).
  const acked = new Set(report.acknowledged);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && new Set(tailRows.map((r) => r.message)).size < acked.size) {
    await new Promise((r) => setTimeout(r, 100));
  }
  tailOn = false;
  await tailLoop;
  const tailMessages = tailRows.map((r) => r.message);
  const tailSet = new Set(tailMessages);
  const missing = [...acked].filter((m) => !tailSet.has(m));
  const tailMissingDetail =
    missing.length === 0
      ? []
      : [
          ...connections.map((c) => `tail connection: ${c}`),
          ...(
            await clickhouse.query<{ id: string; message: string }>(
              `SELECT toString(id) AS id, message FROM logs WHERE app_id = {app:UUID}
             AND message IN {missing:Array(String)} ORDER BY id LIMIT 20`,
              { app: tenant.appId, missing },
            )
          ).map((r) => `missing ${r.message}: id time ${since(uuidV7Ms(r.id))}`),
        ];
  return {
    senders: report,
    lost: lost.length,
    duplicated: duplicated.length,
    proxyRetried: proxy.retried,
    proxyFailed: proxy.failed,
    tailRows: tailRows.length,
    tailDuplicates: tailMessages.length - tailSet.size,
    tailMissing: missing.length,
    tailMissingDetail,
    tailReconnects,
    leaseLapses: leaseLapses + instances.reduce((n, i) => n + countLapses(i.process), 0),
    incompleteBackfills,
    restartsMs,
    ms: Date.now() - began,
  };
}
