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
  generatedAt: string;
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
 * Generates the rows, or reuses the ones already in `dir` when they are the same shape. The data
 * ends when it was generated and queries say "now-24h", so a reused dataset's newest rows are
 * older by its age: printed, so a reader can tell how much of a 24 h window still holds data.
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
    const ageMin = (Date.now() - Date.parse(manifest.generatedAt)) / 60_000;
    console.log(
      `  reusing ${dir}: generated ${manifest.generatedAt}, ${ageMin.toFixed(0)} min ago (a 24 h window now holds ${Math.max(0, 100 - ageMin / 14.4).toFixed(1)} % of its last day)`,
    );
    return;
  }
  const [existing] = await store.query<{ n: string }>('SELECT toString(count()) AS n FROM logs');
  if (Number(existing?.n ?? 0) > 0) {
    throw new Error(`${dir} holds rows but no ${MANIFEST} (an interrupted generation?): remove it`);
  }
  const started = performance.now();
  await generateLogs(store, options);
  console.log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (manifestPath) {
    const manifest: DatasetManifest = {
      rows: options.rows,
      spanDays: options.spanDays,
      generatedAt: new Date().toISOString(),
    };
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  }
}
