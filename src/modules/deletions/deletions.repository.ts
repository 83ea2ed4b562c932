// Deletion requests in Postgres: the job state, so a request survives restarts and any scheduler
// instance can carry it on. Every tenant read takes the org scope first.
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import '../retention/lifecycle-tables.ts';
import type { DeletionRequestsTable } from '../retention/lifecycle-tables.ts';

export type DeletionRequest = Selectable<DeletionRequestsTable>;

export interface NewDeletion {
  appId: string | null;
  kind: 'query' | 'user';
  q: string | null;
  userId: string | null;
  rangeFrom: string | null;
  rangeTo: string | null;
  requestedBy: string | null;
  requestedLabel: string;
}

export function createDeletionsRepository(db: Db) {
  return {
    async create(scope: OrgScope, input: NewDeletion): Promise<DeletionRequest> {
      return db
        .insertInto('deletion_requests')
        .values({
          org_id: scope.orgId,
          app_id: input.appId,
          kind: input.kind,
          q: input.q,
          user_id: input.userId,
          range_from: input.rangeFrom,
          range_to: input.rangeTo,
          requested_by: input.requestedBy,
          requested_label: input.requestedLabel,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async countOpen(scope: OrgScope): Promise<number> {
      const row = await db
        .selectFrom('deletion_requests')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('org_id', '=', scope.orgId)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** One request of the org (and of the app, when given); undefined for anything else. */
    async find(scope: OrgScope, id: string, appId?: string): Promise<DeletionRequest | undefined> {
      let query = db
        .selectFrom('deletion_requests')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id);
      if (appId !== undefined) query = query.where('app_id', '=', appId);
      return query.executeTakeFirst();
    },

    /** Newest first; `before` is the created_at/id of the last row of the previous page. */
    async list(
      scope: OrgScope,
      options: { appId?: string; limit: number; before?: { createdAt: Date; id: string } },
    ): Promise<DeletionRequest[]> {
      let query = db.selectFrom('deletion_requests').selectAll().where('org_id', '=', scope.orgId);
      if (options.appId !== undefined) query = query.where('app_id', '=', options.appId);
      if (options.before) {
        const { createdAt, id } = options.before;
        query = query.where(sql<boolean>`(created_at, id) < (${createdAt}, ${id}::uuid)`);
      }
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .execute();
    },

    /**
     * Takes up to `limit` queued requests for this run. SKIP LOCKED: two scheduler instances never
     * take the same one. as_of is set on the first claim only and then stays.
     */
    async claimQueued(now: Date, limit: number): Promise<DeletionRequest[]> {
      return db
        .updateTable('deletion_requests')
        .set({
          status: 'running',
          claimed_at: now,
          as_of: sql`coalesce(as_of, ${now})`,
          attempts: sql`attempts + 1`,
        })
        .where(
          'id',
          'in',
          db
            .selectFrom('deletion_requests')
            .select('id')
            .where('status', '=', 'queued')
            .orderBy('created_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
    },

    async running(): Promise<DeletionRequest[]> {
      return db
        .selectFrom('deletion_requests')
        .selectAll()
        .where('status', '=', 'running')
        .orderBy('created_at')
        .execute();
    },

    async update(
      id: string,
      changes: Partial<
        Pick<
          DeletionRequest,
          | 'status'
          | 'rows_matched'
          | 'rows_remaining'
          | 'bytes_matched'
          | 'error'
          | 'claimed_at'
          | 'finished_at'
        >
      > & { attempts?: number },
    ): Promise<void> {
      await db.updateTable('deletion_requests').set(changes).where('id', '=', id).execute();
    },
  };
}

export type DeletionsRepository = ReturnType<typeof createDeletionsRepository>;
