// Loki clients against MyLog's Loki push API on loopback: winston-loki (snappy-compressed protobuf,
// its default when the snappy binding loads) and pino-loki (JSON), each as its docs configure it.
import t from 'tap';
import pino from 'pino';
import pinoLoki from 'pino-loki';
import winston from 'winston';
import LokiTransport from 'winston-loki';
import { byMessage, startShipperServer, WRONG_KEY } from './shipper-server.ts';

t.test('Loki clients', async (t) => {
  const server = await startShipperServer(t);

  t.test('winston-loki: protobuf + snappy, labels as service and attributes', async (t) => {
    const tenant = await server.newTenant();
    const errors: unknown[] = [];
    const transport = new LokiTransport({
      host: server.url,
      basicAuth: `mylog:${tenant.key}`,
      labels: { job: 'checkout', env: 'prod' },
      interval: 1,
      onConnectionError: (e: unknown) => errors.push(e),
    });
    const contentType = (transport as unknown as { batcher: { contentType: string } }).batcher
      .contentType;
    t.equal(contentType, 'application/x-protobuf', 'the protobuf + snappy path, not the JSON one');
    const logger = winston.createLogger({ transports: [transport] });
    const before = Date.now();
    for (let i = 0; i < 10; i++)
      logger.info(`winston-loki line ${i}`, { labels: { order: `o${i}` } });
    logger.error('winston-loki failed');
    const rows = byMessage(await server.rowsOf(tenant, 11));
    t.same(errors, []);
    t.equal(rows.size, 11, 'every record once');
    // Its line is `${message} ${JSON of the other metadata}`, which holds the level.
    const row = rows.get('winston-loki line 4 {"level":"info"}');
    t.match(row, { level: 'info', service: 'checkout', attributes: { env: 'prod', order: 'o4' } });
    t.ok(Date.parse(`${row?.ts.replace(' ', 'T')}Z`) >= before - 1000, 'the entry’s timestamp');
    t.equal(rows.get('winston-loki failed {"level":"error"}')?.level, 'error');
    await transport.flush?.();
    transport.close?.();
    logger.end();
  });

  t.test('pino-loki: JSON lines become structured records', async (t) => {
    const tenant = await server.newTenant();
    const stream = pinoLoki({
      host: server.url,
      basicAuth: { username: 'mylog', password: tenant.key },
      labels: { service_name: 'billing' },
      batching: false,
    });
    const logger = pino({ level: 'debug' }, stream);
    for (let i = 0; i < 5; i++) logger.warn({ invoice: i }, `pino-loki line ${i}`);
    const rows = byMessage(await server.rowsOf(tenant, 5));
    t.equal(rows.size, 5, 'every record once');
    t.match(rows.get('pino-loki line 2'), {
      level: 'warn',
      service: 'billing',
      host: /\S/,
      attributes: { invoice: '2', pid: String(process.pid) },
    });
    stream.end();
  });

  t.test('a wrong key: 401 with the reason in the body Loki clients print', async (t) => {
    const res = await fetch(`${server.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`mylog:${WRONG_KEY}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ streams: [{ stream: { job: 'x' }, values: [['1', 'never']] }] }),
    });
    t.equal(res.status, 401);
    t.match(await res.json(), { error: { code: 'unauthorized_ingest_key' } });
  });
});
