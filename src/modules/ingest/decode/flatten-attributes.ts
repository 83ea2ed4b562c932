import { RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';

export type StringMap = Record<string, string>;

/** A null-prototype map, so that a sender's `__proto__` key is just a key. */
export function newStringMap(): StringMap {
  return Object.create(null) as StringMap;
}

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * Lone surrogates (from JSON `\ud800` escapes) become U+FFFD: they are not UTF-8, and one such
 * string must not make ClickHouse refuse a group-commit insert that holds other tenants' rows.
 */
export function wellFormed(s: string): string {
  const w = s as unknown as WellFormedString;
  return w.isWellFormed() ? s : w.toWellFormed();
}

/** Cheap first: UTF-8 takes at most 3 bytes per UTF-16 unit and at least 1. */
export function utf8LongerThan(s: string, maxBytes: number): boolean {
  if (s.length * 3 <= maxBytes) return false;
  if (s.length > maxBytes) return true;
  return Buffer.byteLength(s, 'utf8') > maxBytes;
}

/** True when `value` (an array or object found at nesting level `level`) goes deeper than `max`. */
export function nestingExceeds(value: unknown, level: number, max: number): boolean {
  // Iterative: JSON.parse accepts a million nested arrays, and a recursive walk (or
  // JSON.stringify) over them would overflow the stack.
  const stack: unknown[] = [value];
  const levels: number[] = [level];
  while (stack.length > 0) {
    const v = stack.pop();
    const l = levels.pop() ?? 0;
    if (typeof v !== 'object' || v === null) continue;
    if (l > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        levels.push(l + 1);
      }
    }
  }
  return false;
}

/**
 * Flattens values into a string map under the attribute limits: nested objects with dotted keys,
 * arrays as JSON text, numbers and booleans as their JSON text, null dropped (a Map value cannot be
 * null, and "null" would be indistinguishable from the string).
 */
export class AttributeSink {
  readonly map: StringMap = newStringMap();
  count = 0;
  rejection: RecordRejection | undefined;

  constructor(
    private readonly limits: IngestLimits,
    private readonly what: string,
  ) {}

  /** `level` is the nesting level of `value` if it is an object (1 for a top-level field). */
  add(key: string, value: unknown, level: number): boolean {
    if (value === null || value === undefined) return true;
    switch (typeof value) {
      case 'string':
        return this.set(key, value);
      case 'number':
      case 'boolean':
      case 'bigint':
        return this.set(key, String(value));
      case 'object':
        break;
      default:
        return true;
    }
    if (level > this.limits.maxNestingDepth) return this.nestingTooDeep(key);
    if (Array.isArray(value)) {
      if (nestingExceeds(value, level, this.limits.maxNestingDepth))
        return this.nestingTooDeep(key);
      return this.set(key, JSON.stringify(value));
    }
    const obj = value as Record<string, unknown>;
    for (const k in obj) {
      if (!this.add(key === '' ? k : key + '.' + k, obj[k], level + 1)) return false;
    }
    return true;
  }

  /** Adds every field of `obj` without a prefix (fields at nesting level `level`). */
  addAll(obj: Record<string, unknown>, level: number): boolean {
    for (const k in obj) {
      if (!this.add(k, obj[k], level)) return false;
    }
    return true;
  }

  set(key: string, value: string): boolean {
    const limits = this.limits;
    if (++this.count > limits.maxAttributes) {
      return this.reject('too_many_attributes', `more than ${limits.maxAttributes} ${this.what}`);
    }
    if (utf8LongerThan(key, limits.maxAttributeKeyBytes)) {
      return this.reject(
        'attribute_key_too_large',
        `${this.what} key '${key.slice(0, 64)}…' is longer than ${limits.maxAttributeKeyBytes} bytes`,
      );
    }
    if (utf8LongerThan(value, limits.maxAttributeValueBytes)) {
      return this.reject(
        'attribute_value_too_large',
        `${this.what} '${key.slice(0, 64)}' value is longer than ${limits.maxAttributeValueBytes} bytes`,
      );
    }
    this.map[wellFormed(key)] = wellFormed(value);
    return true;
  }

  /** Removes and returns an entry, for fields that have a column of their own (ECS `host.name`). */
  take(key: string): string | undefined {
    const v = this.map[key];
    if (v !== undefined) {
      delete this.map[key];
      this.count--;
    }
    return v;
  }

  private nestingTooDeep(key: string): false {
    return this.reject(
      'nesting_too_deep',
      `'${key.slice(0, 64)}' is nested deeper than ${this.limits.maxNestingDepth} levels`,
    );
  }

  private reject(code: RecordRejection['code'], error: string): false {
    this.rejection = new RecordRejection(code, error);
    return false;
  }
}
