import type { CompareOperator, QueryNode } from './ast.ts';
import { asciiLower } from './ascii-case.ts';
import { matchesGlob } from './glob-pattern.ts';
import type { LogRow } from '../../logs-table/log-row.ts';
import { messageTokens } from './message-tokens.ts';
import { parseNumericText } from './numeric-text.ts';
import { compileRegexMatcher } from './regex-matcher.ts';
import type { Condition, Subject } from './term-conditions.ts';
import { termCondition } from './term-conditions.ts';

export type LogRowPredicate = (row: LogRow) => boolean;

/**
 * Compiles a parsed query to a JS predicate with the same meaning as compileQueryToSql, for the
 * live tail. Everything query-dependent (regex automata, lower-casing) is prepared once here.
 */
export function compileQueryToPredicate(node: QueryNode): LogRowPredicate {
  switch (node.kind) {
    case 'match_all':
      return () => true;
    case 'and': {
      const children = node.children.map(compileQueryToPredicate);
      return (row) => children.every((child) => child(row));
    }
    case 'or': {
      const children = node.children.map(compileQueryToPredicate);
      return (row) => children.some((child) => child(row));
    }
    case 'not': {
      const child = compileQueryToPredicate(node.child);
      return (row) => !child(row);
    }
    default:
      return compileCondition(termCondition(node));
  }
}

// Own-property lookup: a key like `constructor` must not reach Object.prototype.
function mapValue(map: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function readSubject(subject: Subject): (row: LogRow) => string {
  if (subject.kind === 'column') {
    const column = subject.column;
    return (row) => row[column];
  }
  const { key } = subject;
  const map = subject.kind === 'attribute' ? 'attributes' : 'resource';
  // ClickHouse reads a missing map key as the default value ''.
  return (row) => mapValue(row[map], key) ?? '';
}

const COMPARATORS: Record<CompareOperator, (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '<': (a, b) => a < b,
};

function compileCondition(condition: Condition): LogRowPredicate {
  switch (condition.op) {
    case 'always':
      return () => true;
    case 'all_of': {
      const parts = condition.conditions.map(compileCondition);
      return (row) => parts.every((part) => part(row));
    }
    case 'equals': {
      const read = readSubject(condition.subject);
      return (row) => read(row) === condition.value;
    }
    case 'glob': {
      const read = readSubject(condition.subject);
      return (row) => matchesGlob(condition.parts, read(row));
    }
    case 'message_has_token':
      return (row) => messageTokens(asciiLower(row.message)).includes(condition.token);
    case 'message_contains':
      return (row) => asciiLower(row.message).includes(condition.needle);
    case 'message_token_glob':
      return (row) =>
        messageTokens(asciiLower(row.message)).some((token) => matchesGlob(condition.parts, token));
    case 'regex': {
      const read = readSubject(condition.subject);
      const matches = compileRegexMatcher(condition.pattern);
      return (row) => matches(read(row));
    }
    case 'compare': {
      const read = readSubject(condition.subject);
      const compare = COMPARATORS[condition.operator];
      return (row) => {
        const value = parseNumericText(read(row));
        return value !== undefined && compare(value, condition.value);
      };
    }
    case 'exists':
      return compileExists(condition.subject);
  }
}

function compileExists(subject: Subject): LogRowPredicate {
  if (subject.kind === 'column') {
    const read = readSubject(subject);
    return (row) => read(row) !== '';
  }
  const { key } = subject;
  const map = subject.kind === 'attribute' ? 'attributes' : 'resource';
  return (row) => Object.hasOwn(row[map], key);
}
