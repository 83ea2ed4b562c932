// Schemas of the admin API (orgs, apps, keys, members, audit). Create and update bodies are
// separate; route types come from these with Static<>.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
const Role = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('member'),
  Type.Literal('viewer'),
]);

export const OrgParams = Type.Object({ org: Ref });
export const OrgAppParams = Type.Object({ org: Ref, app: Ref });
export const AppParams = Type.Object({ app: Ref });
export const AppKeyParams = Type.Object({ app: Ref, key: Type.String({ format: 'uuid' }) });
export const OrgMemberParams = Type.Object({ org: Ref, user: Type.String({ format: 'uuid' }) });

export const Org = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  disabled_at: Nullable(DateTime),
  created_at: DateTime,
  role: Type.Optional(Type.String({ description: "the caller's role" })),
});
export const CreateOrgBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), slug: Type.Optional(Slug) },
  { additionalProperties: false },
);
export const UpdateOrgBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean({ description: 'platform admins only' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const App = Type.Object({
  id: Type.String(),
  org_id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  retention_days: Type.Integer(),
  rate_limit_records_per_s: Nullable(Type.Integer()),
  rate_limit_bytes_per_s: Nullable(Type.Integer()),
  daily_quota_records: Nullable(Type.Integer()),
  created_at: DateTime,
});
const AppLimits = {
  retention_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  rate_limit_records_per_s: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  rate_limit_bytes_per_s: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  daily_quota_records: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
};
export const CreateAppBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), slug: Type.Optional(Slug), ...AppLimits },
  { additionalProperties: false },
);
export const UpdateAppBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...AppLimits },
  { additionalProperties: false, minProperties: 1 },
);

export const IngestKey = Type.Object({
  id: Type.String(),
  app_id: Type.String(),
  name: Type.String(),
  display_prefix: Type.String(),
  created_at: DateTime,
  last_used_at: Nullable(DateTime),
  revoked_at: Nullable(DateTime),
  expires_at: Nullable(DateTime),
  replaced_by: Nullable(Type.String()),
});
export const CreatedKey = Type.Object({
  key: Type.String({ description: 'the ingest key, shown once' }),
  record: IngestKey,
});
export const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export const RotateKeyBody = Type.Object(
  {
    overlap_seconds: Type.Integer({
      minimum: 0,
      description: 'how long the old key keeps working (0: stops now)',
    }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const RotatedKey = Type.Object({
  key: Type.String({ description: 'the new ingest key, shown once' }),
  record: IngestKey,
  previous: IngestKey,
});

export const Member = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Nullable(Type.String()),
  role: Type.String(),
  created_at: DateTime,
  sso_managed: Type.Boolean({
    description:
      'the role comes from the IdP role claim, set at each SSO sign-in; not changeable here',
  }),
});
export const AddMemberBody = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 320 }), role: Role },
  { additionalProperties: false },
);
export const UpdateMemberBody = Type.Object({ role: Role }, { additionalProperties: false });

export const AuditQuery = Type.Object({
  org: Type.Optional(Ref),
  actor: Type.Optional(Type.String({ description: 'user or token id, or email prefix' })),
  action: Type.Optional(Type.String({ description: 'e.g. app.create, or app for every app.*' })),
  target: Type.Optional(Type.String({ description: 'target id' })),
  kind: Type.Optional(
    Type.Union([Type.Literal('read'), Type.Literal('change')], {
      description: 'read: searches, exports, tails, report downloads; change: everything else',
    }),
  ),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
});
export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  org_id: Nullable(Type.String()),
  actor_user_id: Nullable(Type.String()),
  actor_token_id: Nullable(Type.String()),
  actor_label: Type.String(),
  action: Type.String(),
  target_type: Type.String(),
  target_id: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
  chain_seq: Type.Integer({ description: "the entry's place in its org's tamper-evident chain" }),
});
