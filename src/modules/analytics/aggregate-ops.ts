// The aggregate API's measure ops, in one list the server's schema and the SPA's editor share
// (plain data: the SPA imports it without the schema library).
export const AGGREGATE_OPS = [
  'count',
  'count_distinct',
  'sum',
  'avg',
  'min',
  'max',
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
  'rate',
] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];
