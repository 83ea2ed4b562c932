// Shared by the alert tests: an app without the scheduler role (tests step evaluation with their
// own clock), a tenant with a webhook channel to a real receiver, rules created through the API,
// and log rows written straight into ClickHouse at chosen times.
import type { FastifyInstance } from 'fastify';
import { evaluateRule } from '../../../src/modules/alerts/alert-evaluator.ts';
import { buildTestApp, type TestContext } from '../../helpers/app.ts';
import type { Teardown } from '../../helpers/services.ts';
import { call, makeTenant } from '../auth/auth-fixtures.ts';
import { insertRows, makeRow, NS_PER_MS } from '../search/search-fixtures.ts';
import { startHttpReceiver, type HttpReceiver } from '../notifications/receivers.ts';

export const FAST_DELIVERY = {
  NOTIFY_DELIVERY_BACKOFF_MS: '50',
  NOTIFY_DELIVERY_MAX_BACKOFF_MS: '200',
  NOTIFY_DELIVERY_MAX_ATTEMPTS: '50',
};

export async function alertsTestApp(t: Teardown, env: Record<string, string> = {}) {
  return buildTestApp(t, {
    env: {
      MYLOG_ROLES: 'api,ingest,worker',
      ALERTS_INGEST_LAG_MS: '1000',
      ...FAST_DELIVERY,
      ...env,
    },
  });
}

export type Tenant = Awaited<ReturnType<typeof makeTenant>>;

export async function tenantWithHook(t: Teardown, ctx: TestContext, slug: string) {
  const tenant = await makeTenant(ctx.db, ctx.config, slug);
  const hook: HttpReceiver = await startHttpReceiver();
  t.teardown(() => hook.close());
  const res = await call(ctx.app, tenant.tokens.admin, 'POST', '/v1/notification-channels', {
    org: slug,
    name: `${slug} hook`,
    type: 'webhook',
    config: { url: hook.url, secret: `${slug}-secret-0123456789` },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return { tenant, hook, channelId: res.json().channel.id as string };
}

export async function createRule(
  app: FastifyInstance,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string } & Record<string, unknown>> {
  const res = await call(app, token, 'POST', '/v1/alerts', body);
  if (res.statusCode !== 201) throw new Error(`create rule: ${res.statusCode} ${res.body}`);
  return res.json().alert;
}

/** Log rows for an app at `atMs` (epoch ms), e.g. errors of one host. */
export async function logsAt(
  ctx: TestContext,
  tenant: Tenant,
  atMs: number,
  count: number,
  spec: { level?: string; service?: string; host?: string; message?: string } = {},
): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) =>
    makeRow(
      { orgId: tenant.org.id, appId: tenant.app.id },
      { tsNs: BigInt(atMs) * NS_PER_MS + BigInt(i), level: 'error', service: 'checkout', ...spec },
    ),
  );
  await insertRows(ctx.clickhouse, rows);
}

/** Evaluates a rule as the scheduler would at `nowMs`. */
export function evaluateAt(ctx: TestContext, ruleId: string, nowMs: number) {
  return evaluateRule(ctx.app.alerts.evaluator, ruleId, { nowMs });
}

/** The webhook bodies received so far, parsed. */
export function bodies(
  hook: HttpReceiver,
): { state: string; event_id: string; group: Record<string, string>; value: number | null }[] {
  return hook.received.map((r) => JSON.parse(r.body));
}

export const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));
