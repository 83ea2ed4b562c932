// One error shape for every route: { error: { code, message, details? } }.
import type { FastifyError, FastifyInstance } from 'fastify';

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'resource') {
    super(404, 'not_found', `${what} not found`);
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(400, code, message, details);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = 'unauthorized', message = 'authentication required') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', message = 'not allowed') {
    super(403, code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const errorResponseSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

/** Fastify's own client errors, mapped to stable machine-readable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) void reply.headers(error.headers);
      return reply.status(error.statusCode).send(body(error.code, error.message, error.details));
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.status(400).send(
        body('invalid_request', error.message, {
          context: fastifyError.validationContext,
          issues: fastifyError.validation.map((v) => ({
            path: v.instancePath,
            message: v.message,
            params: v.params,
          })),
        }),
      );
    }
    if (isPostgresDataError(error)) {
      // Class 22 (data exception): the input cannot be stored or compared as sent (a NUL byte in
      // text, a value past a column's range). Routes check what they know; this is the net.
      return reply
        .status(400)
        .send(body('invalid_value', 'a value in this request cannot be stored or compared'));
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        FASTIFY_CODES[fastifyError.code] ??
        (error instanceof SyntaxError ? 'invalid_json' : 'bad_request');
      return reply.status(status).send(body(code, error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(status >= 500 ? status : 500)
      .send(body('internal_error', 'internal server error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(body('route_not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** pg's DatabaseError carries the SQLSTATE in `code` and a `severity`; class 22 is bad data. */
function isPostgresDataError(error: unknown): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && typeof severity === 'string';
}

function body(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined
    ? { error: { code, message } }
    : { error: { code, message, details } };
}
