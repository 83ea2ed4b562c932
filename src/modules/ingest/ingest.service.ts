// One ingest request, after authentication: decode → limits → serialise once → group commit →
// live tail. Takes its dependencies as arguments so tests and benchmarks can drive it directly.
import { AppError } from '../../infra/errors.ts';
import type { Config } from '../../config.ts';
import type { ResolvedIngestKey } from '../ingest-keys/ingest-keys.repository.ts';
import { BatchNotDurableError, type IdempotencyMarker } from '../pipeline/batch-writer.ts';
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
  type RowRedactor,
} from './decode/index.ts';
import {
  requestFingerprint,
  validIdempotencyKey,
  type Claim,
  type IdempotencyKeys,
} from './idempotency.ts';
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
  /** Idempotency-Key records (absent: the header is refused as unsupported). */
  idempotency?: IdempotencyKeys;
  /** Waits (bounded) for the ingest path's Redis connection; throws when it stays unreachable. */
  redisReady?(): Promise<void>;
  /** The app's redaction rules (cached; undefined: none), applied to every row before it is queued. */
  redaction?: IngestRedaction;
}

/** Implemented by src/modules/redaction/ingest-redaction.ts. */
export interface IngestRedaction {
  redactorFor(orgId: string, appId: string): Promise<RowRedactor | undefined>;
  /** After a request: what the app's rules did goes to the metrics, and is returned per rule. */
  counted(
    appId: string,
    redactor: RowRedactor,
  ): readonly { name: string; records: number; values: number }[];
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
  /** The Idempotency-Key header as received. */
  idempotencyKey?: string | string[];
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
  async function decodeAndSerialise(
    request: IngestRequest,
    redactor: RowRedactor | undefined,
  ): Promise<SerialisedIngestBody> {
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
        redactor,
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

  /** A Redis step of the request: after a bounded wait for Redis; unreachable → 503. */
  async function onRedis<T>(step: () => Promise<T>): Promise<T> {
    try {
      await deps.redisReady?.();
      return await step();
    } catch (error) {
      if (error instanceof AppError) throw error;
      metrics.requestsRefusedTotal.inc({ reason: 'redis_unavailable' });
      throw new OverloadedError(
        'redis_unavailable',
        config.ingest.overloadRetryAfterS,
        'the ingest queue is unreachable; retry later',
      );
    }
  }

  /**
   * However the batch write goes, the request is answered within the wait for Redis plus two
   * command timeouts (payload, job); a write that completes later is at-least-once, as a lost
   * acknowledgement always was, and an Idempotency-Key makes its retry land once.
   */
  const writeBoundMs = config.ingest.redisWaitMs + 2 * config.ingest.redisCommandTimeoutMs;
  async function withinRedisBound<T>(write: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        write,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new BatchNotDurableError('Redis did not answer', 'redis_unavailable')),
            writeBoundMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Claims the request's Idempotency-Key, or finds the answer to the request it repeats. */
  async function claimKey(
    request: IngestRequest,
    key: string,
    outcome: () => IngestOutcome | undefined,
  ): Promise<Claim<IngestOutcome>> {
    if (deps.idempotency === undefined) {
      throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key is not supported here');
    }
    const { idempotency } = deps;
    const fingerprint = requestFingerprint([
      request.kind,
      request.bulkIndex,
      request.document === undefined ? undefined : JSON.stringify(request.document),
      request.contentType,
      request.contentEncoding,
      request.body,
    ]);
    return onRedis(() => idempotency.claim(request.key.appId, key, fingerprint, outcome));
  }

  /**
   * Decode, limits, group commit, tail. `decoded` learns the answer before the batch is written,
   * for the Idempotency-Key marker written with it.
   */
  async function accept(
    request: IngestRequest,
    marker: IdempotencyMarker | undefined,
    decoded?: (outcome: IngestOutcome) => void,
  ): Promise<IngestOutcome> {
    const { key, receivedAtMs } = request;
    // Cached per app: no Postgres query on the request path (see redaction-rules-cache.ts).
    const redactor = await deps.redaction?.redactorFor(key.orgId, key.appId);
    const { accepted, serialised, rejected, bulkItems, dropped } = await decodeAndSerialise(
      request,
      redactor,
    ).finally(() => {
      if (redactor === undefined) return;
      for (const rule of deps.redaction?.counted(key.appId, redactor) ?? []) {
        deps.stats?.redacted(key.orgId, key.appId, rule.name, rule, receivedAtMs);
      }
    });
    // Records a drop_record rule matched count as accepted: the sender must not retry them.
    const answered = accepted + dropped;
    const outcome: IngestOutcome =
      bulkItems === undefined
        ? { accepted: answered, rejected }
        : { accepted: answered, rejected, bulkItems };
    decoded?.(outcome);
    for (const r of rejected) {
      metrics.recordsTotal.inc({ outcome: 'rejected', reason: r.code });
      deps.stats?.rejected(key.orgId, key.appId, r.code, 1, receivedAtMs);
    }
    if (serialised !== undefined) {
      const decision = await onRedis(() =>
        deps.rateLimiter.check(key, accepted, request.body.length),
      );
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
      const written = deps.committer.submit(serialised, accepted, request.receivedAtMs, marker);
      // Published once written, even if the answer went first (a 503 past the bound): a stored
      // row must reach the tail, and a retry with the same Idempotency-Key only replays the answer.
      void written.then(
        () => void deps.tail.publish(key.appId, serialised),
        () => undefined,
      );
      try {
        await withinRedisBound(written);
      } catch (error) {
        const reason =
          error instanceof BatchNotDurableError && error.reason === 'redis_unavailable'
            ? 'redis_unavailable'
            : 'not_durable';
        metrics.requestsRefusedTotal.inc({ reason });
        metrics.recordsTotal.inc({ outcome: 'rejected', reason }, accepted);
        deps.stats?.rejected(key.orgId, key.appId, reason, accepted, receivedAtMs);
        throw new OverloadedError(
          reason,
          config.ingest.overloadRetryAfterS,
          error instanceof BatchNotDurableError ? error.message : 'could not queue the records',
        );
      }
      metrics.recordsTotal.inc({ outcome: 'accepted', reason: '' }, accepted);
      metrics.bytesTotal.inc({ outcome: 'accepted', reason: '' }, request.body.length);
      deps.stats?.accepted(key.orgId, key.appId, accepted, request.body.length, receivedAtMs);
    }
    return outcome;
  }

  return {
    async ingest(request: IngestRequest): Promise<IngestOutcome> {
      const idempotencyKey = validIdempotencyKey(request.idempotencyKey);
      if (idempotencyKey === undefined) return accept(request, undefined);
      let outcome: IngestOutcome | undefined;
      const claim = await claimKey(request, idempotencyKey, () => outcome);
      if (claim.kind === 'replay') return claim.outcome;
      try {
        outcome = await accept(request, claim.marker, (decoded) => (outcome = decoded));
        // Nothing queued (every record rejected): nothing to protect, the key is free again.
        if (outcome.accepted === 0) await claim.release();
        return outcome;
      } catch (error) {
        await claim.release();
        throw error;
      }
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
