/**
 * Bytes on disk per log row under the logs table's schema before and after the storage migration
 * (clickhouse/0011_logs_storage_codecs.sql), in one run on the same rows: the search bench's
 * generated dataset (bench/lib/generated-logs.ts), serialised once per chunk in the ingest
 * pipeline's insert format and inserted as the same bytes into each schema.
 *
 * Run: npm run bench:storage                         (2M rows, chunks of 50k rows)
 *      npm run bench:storage -- --rows 5000000 --variants before,after,zstd3
 * Prints, per schema: insert CPU µs/row (merges stopped, so only the insert's own work), the CPU
 * of merging every daily partition into one part (OPTIMIZE FINAL), per-column compressed and
 * uncompressed bytes, skip-index bytes, total bytes/row on disk and the ratio against the raw
 * NDJSON of the same rows, then search timings on both tables (alternating, condition cache off).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createChdbStore, type ChdbStore } from '../src/infra/clickhouse/chdb-store.ts';
import { planClickHouseMigrations } from '../src/infra/clickhouse/migration-plan.ts';
import { LOG_ROW_COLUMNS, LOGS_INSERT_TARGET } from '../src/modules/logs-table/logs-table.ts';
import { compileQueryToSql, parseQuery } from '../src/modules/search/query-language/index.ts';
import { NS_PER_S, nowNanos, toClickHouseTime } from '../src/modules/search/time-range.ts';
import { GENERATE_LOGS_SQL, type GeneratedApp } from './lib/generated-logs.ts';
import { loadAverages } from './lib/load-average.ts';
import { percentile } from './lib/percentile.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    'chunk-rows': { type: 'string', default: '50000' },
    variants: { type: 'string', default: 'before,after' },
    iterations: { type: 'string', default: '15' },
  },
});
const ROWS = Number(args.rows);
const CHUNK_ROWS = Math.min(ROWS, Number(args['chunk-rows']));
const ITERATIONS = Number(args.iterations);
const SPAN_DAYS = 7;
const STORAGE_MIGRATION = '0011_';

/**
 * Schemas to compare, as statements applied after every migration before STORAGE_MIGRATION.
 * `after` is that migration itself; the others are the candidates it was chosen from, kept so the
 * choice in docs/performance.md ("Storage") can be re-run.
 */
const CANDIDATES: Record<string, string[]> = {
  before: [],
  zstd3: ['message', 'attributes', 'resource', 'attr_kv', 'trace_id', 'span_id', 'user_id'].map(
    (c) => `ALTER TABLE logs MODIFY COLUMN ${c} CODEC(ZSTD(3))`,
  ),
  zstd6: ['message', 'attributes', 'resource', 'attr_kv', 'trace_id', 'span_id', 'user_id'].map(
    (c) => `ALTER TABLE logs MODIFY COLUMN ${c} CODEC(ZSTD(6))`,
  ),
  doubledelta: [
    "ALTER TABLE logs MODIFY COLUMN ts DateTime64(9, 'UTC') CODEC(DoubleDelta, ZSTD(1))",
    "ALTER TABLE logs MODIFY COLUMN observed_ts DateTime64(9, 'UTC') CODEC(DoubleDelta, ZSTD(1))",
  ],
  idzstd: ['ALTER TABLE logs MODIFY COLUMN id UUID CODEC(ZSTD(1))'],
  idzstd3: ['ALTER TABLE logs MODIFY COLUMN id UUID CODEC(ZSTD(3))'],
  attrs3: ['attributes', 'resource', 'attr_kv'].map(
    (c) => `ALTER TABLE logs MODIFY COLUMN ${c} CODEC(ZSTD(3))`,
  ),
  attrs9: ['attributes', 'resource', 'attr_kv'].map(
    (c) => `ALTER TABLE logs MODIFY COLUMN ${c} CODEC(ZSTD(9))`,
  ),
  attrkvlc: [
    "ALTER TABLE logs MODIFY COLUMN attr_kv Array(LowCardinality(String)) MATERIALIZED arrayMap((k, v) -> concat(k, '=', v), mapKeys(attributes), mapValues(attributes)) CODEC(ZSTD(1))",
  ],
  resourcelc: [
    'ALTER TABLE logs MODIFY COLUMN resource Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1))',
  ],
  attributeslc: [
    'ALTER TABLE logs MODIFY COLUMN attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1))',
  ],
  attributes3: ['ALTER TABLE logs MODIFY COLUMN attributes CODEC(ZSTD(3))'],
  userlc: ['ALTER TABLE logs MODIFY COLUMN user_id LowCardinality(String) CODEC(ZSTD(1))'],
  // The migration without its ZSTD(3): what the levels add in bytes and merge CPU.
  idresource: [
    'ALTER TABLE logs MODIFY COLUMN id UUID CODEC(ZSTD(1))',
    'ALTER TABLE logs MODIFY COLUMN resource Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1))',
  ],
  // LowCardinality attribute values: pays on these rows, not with per-record values (request ids).
  lcattributes: [
    'ALTER TABLE logs MODIFY COLUMN attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1))',
    "ALTER TABLE logs MODIFY COLUMN attr_kv Array(LowCardinality(String)) MATERIALIZED arrayMap((k, v) -> concat(k, '=', v), mapKeys(attributes), mapValues(attributes)) CODEC(ZSTD(1))",
  ],
  notokenbf: ['ALTER TABLE logs DROP INDEX idx_message'],
  tokenbf8k: [
    'ALTER TABLE logs DROP INDEX idx_message',
    'ALTER TABLE logs ADD INDEX idx_message lower(message) TYPE tokenbf_v1(8192, 3, 0) GRANULARITY 1',
  ],
};

// The generator's SELECT without its INSERT: the rows, to serialise here and insert as bytes.
const GENERATE_SELECT = GENERATE_LOGS_SQL.replace(/^\s*INSERT INTO logs\s*/, '');
if (GENERATE_SELECT === GENERATE_LOGS_SQL) throw new Error('generated-logs SQL changed shape');

interface Variant {
  name: string;
  store: ChdbStore;
  insertCpuUs: number;
  mergeCpuUs: number;
  mergeMs: number;
}

async function statementsOf(name: string): Promise<string[]> {
  const plan = await planClickHouseMigrations();
  // Every migration there is, later ones included: what the table costs today.
  if (name === 'latest') return plan.steps.flatMap((s) => s.statements);
  const before = plan.steps.filter((s) => s.version < STORAGE_MIGRATION);
  const storage = plan.steps.filter((s) => s.version.startsWith(STORAGE_MIGRATION));
  const migrated = storage.flatMap((s) => s.statements);
  const extra = name === 'after' || name === 'orderservice' ? migrated : CANDIDATES[name];
  if (!extra) {
    throw new Error(
      `unknown variant ${name}: after, latest, orderservice, ${Object.keys(CANDIDATES).join(', ')}`,
    );
  }
  const statements = before.flatMap((s) => s.statements);
  // What grouping an app's rows by service would add; a primary key cannot change by ALTER, so
  // this needs a new table (and makes every time-range read of an app visit each service's run).
  const reorder = (s: string): string =>
    name === 'orderservice'
      ? s.replace('ORDER BY (app_id, ts)', 'ORDER BY (app_id, service, ts)')
      : s;
  return [...statements.map(reorder), ...extra];
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** What a sender would have posted for these rows: one NDJSON object per record. */
function rawNdjsonBytes(compactRows: Buffer): number {
  let bytes = 0;
  for (const line of compactRows.toString('utf8').split('\n')) {
    if (line === '') continue;
    const [
      ,
      ,
      ts,
      ,
      ,
      level,
      ,
      service,
      host,
      message,
      attributes,
      resource,
      traceId,
      spanId,
      userId,
    ] = JSON.parse(line) as unknown[];
    const record = {
      timestamp: `${String(ts).replace(' ', 'T')}Z`,
      level,
      service,
      host,
      message,
      attributes,
      resource,
      trace_id: traceId,
      span_id: spanId,
      user_id: userId,
    };
    bytes += Buffer.byteLength(JSON.stringify(record)) + 1;
  }
  return bytes;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mylog-storage-bench-'));
const names = args.variants.split(',');
const variants: Variant[] = [];
for (const name of names) {
  const store = createChdbStore({
    dataDir: dir,
    database: `storage_${name}`,
    readSessions: 1,
    maxInsertSessions: 1,
  });
  for (const statement of await statementsOf(name)) await store.command(statement);
  await store.command('SYSTEM STOP MERGES logs');
  variants.push({ name, store, insertCpuUs: 0, mergeCpuUs: 0, mergeMs: 0 });
}
const generator = (variants[0] as Variant).store;

const apps: GeneratedApp[] = [];
const orgs = [randomUUID(), randomUUID()];
for (let i = 0; i < 10; i++) apps.push({ id: randomUUID(), orgId: orgs[i < 4 ? 0 : 1] as string });

console.log(
  `storage bench: ${ROWS.toLocaleString('en')} rows over ${SPAN_DAYS} days, inserts of ${CHUNK_ROWS.toLocaleString('en')} rows, schemas ${names.join(', ')}; ${os.cpus().length} CPUs, load ${loadAverages()}`,
);

// ---------------------------------------------------------------------------------------------
// Insert: the same serialised bytes into every schema, alternating which goes first.
const endNs = nowNanos() - 60n * NS_PER_S;
const spanNs = BigInt(SPAN_DAYS) * 86_400n * NS_PER_S;
let rawBytes = 0;
let serialisedBytes = 0;
for (let first = 0, n = 0; first < ROWS; first += CHUNK_ROWS, n++) {
  const count = Math.min(CHUNK_ROWS, ROWS - first);
  const payload = await collect(
    generator.queryStream(
      GENERATE_SELECT,
      {
        start_ns: (endNs - spanNs).toString(),
        step_ns: (spanNs / BigInt(ROWS)).toString(),
        org_ids: apps.map((a) => a.orgId),
        app_ids: apps.map((a) => a.id),
        first,
        count,
      },
      { format: LOGS_INSERT_TARGET.format },
    ),
  );
  serialisedBytes += payload.length;
  rawBytes += rawNdjsonBytes(payload);
  const order = n % 2 === 0 ? variants : [...variants].reverse();
  for (const variant of order) {
    const cpu0 = cpuUs();
    await variant.store.insertRaw(
      'logs',
      payload,
      {
        insert_deduplication_token: `storage-${n}`,
        deduplicate_blocks_in_dependent_materialized_views: 1,
      },
      LOGS_INSERT_TARGET,
    );
    variant.insertCpuUs += cpuUs() - cpu0;
  }
  process.stdout.write(`\r  inserted ${(first + count).toLocaleString('en')} rows   `);
}
process.stdout.write('\n');

// Merge each table into one part per daily partition, one table at a time: its CPU is the
// merges' (nothing else runs in this process meanwhile).
for (const variant of variants) {
  await variant.store.command('SYSTEM START MERGES logs');
  const cpu0 = cpuUs();
  const t0 = performance.now();
  await variant.store.command('OPTIMIZE TABLE logs FINAL');
  variant.mergeMs = performance.now() - t0;
  variant.mergeCpuUs = cpuUs() - cpu0;
}

// ---------------------------------------------------------------------------------------------
// Bytes.
interface ColumnBytes {
  column: string;
  compressed: string;
  uncompressed: string;
}
interface IndexBytes {
  name: string;
  compressed: string;
  uncompressed: string;
  marks: string;
}
interface PartTotals {
  rows: string;
  parts: string;
  on_disk: string;
  primary: string;
  marks: string;
}

const fmtBytesPerRow = (bytes: number, rows: number): string => (bytes / rows).toFixed(2);

const report: {
  name: string;
  totals: PartTotals;
  columns: Map<string, ColumnBytes>;
  indexes: Map<string, IndexBytes>;
}[] = [];
for (const variant of variants) {
  const db = variant.store.database;
  const [totals] = await variant.store.query<PartTotals>(
    `SELECT toString(sum(rows)) AS rows, toString(count()) AS parts, toString(sum(bytes_on_disk)) AS on_disk,
            toString(sum(primary_key_size)) AS primary, toString(sum(marks_bytes)) AS marks
     FROM system.parts WHERE database = {db:String} AND table = 'logs' AND active`,
    { db },
  );
  const columns = await variant.store.query<ColumnBytes>(
    `SELECT column, toString(sum(column_data_compressed_bytes)) AS compressed,
            toString(sum(column_data_uncompressed_bytes)) AS uncompressed
     FROM system.parts_columns WHERE database = {db:String} AND table = 'logs' AND active
     GROUP BY column`,
    { db },
  );
  const indexes = await variant.store.query<IndexBytes>(
    `SELECT name, toString(data_compressed_bytes) AS compressed,
            toString(data_uncompressed_bytes) AS uncompressed, toString(marks_bytes) AS marks
     FROM system.data_skipping_indices WHERE database = {db:String} AND table = 'logs'`,
    { db },
  );
  if (!totals) throw new Error(`no parts in ${db}`);
  report.push({
    name: variant.name,
    totals,
    columns: new Map(columns.map((c) => [c.column, c])),
    indexes: new Map(indexes.map((i) => [i.name, i])),
  });
}

const rows = Number(report[0]?.totals.rows);
console.log(
  `\nraw NDJSON ${fmtBytesPerRow(rawBytes, rows)} bytes/row (${(rawBytes / 2 ** 20).toFixed(0)} MiB); serialised insert payload ${fmtBytesPerRow(serialisedBytes, rows)} bytes/row`,
);
const head = (label: string): string =>
  label.padEnd(24) + report.map((r) => r.name.padStart(22)).join('');
const line = (label: string, cell: (r: (typeof report)[number]) => string): string =>
  label.padEnd(24) + report.map((r) => cell(r).padStart(22)).join('');

console.log('\nbytes/row on disk, compressed (uncompressed)');
console.log(head('column'));
// Every schema's columns (a later migration may add some), largest first where each first appears.
const largest = (column: string): number =>
  Number(report.find((r) => r.columns.has(column))?.columns.get(column)?.compressed);
const columnNames = [...new Set(report.flatMap((r) => [...r.columns.keys()]))].sort(
  (a, b) => largest(b) - largest(a),
);
for (const column of columnNames) {
  console.log(
    line(column, (r) => {
      const c = r.columns.get(column);
      return c
        ? `${fmtBytesPerRow(Number(c.compressed), rows)} (${fmtBytesPerRow(Number(c.uncompressed), rows)})`
        : '-';
    }),
  );
}
const indexNames = [...new Set(report.flatMap((r) => [...r.indexes.keys()]))];
for (const index of indexNames) {
  console.log(
    line(`index ${index}`, (r) => {
      const i = r.indexes.get(index);
      return i
        ? `${fmtBytesPerRow(Number(i.compressed) + Number(i.marks), rows)} (${fmtBytesPerRow(Number(i.uncompressed), rows)})`
        : '-';
    }),
  );
}
console.log(
  line('primary key + marks', (r) =>
    fmtBytesPerRow(Number(r.totals.primary) + Number(r.totals.marks), rows),
  ),
);
console.log(line('TOTAL on disk', (r) => fmtBytesPerRow(Number(r.totals.on_disk), rows)));
console.log(
  line('raw NDJSON / on disk', (r) => `${(rawBytes / Number(r.totals.on_disk)).toFixed(1)}x`),
);
console.log(line('active parts', (r) => r.totals.parts));
console.log(
  line('insert CPU µs/row', (r) => {
    const v = variants.find((x) => x.name === r.name) as Variant;
    return (v.insertCpuUs / rows).toFixed(2);
  }),
);
console.log(
  line('OPTIMIZE FINAL CPU µs/row', (r) => {
    const v = variants.find((x) => x.name === r.name) as Variant;
    return `${(v.mergeCpuUs / rows).toFixed(2)} (${(v.mergeMs / 1000).toFixed(1)} s)`;
  }),
);

// ---------------------------------------------------------------------------------------------
// Search: the queries whose speed the schema may change, alternating between schemas.
const scope = {
  scope_orgs: [orgs[0]],
  scope_apps: apps.filter((a) => a.orgId === orgs[0]).map((a) => a.id),
};
const now = nowNanos();
const day = { t_from: toClickHouseTime(now - 86_400n * NS_PER_S), t_to: toClickHouseTime(now) };
const WHERE = `org_id IN {scope_orgs:Array(UUID)} AND app_id IN {scope_apps:Array(UUID)} AND ts >= toDateTime64({t_from:String}, 9, 'UTC') AND ts < toDateTime64({t_to:String}, 9, 'UTC')`;
const page = (q: string): [string, Record<string, unknown>] => {
  const filter = compileQueryToSql(parseQuery(q));
  return [
    `SELECT ${LOG_ROW_COLUMNS} FROM logs WHERE ${WHERE} AND ${filter.sql} ORDER BY ts DESC, UUIDToNum(id) DESC LIMIT 100`,
    { ...scope, ...day, ...filter.params },
  ];
};
const queries: [string, string, Record<string, unknown>][] = [
  ['24h range, first page', ...page('*')],
  ['24h token (zircon)', ...page('zircon')],
  ['24h phrase', ...page('"payment declined for order 4242"')],
  ['24h attribute equality', ...page('status:502 customer_tier:enterprise')],
  ['24h trace_id', ...page('trace_id:0123456789abcdef')],
  [
    '24h count by level',
    `SELECT level, count() AS n FROM logs WHERE ${WHERE} GROUP BY level`,
    { ...scope, ...day },
  ],
];
console.log(
  `\nsearch, ms p50 / p95 of ${ITERATIONS} runs (query condition cache off), load ${loadAverages()}`,
);
console.log(head('query'));
for (const [label, sql, params] of queries) {
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < ITERATIONS + 1; i++) {
    for (const variant of i % 2 === 0 ? variants : [...variants].reverse()) {
      const t0 = performance.now();
      await variant.store.query(sql, params, { settings: { use_query_condition_cache: 0 } });
      // The first round warms the page cache for every schema alike.
      if (i > 0) times.get(variant.name)?.push(performance.now() - t0);
    }
  }
  console.log(
    line(label, (r) => {
      const t = (times.get(r.name) ?? []).sort((a, b) => a - b);
      return `${percentile(t, 50).toFixed(1)} / ${percentile(t, 95).toFixed(1)}`;
    }),
  );
}
console.log(`\nload ${loadAverages()}`);

for (const variant of variants) await variant.store.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
