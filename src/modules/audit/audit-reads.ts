// Reads that matter go into the same chained audit log as changes (action `read.<kind>`): who,
// when, which apps, which query, how many rows. One entry per org the read touched, so each org's
// admins see (and its chain covers) exactly the reads of their data. Why Postgres and not
// ClickHouse: docs/audit.md ("Where reads are kept").
//
// The routes call one function each: recordedRead (a search page or context), auditedExport (a
// streamed export, recorded when it ends) and recordRead (tail subscription, report download).
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../infra/postgres.ts';
import { actorOf, type AuditActor } from '../auth/auth-context.ts';
import type { ExportRun } from '../search/export.service.ts';
import { appendAudit } from './audit.repository.ts';

export type ReadKind = 'search' | 'context' | 'export' | 'tail' | 'report';

export interface ReadRecord {
  kind: ReadKind;
  /** The apps read (search, export, tail), resolved to their orgs here… */
  appIds?: readonly string[];
  /** …or the org read directly (report downloads). */
  orgId?: string;
  target?: string;
  /** What was asked: q, from, to, order, format, cursor… as sent (undefined fields dropped). */
  query?: Record<string, unknown>;
  /** Rows handed out; null where not known at that moment (a tail streams on). */
  rows: number | null;
  status?: string;
}

function asked(query: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    // A cursor is an opaque, long token: that a page followed is what matters.
    if (key === 'cursor' && value !== undefined) out.page = 'next';
    // The apps as asked are replaced by the apps read, resolved per org.
    else if (key === 'apps') continue;
    // jsonb refuses \u0000, which a query string may carry: the entry keeps a visible stand-in.
    else if (typeof value === 'string') out[key] = value.replaceAll('\u0000', '\uFFFD');
    else if (value !== undefined) out[key] = value;
  }
  return out;
}

export async function recordRead(db: Db, actor: AuditActor, read: ReadRecord): Promise<void> {
  const byOrg = new Map<string, { id: string; slug: string }[]>();
  if (read.appIds && read.appIds.length > 0) {
    const apps = await db
      .selectFrom('apps')
      .select(['id', 'slug', 'org_id'])
      .where('id', 'in', [...read.appIds])
      .orderBy('slug')
      .execute();
    for (const a of apps) {
      byOrg.set(a.org_id, [...(byOrg.get(a.org_id) ?? []), { id: a.id, slug: a.slug }]);
    }
  }
  if (read.orgId !== undefined && !byOrg.has(read.orgId)) byOrg.set(read.orgId, []);
  for (const [orgId, apps] of byOrg) {
    await appendAudit(db, actor, {
      orgId,
      action: `read.${read.kind}`,
      targetType: read.target === undefined ? 'apps' : read.kind,
      targetId: read.target ?? (apps.length === 1 ? (apps[0]?.id ?? null) : null),
      after: {
        apps: apps.map((a) => a.slug),
        ...asked(read.query),
        rows: read.rows,
        ...(read.status === undefined ? {} : { status: read.status }),
      },
    });
  }
}

type ReadRequest = FastifyRequest;

/** Waits for a read's result, records it with its row count, and hands it on. */
export async function recordedRead<T>(
  db: Db,
  request: ReadRequest,
  kind: ReadKind,
  scope: { appIds: readonly string[] },
  query: Record<string, unknown>,
  result: Promise<T>,
  rows: (value: T) => number,
): Promise<T> {
  const value = await result;
  await recordRead(db, actorOf(request.auth, request), {
    kind,
    appIds: scope.appIds,
    query,
    rows: rows(value),
  });
  return value;
}

/** A tail socket's subscriptions, each recorded as it is made (rows stream on: null). */
export function auditTail(
  db: Db,
  request: ReadRequest,
): (apps: readonly { id: string }[], q: string) => Promise<void> {
  const actor = actorOf(request.auth, request);
  return (apps, q) =>
    recordRead(db, actor, {
      kind: 'tail',
      appIds: apps.map((a) => a.id),
      query: { q },
      rows: null,
    });
}

/**
 * Counts the rows an export hands out and records the export when its stream ends (complete,
 * failed, or cut by the client). CSV rows may hold quoted newlines, so only newlines outside
 * quotes count; the CSV header and a failure line are not rows.
 */
export function auditedExport(
  db: Db,
  request: ReadRequest,
  scope: { appIds: readonly string[] },
  query: { format: 'ndjson' | 'csv' } & Record<string, unknown>,
  run: ExportRun,
  onError: (error: unknown) => void,
): ExportRun {
  const actor = actorOf(request.auth, request);
  const csv = query.format === 'csv';
  let lines = 0;
  let quoted = false;
  let threw = false;
  const count = (chunk: Uint8Array): void => {
    if (!csv) {
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines += 1;
      return;
    }
    for (const byte of chunk) {
      if (byte === 0x22) quoted = !quoted;
      else if (byte === 0x0a && !quoted) lines += 1;
    }
  };
  async function* counted(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of run.bytes) {
        count(chunk);
        yield chunk;
      }
    } catch (error) {
      threw = true;
      throw error;
    } finally {
      const status = threw ? 'failed' : run.status() === 'running' ? 'cut' : run.status();
      const rows = Math.max(0, lines - (csv ? 1 : 0) - (run.status() === 'failed' ? 1 : 0));
      void recordRead(db, actor, {
        kind: 'export',
        appIds: scope.appIds,
        query,
        rows,
        status,
      }).catch(onError);
    }
  }
  return { bytes: counted(), status: run.status };
}
