// The Postgres tables of the data lifecycle (migrations/0010_data_lifecycle.ts), declared here by
// the modules that own them and merged into the app's Database type.
import type { Generated } from 'kysely';

export type DeletionStatus = 'queued' | 'running' | 'done' | 'failed';
export type DeletionKind = 'query' | 'user';

export interface DeletionRequestsTable {
  id: Generated<string>;
  org_id: string;
  app_id: string | null;
  kind: DeletionKind;
  q: string | null;
  user_id: string | null;
  range_from: string | null;
  range_to: string | null;
  status: Generated<DeletionStatus>;
  as_of: Date | null;
  rows_matched: string | null;
  rows_remaining: string | null;
  bytes_matched: string | null;
  attempts: Generated<number>;
  error: string | null;
  requested_by: string | null;
  requested_label: string;
  created_at: Generated<Date>;
  claimed_at: Date | null;
  finished_at: Date | null;
}

export interface LegalHoldsTable {
  id: Generated<string>;
  org_id: string;
  app_id: string | null;
  reason: string;
  placed_by_label: string;
  placed_at: Generated<Date>;
  released_by_label: string | null;
  released_at: Date | null;
}

export interface RetentionCleanupsTable {
  app_id: string;
  org_id: string;
  ran_at: Date;
  retention_days: number;
  cutoff: Date;
  rows_deleted: string;
  held: boolean;
}

declare module '../../infra/database.ts' {
  interface Database {
    deletion_requests: DeletionRequestsTable;
    legal_holds: LegalHoldsTable;
    retention_cleanups: RetentionCleanupsTable;
  }
}
