import type { RegexProblem } from './regex-problem.ts';
import type { Token } from './token.ts';

/**
 * What went wrong, as a code and its values: the English message is built from the same facts, and
 * the web app words it in the reader's language from these (the message itself stays English).
 */
export type QuerySyntaxReason =
  | { code: 'query_too_long'; max: number }
  | { code: 'invalid_unicode' }
  | { code: 'dangling_backslash' }
  | { code: 'unterminated_phrase' }
  | { code: 'unterminated_regex' }
  /** `found`: the token met instead of one of `expected`; `text` for words and comparisons. */
  | { code: 'unexpected_token'; found: { type: Token['type']; text?: string } }
  | { code: 'too_deep'; max: number }
  | { code: 'wildcard_field_name' }
  | { code: 'invalid_regex'; problem: RegexProblem }
  | { code: 'number_out_of_range' }
  | { code: 'too_many_terms'; max: number };

/**
 * Thrown for every query the language rejects, including limit violations. The HTTP layer maps it
 * to 400 `{ error: { code: 'invalid_query', message, details: { position, expected } } }`.
 */
export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';
  readonly code = 'invalid_query';

  constructor(
    message: string,
    /** 0-based UTF-16 offset into the query string where the problem was detected. */
    readonly position: number,
    /** What would have been accepted at `position`; empty when the problem is not a missing token. */
    readonly expected: string[],
    readonly reason: QuerySyntaxReason,
  ) {
    super(message);
  }
}
