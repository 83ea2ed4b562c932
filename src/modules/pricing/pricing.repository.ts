// Per-org pricing in Postgres. Scope first; one row per org.
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { fromMicros, toMicros } from './money.ts';
import { FREE_PRICING, PRICED, type Pricing } from './cost.service.ts';

/** numeric comes back with trailing zeros ('0.1250000000'): the shortest exact text instead. */
const tidy = (value: string | number): string => fromMicros(toMicros(String(value)));

export function createPricingRepository(db: Db) {
  return {
    /** The org's pricing, or null when none was set (then usage is free: FREE_PRICING). */
    async find(scope: OrgScope): Promise<(Pricing & { updated_at: Date }) | null> {
      const row = await db
        .selectFrom('org_pricing')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .executeTakeFirst();
      if (!row) return null;
      const overrides: Pricing['app_overrides'] = {};
      for (const [appId, rates] of Object.entries(row.app_overrides)) {
        overrides[appId] = Object.fromEntries(
          PRICED.filter((r) => rates[r] !== undefined).map((r) => [r, tidy(rates[r] as string)]),
        );
      }
      return {
        currency: row.currency,
        per_gb_ingested: tidy(row.per_gb_ingested),
        per_gb_month_stored: tidy(row.per_gb_month_stored),
        per_million_records: tidy(row.per_million_records),
        base_fee: tidy(row.base_fee),
        app_overrides: overrides,
        updated_at: row.updated_at,
      };
    },

    async effective(scope: OrgScope): Promise<Pricing> {
      return (await this.find(scope)) ?? FREE_PRICING;
    },

    async put(scope: OrgScope, pricing: Pricing, userId: string | null): Promise<void> {
      const values = {
        currency: pricing.currency,
        per_gb_ingested: pricing.per_gb_ingested,
        per_gb_month_stored: pricing.per_gb_month_stored,
        per_million_records: pricing.per_million_records,
        base_fee: pricing.base_fee,
        app_overrides: JSON.stringify(pricing.app_overrides),
        updated_by: userId,
        updated_at: new Date(),
      };
      await db
        .insertInto('org_pricing')
        .values({ org_id: scope.orgId, ...values })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
        .execute();
    },
  };
}
