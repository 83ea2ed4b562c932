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
