// The ingest context: its own encapsulated Fastify scope with ingest-key auth, raw body parsing
// with the ingest body limit, and no cookies or sessions. Routes only translate HTTP ↔ service.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../infra/errors.ts';
import { hashSecret, hasValidShape } from '../../infra/secret-token.ts';
import type { IngestKeyUsage } from '../ingest-keys/ingest-key-usage.ts';
import type { ResolvedIngestKey } from '../ingest-keys/ingest-keys.repository.ts';
import { bulkResponseBody } from './decode/index.ts';
import {
  ELASTIC_PRODUCT,
  ELASTIC_PRODUCT_HEADER,
  ELASTICSEARCH_CLIENT,
  elasticsearchClientConstraint,
  elasticsearchClusterHealth,
  elasticsearchInfo,
  elasticsearchLicense,
} from './elasticsearch-compat.ts';
import {
  ELASTICSEARCH_DATALESS_ROUTES,
  elasticsearchApiRoutes,
  type RunIngest,
} from './elasticsearch-api.routes.ts';
import { ingestKeyFromHeaders } from './ingest-auth.ts';
import { lokiPushResponse } from './loki-response.ts';
import type { IngestKeyCache } from './ingest-key-cache.ts';
import type { IngestService } from './ingest.service.ts';
import { otlpJsonResponse, otlpProtobufResponse } from './otlp-response.ts';
import type { OverloadedError } from './ingest-errors.ts';
import {
  bulkIndexRouteSchema,
  bulkRouteSchema,
  esClusterHealthRouteSchema,
  esInfoRouteSchema,
  esLicenseRouteSchema,
  logsRouteSchema,
  lokiPushRouteSchema,
  otlpRouteSchema,
  type BulkIndexParams,
} from './ingest.schemas.ts';
import type { PipelineMetrics } from '../pipeline/pipeline-metrics.ts';

export interface IngestRoutesOptions {
  service: IngestService;
  keys: IngestKeyCache;
  metrics: PipelineMetrics;
  /** Cheap in-memory check run before the body is read: a reason to refuse, or undefined. */
  overloaded(): OverloadedError | undefined;
  /** Records each key's last use (ingest_keys.last_used_at), off the request. */
  keyUsage: IngestKeyUsage;
}

const PROTOBUF = /^application\/(x-)?protobuf|^application\/vnd\.google\.protobuf/i;

/** The Elasticsearch handshake carries no data: it is answered even while ingest is overloaded. */
const HANDSHAKE_ROUTES = new Set(['/', '/_license', '/_cluster/health']);

export async function ingestRoutes(
  app: FastifyInstance,
  options: IngestRoutesOptions,
): Promise<void> {
  const { service, keys, metrics } = options;
  const keyOf = new WeakMap<FastifyRequest, ResolvedIngestKey>();
  const receivedAt = new WeakMap<FastifyRequest, number>();
  const { keyUsage } = options;

  // Every body arrives as bytes: the decoder owns content types, encodings and their limits.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: app.config.ingest.maxBodyBytes },
    (_request, body, done) => done(null, body),
  );

  app.addHook('onRequest', async (request) => {
    receivedAt.set(request, Date.now());
    const key = await authenticate(request, keys);
    keyOf.set(request, key);
    keyUsage.record(key);
    const route = request.routeOptions.url ?? '';
    if (HANDSHAKE_ROUTES.has(route) || ELASTICSEARCH_DATALESS_ROUTES.has(route)) return;
    // After auth (so a bad key is a 401 even under load), before the body is read.
    const refusal = options.overloaded();
    if (refusal) {
      metrics.requestsRefusedTotal.inc({ reason: refusal.reason });
      throw refusal;
    }
  });
  app.addHook('onError', async (_request, _reply, error) => {
    const code = (error as { code?: unknown }).code;
    if (code === 'unauthorized_ingest_key' || code === 'ingest_key_revoked') {
      metrics.requestsRefusedTotal.inc({ reason: code });
    }
  });

  const run: RunIngest = (request, kind, target = {}) =>
    service.ingest({
      kind,
      key: keyOf.get(request) as ResolvedIngestKey,
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      ...target,
      receivedAtMs: receivedAt.get(request) ?? Date.now(),
      idempotencyKey: request.headers['idempotency-key'],
    });

  app.post('/v1/logs', { schema: logsRouteSchema }, async (request, reply) => {
    const outcome = await run(request, 'logs');
    return reply.status(202).send({
      accepted: outcome.accepted,
      rejected: outcome.rejected.map((r) => ({ index: r.index, error: r.error })),
    });
  });

  app.post('/otlp/v1/logs', { schema: otlpRouteSchema }, async (request, reply) => {
    const outcome = await run(request, 'otlp');
    const partial =
      outcome.rejected.length === 0
        ? undefined
        : {
            rejectedLogRecords: outcome.rejected.length,
            errorMessage: outcome.rejected
              .slice(0, 10)
              .map((r) => `#${r.index}: ${r.error}`)
              .join('; '),
          };
    if (PROTOBUF.test(request.headers['content-type'] ?? '')) {
      return reply.status(200).type('application/x-protobuf').send(otlpProtobufResponse(partial));
    }
    return reply.status(200).type('application/json').send(otlpJsonResponse(partial));
  });

  const bulk = async (request: FastifyRequest, index: string | undefined) => {
    const started = performance.now();
    const outcome = await run(request, 'bulk', { bulkIndex: index });
    return bulkResponseBody(outcome.bulkItems ?? [], performance.now() - started);
  };
  // The official Elasticsearch clients refuse a 2xx answer without the product header.
  app.post('/_bulk', { schema: bulkRouteSchema }, async (request, reply) =>
    reply
      .status(200)
      .header(ELASTIC_PRODUCT_HEADER, ELASTIC_PRODUCT)
      .send(await bulk(request, undefined)),
  );
  app.post<{ Params: BulkIndexParams }>(
    '/:index/_bulk',
    { schema: bulkIndexRouteSchema },
    async (request, reply) =>
      reply
        .status(200)
        .header(ELASTIC_PRODUCT_HEADER, ELASTIC_PRODUCT)
        .send(await bulk(request, request.params.index)),
  );

  // Grafana Alloy, Promtail and the Loki clients; Loki answers 204.
  app.post('/loki/api/v1/push', { schema: lokiPushRouteSchema }, async (request, reply) => {
    lokiPushResponse(await run(request, 'loki'));
    return reply.status(204).send();
  });

  if (!app.hasConstraintStrategy(ELASTICSEARCH_CLIENT)) {
    app.addConstraintStrategy(elasticsearchClientConstraint);
  }
  elasticsearchHandshakeRoutes(app);
  await app.register(elasticsearchApiRoutes, { run });
}

/** GET (and so HEAD) /, /_license, /_cluster/health: see elasticsearch-compat.ts. */
function elasticsearchHandshakeRoutes(app: FastifyInstance): void {
  const { config } = app;
  app.get(
    '/',
    { schema: esInfoRouteSchema, constraints: { [ELASTICSEARCH_CLIENT]: 'yes' } },
    async (_request, reply) =>
      reply.header(ELASTIC_PRODUCT_HEADER, ELASTIC_PRODUCT).send(elasticsearchInfo(config)),
  );
  app.get('/_license', { schema: esLicenseRouteSchema }, async (_request, reply) =>
    reply.header(ELASTIC_PRODUCT_HEADER, ELASTIC_PRODUCT).send(elasticsearchLicense(config)),
  );
  app.get('/_cluster/health', { schema: esClusterHealthRouteSchema }, async (_request, reply) =>
    reply.header(ELASTIC_PRODUCT_HEADER, ELASTIC_PRODUCT).send(elasticsearchClusterHealth()),
  );
}

async function authenticate(
  request: FastifyRequest,
  keys: IngestKeyCache,
): Promise<ResolvedIngestKey> {
  const key = ingestKeyFromHeaders(request.headers);
  if (key === undefined) {
    throw new UnauthorizedError(
      'unauthorized_ingest_key',
      'an ingest key is required (Authorization: Bearer, X-API-Key, or Basic with the key as password)',
    );
  }
  // The checksum rejects typos and junk without a database lookup.
  const resolved = hasValidShape(key, 'mlk') ? await keys.get(hashSecret(key)) : undefined;
  if (!resolved)
    throw new UnauthorizedError('unauthorized_ingest_key', 'the ingest key is not valid');
  if (resolved.revoked || resolved.expired || resolved.orgDisabled) {
    throw new ForbiddenError(
      'ingest_key_revoked',
      'the ingest key has been revoked or has expired',
    );
  }
  return resolved;
}
