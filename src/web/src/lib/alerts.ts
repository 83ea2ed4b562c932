// Shapes of /v1/alerts, /v1/alert-silences, /v1/notification-channels, /v1/notification-deliveries
// and /v1/notifications (see /docs).
import { hasMessage, t } from '../i18n/display.ts';

export type AlertState = 'ok' | 'pending' | 'firing' | 'no_data';
export type ConditionOp = '>' | '>=' | '<' | '<=' | '=' | '!=';
export type NoData = 'ok' | 'no_data' | 'firing' | 'keep';

export interface Measure {
  op: string;
  field?: string;
}

export interface AlertInstance {
  group: Record<string, string>;
  state: AlertState;
  since: string;
  value: number | null;
  flapping: boolean;
}

export interface AlertRule {
  id: string;
  org_id: string;
  name: string;
  q: string;
  apps: string[];
  measure: Measure;
  group_by: string[];
  condition: { op: ConditionOp; threshold: number };
  window: string;
  every: string;
  for: string;
  no_data: NoData;
  renotify: string | null;
  channels: string[];
  enabled: boolean;
  muted_until: string | null;
  state: AlertState;
  instances: AlertInstance[];
  last_eval_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AlertEvent {
  id: number;
  event_id: string;
  group: Record<string, string>;
  from: AlertState;
  to: AlertState;
  notification: string | null;
  value: number | null;
  threshold: number;
  window_from: string;
  window_to: string;
  silenced_by: string | null;
  at: string;
}

export interface Silence {
  id: string;
  rule_id: string | null;
  matcher: Record<string, string>;
  starts_at: string;
  ends_at: string;
  comment: string;
}

export type ChannelType = 'webhook' | 'slack' | 'email' | 'in_app';

export interface Channel {
  id: string;
  org_id: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  created_at: string;
}

export interface Delivery {
  id: string;
  channel_id: string | null;
  event_id: string;
  title: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface AppNotification {
  id: string;
  title: string;
  body: string;
  link: string | null;
  state: string | null;
  created_at: string;
  read_at: string | null;
}

export const MEASURE_OPS = [
  'count',
  'rate',
  'count_distinct',
  'sum',
  'avg',
  'min',
  'max',
  'p50',
  'p90',
  'p95',
  'p99',
] as const;
export const CONDITION_OPS: ConditionOp[] = ['>', '>=', '<', '<=', '=', '!='];

export function stateLabel(state: AlertState): string {
  const key = `alerts.state.${state}`;
  return hasMessage(key) ? t(key) : state;
}

/** What an alert event sent (firing, resolved…), in the reader's language when it is known. */
export function notificationLabel(kind: string): string {
  const key = `alerts.notification.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

export function measureLabel(m: Measure): string {
  return m.field ? `${m.op}(${m.field})` : m.op;
}

/** "5m" → seconds. */
export function durationSeconds(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) return NaN;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
