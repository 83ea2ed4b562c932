/**
 * What counts as a number, both in a query (`status>=500`) and in a stored value being compared.
 * Deliberately strict (no spaces, hex, `inf`, `nan`, `_`): `toFloat64OrNull` and `Number()` each
 * accept extra forms the other rejects, so the SQL only parses values that match this first.
 */
export const NUMERIC_TEXT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** The same shape in RE2, for `match()` in SQL. */
export const NUMERIC_TEXT_RE2 = '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?$';

/** Parses a stored value; undefined when it is not numeric text. */
export function parseNumericText(text: string): number | undefined {
  return NUMERIC_TEXT.test(text) ? Number(text) : undefined;
}
