// Records and values redacted, per rule (and the app it applied to). Label sets stay bounded:
// REDACTION_MAX_RULES_PER_SCOPE rules per org and per app.
import { Counter, type Registry } from 'prom-client';
import type { Redactor, RuleCounts } from './redactor.ts';

export interface RedactionMetrics {
  recordsTotal: Counter<'app_id' | 'rule_id'>;
  valuesTotal: Counter<'app_id' | 'rule_id'>;
}

const byRegistry = new WeakMap<Registry, RedactionMetrics>();

export function redactionMetrics(registry: Registry): RedactionMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: RedactionMetrics = {
    recordsTotal: new Counter({
      name: 'mylog_redaction_records_total',
      help: 'Records a redaction rule changed or dropped at ingest, by app and rule',
      labelNames: ['app_id', 'rule_id'] as const,
      registers,
    }),
    valuesTotal: new Counter({
      name: 'mylog_redaction_values_total',
      help: 'Values (message, attributes) a redaction rule matched at ingest, by app and rule',
      labelNames: ['app_id', 'rule_id'] as const,
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

/** Moves a request's per-rule counts into the metrics, and returns them for the tenant's counters. */
export function recordRedactions(
  metrics: RedactionMetrics,
  appId: string,
  redactor: Redactor,
): (RuleCounts & { name: string })[] {
  const drained = redactor.drainCounts();
  for (const [ruleId, counts] of drained) {
    metrics.recordsTotal.inc({ app_id: appId, rule_id: ruleId }, counts.records);
    metrics.valuesTotal.inc({ app_id: appId, rule_id: ruleId }, counts.values);
  }
  return [...drained.values()];
}
