// `mylog dashboard export|import` as users run it (a child process): the exported document equals
// the API's ?format=json, and importing it into another org gives a dashboard that exports the same.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { loadConfig } from '../../../src/config.ts';
import { createDb, migratePostgres } from '../../../src/infra/postgres.ts';
import { cliActor } from '../../../src/modules/auth/auth-context.ts';
import { insertAudited } from '../../../src/modules/dashboards/dashboards.service.ts';
import { createOrg } from '../../../src/modules/orgs/orgs.service.ts';
import { testEnv } from '../../helpers/app.ts';
import { makeTempDir } from '../../helpers/services.ts';

const run = promisify(execFile);

async function mylog(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

// Five CLI processes: on a busy machine each start alone takes many seconds.
t.setTimeout(600_000);

t.test('dashboard export then import round-trips', async (t) => {
  const env = await testEnv(t);
  const config = loadConfig(env);
  const db = createDb(config.databaseUrl as string, 2);
  t.teardown(() => db.destroy());
  await migratePostgres(db);
  const a = await createOrg(db, { name: 'Cli A', slug: 'cli-a' });
  await createOrg(db, { name: 'Cli B', slug: 'cli-b' });
  const spec = {
    variables: [{ name: 'svc', field: 'service', default: 'api' }],
    panels: [
      {
        id: 'p1',
        title: 'Errors by service',
        type: 'top_list' as const,
        query: {
          q: 'level:error service:$svc',
          measures: [{ op: 'count' }],
          group_by: ['service'],
        },
        layout: { x: 0, y: 0, w: 6, h: 3 },
        options: {},
      },
    ],
  };
  const made = await insertAudited(
    db,
    cliActor('test'),
    a.id,
    null,
    { name: 'Ops', description: 'ops view', visibility: 'org', spec },
    'dashboard.create',
  );
  const exported = await mylog(
    env,
    'dashboard',
    'export',
    '--org',
    'cli-a',
    '--id',
    made.id,
    '--json',
  );
  t.equal(exported.code, 0, exported.stdout);
  const doc = JSON.parse(exported.stdout);
  t.same(doc, {
    mylog_dashboard: 1,
    name: 'Ops',
    description: 'ops view',
    visibility: 'org',
    ...spec,
  });
  const file = path.join(makeTempDir('dash'), 'ops.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const imported = await mylog(
    env,
    'dashboard',
    'import',
    '--org',
    'cli-b',
    '--file',
    file,
    '--json',
  );
  t.equal(imported.code, 0, imported.stdout);
  const id = JSON.parse(imported.stdout).dashboard.id as string;
  const again = await mylog(env, 'dashboard', 'export', '--org', 'cli-b', '--id', id, '--json');
  t.equal(again.stdout, exported.stdout, 'the same document');
  const foreign = await mylog(env, 'dashboard', 'export', '--org', 'cli-a', '--id', id, '--json');
  t.equal(foreign.code, 1, 'an id of another org is not found');
  t.equal(JSON.parse(foreign.stdout).error.code, 'dashboard_not_found');
  fs.writeFileSync(file, '{"name": 1}');
  const bad = await mylog(env, 'dashboard', 'import', '--org', 'cli-b', '--file', file, '--json');
  t.equal(JSON.parse(bad.stdout).error.code, 'invalid_dashboard');
});
