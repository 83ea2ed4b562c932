// Schemas of the aggregate API (POST /v1/logs/aggregate); types come from these with Static<>.
// Dashboards store a panel's query in this same shape, and alert rules evaluate it.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../auth/auth.schemas.ts';
import { MAX_QUERY_LENGTH_CHARS } from '../search/query-language/index.ts';
import { AGGREGATE_OPS, type AggregateOp } from './aggregate-ops.ts';

export { AGGREGATE_OPS, type AggregateOp };

/** Ops that read their field as a number (non-numeric values are skipped and counted). */
export const NUMERIC_OPS: ReadonlySet<AggregateOp> = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
]);
/** Ops whose empty bucket is 0 rather than null. */
export const COUNTING_OPS: ReadonlySet<AggregateOp> = new Set(['count', 'count_distinct', 'rate']);

export const MAX_MEASURES = 8;
export const MAX_GROUP_BY = 3;

const FieldName = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'a column (level, service, host, app, user_id, …), an attribute key or resource.key',
});

export const Measure = Type.Object(
  {
    op: Type.Union(
      AGGREGATE_OPS.map((op) => Type.Literal(op)),
      { description: 'rate = count per second of the window (or of the bucket, in a series)' },
    ),
    field: Type.Optional(FieldName),
  },
  { additionalProperties: false },
);
export type Measure = Static<typeof Measure>;

export const AggregateBody = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: MAX_QUERY_LENGTH_CHARS,
        description: 'the search query language: service:checkout level:error status>=500',
      }),
    ),
    apps: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 200,
        description: 'app ids or slugs; default: every app you may read',
      }),
    ),
    from: Type.Optional(Type.String({ maxLength: 64, description: 'RFC 3339 or now-24h' })),
    to: Type.Optional(Type.String({ maxLength: 64, description: 'RFC 3339 or now' })),
    measures: Type.Array(Measure, { minItems: 1, maxItems: MAX_MEASURES }),
    group_by: Type.Optional(Type.Array(FieldName, { maxItems: MAX_GROUP_BY })),
    interval: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 16,
          description: 'null: one row per group; 30s, 5m, 1h, 1d or auto: a series per group',
        }),
      ),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'top groups kept (default 10)' }),
    ),
    other: Type.Optional(
      Type.Boolean({ description: 'sum the groups beyond `limit` into one `other` entry' }),
    ),
    order: Type.Optional(
      Type.Object(
        {
          measure: Type.Integer({ minimum: 0, maximum: MAX_MEASURES - 1 }),
          dir: Type.Union([Type.Literal('asc'), Type.Literal('desc')]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AggregateRequest = Static<typeof AggregateBody>;

const Values = Type.Array(Nullable(Type.Number()));
const Group = Nullable(Type.Record(Type.String(), Type.String()));

export const AggregateRow = Type.Object({
  group: Group,
  other: Type.Optional(Type.Boolean()),
  values: Values,
});
export type AggregateRow = Static<typeof AggregateRow>;

export const AggregatePoint = Type.Object({ ts: Type.String(), values: Values });
export type AggregatePoint = Static<typeof AggregatePoint>;

export const AggregateSeries = Type.Object({
  group: Group,
  other: Type.Optional(Type.Boolean()),
  points: Type.Array(AggregatePoint),
});
export type AggregateSeries = Static<typeof AggregateSeries>;

const Common = {
  from: Type.String({
    description: 'the counted range, RFC 3339 (a series widens it to whole buckets)',
  }),
  to: Type.String(),
  skipped: Type.Integer({
    description: 'rows whose field of a numeric measure held a non-numeric value',
  }),
  source: Type.Union([Type.Literal('rollup'), Type.Literal('raw')]),
};

export const AggregateRowsResponse = Type.Object({ ...Common, rows: Type.Array(AggregateRow) });
export const AggregateSeriesResponse = Type.Object({
  ...Common,
  interval_ms: Type.Integer(),
  series: Type.Array(AggregateSeries),
});
export const AggregateResponse = Type.Union([AggregateRowsResponse, AggregateSeriesResponse]);
export type AggregateRowsAnswer = Static<typeof AggregateRowsResponse>;
export type AggregateSeriesAnswer = Static<typeof AggregateSeriesResponse>;
export type AggregateAnswer = AggregateRowsAnswer | AggregateSeriesAnswer;
