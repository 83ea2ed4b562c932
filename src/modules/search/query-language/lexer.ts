import { QuerySyntaxError } from './query-syntax-error.ts';
import { MAX_QUERY_LENGTH_CHARS } from './limits.ts';
import type { Token, WordToken } from './token.ts';

const WHITESPACE = /\s/;
// A word in term position also stops at ':' '<' '>' so that `field:v` and `field>=n` split.
const TERM_WORD_STOP = /[\s()":<>]/;
// A value right after ':' or a comparison may contain ':' '<' '>' '=' (`url:http://x`, `t:12:00`).
const VALUE_WORD_STOP = /[\s()"]/;
const KEYWORDS: Record<string, 'and' | 'or' | 'not'> = { AND: 'and', OR: 'or', NOT: 'not' };
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Splits a query into tokens. Context-sensitive in one way only: the token immediately after ':'
 * or a comparison operator is a value (may be a `/regex/`, may contain ':' and start with '-').
 */
export function lex(query: string): Token[] {
  if (query.length > MAX_QUERY_LENGTH_CHARS) {
    throw new QuerySyntaxError(
      `Query is longer than ${MAX_QUERY_LENGTH_CHARS} characters`,
      MAX_QUERY_LENGTH_CHARS,
      [],
      { code: 'query_too_long', max: MAX_QUERY_LENGTH_CHARS },
    );
  }
  const surrogate = LONE_SURROGATE.exec(query);
  if (surrogate) {
    throw new QuerySyntaxError('Query contains an invalid Unicode character', surrogate.index, [], {
      code: 'invalid_unicode',
    });
  }
  return new Lexer(query).run();
}

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly query: string) {}

  run(): Token[] {
    while (this.pos < this.query.length) {
      const valuePosition = this.isValuePosition();
      const ch = this.query[this.pos]!;
      if (WHITESPACE.test(ch)) this.pos++;
      else if (ch === '"') this.tokens.push(this.quoted());
      else if (ch === '/' && valuePosition && this.previousType() === 'colon') this.regex();
      else if (valuePosition) this.tokens.push(this.word(VALUE_WORD_STOP));
      else this.punctuationOrWord(ch);
    }
    this.tokens.push({ type: 'eof', start: this.query.length, end: this.query.length });
    return this.tokens;
  }

  private previousType(): Token['type'] | undefined {
    return this.tokens[this.tokens.length - 1]?.type;
  }

  /** Directly after ':' or an operator, with no space between: the value of a field term. */
  private isValuePosition(): boolean {
    const previous = this.tokens[this.tokens.length - 1];
    if (!previous || previous.end !== this.pos) return false;
    if (previous.type !== 'colon' && previous.type !== 'compare') return false;
    const ch = this.query[this.pos]!;
    return ch !== '(' && ch !== ')';
  }

  private punctuationOrWord(ch: string): void {
    const start = this.pos;
    const next = this.query[this.pos + 1];
    const single = { '(': 'lparen', ')': 'rparen', ':': 'colon' } as const;
    if (ch === '(' || ch === ')' || ch === ':') {
      this.pos++;
      this.tokens.push({ type: single[ch], start, end: this.pos });
    } else if (ch === '<' || ch === '>') {
      const op = next === '=' ? (ch === '<' ? '<=' : '>=') : ch;
      this.pos += op.length;
      this.tokens.push({ type: 'compare', op, start, end: this.pos });
    } else if (ch === '-' && next !== undefined && !WHITESPACE.test(next) && next !== ')') {
      this.pos++;
      this.tokens.push({ type: 'minus', start, end: this.pos });
    } else {
      const word = this.word(TERM_WORD_STOP);
      const keyword = Object.hasOwn(KEYWORDS, word.text) ? KEYWORDS[word.text] : undefined;
      const raw = this.query.slice(word.start, word.end);
      // Only the unescaped upper-case spelling is an operator; `\AND` or `and` is a search word.
      if (keyword && raw === word.text) this.tokens.push({ type: keyword, start, end: word.end });
      else this.tokens.push(word);
    }
  }

  private word(stop: RegExp): WordToken {
    const start = this.pos;
    const segments: string[] = [];
    let current = '';
    while (this.pos < this.query.length && !stop.test(this.query[this.pos]!)) {
      const ch = this.query[this.pos]!;
      if (ch === '\\') {
        current += this.escapedChar();
      } else if (ch === '*') {
        segments.push(current);
        current = '';
        this.pos++;
      } else {
        current += ch;
        this.pos++;
      }
    }
    segments.push(current);
    return { type: 'word', text: segments.join('*'), segments, start, end: this.pos };
  }

  /** Consumes `\x` and returns x (a whole code point, so an escaped emoji stays intact). */
  private escapedChar(): string {
    const backslash = this.pos;
    const escaped = this.query.codePointAt(this.pos + 1);
    if (escaped === undefined) {
      throw new QuerySyntaxError(
        'Backslash at end of query escapes nothing',
        backslash,
        ['escaped character'],
        { code: 'dangling_backslash' },
      );
    }
    const ch = String.fromCodePoint(escaped);
    this.pos += 1 + ch.length;
    return ch;
  }

  private quoted(): Token {
    const start = this.pos;
    this.pos++;
    let text = '';
    while (this.query[this.pos] !== '"') {
      const ch = this.query[this.pos];
      if (ch === undefined) {
        throw new QuerySyntaxError('Unterminated quoted phrase', this.pos, ["'\"'"], {
          code: 'unterminated_phrase',
        });
      }
      if (ch === '\\') {
        text += this.escapedChar();
      } else {
        text += ch;
        this.pos++;
      }
    }
    this.pos++;
    return { type: 'quoted', text, start, end: this.pos };
  }

  /** Inside `/…/` only `\/` is unescaped; other backslashes belong to the regex itself. */
  private regex(): void {
    const start = this.pos;
    this.pos++;
    let source = '';
    const offsets: number[] = [];
    while (this.query[this.pos] !== '/') {
      const ch = this.query[this.pos];
      if (ch === undefined) {
        throw new QuerySyntaxError('Unterminated regex', this.pos, ["'/'"], {
          code: 'unterminated_regex',
        });
      }
      const escapedSlash = ch === '\\' && this.query[this.pos + 1] === '/';
      const keepPair = ch === '\\' && this.query[this.pos + 1] !== undefined && !escapedSlash;
      offsets.push(this.pos + (escapedSlash ? 1 : 0));
      source += escapedSlash ? '/' : ch;
      this.pos += escapedSlash ? 2 : 1;
      if (keepPair) {
        // Keep `\\` together so a pattern ending in an escaped backslash still closes at '/'.
        offsets.push(this.pos);
        source += this.query[this.pos]!;
        this.pos++;
      }
    }
    this.pos++;
    this.tokens.push({ type: 'regex', source, offsets, start, end: this.pos });
  }
}
