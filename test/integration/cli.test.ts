// The mylog CLI as users run it: a child process with the same environment as the server.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { hasValidShape, hashSecret } from '../../src/infra/secret-token.ts';
import { createDb } from '../../src/infra/postgres.ts';
import { createIngestKeysRepository } from '../../src/modules/ingest-keys/ingest-keys.repository.ts';
import { testEnv } from '../helpers/app.ts';

const run = promisify(execFile);

async function mylog(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      {
        env: { ...process.env, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

t.test('migrate, create an org and an app, list them', async (t) => {
  const env = await testEnv(t);
  const migrate = await mylog(env, 'migrate', '--json');
  t.equal(migrate.code, 0, migrate.stderr);
  const migrated = JSON.parse(migrate.stdout);
  t.ok(migrated.postgres.applied.includes('0001_base'));
  t.ok(migrated.clickhouse.applied.includes('0001_logs'));
  const again = JSON.parse((await mylog(env, 'migrate', '--json')).stdout);
  t.same(again.postgres.applied, [], 'migrations are idempotent');

  const org = await mylog(env, 'org', 'create', '--name', 'Acme Corp', '--json');
  t.equal(org.code, 0, org.stderr);
  const created = JSON.parse(org.stdout).org;
  t.equal(created.slug, 'acme-corp');

  const app = await mylog(
    env,
    'app',
    'create',
    '--org',
    'acme-corp',
    '--name',
    'Web Shop',
    '--retention-days',
    '30',
    '--json',
  );
  t.equal(app.code, 0, app.stderr);
  const result = JSON.parse(app.stdout);
  t.equal(result.app.slug, 'web-shop');
  t.equal(result.app.retention_days, 30);
  t.ok(hasValidShape(result.ingest_key, 'mlk'), 'prints a well-formed mlk_ key');

  const db = createDb(env.DATABASE_URL as string, 1);
  t.teardown(() => db.destroy());
  const stored = await db.selectFrom('ingest_keys').selectAll().execute();
  t.equal(stored.length, 1);
  t.equal(stored[0]?.key_hash, hashSecret(result.ingest_key), 'only the hash is stored');
  t.notOk(
    JSON.stringify(stored).includes(result.ingest_key),
    'the key itself is nowhere in the row',
  );
  const resolved = await createIngestKeysRepository(db).resolveByHash(
    hashSecret(result.ingest_key),
  );
  t.equal(resolved?.appId, result.app.id);
  t.equal(resolved?.retentionDays, 30);

  const human = await mylog(env, 'app', 'list', '--org', created.id);
  t.equal(human.code, 0);
  t.match(human.stdout, /web-shop\s+Web Shop\s+30/);

  const orgs = JSON.parse((await mylog(env, 'org', 'list', '--json')).stdout);
  t.same(
    orgs.orgs.map((o: { slug: string }) => o.slug),
    ['acme-corp'],
  );
});

t.test('mistakes get one clear message and a non-zero exit', async (t) => {
  const env = await testEnv(t);
  await mylog(env, 'migrate');
  const missing = await mylog(env, 'app', 'create', '--org', 'acme');
  t.equal(missing.code, 1);
  t.match(missing.stderr, /--name is required/);

  const unknownOrg = await mylog(env, 'app', 'create', '--org', 'nope', '--name', 'x', '--json');
  t.equal(unknownOrg.code, 1);
  t.equal(JSON.parse(unknownOrg.stdout).error.code, 'org_not_found');

  await mylog(env, 'org', 'create', '--name', 'Dup');
  const dup = await mylog(env, 'org', 'create', '--name', 'Dup', '--json');
  t.equal(dup.code, 1);
  t.equal(JSON.parse(dup.stdout).error.code, 'slug_taken');

  const unknown = await mylog(env, 'frobnicate');
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /unknown command "frobnicate"/);

  const badFlag = await mylog(env, 'org', 'list', '--colour');
  t.equal(badFlag.code, 1);
  t.match(badFlag.stderr, /Unknown option '--colour'/);

  const help = await mylog(env, '--help');
  t.equal(help.code, 0);
  t.match(help.stdout, /org create/);
  t.match(help.stdout, /app create/);

  const badConfig = await mylog({ ...env, DATABASE_URL: 'mysql://nope' }, 'org', 'list', '--json');
  t.equal(badConfig.code, 1);
  t.equal(JSON.parse(badConfig.stdout).error.code, 'invalid_config');
});
