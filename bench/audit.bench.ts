// The audit chain's costs: appends per second through appendAudit (the chain trigger takes the
// org's head-row lock), with several writers on one org and spread over orgs, then how fast
// `mylog audit verify` recomputes a chain. Needs a Postgres superuser URL (BENCH_DATABASE_URL, or
// TEST_DATABASE_URL as `source /tmp/devsvc/env` sets it): a scratch database is made and dropped.
//   npm run bench:audit   (BENCH_AUDIT_ENTRIES, default 20000; BENCH_AUDIT_WRITERS, default 8)
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, migratePostgres } from '../src/infra/postgres.ts';
import { verifyChain } from '../src/modules/audit/audit-chain.ts';
import { appendAudit } from '../src/modules/audit/audit.repository.ts';
import { cliActor } from '../src/modules/auth/auth-context.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error('set BENCH_DATABASE_URL (or source /tmp/devsvc/env)');
const entries = Number(process.env.BENCH_AUDIT_ENTRIES ?? 20_000);
const writers = Number(process.env.BENCH_AUDIT_WRITERS ?? 8);

const name = `mylog_bench_audit_${randomUUID().slice(0, 8)}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const db = createDb(url.toString(), writers + 1);
try {
  await migratePostgres(db);
  const loadBefore = os.loadavg()[0] as number;
  const actor = cliActor('bench');
  const after = { apps: ['web'], q: 'level:error service:checkout', rows: 100 };

  async function appendAll(orgs: string[]): Promise<number> {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < entries / 2) {
          const i = next++;
          const orgId = orgs[i % orgs.length] as string;
          await appendAudit(db, actor, {
            orgId,
            action: 'read.search',
            targetType: 'apps',
            targetId: null,
            after,
          });
        }
      }),
    );
    return entries / 2 / ((performance.now() - started) / 1000);
  }
  const oneOrg = randomUUID();
  const oneRate = await appendAll([oneOrg]);
  const spread = Array.from({ length: 16 }, () => randomUUID());
  const spreadRate = await appendAll(spread);
  const started = performance.now();
  const verdict = await verifyChain(db, oneOrg);
  const verifyRate = verdict.entries / ((performance.now() - started) / 1000);
  // Table and its indexes, per entry: what "reads stay in Postgres" costs in disk.
  const { rows } = await sql<{ bytes: string; n: string }>`
    SELECT pg_total_relation_size('audit_log') AS bytes, (SELECT count(*) FROM audit_log) AS n`.execute(
    db,
  );
  const stored = rows[0] as { bytes: string; n: string };
  console.log(
    `entries ${stored.n}, ${writers} writers, ${(Number(stored.bytes) / Number(stored.n)).toFixed(0)} bytes per entry with indexes`,
  );
  console.log(`append, one org:   ${oneRate.toFixed(0)} entries/s`);
  console.log(`append, 16 orgs:   ${spreadRate.toFixed(0)} entries/s`);
  console.log(
    `verify, one chain: ${verifyRate.toFixed(0)} entries/s (${verdict.entries}, ok ${verdict.ok})`,
  );
  console.log(
    `load average before ${loadBefore.toFixed(1)}, after ${(os.loadavg()[0] as number).toFixed(1)} on ${os.cpus().length} CPUs`,
  );
} finally {
  await db.destroy();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
