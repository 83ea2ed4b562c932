// Delivery metrics, registered once per app registry.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface NotificationMetrics {
  deliveries: Counter<'type' | 'outcome'>;
  deliverySeconds: Histogram<'type'>;
}

const byRegistry = new WeakMap<Registry, NotificationMetrics>();

export function notificationMetrics(registry: Registry): NotificationMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const metrics: NotificationMetrics = {
    deliveries: new Counter({
      name: 'mylog_notification_deliveries_total',
      help: 'Notification delivery attempts by channel type and outcome (delivered|failed|dead)',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    deliverySeconds: new Histogram({
      name: 'mylog_notification_delivery_seconds',
      help: 'Time of a successful delivery attempt, by channel type',
      labelNames: ['type'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
