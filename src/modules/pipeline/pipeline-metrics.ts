// The ingest pipeline's metrics, registered once per app registry (tests build several apps in one
// process, each with its own registry, and the ingest routes and the worker share one set).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface PipelineMetrics {
  recordsTotal: Counter<'outcome' | 'reason'>;
  bytesTotal: Counter<'outcome' | 'reason'>;
  requestsRefusedTotal: Counter<'reason'>;
  groupCommitBatchRows: Histogram;
  groupCommitBatchBytes: Histogram;
  groupCommitWriteSeconds: Histogram;
  queueDepth: Gauge;
  deadLetterSize: Gauge;
  queueWaitSeconds: Histogram;
  insertSeconds: Histogram;
  insertBlockRows: Histogram;
  insertRowsTotal: Counter;
  insertFailuresTotal: Counter<'kind'>;
  lagSeconds: Histogram;
}

const byRegistry = new WeakMap<Registry, PipelineMetrics>();

export function pipelineMetrics(registry: Registry): PipelineMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const sizeBuckets = [1, 10, 100, 1_000, 5_000, 10_000, 20_000, 50_000, 100_000];
  const metrics: PipelineMetrics = {
    recordsTotal: new Counter({
      name: 'mylog_ingest_records_total',
      help: 'Records received, by outcome (accepted|rejected) and rejection reason',
      labelNames: ['outcome', 'reason'] as const,
      registers,
    }),
    bytesTotal: new Counter({
      name: 'mylog_ingest_bytes_total',
      help: 'Request body bytes (as received), by outcome and reason',
      labelNames: ['outcome', 'reason'] as const,
      registers,
    }),
    requestsRefusedTotal: new Counter({
      name: 'mylog_ingest_requests_refused_total',
      help: 'Ingest requests refused as a whole, by reason (auth, rate_limited, quota, overloaded, 4xx code)',
      labelNames: ['reason'] as const,
      registers,
    }),
    groupCommitBatchRows: new Histogram({
      name: 'mylog_group_commit_batch_rows',
      help: 'Rows per group-commit batch (one BullMQ job, one ClickHouse insert)',
      buckets: sizeBuckets,
      registers,
    }),
    groupCommitBatchBytes: new Histogram({
      name: 'mylog_group_commit_batch_bytes',
      help: 'Serialised row bytes per group-commit batch',
      buckets: [1e3, 1e4, 1e5, 1e6, 4e6, 16e6, 64e6],
      registers,
    }),
    groupCommitWriteSeconds: new Histogram({
      name: 'mylog_group_commit_write_seconds',
      help: 'Time to make one batch durable in Redis (payload, job, durability wait)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'mylog_ingest_queue_depth',
      help: 'Insert jobs waiting, delayed or running',
      registers,
    }),
    deadLetterSize: new Gauge({
      name: 'mylog_ingest_dlq_size',
      help: 'Insert jobs that failed their last attempt (mylog dlq list)',
      registers,
    }),
    queueWaitSeconds: new Histogram({
      name: 'mylog_ingest_queue_wait_seconds',
      help: 'From a job being queued to a worker starting it (its share of the ingest → stored lag)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    insertSeconds: new Histogram({
      name: 'mylog_clickhouse_insert_seconds',
      help: 'Duration of one insert into ClickHouse (the jobs a worker held at once, merged)',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    insertBlockRows: new Histogram({
      name: 'mylog_clickhouse_insert_block_rows',
      help: 'Rows per insert into ClickHouse (the jobs a worker held at once, merged)',
      buckets: [100, 1_000, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000],
      registers,
    }),
    insertRowsTotal: new Counter({
      name: 'mylog_clickhouse_insert_rows_total',
      help: 'Rows inserted into ClickHouse by the ingest worker',
      registers,
    }),
    insertFailuresTotal: new Counter({
      name: 'mylog_clickhouse_insert_failures_total',
      help: 'Failed insert attempts, by kind (unavailable: ClickHouse unreachable; rejected: it refused)',
      labelNames: ['kind'] as const,
      registers,
    }),
    lagSeconds: new Histogram({
      name: 'mylog_ingest_lag_seconds',
      help: 'From the oldest request of a batch being received to its rows being stored',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
