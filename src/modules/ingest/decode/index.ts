import { isUtf8 } from 'node:buffer';
import { bodyText, tooManyRecords } from './body-text.ts';
import { decodeContentEncoding } from './content-decoding.ts';
import { DecodeBudget } from './decode-budget.ts';
import { decodeEsBulk, decodeEsDocument, settleBulkItem } from './es-bulk.ts';
import type { BulkItem, EsDocumentTarget } from './es-bulk.ts';
import { IngestInputError, RecordRejection } from './ingest-errors.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { countRecordElements, decodeJsonValue } from './json-body.ts';
import { splitJsonStream } from './json-stream.ts';
import { decodeLokiJson, decodeLokiProtobuf } from './loki-push.ts';
import { serialiseLokiPush } from './loki-push-fast.ts';
import { decodeNdjsonBody, serialiseNdjsonBody } from './ndjson-body.ts';
import { createNormaliseContext, normaliseRecord } from './normalise-record.ts';
import { serialiseEsBulkBody } from './es-bulk-fast.ts';
import { serialiseJsonArray } from './json-array-fast.ts';
import type { CanonicalRow } from './normalise-record.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import { serialiseOtlpJson } from './otlp-json-fast.ts';
import { decodeOtlpProtobuf } from './otlp-protobuf.ts';
import { serialiseOtlpProtobuf } from './otlp-protobuf-fast.ts';
import { isPlainObject } from './raw-record.ts';
import { RowWriter } from './serialise-rows.ts';
import { DROP_RECORD, redactOutcome } from './row-redactor.ts';
import type { RowRedactor } from './row-redactor.ts';
import type { TenantColumns } from './serialise-rows.ts';
import type { DecodeResult, JsonObject } from './raw-record.ts';

export { IngestInputError, RecordRejection } from './ingest-errors.ts';
export type {
  IngestInputCode,
  IngestInputStatus,
  RecordRejectionCode,
  RejectedRecord,
} from './ingest-errors.ts';
export { DEFAULT_INGEST_LIMITS } from './ingest-limits.ts';
export type { IngestLimits } from './ingest-limits.ts';
export type { CanonicalRow } from './normalise-record.ts';
export { DROP_RECORD } from './row-redactor.ts';
export type { RowRedactor } from './row-redactor.ts';
export {
  INSERT_COLUMNS,
  INSERT_FORMAT,
  INSERT_TARGET,
  parseSerialisedRow,
  serialiseRows,
} from './serialise-rows.ts';
export type { SerialisedRow, TenantColumns } from './serialise-rows.ts';
export { bulkResponseBody } from './es-bulk.ts';
export type { BulkAction, BulkItem, EsDocumentTarget } from './es-bulk.ts';
export { decodeContentEncoding } from './content-decoding.ts';
export type { Level } from './levels.ts';

/** logs: /v1/logs · otlp · bulk: ES _bulk · document: ES index/create API · loki: Loki push */
export type IngestRouteKind = 'logs' | 'otlp' | 'bulk' | 'document' | 'loki';

export interface DecodeIngestBodyInput {
  readonly kind: IngestRouteKind;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** The body as received (still encoded). */
  readonly body: Buffer;
  readonly limits: IngestLimits;
  /** Receive time, epoch milliseconds: the default timestamp, observed_ts and the ids' time. */
  readonly now: number;
  /** `:index` of `POST /:index/_bulk`, for items whose action names no `_index`. */
  readonly bulkIndex?: string;
  /** The document route's target (kind 'document'). */
  readonly document?: EsDocumentTarget;
  /** The app's redaction rules, applied to every row before it is serialised. */
  readonly redactor?: RowRedactor;
}

export interface DecodeIngestBodyResult {
  readonly rows: CanonicalRow[];
  readonly rejected: RejectedRecord[];
  /** Bulk and document routes: one item per action line, status settled (201/400). */
  readonly bulkItems?: BulkItem[];
  /** Records a drop_record redaction rule matched: accepted, not stored. */
  readonly dropped: number;
}

/** A decoder's answer: the records, or NDJSON (line-oriented, decoded by the caller's path). */
type Decoder = (
  body: Buffer,
  input: DecodeIngestBodyInput,
  budget: DecodeBudget,
) => DecodeResult | typeof NDJSON;

/** A decoder's answer for a line-oriented body: one JSON record per line. */
const NDJSON = Symbol('ndjson');

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/jsonlines',
  'application/x-jsonlines',
]);
const BULK_TYPES = new Set([
  'application/x-ndjson',
  'application/json',
  'application/vnd.elasticsearch+x-ndjson',
  'application/vnd.elasticsearch+json',
]);
const ES_DOCUMENT_TYPES = new Set(['application/json', 'application/vnd.elasticsearch+json', '']);
const PROTOBUF_TYPES = new Set([
  'application/x-protobuf',
  'application/protobuf',
  'application/vnd.google.protobuf',
]);
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

function unsupported(contentType: string | undefined, kind: IngestRouteKind): IngestInputError {
  return new IngestInputError(
    415,
    'unsupported_media_type',
    `Content-Type ${contentType ?? '(none)'} is not accepted on the ${kind} route`,
  );
}

/** The media type without parameters, lowercased; '' when absent. A non-UTF-8 charset → 415. */
function mediaType(contentType: string | undefined, kind: IngestRouteKind): string {
  if (contentType === undefined) return '';
  const [type = '', ...params] = contentType.split(';');
  for (const p of params) {
    const [name = '', value = ''] = p.split('=');
    if (
      name.trim().toLowerCase() === 'charset' &&
      !UTF8_CHARSETS.has(value.trim().replace(/"/g, '').toLowerCase())
    ) {
      throw unsupported(contentType, kind);
    }
  }
  return type.trim().toLowerCase();
}

/**
 * `application/json` (or no Content-Type) on /v1/logs: a JSON object or array. Several shippers
 * (Vector's and Fluent Bit's HTTP sinks among them) label NDJSON as application/json, so a body that
 * is not one JSON document but whose first line is a JSON object is read as NDJSON instead.
 */
function decodeJsonOrNdjson(
  body: Buffer,
  input: DecodeIngestBodyInput,
  budget: DecodeBudget,
): DecodeResult | typeof NDJSON {
  const parsed = parseJsonDocument(body, input.limits, budget);
  if (parsed === NDJSON) return NDJSON;
  if ('stream' in parsed) return decodeJsonStream(parsed.stream, input.limits);
  return decodeJsonValue(parsed.value, input.limits);
}

/** Each object of a JSON stream is one record; one that does not parse is rejected alone. */
function decodeJsonStream(texts: string[], limits: IngestLimits): DecodeResult {
  if (texts.length > limits.maxRecordsPerRequest) throw tooManyRecords(limits);
  return {
    records: texts.map((text) => {
      try {
        return { source: 'json', fields: JSON.parse(text) as JsonObject };
      } catch (err) {
        return new RecordRejection('invalid_json', `not valid JSON: ${(err as Error).message}`);
      }
    }),
  };
}

/**
 * The body as one JSON document; NDJSON when it is not one but its first line is an object; a
 * JSON stream (`{…}{…}`, Fluent Bit's json_stream) when it is objects one after another.
 */
function parseJsonDocument(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
): { value: unknown } | { stream: string[] } | typeof NDJSON {
  countRecordElements(body, [], limits, budget);
  const text = bodyText(body);
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    if (firstLineIsObject(text)) return NDJSON;
    const stream = splitJsonStream(text, limits.maxRecordsPerRequest);
    if (stream !== undefined) return { stream };
    throw new IngestInputError(
      400,
      'invalid_json',
      `the body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

function firstLineIsObject(text: string): boolean {
  const start = text.search(/\S/);
  const nl = start === -1 ? -1 : text.indexOf('\n', start);
  if (nl === -1) return false;
  try {
    return isPlainObject(JSON.parse(text.slice(start, nl)));
  } catch {
    return false;
  }
}

function decodeDocument(body: Buffer, input: DecodeIngestBodyInput): DecodeResult {
  const target = input.document ?? { action: 'index', index: input.bulkIndex ?? '', id: null };
  return decodeEsDocument(bodyText(body), target);
}

/** Also the key to OTLP/JSON's own serialising path (otlp-json-fast.ts). */
const decodeOtlpJsonBody: Decoder = (body, input, budget) =>
  decodeOtlpJson(body, input.limits, budget);

/** Also the key to OTLP protobuf's own serialising path (otlp-protobuf-fast.ts). */
const decodeOtlpProtobufBody: Decoder = (body, input, budget) =>
  decodeOtlpProtobuf(body, input.limits, budget);

/** Also the keys to the Loki fast path (loki-push-fast.ts). */
const decodeLokiJsonBody: Decoder = (body, input, budget) =>
  decodeLokiJson(body, input.limits, budget);
const decodeLokiProtobufBody: Decoder = (body, input) => decodeLokiProtobuf(body, input.limits);

/** Also the key to the bulk fast path (es-bulk-fast.ts). */
const decodeBulkBody: Decoder = (body, input) => decodeEsBulk(body, input.limits, input.bulkIndex);

function chooseDecoder(kind: IngestRouteKind, contentType: string | undefined): Decoder {
  const type = mediaType(contentType, kind);
  switch (kind) {
    case 'logs':
      if (type === 'application/json' || type === '') return decodeJsonOrNdjson;
      if (NDJSON_TYPES.has(type)) return () => NDJSON;
      break;
    case 'otlp':
      if (type === 'application/json') return decodeOtlpJsonBody;
      if (PROTOBUF_TYPES.has(type)) return decodeOtlpProtobufBody;
      break;
    case 'bulk':
      // Elasticsearch itself only accepts its JSON types here, but curl-based shippers send none.
      if (BULK_TYPES.has(type) || type === '') return decodeBulkBody;
      break;
    case 'document':
      if (ES_DOCUMENT_TYPES.has(type)) return decodeDocument;
      break;
    case 'loki':
      if (type === 'application/json') return decodeLokiJsonBody;
      // Loki's protobuf is always snappy-compressed, with or without a Content-Encoding saying so.
      if (PROTOBUF_TYPES.has(type)) return decodeLokiProtobufBody;
      break;
  }
  throw unsupported(contentType, kind);
}

/** Records → rows or rejections by index, bulk items settled as they go. */
function normaliseAll(
  decoded: DecodeResult,
  input: DecodeIngestBodyInput,
  budget: DecodeBudget,
): DecodeIngestBodyResult {
  const bulkItems = (decoded as { bulkItems?: BulkItem[] }).bulkItems;
  const ctx = createNormaliseContext(input.limits, input.now);
  const rows: CanonicalRow[] = [];
  const rejected: RejectedRecord[] = [];
  let dropped = 0;
  const records = decoded.records;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    if (record === undefined) continue;
    budget.tick();
    const normalised = record instanceof RecordRejection ? record : normaliseRecord(record, ctx);
    const outcome = redactOutcome(normalised, input.redactor);
    if (outcome === DROP_RECORD) dropped++;
    else if (outcome instanceof RecordRejection)
      rejected.push({ index, code: outcome.code, error: outcome.error });
    else rows.push(outcome);
    const item = bulkItems?.[index];
    if (item !== undefined) settleBulkItem(item, outcome === DROP_RECORD ? normalised : outcome);
  }
  return bulkItems === undefined
    ? { rows, rejected, dropped }
    : { rows, rejected, bulkItems, dropped };
}

/**
 * Request body → canonical rows. Throws IngestInputError (400/413/415) when the request as a whole
 * is unacceptable; otherwise every record is either a row or listed in `rejected` by its index.
 */
export async function decodeIngestBody(
  input: DecodeIngestBodyInput,
): Promise<DecodeIngestBodyResult> {
  const { decoder, body } = await contentOf(input);
  const budget = new DecodeBudget(input.limits.decodeCpuBudgetMs);
  const decoded = decoder(body, input, budget);
  return normaliseAll(
    decoded === NDJSON ? decodeNdjsonBody(body, input.limits, budget) : decoded,
    input,
    budget,
  );
}

/** Loki's protobuf decoder undoes snappy itself: a client may or may not name it. */
function withoutSnappy(encoding: string | undefined): string | undefined {
  return encoding?.replace(/\bsnappy\b/gi, '');
}

/** The decoder for the route and media type (415 first), and the body with its encoding undone. */
async function contentOf(
  input: DecodeIngestBodyInput,
): Promise<{ decoder: Decoder; body: Buffer }> {
  const decoder = chooseDecoder(input.kind, input.contentType);
  const body = await decodeContentEncoding(
    input.body,
    input.kind === 'loki' ? withoutSnappy(input.contentEncoding) : input.contentEncoding,
    input.limits.maxDecodedBodyBytes,
  );
  return { decoder, body };
}

export interface SerialisedIngestBody {
  /** The accepted rows as INSERT_FORMAT bytes; undefined when none was accepted. */
  readonly serialised: Buffer | undefined;
  readonly accepted: number;
  readonly rejected: RejectedRecord[];
  readonly bulkItems?: BulkItem[];
  /** Records a drop_record redaction rule matched: accepted, not stored. */
  readonly dropped: number;
}

/**
 * Request body → INSERT_FORMAT bytes for one tenant: decodeIngestBody then serialiseRows, except
 * that an NDJSON body of valid UTF-8 (also one labelled application/json) goes line by line
 * through the fast path (ndjson-fast-path.ts), so do the document lines of an Elasticsearch bulk
 * body of valid UTF-8 (es-bulk-fast.ts), an OTLP protobuf body record by record through
 * otlp-protobuf-fast.ts, an OTLP/JSON body through otlp-json-fast.ts (unless it hands the
 * whole body back), the lines of a Loki push through loki-push-fast.ts, and the elements of a
 * JSON array through json-array-fast.ts (unless it hands the body back): they write the same
 * bytes without building rows.
 */
export async function decodeAndSerialiseIngestBody(
  input: DecodeIngestBodyInput,
  tenant: TenantColumns,
): Promise<SerialisedIngestBody> {
  const { decoder, body } = await contentOf(input);
  // Nothing is awaited from here on: the writer's slab belongs to this request until finish().
  const writer = new RowWriter(tenant);
  const budget = new DecodeBudget(input.limits.decodeCpuBudgetMs);
  // What every fast path takes besides the body and the writer.
  const rejected: RejectedRecord[] = [];
  const ctx = createNormaliseContext(input.limits, input.now, input.redactor);
  if (decoder === decodeOtlpProtobufBody) {
    const { accepted, dropped } = serialiseOtlpProtobuf(body, ctx, writer, rejected, budget);
    return { serialised: writer.finish(), accepted, rejected, dropped };
  }
  // With redaction rules, not: a body handed back would be redacted (and counted) twice.
  if (decoder === decodeOtlpJsonBody && input.redactor === undefined) {
    const counts = serialiseOtlpJson(body, ctx, writer, rejected, budget);
    if (counts !== undefined) return { serialised: writer.finish(), rejected, ...counts };
  }
  if (decoder === decodeLokiJsonBody || decoder === decodeLokiProtobufBody) {
    const encoding = decoder === decodeLokiJsonBody ? 'json' : 'protobuf';
    const { accepted, dropped } = serialiseLokiPush(encoding, body, ctx, writer, rejected, budget);
    return { serialised: writer.finish(), accepted, rejected, dropped };
  }
  if (decoder === decodeJsonOrNdjson && isUtf8(body)) {
    const counts = serialiseJsonArray(body, ctx, writer, rejected, budget);
    if (counts !== undefined) {
      const { accepted, dropped } = counts;
      return { serialised: writer.finish(), accepted, rejected, dropped };
    }
  }
  if (decoder === decodeBulkBody && isUtf8(body)) {
    const result = serialiseEsBulkBody(body, ctx, writer, rejected, budget, input.bulkIndex);
    return { serialised: writer.finish(), rejected, ...result };
  }
  const decoded = decoder(body, input, budget);
  if (decoded === NDJSON && isUtf8(body)) {
    const { accepted, dropped } = serialiseNdjsonBody(body, ctx, writer, rejected, budget);
    return { serialised: writer.finish(), accepted, rejected, dropped };
  }
  // The general path lists its own rejections.
  const {
    rows,
    rejected: rowRejections,
    bulkItems,
    dropped,
  } = normaliseAll(
    decoded === NDJSON ? decodeNdjsonBody(body, input.limits, budget) : decoded,
    input,
    budget,
  );
  for (const row of rows) {
    budget.tick();
    writer.writeRow(row);
  }
  const serialised = writer.finish();
  const accepted = rows.length;
  return bulkItems === undefined
    ? { serialised, accepted, rejected: rowRejections, dropped }
    : { serialised, accepted, rejected: rowRejections, bulkItems, dropped };
}
