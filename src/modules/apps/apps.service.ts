import { BadRequestError, ConflictError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { slugify, SLUG_PATTERN } from '../../infra/slug.ts';
import { createIngestKey, type CreatedIngestKey } from '../ingest-keys/ingest-keys.service.ts';
import { isUniqueViolation } from '../orgs/orgs.service.ts';
import { createAppsRepository, type App, type NewApp, type OrgScope } from './apps.repository.ts';

export const DEFAULT_RETENTION_DAYS = 180;
export const MAX_RETENTION_DAYS = 3650;

export interface CreateAppInput {
  name: string;
  slug?: string;
  retentionDays?: number;
  rateLimitRecordsPerS?: number | null;
  rateLimitBytesPerS?: number | null;
  dailyQuotaRecords?: number | null;
}

/** A new app comes with its first ingest key, so it can receive logs straight away. */
export async function createAppWithKey(
  db: Db,
  scope: OrgScope,
  input: CreateAppInput,
): Promise<{ app: App; key: CreatedIngestKey }> {
  const values = validateNewApp(input);
  const slug = values.slug;
  try {
    return await db.transaction().execute(async (trx) => insertAppWithKey(trx, scope, values));
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError(
        'slug_taken',
        `an app with slug "${slug}" already exists in this org`,
      );
    throw error;
  }
}

/** Inserts inside the caller's transaction, so callers can add their own writes (e.g. audit). */
export async function insertAppWithKey(
  trx: Db,
  scope: OrgScope,
  values: NewApp,
): Promise<{ app: App; key: CreatedIngestKey }> {
  const app = await createAppsRepository(trx).create(scope, values);
  const key = await createIngestKey(trx, scope, { appId: app.id, name: 'default' });
  return { app, key };
}

export function validateNewApp(input: CreateAppInput): NewApp {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200)
    throw new BadRequestError('invalid_name', 'name must be 1–200 characters');
  const slug = input.slug ?? slugify(name);
  if (!SLUG_PATTERN.test(slug)) {
    throw new BadRequestError(
      'invalid_slug',
      'slug must be lowercase letters, digits and dashes (max 63)',
    );
  }
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
