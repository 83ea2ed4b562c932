// Schemas of the search API; route types come from these with Static<>.
import { Type } from '@sinclair/typebox';
import { MAX_QUERY_LENGTH_CHARS } from './query-language/index.ts';

const StringMap = Type.Record(Type.String(), Type.String());

export const LogRow = Type.Object({
  id: Type.String({ format: 'uuid' }),
  ts: Type.String({ description: 'RFC 3339, UTC, with nanoseconds' }),
  app_id: Type.String({ format: 'uuid' }),
  level: Type.String(),
  service: Type.String(),
  host: Type.String(),
  message: Type.String(),
  attributes: StringMap,
  resource: StringMap,
  trace_id: Type.String(),
  span_id: Type.String(),
  user_id: Type.String(),
});

const Q = Type.String({
  maxLength: MAX_QUERY_LENGTH_CHARS,
  description:
    'query language: level:error service:checkout "payment declined" -host:web-3 status>=500',
});
const Instant = Type.String({
  maxLength: 64,
  description: 'RFC 3339 or relative: now, now-15m, now-24h, now-7d',
});
const Apps = Type.String({
  maxLength: 8000,
  description: 'comma-separated app ids or slugs; default: every app you may read',
});
const Order = Type.Union([Type.Literal('desc'), Type.Literal('asc')], {
  description: 'desc (newest first, default) or asc',
});

const RangeQuery = {
  q: Type.Optional(Q),
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  apps: Type.Optional(Apps),
};

export const SearchQuery = Type.Object(
  {
    ...RangeQuery,
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(
      Type.String({ maxLength: 1000, description: 'next_cursor of the previous page' }),
    ),
    order: Type.Optional(Order),
  },
  { additionalProperties: false },
);

export const SearchResponse = Type.Object({
  rows: Type.Array(LogRow),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const HistogramQuery = Type.Object(
  {
    ...RangeQuery,
    interval: Type.Optional(
      Type.String({ maxLength: 16, description: '30s, 5m, 1h, 1d; default: 60–120 buckets' }),
    ),
  },
  { additionalProperties: false },
);

export const HistogramResponse = Type.Object({
  interval_ms: Type.Integer(),
  from: Type.String(),
  to: Type.String(),
  source: Type.Union([Type.Literal('rollup'), Type.Literal('raw')]),
  buckets: Type.Array(
    Type.Object({
      ts: Type.String(),
      total: Type.Integer(),
      levels: Type.Record(Type.String(), Type.Integer()),
    }),
  ),
});

export const FacetQuery = Type.Object(
  { ...RangeQuery, limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
  { additionalProperties: false },
);

const SampleInfo = {
  sampled: Type.Boolean({
    description: 'true when only the newest rows of the range were counted',
  }),
  from: Type.String({ description: 'start of the window actually counted' }),
  to: Type.String(),
};

export const FieldsResponse = Type.Object({
  fields: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() })),
  rows: Type.Integer({ description: 'rows matching q in the counted window' }),
  ...SampleInfo,
});

export const FieldParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) });

export const ValuesResponse = Type.Object({
  field: Type.String(),
  values: Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
  ...SampleInfo,
});

export const ContextParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const ContextQuery = Type.Object(
  {
    before: Type.Integer({ minimum: 0, maximum: 500, default: 20 }),
    after: Type.Integer({ minimum: 0, maximum: 500, default: 20 }),
    apps: Type.Optional(Apps),
    around: Type.Union([Type.Literal('source'), Type.Literal('app')], {
      default: 'source',
      description: 'source: the same app, host and service (default); app: the whole app',
    }),
  },
  { additionalProperties: false },
);
export const ContextResponse = Type.Object({
  row: LogRow,
  before: Type.Array(LogRow),
  after: Type.Array(LogRow),
});

export const ExportQuery = Type.Object(
  {
    ...RangeQuery,
    format: Type.Union([Type.Literal('ndjson'), Type.Literal('csv')], { default: 'ndjson' }),
    order: Type.Optional(Order),
  },
  { additionalProperties: false },
);
