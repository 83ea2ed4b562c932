import { Type, type Static } from '@sinclair/typebox';
import { errorResponseSchema } from '../../infra/errors.ts';

export const ticketResponseSchema = Type.Object({
  ticket: Type.String({ description: 'Single use; pass as `GET /v1/tail?ticket=…`' }),
  expires_at: Type.String({ format: 'date-time' }),
});
export type TicketResponse = Static<typeof ticketResponseSchema>;

export const ticketRouteSchema = {
  tags: ['tail'],
  summary: 'A short-lived, single-use ticket that opens one live-tail WebSocket',
  response: { 201: ticketResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
};

export const tailQuerySchema = Type.Object(
  { ticket: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type TailQuery = Static<typeof tailQuerySchema>;

export const tailRouteSchema = {
  querystring: tailQuerySchema,
  response: { 401: errorResponseSchema, 403: errorResponseSchema, 503: errorResponseSchema },
};
