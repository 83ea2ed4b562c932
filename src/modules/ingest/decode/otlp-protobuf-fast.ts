/**
 * OTLP protobuf LogRecords straight to INSERT_FORMAT bytes, for the records that need nothing but
 * copying.
 *
 * The general path decodes each LogRecord with protobufjs' reflection (an object per message,
 * AnyValue and KeyValue, Long objects for the times), turns it into a raw record, normalises that
 * into a row and serialises the row: ~24 µs per typical record. Most records an SDK or Collector
 * sends are a string body, scalar attributes, ids and times: this module reads such a record's
 * fields where they lie in the body, applies the normaliser's OTLP rules (see normaliseOtlp) and
 * writes the row, copying (and JSON-escaping) the strings byte for byte.
 *
 * Contract: for a record it accepts, it writes exactly the bytes the general path would write
 * (apart from the random part of the id); for anything else (a kvlist or array value, a body that
 * is not a string, a duplicate or numeric attribute key, a field repeated or of an unexpected wire
 * type, a string that is not UTF-8, a severity the normaliser would keep as level_raw, an int64
 * beyond 2^53, anything at a limit, any rejection) it bails out before writing and the general
 * path handles the record. The walk over the request (counting, limits, resource and scope) is the
 * general path's own. test/unit/ingest-decode/otlp-fast-path.test.ts checks the contract on
 * generated requests.
 */
import { isUtf8 } from 'node:buffer';
import type { DecodeBudget } from './decode-budget.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import { levelFromOtelNumber, levelFromText, UNSPECIFIED_LEVEL } from './levels.ts';
import type { NormalisedLevel } from './levels.ts';
import type { NormaliseContext } from './normalise-record.ts';
import {
  checkAttributes,
  groupBytes,
  groupRoom,
  inRange,
  keyEnd,
  keyStart,
  MAX_FAST_ATTRIBUTES,
  NOT_FAST,
  UNSET,
  valueKind,
  valueLength,
  writeScopeAndResource,
} from './otlp-fast-rows.ts';
import type { GroupBytes } from './otlp-fast-rows.ts';
import { settleRecord } from './settle-record.ts';
import type { SerialisedCounts } from './settle-record.ts';
import { decodeLogRecord, walkOtlpProtobuf } from './otlp-protobuf.ts';
import type { ProtobufDecode, RecordGroup, Span } from './otlp-protobuf.ts';
import type { RowWriter } from './serialise-rows.ts';
import type { Instant } from './timestamps.ts';

// Attribute value kinds. TEXT values were turned into a JS string (numbers, booleans, bytes).
const STRING = 1;
const TEXT = 2;

/** Thrown (as a constant, never constructed) when a record leaves the fast path. */
const BAIL = Symbol('bail');

// One record's fields, in module state reused from record to record (no allocation per field).
let src: Buffer = Buffer.alloc(0);
let vLo = 0;
let vHi = 0;
let attrCount = 0;
const valueStart: number[] = new Array<number>(MAX_FAST_ATTRIBUTES).fill(0);
const valueEnd: number[] = new Array<number>(MAX_FAST_ATTRIBUTES).fill(0);
const valueText: string[] = new Array<string>(MAX_FAST_ATTRIBUTES).fill('');

/**
 * A varint at p into vLo/vHi (its low and high 32 bits); returns the position after it. `max` is
 * 5 where protobufjs reads a uint32: it then skips 5 more bytes whatever they hold, so only
 * varints of at most 5 bytes are read the same way by both.
 */
function varint(p: number, end: number, max: number): number {
  const s = src;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < max; i++) {
    if (p >= end) throw BAIL;
    const b = s[p++] as number;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x7f) << 28;
      hi = (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if (b < 0x80) {
      vLo = lo >>> 0;
      vHi = hi >>> 0;
      return p;
    }
  }
  throw BAIL;
}

/** After a field's tag (wire type `wire`) at p: the position after its value. */
function skipValue(p: number, end: number, wire: number): number {
  let next: number;
  switch (wire) {
    case 0:
      return varint(p, end, 10);
    case 1:
      next = p + 8;
      break;
    case 2:
      p = varint(p, end, 5);
      next = p + vLo;
      break;
    case 5:
      next = p + 4;
      break;
    default:
      throw BAIL;
  }
  if (next > end) throw BAIL;
  return next;
}

/** The end of the length-delimited value at p (its length is read; vLo afterwards is garbage). */
let lenStart = 0;
function lengthDelimited(p: number, end: number): number {
  p = varint(p, end, 5);
  const next = p + vLo;
  if (next > end) throw BAIL;
  lenStart = p;
  return next;
}

function fixed64At(p: number): void {
  vLo = src.readUInt32LE(p);
  vHi = src.readUInt32LE(p + 4);
}

/** UTF-8 that protobufjs and the normaliser read as the same string, unchanged. */
function checkUtf8(from: number, to: number): void {
  const s = src;
  for (let i = from; i < to; i++) {
    if ((s[i] as number) >= 0x80) {
      if (!isUtf8(s.subarray(from, to))) throw BAIL;
      return;
    }
  }
}

/** vLo/vHi as a signed int64's decimal text, when its magnitude is at most 2^53 (else bail). */
function int64Text(): string {
  const hi = vHi | 0;
  if (hi >= 0x200000 || hi < -0x200000) throw BAIL;
  return String(hi * 4_294_967_296 + vLo);
}

/** Unsigned 64-bit nanoseconds vLo/vHi as an instant (long division in 16-bit digits); 0 → undefined. */
function nanosInstant(): Instant | undefined {
  if (vLo === 0 && vHi === 0) return undefined;
  let rem = 0;
  let sec = 0;
  for (const digit of [vHi >>> 16, vHi & 0xffff, vLo >>> 16, vLo & 0xffff]) {
    const cur = rem * 65_536 + digit;
    const q = Math.floor(cur / 1e9);
    rem = cur - q * 1e9;
    sec = sec * 65_536 + q;
  }
  return { sec, nanos: rem };
}

/**
 * The AnyValue in [p, end) of attribute `i`: one scalar member, or none (unset). kvlist and array
 * values, and two members, bail.
 */
function readAttributeValue(i: number, p: number, end: number): void {
  let kind = UNSET;
  while (p < end) {
    p = varint(p, end, 5);
    const field = vLo >>> 3;
    const wire = vLo & 7;
    if (field >= 1 && field <= 7) {
      if (kind !== UNSET) throw BAIL;
      kind = TEXT;
    }
    switch (field) {
      case 1:
        if (wire !== 2) throw BAIL;
        p = lengthDelimited(p, end);
        checkUtf8(lenStart, p);
        kind = STRING;
        valueStart[i] = lenStart;
        valueEnd[i] = p;
        break;
      case 2:
        if (wire !== 0) throw BAIL;
        p = varint(p, end, 5);
        valueText[i] = vLo !== 0 ? 'true' : 'false';
        break;
      case 3:
        if (wire !== 0) throw BAIL;
        p = varint(p, end, 10);
        valueText[i] = int64Text();
        break;
      case 4:
        if (wire !== 1 || p + 8 > end) throw BAIL;
        valueText[i] = String(src.readDoubleLE(p));
        p += 8;
        break;
      case 7:
        if (wire !== 2) throw BAIL;
        p = lengthDelimited(p, end);
        valueText[i] = src.toString('base64', lenStart, p);
        break;
      case 5:
      case 6:
        throw BAIL;
      default:
        if (field === 0) throw BAIL;
        p = skipValue(p, end, wire);
    }
  }
  valueKind[i] = kind;
  valueLength[i] =
    kind === STRING
      ? (valueEnd[i] as number) - (valueStart[i] as number)
      : (valueText[i] as string).length;
}

/** A KeyValue in [p, end) as attribute `attrCount`. */
function readKeyValue(p: number, end: number): void {
  const i = attrCount++;
  if (i >= MAX_FAST_ATTRIBUTES) throw BAIL;
  let hasKey = false;
  let hasValue = false;
  keyStart[i] = 0;
  keyEnd[i] = 0;
  valueKind[i] = UNSET;
  while (p < end) {
    p = varint(p, end, 5);
    const field = vLo >>> 3;
    const wire = vLo & 7;
    if (field === 1) {
      if (wire !== 2 || hasKey) throw BAIL;
      hasKey = true;
      p = lengthDelimited(p, end);
      keyStart[i] = lenStart;
      keyEnd[i] = p;
      checkUtf8(lenStart, p);
    } else if (field === 2) {
      if (wire !== 2 || hasValue) throw BAIL;
      hasValue = true;
      const valueEndAt = lengthDelimited(p, end);
      readAttributeValue(i, lenStart, valueEndAt);
      p = valueEndAt;
    } else {
      if (field === 0) throw BAIL;
      p = skipValue(p, end, wire);
    }
  }
  // Keys that are array indexes come first in a JS object; the general path's map is one.
  const first = keyEnd[i] === keyStart[i] ? -1 : src[keyStart[i] as number];
  if (first !== undefined && first >= 0x30 && first <= 0x39) throw BAIL;
}

/** `"` + the bytes src[from, to) as a JSON string's contents (as JSON.stringify escapes) + `"`. */
function writeQuoted(w: RowWriter, from: number, to: number): void {
  const s = src;
  const buf = w.buf;
  let at = w.used;
  buf[at++] = 0x22;
  for (let i = from; i < to; i++) {
    const c = s[i] as number;
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
      buf[at++] = c;
      continue;
    }
    buf[at++] = 0x5c;
    switch (c) {
      case 0x22:
      case 0x5c:
        buf[at++] = c;
        break;
      case 0x08:
        buf[at++] = 0x62;
        break;
      case 0x09:
        buf[at++] = 0x74;
        break;
      case 0x0a:
        buf[at++] = 0x6e;
        break;
      case 0x0c:
        buf[at++] = 0x66;
        break;
      case 0x0d:
        buf[at++] = 0x72;
        break;
      default:
        buf[at++] = 0x75;
        buf[at++] = 0x30;
        buf[at++] = 0x30;
        buf[at++] = HEX[c >> 4] as number;
        buf[at++] = HEX[c & 15] as number;
    }
  }
  buf[at++] = 0x22;
  w.used = at;
}

const HEX = Buffer.from('0123456789abcdef');

/** `"<lowercase hex>"` of an id's bytes; an all-zero (or empty) id is OTLP's "no id": `""`. */
function writeHexId(w: RowWriter, from: number, to: number): void {
  const s = src;
  let zero = true;
  for (let i = from; i < to; i++) if (s[i] !== 0) zero = false;
  const buf = w.buf;
  let at = w.used;
  buf[at++] = 0x22;
  if (!zero) {
    for (let i = from; i < to; i++) {
      const b = s[i] as number;
      buf[at++] = HEX[b >> 4] as number;
      buf[at++] = HEX[b & 15] as number;
    }
  }
  buf[at++] = 0x22;
  w.used = at;
}

/** An attribute's value as a JSON string. */
function writeAttributeValue(w: RowWriter, i: number): void {
  if (valueKind[i] === STRING) writeQuoted(w, valueStart[i] as number, valueEnd[i] as number);
  else {
    w.byte(0x22);
    w.ascii(valueText[i] as string);
    w.byte(0x22);
  }
}

/**
 * Writes the row for the LogRecord at body[start, end) and returns true, or returns false having
 * written nothing (the general path then decodes the record).
 */
function transcodeRecord(
  start: number,
  end: number,
  g: GroupBytes,
  ctx: NormaliseContext,
  w: RowWriter,
): boolean {
  const limits = ctx.limits;
  let seen = 0;
  let timeLo = 0;
  let timeHi = 0;
  let observedLo = 0;
  let observedHi = 0;
  let severity = 0;
  let severityTextStart = 0;
  let severityTextEnd = 0;
  let bodyStart = 0;
  let bodyEnd = 0;
  let traceStart = 0;
  let traceEnd = 0;
  let spanStart = 0;
  let spanEnd = 0;
  attrCount = 0;
  let p = start;
  while (p < end) {
    p = varint(p, end, 5);
    const field = vLo >>> 3;
    const wire = vLo & 7;
    if (field !== 6 && field <= 11) {
      // A singular field given twice: protobufjs keeps the last, the fast path leaves.
      const bit = 1 << field;
      if ((seen & bit) !== 0) throw BAIL;
      seen |= bit;
    }
    switch (field) {
      case 1:
      case 11:
        if (wire !== 1 || p + 8 > end) throw BAIL;
        fixed64At(p);
        p += 8;
        if (field === 1) {
          timeLo = vLo;
          timeHi = vHi;
        } else {
          observedLo = vLo;
          observedHi = vHi;
        }
        break;
      case 2:
        if (wire !== 0) throw BAIL;
        p = varint(p, end, 5);
        severity = vLo | 0;
        break;
      case 3:
        if (wire !== 2) throw BAIL;
        p = lengthDelimited(p, end);
        severityTextStart = lenStart;
        severityTextEnd = p;
        break;
      case 5: {
        if (wire !== 2) throw BAIL;
        const bodyAt = lengthDelimited(p, end);
        // The body: a string (its bytes) or unset; any other AnyValue goes the general way.
        readAttributeValue(MAX_FAST_ATTRIBUTES - 1, lenStart, bodyAt);
        const kind = valueKind[MAX_FAST_ATTRIBUTES - 1];
        if (kind === TEXT) throw BAIL;
        if (kind === STRING) {
          bodyStart = valueStart[MAX_FAST_ATTRIBUTES - 1] as number;
          bodyEnd = valueEnd[MAX_FAST_ATTRIBUTES - 1] as number;
        }
        p = bodyAt;
        break;
      }
      case 6: {
        if (wire !== 2) throw BAIL;
        const kvEnd = lengthDelimited(p, end);
        if (attrCount >= MAX_FAST_ATTRIBUTES - 1) throw BAIL;
        readKeyValue(lenStart, kvEnd);
        p = kvEnd;
        break;
      }
      case 9:
      case 10:
        if (wire !== 2) throw BAIL;
        p = lengthDelimited(p, end);
        if (field === 9) {
          traceStart = lenStart;
          traceEnd = p;
        } else {
          spanStart = lenStart;
          spanEnd = p;
        }
        break;
      default:
        if (field === 0) throw BAIL;
        p = skipValue(p, end, wire);
    }
  }

  // Times as normaliseOtlp takes them: timeUnixNano, else an in-range observed time, else receipt.
  vLo = timeLo;
  vHi = timeHi;
  const time = nanosInstant();
  vLo = observedLo;
  vHi = observedHi;
  const observed = nanosInstant();
  const observedInRange = observed !== undefined && inRange(observed, ctx);
  const ts = time ?? (observedInRange ? observed : undefined);
  if (ts !== undefined && !inRange(ts, ctx)) return false;

  if (bodyEnd - bodyStart > limits.maxMessageBytes) return false;

  let level: NormalisedLevel | undefined = levelFromOtelNumber(severity);
  if (level === undefined && severityTextEnd > severityTextStart) {
    checkUtf8(severityTextStart, severityTextEnd);
    level = levelFromText(src.toString('utf8', severityTextStart, severityTextEnd));
    // Not understood: the general path keeps it as the level_raw attribute.
    if (level === undefined) return false;
  }
  level ??= UNSPECIFIED_LEVEL;

  const user = checkAttributes(src, attrCount, g, limits);
  if (user === NOT_FAST) return false;
  let room = groupRoom(w, g) + (end - start) * 6;
  for (let i = 0; i < attrCount; i++)
    if (valueKind[i] === TEXT) room += (valueText[i] as string).length;

  w.ensure(room);
  w.writeFastRowStart(ts, observedInRange ? observed : undefined, ctx, level);
  w.bytes(g.serviceHost);
  writeQuoted(w, bodyStart, bodyEnd);
  w.ascii(',{');
  let first = true;
  for (let i = 0; i < attrCount; i++) {
    if (valueKind[i] === UNSET || i === user) continue;
    if (!first) w.byte(0x2c);
    first = false;
    writeQuoted(w, keyStart[i] as number, keyEnd[i] as number);
    w.byte(0x3a);
    writeAttributeValue(w, i);
  }
  writeScopeAndResource(w, g, first);
  writeHexId(w, traceStart, traceEnd);
  w.byte(0x2c);
  writeHexId(w, spanStart, spanEnd);
  w.byte(0x2c);
  if (user === -1) w.ascii('""');
  else writeAttributeValue(w, user);
  w.bytes(w.tail);
  return true;
}

const NO_BODY = Buffer.alloc(0);

/**
 * A protobuf ExportLogsServiceRequest straight to INSERT_FORMAT rows: each LogRecord through the
 * fast path, or, when it bails, through protobufjs and the normaliser. Same records, indexes,
 * rejections, 400 and 413 as decodeOtlpProtobuf followed by normalising and serialising.
 */
export function serialiseOtlpProtobuf(
  body: Buffer,
  ctx: NormaliseContext,
  w: RowWriter,
  rejected: RejectedRecord[],
  budget: DecodeBudget,
): SerialisedCounts {
  const counts: SerialisedCounts = { accepted: 0, dropped: 0 };
  let index = 0;
  let last: GroupBytes | undefined;
  const visit = (d: ProtobufDecode, [start, end]: Span, group: RecordGroup): void => {
    if (last?.group !== group) last = groupBytes(group, ctx);
    // Redaction rules apply to normalised rows: with rules, every record goes the general way.
    if (last.fast && ctx.redactor === undefined && fastRecord(body, start, end, last, ctx, w))
      counts.accepted++;
    else settleRecord(decodeLogRecord(d, [start, end], group), ctx, w, rejected, index, counts);
    index++;
  };
  walkOtlpProtobuf(body, ctx.limits, budget, visit);
  return counts;
}

/**
 * Writes the row for the LogRecord at body[start, end) of `group` and returns true, or returns
 * false having written nothing. (serialiseOtlpProtobuf's step, exported for tests.)
 */
export function transcodeLogRecord(
  body: Buffer,
  [start, end]: Span,
  group: RecordGroup,
  ctx: NormaliseContext,
  w: RowWriter,
): boolean {
  const g = groupBytes(group, ctx);
  return g.fast && fastRecord(body, start, end, g, ctx, w);
}

function fastRecord(
  body: Buffer,
  start: number,
  end: number,
  g: GroupBytes,
  ctx: NormaliseContext,
  w: RowWriter,
): boolean {
  src = body;
  try {
    return transcodeRecord(start, end, g, ctx, w);
  } catch (error) {
    if (error === BAIL) return false;
    throw error;
  } finally {
    // The module state must not keep a request body alive.
    src = NO_BODY;
  }
}
