import type { Selectable } from 'kysely';
import type { IngestKeysTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';
import type { OrgScope } from '../apps/apps.repository.ts';

export type IngestKeyRecord = Omit<Selectable<IngestKeysTable>, 'key_hash'>;

/** What the ingest path needs to know about a key, resolved from its hash alone. */
export interface ResolvedIngestKey {
  keyId: string;
  orgId: string;
  appId: string;
  retentionDays: number;
  rateLimitRecordsPerS: number | null;
  rateLimitBytesPerS: number | null;
  dailyQuotaRecords: number | null;
  revoked: boolean;
  expired: boolean;
  orgDisabled: boolean;
  /** Set on a rotated key: a cached resolution must stop working at this instant. */
  expiresAt: Date | null;
}

export interface KeyHashRow {
  id: string;
  org_id: string;
  app_id: string;
  key_hash: string;
}

const PUBLIC_COLUMNS = [
  'id',
  'org_id',
  'app_id',
  'name',
  'display_prefix',
  'created_at',
  'last_used_at',
  'revoked_at',
  'expires_at',
  'replaced_by',
] as const;

export function createIngestKeysRepository(db: Db) {
  return {
    async create(
      scope: OrgScope,
      input: {
        appId: string;
        name: string;
        displayPrefix: string;
        keyHash: string;
        expiresAt?: Date | null;
      },
    ): Promise<IngestKeyRecord> {
      return db
        .insertInto('ingest_keys')
        .values({
          org_id: scope.orgId,
          app_id: input.appId,
          name: input.name,
          display_prefix: input.displayPrefix,
          key_hash: input.keyHash,
          expires_at: input.expiresAt ?? null,
        })
        .returning(PUBLIC_COLUMNS)
        .executeTakeFirstOrThrow();
    },
    async listForApp(scope: OrgScope, appId: string): Promise<IngestKeyRecord[]> {
      return db
        .selectFrom('ingest_keys')
        .select(PUBLIC_COLUMNS)
        .where('org_id', '=', scope.orgId)
        .where('app_id', '=', appId)
        .orderBy('created_at')
        .execute();
    },
    async find(
      scope: OrgScope,
      appId: string,
      keyId: string,
    ): Promise<IngestKeyRecord | undefined> {
      return db
        .selectFrom('ingest_keys')
        .select(PUBLIC_COLUMNS)
        .where('org_id', '=', scope.orgId)
        .where('app_id', '=', appId)
        .where('id', '=', keyId)
        .executeTakeFirst();
    },
    async update(
      scope: OrgScope,
      keyId: string,
      changes: { revoked_at?: Date; expires_at?: Date | null; replaced_by?: string },
    ): Promise<IngestKeyRecord> {
      return db
        .updateTable('ingest_keys')
        .set(changes)
        .where('org_id', '=', scope.orgId)
        .where('id', '=', keyId)
        .returning(PUBLIC_COLUMNS)
        .executeTakeFirstOrThrow();
    },
    /**
     * Records that the key was used at `at`, unless a write at or after `unlessUsedSince` is already
     * there (another ingest instance got there first): a skipped write leaves no dead row version.
     */
    async touchLastUsed(
      scope: OrgScope,
      keyId: string,
      at: Date,
      unlessUsedSince: Date,
    ): Promise<void> {
      await db
        .updateTable('ingest_keys')
        .set({ last_used_at: at })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', keyId)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', unlessUsedSince)]),
        )
        .execute();
    },
    /** Hashes are what the ingest caches are keyed by: needed to tell them what to forget. */
    async hashes(
      scope: OrgScope,
      filter: { appId?: string; keyId?: string } = {},
    ): Promise<KeyHashRow[]> {
      let query = db
        .selectFrom('ingest_keys')
        .select(['id', 'org_id', 'app_id', 'key_hash'])
        .where('org_id', '=', scope.orgId);
      if (filter.appId !== undefined) query = query.where('app_id', '=', filter.appId);
      if (filter.keyId !== undefined) query = query.where('id', '=', filter.keyId);
      return query.execute();
    },
    /**
     * The one unscoped lookup: the key itself is the credential that establishes the scope.
     * Deleted apps resolve to nothing.
     */
    async resolveByHash(keyHash: string): Promise<ResolvedIngestKey | undefined> {
      const row = await db
        .selectFrom('ingest_keys as k')
        .innerJoin('apps as a', 'a.id', 'k.app_id')
        .innerJoin('orgs as o', 'o.id', 'k.org_id')
        .select([
          'k.id as keyId',
          'k.org_id as orgId',
          'k.app_id as appId',
          'a.retention_days as retentionDays',
          'a.rate_limit_records_per_s as rateLimitRecordsPerS',
          'a.rate_limit_bytes_per_s as rateLimitBytesPerS',
          'a.daily_quota_records as dailyQuotaRecords',
          'k.revoked_at as revokedAt',
          'k.expires_at as expiresAt',
          'o.disabled_at as orgDisabledAt',
        ])
        .where('k.key_hash', '=', keyHash)
        .where('a.deleted_at', 'is', null)
        .executeTakeFirst();
      if (!row) return undefined;
      const now = Date.now();
      return {
        keyId: row.keyId,
        orgId: row.orgId,
        appId: row.appId,
        retentionDays: row.retentionDays,
        rateLimitRecordsPerS: row.rateLimitRecordsPerS,
        rateLimitBytesPerS: row.rateLimitBytesPerS,
        dailyQuotaRecords: row.dailyQuotaRecords,
        revoked: row.revokedAt !== null && row.revokedAt.getTime() <= now,
        expired: row.expiresAt !== null && row.expiresAt.getTime() <= now,
        orgDisabled: row.orgDisabledAt !== null,
        expiresAt: row.expiresAt,
      };
    },
  };
}

export type IngestKeysRepository = ReturnType<typeof createIngestKeysRepository>;
