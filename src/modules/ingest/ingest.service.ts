// One ingest request, after authentication: decode → limits → serialise once → group commit →
// live tail. Takes its dependencies as arguments so tests and benchmarks can drive it directly.
import { AppError } from '../../infra/errors.ts';
import type { Config } from '../../config.ts';
import type { ResolvedIngestKey } from '../ingest-keys/ingest-keys.repository.ts';
import { BatchNotDurableError } from '../pipeline/batch-writer.ts';
import type { GroupCommitter } from '../pipeline/group-commit.ts';
import type { IngestStatsRecorder } from '../ingest-stats/ingest-stats.ts';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.ts';
import {
  decodeAndSerialiseIngestBody,
  IngestInputError,
  type BulkItem,
  type EsDocumentTarget,
  type SerialisedIngestBody,
  type IngestLimits,
  type IngestRouteKind,
  type RejectedRecord,
} from './decode/index.ts';
import { OverloadedError, RateLimitedError } from './ingest-errors.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { TailPublisher } from './tail-publisher.ts';

export interface IngestServiceDeps {
  config: Config;
  committer: GroupCommitter;
  rateLimiter: RateLimiter;
  tail: TailPublisher;
  metrics: PipelineMetrics;
  /** Per-tenant counters for the Ingest health dashboard (absent in benchmarks that drive this directly). */
  stats?: IngestStatsRecorder;
}

export interface IngestRequest {
  kind: IngestRouteKind;
  key: ResolvedIngestKey;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  body: Buffer;
  bulkIndex?: string;
  /** The Elasticsearch document route's target (kind 'document'). */
  document?: EsDocumentTarget;
  receivedAtMs: number;
}

export interface IngestOutcome {
  accepted: number;
  rejected: RejectedRecord[];
  bulkItems?: BulkItem[];
}

export function ingestLimitsFromConfig(config: Config): IngestLimits {
  const i = config.ingest;
  return {
    maxDecodedBodyBytes: i.maxDecodedBodyBytes,
    maxRecordsPerRequest: i.maxRecordsPerRequest,
    maxMessageBytes: i.maxMessageBytes,
    maxAttributes: i.maxAttributes,
    maxAttributeKeyBytes: i.maxAttributeKeyBytes,
    maxAttributeValueBytes: i.maxAttributeValueBytes,
    maxNestingDepth: i.maxNestingDepth,
    maxPastSkewMs: i.maxPastSkewMs,
    maxFutureSkewMs: i.maxFutureSkewMs,
    decodeCpuBudgetMs: i.decodeCpuBudgetMs,
  };
}

export function createIngestService(deps: IngestServiceDeps) {
  const { config, metrics } = deps;
  const limits = ingestLimitsFromConfig(config);

  /**
   * Decode and serialise with nothing awaited in between, in a frame of its own: the parsed rows
   * then die young (a cheap scavenge) instead of surviving the rate-limit and Redis round trips
   * into the old generation. A refused request wastes the serialisation; the common case saves GC.
   */
  async function decodeAndSerialise(request: IngestRequest): Promise<SerialisedIngestBody> {
    const { key } = request;
    return await decodeAndSerialiseIngestBody(
      {
        kind: request.kind,
        contentType: request.contentType,
        contentEncoding: request.contentEncoding,
        body: request.body,
        limits,
        now: request.receivedAtMs,
        bulkIndex: request.bulkIndex,
        document: request.document,
      },
      { org_id: key.orgId, app_id: key.appId, retention_days: key.retentionDays },
    ).catch((error: unknown) => {
      if (error instanceof IngestInputError) {
        metrics.requestsRefusedTotal.inc({ reason: error.code });
        throw new AppError(error.statusCode, error.code, error.message);
      }
      throw error;
    });
  }

  return {
    async ingest(request: IngestRequest): Promise<IngestOutcome> {
      const { accepted, serialised, rejected, bulkItems } = await decodeAndSerialise(request);
      const { key, receivedAtMs } = request;
      for (const r of rejected) {
        metrics.recordsTotal.inc({ outcome: 'rejected', reason: r.code });
        deps.stats?.rejected(key.orgId, key.appId, r.code, 1, receivedAtMs);
      }
      if (serialised !== undefined) {
        const decision = await deps.rateLimiter.check(key, accepted, request.body.length);
        if (!decision.ok) {
          metrics.requestsRefusedTotal.inc({ reason: decision.reason });
          metrics.recordsTotal.inc({ outcome: 'rejected', reason: decision.reason }, accepted);
          deps.stats?.rateLimited(key.orgId, key.appId, decision.reason, accepted, receivedAtMs);
          throw new RateLimitedError(
            decision.reason,
            decision.retryAfterS,
            decision.reason === 'rate_limited'
              ? 'the app is over its ingest rate limit; retry later'
              : 'the app has used its daily record quota',
          );
        }
        try {
          await deps.committer.submit(serialised, accepted, request.receivedAtMs);
        } catch (error) {
          metrics.requestsRefusedTotal.inc({ reason: 'not_durable' });
          metrics.recordsTotal.inc({ outcome: 'rejected', reason: 'not_durable' }, accepted);
          deps.stats?.rejected(key.orgId, key.appId, 'not_durable', accepted, receivedAtMs);
          throw new OverloadedError(
            'not_durable',
            config.ingest.overloadRetryAfterS,
            error instanceof BatchNotDurableError ? error.message : 'could not queue the records',
          );
        }
        metrics.recordsTotal.inc({ outcome: 'accepted', reason: '' }, accepted);
        metrics.bytesTotal.inc({ outcome: 'accepted', reason: '' }, request.body.length);
        deps.stats?.accepted(key.orgId, key.appId, accepted, request.body.length, receivedAtMs);
        void deps.tail.publish(key.appId, serialised);
      }
      return bulkItems === undefined ? { accepted, rejected } : { accepted, rejected, bulkItems };
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
