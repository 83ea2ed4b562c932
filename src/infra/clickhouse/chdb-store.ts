import fs from 'node:fs';
import { Session } from 'chdb';
import {
  assertIdentifier,
  ClickHouseStoreError,
  type ClickHouseSettings,
  type ClickHouseStore,
  type InsertSummary,
  type QueryOptions,
  type QueryParams,
  type StreamQueryOptions,
  type RawInsertTarget,
} from './store.ts';

export interface ChdbStoreOptions {
  dataDir: string;
  database: string;
  /** Sessions on one data directory run concurrently; a session runs its own queries one at a time. */
  readSessions?: number;
  /** Most inserts running at once, each on its own session (opened when first needed). */
  maxInsertSessions?: number;
  /** Longest wait at close for mutations still running (a retention DELETE), before the engine stops. */
  closeMutationWaitMs?: number;
}

/**
 * A session runs one statement at a time, so with a single insert session the worker's concurrent
 * jobs queued behind each other (measured: 2 concurrent 20k-row inserts on one session took 2×
 * as long each). One session per concurrent insert lets them use every core; the pool only grows
 * to what the worker's concurrency actually uses.
 */
const DEFAULT_MAX_INSERT_SESSIONS = 4;

/**
 * The engine stops with its last session. Stopped while a background mutation (retention's
 * lightweight DELETE) was still running, it crashed the process at exit (SIGSEGV, seen under load),
 * so close gives running mutations this long to finish; an unfinished one resumes at next start.
 */
const DEFAULT_CLOSE_MUTATION_WAIT_MS = 10_000;

/** The chdb sessions behind the store; the HTTP bridge reuses them so a second process can share the engine. */
export interface ChdbStore extends ClickHouseStore {
  readonly kind: 'chdb';
  readonly dataDir: string;
  /** A session for work outside the store (the HTTP bridge). */
  bridgeSession(): Session;
}

export function createChdbStore(options: ChdbStoreOptions): ChdbStore {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const database = assertIdentifier(options.database);
  const open = (): Session => {
    const session = new Session(options.dataDir);
    session.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
    session.query(`USE ${database}`);
    return session;
  };
  // Inserts get their own sessions so a slow search never delays the ingest path, and vice versa.
  // DDL runs on the first one.
  const insertSession = open();
  const inserters = new InsertSessionPool(insertSession, open, options.maxInsertSessions ?? DEFAULT_MAX_INSERT_SESSIONS);
  const readSessions = Array.from({ length: options.readSessions ?? 2 }, open);
  let bridge: Session | undefined;
  let next = 0;
  const reader = (): Session => readSessions[next++ % readSessions.length] as Session;

  return {
    kind: 'chdb',
    database,
    dataDir: options.dataDir,
    async query<T>(sql: string, params?: QueryParams, opts?: QueryOptions): Promise<T[]> {
      // Same JSON as a ClickHouse server gives: 64-bit integers quoted, so JS loses no precision.
      const settings = { output_format_json_quote_64bit_integers: 1, ...opts?.settings };
      const text = await run(reader(), withSettings(sql, settings), params, 'JSONEachRow', opts?.signal, opts?.onStats);
      return parseJsonEachRow<T>(text);
    },
    async *queryStream(sql: string, params?: QueryParams, opts?: StreamQueryOptions): AsyncIterable<Uint8Array> {
      // A session runs one stream at a time, so each stream gets its own (opening one takes ~1 ms)
      // and a long export never holds up the read sessions that serve searches.
      const session = open();
      try {
        const statement = withSettings(sql, { output_format_json_quote_64bit_integers: 1, ...opts?.settings });
        const options = { format: opts?.format ?? 'JSONEachRow', signal: opts?.signal };
        const stream =
          params && Object.keys(params).length > 0
            ? session.queryStreamBind(statement, params, options)
            : session.queryStream(statement, options);
        for await (const chunk of stream) yield chunk.raw();
      } catch (error) {
        throw toStoreError(error);
      } finally {
        session.close();
      }
    },
    async insertRaw(
      table: string,
      rows: Buffer,
      settings?: ClickHouseSettings,
      target?: RawInsertTarget,
    ): Promise<InsertSummary> {
      try {
        const summary = await inserters.run((session) =>
          session.insert({
            table: assertIdentifier(table),
            ...(target?.columns ? { columns: [...target.columns] } : {}),
            values: rows,
            format: target?.format ?? 'JSONEachRow',
            settings,
          }),
        );
        return { rowsWritten: summary.rowsWritten };
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async command(sql: string, params?: QueryParams, opts?: QueryOptions): Promise<void> {
      await run(insertSession, withSettings(sql, opts?.settings), params, 'TSV', opts?.signal);
    },
    async ping(): Promise<boolean> {
      await run(reader(), 'SELECT 1', undefined, 'TSV');
      return true;
    },
    bridgeSession(): Session {
      bridge ??= open();
      return bridge;
    },
    async close(): Promise<void> {
      await waitForMutations(insertSession, options.closeMutationWaitMs ?? DEFAULT_CLOSE_MUTATION_WAIT_MS);
      for (const session of [...inserters.sessions, ...readSessions, bridge]) session?.close();
    },
  };
}

/** Idle insert sessions, reused; a new one is opened when all are busy, up to `max`. */
class InsertSessionPool {
  readonly sessions: Session[];
  private readonly idle: Session[];

  constructor(
    first: Session,
    private readonly open: () => Session,
    private readonly max: number,
  ) {
    this.sessions = [first];
    this.idle = [first];
  }

  async run<T>(insert: (session: Session) => Promise<T>): Promise<T> {
    const session = this.idle.pop() ?? (this.sessions.length < this.max ? this.opened() : this.anyBusy());
    try {
      return await insert(session);
    } finally {
      if (!this.idle.includes(session)) this.idle.push(session);
    }
  }

  private opened(): Session {
    const session = this.open();
    this.sessions.push(session);
    return session;
  }

  /** Over the limit the extra insert queues on a session (chdb runs them one after the other). */
  private anyBusy(): Session {
    return this.sessions[Math.floor(Math.random() * this.sessions.length)] as Session;
  }
}

async function waitForMutations(session: Session, maxWaitMs: number): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  while (Date.now() < deadline) {
    const running = await run(session, 'SELECT count() FROM system.mutations WHERE NOT is_done', undefined, 'TSV').catch(
      () => '0',
    );
    if (Number(running.trim()) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function run(
  session: Session,
  sql: string,
  params: QueryParams | undefined,
  format: string,
  signal?: AbortSignal,
  onStats?: QueryOptions['onStats'],
): Promise<string> {
  try {
    const result =
      params && Object.keys(params).length > 0
        ? await session.queryBindAsync(sql, params, { format, signal })
        : await session.queryAsync(sql, { format, signal });
    onStats?.({ readRows: result.rowsRead, readBytes: result.bytesRead });
    return result.text();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** chdb has no per-query settings argument, so settings travel in the statement itself. */
function withSettings(sql: string, settings: ClickHouseSettings | undefined): string {
  if (!settings || Object.keys(settings).length === 0) return sql;
  const clauses = Object.entries(settings).map(([key, value]) => {
    assertIdentifier(key);
    const literal = typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : Number(value);
    return `${key} = ${literal}`;
  });
  return `${sql.replace(/;\s*$/, '')} SETTINGS ${clauses.join(', ')}`;
}

function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  for (const line of text.split('\n')) if (line.length > 0) rows.push(JSON.parse(line) as T);
  return rows;
}

function toStoreError(error: unknown): ClickHouseStoreError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { clickhouseCode?: unknown } | null)?.clickhouseCode;
  // Stream errors carry the code only in their text ("Code: 60. DB::Exception: …").
  const fromText = /\bCode: (\d+)\./.exec(message)?.[1];
  const known = typeof code === 'number' ? code : fromText === undefined ? undefined : Number(fromText);
  return new ClickHouseStoreError(message, known, { cause: error });
}
