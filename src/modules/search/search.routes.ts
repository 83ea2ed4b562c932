// HTTP of the search API (user context: session or API token; viewers and up read).
import { Readable } from 'node:stream';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorResponses } from '../auth/auth.schemas.ts';
import { readableApps } from '../auth/authorize.ts';
import { auditedExport, recordedRead } from '../audit/audit-reads.ts';
import { meteredClickHouse } from '../usage/metered-clickhouse.ts';
import { logContext } from './context.service.ts';
import { exportLogs } from './export.service.ts';
import { listFields, topValues } from './facets.service.ts';
import { createSearchRepository } from './search.repository.ts';
import type { SearchScope } from './search-scope.ts';
import {
  ContextParams,
  ContextQuery,
  ContextResponse,
  ExportQuery,
  FacetQuery,
  FieldParams,
  FieldsResponse,
  HistogramQuery,
  HistogramResponse,
  SearchQuery,
  SearchResponse,
  ValuesResponse,
} from './search.schemas.ts';
import { histogram, searchLogs, type SearchDeps } from './search.service.ts';

/** The caller's readable apps, or exactly the named ones (a foreign or unknown ref is a 404). */
export async function searchScope(
  app: FastifyInstance,
  request: FastifyRequest,
  apps: string | undefined,
): Promise<SearchScope> {
  const refs = apps
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const readable = await readableApps(app.db, request.auth, { appRefs: refs });
  return {
    orgIds: [...new Set(readable.map((a) => a.orgId))],
    appIds: readable.map((a) => a.id),
  };
}

const TAGS = ['search'];

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  const deps: SearchDeps = {
    repo: createSearchRepository(meteredClickHouse(app.clickhouse, app.usageMeter, 'search')),
    limits: app.config.search,
  };

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/v1/logs',
    {
      schema: {
        tags: TAGS,
        summary: 'Search logs, newest first, with cursor pagination',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const scope = await searchScope(app, request, request.query.apps);
      const page = searchLogs(deps, scope, request.query);
      return recordedRead(
        app.db,
        request,
        'search',
        scope,
        request.query,
        page,
        (p) => p.rows.length,
      );
    },
  );

  app.get<{ Querystring: Static<typeof HistogramQuery> }>(
    '/v1/logs/histogram',
    {
      schema: {
        tags: TAGS,
        summary:
          'Counts per time bucket and level (from the rollup when q filters only level, service, app)',
        querystring: HistogramQuery,
        response: { 200: HistogramResponse, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const { apps, ...input } = request.query;
      return histogram(deps, await searchScope(app, request, apps), input);
    },
  );

  app.get<{ Querystring: Static<typeof FacetQuery> }>(
    '/v1/logs/fields',
    {
      schema: {
        tags: TAGS,
        summary: 'Attribute keys seen in range, with counts',
        querystring: FacetQuery,
        response: { 200: FieldsResponse, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const { apps, ...input } = request.query;
      return listFields(deps, await searchScope(app, request, apps), input);
    },
  );

  app.get<{ Params: Static<typeof FieldParams>; Querystring: Static<typeof FacetQuery> }>(
    '/v1/logs/fields/:name/values',
    {
      schema: {
        tags: TAGS,
        summary: 'Top values of a field (column, attribute key, or resource.key) with counts',
        params: FieldParams,
        querystring: FacetQuery,
        response: { 200: ValuesResponse, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const { apps, ...input } = request.query;
      return topValues(deps, await searchScope(app, request, apps), request.params.name, input);
    },
  );

  app.get<{ Querystring: Static<typeof ExportQuery> }>(
    '/v1/logs/export',
    {
      schema: {
        tags: TAGS,
        summary: 'Every matching row, streamed as NDJSON (one row per line) or CSV; no row cap',
        querystring: ExportQuery,
        response: {
          200: { description: 'application/x-ndjson or text/csv stream', type: 'string' },
          ...errorResponses(400, 401, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { apps, format, order, ...input } = request.query;
      const scope = await searchScope(app, request, apps);
      // A client that goes away stops the ClickHouse query, not just our writing.
      const gone = new AbortController();
      request.raw.once('close', () => {
        if (!reply.raw.writableFinished) gone.abort();
      });
      const run = await exportLogs(
        deps,
        scope,
        { ...input, format, order: order ?? 'desc' },
        gone.signal,
        (error) => request.log.error({ err: error }, 'export failed after its first bytes'),
      ).then((r) =>
        auditedExport(app.db, request, scope, request.query, r, (err) =>
          request.log.error({ err }, 'export not audited'),
        ),
      );
      const stream = await startedStream(run.bytes);
      // An export may run for an hour with quiet stretches while ClickHouse filters: the socket
      // idle timeout (HTTP_CONNECTION_TIMEOUT_MS) is for requests, not for answers in progress.
      const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined;
      socket?.setTimeout?.(0);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return (
        reply
          .header(
            'content-type',
            format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
          )
          .header('content-disposition', `attachment; filename="logs-${stamp}.${format}"`)
          .header('cache-control', 'no-store')
          // complete | failed: a client that checks it can tell a whole export from a cut one.
          .trailer('x-export-status', async () => run.status())
          .send(stream)
      );
    },
  );

  app.get<{ Params: Static<typeof ContextParams>; Querystring: Static<typeof ContextQuery> }>(
    '/v1/logs/:id/context',
    {
      schema: {
        tags: TAGS,
        summary:
          'The lines before and after one line: same app, host and service (or the whole app)',
        params: ContextParams,
        querystring: ContextQuery,
        response: { 200: ContextResponse, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const { apps, before, after, around } = request.query;
      const scope = await searchScope(app, request, apps);
      const lines = logContext(
        deps,
        app.config.ingest,
        scope,
        request.params.id,
        { before, after },
        around,
      );
      return recordedRead(
        app.db,
        request,
        'context',
        scope,
        { id: request.params.id, ...request.query },
        lines,
        (c) => 1 + c.before.length + c.after.length,
      );
    },
  );
}

/**
 * Pulls the first chunk before the status line is sent: an error in the first ClickHouse query
 * (a guardrail, say) still becomes a proper error answer instead of a truncated 200.
 */
async function startedStream(bytes: AsyncIterable<Uint8Array>): Promise<Readable> {
  const iterator = bytes[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const stream = Readable.from(rest(), { objectMode: false });
  // Readable.from calls return() on the generator when destroyed; pass it on so the store's
  // finally (which cancels the ClickHouse query) runs too.
  stream.once('close', () => void iterator.return?.());
  return stream;
}
