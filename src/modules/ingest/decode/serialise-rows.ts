import { LOGS_INSERT_COLUMNS, LOGS_INSERT_FORMAT } from '../../logs-table/logs-table.ts';
import type { NormalisedLevel } from './levels.ts';
import type { CanonicalRow } from './normalise-record.ts';
import { writeDateTime64, type Instant } from './timestamps.ts';
import { writeUuidV7 } from './uuid-v7.ts';

/** The tenant columns the caller adds to every row of one request. */
export interface TenantColumns {
  readonly org_id: string;
  readonly app_id: string;
  readonly retention_days: number;
}

/** Characters JSON.stringify escapes in a well-formed string; anything else is copied as is. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * A JSON string literal, identical to JSON.stringify(s) for the well-formed strings the normaliser
 * produces (lone surrogates were replaced there), without the builtin's per-call cost for the
 * common string that needs no escape.
 */
export function quoteJson(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** A string map as a JSON object, in the map's key order (as JSON.stringify writes it). */
export function mapJson(map: Readonly<Record<string, string>>): string {
  let out = '{';
  for (const key in map) {
    if (out.length > 1) out += ',';
    out += quoteJson(key) + ':' + quoteJson(map[key] as string);
  }
  return out + '}';
}

// The payload format and columns belong to the logs table (src/modules/logs-table); ingest's
// serialisers keep their short names for them.
export {
  LOGS_INSERT_FORMAT as INSERT_FORMAT,
  LOGS_INSERT_COLUMNS as INSERT_COLUMNS,
  LOGS_INSERT_TARGET as INSERT_TARGET,
} from '../../logs-table/logs-table.ts';

export type SerialisedRow = Record<(typeof LOGS_INSERT_COLUMNS)[number], unknown>;

/**
 * Rows are encoded one at a time into a shared slab, and a request's bytes are a view of it: no
 * copy, and one allocation per few requests instead of one per request (large buffers are what
 * makes V8 collect). Encoding one whole concatenated string instead would first flatten a rope of
 * ~20 pieces per row, which costs twice as much CPU as the encoding itself. A writer lives within
 * one synchronous stretch of code, so two writers never write into the slab at once; views of it
 * are never written to after `finish`, and they keep the slab alive only as long as they live.
 */
const SLAB_BYTES = 4 * 1024 * 1024;
let slab: Buffer = Buffer.allocUnsafe(SLAB_BYTES);
let slabUsed = 0;

/**
 * Writes INSERT_FORMAT lines for one tenant: `writeRow` for a normalised row, and the byte-level
 * methods for the NDJSON fast path, which copies sender bytes it has already validated.
 */
export class RowWriter {
  buf: Buffer = slab;
  /** Where this writer's bytes start in `buf`. */
  private start = slabUsed;
  used = slabUsed;
  /** `["<org>","<app>","`: every line starts with it. */
  readonly head: Buffer;
  /** `,<retention_days>]\n`: every line ends with it. */
  readonly tail: Buffer;
  private readonly headText: string;
  private readonly tailText: string;
  /** Where writeFastRowStart last wrote an id in `buf` (for lastFastRowId). */
  private lastIdAt = -1;
  // OTLP rows of one resource share their resource map object: serialise it once.
  private lastResource: object | undefined;
  private lastResourceJson = '{}';

  constructor(tenant: TenantColumns) {
    if (
      !Number.isInteger(tenant.retention_days) ||
      tenant.retention_days < 0 ||
      tenant.retention_days > 65_535
    ) {
      throw new RangeError(`retention_days must be a UInt16, got ${tenant.retention_days}`);
    }
    this.headText = '[' + quoteJson(tenant.org_id) + ',' + quoteJson(tenant.app_id) + ',"';
    this.tailText = ',' + String(tenant.retention_days) + ']\n';
    this.head = Buffer.from(this.headText, 'utf8');
    this.tail = Buffer.from(this.tailText, 'latin1');
  }

  /** Room for `bytes` more bytes at `used`. */
  ensure(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    // A new slab, with this writer's bytes so far moved to its start.
    const written = this.used - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (written + bytes)));
    this.buf.copy(next, 0, this.start, this.used);
    this.buf = next;
    this.start = 0;
    this.used = written;
    slab = next;
    slabUsed = written;
  }

  /** A string of char codes below 0x80, after `ensure`. */
  ascii(s: string): void {
    const buf = this.buf;
    let at = this.used;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.used = at;
  }

  /** Bytes src[from, to), after `ensure`. */
  copy(src: Buffer, from: number, to: number): void {
    // Below a few hundred bytes a loop beats Buffer#copy, which allocates a view per call.
    if (to - from > 256) {
      this.used += src.copy(this.buf, this.used, from, to);
      return;
    }
    const buf = this.buf;
    let at = this.used;
    for (let i = from; i < to; i++) buf[at++] = src[i] as number;
    this.used = at;
  }

  /** All of `bytes`, after `ensure`. */
  bytes(bytes: Buffer): void {
    // A whole buffer needs no view: from 16 bytes up, the builtin copy costs less than a loop.
    if (bytes.length < 16) this.copy(bytes, 0, bytes.length);
    else {
      this.buf.set(bytes, this.used);
      this.used += bytes.length;
    }
  }

  byte(b: number): void {
    this.buf[this.used++] = b;
  }

  /**
   * What the fast paths write first on a line, after `ensure`: the tenant head, ts and
   * observed_ts (an undefined instant is the receipt time, written from its ready text), a fresh
   * id, the level and severity number, up to the comma before `service`.
   */
  writeFastRowStart(
    ts: Instant | undefined,
    observed: Instant | undefined,
    receipt: { receivedAtBytes: Buffer; nowMs: number },
    level: NormalisedLevel,
  ): void {
    this.bytes(this.head);
    if (ts === undefined) this.bytes(receipt.receivedAtBytes);
    else this.used = writeDateTime64(ts, this.buf, this.used);
    this.ascii('","');
    if (observed === undefined) this.bytes(receipt.receivedAtBytes);
    else this.used = writeDateTime64(observed, this.buf, this.used);
    this.ascii('","');
    this.lastIdAt = this.used;
    this.used = writeUuidV7(receipt.nowMs, this.buf, this.used);
    this.ascii('","');
    this.ascii(level.level);
    this.ascii('",');
    this.ascii(String(level.severityNumber));
    this.byte(0x2c);
  }

  /**
   * ts, observed_ts, id and level are built by the normaliser from digits, hex and fixed words, so
   * they are written without escaping; every sender-controlled string is quoted (control
   * characters become \u escapes and are kept as data).
   */
  writeRow(row: CanonicalRow): void {
    if (row.resource !== this.lastResource) {
      this.lastResource = row.resource;
      this.lastResourceJson = mapJson(row.resource);
    }
    const line =
      this.headText +
      row.ts +
      '","' +
      row.observed_ts +
      '","' +
      row.id +
      '","' +
      row.level +
      '",' +
      row.severity_number +
      ',' +
      quoteJson(row.service) +
      ',' +
      quoteJson(row.host) +
      ',' +
      quoteJson(row.message) +
      ',' +
      mapJson(row.attributes) +
      ',' +
      this.lastResourceJson +
      ',' +
      quoteJson(row.trace_id) +
      ',' +
      quoteJson(row.span_id) +
      ',' +
      quoteJson(row.user_id) +
      this.tailText;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.ensure(line.length * 3);
    this.used += this.buf.write(line, this.used);
  }

  /** The id of the row writeFastRowStart last began (an Elasticsearch bulk item reports it). */
  lastFastRowId(): string {
    return this.buf.toString('latin1', this.lastIdAt, this.lastIdAt + 36);
  }

  /** Forgets every byte written so far (a fast path that hands the body to the general path). */
  discard(): void {
    this.used = this.start;
  }

  /** The bytes written (a view of the slab); undefined when nothing was. */
  finish(): Buffer | undefined {
    if (this.used === this.start) return undefined;
    slab = this.buf;
    slabUsed = this.used;
    return this.buf.subarray(this.start, this.used);
  }
}

/** Rows → INSERT_FORMAT bytes, one array per line. */
export function serialiseRows(rows: readonly CanonicalRow[], tenant: TenantColumns): Buffer {
  const writer = new RowWriter(tenant);
  for (const row of rows) writer.writeRow(row);
  return writer.finish() ?? Buffer.alloc(0);
}

/** One serialised line back to named columns (the live tail reads published rows with it). */
export function parseSerialisedRow(line: string): SerialisedRow {
  const values = JSON.parse(line) as unknown;
  if (!Array.isArray(values) || values.length !== LOGS_INSERT_COLUMNS.length) {
    throw new SyntaxError(`not a ${LOGS_INSERT_FORMAT} logs row`);
  }
  const row = {} as SerialisedRow;
  for (let i = 0; i < LOGS_INSERT_COLUMNS.length; i++)
    row[LOGS_INSERT_COLUMNS[i] as keyof SerialisedRow] = values[i];
  return row;
}
