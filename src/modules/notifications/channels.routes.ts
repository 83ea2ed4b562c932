// HTTP of /v1/notification-channels (with "send test") and /v1/notification-deliveries (the
// delivery log and its dead letters). User context; admins manage, everyone in the org lists.
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError, NotFoundError } from '../../infra/errors.ts';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses, IdParams } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { roleAtLeast } from '../auth/roles.ts';
import {
  Channel,
  ChannelListQuery,
  CreateChannelBody,
  Delivery,
  DeliveryListQuery,
  UpdateChannelBody,
} from './channels.schemas.ts';
import {
  channelJson,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  updateChannel,
} from './channels.service.ts';
import { createDeliveriesRepository, type DeliveryRow } from './deliveries.repository.ts';
import type { NotificationMessage } from './notification-message.ts';

const TAGS = ['notifications'];
const One = Type.Object({ channel: Channel });

function deliveryJson(row: DeliveryRow): Static<typeof Delivery> {
  const message = row.message as unknown as NotificationMessage;
  return {
    id: row.id,
    org_id: row.org_id,
    channel_id: row.channel_id,
    event_id: row.event_id,
    title: message.title ?? '',
    status: row.status,
    attempts: row.attempts,
    last_error: row.last_error,
    created_at: new Date(row.created_at).toISOString(),
    delivered_at: row.delivered_at ? new Date(row.delivered_at).toISOString() : null,
  };
}

export async function notificationChannelsRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof ChannelListQuery> }>(
    '/v1/notification-channels',
    {
      schema: {
        tags: TAGS,
        summary: "An org's notification channels (URLs shown to admins only, secrets never)",
        querystring: ChannelListQuery,
        response: {
          200: Type.Object({ channels: Type.Array(Channel) }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const orgs =
        request.query.org !== undefined
          ? [request.query.org]
          : request.auth.memberships.map((m) => m.orgId);
      const channels = [];
      for (const org of orgs) channels.push(...(await listChannels(app.db, request.auth, org)));
      return { channels };
    },
  );

  app.post<{ Body: Static<typeof CreateChannelBody> }>(
    '/v1/notification-channels',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a channel (org admins). A generated webhook secret is shown here once.',
        body: CreateChannelBody,
        response: {
          201: Type.Object({ channel: Channel, secret: Type.Optional(Type.String()) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const created = await createChannel(
        app.db,
        app.config,
        request.auth,
        actorOf(request.auth, request),
        request.body,
      );
      return reply.status(201).send(created);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/notification-channels/:id',
    {
      schema: { tags: TAGS, params: IdParams, response: { 200: One, ...errorResponses(401, 404) } },
    },
    async (request) => {
      const { row, org } = await getChannel(app.db, request.auth, request.params.id);
      return { channel: channelJson(row, roleAtLeast(org.role, 'admin')) };
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateChannelBody> }>(
    '/v1/notification-channels/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Rename or reconfigure a channel (org admins)',
        params: IdParams,
        body: UpdateChannelBody,
        response: { 200: One, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      channel: await updateChannel(
        app.db,
        app.config,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
        request.body,
      ),
    }),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/v1/notification-channels/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a channel (org admins); rules that used it keep their other channels',
        params: IdParams,
        response: { 200: One, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      channel: await deleteChannel(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
      ),
    }),
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/v1/notification-channels/:id/test',
    {
      schema: {
        tags: TAGS,
        summary: 'Send a test notification now, once (org admins); 502 with the reason if it fails',
        params: IdParams,
        response: {
          200: Type.Object({ delivered: Type.Boolean(), event_id: Type.String() }),
          ...errorResponses(401, 403, 404, 502),
        },
      },
    },
    async (request) => {
      const { row } = await getChannel(app.db, request.auth, request.params.id);
      await requireOrgRole(app.db, request.auth, row.org_id, 'admin');
      const eventId = `test-${randomUUID()}`;
      const message: NotificationMessage = {
        event_id: eventId,
        state: 'test',
        org_id: row.org_id,
        rule: { id: '00000000-0000-0000-0000-000000000000', name: 'Test notification' },
        group: {},
        value: null,
        threshold: null,
        link: `${app.config.publicUrl}/admin/channels`,
        at: new Date().toISOString(),
        title: `[TEST] ${row.name}`,
        text: `This is a test of the notification channel "${row.name}", sent by ${request.auth.user.email}.`,
      };
      try {
        await app.notifications.notifier.deliverNow(row, message);
      } catch (error) {
        throw new AppError(502, 'delivery_failed', (error as Error).message);
      }
      return { delivered: true, event_id: eventId };
    },
  );

  app.get<{ Querystring: Static<typeof DeliveryListQuery> }>(
    '/v1/notification-deliveries',
    {
      schema: {
        tags: TAGS,
        summary: "An org's recent deliveries; status=dead lists the dead letters (org admins)",
        querystring: DeliveryListQuery,
        response: {
          200: Type.Object({ deliveries: Type.Array(Delivery) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const org = await requireOrgRole(app.db, request.auth, request.query.org, 'admin');
      const rows = await createDeliveriesRepository(app.db).list(org, {
        status: request.query.status,
        limit: request.query.limit ?? 100,
      });
      return { deliveries: rows.map(deliveryJson) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/v1/notification-deliveries/:id/retry',
    {
      schema: {
        tags: TAGS,
        summary: 'Send a dead letter again, with fresh attempts (org admins)',
        params: IdParams,
        response: {
          200: Type.Object({ delivery: Delivery }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const repo = createDeliveriesRepository(app.db);
      const orgIds = request.auth.user.platformAdmin
        ? undefined
        : request.auth.memberships.map((m) => m.orgId);
      const found = await repo.findInOrgs(orgIds, request.params.id);
      if (!found || found.org_id === null) throw new NotFoundError('delivery');
      const org = await requireOrgRole(app.db, request.auth, found.org_id, 'admin');
      if (!(await repo.revive(org, found.id))) {
        throw new AppError(409, 'not_dead', 'only a dead-lettered delivery can be retried');
      }
      // The failed job keeps the id; drop it so the new job is not taken for a duplicate.
      await app.notifications.notifier.queue.remove(found.id).catch(() => 0);
      await app.notifications.notifier.enqueue([found.id]);
      return { delivery: deliveryJson((await repo.find(org, found.id)) as DeliveryRow) };
    },
  );
}
