// Alert evaluation on real Postgres, ClickHouse and Redis with a stepped clock, delivering to real
// webhook receivers: firing and resolving (one notification per transition per channel, a
// re-run period changes nothing), for, no_data, renotify, group-by instances, flapping,
// silences, mutes, disabled rules, history, and creator rights re-checked at evaluation.
import t from 'tap';
import { call } from '../auth/auth-fixtures.ts';
import { createMembershipsRepository } from '../../../src/modules/members/memberships.repository.ts';
import {
  alertsTestApp,
  bodies,
  createRule,
  evaluateAt,
  logsAt,
  settle,
  tenantWithHook,
} from './alerts-fixtures.ts';

const EVERY = 10_000;

t.test('alert evaluation', async (t) => {
  const ctx = await alertsTestApp(t);
  const { app } = ctx;
  // Period starts, aligned like the scheduler's, well in the past so no row is "in the future".
  const base = Math.floor((Date.now() - 30 * 60_000) / EVERY) * EVERY;
  const at = (n: number) => base + n * EVERY;

  t.test('fires on matching logs, resolves when they stop, once per transition', async (t) => {
    const { tenant, hook, channelId } = await tenantWithHook(t, ctx, 'fire');
    const rule = await createRule(app, tenant.tokens.member, {
      org: 'fire',
      name: 'checkout errors',
      q: 'service:checkout level:error',
      measure: { op: 'count' },
      condition: { op: '>', threshold: 2 },
      window: '20s',
      every: '10s',
      no_data: 'ok',
      channels: [channelId],
    });
    t.match(await evaluateAt(ctx, rule.id, at(1)), { outcome: 'evaluated', notifications: 0 });
    await logsAt(ctx, tenant, at(1) + 2_000, 5);
    await logsAt(ctx, tenant, at(1) + 2_000, 5, { service: 'other' });
    t.match(await evaluateAt(ctx, rule.id, at(2)), { outcome: 'evaluated', notifications: 1 });
    t.match(
      await evaluateAt(ctx, rule.id, at(2) + 500),
      { outcome: 'skipped' },
      'a period runs once',
    );
    t.match(await evaluateAt(ctx, rule.id, at(3)), { notifications: 0 }, 'still firing: quiet');
    t.match(await evaluateAt(ctx, rule.id, at(4)), { notifications: 1 }, 'logs stopped: resolved');
    await hook.waitFor(2);
    await settle();
    t.same(
      bodies(hook).map((b) => [b.state, b.value]),
      [
        ['firing', 5],
        ['resolved', null],
      ],
    );
    const events = await call(app, tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}/events`);
    t.same(
      events.json().events.map((e: { from: string; to: string }) => `${e.from}>${e.to}`),
      ['firing>ok', 'ok>firing'],
    );
    const shown = await call(app, tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}`);
    t.equal(shown.json().alert.state, 'ok');
  });

  t.test('for, no_data and renotify', async (t) => {
    const { tenant, hook, channelId } = await tenantWithHook(t, ctx, 'forr');
    const rule = await createRule(app, tenant.tokens.member, {
      org: 'forr',
      name: 'sustained',
      q: 'level:error',
      condition: { op: '>=', threshold: 1 },
      window: '10s',
      every: '10s',
      for: '20s',
      no_data: 'no_data',
      renotify: '30s',
      channels: [channelId],
    });
    for (let n = 10; n < 17; n++) await logsAt(ctx, tenant, at(n) - 5_000, 2);
    const states = [];
    for (let n = 10; n <= 18; n++) {
      await evaluateAt(ctx, rule.id, at(n));
      const res = await call(app, tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}`);
      states.push(res.json().alert.state);
    }
    t.same(states, [
      'pending',
      'pending',
      'firing',
      'firing',
      'firing',
      'firing',
      'firing',
      'no_data',
      'no_data',
    ]);
    await hook.waitFor(3);
    await settle();
    t.same(
      bodies(hook).map((b) => b.state),
      ['firing', 'firing', 'no_data'],
      'renotified once after 30 s, then no data',
    );
  });

  t.test('group-by: one instance per group, each notified on its own', async (t) => {
    const { tenant, hook, channelId } = await tenantWithHook(t, ctx, 'grp');
    const rule = await createRule(app, tenant.tokens.member, {
      org: 'grp',
      name: 'per host',
      q: 'level:error',
      group_by: ['host'],
      condition: { op: '>', threshold: 3 },
      window: '10s',
      every: '10s',
      no_data: 'ok',
      channels: [channelId],
    });
    await logsAt(ctx, tenant, at(20) - 5_000, 5, { host: 'web-1' });
    await logsAt(ctx, tenant, at(20) - 5_000, 2, { host: 'web-2' });
    await evaluateAt(ctx, rule.id, at(20));
    await logsAt(ctx, tenant, at(21) - 5_000, 9, { host: 'web-2' });
    await evaluateAt(ctx, rule.id, at(21));
    const shown = (await call(app, tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}`)).json()
      .alert;
    const byHost = Object.fromEntries(
      shown.instances.map((i: { group: { host: string }; state: string }) => [
        i.group.host,
        i.state,
      ]),
    );
    t.same(byHost, { 'web-1': 'ok', 'web-2': 'firing' });
    await hook.waitFor(3);
    await settle();
    t.same(
      bodies(hook)
        .map((b) => `${b.group.host}:${b.state}`)
        .sort(),
      ['web-1:firing', 'web-1:resolved', 'web-2:firing'],
    );
  });

  t.test('flapping is notified once, then the instance stays quiet', async (t) => {
    const { tenant, hook, channelId } = await tenantWithHook(t, ctx, 'flap');
    const rule = await createRule(app, tenant.tokens.member, {
      org: 'flap',
      name: 'flappy',
      condition: { op: '>', threshold: 0 },
      window: '10s',
      every: '10s',
      no_data: 'ok',
      channels: [channelId],
    });
    for (let n = 30; n < 40; n++) {
      if (n % 2 === 0) await logsAt(ctx, tenant, at(n) - 5_000, 1);
      await evaluateAt(ctx, rule.id, at(n));
    }
    await hook.waitFor(5);
    await settle();
    t.same(
      bodies(hook).map((b) => b.state),
      ['firing', 'resolved', 'firing', 'resolved', 'flapping'],
    );
    const shown = (await call(app, tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}`)).json()
      .alert;
    t.equal(shown.instances[0].flapping, true);
  });

  t.test('silences and mutes hold notifications back; history records them', async (t) => {
    const { tenant, hook, channelId } = await tenantWithHook(t, ctx, 'quiet');
    const rule = await createRule(app, tenant.tokens.member, {
      org: 'quiet',
      name: 'silenced',
      group_by: ['host'],
      condition: { op: '>', threshold: 0 },
      window: '10s',
      every: '10s',
      no_data: 'ok',
      channels: [channelId],
    });
    const silence = await call(app, tenant.tokens.member, 'POST', '/v1/alert-silences', {
      org: 'quiet',
      rule_id: rule.id,
      matcher: { host: 'web-1' },
      starts_at: new Date(at(40)).toISOString(),
      ends_at: new Date(at(42)).toISOString(),
      comment: 'deploy',
    });
    t.equal(silence.statusCode, 201, silence.body);
    await logsAt(ctx, tenant, at(41) - 5_000, 1, { host: 'web-1' });
    await logsAt(ctx, tenant, at(41) - 5_000, 1, { host: 'web-2' });
    await evaluateAt(ctx, rule.id, at(41));
    await hook.waitFor(1);
    await settle();
    t.same(
      bodies(hook).map((b) => `${b.group.host}:${b.state}`),
      ['web-2:firing'],
      'web-1 silenced',
    );
    const events = (
      await call(app, tenant.tokens.viewer, `GET`, `/v1/alerts/${rule.id}/events`)
    ).json().events;
    t.ok(
      events.some(
        (e: { notification: string; silenced_by: string }) =>
          e.notification === 'suppressed' && e.silenced_by === silence.json().silence.id,
      ),
    );
    await logsAt(ctx, tenant, at(42) - 5_000, 1, { host: 'web-1' });
    await logsAt(ctx, tenant, at(42) - 5_000, 1, { host: 'web-2' });
    await evaluateAt(ctx, rule.id, at(42));
    await hook.waitFor(2);
    await settle();
    t.same(
      bodies(hook)
        .map((b) => `${b.group.host}:${b.state}`)
        .slice(1),
      ['web-1:firing'],
      'told after the silence',
    );
    // Muted: the whole rule is quiet until muted_until.
    const muted = await call(app, tenant.tokens.member, 'PATCH', `/v1/alerts/${rule.id}`, {
      muted_until: new Date(at(60)).toISOString(),
    });
    t.equal(muted.statusCode, 200);
    await evaluateAt(ctx, rule.id, at(43));
    await settle();
    t.equal(hook.received.length, 2, 'nothing while muted');
  });

  t.test('a disabled rule is not evaluated', async (t) => {
    const { tenant, hook, channelId } = await tenantWithHook(t, ctx, 'off');
    const rule = await createRule(app, tenant.tokens.member, {
      org: 'off',
      name: 'disabled',
      condition: { op: '>', threshold: 0 },
      every: '10s',
      channels: [channelId],
      enabled: false,
    });
    await logsAt(ctx, tenant, at(50) - 5_000, 3);
    t.match(await evaluateAt(ctx, rule.id, at(50)), {
      outcome: 'skipped',
      reason: 'rule disabled',
    });
    await settle();
    t.equal(hook.received.length, 0);
  });

  t.test('a removed member’s rules stop: rights are re-checked at evaluation', async (t) => {
    const { tenant, hook, channelId } = await tenantWithHook(t, ctx, 'gone');
    const rule = await createRule(app, tenant.tokens.member, {
      org: 'gone',
      name: 'by a member',
      apps: ['web'],
      condition: { op: '>', threshold: 0 },
      every: '10s',
      channels: [channelId],
    });
    await createMembershipsRepository(ctx.db).remove(
      { orgId: tenant.org.id },
      tenant.users.member.id,
    );
    await logsAt(ctx, tenant, at(60) - 5_000, 3);
    t.match(await evaluateAt(ctx, rule.id, at(60)), { outcome: 'stopped' });
    await settle();
    t.equal(hook.received.length, 0, 'nothing read, nothing sent');
    const shown = (await call(app, tenant.tokens.viewer, 'GET', `/v1/alerts/${rule.id}`)).json()
      .alert;
    t.match(shown.last_error, /no longer read/);
  });
});
