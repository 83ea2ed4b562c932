/**
 * What the OTLP fast paths (otlp-protobuf-fast.ts, otlp-json-fast.ts) share: one record's
 * attribute table and the normaliser's attribute rules over it, the bytes every row of one
 * ScopeLogs repeats, the time window and the end of a row's attribute map (the general path's
 * step for a record a fast path leaves is settle-record.ts).
 */
import { wellFormed } from './flatten-attributes.ts';
import { RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { flattenResource } from './normalise-record.ts';
import type { NormaliseContext } from './normalise-record.ts';
import type { RecordGroup } from './otlp-protobuf.ts';
import { mapJson, quoteJson } from './serialise-rows.ts';
import type { RowWriter } from './serialise-rows.ts';
import { instantToEpochMs } from './timestamps.ts';
import type { Instant } from './timestamps.ts';

/** Above this many attributes the general path takes the record. */
export const MAX_FAST_ATTRIBUTES = 64;
/** An attribute without a value (the normaliser's sink drops it); each path has its other kinds. */
export const UNSET = 0;

// One record's attributes as a fast path reads them (keys as spans of the body it reads, values'
// kinds and byte lengths as the general path measures them), in arrays reused from record to
// record: records are read one at a time, synchronously. The last slot is the paths' body slot.
export const keyStart: number[] = new Array<number>(MAX_FAST_ATTRIBUTES + 1).fill(0);
export const keyEnd: number[] = new Array<number>(MAX_FAST_ATTRIBUTES + 1).fill(0);
export const valueKind: number[] = new Array<number>(MAX_FAST_ATTRIBUTES + 1).fill(0);
export const valueLength: number[] = new Array<number>(MAX_FAST_ATTRIBUTES + 1).fill(0);

/** The bytes src[from, to) are `name`. */
export function spanIs(src: Buffer, from: number, to: number, name: Buffer): boolean {
  if (to - from !== name.length) return false;
  for (let j = 0; j < name.length; j++) if (src[from + j] !== name[j]) return false;
  return true;
}

function sameKey(src: Buffer, i: number, j: number): boolean {
  const a = keyStart[i] as number;
  const b = keyStart[j] as number;
  const n = (keyEnd[i] as number) - a;
  if ((keyEnd[j] as number) - b !== n) return false;
  for (let k = 0; k < n; k++) if (src[a + k] !== src[b + k]) return false;
  return true;
}

const KEY_USER_ID = Buffer.from('user.id');
const KEY_ENDUSER_ID = Buffer.from('enduser.id');
const KEY_SCOPE = Buffer.from('otel.scope.');

/** checkAttributes' answer when the general path must take the record. */
export const NOT_FAST = -2;

/**
 * The first `count` attributes of the table (keys in `src`) as normaliseOtlp's sink takes them:
 * unset values dropped, every other one counted (with the scope's) and checked against the
 * limits. Returns the attribute that becomes user_id (user.id, else enduser.id; -1: none), or
 * NOT_FAST for what the fast paths leave: a key given twice (the general path's map keeps one),
 * an otel.scope.* key (the scope's entry replaces it), anything past a limit.
 */
export function checkAttributes(
  src: Buffer,
  count: number,
  g: GroupBytes,
  limits: IngestLimits,
): number {
  let counted = g.scopeAttributes;
  let user = -1;
  let enduser = -1;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < i; j++) if (sameKey(src, i, j)) return NOT_FAST;
    const from = keyStart[i] as number;
    const to = keyEnd[i] as number;
    if (to - from >= KEY_SCOPE.length && spanIs(src, from, from + KEY_SCOPE.length, KEY_SCOPE))
      return NOT_FAST;
    if (valueKind[i] === UNSET) continue;
    counted++;
    if (
      to - from > limits.maxAttributeKeyBytes ||
      (valueLength[i] as number) > limits.maxAttributeValueBytes
    )
      return NOT_FAST;
    if (spanIs(src, from, to, KEY_USER_ID)) user = i;
    else if (spanIs(src, from, to, KEY_ENDUSER_ID)) enduser = i;
  }
  if (counted > limits.maxAttributes) return NOT_FAST;
  return user === -1 ? enduser : user;
}

/** Per ScopeLogs: what every fast row of the group shares, or why none can be fast. */
export interface GroupBytes {
  readonly group: RecordGroup;
  /** False: resource or scope need the general path's rules (a rejection, a limit). */
  readonly fast: boolean;
  /** `"service","host",` */
  readonly serviceHost: Buffer;
  /** `,<resource map>,` */
  readonly resource: Buffer;
  /** The scope's attributes as map entries, each preceded by a comma. */
  readonly scopeEntries: Buffer;
  /** scopeEntries without the first comma (for a map with no entry before them). */
  readonly scopeEntriesFirst: Buffer;
  readonly scopeAttributes: number;
}

export function groupBytes(group: RecordGroup, ctx: NormaliseContext): GroupBytes {
  const limits = ctx.limits;
  const flattened = flattenResource(group.resource, limits);
  const scope: string[] = [];
  let fast = !(flattened instanceof RecordRejection);
  for (const [key, value] of [
    ['otel.scope.name', group.scopeName],
    ['otel.scope.version', group.scopeVersion],
  ] as const) {
    if (value === '') continue;
    if (
      Buffer.byteLength(key) > limits.maxAttributeKeyBytes ||
      Buffer.byteLength(value) > limits.maxAttributeValueBytes ||
      wellFormed(value) !== value
    )
      fast = false;
    scope.push(',' + quoteJson(key) + ':' + quoteJson(value));
  }
  if (flattened instanceof RecordRejection) {
    const none = Buffer.alloc(0);
    return {
      group,
      fast,
      serviceHost: none,
      resource: none,
      scopeEntries: none,
      scopeEntriesFirst: none,
      scopeAttributes: 0,
    };
  }
  const scopeEntries = Buffer.from(scope.join(''));
  return {
    group,
    fast,
    serviceHost: Buffer.from(
      quoteJson(flattened['service.name'] ?? '') +
        ',' +
        quoteJson(flattened['host.name'] ?? '') +
        ',',
    ),
    resource: Buffer.from(',' + mapJson(flattened) + ','),
    scopeEntries,
    scopeEntriesFirst: scopeEntries.subarray(scopeEntries.length > 0 ? 1 : 0),
    scopeAttributes: scope.length,
  };
}

/** The bytes a fast row needs besides the record's own (at most 6 per byte of those). */
export function groupRoom(w: RowWriter, g: GroupBytes): number {
  return (
    256 +
    w.head.length +
    w.tail.length +
    g.resource.length +
    g.scopeEntries.length +
    g.serviceHost.length
  );
}

/**
 * Closes a row's attribute map with the scope's entries (`first`: no attribute was written before
 * them) and writes the resource map, up to the comma before trace_id.
 */
export function writeScopeAndResource(w: RowWriter, g: GroupBytes, first: boolean): void {
  w.bytes(first ? g.scopeEntriesFirst : g.scopeEntries);
  w.byte(0x7d);
  w.bytes(g.resource);
}

export function inRange(t: Instant, ctx: NormaliseContext): boolean {
  const ms = instantToEpochMs(t);
  return ms >= ctx.minMs && ms <= ctx.maxMs;
}
