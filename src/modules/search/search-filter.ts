// The `q` parameter: parsed once per request, compiled to a scoped-later SQL filter, and asked
// whether the per-minute rollup could answer it.
import { BadRequestError } from '../../infra/errors.ts';
import {
  compileQueryToSql,
  parseQuery,
  QuerySyntaxError,
  type QueryNode,
} from './query-language/index.ts';
import type { SqlFilter } from './search.repository.ts';

export interface ParsedFilter {
  ast: QueryNode;
  sql: SqlFilter;
}

export function parseFilter(q: string | undefined): ParsedFilter {
  let ast: QueryNode;
  try {
    ast = parseQuery(q ?? '');
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw new BadRequestError('invalid_query', error.message, {
        position: error.position,
        expected: error.expected,
        reason: error.reason,
      });
    }
    throw error;
  }
  return { ast, sql: compileQueryToSql(ast, { paramPrefix: 'q' }) };
}

const ROLLUP_COLUMNS = new Set(['level', 'service', 'app_id']);

/** True when every term reads only columns the rollup keeps (level, service, app). */
export function readsOnlyRollupColumns(node: QueryNode): boolean {
  switch (node.kind) {
    case 'match_all':
      return true;
    case 'and':
    case 'or':
      return node.children.every(readsOnlyRollupColumns);
    case 'not':
      return readsOnlyRollupColumns(node.child);
    default:
      return node.field.kind === 'column' && ROLLUP_COLUMNS.has(node.field.column);
  }
}
