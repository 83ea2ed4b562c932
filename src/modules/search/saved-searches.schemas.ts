// Schemas of /v1/saved-searches. Create and update bodies are separate.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';
import { MAX_QUERY_LENGTH_CHARS } from './query-language/index.ts';

const Visibility = Type.Union([Type.Literal('private'), Type.Literal('org')], {
  description: 'private: only the owner sees it; org: every member of the org',
});
const Instant = Type.String({ minLength: 1, maxLength: 64, description: 'RFC 3339 or now-15m' });
const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });

export const SavedSearch = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String({ format: 'uuid' }),
  owner_user_id: Nullable(Type.String({ format: 'uuid' })),
  name: Type.String(),
  query: Type.String(),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  apps: Type.Array(Type.String({ format: 'uuid' })),
  visibility: Visibility,
  created_at: DateTime,
  updated_at: DateTime,
});

const Editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  query: Type.String({ maxLength: MAX_QUERY_LENGTH_CHARS }),
  from: Nullable(Instant),
  to: Nullable(Instant),
  apps: Type.Array(Ref, { maxItems: 100, description: 'app ids or slugs of the org; [] = all' }),
  visibility: Visibility,
};

export const CreateSavedSearchBody = Type.Object(
  {
    org: Ref,
    name: Editable.name,
    query: Type.Optional(Editable.query),
    from: Type.Optional(Editable.from),
    to: Type.Optional(Editable.to),
    apps: Type.Optional(Editable.apps),
    visibility: Type.Optional(Editable.visibility),
  },
  { additionalProperties: false },
);

export const UpdateSavedSearchBody = Type.Partial(Type.Object(Editable), {
  additionalProperties: false,
  minProperties: 1,
});

export const SavedSearchParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const SavedSearchListQuery = Type.Object(
  { org: Type.Optional(Ref) },
  { additionalProperties: false },
);
