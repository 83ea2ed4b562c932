// Legal holds: an app or a whole org whose logs nothing may delete (retention cleanup, deletion
// requests) until a platform admin releases it. Released holds stay as history.
import type { Selectable } from 'kysely';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import './lifecycle-tables.ts';
import type { LegalHoldsTable } from './lifecycle-tables.ts';

export type LegalHold = Selectable<LegalHoldsTable>;

/** The target of a hold: an app of the org, or the org itself (appId null). */
export interface HoldTarget extends OrgScope {
  appId: string | null;
}

export function createLegalHoldsRepository(db: Db) {
  const active = () => db.selectFrom('legal_holds').selectAll().where('released_at', 'is', null);
  return {
    async findActive(target: HoldTarget): Promise<LegalHold | undefined> {
      return active()
        .where('org_id', '=', target.orgId)
        .where('app_id', target.appId === null ? 'is' : '=', target.appId)
        .executeTakeFirst();
    },
    /** The hold that covers an app: its own, or its org's. */
    async coveringApp(scope: OrgScope, appId: string): Promise<LegalHold | undefined> {
      return active()
        .where('org_id', '=', scope.orgId)
        .where((eb) => eb.or([eb('app_id', 'is', null), eb('app_id', '=', appId)]))
        .orderBy('placed_at')
        .executeTakeFirst();
    },
    /** Every active hold of an org (the org's own and its apps'). */
    async activeInOrg(scope: OrgScope): Promise<LegalHold[]> {
      return active().where('org_id', '=', scope.orgId).orderBy('placed_at').execute();
    },
    /** Platform-wide: what the retention cleanup must leave alone. */
    async allActive(): Promise<LegalHold[]> {
      return active().orderBy('placed_at').execute();
    },
    async place(target: HoldTarget, reason: string, byLabel: string): Promise<LegalHold> {
      return db
        .insertInto('legal_holds')
        .values({
          org_id: target.orgId,
          app_id: target.appId,
          reason,
          placed_by_label: byLabel,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async release(hold: LegalHold, byLabel: string, at: Date): Promise<LegalHold> {
      return db
        .updateTable('legal_holds')
        .set({ released_at: at, released_by_label: byLabel })
        .where('id', '=', hold.id)
        .where('released_at', 'is', null)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type LegalHoldsRepository = ReturnType<typeof createLegalHoldsRepository>;
