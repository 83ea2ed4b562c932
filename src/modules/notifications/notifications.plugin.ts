// Wires notifications into the app: the delivery queue and its worker (worker role), the live
// hub (api role), the mailer (SMTP_URL, or the development sink) and `app.notifications`, which
// alerts, platform alerts and reports use to send. Shutdown: worker → queue → hub → mail.
import { Queue, type Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { BLOCKING_REDIS_OPTIONS, dedicatedConnections } from '../../infra/redis.ts';
import { hasRole } from '../../config.ts';
import type { DeliveryDeps } from './deliver.ts';
import { DELIVERY_QUEUE_NAME, type DeliveryJobData } from './delivery-queue.ts';
import { startDeliveryWorker } from './delivery-worker.ts';
import { devMailRoutes } from './dev-mail.routes.ts';
import { startDevMailSink, type DevMailSink } from './dev-mail-sink.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { NotificationHub } from './notification-hub.ts';
import { notificationMetrics } from './notification-metrics.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import { createPushSender, type PushSender } from '../push/push-sender.ts';
import { resolveVapidKeys } from '../push/vapid-keys.ts';

export interface Notifications {
  notifier: Notifier;
  hub: NotificationHub;
  devMail: DevMailSink | undefined;
  /** Web Push; undefined when the server has no VAPID keys. */
  push: PushSender | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    notifications: Notifications;
  }
}

async function notificationsPlugin(app: FastifyInstance): Promise<void> {
  const { config } = app;
  const connections = dedicatedConnections(app.redis);
  const dedicated = (options: { blocking?: boolean } = {}): Redis =>
    connections.open(options.blocking ? BLOCKING_REDIS_OPTIONS : {});
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE_NAME, {
    connection: dedicated(),
    prefix: config.redisKeyPrefix,
  });
  queue.on('error', (error) => app.log.warn({ err: error }, 'notification queue error'));
  const hub = new NotificationHub(app.redis, config.redisKeyPrefix);
  const devMail =
    config.notifications.devMailSink && hasRole(config, 'worker')
      ? await startDevMailSink(config.notifications.devMailMaxMessages)
      : undefined;
  const smtpUrl = config.notifications.smtpUrl ?? devMail?.url;
  let mailer: Mailer | undefined;
  const vapidKeys = resolveVapidKeys(config);
  const push = vapidKeys
    ? createPushSender({
        config,
        db: app.db,
        keys: vapidKeys,
        onError: (error, host) => app.log.warn({ err: error, host }, 'web push failed'),
      })
    : undefined;
  const deps: DeliveryDeps = {
    config,
    db: app.db,
    mailer: () =>
      smtpUrl === undefined
        ? undefined
        : (mailer ??= createMailer({
            url: smtpUrl,
            from: config.notifications.smtpFrom,
            timeoutMs: config.notifications.deliveryTimeoutMs,
          })),
    publish: (rows) => hub.publish(rows),
    push: push ? async (rows) => void (await push.send(rows)) : undefined,
    nowMs: () => Date.now(),
  };
  const notifier = createNotifier(deps, queue);
  app.decorate('notifications', { notifier, hub, devMail, push });

  let worker: Worker<DeliveryJobData> | undefined;
  if (hasRole(config, 'worker')) {
    worker = startDeliveryWorker({
      ...deps,
      connection: dedicated({ blocking: true }),
      prefix: config.redisKeyPrefix,
      metrics: notificationMetrics(app.metrics.registry),
      log: app.log,
    });
  }
  if (hasRole(config, 'api')) await hub.start();
  if (devMail && hasRole(config, 'api')) await app.register(devMailRoutes, { sink: devMail });

  app.addHook('onClose', async () => {
    await worker?.close();
    await queue.close();
    await hub.close();
    mailer?.close();
    await devMail?.close();
    await connections.closeAll();
  });
}

export const notifications = fp(notificationsPlugin, { name: 'mylog-notifications' });
