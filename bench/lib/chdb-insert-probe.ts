/**
 * Where does a chdb insert's time go? Inserts the bench's rows (decoded and serialised by the real
 * ingest code) into a fresh logs table under several variants and prints rows per wall second.
 *
 * Run: node --import tsx bench/lib/chdb-insert-probe.ts [variant ...]
 *   PROBE_SECONDS=6 PROBE_ROWS=20000,50000 PROBE_SESSIONS=1,2,3
 * Variants: schema (as migrated), noindex (skip indexes dropped), nomv (rollup MV dropped),
 * bare (both dropped), noidxmsg (the message index dropped), nomerge (background merges stopped: shows
 * their share of the CPU), mergebase<N> (merge_selector_base = N: fewer, larger merges), and settings variants: serialparse (input_format_parallel_parsing = 0),
 * noidxinsert (skip indexes built by merges only), noidxmsginsert (the message index by merges only),
 * nopromoted (clickhouse/0012's promoted attribute columns dropped: what filling them at insert costs),
 * tsv (the same rows as TSV instead of JSONCompactEachRow), and the rows an OpenTelemetry SDK's
 * records make (bench/lib/format-bodies.ts, OTLP protobuf): otlp (as ingest stores them),
 * otlpnoscope (without the scope's name and version among the attributes), otlpnoresource
 * (without the resource map), otlplowcard (both in LowCardinality(String) columns instead): what
 * those parts of an OTLP row cost the insert; epochts (ts and observed_ts as integer ticks
 * instead of text).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChdbStore, type ChdbStore } from '../../src/infra/clickhouse/chdb-store.ts';
import { migrateClickHouse } from '../../src/infra/clickhouse/migrations.ts';
import type { ClickHouseSettings, RawInsertTarget } from '../../src/infra/clickhouse/store.ts';
import {
  DEFAULT_INGEST_LIMITS,
  decodeIngestBody,
  INSERT_TARGET,
  serialiseRows,
} from '../../src/modules/ingest/decode/index.ts';
import { formatRequest } from './format-bodies.ts';
import { serialisedChunkOf1000 } from './sample-rows.ts';
import { loadAverages } from './load-average.ts';
import { PROMOTED_ATTRIBUTE_COLUMNS } from '../../src/modules/analytics/promoted-attributes.ts';

const SECONDS = Number(process.env.PROBE_SECONDS ?? 6);
const ROWS = (process.env.PROBE_ROWS ?? '20000,50000').split(',').map(Number);
const SESSIONS = (process.env.PROBE_SESSIONS ?? '1,2').split(',').map(Number);
const variants = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['schema'];

const PROBE_TENANT_ID = '0190b6a4-0000-7000-8000-000000000001';

function chunkOf1000(): Promise<Buffer> {
  return serialisedChunkOf1000({ orgId: PROBE_TENANT_ID, appId: PROBE_TENANT_ID });
}

type OtlpShape = 'as-stored' | 'no-scope' | 'no-resource' | 'low-cardinality';

/**
 * 1,000 OTLP protobuf records as ingest serialises them; without the scope's attributes or the
 * resource map; or with both moved to two LowCardinality(String) columns appended to each row
 * (OTLP_EXTRA_COLUMNS): what a schema that kept them per sender instead of per row would cost.
 */
async function otlpChunkOf1000(shape: OtlpShape): Promise<Buffer> {
  const now = Date.now();
  const request = formatRequest('otlp-proto', 1000, 0, now);
  const { rows } = await decodeIngestBody({
    kind: 'otlp',
    contentType: request.contentType,
    contentEncoding: undefined,
    body: request.body,
    limits: DEFAULT_INGEST_LIMITS,
    now,
  });
  const tenant = { org_id: PROBE_TENANT_ID, app_id: PROBE_TENANT_ID, retention_days: 30 };
  if (shape === 'as-stored') return serialiseRows(rows, tenant);
  const withoutScope = (attributes: Readonly<Record<string, string>>) => {
    const { ['otel.scope.name']: _name, ['otel.scope.version']: _version, ...rest } = attributes;
    return rest;
  };
  if (shape === 'no-resource')
    return serialiseRows(
      rows.map((r) => ({ ...r, resource: {} })),
      tenant,
    );
  const trimmed = rows.map((r) => ({ ...r, attributes: withoutScope(r.attributes) }));
  if (shape === 'no-scope') return serialiseRows(trimmed, tenant);
  const lines = serialiseRows(
    trimmed.map((r) => ({ ...r, resource: {} })),
    tenant,
  )
    .toString()
    .split('\n');
  return Buffer.from(
    rows
      .map((r, i) => {
        const scope = `${r.attributes['otel.scope.name'] ?? ''}@${r.attributes['otel.scope.version'] ?? ''}`;
        const extra = `,${JSON.stringify(scope)},${JSON.stringify(JSON.stringify(r.resource))}]`;
        return `${(lines[i] as string).slice(0, -1)}${extra}\n`;
      })
      .join(''),
  );
}

const OTLP_VARIANTS: Record<string, OtlpShape> = {
  otlp: 'as-stored',
  otlpnoscope: 'no-scope',
  otlpnoresource: 'no-resource',
  otlplowcard: 'low-cardinality',
};
const OTLP_EXTRA_COLUMNS = ['otel_scope', 'resource_text'];

/** The rows with every DateTime64(9) text ("YYYY-MM-DD hh:mm:ss.nnnnnnnnn") as integer nanoseconds. */
function withIntegerTimestamps(rows: Buffer): Buffer {
  const text = /"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d{9})"/g;
  return Buffer.from(
    rows.toString().replace(text, (_match, day: string, time: string, nanos: string) => {
      const wholeSecondsMs = BigInt(Date.parse(`${day}T${time}Z`));
      return String(wholeSecondsMs * 1_000_000n + BigInt(nanos));
    }),
  );
}

/** CPU seconds of this process's background-merge threads so far (Linux; 0 elsewhere). */
function mergeCpuSeconds(): number {
  let ticks = 0;
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        if (fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'MergeMutate')
          continue;
        const fields = fs
          .readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
          .split(') ')[1]
          ?.split(' ');
        ticks += Number(fields?.[11] ?? 0) + Number(fields?.[12] ?? 0);
      } catch {
        // The thread ended between listing and reading.
      }
    }
  } catch {
    return 0;
  }
  return ticks / 100;
}

async function run(
  stores: ChdbStore[],
  payload: Buffer,
  rows: number,
  settings: ClickHouseSettings,
  perStore = 1,
  target: RawInsertTarget = INSERT_TARGET,
): Promise<{ rowsPerS: number; msPerInsert: number; cpuUsPerRow: number; mergeUsPerRow: number }> {
  const cpu0 = process.cpuUsage();
  const merge0 = mergeCpuSeconds();
  let inserted = 0;
  let inserts = 0;
  let busyMs = 0;
  const started = performance.now();
  let seq = 0;
  await Promise.all(
    stores
      .flatMap((store) => Array.from({ length: perStore }, () => store))
      .map(async (store) => {
        while (performance.now() - started < SECONDS * 1000) {
          const t0 = performance.now();
          await store.insertRaw(
            'logs',
            payload,
            {
              insert_deduplication_token: `p-${process.pid}-${seq++}`,
              deduplicate_blocks_in_dependent_materialized_views: 1,
              ...settings,
            },
            target,
          );
          busyMs += performance.now() - t0;
          inserted += rows;
          inserts += 1;
        }
      }),
  );
  const cpu = process.cpuUsage(cpu0);
  return {
    rowsPerS: inserted / ((performance.now() - started) / 1000),
    msPerInsert: busyMs / inserts,
    cpuUsPerRow: (cpu.user + cpu.system) / inserted,
    mergeUsPerRow: ((mergeCpuSeconds() - merge0) * 1e6) / inserted,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mylog-probe-'));
const chunk = await chunkOf1000();
console.log(
  `row bytes ≈ ${(chunk.length / 1000).toFixed(0)}, ${os.cpus().length} CPUs, load ${loadAverages()}`,
);
let dbIndex = 0;
for (const variant of variants) {
  // A fresh database per variant so parts from earlier variants do not merge underneath.
  const database = `probe_${dbIndex++}`;
  const maxSessions = Math.max(...SESSIONS);
  const stores = Array.from({ length: maxSessions }, () =>
    createChdbStore({ dataDir: dir, database, readSessions: 1 }),
  );
  const first = stores[0] as ChdbStore;
  await migrateClickHouse(first);
  const settings: ClickHouseSettings = {};
  if (variant === 'noindex' || variant === 'bare') {
    for (const index of [
      'idx_message',
      'idx_attr_keys',
      'idx_attr_kv',
      'idx_trace_id',
      'idx_user_id',
    ])
      await first.command(`ALTER TABLE logs DROP INDEX ${index}`);
  }
  if (variant === 'nopromoted')
    for (const column of PROMOTED_ATTRIBUTE_COLUMNS.values())
      await first.command(`ALTER TABLE logs DROP COLUMN ${column}`);
  if (variant === 'nomv' || variant === 'bare') await first.command('DROP VIEW logs_rollup_1m_mv');
  if (variant === 'noidxmsg') await first.command('ALTER TABLE logs DROP INDEX idx_message');
  if (variant === 'serialparse') settings.input_format_parallel_parsing = 0;
  if (variant === 'nomerge') await first.command('SYSTEM STOP MERGES logs');
  const base = /^mergebase(\d+)$/.exec(variant)?.[1];
  if (base) await first.command(`ALTER TABLE logs MODIFY SETTING merge_selector_base = ${base}`);
  if (variant === 'nodedup') settings.insert_deduplicate = 0;
  if (variant === 'noidxinsert') settings.materialize_skip_indexes_on_insert = 0;
  if (variant === 'noidxmsginsert')
    settings.exclude_materialize_skip_indexes_on_insert = 'idx_message';
  if (variant === 'lz4') {
    for (const col of ['message', 'attributes', 'resource', 'trace_id', 'span_id', 'user_id'])
      await first.command(`ALTER TABLE logs MODIFY COLUMN ${col} CODEC(LZ4)`);
    await first.command('ALTER TABLE logs MODIFY COLUMN ts CODEC(Delta, LZ4)');
    await first.command('ALTER TABLE logs MODIFY COLUMN observed_ts CODEC(Delta, LZ4)');
  }
  // The same rows as TSV, written by ClickHouse itself: what a cheaper text format would save.
  let unit =
    OTLP_VARIANTS[variant] !== undefined
      ? await otlpChunkOf1000(OTLP_VARIANTS[variant] as OtlpShape)
      : chunk;
  let target = INSERT_TARGET;
  if (variant === 'otlplowcard') {
    for (const column of OTLP_EXTRA_COLUMNS)
      await first.command(`ALTER TABLE logs ADD COLUMN ${column} LowCardinality(String)`);
    target = {
      ...INSERT_TARGET,
      columns: [...(INSERT_TARGET.columns ?? []), ...OTLP_EXTRA_COLUMNS],
    };
  }
  if (variant === 'epochts') unit = withIntegerTimestamps(unit);
  if (variant === 'tsv') {
    const columns = INSERT_TARGET.columns ?? [];
    await first.insertRaw('logs', chunk, {}, INSERT_TARGET);
    unit = Buffer.from(
      first.bridgeSession().query(`SELECT ${columns.join(',')} FROM logs LIMIT 1000`, 'TSV'),
    );
    await first.command('TRUNCATE TABLE logs');
    target = { format: 'TSV', columns };
  }
  for (const rows of ROWS) {
    const payload = Buffer.concat(Array.from({ length: rows / 1000 }, () => unit));
    for (const sessions of SESSIONS) {
      const perStore = Number(process.env.PROBE_PER_SESSION ?? 1);
      const r = await run(stores.slice(0, sessions), payload, rows, settings, perStore, target);
      console.log(
        `${variant.padEnd(14)} ${(unit.length / 1000).toFixed(0)} B/row, rows/insert ${String(rows).padStart(6)} sessions ${sessions}: ` +
          `${Math.round(r.rowsPerS).toLocaleString('en').padStart(8)} rows/s, ${r.msPerInsert.toFixed(0)} ms/insert, ${r.cpuUsPerRow.toFixed(2)} CPU µs/row (merges ${r.mergeUsPerRow.toFixed(2)}), load ${os.loadavg()[0]?.toFixed(2)}`,
      );
    }
  }
  const [parts] = await first.query<{ parts: string }>(
    `SELECT count() AS parts FROM system.parts WHERE database = '${database}' AND table = 'logs' AND active`,
  );
  console.log(`${variant.padEnd(12)} active parts at the end: ${parts?.parts}`);
  for (const s of stores) await s.close();
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
