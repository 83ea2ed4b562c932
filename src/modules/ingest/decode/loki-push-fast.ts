/**
 * Loki push requests (JSON and protobuf) straight to INSERT_FORMAT rows: the same rows, rejections
 * and errors as decodeLokiJson / decodeLokiProtobuf followed by normalising and serialiseRows.
 *
 * The walk over the request is the general path's own (walkLokiJson, walkLokiProtobuf in
 * loki-push.ts), so what refuses a request whole (400, 413) and the order of the entries are the
 * same by construction. What changes is each entry: its line goes through the NDJSON fast path
 * (ndjson-fast-path.ts) with the stream's labels as LineDefaults (a text line as the object
 * `{"message": line}`, which is what lokiRecord makes of it), instead of JSON.parse, lokiRecord,
 * the normaliser and the serialiser. An entry the fast path leaves (structured metadata, a label
 * the line also names, an app with redaction rules, anything the NDJSON fast path leaves) takes
 * the general path's step alone. test/unit/ingest-decode/loki-fast-path.test.ts compares both
 * paths on generated requests.
 */
import type { DecodeBudget } from './decode-budget.ts';
import { utf8LongerThan, wellFormed } from './flatten-attributes.ts';
import { RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import { levelFromText } from './levels.ts';
import {
  firstLabel,
  HOST_LABELS,
  ID_COLUMNS,
  LEVEL_LABELS,
  lokiRecord,
  SERVICE_LABELS,
  walkLokiJson,
  walkLokiProtobuf,
} from './loki-push.ts';
import type { LokiEntry, LokiVisitor } from './loki-push.ts';
import { mayFillColumn, transcodeLine } from './ndjson-fast-path.ts';
import type { DefaultAttribute, DefaultColumn, LineDefaults } from './ndjson-fast-path.ts';
import type { NormaliseContext } from './normalise-record.ts';
import { quoteJson } from './serialise-rows.ts';
import type { RowWriter } from './serialise-rows.ts';
import { settleRecord } from './settle-record.ts';
import type { FastPathCounts } from './settle-record.ts';

/**
 * The entry's line as UTF-8, where transcodeLine reads it. Fixed: a longer line (rare, and mostly
 * over a field limit anyway) takes the general path rather than growing a buffer that the process
 * would keep.
 */
const lineBuf = Buffer.allocUnsafe(256 * 1024);

/**
 * Writes `text` as UTF-8 and returns its length, or -1 when it may not fit. A lone surrogate
 * becomes U+FFFD, as the normaliser makes it.
 */
function writeLine(text: string): number {
  return text.length * 3 > lineBuf.length ? -1 : lineBuf.write(text, 0);
}

function column(
  labels: ReadonlyMap<string, string>,
  names: readonly string[],
): { value: string; index: number } | undefined | null {
  const name = firstLabel(labels, names);
  if (name === undefined) return undefined;
  const value = labels.get(name) as string;
  // An empty label still fills the column in the general path, where the normaliser then looks
  // for another source: left to it.
  if (value === '') return null;
  return { value, index: [...labels.keys()].indexOf(name) };
}

/**
 * A label or metadata pair as the fast path adds it, or undefined when the normaliser would make
 * its strings well-formed (the bytes would differ).
 */
function defaultAttribute(
  name: string,
  value: string,
  limits: IngestLimits,
): DefaultAttribute | undefined {
  if (wellFormed(name) !== name || wellFormed(value) !== value) return undefined;
  const first = name.charCodeAt(0);
  return {
    name,
    json: Buffer.from(quoteJson(name) + ':' + quoteJson(value)),
    // An empty, numeric (ordered first by a JS object) or __proto__ key, one that can fill a
    // column, or one over a limit: the general path decides.
    unsafe:
      name === '' ||
      (first >= 0x30 && first <= 0x39) ||
      name === '__proto__' ||
      mayFillColumn(name) ||
      utf8LongerThan(name, limits.maxAttributeKeyBytes) ||
      Buffer.byteLength(value) > limits.maxAttributeValueBytes,
  };
}

const NO_METADATA: readonly DefaultAttribute[] = [];

/**
 * The entry's structured metadata as the fast path adds it (trace_id, span_id and user_id for
 * their columns, an empty one left to the general path), or undefined when it cannot.
 */
function metadataOf(
  metadata: Readonly<Record<string, string>> | undefined,
  limits: IngestLimits,
): readonly DefaultAttribute[] | undefined {
  if (metadata === undefined) return NO_METADATA;
  const out: DefaultAttribute[] = [];
  for (const [name, value] of Object.entries(metadata)) {
    const attribute = defaultAttribute(name, value, limits);
    if (attribute === undefined) return undefined;
    out.push(
      ID_COLUMNS.has(name)
        ? { ...attribute, unsafe: value === '', columnJson: Buffer.from(quoteJson(value)) }
        : attribute,
    );
  }
  return out;
}

/** The stream's labels as the fast path adds them, or undefined when its entries need the general path. */
function defaultsOf(
  labels: ReadonlyMap<string, string>,
  ctx: NormaliseContext,
): LineDefaults | undefined {
  const attributes: DefaultAttribute[] = [];
  for (const [name, value] of labels) {
    const attribute = defaultAttribute(name, value, ctx.limits);
    if (attribute === undefined) return undefined;
    attributes.push(attribute);
  }
  const service = column(labels, SERVICE_LABELS);
  const host = column(labels, HOST_LABELS);
  const level = column(labels, LEVEL_LABELS);
  if (service === null || host === null || level === null) return undefined;
  const asColumn = (c: { value: string; index: number } | undefined): DefaultColumn | undefined =>
    c && { json: Buffer.from(quoteJson(c.value)), index: c.index };
  return {
    timeText: undefined,
    service: asColumn(service),
    host: asColumn(host),
    level: level && { ...(asColumn(level) as DefaultColumn), level: levelFromText(level.value) },
    attributes,
    metadata: NO_METADATA,
  };
}

/** Writes the entry's row and returns true, or returns false having written nothing. */
function transcodeEntry(
  line: string,
  defaults: LineDefaults,
  ctx: NormaliseContext,
  w: RowWriter,
): boolean {
  // lokiRecord reads a line that starts with `{` as JSON (a line that does not parse goes to the
  // general path from transcodeLine), any other as the message.
  const length = line.trimStart().startsWith('{')
    ? writeLine(line)
    : writeLine('{"message":' + quoteJson(line) + '}');
  return length >= 0 && transcodeLine(lineBuf, 0, length, ctx, w, defaults);
}

/** Writes each entry's row (or its rejection) as the walk finds it. */
class RowVisitor implements LokiVisitor {
  readonly counts: FastPathCounts = { accepted: 0, dropped: 0, fast: 0 };
  private index = 0;
  private labels: ReadonlyMap<string, string> | undefined;
  private defaults: LineDefaults | undefined;

  constructor(
    private readonly ctx: NormaliseContext,
    private readonly w: RowWriter,
    private readonly rejected: RejectedRecord[],
    private readonly budget: DecodeBudget,
  ) {}

  private next(): number {
    this.budget.tick();
    return this.index++;
  }

  entry(labels: ReadonlyMap<string, string>, entry: LokiEntry): void {
    const index = this.next();
    // Entries of one stream share their labels' map.
    if (labels !== this.labels) {
      this.labels = labels;
      this.defaults = this.ctx.redactor === undefined ? defaultsOf(labels, this.ctx) : undefined;
    }
    const defaults = this.defaults;
    const metadata = defaults && metadataOf(entry.metadata, this.ctx.limits);
    if (defaults !== undefined && metadata !== undefined) {
      defaults.timeText = entry.timeNanos;
      defaults.metadata = metadata;
      if (transcodeEntry(entry.line, defaults, this.ctx, this.w)) {
        this.counts.accepted++;
        this.counts.fast++;
        return;
      }
    }
    const record = lokiRecord(labels, entry);
    settleRecord(record, this.ctx, this.w, this.rejected, index, this.counts);
  }

  reject(error: string): void {
    const index = this.next();
    const rejection = new RecordRejection('invalid_field_type', error);
    settleRecord(rejection, this.ctx, this.w, this.rejected, index, this.counts);
  }
}

/** Writes the rows of a Loki push body (JSON or snappy protobuf) and returns the counts. */
export function serialiseLokiPush(
  encoding: 'json' | 'protobuf',
  body: Buffer,
  ctx: NormaliseContext,
  w: RowWriter,
  rejected: RejectedRecord[],
  budget: DecodeBudget,
): FastPathCounts {
  const visitor = new RowVisitor(ctx, w, rejected, budget);
  if (encoding === 'json') walkLokiJson(body, ctx.limits, budget, visitor);
  else walkLokiProtobuf(body, ctx.limits, visitor);
  return visitor.counts;
}
