// Node loggers' Elasticsearch transports with their defaults, against a real MyLog on loopback:
// pino-elasticsearch (bulk helper, refresh when the stream ends) and winston-elasticsearch
// (cluster health, index template check, buffered bulk whose action lines carry `attempts`).
import t from 'tap';
import pino from 'pino';
import pinoElasticsearch from 'pino-elasticsearch';
import winston from 'winston';
import { ElasticsearchTransport } from 'winston-elasticsearch';
import { byMessage, startShipperServer } from './shipper-server.ts';

// A CommonJS module whose types describe an ES default export: at run time the import is the function.
const pinoElastic = pinoElasticsearch as unknown as typeof pinoElasticsearch.default;

/**
 * The transport's writer loops on a timer. Its client stays open: a closed client fails the next
 * flush, and the writer then retries its health check (up to retryLimit times, a second apart).
 */
function stopTransport(transport: ElasticsearchTransport): void {
  (transport as unknown as { bulkWriter: { stop(): void } }).bulkWriter.stop();
}

t.test('Node loggers shipping to the Elasticsearch API', async (t) => {
  const server = await startShipperServer(t);

  t.test('pino-elasticsearch: every line once, and the refresh at the end', async (t) => {
    const tenant = await server.newTenant();
    const stream = pinoElastic({
      index: 'pino-%{DATE}',
      node: server.url,
      esVersion: 8,
      auth: { apiKey: tenant.key },
      flushBytes: 200,
      flushInterval: 500,
    });
    const inserted = new Promise<{ successful: number; failed: number }>((resolve, reject) => {
      stream.on('insert', resolve);
      stream.on('error', reject);
      stream.on('insertError', reject);
    });
    const logger = pino({ level: 'debug' }, stream).child({ service: 'checkout' });
    const before = Date.now();
    for (let i = 0; i < 20; i++) logger.warn({ order: i }, `pino line ${i}`);
    logger.error('pino failed');
    stream.end();
    // The bulk helper ends with POST /pino-<date>/_refresh: it resolves only if that succeeded.
    t.match(await inserted, { successful: 21, failed: 0 });
    const rows = byMessage(await server.rowsOf(tenant, 21));
    t.equal(rows.size, 21, 'every record once');
    const row = rows.get('pino line 7');
    t.match(row, {
      level: 'warn',
      service: 'checkout',
      host: /\S/,
      attributes: { order: '7', pid: String(process.pid) },
    });
    t.ok(Date.parse(`${row?.ts.replace(' ', 'T')}Z`) >= before - 1000, 'pino’s own time');
    t.equal(rows.get('pino failed')?.level, 'error');
  });

  t.test('winston-elasticsearch: template check, buffered bulk with attempts', async (t) => {
    const tenant = await server.newTenant();
    const transport = new ElasticsearchTransport({
      level: 'debug',
      clientOpts: { node: server.url, auth: { apiKey: tenant.key } },
      flushInterval: 200,
    });
    t.teardown(() => stopTransport(transport));
    const errors: Error[] = [];
    transport.on('error', (e: Error) => errors.push(e));
    transport.on('warning', (e: Error) => errors.push(e));
    const logger = winston.createLogger({ transports: [transport] });
    for (let i = 0; i < 10; i++) logger.info(`winston line ${i}`, { order: i, service: 'api' });
    logger.warn('winston warned', { 'trace.id': 'abc123' });
    const rows = byMessage(await server.rowsOf(tenant, 11));
    await transport.flush();
    t.same(errors, [], 'no error or warning from the transport');
    t.equal(rows.size, 11, 'every record once');
    // Its default transformer: @timestamp, message, severity, fields (the metadata).
    t.match(rows.get('winston line 3'), {
      level: 'info',
      attributes: { 'fields.order': '3', 'fields.service': 'api' },
    });
    t.match(rows.get('winston warned'), { level: 'warn', trace_id: 'abc123' });
    logger.end();
  });
});
