// A job that fails every attempt is dead-lettered with its payload; `mylog dlq list` shows it and
// `mylog dlq replay` re-drives it once the cause is fixed; its rows then land exactly once.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, countRows, createTenant, waitForRows } from './ingest-fixtures.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../../src/cli.ts', import.meta.url));

t.test('dead-lettered jobs are listed and replayed by the CLI', async (t) => {
  const { app, db, clickhouse, config } = await buildTestApp(t, {
    env: { WORKER_MAX_ATTEMPTS: '2', WORKER_BACKOFF_MS: '50', INGEST_GROUP_COMMIT_WINDOW_MS: '10' },
  });
  // The CLI gets this test's services and data dir: left to its defaults it would start an
  // embedded Postgres and ClickHouse under ./.mylog in the project.
  const cliEnv = {
    ...process.env,
    DATABASE_URL: config.databaseUrl as string,
    MYLOG_DATA_DIR: config.dataDir,
    REDIS_URL: config.redisUrl as string,
    REDIS_KEY_PREFIX: config.redisKeyPrefix,
    LOG_LEVEL: 'error',
  };
  const cli = async (...args: string[]) =>
    JSON.parse(
      (await run(process.execPath, ['--import', 'tsx', CLI, ...args, '--json'], { env: cliEnv }))
        .stdout,
    );
  const tenant = await createTenant(db);
  await clickhouse.command('ALTER TABLE logs ADD CONSTRAINT fault_injection CHECK 0');
  const res = await app.inject({
    method: 'POST',
    url: '/v1/logs',
    headers: bearer(tenant.key),
    payload: [{ message: 'a' }, { message: 'b' }],
  });
  t.equal(res.statusCode, 202, 'accepted while ClickHouse refuses: it is queued, not lost');

  const deadline = Date.now() + 15_000;
  while ((await app.pipeline.queue.getFailedCount()) === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const listed = await cli('dlq', 'list');
  t.equal(listed.total, 1, 'one dead letter');
  t.equal(listed.jobs[0].rows, 2);
  t.equal(listed.jobs[0].payload_present, true, 'its rows are still in Redis');
  t.match(listed.jobs[0].failed_reason, /fault_injection|constraint/i);

  await clickhouse.command('ALTER TABLE logs DROP CONSTRAINT fault_injection');
  const missing = await run(
    process.execPath,
    ['--import', 'tsx', CLI, 'dlq', 'replay', 'no-such-job', '--json'],
    { env: cliEnv },
  ).catch((e: { stdout: string }) => e);
  t.equal(JSON.parse((missing as { stdout: string }).stdout).error.code, 'job_not_found');
  const replayed = await cli('dlq', 'replay', '--all');
  t.same(replayed.replayed, [listed.jobs[0].id]);
  t.equal(await waitForRows(clickhouse, tenant.appId, 2), 2, 'the replayed job is stored');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(await countRows(clickhouse, tenant.appId), 2, 'once');
  t.equal((await cli('dlq', 'list')).total, 0, 'the dead-letter queue is empty');
});
