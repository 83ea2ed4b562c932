// HTTP of pricing: platform admins set an org's prices, org admins read them.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../../infra/errors.ts';
import { createAppsRepository } from '../apps/apps.repository.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireOrgRole, requirePlatformAdmin } from '../auth/authorize.ts';
import { FREE_PRICING, PRICED, type Pricing } from './cost.service.ts';
import { fromMicros, isCurrency, minorDigits, toMicros } from './money.ts';
import { createPricingRepository } from './pricing.repository.ts';
import { PricingParams, PricingResponse, PutPricingBody } from './pricing.schemas.ts';

const TAGS = ['usage'];

const price = (v: string | number): string => fromMicros(toMicros(v));

export async function pricingRoutes(app: FastifyInstance): Promise<void> {
  const repo = createPricingRepository(app.db);

  async function answer(orgId: string) {
    const found = await repo.find({ orgId });
    const pricing = found ?? { ...FREE_PRICING, updated_at: null };
    return { pricing: { ...pricing, minor_digits: minorDigits(pricing.currency) } };
  }

  app.get<{ Params: Static<typeof PricingParams> }>(
    '/v1/orgs/:org/pricing',
    {
      schema: {
        tags: TAGS,
        summary: "The org's prices (org admins); free until a platform admin sets them",
        params: PricingParams,
        response: { 200: PricingResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'admin');
      return answer(scope.orgId);
    },
  );

  app.put<{ Params: Static<typeof PricingParams>; Body: Static<typeof PutPricingBody> }>(
    '/v1/orgs/:org/pricing',
    {
      schema: {
        tags: TAGS,
        summary: "Set the org's prices (platform admins)",
        params: PricingParams,
        body: PutPricingBody,
        response: { 200: PricingResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      requirePlatformAdmin(request.auth);
      const scope = await requireOrgRole(app.db, request.auth, request.params.org, 'owner');
      const body = request.body;
      if (!isCurrency(body.currency)) {
        throw new BadRequestError(
          'invalid_currency',
          `${body.currency} is not an ISO 4217 currency`,
        );
      }
      const overrides = body.app_overrides ?? {};
      const apps = new Set((await createAppsRepository(app.db).list(scope)).map((a) => a.id));
      const foreign = Object.keys(overrides).filter((id) => !apps.has(id.toLowerCase()));
      if (foreign.length > 0) {
        throw new BadRequestError(
          'unknown_app',
          'app_overrides names apps this org does not have',
          {
            apps: foreign,
          },
        );
      }
      let pricing: Pricing;
      try {
        pricing = {
          currency: body.currency,
          per_gb_ingested: price(body.per_gb_ingested),
          per_gb_month_stored: price(body.per_gb_month_stored),
          per_million_records: price(body.per_million_records),
          base_fee: price(body.base_fee),
          app_overrides: Object.fromEntries(
            Object.entries(overrides).map(([id, rates]) => [
              id.toLowerCase(),
              Object.fromEntries(
                PRICED.filter((r) => rates[r] !== undefined).map((r) => [
                  r,
                  price(rates[r] as string),
                ]),
              ),
            ]),
          ),
        };
      } catch {
        throw new BadRequestError(
          'invalid_price',
          'prices take at most 6 decimals and are not negative',
        );
      }
      const before = await repo.find(scope);
      await repo.put(scope, pricing, request.auth.user.id);
      await appendAudit(app.db, actorOf(request.auth, request), {
        orgId: scope.orgId,
        action: 'pricing.update',
        targetType: 'org',
        targetId: scope.orgId,
        before,
        after: pricing,
      });
      return answer(scope.orgId);
    },
  );
}
