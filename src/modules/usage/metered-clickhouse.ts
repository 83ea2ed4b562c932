// A ClickHouse store that meters what goes through it: each query (duration, bytes read) and each
// streamed result (export bytes), charged to the tenant scope the query binds. The search paths
// build their repository on it (one line in their routes), so nothing else in them changes.
import type {
  ClickHouseStore,
  QueryOptions,
  QueryParams,
  StreamQueryOptions,
} from '../../infra/clickhouse/store.ts';
import type { MeterScope, UsageMeter } from './usage-meter.ts';

/** The tenant scope of a query: search-scope.ts binds it as scope_orgs / scope_apps. */
function scopeOf(params: QueryParams | undefined): MeterScope | null {
  const orgIds = params?.scope_orgs;
  const appIds = params?.scope_apps;
  if (!Array.isArray(orgIds) || !Array.isArray(appIds)) return null;
  return { orgIds: orgIds.map(String), appIds: appIds.map(String) };
}

export function meteredClickHouse(
  store: ClickHouseStore,
  meter: UsageMeter | undefined,
  feature: string,
): ClickHouseStore {
  if (!meter) return store;
  return {
    kind: store.kind,
    database: store.database,
    async query<T>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<T[]> {
      const scope = scopeOf(params);
      if (!scope) return store.query<T>(sql, params, options);
      let readBytes = 0;
      const started = performance.now();
      const rows = await store.query<T>(sql, params, {
        ...options,
        onStats(stats) {
          readBytes = stats.readBytes;
          options?.onStats?.(stats);
        },
      });
      meter.countQuery(scope, feature, performance.now() - started, readBytes);
      return rows;
    },
    async *queryStream(
      sql: string,
      params?: QueryParams,
      options?: StreamQueryOptions,
    ): AsyncIterable<Uint8Array> {
      const scope = scopeOf(params);
      let bytes = 0;
      try {
        for await (const chunk of store.queryStream(sql, params, options)) {
          bytes += chunk.byteLength;
          yield chunk;
        }
      } finally {
        if (scope) meter.countExport(scope, bytes);
      }
    },
    insertRaw: (table, rows, settings, target) => store.insertRaw(table, rows, settings, target),
    command: (sql, params, options) => store.command(sql, params, options),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
