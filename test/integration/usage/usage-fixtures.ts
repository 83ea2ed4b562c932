// Synthetic usage for the usage and report tests: logs rows written straight into ClickHouse (as
// the ingest worker writes them) with receive times spread over a chosen month, so the usage view
// counts them on those days. Months derive from the clock; nothing here holds a literal date.
import type { ClickHouseStore } from '../../../src/infra/clickhouse/store.ts';
import { uuidV7 } from '../../../src/modules/ingest/decode/uuid-v7.ts';
import { monthOf, monthSpan } from '../../../src/modules/usage/usage-days.ts';

export function previousMonthOfNow(): string {
  return monthOf(monthSpan(monthOf(Date.now())).startMs - 1);
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export interface SyntheticSpec {
  orgId: string;
  appIds: string[];
  month: string;
  endUsers: number;
  rows: number;
  seed: number;
  /** Only the first `days` days of the month (a month-to-date run), default all. */
  days?: number;
}

/** Inserts `rows` logs rows; user_id '' for about 5 % (unattributed), errors about 3 %. */
export async function insertSyntheticMonth(
  clickhouse: ClickHouseStore,
  spec: SyntheticSpec,
): Promise<void> {
  const random = rng(spec.seed);
  const span = monthSpan(spec.month);
  const lengthMs = (spec.days ?? span.days) * 86_400_000 - 1;
  const lines: string[] = [];
  let batch = 0;
  const flush = async () => {
    if (lines.length === 0) return;
    batch += 1;
    await clickhouse.insertRaw('logs', Buffer.from(`${lines.join('\n')}\n`), {
      insert_deduplication_token: `synthetic-${spec.seed}-${batch}`,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    });
    lines.length = 0;
  };
  for (let i = 0; i < spec.rows; i++) {
    // Skewed towards low user numbers, so the top 100 differ from the rest.
    const user = Math.floor(spec.endUsers * random() ** 2);
    const at = span.startMs + Math.floor(random() * lengthMs);
    const level = random() < 0.03 ? 'error' : random() < 0.5 ? 'info' : 'debug';
    lines.push(
      JSON.stringify({
        org_id: spec.orgId,
        app_id: spec.appIds[Math.floor(random() * spec.appIds.length)],
        ts: chTime(at),
        observed_ts: chTime(at),
        id: uuidV7(at),
        level,
        severity_number: 9,
        service: 'svc',
        host: 'h1',
        message: `request ${i} ${'x'.repeat(Math.floor(random() * 200))}`,
        attributes: { route: `/r/${i % 17}` },
        resource: {},
        trace_id: '',
        span_id: '',
        user_id: random() < 0.05 ? '' : `user-${user}`,
        retention_days: 3650,
      }),
    );
    if (lines.length >= 20_000) await flush();
  }
  await flush();
}

/** The bytes measure of the usage view, computed on the logs table directly. */
export const ROW_BYTES_SQL =
  'length(message) + length(service) + length(host) + arraySum(arrayMap((k, v) -> length(k) + length(v), mapKeys(attributes), mapValues(attributes)))';
