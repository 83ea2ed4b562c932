// Live tail: `POST /v1/tail/ticket` and the WebSocket `GET /v1/tail` (protocol in
// docs/tail-protocol.md). Registered inside the user context, so the upgrade is authenticated like
// any request (session cookie or API token), or by a ticket through `config.alternateAuth`.
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ForbiddenError, UnauthorizedError } from '../../infra/errors.ts';
import { StoredWatermark } from './stored-watermark.ts';
import { meterTailSocket } from '../usage/tail-meter.ts';
import { auditTail } from '../audit/audit-reads.ts';
import { TailHub } from './tail-hub.ts';
import { LEASE_LAPSED_WARNING } from './tail-leases.ts';
import { currentAuth, identityOf } from './tail-identity.ts';
import { tailMetrics } from './tail-metrics.ts';
import { MAX_CLIENT_MESSAGE_BYTES } from './tail-protocol.ts';
import { TailSession } from './tail-session.ts';
import { issueTicket, redeemTicket } from './tail-tickets.ts';
import { createTailRepository } from './tail.repository.ts';
import { tailRouteSchema, ticketRouteSchema, type TailQuery } from './tail.schemas.ts';
import type { TailConnection } from './tail-connection.ts';

export async function tailRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app;
  const sessions = new Map<TailConnection, TailSession>();
  let hub: TailHub | undefined = undefined;
  const metrics = tailMetrics(app.metrics.registry, () => hub?.bufferedBytes() ?? 0);
  hub = new TailHub(app.redis, config, metrics, {
    reauthDue: (connection) => sessions.get(connection)?.recheck(),
    leaseLapsed: (appIds, lapsedForMs, sockets) =>
      app.log.warn({ appIds, lapsedForMs, sockets }, LEASE_LAPSED_WARNING),
  });
  const tail = hub;
  const deps = {
    config,
    db: app.db,
    hub: tail,
    repository: createTailRepository(app.clickhouse),
    watermark: new StoredWatermark(app.pipeline.queue),
    log: app.log,
  };
  tail.start();

  await app.register(websocket, {
    options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false },
    // Sockets get 1012 + a reason (reconnect), not the plugin's bare close.
    preClose: async () => {
      await tail.close();
      // Not awaited: ws reports "closed" only once every client is gone, which tail.close ensured.
      app.websocketServer.close();
    },
  });

  // An upgrade refused by the user context's auth hook runs before the plugin marks the request
  // as a WebSocket one, so the plugin would leave its socket open (and app.close() waiting on it).
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 101 && request.headers.upgrade?.toLowerCase() === 'websocket') {
      request.raw.socket.destroy();
    }
  });

  app.post('/v1/tail/ticket', { schema: ticketRouteSchema }, async (request, reply) => {
    const { ticket, expiresAt } = await issueTicket(app.redis, config, identityOf(request.auth));
    return reply.status(201).send({ ticket, expires_at: expiresAt.toISOString() });
  });

  const alternateAuth = async (request: FastifyRequest) => {
    const ticket = (request.query as TailQuery).ticket;
    if (ticket === undefined) return null;
    const identity = await redeemTicket(app.redis, config, ticket);
    const auth = identity && (await currentAuth(app.db, identity));
    if (!auth)
      throw new UnauthorizedError('invalid_ticket', 'the ticket is unknown, used or expired');
    return auth;
  };

  const admit = async (request: FastifyRequest): Promise<void> => {
    const origin = request.headers.origin;
    // No Origin: not a browser, so no ambient cookie to abuse; the credential speaks for itself.
    if (origin !== undefined && !config.tail.allowedOrigins.includes(origin)) {
      metrics.connectionsRefused.inc({ reason: 'origin' });
      throw new ForbiddenError('origin_not_allowed', `origin ${origin} may not open a tail`);
    }
    if (tail.closing || tail.full) {
      metrics.connectionsRefused.inc({ reason: tail.closing ? 'draining' : 'capacity' });
      throw new AppError(
        503,
        'tail_unavailable',
        'too many live tails here; retry shortly',
        undefined,
        {
          'retry-after': '5',
        },
      );
    }
  };

  app.get(
    '/v1/tail',
    { websocket: true, schema: tailRouteSchema, config: { alternateAuth }, onRequest: admit },
    (socket, request) => {
      const connection = tail.connect(socket);
      const audit = auditTail(app.db, request);
      const session = new TailSession(deps, connection, identityOf(request.auth), audit);
      sessions.set(connection, session);
      meterTailSocket(app, socket, () => tail.subscribedAppIds(connection));
      socket.on('message', (data, isBinary) => {
        connection.alive = true;
        if (isBinary) return;
        session.onMessage(
          Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString(),
        );
      });
      socket.on('close', () => {
        tail.disconnect(connection);
        sessions.delete(connection);
      });
    },
  );
}
