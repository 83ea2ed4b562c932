// The Ingest health panels' query: one counter of ingest_stats (or the lag, quota and queue
// readings beside it) over a range, optionally per app or reason, as rows or a series. Answers
// have the aggregate API's shape (analytics/aggregate.schemas.ts) so the same charts draw them.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../auth/auth.schemas.ts';

export const INGEST_COUNTERS = [
  'accepted_records',
  'accepted_bytes',
  'rejected_records',
  'rate_limited_records',
  'redacted_records',
  'redacted_values',
] as const;
export type IngestCounter = (typeof INGEST_COUNTERS)[number];

export const IngestStatsQuery = Type.Object(
  {
    source: Type.Literal('ingest'),
    metric: Type.Union(
      [...INGEST_COUNTERS, 'lag_ms', 'quota_used', 'queue_depth'].map((m) => Type.Literal(m)),
      {
        description:
          'a counter per app/reason (for redacted_*: per app/rule name); lag_ms: ingest → stored p50, p99 (per day); quota_used: records today and % of quota per app; queue_depth: records waiting in the shared queue',
      },
    ),
    group_by: Type.Optional(
      Type.Array(Type.Union([Type.Literal('app'), Type.Literal('reason')]), { maxItems: 2 }),
    ),
    interval: Type.Optional(Nullable(Type.String({ maxLength: 16 }))),
    from: Type.Optional(Type.String({ maxLength: 64 })),
    to: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type IngestStatsQuery = Static<typeof IngestStatsQuery>;

export const IngestStatsBody = Type.Object(
  {
    org: Type.String({ minLength: 1, maxLength: 100, description: 'org id or slug' }),
    query: IngestStatsQuery,
  },
  { additionalProperties: false },
);
