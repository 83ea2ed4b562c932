/**
 * NDJSON straight to INSERT_FORMAT bytes, for the records that need nothing but copying.
 *
 * The general path parses each line into objects (JSON.parse), normalises them into a row and
 * serialises that row again: ~6 µs of CPU per typical record, most of it allocation, on the one
 * thread that also serves HTTP. Most records are flat or shallow objects of strings and numbers
 * whose JSON string literals can be copied byte for byte into the row. This module scans such a
 * line once, validates it, applies the normaliser's rules for the well-known fields (see
 * normaliseJson) and writes the row directly.
 *
 * Contract: for a line it accepts, it writes exactly the bytes the general path would write
 * (apart from the random part of the id); for anything else (an array, a `\u` or `\/` escape, a
 * level the normaliser would keep as level_raw, a duplicate or numeric key, a number whose JS
 * text differs from its JSON text, anything near a limit, a rejection) it bails out before
 * writing and the general path handles the line; so does a line a redaction rule could change
 * (see redactionMayChange). test/unit/ingest-decode/ndjson-fast-path.test.ts
 * checks the contract on generated records.
 */
import {
  BAIL,
  FALSE_BYTES,
  isDigit,
  NULL_BYTES,
  scanLiteral,
  scanNumber,
  scanString,
  skipSpace,
  strAscii,
  strEscaped,
  TRUE_BYTES,
} from './json-scan.ts';
import { levelFromNumber, levelFromText, UNSPECIFIED_LEVEL } from './levels.ts';
import type { NormalisedLevel } from './levels.ts';
import { utf8LongerThan } from './flatten-attributes.ts';
import {
  HOST_KEYS,
  LEVEL_KEYS,
  MESSAGE_KEYS,
  SERVICE_KEYS,
  SYSLOG_TAG_KEY,
  TIMESTAMP_KEYS,
} from './normalise-record.ts';
import type { NormaliseContext } from './normalise-record.ts';
import type { RowRedactor } from './row-redactor.ts';
import type { RowWriter } from './serialise-rows.ts';
import { instantToEpochMs, parseEpochNumber, parseTimestampText } from './timestamps.ts';
import type { Instant } from './timestamps.ts';

const STRING = 0;
const NUMBER = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;

/** Above this many fields (after flattening) the general path takes the record. */
const MAX_FAST_FIELDS = 64;
/** Above this many keys (fields and objects) the general path takes the record. */
const MAX_FAST_KEYS = 2 * MAX_FAST_FIELDS;
/** Deeper objects go to the general path whatever maxNestingDepth says (this scan recurses). */
const MAX_FAST_DEPTH = 16;

// One record's fields in scan order, in arrays reused from record to record (no allocation per
// field). A field is a top-level key with a scalar value, or a leaf of a flattened object.
let fieldCount = 0;
const fieldKey: string[] = new Array<string>(MAX_FAST_FIELDS).fill('');
/** Char codes of the key are all below 0x80. */
const fieldKeyAscii: boolean[] = new Array<boolean>(MAX_FAST_FIELDS).fill(false);
const fieldKind: number[] = new Array<number>(MAX_FAST_FIELDS).fill(0);
/** The value's bytes: a string literal with its quotes, or a number token. */
const fieldStart: number[] = new Array<number>(MAX_FAST_FIELDS).fill(0);
const fieldEnd: number[] = new Array<number>(MAX_FAST_FIELDS).fill(0);
/** True for a top-level key (a candidate for a column), false for a flattened leaf. */
const fieldTop: boolean[] = new Array<boolean>(MAX_FAST_FIELDS).fill(false);
/** roleOf(fieldKey[i]). */
const fieldRole: number[] = new Array<number>(MAX_FAST_FIELDS).fill(0);
/** Still an attribute: false once a column took it. */
const fieldKept: boolean[] = new Array<boolean>(MAX_FAST_FIELDS).fill(false);
/** A string value holding escapes (its text would need decoding). */
const fieldEscaped: boolean[] = new Array<boolean>(MAX_FAST_FIELDS).fill(false);
// Flattened paths of object values: JSON.parse keeps only the last of duplicate keys, so a
// path that is also a field or another object's path leaves the fast path.
let objectCount = 0;
const objectPath: string[] = [];
/** Bit (1 << category) for each well-known-field category a top-level object value was named. */
let topObjectCategories = 0;
/** The keys of the top-level object values (objectPath holds them among the nested ones). */
let topObjectCount = 0;
const topObjectKey: string[] = [];

let src: Buffer = Buffer.alloc(0);
let pos = 0;
let end = 0;

// What normaliseJson does with a key: a role packs the well-known-field category and the alias
// rank (which alias wins) of a top-level key, and the ECS column that may take a flattened one.
const TS = 1;
const LEVEL = 2;
const MESSAGE = 3;
const LOG = 4;
const HOST = 5;
const SERVICE = 6;
const SYSLOG_TAG = 7;
const TRACE_ID = 8;
const SPAN_ID = 9;
const USER_ID = 10;
const ECS_SERVICE = 1;
const ECS_HOST = 2;
const ECS_HOSTNAME = 3;
const ECS_TRACE = 4;
const ECS_SPAN = 5;
const ECS_USER = 6;
const ECS_LEVEL = 7;

function role(category: number, rank: number, ecs: number): number {
  return category | (rank << 4) | (ecs << 8);
}

/** Roles by key, from the normaliser's own alias lists (their order is the rank). */
const ROLES = new Map<string, number>();
function addRole(key: string, category: number, rank: number, ecs: number): void {
  ROLES.set(key, (ROLES.get(key) ?? 0) | role(category, rank, ecs));
}
TIMESTAMP_KEYS.forEach((key, rank) => addRole(key, TS, rank, 0));
LEVEL_KEYS.forEach((key, rank) => addRole(key, LEVEL, rank, 0));
MESSAGE_KEYS.forEach((key, rank) => addRole(key, MESSAGE, rank, 0));
HOST_KEYS.forEach((key, rank) => addRole(key, HOST, rank, 0));
SERVICE_KEYS.forEach((key, rank) => addRole(key, SERVICE, rank, 0));
for (const [key, category] of [
  ['log', LOG],
  [SYSLOG_TAG_KEY, SYSLOG_TAG],
  ['trace_id', TRACE_ID],
  ['span_id', SPAN_ID],
  ['user_id', USER_ID],
] as const)
  addRole(key, category, 0, 0);
for (const [key, ecs] of [
  ['service.name', ECS_SERVICE],
  ['host.name', ECS_HOST],
  ['host.hostname', ECS_HOSTNAME],
  ['trace.id', ECS_TRACE],
  ['span.id', ECS_SPAN],
  ['user.id', ECS_USER],
  ['log.level', ECS_LEVEL],
] as const)
  addRole(key, 0, 0, ecs);

function roleOf(key: string): number {
  return ROLES.get(key) ?? 0;
}

/** An attribute of this name can fill a column (service.name, trace.id, …) when it is empty. */
export function mayFillColumn(key: string): boolean {
  return roleOf(key) >> 8 !== 0;
}

// Records of one stream mostly repeat one shape. The n-th key scanned in a record (its slot)
// remembers its text, flattened key and role from the record before, so a repeated key costs a
// byte comparison instead of a new string, and a repeated shape skips the duplicate-key check.
let slotCount = 0;
const slotName: (string | undefined)[] = [];
const slotKey: (string | undefined)[] = [];
const slotPrefix: string[] = [];
const slotRole: number[] = [];
const slotAscii: boolean[] = [];
const slotObject: boolean[] = [];
/** Every slot of this record matched the one before. */
let shapeSame = true;
/** The slot count of the remembered shape when its keys were found distinct, else -1. */
let distinctShapeSlots = -1;

function sameBytes(text: string, from: number, to: number): boolean {
  if (text.length !== to - from) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== src[from + i]) return false;
  return true;
}

/** The slot of the key at [from, to) under `prefix`; its flattened key is slotKey[slot]. */
function keySlot(
  from: number,
  to: number,
  ascii: boolean,
  prefix: string,
  prefixAscii: boolean,
  isObject: boolean,
): number {
  const slot = slotCount++;
  if (slot >= MAX_FAST_KEYS) throw BAIL;
  let name = slotName[slot];
  if (name === undefined || !ascii || !sameBytes(name, from, to)) {
    name = src.toString(ascii ? 'latin1' : 'utf8', from, to);
    if (name === '__proto__') throw BAIL;
    slotName[slot] = name;
    slotKey[slot] = undefined;
  }
  if (slotKey[slot] === undefined || slotPrefix[slot] !== prefix) {
    const key = prefix === '' ? name : prefix + '.' + name;
    slotKey[slot] = key;
    slotPrefix[slot] = prefix;
    slotRole[slot] = roleOf(key);
    slotAscii[slot] = ascii && prefixAscii;
    shapeSame = false;
  }
  if (slotObject[slot] !== isObject) {
    slotObject[slot] = isObject;
    shapeSame = false;
  }
  return slot;
}

/** An object's members at pos ('{' already consumed), flattened under `prefix` ('' at the top). */
function scanMembers(prefix: string, prefixAscii: boolean, depth: number, maxDepth: number): void {
  pos = skipSpace(src, pos, end);
  if (src[pos] === 0x7d) {
    pos++;
    return;
  }
  for (;;) {
    const keyStart = pos + 1;
    pos = scanString(src, pos, end);
    const keyEnd = pos - 1;
    // Escaped keys would need decoding to compare; numeric keys change order in a JS object.
    if (strEscaped || keyEnd === keyStart || isDigit(src[keyStart])) throw BAIL;
    const keyAscii = strAscii;
    pos = skipSpace(src, pos, end);
    if (src[pos] !== 0x3a) throw BAIL;
    pos++;
    pos = skipSpace(src, pos, end);
    const c = src[pos];
    const slot = keySlot(keyStart, keyEnd, keyAscii, prefix, prefixAscii, c === 0x7b);
    const key = slotKey[slot] as string;
    if (c === 0x7b) {
      const top = depth === 1 && prefix === '';
      if (top) {
        // `resource` objects go to the resource map; an object under a timestamp or message name
        // would be chosen (and rejected) there: the general path handles both.
        const category = (slotRole[slot] as number) & 15;
        if (key === 'resource' || category === TS || category === MESSAGE) throw BAIL;
        topObjectCategories |= 1 << category;
        topObjectKey[topObjectCount++] = key;
      }
      if (depth >= maxDepth) throw BAIL;
      pos++;
      objectPath[objectCount++] = key;
      // `attributes` objects merge into the attributes unprefixed.
      const merged = top && key === 'attributes';
      scanMembers(
        merged ? '' : key,
        merged ? true : (slotAscii[slot] as boolean),
        depth + 1,
        maxDepth,
      );
    } else {
      const at = fieldCount++;
      if (at >= MAX_FAST_FIELDS) throw BAIL;
      const start = pos;
      let kind: number;
      if (c === 0x22) {
        pos = scanString(src, pos, end);
        kind = STRING;
      } else if (c === 0x74) {
        pos = scanLiteral(src, pos, TRUE_BYTES);
        kind = TRUE;
      } else if (c === 0x66) {
        pos = scanLiteral(src, pos, FALSE_BYTES);
        kind = FALSE;
      } else if (c === 0x6e) {
        pos = scanLiteral(src, pos, NULL_BYTES);
        kind = NULL;
      } else {
        pos = scanNumber(src, pos);
        kind = NUMBER;
      }
      fieldKey[at] = key;
      fieldKeyAscii[at] = slotAscii[slot] as boolean;
      fieldRole[at] = slotRole[slot] as number;
      fieldKind[at] = kind;
      fieldStart[at] = start;
      fieldEnd[at] = pos;
      fieldTop[at] = depth === 1 && prefix === '';
      fieldKept[at] = true;
      fieldEscaped[at] = kind === STRING && strEscaped;
    }
    pos = skipSpace(src, pos, end);
    const next = src[pos++];
    if (next === 0x7d) return;
    if (next !== 0x2c) throw BAIL;
    pos = skipSpace(src, pos, end);
  }
}

function isObjectPath(key: string): boolean {
  for (let i = 0; i < objectCount; i++) if (objectPath[i] === key) return true;
  return false;
}

/** A field's value as JS text: a string's contents (never escaped here), or a token. */
function valueText(i: number): string {
  const s = fieldStart[i] as number;
  const e = fieldEnd[i] as number;
  return fieldKind[i] === STRING
    ? src.toString('utf8', s + 1, e - 1)
    : src.toString('latin1', s, e);
}

// Level texts repeat from record to record: the last few seen (ASCII ones, which sameBytes can
// compare) and what they mean, so a repeated level costs a byte comparison, not a string.
const LEVEL_CACHE_SIZE = 8;
const levelCacheText: string[] = [];
const levelCacheLevel: NormalisedLevel[] = [];
let levelCacheNext = 0;

/** levelFromText of a string field's text (not escaped). */
function levelOfString(i: number): NormalisedLevel | undefined {
  const from = (fieldStart[i] as number) + 1;
  const to = (fieldEnd[i] as number) - 1;
  for (let c = 0; c < levelCacheText.length; c++)
    if (sameBytes(levelCacheText[c] as string, from, to)) return levelCacheLevel[c];
  const text = valueText(i);
  const level = levelFromText(text);
  if (level !== undefined && text.length === to - from) {
    levelCacheText[levelCacheNext] = text;
    levelCacheLevel[levelCacheNext] = level;
    levelCacheNext = (levelCacheNext + 1) % LEVEL_CACHE_SIZE;
  }
  return level;
}

/** The field each ECS column may take (keys are distinct, so there is at most one). */
const ecsCandidate: number[] = new Array<number>(8).fill(-1);

/** Removes the attribute an ECS column takes and returns its index, or -1. */
function take(ecs: number): number {
  const i = ecsCandidate[ecs] as number;
  if (i === -1 || fieldKept[i] !== true) return -1;
  fieldKept[i] = false;
  return i;
}

/** The byte length of a field's value as the general path measures it (UTF-8 of the text). */
function valueBytes(i: number): number {
  const n = (fieldEnd[i] as number) - (fieldStart[i] as number);
  return fieldKind[i] === STRING ? n - 2 : n;
}

function isEmpty(i: number): boolean {
  return i === -1 || (fieldKind[i] === STRING && valueBytes(i) === 0);
}

/** Writes a field's value as a JSON string: literals as they are, tokens in quotes. */
function writeValue(w: RowWriter, i: number): void {
  if (fieldKind[i] === STRING) w.copy(src, fieldStart[i] as number, fieldEnd[i] as number);
  else {
    w.byte(0x22);
    w.copy(src, fieldStart[i] as number, fieldEnd[i] as number);
    w.byte(0x22);
  }
}

function writeColumn(w: RowWriter, i: number): void {
  if (i === -1) {
    w.byte(0x22);
    w.byte(0x22);
  } else writeValue(w, i);
}

/** A top-level key of this line. */
function lineHasTopKey(name: string): boolean {
  for (let i = 0; i < fieldCount; i++)
    if (fieldTop[i] === true && fieldKey[i] === name) return true;
  for (let i = 0; i < topObjectCount; i++) if (topObjectKey[i] === name) return true;
  return false;
}

/** A flattened key or object path of this line. */
function lineHasKey(name: string): boolean {
  for (let i = 0; i < fieldCount; i++) if (fieldKey[i] === name) return true;
  return isObjectPath(name);
}

// The labels and metadata a line gets as attributes, in order.
const pickedDefault: DefaultAttribute[] = [];
let pickedDefaults = 0;
// Metadata that fills the trace, span and user columns (the line has no key of its name).
let traceDefault: Buffer | undefined;
let spanDefault: Buffer | undefined;
let userDefault: Buffer | undefined;

function wasPicked(name: string): boolean {
  for (let p = 0; p < pickedDefaults; p++) if (pickedDefault[p]?.name === name) return true;
  return false;
}

/**
 * Picks the labels, then the metadata, that become attributes of this line, as lokiRecord adds
 * them (one that filled a column, or has the name of a key the record has or of one picked
 * before, is not added), and the metadata that fills the id columns; returns how many attributes,
 * or -1 when one needs the general path (a nested key of its name, a line with its own
 * `attributes`, an unsafe label or metadata).
 */
function pickDefaultAttributes(
  defaults: LineDefaults,
  timeAdded: boolean,
  service: DefaultColumn | undefined,
  host: DefaultColumn | undefined,
  level: DefaultColumn | undefined,
): number {
  pickedDefaults = 0;
  traceDefault = spanDefault = userDefault = undefined;
  const attributes = defaults.attributes;
  const labels = attributes.length;
  for (let i = 0; i < labels + defaults.metadata.length; i++) {
    if (i === service?.index || i === host?.index || i === level?.index) continue;
    const a = (i < labels ? attributes[i] : defaults.metadata[i - labels]) as DefaultAttribute;
    const name = a.name;
    // A key the record has: the line's own, or one lokiRecord added for a column.
    if (
      (timeAdded && name === 'timestamp') ||
      (service !== undefined && name === 'service') ||
      (host !== undefined && name === 'host') ||
      (level !== undefined && name === 'level') ||
      lineHasTopKey(name) ||
      // Metadata joins the attributes after the labels; an id fills its column all the same.
      (i >= labels && a.columnJson === undefined && wasPicked(name))
    )
      continue;
    if (a.unsafe) return -1;
    if (a.columnJson !== undefined) {
      if (name === 'trace_id') traceDefault = a.columnJson;
      else if (name === 'span_id') spanDefault = a.columnJson;
      else userDefault = a.columnJson;
      continue;
    }
    // A flattened key of its name would make two attributes of one name.
    if (lineHasKey(name)) return -1;
    // The general path adds labels to the line's own `attributes` object, wherever it stands.
    if (pickedDefaults === 0 && lineHasKey('attributes')) return -1;
    pickedDefault[pickedDefaults++] = a;
  }
  return pickedDefaults;
}

/** A column from a default's JSON string when there is one, else from field i. */
function writeColumnOr(w: RowWriter, json: Buffer | undefined, i: number): void {
  if (json !== undefined) w.bytes(json);
  else writeColumn(w, i);
}

function hasDuplicateKey(): boolean {
  for (let i = 0; i < fieldCount; i++) {
    const key = fieldKey[i];
    for (let j = 0; j < i; j++) if (fieldKey[j] === key) return true;
    if (objectCount > 0 && isObjectPath(key as string)) return true;
  }
  for (let i = 1; i < objectCount; i++) {
    for (let j = 0; j < i; j++) if (objectPath[j] === objectPath[i]) return true;
  }
  return false;
}

const NO_BODY = Buffer.alloc(0);

/**
 * Whether a redaction rule could change this record: then the general path (which applies the
 * rules to the normalised row) takes the line. Every value is asked, wherever it would end up, and
 * an escaped string is never copied, so what is copied here is what the rules leave unchanged.
 */
function redactionMayChange(redactor: RowRedactor): boolean {
  const values: string[] = [];
  for (let i = 0; i < fieldCount; i++) {
    if (fieldKind[i] === NULL) continue;
    if (fieldEscaped[i] === true) return true;
    values.push(valueText(i));
  }
  return redactor.mayChange(values);
}

/** A label that fills a column when the line names none (see LineDefaults). */
export interface DefaultColumn {
  /** The value as a JSON string literal; never empty (an empty one is not offered). */
  readonly json: Buffer;
  /** Its place in LineDefaults.attributes, where it stays when the line fills the column. */
  readonly index: number;
}

/** A label or metadata pair that becomes an attribute unless the record has a key of its name. */
export interface DefaultAttribute {
  readonly name: string;
  /** `"name":"value"`, as the attribute map writes it. */
  readonly json: Buffer;
  /** The normaliser could treat it other than as a plain attribute here, or a limit applies. */
  readonly unsafe: boolean;
  /** Metadata named trace_id, span_id or user_id: the value as a JSON string, for its column. */
  readonly columnJson?: Buffer;
}

/**
 * What a Loki entry adds to its line (loki-push.ts, lokiRecord): the entry's time, the stream's
 * service, host and level labels for the columns the line leaves empty, the other labels and the
 * structured metadata as attributes after the line's own (trace_id, span_id and user_id metadata
 * fill their columns); a line's own key wins over a label or metadata of its name.
 */
export interface LineDefaults {
  /** The entry's time text, used when the line names no time. */
  timeText: string | undefined;
  readonly service: DefaultColumn | undefined;
  readonly host: DefaultColumn | undefined;
  /** The level label; `level` undefined when the normaliser would keep it as level_raw. */
  readonly level: (DefaultColumn & { readonly level: NormalisedLevel | undefined }) | undefined;
  /** Every label, in the stream's order. */
  readonly attributes: readonly DefaultAttribute[];
  /** The entry's structured metadata, after the labels. */
  metadata: readonly DefaultAttribute[];
}

/**
 * Writes the row for the JSON object in body[from, to) and returns true, or returns false having
 * written nothing (the general path then decodes the line). With `defaults`, the row is the one
 * the general path writes for that object with the defaults added as lokiRecord adds them.
 */
export function transcodeLine(
  body: Buffer,
  from: number,
  to: number,
  ctx: NormaliseContext,
  w: RowWriter,
  defaults?: LineDefaults,
): boolean {
  src = body;
  pos = from;
  end = to;
  try {
    return transcode(ctx, w, defaults);
  } finally {
    // The module state must not keep a request body (up to the decoded-body limit) alive.
    src = NO_BODY;
  }
}

/** transcodeLine for the line the module state points at. */
function transcode(ctx: NormaliseContext, w: RowWriter, defaults?: LineDefaults): boolean {
  const from = pos;
  const to = end;
  fieldCount = 0;
  objectCount = 0;
  topObjectCategories = 0;
  topObjectCount = 0;
  slotCount = 0;
  shapeSame = true;
  const distinctSlots = distinctShapeSlots;
  distinctShapeSlots = -1;
  const limits = ctx.limits;
  try {
    pos = skipSpace(src, pos, end);
    if (src[pos] !== 0x7b) return false;
    pos++;
    scanMembers('', true, 1, Math.min(limits.maxNestingDepth, MAX_FAST_DEPTH));
    pos = skipSpace(src, pos, end);
    if (pos !== end) return false;
  } catch (error) {
    if (error === BAIL) return false;
    throw error;
  }
  if (fieldCount > limits.maxAttributes) return false;
  if (!(shapeSame && slotCount === distinctSlots) && hasDuplicateKey()) return false;
  distinctShapeSlots = slotCount;

  // The well-known fields, chosen as normaliseJson chooses them: per category, the top-level
  // non-null field of the best-ranked alias (objects never get here; see scanMembers).
  let tsField = -1;
  let tsRank = 16;
  let levelField = -1;
  let levelRank = 16;
  let messageField = -1;
  let messageRank = 16;
  let logField = -1;
  let hostField = -1;
  let hostRank = 16;
  let service = -1;
  let serviceRank = 16;
  let syslogTag = -1;
  let traceId = -1;
  let spanId = -1;
  let userId = -1;
  // A loop, not fill(): the builtin is a call into C++ on every record.
  for (let i = 0; i < ecsCandidate.length; i++) ecsCandidate[i] = -1;
  for (let i = 0; i < fieldCount; i++) {
    const r = fieldRole[i] as number;
    if (r === 0 || fieldKind[i] === NULL) continue;
    const ecs = r >> 8;
    if (ecs !== 0) ecsCandidate[ecs] = i;
    if (fieldTop[i] !== true) continue;
    const rank = (r >> 4) & 15;
    switch (r & 15) {
      case TS:
        if (rank < tsRank) {
          tsField = i;
          tsRank = rank;
        }
        break;
      case LEVEL:
        if (rank < levelRank) {
          levelField = i;
          levelRank = rank;
        }
        break;
      case MESSAGE:
        if (rank < messageRank) {
          messageField = i;
          messageRank = rank;
        }
        break;
      case LOG:
        logField = i;
        break;
      case HOST:
        if (rank < hostRank) {
          hostField = i;
          hostRank = rank;
        }
        break;
      case SERVICE:
        if (rank < serviceRank) {
          service = i;
          serviceRank = rank;
        }
        break;
      case SYSLOG_TAG:
        syslogTag = i;
        break;
      case TRACE_ID:
        traceId = i;
        break;
      case SPAN_ID:
        spanId = i;
        break;
      case USER_ID:
        userId = i;
        break;
    }
  }
  if (messageField === -1) messageField = logField;

  let ts: Instant = ctx.receivedAt;
  // The entry's time is added (as `timestamp`) when the line names no time.
  const timeText = tsField === -1 ? defaults?.timeText : undefined;
  if (tsField !== -1 || timeText !== undefined) {
    const kind = tsField === -1 ? STRING : fieldKind[tsField];
    let parsed: Instant | undefined;
    if (timeText !== undefined) parsed = parseTimestampText(timeText);
    else if (kind === STRING) {
      if (fieldEscaped[tsField] === true) return false;
      parsed = parseTimestampText(valueText(tsField));
    } else if (kind === NUMBER) parsed = parseEpochNumber(Number(valueText(tsField)));
    if (parsed === undefined) return false;
    const ms = instantToEpochMs(parsed);
    if (ms < ctx.minMs || ms > ctx.maxMs) return false;
    ts = parsed;
    if (tsField !== -1) fieldKept[tsField] = false;
  }
  // A label fills a column when the line has no key of its category, null aside (lokiRecord).
  const serviceLabel =
    service === -1 && (topObjectCategories & (1 << SERVICE)) === 0 ? defaults?.service : undefined;
  const hostLabel =
    hostField === -1 && (topObjectCategories & (1 << HOST)) === 0 ? defaults?.host : undefined;
  const levelLabel =
    levelField === -1 && (topObjectCategories & (1 << LEVEL)) === 0 ? defaults?.level : undefined;

  if (messageField !== -1) {
    if (valueBytes(messageField) > limits.maxMessageBytes) return false;
    fieldKept[messageField] = false;
  }
  if (levelField !== -1) fieldKept[levelField] = false;
  if (hostField !== -1) fieldKept[hostField] = false;

  if (service !== -1) fieldKept[service] = false;
  if (traceId !== -1) fieldKept[traceId] = false;
  if (spanId !== -1) fieldKept[spanId] = false;
  if (userId !== -1) fieldKept[userId] = false;

  // Every field still here goes through the attribute limits in the general path, even those an
  // ECS column takes below; and the room the row needs.
  let room = 256 + w.head.length + w.tail.length + (to - from) * 2;
  for (let i = 0; i < fieldCount; i++) {
    if (fieldKept[i] !== true || fieldKind[i] === NULL) continue;
    const key = fieldKey[i] as string;
    if (
      utf8LongerThan(key, limits.maxAttributeKeyBytes) ||
      valueBytes(i) > limits.maxAttributeValueBytes
    )
      return false;
    room += key.length * 3 + 4;
  }
  if (defaults !== undefined) {
    if (ctx.redactor !== undefined) return false;
    const added = pickDefaultAttributes(
      defaults,
      timeText !== undefined,
      serviceLabel,
      hostLabel,
      levelLabel,
    );
    if (added < 0 || fieldCount + added > limits.maxAttributes) return false;
    for (let p = 0; p < added; p++) room += (pickedDefault[p] as DefaultAttribute).json.length + 1;
    room += (serviceLabel?.json.length ?? 0) + (hostLabel?.json.length ?? 0);
    room += (traceDefault?.length ?? 0) + (spanDefault?.length ?? 0) + (userDefault?.length ?? 0);
  } else {
    // Only a Loki entry's line takes id columns from its defaults.
    traceDefault = spanDefault = userDefault = undefined;
  }

  let level: NormalisedLevel = UNSPECIFIED_LEVEL;
  const levelSource = levelField !== -1 || levelLabel !== undefined ? levelField : take(ECS_LEVEL);
  if (levelLabel !== undefined) {
    // Not understood: the general path keeps it as the level_raw attribute.
    if (levelLabel.level === undefined) return false;
    level = levelLabel.level;
  } else if (levelSource !== -1) {
    const kind = fieldKind[levelSource];
    if (fieldEscaped[levelSource] === true) return false;
    const parsed =
      kind === NUMBER
        ? levelFromNumber(Number(valueText(levelSource)))
        : kind === STRING
          ? levelOfString(levelSource)
          : undefined;
    // Not understood: the general path keeps it as the level_raw attribute.
    if (parsed === undefined) return false;
    level = parsed;
  }
  if (serviceLabel === undefined) {
    if (isEmpty(service)) service = take(ECS_SERVICE);
    // The general path derives the service from the tag's text.
    if (isEmpty(service) && syslogTag !== -1) return false;
  }
  let host = hostField;
  if (hostLabel === undefined && isEmpty(host)) {
    host = take(ECS_HOST);
    if (host === -1) host = take(ECS_HOSTNAME);
  }
  if (traceDefault === undefined && isEmpty(traceId)) traceId = take(ECS_TRACE);
  if (spanDefault === undefined && isEmpty(spanId)) spanId = take(ECS_SPAN);
  if (userDefault === undefined && isEmpty(userId)) userId = take(ECS_USER);

  if (ctx.redactor !== undefined && redactionMayChange(ctx.redactor)) return false;

  w.ensure(room);
  w.writeFastRowStart(ts === ctx.receivedAt ? undefined : ts, undefined, ctx, level);
  writeColumnOr(w, serviceLabel?.json, service);
  w.byte(0x2c);
  writeColumnOr(w, hostLabel?.json, host);
  w.byte(0x2c);
  writeColumn(w, messageField);
  w.ascii(',{');
  let first = true;
  for (let i = 0; i < fieldCount; i++) {
    if (fieldKept[i] !== true || fieldKind[i] === NULL) continue;
    if (!first) w.byte(0x2c);
    first = false;
    w.byte(0x22);
    const key = fieldKey[i] as string;
    if (fieldKeyAscii[i] === true) w.ascii(key);
    else w.used += w.buf.write(key, w.used);
    w.ascii('":');
    writeValue(w, i);
  }
  for (let p = 0; defaults !== undefined && p < pickedDefaults; p++) {
    if (!first) w.byte(0x2c);
    first = false;
    const json = (pickedDefault[p] as DefaultAttribute).json;
    w.bytes(json);
  }
  w.ascii('},{},');
  writeColumnOr(w, traceDefault, traceId);
  w.byte(0x2c);
  writeColumnOr(w, spanDefault, spanId);
  w.byte(0x2c);
  writeColumnOr(w, userDefault, userId);
  w.bytes(w.tail);
  return true;
}
