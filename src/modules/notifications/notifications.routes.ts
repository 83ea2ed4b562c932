// In-app notifications of the signed-in user: `GET /v1/notifications` (newest first, unread
// count), `POST /v1/notifications/read`, and `GET /v1/notifications/stream`, a Server-Sent Events
// stream that pushes each new one as it is stored. SSE rather than a second WebSocket: the push is
// one-way, it rides the session cookie like any GET, and the browser reconnects by itself.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { DateTime, errorResponses, Nullable } from '../auth/auth.schemas.ts';
import { createNotificationsRepository } from './notifications.repository.ts';
import { toJson } from './notifications.json.ts';

const TAGS = ['notifications'];
const KEEPALIVE_MS = 25_000;

const Notification = Type.Object({
  id: Type.String({ format: 'uuid' }),
  user_id: Type.String({ format: 'uuid' }),
  org_id: Nullable(Type.String({ format: 'uuid' })),
  event_id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  link: Nullable(Type.String()),
  state: Nullable(Type.String()),
  created_at: DateTime,
  read_at: Nullable(DateTime),
});
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'next page: created_at of the last one seen',
      }),
    ),
    unread: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const ReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 500 })),
    all: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export async function notificationsRoutes(app: FastifyInstance): Promise<void> {
  const repo = createNotificationsRepository(app.db);
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/notifications',
    {
      schema: {
        tags: TAGS,
        summary: 'Your notifications, newest first, and how many are unread',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            notifications: Type.Array(Notification),
            unread_count: Type.Integer(),
            next_before: Nullable(DateTime),
          }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await repo.listForUser(request.auth.user.id, {
        limit,
        beforeCreatedAt: request.query.before ? new Date(request.query.before) : undefined,
        unreadOnly: request.query.unread,
      });
      const last = rows.at(-1);
      return {
        notifications: rows.map(toJson),
        unread_count: await repo.unreadCount(request.auth.user.id),
        next_before: rows.length === limit && last ? new Date(last.created_at).toISOString() : null,
      };
    },
  );

  app.post<{ Body: Static<typeof ReadBody> }>(
    '/v1/notifications/read',
    {
      schema: {
        tags: TAGS,
        summary: 'Mark your notifications read: some ids, or all',
        body: ReadBody,
        response: {
          200: Type.Object({ updated: Type.Integer(), unread_count: Type.Integer() }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => {
      const updated = await repo.markRead(
        request.auth.user.id,
        request.body.all ? 'all' : (request.body.ids ?? []),
      );
      return { updated, unread_count: await repo.unreadCount(request.auth.user.id) };
    },
  );

  app.get(
    '/v1/notifications/stream',
    {
      schema: {
        tags: TAGS,
        summary:
          'Server-Sent Events: `unread` (count) on connect, then `notification` for each new one',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const userId = request.auth.user.id;
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      streams.add(raw);
      const send = (event: string, data: unknown): void => {
        raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const stop = app.notifications.hub.listen(userId, (n) => send('notification', n));
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      raw.on('close', () => {
        clearInterval(keepalive);
        stop();
        streams.delete(raw);
      });
      send('unread', { unread_count: await repo.unreadCount(userId) });
    },
  );
}
