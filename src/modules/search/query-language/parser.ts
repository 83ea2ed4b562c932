import type { FieldRef, QueryNode, SourceSpan, TermNode } from './ast.ts';
import { IMPLICIT_MESSAGE_FIELD } from './ast.ts';
import { resolveFieldName } from './field-names.ts';
import { lex } from './lexer.ts';
import { MAX_NESTING_DEPTH, MAX_TERMS } from './limits.ts';
import { NUMERIC_TEXT } from './numeric-text.ts';
import { QuerySyntaxError } from './query-syntax-error.ts';
import { parseRegex, RegexSyntaxError } from './regex-parser.ts';
import type { CompareToken, RegexToken, Token, WordToken } from './token.ts';
import { describeToken } from './token.ts';

const TERM_START = ['a search term', "'('", 'NOT', "'-'"];
const VALUE_START = ['a value', "'('"];

/**
 * Parses a query to an AST. Precedence: NOT/`-` > AND (explicit or implicit) > OR.
 * The empty (or all-whitespace) query is `match_all`. Throws QuerySyntaxError.
 */
export function parseQuery(query: string): QueryNode {
  return new Parser(query, lex(query)).parse();
}

/** Inside `field:( … )` every word and phrase is a value of that field. */
interface Context {
  field: FieldRef | undefined;
  depth: number;
}

class Parser {
  private index = 0;
  private termCount = 0;

  constructor(
    private readonly query: string,
    private readonly tokens: Token[],
  ) {}

  parse(): QueryNode {
    if (this.peek().type === 'eof') return { kind: 'match_all', span: span(0, this.query.length) };
    const node = this.parseOr({ field: undefined, depth: 0 });
    if (this.peek().type !== 'eof') this.fail(['AND', 'OR', 'end of query']);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private fail(expected: string[], token: Token = this.peek()): never {
    const found = describeToken(token);
    throw new QuerySyntaxError(
      `Expected ${expected.join(' or ')} at position ${token.start}, found ${found}`,
      token.start,
      expected,
      {
        code: 'unexpected_token',
        found: {
          type: token.type,
          ...(token.type === 'word' ? { text: token.text } : {}),
          ...(token.type === 'compare' ? { text: token.op } : {}),
        },
      },
    );
  }

  private parseOr(ctx: Context): QueryNode {
    const children = [this.parseAnd(ctx)];
    while (this.peek().type === 'or') {
      this.next();
      children.push(this.parseAnd(ctx));
    }
    return combine('or', children);
  }

  private parseAnd(ctx: Context): QueryNode {
    const children = [this.parseUnary(ctx)];
    for (;;) {
      const type = this.peek().type;
      if (type === 'and') {
        this.next();
        children.push(this.parseUnary(ctx));
      } else if (startsOperand(type)) {
        children.push(this.parseUnary(ctx));
      } else {
        return combine('and', children);
      }
    }
  }

  private parseUnary(ctx: Context): QueryNode {
    const token = this.peek();
    if (token.type !== 'not' && token.type !== 'minus') return this.parsePrimary(ctx);
    this.next();
    const inner = this.deeper(ctx, token);
    const child = this.parseUnary(inner);
    return { kind: 'not', child, span: span(token.start, child.span.end) };
  }

  private deeper(ctx: Context, at: Token): Context {
    if (ctx.depth + 1 > MAX_NESTING_DEPTH) {
      throw new QuerySyntaxError(
        `Query nests deeper than ${MAX_NESTING_DEPTH} levels of parentheses and NOT`,
        at.start,
        [],
        { code: 'too_deep', max: MAX_NESTING_DEPTH },
      );
    }
    return { ...ctx, depth: ctx.depth + 1 };
  }

  private parsePrimary(ctx: Context): QueryNode {
    const token = this.peek();
    if (token.type === 'lparen') return this.parseGroup(ctx);
    if (ctx.field) return this.parseValue(ctx.field, ctx);
    if (token.type === 'quoted') {
      this.next();
      const field = IMPLICIT_MESSAGE_FIELD(span(token.start, token.start));
      return this.term({ kind: 'text', field, value: token.text, quoted: true, span: token });
    }
    if (token.type === 'word') return this.parseWordTerm(token, ctx);
    return this.fail(TERM_START);
  }

  private parseGroup(ctx: Context): QueryNode {
    const open = this.next();
    const inner = this.parseOr(this.deeper(ctx, open));
    if (this.peek().type !== 'rparen') this.fail(['AND', 'OR', "')'"]);
    this.next();
    return inner;
  }

  private parseWordTerm(word: WordToken, ctx: Context): QueryNode {
    this.next();
    const following = this.peek();
    if (following.start === word.end && following.type === 'colon') {
      return this.parseFieldValue(this.fieldOf(word), following, ctx);
    }
    if (following.start === word.end && following.type === 'compare') {
      return this.parseCompare(this.fieldOf(word), following);
    }
    if (word.segments.every((s) => s === '')) return { kind: 'match_all', span: word };
    return this.wordValue(IMPLICIT_MESSAGE_FIELD(span(word.start, word.start)), word);
  }

  private fieldOf(word: WordToken): FieldRef {
    if (word.segments.length > 1) {
      throw new QuerySyntaxError("A field name cannot contain '*'", word.start, ['field name'], {
        code: 'wildcard_field_name',
      });
    }
    return resolveFieldName(word.text, span(word.start, word.end));
  }

  private parseFieldValue(field: FieldRef, colon: Token, ctx: Context): QueryNode {
    this.next();
    const value = this.peek();
    if (value.start !== colon.end || value.type === 'eof') this.fail(VALUE_START, value);
    const node = this.parseValue(field, ctx);
    // A single `field:value` term spans its field name too; terms inside `field:(…)` do not.
    if (value.type !== 'lparen') node.span = span(field.span.start, node.span.end);
    return node;
  }

  private parseValue(field: FieldRef, ctx: Context): QueryNode {
    const token = this.peek();
    if (token.type === 'lparen') {
      return this.parseGroup({ ...ctx, field });
    }
    if (token.type === 'word') {
      this.next();
      return this.wordValue(field, token);
    }
    if (token.type === 'quoted') {
      this.next();
      return this.term({ kind: 'text', field, value: token.text, quoted: true, span: token });
    }
    if (token.type === 'regex') {
      this.next();
      return this.regexValue(field, token);
    }
    return this.fail(VALUE_START);
  }

  private wordValue(field: FieldRef, word: WordToken): TermNode {
    const where = span(word.start, word.end);
    if (word.segments.length === 1) {
      return this.term({ kind: 'text', field, value: word.text, quoted: false, span: where });
    }
    if (word.segments.every((s) => s === ''))
      return this.term({ kind: 'exists', field, span: where });
    return this.term({ kind: 'wildcard', field, parts: word.segments, span: where });
  }

  private regexValue(field: FieldRef, token: RegexToken): TermNode {
    try {
      const pattern = parseRegex(token.source);
      return this.term({ kind: 'regex', field, source: token.source, pattern, span: token });
    } catch (error) {
      if (!(error instanceof RegexSyntaxError)) throw error;
      const position = token.offsets[error.index] ?? token.end - 1;
      throw new QuerySyntaxError(
        `${error.message} (at position ${position})`,
        position,
        ['a valid regex'],
        { code: 'invalid_regex', problem: error.problem },
      );
    }
  }

  private parseCompare(field: FieldRef, operator: CompareToken): TermNode {
    this.next();
    const value = this.peek();
    const adjacent = value.start === operator.end;
    if (
      !adjacent ||
      value.type !== 'word' ||
      !NUMERIC_TEXT.test(value.text) ||
      value.segments.length > 1
    ) {
      this.fail(['a number'], value);
    }
    const number = Number(value.text);
    if (!Number.isFinite(number)) {
      throw new QuerySyntaxError('Number is out of range', value.start, ['a finite number'], {
        code: 'number_out_of_range',
      });
    }
    this.next();
    return this.term({
      kind: 'compare',
      field,
      op: operator.op,
      value: number,
      span: span(field.span.start, value.end),
    });
  }

  private term<T extends TermNode>(node: T): T {
    this.termCount++;
    if (this.termCount > MAX_TERMS) {
      throw new QuerySyntaxError(`Query has more than ${MAX_TERMS} terms`, node.span.start, [], {
        code: 'too_many_terms',
        max: MAX_TERMS,
      });
    }
    node.span = span(node.span.start, node.span.end);
    return node;
  }
}

function startsOperand(type: Token['type']): boolean {
  return (
    type === 'word' ||
    type === 'quoted' ||
    type === 'regex' ||
    type === 'lparen' ||
    type === 'not' ||
    type === 'minus'
  );
}

function combine(kind: 'and' | 'or', children: QueryNode[]): QueryNode {
  if (children.length === 1) return children[0]!;
  const first = children[0]!;
  const last = children[children.length - 1]!;
  return { kind, children, span: span(first.span.start, last.span.end) };
}

function span(start: number, end: number): SourceSpan {
  return { start, end };
}
