// Schemas of the retention and legal-hold API.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
export const AppRefParams = Type.Object({ app: Ref });
export const OrgRefParams = Type.Object({ org: Ref });

export const LegalHoldSchema = Type.Object({
  id: Type.String(),
  org_id: Type.String(),
  app_id: Nullable(Type.String({ description: 'null: the whole org' })),
  reason: Type.String(),
  placed_by: Type.String(),
  placed_at: DateTime,
  released_by: Nullable(Type.String()),
  released_at: Nullable(DateTime),
});

export const PlaceHoldBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'case or matter reference' }),
  },
  { additionalProperties: false },
);

export const RetentionStatus = Type.Object({
  app_id: Type.String(),
  retention_days: Type.Integer(),
  cutoff: DateTime,
  takes_effect_by: DateTime,
  cleanup_interval_ms: Type.Integer(),
  last_cleanup: Nullable(
    Type.Object({
      ran_at: DateTime,
      retention_days: Type.Integer(),
      cutoff: DateTime,
      rows_deleted: Type.Integer(),
      held: Type.Boolean(),
    }),
  ),
  legal_hold: Nullable(LegalHoldSchema),
});
