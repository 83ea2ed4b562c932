// Web Push for the signed-in user's browsers: `GET /v1/push/config` (the VAPID public key),
// `PUT /v1/push/subscriptions` (this browser, tied to this session: signing out removes it),
// `GET /v1/push/subscriptions` and `DELETE /v1/push/subscriptions/:id`. Scoped to the user, not
// an org: the notifications pushed are the user's own in-app ones (src/modules/notifications).
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequestError, NotFoundError } from '../../infra/errors.ts';
import { requestMeta } from '../auth/auth-context.ts';
import { errorResponses } from '../auth/auth.schemas.ts';
import {
  createPushSubscriptionsRepository,
  type PushSubscriptionRow,
} from './push-subscriptions.repository.ts';
import {
  PushConfigJson,
  PushSubscriptionJson,
  SubscribeBody,
  SubscriptionIdParams,
} from './push.schemas.ts';

const TAGS = ['notifications'];

export async function pushRoutes(app: FastifyInstance): Promise<void> {
  const repo = createPushSubscriptionsRepository(app.db);
  const publicKey = (): string | null => app.notifications.push?.publicKey ?? null;
  const toJson = (row: PushSubscriptionRow, sessionId: string | null) => ({
    id: row.id,
    push_service: new URL(row.endpoint).host,
    user_agent: row.user_agent,
    this_session: row.session_id === sessionId,
    created_at: new Date(row.created_at).toISOString(),
    last_success_at: row.last_success_at ? new Date(row.last_success_at).toISOString() : null,
  });

  app.get(
    '/v1/push/config',
    {
      schema: {
        tags: TAGS,
        summary: 'Whether Web Push is on, and the VAPID public key browsers subscribe with',
        response: { 200: PushConfigJson, ...errorResponses(401) },
      },
    },
    async () => ({ enabled: publicKey() !== null, public_key: publicKey() }),
  );

  app.get(
    '/v1/push/subscriptions',
    {
      schema: {
        tags: TAGS,
        summary: 'The browsers you get push notifications in',
        response: {
          200: Type.Object({ subscriptions: Type.Array(PushSubscriptionJson) }),
          ...errorResponses(401),
        },
      },
    },
    async (request) => ({
      subscriptions: (await repo.list({ userId: request.auth.user.id })).map((row) =>
        toJson(row, request.authSession?.id ?? null),
      ),
    }),
  );

  app.put<{ Body: SubscribeBody }>(
    '/v1/push/subscriptions',
    {
      schema: {
        tags: TAGS,
        summary: "Get your notifications pushed to this browser (its PushSubscription's JSON)",
        body: SubscribeBody,
        response: { 200: PushSubscriptionJson, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const session = request.authSession;
      if (!session) {
        throw new BadRequestError(
          'session_required',
          'push subscriptions belong to a browser session, not an API token',
        );
      }
      if (publicKey() === null) {
        throw new BadRequestError('push_disabled', 'Web Push is not configured on this server');
      }
      const { endpoint, keys } = request.body;
      checkSubscription(endpoint, keys, app.config.notifications.allowPrivateAddresses);
      const row = await repo.upsert(
        { userId: request.auth.user.id },
        {
          sessionId: session.id,
          endpoint,
          p256dh: keys.p256dh,
          auth: keys.auth,
          userAgent: requestMeta(request).userAgent,
        },
        app.config.push.maxSubscriptionsPerUser,
      );
      return toJson(row, session.id);
    },
  );

  app.delete<{ Params: Static<typeof SubscriptionIdParams> }>(
    '/v1/push/subscriptions/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Stop pushing to one of your browsers',
        params: SubscriptionIdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const removed = await repo.delete({ userId: request.auth.user.id }, request.params.id);
      if (!removed) throw new NotFoundError('push subscription');
      return reply.status(204).send();
    },
  );
}

/**
 * Push services are https; plain http only where private addresses are allowed (development and
 * tests, whose receivers run on loopback). The keys must be what RFC 8291 needs: an uncompressed
 * P-256 point and a 16-byte auth secret, or every push to this browser would fail later.
 */
function checkSubscription(
  endpoint: string,
  keys: { p256dh: string; auth: string },
  allowHttp: boolean,
): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('endpoint', 'endpoint is not a URL');
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw invalid('endpoint', 'endpoint must be an https:// URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid('endpoint', 'endpoint must not carry credentials');
  }
  const point = Buffer.from(keys.p256dh, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) {
    throw invalid('keys.p256dh', 'keys.p256dh must be an uncompressed P-256 public key');
  }
  if (Buffer.from(keys.auth, 'base64url').length !== 16) {
    throw invalid('keys.auth', 'keys.auth must be 16 bytes');
  }
}

function invalid(field: string, message: string): BadRequestError {
  return new BadRequestError('invalid_push_subscription', message, { field });
}
