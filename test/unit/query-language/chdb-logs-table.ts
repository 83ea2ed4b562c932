import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { splitStatements } from '../../../src/infra/clickhouse/migrations.ts';
import type { LogRow } from '../../../src/modules/search/query-language/index.ts';

const LOGS_DDL = new URL('../../../clickhouse/0001_logs.sql', import.meta.url);
/** What compiled queries read beyond 0001: the attr_kv pre-filter column and its index. */
const ATTRIBUTE_PAIRS_DDL = new URL(
  '../../../clickhouse/0004_attribute_pairs.sql',
  import.meta.url,
);

export interface OpenLogsTableOptions {
  /**
   * Insert rows before 0004 runs, as on a live table whose parts predate the column: attr_kv
   * is then computed when read, not stored.
   */
  pairsAfterInsert?: boolean;
}

/**
 * A real `logs` table in an embedded ClickHouse (chdb). chdb allows one data directory per
 * process and tap runs each test file in its own process, so each file opens exactly one.
 */
export interface LogsTable {
  replaceRows(rows: readonly LogRow[]): Promise<void>;
  matchingIds(sql: string, params: Record<string, string | number>): Promise<string[]>;
  close(): Promise<void>;
}

export async function openLogsTable(options: OpenLogsTableOptions = {}): Promise<LogsTable> {
  const dir = await mkdtemp(join(tmpdir(), 'mylog-query-language-'));
  const session = new Session(dir);
  const addPairs = async (): Promise<void> => {
    for (const statement of splitStatements(await readFile(ATTRIBUTE_PAIRS_DDL, 'utf8'))) {
      await session.queryAsync(statement);
    }
  };
  await session.queryAsync(await readFile(LOGS_DDL, 'utf8'));
  if (!options.pairsAfterInsert) await addPairs();
  return {
    async replaceRows(rows) {
      if (options.pairsAfterInsert) {
        await session.queryAsync('DROP TABLE IF EXISTS logs SYNC');
        await session.queryAsync(await readFile(LOGS_DDL, 'utf8'));
      } else {
        await session.queryAsync('TRUNCATE TABLE logs');
      }
      if (rows.length > 0) {
        const ndjson = rows.map((row) => JSON.stringify(toStoredRow(row))).join('\n');
        await session.insert({ table: 'logs', values: Buffer.from(ndjson), format: 'JSONEachRow' });
      }
      if (options.pairsAfterInsert) await addPairs();
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
