// What the per-tenant ingest counters cost the ingest path: one accepted() per request.
// node --import tsx bench/ingest-stats.bench.ts
import type { ClickHouseStore } from '../src/infra/clickhouse/store.ts';
import { createIngestStats } from '../src/modules/ingest-stats/ingest-stats.ts';
import { loadAverages } from './lib/load-average.ts';

const unused = {} as ClickHouseStore; // never flushed: the timer is an hour away
const stats = createIngestStats({
  clickhouse: unused,
  flushIntervalMs: 3600_000,
  onError: () => {},
});
const org = '0190f0a0-0000-7000-8000-000000000000';
const apps = Array.from(
  { length: 50 },
  (_, i) => `0190f0a0-0000-7000-8000-0000000000${String(i).padStart(2, '0')}`,
);
const calls = 2_000_000;
for (let round = 1; round <= 3; round++) {
  const started = process.hrtime.bigint();
  const now = Date.now();
  for (let i = 0; i < calls; i++)
    stats.accepted(org, apps[i % apps.length] as string, 10, 1000, now);
  const ns = Number(process.hrtime.bigint() - started) / calls;
  console.log(`round ${round}: accepted() ${ns.toFixed(0)} ns per request (50 apps)`);
}
console.log(`load average: ${loadAverages()}`);
process.exit(0);
