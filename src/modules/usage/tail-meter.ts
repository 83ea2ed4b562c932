// Live-tail minutes: a tail socket's open time, charged when it closes to the apps it was
// subscribed to at that moment (their orgs looked up then). Time on a socket without a
// subscription is not charged. Called once per socket by the tail route.
import type { FastifyInstance } from 'fastify';

export function meterTailSocket(
  app: FastifyInstance,
  socket: { once(event: 'close', listener: () => void): unknown },
  subscribedAppIds: () => readonly string[] | undefined,
): void {
  const meter = app.usageMeter as FastifyInstance['usageMeter'] | undefined;
  if (!meter) return;
  const openedAt = Date.now();
  socket.once('close', () => {
    const appIds = subscribedAppIds();
    if (!appIds || appIds.length === 0) return;
    const seconds = (Date.now() - openedAt) / 1000;
    void app.db
      .selectFrom('apps')
      .select('org_id')
      .distinct()
      .where('id', 'in', [...appIds])
      .execute()
      .then((rows) =>
        meter.countTailSeconds({ orgIds: rows.map((r) => r.org_id), appIds }, seconds),
      )
      .catch((error: unknown) => app.log.warn({ err: error }, 'tail minutes not counted'));
  });
}
