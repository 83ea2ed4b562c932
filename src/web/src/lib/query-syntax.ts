// Query bar support: a forgiving tokenizer for highlighting (it must colour half-typed queries that
// the real lexer rejects), the shared parser for instant error positions (worded in the reader's
// language from the parser's reason code), and the completion context at the caret.
import { parseQuery } from '../../../modules/search/query-language/parser.ts';
import {
  QuerySyntaxError,
  type QuerySyntaxReason,
} from '../../../modules/search/query-language/query-syntax-error.ts';
import type { RegexProblem } from '../../../modules/search/query-language/regex-problem.ts';
import type { MessageKey } from '../i18n/catalogues.ts';
import { currentDisplay, t } from '../i18n/display.ts';

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
  /** The whole problem in the reader's language, what was expected included; not its position. */
  message: string;
  position: number;
}

/** The shared parser's verdict, so the bar can point at a mistake before the query is sent. */
export function checkQuery(query: string): QueryProblem | null {
  if (query.trim() === '') return null;
  try {
    parseQuery(query);
    return null;
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      return {
        message: describeQueryProblem(error.reason, error.expected),
        position: error.position,
      };
    }
    return null;
  }
}

/** The server's `invalid_query` answer as the bar shows it; its English only without a reason. */
export function queryProblemFromApi(
  message: string,
  details: { position?: number; expected?: string[]; reason?: QuerySyntaxReason } | undefined,
): QueryProblem {
  const position = details?.position ?? 0;
  if (details?.reason)
    return { message: describeQueryProblem(details.reason, details.expected ?? []), position };
  return { message: message.replace(/ \(?at position \d+\)?/, ''), position };
}

// The parser's "expected" words; quoted tokens and keywords (`')'`, `AND`) are syntax, shown as is.
const EXPECTED: Record<string, MessageKey> = {
  'a search term': 'querySyntax.expected.searchTerm',
  'a value': 'querySyntax.expected.value',
  'a number': 'querySyntax.expected.number',
  'a finite number': 'querySyntax.expected.finiteNumber',
  'end of query': 'querySyntax.expected.endOfQuery',
  'field name': 'querySyntax.expected.fieldName',
  'escaped character': 'querySyntax.expected.escapedCharacter',
  'a valid regex': 'querySyntax.expected.validRegex',
};

function expectedText(expected: string[]): string {
  const { locale } = currentDisplay();
  const words = expected.slice(0, 4).map((e) => (e in EXPECTED ? t(EXPECTED[e]!) : e));
  return new Intl.ListFormat(locale === 'en-XA' ? 'en' : locale, { type: 'disjunction' }).format(
    words,
  );
}

function foundText(found: Extract<QuerySyntaxReason, { code: 'unexpected_token' }>['found']) {
  switch (found.type) {
    case 'word':
    case 'compare':
      return `'${found.text ?? ''}'`;
    case 'quoted':
      return t('querySyntax.found.quoted');
    case 'regex':
      return t('querySyntax.found.regex');
    case 'eof':
      return t('querySyntax.expected.endOfQuery');
    case 'and':
    case 'or':
    case 'not':
      return found.type.toUpperCase();
    default:
      return `'${{ lparen: '(', rparen: ')', colon: ':', minus: '-' }[found.type]}'`;
  }
}

function regexText(problem: RegexProblem): string {
  const key = `querySyntax.regex.${problem.code}` as MessageKey;
  switch (problem.code) {
    case 'unexpected_char':
      return t(key, { char: `'${problem.char}'` });
    case 'repeat_too_large':
      return t(key, { max: problem.max });
    case 'unsupported_escape':
      return t(key, { escape: `'\\${problem.char}'` });
    case 'malformed_repetition':
      return t(key, { escape: "'\\{'" });
    case 'empty_class':
      return t(key, { escape: "'\\]'" });
    case 'nested_class':
      return t(key, { char: "'['", escape: "'\\['" });
    case 'missing_paren':
      return t(key, { char: "')'" });
    case 'missing_bracket':
      return t(key, { char: "']'" });
    case 'unsupported_group':
      return t(key, { plain: '(…)', nonCapturing: '(?:…)' });
    case 'malformed_hex_escape':
      return t(key, { short: '\\xHH', long: '\\x{HHHH}' });
    default:
      return t(key);
  }
}

/** A syntax error in the reader's language, from the parser's reason and its "expected" list. */
export function describeQueryProblem(reason: QuerySyntaxReason, expected: string[]): string {
  let text: string;
  switch (reason.code) {
    case 'unexpected_token':
      return t('querySyntax.unexpected_token', {
        expected: expectedText(expected),
        found: foundText(reason.found),
      });
    case 'invalid_regex':
      // "expected a valid regex" would only repeat it.
      return t('querySyntax.invalid_regex', { problem: regexText(reason.problem) });
    case 'query_too_long':
    case 'too_deep':
    case 'too_many_terms':
      text = t(`querySyntax.${reason.code}`, { max: reason.max });
      break;
    default:
      text = t(`querySyntax.${reason.code}`);
  }
  if (expected.length === 0) return text;
  return t('querySyntax.withExpected', { problem: text, expected: expectedText(expected) });
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
