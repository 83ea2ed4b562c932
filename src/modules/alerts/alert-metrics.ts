// Alert evaluation metrics, registered once per app registry.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface AlertMetrics {
  evaluations: Counter<'outcome'>;
  evaluationSeconds: Histogram;
  /** From the start of a rule's period to its evaluation starting: how far behind the scheduler is. */
  evaluationLagSeconds: Histogram;
  platformChecks: Counter<'check' | 'state'>;
}

const byRegistry = new WeakMap<Registry, AlertMetrics>();

export function alertMetrics(registry: Registry): AlertMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: AlertMetrics = {
    evaluations: new Counter({
      name: 'mylog_alert_evaluations_total',
      help: 'Alert rule evaluations by outcome (evaluated, skipped, stopped, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    evaluationSeconds: new Histogram({
      name: 'mylog_alert_evaluation_seconds',
      help: 'Time to evaluate one rule for one period (query, state, history, outbox)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    evaluationLagSeconds: new Histogram({
      name: 'mylog_alert_evaluation_lag_seconds',
      help: "From a rule's period start to its evaluation starting",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    platformChecks: new Counter({
      name: 'mylog_platform_alert_checks_total',
      help: 'Platform health checks by check and resulting state',
      labelNames: ['check', 'state'] as const,
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
