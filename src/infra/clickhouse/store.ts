// One interface over the two ClickHouse engines MyLog runs on: a ClickHouse server over HTTP
// (production) and chdb in-process (embedded mode). Everything above this layer writes one SQL.

export type QueryParams = Record<string, unknown>;
export type ClickHouseSettings = Record<string, string | number | boolean>;

export interface QueryOptions {
  settings?: ClickHouseSettings;
  signal?: AbortSignal;
  /** Told what the engine read for this query (usage metering); over HTTP, as far as the summary header knows. */
  onStats?(stats: QueryStats): void;
}

export interface QueryStats {
  readRows: number;
  readBytes: number;
}

export interface StreamQueryOptions extends QueryOptions {
  /** ClickHouse output format of the streamed bytes; default JSONEachRow. */
  format?: string;
}

/** Formats both stores pass through byte for byte (chdb's raw insert takes line formats only). */
export type RawInsertFormat = 'JSONEachRow' | 'JSONCompactEachRow' | 'TSV';

export interface RawInsertTarget {
  format?: RawInsertFormat;
  /** Required by positional formats (JSONCompactEachRow) unless the rows hold every column. */
  columns?: readonly string[];
}

/** `INSERT INTO t (c1, c2) FORMAT f`, identifiers checked. */
export function rawInsertStatement(table: string, target: RawInsertTarget | undefined): string {
  const columns = target?.columns?.length
    ? ` (${target.columns.map(assertIdentifier).join(', ')})`
    : '';
  return `INSERT INTO ${assertIdentifier(table)}${columns} FORMAT ${target?.format ?? 'JSONEachRow'}`;
}

export interface InsertSummary {
  rowsWritten: number;
}

export interface ClickHouseStore {
  readonly kind: 'http' | 'chdb';
  readonly database: string;
  /** Runs a SELECT with typed `{name:Type}` parameters and returns the rows (JSONEachRow). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<T[]>;
  /**
   * Runs a SELECT and yields its result bytes in `format` as the engine produces them, so a
   * result of any size flows through in bounded memory. Aborting `signal`, or leaving the loop
   * early, stops the query in the engine rather than just dropping its output.
   */
  queryStream(sql: string, params?: QueryParams, options?: StreamQueryOptions): AsyncIterable<Uint8Array>;
  /**
   * Inserts rows serialised by the caller (JSONEachRow unless `target.format` says otherwise) as
   * they are: nobody parses or re-encodes them here.
   */
  insertRaw(
    table: string,
    rows: Buffer,
    settings?: ClickHouseSettings,
    target?: RawInsertTarget,
  ): Promise<InsertSummary>;
  /** Runs a statement that returns no rows (DDL, ALTER, SYSTEM …). */
  command(sql: string, params?: QueryParams, options?: QueryOptions): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** A ClickHouse error, engine-independent: `code` is ClickHouse's numeric error code when known. */
export class ClickHouseStoreError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClickHouseStoreError';
  }
}

/** Table names are code constants, never user input; this guards against a mistake anyway. */
export function assertIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return name;
}
