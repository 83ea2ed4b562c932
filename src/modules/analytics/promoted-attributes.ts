// Attribute keys with a column of their own (clickhouse/0012_promoted_attributes.sql): the column
// is NULL where the row lacks the key and attributes['key'] otherwise, so the compiler reads it
// instead of the whole attributes map and every answer stays the same. Add a key here only with
// the migration that creates its column.
export const PROMOTED_ATTRIBUTE_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['status', 'attr_status'],
  ['http.method', 'attr_http_method'],
  ['duration_ms', 'attr_duration_ms'],
  ['route', 'attr_route'],
  ['http.route', 'attr_http_route'],
]);

export interface AttributeSql {
  /** The attribute's text, '' when the row lacks the key (as attributes['key'] reads). */
  value: string;
  /** The row has the key. */
  present: string;
}

/** SQL for a promoted attribute key, or undefined when the key lives only in the map. */
export function promotedAttributeSql(key: string): AttributeSql | undefined {
  const column = PROMOTED_ATTRIBUTE_COLUMNS.get(key);
  if (column === undefined) return undefined;
  return { value: `ifNull(${column}, '')`, present: `isNotNull(${column})` };
}
