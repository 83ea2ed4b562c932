// The cluster DDL executed, not only parsed: chdb with a `remote_servers` cluster `mylog` of one
// shard (this process, is_local) runs every statement of the cluster plan after the two parts only
// a real cluster provides are taken out (ON CLUSTER needs Keeper's DDL queue, Replicated engines
// need Keeper). What remains is the layer MyLog's queries meet: Distributed tables over *_local
// ones, column ALTERs on both, views on the local tables. A block inserted twice through the
// Distributed `logs` with one deduplication token is stored, rolled up and metered once.
// Not covered here: forwarding to a remote shard (there is no second ClickHouse server).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'chdb';
import t from 'tap';
import { GOLDEN_CLUSTER } from '../../scripts/clickhouse-golden.ts';
import { storageTarget } from '../../src/infra/clickhouse/cluster-ddl.ts';
import { planClickHouseMigrations } from '../../src/infra/clickhouse/migration-plan.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mylog-cluster-'));
const configFile = path.join(dir, 'config.xml');
// tcp_port makes 127.0.0.1:9000 this process (is_local), so no network is involved.
fs.writeFileSync(
  configFile,
  `<clickhouse><tcp_port>9000</tcp_port><remote_servers><${GOLDEN_CLUSTER}><shard>` +
    `<replica><host>127.0.0.1</host><port>9000</port></replica>` +
    `</shard></${GOLDEN_CLUSTER}></remote_servers></clickhouse>`,
);
const session = new Session(path.join(dir, 'data'), {
  connectionArgs: [`--config-file=${configFile}`],
});
t.teardown(() => {
  session.cleanup?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The statement as one node without Keeper can run it: no ON CLUSTER, plain engines. */
function withoutKeeper(statement: string): string {
  return statement
    .replaceAll(` ON CLUSTER ${GOLDEN_CLUSTER}`, '')
    .replace(/Replicated(\w*MergeTree)\('[^']*', '[^']*'(?:, )?/, '$1(')
    .replace(/, replicated_deduplication_window_seconds = \d+/, '')
    .replace(/\breplicated_deduplication_window\b/g, 'non_replicated_deduplication_window');
}

const json = <T>(sql: string): T[] =>
  session
    .query(sql, 'JSONEachRow')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

t.test('every statement of the cluster plan runs against a Distributed layout', async (t) => {
  const clusters = json(`SELECT is_local FROM system.clusters WHERE cluster = '${GOLDEN_CLUSTER}'`);
  t.same(clusters, [{ is_local: 1 }], 'the cluster is this process');
  const plan = await planClickHouseMigrations({ cluster: GOLDEN_CLUSTER });
  session.query('CREATE DATABASE IF NOT EXISTS mylog');
  session.query('USE mylog');
  let ran = 0;
  for (const statement of [plan.bookkeeping, ...plan.steps.flatMap((s) => s.statements)]) {
    t.doesNotThrow(() => session.query(withoutKeeper(statement)), statement.slice(0, 70));
    ran += 1;
  }
  t.comment(`${ran} statements`);
  const engines = Object.fromEntries(
    json<{ name: string; engine: string }>(
      "SELECT name, engine FROM system.tables WHERE database = 'mylog' AND name IN ('logs', 'logs_local', 'usage_daily')",
    ).map((r) => [r.name, r.engine]),
  );
  t.same(engines, { logs: 'Distributed', logs_local: 'MergeTree', usage_daily: 'Distributed' });
  const columns = (table: string): string[] =>
    json<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = 'mylog' AND table = '${table}' ORDER BY position`,
    ).map((r) => r.name);
  t.same(
    columns('logs'),
    columns('logs_local'),
    'the Distributed table has every column, attr_kv included',
  );
});

t.test(
  'a retried insert through the Distributed logs is stored, rolled up and metered once',
  async (t) => {
    const appId = '0190a5d4-0000-7000-8000-000000000001';
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const rows = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify({
        org_id: '0190a5d4-0000-7000-8000-0000000000aa',
        app_id: appId,
        ts: now,
        observed_ts: now,
        id: `0190a5d4-0000-7000-8000-00000000010${i}`,
        level: i === 0 ? 'error' : 'info',
        service: 'api',
        host: 'h',
        message: `m${i}`,
        attributes: { k: String(i) },
        retention_days: 30,
      }),
    ).join('\n');
    // The settings the worker's insert and the cluster's user profile give it.
    const insert =
      'INSERT INTO logs (org_id, app_id, ts, observed_ts, id, level, service, host, message, attributes, retention_days) ' +
      "SETTINGS distributed_foreground_insert = 1, insert_deduplication_token = 'job-1', " +
      'deduplicate_blocks_in_dependent_materialized_views = 1 FORMAT JSONEachRow\n';
    session.query(insert + rows);
    session.query(insert + rows);
    const [stored] = json<{ logs: string; rollup: string; usage: string; kv: string }>(
      `SELECT (SELECT count() FROM logs WHERE app_id = '${appId}') AS logs,
            (SELECT sum(count) FROM logs_rollup_1m WHERE app_id = '${appId}') AS rollup,
            (SELECT sum(records) FROM usage_daily WHERE app_id = '${appId}') AS usage,
            (SELECT countIf(has(attr_kv, 'k=1')) FROM logs WHERE app_id = '${appId}') AS kv`,
    );
    t.same(stored, { logs: '5', rollup: '5', usage: '5', kv: '1' });
  },
);

t.test('storage statements address the local tables; parts are listed per shard', async (t) => {
  t.same(storageTarget('logs', undefined), {
    table: 'logs',
    onCluster: '',
    partsTable: 'logs',
    parts: 'system.parts',
  });
  const target = storageTarget('logs', GOLDEN_CLUSTER);
  t.equal(target.onCluster, ` ON CLUSTER ${GOLDEN_CLUSTER}`);
  t.throws(() => session.query("DELETE FROM logs WHERE message = 'm1'"), 'not through Distributed');
  // Without ON CLUSTER here: this one-node cluster has no Keeper for the DDL queue.
  session.query(
    `DELETE FROM ${target.table} WHERE message = 'm1' SETTINGS lightweight_deletes_sync = 2`,
  );
  const [left] = json<{ n: string }>(
    "SELECT count() AS n FROM logs WHERE startsWith(message, 'm')",
  );
  t.equal(Number(left?.n), 4, 'the row is gone');
  const [parts] = json<{ n: string }>(
    `SELECT count() AS n FROM ${target.parts} WHERE database = 'mylog' AND table = '${target.partsTable}' AND active`,
  );
  t.ok(Number(parts?.n) >= 1, 'the parts are found through the cluster');
});
