// Schemas of /v1/notification-channels and /v1/notification-deliveries.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
// Configs are checked with TypeBox's Value (the body only says "an object"), which knows no
// `format`s: patterns instead.
const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';
const UUID_TEXT = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const HttpUrl = Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://' });

export const WebhookConfig = Type.Object(
  {
    url: HttpUrl,
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 200,
        description: 'HMAC key of X-MyLog-Signature; generated (and shown once) when omitted',
      }),
    ),
  },
  { additionalProperties: false },
);
export const SlackConfig = Type.Object(
  { url: HttpUrl },
  { additionalProperties: false, description: 'a Slack-compatible incoming webhook URL' },
);
export const EmailConfig = Type.Object(
  {
    to: Type.Array(Type.String({ pattern: EMAIL_PATTERN, maxLength: 320 }), {
      minItems: 1,
      maxItems: 20,
    }),
  },
  { additionalProperties: false },
);
export const InAppConfig = Type.Object(
  {
    user_ids: Type.Optional(
      Type.Array(Type.String({ pattern: UUID_TEXT }), {
        maxItems: 500,
        description: 'members to notify; omitted or [] = every member of the org',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ChannelType = Type.Union([
  Type.Literal('webhook'),
  Type.Literal('slack'),
  Type.Literal('email'),
  Type.Literal('in_app'),
]);
export type ChannelTypeName = Static<typeof ChannelType>;

/** Configs by type: the body's `config` is checked against the one its `type` names. */
export const CONFIG_SCHEMAS = {
  webhook: WebhookConfig,
  slack: SlackConfig,
  email: EmailConfig,
  in_app: InAppConfig,
} as const;

export const Channel = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  type: ChannelType,
  /** Secrets never come back; URLs only to admins (a Slack URL is a credential). */
  config: Type.Record(Type.String(), Type.Unknown()),
  created_at: DateTime,
  updated_at: DateTime,
});

const Name = Type.String({ minLength: 1, maxLength: 200 });
const AnyConfig = Type.Record(Type.String(), Type.Unknown(), {
  description: 'webhook {url, secret?} · slack {url} · email {to: [...]} · in_app {user_ids?}',
});

export const CreateChannelBody = Type.Object(
  { org: Ref, name: Name, type: ChannelType, config: AnyConfig },
  { additionalProperties: false },
);
export const UpdateChannelBody = Type.Object(
  { name: Type.Optional(Name), config: Type.Optional(AnyConfig) },
  { additionalProperties: false, minProperties: 1 },
);
export const ChannelListQuery = Type.Object(
  { org: Type.Optional(Ref) },
  { additionalProperties: false },
);

export const Delivery = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Nullable(Type.String({ format: 'uuid' })),
  channel_id: Nullable(Type.String({ format: 'uuid' })),
  event_id: Type.String(),
  title: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
  attempts: Type.Integer(),
  last_error: Nullable(Type.String()),
  created_at: DateTime,
  delivered_at: Nullable(DateTime),
});
export const DeliveryListQuery = Type.Object(
  {
    org: Ref,
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
