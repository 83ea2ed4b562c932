import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

const OrgRef = Type.String({ minLength: 1, maxLength: 100, description: 'org id or slug' });

export const AuditExportQuery = Type.Object(
  {
    org: Type.Optional(OrgRef),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);

export const AuditVerifyQuery = Type.Object(
  { org: Type.Optional(OrgRef) },
  { additionalProperties: false },
);

export const AuditVerdict = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer({ description: 'entries verified (before the broken one, if any)' }),
  first_broken: Type.Optional(
    Type.Object({
      id: Nullable(Type.Integer()),
      chain: Type.String({ description: 'an org id, or "platform"' }),
      chain_seq: Type.Integer(),
      reason: Type.String({
        description: 'hash_mismatch | link_mismatch | sequence_gap | missing_tail',
      }),
    }),
  ),
});
