// Tenant isolation of alerts: org B (every role) gets 404 on org A's rules, history and silences
// and changes nothing; B cannot attach A's channels or apps to its rules, cannot silence A's
// rules; A's evaluations deliver only to A's channels. Viewers read, members create.
import t from 'tap';
import { call } from '../auth/auth-fixtures.ts';
import {
  alertsTestApp,
  bodies,
  createRule,
  evaluateAt,
  logsAt,
  settle,
  tenantWithHook,
} from './alerts-fixtures.ts';

t.test('alerts isolation and roles', async (t) => {
  const ctx = await alertsTestApp(t);
  const { app } = ctx;
  const A = await tenantWithHook(t, ctx, 'acme');
  const B = await tenantWithHook(t, ctx, 'globex');
  const rule = await createRule(app, A.tenant.tokens.member, {
    org: 'acme',
    name: 'acme errors',
    condition: { op: '>', threshold: 0 },
    every: '10s',
    window: '1m',
    channels: [A.channelId],
  });

  t.test('roles: viewers read and cannot create; bad input is a clear 400', async (t) => {
    const refused = await call(app, A.tenant.tokens.viewer, 'POST', '/v1/alerts', {
      org: 'acme',
      name: 'x',
      condition: { op: '>', threshold: 1 },
    });
    t.equal(refused.statusCode, 403);
    t.equal(
      (await call(app, A.tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}`)).statusCode,
      200,
    );
    const cases: [object, string][] = [
      [{ q: 'level:(error' }, 'invalid_query'],
      [{ every: '1s' }, 'invalid_every'],
      [{ window: 'soon' }, 'invalid_duration'],
      [{ measure: { op: 'avg' } }, 'invalid_measure'],
      [{ group_by: ['host', 'host'] }, 'invalid_group_by'],
    ];
    for (const [extra, code] of cases) {
      const res = await call(app, A.tenant.tokens.member, 'POST', '/v1/alerts', {
        org: 'acme',
        name: 'bad',
        condition: { op: '>', threshold: 1 },
        ...extra,
      });
      t.equal(res.statusCode, 400, JSON.stringify(extra));
      t.equal(res.json().error.code, code);
    }
    const created = await call(app, A.tenant.tokens.member, 'POST', '/v1/alerts', {
      org: 'acme',
      name: 'audited',
      condition: { op: '>', threshold: 1 },
    });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', created.json().alert.id)
      .execute();
    t.same(
      audit.map((a) => a.action),
      ['alert.create'],
      'creation is audited',
    );
  });

  t.test('org B gets 404 on org A ids and changes nothing', async (t) => {
    for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
      const token = B.tenant.tokens[role];
      t.equal((await call(app, token, 'GET', `/v1/alerts/${rule.id}`)).statusCode, 404, role);
      t.equal((await call(app, token, 'GET', `/v1/alerts/${rule.id}/events`)).statusCode, 404);
      t.equal(
        (await call(app, token, 'PATCH', `/v1/alerts/${rule.id}`, { enabled: false })).statusCode,
        404,
      );
      t.equal((await call(app, token, 'DELETE', `/v1/alerts/${rule.id}`)).statusCode, 404);
      t.equal((await call(app, token, 'GET', '/v1/alerts?org=acme')).statusCode, 404);
      t.equal((await call(app, token, 'GET', '/v1/alert-silences?org=acme')).statusCode, 404);
      t.same(
        (await call(app, token, 'GET', '/v1/alerts')).json().alerts,
        [],
        `${role} lists none of A's`,
      );
    }
    const silence = await call(app, B.tenant.tokens.owner, 'POST', '/v1/alert-silences', {
      org: 'globex',
      rule_id: rule.id,
      ends_at: new Date(Date.now() + 3600_000).toISOString(),
    });
    t.equal(silence.statusCode, 404, "B cannot silence A's rule");
    const foreignChannel = await call(app, B.tenant.tokens.owner, 'POST', '/v1/alerts', {
      org: 'globex',
      name: 'steal',
      condition: { op: '>', threshold: 0 },
      channels: [A.channelId],
    });
    t.equal(foreignChannel.statusCode, 400, "B cannot send to A's channel");
    const foreignApp = await call(app, B.tenant.tokens.owner, 'POST', '/v1/alerts', {
      org: 'globex',
      name: 'peek',
      apps: [A.tenant.app.id],
      condition: { op: '>', threshold: 0 },
    });
    t.equal(foreignApp.statusCode, 404, "B cannot read A's app");
    const still = await call(app, A.tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}`);
    t.equal(still.json().alert.enabled, true);
  });

  t.test("A's logs trigger only A's rule and reach only A's receiver", async (t) => {
    const bRule = await createRule(app, B.tenant.tokens.member, {
      org: 'globex',
      name: 'globex errors',
      condition: { op: '>', threshold: 0 },
      every: '10s',
      window: '1m',
      no_data: 'ok',
      channels: [B.channelId],
    });
    const now = Math.floor(Date.now() / 10_000) * 10_000;
    await logsAt(ctx, A.tenant, now - 20_000, 3);
    await evaluateAt(ctx, rule.id, now);
    await evaluateAt(ctx, bRule.id, now);
    await A.hook.waitFor(1);
    await settle(800);
    t.same(
      bodies(A.hook).map((b) => b.state),
      ['firing'],
    );
    t.equal(B.hook.received.length, 0, "B's receiver got nothing");
    const bState = (
      await call(app, B.tenant.tokens.viewer, 'GET', `/v1/alerts/${bRule.id}`)
    ).json();
    t.equal(bState.alert.state, 'ok', "A's logs do not count for B");
  });
});
