import type { FieldRef, LogColumn, SourceSpan } from './ast.ts';

const COLUMN_ALIASES: Record<string, LogColumn> = {
  level: 'level',
  service: 'service',
  host: 'host',
  trace_id: 'trace_id',
  span_id: 'span_id',
  user_id: 'user_id',
  app: 'app_id',
  app_id: 'app_id',
  message: 'message',
};

// Explicit prefixes reach map keys that would otherwise be read as a column (`attributes.level`).
const ATTRIBUTE_PREFIX = 'attributes.';
const RESOURCE_PREFIX = 'resource.';

/**
 * Field names are case-sensitive. Known names address columns, `resource.k` the resource map,
 * `attributes.k` the attribute map explicitly, and any other name is an attribute key as written.
 */
export function resolveFieldName(name: string, span: SourceSpan): FieldRef {
  if (Object.hasOwn(COLUMN_ALIASES, name)) {
    return { kind: 'column', column: COLUMN_ALIASES[name]!, name, span };
  }
  if (name.startsWith(RESOURCE_PREFIX) && name.length > RESOURCE_PREFIX.length) {
    return { kind: 'resource', key: name.slice(RESOURCE_PREFIX.length), name, span };
  }
  if (name.startsWith(ATTRIBUTE_PREFIX) && name.length > ATTRIBUTE_PREFIX.length) {
    return { kind: 'attribute', key: name.slice(ATTRIBUTE_PREFIX.length), name, span };
  }
  return { kind: 'attribute', key: name, name, span };
}
