// The search and analytics benches' data, optionally kept on disk (--dataset DIR) so one 100M-row
// generation (about half an hour of both cores here) serves several runs and both benches.
import fs from 'node:fs';
import path from 'node:path';
import { createChdbStore } from '../../src/infra/clickhouse/chdb-store.ts';
import type { ClickHouseStore } from '../../src/infra/clickhouse/store.ts';
import { createChdbTestStore } from '../../test/helpers/services.ts';
import { generateLogs, type GenerateOptions } from './generated-logs.ts';

interface Teardowns {
  teardown(fn: () => unknown): void;
}

interface DatasetManifest {
  rows: number;
  spanDays: number;
  /** The newest row's time: generation starts there and works back, and takes minutes. */
  endsAt: string;
}

const MANIFEST = 'mylog-bench-dataset.json';

/** chdb in `dir` when given (kept after the run), else a temporary one. */
export function openBenchStore(t: Teardowns, dir: string | undefined): ClickHouseStore {
  if (!dir) return createChdbTestStore(t);
  const store = createChdbStore({ dataDir: path.resolve(dir), database: 'bench' });
  t.teardown(() => store.close());
  return store;
}

/**
 * Generates the rows, or reuses the ones already in `dir` when they are the same shape. Queries
 * say "now-24h", so a dataset's age is printed: how much of a 24 h window still holds data.
 */
export async function ensureGeneratedLogs(
  store: ClickHouseStore,
  dir: string | undefined,
  options: GenerateOptions,
): Promise<void> {
  const manifestPath = dir ? path.join(dir, MANIFEST) : undefined;
  if (manifestPath && fs.existsSync(manifestPath)) {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as DatasetManifest;
    if (manifest.rows !== options.rows || manifest.spanDays !== options.spanDays) {
      throw new Error(
        `${dir} holds ${manifest.rows} rows over ${manifest.spanDays} days, not ${options.rows} over ${options.spanDays}: remove it or give another --dataset`,
      );
    }
    console.log(`  reusing ${dir}: ${dataAge(Date.parse(manifest.endsAt))}`);
    return;
  }
  const [existing] = await store.query<{ n: string }>('SELECT toString(count()) AS n FROM logs');
  if (Number(existing?.n ?? 0) > 0) {
    throw new Error(`${dir} holds rows but no ${MANIFEST} (an interrupted generation?): remove it`);
  }
  const started = performance.now();
  const endsAt = await generateLogs(store, options);
  console.log(
    `  generated in ${((performance.now() - started) / 1000).toFixed(1)} s: ${dataAge(endsAt)}`,
  );
  if (manifestPath) {
    const manifest: DatasetManifest = {
      rows: options.rows,
      spanDays: options.spanDays,
      endsAt: new Date(endsAt).toISOString(),
    };
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  }
}

/** How far behind "now" the data ends, and so how much of a "now-24h" window still holds rows. */
function dataAge(endsAt: number): string {
  const ageMin = (Date.now() - endsAt) / 60_000;
  const inDay = Math.max(0, 100 - ageMin / 14.4);
  return `the newest row is ${ageMin.toFixed(0)} min old (a "now-24h" window holds ${inDay.toFixed(1)} % of the data's last day; "last 15 min" is empty past 15)`;
}
