import { BadRequestError, ConflictError } from '../../infra/errors.ts';
import { isUniqueViolation, type Db } from '../../infra/postgres.ts';
import { validateNameAndSlug } from '../../infra/slug.ts';
import { createIngestKey, type CreatedIngestKey } from '../ingest-keys/ingest-keys.service.ts';
import { createAppsRepository, type App, type NewApp, type OrgScope } from './apps.repository.ts';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from './retention.ts';

export interface CreateAppInput {
  name: string;
  slug?: string;
  retentionDays?: number;
  rateLimitRecordsPerS?: number | null;
  rateLimitBytesPerS?: number | null;
  dailyQuotaRecords?: number | null;
}

export interface CreatedApp {
  app: App;
  key: CreatedIngestKey;
}

/**
 * A new app comes with its first ingest key, so it can receive logs straight away. `inTransaction`
 * lets callers add their own writes (the audit entry) to the same transaction.
 */
export async function createAppWithKey(
  db: Db,
  scope: OrgScope,
  input: CreateAppInput,
  inTransaction?: (trx: Db, created: CreatedApp) => Promise<void>,
): Promise<CreatedApp> {
  const values = validateNewApp(input);
  try {
    return await db.transaction().execute(async (trx) => {
      const app = await createAppsRepository(trx).create(scope, values);
      const key = await createIngestKey(trx, scope, { appId: app.id, name: 'default' });
      await inTransaction?.(trx, { app, key });
      return { app, key };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(
        'slug_taken',
        `an app with slug "${values.slug}" already exists in this org`,
      );
    }
    throw error;
  }
}

export function validateNewApp(input: CreateAppInput): NewApp {
  const { name, slug } = validateNameAndSlug(input);
  const retention = input.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isInteger(retention) || retention < 1 || retention > MAX_RETENTION_DAYS) {
    throw new BadRequestError(
      'invalid_retention',
      `retention must be 1–${MAX_RETENTION_DAYS} days`,
    );
  }
  return {
    name,
    slug,
    retention_days: retention,
    rate_limit_records_per_s: input.rateLimitRecordsPerS ?? null,
    rate_limit_bytes_per_s: input.rateLimitBytesPerS ?? null,
    daily_quota_records: input.dailyQuotaRecords ?? null,
  };
}
