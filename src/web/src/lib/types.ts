// Shapes of the HTTP contract (/docs, and docs/architecture.md "HTTP contract").
import type { LogRowJson } from '../../../modules/logs-table/log-row.ts';

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The API's log row, as the server's logs-table module defines it (no copy kept here). */
export type LogRow = LogRowJson;

export interface LogPage {
  rows: LogRow[];
  next_cursor: string | null;
}

export interface HistogramBucket {
  ts: string;
  total: number;
  levels: Partial<Record<string, number>>;
}

export interface Histogram {
  interval_ms: number;
  from?: string;
  to?: string;
  buckets: HistogramBucket[];
}

export interface MeOrg {
  id: string;
  slug: string;
  name: string;
  role: 'owner' | 'admin' | 'member' | 'viewer' | string;
}

export interface MeApp {
  id: string;
  slug: string;
  name: string;
  org_id: string;
  org_slug: string;
}

export interface Me {
  user: { id: string; email: string; name: string | null; platform_admin: boolean };
  /** Null: follow the browser. */
  preferences: { locale: string | null; time_zone: string | null };
  via: 'session' | 'token' | string;
  csrf_token: string | null;
  orgs: MeOrg[];
  apps: MeApp[];
}

export interface Org {
  id: string;
  slug: string;
  name: string;
  disabled_at: string | null;
  created_at: string;
  role?: string;
}

export interface App {
  id: string;
  org_id: string;
  slug: string;
  name: string;
  retention_days: number;
  rate_limit_records_per_s: number | null;
  rate_limit_bytes_per_s: number | null;
  daily_quota_records: number | null;
  created_at: string;
}

export interface IngestKey {
  id: string;
  app_id: string;
  name: string;
  display_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  expires_at: string | null;
  replaced_by: string | null;
}

export interface Member {
  user_id: string;
  email: string;
  name: string | null;
  role: string;
  created_at: string;
  /** Set by the identity provider's role claim at each SSO sign-in; not changeable here. */
  sso_managed?: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  org_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  chain_seq: number;
}

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  first_broken?: { id: number | null; chain: string; chain_seq: number; reason: string };
}

export interface SavedSearch {
  id: string;
  org_id: string;
  owner_user_id: string | null;
  name: string;
  query: string;
  from: string | null;
  to: string | null;
  apps: string[];
  visibility: 'private' | 'org';
  created_at: string;
  updated_at: string;
}

export interface FieldInfo {
  name: string;
  count?: number;
  type?: string;
}

export interface FieldValue {
  value: string;
  count?: number;
}
