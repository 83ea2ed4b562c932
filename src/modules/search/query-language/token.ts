import type { CompareOperator } from './ast.ts';

interface Positioned {
  start: number;
  end: number;
}

/**
 * A bare word after unescaping. `segments` splits `text` at unescaped `*`s, so an escaped `\*`
 * stays a literal star: `a\*b*` → text `a*b*`, segments ['a*b', ''].
 */
export interface WordToken extends Positioned {
  type: 'word';
  text: string;
  segments: string[];
}

export interface QuotedToken extends Positioned {
  type: 'quoted';
  text: string;
}

/** `/…/` after a field colon. `offsets[i]` is the query offset of `source`'s i-th UTF-16 unit. */
export interface RegexToken extends Positioned {
  type: 'regex';
  source: string;
  offsets: number[];
}

export interface CompareToken extends Positioned {
  type: 'compare';
  op: CompareOperator;
}

export interface PunctuationToken extends Positioned {
  type: 'lparen' | 'rparen' | 'colon' | 'minus' | 'and' | 'or' | 'not' | 'eof';
}

export type Token = WordToken | QuotedToken | RegexToken | CompareToken | PunctuationToken;

/** How a token is named in "expected …" lists and error messages. */
export function describeToken(token: Token): string {
  switch (token.type) {
    case 'word':
      return `'${token.text}'`;
    case 'quoted':
      return 'a quoted phrase';
    case 'regex':
      return 'a regex';
    case 'compare':
      return `'${token.op}'`;
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    case 'colon':
      return "':'";
    case 'minus':
      return "'-'";
    case 'and':
      return 'AND';
    case 'or':
      return 'OR';
    case 'not':
      return 'NOT';
    case 'eof':
      return 'end of query';
  }
}
