// Notification channels end to end on real services: CRUD and roles, webhook signatures checked
// by a real receiver, a receiver that is down and comes back gets every notification once, dead
// letters are visible and retried, email through a real SMTP server, in-app with live push, and
// org isolation on every route.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { verifySignature } from '../../../src/modules/notifications/webhook-signature.ts';
import type { NotificationMessage } from '../../../src/modules/notifications/notification-message.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { call, makeTenant } from '../auth/auth-fixtures.ts';
import { startHttpReceiver, startSmtpReceiver, waitUntil } from './receivers.ts';

function message(orgId: string, n: number): NotificationMessage {
  return {
    event_id: `evt-${randomUUID()}-${n}`,
    state: 'firing',
    org_id: orgId,
    rule: { id: randomUUID(), name: 'checkout errors' },
    group: { host: `web-${n}` },
    value: 60 + n,
    threshold: 50,
    link: 'http://localhost/alerts/x',
    at: new Date().toISOString(),
    title: `[FIRING] checkout errors #${n}`,
    text: 'count = 60 > 50',
  };
}

t.test('notification channels', async (t) => {
  const smtp = await startSmtpReceiver();
  t.teardown(() => smtp.close());
  const { app, db, config } = await buildTestApp(t, {
    env: {
      SMTP_URL: smtp.url,
      NOTIFY_DELIVERY_BACKOFF_MS: '50',
      NOTIFY_DELIVERY_MAX_BACKOFF_MS: '250',
      NOTIFY_DELIVERY_MAX_ATTEMPTS: '40',
    },
  });
  const a = await makeTenant(db, config, 'acme');
  const b = await makeTenant(db, config, 'globex');
  const hook = await startHttpReceiver();
  t.teardown(() => hook.close());

  const created = await call(app, a.tokens.admin, 'POST', '/v1/notification-channels', {
    org: 'acme',
    name: 'ops hook',
    type: 'webhook',
    config: { url: hook.url },
  });
  t.equal(created.statusCode, 201, created.body);
  const { channel, secret } = created.json() as {
    channel: { id: string; config: object };
    secret: string;
  };
  t.match(secret, /^whsec_/, 'a generated secret is shown once');
  t.same(channel.config, { url: hook.url, secret_set: true }, 'the secret itself never comes back');

  t.test('roles: members cannot create, viewers list with masked URLs', async (t) => {
    const refused = await call(app, a.tokens.member, 'POST', '/v1/notification-channels', {
      org: 'acme',
      name: 'x',
      type: 'slack',
      config: { url: hook.url },
    });
    t.equal(refused.statusCode, 403);
    const list = await call(app, a.tokens.viewer, 'GET', '/v1/notification-channels?org=acme');
    t.equal(list.statusCode, 200);
    const [seen] = list.json().channels as { config: { url: string } }[];
    t.equal(seen?.config.url, 'http://127.0.0.1:' + new URL(hook.url).port + '/…');
  });

  t.test('bad config gets a clear 400', async (t) => {
    const res = await call(app, a.tokens.admin, 'POST', '/v1/notification-channels', {
      org: 'acme',
      name: 'bad',
      type: 'email',
      config: { to: ['not an address'] },
    });
    t.equal(res.statusCode, 400);
    t.equal(res.json().error.code, 'invalid_channel_config');
  });

  t.test('send test: signed webhook the receiver can verify', async (t) => {
    const res = await call(
      app,
      a.tokens.admin,
      'POST',
      `/v1/notification-channels/${channel.id}/test`,
    );
    t.equal(res.statusCode, 200, res.body);
    const [got] = await hook.waitFor(1);
    t.ok(got);
    const header = got?.headers['x-mylog-signature'] as string;
    const now = Math.floor(Date.now() / 1000);
    t.ok(verifySignature(header, secret, got?.body ?? '', now), 'signature verifies');
    t.notOk(
      verifySignature(header, 'whsec_wrong-secret-0000', got?.body ?? '', now),
      'wrong key fails',
    );
    t.notOk(verifySignature(header, secret, `${got?.body} `, now), 'changed body fails');
    t.notOk(
      verifySignature(header, secret, got?.body ?? '', now + 3600),
      'an old delivery is a replay',
    );
    t.match(JSON.parse(got?.body ?? '{}'), { state: 'test', event_id: /^test-/ });
    hook.received.length = 0;
  });

  t.test('a receiver down for a while gets every notification afterwards, once', async (t) => {
    await hook.down();
    const sent = [1, 2, 3, 4, 5].map((n) => message(a.org.id, n));
    for (const m of sent) await app.notifications.notifier.notify(a.org.id, [channel.id], m);
    // A duplicate event (a re-run evaluation) is recorded once.
    await app.notifications.notifier.notify(a.org.id, [channel.id], sent[0] as NotificationMessage);
    await new Promise((r) => setTimeout(r, 1_500));
    t.equal(hook.received.length, 0, 'nothing while it is down');
    await hook.up();
    await hook.waitFor(5);
    await new Promise((r) => setTimeout(r, 700));
    const ids = hook.received.map((r) => JSON.parse(r.body).event_id as string).sort();
    t.same(ids, sent.map((m) => m.event_id).sort(), 'each event exactly once');
    for (const r of hook.received) {
      t.ok(
        verifySignature(
          r.headers['x-mylog-signature'] as string,
          secret,
          r.body,
          Math.floor(Date.now() / 1000),
        ),
      );
    }
    hook.received.length = 0;
  });

  t.test(
    'a delivery that keeps failing is dead-lettered, visible, and can be retried',
    async (t) => {
      const {
        app: strict,
        db: db2,
        config: config2,
      } = await buildTestApp(t, {
        env: {
          NOTIFY_DELIVERY_BACKOFF_MS: '20',
          NOTIFY_DELIVERY_MAX_BACKOFF_MS: '40',
          NOTIFY_DELIVERY_MAX_ATTEMPTS: '3',
        },
      });
      const tenant = await makeTenant(db2, config2, 'initech');
      hook.status = 500;
      const ch = (
        await call(strict, tenant.tokens.admin, 'POST', '/v1/notification-channels', {
          org: 'initech',
          name: 'flaky',
          type: 'webhook',
          config: { url: hook.url, secret: 'a-secret-of-sixteen-plus' },
        })
      ).json().channel as { id: string };
      const m = message(tenant.org.id, 9);
      await strict.notifications.notifier.notify(tenant.org.id, [ch.id], m);
      let dead: { id: string; attempts: number; last_error: string }[] = [];
      t.ok(
        await waitUntil(async () => {
          const res = await call(
            strict,
            tenant.tokens.admin,
            'GET',
            '/v1/notification-deliveries?org=initech&status=dead',
          );
          dead = res.json().deliveries;
          return dead.length === 1;
        }),
        'dead-lettered',
      );
      t.equal(dead[0]?.attempts, 3);
      t.match(dead[0]?.last_error, /answered 500/);
      const other = await call(
        strict,
        tenant.tokens.viewer,
        'GET',
        '/v1/notification-deliveries?org=initech',
      );
      t.equal(other.statusCode, 403, 'viewers do not see the delivery log');
      hook.status = 200;
      const retry = await call(
        strict,
        tenant.tokens.admin,
        'POST',
        `/v1/notification-deliveries/${dead[0]?.id}/retry`,
      );
      t.equal(retry.statusCode, 200, retry.body);
      await hook.waitFor(1);
      t.equal(JSON.parse(hook.received[0]?.body ?? '{}').event_id, m.event_id);
      t.ok(
        await waitUntil(async () => {
          const res = await call(
            strict,
            tenant.tokens.admin,
            'GET',
            '/v1/notification-deliveries?org=initech&status=delivered',
          );
          return res.json().deliveries.length === 1;
        }),
      );
      hook.received.length = 0;
    },
  );

  t.test('email through a real SMTP server', async (t) => {
    const ch = (
      await call(app, a.tokens.admin, 'POST', '/v1/notification-channels', {
        org: 'acme',
        name: 'oncall mail',
        type: 'email',
        config: { to: ['oncall@acme.test'] },
      })
    ).json().channel as { id: string };
    t.ok(ch, 'created');
    const m = message(a.org.id, 7);
    await app.notifications.notifier.notify(a.org.id, [ch.id], m);
    t.ok(await waitUntil(() => smtp.mails.length === 1));
    t.same(smtp.mails[0]?.to, ['oncall@acme.test']);
    t.match(smtp.mails[0]?.raw, /Subject: \[FIRING\] checkout errors #7/);
    t.match(smtp.mails[0]?.raw, new RegExp(`X-MyLog-Event-Id: ${m.event_id}`, 'i'));
  });

  t.test('in-app: listed with an unread count, pushed live, marked read', async (t) => {
    const ch = (
      await call(app, a.tokens.admin, 'POST', '/v1/notification-channels', {
        org: 'acme',
        name: 'bell',
        type: 'in_app',
        config: { user_ids: [a.users.viewer.id] },
      })
    ).json().channel as { id: string };
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const controller = new AbortController();
    t.teardown(() => controller.abort());
    const stream = await fetch(`http://127.0.0.1:${address.port}/v1/notifications/stream`, {
      headers: { authorization: `Bearer ${a.tokens.viewer}` },
      signal: controller.signal,
    });
    t.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = stream.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(/event: unread\ndata: \{"unread_count":0\}/);
    const m = message(a.org.id, 8);
    await app.notifications.notifier.notify(a.org.id, [ch.id], m);
    await readUntil(/event: notification/);
    t.match(text, m.title, 'pushed live');
    const list = await call(app, a.tokens.viewer, 'GET', '/v1/notifications');
    t.equal(list.json().unread_count, 1);
    t.equal(list.json().notifications[0].title, m.title);
    const mine = await call(app, a.tokens.admin, 'GET', '/v1/notifications');
    t.equal(mine.json().notifications.length, 0, 'only the chosen members');
    const read = await call(app, a.tokens.viewer, 'POST', '/v1/notifications/read', { all: true });
    t.same(read.json(), { updated: 1, unread_count: 0 });
  });

  t.test(
    'isolation: org B gets 404 on org A channels and deliveries and changes nothing',
    async (t) => {
      for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
        const token = b.tokens[role];
        t.equal(
          (await call(app, token, 'GET', `/v1/notification-channels/${channel.id}`)).statusCode,
          404,
        );
        t.equal(
          (
            await call(app, token, 'PATCH', `/v1/notification-channels/${channel.id}`, {
              name: 'x',
            })
          ).statusCode,
          404,
        );
        t.equal(
          (await call(app, token, 'POST', `/v1/notification-channels/${channel.id}/test`))
            .statusCode,
          404,
        );
        t.equal(
          (await call(app, token, 'DELETE', `/v1/notification-channels/${channel.id}`)).statusCode,
          404,
        );
        t.equal(
          (await call(app, token, 'GET', '/v1/notification-channels?org=acme')).statusCode,
          404,
        );
        t.equal(
          (await call(app, token, 'GET', '/v1/notification-deliveries?org=acme')).statusCode,
          404,
        );
        const list = await call(app, token, 'GET', '/v1/notification-channels');
        t.same(list.json().channels, [], `${role} of B lists none of A's`);
      }
      const still = await call(
        app,
        a.tokens.admin,
        'GET',
        `/v1/notification-channels/${channel.id}`,
      );
      t.equal(still.json().channel.name, 'ops hook');
    },
  );
});
