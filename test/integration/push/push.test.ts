// Web Push end to end on real services: a browser session subscribes (validation, CSRF, per-user
// scope), a firing alert with an in-app channel is pushed to the subscribed device (VAPID token
// verified, payload decrypted by an independent RFC 8291 receiver), a device the push service
// calls gone is dropped, and signing out removes the session's subscription.
import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE } from '../../../src/modules/auth/resolve-auth.ts';
import { createSessionsRepository } from '../../../src/modules/auth/sessions.repository.ts';
import { createPushSubscriptionsRepository } from '../../../src/modules/push/push-subscriptions.repository.ts';
import { alertsTestApp, createRule, evaluateAt, logsAt } from '../alerts/alerts-fixtures.ts';
import { call, makeTenant } from '../auth/auth-fixtures.ts';
import { startPushReceiver } from './push-receiver.ts';

const EVERY = 10_000;

t.test('web push', async (t) => {
  const ctx = await alertsTestApp(t);
  const { app, db, config } = ctx;
  const receiver = await startPushReceiver();
  t.teardown(() => receiver.close());
  const a = await makeTenant(db, config, 'acme');
  const b = await makeTenant(db, config, 'globex');

  const signIn = async (userId: string) => {
    const { session, token } = await createSessionsRepository(db).create({
      userId,
      authMethod: 'local',
      idToken: null,
      absoluteTimeoutMs: 3600_000,
      ip: null,
      userAgent: 'test',
    });
    return (
      method: 'GET' | 'PUT' | 'DELETE' | 'POST',
      url: string,
      payload?: object,
      csrf = true,
    ): Promise<LightMyRequestResponse> =>
      app.inject({
        method,
        url,
        cookies: { [SESSION_COOKIE]: token },
        headers: csrf ? { [CSRF_HEADER]: session.csrf_token } : {},
        ...(payload ? { payload } : {}),
      });
  };
  const alice = await signIn(a.users.member.id);
  const bob = await signIn(b.users.member.id);
  const phone = receiver.device('alice-phone');

  t.test('config, subscribe, validation and per-user scope', async (t) => {
    const conf = await alice('GET', '/v1/push/config');
    t.equal(conf.statusCode, 200);
    t.match(conf.json(), { enabled: true, public_key: /^[A-Za-z0-9_-]{87}$/ });

    const noCsrf = await alice('PUT', '/v1/push/subscriptions', phone.subscription, false);
    t.equal(noCsrf.statusCode, 403, 'cookie mutation without CSRF');
    const viaToken = await call(app, a.tokens.member, 'GET', '/v1/push/subscriptions');
    t.equal(viaToken.statusCode, 200);
    const tokenPut = await app.inject({
      method: 'PUT',
      url: '/v1/push/subscriptions',
      headers: { authorization: `Bearer ${a.tokens.member}` },
      payload: phone.subscription,
    });
    t.equal(tokenPut.json().error.code, 'session_required');

    for (const [body, field] of [
      [{ ...phone.subscription, endpoint: 'ftp://push.example/x' }, 'endpoint'],
      [
        { ...phone.subscription, keys: { ...phone.subscription.keys, p256dh: 'AAAA' } },
        'keys.p256dh',
      ],
      [{ ...phone.subscription, keys: { ...phone.subscription.keys, auth: 'AAAA' } }, 'keys.auth'],
    ] as const) {
      const res = await alice('PUT', '/v1/push/subscriptions', body);
      t.equal(res.statusCode, 400, field);
      t.match(res.json().error, { code: 'invalid_push_subscription', details: { field } });
    }
    const missing = await alice('PUT', '/v1/push/subscriptions', { endpoint: 'https://x' });
    t.equal(missing.statusCode, 400);

    const put = await alice('PUT', '/v1/push/subscriptions', phone.subscription);
    t.equal(put.statusCode, 200, put.body);
    t.match(put.json(), { push_service: new URL(receiver.origin).host, this_session: true });
    const again = await alice('PUT', '/v1/push/subscriptions', phone.subscription);
    t.equal(again.json().id, put.json().id, 'the same browser subscribing again is one device');

    const list = await alice('GET', '/v1/push/subscriptions');
    t.equal(list.json().subscriptions.length, 1);
    t.notOk(list.body.includes(phone.subscription.endpoint), 'the endpoint is never echoed');
    t.same((await bob('GET', '/v1/push/subscriptions')).json().subscriptions, []);
    const bobDeletes = await bob('DELETE', `/v1/push/subscriptions/${put.json().id}`);
    t.equal(bobDeletes.statusCode, 404, "another user's device reads as missing");
    t.equal((await alice('GET', '/v1/push/subscriptions')).json().subscriptions.length, 1);
  });

  t.test('a firing alert is pushed to the subscribed device, encrypted', async (t) => {
    const channel = await call(app, a.tokens.admin, 'POST', '/v1/notification-channels', {
      org: 'acme',
      name: 'bell',
      type: 'in_app',
      config: { user_ids: [a.users.member.id] },
    });
    t.equal(channel.statusCode, 201, channel.body);
    const rule = await createRule(app, a.tokens.member, {
      org: 'acme',
      name: 'checkout errors',
      q: 'service:checkout level:error',
      measure: { op: 'count' },
      condition: { op: '>', threshold: 2 },
      window: '20s',
      every: '10s',
      no_data: 'ok',
      channels: [channel.json().channel.id],
    });
    const base = Math.floor((Date.now() - 30 * 60_000) / EVERY) * EVERY;
    await evaluateAt(ctx, rule.id, base + EVERY);
    await logsAt(ctx, a, base + EVERY + 2_000, 5);
    t.match(await evaluateAt(ctx, rule.id, base + 2 * EVERY), { notifications: 1 });

    const [push] = await receiver.waitFor(1);
    t.same(receiver.rejected, [], 'every request passed the VAPID and decryption checks');
    t.equal(push?.device, 'alice-phone');
    t.equal(push?.vapidKey, app.notifications.push?.publicKey, 'signed with the configured key');
    t.equal(push?.claims.aud, receiver.origin);
    t.ok((push?.claims.exp ?? 0) * 1000 > Date.now(), 'token not expired');
    t.ok((push?.claims.exp ?? 0) * 1000 <= Date.now() + 24 * 3600_000, 'token lives ≤ 24 h');
    t.equal(push?.claims.sub, config.push.vapidSubject);
    t.equal(push?.headers.ttl, String(config.push.ttlSeconds));
    t.equal(push?.headers.urgency, 'high', 'a firing alert is urgent');
    const payload = JSON.parse(push?.plaintext ?? '{}');
    t.match(payload, { title: /checkout errors/, state: 'firing', tag: /.+/ });
    const bell = await alice('GET', '/v1/notifications');
    t.equal(payload.id, bell.json().notifications[0].id, 'the push is the in-app notification');
  });

  t.test('a device the push service calls gone is dropped', async (t) => {
    const tablet = receiver.device('alice-tablet');
    receiver.statusFor.set('alice-tablet', 410);
    t.equal((await alice('PUT', '/v1/push/subscriptions', tablet.subscription)).statusCode, 200);
    const sender = app.notifications.push;
    if (!sender) throw new Error('push is off');
    const rows = (await alice('GET', '/v1/notifications')).json().notifications;
    const report = await sender.send([
      { ...rows[0], created_at: new Date(rows[0].created_at), read_at: null },
    ]);
    t.same(report, { sent: 1, failed: 0, removed: 1 });
    const left = await createPushSubscriptionsRepository(db).list({ userId: a.users.member.id });
    t.same(
      left.map((s) => s.endpoint),
      [phone.subscription.endpoint],
    );
  });

  t.test('signing out removes the session’s subscriptions', async (t) => {
    const out = await alice('POST', '/auth/logout');
    t.equal(out.statusCode, 200, out.body);
    const left = await createPushSubscriptionsRepository(db).list({ userId: a.users.member.id });
    t.same(left, []);
  });
});
