import { Type, type Static } from '@sinclair/typebox';
import { errorResponseSchema } from '../../infra/errors.ts';

export const IngestAcceptedSchema = Type.Object(
  {
    accepted: Type.Integer({ minimum: 0 }),
    rejected: Type.Array(
      Type.Object({ index: Type.Integer({ minimum: 0 }), error: Type.String() }),
    ),
  },
  { description: 'The accepted records are durably queued; rejected ones are listed by index' },
);
export type IngestAccepted = Static<typeof IngestAcceptedSchema>;

export const BulkIndexParamsSchema = Type.Object({ index: Type.String({ maxLength: 255 }) });
export type BulkIndexParams = Static<typeof BulkIndexParamsSchema>;

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  413: errorResponseSchema,
  415: errorResponseSchema,
  429: errorResponseSchema,
  503: errorResponseSchema,
};

export const logsRouteSchema = {
  summary: 'Ingest logs: a JSON object, a JSON array, or NDJSON',
  tags: ['ingest'],
  response: { 202: IngestAcceptedSchema, ...errors },
};

export const otlpRouteSchema = {
  summary: 'OTLP/HTTP logs (application/json or application/x-protobuf)',
  tags: ['ingest'],
  // The body is an ExportLogsServiceResponse, JSON or protobuf like the request.
  response: { 200: {}, ...errors },
};

export const bulkRouteSchema = {
  summary: 'Elasticsearch bulk API (index/create actions)',
  tags: ['ingest'],
  response: { 200: {}, ...errors },
};

export const bulkIndexRouteSchema = { ...bulkRouteSchema, params: BulkIndexParamsSchema };

// Elasticsearch handshake answers (see elasticsearch-compat.ts): the fields shippers and the
// official clients read, shaped as Elasticsearch 8 returns them.
export const EsInfoSchema = Type.Object(
  {
    name: Type.String(),
    cluster_name: Type.String(),
    cluster_uuid: Type.String(),
    version: Type.Object({
      number: Type.String(),
      build_flavor: Type.String(),
      build_type: Type.String(),
      build_hash: Type.String(),
      build_date: Type.String(),
      build_snapshot: Type.Boolean(),
      lucene_version: Type.String(),
      minimum_wire_compatibility_version: Type.String(),
      minimum_index_compatibility_version: Type.String(),
    }),
    tagline: Type.String(),
  },
  { description: 'Elasticsearch 8 cluster info' },
);
export type EsInfo = Static<typeof EsInfoSchema>;

export const EsLicenseSchema = Type.Object({
  license: Type.Object({
    status: Type.String(),
    uid: Type.String(),
    type: Type.String(),
    issue_date: Type.String(),
    issue_date_in_millis: Type.Integer(),
    max_nodes: Type.Integer(),
    issued_to: Type.String(),
    issuer: Type.String(),
    start_date_in_millis: Type.Integer(),
  }),
});
export type EsLicense = Static<typeof EsLicenseSchema>;

export const EsClusterHealthSchema = Type.Object({
  cluster_name: Type.String(),
  status: Type.String(),
  timed_out: Type.Boolean(),
  number_of_nodes: Type.Integer(),
  number_of_data_nodes: Type.Integer(),
});
export type EsClusterHealth = Static<typeof EsClusterHealthSchema>;

const handshakeErrors = { 401: errorResponseSchema, 403: errorResponseSchema };

export const esInfoRouteSchema = {
  summary:
    'Elasticsearch handshake (GET and HEAD): answered to ES clients only (ingest key, or not a browser); browsers get the web app',
  tags: ['ingest'],
  response: { 200: EsInfoSchema, ...handshakeErrors },
};

export const esLicenseRouteSchema = {
  summary: 'Elasticsearch license check (Logstash): an active basic license',
  tags: ['ingest'],
  response: { 200: EsLicenseSchema, ...handshakeErrors },
};

export const esClusterHealthRouteSchema = {
  summary: 'Elasticsearch cluster health (Vector healthcheck): green while ingest answers',
  tags: ['ingest'],
  response: { 200: EsClusterHealthSchema, ...handshakeErrors },
};

// The Elasticsearch document, refresh and template APIs (elasticsearch-api.routes.ts).
export const EsErrorResponseSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      type: Type.String(),
      reason: Type.String(),
      root_cause: Type.Array(Type.Object({ type: Type.String(), reason: Type.String() })),
    }),
    status: Type.Integer(),
  },
  {
    description:
      "MyLog's error shape with Elasticsearch's fields beside it (type, reason, root_cause, status), so ES clients report the reason",
  },
);
export type EsErrorResponse = Static<typeof EsErrorResponseSchema>;

const esErrors = {
  400: EsErrorResponseSchema,
  401: EsErrorResponseSchema,
  403: EsErrorResponseSchema,
  404: EsErrorResponseSchema,
  413: EsErrorResponseSchema,
  415: EsErrorResponseSchema,
  429: EsErrorResponseSchema,
  503: EsErrorResponseSchema,
};

const EsShardsSchema = Type.Object({
  total: Type.Integer(),
  successful: Type.Integer(),
  failed: Type.Integer(),
});

export const EsDocumentResponseSchema = Type.Object({
  _index: Type.String(),
  _id: Type.String(),
  _version: Type.Integer(),
  result: Type.String(),
  _shards: EsShardsSchema,
  _seq_no: Type.Integer(),
  _primary_term: Type.Integer(),
});
export type EsDocumentResponse = Static<typeof EsDocumentResponseSchema>;

export const EsDocumentParamsSchema = Type.Object({
  index: Type.String({ maxLength: 255 }),
  id: Type.Optional(Type.String({ maxLength: 512 })),
});
export type EsDocumentParams = Static<typeof EsDocumentParamsSchema>;

export const esDocumentRouteSchema = {
  summary: 'Elasticsearch index/create API: one JSON document becomes one record',
  tags: ['ingest'],
  params: EsDocumentParamsSchema,
  response: { 201: EsDocumentResponseSchema, ...esErrors },
};

export const EsRefreshResponseSchema = Type.Object({ _shards: EsShardsSchema });
export type EsRefreshResponse = Static<typeof EsRefreshResponseSchema>;

export const esRefreshRouteSchema = {
  summary:
    'Elasticsearch refresh: answered at once (an acknowledged record is already durable and is searchable once stored)',
  tags: ['ingest'],
  response: { 200: EsRefreshResponseSchema, ...esErrors },
};

export const EsTemplateParamsSchema = Type.Object({ name: Type.String({ maxLength: 255 }) });
export type EsTemplateParams = Static<typeof EsTemplateParamsSchema>;

export const esTemplateGetRouteSchema = {
  summary: 'Elasticsearch index template check (GET/HEAD): MyLog keeps no templates, so 404',
  tags: ['ingest'],
  params: EsTemplateParamsSchema,
  response: esErrors,
};

export const esTemplatePutRouteSchema = {
  summary: 'Elasticsearch index template install: acknowledged and ignored (MyLog has no mappings)',
  tags: ['ingest'],
  params: EsTemplateParamsSchema,
  response: { 200: Type.Object({ acknowledged: Type.Boolean() }), ...esErrors },
};

export const lokiPushRouteSchema = {
  summary:
    'Loki push API (Grafana Alloy, Promtail, Loki clients): JSON, or snappy-compressed protobuf',
  tags: ['ingest'],
  response: { 204: Type.Null({ description: 'every entry is durably queued' }), ...errors },
};
