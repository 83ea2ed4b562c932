// Realistic logs generated inside ClickHouse (INSERT … SELECT FROM numbers), so 100M rows take
// minutes: several orgs and apps (skewed sizes), skewed levels, services and hosts, templated
// messages with a long tail of tokens, attributes (status, http.method, route, duration_ms, …),
// spread evenly over the last `spanDays` days. Shared by the search and analytics benches.
import type { ClickHouseStore } from '../../src/infra/clickhouse/store.ts';
import { NS_PER_S, nowNanos } from '../../src/modules/search/time-range.ts';

export interface GeneratedApp {
  id: string;
  orgId: string;
}

export interface GenerateOptions {
  rows: number;
  batchRows: number;
  spanDays: number;
  /** Ten apps: row shares follow the skew table in the SQL (app 1 of each org the largest). */
  apps: readonly GeneratedApp[];
}

// h1…h4 are independent hashes of the row number.
export const GENERATE_LOGS_SQL = `
INSERT INTO logs
SELECT
  org_ids[app_idx] AS org_id,
  app_ids[app_idx] AS app_id,
  fromUnixTimestamp64Nano(ts_ns, 'UTC') AS ts,
  fromUnixTimestamp64Nano(ts_ns + toInt64(h2 % 2000000000), 'UTC') AS observed_ts,
  toUUID(concat(
    substring(ms_hex, 1, 8), '-', substring(ms_hex, 9, 4), '-7', substring(h3_hex, 1, 3), '-8',
    substring(h3_hex, 4, 3), '-', substring(h3_hex, 7, 12))) AS id,
  level,
  multiIf(level = 'trace', 1, level = 'debug', 5, level = 'info', 9, level = 'warn', 13,
          level = 'error', 17, 21) AS severity_number,
  services[1 + (h2 % 12)] AS service,
  concat('web-', toString(1 + (h3 % 40))) AS host,
  concat(
    multiIf(
      t < 30, concat('GET /api/v1/orders/', toString(h2 % 100000), ' completed in ', toString(h3 % 900), 'ms'),
      t < 50, concat('user u', toString(h3 % 50000), ' logged in from ', toString(h2 % 256), '.', toString(h3 % 256), '.0.1'),
      t < 58, concat('payment declined for order ', toString(h2 % 1000000), ' code ', toString(h3 % 57)),
      t < 66, concat('upstream timeout after ', toString(h2 % 30000), 'ms calling ', services[1 + (h3 % 12)]),
      t < 76, concat('cache miss key ', lower(hex(h2 % 4294967296))),
      t < 86, concat('POST /api/v2/checkout status ', toString(status)),
      t < 94, concat('job ', toString(h3 % 10000), ' finished: processed ', toString(h2 % 5000), ' items'),
      concat('connection reset by peer while reading response header from upstream ', toString(h2 % 999))),
    ' tok', toString(toUInt32(exp((h4 % 1000000) / 1000000 * 13.8))),
    if(h1 % 1000003 = 17, ' zircon', '')) AS message,
  mapFilter((k, v) -> v != '', map(
    'status', toString(status),
    'http.method', ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'][1 + (h3 % 6)],
    'route', ['/api/v1/orders', '/api/v1/users', '/api/v2/checkout', '/health', '/api/v1/search'][1 + (h2 % 5)],
    'duration_ms', toString(h4 % 3000),
    'customer_tier', if(h2 % 10 = 0, ['free', 'pro', 'enterprise'][1 + (h3 % 3)], ''),
    'region', if(h3 % 3 = 0, ['eu-west-1', 'us-east-1', 'ap-south-1'][1 + (h4 % 3)], ''))) AS attributes,
  map('service.version', concat('1.', toString(h4 % 20)), 'deployment.environment', 'production') AS resource,
  lower(hex(h2)) AS trace_id,
  lower(substring(hex(h3), 1, 16)) AS span_id,
  concat('u', toString(h3 % 50000)) AS user_id,
  30 AS retention_days
FROM (
  SELECT
    number,
    cityHash64(number, 1) AS h1, cityHash64(number, 2) AS h2,
    cityHash64(number, 3) AS h3, cityHash64(number, 4) AS h4,
    {start_ns:Int64} + toInt64(number) * {step_ns:Int64} + toInt64(h1 % {step_ns:UInt64}) AS ts_ns,
    leftPad(lower(hex(intDiv(ts_ns + toInt64(h2 % 2000000000), 1000000))), 12, '0') AS ms_hex,
    leftPad(lower(hex(h3)), 18, '0') AS h3_hex,
    {org_ids:Array(UUID)} AS org_ids,
    {app_ids:Array(UUID)} AS app_ids,
    -- App sizes are skewed: app 1 of each org gets the most rows.
    [1, 1, 1, 1, 2, 2, 3, 4, 5, 5, 5, 5, 6, 6, 7, 8, 9, 10, 5, 1][1 + (h1 % 20)] AS app_idx,
    h4 % 1000 AS lv,
    multiIf(lv < 20, 'trace', lv < 170, 'debug', lv < 850, 'info', lv < 950, 'warn', lv < 995, 'error', 'fatal') AS level,
    h2 % 100 AS t,
    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 404, 404, 500, 502][1 + (h3 % 20)] AS status,
    ['checkout', 'payments', 'auth', 'search', 'catalog', 'cart', 'shipping', 'email',
     'gateway', 'inventory', 'recommendations', 'billing'] AS services
  FROM numbers({first:UInt64}, {count:UInt64})
)`;

/** Returns when the generated data ends (ms since the epoch): when generation started, less a minute. */
export async function generateLogs(
  store: ClickHouseStore,
  options: GenerateOptions,
): Promise<number> {
  const { rows, spanDays, apps } = options;
  const batchRows = Math.min(rows, options.batchRows);
  const endNs = nowNanos() - 60n * NS_PER_S;
  const spanNs = BigInt(spanDays) * 86_400n * NS_PER_S;
  const stepNs = spanNs / BigInt(rows);
  const started = performance.now();
  for (let first = 0; first < rows; first += batchRows) {
    const count = Math.min(batchRows, rows - first);
    await store.command(GENERATE_LOGS_SQL, {
      start_ns: (endNs - spanNs).toString(),
      step_ns: stepNs.toString(),
      org_ids: apps.map((a) => a.orgId),
      app_ids: apps.map((a) => a.id),
      first,
      count,
    });
    progress(first + count, rows, started);
  }
  process.stdout.write('\n');
  return Number(endNs / 1_000_000n);
}

function progress(done: number, rows: number, started: number): void {
  const width = 30;
  const filled = Math.round((done / rows) * width);
  const rate = done / ((performance.now() - started) / 1000);
  const eta = (rows - done) / rate;
  process.stdout.write(
    `\r  [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${((done / rows) * 100).toFixed(0).padStart(3)}% ` +
      `${(done / 1e6).toFixed(1)}M/${(rows / 1e6).toFixed(1)}M rows, ${(rate / 1e6).toFixed(2)}M rows/s, ETA ${eta.toFixed(0)} s   `,
  );
}
