// Request and response schemas of the auth routes; route types are derived from them with Static<>.
import { Type, type TSchema } from '@sinclair/typebox';
import { errorResponseSchema } from '../../infra/errors.ts';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const DateTime = Type.String({ format: 'date-time' });

/** The error shape for every status a route may answer with besides its success. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorResponseSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorResponseSchema]));
}

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Nullable(Type.String()),
  platform_admin: Type.Boolean(),
});

export const LocalLoginBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const LoginQuery = Type.Object({
  return_to: Type.Optional(Type.String({ maxLength: 2000 })),
});

export const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  error_description: Type.Optional(Type.String()),
  iss: Type.Optional(Type.String()),
});

export const LoginResponse = Type.Object({
  user: UserSchema,
  csrf_token: Type.String({
    description: 'send as X-CSRF-Token on cookie-authenticated mutations',
  }),
});

export const LogoutResponse = Type.Object({
  logged_out: Type.Boolean(),
  end_session_url: Nullable(Type.String({ description: "the IdP's logout page, to visit next" })),
});

/** The web app's language and time zone for the caller (null: follow the browser). */
export const PreferencesSchema = Type.Object({
  locale: Nullable(Type.String({ description: 'null: the browser language' })),
  time_zone: Nullable(Type.String({ description: 'IANA zone; null: the browser zone' })),
});

export const MeResponse = Type.Object({
  user: UserSchema,
  preferences: PreferencesSchema,
  via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  token_scope: Nullable(Type.String()),
  csrf_token: Nullable(Type.String()),
  orgs: Type.Array(
    Type.Object({
      id: Type.String(),
      slug: Type.String(),
      name: Type.String(),
      role: Type.String(),
    }),
  ),
  apps: Type.Array(
    Type.Object({
      id: Type.String(),
      slug: Type.String(),
      name: Type.String(),
      org_id: Type.String(),
      org_slug: Type.String(),
    }),
  ),
});

export const TokenRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scope: Type.String(),
  display_prefix: Type.String(),
  created_at: DateTime,
  last_used_at: Nullable(DateTime),
  expires_at: Nullable(DateTime),
  revoked_at: Nullable(DateTime),
});

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scope: Type.Union([Type.Literal('read'), Type.Literal('admin')]),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const CreatedTokenResponse = Type.Object({
  token: Type.String({ description: 'shown once: store it now' }),
  record: TokenRecord,
});

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
