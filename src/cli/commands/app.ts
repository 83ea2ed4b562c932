import { createAppsRepository } from '../../modules/apps/apps.repository.ts';
import { createAppWithKey } from '../../modules/apps/apps.service.ts';
import { createOrgsRepository } from '../../modules/orgs/orgs.repository.ts';
import type { Db } from '../../infra/postgres.ts';
import { CommandError, table, type Command } from '../command.ts';

async function resolveOrg(db: Db, ref: string) {
  const org = await createOrgsRepository(db).findByRef(ref);
  if (!org)
    throw new CommandError(
      'org_not_found',
      `no org with id or slug "${ref}" (see: mylog org list)`,
    );
  return org;
}

function optionalInt(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CommandError('invalid_option', `--${name} must be a whole number`);
  return n;
}

export const appCreateCommand: Command = {
  summary: 'Create an application and print its first ingest key (shown once)',
  options: {
    org: { type: 'string', description: 'org id or slug', required: true },
    name: { type: 'string', description: 'display name', required: true },
    slug: { type: 'string', description: 'URL identifier (default: from the name)' },
    'retention-days': { type: 'string', description: 'days logs are kept (default 180)' },
    'rate-limit': { type: 'string', description: 'records per second (default: unlimited)' },
    'daily-quota': { type: 'string', description: 'records per day (default: unlimited)' },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const org = await resolveOrg(ctx.db, values.org as string);
    const { app, key } = await createAppWithKey(
      ctx.db,
      { orgId: org.id },
      {
        name: values.name as string,
        slug: values.slug as string | undefined,
        retentionDays: optionalInt(values['retention-days'], 'retention-days'),
        rateLimitRecordsPerS: optionalInt(values['rate-limit'], 'rate-limit') ?? null,
        dailyQuotaRecords: optionalInt(values['daily-quota'], 'daily-quota') ?? null,
      },
    );
    return {
      app,
      ingest_key: key.key,
      ingest_key_id: key.record.id,
      ingest_url: `${ctx.config.publicUrl}/v1/logs`,
    };
  },
  format(result) {
    const r = result as {
      app: { id: string; slug: string };
      ingest_key: string;
      ingest_url: string;
    };
    return [
      `created app ${r.app.slug} (${r.app.id})`,
      `ingest key (shown once, store it now): ${r.ingest_key}`,
      `try: curl -X POST -H 'Authorization: Bearer ${r.ingest_key}' -H 'Content-Type: application/json' \\`,
      `       -d '{"message":"hello from curl","level":"info"}' ${r.ingest_url}`,
    ].join('\n');
  },
};

export const appListCommand: Command = {
  summary: 'List the applications of an org',
  options: { org: { type: 'string', description: 'org id or slug', required: true } },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const org = await resolveOrg(ctx.db, values.org as string);
    return { apps: await createAppsRepository(ctx.db).list({ orgId: org.id }) };
  },
  format(result) {
    const { apps } = result as { apps: Record<string, unknown>[] };
    return table(apps, ['id', 'slug', 'name', 'retention_days', 'created_at']);
  },
};
