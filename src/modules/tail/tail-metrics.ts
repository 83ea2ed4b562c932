import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface TailMetrics {
  socketsOpen: Gauge;
  appsSubscribed: Gauge;
  rowsSent: Counter;
  rowsDropped: Counter<'reason'>;
  rowsSampledOut: Counter;
  connectionsRefused: Counter<'reason'>;
  deliveryLatency: Histogram;
  leaseLapses: Counter;
}

export function tailMetrics(registry: Registry, bufferedBytes: () => number): TailMetrics {
  new Gauge({
    name: 'mylog_tail_buffered_bytes',
    help: 'Bytes queued for tail clients (unsent frames and held rows), all sockets',
    registers: [registry],
    collect() {
      this.set(bufferedBytes());
    },
  });
  return {
    socketsOpen: new Gauge({
      name: 'mylog_tail_sockets_open',
      help: 'Open live-tail WebSockets',
      registers: [registry],
    }),
    appsSubscribed: new Gauge({
      name: 'mylog_tail_apps_subscribed',
      help: 'Apps this process holds a Redis tail subscription for',
      registers: [registry],
    }),
    rowsSent: new Counter({
      name: 'mylog_tail_rows_sent_total',
      help: 'Rows sent to tail clients (one per row per socket)',
      registers: [registry],
    }),
    rowsDropped: new Counter({
      name: 'mylog_tail_rows_dropped_total',
      help: 'Rows a tail client did not get: slow_client (buffer full), resume_limit',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    rowsSampledOut: new Counter({
      name: 'mylog_tail_rows_sampled_out_total',
      help: 'Rows left out of a tail query above TAIL_MAX_ROWS_PER_SECOND (one per row per socket)',
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'mylog_tail_connections_refused_total',
      help: 'Tail upgrades refused: origin, capacity, draining',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: 'mylog_tail_delivery_latency_seconds',
      help: 'From ingest receiving a row to the tail handing it to a socket (per row and query)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    leaseLapses: new Counter({
      name: 'mylog_tail_lease_lapses_total',
      help: 'Times a tail lease ran out before its refresh landed (its sockets were made to resume)',
      registers: [registry],
    }),
  };
}
