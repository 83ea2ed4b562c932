// The ingest service's view of redaction: the app's cached rules, and their counts into metrics.
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { IngestRedaction } from '../ingest/ingest.service.ts';
import { recordRedactions, redactionMetrics } from './redaction-metrics.ts';
import { createRedactionRulesCache, type RedactionRulesCache } from './redaction-rules-cache.ts';
import type { Redactor } from './redactor.ts';

export function createIngestRedaction(
  db: Db,
  config: Config,
  metrics: Metrics,
): IngestRedaction & { rules: RedactionRulesCache } {
  const rules = createRedactionRulesCache(db, config);
  const counters = redactionMetrics(metrics.registry);
  return {
    rules,
    redactorFor: (orgId, appId) => rules.redactorFor(orgId, appId),
    counted: (appId: string, redactor: Redactor) => recordRedactions(counters, appId, redactor),
  };
}
