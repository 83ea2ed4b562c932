// Schemas of the usage API; route types come from these with Static<>.
import { Type } from '@sinclair/typebox';
import { Nullable } from '../auth/auth.schemas.ts';
import { USAGE_GROUPS } from './usage.repository.ts';

const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
export const UsageParams = Type.Object({ org: Ref });

export function usageQuerySchema(maxPageRows: number) {
  return Type.Object(
    {
      from: Type.Optional(
        Type.String({
          maxLength: 64,
          description: 'as in search; default: start of this month (UTC)',
        }),
      ),
      to: Type.Optional(Type.String({ maxLength: 64, description: 'as in search; default: now' })),
      group_by: Type.Union(
        USAGE_GROUPS.map((g) => Type.Literal(g)),
        { default: 'app' },
      ),
      limit: Type.Integer({ minimum: 1, maximum: maxPageRows, default: 100 }),
      cursor: Type.Optional(Type.String({ maxLength: 1000 })),
    },
    { additionalProperties: false },
  );
}

const Count = Type.Integer({ minimum: 0 });

export const UsageRow = Type.Object({
  app_id: Type.Optional(Type.String()),
  user_id: Type.Optional(Type.String({ description: "the end user ('' = unattributed)" })),
  day: Type.Optional(Type.String({ format: 'date' })),
  records: Count,
  bytes: Count,
  error_records: Count,
  rejected: Nullable(Count),
  stored_bytes: Count,
  queries: Count,
  query_read_bytes: Count,
  export_bytes: Count,
  tail_minutes: Type.Number(),
});

export const UsageResponse = Type.Object({
  from_day: Type.String({ format: 'date' }),
  to_day: Type.String({ format: 'date' }),
  rows: Type.Array(UsageRow),
  next_cursor: Nullable(Type.String()),
});

export const QuotaRow = Type.Object({
  app_id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  daily_quota_records: Nullable(Count),
  records_today: Count,
  /** Share of the quota used today, 0-100+ (null without a quota). */
  percent: Nullable(Type.Number()),
  warn_percent: Count,
});

export const QuotasResponse = Type.Object({ day: Type.String(), apps: Type.Array(QuotaRow) });
