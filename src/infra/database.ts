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
}

export interface Database {
  orgs: OrgsTable;
  apps: AppsTable;
  ingest_keys: IngestKeysTable;
}

export type { Timestamp };
