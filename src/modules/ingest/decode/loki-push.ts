/**
 * The Loki push API (`POST /loki/api/v1/push`), as Promtail, Grafana Alloy and the Loki client
 * libraries send it: streams of entries, each stream with its labels.
 *
 *   JSON      {"streams":[{"stream":{"job":"api"},"values":[["<unix ns>","<line>",{meta}]]}]}
 *   protobuf  logproto.PushRequest, snappy-compressed (one block), labels as `{job="api"}` text
 *
 * An entry becomes one JSON record for the normaliser: the line itself when it is a JSON object
 * (what pino-loki and most structured loggers send), else `{message: line}`; the entry's time
 * unless the line names its own; the `service_name`|`service`|`job` label as the service, the
 * `host`|`hostname` label as the host and the `level`|`detected_level`|`severity` label as the
 * level when the line has none; every other label and the structured metadata as attributes
 * (trace_id, span_id and user_id metadata fill those columns). The line's own fields win over
 * labels and metadata of the same name.
 */
import snappy from 'snappyjs';
import protobuf from 'protobufjs';
import { bodyText, tooManyRecords } from './body-text.ts';
import { IngestInputError, RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import type { DecodeBudget } from './decode-budget.ts';
import { countRecordElements, parseJsonText } from './json-body.ts';
import { HOST_KEYS, LEVEL_KEYS, SERVICE_KEYS, TIMESTAMP_KEYS } from './normalise-record.ts';
import { isPlainObject } from './raw-record.ts';
import type { DecodeResult, JsonObject, RawRecord } from './raw-record.ts';

export const SERVICE_LABELS = ['service_name', 'service', 'job'] as const;
export const HOST_LABELS = ['host', 'hostname'] as const;
export const LEVEL_LABELS = ['level', 'detected_level', 'severity'] as const;
export const ID_COLUMNS: ReadonlySet<string> = new Set(['trace_id', 'span_id', 'user_id']);

export interface LokiEntry {
  /** Unix nanoseconds, decimal; undefined when the entry has none (the receive time is used). */
  readonly timeNanos: string | undefined;
  readonly line: string;
  readonly metadata: Readonly<Record<string, string>> | undefined;
}

function invalid(message: string): IngestInputError {
  return new IngestInputError(400, 'invalid_body', `not a Loki push request: ${message}`);
}

function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

function hasAny(fields: JsonObject, keys: readonly string[]): boolean {
  return keys.some((k) => fields[k] !== undefined && fields[k] !== null);
}

/** The record's own fields: the line when it is a JSON object, else the line as the message. */
function lineFields(line: string): JsonObject {
  if (line.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (isPlainObject(parsed)) return Object.assign(newObject(), parsed);
    } catch {
      // A line that only looks like JSON is a message like any other.
    }
  }
  const fields = newObject();
  fields['message'] = line;
  return fields;
}

/** The first of `names` the stream has a label of: the one that fills their column. */
export function firstLabel(
  labels: ReadonlyMap<string, string>,
  names: readonly string[],
): string | undefined {
  return names.find((n) => labels.has(n));
}

/** Takes the first label of `names` present into `key` when the record has none of `aliases`. */
function labelColumn(
  fields: JsonObject,
  labels: Map<string, string>,
  names: readonly string[],
  key: string,
  aliases: readonly string[],
): void {
  const name = firstLabel(labels, names);
  if (name === undefined || hasAny(fields, aliases)) return;
  fields[key] = labels.get(name) as string;
  labels.delete(name);
}

/** One entry of a stream → the record the normaliser reads. */
export function lokiRecord(labels: ReadonlyMap<string, string>, entry: LokiEntry): RawRecord {
  const fields = lineFields(entry.line);
  if (entry.timeNanos !== undefined && !hasAny(fields, TIMESTAMP_KEYS)) {
    fields['timestamp'] = entry.timeNanos;
  }
  const rest = new Map(labels);
  labelColumn(fields, rest, SERVICE_LABELS, 'service', SERVICE_KEYS);
  labelColumn(fields, rest, HOST_LABELS, 'host', HOST_KEYS);
  labelColumn(fields, rest, LEVEL_LABELS, 'level', LEVEL_KEYS);
  // Labels and metadata join the line's `attributes` object (top-level fields when the line's
  // `attributes` is not an object); the line's own fields win over them.
  const own = fields['attributes'];
  const target = own === undefined || isPlainObject(own) ? Object.assign(newObject(), own) : fields;
  const add = (name: string, value: string): void => {
    if (!(name in fields) && !(name in target)) target[name] = value;
  };
  for (const [name, value] of rest) add(name, value);
  for (const [name, value] of Object.entries(entry.metadata ?? {})) {
    // OTel-fed pipelines (Alloy) put trace and span ids in structured metadata: MyLog has columns.
    if (ID_COLUMNS.has(name) && !(name in fields)) fields[name] = value;
    else add(name, value);
  }
  if (target !== fields) fields['attributes'] = target;
  return { source: 'json', fields };
}

/**
 * What a walk over a push request finds, in order: entries, and values that are not entries. The
 * walk refuses the request (413) before it would visit more records than the limit.
 */
export interface LokiVisitor {
  entry(labels: ReadonlyMap<string, string>, entry: LokiEntry): void;
  reject(error: string): void;
}

/** Counts the records a walk visits against the limit. */
function recordLimit(limits: IngestLimits): () => void {
  let records = 0;
  return () => {
    if (records++ >= limits.maxRecordsPerRequest) throw tooManyRecords(limits);
  };
}

/** The records of a request, for the normaliser. */
class Collector implements LokiVisitor {
  readonly records: (RawRecord | RecordRejection)[] = [];

  entry(labels: ReadonlyMap<string, string>, entry: LokiEntry): void {
    this.records.push(lokiRecord(labels, entry));
  }

  reject(error: string): void {
    this.records.push(new RecordRejection('invalid_field_type', error));
  }
}

// ---- JSON ---------------------------------------------------------------------------------

function stringMap(value: unknown): Map<string, string> | undefined {
  if (!isPlainObject(value)) return undefined;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return undefined;
    out.set(k, v);
  }
  return out;
}

const NANOS = /^\d{1,20}$/;

/** Structured metadata with at least one pair; undefined for none; null when not a string map. */
function metadataOf(meta: unknown): Record<string, string> | undefined | null {
  if (meta === undefined) return undefined;
  const pairs = stringMap(meta);
  if (pairs === undefined) return null;
  return pairs.size === 0 ? undefined : Object.fromEntries(pairs);
}

/** `{"streams":[{"stream":{…},"values":[[ts, line, meta?], …]}]}`, entry by entry. */
export function walkLokiJson(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
  visit: LokiVisitor,
): void {
  // Counted before JSON.parse builds them: a few KiB of gzip can hold millions of values.
  countRecordElements(body, ['streams', '*', 'values'], limits, budget);
  const parsed = parseJsonText(bodyText(body));
  const streams = isPlainObject(parsed) ? parsed['streams'] : undefined;
  if (!Array.isArray(streams)) throw invalid("expected an object with a 'streams' array");
  const counted = recordLimit(limits);
  for (const stream of streams) {
    const labels = isPlainObject(stream) ? stringMap(stream['stream'] ?? {}) : undefined;
    const values = isPlainObject(stream) ? stream['values'] : undefined;
    if (labels === undefined || !Array.isArray(values)) {
      throw invalid("each stream needs a 'stream' object of string labels and a 'values' array");
    }
    for (const value of values) {
      const [ts, line, meta] = Array.isArray(value) ? (value as unknown[]) : [];
      const metadata = metadataOf(meta);
      counted();
      if (typeof ts !== 'string' || !NANOS.test(ts) || typeof line !== 'string') {
        visit.reject('a Loki value must be ["<unix nanoseconds>", "<line>"(, {metadata})]');
      } else if (metadata === null) {
        visit.reject('Loki structured metadata must map names to strings');
      } else {
        visit.entry(labels, { timeNanos: ts, line, metadata });
      }
    }
  }
}

export function decodeLokiJson(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
): DecodeResult {
  const out = new Collector();
  walkLokiJson(body, limits, budget, out);
  return { records: out.records };
}

// ---- protobuf -------------------------------------------------------------------------------

/* logproto.PushRequest (grafana/loki pkg/push/push.proto), field numbers as Loki defines them. */
const root = protobuf.Root.fromJSON({
  nested: {
    PushRequest: { fields: { streams: { rule: 'repeated', type: 'StreamAdapter', id: 1 } } },
    StreamAdapter: {
      fields: {
        labels: { type: 'string', id: 1 },
        entries: { rule: 'repeated', type: 'EntryAdapter', id: 2 },
      },
    },
    EntryAdapter: {
      fields: {
        timestamp: { type: 'Timestamp', id: 1 },
        line: { type: 'string', id: 2 },
        structuredMetadata: { rule: 'repeated', type: 'LabelPairAdapter', id: 3 },
      },
    },
    LabelPairAdapter: {
      fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
    },
    Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
  },
});
const PushRequest = root.lookupType('PushRequest');

interface PbPushRequest {
  streams: {
    labels: string;
    entries: {
      timestamp?: { seconds: number | { toString(): string }; nanos: number } | null;
      line: string;
      structuredMetadata: { name: string; value: string }[];
    }[];
  }[];
}

/**
 * A Prometheus label set as Loki writes it: `{job="api", level="info"}`. Values are Go-quoted
 * strings (\" \\ \n \t escapes); undefined when the text is not one.
 */
export function parseLabelSet(text: string): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  let i = 0;
  const space = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  space();
  if (text[i] !== '{') return text.trim() === '' ? labels : undefined;
  i++;
  space();
  while (text[i] !== '}') {
    const start = i;
    while (i < text.length && /[\w.:-]/.test(text[i] as string)) i++;
    const name = text.slice(start, i);
    space();
    if (name === '' || text[i] !== '=') return undefined;
    i++;
    space();
    if (text[i] !== '"') return undefined;
    i++;
    let value = '';
    for (;;) {
      if (i >= text.length) return undefined;
      const c = text[i++] as string;
      if (c === '"') break;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const e = text[i++];
      value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
    }
    labels.set(name, value);
    space();
    if (text[i] === ',') {
      i++;
      space();
    } else if (text[i] !== '}') return undefined;
  }
  return labels;
}

function nanosOf(
  ts: PbPushRequest['streams'][number]['entries'][number]['timestamp'],
): string | undefined {
  if (!ts) return undefined;
  return (BigInt(String(ts.seconds)) * 1_000_000_000n + BigInt(ts.nanos)).toString();
}

/** The snappy block's declared length is checked against the limit before anything is inflated. */
function unsnappy(body: Buffer, maxDecodedBytes: number): Buffer {
  try {
    return Buffer.from(snappy.uncompress(body, maxDecodedBytes));
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes('too big')) {
      throw new IngestInputError(
        413,
        'body_too_large',
        `the decoded body is larger than ${maxDecodedBytes} bytes`,
      );
    }
    throw new IngestInputError(
      400,
      'invalid_compressed_body',
      `the body is not snappy-compressed: ${message}`,
    );
  }
}

/** A snappy-compressed logproto.PushRequest, entry by entry. */
export function walkLokiProtobuf(body: Buffer, limits: IngestLimits, visit: LokiVisitor): void {
  const raw = unsnappy(body, limits.maxDecodedBodyBytes);
  let request: PbPushRequest;
  try {
    request = PushRequest.decode(raw) as unknown as PbPushRequest;
  } catch (err) {
    throw new IngestInputError(
      400,
      'invalid_protobuf',
      `the body is not a Loki PushRequest: ${(err as Error).message}`,
    );
  }
  const counted = recordLimit(limits);
  for (const stream of request.streams) {
    const labels = parseLabelSet(stream.labels);
    if (labels === undefined)
      throw invalid(`malformed stream labels ${stream.labels.slice(0, 64)}`);
    for (const entry of stream.entries) {
      let metadata: Record<string, string> | undefined;
      for (const pair of entry.structuredMetadata) {
        metadata ??= Object.create(null) as Record<string, string>;
        metadata[pair.name] = pair.value;
      }
      counted();
      visit.entry(labels, { timeNanos: nanosOf(entry.timestamp), line: entry.line, metadata });
    }
  }
}

export function decodeLokiProtobuf(body: Buffer, limits: IngestLimits): DecodeResult {
  const out = new Collector();
  walkLokiProtobuf(body, limits, out);
  return { records: out.records };
}
