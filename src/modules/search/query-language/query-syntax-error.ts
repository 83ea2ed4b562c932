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
    readonly expected: string[] = [],
  ) {
    super(message);
  }
}
