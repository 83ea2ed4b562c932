// Writes clickhouse/golden/{single,cluster}/: every migration file's statements as the runner sends
// them, on one node and on the cluster `mylog` (terraform's cluster), for review in diffs.
// Regenerate after adding or changing a file in clickhouse/: npm run clickhouse:golden.
// test/unit/clickhouse-cluster-ddl.test.ts fails while these files are stale.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  formatStatements,
  planClickHouseMigrations,
  type MigrationPlan,
} from '../src/infra/clickhouse/migration-plan.ts';
import { clickhouseMigrationsDir } from '../src/infra/project-paths.ts';

export const GOLDEN_DIR = path.join(clickhouseMigrationsDir, 'golden');
/** The cluster name terraform/modules/clickhouse configures (remote_servers and the macros). */
export const GOLDEN_CLUSTER = 'mylog';

export const GOLDEN_VARIANTS = {
  single: undefined,
  cluster: GOLDEN_CLUSTER,
} as const;

/** Relative path under clickhouse/golden/ → content. */
export async function renderGolden(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [variant, cluster] of Object.entries(GOLDEN_VARIANTS)) {
    const plan: MigrationPlan = await planClickHouseMigrations({ cluster });
    const note = (source: string): string =>
      `-- Generated from ${source} by \`npm run clickhouse:golden\` (${cluster ? `cluster ${cluster}` : 'single node'}); do not edit.\n`;
    files.set(
      `${variant}/schema_migrations.sql`,
      note('src/infra/clickhouse/migration-plan.ts') + formatStatements([plan.bookkeeping]),
    );
    for (const step of plan.steps) {
      files.set(
        `${variant}/${step.version}.sql`,
        note(`clickhouse/${step.version}.sql`) + formatStatements(step.statements),
      );
    }
  }
  return files;
}

/** Golden files on disk, relative path → content. */
export function readGolden(): Map<string, string> {
  const files = new Map<string, string>();
  for (const variant of Object.keys(GOLDEN_VARIANTS)) {
    const dir = path.join(GOLDEN_DIR, variant);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
      files.set(`${variant}/${name}`, fs.readFileSync(path.join(dir, name), 'utf8'));
    }
  }
  return files;
}

async function main(): Promise<void> {
  const fresh = await renderGolden();
  for (const stale of readGolden().keys()) {
    if (!fresh.has(stale)) fs.rmSync(path.join(GOLDEN_DIR, stale));
  }
  for (const [name, content] of fresh) {
    fs.mkdirSync(path.dirname(path.join(GOLDEN_DIR, name)), { recursive: true });
    fs.writeFileSync(path.join(GOLDEN_DIR, name), content);
  }
  process.stdout.write(
    `wrote ${fresh.size} files under ${path.relative(process.cwd(), GOLDEN_DIR)}/\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
