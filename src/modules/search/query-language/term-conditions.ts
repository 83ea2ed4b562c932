import type { CompareOperator, FieldRef, LogColumn, TermNode } from './ast.ts';
import { asciiLower } from './ascii-case.ts';
import { normaliseLevel } from './level-names.ts';
import { isSingleToken, messageTokens } from './message-tokens.ts';
import type { RegexNode } from './regex-ast.ts';

/** What a condition reads: a column, or one key of a map (missing key reads as ''). */
export type Subject =
  | { kind: 'column'; column: LogColumn }
  | { kind: 'attribute'; key: string }
  | { kind: 'resource'; key: string };

/**
 * The meaning of a term, decided once so that the SQL and JS compilers only translate it.
 * Lower-cased payloads are already ASCII-lower-cased here.
 */
export type Condition =
  | { op: 'always' }
  | { op: 'all_of'; conditions: Condition[] }
  | { op: 'equals'; subject: Subject; value: string }
  | { op: 'glob'; subject: Subject; parts: string[] }
  | { op: 'message_has_token'; token: string }
  | { op: 'message_contains'; needle: string }
  | { op: 'message_token_glob'; parts: string[] }
  | { op: 'regex'; subject: Subject; pattern: RegexNode }
  | { op: 'compare'; subject: Subject; operator: CompareOperator; value: number }
  | { op: 'exists'; subject: Subject };

function subjectOf(field: FieldRef): Subject {
  if (field.kind === 'column') return { kind: 'column', column: field.column };
  return { kind: field.kind, key: field.key };
}

function isColumn(field: FieldRef, column: LogColumn): boolean {
  return field.kind === 'column' && field.column === column;
}

/** Values of these columns are stored in one canonical spelling, so queries are normalised too. */
function normaliseValue(field: FieldRef, value: string): string {
  if (isColumn(field, 'level')) return normaliseLevel(value);
  if (isColumn(field, 'app_id')) return asciiLower(value);
  return value;
}

function normaliseGlobParts(field: FieldRef, parts: string[]): string[] {
  return isColumn(field, 'level') || isColumn(field, 'app_id') ? parts.map(asciiLower) : parts;
}

/**
 * A word or phrase that is one token is a token match. Text with separators (`foo-bar`, `user_42`,
 * "payment declined for order 4242") must appear as a case-insensitive substring AND each of its
 * tokens as a whole token, so `user_42` matches "user_42 logged in" but not "superuser_42", and
 * the phrase above does not match "… order 42421" (as a bare substring it did: 39 such rows in a
 * day of the bench's data, and none for order 4242). The whole-token conditions are also what lets
 * the `tokenbf_v1` index on lower(message) skip granules: a LIKE '%…%' can use only the tokens
 * inside the pattern, never the edge ones, which are often the rare ones.
 */
function messageText(text: string): Condition {
  const lower = asciiLower(text);
  if (isSingleToken(lower)) return { op: 'message_has_token', token: lower };
  const tokens = messageTokens(lower).map((token): Condition => ({
    op: 'message_has_token',
    token,
  }));
  const contains: Condition = { op: 'message_contains', needle: lower };
  return tokens.length === 0 ? contains : { op: 'all_of', conditions: [...tokens, contains] };
}

export function termCondition(term: TermNode): Condition {
  const onMessage = isColumn(term.field, 'message');
  const subject = subjectOf(term.field);
  switch (term.kind) {
    case 'text':
      if (!onMessage)
        return { op: 'equals', subject, value: normaliseValue(term.field, term.value) };
      return messageText(term.value);
    case 'wildcard':
      if (onMessage) return { op: 'message_token_glob', parts: term.parts.map(asciiLower) };
      return { op: 'glob', subject, parts: normaliseGlobParts(term.field, term.parts) };
    case 'regex':
      return { op: 'regex', subject, pattern: term.pattern };
    case 'compare':
      return { op: 'compare', subject, operator: term.op, value: term.value };
    case 'exists':
      return { op: 'exists', subject };
  }
}
