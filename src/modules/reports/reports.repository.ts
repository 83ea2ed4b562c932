// Postgres side of the monthly report: stored reports (kept for all time), and the org facts a
// report reads (apps with their names, sign-ins, alerts fired). Scope first.
import { sql } from 'kysely';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';

export interface StoredReport {
  id: string;
  org_id: string;
  month: string;
  partial: boolean;
  content: unknown;
  generated_at: Date;
  delivered_at: Date | null;
}

export interface NewReport {
  month: string;
  partial: boolean;
  content: unknown;
  csv: string;
  pdf: Buffer;
  generatedAt: Date;
}

const LISTED = [
  'id',
  'org_id',
  'month',
  'partial',
  'content',
  'generated_at',
  'delivered_at',
] as const;

export function createReportsRepository(db: Db) {
  return {
    async find(scope: OrgScope, month: string): Promise<StoredReport | undefined> {
      return db
        .selectFrom('reports')
        .select(LISTED)
        .where('org_id', '=', scope.orgId)
        .where('month', '=', month)
        .executeTakeFirst();
    },

    async file(scope: OrgScope, month: string, kind: 'csv' | 'pdf') {
      const row = await db
        .selectFrom('reports')
        .select([kind])
        .where('org_id', '=', scope.orgId)
        .where('month', '=', month)
        .executeTakeFirst();
      return row ? (row as Record<typeof kind, string | Buffer>)[kind] : undefined;
    },

    async list(scope: OrgScope): Promise<Omit<StoredReport, 'content'>[]> {
      return db
        .selectFrom('reports')
        .select(['id', 'org_id', 'month', 'partial', 'generated_at', 'delivered_at'])
        .where('org_id', '=', scope.orgId)
        .orderBy('month', 'desc')
        .execute();
    },

    /**
     * Stores a report unless a final one for that month exists: a final report never changes
     * (reruns answer with it), a month-to-date one is replaced. Undefined when a final one won.
     */
    async save(scope: OrgScope, report: NewReport): Promise<StoredReport | undefined> {
      const values = {
        partial: report.partial,
        content: JSON.stringify(report.content),
        csv: report.csv,
        pdf: report.pdf,
        generated_at: report.generatedAt,
      };
      return db
        .insertInto('reports')
        .values({ org_id: scope.orgId, month: report.month, ...values })
        .onConflict((oc) =>
          oc.columns(['org_id', 'month']).doUpdateSet(values).where('reports.partial', '=', true),
        )
        .returning(LISTED)
        .executeTakeFirst();
    },

    /** True for exactly one caller per final report: whoever delivers it. */
    async claimDelivery(reportId: string): Promise<boolean> {
      const row = await db
        .updateTable('reports')
        .set({ delivery_claimed_at: new Date() })
        .where('id', '=', reportId)
        .where('partial', '=', false)
        .where('delivery_claimed_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async markDelivered(reportId: string, error: string | null): Promise<void> {
      await db
        .updateTable('reports')
        .set(
          error === null
            ? { delivered_at: new Date(), delivery_error: null }
            : { delivery_error: error },
        )
        .where('id', '=', reportId)
        .execute();
    },

    /** Every app the org had, deleted ones too (their usage stays on the bill). */
    async appNames(scope: OrgScope): Promise<Map<string, string>> {
      const rows = await db
        .selectFrom('apps')
        .select(['id', 'name'])
        .where('org_id', '=', scope.orgId)
        .execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    /** Members of the org who signed in (session created) in [from, to), from the audit log. */
    async signedInUsers(scope: OrgScope, from: Date, to: Date): Promise<number> {
      const row = await db
        .selectFrom('audit_log')
        .innerJoin('memberships', 'memberships.user_id', 'audit_log.actor_user_id')
        .select(sql<string>`count(DISTINCT audit_log.actor_user_id)`.as('n'))
        .where('memberships.org_id', '=', scope.orgId)
        .where('audit_log.action', '=', 'session.create')
        .where('audit_log.at', '>=', from)
        .where('audit_log.at', '<', to)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** Alert rules that started firing in [from, to); 0 before the alerts module's table exists. */
    async alertsFired(scope: OrgScope, from: Date, to: Date): Promise<number> {
      const exists = await sql<{
        t: string | null;
      }>`SELECT to_regclass('alert_events')::text AS t`.execute(db);
      if (!exists.rows[0]?.t) return 0;
      const result = await sql<{ n: string }>`
        SELECT count(*) AS n FROM alert_events
        WHERE org_id = ${scope.orgId} AND to_state = 'firing' AND at >= ${from} AND at < ${to}`.execute(
        db,
      );
      return Number(result.rows[0]?.n ?? 0);
    },
  };
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>;
