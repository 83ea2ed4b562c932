import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import {
  assertIdentifier,
  ClickHouseStoreError,
  type ClickHouseSettings,
  type ClickHouseStore,
  type InsertSummary,
  type QueryOptions,
  type QueryParams,
  type StreamQueryOptions,
  rawInsertStatement,
  type RawInsertTarget,
} from './store.ts';

export interface HttpStoreOptions {
  url: string;
  database: string;
  requestTimeoutMs?: number;
  maxOpenConnections?: number;
}

export function createHttpStore(options: HttpStoreOptions): ClickHouseStore {
  const client: ClickHouseClient = createClient({
    url: options.url,
    database: options.database,
    request_timeout: options.requestTimeoutMs ?? 60_000,
    max_open_connections: options.maxOpenConnections ?? 16,
    // The bridge and ClickHouse both speak gzip; logs compress ~10x, so the wire cost is worth it.
    compression: { request: false, response: false },
    // Errors reach the caller as ClickHouseStoreError; the client's own console logging would duplicate them.
    log: { level: ClickHouseLogLevel.OFF },
    // Large parameters (a tail resume's seen_ids: ~39 KB) go in the body, not the URL: ClickHouse
    // takes 1 MiB of URL, but proxies and Node servers (the chdb bridge) stop at 16 KiB.
    use_multipart_params_auto: true,
  });
  return {
    kind: 'http',
    database: options.database,
    async query<T>(sql: string, params?: QueryParams, opts?: QueryOptions): Promise<T[]> {
      try {
        const result = await client.query({
          query: sql,
          query_params: params,
          format: 'JSONEachRow',
          clickhouse_settings: opts?.settings,
          abort_signal: opts?.signal,
        });
        const rows = await result.json<T>();
        if (opts?.onStats) opts.onStats(summaryStats(result.response_headers['x-clickhouse-summary']));
        return rows;
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async *queryStream(sql: string, params?: QueryParams, opts?: StreamQueryOptions): AsyncIterable<Uint8Array> {
      // exec, not query: the bytes go to the caller as ClickHouse wrote them, never parsed here.
      const controller = new AbortController();
      let body: Readable | undefined;
      // The client's abort_signal only covers the request; once the body streams, destroying it
      // is what closes the connection (and the server then cancels the query).
      const onAbort = (): void => {
        controller.abort();
        body?.destroy(new Error('query stream aborted'));
      };
      if (opts?.signal?.aborted) throw new ClickHouseStoreError('query stream aborted', undefined);
      opts?.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await client.exec({
          query: `${sql.replace(/;\s*$/, '')} FORMAT ${assertIdentifier(opts?.format ?? 'JSONEachRow')}`,
          query_params: params,
          // Without it a server keeps running a read-only query whose client went away.
          clickhouse_settings: { cancel_http_readonly_queries_on_client_close: 1, ...opts?.settings },
          abort_signal: controller.signal,
        });
        body = result.stream;
        if (opts?.signal?.aborted) onAbort();
        for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
      } catch (error) {
        throw toStoreError(error);
      } finally {
        opts?.signal?.removeEventListener('abort', onAbort);
        // Leaving the loop early (client gone) must close the connection so the server stops.
        body?.destroy();
        controller.abort();
      }
    },
    async insertRaw(
      table: string,
      rows: Buffer,
      settings?: ClickHouseSettings,
      target?: RawInsertTarget,
    ): Promise<InsertSummary> {
      try {
        // exec, not insert: insert wants objects, and these bytes must not be re-encoded.
        const result = await client.exec({
          query: rawInsertStatement(table, target),
          values: Readable.from([rows], { objectMode: false }),
          clickhouse_settings: settings,
        });
        result.stream.resume();
        return { rowsWritten: Number(result.summary?.written_rows ?? 0) };
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async command(sql: string, params?: QueryParams, opts?: QueryOptions): Promise<void> {
      try {
        await client.command({
          query: sql,
          query_params: params,
          clickhouse_settings: { wait_end_of_query: 1, ...opts?.settings },
          abort_signal: opts?.signal,
        });
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async ping(): Promise<boolean> {
      const result = await client.ping();
      return result.success;
    },
    async close(): Promise<void> {
      await client.close();
    },
  };
}

function toStoreError(error: unknown): ClickHouseStoreError {
  if (error instanceof ClickHouseStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = rawCode === undefined ? undefined : Number(rawCode);
  return new ClickHouseStoreError(message, Number.isFinite(code) ? code : undefined, { cause: error });
}

/** Creates the database when missing: it has to run without the `database` setting. */
export async function ensureHttpDatabase(url: string, database: string): Promise<void> {
  const client = createClient({ url, log: { level: ClickHouseLogLevel.OFF } });
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${assertIdentifier(database)}` });
  } catch (error) {
    throw toStoreError(error);
  } finally {
    await client.close();
  }
}

/** X-ClickHouse-Summary: {"read_rows":"…","read_bytes":"…",…}; zeros when absent or unreadable. */
function summaryStats(header: string | string[] | undefined): { readRows: number; readBytes: number } {
  try {
    const summary = JSON.parse(String(header ?? '{}')) as { read_rows?: string; read_bytes?: string };
    return { readRows: Number(summary.read_rows ?? 0), readBytes: Number(summary.read_bytes ?? 0) };
  } catch {
    return { readRows: 0, readBytes: 0 };
  }
}
