import { bodyText, tooManyRecords } from './body-text.ts';
import type { DecodeBudget } from './decode-budget.ts';
import { IngestInputError, RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { isPlainObject } from './raw-record.ts';
import type { DecodeResult, RawRecord } from './raw-record.ts';

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new IngestInputError(
      400,
      'invalid_json',
      `the body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/** A JSON object (one record) or an array of objects (an element that is not one is rejected alone). */
export function decodeJsonValue(parsed: unknown, limits: IngestLimits): DecodeResult {
  if (isPlainObject(parsed)) return { records: [{ source: 'json', fields: parsed }] };
  if (!Array.isArray(parsed)) {
    throw new IngestInputError(
      400,
      'invalid_body',
      'the body must be a JSON object or an array of objects',
    );
  }
  if (parsed.length > limits.maxRecordsPerRequest) throw tooManyRecords(limits);
  const records: (RawRecord | RecordRejection)[] = new Array<RawRecord | RecordRejection>(
    parsed.length,
  );
  for (let i = 0; i < parsed.length; i++) records[i] = arrayElementRecord(parsed[i]);
  return { records };
}

/** An element of a record array: a record when it is an object, else rejected alone. */
export function arrayElementRecord(item: unknown): RawRecord | RecordRejection {
  return isPlainObject(item)
    ? { source: 'json', fields: item }
    : new RecordRejection(
        'not_an_object',
        `record must be a JSON object, not ${Array.isArray(item) ? 'an array' : typeof item}`,
      );
}

export function decodeJsonBody(
  body: Buffer,
  limits: IngestLimits,
  budget: DecodeBudget,
): DecodeResult {
  countRecordElements(body, [], limits, budget);
  return decodeJsonValue(parseJsonText(bodyText(body)), limits);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
/** Path position of a container that is not on the way to a record array. */
const OFF = -1;
/** Scanned tokens between two looks at the decode budget. */
const BUDGET_STRIDE = 1 << 14;

/** Index of the quote closing the string that opens at `open`; bytes.length when unterminated. */
function stringEnd(bytes: Buffer, open: number): number {
  let i = open;
  for (;;) {
    i = bytes.indexOf(QUOTE, i + 1);
    if (i === -1) return bytes.length;
    let backslashes = 0;
    while (bytes[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return i;
  }
}

function keyText(bytes: Buffer, open: number, close: number): string | undefined {
  const raw = bytes.toString('utf8', open + 1, close);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(bytes.toString('utf8', open, close + 1)) as string;
  } catch {
    return undefined;
  }
}

/**
 * Counts the records of a JSON body before it is even decoded to text, and throws 413 as soon as
 * there are more than the limit: 45 KiB of gzip holding `[{},{},…]` would otherwise become 15M
 * objects (GBs of heap, seconds of event loop) before any limit applied. `path` leads from the
 * root to the record arrays: object keys, '*' for every element of an array; [] when the root is
 * the array. Works on UTF-8 bytes (every structural character is ASCII, and no byte of a multi-byte
 * character is) and allocates nothing but the stack of open containers. On invalid JSON the count
 * is meaningless but finite, and JSON.parse then reports the error.
 */
export function countRecordElements(
  bytes: Buffer,
  path: readonly string[],
  limits: IngestLimits,
  budget: DecodeBudget,
): void {
  const max = limits.maxRecordsPerRequest;
  // n records take at least 2n - 1 bytes, so a short body cannot hold too many.
  if (bytes.length < 2 * max) return;
  // Elements seen per path position: records, and the groups on the way to them (OTLP's
  // resourceLogs and scopeLogs), each level within the limit so that empty groups cannot pile up.
  const counts = new Array<number>(path.length + 1).fill(0);
  const counted = (position: number) =>
    position === path.length || (position !== OFF && path[position] === '*');
  // Per open container: how much of `path` leads to it (OFF: none), and whether it is an array.
  const positions: number[] = [];
  const arrays: boolean[] = [];
  let key: string | undefined;
  let expectKey = false;
  let expectElement = false;
  let stride = BUDGET_STRIDE;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c <= 0x20) continue;
    if (--stride === 0) {
      stride = BUDGET_STRIDE;
      budget.check();
    }
    const depth = positions.length;
    const position = depth === 0 ? 0 : (positions[depth - 1] as number);
    if (expectElement && c !== CLOSE_ARRAY && c !== COMMA) {
      expectElement = false;
      counts[position] = (counts[position] as number) + 1;
      if ((counts[position] as number) > max) throw tooManyRecords(limits);
    }
    switch (c) {
      case QUOTE: {
        const end = stringEnd(bytes, i);
        if (expectKey) {
          key = position !== OFF ? keyText(bytes, i, end) : undefined;
          expectKey = false;
        }
        i = end;
        break;
      }
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        const isArray = c === OPEN_ARRAY;
        let next = OFF;
        if (depth === 0) next = 0;
        else if (position !== OFF && position < path.length) {
          const step = path[position];
          const parentIsArray = arrays[depth - 1] as boolean;
          if (parentIsArray ? step === '*' : step === key) next = position + 1;
        }
        positions.push(next);
        arrays.push(isArray);
        expectKey = !isArray;
        expectElement = isArray && counted(next);
        break;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        positions.pop();
        arrays.pop();
        expectKey = false;
        expectElement = false;
        break;
      case COMMA:
        if (depth > 0) {
          const inArray = arrays[depth - 1] as boolean;
          expectKey = !inArray;
          expectElement = inArray && counted(position);
        }
        break;
      default:
        break;
    }
  }
}
