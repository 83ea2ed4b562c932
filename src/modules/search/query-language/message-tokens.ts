/**
 * Tokens as ClickHouse `hasToken` and the `tokenbf_v1` index see them: maximal runs of ASCII
 * letters/digits and non-ASCII characters (every UTF-8 byte ≥ 0x80 is a token byte, so any
 * non-ASCII code point is a token character). Everything else in ASCII, `_` included, separates.
 */
const TOKEN_RUN = /[0-9A-Za-z\u0080-\uffff]+/g;

/** The same definition as an RE2 pattern, for `extractAll` in SQL. */
export const TOKEN_RUN_RE2 = '[0-9A-Za-z\\x{80}-\\x{10FFFF}]+';

export function messageTokens(text: string): string[] {
  return text.match(TOKEN_RUN) ?? [];
}

export function isSingleToken(text: string): boolean {
  const tokens = messageTokens(text);
  return tokens.length === 1 && tokens[0] === text;
}
