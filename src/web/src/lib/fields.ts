// Field names and values for completion. The columns are always there; attribute keys and values
// come from the fields API for the current apps and time range, cached briefly.
import { api } from './api.ts';
import type { FieldInfo, FieldValue } from './types.ts';

export const COLUMN_FIELDS: readonly FieldInfo[] = [
  { name: 'level', type: 'column' },
  { name: 'service', type: 'column' },
  { name: 'host', type: 'column' },
  { name: 'message', type: 'column' },
  { name: 'trace_id', type: 'column' },
  { name: 'span_id', type: 'column' },
  { name: 'user_id', type: 'column' },
  { name: 'app', type: 'column' },
];

const cache = new Map<string, { at: number; value: Promise<unknown> }>();
const TTL_MS = 30_000;

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
  const value = load().catch((error: unknown) => {
    cache.delete(key);
    throw error;
  });
  cache.set(key, { at: Date.now(), value });
  return value;
}

/** Accepts `{ fields: [...] }` or a bare array, of names or `{ name, count }` objects. */
function normaliseFields(data: unknown): FieldInfo[] {
  const list = Array.isArray(data) ? data : ((data as { fields?: unknown[] })?.fields ?? []);
  return list
    .map((item): FieldInfo | null => {
      if (typeof item === 'string') return { name: item };
      if (item && typeof item === 'object' && typeof (item as FieldInfo).name === 'string') {
        const f = item as FieldInfo & { key?: string };
        return { name: f.name, count: f.count, type: f.type };
      }
      return null;
    })
    .filter((f): f is FieldInfo => f !== null);
}

function normaliseValues(data: unknown): FieldValue[] {
  const list = Array.isArray(data) ? data : ((data as { values?: unknown[] })?.values ?? []);
  return list
    .map((item): FieldValue | null => {
      if (typeof item === 'string') return { value: item };
      if (item && typeof item === 'object' && 'value' in item) {
        const v = item as { value: unknown; count?: number };
        return { value: String(v.value), count: v.count };
      }
      return null;
    })
    .filter((v): v is FieldValue => v !== null && v.value !== '');
}

export interface Scope {
  apps: string[];
  from: string;
  to: string;
}

/** The fields API's default number of keys: a list that long may have been cut short. */
const FIELDS_API_LIMIT = 100;

function loadAttributeFields(scope: Scope): Promise<FieldInfo[]> {
  return cached(`f:${JSON.stringify(scope)}`, () =>
    api<unknown>('/v1/logs/fields', { query: { ...scope, apps: scope.apps } }),
  ).then(normaliseFields);
}

/** Attribute keys of the current apps and range, or null when they could not be loaded. */
export async function loadKnownFields(
  scope: Scope,
): Promise<{ names: string[]; truncated: boolean } | null> {
  const fields = await loadAttributeFields(scope).catch(() => null);
  if (!fields) return null;
  return { names: fields.map((f) => f.name), truncated: fields.length >= FIELDS_API_LIMIT };
}

export async function loadFields(scope: Scope): Promise<FieldInfo[]> {
  const remote = await loadAttributeFields(scope).catch(() => [] as FieldInfo[]);
  const seen = new Set(COLUMN_FIELDS.map((f) => f.name));
  return [...COLUMN_FIELDS, ...remote.filter((f) => !seen.has(f.name) && seen.add(f.name))];
}

const LEVEL_VALUES = ['error', 'warn', 'info', 'debug', 'trace', 'fatal'].map((value) => ({
  value,
}));

export async function loadValues(field: string, scope: Scope): Promise<FieldValue[]> {
  const remote = await cached(`v:${field}:${JSON.stringify(scope)}`, () =>
    api<unknown>(`/v1/logs/fields/${encodeURIComponent(field)}/values`, {
      query: { ...scope, apps: scope.apps },
    }),
  )
    .then(normaliseValues)
    .catch(() => [] as FieldValue[]);
  if (field === 'level' && remote.length === 0) return LEVEL_VALUES;
  return remote;
}
