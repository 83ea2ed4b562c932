// HTTP of /v1/orgs/:org/redaction-rules (every app of the org) and /v1/apps/:app/redaction-rules
// (user context). Members read the rules; admins change them and run previews.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import { requireAppRole, requireOrgRole } from '../auth/authorize.ts';
import type { MembershipRole } from '../auth/roles.ts';
import type { RuleScope } from './redaction.repository.ts';
import {
  AppParams,
  AppRuleParams,
  CreateRedactionRuleBody,
  OrgParams,
  OrgRuleParams,
  PreviewBody,
  PreviewResult,
  RedactionRule,
  UpdateRedactionRuleBody,
} from './redaction.schemas.ts';
import { createRedactionService } from './redaction.service.ts';

const TAGS = ['redaction'];
const One = Type.Object({ rule: RedactionRule });
const Many = Type.Object({ rules: Type.Array(RedactionRule) });

type Resolve = (request: FastifyRequest, minimum: MembershipRole) => Promise<RuleScope>;

export async function redactionRoutes(app: FastifyInstance): Promise<void> {
  const service = createRedactionService({
    db: app.db,
    clickhouse: app.clickhouse,
    config: app.config,
    onChange: () => app.ingest?.redactionRules.clear(),
  });

  const orgScope: Resolve = async (request, minimum) => {
    const { org } = request.params as { org: string };
    return { orgId: (await requireOrgRole(app.db, request.auth, org, minimum)).orgId, appId: null };
  };
  const appScope: Resolve = async (request, minimum) => {
    const { app: ref } = request.params as { app: string };
    const found = await requireAppRole(app.db, request.auth, ref, minimum);
    return { orgId: found.org.orgId, appId: found.app.id };
  };

  /** The same five routes under both prefixes. */
  function crud(prefix: string, params: TSchema, ruleParams: TSchema, scopeOf: Resolve): void {
    const what = prefix.startsWith('/v1/orgs') ? 'every app of the org' : 'this app';
    app.get(
      prefix,
      {
        schema: {
          tags: TAGS,
          summary: `Redaction rules applied at ingest to ${what}`,
          params,
          response: { 200: Many, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => ({ rules: await service.list(await scopeOf(request, 'member')) }),
    );
    app.post<{ Body: Static<typeof CreateRedactionRuleBody> }>(
      prefix,
      {
        schema: {
          tags: TAGS,
          summary: `Add a redaction rule for ${what} (admins)`,
          params,
          body: CreateRedactionRuleBody,
          response: { 201: One, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const scope = await scopeOf(request, 'admin');
        const rule = await service.create(actorOf(request.auth, request), scope, request.body);
        return reply.status(201).send({ rule });
      },
    );
    app.get<{ Params: { id: string } }>(
      `${prefix}/:id`,
      {
        schema: {
          tags: TAGS,
          params: ruleParams,
          response: { 200: One, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => ({
        rule: await service.get(await scopeOf(request, 'member'), request.params.id),
      }),
    );
    app.patch<{ Params: { id: string }; Body: Static<typeof UpdateRedactionRuleBody> }>(
      `${prefix}/:id`,
      {
        schema: {
          tags: TAGS,
          summary: 'Change a redaction rule (admins)',
          params: ruleParams,
          body: UpdateRedactionRuleBody,
          response: { 200: One, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const scope = await scopeOf(request, 'admin');
        const actor = actorOf(request.auth, request);
        return { rule: await service.update(actor, scope, request.params.id, request.body) };
      },
    );
    app.delete<{ Params: { id: string } }>(
      `${prefix}/:id`,
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a redaction rule (admins)',
          params: ruleParams,
          response: { 200: One, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const scope = await scopeOf(request, 'admin');
        const actor = actorOf(request.auth, request);
        return { rule: await service.remove(actor, scope, request.params.id) };
      },
    );
  }

  crud('/v1/orgs/:org/redaction-rules', OrgParams, OrgRuleParams, orgScope);
  crud('/v1/apps/:app/redaction-rules', AppParams, AppRuleParams, appScope);

  app.post<{ Body: Static<typeof PreviewBody> }>(
    '/v1/apps/:app/redaction-rules/preview',
    {
      schema: {
        tags: TAGS,
        summary: "Run a draft rule over the app's newest records: what it would change (admins)",
        params: AppParams,
        body: PreviewBody,
        response: { 200: PreviewResult, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await appScope(request, 'admin');
      return service.preview(
        scope.orgId,
        scope.appId as string,
        request.body.rule,
        request.body.limit,
      );
    },
  );
}
