// The ClickHouse DDL in both forms (one node; cluster `mylog`) comes from clickhouse/*.sql by code.
// Every statement of both is parsed by ClickHouse's own parser (chdb's formatQuery), the golden
// files under clickhouse/golden/ are what the code generates today, and the cluster form keeps the
// invariants the cluster relies on (docs/operations.md, "ClickHouse cluster").
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { queryBind } from 'chdb';
import t from 'tap';
import { GOLDEN_CLUSTER, readGolden, renderGolden } from '../../scripts/clickhouse-golden.ts';
import { ClusterDdl, ClusterDdlError } from '../../src/infra/clickhouse/cluster-ddl.ts';
import {
  formatPlan,
  planClickHouseMigrations,
  type MigrationPlan,
} from '../../src/infra/clickhouse/migration-plan.ts';
import type { CommandContext } from '../../src/cli/command.ts';
import { migrateCommand } from '../../src/cli/commands/migrate.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

const run = promisify(execFile);

/**
 * ClickHouse's own parser and formatter over many statements in one chdb call (a call costs ~0.1 s
 * on a busy box): the formatted text, or null where the parser refused the statement.
 */
function formatQueries(statements: string[]): (string | null)[] {
  const out = queryBind(
    'SELECT formatQueryOrNull(q) AS f FROM (SELECT arrayJoin({qs:Array(String)}) AS q)',
    { qs: statements },
    'JSONEachRow',
  );
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { f: string | null }).f);
}

function formatQuery(statement: string): string {
  const [formatted] = formatQueries([statement]);
  if (formatted == null) throw new Error(`SYNTAX_ERROR: ${statement.slice(0, 80)}`);
  return formatted;
}

function statementsOf(plan: MigrationPlan): string[] {
  return [plan.bookkeeping, ...plan.steps.flatMap((s) => s.statements)];
}

const single = await planClickHouseMigrations();
const cluster = await planClickHouseMigrations({ cluster: GOLDEN_CLUSTER });

t.test(
  'clickhouse/golden/ is what the code generates (else: npm run clickhouse:golden)',
  async (t) => {
    const fresh = await renderGolden();
    const onDisk = readGolden();
    t.same([...onDisk.keys()].sort(), [...fresh.keys()].sort(), 'the same files');
    for (const [name, content] of fresh) {
      t.equal(onDisk.get(name), content, `clickhouse/golden/${name} is current`);
    }
  },
);

t.test('every statement of both variants is accepted by the ClickHouse parser', async (t) => {
  for (const [variant, plan] of [
    ['single', single],
    ['cluster', cluster],
  ] as const) {
    const statements = statementsOf(plan);
    const formatted = formatQueries(statements);
    t.equal(formatted.length, statements.length, `${variant}: one answer per statement`);
    statements.forEach((statement, i) => {
      t.ok(formatted[i], `${variant}: parsed: ${statement.slice(0, 70)}`);
    });
  }
  t.throws(() => formatQuery('CREATE TABLE broken ('), /SYNTAX_ERROR/, 'the parser does refuse');
});

t.test('one node: the files as written, one migration per file', async (t) => {
  t.equal(single.cluster, undefined);
  t.ok(single.steps.length >= 8);
  t.notOk(
    statementsOf(single).some((s) => /ON CLUSTER|Replicated|Distributed/.test(s)),
    'no cluster clause',
  );
});

t.test(
  'cluster: ON CLUSTER, Replicated engines with macros, Distributed over *_local',
  async (t) => {
    t.same(
      cluster.steps.map((s) => s.version),
      single.steps.map((s) => s.version),
      'the same migrations, recorded under the same versions',
    );
    const local = new Set<string>();
    const distributed = new Set<string>();
    for (const statement of statementsOf(cluster)) {
      const f = formatQuery(statement);
      if (/^INSERT/.test(f)) continue;
      t.match(f, new RegExp(`\\bON CLUSTER ${GOLDEN_CLUSTER}\\b`), `ON CLUSTER: ${f.slice(0, 60)}`);
      t.notMatch(f, /\bnon_replicated_deduplication_window\b/, 'replicated window setting');
      const table = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(f)?.[1];
      if (table === undefined) continue;
      const engine = /\nENGINE = (\w+)\(([^\n]*)\)/.exec(f);
      if (!t.ok(engine, `${table} names an engine`) || !engine) continue;
      if (engine[1] === 'Distributed') {
        const args = engine[2] as string;
        t.match(
          args,
          new RegExp(`^${GOLDEN_CLUSTER}, currentDatabase\\(\\), ${table}_local, cityHash64\\(`),
        );
        t.notMatch(args, /rand/i, `${table}: a deterministic sharding key`);
        t.ok(local.has(`${table}_local`), `${table} is created after ${table}_local`);
        distributed.add(table);
      } else if (table === 'schema_migrations') {
        t.match(
          engine[2],
          "'/clickhouse/tables/all/{database}/schema_migrations', '{shard}-{replica}'",
        );
      } else {
        t.match(engine[1], /^Replicated\w*MergeTree$/, `${table}: replicated`);
        t.match(engine[2], `'/clickhouse/tables/{shard}/{database}/${table}', '{replica}'`);
        t.match(table, /_local$/);
        t.match(
          f,
          /replicated_deduplication_window/,
          `${table}: its deduplication window is explicit`,
        );
        local.add(table);
      }
    }
    t.ok(distributed.has('logs') && local.has('logs_local'), 'logs is Distributed over logs_local');
    for (const statement of statementsOf(cluster).filter((s) => /MATERIALIZED VIEW/.test(s))) {
      t.match(statement, /\bTO \w+_local AS\b/, 'a view writes into a local table');
      t.match(statement, /\bFROM logs_local\b/, 'and reads the blocks inserted on its own shard');
    }
  },
);

t.test('the deduplication windows keep each table as it was on one node', async (t) => {
  const logs = cluster.steps[0]?.statements[0] ?? '';
  t.match(logs, /replicated_deduplication_window = 10000/);
  t.match(logs, /replicated_deduplication_window_seconds = 604800/);
  const ingestStats = cluster.steps.find((s) => s.version === '0007_ingest_stats');
  t.match(ingestStats?.statements[0], /SETTINGS replicated_deduplication_window = 0$/);
});

t.test('statement forms the transform knows, and a clear error for the rest', async (t) => {
  const ddl = new ClusterDdl('c1');
  const [localT, distT] = ddl.transform(
    'CREATE TABLE t (component String, ts DateTime) ENGINE = ReplacingMergeTree(ts) ORDER BY (component, ts)',
    'x.sql',
  );
  t.match(
    localT,
    "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/t_local', '{replica}', ts)",
  );
  t.match(
    distT,
    'Distributed(c1, currentDatabase(), t_local, cityHash64(component, ts))',
    'no app_id: the sorting key',
  );
  const alter = ddl.transform(
    "ALTER TABLE t ADD COLUMN IF NOT EXISTS n UInt8 DEFAULT 0, ADD INDEX IF NOT EXISTS i (n, 'a,b') TYPE minmax GRANULARITY 1",
    'x.sql',
  );
  t.equal(alter.length, 2, 'a column change goes to the local and the Distributed table');
  t.match(alter[0], /^ALTER TABLE t_local ON CLUSTER c1 ADD COLUMN .*, ADD INDEX/);
  t.equal(
    alter[1],
    'ALTER TABLE t ON CLUSTER c1 ADD COLUMN IF NOT EXISTS n UInt8 DEFAULT 0',
    'indexes only where the data is',
  );
  t.same(ddl.transform('ALTER TABLE t DELETE WHERE n = 1', 'x.sql'), [
    'ALTER TABLE t_local ON CLUSTER c1 DELETE WHERE n = 1',
  ]);
  t.same(ddl.transform('CREATE VIEW IF NOT EXISTS v AS SELECT * FROM t', 'x.sql'), [
    'CREATE VIEW IF NOT EXISTS v ON CLUSTER c1 AS SELECT * FROM t',
  ]);
  t.same(ddl.transform('DROP TABLE IF EXISTS t', 'x.sql'), [
    'DROP TABLE IF EXISTS t ON CLUSTER c1 SYNC',
    'DROP TABLE IF EXISTS t_local ON CLUSTER c1 SYNC',
  ]);
  t.notOk(formatQueries([localT, distT, ...alter] as string[]).includes(null), 'all parse');
  t.throws(
    () => ddl.transform('CREATE TABLE m (x UInt8) ENGINE = Memory', 'y.sql'),
    ClusterDdlError,
  );
  t.throws(() => ddl.transform('RENAME TABLE a TO b', 'y.sql'), {
    message:
      /y\.sql: no cluster form for "RENAME TABLE a TO b…"; teach src\/infra\/clickhouse\/cluster-ddl\.ts/,
  });
  t.throws(
    () => ddl.transform('ALTER TABLE nowhere ADD INDEX i x TYPE minmax', 'y.sql'),
    /not a table created by an earlier migration/,
  );
  t.throws(() => new ClusterDdl('my-cluster'), /plain identifier/);
});

t.test('CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL and a plain name', async (t) => {
  const base = { NODE_ENV: 'test' };
  t.equal(
    loadConfig({ ...base, CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'mylog' })
      .clickhouseCluster,
    'mylog',
  );
  t.equal(loadConfig(base).clickhouseCluster, undefined);
  t.throws(() => loadConfig({ ...base, CLICKHOUSE_CLUSTER: 'mylog' }), ConfigError);
  t.throws(
    () => loadConfig({ ...base, CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'a b' }),
    /plain identifier/,
  );
});

t.test(
  'mylog migrate --print [--cluster NAME] prints the plan and connects to nothing',
  async (t) => {
    // No reachable service at all: --print must not need one. One process (each costs seconds on a
    // busy box); the other argument forms run the same command in this process.
    const env = {
      ...process.env,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
      CLICKHOUSE_URL: 'http://127.0.0.1:1',
    };
    const args = ['migrate', '--print', '--cluster', GOLDEN_CLUSTER];
    const clustered = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env,
    });
    t.equal(clustered.stdout, formatPlan(cluster));
    // One statement per ;-terminated block: the plan's statements plus one version record per file.
    const blocks = clustered.stdout
      .split(/;\n/)
      .map((b) => b.replace(/^\s*(--[^\n]*\n\s*)*/g, '').trim())
      .filter((b) => b !== '');
    t.equal(blocks.length, statementsOf(cluster).length + cluster.steps.length);
    t.same(
      blocks.filter((b) => !b.startsWith('INSERT INTO schema_migrations')),
      statementsOf(cluster),
    );

    const needs = migrateCommand.needs;
    t.same(typeof needs === 'function' ? needs({ print: true }) : needs, {
      postgres: false,
      redis: false,
      clickhouse: false,
    });
    const ctx = { config: loadConfig({ NODE_ENV: 'test' }) } as CommandContext;
    const plain = await migrateCommand.run(ctx, { values: { print: true }, positionals: [] });
    t.equal(
      `${migrateCommand.format(plain)}\n`,
      formatPlan(single),
      'no cluster configured: one node',
    );
    await t.rejects(
      migrateCommand.run(ctx, { values: { print: true, cluster: 'a-b' }, positionals: [] }),
      { code: 'invalid_arguments', message: /plain identifier/ },
    );
  },
);
