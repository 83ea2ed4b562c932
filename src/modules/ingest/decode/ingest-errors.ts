import { AppError } from '../../../infra/errors.ts';

/**
 * Errors of the pure ingest decoder.
 *
 * Two kinds, on purpose: `IngestInputError` rejects the whole request (the route maps it to the
 * error shape with its status), `RecordRejection` rejects one record and is returned, never thrown,
 * so that good records in the same request are still accepted.
 */

export type IngestInputStatus = 400 | 413 | 415;

export type IngestInputCode =
  | 'body_too_large'
  | 'too_many_records'
  | 'decode_budget_exceeded'
  | 'unsupported_media_type'
  | 'unsupported_content_encoding'
  | 'invalid_compressed_body'
  | 'invalid_json'
  | 'invalid_utf8'
  | 'invalid_body'
  | 'invalid_otlp'
  | 'invalid_protobuf'
  | 'invalid_bulk';

/** An AppError, so the app's one error handler answers it as { error: { code, message } }. */
export class IngestInputError extends AppError {
  declare readonly statusCode: IngestInputStatus;
  declare readonly code: IngestInputCode;

  constructor(statusCode: IngestInputStatus, code: IngestInputCode, message: string) {
    super(statusCode, code, message);
    this.name = 'IngestInputError';
  }
}

export type RecordRejectionCode =
  | 'invalid_json'
  | 'invalid_utf8'
  | 'not_an_object'
  | 'invalid_field_type'
  | 'invalid_timestamp'
  | 'timestamp_out_of_range'
  | 'message_too_large'
  | 'too_many_attributes'
  | 'attribute_key_too_large'
  | 'attribute_value_too_large'
  | 'nesting_too_deep'
  | 'unsupported_bulk_action'
  | 'missing_document'
  | 'redaction_limit_exceeded';

/** A per-record failure; a class so that decoders can mix it into their record list cheaply. */
export class RecordRejection {
  constructor(
    readonly code: RecordRejectionCode,
    readonly error: string,
  ) {}
}

/** What the response lists for each rejected record; `code` is for metrics (reason label). */
export interface RejectedRecord {
  readonly index: number;
  readonly code: RecordRejectionCode;
  readonly error: string;
}
