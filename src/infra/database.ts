// Kysely's view of the Postgres schema. Each feature adds its tables here as its migrations land.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export interface OrgsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  disabled_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface AppsTable {
  id: Generated<string>;
  org_id: string;
  slug: string;
  name: string;
  retention_days: Generated<number>;
  rate_limit_records_per_s: number | null;
  rate_limit_bytes_per_s: number | null;
  daily_quota_records: number | null;
  created_at: Generated<Date>;
  deleted_at: NullableTimestamp;
}

export interface IngestKeysTable {
  id: Generated<string>;
  org_id: string;
  app_id: string;
  name: string;
  /** The first characters of the key, shown in lists so people can tell keys apart. */
  display_prefix: string;
  /** sha256 of the whole key: keys carry 190 bits of entropy, so a fast hash is safe and lookups stay cheap. */
  key_hash: string;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  replaced_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export type MembershipRole = 'owner' | 'admin' | 'member' | 'viewer';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  password_hash: string | null;
  platform_admin: Generated<boolean>;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled_at: NullableTimestamp;
  created_at: Generated<Date>;
  last_login_at: NullableTimestamp;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: MembershipRole;
  created_at: Generated<Date>;
  /** Set by the IdP's role claim at each SSO sign-in (migration 0004). */
  sso_managed: Generated<boolean>;
}

/** A pending membership for an e-mail address (migration 0005); accepted at the next sign-in. */
export interface InvitationsTable {
  id: Generated<string>;
  org_id: string;
  email: string;
  role: MembershipRole;
  invited_by: string | null;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  auth_method: 'oidc' | 'local';
  id_token: string | null;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  scope: 'read' | 'admin';
  display_prefix: string;
  token_hash: string;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  org_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  /** jsonb, written as JSON text so arrays are never mistaken for Postgres arrays. */
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** Set by the chain trigger (migration 0011): place in the org's chain, previous and own hash. */
  chain_seq: ColumnType<number, never, never>;
  prev_hash: ColumnType<Buffer | null, never, never>;
  hash: ColumnType<Buffer, never, never>;
}

/** The last entry of each audit chain (an org id, or "platform"); the trigger keeps it. */
export interface AuditChainHeadsTable {
  chain: string;
  seq: number;
  hash: Buffer | null;
}

export type SavedSearchVisibility = 'private' | 'org';

export interface SavedSearchesTable {
  id: Generated<string>;
  org_id: string;
  owner_user_id: string | null;
  name: string;
  query: Generated<string>;
  time_from: string | null;
  time_to: string | null;
  app_ids: ColumnType<string[], string[] | undefined, string[]>;
  visibility: ColumnType<
    SavedSearchVisibility,
    SavedSearchVisibility | undefined,
    SavedSearchVisibility
  >;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type DashboardVisibility = 'private' | 'org';

export interface DashboardsTable {
  id: Generated<string>;
  org_id: string;
  owner_user_id: string | null;
  name: string;
  description: Generated<string>;
  /** { variables, panels } as the API shows them (src/modules/dashboards/dashboards.schemas.ts). */
  spec: ColumnType<unknown, string, string>;
  visibility: ColumnType<DashboardVisibility, DashboardVisibility | undefined, DashboardVisibility>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type NotificationChannelType = 'webhook' | 'slack' | 'email' | 'in_app';
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';
type Json<T> = ColumnType<T, string, string>;

export interface NotificationChannelsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  type: NotificationChannelType;
  /** jsonb, written as JSON text */
  config: Json<Record<string, unknown>>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NotificationDeliveriesTable {
  id: Generated<string>;
  org_id: string | null;
  channel_id: string | null;
  event_id: string;
  message: Json<Record<string, unknown>>;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  delivered_at: NullableTimestamp;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  org_id: string | null;
  event_id: string;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  state: string | null;
  created_at: Generated<Date>;
  read_at: NullableTimestamp;
}

export interface PushSubscriptionsTable {
  id: Generated<string>;
  user_id: string;
  session_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  user_agent: string | null;
  created_at: Generated<Date>;
  last_success_at: NullableTimestamp;
}

export type AlertState = 'ok' | 'pending' | 'firing' | 'no_data';
export type AlertNoData = 'ok' | 'no_data' | 'firing' | 'keep';
export type AlertConditionOp = '>' | '>=' | '<' | '<=' | '=' | '!=';

export interface AlertRulesTable {
  id: Generated<string>;
  org_id: string;
  created_by: string | null;
  name: string;
  q: Generated<string>;
  app_ids: ColumnType<string[], string[] | undefined, string[]>;
  measure: Json<Record<string, unknown>>;
  group_by: ColumnType<string[], string[] | undefined, string[]>;
  condition_op: AlertConditionOp;
  threshold: number;
  window_ms: number;
  every_ms: number;
  for_ms: Generated<number>;
  no_data: ColumnType<AlertNoData, AlertNoData | undefined, AlertNoData>;
  renotify_ms: number | null;
  channel_ids: ColumnType<string[], string[] | undefined, string[]>;
  enabled: Generated<boolean>;
  muted_until: NullableTimestamp;
  last_period_ms: ColumnType<number | null, number | null | undefined, number | null>;
  last_eval_at: NullableTimestamp;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AlertInstancesTable {
  rule_id: string;
  group_key: string;
  group_values: Json<Record<string, string>>;
  state: AlertState;
  state_since: Timestamp;
  pending_since: NullableTimestamp;
  value: number | null;
  last_eval_at: Timestamp;
  last_notified_at: NullableTimestamp;
  notified_state: AlertState | null;
  changes: ColumnType<boolean[], boolean[] | undefined, boolean[]>;
  flapping: Generated<boolean>;
}

export interface AlertEventsTable {
  id: Generated<number>;
  org_id: string;
  rule_id: string;
  event_key: string;
  group_key: string;
  group_values: Json<Record<string, string>>;
  from_state: AlertState;
  to_state: AlertState;
  notification: string | null;
  value: number | null;
  threshold: number;
  window_from: Timestamp;
  window_to: Timestamp;
  silenced_by: string | null;
  at: Timestamp;
}

export interface AlertSilencesTable {
  id: Generated<string>;
  org_id: string;
  rule_id: string | null;
  matcher: Json<Record<string, string>>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  comment: Generated<string>;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** Prices as exact decimals in the currency's major unit: numeric comes back as a string. */
type Decimal = ColumnType<string, string | number | undefined, string | number>;

export interface OrgPricingTable {
  org_id: string;
  currency: string;
  per_gb_ingested: Decimal;
  per_gb_month_stored: Decimal;
  per_million_records: Decimal;
  base_fee: Decimal;
  /** jsonb: { "<app id>": { per_gb_ingested?, per_gb_month_stored?, per_million_records? } } */
  app_overrides: ColumnType<Record<string, Record<string, string>>, string | undefined, string>;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UsageQuotaWarningsTable {
  app_id: string;
  org_id: string;
  day: ColumnType<Date, string, never>;
  records: ColumnType<string, number, never>;
  quota: ColumnType<string, number, never>;
  created_at: Generated<Date>;
}

export interface ReportsTable {
  id: Generated<string>;
  org_id: string;
  month: string;
  partial: boolean;
  /** jsonb, written as JSON text. */
  content: ColumnType<unknown, string, string>;
  csv: string;
  pdf: Buffer;
  generated_at: ColumnType<Date, Date | string, Date | string>;
  delivery_claimed_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  delivery_error: string | null;
}

/** Language and time zone for the web app (migration 0012); null follows the browser. */
export interface UserPreferencesTable {
  user_id: string;
  locale: string | null;
  time_zone: string | null;
  updated_at: Generated<Date>;
}

/** Redaction rules (migration 0009): app_id null = every app of the org. */
export interface RedactionRulesTable {
  id: Generated<string>;
  org_id: string;
  app_id: string | null;
  name: string;
  /** { preset } or { pattern } (src/modules/redaction/redaction.schemas.ts). */
  detector: ColumnType<unknown, string, string>;
  /** "message" | "attributes" | "all" | { attributes: [...] } */
  scope: ColumnType<unknown, string, string>;
  action: string;
  keep: number | null;
  enabled: boolean;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface Database {
  orgs: OrgsTable;
  apps: AppsTable;
  ingest_keys: IngestKeysTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  redaction_rules: RedactionRulesTable;
  audit_chain_heads: AuditChainHeadsTable;
  saved_searches: SavedSearchesTable;
  dashboards: DashboardsTable;
  notification_channels: NotificationChannelsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notifications: NotificationsTable;
  push_subscriptions: PushSubscriptionsTable;
  alert_rules: AlertRulesTable;
  alert_instances: AlertInstancesTable;
  alert_events: AlertEventsTable;
  alert_silences: AlertSilencesTable;
  org_pricing: OrgPricingTable;
  usage_quota_warnings: UsageQuotaWarningsTable;
  reports: ReportsTable;
  user_preferences: UserPreferencesTable;
}

export type { Timestamp };
