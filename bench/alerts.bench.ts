/**
 * Alert evaluation throughput: 1,000 rules at `every: 1m` over 10M log rows (7 days, generated
 * inside ClickHouse), evaluated the way the scheduler's workers do it (evaluateRule: the creator's
 * rights, the aggregate query, the Postgres transaction with the period guard), with
 * ALERTS_EVAL_CONCURRENCY evaluations at once. Keeping up means at least 1000 / 60 ≈ 16.7
 * evaluations per second.
 *
 * Run: npm run bench:alerts                          (10M rows, 1,000 rules, 3 periods)
 *      npm run bench:alerts -- --rows 1000000 --rules 200 --periods 2 --concurrency 8
 * Prints evaluations/s and p50/p95/max evaluation time per period, with the load average.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { evaluateRule } from '../src/modules/alerts/alert-evaluator.ts';
import {
  createAlertsRepository,
  type RuleFields,
} from '../src/modules/alerts/alerts.repository.ts';
import { createUsersRepository } from '../src/modules/auth/users.repository.ts';
import { createAppWithKey } from '../src/modules/apps/apps.service.ts';
import { createMembershipsRepository } from '../src/modules/members/memberships.repository.ts';
import { createOrg } from '../src/modules/orgs/orgs.service.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { createChdbTestStore } from '../test/helpers/services.ts';
import { generateLogs, type GeneratedApp } from './lib/generated-logs.ts';
import { percentile } from './lib/percentile.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '10000000' },
    rules: { type: 'string', default: '1000' },
    periods: { type: 'string', default: '3' },
    concurrency: { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const RULES = Number(args.rules);
const PERIODS = Number(args.periods);
const EVERY_MS = 60_000;

const teardowns: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const { app, db, clickhouse, config } = await buildTestApp(t, {
  clickhouse: createChdbTestStore(t),
  env: {
    LOG_LEVEL: 'warn',
    MYLOG_ROLES: 'api',
    ...(args.concurrency ? { ALERTS_EVAL_CONCURRENCY: args.concurrency } : {}),
  },
});
const concurrency = config.alerts.evalConcurrency;

const apps: GeneratedApp[] = [];
const user = await createUsersRepository(db).create({
  email: 'oncall@bench.test',
  passwordHash: null,
  platformAdmin: false,
});
for (const [slug, count] of [
  ['acme', 4],
  ['globex', 6],
] as const) {
  const org = await createOrg(db, { name: slug, slug });
  await createMembershipsRepository(db).add({ orgId: org.id }, user.id, 'member');
  for (let i = 0; i < count; i++) {
    const { app: created } = await createAppWithKey(
      db,
      { orgId: org.id },
      { name: `${slug} ${i}`, slug: `app-${i}` },
    );
    apps.push({ id: created.id, orgId: org.id });
  }
}
console.log(`generating ${(ROWS / 1e6).toFixed(1)}M rows over 7 days…`);
await generateLogs(clickhouse, { rows: ROWS, batchRows: 1_000_000, spanDays: 7, apps });

// A mix like real rule sets: plain error counts (rollup-served), attribute filters, numeric
// measures, grouped rules.
const SHAPES: Omit<RuleFields, 'name' | 'app_ids' | 'channel_ids' | 'enabled' | 'muted_until'>[] = [
  {
    q: 'level:error',
    measure: { op: 'count' },
    group_by: [],
    condition_op: '>',
    threshold: 50,
    window_ms: 300_000,
    every_ms: EVERY_MS,
    for_ms: 0,
    no_data: 'ok',
    renotify_ms: null,
  },
  {
    q: 'service:checkout level:(error OR fatal)',
    measure: { op: 'count' },
    group_by: [],
    condition_op: '>',
    threshold: 5,
    window_ms: 300_000,
    every_ms: EVERY_MS,
    for_ms: 120_000,
    no_data: 'ok',
    renotify_ms: 3600_000,
  },
  {
    q: 'status>=500',
    measure: { op: 'count' },
    group_by: ['service'],
    condition_op: '>',
    threshold: 20,
    window_ms: 600_000,
    every_ms: EVERY_MS,
    for_ms: 0,
    no_data: 'ok',
    renotify_ms: null,
  },
  {
    q: 'route:"/api/v2/checkout"',
    measure: { op: 'p95', field: 'duration_ms' },
    group_by: [],
    condition_op: '>',
    threshold: 2500,
    window_ms: 300_000,
    every_ms: EVERY_MS,
    for_ms: 0,
    no_data: 'no_data',
    renotify_ms: null,
  },
  {
    q: '"upstream timeout"',
    measure: { op: 'count' },
    group_by: ['host'],
    condition_op: '>',
    threshold: 3,
    window_ms: 900_000,
    every_ms: EVERY_MS,
    for_ms: 0,
    no_data: 'ok',
    renotify_ms: null,
  },
  {
    q: '',
    measure: { op: 'avg', field: 'duration_ms' },
    group_by: ['service'],
    condition_op: '>',
    threshold: 1600,
    window_ms: 60_000,
    every_ms: EVERY_MS,
    for_ms: 0,
    no_data: 'keep',
    renotify_ms: null,
  },
];
const repo = createAlertsRepository(db);
const ruleIds: string[] = [];
for (let i = 0; i < RULES; i++) {
  const target = apps[i % apps.length] as GeneratedApp;
  const shape = SHAPES[i % SHAPES.length] as (typeof SHAPES)[number];
  const rule = await repo.insertRule({ orgId: target.orgId }, user.id, {
    ...shape,
    name: `rule ${i}`,
    app_ids: i % 3 === 0 ? [] : [target.id],
    channel_ids: [],
    enabled: true,
    muted_until: null,
  });
  ruleIds.push(rule.id);
}
console.log(
  `${RULES} rules (${SHAPES.length} shapes), every 1m, evaluated ${concurrency} at a time`,
);

const firstPeriod = Math.floor(Date.now() / EVERY_MS) * EVERY_MS - (PERIODS - 1) * EVERY_MS;
for (let p = 0; p < PERIODS; p++) {
  const periodMs = firstPeriod + p * EVERY_MS;
  const times: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const started = performance.now();
  const load = os.loadavg();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= ruleIds.length) return;
        const t0 = performance.now();
        try {
          await evaluateRule(app.alerts.evaluator, ruleIds[i] as string, {
            periodMs,
            nowMs: periodMs + 1_000,
          });
        } catch (error) {
          failures.push((error as Error).message);
        }
        times.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = os.loadavg();
  times.sort((a, b) => a - b);
  console.log(
    `period ${p + 1}: ${RULES} evaluations in ${seconds.toFixed(1)} s = ${(RULES / seconds).toFixed(1)} evaluations/s ` +
      `(needed ${(RULES / 60).toFixed(1)}/s); evaluation p50 ${percentile(times, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(times, 95).toFixed(1)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms; ` +
      `failures ${failures.length}${failures[0] ? ` (${failures[0]})` : ''}; ` +
      `load average ${load.map((l) => l.toFixed(2)).join(' ')} → ${after.map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} CPUs)`,
  );
}
const events = await db
  .selectFrom('alert_events')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .executeTakeFirstOrThrow();
console.log(`state changes recorded: ${Number(events.n)}`);
for (const fn of teardowns.reverse()) await fn();
process.exit(0);
