// Evaluates one rule for one period. The ClickHouse query runs first, outside any transaction;
// then one Postgres transaction claims the period (UPDATE … WHERE last_period_ms < period: the
// row lock serialises two instances evaluating the same rule, and the loser finds the period
// taken and writes nothing), stores every instance's state, appends the history and records the
// notifications in the delivery outbox. Deliveries are queued after commit (the outbox sweeper
// covers a crash in between). So a period's effects happen exactly once, however many times the
// job runs.
import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';
import { aggregate, type AggregateDeps } from '../analytics/aggregate.service.ts';
import type { AggregateRowsAnswer, Measure } from '../analytics/aggregate.schemas.ts';
import { titleOf, type NotificationMessage } from '../notifications/notification-message.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { NS_PER_MS, toRfc3339 } from '../search/time-range.ts';
import { durationText } from './alert-duration.ts';
import { INITIAL, step, type InstanceState, type Observation } from './alert-state.ts';
import type { AlertMetrics } from './alert-metrics.ts';
import {
  createAlertsRepository,
  type InstanceRow,
  type RuleRow,
  type SilenceRow,
} from './alerts.repository.ts';
import { ruleScope } from './rule-scope.ts';

export interface EvaluatorDeps {
  config: Config;
  db: Db;
  aggregate: AggregateDeps;
  notifier: Notifier;
  metrics?: AlertMetrics;
}

export type EvaluationOutcome =
  | { outcome: 'evaluated'; instances: number; notifications: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'stopped'; reason: string };

export function periodOf(nowMs: number, everyMs: number): number {
  return Math.floor(nowMs / everyMs) * everyMs;
}

export function groupKeyOf(values: Record<string, string>, groupBy: readonly string[]): string {
  if (groupBy.length === 0) return '';
  const text = JSON.stringify(groupBy.map((g) => values[g] ?? ''));
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}

function toState(row: InstanceRow | undefined): InstanceState {
  if (!row) return INITIAL;
  return {
    state: row.state,
    stateSinceMs: new Date(row.state_since).getTime(),
    pendingSinceMs: row.pending_since ? new Date(row.pending_since).getTime() : null,
    value: row.value,
    notifiedState: row.notified_state,
    lastNotifiedAtMs: row.last_notified_at ? new Date(row.last_notified_at).getTime() : null,
    changes: row.changes,
    flapping: row.flapping,
  };
}

function silenceFor(
  silences: readonly SilenceRow[],
  ruleId: string,
  group: Record<string, string>,
): SilenceRow | undefined {
  return silences.find(
    (s) =>
      (s.rule_id === null || s.rule_id === ruleId) &&
      Object.entries(s.matcher as Record<string, string>).every(([k, v]) => group[k] === v),
  );
}

interface Observed {
  group: Record<string, string>;
  observation: Observation;
}

/** Each group's value in the window; a group with no matching rows has no observation. */
function observationsOf(rule: RuleRow, answer: AggregateRowsAnswer): Map<string, Observed> {
  const out = new Map<string, Observed>();
  for (const row of answer.rows) {
    const group = row.group ?? {};
    const [value, rows] = row.values;
    const observation = !rows || value === null || value === undefined ? null : { value };
    out.set(groupKeyOf(group, rule.group_by), { group, observation });
  }
  if (rule.group_by.length === 0 && !out.has('')) out.set('', { group: {}, observation: null });
  return out;
}

function messageOf(
  config: Config,
  rule: RuleRow,
  eventId: string,
  state: NotificationMessage['state'],
  group: Record<string, string>,
  value: number | null,
  window: { fromMs: number; toMs: number },
  atMs: number,
): NotificationMessage {
  const measure = rule.measure as unknown as Measure;
  const what = measure.field ? `${measure.op}(${measure.field})` : measure.op;
  const shown = value === null ? 'no data' : String(Math.round(value * 1000) / 1000);
  return {
    event_id: eventId,
    state,
    org_id: rule.org_id,
    rule: { id: rule.id, name: rule.name },
    group,
    value,
    threshold: rule.threshold,
    link: `${config.publicUrl}/alerts/${rule.id}`,
    at: new Date(atMs).toISOString(),
    title: titleOf(state, rule.name, group),
    text:
      `${what} = ${shown} (condition ${rule.condition_op} ${rule.threshold}) over ` +
      `${durationText(rule.window_ms)} up to ${new Date(window.toMs).toISOString()}` +
      (rule.q ? `, query: ${rule.q}` : ''),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function evaluateRule(
  deps: EvaluatorDeps,
  ruleId: string,
  at: { periodMs?: number; nowMs: number },
): Promise<EvaluationOutcome> {
  const { config, db } = deps;
  const repo = createAlertsRepository(db);
  const rule = await repo.findRule(undefined, ruleId);
  if (!rule) return { outcome: 'skipped', reason: 'rule deleted' };
  if (!rule.enabled) return { outcome: 'skipped', reason: 'rule disabled' };
  const periodMs = at.periodMs ?? periodOf(at.nowMs, rule.every_ms);
  if (rule.last_period_ms !== null && rule.last_period_ms >= periodMs) {
    return { outcome: 'skipped', reason: 'period already evaluated' };
  }
  const claim = async (trx: Db, error: string | null) =>
    trx
      .updateTable('alert_rules')
      .set({ last_period_ms: periodMs, last_eval_at: new Date(at.nowMs), last_error: error })
      .where('id', '=', rule.id)
      .where((eb) => eb.or([eb('last_period_ms', 'is', null), eb('last_period_ms', '<', periodMs)]))
      .returning('id')
      .executeTakeFirst();

  const access = await ruleScope(db, rule);
  if (!access.ok) {
    await claim(db, access.reason);
    return { outcome: 'stopped', reason: access.reason };
  }
  const windowToMs = periodMs - config.alerts.ingestLagMs;
  const window = { fromMs: windowToMs - rule.window_ms, toMs: windowToMs };
  // The stored state and silences are read while ClickHouse counts.
  const [answer, instances, silences] = await Promise.all([
    aggregate(
      deps.aggregate,
      access.scope,
      {
        q: rule.q,
        from: toRfc3339(BigInt(window.fromMs) * NS_PER_MS),
        to: toRfc3339(BigInt(window.toMs) * NS_PER_MS),
        measures: [rule.measure as unknown as Measure, { op: 'count' }],
        group_by: rule.group_by,
        limit: config.alerts.maxGroupsPerRule,
        interval: null,
      },
      () => at.nowMs,
      'alerts.evaluate',
    ) as Promise<AggregateRowsAnswer>,
    repo.instancesOf([rule.id]),
    repo.activeSilences(rule.org_id, at.nowMs),
  ]);
  const observed = observationsOf(rule, answer);
  const existing = new Map(instances.map((i) => [i.group_key, i]));
  for (const [key, instance] of existing) {
    if (!observed.has(key)) {
      observed.set(key, {
        group: instance.group_values as Record<string, string>,
        observation: null,
      });
    }
  }
  const muted = rule.muted_until !== null && new Date(rule.muted_until).getTime() > at.nowMs;
  const flap = {
    maxChanges: config.alerts.flapMaxChanges,
    windowEvals: config.alerts.flapWindowEvals,
  };
  const settings = {
    op: rule.condition_op,
    threshold: rule.threshold,
    forMs: rule.for_ms,
    noData: rule.no_data,
    renotifyMs: rule.renotify_ms,
  };

  const queued: string[] = [];
  const committed = await db.transaction().execute(async (trx) => {
    if (!(await claim(trx, null))) return false;
    if (config.alerts.evalCommitDelayMs > 0) await sleep(config.alerts.evalCommitDelayMs);
    for (const [key, { group, observation }] of observed) {
      const previous = existing.get(key);
      const prev = previous ? toState(previous) : { ...INITIAL, stateSinceMs: at.nowMs };
      const silence = silenceFor(silences, rule.id, group);
      const result = step(
        prev,
        observation,
        settings,
        flap,
        at.nowMs,
        muted || silence !== undefined,
      );
      const next = result.next;
      await trx
        .insertInto('alert_instances')
        .values({
          rule_id: rule.id,
          group_key: key,
          group_values: JSON.stringify(group),
          state: next.state,
          state_since: new Date(next.stateSinceMs),
          pending_since: next.pendingSinceMs === null ? null : new Date(next.pendingSinceMs),
          value: next.value,
          last_eval_at: new Date(at.nowMs),
          last_notified_at: next.lastNotifiedAtMs === null ? null : new Date(next.lastNotifiedAtMs),
          notified_state: next.notifiedState,
          changes: next.changes,
          flapping: next.flapping,
        })
        .onConflict((oc) =>
          oc.columns(['rule_id', 'group_key']).doUpdateSet((eb) => ({
            group_values: eb.ref('excluded.group_values'),
            state: eb.ref('excluded.state'),
            state_since: eb.ref('excluded.state_since'),
            pending_since: eb.ref('excluded.pending_since'),
            value: eb.ref('excluded.value'),
            last_eval_at: eb.ref('excluded.last_eval_at'),
            last_notified_at: eb.ref('excluded.last_notified_at'),
            notified_state: eb.ref('excluded.notified_state'),
            changes: eb.ref('excluded.changes'),
            flapping: eb.ref('excluded.flapping'),
          })),
        )
        .execute();
      if (!result.changed && result.notify === null && !result.suppressed) continue;
      const eventId = `alert-${rule.id}-${key || 'all'}-${periodMs}`;
      await trx
        .insertInto('alert_events')
        .values({
          org_id: rule.org_id,
          rule_id: rule.id,
          event_key: eventId,
          group_key: key,
          group_values: JSON.stringify(group),
          from_state: prev.state,
          to_state: next.state,
          notification: result.notify ?? (result.suppressed ? 'suppressed' : null),
          value: next.value,
          threshold: rule.threshold,
          window_from: new Date(window.fromMs),
          window_to: new Date(window.toMs),
          silenced_by: silence?.id ?? null,
          at: new Date(at.nowMs),
        })
        .execute();
      if (result.notify !== null && rule.channel_ids.length > 0) {
        const message = messageOf(
          config,
          rule,
          eventId,
          result.notify,
          group,
          next.value,
          window,
          at.nowMs,
        );
        queued.push(...(await deps.notifier.record(trx, rule.org_id, rule.channel_ids, message)));
      }
    }
    return true;
  });
  if (!committed) return { outcome: 'skipped', reason: 'period already evaluated' };
  await deps.notifier.enqueue(queued);
  return { outcome: 'evaluated', instances: observed.size, notifications: queued.length };
}
