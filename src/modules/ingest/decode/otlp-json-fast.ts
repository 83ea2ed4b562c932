/**
 * OTLP/JSON ExportLogsServiceRequests straight to INSERT_FORMAT bytes.
 *
 * The general path parses the whole body (JSON.parse: an object per message, KeyValue and
 * AnyValue), turns each record into a raw record, normalises that into a row and serialises the
 * row: ~25 µs per typical record. This module walks the body's bytes once: resourceLogs →
 * scopeLogs → logRecords, and writes each record whose fields need nothing but copying (a string
 * literal of the body is already the JSON string the row holds) straight into the row, applying
 * the normaliser's OTLP rules (see normaliseOtlp) as the protobuf fast path does. The text senders
 * usually write around values (`{"key":`, `,"value":{"stringValue":`, and each record's member keys
 * as the record before had them) is matched whole, four bytes at a compare; any other text is read
 * key by key.
 *
 * Contract: for a body it accepts, it writes exactly the bytes the general path would write
 * (apart from the random part of the ids), with the same rejections. Two levels of leaving:
 * - A record the fast path cannot copy (a kvlist or array value, a `\u` or `\/` escape, a key
 *   given twice, an int64 written other than canonically, a time given as a number, a severity
 *   the normaliser would keep as level_raw, anything at a limit, any rejection) is parsed alone
 *   (JSON.parse of its own text, checked as strictly as JSON.parse checks it) and goes through
 *   the general path's record step, in its place: one odd record costs its own parse, not the
 *   batch's.
 * - Anything doubtful about the request around the records (invalid JSON or UTF-8, a structural
 *   key given twice or escaped, a `resource` after its `scopeLogs` or a `scope` after its
 *   `logRecords`, a container that is not what OTLP says, more records or groups than the limit,
 *   values nested deeper than the skipper follows) makes the whole body leave before anything is
 *   kept: serialiseOtlpJson returns undefined having discarded what it wrote, and the caller runs
 *   the general path, which then gives the 400 or 413 or rows itself.
 * With redaction rules the caller does not come here: the general path takes the body, so that a
 * body handed back after some records were redacted is not redacted (and counted) twice.
 * test/unit/ingest-decode/otlp-json-fast-path.test.ts checks the contract on generated requests.
 */
import { isUtf8 } from 'node:buffer';
import type { DecodeBudget } from './decode-budget.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import {
  BAIL,
  FALSE_BYTES,
  NULL_BYTES,
  scanLiteral,
  scanNumber,
  scanString,
  skipNumber,
  skipSpace,
  skipValue,
  strEscaped,
  TRUE_BYTES,
} from './json-scan.ts';
import { levelFromOtelNumber, levelFromText, UNSPECIFIED_LEVEL } from './levels.ts';
import type { NormalisedLevel } from './levels.ts';
import type { NormaliseContext } from './normalise-record.ts';
import { newJsonObject } from './otlp-common.ts';
import {
  checkAttributes,
  groupBytes,
  groupRoom,
  inRange,
  keyEnd,
  keyStart,
  MAX_FAST_ATTRIBUTES,
  NOT_FAST,
  spanIs,
  UNSET,
  valueKind,
  valueLength,
  writeScopeAndResource,
} from './otlp-fast-rows.ts';
import type { GroupBytes } from './otlp-fast-rows.ts';
import { settleRecord } from './settle-record.ts';
import type { SerialisedCounts } from './settle-record.ts';
import { decodeLogRecordJson, resourceOf, stringField } from './otlp-json.ts';
import { isPlainObject } from './raw-record.ts';
import type { JsonObject, OtlpResource } from './raw-record.ts';
import type { RecordGroup } from './otlp-protobuf.ts';
import type { RowWriter } from './serialise-rows.ts';
import type { Instant } from './timestamps.ts';

/** Deeper values than this in skipped or left text make the whole body go the general way. */
const MAX_SKIP_DEPTH = 128;

// Value kinds besides UNSET. STRING: a string literal, quotes included, copied as it is. TEXT: the
// bytes of a number, a boolean or an int64 string's digits, written in quotes.
const STRING = 1;
const TEXT = 2;

// One record's attributes (and, in the last slot, its body) in the shared table, with where the
// values lie in the body.
const BODY = MAX_FAST_ATTRIBUTES;
let attrCount = 0;
const valueStart: number[] = new Array<number>(MAX_FAST_ATTRIBUTES + 1).fill(0);
const valueEnd: number[] = new Array<number>(MAX_FAST_ATTRIBUTES + 1).fill(0);

const NO_BODY = Buffer.alloc(0);
const NO_VIEW = new DataView(new ArrayBuffer(0));
let src: Buffer = NO_BODY;
/** src as a DataView, for matchBytes. */
let view: DataView = NO_VIEW;
let pos = 0;
let end = 0;
/** The key readKey just read: src[kFrom, kTo), without quotes. */
let kFrom = 0;
let kTo = 0;

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** A member's key, its colon and the space before its value; escaped keys bail. */
function readKey(): void {
  pos = skipSpace(src, pos, end);
  kFrom = pos + 1;
  pos = scanString(src, pos, end);
  if (strEscaped) throw BAIL;
  kTo = pos - 1;
  pos = skipSpace(src, pos, end);
  if (src[pos] !== 0x3a) throw BAIL;
  pos = skipSpace(src, pos + 1, end);
}

/** Consumes `open`; false when the container is empty (then its `close` is consumed too). */
function opens(open: number, close: number): boolean {
  if (src[pos] !== open) throw BAIL;
  pos = skipSpace(src, pos + 1, end);
  if (src[pos] !== close) return true;
  pos++;
  return false;
}

/** After a member or element: true when a comma follows, false at `close`. */
function more(close: number): boolean {
  pos = skipSpace(src, pos, end);
  const c = src[pos++];
  if (c === 0x2c) {
    pos = skipSpace(src, pos, end);
    return true;
  }
  if (c === close) return false;
  throw BAIL;
}

function keyIs(name: Buffer): boolean {
  return spanIs(src, kFrom, kTo, name);
}

/**
 * Text a sender is expected to write, with its bytes also as little-endian 32-bit words: at 0, 4,
 * 8… and the last one at the text's last 4 bytes (overlapping the one before). Text shorter than
 * 4 bytes has no words.
 */
interface Token {
  readonly bytes: Buffer;
  readonly words: Uint32Array;
}

function token(bytes: Buffer): Token {
  const n = bytes.length;
  const words = new Uint32Array(n < 4 ? 0 : Math.ceil(n / 4));
  for (let w = 0; w < words.length; w++) words[w] = bytes.readUInt32LE(Math.min(w * 4, n - 4));
  return { bytes, words };
}

/**
 * The bytes at pos are `expected` (such as `{"key":`): pos goes past them and the space after
 * them. Otherwise false, pos unchanged. Matching what the sender is expected to write costs a
 * compare per 4 bytes; reading it the general way (readKey, fieldOf) costs several per byte.
 */
function matchBytes(expected: Token): boolean {
  const bytes = expected.bytes;
  const n = bytes.length;
  if (pos + n > end) return false;
  const words = expected.words;
  const last = words.length - 1;
  if (last < 0) {
    for (let j = 0; j < n; j++) if (src[pos + j] !== bytes[j]) return false;
  } else {
    for (let w = 0; w < last; w++) if (view.getUint32(pos + w * 4, true) !== words[w]) return false;
    if (view.getUint32(pos + n - 4, true) !== words[last]) return false;
  }
  pos += n;
  if ((src[pos] as number) <= 0x20) pos = skipSpace(src, pos, end);
  return true;
}

/** A string value without escapes (a key, an id, a time): its contents' start; pos after it. */
function plainString(): number {
  const from = pos + 1;
  pos = scanString(src, pos, end);
  if (strEscaped) throw BAIL;
  return from;
}

function isNull(): boolean {
  if (src[pos] !== 0x6e) return false;
  pos = scanLiteral(src, pos, NULL_BYTES);
  return true;
}

/** The value at pos, checked and skipped, then parsed on its own (for the general path's steps). */
function parseValue(): unknown {
  const from = pos;
  pos = skipValue(src, pos, end, MAX_SKIP_DEPTH);
  try {
    return JSON.parse(src.toString('utf8', from, pos)) as unknown;
  } catch {
    // skipValue is as strict as JSON.parse; were it not, the general path answers for the body.
    throw BAIL;
  }
}

function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.length);
}

const K = (s: string): Buffer => Buffer.from(s, 'latin1');
const K_RESOURCE_LOGS = K('resourceLogs');
const K_RESOURCE = K('resource');
const K_SCOPE_LOGS = K('scopeLogs');
const K_SCOPE = K('scope');
const K_LOG_RECORDS = K('logRecords');
const K_KEY = K('key');
const K_VALUE = K('value');

// LogRecord fields (bit positions of a seen-set) and AnyValue members, by key.
const F_TIME = 1;
const F_OBSERVED = 2;
const F_SEVERITY = 3;
const F_SEVERITY_TEXT = 4;
const F_BODY = 5;
const F_ATTRIBUTES = 6;
const F_TRACE = 7;
const F_SPAN = 8;
const RECORD_FIELDS = byLength([
  [K('timeUnixNano'), F_TIME],
  [K('observedTimeUnixNano'), F_OBSERVED],
  [K('severityNumber'), F_SEVERITY],
  [K('severityText'), F_SEVERITY_TEXT],
  [K('body'), F_BODY],
  [K('attributes'), F_ATTRIBUTES],
  [K('traceId'), F_TRACE],
  [K('spanId'), F_SPAN],
] as const);
const V_STRING = 1;
const V_BOOL = 2;
const V_INT = 3;
const V_DOUBLE = 4;
const V_BYTES = 5;
const V_NESTED = 6;
const VALUE_FIELDS = byLength([
  [K('stringValue'), V_STRING],
  [K('boolValue'), V_BOOL],
  [K('intValue'), V_INT],
  [K('doubleValue'), V_DOUBLE],
  [K('bytesValue'), V_BYTES],
  [K('arrayValue'), V_NESTED],
  [K('kvlistValue'), V_NESTED],
] as const);

/** The field a member's key names in `table` (0: none), looked up by the key's length first. */
function fieldOf(table: readonly (readonly [Buffer, number])[][]): number {
  const candidates = table[kTo - kFrom];
  if (candidates === undefined) return 0;
  for (let i = 0; i < candidates.length; i++) {
    const entry = candidates[i] as readonly [Buffer, number];
    if (keyIs(entry[0])) return entry[1];
  }
  return 0;
}

function byLength(fields: readonly (readonly [Buffer, number])[]): (readonly [Buffer, number])[][] {
  const table: (readonly [Buffer, number])[][] = [];
  for (const entry of fields) (table[entry[0].length] ??= []).push(entry);
  return table;
}

// A sender writes its records' members in one order: each record's n-th member key is expected
// to be the previous record's (its text, quotes and colon included, and its field). A longer key
// than any LogRecord field's is not kept: module state must not hold a sender's large text.
const MAX_EXPECTED_MEMBERS = 16;
const MAX_EXPECTED_KEY_BYTES = 64;
const expectedKey: (Token | undefined)[] = new Array<Token | undefined>(MAX_EXPECTED_MEMBERS).fill(
  undefined,
);
const expectedField: number[] = new Array<number>(MAX_EXPECTED_MEMBERS).fill(0);
const QUOTE = K('"');
const QUOTE_COLON = K('":');

/** The LogRecord field the key of the record's member number `member` names (0: none). */
function recordField(member: number): number {
  if (member < MAX_EXPECTED_MEMBERS) {
    const expected = expectedKey[member];
    if (expected !== undefined && matchBytes(expected)) return expectedField[member] as number;
  }
  readKey();
  const field = fieldOf(RECORD_FIELDS);
  if (member < MAX_EXPECTED_MEMBERS) {
    expectedKey[member] =
      kTo - kFrom > MAX_EXPECTED_KEY_BYTES
        ? undefined
        : token(Buffer.concat([QUOTE, src.subarray(kFrom, kTo), QUOTE_COLON]));
    expectedField[member] = field;
  }
  return field;
}

/**
 * An int64 string as int64Value leaves its text: `0` or digits without a leading zero, maybe
 * negative (Number() of longer ones is unsafe, and then the text is kept as it is).
 */
function canonicalInt(from: number, to: number): boolean {
  if (src[from] === 0x2d) from++;
  if (from >= to) return false;
  if (src[from] === 0x30) return to - from === 1 && src[from - 1] !== 0x2d;
  for (let i = from; i < to; i++) {
    const c = src[i] as number;
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

// AnyValue and KeyValue as SDKs and Collectors write them.
const USUAL_STRING_VALUE = token(K('{"stringValue":'));
const USUAL_INT_VALUE = token(K('{"intValue":'));
const USUAL_KEY = token(K('{"key":'));
const USUAL_VALUE = token(K(',"value":'));

/** The AnyValue object at pos as value slot `i`: one scalar member, or none (unset). */
function readAnyValue(i: number): void {
  const start = pos;
  const member = matchBytes(USUAL_STRING_VALUE)
    ? V_STRING
    : matchBytes(USUAL_INT_VALUE)
      ? V_INT
      : 0;
  if (member !== 0) {
    readMemberValue(i, member);
    if (src[pos] === CLOSE_OBJECT) {
      pos++;
      return;
    }
    pos = start;
  }
  valueKind[i] = UNSET;
  if (!opens(OPEN_OBJECT, CLOSE_OBJECT)) return;
  do {
    readKey();
    const member = fieldOf(VALUE_FIELDS);
    if (member === 0) {
      pos = skipValue(src, pos, end, MAX_SKIP_DEPTH);
      continue;
    }
    // The general path picks one member by a fixed order: two of them leave.
    if (valueKind[i] !== UNSET || member === V_NESTED) throw BAIL;
    readMemberValue(i, member);
  } while (more(CLOSE_OBJECT));
}

/** The value of AnyValue member `member` (not V_NESTED) at pos as value slot `i`. */
function readMemberValue(i: number, member: number): void {
  const from = pos;
  const c = src[pos];
  switch (member) {
    case V_STRING:
    case V_BYTES:
      // bytesValue stays the sender's base64 text.
      pos = scanString(src, pos, end);
      valueKind[i] = STRING;
      valueStart[i] = from;
      valueEnd[i] = pos;
      break;
    case V_BOOL:
      pos = scanLiteral(src, pos, c === 0x74 ? TRUE_BYTES : FALSE_BYTES);
      valueKind[i] = TEXT;
      valueStart[i] = from;
      valueEnd[i] = pos;
      break;
    case V_INT:
      if (c === 0x22) {
        const digits = plainString();
        if (!canonicalInt(digits, pos - 1)) throw BAIL;
        valueStart[i] = digits;
        valueEnd[i] = pos - 1;
      } else {
        pos = scanNumber(src, pos);
        for (let j = from; j < pos; j++) if (src[j] === 0x2e) throw BAIL;
        valueStart[i] = from;
        valueEnd[i] = pos;
      }
      valueKind[i] = TEXT;
      break;
    default:
      // V_DOUBLE: a number whose JS text is its JSON text.
      pos = scanNumber(src, pos);
      valueKind[i] = TEXT;
      valueStart[i] = from;
      valueEnd[i] = pos;
  }
  // The general path measures a string's text: escapes count here, so this is at least as long.
  valueLength[i] =
    (valueEnd[i] as number) - (valueStart[i] as number) - (valueKind[i] === STRING ? 2 : 0);
}

/** The KeyValue object at pos as attribute `attrCount`. */
function readKeyValue(): void {
  const i = attrCount++;
  if (i >= MAX_FAST_ATTRIBUTES) throw BAIL;
  if (!readUsualKeyValue(i)) readAnyKeyValue(i);
  // No key: the general path rejects the record. Keys that are array indexes come first in a JS
  // object; the general path's map is one.
  if (keyStart[i] === -1) throw BAIL;
  const first = src[keyStart[i] as number] as number;
  if (keyStart[i] !== keyEnd[i] && first >= 0x30 && first <= 0x39) throw BAIL;
}

/** `{"key":"…","value":{…}}` as attribute `i`; false, pos unchanged, for any other text. */
function readUsualKeyValue(i: number): boolean {
  const start = pos;
  if (matchBytes(USUAL_KEY) && src[pos] === 0x22) {
    keyStart[i] = plainString();
    keyEnd[i] = pos - 1;
    if (matchBytes(USUAL_VALUE) && src[pos] === OPEN_OBJECT) {
      readAnyValue(i);
      if (src[pos] === CLOSE_OBJECT) {
        pos++;
        return true;
      }
    }
  }
  pos = start;
  return false;
}

function readAnyKeyValue(i: number): void {
  keyStart[i] = -1;
  valueKind[i] = UNSET;
  let hasValue = false;
  if (opens(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      readKey();
      if (keyIs(K_KEY)) {
        if (keyStart[i] !== -1) throw BAIL;
        keyStart[i] = plainString();
        keyEnd[i] = pos - 1;
      } else if (keyIs(K_VALUE)) {
        if (hasValue) throw BAIL;
        hasValue = true;
        if (!isNull()) readAnyValue(i);
      } else pos = skipValue(src, pos, end, MAX_SKIP_DEPTH);
    } while (more(CLOSE_OBJECT));
  }
}

/** Nanoseconds as OTLP/JSON writes them (a decimal string) → an instant; '' or 0 → undefined. */
function nanosInstant(s: Buffer, from: number, to: number): Instant | undefined {
  while (from < to && s[from] === 0x30) from++;
  if (from === to) return undefined;
  // More than 20 digits, or not digits: the general path rejects the record.
  if (to - from > 20) throw BAIL;
  const split = to - 9;
  let sec = 0;
  let nanos = 0;
  for (let i = from; i < to; i++) {
    const d = (s[i] as number) - 0x30;
    if (d < 0 || d > 9) throw BAIL;
    if (i < split) sec = sec * 10 + d;
    else nanos = nanos * 10 + d;
  }
  return { sec, nanos };
}

/** A time member's value (a string, a number, null) as an instant. */
function timeValue(): Instant | undefined {
  if (isNull()) return undefined;
  if (src[pos] === 0x22) {
    const from = plainString();
    return nanosInstant(src, from, pos - 1);
  }
  // A number: the general path takes String() of its double.
  const from = pos;
  pos = skipNumber(src, pos);
  const text = Buffer.from(String(Number(src.toString('latin1', from, pos))), 'latin1');
  return nanosInstant(text, 0, text.length);
}

/** severityNumber as a number (its JS value: severityNumberFromJson keeps it as it is). */
function severityNumber(): number {
  const from = pos;
  pos = scanNumber(src, pos);
  // The usual one or two digits without building a string.
  const d0 = (src[from] as number) - 0x30;
  if (pos - from === 1) return d0;
  if (pos - from === 2 && d0 > 0) return d0 * 10 + (src[from + 1] as number) - 0x30;
  return Number(src.toString('latin1', from, pos));
}

/** Set by hexId: the id it read is all zeros (or empty: OTLP's "no id"). */
let idZero = true;

/**
 * An id string as hexId leaves it (hex digits, either case; anything else leaves the record): its
 * contents' start, pos after it. Sets idZero.
 */
function hexId(): number {
  if (src[pos] !== 0x22) throw BAIL;
  const from = pos + 1;
  let p = from;
  let zero = true;
  for (;;) {
    // Past the end of src, undefined is no digit either.
    const c = src[p] as number;
    if (c === 0x22) break;
    const lower = c | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66))) throw BAIL;
    if (c !== 0x30) zero = false;
    p++;
  }
  pos = p + 1;
  idZero = zero;
  return from;
}

/** `"<lowercase hex>"` of an id hexId found not all zero, `""` for one it found all zero. */
function writeHexId(w: RowWriter, from: number, to: number, zero: boolean): void {
  const buf = w.buf;
  let at = w.used;
  buf[at++] = 0x22;
  if (!zero) for (let i = from; i < to; i++) buf[at++] = (src[i] as number) | 0x20;
  buf[at++] = 0x22;
  w.used = at;
}

function writeValue(w: RowWriter, i: number): void {
  if (valueKind[i] === STRING) w.copy(src, valueStart[i] as number, valueEnd[i] as number);
  else {
    w.byte(0x22);
    w.copy(src, valueStart[i] as number, valueEnd[i] as number);
    w.byte(0x22);
  }
}

/**
 * Writes the row for the LogRecord object at pos, leaving pos after it, and returns true; or
 * returns false (or throws BAIL) having written nothing.
 */
function transcodeRecord(g: GroupBytes, ctx: NormaliseContext, w: RowWriter): boolean {
  const limits = ctx.limits;
  const start = pos;
  let seen = 0;
  let time: Instant | undefined;
  let observed: Instant | undefined;
  let severity = 0;
  let severityTextStart = 0;
  let severityTextEnd = 0;
  let traceStart = 0;
  let traceZero = true;
  let traceEnd = 0;
  let spanStart = 0;
  let spanZero = true;
  let spanEnd = 0;
  attrCount = 0;
  valueKind[BODY] = UNSET;
  let member = 0;
  if (opens(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      const field = recordField(member++);
      if (field === 0) {
        pos = skipValue(src, pos, end, MAX_SKIP_DEPTH);
        continue;
      }
      // A member given twice: JSON.parse keeps the last, the fast path leaves.
      const bit = 1 << field;
      if ((seen & bit) !== 0) throw BAIL;
      seen |= bit;
      if (isNull()) continue;
      switch (field) {
        case F_TIME:
          time = timeValue();
          break;
        case F_OBSERVED:
          observed = timeValue();
          break;
        case F_SEVERITY:
          severity = severityNumber();
          break;
        case F_SEVERITY_TEXT:
          severityTextStart = plainString();
          severityTextEnd = pos - 1;
          break;
        case F_BODY:
          readAnyValue(BODY);
          break;
        case F_ATTRIBUTES:
          if (opens(OPEN_ARRAY, CLOSE_ARRAY)) {
            do readKeyValue();
            while (more(CLOSE_ARRAY));
          }
          break;
        case F_TRACE:
          traceStart = hexId();
          traceEnd = pos - 1;
          traceZero = idZero;
          break;
        default:
          spanStart = hexId();
          spanEnd = pos - 1;
          spanZero = idZero;
      }
    } while (more(CLOSE_OBJECT));
  }

  // Times as normaliseOtlp takes them: timeUnixNano, else an in-range observed time, else receipt.
  const observedInRange = observed !== undefined && inRange(observed, ctx);
  const ts = time ?? (observedInRange ? observed : undefined);
  if (ts !== undefined && !inRange(ts, ctx)) return false;

  if (valueKind[BODY] !== UNSET && (valueLength[BODY] as number) > limits.maxMessageBytes)
    return false;

  let level: NormalisedLevel | undefined = levelFromOtelNumber(severity);
  if (level === undefined && severityTextEnd > severityTextStart) {
    level = levelFromText(src.toString('utf8', severityTextStart, severityTextEnd));
    // Not understood: the general path keeps it as the level_raw attribute.
    if (level === undefined) return false;
  }
  level ??= UNSPECIFIED_LEVEL;

  const user = checkAttributes(src, attrCount, g, limits);
  if (user === NOT_FAST) return false;

  // Every byte written but the group's comes from the record's text, plus quotes.
  w.ensure(groupRoom(w, g) + (pos - start) * 2);
  w.writeFastRowStart(ts, observedInRange ? observed : undefined, ctx, level);
  w.bytes(g.serviceHost);
  if (valueKind[BODY] === UNSET) w.ascii('""');
  else writeValue(w, BODY);
  w.ascii(',{');
  let first = true;
  for (let i = 0; i < attrCount; i++) {
    if (valueKind[i] === UNSET || i === user) continue;
    if (!first) w.byte(0x2c);
    first = false;
    w.byte(0x22);
    w.copy(src, keyStart[i] as number, keyEnd[i] as number);
    w.ascii('":');
    writeValue(w, i);
  }
  writeScopeAndResource(w, g, first);
  writeHexId(w, traceStart, traceEnd, traceZero);
  w.byte(0x2c);
  writeHexId(w, spanStart, spanEnd, spanZero);
  w.byte(0x2c);
  if (user === -1) w.ascii('""');
  else writeValue(w, user);
  w.bytes(w.tail);
  return true;
}

/** One request's walk: where its rows go, and how many records and groups it has seen. */
interface Walk {
  readonly ctx: NormaliseContext;
  readonly w: RowWriter;
  readonly rejected: RejectedRecord[];
  readonly budget: DecodeBudget;
  readonly counts: SerialisedCounts;
  records: number;
  resourceLogs: number;
  scopeLogs: number;
}

/** A logRecords[] element: the fast way, or parsed alone and settled the general way. */
function logRecord(walk: Walk, g: GroupBytes, scope: JsonObject): void {
  const { ctx, w } = walk;
  if (++walk.records > ctx.limits.maxRecordsPerRequest) throw BAIL;
  walk.budget.tick();
  const start = pos;
  if (g.fast) {
    let taken = false;
    try {
      taken = transcodeRecord(g, ctx, w);
    } catch (error) {
      if (error !== BAIL) throw error;
    }
    if (taken) {
      walk.counts.accepted++;
      return;
    }
    pos = start;
  }
  const record = decodeLogRecordJson(parseValue(), g.group.resource, scope, ctx.limits);
  settleRecord(record, ctx, w, walk.rejected, walk.records - 1, walk.counts);
}

function scopeLogs(walk: Walk, resource: OtlpResource): void {
  if (++walk.scopeLogs > walk.ctx.limits.maxRecordsPerRequest) throw BAIL;
  let scope: JsonObject | undefined;
  let g: GroupBytes | undefined;
  if (!opens(OPEN_OBJECT, CLOSE_OBJECT)) return;
  do {
    readKey();
    if (keyIs(K_SCOPE)) {
      // The records before it would have been written without it.
      if (scope !== undefined || g !== undefined) throw BAIL;
      const value = parseValue();
      scope = isPlainObject(value) ? value : newJsonObject();
    } else if (keyIs(K_LOG_RECORDS)) {
      if (g !== undefined) throw BAIL;
      scope ??= newJsonObject();
      const group = {
        resource,
        scopeName: stringField(scope, 'name'),
        scopeVersion: stringField(scope, 'version'),
      };
      g = groupBytes(group, walk.ctx);
      if (opens(OPEN_ARRAY, CLOSE_ARRAY)) {
        do logRecord(walk, g, scope);
        while (more(CLOSE_ARRAY));
      }
    } else pos = skipValue(src, pos, end, MAX_SKIP_DEPTH);
  } while (more(CLOSE_OBJECT));
}

function resourceLogs(walk: Walk): void {
  const limits = walk.ctx.limits;
  if (++walk.resourceLogs > limits.maxRecordsPerRequest) throw BAIL;
  let resource: OtlpResource | undefined;
  let scoped = false;
  if (!opens(OPEN_OBJECT, CLOSE_OBJECT)) return;
  do {
    readKey();
    if (keyIs(K_RESOURCE)) {
      if (resource !== undefined || scoped) throw BAIL;
      resource = resourceOf({ resource: parseValue() }, limits);
    } else if (keyIs(K_SCOPE_LOGS)) {
      if (scoped) throw BAIL;
      scoped = true;
      resource ??= resourceOf(newJsonObject(), limits);
      if (opens(OPEN_ARRAY, CLOSE_ARRAY)) {
        do scopeLogs(walk, resource);
        while (more(CLOSE_ARRAY));
      }
    } else pos = skipValue(src, pos, end, MAX_SKIP_DEPTH);
  } while (more(CLOSE_OBJECT));
}

function request(walk: Walk): void {
  // bodyText drops a byte order mark.
  pos = src[0] === 0xef && src[1] === 0xbb && src[2] === 0xbf ? 3 : 0;
  pos = skipSpace(src, pos, end);
  let seen = false;
  if (opens(OPEN_OBJECT, CLOSE_OBJECT)) {
    do {
      readKey();
      if (keyIs(K_RESOURCE_LOGS)) {
        if (seen) throw BAIL;
        seen = true;
        if (opens(OPEN_ARRAY, CLOSE_ARRAY)) {
          do resourceLogs(walk);
          while (more(CLOSE_ARRAY));
        }
      } else pos = skipValue(src, pos, end, MAX_SKIP_DEPTH);
    } while (more(CLOSE_OBJECT));
  }
  if (skipSpace(src, pos, end) !== end) throw BAIL;
}

/**
 * Writes the row for the LogRecord object `text` of `group` and returns true, or returns false
 * having written nothing (serialiseOtlpJson's fast step, exported for tests).
 */
export function transcodeLogRecordJson(
  text: Buffer,
  group: RecordGroup,
  ctx: NormaliseContext,
  w: RowWriter,
): boolean {
  const g = groupBytes(group, ctx);
  src = text;
  view = viewOf(text);
  end = text.length;
  pos = skipSpace(text, 0, end);
  try {
    return g.fast && transcodeRecord(g, ctx, w);
  } catch (error) {
    if (error !== BAIL) throw error;
    return false;
  } finally {
    src = NO_BODY;
    view = NO_VIEW;
  }
}

/**
 * An OTLP/JSON ExportLogsServiceRequest straight to INSERT_FORMAT rows, record by record the fast
 * way or the general path's way; or undefined, having discarded what it wrote and `rejected`, when
 * the general path must take the whole body (see the module's comment).
 */
export function serialiseOtlpJson(
  body: Buffer,
  ctx: NormaliseContext,
  w: RowWriter,
  rejected: RejectedRecord[],
  budget: DecodeBudget,
): SerialisedCounts | undefined {
  if (!isUtf8(body)) return undefined;
  const counts: SerialisedCounts = { accepted: 0, dropped: 0 };
  const walk: Walk = {
    ctx,
    w,
    rejected,
    budget,
    counts,
    records: 0,
    resourceLogs: 0,
    scopeLogs: 0,
  };
  src = body;
  view = viewOf(body);
  end = body.length;
  try {
    request(walk);
    return counts;
  } catch (error) {
    if (error !== BAIL) throw error;
    w.discard();
    rejected.length = 0;
    return undefined;
  } finally {
    // The module state must not keep a request body alive.
    src = NO_BODY;
    view = NO_VIEW;
  }
}
