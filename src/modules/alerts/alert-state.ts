// One alert instance's next state from one evaluation, and what (if anything) to tell people.
// Pure: the evaluator feeds it the stored instance, the observation and the time, and stores
// what it returns, so every rule (for, no_data, renotify, flapping, silences) is testable here.
import type { AlertConditionOp, AlertNoData, AlertState } from '../../infra/database.ts';
import type { NotificationState } from '../notifications/notification-message.ts';

export interface InstanceState {
  state: AlertState;
  stateSinceMs: number;
  pendingSinceMs: number | null;
  value: number | null;
  /** What people were last told (null = nothing yet, which reads as ok). */
  notifiedState: AlertState | null;
  lastNotifiedAtMs: number | null;
  /** Per recent evaluation, whether the state changed (newest last, at most flapWindowEvals). */
  changes: boolean[];
  flapping: boolean;
}

export interface RuleSettings {
  op: AlertConditionOp;
  threshold: number;
  forMs: number;
  noData: AlertNoData;
  renotifyMs: number | null;
}

export interface FlapSettings {
  maxChanges: number;
  windowEvals: number;
}

/** A value, or null when the window held no matching rows for this instance. */
export type Observation = { value: number } | null;

export interface Step {
  next: InstanceState;
  /** The state changed in this evaluation. */
  changed: boolean;
  /** What to notify now, if anything. */
  notify: NotificationState | null;
  /** A notification was due but held back (silence or mute); recorded in the history. */
  suppressed: boolean;
}

export const INITIAL: InstanceState = {
  state: 'ok',
  stateSinceMs: 0,
  pendingSinceMs: null,
  value: null,
  notifiedState: null,
  lastNotifiedAtMs: null,
  changes: [],
  flapping: false,
};

export function conditionHolds(value: number, op: AlertConditionOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '=':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

function stateAfter(prev: InstanceState, holds: boolean, rule: RuleSettings, nowMs: number) {
  if (!holds) return { state: 'ok' as const, pendingSinceMs: null };
  if (prev.state === 'firing') return { state: 'firing' as const, pendingSinceMs: null };
  const pendingSince = prev.state === 'pending' ? (prev.pendingSinceMs ?? nowMs) : nowMs;
  if (nowMs - pendingSince >= rule.forMs) return { state: 'firing' as const, pendingSinceMs: null };
  return { state: 'pending' as const, pendingSinceMs: pendingSince };
}

type Visible = 'ok' | 'firing' | 'no_data';

/** What people see: pending is still ok to them. */
const visible = (state: AlertState | null): Visible =>
  state === null || state === 'pending' ? 'ok' : state;

export function step(
  prev: InstanceState,
  observation: Observation,
  rule: RuleSettings,
  flap: FlapSettings,
  nowMs: number,
  quiet: boolean,
): Step {
  let target: { state: AlertState; pendingSinceMs: number | null };
  if (observation !== null) {
    target = stateAfter(
      prev,
      conditionHolds(observation.value, rule.op, rule.threshold),
      rule,
      nowMs,
    );
  } else if (rule.noData === 'keep') {
    target = { state: prev.state, pendingSinceMs: prev.pendingSinceMs };
  } else if (rule.noData === 'firing') {
    target = stateAfter(prev, true, rule, nowMs);
  } else {
    target = { state: rule.noData, pendingSinceMs: null };
  }
  const changed = target.state !== prev.state;
  const changes = [...prev.changes, changed].slice(-flap.windowEvals);
  const flapping = changes.filter(Boolean).length > flap.maxChanges;
  const next: InstanceState = {
    state: target.state,
    stateSinceMs: changed ? nowMs : prev.stateSinceMs,
    pendingSinceMs: target.pendingSinceMs,
    value: observation?.value ?? null,
    notifiedState: prev.notifiedState,
    lastNotifiedAtMs: prev.lastNotifiedAtMs,
    changes,
    flapping,
  };
  let notify: NotificationState | null = null;
  const shown = visible(next.state);
  const told = visible(prev.notifiedState);
  if (flapping && !prev.flapping) {
    notify = 'flapping';
  } else if (!flapping && shown !== told) {
    notify = shown === 'ok' ? 'resolved' : shown;
  } else if (
    !flapping &&
    shown === 'firing' &&
    told === 'firing' &&
    rule.renotifyMs !== null &&
    prev.lastNotifiedAtMs !== null &&
    nowMs - prev.lastNotifiedAtMs >= rule.renotifyMs
  ) {
    notify = 'firing';
  }
  if (notify !== null && quiet) {
    // Held back: the notified state stays as it was, so the first evaluation after the silence
    // tells people where things stand (unless they are back where they were).
    return { next, changed, notify: null, suppressed: true };
  }
  if (notify !== null) {
    next.lastNotifiedAtMs = nowMs;
    if (notify !== 'flapping') next.notifiedState = shown;
  }
  return { next, changed, notify, suppressed: false };
}
