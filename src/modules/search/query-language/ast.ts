import type { RegexNode } from './regex-ast.ts';

/** Half-open range `[start, end)` of UTF-16 offsets into the query string. */
export interface SourceSpan {
  start: number;
  end: number;
}

/** Columns of the logs table that a query may address by name. */
export type LogColumn =
  'level' | 'service' | 'host' | 'trace_id' | 'span_id' | 'user_id' | 'app_id' | 'message';

export type FieldRef =
  | { kind: 'column'; column: LogColumn; name: string; span: SourceSpan }
  | { kind: 'attribute'; key: string; name: string; span: SourceSpan }
  | { kind: 'resource'; key: string; name: string; span: SourceSpan };

/** The field a bare word or phrase searches. */
export const IMPLICIT_MESSAGE_FIELD = (span: SourceSpan): FieldRef => ({
  kind: 'column',
  column: 'message',
  name: 'message',
  span,
});

export type CompareOperator = '>=' | '>' | '<=' | '<';

/**
 * `field:value` or a bare word / "phrase". `quoted`: the value came in quotes, so it may hold spaces
 * and syntax characters; a phrase and a word then match by the same rule (term-conditions.ts).
 */
export interface TextTerm {
  kind: 'text';
  field: FieldRef;
  value: string;
  quoted: boolean;
  span: SourceSpan;
}

/** `field:ab*c`: `parts` are the literal pieces between unescaped `*`s (at least two). */
export interface WildcardTerm {
  kind: 'wildcard';
  field: FieldRef;
  parts: string[];
  span: SourceSpan;
}

export interface RegexTerm {
  kind: 'regex';
  field: FieldRef;
  /** The pattern as written, with `\/` unescaped. */
  source: string;
  pattern: RegexNode;
  span: SourceSpan;
}

export interface CompareTerm {
  kind: 'compare';
  field: FieldRef;
  op: CompareOperator;
  value: number;
  span: SourceSpan;
}

/** `field:*` */
export interface ExistsTerm {
  kind: 'exists';
  field: FieldRef;
  span: SourceSpan;
}

export type TermNode = TextTerm | WildcardTerm | RegexTerm | CompareTerm | ExistsTerm;

export interface AndNode {
  kind: 'and';
  children: QueryNode[];
  span: SourceSpan;
}

export interface OrNode {
  kind: 'or';
  children: QueryNode[];
  span: SourceSpan;
}

export interface NotNode {
  kind: 'not';
  child: QueryNode;
  span: SourceSpan;
}

/** The empty query and a bare `*`. */
export interface MatchAllNode {
  kind: 'match_all';
  span: SourceSpan;
}

export type QueryNode = AndNode | OrNode | NotNode | MatchAllNode | TermNode;
