// HTTP of /v1/alerts (rules, with their instances' states), /v1/alerts/:id/events (history) and
// /v1/alert-silences. User context: viewers read, members and up change.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/auth-context.ts';
import { errorResponses, IdParams } from '../auth/auth.schemas.ts';
import { requireOrgRole } from '../auth/authorize.ts';
import { createAlertsRepository, type EventRow } from './alerts.repository.ts';
import {
  AlertEvent,
  AlertListQuery,
  AlertRule,
  CreateAlertBody,
  CreateSilenceBody,
  EventsQuery,
  Silence,
  SilenceListQuery,
  UpdateAlertBody,
} from './alerts.schemas.ts';
import {
  createAlert,
  deleteAlert,
  findAlert,
  getAlert,
  listAlerts,
  updateAlert,
} from './alerts.service.ts';
import { createSilence, deleteSilence, silenceJson } from './silences.service.ts';

const TAGS = ['alerts'];
const One = Type.Object({ alert: AlertRule });

function eventJson(row: EventRow): Static<typeof AlertEvent> {
  return {
    id: Number(row.id),
    event_id: row.event_key,
    group: row.group_values as Record<string, string>,
    from: row.from_state,
    to: row.to_state,
    notification: row.notification,
    value: row.value,
    threshold: row.threshold,
    window_from: new Date(row.window_from).toISOString(),
    window_to: new Date(row.window_to).toISOString(),
    silenced_by: row.silenced_by,
    at: new Date(row.at).toISOString(),
  };
}

export async function alertsRoutes(app: FastifyInstance): Promise<void> {
  const now = () => app.alerts?.clock() ?? Date.now();

  app.get<{ Querystring: Static<typeof AlertListQuery> }>(
    '/v1/alerts',
    {
      schema: {
        tags: TAGS,
        summary: 'Alert rules with the state of each instance (group)',
        querystring: AlertListQuery,
        response: {
          200: Type.Object({ alerts: Type.Array(AlertRule) }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => ({ alerts: await listAlerts(app.db, request.auth, request.query.org) }),
  );

  app.post<{ Body: Static<typeof CreateAlertBody> }>(
    '/v1/alerts',
    {
      schema: {
        tags: TAGS,
        summary: 'Create an alert rule (members and up)',
        body: CreateAlertBody,
        response: { 201: One, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const alert = await createAlert(
        app.db,
        app.config,
        request.auth,
        actorOf(request.auth, request),
        request.body,
      );
      return reply.status(201).send({ alert });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/alerts/:id',
    {
      schema: { tags: TAGS, params: IdParams, response: { 200: One, ...errorResponses(401, 404) } },
    },
    async (request) => ({ alert: await getAlert(app.db, request.auth, request.params.id) }),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateAlertBody> }>(
    '/v1/alerts/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change, enable/disable or mute (muted_until) a rule (members and up)',
        params: IdParams,
        body: UpdateAlertBody,
        response: { 200: One, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      alert: await updateAlert(
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
    '/v1/alerts/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a rule and its history (members and up)',
        params: IdParams,
        response: { 200: One, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      alert: await deleteAlert(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
      ),
    }),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof EventsQuery> }>(
    '/v1/alerts/:id/events',
    {
      schema: {
        tags: TAGS,
        summary:
          "A rule's state changes and notifications, newest first (kept ALERTS_HISTORY_RETENTION_DAYS)",
        params: IdParams,
        querystring: EventsQuery,
        response: {
          200: Type.Object({
            events: Type.Array(AlertEvent),
            next_before: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { row } = await findAlert(app.db, request.auth, request.params.id);
      const limit = request.query.limit ?? 100;
      const events = await createAlertsRepository(app.db).events(row.id, {
        limit,
        beforeId: request.query.before,
      });
      const last = events.at(-1);
      return {
        events: events.map(eventJson),
        next_before: events.length === limit && last ? Number(last.id) : null,
      };
    },
  );

  app.get<{ Querystring: Static<typeof SilenceListQuery> }>(
    '/v1/alert-silences',
    {
      schema: {
        tags: TAGS,
        summary: "An org's silences (active=true: those not yet over)",
        querystring: SilenceListQuery,
        response: {
          200: Type.Object({ silences: Type.Array(Silence) }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const org = await requireOrgRole(app.db, request.auth, request.query.org, 'viewer');
      const rows = await createAlertsRepository(app.db).listSilences(
        org,
        request.query.active ? now() : undefined,
      );
      return { silences: rows.map(silenceJson) };
    },
  );

  app.post<{ Body: Static<typeof CreateSilenceBody> }>(
    '/v1/alert-silences',
    {
      schema: {
        tags: TAGS,
        summary:
          'Silence notifications of a rule (or all rules) for matching groups (members and up)',
        body: CreateSilenceBody,
        response: { 201: Type.Object({ silence: Silence }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const silence = await createSilence(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.body,
        now(),
      );
      return reply.status(201).send({ silence });
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/v1/alert-silences/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'End a silence now by deleting it (members and up)',
        params: IdParams,
        response: { 200: Type.Object({ silence: Silence }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({
      silence: await deleteSilence(
        app.db,
        request.auth,
        actorOf(request.auth, request),
        request.params.id,
      ),
    }),
  );
}
