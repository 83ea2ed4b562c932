import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import type { LogRow } from '../../../src/modules/search/query-language/index.ts';

const LOGS_DDL = new URL('../../../clickhouse/0001_logs.sql', import.meta.url);

/**
 * A real `logs` table in an embedded ClickHouse (chdb). chdb allows one data directory per
 * process and tap runs each test file in its own process, so each file opens exactly one.
 */
export interface LogsTable {
  replaceRows(rows: readonly LogRow[]): Promise<void>;
  matchingIds(sql: string, params: Record<string, string | number>): Promise<string[]>;
  close(): Promise<void>;
}

export async function openLogsTable(): Promise<LogsTable> {
  const dir = await mkdtemp(join(tmpdir(), 'mylog-query-language-'));
  const session = new Session(dir);
  await session.queryAsync(await readFile(LOGS_DDL, 'utf8'));
  return {
    async replaceRows(rows) {
      await session.queryAsync('TRUNCATE TABLE logs');
      if (rows.length === 0) return;
      const ndjson = rows.map((row) => JSON.stringify(toStoredRow(row))).join('\n');
      await session.insert({ table: 'logs', values: Buffer.from(ndjson), format: 'JSONEachRow' });
    },
    async matchingIds(sql, params) {
      const result = await session.queryBindAsync(
        `SELECT toString(id) AS id FROM logs WHERE ${sql} ORDER BY id`,
        params,
        { format: 'JSONEachRow' },
      );
      const text = result.text().trim();
      if (text === '') return [];
      return text.split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
    },
    async close() {
      session.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function toStoredRow(row: LogRow): Record<string, unknown> {
  return { ...row, observed_ts: row.ts, severity_number: 0 };
}
