import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

/** A browser's PushSubscription.toJSON(), as the SPA sends it. */
export const SubscribeBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 1, maxLength: 2048 }),
    keys: Type.Object({
      p256dh: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+=*$' }),
      auth: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+=*$' }),
    }),
    // PushSubscription.toJSON() also carries expirationTime (always null in Chromium).
    expirationTime: Type.Optional(Nullable(Type.Number())),
  },
  { additionalProperties: false },
);
export type SubscribeBody = Static<typeof SubscribeBody>;

export const PushSubscriptionJson = Type.Object({
  id: Type.String({ format: 'uuid' }),
  /** The push service (the endpoint's host); the full endpoint is a capability, never echoed. */
  push_service: Type.String(),
  user_agent: Nullable(Type.String()),
  this_session: Type.Boolean({ description: 'created by the browser session making this request' }),
  created_at: DateTime,
  last_success_at: Nullable(DateTime),
});

export const PushConfigJson = Type.Object({
  enabled: Type.Boolean({ description: 'false: this server has no VAPID keys (Web Push is off)' }),
  public_key: Nullable(
    Type.String({ description: 'the applicationServerKey for PushManager.subscribe' }),
  ),
});

export const SubscriptionIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
