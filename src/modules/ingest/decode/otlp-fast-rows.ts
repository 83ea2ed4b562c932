/**
 * What the OTLP fast paths (otlp-protobuf-fast.ts, otlp-json-fast.ts) share: the bytes every row of
 * one ScopeLogs repeats, the time window, the end of a row's attribute map, and the general path's
 * step for a record a fast path leaves.
 */
import { wellFormed } from './flatten-attributes.ts';
import { RecordRejection } from './ingest-errors.ts';
import type { RejectedRecord } from './ingest-errors.ts';
import { flattenResource, normaliseRecord } from './normalise-record.ts';
import type { NormaliseContext } from './normalise-record.ts';
import type { RecordGroup } from './otlp-protobuf.ts';
import type { RawRecord } from './raw-record.ts';
import { DROP_RECORD, redactOutcome } from './row-redactor.ts';
import { mapJson, quoteJson } from './serialise-rows.ts';
import type { RowWriter } from './serialise-rows.ts';
import { instantToEpochMs } from './timestamps.ts';
import type { Instant } from './timestamps.ts';

export interface SerialisedCounts {
  accepted: number;
  dropped: number;
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
      scopeAttributes: 0,
    };
  }
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
    scopeEntries: Buffer.from(scope.join('')),
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
  // The scope's entries start with a comma: without attributes before them, skip it.
  const scope = g.scopeEntries;
  if (scope.length > 0) w.copy(scope, first ? 1 : 0, scope.length);
  w.byte(0x7d);
  w.copy(g.resource, 0, g.resource.length);
}

export function inRange(t: Instant, ctx: NormaliseContext): boolean {
  const ms = instantToEpochMs(t);
  return ms >= ctx.minMs && ms <= ctx.maxMs;
}

/** A record a fast path left, as the general path takes it: normalised, redacted, written. */
export function settleRecord(
  record: RawRecord | RecordRejection,
  ctx: NormaliseContext,
  w: RowWriter,
  rejected: RejectedRecord[],
  index: number,
  counts: SerialisedCounts,
): void {
  const outcome = redactOutcome(
    record instanceof RecordRejection ? record : normaliseRecord(record, ctx),
    ctx.redactor,
  );
  if (outcome === DROP_RECORD) counts.dropped++;
  else if (outcome instanceof RecordRejection)
    rejected.push({ index, code: outcome.code, error: outcome.error });
  else {
    w.writeRow(outcome);
    counts.accepted++;
  }
}
