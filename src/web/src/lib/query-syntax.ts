// Query bar support: a forgiving tokenizer for highlighting (it must colour half-typed queries that
// the real lexer rejects), the shared parser for instant error positions, and the completion context
// at the caret.
import { parseQuery } from '../../../modules/search/query-language/parser.ts';
import { QuerySyntaxError } from '../../../modules/search/query-language/query-syntax-error.ts';

export type PieceKind =
  | 'text'
  | 'word'
  | 'field'
  | 'op'
  | 'value'
  | 'string'
  | 'regex'
  | 'keyword'
  | 'paren'
  | 'negate'
  | 'space';

export interface Piece {
  kind: PieceKind;
  text: string;
  start: number;
}

const TERM_STOP = /[\s()"]/;

/** Splits a query into coloured pieces; the pieces always concatenate back to the query. */
export function highlightQuery(query: string): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  const push = (kind: PieceKind, end: number): void => {
    if (end > pos) pieces.push({ kind, text: query.slice(pos, end), start: pos });
    pos = end;
  };
  const readQuoted = (): number => {
    let end = pos + 1;
    while (end < query.length && query[end] !== '"') end += query[end] === '\\' ? 2 : 1;
    return Math.min(end + 1, query.length);
  };
  while (pos < query.length) {
    const ch = query[pos]!;
    if (/\s/.test(ch)) {
      let end = pos;
      while (end < query.length && /\s/.test(query[end]!)) end++;
      push('space', end);
    } else if (ch === '(' || ch === ')') push('paren', pos + 1);
    else if (ch === '"') push('string', readQuoted());
    else if (ch === '-' && pos + 1 < query.length && !/[\s)]/.test(query[pos + 1]!)) {
      push('negate', pos + 1);
    } else {
      let end = pos;
      while (end < query.length && !TERM_STOP.test(query[end]!)) end++;
      const word = query.slice(pos, end);
      const field = /^([^:<>]+?)(:|>=|<=|>|<)/.exec(word);
      if (word === 'AND' || word === 'OR' || word === 'NOT') push('keyword', end);
      else if (field) {
        push('field', pos + field[1]!.length);
        push('op', pos + field[2]!.length);
        if (query[pos] === '"') push('string', readQuoted());
        else if (query[pos] === '/') {
          let close = pos + 1;
          while (close < query.length && query[close] !== '/')
            close += query[close] === '\\' ? 2 : 1;
          push('regex', Math.min(close + 1, query.length));
        } else push('value', end);
      } else push('word', end);
    }
  }
  return pieces;
}

export interface QueryProblem {
  message: string;
  position: number;
  expected: string[];
}

/** The shared parser's verdict, so the bar can point at a mistake before the query is sent. */
export function checkQuery(query: string): QueryProblem | null {
  if (query.trim() === '') return null;
  try {
    parseQuery(query);
    return null;
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      return { message: error.message, position: error.position, expected: error.expected };
    }
    return null;
  }
}

export type CompletionContext =
  | { kind: 'field'; prefix: string; start: number; end: number }
  | { kind: 'value'; field: string; prefix: string; start: number; end: number };

/** What the word under the caret is: a field name being typed, or the value of `field:`. */
export function completionContext(query: string, caret: number): CompletionContext | null {
  let start = caret;
  while (start > 0 && !/[\s()]/.test(query[start - 1]!)) start--;
  let end = caret;
  while (end < query.length && !/[\s()]/.test(query[end]!)) end++;
  let word = query.slice(start, caret);
  if (word.startsWith('-')) {
    word = word.slice(1);
    start += 1;
  }
  if (word.includes('"')) return null;
  const colon = word.indexOf(':');
  if (colon > 0) {
    return {
      kind: 'value',
      field: word.slice(0, colon),
      prefix: word.slice(colon + 1),
      start: start + colon + 1,
      end,
    };
  }
  if (/[<>]/.test(word) || word === 'AND' || word === 'OR' || word === 'NOT') return null;
  return { kind: 'field', prefix: word, start, end };
}
