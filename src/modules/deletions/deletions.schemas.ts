// Schemas of the deletion API. Route types come from these with Static<>.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';
import { MAX_USER_ID_CHARS } from './deletions.service.ts';

const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
const Id = Type.String({ format: 'uuid' });

export const AppDeletionParams = Type.Object({ app: Ref });
export const AppDeletionIdParams = Type.Object({ app: Ref, id: Id });
export const OrgDeletionParams = Type.Object({ org: Ref });
export const OrgDeletionIdParams = Type.Object({ org: Ref, id: Id });

export const CreateAppDeletionBody = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'the rows to delete, in the query language (e.g. user_id:u42)',
    }),
    from: Type.String({ minLength: 1, maxLength: 64, description: 'RFC 3339 or now-30d' }),
    to: Type.String({ minLength: 1, maxLength: 64, description: 'RFC 3339 or now' }),
  },
  { additionalProperties: false },
);

export const CreateUserDeletionBody = Type.Object(
  {
    user_id: Type.String({
      minLength: 1,
      maxLength: MAX_USER_ID_CHARS,
      description: "the end user's id as the logs carry it (user_id), in every app of the org",
    }),
  },
  { additionalProperties: false },
);

export const DeletionsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const Deletion = Type.Object({
  id: Type.String(),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ]),
  org_id: Type.String(),
  app_id: Nullable(Type.String({ description: 'null: every app of the org' })),
  kind: Type.Union([Type.Literal('query'), Type.Literal('user')]),
  q: Nullable(Type.String()),
  user_id: Nullable(Type.String()),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  as_of: Nullable(DateTime),
  rows_matched: Nullable(Type.Integer()),
  rows_remaining: Nullable(Type.Integer()),
  bytes_matched: Nullable(Type.Integer()),
  progress: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  attempts: Type.Integer(),
  error: Nullable(Type.String()),
  requested_by: Type.String(),
  created_at: DateTime,
  finished_at: Nullable(DateTime),
});

export const DeletionList = Type.Object({
  deletions: Type.Array(Deletion),
  next_cursor: Nullable(Type.String()),
});
