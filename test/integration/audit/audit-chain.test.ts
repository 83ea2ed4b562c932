// Issue 17 §4: the audit log for all time. Reads are audited next to changes, every entry is
// chained per org, an edit made by hand in Postgres (as a superuser who disables the append-only
// trigger) is found by `mylog audit verify` and GET /v1/audit/verify, the NDJSON export is
// org-scoped, and the monthly export job writes each finished month once.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FileMigrationProvider, Migrator, sql } from 'kysely';
import fs from 'node:fs/promises';
import t from 'tap';
import { createDb, type Db } from '../../../src/infra/postgres.ts';
import { postgresMigrationsDir } from '../../../src/infra/project-paths.ts';
import { listChains, verifyChains } from '../../../src/modules/audit/audit-chain.ts';
import { runAuditExport } from '../../../src/modules/audit/audit-export.task.ts';
import { appendAudit } from '../../../src/modules/audit/audit.repository.ts';
import { cliActor } from '../../../src/modules/auth/auth-context.ts';
import { buildTestApp, testEnv } from '../../helpers/app.ts';
import { call, makeTenant } from '../auth/auth-fixtures.ts';
import { TailClient } from '../tail/tail-fixtures.ts';

const run = promisify(execFile);

async function verifyCli(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'audit', 'verify', '--json', ...args],
      { env: { ...process.env, ...env } },
    );
    return { code: 0, out: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: JSON.parse(e.stdout || '{}'), stderr: e.stderr };
  }
}

/** What an attacker with superuser rights does: switch the guard off, edit, switch it back on. */
async function editByHand(db: Db, id: number, label: string): Promise<void> {
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`.execute(db);
  await sql`UPDATE audit_log SET actor_label = ${label} WHERE id = ${id}`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`.execute(db);
}

t.test('existing rows are chained by the migration', async (t) => {
  const env = await testEnv(t);
  const db = createDb(env.DATABASE_URL as string, 2);
  t.teardown(() => db.destroy());
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: postgresMigrationsDir }),
    allowUnorderedMigrations: true,
  });
  t.notOk((await migrator.migrateTo('0008_usage_reports')).error);
  for (const [org, action] of [
    [null, 'org.create'],
    ['4f1d6a52-0000-4000-8000-000000000001', 'app.create'],
    ['4f1d6a52-0000-4000-8000-000000000001', 'key.rotate'],
  ] as const) {
    await sql`INSERT INTO audit_log (org_id, actor_label, action, target_type, after)
              VALUES (${org}, 'cli:seed', ${action}, 'x', ${JSON.stringify({ n: 'é' })})`.execute(
      db,
    );
  }
  t.notOk((await migrator.migrateToLatest()).error);
  const rows = await db.selectFrom('audit_log').select(['id', 'chain_seq']).orderBy('id').execute();
  t.same(
    rows.map((r) => r.chain_seq),
    [1, 1, 2],
  );
  t.same(await verifyChains(db, await listChains(db)), { ok: true, entries: 3 });
  await editByHand(db, rows[2]?.id as number, 'someone else');
  const verdict = await verifyChains(db, await listChains(db));
  t.match(verdict, { ok: false, first_broken: { id: rows[2]?.id, reason: 'hash_mismatch' } });
});

t.test('the audit log for all time', async (t) => {
  const exportDir = mkdtempSync(path.join(tmpdir(), 'mylog-audit-export-'));
  t.teardown(() => rmSync(exportDir, { recursive: true, force: true }));
  const { app, db, config } = await buildTestApp(t, { env: { AUDIT_EXPORT_DIR: exportDir } });
  const a = await makeTenant(db, config, 'audit-a');
  const b = await makeTenant(db, config, 'audit-b');
  const env = { DATABASE_URL: config.databaseUrl as string, NODE_ENV: 'test', LOG_LEVEL: 'warn' };

  await t.test('concurrent appends take consecutive places in their org chain', async (t) => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        appendAudit(db, cliActor('test'), {
          orgId: i % 2 ? a.org.id : b.org.id,
          action: 'test.concurrent',
          targetType: 'test',
          targetId: String(i),
        }),
      ),
    );
    const seqs = await db
      .selectFrom('audit_log')
      .select('chain_seq')
      .where('org_id', '=', a.org.id)
      .orderBy('chain_seq')
      .execute();
    t.same(
      seqs.map((s) => s.chain_seq),
      seqs.map((_, i) => i + 1),
      'no gap, no duplicate',
    );
    t.match(await verifyChains(db, await listChains(db)), { ok: true });
  });

  await t.test('searches, exports, context and report downloads are audited', async (t) => {
    const search = await call(app, a.tokens.viewer, 'GET', '/v1/logs?apps=web&q=level:error');
    t.equal(search.statusCode, 200, search.body);
    const exported = await call(app, a.tokens.viewer, 'GET', '/v1/logs/export?apps=web');
    t.equal(exported.statusCode, 200, exported.body);
    const csv = await call(app, a.tokens.viewer, 'GET', '/v1/logs/export?apps=web&format=csv');
    t.equal(csv.statusCode, 200, csv.body);
    const nul = await call(app, a.tokens.viewer, 'GET', '/v1/logs?apps=web&q=%22a%00b%22');
    t.not(nul.statusCode, 500, 'a NUL in q is no reason for a 500 (jsonb refuses \\u0000)');
    const report = await call(app, a.tokens.owner, 'GET', `/v1/orgs/audit-a/reports/2020-01.csv`);
    t.equal(report.statusCode, 404);
    // The export is recorded when its stream ends, just after the answer.
    let reads: { action: string; actor_label: string; after: Record<string, unknown> }[] = [];
    const exports = () => reads.filter((r) => r.action === 'read.export').length;
    for (let i = 0; i < 100 && exports() < 2; i += 1) {
      const res = await call(app, a.tokens.admin, 'GET', '/v1/audit?org=audit-a&kind=read');
      reads = res.json().entries;
      if (exports() < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const byAction = Object.fromEntries(reads.map((r) => [r.action, r]));
    t.match(byAction['read.search'], {
      actor_label: 'viewer@audit-a.test (token)',
      after: { apps: ['web'], q: 'level:error', rows: 0 },
    });
    t.match(byAction['read.export'], { after: { apps: ['web'], rows: 0, status: 'complete' } });
    const csvEntry = reads.find((r) => r.action === 'read.export' && r.after.format === 'csv');
    t.match(csvEntry, { after: { rows: 0, status: 'complete' } }, 'the CSV header is not a row');
    t.match(byAction['read.report'], { target_id: '2020-01.csv', after: { rows: null } });
    const changes = await call(app, a.tokens.admin, 'GET', '/v1/audit?org=audit-a&kind=change');
    t.ok(changes.json().entries.length > 0);
    t.notOk(
      changes.json().entries.some((e: { action: string }) => e.action.startsWith('read.')),
      'kind=change leaves reads out',
    );
    const inB = await call(app, b.tokens.admin, 'GET', '/v1/audit?org=audit-b&kind=read');
    t.same(inB.json().entries, [], "org B's log holds none of org A's reads");
  });

  await t.test('a live-tail subscription is audited before rows flow', async (t) => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const client = await TailClient.open(base, { token: a.tokens.member });
    t.teardown(() => client.close());
    t.match(await client.subscribe({ apps: [a.app.id], q: 'level:warn' }), { type: 'subscribed' });
    const res = await call(app, a.tokens.admin, 'GET', '/v1/audit?org=audit-a&action=read.tail');
    t.match(res.json().entries, [
      { actor_label: 'member@audit-a.test (token)', after: { apps: ['web'], q: 'level:warn' } },
    ]);
  });

  await t.test('GET /v1/audit/export streams the org entries as NDJSON', async (t) => {
    const res = await call(app, a.tokens.admin, 'GET', '/v1/audit/export?org=audit-a');
    t.equal(res.statusCode, 200, res.body);
    t.match(res.headers['content-type'], 'application/x-ndjson');
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    t.ok(lines.length > 10);
    t.ok(lines.every((l) => l.org_id === a.org.id && /^[0-9a-f]{64}$/.test(l.hash)));
    const ids = lines.map((l) => l.id);
    t.same(
      ids,
      [...ids].sort((x, y) => x - y),
      'oldest first',
    );
    const from = new Date(Date.now() + 60_000).toISOString();
    const none = await call(
      app,
      a.tokens.admin,
      'GET',
      `/v1/audit/export?org=audit-a&from=${from}`,
    );
    t.equal(none.body, '', 'nothing after from');
    const foreign = await call(app, b.tokens.owner, 'GET', '/v1/audit/export?org=audit-a');
    t.equal(foreign.statusCode, 404, 'org B gets 404 on org A');
    const viewer = await call(app, a.tokens.viewer, 'GET', '/v1/audit/export?org=audit-a');
    t.equal(viewer.statusCode, 403);
    const bad = await call(app, a.tokens.admin, 'GET', '/v1/audit/export?to=2016-02-30T00:00:00Z');
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().error.code, 'invalid_request');
    const own = await call(app, b.tokens.admin, 'GET', '/v1/audit/export');
    t.ok(
      own.body
        .trim()
        .split('\n')
        .every((l) => JSON.parse(l).org_id === b.org.id),
      'without org: only the orgs one administers',
    );
  });

  await t.test('the monthly export writes each finished month once', async (t) => {
    const nextMonth = Date.now() + 40 * 86_400_000;
    const first = (await runAuditExport(app, nextMonth)) as { files: number };
    t.ok(first.files >= 3, 'org A, org B and the platform chain at least');
    const file = path.join(exportDir, a.org.id, `${new Date().toISOString().slice(0, 7)}.ndjson`);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const live = await db
      .selectFrom('audit_log')
      .select(db.fn.countAll<string>().as('n'))
      .where('org_id', '=', a.org.id)
      .executeTakeFirstOrThrow();
    t.equal(lines.length, Number(live.n));
    t.same(readdirSync(path.join(exportDir, a.org.id)).length, 1, 'no partial file left');
    t.same(await runAuditExport(app, nextMonth), { files: 0, entries: 0 }, 'a rerun adds nothing');
  });

  await t.test('an entry changed by hand in Postgres breaks its chain', async (t) => {
    t.match(await verifyChains(db, [a.org.id]), { ok: true });
    const victim = await db
      .selectFrom('audit_log')
      .select('id')
      .where('org_id', '=', a.org.id)
      .where('action', '=', 'read.search')
      .executeTakeFirstOrThrow();
    await t.rejects(
      sql`UPDATE audit_log SET actor_label = 'x' WHERE id = ${victim.id}`.execute(db),
      /append-only/,
      'the table refuses UPDATE while its trigger is on',
    );
    await editByHand(db, victim.id, 'nobody');

    const broken = await verifyCli(env, '--org', 'audit-a');
    t.equal(broken.code, 1, 'exit 1');
    t.match(broken.out, {
      ok: false,
      first_broken: { id: victim.id, chain: a.org.id, reason: 'hash_mismatch' },
    });
    t.match(await verifyChains(db, await listChains(db)), { ok: false }, 'every chain: broken');
    const otherOrg = await verifyCli(env, '--org', 'audit-b');
    t.match(otherOrg, { code: 0, out: { ok: true } }, "org B's chain still holds");
    const api = await call(app, a.tokens.admin, 'GET', '/v1/audit/verify?org=audit-a');
    t.match(api.json(), { ok: false, first_broken: { id: victim.id } });
    const foreign = await call(app, b.tokens.admin, 'GET', '/v1/audit/verify?org=audit-a');
    t.equal(foreign.statusCode, 404);
  });
});
