// The monthly audit export (scheduler role): every finished month of every chain is written once
// to AUDIT_EXPORT_DIR as <chain>/<YYYY-MM>.ndjson (chain: the org id, or "platform"), the same
// lines GET /v1/audit/export streams. A file appears whole (written aside, then renamed) and an
// existing one is never rewritten, so reruns, several instances and catch-up after downtime
// change nothing. The clock is injectable for tests.
import { mkdir, open, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../infra/postgres.ts';
import type { ScheduledTask } from '../scheduler/scheduled-tasks.ts';
import { monthOf, monthSpan, previousMonth } from '../usage/usage-days.ts';
import { PLATFORM_CHAIN } from './audit-chain.ts';
import { auditLine, streamAudit } from './audit.repository.ts';

/** An entry's `at` is its transaction's start: a month is exported once late commits are in. */
const MONTH_SETTLE_MS = 60 * 60_000;

/** Each chain and the month of its first entry. */
async function chainStarts(db: Db): Promise<{ chain: string; first: Date }[]> {
  const { rows } = await sql<{ chain: string; first: Date }>`
    SELECT coalesce(org_id::text, 'platform') AS chain, min(at) AS first
    FROM audit_log GROUP BY 1 ORDER BY 1`.execute(db);
  return rows;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function writeMonth(db: Db, file: string, chain: string, month: string, batchRows: number) {
  const span = monthSpan(month);
  const partial = `${file}.partial`;
  const handle = await open(partial, 'w');
  let entries = 0;
  try {
    const range = {
      orgIds: chain === PLATFORM_CHAIN ? null : [chain],
      from: new Date(span.startMs),
      to: new Date(span.endMs),
    };
    for await (const entry of streamAudit(db, range, batchRows)) {
      await handle.write(auditLine(entry));
      entries += 1;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, file);
  return entries;
}

export async function runAuditExport(
  app: FastifyInstance,
  nowMs: number,
): Promise<{ files: number; entries: number } | { skipped: string }> {
  const dir = app.config.audit.exportDir;
  if (dir === null) return { skipped: 'AUDIT_EXPORT_DIR is not set' };
  const lastMonth = previousMonth(monthOf(nowMs - MONTH_SETTLE_MS));
  let files = 0;
  let entries = 0;
  for (const { chain, first } of await chainStarts(app.db)) {
    await mkdir(path.join(dir, chain), { recursive: true });
    // Oldest first, so an interrupted catch-up resumes where it stopped.
    const months: string[] = [];
    for (let m = lastMonth; m >= monthOf(first.getTime()); m = previousMonth(m)) months.push(m);
    for (const month of months.reverse()) {
      const file = path.join(dir, chain, `${month}.ndjson`);
      if (await exists(file)) continue;
      entries += await writeMonth(app.db, file, chain, month, app.config.audit.exportBatchRows);
      files += 1;
    }
  }
  return { files, entries };
}

export function auditExportTask(options: { clock?: () => number } = {}): ScheduledTask {
  return {
    name: 'audit.monthly-export',
    everyMs: 60 * 60_000,
    everyMsFrom: (config) => config.audit.exportCheckIntervalMs,
    run: (app) => runAuditExport(app, (options.clock ?? Date.now)()),
  };
}
