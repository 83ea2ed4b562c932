// The Elasticsearch APIs that clients and loggers call besides `_bulk`, in a context of their own
// inside the ingest context (same key auth and body handling), whose answers all carry
// X-Elastic-Product and whose errors carry Elasticsearch's fields beside MyLog's:
//   POST /:index/_doc, PUT|POST /:index/_doc/:id, PUT|POST /:index/_create/:id
//                                  client.index() / client.create(): one document, one record
//   GET|POST /_refresh, /:index/_refresh
//                                  pino-elasticsearch refreshes when its stream ends
//   HEAD|GET|PUT|POST /_index_template/:name, /_template/:name
//                                  winston-elasticsearch and Beats check for and install a
//                                  template: none exists here (404), installing one is
//                                  acknowledged and ignored (MyLog has no mappings)
//   anything else under /_…, and /:index/_… from an ES client
//                                  a JSON 404, never the web app's page, and the body is not parsed
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { AppError } from '../../infra/errors.ts';
import type { EsDocumentTarget, IngestRouteKind } from './decode/index.ts';
import {
  ELASTIC_PRODUCT,
  ELASTIC_PRODUCT_HEADER,
  ELASTICSEARCH_CLIENT,
  elasticsearchDocumentResponse,
  elasticsearchErrorBody,
  elasticsearchRefreshResponse,
} from './elasticsearch-compat.ts';
import type { IngestOutcome } from './ingest.service.ts';
import {
  esDocumentRouteSchema,
  esRefreshRouteSchema,
  esTemplateGetRouteSchema,
  esTemplatePutRouteSchema,
  type EsDocumentParams,
  type EsTemplateParams,
} from './ingest.schemas.ts';

export type RunIngest = (
  request: FastifyRequest,
  kind: IngestRouteKind,
  target?: { bulkIndex?: string; document?: EsDocumentTarget },
) => Promise<IngestOutcome>;

export interface ElasticsearchApiOptions {
  run: RunIngest;
}

/** Routes that carry no data: answered even while ingest is overloaded. */
export const ELASTICSEARCH_DATALESS_ROUTES: ReadonlySet<string> = new Set([
  '/_refresh',
  '/:index/_refresh',
  '/_index_template/:name',
  '/_template/:name',
  '/_*',
  '/:index/_*',
]);

const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const HIDDEN = { hide: true };

function isErrorBody(payload: unknown): payload is { error: { code: string; message: string } } {
  const error = (payload as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** An accepted document's record was rejected: Elasticsearch answers 400 with the reason. */
class DocumentRejectedError extends AppError {
  constructor(
    message: string,
    readonly esType: string,
  ) {
    super(400, 'record_rejected', message);
  }
}

export async function elasticsearchApiRoutes(
  app: FastifyInstance,
  options: ElasticsearchApiOptions,
): Promise<void> {
  const { run } = options;

  // A rejected document names its ES exception type; other errors go to the app's handler.
  app.setErrorHandler((error, _request, reply) => {
    if (!(error instanceof DocumentRejectedError)) throw error;
    return reply
      .status(400)
      .send(elasticsearchErrorBody(400, error.code, error.message, error.esType));
  });
  // Errors from anywhere in this context (auth, limits, decoding) get ES's fields too.
  app.addHook('preSerialization', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || !isErrorBody(payload) || 'status' in payload) return payload;
    return elasticsearchErrorBody(reply.statusCode, payload.error.code, payload.error.message);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header(ELASTIC_PRODUCT_HEADER, ELASTIC_PRODUCT);
    return payload;
  });

  const document =
    (action: EsDocumentTarget['action']) =>
    async (request: FastifyRequest<{ Params: EsDocumentParams }>, reply: FastifyReply) => {
      const { index, id } = request.params;
      const outcome = await run(request, 'document', {
        document: { action, index, id: id ?? null },
      });
      const item = outcome.bulkItems?.[0];
      if (item === undefined || item.status >= 300) {
        throw new DocumentRejectedError(
          item?.error?.reason ?? 'the document was rejected',
          item?.error?.type ?? 'mapper_parsing_exception',
        );
      }
      return reply.status(201).send(elasticsearchDocumentResponse(item));
    };
  app.post('/:index/_doc', { schema: esDocumentRouteSchema }, document('index'));
  app.route({
    method: ['PUT', 'POST'],
    url: '/:index/_doc/:id',
    schema: esDocumentRouteSchema,
    handler: document('index'),
  });
  app.route({
    method: ['PUT', 'POST'],
    url: '/:index/_create/:id',
    schema: esDocumentRouteSchema,
    handler: document('create'),
  });

  const refresh = async () => elasticsearchRefreshResponse();
  for (const url of ['/_refresh', '/:index/_refresh']) {
    app.route({ method: ['GET', 'POST'], url, schema: esRefreshRouteSchema, handler: refresh });
  }

  for (const [url, kind] of [
    ['/_index_template/:name', 'index template'],
    ['/_template/:name', 'template'],
  ] as const) {
    app.get<{ Params: EsTemplateParams }>(url, { schema: esTemplateGetRouteSchema }, (request) => {
      throw new AppError(
        404,
        'template_not_found',
        `${kind} matching [${request.params.name}] not found: MyLog keeps no templates`,
      );
    });
    app.route({
      method: ['PUT', 'POST'],
      url,
      schema: esTemplatePutRouteSchema,
      handler: async () => ({ acknowledged: true }),
    });
  }

  const unsupported = async (request: FastifyRequest) => {
    throw new AppError(
      404,
      'unsupported_elasticsearch_api',
      `MyLog takes logs through _bulk, _doc and _create; it does not serve ${request.method} ${request.url.split('?')[0]}`,
    );
  };
  // Under /_ nothing is the web app's, so any request; /:index/_… only from an ES client, since a
  // web asset could be named like that.
  app.route({ method: ALL_METHODS, url: '/_*', schema: HIDDEN, handler: unsupported });
  app.route({
    method: ALL_METHODS,
    url: '/:index/_*',
    schema: HIDDEN,
    constraints: { [ELASTICSEARCH_CLIENT]: 'yes' },
    handler: unsupported,
  });
}
