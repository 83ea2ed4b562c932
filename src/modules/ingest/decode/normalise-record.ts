import { AttributeSink, nestingExceeds, utf8LongerThan, wellFormed } from './flatten-attributes.ts';
import type { StringMap } from './flatten-attributes.ts';
import { RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import {
  levelFromNumber,
  levelFromOtelNumber,
  levelFromText,
  UNSPECIFIED_LEVEL,
} from './levels.ts';
import type { Level, NormalisedLevel } from './levels.ts';
import { isPlainObject } from './raw-record.ts';
import type { RowRedactor } from './row-redactor.ts';
import type {
  JsonObject,
  JsonRawRecord,
  OtlpRawRecord,
  OtlpResource,
  RawRecord,
} from './raw-record.ts';
import {
  formatDateTime64,
  instantFromEpochMs,
  instantToEpochMs,
  parseEpochNumber,
  parseTimestampText,
  parseUnixNanos,
} from './timestamps.ts';
import type { Instant } from './timestamps.ts';
import { uuidV7 } from './uuid-v7.ts';

/** A logs-table row without the tenant columns (org_id, app_id, retention_days) the caller adds. */
export interface CanonicalRow {
  /** DateTime64(9) text, UTC: 'YYYY-MM-DD HH:MM:SS.nnnnnnnnn'. */
  readonly ts: string;
  readonly observed_ts: string;
  /** UUIDv7 from the receive time. */
  readonly id: string;
  readonly level: Level;
  /** OpenTelemetry scale 1–24; 0 when the sender gave no level we understood. */
  readonly severity_number: number;
  readonly service: string;
  readonly host: string;
  readonly message: string;
  readonly attributes: Readonly<StringMap>;
  readonly resource: Readonly<StringMap>;
  readonly trace_id: string;
  readonly span_id: string;
  readonly user_id: string;
}

/** Built once per request by `createNormaliseContext`. */
export interface NormaliseContext {
  readonly limits: IngestLimits;
  readonly nowMs: number;
  readonly receivedAt: Instant;
  readonly receivedAtText: string;
  /** receivedAtText's characters (ASCII), for the fast paths' rows. */
  readonly receivedAtBytes: Buffer;
  readonly minMs: number;
  readonly maxMs: number;
  /** The app's redaction rules, applied to each row after normalising (absent: none). */
  readonly redactor?: RowRedactor;
}

export function createNormaliseContext(
  limits: IngestLimits,
  nowMs: number,
  redactor?: RowRedactor,
): NormaliseContext {
  const receivedAt = instantFromEpochMs(nowMs);
  const receivedAtText = formatDateTime64(receivedAt);
  return {
    redactor,
    limits,
    nowMs,
    receivedAt,
    receivedAtText,
    receivedAtBytes: Buffer.from(receivedAtText, 'latin1'),
    minMs: nowMs - limits.maxPastSkewMs,
    maxMs: nowMs + limits.maxFutureSkewMs,
  };
}

// First present (timestamps, messages) or first scalar (the others) wins; the NDJSON fast path
// ranks aliases by these same lists. After MyLog's own names come the syslog daemons' stock ones:
// rsyslog omelasticsearch's template (timereported, timegenerated, priority, fromhost) and
// property names (programname), syslog-ng's format-json macros (ISODATE, PRIORITY, HOST, PROGRAM,
// MESSAGE).
export const TIMESTAMP_KEYS = [
  'timestamp',
  '@timestamp',
  'time',
  'ts',
  'timereported',
  'ISODATE',
  'timegenerated',
  // Fluent Bit's http output (json_date_key): epoch seconds as a float by default.
  'date',
] as const;
/** A name common enough for other things that a value which is no time keeps it an attribute. */
const WEAK_TIMESTAMP_KEY = 'date';
export const LEVEL_KEYS = [
  'level',
  'severity',
  'severity_text',
  'log.level',
  'priority',
  'PRIORITY',
] as const;
export const MESSAGE_KEYS = ['message', 'msg', 'body', 'MESSAGE'] as const;
export const HOST_KEYS = ['host', 'hostname', 'HOST', 'fromhost', 'fromhost-ip'] as const;
export const SERVICE_KEYS = ['service', 'programname', 'PROGRAM'] as const;
/**
 * rsyslog's `syslogtag` ("sshd[42]:"): the service when no other key names one, its program part
 * ("sshd"). The record keeps the tag as an attribute.
 */
export const SYSLOG_TAG_KEY = 'syslogtag';
const EMPTY_MAP: Readonly<StringMap> = Object.freeze(Object.create(null) as StringMap);

type Scalar = string | number | boolean;

function isScalar(v: unknown): v is Scalar {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean';
}

function firstPresent(f: JsonObject, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = f[k];
    if (v !== undefined && v !== null) return k;
  }
  return undefined;
}

function firstScalar(f: JsonObject, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    if (isScalar(f[k])) return k;
  }
  return undefined;
}

function reject(code: RecordRejection['code'], error: string): RecordRejection {
  return new RecordRejection(code, error);
}

function describe(v: unknown): string {
  return Array.isArray(v)
    ? 'an array'
    : v === null
      ? 'null'
      : typeof v === 'object'
        ? 'an object'
        : `a ${typeof v}`;
}

function parseTimestampValue(v: unknown, key: string): Instant | RecordRejection {
  let t: Instant | undefined;
  if (typeof v === 'string') t = parseTimestampText(v);
  else if (typeof v === 'number') t = parseEpochNumber(v);
  else
    return reject(
      'invalid_field_type',
      `'${key}' must be an RFC 3339 string or an epoch number, not ${describe(v)}`,
    );
  if (t === undefined) {
    return reject(
      'invalid_timestamp',
      `'${key}' is not an RFC 3339 timestamp or epoch s/ms/µs/ns: ${String(v).slice(0, 64)}`,
    );
  }
  return t;
}

function checkSkew(t: Instant, key: string, ctx: NormaliseContext): RecordRejection | undefined {
  const ms = instantToEpochMs(t);
  if (ms < ctx.minMs)
    return reject(
      'timestamp_out_of_range',
      `'${key}' is more than ${ctx.limits.maxPastSkewMs} ms in the past`,
    );
  if (ms > ctx.maxMs)
    return reject(
      'timestamp_out_of_range',
      `'${key}' is more than ${ctx.limits.maxFutureSkewMs} ms in the future`,
    );
  return undefined;
}

function levelOf(v: Scalar): NormalisedLevel | undefined {
  return typeof v === 'number'
    ? levelFromNumber(v)
    : typeof v === 'string'
      ? levelFromText(v)
      : undefined;
}

function checkMessage(message: string, ctx: NormaliseContext): RecordRejection | undefined {
  return utf8LongerThan(message, ctx.limits.maxMessageBytes)
    ? reject('message_too_large', `message is longer than ${ctx.limits.maxMessageBytes} bytes`)
    : undefined;
}

interface Columns {
  service: string;
  host: string;
  trace_id: string;
  span_id: string;
  user_id: string;
}

/** "sshd[42]:" → "sshd"; anything but a string → ''. */
function programOfSyslogTag(tag: unknown): string {
  if (typeof tag !== 'string') return '';
  return wellFormed(
    tag
      .trim()
      .replace(/:$/, '')
      .replace(/\[[^\]]*\]$/, ''),
  );
}

function scalarText(v: unknown): string | undefined {
  return isScalar(v) ? wellFormed(String(v)) : undefined;
}

/**
 * A JSON/NDJSON/bulk record. Well-known keys (first alias present wins; the other aliases stay
 * attributes): TIMESTAMP_KEYS, LEVEL_KEYS, MESSAGE_KEYS|log (log only when a scalar: ECS uses `log`
 * as an object), SERVICE_KEYS, HOST_KEYS, trace_id, span_id, user_id; `attributes` and `resource` objects merge into those maps, so an
 * exported row can be sent back. ECS-style nested fields fill empty columns afterwards:
 * service.name, host.name|host.hostname, log.level, trace.id, span.id, user.id; then a service
 * from rsyslog's syslogtag.
 */
function normaliseJson(raw: JsonRawRecord, ctx: NormaliseContext): CanonicalRow | RecordRejection {
  const f = raw.fields;
  let tsKey = firstPresent(f, TIMESTAMP_KEYS);
  const levelKey = firstScalar(f, LEVEL_KEYS);
  let messageKey = firstPresent(f, MESSAGE_KEYS);
  if (messageKey === undefined && isScalar(f['log'])) messageKey = 'log';
  const hostKey = firstScalar(f, HOST_KEYS);
  const serviceKey = firstScalar(f, SERVICE_KEYS);

  let ts = ctx.receivedAt;
  if (tsKey !== undefined) {
    const parsed = parseTimestampValue(f[tsKey], tsKey);
    if (!(parsed instanceof RecordRejection)) {
      const skew = checkSkew(parsed, tsKey, ctx);
      if (skew !== undefined) return skew;
      ts = parsed;
    } else if (tsKey === WEAK_TIMESTAMP_KEY) {
      // Not a time after all: an ordinary attribute, and the receive time.
      tsKey = undefined;
    } else return parsed;
  }

  let message = '';
  if (messageKey !== undefined) {
    const v = f[messageKey];
    if (!isScalar(v))
      return reject('invalid_field_type', `'${messageKey}' must be a string, not ${describe(v)}`);
    message = wellFormed(String(v));
    const tooLarge = checkMessage(message, ctx);
    if (tooLarge !== undefined) return tooLarge;
  }

  const attributes = new AttributeSink(ctx.limits, 'attributes');
  let resource: AttributeSink | undefined;
  const cols: Columns = { service: '', host: '', trace_id: '', span_id: '', user_id: '' };
  for (const key in f) {
    if (
      key === tsKey ||
      key === levelKey ||
      key === messageKey ||
      key === hostKey ||
      key === serviceKey
    )
      continue;
    const v = f[key];
    switch (key) {
      case 'trace_id':
      case 'span_id':
      case 'user_id': {
        const text = scalarText(v);
        if (text !== undefined) {
          cols[key] = text;
          continue;
        }
        break;
      }
      case 'attributes':
        if (isPlainObject(v)) {
          if (!attributes.addAll(v, 1)) return attributes.rejection as RecordRejection;
          continue;
        }
        break;
      case 'resource':
        if (isPlainObject(v)) {
          resource ??= new AttributeSink(ctx.limits, 'resource attributes');
          if (!resource.addAll(v, 1)) return resource.rejection as RecordRejection;
          continue;
        }
        break;
    }
    if (!attributes.add(key, v, 1)) return attributes.rejection as RecordRejection;
  }
  if (hostKey !== undefined) cols.host = scalarText(f[hostKey]) ?? '';
  if (serviceKey !== undefined) cols.service = scalarText(f[serviceKey]) ?? '';

  let level: NormalisedLevel = UNSPECIFIED_LEVEL;
  const levelValue = levelKey !== undefined ? f[levelKey] : attributes.take('log.level');
  if (levelValue !== undefined) {
    const parsed = levelOf(levelValue as Scalar);
    if (parsed !== undefined) level = parsed;
    else if (!attributes.set('level_raw', String(levelValue)))
      return attributes.rejection as RecordRejection;
  }
  if (cols.service === '') cols.service = attributes.take('service.name') ?? '';
  if (cols.service === '') cols.service = programOfSyslogTag(f[SYSLOG_TAG_KEY]);
  if (cols.host === '')
    cols.host = attributes.take('host.name') ?? attributes.take('host.hostname') ?? '';
  if (cols.trace_id === '') cols.trace_id = attributes.take('trace.id') ?? '';
  if (cols.span_id === '') cols.span_id = attributes.take('span.id') ?? '';
  if (cols.user_id === '') cols.user_id = attributes.take('user.id') ?? '';

  return {
    ts: ts === ctx.receivedAt ? ctx.receivedAtText : formatDateTime64(ts),
    observed_ts: ctx.receivedAtText,
    id: uuidV7(ctx.nowMs),
    level: level.level,
    severity_number: level.severityNumber,
    service: cols.service,
    host: cols.host,
    message,
    attributes: attributes.map,
    resource: resource?.map ?? EMPTY_MAP,
    trace_id: cols.trace_id,
    span_id: cols.span_id,
    user_id: cols.user_id,
  };
}

function isUnsetNanos(s: string): boolean {
  return s === '' || /^0*$/.test(s);
}

function otlpTime(text: string, name: string): Instant | RecordRejection | undefined {
  if (isUnsetNanos(text)) return undefined;
  return (
    parseUnixNanos(text) ??
    reject(
      'invalid_timestamp',
      `'${name}' is not an unsigned nanosecond count: ${text.slice(0, 32)}`,
    )
  );
}

export function flattenResource(
  resource: OtlpResource,
  limits: IngestLimits,
): Readonly<StringMap> | RecordRejection {
  if (resource.flattened === undefined) {
    const sink = new AttributeSink(limits, 'resource attributes');
    resource.flattened = sink.addAll(resource.attributes, 1)
      ? sink.map
      : (sink.rejection as RecordRejection);
  }
  return resource.flattened;
}

function otlpMessage(body: unknown, ctx: NormaliseContext): string | RecordRejection {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return wellFormed(body);
  if (typeof body === 'object' && nestingExceeds(body, 1, ctx.limits.maxNestingDepth)) {
    return reject(
      'nesting_too_deep',
      `body is nested deeper than ${ctx.limits.maxNestingDepth} levels`,
    );
  }
  return wellFormed(JSON.stringify(body));
}

/**
 * An OTLP record: timeUnixNano (unset → observedTimeUnixNano, as the OTel data model says, then
 * receive time), severityNumber (unset → severityText), body → message (non-strings as JSON),
 * resource service.name → service and host.name → host (both also kept in `resource`),
 * attributes user.id|enduser.id → user_id, scope name/version → otel.scope.name|version.
 */
function normaliseOtlp(raw: OtlpRawRecord, ctx: NormaliseContext): CanonicalRow | RecordRejection {
  const time = otlpTime(raw.timeUnixNano, 'timeUnixNano');
  if (time instanceof RecordRejection) return time;
  const observed = otlpTime(raw.observedTimeUnixNano, 'observedTimeUnixNano');
  if (observed instanceof RecordRejection) return observed;
  const observedInRange =
    observed !== undefined && checkSkew(observed, 'observedTimeUnixNano', ctx) === undefined;
  const ts = time ?? (observedInRange ? observed : undefined);
  if (ts !== undefined) {
    const skew = checkSkew(ts, time !== undefined ? 'timeUnixNano' : 'observedTimeUnixNano', ctx);
    if (skew !== undefined) return skew;
  }

  const message = otlpMessage(raw.body, ctx);
  if (message instanceof RecordRejection) return message;
  const tooLarge = checkMessage(message, ctx);
  if (tooLarge !== undefined) return tooLarge;

  const resource = flattenResource(raw.resource, ctx.limits);
  if (resource instanceof RecordRejection) return resource;
  const attributes = new AttributeSink(ctx.limits, 'attributes');
  if (!attributes.addAll(raw.attributes, 1)) return attributes.rejection as RecordRejection;
  if (raw.scopeName !== '' && !attributes.set('otel.scope.name', raw.scopeName))
    return attributes.rejection as RecordRejection;
  if (raw.scopeVersion !== '' && !attributes.set('otel.scope.version', raw.scopeVersion)) {
    return attributes.rejection as RecordRejection;
  }

  let level = levelFromOtelNumber(raw.severityNumber);
  if (level === undefined && raw.severityText !== '') {
    level = levelFromText(raw.severityText);
    if (level === undefined && !attributes.set('level_raw', raw.severityText))
      return attributes.rejection as RecordRejection;
  }

  return {
    ts: ts === undefined ? ctx.receivedAtText : formatDateTime64(ts),
    observed_ts: observedInRange ? formatDateTime64(observed) : ctx.receivedAtText,
    id: uuidV7(ctx.nowMs),
    level: (level ?? UNSPECIFIED_LEVEL).level,
    severity_number: (level ?? UNSPECIFIED_LEVEL).severityNumber,
    service: resource['service.name'] ?? '',
    host: resource['host.name'] ?? '',
    message,
    attributes: attributes.map,
    resource,
    trace_id: raw.traceId,
    span_id: raw.spanId,
    user_id: attributes.take('user.id') ?? attributes.take('enduser.id') ?? '',
  };
}

export function normaliseRecord(
  raw: RawRecord,
  ctx: NormaliseContext,
): CanonicalRow | RecordRejection {
  return raw.source === 'json' ? normaliseJson(raw, ctx) : normaliseOtlp(raw, ctx);
}
